#!/usr/bin/env bash
# Times twhazard against tshark and a bare parse loop on the same generated captures, and
# measures twhazard's memory on a long capture streamed through standard input.
#
#   bench/compare.sh            # everything: ~2.1M and ~21M packet captures, a 2 GB capture at
#                               # 20,000 new connections/s, then a 10 GB stream
#   STREAM=0 bench/compare.sh   # without the 10 GB stream
#   LARGE=0 HIGH_RATE=0 STREAM=0 bench/compare.sh
#   FORMATS=1 bench/compare.sh  # also the large capture's packets as pcapng and gzip-compressed
#
# Settings (environment): RUNS (5, timed runs per tool on the small capture), LARGE_RUNS (3),
# TSHARK_RUNS (3, small capture), TSHARK_LARGE_RUNS (1: about 6 minutes each), SMALL_CONNECTIONS
# (200k), LARGE_CONNECTIONS (2m), HIGH_RATE_CONNECTIONS (2m, at 20,000/s), STREAM_CONNECTIONS
# (9.3m, about 10 GB), JAVA (the newest JDK >= 21 under /usr/lib/jvm, for the generator and the
# bare loop; twhazard itself runs through the ./twhazard launcher, with its JDK choice and JVM
# flags), TWHAZARD_JAVA_OPTS (passed to the launcher). Results go to
# bench/out/compare-results.md (and the terminal).
# Everything large is written under bench/out/ (git-ignored); the 10 GB stream never touches the
# disk. Delete bench/out/*.pcap when done.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
out="$here/out"
mkdir -p "$out"

RUNS=${RUNS:-5}
LARGE_RUNS=${LARGE_RUNS:-3}
TSHARK_RUNS=${TSHARK_RUNS:-3}
TSHARK_LARGE_RUNS=${TSHARK_LARGE_RUNS:-1}
SMALL_CONNECTIONS=${SMALL_CONNECTIONS:-200k}
LARGE_CONNECTIONS=${LARGE_CONNECTIONS:-2m}
STREAM_CONNECTIONS=${STREAM_CONNECTIONS:-9.3m}
HIGH_RATE_CONNECTIONS=${HIGH_RATE_CONNECTIONS:-2m}
LARGE=${LARGE:-1}
HIGH_RATE=${HIGH_RATE:-1}
STREAM=${STREAM:-1}
FORMATS=${FORMATS:-0}

java_major() {
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1 | cut -d. -f1
}

