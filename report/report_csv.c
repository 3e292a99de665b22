/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_csv.c — the CSV writer: all tables of a run in one stream.
 *
 * Every row starts with a "table" column and every table with its header
 * row, so one file holds tables of different widths and still splits with
 * any CSV reader (group by the first column).  Table names are unique in the
 * stream: with several reports they carry the report's name ("rtt.servers").
 *
 * A column of nested tables becomes its own table, named parent.column
 * ("destinations.ports"), printed after its parent; each of its rows starts
 * with the first column of the parent row it belongs to (the destination's
 * address), and deeper nesting carries the whole chain of such keys.  Its
 * header comes from the first nested table found (the others are matched to
 * it by column key), so a nested column whose cells are all null or absent
 * prints no table at all.
 */
#include "report_model.h"

#include <string.h>

/* One nested table, with the first-column values of the rows it hangs under. */
typedef struct csv_instance {
    const triage_table *table;
    GPtrArray *ancestor_values; /* char *, owned */
} csv_instance;

static void instance_clear(gpointer data)
{
    csv_instance *instance = data;
    g_ptr_array_free(instance->ancestor_values, TRUE);
}

/* RFC 4180: a field is quoted when it holds a comma, a quote or a line
 * break, and a quote inside is doubled.  An empty string is quoted too, so
 * that it differs from null, which is written as nothing at all. */
static void write_value(GString *out, const char *text, gboolean is_null)
{
    if (is_null)
        return;
    GString *valid = g_string_new(NULL);
    triage_append_valid_utf8(valid, text);
    if (valid->len > 0 && strpbrk(valid->str, ",\"\r\n") == NULL) {
        g_string_append(out, valid->str);
    } else {
        g_string_append_c(out, '"');
        for (const char *c = valid->str; *c != '\0'; c++) {
            if (*c == '"')
                g_string_append_c(out, '"');
            g_string_append_c(out, *c);
        }
        g_string_append_c(out, '"');
    }
    g_string_free(valid, TRUE);
}

static void write_field(GString *out, const char *text, gboolean is_null)
{
    g_string_append_c(out, ',');
    write_value(out, text, is_null);
}

static void write_cell(GString *out, const triage_cell *cell)
{
    GString *text = g_string_new(NULL);
    triage_cell_append_machine_text(text, cell);
    write_field(out, text->str, triage_cell_is_null(cell));
    g_string_free(text, TRUE);
}

/* Rows start with the name of their table; header rows with the word
 * "table", which report.c keeps from being a table name. */
static void begin_row(GString *out, const char *table_name)
{
    write_value(out, table_name, FALSE);
}

static void write_header(GString *out, GPtrArray *ancestor_keys, const triage_table *table)
{
    begin_row(out, "table");
    for (guint i = 0; i < ancestor_keys->len; i++)
        write_field(out, g_ptr_array_index(ancestor_keys, i), FALSE);
    for (guint column = 0; column < triage_table_column_count(table); column++) {
        const triage_column *info = triage_table_column(table, column);
        if (info->type != TRIAGE_CELL_TABLE)
            write_field(out, info->key, FALSE);
    }
    g_string_append_c(out, '\n');
}

/* The column of table with this key, or -1.  Nested tables of one column
 * should all have the same columns; they are matched by key so that a
 * table that does not still yields rows as wide as the header. */
static int find_column(const triage_table *table, const char *key)
{
    for (guint column = 0; column < triage_table_column_count(table); column++) {
        if (strcmp(triage_table_column(table, column)->key, key) == 0)
            return (int)column;
    }
    return -1;
}

static gboolean is_flat(const triage_table *table, int column)
{
    return column >= 0 && triage_table_column(table, (guint)column)->type != TRIAGE_CELL_TABLE;
}

static void write_rows(GString *out, const char *name, const triage_table *schema,
                       const csv_instance *instance)
{
    const triage_table *table = instance->table;
    guint schema_columns = triage_table_column_count(schema);
    int *columns = g_new(int, schema_columns + 1); /* schema column -> this table's */
    for (guint column = 0; column < schema_columns; column++)
        columns[column] = find_column(table, triage_table_column(schema, column)->key);

    for (guint row = 0; row < table->row_count; row++) {
        begin_row(out, name);
        for (guint i = 0; i < instance->ancestor_values->len; i++)
            write_field(out, g_ptr_array_index(instance->ancestor_values, i), FALSE);
        for (guint column = 0; column < schema_columns; column++) {
            if (!is_flat(schema, (int)column))
                continue;
            gboolean present = is_flat(table, columns[column]);
            write_cell(out, present ? triage_table_cell(table, row, (guint)columns[column]) : NULL);
        }
        g_string_append_c(out, '\n');
    }
    g_free(columns);
}

/* The nested tables of one column, across every row of every instance,
 * each carrying the value of its parent row's first column. */
