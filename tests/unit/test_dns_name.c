/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_dns_name.c — the question name of DNS queries (tap/dns_name.c).
 *
 * Messages are built here field by field from RFC 1035 §4.1, not taken from
 * the parser: a header, then a question of length-prefixed labels.
 */
#include <string.h>

#include "dns_name.h"

/* A header: id 0x1234, the given flags byte, qdcount questions. */
static GByteArray *header(guint8 flags, guint questions)
{
    GByteArray *m = g_byte_array_new();
    const guint8 h[12] = {0x12, 0x34, flags, 0x00, (guint8)(questions >> 8), (guint8)questions, 0, 0, 0, 0, 0, 0};
    g_byte_array_append(m, h, sizeof h);
    return m;
}

/* "tracker.example.org" as 7tracker7example3org0. */
static void add_name(GByteArray *m, const char *dotted)
{
    char **labels = g_strsplit(dotted, ".", -1);
    for (char **label = labels; *label != NULL; label++) {
        guint8 length = (guint8)strlen(*label);
        g_byte_array_append(m, &length, 1);
        g_byte_array_append(m, (const guint8 *)*label, length);
    }
    g_strfreev(labels);
    const guint8 root = 0;
    g_byte_array_append(m, &root, 1);
}

static void add_type_class(GByteArray *m)
{
    const guint8 tail[4] = {0x00, 0x01, 0x00, 0x01}; /* A, IN */
    g_byte_array_append(m, tail, sizeof tail);
}

static GByteArray *query(const char *dotted)
{
    GByteArray *m = header(0x01, 1); /* RD */
    add_name(m, dotted);
    add_type_class(m);
    return m;
}

static void test_plain_query(void)
{
    char name[TRIAGE_HOST_NAME_SIZE];
    GByteArray *m = query("Tracker.OpenTrackr.ORG");
    g_assert_cmpint(triage_dns_query_name(m->data, m->len, name), ==, TRIAGE_HOST_FOUND);
    g_assert_cmpstr(name, ==, "tracker.opentrackr.org");
    g_byte_array_free(m, TRUE);
}

/* Every cut of a query short of its name's end is not a query name. */
static void test_truncated(void)
{
    char name[TRIAGE_HOST_NAME_SIZE];
    GByteArray *m = query("pool.supportxmr.com");
    gsize name_end = 12 + 1 + 4 + 1 + 10 + 1 + 3 + 1; /* header, labels, root */
    for (gsize cut = 0; cut < name_end; cut++)
        g_assert_cmpint(triage_dns_query_name(m->data, cut, name), ==, TRIAGE_HOST_NOT_MINE);
    for (gsize cut = name_end; cut <= m->len; cut++) {
        g_assert_cmpint(triage_dns_query_name(m->data, cut, name), ==, TRIAGE_HOST_FOUND);
        g_assert_cmpstr(name, ==, "pool.supportxmr.com");
    }
    g_assert_cmpint(triage_dns_query_name(NULL, 0, name), ==, TRIAGE_HOST_NOT_MINE);
    g_byte_array_free(m, TRUE);
}

static void test_not_queries(void)
{
    char name[TRIAGE_HOST_NAME_SIZE];
    /* A response (QR = 1). */
    GByteArray *m = header(0x81, 1);
    add_name(m, "example.org");
    add_type_class(m);
    g_assert_cmpint(triage_dns_query_name(m->data, m->len, name), ==, TRIAGE_HOST_NOT_MINE);
    g_byte_array_free(m, TRUE);
    /* Opcode 5 (UPDATE): its "question" is a zone. */
    m = header(5 << 3, 1);
    add_name(m, "example.org");
    g_assert_cmpint(triage_dns_query_name(m->data, m->len, name), ==, TRIAGE_HOST_NOT_MINE);
    g_byte_array_free(m, TRUE);
    /* No question. */
    m = header(0x01, 0);
    add_name(m, "example.org");
    g_assert_cmpint(triage_dns_query_name(m->data, m->len, name), ==, TRIAGE_HOST_NOT_MINE);
    g_byte_array_free(m, TRUE);
    /* The root: no name to list. */
    m = header(0x01, 1);
    const guint8 root = 0;
    g_byte_array_append(m, &root, 1);
    add_type_class(m);
    g_assert_cmpint(triage_dns_query_name(m->data, m->len, name), ==, TRIAGE_HOST_NOT_MINE);
    g_byte_array_free(m, TRUE);
}

