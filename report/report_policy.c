/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_policy.c — turns the policy engine's per-connection decisions into
 * the Policy Findings report.
 *
 * The engine knows, per connection, which rule decided it and which packets
 * matched; the connection table knows the connection's addresses, packets
 * and bytes.  This file joins the two, aggregates per rule (a finding is a
 * rule with the connections it decided) and lays out the tables.
 */
#include "report_policy.h"

#include <string.h>

#include "destinations.h"

/* One alert rule's findings while the report is built: those confirmed
 * (or that need no confirmation), or those that rest on the port alone. */
typedef struct rule_findings {
    guint rule;
    gboolean port_only;
    guint evidence;      /* triage_evidence of any of its connections */
    guint64 connections;
    guint64 matched_packets;
    guint64 packets;
    guint64 bytes;
    guint32 first_frame;
    guint32 last_frame;
    triage_time first_time;
    triage_time last_time;
    gboolean matched;
    GArray *connection_indexes; /* guint32 */
} rule_findings;

/* Connections of one application protocol no rule decided (allow-list). */
typedef struct unexpected_protocol {
    int protocol;
    guint64 connections;
    guint64 packets;
    guint64 bytes;
    guint32 first_frame;
} unexpected_protocol;

typedef struct report_input {
    const triage_policy_engine *engine;
    const triage_policy *policy;
    const triage_connection_table *connections;
    triage_connection_selected_fn connection_selected;
    void *selection_data;
    guint top;
    const triage_report_names *names;
} report_input;

static guint64 connection_packets(const triage_connection *connection)
{
    return connection->packets_to_server + connection->packets_to_client;
}

static guint64 connection_bytes(const triage_connection *connection)
{
    return connection->bytes_to_server + connection->bytes_to_client;
}

static void note_matches(rule_findings *findings, guint64 matched_packets, guint32 first_frame,
                         triage_time first_time, guint32 last_frame, triage_time last_time)
{
    /* Frame numbers, not times, say which came first: capture files are
     * not always in time order. */
    if (!findings->matched || first_frame < findings->first_frame) {
        findings->first_frame = first_frame;
        findings->first_time = first_time;
    }
    if (!findings->matched || last_frame > findings->last_frame) {
        findings->last_frame = last_frame;
        findings->last_time = last_time;
    }
    findings->matched = TRUE;
    findings->matched_packets += matched_packets;
}

/* ---- Gathering ------------------------------------------------------------- */

typedef struct gathered {
    rule_findings *rules; /* two per rule: [2 r] confirmed, [2 r + 1] port only */
    GHashTable *unexpected; /* protocol id -> unexpected_protocol */
    guint64 judged_connections;
    guint64 connections_without_payload;
} gathered;

static void gather_connection(const report_input *input, gathered *out, guint32 index)
{
    triage_policy_outcome outcome;
    const triage_connection *connection;

    if (!triage_policy_engine_connection_outcome(input->engine, index, &outcome))
        return;
    if (input->connection_selected != NULL && !input->connection_selected(index, input->selection_data))
        return;
    connection = triage_connection_table_get(input->connections, index);
    if (connection == NULL)
        return;
    out->judged_connections++;

    if (outcome.rule >= 0) {
        const triage_policy_rule *rule = triage_policy_rule_at(input->policy, (guint)outcome.rule);
        if (rule->action != TRIAGE_POLICY_ALERT)
            return;
        rule_findings *findings = &out->rules[2 * outcome.rule + (outcome.port_only ? 1 : 0)];
        findings->evidence |= outcome.evidence;
        note_matches(findings, outcome.matched_packets, outcome.first_frame, outcome.first_time,
                     outcome.last_frame, outcome.last_time);
        findings->connections++;
        findings->packets += connection_packets(connection);
        findings->bytes += connection_bytes(connection);
        g_array_append_val(findings->connection_indexes, index);
        return;
    }

    if (!triage_policy_engine_allowlist(input->engine))
        return;
    if (!outcome.carried_payload) {
        /* A handshake alone, a scan: no application to judge. */
        out->connections_without_payload++;
        return;
    }
    unexpected_protocol *entry = g_hash_table_lookup(out->unexpected, GINT_TO_POINTER(outcome.application_protocol));
    if (entry == NULL) {
        entry = g_new0(unexpected_protocol, 1);
        entry->protocol = outcome.application_protocol;
        entry->first_frame = connection->first_frame;
        g_hash_table_insert(out->unexpected, GINT_TO_POINTER(outcome.application_protocol), entry);
    }
    entry->connections++;
    entry->packets += connection_packets(connection);
    entry->bytes += connection_bytes(connection);
    entry->first_frame = MIN(entry->first_frame, connection->first_frame);
}

