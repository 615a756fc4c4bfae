package dev.twhazard.detect;

import dev.twhazard.flow.AddressPair;
import dev.twhazard.flow.Seq;
import java.util.HashMap;
import java.util.Map;

/**
 * Estimates how many TCP timestamp clocks send from one IP address toward another: one per host
 * normally, several when hosts share the address behind a NAT.
 *
 * <p>A clock is tracked as its last (TSval, capture time) point. A later observation belongs to
 * that clock when its TSval has advanced by no more than a 1 kHz clock could (RFC 7323 5.4
 * allows 1 ms to 1 s per tick; Linux, FreeBSD, macOS and Windows tick at 1 kHz or slower), with a
 * little slack. Another host's clock has an unrelated offset, so it almost never fits.
 *
 * <p>Whether clocks are comparable across connections depends on the sender's stack: Linux since
 * 4.10 adds a random offset per address pair, and recent kernels (6.18 checked) one per 4-tuple
 * ({@code secure_tcp_seq_and_ts_off}); {@code tcp_timestamps=2} and older stacks use one clock.
 * The estimator tells the two apart from the data: when nearly every new quadruple brings a clock
 * of its own, offsets are per connection, TSvals of different quadruples are not comparable, and
 * only incarnations of the same quadruple can be compared (they share the 4-tuple's offset).
 */
final class TimestampClocks {

    /** Clock points kept per set; older points are forgotten first. */
    private static final int MAX_CLOCKS = 16;
    /** Quadruples per source followed across incarnations. */
    private static final int MAX_QUADRUPLES = 4096;
    /** The fastest clock assumed: 1 kHz, plus 10% and a few ticks of slack. */
    private static final double MAX_TICKS_PER_NANO = 1.1e-6;
    private static final int SLACK_TICKS = 50;
    /** First incarnations needed before deciding whether offsets are per connection. */
    private static final int MIN_EVIDENCE = 3;

    /**
     * A set of clocks, each as its newest (TSval, time) point. The points share one array so that
     * matching an observation against every clock reads one run of memory: with per-connection
     * offsets a busy source holds all {@link #MAX_CLOCKS} of them. For room for c clocks the
     * array holds the c times, then the c TSvals two to a long: 24 longs for 16 clocks instead
     * of 32, which saves 64 bytes on each of the hundreds of thousands of sources a busy capture
     * keeps.
     */
    static class ClockSet {
        /** Most addresses carry one clock: start small, grow to {@link #MAX_CLOCKS}. */
        private long[] points = new long[length(1)];
        private int capacity = 1;
        private int size;

        /** The array length that holds {@code capacity} clocks. */
        private static int length(int capacity) {
            return capacity + (capacity + 1) / 2;
        }

        private long time(int i) {
            return points[i];
        }

        private int tsVal(int i) {
            return (int) (points[capacity + (i >> 1)] >>> ((i & 1) << 5));
        }

        private void setTsVal(int i, int tsVal) {
            int word = capacity + (i >> 1);
            int shift = (i & 1) << 5;
            points[word] = points[word] & ~(0xFFFF_FFFFL << shift) | (tsVal & 0xFFFF_FFFFL) << shift;
        }

        /** Index of the clock the observation fits, or -1. */
        int match(int tsVal, long t) {
            for (int i = 0; i < size; i++) {
                long dt = t - time(i);
                int d = Seq.diff(tsVal, tsVal(i));
                if (dt >= -1_000_000L && d >= -2 && d <= (long) (Math.max(0, dt) * MAX_TICKS_PER_NANO) + SLACK_TICKS) {
                    return i;
                }
            }
            return -1;
        }

        /** Adds the observation to its clock, or as a new clock; true when the clock is new. */
        boolean observe(int tsVal, long t) {
            int i = match(tsVal, t);
            if (i >= 0) {
                if (Seq.after(tsVal, tsVal(i))) {
                    setTsVal(i, tsVal);
                }
                points[i] = Math.max(time(i), t);
                return false;
            }
            if (size < MAX_CLOCKS) {
                if (size == capacity) {
                    grow(grownCapacity());
                }
                i = size++;
            } else {
                i = 0;
                for (int j = 1; j < size; j++) {
                    if (time(j) < time(i)) {
                        i = j;
                    }
                }
            }
            setTsVal(i, tsVal);
            points[i] = t;
            return true;
        }

        private void grow(int newCapacity) {
            long[] grown = new long[length(newCapacity)];
            System.arraycopy(points, 0, grown, 0, size);
            System.arraycopy(points, capacity, grown, newCapacity, (size + 1) / 2);
            points = grown;
            capacity = newCapacity;
        }

        int size() {
            return size;
        }

        /** Clocks the set makes room for when it is full: twice as many, up to the limit. */
        int grownCapacity() {
            return Math.min(MAX_CLOCKS, size * 2);
        }
    }

    /**
     * What is known of one (source IP, destination IP): the clocks seen from it (it is that clock
     * set itself, one object less to reach per connection) and the evidence about its offsets.
     */
    static final class Source extends ClockSet implements dev.twhazard.flow.KeyTable.Keyed {
        private final int keyHash;
        /** Source (A) and destination (B) addresses, see {@link AddressPair}. */
        private final long v4;
        private final long[] v6;
        int firstIncarnations;
        int firstIncarnationsWithNewClock;
        boolean hasLatest;
        int latestTs;
        long latestTsTime;
        int maxClocksOnOneQuadruple = 1;
        /** Created when a quadruple of this source has a second incarnation. */
        Map<Integer, ClockSet> perQuadruple;
        long lastUsed;
        /** Forgotten by {@link #sweep}; flows that cached it look it up again. */
        boolean evicted;

