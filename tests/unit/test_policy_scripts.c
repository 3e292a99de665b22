/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_policy_scripts.c — the policy engine and its report, driven by
 * scripts: the .case files of data/policy/engine (hand-written situations)
 * and of data/policy/corpus (the packets of the shared corpus captures as
 * tshark dissects them, judged by the default policy).
 *
 * A script is a list of commands, one per line ('#' starts a comment):
 *
 *   policy CSV-LINE          a line of the policy file (the first is the header)
 *   policy-default           use the built-in default policy instead
 *   mode allowlist           (default: denylist)
 *   internal NETWORKS        (default: TRIAGE_DEFAULT_INTERNAL_NETWORKS)
 *   max-connections N        bound of the engine's per-connection state
 *   top N                    endpoints per finding in the report (default 10)
 *   errors N                 the policy has N invalid rules
 *   packet FRAME TIME TRANSPORT STREAM SRC SPORT DST DPORT FLAGS LENGTH [OPTIONS] [-> EXPECT]
 *   frame FRAME TIME LENGTH [OPTIONS] [-> EXPECT]       a frame without connection
 *       OPTIONS: layers=eth:ip:tcp:x  payload=hex:13426974 | payload=text:NICK\x20a
 *                paylen=N (payload length when the bytes are not all given)
 *                filters=0,3 (the filter rules whose display filter matched)
 *                seq=N (the TCP sequence number, for segments joined in order)
 *       EXPECT:  rule=NAME|-  violation=yes|no  first=yes|no (raise the expert info here)
 *                evidence=port,payload|-  provisional=yes|no  port-only=yes|no
 *                lookup=NAME|- (a DNS query for a listed name)  lookup-first=yes|no
 *   connection INDEX KEY=VALUE...   rule, matched, first_frame, last_frame,
 *                                   payload (yes|no), application (name|-),
 *                                   evidence, port-only
 *   finding RULE KEY=VALUE...       a row of the report's findings; RULE/port-only
 *                                   names the rule's row of port-only findings
 *   no-finding RULE
 *   findings RULE,RULE...|-         every finding, in report order
 *   endpoint RULE N KEY=VALUE...    the N-th (from 1) endpoint of a finding
 *   unexpected PROTOCOL KEY=VALUE...
 *   unexpected-count N
 *   silent RULE,RULE...|-           the silent rules, in policy order
 *   lookup NAME KEY=VALUE...        a row of the report's DNS lookups
 *   lookups NAME,NAME...|-          every lookup's name, in report order
 *   report-policy KEY=VALUE...      the report's policy section
 *
 * Packets go through the real connection table, as in the plugin.  Report
 * values are compared in their machine form (JSON/CSV): null is "null".
 */
#include <string.h>

#include "flow_script.h"
#include "policy_file.h"
#include "report_model.h"
#include "report_policy.h"
#include "test_policy_support.h"

static const char *data_dir;
static test_protocols *protocols;

typedef struct script_state {
    const char *path;
    guint line_number;
    GString *policy_text;
    gboolean use_default;
    gboolean allowlist;
    char *internal_text;
    guint32 max_connections;
    guint top;
    GPtrArray *errors;
    triage_policy *policy;
    triage_connection_table *connections;
    triage_policy_engine *engine;
    triage_report *report;
    guint64 packets;
    triage_time first;
    triage_time last;
} script_state;

static char *where(const script_state *state)
{
    return g_strdup_printf("%s:%u", state->path, state->line_number);
}

