# SPDX-License-Identifier: GPL-2.0-or-later
"""The lab's real captures (samples/lab): a 40 ms path seen from both ends.

Each capture was taken at the same time at the client and at the server of
a client -- 20 ms -- middle -- 20 ms -- server lab, with real Debian clients
and servers.  Truth: samples/lab/captures/*.truth.tsv.
"""
import collections
import csv
import glob
import os

from harness import SOURCE_DIR, SandboxTestCase, main, report_of

LAB = os.path.join(SOURCE_DIR, "samples", "lab", "captures")
RTT = 0.040
TOLERANCE = 0.0005

RULE_PREFIX = {"bittorrent": "bittorrent", "portmap": ("portmap", "sunrpc"), "telnet": "telnet",
               "rdp": "rdp", "stratum": "mining"}


def truth(capture):
    path = capture.rsplit(".", 1)[0] + ".truth.tsv"
    settings = {}
    with open(path) as handle:
        lines = []
        for line in handle:
            if line.startswith("#"):
                if "=" in line:
                    key, value = line[1:].strip().split("=", 1)
                    settings[key] = value
            else:
                lines.append(line)
    return settings, list(csv.DictReader(lines, delimiter="\t"))


def captures():
    return sorted(glob.glob(os.path.join(LAB, "*.pcapng")))


class LabCaptures(SandboxTestCase):
    def setUp(self):
        if not captures():
            self.fail("no lab captures in samples/lab/captures")

    def test_handshake_equals_the_configured_rtt_from_both_vantages(self):
        for capture in captures():
            settings, rows = truth(capture)
            name = os.path.basename(capture)
            with self.subTest(capture=name):
                handshakes = [float(r[0]) for r in self.sandbox.fields(capture, ["triage.rtt.handshake"],
                                                                         display_filter="triage.rtt.handshake")]
                ambiguous = sum(int(r["connections"]) for r in rows if "ambiguous" in r["flags"])
                completed = sum(int(r["connections"]) for r in rows if r["transport"] == "tcp" and r["outcome"] == "completed")
                self.assertEqual(len(handshakes), completed, "one handshake per completed connection")
                rtt = report_of(self.sandbox.json_report(capture, "triage,rtt"), "rtt")
                # ambiguous handshakes keep their value on the packet, not in the statistics
                self.assertEqual(rtt["stats"]["handshake"]["count"], completed - ambiguous)
                self.assertGreaterEqual(rtt["stats"]["handshake"]["min"], RTT - TOLERANCE)
                self.assertLessEqual(rtt["stats"]["handshake"]["max"], RTT + TOLERANCE)
                self.assertEqual(rtt["capture_point"], settings["capture_point"])
                # the leg that carries the RTT depends on where the capture was taken
                leg = "syn_synack" if settings["capture_point"] == "client" else "synack_ack"
                self.assertGreater(rtt["stats"][leg]["p50"], RTT - TOLERANCE)

    def test_outcomes_match_truth(self):
        for capture in captures():
            settings, rows = truth(capture)
            name = os.path.basename(capture)
            with self.subTest(capture=name):
                expected = collections.Counter()
                for row in rows:
                    if row["transport"] == "tcp":
                        expected[row["outcome"]] += int(row["connections"])
                counts = report_of(self.sandbox.json_report(capture, "triage,rtt"), "rtt")["connections"]
                for outcome, count in expected.items():
                    self.assertEqual(counts[outcome], count, outcome)
                self.assertEqual(counts["no_handshake"], 0)
                self.assertEqual(counts["synack_only"], 0)

    def test_default_policy_flags_every_unwanted_connection_and_nothing_clean(self):
        for capture in captures():
            settings, rows = truth(capture)
            name = os.path.basename(capture)
            with self.subTest(capture=name):
                report = report_of(self.sandbox.json_report(capture, "triage,policy,top=1000"), "policy")
                flagged = {}
                for finding in report["findings"]:
                    for endpoint in finding["endpoints"]:
                        key = (endpoint["transport"], endpoint["client"], endpoint["server"], endpoint["port"])
                        flagged.setdefault(key, []).append(finding["rule"])
                expected_keys = set()
                for row in rows:
                    key = (row["transport"], row["client"], row["server"], int(row["server_port"]))
                    if row["policy"] == "clean":
                        self.assertNotIn(key, flagged, f"clean {row['app']} flagged")
                        continue
                    category = row["policy"].split(":", 1)[1]
                    self.assertIn(key, flagged, f"{category} not flagged: {row['what']}")
                    self.assertTrue(all(rule.startswith(RULE_PREFIX[category]) for rule in flagged[key]),
                                    f"{key}: {flagged[key]}")
                    expected_keys.add(key)
                self.assertEqual(set(flagged), expected_keys, "findings beyond the truth")

    def test_webserver_allowlist(self):
        """Allow-list mode with the web-server policy: portmapper and
        BitTorrent (also on 443, decoded as TLS) are reported, HTTP, TLS and
        DNS are not."""
        policy = self.sandbox.stage(os.path.join(SOURCE_DIR, "samples", "policies", "webserver-allowlist.csv"))
        for name in ("lab-policy-server.pcapng", "lab-p2p-server.pcapng"):
            capture = os.path.join(LAB, name)
            settings, rows = truth(capture)
            with self.subTest(capture=name):
                report = report_of(self.sandbox.json_report(
                    capture, "triage,policy,top=1000", "-o", f"triage.policy_file:{policy}",
                    "-o", "triage.policy_mode:allowlist"), "policy")
                self.assertEqual(report["policy"]["mode"], "allowlist")
                unexpected = {u["protocol"] for u in report["unexpected"]}
                self.assertFalse(unexpected & {"http", "tls", "dns"}, unexpected)
                flagged = {(e["transport"], e["client"], e["server"], e["port"])
                           for f in report["findings"] for e in f["endpoints"]}
                for row in rows:
                    key = (row["transport"], row["client"], row["server"], int(row["server_port"]))
                    if row["app"] in ("http", "tls", "dns") and row["policy"] == "clean":
                        self.assertNotIn(key, flagged, row["what"])
                    if row["policy"] == "flag:bittorrent" and row["transport"] == "tcp":
                        self.assertIn(key, flagged, row["what"])  # 443 included: the payload gives it away
                if name == "lab-policy-server.pcapng":
                    self.assertTrue({"portmap", "rpc"} & unexpected, unexpected)

    def test_destinations_are_the_responders(self):
        for capture in captures():
            settings, rows = truth(capture)
            name = os.path.basename(capture)
            with self.subTest(capture=name):
                report = report_of(self.sandbox.json_report(capture, "triage,dests,top=1000"), "dests")
                servers = {(r["transport"], r["server"], int(r["server_port"])) for r in rows}
                seen = {(p["transport"], d["address"], p["port"]) for d in report["destinations"]
                        for p in d["ports"] if p["transport"] in ("tcp", "udp")}
                # no client ephemeral port shows up as a destination, from either vantage
                self.assertEqual(seen, servers)
                inferred = [p for d in report["destinations"] for p in d["ports"] if p["inferred"]]
                self.assertEqual(inferred, [])


if __name__ == "__main__":
    main()
