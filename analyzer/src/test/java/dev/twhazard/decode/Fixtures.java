package dev.twhazard.decode;

import java.util.HexFormat;

/**
 * Hex fixtures for the decoder tests. Each string lists a header's fields in wire order, one
 * field group per line with a comment; {@link #bytes} drops the comments and the whitespace. The
 * builders fill in the length fields so that a fixture stays consistent when its payload changes.
 */
final class Fixtures {

    private Fixtures() {
    }

    /** Hex text with {@code #} comments to bytes. */
    static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(clean(hex));
    }

    static String clean(String hex) {
        StringBuilder sb = new StringBuilder();
        for (String line : hex.split("\n")) {
            int comment = line.indexOf('#');
            sb.append((comment < 0 ? line : line.substring(0, comment)).replaceAll("\\s+", ""));
        }
        return sb.toString();
    }

    static int length(String hex) {
        return clean(hex).length() / 2;
    }

    static String u16(int v) {
        return String.format("%04x", v);
    }

    static String u8(int v) {
        return String.format("%02x", v);
    }

    /** A SYN with every option the decoder reads. 40 bytes. */
    static final String TCP_SYN = """
            c350 0050              # source port 50000, destination port 80
            00000001               # sequence number 1
            00000000               # acknowledgment number 0
            a002                   # data offset 10 (40 bytes), flags SYN
            faf0                   # window 64240
            0000 0000              # checksum (not verified), urgent pointer
            0204 05b4              # MSS 1460 (RFC 9293 3.2)
            0402                   # SACK permitted (RFC 2018)
            080a 0000002a 00000000 # timestamps TSval 42, TSecr 0 (RFC 7323 3.2)
            01                     # NOP
            0303 07                # window scale shift 7 (RFC 7323 2.2)
            """;

    /** An ACK|PSH with timestamps and 4 payload bytes. 32-byte header. */
    static final String TCP_DATA = """
            0050 c350              # source port 80, destination port 50000
            00000064               # sequence number 100
            00000002               # acknowledgment number 2
            8018                   # data offset 8 (32 bytes), flags ACK PSH
            01f5                   # window 501
            0000 0000              # checksum, urgent pointer
            0101 080a 0000002b 0000002a # NOP NOP, timestamps TSval 43, TSecr 42
            61626364               # payload "abcd"
            """;

    static final String MAC_B = "0200000000b1";
    static final String MAC_A = "0200000000a1";

    static String ethernet(int type, String payload) {
        return MAC_B + " " + MAC_A + " # destination, source MAC\n"
                + u16(type) + " # EtherType\n" + payload;
    }

    static String ipv4(int protocol, String payload) {
        return ipv4("c0000201", "c0000202", protocol, payload);
    }

    /** IPv4, IHL 5, DF, TTL 64, identification 0x1c46. */
    static String ipv4(String src, String dst, int protocol, String payload) {
        return "45 00 " + u16(20 + length(payload)) + " # version 4, IHL 5, TOS, total length\n"
                + "1c46 4000 # identification, flags DF, fragment offset 0\n"
                + "40 " + u8(protocol) + " 0000 # TTL 64, protocol, header checksum (not verified)\n"
                + src + " " + dst + " # source, destination\n"
                + payload;
    }

    static final String V6_SRC = "20010db8000000000000000000000001";
    static final String V6_DST = "20010db8000000000000000000000002";

    static String ipv6(int nextHeader, String payload) {
        return ipv6(V6_SRC, V6_DST, nextHeader, payload);
    }

    /** IPv6, hop limit 64; the payload length covers extension headers and upper layer. */
    static String ipv6(String src, String dst, int nextHeader, String payload) {
        return "60000000 # version 6, traffic class, flow label\n"
                + u16(length(payload)) + " " + u8(nextHeader) + " 40 # payload length, next header, hop limit 64\n"
                + src + " " + dst + " # source, destination\n"
                + payload;
    }

    static String udp(int sourcePort, int destinationPort, String payload) {
        return u16(sourcePort) + " " + u16(destinationPort) + " # source port, destination port\n"
                + u16(8 + length(payload)) + " 0000 # length, checksum\n"
                + payload;
    }

    /** Outer IPv4 10.0.0.1 -> 10.0.0.2, so tests can tell it from the inner 192.0.2.x. */
    static String outerIpv4(int protocol, String payload) {
        return ipv4("0a000001", "0a000002", protocol, payload);
    }

    static final String ETH_IPV4_SYN = ethernet(0x0800, ipv4(6, TCP_SYN));
    static final String ETH_IPV6_DATA = ethernet(0x86DD, ipv6(6, TCP_DATA));
}
