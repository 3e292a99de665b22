# SPDX-License-Identifier: GPL-2.0-or-later
"""The Capture Triage menus, windows and filters in the real Qt Wireshark.

Starts Xvfb on a free display and lets gui_driver.py work Wireshark (4.0 on
Debian 12; 4.4 and 4.6 through tests/versions/chroot-test.sh) with the
freshly built plugin on demo_capture.py's capture, as the unprivileged
user of tests/tshark/harness.py.  Then every number the GUI showed is
compared with tshark on the same file:

- each Statistics › Capture Triage window shows, and its Copy button copies,
  exactly the text "tshark -q -z triage,REPORT" prints; Copy as JSON gives
  tshark's JSON document; Set filter… gives tshark's report for that filter;
  Go to slowest handshake and Go to first finding select the packet tshark's
  JSON names (read back from the packet details' "Frame N:" line);
- each Capture Triage statistics table shows tshark's JSON rows, sorts by a
  column and filters connections as "-z triage,…,FILTER" does;
- Statistics › Endpoints › Triage: a row's Apply as Filter › Selected sets
  its filter and the status bar shows tshark's count for it;
- Analyze › Expert Information: the first packet of the error-severity
  Policy finding group, double-clicked, is selected, and is the first packet
  tshark marks with that expert info;
- each Analyze › Capture Triage one-click filter puts its filter in the
  display filter bar and the status bar shows as many packets as
  "tshark -2 -Y FILTER" prints (failed handshakes: see gui_count);
- the packet details show the Capture Triage subtree "tshark -O triage"
  shows;
- Statistics › I/O Graphs plots triage.rtt.handshake (for the README).

Without an X server or the tools the test fails, unless TRIAGE_SKIP_GUI=1
(then it exits 77: skipped).  With TRIAGE_UPDATE_SCREENSHOTS=1 the
screenshots it takes replace those in docs/screenshots.  With
TRIAGE_GUI_ARTIFACTS=DIR everything the driver wrote (observations, the
Wireshark log, screenshots of failed steps) is copied to DIR.

Packages (Debian 12): wireshark-qt xvfb xdotool xclip imagemagick dbus
at-spi2-core python3-pyatspi.
"""
import datetime
import json
import os
import select
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tshark"))
sys.path.insert(0, HERE)

import demo_capture  # noqa: E402
from harness import PLUGIN, SKIP_CODE, SOURCE_DIR, Sandbox, parse_single_json  # noqa: E402

SYSTEM_PYTHON = "/usr/bin/python3"  # pyatspi comes with Debian's python3
TOOLS = ("Xvfb", "wireshark", "tshark", "xdotool", "xclip", "import", "convert", "dbus-run-session")
SCREEN = "1440x900x24"
UNPRIVILEGED = 65534  # the harness runs Wireshark as nobody when we are root
SCREENSHOT_LIMIT = 150 * 1024

# Statistics entries: window title, the -z argument that prints the same text, screenshot.
def named(argument):
    """The -z words with the capture's name: the report windows name the
    loaded file (demo.pcap), as tshark does with name=."""
    return argument + ",name=demo.pcap"


REPORTS = (
    ("Capture Triage: Handshake RTT", "triage,rtt", "report-rtt.png"),
    ("Capture Triage: Policy Findings", "triage,policy", "report-policy.png"),
    ("Capture Triage: Destinations and Ports", "triage,dests", "report-dests.png"),
    ("Capture Triage: All Reports", "triage", None),
)
# The report windows' buttons that select a packet, by the report they need.
GO_TO = {"Go to slowest handshake": "rtt", "Go to first finding": "policy"}
# Statistics tables: title, the -z triage report and its table (and the
# column of its nested table, shown flat), the top= it shows, its columns
# (heading, JSON key, how the cell reads, taken from the parent row), the
# column the test sorts by, a display filter typed into its filter box, and
# its screenshot.
NUMBER, SECONDS, TEXT, TIME, LIST = "number", "seconds", "text", "time", "list"
HANDSHAKE_COLUMNS = (("Stream", "stream", NUMBER), ("Client", "client", TEXT),
                     ("Client port", "client_port", NUMBER), ("Server", "server", TEXT),
                     ("Server port", "server_port", NUMBER), ("Handshake (s)", "handshake", SECONDS),
                     ("SYN to SYN/ACK (s)", "syn_synack", SECONDS), ("SYN/ACK to ACK (s)", "synack_ack", SECONDS),
                     ("Setup (s)", "setup", SECONDS), ("SYN, SYN/ACK, ACK frames", "frames", LIST))
