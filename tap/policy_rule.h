/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy_rule.h — a compiled rule, shared by the rule model (policy.c) and
 * the engine (policy_engine.c).  Not for other code: the rest of the plugin
 * sees rules through policy.h only.
 */
#ifndef TRIAGE_POLICY_RULE_H
#define TRIAGE_POLICY_RULE_H

#include "policy.h"
#include "host_list.h"

typedef struct triage_port_range {
    guint8 transport;
    guint16 first;
    guint16 last;
} triage_port_range;

typedef enum {
    TRIAGE_PEER_FROM, /* the initiator (client) */
    TRIAGE_PEER_TO,   /* the responder (server) */
} triage_peer_side;

/* "from:!internal", "to:10.0.0.0/8": one side, one network (or the
 * configured internal networks), possibly negated. */
typedef struct triage_peer_condition {
    triage_peer_side side;
    gboolean negated;
    gboolean internal;
    triage_network network; /* unused when internal */
} triage_peer_condition;

typedef struct triage_payload_signature {
    guint8 *bytes;
    guint length;
    gboolean anywhere; /* searched in the window, not only at its start */
} triage_payload_signature;

typedef struct triage_compiled_rule {
    triage_policy_rule info; /* first, so rule_at can hand out &info */
    int *protocol_ids;
    guint protocol_count;
    triage_port_range *ports;
    guint port_count;
    triage_peer_condition *peers;
    guint peer_count;
    triage_payload_signature *signatures; /* alternatives: any one will do */
    guint signature_count;
    int payload_bit; /* its bit in a connection's seen-signatures word, -1 when none */
    triage_host_list *hosts; /* NULL when none */
    int host_bit;    /* its bit in a connection's matched-hosts word, -1 when none */
} triage_compiled_rule;

const triage_compiled_rule *triage_policy_compiled_rule(const triage_policy *policy, guint index);
guint triage_policy_payload_rule_count(const triage_policy *policy);
guint triage_policy_host_rule_count(const triage_policy *policy);

/* Inline: the engine asks this for many rules on many connections. */
static inline gboolean triage_rule_port_matches(const triage_compiled_rule *rule, guint8 transport, guint16 port)
{
    for (guint i = 0; i < rule->port_count; i++) {
        const triage_port_range *range = &rule->ports[i];
        if (range->transport == transport && port >= range->first && port <= range->last)
            return TRUE;
    }
    return FALSE;
}
/* TRUE when the rule needs the packets themselves (protocols, payload,
 * filter), not just who talks to whom on which port. */
gboolean triage_rule_needs_packets(const triage_compiled_rule *rule);

#endif
