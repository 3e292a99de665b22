/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * summary.h — what one capture's triage leaves for a merge, and the merge.
 *
 * The engines of one capture (tap/session.h) hold every connection; a fleet
 * of two hundred captures cannot be answered from their reports, because
 * percentiles and distinct initiators do not add up.  A summary keeps only
 * what does add up, with integers only:
 *   - counters (outcomes, packets, bytes, connections) — summed;
 *   - first and last times — minimum and maximum;
 *   - handshake times as log-bucket sketches (tap/log_sketch.h, 1 % relative
 *     error on every percentile) — bucket counts summed;
 *   - initiators as distinct sets (distinct.h, exact up to 64, then a
 *     HyperLogLog sketch with 1.6 % standard error) — union;
 *   - the capture names each row came from — union;
 *   - the slowest handshakes, each with its capture — the top K of the union;
 *   - policy findings and DNS lookups, per rule and per endpoint — summed;
 *   - one row per capture (its own p50/p90, failures, findings, top
 *     destinations), never merged with another.
 * So merge(merge(a, b), c) and merge(a, b, c) are the same summary, and
 * summary_json.c writes a summary the same way whatever its history: the
 * merge is exact and associative, byte for byte.
 *
 * A connection between two instances of the fleet is in both captures.  For
 * every TCP handshake whose two ends are internal addresses a summary keeps
 * a sighting: the 5-tuple, the ISN its handshake last paired on (the
 * server's once a SYN/ACK was seen, else the client's) and what the
 * connection added to the counters.  Sightings merge by union; when a
 * report is made, a key seen in more than one capture counts once: the
 * capture that saw it from the client's side wins (else the first capture
 * by name), and the others' contributions are taken back out.
 *
 * Plain C + GLib: no epan.
 */
#ifndef TRIAGE_SUMMARY_H
#define TRIAGE_SUMMARY_H

#include <glib.h>
#include "packet_facts.h"
#include "handshake.h"
#include "capture_point.h"
#include "log_sketch.h"
#include "distinct.h"
#include "report_rtt.h"

/* The JSON document's "summary" member (summary_json.c) has this format. */
#define TRIAGE_SUMMARY_FORMAT 1
/* Sightings a capture keeps at most (about 100 bytes each in memory). */
#define TRIAGE_SUMMARY_SIGHTINGS_LIMIT 200000
/* The slowest handshakes a summary keeps, unless told otherwise. */
#define TRIAGE_SUMMARY_SLOWEST_DEFAULT 20

/* A set of capture names: interned strings (g_intern_string), so that a
 * name repeated on 10 000 rows is stored once. */
typedef GHashTable triage_name_set;

typedef struct triage_summary_traffic {
    guint64 connections;
    guint64 packets_to;
    guint64 bytes_to;
    guint64 packets_from;
    guint64 bytes_from;
    triage_time first; /* meaningful when connections > 0 */
    triage_time last;
} triage_summary_traffic;

/* The RTT report's counters (report_rtt.h), and the capture points of the
 * connections; all mergeable by sum. */
typedef struct triage_summary_counts {
    triage_rtt_counts rtt;
    guint64 capture_points[TRIAGE_CAPTURE_POINT_COUNT];
} triage_summary_counts;

typedef struct triage_summary_server {
    triage_address address;
    guint16 port;
    guint64 connections;
    guint64 completed;
    guint64 failed;
    guint64 capture_points[TRIAGE_CAPTURE_POINT_COUNT];
    triage_log_sketch *handshake; /* the handshake leg's times */
    triage_distinct initiators;
    triage_name_set *captures;
} triage_summary_server;

typedef struct triage_summary_port {
    guint8 transport;
    guint16 port;
    gboolean inferred; /* every connection's responder was inferred */
    char *service;     /* the port's service name where the capture was read; NULL: none */
    triage_summary_traffic traffic;
    triage_distinct initiators;
} triage_summary_port;

