/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * http_host.c — the Host of an HTTP/1.x request (RFC 9112 §3, RFC 9110
 * §7.2), bounds checked at every byte.
 */
#include "http_host.h"

#include <string.h>

#define METHOD_MAX 16

/* The end of the line starting at offset (the position of its '\n'), or
 * -1 when the bytes end first. */
static gssize line_end(const guint8 *stream, gsize length, gsize offset)
{
    const guint8 *newline = memchr(stream + offset, '\n', length - offset);
    return newline != NULL ? (gssize)(newline - stream) : -1;
}

static gboolean is_token_char(guint8 c)
{
    return g_ascii_isalnum(c) || (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* The request line: METHOD SP target SP HTTP/1.x.  Before the line is all
 * there, whatever is there must fit its start. */
static triage_host_result request_line(const guint8 *stream, gsize length, gsize *next_line)
{
    gsize i = 0;
    while (i < length && i <= METHOD_MAX && g_ascii_isupper(stream[i]))
        i++;
    if (i == length)
        return i <= METHOD_MAX ? TRIAGE_HOST_NEED_MORE : TRIAGE_HOST_NOT_MINE;
    if (i == 0 || i > METHOD_MAX || stream[i] != ' ')
        return TRIAGE_HOST_NOT_MINE;
    gssize end = line_end(stream, length, i);
    gsize stop = end >= 0 ? (gsize)end : length;
    /* The target holds no control bytes and no spaces. */
    gsize target = i + 1, j = target;
    while (j < stop && stream[j] > 0x20 && stream[j] < 0x7f)
        j++;
    if (j == stop)
        return end < 0 && j - target < TRIAGE_HTTP_HEADER_MAX ? TRIAGE_HOST_NEED_MORE : TRIAGE_HOST_NOT_MINE;
    if (j == target || stream[j] != ' ')
        return TRIAGE_HOST_NOT_MINE;
    static const char version[] = "HTTP/1.";
    gsize rest = stop - (j + 1);
    gsize compare = MIN(rest, sizeof version - 1);
    if (memcmp(stream + j + 1, version, compare) != 0)
        return TRIAGE_HOST_NOT_MINE;
    if (end < 0)
        return TRIAGE_HOST_NEED_MORE;
    /* "HTTP/1.x" then an optional CR. */
    if (rest < sizeof version || !g_ascii_isdigit(stream[j + sizeof version]) ||
        rest > sizeof version + (stream[stop - 1] == '\r' ? 1u : 0u))
        return TRIAGE_HOST_NOT_MINE;
    *next_line = (gsize)end + 1;
    return TRIAGE_HOST_FOUND;
}

/* The Host value between start and stop, trimmed, without its port. */
static gboolean host_value(const guint8 *stream, gsize start, gsize stop, char name[TRIAGE_HOST_NAME_SIZE])
{
    while (start < stop && (stream[start] == ' ' || stream[start] == '\t'))
        start++;
    while (stop > start && (stream[stop - 1] == ' ' || stream[stop - 1] == '\t' || stream[stop - 1] == '\r'))
        stop--;
    if (start < stop && stream[start] == '[') {
        /* An IPv6 literal: the name is the bracketed text. */
        const guint8 *close = memchr(stream + start, ']', stop - start);
        if (close == NULL)
            return FALSE;
        return triage_host_name_copy(stream + start, (gsize)(close - stream) + 1 - start, name);
    }
    const guint8 *colon = memchr(stream + start, ':', stop - start);
    if (colon != NULL) {
        for (const guint8 *p = colon + 1; p < stream + stop; p++) {
            if (!g_ascii_isdigit(*p))
                return FALSE;
        }
        stop = (gsize)(colon - stream);
    }
    return triage_host_name_copy(stream + start, stop - start, name);
}

triage_host_result triage_http_request_host(const guint8 *stream, gsize length, char name[TRIAGE_HOST_NAME_SIZE])
{
    if (stream == NULL || length == 0)
        return TRIAGE_HOST_NEED_MORE;
    gsize offset = 0;
    triage_host_result first = request_line(stream, length, &offset);
    if (first != TRIAGE_HOST_FOUND)
        return first;
    while (offset < length) {
        if (offset >= TRIAGE_HTTP_HEADER_MAX)
            return TRIAGE_HOST_NONE;
        gssize end = line_end(stream, length, offset);
        if (end < 0)
            return length - offset < TRIAGE_HTTP_HEADER_MAX ? TRIAGE_HOST_NEED_MORE : TRIAGE_HOST_NONE;
        gsize stop = (gsize)end;
        gsize content = stop > offset && stream[stop - 1] == '\r' ? stop - 1 : stop;
        if (content == offset)
            return TRIAGE_HOST_NONE; /* the empty line: the headers are over */
        if (content - offset >= 5 && g_ascii_strncasecmp((const char *)stream + offset, "host:", 5) == 0)
            return host_value(stream, offset + 5, content, name) ? TRIAGE_HOST_FOUND : TRIAGE_HOST_NONE;
        /* Another field: its name must be a token, or this is no request. */
        gsize i = offset;
        while (i < content && is_token_char(stream[i]))
            i++;
        if ((i == offset || i == content || stream[i] != ':') && stream[offset] != ' ' && stream[offset] != '\t')
            return TRIAGE_HOST_NOT_MINE;
        offset = stop + 1;
    }
    return TRIAGE_HOST_NEED_MORE;
}
