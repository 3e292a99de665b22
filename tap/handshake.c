/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * handshake.c — the per-stream handshake state machine of handshake.h.
 *
 * Every segment of a stream passes through here, so the path is short:
 * an array index, a few flag tests, at most two subtractions.  Nothing is
 * allocated except when a new highest stream grows the array, or when a
 * new attempt in a stream sets the earlier one aside (rare: Wireshark
 * starts a new stream for most of them).
 */
#include <string.h>

#include "handshake.h"

/* Keeping the record small is what lets a million connections fit. */
G_STATIC_ASSERT(sizeof(triage_handshake) <= 56);
/* The bit fields hold every value. */
G_STATIC_ASSERT(TRIAGE_OUTCOME_COUNT <= 1 << 3);
G_STATIC_ASSERT(TRIAGE_ANOMALY_KIND_COUNT <= 6);

/* triage_handshake.progress bits: what has been seen so far. */
enum {
    PROGRESS_SEEN = 1 << 0,              /* the record is in use */
    PROGRESS_OPENED_BY_SYN = 1 << 1,     /* first packet was the client's SYN */
    PROGRESS_OPENED_BY_SYNACK = 1 << 2,  /* first packet was the server's SYN/ACK */
    PROGRESS_SYN_REPEATED = 1 << 3,      /* a second SYN before the first SYN/ACK */
    PROGRESS_SYNACK_SEEN = 1 << 4,
    PROGRESS_SYNACK_REPEATED = 1 << 5,   /* a second SYN/ACK before the ACK */
    PROGRESS_ACK_SEEN = 1 << 6,
    PROGRESS_REFUSED = 1 << 7,           /* server RST before any SYN/ACK */
    PROGRESS_CLIENT_RESET = 1 << 8,      /* client RST after the SYN/ACK, before the ACK */
    PROGRESS_SYN_SYNACK_MEASURED = 1 << 9,
    PROGRESS_SYNACK_ACK_MEASURED = 1 << 10,
    PROGRESS_SETUP_MEASURED = 1 << 11,
    PROGRESS_FOLLOWS_EARLIER = 1 << 12,  /* an earlier attempt in the stream was set aside */
};

#define PROGRESS_OPENED (PROGRESS_OPENED_BY_SYN | PROGRESS_OPENED_BY_SYNACK)

/* Anomalies after which no time of the connection means a round trip. */
#define ANOMALIES_SPOILING_TIMES (TRIAGE_ANOMALY_TIME_BACKWARDS | TRIAGE_ANOMALY_SIMULTANEOUS_OPEN)

/* An attempt a later one in its stream followed. */
typedef struct earlier_attempt {
    triage_handshake handshake;
    guint32 stream;
    guint32 previous;           /* the stream's attempt before it, index + 1; 0 = none */
} earlier_attempt;

struct triage_handshake_engine {
    GArray *records;            /* of triage_handshake, indexed by tcp.stream: the latest attempt */
    GArray *earlier;            /* of earlier_attempt, in capture order */
    GHashTable *latest_earlier; /* stream -> index + 1 in earlier of its last earlier attempt */
    guint32 max_connections;    /* 0 = no bound */
    guint64 untracked_connections;
    guint64 untracked_segments;
    gboolean any_untracked;
    guint32 highest_untracked_stream;
};

const char *triage_handshake_outcome_name(triage_handshake_outcome outcome)
{
    switch (outcome) {
    case TRIAGE_OUTCOME_PENDING: return "pending";
    case TRIAGE_OUTCOME_COMPLETED: return "completed";
    case TRIAGE_OUTCOME_REFUSED: return "refused";
    case TRIAGE_OUTCOME_UNANSWERED: return "unanswered";
    case TRIAGE_OUTCOME_INCOMPLETE: return "incomplete";
    case TRIAGE_OUTCOME_CLIENT_RESET: return "client_reset";
    case TRIAGE_OUTCOME_SYNACK_ONLY: return "synack_only";
    case TRIAGE_OUTCOME_NO_HANDSHAKE: return "no_handshake";
    }
    return "unknown";
}

