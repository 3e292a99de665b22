/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_policy_report.c — the shape of the Policy Findings report: its
 * sections and keys (DESIGN §5), the policy's invalid rules, the connection
 * selection, a report without engine, and that all three writers render it.
 * The numbers in findings are checked by the scripts (test_policy_scripts).
 */
#include <stdio.h>
#include <string.h>

#include "policy_file.h"
#include "report_model.h"
#include "report_policy.h"
#include "test_policy_support.h"

static const char *data_dir;
static test_protocols *protocols;

typedef struct fixture {
    GPtrArray *errors;
    triage_policy *policy;
    triage_connection_table *connections;
    triage_policy_engine *engine;
} fixture;

static const char policy_text[] = "name,action,severity,message,ports,payload\n"
                                  "telnet,alert,warn,Telnet: use SSH.,tcp/23,\n"
                                  "broken,alert,loud,,tcp/24,\n"
                                  "web,allow,,,tcp/443,\n"
                                  "ftp,alert,error,FTP: use SFTP.,tcp/21,\n"
                                  "never,alert,note,,tcp/9,\n";

static void feed(fixture *f, guint32 frame, guint32 stream, const char *client, guint16 server_port,
                 gboolean to_server, guint32 payload_length)
{
    triage_flow_packet packet = {0};
    triage_address client_address, server_address;
    gboolean direction;
    static const guint8 payload[16];
    int layers[3];

    g_assert_true(triage_address_from_string(client, &client_address));
    g_assert_true(triage_address_from_string("10.0.0.2", &server_address));
    packet.frame = frame;
    packet.time = (triage_time)frame * TRIAGE_NS_PER_SECOND;
    packet.transport = TRIAGE_TRANSPORT_TCP;
    packet.stream = stream;
    packet.source = to_server ? client_address : server_address;
    packet.destination = to_server ? server_address : client_address;
    packet.source_port = to_server ? 40000 : server_port;
    packet.destination_port = to_server ? server_port : 40000;
    packet.tcp_flags = frame == 1 ? TRIAGE_TCP_SYN : TRIAGE_TCP_ACK;
    packet.frame_length = 100;
    packet.payload = payload_length > 0 ? payload : NULL;
    packet.payload_length = MIN(payload_length, sizeof payload);
    layers[0] = test_protocols_resolve("eth", protocols);
    layers[1] = test_protocols_resolve("ip", protocols);
    layers[2] = test_protocols_resolve(payload_length > 0 ? "ssh" : "tcp", protocols);
    triage_connection *connection = triage_connection_table_add_packet(f->connections, &packet, &direction);
    triage_policy_engine_add_packet(f->engine, connection, direction, &packet, layers, 3, 0);
}

static void fixture_set_up(fixture *f, gboolean allowlist)
{
    GArray *internal = g_array_new(FALSE, FALSE, sizeof(triage_network));
    GArray *carriers = test_protocols_carriers(protocols);
    g_assert_true(triage_networks_parse(TRIAGE_DEFAULT_INTERNAL_NETWORKS, internal, NULL));
    f->errors = triage_policy_errors_new();
    f->policy = triage_policy_parse_file_text(policy_text, strlen(policy_text), "rules.csv", test_protocols_resolve,
                                              protocols, f->errors);
    f->connections = triage_connection_table_new(0, NULL, NULL);
    f->engine = triage_policy_engine_new(f->policy, allowlist, (triage_network *)internal->data, internal->len,
                                         (int *)carriers->data, carriers->len, 0);
    g_array_free(carriers, TRUE);
    g_array_free(internal, TRUE);

    feed(f, 1, 0, "10.0.0.1", 23, TRUE, 0);     /* connection 0: telnet */
    feed(f, 2, 0, "10.0.0.1", 23, FALSE, 20);
    feed(f, 3, 1, "10.0.0.3", 21, TRUE, 0);     /* connection 1: ftp */
    feed(f, 4, 2, "10.0.0.4", 443, TRUE, 30);   /* connection 2: allowed */
    feed(f, 5, 3, "10.0.0.5", 2222, TRUE, 40);  /* connection 3: no rule, payload */
    feed(f, 6, 4, "10.0.0.6", 2223, TRUE, 0);   /* connection 4: no rule, no payload */
}

static void fixture_tear_down(fixture *f)
{
    triage_policy_engine_free(f->engine);
    triage_connection_table_free(f->connections);
    triage_policy_unref(f->policy);
    g_ptr_array_free(f->errors, TRUE);
}

static triage_report *build(fixture *f, triage_connection_selected_fn selected)
{
    triage_report_source source = {.connections = f->connections, .policy_engine = f->engine, .policy = f->policy,
                                   .packets = 6, .first_time = TRIAGE_NS_PER_SECOND,
                                   .last_time = 6 * TRIAGE_NS_PER_SECOND};
    triage_report_options options;

    triage_report_options_init(&options);
    options.filter = "tcp.port == 23";
    options.is_selected = selected;
    options.policy_source = "file";
    options.policy_path = "/etc/rules.csv";
    options.policy_errors = f->errors;
    options.names.protocol_name = test_protocols_name;
    options.names.user_data = protocols;
    return triage_policy_report_build(&source, &options);
}

