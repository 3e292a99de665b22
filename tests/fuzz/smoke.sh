#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Fuzz smoke run: builds the libFuzzer targets with clang (build-fuzz/) and
# runs every tests/fuzz/fuzz_*.c target for TRIAGE_FUZZ_SECONDS (default 60)
# from its committed seed corpus, two targets at a time.  Fails when any
# target finds a crash, a leak, a sanitizer report or a failed check; the
# input that did it is kept in the build folder and named in the output.
#
# Usage: tests/fuzz/smoke.sh
# Environment: TRIAGE_FUZZ_SECONDS (per target), TRIAGE_FUZZ_BUILD_DIR
# (default build-fuzz), TRIAGE_FUZZ_JOBS (targets at a time, default 2).
# A long campaign is described in tests/fuzz/README.md.
set -eu
cd "$(dirname "$0")/../.."
build=${TRIAGE_FUZZ_BUILD_DIR:-build-fuzz}
seconds=${TRIAGE_FUZZ_SECONDS:-60}
parallel=${TRIAGE_FUZZ_JOBS:-2}

echo "== build ($build, clang, libFuzzer + ASan/UBSan) =="
CC=clang cmake -S . -B "$build" -DTRIAGE_ENGINES_ONLY=ON -DTRIAGE_FUZZ=ON \
    -DTRIAGE_WERROR="${TRIAGE_WERROR:-OFF}" >/dev/null
cmake --build "$build" -j"$(nproc)"

results=$build/fuzz-smoke
rm -rf "$results"
mkdir -p "$results"

# One target: a scratch corpus first (new inputs go there, the committed
# seeds are only read), -seed fixed per run so a failure can be replayed.
run_target() {
    name=$1
    work=$results/$name
    mkdir -p "$work/found"
    set -- -max_total_time="$seconds" -max_len=4096 -seed=1 -print_final_stats=1 \
        -artifact_prefix="$work/" "$work/found"
    [ -d "tests/fuzz/corpus/$name" ] && set -- "$@" "tests/fuzz/corpus/$name"
    [ -f "tests/fuzz/$name.dict" ] && set -- -dict="tests/fuzz/$name.dict" "$@"
    if "$build/tests/fuzz/$name" "$@" >"$work/log" 2>&1; then
        echo "$name: ok, $(grep -h 'number_of_executed_units' "$work/log" | awk '{print $2}') inputs in ${seconds} s"
    else
        echo "$name: FAILED, see $work/log; the input is $(ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null | head -n 1)"
        tail -n 60 "$work/log"
        return 1
    fi
}

targets=$(cd tests/fuzz && ls fuzz_*.c | sed 's/\.c$//')
echo "== fuzzing $(echo "$targets" | wc -w) targets for ${seconds} s each, $parallel at a time =="
failed=0
running=0
pids=""
for name in $targets; do
    run_target "$name" &
    pids="$pids $!"
    running=$((running + 1))
    if [ "$running" -ge "$parallel" ]; then
        for pid in $pids; do wait "$pid" || failed=1; done
        pids=""
        running=0
    fi
done
for pid in $pids; do wait "$pid" || failed=1; done

if [ "$failed" -ne 0 ]; then
    echo "fuzz smoke: FAILED (replay: $build/tests/fuzz/TARGET INPUT)" >&2
    exit 1
fi
echo "fuzz smoke: no findings"
