/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap_glue.c — copies facts out of Wireshark's tap data into the engines.
 *
 * Why taps and not the protocol tree: building a tree costs more than the
 * whole triage.  The tcp, udp, ip and ipv6 dissectors queue their parsed
 * headers for taps whenever tapping is active; a postdissector runs after
 * them in the same dissection and can read this frame's queue with
 * fetch_tapped_data().  A listener flagged TL_IS_DISSECTOR_HELPER keeps
 * tapping active without making tshark dissect packets it would not
 * otherwise dissect.
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/addr_resolv.h>
#include <epan/dissectors/packet-ip.h>
#include <epan/dissectors/packet-tcp.h>
#include <epan/dissectors/packet-udp.h>

#include "tap_glue.h"

/* Mirrors the first member of packet-tcp.c's private tcp_follow_tap_data_t:
 * the TCP payload's tvb.  It has been the first member since the struct
 * appeared; the version chroot tests catch a change. */
typedef struct tcp_follow_payload_view {
    tvbuff_t *payload;
} tcp_follow_payload_view;

/* The policy engine only looks at the start of a payload. */
#define TRIAGE_PAYLOAD_PREFIX_BYTES 512
#define TRIAGE_MAX_LAYERS 64

/* What a re-dissection needs to show the same fields: 8 bytes per frame. */
typedef struct frame_marks {
    guint32 connection;
    gint16 policy_rule;
    guint8 flags;
    guint8 policy_evidence;
} frame_marks;

enum {
    MARK_STORED = 1,
    MARK_VIOLATION = 2,
    MARK_RAISE_EXPERT = 4,
    MARK_PROVISIONAL = 8,
    MARK_PORT_ONLY = 16,
};

static struct {
    int tap_tcp, tap_udp, tap_ip, tap_ipv6, tap_tcp_follow, tap_udp_follow;
    int proto_ip, proto_ipv6, proto_tcp, proto_udp, proto_icmp, proto_icmpv6;
} ids = { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 };

static struct {
    gboolean started;
    triage_glue_settings settings;
    triage_connection_table *connections;
    triage_handshake_engine *handshakes;
    triage_policy_engine *policy_engine;
    GByteArray *processed;      /* one bit per frame number */
    GArray *marks;              /* frame_marks by frame number, when kept */
    guint32 last_connection;
    guint32 last_tcp_stream;
    guint64 packets;
    triage_time first_time, last_time;
    guint report_listeners;
    gboolean finished;          /* end-of-capture outcomes are assigned */
    int proto_triage;
    /* Filter rules (the policy's slow path): one frame-tap listener per
     * rule marks the frames its filter matches.  Taps run after the
     * postdissector, so a frame's policy step waits until the next frame
     * (or the report) when the policy has filter rules. */
    GPtrArray *filter_listeners;
    struct pending_frame {
        gboolean valid;
        gboolean keep_marks;
        guint32 connection;
        gboolean to_server;
        guint64 filter_bits;
        triage_flow_packet packet;
        guint8 payload[TRIAGE_PAYLOAD_PREFIX_BYTES];
        int layer_ids[TRIAGE_MAX_LAYERS];
        guint layer_count;
    } pending;
} state;

typedef struct filter_listener {
    guint bit;
} filter_listener;

static tap_packet_status helper_tap_packet(void *tapdata _U_, packet_info *pinfo _U_,
                                           epan_dissect_t *edt _U_, const void *data _U_,
                                           tap_flags_t flags _U_)
{
    return TAP_PACKET_DONT_REDRAW;
}

static void register_helper(const char *tap_name)
{
    GString *error = register_tap_listener(tap_name, &state, NULL,
                                           TL_IS_DISSECTOR_HELPER | TL_REQUIRES_NOTHING,
                                           NULL, helper_tap_packet, NULL, NULL);
    if (error) {
        ws_warning("Capture Triage: cannot listen to the %s tap: %s", tap_name, error->str);
        g_string_free(error, TRUE);
    }
}

