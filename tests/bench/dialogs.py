# SPDX-License-Identifier: GPL-2.0-or-later
"""What opening a Capture Triage table costs, beside opening Conversations.

    python3 tests/bench/dialogs.py PLUGIN CAPTURE [--runs N]

A Wireshark statistics dialog opens by reading every packet again through
its tap listeners, then draws.  The Capture Triage tables are
register_stat_tap_table_ui() registrations, so tshark runs the very same
listeners for "-z NAME": the same packet callback, the same report build
and table fill, without Qt's drawing.  Conversations reads the packets
again with its default tabs (Ethernet, IPv4, IPv6, TCP, UDP) ticked:
"-z conv,eth -z conv,ip -z conv,ipv6 -z conv,tcp -z conv,udp".

tshark also feeds the engines during that pass, which in Wireshark
happened once when the file was loaded: the figures overstate what a
table costs in the GUI, never understate it.  Runs are interleaved; each
figure is the median of N runs of CPU time (user + system) and wall time,
as tests/bench/bench.py measures.

    python3 tests/bench/dialogs.py PLUGIN CAPTURE --instructions

counts the instructions of one run each under callgrind instead: they
repeat to 0.1 % whatever else the machine does, so the verdict (a table
costs no more than Conversations) does not depend on the neighbours.
"""
import argparse
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402

CONVERSATIONS = ["-z", "conv,eth", "-z", "conv,ip", "-z", "conv,ipv6", "-z", "conv,tcp", "-z", "conv,udp"]
CONFIGURATIONS = [("Conversations (5 default tabs)", CONVERSATIONS)] + [
    (f"Capture Triage table {name}", ["-z", name]) for name in (
        "triage_servers", "triage_slowest", "triage_longest_setup", "triage_findings",
        "triage_finding_connections", "triage_lookups", "triage_destinations", "triage_destination_ports")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plugin")
    parser.add_argument("capture")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions (callgrind, one run each) instead of timing runs")
    options = parser.parse_args()
    abi = os.environ.get("TRIAGE_WIRESHARK_ABI", "4.0")
    sandbox = bench.Sandbox(options.plugin, abi)
    try:
        if options.instructions:
            print_instructions(sandbox, options.capture)
            return
        samples = {label: [] for label, _ in CONFIGURATIONS}
        for run in range(options.runs):
            for label, args in CONFIGURATIONS:
                samples[label].append(bench.run_once(sandbox.command(True, ["-r", options.capture, "-q"] + args)))
                print(f"run {run + 1}: {label}: {samples[label][-1][1]:.2f} s CPU", file=sys.stderr, flush=True)
        floor = statistics.median(cpu for _, cpu, _ in samples[CONFIGURATIONS[0][0]])
        print(f"| what opens ({os.path.basename(options.capture)}, median of {options.runs}) "
              "| CPU s | wall s | peak RSS MiB | CPU / Conversations |")
        print("|---|---:|---:|---:|---:|")
        for label, _ in CONFIGURATIONS:
            cpu = statistics.median(value for _, value, _ in samples[label])
            wall = statistics.median(value for value, _, _ in samples[label])
            rss = statistics.median(value for _, _, value in samples[label]) / 1024
            print(f"| {label} | {cpu:.2f} | {wall:.2f} | {rss:.0f} | {cpu / floor:.3f} |")
    finally:
        sandbox.close()


def print_instructions(sandbox, capture):
    wrapper = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    counts = {}
    for label, args in CONFIGURATIONS:
        result = bench.subprocess.run(sandbox.command(True, ["-r", capture, "-q"] + args, wrapper),
                                      stdout=bench.subprocess.DEVNULL, stderr=bench.subprocess.PIPE, text=True,
                                      cwd="/")
        if result.returncode != 0 or "Collected :" not in result.stderr:
            raise RuntimeError(f"callgrind run of {label} failed:\n{result.stderr[-2000:]}")
        counts[label] = int(result.stderr.rsplit("Collected :", 1)[1].split()[0])
        print(f"{label}: {counts[label]:,} instructions", file=sys.stderr, flush=True)
    floor = counts[CONFIGURATIONS[0][0]]
    print(f"| what opens ({os.path.basename(capture)}, callgrind) | instructions | / Conversations |")
    print("|---|---:|---:|")
    for label, _ in CONFIGURATIONS:
        print(f"| {label} | {counts[label]:,} | {counts[label] / floor:.3f} |")


if __name__ == "__main__":
    main()
