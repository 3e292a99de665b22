/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tls_sni.h — the server name (SNI) a TLS ClientHello asks for, read from
 * the first bytes the client sent.
 *
 * The ClientHello may span TCP segments (a post-quantum key share makes it
 * about 1.8 KB) and, rarely, several TLS records: the caller hands in the
 * client's byte stream from its start, and gets NEED_MORE until the whole
 * handshake message is there.  A ClientHello longer than
 * TRIAGE_TLS_HELLO_MAX is not read (NOT_MINE).  Extensions may come in any
 * order (browsers shuffle them); the first host_name entry of server_name
 * is the answer.  An Encrypted ClientHello shows only its outer name.
 */
#ifndef TRIAGE_TLS_SNI_H
#define TRIAGE_TLS_SNI_H

#include "host_name.h"

/* The largest ClientHello read: 16 KB of handshake message. */
#define TRIAGE_TLS_HELLO_MAX 16384
/* The stream bytes that can hold it: the message, its header and the
 * headers of the records it is cut into (at most one record per 16 bytes
 * of it would be absurd; 64 records are allowed). */
#define TRIAGE_TLS_STREAM_MAX (TRIAGE_TLS_HELLO_MAX + 4 + 64 * 5)

/* FOUND: name holds the SNI.  NONE: a complete ClientHello without one.
 * NEED_MORE: a ClientHello so far, incomplete.  NOT_MINE: not a TLS
 * handshake record holding a ClientHello, malformed, or too long. */
triage_host_result triage_tls_client_hello_sni(const guint8 *stream, gsize length,
                                               char name[TRIAGE_HOST_NAME_SIZE]);

#endif
