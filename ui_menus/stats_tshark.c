/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats_tshark.c — "tshark -z triage[,rtt|policy|dests][,OPTIONS][,FILTER]".
 *
 * The engines are fed by the postdissector whatever reports run; a report
 * is a frame-tap listener that only remembers which connections its filter
 * selected (a connection counts if any of its packets matches), then builds
 * and prints its tables when tshark is done.
 */
#include <stdio.h>
#include <string.h>

#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>

#include "triage_compat.h"
#include "triage_plugin.h"
#include "options.h"
#include "report_builders.h"

typedef struct report_run {
    triage_options options;
    char *argument;
    GHashTable *selected_connections; /* connection index set; NULL = all */
    GHashTable *selected_streams;     /* tcp.stream set; NULL = all */
} report_run;

static void report_run_reset(void *data)
{
    report_run *run = data;
    if (run->selected_connections)
        g_hash_table_remove_all(run->selected_connections);
    if (run->selected_streams)
        g_hash_table_remove_all(run->selected_streams);
}

static tap_packet_status report_run_packet(void *data, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                           const void *tap_data _U_, tap_flags_t flags _U_)
{
    report_run *run = data;
    guint32 connection = triage_glue_last_frame_connection();
    guint32 stream = triage_glue_last_frame_tcp_stream();
    if (!run->selected_connections)
        return TAP_PACKET_DONT_REDRAW;
    /* Set lookups, not strings: this runs for every matching packet. */
    if (connection != TRIAGE_NO_CONNECTION)
        g_hash_table_add(run->selected_connections, GUINT_TO_POINTER(connection + 1));
    if (stream != TRIAGE_NO_CONNECTION)
        g_hash_table_add(run->selected_streams, GUINT_TO_POINTER(stream + 1));
    return TAP_PACKET_DONT_REDRAW;
}

static gboolean set_contains(guint32 key, void *user_data)
{
    return g_hash_table_contains((GHashTable *)user_data, GUINT_TO_POINTER(key + 1));
}

static void report_run_draw(void *data)
{
    report_run *run = data;
    triage_report *reports[3];
    guint count = 0;
    triage_report_context context;

    triage_report_context_init(&context, run->options.top, run->options.sort, run->options.filter,
                               run->selected_connections ? set_contains : NULL, run->selected_connections,
                               run->selected_streams ? set_contains : NULL, run->selected_streams);
    if (run->options.reports & TRIAGE_REPORT_RTT)
        reports[count++] = triage_build_rtt_report(&context);
    if (run->options.reports & TRIAGE_REPORT_POLICY)
        reports[count++] = triage_build_policy_report(&context);
    if (run->options.reports & TRIAGE_REPORT_DESTS)
        reports[count++] = triage_build_dests_report(&context);
    triage_reports_write(stdout, run->options.format, reports, count, TRIAGE_VERSION);
    fflush(stdout);
    for (guint i = 0; i < count; i++)
        triage_report_free(reports[i]);
}

static void report_run_finish(void *data)
{
    report_run *run = data;
    triage_glue_report_listener_removed();
    if (run->selected_connections)
        g_hash_table_destroy(run->selected_connections);
    if (run->selected_streams)
        g_hash_table_destroy(run->selected_streams);
    triage_options_clear(&run->options);
    g_free(run->argument);
    g_free(run);
}

static TRIAGE_STAT_INIT_RETURN triage_tshark_init(const char *argument, void *userdata _U_)
{
    report_run *run = g_new0(report_run, 1);
    char *error = NULL;
    GString *tap_error;

    if (!triage_options_parse(argument, &run->options, &error)) {
        fprintf(stderr, "tshark: -z %s: %s\n", argument, error);
        g_free(error);
        g_free(run);
        TRIAGE_STAT_INIT_FAILED;
    }
    run->argument = g_strdup(argument);
    if (run->options.filter) {
        run->selected_connections = g_hash_table_new(g_direct_hash, g_direct_equal);
        run->selected_streams = g_hash_table_new(g_direct_hash, g_direct_equal);
    }
    tap_error = register_tap_listener("frame", run, run->options.filter, TL_REQUIRES_NOTHING,
                                      report_run_reset, report_run_packet, report_run_draw,
                                      report_run_finish);
    if (tap_error) {
        fprintf(stderr, "tshark: -z %s: the filter \"%s\" is not a valid display filter: %s\n",
                argument, run->options.filter ? run->options.filter : "", tap_error->str);
        g_string_free(tap_error, TRUE);
        triage_options_clear(&run->options);
        g_free(run->argument);
        g_free(run);
        TRIAGE_STAT_INIT_FAILED;
    }
    triage_glue_report_listener_added();
    TRIAGE_STAT_INIT_OK;
}

void triage_register_reports(void)
{
    static stat_tap_ui triage_ui = {
        REGISTER_PACKET_STAT_GROUP_UNSORTED, "Capture Triage", "triage", triage_tshark_init, 0, NULL,
    };
    register_stat_tap_ui(&triage_ui, NULL);
}
