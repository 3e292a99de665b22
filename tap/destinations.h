/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * destinations.h — who the capture talks to, on which ports.
 *
 * Built at report time from the connection table: every connection counts
 * towards its responder (the destination) and, under it, towards the row of
 * its transport and responder port.  One pass over the connections with
 * hash tables keyed by packed binary values, then one sort of the port rows
 * and one of the destinations: time linear in connections (plus the sorts),
 * and no per-packet cost at all.
 *
 * Decisions:
 *  - Direction, per destination, against the internal networks:
 *      inbound   internal destination with at least one external initiator
 *      internal  internal destination with internal initiators only
 *      outbound  external destination with at least one internal initiator
 *      external  external destination with external initiators only
 *    (a mixed internal destination is "inbound": something from outside
 *    reached it, which is what an operator needs to see).
 *  - A port row is "inferred" only when the responder of every connection in
 *    it was inferred: one observed SYN to that port proves the role.
 *  - Other IP protocols (ICMP, GRE, ESP, …) form one row per protocol with
 *    port 0.
 *  - Ranking is by the chosen metric, then the other two (connections,
 *    bytes, packets), then address (resp. transport and port) ascending, so
 *    the order is total and the same on every run.
 */
#ifndef TRIAGE_DESTINATIONS_H
#define TRIAGE_DESTINATIONS_H

#include "connection_table.h"

/* The one sort order of ranked tables (the -z option sort=). */
typedef enum {
    TRIAGE_SORT_CONNECTIONS,
    TRIAGE_SORT_BYTES,   /* bytes to + bytes from */
    TRIAGE_SORT_PACKETS, /* packets to + packets from */
} triage_sort;

typedef enum {
    TRIAGE_DIRECTION_INBOUND,
    TRIAGE_DIRECTION_OUTBOUND,
    TRIAGE_DIRECTION_INTERNAL,
    TRIAGE_DIRECTION_EXTERNAL,
} triage_direction;

/* What a destination or one of its port rows received and sent.  "to" is
 * client -> server (towards the destination), "from" the answers. */
typedef struct triage_traffic {
    guint64 packets_to;
    guint64 bytes_to;
    guint64 packets_from;
    guint64 bytes_from;
    triage_time first;
    triage_time last;
    guint32 connections;
    guint32 initiators; /* distinct client addresses */
} triage_traffic;

typedef struct triage_destination_port {
    triage_traffic traffic;
    guint32 destination; /* internal: the owning destination */
    guint16 port;        /* responder port; 0 for protocols without ports */
    guint8 transport;    /* IP protocol number */
    guint8 inferred;     /* every connection's responder was inferred */
} triage_destination_port;

typedef struct triage_destination {
    triage_traffic traffic;
    triage_address address;
    guint8 direction;  /* triage_direction */
    guint32 first_port; /* internal: first row in the ranked port array */
    guint32 port_count;
} triage_destination;

typedef struct triage_destinations_totals {
    guint32 destinations;
    guint32 ports;        /* destination/transport/port rows */
    guint64 connections;  /* selected connections */
    guint64 packets;      /* their packets, both directions */
    guint64 bytes;
} triage_destinations_totals;

typedef struct triage_destinations triage_destinations;

triage_destinations *triage_destinations_build(const triage_connection_table *table,
                                               const triage_network *internal, guint internal_count,
                                               triage_sort rank,
                                               triage_connection_selected_fn is_selected,
                                               void *user_data);
void triage_destinations_free(triage_destinations *destinations);

/* Destinations in rank order, 0 = first. */
guint triage_destinations_count(const triage_destinations *destinations);
const triage_destination *triage_destinations_get(const triage_destinations *destinations, guint rank);
/* The port rows of one destination, in rank order; *count receives their
 * number. */
const triage_destination_port *triage_destinations_ports(const triage_destinations *destinations,
                                                         const triage_destination *destination,
                                                         guint *count);
const triage_destinations_totals *triage_destinations_get_totals(const triage_destinations *destinations);

/* "inbound", "outbound", "internal", "external". */
const char *triage_direction_name(triage_direction direction);
/* Lower-case protocol name as in Wireshark's filters ("tcp", "icmpv6",
 * "gre"); NULL for a number this small table does not know. */
const char *triage_transport_name(guint8 transport);

#endif
