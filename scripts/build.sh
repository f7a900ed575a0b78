#!/usr/bin/env bash
# Configures and builds Helmsman (Release by default) into ./build.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bash "$here/scripts/install-deps.sh"
source "$here/scripts/ccache-env.sh"
build_type=${HM_BUILD_TYPE:-Release}
cmake -S "$here" -B "$here/build" -DCMAKE_BUILD_TYPE="$build_type" "${hm_launcher[@]}" ${HM_CMAKE_ARGS:-} >/dev/null
cmake --build "$here/build" -j"${HM_JOBS:-2}"
