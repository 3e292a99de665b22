/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_destinations.c — aggregation by responder, ranking, selection.
 *
 * Data-driven: every tests/unit/data/dests/aggregate/NAME.case is a flow
 * script (see flow_script.h) with these commands:
 *   internal NETWORKS          "10.0.0.0/8,fd00::/8"
 *   services tcp/80 …          ports named a service (responder inference)
 *   rank connections|bytes|packets
 *   select all | none | INDEX… which connection indexes count
 *   max_connections N          the table's bound, before the first packet
 *   packet WORDS…
 *   expect totals key=value…
 *   expect destination RANK key=value…
 *   expect port RANK PORT_RANK key=value…
 * Expectations rebuild the aggregation when a setting or packet changed
 * since the last one, so one script can check several rankings.
 *
 * Report goldens: every tests/unit/data/dests/report/NAME.case is a flow
 * script that may also say "top N" and "filter TEXT…"; its report, built
 * with the fake Wireshark knowledge below, must equal NAME.txt, NAME.csv
 * and NAME.json byte for byte.  After an intended change regenerate them
 * and review the diff:
 *     TRIAGE_UPDATE_GOLDEN=1 test_destinations tests/unit/data
 */
#include <stdio.h>
#include <string.h>

#include "destinations.h"
#include "flow_script.h"
#include "policy_file.h"
#include "report_dests.h"
#include "report_model.h"

static const char *data_folder;

typedef struct script_state {
    const char *path;
    guint line_number;
    GHashTable *services;
    GArray *internal; /* of triage_network */
    triage_sort rank;
    triage_sort sort;
    guint top;
    char *filter;
    guint64 packets;
    triage_time first;
    triage_time last;
    gboolean select_all;
    GHashTable *selected; /* connection indexes */
    triage_connection_table *table;
    triage_destinations *destinations; /* NULL when out of date */
} script_state;

static gboolean port_is_service(guint8 transport, guint16 port, void *user_data)
{
    script_state *state = user_data;
    char *key = g_strdup_printf("%s/%u", triage_transport_name(transport), port);
    gboolean named = g_hash_table_contains(state->services, key);
    g_free(key);
    return named;
}

static gboolean is_selected(guint32 connection_index, void *user_data)
{
    script_state *state = user_data;
    return g_hash_table_contains(state->selected, GUINT_TO_POINTER(connection_index));
}

static void invalidate(script_state *state)
{
    triage_destinations_free(state->destinations);
    state->destinations = NULL;
}

static const triage_destinations *current(script_state *state)
{
    if (state->destinations == NULL)
        state->destinations = triage_destinations_build(state->table, (const triage_network *)state->internal->data,
                                                        state->internal->len, state->rank,
                                                        state->select_all ? NULL : is_selected, state);
    return state->destinations;
}

static char *uint_text(guint64 value)
{
    return g_strdup_printf("%" G_GUINT64_FORMAT, value);
}

static void insert_traffic(GHashTable *fields, const triage_traffic *traffic)
{
    g_hash_table_insert(fields, "connections", uint_text(traffic->connections));
    g_hash_table_insert(fields, "initiators", uint_text(traffic->initiators));
    g_hash_table_insert(fields, "packets_to", uint_text(traffic->packets_to));
    g_hash_table_insert(fields, "bytes_to", uint_text(traffic->bytes_to));
    g_hash_table_insert(fields, "packets_from", uint_text(traffic->packets_from));
    g_hash_table_insert(fields, "bytes_from", uint_text(traffic->bytes_from));
    g_hash_table_insert(fields, "first", script_format_time(traffic->first));
    g_hash_table_insert(fields, "last", script_format_time(traffic->last));
}

static GHashTable *destination_fields(const triage_destination *destination)
{
    GHashTable *fields = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    char address[64];
    g_hash_table_insert(fields, "address",
                        g_strdup(triage_address_to_string(&destination->address, address, sizeof address)));
    g_hash_table_insert(fields, "direction", g_strdup(triage_direction_name(destination->direction)));
    g_hash_table_insert(fields, "ports", uint_text(destination->port_count));
    insert_traffic(fields, &destination->traffic);
    return fields;
}