static void start_engine(script_state *state)
{
    if (state->engine != NULL)
        return;
    state->errors = triage_policy_errors_new();
    if (state->use_default)
        state->policy = triage_policy_default(test_protocols_resolve, protocols, state->errors);
    else
        state->policy = triage_policy_parse_file_text(state->policy_text->str, state->policy_text->len, "case.csv",
                                                      test_protocols_resolve, protocols, state->errors);
    for (guint i = 0; i < state->errors->len; i++)
        g_test_message("%s: policy error: %s", state->path,
                       ((triage_policy_error *)g_ptr_array_index(state->errors, i))->text);

    GArray *internal = g_array_new(FALSE, FALSE, sizeof(triage_network));
    char *error = NULL;
    if (!triage_networks_parse(state->internal_text != NULL ? state->internal_text : TRIAGE_DEFAULT_INTERNAL_NETWORKS,
                               internal, &error))
        g_error("%s: internal: %s", state->path, error);
    GArray *carriers = test_protocols_carriers(protocols);
    state->connections = triage_connection_table_new(state->max_connections, NULL, NULL);
    state->engine = triage_policy_engine_new(state->policy, state->allowlist, (triage_network *)internal->data,
                                             internal->len, (int *)carriers->data, carriers->len,
                                             state->max_connections);
    g_array_free(carriers, TRUE);
    g_array_free(internal, TRUE);
}

/* ---- Packets ----------------------------------------------------------------- */

static GByteArray *decode_payload(const char *where_text, const char *text)
{
    GByteArray *bytes = g_byte_array_new();
    if (g_str_has_prefix(text, "hex:")) {
        const char *hex = text + 4;
        gsize length = strlen(hex);
        if (length % 2 != 0)
            g_error("%s: odd hex payload", where_text);
        for (gsize i = 0; i < length; i += 2) {
            if (!g_ascii_isxdigit(hex[i]) || !g_ascii_isxdigit(hex[i + 1]))
                g_error("%s: bad hex payload", where_text);
            guint8 byte = (guint8)(g_ascii_xdigit_value(hex[i]) * 16 + g_ascii_xdigit_value(hex[i + 1]));
            g_byte_array_append(bytes, &byte, 1);
        }
    } else if (g_str_has_prefix(text, "text:")) {
        for (const char *cursor = text + 5; *cursor != '\0'; cursor++) {
            guint8 byte = (guint8)*cursor;
            if (cursor[0] == '\\' && cursor[1] == 'x' && g_ascii_isxdigit(cursor[2]) && g_ascii_isxdigit(cursor[3])) {
                byte = (guint8)(g_ascii_xdigit_value(cursor[2]) * 16 + g_ascii_xdigit_value(cursor[3]));
                cursor += 3;
            }
            g_byte_array_append(bytes, &byte, 1);
        }
    } else {
        g_error("%s: payload must be hex:... or text:...", where_text);
    }
    return bytes;
}

typedef struct packet_options {
    GArray *layers;
    GByteArray *payload;
    gboolean have_payload_length;
    guint32 payload_length;
    guint64 filters;
    gboolean have_seq;
    guint32 seq;
    char **expectations; /* the words after "->", or NULL */
} packet_options;

static void read_options(const char *where_text, char **words, packet_options *out)
{
    memset(out, 0, sizeof *out);
    out->layers = g_array_new(FALSE, FALSE, sizeof(int));
    for (char **word = words; *word != NULL; word++) {
        if (strcmp(*word, "->") == 0) {
            out->expectations = word + 1;
            return;
        }
        if (g_str_has_prefix(*word, "layers=")) {
            g_array_free(out->layers, TRUE);
            out->layers = test_protocols_layers(protocols, *word + strlen("layers="));
        } else if (g_str_has_prefix(*word, "payload=")) {
            out->payload = decode_payload(where_text, *word + strlen("payload="));
        } else if (g_str_has_prefix(*word, "paylen=")) {
            if (!script_parse_uint32(*word + strlen("paylen="), &out->payload_length))
                g_error("%s: bad paylen", where_text);
            out->have_payload_length = TRUE;
        } else if (g_str_has_prefix(*word, "seq=")) {
            if (!script_parse_uint32(*word + strlen("seq="), &out->seq))
                g_error("%s: bad seq", where_text);
            out->have_seq = TRUE;
        } else if (g_str_has_prefix(*word, "filters=")) {
            char **bits = g_strsplit(*word + strlen("filters="), ",", -1);
            for (char **bit = bits; *bit != NULL; bit++) {
                guint32 value;
                if (!script_parse_uint32(*bit, &value) || value >= 64)
                    g_error("%s: bad filter bit %s", where_text, *bit);
                out->filters |= G_GUINT64_CONSTANT(1) << value;
            }
            g_strfreev(bits);
        } else {
            g_error("%s: unknown packet option %s", where_text, *word);
        }
    }
}

