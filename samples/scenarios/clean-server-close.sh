#!/bin/bash
# Negative control clean-server-close (see clean.sh).
here=$(cd "$(dirname "$0")" && pwd)
VARIANT=server-close exec "$here/clean.sh"
