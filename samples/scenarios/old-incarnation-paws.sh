#!/bin/bash
# Case old-incarnation-paws: variant (c) of old-incarnation-inject with timestamps on: the injected
# old-incarnation segments carry their old TSval and are rejected by PAWS (TcpExtPAWSEstab).
here=$(cd "$(dirname "$0")" && pwd)
MODE=paws exec "$here/old-incarnation-inject.sh"
