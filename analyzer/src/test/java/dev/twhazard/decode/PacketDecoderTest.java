package dev.twhazard.decode;

import static dev.twhazard.decode.Fixtures.ETH_IPV4_SYN;
import static dev.twhazard.decode.Fixtures.ETH_IPV6_DATA;
import static dev.twhazard.decode.Fixtures.TCP_DATA;
import static dev.twhazard.decode.Fixtures.TCP_SYN;
import static dev.twhazard.decode.Fixtures.bytes;
import static dev.twhazard.decode.Fixtures.ethernet;
import static dev.twhazard.decode.Fixtures.ipv4;
import static dev.twhazard.decode.Fixtures.ipv6;
import static dev.twhazard.decode.Fixtures.length;
import static dev.twhazard.decode.Fixtures.outerIpv4;
import static dev.twhazard.decode.Fixtures.u16;
import static dev.twhazard.decode.Fixtures.udp;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.twhazard.capture.LinkType;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The decoder on hex fixtures, one header layout per test, fields commented in {@link Fixtures}. */
class PacketDecoderTest {

    /** A named valid frame: decodes to a TCP segment. */
    record Valid(String name, int linkType, String hex) {
        @Override
        public String toString() {
            return name;
        }
    }

    final PacketDecoder decoder = new PacketDecoder();
    final TcpSegment out = new TcpSegment();

    DecodeStatus decode(int linkType, String hex) {
        byte[] b = bytes(hex);
        return decoder.decode(linkType, ByteBuffer.wrap(b), 0, b.length, out);
    }

    void assertSyn(String src) {
        assertEquals(src, IpAddress.format(out.srcHi, out.srcLo));
        assertEquals(50000, out.srcPort);
        assertEquals(80, out.dstPort);
        assertEquals(1, out.seq);
        assertEquals(TcpSegment.SYN, out.flags);
        assertEquals(1460, out.mss);
        assertEquals(42, out.tsVal);
        assertEquals(7, out.windowScale);
        assertEquals(0, out.payloadLength);
    }

    // Link layers.

    static final String ETH_QINQ = ethernet(0x88A8, """
            0064 8100              # 802.1ad S-tag: PCP 0, VID 100; next TPID 802.1Q
            00c8 0800              # 802.1Q C-tag: VID 200; next EtherType IPv4
            """ + ipv4(6, TCP_SYN));

    static final String SLL = """
            0000                   # packet type: to us
            0001                   # ARPHRD_ETHER
            0006 0200000000a10000  # link-layer address length 6, address padded to 8
            0800                   # protocol: IPv4
            """ + ipv4(6, TCP_SYN);

    static final String SLL2 = """
            86dd 0000              # protocol: IPv6, reserved
            00000002               # interface index 2
            0001 00 06             # ARPHRD_ETHER, packet type: to us, address length 6
            0200000000a10000       # address padded to 8
            """ + ipv6(6, TCP_DATA);

    static String ciscoHdlc(String protocol, String payload) {
        return "0f 00 " + protocol + " # address unicast, control, protocol (EtherType)\n" + payload;
    }

    static String nullHeader(String family, String payload) {
        return family + " # address family\n" + payload;
    }

