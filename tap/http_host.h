/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * http_host.h — the Host header of the HTTP/1.x request a client's byte
 * stream starts with.
 *
 * A request line (METHOD SP target SP HTTP/1.x CRLF), then header lines up
 * to the empty line; the first Host field counts.  Its port and a trailing
 * dot are dropped; an IP literal ("[2001:db8::1]", "192.0.2.1") is a name
 * like any other (lists hold names, so it will not match one).
 */
#ifndef TRIAGE_HTTP_HOST_H
#define TRIAGE_HTTP_HOST_H

#include "host_name.h"

/* Header blocks longer than this are not read further (NONE). */
#define TRIAGE_HTTP_HEADER_MAX 8192

/* FOUND: name holds the Host.  NONE: the header block ended (or passed
 * TRIAGE_HTTP_HEADER_MAX) without a usable Host.  NEED_MORE: a request so
 * far, its headers incomplete.  NOT_MINE: not an HTTP/1.x request. */
triage_host_result triage_http_request_host(const guint8 *stream, gsize length, char name[TRIAGE_HOST_NAME_SIZE]);

#endif
