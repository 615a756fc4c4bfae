#!/bin/bash
# Negative control clean-client-close (see clean.sh).
here=$(cd "$(dirname "$0")" && pwd)
VARIANT=client-close exec "$here/clean.sh"
