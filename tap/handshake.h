/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * handshake.h — the TCP three-way handshake of every tcp.stream, timed.
 *
 * Two legs are measured, each between one packet and the packet it
 * caused, so each is a round trip seen from the capture point:
 *
 *   SYN -> SYN/ACK   from the last SYN sent before the first SYN/ACK to that
 *                    SYN/ACK: the RTT between the capture point and the server.
 *   SYN/ACK -> ACK   from the last SYN/ACK sent before the ACK to the client's
 *                    first segment with ACK set, no SYN, no RST and
 *                    ack == SYN/ACK seq + 1: the RTT to the client.
 *
 * Their sum, the handshake, is the path RTT wherever the capture was taken;
 * setup (first SYN -> that ACK) is what the user waited, retransmission
 * timeouts included.
 *
 * Karn's rule: when a leg's opening packet was sent more than once before
 * the leg closed, nobody can tell which copy was answered.  Such a leg keeps
 * its value, is marked ambiguous and stays out of the statistics; the other
 * leg still counts.
 *
 * The client is the sender of the first SYN; with no SYN captured, the
 * receiver of the SYN/ACK; with neither, the role the segment carries
 * (sender_role: the connection table's rule, so every report names the same
 * client), else the sender of the first packet.  The
 * engine keeps no addresses: the connection table holds each flow's
 * endpoints once, and triage_handshake_client_is tells which is the client.
 *
 * Records are indexed by tcp.stream, which Wireshark numbers densely from
 * 0 in order of first sight, so a plain array holds them.
 *
 * A packet answers only what it acknowledges: a SYN/ACK pairs with a SYN
 * when its ack is that SYN's ISN + 1, and the ACK with a SYN/ACK when its
 * ack is the SYN/ACK's ISN + 1 (raw sequence numbers).  Wireshark starts a
 * new tcp.stream for a SYN with a new ISN on a closed 4-tuple, but not for a
 * SYN/ACK, so one stream can hold two handshake attempts.  While a SYN is
 * still unanswered (or refused), two packets start a new attempt, with a
 * record of its own:
 *
 *   - a SYN with another ISN (the 4-tuple used again): the new record is
 *     opened by that SYN;
 *   - a SYN/ACK that acknowledges another ISN (its SYN was lost before the
 *     capture point): the new record is a synack_only, with only its
 *     SYN/ACK -> ACK leg.
 *
 * The earlier attempt keeps its outcome (unanswered or refused) and its
 * frames; triage_handshake_engine_find tells which record a frame belongs
 * to, and triage_handshake_engine_next walks every record.  Once a
 * SYN/ACK is paired, a later SYN is a retransmission the client sent
 * because the SYN/ACK had not reached it (TRIAGE_ANOMALY_SYN_AFTER_SYNACK):
 * the record keeps one sequence number, the next one to acknowledge, so it
 * cannot compare that SYN's ISN, and Wireshark would have given a SYN with a
 * new ISN a stream of its own.
 */
#ifndef TRIAGE_HANDSHAKE_H
#define TRIAGE_HANDSHAKE_H

#include "packet_facts.h"
#include "capture_point.h"

/* Exactly one per connection. */
typedef enum {
    TRIAGE_OUTCOME_PENDING = 0,   /* not known yet during the pass */
    TRIAGE_OUTCOME_COMPLETED,     /* SYN, SYN/ACK, ACK */
    TRIAGE_OUTCOME_REFUSED,       /* SYN answered by RST from the server, no SYN/ACK */
    TRIAGE_OUTCOME_UNANSWERED,    /* SYN, nothing back by the end of the capture */
    TRIAGE_OUTCOME_INCOMPLETE,    /* SYN and SYN/ACK, no ACK by the end */
    TRIAGE_OUTCOME_CLIENT_RESET,  /* SYN, SYN/ACK, then RST from the client before any ACK */
    TRIAGE_OUTCOME_SYNACK_ONLY,   /* SYN/ACK without a captured SYN */
    TRIAGE_OUTCOME_NO_HANDSHAKE,  /* first packet neither SYN nor SYN/ACK: capture began mid-connection */
} triage_handshake_outcome;

#define TRIAGE_OUTCOME_COUNT (TRIAGE_OUTCOME_NO_HANDSHAKE + 1)

/* "pending", "completed", "refused", ... as in DESIGN §2 and the JSON keys. */
const char *triage_handshake_outcome_name(triage_handshake_outcome outcome);

typedef enum {
    TRIAGE_LEG_SYN_SYNACK,  /* SYN -> SYN/ACK */
    TRIAGE_LEG_SYNACK_ACK,  /* SYN/ACK -> ACK */
    TRIAGE_LEG_HANDSHAKE,   /* the sum of both, when both were measured */
    TRIAGE_LEG_SETUP,       /* first SYN -> ACK */
} triage_leg;

