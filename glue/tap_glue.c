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

#define TRIAGE_MAX_LAYERS 64
/* The policy engine only looks at the start of a payload: its first 512
 * bytes, or with hosts rules up to 16 KB (a ClientHello), see
 * triage_policy_engine_payload_window(). */
static guint32 payload_window = TRIAGE_POLICY_PAYLOAD_WINDOW;

static struct {
    int tap_tcp, tap_udp, tap_ip, tap_ipv6, tap_tcp_follow, tap_udp_follow;
    int proto_ip, proto_ipv6, proto_tcp, proto_udp, proto_icmp, proto_icmpv6, proto_triage;
} ids = { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 };

/* The open capture's session; NULL between captures.  Everything else about
 * a capture lives in it. */
static triage_session *session;

/* Filter rules (the policy's slow path): one frame-tap listener per rule
 * marks the frames its filter matches.  Taps run after the whole
 * dissection, so a frame's policy step waits for them: the judge, a
 * frame-tap listener registered before them, runs after them (Wireshark
 * calls the latest listener first) and hands the session the frame's
 * matches. */
typedef struct filter_listener {
    guint bit;
} filter_listener;

static struct {
    GPtrArray *listeners;       /* filter_listener *, registered */
    gboolean judge_registered;
    guint32 waiting_frame;      /* the frame whose policy step waits; 0 = none */
    guint64 matched;            /* its filter matches so far */
} filters;

static tap_packet_status helper_tap_packet(void *tapdata _U_, packet_info *pinfo _U_,
                                           epan_dissect_t *edt _U_, const void *data _U_,
                                           tap_flags_t flags _U_)
{
    return TAP_PACKET_DONT_REDRAW;
}

static void register_helper(const char *tap_name)
{
    GString *error = register_tap_listener(tap_name, &ids, NULL,
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
    ids.proto_triage = proto_get_id_by_filter_name("triage");
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
    if (filters.waiting_frame == pinfo->num)
        filters.matched |= G_GUINT64_CONSTANT(1) << listener->bit;
    return TAP_PACKET_DONT_REDRAW;
}

static tap_packet_status judge_frame(void *data _U_, packet_info *pinfo, epan_dissect_t *edt _U_,
                                     const void *tap_data _U_, tap_flags_t flags _U_)
{
    if (session && filters.waiting_frame == pinfo->num) {
        triage_session_judge_frame(session, filters.matched);
        filters.waiting_frame = 0;
        filters.matched = 0;
    }
    return TAP_PACKET_DONT_REDRAW;
}

static void register_filter_listeners(const triage_policy *policy)
{
    GString *error = register_tap_listener("frame", &filters, NULL, TL_REQUIRES_NOTHING, NULL, judge_frame,
                                           NULL, NULL);
    if (error) {
        ws_warning("Capture Triage: cannot judge filter rules: %s", error->str);
        g_string_free(error, TRUE);
        return;
    }
    filters.judge_registered = TRUE;
    filters.listeners = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i < triage_policy_rule_count(policy); i++) {
        const triage_policy_rule *rule = triage_policy_rule_at(policy, i);
        filter_listener *listener;
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
        g_ptr_array_add(filters.listeners, listener);
    }
}

static void remove_filter_listeners(void)
{
    if (filters.judge_registered)
        remove_tap_listener(&filters);
    filters.judge_registered = FALSE;
    if (filters.listeners) {
        for (guint i = 0; i < filters.listeners->len; i++)
            remove_tap_listener(g_ptr_array_index(filters.listeners, i));
        g_ptr_array_free(filters.listeners, TRUE);
    }
    filters.listeners = NULL;
    filters.waiting_frame = 0;
    filters.matched = 0;
}

