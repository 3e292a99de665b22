/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gui_table_policy.c — the Policy Findings report as statistics tables:
 * one row per rule, one row per connection a rule flagged, and one row
 * per DNS lookup of a listed name.
 */
#include "options.h"
#include "gui_table.h"

static const triage_gui_column rule_columns[] = {
    { "rule", "Rule", TRIAGE_GUI_TEXT, FALSE },
    { "severity", "Severity", TRIAGE_GUI_TEXT, FALSE },
    { "evidence", "Evidence", TRIAGE_GUI_TEXT, FALSE },
    { "connections", "Connections", TRIAGE_GUI_NUMBER, FALSE },
    { "matched_packets", "Matched packets", TRIAGE_GUI_NUMBER, FALSE },
    { "packets", "Packets", TRIAGE_GUI_NUMBER, FALSE },
    { "bytes", "Bytes", TRIAGE_GUI_NUMBER, FALSE },
    { "first_frame", "First frame", TRIAGE_GUI_NUMBER, FALSE },
    { "last_frame", "Last frame", TRIAGE_GUI_NUMBER, FALSE },
    { "first", "First (UTC)", TRIAGE_GUI_TEXT, FALSE },
    { "last", "Last (UTC)", TRIAGE_GUI_TEXT, FALSE },
    { "message", "Message", TRIAGE_GUI_TEXT, FALSE },
};

static const triage_gui_column connection_columns[] = {
    { "rule", "Rule", TRIAGE_GUI_TEXT, TRUE },
    { "severity", "Severity", TRIAGE_GUI_TEXT, TRUE },
    { "client", "Client", TRIAGE_GUI_TEXT, FALSE },
    { "server", "Server", TRIAGE_GUI_TEXT, FALSE },
    { "transport", "Transport", TRIAGE_GUI_TEXT, FALSE },
    { "port", "Port", TRIAGE_GUI_NUMBER, FALSE },
    { "evidence", "Evidence", TRIAGE_GUI_TEXT, FALSE },
    { "packets", "Packets", TRIAGE_GUI_NUMBER, FALSE },
    { "matched_packets", "Matched packets", TRIAGE_GUI_NUMBER, FALSE },
    { "first_frame", "First frame", TRIAGE_GUI_NUMBER, FALSE },
};

static const triage_gui_column lookup_columns[] = {
    { "rule", "Rule", TRIAGE_GUI_TEXT, FALSE },
    { "severity", "Severity", TRIAGE_GUI_TEXT, FALSE },
    { "evidence", "Evidence", TRIAGE_GUI_TEXT, FALSE },
    { "client", "Client", TRIAGE_GUI_TEXT, FALSE },
    { "name", "Name", TRIAGE_GUI_TEXT, FALSE },
    { "queries", "Queries", TRIAGE_GUI_NUMBER, FALSE },
    { "first_frame", "First frame", TRIAGE_GUI_NUMBER, FALSE },
    { "last_frame", "Last frame", TRIAGE_GUI_NUMBER, FALSE },
    { "first", "First (UTC)", TRIAGE_GUI_TEXT, FALSE },
    { "message", "Message", TRIAGE_GUI_TEXT, FALSE },
};

static const triage_gui_table tables[] = {
    { "Capture Triage: Policy Findings per Rule", "triage_findings", TRIAGE_REPORT_POLICY, "findings", NULL,
      TRIAGE_MAX_TOP, rule_columns, G_N_ELEMENTS(rule_columns) },
    { "Capture Triage: Policy Findings per Connection", "triage_finding_connections", TRIAGE_REPORT_POLICY,
      "findings", "endpoints", TRIAGE_MAX_TOP, connection_columns, G_N_ELEMENTS(connection_columns) },
    { "Capture Triage: Policy DNS Lookups", "triage_lookups", TRIAGE_REPORT_POLICY, "lookups", NULL,
      TRIAGE_MAX_TOP, lookup_columns, G_N_ELEMENTS(lookup_columns) },
};

void triage_register_gui_tables_policy(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(tables); i++)
        triage_gui_table_register(&tables[i]);
}