static void options_clear(packet_options *options)
{
    g_array_free(options->layers, TRUE);
    if (options->payload != NULL)
        g_byte_array_free(options->payload, TRUE);
}

static const char *rule_name(const triage_policy *policy, int rule)
{
    return rule < 0 ? "-" : triage_policy_rule_at(policy, (guint)rule)->name;
}

static void check_verdict(script_state *state, const packet_options *options, triage_policy_verdict verdict)
{
    if (options->expectations == NULL)
        return;
    GHashTable *actual = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(actual, "rule", (gpointer)rule_name(state->policy, verdict.rule));
    g_hash_table_insert(actual, "violation", verdict.violation ? "yes" : "no");
    g_hash_table_insert(actual, "first", verdict.raise_expert ? "yes" : "no");
    g_hash_table_insert(actual, "provisional", verdict.provisional ? "yes" : "no");
    g_hash_table_insert(actual, "port-only", verdict.port_only ? "yes" : "no");
    char evidence[TRIAGE_EVIDENCE_TEXT_SIZE];
    triage_policy_evidence_text(verdict.evidence, evidence, sizeof evidence);
    g_hash_table_insert(actual, "evidence", *evidence != '\0' ? evidence : "-");
    const triage_policy_lookup *lookup =
        verdict.lookup_plus_one != 0 ? triage_policy_engine_lookup_at(state->engine, verdict.lookup_plus_one - 1) : NULL;
    g_hash_table_insert(actual, "lookup", lookup != NULL ? (gpointer)lookup->name : "-");
    g_hash_table_insert(actual, "lookup-first", verdict.lookup_raise_expert ? "yes" : "no");
    char *here = where(state);
    script_check_fields(here, options->expectations, actual);
    g_free(here);
    g_hash_table_destroy(actual);
}

static void note_capture_time(script_state *state, triage_time time)
{
    if (state->packets == 0 || time < state->first)
        state->first = time;
    if (state->packets == 0 || time > state->last)
        state->last = time;
    state->packets++;
}

static void run_packet(script_state *state, char **words)
{
    char *here = where(state);
    triage_flow_packet packet;
    packet_options options;
    gboolean to_server = FALSE;

    start_engine(state);
    if (!script_parse_packet(words + 1, &packet))
        g_error("%s: bad packet line", here);
    read_options(here, words + 11, &options);
    if (options.payload != NULL) {
        packet.payload = options.payload->data;
        packet.payload_length = options.payload->len;
    }
    if (options.have_payload_length)
        packet.payload_length = options.payload_length;
    if (options.have_seq)
        packet.tcp_seq = options.seq;
    note_capture_time(state, packet.time);
    triage_connection *connection = triage_connection_table_add_packet(state->connections, &packet, &to_server);
    triage_policy_verdict verdict =
        triage_policy_engine_add_packet(state->engine, connection, to_server, &packet, (int *)options.layers->data,
                                        options.layers->len, options.filters);
    check_verdict(state, &options, verdict);
    options_clear(&options);
    g_free(here);
}

static void run_frame(script_state *state, char **words)
{
    char *here = where(state);
    triage_flow_packet packet = {0};
    packet_options options;

    start_engine(state);
    if (g_strv_length(words) < 4 || !script_parse_uint32(words[1], &packet.frame) ||
        !script_parse_time(words[2], &packet.time) || !script_parse_uint32(words[3], &packet.frame_length))
        g_error("%s: frame FRAME TIME LENGTH", here);
    read_options(here, words + 4, &options);
    note_capture_time(state, packet.time);
    triage_policy_verdict verdict = triage_policy_engine_add_packet(
        state->engine, NULL, FALSE, &packet, (int *)options.layers->data, options.layers->len, options.filters);
    check_verdict(state, &options, verdict);
    options_clear(&options);
    g_free(here);
}

