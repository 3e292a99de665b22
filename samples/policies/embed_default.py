#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes tap/policy_default.c from samples/policies/default.csv.

The plugin carries the default policy as a C string so that tshark works
without any file; test_policy_default checks that the two stay identical
byte for byte.  Run from the repository root after editing default.csv:

    python3 samples/policies/embed_default.py
"""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCE = ROOT / "samples" / "policies" / "default.csv"
TARGET = ROOT / "tap" / "policy_default.c"

HEADER = """\
/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy_default.c — the built-in default policy.
 *
 * Generated from samples/policies/default.csv by
 * samples/policies/embed_default.py: edit the CSV and run the script, never
 * this file.  test_policy_default fails when the two differ.
 */
#include "policy_file.h"

const char triage_policy_default_text[] =
"""


def c_literal(line: str) -> str:
    escaped = line.replace("\\", "\\\\").replace('"', '\\"')
    return '    "' + escaped + '\\n"'


def main() -> None:
    text = SOURCE.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        raise SystemExit(f"{SOURCE}: the last line must end with a line break")
    lines = [c_literal(line) for line in text[:-1].split("\n")]
    TARGET.write_text(HEADER + "\n".join(lines) + ";\n", encoding="utf-8")


if __name__ == "__main__":
    main()
