/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy_file.c — the policy file's line parser: CSV records to rows, rows
 * to rules.
 *
 * A small hand-written reader rather than a CSV library: the engines are
 * C11 + GLib only, and the reader must know line numbers (for
 * "file:line: reason"), '#' comment lines and blank lines, none of which
 * RFC 4180 has.  Quoted fields follow RFC 4180 ("" is a quote, commas and
 * line breaks are kept); unquoted fields are trimmed, so a payload whose
 * edges are spaces must be quoted.
 */
#include "policy_file.h"

#include <string.h>

typedef enum {
    COLUMN_NAME,
    COLUMN_ACTION,
    COLUMN_SEVERITY,
    COLUMN_MESSAGE,
    COLUMN_PROTOCOLS,
    COLUMN_PORTS,
    COLUMN_PEERS,
    COLUMN_PAYLOAD,
    COLUMN_FILTER,
    COLUMN_FAMILY,
    COLUMN_HOSTS,
    COLUMN_COUNT,
} column_kind;

static const char *const column_names[COLUMN_COUNT] = {
    "name", "action", "severity", "message", "protocols", "ports", "peers", "payload", "filter", "family", "hosts",
};

/* ---- Errors ---------------------------------------------------------------- */

static void add_error(GPtrArray *errors, guint line, const char *where, char *reason /* taken */)
{
    if (errors == NULL) {
        g_free(reason);
        return;
    }
    triage_policy_error *error = g_new0(triage_policy_error, 1);
    error->line = line;
    error->reason = reason;
    error->text = g_strdup_printf("%s: %s", where, reason);
    g_ptr_array_add(errors, error);
}

static void add_file_error(GPtrArray *errors, const char *display_name, guint line, char *reason)
{
    char *where = line > 0 ? g_strdup_printf("%s:%u", display_name, line) : g_strdup(display_name);
    add_error(errors, line, where, reason);
    g_free(where);
}

/* ---- CSV records ----------------------------------------------------------- */

typedef struct csv_reader {
    const char *text;
    gsize length;
    gsize position;
    guint line; /* of text[position] */
} csv_reader;

static gboolean at_end(const csv_reader *reader)
{
    return reader->position >= reader->length;
}

static char peek(const csv_reader *reader)
{
    return at_end(reader) ? '\0' : reader->text[reader->position];
}

static gboolean at_line_end(const csv_reader *reader)
{
    return at_end(reader) || peek(reader) == '\n' || peek(reader) == '\r';
}

/* Consumes one line break: \n, \r\n or a lone \r. */
static void skip_line_break(csv_reader *reader)
{
    if (peek(reader) == '\r')
        reader->position++;
    if (peek(reader) == '\n')
        reader->position++;
    reader->line++;
}

static void skip_blanks(csv_reader *reader)
{
    while (peek(reader) == ' ' || peek(reader) == '\t')
        reader->position++;
}

static void skip_rest_of_line(csv_reader *reader)
{
    while (!at_line_end(reader))
        reader->position++;
    if (!at_end(reader))
        skip_line_break(reader);
}

/* Moves to the first character of the next record: past blank lines and
 * '#' comment lines.  FALSE at the end of the text. */
static gboolean skip_to_record(csv_reader *reader)
{
    while (!at_end(reader)) {
        gsize line_start = reader->position;
        skip_blanks(reader);
        if (peek(reader) == '#' || at_line_end(reader)) {
            skip_rest_of_line(reader);
            continue;
        }
        reader->position = line_start;
        return TRUE;
    }
    return FALSE;
}

static gboolean read_quoted_field(csv_reader *reader, guint field_number, GString *field, char **reason_out)
{
    guint opening_line = reader->line;
    reader->position++; /* the opening quote */
    for (;;) {
        if (at_end(reader)) {
            *reason_out = g_strdup_printf("field %u: quote opened on line %u is never closed", field_number,
                                          opening_line);
            return FALSE;
        }
        char c = peek(reader);
        if (c == '"') {
            reader->position++;
            if (peek(reader) != '"')
                break;
            g_string_append_c(field, '"');
            reader->position++;
        } else if (c == '\r' || c == '\n') {
            /* A line break inside quotes is part of the field (RFC 4180);
             * keep it as one \n whatever the file's line endings. */
            skip_line_break(reader);
            g_string_append_c(field, '\n');
        } else {
            g_string_append_c(field, c);
            reader->position++;
        }
    }
    skip_blanks(reader);
    if (peek(reader) != ',' && !at_line_end(reader)) {
        *reason_out = g_strdup_printf("field %u: text after the closing quote", field_number);
        return FALSE;
    }
    return TRUE;
}

