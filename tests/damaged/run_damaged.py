# SPDX-License-Identifier: GPL-2.0-or-later
"""Feeds damaged captures to tshark with the plugin; called by run.sh.

Every capture of samples/generated, samples/lab/captures and the shared
corpus (when there) is damaged with several seeds (damage.py), and the
captures of extreme_times.py are added intact and damaged.  Each file is
read once with every report and the full packet tree:

    tshark -r FILE -V -o triage.rtt_slow_ms:1 -z triage,format=json

A file passes when tshark ends by itself with 0 (read to the end) or 2 (it
stopped at the damage, as tshark does), printed the reports as one valid
JSON document, and no sanitizer spoke: ASan and LSan write to the log
folder run.sh checks, UBSan to stderr (it ignores log_path when preloaded),
and any of them makes tshark's status non-zero.  A failing file is kept
with its stderr under --failures, named after its capture and seed.

With --valgrind COMMAND, tshark runs under that command (memcheck) instead,
on the smallest files only: valgrind is some 50 times slower.
"""
import argparse
import concurrent.futures
import glob
import json
import os
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "tshark"))
sys.path.insert(0, HERE)

from harness import Sandbox  # noqa: E402
import damage  # noqa: E402
import extreme_times  # noqa: E402

SANITIZER_WORDS = ("runtime error:", "AddressSanitizer", "LeakSanitizer")
TSHARK_ARGS = ["-V", "-o", "triage.rtt_slow_ms:1", "-z", "triage,format=json"]
# editcap, capinfos and Python are not what the sanitizers check.
PLAIN_ENVIRONMENT = {key: value for key, value in os.environ.items()
                     if key not in ("LD_PRELOAD", "TRIAGE_SANITIZER_PRELOAD")}


def captures(corpus, extreme_folder):
    found = sorted(glob.glob(os.path.join(SOURCE_DIR, "samples", "generated", "*.pcap")))
    lab = os.path.join(SOURCE_DIR, "samples", "lab", "captures")
    found += sorted(glob.glob(os.path.join(lab, "*.pcap")) + glob.glob(os.path.join(lab, "*.pcapng")))
    if corpus and os.path.isdir(corpus):
        found += sorted(glob.glob(os.path.join(corpus, "*.pcap")) + glob.glob(os.path.join(corpus, "*.pcapng")))
    extreme_times.main(extreme_folder)
    found += sorted(glob.glob(os.path.join(extreme_folder, "*.pcapng")))
    return found


def report_document(stdout):
    """The JSON document at the end of stdout (after the -V packet trees)."""
    start = stdout.rfind('\n{\n  "schema"')
    start = start + 1 if start >= 0 else (0 if stdout.startswith('{\n  "schema"') else -1)
    if start < 0:
        return None
    try:
        return json.loads(stdout[start:])
    except ValueError:
        return None


def opens(path):
    """Whether Wireshark can open the file at all: capinfos exits 2 when it
    cannot (a file damaged before its first packet), 1 when it opened the
    file and met the damage later.  tshark prints no report for a file it
    cannot open, and that is right."""
    result = subprocess.run(["capinfos", "-c", path], capture_output=True, env=PLAIN_ENVIRONMENT)
    return result.returncode != 2


def check(sandbox, path, valgrind):
    """Runs one file; returns (path, problem or None, status, seconds)."""
    started = time.monotonic()
    program, args = "tshark", ["-r", path] + TSHARK_ARGS
    if valgrind:
        words = shlex.split(valgrind)
        program, args = words[0], words[1:] + ["tshark"] + args
    try:
        # bytes, not text: -V prints damaged payload strings as they are
        result = subprocess.run(sandbox.command(program, args), capture_output=True, cwd=sandbox.inputs,
                                timeout=1800 if valgrind else 600)
    except subprocess.TimeoutExpired:  # a hang is a finding too
        return path, "did not finish in time", None, time.monotonic() - started
    result.stdout = result.stdout.decode("utf-8", "replace")
    result.stderr = result.stderr.decode("utf-8", "replace")
    problem = None
    if result.returncode < 0:
        problem = f"killed by signal {-result.returncode}"
    elif result.returncode not in (0, 2):
        problem = f"exit status {result.returncode}"
    elif any(word in result.stderr for word in SANITIZER_WORDS):
        problem = "a sanitizer report on stderr"
    elif report_document(result.stdout) is None and (result.returncode == 0 or opens(path)):
        problem = "no valid JSON report at the end of the output"
    if problem:
        with open(path + ".stderr", "w") as handle:
            handle.write(result.stderr)
    return path, problem, result.returncode, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, required=True, help="damaged files to make, at least")
    parser.add_argument("--corpus", default=os.environ.get("TRIAGE_CORPUS", ""))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--failures", required=True, help="folder for failing files")
    parser.add_argument("--valgrind", default="", help="command to run tshark under, e.g. 'valgrind ...'")
    options = parser.parse_args()

    sandbox = Sandbox()  # installs TRIAGE_PLUGIN for the unprivileged user
    try:
        work = sandbox.inputs
        intact = captures(options.corpus, work)
        files = [path for path in intact if os.path.dirname(path) == work]  # extreme ones, intact too
        # Seed 1 for every capture, then seed 2, ...: each capture gets its
        # turn before any gets a second one.
        seed = 0
        while len(files) < options.files:
            seed += 1
            for path in intact[:options.files - len(files)]:
                stem, extension = os.path.splitext(os.path.basename(path))
                target = os.path.join(work, f"{stem}.seed{seed}{extension}")
                damage.damage(path, target, seed)
                files.append(target)
        for path in files:
            os.chmod(path, 0o644)
        if options.valgrind:
            files = sorted(files, key=os.path.getsize)[:max(1, options.files)]
        # only tshark carries the sanitizer runtimes (the harness hands
        # LD_PRELOAD on to the programs it starts)
        if os.environ.get("TRIAGE_SANITIZER_PRELOAD"):
            os.environ["LD_PRELOAD"] = os.environ["TRIAGE_SANITIZER_PRELOAD"]

        print(f"{len(files)} files from {len(intact)} captures, seeds 1 to {seed}"
              f"{' under ' + options.valgrind.split()[0] if options.valgrind else ''}", flush=True)
        failures, statuses, slowest = [], {}, (0.0, "")
        with concurrent.futures.ThreadPoolExecutor(max_workers=options.jobs) as pool:
            for path, problem, status, seconds in pool.map(lambda path: check(sandbox, path, options.valgrind),
                                                           files):
                statuses[status] = statuses.get(status, 0) + 1
                slowest = max(slowest, (seconds, os.path.basename(path)))
                if problem:
                    failures.append((path, problem))
                    print(f"FAILED {os.path.basename(path)}: {problem}", flush=True)
        print(f"exit statuses: {dict(sorted(statuses.items(), key=lambda item: str(item[0])))}; "
              f"slowest file {slowest[1]} ({slowest[0]:.1f} s)")
        if failures:
            os.makedirs(options.failures, exist_ok=True)
            for path, problem in failures:
                for name in (path, path + ".stderr"):
                    shutil.copy(name, options.failures)
            print(f"{len(failures)} of {len(files)} files failed; kept in {options.failures} "
                  "(rebuild one: python3 tests/damaged/damage.py CAPTURE OUT SEED)")
            return 1
        print(f"all {len(files)} files passed")
        return 0
    finally:
        sandbox.close()


if __name__ == "__main__":
    sys.exit(main())
