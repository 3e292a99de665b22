/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_dests.c — renders the destinations aggregation as a report.
 *
 * The numbers come from tap/destinations.c; this file only chooses the rows
 * shown, asks Wireshark (options->names) for names and places and the policy
 * for the rules of those rows, and lays out the tables.
 */
#include "report_dests.h"

#include <string.h>

/* What one build reads: the capture and the options, Wireshark's names
 * among them. */
typedef struct dests_context {
    const triage_report_source *source;
    const triage_report_options *options;
} dests_context;

/* The rule a responder port triggers, from the policy in force. */
static const char *policy_rule_for_port(guint8 transport, guint16 port, const triage_report_source *source)
{
    return source->policy != NULL ? triage_policy_rule_for_port(source->policy, transport, port) : NULL;
}

/* A connection's application protocol as the policy engine saw it. */
static const char *application_protocol(const triage_connection *connection, const triage_report_source *source,
                                        const triage_report_options *options)
{
    triage_policy_outcome outcome;

    if (source->policy_engine == NULL || options->names.protocol_name == NULL
        || !triage_policy_engine_connection_outcome(source->policy_engine, connection->index, &outcome)
        || outcome.application_protocol < 0)
        return NULL;
    return options->names.protocol_name(outcome.application_protocol, options->names.user_data);
}


static const char *sort_word(triage_sort sort)
{
    switch (sort) {
    case TRIAGE_SORT_BYTES:
        return "bytes";
    case TRIAGE_SORT_PACKETS:
        return "packets";
    case TRIAGE_SORT_CONNECTIONS:
    default:
        return "connections";
    }
}

static guint shown_rows(guint available, guint top)
{
    return top == 0 || available < top ? available : top;
}

/* Protocols with ports are the ones whose rows have a port number. */
static gboolean has_ports(guint8 transport)
{
    return transport == TRIAGE_TRANSPORT_TCP || transport == TRIAGE_TRANSPORT_UDP;
}

static void add_traffic_cells(triage_table *table, const triage_traffic *traffic)
{
    triage_table_add_integer(table, traffic->connections);
    triage_table_add_integer(table, (gint64)traffic->packets_to);
    triage_table_add_integer(table, (gint64)traffic->bytes_to);
    triage_table_add_integer(table, (gint64)traffic->packets_from);
    triage_table_add_integer(table, (gint64)traffic->bytes_from);
    triage_table_add_integer(table, traffic->initiators);
}

void triage_dests_add_traffic_columns(triage_table *table)
{
    triage_table_add_column(table, "connections", "Connections", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "packets_to", "Packets to", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "bytes_to", "Bytes to", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "packets_from", "Packets from", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "bytes_from", "Bytes from", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "initiators", "Initiators", TRIAGE_CELL_INTEGER);
}

void triage_dests_add_destination_columns(triage_table *table)
{
    triage_table_add_column(table, "address", "Address", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "direction", "Direction", TRIAGE_CELL_STRING);
    triage_dests_add_traffic_columns(table);
    triage_table_add_column(table, "first", "First seen", TRIAGE_CELL_TIMESTAMP);
    triage_table_add_column(table, "last", "Last seen", TRIAGE_CELL_TIMESTAMP);
    triage_table_add_column(table, "country", "Country", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "asn", "AS", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "ports_total", "Ports", TRIAGE_CELL_INTEGER);
}

static void add_transport_cell(triage_table *table, guint8 transport, const dests_context *context)
{
    char number[24];
    triage_table_add_string(table,
                            triage_report_transport_word(&context->options->names, transport, number, sizeof number));
}

