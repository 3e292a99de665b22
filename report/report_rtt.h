/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_rtt.h — the Handshake RTT report (DESIGN §2, JSON keys of §5).
 *
 * Sections, in order:
 *   connections     RECORD  one count per outcome, plus ambiguous, anomalies,
 *                           untracked (over the connection bound)
 *   stats           KEYED   handshake, syn_synack, synack_ack, setup:
 *                           count, min, p50, p90, p99, max (nearest rank)
 *   capture_point   SCALAR  client, server, path, mixed or unknown
 *   servers         LIST    per server address and port, top N by connections
 *   slowest         LIST    the N slowest unambiguous handshakes
 *   longest_setup   LIST    the N longest setups
 *
 * "attempted" counts the connections whose SYN was captured: completed +
 * refused + unanswered + incomplete + client_reset.  synack_only and
 * no_handshake connections are counted apart; "failed" (per server) is
 * attempted minus completed.  Only times that belong in the statistics
 * (triage_handshake_leg_in_statistics: measured, unambiguous, sane clock)
 * enter stats, capture points and the ranked lists.
 */
#ifndef TRIAGE_REPORT_RTT_H
#define TRIAGE_REPORT_RTT_H

#include "report.h"
#include "report_source.h"
#include "log_sketch.h"
#include "percentile.h"

/* The report of the selected connections: each handshake attempt counts
 * when its connection is selected.  The connection table gives the
 * streams' addresses and ports (the handshake engine keeps none); a stream
 * it does not hold (over its bound) shows no address and stays out of the
 * per-server table.  options->top bounds the ranked lists (0 = no bound). */
triage_report *triage_rtt_report_build(const triage_report_source *source, const triage_report_options *options);

/* The counts behind the connections and anomalies tables. */
typedef struct triage_rtt_counts {
    guint64 connections;
    guint64 attempted;
    guint64 ambiguous;
    guint64 anomalous;
    guint64 untracked;
    guint64 outcomes[TRIAGE_OUTCOME_COUNT];
    guint64 anomaly_kinds[TRIAGE_ANOMALY_KIND_COUNT]; /* by bit position */
} triage_rtt_counts;

/* The report's tables from plain data, so that a fleet report
 * (summary/summary_report.c) shows the same tables with the same columns.
 * summaries and histograms are indexed by triage_leg. */
triage_table *triage_rtt_connections_table(const triage_rtt_counts *counts);
triage_table *triage_rtt_anomalies_table(const triage_rtt_counts *counts);
triage_table *triage_rtt_statistics_table(const triage_duration_summary *summaries);
triage_table *triage_rtt_histogram_table(triage_log_sketch *const *histograms);
/* A ranked list's columns from stream to setup (slowest, longest_setup). */
void triage_rtt_add_connection_columns(triage_table *table);
/* The per-server table's columns up to its times; rows added by the caller. */
triage_table *triage_rtt_servers_table_new(const char *title);

#endif
