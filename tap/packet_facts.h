/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * packet_facts.h — what the tap glue tells the engines about one packet.
 *
 * The engines (handshake, policy, destinations) never include epan: the glue
 * copies the few facts they need out of Wireshark's tap structures into these
 * plain structs.  That keeps the engines unit-testable and fuzzable without a
 * dissector in sight, and makes their inputs explicit.
 */
#ifndef TRIAGE_PACKET_FACTS_H
#define TRIAGE_PACKET_FACTS_H

#include <glib.h>

/* Nanoseconds since the Unix epoch.  64 bits hold ±292 years at 1 ns, enough
 * for any capture, and make differences exact (a double would not be). */
typedef gint64 triage_time;

#define TRIAGE_NS_PER_SECOND G_GINT64_CONSTANT(1000000000)

/* The tap glue keeps every time within ±TRIAGE_TIME_LIMIT, about 146 years
 * either side of 1970 (1824 to 2116: pcap's clock ends in 2106), clamping
 * what lies beyond (a pcapng file may count its own units up to 2^64, year
 * 36 000 in seconds).  So the difference of any two times fits in a
 * triage_time; the sum of two differences need not, and is guarded where
 * it is taken. */
#define TRIAGE_TIME_LIMIT ((G_GINT64_CONSTANT(1) << 62) - 1)

/* An IP address packed into a fixed-size value so it can be hashed and
 * compared with memcmp.  family is 4 or 6 (0 = no address). IPv4 uses the
 * first 4 bytes; the rest are zero, so equal addresses have equal bytes. */
typedef struct triage_address {
    guint8 family;
    guint8 bytes[16];
} triage_address;

/* Transports are IP protocol numbers, so "other IP protocols" need no table. */
enum {
    TRIAGE_TRANSPORT_ICMP = 1,
    TRIAGE_TRANSPORT_TCP = 6,
    TRIAGE_TRANSPORT_UDP = 17,
    TRIAGE_TRANSPORT_ICMPV6 = 58,
};

/* TCP flag bits, same values as on the wire. */
enum {
    TRIAGE_TCP_FIN = 0x01,
    TRIAGE_TCP_SYN = 0x02,
    TRIAGE_TCP_RST = 0x04,
    TRIAGE_TCP_PSH = 0x08,
    TRIAGE_TCP_ACK = 0x10,
};

/* One TCP segment, from the innermost TCP header of a frame that is not a
 * quoted header inside an ICMP error. */
typedef struct triage_tcp_segment {
    guint32 frame;          /* frame number, 1-based */
    triage_time time;       /* absolute capture time */
    guint32 stream;         /* tcp.stream */
    guint16 flags;          /* TRIAGE_TCP_* bits */
    guint32 seq;            /* raw (absolute) sequence number */
    guint32 ack;            /* raw (absolute) acknowledgement number */
    guint32 payload_length; /* TCP segment length */
    triage_address source;
    triage_address destination;
    guint16 source_port;
    guint16 destination_port;
    /* The sender's role by the connection table's rule (TRIAGE_ROLE_*): the
     * handshake engine takes it when no SYN or SYN/ACK names the roles. */
    guint8 sender_role;
} triage_tcp_segment;

enum { TRIAGE_ROLE_UNKNOWN = 0, TRIAGE_ROLE_CLIENT = 1, TRIAGE_ROLE_SERVER = 2 };

/* One packet of any IP flow, as the connection table and the policy and
 * destinations engines see it.  For TCP and UDP, stream is tcp.stream or
 * udp.stream; for other IP protocols it is ignored (flows are keyed by
 * protocol and address pair). */
typedef struct triage_flow_packet {
    guint32 frame;
    triage_time time;
    guint8 transport;        /* TRIAGE_TRANSPORT_* or any IP protocol number */
    guint32 stream;
    triage_address source;
    triage_address destination;
    guint16 source_port;     /* 0 when the transport has no ports */
    guint16 destination_port;
    guint16 tcp_flags;       /* TRIAGE_TCP_* bits, TCP only */
    guint32 tcp_seq;         /* raw sequence number, TCP only */
    guint32 frame_length;    /* on-wire length, as Conversations counts bytes */
    /* Transport payload as captured (may be shorter than on the wire). */
    const guint8 *payload;
    guint32 payload_length;
} triage_flow_packet;

#endif
