/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scenarios_handshake.c — small captures, one handshake behaviour each.
 *
 * The capturing VM is 10.0.0.2; servers are in the documentation ranges.
 * Times are deliberately not round (23.456789 ms) so that an engine that
 * truncates to microseconds or mixes up legs fails visibly.
 */
#include "scenario.h"


#define VM "10.0.0.2"
#define AT(ms) (CAPGEN_EPOCH_NS + CAPGEN_MS(ms))

/* SYN, SYN/ACK, ACK, one request and response, FIN close: the common case. */
static capgen_flow *clean_connection(const char *client, guint16 client_port, const char *server,
                                     guint16 server_port, gint64 start_ns, gint64 syn_synack_ns,
                                     gint64 synack_ack_ns)
{
    capgen_flow *flow = capgen_flow_new(CAPGEN_FLOW_TCP, client, client_port, server, server_port,
                                        start_ns);
    capgen_flow_add_handshake(flow, syn_synack_ns, synack_ack_ns);
    gint64 rtt = syn_synack_ns + synack_ack_ns;
    capgen_flow_add_exchange(flow, rtt, 517, 1380);
    capgen_flow_add_close(flow, rtt);
    return flow;
}

static gboolean finish_plan(capgen_plan *plan, GPtrArray *flows)
{
    capgen_plan_from_list(plan, flows);
    return TRUE;
}

gboolean capgen_plan_clean(const capgen_options *options, capgen_plan *plan, char **error_out)
{
    (void)error_out;
    gint64 rtt = options->rtt_us != CAPGEN_UNSET ? CAPGEN_US(options->rtt_us) : 23456789;
    GPtrArray *flows = g_ptr_array_new();
    /* Seen from the client: the SYN leg is the whole path, the ACK leg the
     * client's own reaction time. */
    g_ptr_array_add(flows, clean_connection(VM, 50001, "192.0.2.10", 443, AT(0), rtt, 41300));
    g_ptr_array_add(flows, clean_connection(VM, 50002, "198.51.100.20", 80, AT(10), 87654321,
                                            38217));
    g_ptr_array_add(flows, clean_connection(VM, 50003, "203.0.113.30", 41000, AT(20), 5000123,
                                            52001));
    /* Inbound: the VM serves, so the ACK leg carries the path. */
    g_ptr_array_add(flows, clean_connection("198.51.100.77", 61000, VM, 443, AT(35), 52100,
                                            64321987));
    return finish_plan(plan, flows);
}

gboolean capgen_plan_syn_retransmitted(const capgen_options *options, capgen_plan *plan,
                                       char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    capgen_flow *twice = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 50011, "192.0.2.10", 443, AT(0));
    capgen_flow_add_syn(twice, 0);
    capgen_flow_add_syn(twice, CAPGEN_S(1));
    capgen_flow_add_synack(twice, 31234567);
    capgen_flow_add_ack(twice, 45123);
    capgen_flow_add_exchange(twice, 31279690, 517, 1380);
    capgen_flow_add_close(twice, 31279690);
    capgen_flow_expect(twice, CAPGEN_OUTCOME_COMPLETED, CAPGEN_AMBIGUOUS_SYN);
    g_ptr_array_add(flows, twice);

    /* Linux backs off 1 s, then 2 s. */
    capgen_flow *three = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 50012, "198.51.100.20", 80,
                                         AT(5000));
    capgen_flow_add_syn(three, 0);
    capgen_flow_add_syn(three, CAPGEN_S(1));
    capgen_flow_add_syn(three, CAPGEN_S(2));
    capgen_flow_add_synack(three, 12500321);
    capgen_flow_add_ack(three, 39877);
    capgen_flow_add_exchange(three, 12540198, 300, 900);
    capgen_flow_add_close(three, 12540198);
    capgen_flow_expect(three, CAPGEN_OUTCOME_COMPLETED, CAPGEN_AMBIGUOUS_SYN);
    g_ptr_array_add(flows, three);
    return finish_plan(plan, flows);
}

