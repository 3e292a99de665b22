#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make-captures.sh: record real captures for Capture Triage's samples.
#
# Real Debian clients and servers talk through three network namespaces,
#     client ── middle ── server
# joined by veth pairs.  The middle namespace holds every frame for a fixed
# one-way delay in both directions (delay_bridge.c: this kernel has no
# sch_netem), so every TCP handshake has a known RTT.  Each phase is captured
# at the same time on the client's veth and on the server's veth, and each
# capture gets a truth file (TSV) listing the connections it must contain.
#
#   sudo samples/lab/make-captures.sh --install     # once: Debian packages below
#   sudo samples/lab/make-captures.sh               # all phases, then verify
#   sudo samples/lab/make-captures.sh --phase rtt --delay-ms 20 --out DIR
#   samples/lab/make-captures.sh --verify-only      # tshark checks of the captures only
#
# Safety: every address used exists only inside the namespaces this script
# creates (10.77.0.0/16, fd00:77::/64 and, for "external" hosts, the
# documentation ranges 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).  The
# namespaces have no default route, and an nftables guard in each end host
# drops (and counts) anything addressed elsewhere.  Every server runs under
# `timeout`, and the namespaces are removed on exit, whatever the exit.
set -euo pipefail

# Debian 12 packages this script needs; `--install` installs the missing ones.
PACKAGES=(
    iproute2 iputils-ping ethtool nftables gcc libc6-dev util-linux procps hostname login
    tshark                # dumpcap for capturing, tshark for verification
    nginx-light openssl curl                  # HTTP and TLS
    dnsmasq-base bind9-dnsutils               # DNS (dnsmasq, dig)
    rpcbind                                   # portmapper (rpcinfo comes with it)
    inetutils-inetd inetutils-telnetd telnet  # telnet login attempt
    xrdp freerdp2-x11 xvfb                    # RDP (xfreerdp needs an X display)
    python3 python3-libtorrent                # BitTorrent peer wire, uTP, DHT
    nmap                                      # half-open SYN scan: the client reset
)

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT_DIR="$LAB_DIR/captures"
DELAY_MS=20
PHASES=(rtt policy p2p evidence hosts)
SELECTED_PHASES=()
INSTALL=0
VERIFY_ONLY=0
# Debian's python3 has the libtorrent bindings; a python3 earlier in PATH
# (pyenv, venv) would not.
PYTHON=/usr/bin/python3

usage() {
    sed -n '4,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
    echo "Options: --install  --phase rtt|policy|p2p|evidence|hosts (repeatable)  --delay-ms N  --out DIR  --verify-only"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --install) INSTALL=1 ;;
        --phase) SELECTED_PHASES+=("$2"); shift ;;
        --delay-ms) DELAY_MS=$2; shift ;;
        --out) OUT_DIR=$2; shift ;;
        --verify-only) VERIFY_ONLY=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
[ ${#SELECTED_PHASES[@]} -gt 0 ] && PHASES=("${SELECTED_PHASES[@]}")
for phase in "${PHASES[@]}"; do
    case "$phase" in rtt|policy|p2p|evidence|hosts) ;; *) echo "unknown phase: $phase" >&2; exit 2 ;; esac
done
case "$DELAY_MS" in ''|*[!0-9]*) echo "--delay-ms takes whole milliseconds" >&2; exit 2 ;; esac

if [ "$INSTALL" = 1 ]; then
    # Only what is missing: upgrading what is there (tshark above all) would
    # change the machine under the project's other tests.
    missing=()
    for package in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null | grep -q '^ii' || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        apt-get update
        # Package scripts must not start nginx, rpcbind or xrdp on the host:
        # this script runs its own copies inside the namespaces.
        no_service_start=0
        if [ ! -e /usr/sbin/policy-rc.d ]; then
            printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
            chmod 755 /usr/sbin/policy-rc.d
            no_service_start=1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
        [ "$no_service_start" = 1 ] && rm -f /usr/sbin/policy-rc.d
    fi
fi

verify() {
    local files=()
    for phase in "${PHASES[@]}"; do
        files+=("$OUT_DIR/lab-$phase-client.pcapng" "$OUT_DIR/lab-$phase-server.pcapng")
    done
    "$PYTHON" "$LAB_DIR/verify_captures.py" "${files[@]}"
}

if [ "$VERIFY_ONLY" = 1 ]; then
    verify
    exit
fi

[ "$(id -u)" = 0 ] || { echo "make-captures.sh must run as root (network namespaces)" >&2; exit 1; }

# --- Addresses -------------------------------------------------------------
# One Ethernet segment (the middle namespace bridges it), so every address
# below is on-link and no namespace needs a router or a default route.
NS_CLIENT=triage-lab-client
NS_MIDDLE=triage-lab-middle
NS_SERVER=triage-lab-server
CLIENT4=10.77.1.10
CLIENT6=fd00:77::10
SERVER4=10.77.2.20
SERVER6=fd00:77::20
# The server's second internal address.  The client reaches it from its
# "external" address (below), which is how an inbound connection from the
# internet looks to a VM.
SERVER4_FROM_OUTSIDE=10.77.2.21
SERVER6_FROM_OUTSIDE=fd00:77::21
EXTERNAL_CLIENT4=203.0.113.10
EXTERNAL_CLIENT6=2001:db8:77::10
# An "internet" server (documentation range) on the server namespace, for
# outbound connections to non-internal destinations.
EXTERNAL_SERVER4=198.51.100.20
EXTERNAL_SERVER6=2001:db8:77::20
LAB_NETS4="10.77.0.0/16, 198.51.100.0/24, 203.0.113.0/24"
LAB_NETS6="fd00:77::/64, 2001:db8:77::/64"

WORK=$(mktemp -d /tmp/triage-lab.XXXXXX)
# Servers that drop root (nginx workers, rpcbind) must be able to read here.
chmod 755 "$WORK"
mkdir -p "$WORK/logs" "$OUT_DIR"
BACKGROUND_PIDS=()

