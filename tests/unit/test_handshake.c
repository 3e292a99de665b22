/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_handshake.c — the handshake engine, driven by the case files in
 * the data/handshake/ .case files (one test per file) and by capture_points.tsv.
 *
 * A case is a script of lines ('#' starts a comment), run top to bottom:
 *
 *   max_connections N      a fresh engine with this bound (before segments)
 *   segment FRAME TIME STREAM SOURCE SPORT DESTINATION DPORT FLAGS SEQ ACK LENGTH
 *   finish                 end of the capture
 *   reset                  forget everything
 *   expect STREAM key=value …   check the stream's latest record now
 *   expect STREAM@FRAME key=value …   the stream's record that holds FRAME
 *                               (a stream with more than one attempt)
 *   expect STREAM absent        the engine has no record for STREAM
 *   expect_engine key=value …   check the engine's counters
 *
 * TIME is seconds with up to 9 decimals, FLAGS a word of S A P F R ("-" for
 * none), SEQ and ACK raw 32-bit numbers, LENGTH the TCP payload length.
 * Record keys: outcome, syn_synack, synack_ack, handshake, setup (seconds,
 * "-" when not measured), ambiguity (none|syn|synack|syn,synack),
 * ambiguous_legs and in_statistics (leg names or none), anomalies (names or
 * none), first_syn_frame, syn_frame, synack_frame, synack_ack_opening_frame,
 * ack_frame, reset_frame, client and server (ADDRESS:PORT, [v6]:PORT),
 * capture_point, attempted (yes|no).  Engine keys: untracked_connections,
 * untracked_segments, stream_count, earlier_attempts (records set aside by
 * a later attempt in their stream), records (every record).  An unknown key or a malformed line fails
 * the case, so a typo cannot pass silently.
 */
#include <glib.h>
#include <string.h>

#include "handshake_script.h"

/* The corpus-derived and hand-written cases; the test fails when fewer are
 * found, so a lost data folder cannot look like a pass. */
#define MINIMUM_CASE_COUNT 20

static const char *data_directory;
/* Set by a case's "finish" line: outcomes are read as at the end of a
 * capture from then on. */
static gboolean capture_ended;

typedef struct case_run {
    const char *path;
    guint line_number;
    triage_handshake_engine *engine;
    triage_connection_table *connections; /* the streams' addresses */
    gboolean fed_segments;
    guint checks;
} case_run;

static void case_fail(case_run *run, const char *format, ...) G_GNUC_PRINTF(2, 3);

static void case_fail(case_run *run, const char *format, ...)
{
    va_list arguments;
    char *message;

    va_start(arguments, format);
    message = g_strdup_vprintf(format, arguments);
    va_end(arguments);
    /* One message per mismatch: a case reports all of them, not the last. */
    g_test_message("%s:%u: %s", run->path, run->line_number, message);
    g_test_fail();
    g_free(message);
}

/* --- Values as text ---------------------------------------------------------- */

static char *format_endpoint(const triage_address *address, guint16 port)
{
    char buffer[64];

    triage_address_to_string(address, buffer, sizeof buffer);
    return address->family == 6 ? g_strdup_printf("[%s]:%u", buffer, port)
                                : g_strdup_printf("%s:%u", buffer, port);
}

/* Joins the names of the set bits, "none" when none is set. */
static char *format_names(guint count, const char *(*name_of)(guint), gboolean (*is_set)(guint, const void *),
                          const void *subject)
{
    GString *text = g_string_new(NULL);

    for (guint i = 0; i < count; i++) {
        if (!is_set(i, subject))
            continue;
        if (text->len > 0)
            g_string_append_c(text, ',');
        g_string_append(text, name_of(i));
    }
    if (text->len == 0)
        g_string_append(text, "none");
    return g_string_free(text, FALSE);
}

static const char *leg_name_of(guint leg)
{
    return triage_leg_name((triage_leg)leg);
}

static gboolean leg_is_ambiguous(guint leg, const void *subject)
{
    return triage_handshake_leg_is_ambiguous(subject, (triage_leg)leg);
}

static gboolean leg_in_statistics(guint leg, const void *subject)
{
    return triage_handshake_leg_in_statistics(subject, (triage_leg)leg);
}

static const char *anomaly_name_of(guint index)
{
    return triage_handshake_anomaly_name(1u << index);
}

