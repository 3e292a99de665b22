/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * destinations.c — aggregation of the connection table by responder.
 *
 * The hash tables here are keyed by pointers into the connection table's
 * records (which never move), hashed and compared on the record's address
 * and port bytes: no key is copied or allocated.  Client addresses get a
 * small number on first sight.  Distinct initiators need no set of pairs:
 * once the rows are known, the connections are grouped by destination and,
 * inside it, by port row (a counting sort of 4-byte indexes), and one walk
 * remembers for each client number the last destination and row it was
 * seen in.  That is 4 bytes per connection and 8 per distinct client while
 * the report is built, linear time, and no hashing beyond the lookups.
 */
#include "destinations.h"

#include <string.h>

#include "byte_hash.h"

struct triage_destinations {
    GArray *destinations; /* of triage_destination, ranked */
    GArray *ports;        /* of triage_destination_port, grouped by destination, ranked */
    triage_destinations_totals totals;
};

/* Per destination, while aggregating: whether it is internal and which
 * kinds of initiators it has, for its direction. */
typedef struct destination_roles {
    gboolean internal;
    gboolean has_internal_client;
    gboolean has_external_client;
} destination_roles;

/* ---- keys: connection records seen through one of their facets -------- */

static guint address_hash(gconstpointer key)
{
    const triage_address *address = key;
    return triage_hash_bytes(TRIAGE_HASH_SEED, address, sizeof *address);
}

static gboolean address_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(triage_address)) == 0;
}

static guint32 service_hash_of(const triage_connection *connection)
{
    guint32 hash = triage_hash_bytes(TRIAGE_HASH_SEED, &connection->server, sizeof connection->server);
    hash = triage_hash_bytes(hash, &connection->transport, sizeof connection->transport);
    return triage_hash_bytes(hash, &connection->server_port, sizeof connection->server_port);
}

static gboolean same_service(const triage_connection *a, const triage_connection *b)
{
    return a->transport == b->transport && a->server_port == b->server_port &&
           memcmp(&a->server, &b->server, sizeof a->server) == 0;
}

/* (server, transport, port): one port row. */
static guint service_hash(gconstpointer key)
{
    return service_hash_of(key);
}

static gboolean service_equal(gconstpointer a, gconstpointer b)
{
    return same_service(a, b);
}

/* ---- aggregation ------------------------------------------------------ */

static void traffic_add(triage_traffic *traffic, const triage_connection *connection)
{
    if (traffic->connections == 0 || connection->first_time < traffic->first)
        traffic->first = connection->first_time;
    if (traffic->connections == 0 || connection->last_time > traffic->last)
        traffic->last = connection->last_time;
    traffic->connections++;
    traffic->packets_to += connection->packets_to_server;
    traffic->bytes_to += connection->bytes_to_server;
    traffic->packets_from += connection->packets_to_client;
    traffic->bytes_from += connection->bytes_to_client;
}

typedef struct aggregation {
    const triage_network *internal;
    guint internal_count;
    GArray *destinations;
    GArray *roles; /* of destination_roles, parallel to destinations */
    GArray *ports;
    GHashTable *destination_by_server; /* triage_address* -> index + 1 */
    GHashTable *port_by_service;       /* triage_connection* -> index + 1 */
    GHashTable *client_numbers;        /* triage_address* -> number + 1 */
} aggregation;

static guint32 destination_of(aggregation *work, const triage_connection *connection)
{
    guint32 slot = GPOINTER_TO_UINT(g_hash_table_lookup(work->destination_by_server, &connection->server));
    if (slot != 0)
        return slot - 1;
    triage_destination destination = {0};
    destination.address = connection->server;
    destination_roles roles = {0};
    roles.internal = triage_address_in_networks(&connection->server, work->internal, work->internal_count);
    g_array_append_val(work->destinations, destination);
    g_array_append_val(work->roles, roles);
    slot = work->destinations->len;
    g_hash_table_insert(work->destination_by_server, (gpointer)&connection->server, GUINT_TO_POINTER(slot));
    return slot - 1;
}

static guint32 port_of(aggregation *work, const triage_connection *connection, guint32 destination)
{
    guint32 slot = GPOINTER_TO_UINT(g_hash_table_lookup(work->port_by_service, connection));
    if (slot != 0)
        return slot - 1;
    triage_destination_port port = {0};
    port.destination = destination;
    port.transport = connection->transport;
    port.port = connection->server_port;
    port.inferred = 1; /* until a connection with an observed responder */
    g_array_append_val(work->ports, port);
    slot = work->ports->len;
    g_hash_table_insert(work->port_by_service, (gpointer)connection, GUINT_TO_POINTER(slot));
    return slot - 1;
}

