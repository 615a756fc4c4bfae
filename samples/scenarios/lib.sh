# shellcheck shell=bash
# Shared functions for the twhazard real-kernel sample scenarios.
#
# A case script does:
#   here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"; tws_init <case-name>
# then builds a topology, snapshots counters, starts a capture, runs traffic, and calls
# tws_finish. Every namespace is prefixed "tws-"; tws_cleanup (an EXIT trap) stops the
# processes this script started (by pid) and deletes the namespaces it created.
set -euo pipefail

export PYTHONDONTWRITEBYTECODE=1
PY=/usr/bin/python3                       # Debian python3 with scapy
TWS_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TRAFFIC="$TWS_LIB_DIR/traffic"
SAMPLES_DIR=$(cd "$TWS_LIB_DIR/.." && pwd)

TWS_NSES=()          # namespaces created by this script
declare -A TWS_ROLE  # role -> namespace (client, server, router, ...)
TWS_PIDS=()          # background processes started by this script
TWS_CAP_PID=""
TWS_SS_PID=""

log() { printf '[%s %s] %s\n' "$(date +%H:%M:%S)" "${CASE:-tws}" "$*" >&2; }
die() { log "FATAL: $*"; exit 1; }

# tws_init CASE: output dirs, temp dir, cleanup trap, kernel facts.
tws_init() {
    CASE=$1
    [ "$(id -u)" = 0 ] || die "must run as root"
    [ -x "$PY" ] || die "$PY missing"
    OUT="$SAMPLES_DIR/$CASE"
    TRUTH="$OUT/truth"
    rm -rf "$OUT"
    mkdir -p "$TRUTH/nstat" "$TRUTH/logs"
    TMPD=$(mktemp -d /tmp/tws-"$CASE".XXXXXX)
    trap tws_cleanup EXIT
    trap 'exit 130' INT TERM
    uname -r > "$TRUTH/uname.txt"
    : > "$TRUTH/sysctls.txt"
    TWS_T0=$(date +%s.%N)
    log "start"
}

tws_cleanup() {
    local rc=$?
    set +e
    [ -n "$TWS_SS_PID" ] && kill "$TWS_SS_PID" 2>/dev/null
    [ -n "$TWS_CAP_PID" ] && kill -TERM "$TWS_CAP_PID" 2>/dev/null
    local p
    for p in "${TWS_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    sleep 0.2
    for p in "${TWS_PIDS[@]}" $TWS_CAP_PID $TWS_SS_PID; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    local ns
    for ns in "${TWS_NSES[@]}"; do ip netns del "$ns" 2>/dev/null; done
    [ -n "${TMPD:-}" ] && rm -rf "$TMPD"
    if [ $rc -ne 0 ]; then log "FAILED rc=$rc (namespaces removed)"; fi
    return $rc
}

# tws_bg CMD...: start a background process, remember its pid.
tws_bg() { "$@" & TWS_PIDS+=("$!"); }

# tws_ns ROLE NAME: create (or re-create) a namespace with lo up.
tws_ns() {
    local role=$1 ns=$2
    case "$ns" in tws-*) ;; *) die "namespace $ns lacks the tws- prefix" ;; esac
    ip netns del "$ns" 2>/dev/null || true
    ip netns add "$ns"
    TWS_NSES+=("$ns")
    TWS_ROLE[$role]=$ns
    ip -n "$ns" link set lo up
    if [ "${TWS_IPV6:-0}" != 1 ]; then   # IPv4 cases: no IPv6 chatter (MLD, RS) in counters
        nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    fi
}

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# tws_offloads_off NS DEV
tws_offloads_off() {
    nsx "$1" ethtool -K "$2" tso off gso off gro off tx off rx off >/dev/null 2>&1 ||
        nsx "$1" ethtool -K "$2" tso off gso off gro off >/dev/null
}

# tws_veth NS_A DEV_A NS_B DEV_B [MTU]: veth pair between two namespaces, offloads off, up.
tws_veth() {
    local na=$1 da=$2 nb=$3 db=$4 mtu=${5:-1500}
    ip -n "$na" link add "$da" type veth peer name "$db" netns "$nb"
    ip -n "$na" link set "$da" mtu "$mtu"
    ip -n "$nb" link set "$db" mtu "$mtu"
    tws_offloads_off "$na" "$da"
    tws_offloads_off "$nb" "$db"
    ip -n "$na" link set "$da" up
    ip -n "$nb" link set "$db" up
}

