# SPDX-License-Identifier: GPL-2.0-or-later
"""Destinations on the corpus, cross-checked with the ground truth.

The ground truth's dst_ports.tsv counts frames per innermost IP destination,
as Wireshark does; our report is per responder.  The two views meet per
address: the frames sent to address X are the packets *to* X where X is the
responder plus the packets *from* the responder where X is the initiator.
"""
import collections
import csv
import os

from harness import SandboxTestCase, main, parse_single_json, report_of, require_corpus

READABLE = ["anydesk.pcapng", "bittorrent.pcap", "bittorrent_utp.pcap", "gre-sample.pcap", "http_ipv6.pcap",
            "irc-basic.pcap", "mining.pcapng", "rdp-x509.pcap", "rdp.pcap", "rpc-portmap-sadmind.pcap",
            "smbv1.pcap", "telnet.pcap", "tor.pcap", "vxlan.pcap", "zeek_communityid_tcp.pcap"]


def frames_per_destination(corpus, name):
    counts = collections.Counter()
    with open(os.path.join(corpus, "groundtruth", name, "dst_ports.tsv")) as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            counts[row["dst"]] += int(row["frames"])
    return counts


class CorpusDestinations(SandboxTestCase):
    def setUp(self):
        self.corpus = require_corpus(self)

    def connections(self, name):
        """Every connection's endpoints and counters, from the JSON report."""
        report = report_of(self.sandbox.json_report(os.path.join(self.corpus, name), "triage,dests,top=1000000"),
                           "dests")
        return report

    def test_frames_per_address_meet_the_ground_truth(self):
        for name in READABLE:
            with self.subTest(capture=name):
                report = self.connections(name)
                truth = frames_per_destination(self.corpus, name)
                # packets to each responder, from the report
                seen = collections.Counter()
                for destination in report["destinations"]:
                    seen[destination["address"]] += destination["packets_to"]
                # the answers go to the initiators: their total must make up the rest
                answers = sum(d["packets_from"] for d in report["destinations"])
                self.assertEqual(sum(seen.values()) + answers, sum(truth.values()), name)
                for address, packets in seen.items():
                    self.assertLessEqual(packets, truth[address], f"{name} {address}")
                self.assertEqual(report["totals"]["packets"], sum(truth.values()), name)

    def test_mid_connection_responders_are_inferred_and_sensible(self):
        report = self.connections("bittorrent.pcap")
        ports = [port for d in report["destinations"] for port in d["ports"]]
        self.assertTrue(ports)
        self.assertTrue(all(port["inferred"] for port in ports))
        # 192.168.1.3 is the local BitTorrent client talking to 16 peers; no
        # SYN was captured, so the responder comes from the ports.
        self.assertEqual(report["totals"]["connections"], 24)

    def test_ipv6_destinations(self):
        report = self.connections("http_ipv6.pcap")
        addresses = {d["address"] for d in report["destinations"]}
        self.assertIn("2a03:b0c0:3:d0::70:1001", addresses)
        self.assertTrue(all(":" in a for a in addresses))
        https = [p for d in report["destinations"] for p in d["ports"] if p["port"] == 443 and p["transport"] == "tcp"]
        self.assertTrue(https and all(p["service"] == "https" for p in https))

    def test_tunnels_count_the_innermost_header(self):
        report = self.connections("vxlan.pcap")
        addresses = {d["address"] for d in report["destinations"]}
        self.assertIn("157.240.224.35", addresses)
        self.assertNotIn("192.168.22.5", addresses)  # an outer VTEP

    def test_geoip_fills_country_and_asn(self):
        """MaxMind's test databases, through Wireshark's own MaxMind support."""
        geoip = os.path.join(self.corpus, "geoip")
        staged = os.path.join(self.sandbox.inputs, "geoip")
        os.makedirs(staged, exist_ok=True)
        os.chmod(staged, 0o755)
        for name in os.listdir(geoip):
            if name.endswith(".mmdb"):
                self.sandbox.stage(os.path.join(geoip, name), os.path.join("geoip", name))
        capture = self.sandbox.stage_bytes("geoip.pcap", syn_capture(GEOIP_TRUTH))
        for report_format in ("json", "csv", "text"):
            out = self.sandbox.tshark(capture, "-q", "-o", f'uat:maxmind_db_paths:"{staged}"',
                                      "-z", f"triage,dests,format={report_format},top=100").stdout
            with self.subTest(format=report_format):
                if report_format == "json":
                    report = report_of(parse_single_json(out), "dests")
                    rows = {d["address"]: (d["country"], d["asn"]) for d in report["destinations"]}
                    for address, (country, asn) in GEOIP_TRUTH.items():
                        self.assertEqual(rows[address][0], country, address)
                        if asn:
                            self.assertTrue(rows[address][1] and rows[address][1].startswith(f"AS{asn}"),
                                            rows[address])
                        else:
                            self.assertIsNone(rows[address][1], address)
                else:
                    for address, (country, asn) in GEOIP_TRUTH.items():
                        line = next(l for l in out.splitlines() if address in l)
                        if country:
                            self.assertIn(country, line)
                        if asn:
                            self.assertIn(f"AS{asn}", line)


# MaxMind's test databases (corpus/geoip/README.md): address -> (country, ASN)
GEOIP_TRUTH = {
    "81.2.69.142": ("GB", None),
    "89.160.20.112": ("SE", 29518),
    "216.160.83.56": ("US", 209),
    "2001:218::": ("JP", None),
    "1.128.0.1": (None, 1221),
}


def syn_capture(addresses):
    """A pcap with one SYN from a private client to each address."""
    import ipaddress
    import struct
    records = []
    for number, address in enumerate(addresses):
        server = ipaddress.ip_address(address)
        tcp = struct.pack("!HHIIBBHHH", 40000 + number, 443, 1000, 0, 5 << 4, 0x02, 65535, 0, 0)
        if server.version == 4:
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), number, 0, 64, 6, 0,
                             ipaddress.ip_address("10.0.0.2").packed, server.packed)
            ethertype = 0x0800
        else:
            ip = struct.pack("!IHBB16s16s", 6 << 28, len(tcp), 6, 64,
                             ipaddress.ip_address("fd00::2").packed, server.packed)
            ethertype = 0x86DD
        frame = b"\x02" * 6 + b"\x04" * 6 + struct.pack("!H", ethertype) + ip + tcp
        records.append(struct.pack("<IIII", 1700000000 + number, 0, len(frame), len(frame)) + frame)
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1) + b"".join(records)


if __name__ == "__main__":
    main()
