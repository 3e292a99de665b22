/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * session.c — one capture file's engines, marks and totals (session.h).
 */
#include <string.h>

#include "session.h"

/* The policy engine looks at most this far into a payload (policy.h: more
 * with hosts rules, for a ClientHello); a frame whose policy step waits
 * keeps a copy of that much. */
#define WAITING_PAYLOAD_BYTES TRIAGE_POLICY_STREAM_WINDOW
#define MAX_LAYERS 64

/* What a re-dissection needs to show the same fields: 8 bytes per frame. */
typedef struct frame_marks {
    guint32 connection;
    gint16 policy_rule;
    guint8 flags;
    guint8 policy_evidence;
} frame_marks;

enum {
    MARK_STORED = 1,
    MARK_VIOLATION = 2,
    MARK_RAISE_EXPERT = 4,
    MARK_PROVISIONAL = 8,
    MARK_PORT_ONLY = 16,
};

/* A frame whose policy step waits for its filter results. */
typedef struct waiting_frame {
    gboolean valid;
    gboolean keep_marks;
    guint32 connection;
    gboolean to_server;
    triage_flow_packet packet;
    guint8 payload[WAITING_PAYLOAD_BYTES];
    int layer_ids[MAX_LAYERS];
    guint layer_count;
} waiting_frame;

struct triage_session {
    triage_session_settings settings;
    GArray *internal_networks;           /* a copy: the preference may change */
    triage_connection_table *connections;
    triage_handshake_engine *handshakes;
    triage_policy_engine *policy_engine; /* NULL without a policy */
    GByteArray *seen;                    /* one bit per frame number */
    GArray *marks;                       /* frame_marks by frame number, when kept */
    guint64 packets;
    triage_time first_time, last_time;
    gboolean capture_read;               /* a frame was dissected again */
    waiting_frame waiting;
};

triage_session *triage_session_new(const triage_session_settings *settings)
{
    triage_session *session = g_new0(triage_session, 1);

    session->settings = *settings;
    session->internal_networks = g_array_sized_new(FALSE, FALSE, sizeof(triage_network),
                                                   settings->internal_network_count);
    if (settings->internal_network_count)
        g_array_append_vals(session->internal_networks, settings->internal_networks,
                            settings->internal_network_count);
    session->settings.internal_networks = (const triage_network *)session->internal_networks->data;
    session->connections = triage_connection_table_new(settings->max_connections, settings->port_is_service,
                                                       settings->port_is_service_data);
    session->handshakes = triage_handshake_engine_new(settings->max_connections);
    if (settings->policy) {
        session->settings.policy = triage_policy_ref(settings->policy);
        session->policy_engine = triage_policy_engine_new(
            settings->policy, settings->allowlist, session->settings.internal_networks,
            settings->internal_network_count,
            settings->carrier_protocol_ids, settings->carrier_protocol_count, settings->max_connections);
    }
    /* The carrier list is the caller's: the policy engine copied it. */
    session->settings.carrier_protocol_ids = NULL;
    session->settings.carrier_protocol_count = 0;
    session->seen = g_byte_array_new();
    session->marks = g_array_new(FALSE, TRUE, sizeof(frame_marks));
    return session;
}

void triage_session_free(triage_session *session)
{
    if (session == NULL)
        return;
    triage_connection_table_free(session->connections);
    triage_handshake_engine_free(session->handshakes);
    if (session->policy_engine)
        triage_policy_engine_free(session->policy_engine);
    triage_policy_unref(session->settings.policy);
    g_array_free(session->internal_networks, TRUE);
    g_byte_array_free(session->seen, TRUE);
    g_array_free(session->marks, TRUE);
    g_free(session);
}

gboolean triage_session_frame_seen(const triage_session *session, guint32 frame)
{
    guint byte = frame >> 3;
    return byte < session->seen->len && (session->seen->data[byte] & (1u << (frame & 7)));
}

static void mark_seen(triage_session *session, guint32 frame)
{
    guint byte = frame >> 3;
    if (byte >= session->seen->len) {
        /* Grow geometrically so a capture costs O(frames) copies in all. */
        guint new_length = MAX(byte + 1, session->seen->len * 2 + 64);
        guint old_length = session->seen->len;
        g_byte_array_set_size(session->seen, new_length);
        memset(session->seen->data + old_length, 0, new_length - old_length);
    }
    session->seen->data[byte] |= (guint8)(1u << (frame & 7));
}

