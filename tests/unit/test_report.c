/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_report.c — the report model and its three renderings.
 *
 * Golden files: sample reports built below (every shape, nested tables,
 * nulls, extreme times, hostile strings) are rendered in each format and
 * compared byte for byte with data/report/NAME.{txt,csv,json}.  After an
 * intended change, regenerate them and review the diff:
 *     TRIAGE_UPDATE_GOLDEN=1 test_report tests/unit/data
 * Independently of the goldens, the JSON must parse and the CSV must split
 * into consistent tables (checked with python3 when it is installed, and
 * skipped loudly when it is not), and every output must be valid UTF-8.
 *
 * Time formats: data/report/times.tsv, one case per line:
 *     NANOSECONDS<TAB>machine form<TAB>text duration<TAB>text timestamp
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "report.h"

#define NS(seconds, nanoseconds) ((seconds) * TRIAGE_NS_PER_SECOND + (nanoseconds))

static const char *data_directory;

/* --- sample reports ------------------------------------------------------ */

static triage_table *ports_table(guint count)
{
    static const struct {
        const char *transport;
        gint64 port;
        const char *service;
        gboolean inferred;
        gint64 connections;
    } ports[] = {
        {"tcp", 443, "https", FALSE, 40},
        {"udp", 53, "domain", TRUE, 2},
        {"tcp", 8443, NULL, FALSE, 1},
    };
    triage_table *table = triage_table_new("ports", "Ports", TRIAGE_SHAPE_LIST);
    triage_table_add_column(table, "transport", "Transport", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "port", "Port", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "service", "Service", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "inferred", "Inferred", TRIAGE_CELL_BOOLEAN);
    triage_table_add_column(table, "connections", "Connections", TRIAGE_CELL_INTEGER);
    for (guint i = 0; i < count && i < G_N_ELEMENTS(ports); i++) {
        triage_table_begin_row(table);
        triage_table_add_string(table, ports[i].transport);
        triage_table_add_integer(table, ports[i].port);
        triage_table_add_string(table, ports[i].service);
        triage_table_add_boolean(table, ports[i].inferred);
        triage_table_add_integer(table, ports[i].connections);
    }
    if (count > G_N_ELEMENTS(ports))
        triage_table_add_footnote(table, "1 more port not shown");
    return table;
}

/* Destinations: nested tables (full, empty, null), and strings that must
 * survive every format: separators, quotes, line breaks, non-ASCII text,
 * control characters and bytes that are not UTF-8. */
static triage_report *dests_report(void)
{
    triage_report *report = triage_report_new("dests", "Destinations and Ports", "ip.addr==10.0.0.0/8");
    triage_report_set_capture(report, 1234, NS(1700000000, 123456789), NS(1700000300, 999999999));

    triage_table *destinations = triage_table_new("destinations", "Destinations", TRIAGE_SHAPE_LIST);
    triage_table_add_column(destinations, "address", "Address", TRIAGE_CELL_STRING);
    triage_table_add_column(destinations, "direction", "Direction", TRIAGE_CELL_STRING);
    triage_table_add_column(destinations, "connections", "Connections", TRIAGE_CELL_INTEGER);
    triage_table_add_column(destinations, "bytes_to", "Bytes to", TRIAGE_CELL_INTEGER);
    triage_table_add_column(destinations, "first", "First seen", TRIAGE_CELL_TIMESTAMP);
    triage_table_add_column(destinations, "country", "Country", TRIAGE_CELL_STRING);
    triage_table_add_column(destinations, "ports", "Ports", TRIAGE_CELL_TABLE);

    triage_table_begin_row(destinations);
    triage_table_add_string(destinations, "2001:db8::1");
    triage_table_add_string(destinations, "outbound");
    triage_table_add_integer(destinations, 43);
    triage_table_add_integer(destinations, G_MAXINT64);
    triage_table_add_timestamp(destinations, NS(1700000000, 123456789));
    triage_table_add_string(destinations, "Zürich, \"CH\"");
    triage_table_add_table(destinations, ports_table(4));

    triage_table_begin_row(destinations);
    triage_table_add_string(destinations, "10.0.0.1");
    triage_table_add_string(destinations, "inbound");
    triage_table_add_integer(destinations, 0);
    triage_table_add_integer(destinations, -1);
    triage_table_add_timestamp(destinations, NS(1700000001, 500));
    triage_table_add_string(destinations, "line one\nline two\r\tend");
    triage_table_add_table(destinations, ports_table(0)); /* empty: prints nothing */

    triage_table_begin_row(destinations);
    triage_table_add_string(destinations, "");
    triage_table_add_null(destinations);
    triage_table_add_null(destinations);
    triage_table_add_null(destinations);
    triage_table_add_null(destinations);
    triage_table_add_string(destinations, "ctl\x01\x1b[31m\x7f c1\xc2\x9b bad\xff\xfe utf8 日本");
    triage_table_add_null(destinations); /* no ports table at all */
    triage_table_add_footnote(destinations, "Sorted by connections; 7 more destinations not shown (top=3).");
    triage_report_add_table(report, destinations);

    triage_table *totals = triage_table_new("totals", "Totals", TRIAGE_SHAPE_RECORD);
    triage_table_add_column(totals, "destinations", "Destinations", TRIAGE_CELL_INTEGER);
    triage_table_add_column(totals, "connections", "Connections", TRIAGE_CELL_INTEGER);
    triage_table_add_column(totals, "bytes", "Bytes", TRIAGE_CELL_INTEGER);
    triage_table_begin_row(totals);
    triage_table_add_integer(totals, 10);
    triage_table_add_integer(totals, 57);
    triage_table_add_integer(totals, 1234567890123);
    triage_report_add_table(report, totals);
    return report;
}

