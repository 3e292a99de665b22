# SPDX-License-Identifier: GPL-2.0-or-later
"""Speed and memory of Capture Triage at scale, against tshark's own floor.

Run through tests/bench/run.sh, which builds first.  For each capture the
configurations below run interleaved (run 1 of every configuration, then
run 2, ...), so a burst of load on a shared machine hits them all alike;
each figure is the median of --runs runs (11 at least for the idle cost,
which is a few per cent at most).  Times come from wait4(): wall
clock, and CPU = user + system of the tshark process.  Peak memory is its
ru_maxrss.  Verdicts use CPU time, which other processes on the machine
disturb far less than wall time; both are in the tables.

tshark ignores personal plugin folders when run as root (DESIGN §7), so
every run is as an unprivileged user with a throwaway HOME: one with the
plugin installed, one without.

CPU time on a shared two-core machine still moves by several per cent from
run to run, so the ratios are also counted in instructions (valgrind
--tool=callgrind, one run each on a 100 k-packet capture), which do not
depend on the neighbours.
"""
import argparse
import concurrent.futures
import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "tshark"))
import harness  # noqa: E402  (the tests' sandbox rules: which plugins tshark sees)


def capgen_args(packets, connections, ipv6_percent, destinations, servers=None):
    """triage-capgen bench arguments (their text also names the cached capture)."""
    args = ["--packets", str(packets), "--connections", str(connections), "--ipv6-percent", str(ipv6_percent),
            "--destinations", str(destinations)]
    return args + (["--servers", str(servers)] if servers else [])


# name -> (what it is for, triage-capgen bench arguments)
CAPTURES = {
    "bench-100k": ("100 k packets, 12 k TCP connections (instruction counts)",
                   capgen_args(100000, 12000, 20, 1000, servers=1200)),
    "bench-1m": ("1 M packets, 120 k TCP connections", capgen_args(1000000, 120000, 20, 5000, servers=6000)),
    "bench-5m": ("5 M packets, 600 k TCP connections", capgen_args(5000000, 600000, 20, 5000, servers=6000)),
    "conn-1m": ("4 M packets, 1 M TCP connections (memory per connection)",
                capgen_args(4000000, 1000000, 20, 5000, servers=6000)),
    "dests-50k": ("1 M packets, 120 k connections, 50 k destination addresses",
                  capgen_args(1000000, 120000, 20, 50000)),
    "dests-lin-50k": ("200 k packets, 50 k connections to 50 k destinations (all IPv6)",
                      capgen_args(200000, 50000, 100, 50000)),
    "dests-lin-500k": ("2 M packets, 500 k connections to 500 k destinations (all IPv6)",
                       capgen_args(2000000, 500000, 100, 500000)),
}

# key -> (label, plugin installed?, tshark arguments after -r FILE)
CONFIGURATIONS = {
    "A": ("A  io,stat,0 without the plugin (the floor)", False, ["-q", "-z", "io,stat,0"]),
    "B": ("B  io,stat,0 with the plugin, idle", True, ["-q", "-z", "io,stat,0"]),
    "B-off": ("B  io,stat,0 with the plugin installed, protocol disabled", True,
              ["--disable-protocol", "triage", "-q", "-z", "io,stat,0"]),
    "B0-": ("B0 -q without the plugin", False, ["-q"]),
    "B0+": ("B0 -q with the plugin", True, ["-q"]),
    "C": ("C  -z triage (all three reports)", True, ["-q", "-z", "triage"]),
    "C-html": ("C  -z triage,format=html (the page, its default row cap)", True, ["-q", "-z", "triage,format=html"]),
    "D-rtt": ("D  -z triage,rtt", True, ["-q", "-z", "triage,rtt"]),
    "D-policy": ("D  -z triage,policy", True, ["-q", "-z", "triage,policy"]),
    "D-dests": ("D  -z triage,dests", True, ["-q", "-z", "triage,dests"]),
    "E-phs": ("E  -z io,phs", False, ["-q", "-z", "io,phs"]),
    "E-dests": ("E  -z dests,tree", False, ["-q", "-z", "dests,tree"]),
    "E-dests6": ("E  -z ipv6_dests,tree", False, ["-q", "-z", "ipv6_dests,tree"]),
    "E-dests46": ("E  -z dests,tree -z ipv6_dests,tree", False,
                  ["-q", "-z", "dests,tree", "-z", "ipv6_dests,tree"]),
    "E-conv": ("E  -z conv,tcp", False, ["-q", "-z", "conv,tcp"]),
    "E-irtt": ("E  -T fields -e tcp.analysis.initial_rtt", False,
               ["-T", "fields", "-e", "tcp.analysis.initial_rtt"]),
}

