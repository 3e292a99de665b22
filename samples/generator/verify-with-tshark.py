#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks generated captures against their truth files with the real tshark.

    verify-with-tshark.py CAPTURE.pcap [...]

For each CAPTURE.pcap with CAPTURE.tsv and CAPTURE.flows.tsv beside it:
  - every claimed tcp.stream / udp.stream is the one tshark gives the first frame;
  - per connection and direction, tshark's frame counts and frame.len sums equal
    the truth (frames carrying ICMP errors are not connection frames; the rows
    of connections that share a tcp.stream are summed);
  - on every completed, unambiguous, monotonic handshake with one SYN and one
    SYN/ACK, tcp.analysis.initial_rtt (two passes) equals handshake_ns;
  - no frame is malformed except empty records, and no checksum is bad
    (IP, TCP and UDP validation on; ICMP is always validated).
Prints one summary line per capture, plus the expert infos of warning level
and above; exits 1 if any check failed.
"""
import csv
import subprocess
import sys
from collections import Counter, defaultdict

FIELDS = ["frame.number", "frame.len", "frame.cap_len", "tcp.stream", "udp.stream", "ip.src", "ipv6.src",
          "tcp.srcport", "udp.srcport", "tcp.flags.syn", "tcp.flags.ack", "icmp.type",
          "icmpv6.type", "tcp.analysis.initial_rtt", "_ws.malformed", "_ws.expert.severity",
          "_ws.expert.group", "_ws.expert.message"]
SEVERITY_WARN = 0x00600000
GROUP_CHECKSUM = 0x01000000


def tshark_rows(capture):
    command = ["tshark", "-2", "-r", capture, "-o", "tcp.check_checksum:TRUE",
               "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
               "-T", "fields", "-E", "occurrence=a",
               "-E", "aggregator=|", "-E", "separator=\t"]
    for field in FIELDS:
        command += ["-e", field]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    for line in output.splitlines():
        values = line.split("\t")
        row = {field: (values[i].split("|") if i < len(values) and values[i] else [])
               for i, field in enumerate(FIELDS)}
        yield row


def last(values):
    return values[-1] if values else ""


def read_table(path):
    try:
        with open(path, newline="") as handle:
            return list(csv.DictReader(handle, delimiter="\t"))
    except FileNotFoundError:
        return []


def verify(capture):
    base = capture[:-5] if capture.endswith(".pcap") else capture
    connections = read_table(base + ".tsv")
    flows = read_table(base + ".flows.tsv")
    frames = {}
    for row in tshark_rows(capture):
        frames[int(row["frame.number"][0])] = row
    problems = []

    tcp_by_stream = defaultdict(list)
    udp_by_stream = defaultdict(list)
    for number, row in frames.items():
        quoted = row["icmp.type"] or row["icmpv6.type"]
        if row["tcp.stream"] and not quoted:
            tcp_by_stream[int(last(row["tcp.stream"]))].append(number)
        if row["udp.stream"] and not quoted:
            udp_by_stream[int(last(row["udp.stream"]))].append(number)

    def source_of(row, outermost):
        """The innermost IP source (a tunnelled connection), or the outermost
        (an ICMP error, whose quoted header comes last)."""
        addresses = row["ipv6.src"] or row["ip.src"]
        if row["ip.src"] and row["ipv6.src"]:
            addresses = row["ipv6.src"]
        return addresses[0] if outermost else last(addresses)

    def check_counts(kind, key, members, truth, port_field, outermost=False):
        counted = Counter()
        for number in members:
            row = frames[number]
            to_server = source_of(row, outermost) == truth["client"] and \
                last(row[port_field] or ["0"]) == truth["client_port"]
            side = "server" if to_server else "client"
            counted["packets_to_" + side] += 1
            counted["bytes_to_" + side] += int(row["frame.len"][0])
        for column in ("packets_to_server", "bytes_to_server", "packets_to_client",
                       "bytes_to_client"):
            if counted[column] != int(truth[column]):
                problems.append(f"{kind} {key}: {column} tshark {counted[column]} truth {truth[column]}")

    # Two connections can share a tcp.stream (a SYN/ACK starts no new stream
    # in Wireshark): the stream's counters are then the sum of their rows.
    rows_by_stream = defaultdict(list)
    for truth in connections:
        first = int(truth["first_frame"])
        stream = int(last(frames[first]["tcp.stream"]))
        if truth["tcp_stream"] and int(truth["tcp_stream"]) != stream:
            problems.append(f"tcp frame {first}: stream tshark {stream} truth {truth['tcp_stream']}")
        rows_by_stream[stream].append(truth)
    for stream, rows in rows_by_stream.items():
        summed = dict(rows[0])
        for column in ("packets_to_server", "bytes_to_server", "packets_to_client", "bytes_to_client"):
            summed[column] = str(sum(int(row[column]) for row in rows))
        check_counts("tcp stream", stream, tcp_by_stream[stream], summed, "tcp.srcport")

    irtt_checked = 0
    for truth in connections:
        stream = int(last(frames[int(truth["first_frame"])]["tcp.stream"]))
        members = tcp_by_stream[stream]
        syns = sum(1 for n in members if frames[n]["tcp.flags.syn"][-1:] == ["1"]
                   and frames[n]["tcp.flags.ack"][-1:] == ["0"])
        synacks = sum(1 for n in members if frames[n]["tcp.flags.syn"][-1:] == ["1"]
                      and frames[n]["tcp.flags.ack"][-1:] == ["1"])
        # Wireshark's initial_rtt runs from the last SYN to the first ACK: the
        # handshake when the SYN/ACK went once, the setup when only it repeated.
        expected_column = None
        if truth["outcome"] == "completed" and truth["anomaly"] == "none" and synacks == 1:
            if truth["ambiguous"] in ("none", "syn_retransmitted"):
                expected_column = "handshake_ns"
        if truth["outcome"] == "completed" and truth["anomaly"] == "none" and syns == 1 \
                and truth["ambiguous"] == "synack_retransmitted":
            expected_column = "setup_ns"
        if expected_column:
            irtt = last(frames[int(truth["ack_frame"])]["tcp.analysis.initial_rtt"])
            expected = int(truth[expected_column])
            if not irtt or round(float(irtt) * 1e9) != expected:
                problems.append(f"tcp stream {stream}: initial_rtt {irtt or '(none)'} "
                                f"{expected_column} {expected}")
            irtt_checked += 1

    for truth in flows:
        first = int(truth["first_frame"])
        if truth["transport"] == "udp":
            stream = int(last(frames[first]["udp.stream"]))
            if truth["stream"] and int(truth["stream"]) != stream:
                problems.append(f"udp frame {first}: stream tshark {stream} truth {truth['stream']}")
            check_counts("udp stream", stream, udp_by_stream[stream], truth, "udp.srcport")
        else:
            pair = {truth["client"], truth["server"]}
            members = []
            for number, row in frames.items():
                if not (row["icmp.type"] or row["icmpv6.type"]):
                    continue
                addresses = (row["ipv6.src"] or row["ip.src"])[:1]
                if addresses and addresses[0] in pair:
                    members.append(number)
            check_counts(truth["transport"], truth["client"], members,
                         dict(truth, client_port="0"), "udp.srcport", outermost=True)

    malformed = sum(1 for row in frames.values() if row["_ws.malformed"])
    # Only an empty record may be malformed: there is no Ethernet header in it.
    for number, row in frames.items():
        if row["_ws.malformed"] and row["frame.cap_len"] != ["0"]:
            problems.append(f"frame {number} is malformed")
    checksum = 0
    warnings = Counter()
    for row in frames.values():
        for severity, group, message in zip(row["_ws.expert.severity"], row["_ws.expert.group"],
                                            row["_ws.expert.message"]):
            if int(group, 0) == GROUP_CHECKSUM:
                checksum += 1
            if int(severity, 0) >= SEVERITY_WARN:
                warnings[message] += 1
    if checksum:
        problems.append(f"{checksum} checksum problems")
    status = "FAIL" if problems else "ok"
    print(f"{status} {capture}: {len(frames)} frames, {len(tcp_by_stream)} tcp streams, "
          f"{len(udp_by_stream)} udp streams, {len(connections)} connections, {len(flows)} flows, "
          f"{irtt_checked} initial_rtt checked, {malformed} malformed, {checksum} checksum experts")
    for message, count in sorted(warnings.items()):
        print(f"    warning x{count}: {message}")
    for problem in problems:
        print("    " + problem)
    return not problems


def main():
    results = [verify(capture) for capture in sys.argv[1:]]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
