/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy_hosts.c — reads the name a client asks for and keeps the DNS
 * lookups of listed names (policy.h, "Host names and DNS lookups").
 *
 * Why from the payload and not from Wireshark's fields: the dns tap has no
 * query name, the tls tap no SNI, and asking for dns.qry.name or
 * tls.handshake.extensions_server_name makes tshark build a protocol tree
 * for every packet (BENCHMARKS.md measures both).  The glue already hands
 * the engine each packet's payload; three small parsers (dns_name.c,
 * tls_sni.c, http_host.c) read what is needed from it.
 *
 * A TCP connection's first bytes to the server are read until its parser
 * decides: one packet for most, a few for a ClientHello cut into segments,
 * which are joined here in sequence order (a retransmission adds only what
 * is new, a gap ends the search) up to TRIAGE_TLS_STREAM_MAX bytes.  Only
 * connections in the middle of that hold a buffer, and all of them together
 * at most HOST_STREAMS_MAX_BYTES: a hostile capture of a million connections
 * that each send half a ClientHello and stop must not hold gigabytes.
 * Beyond that bound a connection's name is read from its first segment
 * only.
 */
#include "policy_hosts.h"

#include <string.h>

#include "dns_name.h"
#include "http_host.h"
#include "tls_sni.h"

#define DNS_PORT 53
#define HOST_STREAMS_MAX_BYTES (64u << 20)

typedef enum {
    STREAM_UNKNOWN,
    STREAM_TLS,
    STREAM_HTTP,
    STREAM_DNS_TCP,
} stream_kind;

/* The first bytes a client sent, while they are not enough. */
typedef struct client_stream {
    stream_kind kind;
    guint32 next_seq;
    GByteArray *bytes;
} client_stream;

struct triage_policy_hosts {
    const triage_compiled_rule *const *rules;
    guint rule_count;
    GHashTable *streams; /* connection index -> client_stream */
    gsize buffered;      /* bytes held by all streams */
    GArray *lookups;     /* triage_policy_lookup */
    GHashTable *lookup_index; /* "rule client name" -> index + 1 */
    GHashTable *frames;  /* frame -> (index + 1) * 2 + first */
    GHashTable *names;   /* connection index -> the listed name it asked for */
};

static void client_stream_free(gpointer data)
{
    client_stream *stream = data;
    g_byte_array_free(stream->bytes, TRUE);
    g_free(stream);
}

triage_policy_hosts *triage_policy_hosts_new(const triage_compiled_rule *const *rules, guint rule_count)
{
    triage_policy_hosts *hosts = g_new0(triage_policy_hosts, 1);
    hosts->rules = rules;
    hosts->rule_count = rule_count;
    hosts->streams = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, client_stream_free);
    hosts->lookups = g_array_new(FALSE, TRUE, sizeof(triage_policy_lookup));
    hosts->lookup_index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    hosts->frames = g_hash_table_new(g_direct_hash, g_direct_equal);
    hosts->names = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    return hosts;
}

void triage_policy_hosts_reset(triage_policy_hosts *hosts)
{
    g_hash_table_remove_all(hosts->streams);
    hosts->buffered = 0;
    for (guint i = 0; i < hosts->lookups->len; i++)
        g_array_free(g_array_index(hosts->lookups, triage_policy_lookup, i).connections, TRUE);
    g_array_set_size(hosts->lookups, 0);
    g_hash_table_remove_all(hosts->lookup_index);
    g_hash_table_remove_all(hosts->frames);
    g_hash_table_remove_all(hosts->names);
}

void triage_policy_hosts_free(triage_policy_hosts *hosts)
{
    if (hosts == NULL)
        return;
    triage_policy_hosts_reset(hosts);
    g_hash_table_destroy(hosts->streams);
    g_array_free(hosts->lookups, TRUE);
    g_hash_table_destroy(hosts->lookup_index);
    g_hash_table_destroy(hosts->frames);
    g_hash_table_destroy(hosts->names);
    g_free(hosts);
}

/* ---- Names of connections -------------------------------------------------- */