static const triage_table *table_at(const triage_report *report, guint index, const char *name,
                                    triage_table_shape shape)
{
    g_assert_cmpuint(index, <, report->tables->len);
    const triage_table *table = g_ptr_array_index(report->tables, index);
    g_assert_cmpstr(table->name, ==, name);
    g_assert_cmpint(table->shape, ==, shape);
    return table;
}

static void assert_columns(const triage_table *table, const char *const *keys)
{
    guint count = 0;
    for (; keys[count] != NULL; count++)
        g_assert_cmpstr(triage_table_column(table, count)->key, ==, keys[count]);
    g_assert_cmpuint(triage_table_column_count(table), >=, count);
}

static const char *string_cell(const triage_table *table, guint row, guint column)
{
    const triage_cell *cell = triage_table_cell(table, row, column);
    g_assert_nonnull(cell);
    g_assert_false(cell->is_null);
    g_assert_cmpint(cell->type, ==, TRIAGE_CELL_STRING);
    return cell->as.string;
}

static gint64 integer_cell(const triage_table *table, guint row, guint column)
{
    const triage_cell *cell = triage_table_cell(table, row, column);
    g_assert_nonnull(cell);
    g_assert_false(cell->is_null);
    return cell->as.integer;
}

static void test_sections_and_keys(void)
{
    fixture f;
    fixture_set_up(&f, TRUE);
    triage_report *report = build(&f, NULL);
    static const char *const policy_keys[] = {"source", "path", "mode", "rules", NULL};
    static const char *const finding_keys[] = {"rule", "severity", "evidence", "port_only", "message", "connections", "matched_packets",
                                               "packets", "bytes", "first_frame", "last_frame", "first", "last",
                                               "endpoints", NULL};
    static const char *const endpoint_keys[] = {"client", "server", "port", "transport", "evidence", "packets", NULL};
    static const char *const unexpected_keys[] = {"protocol", "connections", "packets", "bytes", "first_frame", NULL};

    g_assert_cmpstr(report->name, ==, "policy");
    g_assert_cmpstr(report->filter, ==, "tcp.port == 23");
    g_assert_cmpuint(report->packets, ==, 6);
    g_assert_cmpuint(report->tables->len, ==, 5);

    const triage_table *policy = table_at(report, 0, "policy", TRIAGE_SHAPE_RECORD);
    assert_columns(policy, policy_keys);
    g_assert_cmpstr(string_cell(policy, 0, 0), ==, "file");
    g_assert_cmpstr(string_cell(policy, 0, 1), ==, "/etc/rules.csv");
    g_assert_cmpstr(string_cell(policy, 0, 2), ==, "allowlist");
    g_assert_cmpint(integer_cell(policy, 0, 3), ==, 4);
    /* invalid_rules: the one bad line, as {line, reason}. */
    int invalid_column = -1;
    for (guint c = 0; c < triage_table_column_count(policy); c++) {
        if (strcmp(triage_table_column(policy, c)->key, "invalid_rules") == 0)
            invalid_column = (int)c;
    }
    g_assert_cmpint(invalid_column, >=, 0);
    const triage_table *invalid = triage_table_cell(policy, 0, (guint)invalid_column)->as.table;
    g_assert_cmpuint(invalid->row_count, ==, 1);
    g_assert_cmpstr(triage_table_column(invalid, 0)->key, ==, "line");
    g_assert_cmpstr(triage_table_column(invalid, 1)->key, ==, "reason");
    g_assert_cmpint(integer_cell(invalid, 0, 0), ==, 3);
    g_assert_cmpstr(string_cell(invalid, 0, 1), ==, "severity: 'loud' is not note, warn or error");

    const triage_table *findings = table_at(report, 1, "findings", TRIAGE_SHAPE_LIST);
    assert_columns(findings, finding_keys);
    g_assert_cmpuint(findings->row_count, ==, 2);
    g_assert_cmpstr(string_cell(findings, 0, 0), ==, "ftp"); /* error before warn */
    g_assert_cmpstr(string_cell(findings, 1, 0), ==, "telnet");
    g_assert_cmpstr(string_cell(findings, 1, 2), ==, "port"); /* telnet is a port rule */
    g_assert_cmpstr(string_cell(findings, 1, 4), ==, "Telnet: use SSH.");
    const triage_table *endpoints = triage_table_cell(findings, 1, 13)->as.table;
    assert_columns(endpoints, endpoint_keys);
    g_assert_cmpstr(string_cell(endpoints, 0, 0), ==, "10.0.0.1");
    g_assert_cmpstr(string_cell(endpoints, 0, 1), ==, "10.0.0.2");
    g_assert_cmpint(integer_cell(endpoints, 0, 2), ==, 23);
    g_assert_cmpstr(string_cell(endpoints, 0, 3), ==, "tcp");
    g_assert_cmpstr(string_cell(endpoints, 0, 4), ==, "port");
    g_assert_cmpint(integer_cell(endpoints, 0, 5), ==, 2);

    /* No hosts rule: no lookups, but the table is there for programs. */
    g_assert_cmpuint(table_at(report, 2, "lookups", TRIAGE_SHAPE_LIST)->row_count, ==, 0);

    const triage_table *unexpected = table_at(report, 3, "unexpected", TRIAGE_SHAPE_LIST);
    assert_columns(unexpected, unexpected_keys);
    g_assert_cmpuint(unexpected->row_count, ==, 1);
    g_assert_cmpstr(string_cell(unexpected, 0, 0), ==, "ssh");
    g_assert_cmpint(integer_cell(unexpected, 0, 4), ==, 5);

    const triage_table *silent = table_at(report, 4, "silent_rules", TRIAGE_SHAPE_VALUES);
    g_assert_cmpuint(silent->row_count, ==, 1);
    g_assert_cmpstr(string_cell(silent, 0, 0), ==, "never");

    triage_report_free(report);
    fixture_tear_down(&f);
}