static guint32 client_number_of(aggregation *work, const triage_connection *connection)
{
    guint32 slot = GPOINTER_TO_UINT(g_hash_table_lookup(work->client_numbers, &connection->client));
    if (slot != 0)
        return slot - 1;
    slot = g_hash_table_size(work->client_numbers) + 1;
    g_hash_table_insert(work->client_numbers, (gpointer)&connection->client, GUINT_TO_POINTER(slot));
    return slot - 1;
}

static void add_connection(aggregation *work, const triage_connection *connection)
{
    guint32 destination_index = destination_of(work, connection);
    guint32 port_index = port_of(work, connection, destination_index);
    triage_destination *destination = &g_array_index(work->destinations, triage_destination, destination_index);
    triage_destination_port *port = &g_array_index(work->ports, triage_destination_port, port_index);

    /* Every client gets its number now: the initiator walk sizes its
     * marks by their count. */
    client_number_of(work, connection);
    traffic_add(&destination->traffic, connection);
    traffic_add(&port->traffic, connection);
    if (!connection->responder_inferred)
        port->inferred = 0;
}

/* A new initiator of a destination: its network, looked up once per
 * distinct initiator and only while it can still change the direction. */
static void note_initiator(aggregation *work, guint32 destination_index, const triage_connection *connection)
{
    destination_roles *roles = &g_array_index(work->roles, destination_roles, destination_index);
    g_array_index(work->destinations, triage_destination, destination_index).traffic.initiators++;
    if (!roles->has_internal_client || !roles->has_external_client) {
        if (triage_address_in_networks(&connection->client, work->internal, work->internal_count))
            roles->has_internal_client = TRUE;
        else
            roles->has_external_client = TRUE;
    }
}

/* Port rows ordered by destination, and where each row's connections start
 * in the grouped order (rows[i] starts at starts[i]). */
static void order_rows(const aggregation *work, guint32 *rows, guint32 *starts)
{
    guint destination_count = work->destinations->len, row_count = work->ports->len;
    guint32 *next = g_new0(guint32, destination_count + 1);
    guint32 position = 0;

    for (guint row = 0; row < row_count; row++)
        next[g_array_index(work->ports, triage_destination_port, row).destination + 1]++;
    for (guint d = 0; d < destination_count; d++)
        next[d + 1] += next[d];
    for (guint row = 0; row < row_count; row++)
        rows[next[g_array_index(work->ports, triage_destination_port, row).destination]++] = row;
    for (guint i = 0; i < row_count; i++) {
        starts[i] = position;
        position += g_array_index(work->ports, triage_destination_port, rows[i]).traffic.connections;
    }
    g_free(next);
}

static void count_initiators(aggregation *work, const triage_connection_table *table, guint32 selected_count,
                             triage_connection_selected_fn is_selected, void *user_data)
{
    guint row_count = work->ports->len, client_count = g_hash_table_size(work->client_numbers);
    guint32 *rows = g_new(guint32, row_count + 1);
    guint32 *starts = g_new(guint32, row_count + 1);
    guint32 *row_position = g_new(guint32, row_count + 1); /* rank of each row in rows[] */
    guint32 *fill = g_new(guint32, row_count + 1);
    guint32 *grouped = g_new(guint32, selected_count + 1);
    guint32 *last_row = g_new0(guint32, client_count + 1);         /* row + 1 */
    guint32 *last_destination = g_new0(guint32, client_count + 1); /* destination + 1 */
    guint32 count = triage_connection_table_count(table);

    order_rows(work, rows, starts);
    for (guint i = 0; i < row_count; i++) {
        row_position[rows[i]] = i;
        fill[i] = starts[i];
    }
    for (guint32 index = 0; index < count; index++) {
        if (is_selected != NULL && !is_selected(index, user_data))
            continue;
        const triage_connection *connection = triage_connection_table_get(table, index);
        guint32 row = GPOINTER_TO_UINT(g_hash_table_lookup(work->port_by_service, connection)) - 1;
        grouped[fill[row_position[row]]++] = index;
    }
    for (guint i = 0; i < row_count; i++) {
        guint32 row = rows[i];
        triage_destination_port *port = &g_array_index(work->ports, triage_destination_port, row);
        for (guint32 k = starts[i]; k < starts[i] + port->traffic.connections; k++) {
            const triage_connection *connection = triage_connection_table_get(table, grouped[k]);
            guint32 client = client_number_of(work, connection);
            if (last_row[client] != row + 1) {
                last_row[client] = row + 1;
                port->traffic.initiators++;
            }
            if (last_destination[client] != port->destination + 1) {
                last_destination[client] = port->destination + 1;
                note_initiator(work, port->destination, connection);
            }
        }
    }
    g_free(rows);
    g_free(starts);
    g_free(row_position);
    g_free(fill);
    g_free(grouped);
    g_free(last_row);
    g_free(last_destination);
}

