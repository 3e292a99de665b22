/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap_glue.h — the thin layer between Wireshark's taps and the engines.
 *
 * The glue copies facts out of the tcp/udp/ip/ipv6 tap data of each frame,
 * feeds the connection table, the handshake engine and the policy engine,
 * and remembers per frame what the packet fields must show, so a
 * re-dissection (GUI click, second pass) shows the same values without the
 * tap data.  Everything that decides anything lives in the engines.
 */
#ifndef TRIAGE_TAP_GLUE_H
#define TRIAGE_TAP_GLUE_H

#include <epan/packet.h>
#include "connection_table.h"
#include "handshake.h"
#include "policy.h"

/* No connection: a non-IP frame, or one over the connection cap. */
#define TRIAGE_NO_CONNECTION G_MAXUINT32

/* What one frame shows in its packet fields. */
typedef struct triage_frame_view {
    const triage_connection *connection; /* NULL when none */
    const triage_handshake *handshake;   /* TCP connections only */
    int policy_rule;                     /* -1 when none */
    gboolean policy_violation;
    gboolean policy_raise_expert;        /* raise the expert info here */
    gboolean policy_provisional;         /* evidence not settled yet (policy.h) */
    gboolean policy_port_only;           /* settled: the port or label alone */
    guint policy_evidence;               /* triage_evidence bits */
} triage_frame_view;

/* Settings the engines are built with at the start of each capture. */
typedef struct triage_glue_settings {
    guint32 max_connections;
    const triage_network *internal_networks;
    guint internal_network_count;
    const triage_policy *policy;   /* NULL: no policy engine */
    gboolean allowlist;
} triage_glue_settings;

/* Handoff: register the dissector-helper tap listeners. */
void triage_glue_register_helper_taps(void);
/* Makes TCP and UDP hand over payloads from now on (the follow taps): call
 * it as soon as the engines are known to run.  Reports do so when they
 * register; a frame processed before it finds its payload in its bytes. */
void triage_glue_want_payloads(void);
/* Start of a capture (init routine) and its end (cleanup routine). */
void triage_glue_start(const triage_glue_settings *settings);
void triage_glue_stop(void);

/* Reports register here while they run so the postdissector knows it must
 * feed the engines even when no protocol tree is built. */
void triage_glue_report_listener_added(void);
void triage_glue_report_listener_removed(void);
gboolean triage_glue_reports_active(void);

/* Feeds the engines with this frame on its first dissection that carries tap
 * data, and fills view with what the frame shows.  keep_marks stores the
 * frame's view for later re-dissections (costs 8 bytes per frame: only when
 * a tree is wanted).  Returns FALSE when there is nothing to show. */
gboolean triage_glue_process_frame(packet_info *pinfo, gboolean keep_marks, triage_frame_view *view);

/* Judges a frame whose policy step waits for filter-rule taps (see
 * tap_glue.c); reports call it before they read the policy engine. */
void triage_glue_flush(void);

/* The connection of the frame processed last: report taps that run after
 * the postdissector use it to select connections with a display filter. */
guint32 triage_glue_last_frame_connection(void);
/* The TCP stream of the frame processed last, or TRIAGE_NO_CONNECTION. */
guint32 triage_glue_last_frame_tcp_stream(void);

triage_connection_table *triage_glue_connections(void);
triage_handshake_engine *triage_glue_handshakes(void);
triage_policy_engine *triage_glue_policy_engine(void);
const triage_policy *triage_glue_policy(void);
const triage_glue_settings *triage_glue_current_settings(void);

/* Capture totals seen by the engines. */
guint64 triage_glue_packet_count(void);
triage_time triage_glue_first_time(void);
triage_time triage_glue_last_time(void);

#endif
