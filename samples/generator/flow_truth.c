/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "flow_truth.h"

#include <string.h>

#include "frame_builder.h"


void capgen_flow_truth_init(capgen_flow_truth *truth)
{
    memset(truth, 0, sizeof *truth);
    truth->stream = -1;
}

static void remember(capgen_moment *moment, guint32 frame, gint64 time_ns)
{
    moment->frame = frame;
    moment->time_ns = time_ns;
}

void capgen_flow_truth_count(capgen_flow_truth *truth, guint32 frame, gint64 time_ns,
                             capgen_direction direction, guint wire_length)
{
    if (!truth->first.frame) {
        remember(&truth->first, frame, time_ns);
        truth->first_packet_to_server = direction == CAPGEN_TO_SERVER;
        truth->latest_time_ns = time_ns;
    }
    if (time_ns < truth->latest_time_ns)
        truth->time_backwards = TRUE;
    truth->latest_time_ns = MAX(truth->latest_time_ns, time_ns);
    remember(&truth->last, frame, time_ns);
    truth->packets[direction]++;
    truth->bytes[direction] += wire_length;
}

void capgen_flow_truth_tcp(capgen_flow_truth *truth, guint32 frame, gint64 time_ns,
                           capgen_direction direction, guint8 flags, guint32 sequence,
                           guint32 acknowledgement)
{
    gboolean syn = (flags & (CAPGEN_TCP_SYN | CAPGEN_TCP_ACK)) == CAPGEN_TCP_SYN;
    gboolean synack = (flags & (CAPGEN_TCP_SYN | CAPGEN_TCP_ACK)) == (CAPGEN_TCP_SYN | CAPGEN_TCP_ACK);
    gboolean handshake_over = truth->ack.frame != 0;

    if (direction == CAPGEN_TO_SERVER) {
        if (syn) {
            if (!truth->first_syn.frame)
                remember(&truth->first_syn, frame, time_ns);
            if (!truth->first_synack.frame) {
                remember(&truth->leg_syn, frame, time_ns);
                truth->syns_before_synack++;
            } else if (!handshake_over) {
                truth->syn_after_synack = TRUE;
            }
        } else if ((flags & CAPGEN_TCP_RST) && truth->first_synack.frame && !handshake_over) {
            truth->client_reset = TRUE;
        } else if (!handshake_over && truth->first_synack.frame && (flags & CAPGEN_TCP_ACK) &&
                   !(flags & (CAPGEN_TCP_SYN | CAPGEN_TCP_RST)) &&
                   acknowledgement == truth->synack_sequence + 1) {
            remember(&truth->ack, frame, time_ns);
        }
        return;
    }

    if (synack && !handshake_over) {
        if (!truth->first_synack.frame) {
            remember(&truth->first_synack, frame, time_ns);
            truth->synack_sequence = sequence;
        }
        remember(&truth->leg_synack, frame, time_ns);
        truth->synacks_before_ack++;
    } else if ((flags & CAPGEN_TCP_RST) && truth->first_syn.frame && !truth->first_synack.frame) {
        truth->refused = TRUE;
    }
}

capgen_outcome capgen_flow_truth_outcome(const capgen_flow_truth *truth)
{
    if (!truth->first_syn.frame)
        return truth->first_synack.frame ? CAPGEN_OUTCOME_SYNACK_ONLY
                                         : CAPGEN_OUTCOME_NO_HANDSHAKE;
    if (truth->ack.frame)
        return CAPGEN_OUTCOME_COMPLETED;
    if (truth->refused)
        return CAPGEN_OUTCOME_REFUSED;
    if (!truth->first_synack.frame)
        return CAPGEN_OUTCOME_UNANSWERED;
    return truth->client_reset ? CAPGEN_OUTCOME_CLIENT_RESET : CAPGEN_OUTCOME_INCOMPLETE;
}

capgen_ambiguity capgen_flow_truth_ambiguity(const capgen_flow_truth *truth)
{
    /* A leg is only ambiguous once it closes: an unanswered SYN sent three
     * times has no leg at all. */
    gboolean syn_leg = truth->first_synack.frame && truth->leg_syn.frame &&
                       truth->syns_before_synack > 1;
    gboolean synack_leg = truth->ack.frame && truth->synacks_before_ack > 1;
    if (syn_leg && synack_leg)
        return CAPGEN_AMBIGUOUS_BOTH;
    if (syn_leg)
        return CAPGEN_AMBIGUOUS_SYN;
    return synack_leg ? CAPGEN_AMBIGUOUS_SYNACK : CAPGEN_AMBIGUOUS_NONE;
}

const char *capgen_outcome_name(capgen_outcome outcome)
{
    static const char *const names[] = { "completed",  "refused",      "unanswered",
                                         "incomplete", "client_reset", "synack_only",
                                         "no_handshake" };
    return names[outcome];
}

const char *capgen_ambiguity_name(capgen_ambiguity ambiguity)
{
    static const char *const names[] = { "none", "syn_retransmitted", "synack_retransmitted",
                                         "both" };
    return names[ambiguity];
}