static triage_table *ports_table(const triage_destinations *destinations, const triage_destination *destination,
                                 guint top, const dests_context *context)
{
    const triage_report_names *names = &context->options->names;
    triage_table *table = triage_table_new("ports", "Ports", TRIAGE_SHAPE_LIST);
    triage_table_add_column(table, "transport", "Transport", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "port", "Port", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "service", "Service", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "inferred", "Inferred", TRIAGE_CELL_BOOLEAN);
    triage_dests_add_traffic_columns(table);
    triage_table_add_column(table, "policy_rule", "Policy rule", TRIAGE_CELL_STRING);

    guint count;
    const triage_destination_port *ports = triage_destinations_ports(destinations, destination, &count);
    guint shown = shown_rows(count, top);
    for (guint i = 0; i < shown; i++) {
        const triage_destination_port *port = &ports[i];
        triage_table_begin_row(table);
        add_transport_cell(table, port->transport, context);
        if (has_ports(port->transport)) {
            triage_table_add_integer(table, port->port);
            triage_table_add_string(table, names->service_name != NULL
                                               ? names->service_name(port->transport, port->port,
                                                                     names->user_data)
                                               : NULL);
        } else {
            triage_table_add_null(table);
            triage_table_add_null(table);
        }
        triage_table_add_boolean(table, port->inferred);
        add_traffic_cells(table, &port->traffic);
        triage_table_add_string(table, policy_rule_for_port(port->transport, port->port, context->source));
    }
    triage_table_add_not_shown(table, count, shown, "port", "ports");
    return table;
}

static triage_table *destinations_table(const triage_destinations *destinations, triage_sort sort, guint top,
                                        const dests_context *context)
{
    const triage_report_names *names = &context->options->names;
    char *title = top == 0 ? g_strdup_printf("Destinations (by %s)", sort_word(sort))
                           : g_strdup_printf("Destinations (top %u by %s)", top, sort_word(sort));
    triage_table *table = triage_table_new("destinations", title, TRIAGE_SHAPE_LIST);
    g_free(title);
    triage_dests_add_destination_columns(table);
    triage_table_add_column(table, "ports", "Ports", TRIAGE_CELL_TABLE);

    guint count = triage_destinations_count(destinations);
    guint shown = shown_rows(count, top);
    for (guint rank = 0; rank < shown; rank++) {
        const triage_destination *destination = triage_destinations_get(destinations, rank);
        char address[64];
        triage_table_begin_row(table);
        triage_table_add_string(table, triage_address_to_string(&destination->address, address, sizeof address));
        triage_table_add_string(table, triage_direction_name(destination->direction));
        add_traffic_cells(table, &destination->traffic);
        triage_table_add_timestamp(table, destination->traffic.first);
        triage_table_add_timestamp(table, destination->traffic.last);
        const char *country = NULL, *asn = NULL;
        if (names->geo == NULL || !names->geo(&destination->address, &country, &asn, names->user_data)) {
            country = NULL;
            asn = NULL;
        }
        /* Added at once: the callback's strings may not outlive the next call. */
        triage_table_add_string(table, country);
        triage_table_add_string(table, asn);
        triage_table_add_integer(table, destination->port_count);
        triage_table_add_table(table, ports_table(destinations, destination, top, context));
    }
    triage_table_add_not_shown(table, count, shown, "destination", "destinations");
    triage_table_add_footnote(table, "A destination is the responder of a connection: who received the SYN, "
                                     "or the first packet of a flow. \"to\" counts towards it.");
    triage_table_add_footnote(table, "Inferred: no handshake captured for any connection of the row; "
                                     "the responder was guessed from the ports.");
    return table;
}

triage_table *triage_dests_totals_table_new(void)
{
    triage_table *table = triage_table_new("totals", "Totals", TRIAGE_SHAPE_RECORD);
    triage_table_add_column(table, "destinations", "Destinations", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "ports", "Destination ports", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "connections", "Connections", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "packets", "Packets", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "bytes", "Bytes", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "untracked_connections", "Untracked connections", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "untracked_packets", "Untracked packets", TRIAGE_CELL_INTEGER);
    return table;
}

static triage_table *totals_table(const triage_destinations *destinations, const triage_connection_table *connections)
{
    const triage_destinations_totals *totals = triage_destinations_get_totals(destinations);
    triage_table *table = triage_dests_totals_table_new();
    triage_table_begin_row(table);
    triage_table_add_integer(table, totals->destinations);
    triage_table_add_integer(table, totals->ports);
    triage_table_add_integer(table, (gint64)totals->connections);
    triage_table_add_integer(table, (gint64)totals->packets);
    triage_table_add_integer(table, (gint64)totals->bytes);
    triage_table_add_integer(table, (gint64)triage_connection_table_untracked_connections(connections));
    triage_table_add_integer(table, (gint64)triage_connection_table_untracked_packets(connections));
    if (triage_connection_table_untracked_connections(connections) != 0)
        triage_table_add_footnote(table, "Untracked: connections beyond the connection table's bound, "
                                         "counted but not in the tables above.");
    return table;
}

