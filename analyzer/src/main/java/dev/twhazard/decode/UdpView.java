package dev.twhazard.decode;

import java.nio.ByteBuffer;

/** Flyweight over a UDP header (RFC 768), read only to find the tunnels that ride on UDP. */
public final class UdpView {
    public static final int SOURCE_PORT = 0;
    public static final int DESTINATION_PORT = 2;
    public static final int LENGTH = 4;
    public static final int HEADER_LENGTH = 8;

    private ByteBuffer buf;
    private int off;
    private int payloadCaptured;

    /**
     * DECODED when the 8-byte header fits; MALFORMED when the length field is below 8 but not 0
     * (0 is what RFC 2675 jumbograms and segmentation offload leave; the captured bytes are used).
     */
    public DecodeStatus wrap(ByteBuffer buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        if (len < HEADER_LENGTH) {
            return DecodeStatus.TRUNCATED;
        }
        int length = buf.getShort(off + LENGTH) & 0xFFFF;
        if (length == 0) {
            length = len;
        } else if (length < HEADER_LENGTH) {
            return DecodeStatus.MALFORMED;
        }
        payloadCaptured = Math.min(length, len) - HEADER_LENGTH;
        return DecodeStatus.DECODED;
    }

    public int sourcePort() {
        return buf.getShort(off + SOURCE_PORT) & 0xFFFF;
    }

    public int destinationPort() {
        return buf.getShort(off + DESTINATION_PORT) & 0xFFFF;
    }

    public int payloadOffset() {
        return off + HEADER_LENGTH;
    }

    /** Payload bytes present: the UDP length's worth, less any cut by the snapshot. */
    public int payloadCapturedLength() {
        return payloadCaptured;
    }
}
