# SPDX-License-Identifier: GPL-2.0-or-later
"""The task side of a fleet run: triage capture number N of a job file.

Tasks carry only the job file's path and an index, never a URL: a task's
arguments reach GNU parallel's command lines and Dask's scheduler logs,
while the job file (mode 0600, written by the client) is read only by the
workers.  For GNU parallel:  python3 -m triage_fleet.worker JOBFILE RESULTS INDEX
"""
import json
import os
import sys

from .job import Settings, triage
from .sources import Capture


def load_job(path):
    with open(path, encoding="utf-8") as handle:
        job = json.load(handle)
    settings = Settings(**job["settings"])
    captures = [Capture(**capture) for capture in job["captures"]]
    return settings, captures


def write_job(path, settings, captures):
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"settings": settings.__dict__, "captures": [capture.__dict__ for capture in captures]}, handle)


def run_index(job_path, index):
    settings, captures = load_job(job_path)
    return triage(captures[index], settings)


def dask_task(index, job_path):
    """What a Dask worker runs; returns the result dict to the client."""
    return run_index(job_path, index)


def main(arguments):
    job_path, results, index = arguments[0], arguments[1], int(arguments[2])
    result = run_index(job_path, index)
    # The document goes to a file of its own, as tshark printed it: the
    # client moves it into place instead of decoding it from the result.
    if "document" in result:
        document_file = os.path.join(results, f"{index}.document")
        with open(document_file, "w", encoding="utf-8") as handle:
            handle.write(result.pop("document") + "\n")
        result["document_file"] = document_file
    target = os.path.join(results, f"{index}.json")
    with open(target + ".part", "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    os.replace(target + ".part", target)
    print(index, flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
