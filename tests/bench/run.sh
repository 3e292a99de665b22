#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Speed and memory benchmark of Capture Triage (not part of CI): builds the
# plugin and triage-capgen optimised, generates the benchmark captures once
# (cached), times tshark with and without the plugin and writes BENCHMARKS.md.
#
#   tests/bench/run.sh                       everything, 5 runs each (about 1.5 h)
#   tests/bench/run.sh --runs 3 --only bench-1m
#   tests/bench/run.sh --help
#
# TRIAGE_BENCH_BUILD names the build folder (default: build-bench in the
# source tree); the captures go to its bench-captures folder unless
# --captures says otherwise.  Both must be readable by the unprivileged user
# tshark runs as (nobody when run as root).
set -eu

source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${TRIAGE_BENCH_BUILD:-$source_dir/build-bench}

if [ ! -f "$build_dir/CMakeCache.txt" ]; then
    cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
case "$build_type" in
    Release|RelWithDebInfo) ;;
    *) echo "run.sh: $build_dir is a '$build_type' build; benchmarks need Release or RelWithDebInfo" >&2
       exit 2 ;;
esac
cmake --build "$build_dir" --target triage triage-capgen -j"$(nproc)" >/dev/null

exec python3 "$source_dir/tests/bench/bench.py" --build "$build_dir" "$@"