static void read_plain_field(csv_reader *reader, GString *field)
{
    while (peek(reader) != ',' && !at_line_end(reader)) {
        g_string_append_c(field, peek(reader));
        reader->position++;
    }
    g_strchomp(field->str);
    g_string_set_size(field, strlen(field->str));
}

/* Reads one record into fields (char *, owned).  On a malformed record sets
 * *reason_out, skips to the end of its line and returns FALSE. */
static gboolean read_record(csv_reader *reader, GPtrArray *fields, char **reason_out)
{
    for (;;) {
        GString *field = g_string_new(NULL);
        gsize field_start;
        skip_blanks(reader);
        field_start = reader->position;
        if (peek(reader) == '"') {
            if (!read_quoted_field(reader, fields->len + 1, field, reason_out)) {
                g_string_free(field, TRUE);
                skip_rest_of_line(reader);
                return FALSE;
            }
        } else {
            read_plain_field(reader, field);
        }
        /* A NUL would silently cut the field short in every later step. */
        if (memchr(reader->text + field_start, '\0', reader->position - field_start) != NULL) {
            *reason_out = g_strdup_printf("field %u contains a NUL byte", fields->len + 1);
            g_string_free(field, TRUE);
            skip_rest_of_line(reader);
            return FALSE;
        }
        g_ptr_array_add(fields, g_string_free(field, FALSE));
        if (peek(reader) == ',') {
            reader->position++;
            continue;
        }
        if (!at_end(reader))
            skip_line_break(reader);
        return TRUE;
    }
}

/* ---- Header ---------------------------------------------------------------- */

typedef struct header {
    int column_of_field[COLUMN_COUNT]; /* -1 when the file has no such column */
    guint column_count;
} header;

static gboolean read_header(GPtrArray *fields, header *out, char **reason_out)
{
    guint named = fields->len;
    /* Trailing empty names (a spreadsheet's extra commas) are no columns. */
    while (named > 0 && *(const char *)g_ptr_array_index(fields, named - 1) == '\0')
        named--;
    for (int kind = 0; kind < COLUMN_COUNT; kind++)
        out->column_of_field[kind] = -1;
    out->column_count = named;
    for (guint i = 0; i < named; i++) {
        const char *name = g_ptr_array_index(fields, i);
        int kind = -1;
        for (int k = 0; k < COLUMN_COUNT; k++) {
            if (g_ascii_strcasecmp(name, column_names[k]) == 0)
                kind = k;
        }
        if (*name == '\0') {
            *reason_out = g_strdup_printf("header: column %u has no name (columns: " TRIAGE_POLICY_COLUMNS ")", i + 1);
            return FALSE;
        }
        if (kind < 0) {
            *reason_out = g_strdup_printf("header: unknown column '%s' (columns: " TRIAGE_POLICY_COLUMNS ")", name);
            return FALSE;
        }
        if (out->column_of_field[kind] >= 0) {
            *reason_out = g_strdup_printf("header: column '%s' appears twice", column_names[kind]);
            return FALSE;
        }
        out->column_of_field[kind] = (int)i;
    }
    for (int kind = COLUMN_NAME; kind <= COLUMN_ACTION; kind++) {
        if (out->column_of_field[kind] < 0) {
            *reason_out = g_strdup_printf("header: no '%s' column (columns: " TRIAGE_POLICY_COLUMNS ")",
                                          column_names[kind]);
            return FALSE;
        }
    }
    return TRUE;
}

/* ---- Rows ------------------------------------------------------------------ */

static const char *field_of(const header *columns, GPtrArray *fields, column_kind kind)
{
    int column = columns->column_of_field[kind];
    return column >= 0 && (guint)column < fields->len ? g_ptr_array_index(fields, (guint)column) : NULL;
}

static gboolean row_from_fields(const header *columns, GPtrArray *fields, triage_policy_row *row,
                                char **reason_out)
{
    /* Trailing empty fields (a spreadsheet's extra commas) say nothing. */
    for (guint i = columns->column_count; i < fields->len; i++) {
        if (*(const char *)g_ptr_array_index(fields, i) != '\0') {
            *reason_out = g_strdup_printf("%u fields, but the header names %u columns", fields->len,
                                          columns->column_count);
            return FALSE;
        }
    }
    row->name = field_of(columns, fields, COLUMN_NAME);
    row->action = field_of(columns, fields, COLUMN_ACTION);
    row->severity = field_of(columns, fields, COLUMN_SEVERITY);
    row->message = field_of(columns, fields, COLUMN_MESSAGE);
    row->protocols = field_of(columns, fields, COLUMN_PROTOCOLS);
    row->ports = field_of(columns, fields, COLUMN_PORTS);
    row->peers = field_of(columns, fields, COLUMN_PEERS);
    row->payload = field_of(columns, fields, COLUMN_PAYLOAD);
    row->filter = field_of(columns, fields, COLUMN_FILTER);
    row->family = field_of(columns, fields, COLUMN_FAMILY);
    row->hosts = field_of(columns, fields, COLUMN_HOSTS);
    return TRUE;
}

