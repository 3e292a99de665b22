/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * summary_of_session.c — one capture's summary, from the same source and
 * options its reports are built from (report_source.h), so a filtered run
 * summarises the connections its reports show.
 *
 * Handshakes are walked as the RTT report walks them (every attempt is a
 * connection; the per-server table leaves out connections without a SYN or
 * SYN/ACK); destinations group the selected connections by their server's
 * address as the destinations report does.  Findings and lookups are read
 * from the policy report itself (built with no row bound), so the fleet's
 * findings are exactly the ones a one-capture report lists.
 */
#include "summary_of_session.h"

#include <string.h>

#include "connection_table.h"
#include "destinations.h"
#include "report_model.h"
#include "report_policy.h"

#define TOP_DESTINATIONS_PER_CAPTURE 3

typedef struct walk {
    triage_summary *summary;
    const triage_report_source *source;
    const triage_report_options *options;
    const char *capture;  /* interned */
    triage_summary_capture *row;
} walk;

static gboolean outcome_is_failure(triage_handshake_outcome outcome)
{
    return outcome == TRIAGE_OUTCOME_REFUSED || outcome == TRIAGE_OUTCOME_UNANSWERED
        || outcome == TRIAGE_OUTCOME_INCOMPLETE || outcome == TRIAGE_OUTCOME_CLIENT_RESET;
}

static const triage_connection *connection_of(const walk *work, guint32 stream)
{
    triage_flow_packet probe = {.transport = TRIAGE_TRANSPORT_TCP, .stream = stream};
    return triage_connection_table_find(work->source->connections, &probe, NULL);
}

static gboolean connection_selected(const walk *work, const triage_connection *connection)
{
    if (work->options->is_selected == NULL)
        return TRUE;
    return connection != NULL && work->options->is_selected(connection->index, work->options->selection);
}

static gboolean is_internal(const walk *work, const triage_address *address)
{
    return triage_address_in_networks(address, work->source->internal_networks, work->source->internal_network_count);
}