static guint64 rules_listing(const triage_policy_hosts *hosts, const char *name)
{
    guint64 bits = 0;
    for (guint r = 0; r < hosts->rule_count; r++) {
        const triage_compiled_rule *rule = hosts->rules[r];
        if (rule->host_bit >= 0 && triage_host_list_contains(rule->hosts, name))
            bits |= G_GUINT64_CONSTANT(1) << rule->host_bit;
    }
    return bits;
}

static triage_host_result parse(stream_kind kind, const guint8 *bytes, gsize length, char *name)
{
    switch (kind) {
    case STREAM_TLS:
        return triage_tls_client_hello_sni(bytes, length, name);
    case STREAM_HTTP:
        return triage_http_request_host(bytes, length, name);
    case STREAM_DNS_TCP:
        return triage_dns_tcp_query_name(bytes, length, name);
    default:
        return TRIAGE_HOST_NOT_MINE;
    }
}

/* What the first bytes of a connection can be. */
static stream_kind kind_of(const triage_connection *connection, const guint8 *payload)
{
    if (connection->server_port == DNS_PORT)
        return STREAM_DNS_TCP;
    if (payload[0] == 0x16)
        return STREAM_TLS;
    if (g_ascii_isupper(payload[0]))
        return STREAM_HTTP;
    return STREAM_UNKNOWN;
}

static gsize stream_limit(stream_kind kind)
{
    return kind == STREAM_TLS ? TRIAGE_TLS_STREAM_MAX : kind == STREAM_HTTP ? TRIAGE_HTTP_HEADER_MAX : 2 + 65535;
}

/* Adds a segment to a stream in sequence order: FALSE on a gap. */
static gboolean append_segment(client_stream *stream, const triage_flow_packet *packet)
{
    gint32 offset = (gint32)(stream->next_seq - packet->tcp_seq); /* bytes already held */
    if (offset < 0)
        return FALSE; /* a segment is missing (lost, or not captured) */
    if ((guint32)offset >= packet->payload_length)
        return TRUE; /* a retransmission of what is held */
    guint32 fresh = packet->payload_length - (guint32)offset;
    gsize room = stream_limit(stream->kind) - MIN(stream->bytes->len, stream_limit(stream->kind));
    g_byte_array_append(stream->bytes, packet->payload + offset, (guint)MIN((gsize)fresh, room));
    stream->next_seq += fresh;
    return TRUE;
}

/* A TCP connection's name, from its first bytes to the server. */
static triage_policy_hosts_step read_connection_name(triage_policy_hosts *hosts, const triage_connection *connection,
                                                     const triage_flow_packet *packet, char *name,
                                                     triage_host_result *result)
{
    gpointer key = GUINT_TO_POINTER(connection->index);
    client_stream *stream = g_hash_table_lookup(hosts->streams, key);
    if (stream == NULL) {
        stream_kind kind = kind_of(connection, packet->payload);
        *result = parse(kind, packet->payload, packet->payload_length, name);
        if (*result != TRIAGE_HOST_NEED_MORE)
            return TRIAGE_POLICY_HOSTS_DONE;
        if (packet->payload_length >= stream_limit(kind) ||
            hosts->buffered + packet->payload_length > HOST_STREAMS_MAX_BYTES) {
            *result = TRIAGE_HOST_NOT_MINE;
            return TRIAGE_POLICY_HOSTS_DONE;
        }
        stream = g_new0(client_stream, 1);
        stream->kind = kind;
        stream->bytes = g_byte_array_new();
        g_byte_array_append(stream->bytes, packet->payload, packet->payload_length);
        hosts->buffered += stream->bytes->len;
        stream->next_seq = packet->tcp_seq + packet->payload_length;
        g_hash_table_insert(hosts->streams, key, stream);
        return TRIAGE_POLICY_HOSTS_MORE;
    }
    gsize before = stream->bytes->len;
    gboolean appended = hosts->buffered + packet->payload_length <= HOST_STREAMS_MAX_BYTES &&
                        append_segment(stream, packet);
    hosts->buffered += stream->bytes->len - before;
    if (!appended) {
        *result = TRIAGE_HOST_NOT_MINE;
    } else if (stream->bytes->len == before) {
        return TRIAGE_POLICY_HOSTS_MORE; /* nothing new */
    } else {
        *result = parse(stream->kind, stream->bytes->data, stream->bytes->len, name);
        if (*result == TRIAGE_HOST_NEED_MORE) {
            if (stream->bytes->len < stream_limit(stream->kind))
                return TRIAGE_POLICY_HOSTS_MORE;
            *result = TRIAGE_HOST_NOT_MINE; /* longer than anything read */
        }
    }
    hosts->buffered -= stream->bytes->len;
    g_hash_table_remove(hosts->streams, key);
    return TRIAGE_POLICY_HOSTS_DONE;
}