static void gather_connectionless(const report_input *input, gathered *out, guint rule_count)
{
    for (guint r = 0; r < rule_count; r++) {
        triage_policy_outcome outcome;
        const triage_policy_rule *rule = triage_policy_rule_at(input->policy, r);
        triage_policy_engine_connectionless_outcome(input->engine, r, &outcome);
        if (outcome.rule < 0 || outcome.matched_packets == 0 || rule->action != TRIAGE_POLICY_ALERT)
            continue;
        rule_findings *findings = &out->rules[2 * r + (outcome.port_only ? 1 : 0)];
        findings->evidence |= outcome.evidence;
        note_matches(findings, outcome.matched_packets, outcome.first_frame, outcome.first_time,
                     outcome.last_frame, outcome.last_time);
        findings->packets += outcome.matched_packets;
        findings->bytes += outcome.matched_bytes;
    }
}

static guint rule_count_of(const report_input *input)
{
    return input->policy != NULL ? triage_policy_rule_count(input->policy) : 0;
}

static void gather(const report_input *input, gathered *out)
{
    guint rule_count = rule_count_of(input);
    memset(out, 0, sizeof *out);
    out->rules = g_new0(rule_findings, 2 * rule_count + 1);
    for (guint f = 0; f < 2 * rule_count; f++) {
        out->rules[f].rule = f / 2;
        out->rules[f].port_only = f % 2 == 1;
        out->rules[f].connection_indexes = g_array_new(FALSE, FALSE, sizeof(guint32));
    }
    out->unexpected = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    if (input->engine == NULL || input->policy == NULL)
        return;
    guint32 count = triage_connection_table_count(input->connections);
    for (guint32 index = 0; index < count; index++)
        gather_connection(input, out, index);
    gather_connectionless(input, out, rule_count);
}

static void gathered_clear(gathered *data, guint rule_count)
{
    for (guint f = 0; f < 2 * rule_count; f++)
        g_array_free(data->rules[f].connection_indexes, TRUE);
    g_free(data->rules);
    g_hash_table_destroy(data->unexpected);
}

/* ---- Tables ---------------------------------------------------------------- */

static triage_table *invalid_rules_table(const GPtrArray *errors)
{
    triage_table *table = triage_table_new("invalid_rules", "Invalid rules (skipped)", TRIAGE_SHAPE_LIST);
    triage_table_add_column(table, "line", "Line", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "reason", "Reason", TRIAGE_CELL_STRING);
    for (guint i = 0; errors != NULL && i < errors->len; i++) {
        const triage_policy_error *error = g_ptr_array_index((GPtrArray *)errors, i);
        triage_table_begin_row(table);
        triage_table_add_integer(table, error->line);
        triage_table_add_string(table, error->reason);
    }
    return table;
}

/* Why a policy has no file path, in the words of the text report. */
static const char *path_absent_reason(const char *source)
{
    if (g_strcmp0(source, "default") == 0)
        return "(none: the built-in policy)";
    if (g_strcmp0(source, "table") == 0)
        return "(none: the triage_policy table of the preferences)";
    return "(none)";
}