static GHashTable *port_fields(const triage_destination_port *port)
{
    GHashTable *fields = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    g_hash_table_insert(fields, "transport", g_strdup(triage_transport_name(port->transport)));
    g_hash_table_insert(fields, "port", uint_text(port->port));
    g_hash_table_insert(fields, "inferred", uint_text(port->inferred));
    insert_traffic(fields, &port->traffic);
    return fields;
}

static GHashTable *totals_fields(const triage_destinations_totals *totals)
{
    GHashTable *fields = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    g_hash_table_insert(fields, "destinations", uint_text(totals->destinations));
    g_hash_table_insert(fields, "ports", uint_text(totals->ports));
    g_hash_table_insert(fields, "connections", uint_text(totals->connections));
    g_hash_table_insert(fields, "packets", uint_text(totals->packets));
    g_hash_table_insert(fields, "bytes", uint_text(totals->bytes));
    return fields;
}

static void run_expect(script_state *state, const char *location, char **words)
{
    const triage_destinations *destinations = current(state);
    GHashTable *fields = NULL;
    char **expectations = NULL;
    guint32 rank = 0, port_rank = 0;

    if (g_strcmp0(words[1], "totals") == 0) {
        fields = totals_fields(triage_destinations_get_totals(destinations));
        expectations = words + 2;
    } else if (g_strcmp0(words[1], "destination") == 0 || g_strcmp0(words[1], "port") == 0) {
        gboolean is_port = strcmp(words[1], "port") == 0;
        if (words[2] == NULL || !script_parse_uint32(words[2], &rank) ||
            (is_port && (words[3] == NULL || !script_parse_uint32(words[3], &port_rank))))
            g_error("%s: expect %s needs its rank", location, words[1]);
        expectations = words + (is_port ? 4 : 3);
        const triage_destination *destination = triage_destinations_get(destinations, rank);
        if (destination == NULL) {
            script_fail("%s: no destination at rank %u", location, rank);
            return;
        }
        if (!is_port) {
            fields = destination_fields(destination);
        } else {
            guint count;
            const triage_destination_port *ports = triage_destinations_ports(destinations, destination, &count);
            if (port_rank >= count) {
                script_fail("%s: destination %u has no port at rank %u", location, rank, port_rank);
                return;
            }
            fields = port_fields(&ports[port_rank]);
        }
    } else {
        g_error("%s: unknown expectation \"%s\"", location, words[1]);
    }
    script_check_fields(location, expectations, fields);
    g_hash_table_destroy(fields);
}

