# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs the real tshark with the freshly built plugin, the way a user would.

tshark ignores personal plugin folders when run as root.  So every run
happens as an unprivileged user (nobody when we are root) with a throwaway
HOME whose personal plugin folder holds the built triage.so, and every file
that user must read is copied into that HOME first (a CI clone may sit under
a folder only root can enter).

A triage.so installed system-wide (./setup.sh as root puts it there) would
be loaded before the personal one, and Wireshark would stop at a "found in
multiple directories" dialog.  So WIRESHARK_PLUGIN_DIR points at a copy of
the system plugin folder made of links to every stock plugin but triage.so:
the tests see Wireshark's own plugins and the freshly built one, nothing else.
"""
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

SOURCE_DIR = os.environ.get("TRIAGE_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PLUGIN = os.environ.get("TRIAGE_PLUGIN", "")
CAPGEN = os.environ.get("TRIAGE_CAPGEN", "")
SKIP_CODE = 77


def wireshark_abi():
    out = subprocess.run(["tshark", "--version"], capture_output=True, text=True).stdout
    version = out.split("(Wireshark) ")[1].split()[0] if "(Wireshark) " in out else out.split()[1]
    major, minor = version.split(".")[:2]
    return f"{major}.{minor}"


@functools.lru_cache(maxsize=None)
def system_plugin_folder():
    """Wireshark's global plugin folder without the version (the Lua one)."""
    out = subprocess.run(["tshark", "-G", "folders"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if line.startswith("Global Lua Plugins:"):
            return line.split(":", 1)[1].strip()
    raise RuntimeError(f"tshark -G folders names no global plugin folder:\n{out}")


_told_hidden = set()


def mirror_stock_plugins(target, source=None):
    """Fills TARGET with links to every file of the system plugin folder
    (or SOURCE) except triage.so, for WIRESHARK_PLUGIN_DIR; returns TARGET."""
    source = source or system_plugin_folder()
    os.makedirs(target, mode=0o755, exist_ok=True)
    os.chmod(target, 0o755)
    for folder, _, files in os.walk(source):
        mirrored = os.path.join(target, os.path.relpath(folder, source))
        os.makedirs(mirrored, mode=0o755, exist_ok=True)
        os.chmod(mirrored, 0o755)
        for name in files:
            path = os.path.join(folder, name)
            if name == "triage.so":
                if path not in _told_hidden:
                    _told_hidden.add(path)
                    print(f"note: {path} is installed; the tests hide it and use the built plugin",
                          file=sys.stderr)
                continue
            os.symlink(path, os.path.join(mirrored, name))
    return target


def corpus_dir():
    """The shared corpus, or None.  In CI its absence is a failure."""
    path = os.environ.get("TRIAGE_CORPUS") or os.path.join(SOURCE_DIR, "..", "shared", "corpus")
    path = os.path.abspath(path)
    if os.path.isdir(path):
        return path
    if os.environ.get("CI"):
        raise RuntimeError(f"TRIAGE_CORPUS folder {path} is missing (required in CI)")
    return None


def require_corpus(test):
    path = corpus_dir()
    if path is None:
        print("SKIPPED: the shared corpus (TRIAGE_CORPUS or ../shared/corpus) is not here", file=sys.stderr)
        raise unittest.SkipTest("no corpus")
    return path


class Sandbox:
    """A throwaway HOME with the plugin installed for an unprivileged user."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="triage-test-")
        os.chmod(self.root, 0o755)
        self.home = os.path.join(self.root, "home")
        plugin_dir = os.path.join(self.home, ".local", "lib", "wireshark", "plugins", wireshark_abi(), "epan")
        os.makedirs(plugin_dir)
        if PLUGIN:
            shutil.copy(PLUGIN, os.path.join(plugin_dir, "triage.so"))
        self.inputs = os.path.join(self.root, "inputs")
        os.makedirs(self.inputs)
        for dirpath, dirnames, filenames in os.walk(self.root):
            for name in dirnames + filenames:
                os.chmod(os.path.join(dirpath, name), 0o755)
        # After the walk: os.chmod would follow the links into the system folder.
        self.stock_plugins = mirror_stock_plugins(os.path.join(self.root, "stock-plugins"))
        self.as_root = os.geteuid() == 0

    def stage(self, path, name=None):
        """Copies a file the unprivileged user must read; returns its new path."""
        target = os.path.join(self.inputs, name or os.path.basename(path))
        shutil.copy(path, target)
        os.chmod(target, 0o644)
        return target

    def stage_bytes(self, name, data):
        target = os.path.join(self.inputs, name)
        with open(target, "wb") as handle:
            handle.write(data)
        os.chmod(target, 0o644)
        return target

    def write(self, name, text):
        target = os.path.join(self.inputs, name)
        with open(target, "w") as handle:
            handle.write(text)
        os.chmod(target, 0o644)
        return target

    def command(self, program, args):
        env = ["env", "-i", f"HOME={self.home}", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C.UTF-8",
               f"WIRESHARK_PLUGIN_DIR={self.stock_plugins}"]
        for key in ("LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if os.environ.get(key):
                env.append(f"{key}={os.environ[key]}")
        base = env + [program] + list(args)
        if self.as_root:
            return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + base
        return base

    def run(self, args, program="tshark", check=True, timeout=600):
        result = subprocess.run(self.command(program, args), capture_output=True, text=True,
                                cwd=self.inputs, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"{program} {' '.join(args)} exited {result.returncode}\n"
                                 f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-4000:]}")
        return result

    def tshark(self, capture, *args, check=True):
        staged = self.stage(capture) if not capture.startswith(self.inputs) else capture
        return self.run(["-r", staged] + list(args), check=check)

    def json_report(self, capture, report="triage", *args):
        """Runs -z REPORT with format=json and returns the parsed document."""
        parts = report.split(",", 2)
        z = ",".join(parts[:2] + ["format=json"] + parts[2:]) if len(parts) > 1 and parts[1] in ("rtt", "policy", "dests") \
            else ",".join([parts[0], "format=json"] + parts[1:])
        result = self.tshark(capture, "-q", "-z", z, *args)
        return parse_single_json(result.stdout)

    def fields(self, capture, fields, display_filter=None, two_pass=False, extra=()):
        args = ["-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
        for field in fields:
            args += ["-e", field]
        if two_pass:
            args.append("-2")
        if display_filter:
            args += ["-Y", display_filter]
        args += list(extra)
        out = self.tshark(capture, *args).stdout
        return [line.split("\t") for line in out.splitlines()]

    def close(self):
        shutil.rmtree(self.root, ignore_errors=True)


def parse_single_json(text):
    """The JSON document tshark printed; fails if there is more than one."""
    start = text.find("{")
    if start < 0:
        raise AssertionError(f"no JSON in output:\n{text[:2000]}")
    decoder = json.JSONDecoder()
    document, end = decoder.raw_decode(text, start)
    rest = text[end:].strip()
    if rest.startswith("{"):
        raise AssertionError("more than one JSON document printed")
    return document


def report_of(document, name):
    for report in document["reports"]:
        if report["report"] == name:
            return report
    raise AssertionError(f"no {name} report in {list(r['report'] for r in document['reports'])}")


class SandboxTestCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not PLUGIN or not os.path.exists(PLUGIN):
            raise RuntimeError("TRIAGE_PLUGIN must name the built triage.so")
        cls.sandbox = Sandbox()

    @classmethod
    def tearDownClass(cls):
        cls.sandbox.close()


def main():
    """unittest.main that turns 'everything skipped' into ctest's skip code."""
    program = unittest.main(exit=False, verbosity=2)
    result = program.result
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(SKIP_CODE)
    sys.exit(0)