# tws_sysctl NS KEY VALUE: set a per-netns sysctl and record it.
tws_sysctl() {
    nsx "$1" sysctl -qw "$2=$3"
    echo "$1 $2=$(nsx "$1" sysctl -n "$2")" >> "$TRUTH/sysctls.txt"
}

# tws_record_sysctls: record the TCP sysctls that matter, per namespace, as in force.
tws_record_sysctls() {
    local ns k
    for ns in "${TWS_NSES[@]}"; do
        for k in net.ipv4.tcp_tw_reuse net.ipv4.tcp_tw_reuse_delay net.ipv4.tcp_timestamps \
                 net.ipv4.tcp_rfc1337 net.ipv4.tcp_max_tw_buckets net.ipv4.ip_local_port_range \
                 net.ipv4.tcp_syn_retries net.ipv4.tcp_syn_linear_timeouts net.ipv4.tcp_sack \
                 net.ipv4.tcp_window_scaling net.ipv4.tcp_invalid_ratelimit net.ipv4.tcp_orphan_retries \
                 net.ipv4.ip_forward net.netfilter.nf_conntrack_tcp_timeout_time_wait \
                 net.netfilter.nf_conntrack_tcp_timeout_close net.netfilter.nf_conntrack_tcp_timeout_syn_sent; do
            if nsx "$ns" sysctl -n "$k" >/dev/null 2>&1; then
                echo "$ns $k = $(nsx "$ns" sysctl -n "$k" | tr '\t' ' ')"
            fi
        done
    done > "$TRUTH/sysctls_in_force.txt"
}

# Standard routed topology: tws-cli (10.0.1.2) -- tws-rtr (10.0.1.1 | 10.0.2.1) -- tws-srv (10.0.2.2)
# Router devices: c0 (client side), s0 (server side). Endpoint devices: eth0.
tws_topo_routed() {
    local mtu=${1:-1500}
    tws_ns client tws-cli
    tws_ns router tws-rtr
    tws_ns server tws-srv
    tws_veth tws-rtr c0 tws-cli eth0 "$mtu"
    tws_veth tws-rtr s0 tws-srv eth0 "$mtu"
    ip -n tws-cli addr add 10.0.1.2/24 dev eth0
    ip -n tws-rtr addr add 10.0.1.1/24 dev c0
    ip -n tws-rtr addr add 10.0.2.1/24 dev s0
    ip -n tws-srv addr add 10.0.2.2/24 dev eth0
    ip -n tws-cli route add default via 10.0.1.1
    ip -n tws-srv route add default via 10.0.2.1
    tws_sysctl tws-rtr net.ipv4.ip_forward 1
    tws_ping tws-cli 10.0.2.2
}

# NAT topology: tws-cliA (10.0.1.2) and tws-cliB (10.0.1.3) on bridge br0 (10.0.1.1) in tws-rtr,
# MASQUERADE out of s0 (public 10.0.2.1) to tws-srv (10.0.2.2). Router devices a0, b0 (bridge ports), s0.
tws_topo_nat() {
    local mtu=${1:-1500}
    tws_ns clientA tws-cliA
    tws_ns clientB tws-cliB
    tws_ns router tws-rtr
    tws_ns server tws-srv
    ip -n tws-rtr link add br0 type bridge
    ip -n tws-rtr link set br0 mtu "$mtu"
    tws_veth tws-rtr a0 tws-cliA eth0 "$mtu"
    tws_veth tws-rtr b0 tws-cliB eth0 "$mtu"
    tws_veth tws-rtr s0 tws-srv eth0 "$mtu"
    ip -n tws-rtr link set a0 master br0
    ip -n tws-rtr link set b0 master br0
    ip -n tws-rtr link set br0 up
    ip -n tws-cliA addr add 10.0.1.2/24 dev eth0
    ip -n tws-cliB addr add 10.0.1.3/24 dev eth0
    ip -n tws-rtr addr add 10.0.1.1/24 dev br0
    ip -n tws-rtr addr add 10.0.2.1/24 dev s0
    ip -n tws-srv addr add 10.0.2.2/24 dev eth0
    ip -n tws-cliA route add default via 10.0.1.1
    ip -n tws-cliB route add default via 10.0.1.1
    # the server has no route to 10.0.1.0/24: only NATed traffic can reach it
    tws_sysctl tws-rtr net.ipv4.ip_forward 1
    nsx tws-rtr nft -f - <<'EOF'
table ip twsnat {
    chain post {
        type nat hook postrouting priority srcnat; policy accept;
        oifname "s0" ip saddr 10.0.1.0/24 counter masquerade comment "masquerade"
    }
}
EOF
    tws_ping tws-cliA 10.0.2.2
    tws_ping tws-cliB 10.0.2.2
}

