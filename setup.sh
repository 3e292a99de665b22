#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Sets up a Debian 12 machine, builds and installs the Capture Triage plugin,
# then runs the triage on a bundled capture.  Works as root (installs into the
# system plugin folder, which root's tshark reads) and as a normal user
# (installs into ~/.local/lib/wireshark/plugins/, using sudo for apt only).
set -eu
cd "$(dirname "$0")"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

export DEBIAN_FRONTEND=noninteractive
missing=""
for package in $(grep -v '^#' tools/debian-packages.txt); do
    dpkg -s "$package" >/dev/null 2>&1 || missing="$missing $package"
done
if [ -n "$missing" ]; then
    # tshark asks whether non-root users may capture; the answer does not
    # matter for reading files, so keep the default without a prompt.
    echo "wireshark-common wireshark-common/install-setuid boolean false" | as_root debconf-set-selections 2>/dev/null || true
    as_root apt-get update -qq
    # shellcheck disable=SC2086
    as_root apt-get install -y -qq $missing >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
cmake --install build --component plugin

echo
echo "== tshark -r samples/lab/captures/lab-policy-server.pcapng -q -z triage =="
tshark -r samples/lab/captures/lab-policy-server.pcapng -q -z triage
