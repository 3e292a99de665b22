/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_render.h — renders reports in every format and checks each output.
 */
#ifndef TRIAGE_FUZZ_RENDER_H
#define TRIAGE_FUZZ_RENDER_H

#include "report.h"

/* Writes the reports as text, CSV and JSON; aborts with the output when
 * one of them fails output_checks.h.  Returns the JSON document (g_free
 * it), so a target can compare two runs. */
char *fuzz_render_checked(triage_report *const *reports, guint count);
/* The JSON document alone, unchecked: for a run already checked once. */
char *fuzz_render_json(triage_report *const *reports, guint count);

#endif
