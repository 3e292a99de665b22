/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats_gui.c — Statistics › Capture Triage › … in the Qt GUI.
 *
 * Each entry opens a text window with exactly the report tshark prints for
 * "-z triage,REPORT": same builder, same renderer, so the GUI and tshark can
 * never disagree on a number.  Wireshark 4.0 gives plugins free-column
 * tables only as flat stat_tap_table dialogs and submenus only for
 * fixed-column stats trees; a text window keeps every column (p50/p90, bytes,
 * direction, severities), flat in Statistics like the built-in entries.
 * "Set filter…" selects connections as the -z FILTER does (a connection
 * counts if any of its packets matches), "Copy" puts the report on the
 * clipboard, "Copy as JSON" the JSON document, "Open visual report" the
 * HTML page in the browser.  "Go to slowest handshake" and "Go to first
 * finding" select that packet in the packet list (plugin_if_goto_frame):
 * Wireshark's statistics tables cannot jump to a packet, these windows can.
 */
#include <stdlib.h>
#include <string.h>

#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/funnel.h>
#include <epan/stat_groups.h>
#include <epan/plugin_if.h>
#include <glib/gstdio.h>

#include "triage_compat.h"
#include "triage_plugin.h"
#include "options.h"
#include "report_builders.h"
#include "report_model.h"
#include "ui_menus.h"

typedef struct gui_report {
    guint reports;                 /* TRIAGE_REPORT_* */
    const char *title;
    char *filter;                  /* NULL = every connection */
    triage_selection selection;    /* kept ready: the filter can change */
    funnel_text_window_t *window;
    gboolean listening;
} gui_report;

/* The loaded file's base name, for the capture's name in what leaves the
 * window (clipboard, visual report); NULL when Wireshark cannot say (built
 * without libpcap, or no file open).  g_free it. */
static char *loaded_file_name(void)
{
    ws_info_t *info = NULL;
    plugin_if_get_ws_info(&info);
    if (!info || !info->ws_info_supported || info->cf_state == FILE_CLOSED || !info->cf_filename
        || !*info->cf_filename)
        return NULL;
    return g_path_get_basename(info->cf_filename);
}

/* Exactly what "-z triage,REPORT,name=FILE" prints: the window and every
 * copy name the loaded file, since a copy leaves Wireshark. */
static GString *render(gui_report *report, triage_format format, guint top, guint dests_top)
{
    GString *text = g_string_new(NULL);
    char *name = loaded_file_name();
    triage_report_options options;

    triage_report_options_for_run(&options, top, dests_top, TRIAGE_SORT_CONNECTIONS, report->filter,
                                  report->filter ? &report->selection : NULL);
    triage_write_reports(text, report->reports, format, &options, name);
    g_free(name);
    return text;
}

static void gui_reset(void *data)
{
    triage_selection_clear(&((gui_report *)data)->selection);
}

static tap_packet_status gui_packet(void *data, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                    const void *tap_data, tap_flags_t flags _U_)
{
    gui_report *report = data;
    if (report->filter)
        triage_selection_add(&report->selection, tap_data);
    return TAP_PACKET_REDRAW;
}

static void gui_draw(void *data)
{
    gui_report *report = data;
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    GString *text;
    if (!report->window || !ops)
        return;
    text = render(report, TRIAGE_FORMAT_TEXT, TRIAGE_DEFAULT_TOP, TRIAGE_DEFAULT_TOP);
    ops->set_text(report->window, text->str);
    g_string_free(text, TRUE);
}

static void stop_listening(gui_report *report)
{
    if (report->listening) {
        remove_tap_listener(report);
        report->listening = FALSE;
    }
}

static gboolean start_listening(gui_report *report, char **error)
{
    /* No tree: the GUI keeps each frame's marks anyway (packet-triage.c),
     * and a tree for every frame would make the window slower to open than
     * Wireshark's own statistics. */
    GString *tap_error = register_tap_listener("triage", report, report->filter, TL_REQUIRES_NOTHING,
                                               gui_reset, gui_packet, gui_draw, NULL);
    if (tap_error) {
        *error = g_string_free(tap_error, FALSE);
        return FALSE;
    }
    report->listening = TRUE;
    return TRUE;
}

static void window_closed(void *data)
{
    gui_report *report = data;
    stop_listening(report);
    report->window = NULL;
    triage_selection_free(&report->selection);
    g_free(report->filter);
    g_free(report);
}

static void copy_report(gui_report *report, triage_format format)
{
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    GString *text = render(report, format, TRIAGE_DEFAULT_TOP, TRIAGE_DEFAULT_TOP);
    ops->copy_to_clipboard(text);
    g_string_free(text, TRUE);
}