static gboolean anomaly_is_set(guint index, const void *subject)
{
    return (triage_handshake_anomalies(subject) & (1u << index)) != 0;
}

static const char *ambiguity_name_of(guint index)
{
    return index == 0 ? "syn" : "synack";
}

static gboolean ambiguity_is_set(guint index, const void *subject)
{
    return (triage_handshake_ambiguity(subject) & (1u << index)) != 0;
}

static char *leg_text(const triage_handshake *handshake, triage_leg leg)
{
    triage_time value;

    if (!triage_handshake_leg_value(handshake, leg, &value))
        return g_strdup("-");
    return script_format_time(value);
}

/* The record's value for key as text, or NULL for an unknown key. */
static char *record_value(const triage_handshake *handshake, const char *key)
{
    static const struct {
        const char *key;
        gsize offset;
    } frames[] = {
        {"first_syn_frame", G_STRUCT_OFFSET(triage_handshake, first_syn_frame)},
        {"syn_frame", G_STRUCT_OFFSET(triage_handshake, syn_frame)},
        {"synack_frame", G_STRUCT_OFFSET(triage_handshake, synack_frame)},
        {"synack_ack_opening_frame", G_STRUCT_OFFSET(triage_handshake, synack_ack_opening_frame)},
        {"ack_frame", G_STRUCT_OFFSET(triage_handshake, ack_frame)},
        {"reset_frame", G_STRUCT_OFFSET(triage_handshake, reset_frame)},
    };

    for (guint leg = 0; leg < TRIAGE_LEG_COUNT; leg++) {
        if (strcmp(key, triage_leg_name((triage_leg)leg)) == 0)
            return leg_text(handshake, (triage_leg)leg);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(frames); i++) {
        if (strcmp(key, frames[i].key) == 0)
            return g_strdup_printf("%u", G_STRUCT_MEMBER(guint32, handshake, frames[i].offset));
    }
    if (strcmp(key, "outcome") == 0)
        return g_strdup(triage_handshake_outcome_name(triage_handshake_get_outcome(handshake, capture_ended)));
    if (strcmp(key, "ambiguity") == 0)
        return format_names(2, ambiguity_name_of, ambiguity_is_set, handshake);
    if (strcmp(key, "ambiguous_legs") == 0)
        return format_names(TRIAGE_LEG_COUNT, leg_name_of, leg_is_ambiguous, handshake);
    if (strcmp(key, "in_statistics") == 0)
        return format_names(TRIAGE_LEG_COUNT, leg_name_of, leg_in_statistics, handshake);
    if (strcmp(key, "anomalies") == 0)
        return format_names(TRIAGE_ANOMALY_KIND_COUNT, anomaly_name_of, anomaly_is_set, handshake);
    if (strcmp(key, "capture_point") == 0)
        return g_strdup(triage_capture_point_name(triage_handshake_capture_point(handshake)));
    if (strcmp(key, "attempted") == 0)
        return g_strdup(triage_handshake_attempted(handshake) ? "yes" : "no");
    return NULL;
}

static char *engine_value(const triage_handshake_engine *engine, const char *key)
{
    if (strcmp(key, "untracked_connections") == 0)
        return g_strdup_printf("%" G_GUINT64_FORMAT, triage_handshake_engine_untracked_connections(engine));
    if (strcmp(key, "untracked_segments") == 0)
        return g_strdup_printf("%" G_GUINT64_FORMAT, triage_handshake_engine_untracked_segments(engine));
    if (strcmp(key, "stream_count") == 0)
        return g_strdup_printf("%u", triage_handshake_engine_stream_count(engine));
    if (strcmp(key, "earlier_attempts") == 0)
        return g_strdup_printf("%u", triage_handshake_engine_earlier_attempts(engine));
    if (strcmp(key, "records") == 0) {
        guint64 position = 0, records = 0;
        guint32 stream;
        const triage_handshake *handshake;

        while (triage_handshake_engine_next(engine, &position, &stream, &handshake))
            records++;
        return g_strdup_printf("%" G_GUINT64_FORMAT, records);
    }
    return NULL;
}

/* --- Script commands --------------------------------------------------------- */

typedef char *(*value_reader)(const void *subject, const char *key);

/* A record seen with its stream's endpoints, as the reports see it. */
typedef struct record_subject {
    const triage_handshake *handshake;
    guint32 stream;
    triage_connection_table *connections;
} record_subject;

