/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy_engine.c — applies a compiled policy to packets, one connection at
 * a time.
 *
 * First match wins by rule order: a connection's decision is the lowest
 * numbered rule any of its packets has matched so far.  So a packet only
 * needs the rules up to the current decision, and once a connection is
 * decided by rule 0 it costs one rule per packet.  A rule can only become
 * the decision on its first matching packet (decisions only move down), so
 * the counters restart whenever the decision moves.
 *
 * Everything per packet is integer work on a fixed-size record indexed by
 * the connection's table index: no allocation after the array has grown, no
 * strings, no hashing.  That record is 16 bytes; what only some connections
 * need (a decision and its counters, a payload signature seen) lives in a
 * side record made on first need, and the application protocols of
 * allow-list mode in an array of their own.  What depends only on the connection (ports, peers)
 * is judged once, on its first packet, and kept as a bit per rule for the
 * first 64 rules; payload signatures are read once per direction, on the
 * first packet that carries payload, and also kept as bits.  For those 64
 * rules the packet-level criteria are masks too (which rules name a
 * protocol of this frame, which have no payload criterion, ...), so a
 * packet is judged by a few ANDs and a lowest-set-bit, whatever the number
 * of rules.
 *
 * Host names (hosts rules only): the name a TCP client asks for is read
 * from its first bytes (policy_hosts.c), once per connection, and kept as
 * a bit per hosts rule like the signatures; DNS queries become lookups.
 */
#include "policy_rule.h"

#include <string.h>

#include "policy_hosts.h"
#include "protocol_masks.h"

enum {
    STATE_SEEN = 1 << 0,              /* the record has been set up */
    STATE_CLIENT_INTERNAL = 1 << 1,
    STATE_SERVER_INTERNAL = 1 << 2,
    STATE_PAYLOAD_TO_SERVER = 1 << 3, /* first payload of this direction read */
    STATE_PAYLOAD_TO_CLIENT = 1 << 4,
    STATE_HAS_APPLICATION = 1 << 5,
    STATE_APPLICATION_FINAL = 1 << 6, /* found above the carriers: stop looking */
    STATE_HOST_DONE = 1 << 7,         /* the client's name is known, or cannot be */
};

const char *const triage_policy_carrier_protocols[] = {
    /* frames, links and tunnels */
    "frame", "eth", "ethertype", "vlan", "ieee8021ad", "llc", "sll", "null", "loop", "raw", "ppp", "pppoes",
    "mpls", "gre", "vxlan", "geneve", "erspan",
    /* network and transport */
    "ip", "ipv6", "udp", "tcp", "sctp",
    /* payload Wireshark did not name, and its own markers */
    "data", "data-text-lines", "media", "triage", "_ws.malformed", "_ws.short", "_ws.unreassembled",
    /* encodings inside an application protocol (tls:x509ce, http:json) */
    "ber", "per", "json", "xml", "bencode", "x509af", "x509ce", "x509if", "x509sat", "pkix1explicit",
    "pkix1implicit", "pkcs-1", "cms",
    NULL,
};

/* A rule's peers with many single addresses (an "@file" list of relays):
 * those addresses in hash sets by side and negation, the other conditions
 * (networks, "internal") in a list, so a connection costs a lookup, not a
 * comparison per entry. */
typedef struct peer_index {
    GHashTable *exact[2][2]; /* [side][negated]: triage_address -> itself, NULL when none */
    triage_peer_condition *others;
    guint other_count;
} peer_index;

/* Below this many conditions a scan is as cheap as a lookup. */
#define PEER_INDEX_MIN_CONDITIONS 16

/* The rules whose connection-level criteria are judged once per connection
 * (one bit each in connection_state.connection_matches); later rules are
 * judged per packet. */
#define CACHED_RULES 64

/* 16 bytes per connection: what every packet of it needs. */
typedef struct connection_state {
    guint64 connection_matches; /* bit r: rule r's ports and peers hold (r < CACHED_RULES) */
    guint32 details_plus_one;   /* its connection_details + 1; 0 = none (zeroed memory) */
    guint8 flags;
} connection_state;

/* What only some connections need, made on first need. */
typedef struct connection_details {
    guint64 signatures_seen; /* bit b: payload rule b matched a first payload */
    guint64 hosts_matched;   /* bit b: hosts rule b lists the client's name */
    triage_time first_time;  /* first and last packet that matched the decision */
    triage_time last_time;
    guint32 first_frame;
    guint32 last_frame;
    guint32 matched_packets;
    guint32 rule_plus_one;   /* the deciding rule + 1; 0 = undecided */
    /* The decision's evidence, once no later packet can change it: at once
     * for most rules; for a rule that needs confirmation, when its family's
     * content rule confirmed it or the first payload of each direction was
     * read without that (port_only).  All zero while provisional. */
    guint8 settled;
    guint8 port_only;
    guint8 evidence;
    guint8 expert_raised;    /* the decision's expert info has its packet */
} connection_details;