static void check_connection(script_state *state, char **words)
{
    char *here = where(state);
    guint32 index;
    triage_policy_outcome outcome;

    start_engine(state);
    if (words[1] == NULL || !script_parse_uint32(words[1], &index))
        g_error("%s: connection INDEX KEY=VALUE...", here);
    if (!triage_policy_engine_connection_outcome(state->engine, index, &outcome)) {
        script_fail("%s: the engine holds nothing for connection %u", here, index);
        g_free(here);
        return;
    }
    GHashTable *actual = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    g_hash_table_insert(actual, "rule", g_strdup(rule_name(state->policy, outcome.rule)));
    g_hash_table_insert(actual, "matched", g_strdup_printf("%u", outcome.matched_packets));
    g_hash_table_insert(actual, "first_frame", g_strdup_printf("%u", outcome.first_frame));
    g_hash_table_insert(actual, "last_frame", g_strdup_printf("%u", outcome.last_frame));
    g_hash_table_insert(actual, "payload", g_strdup(outcome.carried_payload ? "yes" : "no"));
    char evidence[TRIAGE_EVIDENCE_TEXT_SIZE];
    triage_policy_evidence_text(outcome.evidence, evidence, sizeof evidence);
    g_hash_table_insert(actual, "evidence", g_strdup(*evidence != '\0' ? evidence : "-"));
    g_hash_table_insert(actual, "port-only", g_strdup(outcome.port_only ? "yes" : "no"));
    g_hash_table_insert(actual, "application",
                        g_strdup(outcome.application_protocol >= 0
                                     ? test_protocols_name(outcome.application_protocol, protocols)
                                     : "-"));
    script_check_fields(here, words + 2, actual);
    g_hash_table_destroy(actual);
    g_free(here);
}

/* ---- Report ------------------------------------------------------------------ */

static triage_report *report_of(script_state *state)
{
    start_engine(state);
    if (state->report == NULL) {
        triage_report_source source = {.connections = state->connections, .policy_engine = state->engine,
                                       .policy = state->policy, .packets = state->packets,
                                       .first_time = state->first, .last_time = state->last};
        triage_report_options options;

        triage_report_options_init(&options);
        options.top = state->top;
        options.policy_source = state->use_default ? "default" : "file";
        options.policy_path = state->use_default ? NULL : "case.csv";
        options.policy_errors = state->errors;
        options.names.protocol_name = test_protocols_name;
        options.names.user_data = protocols;
        state->report = triage_policy_report_build(&source, &options);
    }
    return state->report;
}

static const triage_table *table_named(const triage_report *report, const char *name)
{
    for (guint i = 0; i < report->tables->len; i++) {
        const triage_table *table = g_ptr_array_index(report->tables, i);
        if (strcmp(table->name, name) == 0)
            return table;
    }
    g_error("the report has no table %s", name);
    return NULL;
}

static int column_of(const triage_table *table, const char *key)
{
    for (guint c = 0; c < triage_table_column_count(table); c++) {
        if (strcmp(triage_table_column(table, c)->key, key) == 0)
            return (int)c;
    }
    return -1;
}

static char *cell_text(const triage_table *table, guint row, guint column)
{
    const triage_cell *cell = triage_table_cell(table, row, column);
    if (triage_cell_is_null(cell))
        return g_strdup("null");
    GString *text = g_string_new(NULL);
    triage_cell_append_machine_text(text, cell);
    return g_string_free(text, FALSE);
}

/* key -> machine text of every plain column of a row. */
static GHashTable *row_values(const triage_table *table, guint row)
{
    GHashTable *values = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    for (guint c = 0; c < triage_table_column_count(table); c++) {
        const triage_column *column = triage_table_column(table, c);
        if (column->type != TRIAGE_CELL_TABLE)
            g_hash_table_insert(values, column->key, cell_text(table, row, c));
    }
    return values;
}

/* What names a row in scripts: the key column's value; for a finding that
 * rests on the port alone, "RULE/port-only" (a rule can have both rows). */
