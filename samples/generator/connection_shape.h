/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * connection_shape.h — a whole TCP connection of a given outcome from a few
 * numbers, for the scenarios that make hundreds or millions of them.
 */
#ifndef CAPGEN_CONNECTION_SHAPE_H
#define CAPGEN_CONNECTION_SHAPE_H

#include <glib.h>

#include "flow.h"

typedef struct capgen_connection_shape {
    capgen_outcome outcome;
    /* Completed connections only: which handshake packet is sent twice
     * (the retransmission goes out 1 s after the first copy). */
    capgen_ambiguity ambiguity;
    gint64 syn_synack_ns;
    gint64 synack_ack_ns;
    /* Packets after the handshake (completed, synack_only, no_handshake):
     * requests and responses, ending with a FIN exchange when there are at
     * least three. */
    guint tail_packets;
    guint request_length;
    guint response_length;
} capgen_connection_shape;

/* The packets a shape writes besides its tail. */
guint capgen_shape_fixed_packets(const capgen_connection_shape *shape);
/* Appends the shape's steps to an empty TCP flow and sets its expectations. */
void capgen_shape_script(capgen_flow *flow, const capgen_connection_shape *shape);

#endif