typedef struct triage_summary_destination {
    triage_address address;
    gboolean internal;           /* the address is in the internal networks */
    gboolean has_internal_client;
    gboolean has_external_client;
    triage_summary_traffic traffic;
    triage_distinct initiators;
    char *country; /* NULL: not known; the smallest name wins a disagreement */
    char *asn;
    GHashTable *ports; /* triage_summary_port, its own key */
    triage_name_set *captures;
} triage_summary_destination;

/* A finding of the policy report, per rule; its endpoints below. */
typedef struct triage_summary_finding {
    char *rule;
    char *severity;
    char *evidence;
    gboolean port_only;
    char *message;
    guint64 connections;
    guint64 matched_packets;
    guint64 packets;
    guint64 bytes;
    triage_time first, last;
    GHashTable *endpoints; /* triage_summary_endpoint, its own key */
    triage_name_set *captures;
} triage_summary_finding;

typedef struct triage_summary_endpoint {
    char *client;
    char *server;
    gint64 port;      /* -1: none */
    char *transport;
    char *evidence;
    char *host;       /* NULL: none */
    guint64 packets;
    guint64 matched_packets;
    triage_name_set *captures;
} triage_summary_endpoint;

/* A DNS lookup of a listed name, per (rule, client, name). */
typedef struct triage_summary_lookup {
    char *rule;
    char *severity;
    char *evidence;
    char *message;
    char *client;
    char *name;
    guint64 queries;
    triage_time first, last;
    triage_name_set *captures;
} triage_summary_lookup;

/* One of the slowest handshakes, with the capture it was measured in. */
typedef struct triage_summary_slow {
    const char *capture; /* interned */
    guint32 stream;
    triage_address client, server;
    guint16 client_port, server_port;
    triage_time legs[TRIAGE_LEG_COUNT];
    guint8 has_leg; /* bit per leg */
    guint32 frames[4]; /* SYN, SYN/ACK, ACK, first SYN; 0 = none */
    gboolean has_key;  /* a sighting: the key below names it */
    guint32 key_isn;
} triage_summary_slow;

/* What one capture's view of an inter-instance connection added. */
typedef struct triage_summary_sighting {
    triage_address client, server;
    guint16 client_port, server_port;
    guint32 isn;
    const char *capture; /* interned */
    guint8 capture_point;  /* triage_capture_point of the handshake */
    guint8 outcome;        /* triage_handshake_outcome */
    guint8 attempted, ambiguous, anomalies; /* anomalies: the bits */
    guint8 has_leg;        /* bit per leg in the statistics */
    triage_time legs[TRIAGE_LEG_COUNT];
    /* its connection's traffic, counted under the server's destination row
     * and (tcp, server port) port row; packets 0 = not counted there */
    guint64 packets_to, bytes_to, packets_from, bytes_from;
} triage_summary_sighting;

/* One capture's own row: never merged with another capture's. */
typedef struct triage_summary_capture {
    const char *name; /* interned */
    guint64 packets;
    triage_time first, last; /* meaningful when packets > 0 */
    guint64 connections;     /* TCP connections (handshake attempts and mid-stream) */
    guint64 completed;
    guint64 failed;
    gboolean has_handshakes;
    triage_time p50, p90;    /* of its handshake leg, from its sketch */
    guint64 findings[4];     /* finding rules by severity: error, warn, note, chat */
    guint64 flagged_connections;
    guint64 sightings_not_kept; /* over TRIAGE_SUMMARY_SIGHTINGS_LIMIT */
    GPtrArray *top_destinations; /* triage_summary_top_destination *, by bytes */
} triage_summary_capture;

typedef struct triage_summary_top_destination {
    char *address;
    guint64 bytes;
    guint64 connections;
} triage_summary_top_destination;

