/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report.c — building the report model (report.h) and handing it to a
 * writer.  Rendering lives in report_text.c, report_csv.c and report_json.c.
 */
#include "report_model.h"

#include <string.h>

/* Names the writers use themselves: the report's own JSON members, the CSV
 * capture table, and "table", which starts every CSV header row. */
static const char *const reserved_table_names[] = {"report", "filter", "wireshark", "capture", "table"};

static void cell_clear(triage_cell *cell)
{
    if (cell->is_null) {
        g_free(cell->as.string); /* the explanation, if any */
        return;
    }
    switch (cell->type) {
    case TRIAGE_CELL_STRING:
        g_free(cell->as.string);
        break;
    case TRIAGE_CELL_INTEGER_LIST:
        g_free(cell->as.list.values);
        break;
    case TRIAGE_CELL_TABLE:
        triage_table_free(cell->as.table);
        break;
    default:
        break;
    }
}

static void column_clear(gpointer data)
{
    triage_column *column = data;
    g_free(column->key);
    g_free(column->heading);
}

triage_table *triage_table_new(const char *name, const char *title, triage_table_shape shape)
{
    g_return_val_if_fail(name != NULL && *name != '\0', NULL);
    g_return_val_if_fail(shape <= TRIAGE_SHAPE_SCALAR, NULL);
    triage_table *table = g_new0(triage_table, 1);
    table->name = g_strdup(name);
    table->title = g_strdup(title != NULL ? title : name);
    table->shape = shape;
    table->columns = g_array_new(FALSE, TRUE, sizeof(triage_column));
    g_array_set_clear_func(table->columns, column_clear);
    table->cells = g_array_new(FALSE, TRUE, sizeof(triage_cell));
    table->footnotes = g_ptr_array_new_with_free_func(g_free);
    return table;
}

void triage_table_free(triage_table *table)
{
    if (table == NULL)
        return;
    for (guint i = 0; i < table->cells->len; i++)
        cell_clear(&g_array_index(table->cells, triage_cell, i));
    g_array_free(table->cells, TRUE);
    g_array_free(table->columns, TRUE);
    g_ptr_array_free(table->footnotes, TRUE);
    g_free(table->name);
    g_free(table->title);
    g_free(table);
}

static gboolean shape_has_one_column(triage_table_shape shape)
{
    return shape == TRIAGE_SHAPE_VALUES || shape == TRIAGE_SHAPE_SCALAR;
}

static gboolean shape_has_one_row(triage_table_shape shape)
{
    return shape == TRIAGE_SHAPE_RECORD || shape == TRIAGE_SHAPE_SCALAR;
}

void triage_table_set_text_below(triage_table *table, const char *key)
{
    g_return_if_fail(table != NULL && key != NULL);
    for (guint i = 0; i < table->columns->len; i++) {
        triage_column *column = &g_array_index(table->columns, triage_column, i);
        if (strcmp(column->key, key) == 0) {
            column->text_below = TRUE;
            return;
        }
    }
    g_critical("table '%s': no column '%s' to print below the rows", table->name, key);
}

void triage_table_add_column(triage_table *table, const char *key, const char *heading,
                             triage_cell_type type)
{
    g_return_if_fail(table != NULL);
    g_return_if_fail(key != NULL && *key != '\0');
    g_return_if_fail(type <= TRIAGE_CELL_TABLE);
    if (table->row_count > 0) {
        g_critical("table '%s': column '%s' added after the first row", table->name, key);
        return;
    }
    if (shape_has_one_column(table->shape) && table->columns->len == 1) {
        g_critical("table '%s': a VALUES or SCALAR table has one column, not '%s' too",
                   table->name, key);
        return;
    }
    for (guint i = 0; i < table->columns->len; i++) {
        if (strcmp(g_array_index(table->columns, triage_column, i).key, key) == 0) {
            g_critical("table '%s': column '%s' added twice", table->name, key);
            return;
        }
    }
    triage_column column = {
        .key = g_strdup(key),
        .heading = g_strdup(heading != NULL ? heading : key),
        .type = type,
    };
    g_array_append_val(table->columns, column);
}

static guint cells_expected(const triage_table *table)
{
    return table->row_count * table->columns->len;
}

static const triage_column *next_column(const triage_table *table)
{
    return &g_array_index(table->columns, triage_column, table->cells->len % table->columns->len);
}

static void append_null_cell(triage_table *table)
{
    triage_cell missing = {.type = next_column(table)->type, .is_null = TRUE};
    g_array_append_val(table->cells, missing);
}