/* "client" or "server": the endpoint of the stream's connection the
 * handshake engine gives that role. */
static char *endpoint_value(const record_subject *record, gboolean want_client)
{
    triage_flow_packet probe = {.transport = TRIAGE_TRANSPORT_TCP, .stream = record->stream};
    const triage_connection *connection = triage_connection_table_find(record->connections, &probe, NULL);
    gboolean first_is_client;

    if (connection == NULL)
        return g_strdup("unknown");
    first_is_client = triage_handshake_client_is(record->handshake, &connection->client, connection->client_port,
                                                 &connection->server, connection->server_port);
    if (first_is_client == want_client)
        return format_endpoint(&connection->client, connection->client_port);
    return format_endpoint(&connection->server, connection->server_port);
}

static char *read_record_value(const void *subject, const char *key)
{
    const record_subject *record = subject;

    if (strcmp(key, "client") == 0 || strcmp(key, "server") == 0)
        return endpoint_value(record, strcmp(key, "client") == 0);
    return record_value(record->handshake, key);
}

static char *read_engine_value(const void *subject, const char *key)
{
    return engine_value(subject, key);
}

static void check_pairs(case_run *run, char **words, const void *subject, value_reader read, const char *what)
{
    for (; *words != NULL; words++) {
        char **pair = g_strsplit(*words, "=", 2);
        char *actual, *expected;

        if (pair[0] == NULL || pair[1] == NULL) {
            case_fail(run, "'%s' is not key=value", *words);
            g_strfreev(pair);
            continue;
        }
        actual = read(subject, pair[0]);
        if (actual == NULL) {
            case_fail(run, "unknown %s key '%s'", what, pair[0]);
            g_strfreev(pair);
            continue;
        }
        expected = script_normalise_expected(pair[1]);
        if (strcmp(actual, expected) != 0)
            case_fail(run, "%s %s: expected %s, got %s", what, pair[0], expected, actual);
        run->checks++;
        g_free(expected);
        g_free(actual);
        g_strfreev(pair);
    }
}

static void run_segment(case_run *run, char **words, guint count)
{
    triage_tcp_segment segment;

    if (!script_parse_segment(words, count, &segment)) {
        case_fail(run, "malformed segment line");
        return;
    }
    script_add_to_connections(run->connections, &segment);
    triage_handshake_engine_add_segment(run->engine, &segment);
    capture_ended = FALSE; /* a live capture goes on */
    run->fed_segments = TRUE;
}

static void run_expect(case_run *run, char **words, guint count)
{
    guint64 stream, frame = 0;
    const triage_handshake *handshake;
    char **target = g_strsplit(words[1], "@", 2);
    gboolean parsed = count >= 3 && script_parse_number(target[0], G_MAXUINT32, &stream)
                      && (target[1] == NULL || script_parse_number(target[1], G_MAXUINT32, &frame));

    g_strfreev(target);
    if (!parsed) {
        case_fail(run, "malformed expect line");
        return;
    }
    handshake = frame != 0 ? triage_handshake_engine_find(run->engine, (guint32)stream, (guint32)frame)
                           : triage_handshake_engine_get(run->engine, (guint32)stream);
    if (count == 3 && strcmp(words[2], "absent") == 0) {
        if (handshake != NULL)
            case_fail(run, "stream %" G_GUINT64_FORMAT " should be absent", stream);
        run->checks++;
        return;
    }
    if (handshake == NULL) {
        case_fail(run, "no record for stream %" G_GUINT64_FORMAT, stream);
        return;
    }
    record_subject record = {handshake, (guint32)stream, run->connections};
    check_pairs(run, words + 2, &record, read_record_value, "record");
}

