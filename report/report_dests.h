/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_dests.h — the Destinations and Ports report (DESIGN §4, JSON keys
 * of §5).
 *
 * Sections, in order:
 *   destinations  LIST    one row per destination (a connection's responder),
 *                         top N by the sort; each row nests its "ports"
 *                         (transport/port rows, top N by the same sort)
 *   totals        RECORD  destinations, ports, connections, packets, bytes of
 *                         the selected connections, plus the connections and
 *                         packets the table could not store (over its bound;
 *                         these are not subject to the filter)
 *   protocols     LIST    the protocol overview: selected connections grouped
 *                         by transport and application protocol (the highest
 *                         layer that is not a carrier, as the allow-list
 *                         judges it; null when no payload was seen), with
 *                         their packets and bytes; most bytes first, every row
 *   countries     LIST    every selected destination grouped by the country
 *                         MaxMind gives (country null: not known to the
 *                         databases, private addresses included); empty when
 *                         no destination has a country; most bytes first
 *
 * Beyond the keys DESIGN §5 requires, a destination row has "ports_total"
 * (its port rows before the top N cut) so JSON and CSV readers can tell a
 * cut list from a complete one.  Other IP protocols appear as rows with
 * transport "icmp", "gre", … and port, service null.  top = 0 shows every
 * row.  Callbacks are asked only about the rows shown, except geo (every
 * destination, for countries) and application_protocol (every connection).
 */
#ifndef TRIAGE_REPORT_DESTS_H
#define TRIAGE_REPORT_DESTS_H

#include "report.h"
#include "options.h"
#include "destinations.h"
#include "report_source.h"

/* Callbacks (options->names) are asked only about the rows shown, except
 * geo (every destination, for countries) and protocol_name (every
 * connection's application protocol, for the protocol overview). */
triage_report *triage_dests_report_build(const triage_report_source *source, const triage_report_options *options);

/* connections, packets_to, bytes_to, packets_from, bytes_from, initiators:
 * the traffic columns of destination and port rows, for the fleet report. */
void triage_dests_add_traffic_columns(triage_table *table);
/* A destination row's columns from address to ports_total (the nested
 * ports table is the caller's). */
void triage_dests_add_destination_columns(triage_table *table);
/* The totals record with its columns and no row. */
triage_table *triage_dests_totals_table_new(void);

#endif
