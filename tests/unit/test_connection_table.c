/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_connection_table.c — who is client and server, and what each sent.
 *
 * Data-driven: every tests/unit/data/dests/connections/NAME.case is a flow
 * script (see flow_script.h) with these commands:
 *   max_connections N          setting, before the first packet
 *   services tcp/80 udp/53 …   ports the fake Wireshark names a service
 *   packet WORDS… [=> INDEX to_server|to_client | => none]
 *   find WORDS… => INDEX to_server|to_client | => none
 *   reset
 *   expect count N | untracked_connections N | untracked_packets N
 *   expect connection INDEX key=value…
 * and tests/unit/data/dests/addresses.txt holds the address helper cases.
 */
#include <string.h>

#include "connection_table.h"
#include "destinations.h"
#include "flow_script.h"

static const char *data_folder;

/* ---- the scripted table ----------------------------------------------- */

typedef struct script_state {
    const char *path;
    guint line_number;
    guint32 max_connections;
    GHashTable *services; /* "tcp/80" strings */
    triage_connection_table *table;
} script_state;

static gboolean port_is_service(guint8 transport, guint16 port, void *user_data)
{
    script_state *state = user_data;
    const char *name = triage_transport_name(transport);
    char *key = g_strdup_printf("%s/%u", name != NULL ? name : "?", port);
    gboolean named = g_hash_table_contains(state->services, key);
    g_free(key);
    return named;
}

static triage_connection_table *state_table(script_state *state)
{
    if (state->table == NULL)
        state->table = triage_connection_table_new(state->max_connections, port_is_service, state);
    return state->table;
}

static char *where(const script_state *state)
{
    return g_strdup_printf("%s:%u", state->path, state->line_number);
}

/* Checks "=> INDEX to_server|to_client" or "=> none" after a packet. */
static void check_outcome(const script_state *state, char **outcome, const triage_connection *connection,
                          gboolean to_server)
{
    char *location = where(state);
    if (g_strcmp0(outcome[0], "=>") != 0 || outcome[1] == NULL)
        g_error("%s: expected \"=> INDEX direction\" or \"=> none\"", location);
    if (strcmp(outcome[1], "none") == 0) {
        if (connection != NULL)
            script_fail("%s: got connection %u, expected none", location, connection->index);
    } else {
        guint32 index;
        if (!script_parse_uint32(outcome[1], &index) || outcome[2] == NULL)
            g_error("%s: bad outcome", location);
        if (connection == NULL) {
            script_fail("%s: got no connection, expected %u", location, index);
        } else {
            if (connection->index != index)
                script_fail("%s: got connection %u, expected %u", location, connection->index, index);
            const char *direction = to_server ? "to_server" : "to_client";
            if (strcmp(direction, outcome[2]) != 0)
                script_fail("%s: packet goes %s, expected %s", location, direction, outcome[2]);
        }
    }
    g_free(location);
}

static GHashTable *connection_fields(const triage_connection *connection)
{
    GHashTable *fields = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    char address[64];
    const char *transport = triage_transport_name(connection->transport);
    g_hash_table_insert(fields, "transport",
                        transport != NULL ? g_strdup(transport) : g_strdup_printf("%u", connection->transport));
    g_hash_table_insert(fields, "client",
                        g_strdup(triage_address_to_string(&connection->client, address, sizeof address)));
    g_hash_table_insert(fields, "server",
                        g_strdup(triage_address_to_string(&connection->server, address, sizeof address)));
    g_hash_table_insert(fields, "client_port", g_strdup_printf("%u", connection->client_port));
    g_hash_table_insert(fields, "server_port", g_strdup_printf("%u", connection->server_port));
    g_hash_table_insert(fields, "inferred", g_strdup_printf("%u", connection->responder_inferred));
    g_hash_table_insert(fields, "stream", g_strdup_printf("%u", connection->stream));
    g_hash_table_insert(fields, "packets_to_server", g_strdup_printf("%" G_GUINT64_FORMAT, connection->packets_to_server));
    g_hash_table_insert(fields, "bytes_to_server", g_strdup_printf("%" G_GUINT64_FORMAT, connection->bytes_to_server));
    g_hash_table_insert(fields, "packets_to_client", g_strdup_printf("%" G_GUINT64_FORMAT, connection->packets_to_client));
    g_hash_table_insert(fields, "bytes_to_client", g_strdup_printf("%" G_GUINT64_FORMAT, connection->bytes_to_client));
    g_hash_table_insert(fields, "first_time", script_format_time(connection->first_time));
    g_hash_table_insert(fields, "last_time", script_format_time(connection->last_time));
    g_hash_table_insert(fields, "first_frame", g_strdup_printf("%u", connection->first_frame));
    g_hash_table_insert(fields, "last_frame", g_strdup_printf("%u", connection->last_frame));
    return fields;
}