cleanup() {
    local status=$?
    set +e
    for pid in "${BACKGROUND_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    sleep 0.5
    for pid in "${BACKGROUND_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
    for ns in "$NS_CLIENT" "$NS_MIDDLE" "$NS_SERVER"; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
        ip netns del "$ns" 2>/dev/null
    done
    if [ $status -ne 0 ]; then
        echo "failed; logs kept in $WORK/logs" >&2
    else
        rm -rf "$WORK"
    fi
    exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[lab %s] %s\n' "$(date +%T)" "$*" >&2; }

# The delay bridge gets a CPU of its own: sharing one with busy clients and
# servers makes it late, and its lateness adds to every RTT.
PIN_HOSTS=()
PIN_BRIDGE=()
if [ "$(nproc)" -ge 2 ]; then
    PIN_HOSTS=(taskset -c "0-$(($(nproc) - 2))")
    PIN_BRIDGE=(taskset -c "$(($(nproc) - 1))")
fi
in_client() { ip netns exec "$NS_CLIENT" "${PIN_HOSTS[@]}" "$@"; }
in_server() { ip netns exec "$NS_SERVER" "${PIN_HOSTS[@]}" "$@"; }

# Runs a command in the background under a time limit, remembering its pid
# so cleanup can stop it.  $1 = namespace, $2 = log name, $3 = seconds.
start_in() {
    local ns=$1 name=$2 seconds=$3 pin=("${PIN_HOSTS[@]}")
    shift 3
    [ "$ns" = "$NS_MIDDLE" ] && pin=("${PIN_BRIDGE[@]}")
    ip netns exec "$ns" "${pin[@]}" timeout --kill-after=5 "$seconds" "$@" \
        > "$WORK/logs/$name.log" 2>&1 &
    BACKGROUND_PIDS+=($!)
}

# Waits (bounded) until something listens on a TCP or UDP port in the server.
wait_for_port() {
    local proto=$1 port=$2 option
    [ "$proto" = tcp ] && option=-tln || option=-uln
    for _ in $(seq 1 50); do
        in_server ss -H "$option" "sport = :$port" | grep -q . && return 0
        sleep 0.1
    done
    echo "nothing listens on $proto/$port in the server namespace" >&2
    return 1
}

tune_interface() {
    local ns=$1 dev=$2
    # Offloads off: the delay bridge forwards frames as the kernel hands them
    # over, so they must be real wire frames with real checksums.
    ip netns exec "$ns" ethtool -K "$dev" tx off tso off gso off gro off >/dev/null 2>&1 || true
}

build_delay_bridge() {
    gcc -std=c11 -O2 -Wall -Wextra -o "$WORK/delay_bridge" "$LAB_DIR/delay_bridge.c"
}

# Only lab addresses may leave an end host; the counter shows if anything tried.
install_egress_guard() {
    local ns=$1
    ip netns exec "$ns" nft -f - <<EOF
table inet lab_guard {
    chain output {
        type filter hook output priority 0; policy accept;
        oif "lo" accept
        meta nfproto ipv4 ip daddr { $LAB_NETS4, 224.0.0.0/24 } accept
        meta nfproto ipv6 ip6 daddr { $LAB_NETS6, fe80::/10, ff02::/16 } accept
        meta nfproto { ipv4, ipv6 } counter name escaped drop
    }
    counter escaped { }
}
EOF
}

guard_count() {
    ip netns exec "$1" nft list counter inet lab_guard escaped 2>/dev/null |
        awk '/packets/ { print $2; exit }'
}

make_topology() {
    for ns in "$NS_CLIENT" "$NS_MIDDLE" "$NS_SERVER"; do
        ip netns del "$ns" 2>/dev/null || true
        ip netns add "$ns"
        ip netns exec "$ns" ip link set lo up
        ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.router_solicitations=0
    done
    ip link add cli0 netns "$NS_CLIENT" type veth peer name mid-c netns "$NS_MIDDLE"
    ip link add srv0 netns "$NS_SERVER" type veth peer name mid-s netns "$NS_MIDDLE"

    # The middle has no addresses and forwards nothing in the kernel: the
    # delay bridge is the only path, and it must not add frames of its own.
    ip netns exec "$NS_MIDDLE" sysctl -qw net.ipv4.ip_forward=0 \
        net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    for dev in mid-c mid-s; do
        ip netns exec "$NS_MIDDLE" sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=1"
        tune_interface "$NS_MIDDLE" "$dev"
        ip netns exec "$NS_MIDDLE" ip link set "$dev" up
    done

    tune_interface "$NS_CLIENT" cli0
    in_client ip addr add "$CLIENT4/16" dev cli0
    in_client ip addr add "$EXTERNAL_CLIENT4/32" dev cli0
    in_client ip -6 addr add "$CLIENT6/64" dev cli0 nodad
    in_client ip -6 addr add "$EXTERNAL_CLIENT6/128" dev cli0 nodad
    in_client ip link set cli0 up
    in_client ip route add "$SERVER4_FROM_OUTSIDE/32" dev cli0 src "$EXTERNAL_CLIENT4"
    # Pinned source addresses: IPv6 source selection would otherwise pick the
    # external client address (longest common prefix) for the external server.
    in_client ip route add "$EXTERNAL_SERVER4/32" dev cli0 src "$CLIENT4"
    in_client ip -6 route add "$SERVER6_FROM_OUTSIDE/128" dev cli0 src "$EXTERNAL_CLIENT6"
    in_client ip -6 route add "$EXTERNAL_SERVER6/128" dev cli0 src "$CLIENT6"

    tune_interface "$NS_SERVER" srv0
    in_server ip addr add "$SERVER4/16" dev srv0
    in_server ip addr add "$SERVER4_FROM_OUTSIDE/32" dev srv0
    in_server ip addr add "$EXTERNAL_SERVER4/32" dev srv0
    in_server ip -6 addr add "$SERVER6/64" dev srv0 nodad
    in_server ip -6 addr add "$SERVER6_FROM_OUTSIDE/128" dev srv0 nodad
    in_server ip -6 addr add "$EXTERNAL_SERVER6/128" dev srv0 nodad
    in_server ip link set srv0 up
    in_server ip route add "$EXTERNAL_CLIENT4/32" dev srv0
    in_server ip -6 route add "$EXTERNAL_CLIENT6/128" dev srv0

    install_egress_guard "$NS_CLIENT"
    install_egress_guard "$NS_SERVER"

    start_in "$NS_MIDDLE" delay_bridge 900 "$WORK/delay_bridge" mid-c mid-s $((DELAY_MS * 1000)) 890
    sleep 0.3
}

# --- Captures and truth files ----------------------------------------------
TRUTH_ROWS=()
PHASE_PIDS=()

# One truth row: a group of connections with the same client, server and
# port, and what a correct reading of the capture must say about them.
#   expect TRANSPORT CLIENT SERVER PORT CONNECTIONS OUTCOME FLAGS APP POLICY EVIDENCE WHAT
expect() {
    [ $# -eq 11 ] || { echo "expect: 11 fields, got $#: $*" >&2; exit 1; }
    local IFS=$'\t'
    TRUTH_ROWS+=("$*")
}

# Like start_in, but stopped at the end of the phase.
start_phase_service() {
    start_in "$@"
    PHASE_PIDS+=("${BACKGROUND_PIDS[-1]}")
}

stop_phase_services() {
    for pid in "${PHASE_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PHASE_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    PHASE_PIDS=()
}

start_captures() {
    local phase=$1 vantage ns dev
    TRUTH_ROWS=()
    for vantage in client server; do
        [ $vantage = client ] && { ns=$NS_CLIENT; dev=cli0; } || { ns=$NS_SERVER; dev=srv0; }
        start_phase_service "$ns" "capture-$phase-$vantage" 600 \
            dumpcap -q -i "$dev" -a duration:550 -w "$WORK/lab-$phase-$vantage.pcapng" \
            --capture-comment "Capture Triage lab, phase $phase, captured at the $vantage ($dev); one-way delay $DELAY_MS ms each direction (RTT $((2 * DELAY_MS)) ms)"
    done
    for vantage in client server; do
        for _ in $(seq 1 100); do
            grep -q "^Capturing on" "$WORK/logs/capture-$phase-$vantage.log" 2>/dev/null && break
            sleep 0.1
        done
    done
    sleep 0.5
}

write_truth() {
    local phase=$1 vantage=$2 file=$3
    {
        echo "# Capture Triage lab truth for lab-$phase-$vantage.pcapng (made by samples/lab/make-captures.sh)"
        echo "# capture_point=$vantage"
        echo "# one_way_delay_ms=$DELAY_MS"
        echo "# handshake_rtt_ms=$((2 * DELAY_MS))"
        printf 'transport\tclient\tserver\tserver_port\tconnections\toutcome\tflags\tapp\tpolicy\tevidence\twhat\n'
        printf '%s\n' "${TRUTH_ROWS[@]}"
    } > "$file"
}

finish_captures() {
    local phase=$1 vantage
    # Let the last FINs, retransmissions and delayed answers arrive.
    sleep 2
    stop_phase_services
    for vantage in client server; do
        cp "$WORK/lab-$phase-$vantage.pcapng" "$OUT_DIR/lab-$phase-$vantage.pcapng"
        chmod 644 "$OUT_DIR/lab-$phase-$vantage.pcapng"
        write_truth "$phase" "$vantage" "$OUT_DIR/lab-$phase-$vantage.truth.tsv"
    done
    log "phase $phase: wrote $OUT_DIR/lab-$phase-{client,server}.pcapng and truth files"
}

# --- Servers -----------------------------------------------------------------
make_certificate() {
    [ -e "$WORK/tls/cert.pem" ] && return
    mkdir -p "$WORK/tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
        -subj /CN=www.lab.test -addext "subjectAltName=DNS:www.lab.test" \
        -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" 2>/dev/null
}

# $@ = nginx listen arguments, e.g. "80" "[::]:80" "443 ssl".
start_nginx() {
    make_certificate
    mkdir -p "$WORK/nginx"
    {
        echo "worker_processes 1;"
        echo "daemon off;"
        echo "pid $WORK/nginx/nginx.pid;"
        echo "error_log $WORK/logs/nginx-error.log;"
        echo "events { worker_connections 64; }"
        echo "http {"
        echo "    access_log $WORK/logs/nginx-access.log;"
        echo "    server {"
        for listen in "$@"; do echo "        listen $listen;"; done
        echo "        server_name www.lab.test;"
        echo "        ssl_certificate $WORK/tls/cert.pem;"
        echo "        ssl_certificate_key $WORK/tls/key.pem;"
        echo "        location / { default_type text/plain; return 200 \"Capture Triage lab\\n\"; }"
        echo "    }"
        echo "}"
    } > "$WORK/nginx/nginx.conf"
    start_phase_service "$NS_SERVER" nginx 600 nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx"
    wait_for_port tcp 80
}

# $@ = more dnsmasq options (--host-record=NAME,ADDRESS,... for more names).
start_dnsmasq() {
    start_phase_service "$NS_SERVER" dnsmasq 600 dnsmasq --keep-in-foreground --conf-file=/dev/null \
        --no-resolv --no-hosts --bind-interfaces --user=root \
        --listen-address="$SERVER4" --listen-address="$SERVER6" \
        --host-record="www.lab.test,$SERVER4,$SERVER6" --pid-file="$WORK/dnsmasq.pid" --log-queries --log-facility=- \
        "$@"
    wait_for_port udp 53
}

# rpcbind, inetd and xrdp keep state under /run: give each its own empty /run
# so they neither see nor disturb the host's.
start_with_private_run() {
    local name=$1 setup=$2
    shift 2
    # Its own hostname too, so the telnet banner names the lab, not the host.
    start_phase_service "$NS_SERVER" "$name" 600 unshare --mount --uts --propagation private \
        sh -c "hostname lab-server && mount -t tmpfs lab-run /run && $setup && exec \"\$@\"" "$name" "$@"
}

start_rpcbind() {
    start_with_private_run rpcbind "mkdir -p /run/rpcbind" rpcbind -f
    wait_for_port tcp 111
}

start_telnetd() {
    # One dual-stack socket: inetutils-inetd cannot bind tcp4 and tcp6 side
    # by side, and a tcp6 socket takes IPv4 connections too.
    printf 'telnet stream tcp6 nowait root /usr/sbin/telnetd telnetd\n' > "$WORK/inetd.conf"
    start_with_private_run inetd "true" inetutils-inetd -d "$WORK/inetd.conf"
    wait_for_port tcp 23
}

start_xrdp() {
    start_with_private_run xrdp "mkdir -p /run/xrdp/sockdir" xrdp --nodaemon
    wait_for_port tcp 3389
}

# xfreerdp is an X11 client: it needs a display even to send its first packet.
# The X socket directory is shared with the host, so take a display number
# that nobody holds.
X_DISPLAY=
start_xvfb() {
    local number
    X_DISPLAY=
    for number in $(seq 170 199); do
        if [ ! -e "/tmp/.X$number-lock" ] && [ ! -e "/tmp/.X11-unix/X$number" ]; then
            X_DISPLAY=:$number
            break
        fi
    done
    [ -n "$X_DISPLAY" ] || { echo "no free X display in :170-:199" >&2; return 1; }
    start_phase_service "$NS_CLIENT" xvfb 600 Xvfb "$X_DISPLAY" -nolisten tcp -screen 0 800x600x24
    for _ in $(seq 1 50); do
        [ -S "/tmp/.X11-unix/X${X_DISPLAY#:}" ] && return 0
        sleep 0.1
    done
    echo "Xvfb did not start" >&2
    return 1
}

# --- Client programs ---------------------------------------------------------
# Failures are the point of several steps, so a client's exit status is
# logged, not fatal; verify_captures.py checks what reached the wire.
client() {
    in_client "$@" >> "$WORK/logs/clients.log" 2>&1 || echo "  (exit $? from: $*)" >> "$WORK/logs/clients.log"
}
http_get() { client curl -sS -o /dev/null --noproxy '*' --max-time 10 "$@"; }
https_get() { client curl -sSk -o /dev/null --noproxy "*" --max-time 10 --resolve "www.lab.test:443:$(url_host "$1")" https://www.lab.test/; }
dns_query() { client dig +tries=1 +time=2 "$@"; }
# v4/v6 literal in a URL
url_host() { case "$1" in *:*) echo "[$1]" ;; *) echo "$1" ;; esac; }

# SYN scan of one port: the scanner's kernel answers the SYN/ACK with a RST.
syn_scan() {
    local family=
    case "$1" in *:*) family=-6 ;; esac
    client nmap $family -n -Pn -sS --max-retries 0 -p "$2" "$1"
}

