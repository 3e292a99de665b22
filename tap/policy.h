/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy.h — which connections are unwanted: an ordered list of rules and
 * the engine that applies them to packets.
 *
 * A rule has a name, an action (alert or allow), a severity, a message and
 * match criteria, all of which must hold:
 *   protocols  a Wireshark protocol present in the frame (pinfo->layers),
 *   ports      the responder's transport and port,
 *   peers      the initiator ("from") and responder ("to") addresses,
 *   payload    a signature in the first payload of either direction,
 *   hosts      a name the client asked for: the TLS ClientHello's SNI or
 *              the HTTP request's Host (a DNS query for a listed name is
 *              a lookup finding of its own, see the engine below),
 *   filter     a display filter, evaluated by the glue (a tap listener per
 *              filter rule) and handed in as a bit per packet.
 * The first rule that matches a connection decides, by rule order and not by
 * time: an allow rule placed before an alert rule is an exception to it, and
 * a later packet that matches a lower-numbered rule moves the decision there.
 *
 * Rules are built from text (policy_file.h) and compiled once: protocol
 * names become Wireshark protocol ids through a resolver the glue supplies,
 * so the per-packet path compares integers and never sees a string.
 */
#ifndef TRIAGE_POLICY_H
#define TRIAGE_POLICY_H

#include <glib.h>
#include "connection_table.h"
#include "packet_facts.h"
#include "host_name.h"

typedef enum {
    TRIAGE_POLICY_ALERT,
    TRIAGE_POLICY_ALLOW,
} triage_policy_action;

/* Ordered by weight: reports sort errors first. */
typedef enum {
    TRIAGE_SEVERITY_NOTE,
    TRIAGE_SEVERITY_WARN,
    TRIAGE_SEVERITY_ERROR,
} triage_severity;

/* The payload criterion looks at most this far into the first payload of
 * each direction ("*" signatures search this window).  The glue must hand
 * in at least this many captured payload bytes when it has them. */
#define TRIAGE_POLICY_PAYLOAD_WINDOW 512

/* The glue passes filter matches as one 64-bit mask, and the engine keeps
 * which payload signatures a connection showed in one 64-bit word. */
#define TRIAGE_POLICY_MAX_FILTER_RULES 64
#define TRIAGE_POLICY_MAX_PAYLOAD_RULES 64
/* And which hosts rules its name matched in another. */
#define TRIAGE_POLICY_MAX_HOST_RULES 64

/* With hosts rules, the glue hands in up to this many captured bytes of
 * each payload (a ClientHello of 16 KB may come in one segment); without,
 * TRIAGE_POLICY_PAYLOAD_WINDOW is enough.  See
 * triage_policy_engine_payload_window(). */
#define TRIAGE_POLICY_STREAM_WINDOW 16768

/* Wireshark's proto_get_id_by_filter_name(): -1 for an unknown name. */
typedef int (*triage_protocol_resolver_fn)(const char *filter_name, void *user_data);
/* Wireshark's proto_get_protocol_filter_name(): for report rows. */
typedef const char *(*triage_protocol_name_fn)(int protocol_id, void *user_data);

/* What a finding rests on: the kinds of criteria of its rule that name a
 * service, as bits, so that a finding confirmed by its family's content
 * rule names both ("port,payload").  Peers count as an address only when
 * they name networks or addresses of their own (not "internal", not only
 * exclusions). */
typedef enum {
    TRIAGE_EVIDENCE_PORT = 1 << 0,     /* the responder's port */
    TRIAGE_EVIDENCE_PROTOCOL = 1 << 1, /* Wireshark's label, which it often gives by port alone */
    TRIAGE_EVIDENCE_PAYLOAD = 1 << 2,  /* a signature of ours in the bytes */
    TRIAGE_EVIDENCE_ADDRESS = 1 << 3,  /* a listed address or network */
    TRIAGE_EVIDENCE_FILTER = 1 << 4,   /* a display filter */
    TRIAGE_EVIDENCE_HOST = 1 << 5,     /* a listed name: SNI, HTTP Host or DNS query */
} triage_evidence;

/* The evidence that confirms a service: what the bytes or the peer say,
 * not what port it runs on. */