static void check_count(const script_state *state, const char *what, guint64 actual, const char *expected_text)
{
    guint64 expected;
    char *location = where(state);
    if (expected_text == NULL || !g_ascii_string_to_unsigned(expected_text, 10, 0, G_MAXUINT64, &expected, NULL))
        g_error("%s: expect %s needs a number", location, what);
    if (actual != expected)
        script_fail("%s: %s is %" G_GUINT64_FORMAT ", expected %" G_GUINT64_FORMAT, location, what, actual, expected);
    g_free(location);
}

static void run_expect(script_state *state, char **words)
{
    triage_connection_table *table = state_table(state);
    char *location = where(state);
    if (g_strcmp0(words[1], "count") == 0) {
        check_count(state, "count", triage_connection_table_count(table), words[2]);
    } else if (g_strcmp0(words[1], "untracked_connections") == 0) {
        check_count(state, "untracked_connections", triage_connection_table_untracked_connections(table), words[2]);
    } else if (g_strcmp0(words[1], "untracked_packets") == 0) {
        check_count(state, "untracked_packets", triage_connection_table_untracked_packets(table), words[2]);
    } else if (g_strcmp0(words[1], "connection") == 0) {
        guint32 index;
        if (words[2] == NULL || !script_parse_uint32(words[2], &index))
            g_error("%s: expect connection needs an index", location);
        const triage_connection *connection = triage_connection_table_get(table, index);
        if (connection == NULL) {
            script_fail("%s: no connection %u", location, index);
        } else {
            GHashTable *fields = connection_fields(connection);
            script_check_fields(location, words + 3, fields);
            g_hash_table_destroy(fields);
        }
    } else {
        g_error("%s: unknown expectation \"%s\"", location, words[1]);
    }
    g_free(location);
}

