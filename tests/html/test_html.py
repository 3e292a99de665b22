# SPDX-License-Identifier: GPL-2.0-or-later
"""The HTML report (-z triage,format=html) opened from disk in Debian's real
headless chromium, network off, driven by drive_page.js (playwright-core).

Every page is made by the same tshark run as a JSON report
(-z triage,format=json,top=... -z triage,format=html), and the numbers a
reader sees in the page — header, totals, outcomes, per-server p50, the
destinations' bytes, the findings' counts, the protocol overview, the shaded
countries — must equal that JSON.  The page must log nothing to the console,
raise no error and request nothing but itself.  The countries are also
checked against the truth of a capture written here (addresses MaxMind's
test databases know, frames of known length).  Bad input: an absurd top, an
empty capture, a capture without TCP, and rule names, messages and a filter
full of <script>, quotes and bytes that are not UTF-8.

Needs node, npm and /usr/bin/chromium (tools/debian-test-packages.txt); the
npm packages (package-lock.json) are installed with `npm ci` into the build
folder.  Without them the test is skipped, except in CI.
TRIAGE_UPDATE_SCREENSHOTS=1 also writes the screenshots to docs/screenshots/.
"""
import ipaddress
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tshark"))
from harness import SOURCE_DIR, SandboxTestCase, main, parse_single_json, report_of, require_corpus  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_DIR = os.environ.get("TRIAGE_HTML_NODE_DIR") or os.path.join(SOURCE_DIR, "build", "html-node")
CHROMIUM = os.environ.get("TRIAGE_CHROMIUM", "/usr/bin/chromium")
LAB = os.path.join(SOURCE_DIR, "samples", "lab", "captures", "lab-policy-server.pcapng")
GENERATED = os.path.join(SOURCE_DIR, "samples", "generated")
SCREENSHOTS = os.path.join(SOURCE_DIR, "docs", "screenshots")

# The page's rules for showing numbers (report.js): integers grouped by
# commas, durations in milliseconds with three decimals.
def shown_integer(value):
    return f"{value:,}"


def shown_duration(seconds):
    return f"{seconds * 1000:.3f} ms"


def keep_screenshot(source, name):
    """Into docs/screenshots, reduced to 64 colours like the GUI test's."""
    subprocess.run(["convert", source, "-colors", "64", os.path.join(SCREENSHOTS, name)], check=True)


def node_modules():
    """npm ci of tests/html/package-lock.json into NODE_DIR, once."""
    if not shutil.which("node") or not shutil.which("npm") or not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            raise RuntimeError("node, npm and chromium are required in CI (tools/debian-test-packages.txt)")
        raise unittest.SkipTest("node, npm or chromium missing")
    marker = os.path.join(NODE_DIR, "node_modules", ".package-lock.json")
    lock = os.path.join(HERE, "package-lock.json")
    if not os.path.exists(marker) or os.path.getmtime(marker) < os.path.getmtime(lock):
        os.makedirs(NODE_DIR, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(os.path.join(HERE, name), NODE_DIR)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=NODE_DIR, check=True,
                       stdout=subprocess.DEVNULL)
    return os.path.join(NODE_DIR, "node_modules")


def drive(page, *args):
    """What drive_page.js read from the page."""
    env = dict(os.environ, NODE_PATH=node_modules())
    result = subprocess.run(["node", os.path.join(HERE, "drive_page.js"), page] + list(args),
                            capture_output=True, text=True, env=env, timeout=600)
    if result.returncode != 0:
        raise AssertionError(f"drive_page.js failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout)


def split_json_and_html(text):
    """The JSON document and the page one tshark run printed (tshark draws
    its -z reports last to first)."""
    start, end = text.find("<!DOCTYPE html>"), text.find("</html>\n")
    if start < 0 or end < 0:
        raise AssertionError(f"no page in output:\n{text[:2000]}")
    end += len("</html>\n")
    return parse_single_json(text[:start] + text[end:]), text[start:end]


def pcap(frames):
    records = [struct.pack("<IIII", 1700000000 + i, 0, len(f), len(f)) + f for i, f in enumerate(frames)]
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1) + b"".join(records)