    static Stream<Valid> validFrames() {
        return Stream.of(
                new Valid("ethernet ipv4 syn", LinkType.ETHERNET, ETH_IPV4_SYN),
                new Valid("ethernet ipv6 data", LinkType.ETHERNET, ETH_IPV6_DATA),
                new Valid("802.1ad + 802.1Q", LinkType.ETHERNET, ETH_QINQ),
                new Valid("sll", LinkType.LINUX_SLL, SLL),
                new Valid("sll2", LinkType.LINUX_SLL2, SLL2),
                new Valid("null little-endian AF_INET", LinkType.NULL, nullHeader("02000000", ipv4(6, TCP_SYN))),
                new Valid("null big-endian AF_INET6 30", LinkType.NULL, nullHeader("0000001e", ipv6(6, TCP_DATA))),
                new Valid("loop AF_INET6 24", LinkType.LOOP, nullHeader("00000018", ipv6(6, TCP_DATA))),
                new Valid("cisco hdlc ipv6", LinkType.C_HDLC, ciscoHdlc("86dd", ipv6(6, TCP_DATA))),
                new Valid("raw ipv4", LinkType.RAW, ipv4(6, TCP_SYN)),
                new Valid("raw ipv6", LinkType.RAW, ipv6(6, TCP_DATA)),
                new Valid("linktype ipv4", LinkType.IPV4, ipv4(6, TCP_SYN)),
                new Valid("linktype ipv6", LinkType.IPV6, ipv6(6, TCP_DATA)),
                new Valid("pppoe", LinkType.ETHERNET, PPPOE),
                new Valid("ipv4 options", LinkType.IPV4, IPV4_OPTIONS),
                new Valid("ipv4 first fragment", LinkType.IPV4, IPV4_FIRST_FRAGMENT),
                new Valid("ipv6 hop-by-hop + destination options", LinkType.IPV6, IPV6_HBH_DEST),
                new Valid("ipv6 routing", LinkType.IPV6, IPV6_ROUTING),
                new Valid("ipv6 first fragment", LinkType.IPV6, IPV6_FIRST_FRAGMENT),
                new Valid("ipv6 AH", LinkType.IPV6, IPV6_AH),
                new Valid("ipv6 jumbo", LinkType.IPV6, IPV6_JUMBO),
                new Valid("vxlan", LinkType.ETHERNET, VXLAN),
                new Valid("geneve ethernet", LinkType.ETHERNET, GENEVE_ETHERNET),
                new Valid("geneve ipv4", LinkType.ETHERNET, GENEVE_IPV4),
                new Valid("gre c k s", LinkType.ETHERNET, GRE_CKS),
                new Valid("gre teb", LinkType.ETHERNET, GRE_TEB),
                new Valid("erspan I", LinkType.ETHERNET, ERSPAN_1),
                new Valid("erspan II", LinkType.ETHERNET, ERSPAN_2),
                new Valid("erspan III with subheader", LinkType.ETHERNET, ERSPAN_3),
                new Valid("gtp-u with extension", LinkType.ETHERNET, GTPU_EXTENSION),
                new Valid("mpls two labels ipv4", LinkType.ETHERNET, MPLS_TWO_LABELS),
                new Valid("mpls pseudowire with control word", LinkType.ETHERNET, MPLS_PW_CW),
                new Valid("ipv4 in ipv4", LinkType.ETHERNET, IPIP),
                new Valid("ipv6 in ipv4", LinkType.ETHERNET, SIT),
                new Valid("vxlan in vlan", LinkType.ETHERNET, VXLAN_IN_VLAN),
                new Valid("tcp options malformed", LinkType.IPV4, ipv4(6, TCP_OPTION_LENGTH_0)));
    }