#define TRIAGE_LEG_COUNT (TRIAGE_LEG_SETUP + 1)

/* "syn_synack", "synack_ack", "handshake", "setup": the JSON keys. */
const char *triage_leg_name(triage_leg leg);

/* Why a leg is ambiguous (bit flags). */
enum {
    TRIAGE_AMBIGUOUS_SYN_RETRANSMITTED = 1,    /* more than one SYN before the first SYN/ACK */
    TRIAGE_AMBIGUOUS_SYNACK_RETRANSMITTED = 2, /* more than one SYN/ACK before the ACK */
};

/* Something odd inside the handshake (bit flags).  TIME_BACKWARDS and
 * SIMULTANEOUS_OPEN make the times meaningless, so they keep the connection
 * out of the statistics; the others are worth a look but do not. */
enum {
    /* A handshake packet is timestamped before the one it follows.  A leg
     * that would be negative is not measured at all. */
    TRIAGE_ANOMALY_TIME_BACKWARDS = 1 << 0,
    /* Both sides sent a SYN (RFC 793 simultaneous open): neither SYN/ACK
     * answers the other side's SYN alone, so no leg is a round trip. Setup
     * is still measured. */
    TRIAGE_ANOMALY_SIMULTANEOUS_OPEN = 1 << 1,
    /* A SYN (or SYN/ACK) after the connection was under way: handshake
     * completed, client reset, or capture joined mid-stream.  A port reused
     * within one tcp.stream; the new attempt is not measured. */
    TRIAGE_ANOMALY_LATE_SYN = 1 << 2,
    /* A SYN carrying payload: TCP Fast Open. */
    TRIAGE_ANOMALY_SYN_WITH_PAYLOAD = 1 << 3,
    /* A client ACK after the SYN/ACK that does not acknowledge it; ignored. */
    TRIAGE_ANOMALY_ACK_MISMATCH = 1 << 4,
    /* The client sent a SYN again after the first SYN/ACK and before its
     * ACK: that SYN/ACK had not reached it when its SYN timer fired, so the
     * SYN/ACK -> ACK leg holds a loss or a delay on the way to the client.
     * The leg (and the handshake) is ambiguous like a Karn leg and stays out
     * of the statistics; the SYN -> SYN/ACK leg still counts. */
    TRIAGE_ANOMALY_SYN_AFTER_SYNACK = 1 << 5,
};

#define TRIAGE_ANOMALY_KIND_COUNT 6
/* "time_backwards", "simultaneous_open", "late_syn", "syn_with_payload",
 * "ack_mismatch", "syn_after_synack"; NULL for anything but a single known
 * bit. */
const char *triage_handshake_anomaly_name(guint anomaly_bit);

/*
 * One connection: 56 bytes, a million of them fit in 56 MB.  Frames are
 * public fields; read times, outcome, ambiguity, anomalies and roles
 * through the functions below.  A frame number of 0 means "no such packet".
 */
typedef struct triage_handshake {
    /* Each slot first holds the moment a measurement started and, once the
     * closing packet arrives, the measured duration: three slots instead of
     * five timestamps. */
    triage_time setup_slot;       /* first SYN time, then setup */
    triage_time syn_synack_slot;  /* last SYN time, then SYN -> SYN/ACK */
    triage_time synack_ack_slot;  /* last SYN/ACK time, then SYN/ACK -> ACK */

    guint32 first_syn_frame;          /* the first SYN */
    guint32 syn_frame;                /* last SYN before the first SYN/ACK: opens leg 1 */
    guint32 synack_frame;             /* the first SYN/ACK: closes leg 1 */
    guint32 synack_ack_opening_frame; /* last SYN/ACK before the ACK: opens leg 2 */
    guint32 ack_frame;                /* the ACK that completes the handshake */
    guint32 reset_frame;              /* the RST that refused or reset the attempt */

    /* The ISN the next handshake packet must acknowledge (plus one): the
     * client's until a SYN/ACK acknowledges it, then the server's. */
    guint32 expected_isn;

    /* private */
    guint32 progress : 13;            /* which packets were seen */
    guint32 set_aside : 1;            /* an earlier attempt: its outcome is final */
    guint32 ambiguity : 2;            /* TRIAGE_AMBIGUOUS_* */
    guint32 anomalies : 6;            /* TRIAGE_ANOMALY_* */
    guint32 client_first : 1;         /* the client's endpoint orders first */
} triage_handshake;

typedef struct triage_handshake_engine triage_handshake_engine;

/* max_connections bounds memory: streams numbered max_connections or higher
 * are counted, not tracked, and so are earlier attempts beyond that many.
 * 0 = no bound. */
