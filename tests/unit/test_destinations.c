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
 *   packet WORDS…
 *   expect totals key=value…
 *   expect destination RANK key=value…
 *   expect port RANK PORT_RANK key=value…
 * Expectations rebuild the aggregation when a setting or packet changed
 * since the last one, so one script can check several rankings.
 */
#include <string.h>

#include "destinations.h"
#include "flow_script.h"

static const char *data_folder;

typedef struct script_state {
    const char *path;
    guint line_number;
    GHashTable *services;
    GArray *internal; /* of triage_network */
    triage_dests_rank rank;
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
        static const triage_dests_rank ranks[] = {TRIAGE_DESTS_RANK_CONNECTIONS, TRIAGE_DESTS_RANK_BYTES,
                                                  TRIAGE_DESTS_RANK_PACKETS};
        gsize i = 0;
        while (i < G_N_ELEMENTS(names) && g_strcmp0(words[1], names[i]) != 0)
            i++;
        if (i == G_N_ELEMENTS(names))
            g_error("%s: rank connections|bytes|packets", location);
        state->rank = ranks[i];
        invalidate(state);
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
        invalidate(state);
    } else if (strcmp(command, "expect") == 0) {
        run_expect(state, location, words);
    } else {
        g_error("%s: unknown command \"%s\"", location, command);
    }
    g_free(location);
}

static void test_script(gconstpointer data)
{
    const char *path = data;
    char *contents;
    GError *error = NULL;
    if (!g_file_get_contents(path, &contents, NULL, &error))
        g_error("%s", error->message);

    script_state state = {.path = path, .select_all = TRUE, .rank = TRIAGE_DESTS_RANK_CONNECTIONS};
    state.services = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    state.selected = g_hash_table_new(g_direct_hash, g_direct_equal);
    state.internal = g_array_new(FALSE, FALSE, sizeof(triage_network));
    state.table = triage_connection_table_new(0, port_is_service, &state);
    char **lines = g_strsplit(contents, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++) {
        state.line_number = i + 1;
        char **words = script_words(lines[i]);
        if (words == NULL)
            continue;
        run_line(&state, words);
        g_strfreev(words);
    }
    g_strfreev(lines);
    g_free(contents);
    invalidate(&state);
    triage_connection_table_free(state.table);
    g_array_free(state.internal, TRUE);
    g_hash_table_destroy(state.selected);
    g_hash_table_destroy(state.services);
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
        triage_destinations_build(table, NULL, 0, TRIAGE_DESTS_RANK_BYTES, NULL, NULL);
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
        triage_destinations_build(table, NULL, 0, TRIAGE_DESTS_RANK_CONNECTIONS, NULL, NULL);
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

    char *folder = g_build_filename(data_folder, "dests", "aggregate", NULL);
    GPtrArray *cases = script_list_cases(folder);
    g_assert_cmpuint(cases->len, >, 0);
    for (guint i = 0; i < cases->len; i++) {
        const char *path = g_ptr_array_index(cases, i);
        char *name = g_path_get_basename(path);
        char *test_path = g_strdup_printf("/destinations/case/%s", name);
        g_test_add_data_func(test_path, path, test_script);
        g_free(test_path);
        g_free(name);
    }
    int result = g_test_run();
    g_ptr_array_free(cases, TRUE);
    g_free(folder);
    return result;
}
