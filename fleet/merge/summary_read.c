/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * summary_read.c — reads the "summary" member of a schema 2 document back
 * into a triage_summary (the inverse of summary/summary_json.c).
 *
 * Input comes from files a fleet run wrote, or from anyone: every member is
 * checked for its type and range, and the first thing wrong is named with
 * its place ("servers[3].handshake.buckets[0]: not an integer"), never
 * guessed around.  The JSON itself is read by json_tree.c.
 */
#include "summary_read.h"

#include <string.h>

#include "json_tree.h"

#include "connection_table.h"

/* Where the reader is, as a stack of member names and array positions:
 * spelled out ("servers[3].port") only when something is wrong there. */
typedef struct place {
    const char *name; /* NULL: an array position */
    guint index;
} place;

typedef struct reader {
    place places[48];
    guint depth;
    char *error; /* the first problem; NULL while none */
} reader;

static gboolean fail(reader *r, const char *what)
{
    if (r->error == NULL) {
        GString *where = g_string_new("summary");
        for (guint i = 0; i < r->depth && i < G_N_ELEMENTS(r->places); i++) {
            if (r->places[i].name != NULL)
                g_string_append_printf(where, ".%s", r->places[i].name);
            else
                g_string_append_printf(where, "[%u]", r->places[i].index);
        }
        r->error = g_strdup_printf("%s: %s", where->str, what);
        g_string_free(where, TRUE);
    }
    return FALSE;
}

static guint enter_member(reader *r, const char *name)
{
    guint saved = r->depth;
    if (r->depth < G_N_ELEMENTS(r->places))
        r->places[r->depth] = (place){name, 0};
    r->depth++;
    return saved;
}

static guint enter_item(reader *r, guint index)
{
    guint saved = r->depth;
    if (r->depth < G_N_ELEMENTS(r->places))
        r->places[r->depth] = (place){NULL, index};
    r->depth++;
    return saved;
}

static void leave(reader *r, guint saved)
{
    r->depth = saved;
}

static const json_node *member(reader *r, const json_node *object, const char *name)
{
    const json_node *node = json_tree_member(object, name);
    if (node == NULL) {
        guint saved = enter_member(r, name);
        fail(r, "missing");
        leave(r, saved);
    }
    return node;
}

static gboolean node_integer(reader *r, const json_node *node, gint64 minimum, gint64 maximum, gint64 *out)
{
    if (node == NULL || node->type != JSON_TREE_INTEGER)
        return fail(r, "not an integer");
    *out = node->integer;
    if (*out < minimum || *out > maximum)
        return fail(r, "out of range");
    return TRUE;
}

static gboolean get_integer(reader *r, const json_node *object, const char *name, gint64 minimum, gint64 maximum,
                            gint64 *out)
{
    const json_node *node = member(r, object, name);
    guint saved;
    gboolean ok;

    if (node == NULL)
        return FALSE;
    saved = enter_member(r, name);
    ok = node_integer(r, node, minimum, maximum, out);
    leave(r, saved);
    return ok;
}

static gboolean get_count(reader *r, const json_node *object, const char *name, guint64 *out)
{
    gint64 value;
    if (!get_integer(r, object, name, 0, G_MAXINT64, &value))
        return FALSE;
    *out = (guint64)value;
    return TRUE;
}

static gboolean get_time(reader *r, const json_node *object, const char *name, triage_time *out)
{
    gint64 value;
    if (!get_integer(r, object, name, G_MININT64, G_MAXINT64, &value))
        return FALSE;
    *out = value;
    return TRUE;
}

static gboolean get_boolean(reader *r, const json_node *object, const char *name, gboolean *out)
{
    const json_node *node = member(r, object, name);
    guint saved;

    if (node == NULL)
        return FALSE;
    saved = enter_member(r, name);
    if (node->type != JSON_TREE_TRUE && node->type != JSON_TREE_FALSE) {
        fail(r, "not true or false");
        leave(r, saved);
        return FALSE;
    }
    *out = node->type == JSON_TREE_TRUE;
    leave(r, saved);
    return TRUE;
}

