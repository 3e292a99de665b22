/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scenarios_bulk.c — many connections: a realistic mix for report tests,
 * and streaming loads (million, bench, syn_flood) made on the fly so their
 * memory is bounded by the connections in flight.
 *
 * Bulk connections are decided by a hash of (seed, connection index), not by
 * a running random stream, so connection i is the same whatever is asked
 * about the others, and a planning pass can count outcomes cheaply.
 */
#include "scenario.h"

#include <string.h>

#include "capgen_random.h"
#include "connection_shape.h"

#define VM "10.0.0.2"
#define VM6 "2001:db8:10::2"
#define FIRST_EPHEMERAL_PORT 32768
#define EPHEMERAL_PORTS 28232 /* Linux: 32768-60999 */
#define CLIENT_POOL 256

static const guint16 service_ports[] = { 443, 80, 8443, 8080 };

/* ---- mixed ---------------------------------------------------------------- */

typedef struct mixed_server {
    const char *address;
    guint16 port;
    gint64 rtt_ns;
} mixed_server;

static const mixed_server mixed_servers[] = {
    { "192.0.2.10", 443, 23456789 },   { "198.51.100.20", 80, 87654321 },
    { "203.0.113.30", 41000, 5000123 }, { "192.0.2.11", 8443, 142345678 },
    { "2001:db8:1::10", 443, 33456789 }, { "2001:db8:2::20", 8443, 64321987 },
};

typedef struct mixed_builder {
    capgen_random random;
    GPtrArray *flows;
    guint16 next_outbound_port;
    guint16 next_inbound_port;
} mixed_builder;

static gint64 jittered(mixed_builder *builder, gint64 value)
{
    return value + capgen_random_range(&builder->random, -value / 20, value / 20);
}

static void random_shape(mixed_builder *builder, capgen_connection_shape *shape,
                         capgen_outcome outcome, capgen_ambiguity ambiguity, gint64 syn_synack_ns,
                         gint64 synack_ack_ns)
{
    memset(shape, 0, sizeof *shape);
    shape->outcome = outcome;
    shape->ambiguity = ambiguity;
    shape->syn_synack_ns = syn_synack_ns;
    shape->synack_ack_ns = synack_ack_ns;
    /* Small on purpose: the whole capture stays under 100 kB for the repo. */
    shape->tail_packets = (guint)capgen_random_range(&builder->random, 3, 4);
    shape->request_length = (guint)capgen_random_range(&builder->random, 40, 120);
    shape->response_length = (guint)capgen_random_range(&builder->random, 60, 200);
}

static gint64 mixed_start(mixed_builder *builder, gboolean at_capture_start)
{
    gint64 window = at_capture_start ? CAPGEN_MS(50) : CAPGEN_S(30);
    return CAPGEN_EPOCH_NS + capgen_random_range(&builder->random, 0, window);
}

/* The VM dials a server: captured at the client, the SYN leg is the path. */
static void add_outbound(mixed_builder *builder, capgen_outcome outcome,
                         capgen_ambiguity ambiguity, guint count)
{
    for (guint i = 0; i < count; i++) {
        const mixed_server *server =
            &mixed_servers[capgen_random_below(&builder->random, G_N_ELEMENTS(mixed_servers))];
        gboolean v6 = strchr(server->address, ':') != NULL;
        gboolean early = outcome == CAPGEN_OUTCOME_SYNACK_ONLY ||
                         outcome == CAPGEN_OUTCOME_NO_HANDSHAKE;
        capgen_flow *flow = capgen_flow_new(CAPGEN_FLOW_TCP, v6 ? VM6 : VM,
                                            builder->next_outbound_port++, server->address,
                                            server->port, mixed_start(builder, early));
        capgen_connection_shape shape;
        gint64 syn_synack = jittered(builder, server->rtt_ns);
        if (outcome == CAPGEN_OUTCOME_REFUSED)
            syn_synack = jittered(builder, CAPGEN_US(700));
        random_shape(builder, &shape, outcome, ambiguity, syn_synack,
                     capgen_random_range(&builder->random, CAPGEN_US(20), CAPGEN_US(200)));
        capgen_shape_script(flow, &shape);
        g_ptr_array_add(builder->flows, flow);
    }
}