#define TRIAGE_EVIDENCE_CONTENT (TRIAGE_EVIDENCE_PAYLOAD | TRIAGE_EVIDENCE_ADDRESS | TRIAGE_EVIDENCE_HOST)
/* The evidence a port-only finding rests on. */
#define TRIAGE_EVIDENCE_PORT_DERIVED (TRIAGE_EVIDENCE_PORT | TRIAGE_EVIDENCE_PROTOCOL)
/* "port,protocol,payload,address,filter,host" and its terminating NUL. */
#define TRIAGE_EVIDENCE_TEXT_SIZE 48

/* The evidence bits as a comma-separated list of their names in the order
 * of the enum ("" for none); returns buffer. */
const char *triage_policy_evidence_text(guint evidence, char *buffer, gsize size);

/* What a rule says, for the packet fields, the expert info and the report.
 * How it matches stays inside the engine. */
typedef struct triage_policy_rule {
    char *name;
    triage_policy_action action;
    triage_severity severity; /* TRIAGE_SEVERITY_NOTE for allow rules */
    char *message;            /* "" when the rule gives none */
    char *filter;             /* the display filter, NULL when none */
    int filter_bit;           /* its bit in matched_filter_rules, -1 when none */
    guint line;               /* file line or table row it came from */
    char *family;             /* the service it is one rule of ("irc"), NULL when none */
    guint evidence;           /* triage_evidence bits of its own criteria */
} triage_policy_rule;

typedef struct triage_policy triage_policy;

/* One rule as text, one member per column of the file or the UAT table.
 * NULL and "" both mean "not given". */
typedef struct triage_policy_row {
    const char *name;
    const char *action;
    const char *severity;
    const char *message;
    const char *protocols;
    const char *ports;
    const char *peers;
    const char *payload;
    const char *filter;
    const char *family;
    const char *hosts;
} triage_policy_row;

/* A rule that could not be used.  line is the file line or table row
 * (1-based; 0 when the problem is the whole source), reason names the field
 * and the bad value, text is the full "file:line: reason" line to show. */
typedef struct triage_policy_error {
    guint line;
    char *reason;
    char *text;
    char *list;  /* a bad line of this "@file" list, not a skipped rule: line
                  * is the rule's, text "list:N: reason"; NULL otherwise */
} triage_policy_error;

/* An array that owns its triage_policy_error elements. */
GPtrArray *triage_policy_errors_new(void);
void triage_policy_error_free(triage_policy_error *error);

/* A policy is shared, never copied: the loader holds one reference and each
 * capture session another, so a policy replaced while a capture is open
 * lives until that capture's session ends.  new() returns one reference. */
triage_policy *triage_policy_new(void);
triage_policy *triage_policy_ref(triage_policy *policy);
void triage_policy_unref(triage_policy *policy);

/* Compiles one rule and appends it.  On a bad field returns FALSE, appends
 * nothing and sets *reason_out ("ports: 'tcp/70000' is not a port (0-65535)",
 * g_free it).  line is recorded in the rule for later messages. */
gboolean triage_policy_add_rule(triage_policy *policy, const triage_policy_row *row, guint line,
                                triage_protocol_resolver_fn resolver, void *resolver_data,
                                char **reason_out);

/* Where the "@file" lists of peers and hosts criteria ("to:@tor-relays.txt", one
 * address or network a line, '#' comments) are read from while rules are
 * added: a relative name is relative to folder (NULL: the current folder).
 * A bad line of a list is appended to errors as "file:line: reason" and
 * skipped; the rest of the list applies (errors may be NULL: not kept).  A
 * list that cannot be read, or names nothing, makes its rule unusable. */
void triage_policy_set_list_source(triage_policy *policy, const char *folder, GPtrArray *errors);
/* Lists the policy carries itself (the built-in policy's name lists):
 * "@name" finds name here before looking for a file.  lists: name, text,
 * name, text, ..., NULL; not copied (static text). */
void triage_policy_set_embedded_lists(triage_policy *policy, const char *const *lists);

guint triage_policy_rule_count(const triage_policy *policy);
/* NULL when index is out of range. */
const triage_policy_rule *triage_policy_rule_at(const triage_policy *policy, guint index);
/* How many rules have a filter criterion: rule i with filter_bit b is bit b
 * of matched_filter_rules, b = 0 .. count-1 in rule order. */
guint triage_policy_filter_rule_count(const triage_policy *policy);