static void run_line(script_state *state, char **words)
{
    char *location = g_strdup_printf("%s:%u", state->path, state->line_number);
    const char *command = words[0];
    if (strcmp(command, "internal") == 0) {
        char *error = NULL;
        g_array_set_size(state->internal, 0);
        if (words[1] == NULL || !triage_networks_parse(words[1], state->internal, &error))
            g_error("%s: %s", location, error);
        invalidate(state);
    } else if (strcmp(command, "services") == 0) {
        for (char **word = words + 1; *word != NULL; word++)
            g_hash_table_add(state->services, g_strdup(*word));
    } else if (strcmp(command, "rank") == 0) {
        static const char *const names[] = {"connections", "bytes", "packets"};
        static const triage_sort ranks[] = {TRIAGE_SORT_CONNECTIONS, TRIAGE_SORT_BYTES,
                                                  TRIAGE_SORT_PACKETS};
        gsize i = 0;
        while (i < G_N_ELEMENTS(names) && g_strcmp0(words[1], names[i]) != 0)
            i++;
        if (i == G_N_ELEMENTS(names))
            g_error("%s: rank connections|bytes|packets", location);
        static const triage_sort sorts[] = {TRIAGE_SORT_CONNECTIONS, TRIAGE_SORT_BYTES, TRIAGE_SORT_PACKETS};
        state->rank = ranks[i];
        state->sort = sorts[i];
        invalidate(state);
    } else if (strcmp(command, "max_connections") == 0) {
        guint32 max_connections;
        if (state->packets != 0 || words[1] == NULL || !script_parse_uint32(words[1], &max_connections))
            g_error("%s: max_connections N comes before any packet", location);
        invalidate(state);
        triage_connection_table_free(state->table);
        state->table = triage_connection_table_new(max_connections, port_is_service, state);
    } else if (strcmp(command, "top") == 0) {
        if (words[1] == NULL || !script_parse_uint32(words[1], &state->top))
            g_error("%s: top N", location);
    } else if (strcmp(command, "filter") == 0) {
        g_free(state->filter);
        state->filter = g_strjoinv(" ", words + 1);
    } else if (strcmp(command, "select") == 0) {
        g_hash_table_remove_all(state->selected);
        state->select_all = g_strcmp0(words[1], "all") == 0;
        for (char **word = words + 1; !state->select_all && *word != NULL; word++) {
            guint32 index;
            if (strcmp(*word, "none") == 0)
                continue;
            if (!script_parse_uint32(*word, &index))
                g_error("%s: bad connection index \"%s\"", location, *word);
            g_hash_table_add(state->selected, GUINT_TO_POINTER(index));
        }
        invalidate(state);
    } else if (strcmp(command, "packet") == 0) {
        triage_flow_packet packet;
        if (!script_parse_packet(words + 1, &packet) || words[11] != NULL)
            g_error("%s: bad packet line", location);
        triage_connection_table_add_packet(state->table, &packet, NULL);
        if (state->packets == 0 || packet.time < state->first)
            state->first = packet.time;
        if (state->packets == 0 || packet.time > state->last)
            state->last = packet.time;
        state->packets++;
        invalidate(state);
    } else if (strcmp(command, "expect") == 0) {
        run_expect(state, location, words);
    } else {
        g_error("%s: unknown command \"%s\"", location, command);
    }
    g_free(location);
}

static void script_state_init(script_state *state, const char *path)
{
    *state = (script_state){.path = path, .select_all = TRUE, .rank = TRIAGE_SORT_CONNECTIONS,
                            .sort = TRIAGE_SORT_CONNECTIONS};
    state->services = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    state->selected = g_hash_table_new(g_direct_hash, g_direct_equal);
    state->internal = g_array_new(FALSE, FALSE, sizeof(triage_network));
    state->table = triage_connection_table_new(0, port_is_service, state);
}

static void script_state_clear(script_state *state)
{
    invalidate(state);
    triage_connection_table_free(state->table);
    g_array_free(state->internal, TRUE);
    g_hash_table_destroy(state->selected);
    g_hash_table_destroy(state->services);
    g_free(state->filter);
}

static void run_script(script_state *state)
{
    char *contents;
    GError *error = NULL;
    if (!g_file_get_contents(state->path, &contents, NULL, &error))
        g_error("%s", error->message);
    char **lines = g_strsplit(contents, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        state->line_number = i + 1;
        char **words = script_words(lines[i]);
        if (words == NULL)
            continue;
        run_line(state, words);
        g_strfreev(words);
    }
    g_strfreev(lines);
    g_free(contents);
}

static void test_script(gconstpointer data)
{
    script_state state;
    script_state_init(&state, data);
    run_script(&state);
    script_state_clear(&state);
}

/* ---- the report ---------------------------------------------------------- */

/* Stand-ins for what the glue asks Wireshark.  Every answer is copied into
 * one reused buffer, scribbled over on the next call, so a report that kept
 * a callback's pointer instead of copying the string would show garbage. */
typedef struct fake_wireshark {
    char answer[64];
    guint geo_calls;
    guint service_calls;
} fake_wireshark;

static const char *fake_answer(fake_wireshark *fake, const char *text)
{
    memset(fake->answer, '#', sizeof fake->answer - 1);
    fake->answer[sizeof fake->answer - 1] = '\0';
    if (text == NULL)
        return NULL;
    g_strlcpy(fake->answer, text, sizeof fake->answer);
    return fake->answer;
}

