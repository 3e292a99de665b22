# SPDX-License-Identifier: GPL-2.0-or-later
"""name=TEXT: the capture's name in every format's capture block.

The name is text the user typed, so it is checked the way a captured string
would be: verbatim in JSON, verbatim on the text header line, and in the
HTML page only inside the escaped JSON, never as markup.
"""
import csv
import html.parser
import io
import json
import os

from harness import SOURCE_DIR, SandboxTestCase, main, parse_single_json

CAPTURE = os.path.join(SOURCE_DIR, "samples", "generated", "clean.pcap")
# No comma (the option list is comma-separated); markup, both quotes, a
# backslash and an ampersand, which JSON and the page must both carry intact.
HOSTILE = "<script>alert(\"x\")</script> 'q' a\\b & c"


class DataElements(html.parser.HTMLParser):
    """The text of each <script id=...> element of a page, by id."""

    def __init__(self):
        super().__init__()
        self.elements = {}
        self.current = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and "id" in attributes:
            self.current = attributes["id"]
            self.elements[self.current] = ""

    def handle_endtag(self, tag):
        if tag == "script":
            self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.elements[self.current] += data


class CaptureName(SandboxTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.capture = cls.sandbox.stage(CAPTURE)

    def report(self, z):
        return self.sandbox.tshark(self.capture, "-q", "-z", z).stdout

    def test_json_names_the_capture_in_every_report(self):
        document = parse_single_json(self.report("triage,format=json,name=office uplink"))
        self.assertEqual(len(document["reports"]), 3)
        for report in document["reports"]:
            self.assertEqual(report["capture"]["name"], "office uplink")
            self.assertEqual(list(report["capture"])[0], "name")

    def test_json_name_is_null_without_the_option(self):
        document = parse_single_json(self.report("triage,format=json"))
        for report in document["reports"]:
            self.assertIn("name", report["capture"])
            self.assertIsNone(report["capture"]["name"])

    def test_json_carries_any_text_verbatim(self):
        document = parse_single_json(self.report(f"triage,rtt,format=json,name={HOSTILE}"))
        self.assertEqual(document["reports"][0]["capture"]["name"], HOSTILE)

    def test_text_header_line_leads_with_the_name(self):
        unnamed = [line for line in self.report("triage,rtt").splitlines() if line.startswith("Capture: ")]
        named = [line for line in self.report("triage,rtt,name=trace one").splitlines()
                 if line.startswith("Capture: ")]
        self.assertEqual(len(unnamed), 1)
        # The same facts, after the name and its comma.
        self.assertEqual(named, ["Capture: trace one, " + unnamed[0][len("Capture: "):]])

    def test_csv_capture_record_has_the_name(self):
        rows = list(csv.reader(io.StringIO(self.report("triage,rtt,format=csv,name=trace one"))))
        header = next(row for row in rows if row[0] == "table")
        record = next(row for row in rows if row[0] == "capture")
        self.assertEqual(record[header.index("name")], "trace one")
        rows = list(csv.reader(io.StringIO(self.report("triage,rtt,format=csv"))))
        header = next(row for row in rows if row[0] == "table")
        record = next(row for row in rows if row[0] == "capture")
        self.assertEqual(record[header.index("name")], "")

    def test_html_embeds_the_name_escaped(self):
        page = self.report(f"triage,format=html,name={HOSTILE}")
        # Only the page's own three script elements (data, map, code): the
        # name opened none.
        self.assertEqual(page.count("<script"), 3)
        # The JSON string as the page writes it, worked out by hand: JSON
        # escapes for the quotes and the backslash, \u003c \u003e \u0026
        # for the characters HTML would read.
        self.assertIn('"name":"\\u003cscript\\u003ealert(\\"x\\")\\u003c/script\\u003e \'q\' a\\\\b \\u0026 c"',
                      page)
        parser = DataElements()
        parser.feed(page)
        document = json.loads(parser.elements["triage-data"])
        for report in document["reports"]:
            self.assertEqual(report["capture"]["name"], HOSTILE)


if __name__ == "__main__":
    main()
