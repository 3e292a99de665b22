/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * summary_json.h — the summary as JSON (docs/SUMMARY.md), the member
 * "summary" of a schema 2 document.  Read back by fleet/summary_read.c.
 */
#ifndef TRIAGE_SUMMARY_JSON_H
#define TRIAGE_SUMMARY_JSON_H

#include "summary.h"

void triage_summary_append_json(GString *out, const triage_summary *summary);

#endif
