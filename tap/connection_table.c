/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * connection_table.c — one record per IP flow, with its client and server.
 *
 * Storage: records live in fixed-size chunks, so a record never moves once
 * created; pointers returned by add_packet/find/get stay valid until reset
 * or free, and the destinations engine can use them as hash keys without
 * copying.  TCP and UDP streams are dense numbers, so each has an array
 * mapping stream to record index; other IP protocols go through a hash table
 * whose key is the protocol and the unordered address pair, packed into
 * bytes (no strings are built or hashed per packet).
 *
 * The rules in detail:
 *  - A TCP stream's roles are fixed by its first packet.  A SYN seen later
 *    (the capture started during a retransmitted handshake) does not flip
 *    them: the record is not rewritten, and it stays marked inferred.
 *  - UDP: the receiver of the first packet is the server, unless that packet
 *    visibly comes FROM the service side (a named service port talking to an
 *    unnamed one, else a non-ephemeral port talking to an ephemeral one) —
 *    a DNS reply whose query was not captured.  Then its sender is the
 *    server, and the record is marked inferred.
 *  - Other IP protocols have no ports: the receiver of the first packet is
 *    the server, both ports are 0, and no inference is possible.
 *  - first_time/last_time are the earliest and latest timestamps, and
 *    first_frame/last_frame the lowest and highest frame numbers: capture
 *    clocks may run backwards, frame numbers do not.
 *  - Past max_connections, a TCP/UDP stream is remembered as untracked (4
 *    bytes, the stream slot) and an address pair of another protocol keeps
 *    its packed key, so untracked_connections counts each flow once.
 */
#include "connection_table.h"

#include <string.h>

#include "byte_hash.h"

/* 1024 records of ~100 bytes: 100 KiB per chunk, few chunks for small
 * captures and cheap growth for large ones. */
#define RECORDS_PER_CHUNK_SHIFT 10
#define RECORDS_PER_CHUNK (1u << RECORDS_PER_CHUNK_SHIFT)

/* Stream slot values: 0 = never seen, UNTRACKED = seen while full, else
 * record index + 1. */
#define SLOT_EMPTY 0u
#define SLOT_UNTRACKED G_MAXUINT32

/* The highest index a slot can encode (index + 1 must differ from both
 * sentinels). */
#define MAX_RECORDS (G_MAXUINT32 - 1u)

/* Key of a flow of another IP protocol.  The lower address (memcmp order)
 * comes first, so both directions of a flow find the same key.  All members
 * are bytes: no padding, memcmp and byte hashing are exact. */
typedef struct pair_key {
    guint8 transport;
    triage_address low;
    triage_address high;
} pair_key;

struct triage_connection_table {
    guint32 max_connections;
    triage_port_is_service_fn port_is_service;
    void *user_data;

    GPtrArray *chunks; /* of triage_connection[RECORDS_PER_CHUNK] */
    guint32 count;

    GArray *tcp_slots; /* of guint32, indexed by tcp.stream */
    GArray *udp_slots; /* of guint32, indexed by udp.stream */
    GHashTable *pairs; /* pair_key* (owned) -> slot value */

    guint64 untracked_connections;
    guint64 untracked_packets;
};

/* ---- packed pair keys ------------------------------------------------- */

static guint pair_key_hash(gconstpointer key)
{
    return triage_hash_bytes(TRIAGE_HASH_SEED, key, sizeof(pair_key));
}

static gboolean pair_key_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(pair_key)) == 0;
}

static void pair_key_fill(pair_key *key, const triage_flow_packet *packet)
{
    const triage_address *source = &packet->source;
    const triage_address *destination = &packet->destination;
    gboolean source_first = memcmp(source, destination, sizeof *source) <= 0;
    key->transport = packet->transport;
    key->low = source_first ? *source : *destination;
    key->high = source_first ? *destination : *source;
}

/* ---- record storage --------------------------------------------------- */

static triage_connection *record_at(const triage_connection_table *table, guint32 index)
{
    triage_connection *chunk = g_ptr_array_index(table->chunks, index >> RECORDS_PER_CHUNK_SHIFT);
    return &chunk[index & (RECORDS_PER_CHUNK - 1)];
}

