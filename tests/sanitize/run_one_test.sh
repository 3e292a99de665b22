#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# One tshark test script with the ASan + UBSan plugin; called by run.sh
# (through xargs, so several run at once) with the environment it sets up:
# TRIAGE_ASAN_BUILD_DIR (absolute), TRIAGE_SANITIZER_PRELOAD, TRIAGE_SANITIZER_RESULTS.
# Prints one line, and the end of the test's output when it fails.
# Usage: run_one_test.sh TEST_NAME
set -u
cd "$(dirname "$0")/../.."
source_dir=$(pwd)
name=$1
script=tests/tshark/$name.py
log=$TRIAGE_SANITIZER_RESULTS/$name.log
if [ ! -f "$script" ]; then
    echo "$name: FAILED: there is no $script"
    exit 1
fi
started=$(date +%s)
env TRIAGE_PLUGIN="$TRIAGE_ASAN_BUILD_DIR/triage.so" TRIAGE_SOURCE_DIR="$source_dir" \
    TRIAGE_CAPGEN="$TRIAGE_ASAN_BUILD_DIR/triage-capgen" TRIAGE_SANITIZED=1 \
    python3 tests/sanitize/with_sanitized_tshark.py "$script" >"$log" 2>&1
status=$?
elapsed=$(($(date +%s) - started))
case $status in
0) echo "$name: passed (${elapsed} s)" ;;
77) echo "$name: skipped, as the test decided (${elapsed} s)" ;;
*)
    echo "$name: FAILED with status $status (${elapsed} s); end of its output:"
    tail -n 80 "$log" | sed "s/^/  $name: /"
    exit 1
    ;;
esac
