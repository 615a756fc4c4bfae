package dev.twhazard.flow;

import java.util.Collection;

/**
 * Counts TIME_WAIT occupancy as it happens: per host (the holder) and per (client ip, server ip,
 * server port), live counts, peaks and when they were reached. A TIME_WAIT starts when the active
 * closer ACKs the peer's FIN, ends when its length has passed since its last (re)start, and ends
 * early when it is killed (RST, RFC 1337), taken over by a new connection, or found missing
 * (overflow). Expiry is exact: every host with the same TIME_WAIT length shares one FIFO whose
 * end times are in order; an entry made stale by an early end or a restart is skipped when it
 * comes out (its epoch no longer matches the flow's).
 */
public final class TimeWaitLedger {

    /** Width of the buckets of the per-host TIME_WAIT time series, until it is coarsened. */
    public static final long SERIES_BUCKET_NANOS = 10_000_000_000L;
    /**
     * The most buckets a host's series keeps (almost three hours at 10 s): beyond, pairs of buckets
     * merge and the width doubles, so a day-long stream costs each host the same memory as an hour.
     */
    public static final int SERIES_MAX_BUCKETS = 1024;
    /** Hosts start a time series once they hold this many TIME_WAITs at once. */
    public static final int SERIES_THRESHOLD = 10;

    /** TIME_WAIT occupancy of one host. */
    public static final class HostTw implements KeyTable.Keyed {
        final long hi;
        final long lo;
        final long twNanos;
        private final int keyHash;
        int live;
        int peak;
        long peakTime;
        long entered;
        long endedEarly;
        long firstTime;
        long lastTime;
        /** Forgotten by {@link #sweepHosts}; flows that cached it look it up again. */
        boolean evicted;
        /** Seen keeping a TIME_WAIT through a RST: it runs with {@code tcp_rfc1337=1}. */
        boolean rfc1337;
        long seriesStart = -1;
        private long bucketNanos = SERIES_BUCKET_NANOS;
        private long bucketStart = Long.MIN_VALUE;
        private int currentBucket;
        int[] series = new int[0];
        int seriesLength;

        HostTw(long hi, long lo, long twNanos) {
            this.hi = hi;
            this.lo = lo;
            this.twNanos = twNanos;
            this.keyHash = KeyTable.hash(hi, lo, 0, 0, 0);
        }

        @Override
        public boolean hasKey(long a, long b, long c, long d, int e) {
            return lo == b && hi == a;
        }

        @Override
        public int keyHash() {
            return keyHash;
        }

        public long hi() {
            return hi;
        }

        public long lo() {
            return lo;
        }

        public long timeWaitNanos() {
            return twNanos;
        }

        public int live() {
            return live;
        }

        public int peak() {
            return peak;
        }

        public long peakTime() {
            return peakTime;
        }

        public long entered() {
            return entered;
        }

        public boolean rfc1337() {
            return rfc1337;
        }

        /** Maximum live count per bucket of {@link #seriesBucketNanos()}, from {@link #seriesStart()}. */
        public int[] series() {
            return java.util.Arrays.copyOf(series, seriesLength);
        }

        public long seriesBucketNanos() {
            return bucketNanos;
        }

        public long seriesStart() {
            return seriesStart;
        }

        public long firstTime() {
            return firstTime;
        }

        public long lastTime() {
            return lastTime;
        }

        /**
         * The host was seen refusing TIME_WAITs beyond {@code limit} (tcp_max_tw_buckets): closes
         * counted above it held no bucket, so neither the peak nor the series can exceed it.
         */
        public void capAt(int limit) {
            if (peak > limit) {
                peak = limit;
            }
            for (int i = 0; i < seriesLength; i++) {
                series[i] = Math.min(series[i], limit);
            }
        }

        void record(long time) {
            if (firstTime == 0) {
                firstTime = time;
            }
            lastTime = Math.max(lastTime, time);
            if (live > peak) {
                peak = live;
                peakTime = time;
            }
            if (seriesStart < 0) {
                if (live < SERIES_THRESHOLD) {
                    return;
                }
                seriesStart = time - Math.floorMod(time, SERIES_BUCKET_NANOS);
            }
            int bucket;
            if (time >= bucketStart && time < bucketStart + bucketNanos) {
                bucket = currentBucket;
            } else {
                long b = (time - seriesStart) / bucketNanos;
                if (b < 0) {
                    return;
                }
                while (b >= SERIES_MAX_BUCKETS) {
                    coarsen();
                    b = (time - seriesStart) / bucketNanos;
                }
                bucket = (int) b;
                currentBucket = bucket;
                bucketStart = seriesStart + bucket * bucketNanos;
            }
            if (bucket >= series.length) {
                series = java.util.Arrays.copyOf(series, Math.max(bucket + 1, series.length * 2));
            }
            if (bucket >= seriesLength) {
                seriesLength = bucket + 1;
            }
            series[bucket] = Math.max(series[bucket], live);
        }

