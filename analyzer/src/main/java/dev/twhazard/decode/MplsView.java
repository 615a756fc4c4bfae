package dev.twhazard.decode;

import java.nio.ByteBuffer;

/**
 * Flyweight over an MPLS label stack (RFC 3032 section 2.1): 4-byte entries of label, traffic
 * class, bottom-of-stack flag and TTL. {@link #wrap} pops entries until the one with S set, so
 * every entry must have been captured; the stack ends within the captured bytes.
 */
public final class MplsView {
    public static final int ENTRY_LENGTH = 4;
    /** Bottom-of-stack flag in a label stack entry. */
    public static final int BOTTOM_OF_STACK = 0x100;

    private int off;
    private int headerLength;

    public DecodeStatus wrap(ByteBuffer buf, int off, int len) {
        this.off = off;
        int p = 0;
        while (true) {
            if (len - p < ENTRY_LENGTH) {
                return DecodeStatus.TRUNCATED;
            }
            int entry = buf.getInt(off + p);
            p += ENTRY_LENGTH;
            if ((entry & BOTTOM_OF_STACK) != 0) {
                break;
            }
        }
        headerLength = p;
        return DecodeStatus.DECODED;
    }

    public int headerLength() {
        return headerLength;
    }

    public int payloadOffset() {
        return off + headerLength();
    }
}