void triage_glue_register_helper_taps(void)
{
    ids.tap_tcp = find_tap_id("tcp");
    ids.tap_udp = find_tap_id("udp");
    ids.tap_ip = find_tap_id("ip");
    ids.tap_ipv6 = find_tap_id("ipv6");
    ids.tap_tcp_follow = find_tap_id("tcp_follow");
    ids.tap_udp_follow = find_tap_id("udp_follow");
    ids.proto_ip = proto_get_id_by_filter_name("ip");
    ids.proto_ipv6 = proto_get_id_by_filter_name("ipv6");
    ids.proto_tcp = proto_get_id_by_filter_name("tcp");
    ids.proto_udp = proto_get_id_by_filter_name("udp");
    ids.proto_icmp = proto_get_id_by_filter_name("icmp");
    ids.proto_icmpv6 = proto_get_id_by_filter_name("icmpv6");
    /* One helper keeps tapping active, which costs nothing measurable: the
     * tcp, udp and ip taps queue headers TCP, UDP and IP parse anyway. */
    register_helper("frame");
}

/* The follow taps carry the payload tvb the policy needs, but once somebody
 * listens TCP and UDP build and queue one for every packet (about 1 % of a
 * tree-building tshark run): listen only from the moment the engines run. */
static gboolean payload_helpers_registered;
/* Set while the frame that started the listening is processed: TCP and UDP
 * dissected it before, so its payload is looked up in the frame itself. */
static gboolean payload_taps_missed_this_frame;

void triage_glue_want_payloads(void)
{
    if (payload_helpers_registered)
        return;
    register_helper("tcp_follow");
    register_helper("udp_follow");
    payload_helpers_registered = TRUE;
}

static gboolean port_is_service(guint8 transport, guint16 port, void *user_data _U_)
{
    port_type type = transport == TRIAGE_TRANSPORT_TCP ? PT_TCP :
                     transport == TRIAGE_TRANSPORT_UDP ? PT_UDP : PT_NONE;
    if (type == PT_NONE)
        return FALSE;
    /* serv_name_lookup returns NULL when Wireshark knows no service name. */
    return try_serv_name_lookup(type, port) != NULL;
}

static tap_packet_status filter_rule_matched(void *data, packet_info *pinfo, epan_dissect_t *edt _U_,
                                             const void *tap_data _U_, tap_flags_t flags _U_)
{
    const filter_listener *listener = data;
    if (state.pending.valid && state.pending.packet.frame == pinfo->num)
        state.pending.filter_bits |= G_GUINT64_CONSTANT(1) << listener->bit;
    return TAP_PACKET_DONT_REDRAW;
}

static void register_filter_listeners(const triage_policy *policy)
{
    state.filter_listeners = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < triage_policy_rule_count(policy); i++) {
        const triage_policy_rule *rule = triage_policy_rule_at(policy, i);
        filter_listener *listener;
        GString *error;
        if (!rule->filter || rule->filter_bit < 0)
            continue;
        listener = g_new0(filter_listener, 1);
        listener->bit = (guint)rule->filter_bit;
        error = register_tap_listener("frame", listener, rule->filter, TL_REQUIRES_NOTHING, NULL,
                                      filter_rule_matched, NULL, NULL);
        if (error) {
            /* The policy loader reported this filter as file:line already. */
            ws_debug("Capture Triage: rule %s: filter \"%s\" is not usable: %s", rule->name,
                       rule->filter, error->str);
            g_string_free(error, TRUE);
            g_free(listener);
            continue;
        }
        g_ptr_array_add(state.filter_listeners, listener);
    }
}

static void remove_filter_listeners(void)
{
    if (!state.filter_listeners)
        return;
    for (guint i = 0; i < state.filter_listeners->len; i++)
        remove_tap_listener(g_ptr_array_index(state.filter_listeners, i));
    g_ptr_array_free(state.filter_listeners, TRUE);
    state.filter_listeners = NULL;
}