        /** Doubles the bucket width: each new bucket holds the larger peak of the two it merges. */
        private void coarsen() {
            int n = (seriesLength + 1) / 2;
            for (int i = 0; i < n; i++) {
                int a = series[2 * i];
                int b = 2 * i + 1 < seriesLength ? series[2 * i + 1] : 0;
                series[i] = Math.max(a, b);
            }
            java.util.Arrays.fill(series, n, seriesLength, 0);
            seriesLength = n;
            bucketNanos *= 2;
        }
    }

    /** Port occupancy of one (client ip, server ip, server port). */
    public static final class TupleTw implements KeyTable.Keyed {
        private final int keyHash;
        /** Client (A) and server (B) addresses, see {@link AddressPair}. */
        private final long v4;
        private final long[] v6;
        private final char serverPort;
        /** Quadruples of this tuple with a TIME_WAIT at either end. */
        int liveTw;
        int peakTw;
        long peakTwTime;
        /** Connections in progress (their client ports are taken too). */
        int active;
        int peakOccupied;
        long peakOccupiedTime;
        /** The client ports seen (chars, so that {@link #memo} costs no room): valid once there are connections. */
        char minPort = Character.MAX_VALUE;
        char maxPort;
        /** Some client port carried more than one incarnation: the range wrapped around. */
        boolean portReused;
        long connections;
        long firstTime;
        long lastTime;
        /** Forgotten by {@link #sweepTuples}; flows that cached it look it up again. */
        boolean evicted;
        /** The longest TIME_WAIT among the holders, for the sustainable rate. */
        long twNanos;
        /** See {@link #memo()}. */
        private Object memo;

        TupleTw(long clientHi, long clientLo, long serverHi, long serverLo, int serverPort) {
            this.v4 = AddressPair.v4(clientLo, serverLo);
            this.v6 = AddressPair.v6(clientHi, clientLo, serverHi, serverLo);
            this.serverPort = (char) serverPort;
            this.keyHash = KeyTable.hash(clientHi, clientLo, serverHi, serverLo, serverPort);
        }

        @Override
        public boolean hasKey(long a, long b, long c, long d, int e) {
            return serverPort == e && AddressPair.is(v4, v6, a, b, c, d);
        }

        @Override
        public int keyHash() {
            return keyHash;
        }

        public long clientHi() {
            return AddressPair.hi(v6, 0);
        }

        public long clientLo() {
            return AddressPair.lo(v4, v6, 0);
        }

        public long serverHi() {
            return AddressPair.hi(v6, 1);
        }

        public long serverLo() {
            return AddressPair.lo(v4, v6, 1);
        }

        public int serverPort() {
            return serverPort;
        }

        public int peakTw() {
            return peakTw;
        }

        public long peakTwTime() {
            return peakTwTime;
        }

        public int peakOccupied() {
            return peakOccupied;
        }

        public long peakOccupiedTime() {
            return peakOccupiedTime;
        }

        /**
         * A detector's record for this client and server, kept here so that a new connection
         * reaches it through the record the ledger has just found for it instead of a lookup of
         * its own: a few cache misses less per connection. The detector must check that it is
         * still the record it wants (it may have been forgotten since). Dropped when the tuple
         * is swept or found idle by a sweep ({@link #sweepTuples}).
         */
        public Object memo() {
            return memo;
        }

        public void memo(Object value) {
            memo = value;
        }

        public int minPort() {
            return minPort;
        }

        public int maxPort() {
            return maxPort;
        }

        public boolean portReused() {
            return portReused;
        }

        public long connections() {
            return connections;
        }

        public long timeWaitNanos() {
            return twNanos;
        }

        public long firstTime() {
            return firstTime;
        }

        public long lastTime() {
            return lastTime;
        }

        void record(long time) {
            if (firstTime == 0) {
                firstTime = time;
            }
            lastTime = Math.max(lastTime, time);
            if (liveTw > peakTw) {
                peakTw = liveTw;
                peakTwTime = time;
            }
            int occupied = liveTw + active;
            if (occupied > peakOccupied) {
                peakOccupied = occupied;
                peakOccupiedTime = time;
            }
        }
    }

    private final TimeWaitLengths lengths;
    private final KeyTable<HostTw> hosts = new KeyTable<>();
    private final KeyTable<TupleTw> tuples = new KeyTable<>();
    private final RecentRecords<HostTw> recentHosts = new RecentRecords<>();
    private final RecentRecords<TupleTw> recentTuples = new RecentRecords<>();
    /** One FIFO per distinct TIME_WAIT length; end times within a FIFO are in order. */
    private final java.util.List<EndQueue> queues = new java.util.ArrayList<>();
    private long[] queueLengths = new long[0];
    /** The earliest end time at the head of any queue, so most calls to advance return at once. */
    private long nextDue = Long.MAX_VALUE;

