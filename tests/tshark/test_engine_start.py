# SPDX-License-Identifier: GPL-2.0-or-later
"""The first frame counts however the engines start.

The tcp_follow/udp_follow taps that hand the policy its payloads listen only
once the engines run: at report registration for -z triage, in the GUI at
load, and otherwise (a -Y or -e that names a triage field, -V, -z expert) on
the first frame processed, which TCP and UDP dissected before anybody
listened.  These captures put the only payload signature of their flow in
frame 1, so each way of starting must still find it there.
"""
import os
import struct
import tempfile

from harness import SandboxTestCase, main, report_of

CLIENT, SERVER = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])


def ethernet_ipv4(protocol, transport):
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(transport), 1, 0, 64, protocol, 0, CLIENT, SERVER)
    return b"\x00\x00\x00\x00\x00\x02" + b"\x00\x00\x00\x00\x00\x01" + b"\x08\x00" + ip + transport


def reply(frame):
    """The same frame with addresses and ports swapped."""
    ethernet, ip, transport = frame[:14], bytearray(frame[14:34]), bytearray(frame[34:])
    ip[12:16], ip[16:20] = frame[30:34], frame[26:30]
    transport[0:2], transport[2:4] = frame[36:38], frame[34:36]
    return ethernet + bytes(ip) + bytes(transport)


def udp(payload, source_port=51413, destination_port=51414):
    return ethernet_ipv4(17, struct.pack("!HHHH", source_port, destination_port, 8 + len(payload), 0) + payload)


def tcp(payload, seq, ack, flags=0x18, source_port=40000, destination_port=443):
    header = struct.pack("!HHIIBBHHH", source_port, destination_port, seq, ack, 5 << 4, flags, 65535, 0, 0)
    return ethernet_ipv4(6, header + payload)


def pcap(frames):
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    for number, frame in enumerate(frames):
        out += struct.pack("<IIII", 1700000000, number * 1000, len(frame), len(frame)) + frame
    return out


# UDP: a BitTorrent DHT query first, then answers and queries that carry no
# signature at their start: only frame 1 makes this flow bittorrent-dht.
DHT = [udp(b"d1:ad2:id20:" + b"a" * 20 + b"e1:q4:ping1:t2:aa1:y1:qe"),
       reply(udp(b"d1:xd2:id20:" + b"b" * 20 + b"e")),
       udp(b"d1:xd2:id20:" + b"c" * 20 + b"e")]
# TCP joined mid-connection on port 443: the peer-wire handshake is frame 1.
PEER_WIRE = [tcp(b"\x13BitTorrent protocol" + b"\x00" * 8 + b"h" * 40, 1000, 5000),
             reply(tcp(b"\x17\x03\x03\x00\x10" + b"x" * 16, 5000, 1068)),
             tcp(b"\x17\x03\x03\x00\x10" + b"y" * 16, 1068, 5021)]
CASES = {"dht": (DHT, "bittorrent-dht"), "peer_wire": (PEER_WIRE, "bittorrent-handshake")}


class EngineStart(SandboxTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.captures = {}
        with tempfile.TemporaryDirectory() as folder:
            for name, (frames, _) in CASES.items():
                path = os.path.join(folder, name + ".pcap")
                with open(path, "wb") as handle:
                    handle.write(pcap(frames))
                cls.captures[name] = cls.sandbox.stage(path)

    def test_display_filter(self):
        for name, (_, rule) in CASES.items():
            with self.subTest(capture=name):
                rows = self.sandbox.fields(self.captures[name], ["frame.number", "triage.policy.rule"],
                                           display_filter="triage.policy.violation")
                self.assertEqual(rows[0], ["1", rule])

    def test_field_without_filter(self):
        for name, (_, rule) in CASES.items():
            with self.subTest(capture=name):
                rows = self.sandbox.fields(self.captures[name], ["frame.number", "triage.policy.rule"])
                self.assertEqual(rows[0], ["1", rule])

    def test_visible_tree(self):
        for name, (_, rule) in CASES.items():
            with self.subTest(capture=name):
                out = self.sandbox.tshark(self.captures[name], "-V", "-c", "1").stdout
                self.assertIn(f"Policy violation: {rule}", out)

    def test_expert_tap_alone(self):
        for name, (_, rule) in CASES.items():
            with self.subTest(capture=name):
                out = self.sandbox.tshark(self.captures[name], "-q", "-z", "expert").stdout
                self.assertIn(f"{rule}:", out)

    def test_report(self):
        for name, (_, rule) in CASES.items():
            with self.subTest(capture=name):
                report = report_of(self.sandbox.json_report(self.captures[name], "triage,policy"), "policy")
                findings = {f["rule"]: f for f in report["findings"]}
                self.assertIn(rule, findings)
                self.assertEqual(findings[rule]["first_frame"], 1)


if __name__ == "__main__":
    main()
