/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * summary.c — the summary's rows, their keys and their merge (see
 * summary.h).  Their fixed order is summary_order.c's; counting a shared
 * connection once is summary_dedup.c's.
 */
#include "summary.h"

#include <stdlib.h>
#include <string.h>

#include "byte_hash.h"
#include "summary_keys.h"

/* GLib 2.74 (Debian 12) has no g_hash_table_get_values_as_array. */
gpointer *triage_hash_table_values(GHashTable *table, guint *count)
{
    GHashTableIter iter;
    gpointer value;
    gpointer *values = g_new(gpointer, g_hash_table_size(table) + 1);
    guint n = 0;

    g_hash_table_iter_init(&iter, table);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        values[n++] = value;
    *count = n;
    return values;
}

/* ---- names ------------------------------------------------------------- */

static triage_name_set *name_set_new(void)
{
    return g_hash_table_new(g_direct_hash, g_direct_equal);
}

void triage_name_set_add(triage_name_set *set, const char *name)
{
    g_hash_table_add(set, (gpointer)g_intern_string(name));
}

static void name_set_merge(triage_name_set *target, const triage_name_set *source)
{
    GHashTableIter iter;
    gpointer key;

    g_hash_table_iter_init(&iter, (GHashTable *)source);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        g_hash_table_add(target, key);
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **triage_name_set_sorted(const triage_name_set *set, guint *count)
{
    const char **names = (const char **)g_hash_table_get_keys_as_array((GHashTable *)set, count);

    qsort(names, *count, sizeof *names, compare_strings);
    return names;
}

/* NULL sorts first. */
static int compare_optional(const char *left, const char *right)
{
    if (left == NULL || right == NULL)
        return (left != NULL) - (right != NULL);
    return strcmp(left, right);
}

static guint hash_optional(guint hash, const char *text)
{
    return text == NULL ? triage_hash_bytes(hash, "", 1) : triage_hash_bytes(hash, text, strlen(text) + 1);
}

int triage_summary_compare_addresses(const triage_address *left, const triage_address *right)
{
    if (left->family != right->family)
        return left->family < right->family ? -1 : 1;
    return memcmp(left->bytes, right->bytes, sizeof left->bytes);
}


/* ---- traffic ----------------------------------------------------------- */

void triage_summary_traffic_add(triage_summary_traffic *target, const triage_summary_traffic *source)
{
    if (source->connections == 0 && source->packets_to == 0 && source->packets_from == 0)
        return;
    if (target->connections == 0 && target->packets_to == 0 && target->packets_from == 0) {
        target->first = source->first;
        target->last = source->last;
    } else {
        target->first = MIN(target->first, source->first);
        target->last = MAX(target->last, source->last);
    }
    target->connections += source->connections;
    target->packets_to += source->packets_to;
    target->bytes_to += source->bytes_to;
    target->packets_from += source->packets_from;
    target->bytes_from += source->bytes_from;
}

/* ---- rows -------------------------------------------------------------- */

static guint server_hash(gconstpointer key)
{
    const triage_summary_server *server = key;
    return triage_hash_bytes(triage_hash_bytes(TRIAGE_HASH_SEED, &server->address, sizeof server->address),
                             &server->port, sizeof server->port);
}

static gboolean server_equal(gconstpointer a, gconstpointer b)
{
    const triage_summary_server *left = a, *right = b;
    return left->port == right->port && triage_summary_compare_addresses(&left->address, &right->address) == 0;
}

static void server_free(gpointer data)
{
    triage_summary_server *server = data;
    triage_log_sketch_free(server->handshake);
    triage_distinct_clear(&server->initiators);
    g_hash_table_destroy(server->captures);
    g_free(server);
}

static guint destination_hash(gconstpointer key)
{
    const triage_summary_destination *destination = key;
    return triage_hash_bytes(TRIAGE_HASH_SEED, &destination->address, sizeof destination->address);
}

static gboolean destination_equal(gconstpointer a, gconstpointer b)
{
    const triage_summary_destination *left = a, *right = b;
    return triage_summary_compare_addresses(&left->address, &right->address) == 0;
}

static guint port_hash(gconstpointer key)
{
    const triage_summary_port *port = key;
    return ((guint)port->transport << 16) | port->port;
}

static gboolean port_equal(gconstpointer a, gconstpointer b)
{
    const triage_summary_port *left = a, *right = b;
    return left->transport == right->transport && left->port == right->port;
}

static void port_free(gpointer data)
{
    triage_summary_port *port = data;
    triage_distinct_clear(&port->initiators);
    g_free(port->service);
    g_free(port);
}

static void destination_free(gpointer data)
{
    triage_summary_destination *destination = data;
    triage_distinct_clear(&destination->initiators);
    g_free(destination->country);
    g_free(destination->asn);
    g_hash_table_destroy(destination->ports);
    g_hash_table_destroy(destination->captures);
    g_free(destination);
}

static guint finding_hash(gconstpointer key)
{
    const triage_summary_finding *finding = key;
    guint hash = hash_optional(TRIAGE_HASH_SEED, finding->rule);
    hash = hash_optional(hash, finding->severity);
    hash = hash_optional(hash, finding->evidence);
    hash = hash_optional(hash, finding->message);
    return hash ^ (guint)finding->port_only;
}

int triage_summary_finding_compare_keys(const triage_summary_finding *left, const triage_summary_finding *right)
{
    int order;
    if ((order = compare_optional(left->rule, right->rule)) != 0)
        return order;
    if ((order = compare_optional(left->severity, right->severity)) != 0)
        return order;
    if ((order = compare_optional(left->evidence, right->evidence)) != 0)
        return order;
    if (left->port_only != right->port_only)
        return left->port_only ? 1 : -1;
    return compare_optional(left->message, right->message);
}

static gboolean finding_equal(gconstpointer a, gconstpointer b)
{
    return triage_summary_finding_compare_keys(a, b) == 0;
}

static guint endpoint_hash(gconstpointer key)
{
    const triage_summary_endpoint *endpoint = key;
    guint hash = hash_optional(TRIAGE_HASH_SEED, endpoint->client);
    hash = hash_optional(hash, endpoint->server);
    hash = hash_optional(hash, endpoint->transport);
    hash = hash_optional(hash, endpoint->evidence);
    hash = hash_optional(hash, endpoint->host);
    return triage_hash_bytes(hash, &endpoint->port, sizeof endpoint->port);
}

int triage_summary_endpoint_compare_keys(const triage_summary_endpoint *left, const triage_summary_endpoint *right)
{
    int order;
    if ((order = compare_optional(left->client, right->client)) != 0)
        return order;
    if ((order = compare_optional(left->server, right->server)) != 0)
        return order;
    if (left->port != right->port)
        return COMPARE_NUMBERS(left->port, right->port);
    if ((order = compare_optional(left->transport, right->transport)) != 0)
        return order;
    if ((order = compare_optional(left->evidence, right->evidence)) != 0)
        return order;
    return compare_optional(left->host, right->host);
}

static gboolean endpoint_equal(gconstpointer a, gconstpointer b)
{
    return triage_summary_endpoint_compare_keys(a, b) == 0;
}

static void endpoint_free(gpointer data)
{
    triage_summary_endpoint *endpoint = data;
    g_free(endpoint->client);
    g_free(endpoint->server);
    g_free(endpoint->transport);
    g_free(endpoint->evidence);
    g_free(endpoint->host);
    g_hash_table_destroy(endpoint->captures);
    g_free(endpoint);
}

static void finding_free(gpointer data)
{
    triage_summary_finding *finding = data;
    g_free(finding->rule);
    g_free(finding->severity);
    g_free(finding->evidence);
    g_free(finding->message);
    g_hash_table_destroy(finding->endpoints);
    g_hash_table_destroy(finding->captures);
    g_free(finding);
}

static guint lookup_hash(gconstpointer key)
{
    const triage_summary_lookup *lookup = key;
    guint hash = hash_optional(TRIAGE_HASH_SEED, lookup->rule);
    hash = hash_optional(hash, lookup->severity);
    hash = hash_optional(hash, lookup->evidence);
    hash = hash_optional(hash, lookup->message);
    hash = hash_optional(hash, lookup->client);
    return hash_optional(hash, lookup->name);
}

int triage_summary_lookup_compare_keys(const triage_summary_lookup *left, const triage_summary_lookup *right)
{
    int order;
    if ((order = compare_optional(left->rule, right->rule)) != 0)
        return order;
    if ((order = compare_optional(left->severity, right->severity)) != 0)
        return order;
    if ((order = compare_optional(left->evidence, right->evidence)) != 0)
        return order;
    if ((order = compare_optional(left->message, right->message)) != 0)
        return order;
    if ((order = compare_optional(left->client, right->client)) != 0)
        return order;
    return compare_optional(left->name, right->name);
}

static gboolean lookup_equal(gconstpointer a, gconstpointer b)
{
    return triage_summary_lookup_compare_keys(a, b) == 0;
}

static void lookup_free(gpointer data)
{
    triage_summary_lookup *lookup = data;
    g_free(lookup->rule);
    g_free(lookup->severity);
    g_free(lookup->evidence);
    g_free(lookup->message);
    g_free(lookup->client);
    g_free(lookup->name);
    g_hash_table_destroy(lookup->captures);
    g_free(lookup);
}

static void capture_free(gpointer data)
{
    triage_summary_capture *capture = data;
    g_ptr_array_free(capture->top_destinations, TRUE);
    g_free(capture);
}

static void top_destination_free(gpointer data)
{
    triage_summary_top_destination *top = data;
    g_free(top->address);
    g_free(top);
}

void triage_summary_sighting_key_of(const triage_summary_sighting *sighting, triage_summary_sighting_key *key)
{
    memset(key, 0, sizeof *key);
    key->client = sighting->client;
    key->server = sighting->server;
    key->client_port = sighting->client_port;
    key->server_port = sighting->server_port;
    key->isn = sighting->isn;
}

static guint sighting_key_hash(gconstpointer key)
{
    return triage_hash_bytes(TRIAGE_HASH_SEED, key, sizeof(triage_summary_sighting_key));
}

static gboolean sighting_key_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(triage_summary_sighting_key)) == 0;
}