    public TimeWaitLedger(TimeWaitLengths lengths) {
        this.lengths = lengths;
    }

    /** The TIME_WAIT record of the host at the address, made on first use. */
    public HostTw host(long hi, long lo) {
        int hash = KeyTable.hash(hi, lo, 0, 0, 0);
        HostTw h = recentHosts.candidate(hash);
        if (h != null && h.hasKey(hi, lo, 0, 0, 0) && !h.evicted) {
            return h;
        }
        h = hosts.get(hi, lo, 0, 0, 0, hash);
        if (h == null) {
            h = new HostTw(hi, lo, lengths.nanosFor(hi, lo));
            hosts.add(h);
        }
        recentHosts.put(hash, h);
        return h;
    }

    /** The TIME_WAIT record of the host on {@code side} of the flow (its holder's is kept on the flow). */
    public HostTw hostOf(Flow f, int side) {
        HostTw h = f.twHost;
        if (h != null && f.twHostSide() == side && !h.evicted) {
            return h;
        }
        return host(f.hi(side), f.lo(side));
    }

    public Collection<HostTw> hosts() {
        return hosts.values();
    }

    public Collection<TupleTw> tuples() {
        return tuples.values();
    }

    TupleTw tuple(Flow f, int clientSide) {
        int server = 1 - clientSide;
        long cHi = f.hi(clientSide);
        long cLo = f.lo(clientSide);
        long sHi = f.hi(server);
        long sLo = f.lo(server);
        int port = f.port(server);
        int hash = KeyTable.hash(cHi, cLo, sHi, sLo, port);
        TupleTw t = recentTuples.candidate(hash);
        if (t != null && t.hasKey(cHi, cLo, sHi, sLo, port) && !t.evicted) {
            return t;
        }
        t = tuples.get(cHi, cLo, sHi, sLo, port, hash);
        if (t == null) {
            t = new TupleTw(cHi, cLo, sHi, sLo, port);
            tuples.add(t);
        }
        recentTuples.put(hash, t);
        return t;
    }

    /** A connection attempt started on the quadruple: its client port is now in use. */
    void connectionStarted(Flow f, Incarnation inc, long time) {
        TupleTw known = f.tuple();
        TupleTw t = known != null && !known.evicted && f.tupleClientSide() == inc.clientSide ? known
                : tuple(f, inc.clientSide);
        f.tuple(t, inc.clientSide);
        inc.tuple = t;
        // A quadruple still held by its TIME_WAIT is one client port, not two: the connection
        // counts once that TIME_WAIT is gone.
        if (f.twCounted() == 0) {
            t.active++;
            inc.occupiesPort = true;
        }
        t.connections++;
        int port = f.port(inc.clientSide);
        t.minPort = (char) Math.min(t.minPort, port);
        t.maxPort = (char) Math.max(t.maxPort, port);
        if (inc.number > 1) {
            t.portReused = true;
        }
        t.record(time);
    }

    void connectionEnded(Incarnation inc) {
        if (inc.tuple != null && inc.occupiesPort) {
            inc.tuple.active--;
        }
        inc.occupiesPort = false;
        inc.tuple = null;
    }

    /** The flow's TIME_WAIT is gone: a connection in progress on it now holds the port itself. */
    private void portPassesToConnection(Flow f, long time) {
        Incarnation inc = f.active;
        if (inc != null && inc.tuple != null && !inc.occupiesPort) {
            inc.tuple.active++;
            inc.occupiesPort = true;
            inc.tuple.record(time);
        }
    }

    /**
     * Forgets (client, server, port) records that are idle (no TIME_WAIT, no connection) since
     * before {@code idleBefore} and that {@code keep} does not want kept, so that memory does not
     * grow with the number of distinct clients over a long capture. An idle one that is kept drops
     * its {@link TupleTw#memo}: the detector's record is then most likely idle too and forgotten by
     * the detector's own sweep, and a kept tuple must not hold it in memory (a later connection
     * looks it up again).
     */
    public void sweepTuples(long idleBefore, java.util.function.Predicate<TupleTw> keep) {
        tuples.removeIf(t -> {
            boolean idle = t.lastTime < idleBefore;
            boolean drop = idle && t.liveTw == 0 && t.active == 0 && !keep.test(t);
            t.evicted |= drop;
            if (idle) {
                t.memo = null;
            }
            return drop;
        });
    }

    /** Forgets idle hosts that {@code keep} does not want kept (see {@link #sweepTuples}). */
    public void sweepHosts(long idleBefore, java.util.function.Predicate<HostTw> keep) {
        hosts.removeIf(h -> {
            boolean drop = h.live == 0 && h.lastTime < idleBefore && !keep.test(h);
            h.evicted |= drop;
            return drop;
        });
    }