static TRIAGE_FUNNEL_BUTTON_RETURN copy_text(funnel_text_window_t *window _U_, void *data)
{
    copy_report(data, TRIAGE_FORMAT_TEXT);
    return TRUE;
}

static TRIAGE_FUNNEL_BUTTON_RETURN copy_json(funnel_text_window_t *window _U_, void *data)
{
    copy_report(data, TRIAGE_FORMAT_JSON);
    return TRUE;
}

/* ---- Open visual report --------------------------------------------------
 * The page goes to a private temporary folder and stays there until
 * Wireshark exits: the browser may read it long after the click, and a page
 * a user saved elsewhere is theirs to keep. */
static char *visual_report_folder;
static GPtrArray *visual_report_files; /* char *, paths to remove at exit */

static void remove_visual_reports(void)
{
    for (guint i = 0; visual_report_files && i < visual_report_files->len; i++)
        g_remove(g_ptr_array_index(visual_report_files, i));
    if (visual_report_folder)
        g_rmdir(visual_report_folder);
}

static TRIAGE_FUNNEL_BUTTON_RETURN open_visual_report(funnel_text_window_t *window _U_, void *data)
{
    gui_report *report = data;
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    GError *error = NULL;
    char *path;
    GString *page;

    if (!visual_report_folder) {
        visual_report_folder = g_dir_make_tmp("capture-triage-XXXXXX", &error);
        if (!visual_report_folder) {
            ops->set_text(report->window, error->message);
            g_error_free(error);
            return TRUE;
        }
        visual_report_files = g_ptr_array_new_with_free_func(g_free);
        atexit(remove_visual_reports);
    }
    path = g_strdup_printf("%s" G_DIR_SEPARATOR_S "report-%u.html", visual_report_folder,
                           visual_report_files->len + 1);
    /* the page's own row caps, as -z triage,format=html gives them */
    page = render(report, TRIAGE_FORMAT_HTML, TRIAGE_HTML_DEFAULT_TOP, TRIAGE_HTML_DEFAULT_DESTS_TOP);
    if (!g_file_set_contents(path, page->str, (gssize)page->len, &error)) {
        ops->set_text(report->window, error->message);
        g_error_free(error);
        g_string_free(page, TRUE);
        g_free(path);
        return TRUE;
    }
    g_string_free(page, TRUE);
    g_ptr_array_add(visual_report_files, path);
    ops->browser_open_data_file(path);
    return TRUE;
}

/* ---- Go to a packet ----------------------------------------------------------
 * The frame comes from the window's own report (its filter included), built
 * afresh, so the button always agrees with the text shown. */
static triage_report *build_for_window(gui_report *report, guint kind)
{
    triage_report_options options;

    triage_report_options_for_run(&options, TRIAGE_DEFAULT_TOP, TRIAGE_DEFAULT_TOP, TRIAGE_SORT_CONNECTIONS,
                                  report->filter, report->filter ? &report->selection : NULL);
    return triage_build_report(kind, &options); /* NULL between captures */
}

/* The cell of a report's table, NULL when the table, row or column is not there. */
static const triage_cell *report_cell(const triage_report *report, const char *table_name, guint row,
                                      const char *key)
{
    for (guint t = 0; t < report->tables->len; t++) {
        const triage_table *table = g_ptr_array_index(report->tables, t);
        if (strcmp(table->name, table_name) != 0 || row >= triage_table_row_count(table))
            continue;
        for (guint column = 0; column < triage_table_column_count(table); column++)
            if (strcmp(triage_table_column(table, column)->key, key) == 0)
                return triage_table_cell(table, row, column);
    }
    return NULL;
}

/* The slowest handshake's first SYN (its row in "Slowest handshakes"). */
static guint32 slowest_handshake_frame(gui_report *report)
{
    triage_report *built = build_for_window(report, TRIAGE_REPORT_RTT);
    const triage_cell *frames = built ? report_cell(built, "slowest", 0, "frames") : NULL;
    guint32 frame = 0;
    if (frames && !triage_cell_is_null(frames) && frames->type == TRIAGE_CELL_INTEGER_LIST &&
        frames->as.list.count > 0 && frames->as.list.values[0] > 0)
        frame = (guint32)frames->as.list.values[0];
    triage_report_free(built);
    return frame;
}

