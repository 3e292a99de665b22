/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_tls_sni.c — the server name of a TLS ClientHello (tap/tls_sni.c).
 *
 * Two sources of hellos: real ones OpenSSL 3.0 wrote (the .bin files of data/hosts,
 * made by Python's ssl module with a memory BIO, see README.md there), and
 * hellos built here field by field from RFC 8446 §4.1.2 and RFC 6066 §3:
 * a browser-sized one with a 1.2 KB key share before the server name, as
 * Chrome's post-quantum hellos and shuffled extensions put it.
 */
#include <string.h>

#include "tls_sni.h"

static const char *data_dir;

static void put16(GByteArray *out, gsize value)
{
    const guint8 bytes[2] = {(guint8)(value >> 8), (guint8)value};
    g_byte_array_append(out, bytes, 2);
}

static void put_extension(GByteArray *out, guint type, const guint8 *body, gsize length)
{
    put16(out, type);
    put16(out, length);
    g_byte_array_append(out, body, (guint)length);
}

/* server_name: a list of one host_name entry. */
static void put_server_name(GByteArray *out, const char *name)
{
    GByteArray *body = g_byte_array_new();
    gsize length = strlen(name);
    put16(body, 1 + 2 + length);
    const guint8 host_name = 0;
    g_byte_array_append(body, &host_name, 1);
    put16(body, length);
    g_byte_array_append(body, (const guint8 *)name, (guint)length);
    put_extension(out, 0, body->data, body->len);
    g_byte_array_free(body, TRUE);
}

/* A key_share of one group with a key of key_length bytes (X25519Kyber768
 * sends 1216). */
static void put_key_share(GByteArray *out, gsize key_length)
{
    GByteArray *body = g_byte_array_new();
    put16(body, 2 + 2 + key_length);
    put16(body, 0x6399);
    put16(body, key_length);
    for (gsize i = 0; i < key_length; i++) {
        guint8 byte = (guint8)(i * 7);
        g_byte_array_append(body, &byte, 1);
    }
    put_extension(out, 51, body->data, body->len);
    g_byte_array_free(body, TRUE);
}

/* The ClientHello handshake message around extensions (NULL: none at all). */
static GByteArray *hello_message(const GByteArray *extensions)
{
    GByteArray *body = g_byte_array_new();
    put16(body, 0x0303);
    for (int i = 0; i < 32; i++) {
        guint8 random = (guint8)(i + 1);
        g_byte_array_append(body, &random, 1);
    }
    const guint8 session[33] = {32};
    g_byte_array_append(body, session, sizeof session);
    put16(body, 4);
    put16(body, 0x1301);
    put16(body, 0x1302);
    const guint8 compression[2] = {1, 0};
    g_byte_array_append(body, compression, 2);
    if (extensions != NULL) {
        put16(body, extensions->len);
        g_byte_array_append(body, extensions->data, extensions->len);
    }
    GByteArray *message = g_byte_array_new();
    const guint8 header[4] = {1, (guint8)(body->len >> 16), (guint8)(body->len >> 8), (guint8)body->len};
    g_byte_array_append(message, header, 4);
    g_byte_array_append(message, body->data, body->len);
    g_byte_array_free(body, TRUE);
    return message;
}

/* The message in handshake records of at most record_size bytes. */
static GByteArray *records(const GByteArray *message, gsize record_size)
{
    GByteArray *stream = g_byte_array_new();
    for (gsize at = 0; at < message->len; at += record_size) {
        gsize length = MIN(record_size, message->len - at);
        const guint8 header[3] = {22, 3, 1};
        g_byte_array_append(stream, header, 3);
        put16(stream, length);
        g_byte_array_append(stream, message->data + at, (guint)length);
    }
    return stream;
}

static GByteArray *read_sample(const char *name)
{
    char *path = g_build_filename(data_dir, "hosts", name, NULL);
    gchar *contents = NULL;
    gsize length = 0;
    if (!g_file_get_contents(path, &contents, &length, NULL))
        g_error("cannot read %s", path);
    g_free(path);
    return g_byte_array_new_take((guint8 *)contents, length);
}

/* The whole stream gives the name; every shorter prefix asks for more. */
static void assert_prefixes(const GByteArray *stream, triage_host_result full, const char *expected)
{
    char name[TRIAGE_HOST_NAME_SIZE];
    for (gsize cut = 0; cut < stream->len; cut++) {
        triage_host_result result = triage_tls_client_hello_sni(stream->data, cut, name);
        if (result != TRIAGE_HOST_NEED_MORE)
            g_error("a prefix of %" G_GSIZE_FORMAT " of %u bytes gave %d", cut, stream->len, result);
    }
    g_assert_cmpint(triage_tls_client_hello_sni(stream->data, stream->len, name), ==, full);
    if (expected != NULL)
        g_assert_cmpstr(name, ==, expected);
}

static void test_openssl_hello(void)
{
    GByteArray *stream = read_sample("openssl-clienthello-sni.bin");
    /* OpenSSL sends the name as given; the policy compares lowercase. */
    assert_prefixes(stream, TRIAGE_HOST_FOUND, "tracker.opentrackr.org");
    /* What follows the hello (a second record) changes nothing. */
    GByteArray *more = g_byte_array_new();
    g_byte_array_append(more, stream->data, stream->len);
    const guint8 change_cipher_spec[6] = {20, 3, 3, 0, 1, 1};
    g_byte_array_append(more, change_cipher_spec, 6);
    char name[TRIAGE_HOST_NAME_SIZE];
    g_assert_cmpint(triage_tls_client_hello_sni(more->data, more->len, name), ==, TRIAGE_HOST_FOUND);
    g_byte_array_free(more, TRUE);
    g_byte_array_free(stream, TRUE);

    stream = read_sample("openssl-clienthello-no-sni.bin");
    assert_prefixes(stream, TRIAGE_HOST_NONE, NULL);
    g_byte_array_free(stream, TRUE);
}

/* A browser-sized hello: 1.8 KB, the server name after the key share. */
static void test_large_shuffled_hello(void)
{
    GByteArray *extensions = g_byte_array_new();
    const guint8 versions[] = {2, 0x03, 0x04};
    put_extension(extensions, 43, versions, sizeof versions);
    put_key_share(extensions, 1216);
    const guint8 alpn[] = {0, 3, 2, 'h', '2'};
    put_extension(extensions, 16, alpn, sizeof alpn);
    put_server_name(extensions, "gulf.moneroocean.stream");
    guint8 padding[420] = {0};
    put_extension(extensions, 21, padding, sizeof padding); /* to about 1.8 KB, as browsers pad */
    GByteArray *message = hello_message(extensions);
    g_assert_cmpuint(message->len, >, 1460); /* more than one Ethernet segment */
    GByteArray *stream = records(message, 16384);
    assert_prefixes(stream, TRIAGE_HOST_FOUND, "gulf.moneroocean.stream");
    g_byte_array_free(stream, TRUE);

    /* The same message cut into several records (legal, rare). */
    stream = records(message, 500);
    assert_prefixes(stream, TRIAGE_HOST_FOUND, "gulf.moneroocean.stream");
    g_byte_array_free(stream, TRUE);
    /* A record of 3 bytes cuts the handshake header: not read. */
    stream = records(message, 3);
    char name[TRIAGE_HOST_NAME_SIZE];
    g_assert_cmpint(triage_tls_client_hello_sni(stream->data, stream->len, name), ==, TRIAGE_HOST_NOT_MINE);
    g_byte_array_free(stream, TRUE);
    g_byte_array_free(message, TRUE);
    g_byte_array_free(extensions, TRUE);
}

static void test_without_extensions(void)
{
    GByteArray *message = hello_message(NULL);
    GByteArray *stream = records(message, 16384);
    assert_prefixes(stream, TRIAGE_HOST_NONE, NULL);
    g_byte_array_free(stream, TRUE);
    g_byte_array_free(message, TRUE);
}

/* 16 KB of hello is read; more is not. */
static void test_size_limit(void)
{
    char name[TRIAGE_HOST_NAME_SIZE];
    for (int over = 0; over <= 1; over++) {
        GByteArray *extensions = g_byte_array_new();
        put_key_share(extensions, 1000);
        GByteArray *probe = hello_message(extensions);
        gsize padding = TRIAGE_TLS_HELLO_MAX - (probe->len - 4) - 4 - (4 + 2 + 3 + strlen("a.example")) + (gsize)over;
        g_byte_array_free(probe, TRUE);
        GByteArray *pad = g_byte_array_sized_new((guint)padding);
        g_byte_array_set_size(pad, (guint)padding);
        memset(pad->data, 0, padding);
        put_extension(extensions, 21, pad->data, padding);
        put_server_name(extensions, "a.example");
        GByteArray *message = hello_message(extensions);
        g_assert_cmpuint(message->len - 4, ==, TRIAGE_TLS_HELLO_MAX + (gsize)over);
        GByteArray *stream = records(message, 16384);
        g_assert_cmpuint(stream->len, <=, TRIAGE_TLS_STREAM_MAX + 5);
        g_assert_cmpint(triage_tls_client_hello_sni(stream->data, stream->len, name), ==,
                        over ? TRIAGE_HOST_NOT_MINE : TRIAGE_HOST_FOUND);
        g_byte_array_free(stream, TRUE);
        g_byte_array_free(message, TRUE);
        g_byte_array_free(pad, TRUE);
        g_byte_array_free(extensions, TRUE);
    }
}

static void test_not_a_client_hello(void)
{
    char name[TRIAGE_HOST_NAME_SIZE];
    static const char *const others[] = {"GET / HTTP/1.1\r\n", "SSH-2.0-OpenSSH_9.2\r\n", ("\x13" "BitTorrent protocol")};
    for (gsize i = 0; i < G_N_ELEMENTS(others); i++)
        g_assert_cmpint(triage_tls_client_hello_sni((const guint8 *)others[i], strlen(others[i]), name), ==,
                        TRIAGE_HOST_NOT_MINE);
    /* A ServerHello, an alert, SSL 2, a record too long to be TLS. */
    static const guint8 server_hello[] = {22, 3, 3, 0, 0x30, 2, 0, 0, 0x2c};
    static const guint8 alert[] = {21, 3, 3, 0, 2, 2, 40};
    static const guint8 ssl2[] = {0x80, 0x2e, 1, 0, 2};
    static const guint8 huge[] = {22, 3, 1, 0x48, 0x01, 1};
    static const guint8 wrong_version[] = {22, 2, 0, 0, 0x30, 1};
    g_assert_cmpint(triage_tls_client_hello_sni(server_hello, sizeof server_hello, name), ==, TRIAGE_HOST_NOT_MINE);
    g_assert_cmpint(triage_tls_client_hello_sni(alert, sizeof alert, name), ==, TRIAGE_HOST_NOT_MINE);
    g_assert_cmpint(triage_tls_client_hello_sni(ssl2, sizeof ssl2, name), ==, TRIAGE_HOST_NOT_MINE);
    g_assert_cmpint(triage_tls_client_hello_sni(huge, sizeof huge, name), ==, TRIAGE_HOST_NOT_MINE);
    g_assert_cmpint(triage_tls_client_hello_sni(wrong_version, sizeof wrong_version, name), ==, TRIAGE_HOST_NOT_MINE);
}

/* Lengths that point past their container, a bad name: never a name. */
static void test_malformed(void)
{
    char name[TRIAGE_HOST_NAME_SIZE];
    GByteArray *sample = read_sample("openssl-clienthello-sni.bin");
    /* Find the server_name extension: 00 00, its length, the list length,
     * 00 (host_name), the name's length, then "Tracker". */
    const guint8 *at = NULL;
    for (gsize i = 9; i + 7 < sample->len && at == NULL; i++) {
        if (memcmp(sample->data + i, "Tracker", 7) == 0)
            at = sample->data + i;
    }
    g_assert_nonnull(at);
    gsize name_at = (gsize)(at - sample->data);
    struct {
        gsize offset;
        guint8 value;
        triage_host_result expected;
    } edits[] = {
        {name_at - 1, 0xff, TRIAGE_HOST_NOT_MINE},  /* name longer than its list */
        {name_at - 4, 0xff, TRIAGE_HOST_NOT_MINE},  /* list longer than its extension */
        {name_at - 3, 1, TRIAGE_HOST_NONE},         /* list of 1 byte: no whole entry... */
        {name_at - 7, 0xff, TRIAGE_HOST_NOT_MINE},  /* extension longer than the extensions */
        {name_at + 3, ' ', TRIAGE_HOST_NOT_MINE},   /* a space in the name */
        {name_at + 3, 0, TRIAGE_HOST_NOT_MINE},     /* a NUL in the name */
        {name_at + 8, '.', TRIAGE_HOST_NOT_MINE},   /* "Tracker.." an empty label */
        {name_at - 2, 0, TRIAGE_HOST_FOUND},        /* the name length's high byte, 0 as before */
    };
    for (gsize e = 0; e < G_N_ELEMENTS(edits); e++) {
        GByteArray *copy = g_byte_array_new();
        g_byte_array_append(copy, sample->data, sample->len);
        copy->data[edits[e].offset] = edits[e].value;
        triage_host_result result = triage_tls_client_hello_sni(copy->data, copy->len, name);
        g_test_message("edit %" G_GSIZE_FORMAT ": %d", e, result);
        if (edits[e].expected == TRIAGE_HOST_NONE)
            g_assert_true(result == TRIAGE_HOST_NONE || result == TRIAGE_HOST_NOT_MINE);
        else
            g_assert_cmpint(result, ==, edits[e].expected);
        g_byte_array_free(copy, TRUE);
    }
    /* Random damage anywhere: no crash, and a name found is a valid one. */
    GRand *rand = g_rand_new_with_seed(17);
    for (guint round = 0; round < 20000; round++) {
        GByteArray *copy = g_byte_array_new();
        g_byte_array_append(copy, sample->data, sample->len);
        guint flips = (guint)g_rand_int_range(rand, 1, 4);
        for (guint f = 0; f < flips; f++)
            copy->data[g_rand_int_range(rand, 0, (gint32)copy->len)] = (guint8)g_rand_int_range(rand, 0, 256);
        gsize length = (gsize)g_rand_int_range(rand, 0, (gint32)copy->len + 1);
        if (triage_tls_client_hello_sni(copy->data, length, name) == TRIAGE_HOST_FOUND) {
            g_assert_cmpuint(strlen(name), >=, 1);
            for (const char *c = name; *c; c++)
                g_assert_true(*c > 0x20 && *c < 0x7f && !g_ascii_isupper(*c));
        }
        g_byte_array_free(copy, TRUE);
    }
    g_rand_free(rand);
    g_byte_array_free(sample, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (argc < 2)
        g_error("usage: %s DATA_DIR", argv[0]);
    data_dir = argv[1];
    g_test_add_func("/tls_sni/openssl", test_openssl_hello);
    g_test_add_func("/tls_sni/large-shuffled", test_large_shuffled_hello);
    g_test_add_func("/tls_sni/without-extensions", test_without_extensions);
    g_test_add_func("/tls_sni/size-limit", test_size_limit);
    g_test_add_func("/tls_sni/not-a-client-hello", test_not_a_client_hello);
    g_test_add_func("/tls_sni/malformed", test_malformed);
    return g_test_run();
}
