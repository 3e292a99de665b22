/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_traffic.c — the engines fed with arbitrary packet facts, then every
 * report built and rendered.
 *
 * The input is read as a recipe: settings (connection bound, allow-list
 * mode, sort, top, a filter selection), then packets.  Each packet either
 * opens a flow (TCP, UDP, another IP protocol, on addresses and ports from
 * a small pool or from the input) or continues one in either direction,
 * with any flags, sequence numbers near the ones a handshake needs, clock
 * steps forwards, backwards or none and jumps anywhere in the glue's time
 * range (packet_facts.h), payload bytes, layers and filter matches; some
 * frames are not IP at all.  The packets go through the
 * connection table, the handshake engine and the policy engine in the
 * order the tap glue uses, then the three reports are built and rendered
 * as text, CSV and JSON, each output checked by support/output_checks.c.
 *
 * Then the engines are reset and fed the same packets again, as a GUI
 * retap does: the JSON must come out byte for byte the same.  Beyond
 * memory safety it checks that no packet is lost (every IP packet is in a
 * connection or counted as untracked), that the bound holds, and that the
 * end of the capture leaves no handshake pending.
 *
 * tcp.stream and udp.stream are Wireshark's dense numbers, so new flows
 * take the next one; now and then a packet names any stream below 256, as
 * a glue bug could, and the engines must stay safe (not exact) then.
 */
#include <string.h>

#include "connection_table.h"
#include "handshake.h"
#include "policy.h"
#include "policy_file.h"
#include "session.h"
#include "report_dests.h"
#include "report_policy.h"
#include "report_rtt.h"
#include "support/fuzz_assert.h"
#include "support/fuzz_protocols.h"
#include "support/fuzz_render.h"

#define MAX_FLOWS 64
#define MAX_PACKETS 400
#define MAX_LAYERS 8
#define MAX_PAYLOAD 600 /* more than the policy's window */

/* One rule per criterion and a few orders between them. */
static const char policy_text[] =
    "name,action,severity,message,protocols,ports,peers,payload,filter,hosts\n"
    "allow-dns,allow,,,dns,,,,\n"
    "telnet,alert,error,\"Telnet, \"\"clear\"\" text\",,tcp/23,,,\n"
    "rdp-outside,alert,error,RDP from outside,,\"tcp/3389,udp/3389\",from:!internal,,\n"
    "bittorrent,alert,error,,bittorrent,,,,\n"
    "bt-handshake,alert,error,,,,,\"\\x13BitTorrent protocol\",\n"
    "mining,alert,error,,,,,\"*mining.subscribe|*eth_getWork\",\n"
    "documentation-net,alert,note,,,,to:192.0.2.0/24,,\n"
    "utp,alert,note,,data,udp/1024-65535,,\\x41\\x00,\n"
    "retransmission,alert,warn,,,,,,tcp.analysis.retransmission\n"
    "big-web,alert,warn,,,tcp/80,,,frame.len > 100\n"
    "allow-web,allow,,,\"http,tls\",,,,\n"
    "silent,alert,note,never,,tcp/9,,,\n"
    /* Names read from ClientHellos and requests joined in sequence order,
     * and DNS queries to 53 that become lookups. */
    "names,alert,error,,,,,,,\"a.b *.example.org\"\n";

static const char *const address_pool[] = {
    "10.0.0.1", "10.0.0.2", "192.0.2.7", "203.0.113.9", "2001:db8::1", "fd00::5", "fe80::1", "::1",
};
static const guint16 port_pool[] = {0, 22, 23, 53, 80, 443, 3389, 6881, 32768, 40000, 55555, 65535};
static const guint8 other_protocols[] = {TRIAGE_TRANSPORT_ICMP, TRIAGE_TRANSPORT_ICMPV6, 47 /* GRE */,
                                         50 /* ESP */, 132 /* SCTP */, 255};

typedef struct recipe {
    const guint8 *at;
    const guint8 *end;
} recipe;

/* An exhausted recipe reads as zeros. */
static guint8 next_byte(recipe *recipe)
{
    return recipe->at < recipe->end ? *recipe->at++ : 0;
}