/* The earliest packet any finding matched. */
static guint32 first_finding_frame(gui_report *report)
{
    triage_report *built = build_for_window(report, TRIAGE_REPORT_POLICY);
    guint32 frame = 0;
    const triage_cell *cell;
    for (guint row = 0; built && (cell = report_cell(built, "findings", row, "first_frame")) != NULL; row++)
        if (!triage_cell_is_null(cell) && cell->as.integer > 0 && (!frame || cell->as.integer < frame))
            frame = (guint32)cell->as.integer;
    triage_report_free(built);
    return frame;
}

static TRIAGE_FUNNEL_BUTTON_RETURN go_to_slowest_handshake(funnel_text_window_t *window _U_, void *data)
{
    guint32 frame = slowest_handshake_frame(data);
    if (frame)
        plugin_if_goto_frame(frame);
    return TRUE;
}

static TRIAGE_FUNNEL_BUTTON_RETURN go_to_first_finding(funnel_text_window_t *window _U_, void *data)
{
    guint32 frame = first_finding_frame(data);
    if (frame)
        plugin_if_goto_frame(frame);
    return TRUE;
}

static void filter_entered(gchar **values, void *data)
{
    gui_report *report = data;
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    char *previous = report->filter;
    char *error = NULL;

    stop_listening(report);
    report->filter = (values && values[0] && *g_strstrip(values[0])) ? g_strdup(values[0]) : NULL;
    if (!start_listening(report, &error)) {
        char *message = g_strdup_printf("The filter \"%s\" is not a valid display filter: %s\n",
                                        report->filter, error);
        g_free(report->filter);
        report->filter = previous;
        start_listening(report, &error);
        ops->set_text(report->window, message);
        g_free(message);
        g_free(error);
        return;
    }
    g_free(previous);
    ops->retap_packets(ops->ops_id);
}

static TRIAGE_FUNNEL_BUTTON_RETURN ask_filter(funnel_text_window_t *window _U_, void *data)
{
    gui_report *report = data;
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    static const gchar *labels[] = { "Connection filter (a connection counts if any of its packets matches)", NULL };
    const gchar *values[] = { report->filter ? report->filter : "", NULL };
    ops->new_dialog(ops->ops_id, report->title, labels, values, filter_entered, report, NULL);
    return TRUE;
}

static void add_button(funnel_text_window_t *window, const char *label, funnel_bt_cb_t callback,
                       gui_report *report)
{
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    funnel_bt_t *button = g_new0(funnel_bt_t, 1);
    button->tw = window;
    button->func = callback;
    button->data = report;
    button->free_fcn = g_free;  /* frees the button itself */
    button->free_data_fcn = NULL;
    ops->add_button(window, button, label);
}

typedef struct menu_entry {
    const char *title;
    guint reports;
} menu_entry;

static void open_report(gpointer data)
{
    const menu_entry *entry = data;
    const funnel_ops_t *ops = funnel_get_funnel_ops();
    gui_report *report;
    char *error = NULL;

    if (!ops)
        return;
    report = g_new0(gui_report, 1);
    report->reports = entry->reports;
    report->title = entry->title;
    triage_selection_init(&report->selection, TRUE);
    if (!start_listening(report, &error)) {
        g_free(error);
        window_closed(report);
        return;
    }
    report->window = ops->new_text_window(ops->ops_id, entry->title);
    ops->set_close_cb(report->window, window_closed, report);
    add_button(report->window, "Set filter…", ask_filter, report);
    add_button(report->window, "Copy", copy_text, report);
    add_button(report->window, "Copy as JSON", copy_json, report);
    add_button(report->window, "Open visual report", open_visual_report, report);
    if (entry->reports & TRIAGE_REPORT_RTT)
        add_button(report->window, "Go to slowest handshake", go_to_slowest_handshake, report);
    if (entry->reports & TRIAGE_REPORT_POLICY)
        add_button(report->window, "Go to first finding", go_to_first_finding, report);
    ops->set_text(report->window, "Computing…");
    /* Qt ignores funnel_register_menu()'s retap flag: read the packets
     * again ourselves, and our draw callback fills the window. */
    ops->retap_packets(ops->ops_id);
}

void triage_register_gui_reports(void)
{
    static const menu_entry entries[] = {
        { "Capture Triage: Handshake RTT", TRIAGE_REPORT_RTT },
        { "Capture Triage: Policy Findings", TRIAGE_REPORT_POLICY },
        { "Capture Triage: Destinations and Ports", TRIAGE_REPORT_DESTS },
        { "Capture Triage: All Reports", TRIAGE_REPORT_ALL },
    };
    for (guint i = 0; i < G_N_ELEMENTS(entries); i++)
        funnel_register_menu(entries[i].title, REGISTER_PACKET_STAT_GROUP_UNSORTED, open_report,
                             (gpointer)&entries[i], NULL, TRUE);
}