static GArray *collect_nested(GArray *instances, const char *nested_key, const char *parent_key)
{
    GArray *nested = g_array_new(FALSE, TRUE, sizeof(csv_instance));
    g_array_set_clear_func(nested, instance_clear);
    GString *key = g_string_new(NULL);
    for (guint i = 0; i < instances->len; i++) {
        const csv_instance *parent = &g_array_index(instances, csv_instance, i);
        int column = find_column(parent->table, nested_key);
        int key_column = find_column(parent->table, parent_key);
        if (column < 0 || is_flat(parent->table, column))
            continue;
        for (guint row = 0; row < parent->table->row_count; row++) {
            const triage_cell *cell = triage_table_cell(parent->table, row, (guint)column);
            if (triage_cell_is_null(cell))
                continue;
            csv_instance child = {.table = cell->as.table,
                                  .ancestor_values = g_ptr_array_new_with_free_func(g_free)};
            for (guint k = 0; k < parent->ancestor_values->len; k++)
                g_ptr_array_add(child.ancestor_values,
                                g_strdup(g_ptr_array_index(parent->ancestor_values, k)));
            g_string_truncate(key, 0);
            if (key_column >= 0)
                triage_cell_append_machine_text(key, triage_table_cell(parent->table, row,
                                                                       (guint)key_column));
            g_ptr_array_add(child.ancestor_values, g_strdup(key->str));
            g_array_append_val(nested, child);
        }
    }
    g_string_free(key, TRUE);
    return nested;
}

static void write_table_group(GString *out, const char *name, GPtrArray *ancestor_keys,
                              GArray *instances)
{
    const triage_table *schema = g_array_index(instances, csv_instance, 0).table;
    write_header(out, ancestor_keys, schema);
    for (guint i = 0; i < instances->len; i++)
        write_rows(out, name, schema, &g_array_index(instances, csv_instance, i));

    for (guint column = 0; column < triage_table_column_count(schema); column++) {
        const triage_column *info = triage_table_column(schema, column);
        if (info->type != TRIAGE_CELL_TABLE)
            continue;
        const char *parent_key = triage_table_column(schema, 0)->key;
        GArray *nested = collect_nested(instances, info->key, parent_key);
        if (nested->len > 0) {
            char *nested_name = g_strconcat(name, ".", info->key, NULL);
            g_ptr_array_add(ancestor_keys, (gpointer)parent_key);
            write_table_group(out, nested_name, ancestor_keys, nested);
            g_ptr_array_remove_index(ancestor_keys, ancestor_keys->len - 1);
            g_free(nested_name);
        }
        g_array_free(nested, TRUE);
    }
}

static void write_table(GString *out, const char *name, const triage_table *table)
{
    GPtrArray *ancestor_keys = g_ptr_array_new(); /* borrowed column keys */
    GArray *instances = g_array_new(FALSE, TRUE, sizeof(csv_instance));
    g_array_set_clear_func(instances, instance_clear);
    csv_instance top = {.table = table, .ancestor_values = g_ptr_array_new_with_free_func(g_free)};
    g_array_append_val(instances, top);
    write_table_group(out, name, ancestor_keys, instances);
    g_array_free(instances, TRUE);
    g_ptr_array_free(ancestor_keys, TRUE);
}

static void write_capture(GString *out, const char *name, const triage_report *report)
{
    char first[TRIAGE_TIME_STRING_SIZE];
    char last[TRIAGE_TIME_STRING_SIZE];
    char packets[24];
    triage_format_timestamp(report->first, first, sizeof first);
    triage_format_timestamp(report->last, last, sizeof last);
    g_snprintf(packets, sizeof packets, "%" G_GUINT64_FORMAT, report->packets);

    begin_row(out, "table");
    write_field(out, "report", FALSE);
    write_field(out, "filter", FALSE);
    write_field(out, "name", FALSE);
    write_field(out, "packets", FALSE);
    write_field(out, "first", FALSE);
    write_field(out, "last", FALSE);
    g_string_append_c(out, '\n');
    begin_row(out, name);
    write_field(out, report->name, FALSE);
    write_field(out, report->filter, report->filter == NULL);
    write_field(out, report->capture_name, report->capture_name == NULL);
    write_field(out, packets, FALSE);
    write_field(out, first, report->packets == 0);
    write_field(out, last, report->packets == 0);
    g_string_append_c(out, '\n');
}

void triage_write_csv(GString *out, triage_report *const *reports, guint count)
{
    for (guint i = 0; i < count; i++) {
        const triage_report *report = reports[i];
        /* One report keeps the short names; several need the report's name
         * to keep "capture" (and any shared table name) unique. */
        const char *prefix = count > 1 ? report->name : NULL;
        char *name = prefix != NULL ? g_strconcat(prefix, ".capture", NULL) : g_strdup("capture");
        write_capture(out, name, report);
        g_free(name);
        for (guint t = 0; t < report->tables->len; t++) {
            const triage_table *table = g_ptr_array_index(report->tables, t);
            name = prefix != NULL ? g_strconcat(prefix, ".", table->name, NULL)
                                  : g_strdup(table->name);
            write_table(out, name, table);
            g_free(name);
        }
    }
}
