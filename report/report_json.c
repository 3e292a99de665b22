/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_json.c — the JSON writer: one document per run (DESIGN §5),
 * indented by two spaces so a person can read it and diff it.
 *
 * Every string goes through write_string(), which makes the output valid
 * JSON whatever bytes a capture put into a string.
 */
#include "report_model.h"

/* 2: the "summary" member (docs/SUMMARY.md) a fleet merge reads; every
 * member of 1 is unchanged, so a reader of 1 keeps working. */
#define JSON_SCHEMA_VERSION 2

static void write_indent(GString *out, guint depth)
{
    for (guint i = 0; i < depth; i++)
        g_string_append(out, "  ");
}

/* RFC 8259: quote and backslash escaped, every control character as \u00XX,
 * invalid UTF-8 replaced (a JSON text must be UTF-8). */
static void write_string(GString *out, const char *text)
{
    GString *valid = g_string_new(NULL);
    triage_append_valid_utf8(valid, text);
    g_string_append_c(out, '"');
    for (const char *c = valid->str; *c != '\0'; c++) {
        guchar byte = (guchar)*c;
        if (byte == '"' || byte == '\\')
            g_string_append_printf(out, "\\%c", byte);
        else if (byte < 0x20 || byte == 0x7f)
            g_string_append_printf(out, "\\u%04x", byte);
        else
            g_string_append_c(out, byte);
    }
    g_string_append_c(out, '"');
    g_string_free(valid, TRUE);
}

/* Objects and arrays are written member by member; the separator before a
 * member depends on whether it is the first. */
static void begin_member(GString *out, gboolean *first, guint depth)
{
    g_string_append(out, *first ? "\n" : ",\n");
    *first = FALSE;
    write_indent(out, depth);
}

static void end_container(GString *out, gboolean empty, guint depth, char closing)
{
    if (!empty) {
        g_string_append_c(out, '\n');
        write_indent(out, depth);
    }
    g_string_append_c(out, closing);
}

static void write_key(GString *out, gboolean *first, guint depth, const char *key)
{
    begin_member(out, first, depth);
    write_string(out, key);
    g_string_append(out, ": ");
}

static void write_table(GString *out, const triage_table *table, guint depth);

static void write_cell(GString *out, const triage_cell *cell, guint depth)
{
    if (triage_cell_is_null(cell)) {
        g_string_append(out, "null");
        return;
    }
    switch (cell->type) {
    case TRIAGE_CELL_STRING:
        write_string(out, cell->as.string);
        break;
    case TRIAGE_CELL_TIMESTAMP: {
        /* A string: a double cannot hold an epoch to the nanosecond. */
        GString *text = g_string_new(NULL);
        triage_cell_append_machine_text(text, cell);
        write_string(out, text->str);
        g_string_free(text, TRUE);
        break;
    }
    case TRIAGE_CELL_INTEGER_LIST:
        /* Short lists of numbers read best on one line: [12, 13, 14]. */
        g_string_append_c(out, '[');
        for (guint i = 0; i < cell->as.list.count; i++)
            g_string_append_printf(out, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "", cell->as.list.values[i]);
        g_string_append_c(out, ']');
        break;
    case TRIAGE_CELL_TABLE:
        write_table(out, cell->as.table, depth);
        break;
    default: {
        /* Integers, durations (a plain decimal number) and booleans are
         * already valid JSON in their machine form. */
        GString *text = g_string_new(NULL);
        triage_cell_append_machine_text(text, cell);
        g_string_append(out, text->str);
        g_string_free(text, TRUE);
        break;
    }
    }
}

/* One row as an object of columns first_column.. (KEYED rows leave out the
 * key, which is already the member name). */
static void write_row_object(GString *out, const triage_table *table, guint row, guint first_column,
                             guint depth)
{
    gboolean first = TRUE;
    g_string_append_c(out, '{');
    for (guint column = first_column; column < triage_table_column_count(table); column++) {
        write_key(out, &first, depth + 1, triage_table_column(table, column)->key);
        write_cell(out, triage_table_cell(table, row, column), depth + 1);
    }
    end_container(out, first, depth, '}');
}

static void write_list(GString *out, const triage_table *table, guint depth)
{
    gboolean first = TRUE;
    g_string_append_c(out, '[');
    for (guint row = 0; row < table->row_count; row++) {
        begin_member(out, &first, depth + 1);
        write_row_object(out, table, row, 0, depth + 1);
    }
    end_container(out, first, depth, ']');
}

