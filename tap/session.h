/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session.h — one capture file's triage: the engines, the per-frame marks
 * and the totals, owned together.
 *
 * The glue (glue/tap_glue.c) turns each dissected frame into facts and
 * hands them here; everything else reads the session through const
 * pointers: the postdissector's fields and expert infos (the frame view),
 * the listeners of the "triage" tap, and the report builders (through
 * triage_session_report_source).  Nothing here knows Wireshark.
 *
 * One rule decides who is client and server: the connection table's.  The
 * handshake engine is told the sender's role with every segment, so the
 * RTT, policy and destinations reports name the same client for every
 * connection, mid-stream ones included.
 */
#ifndef TRIAGE_SESSION_H
#define TRIAGE_SESSION_H

#include "connection_table.h"
#include "handshake.h"
#include "policy.h"

/* No connection: a non-IP frame, or one over the connection cap. */
#define TRIAGE_NO_CONNECTION G_MAXUINT32

/* How a session is built at the start of a capture. */
typedef struct triage_session_settings {
    guint32 max_connections;              /* 0 = no bound */
    const triage_network *internal_networks;
    guint internal_network_count;
    triage_policy *policy;                /* NULL: no policy engine; the session takes a reference */
    gboolean allowlist;
    /* Wireshark's knowledge the engines ask for (see connection_table.h
     * and policy.h); NULL / 0 when not known. */
    triage_port_is_service_fn port_is_service;
    void *port_is_service_data;
    const int *carrier_protocol_ids;
    guint carrier_protocol_count;
} triage_session_settings;

/* One frame, as the glue read it from the dissection. */
typedef struct triage_frame_facts {
    gboolean has_flow;                /* an IP frame: packet describes its flow */
    triage_flow_packet packet;        /* frame, time and frame_length always */
    gboolean has_tcp;                 /* segment holds the frame's TCP header */
    triage_tcp_segment segment;
    const int *layer_ids;             /* the frame's protocols, outermost first */
    guint layer_count;
} triage_frame_facts;

/* What one frame shows in its packet fields, and what the "triage" tap
 * publishes for it. */
typedef struct triage_frame_view {
    guint32 frame;
    const triage_connection *connection; /* NULL when none */
    const triage_handshake *handshake;   /* TCP connections only */
    int policy_rule;                     /* -1 when none */
    gboolean policy_violation;
    gboolean policy_raise_expert;        /* raise the expert info here */
    gboolean policy_provisional;         /* evidence not settled yet (policy.h) */
    gboolean policy_port_only;           /* settled: the port or label alone */
    guint policy_evidence;               /* triage_evidence bits */
    guint policy_lookup_plus_one;        /* a DNS query for a listed name: its lookup + 1 (policy.h) */
    gboolean policy_lookup_raise_expert; /* the lookup's first query */
    gboolean capture_read;               /* the reading pass is over (see below) */
} triage_frame_view;

typedef struct triage_session triage_session;

triage_session *triage_session_new(const triage_session_settings *settings);
void triage_session_free(triage_session *session);

/* TRUE once the frame was fed: a later dissection of it is a re-dissection. */
gboolean triage_session_frame_seen(const triage_session *session, guint32 frame);

/* Feeds a frame on its first dissection and fills view.  keep_marks stores
 * what the frame shows for its re-dissections (8 bytes a frame: only when a
 * tree may be wanted later).  With policy_waits, the policy step waits for
 * triage_session_judge_frame (filter rules need this frame's filter results,
 * known only after the dissection); view then has no policy verdict.
 * Returns FALSE when the frame shows nothing of ours. */
gboolean triage_session_add_frame(triage_session *session, const triage_frame_facts *facts, gboolean keep_marks,
                                  gboolean policy_waits, triage_frame_view *view);
/* The policy step of the frame add_frame left waiting, with the filter
 * rules it matched (bit = triage_policy_rule.filter_bit).  Does nothing
 * when no frame waits. */
void triage_session_judge_frame(triage_session *session, guint64 matched_filter_rules);

/* A frame dissected again (the GUI shows a packet, or refilters): fills
 * view from the stored marks.  From then on the reading pass is over, and
 * the views say so (capture_read): outcomes are final.  Returns FALSE when
 * the frame shows nothing of ours or its marks were not kept. */
gboolean triage_session_view_again(triage_session *session, guint32 frame, triage_frame_view *view);

/* What the report builders read (report.h's triage_report_source). */
const triage_connection_table *triage_session_connections(const triage_session *session);
const triage_handshake_engine *triage_session_handshakes(const triage_session *session);
const triage_policy_engine *triage_session_policy_engine(const triage_session *session);
const triage_policy *triage_session_policy(const triage_session *session);
const triage_session_settings *triage_session_get_settings(const triage_session *session);
guint64 triage_session_packet_count(const triage_session *session);
triage_time triage_session_first_time(const triage_session *session);
triage_time triage_session_last_time(const triage_session *session);

#endif
