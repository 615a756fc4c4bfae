package dev.twhazard.decode;

import java.nio.ByteBuffer;

/**
 * Flyweight over a GENEVE header (RFC 8926 section 3.4): version and option length, flags, a
 * protocol type (an EtherType), the VNI, then {@code 4 * Opt Len} bytes of options that the
 * decoder skips without reading.
 */
public final class GeneveView {
    public static final int VERSION_OPTION_LENGTH = 0;
    public static final int PROTOCOL_TYPE = 2;
    public static final int VNI = 4;
    public static final int FIXED_HEADER_LENGTH = 8;
    /** IANA-assigned UDP port (RFC 8926 section 3.3). */
    public static final int UDP_PORT = 6081;
    /** RFC 8926 section 3.4 defines version 0 only; other versions have an unknown layout. */
    public static final int VERSION = 0;

    private ByteBuffer buf;
    private int off;
    private int headerLength;

    /** DECODED when the header and its options fit; UNSUPPORTED_ENCAPSULATION for a version other than 0. */
    public DecodeStatus wrap(ByteBuffer buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        if (len < FIXED_HEADER_LENGTH) {
            return DecodeStatus.TRUNCATED;
        }
        int first = buf.get(off + VERSION_OPTION_LENGTH) & 0xFF;
        if (first >>> 6 != VERSION) {
            return DecodeStatus.UNSUPPORTED_ENCAPSULATION;
        }
        headerLength = FIXED_HEADER_LENGTH + (first & 0x3F) * 4;
        return headerLength > len ? DecodeStatus.TRUNCATED : DecodeStatus.DECODED;
    }

    public int protocolType() {
        return buf.getShort(off + PROTOCOL_TYPE) & 0xFFFF;
    }

    public int headerLength() {
        return headerLength;
    }

    public int payloadOffset() {
        return off + headerLength;
    }
}
