# SPDX-License-Identifier: GPL-2.0-or-later
"""triage-fleet on a real Dask cluster: a scheduler and two workers started
as their own processes on loopback.  The per-capture reports equal the
serial loop's, and a worker killed in the middle of the run loses nothing:
the scheduler gives its tasks to the other worker."""
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from fleet_support import (FLEET, FLEET_PACKAGE, free_port, harness, reports, run_fleet, start, status, stop,
                           tshark_wrapper, wait_for_port)

SAMPLES = ["clean", "refused", "unanswered", "ipv6", "udp_flows", "mixed", "vlan", "port_reuse"]


class FleetOnDask(harness.SandboxTestCase):
    @classmethod
    def setUpClass(cls):
        if not shutil.which("dask-scheduler"):
            raise RuntimeError("dask-scheduler is missing (Debian: python3-distributed)")
        super().setUpClass()
        cls.folder = os.path.join(cls.sandbox.inputs, "vmss")
        os.makedirs(cls.folder)
        generated = os.path.join(harness.SOURCE_DIR, "samples", "generated")
        for name in SAMPLES:
            target = os.path.join(cls.folder, f"instance-{name}.pcap")
            shutil.copy(os.path.join(generated, name + ".pcap"), target)
            os.chmod(target, 0o644)
        os.chmod(cls.folder, 0o755)
        cls.tshark = tshark_wrapper(cls.sandbox)
        cls.slow_tshark = tshark_wrapper(cls.sandbox, delay=1.5)
        # Each report names its capture as the fleet does.
        cls.expected = {f"instance-{name}": cls.sandbox.json_report(os.path.join(cls.folder, f"instance-{name}.pcap"),
                                                                    f"triage,name=instance-{name}")
                        for name in SAMPLES}

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
        self.assertIn(f"{len(SAMPLES)}/{len(SAMPLES)} done, 0 failed", result.stderr)

    def test_killed_worker_loses_nothing(self):
        out = os.path.join(self.sandbox.root, "out-kill")
        log_path = os.path.join(self.logs, "fleet.log")
        with open(log_path, "w") as log:
            fleet = subprocess.Popen([FLEET, self.folder, "--out", out, "--tshark", self.slow_tshark, "--no-cache",
                                      "--engine", "dask", "--scheduler", self.address],
                                     stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        # Each capture takes over 1.5 s: after 2.5 s both workers are busy
        # and about two captures are done.
        time.sleep(2.5)
        self.assertIsNone(fleet.poll(), "the run ended before a worker could be killed")
        os.killpg(self.workers[0].pid, signal.SIGKILL)
        self.workers[0].wait()
        code = fleet.wait(timeout=300)
        with open(log_path) as log:
            self.assertEqual(code, 0, log.read())
        self.assertEqual(reports(out), self.expected)
        self.assertTrue(all(row["status"] == "ok" for row in status(out).values()))


if __name__ == "__main__":
    harness.main()
