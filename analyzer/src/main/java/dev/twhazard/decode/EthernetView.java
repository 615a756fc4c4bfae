package dev.twhazard.decode;

import java.nio.ByteBuffer;

/**
 * Flyweight over an Ethernet II / IEEE 802.3 MAC header (IEEE 802.3 clause 3.2): destination,
 * source, then a type-or-length field. The frame check sequence, when a capture kept it, is past
 * the IP packet and is never read.
 */
public final class EthernetView {
    public static final int DESTINATION = 0;
    public static final int SOURCE = 6;
    public static final int TYPE_OR_LENGTH = 12;
    public static final int HEADER_LENGTH = 14;

    private ByteBuffer buf;
    private int off;

    /** Points the view at {@code buf[off, off+len)}; DECODED when the 14-byte header fits. */
    public DecodeStatus wrap(ByteBuffer buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        return len < HEADER_LENGTH ? DecodeStatus.TRUNCATED : DecodeStatus.DECODED;
    }

    /** The EtherType, or an 802.3 length when below {@link EtherType#MIN_ETHERTYPE}. */
    public int typeOrLength() {
        return buf.getShort(off + TYPE_OR_LENGTH) & 0xFFFF;
    }

    public int payloadOffset() {
        return off + HEADER_LENGTH;
    }
}