gboolean capgen_plan_synack_retransmitted(const capgen_options *options, capgen_plan *plan,
                                          char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    /* Captured on the server (the VM): its first SYN/ACK was lost on the way
     * out, the retransmission 1 s later got through, and the ACK comes one
     * 30 ms round trip after that.  Wireshark's initial_rtt says 1.030 s. */
    capgen_flow *flow = capgen_flow_new(CAPGEN_FLOW_TCP, "198.51.100.77", 61010, VM, 443, AT(0));
    capgen_flow_add_syn(flow, 0);
    capgen_flow_add_synack(flow, 50000);
    capgen_flow_add_synack(flow, CAPGEN_S(1));
    capgen_flow_add_ack(flow, CAPGEN_MS(30));
    capgen_flow_add(flow, CAPGEN_US(20), CAPGEN_TO_SERVER, CAPGEN_TCP_PSH | CAPGEN_TCP_ACK, 517);
    capgen_flow_add(flow, CAPGEN_US(300), CAPGEN_TO_CLIENT, CAPGEN_TCP_PSH | CAPGEN_TCP_ACK, 1380);
    capgen_flow_add(flow, CAPGEN_MS(30), CAPGEN_TO_SERVER, CAPGEN_TCP_ACK, 0);
    capgen_flow_add(flow, CAPGEN_MS(5), CAPGEN_TO_SERVER, CAPGEN_TCP_FIN | CAPGEN_TCP_ACK, 0);
    capgen_flow_add(flow, CAPGEN_US(60), CAPGEN_TO_CLIENT, CAPGEN_TCP_FIN | CAPGEN_TCP_ACK, 0);
    capgen_flow_add(flow, CAPGEN_MS(30), CAPGEN_TO_SERVER, CAPGEN_TCP_ACK, 0);
    capgen_flow_expect(flow, CAPGEN_OUTCOME_COMPLETED, CAPGEN_AMBIGUOUS_SYNACK);
    g_ptr_array_add(flows, flow);
    return finish_plan(plan, flows);
}

gboolean capgen_plan_syn_after_synack(const capgen_options *options, capgen_plan *plan,
                                      char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    /* The shape of the corpus's rdp-x509.pcap, captured at the server: the
     * client never got the SYN/ACKs in time and retried its SYN. */
    capgen_flow *flow = capgen_flow_new(CAPGEN_FLOW_TCP, "192.168.1.1", 54990, "192.168.1.2", 3389,
                                        AT(0));
    capgen_flow_add_syn(flow, 0);
    capgen_flow_add_synack(flow, 80123);
    capgen_flow_add_synack(flow, 2300654321);
    capgen_flow_add_syn(flow, 699222111);
    capgen_flow_add_ack(flow, 4142217444);
    capgen_flow_add(flow, CAPGEN_US(150), CAPGEN_TO_CLIENT, CAPGEN_TCP_RST | CAPGEN_TCP_ACK, 0);
    capgen_flow_expect(flow, CAPGEN_OUTCOME_COMPLETED, CAPGEN_AMBIGUOUS_SYNACK);
    flow->note = "the second SYN comes after the SYN/ACKs: the SYN/ACK -> ACK leg is ambiguous twice over";
    g_ptr_array_add(flows, flow);

    /* Captured at the server, one SYN/ACK only: the client's SYN timer fired
     * before the SYN/ACK reached it (lost or late on the way), and its ACK
     * then answers a SYN/ACK the capture shows 0.865 s earlier.  That leg
     * holds the loss, not the client's RTT; Wireshark's initial_rtt counts
     * from the second SYN instead and is wrong too. */
    capgen_flow *late = capgen_flow_new(CAPGEN_FLOW_TCP, "198.51.100.77", 61030, VM, 443, AT(10000));
    capgen_flow_add_syn(late, 0);
    capgen_flow_add_synack(late, 61234);
    capgen_flow_add_syn(late, 865432109);
    capgen_flow_add_ack(late, 136543210);
    capgen_flow_add_exchange(late, 136604444, 517, 1380);
    capgen_flow_add_close(late, 136604444);
    capgen_flow_expect(late, CAPGEN_OUTCOME_COMPLETED, CAPGEN_AMBIGUOUS_NONE);
    late->note = "SYN again after the only SYN/ACK: the SYN/ACK -> ACK leg holds a loss";
    g_ptr_array_add(flows, late);
    return finish_plan(plan, flows);
}