static triage_table *policy_table(const report_input *input, const gathered *data, const char *source,
                                  const char *path, const GPtrArray *errors)
{
    gboolean allowlist = input->engine != NULL && triage_policy_engine_allowlist(input->engine);
    triage_table *table = triage_table_new("policy", "Policy", TRIAGE_SHAPE_RECORD);
    triage_table_add_column(table, "source", "Source", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "path", "Path", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "mode", "Mode", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "rules", "Rules", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "connections", "Connections judged", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "connections_without_payload", "Connections without payload",
                            TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "untracked_connections", "Not tracked (over the limit)", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "invalid_rules", "Invalid rules", TRIAGE_CELL_TABLE);
    triage_table_begin_row(table);
    /* Every line of the header has a value for the reader of the text: what
     * does not apply is null for programs and says so for people. */
    if (source != NULL)
        triage_table_add_string(table, source);
    else
        triage_table_add_null_explained(table, "(none)");
    if (path != NULL && *path != '\0')
        triage_table_add_string(table, path);
    else
        triage_table_add_null_explained(table, path_absent_reason(source));
    triage_table_add_string(table, allowlist ? "allowlist" : "denylist");
    triage_table_add_integer(table, rule_count_of(input));
    triage_table_add_integer(table, (gint64)data->judged_connections);
    if (allowlist)
        triage_table_add_integer(table, (gint64)data->connections_without_payload);
    else
        triage_table_add_null_explained(table, "not applicable in denylist mode");
    guint64 untracked =
        input->connections != NULL ? triage_connection_table_untracked_connections(input->connections) : 0;
    triage_table_add_integer(table, (gint64)untracked);
    triage_table_add_table(table, invalid_rules_table(errors));
    if (untracked != 0) {
        triage_table_add_footnote(table, "Connections over the limit (triage.max_connections) are not tracked:");
        triage_table_add_footnote(table, "their frames meet only rules of protocols and filters, one by one.");
    }
    if (errors != NULL && errors->len > 0) {
        char *note = g_strdup_printf("%u rule%s of the policy could not be used and %s skipped.", errors->len,
                                     errors->len == 1 ? "" : "s", errors->len == 1 ? "was" : "were");
        triage_table_add_footnote(table, note);
        g_free(note);
    }
    if (input->engine == NULL)
        triage_table_add_footnote(table, "No policy engine ran on this capture.");
    return table;
}

/* Busiest connections first; the earlier one on a tie, so the order is
 * stable from run to run. */
static gint compare_connections(gconstpointer a, gconstpointer b, gpointer user_data)
{
    const triage_connection_table *connections = user_data;
    const triage_connection *left = triage_connection_table_get(connections, *(const guint32 *)a);
    const triage_connection *right = triage_connection_table_get(connections, *(const guint32 *)b);
    guint64 left_packets = connection_packets(left), right_packets = connection_packets(right);
    if (left_packets != right_packets)
        return left_packets > right_packets ? -1 : 1;
    return left->index < right->index ? -1 : left->index > right->index;
}

static triage_table *endpoints_table(const report_input *input, rule_findings *findings)
{
    triage_table *table = triage_table_new("endpoints", "Connections", TRIAGE_SHAPE_LIST);
    triage_table_add_column(table, "client", "Client", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "server", "Server", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "port", "Port", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "transport", "Transport", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "evidence", "Evidence", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "packets", "Packets", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "matched_packets", "Matched", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "first_frame", "First match", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "host", "Host", TRIAGE_CELL_STRING);

    GArray *indexes = findings->connection_indexes;
    g_array_sort_with_data(indexes, compare_connections, (gpointer)input->connections);
    guint shown = input->top == 0 ? indexes->len : MIN(indexes->len, input->top);
    for (guint i = 0; i < shown; i++) {
        guint32 index = g_array_index(indexes, guint32, i);
        const triage_connection *connection = triage_connection_table_get(input->connections, index);
        triage_policy_outcome outcome;
        char client[64], server[64], transport[24], evidence[TRIAGE_EVIDENCE_TEXT_SIZE];
        triage_policy_engine_connection_outcome(input->engine, index, &outcome);
        gboolean has_ports = connection->transport == TRIAGE_TRANSPORT_TCP ||
                             connection->transport == TRIAGE_TRANSPORT_UDP;
        triage_table_begin_row(table);
        triage_table_add_string(table, triage_address_to_string(&connection->client, client, sizeof client));
        triage_table_add_string(table, triage_address_to_string(&connection->server, server, sizeof server));
        if (has_ports)
            triage_table_add_integer(table, connection->server_port);
        else
            triage_table_add_null(table);
        triage_table_add_string(table, triage_report_transport_word(input->names, connection->transport, transport,
                                                                    sizeof transport));
        triage_table_add_string(table, triage_policy_evidence_text(outcome.evidence, evidence, sizeof evidence));
        triage_table_add_integer(table, (gint64)connection_packets(connection));
        triage_table_add_integer(table, outcome.matched_packets);
        triage_table_add_integer(table, outcome.first_frame);
        const char *host = triage_policy_engine_connection_host(input->engine, index);
        if (host != NULL)
            triage_table_add_string(table, host);
        else
            triage_table_add_null(table);
    }
    triage_table_add_not_shown(table, indexes->len, shown, "connection", "connections");
    return table;
}

