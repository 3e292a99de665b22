/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_report.c — the report model and its three writers.
 *
 * The input is read as a recipe: how many reports, tables, columns and rows,
 * which shapes and cell types, which values (any int64, any bytes as
 * strings), nested tables up to three deep, and now and then a builder
 * mistake (a cell of the wrong type, a missing or extra cell).  Every report
 * is then written as text, CSV and JSON, and each output must pass the
 * checks of support/output_checks.c whatever the recipe was.
 */
#include <string.h>

#include "report.h"
#include "support/fuzz_assert.h"
#include "support/output_checks.h"

#define MAX_NESTING 3
#define MAX_COLUMNS 6
#define MAX_ROWS 5
#define MAX_TABLES 5
#define MAX_STRING 40

typedef struct recipe {
    const guint8 *at;
    const guint8 *end;
} recipe;

/* An exhausted recipe reads as zeros, so every input is a complete one. */
static guint8 next_byte(recipe *recipe)
{
    return recipe->at < recipe->end ? *recipe->at++ : 0;
}

static gint64 next_int64(recipe *recipe)
{
    guint64 value = 0;
    for (int i = 0; i < 8; i++)
        value = value << 8 | next_byte(recipe);
    return (gint64)value;
}

/* Any bytes, NUL ends the string early: values are C strings. */
static char *next_string(recipe *recipe)
{
    gsize length = next_byte(recipe) % (MAX_STRING + 1);
    gsize available = (gsize)(recipe->end - recipe->at);
    length = MIN(length, available);
    char *text = g_strndup((const char *)recipe->at, length);
    recipe->at += length;
    return text;
}

/* Names come from code, not from captures: printable ASCII, never a dot,
 * which the CSV writer uses to join nested table names. */
static char *next_name(recipe *recipe)
{
    char *name = next_string(recipe);
    for (char *c = name; *c != '\0'; c++) {
        if (*c < 0x20 || *c > 0x7e || *c == '.')
            *c = 'a' + (char)((guchar)*c % 26);
    }
    if (*name == '\0') {
        g_free(name);
        name = g_strdup("n");
    }
    return name;
}

static triage_table *next_table(recipe *recipe, guint depth);

static void add_value(recipe *recipe, triage_table *table, triage_cell_type type, guint depth)
{
    switch (type) {
    case TRIAGE_CELL_INTEGER:
        triage_table_add_integer(table, next_int64(recipe));
        break;
    case TRIAGE_CELL_DURATION:
        triage_table_add_duration(table, next_int64(recipe));
        break;
    case TRIAGE_CELL_TIMESTAMP:
        triage_table_add_timestamp(table, next_int64(recipe));
        break;
    case TRIAGE_CELL_STRING: {
        char *text = next_string(recipe);
        triage_table_add_string(table, text);
        g_free(text);
        break;
    }
    case TRIAGE_CELL_BOOLEAN:
        triage_table_add_boolean(table, next_byte(recipe) & 1);
        break;
    case TRIAGE_CELL_INTEGER_LIST: {
        gint64 values[4];
        guint count = next_byte(recipe) % (G_N_ELEMENTS(values) + 1);
        for (guint i = 0; i < count; i++)
            values[i] = next_int64(recipe);
        triage_table_add_integer_list(table, values, count);
        break;
    }
    case TRIAGE_CELL_TABLE:
        triage_table_add_table(table, depth < MAX_NESTING ? next_table(recipe, depth + 1) : NULL);
        break;
    }
}