/* The values of a hash table, to sort (GLib 2.74 has no
 * g_hash_table_get_values_as_ptr_array). */
static GPtrArray *values_of(GHashTable *table)
{
    GPtrArray *values = g_ptr_array_sized_new(g_hash_table_size(table));
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, table);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_ptr_array_add(values, value);
    return values;
}

/* ---- Protocol overview ------------------------------------------------------ */

typedef struct protocol_row {
    char *protocol; /* NULL: no application seen */
    guint8 transport;
    guint64 connections;
    guint64 packets;
    guint64 bytes;
} protocol_row;

static void protocol_row_free(gpointer data)
{
    protocol_row *row = data;
    g_free(row->protocol);
    g_free(row);
}

static int compare_protocol_rows(gconstpointer a, gconstpointer b)
{
    const protocol_row *left = *(protocol_row *const *)a, *right = *(protocol_row *const *)b;
    if (left->bytes != right->bytes)
        return left->bytes > right->bytes ? -1 : 1;
    if (left->transport != right->transport)
        return left->transport < right->transport ? -1 : 1;
    /* null (no application) last among equals */
    if ((left->protocol == NULL) != (right->protocol == NULL))
        return left->protocol == NULL ? 1 : -1;
    return left->protocol != NULL ? strcmp(left->protocol, right->protocol) : 0;
}

static triage_table *protocols_table(const triage_connection_table *connections, const dests_context *context)
{
    triage_table *table = triage_table_new("protocols", "Protocols (per connection)", TRIAGE_SHAPE_LIST);
    GHashTable *rows = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, protocol_row_free);
    guint32 count = triage_connection_table_count(connections);

    triage_table_add_column(table, "transport", "Transport", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "protocol", "Application", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "connections", "Connections", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "packets", "Packets", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "bytes", "Bytes", TRIAGE_CELL_INTEGER);
    for (guint32 index = 0; index < count; index++) {
        const triage_connection *connection = triage_connection_table_get(connections, index);
        if (connection == NULL
            || (context->options->is_selected != NULL
                && !context->options->is_selected(index, context->options->selection)))
            continue;
        const char *protocol = application_protocol(connection, context->source, context->options);
        /* "6/tls", "17/" (no application): one row per transport and protocol */
        char *key = g_strdup_printf("%u/%s", connection->transport, protocol != NULL ? protocol : "");
        protocol_row *row = g_hash_table_lookup(rows, key);
        if (row == NULL) {
            row = g_new0(protocol_row, 1);
            row->protocol = g_strdup(protocol);
            row->transport = connection->transport;
            g_hash_table_insert(rows, key, row);
        } else {
            g_free(key);
        }
        row->connections++;
        row->packets += connection->packets_to_server + connection->packets_to_client;
        row->bytes += connection->bytes_to_server + connection->bytes_to_client;
    }
    GPtrArray *order = values_of(rows);
    g_ptr_array_sort(order, compare_protocol_rows);
    for (guint i = 0; i < order->len; i++) {
        const protocol_row *row = g_ptr_array_index(order, i);
        triage_table_begin_row(table);
        add_transport_cell(table, row->transport, context);
        triage_table_add_string(table, row->protocol);
        triage_table_add_integer(table, (gint64)row->connections);
        triage_table_add_integer(table, (gint64)row->packets);
        triage_table_add_integer(table, (gint64)row->bytes);
    }
    g_ptr_array_free(order, TRUE);
    g_hash_table_destroy(rows);
    triage_table_add_footnote(table, "Application: the highest protocol layer of the connection's payload that is "
                                     "not a carrier (TLS, not TCP); empty when no payload was seen.");
    return table;
}

/* ---- Countries -------------------------------------------------------------- */