struct triage_policy_engine {
    const triage_policy *policy;
    const triage_compiled_rule **rules; /* the policy's, in order: no call per rule */
    guint rule_count;
    gboolean allowlist;
    triage_network *internal;
    guint internal_count;
    int *carriers;
    guint carrier_count;
    guint32 max_connections;
    guint *payload_rules; /* indexes of rules with a payload criterion */
    guint payload_rule_count;
    /* Masks over the cached rules (bit r = rule r < CACHED_RULES). */
    guint64 cached;               /* every cached rule */
    guint64 without_protocols;    /* no protocols criterion: any frame will do */
    guint64 without_payload;
    guint64 without_filter;
    guint64 without_hosts;
    guint64 without_connection;   /* no ports, peers or payload */
    triage_protocol_masks *rules_by_protocol; /* protocol id -> rules naming it */
    triage_protocol_masks *carrier_set;       /* protocol id -> 1 for carriers */
    guint rule_of_payload_bit[TRIAGE_POLICY_MAX_PAYLOAD_RULES];
    guint rule_of_filter_bit[TRIAGE_POLICY_MAX_FILTER_RULES];
    guint rule_of_host_bit[TRIAGE_POLICY_MAX_HOST_RULES];
    guint host_rule_count;
    triage_policy_hosts *hosts;           /* name reading and lookups, NULL without hosts rules */
    GArray *states;                       /* connection_state by connection index */
    GArray *details;                      /* connection_details, by details_plus_one - 1 */
    GArray *applications;                 /* allow-list mode: gint32 protocol id by connection index */
    gboolean *rule_matched;               /* one per rule: has decided something */
    gboolean *needs_confirmation;         /* one per rule (policy.h) */
    peer_index **peer_indexes;            /* one per rule, NULL for short peers lists */
    GArray **confirmers;                  /* per rule needing it: its family's content rules (guint) */
    triage_policy_outcome *connectionless; /* one per rule */
};

/* The per-packet criteria of the cached rules as masks, and the carriers as
 * a set: what lets a packet be judged without a loop over rules. */
static void build_rule_masks(triage_policy_engine *engine)
{
    engine->rules_by_protocol = triage_protocol_masks_new();
    engine->carrier_set = triage_protocol_masks_new();
    for (guint i = 0; i < engine->carrier_count; i++)
        triage_protocol_masks_add(engine->carrier_set, engine->carriers[i], 1);
    for (guint r = 0; r < engine->rule_count; r++) {
        const triage_compiled_rule *rule = engine->rules[r];
        if (rule->payload_bit >= 0 && rule->payload_bit < TRIAGE_POLICY_MAX_PAYLOAD_RULES)
            engine->rule_of_payload_bit[rule->payload_bit] = r;
        if (rule->info.filter_bit >= 0 && rule->info.filter_bit < TRIAGE_POLICY_MAX_FILTER_RULES)
            engine->rule_of_filter_bit[rule->info.filter_bit] = r;
        if (rule->host_bit >= 0 && rule->host_bit < TRIAGE_POLICY_MAX_HOST_RULES)
            engine->rule_of_host_bit[rule->host_bit] = r;
        if (r >= CACHED_RULES)
            continue;
        guint64 bit = G_GUINT64_CONSTANT(1) << r;
        engine->cached |= bit;
        if (rule->protocol_count == 0)
            engine->without_protocols |= bit;
        for (guint p = 0; p < rule->protocol_count; p++)
            triage_protocol_masks_add(engine->rules_by_protocol, rule->protocol_ids[p], bit);
        if (rule->payload_bit < 0)
            engine->without_payload |= bit;
        if (rule->info.filter_bit < 0)
            engine->without_filter |= bit;
        if (rule->host_bit < 0)
            engine->without_hosts |= bit;
        if (rule->port_count == 0 && rule->peer_count == 0 && rule->payload_bit < 0 && rule->host_bit < 0)
            engine->without_connection |= bit;
    }
}

static guint address_hash(gconstpointer key)
{
    const triage_address *address = key;
    guint hash = address->family;
    for (guint i = 0; i < sizeof address->bytes; i++)
        hash = hash * 31 + address->bytes[i];
    return hash;
}

static gboolean address_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(triage_address)) == 0;
}

static peer_index *peer_index_new(const triage_compiled_rule *rule)
{
    peer_index *index = g_new0(peer_index, 1);
    index->others = g_new0(triage_peer_condition, rule->peer_count);
    for (guint i = 0; i < rule->peer_count; i++) {
        const triage_peer_condition *condition = &rule->peers[i];
        guint bits = condition->network.address.family == 4 ? 32 : 128;
        if (condition->internal || condition->network.prefix_length != bits) {
            index->others[index->other_count++] = *condition;
            continue;
        }
        GHashTable **set = &index->exact[condition->side][condition->negated ? 1 : 0];
        if (*set == NULL)
            *set = g_hash_table_new(address_hash, address_equal);
        g_hash_table_add(*set, (gpointer)&condition->network.address); /* the policy outlives the engine */
    }
    return index;
}

static void peer_index_free(peer_index *index)
{
    if (index == NULL)
        return;
    for (int side = 0; side < 2; side++) {
        for (int negated = 0; negated < 2; negated++) {
            if (index->exact[side][negated] != NULL)
                g_hash_table_destroy(index->exact[side][negated]);
        }
    }
    g_free(index->others);
    g_free(index);
}