/* Someone dials the VM's HTTPS server: captured at the server, the ACK
 * leg is the path. */
static void add_inbound(mixed_builder *builder, capgen_outcome outcome,
                        capgen_ambiguity ambiguity, guint count)
{
    for (guint i = 0; i < count; i++) {
        gboolean v6 = capgen_random_below(&builder->random, 10) < 3;
        guint host = (guint)capgen_random_range(&builder->random, 2, 250);
        char *client = v6 ? g_strdup_printf("2001:db8:77::%x", host)
                          : g_strdup_printf("203.0.113.%u", host);
        capgen_flow *flow = capgen_flow_new(CAPGEN_FLOW_TCP, client, builder->next_inbound_port++,
                                            v6 ? VM6 : VM, 443, mixed_start(builder, FALSE));
        g_free(client);
        capgen_connection_shape shape;
        random_shape(builder, &shape, outcome, ambiguity,
                     capgen_random_range(&builder->random, CAPGEN_US(30), CAPGEN_US(120)),
                     capgen_random_range(&builder->random, CAPGEN_MS(10), CAPGEN_MS(150)));
        capgen_shape_script(flow, &shape);
        g_ptr_array_add(builder->flows, flow);
    }
}

static void add_dns(mixed_builder *builder, guint count)
{
    for (guint i = 0; i < count; i++) {
        gboolean v6 = i % 4 == 3;
        capgen_flow *flow = capgen_flow_new(CAPGEN_FLOW_UDP, v6 ? VM6 : VM,
                                            builder->next_outbound_port++,
                                            v6 ? "2001:db8:1::53" : "192.0.2.53", 53,
                                            mixed_start(builder, FALSE));
        capgen_flow_add(flow, 0, CAPGEN_TO_SERVER, 0, 0);
        capgen_flow_add(flow, capgen_random_range(&builder->random, CAPGEN_MS(1), CAPGEN_MS(40)),
                        CAPGEN_TO_CLIENT, 0, 0);
        g_ptr_array_add(builder->flows, flow);
    }
}

gboolean capgen_plan_mixed(const capgen_options *options, capgen_plan *plan, char **error_out)
{
    (void)error_out;
    mixed_builder builder = { .flows = g_ptr_array_new(), .next_outbound_port = 40000,
                              .next_inbound_port = 50000 };
    capgen_random_init(&builder.random, options->seed ^ G_GUINT64_CONSTANT(0x6d69786564));
    add_outbound(&builder, CAPGEN_OUTCOME_COMPLETED, CAPGEN_AMBIGUOUS_NONE, 100);
    add_inbound(&builder, CAPGEN_OUTCOME_COMPLETED, CAPGEN_AMBIGUOUS_NONE, 20);
    add_outbound(&builder, CAPGEN_OUTCOME_COMPLETED, CAPGEN_AMBIGUOUS_SYN, 10);
    add_inbound(&builder, CAPGEN_OUTCOME_COMPLETED, CAPGEN_AMBIGUOUS_SYNACK, 6);
    add_outbound(&builder, CAPGEN_OUTCOME_COMPLETED, CAPGEN_AMBIGUOUS_BOTH, 2);
    add_outbound(&builder, CAPGEN_OUTCOME_REFUSED, CAPGEN_AMBIGUOUS_NONE, 15);
    add_outbound(&builder, CAPGEN_OUTCOME_UNANSWERED, CAPGEN_AMBIGUOUS_NONE, 10);
    add_inbound(&builder, CAPGEN_OUTCOME_INCOMPLETE, CAPGEN_AMBIGUOUS_NONE, 8);
    add_inbound(&builder, CAPGEN_OUTCOME_CLIENT_RESET, CAPGEN_AMBIGUOUS_NONE, 12);
    add_outbound(&builder, CAPGEN_OUTCOME_SYNACK_ONLY, CAPGEN_AMBIGUOUS_NONE, 5);
    add_outbound(&builder, CAPGEN_OUTCOME_NO_HANDSHAKE, CAPGEN_AMBIGUOUS_NONE, 6);
    add_dns(&builder, 20);
    capgen_plan_from_list(plan, builder.flows);
    return TRUE;
}

