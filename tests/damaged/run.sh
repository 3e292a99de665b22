#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Damaged captures: every sample and corpus capture, damaged with several
# seeds (damage.py: editcap -E, cut files, changed record headers), plus
# captures with extreme timestamps, read by tshark with the ASan + UBSan
# build of the plugin (all reports, full packet tree).  Fails on a crash, a
# hang, a missing report or any sanitizer report.  See README.md here.
#
# Usage: tests/damaged/run.sh [--long | --valgrind]
#   (default)   at least 100 damaged files: CI, about 3-5 minutes
#   --long      at least 1000 damaged files
#   --valgrind  the 8 smallest files under valgrind memcheck, with the
#               regular build (TRIAGE_BUILD_DIR, default build) of the plugin
# Environment: TRIAGE_ASAN_BUILD_DIR (default build-asan), TRIAGE_CORPUS
# (default ../shared/corpus), TRIAGE_DAMAGED_FILES (overrides the count),
# TRIAGE_DAMAGED_JOBS (tshark runs at a time, default 2).
set -eu
cd "$(dirname "$0")/../.."
source_dir=$(pwd)
mode=${1:-ci}
jobs=${TRIAGE_DAMAGED_JOBS:-2}
corpus=${TRIAGE_CORPUS:-$source_dir/../shared/corpus}

absolute() {
    case $1 in /*) echo "$1" ;; *) echo "$source_dir/$1" ;; esac
}

case $mode in
ci) files=${TRIAGE_DAMAGED_FILES:-100} ;;
--long) files=${TRIAGE_DAMAGED_FILES:-1000} ;;
--valgrind) files=${TRIAGE_DAMAGED_FILES:-8} ;;
*) echo "usage: $0 [--long | --valgrind]" >&2; exit 2 ;;
esac

if [ "$mode" = "--valgrind" ]; then
    build=$(absolute "${TRIAGE_BUILD_DIR:-build}")
    echo "== build ($build) =="
    cmake -S . -B "$build" >/dev/null
    cmake --build "$build" -j"$(nproc)" --target triage
    # Definite leaks and memory errors fail; Wireshark's own reachable
    # blocks at exit are not leaks.
    valgrind="valgrind --tool=memcheck --error-exitcode=99 --leak-check=full --show-leak-kinds=definite"
    valgrind="$valgrind --errors-for-leak-kinds=definite --track-origins=no --num-callers=30"
    valgrind="$valgrind --suppressions=$source_dir/tests/damaged/valgrind.supp"
    # Only the module-keeping preload (see tests/sanitize/keep_modules_loaded.c):
    # without it memcheck too shows the unloaded plugin's frames as ???.
    . tests/sanitize/runtime.sh
    sanitizer_setup "$source_dir"
    trap sanitizer_cleanup EXIT
    TRIAGE_PLUGIN="$build/triage.so" TRIAGE_SANITIZER_PRELOAD="$SANITIZER_DIR/keep_modules_loaded.so" \
        python3 tests/damaged/run_damaged.py --files "$files" --corpus "$corpus" --jobs "$jobs" \
        --failures "$build/damaged-failures" --valgrind "$valgrind"
    exit $?
fi

build=$(absolute "${TRIAGE_ASAN_BUILD_DIR:-build-asan}")
echo "== build ($build, ASan + UBSan) =="
cmake -S . -B "$build" -DTRIAGE_SANITIZE=ON -DTRIAGE_WERROR="${TRIAGE_WERROR:-OFF}" >/dev/null
cmake --build "$build" -j"$(nproc)" --target triage

. tests/sanitize/runtime.sh
sanitizer_setup "$source_dir"
trap sanitizer_cleanup EXIT

echo "== damaged captures ($mode: at least $files files, $jobs at a time) =="
failed=0
TRIAGE_PLUGIN="$build/triage.so" TRIAGE_SANITIZER_PRELOAD="$SANITIZER_PRELOAD" \
    python3 tests/damaged/run_damaged.py --files "$files" --corpus "$corpus" --jobs "$jobs" \
    --failures "$build/damaged-failures" || failed=1
sanitizer_verdict "damaged captures" "$failed"
