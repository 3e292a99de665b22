/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_session.c — the capture session (tap/session.h) as the plugin
 * drives it: frames in, views out, and the three reports over one source.
 *
 * The traffic here is of kinds, not of files:
 *   - a connection first seen mid-stream whose first captured packet comes
 *     from the server (a capture started while a download ran): every
 *     report must name the same client, the one the connection table's
 *     rule gives (the side not on the service port);
 *   - a policy with a filter rule: the frame's verdict waits for its filter
 *     results and is judged with them;
 *   - a frame shown again after the reading pass: the same marks, and the
 *     outcomes a report would give.
 */
#include <string.h>

#include "policy_file.h"
#include "report_dests.h"
#include "report_policy.h"
#include "report_rtt.h"
#include "report_model.h"
#include "session.h"

static triage_address address(const char *text)
{
    triage_address out;
    g_assert_true(triage_address_from_string(text, &out));
    return out;
}

static gboolean port_is_service(guint8 transport, guint16 port, void *user_data)
{
    (void)user_data;
    return transport == TRIAGE_TRANSPORT_TCP && port == 443;
}

typedef struct frame_spec {
    const char *source;
    guint16 source_port;
    const char *destination;
    guint16 destination_port;
    guint16 flags;
    guint32 seq, ack;
    guint32 payload;
} frame_spec;

static triage_frame_facts tcp_frame(guint32 frame, guint32 stream, const frame_spec *spec)
{
    static const int no_layers[1] = {0};
    triage_frame_facts facts;

    memset(&facts, 0, sizeof facts);
    facts.has_flow = TRUE;
    facts.packet.frame = frame;
    facts.packet.time = (triage_time)frame * 10 * TRIAGE_NS_PER_SECOND / 1000; /* 10 ms apart */
    facts.packet.transport = TRIAGE_TRANSPORT_TCP;
    facts.packet.stream = stream;
    facts.packet.source = address(spec->source);
    facts.packet.destination = address(spec->destination);
    facts.packet.source_port = spec->source_port;
    facts.packet.destination_port = spec->destination_port;
    facts.packet.tcp_flags = spec->flags;
    facts.packet.frame_length = 54 + spec->payload;
    facts.has_tcp = TRUE;
    facts.segment.frame = frame;
    facts.segment.time = facts.packet.time;
    facts.segment.stream = stream;
    facts.segment.flags = spec->flags;
    facts.segment.seq = spec->seq;
    facts.segment.ack = spec->ack;
    facts.segment.payload_length = spec->payload;
    facts.segment.source = facts.packet.source;
    facts.segment.destination = facts.packet.destination;
    facts.segment.source_port = spec->source_port;
    facts.segment.destination_port = spec->destination_port;
    facts.layer_ids = no_layers;
    facts.layer_count = 0;
    return facts;
}

static triage_policy *policy_of(const char *rows)
{
    char *csv = g_strconcat("name,action,severity,message,protocols,ports,peers,payload,filter\n", rows, NULL);
    GPtrArray *errors = triage_policy_errors_new();
    triage_policy *policy = triage_policy_parse_file_text(csv, strlen(csv), "session.csv", NULL, NULL, errors);
    g_assert_cmpuint(errors->len, ==, 0);
    g_ptr_array_unref(errors);
    g_free(csv);
    return policy;
}

static triage_session *new_session(triage_policy *policy)
{
    static triage_network internal[1];
    GArray *parsed = g_array_new(FALSE, FALSE, sizeof(triage_network));
    triage_session_settings settings = {0};

    g_assert_true(triage_networks_parse("10.0.0.0/8", parsed, NULL));
    internal[0] = g_array_index(parsed, triage_network, 0);
    g_array_free(parsed, TRUE);
    settings.internal_networks = internal;
    settings.internal_network_count = 1;
    settings.policy = policy;
    settings.port_is_service = port_is_service;
    return triage_session_new(&settings);
}

