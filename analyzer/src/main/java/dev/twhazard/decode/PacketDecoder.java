package dev.twhazard.decode;

import java.nio.ByteBuffer;

/**
 * Decodes one captured frame down to its (innermost) TCP segment, without allocating.
 *
 * <p>Contract: {@link #decode} reads only {@code buf[offset, offset+length)}, using absolute
 * getters; it never throws for any content of those bytes, and it fills {@code out} only when it
 * returns {@link DecodeStatus#DECODED} (other fields may be left cleared or partly set).
 */
public final class PacketDecoder {

    /**
     * @param linkType the record's {@code LINKTYPE_*} value
     * @param buf the reader's buffer (big-endian)
     * @param offset where the frame starts in {@code buf}
     * @param length captured bytes of the frame
     * @param out overwritten with the decoded segment
     */
    public DecodeStatus decode(int linkType, ByteBuffer buf, int offset, int length, TcpSegment out) {
        throw new UnsupportedOperationException("decoder not written yet");
    }
}