const char *triage_policy_action_name(triage_policy_action action);
const char *triage_policy_severity_name(triage_severity severity);

/* A rule that needs confirmation: it names a family, its own evidence is
 * only a port or Wireshark's label, and another rule of its family has
 * content evidence (payload or address) that can confirm it.  Unconfirmed,
 * its finding is a note, "port only — confirm". */
gboolean triage_policy_rule_needs_confirmation(const triage_policy *policy, guint index);
/* The severity a finding of this rule has: a note when it rests on the port
 * alone, the rule's severity otherwise. */
triage_severity triage_policy_finding_severity(const triage_policy_rule *rule, gboolean port_only);
/* The message of such a finding (g_free it): the rule's, prefixed with
 * "port only — confirm" when port_only. */
char *triage_policy_finding_message(const triage_policy_rule *rule, gboolean port_only);

/* For the destinations report: the name of the first alert rule that
 * watches this responder port by its ports criterion alone (it may also
 * have peers, which this question cannot judge; protocols, payload and
 * filter need packets and rule it out, and so does a rule that needs
 * confirmation: its port alone says nothing), or NULL.  A port-only allow rule
 * placed before it is an exception and also gives NULL. */
const char *triage_policy_rule_for_port(const triage_policy *policy, guint8 transport, guint16 port);

/* ---- The engine ---------------------------------------------------------- */

typedef struct triage_policy_engine triage_policy_engine;

/* Layers that carry an application rather than being one (link, network,
 * tunnel and transport layers, undissected data, content encodings such as
 * x509 or json that sit on top of the protocol that carries them), by
 * filter name, NULL-terminated: what the glue resolves for
 * carrier_protocol_ids.  Names this Wireshark does not know are skipped. */
extern const char *const triage_policy_carrier_protocols[];

/* policy must outlive the engine.  internal: the networks "internal" means
 * in peers criteria (copied).  carrier_protocol_ids: layers that carry an
 * application rather than being one (eth, ip, tcp, udp, data, ...): a
 * connection's application protocol is its highest layer not in this list
 * (copied), judged in allow-list mode and counted by the protocol overview.  max_connections bounds the per-connection
 * state (0 = no bound); beyond it packets are judged as without connection. */
triage_policy_engine *triage_policy_engine_new(const triage_policy *policy, gboolean allowlist,
                                               const triage_network *internal, guint internal_count,
                                               const int *carrier_protocol_ids, guint carrier_count,
                                               guint32 max_connections);
void triage_policy_engine_free(triage_policy_engine *engine);
/* Forgets every connection (a new file, a retap); keeps the settings. */
void triage_policy_engine_reset(triage_policy_engine *engine);
const triage_policy *triage_policy_engine_policy(const triage_policy_engine *engine);
gboolean triage_policy_engine_allowlist(const triage_policy_engine *engine);

/* The answer for one packet.  rule is the connection's deciding rule when
 * this packet matches it, else -1; violation is TRUE for alert rules.
 * evidence: what the finding rests on so far.  A rule that needs
 * confirmation is provisional from its first match (the SYN, for a port)
 * until its family's content rule confirms it or the first payload of each
 * direction has been read without confirming it (then port_only).
 * raise_expert is TRUE on the first packet matching the decision at which
 * it is no longer provisional: the expert info goes there, with the
 * severity the finding ends with. */
typedef struct triage_policy_verdict {
    int rule;
    gboolean violation;
    gboolean raise_expert;
    gboolean provisional;
    gboolean port_only;
    guint evidence;
    /* A DNS query for a listed name (below): its lookup's index + 1, 0 when
     * this packet is none; lookup_raise_expert on the lookup's first query. */
    guint lookup_plus_one;
    gboolean lookup_raise_expert;
} triage_policy_verdict;

/* connection: from the connection table, NULL for a frame without one (not
 * IP, or over the table's bound): such a frame can only match rules whose
 * criteria are protocols and filter, each frame on its own, and the first
 * such frame per rule counts as its first match.  packet: frame, time and
 * frame_length are always read; payload and payload_length when a
 * connection is given.  layer_ids: the frame's protocol ids, outermost first
 * (pinfo->layers).  matched_filter_rules: bit b set when the display filter
 * of the rule with filter_bit b matched this packet. */