static gint compare_findings(gconstpointer a, gconstpointer b, gpointer user_data)
{
    const triage_policy *policy = user_data;
    const rule_findings *left = *(rule_findings *const *)a;
    const rule_findings *right = *(rule_findings *const *)b;
    triage_severity left_severity =
        triage_policy_finding_severity(triage_policy_rule_at(policy, left->rule), left->port_only);
    triage_severity right_severity =
        triage_policy_finding_severity(triage_policy_rule_at(policy, right->rule), right->port_only);
    if (left_severity != right_severity)
        return left_severity > right_severity ? -1 : 1;
    if (left->connections != right->connections)
        return left->connections > right->connections ? -1 : 1;
    if (left->matched_packets != right->matched_packets)
        return left->matched_packets > right->matched_packets ? -1 : 1;
    if (left->rule != right->rule)
        return left->rule < right->rule ? -1 : 1;
    return left->port_only - right->port_only;
}

void triage_policy_add_finding_columns(triage_table *table, gboolean with_frames)
{
    triage_table_add_column(table, "rule", "Rule", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "severity", "Severity", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "evidence", "Evidence", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "port_only", "Port only", TRIAGE_CELL_BOOLEAN);
    triage_table_add_column(table, "message", "Message", TRIAGE_CELL_STRING);
    triage_table_set_text_below(table, "message");
    triage_table_add_column(table, "connections", "Connections", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "matched_packets", "Matched packets", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "packets", "Packets", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "bytes", "Bytes", TRIAGE_CELL_INTEGER);
    if (with_frames) {
        triage_table_add_column(table, "first_frame", "First frame", TRIAGE_CELL_INTEGER);
        triage_table_add_column(table, "last_frame", "Last frame", TRIAGE_CELL_INTEGER);
    }
    triage_table_add_column(table, "first", "First", TRIAGE_CELL_TIMESTAMP);
    triage_table_add_column(table, "last", "Last", TRIAGE_CELL_TIMESTAMP);
}

static triage_table *findings_table(const report_input *input, gathered *data)
{
    triage_table *table = triage_table_new("findings", "Findings", TRIAGE_SHAPE_LIST);
    triage_policy_add_finding_columns(table, TRUE);
    triage_table_add_column(table, "endpoints", "Connections", TRIAGE_CELL_TABLE);

    if (input->policy == NULL)
        return table;
    GPtrArray *order = g_ptr_array_new();
    for (guint f = 0; f < 2 * triage_policy_rule_count(input->policy); f++) {
        if (data->rules[f].matched)
            g_ptr_array_add(order, &data->rules[f]);
    }
    g_ptr_array_sort_with_data(order, compare_findings, (gpointer)input->policy);
    for (guint i = 0; i < order->len; i++) {
        rule_findings *findings = g_ptr_array_index(order, i);
        const triage_policy_rule *rule = triage_policy_rule_at(input->policy, findings->rule);
        char evidence[TRIAGE_EVIDENCE_TEXT_SIZE];
        char *message = triage_policy_finding_message(rule, findings->port_only);
        triage_table_begin_row(table);
        triage_table_add_string(table, rule->name);
        triage_table_add_string(table,
                                triage_policy_severity_name(triage_policy_finding_severity(rule, findings->port_only)));
        triage_table_add_string(table, triage_policy_evidence_text(findings->evidence, evidence, sizeof evidence));
        triage_table_add_boolean(table, findings->port_only);
        triage_table_add_string(table, message);
        g_free(message);
        triage_table_add_integer(table, (gint64)findings->connections);
        triage_table_add_integer(table, (gint64)findings->matched_packets);
        triage_table_add_integer(table, (gint64)findings->packets);
        triage_table_add_integer(table, (gint64)findings->bytes);
        triage_table_add_integer(table, findings->first_frame);
        triage_table_add_integer(table, findings->last_frame);
        triage_table_add_timestamp(table, findings->first_time);
        triage_table_add_timestamp(table, findings->last_time);
        triage_table_add_table(table, endpoints_table(input, findings));
    }
    g_ptr_array_free(order, TRUE);
    triage_table_add_footnote(table, "Packets and bytes are those of the whole connections, both directions; "
                                     "matched packets only those that matched the rule.");
    triage_table_add_footnote(table, "Evidence: port, protocol (Wireshark's label, often given by port alone), "
                                     "payload (a signature in the bytes), address (a listed peer), filter, "
                                     "host (a listed name: TLS server name or HTTP Host).");
    return table;
}

