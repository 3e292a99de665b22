/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns_name.c — the question name of a DNS query (RFC 1035 §4.1), bounds
 * checked at every byte.
 */
#include "dns_name.h"

#define DNS_HEADER_LENGTH 12
#define DNS_MAX_LABEL 63

/* Reads the name at offset; on success its dotted text is in text (without
 * the root), *text_length its length.  truncated is set when the bytes end
 * inside the name. */
static gboolean read_name(const guint8 *message, gsize length, gsize offset, guint8 *text, gsize *text_length,
                          gboolean *truncated)
{
    gsize out = 0;
    gsize segment_start = offset; /* where the labels being read began */
    *truncated = FALSE;
    for (;;) {
        if (offset >= length) {
            *truncated = TRUE;
            return FALSE;
        }
        guint8 label = message[offset];
        if (label == 0)
            break;
        if ((label & 0xC0) == 0xC0) {
            if (offset + 1 >= length) {
                *truncated = TRUE;
                return FALSE;
            }
            gsize target = ((gsize)(label & 0x3F) << 8) | message[offset + 1];
            /* Each pointer goes back before the labels read since the last
             * one: the positions fall, so no loop can last. */
            if (target >= segment_start || target < DNS_HEADER_LENGTH)
                return FALSE;
            offset = segment_start = target;
            continue;
        }
        if ((label & 0xC0) != 0 || label > DNS_MAX_LABEL)
            return FALSE; /* the reserved label types 01 and 10 */
        if (offset + 1 + label > length) {
            *truncated = TRUE;
            return FALSE;
        }
        if (out + (out > 0) + label > TRIAGE_HOST_NAME_MAX)
            return FALSE;
        if (out > 0)
            text[out++] = '.';
        for (guint i = 0; i < label; i++) {
            guint8 c = message[offset + 1 + i];
            if (c == '.')
                return FALSE; /* a dot inside a label is no name a list holds */
            text[out++] = c;
        }
        offset += 1 + (gsize)label;
    }
    *text_length = out;
    return out > 0;
}

static triage_host_result query_name(const guint8 *message, gsize length, char name[TRIAGE_HOST_NAME_SIZE],
                                     gboolean *truncated)
{
    guint8 text[TRIAGE_HOST_NAME_MAX + 1];
    gsize text_length = 0;
    *truncated = FALSE;
    if (message == NULL || length < DNS_HEADER_LENGTH) {
        *truncated = TRUE;
        return TRIAGE_HOST_NOT_MINE;
    }
    guint8 flags = message[2];
    guint questions = ((guint)message[4] << 8) | message[5];
    /* QR = 0 (a query), opcode 0 (QUERY). */
    if ((flags & 0x80) != 0 || ((flags >> 3) & 0x0F) != 0 || questions == 0)
        return TRIAGE_HOST_NOT_MINE;
    if (!read_name(message, length, DNS_HEADER_LENGTH, text, &text_length, truncated))
        return TRIAGE_HOST_NOT_MINE;
    return triage_host_name_copy(text, text_length, name) ? TRIAGE_HOST_FOUND : TRIAGE_HOST_NOT_MINE;
}

triage_host_result triage_dns_query_name(const guint8 *message, gsize length, char name[TRIAGE_HOST_NAME_SIZE])
{
    gboolean truncated;
    return query_name(message, length, name, &truncated);
}

triage_host_result triage_dns_tcp_query_name(const guint8 *data, gsize length, char name[TRIAGE_HOST_NAME_SIZE])
{
    gboolean truncated;
    if (data == NULL || length < 2)
        return TRIAGE_HOST_NEED_MORE;
    gsize message_length = ((gsize)data[0] << 8) | data[1];
    gsize available = MIN(length - 2, message_length);
    triage_host_result result = query_name(data + 2, available, name, &truncated);
    if (result == TRIAGE_HOST_NOT_MINE && truncated && available < message_length)
        return TRIAGE_HOST_NEED_MORE;
    return result;
}