int triage_summary_sighting_key_compare(const triage_summary_sighting_key *left,
                                        const triage_summary_sighting_key *right)
{
    int order;
    if ((order = triage_summary_compare_addresses(&left->client, &right->client)) != 0)
        return order;
    if ((order = triage_summary_compare_addresses(&left->server, &right->server)) != 0)
        return order;
    if (left->client_port != right->client_port)
        return COMPARE_NUMBERS(left->client_port, right->client_port);
    if (left->server_port != right->server_port)
        return COMPARE_NUMBERS(left->server_port, right->server_port);
    return COMPARE_NUMBERS(left->isn, right->isn);
}

static void sightings_free(gpointer data)
{
    g_ptr_array_free(data, TRUE);
}

triage_summary *triage_summary_new(void)
{
    triage_summary *summary = g_new0(triage_summary, 1);

    summary->slowest_limit = TRIAGE_SUMMARY_SLOWEST_DEFAULT;
    summary->captures = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, capture_free);
    for (guint leg = 0; leg < TRIAGE_LEG_COUNT; leg++)
        summary->legs[leg] = triage_log_sketch_new();
    summary->servers = g_hash_table_new_full(server_hash, server_equal, server_free, NULL);
    summary->destinations = g_hash_table_new_full(destination_hash, destination_equal, destination_free, NULL);
    summary->findings = g_hash_table_new_full(finding_hash, finding_equal, finding_free, NULL);
    summary->lookups = g_hash_table_new_full(lookup_hash, lookup_equal, lookup_free, NULL);
    summary->slowest = g_array_new(FALSE, TRUE, sizeof(triage_summary_slow));
    summary->sightings = g_hash_table_new_full(sighting_key_hash, sighting_key_equal, g_free, sightings_free);
    return summary;
}