const char *triage_leg_name(triage_leg leg)
{
    switch (leg) {
    case TRIAGE_LEG_SYN_SYNACK: return "syn_synack";
    case TRIAGE_LEG_SYNACK_ACK: return "synack_ack";
    case TRIAGE_LEG_HANDSHAKE: return "handshake";
    case TRIAGE_LEG_SETUP: return "setup";
    }
    return "unknown";
}

const char *triage_handshake_anomaly_name(guint anomaly_bit)
{
    switch (anomaly_bit) {
    case TRIAGE_ANOMALY_TIME_BACKWARDS: return "time_backwards";
    case TRIAGE_ANOMALY_SIMULTANEOUS_OPEN: return "simultaneous_open";
    case TRIAGE_ANOMALY_LATE_SYN: return "late_syn";
    case TRIAGE_ANOMALY_SYN_WITH_PAYLOAD: return "syn_with_payload";
    case TRIAGE_ANOMALY_ACK_MISMATCH: return "ack_mismatch";
    case TRIAGE_ANOMALY_SYN_AFTER_SYNACK: return "syn_after_synack";
    }
    return NULL;
}

/* --- The state machine --------------------------------------------------- */

static gboolean has(const triage_handshake *handshake, guint progress_bits)
{
    return (handshake->progress & progress_bits) != 0;
}

static gboolean is_under_way(const triage_handshake *handshake)
{
    /* Completed, or joined mid-stream: any SYN from now on starts
     * something this record does not measure. */
    return has(handshake, PROGRESS_ACK_SEEN) || !has(handshake, PROGRESS_OPENED);
}

/* A fixed order of a stream's two endpoints: by port, then by address.
 * tcp.stream fixes the pair, so one bit (is the client first?) tells the
 * roles, and no address needs to be kept. */
static gboolean endpoint_is_first(const triage_address *address, guint16 port, const triage_address *peer,
                                  guint16 peer_port)
{
    if (port != peer_port)
        return port < peer_port;
    return memcmp(address, peer, sizeof *address) < 0;
}

static gboolean segment_is_from_client(const triage_handshake *handshake,
                                       const triage_tcp_segment *segment)
{
    /* Equal endpoints (a host talking to itself on one port) cannot be
     * told apart: every segment then counts as the client's. */
    if (segment->source_port == segment->destination_port
        && memcmp(&segment->source, &segment->destination, sizeof segment->source) == 0)
        return TRUE;
    return endpoint_is_first(&segment->source, segment->source_port, &segment->destination,
                             segment->destination_port) == handshake->client_first;
}

/* Stores end - start in *slot when it is a duration; a negative one means
 * the clock ran backwards, which is flagged and never stored. */
static gboolean close_measurement(triage_handshake *handshake, triage_time *slot, triage_time end)
{
    triage_time duration = end - *slot;

    if (duration < 0) {
        handshake->anomalies |= TRIAGE_ANOMALY_TIME_BACKWARDS;
        *slot = 0;
        return FALSE;
    }
    *slot = duration;
    return TRUE;
}

/* A retransmission replaces the opening moment of a leg; one stamped
 * before its predecessor means the clock ran backwards. */
static void reopen_measurement(triage_handshake *handshake, triage_time *slot, triage_time start)
{
    if (start < *slot)
        handshake->anomalies |= TRIAGE_ANOMALY_TIME_BACKWARDS;
    *slot = start;
}

static void on_client_syn(triage_handshake *handshake, const triage_tcp_segment *segment)
{
    if (is_under_way(handshake) || has(handshake, PROGRESS_CLIENT_RESET)) {
        handshake->anomalies |= TRIAGE_ANOMALY_LATE_SYN;
        return;
    }
    /* Once the SYN/ACK is out, leg 1 is closed; a SYN sent now says the
     * client had not received the SYN/ACK, so its ACK will not time leg 2. */
    if (has(handshake, PROGRESS_SYNACK_SEEN) || has(handshake, PROGRESS_OPENED_BY_SYNACK)) {
        handshake->anomalies |= TRIAGE_ANOMALY_SYN_AFTER_SYNACK;
        return;
    }
    if (segment->payload_length > 0)
        handshake->anomalies |= TRIAGE_ANOMALY_SYN_WITH_PAYLOAD;
    if (handshake->first_syn_frame == 0) {
        handshake->first_syn_frame = segment->frame;
        handshake->expected_isn = segment->seq;
        handshake->setup_slot = segment->time;
        handshake->syn_synack_slot = segment->time;
    } else {
        handshake->progress |= PROGRESS_SYN_REPEATED;
        reopen_measurement(handshake, &handshake->syn_synack_slot, segment->time);
    }
    handshake->syn_frame = segment->frame;
}

