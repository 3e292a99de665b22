# SPDX-License-Identifier: GPL-2.0-or-later
"""A million packets with known times: every unambiguous leg equals the truth
to 1 us, and the handshake equals Wireshark's tcp.analysis.initial_rtt on
every clean handshake.  The capture is generated at test time (not in git).
"""
import csv
import os
import subprocess

from harness import CAPGEN, SandboxTestCase, main

PACKETS = int(os.environ.get("TRIAGE_MILLION_PACKETS", "1000000"))


class MillionPackets(SandboxTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not CAPGEN:
            raise RuntimeError("TRIAGE_CAPGEN must name the built triage-capgen")
        cls.capture = os.path.join(cls.sandbox.inputs, "million.pcap")
        cls.truth_path = os.path.join(cls.sandbox.inputs, "million.tsv")
        subprocess.run([CAPGEN, "million", cls.capture, "--truth", cls.truth_path, "--packets", str(PACKETS),
                        "--seed", "7"], check=True)
        os.chmod(cls.capture, 0o644)
        with open(cls.truth_path) as handle:
            cls.truth = {row["tcp_stream"]: row for row in csv.DictReader(handle, delimiter="\t")}

    def test_every_leg_and_initial_rtt(self):
        out = self.sandbox.run(["-r", self.capture, "-T", "fields", "-E", "separator=\t",
                                "-e", "tcp.stream", "-e", "triage.rtt.syn_synack", "-e", "triage.rtt.synack_ack",
                                "-e", "triage.rtt.handshake", "-e", "triage.rtt.ambiguous",
                                "-e", "tcp.analysis.initial_rtt",
                                "-Y", "triage.rtt.syn_synack || triage.rtt.synack_ack"]).stdout
        legs = {}
        for line in out.splitlines():
            stream, syn_synack, synack_ack, handshake, ambiguous, initial_rtt = line.split("\t")
            record = legs.setdefault(stream, {})
            if syn_synack:
                record["syn_synack"] = float(syn_synack)
            if synack_ack:
                record.update(synack_ack=float(synack_ack), handshake=float(handshake),
                              ambiguous=ambiguous, initial_rtt=initial_rtt)
        checked_legs = checked_irtt = 0
        for stream, row in self.truth.items():
            record = legs.get(stream, {})
            ambiguity = row["ambiguous"]
            if row["syn_synack_ns"] and ambiguity in ("none", "synack_retransmitted"):
                self.assertAlmostEqual(record["syn_synack"], int(row["syn_synack_ns"]) / 1e9, delta=1e-6, msg=stream)
                checked_legs += 1
            if row["synack_ack_ns"] and ambiguity in ("none", "syn_retransmitted"):
                self.assertAlmostEqual(record["synack_ack"], int(row["synack_ack_ns"]) / 1e9, delta=1e-6, msg=stream)
                checked_legs += 1
            if ambiguity == "none" and row["outcome"] == "completed" and record.get("initial_rtt"):
                # one SYN, one SYN/ACK, one ACK: Wireshark's iRTT is the same number
                self.assertAlmostEqual(record["handshake"], float(record["initial_rtt"]), delta=1e-9, msg=stream)
                checked_irtt += 1
        self.assertGreater(checked_legs, len(self.truth))
        self.assertGreater(checked_irtt, len(self.truth) // 2)


if __name__ == "__main__":
    main()