triage_policy_verdict triage_policy_engine_add_packet(triage_policy_engine *engine,
                                                      const triage_connection *connection,
                                                      gboolean to_server,
                                                      const triage_flow_packet *packet,
                                                      const int *layer_ids, guint layer_count,
                                                      guint64 matched_filter_rules);

/* What the engine concluded about one connection, or about the frames
 * without connection for one rule. */
typedef struct triage_policy_outcome {
    int rule;                    /* the deciding rule, -1 when none */
    guint32 matched_packets;     /* packets that matched that rule */
    guint32 first_frame;         /* first and last of them */
    guint32 last_frame;
    triage_time first_time;
    triage_time last_time;
    guint64 matched_bytes;       /* frames without connection only: their
                                  * bytes (a connection's are in its record) */
    gboolean carried_payload;    /* any packet with transport payload */
    guint evidence;              /* triage_evidence the decision rests on */
    gboolean port_only;          /* needed confirmation and never got it */
    int application_protocol;    /* -1 when unknown (no payload seen) */
} triage_policy_outcome;

/* How many payload bytes the engine reads of a packet: what the glue must
 * hand in when the capture has them (TRIAGE_POLICY_STREAM_WINDOW with hosts
 * rules, TRIAGE_POLICY_PAYLOAD_WINDOW without). */
guint32 triage_policy_engine_payload_window(const triage_policy_engine *engine);

/* ---- Host names and DNS lookups -------------------------------------------
 *
 * With hosts rules, the engine reads the name a TCP connection's client
 * asks for from the bytes it sends first: a TLS ClientHello's SNI (joined
 * from up to 16 KB of segments in sequence order) or an HTTP/1.x request's
 * Host.  A rule's hosts criterion holds for the connection once that name
 * is on its list.  QUIC, an Encrypted ClientHello's inner name, and names
 * asked over DNS-over-HTTPS/TLS are not seen.
 *
 * Every DNS query to port 53 (UDP, or the first message over TCP) is read
 * too: a query for a listed name is a lookup finding of the first hosts
 * rule (by order) whose list has the name and whose "from:" peers hold for
 * the client (its other criteria are about traffic, not lookups).  An
 * allow rule there is an exception: no finding.  Lookups are aggregated
 * per (client, name, rule), have no connection, and are one severity
 * below their rule (note stays note). */
typedef struct triage_policy_lookup {
    guint rule;
    triage_address client;
    char name[TRIAGE_HOST_NAME_SIZE];
    guint32 queries;
    guint32 first_frame;
    guint32 last_frame;
    triage_time first_time;
    triage_time last_time;
    GArray *connections; /* guint32: the connections its queries came in, each once */
} triage_policy_lookup;

/* The name a connection's client asked for (TLS server name or HTTP Host)
 * when a hosts rule lists it; NULL otherwise. */
const char *triage_policy_engine_connection_host(const triage_policy_engine *engine, guint32 connection_index);

guint triage_policy_engine_lookup_count(const triage_policy_engine *engine);
const triage_policy_lookup *triage_policy_engine_lookup_at(const triage_policy_engine *engine, guint index);
/* The lookup a query frame counted for: its index + 1, or 0 when none.
 * *first_out (may be NULL) is TRUE for the lookup's first query. */
guint triage_policy_engine_frame_lookup(const triage_policy_engine *engine, guint32 frame, gboolean *first_out);
/* A lookup's severity: one below its rule's (note stays note). */
triage_severity triage_policy_lookup_severity(const triage_policy_rule *rule);
/* "The VM looked up NAME (listed by rule R; traffic to it: error)." and
 * the rule's message (g_free it). */
char *triage_policy_lookup_message(const triage_policy_rule *rule, const char *name);

/* FALSE when the engine holds nothing for this connection index. */
gboolean triage_policy_engine_connection_outcome(const triage_policy_engine *engine,
                                                 guint32 connection_index,
                                                 triage_policy_outcome *out);
/* TRUE when the rule has decided a connection or a frame at some point,
 * even if a lower-numbered rule took the connection over later: the rules
 * for which this is FALSE are the policy's silent ones. */
gboolean triage_policy_engine_rule_matched(const triage_policy_engine *engine, guint rule);
/* Frames without connection that rule decided (rule = -1 in out when none). */
void triage_policy_engine_connectionless_outcome(const triage_policy_engine *engine, guint rule,
                                                 triage_policy_outcome *out);

#endif
