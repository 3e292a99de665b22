/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * triage_plugin.h — what the plugin's parts share: the protocol id, the
 * preferences and the policy in force.  Nothing here knows the user
 * interface: ui_menus/ registers itself (ui_menus/ui_register.c).
 */
#ifndef TRIAGE_PLUGIN_H
#define TRIAGE_PLUGIN_H

#include <glib.h>
#include "tap_glue.h"

typedef struct triage_preferences {
    const char *policy_file;        /* "" = none */
    gint policy_mode;               /* TRIAGE_POLICY_MODE_* */
    const char *internal_networks;
    guint rtt_slow_ms;              /* 0 = no slow-handshake expert info */
    guint max_connections;
} triage_preferences;

enum { TRIAGE_POLICY_MODE_DENYLIST = 0, TRIAGE_POLICY_MODE_ALLOWLIST = 1 };

/* Thresholds the one-click "slow handshakes" filter uses when the
 * preference is 0. */
#define TRIAGE_DEFAULT_SLOW_MS 200
/* The engines keep about 190 bytes per TCP connection (BENCHMARKS.md), so
 * the bound caps them near 380 MB.  tshark itself keeps about 1 KB per TCP
 * connection and 750 bytes per packet, so a capture reaching the bound
 * already costs it several GB: the bound only stops the plugin's share from
 * growing without end (a long live capture, a flood of spoofed SYNs) and
 * never truncates a capture tshark handles comfortably. */
#define TRIAGE_DEFAULT_MAX_CONNECTIONS 2000000

extern triage_preferences triage_prefs;

int triage_protocol_id(void);

/* plugin/preferences.c */
void triage_register_preferences(int proto);
/* The settings of the capture about to start; the policy is referenced by
 * the session built from them. */
void triage_settings_for_capture(triage_session_settings *settings);
/* Where the policy in force came from: "default", "table" or "file". */
const char *triage_policy_source(void);
const char *triage_policy_path(void);      /* NULL unless from a file */
GPtrArray *triage_policy_errors(void);     /* of triage_policy_error* */

#endif
