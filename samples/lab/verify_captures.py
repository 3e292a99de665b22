#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks lab captures against their truth files with tshark alone.

    verify_captures.py CAPTURE.pcapng...

For each capture it reads CAPTURE.truth.tsv (same name, .truth.tsv) and
checks, independently of the plugin:
  * the TCP connections and UDP flows, grouped by (transport, client, server,
    server port, outcome), are exactly the truth rows' counts: nothing
    missing, nothing extra;
  * each row's flags (ambiguous_syn, syn_retransmitted,
    synack_retransmitted, icmp_error) hold;
  * every completed handshake's RTT (last SYN -> SYN/ACK -> ACK) and
    Wireshark's tcp.analysis.initial_rtt (two passes) are within 0.5 ms of
    the configured RTT, and the leg that carries it is the one the capture
    point predicts (client: SYN -> SYN/ACK, server: SYN/ACK -> ACK);
  * each row's evidence display filter matches frames of that row's hosts
    and port, i.e. the protocol is really there;
  * the capture is under 300 KB.
It prints a summary per capture and exits non-zero on any failure.
"""
import collections
import os
import subprocess
import sys

TOLERANCE = 0.0005  # seconds
MAX_CAPTURE_BYTES = 300 * 1024
# uTP is only decoded with its heuristic on (it is off by default).
TSHARK = ["tshark", "--enable-heuristic", "bt_utp_udp"]


def tshark_fields(capture, display_filter, fields, two_pass=False):
    command = TSHARK + ["-r", capture, "-Y", display_filter, "-T", "fields", "-E", "occurrence=f"]
    if two_pass:
        command.append("-2")
    for field in fields:
        command += ["-e", field]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in output.splitlines()]


def read_truth(path):
    settings, rows = {}, []
    header = None
    with open(path, encoding="utf-8") as truth:
        for line in truth:
            line = line.rstrip("\n")
            if line.startswith("#"):
                key, _, value = line[1:].strip().partition("=")
                if value:
                    settings[key] = value
            elif header is None:
                header = line.split("\t")
            elif line:
                rows.append(dict(zip(header, line.split("\t"))))
    return settings, rows


class TcpConnection:
    def __init__(self):
        self.client = self.server = None
        self.server_port = None
        self.syn_times = []          # client SYNs
        self.synack = None           # (time, seq_raw) of the first SYN/ACK
        self.synack_times = []
        self.syns_before_synack = 0
        self.ack_time = None
        self.synacks_before_ack = 0
        self.server_rst_before_synack = False
        self.client_rst_after_synack = False

    def add(self, time, source, destination, source_port, destination_port, syn, ack, rst, seq, ack_number):
        if syn and not ack:
            if self.client is None:
                self.client, self.server, self.server_port = source, destination, destination_port
            if self.synack is None:
                self.syn_times.append(time)
            return
        if self.client is None:
            # No SYN seen: the roles come from the SYN/ACK, if any.
            if syn and ack:
                self.client, self.server, self.server_port = destination, source, source_port
            else:
                return
        from_client = source == self.client
        if syn and ack and not from_client:
            self.synack_times.append(time)
            if self.synack is None:
                self.synack = (time, seq)
                self.syns_before_synack = len(self.syn_times)
            return
        if rst and not from_client and self.synack is None:
            self.server_rst_before_synack = True
        if from_client and self.synack is not None and self.ack_time is None:
            if rst:
                self.client_rst_after_synack = True
            elif ack and not syn and ack_number == (self.synack[1] + 1) % 2**32:
                self.ack_time = time
                self.synacks_before_ack = len(self.synack_times)

    def outcome(self):
        if not self.syn_times:
            return "synack_only" if self.synack else "no_handshake"
        if self.synack is None:
            return "refused" if self.server_rst_before_synack else "unanswered"
        if self.ack_time is not None:
            return "completed"
        return "client_reset" if self.client_rst_after_synack else "incomplete"

    def syn_to_synack(self):
        last_syn = self.syn_times[self.syns_before_synack - 1]
        return self.synack[0] - last_syn

    def synack_to_ack(self):
        return self.ack_time - self.synack_times[self.synacks_before_ack - 1]


def tcp_connections(capture):
    fields = ["tcp.stream", "frame.time_epoch", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
              "tcp.srcport", "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.reset",
              "tcp.seq_raw", "tcp.ack_raw"]
    connections = collections.defaultdict(TcpConnection)
    # TCP headers quoted inside ICMP errors are not connection packets.
    for row in tshark_fields(capture, "tcp && !icmp && !icmpv6", fields):
        stream, time, src4, dst4, src6, dst6, sport, dport, syn, ack, rst, seq, ack_number = row
        connections[int(stream)].add(
            float(time), src4 or src6, dst4 or dst6, int(sport), int(dport),
            syn in ("1", "True"), ack in ("1", "True"), rst in ("1", "True"), int(seq), int(ack_number or 0))
    return connections


def udp_flows(capture):
    """UDP flows keyed by the unordered 5-tuple; the responder is the receiver
    of the first packet."""
    flows = {}
    fields = ["ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "udp.srcport", "udp.dstport"]
    for src4, dst4, src6, dst6, sport, dport in tshark_fields(capture, "udp && !icmp && !icmpv6", fields):
        source, destination = (src4 or src6, int(sport)), (dst4 or dst6, int(dport))
        key = frozenset((source, destination))
        flow = flows.setdefault(key, {"client": source, "server": destination, "answered": False})
        if source == flow["server"]:
            flow["answered"] = True
    return flows


def icmp_errors(capture):
    """(quoted destination address, quoted destination port) of every ICMP error."""
    quoted = set()
    fields = ["ip.dst", "ipv6.dst", "tcp.dstport", "udp.dstport"]
    # occurrence=l: the quoted (innermost) header's fields.
    command = TSHARK + ["-r", capture, "-Y", "icmp.type == 3 || icmpv6.type == 1", "-T", "fields",
                        "-E", "occurrence=l"]
    for field in fields:
        command += ["-e", field]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    for line in output.splitlines():
        dst4, dst6, tcp_port, udp_port = line.split("\t")
        quoted.add((dst4 or dst6, int(tcp_port or udp_port)))
    return quoted


def initial_rtts(capture):
    rtts = {}
    for stream, rtt in tshark_fields(capture, "tcp.analysis.initial_rtt", ["tcp.stream", "tcp.analysis.initial_rtt"],
                                     two_pass=True):
        rtts.setdefault(int(stream), float(rtt))
    return rtts


def host_filter(address):
    return ("ipv6.addr == %s" if ":" in address else "ip.addr == %s") % address


def count_frames(capture, display_filters):
    """Frames matching each filter, in one pass (one io,stat column each)."""
    if not display_filters:
        return []
    statistic = "io,stat,0," + ",".join(display_filters)
    output = subprocess.run(TSHARK + ["-r", capture, "-q", "-z", statistic], check=True, capture_output=True,
                            text=True).stdout
    totals = [line for line in output.splitlines() if "<>" in line][-1]
    cells = [cell.strip() for cell in totals.strip("|").split("|")[1:]]
    return [int(cell) for cell in cells[0::2]]


def protocol_frames(capture):
    """Frames per protocol name, as in tshark -z io,phs, but summed over
    every position a protocol appears in (IPv4 and IPv6, nested or not)."""
    output = subprocess.run(TSHARK + ["-r", capture, "-T", "fields", "-e", "frame.protocols"], check=True,
                            capture_output=True, text=True).stdout
    counts = collections.Counter()
    for line in output.splitlines():
        counts.update(set(line.split(":")))
    return counts, len(output.splitlines())


def verify(capture):
    failures = []
    truth_path = capture[: -len(".pcapng")] + ".truth.tsv"
    settings, rows = read_truth(truth_path)
    expected_rtt = float(settings["handshake_rtt_ms"]) / 1000
    vantage = settings["capture_point"]
    size = os.path.getsize(capture)
    if size >= MAX_CAPTURE_BYTES:
        failures.append("capture is %d bytes (limit %d)" % (size, MAX_CAPTURE_BYTES))

    connections = tcp_connections(capture)
    flows = udp_flows(capture)
    quoted = icmp_errors(capture)
    iRTT = initial_rtts(capture)

    observed = collections.defaultdict(list)  # group -> [connection or flow]
    for stream, connection in sorted(connections.items()):
        if connection.client is None:
            failures.append("tcp.stream %d: no SYN or SYN/ACK" % stream)
            continue
        group = ("tcp", connection.client, connection.server, str(connection.server_port), connection.outcome())
        observed[group].append((stream, connection))
    for flow in flows.values():
        client, (server, port) = flow["client"][0], flow["server"]
        if flow["answered"]:
            outcome = "answered"
        elif (server, port) in quoted:
            outcome = "icmp_unreachable"
        else:
            outcome = "unanswered"
        observed[("udp", client, server, str(port), outcome)].append((None, flow))

    handshakes, legs, wireshark_rtts = [], [], []
    evidence = []  # (row label, evidence filter, filter restricted to the row)
    for row in rows:
        group = (row["transport"], row["client"], row["server"], row["server_port"], row["outcome"])
        found = observed.pop(group, [])
        label = "%s %s -> %s:%s %s" % group
        if len(found) != int(row["connections"]):
            failures.append("%s: %d connections, truth says %s" % (label, len(found), row["connections"]))
        flags = set(row["flags"].split(",")) - {"-"}
        for stream, connection in found:
            if "icmp_error" in flags and (row["server"], int(row["server_port"])) not in quoted:
                failures.append("%s: no ICMP error quotes it" % label)
            if row["transport"] != "tcp":
                continue
            retransmitted_syn = len(connection.syn_times) > 1
            if ("ambiguous_syn" in flags or "syn_retransmitted" in flags) != retransmitted_syn:
                failures.append("%s stream %d: %d SYNs, flags say %s" % (label, stream, len(connection.syn_times),
                                                                         row["flags"]))
            if "synack_retransmitted" in flags and len(connection.synack_times) < 2:
                failures.append("%s stream %d: SYN/ACK not retransmitted" % (label, stream))
            if connection.outcome() != "completed":
                continue
            syn_synack, synack_ack = connection.syn_to_synack(), connection.synack_to_ack()
            handshake = syn_synack + synack_ack
            carrying_leg = syn_synack if vantage == "client" else synack_ack
            handshakes.append(handshake)
            legs.append(carrying_leg)
            if abs(handshake - expected_rtt) > TOLERANCE:
                failures.append("%s stream %d: handshake %.6f s, expected %.3f" % (label, stream, handshake,
                                                                                 expected_rtt))
            if abs(carrying_leg - expected_rtt) > TOLERANCE:
                failures.append("%s stream %d: %s-side leg %.6f s, expected %.3f" % (label, stream, vantage,
                                                                                   carrying_leg, expected_rtt))
            if stream in iRTT:
                wireshark_rtts.append(iRTT[stream])
                if abs(iRTT[stream] - expected_rtt) > TOLERANCE:
                    failures.append("%s stream %d: tcp.analysis.initial_rtt %.6f s" % (label, stream, iRTT[stream]))
            else:
                failures.append("%s stream %d: no tcp.analysis.initial_rtt" % (label, stream))
        if row["evidence"] != "-":
            where = "%s && %s && (tcp.port == %s || udp.port == %s)" % (
                host_filter(row["client"]), host_filter(row["server"]), row["server_port"], row["server_port"])
            evidence.append((label, row["evidence"], "(%s) && %s" % (row["evidence"], where)))
    for (label, wanted, _), frames in zip(evidence, count_frames(capture, [e[2] for e in evidence])):
        if frames == 0:
            failures.append("%s: no frame matches evidence %r" % (label, wanted))
    for group, found in observed.items():
        failures.append("unexpected: %d x %s %s -> %s:%s %s" % ((len(found),) + group))

    protocols, frames = protocol_frames(capture)
    print("%s: %d bytes, %d frames, %d TCP connections, %d UDP flows" % (
        os.path.basename(capture), size, frames, len(connections), len(flows)))
    if handshakes:
        print("  handshake RTT (%d completed): min %.3f ms, max %.3f ms; %s-side leg min %.3f ms, max %.3f ms" % (
            len(handshakes), min(handshakes) * 1e3, max(handshakes) * 1e3, vantage, min(legs) * 1e3,
            max(legs) * 1e3))
    if wireshark_rtts:
        print("  tcp.analysis.initial_rtt (-2): min %.3f ms, max %.3f ms" % (min(wireshark_rtts) * 1e3,
                                                                             max(wireshark_rtts) * 1e3))
    interesting = [name for name in ("http", "tls", "dns", "portmap", "telnet", "rdp", "bittorrent", "bt-dht",
                                     "bt-utp", "icmp", "icmpv6") if name in protocols]
    print("  frames per protocol: " + ", ".join("%s=%d" % (name, protocols[name]) for name in interesting))
    for failure in failures:
        print("  FAIL " + failure)
    return not failures


def main(captures):
    if not captures:
        sys.exit(__doc__)
    version = subprocess.run(["tshark", "--version"], check=True, capture_output=True, text=True).stdout
    print(version.splitlines()[0])
    results = [verify(capture) for capture in captures]
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    sys.exit(0 if passed == len(results) else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