static void test_malformed_labels(void)
{
    char name[TRIAGE_HOST_NAME_SIZE];
    static const guint8 bad_labels[][8] = {
        {0x40, 'a', 0},             /* label type 01 (reserved) */
        {0x80, 'a', 0},             /* label type 10 (reserved) */
        {0x03, 'a', '.', 'b', 0},   /* a dot inside a label */
        {0x03, 'a', ' ', 'b', 0},   /* a space: no host name */
        {0x02, 'a', 0x00, 0},       /* a NUL byte */
        {0x02, 'a', 0xe9, 0},       /* not ASCII */
    };
    for (gsize i = 0; i < G_N_ELEMENTS(bad_labels); i++) {
        GByteArray *m = header(0x01, 1);
        g_byte_array_append(m, bad_labels[i], sizeof bad_labels[i]);
        g_assert_cmpint(triage_dns_query_name(m->data, m->len, name), ==, TRIAGE_HOST_NOT_MINE);
        g_byte_array_free(m, TRUE);
    }
}

/* 253 characters is the most a name may have; 254 is too many. */
static void test_long_names(void)
{
    char name[TRIAGE_HOST_NAME_SIZE];
    GString *longest = g_string_new(NULL);
    while (longest->len + 64 <= 253)
        g_string_append(longest, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."); /* 63 + dot */
    while (longest->len < 253)
        g_string_append_c(longest, 'b');
    g_assert_cmpuint(longest->len, ==, 253);
    GByteArray *m = query(longest->str);
    g_assert_cmpint(triage_dns_query_name(m->data, m->len, name), ==, TRIAGE_HOST_FOUND);
    g_assert_cmpstr(name, ==, longest->str);
    g_byte_array_free(m, TRUE);
    g_string_append_c(longest, 'b');
    m = query(longest->str);
    g_assert_cmpint(triage_dns_query_name(m->data, m->len, name), ==, TRIAGE_HOST_NOT_MINE);
    g_byte_array_free(m, TRUE);
    /* A label of 64. */
    m = query("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.org");
    g_assert_cmpint(triage_dns_query_name(m->data, m->len, name), ==, TRIAGE_HOST_NOT_MINE);
    g_byte_array_free(m, TRUE);
    g_string_free(longest, TRUE);
}

static void test_compression(void)
{
    char name[TRIAGE_HOST_NAME_SIZE];
    /* The first question starts right after the header, so any pointer in
     * it points into the header or into its own labels: a loop or junk.
     * (Queries do not compress their first name; answers do.) */
    GByteArray *m;
    /* A pointer at the very start, to itself: a loop. */
    m = header(0x01, 1);
    const guint8 self[] = {0xC0, 12};
    g_byte_array_append(m, self, sizeof self);
    g_assert_cmpint(triage_dns_query_name(m->data, m->len, name), ==, TRIAGE_HOST_NOT_MINE);
    g_byte_array_free(m, TRUE);
    /* A label, then a pointer back to it: "a.a.a..." forever. */
    m = header(0x01, 1);
    const guint8 loop[] = {1, 'a', 0xC0, 12};
    g_byte_array_append(m, loop, sizeof loop);
    g_assert_cmpint(triage_dns_query_name(m->data, m->len, name), ==, TRIAGE_HOST_NOT_MINE);
    g_byte_array_free(m, TRUE);
    /* A pointer forward, and one into the header. */
    m = header(0x01, 1);
    const guint8 forward[] = {1, 'a', 0xC0, 20, 0, 0, 0, 0, 1, 'b', 0};
    g_byte_array_append(m, forward, sizeof forward);
    g_assert_cmpint(triage_dns_query_name(m->data, m->len, name), ==, TRIAGE_HOST_NOT_MINE);
    g_byte_array_free(m, TRUE);
    m = header(0x01, 1);
    const guint8 into_header[] = {1, 'a', 0xC0, 2};
    g_byte_array_append(m, into_header, sizeof into_header);
    g_assert_cmpint(triage_dns_query_name(m->data, m->len, name), ==, TRIAGE_HOST_NOT_MINE);
    g_byte_array_free(m, TRUE);
    /* A pointer cut in half. */
    m = header(0x01, 1);
    const guint8 half[] = {1, 'a', 0xC0};
    g_byte_array_append(m, half, sizeof half);
    g_assert_cmpint(triage_dns_query_name(m->data, m->len, name), ==, TRIAGE_HOST_NOT_MINE);
    g_byte_array_free(m, TRUE);
}

/* Over TCP: a two-byte length, then the message; an incomplete one asks
 * for more. */
static void test_tcp(void)
{
    char name[TRIAGE_HOST_NAME_SIZE];
    GByteArray *m = query("xmrpool.eu");
    GByteArray *framed = g_byte_array_new();
    const guint8 length[2] = {(guint8)(m->len >> 8), (guint8)m->len};
    g_byte_array_append(framed, length, 2);
    g_byte_array_append(framed, m->data, m->len);
    gsize name_end = 2 + 12 + 1 + 7 + 1 + 2 + 1;
    for (gsize cut = 0; cut < name_end; cut++)
        g_assert_cmpint(triage_dns_tcp_query_name(framed->data, cut, name), ==, TRIAGE_HOST_NEED_MORE);
    g_assert_cmpint(triage_dns_tcp_query_name(framed->data, framed->len, name), ==, TRIAGE_HOST_FOUND);
    g_assert_cmpstr(name, ==, "xmrpool.eu");
    /* A length that ends inside the name: the message is malformed. */
    framed->data[0] = 0;
    framed->data[1] = 14;
    g_assert_cmpint(triage_dns_tcp_query_name(framed->data, framed->len, name), ==, TRIAGE_HOST_NOT_MINE);
    g_byte_array_free(framed, TRUE);
    g_byte_array_free(m, TRUE);
}

/* Any bytes: no crash, and a name found is a valid one. */
static void test_random(void)
{
    char name[TRIAGE_HOST_NAME_SIZE];
    GRand *rand = g_rand_new_with_seed(16);
    guint8 buffer[300];
    for (guint round = 0; round < 20000; round++) {
        gsize length = (gsize)g_rand_int_range(rand, 0, sizeof buffer);
        for (gsize i = 0; i < length; i++)
            buffer[i] = (guint8)g_rand_int_range(rand, 0, 256);
        if (length > 5) {
            buffer[2] = 0x01;
            buffer[4] = 0;
            buffer[5] = 1;
        }
        if (length > 12 && round % 2 == 0)
            buffer[12] = (guint8)(buffer[12] % 8); /* short labels, more names */
        if (triage_dns_query_name(buffer, length, name) == TRIAGE_HOST_FOUND) {
            g_assert_cmpuint(strlen(name), >=, 1);
            g_assert_cmpuint(strlen(name), <=, TRIAGE_HOST_NAME_MAX);
            for (const char *c = name; *c; c++)
                g_assert_true(*c > 0x20 && *c < 0x7f && !g_ascii_isupper(*c));
        }
        triage_dns_tcp_query_name(buffer, length, name);
    }
    g_rand_free(rand);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/dns_name/plain", test_plain_query);
    g_test_add_func("/dns_name/truncated", test_truncated);
    g_test_add_func("/dns_name/not-queries", test_not_queries);
    g_test_add_func("/dns_name/malformed-labels", test_malformed_labels);
    g_test_add_func("/dns_name/long-names", test_long_names);
    g_test_add_func("/dns_name/compression", test_compression);
    g_test_add_func("/dns_name/tcp", test_tcp);
    g_test_add_func("/dns_name/random", test_random);
    return g_test_run();
}
