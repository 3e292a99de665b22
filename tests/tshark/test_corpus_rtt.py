# SPDX-License-Identifier: GPL-2.0-or-later
"""Handshake legs and outcomes on every corpus capture, against GROUND_TRUTH.

Our legs are the ground truth's "last" variants (Karn: measured from the
last SYN, resp. SYN/ACK, sent before the answer).  Every disagreement with
the ground truth is explained here, next to the case it concerns.
"""
import csv
import glob
import os

from harness import SandboxTestCase, main, report_of, require_corpus

OUTCOME_OF_STATUS = {
    "complete": "completed",
    "syn_synack_no_ack": "incomplete",
    "syn_synack_then_client_rst": "client_reset",
    "syn_only_no_reply": "unanswered",
    "syn_rejected_by_rst": "refused",
    "synack_without_syn": "synack_only",
    "midstream_no_syn": "no_handshake",
}

# Streams whose leg we deliberately leave out of the statistics, and why.
AMBIGUOUS = {
    # SYN/ACK sent at frames 2 and 3, then a SYN retransmission, and the ACK
    # only at 7.14 s: nobody can tell which SYN/ACK the ACK answers (Karn).
    ("rdp-x509.pcap", "0"): "synack",
}

TOLERANCE = 1e-6  # the corpus is in microseconds (one file has ns: still within 1 us)


def ground_truth(corpus, name):
    path = os.path.join(corpus, "groundtruth", name, "handshakes.tsv")
    with open(path) as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


class CorpusRtt(SandboxTestCase):
    def setUp(self):
        self.corpus = require_corpus(self)

    def captures(self):
        """Every readable corpus capture; the damaged one has its own test."""
        with open(os.path.join(self.corpus, "MANIFEST.tsv")) as handle:
            damaged = {row["file"] for row in csv.DictReader(handle, delimiter="\t")
                       if row["tshark_read_error"] not in ("", "-")}
        for path in sorted(glob.glob(os.path.join(self.corpus, "*.pcap*"))):
            name = os.path.basename(path)
            if name not in damaged and os.path.exists(os.path.join(self.corpus, "groundtruth", name, "handshakes.tsv")):
                yield path

    def per_stream_fields(self, capture):
        rows = self.sandbox.fields(
            capture,
            ["frame.number", "tcp.stream", "triage.rtt.syn_synack", "triage.rtt.synack_ack",
             "triage.rtt.outcome", "triage.rtt.ambiguous", "triage.rtt.ack_frame"],
            display_filter="triage.rtt.outcome || triage.rtt.syn_synack || triage.rtt.synack_ack",
            extra=["-o", "tcp.analyze_sequence_numbers:TRUE"])
        streams = {}
        for frame, stream, syn_synack, synack_ack, outcome, ambiguous, ack_frame in rows:
            # a frame in a tunnel or with a quoted header lists several
            # streams; ours is the innermost, i.e. the last
            stream = stream.split(",")[-1]
            record = streams.setdefault(stream, {})
            if syn_synack:
                record["syn_synack"] = float(syn_synack)
            if synack_ack:
                record["synack_ack"] = float(synack_ack)
                record["ack_frame"] = frame
            if outcome:
                record["outcome"] = outcome
            if ambiguous:
                record["ambiguous"] = ambiguous
        return streams

    def test_legs_and_outcomes_match_ground_truth(self):
        checked = 0
        for capture in self.captures():
            name = os.path.basename(capture)
            truth = ground_truth(self.corpus, name)
            seen = self.per_stream_fields(capture)
            with self.subTest(capture=name):
                for row in truth:
                    stream = row["stream"]
                    record = seen.get(stream, {})
                    expected_outcome = OUTCOME_OF_STATUS[row["status"]]
                    if expected_outcome == "no_handshake":
                        self.assertNotIn("syn_synack", record, f"{name} stream {stream}: no RTT may be reported")
                        self.assertNotIn("synack_ack", record, f"{name} stream {stream}: no RTT may be reported")
                        continue
                    self.assertEqual(record.get("outcome"), expected_outcome, f"{name} stream {stream}")
                    if row["syn_to_synack_last"]:
                        self.assertAlmostEqual(record["syn_synack"], float(row["syn_to_synack_last"]),
                                               delta=TOLERANCE, msg=f"{name} stream {stream} SYN->SYN/ACK")
                    if row["synack_to_ack_last"]:
                        self.assertAlmostEqual(record["synack_ack"], float(row["synack_to_ack_last"]),
                                               delta=TOLERANCE, msg=f"{name} stream {stream} SYN/ACK->ACK")
                        self.assertEqual(record["ack_frame"], row["ack_frame"])
                    self.assertEqual(record.get("ambiguous"), AMBIGUOUS.get((name, stream)),
                                     f"{name} stream {stream} ambiguity")
                    checked += 1
        self.assertGreater(checked, 20)

    def test_report_counts_match_ground_truth(self):
        for capture in self.captures():
            name = os.path.basename(capture)
            truth = ground_truth(self.corpus, name)
            with self.subTest(capture=name):
                document = self.sandbox.json_report(capture, "triage,rtt")
                rtt = report_of(document, "rtt")
                counts = rtt["connections"]
                for status, outcome in OUTCOME_OF_STATUS.items():
                    expected = sum(1 for row in truth if row["status"] == status)
                    self.assertEqual(counts[outcome], expected, f"{name}: {outcome}")
                ambiguous = sum(1 for key in AMBIGUOUS if key[0] == name)
                self.assertEqual(counts["ambiguous"], ambiguous, f"{name}: ambiguous")
                completed_clean = [row for row in truth if row["status"] == "complete"
                                   and (name, row["stream"]) not in AMBIGUOUS]
                self.assertEqual(rtt["stats"]["handshake"]["count"], len(completed_clean), name)
                if completed_clean:
                    expected_max = max(float(r["syn_to_synack_last"]) + float(r["synack_to_ack_last"])
                                       for r in completed_clean)
                    self.assertAlmostEqual(rtt["stats"]["handshake"]["max"], expected_max, delta=2 * TOLERANCE)

    def test_no_statistic_contains_a_retransmission_timeout(self):
        capture = os.path.join(self.corpus, "rdp-x509.pcap")
        rtt = report_of(self.sandbox.json_report(capture, "triage,rtt"), "rtt")
        # the clean leg (80 us) counts; the 4.8 s leg after a retransmitted SYN/ACK does not
        self.assertEqual(rtt["stats"]["syn_synack"]["count"], 1)
        self.assertEqual(rtt["stats"]["synack_ack"]["count"], 0)
        self.assertEqual(rtt["stats"]["handshake"]["count"], 0)
        # setup shows what the user waited: 7.142217 s
        self.assertAlmostEqual(rtt["stats"]["setup"]["max"], 7.142217, delta=TOLERANCE)

    def test_damaged_file_reports_and_does_not_crash(self):
        capture = os.path.join(self.corpus, "fuzz-2021-10-13.pcap")
        result = self.sandbox.tshark(capture, "-q", "-z", "triage,format=json", check=False)
        self.assertIn("cut short in the middle of a packet", result.stderr)
        self.assertNotIn("Segmentation", result.stderr)
        document = __import__("harness").parse_single_json(result.stdout)
        self.assertEqual(document["reports"][0]["capture"]["packets"], 1)


if __name__ == "__main__":
    main()