static void add_handshake(walk *work, guint32 stream, const triage_handshake *handshake)
{
    triage_summary *summary = work->summary;
    const triage_connection *connection = connection_of(work, stream);
    triage_handshake_outcome outcome = triage_handshake_get_outcome(handshake, TRUE);
    triage_capture_point point = triage_handshake_capture_point(handshake);
    guint anomalies = triage_handshake_anomalies(handshake);
    triage_address client, server;
    guint16 client_port = 0, server_port = 0;
    gboolean known = connection != NULL;
    triage_summary_sighting sighting;
    triage_summary_slow slow;

    if (!connection_selected(work, connection))
        return;
    memset(&client, 0, sizeof client);
    memset(&server, 0, sizeof server);
    memset(&sighting, 0, sizeof sighting);
    memset(&slow, 0, sizeof slow);
    if (known) {
        gboolean same = triage_handshake_client_is(handshake, &connection->client, connection->client_port,
                                                   &connection->server, connection->server_port);
        client = same ? connection->client : connection->server;
        client_port = same ? connection->client_port : connection->server_port;
        server = same ? connection->server : connection->client;
        server_port = same ? connection->server_port : connection->client_port;
    }

    summary->counts.rtt.connections++;
    summary->counts.rtt.outcomes[outcome]++;
    if (triage_handshake_attempted(handshake))
        summary->counts.rtt.attempted++;
    if (triage_handshake_ambiguity(handshake) != 0)
        summary->counts.rtt.ambiguous++;
    if (anomalies != 0)
        summary->counts.rtt.anomalous++;
    for (guint kind = 0; kind < TRIAGE_ANOMALY_KIND_COUNT; kind++)
        if (anomalies & (1u << kind))
            summary->counts.rtt.anomaly_kinds[kind]++;
    summary->counts.capture_points[point]++;
    work->row->connections++;
    if (outcome == TRIAGE_OUTCOME_COMPLETED)
        work->row->completed++;
    if (outcome_is_failure(outcome))
        work->row->failed++;

    for (guint leg = 0; leg < TRIAGE_LEG_COUNT; leg++) {
        triage_time value;
        if (!triage_handshake_leg_in_statistics(handshake, (triage_leg)leg)
            || !triage_handshake_leg_value(handshake, (triage_leg)leg, &value))
            continue;
        triage_log_sketch_add(summary->legs[leg], value);
        sighting.has_leg |= (guint8)(1u << leg);
        sighting.legs[leg] = value;
    }

    /* Without a SYN or SYN/ACK the server is a guess: no server row (as in
     * the RTT report's per-server table). */
    if (known && outcome != TRIAGE_OUTCOME_NO_HANDSHAKE) {
        triage_summary_server *row = triage_summary_server_get(summary, &server, server_port);
        row->connections++;
        if (outcome == TRIAGE_OUTCOME_COMPLETED)
            row->completed++;
        if (outcome_is_failure(outcome))
            row->failed++;
        row->capture_points[point]++;
        if (sighting.has_leg & (1u << TRIAGE_LEG_HANDSHAKE))
            triage_log_sketch_add(row->handshake, sighting.legs[TRIAGE_LEG_HANDSHAKE]);
        triage_distinct_add(&row->initiators, &client);
        triage_name_set_add(row->captures, work->capture);
    }

    /* Both ends internal: the other end may be an instance of the fleet
     * whose capture holds the same connection. */
    gboolean keyed = known && outcome != TRIAGE_OUTCOME_NO_HANDSHAKE && is_internal(work, &client)
                  && is_internal(work, &server);
    if (keyed && g_hash_table_size(summary->sightings) >= TRIAGE_SUMMARY_SIGHTINGS_LIMIT) {
        work->row->sightings_not_kept++;
        keyed = FALSE;
    }
    if (keyed) {
        sighting.client = client;
        sighting.server = server;
        sighting.client_port = client_port;
        sighting.server_port = server_port;
        sighting.isn = handshake->expected_isn;
        sighting.capture = work->capture;
        sighting.capture_point = (guint8)point;
        sighting.outcome = (guint8)outcome;
        sighting.attempted = triage_handshake_attempted(handshake) ? 1 : 0;
        sighting.ambiguous = triage_handshake_ambiguity(handshake) != 0 ? 1 : 0;
        sighting.anomalies = (guint8)anomalies;
        /* the destination row counts it under the connection table's server */
        if (memcmp(&connection->server, &server, sizeof server) == 0 && connection->server_port == server_port) {
            sighting.packets_to = connection->packets_to_server;
            sighting.bytes_to = connection->bytes_to_server;
            sighting.packets_from = connection->packets_to_client;
            sighting.bytes_from = connection->bytes_to_client;
        }
        triage_summary_add_sighting(summary, &sighting);
    }

    /* The slowest list ranks unambiguous handshakes, as the report's does. */
    if (known && (sighting.has_leg & (1u << TRIAGE_LEG_HANDSHAKE))) {
        slow.capture = work->capture;
        slow.stream = stream;
        slow.client = client;
        slow.server = server;
        slow.client_port = client_port;
        slow.server_port = server_port;
        memcpy(slow.legs, sighting.legs, sizeof slow.legs);
        for (guint leg = 0; leg < TRIAGE_LEG_COUNT; leg++) {
            triage_time value;
            if (triage_handshake_leg_value(handshake, (triage_leg)leg, &value)) {
                slow.legs[leg] = value;
                slow.has_leg |= (guint8)(1u << leg);
            }
        }
        slow.frames[0] = handshake->syn_frame;
        slow.frames[1] = handshake->synack_frame;
        slow.frames[2] = handshake->ack_frame;
        slow.frames[3] = triage_handshake_opening_frame(handshake);
        slow.has_key = keyed;
        slow.key_isn = handshake->expected_isn;
        triage_summary_add_slow(summary, &slow);
    }
}

