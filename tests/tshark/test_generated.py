# SPDX-License-Identifier: GPL-2.0-or-later
"""Every exact case of the capture generator, through tshark, against its truth.

samples/generated/NAME.pcap comes with NAME.tsv (one row per TCP connection)
and NAME.flows.tsv (UDP and ICMP flows), written by triage-capgen from the
frames it wrote.  A case is a file: adding a capture adds a case.
"""
import csv
import glob
import os

from harness import SOURCE_DIR, SandboxTestCase, main, report_of

GENERATED = os.path.join(SOURCE_DIR, "samples", "generated")
NS = 1e-9

# The truth names what was repeated; packets and reports name the legs left
# out (a SYN sent again after the SYN/ACK leaves out the second leg too).
AMBIGUITY = {
    "none": None,
    "syn_retransmitted": "syn",
    "synack_retransmitted": "synack",
    "both": "syn,synack",
}


def ambiguous_legs(row):
    legs = AMBIGUITY[row["ambiguous"]]
    if "syn_after_synack" in anomalies(row) and (legs is None or "synack" not in legs):
        legs = "synack" if legs is None else legs + ",synack"
    return legs
OUTCOMES = ["completed", "refused", "unanswered", "incomplete", "client_reset", "synack_only", "no_handshake"]


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def cases():
    for truth in sorted(glob.glob(os.path.join(GENERATED, "*.tsv"))):
        if truth.endswith(".flows.tsv"):
            continue
        capture = truth[:-4] + ".pcap"
        if os.path.exists(capture):
            yield os.path.basename(capture)[:-5], capture, read_tsv(truth), read_tsv(truth[:-4] + ".flows.tsv")


def anomalies(row):
    return set(row["anomaly"].split(",")) - {"none"}


def legs_are_measurable(row):
    """Rows where the truth's legs are not RTTs, and why we do not measure them."""
    # The clock ran backwards inside the handshake: a negative leg is not a
    # round trip, so the engine reports the leg as not measured.
    if "time_backwards" in anomalies(row):
        return False
    # Simultaneous open: each side's SYN/ACK answers its own SYN and the
    # peer's at once, so neither leg is a round trip (setup is still shown).
    if "simultaneous" in row.get("note", "") or row["outcome"] == "completed" and not row["syn_frame"]:
        return False
    return True