static void on_server_syn(triage_handshake *handshake)
{
    if (is_under_way(handshake))
        handshake->anomalies |= TRIAGE_ANOMALY_LATE_SYN;
    else if (!has(handshake, PROGRESS_SYNACK_SEEN))
        handshake->anomalies |= TRIAGE_ANOMALY_SIMULTANEOUS_OPEN;
}

static void on_server_synack(triage_handshake *handshake, const triage_tcp_segment *segment)
{
    if (!has(handshake, PROGRESS_OPENED)) {
        handshake->anomalies |= TRIAGE_ANOMALY_LATE_SYN;
        return;
    }
    if (has(handshake, PROGRESS_ACK_SEEN | PROGRESS_CLIENT_RESET))
        return;
    /* Only a copy of the paired SYN/ACK repeats it; another ISN answers a
     * SYN this record does not hold. */
    if (has(handshake, PROGRESS_SYNACK_SEEN) && segment->seq != handshake->expected_isn)
        return;
    if (!has(handshake, PROGRESS_SYNACK_SEEN)) {
        handshake->progress |= PROGRESS_SYNACK_SEEN;
        handshake->synack_frame = segment->frame;
        if (has(handshake, PROGRESS_OPENED_BY_SYN)
            && close_measurement(handshake, &handshake->syn_synack_slot, segment->time)) {
            handshake->progress |= PROGRESS_SYN_SYNACK_MEASURED;
            /* Karn: only a closed leg can be ambiguous. */
            if (has(handshake, PROGRESS_SYN_REPEATED))
                handshake->ambiguity |= TRIAGE_AMBIGUOUS_SYN_RETRANSMITTED;
        }
        handshake->synack_ack_slot = segment->time;
    } else {
        handshake->progress |= PROGRESS_SYNACK_REPEATED;
        reopen_measurement(handshake, &handshake->synack_ack_slot, segment->time);
    }
    handshake->synack_ack_opening_frame = segment->frame;
    handshake->expected_isn = segment->seq;
}

static void on_client_ack(triage_handshake *handshake, const triage_tcp_segment *segment)
{
    if (!has(handshake, PROGRESS_SYNACK_SEEN) || has(handshake, PROGRESS_ACK_SEEN | PROGRESS_CLIENT_RESET))
        return;
    /* Unsigned arithmetic: the sequence space wraps. */
    if (segment->ack != (guint32)(handshake->expected_isn + 1u)) {
        handshake->anomalies |= TRIAGE_ANOMALY_ACK_MISMATCH;
        return;
    }
    handshake->progress |= PROGRESS_ACK_SEEN;
    handshake->ack_frame = segment->frame;
    if (close_measurement(handshake, &handshake->synack_ack_slot, segment->time)) {
        handshake->progress |= PROGRESS_SYNACK_ACK_MEASURED;
        if (has(handshake, PROGRESS_SYNACK_REPEATED))
            handshake->ambiguity |= TRIAGE_AMBIGUOUS_SYNACK_RETRANSMITTED;
    }
    if (has(handshake, PROGRESS_OPENED_BY_SYN)
        && close_measurement(handshake, &handshake->setup_slot, segment->time))
        handshake->progress |= PROGRESS_SETUP_MEASURED;
}

static void on_reset(triage_handshake *handshake, const triage_tcp_segment *segment, gboolean from_client)
{
    if (is_under_way(handshake))
        return;  /* an ordinary end of a connection */
    if (from_client) {
        /* Before the SYN/ACK the client merely gave up waiting: unanswered. */
        if (!has(handshake, PROGRESS_SYNACK_SEEN) || has(handshake, PROGRESS_CLIENT_RESET))
            return;
        handshake->progress |= PROGRESS_CLIENT_RESET;
    } else {
        /* After its SYN/ACK the server merely withdrew it: incomplete. */
        if (has(handshake, PROGRESS_SYNACK_SEEN | PROGRESS_REFUSED))
            return;
        handshake->progress |= PROGRESS_REFUSED;
    }
    handshake->reset_frame = segment->frame;
}

