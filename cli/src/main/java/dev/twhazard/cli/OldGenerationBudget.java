package dev.twhazard.cli;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Keeps the old generation near the analysis's live state over long captures, so that the
 * process's memory does not grow with capture length.
 *
 * <p>Why it is needed: the parallel collector (the launcher's choice) and the serial one collect
 * the old generation only when it cannot grow any more, and it may grow to the maximum heap, a
 * quarter of RAM by default. The analysis's live state stops growing once the TIME_WAIT, idle and
 * sweep horizons are full. But the records a sweep forgets ((client, server, port) and address-pair
 * records with their clock arrays) have lived for minutes, so they die in the old generation.
 * Measured on a stream at 5,000 new connections/s: RSS rose from 377 to 531 MB over 66 minutes of
 * capture with the live state flat, and it would go on rising.
 *
 * <p>What it does: after each collection, the JDK sends a notification on its own thread, off the
 * analysis threads. When the old generation then holds a quarter more than the last full
 * collection left, and at least {@link #FLOOR_BYTES}, this asks for a full collection. Below the
 * floor the process stays under the 512 MB goal anyway, and the benchmark's 2 GB capture needs no
 * full collection.
 */
final class OldGenerationBudget implements NotificationListener {

    static final long FLOOR_BYTES = 320L << 20;

    private final String oldPool;
    private final Runnable fullCollection;
    /** What the last full collection left in the old generation: the live state. */
    private long liveAfterFull;
    private boolean requested;

    OldGenerationBudget(String oldPool, Runnable fullCollection) {
        this.oldPool = oldPool;
        this.fullCollection = fullCollection;
    }

    /**
     * Watches the collections of this JVM, if its collector is one that leaves the old generation
     * uncollected until it is full (parallel or serial); with any other it does nothing.
     */
    static void install() {
        String pool = null;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getName().equals("PS Old Gen") || p.getName().equals("Tenured Gen")) {
                pool = p.getName();
            }
        }
        if (pool == null) {
            return;
        }
        OldGenerationBudget budget = new OldGenerationBudget(pool, System::gc);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(budget, null, null);
            }
        }
    }

    @Override
    public void handleNotification(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        MemoryUsage old = info.getGcInfo().getMemoryUsageAfterGc().get(oldPool);
        if (old == null) {
            return;
        }
        afterCollection(info.getGcAction().equals("end of major GC"), old.getUsed());
    }

    /** One collection's outcome: whether it was a full one, and what the old generation holds after it. */
    void afterCollection(boolean full, long oldUsed) {
        if (full) {
            liveAfterFull = oldUsed;
            requested = false;
        } else if (!requested && oldUsed > Math.max(FLOOR_BYTES, liveAfterFull + liveAfterFull / 4)) {
            // Once per crossing: with -XX:+DisableExplicitGC no full collection follows, and this
            // asks no more.
            requested = true;
            fullCollection.run();
        }
    }
}
