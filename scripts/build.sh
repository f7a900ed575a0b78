#!/usr/bin/env bash
# Configures and builds Helmsman (Release by default) into ./build.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/scripts/install-deps.sh"
build_type=${HM_BUILD_TYPE:-Release}
cmake -S "$here" -B "$here/build" -DCMAKE_BUILD_TYPE="$build_type" ${HM_CMAKE_ARGS:-} >/dev/null
cmake --build "$here/build" -j"${HM_JOBS:-2}"
