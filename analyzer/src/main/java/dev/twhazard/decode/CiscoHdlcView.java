package dev.twhazard.decode;

import java.nio.ByteBuffer;

/**
 * Flyweight over the 4-byte Cisco HDLC header of LINKTYPE_C_HDLC captures (tcpdump.org
 * linktypes; Wireshark's packet-chdlc.c): an address byte ({@code 0x0F} unicast, {@code 0x8F}
 * broadcast), a control byte ({@code 0x00}), then the protocol of the payload as an EtherType
 * ({@code 0x0800} IPv4, {@code 0x86DD} IPv6, {@code 0x8035} SLARP keepalives, {@code 0x2000} CDP).
 */
public final class CiscoHdlcView {
    public static final int ADDRESS = 0;
    public static final int CONTROL = 1;
    public static final int PROTOCOL = 2;
    public static final int HEADER_LENGTH = 4;

    private ByteBuffer buf;
    private int off;

    /** Points the view at {@code buf[off, off+len)}; DECODED when the 4-byte header fits. */
    public DecodeStatus wrap(ByteBuffer buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        return len < HEADER_LENGTH ? DecodeStatus.TRUNCATED : DecodeStatus.DECODED;
    }

    /** The payload's EtherType. */
    public int protocol() {
        return buf.getShort(off + PROTOCOL) & 0xFFFF;
    }

    public int payloadOffset() {
        return off + HEADER_LENGTH;
    }
}