def tcp_frame(source, destination, sport, dport, flags, seq, ack, payload=b""):
    src, dst = ipaddress.ip_address(source), ipaddress.ip_address(destination)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + payload
    if src.version == 4:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, src.packed, dst.packed)
        ethertype = 0x0800
    else:
        ip = struct.pack("!IHBB16s16s", 6 << 28, len(tcp), 6, 64, src.packed, dst.packed)
        ethertype = 0x86DD
    return b"\x02" * 6 + b"\x04" * 6 + struct.pack("!H", ethertype) + ip + tcp


def connection(client, server, sport, dport, payload_to, payload_from):
    """Handshake, one data segment each way; returns (frames, bytes to, bytes from)."""
    frames_to = [tcp_frame(client, server, sport, dport, 0x02, 1000, 0),
                 tcp_frame(client, server, sport, dport, 0x10, 1001, 5001),
                 tcp_frame(client, server, sport, dport, 0x18, 1001, 5001, b"q" * payload_to)]
    frames_from = [tcp_frame(server, client, dport, sport, 0x12, 5000, 1001),
                   tcp_frame(server, client, dport, sport, 0x18, 5001, 1001 + payload_to, b"r" * payload_from)]
    frames = [frames_to[0], frames_from[0], frames_to[1], frames_to[2], frames_from[1]]
    return frames, sum(map(len, frames_to)), sum(map(len, frames_from))


# MaxMind's test databases (corpus/geoip/README.md): address -> country
# (None: the databases know the address, but not its country).
GEOIP_COUNTRIES = {"81.2.69.142": "GB", "89.160.20.112": "SE", "216.160.83.56": "US", "2001:218::": "JP",
                   "1.128.0.1": None}


