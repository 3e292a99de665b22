/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_text.c — the text writer, shaped like tshark's own -z outputs:
 *
 *   ================================================================================
 *   Handshake RTT
 *   Filter: tcp.port==443
 *   Capture: 120 packets from 2023-11-14 22:13:20.000000 to 2023-11-14 22:13:25.500000 UTC (5.500000 s)
 *
 *   Connections                          <- RECORD: "Heading:  value" lines
 *     Attempted:     12
 *     Completed:     10
 *
 *   Per server                           <- LIST, KEYED, VALUES: aligned columns
 *     Address     Port  Connections
 *     ----------  ----  -----------
 *     10.0.0.1     443            3
 *         Frame  Time                    <- a nested table, under its row
 *         -----  ----------------------
 *     2 more servers not shown.          <- footnotes
 *
 *   Capture point:  client               <- SCALAR
 *   ================================================================================
 *
 * Numbers (integers and durations) are right-aligned, everything else
 * left-aligned; an empty table prints "(none)" under its title, an empty
 * nested table nothing.  Lines never end in spaces, so outputs diff cleanly.
 */
#include "report_model.h"

#define RULE_WIDTH 80
#define SECTION_INDENT 2 /* table bodies under their title */
#define NESTED_INDENT 4  /* a nested table under its parent row */
#define COLUMN_GAP 2

static void write_rule(GString *out, char c)
{
    for (guint i = 0; i < RULE_WIDTH; i++)
        g_string_append_c(out, c);
    g_string_append_c(out, '\n');
}

static void append_spaces(GString *line, gsize count)
{
    for (gsize i = 0; i < count; i++)
        g_string_append_c(line, ' ');
}

/* Text is padded by characters, not bytes, so that "Zürich" lines up. */
static void append_padded(GString *line, const char *text, gsize width, gboolean right_aligned)
{
    gsize length = g_utf8_strlen(text, -1);
    gsize padding = width > length ? width - length : 0;
    if (right_aligned)
        append_spaces(line, padding);
    g_string_append(line, text);
    if (!right_aligned)
        append_spaces(line, padding);
}

/* Writes and empties the line, without its trailing spaces. */
static void flush_line(GString *out, GString *line)
{
    gsize length = line->len;
    while (length > 0 && line->str[length - 1] == ' ')
        length--;
    g_string_append_len(out, line->str, length);
    g_string_append_c(out, '\n');
    g_string_truncate(line, 0);
}

static void write_indented(GString *out, guint indent, const char *text)
{
    GString *line = g_string_new(NULL);
    append_spaces(line, indent);
    triage_append_printable(line, text);
    flush_line(out, line);
    g_string_free(line, TRUE);
}

static gboolean is_number(triage_cell_type type)
{
    return type == TRIAGE_CELL_INTEGER || type == TRIAGE_CELL_DURATION;
}

static char *cell_text(const triage_table *table, guint row, guint column)
{
    GString *text = g_string_new(NULL);
    triage_cell_append_human_text(text, triage_table_cell(table, row, column));
    return g_string_free(text, FALSE);
}

static char *printable(const char *text)
{
    GString *result = g_string_new(NULL);
    triage_append_printable(result, text);
    return g_string_free(result, FALSE);
}

static gboolean has_rows_to_show(const triage_cell *cell)
{
    return !triage_cell_is_null(cell) && cell->as.table->row_count > 0;
}

static void write_body(GString *out, const triage_table *table, guint indent);

static void write_footnotes(GString *out, const triage_table *table, guint indent)
{
    for (guint i = 0; i < table->footnotes->len; i++)
        write_indented(out, indent, g_ptr_array_index(table->footnotes, i));
}

/* The nested tables of one row, each right under it. */
static void write_nested_cells(GString *out, const triage_table *table, guint row, guint indent)
{
    for (guint column = 0; column < triage_table_column_count(table); column++) {
        if (triage_table_column(table, column)->type != TRIAGE_CELL_TABLE)
            continue;
        const triage_cell *cell = triage_table_cell(table, row, column);
        if (has_rows_to_show(cell)) {
            write_body(out, cell->as.table, indent + NESTED_INDENT);
            write_footnotes(out, cell->as.table, indent + NESTED_INDENT);
        }
    }
}

/* Prose already made printable, folded at spaces to stay within 80 columns. */
static void write_wrapped(GString *out, guint indent, const char *text)
{
    const gsize width = indent < 60 ? 80 - indent : 20;
    GString *line = g_string_new(NULL);
    char **words = g_strsplit(text, " ", -1);
    for (guint i = 0; words[i]; i++) {
        if (!*words[i])
            continue;
        if (line->len && line->len + 1 + strlen(words[i]) > width) {
            g_string_append_printf(out, "%*s%s\n", (int)indent, "", line->str);
            g_string_truncate(line, 0);
        }
        if (line->len)
            g_string_append_c(line, ' ');
        g_string_append(line, words[i]);
    }
    if (line->len)
        g_string_append_printf(out, "%*s%s\n", (int)indent, "", line->str);
    g_strfreev(words);
    g_string_free(line, TRUE);
}