class GeneratedCaptures(SandboxTestCase):
    def test_there_are_cases(self):
        self.assertGreaterEqual(len(list(cases())), 20)

    def connection_fields(self, capture, truth):
        """The handshake fields on the packets, gathered per truth row.  Rows
        that share a tcp.stream (a SYN/ACK for another ISN starts no new
        stream) split it at their first frames."""
        starts = {}
        for row in truth:
            starts.setdefault(row["tcp_stream"], []).append(int(row["first_frame"]))
        rows = self.sandbox.fields(
            capture,
            ["frame.number", "tcp.stream", "triage.rtt.syn_synack", "triage.rtt.synack_ack",
             "triage.rtt.handshake", "triage.rtt.setup", "triage.rtt.outcome", "triage.rtt.ambiguous",
             "triage.rtt.syn_frame", "triage.rtt.synack_frame", "triage.rtt.ack_frame", "triage.rtt.anomaly"],
            display_filter="triage.rtt.syn_frame || triage.rtt.synack_frame || triage.rtt.outcome")
        connections = {}
        for frame, stream, syn_synack, synack_ack, handshake, setup, outcome, ambiguous, syn, synack, ack, \
                anomaly in rows:
            stream = stream.split(",")[-1]
            first = max((start for start in starts.get(stream, [0]) if start <= int(frame)), default=0)
            record = connections.setdefault((stream, first), {"anomalies": set()})
            record["anomalies"].update(name for name in anomaly.split(",") if name)
            for key, value in (("syn_synack", syn_synack), ("synack_ack", synack_ack),
                               ("handshake", handshake), ("setup", setup)):
                if value:
                    record[key] = float(value)
            for key, value in (("outcome", outcome), ("ambiguous", ambiguous), ("syn_frame", syn),
                               ("synack_frame", synack), ("ack_frame", ack)):
                if value:
                    record[key] = value
        return connections

    def test_legs_frames_and_ambiguity_per_connection(self):
        checked = 0
        for name, capture, truth, _ in cases():
            if not truth:
                continue
            seen = self.connection_fields(capture, truth)
            for row in truth:
                with self.subTest(capture=name, stream=row["tcp_stream"], note=row["note"]):
                    record = seen.get((row["tcp_stream"], int(row["first_frame"])), {"anomalies": set()})
                    # the truth's anomalies that the engine names on the packets too
                    self.assertEqual("syn_after_synack" in record["anomalies"],
                                     "syn_after_synack" in anomalies(row))
                    outcome = row["outcome"]
                    if outcome in ("completed", "refused", "client_reset", "synack_only") and legs_are_measurable(row):
                        # known as soon as the packet arrives, so on the packets in one pass
                        self.assertEqual(record.get("outcome"), outcome)
                    if not legs_are_measurable(row):
                        continue
                    for key in ("syn_synack", "synack_ack", "handshake", "setup"):
                        if row[f"{key}_ns"]:
                            self.assertIn(key, record, f"{key} missing")
                            self.assertAlmostEqual(record[key], int(row[f"{key}_ns"]) * NS, delta=1e-9)
                        elif outcome != "completed":
                            self.assertNotIn(key, record)
                    if row["syn_frame"]:
                        self.assertEqual(record.get("syn_frame"), row["syn_frame"])
                    if row["ack_frame"]:
                        self.assertEqual(record.get("ack_frame"), row["ack_frame"])
                    self.assertEqual(record.get("ambiguous"), ambiguous_legs(row))
                    checked += 1
        self.assertGreater(checked, 150)

    def test_statistics_leave_out_the_legs_the_truth_calls_unclear(self):
        """Each leg's count in the report equals the truth rows where that leg
        exists and is no Karn leg, and the SYN/ACK -> ACK leg (so the
        handshake) of a SYN sent again after the SYN/ACK does not count."""
        checked = 0
        for name, capture, truth, _ in cases():
            rows = [row for row in truth if legs_are_measurable(row)]
            if len(rows) != len(truth) or not truth:
                continue  # the clock or the roles spoil times: test_handshake covers those
            with self.subTest(capture=name):
                stats = report_of(self.sandbox.json_report(capture, "triage,rtt"), "rtt")["stats"]
                second_leg_clear = [row["ambiguous"] not in ("synack_retransmitted", "both")
                                    and "syn_after_synack" not in anomalies(row) for row in rows]
                first_leg_clear = [row["ambiguous"] not in ("syn_retransmitted", "both") for row in rows]
                expected = {
                    "syn_synack": sum(1 for row, clear in zip(rows, first_leg_clear) if row["syn_synack_ns"] and clear),
                    "synack_ack": sum(1 for row, clear in zip(rows, second_leg_clear)
                                      if row["synack_ack_ns"] and clear),
                    "handshake": sum(1 for row, first, second in zip(rows, first_leg_clear, second_leg_clear)
                                     if row["handshake_ns"] and first and second),
                }
                for leg, count in expected.items():
                    self.assertEqual(stats[leg]["count"], count, leg)
                checked += 1
        self.assertGreater(checked, 10)

    def test_outcome_counts_in_report(self):
        for name, capture, truth, _ in cases():
            if not truth:
                continue
            with self.subTest(capture=name):
                rtt = report_of(self.sandbox.json_report(capture, "triage,rtt"), "rtt")
                for outcome in OUTCOMES:
                    expected = sum(1 for row in truth if row["outcome"] == outcome)
                    self.assertEqual(rtt["connections"][outcome], expected, outcome)
                # the truth's time_backwards also covers steps after the handshake, which no leg sees
                self.assertEqual(rtt["anomalies"]["syn_after_synack"],
                                 sum(1 for row in truth if "syn_after_synack" in anomalies(row)))

    def test_where_initial_rtt_is_wrong_we_are_not(self):
        """A 30 ms path whose SYN/ACK was retransmitted after 1 s, and a SYN
        answered by RST: Wireshark's iRTT says 1.030 s and gives the refusal
        an RTT; the handshake RTT here counts neither."""
        capture = os.path.join(GENERATED, "synack_retransmitted.pcap")
        initial = [float(r[0]) for r in self.sandbox.fields(capture, ["tcp.analysis.initial_rtt"], two_pass=True,
                                                             display_filter="tcp.analysis.initial_rtt") if r[0]]
        self.assertGreater(max(initial), 1.0)  # what Wireshark reports
        # on the packet: the 30 ms (measured from the last SYN/ACK), marked ambiguous
        handshake, ambiguous = self.sandbox.fields(capture, ["triage.rtt.handshake", "triage.rtt.ambiguous"],
                                                   display_filter="triage.rtt.handshake")[0]
        self.assertAlmostEqual(float(handshake), 0.030, delta=0.001)
        self.assertEqual(ambiguous, "synack")
        rtt = report_of(self.sandbox.json_report(capture, "triage,rtt"), "rtt")
        self.assertEqual(rtt["stats"]["handshake"]["count"], 0)          # ambiguous: out of the statistics
        self.assertEqual(rtt["stats"]["syn_synack"]["count"], 1)         # the clean leg still counts
        self.assertGreater(rtt["stats"]["setup"]["max"], 1.0)            # what the user waited
        refused = os.path.join(GENERATED, "refused.pcap")
        self.assertTrue([r for r in self.sandbox.fields(refused, ["tcp.analysis.initial_rtt"], two_pass=True,
                                                        display_filter="tcp.analysis.initial_rtt")])
        self.assertEqual(self.sandbox.fields(refused, ["triage.rtt.handshake"], display_filter="triage.rtt.handshake"),
                         [])
        rtt = report_of(self.sandbox.json_report(refused, "triage,rtt"), "rtt")
        self.assertEqual(rtt["stats"]["handshake"]["count"], 0)
        self.assertEqual(rtt["connections"]["refused"], 2)

    def test_syn_after_synack_initial_rtt_is_wrong_and_we_say_so(self):
        """SYN, SYN/ACK, SYN again, ACK: Wireshark's iRTT runs from the second
        SYN, so it is neither the path nor the setup; the triage measures
        the legs as defined, names the anomaly and keeps leg 2 out."""
        capture = os.path.join(GENERATED, "syn_after_synack.pcap")
        truth = read_tsv(capture[:-5] + ".tsv")
        row = next(row for row in truth if row["ambiguous"] == "none" and "syn_after_synack" in anomalies(row))
        initial = {float(r[0]) for r in self.sandbox.fields(
            capture, ["tcp.analysis.initial_rtt"], two_pass=True,
            display_filter=f"tcp.stream == {row['tcp_stream']} && tcp.analysis.initial_rtt")}
        self.assertEqual(len(initial), 1)
        # ACK minus the second SYN: misses the 0.865 s the client waited for a SYN/ACK
        self.assertLess(initial.pop(), int(row["synack_ack_ns"]) * NS - 0.5)
        synack_ack, anomaly = self.sandbox.fields(capture, ["triage.rtt.synack_ack", "triage.rtt.anomaly"],
                                                  display_filter=f"frame.number == {row['ack_frame']}")[0]
        self.assertAlmostEqual(float(synack_ack), int(row["synack_ack_ns"]) * NS, delta=1e-9)
        self.assertEqual(anomaly, "syn_after_synack")

    def test_destinations_equal_truth(self):
        """Connections, packets and bytes per responder and port, exactly."""
        for name, capture, truth, flows in cases():
            with self.subTest(capture=name):
                expected = {}
                inferred = set()
                conversations = set()
                for row in truth:
                    if row["responder_inferred"] == "1":
                        # Without a handshake the responder is a guess from the
                        # ports (DESIGN §4), tested in test_connection_table and
                        # on the corpus; here only measured roles are compared.
                        inferred.add((row["server"], "tcp", int(row["server_port"])))
                        inferred.add((row["client"], "tcp", int(row["client_port"])))
                        continue
                    key = (row["server"], "tcp", int(row["server_port"]))
                    entry = expected.setdefault(key, [0, 0, 0, 0, 0])
                    # The destinations count Wireshark's conversations, as
                    # Conversations does: two handshake attempts in one
                    # tcp.stream (synack_other_isn) are one there.
                    if (row["tcp_stream"], key) not in conversations:
                        conversations.add((row["tcp_stream"], key))
                        entry[0] += 1
                    for i, column in enumerate(("packets_to_server", "bytes_to_server",
                                                "packets_to_client", "bytes_to_client")):
                        entry[i + 1] += int(row[column])
                for row in flows:
                    if row["transport"] != "udp":
                        continue
                    # a flow seen from its answer on is still put on the service
                    # side (DNS reply from port 53: the sender is the server)
                    key = (row["server"], "udp", int(row["server_port"]))
                    entry = expected.setdefault(key, [0, 0, 0, 0, 0])
                    entry[0] += 1
                    for i, column in enumerate(("packets_to_server", "bytes_to_server",
                                                "packets_to_client", "bytes_to_client")):
                        entry[i + 1] += int(row[column])
                dests = report_of(self.sandbox.json_report(capture, "triage,dests,top=1000000"), "dests")
                seen = {}
                for destination in dests["destinations"]:
                    for port in destination["ports"]:
                        seen[(destination["address"], port["transport"], port["port"])] = [
                            port["connections"], port["packets_to"], port["bytes_to"],
                            port["packets_from"], port["bytes_from"]]
                for key, value in expected.items():
                    if key in inferred:
                        continue
                    self.assertEqual(seen.get(key), value, f"{name} {key}")


if __name__ == "__main__":
    main()
