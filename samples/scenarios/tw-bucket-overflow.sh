#!/bin/bash
# Case tw-bucket-overflow: server tcp_max_tw_buckets=8, server closes first, 40 sequential
# connections. An nft rule in the router's forward chain drops the server's final ACK (the first
# pure ACK the server sends after its FIN) AFTER the capture point, so the client (LAST_ACK)
# retransmits its FIN: the 8 connections that got a TIME_WAIT answer with an ACK, the overflowed
# ones (no TIME_WAIT, TcpExtTCPTimeWaitOverflow) with a RST. Connections 5, 15, 25, 35 are closed
# abortively by the server (SO_LINGER 0: RST instead of FIN, no TIME_WAIT, not an overflow).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
tws_init tw-bucket-overflow

ABORTS=5,15,25,35
tws_topo_routed 1500
tws_sysctl tws-srv net.ipv4.tcp_max_tw_buckets 8
# Drop the server's final ACK: the conntrack mark remembers that the server has sent its FIN
# (mark 1); the first pure ACK (flags == ack exactly, so no SYN/FIN/RST/PSH) from the server after
# that is dropped and the mark moves to 2, so the ACKs the TIME_WAIT sends later pass.
nsx tws-rtr nft -f - <<'NFT'
table inet twsdrop {
    chain twsfwd {
        type filter hook forward priority filter; policy accept;
        ip saddr 10.0.2.2 tcp sport 8080 tcp flags & fin == fin ct mark 0 ct mark set 1 counter comment "server_fin_seen"
        ip saddr 10.0.2.2 tcp sport 8080 ct mark 1 tcp flags == ack ct mark set 2 counter drop comment "final_ack"
    }
}
NFT
tws_record_sysctls

tws_server tws-srv --port 8080 --max-seconds 90
tws_nstat_snap before
tws_ss_start 0.2 tws-cli tws-srv
tws_capture_start tws-rtr s0 20000 90 tcp
tws_client tws-cli client --host 10.0.2.2 --port 8080 --count 40 --gap 0.1 \
    --proto req --mode sc --abort-conns "$ABORTS" --req-bytes 100 --resp-bytes 1000
sleep 3      # let the client's FIN retransmissions meet the TIME_WAITs (ACK) or no socket (RST)
tws_ss_snapshot tws-srv
tws_capture_stop
tws_ss_stop
tws_nstat_snap after
tws_nstat_delta before after
tws_nft_counters tws-rtr

"$PY" - "$TRUTH" "$ABORTS" > "$TMPD/extra.json" <<'EOF2'
import json, sys
truth, aborts = sys.argv[1], [int(x) for x in sys.argv[2].split(",")]
ev = [json.loads(l) for l in open(truth + "/logs/client.jsonl")]
srv = [json.loads(l) for l in open(truth + "/logs/server.jsonl")]
nft = json.load(open(truth + "/nft_counters.json"))
port = {e["conn"]: e["lport"] for e in ev if e["ev"] == "connected"}
order = [e["pport"] for e in srv if e["ev"] == "close"]
print(json.dumps({
    "abortive_connections": {"client_conn_numbers": aborts, "client_ports": [port[c] for c in aborts]},
    "server_close_by_port": {str(e["pport"]): e["how"] for e in srv if e["ev"] == "close"},
    "nft_drops": {"final_ack": nft["final_ack"]["packets"]},
    "max_tw_buckets": 8,
    "notes": "server tcp_max_tw_buckets=8; 36 graceful server-first closes + 4 abortive (SO_LINGER 0) closes. The router drops the server's final ACK of every graceful close after the capture point; the client retransmits its FIN ~200 ms later and gets an ACK from the TIME_WAIT (first 8) or a RST (no TIME_WAIT: TcpExtTCPTimeWaitOverflow). Server TcpOutRsts = overflow RSTs + abortive RSTs."
}, indent=1))
EOF2
tws_finish "TIME_WAIT bucket overflow (tcp_max_tw_buckets=8): final ACK dropped after the capture point, retransmitted FINs answered by ACK (TW) or RST (overflow); 4 abortive closes." "$TMPD/extra.json"