gboolean capgen_plan_reuse_after_unanswered(const capgen_options *options, capgen_plan *plan,
                                            char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    /* A SYN and its retransmissions, never answered; 3438 s later the same
     * 4-tuple opens a new connection with a new initial sequence number.
     * The SYN/ACK acknowledges the new SYN only: pairing it with the first
     * one would make a handshake of almost an hour. */
    capgen_flow *lost = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 50091, "192.0.2.10", 443, AT(0));
    capgen_flow_add_syn(lost, 0);
    capgen_flow_add_syn(lost, CAPGEN_S(1));
    capgen_flow_add_syn(lost, CAPGEN_S(2));
    capgen_flow_expect(lost, CAPGEN_OUTCOME_UNANSWERED, CAPGEN_AMBIGUOUS_NONE);
    g_ptr_array_add(flows, lost);
    capgen_flow *later = clean_connection(VM, 50091, "192.0.2.10", 443, AT(3438123), 23456789, 41300);
    later->note = "same 4-tuple as the unanswered SYN before it, new ISN";
    g_ptr_array_add(flows, later);
    return finish_plan(plan, flows);
}

gboolean capgen_plan_synack_other_isn(const capgen_options *options, capgen_plan *plan,
                                      char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    /* The captured SYN got no answer; a later SYN of the same 4-tuple, with
     * another ISN, was lost before the capture point, and the SYN/ACK that
     * answers it acknowledges that ISN.  Wireshark starts no new stream for a
     * SYN/ACK, so both are one tcp.stream: two connections, the first
     * unanswered, the second a SYN/ACK without its SYN. */
    capgen_flow *lost = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 50095, "198.51.100.20", 80, AT(0));
    capgen_flow_add_syn(lost, 0);
    capgen_flow_expect(lost, CAPGEN_OUTCOME_UNANSWERED, CAPGEN_AMBIGUOUS_NONE);
    g_ptr_array_add(flows, lost);

    capgen_flow *answered = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 50095, "198.51.100.20", 80, AT(61789));
    answered->continues_stream = TRUE;
    capgen_flow_add_synack(answered, 0);
    capgen_flow_add_ack(answered, 43210);
    capgen_flow_add_exchange(answered, 20111222, 517, 1380);
    capgen_flow_add_close(answered, 20111222);
    capgen_flow_expect(answered, CAPGEN_OUTCOME_SYNACK_ONLY, CAPGEN_AMBIGUOUS_NONE);
    answered->note = "SYN/ACK acknowledging another ISN than the unanswered SYN's";
    g_ptr_array_add(flows, answered);
    return finish_plan(plan, flows);
}

gboolean capgen_plan_missing_syn(const capgen_options *options, capgen_plan *plan,
                                 char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    /* The capture started between the SYN and the SYN/ACK. */
    capgen_flow *outbound = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 50021, "192.0.2.10", 443, AT(0));
    capgen_flow_add_synack(outbound, 0);
    capgen_flow_add_ack(outbound, 44321);
    capgen_flow_add_exchange(outbound, 20111222, 517, 1380);
    capgen_flow_add_close(outbound, 20111222);
    capgen_flow_expect(outbound, CAPGEN_OUTCOME_SYNACK_ONLY, CAPGEN_AMBIGUOUS_NONE);
    g_ptr_array_add(flows, outbound);

    capgen_flow *inbound = capgen_flow_new(CAPGEN_FLOW_TCP, "198.51.100.77", 61020, VM, 443,
                                           AT(3));
    capgen_flow_add_synack(inbound, 0);
    capgen_flow_add_ack(inbound, 27543210);
    capgen_flow_add(inbound, CAPGEN_US(25), CAPGEN_TO_SERVER, CAPGEN_TCP_PSH | CAPGEN_TCP_ACK, 517);
    capgen_flow_add(inbound, CAPGEN_US(400), CAPGEN_TO_CLIENT, CAPGEN_TCP_PSH | CAPGEN_TCP_ACK, 1200);
    capgen_flow_add(inbound, 27543210, CAPGEN_TO_SERVER, CAPGEN_TCP_ACK, 0);
    capgen_flow_expect(inbound, CAPGEN_OUTCOME_SYNACK_ONLY, CAPGEN_AMBIGUOUS_NONE);
    g_ptr_array_add(flows, inbound);
    return finish_plan(plan, flows);
}