static triage_policy_engine *policy_engine_new(const triage_glue_settings *settings)
{
    GArray *carrier_ids = g_array_new(FALSE, FALSE, sizeof(int));
    triage_policy_engine *engine;
    for (guint i = 0; triage_policy_carrier_protocols[i]; i++) {
        int id = proto_get_id_by_filter_name(triage_policy_carrier_protocols[i]);
        if (id >= 0)
            g_array_append_val(carrier_ids, id);
    }
    engine = triage_policy_engine_new(settings->policy, settings->allowlist, settings->internal_networks,
                                      settings->internal_network_count, (const int *)carrier_ids->data,
                                      carrier_ids->len, settings->max_connections);
    g_array_free(carrier_ids, TRUE);
    return engine;
}

void triage_glue_start(const triage_glue_settings *settings)
{
    triage_glue_stop();
    state.settings = *settings;
    state.connections = triage_connection_table_new(settings->max_connections, port_is_service, NULL);
    state.handshakes = triage_handshake_engine_new(settings->max_connections);
    if (settings->policy) {
        state.policy_engine = policy_engine_new(settings);
        if (triage_policy_filter_rule_count(settings->policy))
            register_filter_listeners(settings->policy);
    }
    state.pending.valid = FALSE;
    state.proto_triage = proto_get_id_by_filter_name("triage");
    state.processed = g_byte_array_new();
    state.marks = g_array_new(FALSE, TRUE, sizeof(frame_marks));
    state.last_connection = TRIAGE_NO_CONNECTION;
    state.last_tcp_stream = TRIAGE_NO_CONNECTION;
    state.packets = 0;
    state.first_time = state.last_time = 0;
    state.started = TRUE;
}

void triage_glue_stop(void)
{
    if (!state.started)
        return;
    remove_filter_listeners();
    triage_connection_table_free(state.connections);
    triage_handshake_engine_free(state.handshakes);
    if (state.policy_engine)
        triage_policy_engine_free(state.policy_engine);
    g_byte_array_free(state.processed, TRUE);
    g_array_free(state.marks, TRUE);
    state.connections = NULL;
    state.handshakes = NULL;
    state.policy_engine = NULL;
    state.processed = NULL;
    state.marks = NULL;
    state.started = FALSE;
}

void triage_glue_report_listener_added(void)
{
    /* Reports register before the first packet (tshark starts them after
     * opening the file, the GUI before retapping): no frame misses its
     * payload. */
    triage_glue_want_payloads();
    state.report_listeners++;
}
void triage_glue_report_listener_removed(void)
{
    if (state.report_listeners)
        state.report_listeners--;
}
gboolean triage_glue_reports_active(void) { return state.report_listeners > 0; }

static gboolean frame_was_processed(guint32 frame)
{
    guint byte = frame >> 3;
    return byte < state.processed->len && (state.processed->data[byte] & (1u << (frame & 7)));
}

static void mark_frame_processed(guint32 frame)
{
    guint byte = frame >> 3;
    if (byte >= state.processed->len) {
        /* Grow geometrically so a capture costs O(frames) copies in all. */
        guint new_length = MAX(byte + 1, state.processed->len * 2 + 64);
        guint old_length = state.processed->len;
        g_byte_array_set_size(state.processed, new_length);
        memset(state.processed->data + old_length, 0, new_length - old_length);
    }
    state.processed->data[byte] |= (guint8)(1u << (frame & 7));
}

/* Clamped to the engines' range (packet_facts.h): a hostile capture's
 * seconds times 10^9 would not fit in 64 bits. */
static triage_time time_of(const nstime_t *t)
{
    const gint64 limit_seconds = TRIAGE_TIME_LIMIT / TRIAGE_NS_PER_SECOND;
    if (t->secs >= limit_seconds)
        return TRIAGE_TIME_LIMIT;
    if (t->secs <= -limit_seconds)
        return -TRIAGE_TIME_LIMIT;
    return (triage_time)t->secs * TRIAGE_NS_PER_SECOND + t->nsecs;
}

static gboolean copy_ip_address(const address *from, triage_address *to)
{
    memset(to, 0, sizeof *to);
    if (from->type == AT_IPv4 && from->len == 4) {
        to->family = 4;
        memcpy(to->bytes, from->data, 4);
        return TRUE;
    }
    if (from->type == AT_IPv6 && from->len == 16) {
        to->family = 6;
        memcpy(to->bytes, from->data, 16);
        return TRUE;
    }
    return FALSE;
}

