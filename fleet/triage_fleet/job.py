# SPDX-License-Identifier: GPL-2.0-or-later
"""The triage of one capture: tshark with the plugin, one pass, JSON out.

A blob is streamed from curl straight into tshark (`-r -`), never written
to disk; both ends of that pipe are checked, since a short download shows
as curl's exit 18 on one side and as tshark's "cut short" on the other.
tshark refuses -2 on a pipe, so everything stays single-pass.
"""
import dataclasses
import json
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


def _document(stdout):
    start = stdout.find("{")
    if start < 0:
        raise ValueError("tshark printed no report")
    document, _ = json.JSONDecoder().raw_decode(stdout, start)
    if not isinstance(document, dict) or document.get("tool") != "capture-triage":
        raise ValueError("tshark printed something that is not a Capture Triage report")
    return document


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
            document = _document(stdout)
            result["document"] = json.dumps(document, separators=(",", ":"))
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
