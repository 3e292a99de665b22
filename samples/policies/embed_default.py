#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes tap/policy_default.c from samples/policies/default.csv and its lists.

The plugin carries the default policy as a C string so that tshark works
without any file; test_policy_default checks that the two stay identical
byte for byte.  Run from the repository root after editing default.csv:

    python3 samples/policies/embed_default.py
"""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCE = ROOT / "samples" / "policies" / "default.csv"
# The name lists default.csv names with "@" in its hosts column: compiled in
# beside it, since the built-in policy has no folder to read them from.
LISTS = ["trackers.txt", "mining-pools.txt"]
TARGET = ROOT / "tap" / "policy_default.c"

HEADER = """\
/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy_default.c — the built-in default policy.
 *
 * Generated from samples/policies/default.csv (and the lists it names) by
 * samples/policies/embed_default.py: edit the CSV and run the script, never
 * this file.  test_policy_default fails when they differ.
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
    output = HEADER + "\n".join(lines) + ";\n"
    lists = []
    for name in LISTS:
        list_text = (SOURCE.parent / name).read_text(encoding="utf-8")
        if not list_text.endswith("\n"):
            raise SystemExit(f"{name}: the last line must end with a line break")
        literal = "\n".join(c_literal(line) for line in list_text[:-1].split("\n"))
        lists.append(f'    "{name}",\n{literal},')
    output += "\nconst char *const triage_policy_default_lists[] = {\n" + "\n".join(lists) + "\n    NULL,\n};\n"
    TARGET.write_text(output, encoding="utf-8")


if __name__ == "__main__":
    main()
