/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * payload.h — application bytes that Wireshark's dissector for the server
 * port accepts without complaint: HTTP on 80/8080, TLS application-data
 * records on 443/8443, DNS on 53, plain text elsewhere.  Captures full of
 * "malformed" noise would hide the warnings a test looks for.
 */
#ifndef CAPGEN_PAYLOAD_H
#define CAPGEN_PAYLOAD_H

#include <glib.h>

typedef enum {
    CAPGEN_PAYLOAD_TEXT,
    CAPGEN_PAYLOAD_HTTP,
    CAPGEN_PAYLOAD_TLS,
    CAPGEN_PAYLOAD_DNS,
} capgen_payload_kind;

/* The payload kind Wireshark would expect on this server port. */
capgen_payload_kind capgen_payload_kind_for_port(guint16 server_port);

/* Writes a payload of exactly 'length' bytes (HTTP and TLS fall back to text
 * when the length is too short for a well-formed message).  to_server says
 * request or response.  variant makes repeated payloads differ. */
void capgen_payload_write(guint8 *out, capgen_payload_kind kind, gboolean to_server, guint length,
                          guint64 variant);

/* DNS sizes itself: writes a query or answer for name number 'variant'
 * (A record, or AAAA when ipv6) and returns its length. */
guint capgen_dns_write(guint8 *out, gboolean query, gboolean ipv6, guint64 variant);

#endif