/* ---- Lookups ----------------------------------------------------------------- */

/* The "from:" conditions of a rule, for the client of a DNS query: the
 * responder of that query is the resolver, which "to:" is not about. */
static gboolean client_conditions_hold(const triage_compiled_rule *rule, const triage_address *client,
                                       gboolean client_internal)
{
    gboolean wanted = FALSE, found = FALSE;
    for (guint i = 0; i < rule->peer_count; i++) {
        const triage_peer_condition *condition = &rule->peers[i];
        if (condition->side != TRIAGE_PEER_FROM)
            continue;
        gboolean inside = condition->internal ? client_internal
                                              : triage_address_in_networks(client, &condition->network, 1);
        if (condition->negated) {
            if (inside)
                return FALSE;
        } else {
            wanted = TRUE;
            found |= inside;
        }
    }
    return !wanted || found;
}

/* The first hosts rule that lists the name for this client, or -1. */
static int lookup_rule(const triage_policy_hosts *hosts, const char *name, const triage_address *client,
                       gboolean client_internal)
{
    for (guint r = 0; r < hosts->rule_count; r++) {
        const triage_compiled_rule *rule = hosts->rules[r];
        if (rule->host_bit >= 0 && triage_host_list_contains(rule->hosts, name) &&
            client_conditions_hold(rule, client, client_internal))
            return (int)r;
    }
    return -1;
}

static guint note_lookup(triage_policy_hosts *hosts, guint rule, const triage_connection *connection,
                         const triage_flow_packet *packet, const char *name, gboolean *first_out)
{
    char client[64];
    triage_address_to_string(&connection->client, client, sizeof client);
    char *key = g_strdup_printf("%u %s %s", rule, client, name);
    guint index_plus_one = GPOINTER_TO_UINT(g_hash_table_lookup(hosts->lookup_index, key));
    triage_policy_lookup *lookup;
    if (index_plus_one == 0) {
        triage_policy_lookup fresh;
        memset(&fresh, 0, sizeof fresh);
        fresh.rule = rule;
        fresh.client = connection->client;
        g_strlcpy(fresh.name, name, sizeof fresh.name);
        fresh.first_frame = packet->frame;
        fresh.first_time = packet->time;
        fresh.connections = g_array_new(FALSE, FALSE, sizeof(guint32));
        g_array_append_val(hosts->lookups, fresh);
        index_plus_one = hosts->lookups->len;
        g_hash_table_insert(hosts->lookup_index, key, GUINT_TO_POINTER(index_plus_one));
    } else {
        g_free(key);
    }
    lookup = &g_array_index(hosts->lookups, triage_policy_lookup, index_plus_one - 1);
    *first_out = lookup->queries == 0;
    lookup->queries++;
    /* Frame numbers say which came first: files are not always in time order. */
    if (packet->frame < lookup->first_frame) {
        lookup->first_frame = packet->frame;
        lookup->first_time = packet->time;
    }
    if (packet->frame >= lookup->last_frame) {
        lookup->last_frame = packet->frame;
        lookup->last_time = packet->time;
    }
    GArray *connections = lookup->connections;
    gboolean known = FALSE;
    /* Queries of one name mostly come from a few sockets in a row. */
    for (guint i = connections->len; i-- > 0 && i + 8 >= connections->len;) {
        if (g_array_index(connections, guint32, i) == connection->index)
            known = TRUE;
    }
    if (!known)
        g_array_append_val(connections, connection->index);
    g_hash_table_insert(hosts->frames, GUINT_TO_POINTER(packet->frame),
                        GUINT_TO_POINTER(index_plus_one * 2 + (*first_out ? 1 : 0)));
    return index_plus_one;
}