static void set_roles(triage_handshake *handshake, const triage_tcp_segment *segment, gboolean sender_is_client)
{
    gboolean source_first = endpoint_is_first(&segment->source, segment->source_port, &segment->destination,
                                              segment->destination_port);

    handshake->client_first = sender_is_client ? source_first : !source_first;
}

static void open_record(triage_handshake *handshake, const triage_tcp_segment *segment)
{
    guint16 flags = segment->flags;
    gboolean syn = (flags & (TRIAGE_TCP_SYN | TRIAGE_TCP_RST)) == TRIAGE_TCP_SYN;
    gboolean synack_opens = syn && (flags & TRIAGE_TCP_ACK) != 0;

    memset(handshake, 0, sizeof *handshake);
    handshake->progress = PROGRESS_SEEN;
    /* A SYN names its sender the client and a SYN/ACK its receiver.  With
     * neither, the connection table's rule decides (a service port, else
     * not an ephemeral one), so every report names the same client; only a
     * caller without a table leaves the first sender standing in. */
    if (!syn && segment->sender_role != TRIAGE_ROLE_UNKNOWN)
        set_roles(handshake, segment, segment->sender_role == TRIAGE_ROLE_CLIENT);
    else
        set_roles(handshake, segment, !synack_opens);
    if (synack_opens)
        handshake->progress |= PROGRESS_OPENED_BY_SYNACK;
    else if (syn)
        handshake->progress |= PROGRESS_OPENED_BY_SYN;
}

static void advance(triage_handshake *handshake, const triage_tcp_segment *segment)
{
    guint16 flags = segment->flags;
    gboolean from_client = segment_is_from_client(handshake, segment);

    if (flags & TRIAGE_TCP_RST) {
        on_reset(handshake, segment, from_client);
    } else if (flags & TRIAGE_TCP_SYN) {
        if (!(flags & TRIAGE_TCP_ACK))
            from_client ? on_client_syn(handshake, segment) : on_server_syn(handshake);
        else if (!from_client)
            on_server_synack(handshake, segment);
        /* The client's own SYN/ACK only happens in a simultaneous open,
         * already flagged by the server's SYN. */
    } else if ((flags & TRIAGE_TCP_ACK) && from_client) {
        on_client_ack(handshake, segment);
    }
}

/* TRUE when the SYN/ACK acknowledges the SYN whose ISN the record holds.
 * A server that takes the data of a Fast Open SYN acknowledges it too
 * (RFC 7413); the record does not keep its length, and a SYN carries at
 * most 64 KiB. */
static gboolean synack_acknowledges_syn(const triage_handshake *handshake, const triage_tcp_segment *segment)
{
    guint32 beyond = segment->ack - (guint32)(handshake->expected_isn + 1u);

    return beyond == 0 || ((handshake->anomalies & TRIAGE_ANOMALY_SYN_WITH_PAYLOAD) && beyond <= G_MAXUINT16);
}

/* TRUE when the segment begins a new attempt in the stream (handshake.h):
 * the record's SYN is still unanswered, and a SYN with another ISN or a
 * SYN/ACK for another ISN arrives. */
static gboolean starts_new_attempt(const triage_handshake *handshake, const triage_tcp_segment *segment)
{
    guint16 flags = segment->flags & (TRIAGE_TCP_SYN | TRIAGE_TCP_ACK | TRIAGE_TCP_RST);

    if (!has(handshake, PROGRESS_OPENED_BY_SYN) || has(handshake, PROGRESS_SYNACK_SEEN | PROGRESS_ACK_SEEN))
        return FALSE;
    if (flags == TRIAGE_TCP_SYN)
        return segment->seq != handshake->expected_isn && segment_is_from_client(handshake, segment);
    if (flags == (TRIAGE_TCP_SYN | TRIAGE_TCP_ACK))
        return !segment_is_from_client(handshake, segment) && !synack_acknowledges_syn(handshake, segment);
    return FALSE;
}

