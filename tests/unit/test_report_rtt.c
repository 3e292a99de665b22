/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_report_rtt.c — the Handshake RTT report, driven by the .report
 * scripts in data/handshake/ (one test per file), plus the nearest-rank
 * percentiles of data/handshake/percentiles.tsv and the rendered forms.
 *
 * A report script feeds a handshake engine, then checks the report's
 * tables cell by cell (lines run top to bottom; '#' starts a comment):
 *
 *   max_connections N     a fresh engine with this bound (before segments)
 *   top N                 ranked lists' bound (default 10; 0 = no bound)
 *   select S,S,…          only these tcp.streams are in the report
 *   segment …             as in handshake_script.h
 *   handshake STREAM CLIENT CPORT SERVER SPORT START SYN_SYNACK SYNACK_ACK
 *                         a clean SYN, SYN/ACK, ACK: the SYN at START, the
 *                         legs as given, frames numbered on from the last
 *   expect TABLE ROW key=value …   a cell of the report built now
 *   expect_rows TABLE N
 *   expect_footnote TABLE TEXT…    one of the table's footnotes, exactly
 *
 * Cells compare in their CSV/JSON form (durations with 9 decimals, lists
 * "1,2,3"); a null cell reads "null".
 */
#include <glib.h>
#include <stdio.h>
#include <string.h>

#include "handshake_script.h"
#include "percentile.h"
#include "report_model.h"
#include "report_rtt.h"

#define MINIMUM_REPORT_CASE_COUNT 8

static const char *data_directory;

typedef struct report_run {
    const char *path;
    guint line_number;
    triage_handshake_engine *engine;
    triage_connection_table *connections; /* the streams' addresses */
    guint top;
    GArray *selection;   /* guint32 streams; NULL = every stream */
    triage_report *report;
    guint32 next_frame;
    triage_time first_time;
    triage_time last_time;
    guint64 packets;
    guint checks;
} report_run;