/* A string or null (*out NULL); not copied. */
static gboolean get_string(reader *r, const json_node *object, const char *name, gboolean nullable, const char **out)
{
    const json_node *node = member(r, object, name);
    guint saved;

    if (node == NULL)
        return FALSE;
    saved = enter_member(r, name);
    *out = NULL;
    if ((node->type == JSON_TREE_NULL) && nullable) {
        leave(r, saved);
        return TRUE;
    }
    if (node->type != JSON_TREE_STRING) {
        fail(r, nullable ? "not a string or null" : "not a string");
        leave(r, saved);
        return FALSE;
    }
    *out = node->string;
    leave(r, saved);
    return TRUE;
}

static const json_node *get_array(reader *r, const json_node *object, const char *name)
{
    const json_node *node = member(r, object, name);
    guint saved;

    if (node == NULL)
        return NULL;
    if (node->type != JSON_TREE_ARRAY) {
        saved = enter_member(r, name);
        fail(r, "not an array");
        leave(r, saved);
        return NULL;
    }
    return node;
}

static const json_node *get_object(reader *r, const json_node *object, const char *name)
{
    const json_node *node = member(r, object, name);
    guint saved;

    if (node == NULL)
        return NULL;
    if (node->type != JSON_TREE_OBJECT) {
        saved = enter_member(r, name);
        fail(r, "not an object");
        leave(r, saved);
        return NULL;
    }
    return node;
}

static const json_node *element_object(reader *r, const json_node *array, guint index)
{
    const json_node *node = array->items[index];
    if (node->type != JSON_TREE_OBJECT) {
        fail(r, "not an object");
        return NULL;
    }
    return node;
}

static gboolean get_address(reader *r, const json_node *object, const char *name, triage_address *out)
{
    const char *text;
    guint saved;

    if (!get_string(r, object, name, FALSE, &text))
        return FALSE;
    if (triage_address_from_string(text, out))
        return TRUE;
    saved = enter_member(r, name);
    fail(r, "not an IPv4 or IPv6 address");
    leave(r, saved);
    return FALSE;
}

static gboolean read_names(reader *r, const json_node *object, triage_name_set *set)
{
    const json_node *array = get_array(r, object, "captures");

    if (array == NULL)
        return FALSE;
    for (guint i = 0; i < array->count; i++) {
        const json_node *node = array->items[i];
        if (node->type != JSON_TREE_STRING) {
            guint saved = enter_member(r, "captures"); enter_item(r, i);
            fail(r, "not a string");
            leave(r, saved);
            return FALSE;
        }
        triage_name_set_add(set, node->string);
    }
    return TRUE;
}

static gboolean read_sketch(reader *r, const json_node *object, const char *name, triage_log_sketch *sketch)
{
    const json_node *inner = get_object(r, object, name);
    guint saved = enter_member(r, name);
    const json_node *buckets;
    guint64 zero;
    gboolean ok = inner != NULL && get_count(r, inner, "zero", &zero) && (buckets = get_array(r, inner, "buckets"));

    if (ok) {
        triage_log_sketch_add_zero(sketch, zero);
        for (guint i = 0; ok && i < buckets->count; i++) {
            const json_node *node = buckets->items[i];
            guint at = enter_member(r, "buckets"); enter_item(r, i);
            gint64 index = 0, count = 0;

            if (node->type != JSON_TREE_ARRAY || node->count != 2)
                ok = fail(r, "not a pair [bucket, count]");
            else
                ok = node_integer(r, node->items[0], -100000, 100000, &index)
                  && node_integer(r, node->items[1], 1, G_MAXINT64, &count);
            if (ok)
                triage_log_sketch_add_bucket(sketch, (gint32)index, (guint64)count);
            leave(r, at);
        }
    }
    leave(r, saved);
    return ok;
}

