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
    triage_selection selection;
} report_run;

static void report_run_reset(void *data)
{
    triage_selection_clear(&((report_run *)data)->selection);
}

static tap_packet_status report_run_packet(void *data, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                           const void *tap_data _U_, tap_flags_t flags _U_)
{
    triage_selection_add_last_frame(&((report_run *)data)->selection);
    return TAP_PACKET_DONT_REDRAW;
}

static void report_run_draw(void *data)
{
    report_run *run = data;
    triage_write_reports(stdout, run->options.reports, run->options.format, run->options.top,
                         run->options.dests_top, run->options.sort, run->options.filter, &run->selection,
                         run->options.capture_name);
    fflush(stdout);
}

static void report_run_free(report_run *run)
{
    triage_selection_free(&run->selection);
    triage_options_clear(&run->options);
    g_free(run);
}

static void report_run_finish(void *data)
{
    triage_glue_report_listener_removed();
    report_run_free(data);
}

static TRIAGE_STAT_INIT_RETURN triage_tshark_init(const char *argument, void *userdata _U_)
{
    report_run *run = g_new0(report_run, 1);
    char *error = NULL;
    GString *tap_error;

    if (!triage_options_parse(argument, &run->options, &error)) {
        fprintf(stderr, "tshark: -z %s: %s\n", argument, error);
        g_free(error);
        report_run_free(run);
        TRIAGE_STAT_INIT_FAILED;
    }
    triage_selection_init(&run->selection, run->options.filter != NULL);
    tap_error = register_tap_listener("frame", run, run->options.filter, TL_REQUIRES_NOTHING,
                                      report_run_reset, report_run_packet, report_run_draw,
                                      report_run_finish);
    if (tap_error) {
        fprintf(stderr, "tshark: -z %s: the filter \"%s\" is not a valid display filter: %s\n",
                argument, run->options.filter ? run->options.filter : "", tap_error->str);
        g_string_free(tap_error, TRUE);
        report_run_free(run);
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