static const char *fake_service_name(guint8 transport, guint16 port, void *user_data)
{
    static const struct {
        guint8 transport;
        guint16 port;
        const char *name;
    } services[] = {
        {TRIAGE_TRANSPORT_TCP, 22, "ssh"},     {TRIAGE_TRANSPORT_TCP, 80, "http"},
        {TRIAGE_TRANSPORT_TCP, 443, "https"},  {TRIAGE_TRANSPORT_UDP, 53, "domain"},
        {TRIAGE_TRANSPORT_UDP, 443, "https"},
    };
    fake_wireshark *fake = user_data;
    fake->service_calls++;
    for (gsize i = 0; i < G_N_ELEMENTS(services); i++) {
        if (services[i].transport == transport && services[i].port == port)
            return fake_answer(fake, services[i].name);
    }
    return fake_answer(fake, NULL);
}

static const char *fake_transport_name(guint8 transport, void *user_data)
{
    return fake_answer(user_data, transport == 253 ? "experimental" : NULL);
}

static gboolean fake_geo(const triage_address *address, const char **country, const char **asn, void *user_data)
{
    fake_wireshark *fake = user_data;
    char text[64];
    fake->geo_calls++;
    triage_address_to_string(address, text, sizeof text);
    if (strcmp(text, "93.184.216.34") == 0) {
        *country = "US";
        *asn = fake_answer(fake, "AS15133 Example Networks");
        return TRUE;
    }
    if (strcmp(text, "2a03:b0c0:3:d0::70:1001") == 0) {
        *country = fake_answer(fake, "DE");
        *asn = NULL;
        return TRUE;
    }
    *country = "XX"; /* must be ignored: the answer is FALSE */
    *asn = "AS0";
    return FALSE;
}

/* A real policy: the report asks it which rule a responder port triggers. */
static triage_policy *port_policy(void)
{
    static const char csv[] = "name,action,severity,message,protocols,ports,peers,payload,filter\n"
                              "remote-shell,alert,warn,SSH,,tcp/22,,,\n";
    GPtrArray *errors = triage_policy_errors_new();
    triage_policy *policy = triage_policy_parse_file_text(csv, sizeof csv - 1, "test.csv", NULL, NULL, errors);
    g_assert_cmpuint(errors->len, ==, 0);
    g_ptr_array_unref(errors);
    return policy;
}

static triage_report *build_report(script_state *state, fake_wireshark *fake)
{
    triage_policy *policy = port_policy();
    triage_report_source source = {
        .connections = state->table,
        .policy = policy,
        .internal_networks = (const triage_network *)state->internal->data,
        .internal_network_count = state->internal->len,
        .packets = state->packets,
        .first_time = state->first,
        .last_time = state->last,
    };
    triage_report_options options;
    triage_report *report;

    triage_report_options_init(&options);
    options.sort = state->sort;
    options.top = options.dests_top = state->top;
    options.filter = state->filter;
    options.is_selected = state->select_all ? NULL : is_selected;
    options.selection = state;
    options.names.service_name = fake_service_name;
    options.names.transport_name = fake_transport_name;
    options.names.geo = fake_geo;
    options.names.user_data = fake;
    report = triage_dests_report_build(&source, &options);
    triage_policy_unref(policy);
    return report;
}

static char *render(triage_report *report, triage_format format)
{
    GString *out = g_string_new(NULL);
    triage_reports_write(out, format, &report, 1, "test");
    return g_string_free(out, FALSE);
}
static void compare_with_golden(const char *actual, const char *path)
{
    GError *error = NULL;
    if (g_getenv("TRIAGE_UPDATE_GOLDEN") != NULL) {
        if (!g_file_set_contents(path, actual, -1, &error))
            g_error("%s", error->message);
        g_test_message("rewrote %s", path);
    }
    char *expected;
    if (!g_file_get_contents(path, &expected, NULL, &error))
        g_error("%s (create it with TRIAGE_UPDATE_GOLDEN=1)", error->message);
    if (strcmp(actual, expected) != 0)
        g_test_message("output differs from %s (if the change is intended, rerun with TRIAGE_UPDATE_GOLDEN=1 "
                       "and review the diff)", path);
    g_assert_cmpstr(actual, ==, expected);
    g_free(expected);
}

