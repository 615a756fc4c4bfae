package dev.twhazard.decode;

import java.nio.ByteBuffer;

/**
 * Flyweight over the 4 bytes that follow a VLAN TPID (IEEE 802.1Q clause 9.6): the tag control
 * information (PCP, DEI, VLAN ID) and the EtherType of what follows. The TPID itself (0x8100,
 * 0x88A8 or 0x9100) was the previous layer's EtherType.
 */
public final class VlanTagView {
    public static final int TCI = 0;
    public static final int INNER_TYPE = 2;
    public static final int HEADER_LENGTH = 4;
    /** The VLAN identifier is the low 12 bits of the TCI. */
    public static final int VID_MASK = 0x0FFF;

    private ByteBuffer buf;
    private int off;

    public DecodeStatus wrap(ByteBuffer buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        return len < HEADER_LENGTH ? DecodeStatus.TRUNCATED : DecodeStatus.DECODED;
    }

    public int vlanId() {
        return buf.getShort(off + TCI) & VID_MASK;
    }

    /** EtherType (or 802.3 length) of the payload after the tag. */
    public int innerType() {
        return buf.getShort(off + INNER_TYPE) & 0xFFFF;
    }
}
