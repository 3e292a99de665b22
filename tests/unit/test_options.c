/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_options.c — the -z argument parser, one case per line of every .tsv
 * file in data/options:
 *
 *   INPUT<TAB>EXPECTED
 *
 * EXPECTED is either "error: SENTENCE" (the exact error message) or the
 * parsed options in the canonical form this file prints:
 *   reports=rtt,policy,dests format=text top=10[ dests_top=N] sort=connections[ name=TEXT][ filter=TEXT]
 * (dests_top= only when it differs from top, as format=html makes it)
 * (no name= or filter= when there is none).  Blank lines and lines starting with
 * '#' are skipped.  Adding a case is adding a line.
 */
#include <string.h>

#include "options.h"

typedef struct option_case {
    char *input;
    char *expected;
} option_case;

static const char *const format_words[] = {"text", "csv", "json", "html"};
static const char *const sort_words[] = {"connections", "bytes", "packets"};

static char *describe(const triage_options *options)
{
    GString *text = g_string_new("reports=");
    const char *separator = "";
    if (options->reports & TRIAGE_REPORT_RTT) {
        g_string_append(text, "rtt");
        separator = ",";
    }
    if (options->reports & TRIAGE_REPORT_POLICY) {
        g_string_append_printf(text, "%spolicy", separator);
        separator = ",";
    }
    if (options->reports & TRIAGE_REPORT_DESTS)
        g_string_append_printf(text, "%sdests", separator);
    g_string_append_printf(text, " format=%s top=%u", format_words[options->format], options->top);
    if (options->dests_top != options->top)
        g_string_append_printf(text, " dests_top=%u", options->dests_top);
    g_string_append_printf(text, " sort=%s", sort_words[options->sort]);
    if (options->capture_name != NULL)
        g_string_append_printf(text, " name=%s", options->capture_name);
    if (options->filter != NULL)
        g_string_append_printf(text, " filter=%s", options->filter);
    return g_string_free(text, FALSE);
}

static void run_case(gconstpointer data)
{
    const option_case *test_case = data;
    triage_options options;
    char *error = NULL;
    gboolean parsed = triage_options_parse(test_case->input, &options, &error);
    char *actual;
    if (parsed) {
        g_assert_null(error);
        /* The parser promises no "" filter: empty means none. */
        g_assert_true(options.filter == NULL || *options.filter != '\0');
        actual = describe(&options);
    } else {
        g_assert_nonnull(error);
        /* A failed parse leaves nothing to free. */
        g_assert_null(options.filter);
        g_assert_null(options.capture_name);
        actual = g_strconcat("error: ", error, NULL);
    }
    g_assert_cmpstr(actual, ==, test_case->expected);
    g_free(actual);
    g_free(error);
    triage_options_clear(&options);
    g_assert_null(options.filter);
    g_assert_null(options.capture_name);
}

static void test_null_argument(void)
{
    triage_options options;
    char *error = NULL;
    g_assert_false(triage_options_parse(NULL, &options, &error));
    g_assert_cmpstr(error, ==,
                    "no argument: expected triage[,rtt|policy|dests][,key=value...][,filter]");
    g_free(error);
}

static void test_error_out_is_optional(void)
{
    triage_options options;
    g_assert_false(triage_options_parse("triage,top=0", &options, NULL));
    g_assert_null(options.filter);
    g_assert_true(triage_options_parse("triage,top=3,ip", &options, NULL));
    g_assert_cmpuint(options.top, ==, 3);
    g_assert_cmpstr(options.filter, ==, "ip");
    triage_options_clear(&options);
}

/* A name is any text up to the next comma, however long: a megabyte of it
 * is kept whole, and the words after it still parse. */
static void test_long_name(void)
{
    const gsize length = 1024 * 1024;
    char *name = g_malloc(length + 1);
    memset(name, 'n', length);
    name[length] = '\0';
    char *argument = g_strconcat("triage,name=", name, ",top=2,tcp", NULL);
    triage_options options;
    char *error = NULL;
    g_assert_true(triage_options_parse(argument, &options, &error));
    g_assert_null(error);
    g_assert_cmpuint(strlen(options.capture_name), ==, length);
    g_assert_cmpstr(options.capture_name, ==, name);
    g_assert_cmpuint(options.top, ==, 2);
    g_assert_cmpstr(options.filter, ==, "tcp");
    triage_options_clear(&options);
    g_free(argument);
    g_free(name);
}

static guint add_cases_from_file(const char *directory, const char *file_name, GPtrArray *keep)
{
    char *path = g_build_filename(directory, file_name, NULL);
    char *contents = NULL;
    GError *error = NULL;
    if (!g_file_get_contents(path, &contents, NULL, &error))
        g_error("%s", error->message);
    char **lines = g_strsplit(contents, "\n", -1);
    guint added = 0;
    for (guint i = 0; lines[i] != NULL; i++) {
        const char *line = lines[i];
        if (*line == '\0' || *line == '#')
            continue;
        const char *tab = strchr(line, '\t');
        if (tab == NULL)
            g_error("%s:%u: no TAB between input and expected result", path, i + 1);
        option_case *test_case = g_new0(option_case, 1);
        test_case->input = g_strndup(line, (gsize)(tab - line));
        test_case->expected = g_strdup(tab + 1);
        g_ptr_array_add(keep, test_case);
        char *test_name = g_strdup_printf("/options/%s:%u", file_name, i + 1);
        g_test_add_data_func(test_name, test_case, run_case);
        g_free(test_name);
        added++;
    }
    g_strfreev(lines);
    g_free(contents);
    g_free(path);
    return added;
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void free_case(gpointer data)
{
    option_case *test_case = data;
    g_free(test_case->input);
    g_free(test_case->expected);
    g_free(test_case);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (argc < 2)
        g_error("usage: %s DATA_DIRECTORY", argv[0]);
    char *directory = g_build_filename(argv[1], "options", NULL);

    g_test_add_func("/options/null-argument", test_null_argument);
    g_test_add_func("/options/error-out-is-optional", test_error_out_is_optional);
    g_test_add_func("/options/long-name", test_long_name);

    GPtrArray *cases = g_ptr_array_new_with_free_func(free_case);
    GDir *dir = g_dir_open(directory, 0, NULL);
    if (dir == NULL)
        g_error("cannot open %s", directory);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *name;
    while ((name = g_dir_read_name(dir)) != NULL) {
        if (g_str_has_suffix(name, ".tsv"))
            g_ptr_array_add(names, g_strdup(name));
    }
    g_dir_close(dir);
    g_ptr_array_sort(names, compare_names);
    guint total = 0;
    for (guint i = 0; i < names->len; i++)
        total += add_cases_from_file(directory, g_ptr_array_index(names, i), cases);
    if (total == 0)
        g_error("no cases in %s/*.tsv", directory);

    int result = g_test_run();
    g_ptr_array_free(names, TRUE);
    g_ptr_array_free(cases, TRUE);
    g_free(directory);
    return result;
}