static void test_report_golden(gconstpointer data)
{
    static const struct {
        triage_format format;
        const char *extension;
    } formats[] = {{TRIAGE_FORMAT_TEXT, ".txt"}, {TRIAGE_FORMAT_CSV, ".csv"}, {TRIAGE_FORMAT_JSON, ".json"}};
    const char *path = data;
    script_state state;
    fake_wireshark fake = {0};
    script_state_init(&state, path);
    run_script(&state);
    triage_report *report = build_report(&state, &fake);
    char *stem = g_strndup(path, strlen(path) - strlen(".case"));
    for (gsize i = 0; i < G_N_ELEMENTS(formats); i++) {
        char *actual = render(report, formats[i].format);
        char *golden = g_strconcat(stem, formats[i].extension, NULL);
        compare_with_golden(actual, golden);
        g_free(golden);
        g_free(actual);
    }
    g_free(stem);
    triage_report_free(report);
    script_state_clear(&state);
}

/* The keys DESIGN §5 promises, in order, whatever the goldens say. */
static void assert_keys(const triage_table *table, const char *const *keys)
{
    guint column = 0;
    for (const char *const *key = keys; *key != NULL; key++) {
        while (column < triage_table_column_count(table) &&
               strcmp(triage_table_column(table, column)->key, *key) != 0)
            column++;
        if (column == triage_table_column_count(table))
            g_error("table %s has no key %s (or not in the promised order)", table->name, *key);
    }
}

static const triage_table *report_table(const triage_report *report, const char *name)
{
    for (guint i = 0; i < report->tables->len; i++) {
        const triage_table *table = g_ptr_array_index(report->tables, i);
        if (strcmp(table->name, name) == 0)
            return table;
    }
    g_error("report has no table %s", name);
}

static guint column_index(const triage_table *table, const char *key)
{
    for (guint column = 0; column < triage_table_column_count(table); column++) {
        if (strcmp(triage_table_column(table, column)->key, key) == 0)
            return column;
    }
    g_error("table %s has no key %s", table->name, key);
}

/* Contract of the report: keys, top N on both levels, nulls for protocols
 * without ports, and Wireshark asked only about the rows shown. */