# measurement group -> (capture, configurations measured on it, least runs)
# The idle cost is a few per cent at most, so its group runs more rounds
# than the others: one noisy run moves a median of eleven far less.
PLAN = {
    "idle-1m": ("bench-1m", ["A", "B", "B-off", "B0-", "B0+"], 11),
    # The policy report and io,phs both sit within a few per cent of the
    # floor, closer than five runs on a shared machine can tell apart.
    "policy-1m": ("bench-1m", ["A", "D-policy", "E-phs"], 11),
    "bench-1m": ("bench-1m", ["A", "C", "D-rtt", "D-policy", "D-dests",
                              "E-phs", "E-dests", "E-dests6", "E-dests46", "E-conv", "E-irtt"], 0),
    "html-1m": ("bench-1m", ["A", "C", "C-html"], 0),
    "bench-5m": ("bench-5m", ["A", "B", "C"], 0),
    "conn-1m": ("conn-1m", ["B", "C"], 0),
    "dests-50k": ("dests-50k", ["A", "D-dests", "E-dests46"], 0),
    "dests-lin-50k": ("dests-lin-50k", ["A", "D-dests"], 0),
    "dests-lin-500k": ("dests-lin-500k", ["A", "D-dests"], 0),
}

# Instruction counts: one run each (they repeat to 0.1 %), on this capture.
INSTRUCTION_CAPTURE = "bench-100k"
INSTRUCTION_KEYS = ["A", "B", "B-off", "B0-", "B0+", "C", "C-html", "D-rtt", "D-policy", "D-dests", "E-phs",
                    "E-dests46", "E-irtt"]

LIMITS = {
    "idle": 1.05,           # B / A
    "all_reports": 1.10,    # C / A
    "one_report": 1.10,     # policy and dests alone / A
    "bytes_per_connection": 200,
    "five_million": 5.5,    # C(5 M) / C(1 M)
    "linear": 1.10,         # growth of D-dests beyond the floor's growth
    "html": 1.10,           # C-html / A
    "page_bytes": 1000000,  # the page of bench-1m at its default row cap
    "render_ms": 1000,      # navigationStart -> performance.mark('charts-drawn'), median of 5
}


class Sandbox:
    """Two throwaway HOMEs for an unprivileged user: with and without the plugin."""

    def __init__(self, plugin, abi):
        self.root = tempfile.mkdtemp(prefix="triage-bench-")
        os.chmod(self.root, 0o755)
        self.homes = {}
        for name, with_plugin in (("plain", False), ("plugin", True)):
            home = os.path.join(self.root, name)
            os.makedirs(home)
            if with_plugin:
                folder = os.path.join(home, ".local", "lib", "wireshark", "plugins", abi, "epan")
                os.makedirs(folder)
                shutil.copy(plugin, os.path.join(folder, "triage.so"))
            self.homes[with_plugin] = home
        for folder, dirs, files in os.walk(self.root):
            for name in dirs + files:
                os.chmod(os.path.join(folder, name), 0o755)
        # The stock plugins without an installed triage.so, which would
        # otherwise run in the configurations "without the plugin".
        self.stock_plugins = harness.mirror_stock_plugins(os.path.join(self.root, "stock-plugins"))
        self.as_root = os.geteuid() == 0

    def command(self, with_plugin, args, wrapper=()):
        env = ["env", "-i", f"HOME={self.homes[with_plugin]}", "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
               "LC_ALL=C.UTF-8", f"WIRESHARK_PLUGIN_DIR={self.stock_plugins}"]
        command = env + list(wrapper) + ["tshark"] + args
        if self.as_root:
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + command
        return command

    def readable(self, path):
        if not self.as_root:
            return os.access(path, os.R_OK)
        return subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                               "test", "-r", path]).returncode == 0

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)