/* The last entry a tap queued for this frame: the innermost header. */
static const void *last_tapped(int tap_id, int *index_out)
{
    const void *last = NULL, *data;
    int index = 0;
    while ((data = fetch_tapped_data(tap_id, index)) != NULL) {
        last = data;
        index++;
    }
    if (index_out)
        *index_out = index - 1;
    return last;
}

/* Where the frame's flow lives, from the order of pinfo->layers.
 * TCP and UDP headers quoted inside an ICMP error are not connection
 * packets: a frame that carries ICMP belongs to the ICMP flow. */
typedef struct layer_scan {
    int layer_ids[TRIAGE_MAX_LAYERS];
    guint layer_count;
    int last_tcp, last_udp, first_icmp; /* positions, -1 = absent */
    int ip_before_icmp;                 /* index among ip (or ipv6) layers */
    gboolean icmp_over_ipv6;
    int last_ip_position, last_ip_index, last_ipv6_position, last_ipv6_index;
} layer_scan;

static void scan_layers(packet_info *pinfo, layer_scan *scan)
{
    int ip_seen = 0, ipv6_seen = 0, last_ip_kind = 0;
    memset(scan, 0, sizeof *scan);
    scan->last_tcp = scan->last_udp = scan->first_icmp = -1;
    scan->ip_before_icmp = -1;
    scan->last_ip_position = scan->last_ipv6_position = -1;
    for (wmem_list_frame_t *frame = wmem_list_head(pinfo->layers); frame;
         frame = wmem_list_frame_next(frame)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(frame));
        int position = (int)scan->layer_count;
        if (id == state.proto_triage)
            continue; /* our own postdissector is not an application */
        if (scan->layer_count < TRIAGE_MAX_LAYERS)
            scan->layer_ids[scan->layer_count++] = id;
        else
            position = TRIAGE_MAX_LAYERS - 1;
        if (id == ids.proto_ip) {
            scan->last_ip_position = position;
            scan->last_ip_index = ip_seen++;
            last_ip_kind = 4;
        } else if (id == ids.proto_ipv6) {
            scan->last_ipv6_position = position;
            scan->last_ipv6_index = ipv6_seen++;
            last_ip_kind = 6;
        } else if (id == ids.proto_tcp) {
            scan->last_tcp = position;
        } else if (id == ids.proto_udp) {
            scan->last_udp = position;
        } else if ((id == ids.proto_icmp || id == ids.proto_icmpv6) && scan->first_icmp < 0) {
            scan->first_icmp = position;
            scan->icmp_over_ipv6 = last_ip_kind == 6;
            scan->ip_before_icmp = last_ip_kind == 6 ? ipv6_seen - 1 : ip_seen - 1;
        }
    }
}

static void set_payload(const guint8 *bytes, guint32 available, triage_flow_packet *packet)
{
    guint32 length = MIN(available, TRIAGE_PAYLOAD_PREFIX_BYTES);
    if (length) {
        packet->payload = bytes;
        packet->payload_length = length;
    }
}

static void put_big_endian(guint8 *out, guint32 value, guint bytes)
{
    for (guint i = 0; i < bytes; i++)
        out[i] = (guint8)(value >> (8 * (bytes - 1 - i)));
}

static const guint8 *find_bytes(const guint8 *haystack, gsize length, const guint8 *needle, gsize needle_length)
{
    const guint8 *end = haystack + length;
    for (const guint8 *cursor = haystack; (gsize)(end - cursor) >= needle_length; cursor++) {
        cursor = memchr(cursor, needle[0], (gsize)(end - cursor) - needle_length + 1);
        if (!cursor)
            return NULL;
        if (memcmp(cursor, needle, needle_length) == 0)
            return cursor;
    }
    return NULL;
}