if [ -z "${JAVA:-}" ]; then
    best_major=0
    for d in /usr/lib/jvm/*; do
        [ -x "$d/bin/java" ] || continue
        m=$(java_major "$d/bin/java" || true)
        if [ -n "$m" ] && [ "$m" -ge 21 ] && [ "$m" -gt "$best_major" ]; then
            JAVA="$d/bin/java"
            best_major=$m
        fi
    done
fi
[ -n "${JAVA:-}" ] || { echo "compare.sh: no JDK >= 21 under /usr/lib/jvm (set JAVA)" >&2; exit 2; }
command -v tshark >/dev/null || { echo "compare.sh: tshark is missing (apt-get install tshark)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "compare.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }

jar="$root/cli/target/twhazard.jar"
benchjar="$here/target/benchmarks.jar"
if [ "${SKIP_BUILD:-0}" != 1 ] || [ ! -f "$jar" ] || [ ! -f "$benchjar" ]; then
    # Built with the JDK chosen above: the machine's default java may be older than 21.
    java_home=$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")")
    (cd "$root" && JAVA_HOME="$java_home" mvn -B -q install -DskipTests)
fi
# twhazard runs through the launcher, as users run it: its JVM flags (and TWHAZARD_JAVA_OPTS) apply.
twhazard="$root/twhazard"
# The launcher's first run after a build prepares its startup cache (JDK 25+): not a timed run.
"$twhazard" --version >/dev/null

generate() { # name seed connections [generator options...]
    local f="$out/$1.pcap"
    # A capture without its list of planted hazards is regenerated: PlantedCheck needs both.
    if [ ! -f "$f" ] || [ ! -f "$out/$1.planted.csv" ] || [ "${REGENERATE:-0}" = 1 ]; then
        "$JAVA" -cp "$benchjar" dev.twhazard.bench.CaptureGenerator --seed "$2" --connections "$3" "${@:4}" -o "$f" >&2
    fi
    echo "$f"
}

# timed LABEL CMD...: runs CMD under /usr/bin/time, appends "seconds max_rss_kb cpu_seconds" to
# $out/LABEL.times (CPU: user plus system, all threads: with two cores, what the whole process
# asks of the machine, which bounds how far spreading its work over threads can go).
time_format="%e %M %U %S"
timed() {
    local label=$1
    shift
    /usr/bin/time -f "$time_format" -o "$out/.time" "$@"
    awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$out/.time" >> "$out/$label.times"
}

median() { # file column -> median of that column
    sort -g -k"$2" "$1" | awk -v c="$2" '{v[NR]=$c} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'
}

max() {
    sort -g -k"$2" "$1" | tail -n 1 | awk -v c="$2" '{print $c}'
}

results="$out/compare-results.md"
{
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $("$JAVA" -version 2>&1 | head -n 1), $(tshark --version | head -n 1)"
    echo
    echo "| capture | tool | runs | wall (median) | CPU (median, cores busy) | packets/s | MB/s | peak RSS |"
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
} > "$results"

bench_file() { # name file runs tshark_runs
    local name=$1 f=$2 runs=$3 truns=$4
    local bytes packets
    bytes=$(stat -L -c %s "$f")
    cat "$f" > /dev/null # into the page cache: every tool reads from memory
    rm -f "$out/$name".*.times
    for ((i = 0; i < runs; i++)); do
        timed "$name.twhazard" "$twhazard" analyze --format json -o /dev/null "$f"
        timed "$name.bare" "$JAVA" -cp "$benchjar" dev.twhazard.bench.BareParseLoop "$f" > "$out/$name.bare.out"
    done
    packets=$(awk '{print $1}' "$out/$name.bare.out") # the bare loop prints the packet count first
    for ((i = 0; i < truns; i++)); do
        timed "$name.tshark" sh -c 'tshark -r "$1" -Y tcp.analysis.reused_ports -T fields -e frame.number > /dev/null 2>&1' sh "$f"
    done
    local tool label
    for tool in twhazard tshark bare; do
        case $tool in
            twhazard) label="twhazard analyze --format json" ;;
            tshark) label="tshark -Y tcp.analysis.reused_ports" ;;
            bare) label="bare parse loop (Java)" ;;
        esac
        local t rss n cpu
        t=$(median "$out/$name.$tool.times" 1)
        rss=$(max "$out/$name.$tool.times" 2)
        cpu=$(median "$out/$name.$tool.times" 3)
        n=$(wc -l < "$out/$name.$tool.times")
        awk -v cap="$name ($((bytes / 1000000)) MB, $packets packets)" -v tool="$label" -v n="$n" -v t="$t" \
            -v p="$packets" -v b="$bytes" -v rss="$rss" -v cpu="$cpu" \
            'BEGIN {printf "| %s | %s | %d | %.2f s | %.2f s (%.2f) | %.2f M | %.0f | %.0f MB |\n", cap, tool, n, t, cpu, cpu/t, p/t/1e6, b/t/1e6, rss/1024}' >> "$results"
    done
    local tw ts bare
    tw=$(median "$out/$name.twhazard.times" 1)
    ts=$(median "$out/$name.tshark.times" 1)
    bare=$(median "$out/$name.bare.times" 1)
    awk -v n="$name" -v tw="$tw" -v ts="$ts" -v bare="$bare" \
        'BEGIN {printf "| %s | ratios | | tshark/twhazard %.1fx | twhazard/bare loop %.1fx | | | |\n", n, ts/tw, tw/bare}' >> "$results"
}

small=$(generate small 1 "$SMALL_CONNECTIONS")
bench_file small "$small" "$RUNS" "$TSHARK_RUNS"
if [ "$LARGE" = 1 ]; then
    large=$(generate large 2 "$LARGE_CONNECTIONS")
    bench_file large "$large" "$LARGE_RUNS" "$TSHARK_LARGE_RUNS"
fi

if [ "$FORMATS" = 1 ] && [ "$LARGE" = 1 ]; then
    # The large capture's packets as users also keep them: pcapng (dumpcap's and Wireshark's
    # default) and gzip-compressed (rotated captures often are). Each must give the pcap's
    # findings. The capture layer alone on the gzip file (read, inflate and decode: the reader
    # thread's whole work, on one thread) shows whether the reader or the analysis sets the pace.
    ng="$out/large-ng.pcapng"
    gz="$out/large.pcap.gz"
    # Made again whenever the large capture is newer, so that they always hold its packets.
    [ "$ng" -nt "$large" ] || "$JAVA" -cp "$benchjar" dev.twhazard.bench.CaptureGenerator --seed 2 \
        --connections "$LARGE_CONNECTIONS" -o "$ng" >&2
    [ "$gz" -nt "$large" ] || gzip -1 -c "$large" > "$gz"
    packets=$(awk '{print $1}' "$out/large.bare.out")
    for format in pcap pcapng gzip; do
        case $format in
            pcap) f=$large ;;
            pcapng) f=$ng ;;
            gzip) f=$gz ;;
        esac
        cat "$f" > /dev/null
        rm -f "$out/large-$format.twhazard.times"
        for ((i = 0; i < LARGE_RUNS; i++)); do
            timed "large-$format.twhazard" "$twhazard" analyze --format json -o "$out/large-$format.json" "$f"
        done
        # The summary names the input; everything else must be the same.
        if [ "$format" != pcap ] && ! cmp -s <(sed 's/"name" *: *"[^"]*"/"name":""/' "$out/large-pcap.json") \
            <(sed 's/"name" *: *"[^"]*"/"name":""/' "$out/large-$format.json"); then
            echo "compare.sh: $format gives other results than pcap: see $out/large-$format.json" >&2
        fi
        bytes=$(stat -L -c %s "$f")
        t=$(median "$out/large-$format.twhazard.times" 1)
        cpu=$(median "$out/large-$format.twhazard.times" 3)
        rss=$(max "$out/large-$format.twhazard.times" 2)
        awk -v fmt="$format" -v n="$LARGE_RUNS" -v t="$t" -v cpu="$cpu" -v p="$packets" -v b="$bytes" -v rss="$rss" \
            'BEGIN {printf "| large as %s (%d MB) | twhazard analyze --format json | %d | %.2f s | %.2f s (%.2f) | %.2f M | %.0f | %.0f MB |\n", fmt, b/1e6, n, t, cpu, cpu/t, p/t/1e6, b/t/1e6, rss/1024}' >> "$results"
    done
    rm -f "$out/large-gzip.reader.times"
    timed large-gzip.reader "$JAVA" -cp "$benchjar" dev.twhazard.bench.DecodeRate "$gz" 1 > /dev/null
    read -r secs _ cpu < "$out/large-gzip.reader.times"
    echo "| large as gzip | capture layer alone (DecodeRate: read, inflate, decode) | 1 | $secs s | $cpu s | | | |" >> "$results"
fi

if [ "$HIGH_RATE" = 1 ]; then
    # The issue's memory case: at 20,000 new connections/s a 60 s TIME_WAIT alone holds 1.2 M
    # quadruples. One timed run for peak RSS; then PlantedCheck, which analyses the capture again
    # and must find exactly the hazards the generator planted.
    rate=$(generate rate20k 4 "$HIGH_RATE_CONNECTIONS" --rate 20000)
    bytes=$(stat -L -c %s "$rate")
    cat "$rate" > /dev/null
    rm -f "$out/rate20k.twhazard.times"
    timed rate20k.twhazard "$twhazard" analyze --format json -o /dev/null "$rate"
    read -r secs peak cpu < <(tail -n 1 "$out/rate20k.twhazard.times")
    if ! "$JAVA" -cp "$benchjar" dev.twhazard.bench.PlantedCheck "$rate" "$out/rate20k.planted.csv" > "$out/rate20k.check"; then
        echo "compare.sh: the analyzer does not find exactly the planted hazards: see $out/rate20k.check" >&2
    fi
    packets=$(sed -n 's/^packets \([0-9]*\),.*/\1/p' "$out/rate20k.check")
    awk -v p="$packets" -v s="$secs" -v r="$peak" -v b="$bytes" -v cpu="$cpu" \
        'BEGIN {printf "| rate20k (%.0f MB, %d packets, 20,000 new connections/s) | twhazard analyze --format json | 1 | %.2f s | %.2f s (%.2f) | %.2f M | %.0f | %.0f MB |\n", b/1e6, p, s, cpu, cpu/s, p/s/1e6, b/s/1e6, r/1024}' >> "$results"
    echo >> "$results"
    echo "PlantedCheck on rate20k: $(grep '^agreement' "$out/rate20k.check")" >> "$results"
    echo >> "$results"
