/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scenarios_network.c — small captures about what surrounds TCP: IPv6,
 * VLAN tags, ICMP errors, snaplen cuts, empty records, connections without a
 * handshake, UDP flows and non-TCP IP protocols.
 */
#include "scenario.h"


#define VM "10.0.0.2"
#define VM6 "2001:db8:10::2"
#define AT(ms) (CAPGEN_EPOCH_NS + CAPGEN_MS(ms))

static capgen_flow *clean_connection(const char *client, guint16 client_port, const char *server,
                                     guint16 server_port, gint64 start_ns, gint64 syn_synack_ns,
                                     gint64 synack_ack_ns, guint response_length)
{
    capgen_flow *flow = capgen_flow_new(CAPGEN_FLOW_TCP, client, client_port, server, server_port,
                                        start_ns);
    capgen_flow_add_handshake(flow, syn_synack_ns, synack_ack_ns);
    gint64 rtt = syn_synack_ns + synack_ack_ns;
    capgen_flow_add_exchange(flow, rtt, 517, response_length);
    capgen_flow_add_close(flow, rtt);
    return flow;
}

gboolean capgen_plan_ipv6(const capgen_options *options, capgen_plan *plan, char **error_out)
{
    (void)error_out;
    gint64 rtt = options->rtt_us != CAPGEN_UNSET ? CAPGEN_US(options->rtt_us) : 33456789;
    GPtrArray *flows = g_ptr_array_new();
    g_ptr_array_add(flows, clean_connection(VM6, 50101, "2001:db8:1::10", 443, AT(0), rtt, 42100,
                                            1380));
    g_ptr_array_add(flows, clean_connection(VM6, 50102, "2001:db8:2::20", 80, AT(15), 76543210,
                                            39999, 1000));
    g_ptr_array_add(flows, clean_connection("2001:db8:77::5", 61100, VM6, 443, AT(30), 48765,
                                            55555555, 1380));
    capgen_plan_from_list(plan, flows);
    return TRUE;
}

gboolean capgen_plan_vlan(const capgen_options *options, capgen_plan *plan, char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    capgen_flow *first = clean_connection(VM, 50111, "192.0.2.10", 443, AT(0), 23456789, 41300,
                                          1380);
    first->vlan = 100;
    g_ptr_array_add(flows, first);
    capgen_flow *second = clean_connection(VM, 50112, "198.51.100.20", 80, AT(10), 45678912, 38000,
                                           1000);
    second->vlan = 100;
    g_ptr_array_add(flows, second);
    capgen_flow *other = clean_connection("10.0.1.2", 50113, "192.0.2.10", 443, AT(20), 23999111,
                                          40400, 1380);
    other->vlan = 200;
    g_ptr_array_add(flows, other);
    capgen_plan_from_list(plan, flows);
    return TRUE;
}

gboolean capgen_plan_icmp_error(const capgen_options *options, capgen_plan *plan,
                                char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    /* A firewall rejects with port unreachable; the client retries once.
     * The TCP headers quoted in the errors are not connection packets. */
    capgen_flow *v4 = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 50121, "192.0.2.10", 8443, AT(0));
    capgen_address_parse("192.0.2.254", &v4->icmp_reporter);
    capgen_flow_add_syn(v4, 0);
    capgen_flow_add_icmp_error(v4, 21234567);
    capgen_flow_add_syn(v4, CAPGEN_S(1));
    capgen_flow_add_icmp_error(v4, 21234567);
    capgen_flow_expect(v4, CAPGEN_OUTCOME_UNANSWERED, CAPGEN_AMBIGUOUS_NONE);
    v4->note = "each SYN answered by ICMP port unreachable from 192.0.2.254";
    g_ptr_array_add(flows, v4);

    capgen_flow *v6 = capgen_flow_new(CAPGEN_FLOW_TCP, VM6, 50122, "2001:db8:1::10", 8443,
                                      AT(100));
    capgen_address_parse("2001:db8:1::fe", &v6->icmp_reporter);
    capgen_flow_add_syn(v6, 0);
    capgen_flow_add_icmp_error(v6, 31234567);
    capgen_flow_expect(v6, CAPGEN_OUTCOME_UNANSWERED, CAPGEN_AMBIGUOUS_NONE);
    v6->note = "SYN answered by ICMPv6 port unreachable from 2001:db8:1::fe";
    g_ptr_array_add(flows, v6);

    g_ptr_array_add(flows, clean_connection(VM, 50123, "192.0.2.10", 443, AT(2000), 21234567,
                                            40000, 1380));
    capgen_plan_from_list(plan, flows);
    return TRUE;
}

