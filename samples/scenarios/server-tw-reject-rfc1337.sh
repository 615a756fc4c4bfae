#!/bin/bash
# Case server-tw-reject-rfc1337: as server-tw-reject, but the server has tcp_rfc1337=1, so the
# client's RST does not kill the TIME_WAIT and every SYN retry is rejected again; the client
# (tcp_syn_retries=2) fails with ETIMEDOUT. 3 rounds on source ports 5000, 5001, 5002, then the
# client retries from port 5000 until the first TIME_WAIT has expired (60 s).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
tws_init server-tw-reject-rfc1337

tws_topo_routed 64000
tws_sysctl tws-cli net.ipv4.tcp_timestamps 0
tws_sysctl tws-cli net.ipv4.tcp_syn_retries 2
tws_sysctl tws-srv net.ipv4.tcp_rfc1337 1
tws_record_sysctls

tws_server tws-srv --port 8080 --max-seconds 150
tws_nstat_snap before
tws_ss_start 0.5 tws-cli tws-srv
tws_capture_start tws-rtr s0 20000 150 tcp
for r in 1 2 3; do
    port=$((4999 + r))
    log "round $r: old connection + reconnect from port $port"
    tws_client tws-cli client --label "round$r" --first-conn $((r * 10 + 1)) --host 10.0.2.2 --port 8080 \
        --count 2 --gap 0.2 --bind-port $port --proto req --mode sc --req-bytes 16000000 --resp-bytes 1000
    tws_ss_snapshot tws-srv
done
log "fresh connect from port 5000 while the round-1 TIME_WAIT still exists"
tws_ss_snapshot tws-srv
tws_client tws-cli client --label retry --first-conn 101 --host 10.0.2.2 --port 8080 \
    --count 40 --gap 1 --duration 80 --until-ok --bind-port 5000 --proto req --mode sc --req-bytes 100 --resp-bytes 100
sleep 0.5
tws_capture_stop
tws_ss_stop
tws_nstat_snap after
tws_nstat_delta before after

"$PY" - "$TRUTH" > "$TMPD/extra.json" <<'EOF2'
import json, sys
truth = sys.argv[1]
ev = [json.loads(l) for l in open(truth + "/logs/client.jsonl")]
srv = [json.loads(l) for l in open(truth + "/logs/server.jsonl")]
first_tw = [e["t"] for e in srv if e["ev"] == "shutdown_wr" and e["conn"] == 1][0]
att = []
for e in ev:
    if e["ev"] in ("connected", "connect_error"):
        a = {"conn": e["conn"], "label": e["label"], "lport": e.get("lport"),
             "result": "ok" if e["ev"] == "connected" else e["errno"],
             "latency_ms": e["latency_ms"],
             "start_s_after_round1_server_close": round(e["start"] - first_tw, 3)}
        att.append(a)
ok_retry = [a for a in att if a["label"] == "retry" and a["result"] == "ok"]
print(json.dumps({
    "connect_attempts": att,
    "first_success_on_port_5000_s_after_round1_server_close": ok_retry[0]["start_s_after_round1_server_close"] if ok_retry else None,
    "notes": "server tcp_rfc1337=1, client tcp_timestamps=0 and tcp_syn_retries=2, 16 MB per old connection, reconnect 0.2 s after the close. Each reconnect: SYN -> stale ACK -> client RST (ignored by the TW because of rfc1337) -> SYN retransmissions (same ISN) rejected again -> ETIMEDOUT after about 10.3 s (6 SYN retransmissions on 6.18 despite tcp_syn_retries=2). The last connect (label retry) is a fresh connect() from port 5000 about 32 s after round 1, while that TIME_WAIT still exists (see ss_snapshots.txt): its new ISN is past the old rcv_nxt, so the TIME_WAIT accepts it (sequence rule), it does not wait for the 60 s expiry."
}, indent=1))
EOF2
tws_finish "Server tcp_rfc1337=1: the client's RST no longer kills the TIME_WAIT, rejected reconnects fail with ETIMEDOUT until the TIME_WAIT expires after 60 s." "$TMPD/extra.json"
