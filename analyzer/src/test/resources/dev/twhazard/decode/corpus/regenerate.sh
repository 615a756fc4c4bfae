#!/usr/bin/env bash
# Regenerates the tshark 4.0 expected values for the corpus captures that
# PacketDecoderCaptureTest compares the decoder with. Run from this folder with the shared
# corpus checked out beside the repository (../../../../../../../../../shared/corpus from here).
set -euo pipefail
cd "$(dirname "$0")"
CORPUS=${CORPUS:-../../../../../../../../../shared/corpus}
while read -r f; do
    [ -n "$f" ] || continue
    tshark -r "$CORPUS/$f" -o ip.defragment:FALSE -o ipv6.defragment:FALSE -T fields -E separator=/t \
        -e frame.number -e ip.src -e ipv6.src -e tcp.srcport -e tcp.dstport -e tcp.seq_raw \
        -e tcp.ack_raw -e tcp.flags -e tcp.window_size_value -e tcp.len \
        -e tcp.options.timestamp.tsval -e tcp.options.timestamp.tsecr \
        -e tcp.options.wscale.shift -e tcp.options.mss_val -e icmp.type -e icmpv6.type \
        > "$(echo "$f" | sed 's|/|__|g').tshark.tsv" 2>/dev/null
done < files.txt