/* The payload of a frame the follow taps did not see, found after its
 * transport header in the frame's bytes: header holds the header's first
 * bytes as on the wire (ports, then sequence and acknowledgement numbers or
 * length and checksum), which no earlier header of the frame repeats.  Runs
 * for one frame per capture at most, never in steady state. */
static void take_payload_from_frame(packet_info *pinfo, const guint8 *header, gsize header_length,
                                    guint header_size, guint32 payload_size, triage_flow_packet *packet)
{
    tvbuff_t *frame;
    const guint8 *bytes, *found;
    guint captured;
    gsize offset;
    if (!pinfo->data_src || payload_size == 0)
        return;
    frame = get_data_source_tvb((struct data_source *)pinfo->data_src->data);
    captured = frame ? tvb_captured_length(frame) : 0;
    if (captured == 0)
        return;
    bytes = tvb_get_ptr(frame, 0, captured);
    found = find_bytes(bytes, captured, header, header_length);
    if (!found)
        return;
    offset = (gsize)(found - bytes) + header_size;
    if (offset < captured)
        set_payload(bytes + offset, MIN(payload_size, (guint32)(captured - offset)), packet);
}

static void take_tcp_payload_from_frame(packet_info *pinfo, const tcp_info_t *tcp, triage_flow_packet *packet)
{
    guint8 header[12];
    put_big_endian(header, tcp->th_sport, 2);
    put_big_endian(header + 2, tcp->th_dport, 2);
    put_big_endian(header + 4, tcp->th_rawseq, 4);
    put_big_endian(header + 8, tcp->th_rawack, 4);
    take_payload_from_frame(pinfo, header, sizeof header, tcp->th_hlen, tcp->th_seglen, packet);
}

static void take_udp_payload_from_frame(packet_info *pinfo, const e_udphdr *udp, triage_flow_packet *packet)
{
    guint8 header[8];
    put_big_endian(header, udp->uh_sport, 2);
    put_big_endian(header + 2, udp->uh_dport, 2);
    put_big_endian(header + 4, udp->uh_ulen, 2);
    put_big_endian(header + 6, udp->uh_sum, 2);
    if (udp->uh_ulen > 8)
        take_payload_from_frame(pinfo, header, sizeof header, 8, udp->uh_ulen - 8, packet);
}

static void take_payload(int follow_tap, gboolean is_tcp, triage_flow_packet *packet)
{
    const void *data = last_tapped(follow_tap, NULL);
    tvbuff_t *payload;
    guint length;
    if (!data)
        return;
    payload = is_tcp ? ((const tcp_follow_payload_view *)data)->payload : (tvbuff_t *)data;
    if (!payload)
        return;
    length = MIN(tvb_captured_length(payload), TRIAGE_PAYLOAD_PREFIX_BYTES);
    set_payload(tvb_get_ptr(payload, 0, length), length, packet);
}