/* Long prose columns, each on its own indented line under its row. */
static void write_text_below(GString *out, const triage_table *table, guint row, guint indent)
{
    for (guint column = 0; column < triage_table_column_count(table); column++) {
        if (!triage_table_column(table, column)->text_below)
            continue;
        char *text = cell_text(table, row, column);
        write_wrapped(out, indent + NESTED_INDENT, text);
        g_free(text);
    }
}

/* LIST, KEYED and VALUES: headings, dashes, one line per row. */
static void write_grid(GString *out, const triage_table *table, guint indent)
{
    guint column_count = table->shape == TRIAGE_SHAPE_VALUES ? MIN(1, triage_table_column_count(table))
                                                             : triage_table_column_count(table);
    GArray *shown = g_array_new(FALSE, FALSE, sizeof(guint)); /* columns printed in line */
    for (guint column = 0; column < column_count; column++) {
        const triage_column *description = triage_table_column(table, column);
        if (description->type != TRIAGE_CELL_TABLE && !description->text_below)
            g_array_append_val(shown, column);
    }
    /* Texts are computed once, for the widths and then for the lines. */
    char **headings = g_new0(char *, shown->len + 1);
    char **texts = g_new0(char *, (gsize)table->row_count * shown->len + 1);
    gsize *widths = g_new0(gsize, shown->len + 1);
    for (guint i = 0; i < shown->len; i++) {
        guint column = g_array_index(shown, guint, i);
        headings[i] = printable(triage_table_column(table, column)->heading);
        widths[i] = g_utf8_strlen(headings[i], -1);
        for (guint row = 0; row < table->row_count; row++) {
            char *text = cell_text(table, row, column);
            widths[i] = MAX(widths[i], (gsize)g_utf8_strlen(text, -1));
            texts[row * shown->len + i] = text;
        }
    }

    GString *line = g_string_new(NULL);
    append_spaces(line, indent);
    for (guint i = 0; i < shown->len; i++) {
        guint column = g_array_index(shown, guint, i);
        if (i > 0)
            append_spaces(line, COLUMN_GAP);
        append_padded(line, headings[i], widths[i], is_number(triage_table_column(table, column)->type));
    }
    flush_line(out, line);
    append_spaces(line, indent);
    for (guint i = 0; i < shown->len; i++) {
        if (i > 0)
            append_spaces(line, COLUMN_GAP);
        for (gsize dash = 0; dash < widths[i]; dash++)
            g_string_append_c(line, '-');
    }
    flush_line(out, line);
    for (guint row = 0; row < table->row_count; row++) {
        append_spaces(line, indent);
        for (guint i = 0; i < shown->len; i++) {
            guint column = g_array_index(shown, guint, i);
            if (i > 0)
                append_spaces(line, COLUMN_GAP);
            append_padded(line, texts[row * shown->len + i], widths[i],
                          is_number(triage_table_column(table, column)->type));
        }
        flush_line(out, line);
        if (table->shape != TRIAGE_SHAPE_VALUES) {
            write_text_below(out, table, row, indent);
            write_nested_cells(out, table, row, indent);
        }
    }

    g_string_free(line, TRUE);
    g_strfreev(headings);
    g_strfreev(texts);
    g_free(widths);
    g_array_free(shown, TRUE);
}

/* A number of a RECORD: a null's explanation is words, not aligned as one. */
static gboolean is_number_cell(const triage_table *table, guint column)
{
    return is_number(triage_table_column(table, column)->type) &&
           !triage_cell_is_null(triage_table_cell(table, 0, column));
}

/* RECORD: "Heading:  value", values in one column, numbers right-aligned
 * within it so that they line up on their last digit. */