# --- Phase rtt: handshake RTTs and every handshake outcome ---------------------
phase_rtt() {
    start_nginx 80 "[::]:80" "443 ssl" "[::]:443 ssl" 8080 "[::]:8080" 8081 "[::]:8081"
    start_dnsmasq
    # 8443: SYNs vanish (unanswered).  8444: SYNs get an ICMP error.  8080:
    # the first SYN of each family vanishes, the client's retransmission gets
    # through (a Karn-ambiguous SYN -> SYN/ACK leg).
    in_server nft -f - <<NFT
table inet lab_faults {
    chain input {
        type filter hook input priority 0; policy accept;
        tcp dport 8443 drop
        tcp dport 8444 reject with icmpx type admin-prohibited
        meta nfproto ipv4 tcp dport 8080 tcp flags & (syn | ack) == syn quota until 100 bytes drop
        meta nfproto ipv6 tcp dport 8080 tcp flags & (syn | ack) == syn quota until 100 bytes drop
    }
}
NFT
    # 8081: the scanner's RST never leaves the client, so the server keeps
    # retransmitting its SYN/ACK (a half-open, incomplete handshake).
    in_client nft -f - <<NFT
table inet lab_faults {
    chain output {
        type filter hook output priority 0; policy accept;
        tcp dport 8081 tcp flags rst drop
    }
}
NFT
    start_captures rtt

    # First, so the server's SYN/ACK retransmissions (1 s, 3 s, 7 s...) fall
    # inside the capture.
    syn_scan "$SERVER4" 8081
    syn_scan "$SERVER6" 8081
    expect tcp "$CLIENT4" "$SERVER4" 8081 1 incomplete synack_retransmitted - clean - "nmap -sS; the client's RST is dropped before the wire"
    expect tcp "$CLIENT6" "$SERVER6" 8081 1 incomplete synack_retransmitted - clean - "nmap -6 -sS; the client's RST is dropped before the wire"

    dns_query @"$SERVER4" www.lab.test A
    dns_query @"$SERVER6" www.lab.test AAAA
    expect udp "$CLIENT4" "$SERVER4" 53 1 answered - dns clean dns "dig A (dnsmasq)"
    expect udp "$CLIENT6" "$SERVER6" 53 1 answered - dns clean dns "dig AAAA (dnsmasq)"
    dns_query +tcp @"$SERVER4" www.lab.test AAAA
    dns_query +tcp @"$SERVER6" www.lab.test A
    expect tcp "$CLIENT4" "$SERVER4" 53 1 completed - dns clean dns "dig +tcp AAAA (dnsmasq)"
    expect tcp "$CLIENT6" "$SERVER6" 53 1 completed - dns clean dns "dig +tcp A (dnsmasq)"

    for _ in 1 2; do
        http_get "http://$SERVER4/"
        http_get "http://[$SERVER6]/"
    done
    expect tcp "$CLIENT4" "$SERVER4" 80 2 completed - http clean http "curl GET / (nginx)"
    expect tcp "$CLIENT6" "$SERVER6" 80 2 completed - http clean http "curl GET / (nginx)"
    https_get "$SERVER4"
    https_get "$SERVER6"
    expect tcp "$CLIENT4" "$SERVER4" 443 1 completed - tls clean tls "curl -k https:// (nginx, TLS 1.3)"
    expect tcp "$CLIENT6" "$SERVER6" 443 1 completed - tls clean tls "curl -k https:// (nginx, TLS 1.3)"

    # Inbound from the internet, and outbound to it.
    http_get "http://$SERVER4_FROM_OUTSIDE/"
    http_get "http://[$SERVER6_FROM_OUTSIDE]/"
    expect tcp "$EXTERNAL_CLIENT4" "$SERVER4_FROM_OUTSIDE" 80 1 completed - http clean http "curl from an external address"
    expect tcp "$EXTERNAL_CLIENT6" "$SERVER6_FROM_OUTSIDE" 80 1 completed - http clean http "curl from an external address"
    http_get "http://$EXTERNAL_SERVER4/"
    https_get "$EXTERNAL_SERVER6"
    expect tcp "$CLIENT4" "$EXTERNAL_SERVER4" 80 1 completed - http clean http "curl to an external server"
    expect tcp "$CLIENT6" "$EXTERNAL_SERVER6" 443 1 completed - tls clean tls "curl -k to an external server"

    http_get "http://$SERVER4:9/"
    http_get "http://[$SERVER6]:9/"
    expect tcp "$CLIENT4" "$SERVER4" 9 1 refused - - clean - "curl to a closed port: RST/ACK"
    expect tcp "$CLIENT6" "$SERVER6" 9 1 refused - - clean - "curl to a closed port: RST/ACK"

    http_get --connect-timeout 3.5 "http://$SERVER4:8443/"
    http_get --connect-timeout 0.5 "http://[$SERVER6]:8443/"
    expect tcp "$CLIENT4" "$SERVER4" 8443 1 unanswered syn_retransmitted - clean - "curl --connect-timeout 3.5; server drops SYNs (SYN retransmitted)"
    expect tcp "$CLIENT6" "$SERVER6" 8443 1 unanswered - - clean - "curl --connect-timeout 0.5; server drops the SYN"

    http_get "http://$SERVER4:8444/"
    http_get "http://[$SERVER6]:8444/"
    expect tcp "$CLIENT4" "$SERVER4" 8444 1 unanswered icmp_error - clean - "curl; SYN answered by ICMP admin-prohibited (TCP header quoted in ICMP)"
    expect tcp "$CLIENT6" "$SERVER6" 8444 1 unanswered icmp_error - clean - "curl; SYN answered by ICMPv6 admin-prohibited (TCP header quoted in ICMPv6)"

    http_get "http://$SERVER4:8080/"
    http_get "http://[$SERVER6]:8080/"
    expect tcp "$CLIENT4" "$SERVER4" 8080 1 completed ambiguous_syn http clean http "curl; first SYN dropped, retransmitted SYN answered (SYN->SYN/ACK leg ambiguous)"
    expect tcp "$CLIENT6" "$SERVER6" 8080 1 completed ambiguous_syn http clean http "curl; first SYN dropped, retransmitted SYN answered (SYN->SYN/ACK leg ambiguous)"

    syn_scan "$SERVER4" 80
    syn_scan "$SERVER6" 80
    expect tcp "$CLIENT4" "$SERVER4" 80 1 client_reset - - clean - "nmap -sS: SYN, SYN/ACK, RST from the client"
    expect tcp "$CLIENT6" "$SERVER6" 80 1 client_reset - - clean - "nmap -6 -sS: SYN, SYN/ACK, RST from the client"

    # (Not 5353: Wireshark would call that mDNS.)
    dns_query -p 5300 @"$SERVER4" www.lab.test A
    dns_query -p 5300 @"$SERVER6" www.lab.test A
    expect udp "$CLIENT4" "$SERVER4" 5300 1 icmp_unreachable icmp_error dns clean - "dig to a closed UDP port: ICMP port unreachable"
    expect udp "$CLIENT6" "$SERVER6" 5300 1 icmp_unreachable icmp_error dns clean - "dig to a closed UDP port: ICMPv6 port unreachable"

    finish_captures rtt
    in_server nft delete table inet lab_faults
    in_client nft delete table inet lab_faults
}

