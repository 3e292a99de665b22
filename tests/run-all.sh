#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs every test: engine unit tests, tshark tests on real captures (bundled
# samples and the shared corpus), the GUI test under Xvfb, then the same
# tshark tests against an ASan/UBSan build, fuzz smoke runs and damaged
# captures.  Usage: tests/run-all.sh [--quick]   (--quick: plain build only)
set -eu
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1
jobs=$(nproc)
werror=${TRIAGE_WERROR:-OFF}

# The test tools (clang for fuzzing, Xvfb and the Qt Wireshark for the GUI
# test) are not needed to use the plugin, so setup.sh does not install them.
missing=""
for package in $(grep -hv '^#' tools/debian-packages.txt tools/debian-test-packages.txt); do
    dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
done
# npm installs the storage emulator of the fleet tests (tests/fleet/package.json).
# Debian's nodejs comes without it; a Node.js from elsewhere may bring its own.
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
    echo "== installing test dependencies:$missing =="
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    # shellcheck disable=SC2086
    $sudo apt-get install -y -qq $missing >/dev/null
fi

echo "== build (build/) =="
cmake -S . -B build -DTRIAGE_WERROR="$werror" >/dev/null
cmake --build build -j"$jobs"
echo "== tests =="
ctest --test-dir build --output-on-failure -j"$jobs"

[ "$quick" -eq 1 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    echo "== compile against Wireshark 4.4 and 4.6 headers =="
    tests/versions/compile-headers.sh
fi

if [ -x tests/sanitize/run.sh ]; then
    echo "== sanitizer run =="
    tests/sanitize/run.sh
fi
if [ -x tests/fuzz/smoke.sh ]; then
    echo "== fuzz smoke =="
    tests/fuzz/smoke.sh
fi
if [ -x tests/damaged/run.sh ]; then
    echo "== damaged captures =="
    tests/damaged/run.sh
fi
