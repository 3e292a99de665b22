#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# package-test.sh — proves a capture-triage .deb installs and works on a
# clean Debian system: apt pulls in tshark, tshark lists the plugin, and
# "tshark -z triage" reports the shared corpus's rdp.pcap as its ground
# truth says (one completed handshake of 42.485 ms, one RDP finding).
# Then the package is removed and tshark must no longer list the plugin.
#
# Usage (as root): tests/versions/package-test.sh DEB [SUITE]
#   SUITE defaults to bookworm (Wireshark 4.0); a package built on trixie
#   (4.4) or sid (4.6) is tested with that suite.
#
# Cache: $TRIAGE_CHROOT_CACHE (default /var/cache/capture-triage/chroots):
#   clean-<suite>/  a minimal debootstrap (no tshark), made once, never
#                   changed: each run works on a throwaway copy of it,
#                   scratch-*/, removed at the end.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
deb=${1:-}
suite=${2:-bookworm}
[ -f "$deb" ] || { echo "usage: $0 DEB [bookworm|trixie|sid]" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "$0: debootstrap and chroot need root" >&2; exit 2; }
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
corpus=$(cd "${TRIAGE_CORPUS:-$repo/../shared/corpus}" && pwd)
capture=$corpus/rdp.pcap
[ -f "$capture" ] || { echo "$0: $capture is missing" >&2; exit 2; }

cache=${TRIAGE_CHROOT_CACHE:-/var/cache/capture-triage/chroots}
clean=$cache/clean-$suite
mirror=${TRIAGE_DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [ ! -f "$clean/.capture-triage-ready" ]; then
    echo "== $suite: debootstrap a clean system into $clean (once)"
    rm -rf "$clean.new"
    mkdir -p "$cache"
    debootstrap --variant=minbase "$suite" "$clean.new" "$mirror"
    touch "$clean.new/.capture-triage-ready"
    mv "$clean.new" "$clean"
fi

scratch=$(mktemp -d "$cache/scratch-XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cp -a "$clean" "$scratch/root"
cp "$deb" "$capture" "$scratch/root/root/"

echo "== $suite: apt-get install ./$(basename "$deb")"
unshare --mount --propagation private /bin/bash -euo pipefail -s -- \
    "$scratch/root" "$(basename "$deb")" "$(basename "$capture")" > "$scratch/output" <<'INSIDE'
root=$1 deb=$2 capture=$3
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount -t tmpfs tmpfs "$root/tmp"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
                DEBIAN_FRONTEND=noninteractive "$@"; }
echo "wireshark-common wireshark-common/install-setuid boolean false" | in_root debconf-set-selections
# A frozen mirror's Release files may be past their Valid-Until date;
# their signatures are still checked.
in_root apt-get -o Acquire::Check-Valid-Until=false update -qq >&2
in_root apt-get install -y -qq "/root/$deb" >&2
in_root dpkg -L capture-triage >&2
echo "--- plugins"
in_root tshark -G plugins
echo "--- report"
in_root tshark -r "/root/$capture" -q -z triage,format=json
in_root apt-get remove -y -qq capture-triage >&2
echo "--- plugins after removal"
in_root tshark -G plugins
INSIDE

python3 - "$scratch/output" <<'CHECK'
import json, sys
text = open(sys.argv[1]).read()
plugins, rest = text.split("--- plugins\n", 1)[1].split("--- report\n", 1)
report, after = rest.split("--- plugins after removal\n", 1)
failures = []
listed = [line for line in plugins.splitlines() if line.startswith("triage.so")]
print("tshark -G plugins:", listed[0] if listed else "(triage.so not listed)")
if not listed:
    failures.append("tshark -G plugins does not list triage.so")
if any(line.startswith("triage.so") for line in after.splitlines()):
    failures.append("triage.so is still listed after apt-get remove")
document = json.loads(report[report.index("{"):])
reports = {r["report"]: r for r in document["reports"]}
rtt = reports["rtt"]
print("rtt: completed", rtt["connections"]["completed"], "handshake p50", rtt["stats"]["handshake"]["p50"])
if rtt["connections"]["completed"] != 1 or abs(rtt["stats"]["handshake"]["p50"] - 0.042485) > 1e-6:
    failures.append("rtt report differs from the ground truth (1 completed, 0.042485 s)")
findings = [f["rule"] for f in reports["policy"]["findings"]]
print("policy findings:", findings)
if not any("rdp" in rule for rule in findings):
    failures.append("no RDP policy finding")
print("destinations:", reports["dests"]["totals"]["destinations"])
for failure in failures:
    print("FAIL", failure)
print("package test:", "FAILED" if failures else "passed")
sys.exit(1 if failures else 0)
CHECK
