package dev.twhazard.decode;

import dev.twhazard.capture.LinkType;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Decodes one captured frame down to its (innermost) TCP segment, without allocating.
 *
 * <p>Contract: {@link #decode} reads only {@code buf[offset, offset+length)}, using absolute
 * getters; it never throws for any content of those bytes, and it fills {@code out} only when it
 * returns {@link DecodeStatus#DECODED} (other fields may be left cleared or partly set).
 *
 * <p>Each layer is checked once by its {@code …View} before any field is read. Encapsulations are
 * removed recursively, one call level per tunnel; {@link #MAX_ENCAPSULATION_DEPTH} bounds that
 * recursion, so crafted input cannot exhaust the stack. A decoder holds one instance of each view
 * and is therefore not thread-safe: use one per reader.
 */
public final class PacketDecoder {

    /**
     * Most encapsulations removed on the way to the TCP segment (VXLAN, GENEVE, GRE, ERSPAN,
     * GTP-U, an MPLS stack, PPPoE, IP-in-IP, LLC/SNAP, bridged Ethernet each count one). Real
     * traffic nests two or three; beyond this the packet is UNSUPPORTED_ENCAPSULATION.
     */
    public static final int MAX_ENCAPSULATION_DEPTH = 8;

    /** The generic pseudowire control word is 4 bytes (RFC 4385 section 3). */
    private static final int PSEUDOWIRE_CONTROL_WORD_LENGTH = 4;

    /** The I/G bit of a MAC address: set on group (multicast) addresses, never on a source. */
    private static final int MAC_GROUP_BIT = 0x01;

    private final EthernetView ethernet = new EthernetView();
    private final VlanTagView vlanTag = new VlanTagView();
    private final LlcSnapView llcSnap = new LlcSnapView();
    private final LinuxSllView sll = new LinuxSllView();
    private final LoopbackView loopback = new LoopbackView();
    private final CiscoHdlcView ciscoHdlc = new CiscoHdlcView();
    private final PppoeView pppoe = new PppoeView();
    private final MplsView mpls = new MplsView();
    private final Ipv4View ipv4 = new Ipv4View();
    private final Ipv6View ipv6 = new Ipv6View();
    private final UdpView udp = new UdpView();
    private final VxlanView vxlan = new VxlanView();
    private final GeneveView geneve = new GeneveView();
    private final GtpUView gtpU = new GtpUView();
    private final GreView gre = new GreView();
    private final ErspanView erspan = new ErspanView();
    private final TcpView tcp = new TcpView();

    /**
     * @param linkType the record's {@code LINKTYPE_*} value
     * @param buf the reader's buffer (big-endian)
     * @param offset where the frame starts in {@code buf}
     * @param length captured bytes of the frame
     * @param out overwritten with the decoded segment
     * @throws IndexOutOfBoundsException only when {@code [offset, offset+length)} is not inside
     *     {@code buf}'s limit: a caller's error, never the frame's content
     */
    public DecodeStatus decode(int linkType, ByteBuffer buf, int offset, int length, TcpSegment out) {
        Objects.checkFromIndexSize(offset, length, buf.limit());
        out.clear();
        return switch (linkType & LinkType.MASK) {
            case LinkType.ETHERNET -> decodeEthernet(buf, offset, length, out, 0);
            case LinkType.LINUX_SLL -> decodeSll(buf, offset, length, out, false);
            case LinkType.LINUX_SLL2 -> decodeSll(buf, offset, length, out, true);
            case LinkType.RAW, LinkType.RAW_OPENBSD, LinkType.RAW_BSD -> decodeIpByVersion(buf, offset, length, out, 0);
            case LinkType.NULL -> decodeLoopback(buf, offset, length, out, false);
            case LinkType.LOOP -> decodeLoopback(buf, offset, length, out, true);
            case LinkType.C_HDLC -> decodeCiscoHdlc(buf, offset, length, out);
            case LinkType.IPV4 -> decodeIpv4(buf, offset, length, out, 0);
            case LinkType.IPV6 -> decodeIpv6(buf, offset, length, out, 0);
            default -> DecodeStatus.UNSUPPORTED_LINK_TYPE;
        };
    }

    // Link layers.

    private DecodeStatus decodeEthernet(ByteBuffer buf, int off, int len, TcpSegment out, int depth) {
        if (depth > MAX_ENCAPSULATION_DEPTH) {
            return DecodeStatus.UNSUPPORTED_ENCAPSULATION;
        }
        DecodeStatus s = ethernet.wrap(buf, off, len);
        if (s != DecodeStatus.DECODED) {
            return s;
        }
        return decodeEtherType(ethernet.typeOrLength(), buf, ethernet.payloadOffset(),
                len - EthernetView.HEADER_LENGTH, out, depth);
    }

    private DecodeStatus decodeSll(ByteBuffer buf, int off, int len, TcpSegment out, boolean v2) {
        DecodeStatus s = sll.wrap(buf, off, len, v2);
        if (s != DecodeStatus.DECODED) {
            return s;
        }
        int protocol = sll.protocol();
        // Below 0x0600 the field names a Linux pseudo-protocol (ETH_P_802_2, ETH_P_CAN, ...), and
        // on netlink devices a netlink family: neither carries IP.
        if (sll.arphrdType() == LinuxSllView.ARPHRD_NETLINK || protocol < EtherType.MIN_ETHERTYPE) {
            return DecodeStatus.NOT_IP;
        }
        return decodeEtherType(protocol, buf, sll.payloadOffset(), len - sll.headerLength(), out, 0);
    }

    private DecodeStatus decodeLoopback(ByteBuffer buf, int off, int len, TcpSegment out, boolean networkOrder) {
        DecodeStatus s = loopback.wrap(buf, off, len);
        if (s != DecodeStatus.DECODED) {
            return s;
        }
        int family = networkOrder ? loopback.familyNetworkOrder() : loopback.familyAnyOrder();
        int payload = loopback.payloadOffset();
        int payloadLength = len - LoopbackView.HEADER_LENGTH;
        if (family == LoopbackView.AF_INET) {
            return decodeIpv4(buf, payload, payloadLength, out, 0);
        }
        if (LoopbackView.isInet6(family)) {
            return decodeIpv6(buf, payload, payloadLength, out, 0);
        }
        return DecodeStatus.NOT_IP;
    }

    private DecodeStatus decodeCiscoHdlc(ByteBuffer buf, int off, int len, TcpSegment out) {
        DecodeStatus s = ciscoHdlc.wrap(buf, off, len);
        if (s != DecodeStatus.DECODED) {
            return s;
        }
        int protocol = ciscoHdlc.protocol();
        // The field is always an EtherType here: there is no 802.3 length to fall back to.
        if (protocol < EtherType.MIN_ETHERTYPE) {
            return DecodeStatus.NOT_IP;
        }
        return decodeEtherType(protocol, buf, ciscoHdlc.payloadOffset(), len - CiscoHdlcView.HEADER_LENGTH, out, 0);
    }

    /**
     * Dispatches on an EtherType (or 802.3 length) whose payload starts at {@code off}. VLAN tags
     * are peeled here in a loop, each recorded in {@code out}: any number of them may be stacked.
     */
    private DecodeStatus decodeEtherType(int type, ByteBuffer buf, int off, int len, TcpSegment out, int depth) {
        while (isVlanTpid(type)) {
            DecodeStatus s = vlanTag.wrap(buf, off, len);
            if (s != DecodeStatus.DECODED) {
                return s;
            }
            if (out.vlanCount < TcpSegment.MAX_VLANS) {
                out.vlanIds[out.vlanCount] = vlanTag.vlanId();
            }
            out.vlanCount++;
            type = vlanTag.innerType();
            off += VlanTagView.HEADER_LENGTH;
            len -= VlanTagView.HEADER_LENGTH;
        }
        if (type <= EtherType.MAX_8023_LENGTH) {
            return decodeLlc(buf, off, len, out, depth + 1);
        }
        return switch (type) {
            case EtherType.IPV4 -> decodeIpv4(buf, off, len, out, depth);
            case EtherType.IPV6 -> decodeIpv6(buf, off, len, out, depth);
            case EtherType.MPLS_UNICAST, EtherType.MPLS_MULTICAST -> decodeMpls(buf, off, len, out, depth + 1);
            case EtherType.PPPOE_SESSION -> decodePppoe(buf, off, len, out, depth + 1);
            case EtherType.TRANSPARENT_ETHERNET_BRIDGING -> decodeEthernet(buf, off, len, out, depth + 1);
            default -> DecodeStatus.NOT_IP;
        };
    }

    private static boolean isVlanTpid(int type) {
        return type == EtherType.VLAN_CTAG || type == EtherType.VLAN_STAG || type == EtherType.VLAN_QINQ_LEGACY;
    }

    /** An 802.3 frame: only RFC 1042 SNAP with an EtherType can carry IP. */
    private DecodeStatus decodeLlc(ByteBuffer buf, int off, int len, TcpSegment out, int depth) {
        if (depth > MAX_ENCAPSULATION_DEPTH) {
            return DecodeStatus.UNSUPPORTED_ENCAPSULATION;
        }
        DecodeStatus s = llcSnap.wrap(buf, off, len);
        if (s != DecodeStatus.DECODED) {
            // Too short for SNAP: whatever LLC frame this is (STP BPDUs are shorter), not IP.
            return len >= LlcSnapView.PROTOCOL_ID ? DecodeStatus.NOT_IP : s;
        }
        if (!llcSnap.carriesEtherType() || llcSnap.etherType() < EtherType.MIN_ETHERTYPE) {
            return DecodeStatus.NOT_IP;
        }
        return decodeEtherType(llcSnap.etherType(), buf, llcSnap.payloadOffset(),
                len - LlcSnapView.HEADER_LENGTH, out, depth);
    }

    private DecodeStatus decodePppoe(ByteBuffer buf, int off, int len, TcpSegment out, int depth) {
        if (depth > MAX_ENCAPSULATION_DEPTH) {
            return DecodeStatus.UNSUPPORTED_ENCAPSULATION;
        }
        DecodeStatus s = pppoe.wrap(buf, off, len);
        if (s != DecodeStatus.DECODED) {
            return s;
        }
        out.tunnels |= TcpSegment.TUNNEL_PPPOE;
        return switch (pppoe.pppProtocol()) {
            case PppoeView.PPP_IPV4 -> decodeIpv4(buf, pppoe.payloadOffset(), pppoe.payloadCapturedLength(), out, depth);
            case PppoeView.PPP_IPV6 -> decodeIpv6(buf, pppoe.payloadOffset(), pppoe.payloadCapturedLength(), out, depth);
            // LCP, IPCP, CHAP, ...: PPP's own control traffic.
            default -> DecodeStatus.NOT_IP;
        };
    }

    /**
     * After the bottom of the stack, MPLS does not say what follows (RFC 3032 section 2.2). Like
     * Wireshark (packet-mpls.c), look at the first nibble (RFC 4928): 4 and 6 are IP; 0 is a
     * pseudowire control word (RFC 4385) or an Ethernet pseudowire whose destination MAC starts
     * with a 0 nibble (RFC 4448), told apart by {@link #hasPseudowireControlWord}.
     */
    private DecodeStatus decodeMpls(ByteBuffer buf, int off, int len, TcpSegment out, int depth) {
        if (depth > MAX_ENCAPSULATION_DEPTH) {
            return DecodeStatus.UNSUPPORTED_ENCAPSULATION;
        }
        DecodeStatus s = mpls.wrap(buf, off, len);
        if (s != DecodeStatus.DECODED) {
            return s;
        }
        out.tunnels |= TcpSegment.TUNNEL_MPLS;
        int payload = mpls.payloadOffset();
        int payloadLength = len - mpls.headerLength();
        if (payloadLength < 1) {
            return DecodeStatus.TRUNCATED;
        }
        int nibble = (buf.get(payload) & 0xFF) >>> 4;
        if (nibble == Ipv4View.VERSION) {
            return decodeIpv4(buf, payload, payloadLength, out, depth);
        }
        if (nibble == Ipv6View.VERSION) {
            return decodeIpv6(buf, payload, payloadLength, out, depth);
        }
        if (nibble == 0) {
            if (hasPseudowireControlWord(buf, payload, payloadLength)) {
                return decodeEthernet(buf, payload + PSEUDOWIRE_CONTROL_WORD_LENGTH,
                        payloadLength - PSEUDOWIRE_CONTROL_WORD_LENGTH, out, depth);
            }
            return decodeEthernet(buf, payload, payloadLength, out, depth);
        }
        // Nibble 1 is a PW Associated Channel (RFC 4385 section 5): OAM, not user traffic.
        return DecodeStatus.UNSUPPORTED_ENCAPSULATION;
    }

    /**
     * Wireshark's "Ethernet PW (CW heuristic)" (packet-pw-eth.c) assumes a control word, since
     * RFC 8469 says it SHOULD be used, unless the bytes look more like plain Ethernet without one
     * than with one. Wireshark's test also consults its OUI database, which this tool does not
     * have: here a frame "looks like Ethernet" when it is long enough, its source MAC is not a
     * group address, and its EtherType is one the decoder follows.
     */
    private static boolean hasPseudowireControlWord(ByteBuffer buf, int off, int len) {
        return looksLikeEthernet(buf, off + PSEUDOWIRE_CONTROL_WORD_LENGTH, len - PSEUDOWIRE_CONTROL_WORD_LENGTH)
                || !looksLikeEthernet(buf, off, len);
    }

    private static boolean looksLikeEthernet(ByteBuffer buf, int off, int len) {
        if (len < EthernetView.HEADER_LENGTH) {
            return false;
        }
        if ((buf.get(off + EthernetView.SOURCE) & MAC_GROUP_BIT) != 0) {
            return false;
        }
        int type = buf.getShort(off + EthernetView.TYPE_OR_LENGTH) & 0xFFFF;
        return type == EtherType.IPV4 || type == EtherType.IPV6 || isVlanTpid(type)
                || type == EtherType.MPLS_UNICAST || type == EtherType.MPLS_MULTICAST
                || type == EtherType.PPPOE_SESSION;
    }

    // Network layer.

    /** Raw IP: the version nibble says which (tcpdump.org LINKTYPE_RAW). */
    private DecodeStatus decodeIpByVersion(ByteBuffer buf, int off, int len, TcpSegment out, int depth) {
        if (len < 1) {
            return DecodeStatus.TRUNCATED;
        }
        int version = (buf.get(off) & 0xFF) >>> 4;
        if (version == Ipv4View.VERSION) {
            return decodeIpv4(buf, off, len, out, depth);
        }
        if (version == Ipv6View.VERSION) {
            return decodeIpv6(buf, off, len, out, depth);
        }
        return DecodeStatus.MALFORMED;
    }

    private DecodeStatus decodeIpv4(ByteBuffer buf, int off, int len, TcpSegment out, int depth) {
        DecodeStatus s = ipv4.wrap(buf, off, len);
        if (s != DecodeStatus.DECODED) {
            return s;
        }
        // RFC 791 section 3.2: only the fragment at offset 0 holds the transport header. A first
        // fragment (MF set, offset 0) does, and is decoded.
        if (ipv4.fragmentOffset() != 0) {
            return DecodeStatus.NON_FIRST_FRAGMENT;
        }
        int protocol = ipv4.protocol();
        if (protocol == IpProtocol.TCP) {
            out.ipVersion = Ipv4View.VERSION;
            out.srcHi = IpAddress.V4_MAPPED_HI;
            out.srcLo = IpAddress.v4Lo(ipv4.source());
            out.dstHi = IpAddress.V4_MAPPED_HI;
            out.dstLo = IpAddress.v4Lo(ipv4.destination());
            out.ttl = ipv4.ttl();
            out.ipId = ipv4.identification();
            return decodeTcp(buf, ipv4.payloadOffset(), ipv4.payloadCapturedLength(),
                    ipv4.payloadDeclaredLength(), out);
        }
        return decodeIpPayload(protocol, buf, ipv4.payloadOffset(), ipv4.payloadCapturedLength(), out, depth);
    }

    private DecodeStatus decodeIpv6(ByteBuffer buf, int off, int len, TcpSegment out, int depth) {
        DecodeStatus s = ipv6.wrap(buf, off, len);
        if (s != DecodeStatus.DECODED) {
            return s;
        }
        int protocol = ipv6.upperProtocol();
        if (protocol == IpProtocol.TCP) {
            out.ipVersion = Ipv6View.VERSION;
            out.srcHi = ipv6.sourceHi();
            out.srcLo = ipv6.sourceLo();
            out.dstHi = ipv6.destinationHi();
            out.dstLo = ipv6.destinationLo();
            out.ttl = ipv6.hopLimit();
            out.ipId = -1;
            return decodeTcp(buf, ipv6.upperOffset(), ipv6.upperCapturedLength(), ipv6.upperDeclaredLength(), out);
        }
        return decodeIpPayload(protocol, buf, ipv6.upperOffset(), ipv6.upperCapturedLength(), out, depth);
    }

    /** Transport protocols other than TCP: only tunnels lead on to a TCP segment. */
    private DecodeStatus decodeIpPayload(int protocol, ByteBuffer buf, int off, int len, TcpSegment out, int depth) {
        return switch (protocol) {
            case IpProtocol.UDP -> decodeUdp(buf, off, len, out, depth);
            case IpProtocol.GRE -> decodeGre(buf, off, len, out, depth + 1);
            case IpProtocol.IPV4, IpProtocol.IPV6 -> decodeIpInIp(protocol, buf, off, len, out, depth + 1);
            // ESP (encrypted), No Next Header, ICMP and everything else carry no TCP we can see.
            default -> DecodeStatus.NOT_TCP;
        };
    }

    /** RFC 2003 (IPv4 in IP), RFC 4213 section 3.5 and RFC 2473 (IPv6 in IP, "6in4", "4in6"). */
    private DecodeStatus decodeIpInIp(int protocol, ByteBuffer buf, int off, int len, TcpSegment out, int depth) {
        if (depth > MAX_ENCAPSULATION_DEPTH) {
            return DecodeStatus.UNSUPPORTED_ENCAPSULATION;
        }
        out.tunnels |= TcpSegment.TUNNEL_IP_IN_IP;
        return protocol == IpProtocol.IPV4
                ? decodeIpv4(buf, off, len, out, depth)
                : decodeIpv6(buf, off, len, out, depth);
    }

    // Tunnels.

    /**
     * UDP tunnels are recognised by their well-known port. Like Wireshark's packet-udp.c, try the
     * lower of the two ports first, then the higher one: tunnel endpoints pick the source port
     * for ECMP entropy (RFC 7348 section 5), so either side may hold the well-known port.
     */
    private DecodeStatus decodeUdp(ByteBuffer buf, int off, int len, TcpSegment out, int depth) {
        DecodeStatus s = udp.wrap(buf, off, len);
        if (s != DecodeStatus.DECODED) {
            return s;
        }
        int low = Math.min(udp.sourcePort(), udp.destinationPort());
        int high = Math.max(udp.sourcePort(), udp.destinationPort());
        int port = isTunnelPort(low) ? low : high;
        int payload = udp.payloadOffset();
        int payloadLength = udp.payloadCapturedLength();
        return switch (port) {
            case VxlanView.UDP_PORT -> decodeVxlan(buf, payload, payloadLength, out, depth + 1);
            case GeneveView.UDP_PORT -> decodeGeneve(buf, payload, payloadLength, out, depth + 1);
            case GtpUView.UDP_PORT -> decodeGtpU(buf, payload, payloadLength, out, depth + 1);
            default -> DecodeStatus.NOT_TCP;
        };
    }

    private static boolean isTunnelPort(int port) {
        return port == VxlanView.UDP_PORT || port == GeneveView.UDP_PORT || port == GtpUView.UDP_PORT;
    }

    private DecodeStatus decodeVxlan(ByteBuffer buf, int off, int len, TcpSegment out, int depth) {
        if (depth > MAX_ENCAPSULATION_DEPTH) {
            return DecodeStatus.UNSUPPORTED_ENCAPSULATION;
        }
        DecodeStatus s = vxlan.wrap(buf, off, len);
        if (s != DecodeStatus.DECODED) {
            return s;
        }
        out.tunnels |= TcpSegment.TUNNEL_VXLAN;
        return decodeEthernet(buf, vxlan.payloadOffset(), len - VxlanView.HEADER_LENGTH, out, depth);
    }

    private DecodeStatus decodeGeneve(ByteBuffer buf, int off, int len, TcpSegment out, int depth) {
        if (depth > MAX_ENCAPSULATION_DEPTH) {
            return DecodeStatus.UNSUPPORTED_ENCAPSULATION;
        }
        DecodeStatus s = geneve.wrap(buf, off, len);
        if (s != DecodeStatus.DECODED) {
            return s;
        }
        out.tunnels |= TcpSegment.TUNNEL_GENEVE;
        return decodeTunnelPayload(geneve.protocolType(), buf, geneve.payloadOffset(),
                len - geneve.headerLength(), out, depth);
    }

    /**
     * GTP-U (3GPP TS 29.281): only a G-PDU carries a user packet, always IP without a link
     * header; echo, error indication and end marker messages carry none.
     */
    private DecodeStatus decodeGtpU(ByteBuffer buf, int off, int len, TcpSegment out, int depth) {
        if (depth > MAX_ENCAPSULATION_DEPTH) {
            return DecodeStatus.UNSUPPORTED_ENCAPSULATION;
        }
        DecodeStatus s = gtpU.wrap(buf, off, len);
        if (s != DecodeStatus.DECODED) {
            return s;
        }
        if (gtpU.messageType() != GtpUView.MESSAGE_G_PDU) {
            return DecodeStatus.NOT_TCP;
        }
        out.tunnels |= TcpSegment.TUNNEL_GTPU;
        return decodeIpByVersion(buf, gtpU.payloadOffset(), gtpU.payloadCapturedLength(), out, depth);
    }

    private DecodeStatus decodeGre(ByteBuffer buf, int off, int len, TcpSegment out, int depth) {
        if (depth > MAX_ENCAPSULATION_DEPTH) {
            return DecodeStatus.UNSUPPORTED_ENCAPSULATION;
        }
        DecodeStatus s = gre.wrap(buf, off, len);
        if (s != DecodeStatus.DECODED) {
            return s;
        }
        out.tunnels |= TcpSegment.TUNNEL_GRE;
        int protocol = gre.protocolType();
        int payload = gre.payloadOffset();
        int payloadLength = len - gre.headerLength();
        if (protocol == EtherType.ERSPAN_I_II && !gre.hasSequence()) {
            // draft-foschiano-erspan-03 section 4.1: type I has no ERSPAN header and no GRE
            // sequence number; the mirrored Ethernet frame follows the GRE header directly.
            // Wireshark's packet-erspan.c tells the types apart the same way.
            out.tunnels |= TcpSegment.TUNNEL_ERSPAN1;
            return decodeEthernet(buf, payload, payloadLength, out, depth);
        }
        if (protocol == EtherType.ERSPAN_I_II || protocol == EtherType.ERSPAN_III) {
            return decodeErspan(buf, payload, payloadLength, out, depth);
        }
        return decodeTunnelPayload(protocol, buf, payload, payloadLength, out, depth);
    }

    private DecodeStatus decodeErspan(ByteBuffer buf, int off, int len, TcpSegment out, int depth) {
        DecodeStatus s = erspan.wrap(buf, off, len);
        if (s != DecodeStatus.DECODED) {
            return s;
        }
        out.tunnels |= erspan.version() == ErspanView.VERSION_TYPE2
                ? TcpSegment.TUNNEL_ERSPAN2
                : TcpSegment.TUNNEL_ERSPAN3;
        int payload = erspan.payloadOffset();
        int payloadLength = len - erspan.headerLength();
        return switch (erspan.frameType()) {
            case ErspanView.FRAME_TYPE_ETHERNET -> decodeEthernet(buf, payload, payloadLength, out, depth);
            case ErspanView.FRAME_TYPE_IP -> decodeIpByVersion(buf, payload, payloadLength, out, depth);
            default -> DecodeStatus.UNSUPPORTED_ENCAPSULATION;
        };
    }

    /**
     * The payload of GRE (RFC 2784 section 2.4) or GENEVE (RFC 8926 section 3.4), named by an
     * EtherType. Only the types that can lead to TCP are followed; any other protocol is a
     * tunnel this tool does not decode, not a non-IP frame.
     */
    private DecodeStatus decodeTunnelPayload(int protocol, ByteBuffer buf, int off, int len, TcpSegment out, int depth) {
        return switch (protocol) {
            case EtherType.IPV4 -> decodeIpv4(buf, off, len, out, depth);
            case EtherType.IPV6 -> decodeIpv6(buf, off, len, out, depth);
            case EtherType.TRANSPARENT_ETHERNET_BRIDGING -> decodeEthernet(buf, off, len, out, depth);
            case EtherType.MPLS_UNICAST, EtherType.MPLS_MULTICAST -> decodeMpls(buf, off, len, out, depth + 1);
            default -> DecodeStatus.UNSUPPORTED_ENCAPSULATION;
        };
    }

    // Transport layer.

    /**
     * @param captured TCP bytes present in the capture
     * @param declared TCP bytes the IP header declares (header plus payload)
     */
    private DecodeStatus decodeTcp(ByteBuffer buf, int off, int captured, int declared, TcpSegment out) {
        DecodeStatus s = tcp.wrap(buf, off, captured);
        if (s == DecodeStatus.TRUNCATED) {
            // Past the captured bytes, but is it also past the end the IP header declares? Then
            // the header is inconsistent rather than cut by the snapshot length.
            int needed = captured < TcpView.MIN_HEADER_LENGTH ? TcpView.MIN_HEADER_LENGTH : tcp.headerLength();
            return declared < needed ? DecodeStatus.MALFORMED : DecodeStatus.TRUNCATED;
        }
        if (s != DecodeStatus.DECODED) {
            return s;
        }
        int headerLength = tcp.headerLength();
        if (declared < headerLength) {
            return DecodeStatus.MALFORMED;
        }
        out.srcPort = tcp.sourcePort();
        out.dstPort = tcp.destinationPort();
        out.seq = tcp.sequence();
        out.ack = tcp.acknowledgment();
        out.flags = tcp.flags();
        out.window = tcp.window();
        out.headerLength = headerLength;
        // Wireshark's tcp.len: what the IP header says follows the TCP header (RFC 9293 3.1).
        out.payloadLength = declared - headerLength;
        TcpOptionsView.readInto(buf, tcp.optionsOffset(), tcp.optionsLength(), out);
        return DecodeStatus.DECODED;
    }
}