static void test_report_contract(void)
{
    static const char *const destination_keys[] = {
        "address", "direction", "connections", "packets_to", "bytes_to", "packets_from", "bytes_from",
        "initiators", "first", "last", "country", "asn", "ports", NULL};
    static const char *const port_keys[] = {"transport", "port", "service", "inferred", "connections",
                                            "packets_to", "bytes_to", "packets_from", "bytes_from",
                                            "initiators", "policy_rule", NULL};
    static const char *const totals_keys[] = {"destinations", "connections", "packets", "bytes", NULL};

    char *path = g_build_filename(data_folder, "dests", "aggregate", "basic.case", NULL);
    script_state state;
    fake_wireshark fake = {0};
    script_state_init(&state, path);
    run_script(&state);
    state.top = 1;
    state.sort = TRIAGE_SORT_CONNECTIONS;
    triage_report *report = build_report(&state, &fake);

    g_assert_cmpstr(report->name, ==, "dests");
    const triage_table *destinations = report_table(report, "destinations");
    const triage_table *totals = report_table(report, "totals");
    g_assert_cmpint(destinations->shape, ==, TRIAGE_SHAPE_LIST);
    g_assert_cmpint(totals->shape, ==, TRIAGE_SHAPE_RECORD);
    assert_keys(destinations, destination_keys);
    assert_keys(totals, totals_keys);

    /* top 1: one destination, one of its two ports. */
    g_assert_cmpuint(triage_table_row_count(destinations), ==, 1);
    g_assert_cmpint(triage_table_cell(destinations, 0, column_index(destinations, "ports_total"))->as.integer, ==, 2);
    const triage_table *ports = triage_table_cell(destinations, 0, column_index(destinations, "ports"))->as.table;
    assert_keys(ports, port_keys);
    g_assert_cmpuint(triage_table_row_count(ports), ==, 1);
    /* geo: once for the row shown, once per destination (4) for countries */
    g_assert_cmpuint(fake.geo_calls, ==, 5);
    g_assert_cmpuint(fake.service_calls, ==, 1);
    g_assert_cmpstr(triage_table_cell(destinations, 0, column_index(destinations, "asn"))->as.string, ==,
                    "AS15133 Example Networks");
    g_assert_cmpstr(triage_table_cell(ports, 0, column_index(ports, "service"))->as.string, ==, "https");
    g_assert_cmpint(triage_table_cell(totals, 0, column_index(totals, "destinations"))->as.integer, ==, 4);
    g_assert_cmpint(triage_table_cell(totals, 0, column_index(totals, "bytes"))->as.integer, ==, 8220);
    g_assert_cmpstr(g_ptr_array_index(destinations->footnotes, 0), ==, "3 more destinations not shown.");
    g_assert_cmpstr(g_ptr_array_index(ports->footnotes, 0), ==, "1 more port not shown.");

    /* Countries, by hand from basic.case: 93.184.216.34 (US) has c0-c3,
     * 4688 bytes to and 1648 from; the three others are unknown, with the
     * rest of the 8220 bytes (1884) in 4 connections. */
    const triage_table *countries = report_table(report, "countries");
    g_assert_cmpuint(triage_table_row_count(countries), ==, 2);
    g_assert_cmpstr(triage_table_cell(countries, 0, column_index(countries, "country"))->as.string, ==, "US");
    g_assert_cmpint(triage_table_cell(countries, 0, column_index(countries, "destinations"))->as.integer, ==, 1);
    g_assert_cmpint(triage_table_cell(countries, 0, column_index(countries, "connections"))->as.integer, ==, 4);
    g_assert_cmpint(triage_table_cell(countries, 0, column_index(countries, "bytes_to"))->as.integer, ==, 4688);
    g_assert_cmpint(triage_table_cell(countries, 0, column_index(countries, "bytes_from"))->as.integer, ==, 1648);
    g_assert_true(triage_cell_is_null(triage_table_cell(countries, 1, column_index(countries, "country"))));
    g_assert_cmpint(triage_table_cell(countries, 1, column_index(countries, "destinations"))->as.integer, ==, 3);
    g_assert_cmpint(triage_table_cell(countries, 1, column_index(countries, "connections"))->as.integer, ==, 4);
    g_assert_cmpint(triage_table_cell(countries, 1, column_index(countries, "bytes_to"))->as.integer
                        + triage_table_cell(countries, 1, column_index(countries, "bytes_from"))->as.integer,
                    ==, 1884);

    /* Protocols without an application callback: one row per transport.
     * udp c3 3900 + c7 1400; tcp c0 2214, c1 148, c2 74, c4 214, c5 74;
     * icmp c6 196. */
    const triage_table *protocols = report_table(report, "protocols");
    static const struct { const char *transport; gint64 connections, bytes; } expected[] = {
        {"udp", 2, 5300}, {"tcp", 5, 2724}, {"icmp", 1, 196}};
    g_assert_cmpuint(triage_table_row_count(protocols), ==, G_N_ELEMENTS(expected));
    for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
        g_assert_cmpstr(triage_table_cell(protocols, i, column_index(protocols, "transport"))->as.string, ==,
                        expected[i].transport);
        g_assert_true(triage_cell_is_null(triage_table_cell(protocols, i, column_index(protocols, "protocol"))));
        g_assert_cmpint(triage_table_cell(protocols, i, column_index(protocols, "connections"))->as.integer, ==,
                        expected[i].connections);
        g_assert_cmpint(triage_table_cell(protocols, i, column_index(protocols, "bytes"))->as.integer, ==,
                        expected[i].bytes);
    }
    triage_report_free(report);

    /* Every row: the ICMP row has neither port nor service, but may have a
     * policy rule; a destination the geo callback does not know has nulls. */
    state.top = 0;
    report = build_report(&state, &fake);
    destinations = report_table(report, "destinations");
    g_assert_cmpuint(triage_table_row_count(destinations), ==, 4);
    const guint last_row = 3;
    g_assert_cmpstr(triage_table_cell(destinations, last_row, column_index(destinations, "address"))->as.string, ==,
                    "10.0.0.3");
    g_assert_true(triage_cell_is_null(triage_table_cell(destinations, last_row, column_index(destinations, "country"))));
    g_assert_true(triage_cell_is_null(triage_table_cell(destinations, last_row, column_index(destinations, "asn"))));
    ports = triage_table_cell(destinations, last_row, column_index(destinations, "ports"))->as.table;
    g_assert_cmpstr(triage_table_cell(ports, 0, column_index(ports, "transport"))->as.string, ==, "icmp");
    g_assert_true(triage_cell_is_null(triage_table_cell(ports, 0, column_index(ports, "port"))));
    g_assert_true(triage_cell_is_null(triage_table_cell(ports, 0, column_index(ports, "service"))));
    /* A policy names rules by TCP and UDP ports only. */
    g_assert_true(triage_cell_is_null(triage_table_cell(ports, 0, column_index(ports, "policy_rule"))));
    triage_report_free(report);

    /* No names at all is allowed. */
    triage_report_source bare = {.connections = state.table};
    triage_report_options options;
    triage_report_options_init(&options);
    options.sort = TRIAGE_SORT_BYTES;
    options.top = options.dests_top = 2;
    report = triage_dests_report_build(&bare, &options);
    destinations = report_table(report, "destinations");
    g_assert_cmpuint(triage_table_row_count(destinations), ==, 2);
    g_assert_cmpstr(triage_table_cell(destinations, 1, column_index(destinations, "address"))->as.string, ==,
                    "203.0.113.7");
    g_assert_cmpstr(triage_table_cell(destinations, 1, column_index(destinations, "direction"))->as.string, ==,
                    "external");
    triage_report_free(report);

    script_state_clear(&state);
    g_free(path);
}