gboolean capgen_plan_truncated(const capgen_options *options, capgen_plan *plan,
                               char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    /* Handshake frames fit in 96 bytes; data frames are cut.  Bytes in the
     * truth are on-wire lengths, as Conversations counts them. */
    g_ptr_array_add(flows, clean_connection(VM, 50131, "192.0.2.10", 443, AT(0), 23456789, 41300,
                                            1380));
    g_ptr_array_add(flows, clean_connection(VM6, 50132, "2001:db8:1::10", 443, AT(10), 33456789,
                                            42100, 1380));
    plan->snaplen = 96;
    capgen_plan_from_list(plan, flows);
    return TRUE;
}

gboolean capgen_plan_zero_length(const capgen_options *options, capgen_plan *plan,
                                 char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    g_ptr_array_add(flows, clean_connection(VM, 50141, "192.0.2.10", 443, AT(0), 23456789, 41300,
                                            1380));
    /* Two empty records: one claiming 0 bytes on the wire, one claiming 60. */
    capgen_flow *records = capgen_flow_new(CAPGEN_FLOW_RECORDS, VM, 0, VM, 0,
                                           CAPGEN_EPOCH_NS + CAPGEN_US(23400));
    capgen_flow_add(records, 0, CAPGEN_TO_SERVER, 0, 0)->kind = CAPGEN_STEP_ZERO_RECORD;
    capgen_flow_add(records, CAPGEN_MS(1), CAPGEN_TO_SERVER, 0, 60)->kind =
        CAPGEN_STEP_ZERO_RECORD;
    g_ptr_array_add(flows, records);
    capgen_plan_from_list(plan, flows);
    return TRUE;
}

gboolean capgen_plan_midstream(const capgen_options *options, capgen_plan *plan,
                               char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    /* The capture began while these connections were already running.  The
     * server is the side Wireshark names a service for (443), or the side
     * not on an ephemeral port (41000 against 55123); in both, the first
     * frame comes from the server, so "receiver of the first frame" would
     * pick the wrong side. */
    capgen_flow *https = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 52000, "192.0.2.10", 443, AT(0));
    capgen_flow_add(https, 0, CAPGEN_TO_CLIENT, CAPGEN_TCP_PSH | CAPGEN_TCP_ACK, 1380);
    capgen_flow_add(https, CAPGEN_US(45), CAPGEN_TO_SERVER, CAPGEN_TCP_ACK, 0);
    capgen_flow_add_exchange(https, 23456789, 517, 1380);
    capgen_flow_add_close(https, 23456789);
    capgen_flow_expect(https, CAPGEN_OUTCOME_NO_HANDSHAKE, CAPGEN_AMBIGUOUS_NONE);
    g_ptr_array_add(flows, https);

    capgen_flow *high = capgen_flow_new(CAPGEN_FLOW_TCP, VM, 55123, "203.0.113.30", 41000, AT(5));
    capgen_flow_add(high, 0, CAPGEN_TO_CLIENT, CAPGEN_TCP_PSH | CAPGEN_TCP_ACK, 700);
    capgen_flow_add(high, CAPGEN_US(45), CAPGEN_TO_SERVER, CAPGEN_TCP_ACK, 0);
    capgen_flow_add_exchange(high, 5000123, 100, 700);
    capgen_flow_add_exchange(high, 5000123, 100, 700);
    capgen_flow_expect(high, CAPGEN_OUTCOME_NO_HANDSHAKE, CAPGEN_AMBIGUOUS_NONE);
    high->note = "server on unnamed port 41000, client on ephemeral 55123";
    g_ptr_array_add(flows, high);
    capgen_plan_from_list(plan, flows);
    return TRUE;
}

