/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * connection_table.h — every IP flow of the capture, with who started it.
 *
 * One record per connection: TCP by tcp.stream, UDP by udp.stream (both are
 * dense indexes, so they live in arrays), other IP protocols by protocol and
 * unordered address pair.  The record knows its initiator (client) and
 * responder (server), so the destinations and policy engines agree on who
 * talks to whom without each re-deriving it.
 *
 * The responder is who received the SYN (TCP) or the first packet (UDP and
 * other protocols).  A TCP connection first seen mid-stream has no SYN: the
 * responder is then inferred — the side on a port Wireshark names a service,
 * else the side not on an ephemeral port, else the receiver of the first
 * frame — and marked inferred.  A first SYN/ACK names its sender, not
 * inferred.  A UDP flow whose first packet plainly comes from the service
 * side (a reply whose request was not captured) gets its sender as the
 * responder, marked inferred.  The first packet decides for good: a later
 * SYN does not rewrite the roles (details in connection_table.c).
 *
 * Records never move: a pointer from add_packet, find or get stays valid
 * until reset or free.
 */
#ifndef TRIAGE_CONNECTION_TABLE_H
#define TRIAGE_CONNECTION_TABLE_H

#include "packet_facts.h"

/* Ports at or above this are treated as ephemeral (Linux uses 32768-60999,
 * IANA 49152-65535: the lower bound covers both). */
#define TRIAGE_FIRST_EPHEMERAL_PORT 32768

typedef struct triage_connection {
    triage_address client;
    triage_address server;
    guint16 client_port;
    guint16 server_port;
    guint8 transport;
    guint8 responder_inferred; /* 1 when no SYN/first packet told us */
    guint32 stream;            /* tcp.stream / udp.stream; 0 for others */
    guint32 index;             /* position in the table, stable */
    guint64 packets_to_server;
    guint64 bytes_to_server;
    guint64 packets_to_client;
    guint64 bytes_to_client;
    triage_time first_time;
    triage_time last_time;
    guint32 first_frame;
    guint32 last_frame;
} triage_connection;

/* Answers "does Wireshark name a service on this port?" for responder
 * inference.  Called only when a connection without a SYN is created, never
 * per packet. */
typedef gboolean (*triage_port_is_service_fn)(guint8 transport, guint16 port, void *user_data);

typedef struct triage_connection_table triage_connection_table;

/* max_connections bounds memory: beyond it new connections are counted in
 * untracked_connections/untracked_packets but not stored.  0 = no bound. */
triage_connection_table *triage_connection_table_new(guint32 max_connections,
                                                     triage_port_is_service_fn port_is_service,
                                                     void *user_data);
void triage_connection_table_free(triage_connection_table *table);
/* Forgets every connection (a retap, a new file) but keeps the settings. */
void triage_connection_table_reset(triage_connection_table *table);

/* Accounts the packet to its connection, creating it on first sight.
 * Returns the connection, or NULL when the table is full (counted).
 * *to_server tells the packet's direction. */
triage_connection *triage_connection_table_add_packet(triage_connection_table *table,
                                                      const triage_flow_packet *packet,
                                                      gboolean *to_server);
/* Looks a connection up without accounting anything; NULL if unknown. */
const triage_connection *triage_connection_table_find(const triage_connection_table *table,
                                                      const triage_flow_packet *packet,
                                                      gboolean *to_server);

/* Which connections a report counts (DESIGN §1: a connection counts when
 * any of its packets matched the report's filter).  NULL selects every
 * connection. */
typedef gboolean (*triage_connection_selected_fn)(guint32 connection_index, void *user_data);

guint32 triage_connection_table_count(const triage_connection_table *table);
const triage_connection *triage_connection_table_get(const triage_connection_table *table, guint32 index);
guint64 triage_connection_table_untracked_connections(const triage_connection_table *table);
guint64 triage_connection_table_untracked_packets(const triage_connection_table *table);

/* TRUE when address falls inside one of the networks. */
typedef struct triage_network {
    triage_address address; /* masked */
    guint8 prefix_length;
} triage_network;

gboolean triage_address_in_networks(const triage_address *address,
                                    const triage_network *networks, guint count);
/* Parses "10.0.0.0/8,fd00::/8,…" (spaces allowed).  Returns FALSE with a
 * message naming the bad item. */
gboolean triage_networks_parse(const char *text, GArray *networks_out /* of triage_network */,
                               char **error_out);
/* The default internal networks: RFC 1918, CGNAT, link-local, loopback, ULA. */
#define TRIAGE_DEFAULT_INTERNAL_NETWORKS \
    "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,169.254.0.0/16,127.0.0.0/8,fc00::/7,fe80::/10,::1/128"

/* Writes the address in its usual text form ("192.0.2.1", "2001:db8::1")
 * into buffer (at least 46 bytes). */
const char *triage_address_to_string(const triage_address *address, char *buffer, gsize size);
gboolean triage_address_from_string(const char *text, triage_address *out);

#endif
