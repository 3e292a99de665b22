/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ui_register.c — registers everything the user sees: the -z reports, the
 * Statistics windows and tables, the Endpoints and Conversations tab, and
 * the Capture Triage menu.
 *
 * Wireshark calls it as a tap plugin (plugin/plugin.c registers it), after
 * every protocol and its handoff (so the triage protocol and its "triage"
 * tap exist) and before tshark reads its -z options and the GUI lists its
 * statistics.  The protocol side (plugin/) never calls into this folder.
 */
#include <epan/tap.h>

#include "ui_menus.h"

static void register_user_interface(void)
{
    triage_register_reports();
    triage_register_endpoint_tabs();
    triage_register_gui_reports();
    triage_register_gui_tables();
    triage_register_menus();
}

const tap_plugin triage_user_interface = { register_user_interface };