static void run_line(case_run *run, const char *line)
{
    char **words = script_split_line(line);
    guint count = g_strv_length(words);

    if (count == 0) {
        /* blank or comment */
    } else if (strcmp(words[0], "segment") == 0) {
        run_segment(run, words, count);
    } else if (strcmp(words[0], "expect") == 0) {
        run_expect(run, words, count);
    } else if (strcmp(words[0], "expect_engine") == 0) {
        check_pairs(run, words + 1, run->engine, read_engine_value, "engine");
    } else if (strcmp(words[0], "finish") == 0 && count == 1) {
        capture_ended = TRUE;
    } else if (strcmp(words[0], "reset") == 0 && count == 1) {
        triage_handshake_engine_reset(run->engine);
        triage_connection_table_reset(run->connections);
    } else if (strcmp(words[0], "max_connections") == 0 && count == 2 && !run->fed_segments) {
        guint64 bound;

        if (!script_parse_number(words[1], G_MAXUINT32, &bound)) {
            case_fail(run, "bad bound");
        } else {
            triage_handshake_engine_free(run->engine);
            run->engine = triage_handshake_engine_new((guint32)bound);
        }
    } else {
        case_fail(run, "cannot read line '%s'", line);
    }
    g_strfreev(words);
}

static void test_case_file(gconstpointer data)
{
    const char *path = data;
    char *text = NULL;
    GError *error = NULL;
    case_run run = {.path = path};
    char **lines;

    if (!g_file_get_contents(path, &text, NULL, &error)) {
        g_test_fail_printf("%s", error->message);
        g_error_free(error);
        return;
    }
    capture_ended = FALSE;
    run.engine = triage_handshake_engine_new(0);
    run.connections = triage_connection_table_new(0, NULL, NULL);
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        run.line_number = i + 1;
        run_line(&run, lines[i]);
    }
    if (run.checks == 0)
        g_test_fail_printf("%s: no expectation checked", path);
    g_strfreev(lines);
    g_free(text);
    triage_handshake_engine_free(run.engine);
    triage_connection_table_free(run.connections);
}

/* --- Capture points: data/handshake/capture_points.tsv ----------------------- */

/* Each line: SYN_SYNACK SYNACK_ACK EXPECTED_POINT [# why]. */
static void test_capture_point_rule(void)
{
    char *path = g_build_filename(data_directory, "handshake", "capture_points.tsv", NULL);
    char *text = NULL;
    char **lines;
    guint checked = 0;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        char **fields = script_split_line(lines[i]);
        triage_time syn_synack, synack_ack;

        if (g_strv_length(fields) == 3 && script_parse_time(fields[0], &syn_synack)
            && script_parse_time(fields[1], &synack_ack)) {
            const char *actual = triage_capture_point_name(triage_capture_point_classify(syn_synack, synack_ack));
            if (strcmp(actual, fields[2]) != 0)
                g_test_fail_printf("%s:%u: expected %s, got %s", path, i + 1, fields[2], actual);
            checked++;
        } else if (fields[0] != NULL) {
            g_test_fail_printf("%s:%u: cannot read line", path, i + 1);
        }
        g_strfreev(fields);
    }
    g_assert_cmpuint(checked, >=, 8);
    g_strfreev(lines);
    g_free(text);
    g_free(path);
}

static triage_capture_point verdict_of(guint64 client, guint64 server, guint64 path, guint64 unknown)
{
    triage_capture_point_tally tally = {0};

    tally.votes[TRIAGE_CAPTURE_POINT_CLIENT] = client;
    tally.votes[TRIAGE_CAPTURE_POINT_SERVER] = server;
    tally.votes[TRIAGE_CAPTURE_POINT_PATH] = path;
    tally.votes[TRIAGE_CAPTURE_POINT_UNKNOWN] = unknown;
    return triage_capture_point_tally_verdict(&tally);
}

static void test_capture_point_agreement(void)
{
    triage_capture_point_tally tally = {0};

    g_assert_cmpint(verdict_of(0, 0, 0, 5), ==, TRIAGE_CAPTURE_POINT_UNKNOWN);
    /* Unclassifiable connections do not dilute the agreement. */
    g_assert_cmpint(verdict_of(4, 1, 0, 100), ==, TRIAGE_CAPTURE_POINT_CLIENT);
    g_assert_cmpint(verdict_of(79, 21, 0, 0), ==, TRIAGE_CAPTURE_POINT_MIXED);
    g_assert_cmpint(verdict_of(80, 20, 0, 0), ==, TRIAGE_CAPTURE_POINT_CLIENT);
    g_assert_cmpint(verdict_of(1, 9, 0, 0), ==, TRIAGE_CAPTURE_POINT_SERVER);
    g_assert_cmpint(verdict_of(0, 1, 4, 0), ==, TRIAGE_CAPTURE_POINT_PATH);
    g_assert_cmpint(verdict_of(1, 1, 1, 0), ==, TRIAGE_CAPTURE_POINT_MIXED);

    triage_capture_point_tally_add(&tally, TRIAGE_CAPTURE_POINT_SERVER);
    triage_capture_point_tally_add(&tally, TRIAGE_CAPTURE_POINT_UNKNOWN);
    g_assert_cmpint(triage_capture_point_tally_verdict(&tally), ==, TRIAGE_CAPTURE_POINT_SERVER);
    g_assert_cmpstr(triage_capture_point_name(TRIAGE_CAPTURE_POINT_MIXED), ==, "mixed");
}

