#!/bin/bash
# Case port-exhaustion: client ip_local_port_range 40000-40009 (10 ports), tcp_tw_reuse=0, the
# client closes first; 40 connects as fast as possible: once the 10 quadruples are all in the
# client's TIME_WAIT, connect() fails with EADDRNOTAVAIL.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
tws_init port-exhaustion

tws_topo_routed 1500
tws_sysctl tws-cli net.ipv4.tcp_tw_reuse 0
tws_sysctl tws-cli net.ipv4.ip_local_port_range "40000 40009"
tws_record_sysctls

tws_server tws-srv --port 8080 --max-seconds 60
tws_nstat_snap before
tws_ss_start 0.2 tws-cli tws-srv
tws_capture_start tws-rtr s0 5000 60 tcp
tws_client tws-cli client --host 10.0.2.2 --port 8080 --count 40 \
    --proto req --mode cc --req-bytes 100 --resp-bytes 300
sleep 0.5
tws_ss_snapshot tws-cli
tws_capture_stop
tws_ss_stop
tws_nstat_snap after
tws_nstat_delta before after

"$PY" - "$TRUTH" > "$TMPD/extra.json" <<'EOF2'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1] + "/logs/client.jsonl")]
res = [(e["conn"], e["lport"] if e["ev"] == "connected" else e["errno"]) for e in ev if e["ev"] in ("connected", "connect_error")]
first_err = next((c for c, r in res if not isinstance(r, int)), None)
print(json.dumps({
    "port_range": [40000, 40009],
    "first_failed_connect": first_err,
    "connect_results_in_order": [r for c, r in res],
    "notes": "client tcp_tw_reuse=0, 10 local ports, client closes first: the client's TIME_WAITs (60 s) hold all 10 quadruples to 10.0.2.2:8080, so every connect after the 10th fails with EADDRNOTAVAIL (no packet is sent for those)."
}, indent=1))
EOF2
tws_finish "Ephemeral port exhaustion: 10 local ports all held by the client's TIME_WAIT, connect() fails with EADDRNOTAVAIL (40 attempts)." "$TMPD/extra.json"
