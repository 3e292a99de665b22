# SPDX-License-Identifier: GPL-2.0-or-later
"""triage-fleet on a real Dask cluster: a scheduler and two workers started
as their own processes on loopback, over the twenty generated captures of
the fleet tests.  The per-capture reports equal tshark's own, the fleet
report equals GNU parallel's and the serial loop's byte for byte, and a
worker killed in the middle of the run loses nothing: the scheduler gives
its tasks to the other worker."""
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from fleet_support import (FLEET, FLEET_PACKAGE, MERGE, fleet_report, free_port, generate_fleet, harness, reports,
                           run_fleet, start, status, stop, tshark_wrapper, wait_for_port)


class FleetOnDask(harness.SandboxTestCase):
    @classmethod
    def setUpClass(cls):
        if not shutil.which("dask-scheduler"):
            raise RuntimeError("dask-scheduler is missing (Debian: python3-distributed)")
        super().setUpClass()
        cls.folder = os.path.join(cls.sandbox.inputs, "vmss")
        cls.captures = generate_fleet(cls.folder)
        cls.names = [os.path.basename(path)[:-len(".pcap")] for path in cls.captures]
        cls.tshark = tshark_wrapper(cls.sandbox)
        cls.slow_tshark = tshark_wrapper(cls.sandbox, delay=1.0)
        # Each report names its capture as the fleet does.
        cls.expected = {name: cls.sandbox.json_report(path, f"triage,name={name}")
                        for name, path in zip(cls.names, cls.captures)}
        # The fleet report of the same captures, on this machine, both ways.
        cls.local_reports = {}
        for engine in ("serial", "parallel"):
            out = os.path.join(cls.sandbox.root, f"out-{engine}")
            result = run_fleet([cls.folder, "--out", out, "--tshark", cls.tshark, "--no-cache", "--engine", engine])
            if result.returncode != 0:
                raise AssertionError(result.stderr)
            cls.local_reports[engine] = fleet_report(out)

    def setUp(self):
        self.logs = tempfile.mkdtemp(prefix="dask-logs-")
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        # The scheduler and the workers import the task code from fleet/, as
        # on any other host: Dask from 2023 on unpickles tasks in the
        # scheduler too.
        environment = dict(os.environ, PYTHONPATH=FLEET_PACKAGE)
        self.scheduler = start(["dask-scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard"],
                               os.path.join(self.logs, "scheduler.log"), env=environment)
        wait_for_port(self.port, self.scheduler, "dask-scheduler")
        self.workers = [start(["dask-worker", self.address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                               "--host", "127.0.0.1", "--name", f"worker-{number}"],
                              os.path.join(self.logs, f"worker-{number}.log"), env=environment)
                        for number in (1, 2)]
        self.wait_for_workers(2)

    def wait_for_workers(self, count):
        from distributed import Client
        with Client(self.address, timeout="30s") as client:
            client.wait_for_workers(count, timeout=60)

    def tearDown(self):
        for process in self.workers + [self.scheduler]:
            stop(process)
        shutil.rmtree(self.logs, ignore_errors=True)

    def test_dask_equals_serial(self):
        out = os.path.join(self.sandbox.root, "out-dask")
        result = run_fleet([self.folder, "--out", out, "--tshark", self.tshark, "--no-cache",
                            "--engine", "dask", "--scheduler", self.address])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(reports(out), self.expected)
        self.assertIn(f"{len(self.names)}/{len(self.names)} done, 0 failed", result.stderr)
        self.assertEqual(self.local_reports["serial"], self.local_reports["parallel"])
        self.assertEqual(fleet_report(out), self.local_reports["serial"])
        self.assertIn('"capture_names": "instance-01,', fleet_report(out))

    def test_killed_worker_loses_nothing(self):
        out = os.path.join(self.sandbox.root, "out-kill")
        log_path = os.path.join(self.logs, "fleet.log")
        with open(log_path, "w") as log:
            fleet = subprocess.Popen([FLEET, "--merge", MERGE, self.folder, "--out", out, "--tshark", self.slow_tshark,
                                  "--no-cache", "--engine", "dask", "--scheduler", self.address],
                                     stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        # Each capture takes over 1 s: after 2.5 s both workers are busy
        # and a few captures are done.
        time.sleep(2.5)
        self.assertIsNone(fleet.poll(), "the run ended before a worker could be killed")
        os.killpg(self.workers[0].pid, signal.SIGKILL)
        self.workers[0].wait()
        code = fleet.wait(timeout=300)
        with open(log_path) as log:
            self.assertEqual(code, 0, log.read())
        self.assertEqual(reports(out), self.expected)
        self.assertTrue(all(row["status"] == "ok" for row in status(out).values()))
        self.assertEqual(fleet_report(out), self.local_reports["serial"])


if __name__ == "__main__":
    harness.main()
