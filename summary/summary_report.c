/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * summary_report.c — the fleet reports of summary_report.h.
 */
#include "summary_report.h"

#include <stdlib.h>
#include <string.h>

#include "connection_table.h"
#include "destinations.h"
#include "report_dests.h"
#include "report_policy.h"
#include "report_rtt.h"

static guint shown_rows(guint available, guint top)
{
    return top == 0 || available < top ? available : top;
}

static char *ranked_title(const char *title, guint top, const char *qualifier)
{
    if (top == 0)
        return g_strdup_printf("%s (%s)", title, qualifier);
    return g_strdup_printf("%s (top %u, %s)", title, top, qualifier);
}

static void add_address_cell(triage_table *table, const triage_address *address)
{
    char text[64];
    triage_table_add_string(table, triage_address_to_string(address, text, sizeof text));
}

/* The two columns every fleet row ends with. */
static void add_capture_columns(triage_table *table)
{
    triage_table_add_column(table, "captures", "Captures", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "capture_names", "From", TRIAGE_CELL_STRING);
    /* two hundred names do not fit a text column: under the row instead */
    triage_table_set_text_below(table, "capture_names");
}

static void add_capture_cells(triage_table *table, const triage_name_set *set)
{
    guint count;
    const char **names = triage_name_set_sorted(set, &count);
    GString *joined = g_string_new(NULL);

    for (guint i = 0; i < count; i++) {
        if (i > 0)
            g_string_append_c(joined, ',');
        g_string_append(joined, names[i]);
    }
    triage_table_add_integer(table, count);
    triage_table_add_string(table, joined->str);
    g_string_free(joined, TRUE);
    g_free(names);
}

/* count, min, p50, p90, p99, max of a sketch: each the middle of its bucket. */
static void summarise_sketch(const triage_log_sketch *sketch, triage_duration_summary *out)
{
    guint count;
    triage_log_bucket *buckets = triage_log_sketch_buckets(sketch, &count);

    memset(out, 0, sizeof *out);
    out->count = triage_log_sketch_count(sketch);
    if (out->count > 0) {
        /* the middle of the lowest bucket, as a percentile reads it */
        if (triage_log_sketch_zero_count(sketch) == 0 && count > 0)
            out->min = (triage_time)(2.0 * triage_log_sketch_upper_bound(buckets[0].index)
                                     / (TRIAGE_LOG_SKETCH_GAMMA + 1.0) + 0.5);
        out->p50 = triage_log_sketch_percentile(sketch, 50);
        out->p90 = triage_log_sketch_percentile(sketch, 90);
        out->p99 = triage_log_sketch_percentile(sketch, 99);
        out->max = triage_log_sketch_percentile(sketch, 100);
    }
    g_free(buckets);
}

static void set_capture(triage_report *report, const triage_summary *summary)
{
    char *name = g_strdup_printf("%u captures", g_hash_table_size(summary->captures));

    triage_report_set_capture(report, summary->packets, summary->first, summary->last);
    triage_report_set_capture_name(report, name);
    g_free(name);
}

/* ---- rtt ------------------------------------------------------------------ */

static triage_table *deduplicated_table(guint64 merged, guint64 sightings, guint64 not_kept)
{
    triage_table *table = triage_table_new("fleet", "Across captures", TRIAGE_SHAPE_RECORD);

    triage_table_add_column(table, "merged_connections", "Connections seen by two captures, counted once",
                            TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "inter_instance_connections", "Connections between internal addresses",
                            TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "sightings_not_kept", "Internal connections not matched (over the bound)",
                            TRIAGE_CELL_INTEGER);
    triage_table_begin_row(table);
    triage_table_add_integer(table, (gint64)merged);
    triage_table_add_integer(table, (gint64)sightings);
    triage_table_add_integer(table, (gint64)not_kept);
    triage_table_add_footnote(table, "A connection between two instances is in both their captures: matched on its "
                                     "addresses, ports and initial sequence number, it counts once, as measured by the "
                                     "capture at its client (else the first capture by name).");
    return table;
}

