"""Builds the encapsulations this machine's kernel cannot make, around real kernel TCP frames.

Reads plain.pcap and vxlan.pcap (made by make-encap-captures.sh with real sockets) and writes one
capture per encapsulation. The inner TCP/IP packets are the kernel's, byte for byte; the outer
headers are built here field by field from their specifications, and tshark checks them.
Run by make-encap-captures.sh; needs scapy (Debian python3-scapy) for pcap I/O and outer IP/UDP.
"""
import ipaddress
import struct
import sys

from scapy.all import IP, UDP, Ether, IPv6, Raw, rdpcap, wrpcap
from scapy.layers.inet6 import IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, IPv6ExtHdrRouting
from scapy.layers.inet import IPOption_RR, fragment
from scapy.utils import PcapWriter

OUT_MAC_A, OUT_MAC_B = "02:00:00:00:0a:01", "02:00:00:00:0b:01"
V4_A, V4_B = "192.0.2.1", "192.0.2.2"
V6_A, V6_B = "2001:db8::a", "2001:db8::b"


def inner_frames(path):
    """(ether bytes, ip bytes, is_v6, from_client) for each TCP frame of a real capture."""
    result = []
    client = {}
    for p in rdpcap(path):
        if not p.haslayer(Ether) or "TCP" not in p:
            continue
        v6 = p[Ether].type == 0x86DD
        src = p[IPv6].src if v6 else p[IP].src
        client.setdefault(v6, src)
        result.append((bytes(p), bytes(p[Ether].payload), v6, src == client[v6]))
    return result


def outer(payload_proto_v4, payload_proto_v6, body, from_a, v6_outer=False):
    """Ether + outer IPv4 (or IPv6) around body, with lengths and checksums filled in."""
    sa, da = (OUT_MAC_A, OUT_MAC_B) if from_a else (OUT_MAC_B, OUT_MAC_A)
    if v6_outer:
        s, d = (V6_A, V6_B) if from_a else (V6_B, V6_A)
        return Ether(src=sa, dst=da) / IPv6(src=s, dst=d, nh=payload_proto_v6, hlim=64) / Raw(body)
    s, d = (V4_A, V4_B) if from_a else (V4_B, V4_A)
    return Ether(src=sa, dst=da) / IP(src=s, dst=d, proto=payload_proto_v4, ttl=64, flags="DF") / Raw(body)


def outer_udp(port, body, from_a, v6_outer=False):
    sa, da = (OUT_MAC_A, OUT_MAC_B) if from_a else (OUT_MAC_B, OUT_MAC_A)
    sport = 49152 + (len(body) % 1000)
    if v6_outer:
        s, d = (V6_A, V6_B) if from_a else (V6_B, V6_A)
        return Ether(src=sa, dst=da) / IPv6(src=s, dst=d, hlim=64) / UDP(sport=sport, dport=port) / Raw(body)
    s, d = (V4_A, V4_B) if from_a else (V4_B, V4_A)
    return Ether(src=sa, dst=da) / IP(src=s, dst=d, ttl=64) / UDP(sport=sport, dport=port) / Raw(body)


def gre(proto, body, checksum=False, key=None, seq=None):
    """RFC 2784/2890 GRE header (version 0)."""
    flags = (0x8000 if checksum else 0) | (0x2000 if key is not None else 0) | (0x1000 if seq is not None else 0)
    h = struct.pack("!HH", flags, proto)
    if checksum:
        h += struct.pack("!HH", 0, 0)
    if key is not None:
        h += struct.pack("!I", key)
    if seq is not None:
        h += struct.pack("!I", seq)
    if checksum:
        from scapy.utils import checksum as csum
        c = csum(h + body)
        h = h[:4] + struct.pack("!H", c) + h[6:]
    return h + body


def erspan2(session, index, body):
    """draft-foschiano-erspan-03 4.2: Ver=1, VLAN, COS, En, T, Session ID; Reserved, Index."""
    return struct.pack("!HHI", (1 << 12) | 0, (0 << 13) | (3 << 11) | session, index & 0xFFFFF) + body


