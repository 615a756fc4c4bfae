package dev.twhazard.decode;

/** IANA "Assigned Internet Protocol Numbers" the decoder follows, as found in IPv4 and IPv6 headers. */
final class IpProtocol {
    /** IPv6 Hop-by-Hop Options header (RFC 8200 section 4.3). */
    static final int HOP_BY_HOP = 0;
    /** IPv4 encapsulated in IP (RFC 2003). */
    static final int IPV4 = 4;
    static final int TCP = 6;
    static final int UDP = 17;
    /** IPv6 encapsulated in IP (RFC 4213, RFC 2473). */
    static final int IPV6 = 41;
    /** IPv6 Routing header (RFC 8200 section 4.4). */
    static final int ROUTING = 43;
    /** IPv6 Fragment header (RFC 8200 section 4.5). */
    static final int FRAGMENT = 44;
    /** Generic Routing Encapsulation (RFC 2784). */
    static final int GRE = 47;
    /** Encapsulating Security Payload (RFC 4303): the payload is encrypted. */
    static final int ESP = 50;
    /** Authentication Header (RFC 4302). */
    static final int AH = 51;
    /** IPv6 No Next Header (RFC 8200 section 4.7). */
    static final int NO_NEXT_HEADER = 59;
    /** IPv6 Destination Options header (RFC 8200 section 4.6). */
    static final int DESTINATION_OPTIONS = 60;

    private IpProtocol() {
    }
}
