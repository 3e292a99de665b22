#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# compile-headers.sh — compiles the plugin's Wireshark-facing sources with
# -Werror against the headers of other Wireshark versions.
#
# A plugin is built per Wireshark minor version, and the API moves between
# them (DESIGN.md §7).  This machine has one Wireshark installed; the
# headers of the others come from Debian's archive: trixie has 4.4, sid 4.6.
# Their -dev packages are downloaded with a private apt configuration (the
# host's apt setup is left alone) and unpacked, never installed.  Only a
# compile is possible — the libraries are built for another system — so
# this checks syntax and types; tests/versions/chroot-test.sh runs the
# plugin for real.
#
# Usage: tests/versions/compile-headers.sh [--refresh] [SUITE...]
#   SUITE is host (the installed Wireshark), trixie or sid; default: all.
#   --refresh downloads the suites' package lists and headers again.
#
# Cache: $TRIAGE_VERSIONS_CACHE (default /var/cache/capture-triage):
#   apt/<suite>/      sources.list, package lists, downloaded .debs
#   headers/<suite>/  the unpacked -dev packages (usr/include/wireshark, …)
#   headers/<suite>/VERSIONS   which package versions were unpacked
# With the cache filled the script makes no network access and takes about
# ten seconds.  Exit status: 0 when every suite compiles, 1 otherwise.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=${TRIAGE_VERSIONS_CACHE:-/var/cache/capture-triage}
refresh=0
suites=()
for argument in "$@"; do
    case $argument in
        --refresh) refresh=1 ;;
        host|trixie|sid) suites+=("$argument") ;;
        *) echo "usage: $0 [--refresh] [host|trixie|sid]..." >&2; exit 2 ;;
    esac
done
[ ${#suites[@]} -gt 0 ] || suites=(host trixie sid)

# Everything a plugin needs to compile against Wireshark: the headers of
# epan, wsutil and wiretap, and WiresharkConfig.cmake (in wireshark-dev).
packages=(libwireshark-dev libwsutil-dev libwiretap-dev wireshark-dev)

apt_options() {
    local dir=$1
    echo "-o Dir::Etc::sourcelist=$dir/sources.list -o Dir::Etc::sourceparts=-" \
         "-o Dir::State::Lists=$dir/lists -o Dir::State::status=/dev/null" \
         "-o Dir::Cache=$dir/cache -o APT::Architecture=$(dpkg --print-architecture) -o Debug::NoLocking=1 -o APT::Sandbox::User=root" \
         "-o Acquire::Check-Valid-Until=false"
}

# Unpacks the suite's -dev packages into headers/<suite> unless already there.
fetch_headers() {
    local suite=$1
    local apt_dir=$cache/apt/$suite root=$cache/headers/$suite
    if [ $refresh = 0 ] && [ -f "$root/VERSIONS" ]; then
        return 0
    fi
    echo "== $suite: downloading Wireshark's development headers"
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache" "$apt_dir/debs"
    # Debian's archive keyring (debian-archive-keyring) verifies the suite;
    # a frozen mirror's Release files may be past their Valid-Until date.
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" \
        > "$apt_dir/sources.list"
    # shellcheck disable=SC2046
    apt-get -qq $(apt_options "$apt_dir") update
    rm -f "$apt_dir"/debs/*.deb
    # shellcheck disable=SC2046
    (cd "$apt_dir/debs" && apt-get -qq $(apt_options "$apt_dir") download "${packages[@]}")
    rm -rf "$root.new"
    mkdir -p "$root.new"
    for deb in "$apt_dir"/debs/*.deb; do
        dpkg-deb -x "$deb" "$root.new"
        dpkg-deb --show --showformat='${Package} ${Version}\n' "$deb" >> "$root.new/VERSIONS"
    done
    rm -rf "$root"
    mv "$root.new" "$root"
}

# The plugin's sources that include epan (CMakeLists.txt's TRIAGE_PLUGIN_SOURCES).
plugin_sources() {
    ls "$repo"/plugin/*.c "$repo"/glue/*.c "$repo"/ui_menus/*.c
}

# Compiles every plugin source against one include root, as CMake would:
# C11 with GNU extensions (CMAKE_C_EXTENSIONS), and Wireshark's include
# folder as a plain -I, so its headers' warnings count too.
compile_suite() {
    local suite=$1 include
    if [ "$suite" = host ]; then
        include=/usr/include/wireshark
    else
        include=$cache/headers/$suite/usr/include/wireshark
    fi
    local version
    version=$(sed -n 's/^#define VERSION_RELEASE "\(.*\)"/\1/p;s/^#define WIRESHARK_VERSION_MAJOR \(.*\)/\1/p;s/^#define WIRESHARK_VERSION_MINOR \(.*\)/\1/p' \
              "$include/ws_version.h" | paste -sd.)
    echo "== $suite: Wireshark $version headers ($include)"
    local failed=0 source
    # shellcheck disable=SC2207
    local glib_flags=($(pkg-config --cflags glib-2.0))
    while read -r source; do
        if ! ${CC:-cc} -std=gnu11 -fsyntax-only -Wall -Wextra -Wno-missing-field-initializers -Werror \
                -fvisibility=hidden -fPIC -DWS_BUILD_DLL -DTRIAGE_VERSION=\"0.0.0\" \
                -I"$include" "${glib_flags[@]}" \
                -I"$repo/plugin" -I"$repo/glue" -I"$repo/tap" -I"$repo/report" -I"$repo/summary" -I"$repo/ui_menus" \
                "$source"; then
            echo "FAIL $suite ${source#$repo/}"
            failed=1
        fi
    done < <(plugin_sources)
    [ $failed = 0 ] && echo "ok   $suite: $(plugin_sources | wc -l) sources compile with -Werror"
    return $failed
}

status=0
for suite in "${suites[@]}"; do
    [ "$suite" = host ] || fetch_headers "$suite"
    compile_suite "$suite" || status=1
done
exit $status