static gint compare_unexpected(gconstpointer a, gconstpointer b)
{
    const unexpected_protocol *left = *(unexpected_protocol *const *)a;
    const unexpected_protocol *right = *(unexpected_protocol *const *)b;
    if (left->connections != right->connections)
        return left->connections > right->connections ? -1 : 1;
    return left->first_frame < right->first_frame ? -1 : left->first_frame > right->first_frame;
}

static triage_table *unexpected_table(const report_input *input, gathered *data,
                                      triage_protocol_name_fn protocol_name, void *protocol_name_data)
{
    triage_table *table = triage_table_new("unexpected", "Unexpected protocols (allow-list mode)", TRIAGE_SHAPE_LIST);
    triage_table_add_column(table, "protocol", "Protocol", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "connections", "Connections", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "packets", "Packets", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "bytes", "Bytes", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "first_frame", "First frame", TRIAGE_CELL_INTEGER);

    GPtrArray *order = g_ptr_array_new();
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, data->unexpected);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_ptr_array_add(order, value);
    g_ptr_array_sort(order, compare_unexpected);
    for (guint i = 0; i < order->len; i++) {
        const unexpected_protocol *entry = g_ptr_array_index(order, i);
        const char *name = entry->protocol >= 0 && protocol_name != NULL
                               ? protocol_name(entry->protocol, protocol_name_data)
                               : NULL;
        char fallback[32];
        if (name == NULL) {
            if (entry->protocol >= 0)
                g_snprintf(fallback, sizeof fallback, "protocol %d", entry->protocol);
            else
                g_strlcpy(fallback, "unknown", sizeof fallback);
            name = fallback;
        }
        triage_table_begin_row(table);
        triage_table_add_string(table, name);
        triage_table_add_integer(table, (gint64)entry->connections);
        triage_table_add_integer(table, (gint64)entry->packets);
        triage_table_add_integer(table, (gint64)entry->bytes);
        triage_table_add_integer(table, entry->first_frame);
    }
    g_ptr_array_free(order, TRUE);
    if (input->engine == NULL || !triage_policy_engine_allowlist(input->engine))
        triage_table_add_footnote(table, "Only filled in allow-list mode.");
    else
        triage_table_add_footnote(table, "Connections that no rule decided, by application protocol; "
                                         "connections without payload are counted in the policy section.");
    return table;
}

/* ---- DNS lookups ---------------------------------------------------------- */

/* A lookup counts when any of its queries' connections is selected. */
static gboolean lookup_selected(const report_input *input, const triage_policy_lookup *lookup)
{
    if (input->connection_selected == NULL)
        return TRUE;
    for (guint i = 0; i < lookup->connections->len; i++) {
        if (input->connection_selected(g_array_index(lookup->connections, guint32, i), input->selection_data))
            return TRUE;
    }
    return FALSE;
}

static gint compare_lookups(gconstpointer a, gconstpointer b, gpointer user_data)
{
    const triage_policy *policy = user_data;
    const triage_policy_lookup *left = *(triage_policy_lookup *const *)a;
    const triage_policy_lookup *right = *(triage_policy_lookup *const *)b;
    triage_severity left_severity = triage_policy_lookup_severity(triage_policy_rule_at(policy, left->rule));
    triage_severity right_severity = triage_policy_lookup_severity(triage_policy_rule_at(policy, right->rule));
    if (left_severity != right_severity)
        return left_severity > right_severity ? -1 : 1;
    if (left->queries != right->queries)
        return left->queries > right->queries ? -1 : 1;
    return left->first_frame < right->first_frame ? -1 : left->first_frame > right->first_frame;
}

triage_table *triage_policy_lookups_table_new(gboolean with_frames)
{
    triage_table *table = triage_table_new("lookups", "DNS lookups of listed names", TRIAGE_SHAPE_LIST);
    triage_table_add_column(table, "rule", "Rule", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "severity", "Severity", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "evidence", "Evidence", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "message", "Message", TRIAGE_CELL_STRING);
    triage_table_set_text_below(table, "message");
    triage_table_add_column(table, "client", "Client", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "name", "Name", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "queries", "Queries", TRIAGE_CELL_INTEGER);
    if (with_frames) {
        triage_table_add_column(table, "first_frame", "First frame", TRIAGE_CELL_INTEGER);
        triage_table_add_column(table, "last_frame", "Last frame", TRIAGE_CELL_INTEGER);
    }
    triage_table_add_column(table, "first", "First", TRIAGE_CELL_TIMESTAMP);
    triage_table_add_column(table, "last", "Last", TRIAGE_CELL_TIMESTAMP);
    return table;
}