void triage_summary_free(triage_summary *summary)
{
    if (summary == NULL)
        return;
    g_free(summary->filter);
    g_free(summary->policy_source);
    g_hash_table_destroy(summary->captures);
    for (guint leg = 0; leg < TRIAGE_LEG_COUNT; leg++)
        triage_log_sketch_free(summary->legs[leg]);
    g_hash_table_destroy(summary->servers);
    g_hash_table_destroy(summary->destinations);
    g_hash_table_destroy(summary->findings);
    g_hash_table_destroy(summary->lookups);
    g_array_free(summary->slowest, TRUE);
    g_hash_table_destroy(summary->sightings);
    g_free(summary);
}

triage_summary_capture *triage_summary_capture_get(triage_summary *summary, const char *name, gboolean *created)
{
    const char *interned = g_intern_string(name);
    triage_summary_capture *capture = g_hash_table_lookup(summary->captures, interned);

    if (created != NULL)
        *created = capture == NULL;
    if (capture == NULL) {
        capture = g_new0(triage_summary_capture, 1);
        capture->name = interned;
        capture->top_destinations = g_ptr_array_new_with_free_func(top_destination_free);
        g_hash_table_insert(summary->captures, (gpointer)interned, capture);
    }
    return capture;
}

triage_summary_server *triage_summary_server_get(triage_summary *summary, const triage_address *address, guint16 port)
{
    triage_summary_server probe;
    triage_summary_server *server;

    memset(&probe, 0, sizeof probe);
    probe.address = *address;
    probe.port = port;
    server = g_hash_table_lookup(summary->servers, &probe);
    if (server == NULL) {
        server = g_new0(triage_summary_server, 1);
        server->address = *address;
        server->port = port;
        server->handshake = triage_log_sketch_new();
        triage_distinct_init(&server->initiators);
        server->captures = name_set_new();
        g_hash_table_add(summary->servers, server);
    }
    return server;
}

