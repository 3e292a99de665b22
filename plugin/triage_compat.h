/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * triage_compat.h — the only place that knows Wireshark's API moved.
 *
 * A plugin is built per Wireshark minor version; the same sources must build
 * against 4.0, 4.2, 4.4 and 4.6.  Every version test lives here so the rest
 * of the code reads as if there were one Wireshark.
 * tests/versions/compile-headers.sh compiles the plugin against the 4.4 and
 * 4.6 headers; tests/versions/chroot-test.sh runs it under their tshark.
 *
 * The macros expand where they are used, so this header includes only the
 * version number; the file using a macro includes the API it names.
 */
#ifndef TRIAGE_COMPAT_H
#define TRIAGE_COMPAT_H

#include <ws_version.h>

#define TRIAGE_WIRESHARK_AT_LEAST(major, minor) \
    (WIRESHARK_VERSION_MAJOR > (major) || \
     (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* From 4.4 the loader asks each plugin what it provides (About › Plugins
 * shows it); before, the symbol is simply not looked up. */
#if TRIAGE_WIRESHARK_AT_LEAST(4, 4)
#include <wsutil/plugins.h>
#define TRIAGE_PLUGIN_DESCRIBE(description) \
    WS_DLL_PUBLIC uint32_t plugin_describe(void); \
    uint32_t plugin_describe(void) { return (description); }
#else
#define TRIAGE_PLUGIN_DESCRIBE(description)
#endif

/* wsutil/pint.h's unaligned byte-order helpers are named phtonu16,
 * pntohu32, ... from 4.6 on (phton16, pntoh32, ... before).  The code uses
 * the new names. */
#if !TRIAGE_WIRESHARK_AT_LEAST(4, 6)
#define phtonu16 phton16
#define phtonu32 phton32
#define pntohu16 pntoh16
#define pntohu32 pntoh32
#endif

/* Boolean preferences are gboolean until 4.2 and bool from 4.4. */
#if TRIAGE_WIRESHARK_AT_LEAST(4, 4)
#include <stdbool.h>
typedef bool triage_pref_bool;
#else
typedef gboolean triage_pref_bool;
#endif

/* Callbacks whose return type went from gboolean to bool: a UAT's update
 * callback (bool in 4.4 and 4.6) and a funnel text window's button (bool
 * in 4.4 and 4.6).  4.2's headers cannot be checked here (see
 * tests/versions/README.md), so the type is taken from the installed
 * header's own typedef, which is right whichever side 4.2 is on.  Returning
 * true or false is correct for either type. */
#include <stdbool.h>
#define TRIAGE_UAT_UPDATE_RETURN __typeof__(((uat_update_cb_t)0)(NULL, NULL))
#define TRIAGE_UAT_UPDATE_OK true
#define TRIAGE_UAT_UPDATE_FAILED false
#define TRIAGE_FUNNEL_BUTTON_RETURN __typeof__(((funnel_bt_cb_t)0)(NULL, NULL))

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

/* dfilter_compile() reports errors as a string until 4.2 and as a
 * df_error_t from 4.4.  Returns TRUE when text compiles; else *error (g_free). */
#include <epan/dfilter/dfilter.h>
static inline gboolean triage_filter_compiles(const char *text, char **error)
{
    dfilter_t *filter = NULL;
#if TRIAGE_WIRESHARK_AT_LEAST(4, 4)
    df_error_t *failure = NULL;
    gboolean compiled = dfilter_compile(text, &filter, &failure);
    if (!compiled) {
        *error = g_strdup(failure && failure->msg ? failure->msg : "invalid filter");
        df_error_free(&failure);
    }
#else
    gchar *failure = NULL;
    gboolean compiled = dfilter_compile(text, &filter, &failure);
    if (!compiled) {
        *error = g_strdup(failure ? failure : "invalid filter");
        g_free(failure);
    }
#endif
    dfilter_free(filter);
    return compiled;
}

#endif
