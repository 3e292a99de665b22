/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host_name.h — host names as the policy compares them, and what the three
 * payload parsers (dns_name.c, tls_sni.c, http_host.c) have in common.
 *
 * A name is kept as lowercase ASCII without a trailing dot, at most
 * TRIAGE_HOST_NAME_MAX characters (253: what DNS can carry).  Labels may
 * hold any printable ASCII but '.', so that a hostile name cannot pass for
 * a listed one by a byte the list could never contain.
 */
#ifndef TRIAGE_HOST_NAME_H
#define TRIAGE_HOST_NAME_H

#include <glib.h>

#define TRIAGE_HOST_NAME_MAX 253
/* A name and its terminating NUL. */
#define TRIAGE_HOST_NAME_SIZE (TRIAGE_HOST_NAME_MAX + 1)

/* What a parser made of the bytes it was given. */
typedef enum {
    TRIAGE_HOST_FOUND,     /* a name was written to the caller's buffer */
    TRIAGE_HOST_NONE,      /* a complete message of the kind, without a name */
    TRIAGE_HOST_NEED_MORE, /* the start of such a message: give more bytes */
    TRIAGE_HOST_NOT_MINE,  /* not the kind of message, or malformed */
} triage_host_result;

/* Copies text[0..length) as a name into name (TRIAGE_HOST_NAME_SIZE bytes):
 * lowercased, one trailing dot dropped.  FALSE for an empty name, an empty
 * label, a byte outside printable ASCII, or more than TRIAGE_HOST_NAME_MAX
 * characters. */
gboolean triage_host_name_copy(const guint8 *text, gsize length, char name[TRIAGE_HOST_NAME_SIZE]);
/* TRUE when text may stand in a policy's list of names: stricter than what
 * the parsers accept from the wire (letters, digits, '-' and '_' in labels
 * of at most 63), one trailing dot allowed. */
gboolean triage_host_name_is_list_entry(const char *text);

#endif
