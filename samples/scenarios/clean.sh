#!/bin/bash
# Negative controls (no TIME_WAIT hazard should be found). VARIANT selects the case:
#   client-close : 50 connections, random ephemeral ports, client closes first, 1-3 requests of
#                  varied sizes per connection
#   server-close : 50 connections, random ephemeral ports (all distinct), server closes first
#   mirror-duplicates : normal mixed traffic captured with `tcpdump -i any` in the router, so every
#                  packet appears twice (once on c0, once on s0; Linux SLL2 link type)
#   lossy        : nft drops ~5 % of the client->server data segments in the router's forward chain,
#                  BEFORE the capture point (capture on s0): gaps, SACKs and retransmissions
#   ipv6         : normal mixed traffic over IPv6 (fd00:1::/64, fd00:2::/64)
here=$(cd "$(dirname "$0")" && pwd)
VARIANT=${VARIANT:?set VARIANT}
[ "$VARIANT" = ipv6 ] && export TWS_IPV6=1
. "$here/lib.sh"
tws_init "clean-$VARIANT"

HOST=10.0.2.2
if [ "$VARIANT" = ipv6 ]; then
    tws_ns client tws-cli
    tws_ns router tws-rtr
    tws_ns server tws-srv
    tws_veth tws-rtr c0 tws-cli eth0 1500
    tws_veth tws-rtr s0 tws-srv eth0 1500
    ip -n tws-cli -6 addr add fd00:1::2/64 dev eth0 nodad
    ip -n tws-rtr -6 addr add fd00:1::1/64 dev c0 nodad
    ip -n tws-rtr -6 addr add fd00:2::1/64 dev s0 nodad
    ip -n tws-srv -6 addr add fd00:2::2/64 dev eth0 nodad
    tws_sysctl tws-rtr net.ipv6.conf.all.forwarding 1
    ip -n tws-cli -6 route add default via fd00:1::1
    ip -n tws-srv -6 route add default via fd00:2::1
    HOST=fd00:2::2
    tws_ping tws-cli "$HOST"
else
    tws_topo_routed 1500
fi
if [ "$VARIANT" = lossy ]; then
    # client->server segments longer than 84 bytes of IP (i.e. carrying data; a pure ACK with
    # timestamps and 3 SACK blocks is 80) are dropped with probability 1/20, before s0.
    nsx tws-rtr nft -f - <<'NFT'
table inet twsloss {
    chain twsfwd {
        type filter hook forward priority filter; policy accept;
        ip saddr 10.0.1.2 ip daddr 10.0.2.2 tcp dport 8080 ip length > 84 numgen random mod 20 == 0 counter drop comment "client_data_drop"
        ip saddr 10.0.1.2 ip daddr 10.0.2.2 tcp dport 8080 ip length > 84 counter comment "client_data_forwarded"
    }
}
NFT
fi
tws_record_sysctls

SADDR=0.0.0.0; [ "$VARIANT" = ipv6 ] && SADDR=::
tws_server tws-srv --addr "$SADDR" --port 8080 --max-seconds 120
tws_nstat_snap before
tws_ss_start 0.5 tws-cli tws-srv
case "$VARIANT" in
    mirror-duplicates) tws_capture_start tws-rtr any 30000 120 tcp ;;
    *) tws_capture_start tws-rtr s0 30000 120 tcp ;;
esac
case "$VARIANT" in
    client-close)
        tws_client tws-cli client --host "$HOST" --count 50 --interval 0.05 --proto req --mode cc \
            --random-seed 11 --requests 3 --req-bytes 4000 --resp-bytes 20000 ;;
    server-close)
        tws_client tws-cli client --host "$HOST" --count 50 --interval 0.05 --proto req --mode sc \
            --random-seed 12 --req-bytes 4000 --resp-bytes 20000 ;;
    mirror-duplicates)
        tws_client tws-cli client --label cc --first-conn 1 --host "$HOST" --count 10 --interval 0.05 \
            --proto req --mode cc --random-seed 13 --requests 2 --req-bytes 2000 --resp-bytes 8000
        tws_client tws-cli client --label sc --first-conn 101 --host "$HOST" --count 10 --interval 0.05 \
            --proto req --mode sc --random-seed 14 --req-bytes 2000 --resp-bytes 8000 ;;
    lossy)
        tws_client tws-cli client --host "$HOST" --count 30 --interval 0.1 --proto req --mode cc \
            --random-seed 15 --requests 2 --req-bytes 60000 --resp-bytes 4000 ;;
    ipv6)
        tws_client tws-cli client --label cc --first-conn 1 --host "$HOST" --count 20 --interval 0.05 \
            --proto req --mode cc --random-seed 16 --requests 3 --req-bytes 4000 --resp-bytes 20000
        tws_client tws-cli client --label sc --first-conn 101 --host "$HOST" --count 20 --interval 0.05 \
            --proto req --mode sc --random-seed 17 --req-bytes 4000 --resp-bytes 20000 ;;
esac
sleep 0.5
tws_capture_stop
tws_ss_stop
tws_nstat_snap after
tws_nstat_delta before after
[ "$VARIANT" = lossy ] && tws_nft_counters tws-rtr

"$PY" - "$TRUTH" "$VARIANT" > "$TMPD/extra.json" <<'EOF2'
import json, os, sys
truth, variant = sys.argv[1], sys.argv[2]
ev = [json.loads(l) for l in open(truth + "/logs/client.jsonl")]
ports = [e["lport"] for e in ev if e["ev"] == "connected"]
out = {"expected_hazards": [], "client_local_ports_all_distinct": len(ports) == len(set(ports)),
       "connections": len(ports)}
notes = {
    "client-close": "50 connections from random ephemeral ports, client closes first, 1-3 requests of varied size each. No reuse of any quadruple.",
    "server-close": "50 connections from random ephemeral ports (all distinct, see client_local_ports_all_distinct), server closes first. No SYN meets a TIME_WAIT.",
    "mirror-duplicates": "20 connections (10 client-close, 10 server-close) captured with tcpdump -i any in the router: every packet appears twice, once per interface (c0 and s0), Linux cooked (SLL2) link type. The duplicates are not retransmissions or reuses.",
    "lossy": "30 connections, client closes first; the router drops ~5% of the client->server data segments before the capture point (nft counter client_data_drop). The capture shows gaps, dup ACKs/SACKs and retransmissions, nothing else.",
    "ipv6": "40 connections over IPv6 (20 client-close with 1-3 requests, 20 server-close), random ephemeral ports.",
}
out["notes"] = notes[variant]
if os.path.exists(truth + "/nft_counters.json"):
    n = json.load(open(truth + "/nft_counters.json"))
    out["nft_drops"] = {"client_data": n["client_data_drop"]["packets"]}
    out["nft_client_data_forwarded"] = n["client_data_forwarded"]["packets"]
print(json.dumps(out, indent=1))
EOF2
case "$VARIANT" in
    client-close) line="Negative control: 50 normal connections, random ports, client closes first, varied sizes; no hazard." ;;
    server-close) line="Negative control: 50 normal connections, random distinct ports, server closes first; no hazard." ;;
    mirror-duplicates) line="Negative control: normal traffic captured with tcpdump -i any in the router, every packet twice (SLL2); no hazard." ;;
    lossy) line="Negative control: ~5% of client data segments dropped before the capture point; retransmissions, no hazard." ;;
    ipv6) line="Negative control: normal IPv6 traffic, client and server closes; no hazard." ;;
esac
tws_finish "$line" "$TMPD/extra.json"