static void run_fail(report_run *run, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void run_fail(report_run *run, const char *format, ...)
{
    va_list arguments;
    char *message;

    va_start(arguments, format);
    message = g_strdup_vprintf(format, arguments);
    va_end(arguments);
    g_test_message("%s:%u: %s", run->path, run->line_number, message);
    g_test_fail();
    g_free(message);
}

/* Reports select connections; a case names the streams of those it wants. */
static gboolean connection_is_selected(guint32 connection_index, void *user_data)
{
    const report_run *run = user_data;
    const triage_connection *connection = triage_connection_table_get(run->connections, connection_index);

    for (guint i = 0; connection != NULL && i < run->selection->len; i++) {
        if (g_array_index(run->selection, guint32, i) == connection->stream)
            return TRUE;
    }
    return FALSE;
}

static triage_report *build_rtt(const triage_handshake_engine *engine, const triage_connection_table *connections,
                                guint top, const char *filter, triage_connection_selected_fn is_selected,
                                void *selection, guint64 packets, triage_time first, triage_time last)
{
    triage_report_source source = {.connections = connections, .handshakes = engine, .packets = packets,
                                   .first_time = first, .last_time = last};
    triage_report_options options;

    triage_report_options_init(&options);
    options.top = top;
    options.filter = filter;
    options.is_selected = is_selected;
    options.selection = selection;
    return triage_rtt_report_build(&source, &options);
}

/* Any change to the input invalidates the report built from it. */
static void forget_report(report_run *run)
{
    triage_report_free(run->report);
    run->report = NULL;
}

static triage_report *current_report(report_run *run)
{
    if (run->report == NULL) {
        run->report = build_rtt(run->engine, run->connections, run->top, NULL,
                                run->selection != NULL ? connection_is_selected : NULL, run,
                                run->packets, run->first_time, run->last_time);
    }
    return run->report;
}

static void feed(report_run *run, const triage_tcp_segment *segment)
{
    forget_report(run);
    triage_tcp_segment with_role = *segment;

    script_add_to_connections(run->connections, &with_role);
    triage_handshake_engine_add_segment(run->engine, &with_role);
    if (run->packets == 0 || segment->time < run->first_time)
        run->first_time = segment->time;
    if (run->packets == 0 || segment->time > run->last_time)
        run->last_time = segment->time;
    run->packets++;
    if (segment->frame >= run->next_frame)
        run->next_frame = segment->frame + 1;
}

/* --- Commands -------------------------------------------------------------- */

static void run_segment(report_run *run, char **words, guint count)
{
    triage_tcp_segment segment;

    if (!script_parse_segment(words, count, &segment)) {
        run_fail(run, "malformed segment line");
        return;
    }
    feed(run, &segment);
}

static void run_handshake(report_run *run, char **words, guint count)
{
    triage_tcp_segment syn = {0}, synack, ack;
    triage_time syn_synack, synack_ack;
    guint64 stream;

    if (count != 9 || !script_parse_number(words[1], G_MAXUINT32, &stream)
        || !script_parse_endpoint(words[2], words[3], &syn.source, &syn.source_port)
        || !script_parse_endpoint(words[4], words[5], &syn.destination, &syn.destination_port)
        || !script_parse_time(words[6], &syn.time) || !script_parse_time(words[7], &syn_synack)
        || !script_parse_time(words[8], &synack_ack)) {
        run_fail(run, "malformed handshake line");
        return;
    }
    syn.stream = (guint32)stream;
    syn.frame = run->next_frame;
    syn.flags = TRIAGE_TCP_SYN;
    syn.seq = 1000;

    synack = syn;
    synack.frame = syn.frame + 1;
    synack.time = syn.time + syn_synack;
    synack.flags = TRIAGE_TCP_SYN | TRIAGE_TCP_ACK;
    synack.source = syn.destination;
    synack.source_port = syn.destination_port;
    synack.destination = syn.source;
    synack.destination_port = syn.source_port;
    synack.seq = 5000;
    synack.ack = syn.seq + 1;

    ack = syn;
    ack.frame = syn.frame + 2;
    ack.time = synack.time + synack_ack;
    ack.flags = TRIAGE_TCP_ACK;
    ack.seq = syn.seq + 1;
    ack.ack = synack.seq + 1;

    feed(run, &syn);
    feed(run, &synack);
    feed(run, &ack);
}

static void run_select(report_run *run, char **words, guint count)
{
    char **streams;

    if (count != 2) {
        run_fail(run, "select wants one list of streams");
        return;
    }
    forget_report(run);
    if (run->selection == NULL)
        run->selection = g_array_new(FALSE, FALSE, sizeof(guint32));
    g_array_set_size(run->selection, 0);
    streams = g_strsplit(words[1], ",", -1);
    for (guint i = 0; streams[i] != NULL; i++) {
        guint64 stream;

        if (!script_parse_number(streams[i], G_MAXUINT32, &stream)) {
            run_fail(run, "bad stream '%s'", streams[i]);
            continue;
        }
        g_array_append_val(run->selection, (guint32){(guint32)stream});
    }
    g_strfreev(streams);
}

static const triage_table *find_table(report_run *run, const char *name)
{
    triage_report *report = current_report(run);

    for (guint i = 0; i < report->tables->len; i++) {
        const triage_table *table = g_ptr_array_index(report->tables, i);
        if (strcmp(table->name, name) == 0)
            return table;
    }
    run_fail(run, "no table '%s'", name);
    return NULL;
}

static gboolean find_column(const triage_table *table, const char *key, guint *out)
{
    for (guint i = 0; i < triage_table_column_count(table); i++) {
        if (strcmp(triage_table_column(table, i)->key, key) == 0) {
            *out = i;
            return TRUE;
        }
    }
    return FALSE;
}

static char *cell_text(const triage_table *table, guint row, guint column)
{
    const triage_cell *cell = triage_table_cell(table, row, column);
    GString *text;

    if (triage_cell_is_null(cell))
        return g_strdup("null");
    text = g_string_new(NULL);
    triage_cell_append_machine_text(text, cell);
    return g_string_free(text, FALSE);
}

static void run_expect(report_run *run, char **words, guint count)
{
    const triage_table *table;
    guint64 row;

    if (count < 4 || !script_parse_number(words[2], G_MAXUINT32, &row)) {
        run_fail(run, "malformed expect line");
        return;
    }
    table = find_table(run, words[1]);
    if (table == NULL)
        return;
    if (row >= triage_table_row_count(table)) {
        run_fail(run, "%s has %u rows, no row %" G_GUINT64_FORMAT, words[1], triage_table_row_count(table), row);
        return;
    }
    for (guint i = 3; i < count; i++) {
        char **pair = g_strsplit(words[i], "=", 2);
        guint column;

        if (pair[0] == NULL || pair[1] == NULL) {
            run_fail(run, "'%s' is not key=value", words[i]);
        } else if (!find_column(table, pair[0], &column)) {
            run_fail(run, "%s has no column '%s'", words[1], pair[0]);
        } else {
            char *actual = cell_text(table, (guint)row, column);
            char *expected = script_normalise_expected(pair[1]);

            if (strcmp(actual, expected) != 0)
                run_fail(run, "%s[%" G_GUINT64_FORMAT "].%s: expected %s, got %s", words[1], row, pair[0],
                         expected, actual);
            run->checks++;
            g_free(actual);
            g_free(expected);
        }
        g_strfreev(pair);
    }
}

static void run_expect_rows(report_run *run, char **words, guint count)
{
    const triage_table *table;
    guint64 rows;

    if (count != 3 || !script_parse_number(words[2], G_MAXUINT32, &rows)) {
        run_fail(run, "malformed expect_rows line");
        return;
    }
    table = find_table(run, words[1]);
    if (table == NULL)
        return;
    if (triage_table_row_count(table) != rows)
        run_fail(run, "%s: expected %" G_GUINT64_FORMAT " rows, got %u", words[1], rows,
                 triage_table_row_count(table));
    run->checks++;
}

static void run_expect_footnote(report_run *run, char **words, guint count)
{
    const triage_table *table;
    char *expected;
    gboolean found = FALSE;

    if (count < 3) {
        run_fail(run, "malformed expect_footnote line");
        return;
    }
    table = find_table(run, words[1]);
    if (table == NULL)
        return;
    expected = g_strjoinv(" ", words + 2);
    for (guint i = 0; i < table->footnotes->len; i++)
        found = found || strcmp(g_ptr_array_index(table->footnotes, i), expected) == 0;
    if (!found)
        run_fail(run, "%s has no footnote '%s'", words[1], expected);
    run->checks++;
    g_free(expected);
}

static void run_line(report_run *run, const char *line)
{
    char **words = script_split_line(line);
    guint count = g_strv_length(words);
    guint64 top; /* also the bound of max_connections */

    if (count == 0) {
        /* blank or comment */
    } else if (strcmp(words[0], "segment") == 0) {
        run_segment(run, words, count);
    } else if (strcmp(words[0], "handshake") == 0) {
        run_handshake(run, words, count);
    } else if (strcmp(words[0], "select") == 0) {
        run_select(run, words, count);
    } else if (strcmp(words[0], "max_connections") == 0 && count == 2 && run->packets == 0
               && script_parse_number(words[1], G_MAXUINT32, &top)) {
        triage_handshake_engine_free(run->engine);
        run->engine = triage_handshake_engine_new((guint32)top);
    } else if (strcmp(words[0], "top") == 0 && count == 2 && script_parse_number(words[1], G_MAXUINT32, &top)) {
        forget_report(run);
        run->top = (guint)top;
    } else if (strcmp(words[0], "expect") == 0) {
        run_expect(run, words, count);
    } else if (strcmp(words[0], "expect_rows") == 0) {
        run_expect_rows(run, words, count);
    } else if (strcmp(words[0], "expect_footnote") == 0) {
        run_expect_footnote(run, words, count);
    } else {
        run_fail(run, "cannot read line '%s'", line);
    }
    g_strfreev(words);
}

static void test_report_case(gconstpointer data)
{
    const char *path = data;
    char *text = NULL;
    report_run run = {.path = path, .top = 10, .next_frame = 1};
    char **lines;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    run.engine = triage_handshake_engine_new(0);
    run.connections = triage_connection_table_new(0, NULL, NULL);
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        run.line_number = i + 1;
        run_line(&run, lines[i]);
    }
    if (run.checks == 0)
        g_test_fail_printf("%s: no expectation checked", path);
    forget_report(&run);
    if (run.selection != NULL)
        g_array_free(run.selection, TRUE);
    triage_handshake_engine_free(run.engine);
    triage_connection_table_free(run.connections);
    g_strfreev(lines);
    g_free(text);
}

