#!/bin/bash
# Case nat-paws-rfc1337: as nat-paws (see nat-paws.sh), but the server has tcp_rfc1337=1 and the
# clients tcp_syn_retries=2: the client's RST no longer kills the TIME_WAIT, every SYN
# retransmission is PAWS-rejected again, and the rejected connects fail with ETIMEDOUT. 6 rounds.
here=$(cd "$(dirname "$0")" && pwd)
CASE_NAME=nat-paws-rfc1337 RFC1337=1 ROUNDS=6 exec "$here/nat-paws.sh"