# tws_ping NS ADDR: wait until ADDR answers a TCP SYN to a closed port (RST = reachable), so
# neighbour resolution is done before capturing. (No ICMP ping: iputils is not needed.)
tws_ping() {
    local i out
    for i in $(seq 1 50); do
        out=$(nsx "$1" timeout 1 bash -c "exec 3<>/dev/tcp/$2/9" 2>&1 || true)
        case "$out" in *refused*) return 0 ;; esac
        sleep 0.1
    done
    die "no connectivity $1 -> $2 ($out)"
}

# tws_nstat_snap LABEL: absolute counters of every namespace (nstat -asz: absolute, no history).
tws_nstat_snap() {
    local ns
    for ns in "${TWS_NSES[@]}"; do
        nsx "$ns" nstat -asz --json > "$TMPD/nstat.$1.$ns.json"
    done
}

# tws_nstat_delta BEFORE AFTER: nonzero deltas per namespace -> truth/nstat/<role>.{txt,json}
tws_nstat_delta() {
    local role ns
    for role in "${!TWS_ROLE[@]}"; do
        ns=${TWS_ROLE[$role]}
        "$PY" - "$TMPD/nstat.$1.$ns.json" "$TMPD/nstat.$2.$ns.json" "$TRUTH/nstat/$role" "$ns" <<'EOF'
import json, sys
a = json.load(open(sys.argv[1]))["kernel"]
b = json.load(open(sys.argv[2]))["kernel"]
d = {k: b[k] - a.get(k, 0) for k in b if b[k] - a.get(k, 0) != 0}
json.dump({"namespace": sys.argv[4], "delta": d}, open(sys.argv[3] + ".json", "w"), indent=1, sort_keys=True)
with open(sys.argv[3] + ".txt", "w") as f:
    f.write("# nonzero nstat deltas in %s (nstat -asz after minus before)\n" % sys.argv[4])
    for k in sorted(d):
        f.write("%-32s %d\n" % (k, d[k]))
EOF
    done
}

# tws_ss_start INTERVAL NS...: sample TIME_WAIT counts (total, even and odd local ports) per namespace.
# Output lines: "<epoch> <ns> <total> <even> <odd>" in truth/ss_time_wait.txt
tws_ss_start() {
    local iv=$1; shift
    (
        set +e
        while true; do
            for ns in "$@"; do
                t=$(date +%s.%N)
                ip netns exec "$ns" ss -Htan state time-wait 2>/dev/null |
                    awk -v t="$t" -v ns="$ns" '{n=split($3,a,":"); p=a[n]; tot++; if (p%2==0) ev++; else od++}
                        END {printf "%.3f %s %d %d %d\n", t, ns, tot, ev, od}'
            done
            sleep "$iv"
        done
    ) > "$TRUTH/ss_time_wait.txt" 2>/dev/null &
    TWS_SS_PID=$!
}

tws_ss_stop() {
    [ -n "$TWS_SS_PID" ] || return 0
    kill "$TWS_SS_PID" 2>/dev/null || true
    wait "$TWS_SS_PID" 2>/dev/null || true
    TWS_SS_PID=""
}

# tws_ss_snapshot NS LABEL: full `ss -tanoi state time-wait` listing at one moment.
tws_ss_snapshot() {
    { echo "# $(date +%s.%N) ss -tano state time-wait in $1"; nsx "$1" ss -Htano state time-wait; } \
        >> "$TRUTH/ss_snapshots.txt"
}

