/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "scheduler.h"

#include <string.h>

#include "capgen_random.h"
#include "pcap_writer.h"
#include "truth_writer.h"


#define TCP_HEADER 20
#define UDP_HEADER 8
#define ICMP_HEADER 8
#define MAX_PAYLOAD 1460
/* RFC 1812 asks routers to quote as much as fits in 576 bytes. */
#define MAX_QUOTE 548

static const guint8 client_mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
static const guint8 router_mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0xfe };

typedef struct scheduler {
    const capgen_output *output;
    capgen_pcap_writer pcap;
    capgen_truth_writer truth;
    GPtrArray *heap; /* of capgen_flow*, earliest next step first */
    guint64 admitted;
    guint64 tcp_streams;
    guint64 udp_streams;
    guint8 frame[CAPGEN_MAX_FRAME];
} scheduler;

/* ---- the heap ------------------------------------------------------------ */

static gboolean earlier(const capgen_flow *a, const capgen_flow *b)
{
    if (a->next_time_ns != b->next_time_ns)
        return a->next_time_ns < b->next_time_ns;
    return a->admission_order < b->admission_order;
}

static void heap_push(GPtrArray *heap, capgen_flow *flow)
{
    g_ptr_array_add(heap, flow);
    guint at = heap->len - 1;
    while (at > 0) {
        guint parent = (at - 1) / 2;
        if (!earlier(heap->pdata[at], heap->pdata[parent]))
            break;
        gpointer swap = heap->pdata[at];
        heap->pdata[at] = heap->pdata[parent];
        heap->pdata[parent] = swap;
        at = parent;
    }
}

static capgen_flow *heap_pop(GPtrArray *heap)
{
    capgen_flow *top = heap->pdata[0];
    heap->pdata[0] = heap->pdata[heap->len - 1];
    g_ptr_array_set_size(heap, heap->len - 1);
    guint at = 0;
    for (;;) {
        guint smallest = at, left = 2 * at + 1, right = left + 1;
        if (left < heap->len && earlier(heap->pdata[left], heap->pdata[smallest]))
            smallest = left;
        if (right < heap->len && earlier(heap->pdata[right], heap->pdata[smallest]))
            smallest = right;
        if (smallest == at)
            break;
        gpointer swap = heap->pdata[at];
        heap->pdata[at] = heap->pdata[smallest];
        heap->pdata[smallest] = swap;
        at = smallest;
    }
    return top;
}

/* ---- building frames ----------------------------------------------------- */

static void put16(guint8 *out, guint16 value)
{
    out[0] = (guint8)(value >> 8);
    out[1] = (guint8)value;
}

static void put32(guint8 *out, guint32 value)
{
    put16(out, (guint16)(value >> 16));
    put16(out + 2, (guint16)value);
}

static void layout_for(const scheduler *state, capgen_flow *flow, capgen_direction direction,
                       capgen_layout *layout)
{
    memset(layout, 0, sizeof *layout);
    gboolean to_server = direction == CAPGEN_TO_SERVER;
    layout->raw_ip = state->output->raw_ip;
    layout->vlan = flow->vlan ? flow->vlan : state->output->vlan;
    memcpy(layout->source_mac, to_server ? client_mac : router_mac, 6);
    memcpy(layout->destination_mac, to_server ? router_mac : client_mac, 6);
    layout->source = to_server ? flow->client : flow->server;
    layout->destination = to_server ? flow->server : flow->client;
    layout->gre = flow->gre;
    layout->gre_source = to_server ? flow->gre_client_side : flow->gre_server_side;
    layout->gre_destination = to_server ? flow->gre_server_side : flow->gre_client_side;
    /* The client is the capturing host; the server is a few hops away. */
    layout->ttl = to_server ? 64 : 53;
    layout->ip_id = flow->ip_id[direction]++;
}

