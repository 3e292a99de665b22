/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gui_table.c — report tables as Wireshark statistics tables (gui_table.h).
 *
 * How a dialog fills (Wireshark's SimpleStatisticsDialog, and tshark's
 * "-z NAME" for the same registration): it calls our init, listens on the
 * "triage" tap with the dialog's display filter, reads the packets again and
 * draws the tables.  Our packet callback only notes which connections the
 * filter selected (a connection counts if any of its packets matches, as
 * for "-z triage"); the engines already hold everything else.  The report
 * can only be built once that pass is over, and Wireshark calls no code of
 * ours then, so the first selected packet registers a second, unfiltered
 * listener whose draw callback builds the report and fills the
 * tables.  Registered after the dialog's listener, it sits before it in
 * Wireshark's list and is drawn first; the Qt dialog draws once more after
 * the pass anyway.  It stays registered, idle, until the table is opened
 * again.
 *
 * The Qt dialog keeps pointers to our rows, and several dialogs of one kind
 * share them: rows are therefore never freed while a dialog may show them,
 * only retired, and freed when the table is opened with no other dialog of
 * its kind open.
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>
#include <epan/stat_groups.h>

#include "triage_compat.h"
#include "triage_plugin.h"
#include "options.h"
#include "report_builders.h"
#include "report_model.h"
#include "gui_table.h"
#include "ui_menus.h"

typedef struct gui_table_kind {
    stat_tap_table_ui ui; /* first: Wireshark hands our callbacks &ui */
    const triage_gui_table *description;
    triage_selection selection;
    guint64 matched_frames;   /* frames the dialog's filter let through */
    gboolean fill_pending;    /* the tables wait for the end of this pass */
    gboolean filler_listening;
    GPtrArray *retired_rows;  /* of stat_tap_table_item_type[] */
    GStringChunk *strings;    /* the cells' strings, retired with the rows */
} gui_table_kind;

static gui_table_kind *kind_of(stat_tap_table_ui *ui)
{
    return (gui_table_kind *)ui;
}

static stat_tap_table *the_table(gui_table_kind *kind)
{
    return kind->ui.tables && kind->ui.tables->len ? g_array_index(kind->ui.tables, stat_tap_table *, 0) : NULL;
}

/* ---- rows ------------------------------------------------------------------ */

static void retire_rows(gui_table_kind *kind, stat_tap_table *table)
{
    for (guint row = 0; row < table->num_elements; row++)
        g_ptr_array_add(kind->retired_rows, table->elements[row]);
    g_free(table->elements);
    table->elements = NULL;
    table->num_elements = 0;
}

static const char *keep_string(gui_table_kind *kind, const char *text)
{
    if (!kind->strings)
        kind->strings = g_string_chunk_new(4096);
    return g_string_chunk_insert_const(kind->strings, text);
}

static void set_item(gui_table_kind *kind, stat_tap_table_item_type *item, const triage_gui_column *column,
                     const triage_cell *cell)
{
    memset(item, 0, sizeof *item);
    if (triage_cell_is_null(cell)) {
        /* Blank on screen; sorts as 0 (Wireshark compares by the other
         * row's type).  A text column shows an empty string. */
        item->type = column->kind == TRIAGE_GUI_TEXT ? TABLE_ITEM_STRING : TABLE_ITEM_NONE;
        if (item->type == TABLE_ITEM_STRING)
            item->value.string_value = keep_string(kind, "");
        return;
    }
    if (column->kind == TRIAGE_GUI_NUMBER && cell->type == TRIAGE_CELL_INTEGER) {
        item->type = TABLE_ITEM_UINT;
        /* 4.0's tables hold 32-bit numbers: a larger count shows its
         * ceiling rather than wrapping to a small number. */
        item->value.uint_value = cell->as.integer < 0 ? 0 :
                                 cell->as.integer > G_MAXUINT32 ? G_MAXUINT32 : (guint)cell->as.integer;
    } else if (column->kind == TRIAGE_GUI_SECONDS && cell->type == TRIAGE_CELL_DURATION) {
        item->type = TABLE_ITEM_FLOAT;
        item->value.float_value = (double)cell->as.integer / TRIAGE_NS_PER_SECOND;
    } else {
        GString *text = g_string_new(NULL);
        triage_cell_append_human_text(text, cell);
        item->type = TABLE_ITEM_STRING;
        item->value.string_value = keep_string(kind, text->str);
        g_string_free(text, TRUE);
    }
}