static void run_line(script_state *state, char **words)
{
    char *location = where(state);
    const char *command = words[0];
    if (strcmp(command, "max_connections") == 0) {
        if (state->table != NULL || words[1] == NULL || !script_parse_uint32(words[1], &state->max_connections))
            g_error("%s: max_connections N comes before any packet", location);
    } else if (strcmp(command, "services") == 0) {
        for (char **word = words + 1; *word != NULL; word++)
            g_hash_table_add(state->services, g_strdup(*word));
    } else if (strcmp(command, "packet") == 0 || strcmp(command, "find") == 0) {
        triage_flow_packet packet;
        if (!script_parse_packet(words + 1, &packet))
            g_error("%s: bad packet line", location);
        gboolean to_server = FALSE;
        const triage_connection *connection = strcmp(command, "packet") == 0
                                            ? triage_connection_table_add_packet(state_table(state), &packet, &to_server)
                                            : triage_connection_table_find(state_table(state), &packet, &to_server);
        if (words[11] != NULL)
            check_outcome(state, words + 11, connection, to_server);
        else if (strcmp(command, "find") == 0)
            g_error("%s: find needs an expected outcome", location);
    } else if (strcmp(command, "reset") == 0) {
        triage_connection_table_reset(state_table(state));
    } else if (strcmp(command, "expect") == 0) {
        run_expect(state, words);
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

    script_state state = {.path = path};
    state.services = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
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
    g_hash_table_destroy(state.services);
    triage_connection_table_free(state.table);
}

/* ---- address helpers (data/dests/addresses.txt) ------------------------- */

/* Lines:
 *   address TEXT CANONICAL|invalid
 *   network TEXT CANONICAL|error       (error: the message must name TEXT)
 *   inside ADDRESS NETWORKS yes|no */
static void run_address_line(const char *location, char **words)
{
    if (words[1] == NULL || words[2] == NULL)
        g_error("%s: needs two arguments", location);
    const char *command = words[0];
    if (strcmp(command, "address") == 0) {
        triage_address address;
        gboolean parsed = triage_address_from_string(words[1], &address);
        if (strcmp(words[2], "invalid") == 0) {
            if (parsed)
                script_fail("%s: \"%s\" parsed, expected invalid", location, words[1]);
            return;
        }
        char text[64];
        if (!parsed)
            script_fail("%s: \"%s\" did not parse", location, words[1]);
        else if (strcmp(triage_address_to_string(&address, text, sizeof text), words[2]) != 0)
            script_fail("%s: \"%s\" prints as %s, expected %s", location, words[1], text, words[2]);
    } else if (strcmp(command, "network") == 0) {
        GArray *networks = g_array_new(FALSE, FALSE, sizeof(triage_network));
        char *error = NULL;
        gboolean parsed = triage_networks_parse(words[1], networks, &error);
        if (strcmp(words[2], "error") == 0) {
            if (parsed)
                script_fail("%s: \"%s\" parsed, expected an error", location, words[1]);
            else if (error == NULL || strstr(error, words[1]) == NULL)
                script_fail("%s: error \"%s\" does not name \"%s\"", location, error, words[1]);
            else if (networks->len != 0)
                script_fail("%s: a failed parse left %u networks", location, networks->len);
        } else if (!parsed || networks->len != 1) {
            script_fail("%s: \"%s\" did not parse to one network (%s)", location, words[1], error);
        } else {
            const triage_network *network = &g_array_index(networks, triage_network, 0);
            char text[64];
            char *canonical = g_strdup_printf("%s/%u",
                                              triage_address_to_string(&network->address, text, sizeof text),
                                              network->prefix_length);
            if (strcmp(canonical, words[2]) != 0)
                script_fail("%s: \"%s\" is %s, expected %s", location, words[1], canonical, words[2]);
            g_free(canonical);
        }
        g_free(error);
        g_array_free(networks, TRUE);
    } else if (strcmp(command, "inside") == 0) {
        triage_address address;
        GArray *networks = g_array_new(FALSE, FALSE, sizeof(triage_network));
        if (words[3] == NULL || !triage_address_from_string(words[1], &address) ||
            !triage_networks_parse(words[2], networks, NULL))
            g_error("%s: bad inside line", location);
        gboolean inside = triage_address_in_networks(&address, (const triage_network *)networks->data, networks->len);
        if (inside != (strcmp(words[3], "yes") == 0))
            script_fail("%s: %s inside %s is %s", location, words[1], words[2], inside ? "yes" : "no");
        g_array_free(networks, TRUE);
    } else {
        g_error("%s: unknown command \"%s\"", location, command);
    }
}

static void test_address_cases(void)
{
    char *path = g_build_filename(data_folder, "dests", "addresses.txt", NULL);
    char *contents;
    GError *error = NULL;
    if (!g_file_get_contents(path, &contents, NULL, &error))
        g_error("%s", error->message);
    char **lines = g_strsplit(contents, "\n", -1);
    guint cases = 0;
    for (guint i = 0; lines[i] != NULL; i++) {
        char **words = script_words(lines[i]);
        if (words == NULL)
            continue;
        char *location = g_strdup_printf("%s:%u", path, i + 1);
        run_address_line(location, words);
        g_free(location);
        g_strfreev(words);
        cases++;
    }
    g_assert_cmpuint(cases, >, 0);
    g_strfreev(lines);
    g_free(contents);
    g_free(path);
}

/* The list form the preference takes: spaces around items, appended to what
 * the array already holds, all or nothing. */
static void test_networks_list(void)
{
    GArray *networks = g_array_new(FALSE, FALSE, sizeof(triage_network));
    char *error = NULL;

    g_assert_true(triage_networks_parse(TRIAGE_DEFAULT_INTERNAL_NETWORKS, networks, &error));
    g_assert_null(error);
    g_assert_cmpuint(networks->len, ==, 9);

    g_assert_true(triage_networks_parse(" 192.0.2.0/24 ,  2001:db8::/32,", networks, &error));
    g_assert_cmpuint(networks->len, ==, 11);

    g_assert_false(triage_networks_parse("198.51.100.0/24, 203.0.113.0/24x", networks, &error));
    g_assert_nonnull(strstr(error, "203.0.113.0/24x"));
    g_assert_cmpuint(networks->len, ==, 11);
    g_free(error);

    g_assert_true(triage_networks_parse("", networks, NULL));
    g_assert_cmpuint(networks->len, ==, 11);
    g_array_free(networks, TRUE);
}

/* ---- storage properties ----------------------------------------------- */

/* The plugin budget is 200 bytes per TCP connection at 1 M connections;
 * the record must not grow past its packed size. */
static void test_record_is_compact(void)
{
    g_assert_cmpuint(sizeof(triage_connection), <=, 104);
}

static triage_flow_packet syn_packet(guint32 stream)
{
    triage_flow_packet packet = {0};
    packet.frame = stream + 1;
    packet.time = (triage_time)stream * 1000;
    packet.transport = TRIAGE_TRANSPORT_TCP;
    packet.stream = stream;
    packet.source.family = 4;
    packet.source.bytes[0] = 10;
    packet.source.bytes[2] = (guint8)(stream >> 8);
    packet.source.bytes[3] = (guint8)stream;
    packet.destination.family = 4;
    packet.destination.bytes[0] = 192;
    packet.destination.bytes[3] = 1;
    packet.source_port = (guint16)(40000 + stream % 20000);
    packet.destination_port = 443;
    packet.tcp_flags = TRIAGE_TCP_SYN;
    packet.frame_length = 74;
    return packet;
}

/* Records never move: a pointer taken early is still the record after the
 * table has grown through many chunks, and every stream finds its own. */
static void test_many_connections(void)
{
    const guint32 count = 50000;
    triage_connection_table *table = triage_connection_table_new(0, NULL, NULL);
    triage_flow_packet first_packet = syn_packet(0);
    triage_connection *first = triage_connection_table_add_packet(table, &first_packet, NULL);
    for (guint32 stream = 1; stream < count; stream++) {
        triage_flow_packet packet = syn_packet(stream);
        g_assert_nonnull(triage_connection_table_add_packet(table, &packet, NULL));
    }
    g_assert_cmpuint(triage_connection_table_count(table), ==, count);
    g_assert_true(triage_connection_table_get(table, 0) == first);
    g_assert_cmpuint(first->client_port, ==, 40000);
    g_assert_null(triage_connection_table_get(table, count));
    for (guint32 stream = 0; stream < count; stream += 997) {
        triage_flow_packet packet = syn_packet(stream);
        gboolean to_server = FALSE;
        const triage_connection *connection = triage_connection_table_find(table, &packet, &to_server);
        g_assert_nonnull(connection);
        g_assert_cmpuint(connection->index, ==, stream);
        g_assert_cmpuint(connection->stream, ==, stream);
        g_assert_cmpuint(connection->packets_to_server, ==, 1);
        g_assert_true(to_server);
    }
    triage_connection_table_free(table);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (argc < 2)
        g_error("usage: %s DATA_FOLDER", argv[0]);
    data_folder = argv[1];

    g_test_add_func("/connection_table/addresses", test_address_cases);
    g_test_add_func("/connection_table/networks_list", test_networks_list);
    g_test_add_func("/connection_table/record_is_compact", test_record_is_compact);
    g_test_add_func("/connection_table/many_connections", test_many_connections);

    char *folder = g_build_filename(data_folder, "dests", "connections", NULL);
    GPtrArray *cases = script_list_cases(folder);
    g_assert_cmpuint(cases->len, >, 0);
    for (guint i = 0; i < cases->len; i++) {
        const char *path = g_ptr_array_index(cases, i);
        char *name = g_path_get_basename(path);
        char *test_path = g_strdup_printf("/connection_table/case/%s", name);
        g_test_add_data_func(test_path, path, test_script);
        g_free(test_path);
        g_free(name);
    }
    int result = g_test_run();
    g_ptr_array_free(cases, TRUE);
    g_free(folder);
    return result;
}
