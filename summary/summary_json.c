/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * summary_json.c — writes a summary as the JSON document's "summary" member
 * (format: docs/SUMMARY.md).
 *
 * One writer for every summary, in the fixed row orders of summary.c, with
 * integers only (times in nanoseconds): a summary has one text, whichever
 * merges made it, which is what makes merge(merge(a,b),c) and merge(a,b,c)
 * byte-identical documents.
 */
#include "summary_json.h"

#include <string.h>

#include "connection_table.h"
#include "report_model.h"

static void write_string(GString *out, const char *text)
{
    GString *valid;

    if (text == NULL) {
        g_string_append(out, "null");
        return;
    }
    valid = g_string_new(NULL);
    triage_append_valid_utf8(valid, text);
    g_string_append_c(out, '"');
    for (const char *p = valid->str; *p != '\0'; p++) {
        guchar c = (guchar)*p;
        if (c == '"' || c == '\\')
            g_string_append_printf(out, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            g_string_append_printf(out, "\\u%04x", c);
        else
            g_string_append_c(out, (char)c);
    }
    g_string_append_c(out, '"');
    g_string_free(valid, TRUE);
}

static void write_address(GString *out, const triage_address *address)
{
    char text[64];
    write_string(out, triage_address_to_string(address, text, sizeof text));
}

static void write_names(GString *out, const triage_name_set *set)
{
    guint count;
    const char **names = triage_name_set_sorted(set, &count);

    g_string_append_c(out, '[');
    for (guint i = 0; i < count; i++) {
        if (i > 0)
            g_string_append_c(out, ',');
        write_string(out, names[i]);
    }
    g_string_append_c(out, ']');
    g_free(names);
}

static void write_sketch(GString *out, const triage_log_sketch *sketch)
{
    guint count;
    triage_log_bucket *buckets = triage_log_sketch_buckets(sketch, &count);

    g_string_append_printf(out, "{\"zero\":%" G_GUINT64_FORMAT ",\"buckets\":[", triage_log_sketch_zero_count(sketch));
    for (guint i = 0; i < count; i++)
        g_string_append_printf(out, "%s[%d,%" G_GUINT64_FORMAT "]", i > 0 ? "," : "", buckets[i].index,
                               buckets[i].count);
    g_string_append(out, "]}");
    g_free(buckets);
}

static void write_distinct(GString *out, const triage_distinct *set)
{
    if (triage_distinct_is_exact(set)) {
        g_string_append(out, "{\"addresses\":[");
        for (guint i = 0; i < set->addresses->len; i++) {
            if (i > 0)
                g_string_append_c(out, ',');
            write_address(out, &g_array_index(set->addresses, triage_address, i));
        }
        g_string_append(out, "]}");
    } else {
        char *registers = g_base64_encode(set->registers, TRIAGE_DISTINCT_REGISTERS);
        g_string_append_printf(out, "{\"registers\":\"%s\"}", registers);
        g_free(registers);
    }
}

static void write_traffic(GString *out, const triage_summary_traffic *traffic)
{
    g_string_append_printf(out,
                           "{\"connections\":%" G_GUINT64_FORMAT ",\"packets_to\":%" G_GUINT64_FORMAT
                           ",\"bytes_to\":%" G_GUINT64_FORMAT ",\"packets_from\":%" G_GUINT64_FORMAT
                           ",\"bytes_from\":%" G_GUINT64_FORMAT ",\"first\":%" G_GINT64_FORMAT
                           ",\"last\":%" G_GINT64_FORMAT "}",
                           traffic->connections, traffic->packets_to, traffic->bytes_to, traffic->packets_from,
                           traffic->bytes_from, traffic->first, traffic->last);
}

static void write_points(GString *out, const guint64 *points)
{
    g_string_append_c(out, '{');
    for (guint i = 0; i < TRIAGE_CAPTURE_POINT_COUNT; i++)
        g_string_append_printf(out, "%s\"%s\":%" G_GUINT64_FORMAT, i > 0 ? "," : "",
                               triage_capture_point_name((triage_capture_point)i), points[i]);
    g_string_append_c(out, '}');
}

static void write_legs(GString *out, const triage_time *legs, guint8 has_leg)
{
    g_string_append_c(out, '[');
    for (guint leg = 0; leg < TRIAGE_LEG_COUNT; leg++) {
        if (leg > 0)
            g_string_append_c(out, ',');
        if (has_leg & (1u << leg))
            g_string_append_printf(out, "%" G_GINT64_FORMAT, legs[leg]);
        else
            g_string_append(out, "null");
    }
    g_string_append_c(out, ']');
}

static void write_counts(GString *out, const triage_summary_counts *counts)
{
    g_string_append_printf(out,
                           "{\"connections\":%" G_GUINT64_FORMAT ",\"attempted\":%" G_GUINT64_FORMAT
                           ",\"ambiguous\":%" G_GUINT64_FORMAT ",\"anomalous\":%" G_GUINT64_FORMAT
                           ",\"untracked\":%" G_GUINT64_FORMAT ",\"outcomes\":{",
                           counts->rtt.connections, counts->rtt.attempted, counts->rtt.ambiguous, counts->rtt.anomalous,
                           counts->rtt.untracked);
    for (guint i = 0; i < TRIAGE_OUTCOME_COUNT; i++)
        g_string_append_printf(out, "%s\"%s\":%" G_GUINT64_FORMAT, i > 0 ? "," : "",
                               triage_handshake_outcome_name((triage_handshake_outcome)i), counts->rtt.outcomes[i]);
    g_string_append(out, "},\"anomalies\":{");
    for (guint i = 0; i < TRIAGE_ANOMALY_KIND_COUNT; i++)
        g_string_append_printf(out, "%s\"%s\":%" G_GUINT64_FORMAT, i > 0 ? "," : "",
                               triage_handshake_anomaly_name(1u << i), counts->rtt.anomaly_kinds[i]);
    g_string_append(out, "},\"capture_points\":");
    write_points(out, counts->capture_points);
    g_string_append_c(out, '}');
}

static void write_captures(GString *out, const triage_summary *summary)
{
    guint count;
    triage_summary_capture **rows = triage_summary_captures_sorted(summary, &count);

    g_string_append(out, ",\n\"captures\":[");
    for (guint i = 0; i < count; i++) {
        const triage_summary_capture *row = rows[i];
        g_string_append(out, i > 0 ? ",\n{\"name\":" : "\n{\"name\":");
        write_string(out, row->name);
        g_string_append_printf(out,
                               ",\"packets\":%" G_GUINT64_FORMAT ",\"first\":%" G_GINT64_FORMAT
                               ",\"last\":%" G_GINT64_FORMAT ",\"connections\":%" G_GUINT64_FORMAT
                               ",\"completed\":%" G_GUINT64_FORMAT ",\"failed\":%" G_GUINT64_FORMAT,
                               row->packets, row->first, row->last, row->connections, row->completed, row->failed);
        if (row->has_handshakes)
            g_string_append_printf(out, ",\"p50\":%" G_GINT64_FORMAT ",\"p90\":%" G_GINT64_FORMAT, row->p50,
                                   row->p90);
        else
            g_string_append(out, ",\"p50\":null,\"p90\":null");
        g_string_append_printf(out,
                               ",\"findings\":[%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT
                               ",%" G_GUINT64_FORMAT "],\"flagged_connections\":%" G_GUINT64_FORMAT
                               ",\"sightings_not_kept\":%" G_GUINT64_FORMAT ",\"top_destinations\":[",
                               row->findings[0], row->findings[1], row->findings[2], row->findings[3],
                               row->flagged_connections, row->sightings_not_kept);
        for (guint t = 0; t < row->top_destinations->len; t++) {
            const triage_summary_top_destination *top = g_ptr_array_index(row->top_destinations, t);
            g_string_append(out, t > 0 ? ",{\"address\":" : "{\"address\":");
            write_string(out, top->address);
            g_string_append_printf(out, ",\"bytes\":%" G_GUINT64_FORMAT ",\"connections\":%" G_GUINT64_FORMAT "}",
                                   top->bytes, top->connections);
        }
        g_string_append(out, "]}");
    }
    g_string_append(out, "]");
    g_free(rows);
}

static void write_servers(GString *out, const triage_summary *summary)
{
    guint count;
    triage_summary_server **rows = triage_summary_servers_sorted(summary, &count);

    g_string_append(out, ",\n\"servers\":[");
    for (guint i = 0; i < count; i++) {
        const triage_summary_server *row = rows[i];
        g_string_append(out, i > 0 ? ",\n{\"address\":" : "\n{\"address\":");
        write_address(out, &row->address);
        g_string_append_printf(out,
                               ",\"port\":%u,\"connections\":%" G_GUINT64_FORMAT ",\"completed\":%" G_GUINT64_FORMAT
                               ",\"failed\":%" G_GUINT64_FORMAT ",\"capture_points\":",
                               row->port, row->connections, row->completed, row->failed);
        write_points(out, row->capture_points);
        g_string_append(out, ",\"handshake\":");
        write_sketch(out, row->handshake);
        g_string_append(out, ",\"initiators\":");
        write_distinct(out, &row->initiators);
        g_string_append(out, ",\"captures\":");
        write_names(out, row->captures);
        g_string_append_c(out, '}');
    }
    g_string_append(out, "]");
    g_free(rows);
}

static void write_destinations(GString *out, const triage_summary *summary)
{
    guint count;
    triage_summary_destination **rows = triage_summary_destinations_sorted(summary, &count);

    g_string_append(out, ",\n\"destinations\":[");
    for (guint i = 0; i < count; i++) {
        const triage_summary_destination *row = rows[i];
        guint port_count;
        triage_summary_port **ports = triage_summary_ports_sorted(row, &port_count);

        g_string_append(out, i > 0 ? ",\n{\"address\":" : "\n{\"address\":");
        write_address(out, &row->address);
        g_string_append_printf(out, ",\"internal\":%s,\"internal_clients\":%s,\"external_clients\":%s,\"traffic\":",
                               row->internal ? "true" : "false", row->has_internal_client ? "true" : "false",
                               row->has_external_client ? "true" : "false");
        write_traffic(out, &row->traffic);
        g_string_append(out, ",\"initiators\":");
        write_distinct(out, &row->initiators);
        g_string_append(out, ",\"country\":");
        write_string(out, row->country);
        g_string_append(out, ",\"asn\":");
        write_string(out, row->asn);
        g_string_append(out, ",\"captures\":");
        write_names(out, row->captures);
        g_string_append(out, ",\"ports\":[");
        for (guint p = 0; p < port_count; p++) {
            g_string_append_printf(out, "%s{\"transport\":%u,\"port\":%u,\"inferred\":%s,\"traffic\":", p > 0 ? "," : "",
                                   ports[p]->transport, ports[p]->port, ports[p]->inferred ? "true" : "false");
            write_traffic(out, &ports[p]->traffic);
            g_string_append(out, ",\"service\":");
            write_string(out, ports[p]->service);
            g_string_append(out, ",\"initiators\":");
            write_distinct(out, &ports[p]->initiators);
            g_string_append_c(out, '}');
        }
        g_string_append(out, "]}");
        g_free(ports);
    }
    g_string_append(out, "]");
    g_free(rows);
}

static void write_findings(GString *out, const triage_summary *summary)
{
    guint count;
    triage_summary_finding **rows = triage_summary_findings_sorted(summary, &count);

    g_string_append(out, ",\n\"findings\":[");
    for (guint i = 0; i < count; i++) {
        const triage_summary_finding *row = rows[i];
        guint endpoint_count;
        triage_summary_endpoint **endpoints = triage_summary_endpoints_sorted(row, &endpoint_count);

        g_string_append(out, i > 0 ? ",\n{\"rule\":" : "\n{\"rule\":");
        write_string(out, row->rule);
        g_string_append(out, ",\"severity\":");
        write_string(out, row->severity);
        g_string_append(out, ",\"evidence\":");
        write_string(out, row->evidence);
        g_string_append_printf(out, ",\"port_only\":%s,\"message\":", row->port_only ? "true" : "false");
        write_string(out, row->message);
        g_string_append_printf(out,
                               ",\"connections\":%" G_GUINT64_FORMAT ",\"matched_packets\":%" G_GUINT64_FORMAT
                               ",\"packets\":%" G_GUINT64_FORMAT ",\"bytes\":%" G_GUINT64_FORMAT
                               ",\"first\":%" G_GINT64_FORMAT ",\"last\":%" G_GINT64_FORMAT ",\"captures\":",
                               row->connections, row->matched_packets, row->packets, row->bytes, row->first, row->last);
        write_names(out, row->captures);
        g_string_append(out, ",\"endpoints\":[");
        for (guint e = 0; e < endpoint_count; e++) {
            const triage_summary_endpoint *endpoint = endpoints[e];
            g_string_append(out, e > 0 ? ",{\"client\":" : "{\"client\":");
            write_string(out, endpoint->client);
            g_string_append(out, ",\"server\":");
            write_string(out, endpoint->server);
            if (endpoint->port >= 0)
                g_string_append_printf(out, ",\"port\":%" G_GINT64_FORMAT, endpoint->port);
            else
                g_string_append(out, ",\"port\":null");
            g_string_append(out, ",\"transport\":");
            write_string(out, endpoint->transport);
            g_string_append(out, ",\"evidence\":");
            write_string(out, endpoint->evidence);
            g_string_append(out, ",\"host\":");
            write_string(out, endpoint->host);
            g_string_append_printf(out, ",\"packets\":%" G_GUINT64_FORMAT ",\"matched_packets\":%" G_GUINT64_FORMAT
                                   ",\"captures\":",
                                   endpoint->packets, endpoint->matched_packets);
            write_names(out, endpoint->captures);
            g_string_append_c(out, '}');
        }
        g_string_append(out, "]}");
        g_free(endpoints);
    }
    g_string_append(out, "]");
    g_free(rows);
}

static void write_lookups(GString *out, const triage_summary *summary)
{
    guint count;
    triage_summary_lookup **rows = triage_summary_lookups_sorted(summary, &count);

    g_string_append(out, ",\n\"lookups\":[");
    for (guint i = 0; i < count; i++) {
        const triage_summary_lookup *row = rows[i];
        g_string_append(out, i > 0 ? ",\n{\"rule\":" : "\n{\"rule\":");
        write_string(out, row->rule);
        g_string_append(out, ",\"severity\":");
        write_string(out, row->severity);
        g_string_append(out, ",\"evidence\":");
        write_string(out, row->evidence);
        g_string_append(out, ",\"message\":");
        write_string(out, row->message);
        g_string_append(out, ",\"client\":");
        write_string(out, row->client);
        g_string_append(out, ",\"name\":");
        write_string(out, row->name);
        g_string_append_printf(out,
                               ",\"queries\":%" G_GUINT64_FORMAT ",\"first\":%" G_GINT64_FORMAT
                               ",\"last\":%" G_GINT64_FORMAT ",\"captures\":",
                               row->queries, row->first, row->last);
        write_names(out, row->captures);
        g_string_append_c(out, '}');
    }
    g_string_append(out, "]");
    g_free(rows);
}

static void write_slowest(GString *out, const triage_summary *summary)
{
    g_string_append(out, ",\n\"slowest\":[");
    for (guint i = 0; i < summary->slowest->len; i++) {
        const triage_summary_slow *slow = &g_array_index(summary->slowest, triage_summary_slow, i);
        g_string_append(out, i > 0 ? ",\n{\"capture\":" : "\n{\"capture\":");
        write_string(out, slow->capture);
        g_string_append_printf(out, ",\"stream\":%u,\"client\":", slow->stream);
        write_address(out, &slow->client);
        g_string_append_printf(out, ",\"client_port\":%u,\"server\":", slow->client_port);
        write_address(out, &slow->server);
        g_string_append_printf(out, ",\"server_port\":%u,\"legs\":", slow->server_port);
        write_legs(out, slow->legs, slow->has_leg);
        g_string_append_printf(out, ",\"frames\":[%u,%u,%u,%u],\"key_isn\":", slow->frames[0], slow->frames[1],
                               slow->frames[2], slow->frames[3]);
        if (slow->has_key)
            g_string_append_printf(out, "%u}", slow->key_isn);
        else
            g_string_append(out, "null}");
    }
    g_string_append(out, "]");
}

static void write_sightings(GString *out, const triage_summary *summary)
{
    guint count;
    GPtrArray **lists = triage_summary_sightings_sorted(summary, &count);

    g_string_append(out, ",\n\"sightings\":[");
    for (guint i = 0; i < count; i++) {
        const triage_summary_sighting *first = g_ptr_array_index(lists[i], 0);
        g_string_append(out, i > 0 ? ",\n{\"client\":" : "\n{\"client\":");
        write_address(out, &first->client);
        g_string_append_printf(out, ",\"client_port\":%u,\"server\":", first->client_port);
        write_address(out, &first->server);
        g_string_append_printf(out, ",\"server_port\":%u,\"isn\":%u,\"views\":[", first->server_port, first->isn);
        for (guint v = 0; v < lists[i]->len; v++) {
            const triage_summary_sighting *view = g_ptr_array_index(lists[i], v);
            g_string_append(out, v > 0 ? ",{\"capture\":" : "{\"capture\":");
            write_string(out, view->capture);
            g_string_append(out, ",\"capture_point\":");
            write_string(out, triage_capture_point_name((triage_capture_point)view->capture_point));
            g_string_append(out, ",\"outcome\":");
            write_string(out, triage_handshake_outcome_name((triage_handshake_outcome)view->outcome));
            g_string_append_printf(out, ",\"attempted\":%s,\"ambiguous\":%s,\"anomalies\":%u,\"legs\":",
                                   view->attempted ? "true" : "false", view->ambiguous ? "true" : "false",
                                   view->anomalies);
            write_legs(out, view->legs, view->has_leg);
            g_string_append_printf(out,
                                   ",\"packets_to\":%" G_GUINT64_FORMAT ",\"bytes_to\":%" G_GUINT64_FORMAT
                                   ",\"packets_from\":%" G_GUINT64_FORMAT ",\"bytes_from\":%" G_GUINT64_FORMAT "}",
                                   view->packets_to, view->bytes_to, view->packets_from, view->bytes_from);
        }
        g_string_append(out, "]}");
    }
    g_string_append(out, "]");
    g_free(lists);
}

void triage_summary_append_json(GString *out, const triage_summary *summary)
{
    g_string_append_printf(out, "{\"format\":%d,\"slowest_limit\":%u,\"filter\":", TRIAGE_SUMMARY_FORMAT,
                           summary->slowest_limit);
    write_string(out, summary->filter);
    g_string_append(out, ",\"policy_source\":");
    write_string(out, summary->policy_source);
    g_string_append_printf(out,
                           ",\"packets\":%" G_GUINT64_FORMAT ",\"first\":%" G_GINT64_FORMAT ",\"last\":%" G_GINT64_FORMAT
                           ",\"untracked_connections\":%" G_GUINT64_FORMAT ",\"untracked_packets\":%" G_GUINT64_FORMAT
                           ",\"policy_connections\":%" G_GUINT64_FORMAT ",\n\"counts\":",
                           summary->packets, summary->first, summary->last, summary->untracked_connections,
                           summary->untracked_packets, summary->policy_connections);
    write_counts(out, &summary->counts);
    g_string_append(out, ",\n\"legs\":{");
    for (guint leg = 0; leg < TRIAGE_LEG_COUNT; leg++) {
        g_string_append_printf(out, "%s\"%s\":", leg > 0 ? "," : "", triage_leg_name((triage_leg)leg));
        write_sketch(out, summary->legs[leg]);
    }
    g_string_append(out, "}");
    write_captures(out, summary);
    write_servers(out, summary);
    write_destinations(out, summary);
    write_findings(out, summary);
    write_lookups(out, summary);
    write_slowest(out, summary);
    write_sightings(out, summary);
    g_string_append(out, "}");
}
