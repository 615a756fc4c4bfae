package dev.twhazard.decode;

import java.nio.ByteBuffer;

/**
 * Flyweight over a TCP header (RFC 9293 section 3.1), options included.
 *
 * <p>{@link #wrap} checks that the data offset is at least 5 words and that the whole header,
 * options included, was captured: a header cut by the snapshot length is TRUNCATED, because the
 * options carry the timestamps and window scale the detectors depend on.
 */
public final class TcpView {
    public static final int SOURCE_PORT = 0;
    public static final int DESTINATION_PORT = 2;
    public static final int SEQUENCE = 4;
    public static final int ACKNOWLEDGMENT = 8;
    /** Data offset (4 bits), reserved (3 bits), then the AE/NS bit and the 8 classic flags. */
    public static final int OFFSET_FLAGS = 12;
    public static final int WINDOW = 14;
    public static final int CHECKSUM = 16;
    public static final int URGENT_POINTER = 18;
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int DATA_OFFSET_SHIFT = 12;
    /** The 12 bits below the data offset: 3 reserved bits, AE (RFC 9293 / RFC 3540 NS), 8 flags. */
    public static final int FLAGS_MASK = 0x0FFF;

    private ByteBuffer buf;
    private int off;
    private int headerLength;

    public DecodeStatus wrap(ByteBuffer buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        if (len < MIN_HEADER_LENGTH) {
            return DecodeStatus.TRUNCATED;
        }
        headerLength = ((buf.getShort(off + OFFSET_FLAGS) & 0xFFFF) >>> DATA_OFFSET_SHIFT) * 4;
        if (headerLength < MIN_HEADER_LENGTH) {
            return DecodeStatus.MALFORMED;
        }
        return headerLength > len ? DecodeStatus.TRUNCATED : DecodeStatus.DECODED;
    }

    public int sourcePort() {
        return buf.getShort(off + SOURCE_PORT) & 0xFFFF;
    }

    public int destinationPort() {
        return buf.getShort(off + DESTINATION_PORT) & 0xFFFF;
    }

    public int sequence() {
        return buf.getInt(off + SEQUENCE);
    }

    public int acknowledgment() {
        return buf.getInt(off + ACKNOWLEDGMENT);
    }

    /** Flags as Wireshark's {@code tcp.flags}: the 8 classic flags, AE/NS at 0x100, reserved above. */
    public int flags() {
        return buf.getShort(off + OFFSET_FLAGS) & FLAGS_MASK;
    }

    /** The raw window field; the scale factor is applied elsewhere (RFC 7323 section 2.3). */
    public int window() {
        return buf.getShort(off + WINDOW) & 0xFFFF;
    }

    public int headerLength() {
        return headerLength;
    }

    public int optionsOffset() {
        return off + MIN_HEADER_LENGTH;
    }

    public int optionsLength() {
        return headerLength - MIN_HEADER_LENGTH;
    }
}