static void write_record(GString *out, const triage_table *table, guint indent)
{
    guint column_count = triage_table_column_count(table);
    char **labels = g_new0(char *, column_count + 1);
    char **texts = g_new0(char *, column_count + 1);
    gsize label_width = 0;
    gsize number_width = 0;
    for (guint column = 0; column < column_count; column++) {
        const triage_column *info = triage_table_column(table, column);
        char *heading = printable(info->heading);
        labels[column] = g_strconcat(heading, ":", NULL);
        g_free(heading);
        label_width = MAX(label_width, (gsize)g_utf8_strlen(labels[column], -1));
        texts[column] = cell_text(table, 0, column);
        if (is_number_cell(table, column))
            number_width = MAX(number_width, (gsize)g_utf8_strlen(texts[column], -1));
    }

    GString *line = g_string_new(NULL);
    for (guint column = 0; column < column_count; column++) {
        const triage_column *info = triage_table_column(table, column);
        append_spaces(line, indent);
        append_padded(line, labels[column], label_width + COLUMN_GAP, FALSE);
        if (info->type != TRIAGE_CELL_TABLE) {
            gboolean number = is_number_cell(table, column);
            append_padded(line, texts[column], number ? number_width : 0, number);
            flush_line(out, line);
            continue;
        }
        const triage_cell *cell = triage_table_cell(table, 0, column);
        if (!has_rows_to_show(cell)) {
            g_string_append(line, "(none)");
            flush_line(out, line);
            continue;
        }
        flush_line(out, line);
        write_body(out, cell->as.table, indent + NESTED_INDENT);
        write_footnotes(out, cell->as.table, indent + NESTED_INDENT);
    }

    g_string_free(line, TRUE);
    g_strfreev(labels);
    g_strfreev(texts);
}

static void write_body(GString *out, const triage_table *table, guint indent)
{
    switch (table->shape) {
    case TRIAGE_SHAPE_RECORD:
        write_record(out, table, indent);
        break;
    case TRIAGE_SHAPE_SCALAR: {
        char *text = cell_text(table, 0, 0);
        GString *line = g_string_new(NULL);
        append_spaces(line, indent);
        g_string_append(line, text);
        flush_line(out, line);
        g_string_free(line, TRUE);
        g_free(text);
        break;
    }
    default:
        write_grid(out, table, indent);
        break;
    }
}

static void write_section(GString *out, const triage_table *table)
{
    g_string_append_c(out, '\n');
    if (table->shape == TRIAGE_SHAPE_SCALAR) {
        char *title = printable(table->title);
        char *text = table->row_count > 0 ? cell_text(table, 0, 0) : g_strdup("(none)");
        GString *line = g_string_new(NULL);
        g_string_append(line, title);
        g_string_append_printf(line, ":%*s%s", COLUMN_GAP, "", text);
        flush_line(out, line);
        g_string_free(line, TRUE);
        g_free(text);
        g_free(title);
    } else {
        write_indented(out, 0, table->title);
        if (table->row_count == 0)
            write_indented(out, SECTION_INDENT, "(none)");
        else
            write_body(out, table, SECTION_INDENT);
    }
    write_footnotes(out, table, SECTION_INDENT);
}

/* "Capture: trace.pcap, 120 packets from ... UTC (5.500000 s)": the name,
 * when given, leads the line it names.  It holds no comma (the -z option
 * list is comma-separated), so the first comma always ends it. */
static void write_capture_line(GString *out, const triage_report *report)
{
    GString *line = g_string_new("Capture: ");
    if (report->capture_name != NULL) {
        triage_append_printable(line, report->capture_name);
        g_string_append(line, ", ");
    }
    if (report->packets == 0) {
        g_string_append(line, "0 packets");
        flush_line(out, line);
        g_string_free(line, TRUE);
        return;
    }
    char first[TRIAGE_TIME_STRING_SIZE];
    char last[TRIAGE_TIME_STRING_SIZE];
    char span[TRIAGE_TIME_STRING_SIZE];
    triage_format_timestamp_text(report->first, first, sizeof first);
    triage_format_timestamp_text(report->last, last, sizeof last);
    /* Subtracted unsigned: timestamps more than 292 years apart (only a
     * corrupt capture has them) must not overflow a gint64. */
    triage_format_duration_text((triage_time)((guint64)report->last - (guint64)report->first), span,
                                sizeof span);
    g_string_append_printf(line, "%" G_GUINT64_FORMAT " packet%s from %s to %s UTC (%s s)",
                           report->packets, report->packets == 1 ? "" : "s", first, last, span);
    flush_line(out, line);
    g_string_free(line, TRUE);
}

static void write_report(GString *out, const triage_report *report)
{
    write_rule(out, '=');
    write_indented(out, 0, report->title);
    GString *filter = g_string_new("Filter: ");
    if (report->filter != NULL)
        triage_append_printable(filter, report->filter);
    else
        g_string_append(filter, "none");
    flush_line(out, filter);
    g_string_free(filter, TRUE);
    write_capture_line(out, report);
    for (guint i = 0; i < report->tables->len; i++)
        write_section(out, g_ptr_array_index(report->tables, i));
    write_rule(out, '=');
}

void triage_write_text(GString *out, triage_report *const *reports, guint count)
{
    for (guint i = 0; i < count; i++)
        write_report(out, reports[i]);
}
