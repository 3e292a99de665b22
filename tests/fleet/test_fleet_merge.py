# SPDX-License-Identifier: GPL-2.0-or-later
"""The fleet report of twenty generated captures against their truth files,
and the merge's algebra.

Every count of the fleet report equals the sum of the twenty truths; every
merged percentile (overall, per leg, and per server) is within 1 % of the
nearest-rank percentile of all the truth's handshakes together; and
merging in steps gives the same document, byte for byte, as merging at
once.  Two captures of the same connections (the lab's client and server
vantage points) count each connection between internal addresses once.
"""
import csv
import json
import math
import os
import shutil

from fleet_support import fleet_report, generate_fleet, harness, merge, run_fleet, tshark_wrapper

LEGS = ("handshake", "syn_synack", "synack_ack", "setup")
FAILED = ("refused", "unanswered", "incomplete", "client_reset")


def read_tsv(path):
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def nearest_rank(values, percent):
    ordered = sorted(values)
    return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1]


def clear_legs(row):
    """The legs of a truth row that belong in the statistics (no Karn leg)."""
    first = row["ambiguous"] not in ("syn_retransmitted", "both")
    second = row["ambiguous"] not in ("synack_retransmitted", "both") and "syn_after_synack" not in row["anomaly"]
    legs = {}
    if row["syn_synack_ns"] and first:
        legs["syn_synack"] = int(row["syn_synack_ns"])
    if row["synack_ack_ns"] and second:
        legs["synack_ack"] = int(row["synack_ack_ns"])
    if row["handshake_ns"] and first and second:
        legs["handshake"] = int(row["handshake_ns"])
    if row["setup_ns"]:
        legs["setup"] = int(row["setup_ns"])
    return legs


def out_of_range_port(path):
    with open(path) as handle:
        document = json.load(handle)
    document["summary"]["servers"][0]["port"] = 70000
    return json.dumps(document)


def report(document, name):
    return next(r for r in document["reports"] if r["report"] == name)