/* Handshake times: every shape but the nested, and durations at their
 * edges (zero, negative, rounding, the largest and smallest int64). */
static triage_report *rtt_report(void)
{
    triage_report *report = triage_report_new("rtt", "Handshake RTT", NULL);
    triage_report_set_capture(report, 1, NS(-1, -500000000), NS(-1, -500000000));
    /* A name is the user's text: quotes, markup and a tab, escaped by each
     * writer as it escapes captured strings. */
    triage_report_set_capture_name(report, "lab \"a\"\t<b>");

    triage_table *connections = triage_table_new("connections", "Connections", TRIAGE_SHAPE_RECORD);
    triage_table_add_column(connections, "attempted", "Attempted", TRIAGE_CELL_INTEGER);
    triage_table_add_column(connections, "completed", "Completed", TRIAGE_CELL_INTEGER);
    triage_table_add_column(connections, "capture_point", "Capture point", TRIAGE_CELL_STRING);
    triage_table_add_column(connections, "ambiguous", "Ambiguous", TRIAGE_CELL_BOOLEAN);
    triage_table_add_column(connections, "median", "Median", TRIAGE_CELL_DURATION);
    triage_table_add_column(connections, "unknown", "Unknown", TRIAGE_CELL_INTEGER);
    triage_table_begin_row(connections);
    triage_table_add_integer(connections, 12345);
    triage_table_add_integer(connections, 7);
    triage_table_add_string(connections, "client");
    triage_table_add_boolean(connections, TRUE);
    triage_table_add_duration(connections, 42415000);
    triage_table_add_null(connections);
    triage_report_add_table(report, connections);

    triage_table *stats = triage_table_new("stats", "Times (seconds)", TRIAGE_SHAPE_KEYED);
    triage_table_add_column(stats, "time", "Time", TRIAGE_CELL_STRING);
    triage_table_add_column(stats, "count", "Count", TRIAGE_CELL_INTEGER);
    triage_table_add_column(stats, "min", "Min", TRIAGE_CELL_DURATION);
    triage_table_add_column(stats, "max", "Max", TRIAGE_CELL_DURATION);
    triage_table_begin_row(stats);
    triage_table_add_string(stats, "handshake");
    triage_table_add_integer(stats, 3);
    triage_table_add_duration(stats, 0);
    triage_table_add_duration(stats, NS(12345, 678901499));
    triage_table_begin_row(stats);
    triage_table_add_string(stats, "setup");
    triage_table_add_integer(stats, 2);
    triage_table_add_duration(stats, -400);
    triage_table_add_duration(stats, NS(-1, -500000000));
    triage_table_begin_row(stats);
    triage_table_add_string(stats, "extremes");
    triage_table_add_integer(stats, G_MININT64);
    triage_table_add_duration(stats, G_MININT64);
    triage_table_add_duration(stats, G_MAXINT64);
    triage_table_begin_row(stats);
    triage_table_add_string(stats, "syn_synack");
    triage_table_add_integer(stats, 0);
    triage_table_add_null(stats);
    triage_table_add_null(stats);
    triage_report_add_table(report, stats);

    triage_table *capture_point = triage_table_new("capture_point", "Capture point", TRIAGE_SHAPE_SCALAR);
    triage_table_add_column(capture_point, "capture_point", "Capture point", TRIAGE_CELL_STRING);
    triage_table_begin_row(capture_point);
    triage_table_add_string(capture_point, "client");
    triage_report_add_table(report, capture_point);

    triage_table *slowest = triage_table_new("slowest", "Slowest handshakes", TRIAGE_SHAPE_LIST);
    triage_table_add_column(slowest, "stream", "Stream", TRIAGE_CELL_INTEGER);
    triage_table_add_column(slowest, "server", "Server", TRIAGE_CELL_STRING);
    triage_table_add_column(slowest, "handshake", "Handshake", TRIAGE_CELL_DURATION);
    triage_table_add_column(slowest, "syn", "SYN sent", TRIAGE_CELL_TIMESTAMP);
    triage_table_add_column(slowest, "frames", "Frames", TRIAGE_CELL_INTEGER_LIST);
    static const gint64 frames[] = {1, 2, 3};
    static const gint64 one_frame[] = {4294967295};
    triage_table_begin_row(slowest);
    triage_table_add_integer(slowest, 0);
    triage_table_add_string(slowest, "192.0.2.10");
    triage_table_add_duration(slowest, 1500000000);
    triage_table_add_timestamp(slowest, 0);
    triage_table_add_integer_list(slowest, frames, G_N_ELEMENTS(frames));
    triage_table_begin_row(slowest);
    triage_table_add_integer(slowest, 17);
    triage_table_add_string(slowest, "198.51.100.7");
    triage_table_add_duration(slowest, 999);
    triage_table_add_timestamp(slowest, G_MININT64);
    triage_table_add_integer_list(slowest, one_frame, G_N_ELEMENTS(one_frame));
    triage_table_begin_row(slowest);
    triage_table_add_integer(slowest, 18);
    triage_table_add_string(slowest, "203.0.113.99");
    triage_table_add_duration(slowest, 500);
    triage_table_add_timestamp(slowest, G_MAXINT64);
    triage_table_add_integer_list(slowest, NULL, 0);
    triage_table_add_footnote(slowest, "Ambiguous handshakes (Karn) are left out.");
    triage_report_add_table(report, slowest);

    triage_table *longest = triage_table_new("longest_setup", "Longest setups", TRIAGE_SHAPE_LIST);
    triage_table_add_column(longest, "stream", "Stream", TRIAGE_CELL_INTEGER);
    triage_table_add_footnote(longest, "No handshake completed.");
    triage_report_add_table(report, longest);
    return report;
}

