# SPDX-License-Identifier: GPL-2.0-or-later
"""Every error a user can make, through the real tshark.

A mistake must be named (the path, the row, the option, the filter) with
its reason, and must never turn into a silent empty report: a bad -z
argument stops tshark with a non-zero status before any packet is read; a
bad policy source is reported and the rest (or the built-in default)
applies, and the report says which policy was used.
"""
import os

from harness import SOURCE_DIR, Sandbox, SandboxTestCase, main, parse_single_json, report_of

CAPTURE = os.path.join(SOURCE_DIR, "samples", "generated", "mixed.pcap")
HEADER = "name,action,severity,message,protocols,ports,peers,payload,filter\n"
INVALID_OPTION = 1  # tshark's exit status for a bad command-line option


class Errors(SandboxTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.capture = cls.sandbox.stage(CAPTURE)
        document = parse_single_json(cls.sandbox.tshark(cls.capture, "-q", "-z", "triage,policy,format=json").stdout)
        cls.default_rules = report_of(document, "policy")["policy"]["rules"]

    def tshark(self, *args, sandbox=None):
        return (sandbox or self.sandbox).run(["-r", self.capture] + list(args), check=False)

    def policy_report(self, result):
        self.assertEqual(result.returncode, 0, result.stderr)
        return report_of(parse_single_json(result.stdout), "policy")

    # ---- -z arguments ---------------------------------------------------------

    def assert_refused(self, argument, *named):
        """tshark stops before reading, names what is wrong, prints no report."""
        result = self.tshark("-q", "-z", argument)
        self.assertEqual(result.returncode, INVALID_OPTION, f"{argument}: {result.stderr}")
        for text in named:
            self.assertIn(text, result.stderr)
        self.assertNotIn("Capture Triage", result.stdout)
        self.assertNotIn("{", result.stdout)
        return result.stderr

    def test_unknown_option_is_named(self):
        for argument, name in (("triage,rtt,foo=1", "foo"),
                               ("triage,foo=1", "foo"),
                               ("triage,dests,top=5,colour=red,tcp.port==80", "colour")):
            with self.subTest(argument=argument):
                stderr = self.assert_refused(argument, name)
                self.assertIn("unknown option", stderr)

    def test_filter_that_does_not_compile_is_named(self):
        for argument, text in (("triage,rtt,tcp.prot==1", "tcp.prot==1"),
                               ("triage,dests,top=3,ip.addr==", "ip.addr=="),
                               ("triage,policy,format=json,frame.len > > 3", "frame.len > > 3"),
                               # not lower-case key=value words, so they are filters
                               ("triage,foo", "foo"),
                               ("triage,policy,format=json,Top=3", "Top=3")):
            with self.subTest(argument=argument):
                stderr = self.assert_refused(argument, text)
                self.assertIn("not a valid display filter", stderr)

    def test_absurd_top_is_refused(self):
        for value in ("abc", "-1", "0", "99999999999", "", "1e3", " 5", "0x10"):
            with self.subTest(top=value):
                self.assert_refused(f"triage,rtt,top={value}", f"top={value}:")

    def test_top_at_its_limits_works(self):
        for value in ("1", "1000000"):
            with self.subTest(top=value):
                result = self.tshark("-q", "-z", f"triage,dests,format=json,top={value}")
                self.assertEqual(result.returncode, 0, result.stderr)
                destinations = report_of(parse_single_json(result.stdout), "dests")["destinations"]
                self.assertLessEqual(len(destinations), int(value))
                self.assertGreater(len(destinations), 0)

    def test_unknown_format_is_refused(self):
        for value in ("xml", "JSON", "", "pdf"):
            with self.subTest(format=value):
                self.assert_refused(f"triage,rtt,format={value}", f"format={value}", "text, csv, json")

    def test_sort_only_for_destinations(self):
        stderr = self.assert_refused("triage,rtt,sort=bytes", "sort=bytes")
        self.assertIn("dests", stderr)
        self.assert_refused("triage,policy,sort=packets", "sort=packets")
        self.assert_refused("triage,dests,sort=size", "sort=size")
        # and where it belongs, it works
        result = self.tshark("-q", "-z", "triage,dests,sort=bytes,format=json")
        self.assertEqual(result.returncode, 0, result.stderr)

    # ---- policy sources -------------------------------------------------------

    def assert_default_applies(self, path, reason):
        result = self.tshark("-q", "-o", f"triage.policy_file:{path}", "-z", "triage,policy,format=json")
        self.assertIn(f"cannot read the policy file {path}", result.stderr)
        self.assertIn(reason, result.stderr)
        self.assertIn("default policy applies", result.stderr)
        policy = self.policy_report(result)["policy"]
        self.assertEqual(policy["source"], "default")
        self.assertIsNone(policy["path"])
        self.assertEqual(policy["rules"], self.default_rules)

    def test_missing_policy_file(self):
        self.assert_default_applies(os.path.join(self.sandbox.inputs, "no-such-policy.csv"),
                                    "No such file or directory")

    def test_unreadable_policy_file(self):
        path = self.sandbox.write("locked-policy.csv", HEADER + "telnet,alert,warn,,,tcp/23,,,\n")
        os.chmod(path, 0)
        try:
            if os.geteuid() != 0 and os.access(path, os.R_OK):
                self.skipTest("this user can read a mode-000 file")
            self.assert_default_applies(path, "Permission denied")
        finally:
            os.chmod(path, 0o644)

    def test_policy_file_that_is_a_folder(self):
        self.assert_default_applies(self.sandbox.inputs, "Is a directory")

    def test_bad_lines_are_named_and_skipped(self):
        path = self.sandbox.write("bad-lines.csv", HEADER +
                                  "telnet,alert,warn,Telnet,,tcp/23,,,\n"           # line 2: fine
                                  "big-port,alert,warn,,,tcp/70000,,,\n"             # line 3
                                  "typo,alert,warn,,,,,,tcp.prot==1\n"               # line 4: compiles later
                                  "# a comment\n"
                                  "nonsense,block,warn,,,tcp/1,,,\n"                 # line 6
                                  "unknown,alert,warn,,no-such-protocol,,,,\n"       # line 7
                                  "ftp,alert,warn,FTP,,tcp/21,,,\n")                 # line 8: fine
        result = self.tshark("-q", "-o", f"triage.policy_file:{path}", "-z", "triage,policy,format=json")
        for line, reason in ((3, "ports: 'tcp/70000' is not a port"),
                             (4, 'filter "tcp.prot==1" does not compile'),
                             (6, "action: 'block' is not alert or allow"),
                             (7, "protocols: unknown protocol 'no-such-protocol'")):
            self.assertIn(f"{path}:{line}: {reason}", result.stderr)
        policy = self.policy_report(result)["policy"]
        self.assertEqual(policy["source"], "file")
        self.assertEqual(policy["path"], path)
        # the filter rule is kept (it compiles as text) but can never match
        self.assertEqual(policy["rules"], 3)
        self.assertEqual([error["line"] for error in policy["invalid_rules"]], [3, 4, 6, 7])

    def test_file_without_a_usable_header(self):
        for name, text, reason in (("empty.csv", "", "no header row"),
                                   ("comments.csv", "# nothing here\n\n", "no header row"),
                                   ("no-header.csv", "telnet,alert,warn,,,tcp/23,,,\n", "unknown column 'telnet'"),
                                   ("binary.csv", "\x00\x01\x02\xff\xfe", "field 1 contains a NUL byte")):
            with self.subTest(file=name):
                path = self.sandbox.write(name, text)
                result = self.tshark("-q", "-o", f"triage.policy_file:{path}", "-z", "triage,policy,format=json")
                self.assertIn(path, result.stderr)
                self.assertIn(reason, result.stderr)
                policy = self.policy_report(result)["policy"]
                # the file was read, so it is the policy: an empty one, said so
                self.assertEqual(policy["source"], "file")
                self.assertEqual(policy["rules"], 0)
                self.assertEqual(len(policy["invalid_rules"]), 1)

    def test_address_lists(self):
        """peers: to:@FILE.  A missing or unreadable list skips its rule with
        file:line: reason; a bad line of a list is named file:line and the
        rest of the list applies."""
        syn_targets = self.sandbox.fields(self.capture, ["ip.dst"],
                                          display_filter="tcp.flags.syn == 1 && tcp.flags.ack == 0 && ip")
        server = sorted({row[0] for row in syn_targets})[0]
        self.sandbox.write("servers.txt", f"# servers of the capture\n{server}\nnot-an-address\n10.1.0.0/33\n")
        locked = self.sandbox.write("locked.txt", "192.0.2.1\n")
        path = self.sandbox.write("lists.csv", HEADER +
                                  "listed,alert,warn,Listed,,,to:@servers.txt,,\n"    # line 2
                                  "missing,alert,warn,,,,to:@missing.txt,,\n"         # line 3
                                  "locked,alert,warn,,,,to:@locked.txt,,\n"           # line 4
                                  "telnet,alert,warn,Telnet,,tcp/23,,,\n")            # line 5: fine
        lists = os.path.dirname(path)
        os.chmod(locked, 0)
        try:
            if os.geteuid() != 0 and os.access(locked, os.R_OK):
                self.skipTest("this user can read a mode-000 file")
            result = self.tshark("-q", "-o", f"triage.policy_file:{path}", "-z", "triage,policy,format=json")
        finally:
            os.chmod(locked, 0o644)
        for text in (f"{lists}/servers.txt:3: 'not-an-address': bad network \"not-an-address\"",
                     f"{lists}/servers.txt:4: '10.1.0.0/33': bad network \"10.1.0.0/33\": prefix length must be 0-32",
                     f"{path}:3: peers: cannot read the list '{lists}/missing.txt': No such file or directory",
                     f"{path}:4: peers: cannot read the list '{lists}/locked.txt': Permission denied"):
            self.assertIn(text, result.stderr)
        report = self.policy_report(result)
        self.assertEqual(report["policy"]["rules"], 2)  # listed and telnet
        listed = [f for f in report["findings"] if f["rule"] == "listed"]
        self.assertEqual(len(listed), 1, report["findings"])
        self.assertEqual(listed[0]["evidence"], "address")
        self.assertEqual({e["server"] for e in listed[0]["endpoints"]}, {server})

    def test_bad_policy_table_rows(self):
        """A triage_policy UAT file in the profile with bad rows: each named
        once, by row and reason; the rows after them still apply."""
        sandbox = Sandbox()
        try:
            profile = os.path.join(sandbox.home, ".config", "wireshark")
            os.makedirs(profile)
            with open(os.path.join(profile, "triage_policy"), "w") as handle:
                handle.write('# This file is automatically generated, DO NOT MODIFY.\n'
                             '"telnet","alert","warn","Telnet","","tcp/23","","",""\n'
                             '"big-port","alert","warn","x","","tcp/70000","","",""\n'
                             '"nonsense","block","warn","x","","tcp/1","","",""\n'
                             '"ftp","alert","warn","FTP","","tcp/21","","",""\n')
            for folder in (os.path.join(sandbox.home, ".config"), profile):
                os.chmod(folder, 0o755)
            os.chmod(os.path.join(profile, "triage_policy"), 0o644)
            capture = sandbox.stage(CAPTURE)
            result = sandbox.run(["-r", capture, "-q", "-z", "triage,policy,format=json"], check=False)
            self.assertEqual(result.stderr.count("triage_policy table row 2: ports: 'tcp/70000' is not a port"), 1,
                             result.stderr)
            self.assertEqual(result.stderr.count("triage_policy table row 3: action: 'block' is not alert or allow"), 1,
                             result.stderr)
            report = self.policy_report(result)
            policy = report["policy"]
            self.assertEqual(policy["source"], "table")
            self.assertEqual(policy["rules"], 2)  # telnet and ftp, before and after the bad rows
            self.assertEqual([error["line"] for error in policy["invalid_rules"]], [2, 3])
        finally:
            sandbox.close()

    def test_bad_internal_networks(self):
        result = self.tshark("-q", "-o", "triage.internal_networks:10.0.0.0/33,banana",
                             "-z", "triage,dests,format=json")
        self.assertIn("triage.internal_networks", result.stderr)
        self.assertIn("10.0.0.0/33", result.stderr)
        self.assertIn("default applies", result.stderr)
        self.assertEqual(result.returncode, 0, result.stderr)
        directions = {d["direction"] for d in report_of(parse_single_json(result.stdout), "dests")["destinations"]}
        # the default internal networks are in force: mixed.pcap has both kinds
        self.assertIn("outbound", directions)


if __name__ == "__main__":
    main()
