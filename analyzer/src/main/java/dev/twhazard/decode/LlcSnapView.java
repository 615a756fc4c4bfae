package dev.twhazard.decode;

import java.nio.ByteBuffer;

/**
 * Flyweight over an IEEE 802.2 LLC header, as found after an 802.3 length field. Only the SNAP
 * form with the zero OUI carries an EtherType (RFC 1042, IEEE 802 section 10.5); any other LLC
 * payload (STP, NetBIOS, ...) is not IP.
 */
public final class LlcSnapView {
    public static final int DSAP = 0;
    public static final int SSAP = 1;
    public static final int CONTROL = 2;
    public static final int OUI = 3;
    public static final int PROTOCOL_ID = 6;
    public static final int HEADER_LENGTH = 8;
    public static final int SAP_SNAP = 0xAA;
    /** Unnumbered Information: the only LLC control value that carries SNAP data. */
    public static final int CONTROL_UI = 0x03;
    /** OUI 00-00-00 says the protocol ID is an EtherType (RFC 1042). */
    public static final int OUI_ETHERTYPE = 0x000000;

    private ByteBuffer buf;
    private int off;

    public DecodeStatus wrap(ByteBuffer buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        return len < HEADER_LENGTH ? DecodeStatus.TRUNCATED : DecodeStatus.DECODED;
    }

    /** True when this is SNAP with the EtherType OUI, so {@link #etherType()} is meaningful. */
    public boolean carriesEtherType() {
        return (buf.get(off + DSAP) & 0xFF) == SAP_SNAP
                && (buf.get(off + SSAP) & 0xFF) == SAP_SNAP
                && (buf.get(off + CONTROL) & 0xFF) == CONTROL_UI
                && (buf.getInt(off + CONTROL) & 0x00FF_FFFF) == OUI_ETHERTYPE;
    }

    public int etherType() {
        return buf.getShort(off + PROTOCOL_ID) & 0xFFFF;
    }

    public int payloadOffset() {
        return off + HEADER_LENGTH;
    }
}