    /**
     * {@code side} of the flow entered TIME_WAIT at {@code time} (its incarnation is closing).
     *
     * @return the host's live TIME_WAIT count with this one
     */
    int start(Flow f, Incarnation inc, int side, long time) {
        HostTw h = hostOf(f, side);
        f.twHost = h;
        f.twHostSide(side);
        h.live++;
        h.entered++;
        h.record(time);
        if (f.twCounted() == 0) {
            TupleTw t = inc.tuple != null ? inc.tuple : tuple(f, inc.clientSide);
            f.twTuple(t);
            t.liveTw++;
            if (inc.occupiesPort) {
                // The closing connection's port is now held by its TIME_WAIT instead.
                t.active--;
                inc.occupiesPort = false;
            }
            t.twNanos = Math.max(t.twNanos, h.twNanos);
            t.record(time);
        }
        f.twCounted(f.twCounted() | 1 << side);
        enqueue(f, side, time + h.twNanos, h.twNanos);
        return h.live;
    }

    /**
     * A TIME_WAIT thought killed shows it is alive (it answered again): the host ignores RSTs in
     * TIME_WAIT ({@code tcp_rfc1337=1}). Counts it again until {@code end}.
     */
    void revive(Flow f, int side, long time, long end) {
        if ((f.twCounted() & (1 << side)) != 0) {
            return;
        }
        HostTw h = hostOf(f, side);
        h.live++;
        h.endedEarly--;
        h.rfc1337 = true;
        h.record(time);
        TupleTw t = f.tuple();
        if (f.twCounted() == 0 && t != null) {
            f.twTuple(t);
            t.liveTw++;
            t.record(time);
        }
        f.twCounted(f.twCounted() | 1 << side);
        enqueue(f, side, Math.max(end, time), h.twNanos);
    }

    /** The holder got a segment that restarts its TIME_WAIT timer (Linux {@code inet_twsk_reschedule}). */
    void restart(Flow f, long time) {
        if (f.twCounted() == 0) {
            return;
        }
        f.twEpoch++;
        for (int side = 0; side < 2; side++) {
            if ((f.twCounted() & (1 << side)) != 0) {
                HostTw h = hostOf(f, side);
                enqueue(f, side, time + h.twNanos, h.twNanos);
            }
        }
    }

    /** Every TIME_WAIT of the flow ends now, before its time. */
    void end(Flow f, long time) {
        if (f.twCounted() == 0) {
            return;
        }
        for (int side = 0; side < 2; side++) {
            if ((f.twCounted() & (1 << side)) != 0) {
                HostTw h = hostOf(f, side);
                h.live--;
                h.endedEarly++;
                h.record(time);
            }
        }
        f.twCounted(0);
        f.twEpoch++;
        uncountTuple(f, time);
        portPassesToConnection(f, time);
    }

    /** The flow's last counted TIME_WAIT is gone: its tuple holds one TIME_WAIT less. False if it had none. */
    private static boolean uncountTuple(Flow f, long time) {
        TupleTw t = f.twTuple();
        if (t == null) {
            return false;
        }
        t.liveTw--;
        t.record(time);
        f.twTuple(null);
        return true;
    }

    /** Ends the TIME_WAITs whose time is up. */
    void advance(long now) {
        if (now < nextDue) {
            return;
        }
        long due = Long.MAX_VALUE;
        for (int k = 0; k < queues.size(); k++) {
            EndQueue q = queues.get(k);
            while (!q.isEmpty() && q.firstEnd() <= now) {
                Flow f = q.firstFlow();
                int side = q.firstSide();
                int epoch = q.firstEpoch();
                long end = q.firstEnd();
                q.removeFirst();
                int bit = 1 << side;
                if (epoch != f.twEpoch || (f.twCounted() & bit) == 0) {
                    continue;
                }
                HostTw h = hostOf(f, side);
                h.live--;
                h.record(end);
                f.twCounted(f.twCounted() & ~bit);
                if (f.twCounted() == 0 && uncountTuple(f, end)) {
                    portPassesToConnection(f, end);
                }
            }
            if (!q.isEmpty()) {
                due = Math.min(due, q.firstEnd());
            }
        }
        nextDue = due;
    }

    private void enqueue(Flow f, int side, long end, long length) {
        int i = 0;
        while (i < queueLengths.length && queueLengths[i] != length) {
            i++;
        }
        if (i == queueLengths.length) {
            queueLengths = java.util.Arrays.copyOf(queueLengths, i + 1);
            queueLengths[i] = length;
            queues.add(new EndQueue());
        }
        queues.get(i).add(f, side, f.twEpoch, end);
        nextDue = Math.min(nextDue, end);
    }
}