/* --- Percentiles: data/handshake/percentiles.tsv ----------------------------- */

static char *summary_text(const triage_duration_summary *summary)
{
    triage_time times[] = {summary->min, summary->p50, summary->p90, summary->p99, summary->max};
    GString *text = g_string_new(NULL);

    g_string_append_printf(text, "%" G_GUINT64_FORMAT, summary->count);
    for (gsize i = 0; i < G_N_ELEMENTS(times); i++) {
        char *time = script_format_time(times[i]);
        g_string_append_printf(text, " %s", time);
        g_free(time);
    }
    return g_string_free(text, FALSE);
}

/* fields: COUNT MIN P50 P90 P99 MAX as written in the file. */
static char *expected_summary_text(char **fields)
{
    GString *text = g_string_new(fields[0]);

    for (guint i = 1; i < 6; i++) {
        triage_time value = 0; /* g_assert_true returns when assertions are non-fatal */
        char *time;

        g_assert_true(script_parse_time(fields[i], &value));
        time = script_format_time(value);
        g_string_append_printf(text, " %s", time);
        g_free(time);
    }
    return g_string_free(text, FALSE);
}

/* Each line: VALUES (comma-separated seconds) COUNT MIN P50 P90 P99 MAX. */
static void test_percentile_table(void)
{
    char *path = g_build_filename(data_directory, "handshake", "percentiles.tsv", NULL);
    char *text = NULL;
    char **lines;
    guint checked = 0;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        char **fields = script_split_line(lines[i]);
        char **values;
        GArray *durations;
        triage_duration_summary summary;
        char *actual, *expected;

        if (fields[0] == NULL) {
            g_strfreev(fields);
            continue;
        }
        g_assert_cmpuint(g_strv_length(fields), ==, 7);
        values = g_strsplit(fields[0], ",", -1);
        durations = g_array_new(FALSE, FALSE, sizeof(triage_time));
        for (guint v = 0; values[v] != NULL; v++) {
            triage_time value;
            g_assert_true(script_parse_time(values[v], &value));
            g_array_append_val(durations, value);
        }
        triage_duration_summary_compute((triage_time *)(void *)durations->data, durations->len, &summary);
        actual = summary_text(&summary);
        expected = expected_summary_text(fields + 1);
        if (strcmp(actual, expected) != 0)
            g_test_fail_printf("%s:%u: expected %s, got %s", path, i + 1, expected, actual);
        checked++;
        g_free(actual);
        g_free(expected);
        g_array_free(durations, TRUE);
        g_strfreev(values);
        g_strfreev(fields);
    }
    g_assert_cmpuint(checked, >=, 5);
    g_strfreev(lines);
    g_free(text);
    g_free(path);
}

