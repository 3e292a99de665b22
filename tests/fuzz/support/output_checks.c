/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output_checks.c — a strict JSON recogniser, a CSV splitter and a text
 * scanner, written from the RFCs rather than borrowed, so that they do not
 * share the writers' assumptions.
 */
#include "output_checks.h"

#include <string.h>

/* --- JSON (RFC 8259) --------------------------------------------------------- */

#define JSON_MAX_DEPTH 64

typedef struct json_cursor {
    const char *at;
    const char *end;
    const char *error;
} json_cursor;

static gboolean json_fail(json_cursor *cursor, const char *error)
{
    if (cursor->error == NULL)
        cursor->error = error;
    return FALSE;
}

static int json_peek(const json_cursor *cursor)
{
    return cursor->at < cursor->end ? (guchar)*cursor->at : -1;
}

static void json_skip_space(json_cursor *cursor)
{
    while (cursor->at < cursor->end &&
           (*cursor->at == ' ' || *cursor->at == '\t' || *cursor->at == '\n' || *cursor->at == '\r'))
        cursor->at++;
}

static gboolean json_literal(json_cursor *cursor, const char *word)
{
    gsize length = strlen(word);
    if ((gsize)(cursor->end - cursor->at) < length || memcmp(cursor->at, word, length) != 0)
        return json_fail(cursor, "JSON: unknown literal");
    cursor->at += length;
    return TRUE;
}

static gboolean json_digits(json_cursor *cursor)
{
    const char *start = cursor->at;
    while (cursor->at < cursor->end && g_ascii_isdigit(*cursor->at))
        cursor->at++;
    return cursor->at > start;
}

static gboolean json_number(json_cursor *cursor)
{
    if (json_peek(cursor) == '-')
        cursor->at++;
    if (json_peek(cursor) == '0')
        cursor->at++; /* no leading zeros: "01" is not a JSON number */
    else if (!json_digits(cursor))
        return json_fail(cursor, "JSON: number without digits");
    if (json_peek(cursor) == '.') {
        cursor->at++;
        if (!json_digits(cursor))
            return json_fail(cursor, "JSON: no digits after the decimal point");
    }
    if (json_peek(cursor) == 'e' || json_peek(cursor) == 'E') {
        cursor->at++;
        if (json_peek(cursor) == '+' || json_peek(cursor) == '-')
            cursor->at++;
        if (!json_digits(cursor))
            return json_fail(cursor, "JSON: no digits in the exponent");
    }
    return TRUE;
}

static gboolean json_string(json_cursor *cursor)
{
    cursor->at++; /* the opening quote */
    while (cursor->at < cursor->end) {
        guchar c = (guchar)*cursor->at++;
        if (c == '"')
            return TRUE;
        if (c < 0x20)
            return json_fail(cursor, "JSON: raw control character in a string");
        if (c != '\\')
            continue;
        if (cursor->at >= cursor->end)
            break;
        c = (guchar)*cursor->at++;
        if (c == 'u') {
            for (int i = 0; i < 4; i++) {
                if (cursor->at >= cursor->end || !g_ascii_isxdigit(*cursor->at))
                    return json_fail(cursor, "JSON: \\u without four hex digits");
                cursor->at++;
            }
        } else if (strchr("\"\\/bfnrt", c) == NULL || c == '\0') {
            return json_fail(cursor, "JSON: unknown escape in a string");
        }
    }
    return json_fail(cursor, "JSON: unterminated string");
}

static gboolean json_value(json_cursor *cursor, guint depth);

/* Objects and arrays: members separated by commas, no trailing comma. */
static gboolean json_container(json_cursor *cursor, guint depth, char closing, gboolean keyed)
{
    if (depth > JSON_MAX_DEPTH)
        return json_fail(cursor, "JSON: nested too deep");
    cursor->at++; /* the opening bracket */
    json_skip_space(cursor);
    if (json_peek(cursor) == closing) {
        cursor->at++;
        return TRUE;
    }
    for (;;) {
        json_skip_space(cursor);
        if (keyed) {
            if (json_peek(cursor) != '"')
                return json_fail(cursor, "JSON: object key is not a string");
            if (!json_string(cursor))
                return FALSE;
            json_skip_space(cursor);
            if (json_peek(cursor) != ':')
                return json_fail(cursor, "JSON: no ':' after an object key");
            cursor->at++;
        }
        if (!json_value(cursor, depth + 1))
            return FALSE;
        json_skip_space(cursor);
        int next = json_peek(cursor);
        cursor->at++;
        if (next == closing)
            return TRUE;
        if (next != ',')
            return json_fail(cursor, "JSON: expected ',' or the closing bracket");
    }
}

static gboolean json_value(json_cursor *cursor, guint depth)
{
    json_skip_space(cursor);
    switch (json_peek(cursor)) {
    case '{':
        return json_container(cursor, depth, '}', TRUE);
    case '[':
        return json_container(cursor, depth, ']', FALSE);
    case '"':
        return json_string(cursor);
    case 't':
        return json_literal(cursor, "true");
    case 'f':
        return json_literal(cursor, "false");
    case 'n':
        return json_literal(cursor, "null");
    default:
        return json_number(cursor);
    }
}

