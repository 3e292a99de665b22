/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "connection_shape.h"


#define RETRANSMISSION_TIMEOUT_NS CAPGEN_S(1)

guint capgen_shape_fixed_packets(const capgen_connection_shape *shape)
{
    switch (shape->outcome) {
    case CAPGEN_OUTCOME_COMPLETED:
        return shape->ambiguity == CAPGEN_AMBIGUOUS_NONE ? 3
               : shape->ambiguity == CAPGEN_AMBIGUOUS_BOTH ? 5
                                                           : 4;
    case CAPGEN_OUTCOME_REFUSED:
        return 2;
    case CAPGEN_OUTCOME_UNANSWERED:
    case CAPGEN_OUTCOME_INCOMPLETE:
    case CAPGEN_OUTCOME_CLIENT_RESET:
        return 3;
    case CAPGEN_OUTCOME_SYNACK_ONLY:
    case CAPGEN_OUTCOME_NO_HANDSHAKE:
        return 2;
    }
    return 0;
}

/* Requests and responses in turn, then FIN, FIN/ACK, ACK if they fit. */
static void add_tail(capgen_flow *flow, const capgen_connection_shape *shape, gint64 rtt_ns)
{
    guint data = shape->tail_packets >= 3 ? shape->tail_packets - 3 : shape->tail_packets;
    for (guint i = 0; i < data; i++) {
        gboolean request = i % 2 == 0;
        capgen_flow_add(flow, request ? CAPGEN_US(45) : rtt_ns + CAPGEN_US(180),
                        request ? CAPGEN_TO_SERVER : CAPGEN_TO_CLIENT, CAPGEN_TCP_PSH | CAPGEN_TCP_ACK,
                        request ? shape->request_length : shape->response_length);
    }
    if (shape->tail_packets >= 3)
        capgen_flow_add_close(flow, rtt_ns);
}

void capgen_shape_script(capgen_flow *flow, const capgen_connection_shape *shape)
{
    gint64 rtt = shape->syn_synack_ns + shape->synack_ack_ns;
    gboolean syn_twice = shape->ambiguity == CAPGEN_AMBIGUOUS_SYN ||
                         shape->ambiguity == CAPGEN_AMBIGUOUS_BOTH;
    gboolean synack_twice = shape->ambiguity == CAPGEN_AMBIGUOUS_SYNACK ||
                            shape->ambiguity == CAPGEN_AMBIGUOUS_BOTH;
    capgen_flow_expect(flow, shape->outcome, CAPGEN_AMBIGUOUS_NONE);

    switch (shape->outcome) {
    case CAPGEN_OUTCOME_COMPLETED:
        capgen_flow_add_syn(flow, 0);
        if (syn_twice)
            capgen_flow_add_syn(flow, RETRANSMISSION_TIMEOUT_NS);
        capgen_flow_add_synack(flow, shape->syn_synack_ns);
        if (synack_twice)
            capgen_flow_add_synack(flow, RETRANSMISSION_TIMEOUT_NS);
        capgen_flow_add_ack(flow, shape->synack_ack_ns);
        add_tail(flow, shape, rtt);
        capgen_flow_expect(flow, shape->outcome, shape->ambiguity);
        break;
    case CAPGEN_OUTCOME_REFUSED:
        capgen_flow_add_syn(flow, 0);
        capgen_flow_add(flow, shape->syn_synack_ns, CAPGEN_TO_CLIENT, CAPGEN_TCP_RST | CAPGEN_TCP_ACK, 0);
        break;
    case CAPGEN_OUTCOME_UNANSWERED:
        capgen_flow_add_syn(flow, 0);
        capgen_flow_add_syn(flow, RETRANSMISSION_TIMEOUT_NS);
        capgen_flow_add_syn(flow, 2 * RETRANSMISSION_TIMEOUT_NS);
        break;
    case CAPGEN_OUTCOME_INCOMPLETE:
        capgen_flow_add_syn(flow, 0);
        capgen_flow_add_synack(flow, shape->syn_synack_ns);
        capgen_flow_add_synack(flow, RETRANSMISSION_TIMEOUT_NS);
        break;
    case CAPGEN_OUTCOME_CLIENT_RESET:
        capgen_flow_add_syn(flow, 0);
        capgen_flow_add_synack(flow, shape->syn_synack_ns);
        capgen_flow_add(flow, shape->synack_ack_ns, CAPGEN_TO_SERVER, CAPGEN_TCP_RST, 0);
        break;
    case CAPGEN_OUTCOME_SYNACK_ONLY:
        capgen_flow_add_synack(flow, 0);
        capgen_flow_add_ack(flow, shape->synack_ack_ns);
        add_tail(flow, shape, rtt);
        break;
    case CAPGEN_OUTCOME_NO_HANDSHAKE:
        /* Starts with the server's data, as a capture begun mid-download. */
        capgen_flow_add(flow, 0, CAPGEN_TO_CLIENT, CAPGEN_TCP_PSH | CAPGEN_TCP_ACK, shape->response_length);
        capgen_flow_add(flow, shape->synack_ack_ns, CAPGEN_TO_SERVER, CAPGEN_TCP_ACK, 0);
        add_tail(flow, shape, rtt);
        break;
    }
}
