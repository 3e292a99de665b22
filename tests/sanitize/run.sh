#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Sanitizer run: builds a second tree (build-asan/) with ASan and UBSan, runs
# the unit tests there, then runs tshark tests with that build's triage.so
# inside the stock tshark, the sanitizer runtimes preloaded (see
# runtime.sh).  Fails when a test fails or when any sanitizer report is
# written; reports that name the plugin are marked as ours.
#
# Usage: tests/sanitize/run.sh [--all] [TEST_NAME...]
#   default   the tshark tests listed in $default_tests below (CI: <= 10 min)
#   --all     every tests/tshark/test_*.py
#   NAMES     just these (test_errors test_hostile ...)
# Environment: TRIAGE_ASAN_BUILD_DIR (default build-asan), TRIAGE_WERROR,
# TRIAGE_CORPUS, TRIAGE_SANITIZE_JOBS (test scripts at a time, default 2).
set -eu
cd "$(dirname "$0")/../.."
source_dir=$(pwd)
build=${TRIAGE_ASAN_BUILD_DIR:-build-asan}
case $build in /*) ;; *) build=$source_dir/$build ;; esac
jobs=$(nproc)
parallel=${TRIAGE_SANITIZE_JOBS:-2}

# A tshark run takes 2-5 s under ASan with full malloc stacks (against
# 0.3 s), so CI (10 minutes for this script) takes the tests that reach the
# most plugin code per run: every error path (where early exits leak),
# hostile traffic and the connection bound, -2 on generated, lab and corpus
# captures with filters and slow-path policy rules, and the default policy
# on every corpus capture.  tests/damaged/run.sh reads every sample and
# corpus capture with the same build besides.  Left to --all (about 25
# minutes on 2 cores), with the reason:
#   test_generated     ~100 runs, 5.5 min: the same scenarios as
#                      test_hostile and test_two_pass, more runs each
#   test_corpus_rtt    5 min, and test_corpus_dests 5.5 min: the corpus
#                      captures again, as test_two_pass and
#                      test_corpus_policy read them through all reports
#   test_million       1 M packets: the same code paths as small captures
#   test_lab, test_engine_start and later additions: covered by --all
#   test_sandbox       skips itself: it checks the harness, and tshark -G
#                      plugins does not finish with the ASan runtime preloaded
default_tests="test_errors test_hostile test_two_pass test_corpus_policy"

tests=""
if [ "${1:-}" = "--all" ]; then
    tests=$(cd tests/tshark && ls test_*.py | sed 's/\.py$//')
elif [ $# -gt 0 ]; then
    tests="$*"
else
    tests=$default_tests
fi

echo "== build ($build, ASan + UBSan) =="
cmake -S . -B "$build" -DTRIAGE_SANITIZE=ON -DTRIAGE_WERROR="${TRIAGE_WERROR:-OFF}" >/dev/null
cmake --build "$build" -j"$jobs"

echo "== unit tests under ASan + UBSan =="
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$build" -L unit --output-on-failure -j"$jobs"

. tests/sanitize/runtime.sh
sanitizer_setup "$source_dir"
trap sanitizer_cleanup EXIT
export TRIAGE_ASAN_BUILD_DIR="$build"
export TRIAGE_SANITIZER_PRELOAD="$SANITIZER_PRELOAD"
# Each test's output stays in the build tree for a look after a failure.
export TRIAGE_SANITIZER_RESULTS="$build/sanitize-results"
rm -rf "$TRIAGE_SANITIZER_RESULTS"
mkdir "$TRIAGE_SANITIZER_RESULTS"

echo "== tshark tests with the ASan + UBSan plugin, $parallel at a time =="
failed=0
# xargs exits non-zero when any test did.
printf '%s\n' $tests | xargs -P "$parallel" -n 1 tests/sanitize/run_one_test.sh || failed=1

sanitizer_verdict "sanitizer run" "$failed"
