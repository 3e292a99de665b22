#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Fleet benchmark: how close triage-fleet comes to ideal scaling.

Generates COUNT captures of PACKETS packets (triage-capgen bench, one seed
each), times one tshark -z triage,format=json per capture, one after the
other (the work), then the same captures through triage-fleet with GNU
parallel (and with a Dask scheduler and CORES workers on loopback).  The
target: fleet wall time <= 1.15 x (sum of the single runs' wall times) /
cores.  Prints a Markdown table for BENCHMARKS.md.

Usage: tests/bench/fleet.py --plugin build/triage.so --capgen build/triage-capgen [--count 200]
       [--packets 50000] [--captures DIR] [--no-dask]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "fleet"))


def generate(capgen, folder, count, packets):
    os.makedirs(folder, exist_ok=True)
    os.chmod(folder, 0o755)
    paths = []
    for seed in range(1, count + 1):
        path = os.path.join(folder, f"instance-{seed:04d}.pcap")
        if not os.path.exists(path):
            subprocess.run([capgen, "bench", "--seed", str(seed), "--packets", str(packets),
                            "--connections", str(packets // 8), "--destinations", "500", "--servers", "600",
                            path + ".part"], check=True, stdout=subprocess.DEVNULL)
            os.replace(path + ".part", path)
        os.chmod(path, 0o644)
        paths.append(path)
    return paths


def timed(command, **options):
    started = time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **options)
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--capgen", required=True)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--packets", type=int, default=50000)
    parser.add_argument("--captures", default=os.path.join(tempfile.gettempdir(), "triage-fleet-bench"))
    parser.add_argument("--no-dask", action="store_true")
    options = parser.parse_args()
    os.environ["TRIAGE_PLUGIN"] = os.path.abspath(options.plugin)
    from fleet_support import FLEET, FLEET_PACKAGE, free_port, harness, start, stop, tshark_wrapper, wait_for_port

    cores = os.cpu_count() or 1
    paths = generate(os.path.abspath(options.capgen), options.captures, options.count, options.packets)
    sandbox = harness.Sandbox()
    try:
        tshark = tshark_wrapper(sandbox)
        single = sum(timed([tshark, "-r", path, "-q", "-z", "triage,format=json"]) for path in paths)
        ideal = single / cores
        rows = [("single tshark runs, one after the other (sum)", single, None)]
        out = os.path.join(sandbox.root, "out-parallel")
        parallel = timed([FLEET, options.captures, "--out", out, "--tshark", tshark, "--no-cache"])
        rows.append((f"triage-fleet, GNU parallel, {cores} jobs", parallel, parallel / ideal))
        if not options.no_dask:
            port = free_port()
            address = f"tcp://127.0.0.1:{port}"
            logs = tempfile.mkdtemp(prefix="dask-bench-")
            environment = dict(os.environ, PYTHONPATH=FLEET_PACKAGE)
            scheduler = start(["dask-scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              os.path.join(logs, "scheduler.log"), env=environment)
            workers = []
            try:
                wait_for_port(port, scheduler, "dask-scheduler")
                workers = [start(["dask-worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                                  "--host", "127.0.0.1"], os.path.join(logs, f"worker-{n}.log"), env=environment)
                           for n in range(cores)]
                time.sleep(5)
                out = os.path.join(sandbox.root, "out-dask")
                dask = timed([FLEET, options.captures, "--out", out, "--tshark", tshark, "--no-cache",
                              "--engine", "dask", "--scheduler", address])
                rows.append((f"triage-fleet, Dask, scheduler + {cores} workers on loopback", dask, dask / ideal))
            finally:
                for process in workers + [scheduler]:
                    stop(process)
    finally:
        sandbox.close()
    print(f"{options.count} captures of {options.packets} packets, {cores} cores; "
          f"ideal = sum of single runs / cores = {ideal:.1f} s\n")
    print("| run | wall time (s) | / ideal |\n|---|---|---|")
    for name, seconds, ratio in rows:
        print(f"| {name} | {seconds:.1f} | {'' if ratio is None else f'{ratio:.3f}'} |")


if __name__ == "__main__":
    main()