/* MSS, NOP, window scale, NOP, NOP, SACK permitted: 12 bytes, like a
 * typical stack minus timestamps (which would only add noise to Wireshark's
 * analysis), and the TCP Fast Open option (RFC 7413) when asked for. */
static guint write_syn_options(guint8 *out, const capgen_flow *flow, capgen_tcp_options options)
{
    guint16 mss = flow->client.version == 6 ? 1440 : 1460;
    const guint8 standard[12] = { 2, 4, (guint8)(mss >> 8), (guint8)mss, 1, 3, 3, 7, 1, 1, 4, 2 };
    memcpy(out, standard, sizeof standard);
    guint length = sizeof standard;
    if (options == CAPGEN_OPTIONS_FAST_OPEN) {
        const guint8 cookie[12] = { 34, 10, 0x5a, 0x1c, 0x0f, 0xee, 0x42, 0x17, 0x9d, 0x03, 1, 1 };
        memcpy(out + length, cookie, sizeof cookie);
        length += sizeof cookie;
    } else if (options == CAPGEN_OPTIONS_FAST_OPEN_REQUEST) {
        const guint8 request[4] = { 34, 2, 1, 1 };
        memcpy(out + length, request, sizeof request);
        length += sizeof request;
    }
    return length;
}

typedef struct tcp_fields {
    guint8 flags;
    guint32 sequence;
    guint32 acknowledgement;
} tcp_fields;

static guint build_tcp(scheduler *state, capgen_flow *flow, const capgen_step *step,
                       const capgen_layout *layout, tcp_fields *fields)
{
    int direction = step->direction;
    int peer = 1 - direction;
    guint8 *segment = capgen_frame_transport(state->frame, layout);
    guint options_length = 0;
    if ((step->tcp_flags & CAPGEN_TCP_SYN) && step->options != CAPGEN_OPTIONS_NONE)
        options_length = write_syn_options(segment + TCP_HEADER, flow, step->options);
    guint header_length = TCP_HEADER + options_length;

    /* A SYN always carries the initial sequence number, so a retransmitted
     * SYN is byte-identical to the first in its TCP header. */
    guint32 sequence;
    if (step->tcp_flags & CAPGEN_TCP_SYN) {
        sequence = flow->isn[direction];
        flow->next_sequence[direction] = sequence + 1 + step->payload_length;
    } else {
        sequence = flow->next_sequence[direction];
        flow->next_sequence[direction] += step->payload_length + ((step->tcp_flags & CAPGEN_TCP_FIN) ? 1 : 0);
    }
    guint32 acknowledgement = (step->tcp_flags & CAPGEN_TCP_ACK) ? flow->next_sequence[peer] : 0;

    put16(segment, direction == CAPGEN_TO_SERVER ? flow->client_port : flow->server_port);
    put16(segment + 2, direction == CAPGEN_TO_SERVER ? flow->server_port : flow->client_port);
    put32(segment + 4, sequence);
    put32(segment + 8, acknowledgement);
    segment[12] = (guint8)((header_length / 4) << 4);
    segment[13] = step->tcp_flags;
    guint16 window = (step->tcp_flags & CAPGEN_TCP_RST) ? 0
                     : (step->tcp_flags & CAPGEN_TCP_SYN) ? (direction == CAPGEN_TO_SERVER ? 64240 : 65160)
                                                  : 502;
    put16(segment + 14, window);
    put16(segment + 16, 0);
    put16(segment + 18, 0);
    capgen_payload_write(segment + header_length, capgen_payload_kind_for_port(flow->server_port),
                         direction == CAPGEN_TO_SERVER, step->payload_length,
                         flow->admission_order * 64 + flow->next_step);

    fields->flags = step->tcp_flags;
    fields->sequence = sequence;
    fields->acknowledgement = acknowledgement;
    return capgen_frame_complete(state->frame, layout, CAPGEN_PROTOCOL_TCP,
                                 header_length + step->payload_length);
}

