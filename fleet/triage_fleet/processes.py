# SPDX-License-Identifier: GPL-2.0-or-later
"""Child processes that die with the process that started them.

A Dask worker killed mid-task (or a GNU parallel job stopped with its
parent) must not leave tshark or curl running on: the parent-death signal
ends them with it.
"""
import ctypes
import signal

_PR_SET_PDEATHSIG = 1
try:
    _libc = ctypes.CDLL("libc.so.6", use_errno=True)
except OSError:  # not glibc: no parent-death signal, children may outlive a killed parent
    _libc = None


def die_with_parent():
    """preexec_fn: SIGKILL this child when its parent thread exits."""
    if _libc is not None:
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
