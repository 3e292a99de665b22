# SPDX-License-Identifier: GPL-2.0-or-later
"""The policy report's header as a new user reads it: every line has a value.

A blank after "Path:" or "Connections without payload:" reads as a bug or a
missing number; what does not apply says so in the text, and stays null in
JSON so programs can still tell "none" from a value.
"""
import os
import re

from harness import SOURCE_DIR, SandboxTestCase, main, parse_single_json, report_of

CAPTURE = os.path.join(SOURCE_DIR, "samples", "generated", "mixed.pcap")
HEADER = "name,action,severity,message,protocols,ports,peers,payload,filter\n"


def header_lines(text):
    """The "Heading: value" lines of the Policy section, as (heading, value)."""
    section = text.split("\nPolicy\n", 1)[1].split("\n\n", 1)[0]
    lines = []
    for line in section.splitlines():
        match = re.match(r"^  (\S[^:]*):(.*)$", line)
        if match:
            lines.append((match.group(1), match.group(2).strip()))
    return lines


class PolicyHeader(SandboxTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.capture = cls.sandbox.stage(CAPTURE)
        cls.policy_file = cls.sandbox.write("telnet.csv", HEADER + "telnet,alert,warn,Telnet,,tcp/23,,,\n")

    def header(self, *args):
        result = self.sandbox.tshark(self.capture, "-q", *args, "-z", "triage,policy")
        lines = dict(header_lines(result.stdout))
        self.assertIn("Connections without payload", lines, result.stdout)
        for heading, value in lines.items():
            self.assertNotEqual(value, "", f"'{heading}:' has no value:\n{result.stdout}")
        return lines

    def test_built_in_policy_in_denylist_mode(self):
        lines = self.header()
        self.assertEqual(lines["Source"], "default")
        self.assertEqual(lines["Path"], "(none: the built-in policy)")
        self.assertEqual(lines["Connections without payload"], "not applicable in denylist mode")
        self.assertEqual(lines["Invalid rules"], "(none)")
        self.assertEqual(lines["Not tracked (over the limit)"], "0")

    def test_policy_file_in_allowlist_mode(self):
        lines = self.header("-o", f"triage.policy_file:{self.policy_file}", "-o", "triage.policy_mode:allowlist")
        self.assertEqual(lines["Source"], "file")
        self.assertEqual(lines["Path"], self.policy_file)
        self.assertRegex(lines["Connections without payload"], r"^\d+$")

    def test_json_keeps_null_where_text_explains(self):
        result = self.sandbox.tshark(self.capture, "-q", "-z", "triage,policy,format=json")
        policy = report_of(parse_single_json(result.stdout), "policy")["policy"]
        self.assertIsNone(policy["path"])
        self.assertIsNone(policy["connections_without_payload"])


if __name__ == "__main__":
    main()