/* Fills packet from the innermost flow of the frame; FALSE for non-IP. */
static gboolean describe_flow(packet_info *pinfo, const layer_scan *scan,
                              triage_flow_packet *packet, const tcp_info_t **tcp_out)
{
    *tcp_out = NULL;
    if (scan->first_icmp >= 0) {
        /* ICMP (errors included) belongs to the IP header right before it. */
        if (scan->icmp_over_ipv6) {
            const ws_ip6 *ip6 = fetch_tapped_data(ids.tap_ipv6, scan->ip_before_icmp);
            if (!ip6 || !copy_ip_address(&ip6->ip6_src, &packet->source) ||
                !copy_ip_address(&ip6->ip6_dst, &packet->destination))
                return FALSE;
            packet->transport = TRIAGE_TRANSPORT_ICMPV6;
        } else {
            const ws_ip4 *ip4 = fetch_tapped_data(ids.tap_ip, scan->ip_before_icmp);
            if (!ip4 || !copy_ip_address(&ip4->ip_src, &packet->source) ||
                !copy_ip_address(&ip4->ip_dst, &packet->destination))
                return FALSE;
            packet->transport = TRIAGE_TRANSPORT_ICMP;
        }
        return TRUE;
    }
    if (scan->last_tcp >= 0 && scan->last_tcp > scan->last_udp) {
        const tcp_info_t *tcp = last_tapped(ids.tap_tcp, NULL);
        if (!tcp || !copy_ip_address(&tcp->ip_src, &packet->source) ||
            !copy_ip_address(&tcp->ip_dst, &packet->destination))
            return FALSE;
        packet->transport = TRIAGE_TRANSPORT_TCP;
        packet->stream = tcp->th_stream;
        packet->source_port = tcp->th_sport;
        packet->destination_port = tcp->th_dport;
        packet->tcp_flags = tcp->th_flags;
        if (tcp->th_have_seglen && tcp->th_seglen) {
            if (payload_taps_missed_this_frame)
                take_tcp_payload_from_frame(pinfo, tcp, packet);
            else
                take_payload(ids.tap_tcp_follow, TRUE, packet);
        }
        *tcp_out = tcp;
        return TRUE;
    }
    if (scan->last_udp >= 0) {
        const e_udphdr *udp = last_tapped(ids.tap_udp, NULL);
        if (!udp || !copy_ip_address(&udp->ip_src, &packet->source) ||
            !copy_ip_address(&udp->ip_dst, &packet->destination))
            return FALSE;
        packet->transport = TRIAGE_TRANSPORT_UDP;
        packet->stream = udp->uh_stream;
        packet->source_port = udp->uh_sport;
        packet->destination_port = udp->uh_dport;
        if (payload_taps_missed_this_frame)
            take_udp_payload_from_frame(pinfo, udp, packet);
        else
            take_payload(ids.tap_udp_follow, FALSE, packet);
        return TRUE;
    }
    /* Another IP protocol (GRE, ESP, …): the innermost IP header. */
    if (scan->last_ip_position >= 0 && scan->last_ip_position > scan->last_ipv6_position) {
        const ws_ip4 *ip4 = fetch_tapped_data(ids.tap_ip, scan->last_ip_index);
        if (!ip4 || !copy_ip_address(&ip4->ip_src, &packet->source) ||
            !copy_ip_address(&ip4->ip_dst, &packet->destination))
            return FALSE;
        packet->transport = ip4->ip_proto;
        return TRUE;
    }
    if (scan->last_ipv6_position >= 0) {
        const ws_ip6 *ip6 = fetch_tapped_data(ids.tap_ipv6, scan->last_ipv6_index);
        if (!ip6 || !copy_ip_address(&ip6->ip6_src, &packet->source) ||
            !copy_ip_address(&ip6->ip6_dst, &packet->destination))
            return FALSE;
        packet->transport = ip6->ip6_nxt;
        return TRUE;
    }
    return FALSE;
}

static frame_marks *marks_for(guint32 frame, gboolean grow)
{
    if (frame >= state.marks->len) {
        if (!grow)
            return NULL;
        /* GArray grows its allocation geometrically and zeroes only the
         * marks in use. */
        g_array_set_size(state.marks, frame + 1);
    }
    return &g_array_index(state.marks, frame_marks, frame);
}

static void view_from_marks(guint32 frame, const frame_marks *marks, triage_frame_view *view)
{
    view->connection = NULL;
    view->handshake = NULL;
    view->policy_rule = marks->policy_rule;
    view->policy_violation = (marks->flags & MARK_VIOLATION) != 0;
    view->policy_raise_expert = (marks->flags & MARK_RAISE_EXPERT) != 0;
    view->policy_provisional = (marks->flags & MARK_PROVISIONAL) != 0;
    view->policy_port_only = (marks->flags & MARK_PORT_ONLY) != 0;
    view->policy_evidence = marks->policy_evidence;
    if (marks->connection != TRIAGE_NO_CONNECTION) {
        view->connection = triage_connection_table_get(state.connections, marks->connection);
        if (view->connection && view->connection->transport == TRIAGE_TRANSPORT_TCP)
            /* A stream can hold more than one handshake attempt. */
            view->handshake = triage_handshake_engine_find(state.handshakes, view->connection->stream, frame);
    }
}