static const triage_table *table_named(const triage_report *report, const char *name)
{
    for (guint i = 0; i < report->tables->len; i++) {
        const triage_table *table = g_ptr_array_index(report->tables, i);
        if (strcmp(table->name, name) == 0)
            return table;
    }
    g_assert_not_reached();
    return NULL;
}

static const triage_cell *cell(const triage_table *table, guint row, const char *column)
{
    for (guint i = 0; i < table->columns->len; i++) {
        const triage_column *candidate = &g_array_index(table->columns, triage_column, i);
        if (strcmp(candidate->key, column) == 0)
            return triage_table_cell(table, row, i);
    }
    g_assert_not_reached();
    return NULL;
}

/* A download under way when the capture started: the server speaks first.
 * Then a SYN of the client reaches the capture point late, in the same
 * stream (a reordered retransmission): on a connection under way it is a
 * late SYN, never the server's half of a simultaneous open. */
static void test_midstream_connection_has_one_client(void)
{
    static const frame_spec frames[] = {
        {"198.51.100.20", 443, "10.0.0.2", 50000, TRIAGE_TCP_ACK | TRIAGE_TCP_PSH, 9000, 5001, 1200},
        {"10.0.0.2", 50000, "198.51.100.20", 443, TRIAGE_TCP_ACK, 5001, 10200, 0},
        {"198.51.100.20", 443, "10.0.0.2", 50000, TRIAGE_TCP_ACK | TRIAGE_TCP_PSH, 10200, 5001, 1200},
        {"10.0.0.2", 50000, "198.51.100.20", 443, TRIAGE_TCP_SYN, 5000, 0, 0},
    };
    triage_policy *policy = policy_of("download,alert,warn,A download,,tcp/443,,,\n");
    triage_session *session = new_session(policy);
    triage_report_source source;
    triage_report_options options;
    triage_frame_view view;
    triage_report *report;
    char text[64];

    for (guint i = 0; i < G_N_ELEMENTS(frames); i++) {
        triage_frame_facts facts = tcp_frame(i + 1, 0, &frames[i]);
        g_assert_true(triage_session_add_frame(session, &facts, TRUE, FALSE, &view));
    }
    g_assert_nonnull(view.connection);
    g_assert_cmpstr(triage_address_to_string(&view.connection->client, text, sizeof text), ==, "10.0.0.2");
    g_assert_cmpuint(view.connection->server_port, ==, 443);
    /* The handshake record takes the table's roles. */
    g_assert_nonnull(view.handshake);
    g_assert_true(triage_handshake_client_is(view.handshake, &view.connection->client, view.connection->client_port,
                                             &view.connection->server, view.connection->server_port));

    triage_report_source_of_session(session, &source);
    triage_report_options_init(&options);

    report = triage_rtt_report_build(&source, &options);
    g_assert_cmpint(cell(table_named(report, "anomalies"), 0, "late_syn")->as.integer, ==, 1);
    g_assert_cmpint(cell(table_named(report, "anomalies"), 0, "simultaneous_open")->as.integer, ==, 0);
    triage_report_free(report);

    report = triage_policy_report_build(&source, &options);
    {
        const triage_table *findings = table_named(report, "findings");
        const triage_table *endpoints = cell(findings, 0, "endpoints")->as.table;
        g_assert_cmpstr(cell(endpoints, 0, "client")->as.string, ==, "10.0.0.2");
        g_assert_cmpstr(cell(endpoints, 0, "server")->as.string, ==, "198.51.100.20");
    }
    triage_report_free(report);

    report = triage_dests_report_build(&source, &options);
    g_assert_cmpuint(triage_table_row_count(table_named(report, "destinations")), ==, 1);
    g_assert_cmpstr(cell(table_named(report, "destinations"), 0, "address")->as.string, ==, "198.51.100.20");
    triage_report_free(report);

    triage_session_free(session);
    triage_policy_unref(policy);
}

/* A policy with a filter rule: the verdict waits for the frame's filter
 * results (known only after the dissection) and is judged with them. */