static gboolean read_distinct(reader *r, const json_node *object, const char *name, triage_distinct *set)
{
    const json_node *inner = get_object(r, object, name);
    guint saved = enter_member(r, name);
    gboolean ok = inner != NULL;

    if (ok && json_tree_member(inner, "registers") != NULL) {
        const char *text;
        gsize length = 0;
        guchar *registers;

        ok = get_string(r, inner, "registers", FALSE, &text);
        if (ok) {
            registers = g_base64_decode(text, &length);
            if (length != TRIAGE_DISTINCT_REGISTERS) {
                ok = fail(r, "registers: not 4096 base64-coded bytes");
            } else {
                for (guint i = 0; i < TRIAGE_DISTINCT_REGISTERS; i++) {
                    if (registers[i] > 64 - TRIAGE_DISTINCT_REGISTER_BITS + 1) {
                        ok = fail(r, "registers: a register above its largest value");
                        break;
                    }
                    triage_distinct_set_register(set, i, registers[i]);
                }
                if (ok && set->registers == NULL)
                    triage_distinct_set_register(set, 0, 0);
            }
            g_free(registers);
        }
    } else if (ok) {
        const json_node *addresses = get_array(r, inner, "addresses");
        ok = addresses != NULL;
        for (guint i = 0; ok && i < addresses->count; i++) {
            const json_node *node = addresses->items[i];
            triage_address address;
            guint at = enter_member(r, "addresses"); enter_item(r, i);

            memset(&address, 0, sizeof address);
            if (node->type != JSON_TREE_STRING
                || !triage_address_from_string(node->string, &address))
                ok = fail(r, "not an IPv4 or IPv6 address");
            else
                triage_distinct_add(set, &address);
            leave(r, at);
        }
    }
    leave(r, saved);
    return ok;
}

static gboolean read_traffic(reader *r, const json_node *object, triage_summary_traffic *traffic)
{
    const json_node *inner = get_object(r, object, "traffic");
    guint saved = enter_member(r, "traffic");
    gboolean ok = inner != NULL && get_count(r, inner, "connections", &traffic->connections)
               && get_count(r, inner, "packets_to", &traffic->packets_to)
               && get_count(r, inner, "bytes_to", &traffic->bytes_to)
               && get_count(r, inner, "packets_from", &traffic->packets_from)
               && get_count(r, inner, "bytes_from", &traffic->bytes_from) && get_time(r, inner, "first", &traffic->first)
               && get_time(r, inner, "last", &traffic->last);
    leave(r, saved);
    return ok;
}

/* A word of a fixed list (outcome names and so on) to its number. */
static gboolean word_number(reader *r, const char *word, const char *(*name_of)(guint), guint count, guint *out)
{
    for (guint i = 0; i < count; i++) {
        if (strcmp(name_of(i), word) == 0) {
            *out = i;
            return TRUE;
        }
    }
    return fail(r, "an unknown word");
}

static const char *outcome_word(guint i)
{
    return triage_handshake_outcome_name((triage_handshake_outcome)i);
}

static const char *point_word(guint i)
{
    return triage_capture_point_name((triage_capture_point)i);
}

static const char *anomaly_word(guint i)
{
    return triage_handshake_anomaly_name(1u << i);
}

static const char *leg_word(guint i)
{
    return triage_leg_name((triage_leg)i);
}

/* {"word": count, ...} with every word of the list. */
static gboolean read_word_counts(reader *r, const json_node *object, const char *name, const char *(*name_of)(guint),
                                 guint count, guint64 *out)
{
    const json_node *inner = get_object(r, object, name);
    guint saved = enter_member(r, name);
    gboolean ok = inner != NULL;

    for (guint i = 0; ok && i < count; i++)
        ok = get_count(r, inner, name_of(i), &out[i]);
    leave(r, saved);
    return ok;
}

static gboolean read_legs(reader *r, const json_node *object, triage_time *legs, guint8 *has_leg)
{
    const json_node *array = get_array(r, object, "legs");
    guint saved = enter_member(r, "legs");
    gboolean ok = array != NULL;

    if (ok && array->count != TRIAGE_LEG_COUNT)
        ok = fail(r, "not four times");
    *has_leg = 0;
    for (guint leg = 0; ok && leg < TRIAGE_LEG_COUNT; leg++) {
        const json_node *node = array->items[leg];
        gint64 value = 0;
        if (node->type == JSON_TREE_NULL)
            continue;
        ok = node_integer(r, node, G_MININT64, G_MAXINT64, &value);
        legs[leg] = value;
        *has_leg |= (guint8)(1u << leg);
    }
    leave(r, saved);
    return ok;
}

