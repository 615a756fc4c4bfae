package dev.twhazard.decode;

import java.nio.ByteBuffer;

/**
 * Flyweight over a Linux "cooked" capture header, v1 (LINKTYPE_LINUX_SLL, 16 bytes) or v2
 * (LINKTYPE_LINUX_SLL2, 20 bytes), as documented on tcpdump.org's linktypes pages. Both carry the
 * ARPHRD type of the capturing device and a protocol field that, for the devices this tool cares
 * about, is an EtherType.
 */
public final class LinuxSllView {
    public static final int V1_ARPHRD = 2;
    public static final int V1_PROTOCOL = 14;
    public static final int V1_HEADER_LENGTH = 16;
    public static final int V2_PROTOCOL = 0;
    public static final int V2_ARPHRD = 8;
    public static final int V2_HEADER_LENGTH = 20;
    /**
     * Netlink sockets: the protocol field is a netlink family, never an EtherType
     * (libpcap pcap-linux.c, ARPHRD_NETLINK = 824).
     */
    public static final int ARPHRD_NETLINK = 824;

    private ByteBuffer buf;
    private int off;
    private boolean v2;

    /** @param v2 true for SLL2 (LINKTYPE 276), false for SLL (LINKTYPE 113) */
    public DecodeStatus wrap(ByteBuffer buf, int off, int len, boolean v2) {
        this.buf = buf;
        this.off = off;
        this.v2 = v2;
        return len < headerLength() ? DecodeStatus.TRUNCATED : DecodeStatus.DECODED;
    }

    public int headerLength() {
        return v2 ? V2_HEADER_LENGTH : V1_HEADER_LENGTH;
    }

    public int arphrdType() {
        return buf.getShort(off + (v2 ? V2_ARPHRD : V1_ARPHRD)) & 0xFFFF;
    }

    /** The protocol field: an EtherType when at least {@link EtherType#MIN_ETHERTYPE}. */
    public int protocol() {
        return buf.getShort(off + (v2 ? V2_PROTOCOL : V1_PROTOCOL)) & 0xFFFF;
    }

    public int payloadOffset() {
        return off + headerLength();
    }
}