def run_once(command):
    """(wall seconds, CPU seconds, peak RSS in KiB) of one tshark run."""
    with tempfile.TemporaryFile() as errors, open(os.devnull, "wb") as null:
        start = time.monotonic()
        process = subprocess.Popen(command, stdout=null, stderr=errors, cwd="/")
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(command)} exited {process.returncode}:\n"
                               f"{errors.read().decode(errors='replace')[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def generate(capgen, folder, name, seed):
    path = os.path.join(folder, name + ".pcap")
    stamp = path + ".args"
    args = CAPTURES[name][1] + ["--seed", str(seed)]
    wanted = " ".join(args)
    if os.path.exists(path) and os.path.exists(stamp) and open(stamp).read() == wanted:
        return path
    print(f"generating {name}: triage-capgen bench {wanted}", flush=True)
    subprocess.run([capgen, "bench", path] + args, check=True)
    with open(stamp, "w") as handle:
        handle.write(wanted)
    os.chmod(path, 0o644)
    return path


def measure(sandbox, capture, keys, runs):
    """Interleaved runs; returns key -> list of (wall, cpu, rss)."""
    samples = {key: [] for key in keys}
    for run in range(runs):
        # Rotate the order so no configuration always runs right after the
        # same neighbour (page cache, CPU frequency).
        order = keys[run % len(keys):] + keys[:run % len(keys)]
        for key in order:
            _, with_plugin, args = CONFIGURATIONS[key]
            samples[key].append(run_once(sandbox.command(with_plugin, ["-r", capture] + args)))
            wall, cpu, rss = samples[key][-1]
            print(f"  run {run + 1}/{runs} {key:<10} wall {wall:7.2f} s  cpu {cpu:7.2f} s  "
                  f"rss {rss / 1024:8.1f} MiB", flush=True)
    return samples


def count_instructions(sandbox, capture, keys):
    """key -> instructions tshark executed (callgrind), two runs at a time."""
    wrapper = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]

    def one(key):
        _, with_plugin, args = CONFIGURATIONS[key]
        result = subprocess.run(sandbox.command(with_plugin, ["-r", capture] + args, wrapper),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd="/")
        if result.returncode != 0 or "Collected :" not in result.stderr:
            raise RuntimeError(f"callgrind run of {key} failed:\n{result.stderr[-2000:]}")
        count = int(result.stderr.rsplit("Collected :", 1)[1].split()[0])
        print(f"  {key:<10} {count:>15,} instructions", flush=True)
        return key, count

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(one, keys))


class SampleCache:
    """Measurements already made with this very triage.so and tshark, kept
    beside the captures, so an interrupted run resumes where it stopped and
    a second look at the report measures nothing twice.  --fresh ignores it."""

    def __init__(self, path, plugin, tshark_version, fresh):
        with open(plugin, "rb") as handle:
            self.identity = {"plugin_sha256": hashlib.sha256(handle.read()).hexdigest(),
                             "tshark": tshark_version}
        self.path = path
        self.data = {"identity": self.identity, "samples": {}, "instructions": {}}
        if not fresh and os.path.exists(path):
            with open(path) as handle:
                stored = json.load(handle)
            if stored.get("identity") == self.identity:
                self.data = stored

    def samples(self, group, keys, runs):
        stored = self.data["samples"].get(group, {})
        if all(len(stored.get(key, [])) >= runs for key in keys):
            return {key: [tuple(sample) for sample in stored[key][:runs]] for key in keys}
        return None

    def instructions(self):
        return dict(self.data["instructions"])

    def store(self, capture=None, samples=None, instructions=None):
        if capture is not None:
            self.data["samples"][capture] = samples
        if instructions is not None:
            self.data["instructions"] = instructions
        with open(self.path, "w") as handle:
            json.dump(self.data, handle, indent=1)


def spread(samples):
    """key -> (lowest, highest) CPU seconds: how far the runs scatter."""
    return {key: (min(s[1] for s in values), max(s[1] for s in values)) for key, values in samples.items()}


def medians(samples):
    return {key: tuple(statistics.median(s[i] for s in values) for i in range(3))
            for key, values in samples.items()}


def machine():
    model = "unknown"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as handle:
        total_kib = int(handle.readline().split()[1])
    version = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    load = os.getloadavg()
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "ram": f"{total_kib / 1024 / 1024:.1f} GiB",
        "os": platform.platform(),
        "wireshark": version.replace("Running as user", "").strip(),
        "load": f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
    }


