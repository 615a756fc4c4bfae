package dev.twhazard.decode;

/**
 * EtherType values (IEEE 802 numbers) that the decoder follows. GRE and GENEVE name their payload
 * with the same numbers (RFC 2784 section 2.4, RFC 8926 section 3.4), so one table serves all.
 */
final class EtherType {
    /** Values below this are IEEE 802.3 length fields, not EtherTypes (IEEE 802.3 clause 3.2.6). */
    static final int MIN_ETHERTYPE = 0x0600;
    /** Largest IEEE 802.3 length field; 1501..1535 are neither lengths nor types. */
    static final int MAX_8023_LENGTH = 1500;

    static final int IPV4 = 0x0800;
    static final int IPV6 = 0x86DD;
    /** IEEE 802.1Q customer VLAN tag. */
    static final int VLAN_CTAG = 0x8100;
    /** IEEE 802.1ad service VLAN tag (Q-in-Q). */
    static final int VLAN_STAG = 0x88A8;
    /** Pre-standard Q-in-Q outer tag still used by some switches. */
    static final int VLAN_QINQ_LEGACY = 0x9100;
    /** RFC 3032 MPLS unicast. */
    static final int MPLS_UNICAST = 0x8847;
    /** RFC 3032 MPLS multicast (RFC 5332 renames it "MPLS with context-specific label space"). */
    static final int MPLS_MULTICAST = 0x8848;
    /** RFC 2516 PPPoE session stage. */
    static final int PPPOE_SESSION = 0x8864;
    /** Transparent Ethernet Bridging: an Ethernet frame follows (GRE "gretap", GENEVE). */
    static final int TRANSPARENT_ETHERNET_BRIDGING = 0x6558;
    /** ERSPAN type I and II (draft-foschiano-erspan-03 section 4.1, 4.2). */
    static final int ERSPAN_I_II = 0x88BE;
    /** ERSPAN type III (draft-foschiano-erspan-03 section 4.3). */
    static final int ERSPAN_III = 0x22EB;

    private EtherType() {
    }
}