static char *row_identity(const triage_table *table, guint row, const char *key)
{
    int column = column_of(table, key);
    int port_only = column_of(table, "port_only");
    g_assert_cmpint(column, >=, 0);
    char *text = cell_text(table, row, (guint)column);
    if (port_only >= 0 && strcmp(key, "rule") == 0) {
        char *flag = cell_text(table, row, (guint)port_only);
        if (strcmp(flag, "true") == 0) {
            char *named = g_strconcat(text, "/port-only", NULL);
            g_free(text);
            text = named;
        }
        g_free(flag);
    }
    return text;
}

static int row_where(const triage_table *table, const char *key, const char *value)
{
    for (guint row = 0; row < table->row_count; row++) {
        char *text = row_identity(table, row, key);
        gboolean same = strcmp(text, value) == 0;
        g_free(text);
        if (same)
            return (int)row;
    }
    return -1;
}

static char *column_list(const triage_table *table, const char *key)
{
    GString *list = g_string_new(NULL);
    for (guint row = 0; row < table->row_count; row++) {
        char *text = row_identity(table, row, key);
        g_string_append_printf(list, "%s%s", row > 0 ? "," : "", text);
        g_free(text);
    }
    if (list->len == 0)
        g_string_append_c(list, '-');
    return g_string_free(list, FALSE);
}

static void check_row(script_state *state, const char *table_name, const char *key, char **words)
{
    char *here = where(state);
    const triage_table *table = table_named(report_of(state), table_name);
    int row = words[1] != NULL ? row_where(table, key, words[1]) : -1;
    if (row < 0) {
        script_fail("%s: no %s row with %s %s", here, table_name, key, words[1]);
    } else {
        GHashTable *values = row_values(table, (guint)row);
        script_check_fields(here, words + 2, values);
        g_hash_table_destroy(values);
    }
    g_free(here);
}

static void check_endpoint(script_state *state, char **words)
{
    char *here = where(state);
    const triage_table *findings = table_named(report_of(state), "findings");
    guint32 rank;
    if (g_strv_length(words) < 3 || !script_parse_uint32(words[2], &rank) || rank == 0)
        g_error("%s: endpoint RULE N KEY=VALUE...", here);
    int row = row_where(findings, "rule", words[1]);
    if (row < 0) {
        script_fail("%s: no finding %s", here, words[1]);
    } else {
        const triage_cell *cell = triage_table_cell(findings, (guint)row, (guint)column_of(findings, "endpoints"));
        const triage_table *endpoints = cell->as.table;
        if (rank > endpoints->row_count) {
            script_fail("%s: finding %s has %u endpoints", here, words[1], endpoints->row_count);
        } else {
            GHashTable *values = row_values(endpoints, rank - 1);
            script_check_fields(here, words + 3, values);
            g_hash_table_destroy(values);
        }
    }
    g_free(here);
}

static void check_list(script_state *state, const char *table_name, const char *key, const char *expected)
{
    char *here = where(state);
    char *actual = column_list(table_named(report_of(state), table_name), key);
    if (expected == NULL || strcmp(actual, expected) != 0)
        script_fail("%s: %s are %s, expected %s", here, table_name, actual, expected);
    g_free(actual);
    g_free(here);
}

static void check_count(script_state *state, const char *what, guint actual, const char *expected_text)
{
    char *here = where(state);
    guint32 expected;
    if (expected_text == NULL || !script_parse_uint32(expected_text, &expected))
        g_error("%s: %s N", here, what);
    if (actual != expected)
        script_fail("%s: %u %s, expected %u", here, actual, what, expected);
    g_free(here);
}

/* ---- Running a script -------------------------------------------------------- */

