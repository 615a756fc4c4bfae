package dev.twhazard.flow;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

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

    /** Width of the buckets of the per-host TIME_WAIT time series. */
    public static final long SERIES_BUCKET_NANOS = 10_000_000_000L;
    /** Hosts start a time series once they hold this many TIME_WAITs at once. */
    public static final int SERIES_THRESHOLD = 10;

    /** TIME_WAIT occupancy of one host. */
    public static final class HostTw {
        final long hi;
        final long lo;
        final long twNanos;
        int live;
        int peak;
        long peakTime;
        long entered;
        long endedEarly;
        long firstTime;
        long lastTime;
        /** Seen keeping a TIME_WAIT through a RST: it runs with {@code tcp_rfc1337=1}. */
        boolean rfc1337;
        long seriesStart = -1;
        int[] series = new int[0];
        int seriesLength;

        HostTw(long hi, long lo, long twNanos) {
            this.hi = hi;
            this.lo = lo;
            this.twNanos = twNanos;
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

        /** Maximum live count per {@link #SERIES_BUCKET_NANOS} bucket, from {@link #seriesStart()}. */
        public int[] series() {
            return java.util.Arrays.copyOf(series, seriesLength);
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
            int bucket = (int) ((time - seriesStart) / SERIES_BUCKET_NANOS);
            if (bucket < 0) {
                return;
            }
            if (bucket >= series.length) {
                series = java.util.Arrays.copyOf(series, Math.max(bucket + 1, series.length * 2));
            }
            if (bucket >= seriesLength) {
                seriesLength = bucket + 1;
            }
            series[bucket] = Math.max(series[bucket], live);
        }
    }

    /** Port occupancy of one (client ip, server ip, server port). */
    public static final class TupleTw {
        final long clientHi;
        final long clientLo;
        final long serverHi;
        final long serverLo;
        final int serverPort;
        /** Quadruples of this tuple with a TIME_WAIT at either end. */
        int liveTw;
        int peakTw;
        long peakTwTime;
        /** Connections in progress (their client ports are taken too). */
        int active;
        int peakOccupied;
        long peakOccupiedTime;
        int minPort = Integer.MAX_VALUE;
        int maxPort = Integer.MIN_VALUE;
        /** Some client port carried more than one incarnation: the range wrapped around. */
        boolean portReused;
        long connections;
        long firstTime;
        long lastTime;
        /** The longest TIME_WAIT among the holders, for the sustainable rate. */
        long twNanos;

        TupleTw(long clientHi, long clientLo, long serverHi, long serverLo, int serverPort) {
            this.clientHi = clientHi;
            this.clientLo = clientLo;
            this.serverHi = serverHi;
            this.serverLo = serverLo;
            this.serverPort = serverPort;
        }

        public long clientHi() {
            return clientHi;
        }

        public long clientLo() {
            return clientLo;
        }

        public long serverHi() {
            return serverHi;
        }

        public long serverLo() {
            return serverLo;
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

    private record HostKey(long hi, long lo) {
    }

    private record TupleKey(long cHi, long cLo, long sHi, long sLo, int port) {
    }

    private record Entry(Flow flow, int side, int epoch, long end) {
    }

    private final TimeWaitLengths lengths;
    private final Map<HostKey, HostTw> hosts = new HashMap<>();
    private final Map<TupleKey, TupleTw> tuples = new HashMap<>();
    /** One FIFO per distinct TIME_WAIT length; end times within a FIFO are in order. */
    private final java.util.List<ArrayDeque<Entry>> queues = new java.util.ArrayList<>();
    private long[] queueLengths = new long[0];
    /** The earliest end time at the head of any queue, so most calls to advance return at once. */
    private long nextDue = Long.MAX_VALUE;

    public TimeWaitLedger(TimeWaitLengths lengths) {
        this.lengths = lengths;
    }

    public HostTw host(long hi, long lo) {
        return hosts.computeIfAbsent(new HostKey(hi, lo), k -> new HostTw(hi, lo, lengths.nanosFor(hi, lo)));
    }

    /** The host if it ever held a TIME_WAIT, else null. */
    public HostTw hostIfKnown(long hi, long lo) {
        return hosts.get(new HostKey(hi, lo));
    }

    public Collection<HostTw> hosts() {
        return hosts.values();
    }

    public Collection<TupleTw> tuples() {
        return tuples.values();
    }

    TupleTw tuple(Flow f, int clientSide) {
        int server = 1 - clientSide;
        TupleKey key = new TupleKey(f.hi(clientSide), f.lo(clientSide), f.hi(server), f.lo(server), f.port(server));
        return tuples.computeIfAbsent(key, k -> new TupleTw(k.cHi, k.cLo, k.sHi, k.sLo, k.port));
    }

    /** A connection attempt started on the quadruple: its client port is now in use. */
    void connectionStarted(Flow f, Incarnation inc, long time) {
        TupleTw t = f.tuple != null && f.tupleClientSide == inc.clientSide ? f.tuple : tuple(f, inc.clientSide);
        f.tuple = t;
        f.tupleClientSide = inc.clientSide;
        inc.tuple = t;
        // A quadruple still held by its TIME_WAIT is one client port, not two: the connection
        // counts once that TIME_WAIT is gone.
        if (f.twCounted == 0) {
            t.active++;
            inc.occupiesPort = true;
        }
        t.connections++;
        int port = f.port(inc.clientSide);
        t.minPort = Math.min(t.minPort, port);
        t.maxPort = Math.max(t.maxPort, port);
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
     * {@code side} of the flow entered TIME_WAIT at {@code time} (its incarnation is closing).
     *
     * @return the host's live TIME_WAIT count with this one
     */
    int start(Flow f, Incarnation inc, int side, long time) {
        HostTw h = host(f.hi(side), f.lo(side));
        h.live++;
        h.entered++;
        h.record(time);
        if (f.twCounted == 0) {
            TupleTw t = inc.tuple != null ? inc.tuple : tuple(f, inc.clientSide);
            f.twTuple = t;
            t.liveTw++;
            if (inc.occupiesPort) {
                // The closing connection's port is now held by its TIME_WAIT instead.
                t.active--;
                inc.occupiesPort = false;
            }
            t.twNanos = Math.max(t.twNanos, h.twNanos);
            t.record(time);
        }
        f.twCounted |= 1 << side;
        enqueue(f, side, time + h.twNanos, h.twNanos);
        return h.live;
    }

    /**
     * A TIME_WAIT thought killed shows it is alive (it answered again): the host ignores RSTs in
     * TIME_WAIT ({@code tcp_rfc1337=1}). Counts it again until {@code end}.
     */
    void revive(Flow f, int side, long time, long end) {
        if ((f.twCounted & (1 << side)) != 0) {
            return;
        }
        HostTw h = host(f.hi(side), f.lo(side));
        h.live++;
        h.endedEarly--;
        h.rfc1337 = true;
        h.record(time);
        if (f.twCounted == 0 && f.tuple != null) {
            f.twTuple = f.tuple;
            f.twTuple.liveTw++;
            f.twTuple.record(time);
        }
        f.twCounted |= 1 << side;
        enqueue(f, side, Math.max(end, time), h.twNanos);
    }

    /** The holder got a segment that restarts its TIME_WAIT timer (Linux {@code inet_twsk_reschedule}). */
    void restart(Flow f, long time) {
        if (f.twCounted == 0) {
            return;
        }
        f.twEpoch++;
        for (int side = 0; side < 2; side++) {
            if ((f.twCounted & (1 << side)) != 0) {
                HostTw h = host(f.hi(side), f.lo(side));
                enqueue(f, side, time + h.twNanos, h.twNanos);
            }
        }
    }

    /** Every TIME_WAIT of the flow ends now, before its time. */
    void end(Flow f, long time) {
        if (f.twCounted == 0) {
            return;
        }
        for (int side = 0; side < 2; side++) {
            if ((f.twCounted & (1 << side)) != 0) {
                HostTw h = host(f.hi(side), f.lo(side));
                h.live--;
                h.endedEarly++;
                h.record(time);
            }
        }
        f.twCounted = 0;
        f.twEpoch++;
        if (f.twTuple != null) {
            f.twTuple.liveTw--;
            f.twTuple.record(time);
            f.twTuple = null;
        }
        portPassesToConnection(f, time);
    }

    /** Ends the TIME_WAITs whose time is up. */
    void advance(long now) {
        if (now < nextDue) {
            return;
        }
        long due = Long.MAX_VALUE;
        for (ArrayDeque<Entry> q : queues) {
            Entry e;
            while ((e = q.peekFirst()) != null && e.end <= now) {
                q.pollFirst();
                Flow f = e.flow;
                int bit = 1 << e.side;
                if (e.epoch != f.twEpoch || (f.twCounted & bit) == 0) {
                    continue;
                }
                HostTw h = host(f.hi(e.side), f.lo(e.side));
                h.live--;
                h.record(e.end);
                f.twCounted &= ~bit;
                if (f.twCounted == 0 && f.twTuple != null) {
                    f.twTuple.liveTw--;
                    f.twTuple.record(e.end);
                    f.twTuple = null;
                    portPassesToConnection(f, e.end);
                }
            }
            if (e != null) {
                due = Math.min(due, e.end);
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
            queues.add(new ArrayDeque<>());
        }
        queues.get(i).addLast(new Entry(f, side, f.twEpoch, end));
        nextDue = Math.min(nextDue, end);
    }
}