triage_handshake_engine *triage_handshake_engine_new(guint32 max_connections);
void triage_handshake_engine_free(triage_handshake_engine *engine);
/* Forgets every connection (a retap, a new file), keeps the bound. */
void triage_handshake_engine_reset(triage_handshake_engine *engine);

/* Feeds one segment, in capture order.  Returns the stream's record, or NULL
 * when the stream is over the bound (counted).  The pointer is valid until
 * the next call that changes the engine. */
const triage_handshake *triage_handshake_engine_add_segment(triage_handshake_engine *engine,
                                                            const triage_tcp_segment *segment);
/* Counts a segment of a stream its caller does not track (its connection
 * table is full): the stream is untracked, as if over the bound. */
void triage_handshake_engine_add_untracked_segment(triage_handshake_engine *engine,
                                                   const triage_tcp_segment *segment);
/* The stream's latest attempt; NULL when the stream was never seen or is
 * over the bound. */
const triage_handshake *triage_handshake_engine_get(const triage_handshake_engine *engine,
                                                    guint32 stream);
/* The attempt of the stream that frame belongs to (the packet fields of a
 * frame dissected again); NULL as for _get(). */
const triage_handshake *triage_handshake_engine_find(const triage_handshake_engine *engine,
                                                     guint32 stream, guint32 frame);
/* One more than the highest stream tracked. */
guint32 triage_handshake_engine_stream_count(const triage_handshake_engine *engine);
/* Walks every record, each stream's latest attempt by stream, then the
 * earlier attempts in capture order: start *position at 0, call until it
 * returns FALSE.  The records stay valid while the engine is not changed. */
gboolean triage_handshake_engine_next(const triage_handshake_engine *engine, guint64 *position,
                                      guint32 *stream_out, const triage_handshake **handshake_out);
/* Attempts that a later one in the same stream followed (see above). */
guint32 triage_handshake_engine_earlier_attempts(const triage_handshake_engine *engine);
/* The frame that opened the attempt: its first SYN, else its SYN/ACK, else
 * the stream's first frame is unknown (0). */
guint32 triage_handshake_opening_frame(const triage_handshake *handshake);
guint64 triage_handshake_engine_untracked_connections(const triage_handshake_engine *engine);
guint64 triage_handshake_engine_untracked_segments(const triage_handshake_engine *engine);

/* The attempt's outcome.  Pending ones become unanswered or incomplete when
 * the capture has ended (a report, a frame shown after the reading pass);
 * nothing is stored, so reading never changes the engine. */
triage_handshake_outcome triage_handshake_get_outcome(const triage_handshake *handshake, gboolean capture_ended);
/* FALSE when the leg was not measured (never negative). */
gboolean triage_handshake_leg_value(const triage_handshake *handshake, triage_leg leg,
                                    triage_time *out);
/* TRIAGE_AMBIGUOUS_* bits. */
guint triage_handshake_ambiguity(const triage_handshake *handshake);
/* The handshake is ambiguous when either leg is; setup never is.  The
 * SYN/ACK -> ACK leg also is after TRIAGE_ANOMALY_SYN_AFTER_SYNACK, which
 * triage_handshake_ambiguity does not report (no packet was repeated). */
gboolean triage_handshake_leg_is_ambiguous(const triage_handshake *handshake, triage_leg leg);
/* The legs left out of the statistics as unclear, in the words every
 * surface uses (packet field triage.rtt.ambiguous, every report): "syn"
 * (SYN -> SYN/ACK), "synack" (SYN/ACK -> ACK), "syn,synack", or NULL. */
const char *triage_handshake_ambiguous_legs(const triage_handshake *handshake);
/* TRIAGE_ANOMALY_* bits. */
guint triage_handshake_anomalies(const triage_handshake *handshake);
/* TRUE when (address, port) is the client's endpoint of the stream whose
 * other endpoint is (peer, peer_port): give the two endpoints of the
 * stream, in either order (the connection table has them). */
gboolean triage_handshake_client_is(const triage_handshake *handshake, const triage_address *address,
                                    guint16 port, const triage_address *peer, guint16 peer_port);
/* TRUE when the leg belongs in the RTT statistics: measured, unambiguous,
 * and the connection's clock and roles are sane. */
gboolean triage_handshake_leg_in_statistics(const triage_handshake *handshake, triage_leg leg);
/* A captured SYN opened the connection (the "attempted" connections). */
gboolean triage_handshake_attempted(const triage_handshake *handshake);
/* Where this connection was captured, from its two legs (see capture_point.h);
 * UNKNOWN unless both legs are in the statistics. */
triage_capture_point triage_handshake_capture_point(const triage_handshake *handshake);

#endif
