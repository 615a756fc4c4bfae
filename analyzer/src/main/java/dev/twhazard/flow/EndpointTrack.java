package dev.twhazard.flow;

import dev.twhazard.decode.TcpSegment;

/**
 * What one endpoint of an incarnation has sent, as seen at the capture point: its ISN, the
 * highest sequence number it reached, the highest acknowledgment it sent (its rcv_nxt as the
 * wire shows it), its window, its timestamps and its FIN. Mutable and reused from a pool; all
 * sequence and timestamp comparisons go through {@link Seq}.
 */
public final class EndpointTrack {

    /** How many recent TSvals are kept to tolerate reordering at the capture point. */
    static final int TS_RING = 4;
    /** How many recent segment signatures are kept to recognise mirror-port duplicates. */
    static final int SIG_RING = 4;

    boolean isnKnown;
    int isn;
    /** True once any segment from this endpoint was seen. */
    boolean sent;
    /** Lowest sequence number seen (for connections first seen mid-stream). */
    int minSeq;
    /** snd_nxt as seen: the highest seq + segment length sent (RFC 9293 3.4). */
    int sndNxt;
    boolean ackSent;
    /** The highest acknowledgment this endpoint sent: its rcv_nxt as far as the wire shows. */
    int maxAckSent;
    /** Raw window field of the last segment this endpoint sent. */
    int window;
    /** Window scale offered in its SYN, or -1 (RFC 7323 2.2). */
    int windowScaleOffered = -1;
    /** Largest window it advertised, scaled: bounds how old an ACK its peer accepts (RFC 5961 5.2). */
    long maxWindowScaled;

    boolean tsSeen;
    int firstTsVal;
    long firstTsTime;
    /** The newest TSval this endpoint sent: what its peer holds as TS.Recent (RFC 7323 4.3). */
    int lastTsVal;
    long lastTsTime;
    // The last TS_RING TSvals, as fields: a per-packet path should not chase small arrays.
    private int ts0;
    private int ts1;
    private int ts2;
    private int ts3;
    int tsRingSize;
    int tsRingPos;

    boolean finSent;
    /** Sequence number the FIN occupies. */
    int finSeq;
    long finTime;
    long finFrame;
    int finTransmissions;
    /** True once the peer acknowledged the FIN. */
    boolean finAcked;
    long finAckedTime;
    long finAckedFrame;
    /**
     * The peer's first acknowledgment of one sequence number past what this endpoint was seen
     * sending (and when): the mark of a FIN lost before the capture point.
     */
    int ackBeyondSeq;
    long ackBeyondTime;
    long ackBeyondFrame;

    /** Last IPv4 identification sent, or -1; and how many consecutive small steps led to it. */
    int lastIpId = -1;
    int ipIdRun;

    long lastTime;
    long lastFrame;
    /** Flags and data of the last segment, for "what did it answer" questions. */
    int lastFlags;
    int lastSeq;
    int lastAck;
    int lastPayload;

    // The last SIG_RING segment signatures and times, as fields for the same reason.
    private long sig0;
    private long sig1;
    private long sig2;
    private long sig3;
    private long sigTime0 = Long.MIN_VALUE;
    private long sigTime1 = Long.MIN_VALUE;
    private long sigTime2 = Long.MIN_VALUE;
    private long sigTime3 = Long.MIN_VALUE;
    private int sigPos;

    void reset() {
        isnKnown = sent = ackSent = tsSeen = finSent = finAcked = false;
        isn = minSeq = sndNxt = maxAckSent = window = 0;
        windowScaleOffered = -1;
        maxWindowScaled = 0;
        firstTsVal = lastTsVal = 0;
        firstTsTime = lastTsTime = 0;
        tsRingSize = tsRingPos = 0;
        finSeq = finTransmissions = 0;
        finTime = finFrame = finAckedTime = finAckedFrame = 0;
        ackBeyondSeq = 0;
        ackBeyondTime = ackBeyondFrame = 0;
        lastIpId = -1;
        ipIdRun = 0;
        lastTime = lastFrame = 0;
        lastFlags = lastSeq = lastAck = lastPayload = 0;
        sig0 = sig1 = sig2 = sig3 = 0;
        sigTime0 = sigTime1 = sigTime2 = sigTime3 = Long.MIN_VALUE;
        sigPos = 0;
    }

    EndpointTrack() {
        reset();
    }

    public boolean isnKnown() {
        return isnKnown;
    }

    public int isn() {
        return isn;
    }

    public int sndNxt() {
        return sndNxt;
    }

    public int minSeq() {
        return minSeq;
    }

    public boolean ackSent() {
        return ackSent;
    }

    public int maxAckSent() {
        return maxAckSent;
    }

    public int windowScaleOffered() {
        return windowScaleOffered;
    }

    public boolean tsSeen() {
        return tsSeen;
    }

    public int firstTsVal() {
        return firstTsVal;
    }

    public long firstTsTime() {
        return firstTsTime;
    }

    public int lastTsVal() {
        return lastTsVal;
    }

    public long lastTsTime() {
        return lastTsTime;
    }

    public boolean finSent() {
        return finSent;
    }

    public int finSeq() {
        return finSeq;
    }

    public boolean finAcked() {
        return finAcked;
    }

    public long finAckedTime() {
        return finAckedTime;
    }

    public int finTransmissions() {
        return finTransmissions;
    }

    public long finTime() {
        return finTime;
    }

    public long finFrame() {
        return finFrame;
    }

    public int window() {
        return window;
    }

    public long maxWindowScaled() {
        return maxWindowScaled;
    }