static guint build_udp(scheduler *state, capgen_flow *flow, const capgen_step *step,
                       const capgen_layout *layout)
{
    guint8 *datagram = capgen_frame_transport(state->frame, layout);
    gboolean to_server = step->direction == CAPGEN_TO_SERVER;
    guint payload_length;
    if (capgen_payload_kind_for_port(flow->server_port) == CAPGEN_PAYLOAD_DNS) {
        /* Query and answer of one exchange share their name and id. */
        guint64 exchange = flow->admission_order * 64 + flow->next_step / 2;
        payload_length = capgen_dns_write(datagram + UDP_HEADER, to_server,
                                          flow->client.version == 6, exchange);
    } else {
        payload_length = step->payload_length;
        capgen_payload_write(datagram + UDP_HEADER, CAPGEN_PAYLOAD_TEXT, to_server, payload_length,
                             flow->admission_order);
    }
    put16(datagram, to_server ? flow->client_port : flow->server_port);
    put16(datagram + 2, to_server ? flow->server_port : flow->client_port);
    put16(datagram + 4, (guint16)(UDP_HEADER + payload_length));
    put16(datagram + 6, 0);
    return capgen_frame_complete(state->frame, layout, CAPGEN_PROTOCOL_UDP,
                                 UDP_HEADER + payload_length);
}

static guint build_icmp_echo(scheduler *state, capgen_flow *flow, const capgen_step *step,
                             const capgen_layout *layout)
{
    guint8 *message = capgen_frame_transport(state->frame, layout);
    gboolean v6 = flow->client.version == 6;
    gboolean request = step->direction == CAPGEN_TO_SERVER;
    message[0] = v6 ? (request ? 128 : 129) : (request ? 8 : 0);
    message[1] = 0;
    put16(message + 2, 0);
    put16(message + 4, flow->client_port); /* identifier */
    put16(message + 6, (guint16)(flow->next_step / 2 + 1));
    /* Ping's payload is a counting pattern. */
    for (guint i = 0; i < step->payload_length; i++)
        message[ICMP_HEADER + i] = (guint8)(0x10 + i);
    return capgen_frame_complete(state->frame, layout,
                                 v6 ? CAPGEN_PROTOCOL_ICMPV6 : CAPGEN_PROTOCOL_ICMP,
                                 ICMP_HEADER + step->payload_length);
}

/* Port unreachable from the reporter to the client, quoting the last packet
 * the client sent (what iptables' default REJECT answers a TCP SYN with). */
static guint build_icmp_error(scheduler *state, capgen_flow *flow, capgen_layout *layout)
{
    if (!flow->quoted_datagram)
        g_error("an ICMP error step needs an earlier packet to the server");
    layout->source = flow->icmp_reporter;
    layout->gre = FALSE;
    guint8 *message = capgen_frame_transport(state->frame, layout);
    gboolean v6 = flow->client.version == 6;
    message[0] = v6 ? 1 : 3;
    message[1] = v6 ? 4 : 3;
    put16(message + 2, 0);
    put32(message + 4, 0);
    memcpy(message + ICMP_HEADER, flow->quoted_datagram, flow->quoted_length);
    return capgen_frame_complete(state->frame, layout,
                                 v6 ? CAPGEN_PROTOCOL_ICMPV6 : CAPGEN_PROTOCOL_ICMP,
                                 ICMP_HEADER + flow->quoted_length);
}

/* ---- writing steps -------------------------------------------------------- */

static gboolean flow_has_step(const capgen_flow *flow, capgen_step_kind kind)
{
    for (guint i = 0; i < flow->step_count; i++)
        if (flow->steps[i].kind == kind)
            return TRUE;
    return FALSE;
}

