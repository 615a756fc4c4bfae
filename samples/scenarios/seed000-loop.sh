#!/bin/bash
# Case seed000-loop: the loop of seeds/000 scaled down. One namespace, loopback only,
# tcp_tw_reuse at its default 2 (loopback only), 200 local ports; the client connects and closes
# at once 25 times per second for 75 s (> the 60 s TIME_WAIT); the server reads until EOF.
# The TIME_WAIT count plateaus near 100 = half the range: connect() scans even ports first and
# takes over their TIME_WAIT quadruples (TcpExtTWRecycled) once they are older than 1 s.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
tws_init seed000-loop

RATE=25
DURATION=75
tws_ns host tws-lo
tws_sysctl tws-lo net.ipv4.ip_local_port_range "40000 40199"
tws_record_sysctls

tws_server tws-lo --addr 127.0.0.1 --port 8000 --max-seconds 120 --quiet
tws_nstat_snap before
tws_ss_start 1 tws-lo
tws_capture_start tws-lo lo 60000 120 tcp port 8000
tws_client tws-lo client --host 127.0.0.1 --port 8000 --proto none --count 100000 \
    --interval "$(awk -v r=$RATE 'BEGIN{printf "%.6f", 1/r}')" --duration $DURATION --quiet
sleep 1
tws_ss_snapshot tws-lo
tws_capture_stop
tws_ss_stop
tws_nstat_snap after
tws_nstat_delta before after

"$PY" - "$TRUTH" > "$TMPD/extra.json" <<'EOF2'
import json, sys
truth = sys.argv[1]
rows = [l.split() for l in open(truth + "/ss_time_wait.txt") if l.strip()]
t0 = float(rows[0][0])
series = [[round(float(r[0]) - t0, 1), int(r[2]), int(r[3]), int(r[4])] for r in rows]
late = [s[1] for s in series if s[0] >= 30]
ev = [json.loads(l) for l in open(truth + "/logs/client.jsonl")]
ports = [e["lport"] for e in ev if e["ev"] == "connected"]
print(json.dumps({
    "rate_per_s": 25, "duration_s": 75,
    "ip_local_port_range": [40000, 40199],
    "time_wait_plateau": {"min_after_30s": min(late), "max_after_30s": max(late),
                          "mean_after_30s": round(sum(late) / len(late), 1)},
    "client_local_ports": {"distinct": len(set(ports)), "even": len({p for p in ports if p % 2 == 0}),
                           "odd": len({p for p in ports if p % 2 == 1})},
    "ss_time_wait_series": {"columns": ["s_since_first_sample", "total", "even_ports", "odd_ports"],
                            "rows": series},
    "notes": "TIME_WAIT count sampled once a second with ss -tan state time-wait (truth/ss_time_wait.txt). connect() prefers even ports and reuses their TIME_WAIT quadruples (tcp_tw_reuse=2 applies to loopback), so the count plateaus at about half the 200-port range."
}, indent=1))
EOF2
tws_finish "Seed 000 loop on loopback: connect-and-close at 25/s for 75 s; TIME_WAIT plateaus at ~100 = half of a 200-port range (even ports, tcp_tw_reuse=2)." "$TMPD/extra.json"