/* --- Properties no case file can show ------------------------------------------ */

static void test_names(void)
{
    static const char *const outcomes[] = {"pending", "completed", "refused", "unanswered",
                                           "incomplete", "client_reset", "synack_only", "no_handshake"};

    for (guint i = 0; i < TRIAGE_OUTCOME_COUNT; i++)
        g_assert_cmpstr(triage_handshake_outcome_name((triage_handshake_outcome)i), ==, outcomes[i]);
    for (guint i = 0; i < TRIAGE_ANOMALY_KIND_COUNT; i++)
        g_assert_nonnull(triage_handshake_anomaly_name(1u << i));
    g_assert_null(triage_handshake_anomaly_name(1u << TRIAGE_ANOMALY_KIND_COUNT));
    g_assert_null(triage_handshake_anomaly_name(TRIAGE_ANOMALY_LATE_SYN | TRIAGE_ANOMALY_TIME_BACKWARDS));
}

static void test_record_is_compact(void)
{
    g_assert_cmpuint(sizeof(triage_handshake), <=, 56);
}

/* A stream its caller does not track counts like one over the bound, once
 * per stream however many segments it has. */
static void test_untracked_by_caller(void)
{
    triage_handshake_engine *engine = triage_handshake_engine_new(0);
    triage_tcp_segment segment = {.frame = 1, .stream = 5, .flags = TRIAGE_TCP_SYN};

    triage_handshake_engine_add_untracked_segment(engine, &segment);
    segment.frame = 2;
    triage_handshake_engine_add_untracked_segment(engine, &segment);
    segment.frame = 3;
    segment.stream = 6;
    triage_handshake_engine_add_untracked_segment(engine, &segment);
    g_assert_cmpuint(triage_handshake_engine_untracked_connections(engine), ==, 2);
    g_assert_cmpuint(triage_handshake_engine_untracked_segments(engine), ==, 3);
    g_assert_null(triage_handshake_engine_get(engine, 5));
    g_assert_cmpuint(triage_handshake_engine_stream_count(engine), ==, 0);
    triage_handshake_engine_free(engine);
}

/* The bound must not cost memory: a stream far above it allocates nothing. */
static void test_untracked_streams_allocate_nothing(void)
{
    triage_handshake_engine *engine = triage_handshake_engine_new(4);
    triage_tcp_segment segment = {.frame = 1, .stream = 3000000, .flags = TRIAGE_TCP_SYN};

    g_assert_null(triage_handshake_engine_add_segment(engine, &segment));
    segment.stream = G_MAXUINT32;
    g_assert_null(triage_handshake_engine_add_segment(engine, &segment));
    g_assert_cmpuint(triage_handshake_engine_stream_count(engine), ==, 0);
    g_assert_cmpuint(triage_handshake_engine_untracked_connections(engine), ==, 2);
    g_assert_null(triage_handshake_engine_get(engine, 3000000));
    triage_handshake_engine_free(engine);
    triage_handshake_engine_free(NULL);
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
    paths = script_add_file_tests(case_directory, ".case", "/handshake/case", MINIMUM_CASE_COUNT, test_case_file);
    if (paths == NULL)
        return 1;
    g_test_add_func("/handshake/capture-point/rule", test_capture_point_rule);
    g_test_add_func("/handshake/capture-point/agreement", test_capture_point_agreement);
    g_test_add_func("/handshake/names", test_names);
    g_test_add_func("/handshake/record-is-compact", test_record_is_compact);
    g_test_add_func("/handshake/untracked-streams-allocate-nothing", test_untracked_streams_allocate_nothing);
    g_test_add_func("/handshake/untracked-by-caller", test_untracked_by_caller);
    status = g_test_run();
    g_ptr_array_free(paths, TRUE);
    g_free(case_directory);
    return status;
}