void triage_table_begin_row(triage_table *table)
{
    g_return_if_fail(table != NULL);
    if (table->columns->len == 0) {
        g_critical("table '%s': row begun before any column", table->name);
        return;
    }
    if (shape_has_one_row(table->shape) && table->row_count == 1) {
        g_critical("table '%s': a RECORD or SCALAR table has one row", table->name);
        return;
    }
    if (table->cells->len < cells_expected(table)) {
        g_critical("table '%s': row %u has %u of %u cells", table->name, table->row_count - 1,
                   table->cells->len % table->columns->len, table->columns->len);
        /* Pad with nulls so every later row still lines up with its columns. */
        while (table->cells->len < cells_expected(table))
            append_null_cell(table);
    }
    table->row_count++;
}

/* The next cell's slot, or NULL (after a critical) when the row is full or
 * the value has the wrong type for its column. */
static triage_cell *next_cell(triage_table *table, triage_cell_type type, gboolean is_null)
{
    g_return_val_if_fail(table != NULL, NULL);
    if (table->row_count == 0 || table->cells->len >= cells_expected(table)) {
        g_critical("table '%s': cell added outside a row or beyond the last column",
                   table->name);
        return NULL;
    }
    const triage_column *column = next_column(table);
    if (!is_null && column->type != type) {
        g_critical("table '%s': column '%s' got a value of the wrong type", table->name,
                   column->key);
        return NULL;
    }
    g_array_set_size(table->cells, table->cells->len + 1);
    triage_cell *cell = &g_array_index(table->cells, triage_cell, table->cells->len - 1);
    cell->type = column->type;
    cell->is_null = is_null;
    return cell;
}

void triage_table_add_integer(triage_table *table, gint64 value)
{
    triage_cell *cell = next_cell(table, TRIAGE_CELL_INTEGER, FALSE);
    if (cell != NULL)
        cell->as.integer = value;
}

void triage_table_add_duration(triage_table *table, triage_time duration)
{
    triage_cell *cell = next_cell(table, TRIAGE_CELL_DURATION, FALSE);
    if (cell != NULL)
        cell->as.integer = duration;
}

void triage_table_add_timestamp(triage_table *table, triage_time timestamp)
{
    triage_cell *cell = next_cell(table, TRIAGE_CELL_TIMESTAMP, FALSE);
    if (cell != NULL)
        cell->as.integer = timestamp;
}

void triage_table_add_string(triage_table *table, const char *value)
{
    triage_cell *cell = next_cell(table, TRIAGE_CELL_STRING, value == NULL);
    if (cell != NULL && value != NULL)
        cell->as.string = g_strdup(value);
}

void triage_table_add_boolean(triage_table *table, gboolean value)
{
    triage_cell *cell = next_cell(table, TRIAGE_CELL_BOOLEAN, FALSE);
    if (cell != NULL)
        cell->as.boolean = value != FALSE;
}

void triage_table_add_integer_list(triage_table *table, const gint64 *values, guint count)
{
    g_return_if_fail(values != NULL || count == 0);
    triage_cell *cell = next_cell(table, TRIAGE_CELL_INTEGER_LIST, FALSE);
    if (cell != NULL) {
        cell->as.list.values = count > 0 ? g_new(gint64, count) : NULL;
        if (count > 0)
            memcpy(cell->as.list.values, values, count * sizeof *values);
        cell->as.list.count = count;
    }
}

void triage_table_add_table(triage_table *table, triage_table *nested)
{
    triage_cell *cell = next_cell(table, TRIAGE_CELL_TABLE, nested == NULL);
    if (cell == NULL) {
        triage_table_free(nested); /* ownership was passed: do not leak it */
        return;
    }
    if (nested != NULL)
        cell->as.table = nested;
}

void triage_table_add_null(triage_table *table)
{
    triage_cell *cell = next_cell(table, TRIAGE_CELL_INTEGER, TRUE);
    if (cell != NULL)
        cell->as.string = NULL;
}

void triage_table_add_null_explained(triage_table *table, const char *why)
{
    triage_cell *cell = next_cell(table, TRIAGE_CELL_INTEGER, TRUE);
    if (cell != NULL)
        cell->as.string = g_strdup(why);
}

guint triage_table_row_count(const triage_table *table)
{
    g_return_val_if_fail(table != NULL, 0);
    return table->row_count;
}

