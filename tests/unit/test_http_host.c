/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_http_host.c — the Host of an HTTP/1.x request (tap/http_host.c):
 * requests as BitTorrent clients and curl write them, cut anywhere.
 */
#include <string.h>

#include "http_host.h"

static triage_host_result host_of(const char *text, gsize length, char *name)
{
    return triage_http_request_host((const guint8 *)text, length, name);
}

/* Every prefix asks for more (or, once the Host line is complete, finds
 * it); the whole request gives full. */
static void assert_request(const char *text, triage_host_result full, const char *expected)
{
    char name[TRIAGE_HOST_NAME_SIZE];
    gsize length = strlen(text);
    for (gsize cut = 0; cut < length; cut++) {
        triage_host_result result = host_of(text, cut, name);
        if (result == TRIAGE_HOST_FOUND) {
            g_assert_cmpint(full, ==, TRIAGE_HOST_FOUND);
            g_assert_cmpstr(name, ==, expected);
        } else if (result != TRIAGE_HOST_NEED_MORE) {
            g_error("'%.*s' gave %d", (int)cut, text, result);
        }
    }
    g_assert_cmpint(host_of(text, length, name), ==, full);
    if (full == TRIAGE_HOST_FOUND)
        g_assert_cmpstr(name, ==, expected);
}

static void test_requests(void)
{
    /* A tracker announce as libtorrent sends it. */
    assert_request("GET /announce?info_hash=%12%34V&peer_id=-LT2080-abcdefghijkl&port=6881 HTTP/1.1\r\n"
                   "Host: Tracker.OpenTrackr.org:1337\r\n"
                   "User-Agent: libtorrent/2.0.8\r\n"
                   "Accept-Encoding: gzip\r\n"
                   "Connection: close\r\n\r\n",
                   TRIAGE_HOST_FOUND, "tracker.opentrackr.org");
    /* curl: Host second, no port. */
    assert_request("GET / HTTP/1.1\r\nUser-Agent: curl/7.88.1\r\nhost: example.org\r\nAccept: */*\r\n\r\n",
                   TRIAGE_HOST_FOUND, "example.org");
    /* Bare LF line ends, spaces around the value, a trailing dot. */
    assert_request("POST /submit HTTP/1.0\nHOST:   pool.supportxmr.com.  \nContent-Length: 0\n\n", TRIAGE_HOST_FOUND,
                   "pool.supportxmr.com");
    /* An IPv6 literal is a name like any other: lists never hold it. */
    assert_request("GET / HTTP/1.1\r\nHost: [2001:db8::1]:8080\r\n\r\n", TRIAGE_HOST_FOUND, "[2001:db8::1]");
    /* HTTP/1.0 without Host: the empty line ends the headers. */
    assert_request("GET / HTTP/1.0\r\nUser-Agent: old\r\n\r\n", TRIAGE_HOST_NONE, NULL);
}

static void test_bad_hosts(void)
{
    char name[TRIAGE_HOST_NAME_SIZE];
    static const char *const requests[] = {
        "GET / HTTP/1.1\r\nHost: exa mple.org\r\n\r\n",   /* a space */
        "GET / HTTP/1.1\r\nHost: example.org:http\r\n\r\n", /* a port that is no number */
        "GET / HTTP/1.1\r\nHost: \r\n\r\n",                /* empty */
        "GET / HTTP/1.1\r\nHost: a..b\r\n\r\n",            /* an empty label */
        "GET / HTTP/1.1\r\nHost: [2001:db8::1\r\n\r\n",    /* an unclosed bracket */
    };
    for (gsize i = 0; i < G_N_ELEMENTS(requests); i++)
        g_assert_cmpint(host_of(requests[i], strlen(requests[i]), name), ==, TRIAGE_HOST_NONE);
}

static void test_not_http(void)
{
    char name[TRIAGE_HOST_NAME_SIZE];
    static const char *const others[] = {
        "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n",          /* a response */
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",               /* the HTTP/2 preface */
        "SSH-2.0-OpenSSH_9.2\r\n",
        "EHLO mail.example.org\r\n",
        "NICK bot\r\nUSER bot 0 * :bot\r\n",
        "get / HTTP/1.1\r\n",                             /* methods are upper case */
        "GET  / HTTP/1.1\r\n",                            /* two spaces */
        "GET / HTTP/1.1 extra\r\n",
        "GET / FTP/1.1\r\n",
        "GET / HTTP/1.1\r\nno colon here\r\n\r\n",       /* a header without a name */
        "VERYLONGMETHODNAMEXX / HTTP/1.1\r\n",
        "\x16\x03\x01\x02\x00\x01",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(others); i++) {
        triage_host_result result = host_of(others[i], strlen(others[i]), name);
        if (result != TRIAGE_HOST_NOT_MINE)
            g_error("'%s' gave %d", others[i], result);
    }
}

/* A header block longer than the parser reads is given up on. */
static void test_long_headers(void)
{
    char name[TRIAGE_HOST_NAME_SIZE];
    GString *request = g_string_new("GET / HTTP/1.1\r\n");
    while (request->len < TRIAGE_HTTP_HEADER_MAX + 100)
        g_string_append(request, "X-Filler: 0123456789012345678901234567890123456789\r\n");
    g_string_append(request, "Host: late.example.org\r\n\r\n");
    g_assert_cmpint(host_of(request->str, request->len, name), ==, TRIAGE_HOST_NONE);
    g_string_free(request, TRUE);
    /* A request line that never ends. */
    request = g_string_new("GET /");
    while (request->len < TRIAGE_HTTP_HEADER_MAX + 100)
        g_string_append_c(request, 'a');
    g_assert_cmpint(host_of(request->str, request->len, name), ==, TRIAGE_HOST_NOT_MINE);
    g_string_free(request, TRUE);
}

static void test_random(void)
{
    char name[TRIAGE_HOST_NAME_SIZE];
    const char *base = "GET /announce HTTP/1.1\r\nHost: tracker.example.org:80\r\nAccept: */*\r\n\r\n";
    gsize length = strlen(base);
    GRand *rand = g_rand_new_with_seed(18);
    guint8 copy[256];
    for (guint round = 0; round < 20000; round++) {
        memcpy(copy, base, length);
        guint flips = (guint)g_rand_int_range(rand, 1, 4);
        for (guint f = 0; f < flips; f++)
            copy[g_rand_int_range(rand, 0, (gint32)length)] = (guint8)g_rand_int_range(rand, 0, 256);
        gsize cut = (gsize)g_rand_int_range(rand, 0, (gint32)length + 1);
        if (triage_http_request_host(copy, cut, name) == TRIAGE_HOST_FOUND) {
            g_assert_cmpuint(strlen(name), >=, 1);
            for (const char *c = name; *c; c++)
                g_assert_true(*c > 0x20 && *c < 0x7f && !g_ascii_isupper(*c));
        }
    }
    g_rand_free(rand);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/http_host/requests", test_requests);
    g_test_add_func("/http_host/bad-hosts", test_bad_hosts);
    g_test_add_func("/http_host/not-http", test_not_http);
    g_test_add_func("/http_host/long-headers", test_long_headers);
    g_test_add_func("/http_host/random", test_random);
    return g_test_run();
}