# --- Phase policy: unwanted protocols next to clean HTTP, DNS and TLS ----------
telnet_login_attempt() {
    # A user name and a wrong password, typed as a person would.
    (sleep 1.5; printf 'labuser\r\n'; sleep 1; printf 'wrong-password\r\n'; sleep 5) |
        client timeout 15 telnet "$@"
}

rdp_connect() {
    client env DISPLAY="$X_DISPLAY" timeout 10 xfreerdp /v:"$(url_host "$1")" /u:labuser /p:wrong-password \
        /cert:ignore +auth-only
}

phase_policy() {
    start_nginx 80 "[::]:80" "443 ssl" "[::]:443 ssl"
    start_dnsmasq
    start_rpcbind
    start_telnetd
    start_xrdp
    start_xvfb
    start_phase_service "$NS_SERVER" stratum-pool 600 "$PYTHON" "$LAB_DIR/stratum_lab.py" serve :: 3333 500
    wait_for_port tcp 3333
    start_captures policy

    dns_query @"$SERVER4" www.lab.test A
    http_get "http://$SERVER4/"
    https_get "$SERVER6"
    expect udp "$CLIENT4" "$SERVER4" 53 1 answered - dns clean dns "dig A (dnsmasq)"
    expect tcp "$CLIENT4" "$SERVER4" 80 1 completed - http clean http "curl GET / (nginx)"
    expect tcp "$CLIENT6" "$SERVER6" 443 1 completed - tls clean tls "curl -k https:// (nginx)"

    client rpcinfo -p "$SERVER4"
    client rpcinfo -T udp "$SERVER4" 100000 2
    client rpcinfo -p "$SERVER6"
    # rpcinfo -p opens two connections: RPCBPROC_GETADDR (v4), then the v2 DUMP.
    expect tcp "$CLIENT4" "$SERVER4" 111 2 completed - portmap flag:portmap portmap "rpcinfo -p (rpcbind): GETADDR, then DUMP"
    expect udp "$CLIENT4" "$SERVER4" 111 1 answered - portmap flag:portmap portmap "rpcinfo -T udp HOST 100000 2 (rpcbind): GETADDR and NULL"
    expect tcp "$CLIENT6" "$SERVER6" 111 2 completed - portmap flag:portmap portmap "rpcinfo -p (rpcbind) over IPv6: GETADDR, then DUMP"

    telnet_login_attempt "$SERVER4"
    telnet_login_attempt "$SERVER6_FROM_OUTSIDE"
    expect tcp "$CLIENT4" "$SERVER4" 23 1 completed - telnet flag:telnet telnet "telnet, failed login (inetutils-telnetd)"
    expect tcp "$EXTERNAL_CLIENT6" "$SERVER6_FROM_OUTSIDE" 23 1 completed - telnet flag:telnet telnet "telnet from an external address, failed login"

    rdp_connect "$SERVER4"
    rdp_connect "$SERVER4_FROM_OUTSIDE"
    rdp_connect "$SERVER6_FROM_OUTSIDE"
    expect tcp "$CLIENT4" "$SERVER4" 3389 1 completed - rdp flag:rdp rdp "xfreerdp +auth-only to xrdp from an internal address"
    expect tcp "$EXTERNAL_CLIENT4" "$SERVER4_FROM_OUTSIDE" 3389 1 completed - rdp flag:rdp rdp "xfreerdp +auth-only to xrdp from an external address"
    expect tcp "$EXTERNAL_CLIENT6" "$SERVER6_FROM_OUTSIDE" 3389 1 completed - rdp flag:rdp rdp "xfreerdp +auth-only to xrdp from an external address"

    client "$PYTHON" "$LAB_DIR/stratum_lab.py" mine "$EXTERNAL_SERVER4" 3333
    client "$PYTHON" "$LAB_DIR/stratum_lab.py" mine "$EXTERNAL_SERVER6" 3333
    expect tcp "$CLIENT4" "$EXTERNAL_SERVER4" 3333 1 completed - stratum flag:stratum 'tcp.payload contains "mining.subscribe"' "Stratum JSON: subscribe, authorize, notify, submit"
    expect tcp "$CLIENT6" "$EXTERNAL_SERVER6" 3333 1 completed - stratum flag:stratum 'tcp.payload contains "mining.subscribe"' "Stratum JSON: subscribe, authorize, notify, submit"

    finish_captures policy
}

