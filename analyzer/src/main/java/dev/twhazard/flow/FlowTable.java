package dev.twhazard.flow;

import dev.twhazard.decode.TcpSegment;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;

/**
 * Flows by quadruple, independent of direction: an open-addressing table with linear probing
 * over {@code Flow} references and their cached hashes, so a lookup allocates nothing and a
 * probe compares the full key only when the hash matches. Deletion shifts later entries back
 * (Knuth's algorithm R) instead of leaving tombstones.
 */
public final class FlowTable {

    /**
     * Fuller than a chained table would be, because a probe run stays within a cache line or two
     * of the hash array: 2 M slots then hold the 1.4 M quadruples that 20,000 new connections/s
     * keep through TIME_WAIT, where 0.6 doubled the table to 4 M slots. Measured at that rate:
     * 20 to 25 MB less RSS and no slower (three interleaved pairs, all three faster).
     */
    private static final float MAX_LOAD = 0.75f;

    private Flow[] slots;
    private int[] hashes;
    private int mask;
    private int size;
    private int lastSide;
    private final IntUnaryOperator segmentHash;

    public FlowTable(int expectedFlows) {
        this(expectedFlows, IntUnaryOperator.identity());
    }

    /**
     * A table whose segments carry {@code segmentHash} of their quadruple's hash instead of the
     * hash itself: tests force collisions this way. A flow stores no hash ({@link #remove} works
     * it out again), so the table must know.
     */
    FlowTable(int expectedFlows, IntUnaryOperator segmentHash) {
        this.segmentHash = segmentHash;
        int cap = Integer.highestOneBit(Math.max(16, (int) (expectedFlows / MAX_LOAD)) - 1) << 1;
        slots = new Flow[cap];
        hashes = new int[cap];
        mask = cap - 1;
    }

    public int size() {
        return size;
    }

    /** The side (0 = A, 1 = B) the segment of the last {@link #getOrCreate} call was sent from. */
    public int lastSide() {
        return lastSide;
    }

    /**
     * Computes the segment's canonical direction and quadruple hash ahead of {@link #getOrCreate},
     * on whatever thread decodes (a pure function of the segment).
     */
    public static void prepare(TcpSegment seg) {
        boolean srcIsA = compare(seg.srcHi, seg.srcLo, seg.srcPort, seg.dstHi, seg.dstLo, seg.dstPort) <= 0;
        seg.srcIsA = srcIsA;
        seg.flowHash = srcIsA ? hash(seg.srcHi, seg.srcLo, seg.srcPort, seg.dstHi, seg.dstLo, seg.dstPort)
                : hash(seg.dstHi, seg.dstLo, seg.dstPort, seg.srcHi, seg.srcLo, seg.srcPort);
        seg.prepared = true;
    }

    /**
     * The flow of the segment's quadruple, created when new. Sets {@link #lastSide()}.
     * Allocates only when it creates a flow (or grows the table).
     */
    public Flow getOrCreate(TcpSegment seg) {
        if (!seg.prepared) {
            prepare(seg);
        }
        boolean srcIsA = seg.srcIsA;
        long aHi = srcIsA ? seg.srcHi : seg.dstHi;
        long aLo = srcIsA ? seg.srcLo : seg.dstLo;
        int aPort = srcIsA ? seg.srcPort : seg.dstPort;
        long bHi = srcIsA ? seg.dstHi : seg.srcHi;
        long bLo = srcIsA ? seg.dstLo : seg.srcLo;
        int bPort = srcIsA ? seg.dstPort : seg.srcPort;
        lastSide = srcIsA ? 0 : 1;
        int h = seg.flowHash;
        int i = h & mask;
        while (true) {
            Flow f = slots[i];
            if (f == null) {
                break;
            }
            if (hashes[i] == h && f.hasKey(aHi, aLo, aPort, bHi, bLo, bPort)) {
                return f;
            }
            i = (i + 1) & mask;
        }
        Flow f;
        if (AddressPair.bothV4(aHi, aLo, bHi, bLo)) {
            f = free.poll();
            if (f != null) {
                f.init(aLo, aPort, bLo, bPort);
            } else {
                f = new Flow(aLo, aPort, bLo, bPort);
            }
        } else {
            Ipv6Flow f6 = freeIpv6.poll();
            if (f6 != null) {
                f6.init(aHi, aLo, aPort, bHi, bLo, bPort);
            } else {
                f6 = new Ipv6Flow(aHi, aLo, aPort, bHi, bLo, bPort);
            }
            f = f6;
        }
        slots[i] = f;
        hashes[i] = h;
        if (++size > MAX_LOAD * slots.length) {
            grow();
        }
        return f;
    }

    /** Forgotten flows, kept to stand for new quadruples (see {@link Flow#init}), by kind. */
    private final ArrayDeque<Flow> free = new ArrayDeque<>();
    private final ArrayDeque<Ipv6Flow> freeIpv6 = new ArrayDeque<>();

    /** Hands a removed flow back for reuse; the caller must hold no references it will use again. */
    public void recycle(Flow f) {
        if (f instanceof Ipv6Flow f6) {
            freeIpv6.push(f6);
        } else {
            free.push(f);
        }
    }

    /** Removes the flow (found by identity). */
    public void remove(Flow flow) {
        int h = hash(flow.hi(0), flow.lo(0), flow.port(0), flow.hi(1), flow.lo(1), flow.port(1));
        int i = segmentHash.applyAsInt(h) & mask;
        while (slots[i] != null && slots[i] != flow) {
            i = (i + 1) & mask;
        }
        if (slots[i] == null) {
            return;
        }
        deleteAt(i);
    }

    /** Visits every flow; the visitor must not add or remove flows. */
    public void forEach(Consumer<Flow> visitor) {
        for (Flow f : slots) {
            if (f != null) {
                visitor.accept(f);
            }
        }
    }

    private void deleteAt(int i) {
        LinearProbing.deleteAt(slots, hashes, mask, i);
        size--;
    }

    private void grow() {
        Flow[] old = slots;
        int[] oldHashes = hashes;
        slots = new Flow[old.length * 2];
        hashes = new int[old.length * 2];
        mask = slots.length - 1;
        LinearProbing.rehash(old, oldHashes, slots, hashes);
    }

    /** Orders endpoints by address, then port, unsigned. */
    static int compare(long hi1, long lo1, int port1, long hi2, long lo2, int port2) {
        int c = Long.compareUnsigned(hi1, hi2);
        if (c != 0) {
            return c;
        }
        c = Long.compareUnsigned(lo1, lo2);
        if (c != 0) {
            return c;
        }
        return Integer.compare(port1, port2);
    }

    static int hash(long aHi, long aLo, int aPort, long bHi, long bLo, int bPort) {
        long h = aLo * 0x9E3779B97F4A7C15L;
        h ^= bLo * 0xC2B2AE3D27D4EB4FL;
        h ^= (aHi ^ Long.rotateLeft(bHi, 29)) * 0x165667B19E3779F9L;
        h ^= ((long) aPort << 16 | bPort) * 0xD6E8FEB86659FD93L;
        h ^= h >>> 32;
        h *= 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29));
    }
}