/* For each rule that needs confirmation, the rules of its family whose
 * content (payload, a listed address) can give it. */
static void find_confirmers(triage_policy_engine *engine)
{
    engine->needs_confirmation = g_new0(gboolean, engine->rule_count + 1);
    engine->confirmers = g_new0(GArray *, engine->rule_count + 1);
    for (guint r = 0; r < engine->rule_count; r++) {
        if (!triage_policy_rule_needs_confirmation(engine->policy, r))
            continue;
        engine->needs_confirmation[r] = TRUE;
        engine->confirmers[r] = g_array_new(FALSE, FALSE, sizeof(guint));
        const char *family = engine->rules[r]->info.family;
        for (guint t = 0; t < engine->rule_count; t++) {
            const triage_policy_rule *twin = &engine->rules[t]->info;
            if (twin->family != NULL && strcmp(twin->family, family) == 0 &&
                (twin->evidence & TRIAGE_EVIDENCE_CONTENT) != 0)
                g_array_append_val(engine->confirmers[r], t);
        }
    }
}

triage_policy_engine *triage_policy_engine_new(const triage_policy *policy, gboolean allowlist,
                                               const triage_network *internal, guint internal_count,
                                               const int *carrier_protocol_ids, guint carrier_count,
                                               guint32 max_connections)
{
    g_return_val_if_fail(policy != NULL, NULL);
    triage_policy_engine *engine = g_new0(triage_policy_engine, 1);
    engine->policy = policy;
    engine->rule_count = triage_policy_rule_count(policy);
    engine->rules = g_new0(const triage_compiled_rule *, engine->rule_count + 1);
    for (guint i = 0; i < engine->rule_count; i++)
        engine->rules[i] = triage_policy_compiled_rule(policy, i);
    engine->allowlist = allowlist;
    engine->internal = g_memdup2(internal, (gsize)internal_count * sizeof *internal);
    engine->internal_count = internal != NULL ? internal_count : 0;
    engine->carriers = g_memdup2(carrier_protocol_ids, (gsize)carrier_count * sizeof(int));
    engine->carrier_count = carrier_protocol_ids != NULL ? carrier_count : 0;
    engine->max_connections = max_connections;
    engine->payload_rules = g_new0(guint, engine->rule_count + 1);
    for (guint i = 0; i < engine->rule_count; i++) {
        if (engine->rules[i]->payload_bit >= 0)
            engine->payload_rules[engine->payload_rule_count++] = i;
    }
    engine->peer_indexes = g_new0(peer_index *, engine->rule_count + 1);
    for (guint r = 0; r < engine->rule_count; r++) {
        if (engine->rules[r]->peer_count >= PEER_INDEX_MIN_CONDITIONS)
            engine->peer_indexes[r] = peer_index_new(engine->rules[r]);
    }
    build_rule_masks(engine);
    find_confirmers(engine);
    engine->host_rule_count = triage_policy_host_rule_count(policy);
    if (engine->host_rule_count > 0)
        engine->hosts = triage_policy_hosts_new(engine->rules, engine->rule_count);
    engine->states = g_array_new(FALSE, TRUE, sizeof(connection_state));
    engine->details = g_array_new(FALSE, TRUE, sizeof(connection_details));
    /* Every connection's application protocol: the allow-list judges it and
     * the destinations report's protocol overview counts it. */
    engine->applications = g_array_new(FALSE, TRUE, sizeof(gint32));
    engine->connectionless = g_new0(triage_policy_outcome, engine->rule_count + 1);
    engine->rule_matched = g_new0(gboolean, engine->rule_count + 1);
    triage_policy_engine_reset(engine);
    return engine;
}

void triage_policy_engine_free(triage_policy_engine *engine)
{
    if (engine == NULL)
        return;
    g_array_free(engine->states, TRUE);
    g_array_free(engine->details, TRUE);
    if (engine->applications != NULL)
        g_array_free(engine->applications, TRUE);
    g_free(engine->connectionless);
    g_free(engine->rule_matched);
    for (guint r = 0; r < engine->rule_count; r++) {
        if (engine->confirmers[r] != NULL)
            g_array_free(engine->confirmers[r], TRUE);
    }
    g_free(engine->confirmers);
    for (guint r = 0; r < engine->rule_count; r++)
        peer_index_free(engine->peer_indexes[r]);
    g_free(engine->peer_indexes);
    g_free(engine->needs_confirmation);
    g_free(engine->payload_rules);
    triage_policy_hosts_free(engine->hosts);
    triage_protocol_masks_free(engine->rules_by_protocol);
    triage_protocol_masks_free(engine->carrier_set);
    g_free(engine->rules);
    g_free(engine->carriers);
    g_free(engine->internal);
    g_free(engine);
}

void triage_policy_engine_reset(triage_policy_engine *engine)
{
    g_array_set_size(engine->states, 0);
    g_array_set_size(engine->details, 0);
    if (engine->applications != NULL)
        g_array_set_size(engine->applications, 0);
    if (engine->hosts != NULL)
        triage_policy_hosts_reset(engine->hosts);
    for (guint i = 0; i < engine->rule_count; i++) {
        memset(&engine->connectionless[i], 0, sizeof engine->connectionless[i]);
        engine->connectionless[i].rule = -1;
        engine->connectionless[i].application_protocol = -1;
        engine->rule_matched[i] = FALSE;
    }
}