static void add_handshakes(walk *work)
{
    guint64 position = 0;
    guint32 stream;
    const triage_handshake *handshake;

    if (work->source->handshakes == NULL)
        return;
    while (triage_handshake_engine_next(work->source->handshakes, &position, &stream, &handshake))
        add_handshake(work, stream, handshake);
    work->summary->counts.rtt.untracked = triage_handshake_engine_untracked_connections(work->source->handshakes);
}

/* ---- destinations ------------------------------------------------------- */

static void traffic_of(const triage_connection *connection, triage_summary_traffic *out)
{
    out->connections = 1;
    out->packets_to = connection->packets_to_server;
    out->bytes_to = connection->bytes_to_server;
    out->packets_from = connection->packets_to_client;
    out->bytes_from = connection->bytes_to_client;
    out->first = connection->first_time;
    out->last = connection->last_time;
}

static void add_destinations(walk *work)
{
    const triage_connection_table *table = work->source->connections;
    const triage_report_names *names = &work->options->names;
    guint32 count = triage_connection_table_count(table);
    GHashTableIter iter;
    gpointer key;

    for (guint32 index = 0; index < count; index++) {
        const triage_connection *connection = triage_connection_table_get(table, index);
        triage_summary_destination *destination;
        triage_summary_port *port;
        triage_summary_traffic traffic;
        gboolean ported = connection->transport == TRIAGE_TRANSPORT_TCP || connection->transport == TRIAGE_TRANSPORT_UDP;

        if (work->options->is_selected != NULL && !work->options->is_selected(index, work->options->selection))
            continue;
        traffic_of(connection, &traffic);
        destination = triage_summary_destination_get(work->summary, &connection->server);
        destination->internal = is_internal(work, &connection->server);
        if (is_internal(work, &connection->client))
            destination->has_internal_client = TRUE;
        else
            destination->has_external_client = TRUE;
        triage_summary_traffic_add(&destination->traffic, &traffic);
        triage_distinct_add(&destination->initiators, &connection->client);
        triage_name_set_add(destination->captures, work->capture);
        port = triage_summary_port_get(destination, connection->transport, ported ? connection->server_port : 0);
        triage_summary_traffic_add(&port->traffic, &traffic);
        triage_distinct_add(&port->initiators, &connection->client);
        if (!connection->responder_inferred)
            port->inferred = FALSE;
        if (ported && port->service == NULL && names->service_name != NULL)
            port->service = g_strdup(names->service_name(connection->transport, connection->server_port,
                                                         names->user_data));
    }

    /* Country and AS, asked once per destination. */
    g_hash_table_iter_init(&iter, work->summary->destinations);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        triage_summary_destination *destination = key;
        const char *country = NULL, *asn = NULL;

        if (names->geo != NULL && names->geo(&destination->address, &country, &asn, names->user_data)) {
            destination->country = g_strdup(country);
            destination->asn = g_strdup(asn);
        }
    }
}

static int compare_by_bytes(const void *a, const void *b)
{
    const triage_summary_destination *left = *(triage_summary_destination *const *)a;
    const triage_summary_destination *right = *(triage_summary_destination *const *)b;
    guint64 left_bytes = left->traffic.bytes_to + left->traffic.bytes_from;
    guint64 right_bytes = right->traffic.bytes_to + right->traffic.bytes_from;

    if (left_bytes != right_bytes)
        return left_bytes > right_bytes ? -1 : 1;
    if (left->address.family != right->address.family)
        return left->address.family < right->address.family ? -1 : 1;
    return memcmp(left->address.bytes, right->address.bytes, sizeof left->address.bytes);
}