static guint column_index(const triage_table *table, const char *key)
{
    for (guint i = 0; i < triage_table_column_count(table); i++)
        if (strcmp(triage_table_column(table, i)->key, key) == 0)
            return i;
    return G_MAXUINT;
}

static const triage_cell *cell_at(const triage_table *table, guint row, const char *key)
{
    guint column = column_index(table, key);
    return column == G_MAXUINT ? NULL : triage_table_cell(table, row, column);
}

static void add_row(gui_table_kind *kind, stat_tap_table *table, const triage_table *parent, guint parent_row,
                    const triage_table *rows, guint row)
{
    const triage_gui_table *description = kind->description;
    stat_tap_table_item_type *items = g_new0(stat_tap_table_item_type, description->column_count);
    for (guint i = 0; i < description->column_count; i++) {
        const triage_gui_column *column = &description->columns[i];
        const triage_cell *cell = column->of_parent ? cell_at(parent, parent_row, column->key)
                                                    : cell_at(rows, row, column->key);
        set_item(kind, &items[i], column, cell);
    }
    stat_tap_init_table_row(table, table->num_elements, description->column_count, items);
    g_free(items);
}

static const triage_table *find_table(const triage_report *report, const char *name)
{
    for (guint i = 0; i < report->tables->len; i++) {
        const triage_table *table = g_ptr_array_index(report->tables, i);
        if (strcmp(table->name, name) == 0)
            return table;
    }
    return NULL;
}

static void fill_from_report(gui_table_kind *kind, stat_tap_table *table, const triage_report *report)
{
    const triage_gui_table *description = kind->description;
    const triage_table *source = find_table(report, description->table);
    if (!source)
        return;
    for (guint row = 0; row < triage_table_row_count(source); row++) {
        const triage_cell *nested;
        if (!description->nested) {
            add_row(kind, table, source, row, source, row);
            continue;
        }
        nested = cell_at(source, row, description->nested);
        if (triage_cell_is_null(nested) || nested->type != TRIAGE_CELL_TABLE)
            continue;
        for (guint inner = 0; inner < triage_table_row_count(nested->as.table); inner++)
            add_row(kind, table, source, row, nested->as.table, inner);
    }
}

static triage_report *build_report(gui_table_kind *kind)
{
    const triage_session *session = triage_glue_session();
    triage_report_options options;
    /* Every frame passed the filter (or there was none): the report of the
     * whole capture, exactly as -z triage without a filter. */
    gboolean filtering = session == NULL || kind->matched_frames < triage_session_packet_count(session);

    triage_report_options_for_run(&options, kind->description->top, kind->description->top,
                                  TRIAGE_SORT_CONNECTIONS, NULL, filtering ? &kind->selection : NULL);
    /* A table shows one table of its report: the others' rows are not
     * ranked beyond one (every server would otherwise rank every handshake). */
    if (strcmp(kind->description->table, "servers") == 0) {
        options.servers_top = kind->description->top;
        options.top = 1;
    }
    return triage_build_report(kind->description->report, &options);
}

/* ---- the listeners ------------------------------------------------------------ */

static tap_packet_status filler_packet(void *data _U_, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                       const void *tap_data _U_, tap_flags_t flags _U_)
{
    return TAP_PACKET_DONT_REDRAW;
}

static void filler_draw(void *data)
{
    gui_table_kind *kind = data;
    stat_tap_table *table = the_table(kind);
    triage_report *report;
    if (!kind->fill_pending || !table)
        return;
    kind->fill_pending = FALSE;
    report = build_report(kind);
    if (report == NULL)
        return;
    fill_from_report(kind, table, report);
    triage_report_free(report);
}

static tap_packet_status table_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                      const void *data, tap_flags_t flags _U_)
{
    gui_table_kind *kind = kind_of(((stat_data_t *)tapdata)->stat_tap_data);
    kind->matched_frames++;
    triage_selection_add(&kind->selection, data);
    if (!kind->filler_listening) {
        GString *error = register_tap_listener("triage", kind, NULL, TL_REQUIRES_NOTHING, NULL, filler_packet,
                                               filler_draw, NULL);
        if (error)
            g_string_free(error, TRUE);
        else
            kind->filler_listening = TRUE;
    }
    return TAP_PACKET_DONT_REDRAW;
}

