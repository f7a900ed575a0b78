#!/usr/bin/env bash
# Builds Helmsman and starts the workstation against its embedded venue.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/scripts/build.sh"
exec "$here/build/app/helmsman" "$@"
