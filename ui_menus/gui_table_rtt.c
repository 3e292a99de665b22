/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gui_table_rtt.c — the Handshake RTT report as statistics tables: per
 * server, the slowest handshakes and the longest setups.
 */
#include "options.h"
#include "gui_table.h"

/* The ranked lists keep their slowest thousand: a table of every handshake
 * of a large capture would take longer to draw than to read. */
#define RANKED_ROWS 1000

static const triage_gui_column server_columns[] = {
    { "address", "Server", TRIAGE_GUI_TEXT, FALSE },
    { "port", "Port", TRIAGE_GUI_NUMBER, FALSE },
    { "connections", "Connections", TRIAGE_GUI_NUMBER, FALSE },
    { "completed", "Completed", TRIAGE_GUI_NUMBER, FALSE },
    { "failed", "Failed", TRIAGE_GUI_NUMBER, FALSE },
    { "capture_point", "Capture point", TRIAGE_GUI_TEXT, FALSE },
    { "p50", "P50 (s)", TRIAGE_GUI_SECONDS, FALSE },
    { "p90", "P90 (s)", TRIAGE_GUI_SECONDS, FALSE },
    { "max", "Max (s)", TRIAGE_GUI_SECONDS, FALSE },
};

/* slowest and longest_setup share their columns */
static const triage_gui_column handshake_columns[] = {
    { "stream", "Stream", TRIAGE_GUI_NUMBER, FALSE },
    { "client", "Client", TRIAGE_GUI_TEXT, FALSE },
    { "client_port", "Client port", TRIAGE_GUI_NUMBER, FALSE },
    { "server", "Server", TRIAGE_GUI_TEXT, FALSE },
    { "server_port", "Server port", TRIAGE_GUI_NUMBER, FALSE },
    { "handshake", "Handshake (s)", TRIAGE_GUI_SECONDS, FALSE },
    { "syn_synack", "SYN to SYN/ACK (s)", TRIAGE_GUI_SECONDS, FALSE },
    { "synack_ack", "SYN/ACK to ACK (s)", TRIAGE_GUI_SECONDS, FALSE },
    { "setup", "Setup (s)", TRIAGE_GUI_SECONDS, FALSE },
    { "frames", "SYN, SYN/ACK, ACK frames", TRIAGE_GUI_TEXT, FALSE },
};

static const triage_gui_table tables[] = {
    { "Capture Triage: Handshake RTT per Server", "triage_servers", TRIAGE_REPORT_RTT, "servers", NULL,
      TRIAGE_MAX_TOP, server_columns, G_N_ELEMENTS(server_columns) },
    { "Capture Triage: Slowest Handshakes", "triage_slowest", TRIAGE_REPORT_RTT, "slowest", NULL,
      RANKED_ROWS, handshake_columns, G_N_ELEMENTS(handshake_columns) },
    { "Capture Triage: Longest Connection Setups", "triage_longest_setup", TRIAGE_REPORT_RTT, "longest_setup",
      NULL, RANKED_ROWS, handshake_columns, G_N_ELEMENTS(handshake_columns) },
};

void triage_register_gui_tables_rtt(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(tables); i++)
        triage_gui_table_register(&tables[i]);
}
