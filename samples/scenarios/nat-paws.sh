#!/bin/bash
# Case nat-paws: two clients behind MASQUERADE (10.0.1.2 and 10.0.1.3 -> public 10.0.2.1), both
# binding source port 5000; the router's conntrack TIME_WAIT is 1 s, so each new connection is
# mapped onto the SAME public quadruple 10.0.2.1:5000 -> 10.0.2.2:8080. The server closes first
# (holds TIME_WAIT); rounds alternate A, B, A, B ... 1.5 s apart. The two clients' TSval clocks
# are unrelated (per-4-tuple offsets of different private 4-tuples), so in one direction of the
# alternation the SYN's TSval regresses: PAWS reject in the TIME_WAIT (TcpExtPAWSTimewait), stale
# ACK, client RST (kills the TW, rfc1337=0), SYN retry accepted.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
CASE_NAME=${CASE_NAME:-nat-paws}
RFC1337=${RFC1337:-0}
ROUNDS=${ROUNDS:-12}
tws_init "$CASE_NAME"

tws_topo_nat 1500
tws_sysctl tws-rtr net.netfilter.nf_conntrack_tcp_timeout_time_wait 1
if [ "$RFC1337" = 1 ]; then
    tws_sysctl tws-srv net.ipv4.tcp_rfc1337 1
    tws_sysctl tws-cliA net.ipv4.tcp_syn_retries 2
    tws_sysctl tws-cliB net.ipv4.tcp_syn_retries 2
    # a failed attempt leaves its conntrack entry in CLOSE / SYN_SENT: shorten those too, so the
    # next client is again mapped onto public port 5000
    tws_sysctl tws-rtr net.netfilter.nf_conntrack_tcp_timeout_close 1
    tws_sysctl tws-rtr net.netfilter.nf_conntrack_tcp_timeout_syn_sent 2
fi
tws_record_sysctls

tws_server tws-srv --port 8080 --max-seconds 170
# NAT mappings as the router's conntrack reports them (new and destroyed entries)
tws_bg ip netns exec tws-rtr timeout 170 conntrack -E -e NEW,DESTROY -p tcp --dport 8080 -o timestamp \
    > "$TRUTH/conntrack_events.txt" 2>/dev/null
sleep 0.3
tws_nstat_snap before
tws_ss_start 0.25 tws-srv
tws_capture_start tws-rtr s0 20000 170 tcp
for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then who=A; else who=B; fi
    c0=$(nsx "tws-cli$who" nstat -asz TcpOutRsts TcpExtTCPSynRetrans | awk '!/^#/ {printf "%s ", $2}')
    s0=$(nsx tws-srv nstat -asz TcpExtPAWSTimewait | awk '!/^#/ {print $2}')
    tws_client "tws-cli$who" "client$who" --label "$who" --first-conn "$r" --count 1 --bind-port 5000 \
        --host 10.0.2.2 --port 8080 --proto req --mode sc --req-bytes 100 --resp-bytes 1000 --io-timeout 10
    c1=$(nsx "tws-cli$who" nstat -asz TcpOutRsts TcpExtTCPSynRetrans | awk '!/^#/ {printf "%s ", $2}')
    s1=$(nsx tws-srv nstat -asz TcpExtPAWSTimewait | awk '!/^#/ {print $2}')
    echo "$r $who $c0 $c1 $s0 $s1" >> "$TMPD/rounds.txt"
    tws_ss_snapshot tws-srv
    nsx tws-rtr conntrack -L -p tcp --dport 8080 >> "$TRUTH/conntrack_after_rounds.txt" 2>/dev/null || true
    echo "# ---- after round $r ($who)" >> "$TRUTH/conntrack_after_rounds.txt"
    sleep 1.5
done
tws_capture_stop
tws_ss_stop
tws_nstat_snap after
tws_nstat_delta before after
tws_nft_counters tws-rtr