static triage_direction direction_of(const destination_roles *roles)
{
    if (roles->internal)
        return roles->has_external_client ? TRIAGE_DIRECTION_INBOUND : TRIAGE_DIRECTION_INTERNAL;
    return roles->has_internal_client ? TRIAGE_DIRECTION_OUTBOUND : TRIAGE_DIRECTION_EXTERNAL;
}

/* ---- ranking ---------------------------------------------------------- */

static guint64 traffic_metric(const triage_traffic *traffic, triage_sort rank)
{
    switch (rank) {
    case TRIAGE_SORT_BYTES:
        return traffic->bytes_to + traffic->bytes_from;
    case TRIAGE_SORT_PACKETS:
        return traffic->packets_to + traffic->packets_from;
    case TRIAGE_SORT_CONNECTIONS:
    default:
        return traffic->connections;
    }
}

static int compare_descending(guint64 a, guint64 b)
{
    return a > b ? -1 : a < b ? 1 : 0;
}

/* Larger first by the chosen metric, then by the others in a fixed order. */
static int compare_traffic(const triage_traffic *a, const triage_traffic *b, triage_sort rank)
{
    static const triage_sort tie_breakers[] = {
        TRIAGE_SORT_CONNECTIONS,
        TRIAGE_SORT_BYTES,
        TRIAGE_SORT_PACKETS,
    };
    int order = compare_descending(traffic_metric(a, rank), traffic_metric(b, rank));
    for (gsize i = 0; order == 0 && i < G_N_ELEMENTS(tie_breakers); i++)
        order = compare_descending(traffic_metric(a, tie_breakers[i]), traffic_metric(b, tie_breakers[i]));
    return order;
}

static gint compare_ports(gconstpointer a, gconstpointer b, gpointer rank_pointer)
{
    const triage_destination_port *first = a, *second = b;
    triage_sort rank = (triage_sort)GPOINTER_TO_INT(rank_pointer);
    /* Grouped by destination first, so each destination's rows end up
     * contiguous after this single sort. */
    if (first->destination != second->destination)
        return first->destination < second->destination ? -1 : 1;
    int order = compare_traffic(&first->traffic, &second->traffic, rank);
    if (order != 0)
        return order;
    if (first->transport != second->transport)
        return first->transport < second->transport ? -1 : 1;
    return first->port < second->port ? -1 : first->port > second->port ? 1 : 0;
}

static gint compare_destinations(gconstpointer a, gconstpointer b, gpointer rank_pointer)
{
    const triage_destination *first = a, *second = b;
    triage_sort rank = (triage_sort)GPOINTER_TO_INT(rank_pointer);
    int order = compare_traffic(&first->traffic, &second->traffic, rank);
    if (order != 0)
        return order;
    return memcmp(&first->address, &second->address, sizeof first->address);
}

static void rank_results(triage_destinations *result, triage_sort rank)
{
    gpointer rank_pointer = GINT_TO_POINTER((gint)rank);
    g_array_sort_with_data(result->ports, compare_ports, rank_pointer);
    for (guint i = 0; i < result->ports->len; i++) {
        const triage_destination_port *port = &g_array_index(result->ports, triage_destination_port, i);
        triage_destination *destination = &g_array_index(result->destinations, triage_destination, port->destination);
        if (destination->port_count == 0)
            destination->first_port = i;
        destination->port_count++;
    }
    g_array_sort_with_data(result->destinations, compare_destinations, rank_pointer);
}

/* ---- public API ------------------------------------------------------- */

