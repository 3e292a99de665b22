/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flow_truth.h — the expected engine results for one flow, derived from the
 * frames as they are written, by the definitions of DESIGN §2:
 *
 *  - the leg SYN is the client's last SYN before the server's first SYN/ACK;
 *  - the leg SYN/ACK is the server's last SYN/ACK before the handshake ACK,
 *    the client's first segment with ACK, no SYN, no RST and
 *    ack == SYN/ACK seq + 1;
 *  - a leg is ambiguous when its opening packet was captured more than once
 *    before the leg's closing packet (an exact duplicate counts too).
 *
 * The generator knows which side is the client, so no inference is needed.
 */
#ifndef CAPGEN_FLOW_TRUTH_H
#define CAPGEN_FLOW_TRUTH_H

#include <glib.h>

/* Also the index of the per-direction counters. */
typedef enum {
    CAPGEN_TO_SERVER = 0,
    CAPGEN_TO_CLIENT = 1,
} capgen_direction;

typedef enum {
    CAPGEN_OUTCOME_COMPLETED,
    CAPGEN_OUTCOME_REFUSED,
    CAPGEN_OUTCOME_UNANSWERED,
    CAPGEN_OUTCOME_INCOMPLETE,
    CAPGEN_OUTCOME_CLIENT_RESET,
    CAPGEN_OUTCOME_SYNACK_ONLY,
    CAPGEN_OUTCOME_NO_HANDSHAKE,
} capgen_outcome;

typedef enum {
    CAPGEN_AMBIGUOUS_NONE,
    CAPGEN_AMBIGUOUS_SYN,
    CAPGEN_AMBIGUOUS_SYNACK,
    CAPGEN_AMBIGUOUS_BOTH,
} capgen_ambiguity;

/* One captured moment: frame number and written timestamp (0 frame = none). */
typedef struct capgen_moment {
    guint32 frame;
    gint64 time_ns;
} capgen_moment;

typedef struct capgen_flow_truth {
    capgen_moment first;
    capgen_moment last;
    gint64 latest_time_ns;
    gboolean time_backwards;
    guint64 packets[2]; /* indexed by capgen_direction */
    guint64 bytes[2];
    gint64 stream;      /* predicted tcp.stream / udp.stream, -1 = not claimed */
    gboolean first_packet_to_server;

    /* TCP handshake, client's view of the definitions above. */
    capgen_moment first_syn;
    capgen_moment leg_syn;
    guint syns_before_synack;
    capgen_moment first_synack;
    capgen_moment leg_synack;
    guint32 synack_sequence;
    guint synacks_before_ack;
    capgen_moment ack;
    gboolean refused;      /* server RST before any SYN/ACK */
    gboolean client_reset; /* client RST after a SYN/ACK, before the ACK */
    /* The client sent a SYN after the first SYN/ACK and before the ACK: it had
     * not received that SYN/ACK when its SYN timer fired, so the SYN/ACK ->
     * ACK leg includes a loss or delay on the way to the client. */
    gboolean syn_after_synack;
} capgen_flow_truth;

void capgen_flow_truth_init(capgen_flow_truth *truth);
/* Every frame of the flow. */
void capgen_flow_truth_count(capgen_flow_truth *truth, guint32 frame, gint64 time_ns,
                             capgen_direction direction, guint wire_length);
/* Every TCP segment of a TCP flow (after capgen_flow_truth_count). */
void capgen_flow_truth_tcp(capgen_flow_truth *truth, guint32 frame, gint64 time_ns,
                           capgen_direction direction, guint8 flags, guint32 sequence,
                           guint32 acknowledgement);

capgen_outcome capgen_flow_truth_outcome(const capgen_flow_truth *truth);
capgen_ambiguity capgen_flow_truth_ambiguity(const capgen_flow_truth *truth);

const char *capgen_outcome_name(capgen_outcome outcome);
const char *capgen_ambiguity_name(capgen_ambiguity ambiguity);

#endif