static void admit(scheduler *state, capgen_flow *flow)
{
    if (!flow->step_count)
        g_error("a scenario produced a flow without steps");
    flow->admission_order = state->admitted++;
    guint64 seed = state->output->seed;
    for (int direction = 0; direction < 2; direction++) {
        guint64 mixed = capgen_hash(seed, flow->admission_order * 2 + (guint64)direction);
        flow->isn[direction] = (guint32)mixed;
        flow->next_sequence[direction] = flow->isn[direction];
        flow->ip_id[direction] = (guint16)(mixed >> 32);
    }
    if (flow_has_step(flow, CAPGEN_STEP_DUPLICATE))
        flow->previous_frame = g_malloc(CAPGEN_MAX_FRAME);
    if (flow_has_step(flow, CAPGEN_STEP_ICMP_ERROR))
        flow->quoted_datagram = g_malloc(MAX_QUOTE);
    flow->next_time_ns = flow->start_ns + flow->steps[0].delay_ns;
    heap_push(state->heap, flow);
}

static void assign_stream(scheduler *state, capgen_flow *flow)
{
    if (flow->truth.first.frame)
        return;
    if (flow->kind == CAPGEN_FLOW_TCP && flow->continues_stream && state->tcp_streams > 0)
        flow->truth.stream = (gint64)state->tcp_streams - 1;
    else if (flow->kind == CAPGEN_FLOW_TCP)
        flow->truth.stream = (gint64)state->tcp_streams++;
    else if (flow->kind == CAPGEN_FLOW_UDP)
        flow->truth.stream = (gint64)state->udp_streams++;
}

static void write_step(scheduler *state, capgen_flow *flow)
{
    const capgen_step *step = &flow->steps[flow->next_step];
    gint64 time_ns = flow->next_time_ns + step->stamp_skew_ns;
    guint32 frame_number = (guint32)(state->pcap.records + 1);

    if (step->kind == CAPGEN_STEP_ZERO_RECORD) {
        capgen_pcap_write(&state->pcap, time_ns, state->frame, 0, step->payload_length);
        return;
    }
    if (step->payload_length > MAX_PAYLOAD)
        g_error("a step asks for %u payload bytes; at most %u fit a frame", step->payload_length,
                MAX_PAYLOAD);

    capgen_layout layout;
    layout_for(state, flow, step->direction, &layout);
    tcp_fields fields = { 0 };
    capgen_direction direction = step->direction;
    guint length;
    const guint8 *bytes = state->frame;
    switch (step->kind) {
    case CAPGEN_STEP_ICMP_ERROR:
        length = build_icmp_error(state, flow, &layout);
        capgen_pcap_write(&state->pcap, time_ns, bytes, length, length);
        capgen_flow_truth_count(&flow->icmp_error_truth, frame_number, time_ns, CAPGEN_TO_SERVER,
                                length);
        return;
    case CAPGEN_STEP_DUPLICATE:
        if (!flow->previous_frame_length)
            g_error("a duplicate step needs an earlier frame in its flow");
        bytes = flow->previous_frame;
        length = flow->previous_frame_length;
        fields.flags = flow->previous_flags;
        fields.sequence = flow->previous_sequence;
        fields.acknowledgement = flow->previous_acknowledgement;
        direction = flow->previous_direction;
        break;
    default:
        if (flow->kind == CAPGEN_FLOW_TCP)
            length = build_tcp(state, flow, step, &layout, &fields);
        else if (flow->kind == CAPGEN_FLOW_UDP)
            length = build_udp(state, flow, step, &layout);
        else
            length = build_icmp_echo(state, flow, step, &layout);
        break;
    }
    capgen_pcap_write(&state->pcap, time_ns, bytes, length, length);
    assign_stream(state, flow);
    capgen_flow_truth_count(&flow->truth, frame_number, time_ns, direction, length);
    if (flow->kind == CAPGEN_FLOW_TCP)
        capgen_flow_truth_tcp(&flow->truth, frame_number, time_ns, direction, fields.flags,
                              fields.sequence, fields.acknowledgement);

    if (flow->previous_frame && bytes != flow->previous_frame) {
        memcpy(flow->previous_frame, bytes, length);
        flow->previous_frame_length = length;
        flow->previous_direction = (guint8)direction;
        flow->previous_flags = fields.flags;
        flow->previous_sequence = fields.sequence;
        flow->previous_acknowledgement = fields.acknowledgement;
    }
    if (flow->quoted_datagram && direction == CAPGEN_TO_SERVER) {
        guint ip_offset = capgen_frame_ip_offset(&layout);
        flow->quoted_length = MIN(length - ip_offset, MAX_QUOTE);
        memcpy(flow->quoted_datagram, bytes + ip_offset, flow->quoted_length);
    }
}