static guint32 next_u32(recipe *recipe)
{
    guint32 value = 0;
    for (int i = 0; i < 4; i++)
        value = value << 8 | next_byte(recipe);
    return value;
}

typedef struct fuzz_flow {
    guint8 transport;
    guint32 stream;
    triage_address a, b;
    guint16 port_a, port_b;
    guint32 isn_a, isn_b;
} fuzz_flow;

typedef struct run_settings {
    guint32 max_connections;
    gboolean allowlist;
    triage_sort sort;
    guint top;
    gboolean select_some;
} run_settings;

/* One capture: the session the plugin builds per file. */
typedef struct engine_set {
    triage_session *session;
} engine_set;

typedef struct pass_totals {
    guint64 ip_packets;
    guint64 packets;
    triage_time first, last;
} pass_totals;

/* Built once: the policy and what the engines need to know about it. */
static struct {
    triage_policy *policy;
    GPtrArray *policy_errors;
    GArray *internal;
    GArray *carriers;
    triage_address addresses[G_N_ELEMENTS(address_pool)];
} fixed;

static void set_up_once(void)
{
    if (fixed.policy != NULL)
        return;
    fixed.policy_errors = triage_policy_errors_new();
    fixed.policy = triage_policy_parse_file_text(policy_text, strlen(policy_text), "fuzz-policy.csv",
                                                 fuzz_protocols_resolve, NULL, fixed.policy_errors);
    FUZZ_ASSERT(fixed.policy_errors->len == 0);
    fixed.internal = g_array_new(FALSE, FALSE, sizeof(triage_network));
    FUZZ_ASSERT(triage_networks_parse(TRIAGE_DEFAULT_INTERNAL_NETWORKS, fixed.internal, NULL));
    fixed.carriers = g_array_new(FALSE, FALSE, sizeof(int));
    for (guint i = 0; triage_policy_carrier_protocols[i] != NULL; i++) {
        int id = fuzz_protocols_resolve(triage_policy_carrier_protocols[i], NULL);
        if (id >= 0)
            g_array_append_val(fixed.carriers, id);
    }
    for (guint i = 0; i < G_N_ELEMENTS(address_pool); i++)
        FUZZ_ASSERT(triage_address_from_string(address_pool[i], &fixed.addresses[i]));
}

/* ---- Wireshark's knowledge, as the glue lends it -------------------------- */

static const char *service_name(guint8 transport, guint16 port, void *user_data)
{
    (void)user_data;
    if (transport != TRIAGE_TRANSPORT_TCP && transport != TRIAGE_TRANSPORT_UDP)
        return NULL;
    switch (port) {
    case 22: return "ssh";
    case 23: return "telnet";
    case 53: return "domain";
    case 80: return "http";
    case 443: return "https";
    default: return NULL;
    }
}

static gboolean port_is_service(guint8 transport, guint16 port, void *user_data)
{
    return service_name(transport, port, user_data) != NULL;
}

/* MaxMind strings come from a database file: make them awkward. */
static gboolean geo(const triage_address *address, const char **country, const char **asn, void *user_data)
{
    (void)user_data;
    *country = NULL;
    *asn = NULL;
    if ((address->bytes[0] & 1) == 0)
        return FALSE;
    *country = "X\xc3\xa9";
    *asn = address->bytes[1] & 1 ? "AS64500 \"Quoted, Org\"\n\t\x01" : NULL;
    return TRUE;
}

static gboolean odd_key_selected(guint32 key, void *user_data)
{
    (void)user_data;
    return (key & 1) != 0;
}

/* ---- Decoding --------------------------------------------------------------- */

static run_settings decode_settings(recipe *recipe)
{
    static const guint32 bounds[] = {0, 1, 4, 32};
    static const guint tops[] = {1, 3, 10, 0};
    guint8 byte = next_byte(recipe);
    run_settings settings;
    settings.max_connections = bounds[byte & 3];
    settings.allowlist = (byte >> 2) & 1;
    settings.sort = ((byte >> 3) & 3) % (TRIAGE_SORT_PACKETS + 1);
    settings.select_some = (byte >> 5) & 1;
    settings.top = tops[byte >> 6];
    return settings;
}