triage_summary_destination *triage_summary_destination_get(triage_summary *summary, const triage_address *address)
{
    triage_summary_destination probe;
    triage_summary_destination *destination;

    memset(&probe, 0, sizeof probe);
    probe.address = *address;
    destination = g_hash_table_lookup(summary->destinations, &probe);
    if (destination == NULL) {
        destination = g_new0(triage_summary_destination, 1);
        destination->address = *address;
        triage_distinct_init(&destination->initiators);
        destination->ports = g_hash_table_new_full(port_hash, port_equal, port_free, NULL);
        destination->captures = name_set_new();
        g_hash_table_add(summary->destinations, destination);
    }
    return destination;
}

triage_summary_port *triage_summary_port_get(triage_summary_destination *destination, guint8 transport, guint16 port)
{
    triage_summary_port probe = {.transport = transport, .port = port};
    triage_summary_port *row = g_hash_table_lookup(destination->ports, &probe);

    if (row == NULL) {
        row = g_new0(triage_summary_port, 1);
        row->transport = transport;
        row->port = port;
        row->inferred = TRUE;
        triage_distinct_init(&row->initiators);
        g_hash_table_add(destination->ports, row);
    }
    return row;
}

triage_summary_finding *triage_summary_finding_get(triage_summary *summary, const char *rule, const char *severity,
                                                   const char *evidence, gboolean port_only, const char *message)
{
    triage_summary_finding probe = {.rule = (char *)rule, .severity = (char *)severity,
                                    .evidence = (char *)evidence, .port_only = port_only,
                                    .message = (char *)message};
    triage_summary_finding *finding = g_hash_table_lookup(summary->findings, &probe);

    if (finding == NULL) {
        finding = g_new0(triage_summary_finding, 1);
        finding->rule = g_strdup(rule);
        finding->severity = g_strdup(severity);
        finding->evidence = g_strdup(evidence);
        finding->port_only = port_only;
        finding->message = g_strdup(message);
        finding->endpoints = g_hash_table_new_full(endpoint_hash, endpoint_equal, endpoint_free, NULL);
        finding->captures = name_set_new();
        g_hash_table_add(summary->findings, finding);
    }
    return finding;
}

triage_summary_endpoint *triage_summary_endpoint_get(triage_summary_finding *finding, const char *client,
                                                     const char *server, gint64 port, const char *transport,
                                                     const char *evidence, const char *host)
{
    triage_summary_endpoint probe = {.client = (char *)client, .server = (char *)server, .port = port,
                                     .transport = (char *)transport, .evidence = (char *)evidence,
                                     .host = (char *)host};
    triage_summary_endpoint *endpoint = g_hash_table_lookup(finding->endpoints, &probe);

    if (endpoint == NULL) {
        endpoint = g_new0(triage_summary_endpoint, 1);
        endpoint->client = g_strdup(client);
        endpoint->server = g_strdup(server);
        endpoint->port = port;
        endpoint->transport = g_strdup(transport);
        endpoint->evidence = g_strdup(evidence);
        endpoint->host = g_strdup(host);
        endpoint->captures = name_set_new();
        g_hash_table_add(finding->endpoints, endpoint);
    }
    return endpoint;
}

