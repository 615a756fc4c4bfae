#!/bin/bash
# Negative control clean-lossy (see clean.sh).
here=$(cd "$(dirname "$0")" && pwd)
VARIANT=lossy exec "$here/clean.sh"
