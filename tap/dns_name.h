/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns_name.h — the name a DNS query asks for, read from the message bytes.
 *
 * Only what the policy needs: the first question of a standard query
 * (QR = 0, opcode QUERY, at least one question).  Compression pointers are
 * followed (a query rarely has them, but may), never more than a message's
 * worth of them and never forward into a loop.
 */
#ifndef TRIAGE_DNS_NAME_H
#define TRIAGE_DNS_NAME_H

#include "host_name.h"

/* The first question's name of the DNS query in message[0..length) (a UDP
 * payload).  FOUND, or NOT_MINE for anything else: a response, another
 * opcode, no question, a truncated or malformed name, the root name. */
triage_host_result triage_dns_query_name(const guint8 *message, gsize length, char name[TRIAGE_HOST_NAME_SIZE]);

/* The same over TCP: the message follows a two-byte length.  NEED_MORE when
 * the bytes end inside the question. */
triage_host_result triage_dns_tcp_query_name(const guint8 *data, gsize length, char name[TRIAGE_HOST_NAME_SIZE]);

#endif