/* Ranks that only long sets reach: 1..N seconds has its P-th percentile at
 * ceil(P*N/100) seconds. */
static void test_percentile_long_sets(void)
{
    static const guint sizes[] = {1, 2, 99, 100, 101, 1000, 1001};

    for (gsize s = 0; s < G_N_ELEMENTS(sizes); s++) {
        guint size = sizes[s];
        triage_time *values = g_new(triage_time, size);
        triage_duration_summary summary;

        /* descending, so the sort is exercised */
        for (guint i = 0; i < size; i++)
            values[i] = (triage_time)(size - i) * TRIAGE_NS_PER_SECOND;
        triage_duration_summary_compute(values, size, &summary);
        g_assert_cmpuint(summary.count, ==, size);
        g_assert_cmpint(summary.min, ==, TRIAGE_NS_PER_SECOND);
        g_assert_cmpint(summary.max, ==, (triage_time)size * TRIAGE_NS_PER_SECOND);
        g_assert_cmpint(summary.p50, ==, (triage_time)((50 * size + 99) / 100) * TRIAGE_NS_PER_SECOND);
        g_assert_cmpint(summary.p90, ==, (triage_time)((90 * size + 99) / 100) * TRIAGE_NS_PER_SECOND);
        g_assert_cmpint(summary.p99, ==, (triage_time)((99 * size + 99) / 100) * TRIAGE_NS_PER_SECOND);
        g_free(values);
    }
}