static void add_top_destinations(walk *work)
{
    guint count;
    triage_summary_destination **rows = triage_summary_destinations_sorted(work->summary, &count);

    qsort(rows, count, sizeof *rows, compare_by_bytes);
    for (guint i = 0; i < count && i < TOP_DESTINATIONS_PER_CAPTURE; i++) {
        triage_summary_top_destination *top = g_new0(triage_summary_top_destination, 1);
        char text[64];

        top->address = g_strdup(triage_address_to_string(&rows[i]->address, text, sizeof text));
        top->bytes = rows[i]->traffic.bytes_to + rows[i]->traffic.bytes_from;
        top->connections = rows[i]->traffic.connections;
        g_ptr_array_add(work->row->top_destinations, top);
    }
    g_free(rows);
}

/* ---- findings, read from the policy report --------------------------------- */

static const triage_table *table_named(const triage_report *report, const char *name)
{
    for (guint i = 0; i < report->tables->len; i++) {
        const triage_table *table = g_ptr_array_index(report->tables, i);
        if (strcmp(table->name, name) == 0)
            return table;
    }
    return NULL;
}

static const triage_cell *cell_named(const triage_table *table, guint row, const char *key)
{
    for (guint column = 0; column < triage_table_column_count(table); column++)
        if (strcmp(triage_table_column(table, column)->key, key) == 0)
            return triage_table_cell(table, row, column);
    return NULL;
}

static const char *text_of(const triage_table *table, guint row, const char *key)
{
    const triage_cell *cell = cell_named(table, row, key);
    return triage_cell_is_null(cell) || cell->type != TRIAGE_CELL_STRING ? NULL : cell->as.string;
}

static gint64 number_of(const triage_table *table, guint row, const char *key, gint64 otherwise)
{
    const triage_cell *cell = cell_named(table, row, key);
    if (triage_cell_is_null(cell) || cell->type == TRIAGE_CELL_STRING || cell->type == TRIAGE_CELL_TABLE
        || cell->type == TRIAGE_CELL_INTEGER_LIST)
        return otherwise;
    return cell->type == TRIAGE_CELL_BOOLEAN ? cell->as.boolean : cell->as.integer;
}

static guint severity_slot(const char *severity)
{
    static const char *const order[] = {"error", "warn", "note", "chat"};
    for (guint i = 0; i < G_N_ELEMENTS(order); i++)
        if (severity != NULL && strcmp(severity, order[i]) == 0)
            return i;
    return 3;
}

static void add_findings(walk *work, const triage_table *findings)
{
    for (guint row = 0; findings != NULL && row < triage_table_row_count(findings); row++) {
        triage_summary_finding *finding = triage_summary_finding_get(
            work->summary, text_of(findings, row, "rule"), text_of(findings, row, "severity"),
            text_of(findings, row, "evidence"), number_of(findings, row, "port_only", 0) != 0,
            text_of(findings, row, "message"));
        const triage_cell *endpoints = cell_named(findings, row, "endpoints");
        triage_summary_finding one = {0};

        one.connections = (guint64)number_of(findings, row, "connections", 0);
        one.matched_packets = (guint64)number_of(findings, row, "matched_packets", 0);
        one.packets = (guint64)number_of(findings, row, "packets", 0);
        one.bytes = (guint64)number_of(findings, row, "bytes", 0);
        one.first = number_of(findings, row, "first", 0);
        one.last = number_of(findings, row, "last", 0);
        if (finding->connections == 0 && finding->packets == 0) {
            finding->first = one.first;
            finding->last = one.last;
        }
        finding->first = MIN(finding->first, one.first);
        finding->last = MAX(finding->last, one.last);
        finding->connections += one.connections;
        finding->matched_packets += one.matched_packets;
        finding->packets += one.packets;
        finding->bytes += one.bytes;
        triage_name_set_add(finding->captures, work->capture);
        work->row->findings[severity_slot(finding->severity)]++;
        work->row->flagged_connections += one.connections;

        if (triage_cell_is_null(endpoints) || endpoints->type != TRIAGE_CELL_TABLE)
            continue;
        for (guint e = 0; e < triage_table_row_count(endpoints->as.table); e++) {
            const triage_table *table = endpoints->as.table;
            triage_summary_endpoint *endpoint = triage_summary_endpoint_get(
                finding, text_of(table, e, "client"), text_of(table, e, "server"), number_of(table, e, "port", -1),
                text_of(table, e, "transport"), text_of(table, e, "evidence"), text_of(table, e, "host"));
            endpoint->packets += (guint64)number_of(table, e, "packets", 0);
            endpoint->matched_packets += (guint64)number_of(table, e, "matched_packets", 0);
            triage_name_set_add(endpoint->captures, work->capture);
        }
    }
}