/* ---- streaming loads ---------------------------------------------------- */

/* Outcome shares in thousandths; the rest is clean and completed. */
typedef struct bulk_mix {
    guint syn_retransmitted;
    guint synack_retransmitted;
    guint refused;
    guint unanswered;
    guint incomplete;
    guint client_reset;
} bulk_mix;

typedef struct bulk_source {
    guint64 seed;
    guint64 connections;
    guint ipv6_percent;
    guint64 destinations;
    guint64 endpoints;      /* distinct server address:port pairs */
    guint64 stride;         /* coprime with connections: spreads i over endpoints */
    gint64 fixed_rtt_ns;    /* -1: per destination */
    gint64 interval_ns;     /* between connection starts */
    bulk_mix mix;
    guint extra_base;       /* tail packets every completed connection gets */
    guint64 extra_remainder; /* the first this many completed get one more */
    guint64 next_index;
    guint64 completed_so_far;
} bulk_source;

static void bulk_fate(const bulk_source *source, guint64 index, capgen_connection_shape *shape)
{
    memset(shape, 0, sizeof *shape);
    guint roll = (guint)(capgen_hash(source->seed, index) % 1000);
    const bulk_mix *mix = &source->mix;
    shape->outcome = CAPGEN_OUTCOME_COMPLETED;
    guint limit = mix->syn_retransmitted;
    if (roll < limit) {
        shape->ambiguity = CAPGEN_AMBIGUOUS_SYN;
    } else if (roll < (limit += mix->synack_retransmitted)) {
        shape->ambiguity = CAPGEN_AMBIGUOUS_SYNACK;
    } else if (roll < (limit += mix->refused)) {
        shape->outcome = CAPGEN_OUTCOME_REFUSED;
    } else if (roll < (limit += mix->unanswered)) {
        shape->outcome = CAPGEN_OUTCOME_UNANSWERED;
    } else if (roll < (limit += mix->incomplete)) {
        shape->outcome = CAPGEN_OUTCOME_INCOMPLETE;
    } else if (roll < (limit += mix->client_reset)) {
        shape->outcome = CAPGEN_OUTCOME_CLIENT_RESET;
    }
}

static void destination_address(const bulk_source *source, guint64 index, capgen_address *out)
{
    memset(out, 0, sizeof *out);
    gboolean v6 = capgen_hash(source->seed ^ 0x6436, index) % 100 < source->ipv6_percent;
    guint32 host = (guint32)index + 1;
    if (v6) {
        /* 2001:db8:ff::/48 */
        static const guint8 prefix[6] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0xff };
        out->version = 6;
        memcpy(out->bytes, prefix, sizeof prefix);
        out->bytes[12] = (guint8)(host >> 24);
        out->bytes[13] = (guint8)(host >> 16);
        out->bytes[14] = (guint8)(host >> 8);
        out->bytes[15] = (guint8)host;
    } else {
        /* 198.18.0.0/15, the benchmarking range (RFC 2544) */
        guint32 address = (198u << 24 | 18u << 16) + host;
        out->version = 4;
        out->bytes[0] = (guint8)(address >> 24);
        out->bytes[1] = (guint8)(address >> 16);
        out->bytes[2] = (guint8)(address >> 8);
        out->bytes[3] = (guint8)address;
    }
}

static void client_address(guint64 pool_index, guint version, capgen_address *out)
{
    memset(out, 0, sizeof *out);
    out->version = (guint8)version;
    if (version == 6) {
        /* fd00:1::/64, a ULA: internal */
        out->bytes[0] = 0xfd;
        out->bytes[3] = 1;
        out->bytes[15] = (guint8)(pool_index + 1);
        out->bytes[14] = (guint8)((pool_index + 1) >> 8);
    } else {
        out->bytes[0] = 10;
        out->bytes[1] = 1;
        out->bytes[2] = (guint8)(pool_index / 200);
        out->bytes[3] = (guint8)(pool_index % 200 + 1);
    }
}

