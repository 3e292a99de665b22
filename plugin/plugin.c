/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * plugin.c — the entry points Wireshark's plugin loader looks for.
 *
 * The module registers two halves that do not know each other: the
 * protocol (this folder: fields, preferences, the postdissector and its
 * "triage" tap) and the user interface (ui_menus/, a tap plugin that
 * listens on that tap).  Only their entry symbols meet here.
 */
#include <gmodule.h>
#include <epan/proto.h>
#include <epan/tap.h>
#include "triage_compat.h"

void proto_register_triage(void);
void proto_reg_handoff_triage(void);
/* ui_menus/ui_register.c */
extern const tap_plugin triage_user_interface;

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = TRIAGE_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
TRIAGE_PLUGIN_DESCRIBE(WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER)

void plugin_register(void)
{
    static proto_plugin triage_plugin;

    triage_plugin.register_protoinfo = proto_register_triage;
    triage_plugin.register_handoff = proto_reg_handoff_triage;
    proto_register_plugin(&triage_plugin);
    tap_register_plugin(&triage_user_interface);
}
