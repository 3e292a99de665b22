# SPDX-License-Identifier: GPL-2.0-or-later
"""tshark -2 gives the same reports and the same packet fields as one pass.

With -2, tshark's first pass dissects without taps and the second with
them; the plugin must then count every frame once, in the second pass,
whatever the first did.  The reports are compared as whole JSON documents
(every number, every table), on generated captures that stress the
handshake engine, on the lab and corpus captures when they are here, with
report filters, and with a policy whose filter rules take the slow path.
"""
import os

from harness import SOURCE_DIR, SandboxTestCase, corpus_dir, main, parse_single_json

GENERATED = os.path.join(SOURCE_DIR, "samples", "generated")
# Retransmissions, odd clocks, duplicates, reuse, tunnels, ICMP errors,
# truncation, UDP, and one of everything.
GENERATED_CASES = ["mixed", "syn_after_synack", "time_backwards", "duplicates", "port_reuse",
                   "simultaneous_open", "truncated", "icmp_error", "other_ip"]
LAB_CASES = ["lab-p2p-client.pcapng", "lab-policy-client.pcapng", "lab-rtt-client.pcapng"]
# fuzz-2021-10-13.pcap ends in a damaged record: tshark exits 2 after it, in
# both modes, and the reports of what it read must still agree.
CORPUS_CASES = ["bittorrent.pcap", "rdp-x509.pcap", "mining.pcapng", "fuzz-2021-10-13.pcap"]
FIELDS = ["frame.number", "tcp.stream", "triage.rtt.syn_synack", "triage.rtt.synack_ack",
          "triage.rtt.handshake", "triage.rtt.setup", "triage.rtt.outcome", "triage.rtt.ambiguous",
          "triage.rtt.syn_frame", "triage.rtt.synack_frame", "triage.rtt.ack_frame",
          "triage.policy.rule", "triage.policy.violation"]

# Filter rules take the slow path: their tap listeners mark frames after the
# postdissector ran, so each frame's policy step waits for the next frame.
SLOW_PATH_POLICY = (
    "name,action,severity,message,protocols,ports,peers,payload,filter\n"
    "allow-dns,allow,,,dns,,,,\n"
    "big-frames,alert,warn,Large frames,,,,,frame.len > 100\n"
    "retransmissions,alert,note,Retransmitted segments,,,,,tcp.analysis.retransmission\n"
    "https,alert,note,HTTPS,,tcp/443,,,\n"
    "syn-only,alert,error,SYN without ACK,,,,,tcp.flags.syn == 1 && tcp.flags.ack == 0\n"
)


def captures():
    for name in GENERATED_CASES:
        yield os.path.join(GENERATED, name + ".pcap")
    for name in LAB_CASES:
        if os.path.exists(os.path.join(SOURCE_DIR, "samples", "lab", "captures", name)):
            yield os.path.join(SOURCE_DIR, "samples", "lab", "captures", name)
    corpus = corpus_dir()
    if corpus:
        for name in CORPUS_CASES:
            if os.path.exists(os.path.join(corpus, name)):
                yield os.path.join(corpus, name)


class TwoPass(SandboxTestCase):
    def documents(self, capture, z, *extra):
        """The JSON document of one pass and of two passes."""
        one = self.sandbox.tshark(capture, "-q", "-z", z, *extra, check=False)
        two = self.sandbox.tshark(capture, "-2", "-q", "-z", z, *extra, check=False)
        self.assertEqual(one.returncode, two.returncode, two.stderr)
        self.assertIn(one.returncode, (0, 2), one.stderr)  # 2: a damaged capture, read up to the damage
        return parse_single_json(one.stdout), parse_single_json(two.stdout)

    def test_there_are_cases(self):
        self.assertGreaterEqual(len(list(captures())), len(GENERATED_CASES))

    def test_all_reports_equal(self):
        for capture in captures():
            with self.subTest(capture=os.path.basename(capture)):
                one, two = self.documents(capture, "triage,format=json,top=1000")
                self.assertGreater(one["reports"][0]["capture"]["packets"], 0)
                self.assertEqual(one, two)

    def test_filtered_reports_equal(self):
        capture = os.path.join(GENERATED, "mixed.pcap")
        for z in ("triage,format=json,tcp.port==443",
                  "triage,rtt,format=json,top=3,ip.addr==10.0.0.0/8",
                  "triage,dests,format=json,sort=bytes,udp || icmp",
                  "triage,policy,format=json,tcp.flags.reset==1"):
            with self.subTest(z=z):
                one, two = self.documents(capture, z)
                self.assertEqual(one, two)

    def test_slow_path_policy_equal(self):
        policy = self.sandbox.write("slow-path.csv", SLOW_PATH_POLICY)
        for capture in (os.path.join(GENERATED, "mixed.pcap"), os.path.join(GENERATED, "syn_retransmitted.pcap")):
            for mode in ("denylist", "allowlist"):
                with self.subTest(capture=os.path.basename(capture), mode=mode):
                    one, two = self.documents(capture, "triage,policy,format=json,top=100",
                                              "-o", f"triage.policy_file:{policy}",
                                              "-o", f"triage.policy_mode:{mode}")
                    findings = {finding["rule"] for finding in one["reports"][0]["findings"]}
                    self.assertIn("big-frames", findings)  # the filter rules did run
                    self.assertEqual(one, two)

    def test_packet_fields_equal(self):
        """-2 marks the packets exactly as one pass does (see README: the
        end-of-capture outcomes stay off the packets in both)."""
        for name in ("mixed", "time_backwards"):
            capture = os.path.join(GENERATED, name + ".pcap")
            with self.subTest(capture=name):
                one = self.sandbox.fields(capture, FIELDS)
                two = self.sandbox.fields(capture, FIELDS, two_pass=True)
                self.assertGreater(sum(1 for row in one if row[6]), 0)  # outcomes are shown
                self.assertEqual(one, two)


if __name__ == "__main__":
    main()
