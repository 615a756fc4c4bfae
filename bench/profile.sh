#!/usr/bin/env bash
# Where the analysis thread's time goes: profiles one `twhazard analyze` run with async-profiler
# and prints, per thread, the CPU time, then, for the analysis thread, the inclusive time of the
# flow engine's and the detectors' main steps, per packet and per connection. This is the
# measurement behind bench/README's "Where the time goes": most of a connection's cost is a few
# visits to large tables (flows, (client, server, port) records, timestamp sources, TIME_WAIT
# end queues), not the per-packet work.
#
#   bench/profile.sh                       # bench/out/large.pcap
#   bench/profile.sh bench/out/rate20k.pcap
#
# Packets and connections (incarnations) are read from the run's own summary. The capture must
# exist: bench/compare.sh makes bench/out/large.pcap (and keeps it until you delete it).
# async-profiler 4.0 comes from Maven Central into bench/target/async-profiler. CPU samples need
# perf events (kernel.perf_event_paranoid <= 1 here); where they are refused, EVENT=itimer.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
capture=${1:-$here/out/large.pcap}
event=${EVENT:-cpu}
ap_dir="$here/target/async-profiler"
lib="$ap_dir/linux-x64/libasyncProfiler.so"

if [ ! -f "$lib" ]; then
    mvn -B -q dependency:copy -Dartifact=tools.profiler:async-profiler:4.0:jar:linux-x64 \
        -DoutputDirectory="$ap_dir" >&2
    (cd "$ap_dir" && unzip -qo async-profiler-4.0-linux-x64.jar 'linux-x64/*')
fi
[ -f "$capture" ] || { echo "profile.sh: no capture $capture (bench/compare.sh makes bench/out/large.pcap)" >&2; exit 2; }

stacks=$(mktemp)
json=$(mktemp)
trap 'rm -f "$stacks" "$json"' EXIT
TWHAZARD_JAVA_OPTS="-agentpath:$lib=start,event=$event,interval=1ms,threads,file=$stacks,collapsed" \
    "$root/twhazard" analyze --quiet --format json -o "$json" "$capture" >/dev/null
[ -s "$stacks" ] || { echo "profile.sh: no samples (try EVENT=itimer)" >&2; exit 1; }
summary_field() {
    grep -o "\"$1\" *: *[0-9]*" "$json" | head -n 1 | grep -o '[0-9]*$'
}
packets=$(summary_field packets_decoded)
connections=$(summary_field incarnations)

echo "CPU per thread (ms):"
awk '{ t = $0; sub(/ tid=.*/, "", t); sub(/^\[/, "", t); cpu[t] += $NF }
     END { for (t in cpu) printf "  %7d  %s\n", cpu[t], t }' "$stacks" | sort -rn

awk -v packets="$packets" -v connections="$connections" '
    /^\[main / {
        n = $NF; line = $0; sub(/ [0-9]+$/, "", line)
        k = split(line, frame, ";")
        delete seen
        for (i = 2; i <= k; i++) {
            f = frame[i]
            if (f ~ /^dev\/twhazard\// && !(f in seen)) { seen[f] = 1; incl[f] += n }
        }
    }
    END {
        printf "\nanalysis thread (main), inclusive; %d packets, %d connections\n", packets, connections
        printf "  %7s %9s %9s  %s\n", "ms", "ns/pkt", "ns/conn", "method"
        split("detect/HazardAnalyzer.accept flow/FlowTracker.track flow/FlowTable.getOrCreate " \
              "flow/FlowTracker.inConnection flow/FlowTracker.syn flow/TimeWaitLedger.connectionStarted " \
              "detect/PawsRegressionDetector.onSegment detect/TimestampClocks.sourceOf flow/TimeWaitLedger.start " \
              "flow/FlowTracker.endSegment flow/FlowTracker.advance flow/TimeWaitLedger.advance " \
              "flow/ExpiryWheel.advance flow/FlowTracker.removeFlow", want, " ")
        for (i = 1; i in want; i++) {
            m = "dev/twhazard/" want[i]
            printf "  %7d %9.0f %9.0f  %s\n", incl[m], incl[m] * 1e6 / packets, incl[m] * 1e6 / connections, want[i]
        }
    }' "$stacks"