static void add_lookups(walk *work, const triage_table *lookups)
{
    for (guint row = 0; lookups != NULL && row < triage_table_row_count(lookups); row++) {
        triage_summary_lookup *lookup = triage_summary_lookup_get(
            work->summary, text_of(lookups, row, "rule"), text_of(lookups, row, "severity"),
            text_of(lookups, row, "evidence"), text_of(lookups, row, "message"), text_of(lookups, row, "client"),
            text_of(lookups, row, "name"));
        triage_time first = number_of(lookups, row, "first", 0), last = number_of(lookups, row, "last", 0);

        if (lookup->queries == 0) {
            lookup->first = first;
            lookup->last = last;
        }
        lookup->first = MIN(lookup->first, first);
        lookup->last = MAX(lookup->last, last);
        lookup->queries += (guint64)number_of(lookups, row, "queries", 0);
        triage_name_set_add(lookup->captures, work->capture);
    }
}

static void add_policy(walk *work)
{
    triage_report_options options = *work->options;
    triage_report *report;
    const triage_table *policy;

    if (work->source->policy_engine == NULL)
        return;
    options.top = 0; /* every finding and every endpoint */
    options.dests_top = 0;
    report = triage_policy_report_build(work->source, &options);
    add_findings(work, table_named(report, "findings"));
    add_lookups(work, table_named(report, "lookups"));
    policy = table_named(report, "policy");
    if (policy != NULL && triage_table_row_count(policy) == 1)
        work->summary->policy_connections = (guint64)number_of(policy, 0, "connections", 0);
    triage_report_free(report);
}

triage_summary *triage_summary_of_session(const triage_report_source *source, const triage_report_options *options,
                                          const char *capture_name, guint slowest_limit)
{
    triage_summary *summary = triage_summary_new();
    walk work = {.summary = summary, .source = source, .options = options};

    summary->slowest_limit = slowest_limit;
    summary->filter = g_strdup(options->filter);
    summary->policy_source = g_strdup(options->policy_source);
    work.capture = g_intern_string(capture_name);
    work.row = triage_summary_capture_get(summary, capture_name, NULL);
    summary->packets = source->packets;
    summary->first = source->first_time;
    summary->last = source->last_time;
    work.row->packets = source->packets;
    work.row->first = source->first_time;
    work.row->last = source->last_time;
    summary->untracked_connections = triage_connection_table_untracked_connections(source->connections);
    summary->untracked_packets = triage_connection_table_untracked_packets(source->connections);

    add_handshakes(&work);
    add_destinations(&work);
    add_top_destinations(&work);
    add_policy(&work);

    /* The capture's own p50 and p90, from the sketch of its handshakes
     * (within 1 % of its RTT report's exact ones). */
    work.row->has_handshakes = triage_log_sketch_count(summary->legs[TRIAGE_LEG_HANDSHAKE]) > 0;
    work.row->p50 = triage_log_sketch_percentile(summary->legs[TRIAGE_LEG_HANDSHAKE], 50);
    work.row->p90 = triage_log_sketch_percentile(summary->legs[TRIAGE_LEG_HANDSHAKE], 90);
    return summary;
}