static gboolean read_counts(reader *r, const json_node *object, triage_summary_counts *counts)
{
    const json_node *inner = get_object(r, object, "counts");
    guint saved = enter_member(r, "counts");
    gboolean ok = inner != NULL && get_count(r, inner, "connections", &counts->rtt.connections)
               && get_count(r, inner, "attempted", &counts->rtt.attempted)
               && get_count(r, inner, "ambiguous", &counts->rtt.ambiguous)
               && get_count(r, inner, "anomalous", &counts->rtt.anomalous)
               && get_count(r, inner, "untracked", &counts->rtt.untracked)
               && read_word_counts(r, inner, "outcomes", outcome_word, TRIAGE_OUTCOME_COUNT, counts->rtt.outcomes)
               && read_word_counts(r, inner, "anomalies", anomaly_word, TRIAGE_ANOMALY_KIND_COUNT,
                                   counts->rtt.anomaly_kinds)
               && read_word_counts(r, inner, "capture_points", point_word, TRIAGE_CAPTURE_POINT_COUNT,
                                   counts->capture_points);
    leave(r, saved);
    return ok;
}

static gboolean read_capture(reader *r, triage_summary *summary, const json_node *object)
{
    const char *name;
    const json_node *findings, *tops;
    triage_summary_capture *capture;
    gboolean created;
    const json_node *p50, *p90;
    gboolean ok;

    if (!get_string(r, object, "name", FALSE, &name))
        return FALSE;
    capture = triage_summary_capture_get(summary, name, &created);
    if (!created)
        return fail(r, "a capture named twice");
    ok = get_count(r, object, "packets", &capture->packets) && get_time(r, object, "first", &capture->first)
      && get_time(r, object, "last", &capture->last) && get_count(r, object, "connections", &capture->connections)
      && get_count(r, object, "completed", &capture->completed) && get_count(r, object, "failed", &capture->failed)
      && (p50 = member(r, object, "p50")) != NULL && (p90 = member(r, object, "p90")) != NULL
      && get_count(r, object, "flagged_connections", &capture->flagged_connections)
      && get_count(r, object, "sightings_not_kept", &capture->sightings_not_kept)
      && (findings = get_array(r, object, "findings")) != NULL && (tops = get_array(r, object, "top_destinations"));
    if (!ok)
        return FALSE;
    capture->has_handshakes = !(p50->type == JSON_TREE_NULL);
    if (capture->has_handshakes) {
        guint saved = enter_member(r, "p50");
        ok = node_integer(r, p50, G_MININT64, G_MAXINT64, &capture->p50);
        leave(r, saved);
        saved = enter_member(r, "p90");
        ok = ok && node_integer(r, p90, G_MININT64, G_MAXINT64, &capture->p90);
        leave(r, saved);
    }
    if (ok && findings->count != 4)
        ok = fail(r, "findings: not four counts");
    for (guint i = 0; ok && i < 4; i++) {
        gint64 value = 0;
        guint saved = enter_member(r, "findings"); enter_item(r, i);
        ok = node_integer(r, findings->items[i], 0, G_MAXINT64, &value);
        capture->findings[i] = (guint64)value;
        leave(r, saved);
    }
    for (guint i = 0; ok && i < tops->count; i++) {
        guint saved = enter_member(r, "top_destinations"); enter_item(r, i);
        const json_node *top = element_object(r, tops, i);
        triage_summary_top_destination *row = g_new0(triage_summary_top_destination, 1);
        const char *address = NULL;

        g_ptr_array_add(capture->top_destinations, row);
        ok = top != NULL && get_string(r, top, "address", FALSE, &address) && get_count(r, top, "bytes", &row->bytes)
          && get_count(r, top, "connections", &row->connections);
        row->address = g_strdup(address);
        leave(r, saved);
    }
    return ok;
}