static void test_percentile_empty(void)
{
    triage_duration_summary summary = {.count = 7, .max = 3};

    triage_duration_summary_compute(NULL, 0, &summary);
    g_assert_cmpuint(summary.count, ==, 0);
    g_assert_cmpint(summary.max, ==, 0);
}

/* --- Rendered forms ------------------------------------------------------------ */

static char *render(triage_report *report, triage_format format)
{
    GString *text = g_string_new(NULL);

    triage_reports_write(text, format, &report, 1, "test");
    return g_string_free(text, FALSE);
}

/* A client-side capture with one clean and one ambiguous handshake; the
 * connection table gets the same segments. */
static triage_handshake_engine *small_capture(triage_connection_table *connections)
{
    triage_handshake_engine *engine = triage_handshake_engine_new(0);
    static const struct {
        guint32 frame;
        triage_time time_us;
        guint32 stream;
        gboolean from_client;
        guint16 flags;
        guint32 seq, ack;
    } segments[] = {
        {1, 0, 0, TRUE, TRIAGE_TCP_SYN, 1, 0},
        {2, 42415, 0, FALSE, TRIAGE_TCP_SYN | TRIAGE_TCP_ACK, 7, 2},
        {3, 42485, 0, TRUE, TRIAGE_TCP_ACK, 2, 8},
        {4, 100000, 1, TRUE, TRIAGE_TCP_SYN, 1, 0},
        {5, 1100000, 1, TRUE, TRIAGE_TCP_SYN, 1, 0},
        {6, 1130000, 1, FALSE, TRIAGE_TCP_SYN | TRIAGE_TCP_ACK, 7, 2},
        {7, 1130100, 1, TRUE, TRIAGE_TCP_ACK, 2, 8},
    };
    triage_address client, server;

    g_assert_true(triage_address_from_string("2001:db8::10", &client));
    g_assert_true(triage_address_from_string("2001:db8::1", &server));
    for (gsize i = 0; i < G_N_ELEMENTS(segments); i++) {
        triage_tcp_segment segment = {
            .frame = segments[i].frame,
            .time = G_GINT64_CONSTANT(1700000000) * TRIAGE_NS_PER_SECOND + segments[i].time_us * 1000,
            .stream = segments[i].stream,
            .flags = segments[i].flags,
            .seq = segments[i].seq,
            .ack = segments[i].ack,
            .source = segments[i].from_client ? client : server,
            .destination = segments[i].from_client ? server : client,
            .source_port = segments[i].from_client ? 40000 + segments[i].stream : 443,
            .destination_port = segments[i].from_client ? 443 : 40000 + segments[i].stream,
        };
        script_add_to_connections(connections, &segment);
        triage_handshake_engine_add_segment(engine, &segment);
    }
    return engine;
}