static triage_handshake_outcome outcome_of(const triage_handshake *handshake, gboolean capture_ended)
{
    if (!has(handshake, PROGRESS_OPENED))
        return TRIAGE_OUTCOME_NO_HANDSHAKE;
    if (has(handshake, PROGRESS_OPENED_BY_SYNACK))
        return TRIAGE_OUTCOME_SYNACK_ONLY;
    if (has(handshake, PROGRESS_ACK_SEEN))
        return TRIAGE_OUTCOME_COMPLETED;
    if (has(handshake, PROGRESS_CLIENT_RESET))
        return TRIAGE_OUTCOME_CLIENT_RESET;
    if (has(handshake, PROGRESS_SYNACK_SEEN))
        return capture_ended ? TRIAGE_OUTCOME_INCOMPLETE : TRIAGE_OUTCOME_PENDING;
    if (has(handshake, PROGRESS_REFUSED))
        return TRIAGE_OUTCOME_REFUSED;
    return capture_ended ? TRIAGE_OUTCOME_UNANSWERED : TRIAGE_OUTCOME_PENDING;
}

/* --- The engine -------------------------------------------------------------- */

triage_handshake_engine *triage_handshake_engine_new(guint32 max_connections)
{
    triage_handshake_engine *engine = g_new0(triage_handshake_engine, 1);

    engine->records = g_array_new(FALSE, TRUE, sizeof(triage_handshake));
    engine->earlier = g_array_new(FALSE, FALSE, sizeof(earlier_attempt));
    engine->latest_earlier = g_hash_table_new(g_direct_hash, g_direct_equal);
    engine->max_connections = max_connections;
    return engine;
}

void triage_handshake_engine_free(triage_handshake_engine *engine)
{
    if (engine == NULL)
        return;
    g_array_free(engine->records, TRUE);
    g_array_free(engine->earlier, TRUE);
    g_hash_table_destroy(engine->latest_earlier);
    g_free(engine);
}

void triage_handshake_engine_reset(triage_handshake_engine *engine)
{
    g_array_set_size(engine->records, 0);
    g_array_set_size(engine->earlier, 0);
    g_hash_table_remove_all(engine->latest_earlier);
    engine->untracked_connections = 0;
    engine->untracked_segments = 0;
    engine->any_untracked = FALSE;
    engine->highest_untracked_stream = 0;
}

static gboolean is_tracked_stream(const triage_handshake_engine *engine, guint32 stream)
{
    /* G_MAXUINT32 would overflow the array length. */
    if (stream == G_MAXUINT32)
        return FALSE;
    return engine->max_connections == 0 || stream < engine->max_connections;
}

static void count_untracked(triage_handshake_engine *engine, guint32 stream)
{
    engine->untracked_segments++;
    /* tcp.stream numbers grow in order of first sight, so a stream above
     * every one counted so far is a new connection. */
    if (!engine->any_untracked || stream > engine->highest_untracked_stream) {
        engine->untracked_connections++;
        engine->highest_untracked_stream = stream;
        engine->any_untracked = TRUE;
    }
}

/* Keeps the stream's attempt among the earlier ones, its outcome final: no
 * packet of the stream reaches it any more.  The bound holds for them too:
 * beyond max_connections earlier attempts, one is counted, not kept. */
static void set_aside(triage_handshake_engine *engine, guint32 stream, const triage_handshake *handshake)
{
    earlier_attempt attempt;
    gpointer key = GUINT_TO_POINTER(stream);

    if (engine->max_connections != 0 && engine->earlier->len >= engine->max_connections) {
        engine->untracked_connections++;
        return;
    }

    attempt.handshake = *handshake;
    attempt.handshake.set_aside = 1;
    attempt.stream = stream;
    attempt.previous = GPOINTER_TO_UINT(g_hash_table_lookup(engine->latest_earlier, key));
    g_array_append_val(engine->earlier, attempt);
    g_hash_table_insert(engine->latest_earlier, key, GUINT_TO_POINTER(engine->earlier->len));
}

const triage_handshake *triage_handshake_engine_add_segment(triage_handshake_engine *engine,
                                                            const triage_tcp_segment *segment)
{
    triage_handshake *handshake;

    if (!is_tracked_stream(engine, segment->stream)) {
        count_untracked(engine, segment->stream);
        return NULL;
    }
    if (segment->stream >= engine->records->len)
        g_array_set_size(engine->records, segment->stream + 1);  /* new records are zeroed */
    handshake = &g_array_index(engine->records, triage_handshake, segment->stream);
    if (!has(handshake, PROGRESS_SEEN)) {
        open_record(handshake, segment);
    } else if (starts_new_attempt(handshake, segment)) {
        set_aside(engine, segment->stream, handshake);
        open_record(handshake, segment);
        handshake->progress |= PROGRESS_FOLLOWS_EARLIER;
    }
    advance(handshake, segment);
    return handshake;
}

