package dev.twhazard.decode;

import java.nio.ByteBuffer;

/**
 * Flyweight over a PPPoE session header (RFC 2516 section 4) and the PPP protocol field that
 * follows it (RFC 1661 section 2). The PPPoE length counts the PPP protocol field and payload.
 */
public final class PppoeView {
    public static final int VERSION_TYPE = 0;
    public static final int CODE = 1;
    public static final int SESSION_ID = 2;
    public static final int LENGTH = 4;
    public static final int PPP_PROTOCOL = 6;
    public static final int HEADER_LENGTH = 8;
    public static final int PPP_PROTOCOL_LENGTH = 2;
    /** Version 1, type 1 (RFC 2516 section 4). */
    public static final int VERSION_TYPE_1_1 = 0x11;
    /** Session data has code 0 (RFC 2516 section 5.5). */
    public static final int CODE_SESSION_DATA = 0x00;
    /** PPP protocol numbers: IP (RFC 1332) and IPv6 (RFC 5072). */
    public static final int PPP_IPV4 = 0x0021;
    public static final int PPP_IPV6 = 0x0057;

    private ByteBuffer buf;
    private int off;
    private int payloadCaptured;

    /** DECODED when the header fits; UNSUPPORTED_ENCAPSULATION for other versions or codes. */
    public DecodeStatus wrap(ByteBuffer buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        if (len < HEADER_LENGTH) {
            return DecodeStatus.TRUNCATED;
        }
        if ((buf.get(off + VERSION_TYPE) & 0xFF) != VERSION_TYPE_1_1
                || (buf.get(off + CODE) & 0xFF) != CODE_SESSION_DATA) {
            return DecodeStatus.UNSUPPORTED_ENCAPSULATION;
        }
        int length = buf.getShort(off + LENGTH) & 0xFFFF;
        if (length < PPP_PROTOCOL_LENGTH) {
            return DecodeStatus.MALFORMED;
        }
        payloadCaptured = Math.min(length - PPP_PROTOCOL_LENGTH, len - HEADER_LENGTH);
        return DecodeStatus.DECODED;
    }

    public int pppProtocol() {
        return buf.getShort(off + PPP_PROTOCOL) & 0xFFFF;
    }

    public int payloadOffset() {
        return off + HEADER_LENGTH;
    }

    public int payloadCapturedLength() {
        return payloadCaptured;
    }
}