/* Policy: a RECORD with a nested table, VALUES, and a named capture with no
 * packets and no filter. */
static triage_report *policy_report(void)
{
    triage_report *report = triage_report_new("policy", "Policy Findings", "");
    triage_report_set_capture(report, 0, 0, 0);
    triage_report_set_capture_name(report, "empty.pcap");

    triage_table *invalid = triage_table_new("invalid_rules", "Invalid rules", TRIAGE_SHAPE_LIST);
    triage_table_add_column(invalid, "line", "Line", TRIAGE_CELL_INTEGER);
    triage_table_add_column(invalid, "reason", "Reason", TRIAGE_CELL_STRING);
    triage_table_begin_row(invalid);
    triage_table_add_integer(invalid, 7);
    triage_table_add_string(invalid, "unknown action \"block\"");
    triage_table_begin_row(invalid);
    triage_table_add_integer(invalid, 12);
    triage_table_add_string(invalid, "bad port 'tcp/99999', expected 0-65535");

    triage_table *policy = triage_table_new("policy", "Policy", TRIAGE_SHAPE_RECORD);
    triage_table_add_column(policy, "source", "Source", TRIAGE_CELL_STRING);
    triage_table_add_column(policy, "path", "File", TRIAGE_CELL_STRING);
    triage_table_add_column(policy, "rules", "Rules", TRIAGE_CELL_INTEGER);
    triage_table_add_column(policy, "invalid_rules", "Invalid rules", TRIAGE_CELL_TABLE);
    triage_table_add_column(policy, "exceptions", "Exceptions", TRIAGE_CELL_TABLE);
    triage_table_begin_row(policy);
    triage_table_add_string(policy, "file");
    triage_table_add_string(policy, "/etc/triage/my policy, v2.csv");
    triage_table_add_integer(policy, 9);
    triage_table_add_table(policy, invalid);
    triage_table_add_null(policy);
    triage_report_add_table(report, policy);

    triage_table *silent = triage_table_new("silent_rules", "Rules that matched nothing", TRIAGE_SHAPE_VALUES);
    triage_table_add_column(silent, "rule", "Rule", TRIAGE_CELL_STRING);
    triage_table_begin_row(silent);
    triage_table_add_string(silent, "bittorrent");
    triage_table_begin_row(silent);
    triage_table_add_string(silent, "crypto \"mining\"");
    triage_report_add_table(report, silent);

    triage_table *unexpected = triage_table_new("unexpected", "Unexpected protocols", TRIAGE_SHAPE_KEYED);
    triage_table_add_column(unexpected, "protocol", "Protocol", TRIAGE_CELL_STRING);
    triage_table_add_column(unexpected, "connections", "Connections", TRIAGE_CELL_INTEGER);
    triage_report_add_table(report, unexpected);

    triage_table *empty_values = triage_table_new("empty_values", "Nothing here", TRIAGE_SHAPE_VALUES);
    triage_table_add_column(empty_values, "name", "Name", TRIAGE_CELL_STRING);
    triage_report_add_table(report, empty_values);
    return report;
}

