# SPDX-License-Identifier: GPL-2.0-or-later
"""Capture Triage over many captures: where they come from, running the
triage on each (one machine with GNU parallel, many with Dask), caching the
per-capture results, and saying how far the run got."""