static capgen_flow *bulk_next(gpointer state)
{
    bulk_source *source = state;
    if (source->next_index == source->connections)
        return NULL;
    guint64 i = source->next_index++;

    /* The server endpoint: every endpoint gets a connection, because i
     * times a stride coprime with the count visits every residue. */
    guint64 endpoint = (i * source->stride) % source->connections % source->endpoints;
    guint64 destination = endpoint % source->destinations;
    guint64 port_index =
        (capgen_hash(source->seed ^ 0x706f7274, destination) + endpoint / source->destinations) %
        G_N_ELEMENTS(service_ports);
    capgen_address server, client;
    destination_address(source, destination, &server);
    /* Client address and port from i: unique 4-tuples, so stream numbers are
     * one per connection (CLIENT_POOL x EPHEMERAL_PORTS tuples per family). */
    client_address(i % CLIENT_POOL, server.version, &client);
    guint16 client_port = (guint16)(FIRST_EPHEMERAL_PORT + (i / CLIENT_POOL) % EPHEMERAL_PORTS);

    gint64 start = CAPGEN_EPOCH_NS + (gint64)i * source->interval_ns +
                   (gint64)(capgen_hash(source->seed ^ 0x7374, i) % (guint64)source->interval_ns);
    capgen_flow *flow = capgen_flow_new_addresses(CAPGEN_FLOW_TCP, &client, client_port, &server,
                                                  service_ports[port_index], start);

    capgen_connection_shape shape;
    bulk_fate(source, i, &shape);
    guint64 noise = capgen_hash(source->seed ^ 0x727474, i);
    gint64 path_rtt = source->fixed_rtt_ns;
    if (path_rtt < 0) {
        /* 1-150 ms per destination, +-5 % per connection, to the nanosecond */
        gint64 base = CAPGEN_MS(1) +
                      (gint64)(capgen_hash(source->seed ^ 0x62617365, destination) % CAPGEN_MS(149));
        path_rtt = base + (gint64)(noise % (guint64)(base / 10)) - base / 20;
    }
    shape.syn_synack_ns = shape.outcome == CAPGEN_OUTCOME_REFUSED ? path_rtt / 2 : path_rtt;
    shape.synack_ack_ns = CAPGEN_US(20) + (gint64)((noise >> 20) % CAPGEN_US(180));
    shape.request_length = 100 + (guint)((noise >> 40) % 300);
    shape.response_length = 200 + (guint)((noise >> 50) % 800);
    if (shape.outcome == CAPGEN_OUTCOME_COMPLETED) {
        shape.tail_packets = source->extra_base +
                             (source->completed_so_far < source->extra_remainder ? 1 : 0);
        source->completed_so_far++;
    }
    capgen_shape_script(flow, &shape);
    return flow;
}

