#!/bin/bash
# Negative control clean-mirror-duplicates (see clean.sh).
here=$(cd "$(dirname "$0")" && pwd)
VARIANT=mirror-duplicates exec "$here/clean.sh"
