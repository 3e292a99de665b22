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
#include "connection_table.h"
#include "handshake.h"

#ifndef TRIAGE_SELECTION_FN_DEFINED
#define TRIAGE_SELECTION_FN_DEFINED
/* TRUE when the connection with this key (here: tcp.stream) is in the
 * report, e.g. because one of its packets matched the report's filter. */
typedef gboolean (*triage_selection_fn)(guint32 key, void *user_data);
#endif

/* Finishes the engine (unanswered and incomplete are only known at the end)
 * and builds the report of the selected streams; is_selected NULL = all.
 * connections gives the streams' addresses and ports (the handshake engine
 * keeps none); a stream it does not hold (over its bound) shows no address
 * and stays out of the per-server table.  top bounds the ranked lists (0 =
 * no bound).  filter is shown as given. */
triage_report *triage_rtt_report_build(triage_handshake_engine *engine, triage_connection_table *connections,
                                       guint top, const char *filter,
                                       triage_selection_fn is_selected, void *user_data,
                                       guint64 capture_packets, triage_time capture_first,
                                       triage_time capture_last);

#endif
