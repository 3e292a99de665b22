/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * menubar.c — the Capture Triage menu of one-click display filters.
 *
 * It sits under Analyze, beside "Apply as Filter" and "Expert
 * Information": that is where an analyst goes to narrow the packet list,
 * while the reports live under Statistics.  Each entry applies a display
 * filter on our own fields, so the packet list shows exactly what
 * "tshark -2 -Y FILTER" shows.
 */
#include <stdio.h>

#include <epan/packet.h>
#include <epan/plugin_if.h>

#include "triage_plugin.h"

#ifndef TRIAGE_README_URL
#define TRIAGE_README_URL "file:///usr/share/doc/capture-triage/README.md"
#endif

static void apply_filter(ext_menubar_gui_type gui_type _U_, gpointer gui_object _U_, gpointer user_data)
{
    plugin_if_apply_filter((const char *)user_data, TRUE);
}

static void apply_slow_filter(ext_menubar_gui_type gui_type _U_, gpointer gui_object _U_,
                              gpointer user_data _U_)
{
    char filter[96];
    guint threshold = triage_prefs.rtt_slow_ms ? triage_prefs.rtt_slow_ms : TRIAGE_DEFAULT_SLOW_MS;
    snprintf(filter, sizeof filter, "triage.rtt.handshake > %u.%03u", threshold / 1000, threshold % 1000);
    plugin_if_apply_filter(filter, TRUE);
}

/* The filters are public so the README, tests and menu say the same thing. */
const char *const triage_filter_syn_packets = "tcp.flags.syn == 1";
/* Wireshark 4.0 requires commas between set elements. */
const char *const triage_filter_failed_handshakes =
    "triage.rtt.outcome in {\"refused\", \"unanswered\", \"incomplete\", \"client_reset\"}";
const char *const triage_filter_violations = "triage.policy.violation";

void triage_register_menus(void)
{
    ext_menu_t *menu = ext_menubar_register_menu(triage_protocol_id(), "Capture Triage", TRUE);
    ext_menubar_set_parentmenu(menu, "Analyze");
    ext_menubar_add_entry(menu, "SYN packets", "Every SYN and SYN/ACK: " "tcp.flags.syn == 1",
                          apply_filter, (gpointer)triage_filter_syn_packets);
    ext_menubar_add_entry(menu, "Slow handshakes",
                          "Handshakes slower than triage.rtt_slow_ms (200 ms when unset)",
                          apply_slow_filter, NULL);
    ext_menubar_add_entry(menu, "Failed handshakes",
                          "Refused, unanswered, incomplete and client-reset handshakes",
                          apply_filter, (gpointer)triage_filter_failed_handshakes);
    ext_menubar_add_entry(menu, "Policy violations", "Every packet of a connection an alert rule matched",
                          apply_filter, (gpointer)triage_filter_violations);
    ext_menubar_add_separator(menu);
    ext_menubar_add_website(menu, "Capture Triage documentation", "The README", TRIAGE_README_URL);
}