# --- Phase p2p: BitTorrent peer wire, uTP and DHT next to clean traffic --------
phase_p2p() {
    # 443 on the internal address only: the external one is a BitTorrent peer's.
    start_nginx "$SERVER4:80" "$SERVER4:443 ssl"
    start_dnsmasq
    mkdir -p "$WORK/torrent" "$WORK/leech1" "$WORK/leech2" "$WORK/leech3" "$WORK/leech4"
    "$PYTHON" "$LAB_DIR/bt_peer.py" make-torrent "$WORK/torrent"
    local torrent=$WORK/torrent/lab.torrent
    start_phase_service "$NS_SERVER" bt-seed 600 "$PYTHON" "$LAB_DIR/bt_peer.py" seed "$torrent" "$WORK/torrent" \
        "$SERVER4:6881,[$SERVER6]:51413,$EXTERNAL_SERVER4:443,$EXTERNAL_SERVER4:51413" 500
    local seed_pid=${BACKGROUND_PIDS[-1]}
    wait_for_port tcp 6881
    wait_for_port tcp 443
    wait_for_port udp 51413
    start_captures p2p

    dns_query @"$SERVER4" www.lab.test A
    http_get "http://$SERVER4/"
    https_get "$SERVER4"
    expect udp "$CLIENT4" "$SERVER4" 53 1 answered - dns clean dns "dig A (dnsmasq)"
    expect tcp "$CLIENT4" "$SERVER4" 80 1 completed - http clean http "curl GET / (nginx)"
    expect tcp "$CLIENT4" "$SERVER4" 443 1 completed - tls clean tls "curl -k https:// (nginx)"

    local leech=("$PYTHON" "$LAB_DIR/bt_peer.py" leech "$torrent")
    client "${leech[@]}" "$WORK/leech1" "$CLIENT4:0" "$SERVER4:6881" tcp 20
    client "${leech[@]}" "$WORK/leech2" "[$CLIENT6]:0" "[$SERVER6]:51413" tcp 20
    client "${leech[@]}" "$WORK/leech3" "$CLIENT4:0" "$EXTERNAL_SERVER4:443" tcp 20
    client "${leech[@]}" "$WORK/leech4" "$CLIENT4:0" "$EXTERNAL_SERVER4:51413" utp 20
    local bt_evidence='tcp.payload contains "BitTorrent protocol"'
    expect tcp "$CLIENT4" "$SERVER4" 6881 1 completed - bittorrent flag:bittorrent "$bt_evidence" "libtorrent peer wire, 48 KiB download"
    expect tcp "$CLIENT6" "$SERVER6" 51413 1 completed - bittorrent flag:bittorrent "$bt_evidence" "libtorrent peer wire on a high port"
    expect tcp "$CLIENT4" "$EXTERNAL_SERVER4" 443 1 completed - bittorrent flag:bittorrent "$bt_evidence" "libtorrent peer wire on 443 (Wireshark shows it as TLS)"
    expect udp "$CLIENT4" "$EXTERNAL_SERVER4" 51413 1 answered - bt-utp flag:bittorrent bt-utp "libtorrent over uTP (decoded with --enable-heuristic bt_utp_udp)"

    # The seeder's UDP 6881 becomes a DHT node's.
    kill -TERM "$seed_pid"
    wait "$seed_pid" 2>/dev/null || true
    start_phase_service "$NS_SERVER" dht-node 600 "$PYTHON" "$LAB_DIR/bt_peer.py" dht "$torrent" "$SERVER4:6881" 500
    wait_for_port udp 6881
    client "$PYTHON" "$LAB_DIR/bt_peer.py" dht "$torrent" "$CLIENT4:6881" "$SERVER4:6881" 4
    expect udp "$CLIENT4" "$SERVER4" 6881 1 answered - bt-dht flag:bittorrent bt-dht "libtorrent DHT: ping, find_node, get_peers"

    finish_captures p2p
}