void triage_table_add_footnote(triage_table *table, const char *text)
{
    g_return_if_fail(table != NULL && text != NULL);
    g_ptr_array_add(table->footnotes, g_strdup(text));
}

void triage_table_add_not_shown(triage_table *table, guint available, guint shown, const char *one,
                                const char *many)
{
    char *text;

    if (available <= shown)
        return;
    text = g_strdup_printf("%u more %s not shown.", available - shown, available - shown == 1 ? one : many);
    triage_table_add_footnote(table, text);
    g_free(text);
}

guint triage_table_column_count(const triage_table *table)
{
    return table->columns->len;
}

const triage_column *triage_table_column(const triage_table *table, guint column)
{
    return &g_array_index(table->columns, triage_column, column);
}

const triage_cell *triage_table_cell(const triage_table *table, guint row, guint column)
{
    guint index = row * table->columns->len + column;
    if (row >= table->row_count || column >= table->columns->len || index >= table->cells->len)
        return NULL;
    return &g_array_index(table->cells, triage_cell, index);
}

gboolean triage_cell_is_null(const triage_cell *cell)
{
    return cell == NULL || cell->is_null;
}

triage_report *triage_report_new(const char *name, const char *title, const char *filter)
{
    g_return_val_if_fail(name != NULL && *name != '\0', NULL);
    triage_report *report = g_new0(triage_report, 1);
    report->name = g_strdup(name);
    report->title = g_strdup(title != NULL ? title : name);
    /* "" and NULL both mean "no filter": the output must not tell them apart. */
    report->filter = filter != NULL && *filter != '\0' ? g_strdup(filter) : NULL;
    report->tables = g_ptr_array_new_with_free_func((GDestroyNotify)triage_table_free);
    return report;
}

void triage_report_free(triage_report *report)
{
    if (report == NULL)
        return;
    g_ptr_array_free(report->tables, TRUE);
    g_free(report->name);
    g_free(report->title);
    g_free(report->filter);
    g_free(report->wireshark_version);
    g_free(report->capture_name);
    g_free(report);
}

void triage_report_set_capture(triage_report *report, guint64 packets, triage_time first,
                               triage_time last)
{
    g_return_if_fail(report != NULL);
    report->packets = packets;
    report->first = first;
    report->last = last;
}

void triage_report_set_capture_name(triage_report *report, const char *name)
{
    g_return_if_fail(report != NULL);
    g_free(report->capture_name);
    report->capture_name = g_strdup(name);
}

void triage_report_set_wireshark_version(triage_report *report, const char *version)
{
    g_return_if_fail(report != NULL);
    g_free(report->wireshark_version);
    report->wireshark_version = g_strdup(version);
}

void triage_report_add_table(triage_report *report, triage_table *table)
{
    g_return_if_fail(report != NULL && table != NULL);
    for (guint i = 0; i < G_N_ELEMENTS(reserved_table_names); i++) {
        if (strcmp(table->name, reserved_table_names[i]) == 0) {
            g_critical("report '%s': '%s' is the name of a report member, not a table",
                       report->name, table->name);
            triage_table_free(table);
            return;
        }
    }
    for (guint i = 0; i < report->tables->len; i++) {
        const triage_table *other = g_ptr_array_index(report->tables, i);
        if (strcmp(other->name, table->name) == 0) {
            g_critical("report '%s': table '%s' added twice", report->name, table->name);
            triage_table_free(table);
            return;
        }
    }
    g_ptr_array_add(report->tables, table);
}

void triage_reports_write(GString *out, triage_format format, triage_report *const *reports,
                          guint count, const char *version)
{
    triage_reports_write_with_summary(out, format, reports, count, version, NULL);
}

void triage_reports_write_with_summary(GString *out, triage_format format, triage_report *const *reports,
                                       guint count, const char *version, const char *summary)
{
    g_return_if_fail(out != NULL);
    g_return_if_fail(reports != NULL || count == 0);
    switch (format) {
    case TRIAGE_FORMAT_TEXT:
        triage_write_text(out, reports, count);
        break;
    case TRIAGE_FORMAT_CSV:
        triage_write_csv(out, reports, count);
        break;
    case TRIAGE_FORMAT_JSON:
        triage_append_json_document(out, reports, count, version, summary);
        break;
    case TRIAGE_FORMAT_HTML:
        triage_append_html(out, reports, count, version);
        break;
    default:
        g_critical("unknown report format %d", (int)format);
        break;
    }
}
