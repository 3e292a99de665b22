/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gui_table_dests.c — the Destinations and Ports report as statistics
 * tables: one row per destination (sort it by bytes or connections), and
 * one row per destination and port.  Country and AS come from the MaxMind
 * databases configured in Wireshark (Preferences › Name Resolution).
 */
#include "options.h"
#include "gui_table.h"

static const triage_gui_column destination_columns[] = {
    { "address", "Destination", TRIAGE_GUI_TEXT, FALSE },
    { "direction", "Direction", TRIAGE_GUI_TEXT, FALSE },
    { "connections", "Connections", TRIAGE_GUI_NUMBER, FALSE },
    { "packets_to", "Packets to", TRIAGE_GUI_NUMBER, FALSE },
    { "bytes_to", "Bytes to", TRIAGE_GUI_NUMBER, FALSE },
    { "packets_from", "Packets from", TRIAGE_GUI_NUMBER, FALSE },
    { "bytes_from", "Bytes from", TRIAGE_GUI_NUMBER, FALSE },
    { "initiators", "Initiators", TRIAGE_GUI_NUMBER, FALSE },
    { "ports_total", "Ports", TRIAGE_GUI_NUMBER, FALSE },
    { "country", "Country", TRIAGE_GUI_TEXT, FALSE },
    { "asn", "AS", TRIAGE_GUI_TEXT, FALSE },
    { "first", "First (UTC)", TRIAGE_GUI_TEXT, FALSE },
    { "last", "Last (UTC)", TRIAGE_GUI_TEXT, FALSE },
};

static const triage_gui_column port_columns[] = {
    { "address", "Destination", TRIAGE_GUI_TEXT, TRUE },
    { "direction", "Direction", TRIAGE_GUI_TEXT, TRUE },
    { "transport", "Transport", TRIAGE_GUI_TEXT, FALSE },
    { "port", "Port", TRIAGE_GUI_NUMBER, FALSE },
    { "service", "Service", TRIAGE_GUI_TEXT, FALSE },
    { "connections", "Connections", TRIAGE_GUI_NUMBER, FALSE },
    { "packets_to", "Packets to", TRIAGE_GUI_NUMBER, FALSE },
    { "bytes_to", "Bytes to", TRIAGE_GUI_NUMBER, FALSE },
    { "packets_from", "Packets from", TRIAGE_GUI_NUMBER, FALSE },
    { "bytes_from", "Bytes from", TRIAGE_GUI_NUMBER, FALSE },
    { "initiators", "Initiators", TRIAGE_GUI_NUMBER, FALSE },
    { "policy_rule", "Policy rule", TRIAGE_GUI_TEXT, FALSE },
};

static const triage_gui_table tables[] = {
    { "Capture Triage: Destinations", "triage_destinations", TRIAGE_REPORT_DESTS, "destinations", NULL,
      TRIAGE_MAX_TOP, destination_columns, G_N_ELEMENTS(destination_columns) },
    { "Capture Triage: Destination Ports", "triage_destination_ports", TRIAGE_REPORT_DESTS, "destinations",
      "ports", TRIAGE_MAX_TOP, port_columns, G_N_ELEMENTS(port_columns) },
};

void triage_register_gui_tables_dests(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(tables); i++)
        triage_gui_table_register(&tables[i]);
}