static triage_table *lookups_table(const report_input *input)
{
    triage_table *table = triage_policy_lookups_table_new(TRUE);
    if (input->engine == NULL || input->policy == NULL)
        return table;
    GPtrArray *order = g_ptr_array_new();
    for (guint i = 0; i < triage_policy_engine_lookup_count(input->engine); i++) {
        const triage_policy_lookup *lookup = triage_policy_engine_lookup_at(input->engine, i);
        if (lookup_selected(input, lookup))
            g_ptr_array_add(order, (gpointer)lookup);
    }
    g_ptr_array_sort_with_data(order, compare_lookups, (gpointer)input->policy);
    guint shown = input->top == 0 ? order->len : MIN(order->len, input->top);
    for (guint i = 0; i < shown; i++) {
        const triage_policy_lookup *lookup = g_ptr_array_index(order, i);
        const triage_policy_rule *rule = triage_policy_rule_at(input->policy, lookup->rule);
        char client[64];
        char *message = triage_policy_lookup_message(rule, lookup->name);
        triage_table_begin_row(table);
        triage_table_add_string(table, rule->name);
        triage_table_add_string(table, triage_policy_severity_name(triage_policy_lookup_severity(rule)));
        triage_table_add_string(table, "host");
        triage_table_add_string(table, message);
        g_free(message);
        triage_table_add_string(table, triage_address_to_string(&lookup->client, client, sizeof client));
        triage_table_add_string(table, lookup->name);
        triage_table_add_integer(table, lookup->queries);
        triage_table_add_integer(table, lookup->first_frame);
        triage_table_add_integer(table, lookup->last_frame);
        triage_table_add_timestamp(table, lookup->first_time);
        triage_table_add_timestamp(table, lookup->last_time);
    }
    if (order->len > shown) {
        char *note = g_strdup_printf("%u more lookups not shown.", order->len - shown);
        triage_table_add_footnote(table, note);
        g_free(note);
    }
    g_ptr_array_free(order, TRUE);
    triage_table_add_footnote(table, "One row per client, name and rule: DNS queries (port 53) for a name of a hosts "
                                     "rule, one severity below the rule. A lookup has no connection: with a filter, "
                                     "it shows when one of its queries is selected, with all its queries counted.");
    return table;
}

static triage_table *silent_rules_table(const report_input *input)
{
    triage_table *table = triage_table_new("silent_rules", "Alert rules that matched nothing", TRIAGE_SHAPE_VALUES);
    triage_table_add_column(table, "rule", "Rule", TRIAGE_CELL_STRING);
    if (input->policy == NULL || input->engine == NULL)
        return table;
    for (guint r = 0; r < triage_policy_rule_count(input->policy); r++) {
        const triage_policy_rule *rule = triage_policy_rule_at(input->policy, r);
        if (rule->action != TRIAGE_POLICY_ALERT || triage_policy_engine_rule_matched(input->engine, r))
            continue;
        triage_table_begin_row(table);
        triage_table_add_string(table, rule->name);
    }
    return table;
}

triage_report *triage_policy_report_build(const triage_report_source *source, const triage_report_options *options)
{
    const triage_policy_engine *engine = source->policy_engine;
    report_input input = {engine, engine != NULL ? triage_policy_engine_policy(engine) : source->policy,
                          source->connections, options->is_selected, options->selection, options->top,
                          &options->names};
    gathered data;
    triage_report *report = triage_report_new("policy", "Capture Triage: Policy Findings", options->filter);

    /* Without the table there is nothing to join the decisions with. */
    if (input.connections == NULL)
        input.engine = NULL;
    gather(&input, &data);
    triage_report_set_capture(report, source->packets, source->first_time, source->last_time);
    triage_report_add_table(report, policy_table(&input, &data, options->policy_source, options->policy_path,
                                                 options->policy_errors));
    triage_report_add_table(report, findings_table(&input, &data));
    triage_report_add_table(report, lookups_table(&input));
    triage_report_add_table(report, unexpected_table(&input, &data, options->names.protocol_name,
                                                     options->names.user_data));
    triage_report_add_table(report, silent_rules_table(&input));
    gathered_clear(&data, rule_count_of(&input));
    return report;
}
