/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capture_point.c — the capture-point rule of capture_point.h.
 */
#include "capture_point.h"

const char *triage_capture_point_name(triage_capture_point point)
{
    switch (point) {
    case TRIAGE_CAPTURE_POINT_CLIENT: return "client";
    case TRIAGE_CAPTURE_POINT_SERVER: return "server";
    case TRIAGE_CAPTURE_POINT_PATH: return "path";
    case TRIAGE_CAPTURE_POINT_MIXED: return "mixed";
    case TRIAGE_CAPTURE_POINT_UNKNOWN: break;
    }
    return "unknown";
}

static gboolean leg_carries_round_trip(triage_time leg, triage_time other)
{
    /* Shares in double: exact for legs under a day, and no overflow for the
     * centuries a broken capture clock can put between two packets. */
    double handshake = (double)leg + (double)other;

    if ((double)leg * 100 >= handshake * TRIAGE_CAPTURE_POINT_CARRIER_PERCENT)
        return TRUE;
    return other < TRIAGE_CAPTURE_POINT_TURNAROUND_NS
        && leg >= other * TRIAGE_CAPTURE_POINT_TURNAROUND_FACTOR;
}

triage_capture_point triage_capture_point_classify(triage_time syn_synack, triage_time synack_ack)
{
    if (syn_synack < 0 || synack_ack < 0 || (syn_synack == 0 && synack_ack == 0))
        return TRIAGE_CAPTURE_POINT_UNKNOWN;
    /* At the client the server is a whole round trip away, so the SYN ->
     * SYN/ACK leg is long; at the server it is the SYN/ACK -> ACK leg. */
    if (leg_carries_round_trip(syn_synack, synack_ack))
        return TRIAGE_CAPTURE_POINT_CLIENT;
    if (leg_carries_round_trip(synack_ack, syn_synack))
        return TRIAGE_CAPTURE_POINT_SERVER;
    return TRIAGE_CAPTURE_POINT_PATH;
}

void triage_capture_point_tally_add(triage_capture_point_tally *tally, triage_capture_point point)
{
    if (point < TRIAGE_CAPTURE_POINT_COUNT)
        tally->votes[point]++;
}

triage_capture_point triage_capture_point_tally_verdict(const triage_capture_point_tally *tally)
{
    static const triage_capture_point candidates[] = {
        TRIAGE_CAPTURE_POINT_CLIENT, TRIAGE_CAPTURE_POINT_SERVER, TRIAGE_CAPTURE_POINT_PATH,
    };
    guint64 classified = 0;

    for (guint i = 0; i < G_N_ELEMENTS(candidates); i++)
        classified += tally->votes[candidates[i]];
    if (classified == 0)
        return TRIAGE_CAPTURE_POINT_UNKNOWN;
    for (guint i = 0; i < G_N_ELEMENTS(candidates); i++) {
        if (tally->votes[candidates[i]] * 100 >= classified * TRIAGE_CAPTURE_POINT_AGREEMENT_PERCENT)
            return candidates[i];
    }
    return TRIAGE_CAPTURE_POINT_MIXED;
}