fi

if [ "$STREAM" = 1 ]; then
    # A long capture through a pipe: the generator writes to standard output, twhazard reads
    # standard input; the analyzer's RSS is sampled every 10 s.
    rss_log="$out/stream-rss.csv"
    echo "seconds,rss_mb" > "$rss_log"
    rm -f "$out/stream.time"
    start=$(date +%s)
    ( "$JAVA" -cp "$benchjar" dev.twhazard.bench.CaptureGenerator --seed 3 --connections "$STREAM_CONNECTIONS" -o - \
        2> "$out/stream-generator.log" \
      | /usr/bin/time -f "$time_format" -o "$out/stream.time" "$twhazard" analyze --format json \
        -o "$out/stream.json" - ) &
    pipeline=$!
    pid=""
    for _ in $(seq 1 50); do
        pid=$(pgrep -f -n -- "-jar $jar analyze --format json -o $out/stream.json" || true)
        [ -n "$pid" ] && break
        sleep 0.2
    done
    while [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; do
        rss=$(awk '/VmRSS/ {print int($2/1024)}' "/proc/$pid/status" 2>/dev/null || true)
        [ -n "$rss" ] && echo "$(( $(date +%s) - start )),$rss" >> "$rss_log"
        sleep 10
    done
    wait "$pipeline"
    read -r secs peak user sys < "$out/stream.time"
    packets=$(sed -n 's/.*: \([0-9]*\) packets.*/\1/p' "$out/stream-generator.log")
    mb=$(sed -n 's/.*packets (.*), \([0-9.]*\) MB.*/\1/p' "$out/stream-generator.log")
    awk -v p="$packets" -v s="$secs" -v r="$peak" -v mb="$mb" -v user="$user" -v sys="$sys" \
        'BEGIN {cpu = user + sys; printf "| stream (%.0f MB, %d packets, stdin) | twhazard analyze --format json - | 1 | %.2f s | %.2f s (%.2f) | %.2f M | %.0f | %.0f MB |\n", mb, p, s, cpu, cpu/s, p/s/1e6, mb/s, r/1024}' >> "$results"
    echo >> "$results"
    echo "RSS of the streaming run over time (s, MB): $(tail -n +2 "$rss_log" | awk -F, '{printf "%s:%s ", $1, $2}')" >> "$results"
fi

cat "$results"
