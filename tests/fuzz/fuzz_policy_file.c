/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_policy_file.c — the policy file parser and the table-row path on
 * arbitrary bytes.
 *
 * The input is parsed twice: as the text of a policy file
 * (triage_policy_parse_file_text) and as rows of the triage_policy table,
 * one row per line with fields split at tabs (triage_policy_from_rows and
 * triage_policy_check_row), which is how a hostile profile reaches the
 * same rule compiler.  Beyond memory safety it checks what users rely on:
 * every skipped rule is reported, with its place and a reason; every
 * kept rule is usable (a name unique in the policy, valid UTF-8, a known
 * action, criteria); filter bits are numbered densely in rule order; and
 * the row check agrees with what the table path keeps.
 */
#include <string.h>

#include "policy.h"
#include "policy_file.h"
#include "support/fuzz_assert.h"
#include "support/fuzz_protocols.h"

#define DISPLAY_NAME "fuzz.csv"
#define ROW_PREFIX "triage_policy table row "
/* Enough rows for the 64-filter-rule limit to be reachable. */
#define MAX_ROWS 80

static guint count_lines(const char *text, gsize length)
{
    guint lines = 1;
    for (gsize i = 0; i < length; i++) {
        /* \r\n is one break, a lone \r another: either way at most one line per byte. */
        if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == length || text[i + 1] != '\n')))
            lines++;
    }
    return lines;
}

static void check_error(const triage_policy_error *error, const char *where_prefix, guint max_line)
{
    FUZZ_ASSERT(error != NULL);
    FUZZ_ASSERT(error->reason != NULL && *error->reason != '\0');
    /* A bad line of an "@file" list the input named is placed in that list. */
    FUZZ_ASSERT(error->text != NULL && g_str_has_prefix(error->text, error->list != NULL ? error->list : where_prefix));
    FUZZ_ASSERT(strstr(error->text, error->reason) != NULL);
    FUZZ_ASSERT(error->line <= max_line);
}

/* What every kept rule must be, however it was written. */
static void check_rules(const triage_policy *policy, guint max_line)
{
    guint count = triage_policy_rule_count(policy);
    guint filter_bits = 0;
    guint previous_line = 0;
    GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);

    FUZZ_ASSERT(triage_policy_rule_at(policy, count) == NULL);
    for (guint i = 0; i < count; i++) {
        const triage_policy_rule *rule = triage_policy_rule_at(policy, i);
        FUZZ_ASSERT(rule != NULL);
        FUZZ_ASSERT(rule->name != NULL && *rule->name != '\0');
        FUZZ_ASSERT(g_utf8_validate(rule->name, -1, NULL));
        FUZZ_ASSERT(!g_ascii_isspace(rule->name[0]) && !g_ascii_isspace(rule->name[strlen(rule->name) - 1]));
        FUZZ_ASSERT(!g_hash_table_contains(names, rule->name));
        g_hash_table_add(names, rule->name);
        FUZZ_ASSERT(rule->message != NULL && g_utf8_validate(rule->message, -1, NULL));
        FUZZ_ASSERT(rule->action == TRIAGE_POLICY_ALERT || rule->action == TRIAGE_POLICY_ALLOW);
        FUZZ_ASSERT(rule->severity <= TRIAGE_SEVERITY_ERROR);
        FUZZ_ASSERT(rule->action == TRIAGE_POLICY_ALERT || rule->severity == TRIAGE_SEVERITY_NOTE);
        if (rule->filter != NULL) {
            FUZZ_ASSERT(*rule->filter != '\0' && g_utf8_validate(rule->filter, -1, NULL));
            FUZZ_ASSERT(rule->filter_bit == (int)filter_bits);
            filter_bits++;
        } else {
            FUZZ_ASSERT(rule->filter_bit == -1);
        }
        /* Rules come from distinct records, in order. */
        FUZZ_ASSERT(rule->line > previous_line && rule->line <= max_line);
        previous_line = rule->line;
    }
    FUZZ_ASSERT(filter_bits == triage_policy_filter_rule_count(policy));
    FUZZ_ASSERT(filter_bits <= TRIAGE_POLICY_MAX_FILTER_RULES);

    /* The destinations report asks about every port it shows. */
    static const guint16 ports[] = {0, 21, 22, 23, 111, 443, 3389, 6881, 65535};
    for (gsize i = 0; i < G_N_ELEMENTS(ports); i++) {
        for (guint8 transport = 0; transport < 20; transport++) {
            const char *name = triage_policy_rule_for_port(policy, transport, ports[i]);
            FUZZ_ASSERT(name == NULL || g_hash_table_contains(names, name));
        }
    }
    g_hash_table_destroy(names);
}

