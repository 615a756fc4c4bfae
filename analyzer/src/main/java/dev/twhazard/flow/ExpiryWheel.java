package dev.twhazard.flow;

/**
 * When to look at each flow again: a timing wheel of one-second slots. A flow is scheduled for
 * the second its state may expire; when that second comes it is checked, and either forgotten or
 * scheduled again for its new due time. Scheduling and each check cost O(1); nothing is done for
 * a flow between its due times, whatever the packet rate.
 *
 * <p>A flow sits in exactly one slot, that of its due second: {@link Flow#dueSecond} names it (in
 * seconds from the wheel's first, an int: a million flows spend 4 bytes less each) and
 * {@link Flow#wheelIndex} its place there. Scheduling it again moves it, earlier or later, so a
 * closed flow is looked at once, when its TIME_WAIT and grace are over, and no entry is left
 * behind to visit a cold flow for nothing. Due times beyond the wheel's span land in the farthest
 * slot and are checked again then.
 *
 * <p>Slot arrays are pooled by size. A busy second's array is filled when its flows close and
 * emptied when their TIME_WAIT and grace are over, more than a minute later: long enough to be
 * promoted, so a fresh array per second would leave the old generation a stream of dead arrays
 * (several MB per minute of capture at 5,000 connections/s) that only a full collection frees,
 * and the process's memory would creep up with capture length.
 */
final class ExpiryWheel {

    private static final int SLOTS = 4096;
    private static final long SECOND = 1_000_000_000L;
    /** {@link Flow#dueSecond} of a flow not in the wheel. */
    static final int NOT_DUE = Integer.MIN_VALUE;

    private static final int MIN_LENGTH = 16;
    /** Size classes pooled: lengths 16, 32, ... up to 16 << 14 (262,144 entries, 1 MB). */
    private static final int CLASSES = 15;
    /** Spare arrays kept per size class: a handful cycle at a steady connection rate. */
    private static final int SPARES = 8;

    private final Flow[][] slots = new Flow[SLOTS][];
    private final int[] sizes = new int[SLOTS];
    private final Flow[][][] spares = new Flow[CLASSES][SPARES][];
    private final int[] spareCounts = new int[CLASSES];
    private long processedSecond = Long.MIN_VALUE;
    /** The second due seconds count from: the one before the first the wheel handles. */
    private long origin;
    private long nextSecondNanos = Long.MIN_VALUE;

    /**
     * A second as a flow keeps it. Only seconds within the wheel's span are compared, by equality
     * or by their difference, so the int may wrap (after 68 years of capture) without harm.
     */
    private int due(long second) {
        return (int) (second - origin);
    }

    /** The slot of a due second; exact even after a wrap, as 2^32 is a multiple of the slot count. */
    private int slotOf(int due) {
        return (int) Math.floorMod(origin + due, SLOTS);
    }

    private void start(long firstSecond) {
        processedSecond = firstSecond - 1;
        origin = processedSecond;
    }

    /** Schedules the flow to be checked at {@code dueNanos}, instead of when it was due before. */
    void schedule(Flow f, long dueNanos) {
        long second = Math.floorDiv(dueNanos, SECOND);
        if (processedSecond == Long.MIN_VALUE) {
            // Scheduled before the first advance: the wheel starts at this second, so the first
            // advance walks every second from here and cannot skip the flow's slot.
            start(second);
        }
        second = Math.max(second, processedSecond + 1);
        second = Math.min(second, processedSecond + SLOTS - 1);
        int due = due(second);
        if (pending(f)) {
            if (f.dueSecond == due) {
                return;
            }
            unschedule(f);
        }
        f.dueSecond = due;
        int slot = slotOf(due);
        Flow[] s = slots[slot];
        if (s == null) {
            s = slots[slot] = take(MIN_LENGTH);
        } else if (sizes[slot] == s.length) {
            Flow[] bigger = take(s.length * 2);
            System.arraycopy(s, 0, bigger, 0, s.length);
            java.util.Arrays.fill(s, null);
            give(s);
            s = slots[slot] = bigger;
        }
        f.wheelIndex = sizes[slot];
        s[sizes[slot]++] = f;
    }

    /** Takes the flow out of the wheel (it is forgotten, or moves to another slot). */
    void unschedule(Flow f) {
        if (pending(f)) {
            int slot = slotOf(f.dueSecond);
            Flow[] s = slots[slot];
            if (s != null && f.wheelIndex < sizes[slot] && s[f.wheelIndex] == f) {
                // The slot's last entry fills the gap, so that a slot holds only the flows due in
                // it and its array stays as small as that.
                int last = --sizes[slot];
                Flow moved = s[last];
                s[f.wheelIndex] = moved;
                s[last] = null;
                if (moved.dueSecond == f.dueSecond) {
                    moved.wheelIndex = f.wheelIndex;
                }
            }
        }
        f.dueSecond = NOT_DUE;
    }

    private boolean pending(Flow f) {
        return f.dueSecond != NOT_DUE && f.dueSecond - due(processedSecond) > 0;
    }

    /**
     * Checks every flow due up to {@code nowNanos}: {@code check} returns the flow's next due time,
     * or {@link Long#MIN_VALUE} when it was removed.
     */
    void advance(long nowNanos, java.util.function.ToLongFunction<Flow> check) {
        if (nowNanos < nextSecondNanos) {
            return; // still within the second already processed: nothing new is due
        }
        long now = Math.floorDiv(nowNanos, SECOND);
        nextSecondNanos = (now + 1) * SECOND;
        if (processedSecond == Long.MIN_VALUE) {
            start(now);
        }
        while (processedSecond < now) {
            long second = ++processedSecond;
            int due = due(second);
            int slot = slotOf(due);
            Flow[] s = slots[slot];
            int n = sizes[slot];
            if (s == null) {
                continue;
            }
            slots[slot] = null;
            sizes[slot] = 0;
            for (int i = 0; i < n; i++) {
                Flow f = s[i];
                if (f.dueSecond != due) {
                    continue; // recycled for another quadruple without being taken out
                }
                f.dueSecond = NOT_DUE;
                long next = check.applyAsLong(f);
                if (next != Long.MIN_VALUE) {
                    schedule(f, next);
                }
            }
            java.util.Arrays.fill(s, 0, n, null);
            give(s);
        }
    }

    /** An empty array of {@code length} (a power of two from 16), from the pool if it has one. */
    private Flow[] take(int length) {
        int c = sizeClass(length);
        if (c < CLASSES && spareCounts[c] > 0) {
            Flow[] a = spares[c][--spareCounts[c]];
            spares[c][spareCounts[c]] = null;
            return a;
        }
        return new Flow[length];
    }

    /** Returns an emptied array to the pool, or drops it when its class is full or not pooled. */
    private void give(Flow[] a) {
        int c = sizeClass(a.length);
        if (c < CLASSES && spareCounts[c] < SPARES) {
            spares[c][spareCounts[c]++] = a;
        }
    }

    private static int sizeClass(int length) {
        return Integer.numberOfTrailingZeros(length) - Integer.numberOfTrailingZeros(MIN_LENGTH);
    }
}