# --- Phase evidence: services on ports that belong to others, and IRC ----------
# TLS (openssl s_client) to s_server on 6881, where Wireshark labels it
# BitTorrent, and on Tor's 9001; an HL7 v2 interface over MLLP on 6661,
# inside IRC's ports; real IRC on 6667.  The default policy must call the
# first three "port only" notes and keep IRC a warning.  198.51.100.20:9001
# stands for a Tor relay: the tests give a relay list naming it.  A
# BitTorrent tracker on 6969 answers an HTTP announce (curl) and a UDP
# tracker connect and announce (BEP 15); a plain web request to the same
# server stays clean.
tls_get() {
    client timeout 10 sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | openssl s_client -quiet -connect $(url_host "$1"):$2 -servername www.lab.test"
}

phase_evidence() {
    make_certificate
    local tls_server=(openssl s_server -quiet -www -cert "$WORK/tls/cert.pem" -key "$WORK/tls/key.pem")
    start_phase_service "$NS_SERVER" tls-6881 600 "${tls_server[@]}" -accept 6881
    start_phase_service "$NS_SERVER" tls-9001 600 "${tls_server[@]}" -accept 9001
    start_phase_service "$NS_SERVER" hl7 600 "$PYTHON" "$LAB_DIR/evidence_lab.py" serve hl7 0.0.0.0 6661 500
    start_phase_service "$NS_SERVER" irc 600 "$PYTHON" "$LAB_DIR/evidence_lab.py" serve irc 0.0.0.0 6667 500
    # One per address: a UDP answer must leave from the address it was sent to.
    start_phase_service "$NS_SERVER" tracker 600 "$PYTHON" "$LAB_DIR/evidence_lab.py" serve tracker "$EXTERNAL_SERVER4" 6969 500
    start_phase_service "$NS_SERVER" web-6969 600 "$PYTHON" "$LAB_DIR/evidence_lab.py" serve tracker "$SERVER4" 6969 500
    wait_for_port tcp 6969
    wait_for_port udp 6969
    wait_for_port tcp 6881
    wait_for_port tcp 9001
    wait_for_port tcp 6661
    wait_for_port tcp 6667
    start_captures evidence

    local tls_evidence='tcp.payload[0:2] == 16:03'
    tls_get "$SERVER4" 6881
    expect tcp "$CLIENT4" "$SERVER4" 6881 1 completed - tls port-only:bittorrent "$tls_evidence" "openssl s_client to s_server on 6881 (Wireshark labels it bittorrent)"
    client "$PYTHON" "$LAB_DIR/evidence_lab.py" hl7 "$SERVER4" 6661
    expect tcp "$CLIENT4" "$SERVER4" 6661 1 completed - hl7 port-only:irc 'tcp.payload contains "MSH|"' "HL7 v2 over MLLP on 6661: ORU^R01 result, ACK"
    tls_get "$SERVER4" 9001
    expect tcp "$CLIENT4" "$SERVER4" 9001 1 completed - tls port-only:tor "$tls_evidence" "openssl s_client to s_server on Tor's 9001"
    tls_get "$EXTERNAL_SERVER4" 9001
    expect tcp "$CLIENT4" "$EXTERNAL_SERVER4" 9001 1 completed - tls port-only:tor "$tls_evidence" "openssl s_client to a lab stand-in for a Tor relay (9001)"
    client "$PYTHON" "$LAB_DIR/evidence_lab.py" irc "$SERVER4" 6667
    expect tcp "$CLIENT4" "$SERVER4" 6667 1 completed - irc flag:irc 'tcp.payload contains "NICK "' "IRC registration: NOTICE AUTH, NICK, USER, 001 welcome, QUIT"

    local info_hash=%01%02%03%04%05%06%07%08%09%0a%0b%0c%0d%0e%0f%10%11%12%13%14
    http_get "http://$EXTERNAL_SERVER4:6969/announce?info_hash=$info_hash&peer_id=-LT2080-labclient001&port=6881&uploaded=0&downloaded=0&left=0&event=started&compact=1"
    expect tcp "$CLIENT4" "$EXTERNAL_SERVER4" 6969 1 completed - bt-tracker flag:bittorrent 'tcp.payload contains "?info_hash="' "curl: HTTP tracker announce (python http.server)"
    client "$PYTHON" "$LAB_DIR/evidence_lab.py" udp-announce "$EXTERNAL_SERVER4" 6969
    expect udp "$CLIENT4" "$EXTERNAL_SERVER4" 6969 1 answered - bt-tracker flag:bittorrent 'frame contains 00:00:04:17:27:10:19:80:00:00:00:00' "UDP tracker connect, then announce (BEP 15)"
    http_get "http://$SERVER4:6969/index.html"
    expect tcp "$CLIENT4" "$SERVER4" 6969 1 completed - http clean http "curl GET /index.html from the same server: 404"

    finish_captures evidence
}