static gboolean read_server(reader *r, triage_summary *summary, const json_node *object)
{
    triage_address address;
    gint64 port = 0;
    triage_summary_server *server;
    const json_node *points;

    memset(&address, 0, sizeof address);
    if (!get_address(r, object, "address", &address) || !get_integer(r, object, "port", 0, 65535, &port))
        return FALSE;
    server = triage_summary_server_get(summary, &address, (guint16)port);
    if (server->connections != 0 || triage_log_sketch_count(server->handshake) != 0)
        return fail(r, "a server listed twice");
    points = object; /* capture_points is a member of the row */
    return get_count(r, object, "connections", &server->connections)
        && get_count(r, object, "completed", &server->completed) && get_count(r, object, "failed", &server->failed)
        && read_word_counts(r, points, "capture_points", point_word, TRIAGE_CAPTURE_POINT_COUNT,
                            server->capture_points)
        && read_sketch(r, object, "handshake", server->handshake)
        && read_distinct(r, object, "initiators", &server->initiators) && read_names(r, object, server->captures);
}

static gboolean read_destination(reader *r, triage_summary *summary, const json_node *object)
{
    triage_address address;
    triage_summary_destination *destination;
    const char *country, *asn;
    const json_node *ports;
    gboolean ok;

    memset(&address, 0, sizeof address);
    if (!get_address(r, object, "address", &address))
        return FALSE;
    destination = triage_summary_destination_get(summary, &address);
    if (destination->traffic.connections != 0 || g_hash_table_size(destination->ports) != 0)
        return fail(r, "a destination listed twice");
    ok = get_boolean(r, object, "internal", &destination->internal)
      && get_boolean(r, object, "internal_clients", &destination->has_internal_client)
      && get_boolean(r, object, "external_clients", &destination->has_external_client)
      && read_traffic(r, object, &destination->traffic)
      && read_distinct(r, object, "initiators", &destination->initiators)
      && get_string(r, object, "country", TRUE, &country) && get_string(r, object, "asn", TRUE, &asn)
      && read_names(r, object, destination->captures) && (ports = get_array(r, object, "ports")) != NULL;
    if (!ok)
        return FALSE;
    destination->country = g_strdup(country);
    destination->asn = g_strdup(asn);
    for (guint i = 0; ok && i < ports->count; i++) {
        guint saved = enter_member(r, "ports"); enter_item(r, i);
        const json_node *row = element_object(r, ports, i);
        gint64 transport = 0, number = 0;
        const char *service;
        triage_summary_port *port;

        ok = row != NULL && get_integer(r, row, "transport", 0, 255, &transport)
          && get_integer(r, row, "port", 0, 65535, &number);
        if (ok) {
            port = triage_summary_port_get(destination, (guint8)transport, (guint16)number);
            if (port->traffic.connections != 0)
                ok = fail(r, "a port listed twice");
            ok = ok && get_boolean(r, row, "inferred", &port->inferred) && read_traffic(r, row, &port->traffic)
              && get_string(r, row, "service", TRUE, &service)
              && read_distinct(r, row, "initiators", &port->initiators);
            if (ok)
                port->service = g_strdup(service);
        }
        leave(r, saved);
    }
    return ok;
}

