/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flow.h — one connection or flow as a script of timed steps.
 *
 * A scenario describes each TCP connection, UDP flow or ICMP exchange as a
 * list of steps (who sends what, how long after the previous step); the
 * scheduler interleaves all flows by time and turns steps into frames.  TCP
 * sequence and acknowledgement numbers follow from the script, so a scenario
 * only says which flags and how many payload bytes each segment carries.
 *
 * Each TCP flow also states the outcome and ambiguity the scenario means it
 * to have; the truth tracker derives both from the frames actually written
 * and the generator stops if they disagree, so a mistake in a script cannot
 * silently become a wrong truth file.
 */
#ifndef CAPGEN_FLOW_H
#define CAPGEN_FLOW_H

#include <glib.h>

#include "flow_truth.h"
#include "frame_builder.h"
#include "payload.h"

typedef enum {
    CAPGEN_FLOW_TCP,
    CAPGEN_FLOW_UDP,
    CAPGEN_FLOW_ICMP_ECHO,
    CAPGEN_FLOW_RECORDS, /* bare pcap records outside any flow */
} capgen_flow_kind;

typedef enum {
    CAPGEN_STEP_SEGMENT,    /* a TCP segment, UDP datagram or ICMP echo message */
    CAPGEN_STEP_DUPLICATE,  /* the flow's previous frame again, byte for byte (a delay of
                             * 0 repeats its timestamp too) */
    CAPGEN_STEP_ICMP_ERROR, /* port unreachable from the flow's reporter, quoting the
                             * last packet sent to the server */
    CAPGEN_STEP_ZERO_RECORD /* a record with no captured bytes (wire length = payload_length) */
} capgen_step_kind;

/* TCP options on SYN and SYN/ACK. */
typedef enum {
    CAPGEN_OPTIONS_NONE,
    CAPGEN_OPTIONS_STANDARD,        /* MSS, window scale, SACK permitted */
    CAPGEN_OPTIONS_FAST_OPEN,       /* standard + TFO cookie (8 bytes) */
    CAPGEN_OPTIONS_FAST_OPEN_REQUEST /* standard + empty TFO option: cookie request */
} capgen_tcp_options;

typedef struct capgen_step {
    gint64 delay_ns;       /* after the previous step; orders the frames */
    gint64 stamp_skew_ns;  /* added to the written timestamp only */
    guint16 payload_length;
    guint8 kind;           /* capgen_step_kind */
    guint8 direction;      /* capgen_direction */
    guint8 tcp_flags;      /* CAPGEN_TCP_* bits */
    guint8 options;        /* capgen_tcp_options, SYN segments only */
} capgen_step;

typedef struct capgen_flow {
    capgen_flow_kind kind;
    capgen_address client;
    capgen_address server;
    guint16 client_port;
    guint16 server_port;
    guint16 vlan;               /* 0 = untagged */
    gboolean gre;               /* carry the flow inside IPv4/GRE between: */
    capgen_address gre_client_side;
    capgen_address gre_server_side;
    capgen_address icmp_reporter; /* source of CAPGEN_STEP_ICMP_ERROR */
    gint64 start_ns;            /* time of the first step */

    capgen_step *steps;         /* owned */
    guint step_count;

    /* What the scenario means this TCP flow to be (checked, not trusted). */
    capgen_outcome expected_outcome;
    capgen_ambiguity expected_ambiguity;
    gboolean claim_stream;      /* the truth may state Wireshark's stream number */
    /* Wireshark keeps this flow in the tcp.stream of the TCP flow whose
     * stream was numbered last (same 4-tuple, and nothing tells it that a new
     * connection began: no new SYN, only a SYN/ACK). */
    gboolean continues_stream;
    const char *note;           /* static text for the truth file, or NULL */

    /* Filled while writing. */
    guint32 isn[2];
    guint32 next_sequence[2];
    guint16 ip_id[2];
    guint next_step;
    gint64 next_time_ns;
    guint64 admission_order;
    capgen_flow_truth truth;
    capgen_flow_truth icmp_error_truth; /* the ICMP errors, a flow of their own */
    guint8 *previous_frame;     /* for DUPLICATE steps, allocated on demand */
    guint previous_frame_length;
    guint8 previous_direction;
    guint8 previous_flags;
    guint32 previous_sequence;
    guint32 previous_acknowledgement;
    guint8 *quoted_datagram;    /* for ICMP_ERROR steps, allocated on demand */
    guint quoted_length;
} capgen_flow;

/* A growing flow under construction: the scenarios' vocabulary. */
capgen_flow *capgen_flow_new(capgen_flow_kind kind, const char *client, guint16 client_port,
                             const char *server, guint16 server_port, gint64 start_ns);
capgen_flow *capgen_flow_new_addresses(capgen_flow_kind kind, const capgen_address *client,
                                       guint16 client_port, const capgen_address *server,
                                       guint16 server_port, gint64 start_ns);
void capgen_flow_expect(capgen_flow *flow, capgen_outcome outcome, capgen_ambiguity ambiguity);
capgen_step *capgen_flow_add(capgen_flow *flow, gint64 delay_ns, capgen_direction direction,
                             guint8 tcp_flags, guint payload_length);
void capgen_flow_add_duplicate(capgen_flow *flow, gint64 delay_ns);
void capgen_flow_add_icmp_error(capgen_flow *flow, gint64 delay_ns);
void capgen_flow_free(capgen_flow *flow);

/* Script shorthands: client SYN, server SYN/ACK, client ACK. */
void capgen_flow_add_syn(capgen_flow *flow, gint64 delay_ns);
void capgen_flow_add_synack(capgen_flow *flow, gint64 delay_ns);
void capgen_flow_add_ack(capgen_flow *flow, gint64 delay_ns);
/* A request/response exchange and a FIN close, on a path whose round trip
 * seen from the capture point is rtt_ns; lengths 0 leave the data out. */
void capgen_flow_add_exchange(capgen_flow *flow, gint64 rtt_ns, guint request_length,
                              guint response_length);
void capgen_flow_add_close(capgen_flow *flow, gint64 rtt_ns);
/* SYN, SYN/ACK after syn_synack_ns, ACK after synack_ack_ns. */
void capgen_flow_add_handshake(capgen_flow *flow, gint64 syn_synack_ns, gint64 synack_ack_ns);

#define CAPGEN_US(x) ((gint64)(x) * 1000)
#define CAPGEN_MS(x) ((gint64)(x) * 1000000)
#define CAPGEN_S(x) ((gint64)(x) * 1000000000)

#endif
