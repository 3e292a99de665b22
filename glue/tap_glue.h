/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap_glue.h — the thin layer between Wireshark's dissection and the
 * capture session (tap/session.h).
 *
 * The glue copies facts out of the tcp/udp/ip/ipv6 tap data of each frame
 * and hands them to the open capture's session; the session decides
 * everything.  Between captures there is no session.
 */
#ifndef TRIAGE_TAP_GLUE_H
#define TRIAGE_TAP_GLUE_H

#include <epan/packet.h>
#include "session.h"

/* Handoff: register the dissector-helper tap listeners. */
void triage_glue_register_helper_taps(void);
/* Makes TCP and UDP hand over payloads from now on (the follow taps): call
 * it as soon as the engines are known to run (a listener of the "triage"
 * tap, the GUI).  A frame processed before it finds its payload in its
 * bytes. */
void triage_glue_want_payloads(void);
/* Start of a capture (init routine) and its end (cleanup routine).  The
 * session takes a reference to settings->policy. */
void triage_glue_start(const triage_session_settings *settings);
void triage_glue_stop(void);

/* Feeds this frame to the session on its first dissection that carries tap
 * data, or reads its marks on a later one, and fills view (session.h).
 * Returns FALSE when there is nothing to show. */
gboolean triage_glue_process_frame(packet_info *pinfo, gboolean keep_marks, triage_frame_view *view);

/* The open capture's session; NULL between captures. */
const triage_session *triage_glue_session(void);

#endif
