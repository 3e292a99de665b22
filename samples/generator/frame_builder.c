/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "frame_builder.h"

#include <arpa/inet.h>
#include <string.h>

#include "checksum.h"

#define ETHERNET_HEADER 14
#define VLAN_TAG 4
#define IPV4_HEADER 20
#define IPV6_HEADER 40
#define GRE_HEADER 4
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100

static void put16(guint8 *out, guint16 value)
{
    out[0] = (guint8)(value >> 8);
    out[1] = (guint8)value;
}

static guint ip_header_length(const capgen_address *address)
{
    return address->version == 6 ? IPV6_HEADER : IPV4_HEADER;
}

static guint link_length(const capgen_layout *layout)
{
    if (layout->raw_ip)
        return 0;
    return ETHERNET_HEADER + (layout->vlan ? VLAN_TAG : 0);
}

guint capgen_frame_ip_offset(const capgen_layout *layout)
{
    return link_length(layout) + (layout->gre ? IPV4_HEADER + GRE_HEADER : 0);
}

guint8 *capgen_frame_transport(guint8 *frame, const capgen_layout *layout)
{
    return frame + capgen_frame_ip_offset(layout) + ip_header_length(&layout->source);
}

static guint16 ethertype_of(const capgen_address *address)
{
    return address->version == 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
}

/* The pseudo-header sum shared by TCP, UDP and ICMPv6 (RFC 793, 768, 8200). */
static guint32 pseudo_header_sum(const capgen_layout *layout, guint8 protocol, guint length)
{
    guint address_length = layout->source.version == 6 ? 16 : 4;
    guint32 sum = capgen_checksum_add(0, layout->source.bytes, address_length);
    sum = capgen_checksum_add(sum, layout->destination.bytes, address_length);
    guint8 tail[4] = { 0, protocol, (guint8)(length >> 8), (guint8)length };
    if (address_length == 16) {
        guint8 tail6[8] = { (guint8)(length >> 24), (guint8)(length >> 16), (guint8)(length >> 8),
                            (guint8)length, 0, 0, 0, protocol };
        return capgen_checksum_add(sum, tail6, sizeof tail6);
    }
    return capgen_checksum_add(sum, tail, sizeof tail);
}

static void fill_transport_checksum(guint8 *segment, const capgen_layout *layout, guint8 protocol,
                                    guint length)
{
    guint checksum_offset;
    guint32 sum;
    switch (protocol) {
    case CAPGEN_PROTOCOL_TCP:
        checksum_offset = 16;
        sum = pseudo_header_sum(layout, protocol, length);
        break;
    case CAPGEN_PROTOCOL_UDP:
        checksum_offset = 6;
        sum = pseudo_header_sum(layout, protocol, length);
        break;
    case CAPGEN_PROTOCOL_ICMPV6:
        checksum_offset = 2;
        sum = pseudo_header_sum(layout, protocol, length);
        break;
    case CAPGEN_PROTOCOL_ICMP:
        checksum_offset = 2;
        sum = 0; /* ICMPv4 has no pseudo-header */
        break;
    default:
        return;
    }
    put16(segment + checksum_offset, 0);
    guint16 checksum = capgen_checksum_finish(capgen_checksum_add(sum, segment, length));
    /* UDP sends 0 as "no checksum", so a computed 0 goes out as 0xffff. */
    if (protocol == CAPGEN_PROTOCOL_UDP && checksum == 0)
        checksum = 0xffff;
    put16(segment + checksum_offset, checksum);
}

static void write_ipv4_header(guint8 *out, const capgen_address *source,
                              const capgen_address *destination, guint8 protocol,
                              guint payload_length, guint8 ttl, guint16 ip_id)
{
    out[0] = 0x45;
    out[1] = 0;
    put16(out + 2, (guint16)(IPV4_HEADER + payload_length));
    put16(out + 4, ip_id);
    put16(out + 6, 0x4000); /* don't fragment, as every modern stack sends */
    out[8] = ttl;
    out[9] = protocol;
    put16(out + 10, 0);
    memcpy(out + 12, source->bytes, 4);
    memcpy(out + 16, destination->bytes, 4);
    put16(out + 10, capgen_checksum_finish(capgen_checksum_add(0, out, IPV4_HEADER)));
}

static void write_ipv6_header(guint8 *out, const capgen_layout *layout, guint8 protocol,
                              guint payload_length)
{
    out[0] = 0x60;
    out[1] = 0;
    out[2] = 0;
    out[3] = 0;
    put16(out + 4, (guint16)payload_length);
    out[6] = protocol;
    out[7] = layout->ttl;
    memcpy(out + 8, layout->source.bytes, 16);
    memcpy(out + 24, layout->destination.bytes, 16);
}

guint capgen_frame_complete(guint8 *frame, const capgen_layout *layout, guint8 protocol,
                            guint transport_length)
{
    guint ip_offset = capgen_frame_ip_offset(layout);
    guint ip_length = ip_header_length(&layout->source);
    guint8 *ip = frame + ip_offset;
    fill_transport_checksum(ip + ip_length, layout, protocol, transport_length);
    if (layout->source.version == 6)
        write_ipv6_header(ip, layout, protocol, transport_length);
    else
        write_ipv4_header(ip, &layout->source, &layout->destination, protocol, transport_length,
                          layout->ttl, layout->ip_id);

    guint inner_length = ip_length + transport_length;
    guint link = link_length(layout);
    if (layout->gre) {
        guint8 *gre = frame + link + IPV4_HEADER;
        put16(gre, 0); /* no checksum, key or sequence number */
        put16(gre + 2, ethertype_of(&layout->source));
        write_ipv4_header(frame + link, &layout->gre_source, &layout->gre_destination,
                          CAPGEN_PROTOCOL_GRE, GRE_HEADER + inner_length, 64, layout->ip_id);
        inner_length += IPV4_HEADER + GRE_HEADER;
    }

    if (!layout->raw_ip) {
        memcpy(frame, layout->destination_mac, 6);
        memcpy(frame + 6, layout->source_mac, 6);
        guint16 ethertype = layout->gre ? ETHERTYPE_IPV4 : ethertype_of(&layout->source);
        if (layout->vlan) {
            put16(frame + 12, ETHERTYPE_VLAN);
            put16(frame + 14, layout->vlan & 0x0fff);
            put16(frame + 16, ethertype);
        } else {
            put16(frame + 12, ethertype);
        }
    }
    return link + inner_length;
}

gboolean capgen_address_parse(const char *text, capgen_address *out)
{
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, text, out->bytes) == 1) {
        out->version = 4;
        return TRUE;
    }
    if (inet_pton(AF_INET6, text, out->bytes) == 1) {
        out->version = 6;
        return TRUE;
    }
    return FALSE;
}

void capgen_address_format(const capgen_address *address, char *out, gsize size)
{
    if (!inet_ntop(address->version == 6 ? AF_INET6 : AF_INET, address->bytes, out,
                   (socklen_t)size))
        g_strlcpy(out, "?", size);
}