const triage_policy *triage_policy_engine_policy(const triage_policy_engine *engine)
{
    return engine->policy;
}

gboolean triage_policy_engine_allowlist(const triage_policy_engine *engine)
{
    return engine->allowlist;
}

/* ---- Per-connection records ------------------------------------------------ */

/* ---- Matching -------------------------------------------------------------- */

static gboolean frame_has_protocol(const triage_compiled_rule *rule, const int *layer_ids, guint layer_count)
{
    for (guint l = 0; l < layer_count; l++) {
        for (guint p = 0; p < rule->protocol_count; p++) {
            if (layer_ids[l] == rule->protocol_ids[p])
                return TRUE;
        }
    }
    return FALSE;
}

static gboolean peer_is_inside(const triage_peer_condition *condition, const connection_state *state,
                               const triage_connection *connection)
{
    gboolean from = condition->side == TRIAGE_PEER_FROM;
    if (condition->internal)
        return (state->flags & (from ? STATE_CLIENT_INTERNAL : STATE_SERVER_INTERNAL)) != 0;
    return triage_address_in_networks(from ? &connection->client : &connection->server, &condition->network, 1);
}

/* Per side, the plain networks are alternatives and the negated ones are
 * all excluded: "from:10.0.0.0/8 from:192.168.0.0/16 from:!10.9.0.0/16".
 * With a peer index, the single addresses are looked up, not scanned. */
static gboolean peers_match(const triage_policy_engine *engine, guint r, const triage_compiled_rule *rule,
                            const connection_state *state, const triage_connection *connection)
{
    gboolean wanted[2] = {FALSE, FALSE};
    gboolean found[2] = {FALSE, FALSE};
    const peer_index *index = engine->peer_indexes[r];
    const triage_peer_condition *conditions = rule->peers;
    guint count = rule->peer_count;
    if (index != NULL) {
        for (int side = TRIAGE_PEER_FROM; side <= TRIAGE_PEER_TO; side++) {
            const triage_address *address = side == TRIAGE_PEER_FROM ? &connection->client : &connection->server;
            if (index->exact[side][1] != NULL && g_hash_table_contains(index->exact[side][1], address))
                return FALSE;
            if (index->exact[side][0] != NULL) {
                wanted[side] = TRUE;
                found[side] = g_hash_table_contains(index->exact[side][0], address);
            }
        }
        conditions = index->others;
        count = index->other_count;
    }
    for (guint i = 0; i < count; i++) {
        const triage_peer_condition *condition = &conditions[i];
        gboolean inside = peer_is_inside(condition, state, connection);
        if (condition->negated) {
            if (inside)
                return FALSE;
        } else {
            wanted[condition->side] = TRUE;
            found[condition->side] |= inside;
        }
    }
    return (!wanted[TRIAGE_PEER_FROM] || found[TRIAGE_PEER_FROM]) &&
           (!wanted[TRIAGE_PEER_TO] || found[TRIAGE_PEER_TO]);
}

/* The criteria that depend on the connection only: the same answer for
 * every packet of it. */
static gboolean connection_criteria_hold(const triage_policy_engine *engine, guint r, const connection_state *state,
                                         const triage_connection *connection)
{
    const triage_compiled_rule *rule = engine->rules[r];
    if (rule->port_count > 0 && !triage_rule_port_matches(rule, connection->transport, connection->server_port))
        return FALSE;
    return rule->peer_count == 0 || peers_match(engine, r, rule, state, connection);
}

/* The criteria that differ from packet to packet (or, for the payload,
 * from the first payload of a direction on). */
static gboolean packet_criteria_hold(const triage_compiled_rule *rule, guint64 signatures_seen, guint64 hosts_matched,
                                     const int *layer_ids, guint layer_count, guint64 matched_filter_rules)
{
    if (rule->host_bit >= 0 && !(hosts_matched & (G_GUINT64_CONSTANT(1) << rule->host_bit)))
        return FALSE;
    if (rule->info.filter_bit >= 0 && !(matched_filter_rules & (G_GUINT64_CONSTANT(1) << rule->info.filter_bit)))
        return FALSE;
    if (rule->payload_bit >= 0 && !(signatures_seen & (G_GUINT64_CONSTANT(1) << rule->payload_bit)))
        return FALSE;
    return rule->protocol_count == 0 || frame_has_protocol(rule, layer_ids, layer_count);
}

static gboolean needs_connection(const triage_compiled_rule *rule)
{
    return rule->port_count > 0 || rule->peer_count > 0 || rule->payload_bit >= 0 || rule->host_bit >= 0;
}

/* ---- Per-connection records ------------------------------------------------ */

