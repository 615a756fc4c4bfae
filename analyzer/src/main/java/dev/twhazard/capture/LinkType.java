package dev.twhazard.capture;

/**
 * Link-layer header types as written in capture files (tcpdump.org "LINKTYPE_*" values, which
 * pcap and pcapng share). Only the values this tool decodes, plus the aliases files use for them.
 */
public final class LinkType {
    public static final int NULL = 0;            // BSD loopback, host byte order family
    public static final int ETHERNET = 1;
    public static final int RAW_OPENBSD = 12;    // DLT_RAW on some BSDs (LINKTYPE 12 in old files)
    public static final int RAW_BSD = 14;        // DLT_RAW on others
    public static final int RAW = 101;           // raw IPv4 or IPv6, version from the first nibble
    public static final int C_HDLC = 104;        // Cisco HDLC: address, control, EtherType
    public static final int LOOP = 108;          // OpenBSD loopback, network byte order family
    public static final int LINUX_SLL = 113;
    public static final int IPV4 = 228;
    public static final int IPV6 = 229;
    public static final int LINUX_SLL2 = 276;

    /**
     * The link type proper is the low 16 bits of a pcap header's LinkType field; the high bits
     * may carry the FCS length (draft-ietf-opsawg-pcap section 4, libpcap's {@code LT_LINKTYPE}),
     * which does not change how the frame starts. Some tcpdump test files really set them
     * (0x30000084).
     */
    public static final int MASK = 0xFFFF;

    private LinkType() {
    }
}