static triage_table *servers_table(const triage_summary *summary, guint top)
{
    guint count;
    triage_summary_server **rows = triage_summary_servers_sorted(summary, &count);
    guint shown = shown_rows(count, top);
    char *title = ranked_title("Servers", top, "by connections, all captures");
    triage_table *table = triage_rtt_servers_table_new(title);

    triage_table_add_column(table, "initiators", "Clients", TRIAGE_CELL_INTEGER);
    add_capture_columns(table);
    for (guint i = 0; i < shown; i++) {
        const triage_summary_server *server = rows[i];
        triage_capture_point_tally tally;
        triage_duration_summary times;

        memcpy(tally.votes, server->capture_points, sizeof tally.votes);
        summarise_sketch(server->handshake, &times);
        triage_table_begin_row(table);
        add_address_cell(table, &server->address);
        triage_table_add_integer(table, server->port);
        triage_table_add_integer(table, (gint64)server->connections);
        triage_table_add_integer(table, (gint64)server->completed);
        triage_table_add_integer(table, (gint64)server->failed);
        triage_table_add_string(table, triage_capture_point_name(triage_capture_point_tally_verdict(&tally)));
        if (times.count == 0) {
            triage_table_add_null(table);
            triage_table_add_null(table);
            triage_table_add_null(table);
        } else {
            triage_table_add_duration(table, times.p50);
            triage_table_add_duration(table, times.p90);
            triage_table_add_duration(table, times.max);
        }
        triage_table_add_integer(table, (gint64)triage_distinct_count(&server->initiators));
        add_capture_cells(table, server->captures);
    }
    triage_table_add_footnote(table, "P50, P90, Max: handshake RTT from the captures' merged log buckets (within 1 %).");
    triage_table_add_footnote(table, "Clients: distinct client addresses; exact up to 64, beyond an estimate "
                                     "(1.6 % standard error).");
    triage_table_add_not_shown(table, count, shown, "server", "servers");
    g_free(title);
    g_free(rows);
    return table;
}

static void add_leg_cell(triage_table *table, const triage_summary_slow *slow, triage_leg leg)
{
    if (slow->has_leg & (1u << leg))
        triage_table_add_duration(table, slow->legs[leg]);
    else
        triage_table_add_null(table);
}

static triage_table *slowest_table(const triage_summary *summary, guint top)
{
    guint available = summary->slowest->len;
    guint shown = shown_rows(available, top);
    char *title = ranked_title("Slowest handshakes", top == 0 ? summary->slowest_limit : MIN(top, summary->slowest_limit),
                               "unambiguous, all captures");
    triage_table *table = triage_table_new("slowest", title, TRIAGE_SHAPE_LIST);

    triage_table_add_column(table, "capture", "Capture", TRIAGE_CELL_STRING);
    triage_rtt_add_connection_columns(table);
    triage_table_add_column(table, "frames", "Frames", TRIAGE_CELL_INTEGER_LIST);
    for (guint i = 0; i < shown; i++) {
        const triage_summary_slow *slow = &g_array_index(summary->slowest, triage_summary_slow, i);
        gint64 frames[3];
        guint frame_count = 0;

        for (guint f = 0; f < 3; f++)
            if (slow->frames[f] != 0)
                frames[frame_count++] = slow->frames[f];
        triage_table_begin_row(table);
        triage_table_add_string(table, slow->capture);
        triage_table_add_integer(table, slow->stream);
        add_address_cell(table, &slow->client);
        triage_table_add_integer(table, slow->client_port);
        add_address_cell(table, &slow->server);
        triage_table_add_integer(table, slow->server_port);
        add_leg_cell(table, slow, TRIAGE_LEG_HANDSHAKE);
        add_leg_cell(table, slow, TRIAGE_LEG_SYN_SYNACK);
        add_leg_cell(table, slow, TRIAGE_LEG_SYNACK_ACK);
        add_leg_cell(table, slow, TRIAGE_LEG_SETUP);
        triage_table_add_integer_list(table, frames, frame_count);
    }
    triage_table_add_footnote(table, "Frames: SYN, SYN/ACK, ACK in that capture (tshark -r CAPTURE -Y frame.number==N).");
    g_free(title);
    return table;
}

