/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_source.h — what every report builder reads, and how it is asked.
 *
 * The three builders (report_rtt.h, report_policy.h, report_dests.h) have
 * one shape: triage_report *build(const triage_report_source *, const
 * triage_report_options *).  The source is a read-only view of a capture
 * session (tap/session.h) or of engines a test fed itself; the builders
 * never change it, so building a report twice gives the same report.
 */
#ifndef TRIAGE_REPORT_SOURCE_H
#define TRIAGE_REPORT_SOURCE_H

#include <glib.h>
#include "report.h"
#include "session.h"
#include "destinations.h"

typedef struct triage_report_source {
    const triage_connection_table *connections;
    const triage_handshake_engine *handshakes; /* NULL: no RTT data */
    const triage_policy_engine *policy_engine; /* NULL: no policy engine ran */
    const triage_policy *policy;               /* NULL: no policy in force */
    const triage_network *internal_networks;
    guint internal_network_count;
    guint64 packets;                           /* the whole capture */
    triage_time first_time, last_time;
} triage_report_source;

/* The source of a capture session. */
void triage_report_source_of_session(const triage_session *session, triage_report_source *out);

/* Wireshark's knowledge, lent by the caller.  Every member may be NULL. */
typedef struct triage_report_names {
    /* The port's service name ("https"), or NULL; asked for TCP, UDP, SCTP. */
    const char *(*service_name)(guint8 transport, guint16 port, void *user_data);
    /* An IP protocol's name ("gre"); NULL falls back to "ip-proto-N". */
    const char *(*transport_name)(guint8 transport, void *user_data);
    /* A protocol's filter name ("tls") from its id. */
    const char *(*protocol_name)(int protocol_id, void *user_data);
    /* Country and AS of an address; either may be set to NULL.  The strings
     * only need to live until the next call. */
    gboolean (*geo)(const triage_address *address, const char **country, const char **asn, void *user_data);
    void *user_data;
} triage_report_names;

typedef struct triage_report_options {
    guint top;                 /* ranked tables' rows; 0 = no bound */
    guint dests_top;           /* the destinations table's rows */
    guint servers_top;         /* the RTT report's per-server rows; 0 = top */
    triage_sort sort;          /* the destinations' order */
    const char *filter;        /* only shown: the selection is is_selected */
    triage_connection_selected_fn is_selected; /* NULL = every connection */
    void *selection;           /* for is_selected */
    /* Where the policy came from ("default", "table", "file"), its path
     * (NULL unless a file) and what was wrong with it (triage_policy_error*). */
    const char *policy_source;
    const char *policy_path;
    const GPtrArray *policy_errors;
    triage_report_names names;
} triage_report_options;

/* A transport's word in every report: the built-in name ("gre"), else
 * Wireshark's (names->transport_name), else "ip-proto-N" written into
 * buffer (at least 24 bytes). */
const char *triage_report_transport_word(const triage_report_names *names, guint8 transport, char *buffer,
                                         gsize size);

/* top = dests_top = 10, every connection, sorted by connections. */
void triage_report_options_init(triage_report_options *options);

#endif