/* --- rendering helpers --------------------------------------------------- */

static char *render(triage_format format, triage_report *const *reports, guint count)
{
    GString *text = g_string_new(NULL);

    triage_reports_write(text, format, reports, count, "0.1.0");
    return g_string_free(text, FALSE);
}

static const char *const extensions[] = {"txt", "csv", "json"};

static void compare_with_golden(const char *actual, const char *golden_name)
{
    char *path = g_build_filename(data_directory, "report", golden_name, NULL);
    if (g_getenv("TRIAGE_UPDATE_GOLDEN") != NULL) {
        GError *error = NULL;
        if (!g_file_set_contents(path, actual, -1, &error))
            g_error("%s", error->message);
        g_test_message("rewrote %s", path);
    }
    char *expected = NULL;
    GError *error = NULL;
    if (!g_file_get_contents(path, &expected, NULL, &error))
        g_error("%s (create it with TRIAGE_UPDATE_GOLDEN=1)", error->message);
    if (strcmp(actual, expected) != 0) {
        char *actual_path = g_strconcat(golden_name, ".actual", NULL);
        g_file_set_contents(actual_path, actual, -1, NULL);
        g_test_message("output differs from %s; it is in ./%s (diff them, and if the change is "
                       "intended rerun with TRIAGE_UPDATE_GOLDEN=1)",
                       path, actual_path);
        g_free(actual_path);
    }
    g_assert_cmpstr(actual, ==, expected);
    g_free(expected);
    g_free(path);
}

/* Runs a python3 check on the text; FALSE when python3 is not installed. */
static gboolean python_check(const char *script, const char *input)
{
    char *python = g_find_program_in_path("python3");
    if (python == NULL)
        return FALSE;
    char *input_path = NULL;
    int fd = g_file_open_tmp("triage-report-XXXXXX", &input_path, NULL);
    g_assert_cmpint(fd, >=, 0);
    close(fd);
    g_assert_true(g_file_set_contents(input_path, input, -1, NULL));
    const char *argv[] = {python, "-c", script, input_path, NULL};
    char *out = NULL;
    char *err = NULL;
    int status = 0;
    GError *error = NULL;
    if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                      &status, &error))
        g_error("%s", error->message);
    gboolean passed = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!passed)
        g_test_message("python3 check failed:\n%s%s\ninput:\n%s", out, err, input);
    g_assert_true(passed);
    g_unlink(input_path);
    g_free(input_path);
    g_free(out);
    g_free(err);
    g_free(python);
    return TRUE;
}