static void decode_address(recipe *recipe, guint8 family_hint, triage_address *out)
{
    guint8 choice = next_byte(recipe);
    if (choice < 0xf0) {
        /* From the pool, keeping to the hint's family when there is one. */
        guint index = choice % G_N_ELEMENTS(address_pool);
        if (family_hint == 4)
            index %= 4;
        else if (family_hint == 6)
            index = 4 + index % 4;
        *out = fixed.addresses[index];
        return;
    }
    memset(out, 0, sizeof *out);
    out->family = family_hint != 0 ? family_hint : (choice & 1 ? 6 : 4);
    for (guint i = 0; i < (out->family == 4 ? 4u : 16u); i++)
        out->bytes[i] = next_byte(recipe);
}

static guint16 decode_port(recipe *recipe)
{
    guint8 choice = next_byte(recipe);
    if (choice < 0xf0)
        return port_pool[choice % G_N_ELEMENTS(port_pool)];
    return (guint16)(next_byte(recipe) << 8 | next_byte(recipe));
}

typedef struct traffic_state {
    fuzz_flow flows[MAX_FLOWS];
    guint flow_count;
    guint32 next_tcp_stream;
    guint32 next_udp_stream;
    guint32 frame;
    triage_time time;
    guint8 payload[MAX_PAYLOAD];
    int layers[MAX_LAYERS];
} traffic_state;

static fuzz_flow *open_flow(recipe *recipe, traffic_state *traffic, guint8 kind)
{
    fuzz_flow *flow = &traffic->flows[traffic->flow_count < MAX_FLOWS ? traffic->flow_count++ : next_byte(recipe) % MAX_FLOWS];
    memset(flow, 0, sizeof *flow);
    if (kind == 0) {
        flow->transport = TRIAGE_TRANSPORT_TCP;
        flow->stream = traffic->next_tcp_stream++;
    } else if (kind == 1) {
        flow->transport = TRIAGE_TRANSPORT_UDP;
        flow->stream = traffic->next_udp_stream++;
    } else {
        guint8 choice = next_byte(recipe);
        flow->transport = choice < 0xf0 ? other_protocols[choice % G_N_ELEMENTS(other_protocols)] : next_byte(recipe);
    }
    decode_address(recipe, 0, &flow->a);
    decode_address(recipe, flow->a.family, &flow->b);
    if (flow->transport == TRIAGE_TRANSPORT_TCP || flow->transport == TRIAGE_TRANSPORT_UDP) {
        flow->port_a = decode_port(recipe);
        flow->port_b = decode_port(recipe);
    }
    flow->isn_a = next_u32(recipe);
    flow->isn_b = next_u32(recipe);
    return flow;
}

/* Sequence numbers: the ones a handshake turns on, or any. */
static guint32 decode_number(recipe *recipe, guint8 choice, guint32 own_isn, guint32 peer_isn)
{
    switch (choice & 3) {
    case 0: return own_isn;
    case 1: return own_isn + 1;
    case 2: return peer_isn + 1;
    default: return next_u32(recipe);
    }
}

static void advance_clock(recipe *recipe, traffic_state *traffic, guint8 step)
{
    switch (step & 3) {
    case 0: /* microseconds forward */
        traffic->time += (triage_time)next_byte(recipe) * 1000;
        break;
    case 1: /* up to ~4 s forward, to the nanosecond */
        traffic->time += next_u32(recipe);
        break;
    case 2: /* backwards */
        traffic->time -= (triage_time)(next_byte(recipe) << 8 | next_byte(recipe)) * 1000;
        break;
    default: /* the same moment */
        break;
    }
}

/* Anywhere the glue lets a frame's time be (packet_facts.h): its edges,
 * where differences and sums are largest, or any point between. */
static void jump_clock(recipe *recipe, traffic_state *traffic)
{
    guint8 choice = next_byte(recipe);
    if (choice == 0) {
        traffic->time = -TRIAGE_TIME_LIMIT;
    } else if (choice == 1) {
        traffic->time = TRIAGE_TIME_LIMIT;
    } else {
        guint64 value = (guint64)next_u32(recipe) << 32 | next_u32(recipe);
        traffic->time = (triage_time)(value % (2 * (guint64)TRIAGE_TIME_LIMIT + 1)) - TRIAGE_TIME_LIMIT;
    }
}