# tws_capture_start NS DEV MAX_PACKETS MAX_SECONDS [FILTER...]: bounded tcpdump to capture.pcap.
tws_capture_start() {
    local ns=$1 dev=$2 cnt=$3 secs=$4; shift 4
    rm -f "$OUT/capture.pcap"
    ip netns exec "$ns" timeout "$secs" tcpdump -i "$dev" -s 128 -c "$cnt" -U -n -w "$OUT/capture.pcap" "$@" \
        2> "$TMPD/tcpdump.err" &
    TWS_CAP_PID=$!
    local i
    for i in $(seq 1 100); do
        if grep -q "listening on" "$TMPD/tcpdump.err" 2>/dev/null; then
            sleep 0.2
            echo "tcpdump -i $dev -s 128 -c $cnt (timeout ${secs}s) in $ns ${*:-}" > "$TRUTH/capture.txt"
            return 0
        fi
        sleep 0.05
    done
    die "tcpdump did not start: $(cat "$TMPD/tcpdump.err")"
}

tws_capture_stop() {
    [ -n "$TWS_CAP_PID" ] || return 0
    sleep 0.5
    kill -TERM "$TWS_CAP_PID" 2>/dev/null || true
    wait "$TWS_CAP_PID" 2>/dev/null || true
    TWS_CAP_PID=""
    grep -E "captured|received|dropped" "$TMPD/tcpdump.err" >> "$TRUTH/capture.txt" || true
    if grep -qE '^[1-9][0-9]* packets dropped by kernel' "$TMPD/tcpdump.err"; then
        log "WARNING: tcpdump dropped packets"
    fi
}

# tws_nft_counters NS: all nft rule/named counters of a namespace -> truth/nft_counters.json
tws_nft_counters() {
    nsx "$1" nft -j list ruleset > "$TMPD/nft.json"
    nsx "$1" nft list ruleset > "$TRUTH/nft_ruleset.txt"
    "$PY" - "$TMPD/nft.json" "$TRUTH/nft_counters.json" <<'EOF'
import json, sys
rs = json.load(open(sys.argv[1]))["nftables"]
out = {}
for item in rs:
    if "counter" in item:           # named counter
        c = item["counter"]
        out[c["name"]] = {"packets": c["packets"], "bytes": c["bytes"]}
    if "rule" in item:
        r = item["rule"]
        cmt = r.get("comment")
        for e in r.get("expr", []):
            if "counter" in e and isinstance(e["counter"], dict) and "packets" in e["counter"]:
                key = cmt or "%s/%s/%s" % (r["table"], r["chain"], r.get("handle"))
                out[key] = {"packets": e["counter"]["packets"], "bytes": e["counter"]["bytes"]}
json.dump(out, open(sys.argv[2], "w"), indent=1, sort_keys=True)
EOF
}

# tws_wait_file PATH SECONDS
tws_wait_file() {
    local i n
    n=$(( $2 * 20 ))
    for i in $(seq 1 "$n"); do [ -e "$1" ] && return 0; sleep 0.05; done
    die "timeout waiting for $1"
}

# tws_server NS ARGS...: start server.py in NS (log truth/logs/server.jsonl), wait until listening.
tws_server() {
    local ns=$1; shift
    rm -f "$TMPD/server.ready"
    tws_bg ip netns exec "$ns" "$PY" "$TRAFFIC/server.py" --log "$TRUTH/logs/server.jsonl" \
        --ready-file "$TMPD/server.ready" "$@"
    tws_wait_file "$TMPD/server.ready" 10
}

# tws_client NS LOGNAME ARGS...: run client.py in the foreground.
tws_client() {
    local ns=$1 name=$2; shift 2
    nsx "$ns" "$PY" "$TRAFFIC/client.py" --log "$TRUTH/logs/$name.jsonl" "$@"
}

# tws_finish README_LINE [EXTRA_JSON_FILE]: record sysctls, build truth.json, README.md, and summary.
tws_finish() {
    echo "$1" > "$OUT/README.md"
    local extra=${2:-}
    local roles="" r
    for r in "${!TWS_ROLE[@]}"; do roles="$roles $r=${TWS_ROLE[$r]}"; done
    # shellcheck disable=SC2086
    "$PY" "$TRAFFIC/mktruth.py" --case "$CASE" --out "$OUT" ${extra:+--extra "$extra"} $roles
    local el
    el=$(awk -v a="$TWS_T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
    echo "$el" > "$TRUTH/elapsed_seconds.txt"
    log "done in ${el}s: $(du -h "$OUT/capture.pcap" | cut -f1) capture"
}