static gboolean only_connection_1(guint32 connection_index, void *user_data)
{
    (void)user_data;
    return connection_index == 1;
}

static void test_selection(void)
{
    fixture f;
    fixture_set_up(&f, TRUE);
    triage_report *report = build(&f, only_connection_1);
    const triage_table *findings = table_at(report, 1, "findings", TRIAGE_SHAPE_LIST);
    g_assert_cmpuint(findings->row_count, ==, 1);
    g_assert_cmpstr(string_cell(findings, 0, 0), ==, "ftp");
    g_assert_cmpuint(table_at(report, 3, "unexpected", TRIAGE_SHAPE_LIST)->row_count, ==, 0);
    /* The rules still matched; selection only narrows the view. */
    g_assert_cmpuint(table_at(report, 4, "silent_rules", TRIAGE_SHAPE_VALUES)->row_count, ==, 1);
    triage_report_free(report);
    fixture_tear_down(&f);
}

/* No policy engine ran (the glue found no policy): the report still says
 * where the policy came from, and nothing else. */
static void test_without_engine(void)
{
    triage_report_source nothing = {0};
    triage_report_options options;
    triage_report_options_init(&options);
    triage_report *report = triage_policy_report_build(&nothing, &options);
    const triage_table *policy = table_at(report, 0, "policy", TRIAGE_SHAPE_RECORD);
    g_assert_cmpstr(string_cell(policy, 0, 0), ==, "default");
    g_assert_true(triage_table_cell(policy, 0, 1)->is_null);
    g_assert_cmpint(integer_cell(policy, 0, 3), ==, 0);
    g_assert_cmpuint(table_at(report, 1, "findings", TRIAGE_SHAPE_LIST)->row_count, ==, 0);
    g_assert_cmpuint(table_at(report, 4, "silent_rules", TRIAGE_SHAPE_VALUES)->row_count, ==, 0);
    triage_report_free(report);
}

static char *render(triage_report *report, triage_format format)
{
    GString *text = g_string_new(NULL);

    triage_reports_write(text, format, &report, 1, "test");
    return g_string_free(text, FALSE);
}

static void test_renders(void)
{
    fixture f;
    fixture_set_up(&f, FALSE);
    triage_report *report = build(&f, NULL);
    char *json = render(report, TRIAGE_FORMAT_JSON);
    char *csv = render(report, TRIAGE_FORMAT_CSV);
    char *text = render(report, TRIAGE_FORMAT_TEXT);

    g_assert_nonnull(strstr(json, "\"report\": \"policy\""));
    g_assert_nonnull(strstr(json, "\"invalid_rules\""));
    g_assert_nonnull(strstr(json, "\"severity: 'loud' is not note, warn or error\""));
    g_assert_nonnull(strstr(json, "\"silent_rules\""));
    g_assert_nonnull(strstr(json, "\"denylist\""));
    g_assert_nonnull(strstr(csv, "\nfindings,telnet,warn,port,false,Telnet: use SSH.,1,2,2,200,1,2,"));
    g_assert_nonnull(strstr(json, "\"evidence\": \"port\""));
    g_assert_nonnull(strstr(json, "\"port_only\": false"));
    g_assert_nonnull(strstr(csv, "\nsilent_rules,never\n"));
    g_assert_nonnull(strstr(text, "Telnet: use SSH."));
    g_assert_nonnull(strstr(text, "never"));

    g_free(json);
    g_free(csv);
    g_free(text);
    triage_report_free(report);
    fixture_tear_down(&f);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (argc < 2)
        g_error("usage: %s DATA_DIR", argv[0]);
    data_dir = argv[1];
    protocols = test_protocols_load(data_dir);
    g_test_add_func("/policy/report/sections-and-keys", test_sections_and_keys);
    g_test_add_func("/policy/report/selection", test_selection);
    g_test_add_func("/policy/report/without-engine", test_without_engine);
    g_test_add_func("/policy/report/renders", test_renders);
    int result = g_test_run();
    test_protocols_free(protocols);
    return result;
}
