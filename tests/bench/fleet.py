#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Fleet benchmark: how close triage-fleet comes to ideal scaling.

Generates COUNT captures of PACKETS packets (triage-capgen bench, one seed
each), times one tshark -z triage,format=json per capture, one after the
other (the work), then the same captures through triage-fleet with GNU
parallel (and with a Dask scheduler and CORES workers on loopback).  The
target: fleet wall time <= 1.15 x (sum of the single runs' wall times) /
cores.  Then the merge alone: the per-capture documents of that run, each
copied under five capture names (1 000 documents for 200 captures), merged
by triage-merge, with its wall time and peak memory (targets: under 10 s,
under 500 MB).  Prints Markdown tables for BENCHMARKS.md.

Usage: tests/bench/fleet.py --plugin build/triage.so --capgen build/triage-capgen [--merge build/triage-merge]
       [--count 200] [--packets 50000] [--captures DIR] [--no-dask] [--merge-copies 5]
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
    parser.add_argument("--merge", help="triage-merge (default: beside the plugin)")
    parser.add_argument("--merge-copies", type=int, default=5)
    options = parser.parse_args()
    os.environ["TRIAGE_PLUGIN"] = os.path.abspath(options.plugin)
    from fleet_support import FLEET, FLEET_PACKAGE, free_port, harness, start, stop, tshark_wrapper, wait_for_port

    merge = os.path.abspath(options.merge or os.path.join(os.path.dirname(options.plugin), "triage-merge"))
    cores = os.cpu_count() or 1
    paths = generate(os.path.abspath(options.capgen), options.captures, options.count, options.packets)
    sandbox = harness.Sandbox()
    try:
        tshark = tshark_wrapper(sandbox)
        single = sum(timed([tshark, "-r", path, "-q", "-z", "triage,format=json"]) for path in paths)
        ideal = single / cores
        rows = [("single tshark runs, one after the other (sum)", single, None)]
        out = os.path.join(sandbox.root, "out-parallel")
        parallel = timed([FLEET, options.captures, "--out", out, "--tshark", tshark, "--no-cache", "--merge", merge])
        merge_rows = merge_benchmark(merge, os.path.join(out, "captures"), options.merge_copies)
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
                              "--engine", "dask", "--scheduler", address, "--merge", merge])
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
    print()
    print("| merge | documents | size (MB) | wall time (s) | peak memory (MB) |\n|---|---|---|---|---|")
    for row in merge_rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")


def merge_benchmark(merge, folder, copies):
    """triage-merge over every document of FOLDER, each under COPIES names."""
    import json
    import shutil
    work = tempfile.mkdtemp(prefix="merge-bench-")
    try:
        paths = []
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                text = handle.read()
            stem = name[:-len(".json")]
            for copy in range(copies):
                renamed = text.replace(json.dumps(stem), json.dumps(f"{stem}-copy{copy}"))
                path = os.path.join(work, f"{stem}-copy{copy}.json")
                with open(path, "w", encoding="utf-8") as handle:
                    handle.write(renamed)
                paths.append(path)
        size = sum(os.path.getsize(path) for path in paths) / 1e6
        rows = []
        for fmt in ("text", "json"):
            started = time.monotonic()
            finished = subprocess.run(["/usr/bin/time", "-f", "%M", merge, "--format", fmt, "--from", "-",
                                       "--output", os.devnull], input="\n".join(paths) + "\n", text=True,
                                      capture_output=True, check=True)
            seconds = time.monotonic() - started
            peak = int(finished.stderr.strip().splitlines()[-1]) / 1024
            rows.append((f"triage-merge --format {fmt}", len(paths), f"{size:.0f}", f"{seconds:.1f}", f"{peak:.0f}"))
        return rows
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
