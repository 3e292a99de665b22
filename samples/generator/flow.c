/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "flow.h"

#include <string.h>


/* Delays of a host's own stack, as a capture on the client sees them. */
#define CLIENT_REACTION_NS CAPGEN_US(45)
#define SERVER_THINK_NS CAPGEN_US(180)

capgen_flow *capgen_flow_new_addresses(capgen_flow_kind kind, const capgen_address *client,
                                       guint16 client_port, const capgen_address *server,
                                       guint16 server_port, gint64 start_ns)
{
    capgen_flow *flow = g_new0(capgen_flow, 1);
    flow->kind = kind;
    flow->client = *client;
    flow->server = *server;
    flow->client_port = client_port;
    flow->server_port = server_port;
    flow->start_ns = start_ns;
    flow->claim_stream = TRUE;
    flow->expected_outcome = CAPGEN_OUTCOME_COMPLETED;
    flow->expected_ambiguity = CAPGEN_AMBIGUOUS_NONE;
    capgen_flow_truth_init(&flow->truth);
    capgen_flow_truth_init(&flow->icmp_error_truth);
    return flow;
}

capgen_flow *capgen_flow_new(capgen_flow_kind kind, const char *client, guint16 client_port,
                             const char *server, guint16 server_port, gint64 start_ns)
{
    capgen_address client_address, server_address;
    if (!capgen_address_parse(client, &client_address) ||
        !capgen_address_parse(server, &server_address) ||
        client_address.version != server_address.version)
        g_error("scenario uses bad addresses %s and %s", client, server);
    return capgen_flow_new_addresses(kind, &client_address, client_port, &server_address,
                                     server_port, start_ns);
}

void capgen_flow_expect(capgen_flow *flow, capgen_outcome outcome, capgen_ambiguity ambiguity)
{
    flow->expected_outcome = outcome;
    flow->expected_ambiguity = ambiguity;
}

static capgen_step *append_step(capgen_flow *flow, gint64 delay_ns, capgen_step_kind kind)
{
    /* Scripts are short; growing by one keeps the code obvious. */
    flow->steps = g_renew(capgen_step, flow->steps, flow->step_count + 1);
    capgen_step *step = &flow->steps[flow->step_count++];
    memset(step, 0, sizeof *step);
    step->delay_ns = delay_ns;
    step->kind = (guint8)kind;
    return step;
}

capgen_step *capgen_flow_add(capgen_flow *flow, gint64 delay_ns, capgen_direction direction,
                             guint8 tcp_flags, guint payload_length)
{
    capgen_step *step = append_step(flow, delay_ns, CAPGEN_STEP_SEGMENT);
    step->direction = (guint8)direction;
    step->tcp_flags = tcp_flags;
    step->payload_length = (guint16)payload_length;
    if (tcp_flags & CAPGEN_TCP_SYN)
        step->options = CAPGEN_OPTIONS_STANDARD;
    return step;
}

void capgen_flow_add_duplicate(capgen_flow *flow, gint64 delay_ns)
{
    append_step(flow, delay_ns, CAPGEN_STEP_DUPLICATE);
}

void capgen_flow_add_icmp_error(capgen_flow *flow, gint64 delay_ns)
{
    capgen_step *step = append_step(flow, delay_ns, CAPGEN_STEP_ICMP_ERROR);
    step->direction = CAPGEN_TO_CLIENT;
}

void capgen_flow_free(capgen_flow *flow)
{
    if (!flow)
        return;
    g_free(flow->steps);
    g_free(flow->previous_frame);
    g_free(flow->quoted_datagram);
    g_free(flow);
}

void capgen_flow_add_syn(capgen_flow *flow, gint64 delay_ns)
{
    capgen_flow_add(flow, delay_ns, CAPGEN_TO_SERVER, CAPGEN_TCP_SYN, 0);
}

void capgen_flow_add_synack(capgen_flow *flow, gint64 delay_ns)
{
    capgen_flow_add(flow, delay_ns, CAPGEN_TO_CLIENT, CAPGEN_TCP_SYN | CAPGEN_TCP_ACK, 0);
}

void capgen_flow_add_ack(capgen_flow *flow, gint64 delay_ns)
{
    capgen_flow_add(flow, delay_ns, CAPGEN_TO_SERVER, CAPGEN_TCP_ACK, 0);
}

void capgen_flow_add_handshake(capgen_flow *flow, gint64 syn_synack_ns, gint64 synack_ack_ns)
{
    capgen_flow_add_syn(flow, 0);
    capgen_flow_add_synack(flow, syn_synack_ns);
    capgen_flow_add_ack(flow, synack_ack_ns);
}

void capgen_flow_add_exchange(capgen_flow *flow, gint64 rtt_ns, guint request_length,
                              guint response_length)
{
    if (request_length)
        capgen_flow_add(flow, CLIENT_REACTION_NS, CAPGEN_TO_SERVER, CAPGEN_TCP_PSH | CAPGEN_TCP_ACK,
                        request_length);
    if (response_length) {
        capgen_flow_add(flow, rtt_ns + SERVER_THINK_NS, CAPGEN_TO_CLIENT, CAPGEN_TCP_PSH | CAPGEN_TCP_ACK,
                        response_length);
        capgen_flow_add(flow, CLIENT_REACTION_NS, CAPGEN_TO_SERVER, CAPGEN_TCP_ACK, 0);
    }
}

void capgen_flow_add_close(capgen_flow *flow, gint64 rtt_ns)
{
    capgen_flow_add(flow, CAPGEN_US(250), CAPGEN_TO_SERVER, CAPGEN_TCP_FIN | CAPGEN_TCP_ACK, 0);
    capgen_flow_add(flow, rtt_ns, CAPGEN_TO_CLIENT, CAPGEN_TCP_FIN | CAPGEN_TCP_ACK, 0);
    capgen_flow_add(flow, CLIENT_REACTION_NS, CAPGEN_TO_SERVER, CAPGEN_TCP_ACK, 0);
}