triage_policy_hosts_step triage_policy_hosts_read(triage_policy_hosts *hosts, const triage_connection *connection,
                                                  gboolean client_internal, const triage_flow_packet *packet,
                                                  guint64 *hosts_out, guint *lookup_plus_one_out,
                                                  gboolean *lookup_first_out)
{
    char name[TRIAGE_HOST_NAME_SIZE];
    triage_host_result result = TRIAGE_HOST_NOT_MINE;
    triage_policy_hosts_step step;
    gboolean dns = connection->server_port == DNS_PORT;
    *hosts_out = 0;
    *lookup_plus_one_out = 0;
    *lookup_first_out = FALSE;
    if (packet->payload == NULL || packet->payload_length == 0)
        return TRIAGE_POLICY_HOSTS_MORE;
    if (connection->transport == TRIAGE_TRANSPORT_UDP) {
        if (!dns)
            return TRIAGE_POLICY_HOSTS_DONE; /* QUIC and the rest: no name read */
        /* Every query of a DNS socket: a client may ask many names on one. */
        result = triage_dns_query_name(packet->payload, packet->payload_length, name);
        step = TRIAGE_POLICY_HOSTS_MORE;
    } else if (connection->transport == TRIAGE_TRANSPORT_TCP) {
        step = read_connection_name(hosts, connection, packet, name, &result);
    } else {
        return TRIAGE_POLICY_HOSTS_DONE;
    }
    if (result != TRIAGE_HOST_FOUND)
        return step;
    if (dns) {
        int rule = lookup_rule(hosts, name, &connection->client, client_internal);
        if (rule >= 0 && hosts->rules[rule]->info.action == TRIAGE_POLICY_ALERT)
            *lookup_plus_one_out = note_lookup(hosts, (guint)rule, connection, packet, name, lookup_first_out);
    } else {
        *hosts_out = rules_listing(hosts, name);
        /* Only listed names are kept: a few connections, not every one. */
        if (*hosts_out != 0)
            g_hash_table_insert(hosts->names, GUINT_TO_POINTER(connection->index), g_strdup(name));
    }
    return step;
}

const char *triage_policy_hosts_connection_name(const triage_policy_hosts *hosts, guint32 connection_index)
{
    return g_hash_table_lookup(hosts->names, GUINT_TO_POINTER(connection_index));
}

guint triage_policy_hosts_lookup_count(const triage_policy_hosts *hosts)
{
    return hosts->lookups->len;
}

const triage_policy_lookup *triage_policy_hosts_lookup_at(const triage_policy_hosts *hosts, guint index)
{
    return index < hosts->lookups->len ? &g_array_index(hosts->lookups, triage_policy_lookup, index) : NULL;
}

guint triage_policy_hosts_frame_lookup(const triage_policy_hosts *hosts, guint32 frame, gboolean *first_out)
{
    guint value = GPOINTER_TO_UINT(g_hash_table_lookup(hosts->frames, GUINT_TO_POINTER(frame)));
    if (first_out != NULL)
        *first_out = (value & 1) != 0;
    return value / 2;
}

/* ---- Words ------------------------------------------------------------------- */

triage_severity triage_policy_lookup_severity(const triage_policy_rule *rule)
{
    return rule->severity == TRIAGE_SEVERITY_ERROR ? TRIAGE_SEVERITY_WARN : TRIAGE_SEVERITY_NOTE;
}

char *triage_policy_lookup_message(const triage_policy_rule *rule, const char *name)
{
    return g_strdup_printf("The VM looked up %s (listed by rule %s; traffic to it: %s).%s%s", name, rule->name,
                           triage_policy_severity_name(rule->severity), *rule->message != '\0' ? " " : "",
                           rule->message);
}