static void policy_step(const triage_flow_packet *packet, const triage_connection *connection,
                        gboolean to_server, const int *layer_ids, guint layer_count,
                        guint64 filter_bits, gboolean keep_marks, triage_frame_view *view)
{
    triage_policy_verdict verdict = triage_policy_engine_add_packet(
        state.policy_engine, connection, to_server, packet, layer_ids, layer_count, filter_bits);
    if (view) {
        view->policy_rule = verdict.rule;
        view->policy_violation = verdict.violation;
        view->policy_raise_expert = verdict.raise_expert;
        view->policy_provisional = verdict.provisional;
        view->policy_port_only = verdict.port_only;
        view->policy_evidence = verdict.evidence;
    }
    if (keep_marks) {
        frame_marks *marks = marks_for(packet->frame, TRUE);
        marks->policy_rule = (gint16)verdict.rule;
        marks->flags = (guint8)(MARK_STORED | (verdict.violation ? MARK_VIOLATION : 0) |
                                (verdict.raise_expert ? MARK_RAISE_EXPERT : 0) |
                                (verdict.provisional ? MARK_PROVISIONAL : 0) |
                                (verdict.port_only ? MARK_PORT_ONLY : 0));
        marks->policy_evidence = (guint8)verdict.evidence;
    }
}

/* Filter rules need this frame's tap results, which come after us: keep a
 * copy of what the policy needs (the payload prefix included, the frame's
 * buffers are gone by then) and judge it when the next frame arrives. */
static void defer_policy_step(const triage_flow_packet *packet, const triage_connection *connection,
                              gboolean to_server, const layer_scan *scan, gboolean keep_marks)
{
    struct pending_frame *pending = &state.pending;
    pending->valid = TRUE;
    pending->keep_marks = keep_marks;
    pending->connection = connection ? connection->index : TRIAGE_NO_CONNECTION;
    pending->to_server = to_server;
    pending->filter_bits = 0;
    pending->packet = *packet;
    if (packet->payload_length) {
        memcpy(pending->payload, packet->payload, packet->payload_length);
        pending->packet.payload = pending->payload;
    }
    memcpy(pending->layer_ids, scan->layer_ids, scan->layer_count * sizeof(int));
    pending->layer_count = scan->layer_count;
}

void triage_glue_flush(void)
{
    struct pending_frame *pending = &state.pending;
    const triage_connection *connection = NULL;
    if (!state.started || !pending->valid)
        return;
    pending->valid = FALSE;
    if (pending->connection != TRIAGE_NO_CONNECTION)
        connection = triage_connection_table_get(state.connections, pending->connection);
    policy_step(&pending->packet, connection, pending->to_server, pending->layer_ids,
                pending->layer_count, pending->filter_bits, pending->keep_marks, NULL);
}