typedef struct country_row {
    char *country; /* NULL: unknown */
    guint64 destinations;
    guint64 connections;
    guint64 bytes_to;
    guint64 bytes_from;
} country_row;

static void country_row_free(gpointer data)
{
    country_row *row = data;
    g_free(row->country);
    g_free(row);
}

static int compare_country_rows(gconstpointer a, gconstpointer b)
{
    const country_row *left = *(country_row *const *)a, *right = *(country_row *const *)b;
    guint64 left_bytes = left->bytes_to + left->bytes_from, right_bytes = right->bytes_to + right->bytes_from;
    if (left_bytes != right_bytes)
        return left_bytes > right_bytes ? -1 : 1;
    if ((left->country == NULL) != (right->country == NULL))
        return left->country == NULL ? 1 : -1;
    return left->country != NULL ? strcmp(left->country, right->country) : 0;
}

static triage_table *countries_table(const triage_destinations *destinations,
                                     const dests_context *context)
{
    const triage_report_names *names = &context->options->names;
    triage_table *table = triage_table_new("countries", "Countries", TRIAGE_SHAPE_LIST);
    GHashTable *rows = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, country_row_free);
    guint count = triage_destinations_count(destinations);
    gboolean any_country = FALSE;

    triage_table_add_column(table, "country", "Country", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "destinations", "Destinations", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "connections", "Connections", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "bytes_to", "Bytes to", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "bytes_from", "Bytes from", TRIAGE_CELL_INTEGER);
    for (guint rank = 0; rank < count && names->geo != NULL; rank++) {
        const triage_destination *destination = triage_destinations_get(destinations, rank);
        const char *country = NULL, *asn = NULL;
        if (!names->geo(&destination->address, &country, &asn, names->user_data))
            country = NULL;
        any_country |= country != NULL;
        /* "" cannot be a country code: it stands for unknown */
        const char *key = country != NULL ? country : "";
        country_row *row = g_hash_table_lookup(rows, key);
        if (row == NULL) {
            row = g_new0(country_row, 1);
            row->country = g_strdup(country);
            g_hash_table_insert(rows, g_strdup(key), row);
        }
        row->destinations++;
        row->connections += destination->traffic.connections;
        row->bytes_to += destination->traffic.bytes_to;
        row->bytes_from += destination->traffic.bytes_from;
    }
    if (any_country) {
        GPtrArray *order = values_of(rows);
        g_ptr_array_sort(order, compare_country_rows);
        for (guint i = 0; i < order->len; i++) {
            const country_row *row = g_ptr_array_index(order, i);
            triage_table_begin_row(table);
            triage_table_add_string(table, row->country);
            triage_table_add_integer(table, (gint64)row->destinations);
            triage_table_add_integer(table, (gint64)row->connections);
            triage_table_add_integer(table, (gint64)row->bytes_to);
            triage_table_add_integer(table, (gint64)row->bytes_from);
        }
        g_ptr_array_free(order, TRUE);
        triage_table_add_footnote(table, "Every destination, shown above or not; an empty country: private "
                                         "addresses and addresses the MaxMind databases do not know.");
    } else {
        triage_table_add_footnote(table, "No destination has a country: no MaxMind database is configured, "
                                         "or none knows these addresses.");
    }
    g_hash_table_destroy(rows);
    return table;
}

triage_report *triage_dests_report_build(const triage_report_source *source, const triage_report_options *options)
{
    dests_context context = {source, options};
    triage_destinations *destinations = triage_destinations_build(
        source->connections, source->internal_networks, source->internal_network_count, options->sort,
        options->is_selected, options->selection);
    triage_report *report = triage_report_new("dests", "Destinations and Ports", options->filter);

    triage_report_set_capture(report, source->packets, source->first_time, source->last_time);
    triage_report_add_table(report, destinations_table(destinations, options->sort, options->dests_top, &context));
    triage_report_add_table(report, totals_table(destinations, source->connections));
    triage_report_add_table(report, protocols_table(source->connections, &context));
    triage_report_add_table(report, countries_table(destinations, &context));
    triage_destinations_free(destinations);
    return report;
}