def git_commit():
    result = subprocess.run(["git", "-C", SOURCE_DIR, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True)
    # The report it rewrites does not count as a change of the source.
    dirty = subprocess.run(["git", "-C", SOURCE_DIR, "status", "--porcelain", "--untracked-files=no",
                            "--", ".", ":!BENCHMARKS.md"],
                           capture_output=True, text=True).stdout.strip()
    return result.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


# ---- report -----------------------------------------------------------------

def table(values, floor_key, scatter):
    floor = values.get(floor_key)
    lines = ["| configuration | wall s | CPU s | CPU s, lowest–highest run | CPU / A | peak RSS MiB |",
             "|---|---:|---:|---:|---:|---:|"]
    for key, (wall, cpu, rss) in values.items():
        ratio = f"{cpu / floor[1]:.3f}" if floor else "—"
        low, high = scatter[key]
        lines.append(f"| {CONFIGURATIONS[key][0]} | {wall:.2f} | {cpu:.2f} | {low:.2f}–{high:.2f} | {ratio} | "
                     f"{rss / 1024:.0f} |")
    return lines


class CpuSeconds(float):
    """A median CPU time that remembers the least disturbed run beside it."""
    lowest = None


def verdicts(results, spreads, instructions, connections):
    """(target, CPU-time value, lowest-run value, instruction value, limit, met) rows."""
    rows = []

    def cpu(capture, key):
        if capture not in results or key not in results[capture]:
            return None
        value = CpuSeconds(results[capture][key][1])
        value.lowest = spreads[capture][key][0]
        return value

    def ratio_row(target, numerator, denominator, limit, instruction_keys=None, fmt="{:.3f}"):
        if numerator is None or denominator is None:
            return
        value = numerator / denominator
        counted = None
        if instruction_keys and all(key in instructions for key in instruction_keys):
            counted = instructions[instruction_keys[0]] / instructions[instruction_keys[1]]
        if counted is None:
            met = "yes" if value <= limit else "**no**"
        elif counted <= limit:
            met = "yes" if value <= limit else "yes by instructions; CPU time noisy"
        else:
            met = "**no**"
        lowest = "—"
        if getattr(numerator, "lowest", None) and getattr(denominator, "lowest", None):
            lowest = fmt.format(numerator.lowest / denominator.lowest)
        rows.append((target, fmt.format(value), lowest, "—" if counted is None else f"{counted:.3f}", f"≤ {limit}",
                     met))

    ratio_row("idle plugin: B / A (1 M packets)", cpu("idle-1m", "B"), cpu("idle-1m", "A"), LIMITS["idle"],
              ("B", "A"))
    ratio_row("plugin installed, protocol disabled: B-off / A (1 M packets)", cpu("idle-1m", "B-off"),
              cpu("idle-1m", "A"), LIMITS["idle"], ("B-off", "A"))
    ratio_row("idle plugin: B / A (5 M packets)", cpu("bench-5m", "B"), cpu("bench-5m", "A"), LIMITS["idle"])
    ratio_row("idle plugin: B0 with / without (tshark -q)", cpu("idle-1m", "B0+"), cpu("idle-1m", "B0-"),
              LIMITS["idle"], ("B0+", "B0-"))
    ratio_row("all reports: C / A (1 M packets)", cpu("bench-1m", "C"), cpu("bench-1m", "A"),
              LIMITS["all_reports"], ("C", "A"))
    ratio_row("all reports: C / A (5 M packets)", cpu("bench-5m", "C"), cpu("bench-5m", "A"),
              LIMITS["all_reports"])
    ratio_row("triage,policy (default policy) / A (1 M packets, 11 runs)", cpu("policy-1m", "D-policy"),
              cpu("policy-1m", "A"), LIMITS["one_report"], ("D-policy", "A"))
    ratio_row("triage,dests / A (1 M packets)", cpu("bench-1m", "D-dests"), cpu("bench-1m", "A"),
              LIMITS["one_report"], ("D-dests", "A"))
    ratio_row("triage,dests / A (50 k destinations)", cpu("dests-50k", "D-dests"), cpu("dests-50k", "A"),
              LIMITS["one_report"])
    for group, report, builtin, label in (
            ("bench-1m", "D-rtt", "E-irtt", "rtt vs -e tcp.analysis.initial_rtt"),
            ("policy-1m", "D-policy", "E-phs", "policy vs io,phs (11 runs)"),
            ("bench-1m", "D-dests", "E-dests46", "dests vs dests,tree + ipv6_dests,tree")):
        ratio_row(f"cheaper than the built-in: {label}", cpu(group, report), cpu(group, builtin), 1.0,
                  (report, builtin))
    ratio_row("cheaper than the built-in: dests vs dests,tree + ipv6_dests,tree (50 k destinations)",
              cpu("dests-50k", "D-dests"), cpu("dests-50k", "E-dests46"), 1.0)
    ratio_row("HTML page: C-html / A (1 M packets)", cpu("html-1m", "C-html"), cpu("html-1m", "A"),
              LIMITS["html"], ("C-html", "A"))
    ratio_row("5 M packets / 1 M packets, C", cpu("bench-5m", "C"), cpu("bench-1m", "C"),
              LIMITS["five_million"], fmt="{:.2f}")
    if "conn-1m" in results and {"B", "C"} <= set(results["conn-1m"]):
        per_connection = (results["conn-1m"]["C"][2] - results["conn-1m"]["B"][2]) * 1024 / connections
        rows.append(("plugin memory per TCP connection, (RSS(C) − RSS(B)) / 1 M connections",
                     f"{per_connection:.0f} bytes", "—", "—", f"≤ {LIMITS['bytes_per_connection']} bytes",
                     "yes" if per_connection <= LIMITS["bytes_per_connection"] else "**no**"))
    small, large = results.get("dests-lin-50k"), results.get("dests-lin-500k")
    if small and large and {"A", "D-dests"} <= set(small) and {"A", "D-dests"} <= set(large):
        report_growth = large["D-dests"][1] / small["D-dests"][1]
        floor_growth = large["A"][1] / small["A"][1]
        value = report_growth / floor_growth
        rows.append(("triage,dests linear from 50 k to 500 k destinations: its growth / the floor's growth "
                     f"({report_growth:.2f}× / {floor_growth:.2f}× for 10× the input)",
                     f"{value:.3f}", "—", "—", f"≤ {LIMITS['linear']}",
                     "yes" if value <= LIMITS["linear"] else "**no**"))
        ratio_row("triage,dests / A (500 k destinations)", large["D-dests"][1], large["A"][1], LIMITS["one_report"])
    return rows


def measure_page(sandbox, capture, runs):
    """The HTML page of a capture at its default row cap: its size, and the
    median time headless chromium takes from navigationStart to the page's
    performance.mark('charts-drawn') over `runs` fresh loads (the browser
    started once, before).  Returns verdict rows."""
    sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "html"))
    import test_html  # noqa: E402  (npm ci of its lock file, and the page driver)
    page = os.path.join(sandbox.root, "bench-page.html")
    with open(page, "wb") as out:
        subprocess.run(sandbox.command(True, ["-r", capture, "-q", "-z", "triage,format=html"]), stdout=out,
                       check=True, cwd="/")
    size = os.path.getsize(page)
    seen = test_html.drive(page, "--no-actions", "--render-runs", str(runs))
    render = statistics.median(seen["renderRuns"])
    print(f"  page {size:,} bytes; render {', '.join(f'{ms:.0f}' for ms in seen['renderRuns'])} ms", flush=True)
    runs_text = ", ".join(f"{ms:.0f}" for ms in seen["renderRuns"])
    return [
        ("HTML page of bench-1m (default row cap): size", f"{size:,} bytes", "—", "—",
         f"≤ {LIMITS['page_bytes']:,} bytes", "yes" if size <= LIMITS["page_bytes"] else "**no**"),
        (f"HTML page of bench-1m: navigationStart → charts drawn, median of {runs} loads in headless "
         f"chromium ({runs_text} ms)", f"{render:.0f} ms", f"{min(seen['renderRuns']):.0f} ms", "—",
         f"< {LIMITS['render_ms']} ms", "yes" if render < LIMITS["render_ms"] else "**no**"),
    ]