static void write_keyed(GString *out, const triage_table *table, guint depth)
{
    gboolean first = TRUE;
    GString *key = g_string_new(NULL);
    g_string_append_c(out, '{');
    for (guint row = 0; row < table->row_count; row++) {
        g_string_truncate(key, 0);
        triage_cell_append_machine_text(key, triage_table_cell(table, row, 0));
        write_key(out, &first, depth + 1, key->str);
        write_row_object(out, table, row, 1, depth + 1);
    }
    end_container(out, first, depth, '}');
    g_string_free(key, TRUE);
}

static void write_values(GString *out, const triage_table *table, guint depth)
{
    gboolean first = TRUE;
    g_string_append_c(out, '[');
    for (guint row = 0; row < table->row_count; row++) {
        begin_member(out, &first, depth + 1);
        write_cell(out, triage_table_cell(table, row, 0), depth + 1);
    }
    end_container(out, first, depth, ']');
}

static void write_table(GString *out, const triage_table *table, guint depth)
{
    switch (table->shape) {
    case TRIAGE_SHAPE_LIST:
        write_list(out, table, depth);
        break;
    case TRIAGE_SHAPE_RECORD:
        if (table->row_count == 0)
            g_string_append(out, "null");
        else
            write_row_object(out, table, 0, 0, depth);
        break;
    case TRIAGE_SHAPE_KEYED:
        write_keyed(out, table, depth);
        break;
    case TRIAGE_SHAPE_VALUES:
        write_values(out, table, depth);
        break;
    case TRIAGE_SHAPE_SCALAR:
        write_cell(out, triage_table_cell(table, 0, 0), depth);
        break;
    }
}

static void write_time_or_null(GString *out, gboolean known, triage_time time)
{
    char text[TRIAGE_TIME_STRING_SIZE];
    if (!known) {
        g_string_append(out, "null");
        return;
    }
    triage_format_timestamp(time, text, sizeof text);
    write_string(out, text);
}

static void write_capture(GString *out, const triage_report *report, guint depth)
{
    gboolean first = TRUE;
    g_string_append_c(out, '{');
    write_key(out, &first, depth + 1, "name");
    if (report->capture_name != NULL)
        write_string(out, report->capture_name);
    else
        g_string_append(out, "null");
    write_key(out, &first, depth + 1, "packets");
    g_string_append_printf(out, "%" G_GUINT64_FORMAT, report->packets);
    write_key(out, &first, depth + 1, "first");
    write_time_or_null(out, report->packets > 0, report->first);
    write_key(out, &first, depth + 1, "last");
    write_time_or_null(out, report->packets > 0, report->last);
    end_container(out, first, depth, '}');
}

static void write_report(GString *out, const triage_report *report, guint depth)
{
    gboolean first = TRUE;
    g_string_append_c(out, '{');
    write_key(out, &first, depth + 1, "report");
    write_string(out, report->name);
    write_key(out, &first, depth + 1, "filter");
    if (report->filter != NULL)
        write_string(out, report->filter);
    else
        g_string_append(out, "null");
    if (report->wireshark_version != NULL) {
        write_key(out, &first, depth + 1, "wireshark");
        write_string(out, report->wireshark_version);
    }
    write_key(out, &first, depth + 1, "capture");
    write_capture(out, report, depth + 1);
    for (guint i = 0; i < report->tables->len; i++) {
        const triage_table *table = g_ptr_array_index(report->tables, i);
        write_key(out, &first, depth + 1, table->name);
        write_table(out, table, depth + 1);
    }
    end_container(out, first, depth, '}');
}

void triage_append_json(GString *out, triage_report *const *reports, guint count, const char *version)
{
    triage_append_json_document(out, reports, count, version, NULL);
}

void triage_append_json_document(GString *out, triage_report *const *reports, guint count, const char *version,
                                 const char *summary)
{
    gboolean first = TRUE;
    g_string_append_c(out, '{');
    write_key(out, &first, 1, "schema");
    g_string_append_printf(out, "%d", JSON_SCHEMA_VERSION);
    write_key(out, &first, 1, "tool");
    write_string(out, "capture-triage");
    write_key(out, &first, 1, "version");
    if (version != NULL)
        write_string(out, version);
    else
        g_string_append(out, "null");
    write_key(out, &first, 1, "reports");
    gboolean first_report = TRUE;
    g_string_append_c(out, '[');
    for (guint i = 0; i < count; i++) {
        begin_member(out, &first_report, 2);
        write_report(out, reports[i], 2);
    }
    end_container(out, first_report, 1, ']');
    if (summary != NULL) {
        write_key(out, &first, 1, "summary");
        g_string_append(out, summary);
    }
    end_container(out, first, 0, '}');
    g_string_append_c(out, '\n');
}

void triage_write_json(GString *out, triage_report *const *reports, guint count, const char *version)
{
    triage_append_json(out, reports, count, version);
}
