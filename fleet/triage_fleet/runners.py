# SPDX-License-Identifier: GPL-2.0-or-later
"""Where the captures are triaged: in this process one after another, on
this machine with GNU parallel (one tshark per core), or on many machines
with Dask distributed.  Each runner yields (index, result) as captures
finish, in whatever order they finish."""
import json
import os
import subprocess
import sys
import tempfile
import uuid

from .processes import die_with_parent
from .secrets import redact
from .worker import run_index

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _stopped_result(capture, why):
    return {"name": capture.name, "source": capture.display, "status": "failed", "error": why,
            "seconds": 0.0, "cached": False}


def run_serial(job_path, indices, captures, **_):
    for index in indices:
        yield index, run_index(job_path, index)


def run_parallel(job_path, indices, captures, jobs, **_):
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