/* A UDP flow of query/answer pairs; starts with an answer when reply_first. */
static capgen_flow *dns_flow(const char *client, guint16 client_port, const char *server,
                             gint64 start_ns, guint exchanges, gboolean reply_first)
{
    capgen_flow *flow = capgen_flow_new(CAPGEN_FLOW_UDP, client, client_port, server, 53, start_ns);
    gint64 delay = 0;
    if (reply_first) {
        capgen_flow_add(flow, 0, CAPGEN_TO_CLIENT, 0, 0);
        delay = CAPGEN_MS(200);
    }
    for (guint i = 0; i < exchanges; i++) {
        capgen_flow_add(flow, delay, CAPGEN_TO_SERVER, 0, 0);
        capgen_flow_add(flow, 1234567 + i * 1000, CAPGEN_TO_CLIENT, 0, 0);
        delay = CAPGEN_MS(300);
    }
    return flow;
}

gboolean capgen_plan_udp_flows(const capgen_options *options, capgen_plan *plan,
                               char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    g_ptr_array_add(flows, dns_flow(VM, 53001, "192.0.2.53", AT(0), 1, FALSE));
    g_ptr_array_add(flows, dns_flow(VM6, 53002, "2001:db8:1::53", AT(10), 1, FALSE));
    g_ptr_array_add(flows, dns_flow(VM, 53003, "192.0.2.53", AT(20), 2, FALSE));
    capgen_flow *late = dns_flow(VM, 53004, "192.0.2.53", AT(30), 1, TRUE);
    late->note = "starts with an answer whose query was not captured";
    g_ptr_array_add(flows, late);

    capgen_flow *plain = capgen_flow_new(CAPGEN_FLOW_UDP, VM, 55000, "203.0.113.30", 41000, AT(40));
    capgen_flow_add(plain, 0, CAPGEN_TO_SERVER, 0, 120);
    capgen_flow_add(plain, 5000123, CAPGEN_TO_CLIENT, 0, 480);
    capgen_flow_add(plain, CAPGEN_MS(20), CAPGEN_TO_SERVER, 0, 120);
    plain->note = "UDP on an unnamed port";
    g_ptr_array_add(flows, plain);
    capgen_plan_from_list(plan, flows);
    return TRUE;
}

gboolean capgen_plan_other_ip(const capgen_options *options, capgen_plan *plan,
                              char **error_out)
{
    (void)options;
    (void)error_out;
    GPtrArray *flows = g_ptr_array_new();
    /* Ping: the identifier travels in client_port. */
    capgen_flow *ping = capgen_flow_new(CAPGEN_FLOW_ICMP_ECHO, VM, 0x1234, "192.0.2.1", 0, AT(0));
    for (guint i = 0; i < 3; i++) {
        capgen_flow_add(ping, i ? CAPGEN_S(1) : 0, CAPGEN_TO_SERVER, 0, 56);
        capgen_flow_add(ping, 9876543, CAPGEN_TO_CLIENT, 0, 56);
    }
    ping->note = "echo identifier 0x1234";
    g_ptr_array_add(flows, ping);

    capgen_flow *ping6 = capgen_flow_new(CAPGEN_FLOW_ICMP_ECHO, VM6, 0x4321, "2001:db8:1::1", 0,
                                         AT(100));
    for (guint i = 0; i < 2; i++) {
        capgen_flow_add(ping6, i ? CAPGEN_S(1) : 0, CAPGEN_TO_SERVER, 0, 56);
        capgen_flow_add(ping6, 8765432, CAPGEN_TO_CLIENT, 0, 56);
    }
    ping6->note = "echo identifier 0x4321";
    g_ptr_array_add(flows, ping6);

    /* A site-to-site GRE tunnel; the connection is the inner one. */
    capgen_flow *tunnelled = clean_connection("172.16.0.2", 50151, "172.16.9.9", 80, AT(200),
                                              31234567, 43210, 1000);
    tunnelled->gre = TRUE;
    capgen_address_parse(VM, &tunnelled->gre_client_side);
    capgen_address_parse("198.51.100.1", &tunnelled->gre_server_side);
    tunnelled->note = "inside IPv4/GRE between 10.0.0.2 and 198.51.100.1";
    g_ptr_array_add(flows, tunnelled);
    capgen_plan_from_list(plan, flows);
    return TRUE;
}
