package dev.twhazard.detect;

import dev.twhazard.decode.IpAddress;
import dev.twhazard.decode.TcpSegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Test fixture: scripts one TCP incarnation between a client and a server as a capture point in
 * the middle would see it, keeping sequence numbers, acknowledgments and timestamps consistent
 * (TSvals tick at 1 kHz from a per-end offset). Several conversations can share one
 * {@link Wire}, so that frames are numbered across them. For unit tests of single rules only;
 * the real evidence is the real-kernel captures under samples/.
 */
final class Conversation {

    /** The segments of all conversations on a wire, in the order they are scripted. */
    static final class Wire {
        final List<TcpSegment> segments = new ArrayList<>();
        long frame;

        TcpSegment add(double time, String src, int sport, String dst, int dport, int flags, int seq, int ack,
                       int len) {
            TcpSegment s = new TcpSegment();
            s.clear();
            s.frame = ++frame;
            s.timestampNanos = 1_700_000_000_000_000_000L + Math.round(time * 1e9);
            long[] a = IpAddress.parse(src);
            long[] b = IpAddress.parse(dst);
            s.ipVersion = IpAddress.isV4(a[0], a[1]) ? 4 : 6;
            s.srcHi = a[0];
            s.srcLo = a[1];
            s.dstHi = b[0];
            s.dstLo = b[1];
            s.srcPort = sport;
            s.dstPort = dport;
            s.flags = flags;
            s.seq = seq;
            s.ack = ack;
            s.payloadLength = len;
            s.window = 64240;
            s.ipId = (int) (frame & 0xFFFF);
            segments.add(s);
            return s;
        }

        /** Every segment twice, as a mirror port delivers them (copies 10 µs apart). */
        List<TcpSegment> duplicated() {
            List<TcpSegment> out = new ArrayList<>();
            long n = 0;
            for (TcpSegment s : segments) {
                TcpSegment copy = copy(s);
                copy.frame = ++n;
                out.add(copy);
                TcpSegment again = copy(s);
                again.frame = ++n;
                again.timestampNanos += 10_000;
                out.add(again);
            }
            return out;
        }

        static TcpSegment copy(TcpSegment s) {
            TcpSegment c = new TcpSegment();
            c.clear();
            c.frame = s.frame;
            c.timestampNanos = s.timestampNanos;
            c.ipVersion = s.ipVersion;
            c.srcHi = s.srcHi;
            c.srcLo = s.srcLo;
            c.dstHi = s.dstHi;
            c.dstLo = s.dstLo;
            c.ipId = s.ipId;
            c.srcPort = s.srcPort;
            c.dstPort = s.dstPort;
            c.seq = s.seq;
            c.ack = s.ack;
            c.flags = s.flags;
            c.window = s.window;
            c.payloadLength = s.payloadLength;
            c.hasTimestamps = s.hasTimestamps;
            c.tsVal = s.tsVal;
            c.tsEcr = s.tsEcr;
            c.hasWindowScale = s.hasWindowScale;
            c.windowScale = s.windowScale;
            c.hasMss = s.hasMss;
            c.mss = s.mss;
            return c;
        }
    }

    static final int F = TcpSegment.FIN;
    static final int S = TcpSegment.SYN;
    static final int R = TcpSegment.RST;
    static final int P = TcpSegment.PSH;
    static final int A = TcpSegment.ACK;

    final Wire wire;
    final String cIp;
    final int cPort;
    final String sIp;
    final int sPort;
    int cIsn;
    int sIsn;
    /** Next sequence number each end will send. */
    int cNxt;
    int sNxt;
    /** TSval clock offsets; a TSval is offset + milliseconds of script time. */
    int cTsOff;
    int sTsOff;
    boolean timestamps = true;
    /** TSval the client's last segment carried, for the server's TSecr. */
    int cLastTs;
    int sLastTs;

    Conversation(Wire wire, String cIp, int cPort, String sIp, int sPort) {
        this.wire = wire;
        this.cIp = cIp;
        this.cPort = cPort;
        this.sIp = sIp;
        this.sPort = sPort;
    }

    Conversation isns(int client, int server) {
        cIsn = client;
        sIsn = server;
        return this;
    }

    Conversation clocks(int clientOffset, int serverOffset) {
        cTsOff = clientOffset;
        sTsOff = serverOffset;
        return this;
    }

    Conversation noTimestamps() {
        timestamps = false;
        return this;
    }

    TcpSegment fromClient(double t, int flags, int seq, int ack, int len) {
        TcpSegment s = wire.add(t, cIp, cPort, sIp, sPort, flags, seq, ack, len);
        if (timestamps && (flags & R) == 0) {
            s.hasTimestamps = true;
            s.tsVal = cTsOff + (int) Math.round(t * 1000);
            s.tsEcr = (flags & A) != 0 ? sLastTs : 0;
            cLastTs = s.tsVal;
        }
        return s;
    }

    TcpSegment fromServer(double t, int flags, int seq, int ack, int len) {
        TcpSegment s = wire.add(t, sIp, sPort, cIp, cPort, flags, seq, ack, len);
        if (timestamps && (flags & R) == 0) {
            s.hasTimestamps = true;
            s.tsVal = sTsOff + (int) Math.round(t * 1000);
            s.tsEcr = cLastTs;
            sLastTs = s.tsVal;
        }
        return s;
    }

    TcpSegment syn(double t) {
        TcpSegment s = fromClient(t, S, cIsn, 0, 0);
        s.hasWindowScale = true;
        s.windowScale = 7;
        cNxt = cIsn + 1;
        return s;
    }

    TcpSegment synAck(double t) {
        TcpSegment s = fromServer(t, S | A, sIsn, cIsn + 1, 0);
        s.hasWindowScale = true;
        s.windowScale = 7;
        sNxt = sIsn + 1;
        return s;
    }

    Conversation handshake(double t) {
        syn(t);
        synAck(t + 0.0001);
        fromClient(t + 0.0002, A, cNxt, sNxt, 0);
        return this;
    }

    /** A request from the client and a response from the server, each acknowledged. */
    Conversation exchange(double t, int request, int response) {
        fromClient(t, P | A, cNxt, sNxt, request);
        cNxt += request;
        fromServer(t + 0.0001, P | A, sNxt, cNxt, response);
        sNxt += response;
        fromClient(t + 0.0002, A, cNxt, sNxt, 0);
        return this;
    }

    /** The client closes first: FIN, ACK, FIN, final ACK. The client then holds TIME_WAIT. */
    Conversation clientCloses(double t) {
        fromClient(t, F | A, cNxt, sNxt, 0);
        cNxt++;
        fromServer(t + 0.0001, A, sNxt, cNxt, 0);
        fromServer(t + 0.0002, F | A, sNxt, cNxt, 0);
        sNxt++;
        fromClient(t + 0.0003, A, cNxt, sNxt, 0);
        return this;
    }

    /** The server closes first (HTTP/1.0 style); with {@code finalAck} false its final ACK is not sent. */
    Conversation serverCloses(double t, boolean finalAck) {
        fromServer(t, F | A, sNxt, cNxt, 0);
        sNxt++;
        fromClient(t + 0.0001, F | A, cNxt, sNxt, 0);
        cNxt++;
        if (finalAck) {
            fromServer(t + 0.0002, A, sNxt, cNxt, 0);
        }
        return this;
    }
}