static void test_filter_rule_waits_for_its_frame(void)
{
    static const frame_spec syn = {"10.0.0.2", 50001, "192.0.2.7", 8080, TRIAGE_TCP_SYN, 100, 0, 0};
    triage_policy *policy = policy_of("odd,alert,error,Matched by filter,,,,,tcp.port == 8080\n");
    triage_session *session = new_session(policy);
    triage_frame_facts facts = tcp_frame(1, 0, &syn);
    triage_frame_view view;
    triage_frame_view again;
    const triage_policy_rule *rule = triage_policy_rule_at(policy, 0);

    g_assert_nonnull(rule->filter);
    triage_session_add_frame(session, &facts, TRUE, TRUE, &view);
    g_assert_cmpint(view.policy_rule, ==, -1); /* not judged yet */
    triage_session_judge_frame(session, G_GUINT64_CONSTANT(1) << rule->filter_bit);
    /* Shown again: the judged verdict, from the marks. */
    g_assert_true(triage_session_view_again(session, 1, &again));
    g_assert_cmpint(again.policy_rule, ==, 0);
    g_assert_true(again.policy_violation);
    triage_session_free(session);
    triage_policy_unref(policy);
}

/* The loader may drop its policy while a capture is open (a preference
 * changed): the session's reference keeps it alive. */
static void test_session_keeps_its_policy(void)
{
    static const frame_spec syn = {"10.0.0.2", 50002, "192.0.2.8", 23, TRIAGE_TCP_SYN, 7, 0, 0};
    triage_policy *policy = policy_of("telnet,alert,error,Telnet,,tcp/23,,,\n");
    triage_session *session = new_session(policy);
    triage_frame_facts facts = tcp_frame(1, 0, &syn);
    triage_frame_view view;

    triage_policy_unref(policy);
    triage_session_add_frame(session, &facts, TRUE, FALSE, &view);
    g_assert_cmpint(view.policy_rule, ==, 0);
    g_assert_cmpstr(triage_policy_rule_at(triage_session_policy(session), 0)->name, ==, "telnet");
    triage_session_free(session);
}

/* A SYN never answered: pending during the pass, unanswered when the frame
 * is shown after it; a later frame (a live capture) opens the pass again. */
static void test_outcome_after_the_reading_pass(void)
{
    static const frame_spec syn = {"10.0.0.2", 50003, "192.0.2.9", 443, TRIAGE_TCP_SYN, 1, 0, 0};
    static const frame_spec other = {"10.0.0.2", 50004, "192.0.2.9", 443, TRIAGE_TCP_SYN, 1, 0, 0};
    triage_session *session = new_session(NULL);
    triage_frame_facts facts = tcp_frame(1, 0, &syn);
    triage_frame_view view;

    triage_session_add_frame(session, &facts, TRUE, FALSE, &view);
    g_assert_false(view.capture_read);
    g_assert_cmpint(triage_handshake_get_outcome(view.handshake, view.capture_read), ==, TRIAGE_OUTCOME_PENDING);
    g_assert_true(triage_session_frame_seen(session, 1));
    g_assert_true(triage_session_view_again(session, 1, &view));
    g_assert_true(view.capture_read);
    g_assert_cmpint(triage_handshake_get_outcome(view.handshake, view.capture_read), ==, TRIAGE_OUTCOME_UNANSWERED);
    facts = tcp_frame(2, 1, &other);
    triage_session_add_frame(session, &facts, TRUE, FALSE, &view);
    g_assert_false(view.capture_read);
    g_assert_cmpuint(triage_session_packet_count(session), ==, 2);
    triage_session_free(session);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/session/midstream-connection-has-one-client", test_midstream_connection_has_one_client);
    g_test_add_func("/session/filter-rule-waits-for-its-frame", test_filter_rule_waits_for_its_frame);
    g_test_add_func("/session/keeps-its-policy", test_session_keeps_its_policy);
    g_test_add_func("/session/outcome-after-the-reading-pass", test_outcome_after_the_reading_pass);
    return g_test_run();
}