static frame_marks *marks_for(triage_session *session, guint32 frame, gboolean grow)
{
    if (frame >= session->marks->len) {
        if (!grow)
            return NULL;
        /* GArray grows its allocation geometrically and zeroes only the
         * marks in use. */
        g_array_set_size(session->marks, frame + 1);
    }
    return &g_array_index(session->marks, frame_marks, frame);
}

static void view_policy(triage_frame_view *view, const triage_policy_verdict *verdict)
{
    view->policy_rule = verdict->rule;
    view->policy_violation = verdict->violation;
    view->policy_raise_expert = verdict->raise_expert;
    view->policy_provisional = verdict->provisional;
    view->policy_port_only = verdict->port_only;
    view->policy_evidence = verdict->evidence;
    view->policy_lookup_plus_one = verdict->lookup_plus_one;
    view->policy_lookup_raise_expert = verdict->lookup_raise_expert;
}

static void policy_step(triage_session *session, const triage_flow_packet *packet,
                        const triage_connection *connection, gboolean to_server, const int *layer_ids,
                        guint layer_count, guint64 matched_filter_rules, gboolean keep_marks,
                        triage_frame_view *view)
{
    triage_policy_verdict verdict = triage_policy_engine_add_packet(
        session->policy_engine, connection, to_server, packet, layer_ids, layer_count, matched_filter_rules);
    if (view)
        view_policy(view, &verdict);
    if (keep_marks) {
        frame_marks *marks = marks_for(session, packet->frame, TRUE);
        marks->policy_rule = (gint16)verdict.rule;
        marks->flags = (guint8)(MARK_STORED | (verdict.violation ? MARK_VIOLATION : 0) |
                                (verdict.raise_expert ? MARK_RAISE_EXPERT : 0) |
                                (verdict.provisional ? MARK_PROVISIONAL : 0) |
                                (verdict.port_only ? MARK_PORT_ONLY : 0));
        marks->policy_evidence = (guint8)verdict.evidence;
    }
}

/* Keeps what the policy step needs: the frame's buffers are gone by the
 * time its filter results are known. */
static void wait_for_filters(triage_session *session, const triage_frame_facts *facts,
                             const triage_connection *connection, gboolean to_server, gboolean keep_marks)
{
    waiting_frame *waiting = &session->waiting;
    guint32 payload_length = MIN(facts->packet.payload_length, WAITING_PAYLOAD_BYTES);

    waiting->valid = TRUE;
    waiting->keep_marks = keep_marks;
    waiting->connection = connection ? connection->index : TRIAGE_NO_CONNECTION;
    waiting->to_server = to_server;
    waiting->packet = facts->packet;
    waiting->packet.payload = payload_length ? waiting->payload : NULL;
    waiting->packet.payload_length = payload_length;
    if (payload_length)
        memcpy(waiting->payload, facts->packet.payload, payload_length);
    waiting->layer_count = MIN(facts->layer_count, MAX_LAYERS);
    memcpy(waiting->layer_ids, facts->layer_ids, waiting->layer_count * sizeof(int));
}

void triage_session_judge_frame(triage_session *session, guint64 matched_filter_rules)
{
    waiting_frame *waiting = &session->waiting;
    const triage_connection *connection = NULL;

    if (!waiting->valid)
        return;
    waiting->valid = FALSE;
    if (waiting->connection != TRIAGE_NO_CONNECTION)
        connection = triage_connection_table_get(session->connections, waiting->connection);
    policy_step(session, &waiting->packet, connection, waiting->to_server, waiting->layer_ids,
                waiting->layer_count, matched_filter_rules, waiting->keep_marks, NULL);
}

static void feed_handshake(triage_session *session, const triage_frame_facts *facts,
                           const triage_connection *connection, gboolean to_server, triage_frame_view *view)
{
    triage_tcp_segment segment = facts->segment;

    if (connection == NULL) {
        /* Over the connection table's bound: the RTT report counts it as
         * not tracked, like the other reports. */
        triage_handshake_engine_add_untracked_segment(session->handshakes, &segment);
        return;
    }
    segment.sender_role = to_server ? TRIAGE_ROLE_CLIENT : TRIAGE_ROLE_SERVER;
    view->handshake = triage_handshake_engine_add_segment(session->handshakes, &segment);
}

