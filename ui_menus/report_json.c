/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_json.c — the JSON writer: one document per run (DESIGN §5),
 * indented by two spaces so a person can read it and diff it.
 *
 * Every string goes through write_string(), which makes the output valid
 * JSON whatever bytes a capture put into a string.
 */
#include "report_model.h"

#define JSON_SCHEMA_VERSION 1

static void write_indent(FILE *out, guint depth)
{
    for (guint i = 0; i < depth; i++)
        fputs("  ", out);
}

/* RFC 8259: quote and backslash escaped, every control character as \u00XX,
 * invalid UTF-8 replaced (a JSON text must be UTF-8). */
static void write_string(FILE *out, const char *text)
{
    GString *valid = g_string_new(NULL);
    triage_append_valid_utf8(valid, text);
    fputc('"', out);
    for (const char *c = valid->str; *c != '\0'; c++) {
        guchar byte = (guchar)*c;
        if (byte == '"' || byte == '\\')
            fprintf(out, "\\%c", byte);
        else if (byte < 0x20 || byte == 0x7f)
            fprintf(out, "\\u%04x", byte);
        else
            fputc(byte, out);
    }
    fputc('"', out);
    g_string_free(valid, TRUE);
}

/* Objects and arrays are written member by member; the separator before a
 * member depends on whether it is the first. */
static void begin_member(FILE *out, gboolean *first, guint depth)
{
    fputs(*first ? "\n" : ",\n", out);
    *first = FALSE;
    write_indent(out, depth);
}

static void end_container(FILE *out, gboolean empty, guint depth, char closing)
{
    if (!empty) {
        fputc('\n', out);
        write_indent(out, depth);
    }
    fputc(closing, out);
}

static void write_key(FILE *out, gboolean *first, guint depth, const char *key)
{
    begin_member(out, first, depth);
    write_string(out, key);
    fputs(": ", out);
}

static void write_table(FILE *out, const triage_table *table, guint depth);

static void write_cell(FILE *out, const triage_cell *cell, guint depth)
{
    if (triage_cell_is_null(cell)) {
        fputs("null", out);
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
        fputc('[', out);
        for (guint i = 0; i < cell->as.list.count; i++)
            fprintf(out, "%s%" G_GINT64_FORMAT, i > 0 ? ", " : "", cell->as.list.values[i]);
        fputc(']', out);
        break;
    case TRIAGE_CELL_TABLE:
        write_table(out, cell->as.table, depth);
        break;
    default: {
        /* Integers, durations (a plain decimal number) and booleans are
         * already valid JSON in their machine form. */
        GString *text = g_string_new(NULL);
        triage_cell_append_machine_text(text, cell);
        fputs(text->str, out);
        g_string_free(text, TRUE);
        break;
    }
    }
}

/* One row as an object of columns first_column.. (KEYED rows leave out the
 * key, which is already the member name). */
static void write_row_object(FILE *out, const triage_table *table, guint row, guint first_column,
                             guint depth)
{
    gboolean first = TRUE;
    fputc('{', out);
    for (guint column = first_column; column < triage_table_column_count(table); column++) {
        write_key(out, &first, depth + 1, triage_table_column(table, column)->key);
        write_cell(out, triage_table_cell(table, row, column), depth + 1);
    }
    end_container(out, first, depth, '}');
}

static void write_list(FILE *out, const triage_table *table, guint depth)
{
    gboolean first = TRUE;
    fputc('[', out);
    for (guint row = 0; row < table->row_count; row++) {
        begin_member(out, &first, depth + 1);
        write_row_object(out, table, row, 0, depth + 1);
    }
    end_container(out, first, depth, ']');
}

static void write_keyed(FILE *out, const triage_table *table, guint depth)
{
    gboolean first = TRUE;
    GString *key = g_string_new(NULL);
    fputc('{', out);
    for (guint row = 0; row < table->row_count; row++) {
        g_string_truncate(key, 0);
        triage_cell_append_machine_text(key, triage_table_cell(table, row, 0));
        write_key(out, &first, depth + 1, key->str);
        write_row_object(out, table, row, 1, depth + 1);
    }
    end_container(out, first, depth, '}');
    g_string_free(key, TRUE);
}

static void write_values(FILE *out, const triage_table *table, guint depth)
{
    gboolean first = TRUE;
    fputc('[', out);
    for (guint row = 0; row < table->row_count; row++) {
        begin_member(out, &first, depth + 1);
        write_cell(out, triage_table_cell(table, row, 0), depth + 1);
    }
    end_container(out, first, depth, ']');
}

static void write_table(FILE *out, const triage_table *table, guint depth)
{
    switch (table->shape) {
    case TRIAGE_SHAPE_LIST:
        write_list(out, table, depth);
        break;
    case TRIAGE_SHAPE_RECORD:
        if (table->row_count == 0)
            fputs("null", out);
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

static void write_time_or_null(FILE *out, gboolean known, triage_time time)
{
    char text[TRIAGE_TIME_STRING_SIZE];
    if (!known) {
        fputs("null", out);
        return;
    }
    triage_format_timestamp(time, text, sizeof text);
    write_string(out, text);
}

static void write_capture(FILE *out, const triage_report *report, guint depth)
{
    gboolean first = TRUE;
    fputc('{', out);
    write_key(out, &first, depth + 1, "packets");
    fprintf(out, "%" G_GUINT64_FORMAT, report->packets);
    write_key(out, &first, depth + 1, "first");
    write_time_or_null(out, report->packets > 0, report->first);
    write_key(out, &first, depth + 1, "last");
    write_time_or_null(out, report->packets > 0, report->last);
    end_container(out, first, depth, '}');
}

static void write_report(FILE *out, const triage_report *report, guint depth)
{
    gboolean first = TRUE;
    fputc('{', out);
    write_key(out, &first, depth + 1, "report");
    write_string(out, report->name);
    write_key(out, &first, depth + 1, "filter");
    if (report->filter != NULL)
        write_string(out, report->filter);
    else
        fputs("null", out);
    write_key(out, &first, depth + 1, "capture");
    write_capture(out, report, depth + 1);
    for (guint i = 0; i < report->tables->len; i++) {
        const triage_table *table = g_ptr_array_index(report->tables, i);
        write_key(out, &first, depth + 1, table->name);
        write_table(out, table, depth + 1);
    }
    end_container(out, first, depth, '}');
}

void triage_write_json(FILE *out, triage_report *const *reports, guint count, const char *version)
{
    gboolean first = TRUE;
    fputc('{', out);
    write_key(out, &first, 1, "schema");
    fprintf(out, "%d", JSON_SCHEMA_VERSION);
    write_key(out, &first, 1, "tool");
    write_string(out, "capture-triage");
    write_key(out, &first, 1, "version");
    if (version != NULL)
        write_string(out, version);
    else
        fputs("null", out);
    write_key(out, &first, 1, "reports");
    gboolean first_report = TRUE;
    fputc('[', out);
    for (guint i = 0; i < count; i++) {
        begin_member(out, &first_report, 2);
        write_report(out, reports[i], 2);
    }
    end_container(out, first_report, 1, ']');
    end_container(out, first, 0, '}');
    fputc('\n', out);
}