static void set_up_state(const triage_policy_engine *engine, connection_state *state,
                         const triage_connection *connection)
{
    /* Who is internal never changes: decide it once, not per packet. */
    state->flags = STATE_SEEN;
    if (triage_address_in_networks(&connection->client, engine->internal, engine->internal_count))
        state->flags |= STATE_CLIENT_INTERNAL;
    if (triage_address_in_networks(&connection->server, engine->internal, engine->internal_count))
        state->flags |= STATE_SERVER_INTERNAL;
    for (guint r = 0; r < engine->rule_count && r < CACHED_RULES; r++) {
        if (connection_criteria_hold(engine, r, state, connection))
            state->connection_matches |= G_GUINT64_CONSTANT(1) << r;
    }
}

static connection_state *state_for(triage_policy_engine *engine, const triage_connection *connection)
{
    guint32 index = connection->index;
    if (engine->max_connections != 0 && index >= engine->max_connections)
        return NULL;
    if (index >= engine->states->len) {
        /* GArray grows its allocation geometrically; only the records in
         * use are zeroed, so memory follows the connections. */
        g_array_set_size(engine->states, index + 1);
        if (engine->applications != NULL)
            g_array_set_size(engine->applications, index + 1);
    }
    connection_state *state = &g_array_index(engine->states, connection_state, index);
    if (!(state->flags & STATE_SEEN))
        set_up_state(engine, state, connection);
    return state;
}

static connection_details *details_of(const triage_policy_engine *engine, const connection_state *state)
{
    if (state->details_plus_one == 0)
        return NULL;
    return &g_array_index(engine->details, connection_details, state->details_plus_one - 1);
}

/* The connection's details, made now if it has none.  The pointer is good
 * until the next call that makes details. */
static connection_details *details_for(triage_policy_engine *engine, connection_state *state)
{
    if (state->details_plus_one == 0) {
        g_array_set_size(engine->details, engine->details->len + 1); /* zeroed */
        state->details_plus_one = engine->details->len;
    }
    return details_of(engine, state);
}

static guint64 signatures_of(const triage_policy_engine *engine, const connection_state *state)
{
    const connection_details *details = details_of(engine, state);
    return details != NULL ? details->signatures_seen : 0;
}

/* ---- Payload and application ---------------------------------------------- */

static gboolean signature_found(const triage_payload_signature *signature, const guint8 *payload,
                                guint32 payload_length)
{
    guint32 window = MIN(payload_length, (guint32)TRIAGE_POLICY_PAYLOAD_WINDOW);
    if (signature->length > window)
        return FALSE;
    if (!signature->anywhere)
        return memcmp(payload, signature->bytes, signature->length) == 0;
    guint32 last_start = window - signature->length;
    for (guint32 start = 0; start <= last_start;) {
        const guint8 *hit = memchr(payload + start, signature->bytes[0], last_start - start + 1);
        if (hit == NULL)
            return FALSE;
        if (memcmp(hit, signature->bytes, signature->length) == 0)
            return TRUE;
        start = (guint32)(hit - payload) + 1;
    }
    return FALSE;
}

static void read_first_payload(triage_policy_engine *engine, connection_state *state,
                               const triage_flow_packet *packet)
{
    guint64 seen = signatures_of(engine, state), found = 0;
    if (packet->payload == NULL)
        return;
    for (guint i = 0; i < engine->payload_rule_count; i++) {
        const triage_compiled_rule *rule = engine->rules[engine->payload_rules[i]];
        guint64 bit = G_GUINT64_CONSTANT(1) << rule->payload_bit;
        if (seen & bit)
            continue;
        for (guint s = 0; s < rule->signature_count; s++) {
            if (signature_found(&rule->signatures[s], packet->payload, packet->payload_length)) {
                found |= bit;
                break;
            }
        }
    }
    /* Most connections match no signature and never get details. */
    if (found != 0)
        details_for(engine, state)->signatures_seen |= found;
}

static gboolean is_carrier(const triage_policy_engine *engine, int protocol)
{
    return triage_protocol_masks_get(engine->carrier_set, protocol) != 0;
}

/* The application protocol is the highest layer that is not a carrier.  A
 * payload with only carriers (eth:ip:udp:data) keeps its top layer as a
 * stand-in until a later packet names something better. */
static void note_application(const triage_policy_engine *engine, connection_state *state, guint32 index,
                             const int *layer_ids, guint layer_count)
{
    gint32 *application = &g_array_index(engine->applications, gint32, index);
    for (guint i = layer_count; i-- > 0;) {
        if (!is_carrier(engine, layer_ids[i])) {
            *application = layer_ids[i];
            state->flags |= STATE_HAS_APPLICATION | STATE_APPLICATION_FINAL;
            return;
        }
    }
    if (!(state->flags & STATE_HAS_APPLICATION) && layer_count > 0) {
        *application = layer_ids[layer_count - 1];
        state->flags |= STATE_HAS_APPLICATION;
    }
}

static void note_payload(triage_policy_engine *engine, connection_state *state, guint32 index, gboolean to_server,
                         const triage_flow_packet *packet, const int *layer_ids, guint layer_count)
{
    guint8 direction = to_server ? STATE_PAYLOAD_TO_SERVER : STATE_PAYLOAD_TO_CLIENT;
    if (!(state->flags & direction)) {
        state->flags |= direction;
        read_first_payload(engine, state, packet);
    }
    if (!(state->flags & STATE_APPLICATION_FINAL))
        note_application(engine, state, index, layer_ids, layer_count);
}

