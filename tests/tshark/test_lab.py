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
               "rdp": "rdp", "stratum": "mining", "mining": "mining", "irc": "irc", "tor": "tor"}
# Truth "flag:X" is a finding at the rule's severity; "port-only:X" a note
# whose evidence is the port or Wireshark's port-based label alone.
PORT_DERIVED = {"port", "protocol"}
# Families the default policy confirms by content: a flagged row of these
# never rests on the port alone (the DHT is decided by Wireshark's bt-dht
# label, which a heuristic gives from the content).
CONFIRMED_BY_CONTENT = {"bittorrent", "irc", "stratum"}


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
                        flagged.setdefault(key, []).append((finding, endpoint))
                expected_keys = set()
                for row in rows:
                    key = (row["transport"], row["client"], row["server"], int(row["server_port"]))
                    if row["policy"] == "clean":
                        self.assertNotIn(key, flagged, f"clean {row['app']} flagged")
                        continue
                    kind, category = row["policy"].split(":", 1)
                    self.assertIn(key, flagged, f"{category} not flagged: {row['what']}")
                    for finding, endpoint in flagged[key]:
                        self.assertTrue(finding["rule"].startswith(RULE_PREFIX[category]), f"{key}: {finding['rule']}")
                        evidence = set(endpoint["evidence"].split(","))
                        self.assertTrue(evidence, f"{key}: a finding without evidence")
                        if kind == "port-only":
                            # a port is not proof: a note that says so, never the rule's error or warning
                            self.assertTrue(finding["port_only"], f"{row['what']}: {finding}")
                            self.assertEqual(finding["severity"], "note", row["what"])
                            self.assertLessEqual(evidence, PORT_DERIVED, row["what"])
                            self.assertTrue(finding["message"].startswith("Port only \u2014 confirm"), finding["message"])
                        else:
                            self.assertFalse(finding["port_only"], f"{row['what']}: {finding}")
                            if category in CONFIRMED_BY_CONTENT:
                                self.assertNotEqual(evidence, {"port"}, row["what"])
                    expected_keys.add(key)
                self.assertEqual(set(flagged), expected_keys, "findings beyond the truth")

    def evidence_capture(self, vantage="client"):
        return os.path.join(LAB, f"lab-evidence-{vantage}.pcapng")

    def test_evidence_in_text_csv_and_json(self):
        """The evidence column reaches every writer from the one report model."""
        capture = self.evidence_capture()
        csv_text = self.sandbox.tshark(capture, "-q", "-z", "triage,policy,format=csv").stdout
        rows = list(csv.reader(csv_text.splitlines()))
        header = next(r for r in rows if r[:2] == ["table", "rule"])
        findings = [dict(zip(header, r)) for r in rows if r and r[0] == "findings"]
        by_row = {(f["rule"], f["port_only"]): f for f in findings}
        # HL7 on 6661 and IRC on 6667: the same rule, one row each
        self.assertEqual(by_row[("irc", "true")]["evidence"], "port")
        self.assertEqual(by_row[("irc", "true")]["severity"], "note")
        self.assertEqual(by_row[("irc", "false")]["evidence"], "port,payload")
        self.assertEqual(by_row[("irc", "false")]["severity"], "warn")
        self.assertEqual(by_row[("bittorrent", "true")]["evidence"], "protocol")
        text = self.sandbox.tshark(capture, "-q", "-z", "triage,policy").stdout
        self.assertIn("Evidence", text)
        self.assertIn("port,payload", text)
        self.assertIn("Port only \u2014 confirm: Wireshark's label (given by port) matched", text)

    def test_evidence_on_packets_and_expert_info_where_it_settles(self):
        """Marks from the SYN are provisional; the expert info comes with the
        packet that settled them (the first payload of the second direction),
        as a note for a port alone, as a warning for IRC the client spoke."""
        capture = self.evidence_capture()
        fields = ["frame.number", "tcp.dstport", "tcp.srcport", "tcp.len", "triage.policy.rule",
                  "triage.policy.evidence", "triage.policy.provisional", "triage.policy.note", "triage.policy.warn"]
        rows = self.sandbox.fields(capture, fields, display_filter="tcp.port == 6661 || tcp.port == 6667")
        for port, settled_evidence in ((6661, "port"), (6667, "port,payload")):
            packets = [r for r in rows if port in (int(r[1]), int(r[2]))]
            with self.subTest(port=port):
                self.assertEqual(packets[0][4], "irc")  # the SYN, marked by the port rule
                # tshark prints a true boolean as 1 up to 4.2 and as True from 4.4 on
                self.assertIn(packets[0][6], ("1", "True"), "the SYN's mark is provisional")
                settled = [r for r in packets if r[6] == ""]
                self.assertTrue(settled, "never settled")
                self.assertTrue(all(r[5] == settled_evidence for r in settled), settled)
                experts = [r for r in packets if r[7] != "" or r[8] != ""]
                self.assertEqual(len(experts), 1, experts)
                severity_column = 7 if port == 6661 else 8  # a note for the port alone, IRC's warning
                self.assertNotEqual(experts[0][severity_column], "", experts)
                self.assertEqual(experts[0], settled[0])
                payload_from = {int(r[2]) == port for r in packets
                                if int(r[3]) > 0 and int(r[0]) <= int(experts[0][0])}
                if port == 6661:
                    # the port alone is known only once both directions carried payload
                    self.assertEqual(payload_from, {True, False})

    def test_tor_relay_list_confirms_tls_to_a_listed_relay(self):
        """Tor is TLS: a relay list in the tor family confirms it; TLS to the
        same port elsewhere stays a port-only note."""
        with open(os.path.join(SOURCE_DIR, "samples", "policies", "default.csv")) as handle:
            policy = handle.read()
        relay_example = next(line for line in policy.splitlines() if line.startswith("# tor-relay,"))
        relay_rule = relay_example[2:].replace('"to:192.0.2.1 to:192.0.2.77"', "to:198.51.100.20")
        self.assertNotEqual(relay_rule, relay_example[2:])
        policy = policy.replace("\ntor,alert,", "\n" + relay_rule + "\ntor,alert,", 1)
        path = self.sandbox.write("relays.csv", policy)
        # A copy of the default policy reads its name lists beside it.
        for name in ("trackers.txt", "mining-pools.txt"):
            self.sandbox.stage(os.path.join(SOURCE_DIR, "samples", "policies", name))
        for vantage in ("client", "server"):
            with self.subTest(vantage=vantage):
                report = report_of(self.sandbox.json_report(
                    self.evidence_capture(vantage), "triage,policy,top=1000", "-o", f"triage.policy_file:{path}"),
                    "policy")
                self.assertEqual(report["policy"]["invalid_rules"], [])
                by_server = {}
                for finding in report["findings"]:
                    for endpoint in finding["endpoints"]:
                        if endpoint["port"] == 9001:
                            by_server[endpoint["server"]] = (finding["rule"], finding["severity"], endpoint["evidence"])
                # the relay rule comes before the port rule, so it decides
                self.assertEqual(by_server["198.51.100.20"], ("tor-relay", "warn", "address"))
                self.assertEqual(by_server["10.77.2.20"], ("tor", "note", "port"))

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


    # ---- Host names (lab-hosts-*): dnsmasq, dig, curl and openssl s_client ----
    # The names are those make-captures.sh gave the lab's clients; the rules
    # and their severities those samples/policies/default.csv states.
    TRACKER, POOL, CLIENT4 = "tracker.opentrackr.org", "pool.supportxmr.com", "10.77.1.10"

    def hosts_capture(self, vantage):
        return os.path.join(LAB, f"lab-hosts-{vantage}.pcapng")

    def test_hosts_dns_lookups_of_listed_names_are_findings_of_their_own(self):
        for vantage in ("client", "server"):
            with self.subTest(vantage=vantage):
                report = report_of(self.sandbox.json_report(self.hosts_capture(vantage), "triage,policy,top=1000"),
                                   "policy")
                lookups = {(l["client"], l["name"]): l for l in report["lookups"]}
                # www.lab.test was asked too: it is on no list
                self.assertEqual(set(lookups), {(self.CLIENT4, self.TRACKER), (self.CLIENT4, self.POOL)})
                for (client, name), rule in (((self.CLIENT4, self.TRACKER), "bittorrent-tracker-name"),
                                             ((self.CLIENT4, self.POOL), "mining-pool-name")):
                    lookup = lookups[(client, name)]
                    self.assertEqual(lookup["rule"], rule)
                    # one below the rule's error
                    self.assertEqual(lookup["severity"], "warn")
                    self.assertEqual(lookup["evidence"], "host")
                    self.assertEqual(lookup["queries"], 1)
                    self.assertIn(name, lookup["message"])
                # a lookup has no connection: the DNS flows themselves are clean
                for finding in report["findings"]:
                    self.assertNotIn(53, [e["port"] for e in finding["endpoints"]], finding["rule"])
                self.assertNotIn("bittorrent-tracker-name", report["silent_rules"])
                self.assertNotIn("mining-pool-name", report["silent_rules"])

    def test_hosts_lookup_on_the_query_packet_with_its_expert_info(self):
        capture = self.hosts_capture("client")
        rows = self.sandbox.fields(capture, ["frame.number", "dns.flags.response", "dns.qry.name",
                                             "triage.policy.lookup", "triage.policy.rule", "triage.policy.severity",
                                             "triage.policy.evidence"], display_filter="triage.policy.lookup")
        self.assertEqual(sorted(r[2] for r in rows), sorted([self.TRACKER, self.POOL]))
        for row in rows:
            self.assertIn(row[1], ("0", "False"), "the query, not the answer")
            self.assertEqual(row[3], row[2])
            self.assertEqual(row[5:], ["warn", "host"])
        # no other query carries it
        queries = self.sandbox.fields(capture, ["dns.qry.name"], display_filter="dns.flags.response == 0")
        self.assertEqual(len(queries), 3)
        experts = self.sandbox.tshark(capture, "-q", "-z", "expert,warn").stdout
        for name in (self.TRACKER, self.POOL):
            self.assertIn(f"The VM looked up {name}", experts)

    def test_hosts_server_names_and_http_host_are_host_evidence(self):
        for vantage in ("client", "server"):
            with self.subTest(vantage=vantage):
                report = report_of(self.sandbox.json_report(self.hosts_capture(vantage), "triage,policy,top=1000"),
                                   "policy")
                by_key = {}
                for finding in report["findings"]:
                    for endpoint in finding["endpoints"]:
                        by_key.setdefault((endpoint["server"], endpoint["port"], endpoint["transport"]), []).append(
                            (finding["rule"], finding["severity"], endpoint["evidence"]))
                        # the listed name the client asked for, whichever rule decided
                        if endpoint["server"] in ("198.51.100.20", "2001:db8:77::20") and endpoint["port"] in (443, 6969) \
                                and endpoint["transport"] == "tcp":
                            self.assertEqual(endpoint["host"], self.POOL if endpoint["port"] == 443 and ":" not in
                                             endpoint["server"] else self.TRACKER, endpoint)
                # TLS to the pool's name, its ClientHello in two segments
                self.assertEqual(by_key[("198.51.100.20", 443, "tcp")], [("mining-pool-name", "error", "host")])
                # openssl s_client -servername the tracker's name
                self.assertEqual(by_key[("2001:db8:77::20", 443, "tcp")],
                                 [("bittorrent-tracker-name", "error", "host")])
                # the announce by its signature, the plain GET by its Host
                self.assertEqual(sorted(by_key[("198.51.100.20", 6969, "tcp")]),
                                 [("bittorrent-tracker", "error", "payload"),
                                  ("bittorrent-tracker-name", "error", "host")])
                self.assertEqual(by_key[("198.51.100.20", 6969, "udp")],
                                 [("bittorrent-udp-tracker", "error", "payload")])
                # www.lab.test over DNS, HTTP and TLS: nothing
                self.assertNotIn(("10.77.2.20", 443, "tcp"), by_key)
                self.assertNotIn(("10.77.2.20", 80, "tcp"), by_key)

    def test_hosts_client_hello_in_two_segments(self):
        """tshark alone says the pool's ClientHello came in two segments; the
        plugin marks that connection from the segment that completed it."""
        capture = self.hosts_capture("client")
        hello = self.sandbox.fields(capture, ["tcp.stream", "tcp.segment", "frame.number"],
                                    display_filter=f'tls.handshake.extensions_server_name == "{self.POOL}"')
        self.assertEqual(len(hello), 1)
        stream, segments, last = hello[0]
        self.assertEqual(len(segments.split(",")), 2)
        marked = self.sandbox.fields(capture, ["frame.number", "triage.policy.evidence"],
                                     display_filter=f"tcp.stream == {stream} && triage.policy.rule")
        self.assertEqual(int(marked[0][0]), int(last))
        self.assertEqual({r[1] for r in marked}, {"host"})

    def test_hosts_lookups_in_text_csv_and_html(self):
        capture = self.hosts_capture("server")
        text = self.sandbox.tshark(capture, "-q", "-z", "triage,policy").stdout
        self.assertIn("DNS lookups of listed names", text)
        self.assertIn(self.POOL, text)
        rows = list(csv.reader(self.sandbox.tshark(capture, "-q", "-z", "triage,policy,format=csv").stdout.splitlines()))
        header, lookups = None, []
        for row in rows:
            if row and row[0] == "table":
                header = row
            elif row and row[0] == "lookups":
                lookups.append(dict(zip(header, row)))
        self.assertEqual(sorted(l["name"] for l in lookups), sorted([self.TRACKER, self.POOL]))
        self.assertEqual({l["severity"] for l in lookups}, {"warn"})
        page = self.sandbox.tshark(capture, "-q", "-z", "triage,policy,format=html").stdout
        self.assertIn('"lookups":[', page)
        self.assertIn(self.TRACKER, page)


if __name__ == "__main__":
    main()
