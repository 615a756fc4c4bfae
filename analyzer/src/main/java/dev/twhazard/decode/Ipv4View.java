package dev.twhazard.decode;

import java.nio.ByteBuffer;

/**
 * Flyweight over an IPv4 header (RFC 791 section 3.1), options included.
 *
 * <p>{@link #wrap} checks the version, the IHL, that the whole header (with options) was
 * captured, and that the total length covers the header. The header checksum is not verified,
 * as Wireshark does not verify it by default. The payload's declared length follows the total
 * length field, not the captured bytes, so that it matches Wireshark's {@code tcp.len} even when
 * the snapshot length cut the packet.
 */
public final class Ipv4View {
    public static final int VERSION_IHL = 0;
    public static final int TOTAL_LENGTH = 2;
    public static final int IDENTIFICATION = 4;
    public static final int FLAGS_FRAGMENT_OFFSET = 6;
    public static final int TTL = 8;
    public static final int PROTOCOL = 9;
    public static final int SOURCE = 12;
    public static final int DESTINATION = 16;
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int VERSION = 4;
    /** Fragment offset, in units of 8 bytes. */
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    private ByteBuffer buf;
    private int off;
    private int headerLength;
    private int totalLength;
    private int captured;

    /**
     * DECODED when a complete, consistent header lies in {@code buf[off, off+len)}; TRUNCATED when
     * it is cut short; MALFORMED for a version other than 4, an IHL below 5, or a total length
     * shorter than the header.
     */
    public DecodeStatus wrap(ByteBuffer buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        if (len < 1) {
            return DecodeStatus.TRUNCATED;
        }
        int versionIhl = buf.get(off + VERSION_IHL) & 0xFF;
        if (versionIhl >>> 4 != VERSION) {
            return DecodeStatus.MALFORMED;
        }
        if (len < MIN_HEADER_LENGTH) {
            return DecodeStatus.TRUNCATED;
        }
        headerLength = (versionIhl & 0x0F) * 4;
        if (headerLength < MIN_HEADER_LENGTH) {
            return DecodeStatus.MALFORMED;
        }
        if (headerLength > len) {
            return DecodeStatus.TRUNCATED;
        }
        int declared = buf.getShort(off + TOTAL_LENGTH) & 0xFFFF;
        // A zero total length is what TCP segmentation offload leaves in packets captured on the
        // sending host before the NIC splits them; Wireshark then takes the frame's length.
        totalLength = declared == 0 ? len : declared;
        if (totalLength < headerLength) {
            return DecodeStatus.MALFORMED;
        }
        captured = len;
        return DecodeStatus.DECODED;
    }

    public int identification() {
        return buf.getShort(off + IDENTIFICATION) & 0xFFFF;
    }

    public int ttl() {
        return buf.get(off + TTL) & 0xFF;
    }

    public int protocol() {
        return buf.get(off + PROTOCOL) & 0xFF;
    }

    /** Fragment offset in 8-byte units; non-zero for every fragment but the first. */
    public int fragmentOffset() {
        return buf.getShort(off + FLAGS_FRAGMENT_OFFSET) & FRAGMENT_OFFSET_MASK;
    }

    public int source() {
        return buf.getInt(off + SOURCE);
    }

    public int destination() {
        return buf.getInt(off + DESTINATION);
    }

    public int payloadOffset() {
        return off + headerLength;
    }

    /** Payload bytes the header declares (total length minus header length). */
    public int payloadDeclaredLength() {
        return totalLength - headerLength;
    }

    /** Payload bytes present in the capture: the declared ones, less any cut by the snapshot. */
    public int payloadCapturedLength() {
        return Math.min(totalLength, captured) - headerLength;
    }
}