gboolean capgen_plan_refused(const capgen_options *options, capgen_plan *plan, char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    capgen_flow *closed = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 50031, "192.0.2.10", 8443, AT(0));
    capgen_flow_add_syn(closed, 0);
    capgen_flow_add(closed, 734567, CAPGEN_TO_CLIENT, CAPGEN_TCP_RST | CAPGEN_TCP_ACK, 0);
    capgen_flow_expect(closed, CAPGEN_OUTCOME_REFUSED, CAPGEN_AMBIGUOUS_NONE);
    g_ptr_array_add(flows, closed);

    capgen_flow *retried = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 50032, "198.51.100.20", 41000,
                                           AT(100));
    capgen_flow_add_syn(retried, 0);
    capgen_flow_add_syn(retried, CAPGEN_S(1));
    capgen_flow_add(retried, 15876543, CAPGEN_TO_CLIENT, CAPGEN_TCP_RST | CAPGEN_TCP_ACK, 0);
    capgen_flow_expect(retried, CAPGEN_OUTCOME_REFUSED, CAPGEN_AMBIGUOUS_NONE);
    retried->note = "first SYN lost, the retransmission refused";
    g_ptr_array_add(flows, retried);
    return finish_plan(plan, flows);
}

gboolean capgen_plan_unanswered(const capgen_options *options, capgen_plan *plan,
                                char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    capgen_flow *retrying = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 50041, "192.0.2.99", 443, AT(0));
    capgen_flow_add_syn(retrying, 0);
    capgen_flow_add_syn(retrying, CAPGEN_S(1));
    capgen_flow_add_syn(retrying, CAPGEN_S(2));
    capgen_flow_add_syn(retrying, CAPGEN_S(4));
    capgen_flow_expect(retrying, CAPGEN_OUTCOME_UNANSWERED, CAPGEN_AMBIGUOUS_NONE);
    g_ptr_array_add(flows, retrying);

    capgen_flow *single = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 50042, "198.51.100.99", 80,
                                          AT(500));
    capgen_flow_add_syn(single, 0);
    capgen_flow_expect(single, CAPGEN_OUTCOME_UNANSWERED, CAPGEN_AMBIGUOUS_NONE);
    g_ptr_array_add(flows, single);
    return finish_plan(plan, flows);
}

gboolean capgen_plan_incomplete(const capgen_options *options, capgen_plan *plan,
                                char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    capgen_flow *flow = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 50051, "192.0.2.10", 443, AT(0));
    capgen_flow_add_syn(flow, 0);
    capgen_flow_add_synack(flow, 18234567);
    capgen_flow_add_synack(flow, CAPGEN_S(1));
    capgen_flow_add_synack(flow, CAPGEN_S(2));
    capgen_flow_expect(flow, CAPGEN_OUTCOME_INCOMPLETE, CAPGEN_AMBIGUOUS_NONE);
    flow->note = "the client never ACKs (a VM under load, or a spoofed SYN)";
    g_ptr_array_add(flows, flow);
    return finish_plan(plan, flows);
}

gboolean capgen_plan_client_reset(const capgen_options *options, capgen_plan *plan,
                                  char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    /* A SYN scan of one host: every open port answers, the scanner resets. */
    static const guint16 ports[] = { 22, 443, 3389 };
    for (guint i = 0; i < G_N_ELEMENTS(ports); i++) {
        capgen_flow *probe = capgen_flow_new(CAPGEN_FLOW_TCP, "203.0.113.66", 40001, VM, ports[i],
                                             AT(i * 2));
        capgen_flow_add_syn(probe, 0);
        capgen_flow_add_synack(probe, 61234 + i);
        capgen_flow_add(probe, 9876543 + i * 1000, CAPGEN_TO_SERVER, CAPGEN_TCP_RST, 0);
        capgen_flow_expect(probe, CAPGEN_OUTCOME_CLIENT_RESET, CAPGEN_AMBIGUOUS_NONE);
        g_ptr_array_add(flows, probe);
    }
    return finish_plan(plan, flows);
}

