# SPDX-License-Identifier: GPL-2.0-or-later
"""The triage of one capture: tshark with the plugin, one pass, JSON out.

A blob is streamed from curl straight into tshark (`-r -`), never written
to disk; both ends of that pipe are checked, since a short download shows
as curl's exit 18 on one side and as tshark's "cut short" on the other.
tshark refuses -2 on a pipe, so everything stays single-pass.
"""
import dataclasses
import os
import subprocess
import time

from . import curl
from .processes import die_with_parent
from .secrets import redact


@dataclasses.dataclass
class Settings:
    tshark: list                 # the command that runs tshark, e.g. ["tshark"]
    report_options: str = ""     # extra -z words, e.g. "top=20"
    display_filter: str = ""     # the -z FILTER (selects connections)
    preferences: tuple = ()      # "-o" values, e.g. ("triage.policy_file:/p.csv",)

    def z_argument(self, capture_name=None):
        words = ["triage", "format=json"]
        if capture_name:
            # The report names its capture; a comma would end the option.
            words.append("name=" + capture_name.replace(",", "_"))
        if self.report_options:
            words.append(self.report_options)
        if self.display_filter:
            words.append(self.display_filter)
        return ",".join(words)

    def tshark_command(self, source, capture_name=None):
        command = list(self.tshark) + ["-r", source, "-q", "-z", self.z_argument(capture_name)]
        for preference in self.preferences:
            command += ["-o", preference]
        return command


def _first_error_line(stderr):
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "tshark:" in line or "error" in line.lower() or "damaged" in line or "cut short" in line:
            return line
    return lines[0] if lines else "no message"


def _recognise(head, tail):
    """Whether a text that starts with head and ends with tail is a Capture
    Triage report.  Only recognised here: triage-merge reads it in full and
    names a damaged one, and parsing and writing 1 MB again per capture
    would cost more than a fleet can spare on a 2-core machine."""
    start = head.find("{")
    if start < 0:
        raise ValueError("tshark printed no report")
    if '"tool":"capture-triage"' not in head[start:start + 400].replace(" ", "") or not tail.rstrip().endswith("}"):
        raise ValueError("tshark printed something that is not a Capture Triage report")
    return start


def _document(stdout):
    """The report document tshark printed, as its text."""
    start = _recognise(stdout[:4096], stdout[-64:])
    return stdout[start:].rstrip()


def tshark_result(capture, exit_status, document_path, error_path):
    """The result of a tshark GNU parallel ran on a local file: its document
    stays in its file (document_file) for the client to move into place."""
    result = {"name": capture.name, "source": capture.display, "status": "failed", "error": "",
              "seconds": 0.0, "cached": False}
    try:
        with open(error_path, encoding="utf-8", errors="replace") as handle:
            stderr = handle.read()
        if exit_status != 0:
            result["error"] = f"tshark exit {exit_status}: {_first_error_line(stderr)}"
        else:
            with open(document_path, "rb") as handle:
                head = handle.read(4096).decode("utf-8", errors="replace")
                handle.seek(max(0, os.path.getsize(document_path) - 64))
                tail = handle.read().decode("utf-8", errors="replace")
            _recognise(head, tail)
            result["document_file"] = document_path
            result["status"] = "ok"
    except (OSError, ValueError) as error:
        result["error"] = str(error)
    result["error"] = redact(result["error"])
    return result


def triage(capture, settings):
    """A result dict: name, source, status ('ok' or 'failed'), error,
    seconds, and on success the report document as JSON text."""
    started = time.monotonic()
    result = {"name": capture.name, "source": capture.display, "status": "failed", "error": "",
              "seconds": 0.0, "cached": False}
    downloader = None
    try:
        if capture.is_url:
            downloader = curl.stream(capture.location)
            process = subprocess.run(settings.tshark_command("-", capture.name), stdin=downloader.stdout,
                                     capture_output=True, preexec_fn=die_with_parent)
            downloader.stdout.close()
        else:
            process = subprocess.run(settings.tshark_command(capture.location, capture.name),
                                     stdin=subprocess.DEVNULL, capture_output=True, preexec_fn=die_with_parent)
        download_error = None
        if downloader is not None:
            try:
                curl.finish(downloader)
            except curl.CurlError as error:
                download_error = error
        stdout = process.stdout.decode(errors="replace")
        stderr = process.stderr.decode(errors="replace")
        # curl's exit 23 is "could not write": tshark stopped reading, and
        # tshark's own message says why.
        if download_error is not None and not (download_error.exit_code == 23 and process.returncode != 0):
            result["error"] = download_error.describe()
        elif process.returncode != 0:
            result["error"] = f"tshark exit {process.returncode}: {_first_error_line(stderr)}"
        else:
            result["document"] = _document(stdout)
            result["status"] = "ok"
    except (OSError, ValueError) as error:
        result["error"] = str(error)
    finally:
        if downloader is not None and downloader.poll() is None:
            downloader.kill()
            downloader.wait()
    result["error"] = redact(result["error"])
    result["seconds"] = round(time.monotonic() - started, 3)
    return result