triage_summary_lookup *triage_summary_lookup_get(triage_summary *summary, const char *rule, const char *severity,
                                                 const char *evidence, const char *message, const char *client,
                                                 const char *name)
{
    triage_summary_lookup probe = {.rule = (char *)rule, .severity = (char *)severity, .evidence = (char *)evidence,
                                   .message = (char *)message, .client = (char *)client, .name = (char *)name};
    triage_summary_lookup *lookup = g_hash_table_lookup(summary->lookups, &probe);

    if (lookup == NULL) {
        lookup = g_new0(triage_summary_lookup, 1);
        lookup->rule = g_strdup(rule);
        lookup->severity = g_strdup(severity);
        lookup->evidence = g_strdup(evidence);
        lookup->message = g_strdup(message);
        lookup->client = g_strdup(client);
        lookup->name = g_strdup(name);
        lookup->captures = name_set_new();
        g_hash_table_add(summary->lookups, lookup);
    }
    return lookup;
}

/* ---- the slowest handshakes ---------------------------------------------- */

int triage_summary_slow_compare(const triage_summary_slow *left, const triage_summary_slow *right)
{
    triage_time left_value = left->legs[TRIAGE_LEG_HANDSHAKE], right_value = right->legs[TRIAGE_LEG_HANDSHAKE];
    int order;

    if (left_value != right_value)
        return left_value > right_value ? -1 : 1;
    if ((order = strcmp(left->capture, right->capture)) != 0)
        return order;
    if (left->stream != right->stream)
        return COMPARE_NUMBERS(left->stream, right->stream);
    return COMPARE_NUMBERS(left->frames[3], right->frames[3]);
}

static int compare_slow(const void *a, const void *b)
{
    return triage_summary_slow_compare(a, b);
}

/* Insertion keeps the array sorted; it holds at most slowest_limit rows
 * (20 by default), so a linear insert costs less than a heap would save. */
void triage_summary_add_slow(triage_summary *summary, const triage_summary_slow *slow)
{
    GArray *rows = summary->slowest;
    guint position = rows->len;

    if (summary->slowest_limit == 0)
        return;
    while (position > 0 && compare_slow(slow, &g_array_index(rows, triage_summary_slow, position - 1)) < 0)
        position--;
    if (position >= summary->slowest_limit)
        return;
    g_array_insert_val(rows, position, *slow);
    g_array_index(rows, triage_summary_slow, position).capture = g_intern_string(slow->capture);
    if (rows->len > summary->slowest_limit)
        g_array_set_size(rows, summary->slowest_limit);
}

/* ---- sightings ------------------------------------------------------------ */

static int compare_sightings(gconstpointer a, gconstpointer b)
{
    const triage_summary_sighting *left = *(const triage_summary_sighting *const *)a;
    const triage_summary_sighting *right = *(const triage_summary_sighting *const *)b;
    return strcmp(left->capture, right->capture);
}

void triage_summary_add_sighting(triage_summary *summary, const triage_summary_sighting *sighting)
{
    triage_summary_sighting_key key;
    GPtrArray *list;
    triage_summary_sighting *copy;

    triage_summary_sighting_key_of(sighting, &key);
    list = g_hash_table_lookup(summary->sightings, &key);
    if (list == NULL) {
        list = g_ptr_array_new_with_free_func(g_free);
        g_hash_table_insert(summary->sightings, g_memdup2(&key, sizeof key), list);
    }
    /* One sighting a capture: a second view of one key in one capture (a
     * reused port with a repeated ISN) is not a duplicate across captures. */
    for (guint i = 0; i < list->len; i++)
        if (((triage_summary_sighting *)g_ptr_array_index(list, i))->capture == g_intern_string(sighting->capture))
            return;
    copy = g_memdup2(sighting, sizeof *sighting);
    copy->capture = g_intern_string(sighting->capture);
    g_ptr_array_add(list, copy);
    g_ptr_array_sort(list, compare_sightings);
}

