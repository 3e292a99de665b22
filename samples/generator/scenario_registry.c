/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scenario.h"

#include <string.h>

enum {
    BULK_OPTIONS = CAPGEN_ACCEPTS_PACKETS | CAPGEN_ACCEPTS_CONNECTIONS |
                   CAPGEN_ACCEPTS_IPV6_PERCENT | CAPGEN_ACCEPTS_SERVERS |
                   CAPGEN_ACCEPTS_DESTINATIONS | CAPGEN_ACCEPTS_RTT_US,
};

static const capgen_scenario scenarios[] = {
    { "clean", "four clean handshakes with data and FIN: three outbound, one inbound",
      CAPGEN_ACCEPTS_RTT_US, capgen_plan_clean },
    { "syn_retransmitted", "SYN sent twice (and three times), 1 s apart, then SYN/ACK", 0,
      capgen_plan_syn_retransmitted },
    { "synack_retransmitted", "30 ms path whose SYN/ACK is retransmitted after 1 s (server side)",
      0, capgen_plan_synack_retransmitted },
    { "syn_after_synack", "SYN sent again after the SYN/ACK, before the ACK: with the SYN/ACK "
                          "repeated (like rdp-x509.pcap) and without", 0,
      capgen_plan_syn_after_synack },
    { "missing_syn", "captures that start at the SYN/ACK", 0, capgen_plan_missing_syn },
    { "refused", "SYNs answered by RST/ACK", 0, capgen_plan_refused },
    { "unanswered", "SYN and its retransmissions, never answered", 0, capgen_plan_unanswered },
    { "incomplete", "SYN and SYN/ACK (retransmitted), never ACKed", 0, capgen_plan_incomplete },
    { "client_reset", "scanner: SYN, SYN/ACK, RST from the client, on three ports", 0,
      capgen_plan_client_reset },
    { "port_reuse", "the same 4-tuple used twice after FIN, both complete", 0,
      capgen_plan_port_reuse },
    { "reuse_after_unanswered", "an unanswered SYN, then the same 4-tuple 3438 s later with a new ISN", 0,
      capgen_plan_reuse_after_unanswered },
    { "synack_other_isn", "an unanswered SYN, then a SYN/ACK acknowledging another ISN (its SYN not captured)",
      0, capgen_plan_synack_other_isn },
    { "simultaneous_open", "both ends send SYN, then both send SYN/ACK", 0,
      capgen_plan_simultaneous_open },
    { "fast_open", "TCP Fast Open: cookie request, then a SYN carrying data", 0,
      capgen_plan_fast_open },
    { "time_backwards", "timestamps that decrease inside and after handshakes", 0,
      capgen_plan_time_backwards },
    { "duplicates", "exact duplicate frames: SYN, SYN/ACK, data and FIN", 0,
      capgen_plan_duplicates },
    { "ipv6", "clean handshakes over IPv6, outbound and inbound", CAPGEN_ACCEPTS_RTT_US,
      capgen_plan_ipv6 },
    { "vlan", "802.1Q tagged handshakes on VLANs 100 and 200", 0, capgen_plan_vlan },
    { "icmp_error", "SYNs answered by ICMP / ICMPv6 port unreachable quoting them", 0,
      capgen_plan_icmp_error },
    { "truncated", "snaplen 96: data frames shorter than on the wire", 0, capgen_plan_truncated },
    { "zero_length", "zero-length records among a clean connection's frames", 0,
      capgen_plan_zero_length },
    { "midstream", "data without handshake, servers on 443 and on an unnamed high port", 0,
      capgen_plan_midstream },
    { "udp_flows", "DNS queries and answers over IPv4 and IPv6, one flow starting with the answer",
      0, capgen_plan_udp_flows },
    { "other_ip", "ICMP and ICMPv6 echo, a TCP connection inside IPv4/GRE", 0,
      capgen_plan_other_ip },
    { "mixed", "about 200 connections of every outcome, several servers, IPv4 and IPv6, DNS", 0,
      capgen_plan_mixed },
    { "million", "1 000 000 packets of clean and retransmitted handshakes with exact legs",
      BULK_OPTIONS, capgen_plan_million },
    { "bench", "benchmark load: --packets, --connections, --ipv6-percent, --servers, "
               "--destinations (streaming)",
      BULK_OPTIONS, capgen_plan_bench },
    { "syn_flood", "--connections half-open SYNs from distinct random sources (streaming)",
      CAPGEN_ACCEPTS_CONNECTIONS | CAPGEN_ACCEPTS_SYNACK_PERCENT, capgen_plan_syn_flood },
};

const capgen_scenario *capgen_scenarios(guint *count)
{
    *count = G_N_ELEMENTS(scenarios);
    return scenarios;
}

const capgen_scenario *capgen_scenario_find(const char *name)
{
    for (guint i = 0; i < G_N_ELEMENTS(scenarios); i++)
        if (strcmp(scenarios[i].name, name) == 0)
            return &scenarios[i];
    return NULL;
}

typedef struct list_source {
    GPtrArray *flows;
    guint next;
} list_source;

static capgen_flow *list_next(gpointer state)
{
    list_source *source = state;
    if (source->next == source->flows->len)
        return NULL;
    capgen_flow *flow = g_ptr_array_index(source->flows, source->next);
    g_ptr_array_index(source->flows, source->next) = NULL;
    source->next++;
    return flow;
}

static void list_free(gpointer state)
{
    list_source *source = state;
    for (guint i = source->next; i < source->flows->len; i++)
        capgen_flow_free(g_ptr_array_index(source->flows, i));
    g_ptr_array_free(source->flows, TRUE);
    g_free(source);
}

static gint by_start(gconstpointer a, gconstpointer b)
{
    const capgen_flow *left = *(const capgen_flow *const *)a;
    const capgen_flow *right = *(const capgen_flow *const *)b;
    return left->start_ns < right->start_ns ? -1 : left->start_ns > right->start_ns;
}

void capgen_plan_from_list(capgen_plan *plan, GPtrArray *flows)
{
    /* g_ptr_array_sort is stable, so flows starting together keep their
     * order, and with it their frame and stream numbers. */
    g_ptr_array_sort(flows, by_start);
    list_source *source = g_new0(list_source, 1);
    source->flows = flows;
    plan->source.next = list_next;
    plan->source.free_state = list_free;
    plan->source.state = source;
}