static void check_expectations(const capgen_flow *flow)
{
    if (flow->kind != CAPGEN_FLOW_TCP)
        return;
    capgen_outcome outcome = capgen_flow_truth_outcome(&flow->truth);
    capgen_ambiguity ambiguity = capgen_flow_truth_ambiguity(&flow->truth);
    if (outcome == flow->expected_outcome && ambiguity == flow->expected_ambiguity)
        return;
    char client[64];
    capgen_address_format(&flow->client, client, sizeof client);
    g_error("the script of the connection from %s:%u (first frame %u) means %s/%s but its "
            "frames say %s/%s",
            client, flow->client_port, flow->truth.first.frame,
            capgen_outcome_name(flow->expected_outcome),
            capgen_ambiguity_name(flow->expected_ambiguity), capgen_outcome_name(outcome),
            capgen_ambiguity_name(ambiguity));
}

static void finish(scheduler *state, capgen_flow *flow)
{
    check_expectations(flow);
    if (!flow->claim_stream)
        flow->truth.stream = -1;
    capgen_truth_write_flow(&state->truth, flow);
    capgen_flow_free(flow);
}

/* Writes the flow's next step, then puts it back or retires it. */
static void advance(scheduler *state, capgen_flow *flow)
{
    write_step(state, flow);
    flow->next_step++;
    if (flow->next_step == flow->step_count) {
        finish(state, flow);
        return;
    }
    flow->next_time_ns += flow->steps[flow->next_step].delay_ns;
    heap_push(state->heap, flow);
}

gboolean capgen_schedule(const capgen_output *output, capgen_flow_source *source,
                         capgen_totals *totals, char **error_out)
{
    scheduler *state = g_new0(scheduler, 1);
    state->output = output;
    state->heap = g_ptr_array_new();
    gboolean ok = capgen_pcap_open(&state->pcap, output->pcap_path, output->snaplen,
                                   output->raw_ip ? CAPGEN_LINKTYPE_RAW : CAPGEN_LINKTYPE_ETHERNET,
                                   error_out);
    if (ok && !capgen_truth_open(&state->truth, output->truth_path, output->sorted_truth,
                                 error_out)) {
        capgen_pcap_close(&state->pcap, error_out);
        ok = FALSE;
    }

    if (ok) {
        /* A flow joins the heap once no step in progress comes before its
         * start, which keeps the heap as small as the overlap of flows. */
        capgen_flow *pending = source->next(source->state);
        while (pending || state->heap->len) {
            if (pending && (!state->heap->len ||
                            pending->start_ns <= ((capgen_flow *)state->heap->pdata[0])->next_time_ns)) {
                admit(state, pending);
                pending = source->next(source->state);
                continue;
            }
            advance(state, heap_pop(state->heap));
        }
        totals->frames = state->pcap.records;
        totals->tcp_streams = state->tcp_streams;
        totals->udp_streams = state->udp_streams;
        ok = capgen_truth_close(&state->truth, error_out);
        char *pcap_error = NULL;
        if (!capgen_pcap_close(&state->pcap, &pcap_error)) {
            if (ok)
                *error_out = pcap_error;
            else
                g_free(pcap_error);
            ok = FALSE;
        }
    }
    if (source->free_state)
        source->free_state(source->state);
    g_ptr_array_free(state->heap, TRUE);
    g_free(state);
    return ok;
}