/* The glue clamps to that range; so does the recipe. */
static void clamp_clock(traffic_state *traffic)
{
    traffic->time = CLAMP(traffic->time, -TRIAGE_TIME_LIMIT, TRIAGE_TIME_LIMIT);
}

/* ---- One pass ------------------------------------------------------------- */

static void feed_packet(recipe *recipe, traffic_state *traffic, const engine_set *engines, pass_totals *totals)
{
    /* operation: bits 0-1 kind (TCP, UDP, other IP, not IP), bit 2 new
     * flow, bit 3 reverse direction, bit 4 payload.  details: bits 0-1
     * clock step, bit 2 frame gap, bit 3 any stream, bit 4 truncated,
     * bit 5 clock jump (before the step). */
    guint8 operation = next_byte(recipe);
    guint8 details = next_byte(recipe);
    guint8 kind = operation & 3;
    gboolean reverse = (operation >> 3) & 1;
    triage_flow_packet packet;
    memset(&packet, 0, sizeof packet);

    /* Frame numbers only grow; gaps are frames the engines never saw. */
    traffic->frame += 1 + ((details & 4) ? next_byte(recipe) : 0);
    packet.frame = traffic->frame;
    if (details & 0x20)
        jump_clock(recipe, traffic);
    advance_clock(recipe, traffic, details);
    clamp_clock(traffic);
    packet.time = traffic->time;

    fuzz_flow *flow = NULL;
    if (kind != 3) {
        if ((operation & 4) || traffic->flow_count == 0)
            flow = open_flow(recipe, traffic, kind);
        else
            flow = &traffic->flows[next_byte(recipe) % traffic->flow_count];
        packet.transport = flow->transport;
        packet.stream = flow->stream;
        if ((details & 8) && (flow->transport == TRIAGE_TRANSPORT_TCP || flow->transport == TRIAGE_TRANSPORT_UDP))
            packet.stream = next_byte(recipe);
        packet.source = reverse ? flow->b : flow->a;
        packet.destination = reverse ? flow->a : flow->b;
        packet.source_port = reverse ? flow->port_b : flow->port_a;
        packet.destination_port = reverse ? flow->port_a : flow->port_b;
        if (flow->transport == TRIAGE_TRANSPORT_TCP)
            packet.tcp_flags = next_byte(recipe);
    }

    /* Payload as captured (the glue hands in at most 512 bytes), and what
     * the wire claimed, which may be more (a snaplen). */
    guint32 captured = 0;
    if (operation & 0x10) {
        guint wanted = (guint)(next_byte(recipe) << 8 | next_byte(recipe)) % (MAX_PAYLOAD + 1);
        guint available = (guint)(recipe->end - recipe->at);
        captured = MIN(MIN(wanted, available), (guint)TRIAGE_POLICY_PAYLOAD_WINDOW);
        memcpy(traffic->payload, recipe->at, captured);
        recipe->at += captured;
    }
    guint32 claimed = captured + ((details & 0x10) ? next_byte(recipe) * 7u : 0u);
    if (captured > 0) {
        packet.payload = traffic->payload;
        packet.payload_length = captured;
    }
    packet.frame_length = 54 + claimed;

    guint layer_count = next_byte(recipe) % (MAX_LAYERS + 1);
    for (guint i = 0; i < layer_count; i++)
        traffic->layers[i] = (int)(next_byte(recipe) % fuzz_protocols_count());
    guint filter_rules = triage_policy_filter_rule_count(fixed.policy);
    guint64 filter_bits = next_byte(recipe) & ((G_GUINT64_CONSTANT(1) << filter_rules) - 1);

    totals->packets++;
    if (totals->packets == 1 || packet.time < totals->first)
        totals->first = packet.time;
    if (totals->packets == 1 || packet.time > totals->last)
        totals->last = packet.time;

    triage_frame_facts facts = {.has_flow = flow != NULL, .packet = packet, .layer_ids = traffic->layers,
                                .layer_count = layer_count};
    if (flow != NULL)
        totals->ip_packets++;
    if (flow != NULL && flow->transport == TRIAGE_TRANSPORT_TCP) {
        guint8 numbers = next_byte(recipe);
        guint32 own_isn = reverse ? flow->isn_b : flow->isn_a;
        guint32 peer_isn = reverse ? flow->isn_a : flow->isn_b;
        facts.has_tcp = TRUE;
        facts.segment = (triage_tcp_segment){
            .frame = packet.frame,
            .time = packet.time,
            .stream = packet.stream,
            .flags = packet.tcp_flags,
            .seq = decode_number(recipe, numbers, own_isn, peer_isn),
            .ack = decode_number(recipe, numbers >> 2, peer_isn, own_isn),
            .payload_length = claimed,
            .source = packet.source,
            .destination = packet.destination,
            .source_port = packet.source_port,
            .destination_port = packet.destination_port,
        };
        facts.packet.tcp_seq = facts.segment.seq;
    }
    /* The plugin judges a frame after its filter results when the policy
     * has filter rules; the view then has no verdict yet. */
    gboolean waits = filter_rules > 0;
    triage_frame_view view;
    triage_session_add_frame(engines->session, &facts, TRUE, waits, &view);
    if (waits)
        triage_session_judge_frame(engines->session, filter_bits);
    FUZZ_ASSERT(triage_session_frame_seen(engines->session, packet.frame));
    FUZZ_ASSERT(view.policy_rule >= -1 && view.policy_rule < (int)triage_policy_rule_count(fixed.policy));
    FUZZ_ASSERT(view.policy_rule >= 0 || (!view.policy_violation && !view.policy_raise_expert));
    /* Shown again (a GUI click): the same verdict, from the marks. */
    triage_frame_view again;
    triage_session_view_again(engines->session, packet.frame, &again);
    FUZZ_ASSERT(again.connection == view.connection);
    FUZZ_ASSERT(waits || again.policy_rule == view.policy_rule);
    /* Every lookup a frame names is a listed name queried to port 53. */
    const triage_policy_engine *policy = triage_session_policy_engine(engines->session);
    FUZZ_ASSERT(again.policy_lookup_plus_one <= triage_policy_engine_lookup_count(policy));
    FUZZ_ASSERT(again.policy_lookup_plus_one != 0 || !again.policy_lookup_raise_expert);
    if (again.policy_lookup_plus_one != 0) {
        const triage_policy_lookup *lookup = triage_policy_engine_lookup_at(policy, again.policy_lookup_plus_one - 1);
        FUZZ_ASSERT(lookup->queries >= 1 && lookup->first_frame <= lookup->last_frame);
        FUZZ_ASSERT(strcmp(lookup->name, "a.b") == 0 || g_str_has_suffix(lookup->name, ".example.org"));
        FUZZ_ASSERT(again.connection != NULL && again.connection->server_port == 53);
    }
}