static triage_report *rtt_report(const triage_summary *summary, const triage_report_options *options, guint64 merged,
                                 guint64 sightings, guint64 not_kept)
{
    triage_report *report = triage_report_new("rtt", "Capture Triage fleet: Handshake RTT", summary->filter);
    triage_duration_summary summaries[TRIAGE_LEG_COUNT];
    triage_capture_point_tally tally;
    triage_table *table;
    guint servers_top = options->servers_top != 0 ? options->servers_top : options->top;

    for (guint leg = 0; leg < TRIAGE_LEG_COUNT; leg++)
        summarise_sketch(summary->legs[leg], &summaries[leg]);
    memcpy(tally.votes, summary->counts.capture_points, sizeof tally.votes);

    set_capture(report, summary);
    triage_report_add_table(report, triage_rtt_connections_table(&summary->counts.rtt));
    triage_report_add_table(report, triage_rtt_anomalies_table(&summary->counts.rtt));
    table = triage_rtt_statistics_table(summaries);
    triage_table_add_footnote(table, "Across captures: from the merged log buckets, within 1 % of the exact values.");
    triage_report_add_table(report, table);
    triage_report_add_table(report, triage_rtt_histogram_table((triage_log_sketch *const *)summary->legs));
    table = triage_table_new("capture_point", "Capture point", TRIAGE_SHAPE_SCALAR);
    triage_table_add_column(table, "capture_point", "Capture point", TRIAGE_CELL_STRING);
    triage_table_begin_row(table);
    triage_table_add_string(table, triage_capture_point_name(triage_capture_point_tally_verdict(&tally)));
    triage_report_add_table(report, table);
    triage_report_add_table(report, servers_table(summary, servers_top));
    triage_report_add_table(report, slowest_table(summary, options->top));
    triage_report_add_table(report, deduplicated_table(merged, sightings, not_kept));
    return report;
}

/* ---- policy ------------------------------------------------------------------ */

static triage_table *endpoints_table(const triage_summary_finding *finding, guint top)
{
    guint count;
    triage_summary_endpoint **rows = triage_summary_endpoints_sorted(finding, &count);
    guint shown = shown_rows(count, top);
    triage_table *table = triage_table_new("endpoints", "Connections", TRIAGE_SHAPE_LIST);

    triage_table_add_column(table, "client", "Client", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "server", "Server", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "port", "Port", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "transport", "Transport", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "evidence", "Evidence", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "packets", "Packets", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "matched_packets", "Matched", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "host", "Host", TRIAGE_CELL_STRING);
    add_capture_columns(table);
    for (guint i = 0; i < shown; i++) {
        const triage_summary_endpoint *endpoint = rows[i];
        triage_table_begin_row(table);
        triage_table_add_string(table, endpoint->client);
        triage_table_add_string(table, endpoint->server);
        if (endpoint->port >= 0)
            triage_table_add_integer(table, endpoint->port);
        else
            triage_table_add_null(table);
        triage_table_add_string(table, endpoint->transport);
        triage_table_add_string(table, endpoint->evidence);
        triage_table_add_integer(table, (gint64)endpoint->packets);
        triage_table_add_integer(table, (gint64)endpoint->matched_packets);
        triage_table_add_string(table, endpoint->host);
        add_capture_cells(table, endpoint->captures);
    }
    triage_table_add_not_shown(table, count, shown, "connection", "connections");
    g_free(rows);
    return table;
}

