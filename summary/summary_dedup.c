/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * summary_dedup.c — a connection two captures of the fleet both saw counts
 * once (summary.h: sightings).  The summary keeps every view, so it still
 * merges; a report is built from a copy with the other views taken out.
 */
#include <string.h>

#include "summary.h"
#include "summary_keys.h"

static gboolean outcome_is_failure(guint8 outcome)
{
    return outcome == TRIAGE_OUTCOME_REFUSED || outcome == TRIAGE_OUTCOME_UNANSWERED
        || outcome == TRIAGE_OUTCOME_INCOMPLETE || outcome == TRIAGE_OUTCOME_CLIENT_RESET;
}

static void traffic_take_out(triage_summary_traffic *traffic, const triage_summary_sighting *loser)
{
    if (traffic->connections > 0)
        traffic->connections--;
    traffic->packets_to -= MIN(traffic->packets_to, loser->packets_to);
    traffic->bytes_to -= MIN(traffic->bytes_to, loser->bytes_to);
    traffic->packets_from -= MIN(traffic->packets_from, loser->packets_from);
    traffic->bytes_from -= MIN(traffic->bytes_from, loser->bytes_from);
}

/* Counters only lose what a sighting added to them; a document that says
 * otherwise (hand-made, damaged) floors them at zero rather than wrapping. */
#define TAKE_ONE(counter) ((counter) -= (counter) > 0 ? 1 : 0)

/* Takes one capture's view of a connection back out of the counters. */
static void take_out(triage_summary *summary, const triage_summary_sighting *loser)
{
    triage_summary_counts *counts = &summary->counts;
    triage_summary_server *server = triage_summary_server_get(summary, &loser->server, loser->server_port);

    TAKE_ONE(counts->rtt.connections);
    TAKE_ONE(counts->rtt.outcomes[loser->outcome]);
    if (loser->attempted)
        TAKE_ONE(counts->rtt.attempted);
    if (loser->ambiguous)
        TAKE_ONE(counts->rtt.ambiguous);
    if (loser->anomalies != 0)
        TAKE_ONE(counts->rtt.anomalous);
    for (guint kind = 0; kind < TRIAGE_ANOMALY_KIND_COUNT; kind++)
        if (loser->anomalies & (1u << kind))
            TAKE_ONE(counts->rtt.anomaly_kinds[kind]);
    TAKE_ONE(counts->capture_points[loser->capture_point]);
    for (guint leg = 0; leg < TRIAGE_LEG_COUNT; leg++)
        if (loser->has_leg & (1u << leg))
            triage_log_sketch_remove(summary->legs[leg], loser->legs[leg]);

    if (loser->outcome != TRIAGE_OUTCOME_NO_HANDSHAKE) {
        TAKE_ONE(server->connections);
        if (loser->outcome == TRIAGE_OUTCOME_COMPLETED)
            TAKE_ONE(server->completed);
        if (outcome_is_failure(loser->outcome))
            TAKE_ONE(server->failed);
        TAKE_ONE(server->capture_points[loser->capture_point]);
        if (loser->has_leg & (1u << TRIAGE_LEG_HANDSHAKE))
            triage_log_sketch_remove(server->handshake, loser->legs[TRIAGE_LEG_HANDSHAKE]);
    }
    if (loser->packets_to + loser->packets_from > 0) {
        triage_summary_destination *destination = triage_summary_destination_get(summary, &loser->server);
        traffic_take_out(&destination->traffic, loser);
        traffic_take_out(&triage_summary_port_get(destination, TRIAGE_TRANSPORT_TCP, loser->server_port)->traffic,
                         loser);
    }
}

/* The view that stays: the capture at the client's side, else the first
 * capture by name (the list is in name order). */
static guint winner_of(const GPtrArray *list)
{
    for (guint i = 0; i < list->len; i++)
        if (((const triage_summary_sighting *)g_ptr_array_index(list, i))->capture_point == TRIAGE_CAPTURE_POINT_CLIENT)
            return i;
    return 0;
}

static gboolean slow_is_loser(const triage_summary *summary, const triage_summary_slow *slow)
{
    triage_summary_sighting_key key;
    GPtrArray *list;

    if (!slow->has_key)
        return FALSE;
    memset(&key, 0, sizeof key);
    key.client = slow->client;
    key.server = slow->server;
    key.client_port = slow->client_port;
    key.server_port = slow->server_port;
    key.isn = slow->key_isn;
    list = g_hash_table_lookup(summary->sightings, &key);
    if (list == NULL || list->len < 2)
        return FALSE;
    return ((const triage_summary_sighting *)g_ptr_array_index(list, winner_of(list)))->capture != slow->capture;
}

triage_summary *triage_summary_deduplicated(const triage_summary *summary, guint64 *merged)
{
    triage_summary *copy = triage_summary_new();
    GHashTableIter iter;
    gpointer value;
    char *error = NULL;

    *merged = 0;
    triage_summary_merge(copy, summary, &error);
    g_free(error);
    g_hash_table_iter_init(&iter, summary->sightings);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        GPtrArray *list = value;
        guint winner;

        if (list->len < 2)
            continue;
        winner = winner_of(list);
        for (guint i = 0; i < list->len; i++) {
            if (i == winner)
                continue;
            take_out(copy, g_ptr_array_index(list, i));
            (*merged)++;
        }
    }
    for (guint i = 0; i < copy->slowest->len;) {
        if (slow_is_loser(summary, &g_array_index(copy->slowest, triage_summary_slow, i)))
            g_array_remove_index(copy->slowest, i);
        else
            i++;
    }
    return copy;
}