gboolean capgen_plan_port_reuse(const capgen_options *options, capgen_plan *plan,
                                char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    /* The second connection gets a new initial sequence number (the
     * scheduler draws one per connection), which is what makes Wireshark
     * start a new stream on the same 4-tuple. */
    g_ptr_array_add(flows, clean_connection(VM, 50061, "192.0.2.10", 443, AT(0), 23456789, 41300));
    capgen_flow *again = clean_connection(VM, 50061, "192.0.2.10", 443, AT(2000), 24567891, 40200);
    again->note = "same 4-tuple as the connection before it";
    g_ptr_array_add(flows, again);
    return finish_plan(plan, flows);
}

gboolean capgen_plan_simultaneous_open(const capgen_options *options, capgen_plan *plan,
                                       char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    /* Both peers dial each other (NAT hole punching); captured at the VM.
     * The VM's SYN is first, so the VM is the client.  Its own SYN/ACK is a
     * client packet and closes no leg; the peer's SYN/ACK does. */
    capgen_flow *flow = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 50201, "192.0.2.10", 50202, AT(0));
    capgen_flow_add_syn(flow, 0);
    capgen_flow_add(flow, 912345, CAPGEN_TO_CLIENT, CAPGEN_TCP_SYN, 0);
    capgen_flow_add(flow, 40111, CAPGEN_TO_SERVER, CAPGEN_TCP_SYN | CAPGEN_TCP_ACK, 0);
    capgen_flow_add_synack(flow, 9587654);
    capgen_flow_add_ack(flow, 35222);
    capgen_flow_add_exchange(flow, 10500000, 200, 400);
    capgen_flow_add_close(flow, 10500000);
    capgen_flow_expect(flow, CAPGEN_OUTCOME_COMPLETED, CAPGEN_AMBIGUOUS_NONE);
    flow->note = "simultaneous open: legs use the peer's SYN/ACK";
    g_ptr_array_add(flows, flow);
    return finish_plan(plan, flows);
}

gboolean capgen_plan_fast_open(const capgen_options *options, capgen_plan *plan,
                               char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    /* First visit: the client asks for a cookie, the server hands one out. */
    capgen_flow *request = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 50071, "198.51.100.20", 80, AT(0));
    capgen_flow_add(request, 0, CAPGEN_TO_SERVER, CAPGEN_TCP_SYN, 0)->options =
        CAPGEN_OPTIONS_FAST_OPEN_REQUEST;
    capgen_flow_add(request, 19876543, CAPGEN_TO_CLIENT, CAPGEN_TCP_SYN | CAPGEN_TCP_ACK, 0)->options =
        CAPGEN_OPTIONS_FAST_OPEN;
    capgen_flow_add_ack(request, 40321);
    capgen_flow_add_exchange(request, 19916864, 320, 1200);
    capgen_flow_add_close(request, 19916864);
    g_ptr_array_add(flows, request);

    /* Next visit: the request rides in the SYN with the cookie. */
    capgen_flow *data = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 50072, "198.51.100.20", 80, AT(1000));
    capgen_flow_add(data, 0, CAPGEN_TO_SERVER, CAPGEN_TCP_SYN, 320)->options = CAPGEN_OPTIONS_FAST_OPEN;
    capgen_flow_add(data, 19765432, CAPGEN_TO_CLIENT, CAPGEN_TCP_SYN | CAPGEN_TCP_ACK, 0);
    capgen_flow_add_ack(data, 41234);
    capgen_flow_add(data, CAPGEN_US(150), CAPGEN_TO_CLIENT, CAPGEN_TCP_PSH | CAPGEN_TCP_ACK, 1200);
    capgen_flow_add_ack(data, CAPGEN_US(45));
    capgen_flow_add_close(data, 19806666);
    data->note = "SYN carries 320 bytes of data and a TFO cookie";
    g_ptr_array_add(flows, data);
    return finish_plan(plan, flows);
}

/* Shifts the written timestamps of steps from..end: a clock stepping back. */
static void clock_steps_back(capgen_flow *flow, guint from_step, gint64 by_ns)
{
    for (guint i = from_step; i < flow->step_count; i++)
        flow->steps[i].stamp_skew_ns -= by_ns;
}

