package dev.twhazard.decode;

/**
 * The decoded fields of one TCP segment: a mutable holder that the decoder overwrites for every
 * packet, so the hot path allocates nothing. Consumers must copy what they keep.
 *
 * <p>Addresses are held as 128 bits (two longs). IPv4 addresses are stored IPv4-mapped
 * ({@code ::ffff:a.b.c.d}, RFC 4291 2.5.5.2), so one representation serves both families;
 * {@link #ipVersion} says which family the packet really had.
 *
 * <p>Sequence numbers, acknowledgment numbers and timestamps are raw unsigned 32-bit values
 * held in an {@code int}; compare them only with serial arithmetic ({@code dev.twhazard.flow.Seq}).
 */
public final class TcpSegment {

    /** TCP flag bits as in the header's flags byte, plus the NS/AE bit at 0x100. */
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;
    public static final int NS = 0x100;

    /**
     * Bits of {@link #tunnels}: each encapsulation that was removed to reach the inner TCP. ERSPAN
     * rides on GRE, so an ERSPAN bit comes with {@link #TUNNEL_GRE}.
     */
    public static final int TUNNEL_VXLAN = 1;
    public static final int TUNNEL_GENEVE = 1 << 1;
    public static final int TUNNEL_GRE = 1 << 2;
    public static final int TUNNEL_ERSPAN2 = 1 << 3;
    public static final int TUNNEL_ERSPAN3 = 1 << 4;
    public static final int TUNNEL_GTPU = 1 << 5;
    public static final int TUNNEL_MPLS = 1 << 6;
    public static final int TUNNEL_IP_IN_IP = 1 << 7;
    /** ERSPAN type I: GRE protocol 0x88BE without a sequence number, hence no ERSPAN header. */
    public static final int TUNNEL_ERSPAN1 = 1 << 8;
    /** PPPoE session stage (RFC 2516). */
    public static final int TUNNEL_PPPOE = 1 << 9;

    public static final int MAX_VLANS = 4;

    // Set by the caller (reader side), not by the decoder.
    public long frame;
    public long timestampNanos;

    // Network layer (innermost IP header that carries the TCP segment).
    public int ipVersion;
    public long srcHi;
    public long srcLo;
    public long dstHi;
    public long dstLo;
    public int ttl;
    /** IPv4 identification, or -1 for IPv6. */
    public int ipId;

    // Transport layer.
    public int srcPort;
    public int dstPort;
    public int seq;
    public int ack;
    public int flags;
    /** Raw window field, not scaled. */
    public int window;
    public int headerLength;
    /** Payload bytes per the IP length fields (Wireshark's tcp.len), not the captured bytes. */
    public int payloadLength;

    // TCP options (RFC 9293 3.1, RFC 7323, RFC 2018). Absent options have has* false.
    public boolean hasMss;
    public int mss;
    public boolean hasWindowScale;
    public int windowScale;
    public boolean sackPermitted;
    public int sackBlocks;
    public boolean hasTimestamps;
    public int tsVal;
    public int tsEcr;
    /** True when an option had an impossible length; options after it were not parsed. */
    public boolean optionsMalformed;

    /**
     * Filled by the reader side, not the decoder ({@code FlowTable.prepare}): whether the sender is
     * the quadruple's canonical endpoint A, and the quadruple's hash, so that the thread tracking
     * flows does not compute them.
     */
    public boolean prepared;
    public boolean srcIsA;
    public int flowHash;

    // Encapsulation seen on the way in.
    public int vlanCount;
    public final int[] vlanIds = new int[MAX_VLANS];
    public int tunnels;

    /** Clears every decoded field; called by the decoder before it fills the segment. */
    public void clear() {
        ipVersion = 0;
        srcHi = srcLo = dstHi = dstLo = 0;
        ttl = 0;
        ipId = -1;
        srcPort = dstPort = 0;
        seq = ack = flags = window = headerLength = payloadLength = 0;
        hasMss = hasWindowScale = sackPermitted = hasTimestamps = optionsMalformed = false;
        mss = windowScale = sackBlocks = tsVal = tsEcr = 0;
        vlanCount = 0;
        tunnels = 0;
        prepared = false;
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Sequence space the segment occupies: payload plus one each for SYN and FIN (RFC 9293 3.4). */
    public int segmentLength() {
        return payloadLength + ((flags & SYN) != 0 ? 1 : 0) + ((flags & FIN) != 0 ? 1 : 0);
    }
}
