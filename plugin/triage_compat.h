/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * triage_compat.h — the only place that knows Wireshark's API moved.
 *
 * A plugin is built per Wireshark minor version; the same sources must build
 * against 4.0, 4.2, 4.4 and 4.6.  Every version test lives here so the rest
 * of the code reads as if there were one Wireshark.
 */
#ifndef TRIAGE_COMPAT_H
#define TRIAGE_COMPAT_H

#include <ws_version.h>

#define TRIAGE_WIRESHARK_AT_LEAST(major, minor) \
    (WIRESHARK_VERSION_MAJOR > (major) || \
     (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* Boolean preferences are gboolean until 4.2 and bool from 4.4. */
#if TRIAGE_WIRESHARK_AT_LEAST(4, 4)
#include <stdbool.h>
typedef bool triage_pref_bool;
#else
typedef gboolean triage_pref_bool;
#endif

/* A UAT's update callback returns gboolean until 4.0 and bool from 4.2. */
#if TRIAGE_WIRESHARK_AT_LEAST(4, 2)
#include <stdbool.h>
#define TRIAGE_UAT_UPDATE_RETURN bool
#define TRIAGE_UAT_UPDATE_OK true
#define TRIAGE_UAT_UPDATE_FAILED false
#else
#define TRIAGE_UAT_UPDATE_RETURN gboolean
#define TRIAGE_UAT_UPDATE_OK TRUE
#define TRIAGE_UAT_UPDATE_FAILED FALSE
#endif

/* A custom -z init returns bool (success) from 4.6 on; before, it had to
 * exit() on error like tshark's own statistics do. */
#if TRIAGE_WIRESHARK_AT_LEAST(4, 6)
#define TRIAGE_STAT_INIT_RETURN bool
#define TRIAGE_STAT_INIT_OK return true
#define TRIAGE_STAT_INIT_FAILED return false
#else
#define TRIAGE_STAT_INIT_RETURN void
#define TRIAGE_STAT_INIT_OK return
#define TRIAGE_STAT_INIT_FAILED exit(1)
#endif

/* Stats tree registration returns its config from 4.4 on, and submenus are
 * separated by "//" instead of "/". */
#if TRIAGE_WIRESHARK_AT_LEAST(4, 4)
#define TRIAGE_STATS_TREE_MENU_SEPARATOR "//"
#else
#define TRIAGE_STATS_TREE_MENU_SEPARATOR "/"
#endif

/* Tap packet callbacks gained a flags argument in 4.0 already; keep the
 * signature in one place anyway. */
#define TRIAGE_TAP_PACKET_ARGS \
    void *tapdata, packet_info *pinfo, epan_dissect_t *edt, const void *data, tap_flags_t flags

#endif