        /** {@code keyHash} is {@code KeyTable.hash(srcHi, srcLo, dstHi, dstLo, 0)}, computed once by the caller. */
        Source(long srcHi, long srcLo, long dstHi, long dstLo, int keyHash) {
            this.v4 = AddressPair.v4(srcLo, dstLo);
            this.v6 = AddressPair.v6(srcHi, srcLo, dstHi, dstLo);
            this.keyHash = keyHash;
        }

        @Override
        public boolean hasKey(long a, long b, long c, long d, int e) {
            return AddressPair.is(v4, v6, a, b, c, d);
        }

        @Override
        public int keyHash() {
            return keyHash;
        }

        /**
         * A source showing a second clock usually goes on to fill the set, over minutes of
         * capture: per-connection offsets bring a clock per quadruple. Growing in steps would leave
         * each smaller array dead in the old generation, where sources live. A NAT of a few hosts
         * pays for the unused room instead, at most 176 bytes.
         */
        @Override
        int grownCapacity() {
            return MAX_CLOCKS;
        }

        /** Offsets are per connection: TSvals of different quadruples say nothing about hosts. */
        boolean perConnectionOffsets() {
            return firstIncarnations >= MIN_EVIDENCE && firstIncarnationsWithNewClock * 2 > firstIncarnations;
        }

        /** Enough evidence that TSvals of different quadruples come from few shared clocks. */
        boolean comparable() {
            return firstIncarnations >= MIN_EVIDENCE && !perConnectionOffsets();
        }

        int clocks() {
            return comparable() ? Math.max(size(), maxClocksOnOneQuadruple) : maxClocksOnOneQuadruple;
        }
    }

    private final dev.twhazard.flow.KeyTable<Source> sources = new dev.twhazard.flow.KeyTable<>();
    private final dev.twhazard.flow.RecentRecords<Source> recentSources = new dev.twhazard.flow.RecentRecords<>();

    Source source(long srcHi, long srcLo, long dstHi, long dstLo) {
        int hash = dev.twhazard.flow.KeyTable.hash(srcHi, srcLo, dstHi, dstLo, 0);
        Source s = recentSources.candidate(hash);
        if (s != null && s.hasKey(srcHi, srcLo, dstHi, dstLo, 0) && !s.evicted) {
            return s;
        }
        s = sources.get(srcHi, srcLo, dstHi, dstLo, 0, hash);
        if (s == null) {
            s = new Source(srcHi, srcLo, dstHi, dstLo, hash);
            sources.add(s);
        }
        recentSources.put(hash, s);
        return s;
    }

    /** The source of {@code side}'s traffic on the flow toward the other side. */
    Source sourceOf(dev.twhazard.flow.Flow f, int side, long now) {
        return sourceOf(f, side, now, null);
    }

    /**
     * The source of {@code side}'s traffic on the flow toward the other side: {@code known} (a
     * source found earlier for the flow, or null) if it still is that record, else looked up. It
     * is not when a sweep has forgotten it since, or when it was the other side's.
     */
    Source sourceOf(dev.twhazard.flow.Flow f, int side, long now, Object known) {
        long srcHi = f.hi(side);
        long srcLo = f.lo(side);
        long dstHi = f.hi(1 - side);
        long dstLo = f.lo(1 - side);
        Source s = known instanceof Source k && !k.evicted && k.hasKey(srcHi, srcLo, dstHi, dstLo, 0) ? k
                : source(srcHi, srcLo, dstHi, dstLo);
        s.lastUsed = now;
        return s;
    }

    /** Forgets sources unused since {@code before}: memory follows the active hosts, not the capture length. */
    void sweep(long before) {
        sources.removeIf(s -> {
            boolean drop = s.lastUsed < before;
            s.evicted |= drop;
            return drop;
        });
    }

    /**
     * Records the TSval of an incarnation's first segment from the source.
     *
     * @param ports the quadruple's ports (source port in the high half)
     * @param incarnation the incarnation's number on its quadruple
     * @param prevTs the same end's last TSval in the previous incarnation of this quadruple
     * @param prevTsTime when that TSval was seen, or 0 if there is none
     */
    void observeFirst(Source src, int ports, int incarnation, int tsVal, long t, int prevTs, long prevTsTime) {
        boolean newClock = src.observe(tsVal, t);
        if (incarnation == 1) {
            src.firstIncarnations++;
            if (newClock) {
                src.firstIncarnationsWithNewClock++;
            }
        } else {
            if (src.perQuadruple == null) {
                src.perQuadruple = new HashMap<>();
            }
            ClockSet quad = src.perQuadruple.get(ports);
            if (quad == null && src.perQuadruple.size() < MAX_QUADRUPLES) {
                quad = new ClockSet();
                src.perQuadruple.put(ports, quad);
                if (prevTsTime != 0) {
                    quad.observe(prevTs, prevTsTime);
                }
            }
            if (quad != null) {
                quad.observe(tsVal, t);
                src.maxClocksOnOneQuadruple = Math.max(src.maxClocksOnOneQuadruple, quad.size());
            }
        }
        remember(src, tsVal, t);
    }

    /** The newest TSval the source sent (Linux kept this per peer for tcp_tw_recycle). */
    void remember(Source src, int tsVal, long t) {
        if (!src.hasLatest || Seq.after(tsVal, src.latestTs)) {
            src.latestTs = tsVal;
            src.latestTsTime = t;
            src.hasLatest = true;
        }
    }
}
