/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capture_point.h — where a capture was taken, read from handshake legs.
 *
 * The SYN -> SYN/ACK leg is the round trip from the capture point to the
 * server, the SYN/ACK -> ACK leg the round trip to the client.  At an
 * endpoint one of them shrinks to that host's own stack turnaround, so the
 * leg carrying the time tells the side:
 *
 *   client  the SYN -> SYN/ACK leg carries the round trip;
 *   server  the SYN/ACK -> ACK leg carries it;
 *   path    both legs are substantial: the capture sat in between.
 *
 * A leg "carries the round trip" when it holds at least 90 % of the
 * handshake (wide-area paths, where turnaround is noise), or when the other
 * leg is under 1 ms and the carrying leg at least twice as long (a LAN,
 * where the whole round trip may be a few hundred microseconds and a
 * virtual machine's turnaround a sizeable share of it).
 *
 * A set of connections (one server's, or the whole capture's) gets a point
 * only when at least 80 % of its classifiable connections agree; otherwise
 * it is mixed, and unknown when none could be classified.
 */
#ifndef TRIAGE_CAPTURE_POINT_H
#define TRIAGE_CAPTURE_POINT_H

#include "packet_facts.h"

typedef enum {
    TRIAGE_CAPTURE_POINT_UNKNOWN = 0, /* nothing to classify */
    TRIAGE_CAPTURE_POINT_CLIENT,
    TRIAGE_CAPTURE_POINT_SERVER,
    TRIAGE_CAPTURE_POINT_PATH,
    TRIAGE_CAPTURE_POINT_MIXED,       /* a set of connections that disagree */
} triage_capture_point;

#define TRIAGE_CAPTURE_POINT_COUNT (TRIAGE_CAPTURE_POINT_MIXED + 1)

/* The share of the handshake a leg must hold to carry the round trip. */
#define TRIAGE_CAPTURE_POINT_CARRIER_PERCENT 90
/* Below this, a leg may be a host's own turnaround (LAN rule). */
#define TRIAGE_CAPTURE_POINT_TURNAROUND_NS G_GINT64_CONSTANT(1000000)
/* On the LAN rule, the carrying leg is at least this many times the other. */
#define TRIAGE_CAPTURE_POINT_TURNAROUND_FACTOR 2
/* Agreement needed for a set of connections to get one point. */
#define TRIAGE_CAPTURE_POINT_AGREEMENT_PERCENT 80

/* "unknown", "client", "server", "path", "mixed". */
const char *triage_capture_point_name(triage_capture_point point);

/* One connection, from its two unambiguous legs (both >= 0).  UNKNOWN when
 * both are zero.  Never MIXED. */
triage_capture_point triage_capture_point_classify(triage_time syn_synack, triage_time synack_ack);

/* Votes of a set of connections. */
typedef struct triage_capture_point_tally {
    guint64 votes[TRIAGE_CAPTURE_POINT_COUNT];
} triage_capture_point_tally;

void triage_capture_point_tally_add(triage_capture_point_tally *tally, triage_capture_point point);
/* The agreed point, MIXED, or UNKNOWN when no vote was classifiable. */
triage_capture_point triage_capture_point_tally_verdict(const triage_capture_point_tally *tally);

#endif
