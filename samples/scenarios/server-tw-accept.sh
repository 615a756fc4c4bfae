#!/bin/bash
# Case server-tw-accept: the server closes first (HTTP/1.0 style) and holds TIME_WAIT; the client
# reconnects from the same source port 1.5 s later, and the server's TIME_WAIT accepts each SYN by
# the RFC 6191 timestamp rule (tcp_timewait_state_process: TSval newer than ts_recent).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
tws_init server-tw-accept

tws_topo_routed 1500
tws_record_sysctls

tws_server tws-srv --port 8080 --max-seconds 90
tws_nstat_snap before
tws_ss_start 0.25 tws-cli tws-srv
tws_capture_start tws-rtr s0 5000 90 tcp
tws_client tws-cli client --host 10.0.2.2 --port 8080 --count 10 --gap 1.5 --bind-port 5000 \
    --proto req --mode sc --req-bytes 200 --resp-bytes 2000
sleep 0.5
tws_ss_snapshot tws-srv
tws_capture_stop
tws_ss_stop
tws_nstat_snap after
tws_nstat_delta before after

cat > "$TMPD/extra.json" <<EOF2
{"notes": "timestamps on at both ends; server closes first; the client reconnects from 10.0.1.2:5000 1.5 s after each close, 10 rounds: rounds 2..10 each land on the server's TIME_WAIT of the previous round and are accepted (TS newer), SYN-ACK ISN = old snd_nxt + 65537. TcpExtPAWSTimewait stays 0."}
EOF2
tws_finish "Server closes first; the client's SYN on the same quadruple 1.5 s later is accepted by the server's TIME_WAIT (RFC 6191 timestamp rule), 10 rounds." "$TMPD/extra.json"