static triage_table *next_table(recipe *recipe, guint depth)
{
    char *name = next_name(recipe);
    char *title = next_string(recipe);
    triage_table_shape shape = next_byte(recipe) % (TRIAGE_SHAPE_SCALAR + 1);
    triage_table *table = triage_table_new(name, title, shape);
    g_free(name);
    g_free(title);

    triage_cell_type types[MAX_COLUMNS];
    guint column_count = 1 + next_byte(recipe) % MAX_COLUMNS;
    for (guint column = 0; column < column_count; column++) {
        char *key = next_name(recipe);
        char *heading = next_string(recipe);
        types[column] = next_byte(recipe) % (TRIAGE_CELL_TABLE + 1);
        triage_table_add_column(table, key, heading, types[column]);
        g_free(key);
        g_free(heading);
    }

    guint row_count = next_byte(recipe) % (MAX_ROWS + 1);
    for (guint row = 0; row < row_count; row++) {
        triage_table_begin_row(table);
        for (guint column = 0; column < column_count; column++) {
            guint8 choice = next_byte(recipe);
            switch (choice % 16) {
            case 0:
                triage_table_add_null(table);
                break;
            case 1: /* a builder mistake: any type */
                add_value(recipe, table, next_byte(recipe) % (TRIAGE_CELL_TABLE + 1), depth);
                break;
            case 2: /* a builder mistake: a cell left out */
                break;
            case 3: /* a builder mistake: one cell too many */
                add_value(recipe, table, types[column], depth);
                add_value(recipe, table, types[column], depth);
                break;
            default:
                add_value(recipe, table, types[column], depth);
                break;
            }
        }
    }
    guint footnotes = next_byte(recipe) % 3;
    for (guint i = 0; i < footnotes; i++) {
        char *text = next_string(recipe);
        triage_table_add_footnote(table, text);
        g_free(text);
    }
    return table;
}

static void check_rendering(triage_format format, triage_report *const *reports, guint count,
                            const char *version)
{
    GString *out = g_string_new(NULL);
    triage_reports_write(out, format, reports, count, version);
    size_t length = out->len;
    char *output = g_string_free(out, FALSE);
    const char *problem = format == TRIAGE_FORMAT_JSON ? fuzz_check_json(output, length)
                          : format == TRIAGE_FORMAT_CSV ? fuzz_check_csv(output, length)
                          : format == TRIAGE_FORMAT_HTML ? fuzz_check_html(output, length)
                                                         : fuzz_check_text(output, length);
    if (problem != NULL) {
        fprintf(stderr, "%s\n--- output ---\n%.*s\n--- end ---\n", problem, (int)length, output);
        abort();
    }
    g_free(output);
}

/* The recipe deliberately breaks the builder contract; GLib's complaints
 * about it are expected and would only slow the fuzzer down. */
static void ignore_log(const gchar *domain, GLogLevelFlags level, const gchar *message,
                       gpointer user_data)
{
    (void)domain;
    (void)level;
    (void)message;
    (void)user_data;
}

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
    static const char *const report_names[] = {"rtt", "policy", "dests"};
    g_log_set_default_handler(ignore_log, NULL);
    recipe recipe = {.at = data, .end = data + size};

    triage_report *reports[G_N_ELEMENTS(report_names)];
    guint count = next_byte(&recipe) % (G_N_ELEMENTS(report_names) + 1);
    for (guint i = 0; i < count; i++) {
        char *title = next_string(&recipe);
        char *filter = next_byte(&recipe) & 1 ? next_string(&recipe) : NULL;
        reports[i] = triage_report_new(report_names[i], title, filter);
        g_free(title);
        g_free(filter);
        guint64 packets = (guint64)next_int64(&recipe);
        triage_time first = next_int64(&recipe);
        triage_report_set_capture(reports[i], packets, first, next_int64(&recipe));
        guint table_count = next_byte(&recipe) % (MAX_TABLES + 1);
        for (guint t = 0; t < table_count; t++)
            triage_report_add_table(reports[i], next_table(&recipe, 0));
    }
    char *version = next_string(&recipe);

    for (guint format = TRIAGE_FORMAT_TEXT; format <= TRIAGE_FORMAT_HTML; format++)
        check_rendering(format, reports, count, version);

    g_free(version);
    for (guint i = 0; i < count; i++)
        triage_report_free(reports[i]);
    return 0;
}
