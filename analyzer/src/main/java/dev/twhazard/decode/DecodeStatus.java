package dev.twhazard.decode;

/**
 * Outcome of decoding one packet. Every packet read is either {@link #DECODED} or skipped for
 * exactly one of the other reasons; the run summary counts them by {@link #label()}.
 */
public enum DecodeStatus {
    /** A TCP segment was decoded (possibly from inside a tunnel). */
    DECODED("decoded"),
    /** The capture's link-layer type is not one this tool decodes. */
    UNSUPPORTED_LINK_TYPE("unsupported_link_type"),
    /** The frame carries no IP packet (ARP, LLDP, STP, ...). */
    NOT_IP("not_ip"),
    /** An IP packet, but not TCP (UDP that is no known tunnel, ICMP, ...). */
    NOT_TCP("not_tcp"),
    /** An IPv4 or IPv6 fragment other than the first: it carries no TCP header. */
    NON_FIRST_FRAGMENT("non_first_fragment"),
    /** A header is cut short by the snapshot length. */
    TRUNCATED("truncated_header"),
    /** A header is inconsistent (bad version, header length below minimum, ...). */
    MALFORMED("malformed_header"),
    /** A tunnel or encapsulation this tool does not decode (e.g. an unknown GRE protocol). */
    UNSUPPORTED_ENCAPSULATION("unsupported_encapsulation");

    private final String label;

    DecodeStatus(String label) {
        this.label = label;
    }

    /** Stable snake_case name used in summaries. */
    public String label() {
        return label;
    }
}