def erspan3(session, timestamp, optional, body):
    """draft-foschiano-erspan-03 4.3: Ver=2 ...; Timestamp; SGT, P, FT=0, HW ID, D, Gra, O."""
    word2 = (0 << 15) | (0 << 10) | (5 << 4) | (0 << 3) | (3 << 1) | (1 if optional else 0)
    h = struct.pack("!HHIHH", (2 << 12) | 10, session, timestamp, 0, word2)
    if optional:
        h += struct.pack("!II", (3 << 26) | 7, 0x01020304)
    return h + body


def gtpu(body, teid, seq=None, ext=False, msg=0xFF):
    """3GPP TS 29.281 5.1 header; ext adds a PDU Session Container (type 0x85, TS 38.415)."""
    flags = 0x30 | (0x02 if seq is not None else 0) | (0x04 if ext else 0)
    opt = b""
    if seq is not None or ext:
        opt = struct.pack("!HBB", seq or 0, 0, 0x85 if ext else 0)
        if ext:
            opt += bytes([1, 0x10, 0x09, 0])
    return struct.pack("!BBHI", flags, msg, len(opt) + len(body), teid) + opt + body


def mpls(labels, body):
    """RFC 3032 label stack; the last label has S set."""
    out = b""
    for i, label in enumerate(labels):
        out += struct.pack("!I", (label << 12) | (0 << 9) | ((1 if i == len(labels) - 1 else 0) << 8) | 64)
    return out + body


