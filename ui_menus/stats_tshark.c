/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats_tshark.c — "tshark -z triage[,rtt|policy|dests][,OPTIONS][,FILTER]".
 *
 * The session is fed by the postdissector whatever reports run; a report is
 * a listener of the "triage" tap that only remembers which connections its
 * filter selected (a connection counts if any of its packets matches), then
 * builds and prints its tables when tshark is done.
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
#include "ui_menus.h"

typedef struct report_run {
    triage_options options;
    triage_selection selection;
} report_run;

static void report_run_reset(void *data)
{
    triage_selection_clear(&((report_run *)data)->selection);
}

static tap_packet_status report_run_packet(void *data, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                           const void *tap_data, tap_flags_t flags _U_)
{
    triage_selection_add(&((report_run *)data)->selection, tap_data);
    return TAP_PACKET_DONT_REDRAW;
}

static void report_run_draw(void *data)
{
    report_run *run = data;
    triage_report_options options;
    GString *out = g_string_new(NULL);

    triage_report_options_for_run(&options, run->options.top, run->options.dests_top, run->options.sort,
                                  run->options.filter, &run->selection);
    triage_write_reports(out, run->options.reports, run->options.format, &options, run->options.capture_name);
    fwrite(out->str, 1, out->len, stdout);
    fflush(stdout);
    g_string_free(out, TRUE);
}

static void report_run_free(report_run *run)
{
    triage_selection_free(&run->selection);
    triage_options_clear(&run->options);
    g_free(run);
}

static void report_run_finish(void *data)
{
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
    tap_error = register_tap_listener("triage", run, run->options.filter, TL_REQUIRES_NOTHING,
                                      report_run_reset, report_run_packet, report_run_draw,
                                      report_run_finish);
    if (tap_error) {
        fprintf(stderr, "tshark: -z %s: the filter \"%s\" is not a valid display filter: %s\n",
                argument, run->options.filter ? run->options.filter : "", tap_error->str);
        g_string_free(tap_error, TRUE);
        report_run_free(run);
        TRIAGE_STAT_INIT_FAILED;
    }
    /* Before the first packet: no frame misses its payload. */
    triage_glue_want_payloads();
    TRIAGE_STAT_INIT_OK;
}

void triage_register_reports(void)
{
    static stat_tap_ui triage_ui = {
        REGISTER_PACKET_STAT_GROUP_UNSORTED, "Capture Triage", "triage", triage_tshark_init, 0, NULL,
    };
    register_stat_tap_ui(&triage_ui, NULL);
}
