/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_protocol_masks.c — the protocol id -> mask table the policy engine
 * judges packets with.
 *
 * Data-driven: every tests/unit/data/protocol_masks/NAME.case is a script of
 *   add ID BITS              OR BITS into the mask of protocol ID
 *   get ID = BITS            the mask of one protocol
 *   layers ID… = BITS        the OR over a frame's layers
 * with BITS in C notation (0x…); '#' starts a comment line.
 */
#include <string.h>

#include "protocol_masks.h"

static guint64 parse_bits(const char *text, const char *where)
{
    char *end = NULL;
    guint64 bits = g_ascii_strtoull(text, &end, 0);
    if (end == text || *end != '\0')
        g_error("%s: '%s' is not a number", where, text);
    return bits;
}

static int parse_id(const char *text, const char *where)
{
    char *end = NULL;
    gint64 id = g_ascii_strtoll(text, &end, 10);
    if (end == text || *end != '\0')
        g_error("%s: '%s' is not a protocol id", where, text);
    return (int)id;
}

/* The words before "=" as ids, the word after it as the expected bits. */
static guint64 expected_after_equals(char **words, guint from, GArray *ids, const char *where)
{
    guint i = from;
    for (; words[i] != NULL && strcmp(words[i], "=") != 0; i++) {
        int id = parse_id(words[i], where);
        g_array_append_val(ids, id);
    }
    if (words[i] == NULL || words[i + 1] == NULL || words[i + 2] != NULL)
        g_error("%s: expected '= BITS' at the end", where);
    return parse_bits(words[i + 1], where);
}

static void run_line(triage_protocol_masks *masks, const char *line, const char *where)
{
    char **words = g_strsplit_set(line, " \t", -1);
    GPtrArray *kept = g_ptr_array_new();
    for (guint i = 0; words[i] != NULL; i++) {
        if (words[i][0] != '\0')
            g_ptr_array_add(kept, words[i]);
    }
    g_ptr_array_add(kept, NULL);
    char **word = (char **)kept->pdata;
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(int));

    if (word[0] == NULL) {
        /* blank line */
    } else if (strcmp(word[0], "add") == 0) {
        if (word[1] == NULL || word[2] == NULL || word[3] != NULL)
            g_error("%s: add ID BITS", where);
        triage_protocol_masks_add(masks, parse_id(word[1], where), parse_bits(word[2], where));
    } else if (strcmp(word[0], "get") == 0) {
        guint64 expected = expected_after_equals(word, 1, ids, where);
        if (ids->len != 1)
            g_error("%s: get ID = BITS", where);
        guint64 actual = triage_protocol_masks_get(masks, g_array_index(ids, int, 0));
        if (actual != expected)
            g_error("%s: got 0x%" G_GINT64_MODIFIER "x, expected 0x%" G_GINT64_MODIFIER "x", where, actual,
                    expected);
    } else if (strcmp(word[0], "layers") == 0) {
        guint64 expected = expected_after_equals(word, 1, ids, where);
        guint64 actual = triage_protocol_masks_of_layers(masks, (const int *)ids->data, ids->len);
        if (actual != expected)
            g_error("%s: got 0x%" G_GINT64_MODIFIER "x, expected 0x%" G_GINT64_MODIFIER "x", where, actual,
                    expected);
    } else {
        g_error("%s: unknown command '%s'", where, word[0]);
    }
    g_array_free(ids, TRUE);
    g_ptr_array_free(kept, TRUE);
    g_strfreev(words);
}

static void test_case(gconstpointer data)
{
    const char *path = data;
    char *text = NULL;
    GError *error = NULL;
    if (!g_file_get_contents(path, &text, NULL, &error))
        g_error("%s", error->message);
    triage_protocol_masks *masks = triage_protocol_masks_new();
    char **lines = g_strsplit(text, "\n", -1);
    guint checks = 0;
    for (guint i = 0; lines[i] != NULL; i++) {
        char *where = g_strdup_printf("%s:%u", path, i + 1);
        const char *line = g_strstrip(lines[i]);
        if (line[0] != '#') {
            run_line(masks, line, where);
            checks += g_str_has_prefix(line, "get") || g_str_has_prefix(line, "layers");
        }
        g_free(where);
    }
    g_assert_cmpuint(checks, >, 0);
    g_strfreev(lines);
    triage_protocol_masks_free(masks);
    g_free(text);
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (argc < 2)
        g_error("usage: %s DATA_DIR", argv[0]);
    char *folder = g_build_filename(argv[1], "protocol_masks", NULL);
    GDir *dir = g_dir_open(folder, 0, NULL);
    if (dir == NULL)
        g_error("cannot open %s", folder);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *entry;
    while ((entry = g_dir_read_name(dir)) != NULL) {
        if (g_str_has_suffix(entry, ".case"))
            g_ptr_array_add(names, g_strdup(entry));
    }
    g_dir_close(dir);
    g_ptr_array_sort(names, compare_names);
    g_assert_cmpuint(names->len, >, 0);
    for (guint i = 0; i < names->len; i++) {
        const char *name = g_ptr_array_index(names, i);
        char *test_path = g_strdup_printf("/protocol_masks/%.*s", (int)(strlen(name) - 5), name);
        g_test_add_data_func_full(test_path, g_build_filename(folder, name, NULL), test_case, g_free);
        g_free(test_path);
    }
    int status = g_test_run();
    g_ptr_array_free(names, TRUE);
    g_free(folder);
    return status;
}