triage_destinations *triage_destinations_build(const triage_connection_table *table,
                                               const triage_network *internal, guint internal_count,
                                               triage_sort rank,
                                               triage_connection_selected_fn is_selected,
                                               void *user_data)
{
    triage_destinations *result = g_new0(triage_destinations, 1);
    guint32 count = triage_connection_table_count(table);
    aggregation work = {
        .internal = internal,
        .internal_count = internal_count,
        .destinations = g_array_new(FALSE, FALSE, sizeof(triage_destination)),
        .roles = g_array_new(FALSE, FALSE, sizeof(destination_roles)),
        .ports = g_array_new(FALSE, FALSE, sizeof(triage_destination_port)),
        .destination_by_server = g_hash_table_new(address_hash, address_equal),
        .port_by_service = g_hash_table_new(service_hash, service_equal),
        .client_numbers = g_hash_table_new(address_hash, address_equal),
    };

    for (guint32 index = 0; index < count; index++) {
        if (is_selected != NULL && !is_selected(index, user_data))
            continue;
        const triage_connection *connection = triage_connection_table_get(table, index);
        add_connection(&work, connection);
        result->totals.connections++;
        result->totals.packets += connection->packets_to_server + connection->packets_to_client;
        result->totals.bytes += connection->bytes_to_server + connection->bytes_to_client;
    }
    count_initiators(&work, table, (guint32)result->totals.connections, is_selected, user_data);

    for (guint i = 0; i < work.destinations->len; i++) {
        triage_destination *destination = &g_array_index(work.destinations, triage_destination, i);
        destination->direction = (guint8)direction_of(&g_array_index(work.roles, destination_roles, i));
    }
    g_hash_table_destroy(work.destination_by_server);
    g_hash_table_destroy(work.port_by_service);
    g_hash_table_destroy(work.client_numbers);
    g_array_free(work.roles, TRUE);

    result->destinations = work.destinations;
    result->ports = work.ports;
    result->totals.destinations = work.destinations->len;
    result->totals.ports = work.ports->len;
    rank_results(result, rank);
    return result;
}

void triage_destinations_free(triage_destinations *destinations)
{
    if (destinations == NULL)
        return;
    g_array_free(destinations->destinations, TRUE);
    g_array_free(destinations->ports, TRUE);
    g_free(destinations);
}

guint triage_destinations_count(const triage_destinations *destinations)
{
    return destinations->destinations->len;
}

const triage_destination *triage_destinations_get(const triage_destinations *destinations, guint rank)
{
    if (rank >= destinations->destinations->len)
        return NULL;
    return &g_array_index(destinations->destinations, triage_destination, rank);
}

const triage_destination_port *triage_destinations_ports(const triage_destinations *destinations,
                                                         const triage_destination *destination,
                                                         guint *count)
{
    *count = destination->port_count;
    if (destination->port_count == 0)
        return NULL;
    return &g_array_index(destinations->ports, triage_destination_port, destination->first_port);
}

const triage_destinations_totals *triage_destinations_get_totals(const triage_destinations *destinations)
{
    return &destinations->totals;
}

const char *triage_direction_name(triage_direction direction)
{
    switch (direction) {
    case TRIAGE_DIRECTION_INBOUND:
        return "inbound";
    case TRIAGE_DIRECTION_OUTBOUND:
        return "outbound";
    case TRIAGE_DIRECTION_INTERNAL:
        return "internal";
    case TRIAGE_DIRECTION_EXTERNAL:
        return "external";
    }
    return "unknown";
}

const char *triage_transport_name(guint8 transport)
{
    /* The IP protocols a VM capture shows beyond TCP and UDP; names are
     * Wireshark's protocol filter names, so a row reads like a filter. */
    switch (transport) {
    case TRIAGE_TRANSPORT_ICMP:
        return "icmp";
    case 2:
        return "igmp";
    case 4:
        return "ip";
    case TRIAGE_TRANSPORT_TCP:
        return "tcp";
    case TRIAGE_TRANSPORT_UDP:
        return "udp";
    case 41:
        return "ipv6";
    case 47:
        return "gre";
    case 50:
        return "esp";
    case 51:
        return "ah";
    case TRIAGE_TRANSPORT_ICMPV6:
        return "icmpv6";
    case 88:
        return "eigrp";
    case 89:
        return "ospf";
    case 103:
        return "pim";
    case 112:
        return "vrrp";
    case 115:
        return "l2tp";
    case 132:
        return "sctp";
    case 136:
        return "udplite";
    default:
        return NULL;
    }
}
