#!/bin/bash
# Case server-tw-reject: client without timestamps sends 16 MB per connection, so its next
# time-based ISN (hash + 15.6 M/s) is still below the server TIME_WAIT's rcv_nxt when it reconnects
# 0.2 s later from the same port: the TIME_WAIT answers the SYN with a stale ACK, the client
# RSTs (killing the TIME_WAIT, tcp_rfc1337=0) and its SYN retransmission is accepted.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
tws_init server-tw-reject

ROUNDS=7
tws_topo_routed 64000
tws_sysctl tws-cli net.ipv4.tcp_timestamps 0
tws_record_sysctls

tws_server tws-srv --port 8080 --max-seconds 90
tws_nstat_snap before
tws_ss_start 0.1 tws-cli tws-srv
tws_capture_start tws-rtr s0 20000 90 tcp
tws_client tws-cli client --host 10.0.2.2 --port 8080 --count $ROUNDS --gap 0.2 --bind-port 5000 \
    --proto req --mode sc --req-bytes 16000000 --resp-bytes 1000
sleep 0.5
tws_capture_stop
tws_ss_stop
tws_nstat_snap after
tws_nstat_delta before after

# How many reconnects were rejected, from the kernel: each rejection makes the client send one
# RST (to the stale ACK) and retransmit its SYN; cross-checked with the connect latencies.
"$PY" - "$TRUTH" "$ROUNDS" > "$TMPD/extra.json" <<'EOF2'
import json, sys
truth, rounds = sys.argv[1], int(sys.argv[2])
cli = json.load(open(truth + "/nstat/client.json"))["delta"]
ev = [json.loads(l) for l in open(truth + "/logs/client.jsonl")]
lat = [e["latency_ms"] for e in ev if e["ev"] == "connected"]
slow = [i + 1 for i, l in enumerate(lat) if l > 5.0]
print(json.dumps({
    "rounds": rounds,
    "reconnects": rounds - 1,
    "rejected_reconnects_from_client_rsts": cli.get("TcpOutRsts", 0),
    "client_syn_retransmits": cli.get("TcpExtTCPSynRetrans", 0),
    "connects_slower_than_5ms": slow,
    "connect_latencies_ms": lat,
    "notes": "client tcp_timestamps=0, 16 MB per connection, server closes first, reconnect from 10.0.1.2:5000 0.2 s after each close. Each rejected reconnect: SYN -> stale ACK from the server TIME_WAIT -> client RST (kills the TW, tcp_rfc1337=0) -> SYN retransmission accepted by the listener."
}, indent=1))
EOF2
tws_finish "Server TIME_WAIT rejects a reconnect SYN whose ISN is below the old rcv_nxt (no timestamps): stale ACK, client RST kills the TW, SYN retry accepted (6 reconnects)." "$TMPD/extra.json"