    public int lastFlags() {
        return lastFlags;
    }

    public int lastAck() {
        return lastAck;
    }

    public int lastSeq() {
        return lastSeq;
    }

    public int lastPayload() {
        return lastPayload;
    }

    public long lastTime() {
        return lastTime;
    }

    public long lastFrame() {
        return lastFrame;
    }

    /**
     * True when {@code tsVal} is older than every one of the last few TSvals this endpoint sent,
     * by more than PAWS's one-tick window (RFC 7323 5.3; Linux {@code TCP_PAWS_WINDOW}). Looking
     * at several recent values, not only the newest, keeps a capture that reordered a few
     * packets from looking like a regression.
     */
    public boolean tsRegresses(int tsVal) {
        int n = tsRingSize;
        return n > 0 && Seq.diff(ts0, tsVal) > 1 && (n < 2 || Seq.diff(ts1, tsVal) > 1)
                && (n < 3 || Seq.diff(ts2, tsVal) > 1) && (n < 4 || Seq.diff(ts3, tsVal) > 1);
    }

    void noteTimestamp(int tsVal, long time) {
        if (!tsSeen) {
            tsSeen = true;
            firstTsVal = tsVal;
            firstTsTime = time;
            lastTsVal = tsVal;
            lastTsTime = time;
        } else if (Seq.afterOrEqual(tsVal, lastTsVal)) {
            lastTsVal = tsVal;
            lastTsTime = time;
        }
        switch (tsRingPos) {
            case 0 -> ts0 = tsVal;
            case 1 -> ts1 = tsVal;
            case 2 -> ts2 = tsVal;
            default -> ts3 = tsVal;
        }
        tsRingPos = (tsRingPos + 1) & (TS_RING - 1);
        if (tsRingSize < TS_RING) {
            tsRingSize++;
        }
    }

    /** A sender with sequential IP IDs has shown this many steps in a row before the run is trusted. */
    static final int IP_ID_RUN_TRUSTED = 3;
    /** Packets a sequential counter may advance between two captured segments (losses, other traffic). */
    static final int IP_ID_MAX_STEP = 1024;

    void noteIpId(TcpSegment seg) {
        if (seg.ipVersion != 4 || seg.ipId == 0) {
            return;
        }
        if (lastIpId >= 0) {
            int step = (seg.ipId - lastIpId) & 0xFFFF;
            ipIdRun = step >= 1 && step <= 64 ? ipIdRun + 1 : 0;
        }
        lastIpId = seg.ipId;
    }

    /**
     * True when this endpoint numbers its IPv4 packets in sequence (several small steps in a row)
     * and the segment's identification is far off that run: it came from another socket.
     */
    boolean ipIdOffRun(TcpSegment seg) {
        if (seg.ipVersion != 4 || seg.ipId == 0 || lastIpId < 0 || ipIdRun < IP_ID_RUN_TRUSTED) {
            return false;
        }
        int step = (seg.ipId - lastIpId) & 0xFFFF;
        int back = (lastIpId - seg.ipId) & 0xFFFF;
        return step > IP_ID_MAX_STEP && back > IP_ID_MAX_STEP;
    }

    /**
     * Records the segment's signature and says whether it repeats one of the last few segments
     * from this endpoint (see {@link #signature}).
     */
    boolean isDuplicate(TcpSegment seg, long s) {
        long window = duplicateWindow(seg);
        long now = seg.timestampNanos;
        if (seen(sig0, sigTime0, s, now, window) || seen(sig1, sigTime1, s, now, window)
                || seen(sig2, sigTime2, s, now, window) || seen(sig3, sigTime3, s, now, window)) {
            return true;
        }
        switch (sigPos) {
            case 0 -> {
                sig0 = s;
                sigTime0 = now;
            }
            case 1 -> {
                sig1 = s;
                sigTime1 = now;
            }
            case 2 -> {
                sig2 = s;
                sigTime2 = now;
            }
            default -> {
                sig3 = s;
                sigTime3 = now;
            }
        }
        sigPos = (sigPos + 1) & (SIG_RING - 1);
        return false;
    }

    private static boolean seen(long sig, long time, long s, long now, long window) {
        return sig == s && time != Long.MIN_VALUE && now - time <= window;
    }

    /**
     * A hash of every field that a copy of a packet repeats. A mirror port or an "any" capture
     * delivers one packet twice; the copy has every TCP field and the IP identification equal. A
     * retransmission differs in IP ID (Linux counts it per packet) or TSval, or comes at least
     * an RTO (200 ms minimum) later.
     */
    static long signature(TcpSegment seg) {
        long s = seg.seq;
        s = s * 0x9E3779B97F4A7C15L + seg.ack;
        s = s * 0x9E3779B97F4A7C15L + ((long) seg.flags << 32 | (seg.payloadLength & 0xFFFFFFFFL));
        s = s * 0x9E3779B97F4A7C15L + seg.window;
        s = s * 0x9E3779B97F4A7C15L + (seg.hasTimestamps ? seg.tsVal : 0x5A5A5A5A);
        s = s * 0x9E3779B97F4A7C15L + (seg.hasTimestamps ? seg.tsEcr : 0);
        s = s * 0x9E3779B97F4A7C15L + seg.ipId;
        return s;
    }

    /** How far apart two equal signatures may be and still be one packet seen twice. */
    static long duplicateWindow(TcpSegment seg) {
        boolean distinguishing = seg.hasTimestamps || (seg.ipVersion == 4 && seg.ipId != 0);
        return distinguishing ? 1_000_000_000L : 2_000_000L;
    }
}