/* Parses as JSON and checks the document's frame (DESIGN §5). */
static const char json_check[] =
    "import json, sys\n"
    "doc = json.load(open(sys.argv[1], encoding='utf-8'))\n"
    "assert list(doc)[:4] == ['schema', 'tool', 'version', 'reports'], list(doc)\n"
    "assert doc['schema'] == 2 and doc['tool'] == 'capture-triage'\n"
    "for report in doc['reports']:\n"
    "    assert list(report)[:3] == ['report', 'filter', 'capture'], list(report)\n"
    "    assert list(report['capture']) == ['name', 'packets', 'first', 'last'], list(report['capture'])\n";

/* Splits the stream into tables: every table starts with a header row, is
 * contiguous, appears once, and all its rows have the header's width. */
static const char csv_check[] =
    "import csv, sys\n"
    "rows = list(csv.reader(open(sys.argv[1], encoding='utf-8', newline='')))\n"
    "seen, width, current = set(), None, None\n"
    "for number, row in enumerate(rows, 1):\n"
    "    if row[0] == 'table':\n"
    "        width, current = len(row), None\n"
    "        continue\n"
    "    assert width is not None, f'row {number} before any header'\n"
    "    assert len(row) == width, f'row {number} has {len(row)} fields, header {width}'\n"
    "    if row[0] != current:\n"
    "        assert current is None, f'row {number}: table {row[0]} shares a header with {current}'\n"
    "        assert row[0] not in seen, f'row {number}: table {row[0]} appears twice'\n"
    "        seen.add(row[0]); current = row[0]\n";

static void check_output(triage_format format, const char *output)
{
    /* Hostile strings must never leak into the output as invalid UTF-8. */
    g_assert_true(g_utf8_validate(output, -1, NULL));
    gboolean checked = TRUE;
    if (format == TRIAGE_FORMAT_JSON)
        checked = python_check(json_check, output);
    else if (format == TRIAGE_FORMAT_CSV)
        checked = python_check(csv_check, output);
    if (!checked)
        g_test_message("SKIPPED: python3 not found, JSON and CSV syntax not checked");
}

/* --- golden tests -------------------------------------------------------- */

typedef struct golden_case {
    const char *name;
    triage_report *(*builders[3])(void);
} golden_case;

static const golden_case golden_cases[] = {
    {"single", {dests_report}},
    {"several", {rtt_report, dests_report, policy_report}},
    {"none", {NULL}},
};

static void test_golden(gconstpointer data)
{
    const golden_case *golden = data;
    triage_report *reports[3];
    guint count = 0;
    while (count < G_N_ELEMENTS(golden->builders) && golden->builders[count] != NULL) {
        reports[count] = golden->builders[count]();
        count++;
    }
    for (guint format = TRIAGE_FORMAT_TEXT; format <= TRIAGE_FORMAT_JSON; format++) {
        char *output = render(format, reports, count);
        char *golden_name = g_strdup_printf("%s.%s", golden->name, extensions[format]);
        check_output(format, output);
        compare_with_golden(output, golden_name);
        g_free(golden_name);
        free(output);
    }
    for (guint i = 0; i < count; i++)
        triage_report_free(reports[i]);
}

/* --- time formats -------------------------------------------------------- */

typedef struct time_case {
    gint64 nanoseconds;
    char *machine;
    char *duration_text;
    char *timestamp_text;
} time_case;

static void test_time_format(gconstpointer data)
{
    const time_case *test_case = data;
    char text[TRIAGE_TIME_STRING_SIZE];
    triage_format_duration(test_case->nanoseconds, text, sizeof text);
    g_assert_cmpstr(text, ==, test_case->machine);
    triage_format_timestamp(test_case->nanoseconds, text, sizeof text);
    g_assert_cmpstr(text, ==, test_case->machine);
    triage_format_duration_text(test_case->nanoseconds, text, sizeof text);
    g_assert_cmpstr(text, ==, test_case->duration_text);
    triage_format_timestamp_text(test_case->nanoseconds, text, sizeof text);
    g_assert_cmpstr(text, ==, test_case->timestamp_text);
}

static void free_time_case(gpointer data)
{
    time_case *test_case = data;
    g_free(test_case->machine);
    g_free(test_case->duration_text);
    g_free(test_case->timestamp_text);
    g_free(test_case);
}

