/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_builders.h — the reports of the open capture, with Wireshark's
 * knowledge (service and protocol names, MaxMind) lent to the epan-free
 * builders of report/.  Shared by the tshark -z reports, the Statistics
 * windows and the Statistics tables, so all print the same numbers.
 */
#ifndef TRIAGE_REPORT_BUILDERS_H
#define TRIAGE_REPORT_BUILDERS_H

#include <glib.h>
#include "report.h"
#include "report_source.h"
#include "options.h"

/* Connections a display filter selected: a connection counts if any of its
 * packets matched (DESIGN §1).  Fed by a listener of the "triage" tap with
 * that filter. */
typedef struct triage_selection {
    GHashTable *connections; /* connection index + 1; NULL = no filter */
} triage_selection;

void triage_selection_init(triage_selection *selection, gboolean filtering);
void triage_selection_clear(triage_selection *selection);
void triage_selection_free(triage_selection *selection);
/* Adds the connection of a frame the "triage" tap published. */
void triage_selection_add(triage_selection *selection, const triage_frame_view *view);

/* Options for one run: top, sort and filter from the -z options (or the
 * GUI's), the selection (NULL or without a filter: every connection), the
 * policy's origin and Wireshark's names. */
void triage_report_options_for_run(triage_report_options *options, guint top, guint dests_top, triage_sort sort,
                                   const char *filter, const triage_selection *selection);

/* Builds one report (TRIAGE_REPORT_RTT, _POLICY or _DESTS) of the open
 * capture; NULL between captures. */
triage_report *triage_build_report(guint report, const triage_report_options *options);

/* Builds the reports named by TRIAGE_REPORT_* bits and appends them to out
 * as one document.  capture_name heads each report's capture block; NULL =
 * none. */
void triage_write_reports(GString *out, guint reports, triage_format format, const triage_report_options *options,
                          const char *capture_name);

#endif
