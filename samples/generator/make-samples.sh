#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Regenerates samples/generated/ from the generator: every small scenario,
# seed 1, with its truth files.  The output is byte-for-byte the same on
# every run, so `git status` after running this shows nothing unless the
# generator changed.
#
#   samples/generator/make-samples.sh [--verify]
#
# --verify then checks every capture with the real tshark
# (verify-with-tshark.py).  Environment: CAPGEN_BUILD_DIR (default
# build-capgen in the source tree), CAPGEN (a built triage-capgen to use).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/samples/generated"
verify=no
case "${1:-}" in
    --verify) verify=yes ;;
    "") ;;
    *) echo "usage: $0 [--verify]" >&2; exit 2 ;;
esac

if [ -z "${CAPGEN:-}" ]; then
    build="${CAPGEN_BUILD_DIR:-$root/build-capgen}"
    cmake -S "$root" -B "$build" -DTRIAGE_ENGINES_ONLY=ON >/dev/null
    cmake --build "$build" --target triage-capgen >/dev/null
    CAPGEN="$build/triage-capgen"
fi

# The streaming scenarios make captures far too big for the repository:
# tests generate them when they run (see samples/generated/README.md).
large="million bench syn_flood"

mkdir -p "$out"
rm -f "$out"/*.pcap "$out"/*.tsv
captures=""
for scenario in $("$CAPGEN" --list | cut -d' ' -f1); do
    case " $large " in *" $scenario "*) continue ;; esac
    "$CAPGEN" "$scenario" "$out/$scenario.pcap" --truth "$out/$scenario.tsv" --seed 1
    captures="$captures $out/$scenario.pcap"
done
echo "wrote $(echo $captures | wc -w) captures to $out"

if [ "$verify" = yes ]; then
    # shellcheck disable=SC2086 # one argument per capture
    python3 "$here/verify-with-tshark.py" $captures
fi
