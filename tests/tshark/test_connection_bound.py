# SPDX-License-Identifier: GPL-2.0-or-later
"""triage.max_connections bounds memory; every report says what it left out.

samples/generated/mixed.pcap has 194 TCP connections and 20 other flows.
With a bound of 50, the first 50 flows are tracked and the rest counted:
each report's tracked and untracked connections add up to the whole
capture, and the RTT, policy and destinations reports agree on how many
were left out.
"""
import csv
import os

from harness import SOURCE_DIR, SandboxTestCase, main, report_of

CAPTURE = os.path.join(SOURCE_DIR, "samples", "generated", "mixed.pcap")
BOUND = 50


def rows(path):
    with open(path) as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


class ConnectionBound(SandboxTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tcp_connections = len(rows(CAPTURE[:-5] + ".tsv"))
        cls.flows = cls.tcp_connections + len(rows(CAPTURE[:-5] + ".flows.tsv"))
        cls.document = cls.sandbox.json_report(CAPTURE, "triage", "-o", f"triage.max_connections:{BOUND}")

    def test_destinations(self):
        totals = report_of(self.document, "dests")["totals"]
        self.assertEqual(totals["connections"], BOUND)
        self.assertEqual(totals["untracked_connections"], self.flows - BOUND)

    def test_policy(self):
        policy = report_of(self.document, "policy")["policy"]
        self.assertEqual(policy["connections"], BOUND)
        self.assertEqual(policy["untracked_connections"], self.flows - BOUND)

    def test_rtt(self):
        connections = report_of(self.document, "rtt")["connections"]
        self.assertGreater(connections["untracked"], 0)
        self.assertLess(connections["total"], BOUND + 1)
        self.assertEqual(connections["total"] + connections["untracked"], self.tcp_connections)

    def test_unbounded_tracks_everything(self):
        document = self.sandbox.json_report(CAPTURE, "triage")
        self.assertEqual(report_of(document, "rtt")["connections"]["total"], self.tcp_connections)
        self.assertEqual(report_of(document, "rtt")["connections"]["untracked"], 0)
        self.assertEqual(report_of(document, "dests")["totals"]["untracked_connections"], 0)
        self.assertEqual(report_of(document, "policy")["policy"]["untracked_connections"], 0)


if __name__ == "__main__":
    main()