static gboolean read_finding(reader *r, triage_summary *summary, const json_node *object)
{
    const char *rule, *severity, *evidence, *message;
    gboolean port_only;
    triage_summary_finding *finding;
    const json_node *endpoints;
    gboolean ok;

    ok = get_string(r, object, "rule", TRUE, &rule) && get_string(r, object, "severity", TRUE, &severity)
      && get_string(r, object, "evidence", TRUE, &evidence) && get_boolean(r, object, "port_only", &port_only)
      && get_string(r, object, "message", TRUE, &message);
    if (!ok)
        return FALSE;
    finding = triage_summary_finding_get(summary, rule, severity, evidence, port_only, message);
    if (g_hash_table_size(finding->captures) != 0)
        return fail(r, "a finding listed twice");
    ok = get_count(r, object, "connections", &finding->connections)
      && get_count(r, object, "matched_packets", &finding->matched_packets)
      && get_count(r, object, "packets", &finding->packets) && get_count(r, object, "bytes", &finding->bytes)
      && get_time(r, object, "first", &finding->first) && get_time(r, object, "last", &finding->last)
      && read_names(r, object, finding->captures) && (endpoints = get_array(r, object, "endpoints")) != NULL;
    for (guint i = 0; ok && i < endpoints->count; i++) {
        guint saved = enter_member(r, "endpoints"); enter_item(r, i);
        const json_node *row = element_object(r, endpoints, i);
        const char *client, *server, *transport, *endpoint_evidence, *host;
        const json_node *port_node;
        gint64 port = -1;
        triage_summary_endpoint *endpoint;

        ok = row != NULL && get_string(r, row, "client", TRUE, &client) && get_string(r, row, "server", TRUE, &server)
          && (port_node = member(r, row, "port")) != NULL && get_string(r, row, "transport", TRUE, &transport)
          && get_string(r, row, "evidence", TRUE, &endpoint_evidence) && get_string(r, row, "host", TRUE, &host);
        if (ok && !(port_node->type == JSON_TREE_NULL)) {
            guint at = enter_member(r, "port");
            ok = node_integer(r, port_node, 0, 65535, &port);
            leave(r, at);
        }
        if (ok) {
            endpoint = triage_summary_endpoint_get(finding, client, server, port, transport, endpoint_evidence, host);
            if (g_hash_table_size(endpoint->captures) != 0)
                ok = fail(r, "an endpoint listed twice");
            ok = ok && get_count(r, row, "packets", &endpoint->packets)
              && get_count(r, row, "matched_packets", &endpoint->matched_packets)
              && read_names(r, row, endpoint->captures);
        }
        leave(r, saved);
    }
    return ok;
}

static gboolean read_lookup(reader *r, triage_summary *summary, const json_node *object)
{
    const char *rule, *severity, *evidence, *message, *client, *name;
    triage_summary_lookup *lookup;

    if (!(get_string(r, object, "rule", TRUE, &rule) && get_string(r, object, "severity", TRUE, &severity)
          && get_string(r, object, "evidence", TRUE, &evidence) && get_string(r, object, "message", TRUE, &message)
          && get_string(r, object, "client", TRUE, &client) && get_string(r, object, "name", TRUE, &name)))
        return FALSE;
    lookup = triage_summary_lookup_get(summary, rule, severity, evidence, message, client, name);
    if (g_hash_table_size(lookup->captures) != 0)
        return fail(r, "a lookup listed twice");
    return get_count(r, object, "queries", &lookup->queries) && get_time(r, object, "first", &lookup->first)
        && get_time(r, object, "last", &lookup->last) && read_names(r, object, lookup->captures);
}

static gboolean read_slow(reader *r, triage_summary *summary, const json_node *object)
{
    triage_summary_slow slow;
    const char *capture;
    gint64 stream = 0, client_port = 0, server_port = 0;
    const json_node *frames;
    const json_node *key;
    gboolean ok;

    memset(&slow, 0, sizeof slow);
    ok = get_string(r, object, "capture", FALSE, &capture) && get_integer(r, object, "stream", 0, G_MAXUINT32, &stream)
      && get_address(r, object, "client", &slow.client) && get_integer(r, object, "client_port", 0, 65535, &client_port)
      && get_address(r, object, "server", &slow.server) && get_integer(r, object, "server_port", 0, 65535, &server_port)
      && read_legs(r, object, slow.legs, &slow.has_leg) && (frames = get_array(r, object, "frames")) != NULL
      && (key = member(r, object, "key_isn")) != NULL;
    if (!ok)
        return FALSE;
    if (!g_hash_table_contains(summary->captures, g_intern_string(capture)))
        return fail(r, "capture: not one of the summary's captures");
    if (!(slow.has_leg & (1u << TRIAGE_LEG_HANDSHAKE)))
        return fail(r, "legs: no handshake time");
    if (frames->count != 4)
        return fail(r, "frames: not four frame numbers");
    for (guint i = 0; i < 4; i++) {
        gint64 frame;
        guint saved = enter_member(r, "frames"); enter_item(r, i);
        ok = node_integer(r, frames->items[i], 0, G_MAXUINT32, &frame);
        leave(r, saved);
        if (!ok)
            return FALSE;
        slow.frames[i] = (guint32)frame;
    }
    if (!(key->type == JSON_TREE_NULL)) {
        gint64 isn;
        guint saved = enter_member(r, "key_isn");
        ok = node_integer(r, key, 0, G_MAXUINT32, &isn);
        leave(r, saved);
        if (!ok)
            return FALSE;
        slow.has_key = TRUE;
        slow.key_isn = (guint32)isn;
    }
    slow.capture = capture;
    slow.stream = (guint32)stream;
    slow.client_port = (guint16)client_port;
    slow.server_port = (guint16)server_port;
    triage_summary_add_slow(summary, &slow);
    return TRUE;
}