static void add_time_cases(GPtrArray *keep)
{
    char *path = g_build_filename(data_directory, "report", "times.tsv", NULL);
    char *contents = NULL;
    GError *error = NULL;
    if (!g_file_get_contents(path, &contents, NULL, &error))
        g_error("%s", error->message);
    char **lines = g_strsplit(contents, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        if (*lines[i] == '\0' || *lines[i] == '#')
            continue;
        char **fields = g_strsplit(lines[i], "\t", -1);
        if (g_strv_length(fields) != 4)
            g_error("%s:%u: expected 4 TAB-separated fields", path, i + 1);
        char *end = NULL;
        errno = 0;
        time_case *test_case = g_new0(time_case, 1);
        test_case->nanoseconds = g_ascii_strtoll(fields[0], &end, 10);
        if (errno != 0 || *end != '\0')
            g_error("%s:%u: '%s' is not an int64", path, i + 1, fields[0]);
        test_case->machine = g_strdup(fields[1]);
        test_case->duration_text = g_strdup(fields[2]);
        test_case->timestamp_text = g_strdup(fields[3]);
        g_ptr_array_add(keep, test_case);
        char *name = g_strdup_printf("/report/times.tsv:%u", i + 1);
        g_test_add_data_func(name, test_case, test_time_format);
        g_free(name);
        g_strfreev(fields);
    }
    g_strfreev(lines);
    g_free(contents);
    g_free(path);
}

static void test_short_buffer_truncates(void)
{
    char text[6];
    memset(text, 'x', sizeof text);
    triage_format_timestamp(NS(1700000000, 0), text, sizeof text);
    g_assert_cmpstr(text, ==, "17000");
    triage_format_duration_text(NS(1, 0), text, 1);
    g_assert_cmpstr(text, ==, "");
}

/* --- builder contract ---------------------------------------------------- */

static void test_wrong_type_is_critical(void)
{
    triage_table *table = triage_table_new("t", "T", TRIAGE_SHAPE_LIST);
    triage_table_add_column(table, "count", "Count", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "time", "Time", TRIAGE_CELL_DURATION);
    triage_table_begin_row(table);
    triage_table_add_integer(table, 1);
    g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*column 'time' got a value of the wrong type*");
    triage_table_add_integer(table, 2);
    g_test_assert_expected_messages();
    triage_table_add_duration(table, 2);
    g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*beyond the last column*");
    triage_table_add_integer(table, 3);
    g_test_assert_expected_messages();
    g_assert_cmpuint(triage_table_row_count(table), ==, 1);
    triage_table_free(table);
}

static void test_short_row_is_padded(void)
{
    triage_report *report = triage_report_new("r", "R", NULL);
    triage_table *table = triage_table_new("t", "T", TRIAGE_SHAPE_LIST);
    triage_table_add_column(table, "a", "A", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "b", "B", TRIAGE_CELL_STRING);
    triage_table_begin_row(table);
    triage_table_add_integer(table, 1);
    g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*row 0 has 1 of 2 cells*");
    triage_table_begin_row(table);
    g_test_assert_expected_messages();
    triage_table_add_integer(table, 2);
    triage_table_add_string(table, "x");
    triage_table_begin_row(table);
    triage_table_add_integer(table, 3); /* last row short: rendered as null */
    triage_report_add_table(report, table);
    char *csv = render(TRIAGE_FORMAT_CSV, &report, 1);
    g_assert_cmpstr(csv, ==,
                    "table,report,filter,name,packets,first,last\n"
                    "capture,r,,,0,,\n"
                    "table,a,b\n"
                    "t,1,\n"
                    "t,2,x\n"
                    "t,3,\n");
    free(csv);
    triage_report_free(report);
}

static triage_table *two_column_table(const char *first, const char *second, gint64 value)
{
    triage_table *table = triage_table_new("n", "N", TRIAGE_SHAPE_LIST);
    triage_table_add_column(table, first, first, TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, second, second, TRIAGE_CELL_INTEGER);
    triage_table_begin_row(table);
    triage_table_add_integer(table, value);
    triage_table_add_integer(table, value + 1);
    return table;
}

/* Nested tables of one column with different columns (a builder slip the
 * fuzzer found): CSV matches them to the first one's header by key, so
 * every row stays as wide as its header. */
