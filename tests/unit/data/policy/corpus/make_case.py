#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Turns a capture into the packet lines of a test_policy_scripts case.

    python3 make_case.py CAPTURE > NAME.case.packets

Each frame becomes the facts the tap glue hands the policy engine, as
tshark 4.0 dissects it with default settings: the innermost IP header that
carries TCP or UDP (an ICMP error counts as ICMP to the error's own
destination), the frame's protocol layers, and the transport payload.  Only
the first payload-carrying packet of each direction of each flow keeps its
bytes (at most 512, what the engine reads); the others keep their length.

The expectations at the end of each .case are written by hand from
GROUND_TRUTH.md, not generated: see ../README.md.
"""
import subprocess
import sys

FIELDS = [
    "frame.number", "frame.time_epoch", "frame.len", "frame.protocols",
    "ip.src", "ip.dst", "ip.proto", "ipv6.src", "ipv6.dst", "ipv6.nxt",
    "tcp.stream", "tcp.srcport", "tcp.dstport", "tcp.flags", "tcp.len", "tcp.payload",
    "udp.stream", "udp.srcport", "udp.dstport", "udp.length", "udp.payload",
]
PAYLOAD_BYTES = 512


def tshark_rows(capture):
    command = ["tshark", "-r", capture, "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=|"]
    for field in FIELDS:
        command += ["-e", field]
    output = subprocess.run(command, capture_output=True, text=True).stdout
    for line in output.splitlines():
        values = line.split("\t")
        values += [""] * (len(FIELDS) - len(values))
        yield {field: value.split("|") if value else [] for field, value in zip(FIELDS, values)}


def last(values):
    return values[-1] if values else ""


def normal_time(text):
    """tshark prints seconds.nanoseconds with %09d, so a damaged record whose
    nanoseconds exceed 999999999 shows more than 9 digits: carry them."""
    seconds, _, fraction = text.partition(".")
    nanoseconds = int(fraction.ljust(9, "0")) if len(fraction) <= 9 else int(fraction)
    total = int(seconds) * 1_000_000_000 + nanoseconds
    return f"{total // 1_000_000_000}.{total % 1_000_000_000:09d}"


def flag_word(hex_flags):
    value = int(hex_flags, 16)
    word = "".join(letter for bit, letter in ((0x01, "F"), (0x02, "S"), (0x04, "R"), (0x08, "P"), (0x10, "A"))
                   if value & bit)
    return word or "-"


def network_header(row, layers, before):
    """Source and destination of the last IP header before layer index `before`."""
    ip_count = layers[:before].count("ip")
    ipv6_count = layers[:before].count("ipv6")
    last_ip = max((i for i, name in enumerate(layers[:before]) if name in ("ip", "ipv6")), default=-1)
    if last_ip < 0:
        return None
    if layers[last_ip] == "ip":
        return row["ip.src"][ip_count - 1], row["ip.dst"][ip_count - 1], row["ip.proto"][ip_count - 1]
    return row["ipv6.src"][ipv6_count - 1], row["ipv6.dst"][ipv6_count - 1], row["ipv6.nxt"][ipv6_count - 1]


def describe(row):
    layers = ["frame"] + last(row["frame.protocols"]).split(":")
    frame, time, length = row["frame.number"][0], normal_time(row["frame.time_epoch"][0]), row["frame.len"][0]
    icmp = next((i for i, name in enumerate(layers) if name in ("icmp", "icmpv6")), None)
    if icmp is not None:
        header = network_header(row, layers, icmp)
        transport = layers[icmp]
        return frame, time, length, layers, (transport, "0", header[0], "0", header[1], "0", "-"), 0, None
    for transport in ("tcp", "udp"):
        if transport in layers:
            at = len(layers) - 1 - layers[::-1].index(transport)
            header = network_header(row, layers, at)
            if transport == "tcp":
                flags = flag_word(last(row["tcp.flags"]))
                payload_length = int(last(row["tcp.len"]) or 0)
                payload = last(row["tcp.payload"])
            else:
                flags = "-"
                payload_length = max(int(last(row["udp.length"]) or 8) - 8, 0)
                payload = last(row["udp.payload"])
            flow = (transport, last(row[transport + ".stream"]), header[0], last(row[transport + ".srcport"]),
                    header[1], last(row[transport + ".dstport"]), flags)
            return frame, time, length, layers, flow, payload_length, payload
    header = network_header(row, layers, len(layers))
    if header is None:
        return frame, time, length, layers, None, 0, None
    return frame, time, length, layers, (header[2], "0", header[0], "0", header[1], "0", "-"), 0, None


def main():
    seen_directions = set()
    for row in tshark_rows(sys.argv[1]):
        frame, time, length, layers, flow, payload_length, payload = describe(row)
        options = "layers=" + ":".join(layers)
        if flow is None:
            print(f"frame {frame} {time} {length} {options}")
            continue
        transport, stream, source, sport, destination, dport, flags = flow
        if payload_length > 0:
            direction = (transport, stream, source, sport)
            if payload and direction not in seen_directions:
                seen_directions.add(direction)
                options += " payload=hex:" + payload[: 2 * PAYLOAD_BYTES]
            else:
                options += f" paylen={payload_length}"
        print(f"packet {frame} {time} {transport} {stream} {source} {sport} {destination} {dport} {flags} "
              f"{length} {options}")


if __name__ == "__main__":
    main()
