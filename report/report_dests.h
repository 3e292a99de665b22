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

/* Wireshark's knowledge, lent by the glue.  Every member may be NULL. */
typedef struct triage_dests_callbacks {
    /* The port's service name ("https"), or NULL; asked for TCP and UDP. */
    const char *(*service_name)(guint8 transport, guint16 port, void *user_data);
    /* A name for an IP protocol the built-in table (triage_transport_name)
     * does not know; NULL falls back to "ip-proto-N". */
    const char *(*transport_name)(guint8 transport, void *user_data);
    /* Country and AS of an address; either may be set to NULL.  The strings
     * only need to live until the next call. */
    gboolean (*geo)(const triage_address *address, const char **country, const char **asn, void *user_data);
    /* The policy rule the responder port triggers, or NULL (port 0 for
     * protocols without ports). */
    const char *(*policy_rule)(guint8 transport, guint16 port, void *user_data);
    /* The connection's application protocol by filter name ("tls"), or NULL
     * when none is known. */
    const char *(*application_protocol)(const triage_connection *connection, void *user_data);
    /* Which connections count (by connection index); NULL = all. */
    triage_connection_selected_fn is_selected;
    void *selection_data; /* for is_selected */
    void *user_data;      /* for the others */
} triage_dests_callbacks;

/* callbacks may be NULL.  filter is only shown; the selection is
 * callbacks->is_selected.  packets/first/last describe the whole capture. */
triage_report *triage_dests_report_build(triage_connection_table *table, const triage_network *internal,
                                         guint internal_count, triage_sort sort, guint top, const char *filter,
                                         const triage_dests_callbacks *callbacks, guint64 packets,
                                         triage_time first, triage_time last);

#endif
