package dev.twhazard.bench;

import dev.twhazard.decode.TcpSegment;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One TCP connection (incarnation) of the simulation: a script of operations with their capture
 * times, built when the connection starts, and the two endpoints' state (ISNs, snd_nxt, TSval
 * clocks, IP ID counters). Header fields are computed when an operation fires, from what each
 * end has <em>received</em> by then: an end's acknowledgment and TSecr cover exactly the peer's
 * segments that reached it before it sent (the capture point sits between them, {@link #dc} and
 * {@link #ds} away), so segments may cross in flight as on a real path. Pooled and reused.
 */
final class Conn extends Scheduler.Actor {

    static final int C = 0;
    static final int S = 1;

    // Operations. Each fires one segment.
    static final int SYN = 1;
    static final int SYN_RETRANSMIT = 2;
    static final int SYN_ACK = 3;
    static final int ACK = 4;
    /** Data with PSH; the argument is the payload length. */
    static final int DATA = 5;
    /** Data without PSH (a full segment of a burst). */
    static final int SEGMENT = 6;
    static final int FIN = 7;
    /** The last data and the FIN in one segment. */
    static final int DATA_FIN = 8;
    /** The last data segment again (same seq and length; current ack, TSval and IP ID). */
    static final int RETRANSMIT_DATA = 9;
    static final int RETRANSMIT_FIN = 10;
    /** An ACK sent from TIME_WAIT ({@code tcp_v4_timewait_ack}): IP ID 0. */
    static final int TIME_WAIT_ACK = 11;
    /** A TIME_WAIT's ACK of the old connection answering a new SYN: fields set by the story. */
    static final int STALE_ACK = 12;
    /** RST|ACK from a socket closing abortively (SO_LINGER 0), with its snd_nxt. */
    static final int RST_ABORT = 13;
    /** RST from a host without a socket: SEQ = the ACK it answers, no ACK flag, no options, IP ID 0. */
    static final int RST_NO_SOCKET = 14;
    /** A delayed copy of a segment of an earlier incarnation: fields set by the story. */
    static final int OLD_SEGMENT = 15;
    /** An ACK with an acknowledgment number set by the story. */
    static final int ACK_FORCED = 16;

    private static final int DIR_SHIFT = 8;
    /** Remember this segment's fields (see {@link #marked}). */
    static final int MARK = 1 << 9;


    private static final int HISTORY = 32;

    interface Listener {
        void done(Conn c, long now);
    }

    /** A segment's fields, kept to replay it later. */
    static final class Segment {
        int dir;
        int seq;
        int ack;
        int flags;
        int length;
        int window;
        boolean timestamps;
        int tsVal;
        int tsEcr;
        int ipId;
        long time;

        void copy(Segment o) {
            dir = o.dir;
            seq = o.seq;
            ack = o.ack;
            flags = o.flags;
            length = o.length;
            window = o.window;
            timestamps = o.timestamps;
            tsVal = o.tsVal;
            tsEcr = o.tsEcr;
            ipId = o.ipId;
            time = o.time;
        }
    }

    private final PacketWriter writer;
    private final Listener listener;

    // Who and where.
    Host client;
    Host server;
    int clientIp;
    int clientPort;
    int serverIp;
    int serverPort;
    /** Address and port the client's stack uses (differ from the wire's behind a NAT). */
    int privateIp;
    int privatePort;
    long clientMac;
    long serverMac;
    int clientTtl;
    /** One-way delays between each end and the capture point. */
    long dc;
    long ds;
    boolean timestamps;
    /** Index of the NAT mapping this connection holds, or -1. */
    long natKey = -1;
    Object story;
    int storyTag;

    // State of both ends.
    final int[] isn = new int[2];
    final int[] nxt = new int[2];
    final int[] tsOffset = new int[2];
    final int[] ipId = new int[2];
    final int[] windowScale = new int[2];
    final int[] window = new int[2];
    final int[] lastTsVal = new int[2];
    final int[] dataSeq = new int[2];
    final int[] dataLength = new int[2];
    final int[] dataFlags = new int[2];
    final int[] finSeq = new int[2];
    /** Bit per end: its ISN was set by the story (a TIME_WAIT takeover) instead of secure_tcp_seq. */
    int isnOverride;
    int forcedAck;
    final Segment stale = new Segment();
    final Segment old = new Segment();
    final Segment marked = new Segment();
    final Segment firstData0 = new Segment();
    final Segment firstData1 = new Segment();
    private final boolean[] sentData = new boolean[2];

    // What each end sent, for what the other has received: time, snd_nxt after it, TSval, ack.
    private final long[][] hTime = new long[2][HISTORY];
    private final int[][] hNxt = new int[2][HISTORY];
    private final int[][] hTs = new int[2][HISTORY];
    private final int[][] hAck = new int[2][HISTORY];
    private final int[] hCount = new int[2];

    // The script.
    long[] opTime = new long[32];
    int[] op = new int[32];
    int[] arg = new int[32];
    int n;
    int cursor;

    // Planted rows whose key frame is one of this connection's segments.
    final PlantedRow[] rows = new PlantedRow[4];
    final int[] rowOp = new int[4];
    int rowCount;

    Conn(PacketWriter writer, Listener listener) {
        this.writer = writer;
        this.listener = listener;
    }

    void reset() {
        n = 0;
        cursor = 0;
        rowCount = 0;
        natKey = -1;
        story = null;
        storyTag = 0;
        isnOverride = 0;
        forcedAck = 0;
        for (int s = 0; s < 2; s++) {
            hCount[s] = 0;
            sentData[s] = false;
            lastTsVal[s] = 0;
            finSeq[s] = 0;
            dataSeq[s] = dataLength[s] = dataFlags[s] = 0;
        }
    }

    /** Appends an operation; times within one connection strictly increase. */
    long add(int kind, int dir, long t, int argument) {
        if (n > 0 && t <= opTime[n - 1]) {
            t = opTime[n - 1] + 1;
        }
        if (n == op.length) {
            opTime = java.util.Arrays.copyOf(opTime, n * 2);
            op = java.util.Arrays.copyOf(op, n * 2);
            arg = java.util.Arrays.copyOf(arg, n * 2);
        }
        opTime[n] = t;
        op[n] = kind | dir << DIR_SHIFT;
        arg[n] = argument;
        n++;
        return t;
    }

    long add(int kind, int dir, long t) {
        return add(kind, dir, t, 0);
    }

    /** Marks the last operation added: its segment's fields are kept in {@link #marked}. */
    void markLast() {
        op[n - 1] |= MARK;
    }

    /** The planted row's key frame is the segment of operation {@code index}. */
    void key(PlantedRow row, int index) {
        rows[rowCount] = row;
        rowOp[rowCount] = index;
        rowCount++;
    }

    int lastDir() {
        return (op[n - 1] >>> DIR_SHIFT) & 1;
    }

    long lastTime() {
        return opTime[n - 1];
    }

    /** Sets the ISNs and clocks of both ends for a connection starting (client send time) at {@code t}. */
    void initEnds(long clientSendTime, long serverSendTime) {
        if ((isnOverride & 1 << C) == 0) {
            isn[C] = client.isn(privateIp, privatePort, serverIp, serverPort, clientSendTime);
        }
        if ((isnOverride & 1 << S) == 0) {
            isn[S] = server.isn(serverIp, serverPort, clientIp, clientPort, serverSendTime);
        }
        tsOffset[C] = client.tsOffset(privateIp, privatePort, serverIp, serverPort);
        tsOffset[S] = server.tsOffset(serverIp, serverPort, clientIp, clientPort);
        timestamps = client.timestamps && server.timestamps;
        windowScale[C] = client.windowScale;
        windowScale[S] = server.windowScale;
        window[C] = client.os == Host.WINDOWS ? 1026 : 502;
        window[S] = 509;
        nxt[C] = isn[C];
        nxt[S] = isn[S];
    }

    @Override
    boolean fire(long now) {
        try {
            emit(now);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cursor++;
        if (cursor < n) {
            time = opTime[cursor];
            return true;
        }
        listener.done(this, now);
        return false;
    }

    private void emit(long t) throws IOException {
        int code = op[cursor];
        int kind = code & 0xFF;
        int dir = (code >>> DIR_SHIFT) & 1;
        int peer = 1 - dir;
        Host h = dir == C ? client : server;
        long send = t - (dir == C ? dc : ds);
        // What this end has received of the peer's segments when it sends.
        long limit = send - (dir == C ? dc : ds);
        int r = received(peer, limit);
        int rcvNxt = r >= 0 ? hNxt[peer][r] : 0;
        int recentTs = r >= 0 ? hTs[peer][r] : 0;
        int peerAck = r >= 0 ? hAck[peer][r] : 0;
        int flags;
        int seq = nxt[dir];
        int ack = rcvNxt;
        int length = 0;
        int options = timestamps ? PacketWriter.OPT_TS : PacketWriter.OPT_NONE;
        boolean ts = timestamps;
        int win = window[dir];
        int id;
        int tsVal = tsOffset[dir] + h.tsClock(send);
        int tsEcr = recentTs;
        switch (kind) {
            case SYN, SYN_RETRANSMIT -> {
                flags = TcpSegment.SYN;
                seq = isn[C];
                ack = 0;
                tsEcr = 0;
                ts = client.timestamps;
                options = client.os == Host.WINDOWS ? PacketWriter.OPT_SYN_WINDOWS
                        : ts ? PacketWriter.OPT_SYN_LINUX_TS : PacketWriter.OPT_SYN_LINUX;
                win = 64240;
                nxt[C] = isn[C] + 1;
                id = nextIpId(dir);
            }
            case SYN_ACK -> {
                flags = TcpSegment.SYN | TcpSegment.ACK;
                seq = isn[S];
                options = timestamps ? PacketWriter.OPT_SYN_LINUX_TS : PacketWriter.OPT_SYN_LINUX;
                win = timestamps ? 65160 : 64240;
                nxt[S] = isn[S] + 1;
                // SYN-ACKs leave through ip_build_and_send_pkt: DF and IP ID 0.
                id = 0;
            }
            case ACK -> {
                flags = TcpSegment.ACK;
                id = nextIpId(dir);
            }
            case ACK_FORCED -> {
                flags = TcpSegment.ACK;
                ack = forcedAck;
                id = nextIpId(dir);
            }
            case DATA, SEGMENT, DATA_FIN -> {
                length = arg[cursor];
                flags = TcpSegment.ACK | (kind == SEGMENT ? 0 : TcpSegment.PSH) | (kind == DATA_FIN ? TcpSegment.FIN : 0);
                dataSeq[dir] = seq;
                dataLength[dir] = length;
                dataFlags[dir] = flags;
                nxt[dir] = seq + length + (kind == DATA_FIN ? 1 : 0);
                if (kind == DATA_FIN) {
                    finSeq[dir] = seq + length;
                }
                id = nextIpId(dir);
            }
            case FIN -> {
                flags = TcpSegment.FIN | TcpSegment.ACK;
                finSeq[dir] = seq;
                nxt[dir] = seq + 1;
                id = nextIpId(dir);
            }
            case RETRANSMIT_DATA -> {
                seq = dataSeq[dir];
                length = dataLength[dir];
                flags = dataFlags[dir];
                id = nextIpId(dir);
            }
            case RETRANSMIT_FIN -> {
                seq = finSeq[dir];
                flags = TcpSegment.FIN | TcpSegment.ACK;
                id = nextIpId(dir);
            }
            case TIME_WAIT_ACK -> {
                flags = TcpSegment.ACK;
                id = 0;
            }
            case STALE_ACK -> {
                flags = TcpSegment.ACK;
                seq = stale.seq;
                ack = stale.ack;
                tsEcr = stale.tsEcr;
                ts = stale.timestamps;
                options = ts ? PacketWriter.OPT_TS : PacketWriter.OPT_NONE;
                win = stale.window;
                id = 0;
            }
            case RST_ABORT -> {
                flags = TcpSegment.RST | TcpSegment.ACK;
                id = nextIpId(dir);
            }
            case RST_NO_SOCKET -> {
                // RFC 9293 3.10.7.1 / tcp_v4_send_reset: <SEQ=SEG.ACK><CTL=RST>, from no socket.
                flags = TcpSegment.RST;
                seq = peerAck;
                ack = 0;
                ts = false;
                options = PacketWriter.OPT_NONE;
                win = 0;
                id = 0;
            }
            case OLD_SEGMENT -> {
                flags = old.flags;
                seq = old.seq;
                ack = old.ack;
                length = old.length;
                ts = old.timestamps;
                options = ts ? PacketWriter.OPT_TS : PacketWriter.OPT_NONE;
                tsVal = old.tsVal;
                tsEcr = old.tsEcr;
                win = old.window;
                id = old.ipId;
            }
            default -> throw new IllegalStateException("operation " + kind);
        }
        if (!ts) {
            tsVal = 0;
            tsEcr = 0;
        }
        boolean fromClient = dir == C;
        long frame = writer.tcp(t, fromClient ? clientIp : serverIp, fromClient ? serverIp : clientIp,
                fromClient ? clientMac : serverMac, fromClient ? serverMac : clientMac, fromClient ? clientTtl : 64,
                id, fromClient ? clientPort : serverPort, fromClient ? serverPort : clientPort, seq, ack, flags, win,
                options, windowScale[dir], tsVal, tsEcr, length, fromClient);
        if (kind != OLD_SEGMENT && kind != STALE_ACK && kind != RST_NO_SOCKET) {
            remember(dir, t, ts ? tsVal : lastTsVal[dir], ack);
            if (ts) {
                lastTsVal[dir] = tsVal;
            }
        } else if (kind == STALE_ACK || kind == RST_NO_SOCKET) {
            // The peer sees the segment's acknowledgment (a RST answers it), not a new sequence space.
            remember(dir, t, lastTsVal[dir], ack);
        }
        if (length > 0 && !sentData[dir] && kind != OLD_SEGMENT) {
            sentData[dir] = true;
            fill(dir == C ? firstData0 : firstData1, dir, seq, ack, flags, length, win, ts, tsVal, tsEcr, id, t);
        }
        if ((code & MARK) != 0) {
            fill(marked, dir, seq, ack, flags, length, win, ts, tsVal, tsEcr, id, t);
        }
        for (int i = 0; i < rowCount; i++) {
            if (rowOp[i] == cursor) {
                rows[i].keyFrame = frame;
            }
        }
    }

    private static void fill(Segment s, int dir, int seq, int ack, int flags, int length, int win, boolean ts,
                             int tsVal, int tsEcr, int id, long t) {
        s.dir = dir;
        s.seq = seq;
        s.ack = ack;
        s.flags = flags;
        s.length = length;
        s.window = win;
        s.timestamps = ts;
        s.tsVal = tsVal;
        s.tsEcr = tsEcr;
        s.ipId = id;
        s.time = t;
    }

    private int nextIpId(int dir) {
        if (dir == C && client.os == Host.WINDOWS) {
            return client.globalIpId++ & 0xFFFF;
        }
        return ipId[dir]++ & 0xFFFF;
    }

    private void remember(int dir, long t, int tsVal, int ack) {
        int i = hCount[dir] % HISTORY;
        hTime[dir][i] = t;
        hNxt[dir][i] = nxt[dir];
        hTs[dir][i] = tsVal;
        hAck[dir][i] = ack;
        hCount[dir]++;
    }

    /** Index of the newest segment of {@code dir} captured at or before {@code limit}, or -1. */
    private int received(int dir, long limit) {
        int count = hCount[dir];
        int oldest = Math.max(0, count - HISTORY);
        for (int k = count - 1; k >= oldest; k--) {
            int i = k % HISTORY;
            if (hTime[dir][i] <= limit) {
                return i;
            }
        }
        return count > HISTORY ? oldest % HISTORY : -1;
    }
}