def instruction_table(instructions):
    floor = instructions.get("A")
    lines = ["| configuration | instructions | / A |", "|---|---:|---:|"]
    for key, count in instructions.items():
        ratio = f"{count / floor:.3f}" if floor else "—"
        lines.append(f"| {CONFIGURATIONS[key][0]} | {count:,} | {ratio} |")
    return lines


def write_markdown(path, info, commit, runs_of, sandbox, results, spreads, instructions, rows, command_line):
    out = ["# Capture Triage benchmarks", "",
           f"Produced by `{command_line}` (tests/bench/run.sh; not part of CI).", "",
           "## Machine", "",
           f"- CPU: {info['cpu']}, {info['cores']} cores; RAM {info['ram']}",
           f"- {info['os']}",
           f"- {info['wireshark']}",
           f"- Date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}; "
           f"source {commit}",
           f"- Load average when the run ended: {info['load']} (a shared machine: see the method)",
           "", "## Method", "",
           "Every figure is the median of the runs its table names (at least 5; 11 for the idle cost, which is "
           "a few per cent at most).  The configurations of a group run interleaved "
           "(run 1 of each, then run 2, ..., the order rotated each round).  CPU is user + system time of the "
           "tshark process from wait4(); verdicts use it, because other processes on the machine inflate wall "
           "time far more than CPU time.  Peak RSS is ru_maxrss.  Output goes to /dev/null.  The same ratios "
           f"are also counted in instructions (one callgrind run per configuration on {INSTRUCTION_CAPTURE}, "
           "which repeat to 0.1 % whatever the machine does); where CPU time misses a limit that the "
           "instructions meet, the verdict says so.",
           "",
           "The floor A is what an analyst's own statistics cost: `-z io,stat,0` registers its tap with "
           "TL_REQUIRES_PROTO_TREE, so tshark builds a (mostly faked) protocol tree for every packet, as it "
           "does for `io,phs`.  The triage reports read tap data and `pinfo->layers` instead and need no "
           "tree, which is why a report alone can cost less than the floor.",
           "",
           "Each run is, as an unprivileged user with a throwaway HOME whose personal plugin folder holds the "
           "built triage.so (or an empty HOME for the runs without the plugin):",
           "", "```",
           " ".join(sandbox.command(True, ["-r", "CAPTURE", "ARGS..."])).replace(sandbox.root, "$SANDBOX"),
           "```", "",
           "and for the instruction counts the same with `valgrind --tool=callgrind --callgrind-out-file=/dev/null` "
           "before `tshark`.", "",
           "| configuration | plugin | tshark arguments after `-r CAPTURE` |", "|---|---|---|"]
    used = [key for key in CONFIGURATIONS if any(key in values for values in results.values())]
    for key in used:
        label, with_plugin, args = CONFIGURATIONS[key]
        out.append(f"| {label} | {'yes' if with_plugin else 'no'} | `{' '.join(args)}` |")
    out += ["", "Captures (made by `triage-capgen bench FILE ARGS --seed 1`, cached in the capture folder):", "",
            "| capture | what | triage-capgen arguments |", "|---|---|---|"]
    captures = []
    for name in [PLAN[group][0] for group in results] + ([INSTRUCTION_CAPTURE] if instructions else []):
        if name not in captures:
            captures.append(name)
    for name in captures:
        out.append(f"| {name} | {CAPTURES[name][0]} | `{' '.join(CAPTURES[name][1])}` |")
    out += ["", "## Verdicts", "",
            "CPU time is the ratio of the medians; \"lowest runs\" divides the least disturbed run of each "
            "(a neighbour on a shared machine only ever adds time); instructions come from callgrind.  The "
            "verdict uses the medians and, where they miss, the instruction counts.", "",
            "| target | CPU time | lowest runs | instructions | limit | met |", "|---|---|---|---|---|---|"]
    for target, measured, lowest, counted, limit, met in rows:
        out.append(f"| {target} | {measured} | {lowest} | {counted} | {limit} | {met} |")
    out += ["", "## Tables", ""]
    for name, values in results.items():
        capture, _, _ = PLAN[name]
        out += [f"### {name}: {capture}, {CAPTURES[capture][0]}, {runs_of[name]} runs", ""]
        out += table(values, "A", spreads[name]) + [""]
    if instructions:
        out += [f"### Instructions, {INSTRUCTION_CAPTURE}: {CAPTURES[INSTRUCTION_CAPTURE][0]}", ""]
        out += instruction_table(instructions) + [""]
    with open(path, "w") as handle:
        handle.write("\n".join(out))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(SOURCE_DIR, "build-bench"),
                        help="build folder holding triage.so and triage-capgen")
    parser.add_argument("--captures", help="capture cache folder (default BUILD/bench-captures)")
    parser.add_argument("--runs", type=int, default=5, help="runs per configuration (median is kept)")
    parser.add_argument("--only", default=",".join(PLAN),
                        help="comma-separated captures to measure (default: all): " + ", ".join(PLAN))
    parser.add_argument("--output", default=os.path.join(SOURCE_DIR, "BENCHMARKS.md"),
                        help="where the Markdown report goes ('-' for none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-instructions", action="store_true",
                        help="skip the callgrind instruction counts (about 15 minutes)")
    parser.add_argument("--fresh", action="store_true",
                        help="measure everything again, even what bench-samples.json holds for this build")
    options = parser.parse_args()

    plugin = os.path.join(options.build, "triage.so")
    capgen = os.path.join(options.build, "triage-capgen")
    for path in (plugin, capgen):
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: build first (tests/bench/run.sh does)")
    captures_dir = options.captures or os.path.join(options.build, "bench-captures")
    os.makedirs(captures_dir, exist_ok=True)
    names = [name for name in options.only.split(",") if name]
    for name in names:
        if name not in PLAN:
            sys.exit(f"unknown capture {name}; known: {', '.join(PLAN)}")

    version = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout
    abi = ".".join(version.split("(Wireshark) ")[1].split()[0].split(".")[:2])
    # The source the plugin was built from: others may commit while it runs.
    commit = git_commit()
    sandbox = Sandbox(plugin, abi)
    cache = SampleCache(os.path.join(captures_dir, "bench-samples.json"), plugin, version.splitlines()[0],
                        options.fresh)
    results = {}
    spreads = {}
    runs_of = {}
    instructions = {}
    try:
        for name in names:
            capture, keys, least_runs = PLAN[name]
            runs = max(options.runs, least_runs)
            path = generate(capgen, captures_dir, capture, options.seed)
            if not sandbox.readable(path):
                sys.exit(f"{path} is not readable by the unprivileged user that runs tshark: "
                         "choose a --captures folder it can read")
            samples = cache.samples(name, keys, runs)
            print(f"{name}: {CAPTURES[capture][0]}, {runs} runs"
                  f"{' (measured before with this build)' if samples else ''}", flush=True)
            if samples is None:
                samples = measure(sandbox, path, keys, runs)
                cache.store(name, samples)
            results[name] = medians(samples)
            spreads[name] = spread(samples)
            runs_of[name] = runs
        if not options.no_instructions:
            instructions = cache.instructions()
            missing = [key for key in INSTRUCTION_KEYS if key not in instructions]
            if missing:
                path = generate(capgen, captures_dir, INSTRUCTION_CAPTURE, options.seed)
                print(f"{INSTRUCTION_CAPTURE}: instructions (callgrind)", flush=True)
                instructions.update(count_instructions(sandbox, path, missing))
                cache.store(instructions=instructions)
            instructions = {key: instructions[key] for key in INSTRUCTION_KEYS}
        connections = int(CAPTURES["conn-1m"][1][CAPTURES["conn-1m"][1].index("--connections") + 1])
        rows = verdicts(results, spreads, instructions, connections)
        if "html-1m" in names:
            print("html-1m: the page in headless chromium", flush=True)
            rows += measure_page(sandbox, generate(capgen, captures_dir, "bench-1m", options.seed), 5)
        for name, values in results.items():
            print(f"\n{name}: {PLAN[name][0]}, {CAPTURES[PLAN[name][0]][0]}, {runs_of[name]} runs")
            print("\n".join(table(values, "A", spreads[name])))
        if instructions:
            print(f"\n{INSTRUCTION_CAPTURE}: instructions")
            print("\n".join(instruction_table(instructions)))
        print("\n| target | CPU time | lowest runs | instructions | limit | met |")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        if options.output != "-":
            # run.sh always names the build folder; say so only when it is not the default.
            args = sys.argv[1:]
            if args[:2] == ["--build", os.path.join(SOURCE_DIR, "build-bench")]:
                args = args[2:]
            command_line = "tests/bench/run.sh" + "".join(f" {a}" for a in args)
            write_markdown(options.output, machine(), commit, runs_of, sandbox, results, spreads, instructions,
                           rows, command_line)
            print(f"\nwrote {options.output}")
    finally:
        sandbox.close()
    return 0 if all(row[5].startswith("yes") for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