static triage_policy *parse_file_text(const char *text, gsize length, const char *display_name,
                                      const char *const *embedded_lists, triage_protocol_resolver_fn resolver,
                                      void *resolver_data, GPtrArray *errors_out)
{
    triage_policy *policy = triage_policy_new();
    csv_reader reader = {text != NULL ? text : "", text != NULL ? length : 0, 0, 1};
    GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
    header columns = {{0}, 0};
    char *reason = NULL;
    gboolean have_header = FALSE;
    gboolean header_failed = FALSE;

    if (display_name == NULL)
        display_name = "policy";
    /* Spreadsheets save UTF-8 with a byte order mark. */
    if (reader.length >= 3 && memcmp(reader.text, "\xEF\xBB\xBF", 3) == 0)
        reader.position = 3;
    /* "@file" lists sit beside the policy file. */
    char *folder = g_path_get_dirname(display_name);
    triage_policy_set_list_source(policy, folder, errors_out);
    triage_policy_set_embedded_lists(policy, embedded_lists);
    g_free(folder);

    while (skip_to_record(&reader)) {
        guint line = reader.line;
        g_ptr_array_set_size(fields, 0);
        if (!read_record(&reader, fields, &reason)) {
            add_file_error(errors_out, display_name, line, reason);
            if (!have_header) {
                header_failed = TRUE;
                break;
            }
            continue;
        }
        if (!have_header) {
            if (!read_header(fields, &columns, &reason)) {
                add_file_error(errors_out, display_name, line, reason);
                header_failed = TRUE;
                break;
            }
            have_header = TRUE;
            continue;
        }
        triage_policy_row row;
        if (!row_from_fields(&columns, fields, &row, &reason) ||
            !triage_policy_add_rule(policy, &row, line, resolver, resolver_data, &reason))
            add_file_error(errors_out, display_name, line, reason);
    }
    if (!have_header && !header_failed)
        add_file_error(errors_out, display_name, 0,
                       g_strdup("no header row: a policy file starts with the column names (" TRIAGE_POLICY_COLUMNS ")"));
    g_ptr_array_free(fields, TRUE);
    triage_policy_set_list_source(policy, NULL, NULL);
    triage_policy_set_embedded_lists(policy, NULL);
    return policy;
}

triage_policy *triage_policy_parse_file_text(const char *text, gsize length, const char *display_name,
                                             triage_protocol_resolver_fn resolver, void *resolver_data,
                                             GPtrArray *errors_out)
{
    return parse_file_text(text, length, display_name, NULL, resolver, resolver_data, errors_out);
}

triage_policy *triage_policy_from_rows(const triage_policy_row *rows, guint count,
                                       triage_protocol_resolver_fn resolver, void *resolver_data,
                                       GPtrArray *errors_out)
{
    triage_policy *policy = triage_policy_new();
    triage_policy_set_list_source(policy, NULL, errors_out);
    for (guint i = 0; i < count; i++) {
        char *reason = NULL;
        if (!triage_policy_add_rule(policy, &rows[i], i + 1, resolver, resolver_data, &reason)) {
            char *where = g_strdup_printf("triage_policy table row %u", i + 1);
            add_error(errors_out, i + 1, where, reason);
            g_free(where);
        }
    }
    triage_policy_set_list_source(policy, NULL, NULL);
    return policy;
}

gboolean triage_policy_check_row(const triage_policy_row *row, triage_protocol_resolver_fn resolver,
                                 void *resolver_data, char **reason_out)
{
    triage_policy *scratch = triage_policy_new();
    gboolean ok = triage_policy_add_rule(scratch, row, 1, resolver, resolver_data, reason_out);
    triage_policy_unref(scratch);
    return ok;
}

triage_policy *triage_policy_default(triage_protocol_resolver_fn resolver, void *resolver_data,
                                     GPtrArray *errors_out)
{
    return parse_file_text(triage_policy_default_text, strlen(triage_policy_default_text),
                           TRIAGE_POLICY_DEFAULT_NAME, triage_policy_default_lists, resolver, resolver_data,
                           errors_out);
}