static triage_report *policy_report(const triage_summary *summary, const triage_report_options *options)
{
    triage_report *report = triage_report_new("policy", "Capture Triage fleet: Policy findings", summary->filter);
    triage_table *table = triage_table_new("policy", "Policy", TRIAGE_SHAPE_RECORD);
    guint count;
    triage_summary_finding **findings = triage_summary_findings_sorted(summary, &count);
    triage_summary_lookup **lookups;

    set_capture(report, summary);
    triage_table_add_column(table, "source", "Source", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "connections", "Connections judged", TRIAGE_CELL_INTEGER);
    triage_table_begin_row(table);
    triage_table_add_string(table, summary->policy_source);
    triage_table_add_integer(table, (gint64)summary->policy_connections);
    triage_report_add_table(report, table);

    table = triage_table_new("findings", "Findings", TRIAGE_SHAPE_LIST);
    triage_policy_add_finding_columns(table, FALSE);
    add_capture_columns(table);
    triage_table_add_column(table, "endpoints", "Connections", TRIAGE_CELL_TABLE);
    for (guint i = 0; i < count; i++) {
        const triage_summary_finding *finding = findings[i];
        triage_table_begin_row(table);
        triage_table_add_string(table, finding->rule);
        triage_table_add_string(table, finding->severity);
        triage_table_add_string(table, finding->evidence);
        triage_table_add_boolean(table, finding->port_only);
        triage_table_add_string(table, finding->message);
        triage_table_add_integer(table, (gint64)finding->connections);
        triage_table_add_integer(table, (gint64)finding->matched_packets);
        triage_table_add_integer(table, (gint64)finding->packets);
        triage_table_add_integer(table, (gint64)finding->bytes);
        triage_table_add_timestamp(table, finding->first);
        triage_table_add_timestamp(table, finding->last);
        add_capture_cells(table, finding->captures);
        triage_table_add_table(table, endpoints_table(finding, options->top));
    }
    triage_table_add_footnote(table, "Each capture judges its own connections: a connection between two instances "
                                     "is a finding in each capture that flagged it.");
    triage_report_add_table(report, table);
    g_free(findings);

    lookups = triage_summary_lookups_sorted(summary, &count);
    table = triage_policy_lookups_table_new(FALSE);
    add_capture_columns(table);
    for (guint i = 0; i < count; i++) {
        const triage_summary_lookup *lookup = lookups[i];
        triage_table_begin_row(table);
        triage_table_add_string(table, lookup->rule);
        triage_table_add_string(table, lookup->severity);
        triage_table_add_string(table, lookup->evidence);
        triage_table_add_string(table, lookup->message);
        triage_table_add_string(table, lookup->client);
        triage_table_add_string(table, lookup->name);
        triage_table_add_integer(table, (gint64)lookup->queries);
        triage_table_add_timestamp(table, lookup->first);
        triage_table_add_timestamp(table, lookup->last);
        add_capture_cells(table, lookup->captures);
    }
    triage_report_add_table(report, table);
    g_free(lookups);
    return report;
}

/* ---- dests ------------------------------------------------------------------- */

static void add_traffic_cells(triage_table *table, const triage_summary_traffic *traffic, const triage_distinct *initiators)
{
    triage_table_add_integer(table, (gint64)traffic->connections);
    triage_table_add_integer(table, (gint64)traffic->packets_to);
    triage_table_add_integer(table, (gint64)traffic->bytes_to);
    triage_table_add_integer(table, (gint64)traffic->packets_from);
    triage_table_add_integer(table, (gint64)traffic->bytes_from);
    triage_table_add_integer(table, (gint64)triage_distinct_count(initiators));
}

static guint64 metric(const triage_summary_traffic *traffic, triage_sort sort)
{
    switch (sort) {
    case TRIAGE_SORT_BYTES:
        return traffic->bytes_to + traffic->bytes_from;
    case TRIAGE_SORT_PACKETS:
        return traffic->packets_to + traffic->packets_from;
    case TRIAGE_SORT_CONNECTIONS:
    default:
        return traffic->connections;
    }
}

static int compare_destinations(gconstpointer a, gconstpointer b, gpointer data)
{
    const triage_summary_destination *left = *(triage_summary_destination *const *)a;
    const triage_summary_destination *right = *(triage_summary_destination *const *)b;
    triage_sort sort = (triage_sort)GPOINTER_TO_INT(data);
    guint64 left_value = metric(&left->traffic, sort), right_value = metric(&right->traffic, sort);

    if (left_value != right_value)
        return left_value > right_value ? -1 : 1;
    if (left->address.family != right->address.family)
        return left->address.family < right->address.family ? -1 : 1;
    return memcmp(left->address.bytes, right->address.bytes, sizeof left->address.bytes);
}

