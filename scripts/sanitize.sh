#!/usr/bin/env bash
# Builds the test suite under a sanitizer, in a build directory of its own, and runs it.
#   bash scripts/sanitize.sh address   # ASan + UBSan (build-asan): the whole suite but the package build
#   bash scripts/sanitize.sh thread    # TSan (build-tsan): the engine, journal, FIX and control-channel tests
# Any sanitizer report fails the test that caused it. Extra arguments go to ctest.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
kind=${1:-}
shift || true
bash "$here/scripts/install-deps.sh"
source "$here/scripts/ccache-env.sh"
common=("${hm_launcher[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" -DHM_BUILD_BENCH=OFF)
[ -n "${HM_CMAKE_ARGS:-}" ] && common+=(${HM_CMAKE_ARGS})
supp="$here/scripts/sanitizers"
case "$kind" in
  address)
    dir="$here/build-asan"
    cmake -S "$here" -B "$dir" "${common[@]}" -DHM_SANITIZE=address >/dev/null
    cmake --build "$dir" -j"${HM_JOBS:-2}"
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:detect_stack_use_after_return=0:suppressions=$supp/asan.supp"
    export LSAN_OPTIONS="suppressions=$supp/lsan.supp:print_suppressions=0"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$supp/ubsan.supp"
    cd "$dir"
    QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j2 --timeout 900 -LE package "$@"
    ;;
  thread)
    dir="$here/build-tsan"
    # tst_replay runs clean of races under TSan, but its seek-ahead case expects the engine
    # to reach the target by a jump, which it does not at TSan's speed: left out until that
    # case waits on the replay's own state instead of on timing.
    tests=(tst_oversight_engine tst_journal tst_fix_parts tst_fix_end_to_end tst_fix_fuzz tst_fix_fuzz_gateway tst_venue_matching tst_control_channel tst_order_ids tst_engine_core tst_snapshot_merge)
    cmake -S "$here" -B "$dir" "${common[@]}" -DHM_SANITIZE=thread -DHM_BUILD_GUI=OFF >/dev/null
    cmake --build "$dir" -j"${HM_JOBS:-2}" --target "${tests[@]}"
    export TSAN_OPTIONS="halt_on_error=0:exitcode=66:second_deadlock_stack=1:die_after_fork=0:suppressions=$supp/tsan.supp"
    cd "$dir"
    regex="^($(IFS='|'; echo "${tests[*]}"))\$"
    QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j2 --timeout 900 -R "$regex" "$@"
    ;;
  *)
    echo "usage: bash scripts/sanitize.sh address|thread [ctest arguments]" >&2
    exit 2
    ;;
esac