gboolean triage_session_add_frame(triage_session *session, const triage_frame_facts *facts, gboolean keep_marks,
                                  gboolean policy_waits, triage_frame_view *view)
{
    const triage_flow_packet *packet = &facts->packet;
    const triage_connection *connection = NULL;
    gboolean to_server = FALSE;
    frame_marks marks = {TRIAGE_NO_CONNECTION, -1, MARK_STORED, 0};

    memset(view, 0, sizeof *view);
    view->frame = packet->frame;
    view->policy_rule = -1;
    /* A frame still waiting is judged with what its filters said so far
     * (its judge did not run: no filter listener saw it). */
    triage_session_judge_frame(session, 0);

    if (facts->has_flow)
        connection = triage_connection_table_add_packet(session->connections, packet, &to_server);
    mark_seen(session, packet->frame);
    session->capture_read = FALSE;
    if (session->packets == 0 || packet->time < session->first_time)
        session->first_time = packet->time;
    if (session->packets == 0 || packet->time > session->last_time)
        session->last_time = packet->time;
    session->packets++;

    if (connection) {
        marks.connection = connection->index;
        view->connection = connection;
    }
    if (facts->has_tcp && facts->has_flow)
        feed_handshake(session, facts, connection, to_server, view);
    if (keep_marks)
        *marks_for(session, packet->frame, TRUE) = marks;
    if (session->policy_engine) {
        if (policy_waits)
            wait_for_filters(session, facts, connection, to_server, keep_marks);
        else
            policy_step(session, packet, connection, to_server, facts->layer_ids, facts->layer_count, 0,
                        keep_marks, view);
    }
    return view->connection != NULL || view->policy_rule >= 0;
}

gboolean triage_session_view_again(triage_session *session, guint32 frame, triage_frame_view *view)
{
    const frame_marks *marks = marks_for(session, frame, FALSE);

    memset(view, 0, sizeof *view);
    view->frame = frame;
    view->policy_rule = -1;
    /* A frame dissected again means the reading pass has moved on (the GUI
     * shows a packet, or refilters after loading): pending handshakes are
     * shown as the capture left them.  A frame fed later (a live capture)
     * opens the pass again. */
    session->capture_read = TRUE;
    view->capture_read = TRUE;
    if (marks == NULL || !(marks->flags & MARK_STORED))
        return FALSE;
    view->policy_rule = marks->policy_rule;
    view->policy_violation = (marks->flags & MARK_VIOLATION) != 0;
    view->policy_raise_expert = (marks->flags & MARK_RAISE_EXPERT) != 0;
    view->policy_provisional = (marks->flags & MARK_PROVISIONAL) != 0;
    view->policy_port_only = (marks->flags & MARK_PORT_ONLY) != 0;
    view->policy_evidence = marks->policy_evidence;
    if (session->policy_engine)
        view->policy_lookup_plus_one = triage_policy_engine_frame_lookup(session->policy_engine, frame,
                                                                         &view->policy_lookup_raise_expert);
    if (marks->connection != TRIAGE_NO_CONNECTION) {
        view->connection = triage_connection_table_get(session->connections, marks->connection);
        if (view->connection && view->connection->transport == TRIAGE_TRANSPORT_TCP)
            /* A stream can hold more than one handshake attempt. */
            view->handshake = triage_handshake_engine_find(session->handshakes, view->connection->stream, frame);
    }
    return view->connection != NULL || view->policy_rule >= 0;
}

const triage_connection_table *triage_session_connections(const triage_session *session)
{
    return session->connections;
}
const triage_handshake_engine *triage_session_handshakes(const triage_session *session)
{
    return session->handshakes;
}
const triage_policy_engine *triage_session_policy_engine(const triage_session *session)
{
    return session->policy_engine;
}
const triage_policy *triage_session_policy(const triage_session *session)
{
    return session->settings.policy;
}
const triage_session_settings *triage_session_get_settings(const triage_session *session)
{
    return &session->settings;
}
guint64 triage_session_packet_count(const triage_session *session) { return session->packets; }
triage_time triage_session_first_time(const triage_session *session) { return session->first_time; }
triage_time triage_session_last_time(const triage_session *session) { return session->last_time; }