/* ---- merge ------------------------------------------------------------------ */

static void counts_add(triage_summary_counts *target, const triage_summary_counts *source)
{
    triage_rtt_counts *to = &target->rtt;
    const triage_rtt_counts *from = &source->rtt;

    to->connections += from->connections;
    to->attempted += from->attempted;
    to->ambiguous += from->ambiguous;
    to->anomalous += from->anomalous;
    to->untracked += from->untracked;
    for (guint i = 0; i < TRIAGE_OUTCOME_COUNT; i++)
        to->outcomes[i] += from->outcomes[i];
    for (guint i = 0; i < TRIAGE_ANOMALY_KIND_COUNT; i++)
        to->anomaly_kinds[i] += from->anomaly_kinds[i];
    for (guint i = 0; i < TRIAGE_CAPTURE_POINT_COUNT; i++)
        target->capture_points[i] += source->capture_points[i];
}

/* The smaller of two optional words: the same answer in any merge order. */
static void keep_smaller(char **target, const char *source)
{
    if (source != NULL && (*target == NULL || strcmp(source, *target) < 0)) {
        g_free(*target);
        *target = g_strdup(source);
    }
}

static void merge_capture(triage_summary *target, const triage_summary_capture *source)
{
    triage_summary_capture *capture = triage_summary_capture_get(target, source->name, NULL);
    GPtrArray *tops = capture->top_destinations;

    *capture = *source;
    capture->top_destinations = tops;
    for (guint i = 0; i < source->top_destinations->len; i++) {
        const triage_summary_top_destination *top = g_ptr_array_index(source->top_destinations, i);
        triage_summary_top_destination *copy = g_new0(triage_summary_top_destination, 1);
        copy->address = g_strdup(top->address);
        copy->bytes = top->bytes;
        copy->connections = top->connections;
        g_ptr_array_add(tops, copy);
    }
}

static void merge_destination(triage_summary *target, const triage_summary_destination *source)
{
    triage_summary_destination *destination = triage_summary_destination_get(target, &source->address);
    GHashTableIter iter;
    gpointer key;

    destination->internal |= source->internal;
    destination->has_internal_client |= source->has_internal_client;
    destination->has_external_client |= source->has_external_client;
    triage_summary_traffic_add(&destination->traffic, &source->traffic);
    triage_distinct_merge(&destination->initiators, &source->initiators);
    keep_smaller(&destination->country, source->country);
    keep_smaller(&destination->asn, source->asn);
    name_set_merge(destination->captures, source->captures);
    g_hash_table_iter_init(&iter, source->ports);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        const triage_summary_port *from = key;
        triage_summary_port *port = triage_summary_port_get(destination, from->transport, from->port);
        port->inferred = port->inferred && from->inferred;
        keep_smaller(&port->service, from->service);
        triage_summary_traffic_add(&port->traffic, &from->traffic);
        triage_distinct_merge(&port->initiators, &from->initiators);
    }
}

static void merge_finding(triage_summary *target, const triage_summary_finding *source)
{
    triage_summary_finding *finding = triage_summary_finding_get(target, source->rule, source->severity,
                                                                 source->evidence, source->port_only, source->message);
    GHashTableIter iter;
    gpointer key;

    if (finding->connections == 0 && finding->packets == 0) {
        finding->first = source->first;
        finding->last = source->last;
    } else {
        finding->first = MIN(finding->first, source->first);
        finding->last = MAX(finding->last, source->last);
    }
    finding->connections += source->connections;
    finding->matched_packets += source->matched_packets;
    finding->packets += source->packets;
    finding->bytes += source->bytes;
    name_set_merge(finding->captures, source->captures);
    g_hash_table_iter_init(&iter, source->endpoints);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        const triage_summary_endpoint *from = key;
        triage_summary_endpoint *endpoint = triage_summary_endpoint_get(finding, from->client, from->server, from->port,
                                                                        from->transport, from->evidence, from->host);
        endpoint->packets += from->packets;
        endpoint->matched_packets += from->matched_packets;
        name_set_merge(endpoint->captures, from->captures);
    }
}