/* What must hold whatever came in. */
static void check_engines(const engine_set *engines, const run_settings *settings, const pass_totals *totals)
{
    const triage_connection_table *table = triage_session_connections(engines->session);
    guint32 count = triage_connection_table_count(table);
    guint64 accounted = triage_connection_table_untracked_packets(table);
    if (settings->max_connections != 0)
        FUZZ_ASSERT(count <= settings->max_connections);
    for (guint32 i = 0; i < count; i++) {
        const triage_connection *connection = triage_connection_table_get(table, i);
        FUZZ_ASSERT(connection != NULL && connection->index == i);
        FUZZ_ASSERT(connection->packets_to_server + connection->packets_to_client >= 1);
        FUZZ_ASSERT(connection->first_frame <= connection->last_frame);
        FUZZ_ASSERT(connection->first_time <= connection->last_time);
        accounted += connection->packets_to_server + connection->packets_to_client;
    }
    FUZZ_ASSERT(triage_connection_table_get(table, count) == NULL);
    /* No silent loss: every IP packet is in a connection or counted. */
    FUZZ_ASSERT(accounted == totals->ip_packets);

    const triage_handshake_engine *handshakes = triage_session_handshakes(engines->session);
    guint64 position = 0, records = 0;
    guint32 stream;
    const triage_handshake *handshake;
    while (triage_handshake_engine_next(handshakes, &position, &stream, &handshake)) {
        guint32 opening = triage_handshake_opening_frame(handshake);
        records++;
        FUZZ_ASSERT(stream < triage_handshake_engine_stream_count(handshakes));
        FUZZ_ASSERT(triage_handshake_get_outcome(handshake, TRUE) != TRIAGE_OUTCOME_PENDING);
        /* Every attempt is found again from the frame that opened it. */
        FUZZ_ASSERT(opening == 0 || triage_handshake_engine_find(handshakes, stream, opening) == handshake);
        for (triage_leg leg = TRIAGE_LEG_SYN_SYNACK; leg <= TRIAGE_LEG_SETUP; leg++) {
            triage_time value;
            gboolean measured = triage_handshake_leg_value(handshake, leg, &value);
            FUZZ_ASSERT(!measured || value >= 0);
            FUZZ_ASSERT(measured || !triage_handshake_leg_in_statistics(handshake, leg));
        }
    }
    FUZZ_ASSERT(records >= triage_handshake_engine_earlier_attempts(handshakes));
}

