# SPDX-License-Identifier: GPL-2.0-or-later
"""The progress line: done/total, failures, cache hits and an estimate of
the time left.  On a terminal it rewrites one line; in a log it writes a
line at most every few seconds, and always the last one."""
import sys
import time


def _clock(seconds):
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Progress:
    def __init__(self, total, stream=sys.stderr, interval=5.0):
        self.total = total
        self.done = 0
        self.failed = 0
        self.cached = 0
        self.stream = stream
        self.started = time.monotonic()
        self.interactive = stream.isatty()
        self.interval = 0.2 if self.interactive else interval
        self.last_shown = 0.0

    def line(self):
        text = f"triage-fleet: {self.done}/{self.total} done, {self.failed} failed"
        if self.cached:
            text += f", {self.cached} from the cache"
        worked = self.done - self.cached
        remaining = self.total - self.done
        if remaining and worked:
            elapsed = time.monotonic() - self.started
            text += f", about {_clock(elapsed / worked * remaining)} left"
        elif not remaining:
            text += f", took {_clock(time.monotonic() - self.started)}"
        return text

    def update(self, result):
        self.done += 1
        self.failed += result["status"] != "ok"
        self.cached += bool(result.get("cached"))
        now = time.monotonic()
        if self.done == self.total or now - self.last_shown >= self.interval:
            self.last_shown = now
            self.show()

    def show(self):
        if self.interactive:
            end = "\n" if self.done == self.total else ""
            self.stream.write("\r\033[K" + self.line() + end)
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()