static void run_command(script_state *state, const char *line, char **words)
{
    const char *command = words[0];
    if (strcmp(command, "policy") == 0) {
        /* The CSV line as written, after the command word. */
        const char *text = strstr(line, "policy") + strlen("policy");
        while (*text == ' ' || *text == '\t')
            text++;
        g_string_append_printf(state->policy_text, "%s\n", text);
    } else if (strcmp(command, "policy-default") == 0) {
        state->use_default = TRUE;
    } else if (strcmp(command, "mode") == 0) {
        state->allowlist = g_strcmp0(words[1], "allowlist") == 0;
    } else if (strcmp(command, "internal") == 0) {
        g_free(state->internal_text);
        state->internal_text = g_strdup(words[1]);
    } else if (strcmp(command, "max-connections") == 0) {
        script_parse_uint32(words[1], &state->max_connections);
    } else if (strcmp(command, "top") == 0) {
        guint32 top = 0;
        script_parse_uint32(words[1], &top);
        state->top = top;
    } else if (strcmp(command, "errors") == 0) {
        start_engine(state);
        check_count(state, "policy errors", state->errors->len, words[1]);
    } else if (strcmp(command, "packet") == 0) {
        run_packet(state, words);
    } else if (strcmp(command, "frame") == 0) {
        run_frame(state, words);
    } else if (strcmp(command, "connection") == 0) {
        check_connection(state, words);
    } else if (strcmp(command, "finding") == 0) {
        check_row(state, "findings", "rule", words);
    } else if (strcmp(command, "no-finding") == 0) {
        if (row_where(table_named(report_of(state), "findings"), "rule", words[1]) >= 0)
            script_fail("%s:%u: unexpected finding %s", state->path, state->line_number, words[1]);
    } else if (strcmp(command, "findings") == 0) {
        check_list(state, "findings", "rule", words[1]);
    } else if (strcmp(command, "endpoint") == 0) {
        check_endpoint(state, words);
    } else if (strcmp(command, "unexpected") == 0) {
        check_row(state, "unexpected", "protocol", words);
    } else if (strcmp(command, "unexpected-count") == 0) {
        check_count(state, "unexpected protocols", table_named(report_of(state), "unexpected")->row_count, words[1]);
    } else if (strcmp(command, "silent") == 0) {
        check_list(state, "silent_rules", "rule", words[1]);
    } else if (strcmp(command, "lookup") == 0) {
        check_row(state, "lookups", "name", words);
    } else if (strcmp(command, "lookups") == 0) {
        check_list(state, "lookups", "name", words[1]);
    } else if (strcmp(command, "report-policy") == 0) {
        const triage_table *table = table_named(report_of(state), "policy");
        GHashTable *values = row_values(table, 0);
        char *here = where(state);
        script_check_fields(here, words + 1, values);
        g_free(here);
        g_hash_table_destroy(values);
    } else {
        g_error("%s:%u: unknown command %s", state->path, state->line_number, command);
    }
}

static void run_script(gconstpointer data)
{
    const char *path = data;
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        g_error("cannot read %s", path);

    script_state state = {0};
    state.path = path;
    state.policy_text = g_string_new(NULL);
    state.top = 10;
    char **lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        state.line_number = i + 1;
        /* Policy lines keep their '#'-free text whole; others are words. */
        char **words = script_words(lines[i]);
        if (words == NULL)
            continue;
        run_command(&state, lines[i], words);
        g_strfreev(words);
    }
    g_strfreev(lines);

    if (state.report != NULL)
        triage_report_free(state.report);
    triage_policy_engine_free(state.engine);
    triage_connection_table_free(state.connections);
    triage_policy_unref(state.policy);
    if (state.errors != NULL)
        g_ptr_array_free(state.errors, TRUE);
    g_string_free(state.policy_text, TRUE);
    g_free(state.internal_text);
    g_free(text);
}

static void add_scripts(const char *folder_name)
{
    char *folder = g_build_filename(data_dir, "policy", folder_name, NULL);
    GPtrArray *paths = script_list_cases(folder);
    g_assert_cmpuint(paths->len, >, 0);
    for (guint i = 0; i < paths->len; i++) {
        char *path = g_ptr_array_index(paths, i);
        char *base = g_path_get_basename(path);
        char *test_path = g_strdup_printf("/policy/%s/%s", folder_name, base);
        g_test_add_data_func_full(test_path, g_strdup(path), run_script, g_free);
        g_free(test_path);
        g_free(base);
    }
    g_ptr_array_free(paths, TRUE);
    g_free(folder);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (argc < 2)
        g_error("usage: %s DATA_DIR", argv[0]);
    data_dir = argv[1];
    protocols = test_protocols_load(data_dir);
    add_scripts("engine");
    add_scripts("corpus");
    int result = g_test_run();
    test_protocols_free(protocols);
    return result;
}