static gboolean table_is_full(const triage_connection_table *table)
{
    if (table->count >= MAX_RECORDS)
        return TRUE;
    return table->max_connections != 0 && table->count >= table->max_connections;
}

static triage_connection *append_record(triage_connection_table *table)
{
    guint32 index = table->count;
    if ((index & (RECORDS_PER_CHUNK - 1)) == 0 && index >> RECORDS_PER_CHUNK_SHIFT >= table->chunks->len)
        g_ptr_array_add(table->chunks, g_new(triage_connection, RECORDS_PER_CHUNK));
    triage_connection *record = record_at(table, index);
    memset(record, 0, sizeof *record);
    record->index = index;
    table->count++;
    return record;
}

/* ---- who is the server ------------------------------------------------ */

typedef enum { SIDE_UNKNOWN, SIDE_SOURCE, SIDE_DESTINATION } side;

/* The service side by ports alone: the side on a named service port, else
 * the side on a non-ephemeral port.  Unknown when both or neither qualify. */
static side service_side_by_ports(const triage_connection_table *table, const triage_flow_packet *packet)
{
    if (table->port_is_service != NULL) {
        gboolean source_named = table->port_is_service(packet->transport, packet->source_port, table->user_data);
        gboolean destination_named =
            table->port_is_service(packet->transport, packet->destination_port, table->user_data);
        if (source_named != destination_named)
            return source_named ? SIDE_SOURCE : SIDE_DESTINATION;
    }
    gboolean source_ephemeral = packet->source_port >= TRIAGE_FIRST_EPHEMERAL_PORT;
    gboolean destination_ephemeral = packet->destination_port >= TRIAGE_FIRST_EPHEMERAL_PORT;
    if (source_ephemeral != destination_ephemeral)
        return source_ephemeral ? SIDE_DESTINATION : SIDE_SOURCE;
    return SIDE_UNKNOWN;
}

/* Returns which side of the first packet is the server, and whether that
 * was inferred rather than seen. */
static side server_side_of_first_packet(const triage_connection_table *table,
                                        const triage_flow_packet *packet, gboolean *inferred)
{
    *inferred = FALSE;
    if (packet->transport == TRIAGE_TRANSPORT_TCP) {
        guint16 handshake_bits = packet->tcp_flags & (TRIAGE_TCP_SYN | TRIAGE_TCP_ACK);
        if (handshake_bits == TRIAGE_TCP_SYN)
            return SIDE_DESTINATION;
        if (handshake_bits == (TRIAGE_TCP_SYN | TRIAGE_TCP_ACK))
            return SIDE_SOURCE;
        *inferred = TRUE;
        side by_ports = service_side_by_ports(table, packet);
        return by_ports != SIDE_UNKNOWN ? by_ports : SIDE_DESTINATION;
    }
    if (packet->transport == TRIAGE_TRANSPORT_UDP && service_side_by_ports(table, packet) == SIDE_SOURCE) {
        *inferred = TRUE;
        return SIDE_SOURCE;
    }
    return SIDE_DESTINATION;
}

static gboolean has_ports(guint8 transport)
{
    return transport == TRIAGE_TRANSPORT_TCP || transport == TRIAGE_TRANSPORT_UDP;
}

static void fill_new_record(const triage_connection_table *table, triage_connection *record,
                            const triage_flow_packet *packet)
{
    gboolean inferred;
    side server = server_side_of_first_packet(table, packet, &inferred);
    gboolean server_is_source = server == SIDE_SOURCE;

    record->transport = packet->transport;
    record->responder_inferred = inferred ? 1 : 0;
    record->client = server_is_source ? packet->destination : packet->source;
    record->server = server_is_source ? packet->source : packet->destination;
    if (has_ports(packet->transport)) {
        record->stream = packet->stream;
        record->client_port = server_is_source ? packet->destination_port : packet->source_port;
        record->server_port = server_is_source ? packet->source_port : packet->destination_port;
    }
    record->first_time = packet->time;
    record->last_time = packet->time;
    record->first_frame = packet->frame;
    record->last_frame = packet->frame;
}

