/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * merge_main.c — triage-merge: N JSON documents of Capture Triage (one per
 * capture from tshark -z triage,format=json, or fleet documents this
 * command wrote) in, one fleet report out.
 *
 *   triage-merge [--format text|csv|json|html] [--output FILE] [--top N]
 *                [--dests-top N] [--servers-top N] [--sort connections|bytes|packets]
 *                [--reports rtt,policy,dests,captures] [--from FILE] [DOCUMENT...]
 *
 * The reports are the report model's (report/), written by its writers:
 * the same text, CSV, JSON and HTML page as one capture's, with the fleet's
 * columns added (summary/summary_report.h).  A JSON output carries the
 * merged summary, so fleets merge again: merge(merge(a,b),c) is
 * byte-identical to merge(a,b,c).
 *
 * A document that cannot be read is named with its reason on standard
 * error and left out; the exit status is then 2 (the report of the others
 * is complete).  Nothing could be merged: 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "report.h"
#include "report_source.h"
#include "summary.h"
#include "summary_json.h"
#include "summary_read.h"
#include "summary_report.h"

typedef struct merge_options {
    char *format;
    char *output;
    char *sort;
    char *reports;
    char *from;
    gint top, dests_top, servers_top;
    char **documents;
} merge_options;

static gboolean parse_count(const char *name, gint value, guint *out)
{
    if (value < 0) {
        fprintf(stderr, "triage-merge: --%s: a count of 0 (all) or more, not %d\n", name, value);
        return FALSE;
    }
    *out = (guint)value;
    return TRUE;
}

/* The documents named in --from FILE ("-": standard input), one a line. */
static gboolean read_list(const char *path, GPtrArray *paths)
{
    char *contents = NULL;
    gsize length = 0;
    GError *error = NULL;
    gboolean ok;

    if (strcmp(path, "-") == 0) {
        GString *text = g_string_new(NULL);
        char buffer[65536];
        size_t got;
        while ((got = fread(buffer, 1, sizeof buffer, stdin)) > 0)
            g_string_append_len(text, buffer, (gssize)got);
        length = text->len;
        contents = g_string_free(text, FALSE);
        ok = TRUE;
    } else {
        ok = g_file_get_contents(path, &contents, &length, &error);
    }
    if (!ok) {
        fprintf(stderr, "triage-merge: %s: %s\n", path, error->message);
        g_error_free(error);
        return FALSE;
    }
    char **lines = g_strsplit(contents, "\n", -1);
    for (char **line = lines; *line != NULL; line++) {
        g_strchomp(*line);
        if (**line != '\0')
            g_ptr_array_add(paths, g_strdup(*line));
    }
    g_strfreev(lines);
    g_free(contents);
    return TRUE;
}