class HtmlReport(SandboxTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.out = os.path.join(cls.sandbox.root, "pages")
        os.makedirs(cls.out, exist_ok=True)

    def run_pair(self, capture, *args, z="triage", json_top=1000, html_top=None, name="page.html", display_filter=None):
        """tshark once, with a JSON and an HTML report; the page is saved to disk."""
        tail = f",{display_filter}" if display_filter else ""
        staged = capture if capture.startswith(self.sandbox.inputs) else self.sandbox.stage(capture)
        args = ["-r", staged, "-q", *args, "-z", f"{z},format=json,top={json_top}{tail}",
                "-z", f"{z},format=html" + (f",top={html_top}" if html_top else "") + tail]
        # Bytes, not text: stderr may quote a file name that is not UTF-8;
        # the reports themselves must be UTF-8.
        result = subprocess.run(self.sandbox.command("tshark", args), capture_output=True,
                                cwd=self.sandbox.inputs, timeout=600)
        if result.returncode != 0:
            raise AssertionError(f"tshark exited {result.returncode}: {result.stderr.decode(errors='replace')[-3000:]}")
        document, page = split_json_and_html(result.stdout.decode("utf-8"))
        path = os.path.join(self.out, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(page)
        return document, page, path

    def assert_clean_load(self, seen, path):
        url = "file://" + path
        self.assertEqual([m for m in seen["console"] if m["type"] in ("error", "warning")], [])
        self.assertEqual(seen["pageErrors"], [])
        self.assertEqual([r for r in seen["requests"] if r != url], [], "the page requested something")
        self.assertEqual(seen["failedRequests"], [])
        self.assertEqual(seen["dialogs"], [])
        self.assertTrue(seen["dom"]["drawn"])

    def assert_self_contained(self, page):
        """Nothing that could make a request, and the data cannot end its element early."""
        self.assertNotRegex(page, r"(?i)<(link|img|iframe|object|embed)\b")
        self.assertNotRegex(page, r"(?i)\b(src|href)\s*=\s*[\"']?(https?:|//)")
        self.assertEqual(len(re.findall(r"(?i)<script", page)), 3)
        self.assertEqual(len(re.findall(r"(?i)</script", page)), 3)
        self.assertEqual(page.count("<!--"), 0)
        self.assertIn("default-src 'none'", page)

    def assert_page_equals_json(self, document, seen):
        dom = seen["dom"]
        rtt, policy, dests = (report_of(document, name) for name in ("rtt", "policy", "dests"))
        # header
        self.assertEqual(int(dom["header"]["packets"]["value"]), rtt["capture"]["packets"])
        self.assertEqual(dom["header"]["packets"]["text"], shown_integer(rtt["capture"]["packets"]))
        self.assertEqual(dom["header"]["capture_point"]["text"], rtt["capture_point"] or "unknown")
        self.assertEqual(dom["header"]["version"]["text"], document["version"])
        if "wireshark" in rtt:  # a fleet report has no one Wireshark version
            self.assertEqual(dom["header"]["wireshark"]["text"], rtt["wireshark"])
        else:
            self.assertNotIn("wireshark", dom["header"])
        # handshake RTT
        self.assertEqual(int(dom["kpis"]["rtt.total"]["value"]), rtt["connections"]["total"])
        for outcome, node in dom["outcomes"].items():
            self.assertEqual(node["value"], rtt["connections"][outcome], outcome)
            self.assertEqual(node["text"], shown_integer(rtt["connections"][outcome]), outcome)
        handshake = rtt["stats"]["handshake"]
        if handshake["count"]:
            self.assertEqual(dom["kpis"]["rtt.p50"]["text"], shown_duration(handshake["p50"]))
            markers = {m["stat"]: m for m in dom["histogramMarkers"] if m["leg"] == "handshake"}
            self.assertEqual(markers["p50"]["value"], handshake["p50"])
            self.assertEqual(markers["p90"]["value"], handshake["p90"])
        servers = {(f"[{s['address']}]" if ":" in s["address"] else s["address"]) + f":{s['port']}": s
                   for s in rtt["servers"]}
        measured = [s for s in rtt["servers"][:100] if s["p50"] is not None]
        self.assertEqual(len(dom["servers"]), len(measured))
        for bar in dom["servers"]:
            self.assertEqual(bar["p50"], servers[bar["server"]]["p50"], bar["server"])
            self.assertTrue(bar["text"].startswith("p50 " + shown_duration(servers[bar["server"]]["p50"])), bar)
        # policy
        self.assertEqual(len(dom["findings"]), len(policy["findings"]))
        findings = {f["rule"]: f for f in policy["findings"]}
        for card in dom["findings"]:
            finding = findings[card["rule"]]
            self.assertEqual(card["severity"], finding["severity"])
            self.assertEqual(card["message"], finding["message"])
            for key in ("connections", "matched_packets", "packets", "bytes"):
                self.assertEqual(int(card["fields"][key]["value"]), finding[key], (card["rule"], key))
                self.assertEqual(card["fields"][key]["text"], shown_integer(finding[key]), (card["rule"], key))
        # destinations: every row of the JSON (up to the page's cap), same bytes
        rows = {row["address"]: row for row in dom["destinations"]}
        self.assertEqual(len(rows), min(len(dests["destinations"]), 1000))
        for destination in dests["destinations"][:1000]:
            row = rows[destination["address"]]
            for key in ("bytes_to", "bytes_from", "connections"):
                self.assertEqual(row[key], destination[key], (destination["address"], key))
                self.assertEqual(row[key + "_text"], shown_integer(destination[key]), (destination["address"], key))
        self.assertEqual(int(dom["kpis"]["dests.connections"]["value"]), dests["totals"]["connections"])
        self.assertEqual(int(dom["kpis"]["dests.bytes"]["value"]), dests["totals"]["bytes"])
        # protocol overview
        self.assertEqual([(p["protocol"] or None, p["transport"], p["bytes"], p["connections"]) for p in dom["protocols"]],
                         [(p["protocol"], p["transport"], p["bytes"], p["connections"])
                          for p in dests.get("protocols", [])])
        # countries
        expected = {c["country"]: c["bytes_to"] + c["bytes_from"] for c in dests["countries"] if c["country"]}
        self.assertEqual({code: shape["bytes"] for code, shape in dom["map"].items()},
                         {code: total for code, total in expected.items()})
        return dom

    # ---- the tests -------------------------------------------------------------

    def test_lookups_of_listed_names(self):
        """The hosts lab capture: each DNS lookup of a listed name is a card
        of its own, apart from the findings, with the JSON's values."""
        capture = os.path.join(SOURCE_DIR, "samples", "lab", "captures", "lab-hosts-client.pcapng")
        document, page, path = self.run_pair(capture, z="triage,policy")
        seen = drive(path)
        self.assert_clean_load(seen, path)
        lookups = report_of(document, "policy")["lookups"]
        self.assertEqual(len(lookups), 2)
        self.assertEqual(len(seen["dom"]["lookups"]), len(lookups))
        self.assertEqual(len(seen["dom"]["findings"]), len(report_of(document, "policy")["findings"]))
        shown = {card["fields"]["name"]["value"]: card for card in seen["dom"]["lookups"]}
        for lookup in lookups:
            card = shown[lookup["name"]]
            self.assertEqual(card["rule"], lookup["rule"])
            self.assertEqual(card["message"], lookup["message"])
            self.assertEqual(card["fields"]["client"]["value"], lookup["client"])
            self.assertEqual(int(card["fields"]["queries"]["value"]), lookup["queries"])

    def test_lab_capture(self):
        """A lab capture with findings of every severity, IPv4 and IPv6."""
        document, page, path = self.run_pair(LAB)
        self.assert_self_contained(page)
        shots = os.path.join(self.out, "screenshots")
        os.makedirs(shots, exist_ok=True)
        pdf = os.path.join(self.out, "page.pdf")
        seen = drive(path, "--screenshots", shots, "--pdf", pdf)
        self.assert_clean_load(seen, path)
        self.assert_page_equals_json(document, seen)
        self.assertGreater(len(report_of(document, "policy")["findings"]), 2)
        # sorting and filtering
        dests = report_of(document, "dests")["destinations"]
        self.assertEqual(seen["sortedBytesTo"], sorted((d["bytes_to"] for d in dests), reverse=True))
        word = seen["filter"]["word"]
        self.assertEqual(seen["filter"]["shown"], [d["address"] for d in dests if word in d["address"]])
        # printing: a PDF of several A4 pages; a screenshot per section
        with open(pdf, "rb") as handle:
            content = handle.read()
        self.assertTrue(content.startswith(b"%PDF"))
        self.assertGreaterEqual(len(re.findall(rb"/Type\s*/Page\b", content)), 3)
        for name in ("html-header.png", "html-rtt.png", "html-policy.png", "html-dests.png", "html-print-grayscale.png"):
            self.assertTrue(os.path.getsize(os.path.join(shots, name)) > 1000, name)
        if os.environ.get("TRIAGE_UPDATE_SCREENSHOTS"):
            # the map's picture comes from the MaxMind test below
            for name in os.listdir(shots):
                if name != "html-map.png":
                    keep_screenshot(os.path.join(shots, name), name)

    def test_fleet_page(self):
        """A fleet report (triage-merge --format html) is the same page: the
        header, totals, outcomes, per-server p50, destinations and findings
        equal triage-merge's JSON of the same documents, and the per-capture
        table is there."""
        merge = os.environ.get("TRIAGE_MERGE")
        if not merge:
            raise AssertionError("TRIAGE_MERGE must name the built triage-merge")
        documents = []
        for name, capture in (("vm-policy", LAB), ("vm-mixed", os.path.join(GENERATED, "mixed.pcap"))):
            staged = self.sandbox.stage(capture)
            result = subprocess.run(self.sandbox.command("tshark", ["-r", staged, "-q", "-z",
                                                                    f"triage,format=json,name={name}"]),
                                    capture_output=True, cwd=self.sandbox.inputs, timeout=600)
            self.assertEqual(result.returncode, 0, result.stderr[-2000:])
            path = os.path.join(self.out, name + ".json")
            with open(path, "wb") as handle:
                handle.write(result.stdout)
            documents.append(path)
        page_path = os.path.join(self.out, "fleet.html")
        fleet = subprocess.run([merge, "--format", "json", "--top", "1000", "--dests-top", "1000"] + documents,
                               capture_output=True, text=True, check=True)
        subprocess.run([merge, "--format", "html", "--top", "1000", "--dests-top", "1000", "--output", page_path]
                       + documents, check=True)
        document = json.loads(fleet.stdout)
        with open(page_path, encoding="utf-8") as handle:
            page = handle.read()
        self.assert_self_contained(page)
        shots = os.path.join(self.out, "fleet-screenshots")
        os.makedirs(shots, exist_ok=True)
        seen = drive(page_path, "--screenshots", shots)
        self.assert_clean_load(seen, page_path)
        self.assert_page_equals_json(document, seen)
        self.assertEqual(int(seen["dom"]["header"]["packets"]["value"]),
                         (sum(report_of(parse_single_json(open(d).read()), "rtt")["capture"]["packets"]
                                 for d in documents)))
        self.assertIn("vm-mixed", page)
        self.assertTrue(os.path.getsize(os.path.join(shots, "html-page.png")) > 1000)
        if os.environ.get("TRIAGE_UPDATE_SCREENSHOTS"):
            keep_screenshot(os.path.join(shots, "html-page.png"), "html-fleet.png")

    def test_many_outcomes(self):
        """The generator's mixed capture: every outcome, several servers, DNS."""
        document, page, path = self.run_pair(os.path.join(GENERATED, "mixed.pcap"))
        seen = drive(path)
        self.assert_clean_load(seen, path)
        dom = self.assert_page_equals_json(document, seen)
        rtt = report_of(document, "rtt")
        self.assertGreater(rtt["connections"]["refused"] + rtt["connections"]["unanswered"], 0)
        self.assertGreater(len(dom["servers"]), 5)

    def test_map_with_maxmind_test_databases(self):
        """Countries shaded with the bytes this capture sends to each, as
        computed here from the frames, and as the report sums them."""
        corpus = require_corpus(self)
        staged = os.path.join(self.sandbox.inputs, "geoip")
        os.makedirs(staged, exist_ok=True)
        os.chmod(staged, 0o755)
        for name in os.listdir(os.path.join(corpus, "geoip")):
            if name.endswith(".mmdb"):
                self.sandbox.stage(os.path.join(corpus, "geoip", name), os.path.join("geoip", name))
        frames, truth, unknown = [], {}, 0
        # two connections to each address, of different sizes, and one to a
        # private server (no country)
        for number, address in enumerate(list(GEOIP_COUNTRIES) * 2 + ["10.0.0.9"]):
            client = "fd00::2" if ":" in address else "10.0.0.2"
            more, to, back = connection(client, address, 40000 + number, 443, 100 * (number + 1), 700 * (number + 1))
            frames += more
            country = GEOIP_COUNTRIES.get(address)
            if country:
                truth[country] = truth.get(country, 0) + to + back
            else:
                unknown += to + back
        capture = self.sandbox.stage_bytes("geoip.pcap", pcap(frames))
        document, page, path = self.run_pair(capture, "-o", f'uat:maxmind_db_paths:"{staged}"')
        shots = os.path.join(self.out, "map-screenshots")
        os.makedirs(shots, exist_ok=True)
        seen = drive(path, "--no-actions", "--screenshots", shots)
        self.assert_clean_load(seen, path)
        dom = self.assert_page_equals_json(document, seen)
        self.assertEqual({code: shape["bytes"] for code, shape in dom["map"].items()}, truth)
        if os.environ.get("TRIAGE_UPDATE_SCREENSHOTS"):
            keep_screenshot(os.path.join(shots, "html-map.png"), "html-map.png")
        self.assertEqual(dom["mapUnknown"]["value"], unknown)
        share = 100 * unknown / (unknown + sum(truth.values()))
        self.assertIn(f"{share:.1f} %", dom["mapUnknown"]["text"])
        # the largest country is drawn darkest
        darkest = max(truth, key=truth.get)
        self.assertEqual(dom["map"][darkest]["fill"], "#1c1c1c")

    def test_absurd_top(self):
        document, page, path = self.run_pair(LAB, json_top=1000000, html_top=1000000)
        seen = drive(path, "--no-actions")
        self.assert_clean_load(seen, path)
        self.assert_page_equals_json(document, seen)

    def test_empty_capture(self):
        capture = self.sandbox.stage_bytes("empty.pcap", pcap([]))
        document, page, path = self.run_pair(capture)
        self.assert_self_contained(page)
        seen = drive(path, "--no-actions")
        self.assert_clean_load(seen, path)
        self.assert_page_equals_json(document, seen)
        self.assertEqual(seen["dom"]["header"]["packets"]["text"], "0")
        self.assertIn("no times measured", seen["dom"]["bodyText"])
        self.assertTrue(seen["dom"]["mapNone"])

    def test_no_tcp(self):
        document, page, path = self.run_pair(os.path.join(GENERATED, "udp_flows.pcap"))
        seen = drive(path, "--no-actions")
        self.assert_clean_load(seen, path)
        dom = self.assert_page_equals_json(document, seen)
        self.assertEqual(report_of(document, "rtt")["connections"]["total"], 0)
        self.assertEqual(dom["servers"], [])
        self.assertTrue(any(p["transport"] == "udp" for p in dom["protocols"]))

    def test_hostile_names_messages_and_filter(self):
        """Markup and quotes in a rule name, its message and the filter, and
        bytes that are not UTF-8 in the policy file's name and in a rule the
        policy parser refuses: shown as text, nothing run, page valid."""
        name = '<script>alert("name")</script>'
        message = "</script><!-- '\"& <img src=x onerror=alert(2)> end"
        quote = lambda text: '"' + text.replace('"', '""') + '"'
        policy = ("name,action,severity,message,protocols,ports,peers,payload,filter\n"
                  f"{quote(name)},alert,error,{quote(message)},,tcp/3389,,,\n").encode()
        policy += b'"bad\xff<b>",alert,error,"\xfe</script>",,tcp/23,,,\n'
        # the file name holds bytes that are not UTF-8 too (surrogate escapes)
        file_name = "hostile-<script>\"'-\udcff\udcfe.csv"
        policy_file = self.sandbox.stage_bytes(file_name, policy)
        display_filter = 'tcp || frame contains "</script><script>alert(3)</script>"'
        document, page, path = self.run_pair(LAB, "-o", f"triage.policy_file:{policy_file}",
                                             display_filter=display_filter)
        self.assert_self_contained(page)
        seen = drive(path, "--no-actions")
        self.assert_clean_load(seen, path)
        self.assert_page_equals_json(document, seen)
        card = next(c for c in seen["dom"]["findings"] if c["rule"] == name)
        self.assertEqual(card["message"], message)
        self.assertEqual(seen["dom"]["header"]["filter"]["text"], display_filter)
        shown_path = policy_file.replace("\udcff", "\ufffd").replace("\udcfe", "\ufffd")
        self.assertEqual(seen["dom"]["policy"]["path"], shown_path)
        self.assertEqual(report_of(document, "policy")["policy"]["path"], shown_path)
        self.assertEqual(len(report_of(document, "policy")["policy"]["invalid_rules"]), 1)
        self.assertIn("Invalid rules (1)", seen["dom"]["bodyText"])

if __name__ == "__main__":
    main()