void triage_handshake_engine_add_untracked_segment(triage_handshake_engine *engine,
                                                   const triage_tcp_segment *segment)
{
    count_untracked(engine, segment->stream);
}

const triage_handshake *triage_handshake_engine_get(const triage_handshake_engine *engine, guint32 stream)
{
    const triage_handshake *handshake;

    if (stream >= engine->records->len)
        return NULL;
    handshake = &g_array_index(engine->records, triage_handshake, stream);
    return has(handshake, PROGRESS_SEEN) ? handshake : NULL;
}

guint32 triage_handshake_opening_frame(const triage_handshake *handshake)
{
    return handshake->first_syn_frame != 0 ? handshake->first_syn_frame : handshake->synack_frame;
}

const triage_handshake *triage_handshake_engine_find(const triage_handshake_engine *engine, guint32 stream,
                                                     guint32 frame)
{
    const triage_handshake *latest = triage_handshake_engine_get(engine, stream);
    guint32 index;

    if (latest == NULL || !has(latest, PROGRESS_FOLLOWS_EARLIER) || frame >= triage_handshake_opening_frame(latest))
        return latest;
    /* Back through the stream's earlier attempts, latest first. */
    index = GPOINTER_TO_UINT(g_hash_table_lookup(engine->latest_earlier, GUINT_TO_POINTER(stream)));
    while (index != 0) {
        const earlier_attempt *attempt = &g_array_index(engine->earlier, earlier_attempt, index - 1);

        if (frame >= triage_handshake_opening_frame(&attempt->handshake) || attempt->previous == 0)
            return &attempt->handshake;
        index = attempt->previous;
    }
    return latest;
}

guint32 triage_handshake_engine_stream_count(const triage_handshake_engine *engine)
{
    return engine->records->len;
}

gboolean triage_handshake_engine_next(const triage_handshake_engine *engine, guint64 *position,
                                      guint32 *stream_out, const triage_handshake **handshake_out)
{
    while (*position < engine->records->len) {
        guint32 stream = (guint32)(*position)++;
        const triage_handshake *handshake = &g_array_index(engine->records, triage_handshake, stream);

        if (has(handshake, PROGRESS_SEEN)) {
            *stream_out = stream;
            *handshake_out = handshake;
            return TRUE;
        }
    }
    if (*position - engine->records->len < engine->earlier->len) {
        const earlier_attempt *attempt =
            &g_array_index(engine->earlier, earlier_attempt, *position - engine->records->len);

        (*position)++;
        *stream_out = attempt->stream;
        *handshake_out = &attempt->handshake;
        return TRUE;
    }
    return FALSE;
}

guint32 triage_handshake_engine_earlier_attempts(const triage_handshake_engine *engine)
{
    return engine->earlier->len;
}

guint64 triage_handshake_engine_untracked_connections(const triage_handshake_engine *engine)
{
    return engine->untracked_connections;
}

guint64 triage_handshake_engine_untracked_segments(const triage_handshake_engine *engine)
{
    return engine->untracked_segments;
}

/* --- Reading a record ------------------------------------------------------ */

triage_handshake_outcome triage_handshake_get_outcome(const triage_handshake *handshake, gboolean capture_ended)
{
    return outcome_of(handshake, capture_ended || handshake->set_aside);
}