static gboolean read_sightings(reader *r, triage_summary *summary, const json_node *object)
{
    triage_summary_sighting sighting;
    gint64 client_port = 0, server_port = 0, isn = 0;
    const json_node *views;
    gboolean ok;

    memset(&sighting, 0, sizeof sighting);
    ok = get_address(r, object, "client", &sighting.client)
      && get_integer(r, object, "client_port", 0, 65535, &client_port)
      && get_address(r, object, "server", &sighting.server)
      && get_integer(r, object, "server_port", 0, 65535, &server_port)
      && get_integer(r, object, "isn", 0, G_MAXUINT32, &isn) && (views = get_array(r, object, "views")) != NULL;
    sighting.client_port = (guint16)client_port;
    sighting.server_port = (guint16)server_port;
    sighting.isn = (guint32)isn;
    if (ok && views->count == 0)
        ok = fail(r, "views: empty");
    for (guint i = 0; ok && i < views->count; i++) {
        guint saved = enter_member(r, "views"); enter_item(r, i);
        const json_node *view = element_object(r, views, i);
        const char *capture, *point, *outcome;
        guint point_number = 0, outcome_number = 0;
        gboolean attempted, ambiguous;
        gint64 anomalies = 0;

        ok = view != NULL && get_string(r, view, "capture", FALSE, &capture)
          && get_string(r, view, "capture_point", FALSE, &point) && get_string(r, view, "outcome", FALSE, &outcome)
          && word_number(r, point, point_word, TRIAGE_CAPTURE_POINT_COUNT, &point_number)
          && word_number(r, outcome, outcome_word, TRIAGE_OUTCOME_COUNT, &outcome_number)
          && get_boolean(r, view, "attempted", &attempted) && get_boolean(r, view, "ambiguous", &ambiguous)
          && get_integer(r, view, "anomalies", 0, (1 << TRIAGE_ANOMALY_KIND_COUNT) - 1, &anomalies)
          && read_legs(r, view, sighting.legs, &sighting.has_leg)
          && get_count(r, view, "packets_to", &sighting.packets_to)
          && get_count(r, view, "bytes_to", &sighting.bytes_to)
          && get_count(r, view, "packets_from", &sighting.packets_from)
          && get_count(r, view, "bytes_from", &sighting.bytes_from);
        if (ok && !g_hash_table_contains(summary->captures, g_intern_string(capture)))
            ok = fail(r, "capture: not one of the summary's captures");
        if (ok) {
            sighting.capture = capture;
            sighting.capture_point = (guint8)point_number;
            sighting.outcome = (guint8)outcome_number;
            sighting.attempted = attempted;
            sighting.ambiguous = ambiguous;
            sighting.anomalies = (guint8)anomalies;
            triage_summary_add_sighting(summary, &sighting);
        }
        leave(r, saved);
    }
    return ok;
}

typedef gboolean (*row_reader)(reader *, triage_summary *, const json_node *);

