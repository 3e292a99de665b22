#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""What host names cost the policy report: the default policy (which has two
hosts rules), the same without them, and with one more hosts rule reading a
list of 10,000 names and 1,000 wildcards.  CPU time on bench-1m (runs
interleaved, medians) and instructions on bench-100k (callgrind), against the
floor A (-z io,stat,0 without the plugin).  Prints a Markdown table.

    tests/bench/hosts.py --build build --captures /var/tmp/triage-bench --runs 5

The captures come from tests/bench/run.sh (bench.py), which made them.
"""
import argparse
import os
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402

SOURCE = bench.SOURCE_DIR


def write_policies(folder):
    """Policy files beside each other, readable by the sandbox user."""
    with open(os.path.join(SOURCE, "samples", "policies", "default.csv")) as handle:
        default = handle.read()
    lines = default.splitlines(keepends=True)
    without = "".join(line for line in lines if "@trackers.txt" not in line and "@mining-pools.txt" not in line)
    names = [f"host{i}.listed{i % 97}.example" for i in range(10000)]
    names += [f"*.zone{i}.example" for i in range(1000)]
    rule = ('big-list,alert,warn,"A name of a 10,000-name list",,,,,,,@big-list.txt\n')
    files = {
        "default.csv": default,
        "no-hosts.csv": without,
        "big-list.csv": default + rule,
        "big-list.txt": "\n".join(names) + "\n",
    }
    for name in ("trackers.txt", "mining-pools.txt"):
        with open(os.path.join(SOURCE, "samples", "policies", name)) as handle:
            files[name] = handle.read()
    for name, text in files.items():
        path = os.path.join(folder, name)
        with open(path, "w") as handle:
            handle.write(text)
        os.chmod(path, 0o644)
    return {key: os.path.join(folder, key + ".csv") for key in ("no-hosts", "big-list")}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", required=True)
    parser.add_argument("--captures", required=True)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-instructions", action="store_true")
    options = parser.parse_args()
    version = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    abi = ".".join(version.split("(Wireshark) ")[1].split()[0].split(".")[:2])
    sandbox = bench.Sandbox(os.path.join(options.build, "triage.so"), abi)
    try:
        policies = write_policies(sandbox.root)
        configurations = {
            "A": bench.CONFIGURATIONS["A"],
            "D-policy": ("`-z triage,policy`, default policy (2 hosts rules)", True, ["-q", "-z", "triage,policy"]),
            "D-no-hosts": ("the default policy without its 2 hosts rules (a file)", True,
                           ["-q", "-o", f"triage.policy_file:{policies['no-hosts']}", "-z", "triage,policy"]),
            "D-big-list": ("the default policy + a hosts rule of 10,000 names and 1,000 wildcards", True,
                           ["-q", "-o", f"triage.policy_file:{policies['big-list']}", "-z", "triage,policy"]),
        }
        bench.CONFIGURATIONS.update(configurations)
        keys = list(configurations)
        capture = os.path.join(options.captures, "bench-1m.pcap")
        samples = bench.measure(sandbox, capture, keys, options.runs)
        cpu = {key: statistics.median(s[1] for s in samples[key]) for key in keys}
        low = {key: min(s[1] for s in samples[key]) for key in keys}
        counts = {}
        if not options.no_instructions:
            counts = bench.count_instructions(sandbox, os.path.join(options.captures, "bench-100k.pcap"), keys)
        print()
        print(f"| configuration | CPU s, median of {options.runs} (bench-1m) | / A | lowest runs / A "
              "| instructions (bench-100k) | / A |")
        print("|---|---:|---:|---:|---:|---:|")
        for key in keys:
            label = configurations[key][0]
            instructions = f"{counts[key]:,} | {counts[key] / counts['A']:.3f}" if counts else "— | —"
            print(f"| {label} | {cpu[key]:.2f} | {cpu[key] / cpu['A']:.3f} | {low[key] / low['A']:.3f} "
                  f"| {instructions} |")
    finally:
        sandbox.close()


if __name__ == "__main__":
    main()
