# SPDX-License-Identifier: GPL-2.0-or-later
"""triage-fleet: the triage of many captures in one command."""
import argparse
import json
import os
import shutil
import shlex
import subprocess
import sys
import tempfile

from . import cache as result_cache
from . import curl, sources
from .job import Settings
from .progress import Progress
from .runners import RUNNERS
from .secrets import redact
from .worker import write_job

DESCRIPTION = """\
Runs the Capture Triage on every capture given (files, folders, and storage
URLs read from --urls), one tshark per capture, keeps each capture's JSON
report in OUT/captures/NAME.json, with OUT/status.tsv saying how each went,
and merges them (triage-merge) into one fleet report: OUT/fleet.txt,
fleet.csv, fleet.json and the page fleet.html.
URLs never go on the command line: a SAS token there is visible in ps and
shell histories.  Exit status: 0 all captures triaged, 2 some failed (the
others are complete), 1 nothing could be run."""


def parse_arguments(argv):
    parser = argparse.ArgumentParser(prog="triage-fleet", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("captures", nargs="*", help="capture files or folders of captures")
    parser.add_argument("--urls", metavar="FILE", help="blob or container URLs with SAS, one a line ('-': stdin)")
    parser.add_argument("--out", required=True, help="folder for the per-capture reports and status.tsv")
    parser.add_argument("--engine", choices=sorted(RUNNERS), default="parallel",
                        help="parallel: GNU parallel on this machine (default); dask: a Dask cluster; serial")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="tshark runs at once (parallel)")
    parser.add_argument("--scheduler", help="the Dask scheduler's address, e.g. tcp://10.0.0.4:8786")
    parser.add_argument("--shared", metavar="DIR",
                        help="with dask: a folder every worker reads at the same path (default: --out)")
    parser.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "capture-triage", "fleet"),
                        help="where per-capture results are kept between runs (default: %(default)s)")
    parser.add_argument("--no-cache", action="store_true", help="triage every capture again")
    parser.add_argument("--tshark", default="tshark", help="the tshark command (default: %(default)s)")
    parser.add_argument("--options", default="", help="-z triage options, e.g. top=20")
    parser.add_argument("--filter", default="", help="the connection filter of -z triage")
    parser.add_argument("-o", dest="preferences", action="append", default=[], metavar="PREF:VALUE",
                        help="a tshark preference, e.g. triage.policy_file:/etc/policy.csv")
    parser.add_argument("--merge", default=None, metavar="CMD",
                        help="the triage-merge command (default: triage-merge on PATH, else the build folder's)")
    parser.add_argument("--top", type=int, default=10, help="rows of the fleet report's ranked tables (0: all)")
    parser.add_argument("--list-page-size", type=int, default=5000, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if not options.captures and not options.urls:
        parser.error("give capture files or folders, or --urls FILE")
    if options.jobs < 1 or options.jobs > 1024:
        parser.error(f"--jobs {options.jobs}: give 1 to 1024")
    if not 1 <= options.list_page_size <= 5000:
        parser.error("--list-page-size: give 1 to 5000")
    if options.top < 0:
        parser.error(f"--top {options.top}: give 0 (all) or more")
    if options.engine == "dask" and not options.scheduler:
        parser.error("--engine dask needs --scheduler ADDRESS")
    return options


def gather(options):
    entries = sources.local_captures(options.captures)
    if options.urls:
        if options.urls == "-":
            urls = sources.read_url_list(sys.stdin, "stdin")
        else:
            with open(options.urls, encoding="utf-8") as handle:
                urls = sources.read_url_list(handle, options.urls)
        entries += sources.url_captures(urls, options.list_page_size)
    return sources.name_captures(entries)


def blob_versions(captures):
    """ETags of blobs named one by one (a listing already gave the others);
    a blob that cannot be reached fails here, with its HTTP status."""
    unreachable = {}
    for index, capture in enumerate(captures):
        if capture.is_url and not capture.etag:
            try:
                capture.etag = curl.head(capture.location).get("etag", "")
            except curl.CurlError as error:
                unreachable[index] = error.describe()
    return unreachable


def write_status(out, captures, results):
    with open(os.path.join(out, "status.tsv"), "w", encoding="utf-8") as handle:
        handle.write("name\tsource\tstatus\tcached\tseconds\terror\n")
        for index, capture in enumerate(captures):
            result = results[index]
            row = [capture.name, capture.display, result["status"], "yes" if result.get("cached") else "no",
                   f"{result.get('seconds', 0.0):.3f}", result.get("error", "")]
            handle.write("\t".join(redact(str(cell)).replace("\t", " ").replace("\n", " ") for cell in row) + "\n")


def merge_command(option):
    """triage-merge: as given, on PATH, or beside this folder's build."""
    if option:
        return shlex.split(option)
    found = shutil.which("triage-merge")
    if found:
        return [found]
    here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    built = os.path.join(here, "build", "triage-merge")
    if os.access(built, os.X_OK):
        return [built]
    raise FileNotFoundError("triage-merge not found: install it (./setup.sh) or give --merge CMD")


def merge_fleet(command, out, documents, top):
    """The fleet report in every format; the merge's complaints, if any.
    The captures are merged once, into fleet.json; the other formats are
    made from that one document (the merge of one fleet document is the
    same report)."""
    fleet_json = os.path.join(out, "fleet.json")
    finished = subprocess.run(command + ["--format", "json", "--top", str(top), "--output", fleet_json, "--from", "-"],
                              input="\n".join(documents) + "\n", capture_output=True, text=True)
    problems = [finished.stderr.strip()] if finished.returncode != 0 else []
    if finished.returncode == 1:
        if os.path.exists(fleet_json):
            os.remove(fleet_json)
        return problems or [f"triage-merge exited with {finished.returncode}"]
    for extension, fmt in (("txt", "text"), ("csv", "csv"), ("html", "html")):
        made = subprocess.run(command + ["--format", fmt, "--top", str(top), "--output",
                                         os.path.join(out, "fleet." + extension), fleet_json],
                              capture_output=True, text=True)
        if made.returncode != 0:
            problems.append(made.stderr.strip() or f"triage-merge exited with {made.returncode}")
    return problems


def main(argv=None):
    options = parse_arguments(sys.argv[1:] if argv is None else argv)
    settings = Settings(tshark=shlex.split(options.tshark), report_options=options.options,
                        display_filter=options.filter, preferences=tuple(options.preferences))
    try:
        captures = gather(options)
        fingerprint = {**result_cache.plugin_fingerprint(settings.tshark, for_cache=not options.no_cache),
                       **result_cache.settings_fingerprint(settings)}
    except (sources.SourceError, result_cache.PluginMissing, OSError) as error:
        print(f"triage-fleet: {redact(str(error))}", file=sys.stderr)
        return 1
    out = options.out
    os.makedirs(os.path.join(out, "captures"), exist_ok=True)
    cache = result_cache.Cache(None if options.no_cache else options.cache, fingerprint)

    results = {}
    progress = Progress(len(captures))
    for index, why in blob_versions(captures).items():
        results[index] = {"name": captures[index].name, "source": captures[index].display,
                          "status": "failed", "error": why, "seconds": 0.0, "cached": False}
        progress.update(results[index])
    keys = {}
    pending = []
    for index, capture in enumerate(captures):
        if index in results:
            continue
        keys[index] = cache.key(capture)
        document = cache.load(keys[index])
        if document is not None:
            results[index] = {"name": capture.name, "source": capture.display, "status": "ok", "error": "",
                              "seconds": 0.0, "cached": True, "document": document}
            progress.update(results[index])
        else:
            pending.append(index)

    shared = options.shared or out
    os.makedirs(shared, exist_ok=True)
    job_folder = tempfile.mkdtemp(prefix=".triage-job-", dir=shared)
    os.chmod(job_folder, 0o700)
    job_path = os.path.join(job_folder, "job.json")
    try:
        write_job(job_path, settings, captures)
        runner = RUNNERS[options.engine]
        for index, result in runner(job_path, pending, captures, jobs=options.jobs, scheduler=options.scheduler):
            results[index] = result
            if result["status"] == "ok" and "document_file" in result:
                # written by a GNU parallel job: moved, not read
                target = os.path.join(out, "captures", captures[index].name + ".json")
                os.replace(result.pop("document_file"), target)
                result["document_path"] = target
                cache.store_file(keys[index], target)
            elif result["status"] == "ok":
                cache.store(keys[index], result["document"])
            progress.update(result)
    finally:
        shutil.rmtree(job_folder, ignore_errors=True)

    for index, capture in enumerate(captures):
        target = os.path.join(out, "captures", capture.name + ".json")
        if results[index]["status"] == "ok" and "document" in results[index]:
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(results[index]["document"] + "\n")
        elif results[index]["status"] != "ok" and os.path.exists(target):
            os.remove(target)  # a stale report of an earlier run must not pass for this one
    write_status(out, captures, results)
    failed = [index for index in range(len(captures)) if results[index]["status"] != "ok"]
    for index in failed:
        print(f"triage-fleet: {captures[index].name} ({captures[index].display}): {results[index]['error']}",
              file=sys.stderr)
    documents = [os.path.join(out, "captures", captures[index].name + ".json")
                 for index in range(len(captures)) if results[index]["status"] == "ok"]
    for stale in ("txt", "csv", "json", "html"):
        if os.path.exists(os.path.join(out, "fleet." + stale)):
            os.remove(os.path.join(out, "fleet." + stale))
    if not documents:
        print("triage-fleet: no capture was triaged: no fleet report", file=sys.stderr)
        return 2
    try:
        problems = merge_fleet(merge_command(options.merge), out, documents, options.top)
    except OSError as error:
        print(f"triage-fleet: {redact(str(error))}", file=sys.stderr)
        return 1
    for problem in dict.fromkeys(problems):
        print(f"triage-fleet: {redact(problem)}", file=sys.stderr)
    if problems:
        return 2
    print(f"triage-fleet: fleet report of {len(documents)} captures in {os.path.join(out, 'fleet.txt')} "
          f"(.csv, .json, .html)", file=sys.stderr)
    return 2 if failed else 0