static void count_match(triage_policy_outcome *outcome, const triage_flow_packet *packet)
{
    if (outcome->matched_packets == 0) {
        outcome->first_frame = packet->frame;
        outcome->first_time = packet->time;
    }
    outcome->matched_packets++;
    outcome->matched_bytes += packet->frame_length;
    outcome->last_frame = packet->frame;
    outcome->last_time = packet->time;
}

/* ---- Evidence ------------------------------------------------------------- */

/* The content evidence of the family rules that confirm this rule on this
 * connection so far: their ports and peers hold and their signature (if
 * they have one) was seen.  Their protocols and filter are not asked for:
 * what confirms is the content, and a label is what needs confirming.  A
 * rule that confirms a finding has matched: it is not a silent rule. */
static guint confirming_evidence(triage_policy_engine *engine, const connection_state *state,
                                 const triage_connection *connection, guint rule, guint64 signatures,
                                 guint64 hosts)
{
    const GArray *twins = engine->confirmers[rule];
    guint evidence = 0;
    for (guint i = 0; i < twins->len; i++) {
        guint t = g_array_index(twins, guint, i);
        const triage_compiled_rule *twin = engine->rules[t];
        gboolean holds = t < CACHED_RULES ? ((state->connection_matches >> t) & 1) != 0
                                          : connection_criteria_hold(engine, t, state, connection);
        if (!holds)
            continue;
        if (twin->payload_bit >= 0 && !(signatures & (G_GUINT64_CONSTANT(1) << twin->payload_bit)))
            continue;
        if (twin->host_bit >= 0 && !(hosts & (G_GUINT64_CONSTANT(1) << twin->host_bit)))
            continue;
        evidence |= twin->info.evidence & TRIAGE_EVIDENCE_CONTENT;
        engine->rule_matched[t] = TRUE;
    }
    return evidence;
}

/* Settles the decision's evidence when nothing later can change it. */
static void settle(triage_policy_engine *engine, const connection_state *state,
                   const triage_connection *connection, connection_details *details)
{
    guint rule = details->rule_plus_one - 1;
    guint evidence = engine->rules[rule]->info.evidence;
    if (details->settled)
        return;
    if (engine->needs_confirmation[rule]) {
        guint confirmed = confirming_evidence(engine, state, connection, rule, details->signatures_seen,
                                              details->hosts_matched);
        if (confirmed == 0) {
            /* Signatures are read in the first payload of each direction
             * only: once both were read, nothing can confirm any more, but
             * the client's name may still be arriving (a ClientHello in
             * several segments). */
            if ((state->flags & (STATE_PAYLOAD_TO_SERVER | STATE_PAYLOAD_TO_CLIENT)) !=
                (STATE_PAYLOAD_TO_SERVER | STATE_PAYLOAD_TO_CLIENT))
                return;
            if (engine->hosts != NULL && !(state->flags & STATE_HOST_DONE))
                return;
            details->port_only = TRUE;
        }
        evidence |= confirmed;
    }
    details->settled = TRUE;
    details->evidence = (guint8)evidence;
}

static triage_policy_verdict verdict_for(const triage_policy_engine *engine, guint rule, connection_details *details)
{
    triage_policy_verdict verdict = {(int)rule, engine->rules[rule]->info.action == TRIAGE_POLICY_ALERT,
                                     FALSE, !details->settled, details->port_only,
                                     details->settled ? details->evidence : engine->rules[rule]->info.evidence};
    if (details->settled && !details->expert_raised) {
        details->expert_raised = TRUE;
        verdict.raise_expert = TRUE;
    }
    return verdict;
}

/* Frames without connection: nothing can confirm a rule, so one that needs
 * confirmation rests on the label alone. */
static triage_policy_verdict connectionless_verdict_for(const triage_policy_engine *engine, guint rule,
                                                        guint32 matched_packets)
{
    triage_policy_verdict verdict = {(int)rule, engine->rules[rule]->info.action == TRIAGE_POLICY_ALERT,
                                     matched_packets == 1, FALSE, engine->needs_confirmation[rule],
                                     engine->rules[rule]->info.evidence};
    return verdict;
}

/* Frames without connection stand alone: each is judged by the first rule
 * it matches, and counted under that rule. */
/* ---- Judging a packet ------------------------------------------------------ */

static guint lowest_set_bit(guint64 mask)
{
#if defined(__GNUC__) || defined(__clang__)
    return (guint)__builtin_ctzll(mask);
#else
    guint bit = 0;
    while (!(mask & 1)) {
        mask >>= 1;
        bit++;
    }
    return bit;
#endif
}

/* The rules (bit r, r < number of rule bits) that a bit mask indexed by
 * payload or filter bit selects. */
static guint64 rules_of_bits(const guint *rule_of_bit, guint64 bits)
{
    guint64 rules = 0;
    while (bits) {
        guint rule = rule_of_bit[lowest_set_bit(bits)];
        if (rule < CACHED_RULES)
            rules |= G_GUINT64_CONSTANT(1) << rule;
        bits &= bits - 1;
    }
    return rules;
}

/* The cached rules whose packet-level criteria this packet meets: what
 * packet_criteria_hold answers, for 64 rules at once. */
