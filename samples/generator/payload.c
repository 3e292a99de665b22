/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "payload.h"

#include <stdio.h>
#include <string.h>

#include "capgen_random.h"

/* Filler bytes come from one fixed pseudo-random pool: copying is much
 * cheaper than generating, which matters at millions of packets. */
#define POOL_SIZE 4096
static guint8 random_pool[POOL_SIZE];
static gboolean random_pool_ready;

static const guint8 *pool(void)
{
    if (!random_pool_ready) {
        capgen_random random;
        capgen_random_init(&random, 0x5eed);
        for (guint i = 0; i < POOL_SIZE; i++)
            random_pool[i] = (guint8)capgen_random_next(&random);
        random_pool_ready = TRUE;
    }
    return random_pool;
}

static void fill_from(guint8 *out, guint length, const guint8 *source, guint source_length,
                      guint64 variant)
{
    guint position = (guint)(variant % source_length);
    while (length) {
        guint chunk = MIN(length, source_length - position);
        memcpy(out, source + position, chunk);
        out += chunk;
        length -= chunk;
        position = 0;
    }
}

static void write_text(guint8 *out, guint length, guint64 variant)
{
    static const char text[] = "capture triage sample payload; ";
    fill_from(out, length, (const guint8 *)text, sizeof text - 1, variant);
}

capgen_payload_kind capgen_payload_kind_for_port(guint16 server_port)
{
    switch (server_port) {
    case 80:
    case 8080:
        return CAPGEN_PAYLOAD_HTTP;
    case 443:
    case 8443:
        return CAPGEN_PAYLOAD_TLS;
    case 53:
        return CAPGEN_PAYLOAD_DNS;
    default:
        return CAPGEN_PAYLOAD_TEXT;
    }
}

/* One TLS 1.2 application-data record filling the whole segment. */
static gboolean write_tls(guint8 *out, guint length, guint64 variant)
{
    enum { RECORD_HEADER = 5 };
    if (length <= RECORD_HEADER)
        return FALSE;
    guint body = length - RECORD_HEADER;
    out[0] = 23; /* application_data */
    out[1] = 3;
    out[2] = 3;
    out[3] = (guint8)(body >> 8);
    out[4] = (guint8)body;
    fill_from(out + RECORD_HEADER, body, pool(), POOL_SIZE, variant);
    return TRUE;
}

/* A complete HTTP/1.1 request or response of exactly 'length' bytes, so that
 * each segment is a whole message and no reassembly is left pending. */
static gboolean write_http(guint8 *out, gboolean to_server, guint length, guint64 variant)
{
    char head[128];
    if (to_server) {
        static const char tail[] = " HTTP/1.1\r\nHost: www.example.com\r\n\r\n";
        int prefix = g_snprintf(head, sizeof head, "GET /item/%" G_GUINT64_FORMAT "?pad=",
                                variant % 100000);
        guint fixed = (guint)prefix + sizeof tail - 1;
        if (length < fixed)
            return FALSE;
        memcpy(out, head, (gsize)prefix);
        memset(out + prefix, 'a', length - fixed);
        memcpy(out + length - (sizeof tail - 1), tail, sizeof tail - 1);
        return TRUE;
    }
    /* The header's length depends on the digits of Content-Length: try
     * each digit count until header + body add up. */
    for (guint digits = 1; digits <= 5; digits++) {
        static const char format[] =
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %u\r\n\r\n";
        guint fixed = (guint)sizeof format - 1 - 2 + digits;
        if (length < fixed)
            return FALSE;
        guint body = length - fixed;
        int written = g_snprintf(head, sizeof head, format, body);
        if ((guint)written != fixed)
            continue;
        memcpy(out, head, fixed);
        write_text(out + fixed, body, variant);
        return TRUE;
    }
    return FALSE;
}

void capgen_payload_write(guint8 *out, capgen_payload_kind kind, gboolean to_server, guint length,
                          guint64 variant)
{
    gboolean done = FALSE;
    if (kind == CAPGEN_PAYLOAD_TLS)
        done = write_tls(out, length, variant);
    else if (kind == CAPGEN_PAYLOAD_HTTP)
        done = write_http(out, to_server, length, variant);
    if (!done)
        write_text(out, length, variant);
}

static guint write_dns_name(guint8 *out, guint64 variant)
{
    char label[24];
    int label_length = g_snprintf(label, sizeof label, "host%" G_GUINT64_FORMAT, variant % 1000000);
    guint at = 0;
    out[at++] = (guint8)label_length;
    memcpy(out + at, label, (gsize)label_length);
    at += (guint)label_length;
    static const guint8 domain[] = { 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0 };
    memcpy(out + at, domain, sizeof domain);
    return at + sizeof domain;
}

guint capgen_dns_write(guint8 *out, gboolean query, gboolean ipv6, guint64 variant)
{
    guint16 record_type = ipv6 ? 28 : 1;
    guint16 id = (guint16)(variant * 7919 + 1);
    guint8 header[12] = { (guint8)(id >> 8), (guint8)id,
                          query ? 0x01 : 0x81, query ? 0x00 : 0x80, /* RD; QR RD RA */
                          0, 1, 0, query ? 0 : 1, 0, 0, 0, 0 };
    memcpy(out, header, sizeof header);
    guint at = sizeof header;
    at += write_dns_name(out + at, variant);
    guint8 question_tail[4] = { 0, (guint8)record_type, 0, 1 };
    memcpy(out + at, question_tail, 4);
    at += 4;
    if (query)
        return at;
    guint8 answer[12] = { 0xc0, 12, 0, (guint8)record_type, 0, 1, 0, 0, 0x01, 0x2c, 0,
                          ipv6 ? 16 : 4 };
    memcpy(out + at, answer, sizeof answer);
    at += sizeof answer;
    /* The answer points into documentation ranges. */
    if (ipv6) {
        guint8 address[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                               (guint8)(variant >> 8), (guint8)variant };
        memcpy(out + at, address, 16);
        at += 16;
    } else {
        guint8 address[4] = { 203, 0, 113, (guint8)(variant % 250 + 1) };
        memcpy(out + at, address, 4);
        at += 4;
    }
    return at;
}
