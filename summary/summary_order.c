/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * summary_order.c — the rows of a summary in one fixed order (summary.h's
 * *_sorted): most connections (or packets, queries) first, then every key
 * column, so that two summaries with the same content are written the same
 * way whichever merges made them.
 */
#include <stdlib.h>
#include <string.h>

#include "summary.h"
#include "summary_keys.h"

static int compare_server_rows(const void *a, const void *b)
{
    const triage_summary_server *left = *(triage_summary_server *const *)a;
    const triage_summary_server *right = *(triage_summary_server *const *)b;
    int order;

    if (left->connections != right->connections)
        return left->connections > right->connections ? -1 : 1;
    if ((order = triage_summary_compare_addresses(&left->address, &right->address)) != 0)
        return order;
    return COMPARE_NUMBERS(left->port, right->port);
}

triage_summary_server **triage_summary_servers_sorted(const triage_summary *summary, guint *count)
{
    triage_summary_server **rows = (triage_summary_server **)g_hash_table_get_keys_as_array(summary->servers, count);
    qsort(rows, *count, sizeof *rows, compare_server_rows);
    return rows;
}

static int compare_destination_rows(const void *a, const void *b)
{
    const triage_summary_destination *left = *(triage_summary_destination *const *)a;
    const triage_summary_destination *right = *(triage_summary_destination *const *)b;

    if (left->traffic.connections != right->traffic.connections)
        return left->traffic.connections > right->traffic.connections ? -1 : 1;
    return triage_summary_compare_addresses(&left->address, &right->address);
}

triage_summary_destination **triage_summary_destinations_sorted(const triage_summary *summary, guint *count)
{
    triage_summary_destination **rows =
        (triage_summary_destination **)g_hash_table_get_keys_as_array(summary->destinations, count);
    qsort(rows, *count, sizeof *rows, compare_destination_rows);
    return rows;
}

static int compare_port_rows(const void *a, const void *b)
{
    const triage_summary_port *left = *(triage_summary_port *const *)a;
    const triage_summary_port *right = *(triage_summary_port *const *)b;

    if (left->traffic.connections != right->traffic.connections)
        return left->traffic.connections > right->traffic.connections ? -1 : 1;
    if (left->transport != right->transport)
        return COMPARE_NUMBERS(left->transport, right->transport);
    return COMPARE_NUMBERS(left->port, right->port);
}

triage_summary_port **triage_summary_ports_sorted(const triage_summary_destination *destination, guint *count)
{
    triage_summary_port **rows = (triage_summary_port **)g_hash_table_get_keys_as_array(destination->ports, count);
    qsort(rows, *count, sizeof *rows, compare_port_rows);
    return rows;
}

static guint severity_rank(const char *severity)
{
    static const char *const order[] = {"error", "warn", "note", "chat"};
    for (guint i = 0; i < G_N_ELEMENTS(order); i++)
        if (severity != NULL && strcmp(severity, order[i]) == 0)
            return i;
    return G_N_ELEMENTS(order);
}

static int compare_finding_rows(const void *a, const void *b)
{
    const triage_summary_finding *left = *(triage_summary_finding *const *)a;
    const triage_summary_finding *right = *(triage_summary_finding *const *)b;
    guint left_rank = severity_rank(left->severity), right_rank = severity_rank(right->severity);

    if (left_rank != right_rank)
        return COMPARE_NUMBERS(left_rank, right_rank);
    if (left->connections != right->connections)
        return left->connections > right->connections ? -1 : 1;
    return triage_summary_finding_compare_keys(left, right);
}

triage_summary_finding **triage_summary_findings_sorted(const triage_summary *summary, guint *count)
{
    triage_summary_finding **rows =
        (triage_summary_finding **)g_hash_table_get_keys_as_array(summary->findings, count);
    qsort(rows, *count, sizeof *rows, compare_finding_rows);
    return rows;
}

static int compare_endpoint_rows(const void *a, const void *b)
{
    const triage_summary_endpoint *left = *(triage_summary_endpoint *const *)a;
    const triage_summary_endpoint *right = *(triage_summary_endpoint *const *)b;

    if (left->packets != right->packets)
        return left->packets > right->packets ? -1 : 1;
    return triage_summary_endpoint_compare_keys(left, right);
}

triage_summary_endpoint **triage_summary_endpoints_sorted(const triage_summary_finding *finding, guint *count)
{
    triage_summary_endpoint **rows =
        (triage_summary_endpoint **)g_hash_table_get_keys_as_array(finding->endpoints, count);
    qsort(rows, *count, sizeof *rows, compare_endpoint_rows);
    return rows;
}

static int compare_lookup_rows(const void *a, const void *b)
{
    const triage_summary_lookup *left = *(triage_summary_lookup *const *)a;
    const triage_summary_lookup *right = *(triage_summary_lookup *const *)b;
    guint left_rank = severity_rank(left->severity), right_rank = severity_rank(right->severity);

    if (left_rank != right_rank)
        return COMPARE_NUMBERS(left_rank, right_rank);
    if (left->queries != right->queries)
        return left->queries > right->queries ? -1 : 1;
    return triage_summary_lookup_compare_keys(left, right);
}

triage_summary_lookup **triage_summary_lookups_sorted(const triage_summary *summary, guint *count)
{
    triage_summary_lookup **rows = (triage_summary_lookup **)g_hash_table_get_keys_as_array(summary->lookups, count);
    qsort(rows, *count, sizeof *rows, compare_lookup_rows);
    return rows;
}

static int compare_capture_rows(const void *a, const void *b)
{
    const triage_summary_capture *left = *(triage_summary_capture *const *)a;
    const triage_summary_capture *right = *(triage_summary_capture *const *)b;
    return strcmp(left->name, right->name);
}

triage_summary_capture **triage_summary_captures_sorted(const triage_summary *summary, guint *count)
{
    triage_summary_capture **rows = (triage_summary_capture **)triage_hash_table_values(summary->captures, count);
    qsort(rows, *count, sizeof *rows, compare_capture_rows);
    return rows;
}

static int compare_sighting_lists(const void *a, const void *b)
{
    triage_summary_sighting_key left, right;
    triage_summary_sighting_key_of(g_ptr_array_index(*(GPtrArray *const *)a, 0), &left);
    triage_summary_sighting_key_of(g_ptr_array_index(*(GPtrArray *const *)b, 0), &right);
    return triage_summary_sighting_key_compare(&left, &right);
}

GPtrArray **triage_summary_sightings_sorted(const triage_summary *summary, guint *count)
{
    GPtrArray **lists = (GPtrArray **)triage_hash_table_values(summary->sightings, count);
    qsort(lists, *count, sizeof *lists, compare_sighting_lists);
    return lists;
}
