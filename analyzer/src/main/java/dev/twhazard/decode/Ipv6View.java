package dev.twhazard.decode;

import java.nio.ByteBuffer;

/**
 * Flyweight over an IPv6 header (RFC 8200 section 3) and the extension headers that follow it,
 * up to the first upper-layer header.
 *
 * <p>{@link #wrap} walks Hop-by-Hop Options, Routing, Fragment, Destination Options (RFC 8200
 * section 4) and Authentication (RFC 4302) headers, checking each against the captured bytes.
 * ESP, No Next Header and unknown values end the walk and are reported as the upper-layer
 * protocol. A Fragment header with a non-zero offset ends it with {@code NON_FIRST_FRAGMENT}.
 * Each extension header is at least 8 bytes long, so the walk ends within the captured bytes.
 */
public final class Ipv6View {
    public static final int VERSION_CLASS_LABEL = 0;
    public static final int PAYLOAD_LENGTH = 4;
    public static final int NEXT_HEADER = 6;
    public static final int HOP_LIMIT = 7;
    public static final int SOURCE = 8;
    public static final int DESTINATION = 24;
    public static final int HEADER_LENGTH = 40;
    public static final int VERSION = 6;

    /** Every extension header starts with Next Header and Hdr Ext Len and is 8-byte aligned. */
    public static final int EXTENSION_MIN_LENGTH = 8;
    public static final int EXTENSION_NEXT_HEADER = 0;
    public static final int EXTENSION_LENGTH = 1;
    /** Fragment header: offset (13 bits, 8-byte units), 2 reserved bits, M flag. */
    public static final int FRAGMENT_OFFSET_FLAGS = 2;
    public static final int FRAGMENT_OFFSET_SHIFT = 3;
    /** Hop-by-Hop option types (RFC 8200 section 4.2, RFC 2675). */
    public static final int OPTION_PAD1 = 0;
    public static final int OPTION_JUMBO_PAYLOAD = 0xC2;
    public static final int JUMBO_PAYLOAD_DATA_LENGTH = 4;

    private ByteBuffer buf;
    private int off;
    private int captured;
    private int upperProtocol;
    private int upperOffset;
    private int extensionLength;
    private int payloadLength;

    /**
     * DECODED when the fixed header and every extension header before the upper layer lie in
     * {@code buf[off, off+len)} and the payload length covers them; TRUNCATED, MALFORMED (wrong
     * version, payload length shorter than the extension headers) or NON_FIRST_FRAGMENT otherwise.
     */
    public DecodeStatus wrap(ByteBuffer buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        this.captured = len;
        if (len < 1) {
            return DecodeStatus.TRUNCATED;
        }
        if ((buf.get(off + VERSION_CLASS_LABEL) & 0xFF) >>> 4 != VERSION) {
            return DecodeStatus.MALFORMED;
        }
        if (len < HEADER_LENGTH) {
            return DecodeStatus.TRUNCATED;
        }
        int jumbo = -1;
        int next = buf.get(off + NEXT_HEADER) & 0xFF;
        int p = off + HEADER_LENGTH;
        int end = off + len;
        while (isExtension(next)) {
            if (end - p < EXTENSION_MIN_LENGTH) {
                return DecodeStatus.TRUNCATED;
            }
            int lengthField = buf.get(p + EXTENSION_LENGTH) & 0xFF;
            int length = next == IpProtocol.AH
                    // RFC 4302 section 2.2: AH counts 4-byte words, minus 2.
                    ? (lengthField + 2) * 4
                    : next == IpProtocol.FRAGMENT ? EXTENSION_MIN_LENGTH : (lengthField + 1) * 8;
            if (length > end - p) {
                return DecodeStatus.TRUNCATED;
            }
            if (next == IpProtocol.FRAGMENT
                    && (buf.getShort(p + FRAGMENT_OFFSET_FLAGS) & 0xFFFF) >>> FRAGMENT_OFFSET_SHIFT != 0) {
                return DecodeStatus.NON_FIRST_FRAGMENT;
            }
            if (next == IpProtocol.HOP_BY_HOP) {
                jumbo = jumboPayloadLength(p + 2, p + length);
            }
            next = buf.get(p + EXTENSION_NEXT_HEADER) & 0xFF;
            p += length;
        }
        upperProtocol = next;
        upperOffset = p;
        extensionLength = p - off - HEADER_LENGTH;
        int declared = buf.getShort(off + PAYLOAD_LENGTH) & 0xFFFF;
        if (declared == 0) {
            // RFC 2675: a zero payload length with a Jumbo Payload option carries the real length
            // there (Linux BIG TCP sends these). With neither, it is a segmentation-offload packet
            // captured before the NIC split it, and the captured bytes are all there is.
            declared = jumbo >= 0 ? jumbo : len - HEADER_LENGTH;
        }
        if (declared < extensionLength) {
            return DecodeStatus.MALFORMED;
        }
        payloadLength = declared;
        return DecodeStatus.DECODED;
    }

    private static boolean isExtension(int next) {
        return next == IpProtocol.HOP_BY_HOP
                || next == IpProtocol.ROUTING
                || next == IpProtocol.FRAGMENT
                || next == IpProtocol.DESTINATION_OPTIONS
                || next == IpProtocol.AH;
    }

    /** The Jumbo Payload option's value in the options {@code [p, end)}, or -1 if absent. */
    private int jumboPayloadLength(int p, int end) {
        while (p < end) {
            int type = buf.get(p) & 0xFF;
            if (type == OPTION_PAD1) {
                p++;
                continue;
            }
            if (end - p < 2) {
                return -1;
            }
            int dataLength = buf.get(p + 1) & 0xFF;
            if (type == OPTION_JUMBO_PAYLOAD && dataLength == JUMBO_PAYLOAD_DATA_LENGTH
                    && end - p >= 2 + JUMBO_PAYLOAD_DATA_LENGTH) {
                int value = buf.getInt(p + 2);
                return value < 0 ? -1 : value;
            }
            p += 2 + dataLength;
        }
        return -1;
    }

    public int hopLimit() {
        return buf.get(off + HOP_LIMIT) & 0xFF;
    }

    public long sourceHi() {
        return buf.getLong(off + SOURCE);
    }

    public long sourceLo() {
        return buf.getLong(off + SOURCE + 8);
    }

    public long destinationHi() {
        return buf.getLong(off + DESTINATION);
    }

    public long destinationLo() {
        return buf.getLong(off + DESTINATION + 8);
    }

    /** Next Header of the last extension header: the upper-layer protocol (or ESP, 59, ...). */
    public int upperProtocol() {
        return upperProtocol;
    }

    /** Where the upper-layer header starts in the buffer. */
    public int upperOffset() {
        return upperOffset;
    }

    /** Upper-layer bytes the header declares: payload length minus extension headers. */
    public int upperDeclaredLength() {
        return payloadLength - extensionLength;
    }

    /** Upper-layer bytes present in the capture. */
    public int upperCapturedLength() {
        return Math.min(payloadLength, captured - HEADER_LENGTH) - extensionLength;
    }
}