static void test_nested_tables_with_different_columns(void)
{
    triage_report *report = triage_report_new("r", "R", NULL);
    triage_table *table = triage_table_new("t", "T", TRIAGE_SHAPE_LIST);
    triage_table_add_column(table, "key", "Key", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "nested", "Nested", TRIAGE_CELL_TABLE);
    triage_table_begin_row(table);
    triage_table_add_string(table, "x");
    triage_table_add_table(table, two_column_table("a", "b", 1));
    triage_table_begin_row(table);
    triage_table_add_string(table, "y");
    triage_table_add_table(table, two_column_table("b", "c", 5));
    triage_report_add_table(report, table);
    char *csv = render(TRIAGE_FORMAT_CSV, &report, 1);
    g_assert_cmpstr(csv, ==,
                    "table,report,filter,name,packets,first,last\n"
                    "capture,r,,,0,,\n"
                    "table,key\n"
                    "t,x\n"
                    "t,y\n"
                    "table,key,a,b\n"
                    "t.nested,x,1,2\n"
                    "t.nested,y,,5\n");
    free(csv);
    triage_report_free(report);
}

static void test_one_row_shapes(void)
{
    triage_table *record = triage_table_new("r", "R", TRIAGE_SHAPE_RECORD);
    triage_table_add_column(record, "a", "A", TRIAGE_CELL_INTEGER);
    triage_table_begin_row(record);
    triage_table_add_integer(record, 1);
    g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*has one row*");
    triage_table_begin_row(record);
    g_test_assert_expected_messages();
    g_assert_cmpuint(triage_table_row_count(record), ==, 1);
    triage_table_free(record);

    triage_table *values = triage_table_new("v", "V", TRIAGE_SHAPE_VALUES);
    triage_table_add_column(values, "a", "A", TRIAGE_CELL_INTEGER);
    g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*has one column*");
    triage_table_add_column(values, "b", "B", TRIAGE_CELL_INTEGER);
    g_test_assert_expected_messages();
    triage_table_free(values);
}

static void test_reserved_and_duplicate_names(void)
{
    triage_report *report = triage_report_new("r", "R", NULL);
    g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*'capture' is the name of a report member*");
    triage_report_add_table(report, triage_table_new("capture", "C", TRIAGE_SHAPE_LIST));
    g_test_assert_expected_messages();
    triage_report_add_table(report, triage_table_new("t", "T", TRIAGE_SHAPE_LIST));
    g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*table 't' added twice*");
    triage_report_add_table(report, triage_table_new("t", "T", TRIAGE_SHAPE_LIST));
    g_test_assert_expected_messages();
    triage_report_free(report);
}

static void test_rejected_nested_table_is_freed(void)
{
    /* Ownership passes even when the cell is refused; ASan would see a leak. */
    triage_table *table = triage_table_new("t", "T", TRIAGE_SHAPE_LIST);
    triage_table_add_column(table, "a", "A", TRIAGE_CELL_INTEGER);
    triage_table_begin_row(table);
    g_test_expect_message(NULL, G_LOG_LEVEL_CRITICAL, "*wrong type*");
    triage_table_add_table(table, triage_table_new("n", "N", TRIAGE_SHAPE_LIST));
    g_test_assert_expected_messages();
    triage_table_free(table);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (argc < 2)
        g_error("usage: %s DATA_DIRECTORY", argv[0]);
    data_directory = argv[1];

    for (guint i = 0; i < G_N_ELEMENTS(golden_cases); i++) {
        char *name = g_strdup_printf("/report/golden/%s", golden_cases[i].name);
        g_test_add_data_func(name, &golden_cases[i], test_golden);
        g_free(name);
    }
    GPtrArray *time_cases = g_ptr_array_new_with_free_func(free_time_case);
    add_time_cases(time_cases);
    g_test_add_func("/report/short-buffer-truncates", test_short_buffer_truncates);
    g_test_add_func("/report/wrong-type-is-critical", test_wrong_type_is_critical);
    g_test_add_func("/report/short-row-is-padded", test_short_row_is_padded);
    g_test_add_func("/report/one-row-shapes", test_one_row_shapes);
    g_test_add_func("/report/nested-tables-with-different-columns",
                    test_nested_tables_with_different_columns);
    g_test_add_func("/report/reserved-and-duplicate-names", test_reserved_and_duplicate_names);
    g_test_add_func("/report/rejected-nested-table-is-freed", test_rejected_nested_table_is_freed);

    int result = g_test_run();
    g_ptr_array_free(time_cases, TRUE);
    return result;
}