/* A packet goes to the server unless it comes from the server's endpoint.
 * When both endpoints are equal (a host talking to itself on one port) the
 * question has no answer; "to the server" keeps the counts consistent. */
static gboolean packet_goes_to_server(const triage_connection *record, const triage_flow_packet *packet)
{
    gboolean from_server = memcmp(&packet->source, &record->server, sizeof record->server) == 0 &&
                           packet->source_port == record->server_port;
    gboolean from_client = memcmp(&packet->source, &record->client, sizeof record->client) == 0 &&
                           packet->source_port == record->client_port;
    return !from_server || from_client;
}

static gboolean pair_packet_goes_to_server(const triage_connection *record, const triage_flow_packet *packet)
{
    return memcmp(&packet->source, &record->client, sizeof record->client) == 0;
}

static void account_packet(triage_connection *record, const triage_flow_packet *packet, gboolean to_server)
{
    if (to_server) {
        record->packets_to_server++;
        record->bytes_to_server += packet->frame_length;
    } else {
        record->packets_to_client++;
        record->bytes_to_client += packet->frame_length;
    }
    if (packet->time < record->first_time)
        record->first_time = packet->time;
    if (packet->time > record->last_time)
        record->last_time = packet->time;
    if (packet->frame < record->first_frame)
        record->first_frame = packet->frame;
    if (packet->frame > record->last_frame)
        record->last_frame = packet->frame;
}

/* ---- lookup ----------------------------------------------------------- */

static GArray *slots_for(triage_connection_table *table, guint8 transport)
{
    if (transport == TRIAGE_TRANSPORT_TCP)
        return table->tcp_slots;
    if (transport == TRIAGE_TRANSPORT_UDP)
        return table->udp_slots;
    return NULL;
}

/* The slot of a TCP/UDP stream, growing the array when create is set.
 * NULL when the stream is unknown and create is not set, and for the one
 * stream number no array length can reach. */
static guint32 *stream_slot(GArray *slots, guint32 stream, gboolean create)
{
    if (stream >= slots->len) {
        if (!create || stream == G_MAXUINT32)
            return NULL;
        /* GArray grows its allocation geometrically and zeroes (SLOT_EMPTY)
         * only the slots in use, so memory follows the streams seen. */
        g_array_set_size(slots, stream + 1);
    }
    return &g_array_index(slots, guint32, stream);
}

static triage_connection *slot_record(triage_connection_table *table, guint32 slot)
{
    if (slot == SLOT_EMPTY || slot == SLOT_UNTRACKED)
        return NULL;
    return record_at(table, slot - 1);
}

static triage_connection *add_stream_packet(triage_connection_table *table, GArray *slots,
                                            const triage_flow_packet *packet, gboolean *to_server)
{
    guint32 *slot = stream_slot(slots, packet->stream, TRUE);
    if (slot == NULL || *slot == SLOT_UNTRACKED) {
        table->untracked_packets++;
        return NULL;
    }
    if (*slot == SLOT_EMPTY) {
        if (table_is_full(table)) {
            *slot = SLOT_UNTRACKED;
            table->untracked_connections++;
            table->untracked_packets++;
            return NULL;
        }
        triage_connection *record = append_record(table);
        fill_new_record(table, record, packet);
        *slot = record->index + 1;
    }
    triage_connection *record = record_at(table, *slot - 1);
    *to_server = packet_goes_to_server(record, packet);
    account_packet(record, packet, *to_server);
    return record;
}

static triage_connection *add_pair_packet(triage_connection_table *table, const triage_flow_packet *packet,
                                          gboolean *to_server)
{
    pair_key key;
    pair_key_fill(&key, packet);
    gpointer value = g_hash_table_lookup(table->pairs, &key);
    guint32 slot = GPOINTER_TO_UINT(value);
    if (slot == SLOT_UNTRACKED) {
        table->untracked_packets++;
        return NULL;
    }
    if (slot == SLOT_EMPTY) {
        pair_key *stored = g_new(pair_key, 1);
        *stored = key;
        if (table_is_full(table)) {
            g_hash_table_insert(table->pairs, stored, GUINT_TO_POINTER(SLOT_UNTRACKED));
            table->untracked_connections++;
            table->untracked_packets++;
            return NULL;
        }
        triage_connection *record = append_record(table);
        fill_new_record(table, record, packet);
        slot = record->index + 1;
        g_hash_table_insert(table->pairs, stored, GUINT_TO_POINTER(slot));
    }
    triage_connection *record = record_at(table, slot - 1);
    *to_server = pair_packet_goes_to_server(record, packet);
    account_packet(record, packet, *to_server);
    return record;
}