static guint64 cached_rules_for_packet(const triage_policy_engine *engine, guint64 signatures_seen,
                                       guint64 hosts_matched, const int *layer_ids, guint layer_count,
                                       guint64 matched_filter_rules)
{
    guint64 rules = engine->cached;
    rules &= engine->without_protocols | triage_protocol_masks_of_layers(engine->rules_by_protocol, layer_ids,
                                                                          layer_count);
    if (rules == 0)
        return 0;
    rules &= engine->without_payload | rules_of_bits(engine->rule_of_payload_bit, signatures_seen);
    rules &= engine->without_filter | rules_of_bits(engine->rule_of_filter_bit, matched_filter_rules);
    if (engine->hosts != NULL)
        rules &= engine->without_hosts | rules_of_bits(engine->rule_of_host_bit, hosts_matched);
    return rules;
}

/* The cached rules numbered up to last. */
static guint64 rules_up_to(guint last)
{
    return last >= CACHED_RULES - 1 ? G_MAXUINT64 : (G_GUINT64_CONSTANT(2) << last) - 1;
}

/* Frames without connection stand alone: each is judged by the first rule
 * it matches, and counted under that rule. */
static triage_policy_verdict judge_connectionless(triage_policy_engine *engine, const triage_flow_packet *packet,
                                                  const int *layer_ids, guint layer_count,
                                                  guint64 matched_filter_rules)
{
    triage_policy_verdict none = {-1, FALSE, FALSE};
    guint64 candidates = engine->without_connection &
                         cached_rules_for_packet(engine, 0, 0, layer_ids, layer_count, matched_filter_rules);
    guint matched = engine->rule_count;
    if (candidates != 0) {
        matched = lowest_set_bit(candidates);
    } else {
        for (guint r = CACHED_RULES; r < engine->rule_count; r++) {
            const triage_compiled_rule *rule = engine->rules[r];
            if (!needs_connection(rule) &&
                packet_criteria_hold(rule, 0, 0, layer_ids, layer_count, matched_filter_rules)) {
                matched = r;
                break;
            }
        }
    }
    if (matched == engine->rule_count)
        return none;
    triage_policy_outcome *outcome = &engine->connectionless[matched];
    outcome->rule = (int)matched;
    engine->rule_matched[matched] = TRUE;
    outcome->evidence = engine->rules[matched]->info.evidence;
    outcome->port_only = engine->needs_confirmation[matched];
    count_match(outcome, packet);
    return connectionless_verdict_for(engine, matched, outcome->matched_packets);
}

static triage_policy_verdict triage_policy_engine_judge(triage_policy_engine *engine, connection_state *state,
                                                        const triage_connection *connection,
                                                        const triage_flow_packet *packet, const int *layer_ids,
                                                        guint layer_count, guint64 matched_filter_rules);

triage_policy_verdict triage_policy_engine_add_packet(triage_policy_engine *engine,
                                                      const triage_connection *connection,
                                                      gboolean to_server,
                                                      const triage_flow_packet *packet,
                                                      const int *layer_ids, guint layer_count,
                                                      guint64 matched_filter_rules)
{
    connection_state *state = connection != NULL ? state_for(engine, connection) : NULL;
    if (state == NULL)
        return judge_connectionless(engine, packet, layer_ids, layer_count, matched_filter_rules);

    guint lookup_plus_one = 0;
    gboolean lookup_first = FALSE;
    if (packet->payload_length > 0) {
        note_payload(engine, state, connection->index, to_server, packet, layer_ids, layer_count);
        if (engine->hosts != NULL && to_server && !(state->flags & STATE_HOST_DONE)) {
            guint64 hosts = 0;
            triage_policy_hosts_step step = triage_policy_hosts_read(
                engine->hosts, connection, (state->flags & STATE_CLIENT_INTERNAL) != 0, packet, &hosts,
                &lookup_plus_one, &lookup_first);
            if (step == TRIAGE_POLICY_HOSTS_DONE)
                state->flags |= STATE_HOST_DONE;
            if (hosts != 0)
                details_for(engine, state)->hosts_matched |= hosts;
            if (lookup_plus_one != 0)
                engine->rule_matched[triage_policy_engine_lookup_at(engine, lookup_plus_one - 1)->rule] = TRUE;
        }
    }
    triage_policy_verdict verdict = triage_policy_engine_judge(engine, state, connection, packet, layer_ids,
                                                               layer_count, matched_filter_rules);
    verdict.lookup_plus_one = lookup_plus_one;
    verdict.lookup_raise_expert = lookup_first;
    return verdict;
}

