/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_builders.h — builds the three reports from the running capture's
 * engines, with Wireshark's knowledge (service names, protocol names,
 * MaxMind) plugged into the epan-free report builders.  Shared by the tshark
 * -z reports and the GUI dialogs so both print the same numbers.
 */
#ifndef TRIAGE_REPORT_BUILDERS_H
#define TRIAGE_REPORT_BUILDERS_H

#include <glib.h>
#include "report.h"
#include "options.h"

typedef gboolean (*triage_key_selected_fn)(guint32 key, void *user_data);

typedef struct triage_report_context {
    guint top;
    guint dests_top; /* the destinations table's rows; top by default */
    triage_sort sort;
    const char *filter;
    triage_key_selected_fn connection_selected; /* NULL = every connection */
    void *connection_selection;
    triage_key_selected_fn stream_selected;     /* NULL = every TCP stream */
    void *stream_selection;
} triage_report_context;

void triage_report_context_init(triage_report_context *context, guint top, triage_sort sort,
                                const char *filter, triage_key_selected_fn connection_selected,
                                void *connection_selection, triage_key_selected_fn stream_selected,
                                void *stream_selection);

/* Connections a display filter selected: a connection counts if any of its
 * packets matched (DESIGN §1).  Fed by a frame-tap listener that runs after
 * the postdissector; shared by the tshark and GUI reports. */
typedef struct triage_selection {
    GHashTable *connections; /* connection index + 1; NULL = no filter */
    GHashTable *streams;     /* tcp.stream + 1 */
} triage_selection;

void triage_selection_init(triage_selection *selection, gboolean filtering);
void triage_selection_clear(triage_selection *selection);
void triage_selection_free(triage_selection *selection);
/* Adds the connection of the frame the postdissector just processed. */
void triage_selection_add_last_frame(triage_selection *selection);

/* Builds the reports named by TRIAGE_REPORT_* bits and writes them as one
 * document.  capture_name heads each report's capture block; NULL = none. */
void triage_write_reports(FILE *out, guint reports, triage_format format, guint top, guint dests_top, triage_sort sort,
                          const char *filter, const triage_selection *selection, const char *capture_name);

triage_report *triage_build_rtt_report(const triage_report_context *context);
triage_report *triage_build_policy_report(const triage_report_context *context);
triage_report *triage_build_dests_report(const triage_report_context *context);

#endif