gboolean triage_glue_process_frame(packet_info *pinfo, gboolean keep_marks, triage_frame_view *view)
{
    guint32 frame = pinfo->num;
    layer_scan scan;
    triage_flow_packet packet;
    const tcp_info_t *tcp;
    triage_connection *connection;
    gboolean to_server = FALSE;
    frame_marks marks = { TRIAGE_NO_CONNECTION, -1, MARK_STORED, 0 };

    memset(view, 0, sizeof *view);
    view->policy_rule = -1;
    if (!state.started)
        return FALSE;

    if (frame_was_processed(frame)) {
        const frame_marks *stored = marks_for(frame, FALSE);
        /* A frame dissected again means the reading pass has moved on (the
         * GUI shows a packet, or refilters after loading): name the
         * connections still waiting (unanswered, incomplete).  A segment
         * that arrives later reopens its record, so this is never wrong
         * for long. */
        if (!state.finished) {
            triage_handshake_engine_finish(state.handshakes);
            state.finished = TRUE;
        }
        gboolean was_stored = stored != NULL && (stored->flags & MARK_STORED);
        state.last_connection = was_stored ? stored->connection : TRIAGE_NO_CONNECTION;
        state.last_tcp_stream = TRIAGE_NO_CONNECTION;
        if (!was_stored)
            return FALSE;
        view_from_marks(frame, stored, view);
        if (view->connection && view->connection->transport == TRIAGE_TRANSPORT_TCP)
            state.last_tcp_stream = view->connection->stream;
        return view->connection != NULL || view->policy_rule >= 0;
    }

    /* The engines may start only now (a filter or field names triage,
     * -z expert): the follow taps listen from the next frame on. */
    payload_taps_missed_this_frame = !payload_helpers_registered;
    triage_glue_want_payloads();
    triage_glue_flush();
    scan_layers(pinfo, &scan);
    /* What an ICMP error quotes (a DHT query, a TCP SYN) is not what this
     * flow carries: the policy sees the layers up to ICMP only. */
    if (scan.first_icmp >= 0)
        scan.layer_count = (guint)scan.first_icmp + 1;
    memset(&packet, 0, sizeof packet);
    packet.frame = frame;
    packet.time = time_of(&pinfo->abs_ts);
    packet.frame_length = pinfo->fd->pkt_len;

    if (!describe_flow(pinfo, &scan, &packet, &tcp)) {
        /* An IP frame without tap data is a dissection with taps off (the
         * first pass of tshark -2): leave it for the pass that has them. */
        if (scan.last_ip_position >= 0 || scan.last_ipv6_position >= 0)
            return FALSE;
        connection = NULL;
    } else {
        connection = triage_connection_table_add_packet(state.connections, &packet, &to_server);
    }

    mark_frame_processed(frame);
    state.finished = FALSE;
    if (state.packets == 0 || packet.time < state.first_time)
        state.first_time = packet.time;
    if (state.packets == 0 || packet.time > state.last_time)
        state.last_time = packet.time;
    state.packets++;

    state.last_connection = connection ? connection->index : TRIAGE_NO_CONNECTION;
    state.last_tcp_stream = TRIAGE_NO_CONNECTION;
    if (connection) {
        marks.connection = connection->index;
        view->connection = connection;
    }

    if (tcp) {
        triage_tcp_segment segment;
        segment.frame = frame;
        segment.time = packet.time;
        segment.stream = tcp->th_stream;
        segment.flags = tcp->th_flags;
        segment.seq = tcp->th_rawseq;
        segment.ack = tcp->th_rawack;
        segment.payload_length = tcp->th_have_seglen ? tcp->th_seglen : 0;
        segment.source = packet.source;
        segment.destination = packet.destination;
        segment.source_port = packet.source_port;
        segment.destination_port = packet.destination_port;
        if (connection) {
            view->handshake = triage_handshake_engine_add_segment(state.handshakes, &segment);
            state.last_tcp_stream = tcp->th_stream;
        } else {
            /* Over the connection table's bound: the RTT report counts it
             * as not tracked, like the other reports. */
            triage_handshake_engine_add_untracked_segment(state.handshakes, &segment);
        }
    }

    if (keep_marks)
        *marks_for(frame, TRUE) = marks;
    if (state.policy_engine) {
        if (state.filter_listeners && state.filter_listeners->len)
            defer_policy_step(&packet, connection, to_server, &scan, keep_marks);
        else
            policy_step(&packet, connection, to_server, scan.layer_ids, scan.layer_count, 0,
                        keep_marks, view);
    }
    return view->connection != NULL || view->policy_rule >= 0;
}

guint32 triage_glue_last_frame_connection(void) { return state.last_connection; }
guint32 triage_glue_last_frame_tcp_stream(void) { return state.last_tcp_stream; }
triage_connection_table *triage_glue_connections(void) { return state.connections; }
triage_handshake_engine *triage_glue_handshakes(void) { return state.handshakes; }
triage_policy_engine *triage_glue_policy_engine(void) { return state.policy_engine; }
const triage_policy *triage_glue_policy(void) { return state.settings.policy; }
const triage_glue_settings *triage_glue_current_settings(void) { return &state.settings; }
guint64 triage_glue_packet_count(void) { return state.packets; }
triage_time triage_glue_first_time(void) { return state.first_time; }
triage_time triage_glue_last_time(void) { return state.last_time; }
