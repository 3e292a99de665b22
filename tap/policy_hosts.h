/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy_hosts.h — the policy engine's host names: which name a TCP client
 * asks for (TLS SNI, HTTP Host), and the DNS lookups of listed names.
 * Internal to the engine (policy_engine.c); policy.h says what it means.
 */
#ifndef TRIAGE_POLICY_HOSTS_H
#define TRIAGE_POLICY_HOSTS_H

#include "policy_rule.h"

typedef struct triage_policy_hosts triage_policy_hosts;

typedef enum {
    TRIAGE_POLICY_HOSTS_MORE, /* hand in the connection's next packets to the server */
    TRIAGE_POLICY_HOSTS_DONE, /* nothing more to read on this connection */
} triage_policy_hosts_step;

/* rules: the policy's, in order (kept, not copied). */
triage_policy_hosts *triage_policy_hosts_new(const triage_compiled_rule *const *rules, guint rule_count);
void triage_policy_hosts_free(triage_policy_hosts *hosts);
void triage_policy_hosts_reset(triage_policy_hosts *hosts);

/* One packet to the server with payload.  *hosts_out: the host bits of the
 * rules whose list has the connection's name, once it is known (else 0).
 * *lookup_plus_one_out: the lookup this DNS query counted for (index + 1,
 * 0 when none); *lookup_first_out when it is the lookup's first query. */
triage_policy_hosts_step triage_policy_hosts_read(triage_policy_hosts *hosts, const triage_connection *connection,
                                                  gboolean client_internal, const triage_flow_packet *packet,
                                                  guint64 *hosts_out, guint *lookup_plus_one_out,
                                                  gboolean *lookup_first_out);

/* The listed name a connection asked for, NULL when none matched a list. */
const char *triage_policy_hosts_connection_name(const triage_policy_hosts *hosts, guint32 connection_index);

guint triage_policy_hosts_lookup_count(const triage_policy_hosts *hosts);
const triage_policy_lookup *triage_policy_hosts_lookup_at(const triage_policy_hosts *hosts, guint index);
guint triage_policy_hosts_frame_lookup(const triage_policy_hosts *hosts, guint32 frame, gboolean *first_out);

#endif