# --- Phase hosts: names a client asks for, from the default policy's lists -------
# dnsmasq answers for www.lab.test and for two names of the default policy's
# lists, a BitTorrent tracker and a Monero pool, with lab addresses; dig asks
# for all three.  curl and openssl s_client then reach the listed names by
# their names (--resolve or -servername: the names in the TLS ClientHello and
# the HTTP Host are what the plugin reads): an HTTP announce and a plain GET
# to the tracker on 6969, a UDP tracker connect, TLS to the pool and to the
# tracker.  The server advertises an MSS of 300 to the client's IPv4 address,
# so curl's ClientHellos (517 bytes) come in two TCP segments.  Plain DNS,
# HTTP and TLS to www.lab.test stay clean.
LISTED_TRACKER=tracker.opentrackr.org
LISTED_POOL=pool.supportxmr.com

phase_hosts() {
    start_nginx "$SERVER4:80" "$SERVER4:443 ssl"
    start_dnsmasq --host-record="$LISTED_TRACKER,$EXTERNAL_SERVER4,$EXTERNAL_SERVER6" \
        --host-record="$LISTED_POOL,$EXTERNAL_SERVER4"
    local tls_server=(openssl s_server -quiet -www -cert "$WORK/tls/cert.pem" -key "$WORK/tls/key.pem")
    start_phase_service "$NS_SERVER" tls-pool 600 "${tls_server[@]}" -accept "$EXTERNAL_SERVER4:443"
    start_phase_service "$NS_SERVER" tls-tracker 600 "${tls_server[@]}" -accept "[$EXTERNAL_SERVER6]:443"
    start_phase_service "$NS_SERVER" tracker 600 "$PYTHON" "$LAB_DIR/evidence_lab.py" serve tracker "$EXTERNAL_SERVER4" 6969 500
    wait_for_port tcp 6969
    wait_for_port udp 6969
    wait_for_port tcp 443
    sleep 0.5 # s_server on the external addresses
    in_server ip route replace "$CLIENT4/32" dev srv0 advmss 300
    start_captures hosts

    dns_query @"$SERVER4" "$LISTED_TRACKER" A
    dns_query @"$SERVER4" "$LISTED_POOL" A
    dns_query @"$SERVER4" www.lab.test A
    expect udp "$CLIENT4" "$SERVER4" 53 3 answered - dns clean 'dns.flags.response == 0' "dig A: $LISTED_TRACKER and $LISTED_POOL (lookups of listed names), www.lab.test"

    http_get "http://$SERVER4/"
    client curl -sSk -o /dev/null --noproxy "*" --max-time 10 --resolve "www.lab.test:443:$SERVER4" https://www.lab.test/
    expect tcp "$CLIENT4" "$SERVER4" 80 1 completed - http clean http "curl GET / (nginx)"
    expect tcp "$CLIENT4" "$SERVER4" 443 1 completed - tls clean 'tls.handshake.extensions_server_name == "www.lab.test"' "curl https://www.lab.test/ (nginx)"

    local info_hash=%01%02%03%04%05%06%07%08%09%0a%0b%0c%0d%0e%0f%10%11%12%13%14
    local resolve_tracker=(--resolve "$LISTED_TRACKER:6969:$EXTERNAL_SERVER4")
    http_get "${resolve_tracker[@]}" "http://$LISTED_TRACKER:6969/announce?info_hash=$info_hash&peer_id=-LT2080-labclient001&port=6881&uploaded=0&downloaded=0&left=0&event=started&compact=1"
    http_get "${resolve_tracker[@]}" "http://$LISTED_TRACKER:6969/"
    expect tcp "$CLIENT4" "$EXTERNAL_SERVER4" 6969 2 completed - bt-tracker flag:bittorrent "tcp.payload contains \"Host: $LISTED_TRACKER:6969\"" "curl: HTTP announce, then GET / by the tracker's name"
    client "$PYTHON" "$LAB_DIR/evidence_lab.py" udp-announce "$EXTERNAL_SERVER4" 6969
    expect udp "$CLIENT4" "$EXTERNAL_SERVER4" 6969 1 answered - bt-tracker flag:bittorrent 'frame contains 00:00:04:17:27:10:19:80:00:00:00:00' "UDP tracker connect, then announce (BEP 15)"

    client curl -sSk -o /dev/null --noproxy "*" --max-time 10 --resolve "$LISTED_POOL:443:$EXTERNAL_SERVER4" "https://$LISTED_POOL/"
    expect tcp "$CLIENT4" "$EXTERNAL_SERVER4" 443 1 completed - tls flag:mining "tls.handshake.type == 1 && tcp.segment.count >= 2 && tls.handshake.extensions_server_name == \"$LISTED_POOL\"" "curl https:// to the pool's name (openssl s_server): the ClientHello in two segments (MSS 300)"
    client timeout 10 sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | openssl s_client -quiet -connect [$EXTERNAL_SERVER6]:443 -servername $LISTED_TRACKER"
    expect tcp "$CLIENT6" "$EXTERNAL_SERVER6" 443 1 completed - tls flag:bittorrent "tls.handshake.extensions_server_name == \"$LISTED_TRACKER\"" "openssl s_client -servername the tracker's name"

    finish_captures hosts
    in_server ip route del "$CLIENT4/32" dev srv0
}