static void check_file(const char *text, gsize length)
{
    GPtrArray *errors = triage_policy_errors_new();
    guint lines = count_lines(text, length);
    triage_policy *policy =
        triage_policy_parse_file_text(text, length, DISPLAY_NAME, fuzz_protocols_resolve, NULL, errors);
    FUZZ_ASSERT(policy != NULL);
    for (guint i = 0; i < errors->len; i++)
        check_error(g_ptr_array_index(errors, i), DISPLAY_NAME, lines);
    check_rules(policy, lines);
    /* A rule is kept or reported, never both: no error names a kept rule's line. */
    for (guint i = 0; i < errors->len; i++) {
        const triage_policy_error *error = g_ptr_array_index(errors, i);
        for (guint r = 0; r < triage_policy_rule_count(policy) && error->list == NULL; r++)
            FUZZ_ASSERT(triage_policy_rule_at(policy, r)->line != error->line);
    }
    triage_policy_unref(policy);
    g_ptr_array_free(errors, TRUE);
}

/* Splits the input into rows of up to nine tab-separated fields; missing
 * fields stay NULL, as an unset UAT column would be. */
static guint split_rows(const char *text, triage_policy_row *rows, char ***fields_out)
{
    char **lines = g_strsplit(text, "\n", MAX_ROWS + 1);
    guint count = 0;
    for (guint i = 0; lines[i] != NULL && count < MAX_ROWS; i++) {
        char **fields = g_strsplit(lines[i], "\t", 9);
        const char **slots[] = {&rows[count].name,      &rows[count].action, &rows[count].severity,
                                &rows[count].message,   &rows[count].protocols, &rows[count].ports,
                                &rows[count].peers,     &rows[count].payload, &rows[count].filter};
        memset(&rows[count], 0, sizeof rows[count]);
        for (guint f = 0; f < G_N_ELEMENTS(slots) && fields[f] != NULL; f++)
            *slots[f] = fields[f];
        fields_out[count++] = fields;
    }
    g_strfreev(lines);
    return count;
}

static void check_rows(const char *text)
{
    triage_policy_row rows[MAX_ROWS];
    char **fields[MAX_ROWS];
    guint count = split_rows(text, rows, fields);
    GPtrArray *errors = triage_policy_errors_new();
    triage_policy *policy = triage_policy_from_rows(rows, count, fuzz_protocols_resolve, NULL, errors);

    FUZZ_ASSERT(policy != NULL);
    for (guint i = 0; i < errors->len; i++)
        check_error(g_ptr_array_index(errors, i), ROW_PREFIX, count);
    check_rules(policy, count);
    FUZZ_ASSERT(triage_policy_rule_count(policy) + errors->len == count);

    /* The editor's per-row check accepts every row the table keeps, and a
     * row it refuses is reported by the table too (perhaps for another
     * reason first: a duplicate name is checked before the fields). */
    guint kept = 0;
    for (guint row = 0; row < count; row++) {
        char *reason = NULL;
        gboolean acceptable = triage_policy_check_row(&rows[row], fuzz_protocols_resolve, NULL, &reason);
        gboolean kept_here = kept < triage_policy_rule_count(policy) &&
                             triage_policy_rule_at(policy, kept)->line == row + 1;
        FUZZ_ASSERT(acceptable == (reason == NULL));
        if (kept_here) {
            FUZZ_ASSERT(acceptable);
            kept++;
        } else {
            gboolean reported = FALSE;
            for (guint i = 0; i < errors->len; i++)
                reported |= ((const triage_policy_error *)g_ptr_array_index(errors, i))->line == row + 1;
            FUZZ_ASSERT(reported);
        }
        g_free(reason);
    }
    FUZZ_ASSERT(kept == triage_policy_rule_count(policy));

    triage_policy_unref(policy);
    g_ptr_array_free(errors, TRUE);
    for (guint i = 0; i < count; i++)
        g_strfreev(fields[i]);
}

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
    /* The file parser takes a length, so it sees every byte, NULs too. */
    check_file((const char *)data, size);
    /* Table cells are C strings: they end at the first NUL. */
    char *text = g_strndup((const char *)data, size);
    check_rows(text);
    g_free(text);
    return 0;
}
