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

triage_report *triage_build_rtt_report(const triage_report_context *context);
triage_report *triage_build_policy_report(const triage_report_context *context);
triage_report *triage_build_dests_report(const triage_report_context *context);

#endif