gboolean capgen_plan_time_backwards(const capgen_options *options, capgen_plan *plan,
                                    char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    /* Each clock step is 25 ms, 3 ms or 1 s; connections are spaced so no
     * other flow is in flight when it happens. */
    capgen_flow *in_syn_leg = clean_connection(VM, 50081, "192.0.2.10", 443, AT(0), 20000000, 45000);
    clock_steps_back(in_syn_leg, 1, CAPGEN_MS(25));
    in_syn_leg->note = "clock stepped back 25 ms between SYN and SYN/ACK";
    g_ptr_array_add(flows, in_syn_leg);

    capgen_flow *in_ack_leg = clean_connection(VM, 50082, "192.0.2.10", 443, AT(3000), 20000000,
                                               45000);
    clock_steps_back(in_ack_leg, 2, CAPGEN_MS(3));
    in_ack_leg->note = "clock stepped back 3 ms between SYN/ACK and ACK";
    g_ptr_array_add(flows, in_ack_leg);

    capgen_flow *after = clean_connection(VM, 50083, "192.0.2.10", 443, AT(6000), 20000000, 45000);
    clock_steps_back(after, 4, CAPGEN_S(1));
    after->note = "clock stepped back 1 s after the handshake";
    g_ptr_array_add(flows, after);
    return finish_plan(plan, flows);
}

gboolean capgen_plan_duplicates(const capgen_options *options, capgen_plan *plan,
                                char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    /* Exact duplicates (a capture taken on a bridge and its port, say).  The
     * second copy counts as a second SYN: the leg is ambiguous, but its
     * value is unchanged because both copies carry the same time. */
    capgen_flow *syn = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 50091, "192.0.2.10", 443, AT(0));
    capgen_flow_add_syn(syn, 0);
    capgen_flow_add_duplicate(syn, 0);
    capgen_flow_add_synack(syn, 22222333);
    capgen_flow_add_ack(syn, 41000);
    capgen_flow_add_exchange(syn, 22263333, 517, 1380);
    capgen_flow_add_duplicate(syn, 0);
    capgen_flow_add_close(syn, 22263333);
    capgen_flow_expect(syn, CAPGEN_OUTCOME_COMPLETED, CAPGEN_AMBIGUOUS_SYN);
    g_ptr_array_add(flows, syn);

    capgen_flow *synack = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 50092, "192.0.2.10", 443, AT(500));
    capgen_flow_add_syn(synack, 0);
    capgen_flow_add_synack(synack, 22111444);
    capgen_flow_add_duplicate(synack, 0);
    capgen_flow_add_ack(synack, 39000);
    capgen_flow_add_exchange(synack, 22150444, 517, 1380);
    capgen_flow_add_close(synack, 22150444);
    capgen_flow_expect(synack, CAPGEN_OUTCOME_COMPLETED, CAPGEN_AMBIGUOUS_SYNACK);
    g_ptr_array_add(flows, synack);

    /* Duplicated data and FIN leave the handshake clean. */
    capgen_flow *data = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 50093, "192.0.2.10", 443, AT(1000));
    capgen_flow_add_handshake(data, 22333444, 40500);
    capgen_flow_add(data, CAPGEN_US(45), CAPGEN_TO_SERVER, CAPGEN_TCP_PSH | CAPGEN_TCP_ACK, 517);
    capgen_flow_add_duplicate(data, 0);
    capgen_flow_add(data, 22600000, CAPGEN_TO_CLIENT, CAPGEN_TCP_PSH | CAPGEN_TCP_ACK, 1380);
    capgen_flow_add_duplicate(data, 0);
    capgen_flow_add_ack(data, CAPGEN_US(45));
    capgen_flow_add(data, CAPGEN_US(250), CAPGEN_TO_SERVER, CAPGEN_TCP_FIN | CAPGEN_TCP_ACK, 0);
    capgen_flow_add_duplicate(data, 0);
    capgen_flow_add(data, 22373944, CAPGEN_TO_CLIENT, CAPGEN_TCP_FIN | CAPGEN_TCP_ACK, 0);
    capgen_flow_add_ack(data, CAPGEN_US(45));
    g_ptr_array_add(flows, data);
    return finish_plan(plan, flows);
}
