/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tls_sni.c — the SNI of a ClientHello (RFC 8446 §4.1.2, RFC 6066 §3),
 * bounds checked at every field.
 *
 * Records are read in place when the ClientHello sits in one (the common
 * case); only a handshake message cut into several records is copied, to
 * join its fragments.
 */
#include "tls_sni.h"

#include <string.h>

#define RECORD_HEADER 5
#define HANDSHAKE_HEADER 4
#define CONTENT_HANDSHAKE 22
#define HANDSHAKE_CLIENT_HELLO 1
#define EXTENSION_SERVER_NAME 0
#define NAME_TYPE_HOST_NAME 0
/* A record of plaintext holds at most 2^14 bytes (RFC 8446 §5.1). */
#define RECORD_MAX 16384

/* A bounded reader over one buffer. */
typedef struct reader {
    const guint8 *data;
    gsize length;
    gsize position;
} reader;

static gboolean take(reader *r, gsize count, const guint8 **out)
{
    if (r->length - r->position < count)
        return FALSE;
    if (out != NULL)
        *out = r->data + r->position;
    r->position += count;
    return TRUE;
}

static gboolean take_number(reader *r, guint bytes, gsize *out)
{
    const guint8 *p;
    if (!take(r, bytes, &p))
        return FALSE;
    gsize value = 0;
    for (guint i = 0; i < bytes; i++)
        value = (value << 8) | p[i];
    *out = value;
    return TRUE;
}

/* A vector with a length prefix of prefix bytes, as a reader of its own. */
static gboolean take_vector(reader *r, guint prefix, reader *out)
{
    gsize length;
    const guint8 *p;
    if (!take_number(r, prefix, &length) || !take(r, length, &p))
        return FALSE;
    out->data = p;
    out->length = length;
    out->position = 0;
    return TRUE;
}

static triage_host_result server_name(reader *extension, char name[TRIAGE_HOST_NAME_SIZE])
{
    reader list;
    if (!take_vector(extension, 2, &list))
        return TRIAGE_HOST_NOT_MINE;
    while (list.position < list.length) {
        gsize type;
        reader host;
        if (!take_number(&list, 1, &type) || !take_vector(&list, 2, &host))
            return TRIAGE_HOST_NOT_MINE;
        if (type == NAME_TYPE_HOST_NAME)
            return triage_host_name_copy(host.data, host.length, name) ? TRIAGE_HOST_FOUND : TRIAGE_HOST_NOT_MINE;
    }
    return TRIAGE_HOST_NONE;
}

/* body: the ClientHello message after its four-byte header. */
static triage_host_result client_hello_sni(const guint8 *body, gsize length, char name[TRIAGE_HOST_NAME_SIZE])
{
    reader r = {body, length, 0};
    reader session, suites, compression, extensions;
    if (!take(&r, 2 + 32, NULL) || !take_vector(&r, 1, &session) || session.length > 32 ||
        !take_vector(&r, 2, &suites) || suites.length < 2 || suites.length % 2 != 0 ||
        !take_vector(&r, 1, &compression) || compression.length < 1)
        return TRIAGE_HOST_NOT_MINE;
    if (r.position == r.length)
        return TRIAGE_HOST_NONE; /* no extensions at all (TLS 1.0 style) */
    if (!take_vector(&r, 2, &extensions))
        return TRIAGE_HOST_NOT_MINE;
    while (extensions.position < extensions.length) {
        gsize type;
        reader extension;
        if (!take_number(&extensions, 2, &type) || !take_vector(&extensions, 2, &extension))
            return TRIAGE_HOST_NOT_MINE;
        if (type == EXTENSION_SERVER_NAME)
            return server_name(&extension, name);
    }
    return TRIAGE_HOST_NONE;
}

/* Checks the record header at stream[offset]: a handshake record of a TLS
 * version with a plausible length.  Returns the record's length, or -1. */
static gssize record_at(const guint8 *stream, gsize length, gsize offset)
{
    if (length - offset < RECORD_HEADER)
        return 0; /* the header itself is not all there */
    const guint8 *header = stream + offset;
    gsize record_length = ((gsize)header[3] << 8) | header[4];
    /* 3.0 to 1.3 all say 3.x in the record layer (3.1 for most hellos). */
    if (header[0] != CONTENT_HANDSHAKE || header[1] != 3 || header[2] > 4 || record_length == 0 ||
        record_length > RECORD_MAX)
        return -1;
    return (gssize)record_length;
}

triage_host_result triage_tls_client_hello_sni(const guint8 *stream, gsize length,
                                               char name[TRIAGE_HOST_NAME_SIZE])
{
    if (stream == NULL || length == 0)
        return TRIAGE_HOST_NEED_MORE;
    /* The first bytes say at once whether this can be a ClientHello. */
    if (stream[0] != CONTENT_HANDSHAKE || (length >= 2 && stream[1] != 3))
        return TRIAGE_HOST_NOT_MINE;
    gssize first = record_at(stream, length, 0);
    /* A handshake header cut between records is legal and never seen: not
     * read. */
    if (first < 0 || (first > 0 && first < HANDSHAKE_HEADER))
        return TRIAGE_HOST_NOT_MINE;
    if (first == 0 || length < RECORD_HEADER + 1)
        return TRIAGE_HOST_NEED_MORE;
    if (stream[RECORD_HEADER] != HANDSHAKE_CLIENT_HELLO)
        return TRIAGE_HOST_NOT_MINE;
    if (length < RECORD_HEADER + HANDSHAKE_HEADER)
        return TRIAGE_HOST_NEED_MORE;
    const guint8 *h = stream + RECORD_HEADER;
    gsize message_length = ((gsize)h[1] << 16) | ((gsize)h[2] << 8) | h[3];
    if (message_length > TRIAGE_TLS_HELLO_MAX || message_length < 2 + 32 + 1 + 2 + 1)
        return TRIAGE_HOST_NOT_MINE;
    gsize wanted = HANDSHAKE_HEADER + message_length;

    /* The common case: the whole message in the first record. */
    if ((gsize)first >= wanted) {
        if (length < RECORD_HEADER + wanted)
            return TRIAGE_HOST_NEED_MORE;
        return client_hello_sni(h + HANDSHAKE_HEADER, message_length, name);
    }

    /* Cut into records: join their fragments. */
    guint8 *joined = g_malloc(wanted);
    gsize have = 0;
    gsize offset = 0;
    triage_host_result result = TRIAGE_HOST_NEED_MORE;
    while (have < wanted) {
        gssize record_length = offset == 0 ? first : record_at(stream, length, offset);
        if (record_length < 0) {
            result = TRIAGE_HOST_NOT_MINE;
            break;
        }
        if (record_length == 0)
            break; /* the next header is not all there: NEED_MORE */
        gsize in_buffer = MIN((gsize)record_length, length - offset - RECORD_HEADER);
        gsize useful = MIN(in_buffer, wanted - have);
        memcpy(joined + have, stream + offset + RECORD_HEADER, useful);
        have += useful;
        if (in_buffer < (gsize)record_length && have < wanted)
            break; /* this record is not all there yet */
        offset += RECORD_HEADER + (gsize)record_length;
        if (offset >= length && have < wanted)
            break;
    }
    if (have == wanted)
        result = client_hello_sni(joined + HANDSHAKE_HEADER, message_length, name);
    g_free(joined);
    return result;
}