static void merge_lookup(triage_summary *target, const triage_summary_lookup *source)
{
    triage_summary_lookup *lookup = triage_summary_lookup_get(target, source->rule, source->severity, source->evidence,
                                                              source->message, source->client, source->name);
    if (lookup->queries == 0) {
        lookup->first = source->first;
        lookup->last = source->last;
    } else {
        lookup->first = MIN(lookup->first, source->first);
        lookup->last = MAX(lookup->last, source->last);
    }
    lookup->queries += source->queries;
    name_set_merge(lookup->captures, source->captures);
}

gboolean triage_summary_merge(triage_summary *target, const triage_summary *source, char **error)
{
    GHashTableIter iter;
    gpointer key, value;
    gboolean target_empty = g_hash_table_size(target->captures) == 0;

    g_hash_table_iter_init(&iter, source->captures);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        if (g_hash_table_contains(target->captures, key)) {
            *error = g_strdup_printf("the capture \"%s\" is given twice (a capture counts once: give it once, "
                                     "or name the two apart with name=)", (const char *)key);
            return FALSE;
        }
    }
    g_hash_table_iter_init(&iter, source->captures);
    while (g_hash_table_iter_next(&iter, &key, &value))
        merge_capture(target, value);

    /* What every capture agrees on stays; a disagreement says so. */
    if (target_empty) {
        g_free(target->filter);
        target->filter = g_strdup(source->filter);
        g_free(target->policy_source);
        target->policy_source = g_strdup(source->policy_source);
        target->slowest_limit = source->slowest_limit;
    } else {
        if (compare_optional(target->filter, source->filter) != 0) {
            g_free(target->filter);
            target->filter = g_strdup("(captures read with different filters)");
        }
        if (compare_optional(target->policy_source, source->policy_source) != 0) {
            g_free(target->policy_source);
            target->policy_source = g_strdup("mixed");
        }
        target->slowest_limit = MIN(target->slowest_limit, source->slowest_limit);
    }

    counts_add(&target->counts, &source->counts);
    for (guint leg = 0; leg < TRIAGE_LEG_COUNT; leg++)
        triage_log_sketch_merge(target->legs[leg], source->legs[leg]);
    if (source->packets > 0) {
        if (target->packets == 0) {
            target->first = source->first;
            target->last = source->last;
        } else {
            target->first = MIN(target->first, source->first);
            target->last = MAX(target->last, source->last);
        }
    }
    target->packets += source->packets;
    target->untracked_connections += source->untracked_connections;
    target->untracked_packets += source->untracked_packets;
    target->policy_connections += source->policy_connections;

    g_hash_table_iter_init(&iter, source->servers);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        const triage_summary_server *from = key;
        triage_summary_server *server = triage_summary_server_get(target, &from->address, from->port);
        server->connections += from->connections;
        server->completed += from->completed;
        server->failed += from->failed;
        for (guint i = 0; i < TRIAGE_CAPTURE_POINT_COUNT; i++)
            server->capture_points[i] += from->capture_points[i];
        triage_log_sketch_merge(server->handshake, from->handshake);
        triage_distinct_merge(&server->initiators, &from->initiators);
        name_set_merge(server->captures, from->captures);
    }
    g_hash_table_iter_init(&iter, source->destinations);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        merge_destination(target, key);
    g_hash_table_iter_init(&iter, source->findings);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        merge_finding(target, key);
    g_hash_table_iter_init(&iter, source->lookups);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        merge_lookup(target, key);

    /* The top K of a union is the top K of the tops, when K shrinks to the
     * smaller limit first. */
    if (target->slowest->len > target->slowest_limit)
        g_array_set_size(target->slowest, target->slowest_limit);
    for (guint i = 0; i < source->slowest->len; i++)
        triage_summary_add_slow(target, &g_array_index(source->slowest, triage_summary_slow, i));

    g_hash_table_iter_init(&iter, source->sightings);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        GPtrArray *list = value;
        for (guint i = 0; i < list->len; i++)
            triage_summary_add_sighting(target, g_ptr_array_index(list, i));
    }
    return TRUE;
}

