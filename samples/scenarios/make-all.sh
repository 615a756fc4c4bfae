#!/bin/bash
# Run every twhazard sample scenario in turn (needs root). Usage: make-all.sh [case ...]
here=$(cd "$(dirname "$0")" && pwd)
CASES=(client-tw-reuse server-tw-accept server-tw-reject server-tw-reject-rfc1337 seed000-loop
       old-incarnation-inject old-incarnation-paws nat-paws nat-paws-rfc1337 tw-bucket-overflow
       port-exhaustion clean-client-close clean-server-close clean-mirror-duplicates clean-lossy clean-ipv6)
[ $# -gt 0 ] && CASES=("$@")
failed=()
t0=$(date +%s)
for c in "${CASES[@]}"; do
    s=$(date +%s)
    if "$here/$c.sh"; then
        printf '%-28s ok     %4ss\n' "$c" $(( $(date +%s) - s )) >&2
    else
        printf '%-28s FAILED %4ss\n' "$c" $(( $(date +%s) - s )) >&2
        failed+=("$c")
    fi
done
printf 'total %ss, %d failed %s\n' $(( $(date +%s) - t0 )) ${#failed[@]} "${failed[*]:-}" >&2
[ ${#failed[@]} -eq 0 ]
