package dev.twhazard.decode;

import java.nio.ByteBuffer;

/**
 * Flyweight over a GRE header, version 0 (RFC 2784 section 2, with the Key and Sequence Number
 * extensions of RFC 2890 section 2): flags and version, protocol type, then the optional
 * checksum/reserved, key and sequence number words in that order.
 *
 * <p>Version 1 (the PPTP variant of RFC 2637) carries PPP and is reported as unsupported. The
 * Routing Present bit of RFC 1701, deprecated by RFC 2784, announces a variable-length list of
 * source routes that the decoder does not walk; such packets are unsupported too.
 */
public final class GreView {
    public static final int FLAGS_VERSION = 0;
    public static final int PROTOCOL_TYPE = 2;
    public static final int BASE_HEADER_LENGTH = 4;
    public static final int OPTIONAL_WORD_LENGTH = 4;
    public static final int FLAG_CHECKSUM = 0x8000;
    public static final int FLAG_ROUTING = 0x4000;
    public static final int FLAG_KEY = 0x2000;
    public static final int FLAG_SEQUENCE = 0x1000;
    public static final int VERSION_MASK = 0x0007;

    private ByteBuffer buf;
    private int off;
    private int headerLength;

    public DecodeStatus wrap(ByteBuffer buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        if (len < BASE_HEADER_LENGTH) {
            return DecodeStatus.TRUNCATED;
        }
        int flags = flagsVersion();
        if ((flags & VERSION_MASK) != 0 || (flags & FLAG_ROUTING) != 0) {
            return DecodeStatus.UNSUPPORTED_ENCAPSULATION;
        }
        headerLength = BASE_HEADER_LENGTH
                + ((flags & FLAG_CHECKSUM) != 0 ? OPTIONAL_WORD_LENGTH : 0)
                + ((flags & FLAG_KEY) != 0 ? OPTIONAL_WORD_LENGTH : 0)
                + ((flags & FLAG_SEQUENCE) != 0 ? OPTIONAL_WORD_LENGTH : 0);
        return headerLength > len ? DecodeStatus.TRUNCATED : DecodeStatus.DECODED;
    }

    private int flagsVersion() {
        return buf.getShort(off + FLAGS_VERSION) & 0xFFFF;
    }

    public boolean hasSequence() {
        return (flagsVersion() & FLAG_SEQUENCE) != 0;
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
