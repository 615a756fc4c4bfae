#!/usr/bin/env bash
# Makes the small captures in samples/encap/ that test the decoder's encapsulations against
# tshark. Real TCP connections run between two network namespaces (twdec-a, twdec-b) over a veth
# pair with offloads off; tcpdump captures the underlay, bounded in packet count and time.
#
# This machine's kernel has VXLAN and SRv6 (seg6) built in, but no GRE, ERSPAN, GENEVE, GTP,
# IP-in-IP, MPLS routing or 802.1Q modules. For those, wrap_frames.py wraps the real kernel
# frames of plain.pcap in headers built field by field from their specifications.
#
# Idempotent: removes its namespaces first and again on exit. Needs root, iproute2, ethtool,
# tcpdump, tshark (for the expected-value files) and Debian's python3-scapy.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
A="ip netns exec twdec-a"
B="ip netns exec twdec-b"

cleanup() {
    ip netns del twdec-a 2>/dev/null || true
    ip netns del twdec-b 2>/dev/null || true
}
trap cleanup EXIT
cleanup

ip netns add twdec-a
ip netns add twdec-b
ip link add va netns twdec-a type veth peer name vb netns twdec-b
for side in a b; do
    ns="ip netns exec twdec-$side"
    dev=v$side
    ip -n twdec-$side link set lo up
    ip -n twdec-$side link set "$dev" up
    $ns ethtool -K "$dev" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
    $ns sysctl -qw net.ipv6.conf.all.seg6_enabled=1 net.ipv6.conf."$dev".seg6_enabled=1
done
ip -n twdec-a addr add 192.0.2.1/24 dev va
ip -n twdec-b addr add 192.0.2.2/24 dev vb
ip -n twdec-a addr add 2001:db8::1/64 dev va nodad
ip -n twdec-b addr add 2001:db8::2/64 dev vb nodad

# capture FILE COUNT FILTER -- runs tcpdump on va in the background; stop_capture waits for it.
capture() {
    $A timeout 15 tcpdump -q -i va -U -w "$1" -c "$2" "$3" 2>/dev/null &
    CAPTURE_PID=$!
    sleep 1
}
stop_capture() {
    sleep 1
    kill "$CAPTURE_PID" 2>/dev/null || true
    wait "$CAPTURE_PID" 2>/dev/null || true
}
# connect ADDR PORT -- one short echo exchange from twdec-a to a one-shot server in twdec-b.
connect() {
    $B timeout 10 "$PY" tcp_peer.py server "$1" "$2" 1 &
    local server=$!
    sleep 0.5
    $A timeout 10 "$PY" tcp_peer.py client "$1" "$2"
    wait "$server"
}

# plain.pcap: TCP over IPv4 and IPv6 directly on the veth (Ethernet), the frames that
# wrap_frames.py re-encapsulates.
capture plain.pcap 40 "tcp"
connect 192.0.2.2 5000
connect 2001:db8::2 5000
stop_capture

# vxlan.pcap: RFC 7348 VXLAN (VNI 42) over IPv4 carrying IPv4 and IPv6, and (VNI 43) over IPv6
# carrying IPv4; the kernel picks the UDP source port from a flow hash.
for side in a b; do
    ns="ip netns exec twdec-$side"
    if [ $side = a ]; then me=1; peer=2; else me=2; peer=1; fi
    ip -n twdec-$side link add vx4 type vxlan id 42 dstport 4789 local 192.0.2.$me remote 192.0.2.$peer dev v$side
    ip -n twdec-$side link add vx6 type vxlan id 43 dstport 4789 local 2001:db8::$me remote 2001:db8::$peer dev v$side
    ip -n twdec-$side addr add 198.51.100.$me/24 dev vx4
    ip -n twdec-$side addr add fd00:42::$me/64 dev vx4 nodad
    ip -n twdec-$side addr add 203.0.113.$me/24 dev vx6
    ip -n twdec-$side link set vx4 up
    ip -n twdec-$side link set vx6 up
    $ns ethtool -K vx4 tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
    $ns ethtool -K vx6 tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
done
capture vxlan.pcap 80 "udp port 4789"
connect 198.51.100.2 5001
connect fd00:42::2 5002
connect 203.0.113.2 5003
stop_capture

# srv6.pcap: IPv6 in IPv6 with a Segment Routing Header (RFC 8754, routing type 4), made by the
# kernel's seg6 encapsulation and removed on the far side by End.DT6 (RFC 8986) looking up the
# local table.
ip -n twdec-a addr add fd00:6::1/128 dev lo
ip -n twdec-b addr add fd00:6::2/128 dev lo
ip -n twdec-a -6 route add 2001:db8::100/128 via 2001:db8::2 dev va
ip -n twdec-b -6 route add 2001:db8::101/128 via 2001:db8::1 dev vb
ip -n twdec-a -6 route add fd00:6::2/128 encap seg6 mode encap segs 2001:db8::100 dev va src fd00:6::1
ip -n twdec-b -6 route add fd00:6::1/128 encap seg6 mode encap segs 2001:db8::101 dev vb src fd00:6::2
ip -n twdec-b -6 route add 2001:db8::100/128 encap seg6local action End.DT6 table 255 dev vb
ip -n twdec-a -6 route add 2001:db8::101/128 encap seg6local action End.DT6 table 255 dev va
capture srv6.pcap 30 "ip6 proto 43"
connect fd00:6::2 5004
stop_capture

"$PY" wrap_frames.py

# Expected values: what tshark 4.0 decodes, IP reassembly off so that first fragments show
# their TCP header as the decoder reports it.
for f in *.pcap; do
    tshark -r "$f" -o ip.defragment:FALSE -o ipv6.defragment:FALSE -T fields -E separator=/t \
        -e frame.number -e ip.src -e ipv6.src -e tcp.srcport -e tcp.dstport -e tcp.seq_raw \
        -e tcp.ack_raw -e tcp.flags -e tcp.window_size_value -e tcp.len \
        -e tcp.options.timestamp.tsval -e tcp.options.timestamp.tsecr \
        -e tcp.options.wscale.shift -e tcp.options.mss_val -e icmp.type -e icmpv6.type \
        > "${f%.pcap}.tshark.tsv" 2>/dev/null
done
ls -l ./*.pcap