    @Nested
    class LinkLayers {
        @Test
        void ethernetIpv4() {
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, ETH_IPV4_SYN));
            assertSyn("192.0.2.1");
            assertEquals(4, out.ipVersion);
            assertEquals("192.0.2.2", IpAddress.format(out.dstHi, out.dstLo));
            assertEquals(64, out.ttl);
            assertEquals(0x1c46, out.ipId);
            assertEquals(0, out.ack);
            assertEquals(64240, out.window);
            assertEquals(40, out.headerLength);
            assertTrue(out.hasMss && out.hasTimestamps && out.hasWindowScale && out.sackPermitted);
            assertEquals(0, out.tsEcr);
            assertFalse(out.optionsMalformed);
            assertEquals(0, out.tunnels);
            assertEquals(0, out.vlanCount);
            assertEquals(1, out.segmentLength());
        }

        @Test
        void ethernetIpv6() {
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, ETH_IPV6_DATA));
            assertEquals(6, out.ipVersion);
            assertEquals("2001:db8::1", IpAddress.format(out.srcHi, out.srcLo));
            assertEquals("2001:db8::2", IpAddress.format(out.dstHi, out.dstLo));
            assertEquals(64, out.ttl);
            assertEquals(-1, out.ipId);
            assertEquals(TcpSegment.ACK | TcpSegment.PSH, out.flags);
            assertEquals(100, out.seq);
            assertEquals(2, out.ack);
            assertEquals(501, out.window);
            assertEquals(32, out.headerLength);
            assertEquals(4, out.payloadLength);
            assertEquals(43, out.tsVal);
            assertEquals(42, out.tsEcr);
            assertFalse(out.hasMss);
        }

        @Test
        void stackedVlanTagsAreRecordedOutermostFirst() {
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, ETH_QINQ));
            assertEquals(2, out.vlanCount);
            assertEquals(100, out.vlanIds[0]);
            assertEquals(200, out.vlanIds[1]);
            assertSyn("192.0.2.1");
        }

        @Test
        void moreVlanTagsThanRecordedAreCounted() {
            String tags = """
                    0001 9100              # legacy Q-in-Q tag: VID 1; next 0x9100
                    0002 8100              # VID 2
                    0003 8100              # VID 3
                    0004 8100              # VID 4
                    0005 0800              # VID 5; next IPv4
                    """;
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, ethernet(0x9100, tags + ipv4(6, TCP_SYN))));
            assertEquals(5, out.vlanCount);
            assertArrayEquals(new int[] {1, 2, 3, 4}, out.vlanIds);
        }

        @Test
        void linuxCookedV1AndV2() {
            assertEquals(DecodeStatus.DECODED, decode(LinkType.LINUX_SLL, SLL));
            assertSyn("192.0.2.1");
            assertEquals(DecodeStatus.DECODED, decode(LinkType.LINUX_SLL2, SLL2));
            assertEquals(4, out.payloadLength);
        }

        @Test
        void linuxCookedNetlinkIsNotIp() {
            String netlink = """
                    0004 0338              # packet type: outgoing, ARPHRD_NETLINK (824)
                    0000 0000000000000000  # no address
                    0000                   # netlink family NETLINK_ROUTE
                    1400000010000000       # a netlink message
                    """;
            assertEquals(DecodeStatus.NOT_IP, decode(LinkType.LINUX_SLL, netlink));
        }

        @Test
        void bsdLoopbackFamilyInEitherByteOrder() {
            for (String family : List.of("02000000", "00000002")) {
                assertEquals(DecodeStatus.DECODED, decode(LinkType.NULL, nullHeader(family, ipv4(6, TCP_SYN))), family);
                assertSyn("192.0.2.1");
            }
            for (String family : List.of("18000000", "1c000000", "1e000000", "00000018", "0000001c", "0000001e")) {
                assertEquals(DecodeStatus.DECODED, decode(LinkType.NULL, nullHeader(family, ipv6(6, TCP_DATA))), family);
            }
            assertEquals(DecodeStatus.NOT_IP, decode(LinkType.NULL, nullHeader("07000000", ipv4(6, TCP_SYN))));
        }

        @Test
        void openBsdLoopIsNetworkOrder() {
            assertEquals(DecodeStatus.DECODED, decode(LinkType.LOOP, nullHeader("00000002", ipv4(6, TCP_SYN))));
            // Little-endian 2 read in network order is 0x02000000: not a family.
            assertEquals(DecodeStatus.NOT_IP, decode(LinkType.LOOP, nullHeader("02000000", ipv4(6, TCP_SYN))));
        }

        @Test
        void ciscoHdlcByEtherType() {
            assertEquals(DecodeStatus.DECODED, decode(LinkType.C_HDLC, ciscoHdlc("0800", ipv4(6, TCP_SYN))));
            assertSyn("192.0.2.1");
            String slarp = ciscoHdlc("8035", "00000002 00000001 00000000 ffff # SLARP keepalive: sequences, reliability");
            assertEquals(DecodeStatus.NOT_IP, decode(LinkType.C_HDLC, slarp));
            assertEquals(DecodeStatus.NOT_IP, decode(LinkType.C_HDLC, ciscoHdlc("0026", ipv4(6, TCP_SYN))));
        }

        @Test
        void rawIpByVersionNibble() {
            for (int linkType : new int[] {LinkType.RAW, LinkType.RAW_OPENBSD, LinkType.RAW_BSD}) {
                assertEquals(DecodeStatus.DECODED, decode(linkType, ipv4(6, TCP_SYN)));
                assertEquals(4, out.ipVersion);
                assertEquals(DecodeStatus.DECODED, decode(linkType, ipv6(6, TCP_DATA)));
                assertEquals(6, out.ipVersion);
            }
            assertEquals(DecodeStatus.MALFORMED, decode(LinkType.RAW, "5f00" + TCP_SYN));
            assertEquals(DecodeStatus.MALFORMED, decode(LinkType.IPV4, ipv6(6, TCP_DATA)));
            assertEquals(DecodeStatus.MALFORMED, decode(LinkType.IPV6, ipv4(6, TCP_SYN)));
        }

        @Test
        void fcsBitsAboveTheLinkTypeAreIgnored() {
            assertEquals(DecodeStatus.DECODED, decode(0x3000_0000 | LinkType.IPV6, ipv6(6, TCP_DATA)));
        }

        @Test
        void unknownLinkType() {
            assertEquals(DecodeStatus.UNSUPPORTED_LINK_TYPE, decode(147, ETH_IPV4_SYN));
        }

        @Test
        void nonIpEthernetFrames() {
            String arp = ethernet(0x0806, "0001 0800 06 04 0001 0200000000a1 c0000201 000000000000 c0000202");
            assertEquals(DecodeStatus.NOT_IP, decode(LinkType.ETHERNET, arp));
            String stp = ethernet(0x0026, """
                    42 42 03               # LLC: DSAP STP, SSAP STP, UI
                    0000 00 00             # BPDU protocol id, version, type
                    """ + "00".repeat(31));
            assertEquals(DecodeStatus.NOT_IP, decode(LinkType.ETHERNET, stp));
            assertEquals(DecodeStatus.NOT_IP, decode(LinkType.ETHERNET, ethernet(0x05FF, ipv4(6, TCP_SYN))));
        }

        @Test
        void llcSnapWithEtherTypeCarriesIp() {
            String ip = ipv4(6, TCP_SYN);
            String snap = ethernet(8 + length(ip), """
                    aa aa 03               # LLC: DSAP SNAP, SSAP SNAP, UI
                    000000 0800            # SNAP: OUI 00-00-00 (RFC 1042), EtherType IPv4
                    """ + ip);
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, snap));
            assertSyn("192.0.2.1");
        }

        @Test
        void pppoeSession() {
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, PPPOE));
            assertEquals(TcpSegment.TUNNEL_PPPOE, out.tunnels);
            assertSyn("192.0.2.1");
            String lcp = ethernet(0x8864, "11 00 0001 0006 c021 01010004");
            assertEquals(DecodeStatus.NOT_IP, decode(LinkType.ETHERNET, lcp));
        }
    }

    static final String PPPOE = ethernet(0x8864, """
            11 00                  # PPPoE version 1 type 1, code 0 (session data)
            0001                   # session id
            """ + u16(2 + 60) + """
             # PPPoE length: PPP protocol + IPv4 packet
            0021                   # PPP protocol: IPv4
            """ + ipv4(6, TCP_SYN));

    // Network layer.

    static final String IPV4_OPTIONS = """
            47 00 0040             # version 4, IHL 7 (28 bytes), total length 64
            1c46 4000 40 06 0000   # identification, DF, TTL 64, TCP, checksum
            c0000201 c0000202      # source, destination
            07 07 04 00000000      # option Record Route: length 7, pointer 4, one empty slot
            00                     # End of Option List
            """ + TCP_DATA.replace("61626364               # payload \"abcd\"", "")
            + "61626364 # payload\n";

    static final String IPV4_FIRST_FRAGMENT = """
            45 00 0044             # version 4, IHL 5, total length 68
            1c46 2000              # identification, MF set, fragment offset 0
            40 06 0000 c0000201 c0000202 # TTL, TCP, checksum, source, destination
            """ + TCP_SYN + "0102030405060708 # first 8 payload bytes\n";

    static final String IPV6_HBH_DEST = ipv6(0, """
            3c 00 01 04 00000000   # hop-by-hop: next destination options, length 0 (8 bytes), PadN
            06 00 01 04 00000000   # destination options: next TCP, length 0, PadN
            """ + TCP_DATA);

    static final String IPV6_ROUTING = ipv6(43, """
            06 02 04 00 00000000   # routing: next TCP, length 2 (24 bytes), type 4 (SRH), segments left 0
            20010db8000000000000000000000002 # segment list[0]
            """ + TCP_DATA);

    static final String IPV6_FIRST_FRAGMENT = ipv6(44, """
            06 00 0001 0000002a    # fragment: next TCP, reserved, offset 0 with M set, id 42
            """ + TCP_SYN);

    static final String IPV6_AH = ipv6(51, """
            06 04 0000             # AH: next TCP, payload length 4 ((4+2)*4 = 24 bytes), reserved
            00000100 00000001      # SPI, sequence number
            0102030405060708090a0b0c # integrity check value (12 bytes)
            """ + TCP_DATA);

    static final String IPV6_JUMBO = """
            60000000 0000 00 40    # version 6, payload length 0, next header hop-by-hop, hop limit
            20010db8000000000000000000000001 20010db8000000000000000000000002
            06 00 c2 04 0000002c   # hop-by-hop: next TCP, Jumbo Payload option: 44 (RFC 2675)
            """ + TCP_DATA;

    @Nested
    class NetworkLayer {
        @Test
        void ipv4WithOptions() {
            assertEquals(DecodeStatus.DECODED, decode(LinkType.IPV4, IPV4_OPTIONS));
            assertEquals(4, out.payloadLength);
            assertEquals(80, out.srcPort);
        }

        @Test
        void ipv4Fragments() {
            assertEquals(DecodeStatus.DECODED, decode(LinkType.IPV4, IPV4_FIRST_FRAGMENT));
            assertEquals(TcpSegment.SYN, out.flags);
            assertEquals(1460, out.mss);
            assertEquals(8, out.payloadLength);
            String second = """
                    45 00 001c 1c46 0005   # total length 28, same id, fragment offset 5 (40 bytes)
                    40 06 0000 c0000201 c0000202
                    0102030405060708
                    """;
            assertEquals(DecodeStatus.NON_FIRST_FRAGMENT, decode(LinkType.IPV4, second));
        }

        @Test
        void ipv4InconsistentHeaders() {
            assertEquals(DecodeStatus.MALFORMED, decode(LinkType.IPV4, "44" + Fixtures.clean(ipv4(6, TCP_SYN)).substring(2)));
            String shortTotal = Fixtures.clean(ipv4(6, TCP_SYN)).replaceFirst("^4500003c", "45000010");
            assertEquals(DecodeStatus.MALFORMED, decode(LinkType.IPV4, shortTotal));
            String tcpLongerThanIp = Fixtures.clean(ipv4(6, TCP_SYN)).replaceFirst("^4500003c", "45000020");
            assertEquals(DecodeStatus.MALFORMED, decode(LinkType.IPV4, tcpLongerThanIp));
        }

        @Test
        void ipv4ZeroTotalLengthUsesCapturedLength() {
            String tso = Fixtures.clean(ipv4(6, TCP_DATA)).replaceFirst("^45000034", "45000000");
            assertEquals(DecodeStatus.DECODED, decode(LinkType.IPV4, tso));
            assertEquals(4, out.payloadLength);
        }

        @Test
        void ipv6ExtensionHeaders() {
            for (String hex : List.of(IPV6_HBH_DEST, IPV6_ROUTING, IPV6_AH, IPV6_JUMBO)) {
                assertEquals(DecodeStatus.DECODED, decode(LinkType.IPV6, hex));
                assertEquals(4, out.payloadLength);
                assertEquals(43, out.tsVal);
            }
            assertEquals(DecodeStatus.DECODED, decode(LinkType.IPV6, IPV6_FIRST_FRAGMENT));
            assertSyn("2001:db8::1");
        }

        @Test
        void ipv6NonFirstFragment() {
            String second = ipv6(44, """
                    06 00 0028 0000002a    # fragment: next TCP, offset 5 (0x28 >> 3), M clear, id 42
                    0102030405060708
                    """);
            assertEquals(DecodeStatus.NON_FIRST_FRAGMENT, decode(LinkType.IPV6, second));
        }

        @Test
        void ipv6WithoutTcp() {
            assertEquals(DecodeStatus.NOT_TCP, decode(LinkType.IPV6, ipv6(50, "00000100 00000001 0102030405060708")));
            assertEquals(DecodeStatus.NOT_TCP, decode(LinkType.IPV6, ipv6(59, "")));
            assertEquals(DecodeStatus.NOT_TCP, decode(LinkType.IPV6, ipv6(58, "8000 0000 0001 0001")));
            assertEquals(DecodeStatus.MALFORMED, decode(LinkType.IPV6,
                    Fixtures.clean(IPV6_ROUTING).replaceFirst("^60000000003c", "600000000004")));
        }

        @Test
        void ipv4WithoutTcp() {
            assertEquals(DecodeStatus.NOT_TCP, decode(LinkType.IPV4, ipv4(1, "0800 0000 0001 0001")));
            assertEquals(DecodeStatus.NOT_TCP, decode(LinkType.IPV4, ipv4(17, udp(5353, 53, "00"))));
        }
    }

    // Tunnels.

    static final String INNER_ETHERNET = ETH_IPV4_SYN;

    static final String VXLAN = ethernet(0x0800, outerIpv4(17, udp(0xc000, 4789, """
            08 000000              # VXLAN: flags I, reserved
            00002a 00              # VNI 42, reserved
            """ + INNER_ETHERNET)));

    static final String VXLAN_IN_VLAN = ethernet(0x8100, "0010 0800 # VLAN 16, next IPv4\n"
            + outerIpv4(17, udp(4789, 0xc000, "08000000 00002a00 # VXLAN VNI 42\n" + INNER_ETHERNET)));

    static final String GENEVE_OPTION = """
            0103 80 01 deadbeef    # GENEVE option: class 0x0103, type 0x80, length 1 word, data
            """;

    static final String GENEVE_ETHERNET = ethernet(0x0800, outerIpv4(17, udp(0xc001, 6081, """
            04 00 6558             # GENEVE: version 0, options 4 words, flags, protocol Ethernet
            00002a 00              # VNI 42, reserved
            """ + GENEVE_OPTION + GENEVE_OPTION + INNER_ETHERNET)));

    static final String GENEVE_IPV4 = ethernet(0x0800, outerIpv4(17, udp(6081, 6081, """
            00 00 0800 00002a00    # GENEVE: no options, protocol IPv4, VNI 42
            """ + ipv4(6, TCP_SYN))));

    static final String GRE_CKS = ethernet(0x0800, outerIpv4(47, """
            b000 0800              # GRE: C, K, S set, version 0; protocol IPv4
            0000 0000              # checksum (not verified), reserved
            00000007               # key 7
            00000001               # sequence number 1
            """ + ipv4(6, TCP_SYN)));

    static final String GRE_TEB = ethernet(0x0800, outerIpv4(47, """
            2000 6558 00000009     # GRE: K set; Transparent Ethernet Bridging; key 9
            """ + INNER_ETHERNET));

    static final String ERSPAN_1 = ethernet(0x0800, outerIpv4(47, """
            0000 88be              # GRE: no flags; ERSPAN (no sequence number: type I)
            """ + INNER_ETHERNET));

    static final String ERSPAN_2 = ethernet(0x0800, outerIpv4(47, """
            1000 88be 00000005     # GRE: S set; ERSPAN; sequence 5
            1000 1864              # ERSPAN II: version 1, VLAN 0; COS 0, En 3, T 0, session 100
            00000007               # reserved, index 7
            """ + INNER_ETHERNET));

    static final String ERSPAN_3 = ethernet(0x0800, outerIpv4(47, """
            1000 22eb 00000006     # GRE: S set; ERSPAN III; sequence 6
            200a 00c8              # ERSPAN III: version 2, VLAN 10; session 200
            000003e8               # timestamp
            0000 0057              # SGT 0; P 0, FT 0 (Ethernet), HW ID 5, D 0, Gra 3, O 1
            0c000007 01020304      # platform-specific subheader (O set): platform 3, port 7, timestamp
            """ + INNER_ETHERNET));

    static final String GTPU_EXTENSION = ethernet(0x0800, outerIpv4(17, udp(2152, 2152, """
            34 ff                  # GTP: version 1, PT 1, E set; message G-PDU
            """ + u16(8 + 60) + """
             # length: optional fields + extension + inner packet
            00001234               # TEID
            0000 00 85             # sequence number, N-PDU number, next extension: PDU Session Container
            01 1009 00             # extension: length 1 word, content, next extension: none
            """ + ipv4(6, TCP_SYN))));

    static final String MPLS_TWO_LABELS = ethernet(0x8847, """
            00064 0 40             # label 100, TC 0, S 0, TTL 64
            000c8 1 40             # label 200, TC 0, S 1 (bottom of stack), TTL 64
            """ + ipv4(6, TCP_SYN));

    static final String MPLS_PW_CW = ethernet(0x8847, """
            0012c 1 40             # label 300, bottom of stack
            00000001               # pseudowire control word (RFC 4385): first nibble 0, sequence 1
            """ + INNER_ETHERNET);

    static final String IPIP = ethernet(0x0800, outerIpv4(4, ipv4(6, TCP_SYN)));

    static final String SIT = ethernet(0x0800, outerIpv4(41, ipv6(6, TCP_DATA)));

    @Nested
    class Tunnels {
        void assertInnerSyn(int tunnels) {
            assertSyn("192.0.2.1");
            assertEquals(tunnels, out.tunnels);
        }

        @Test
        void vxlanOnEitherPort() {
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, VXLAN));
            assertInnerSyn(TcpSegment.TUNNEL_VXLAN);
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, VXLAN_IN_VLAN));
            assertInnerSyn(TcpSegment.TUNNEL_VXLAN);
            assertEquals(1, out.vlanCount);
            assertEquals(16, out.vlanIds[0]);
        }

        @Test
        void geneve() {
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, GENEVE_ETHERNET));
            assertInnerSyn(TcpSegment.TUNNEL_GENEVE);
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, GENEVE_IPV4));
            assertInnerSyn(TcpSegment.TUNNEL_GENEVE);
            String version1 = ethernet(0x0800, outerIpv4(17, udp(6081, 6081, """
                    40 00 0800 00002a00    # GENEVE version 1: layout unknown
                    """ + ipv4(6, TCP_SYN))));
            assertEquals(DecodeStatus.UNSUPPORTED_ENCAPSULATION, decode(LinkType.ETHERNET, version1));
        }

        @Test
        void gre() {
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, GRE_CKS));
            assertInnerSyn(TcpSegment.TUNNEL_GRE);
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, GRE_TEB));
            assertInnerSyn(TcpSegment.TUNNEL_GRE);
            String ppp = ethernet(0x0800, outerIpv4(47, "0000 880b ff03c021"));
            assertEquals(DecodeStatus.UNSUPPORTED_ENCAPSULATION, decode(LinkType.ETHERNET, ppp));
            String pptp = ethernet(0x0800, outerIpv4(47, "3001 880b 00040001 00000001 ff03c021"));
            assertEquals(DecodeStatus.UNSUPPORTED_ENCAPSULATION, decode(LinkType.ETHERNET, pptp));
        }

        @Test
        void erspanTypes() {
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, ERSPAN_1));
            assertInnerSyn(TcpSegment.TUNNEL_GRE | TcpSegment.TUNNEL_ERSPAN1);
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, ERSPAN_2));
            assertInnerSyn(TcpSegment.TUNNEL_GRE | TcpSegment.TUNNEL_ERSPAN2);
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, ERSPAN_3));
            assertInnerSyn(TcpSegment.TUNNEL_GRE | TcpSegment.TUNNEL_ERSPAN3);
        }

        @Test
        void gtpU() {
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, GTPU_EXTENSION));
            assertInnerSyn(TcpSegment.TUNNEL_GTPU);
            String echo = ethernet(0x0800, outerIpv4(17, udp(40000, 2152, "32 01 0004 00000000 0001 00 00")));
            assertEquals(DecodeStatus.NOT_TCP, decode(LinkType.ETHERNET, echo));
            String zeroLengthExtension = Fixtures.clean(GTPU_EXTENSION).replace("0000008501100900", "0000008500100900");
            assertEquals(DecodeStatus.MALFORMED, decode(LinkType.ETHERNET, zeroLengthExtension));
        }

        @Test
        void mpls() {
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, MPLS_TWO_LABELS));
            assertInnerSyn(TcpSegment.TUNNEL_MPLS);
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, MPLS_PW_CW));
            assertInnerSyn(TcpSegment.TUNNEL_MPLS);
            String ipv6 = ethernet(0x8848, "00190 1 40 # label 400, bottom\n" + Fixtures.ipv6(6, TCP_DATA));
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, ipv6));
            String ach = ethernet(0x8847, "0000d 1 40 # GAL, bottom\n 1000 0022 # PW ACH: BFD\n");
            assertEquals(DecodeStatus.UNSUPPORTED_ENCAPSULATION, decode(LinkType.ETHERNET, ach));
            String overGre = ethernet(0x0800, outerIpv4(47, "0000 8847 00064 1 40\n" + ipv4(6, TCP_SYN)));
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, overGre));
            assertInnerSyn(TcpSegment.TUNNEL_GRE | TcpSegment.TUNNEL_MPLS);
        }

        @Test
        void ipInIp() {
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, IPIP));
            assertInnerSyn(TcpSegment.TUNNEL_IP_IN_IP);
            assertEquals(DecodeStatus.DECODED, decode(LinkType.ETHERNET, SIT));
            assertEquals(TcpSegment.TUNNEL_IP_IN_IP, out.tunnels);
            assertEquals("2001:db8::1", IpAddress.format(out.srcHi, out.srcLo));
            assertEquals(64, out.ttl);
        }

        @Test
        void nestingDepthIsBounded() {
            String packet = ipv4(6, TCP_SYN);
            for (int depth = 1; depth <= PacketDecoder.MAX_ENCAPSULATION_DEPTH; depth++) {
                packet = outerIpv4(4, packet);
                assertEquals(DecodeStatus.DECODED, decode(LinkType.IPV4, packet), "depth " + depth);
            }
            packet = outerIpv4(4, packet);
            assertEquals(DecodeStatus.UNSUPPORTED_ENCAPSULATION, decode(LinkType.IPV4, packet));
        }

        @Test
        void bridgedEthernetLoopIsBounded() {
            String frame = ETH_IPV4_SYN;
            for (int i = 0; i < 40; i++) {
                frame = ethernet(0x6558, frame);
            }
            assertEquals(DecodeStatus.UNSUPPORTED_ENCAPSULATION, decode(LinkType.ETHERNET, frame));
        }
    }

    // Transport layer.

    static final String TCP_OPTION_LENGTH_0 = """
            c350 0050 00000001 00000000 # ports, sequence, acknowledgment
            7002 faf0 0000 0000    # data offset 7 (28 bytes), SYN, window, checksum, urgent
            0204 05b4              # MSS 1460: parsed
            0800 0000              # kind 8 with length 0: malformed, parsing stops
            """;

    static String tcpWithOptions(String options) {
        int words = 5 + Fixtures.length(options) / 4;
        return "c350 0050 00000001 00000000 # ports, sequence, acknowledgment\n"
                + Integer.toHexString(words) + "002 faf0 0000 0000 # data offset, SYN, window, checksum, urgent\n"
                + options;
    }

    @Nested
    class TransportLayer {
        @Test
        void optionWithLengthZeroStopsParsingButDecodes() {
            assertEquals(DecodeStatus.DECODED, decode(LinkType.IPV4, ipv4(6, TCP_OPTION_LENGTH_0)));
            assertTrue(out.optionsMalformed);
            assertTrue(out.hasMss);
            assertEquals(1460, out.mss);
        }

        @Test
        void malformedOptionLengths() {
            for (String options : List.of(
                    "0301 0000",           // window scale with length 1
                    "080c 0000",           // timestamps running past the header
                    "0101 0102",           // NOP NOP NOP, then MSS whose length byte is missing
                    "0101 011e")) {        // NOP NOP NOP, then an unknown kind at the last byte
                assertEquals(DecodeStatus.DECODED, decode(LinkType.IPV4, ipv4(6, tcpWithOptions(options))), options);
                assertTrue(out.optionsMalformed, options);
            }
        }

        @Test
        void unknownOptionsAreSkippedAndSackBlocksCounted() {
            String options = """
                    1e 06 0000 0000        # kind 30 (MPTCP), length 6: skipped
                    0101 0512 00000003 00000004 00000005 00000006 # NOP NOP, SACK with two blocks
                    0101 080a 00000007 00000008 # NOP NOP, timestamps 7, 8
                    0000                   # EOL, padding
                    """;
            assertEquals(DecodeStatus.DECODED, decode(LinkType.IPV4, ipv4(6, tcpWithOptions(options))));
            assertFalse(out.optionsMalformed);
            assertEquals(2, out.sackBlocks);
            assertEquals(7, out.tsVal);
            assertEquals(8, out.tsEcr);
        }

        @Test
        void endOfOptionListEndsParsing() {
            String options = "00 0204 05b4 000000 # EOL, then bytes that would read as MSS\n";
            assertEquals(DecodeStatus.DECODED, decode(LinkType.IPV4, ipv4(6, tcpWithOptions(options))));
            assertFalse(out.hasMss);
        }

        @Test
        void knownOptionWithWrongLengthIsSkipped() {
            String options = "0203 05 01 # MSS with length 3: not taken, NOP\n";
            assertEquals(DecodeStatus.DECODED, decode(LinkType.IPV4, ipv4(6, tcpWithOptions(options))));
            assertFalse(out.hasMss);
            assertFalse(out.optionsMalformed);
        }

        @Test
        void flagsIncludeAeAndReservedBits() {
            String tcp = "c350 0050 00000001 00000001 5f11 faf0 0000 0000 # offset 5, reserved 7, AE, ACK FIN\n";
            assertEquals(DecodeStatus.DECODED, decode(LinkType.IPV4, ipv4(6, tcp)));
            assertEquals(0xF11, out.flags);
            assertTrue(out.has(TcpSegment.NS));
            assertEquals(1, out.segmentLength());
        }

        @Test
        void dataOffsetBelowFiveIsMalformed() {
            String tcp = "c350 0050 00000001 00000000 4002 faf0 0000 0000 # data offset 4\n";
            assertEquals(DecodeStatus.MALFORMED, decode(LinkType.IPV4, ipv4(6, tcp)));
        }

        @Test
        void headerCutBySnapshotIsTruncated() {
            byte[] full = bytes(ipv4(6, TCP_SYN));
            byte[] cut = Arrays.copyOf(full, 20 + 30);
            assertEquals(DecodeStatus.TRUNCATED, decoder.decode(LinkType.IPV4, ByteBuffer.wrap(cut), 0, cut.length, out));
        }
    }

    // Truncation.

    @ParameterizedTest(name = "{0}")
    @MethodSource("validFrames")
    void validFrameDecodes(Valid frame) {
        assertEquals(DecodeStatus.DECODED, decode(frame.linkType(), frame.hex()));
    }

    /** Every proper prefix of a valid frame is a frame cut by the snapshot length. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("validFrames")
    void everyPrefixIsTruncated(Valid frame) {
        byte[] full = bytes(frame.hex());
        int headers = full.length;
        for (int len = 0; len < headers; len++) {
            DecodeStatus s = decoder.decode(frame.linkType(), ByteBuffer.wrap(full), 0, len, out);
            if (len >= headers - payloadBytes(frame)) {
                assertEquals(DecodeStatus.DECODED, s, "prefix " + len + " cuts only payload");
            } else {
                assertEquals(DecodeStatus.TRUNCATED, s, "prefix of " + len + " bytes");
            }
        }
    }

    /** Bytes after the innermost TCP header: a prefix that keeps the header still decodes. */
    private int payloadBytes(Valid frame) {
        decode(frame.linkType(), frame.hex());
        return out.payloadLength;
    }
}