static void add_script_tests(const char *subfolder, const char *prefix, GTestDataFunc function, GPtrArray *keep)
{
    char *folder = g_build_filename(data_folder, "dests", subfolder, NULL);
    GPtrArray *cases = script_list_cases(folder);
    g_assert_cmpuint(cases->len, >, 0);
    for (guint i = 0; i < cases->len; i++) {
        const char *path = g_ptr_array_index(cases, i);
        char *name = g_path_get_basename(path);
        char *test_path = g_strdup_printf("%s/%s", prefix, name);
        g_test_add_data_func(test_path, path, function);
        g_free(test_path);
        g_free(name);
    }
    g_ptr_array_add(keep, cases);
    g_free(folder);
}

/* ---- properties no script states well ---------------------------------- */

static triage_flow_packet tcp_syn(guint32 stream, guint8 client_host, guint8 server_host, guint16 server_port)
{
    triage_flow_packet packet = {0};
    packet.frame = stream + 1;
    packet.time = TRIAGE_NS_PER_SECOND * (triage_time)(stream + 1);
    packet.transport = TRIAGE_TRANSPORT_TCP;
    packet.stream = stream;
    packet.source.family = 4;
    packet.source.bytes[0] = 10;
    packet.source.bytes[3] = client_host;
    packet.destination.family = 4;
    packet.destination.bytes[0] = 192;
    packet.destination.bytes[1] = 0;
    packet.destination.bytes[2] = 2;
    packet.destination.bytes[3] = server_host;
    packet.source_port = (guint16)(40000 + stream);
    packet.destination_port = server_port;
    packet.tcp_flags = TRIAGE_TCP_SYN;
    packet.frame_length = 74;
    return packet;
}

/* An empty table gives an empty, well-formed result. */
static void test_empty(void)
{
    triage_connection_table *table = triage_connection_table_new(0, NULL, NULL);
    triage_destinations *destinations =
        triage_destinations_build(table, NULL, 0, TRIAGE_SORT_BYTES, NULL, NULL);
    const triage_destinations_totals *totals = triage_destinations_get_totals(destinations);
    g_assert_cmpuint(triage_destinations_count(destinations), ==, 0);
    g_assert_null(triage_destinations_get(destinations, 0));
    g_assert_cmpuint(totals->destinations, ==, 0);
    g_assert_cmpuint(totals->connections, ==, 0);
    g_assert_cmpuint(totals->bytes, ==, 0);
    triage_destinations_free(destinations);
    triage_connection_table_free(table);
}

