# SPDX-License-Identifier: GPL-2.0-or-later
"""Where the captures are triaged: in this process one after another, on
this machine with GNU parallel (one tshark per core), or on many machines
with Dask distributed.  Each runner yields (index, result) as captures
finish, in whatever order they finish."""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import uuid

from .processes import die_with_parent
from .secrets import redact
from .job import tshark_result
from .worker import load_job, run_index

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _stopped_result(capture, why):
    return {"name": capture.name, "source": capture.display, "status": "failed", "error": why,
            "seconds": 0.0, "cached": False}


def run_serial(job_path, indices, captures, **_):
    for index in indices:
        yield index, run_index(job_path, index)


def run_parallel(job_path, indices, captures, jobs, **_):
    """Local files: GNU parallel runs tshark itself, one process a capture
    (a Python worker per capture would cost 0.2 s of CPU each, a fifth of a
    50 000-packet capture's triage).  Storage URLs: the Python worker, which
    streams the blob from curl into tshark and keeps the SAS off every
    command line."""
    local = [index for index in indices if not captures[index].is_url]
    remote = [index for index in indices if captures[index].is_url]
    if local:
        yield from _run_parallel_tshark(job_path, local, captures, jobs)
    if remote:
        yield from _run_parallel_workers(job_path, remote, captures, jobs)


def _run_parallel_tshark(job_path, indices, captures, jobs):
    settings, _ = load_job(job_path)
    results = tempfile.mkdtemp(prefix="results-", dir=os.path.dirname(job_path))
    arguments = os.path.join(results, "arguments")
    joblog = os.path.join(results, "joblog")
    with open(arguments, "w", encoding="utf-8") as handle:
        for index in indices:
            handle.write(f"{index}\t{captures[index].location}\t{captures[index].name}\n")
    # {1} index, {2} path, {3} name: GNU parallel quotes each for the shell.
    tshark = " ".join(shlex.quote(word) for word in settings.tshark_command("{2}", "{3}"))
    tshark = tshark.replace(shlex.quote("{2}"), "{2}").replace(shlex.quote("-r"), "-r")
    tshark = tshark.replace(shlex.quote(settings.z_argument("{3}")), _z_template(settings))
    command = ["parallel", "--will-cite", "--jobs", str(jobs), "--line-buffer", "--halt", "never",
               "--colsep", "\t", "--joblog", joblog,
               f"{tshark} > {results}/{{1}}.document 2> {results}/{{1}}.err; echo {{1}} $?", "::::", arguments]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                               preexec_fn=die_with_parent)
    reported = {}
    for line in process.stdout:
        words = line.split()
        if len(words) != 2 or not words[0].isdigit() or not words[1].isdigit():
            continue
        index = int(words[0])
        result = tshark_result(captures[index], int(words[1]), os.path.join(results, f"{index}.document"),
                               os.path.join(results, f"{index}.err"))
        reported[index] = result
        yield index, result
    process.wait()
    _add_runtimes(joblog, reported)
    for index in indices:
        if index not in reported:
            yield index, _stopped_result(captures[index], "the GNU parallel job stopped without a result")


def _z_template(settings):
    """The -z argument with the capture's name left to GNU parallel ({3});
    a comma in a name ends the option, so it becomes '_' as in z_argument."""
    prefix, _, rest = settings.z_argument("\0").partition("name=\0")
    return shlex.quote(prefix + "name=") + "{=3 s/,/_/g =}" + (shlex.quote(rest) if rest else "")


def _add_runtimes(joblog, reported):
    """Each capture's seconds, from GNU parallel's job log (Seq, Host,
    Starttime, JobRuntime, ...; the command's last words are the index)."""
    try:
        with open(joblog, encoding="utf-8") as handle:
            lines = handle.read().splitlines()[1:]
    except OSError:
        return
    for line in lines:
        fields = line.split("\t")
        if len(fields) < 9:
            continue
        match = re.search(r"/(\d+)\.document ", fields[8])
        if match and int(match.group(1)) in reported:
            try:
                reported[int(match.group(1))]["seconds"] = round(float(fields[3]), 3)
            except ValueError:
                pass


def _run_parallel_workers(job_path, indices, captures, jobs):
    results = tempfile.mkdtemp(prefix="results-", dir=os.path.dirname(job_path))
    index_file = os.path.join(results, "indices")
    with open(index_file, "w") as handle:
        handle.writelines(f"{index}\n" for index in indices)
    environment = dict(os.environ, PYTHONPATH=PACKAGE_ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    command = ["parallel", "--will-cite", "--jobs", str(jobs), "--line-buffer", "--halt", "never",
               sys.executable, "-m", "triage_fleet.worker", job_path, results, "{}", "::::", index_file]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                               env=environment, preexec_fn=die_with_parent)
    reported = set()
    for line in process.stdout:
        line = line.strip()
        if not line.isdigit():
            continue
        index = int(line)
        with open(os.path.join(results, f"{index}.json"), encoding="utf-8") as handle:
            reported.add(index)
            yield index, json.load(handle)
    process.wait()
    for index in indices:
        if index not in reported:
            yield index, _stopped_result(captures[index], "the GNU parallel job stopped without a result")


def run_dask(job_path, indices, captures, scheduler, **_):
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise SystemExit("triage-fleet: --engine dask needs Dask distributed (Debian: apt install python3-distributed)")
    from .worker import dask_task
    run = uuid.uuid4().hex[:12]
    with Client(scheduler, timeout="30s") as client:
        # A task that died with its worker is started again elsewhere by the
        # scheduler; pure=False because two runs of one capture are separate work.
        futures = {client.submit(dask_task, index, job_path, pure=False, key=f"triage-{run}-{index}"): index
                   for index in indices}
        for future in as_completed(futures):
            index = futures[future]
            try:
                yield index, future.result()
            except Exception as error:  # the task raised or was lost too often
                yield index, _stopped_result(captures[index], redact(f"the Dask task failed: {type(error).__name__}: {error}"))


RUNNERS = {"serial": run_serial, "parallel": run_parallel, "dask": run_dask}