static triage_direction direction_of(const triage_summary_destination *destination)
{
    if (destination->internal)
        return destination->has_external_client ? TRIAGE_DIRECTION_INBOUND : TRIAGE_DIRECTION_INTERNAL;
    return destination->has_internal_client ? TRIAGE_DIRECTION_OUTBOUND : TRIAGE_DIRECTION_EXTERNAL;
}

static triage_table *ports_table(const triage_summary_destination *destination, guint top,
                                 const triage_report_options *options)
{
    guint count;
    triage_summary_port **ports = triage_summary_ports_sorted(destination, &count);
    guint shown = shown_rows(count, top);
    triage_table *table = triage_table_new("ports", "Ports", TRIAGE_SHAPE_LIST);

    triage_table_add_column(table, "transport", "Transport", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "port", "Port", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "service", "Service", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "inferred", "Inferred", TRIAGE_CELL_BOOLEAN);
    triage_dests_add_traffic_columns(table);
    for (guint i = 0; i < shown; i++) {
        const triage_summary_port *port = ports[i];
        char number[24];
        gboolean ported = port->transport == TRIAGE_TRANSPORT_TCP || port->transport == TRIAGE_TRANSPORT_UDP;

        triage_table_begin_row(table);
        triage_table_add_string(table, triage_report_transport_word(&options->names, port->transport, number,
                                                                    sizeof number));
        if (ported) {
            triage_table_add_integer(table, port->port);
            triage_table_add_string(table, port->service);
        } else {
            triage_table_add_null(table);
            triage_table_add_null(table);
        }
        triage_table_add_boolean(table, port->inferred);
        add_traffic_cells(table, &port->traffic, &port->initiators);
    }
    triage_table_add_not_shown(table, count, shown, "port", "ports");
    g_free(ports);
    return table;
}

typedef struct country_row {
    const char *country;
    guint64 destinations, connections, bytes_to, bytes_from;
} country_row;

static int compare_country_rows(const void *a, const void *b)
{
    const country_row *left = *(country_row *const *)a, *right = *(country_row *const *)b;
    guint64 left_bytes = left->bytes_to + left->bytes_from, right_bytes = right->bytes_to + right->bytes_from;

    if (left_bytes != right_bytes)
        return left_bytes > right_bytes ? -1 : 1;
    if (left->country == NULL || right->country == NULL)
        return (left->country == NULL) - (right->country == NULL);
    return strcmp(left->country, right->country);
}

static triage_table *countries_table(triage_summary_destination **rows, guint count)
{
    triage_table *table = triage_table_new("countries", "Countries", TRIAGE_SHAPE_LIST);
    GHashTable *by_country = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    gboolean any = FALSE;

    triage_table_add_column(table, "country", "Country", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "destinations", "Destinations", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "connections", "Connections", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "bytes_to", "Bytes to", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "bytes_from", "Bytes from", TRIAGE_CELL_INTEGER);
    for (guint i = 0; i < count; i++) {
        const char *key = rows[i]->country != NULL ? rows[i]->country : "";
        country_row *row = g_hash_table_lookup(by_country, key);

        any |= rows[i]->country != NULL;
        if (row == NULL) {
            row = g_new0(country_row, 1);
            row->country = rows[i]->country;
            g_hash_table_insert(by_country, (gpointer)key, row);
        }
        row->destinations++;
        row->connections += rows[i]->traffic.connections;
        row->bytes_to += rows[i]->traffic.bytes_to;
        row->bytes_from += rows[i]->traffic.bytes_from;
    }
    if (any) {
        guint country_count;
        country_row **ordered = (country_row **)triage_hash_table_values(by_country, &country_count);
        qsort(ordered, country_count, sizeof *ordered, compare_country_rows);
        for (guint i = 0; i < country_count; i++) {
            triage_table_begin_row(table);
            triage_table_add_string(table, ordered[i]->country);
            triage_table_add_integer(table, (gint64)ordered[i]->destinations);
            triage_table_add_integer(table, (gint64)ordered[i]->connections);
            triage_table_add_integer(table, (gint64)ordered[i]->bytes_to);
            triage_table_add_integer(table, (gint64)ordered[i]->bytes_from);
        }
        g_free(ordered);
        triage_table_add_footnote(table, "Every destination, shown above or not; an empty country: private "
                                         "addresses and addresses the MaxMind databases do not know.");
    } else {
        triage_table_add_footnote(table, "No destination has a country: the captures were read without a MaxMind "
                                         "database, or none knows these addresses.");
    }
    g_hash_table_destroy(by_country);
    return table;
}