/* Many destinations and ports: every port row lands under its own
 * destination, and the sums of the rows are the destination's numbers. */
static void test_rows_add_up(void)
{
    triage_connection_table *table = triage_connection_table_new(0, NULL, NULL);
    guint32 stream = 0;
    for (guint server = 1; server <= 200; server++) {
        for (guint port = 0; port < server % 7 + 1; port++) {
            for (guint repeat = 0; repeat <= port; repeat++) {
                triage_flow_packet packet = tcp_syn(stream++, (guint8)(repeat % 3 + 1), (guint8)server,
                                                    (guint16)(1000 + port));
                triage_connection_table_add_packet(table, &packet, NULL);
            }
        }
    }
    triage_destinations *destinations =
        triage_destinations_build(table, NULL, 0, TRIAGE_SORT_CONNECTIONS, NULL, NULL);
    g_assert_cmpuint(triage_destinations_count(destinations), ==, 200);
    guint64 connections = 0;
    guint32 previous = G_MAXUINT32;
    for (guint rank = 0; rank < triage_destinations_count(destinations); rank++) {
        const triage_destination *destination = triage_destinations_get(destinations, rank);
        guint count;
        const triage_destination_port *ports = triage_destinations_ports(destinations, destination, &count);
        guint server = destination->address.bytes[3];
        g_assert_cmpuint(count, ==, server % 7 + 1);
        g_assert_cmpuint(destination->traffic.connections, <=, previous);
        previous = destination->traffic.connections;
        guint64 port_connections = 0;
        for (guint i = 0; i < count; i++) {
            g_assert_cmpuint(ports[i].port, ==, 1000 + count - 1 - i); /* more repeats on higher ports */
            g_assert_cmpuint(ports[i].traffic.connections, ==, count - i);
            g_assert_cmpuint(ports[i].traffic.initiators, ==, MIN(count - i, 3));
            port_connections += ports[i].traffic.connections;
        }
        g_assert_cmpuint(port_connections, ==, destination->traffic.connections);
        g_assert_cmpuint(destination->traffic.initiators, ==, MIN(count, 3));
        connections += destination->traffic.connections;
    }
    g_assert_cmpuint(connections, ==, stream);
    g_assert_cmpuint(triage_destinations_get_totals(destinations)->connections, ==, stream);
    triage_destinations_free(destinations);
    triage_connection_table_free(table);
}

static void test_names(void)
{
    g_assert_cmpstr(triage_direction_name(TRIAGE_DIRECTION_INBOUND), ==, "inbound");
    g_assert_cmpstr(triage_direction_name(TRIAGE_DIRECTION_OUTBOUND), ==, "outbound");
    g_assert_cmpstr(triage_direction_name(TRIAGE_DIRECTION_INTERNAL), ==, "internal");
    g_assert_cmpstr(triage_direction_name(TRIAGE_DIRECTION_EXTERNAL), ==, "external");
    g_assert_cmpstr(triage_transport_name(TRIAGE_TRANSPORT_TCP), ==, "tcp");
    g_assert_cmpstr(triage_transport_name(TRIAGE_TRANSPORT_ICMPV6), ==, "icmpv6");
    g_assert_cmpstr(triage_transport_name(47), ==, "gre");
    g_assert_null(triage_transport_name(253));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (argc < 2)
        g_error("usage: %s DATA_FOLDER", argv[0]);
    data_folder = argv[1];

    g_test_add_func("/destinations/empty", test_empty);
    g_test_add_func("/destinations/rows_add_up", test_rows_add_up);
    g_test_add_func("/destinations/names", test_names);
    g_test_add_func("/destinations/report/contract", test_report_contract);

    GPtrArray *case_lists = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    add_script_tests("aggregate", "/destinations/case", test_script, case_lists);
    add_script_tests("report", "/destinations/report/golden", test_report_golden, case_lists);
    int result = g_test_run();
    g_ptr_array_free(case_lists, TRUE);
    return result;
}