class FleetMerge(harness.SandboxTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = os.path.join(cls.sandbox.inputs, "vmss")
        cls.captures = generate_fleet(cls.folder)
        cls.truth = {os.path.basename(path)[:-5]: (read_tsv(path[:-5] + ".tsv"), read_tsv(path[:-5] + ".flows.tsv"))
                     for path in cls.captures}
        cls.out = os.path.join(cls.sandbox.root, "out")
        result = run_fleet([cls.folder, "--out", cls.out, "--tshark", tshark_wrapper(cls.sandbox), "--no-cache",
                            "--engine", "serial", "--top", "0"])
        if result.returncode != 0:
            raise AssertionError(result.stderr)
        cls.fleet = json.loads(fleet_report(cls.out))
        cls.documents = sorted(os.path.join(cls.out, "captures", name)
                               for name in os.listdir(os.path.join(cls.out, "captures")))

    def test_twenty_captures_with_their_names(self):
        self.assertEqual(len(self.truth), 20)
        self.assertEqual(self.fleet["schema"], 2)
        captures = report(self.fleet, "captures")["captures"]
        self.assertEqual([row["capture"] for row in captures], sorted(self.truth))
        self.assertEqual(report(self.fleet, "rtt")["capture"]["name"], "20 captures")

    def test_counts_are_the_sums_of_the_truths(self):
        rows = [row for tcp, _ in self.truth.values() for row in tcp]
        connections = report(self.fleet, "rtt")["connections"]
        self.assertEqual(connections["total"], len(rows))
        for outcome in ("completed",) + FAILED + ("synack_only", "no_handshake"):
            self.assertEqual(connections[outcome], sum(1 for row in rows if row["outcome"] == outcome), outcome)
        self.assertEqual(connections["ambiguous"], sum(1 for row in rows if row["ambiguous"] != "none"))

        servers = {(row["address"], row["port"]): row for row in report(self.fleet, "rtt")["servers"]}
        expected = {}
        for name, (tcp, _) in self.truth.items():
            for row in tcp:
                if row["outcome"] == "no_handshake":
                    continue
                entry = expected.setdefault((row["server"], int(row["server_port"])),
                                            {"connections": 0, "completed": 0, "failed": 0, "captures": set(),
                                             "clients": set()})
                entry["connections"] += 1
                entry["completed"] += row["outcome"] == "completed"
                entry["failed"] += row["outcome"] in FAILED
                entry["captures"].add(name)
                entry["clients"].add(row["client"])
        self.assertEqual(set(servers), set(expected))
        for key, entry in expected.items():
            with self.subTest(server=key):
                row = servers[key]
                for column in ("connections", "completed", "failed"):
                    self.assertEqual(row[column], entry[column], column)
                self.assertEqual(row["captures"], len(entry["captures"]))
                self.assertEqual(row["capture_names"], ",".join(sorted(entry["captures"])))
                # distinct clients: exact up to 64, beyond a sketch with a
                # 1.6 % standard error (three of them here)
                clients = len(entry["clients"])
                if clients <= 64:
                    self.assertEqual(row["initiators"], clients)
                else:
                    self.assertLessEqual(abs(row["initiators"] - clients), 3 * 0.01625 * clients)

    def test_destinations_are_the_sums_of_the_truths(self):
        """Connections, packets and bytes per responder and port, summed over
        the captures (rows whose responder the truth calls a guess from the
        ports are left to the one-capture tests, as in test_generated)."""
        expected, inferred = {}, set()
        for name, (tcp, flows) in self.truth.items():
            conversations = set()
            for row in tcp:
                if row["responder_inferred"] == "1":
                    inferred.add((row["server"], "tcp", int(row["server_port"])))
                    inferred.add((row["client"], "tcp", int(row["client_port"])))
                    continue
                key = (row["server"], "tcp", int(row["server_port"]))
                entry = expected.setdefault(key, [0, 0, 0, 0, 0])
                # one conversation per tcp.stream, as Conversations counts
                if (row["tcp_stream"], key) not in conversations:
                    conversations.add((row["tcp_stream"], key))
                    entry[0] += 1
                for i, column in enumerate(("packets_to_server", "bytes_to_server", "packets_to_client",
                                            "bytes_to_client")):
                    entry[i + 1] += int(row[column])
            for row in flows:
                if row["transport"] != "udp":
                    continue
                entry = expected.setdefault((row["server"], "udp", int(row["server_port"])), [0, 0, 0, 0, 0])
                entry[0] += 1
                for i, column in enumerate(("packets_to_server", "bytes_to_server", "packets_to_client",
                                            "bytes_to_client")):
                    entry[i + 1] += int(row[column])
        seen = {}
        for destination in report(self.fleet, "dests")["destinations"]:
            for port in destination["ports"]:
                seen[(destination["address"], port["transport"], port["port"])] = [
                    port["connections"], port["packets_to"], port["bytes_to"], port["packets_from"], port["bytes_from"]]
        checked = 0
        for key, entry in expected.items():
            if key in inferred:
                continue
            with self.subTest(destination=key):
                self.assertEqual(seen.get(key), entry)
                checked += 1
        self.assertGreaterEqual(checked, 4)
        totals = report(self.fleet, "dests")["totals"]
        packets = sum(int(row[c]) for tcp, flows in self.truth.values() for row in tcp + flows
                      for c in ("packets_to_server", "packets_to_client"))
        self.assertEqual(totals["packets"], packets)

    def test_percentiles_within_one_percent_of_all_handshakes(self):
        values = {leg: [] for leg in LEGS}
        per_server = {}
        for tcp, _ in self.truth.values():
            for row in tcp:
                legs = clear_legs(row)
                for leg, value in legs.items():
                    values[leg].append(value)
                if "handshake" in legs and row["outcome"] != "no_handshake":
                    per_server.setdefault((row["server"], int(row["server_port"])), []).append(legs["handshake"])
        stats = report(self.fleet, "rtt")["stats"]
        checked = 0
        for leg in LEGS:
            self.assertEqual(stats[leg]["count"], len(values[leg]), leg)
            for column, percent in (("p50", 50), ("p90", 90), ("p99", 99), ("max", 100)):
                exact = nearest_rank(values[leg], percent) / 1e9
                with self.subTest(leg=leg, percentile=column):
                    self.assertLessEqual(abs(stats[leg][column] - exact), 0.01 * exact + 1e-9)
                    checked += 1
        for row in report(self.fleet, "rtt")["servers"]:
            times = per_server.get((row["address"], row["port"]))
            if not times:
                self.assertIsNone(row["p50"])
                continue
            for column, percent in (("p50", 50), ("p90", 90), ("max", 100)):
                exact = nearest_rank(times, percent) / 1e9
                with self.subTest(server=(row["address"], row["port"]), percentile=column):
                    self.assertLessEqual(abs(row[column] - exact), 0.01 * exact + 1e-9)
                    checked += 1
        self.assertGreater(checked, 30)

    def test_per_capture_rows(self):
        for row in report(self.fleet, "captures")["captures"]:
            tcp, flows = self.truth[row["capture"]]
            with self.subTest(capture=row["capture"]):
                self.assertEqual(row["connections"], len(tcp))
                self.assertEqual(row["completed"], sum(1 for r in tcp if r["outcome"] == "completed"))
                self.assertEqual(row["failed"], sum(1 for r in tcp if r["outcome"] in FAILED))
                handshakes = [clear_legs(r)["handshake"] for r in tcp if "handshake" in clear_legs(r)]
                for column, percent in (("p50", 50), ("p90", 90)):
                    exact = nearest_rank(handshakes, percent) / 1e9
                    self.assertLessEqual(abs(row[column] - exact), 0.01 * exact + 1e-9)
                self.assertEqual(len(row["top_destinations"]), 3)

    def test_merging_in_steps_is_merging_at_once(self):
        """merge(merge(A, B), C) = merge(A, B, C) = merge(A, merge(B, C)), byte for byte, in every format."""
        a, b, c = self.documents[:7], self.documents[7:14], self.documents[14:]
        step = os.path.join(self.sandbox.root, "steps")
        os.makedirs(step, exist_ok=True)
        for name, part in (("ab", a + b), ("bc", b + c)):
            result = merge(["--format", "json", "--top", "0", "--output", os.path.join(step, name + ".json")] + part)
            self.assertEqual(result.returncode, 0, result.stderr)
        for fmt in ("json", "text", "csv", "html"):
            with self.subTest(format=fmt):
                at_once = merge(["--format", fmt, "--top", "0"] + a + b + c)
                left = merge(["--format", fmt, "--top", "0", os.path.join(step, "ab.json")] + c)
                right = merge(["--format", fmt, "--top", "0", os.path.join(step, "bc.json")] + a)
                for result in (at_once, left, right):
                    self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(left.stdout, at_once.stdout)
                self.assertEqual(right.stdout, at_once.stdout)
        # and the fleet command's own report is the same document
        self.assertEqual(merge(["--format", "json", "--top", "0"] + self.documents).stdout, fleet_report(self.out))

    def test_bad_documents_are_named_and_left_out(self):
        bad = os.path.join(self.sandbox.root, "bad")
        os.makedirs(bad, exist_ok=True)
        cases = {
            "truncated.json": open(self.documents[0]).read()[:500],
            "schema1.json": json.dumps({"schema": 1, "tool": "capture-triage", "reports": []}),
            "port.json": out_of_range_port(self.documents[1]),
            "list.json": "[1, 2, 3]",
        }
        for name, text in cases.items():
            with open(os.path.join(bad, name), "w") as handle:
                handle.write(text)
        paths = [os.path.join(bad, name) for name in sorted(cases)]
        result = merge(paths + [self.documents[2], self.documents[2]])
        self.assertEqual(result.returncode, 2)
        self.assertIn("truncated.json: not a JSON document", result.stderr)
        self.assertIn("schema1.json: schema 1 document without a \"summary\"", result.stderr)
        self.assertIn("port.json: summary.servers[", result.stderr)
        self.assertIn("port: out of range", result.stderr)
        self.assertIn("list.json: not a Capture Triage JSON document", result.stderr)
        self.assertIn("is given twice", result.stderr)
        self.assertIn("1 of 6 documents merged, 5 left out", result.stderr)
        self.assertIn("1 captures", result.stdout)
        for arguments in (["--top", "-1", self.documents[0]], ["--format", "xml", self.documents[0]], [],
                          ["--reports", "rtt,bogus", self.documents[0]]):
            with self.subTest(arguments=arguments):
                result = merge(arguments)
                self.assertEqual(result.returncode, 1)
                self.assertTrue(result.stderr.startswith("triage-merge:"), result.stderr)


class TwoVantagePoints(harness.SandboxTestCase):
    """The lab recorded the same connections at the client and at the
    server: as two instances of one fleet, each connection between internal
    addresses counts once, measured at its client."""

    def test_inter_instance_connections_count_once(self):
        lab = os.path.join(harness.SOURCE_DIR, "samples", "lab", "captures")
        folder = os.path.join(self.sandbox.inputs, "lab")
        os.makedirs(folder)
        os.chmod(folder, 0o755)
        for side in ("client", "server"):
            target = os.path.join(folder, f"lab-rtt-{side}.pcapng")
            shutil.copy(os.path.join(lab, f"lab-rtt-{side}.pcapng"), target)
            os.chmod(target, 0o644)
        out = os.path.join(self.sandbox.root, "out-lab")
        result = run_fleet([folder, "--out", out, "--tshark", tshark_wrapper(self.sandbox), "--no-cache",
                            "--engine", "serial", "--top", "0"])
        self.assertEqual(result.returncode, 0, result.stderr)
        fleet = json.loads(fleet_report(out))
        singles = [json.load(open(os.path.join(out, "captures", f"lab-rtt-{side}.json"))) for side in ("client", "server")]
        internal = ("10.", "fd00:")
        truth = read_tsv_lab(os.path.join(lab, "lab-rtt-client.truth.tsv"))
        both_internal = sum(int(row["connections"]) for row in truth
                            if row["transport"] == "tcp" and row["client"].startswith(internal)
                            and row["server"].startswith(internal))
        self.assertGreater(both_internal, 0)
        across = report(fleet, "rtt")["fleet"]
        self.assertEqual(across["merged_connections"], both_internal)
        total = sum(report(single, "rtt")["connections"]["total"] for single in singles)
        self.assertEqual(report(fleet, "rtt")["connections"]["total"], total - both_internal)
        # the client's capture measured what stays: its servers' capture point is the client
        internal_servers = [row for row in report(fleet, "rtt")["servers"]
                            if row["address"].startswith(internal) and row["p50"] is not None]
        self.assertTrue(internal_servers)
        for row in internal_servers:
            if all(client.startswith(internal) for client in clients_of(truth, row["address"], row["port"])):
                self.assertEqual(row["capture_point"], "client", row)


def clients_of(truth, server, port):
    return {row["client"] for row in truth if row["server"] == server and row["server_port"] == str(port)}


def read_tsv_lab(path):
    with open(path) as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


if __name__ == "__main__":
    harness.main()