gboolean triage_handshake_leg_value(const triage_handshake *handshake, triage_leg leg, triage_time *out)
{
    /* In a simultaneous open neither SYN/ACK answers one SYN alone, so the
     * legs are no round trips; setup is still what the user waited. */
    gboolean legs_meaningful = (handshake->anomalies & TRIAGE_ANOMALY_SIMULTANEOUS_OPEN) == 0;
    gboolean syn_synack = legs_meaningful && has(handshake, PROGRESS_SYN_SYNACK_MEASURED);
    gboolean synack_ack = legs_meaningful && has(handshake, PROGRESS_SYNACK_ACK_MEASURED);

    switch (leg) {
    case TRIAGE_LEG_SYN_SYNACK:
        if (!syn_synack)
            return FALSE;
        *out = handshake->syn_synack_slot;
        return TRUE;
    case TRIAGE_LEG_SYNACK_ACK:
        if (!synack_ack)
            return FALSE;
        *out = handshake->synack_ack_slot;
        return TRUE;
    case TRIAGE_LEG_HANDSHAKE:
        if (!syn_synack || !synack_ack)
            return FALSE;
        /* Each leg fits; after a wild clock their sum may not. */
        *out = handshake->syn_synack_slot > G_MAXINT64 - handshake->synack_ack_slot
                   ? G_MAXINT64
                   : handshake->syn_synack_slot + handshake->synack_ack_slot;
        return TRUE;
    case TRIAGE_LEG_SETUP:
        if (!has(handshake, PROGRESS_SETUP_MEASURED))
            return FALSE;
        *out = handshake->setup_slot;
        return TRUE;
    }
    return FALSE;
}

guint triage_handshake_ambiguity(const triage_handshake *handshake)
{
    return handshake->ambiguity;
}

gboolean triage_handshake_leg_is_ambiguous(const triage_handshake *handshake, triage_leg leg)
{
    /* The client's SYN after the SYN/ACK says its ACK answers a SYN/ACK that
     * reached it late, or one the capture did not see: as unclear as a
     * retransmitted opening packet. */
    gboolean synack_ack = (handshake->ambiguity & TRIAGE_AMBIGUOUS_SYNACK_RETRANSMITTED) != 0
                          || (handshake->anomalies & TRIAGE_ANOMALY_SYN_AFTER_SYNACK) != 0;

    switch (leg) {
    case TRIAGE_LEG_SYN_SYNACK:
        return (handshake->ambiguity & TRIAGE_AMBIGUOUS_SYN_RETRANSMITTED) != 0;
    case TRIAGE_LEG_SYNACK_ACK:
        return synack_ack;
    case TRIAGE_LEG_HANDSHAKE:
        return handshake->ambiguity != 0 || synack_ack;
    case TRIAGE_LEG_SETUP:
        break;
    }
    return FALSE;
}

const char *triage_handshake_ambiguous_legs(const triage_handshake *handshake)
{
    gboolean syn = triage_handshake_leg_is_ambiguous(handshake, TRIAGE_LEG_SYN_SYNACK);
    gboolean synack = triage_handshake_leg_is_ambiguous(handshake, TRIAGE_LEG_SYNACK_ACK);

    return syn && synack ? "syn,synack" : syn ? "syn" : synack ? "synack" : NULL;
}

guint triage_handshake_anomalies(const triage_handshake *handshake)
{
    return handshake->anomalies;
}

gboolean triage_handshake_client_is(const triage_handshake *handshake, const triage_address *address,
                                    guint16 port, const triage_address *peer, guint16 peer_port)
{
    return endpoint_is_first(address, port, peer, peer_port) == handshake->client_first;
}

gboolean triage_handshake_leg_in_statistics(const triage_handshake *handshake, triage_leg leg)
{
    triage_time unused;

    return triage_handshake_leg_value(handshake, leg, &unused)
        && !triage_handshake_leg_is_ambiguous(handshake, leg)
        && (handshake->anomalies & ANOMALIES_SPOILING_TIMES) == 0;
}

gboolean triage_handshake_attempted(const triage_handshake *handshake)
{
    return has(handshake, PROGRESS_OPENED_BY_SYN);
}

triage_capture_point triage_handshake_capture_point(const triage_handshake *handshake)
{
    triage_time syn_synack = 0, synack_ack = 0;

    if (!triage_handshake_leg_in_statistics(handshake, TRIAGE_LEG_SYN_SYNACK)
        || !triage_handshake_leg_in_statistics(handshake, TRIAGE_LEG_SYNACK_ACK))
        return TRIAGE_CAPTURE_POINT_UNKNOWN;
    triage_handshake_leg_value(handshake, TRIAGE_LEG_SYN_SYNACK, &syn_synack);
    triage_handshake_leg_value(handshake, TRIAGE_LEG_SYNACK_ACK, &synack_ack);
    return triage_capture_point_classify(syn_synack, synack_ack);
}