const char *fuzz_check_json(const char *text, gsize length)
{
    json_cursor cursor = {.at = text, .end = text + length};
    if (!g_utf8_validate(text, (gssize)length, NULL))
        return "JSON: not valid UTF-8";
    if (!json_value(&cursor, 0))
        return cursor.error;
    json_skip_space(&cursor);
    if (cursor.at != cursor.end)
        return "JSON: text after the document";
    return NULL;
}

/* --- CSV (RFC 4180, with \n line ends) ---------------------------------------- */

/* Reads one record into fields; returns NULL or the reason it is malformed. */
static const char *csv_record(const char **at, const char *end, GPtrArray *fields)
{
    GString *field = g_string_new(NULL);
    const char *error = NULL;
    g_ptr_array_set_size(fields, 0);
    for (;;) {
        g_string_truncate(field, 0);
        if (*at < end && **at == '"') {
            (*at)++;
            for (;;) {
                if (*at >= end) {
                    error = "CSV: unterminated quoted field";
                    goto done;
                }
                if (**at == '"') {
                    if (*at + 1 < end && (*at)[1] == '"') {
                        g_string_append_c(field, '"');
                        *at += 2;
                        continue;
                    }
                    (*at)++;
                    break;
                }
                g_string_append_c(field, **at);
                (*at)++;
            }
        } else {
            while (*at < end && **at != ',' && **at != '\n') {
                if (**at == '"' || **at == '\r') {
                    error = "CSV: quote or CR in an unquoted field";
                    goto done;
                }
                g_string_append_c(field, **at);
                (*at)++;
            }
        }
        g_ptr_array_add(fields, g_strdup(field->str));
        if (*at >= end) {
            error = "CSV: last line does not end in \\n";
            goto done;
        }
        if (**at == '\n') {
            (*at)++;
            goto done;
        }
        if (**at != ',') {
            error = "CSV: text after a closing quote";
            goto done;
        }
        (*at)++;
    }
done:
    g_string_free(field, TRUE);
    return error;
}

const char *fuzz_check_csv(const char *text, gsize length)
{
    if (!g_utf8_validate(text, (gssize)length, NULL))
        return "CSV: not valid UTF-8";
    const char *at = text;
    const char *end = text + length;
    const char *error = NULL;
    GPtrArray *fields = g_ptr_array_new_with_free_func(g_free);
    GHashTable *finished = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    char *current = NULL;
    guint width = 0;
    while (error == NULL && at < end) {
        error = csv_record(&at, end, fields);
        if (error != NULL)
            break;
        const char *name = g_ptr_array_index(fields, 0);
        if (strcmp(name, "table") == 0) {
            width = fields->len;
            if (current != NULL)
                g_hash_table_add(finished, current);
            current = NULL;
        } else if (width == 0) {
            error = "CSV: a row before any header";
        } else if (fields->len != width) {
            error = "CSV: a row is not as wide as its header";
        } else if (current == NULL) {
            if (g_hash_table_contains(finished, name))
                error = "CSV: a table appears twice";
            current = g_strdup(name);
        } else if (strcmp(current, name) != 0) {
            error = "CSV: two tables under one header";
        }
    }
    g_free(current);
    g_hash_table_destroy(finished);
    g_ptr_array_free(fields, TRUE);
    return error;
}

/* --- text ------------------------------------------------------------------ */

const char *fuzz_check_text(const char *text, gsize length)
{
    if (!g_utf8_validate(text, (gssize)length, NULL))
        return "text: not valid UTF-8";
    const char *end = text + length;
    for (const char *c = text; c < end; c = g_utf8_next_char(c)) {
        gunichar character = g_utf8_get_char(c);
        if (character == '\n') {
            if (c > text && c[-1] == ' ')
                return "text: a line ends in a space";
            continue;
        }
        if (character < 0x20 || character == 0x7f || (character >= 0x80 && character <= 0x9f))
            return "text: a control character";
    }
    if (length > 0 && end[-1] != '\n')
        return "text: the last line does not end in \\n";
    return NULL;
}

/* --- HTML ------------------------------------------------------------------------ */

static guint count_case_insensitive(const char *text, const char *needle)
{
    char *lower = g_ascii_strdown(text, -1);
    guint count = 0;
    for (const char *at = lower; (at = strstr(at, needle)) != NULL; at++)
        count++;
    g_free(lower);
    return count;
}

const char *fuzz_check_html(const char *text, gsize length)
{
    static const char data_start[] = "<script type=\"application/json\" id=\"triage-data\">";
    if (!g_utf8_validate(text, (gssize)length, NULL))
        return "HTML: not valid UTF-8";
    if (strlen(text) != length)
        return "HTML: a NUL byte in the page";
    if (count_case_insensitive(text, "<script") != 3 || count_case_insensitive(text, "</script") != 3)
        return "HTML: a script element opened or closed by data";
    if (strstr(text, "<!--") != NULL)
        return "HTML: a comment opened by data";
    const char *start = strstr(text, data_start);
    if (start == NULL)
        return "HTML: no data element";
    start += sizeof data_start - 1;
    const char *end = strstr(start, "</script>");
    if (end == NULL)
        return "HTML: data element not closed";
    return fuzz_check_json(start, (gsize)(end - start));
}
