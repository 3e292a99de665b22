# SPDX-License-Identifier: GPL-2.0-or-later
"""Hostile and odd traffic through the real tshark: a SYN flood against the
connection bound, and the generator's odd scenarios against their truth.

The SYN flood is generated here (triage-capgen syn_flood, TRIAGE_CAPGEN):
TRIAGE_SYN_FLOOD_CONNECTIONS half-open connections (default 200 000; 20 000
under the sanitizers; the long run in tests/README is 1 000 000), a quarter
of them answered by a SYN/ACK, read with triage.max_connections at 1000.
The reports must keep exactly the first 1000 connections, count every other
one as untracked, and the plugin's memory must not grow with the flood: peak
RSS may exceed that of the same dissection without the plugin by at most
8 MiB + 16 bytes per packet (a stream slot per connection; the tables
themselves are bounded).  Without the bound it costs ~200 bytes per
connection, so the check has teeth.

The odd scenarios (port reuse, a clock going backwards, duplicates,
simultaneous open, TCP Fast Open, zero-length and snaplen-cut records) are
the committed samples/generated/*.pcap; the expected numbers are computed
from their truth files with the rules the engines document.
"""
import csv
import os
import subprocess
import sys

from harness import CAPGEN, SOURCE_DIR, SandboxTestCase, main, parse_single_json, report_of

GENERATED = os.path.join(SOURCE_DIR, "samples", "generated")
SANITIZED = bool(os.environ.get("TRIAGE_SANITIZED"))
FLOOD = int(os.environ.get("TRIAGE_SYN_FLOOD_CONNECTIONS") or (20000 if SANITIZED else 200000))
CAP = 1000
NS = 1e-9

# Runs a command and prints its peak resident set size (KiB) to stderr last.
PEAK_RSS = ("import resource, subprocess, sys\n"
            "status = subprocess.run(sys.argv[1:]).returncode\n"
            "print('peak_rss_kb=%d' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
            "sys.exit(status)\n")


def read_truth(path):
    with open(path) as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def legs_in_statistics(row):
    """Which legs of a truth row the RTT statistics take, by the rules of
    handshake.h: an ambiguous leg (Karn) stays out, and a clock that ran
    backwards inside the handshake, or a simultaneous open, spoils them all."""
    if row["outcome"] != "completed" or "simultaneous" in row["note"]:
        return {}
    legs = {key: int(row[f"{key}_ns"]) for key in ("syn_synack", "synack_ack", "handshake", "setup")}
    if any(value < 0 for value in legs.values()):
        return {}
    ambiguous = row["ambiguous"]
    if ambiguous in ("syn_retransmitted", "both"):
        del legs["syn_synack"], legs["handshake"]
    if ambiguous in ("synack_retransmitted", "both"):
        legs.pop("synack_ack")
        legs.pop("handshake", None)
    return legs


