#!/bin/bash
# Negative control clean-ipv6 (see clean.sh).
here=$(cd "$(dirname "$0")" && pwd)
VARIANT=ipv6 exec "$here/clean.sh"
