#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# chroot-test.sh — builds the plugin inside a Debian trixie (Wireshark 4.4)
# or sid (4.6) system and runs the tshark tests there with that system's
# real tshark.
#
# compile-headers.sh proves the sources compile against other versions;
# only a real tshark proves they behave: the tap data, pinfo->layers and
# the -z registration are read at run time.
#
# Usage (as root): tests/versions/chroot-test.sh [--package DIR] SUITE [CTEST ARGUMENT...]
#   SUITE is trixie or sid (bookworm works too: the host's own 4.0).
#   CTEST ARGUMENTs replace the default "-L tshark", e.g. "-R corpus_rtt", or
#   "-R gui" for the Qt GUI test under Xvfb (its packages are installed too).
#   --package DIR: when the tests pass, also "cpack -G DEB" and put the
#   .deb, built for that suite's Wireshark, into DIR (needs CMakeLists.txt
#   to include cmake/packaging.cmake); tests/versions/package-test.sh then
#   installs it on a clean system of the same suite.
#   --screenshots: when the GUI test ran and passed, copy its pictures into
#   docs/screenshots/<Wireshark minor version>/ of the working tree (for
#   example docs/screenshots/4.4/ from trixie).
#
# Cache: $TRIAGE_CHROOT_CACHE (default /var/cache/capture-triage/chroots):
#   <suite>/ is a debootstrap'd system with the build dependencies, tshark
#   and python3; it is made once (a few minutes) and reused.  Delete the
#   folder to start afresh.  Builds go to <suite>/var/tmp/capture-triage-build.
#
# The working tree (uncommitted changes included) is bind-mounted read-only
# at /capture-triage/main and the shared corpus at /capture-triage/shared/corpus
# ($TRIAGE_CORPUS, default ../shared/corpus), inside a private mount namespace,
# so nothing stays mounted when the script ends, however it ends.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
package_dir=
screenshots=0
while :; do
    case ${1:-} in
        --package)
            [ -n "${2:-}" ] || { echo "$0: --package needs a folder" >&2; exit 2; }
            mkdir -p "$2"
            package_dir=$(cd "$2" && pwd)
            shift 2 ;;
        --screenshots) screenshots=1; shift ;;
        *) break ;;
    esac
done
suite=${1:-}
case $suite in
    trixie|sid|bookworm) shift ;;
    *) echo "usage: $0 [--package DIR] [--screenshots] trixie|sid|bookworm [CTEST ARGUMENT...]" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "$0: debootstrap and chroot need root" >&2; exit 2; }
