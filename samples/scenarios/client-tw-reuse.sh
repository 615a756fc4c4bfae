#!/bin/bash
# Case client-tw-reuse: the client (tcp_tw_reuse=1, 4 local ports) closes first and connect()
# takes over its own TIME_WAIT quadruples once tcp_tw_reuse_delay (1 s) has passed.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
tws_init client-tw-reuse

tws_topo_routed 1500
tws_sysctl tws-cli net.ipv4.tcp_tw_reuse 1
tws_sysctl tws-cli net.ipv4.ip_local_port_range "40000 40003"
tws_record_sysctls

tws_server tws-srv --port 8080 --max-seconds 60
tws_nstat_snap before
tws_ss_start 0.25 tws-cli tws-srv
tws_capture_start tws-rtr s0 5000 60 tcp
# 20 connections, one every 0.4 s: with 2 even + 2 odd ports, connect() has to take over a
# TIME_WAIT quadruple (older than 1 s) most of the time.
tws_client tws-cli client --host 10.0.2.2 --port 8080 --count 20 --interval 0.4 \
    --proto req --mode cc --req-bytes 64 --resp-bytes 512
sleep 0.5
tws_ss_snapshot tws-cli
tws_capture_stop
tws_ss_stop
tws_nstat_snap after
tws_nstat_delta before after

"$PY" - "$TRUTH" > "$TMPD/extra.json" <<'EOF2'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1] + "/logs/client.jsonl")]
t0 = min(e["t"] for e in ev)
conns = [{"conn": e["conn"], "lport": e["lport"], "start_s": round(e["start"] - t0, 3)}
         for e in ev if e["ev"] == "connected"]
print(json.dumps({
    "connections_in_order": conns,
    "notes": "client tcp_tw_reuse=1, ip_local_port_range 40000-40003, 20 connections 0.4 s apart, client closes first; TcpExtTWRecycled on the client counts connect() takeovers of its own TIME_WAIT quadruples (allowed once the TW is older than tcp_tw_reuse_delay=1000 ms; new ISN = old snd_nxt + 65537, tcp_twsk_unique). Connections that did not take over a TW used a free port (ss_time_wait_peak shows all 4 ports in TIME_WAIT at once)."
}, indent=1))
EOF2
tws_finish "Client-side tcp_tw_reuse=1: connect() takes over the client's own TIME_WAIT quadruples (4 local ports, 20 connections, client closes first)." "$TMPD/extra.json"
