# SPDX-License-Identifier: GPL-2.0-or-later
"""The default policy on every corpus capture, against GROUND_TRUTH's verdicts.

Expected findings: rule -> (connections, matched packets).  Where we differ
from the ground truth on purpose, the reason stands next to the case.
"""
import os

from harness import SandboxTestCase, main, report_of, require_corpus, wireshark_abi

# Wireshark 4.6 gives each RPC call from a new source port its own udp.stream;
# 4.0 and 4.4 file them under the RPC conversation's stream.
SEPARATE_RPC_STREAMS = tuple(int(part) for part in wireshark_abi().split(".")) >= (4, 6)

EXPECTED = {
    # Both ends are RFC 1918 addresses: RDP inside the internal networks is a
    # note (expected from an admin host), not the error RDP from outside is.
    "rdp.pcap": {"rdp-internal": (1, 20)},
    "rdp-x509.pcap": {"rdp-internal": (1, 15)},
    # random high ports: only the peer-wire handshake signature finds them
    "bittorrent.pcap": {"bittorrent-handshake": (24, 299)},
    # tshark decodes uTP only with a heuristic that is off by default; the
    # uTP SYN signature (\x41\x00) finds that flow, the DHT bencode the other
    "bittorrent_utp.pcap": {"bittorrent-dht": (1, 86), "bittorrent-utp": (1, 6)},
    # the scanner is at 202.77.162.213, outside the internal networks; the
    # same 8 SADMIND packets are 5 connections where each call is a stream
    "rpc-portmap-sadmind.pcap": {"portmap-from-outside": (13, 20),
                                 "sunrpc-from-outside": (5 if SEPARATE_RPC_STREAMS else 3, 8)},
    # inside the internal networks; a warning because passwords travel in clear
    "telnet.pcap": {"telnet": (1, 92)},
    "irc-basic.pcap": {"irc": (1, 34)},
    # one flow is on the Tor port 9050 but is Stratum: no tor finding
    "mining.pcapng": {"mining-stratum": (4, None)},
    "smbv1.pcap": {"smbv1": (1, 7)},
    # Tor over 443 needs an IP list or TLS fingerprints, which a port and
    # payload policy does not have; the NetBIOS browser datagram is not SMBv1
    # over a session, so no finding either.
    "tor.pcap": {},
    # AnyDesk is not in the core list (remote-access tools are a policy
    # choice; the allow-list samples catch it as an unexpected protocol)
    "anydesk.pcapng": {},
    "http_ipv6.pcap": {},
    "vxlan.pcap": {},
    # SSH inside GRE between two public addresses: the ground truth calls it
    # clean, so the default policy keeps "SSH from outside" commented out
    "gre-sample.pcap": {},
    "zeek_communityid_tcp.pcap": {},
}


class CorpusPolicy(SandboxTestCase):
    def setUp(self):
        self.corpus = require_corpus(self)

    def test_default_policy_findings(self):
        for name, expected in sorted(EXPECTED.items()):
            with self.subTest(capture=name):
                report = report_of(self.sandbox.json_report(os.path.join(self.corpus, name), "triage,policy"),
                                   "policy")
                self.assertEqual(report["policy"]["source"], "default")
                found = {f["rule"]: (f["connections"], f["matched_packets"]) for f in report["findings"]}
                self.assertEqual(set(found), set(expected), name)
                for rule, (connections, matched) in expected.items():
                    self.assertEqual(found[rule][0], connections, f"{name} {rule} connections")
                    if matched is not None:
                        self.assertEqual(found[rule][1], matched, f"{name} {rule} matched packets")

    def test_packets_are_marked_in_one_pass(self):
        """triage.policy.rule on the packets, without -2, fast criteria only."""
        capture = os.path.join(self.corpus, "bittorrent.pcap")
        rows = self.sandbox.fields(capture, ["frame.number", "triage.policy.rule"],
                                   display_filter="triage.policy.violation")
        self.assertEqual(len(rows), 299)
        self.assertEqual({row[1] for row in rows}, {"bittorrent-handshake"})

    def test_expert_info_once_per_connection_and_rule(self):
        capture = os.path.join(self.corpus, "rpc-portmap-sadmind.pcap")
        out = self.sandbox.tshark(capture, "-q", "-z", "expert,error").stdout
        line = next(l for l in out.splitlines() if "portmap-from-outside" in l)
        self.assertEqual(int(line.split()[0]), 13)  # 13 flows, one expert info each
        self.assertIn("Security", line)

    def test_allowlist_flags_unexpected_protocols(self):
        policy = self.sandbox.stage(os.path.join(os.path.dirname(__file__), "..", "..", "samples",
                                                 "policies", "webserver-allowlist.csv"))
        capture = os.path.join(self.corpus, "rpc-portmap-sadmind.pcap")
        report = report_of(self.sandbox.json_report(
            capture, "triage,policy", "-o", f"triage.policy_file:{policy}",
            "-o", "triage.policy_mode:allowlist"), "policy")
        self.assertEqual(report["policy"]["source"], "file")
        self.assertEqual(report["policy"]["mode"], "allowlist")
        unexpected = {u["protocol"] for u in report["unexpected"]}
        self.assertTrue({"portmap", "sadmind"} & unexpected, unexpected)


if __name__ == "__main__":
    main()
