# SPDX-License-Identifier: GPL-2.0-or-later
"""Runs one tshark test script so that only the programs it starts carry the
sanitizer runtimes.

Usage: python3 with_sanitized_tshark.py tests/tshark/test_x.py [args]

tests/tshark/harness.py hands LD_PRELOAD on to the tshark it starts.  Putting
the runtimes in this Python process's own environment would also load them
into Python (and into ctest and cmake above it), whose harmless exit-time
allocations LeakSanitizer would report.  So run.sh passes them as
TRIAGE_SANITIZER_PRELOAD, and this launcher moves them to LD_PRELOAD after
Python has started, where only child processes see them.
"""
import os
import runpy
import sys

preload = os.environ.pop("TRIAGE_SANITIZER_PRELOAD", "")
if not preload:
    sys.exit("TRIAGE_SANITIZER_PRELOAD is not set (run tests/sanitize/run.sh)")
os.environ["LD_PRELOAD"] = preload
script = os.path.abspath(sys.argv[1])
sys.argv = sys.argv[1:]
sys.path.insert(0, os.path.dirname(script))
runpy.run_path(script, run_name="__main__")