/* ---- the table's lifetime ---------------------------------------------------- */

static void free_retired(gui_table_kind *kind)
{
    g_ptr_array_set_size(kind->retired_rows, 0);
    if (kind->strings)
        g_string_chunk_free(kind->strings);
    kind->strings = NULL;
}

static void table_init(stat_tap_table_ui *ui)
{
    gui_table_kind *kind = kind_of(ui);
    stat_tap_table *table = the_table(kind);

    /* Outside any pass: the listener of the last opening can go. */
    if (kind->filler_listening) {
        remove_tap_listener(kind);
        kind->filler_listening = FALSE;
    }
    /* The table starts empty: a filter that selects nothing shows nothing.
     * The Qt dialog being filled holds a reference and tshark none; with no
     * other dialog of this kind open, no view points at the old rows. */
    if (table)
        retire_rows(kind, table);
    if (ui->refcount <= 1)
        free_retired(kind);
    if (!table) {
        table = stat_tap_init_table(ui->title, (int)ui->nfields, 0, NULL);
        stat_tap_add_table(ui, table);
    }
    triage_selection_clear(&kind->selection);
    kind->matched_frames = 0;
    kind->fill_pending = TRUE;
    /* Before the first packet: no frame misses its payload. */
    triage_glue_want_payloads();
}

static void table_reset(stat_tap_table *table _U_)
{
    /* The dialog reads the packets again: only the selection starts over;
     * the rows stay until the pass is over (the dialog clears its view). */
}

static void table_free_item(stat_tap_table *table _U_, guint row _U_, guint column _U_,
                            stat_tap_table_item_type *field_data _U_)
{
    /* Strings live in the kind's string chunk. */
}

static void free_row(gpointer row)
{
    g_free(row);
}

/* Every registered kind, for the life of the process: Wireshark keeps only
 * a pointer to the ui member, and drops even that when epan is cleaned up,
 * so without this list a kind would be unreachable (a leak) at exit. */
static GPtrArray *registered_kinds;

void triage_gui_table_register(const triage_gui_table *description)
{
    gui_table_kind *kind = g_new0(gui_table_kind, 1);
    stat_tap_table_item *fields = g_new0(stat_tap_table_item, description->column_count);

    for (guint i = 0; i < description->column_count; i++) {
        const triage_gui_column *column = &description->columns[i];
        fields[i].column_name = column->heading;
        /* Wireshark 4.6 formats cells with field_format: it must fit the type. */
        switch (column->kind) {
        case TRIAGE_GUI_NUMBER:
            fields[i].type = TABLE_ITEM_UINT;
            fields[i].align = TAP_ALIGN_RIGHT;
            fields[i].field_format = "%u";
            break;
        case TRIAGE_GUI_SECONDS:
            fields[i].type = TABLE_ITEM_FLOAT;
            fields[i].align = TAP_ALIGN_RIGHT;
            fields[i].field_format = "%.6f";
            break;
        case TRIAGE_GUI_TEXT:
            fields[i].type = TABLE_ITEM_STRING;
            fields[i].align = TAP_ALIGN_LEFT;
            fields[i].field_format = "%s";
            break;
        }
    }
    kind->description = description;
    kind->retired_rows = g_ptr_array_new_with_free_func(free_row);
    triage_selection_init(&kind->selection, TRUE);
    kind->ui.group = REGISTER_PACKET_STAT_GROUP_UNSORTED;
    kind->ui.title = description->title;
    kind->ui.tap_name = "triage";
    kind->ui.cli_string = description->cli_string;
    kind->ui.stat_tap_init_cb = table_init;
    kind->ui.packet_func = table_packet;
    kind->ui.stat_tap_reset_table_cb = table_reset;
    kind->ui.stat_tap_free_table_item_cb = table_free_item;
    kind->ui.nfields = description->column_count;
    kind->ui.fields = fields;
    kind->ui.tables = g_array_new(FALSE, TRUE, sizeof(stat_tap_table *));
    if (registered_kinds == NULL)
        registered_kinds = g_ptr_array_new();
    g_ptr_array_add(registered_kinds, kind);
    register_stat_tap_table_ui(&kind->ui);
}

void triage_register_gui_tables(void)
{
    triage_register_gui_tables_rtt();
    triage_register_gui_tables_policy();
    triage_register_gui_tables_dests();
}