TABLES = (
    {"title": "Capture Triage: Handshake RTT per Server", "report": "rtt", "table": "servers", "top": 1000000,
     "columns": (("Server", "address", TEXT), ("Port", "port", NUMBER), ("Connections", "connections", NUMBER),
                 ("Completed", "completed", NUMBER), ("Failed", "failed", NUMBER),
                 ("Capture point", "capture_point", TEXT), ("P50 (s)", "p50", SECONDS),
                 ("P90 (s)", "p90", SECONDS), ("Max (s)", "max", SECONDS)),
     "sort_by": "Max (s)", "filter": "tcp.port == 443", "screenshot": "table-rtt-servers.png"},
    {"title": "Capture Triage: Slowest Handshakes", "report": "rtt", "table": "slowest", "top": 1000,
     "columns": HANDSHAKE_COLUMNS, "sort_by": "Server", "screenshot": "table-rtt-slowest.png"},
    {"title": "Capture Triage: Longest Connection Setups", "report": "rtt", "table": "longest_setup", "top": 1000,
     "columns": HANDSHAKE_COLUMNS, "sort_by": "Setup (s)"},
    {"title": "Capture Triage: Policy Findings per Rule", "report": "policy", "table": "findings", "top": 1000000,
     "columns": (("Rule", "rule", TEXT), ("Severity", "severity", TEXT), ("Evidence", "evidence", TEXT),
                 ("Connections", "connections", NUMBER),
                 ("Matched packets", "matched_packets", NUMBER), ("Packets", "packets", NUMBER),
                 ("Bytes", "bytes", NUMBER), ("First frame", "first_frame", NUMBER),
                 ("Last frame", "last_frame", NUMBER), ("First (UTC)", "first", TIME), ("Last (UTC)", "last", TIME),
                 ("Message", "message", TEXT)),
     "sort_by": "First frame", "filter": "ip.addr == 203.0.113.50", "screenshot": "table-policy-rules.png"},
    {"title": "Capture Triage: Policy Findings per Connection", "report": "policy", "table": "findings",
     "nested": "endpoints", "top": 1000000,
     "columns": (("Rule", "rule", TEXT, True), ("Severity", "severity", TEXT, True), ("Client", "client", TEXT),
                 ("Server", "server", TEXT), ("Transport", "transport", TEXT), ("Port", "port", NUMBER),
                 ("Evidence", "evidence", TEXT),
                 ("Packets", "packets", NUMBER), ("Matched packets", "matched_packets", NUMBER),
                 ("First frame", "first_frame", NUMBER)),
     "sort_by": "Packets", "screenshot": "table-policy-connections.png"},
    {"title": "Capture Triage: Destinations", "report": "dests", "table": "destinations", "top": 1000000,
     "columns": (("Destination", "address", TEXT), ("Direction", "direction", TEXT),
                 ("Connections", "connections", NUMBER), ("Packets to", "packets_to", NUMBER),
                 ("Bytes to", "bytes_to", NUMBER), ("Packets from", "packets_from", NUMBER),
                 ("Bytes from", "bytes_from", NUMBER), ("Initiators", "initiators", NUMBER),
                 ("Ports", "ports_total", NUMBER), ("Country", "country", TEXT), ("AS", "asn", TEXT),
                 ("First (UTC)", "first", TIME), ("Last (UTC)", "last", TIME)),
     "sort_by": "Bytes to", "filter": "tcp.port == 443", "screenshot": "table-destinations.png"},
    {"title": "Capture Triage: Destination Ports", "report": "dests", "table": "destinations", "nested": "ports",
     "top": 1000000,
     "columns": (("Destination", "address", TEXT, True), ("Direction", "direction", TEXT, True),
                 ("Transport", "transport", TEXT), ("Port", "port", NUMBER), ("Service", "service", TEXT),
                 ("Connections", "connections", NUMBER), ("Packets to", "packets_to", NUMBER),
                 ("Bytes to", "bytes_to", NUMBER), ("Packets from", "packets_from", NUMBER),
                 ("Bytes from", "bytes_from", NUMBER), ("Initiators", "initiators", NUMBER),
                 ("Policy rule", "policy_rule", TEXT)),
     "sort_by": "Connections", "screenshot": "table-destination-ports.png"},
)
CONNECTION_FILTER = "tcp.port == 443"  # typed into the RTT window's Set filter…
# the destination whose Endpoints row becomes a filter: the VM, reached over RDP and by a scan
ENDPOINT = "10.0.0.2"
# Analyze › Capture Triage entries and the filter each must apply (default threshold 200 ms).
ONE_CLICK = (
    ("SYN packets", "tcp.flags.syn == 1"),
    ("Slow handshakes", "triage.rtt.handshake > 0.200"),
    ("Failed handshakes", 'triage.rtt.outcome in {"refused", "unanswered", "incomplete", "client_reset"}'),
    ("Policy violations", "triage.policy.violation"),
)
# Analyze › Expert Information: the group of the error-severity policy
# findings (severity, summary), and the expert field that marks its packets
EXPERT_GROUP = ("Error", "Policy finding")
EXPERT_FIELD = "triage.policy.error"
# a frame that carries both subtrees: the ACK of the RDP connection from the internet
DETAILS_FILTER = "triage.rtt.handshake && triage.policy.violation"
SCREENSHOTS = ("statistics-menu.png", "report-rtt.png", "report-policy.png", "report-dests.png",
               "analyze-menu.png", "expert-information.png", "packet-details.png", "policy-violations.png", "io-graph.png") + \
    tuple(table["screenshot"] for table in TABLES if table.get("screenshot"))