static int compare_paths(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static gboolean parse_format(const char *text, triage_format *out)
{
    static const struct {
        const char *word;
        triage_format format;
    } formats[] = {{"text", TRIAGE_FORMAT_TEXT}, {"csv", TRIAGE_FORMAT_CSV}, {"json", TRIAGE_FORMAT_JSON},
                   {"html", TRIAGE_FORMAT_HTML}};
    for (gsize i = 0; i < G_N_ELEMENTS(formats); i++) {
        if (g_ascii_strcasecmp(text, formats[i].word) == 0) {
            *out = formats[i].format;
            return TRUE;
        }
    }
    fprintf(stderr, "triage-merge: --format: text, csv, json or html, not \"%s\"\n", text);
    return FALSE;
}

static gboolean parse_sort(const char *text, triage_sort *out)
{
    if (text == NULL || strcmp(text, "connections") == 0)
        *out = TRIAGE_SORT_CONNECTIONS;
    else if (strcmp(text, "bytes") == 0)
        *out = TRIAGE_SORT_BYTES;
    else if (strcmp(text, "packets") == 0)
        *out = TRIAGE_SORT_PACKETS;
    else {
        fprintf(stderr, "triage-merge: --sort: connections, bytes or packets, not \"%s\"\n", text);
        return FALSE;
    }
    return TRUE;
}

/* Which reports, in the fixed order rtt, policy, dests, captures. */
static gboolean parse_reports(const char *text, gboolean *wanted)
{
    static const char *const words[TRIAGE_FLEET_REPORT_COUNT] = {"rtt", "policy", "dests", "captures"};
    char **parts;
    gboolean ok = TRUE;

    if (text == NULL) {
        for (guint i = 0; i < TRIAGE_FLEET_REPORT_COUNT; i++)
            wanted[i] = TRUE;
        return TRUE;
    }
    parts = g_strsplit(text, ",", -1);
    for (char **part = parts; ok && *part != NULL; part++) {
        guint i;
        for (i = 0; i < TRIAGE_FLEET_REPORT_COUNT && strcmp(*part, words[i]) != 0; i++)
            ;
        if (i == TRIAGE_FLEET_REPORT_COUNT) {
            fprintf(stderr, "triage-merge: --reports: rtt, policy, dests or captures, not \"%s\"\n", *part);
            ok = FALSE;
        } else {
            wanted[i] = TRUE;
        }
    }
    g_strfreev(parts);
    return ok;
}

/* Documents are read and parsed by worker threads, one document a task,
 * and merged by the main thread in path order, at most WINDOW ahead of the
 * merge: the cores share the parsing (most of the work) while memory holds
 * a few documents' summaries, not a thousand. */
#define WINDOW_PER_THREAD 4

typedef struct loading {
    GMutex lock;
    GCond changed;
    const char *const *paths;
    triage_summary **summaries; /* per path, once read (NULL: failed) */
    char **errors;              /* per path, when it failed */
    gboolean *ready;
    guint merged;               /* paths merged and freed so far */
    guint window;
} loading;

typedef struct load_task {
    loading *state;
    guint index;
} load_task;

static void load_document(gpointer data, gpointer user_data G_GNUC_UNUSED)
{
    load_task *task = data;
    loading *state = task->state;
    const char *path = state->paths[task->index];
    char *contents = NULL, *error = NULL;
    gsize length = 0;
    GError *read_error = NULL;
    triage_summary *summary = NULL;

    g_mutex_lock(&state->lock);
    while (task->index >= state->merged + state->window)
        g_cond_wait(&state->changed, &state->lock);
    g_mutex_unlock(&state->lock);

    if (!g_file_get_contents(path, &contents, &length, &read_error)) {
        error = g_strdup(read_error->message);
        g_error_free(read_error);
    } else {
        summary = triage_summary_read_document(contents, length, &error);
        g_free(contents);
    }
    g_mutex_lock(&state->lock);
    state->summaries[task->index] = summary;
    state->errors[task->index] = error;
    state->ready[task->index] = TRUE;
    g_cond_broadcast(&state->changed);
    g_mutex_unlock(&state->lock);
    g_free(task);
}

/* Reads and merges every path into fleet; *left_out counts the documents
 * named on standard error instead. */
static guint merge_documents(triage_summary *fleet, GPtrArray *paths, guint *left_out)
{
    loading state = {0};
    guint threads = MAX(1u, MIN((guint)g_get_num_processors(), 8u));
    GThreadPool *pool;
    guint merged = 0;

    g_mutex_init(&state.lock);
    g_cond_init(&state.changed);
    state.paths = (const char *const *)paths->pdata;
    state.summaries = g_new0(triage_summary *, paths->len);
    state.errors = g_new0(char *, paths->len);
    state.ready = g_new0(gboolean, paths->len);
    state.window = threads * WINDOW_PER_THREAD;
    pool = g_thread_pool_new(load_document, NULL, (gint)threads, FALSE, NULL);
    for (guint i = 0; i < paths->len; i++) {
        load_task *task = g_new(load_task, 1);
        task->state = &state;
        task->index = i;
        g_thread_pool_push(pool, task, NULL);
    }
    for (guint i = 0; i < paths->len; i++) {
        const char *path = g_ptr_array_index(paths, i);
        char *error = NULL;
        triage_summary *summary;

        g_mutex_lock(&state.lock);
        while (!state.ready[i])
            g_cond_wait(&state.changed, &state.lock);
        summary = state.summaries[i];
        error = state.errors[i];
        g_mutex_unlock(&state.lock);

        if (summary == NULL) {
            fprintf(stderr, "triage-merge: %s: %s (left out)\n", path, error);
            (*left_out)++;
        } else if (!triage_summary_merge(fleet, summary, &error)) {
            fprintf(stderr, "triage-merge: %s: %s (left out)\n", path, error);
            (*left_out)++;
        } else {
            merged++;
        }
        g_free(error);
        triage_summary_free(summary);
        g_mutex_lock(&state.lock);
        state.merged = i + 1;
        g_cond_broadcast(&state.changed);
        g_mutex_unlock(&state.lock);
    }
    g_thread_pool_free(pool, FALSE, TRUE);
    g_free(state.summaries);
    g_free(state.errors);
    g_free(state.ready);
    g_mutex_clear(&state.lock);
    g_cond_clear(&state.changed);
    return merged;
}

static gboolean write_output(const char *path, const GString *text)
{
    FILE *out = path == NULL || strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");

    if (out == NULL) {
        fprintf(stderr, "triage-merge: %s: %s\n", path, g_strerror(errno));
        return FALSE;
    }
    if (fwrite(text->str, 1, text->len, out) != text->len || fflush(out) != 0) {
        fprintf(stderr, "triage-merge: %s: %s\n", path != NULL ? path : "standard output", g_strerror(errno));
        if (out != stdout)
            fclose(out);
        return FALSE;
    }
    if (out != stdout && fclose(out) != 0) {
        fprintf(stderr, "triage-merge: %s: %s\n", path, g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}

int main(int argc, char **argv)
{
    merge_options cli = {.top = 10, .dests_top = 10, .servers_top = 0};
    GOptionEntry entries[] = {
        {"format", 'f', 0, G_OPTION_ARG_STRING, &cli.format, "text (default), csv, json or html", "FORMAT"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &cli.output, "Write the report to FILE (default: standard output)",
         "FILE"},
        {"top", 0, 0, G_OPTION_ARG_INT, &cli.top, "Rows of the ranked tables (default 10; 0: all)", "N"},
        {"dests-top", 0, 0, G_OPTION_ARG_INT, &cli.dests_top, "Rows of the destinations table (default 10; 0: all)",
         "N"},
        {"servers-top", 0, 0, G_OPTION_ARG_INT, &cli.servers_top, "Rows of the per-server table (default: --top)",
         "N"},
        {"sort", 0, 0, G_OPTION_ARG_STRING, &cli.sort, "Destinations by connections (default), bytes or packets",
         "ORDER"},
        {"reports", 0, 0, G_OPTION_ARG_STRING, &cli.reports, "Which reports (default rtt,policy,dests,captures)",
         "LIST"},
        {"from", 0, 0, G_OPTION_ARG_FILENAME, &cli.from, "Also merge the documents named in FILE, one a line "
                                                          "(-: standard input)", "FILE"},
        {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &cli.documents, NULL, "DOCUMENT..."},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GOptionContext *context = g_option_context_new("DOCUMENT... — merge Capture Triage JSON documents into a fleet report");
    GError *error = NULL;
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    triage_format format = TRIAGE_FORMAT_TEXT;
    gboolean wanted[TRIAGE_FLEET_REPORT_COUNT] = {FALSE};
    triage_report_options options;
    triage_summary *fleet;
    triage_report *reports[TRIAGE_FLEET_REPORT_COUNT];
    guint report_count = 0, merged = 0, left_out = 0;
    GString *out;
    char *summary_text = NULL;
    int status;

    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_description(context,
                                     "Each DOCUMENT is the output of tshark -z triage,format=json (schema 2) or of "
                                     "triage-merge --format json.\nExit status: 0 all merged, 2 some left out "
                                     "(named on standard error), 1 nothing merged or a bad option.");
    if (!g_option_context_parse(context, &argc, &argv, &error)) {
        fprintf(stderr, "triage-merge: %s\n", error->message);
        return 1;
    }
    g_option_context_free(context);
    triage_report_options_init(&options);
    if ((cli.format != NULL && !parse_format(cli.format, &format)) || !parse_count("top", cli.top, &options.top)
        || !parse_count("dests-top", cli.dests_top, &options.dests_top)
        || !parse_count("servers-top", cli.servers_top, &options.servers_top) || !parse_sort(cli.sort, &options.sort)
        || !parse_reports(cli.reports, wanted))
        return 1;
    for (char **document = cli.documents; document != NULL && *document != NULL; document++)
        g_ptr_array_add(paths, g_strdup(*document));
    if (cli.from != NULL && !read_list(cli.from, paths))
        return 1;
    if (paths->len == 0) {
        fprintf(stderr, "triage-merge: no documents: name them, or give --from FILE\n");
        return 1;
    }
    /* Sorted, so that which of two documents naming one capture is left
     * out does not depend on the order given. */
    g_ptr_array_sort(paths, compare_paths);

    fleet = triage_summary_new();
    merged = merge_documents(fleet, paths, &left_out);
    if (merged == 0) {
        fprintf(stderr, "triage-merge: nothing to merge\n");
        return 1;
    }

    for (guint kind = 0; kind < TRIAGE_FLEET_REPORT_COUNT; kind++)
        if (wanted[kind])
            reports[report_count++] = triage_fleet_report_build(fleet, (triage_fleet_report_kind)kind, &options);
    out = g_string_new(NULL);
    if (format == TRIAGE_FORMAT_JSON) {
        GString *text = g_string_new(NULL);
        triage_summary_append_json(text, fleet);
        summary_text = g_string_free(text, FALSE);
    }
    triage_reports_write_with_summary(out, format, reports, report_count, TRIAGE_VERSION, summary_text);
    status = write_output(cli.output, out) ? (left_out > 0 ? 2 : 0) : 1;
    if (left_out > 0)
        fprintf(stderr, "triage-merge: %u of %u documents merged, %u left out\n", merged, merged + left_out, left_out);

    g_free(summary_text);
    g_string_free(out, TRUE);
    for (guint i = 0; i < report_count; i++)
        triage_report_free(reports[i]);
    triage_summary_free(fleet);
    g_ptr_array_free(paths, TRUE);
    return status;
}
