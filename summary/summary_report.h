/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * summary_report.h — the fleet reports: the three reports of one capture
 * (rtt, policy, dests), made from a summary of many, plus "captures", one
 * row per capture.
 *
 * They are report.h reports with the one-capture reports' names, tables and
 * columns (the connections, anomalies, stats, histogram and servers tables
 * come from report_rtt.c's own table makers), so every writer — text, CSV,
 * JSON and the HTML page — shows them, and a reader of one capture's report
 * reads a fleet's.  What a fleet adds: every row says which captures it
 * came from ("captures", a count, and "capture_names"), the slowest
 * handshakes name their capture, and percentiles come from the merged log
 * buckets (within 1 % of the exact nearest-rank ones).  What a summary does
 * not keep is left out, not faked: the protocols table, frame numbers of
 * findings, the longest setups.
 */
#ifndef TRIAGE_SUMMARY_REPORT_H
#define TRIAGE_SUMMARY_REPORT_H

#include "summary.h"
#include "report.h"
#include "report_source.h"

typedef enum {
    TRIAGE_FLEET_RTT,
    TRIAGE_FLEET_POLICY,
    TRIAGE_FLEET_DESTS,
    TRIAGE_FLEET_CAPTURES,
    TRIAGE_FLEET_REPORT_COUNT
} triage_fleet_report_kind;

/* Builds one report from a summary; options give top, dests_top,
 * servers_top and sort (names are not asked: the captures' names are in the
 * summary).  Connections two captures both saw count once
 * (triage_summary_deduplicated); the rtt report says how many. */
triage_report *triage_fleet_report_build(const triage_summary *summary, triage_fleet_report_kind kind,
                                         const triage_report_options *options);

#endif
