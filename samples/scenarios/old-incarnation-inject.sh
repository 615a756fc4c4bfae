#!/bin/bash
# Case old-incarnation-inject: a reuse whose sequence spaces overlap the previous incarnation,
# then old-incarnation segments injected from the router toward the server as if from the client.
# Client tcp_timestamps=0; the old connection carries 32 MB each way; the client reconnects from
# the same port ~0.1 s later: its time-based ISN is below the server TIME_WAIT's rcv_nxt (stale
# ACK, RST, SYN retry, as in server-tw-reject), and the server's new time-based ISN lands inside
# the old server range. Then inject.py sends (a) an exact replay of the old request segment (out
# of the new window: dup ACK, not delivered) and (b) a crafted segment with seq = rcv_nxt and
# ack = snd_nxt of the new connection, both inside the OLD ranges, carrying OLD-INCARNATION-DATA:
# the new connection accepts it and the server application receives the marker.
# MODE=paws (old-incarnation-paws.sh): timestamps on; the reconnect is accepted by the TIME_WAIT
# (TS rule), and both the replay and the crafted in-window segment carry the old TSval: PAWS.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
MODE=${MODE:-overlap}
if [ "$MODE" = paws ]; then tws_init old-incarnation-paws; else tws_init old-incarnation-inject; fi

tws_topo_routed 64000
if [ "$MODE" = overlap ]; then
    tws_sysctl tws-cli net.ipv4.tcp_timestamps 0
    BYTES=32000000
else
    BYTES=20000
fi
tws_record_sysctls

tws_server tws-srv --port 8080 --max-seconds 90 --idle-timeout 4
tws_bg ip netns exec tws-rtr "$PY" "$TRAFFIC/inject.py" --mode "$MODE" --iface s0 \
    --started-file "$TMPD/inject.started" --ready-file "$TMPD/client.ready" --go-file "$TMPD/go" \
    --out "$TRUTH/injected.json"
INJ_PID=${TWS_PIDS[-1]}
tws_wait_file "$TMPD/inject.started" 20
tws_nstat_snap before
tws_ss_start 0.25 tws-srv
tws_capture_start tws-rtr s0 20000 90 tcp
log "old incarnation: $BYTES bytes each way, server closes first"
tws_client tws-cli client --label old --first-conn 1 --host 10.0.2.2 --port 8080 --bind-port 5000 \
    --proto req --mode sc --split-header --req-bytes $BYTES --resp-bytes $BYTES
sleep 0.1
log "new incarnation on the same quadruple; injecting"
tws_client tws-cli client --label new --first-conn 2 --host 10.0.2.2 --port 8080 --bind-port 5000 \
    --proto chat --ready-file "$TMPD/client.ready" --go-file "$TMPD/go" --io-timeout 15
wait "$INJ_PID" || die "inject.py failed"
sleep 0.5
tws_capture_stop
tws_ss_stop
tws_nstat_snap after
tws_nstat_delta before after

"$PY" - "$TRUTH" "$MODE" > "$TMPD/extra.json" <<'EOF2'
import json, sys
truth, mode = sys.argv[1], sys.argv[2]
inj = json.load(open(truth + "/injected.json"))
srv = [json.loads(l) for l in open(truth + "/logs/server.jsonl")]
chat = [e for e in srv if e["ev"] == "chat_end"][0]
cli = [json.loads(l) for l in open(truth + "/logs/client.jsonl")]
lat = {e["label"]: e["latency_ms"] for e in cli if e["ev"] == "connected"}
f = inj["facts"]
out = {
    "marker": "OLD-INCARNATION-DATA",
    "server_app_received_marker": chat["marker_received"],
    "server_app_bytes_after_welcome": chat["data"],
    "injected": [{k: i[k] for k in ("name", "t", "seq", "ack", "flags", "len", "tsval", "tsecr",
                                    "seq_inside_old_client_range", "ack_inside_old_server_range",
                                    "seq_minus_server_rcv_nxt", "ack_minus_server_snd_nxt", "expected")}
                 for i in inj["injected"]],
    "sequence_facts": {k: f[k] for k in f if k != "source"},
    "connect_latency_ms": lat,
}
if mode == "overlap":
    out["notes"] = ("client tcp_timestamps=0; old incarnation 32 MB each way, server closes first; the reconnect "
                    "(same quadruple, ~0.1 s later) is rejected once by the TIME_WAIT (stale ACK, client RST, SYN retry) "
                    "and the new ISNs of both ends land inside the old ranges. Injected from the router: (a) exact replay of "
                    "the old request segment -> out of window, dup ACK; (b) crafted seq=rcv_nxt/ack=snd_nxt, inside both old "
                    "ranges -> accepted, the server application received the marker (and the client's next 20 bytes were "
                    "then taken as duplicates). Sequence facts sniffed live by inject.py (truth/injected.json).")
else:
    out["notes"] = ("timestamps on; small old incarnation, server closes first; the reconnect is accepted by the server's "
                    "TIME_WAIT (TS rule, ISN = old snd_nxt + 65537). Injected from the router: (c1) exact replay of the old "
                    "request segment (old TSval) and (c2) a crafted in-window segment (seq=rcv_nxt, ack=snd_nxt) carrying "
                    "the old TSval/TSecr and the marker: both dropped by PAWS (TcpExtPAWSEstab), marker not delivered.")
print(json.dumps(out, indent=1))
EOF2
if [ "$MODE" = overlap ]; then
    tws_finish "Old-incarnation data corruption: overlapping sequence spaces after a reuse (no timestamps); an old replay is dup-ACKed, a crafted old-range in-window segment is delivered to the server app." "$TMPD/extra.json"
else
    tws_finish "Old-incarnation segments with timestamps on: a replayed old segment and a crafted in-window one both carry the old TSval and are dropped by PAWS (TcpExtPAWSEstab)." "$TMPD/extra.json"
fi