class Hostile(SandboxTestCase):
    def report(self, capture, *args):
        result = self.sandbox.tshark(capture, "-q", "-z", "triage,format=json,top=1000", *args)
        document = parse_single_json(result.stdout)
        return {name: report_of(document, name) for name in ("rtt", "policy", "dests")}

    # ---- the generator's odd scenarios ----------------------------------------

    def check_against_truth(self, name, anomalies):
        """Outcomes, statistics and destination counters equal the truth."""
        truth = read_truth(os.path.join(GENERATED, name + ".tsv"))
        reports = self.report(os.path.join(GENERATED, name + ".pcap"))
        rtt, dests = reports["rtt"], reports["dests"]

        self.assertEqual(rtt["connections"]["total"], len(truth))
        self.assertEqual(rtt["connections"]["completed"], sum(row["outcome"] == "completed" for row in truth))
        self.assertEqual(rtt["connections"]["ambiguous"], sum(row["ambiguous"] != "none" for row in truth))
        self.assertEqual(rtt["connections"]["anomalies"], anomalies)
        self.assertEqual(rtt["connections"]["untracked"], 0)

        for leg in ("syn_synack", "synack_ack", "handshake", "setup"):
            values = [legs[leg] for legs in map(legs_in_statistics, truth) if leg in legs]
            stats = rtt["stats"][leg]
            self.assertEqual(stats["count"], len(values), leg)
            if values:
                self.assertAlmostEqual(stats["min"], min(values) * NS, delta=1e-9, msg=leg)
                self.assertAlmostEqual(stats["max"], max(values) * NS, delta=1e-9, msg=leg)
            else:
                self.assertIsNone(stats["min"], leg)

        expected = {}
        for row in truth:
            key = (row["server"], int(row["server_port"]))
            counters = expected.setdefault(key, [0, 0, 0, 0, 0])
            for i, column in enumerate(("packets_to_server", "bytes_to_server", "packets_to_client", "bytes_to_client")):
                counters[i + 1] += int(row[column])
            counters[0] += 1
        seen = {(destination["address"], port["port"]): [port["connections"], port["packets_to"], port["bytes_to"],
                                                          port["packets_from"], port["bytes_from"]]
                for destination in dests["destinations"] for port in destination["ports"]}
        self.assertEqual(seen, expected)
        self.assertEqual(dests["totals"]["untracked_connections"], 0)
        return reports

    def test_port_reuse_is_two_connections(self):
        reports = self.check_against_truth("port_reuse", anomalies=0)
        self.assertEqual(reports["rtt"]["connections"]["completed"], 2)

    def test_time_going_backwards(self):
        # two clocks step back inside a handshake (anomalies); the third steps
        # back after it, which spoils no leg, so only its legs are statistics
        reports = self.check_against_truth("time_backwards", anomalies=2)
        self.assertEqual(reports["rtt"]["stats"]["handshake"]["count"], 1)
        # first/last of the capture are its earliest and latest times
        self.assertEqual(reports["rtt"]["capture"]["first"], "1699999999.995000000")

    def test_exact_duplicates(self):
        # a duplicated SYN or SYN/ACK is a retransmission to Karn; duplicated
        # data still counts as packets and bytes, as Conversations counts it
        reports = self.check_against_truth("duplicates", anomalies=0)
        self.assertEqual(reports["dests"]["totals"]["packets"], 33)

    def test_simultaneous_open(self):
        # no leg is a round trip, so nothing enters the statistics
        reports = self.check_against_truth("simultaneous_open", anomalies=1)
        self.assertEqual(reports["rtt"]["capture_point"], "unknown")

    def test_fast_open(self):
        # a SYN with data is flagged, its legs still count
        reports = self.check_against_truth("fast_open", anomalies=1)
        self.assertEqual(reports["rtt"]["stats"]["handshake"]["count"], 2)

    def test_zero_length_records(self):
        # the two empty records are frames of the capture but of no connection
        reports = self.check_against_truth("zero_length", anomalies=0)
        self.assertEqual(reports["rtt"]["capture"]["packets"], 11)
        self.assertEqual(reports["dests"]["totals"]["packets"], 9)

    def test_snaplen_truncated(self):
        # bytes are on-wire lengths although only 96 bytes of each were captured
        reports = self.check_against_truth("truncated", anomalies=0)
        self.assertEqual(reports["dests"]["totals"]["bytes"], 853 + 1554 + 973 + 1614)

    # ---- SYN flood --------------------------------------------------------------

    def peak_rss_kb(self, capture, *args):
        command = [sys.executable, "-c", PEAK_RSS] + self.sandbox.command("tshark", ["-r", capture, "-q"] + list(args))
        # the sandbox's command hands a sanitizer preload to tshark itself;
        # the measuring Python must not carry it
        environment = {key: value for key, value in os.environ.items() if key != "LD_PRELOAD"}
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.sandbox.inputs, timeout=1800,
                                env=environment)
        self.assertEqual(result.returncode, 0, result.stderr[-2000:])
        return int(result.stderr.rsplit("peak_rss_kb=", 1)[1]), result.stdout

    def test_syn_flood_stays_under_the_bound(self):
        if not CAPGEN or not os.path.exists(CAPGEN):
            self.skipTest("TRIAGE_CAPGEN does not name triage-capgen")
        capture = os.path.join(self.sandbox.inputs, "syn_flood.pcap")
        truth_path = os.path.join(self.sandbox.root, "syn_flood.tsv")
        # the generator is no part of what the sanitizers check
        environment = {key: value for key, value in os.environ.items() if key != "LD_PRELOAD"}
        subprocess.run([CAPGEN, "syn_flood", capture, f"--connections={FLOOD}", "--synack-percent=25",
                        f"--truth={truth_path}"], check=True, env=environment, timeout=600)
        os.chmod(capture, 0o644)
        truth = read_truth(truth_path)
        self.assertEqual(len(truth), FLOOD)
        tracked = [row for row in truth if int(row["tcp_stream"]) < CAP]
        untracked = [row for row in truth if int(row["tcp_stream"]) >= CAP]
        packets = sum(int(row["packets_to_server"]) + int(row["packets_to_client"]) for row in truth)

        peak, stdout = self.peak_rss_kb(capture, "-o", f"triage.max_connections:{CAP}",
                                        "-z", "triage,format=json", "-z", "triage")
        document = parse_single_json(stdout)
        rtt, policy, dests = (report_of(document, name) for name in ("rtt", "policy", "dests"))

        self.assertEqual(rtt["capture"]["packets"], packets)
        self.assertEqual(rtt["connections"]["total"], CAP)
        self.assertEqual(rtt["connections"]["untracked"], len(untracked))
        for outcome in ("unanswered", "incomplete"):
            self.assertEqual(rtt["connections"][outcome], sum(row["outcome"] == outcome for row in tracked), outcome)
        self.assertEqual(policy["policy"]["connections"], CAP)
        self.assertEqual(dests["totals"]["connections"], CAP)
        self.assertEqual(dests["totals"]["untracked_connections"], len(untracked))
        self.assertEqual(dests["totals"]["packets"] + dests["totals"]["untracked_packets"], packets)
        # the text report, which is what most people read, says so too
        text = " ".join(stdout.split())
        self.assertIn(f"Not tracked (over the limit): {len(untracked)}", text)
        self.assertIn(f"Untracked connections: {len(untracked)}", text)

        if SANITIZED:
            return  # the sanitizers' shadow memory and quarantine say nothing about ours
        baseline, _ = self.peak_rss_kb(capture, "--disable-protocol", "triage", "-z", "io,stat,0")
        allowance_kb = 8 * 1024 + 16 * packets // 1024
        self.assertLessEqual(peak - baseline, allowance_kb,
                             f"peak RSS {peak} KiB with the plugin, {baseline} KiB without it")


if __name__ == "__main__":
    main()
