/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_summary.c — the pieces of a fleet merge that a generated fleet does
 * not reach: distinct sets across their exact-to-sketch change, a duration
 * taken back out of a sketch, and which view of a connection two captures
 * saw stays (the client's side, else the first capture by name), with the
 * other taken back out of every counter it was in.
 */
#include <math.h>
#include <string.h>

#include "summary.h"
#include "summary_json.h"

static triage_address ipv4(guint32 value)
{
    triage_address address;
    memset(&address, 0, sizeof address);
    address.family = 4;
    address.bytes[0] = (guint8)(value >> 24);
    address.bytes[1] = (guint8)(value >> 16);
    address.bytes[2] = (guint8)(value >> 8);
    address.bytes[3] = (guint8)value;
    return address;
}

static void test_distinct_exact_then_sketched(void)
{
    triage_distinct set;

    triage_distinct_init(&set);
    for (guint i = 0; i < TRIAGE_DISTINCT_EXACT_LIMIT; i++) {
        triage_address address = ipv4(0x0a000000u + 3 * i);
        triage_distinct_add(&set, &address);
        triage_distinct_add(&set, &address); /* twice: still one */
    }
    g_assert_true(triage_distinct_is_exact(&set));
    g_assert_cmpuint(triage_distinct_count(&set), ==, TRIAGE_DISTINCT_EXACT_LIMIT);
    for (guint i = TRIAGE_DISTINCT_EXACT_LIMIT; i < 20000; i++) {
        triage_address address = ipv4(0x0a000000u + 3 * i);
        triage_distinct_add(&set, &address);
    }
    g_assert_false(triage_distinct_is_exact(&set));
    /* 1.6 % standard error: 20 000 within 5 % (three of them) */
    g_assert_cmpfloat(fabs((double)triage_distinct_count(&set) - 20000.0), <=, 0.05 * 20000.0);
    triage_distinct_clear(&set);
}

/* (A u B) u C and A u (B u C) and one set fed everything: the same
 * registers, whichever side of the exact limit each part is on. */
static void test_distinct_merge_is_associative(void)
{
    triage_distinct parts[3], left, right, all;
    const guint sizes[3] = {10, 50, 3000};
    guint next = 0;

    triage_distinct_init(&all);
    for (guint p = 0; p < 3; p++) {
        triage_distinct_init(&parts[p]);
        for (guint i = 0; i < sizes[p]; i++) {
            triage_address address = ipv4(0xc0000000u + next++ * 7919u);
            triage_distinct_add(&parts[p], &address);
            triage_distinct_add(&all, &address);
        }
    }
    triage_distinct_init(&left);
    triage_distinct_merge(&left, &parts[0]);
    triage_distinct_merge(&left, &parts[1]);
    g_assert_true(triage_distinct_is_exact(&left)); /* 60: still exact */
    triage_distinct_merge(&left, &parts[2]);
    triage_distinct_init(&right);
    triage_distinct_merge(&right, &parts[1]);
    triage_distinct_merge(&right, &parts[2]);
    triage_distinct_merge(&right, &parts[0]);
    g_assert_false(triage_distinct_is_exact(&left));
    g_assert_cmpmem(left.registers, TRIAGE_DISTINCT_REGISTERS, all.registers, TRIAGE_DISTINCT_REGISTERS);
    g_assert_cmpmem(right.registers, TRIAGE_DISTINCT_REGISTERS, all.registers, TRIAGE_DISTINCT_REGISTERS);
    for (guint p = 0; p < 3; p++)
        triage_distinct_clear(&parts[p]);
    triage_distinct_clear(&left);
    triage_distinct_clear(&right);
    triage_distinct_clear(&all);
}

static void test_sketch_remove_restores(void)
{
    triage_log_sketch *sketch = triage_log_sketch_new(), *without = triage_log_sketch_new();
    GString *a = g_string_new(NULL), *b = g_string_new(NULL);
    triage_summary *one = triage_summary_new(), *two = triage_summary_new();

    for (gint64 value = 1000; value < 5000000; value = value * 3 / 2) {
        triage_log_sketch_add(sketch, value);
        triage_log_sketch_add(without, value);
    }
    triage_log_sketch_add(sketch, 40000000);
    g_assert_true(triage_log_sketch_remove(sketch, 40000000));
    g_assert_false(triage_log_sketch_remove(sketch, 40000000)); /* its bucket is empty now */
    g_assert_cmpuint(triage_log_sketch_count(sketch), ==, triage_log_sketch_count(without));
    /* the same text: no empty bucket left behind */
    triage_log_sketch_merge(one->legs[0], sketch);
    triage_log_sketch_merge(two->legs[0], without);
    triage_summary_append_json(a, one);
    triage_summary_append_json(b, two);
    g_assert_cmpstr(a->str, ==, b->str);
    g_string_free(a, TRUE);
    g_string_free(b, TRUE);
    triage_summary_free(one);
    triage_summary_free(two);
    triage_log_sketch_free(sketch);
    triage_log_sketch_free(without);
}

/* One capture's summary with one connection 10.0.0.1:40000 -> 10.0.0.2:443
 * seen from capture_point, its handshake taking handshake_ns. */
static triage_summary *one_connection(const char *capture, triage_capture_point point, gint64 handshake_ns)
{
    triage_summary *summary = triage_summary_new();
    triage_summary_capture *row = triage_summary_capture_get(summary, capture, NULL);
    triage_address client = ipv4(0x0a000001u), server = ipv4(0x0a000002u);
    triage_summary_server *server_row = triage_summary_server_get(summary, &server, 443);
    triage_summary_destination *destination = triage_summary_destination_get(summary, &server);
    triage_summary_traffic traffic = {.connections = 1, .packets_to = 5, .bytes_to = 500, .packets_from = 4,
                                      .bytes_from = 4000, .first = 1, .last = 2};
    triage_summary_sighting sighting;

    row->packets = 9;
    summary->packets = 9;
    summary->counts.rtt.connections = 1;
    summary->counts.rtt.attempted = 1;
    summary->counts.rtt.outcomes[TRIAGE_OUTCOME_COMPLETED] = 1;
    summary->counts.capture_points[point] = 1;
    triage_log_sketch_add(summary->legs[TRIAGE_LEG_HANDSHAKE], handshake_ns);
    server_row->connections = 1;
    server_row->completed = 1;
    server_row->capture_points[point] = 1;
    triage_log_sketch_add(server_row->handshake, handshake_ns);
    triage_distinct_add(&server_row->initiators, &client);
    triage_name_set_add(server_row->captures, capture);
    triage_summary_traffic_add(&destination->traffic, &traffic);
    triage_summary_traffic_add(&triage_summary_port_get(destination, 6, 443)->traffic, &traffic);

    memset(&sighting, 0, sizeof sighting);
    sighting.client = client;
    sighting.server = server;
    sighting.client_port = 40000;
    sighting.server_port = 443;
    sighting.isn = 12345;
    sighting.capture = capture;
    sighting.capture_point = (guint8)point;
    sighting.outcome = TRIAGE_OUTCOME_COMPLETED;
    sighting.attempted = 1;
    sighting.has_leg = 1u << TRIAGE_LEG_HANDSHAKE;
    sighting.legs[TRIAGE_LEG_HANDSHAKE] = handshake_ns;
    sighting.packets_to = 5;
    sighting.bytes_to = 500;
    sighting.packets_from = 4;
    sighting.bytes_from = 4000;
    triage_summary_add_sighting(summary, &sighting);
    return summary;
}

static void check_one_connection_kept(triage_summary *a, triage_summary *b, gint64 kept_ns)
{
    triage_summary *fleet = triage_summary_new(), *counted;
    triage_address server = ipv4(0x0a000002u);
    char *error = NULL;
    guint64 merged = 0;

    g_assert_true(triage_summary_merge(fleet, a, &error));
    g_assert_true(triage_summary_merge(fleet, b, &error));
    g_assert_cmpuint(fleet->counts.rtt.connections, ==, 2);
    counted = triage_summary_deduplicated(fleet, &merged);
    g_assert_cmpuint(merged, ==, 1);
    g_assert_cmpuint(counted->counts.rtt.connections, ==, 1);
    g_assert_cmpuint(counted->counts.rtt.outcomes[TRIAGE_OUTCOME_COMPLETED], ==, 1);
    g_assert_cmpuint(triage_log_sketch_count(counted->legs[TRIAGE_LEG_HANDSHAKE]), ==, 1);
    g_assert_cmpint(triage_log_sketch_index(triage_log_sketch_percentile(counted->legs[TRIAGE_LEG_HANDSHAKE], 50)),
                    ==, triage_log_sketch_index(kept_ns));
    g_assert_cmpuint(triage_summary_server_get(counted, &server, 443)->connections, ==, 1);
    g_assert_cmpuint(triage_summary_destination_get(counted, &server)->traffic.packets_to, ==, 5);
    g_assert_cmpuint(triage_summary_destination_get(counted, &server)->traffic.connections, ==, 1);
    /* the merged summary itself keeps both views, so it merges on */
    g_assert_cmpuint(fleet->counts.rtt.connections, ==, 2);
    triage_summary_free(counted);
    triage_summary_free(fleet);
}

static void test_client_side_view_stays(void)
{
    /* "b-server" saw it at the server (its SYN/ACK leg near zero): the
     * client's capture, though second by name, is the one kept. */
    triage_summary *client = one_connection("z-client", TRIAGE_CAPTURE_POINT_CLIENT, 40000000);
    triage_summary *server = one_connection("b-server", TRIAGE_CAPTURE_POINT_SERVER, 39000000);

    check_one_connection_kept(server, client, 40000000);
    triage_summary_free(client);
    triage_summary_free(server);
}

static void test_first_capture_by_name_without_client_side(void)
{
    triage_summary *first = one_connection("a-path", TRIAGE_CAPTURE_POINT_PATH, 20000000);
    triage_summary *second = one_connection("b-path", TRIAGE_CAPTURE_POINT_PATH, 30000000);

    check_one_connection_kept(second, first, 20000000);
    triage_summary_free(first);
    triage_summary_free(second);
}

static void test_same_capture_twice_is_refused(void)
{
    triage_summary *a = one_connection("vm-1", TRIAGE_CAPTURE_POINT_CLIENT, 1000);
    triage_summary *b = one_connection("vm-1", TRIAGE_CAPTURE_POINT_CLIENT, 1000);
    triage_summary *fleet = triage_summary_new();
    char *error = NULL;

    g_assert_true(triage_summary_merge(fleet, a, &error));
    g_assert_false(triage_summary_merge(fleet, b, &error));
    g_assert_nonnull(strstr(error, "\"vm-1\" is given twice"));
    g_assert_cmpuint(fleet->counts.rtt.connections, ==, 1); /* refused before anything was added */
    g_free(error);
    triage_summary_free(a);
    triage_summary_free(b);
    triage_summary_free(fleet);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/summary/distinct/exact_then_sketched", test_distinct_exact_then_sketched);
    g_test_add_func("/summary/distinct/merge_is_associative", test_distinct_merge_is_associative);
    g_test_add_func("/summary/sketch/remove_restores", test_sketch_remove_restores);
    g_test_add_func("/summary/dedup/client_side_view_stays", test_client_side_view_stays);
    g_test_add_func("/summary/dedup/first_capture_by_name", test_first_capture_by_name_without_client_side);
    g_test_add_func("/summary/merge/same_capture_twice", test_same_capture_twice_is_refused);
    return g_test_run();
}