def geneve(proto, body, options=b""):
    """RFC 8926 3.4: Ver=0, Opt Len (4-byte words), O, C, protocol, VNI, reserved, options."""
    assert len(options) % 4 == 0
    return struct.pack("!BBHI", len(options) // 4, 0, proto, 42 << 8) + options + body


def vxlan_in_vlans(frame, tags):
    """Inserts VLAN tags (TPID, VID) after the MAC addresses of an Ethernet frame."""
    ins = b"".join(struct.pack("!HH", tpid, vid) for tpid, vid in tags)
    return frame[:12] + ins + frame[12:]


def write(name, packets, linktype=None):
    w = PcapWriter(name, linktype=linktype, sync=True) if linktype is not None else PcapWriter(name, sync=True)
    for p in packets:
        w.write(p if not isinstance(p, bytes) else Raw(p))
    w.close()


def main():
    frames = inner_frames("plain.pcap")
    v4 = [f for f in frames if not f[2]]
    v6 = [f for f in frames if f[2]]

    write("gre.pcap",
          [outer(47, 47, gre(0x0800, ip, checksum=(i % 2 == 0), key=7, seq=i), a) for i, (_, ip, _, a) in enumerate(v4)]
          + [outer(47, 47, gre(0x86DD, ip, key=8), a, v6_outer=True) for (_, ip, _, a) in v6])
    write("gretap.pcap",
          [outer(47, 47, gre(0x6558, eth, key=9), a) for (eth, _, _, a) in v4 + v6])
    write("erspan.pcap",
          [outer(47, 47, gre(0x88BE, eth), a) for (eth, _, _, a) in v4[:4]]
          + [outer(47, 47, gre(0x88BE, erspan2(100, i, eth), seq=i), a) for i, (eth, _, _, a) in enumerate(v4[4:])]
          + [outer(47, 47, gre(0x22EB, erspan3(200, 1000 + i, i % 2 == 1, eth), seq=i), a)
             for i, (eth, _, _, a) in enumerate(v6)])
    gtp = [outer_udp(2152, gtpu(ip, 0x1234, seq=(i if i % 3 == 1 else None), ext=(i % 3 == 2)), a)
           for i, (_, ip, _, a) in enumerate(v4)]
    gtp += [outer_udp(2152, gtpu(ip, 0x5678, ext=True), a, v6_outer=True) for (_, ip, _, a) in v6]
    gtp.append(outer_udp(2152, gtpu(b"\x0e\x00", 0, seq=1, msg=1), True))
    write("gtpu.pcap", gtp)
    mp = []
    for i, (eth, ip, is6, a) in enumerate(v4 + v6):
        sa, da = (OUT_MAC_A, OUT_MAC_B) if a else (OUT_MAC_B, OUT_MAC_A)
        if i % 3 == 0:
            body = mpls([100, 200], ip)
        elif i % 3 == 1:
            body = mpls([300], b"\x00\x00\x00" + bytes([i & 0xFF]) + eth)
        else:
            body = mpls([16, 400, 500], ip)
        mp.append(Ether(src=sa, dst=da, type=0x8847) / Raw(body))
    mp += [outer(47, 47, gre(0x8847, mpls([600], ip)), a) for (_, ip, _, a) in v4[:3]]
    # An Ethernet pseudowire without a control word whose MAC addresses start with a 0 nibble
    # (Intel's OUI 00:1b:21), the case Wireshark's CW heuristic exists for (RFC 4448).
    for (eth, _, _, a) in v4[:3]:
        plain = bytes.fromhex("001b21000001001b21000002") + eth[12:]
        mp.append(Ether(src=OUT_MAC_A, dst=OUT_MAC_B, type=0x8847) / Raw(mpls([700], plain)))
    write("mpls.pcap", mp)
    opt = struct.pack("!HBB", 0x0103, 0x80, 1) + b"\xde\xad\xbe\xef"
    write("geneve.pcap",
          [outer_udp(6081, geneve(0x6558, eth, opt), a) for (eth, _, _, a) in v4]
          + [outer_udp(6081, geneve(0x0800, ip), a) for (_, ip, _, a) in v4[:3]]
          + [outer_udp(6081, geneve(0x86DD, ip, opt + opt), a, v6_outer=True) for (_, ip, _, a) in v6])
    write("ipip.pcap",
          [outer(4, 4, ip, a) for (_, ip, _, a) in v4]
          + [outer(41, 41, ip, a) for (_, ip, _, a) in v6]
          + [outer(4, 4, ip, a, v6_outer=True) for (_, ip, _, a) in v4[:4]])
    vx = [bytes(p) for p in rdpcap("vxlan.pcap") if "TCP" in p]
    write("vlan-vxlan.pcap",
          [Ether(vxlan_in_vlans(f, [(0x88A8, 100), (0x8100, 200)])) for f in vx[:12]]
          + [Ether(vxlan_in_vlans(f, [(0x9100, 10), (0x8100, 20), (0x8100, 30), (0x8100, 40), (0x8100, 50)]))
             for f in vx[12:18]])
    # BSD loopback headers: LINKTYPE_LOOP is always network order; LINKTYPE_NULL is host order,
    # here a big-endian host (the corpus has little-endian ones). 30 is macOS's AF_INET6.
    write("loop.pcap", [struct.pack("!I", 24 if is6 else 2) + ip for (_, ip, is6, _) in frames], linktype=108)
    write("null-be.pcap", [struct.pack("!I", 30 if is6 else 2) + ip for (_, ip, is6, _) in frames], linktype=0)
    ext = []
    for i, (eth, ip, is6, a) in enumerate(v6):
        p = Ether(eth)
        inner = p[IPv6]
        tcp = inner.payload
        hdr = IPv6(src=inner.src, dst=inner.dst, hlim=inner.hlim, fl=inner.fl)
        kind = i % 4
        if kind == 0:
            chain = IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / tcp
        elif kind == 1:
            chain = IPv6ExtHdrRouting(addresses=[], segleft=0) / tcp
        elif kind == 2:
            chain = IPv6ExtHdrFragment(offset=0, m=0, id=i) / tcp
        else:
            chain = IPv6ExtHdrDestOpt() / IPv6ExtHdrFragment(offset=0, m=0, id=i) / tcp
        ext.append(Ether(src=p.src, dst=p.dst) / hdr / chain)
    # A first fragment with MF set carries the TCP header; the second one carries none.
    big = next(f for f in v6 if len(f[1]) > 40 + 32 + 8)
    p = Ether(big[0])
    frag_id = 0x77
    body = bytes(p[IPv6].payload)
    half = 40
    ext.append(Ether(src=p.src, dst=p.dst) / IPv6(src=p[IPv6].src, dst=p[IPv6].dst)
               / IPv6ExtHdrFragment(offset=0, m=1, id=frag_id, nh=6) / Raw(body[:half]))
    ext.append(Ether(src=p.src, dst=p.dst) / IPv6(src=p[IPv6].src, dst=p[IPv6].dst)
               / IPv6ExtHdrFragment(offset=half // 8, m=0, id=frag_id, nh=6) / Raw(body[half:]))
    write("ipv6-ext.pcap", ext)
    frag = []
    for i, (eth, ip, is6, a) in enumerate(v4):
        p = Ether(eth)
        hdr = p[IP].copy()
        hdr.options = [IPOption_RR(routers=["192.0.2.9"])] if i % 2 == 0 else [b"\x01\x01\x01\x00"]
        del hdr.ihl, hdr.len, hdr.chksum
        frag.append(Ether(src=p.src, dst=p.dst) / hdr)
    big = next(f for f in v4 if len(f[1]) > 20 + 32 + 8)
    p = Ether(big[0])
    hdr = p[IP].copy()
    hdr.flags = 0
    del hdr.chksum, hdr.len
    for f in fragment(hdr, fragsize=40):
        frag.append(Ether(src=p.src, dst=p.dst) / f)
    write("ipv4-options-frag.pcap", frag)
    write("icmp-quoted.pcap", icmp_errors(v4, v6))


def icmp_errors(v4, v6):
    """ICMP errors about real TCP segments, each after the segment it quotes. The quoted TCP
    header is a copy, not a segment on the wire: the decoder must not list it. The router
    192.0.2.254 (2001:db8::fe) sends them back to the segment's source."""
    out = []
    kinds_v4 = [(3, 4, 1400), (11, 0, 0), (3, 3, 0)]  # fragmentation needed (MTU 1400), TTL exceeded, port unreachable
    for i, (eth, ip, _, _) in enumerate(v4[:6]):
        p = Ether(eth)
        out.append(p)
        icmp_type, code, mtu = kinds_v4[i % 3]
        # RFC 792 quotes the IP header and the first 64 bits of its data (the ports and the
        # sequence number); RFC 1812 section 4.3.2.3 lets a router quote as much as fits in 576.
        quoted = ip[:20 + 8] if i % 2 == 0 else ip[:576 - 28]
        rest = struct.pack("!HH", 0, mtu) if icmp_type == 3 and code == 4 else b"\0\0\0\0"
        body = struct.pack("!BBH", icmp_type, code, 0) + rest + quoted
        body = body[:2] + struct.pack("!H", inet_checksum(body)) + body[4:]
        out.append(Ether(src=p.dst, dst=p.src) / IP(src="192.0.2.254", dst=p[IP].src, proto=1, ttl=64) / Raw(body))
    kinds_v6 = [(2, 0, 1280), (3, 0, 0), (1, 4, 0)]  # packet too big, hop limit exceeded, port unreachable
    for i, (eth, ip, _, _) in enumerate(v6[:3]):
        p = Ether(eth)
        out.append(p)
        icmp_type, code, mtu = kinds_v6[i]
        # RFC 4443 section 2.4 (c): as much of the invoking packet as fits in the minimum MTU.
        body = struct.pack("!BBHI", icmp_type, code, 0, mtu) + ip[:1280 - 48]
        pseudo = ("2001:db8::fe", p[IPv6].src)
        out.append(Ether(src=p.dst, dst=p.src) / IPv6(src="2001:db8::fe", dst=p[IPv6].src, nh=58, hlim=64)
                   / Raw(body[:2] + struct.pack("!H", icmpv6_checksum(pseudo, body)) + body[4:]))
    return out


def inet_checksum(data):
    """RFC 1071 ones' complement sum."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def icmpv6_checksum(addresses, body):
    """RFC 4443 section 2.3: over the RFC 8200 section 8.1 pseudo-header and the message."""
    src, dst = (ipaddress.IPv6Address(x).packed for x in addresses)
    return inet_checksum(src + dst + struct.pack("!IxxxB", len(body), 58) + body)


if __name__ == "__main__":
    sys.exit(main())
