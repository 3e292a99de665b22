/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * frame_builder.h — wraps a transport segment in IP (optionally inside
 * IPv4/GRE) and a link header, with correct lengths and checksums.
 *
 * The caller writes the transport header and payload at the pointer
 * capgen_frame_transport() returns, leaving the checksum field zero; then
 * capgen_frame_complete() fills the checksum and every header in front.
 * Building back to front this way needs no copy of the payload.
 */
#ifndef CAPGEN_FRAME_BUILDER_H
#define CAPGEN_FRAME_BUILDER_H

#include <glib.h>

#define CAPGEN_MAX_FRAME 2048

enum {
    CAPGEN_PROTOCOL_ICMP = 1,
    CAPGEN_PROTOCOL_TCP = 6,
    CAPGEN_PROTOCOL_UDP = 17,
    CAPGEN_PROTOCOL_GRE = 47,
    CAPGEN_PROTOCOL_ICMPV6 = 58,
};

/* TCP flag bits, as on the wire. */
enum {
    CAPGEN_TCP_FIN = 0x01,
    CAPGEN_TCP_SYN = 0x02,
    CAPGEN_TCP_RST = 0x04,
    CAPGEN_TCP_PSH = 0x08,
    CAPGEN_TCP_ACK = 0x10,
};

typedef struct capgen_address {
    guint8 version; /* 4 or 6 */
    guint8 bytes[16];
} capgen_address;

typedef struct capgen_layout {
    gboolean raw_ip;              /* no link header (LINKTYPE_RAW) */
    guint16 vlan;                 /* 802.1Q VLAN id, 0 = untagged */
    guint8 source_mac[6];
    guint8 destination_mac[6];
    /* GRE: the IP packet travels inside IPv4/GRE between these two. */
    gboolean gre;
    capgen_address gre_source;
    capgen_address gre_destination;
    capgen_address source;
    capgen_address destination;
    guint8 ttl;
    guint16 ip_id;
} capgen_layout;

/* Where the transport segment starts in 'frame'. */
guint8 *capgen_frame_transport(guint8 *frame, const capgen_layout *layout);
/* Finishes the frame; returns its total length. */
guint capgen_frame_complete(guint8 *frame, const capgen_layout *layout, guint8 protocol,
                            guint transport_length);
/* Offset of the (inner) IP header in the frame, for ICMP errors that quote it. */
guint capgen_frame_ip_offset(const capgen_layout *layout);

gboolean capgen_address_parse(const char *text, capgen_address *out);
/* Writes the address in the form Wireshark shows (RFC 5952 for IPv6). */
void capgen_address_format(const capgen_address *address, char *out, gsize size);

#endif