{ echo "# round client | client TcpOutRsts TcpExtTCPSynRetrans before | after | server TcpExtPAWSTimewait before after (nstat -asz, absolute)"
  cat "$TMPD/rounds.txt"; } > "$TRUTH/per_round_counters.txt"
"$PY" - "$TRUTH" "$RFC1337" > "$TMPD/extra.json" <<'EOF2'
import glob, json, sys
truth, rfc1337 = sys.argv[1], sys.argv[2] == "1"
per_round = {}
for line in open(truth + "/per_round_counters.txt"):
    if line.startswith("#"):
        continue
    f = line.split()
    r = int(f[0])
    per_round[r] = {"client_rsts": int(f[4]) - int(f[2]), "client_syn_retrans": int(f[5]) - int(f[3]),
                    "server_paws_timewait": int(f[7]) - int(f[6])}
ev = []
for p in sorted(glob.glob(truth + "/logs/client*.jsonl")):
    ev += [json.loads(l) for l in open(p)]
rounds = []
for e in sorted(ev, key=lambda e: e["t"]):
    if e["ev"] in ("connected", "connect_error"):
        rounds.append({"round": e["conn"], "client": e["label"],
                       "private_src": "10.0.1.2:5000" if e["label"] == "A" else "10.0.1.3:5000",
                       "result": "ok" if e["ev"] == "connected" else e["errno"],
                       "latency_ms": e["latency_ms"]})
        rounds[-1].update(per_round.get(e["conn"], {}))
srv = json.load(open(truth + "/nstat/server.json"))["delta"]
ca = json.load(open(truth + "/nstat/clientA.json"))["delta"]
cb = json.load(open(truth + "/nstat/clientB.json"))["delta"]
nat = set()
for line in open(truth + "/conntrack_events.txt"):
    if "[NEW]" in line:
        f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv and kv.count("=") == 1)
        # the first src= is the private source, the second dst= (reply direction) is the public address
        parts = [kv for kv in line.split() if "=" in kv]
        srcs = [kv.split("=")[1] for kv in parts if kv.startswith("src=")]
        dports = [kv.split("=")[1] for kv in parts if kv.startswith("dport=")]
        dsts = [kv.split("=")[1] for kv in parts if kv.startswith("dst=")]
        nat.add((srcs[0], dsts[1] + ":" + dports[1]))
print(json.dumps({
    "hosts_behind_public_ip": 2,
    "public_ip": "10.0.2.1",
    "nat_mappings_seen_by_conntrack": sorted(["%s -> %s" % m for m in nat]),
    "rounds": rounds,
    "paws_rejected_rounds": [r["round"] for r in rounds if r.get("server_paws_timewait", 0) > 0],
    "client_rsts": {"A": ca.get("TcpOutRsts", 0), "B": cb.get("TcpOutRsts", 0)},
    "server_paws_timewait_rejects": srv.get("TcpExtPAWSTimewait", 0),
    "notes": ("server tcp_rfc1337=1, clients tcp_syn_retries=2: PAWS-rejected connects are not rescued by the client's RST; every SYN retransmission is PAWS-rejected again (and restarts the TW timer), so the connect fails with ETIMEDOUT." if rfc1337 else
              "rounds alternate A, B from the same public quadruple 10.0.2.1:5000 -> 10.0.2.2:8080; a round whose SYN TSval is older than the TW's ts_recent (left by the other client) is PAWS-rejected: stale ACK, client RST kills the TW (rfc1337=0), SYN retransmission ~10 ms later accepted.")
}, indent=1))
EOF2
if [ "$RFC1337" = 1 ]; then
    line="NAT + PAWS with server tcp_rfc1337=1: two clients behind one public IP alternate on the same quadruple; TSval regressions are PAWS-rejected and the connect fails (ETIMEDOUT)."
else
    line="NAT + PAWS: two clients behind one public IP alternate on the same quadruple into the server's TIME_WAIT; TSval regressions are PAWS-rejected (stale ACK, RST, retry)."
fi
tws_finish "$line" "$TMPD/extra.json"