static gboolean read_rows(reader *r, triage_summary *summary, const json_node *object, const char *name, row_reader read)
{
    const json_node *rows = get_array(r, object, name);
    gboolean ok = rows != NULL;

    for (guint i = 0; ok && i < rows->count; i++) {
        guint saved = enter_member(r, name); enter_item(r, i);
        const json_node *row = element_object(r, rows, i);
        ok = row != NULL && read(r, summary, row);
        leave(r, saved);
    }
    return ok;
}

static gboolean read_summary(reader *r, const json_node *object, triage_summary *summary)
{
    gint64 format, slowest_limit;
    const char *filter, *policy_source;
    const json_node *legs;
    gboolean ok;

    if (!get_integer(r, object, "format", G_MININT64, G_MAXINT64, &format))
        return FALSE;
    if (format != TRIAGE_SUMMARY_FORMAT)
        return fail(r, "a summary format this build does not read");
    ok = get_integer(r, object, "slowest_limit", 0, 1000000, &slowest_limit)
      && get_string(r, object, "filter", TRUE, &filter) && get_string(r, object, "policy_source", TRUE, &policy_source)
      && get_count(r, object, "packets", &summary->packets) && get_time(r, object, "first", &summary->first)
      && get_time(r, object, "last", &summary->last)
      && get_count(r, object, "untracked_connections", &summary->untracked_connections)
      && get_count(r, object, "untracked_packets", &summary->untracked_packets)
      && get_count(r, object, "policy_connections", &summary->policy_connections)
      && read_counts(r, object, &summary->counts) && (legs = get_object(r, object, "legs")) != NULL;
    if (!ok)
        return FALSE;
    summary->slowest_limit = (guint)slowest_limit;
    summary->filter = g_strdup(filter);
    summary->policy_source = g_strdup(policy_source);
    {
        guint saved = enter_member(r, "legs");
        for (guint leg = 0; ok && leg < TRIAGE_LEG_COUNT; leg++)
            ok = read_sketch(r, legs, leg_word(leg), summary->legs[leg]);
        leave(r, saved);
    }
    return ok && read_rows(r, summary, object, "captures", read_capture)
        && read_rows(r, summary, object, "servers", read_server)
        && read_rows(r, summary, object, "destinations", read_destination)
        && read_rows(r, summary, object, "findings", read_finding)
        && read_rows(r, summary, object, "lookups", read_lookup)
        && read_rows(r, summary, object, "slowest", read_slow)
        && read_rows(r, summary, object, "sightings", read_sightings);
}

triage_summary *triage_summary_read_document(const char *text, gsize length, char **error)
{
    reader r = {.depth = 0, .error = NULL};
    char *parse_error = NULL;
    json_tree *tree = json_tree_parse_keeping(text, length, "summary", &parse_error);
    triage_summary *summary = NULL;
    const json_node *document, *schema, *member_node;

    if (tree == NULL) {
        *error = g_strdup_printf("not a JSON document (%s)", parse_error);
        g_free(parse_error);
        return NULL;
    }
    document = json_tree_root(tree);
    if (document->type != JSON_TREE_OBJECT) {
        *error = g_strdup("not a Capture Triage JSON document (no object at the top)");
        goto done;
    }
    schema = json_tree_member(document, "schema");
    if (schema == NULL || schema->type != JSON_TREE_INTEGER) {
        *error = g_strdup("not a Capture Triage JSON document (no \"schema\" number)");
        goto done;
    }
    member_node = json_tree_member(document, "summary");
    if (member_node == NULL || member_node->type != JSON_TREE_OBJECT) {
        *error = g_strdup_printf("schema %" G_GINT64_FORMAT " document without a \"summary\": made by an older "
                                 "Capture Triage or another tool; triage the capture again with format=json",
                                 schema->integer);
        goto done;
    }
    summary = triage_summary_new();
    if (!read_summary(&r, member_node, summary)) {
        *error = r.error != NULL ? r.error : g_strdup("summary: unreadable");
        r.error = NULL;
        triage_summary_free(summary);
        summary = NULL;
    }
done:
    g_free(r.error);
    json_tree_free(tree);
    return summary;
}
