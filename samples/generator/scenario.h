/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scenario.h — what a scenario is: a name, one line of description, the
 * options it understands, and a function that plans its flows.
 */
#ifndef CAPGEN_SCENARIO_H
#define CAPGEN_SCENARIO_H

#include <glib.h>

#include "flow.h"
#include "scheduler.h"

#define CAPGEN_UNSET (-1)

/* Scenario options as given on the command line, CAPGEN_UNSET when absent. */
typedef struct capgen_options {
    guint64 seed;
    gint64 packets;
    gint64 connections;
    gint64 ipv6_percent;
    gint64 servers;
    gint64 destinations;
    gint64 rtt_us;
    gint64 synack_percent;
} capgen_options;

/* Option bits: which of the above a scenario accepts. */
enum {
    CAPGEN_ACCEPTS_PACKETS = 1 << 0,
    CAPGEN_ACCEPTS_CONNECTIONS = 1 << 1,
    CAPGEN_ACCEPTS_IPV6_PERCENT = 1 << 2,
    CAPGEN_ACCEPTS_SERVERS = 1 << 3,
    CAPGEN_ACCEPTS_DESTINATIONS = 1 << 4,
    CAPGEN_ACCEPTS_RTT_US = 1 << 5,
    CAPGEN_ACCEPTS_SYNACK_PERCENT = 1 << 6,
};

/* What a scenario hands to the scheduler. */
typedef struct capgen_plan {
    capgen_flow_source source;
    guint32 snaplen;    /* preset to 262144 */
    gboolean streaming; /* truth rows in completion order, not sorted */
} capgen_plan;

typedef gboolean (*capgen_scenario_plan)(const capgen_options *options, capgen_plan *plan,
                                         char **error_out);

typedef struct capgen_scenario {
    const char *name;
    const char *description;
    guint accepts; /* CAPGEN_ACCEPTS_* */
    capgen_scenario_plan plan;
} capgen_scenario;

const capgen_scenario *capgen_scenarios(guint *count);
const capgen_scenario *capgen_scenario_find(const char *name);

/* A plan made of a fixed list of flows (small scenarios).  Takes the array. */
void capgen_plan_from_list(capgen_plan *plan, GPtrArray *flows);

/* Every small capture starts here: 2023-11-14 22:13:20 UTC. */
#define CAPGEN_EPOCH_NS (G_GINT64_CONSTANT(1700000000) * 1000000000)

/* Planners, one per scenario. */
gboolean capgen_plan_clean(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_syn_retransmitted(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_synack_retransmitted(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_syn_after_synack(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_missing_syn(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_refused(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_unanswered(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_incomplete(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_client_reset(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_port_reuse(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_reuse_after_unanswered(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_synack_other_isn(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_simultaneous_open(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_fast_open(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_time_backwards(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_duplicates(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_ipv6(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_vlan(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_icmp_error(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_truncated(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_zero_length(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_midstream(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_udp_flows(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_other_ip(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_mixed(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_million(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_bench(const capgen_options *, capgen_plan *, char **);
gboolean capgen_plan_syn_flood(const capgen_options *, capgen_plan *, char **);

#endif