static void test_text_rendering(void)
{
    triage_connection_table *connections = triage_connection_table_new(0, NULL, NULL);
    triage_handshake_engine *engine = small_capture(connections);
    triage_report *report = build_rtt(engine, connections, 10, "tcp.port==443", NULL, NULL, 7, 0, 0);
    char *text = render(report, TRIAGE_FORMAT_TEXT);

    g_assert_nonnull(strstr(text, "Capture Triage: Handshake RTT"));
    g_assert_nonnull(strstr(text, "tcp.port==443"));
    g_assert_nonnull(strstr(text, "Handshake times (seconds)"));
    g_assert_nonnull(strstr(text, "Ambiguous legs (Karn: SYN or SYN/ACK sent more than once) are excluded from"));
    g_assert_nonnull(strstr(text, "Capture point:  client"));
    g_assert_nonnull(strstr(text, "Slowest handshakes (top 10, unambiguous)"));
    g_assert_nonnull(strstr(text, "2001:db8::10"));
    /* tshark's -z tables never end a line in blanks: diffs stay clean */
    g_assert_null(strstr(text, " \n"));
    g_free(text);
    triage_report_free(report);
    triage_handshake_engine_free(engine);
    triage_connection_table_free(connections);
}

static void test_json_rendering(void)
{
    triage_connection_table *connections = triage_connection_table_new(0, NULL, NULL);
    triage_handshake_engine *engine = small_capture(connections);
    triage_report *report = build_rtt(engine, connections, 10, NULL, NULL, NULL, 7, 0, 0);
    char *json = render(report, TRIAGE_FORMAT_JSON);
    static const char *const fragments[] = {
        "\"report\": \"rtt\"",
        "\"filter\": null",
        "\"capture_point\": \"client\"",
        "\"attempted\": 2",
        "\"ambiguous\": 1",
        "\"handshake\": {",
        "\"p50\": 0.042485000",
        "\"address\": \"2001:db8::1\"",
        "\"frames\": [1, 2, 3]",
        "\"setup\": 1.030100000",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(fragments); i++) {
        if (strstr(json, fragments[i]) == NULL)
            g_test_fail_printf("JSON lacks %s:\n%s", fragments[i], json);
    }
    g_free(json);
    triage_report_free(report);
    triage_handshake_engine_free(engine);
    triage_connection_table_free(connections);
}

/* A stream the connection table does not hold (it was over the table's
 * bound) still counts, but shows no address and joins no server row. */
static void test_addresses_unknown(void)
{
    triage_connection_table *connections = triage_connection_table_new(0, NULL, NULL);
    triage_connection_table *empty = triage_connection_table_new(0, NULL, NULL);
    triage_handshake_engine *engine = small_capture(connections);
    triage_report *report = build_rtt(engine, empty, 10, NULL, NULL, NULL, 7, 0, 0);
    char *json = render(report, TRIAGE_FORMAT_JSON);

    if (strstr(json, "\"servers\": []") == NULL)
        g_test_fail_printf("servers should be empty:\n%s", json);
    if (strstr(json, "\"client\": null,\n          \"client_port\": null") == NULL)
        g_test_fail_printf("slowest rows should have no client:\n%s", json);
    if (strstr(json, "\"completed\": 2") == NULL)
        g_test_fail_printf("both connections should still count:\n%s", json);
    g_free(json);
    triage_report_free(report);
    triage_handshake_engine_free(engine);
    triage_connection_table_free(connections);
    triage_connection_table_free(empty);
}

int main(int argc, char **argv)
{
    GPtrArray *paths;
    char *case_directory;
    int status;

    g_test_init(&argc, &argv, NULL);
    if (argc < 2) {
        g_printerr("usage: %s DATA_DIRECTORY\n", argv[0]);
        return 2;
    }
    data_directory = argv[1];
    case_directory = g_build_filename(data_directory, "handshake", NULL);
    paths = script_add_file_tests(case_directory, ".report", "/report-rtt/case", MINIMUM_REPORT_CASE_COUNT, test_report_case);
    if (paths == NULL)
        return 1;
    g_test_add_func("/report-rtt/percentile/table", test_percentile_table);
    g_test_add_func("/report-rtt/percentile/long-sets", test_percentile_long_sets);
    g_test_add_func("/report-rtt/percentile/empty", test_percentile_empty);
    g_test_add_func("/report-rtt/render/text", test_text_rendering);
    g_test_add_func("/report-rtt/render/json", test_json_rendering);
    g_test_add_func("/report-rtt/addresses-unknown", test_addresses_unknown);
    status = g_test_run();
    g_ptr_array_free(paths, TRUE);
    g_free(case_directory);
    return status;
}
