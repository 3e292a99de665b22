# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the capture the GUI test and the README screenshots use.

Eighty seconds of a VM (10.0.0.2) on a typical day: HTTPS to a few servers at
different distances, two of them slower than the 200 ms slow-handshake
threshold, a refused database connection, a port scan (SYN, SYN/ACK, RST),
RDP reached from the internet, and a BitTorrent peer handshake.  So every
Capture Triage report and every one-click filter has something to show, and
the GUI can be compared with tshark on one small file.  The same arguments
always give the same bytes.

    python3 demo_capture.py OUTPUT.pcap
"""
import struct
import sys

START = 1700000000  # 2023-11-14 22:13:20 UTC
VM = "10.0.0.2"
RESOLVER = "10.0.0.1"
VM_MAC = bytes.fromhex("525400000002")
GATEWAY_MAC = bytes.fromhex("525400000001")

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
# MSS 1460, NOP, window scale 7, NOP, NOP, SACK permitted
SYN_OPTIONS = bytes.fromhex("020405b4010303070101" "0402")

NAMES = {
    "93.184.216.34": "www.example.com",
    "151.101.1.69": "cdn.example.net",
    "203.0.113.80": "api.example.org",
    "198.51.100.23": "reports.example.org",
}


def ip_bytes(address):
    return bytes(int(part) for part in address.split("."))


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ethernet_ipv4(source, destination, protocol, payload, identification):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), identification & 0xFFFF, 0x4000, 64,
                         protocol, 0, ip_bytes(source), ip_bytes(destination))
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    # destination MAC first: every peer is reached through the gateway
    macs = VM_MAC + GATEWAY_MAC if destination == VM else GATEWAY_MAC + VM_MAC
    return macs + b"\x08\x00" + header + payload


def tcp_segment(source, source_port, destination, destination_port, seq, ack, flags, payload=b"", options=b""):
    offset = (20 + len(options)) // 4
    header = struct.pack("!HHIIBBHHH", source_port, destination_port, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                         offset << 4, flags, 64240 if flags & SYN else 502, 0, 0) + options
    pseudo = ip_bytes(source) + ip_bytes(destination) + struct.pack("!BBH", 0, 6, len(header) + len(payload))
    header = header[:16] + struct.pack("!H", checksum(pseudo + header + payload)) + header[18:]
    return header + payload


def udp_datagram(source, source_port, destination, destination_port, payload):
    header = struct.pack("!HHHH", source_port, destination_port, 8 + len(payload), 0)
    pseudo = ip_bytes(source) + ip_bytes(destination) + struct.pack("!BBH", 0, 17, len(header) + len(payload))
    return header[:6] + struct.pack("!H", checksum(pseudo + header + payload) or 0xFFFF) + payload


def dns_name(name):
    return b"".join(bytes([len(label)]) + label.encode() for label in name.split(".")) + b"\0"


class Capture:
    def __init__(self):
        self.frames = []  # (time in microseconds, frame bytes)
        self.identification = 1

    def add(self, time, source, destination, protocol, payload):
        frame = ethernet_ipv4(source, destination, protocol, payload, self.identification)
        self.identification += 1
        self.frames.append((round(time * 1e6), frame))

    def tcp(self, time, source, source_port, destination, destination_port, seq, ack, flags,
            payload=b"", options=b""):
        self.add(time, source, destination, 6,
                 tcp_segment(source, source_port, destination, destination_port, seq, ack, flags, payload, options))

    def dns_lookup(self, time, port, name, answer, query_id):
        question = dns_name(name) + struct.pack("!HH", 1, 1)
        query = struct.pack("!HHHHHH", query_id, 0x0100, 1, 0, 0, 0) + question
        reply = (struct.pack("!HHHHHH", query_id, 0x8180, 1, 1, 0, 0) + question +
                 struct.pack("!HHHIH", 0xC00C, 1, 1, 300, 4) + ip_bytes(answer))
        self.add(time, VM, RESOLVER, 17, udp_datagram(VM, port, RESOLVER, 53, query))
        self.add(time + 0.000612, RESOLVER, VM, 17, udp_datagram(RESOLVER, 53, VM, port, reply))

    def write(self, path):
        with open(path, "wb") as handle:
            handle.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
            for micros, frame in sorted(self.frames, key=lambda item: item[0]):
                seconds, micros = divmod(micros, 1000000)
                handle.write(struct.pack("<IIII", START + seconds, micros, len(frame), len(frame)))
                handle.write(frame)


def tls_record(length, fill):
    return b"\x17\x03\x03" + struct.pack("!H", length) + bytes([fill]) * length


def connection(capture, time, client, client_port, server, server_port, rtt, request, response,
               client_leg=0.000087):
    """SYN, SYN/ACK, ACK, one request and its answer, FIN both ways.

    At the capture point (the VM) the server answers everything after rtt
    and the client after client_leg: for an outbound connection rtt is the
    path, for an inbound one client_leg is."""
    client_isn = (client_port * 7919 + 12345) & 0xFFFFFFFF
    server_isn = (server_port * 104729 + client_port * 31) & 0xFFFFFFFF
    c, s = client_isn + 1, server_isn + 1
    t = time
    capture.tcp(t, client, client_port, server, server_port, client_isn, 0, SYN, options=SYN_OPTIONS)
    t += rtt
    capture.tcp(t, server, server_port, client, client_port, server_isn, c, SYN | ACK, options=SYN_OPTIONS)
    t += client_leg
    capture.tcp(t, client, client_port, server, server_port, c, s, ACK)
    t += 0.000150
    capture.tcp(t, client, client_port, server, server_port, c, s, PSH | ACK, request)
    c += len(request)
    t += rtt
    capture.tcp(t, server, server_port, client, client_port, s, c, PSH | ACK, response)
    s += len(response)
    t += client_leg
    capture.tcp(t, client, client_port, server, server_port, c, s, ACK)
    t += 0.412
    capture.tcp(t, client, client_port, server, server_port, c, s, FIN | ACK)
    t += rtt
    capture.tcp(t, server, server_port, client, client_port, s, c + 1, FIN | ACK)
    t += client_leg
    capture.tcp(t, client, client_port, server, server_port, c + 1, s + 1, ACK)


def refused(capture, time, client_port, server, server_port):
    isn = client_port * 7919
    capture.tcp(time, VM, client_port, server, server_port, isn, 0, SYN, options=SYN_OPTIONS)
    capture.tcp(time + 0.000412, server, server_port, VM, client_port, 0, isn + 1, RST | ACK)


def scan_probe(capture, time, scanner, scanner_port, port):
    """A SYN scanner: SYN, the VM answers SYN/ACK, the scanner resets."""
    isn, vm_isn = scanner_port * 977, port * 50021
    capture.tcp(time, scanner, scanner_port, VM, port, isn, 0, SYN, options=b"\x02\x04\x05\xb4")
    capture.tcp(time + 0.000071, VM, port, scanner, scanner_port, vm_isn, isn + 1, SYN | ACK, options=SYN_OPTIONS)
    capture.tcp(time + 0.048210, scanner, scanner_port, VM, port, isn + 1, 0, RST)


def build():
    capture = Capture()
    https = [  # start, client port, server, port, SYN -> SYN/ACK in seconds
        (1.0, 50001, "93.184.216.34", 443, 0.018437),
        (4.2, 50002, "151.101.1.69", 443, 0.042716),
        (9.5, 50003, "93.184.216.34", 443, 0.019142),
        (13.0, 50004, "203.0.113.80", 443, 0.138529),
        (18.0, 50005, "198.51.100.23", 8443, 0.342817),
        (22.3, 50006, "151.101.1.69", 443, 0.044903),
        (27.5, 50007, "93.184.216.34", 443, 0.017611),
        (48.0, 50008, "203.0.113.80", 443, 0.141236),
        (55.5, 50009, "198.51.100.23", 8443, 0.265304),
        (66.0, 50011, "93.184.216.34", 443, 0.018902),
        (72.0, 50012, "151.101.1.69", 443, 0.043327),
    ]
    for number, (start, port, server, server_port, rtt) in enumerate(https):
        capture.dns_lookup(start - 0.004, 40000 + number, NAMES[server], server, 0x1000 + number)
        connection(capture, start, VM, port, server, server_port, rtt,
                   tls_record(512, 0x41 + number), tls_record(2890, 0x61 + number))
    refused(capture, 31.0, 50020, "10.0.0.5", 5432)
    refused(capture, 80.0, 50021, "10.0.0.5", 5432)
    scan_probe(capture, 36.8, "198.51.100.77", 40100, 22)
    scan_probe(capture, 37.0, "198.51.100.77", 40101, 3389)
    # RDP from the internet: X.224 connection request and confirm, each with
    # its RDP negotiation request / response
    connection(capture, 41.0, "203.0.113.50", 51234, VM, 3389, 0.000153,
               bytes.fromhex("030000130ee000000000000100080003000000"),
               bytes.fromhex("030000130ed00000123400" "0200080000000000"), client_leg=0.085311)
    handshake = b"\x13BitTorrent protocol" + bytes(8) + bytes(range(20)) + b"-TR3000-demopeer0001"
    connection(capture, 60.0, VM, 50010, "198.51.100.201", 51413, 0.095118, handshake, handshake)
    return capture


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1].strip())
    build().write(sys.argv[1])


if __name__ == "__main__":
    main()
