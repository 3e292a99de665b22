# SPDX-License-Identifier: GPL-2.0-or-later
"""triage-fleet on a folder of captures on this machine: GNU parallel and
the serial loop give exactly the report tshark gives for each capture; a
damaged capture or a file that is no capture is reported with tshark's
reason and does not stop the others; a re-run takes what it can from the
cache and triages only what changed."""
import os
import shutil
import unittest

from fleet_support import harness, reports, run_fleet, status, tshark_wrapper

SAMPLES = ["clean", "refused", "unanswered", "ipv6", "udp_flows", "mixed", "vlan", "port_reuse"]


class FleetOnFolder(harness.SandboxTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.folder = os.path.join(cls.sandbox.inputs, "vmss")
        os.makedirs(cls.folder)
        generated = os.path.join(harness.SOURCE_DIR, "samples", "generated")
        for name in SAMPLES:
            shutil.copy(os.path.join(generated, name + ".pcap"), os.path.join(cls.folder, f"instance-{name}.pcap"))
        # A capture cut in the middle of a record, and a text file named .cap.
        with open(os.path.join(generated, "mixed.pcap"), "rb") as handle:
            data = handle.read()
        with open(os.path.join(cls.folder, "instance-cut.pcap"), "wb") as handle:
            handle.write(data[:len(data) // 2 + 7])
        with open(os.path.join(cls.folder, "instance-notes.cap"), "w") as handle:
            handle.write("not a capture\n")
        for name in os.listdir(cls.folder):
            os.chmod(os.path.join(cls.folder, name), 0o644)
        os.chmod(cls.folder, 0o755)
        cls.tshark = tshark_wrapper(cls.sandbox)
        cls.log = os.path.join(cls.sandbox.root, "tshark-runs.log")
        cls.counting_tshark = os.path.join(cls.sandbox.root, "counting-tshark")
        with open(cls.counting_tshark, "w") as handle:
            handle.write(f'#!/bin/sh\necho "$*" >> {cls.log}\nexec {cls.tshark} "$@"\n')
        os.chmod(cls.counting_tshark, 0o755)
        # Each report names its capture as the fleet does.
        cls.expected = {f"instance-{name}": cls.sandbox.json_report(os.path.join(cls.folder, f"instance-{name}.pcap"),
                                                                    f"triage,name=instance-{name}")
                        for name in SAMPLES}

    def fleet(self, out, *extra, tshark=None):
        return run_fleet([self.folder, "--out", out, "--tshark", tshark or self.tshark] + list(extra))

    def out(self, name):
        return os.path.join(self.sandbox.root, name)

    def check_complete(self, result, out):
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(reports(out), self.expected)
        rows = status(out)
        self.assertEqual(set(rows), set(self.expected) | {"instance-cut", "instance-notes"})
        self.assertEqual(rows["instance-cut"]["status"], "failed")
        self.assertIn("cut short", rows["instance-cut"]["error"])
        self.assertEqual(rows["instance-notes"]["status"], "failed")
        self.assertIn("isn't a capture file", rows["instance-notes"]["error"])
        for line in ("instance-cut", "instance-notes"):
            self.assertIn(line, result.stderr)
        self.assertIn(f"{len(rows)}/{len(rows)} done, 2 failed", result.stderr)

    def test_parallel_and_serial_equal_tshark(self):
        for engine in ("parallel", "serial"):
            with self.subTest(engine=engine):
                out = self.out(f"out-{engine}")
                result = self.fleet(out, "--engine", engine, "--no-cache", "--jobs", "2")
                self.check_complete(result, out)

    def test_rerun_takes_the_cache_and_notices_changes(self):
        cache = self.out("cache")
        out = self.out("out-cache")
        first = self.fleet(out, "--cache", cache, tshark=self.counting_tshark)
        self.check_complete(first, out)
        def runs():
            with open(self.log) as handle:
                return [line for line in handle.read().splitlines() if line.startswith("-r ")]
        self.assertEqual(len(runs()), len(SAMPLES) + 2)
        second = self.fleet(out, "--cache", cache, tshark=self.counting_tshark)
        self.check_complete(second, out)
        # Failures are tried again; everything else came from the cache.
        self.assertEqual(len(runs()), len(SAMPLES) + 4)
        self.assertEqual(sum(row["cached"] == "yes" for row in status(out).values()), len(SAMPLES))
        self.assertIn(f"{len(SAMPLES)} from the cache", second.stderr)
        # Other report options are other results.
        third = self.fleet(out, "--cache", cache, "--options", "top=3", tshark=self.counting_tshark)
        self.assertEqual(third.returncode, 2, third.stderr)
        self.assertEqual(len(runs()), 2 * len(SAMPLES) + 6)

    def test_same_capture_twice_counts_once(self):
        out = self.out("out-twice")
        capture = os.path.join(self.folder, "instance-clean.pcap")
        result = run_fleet([capture, capture, "--out", out, "--tshark", self.tshark, "--no-cache"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(list(reports(out)), ["instance-clean"])

    def test_bad_arguments_are_clear_errors(self):
        out = self.out("out-bad")
        empty = os.path.join(self.sandbox.root, "empty-folder")
        os.makedirs(empty, exist_ok=True)
        cases = [
            (["/nonexistent/vm.cap"], "no such file or folder"),
            ([empty], "no capture files"),
            ([self.folder, "--jobs", "0"], "--jobs 0"),
            ([self.folder, "--engine", "dask"], "needs --scheduler"),
            ([self.folder, "--tshark", "/bin/false"], "lists no triage.so"),
        ]
        for arguments, message in cases:
            with self.subTest(arguments=arguments):
                command = arguments + ["--out", out]
                if "--tshark" not in arguments:
                    command += ["--tshark", self.tshark]
                result = run_fleet(command)
                self.assertNotEqual(result.returncode, 0)
                self.assertIn(message, result.stderr)
                self.assertNotIn("Traceback", result.stderr)


if __name__ == "__main__":
    harness.main()
