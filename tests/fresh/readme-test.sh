#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# readme-test.sh — runs the README's two commands, exactly as written, on a
# fresh Debian 12 or 13 (a minimal debootstrap), as root and as a normal user
# with sudo rights, from a clone of the committed tree.
#
# Usage (as root): tests/fresh/readme-test.sh [--suite bookworm|trixie] [root|user|both]
#   --suite: Debian 12 bookworm (Wireshark 4.0, the default) or Debian 13
#   trixie (Wireshark 4.4).
# Not part of CI: each run installs everything from Debian's archive and runs
# the whole test suite (about 30 minutes per user on 2 cores).
#
# Cache: $TRIAGE_CHROOT_CACHE (default /var/cache/capture-triage/chroots):
#   clean-<suite>/ (shared with tests/versions/package-test.sh) is copied to
#   a throwaway scratch-*/ for every run.
set -euo pipefail

suite=bookworm
if [ "${1:-}" = --suite ]; then
    suite=${2:-}
    shift 2 || true
fi
case $suite in
    bookworm|trixie) ;;
    *) echo "usage: $0 [--suite bookworm|trixie] [root|user|both]" >&2; exit 2 ;;
esac
who=${1:-both}
repo=$(cd "$(dirname "$0")/../.." && pwd)
corpus=$(cd "${TRIAGE_CORPUS:-$repo/../shared/corpus}" && pwd)
[ "$(id -u)" = 0 ] || { echo "$0: debootstrap and chroot need root" >&2; exit 2; }
cache=${TRIAGE_CHROOT_CACHE:-/var/cache/capture-triage/chroots}
clean=$cache/clean-$suite
mirror=${TRIAGE_DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [ ! -f "$clean/.capture-triage-ready" ]; then
    echo "== debootstrap a clean $suite into $clean (once)"
    rm -rf "$clean.new"
    mkdir -p "$cache"
    debootstrap --variant=minbase "$suite" "$clean.new" "$mirror"
    touch "$clean.new/.capture-triage-ready"
    mv "$clean.new" "$clean"
fi

bundle=$(mktemp /tmp/capture-triage-XXXXXX.bundle)
git -C "$repo" bundle create "$bundle" HEAD >/dev/null 2>&1

run_as() {
    local user=$1 scratch status
    scratch=$(mktemp -d "$cache/scratch-XXXXXX")
    cp -a "$clean" "$scratch/root"
    cp "$bundle" "$scratch/root/tmp-repo.bundle"
    mkdir -p "$scratch/root/srv/shared"
    cp -a "$corpus" "$scratch/root/srv/shared/corpus"
    echo "== fresh $suite, README commands as $user (log: $scratch/log)"
    set +e
    unshare --mount --propagation private /bin/bash -euo pipefail -s -- "$scratch/root" "$user" \
        > "$scratch/log" 2>&1 <<'INSIDE'
root=$1 user=$2
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount --rbind /sys "$root/sys"
mount -t tmpfs tmpfs "$root/tmp"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# The host's own certificate authorities (a network's proxy, say), as every
# machine of its network has them: the npm registry is reached through them.
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
    mkdir -p "$root/usr/local/share/ca-certificates"
    cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 "$@"; }
# What a fresh machine has before the README: git to clone, and for the
# normal user, sudo rights.
in_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -qq git ca-certificates sudo >/dev/null
if [ "$user" = root ]; then
    home=/root
else
    in_root useradd --create-home --shell /bin/bash analyst
    echo "analyst ALL=(ALL) NOPASSWD: ALL" > "$root/etc/sudoers.d/analyst"
    home=/home/analyst
fi
in_root git clone -q /tmp-repo.bundle "$home/capture-triage"
in_root mkdir -p "$home/shared"
in_root cp -a /srv/shared/corpus "$home/shared/corpus"
[ "$user" = root ] || in_root chown -R analyst:analyst "$home"
as_user() {
    if [ "$user" = root ]; then
        chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
            /bin/bash -c "cd $home/capture-triage && $1"
    else
        chroot "$root" /usr/bin/sudo -u analyst env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$home \
            LC_ALL=C.UTF-8 /bin/bash -c "cd $home/capture-triage && $1"
    fi
}
echo "--- ./setup.sh"
as_user "./setup.sh"
echo "--- tests/run-all.sh"
as_user "tests/run-all.sh"
echo "--- done"
INSIDE
    status=$?
    set -e
    grep -E "^--- |tests passed|tests failed|Triage|Handshake RTT|Error|error:" "$scratch/log" | tail -20
    if [ $status -ne 0 ]; then
        echo "FAILED on $suite as $user (exit $status); the full log stays at $scratch/log"
        return 1
    fi
    cp "$scratch/log" "$cache/readme-test-$suite-$user.log"
    echo "PASSED on $suite as $user (log: $cache/readme-test-$suite-$user.log)"
    rm -rf "$scratch"
}

result=0
case "$who" in
    root) run_as root || result=1 ;;
    user) run_as user || result=1 ;;
    both) run_as root || result=1; run_as user || result=1 ;;
    *) echo "usage: $0 [--suite bookworm|trixie] [root|user|both]" >&2; exit 2 ;;
esac
rm -f "$bundle"
exit $result
