# SPDX-License-Identifier: GPL-2.0-or-later
"""What the fleet tests share: the sandboxed tshark as a command, the
fleet command itself, free loopback ports, and services started as real
processes that are always stopped again."""
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tshark"))
import harness  # noqa: E402

FLEET = os.path.join(harness.SOURCE_DIR, "fleet", "triage-fleet")
FLEET_PACKAGE = os.path.join(harness.SOURCE_DIR, "fleet")
# The built merge command and capture generator (ctest passes both).
MERGE = os.environ.get("TRIAGE_MERGE", "")
CAPGEN = os.environ.get("TRIAGE_CAPGEN", "")
FLEET_SEEDS = range(1, 21)


def generate_fleet(folder, seeds=FLEET_SEEDS):
    """One generated capture per seed (the "mixed" scenario: every outcome,
    several servers, IPv4 and IPv6, DNS), each with its truth files
    (NAME.tsv, NAME.flows.tsv), as instance-SEED.pcap in FOLDER."""
    if not CAPGEN:
        raise RuntimeError("TRIAGE_CAPGEN must name the built triage-capgen")
    os.makedirs(folder, exist_ok=True)
    os.chmod(folder, 0o755)
    paths = []
    for seed in seeds:
        path = os.path.join(folder, f"instance-{seed:02d}.pcap")
        subprocess.run([CAPGEN, "mixed", "--seed", str(seed), "--truth", path[:-5] + ".tsv", path], check=True,
                       stdout=subprocess.DEVNULL)
        for name in (path, path[:-5] + ".tsv", path[:-5] + ".flows.tsv"):
            os.chmod(name, 0o644)
        paths.append(path)
    return paths


def merge(arguments, stdin_text=None):
    if not MERGE:
        raise RuntimeError("TRIAGE_MERGE must name the built triage-merge")
    return subprocess.run([MERGE] + list(arguments), input=stdin_text, capture_output=True, text=True, timeout=300)


def fleet_report(out, extension="json"):
    with open(os.path.join(out, "fleet." + extension), encoding="utf-8") as handle:
        return handle.read()


def tshark_wrapper(sandbox, delay=0.0):
    """A script that runs the sandboxed tshark (the built plugin, as an
    unprivileged user); DELAY seconds first, to make a run last."""
    path = os.path.join(sandbox.root, f"tshark-{delay}")
    lines = ["#!/bin/sh"]
    if delay:
        lines.append(f"sleep {delay}")
    lines.append("exec " + " ".join(shlex.quote(word) for word in sandbox.command("tshark", [])) + ' "$@"')
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    os.chmod(path, 0o755)
    return path


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, what, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what} exited with {process.returncode} before listening")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not listen on 127.0.0.1:{port} within {seconds} s")


def start(command, log_path, env=None):
    with open(log_path, "w") as log:
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True)


def stop(process):
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait()


def run_fleet(arguments, stdin_text=None, timeout=900):
    merge_option = ["--merge", MERGE] if MERGE else []
    return subprocess.run([FLEET] + merge_option + list(arguments), input=stdin_text, capture_output=True, text=True,
                          timeout=timeout)


def reports(out):
    """{name: parsed JSON report} of a fleet run's output folder."""
    folder = os.path.join(out, "captures")
    found = {}
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            found[name[:-len(".json")]] = json.load(handle)
    return found


def status(out):
    with open(os.path.join(out, "status.tsv"), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    header = lines[0].split("\t")
    return {row["name"]: row for row in (dict(zip(header, line.split("\t"))) for line in lines[1:])}
