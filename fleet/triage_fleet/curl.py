# SPDX-License-Identifier: GPL-2.0-or-later
"""HTTP through curl, with the URL handed over on curl's standard input.

A URL with a SAS token on a command line is visible to every user in `ps`
and lands in shell histories and job logs, so curl reads it from its
config on stdin (`--config -`).  `--fail` keeps an HTTP error body from
ever reaching tshark as if it were a capture; the status code comes back on
stderr through `--write-out`, so the error can name it.
"""
import subprocess

from .processes import die_with_parent
from .secrets import redact

STATUS_MARK = "triage-http-status="
# curl's own escape for a line break inside a config string
_WRITE_OUT = "%{stderr}" + STATUS_MARK + "%{http_code}\\n"
# Give up on a server that accepts the connection and then says nothing.
_TIMEOUTS = ["connect-timeout = 20", "speed-limit = 1", "speed-time = 60"]


def _quote(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def config(url, *options):
    """curl's config text for URL: stays off the command line."""
    lines = [f"url = {_quote(url)}", "fail", "silent", "show-error",
             f"write-out = \"{_WRITE_OUT}\""]
    lines += _TIMEOUTS + list(options)
    return "\n".join(lines) + "\n"


class CurlError(Exception):
    """A failed transfer: curl's exit code, the HTTP status (0 when there was
    no answer) and curl's own message, with any SAS removed."""

    def __init__(self, exit_code, http_status, message):
        self.exit_code = exit_code
        self.http_status = http_status
        self.message = redact(message)
        super().__init__(self.describe())

    def describe(self):
        if self.http_status >= 400:
            return f"HTTP {self.http_status}{_http_hint(self.http_status)}"
        if self.exit_code == 18:
            return "the download was cut short (the server sent fewer bytes than it announced)"
        if self.exit_code == 28:
            return "the download timed out"
        return f"download failed (curl exit {self.exit_code}: {self.message or 'no message'})"


def _http_hint(status):
    return {
        403: " (forbidden: the SAS token has expired, or lacks the read/list permission)",
        404: " (not found: no such blob or container)",
        401: " (unauthorised: the URL carries no valid SAS token)",
    }.get(status, "")


def split_status(stderr_text):
    """(http status, curl's message) from what curl wrote on stderr."""
    status = 0
    message = []
    for line in stderr_text.splitlines():
        if line.startswith(STATUS_MARK):
            try:
                status = int(line[len(STATUS_MARK):].strip() or 0)
            except ValueError:
                status = 0
        elif line.strip():
            message.append(line.strip())
    return status, " ".join(message)


def get(url, *options):
    """The body of a small resource (a container listing, headers)."""
    result = subprocess.run(["curl", "--config", "-"], input=config(url, *options).encode(),
                            capture_output=True, preexec_fn=die_with_parent, timeout=300)
    status, message = split_status(result.stderr.decode(errors="replace"))
    if result.returncode != 0:
        raise CurlError(result.returncode, status, message)
    return result.stdout


def head(url):
    """The response headers of URL, as a lower-cased dict."""
    raw = get(url, "head")
    headers = {}
    for line in raw.decode("latin-1").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            headers[key.strip().lower()] = value.strip()
    return headers


def stream(url):
    """Starts a download of URL to a pipe; returns the Popen (stdout = body).
    Call finish() on it once the reader is done."""
    process = subprocess.Popen(["curl", "--config", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, preexec_fn=die_with_parent)
    process.stdin.write(config(url).encode())
    process.stdin.close()
    return process


def finish(process):
    """Waits for a stream(); raises CurlError if the transfer failed."""
    stderr = process.stderr.read().decode(errors="replace")
    code = process.wait()
    status, message = split_status(stderr)
    if code != 0:
        raise CurlError(code, status, message)


