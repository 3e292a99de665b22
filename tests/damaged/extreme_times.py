# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes pcapng captures whose timestamps are as far from now as the format
allows: a TCP handshake stamped tens of thousands of years ahead, one whose
seconds wrap to a negative time_t, and one whose SYN and SYN/ACK lie on either
side of 1970 by ±285 years, so that their difference overflows 64-bit
nanoseconds.  pcapng timestamps are 64-bit counts of if_tsresol units: with
a resolution of one second, every one of these is a valid file.

Usage: python3 extreme_times.py OUTPUT_FOLDER   (writes extreme-*.pcapng)
"""
import os
import struct
import sys

CLIENT, SERVER = bytes([10, 0, 0, 1]), bytes([192, 0, 2, 10])


def block(block_type, body):
    body += b"\0" * (-len(body) % 4)
    length = 12 + len(body)
    return struct.pack("<II", block_type, length) + body + struct.pack("<I", length)


def section_header():
    return block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))


def interface(resolution_code):
    # if_tsresol (9): 10^-code seconds, or 2^-(code & 0x7f) with the top bit set
    options = struct.pack("<HHB3x", 9, 1, resolution_code) + struct.pack("<HH", 0, 0)
    return block(1, struct.pack("<HHI", 1, 0, 65535) + options)


def packet(timestamp, frame):
    body = struct.pack("<IIIII", 0, timestamp >> 32, timestamp & 0xFFFFFFFF, len(frame), len(frame)) + frame
    return block(6, body)


def tcp_frame(source, destination, source_port, destination_port, seq, ack, flags):
    tcp = struct.pack("!HHIIBBHHH", source_port, destination_port, seq, ack, 5 << 4, flags, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, source, destination)
    return b"\x00\x00\x00\x00\x00\x02\x00\x00\x00\x00\x00\x01\x08\x00" + ip + tcp


def handshake(times):
    """SYN, SYN/ACK, ACK and a FIN exchange at the given four timestamps."""
    syn, synack, ack, fin = times
    return [
        (syn, tcp_frame(CLIENT, SERVER, 40000, 443, 1000, 0, 0x02)),
        (synack, tcp_frame(SERVER, CLIENT, 443, 40000, 5000, 1001, 0x12)),
        (ack, tcp_frame(CLIENT, SERVER, 40000, 443, 1001, 5001, 0x10)),
        (fin, tcp_frame(CLIENT, SERVER, 40000, 443, 1001, 5001, 0x11)),
    ]


def write(path, resolution_code, packets):
    with open(path, "wb") as handle:
        handle.write(section_header() + interface(resolution_code))
        for timestamp, frame in packets:
            handle.write(packet(timestamp % (1 << 64), frame))


def main(folder):
    one_second = 0
    cases = {
        # 2^40 s: year ~36 800; seconds * 10^9 no longer fits 64 bits
        "extreme-future": (one_second, handshake([1 << 40, (1 << 40) + 1, (1 << 40) + 2, (1 << 40) + 3])),
        # the top bit set: the seconds are negative once in a signed time_t
        "extreme-wrapped": (one_second, handshake([(1 << 63) + 5, (1 << 63) + 6, (1 << 63) + 7, (1 << 63) + 8])),
        # ±9e9 s around 1970: each fits in nanoseconds, their difference does not
        "extreme-span": (one_second, handshake([-9_000_000_000, 9_000_000_000, 9_000_000_001, -9_000_000_000])),
        # the largest count at the finest binary resolution (2^-62 s)
        "extreme-binary": (0x80 | 62, handshake([(1 << 64) - 4, (1 << 64) - 3, (1 << 64) - 2, (1 << 64) - 1])),
    }
    for name, (resolution, packets) in cases.items():
        write(os.path.join(folder, name + ".pcapng"), resolution, packets)


if __name__ == "__main__":
    main(sys.argv[1])