ctest_arguments=("$@")
[ ${#ctest_arguments[@]} -gt 0 ] || ctest_arguments=(-L tshark)

cache=${TRIAGE_CHROOT_CACHE:-/var/cache/capture-triage/chroots}
root=$cache/$suite
corpus=$(cd "${TRIAGE_CORPUS:-$repo/../shared/corpus}" 2>/dev/null && pwd || true)
mirror=${TRIAGE_DEBIAN_MIRROR:-http://deb.debian.org/debian}

# What the build, the tshark tests and the GUI test need: the list CI
# installs on the host (tools/debian-packages.txt), and the GUI test's own
# packages (tests/gui/test_gui.py), which are part of
# tools/debian-test-packages.txt; its fuzzing and fleet tools are left out.
# "wireshark" is the Qt GUI on Debian 13 and later, its metapackage on 12.
packages=$( (grep -v '^#' "$repo/tools/debian-packages.txt"
             echo xvfb xdotool xclip x11-utils wireshark imagemagick dbus at-spi2-core python3-pyatspi) |
           tr '\n' ' ')

make_chroot() {
    echo "== $suite: debootstrap into $root (once; a few minutes)"
    rm -rf "$root.new"
    mkdir -p "$cache"
    debootstrap --variant=minbase "$suite" "$root.new" "$mirror"
    # tshark asks whether non-root users may capture: they need not.
    echo "wireshark-common wireshark-common/install-setuid boolean false" |
        chroot "$root.new" debconf-set-selections
    install_packages "$root.new"
    mv "$root.new" "$root"
}

# The ready mark holds the package list installed, so a package added to
# tools/debian-packages.txt reaches an existing chroot on its next run.
install_packages() {
    local target=$1
    # A frozen mirror's Release files may be past their Valid-Until date;
    # their signatures are still checked.
    chroot "$target" apt-get -o Acquire::Check-Valid-Until=false update -qq
    # shellcheck disable=SC2086
    chroot "$target" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends $packages
    chroot "$target" apt-get clean
    echo "$packages" > "$target/.capture-triage-ready"
}

if [ ! -f "$root/.capture-triage-ready" ]; then
    make_chroot
elif [ "$(cat "$root/.capture-triage-ready")" != "$packages" ]; then
    echo "== $suite: installing the changed package list"
    install_packages "$root"
fi

# Everything below runs in a private mount namespace: its mounts vanish with it.
rm -rf "$root/var/tmp/capture-triage-gui"
status=0
if unshare --mount --propagation private /bin/bash -euo pipefail -s -- \
    "$root" "$repo" "$corpus" "$suite" "$package_dir" "${ctest_arguments[@]}" <<'INSIDE'
root=$1 repo=$2 corpus=$3 suite=$4 package_dir=$5
shift 5
mkdir -p "$root/capture-triage/main" "$root/capture-triage/shared/corpus"
mount --bind "$repo" "$root/capture-triage/main"
mount -o remount,bind,ro "$root/capture-triage/main"
if [ -n "$corpus" ]; then
    mount --bind "$corpus" "$root/capture-triage/shared/corpus"
    mount -o remount,bind,ro "$root/capture-triage/shared/corpus"
fi
mount -t proc proc "$root/proc"
mount -t tmpfs tmpfs "$root/tmp"
mount --rbind /dev "$root/dev"

version=$(chroot "$root" tshark --version | head -1)
echo "== $suite: $version"
build=/var/tmp/capture-triage-build
# The GUI test leaves what it saw (observations, screenshots) in
# chroots/<suite>/var/tmp/capture-triage-gui.
chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 CI="${CI:-}" \
    TRIAGE_CORPUS=/capture-triage/shared/corpus TRIAGE_GUI_ARTIFACTS=/var/tmp/capture-triage-gui \
    /bin/sh -eu -c '
        build=$1; shift
        cmake -S /capture-triage/main -B "$build" -DTRIAGE_WERROR=ON >/dev/null
        cmake --build "$build" -j"$(nproc)" >/dev/null
        echo "built $build/triage.so with -Werror"
        ctest --test-dir "$build" --output-on-failure "$@"' -- "$build" "$@"
if [ -n "$package_dir" ]; then
    mkdir -p "$root/capture-triage/packages"
    mount --bind "$package_dir" "$root/capture-triage/packages"
    chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 /bin/sh -eu -c '
        cd "$1"
        # CPack reads the binary with file(1) to compute its libc and GLib dependencies.
        command -v file >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends file >/dev/null
        cmake . >/dev/null
        rm -f ./*.deb
        cpack -G DEB >/dev/null
        cp ./*.deb /capture-triage/packages/
        ls ./*.deb' -- "$build"
fi
INSIDE
then :; else status=$?; fi
if [ "$screenshots" = 1 ] && [ "$status" = 0 ]; then
    pictures=$root/var/tmp/capture-triage-gui
    minor=$(chroot "$root" tshark --version | sed -n '1s/.* \([0-9]*\.[0-9]*\)\..*/\1/p')
    if [ -n "$minor" ] && ls "$pictures"/*.png >/dev/null 2>&1; then
        mkdir -p "$repo/docs/screenshots/$minor"
        for picture in "$pictures"/*.png; do
            case ${picture##*/} in failed-*) continue ;; esac
            cp "$picture" "$repo/docs/screenshots/$minor/"
        done
        echo "== screenshots copied to docs/screenshots/$minor/"
    else
        echo "== no GUI screenshots to copy (run with -R gui)"
    fi
fi
exit $status