void triage_glue_start(const triage_session_settings *settings)
{
    triage_session_settings with_knowledge = *settings;
    GArray *carrier_ids = g_array_new(FALSE, FALSE, sizeof(int));

    triage_glue_stop();
    for (guint i = 0; triage_policy_carrier_protocols[i]; i++) {
        int id = proto_get_id_by_filter_name(triage_policy_carrier_protocols[i]);
        if (id >= 0)
            g_array_append_val(carrier_ids, id);
    }
    with_knowledge.port_is_service = port_is_service;
    with_knowledge.carrier_protocol_ids = (const int *)carrier_ids->data;
    with_knowledge.carrier_protocol_count = carrier_ids->len;
    session = triage_session_new(&with_knowledge);
    g_array_free(carrier_ids, TRUE);
    payload_window = triage_session_policy_engine(session)
                         ? triage_policy_engine_payload_window(triage_session_policy_engine(session))
                         : TRIAGE_POLICY_PAYLOAD_WINDOW;
    if (settings->policy && triage_policy_filter_rule_count(settings->policy))
        register_filter_listeners(settings->policy);
}

void triage_glue_stop(void)
{
    remove_filter_listeners();
    triage_session_free(session);
    session = NULL;
}

const triage_session *triage_glue_session(void)
{
    return session;
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
        if (id == ids.proto_triage)
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
    guint32 length = MIN(available, payload_window);
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
    length = MIN(tvb_captured_length(payload), payload_window);
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
        packet->tcp_seq = tcp->th_rawseq;
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

gboolean triage_glue_process_frame(packet_info *pinfo, gboolean keep_marks, triage_frame_view *view)
{
    triage_frame_facts facts;
    layer_scan scan;
    const tcp_info_t *tcp;
    gboolean waits;

    if (!session) {
        memset(view, 0, sizeof *view);
        view->policy_rule = -1;
        return FALSE;
    }
    if (triage_session_frame_seen(session, pinfo->num))
        return triage_session_view_again(session, pinfo->num, view);

    /* The engines may start only now (a filter or field names triage,
     * -z expert): the follow taps listen from the next frame on. */
    payload_taps_missed_this_frame = !payload_helpers_registered;
    triage_glue_want_payloads();
    scan_layers(pinfo, &scan);
    /* What an ICMP error quotes (a DHT query, a TCP SYN) is not what this
     * flow carries: the policy sees the layers up to ICMP only. */
    if (scan.first_icmp >= 0)
        scan.layer_count = (guint)scan.first_icmp + 1;
    memset(&facts, 0, sizeof facts);
    facts.packet.frame = pinfo->num;
    facts.packet.time = time_of(&pinfo->abs_ts);
    facts.packet.frame_length = pinfo->fd->pkt_len;
    facts.layer_ids = scan.layer_ids;
    facts.layer_count = scan.layer_count;
    facts.has_flow = describe_flow(pinfo, &scan, &facts.packet, &tcp);
    /* An IP frame without tap data is a dissection with taps off (the first
     * pass of tshark -2): leave it for the pass that has them. */
    if (!facts.has_flow && (scan.last_ip_position >= 0 || scan.last_ipv6_position >= 0)) {
        memset(view, 0, sizeof *view);
        view->policy_rule = -1;
        return FALSE;
    }
    if (tcp) {
        triage_tcp_segment *segment = &facts.segment;
        facts.has_tcp = TRUE;
        segment->frame = pinfo->num;
        segment->time = facts.packet.time;
        segment->stream = tcp->th_stream;
        segment->flags = tcp->th_flags;
        segment->seq = tcp->th_rawseq;
        segment->ack = tcp->th_rawack;
        segment->payload_length = tcp->th_have_seglen ? tcp->th_seglen : 0;
        segment->source = facts.packet.source;
        segment->destination = facts.packet.destination;
        segment->source_port = facts.packet.source_port;
        segment->destination_port = facts.packet.destination_port;
    }
    waits = filters.judge_registered && filters.listeners && filters.listeners->len;
    if (waits) {
        filters.waiting_frame = pinfo->num;
        filters.matched = 0;
    }
    return triage_session_add_frame(session, &facts, keep_marks, waits, view);
}