/* ---- public API ------------------------------------------------------- */

triage_connection_table *triage_connection_table_new(guint32 max_connections,
                                                     triage_port_is_service_fn port_is_service,
                                                     void *user_data)
{
    triage_connection_table *table = g_new0(triage_connection_table, 1);
    table->max_connections = max_connections;
    table->port_is_service = port_is_service;
    table->user_data = user_data;
    table->chunks = g_ptr_array_new_with_free_func(g_free);
    table->tcp_slots = g_array_new(FALSE, TRUE, sizeof(guint32));
    table->udp_slots = g_array_new(FALSE, TRUE, sizeof(guint32));
    table->pairs = g_hash_table_new_full(pair_key_hash, pair_key_equal, g_free, NULL);
    return table;
}

void triage_connection_table_free(triage_connection_table *table)
{
    if (table == NULL)
        return;
    g_ptr_array_free(table->chunks, TRUE);
    g_array_free(table->tcp_slots, TRUE);
    g_array_free(table->udp_slots, TRUE);
    g_hash_table_destroy(table->pairs);
    g_free(table);
}

void triage_connection_table_reset(triage_connection_table *table)
{
    /* Give the memory back: the next file may be much smaller. */
    g_ptr_array_set_size(table->chunks, 0);
    g_array_set_size(table->tcp_slots, 0);
    g_array_set_size(table->udp_slots, 0);
    g_hash_table_remove_all(table->pairs);
    table->count = 0;
    table->untracked_connections = 0;
    table->untracked_packets = 0;
}

triage_connection *triage_connection_table_add_packet(triage_connection_table *table,
                                                      const triage_flow_packet *packet,
                                                      gboolean *to_server)
{
    gboolean direction = TRUE;
    GArray *slots = slots_for(table, packet->transport);
    triage_connection *record = slots != NULL ? add_stream_packet(table, slots, packet, &direction)
                                              : add_pair_packet(table, packet, &direction);
    if (to_server != NULL)
        *to_server = direction;
    return record;
}

const triage_connection *triage_connection_table_find(const triage_connection_table *const_table,
                                                      const triage_flow_packet *packet,
                                                      gboolean *to_server)
{
    /* The slot helpers serve add_packet too; without growing they change nothing. */
    triage_connection_table *table = (triage_connection_table *)const_table;
    const triage_connection *record;
    GArray *slots = slots_for(table, packet->transport);
    if (slots != NULL) {
        guint32 *slot = stream_slot(slots, packet->stream, FALSE);
        record = slot != NULL ? slot_record(table, *slot) : NULL;
        if (record != NULL && to_server != NULL)
            *to_server = packet_goes_to_server(record, packet);
    } else {
        pair_key key;
        pair_key_fill(&key, packet);
        record = slot_record(table, GPOINTER_TO_UINT(g_hash_table_lookup(table->pairs, &key)));
        if (record != NULL && to_server != NULL)
            *to_server = pair_packet_goes_to_server(record, packet);
    }
    return record;
}

guint32 triage_connection_table_count(const triage_connection_table *table)
{
    return table->count;
}

const triage_connection *triage_connection_table_get(const triage_connection_table *table, guint32 index)
{
    if (index >= table->count)
        return NULL;
    return record_at((triage_connection_table *)table, index);
}

guint64 triage_connection_table_untracked_connections(const triage_connection_table *table)
{
    return table->untracked_connections;
}

guint64 triage_connection_table_untracked_packets(const triage_connection_table *table)
{
    return table->untracked_packets;
}