static triage_report *dests_report(const triage_summary *summary, const triage_report_options *options)
{
    triage_report *report = triage_report_new("dests", "Capture Triage fleet: Destinations and Ports", summary->filter);
    guint count, shown, port_rows = 0;
    triage_summary_destination **rows = triage_summary_destinations_sorted(summary, &count);
    guint top = options->dests_top;
    const char *sort_word = options->sort == TRIAGE_SORT_BYTES     ? "bytes"
                          : options->sort == TRIAGE_SORT_PACKETS ? "packets"
                                                                 : "connections";
    char *title = top == 0 ? g_strdup_printf("Destinations (by %s, all captures)", sort_word)
                           : g_strdup_printf("Destinations (top %u by %s, all captures)", top, sort_word);
    triage_table *table = triage_table_new("destinations", title, TRIAGE_SHAPE_LIST);
    triage_summary_traffic total = {0};

    g_free(title);
    g_qsort_with_data(rows, count, sizeof *rows, compare_destinations, GINT_TO_POINTER(options->sort));
    set_capture(report, summary);
    triage_dests_add_destination_columns(table);
    add_capture_columns(table);
    triage_table_add_column(table, "ports", "Ports", TRIAGE_CELL_TABLE);
    shown = shown_rows(count, top);
    for (guint i = 0; i < count; i++) {
        const triage_summary_destination *destination = rows[i];
        port_rows += g_hash_table_size(destination->ports);
        triage_summary_traffic_add(&total, &destination->traffic);
        if (i >= shown)
            continue;
        triage_table_begin_row(table);
        add_address_cell(table, &destination->address);
        triage_table_add_string(table, triage_direction_name(direction_of(destination)));
        add_traffic_cells(table, &destination->traffic, &destination->initiators);
        triage_table_add_timestamp(table, destination->traffic.first);
        triage_table_add_timestamp(table, destination->traffic.last);
        triage_table_add_string(table, destination->country);
        triage_table_add_string(table, destination->asn);
        triage_table_add_integer(table, g_hash_table_size(destination->ports));
        add_capture_cells(table, destination->captures);
        triage_table_add_table(table, ports_table(destination, top, options));
    }
    triage_table_add_not_shown(table, count, shown, "destination", "destinations");
    triage_table_add_footnote(table, "A destination is the responder of a connection: who received the SYN, "
                                     "or the first packet of a flow. \"to\" counts towards it.");
    triage_report_add_table(report, table);

    table = triage_dests_totals_table_new();
    triage_table_begin_row(table);
    triage_table_add_integer(table, count);
    triage_table_add_integer(table, port_rows);
    triage_table_add_integer(table, (gint64)total.connections);
    triage_table_add_integer(table, (gint64)(total.packets_to + total.packets_from));
    triage_table_add_integer(table, (gint64)(total.bytes_to + total.bytes_from));
    triage_table_add_integer(table, (gint64)summary->untracked_connections);
    triage_table_add_integer(table, (gint64)summary->untracked_packets);
    triage_report_add_table(report, table);
    triage_report_add_table(report, countries_table(rows, count));
    g_free(rows);
    return report;
}

/* ---- captures ------------------------------------------------------------------ */

