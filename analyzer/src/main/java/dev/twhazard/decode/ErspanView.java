package dev.twhazard.decode;

import java.nio.ByteBuffer;

/**
 * Flyweight over an ERSPAN header (draft-foschiano-erspan-03), as carried in GRE.
 *
 * <p>The version nibble picks the layout, as Wireshark's packet-erspan.c does: version 1 is type
 * II (section 4.2: 8 bytes), version 2 is type III (section 4.3: 12 bytes, plus an 8-byte
 * platform-specific subheader when the O flag is set). Type I has no ERSPAN header at all and
 * never reaches this view (see {@link PacketDecoder}).
 */
public final class ErspanView {
    public static final int VERSION_VLAN = 0;
    public static final int TYPE2_HEADER_LENGTH = 8;
    public static final int TYPE3_HEADER_LENGTH = 12;
    public static final int TYPE3_PLATFORM_SUBHEADER_LENGTH = 8;
    /** Type III word 2, low half: P(1) FT(5) HW ID(6) D(1) Gra(2) O(1). */
    public static final int TYPE3_FLAGS = 10;
    public static final int TYPE3_FLAG_OPTIONAL_SUBHEADER = 0x0001;
    public static final int TYPE3_FRAME_TYPE_SHIFT = 10;
    public static final int TYPE3_FRAME_TYPE_MASK = 0x1F;
    public static final int VERSION_TYPE2 = 1;
    public static final int VERSION_TYPE3 = 2;
    /** Type III frame types: an Ethernet frame, or an IP packet without its MAC header. */
    public static final int FRAME_TYPE_ETHERNET = 0;
    public static final int FRAME_TYPE_IP = 2;

    private ByteBuffer buf;
    private int off;
    private int version;
    private int headerLength;

    /** DECODED when the header fits; UNSUPPORTED_ENCAPSULATION for versions other than 1 and 2. */
    public DecodeStatus wrap(ByteBuffer buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        if (len < 1) {
            return DecodeStatus.TRUNCATED;
        }
        version = (buf.get(off + VERSION_VLAN) & 0xFF) >>> 4;
        if (version == VERSION_TYPE2) {
            headerLength = TYPE2_HEADER_LENGTH;
        } else if (version == VERSION_TYPE3) {
            if (len < TYPE3_HEADER_LENGTH) {
                return DecodeStatus.TRUNCATED;
            }
            headerLength = TYPE3_HEADER_LENGTH
                    + ((type3Flags() & TYPE3_FLAG_OPTIONAL_SUBHEADER) != 0 ? TYPE3_PLATFORM_SUBHEADER_LENGTH : 0);
        } else {
            return DecodeStatus.UNSUPPORTED_ENCAPSULATION;
        }
        return headerLength > len ? DecodeStatus.TRUNCATED : DecodeStatus.DECODED;
    }

    private int type3Flags() {
        return buf.getShort(off + TYPE3_FLAGS) & 0xFFFF;
    }

    /** 1 for type II, 2 for type III. */
    public int version() {
        return version;
    }

    /** The type III frame type; type II always carries Ethernet. */
    public int frameType() {
        return version == VERSION_TYPE3
                ? (type3Flags() >>> TYPE3_FRAME_TYPE_SHIFT) & TYPE3_FRAME_TYPE_MASK
                : FRAME_TYPE_ETHERNET;
    }

    public int headerLength() {
        return headerLength;
    }

    public int payloadOffset() {
        return off + headerLength;
    }
}