typedef struct triage_summary {
    guint slowest_limit;
    char *filter; /* the connection filter every capture was read with; NULL = none */
    GHashTable *captures;     /* name -> triage_summary_capture */
    triage_summary_counts counts;
    triage_log_sketch *legs[TRIAGE_LEG_COUNT];
    guint64 packets;
    triage_time first, last;
    GHashTable *servers;      /* triage_summary_server, its own key */
    GHashTable *destinations; /* triage_summary_destination, its own key */
    guint64 untracked_connections, untracked_packets;
    GHashTable *findings;     /* triage_summary_finding, its own key */
    GHashTable *lookups;      /* triage_summary_lookup, its own key */
    guint64 policy_connections; /* connections judged */
    char *policy_source;      /* where the policy came from, when every capture agrees; else "mixed" */
    GArray *slowest;          /* triage_summary_slow, best first, at most slowest_limit */
    GHashTable *sightings;    /* key (5-tuple + isn) -> GPtrArray of triage_summary_sighting * */
} triage_summary;

triage_summary *triage_summary_new(void);
void triage_summary_free(triage_summary *summary);

/* Adds source into target (source unchanged).  FALSE, with *error set,
 * when a capture name is in both: a capture counts once. */
gboolean triage_summary_merge(triage_summary *target, const triage_summary *source, char **error);

/* Rows, created on first use. */
triage_summary_capture *triage_summary_capture_get(triage_summary *summary, const char *name, gboolean *created);
triage_summary_server *triage_summary_server_get(triage_summary *summary, const triage_address *address, guint16 port);
triage_summary_destination *triage_summary_destination_get(triage_summary *summary, const triage_address *address);
triage_summary_port *triage_summary_port_get(triage_summary_destination *destination, guint8 transport, guint16 port);
triage_summary_finding *triage_summary_finding_get(triage_summary *summary, const char *rule, const char *severity,
                                                   const char *evidence, gboolean port_only, const char *message);
triage_summary_endpoint *triage_summary_endpoint_get(triage_summary_finding *finding, const char *client,
                                                     const char *server, gint64 port, const char *transport,
                                                     const char *evidence, const char *host);
triage_summary_lookup *triage_summary_lookup_get(triage_summary *summary, const char *rule, const char *severity,
                                                 const char *evidence, const char *message, const char *client,
                                                 const char *name);
/* Adds a slow handshake, keeping the best slowest_limit. */
void triage_summary_add_slow(triage_summary *summary, const triage_summary_slow *slow);
/* Adds a sighting (copied). */
void triage_summary_add_sighting(triage_summary *summary, const triage_summary_sighting *sighting);

void triage_name_set_add(triage_name_set *set, const char *name);
/* The names in byte order; g_free the array (not the names). */
const char **triage_name_set_sorted(const triage_name_set *set, guint *count);

/* The values of a hash table as an array; g_free it. */
gpointer *triage_hash_table_values(GHashTable *table, guint *count);

void triage_summary_traffic_add(triage_summary_traffic *target, const triage_summary_traffic *source);

/* Rows in a fixed order (see summary.c), for writers; g_free the array. */
triage_summary_server **triage_summary_servers_sorted(const triage_summary *summary, guint *count);
triage_summary_destination **triage_summary_destinations_sorted(const triage_summary *summary, guint *count);
triage_summary_port **triage_summary_ports_sorted(const triage_summary_destination *destination, guint *count);
triage_summary_finding **triage_summary_findings_sorted(const triage_summary *summary, guint *count);
triage_summary_endpoint **triage_summary_endpoints_sorted(const triage_summary_finding *finding, guint *count);
triage_summary_lookup **triage_summary_lookups_sorted(const triage_summary *summary, guint *count);
triage_summary_capture **triage_summary_captures_sorted(const triage_summary *summary, guint *count);
/* The sightings of each key, keys in order; each GPtrArray in capture-name
 * order.  g_free the array. */
GPtrArray **triage_summary_sightings_sorted(const triage_summary *summary, guint *count);

/* The summary with every connection seen by two captures counted once (a
 * copy: the summary itself keeps every sighting, so it still merges).
 * *merged receives how many connections were taken out. */
triage_summary *triage_summary_deduplicated(const triage_summary *summary, guint64 *merged);

/* The slow entry's order: longest handshake first, then capture name,
 * stream, first SYN frame. */
int triage_summary_slow_compare(const triage_summary_slow *left, const triage_summary_slow *right);

#endif