# --- Main --------------------------------------------------------------------
export HOME="$WORK/home"   # xfreerdp and others write dotfiles: not into root's
mkdir -p "$HOME"
build_delay_bridge
make_topology
for address in "$SERVER4" "$SERVER6" "$EXTERNAL_SERVER4" "$EXTERNAL_SERVER6"; do
    in_client ping -q -c 1 -W 2 "$address" > /dev/null
done
in_client ping -q -c 1 -W 2 -I "$EXTERNAL_CLIENT4" "$SERVER4_FROM_OUTSIDE" > /dev/null
in_client ping -q -c 1 -W 2 -I "$EXTERNAL_CLIENT6" "$SERVER6_FROM_OUTSIDE" > /dev/null
log "topology up: one-way delay $DELAY_MS ms in $NS_MIDDLE"

# A phase whose captures fail verification (a handshake off by more than
# 0.5 ms because the machine was busy, a program that behaved differently) is
# recorded again, at most five times.
for phase in "${PHASES[@]}"; do
    for attempt in 1 2 3 4 5; do
        log "phase $phase, attempt $attempt"
        "phase_$phase"
        if "$PYTHON" "$LAB_DIR/verify_captures.py" "$OUT_DIR/lab-$phase-client.pcapng" \
            "$OUT_DIR/lab-$phase-server.pcapng" > "$WORK/logs/verify-$phase.log" 2>&1; then
            break
        fi
        cat "$WORK/logs/verify-$phase.log" >&2
        [ "$attempt" = 5 ] && { echo "phase $phase failed verification five times" >&2; exit 1; }
    done
done

for ns in "$NS_CLIENT" "$NS_SERVER"; do
    escaped=$(guard_count "$ns")
    if [ "${escaped:-0}" != 0 ]; then
        echo "$ns tried to send $escaped packets outside the lab ranges (dropped)" >&2
        exit 1
    fi
done
kill -TERM "${BACKGROUND_PIDS[0]}" && wait "${BACKGROUND_PIDS[0]}" || true
cat "$WORK/logs/delay_bridge.log" >&2
verify | tee "$OUT_DIR/verification.txt"