static triage_report *captures_report(const triage_summary *summary)
{
    static const char *const severities[] = {"error", "warn", "note"};
    triage_report *report = triage_report_new("captures", "Capture Triage fleet: per capture", summary->filter);
    triage_table *table = triage_table_new("captures", "Per capture", TRIAGE_SHAPE_LIST);
    guint count;
    triage_summary_capture **rows = triage_summary_captures_sorted(summary, &count);

    set_capture(report, summary);
    triage_table_add_column(table, "capture", "Capture", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "packets", "Packets", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "first", "First", TRIAGE_CELL_TIMESTAMP);
    triage_table_add_column(table, "last", "Last", TRIAGE_CELL_TIMESTAMP);
    triage_table_add_column(table, "connections", "TCP connections", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "completed", "Completed", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "failed", "Failed", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "p50", "Handshake P50", TRIAGE_CELL_DURATION);
    triage_table_add_column(table, "p90", "Handshake P90", TRIAGE_CELL_DURATION);
    for (guint s = 0; s < G_N_ELEMENTS(severities); s++) {
        char *key = g_strdup_printf("findings_%s", severities[s]);
        char *heading = g_strdup_printf("Findings (%s)", severities[s]);
        triage_table_add_column(table, key, heading, TRIAGE_CELL_INTEGER);
        g_free(key);
        g_free(heading);
    }
    triage_table_add_column(table, "flagged_connections", "Flagged connections", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "top_destinations", "Top destinations", TRIAGE_CELL_TABLE);
    for (guint i = 0; i < count; i++) {
        const triage_summary_capture *capture = rows[i];
        triage_table *tops = triage_table_new("top_destinations", "Top destinations (by bytes)", TRIAGE_SHAPE_LIST);

        triage_table_begin_row(table);
        triage_table_add_string(table, capture->name);
        triage_table_add_integer(table, (gint64)capture->packets);
        if (capture->packets > 0) {
            triage_table_add_timestamp(table, capture->first);
            triage_table_add_timestamp(table, capture->last);
        } else {
            triage_table_add_null(table);
            triage_table_add_null(table);
        }
        triage_table_add_integer(table, (gint64)capture->connections);
        triage_table_add_integer(table, (gint64)capture->completed);
        triage_table_add_integer(table, (gint64)capture->failed);
        if (capture->has_handshakes) {
            triage_table_add_duration(table, capture->p50);
            triage_table_add_duration(table, capture->p90);
        } else {
            triage_table_add_null(table);
            triage_table_add_null(table);
        }
        for (guint s = 0; s < G_N_ELEMENTS(severities); s++)
            triage_table_add_integer(table, (gint64)capture->findings[s]);
        triage_table_add_integer(table, (gint64)capture->flagged_connections);
        triage_table_add_column(tops, "address", "Address", TRIAGE_CELL_STRING);
        triage_table_add_column(tops, "bytes", "Bytes", TRIAGE_CELL_INTEGER);
        triage_table_add_column(tops, "connections", "Connections", TRIAGE_CELL_INTEGER);
        for (guint t = 0; t < capture->top_destinations->len; t++) {
            const triage_summary_top_destination *top = g_ptr_array_index(capture->top_destinations, t);
            triage_table_begin_row(tops);
            triage_table_add_string(tops, top->address);
            triage_table_add_integer(tops, (gint64)top->bytes);
            triage_table_add_integer(tops, (gint64)top->connections);
        }
        triage_table_add_table(table, tops);
    }
    triage_table_add_footnote(table, "Each capture as read on its own: P50 and P90 of its handshake RTT (log buckets, "
                                     "within 1 %), findings counted as rules with findings.");
    triage_report_add_table(report, table);
    g_free(rows);
    return report;
}

triage_report *triage_fleet_report_build(const triage_summary *summary, triage_fleet_report_kind kind,
                                         const triage_report_options *options)
{
    guint64 merged = 0, not_kept = 0;
    triage_summary *counted;
    triage_report *report = NULL;
    GHashTableIter iter;
    gpointer value;

    counted = triage_summary_deduplicated(summary, &merged);
    g_hash_table_iter_init(&iter, summary->captures);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        not_kept += ((const triage_summary_capture *)value)->sightings_not_kept;
    switch (kind) {
    case TRIAGE_FLEET_RTT:
        report = rtt_report(counted, options, merged, g_hash_table_size(summary->sightings), not_kept);
        break;
    case TRIAGE_FLEET_POLICY:
        report = policy_report(counted, options);
        break;
    case TRIAGE_FLEET_DESTS:
        report = dests_report(counted, options);
        break;
    case TRIAGE_FLEET_CAPTURES:
    default:
        report = captures_report(counted);
        break;
    }
    triage_summary_free(counted);
    return report;
}