def unavailable(reason):
    """No GUI here: a failure, unless the environment says to skip."""
    if os.environ.get("TRIAGE_SKIP_GUI") == "1":
        print(f"SKIPPED: {reason}", file=sys.stderr)
        raise unittest.SkipTest(reason)
    raise RuntimeError(f"{reason} (set TRIAGE_SKIP_GUI=1 to skip the GUI test)")


def check_tools():
    missing = [tool for tool in TOOLS if not shutil.which(tool)]
    if missing:
        unavailable(f"missing programs: {', '.join(missing)}")
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, text=True)
    if probe.returncode != 0:
        unavailable(f"{SYSTEM_PYTHON} cannot import pyatspi (package python3-pyatspi)")


def start_xvfb(log_path):
    """Xvfb on the first free display; returns (process, display number)."""
    read_end, write_end = os.pipe()
    # a file, not a pipe: Xvfb writes keymap warnings for every client and
    # would block once a pipe nobody reads is full
    with open(log_path, "w") as log:
        try:
            server = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", SCREEN,
                                       "-nolisten", "tcp", "-ac", "-noreset"], pass_fds=(write_end,),
                                      stdout=subprocess.DEVNULL, stderr=log)
        finally:
            os.close(write_end)
    # Xvfb writes the number, then a line break in a second write: closing
    # our end before that kills the server
    received = b""
    while not received.endswith(b"\n"):
        ready, _, _ = select.select([read_end], [], [], 15)
        chunk = os.read(read_end, 32) if ready else b""
        if not chunk:
            break
        received += chunk
    os.close(read_end)
    display = received.decode().strip() if received.endswith(b"\n") else ""
    if not display:
        server.kill()
        server.wait()
        with open(log_path, errors="replace") as log:
            unavailable(f"Xvfb did not start: {log.read().strip()[-500:]}")
    return server, display


def give_to_gui_user(path):
    """The unprivileged user must write its profile, runtime and output folders."""
    if os.geteuid() != 0:
        return
    for folder, _, files in os.walk(path):
        os.chown(folder, UNPRIVILEGED, UNPRIVILEGED)
        for name in files:
            os.chown(os.path.join(folder, name), UNPRIVILEGED, UNPRIVILEGED)


class GuiTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not PLUGIN or not os.path.exists(PLUGIN):
            raise RuntimeError("TRIAGE_PLUGIN must name the built triage.so")
        check_tools()
        cls.sandbox = Sandbox()
        cls.tshark_outputs = {}
        cls.xvfb = None
        try:
            cls.prepare()
            cls.xvfb, display = start_xvfb(os.path.join(cls.out, "xvfb.log"))
            cls.observations = cls.drive(display)
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def prepare(cls):
        sandbox = cls.sandbox
        cls.capture = os.path.join(sandbox.inputs, "demo.pcap")
        demo_capture.build().write(cls.capture)
        os.chmod(cls.capture, 0o644)
        cls.driver = sandbox.stage(os.path.join(HERE, "gui_driver.py"))
        profile = os.path.join(sandbox.home, ".config", "wireshark")
        shutil.copytree(os.path.join(HERE, "profile"), profile)
        cls.out = os.path.join(sandbox.root, "out")
        cls.runtime = os.path.join(sandbox.root, "runtime")
        os.makedirs(cls.out)
        os.makedirs(cls.runtime, mode=0o700)
        for path in (sandbox.home, cls.out, cls.runtime):
            give_to_gui_user(path)
        frames = sandbox.tshark(cls.capture, "-2", "-Y", DETAILS_FILTER, "-T", "fields", "-e", "frame.number")
        cls.details_frame = int(frames.stdout.split()[0])

    @classmethod
    def drive(cls, display):
        plan = {
            "capture": cls.capture,
            "out": cls.out,
            "screenshots": True,
            "reports": [{"title": title, "screenshot": picture,
                         "connection_filter": CONNECTION_FILTER if argument == "triage,rtt" else None,
                         "scroll_to": "Handshake times" if argument == "triage,rtt" else None,
                         "go_to": [button for button, report in GO_TO.items()
                                   if argument == "triage" or argument == "triage," + report]}
                        for title, argument, picture in REPORTS],
            "tables": [{"title": table["title"], "sort_by": table["sort_by"], "filter": table.get("filter"),
                        "screenshot": table.get("screenshot")} for table in TABLES],
            "endpoint": ENDPOINT,
            "expert_group": EXPERT_GROUP,
            "one_click": [label for label, _ in ONE_CLICK],
            "details_frame": cls.details_frame,
        }
        plan_path = cls.sandbox.write("plan.json", json.dumps(plan))
        command = cls.sandbox.command("env", [f"DISPLAY=:{display}", f"XDG_RUNTIME_DIR={cls.runtime}",
                                              "dbus-run-session", "--", SYSTEM_PYTHON, cls.driver, plan_path])
        # The whole walk: each step has its own bound (TRIAGE_GUI_TIMEOUT, 120 s); under
        # CI load the walk took over 300 s while every step kept within its own.
        result = subprocess.run(command, capture_output=True, text=True, timeout=720, cwd=cls.sandbox.inputs)
        observations_path = os.path.join(cls.out, "observations.json")
        if not os.path.exists(observations_path):
            raise AssertionError(f"the GUI driver wrote no observations (exit {result.returncode}):\n"
                                 f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        with open(observations_path) as handle:
            return json.load(handle)

    @classmethod
    def tearDownClass(cls):
        artifacts = os.environ.get("TRIAGE_GUI_ARTIFACTS")
        if artifacts and getattr(cls, "out", None) and os.path.isdir(cls.out):
            shutil.copytree(cls.out, artifacts, dirs_exist_ok=True)
        if cls.xvfb:
            cls.xvfb.terminate()
            cls.xvfb.wait(timeout=10)
        cls.sandbox.close()

    # -- helpers

    def observed(self, step):
        error = self.observations["errors"].get(step)
        if error:
            self.fail(f"GUI step '{step}' failed:\n{error}")
        self.assertIn(step, self.observations, f"GUI step '{step}' did not run")
        return self.observations[step]

    @classmethod
    def tshark(cls, *args):
        """tshark's output on the capture; each command runs once for all tests."""
        if args not in cls.tshark_outputs:
            cls.tshark_outputs[args] = cls.sandbox.tshark(cls.capture, *args).stdout
        return cls.tshark_outputs[args]

    def tshark_text(self, argument):
        return self.tshark("-q", "-z", argument)

    def tshark_count(self, display_filter):
        return len(self.tshark("-2", "-Y", display_filter).splitlines())

    def assertSameText(self, shown, expected, what):
        if shown != expected:
            import difflib
            diff = "".join(difflib.unified_diff(expected.splitlines(True), shown.splitlines(True),
                                                "tshark", "Wireshark"))
            self.fail(f"{what} differs from tshark:\n{diff[:6000]}")


def shown(kind, value):
    """How Wireshark's statistics table shows a JSON value of the report."""
    if value is None:
        return ""
    if kind == NUMBER:
        return str(value)
    if kind == SECONDS:
        return f"{value:.6f}"
    if kind == TIME:  # "1700000000.123456789" -> UTC to the microsecond, as the text report
        seconds, fraction = value.split(".")
        micros = (int(seconds) * 10**9 + int(fraction.ljust(9, "0")) + 500) // 1000
        stamp = datetime.datetime.fromtimestamp(micros // 10**6, datetime.timezone.utc)
        return stamp.strftime("%Y-%m-%d %H:%M:%S") + f".{micros % 10**6:06d}"
    if kind == LIST:
        return ",".join(str(item) for item in value)
    return str(value)


def expected_rows(table, document):
    """The rows a table must show, from tshark's JSON report."""
    rows = []
    for parent in document[table["table"]]:
        children = parent[table["nested"]] if table.get("nested") else [parent]
        for child in children:
            rows.append([shown(column[2], (parent if len(column) > 3 and column[3] else child)[column[1]])
                         for column in table["columns"]])
    return rows


def table_order(table, rows, heading):
    """The column's values as the sort compares them."""
    kind = next(column[2] for column in table["columns"] if column[0] == heading)
    index = [column[0] for column in table["columns"]].index(heading)
    values = [row[index] for row in rows]
    return [float(value or 0) for value in values] if kind in (NUMBER, SECONDS) else values


class CaptureTriageGui(GuiTestCase):
    def test_wireshark_loaded_the_capture(self):
        status = self.observed("start")
        packets = self.tshark_count("frame")
        self.assertRegex(status, rf"^Packets: {packets}\b")

    def test_statistics_menu_lists_every_report(self):
        entries = self.observed("statistics_menu")
        for title, _, _ in REPORTS:
            self.assertIn(title, entries)

    def tshark_table_rows(self, table, display_filter=None):
        argument = f"triage,{table['report']},top={table['top']},format=json"
        if display_filter:
            argument += "," + display_filter
        return expected_rows(table, parse_single_json(self.tshark_text(argument))["reports"][0])

    def test_tables_show_tshark_numbers(self):
        for table in TABLES:
            with self.subTest(table=table["title"]):
                observed = self.observed("table " + table["title"])["initial"]
                self.assertEqual(observed["headings"], [column[0] for column in table["columns"]])
                expected = self.tshark_table_rows(table)
                self.assertGreater(len(expected), 0, "the demo capture must fill every table")
                self.assertEqual(sorted(observed["rows"]), sorted(expected))

    def test_tables_sort_by_a_column(self):
        for table in TABLES:
            with self.subTest(table=table["title"]):
                observed = self.observed("table " + table["title"])
                rows = observed["sorted"]["rows"]
                self.assertEqual(sorted(rows), sorted(observed["initial"]["rows"]))
                order = table_order(table, rows, table["sort_by"])
                self.assertIn(order, (sorted(order), sorted(order, reverse=True)))
                self.assertNotEqual(rows, observed["initial"]["rows"], "the click changed nothing")

    def test_table_filter_box_selects_connections_as_tshark(self):
        for table in TABLES:
            if not table.get("filter"):
                continue
            with self.subTest(table=table["title"]):
                observed = self.observed("table " + table["title"])["filtered"]
                expected = self.tshark_table_rows(table, table["filter"])
                self.assertGreater(len(expected), 0)
                self.assertNotEqual(sorted(expected), sorted(self.tshark_table_rows(table)))
                self.assertEqual(sorted(observed["rows"]), sorted(expected))

    def test_endpoints_row_applies_its_filter(self):
        observed = self.observed("endpoint_filter")
        self.assertEqual(observed["row"][0], ENDPOINT)
        self.assertIn(ENDPOINT, observed["filter"])
        expected = self.tshark_count(observed["filter"])
        self.assertGreater(expected, 0)
        self.assertLess(expected, self.tshark_count("frame"))
        self.assertIn(f"Displayed: {expected} (", observed["status"])

    def test_report_windows_show_and_copy_what_tshark_prints(self):
        for title, argument, _ in REPORTS:
            with self.subTest(report=title):
                window = self.observed("report " + title)
                expected = self.tshark_text(named(argument))
                self.assertSameText(window["clipboard_text"], expected, f"'{title}' Copy")
                self.assertSameText(window["window_text"], expected, f"'{title}' window text")

    def test_copy_as_json_is_tshark_json(self):
        for title, argument, _ in REPORTS:
            with self.subTest(report=title):
                window = self.observed("report " + title)
                expected = parse_single_json(self.tshark_text(named(argument) + ",format=json"))
                self.assertEqual(expected["reports"][0]["capture"]["name"], "demo.pcap")
                self.assertEqual(parse_single_json(window["clipboard_json"]), expected)

    def expected_frame(self, button):
        """The packet a Go to button must select, from tshark's JSON report."""
        document = parse_single_json(self.tshark_text(f"triage,{GO_TO[button]},format=json"))["reports"][0]
        if GO_TO[button] == "rtt":  # the SYN of the slowest handshake
            return document["slowest"][0]["frames"][0]
        return min(finding["first_frame"] for finding in document["findings"])  # the earliest match

    def test_go_to_buttons_select_the_packet(self):
        frames = {button: self.expected_frame(button) for button in GO_TO}
        self.assertEqual(len(set(frames.values())), len(frames), "the demo capture must tell the buttons apart")
        for title, argument, _ in REPORTS:
            went_to = self.observed("report " + title)["went_to"]
            for button in GO_TO:
                if argument in ("triage", "triage," + GO_TO[button]):
                    with self.subTest(report=title, button=button):
                        self.assertEqual(went_to.get(button), frames[button])
                else:
                    self.assertNotIn(button, went_to)

    def test_expert_information_goes_to_a_finding(self):
        observed = self.observed("expert_information")
        expected = [int(frame) for frame in self.tshark("-2", "-Y", EXPERT_FIELD, "-T", "fields",
                                                        "-e", "frame.number").split()]
        group = next(row for row in observed["groups"] if tuple(row[:2]) == EXPERT_GROUP)
        self.assertEqual(group[2:4], ["Security", "Triage"])
        self.assertEqual(int(group[4]), len(expected))
        # the first packet under the group, double-clicked, is the one selected
        self.assertEqual(int(observed["packet_row"][0]), observed["selected_frame"])
        self.assertEqual(observed["selected_frame"], min(expected))

    def test_report_windows_fit_the_screen_unwrapped(self):
        for title, _, picture in REPORTS:
            if picture:
                with self.subTest(report=title):
                    self.assertIsNotNone(self.observed("report " + title)["zoomed_out"],
                                         "the longest line still wraps at 1260 pixels, zoomed out four steps")

    def test_set_filter_gives_the_filtered_tshark_report(self):
        window = self.observed("report Capture Triage: Handshake RTT")
        expected = self.tshark_text(named("triage,rtt") + "," + CONNECTION_FILTER)
        self.assertIn(f"Filter: {CONNECTION_FILTER}\n", expected)
        self.assertSameText(window["filtered_clipboard_text"], expected, "Set filter… then Copy")
        self.assertSameText(window["filtered_window_text"], expected, "Set filter… window text")

    def test_one_click_filters_show_what_tshark_shows(self):
        observed = self.observed("one_click_filters")
        self.assertEqual(observed["entries"][:len(ONE_CLICK)], [label for label, _ in ONE_CLICK])
        for label, display_filter in ONE_CLICK:
            with self.subTest(entry=label):
                result = observed["results"][label]
                self.assertEqual(result["filter"], display_filter)
                expected = self.gui_count(display_filter)
                self.assertGreater(expected, 0, "the demo capture must exercise every filter")
                self.assertIn(f"Displayed: {expected} (", result["status"])

    def gui_count(self, display_filter):
        """How many packets the GUI must show for a filter, from tshark -2.

        A loaded file in the GUI knows every connection's outcome, so it
        marks the outcome on all handshake packets (SYN, SYN/ACK, RST).
        tshark -2 marks it only from the packet where it became known: its
        first pass runs without taps, so the plugin sees the packets once.
        For the failed-handshakes filter, the GUI must therefore show every
        SYN and RST of the connections tshark -2 finds failed."""
        if not display_filter.startswith("triage.rtt.outcome"):
            return self.tshark_count(display_filter)
        streams = sorted(set(self.tshark("-2", "-Y", display_filter, "-T", "fields", "-e", "tcp.stream").split()))
        if not streams:
            return 0
        return self.tshark_count(f"tcp.stream in {{{', '.join(streams)}}} && "
                                 "(tcp.flags.syn == 1 || tcp.flags.reset == 1)")

    @unittest.expectedFailure
    def test_tshark_two_pass_marks_outcomes_on_every_handshake_packet(self):
        # DESIGN §2: outcomes on packets need -2 or a loaded file in the GUI.
        # The GUI has them on every handshake packet, tshark -2 only from the
        # RST on (and never unanswered or incomplete).  Remove the decorator
        # once tshark -2 agrees with the GUI.
        display_filter = dict(ONE_CLICK)["Failed handshakes"]
        self.assertEqual(self.tshark_count(display_filter), self.gui_count(display_filter))

    def test_packet_details_show_the_capture_triage_subtree(self):
        observed = self.observed("packet_details")
        self.assertTrue(observed["frame_line"].startswith(f"Frame {self.details_frame}:"))
        rows = observed["rows"]
        shown = rows[next(i for i, row in enumerate(rows) if row.strip("[]") == "Capture Triage") + 1:]
        verbose = self.sandbox.tshark(self.capture, "-2", "-Y", f"frame.number == {self.details_frame}",
                                      "-O", "triage").stdout.splitlines()
        start = next(i for i, line in enumerate(verbose) if line.strip("[]") == "Capture Triage")
        expected = [line.strip() for line in verbose[start + 1:] if line.startswith("    ")]
        self.assertEqual(shown, expected)
        self.assertIn("Handshake RTT: completed", shown)
        self.assertTrue(any(row.startswith("Policy violation: ") for row in shown))

    def test_io_graph_plots_the_handshake_field(self):
        observed = self.observed("io_graph")
        self.assertIsNotNone(observed["graph_row"], "the pre-seeded I/O graph of triage.rtt.handshake is missing")

    def test_screenshots_are_small_pictures(self):
        taken = self.observations["screenshots"]
        for name in SCREENSHOTS:
            with self.subTest(screenshot=name):
                self.assertIn(name, taken)
                path = os.path.join(self.out, name)
                with open(path, "rb") as handle:
                    self.assertEqual(handle.read(8), b"\x89PNG\r\n\x1a\n")
                self.assertLess(os.path.getsize(path), SCREENSHOT_LIMIT)
        if os.environ.get("TRIAGE_UPDATE_SCREENSHOTS") == "1":
            target = os.path.join(SOURCE_DIR, "docs", "screenshots")
            os.makedirs(target, exist_ok=True)
            for name in SCREENSHOTS:
                shutil.copyfile(os.path.join(self.out, name), os.path.join(target, name))

    def test_no_gui_step_failed(self):
        self.assertEqual(self.observations["errors"], {})


def main():
    program = unittest.main(exit=False, verbosity=2)
    result = program.result
    if not result.wasSuccessful():
        sys.exit(1)
    # a skip in setUpClass counts one skip and no test run
    if result.skipped and len(result.skipped) >= result.testsRun:
        sys.exit(SKIP_CODE)
    sys.exit(0)


if __name__ == "__main__":
    main()