/* The connection's decision after this packet. */
static triage_policy_verdict triage_policy_engine_judge(triage_policy_engine *engine, connection_state *state,
                                                        const triage_connection *connection,
                                                        const triage_flow_packet *packet, const int *layer_ids,
                                                        guint layer_count, guint64 matched_filter_rules)
{
    triage_policy_verdict none = {-1, FALSE, FALSE};
    /* Only rules up to the current decision can change or confirm it. */
    const connection_details *known = details_of(engine, state);
    guint64 signatures = known != NULL ? known->signatures_seen : 0;
    guint64 hosts = known != NULL ? known->hosts_matched : 0;
    guint last = known != NULL && known->rule_plus_one != 0 ? known->rule_plus_one - 1 : engine->rule_count;
    guint matched = engine->rule_count;
    guint64 candidates = state->connection_matches & rules_up_to(last) &
                         cached_rules_for_packet(engine, signatures, hosts, layer_ids, layer_count,
                                                 matched_filter_rules);
    if (candidates != 0) {
        matched = lowest_set_bit(candidates);
    } else {
        for (guint r = CACHED_RULES; r < engine->rule_count && r <= last; r++) {
            const triage_compiled_rule *rule = engine->rules[r];
            if (connection_criteria_hold(engine, r, state, connection) &&
                packet_criteria_hold(rule, signatures, hosts, layer_ids, layer_count, matched_filter_rules)) {
                matched = r;
                break;
            }
        }
    }
    if (matched == engine->rule_count) {
        /* This packet may still settle the decision (the first payload of
         * the other direction), and its expert info waits for the next
         * packet that matches. */
        if (known != NULL && known->rule_plus_one != 0 && !known->settled)
            settle(engine, state, connection, details_for(engine, state));
        return none;
    }

    connection_details *details = details_for(engine, state);
    if (matched + 1 != details->rule_plus_one) {
        details->rule_plus_one = matched + 1;
        details->matched_packets = 0;
        details->settled = FALSE;
        details->port_only = FALSE;
        details->evidence = 0;
        details->expert_raised = FALSE;
        engine->rule_matched[matched] = TRUE;
    }
    settle(engine, state, connection, details);
    if (details->matched_packets == 0) {
        details->first_frame = packet->frame;
        details->first_time = packet->time;
    }
    details->matched_packets++;
    details->last_frame = packet->frame;
    details->last_time = packet->time;
    return verdict_for(engine, matched, details);
}

/* ---- Results --------------------------------------------------------------- */

gboolean triage_policy_engine_connection_outcome(const triage_policy_engine *engine,
                                                 guint32 connection_index,
                                                 triage_policy_outcome *out)
{
    if (connection_index >= engine->states->len)
        return FALSE;
    const connection_state *state = &g_array_index(engine->states, connection_state, connection_index);
    if (!(state->flags & STATE_SEEN))
        return FALSE;
    const connection_details *details = details_of(engine, state);
    memset(out, 0, sizeof *out);
    out->rule = -1;
    if (details != NULL) {
        out->rule = (int)details->rule_plus_one - 1;
        out->matched_packets = details->matched_packets;
        out->first_frame = details->first_frame;
        out->last_frame = details->last_frame;
        out->first_time = details->first_time;
        out->last_time = details->last_time;
        if (details->rule_plus_one != 0) {
            /* Unsettled at the end: no confirmation came, so the decision
             * rests on the port or label alone. */
            guint rule = details->rule_plus_one - 1;
            out->evidence = details->settled ? details->evidence : engine->rules[rule]->info.evidence;
            out->port_only = details->settled ? details->port_only : engine->needs_confirmation[rule];
        }
    }
    out->carried_payload = (state->flags & (STATE_PAYLOAD_TO_SERVER | STATE_PAYLOAD_TO_CLIENT)) != 0;
    out->application_protocol = (state->flags & STATE_HAS_APPLICATION)
                                    ? g_array_index(engine->applications, gint32, connection_index)
                                    : -1;
    return TRUE;
}

gboolean triage_policy_engine_rule_matched(const triage_policy_engine *engine, guint rule)
{
    return rule < engine->rule_count && engine->rule_matched[rule];
}

void triage_policy_engine_connectionless_outcome(const triage_policy_engine *engine, guint rule,
                                                 triage_policy_outcome *out)
{
    if (rule < engine->rule_count) {
        *out = engine->connectionless[rule];
    } else {
        memset(out, 0, sizeof *out);
        out->rule = -1;
        out->application_protocol = -1;
    }
}

/* ---- Host names and lookups ---------------------------------------------------- */

guint32 triage_policy_engine_payload_window(const triage_policy_engine *engine)
{
    return engine->hosts != NULL ? TRIAGE_POLICY_STREAM_WINDOW : TRIAGE_POLICY_PAYLOAD_WINDOW;
}

const char *triage_policy_engine_connection_host(const triage_policy_engine *engine, guint32 connection_index)
{
    return engine->hosts != NULL ? triage_policy_hosts_connection_name(engine->hosts, connection_index) : NULL;
}

guint triage_policy_engine_lookup_count(const triage_policy_engine *engine)
{
    return engine->hosts != NULL ? triage_policy_hosts_lookup_count(engine->hosts) : 0;
}

const triage_policy_lookup *triage_policy_engine_lookup_at(const triage_policy_engine *engine, guint index)
{
    return engine->hosts != NULL ? triage_policy_hosts_lookup_at(engine->hosts, index) : NULL;
}

guint triage_policy_engine_frame_lookup(const triage_policy_engine *engine, guint32 frame, gboolean *first_out)
{
    if (first_out != NULL)
        *first_out = FALSE;
    return engine->hosts != NULL ? triage_policy_hosts_frame_lookup(engine->hosts, frame, first_out) : 0;
}
