package dev.twhazard.decode;

import java.nio.ByteBuffer;

/**
 * Flyweight over a VXLAN header (RFC 7348 section 5): flags, reserved, 24-bit VNI, reserved; an
 * Ethernet frame follows. Like Wireshark, the decoder does not insist on the I flag.
 */
public final class VxlanView {
    public static final int FLAGS = 0;
    public static final int VNI = 4;
    public static final int HEADER_LENGTH = 8;
    /** IANA-assigned UDP port (RFC 7348 section 5). */
    public static final int UDP_PORT = 4789;

    private ByteBuffer buf;
    private int off;

    public DecodeStatus wrap(ByteBuffer buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        return len < HEADER_LENGTH ? DecodeStatus.TRUNCATED : DecodeStatus.DECODED;
    }

    public int payloadOffset() {
        return off + HEADER_LENGTH;
    }
}