static char *run_pass(const guint8 *data, size_t size, const engine_set *engines, gboolean check_every_format)
{
    recipe recipe = {.at = data, .end = data + size};
    run_settings settings = decode_settings(&recipe);
    traffic_state *traffic = g_new0(traffic_state, 1);
    pass_totals totals = {0};
    traffic->time = (triage_time)1700000000 * TRIAGE_NS_PER_SECOND;
    for (guint i = 0; i < MAX_PACKETS && recipe.at < recipe.end; i++)
        feed_packet(&recipe, traffic, engines, &totals);
    g_free(traffic);

    FUZZ_ASSERT(triage_session_packet_count(engines->session) == totals.packets);
    triage_report_source source;
    triage_report_source_of_session(engines->session, &source);
    triage_report_options options;
    triage_report_options_init(&options);
    options.top = options.dests_top = settings.top;
    options.sort = settings.sort;
    options.filter = settings.select_some ? "odd" : NULL;
    options.is_selected = settings.select_some ? odd_key_selected : NULL;
    options.policy_source = "file";
    options.policy_path = "/tmp/fuzz \"policy\".csv";
    options.policy_errors = fixed.policy_errors;
    options.names.service_name = service_name;
    options.names.geo = geo;
    options.names.protocol_name = fuzz_protocols_name;
    triage_report *reports[3];
    reports[0] = triage_rtt_report_build(&source, &options);
    check_engines(engines, &settings, &totals);
    reports[1] = triage_policy_report_build(&source, &options);
    reports[2] = triage_dests_report_build(&source, &options);
    char *json = check_every_format ? fuzz_render_checked(reports, G_N_ELEMENTS(reports))
                                    : fuzz_render_json(reports, G_N_ELEMENTS(reports));
    for (guint i = 0; i < G_N_ELEMENTS(reports); i++)
        triage_report_free(reports[i]);
    return json;
}

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
    set_up_once();
    recipe peek = {.at = data, .end = data + size};
    run_settings settings = decode_settings(&peek);
    triage_session_settings session_settings = {
        .max_connections = settings.max_connections,
        .internal_networks = (const triage_network *)fixed.internal->data,
        .internal_network_count = fixed.internal->len,
        .policy = fixed.policy,
        .allowlist = settings.allowlist,
        .port_is_service = port_is_service,
        .carrier_protocol_ids = (const int *)fixed.carriers->data,
        .carrier_protocol_count = fixed.carriers->len,
    };
    engine_set engines = {.session = triage_session_new(&session_settings)};

    char *first = run_pass(data, size, &engines, TRUE);
    /* A retap: a new session of the same capture, fed the same packets. */
    triage_session_free(engines.session);
    engines.session = triage_session_new(&session_settings);
    char *second = run_pass(data, size, &engines, FALSE);
    if (strcmp(first, second) != 0) {
        fprintf(stderr, "a retap changed the reports\n--- first ---\n%s\n--- second ---\n%s\n", first, second);
        abort();
    }
    g_free(first);
    g_free(second);
    triage_session_free(engines.session);
    return 0;
}