static guint64 gcd(guint64 a, guint64 b)
{
    while (b) {
        guint64 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Distributes the packet budget: failures have fixed sizes, completed
 * connections share the rest as evenly as integers allow, so the capture
 * has exactly the packets asked for. */
static gboolean bulk_budget(bulk_source *source, guint64 packets, char **error_out)
{
    guint64 fixed = 0, completed = 0;
    for (guint64 i = 0; i < source->connections; i++) {
        capgen_connection_shape shape;
        bulk_fate(source, i, &shape);
        fixed += capgen_shape_fixed_packets(&shape);
        completed += shape.outcome == CAPGEN_OUTCOME_COMPLETED;
    }
    if (packets < fixed || completed == 0) {
        *error_out = g_strdup_printf("--packets %" G_GUINT64_FORMAT " is too few for %" G_GUINT64_FORMAT
                                     " connections (their handshakes alone take %" G_GUINT64_FORMAT
                                     ")",
                                     packets, source->connections, fixed);
        return FALSE;
    }
    guint64 extra = packets - fixed;
    source->extra_base = (guint)(extra / completed);
    source->extra_remainder = extra % completed;
    if (source->extra_base > 2000) {
        *error_out = g_strdup("--packets is more than 2000 per connection: raise --connections");
        return FALSE;
    }
    return TRUE;
}

static gint64 option_or(gint64 value, gint64 fallback)
{
    return value == CAPGEN_UNSET ? fallback : value;
}

static void bulk_free(gpointer state)
{
    g_free(state);
}

static gboolean plan_bulk(const capgen_options *options, capgen_plan *plan, const bulk_mix *mix,
                          gint64 default_packets, gint64 default_connections,
                          gint64 default_servers, gint64 default_destinations,
                          gint64 interval_ns, char **error_out)
{
    gint64 packets = option_or(options->packets, default_packets);
    gint64 connections = option_or(options->connections, default_connections);
    gint64 ipv6 = option_or(options->ipv6_percent, 20);
    /* Defaults shrink to fit a small --connections; explicit values are
     * checked below instead. */
    gint64 destinations = option_or(options->destinations, MIN(default_destinations, connections));
    gint64 servers = option_or(options->servers,
                               CLAMP(MIN(default_servers, connections), destinations,
                                     destinations * (gint64)G_N_ELEMENTS(service_ports)));
    if (connections < 1 || packets < 1) {
        *error_out = g_strdup("--packets and --connections must be at least 1");
        return FALSE;
    }
    if (connections > (gint64)CLIENT_POOL * EPHEMERAL_PORTS) {
        *error_out = g_strdup_printf("--connections is limited to %d (unique 4-tuples)",
                                     CLIENT_POOL * EPHEMERAL_PORTS);
        return FALSE;
    }
    if (ipv6 < 0 || ipv6 > 100) {
        *error_out = g_strdup("--ipv6-percent must be between 0 and 100");
        return FALSE;
    }
    /* IPv4 destinations are hosts of 198.18.0.0/15; IPv6 ones of
     * 2001:db8:ff::/48 have room for any count, so an all-IPv6 load can
     * have many more (the destinations report's scaling benchmark). */
    gint64 max_destinations = ipv6 == 100 ? 16777215 : 131070;
    if (destinations < 1 || destinations > max_destinations) {
        *error_out = g_strdup_printf("--destinations must be between 1 and %" G_GINT64_FORMAT "%s",
                                     max_destinations,
                                     ipv6 == 100 ? "" : " (up to 16777215 with --ipv6-percent 100)");
        return FALSE;
    }
    if (servers < destinations || servers > destinations * (gint64)G_N_ELEMENTS(service_ports)) {
        *error_out = g_strdup_printf("--servers must be between --destinations (%" G_GINT64_FORMAT
                                     ") and %u times it: each server is an address:port",
                                     destinations, (guint)G_N_ELEMENTS(service_ports));
        return FALSE;
    }
    if (servers > connections) {
        *error_out = g_strdup("--connections must be at least --servers (and --destinations)");
        return FALSE;
    }
    if (options->rtt_us != CAPGEN_UNSET && (options->rtt_us < 1 || options->rtt_us > 10000000)) {
        *error_out = g_strdup("--rtt-us must be between 1 and 10000000");
        return FALSE;
    }

    bulk_source *source = g_new0(bulk_source, 1);
    source->seed = options->seed;
    source->connections = (guint64)connections;
    source->ipv6_percent = (guint)ipv6;
    source->destinations = (guint64)destinations;
    source->endpoints = (guint64)servers;
    source->fixed_rtt_ns = options->rtt_us == CAPGEN_UNSET ? -1 : CAPGEN_US(options->rtt_us);
    source->interval_ns = interval_ns;
    source->mix = *mix;
    source->stride = 2654435761u % source->connections;
    while (gcd(source->stride, source->connections) != 1)
        source->stride++;
    if (!bulk_budget(source, (guint64)packets, error_out)) {
        g_free(source);
        return FALSE;
    }
    plan->source.next = bulk_next;
    plan->source.free_state = bulk_free;
    plan->source.state = source;
    plan->streaming = TRUE;
    return TRUE;
}

gboolean capgen_plan_million(const capgen_options *options, capgen_plan *plan, char **error_out)
{
    /* Clean handshakes with some retransmitted SYNs and SYN/ACKs: every
     * unambiguous leg in the truth is exact to the nanosecond. */
    static const bulk_mix mix = { .syn_retransmitted = 100, .synack_retransmitted = 50 };
    return plan_bulk(options, plan, &mix, 1000000, 100000, 240, 200, CAPGEN_US(300), error_out);
}

gboolean capgen_plan_bench(const capgen_options *options, capgen_plan *plan, char **error_out)
{
    static const bulk_mix mix = { .syn_retransmitted = 30, .synack_retransmitted = 10,
                                  .refused = 30, .unanswered = 20, .incomplete = 15,
                                  .client_reset = 15 };
    return plan_bulk(options, plan, &mix, 1000000, 120000, 6000, 5000, CAPGEN_US(100), error_out);
}

/* ---- syn_flood ------------------------------------------------------------ */

typedef struct flood_source {
    guint64 seed;
    guint64 connections;
    guint synack_percent;
    guint64 next_index;
} flood_source;

/* A bijection on 24 bits (odd multiplications and xorshifts each are), so
 * distinct indexes give distinct, random-looking source addresses. */
static guint32 scramble24(guint32 value, guint64 seed)
{
    const guint32 mask = 0xffffff;
    value = (value + (guint32)seed) & mask;
    value = (value * 0x9e3779u) & mask;
    value ^= value >> 12;
    value = (value * 0x6b43a9u) & mask;
    value ^= value >> 11;
    return value;
}

static capgen_flow *flood_next(gpointer state)
{
    flood_source *source = state;
    if (source->next_index == source->connections)
        return NULL;
    guint64 i = source->next_index++;
    guint32 host = scramble24((guint32)i, source->seed);
    capgen_address client = { .version = 4 }, server;
    /* 45.0.0.0/8 stands for "anywhere on the Internet". */
    client.bytes[0] = 45;
    client.bytes[1] = (guint8)(host >> 16);
    client.bytes[2] = (guint8)(host >> 8);
    client.bytes[3] = (guint8)host;
    capgen_address_parse(VM, &server);
    guint64 noise = capgen_hash(source->seed ^ 0x666c6f6f64, i);
    guint16 port = (guint16)(1024 + noise % 64511);
    capgen_flow *flow = capgen_flow_new_addresses(CAPGEN_FLOW_TCP, &client, port, &server, 80,
                                                  CAPGEN_EPOCH_NS + (gint64)i * CAPGEN_US(10));
    capgen_flow_add_syn(flow, 0);
    /* The VM answers some SYNs (server side: the SYN leg is its own stack). */
    if ((noise >> 32) % 100 < source->synack_percent) {
        capgen_flow_add_synack(flow, CAPGEN_US(40) + (gint64)((noise >> 40) % 1000));
        capgen_flow_expect(flow, CAPGEN_OUTCOME_INCOMPLETE, CAPGEN_AMBIGUOUS_NONE);
    } else {
        capgen_flow_expect(flow, CAPGEN_OUTCOME_UNANSWERED, CAPGEN_AMBIGUOUS_NONE);
    }
    return flow;
}

gboolean capgen_plan_syn_flood(const capgen_options *options, capgen_plan *plan,
                               char **error_out)
{
    gint64 connections = option_or(options->connections, 100000);
    gint64 synack_percent = option_or(options->synack_percent, 0);
    if (connections < 1 || connections > 0xffffff) {
        *error_out = g_strdup("--connections must be between 1 and 16777215");
        return FALSE;
    }
    if (synack_percent < 0 || synack_percent > 100) {
        *error_out = g_strdup("--synack-percent must be between 0 and 100");
        return FALSE;
    }
    flood_source *source = g_new0(flood_source, 1);
    source->seed = options->seed;
    source->connections = (guint64)connections;
    source->synack_percent = (guint)synack_percent;
    plan->source.next = flood_next;
    plan->source.free_state = bulk_free;
    plan->source.state = source;
    plan->streaming = TRUE;
    return TRUE;
}
