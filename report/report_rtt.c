/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_rtt.c — builds the Handshake RTT report of report_rtt.h.
 *
 * One walk over the selected streams collects counts, per-server counts
 * and the ranked lists (only the top N, unless all are asked for); then one
 * walk per leg gathers that leg's times in a single reused array, and the
 * handshake walk also the times of the servers that will be shown.  So the
 * report needs about 8 bytes per connection while it is built, not one
 * array per leg, per server and per list.  Percentiles are computed here,
 * by selection: the per-packet path keeps no statistics.
 */
#include <stdlib.h>
#include <string.h>

#include "report_rtt.h"
#include "byte_hash.h"
#include "connection_table.h"
#include "percentile.h"
#include "log_sketch.h"

/* The order of the stats rows: the headline number first. */
static const triage_leg statistics_order[] = {
    TRIAGE_LEG_HANDSHAKE, TRIAGE_LEG_SYN_SYNACK, TRIAGE_LEG_SYNACK_ACK, TRIAGE_LEG_SETUP,
};

typedef struct server_summary {
    triage_address address;
    guint16 port;
    guint64 connections;
    guint64 completed;
    guint64 failed;
    GArray *handshakes; /* triage_time in the statistics; NULL unless shown */
    triage_capture_point_tally capture_points;
} server_summary;

/* A connection in a ranked list, with the time it is ranked by. */
typedef struct ranked_connection {
    guint32 stream;
    triage_time value;
    const triage_handshake *handshake;
} ranked_connection;

/* The connections with the largest value of one leg: all of them, or only
 * the best `limit` (a heap whose root is the last one kept). */
typedef struct ranked_list {
    GArray *entries;     /* ranked_connection */
    guint limit;         /* 0 = keep all */
    guint64 candidates;  /* how many qualified, kept or not */
} ranked_list;

/* A stream's endpoints in the handshake's roles. */
typedef struct endpoints {
    triage_address client;
    triage_address server;
    guint16 client_port;
    guint16 server_port;
} endpoints;

typedef struct rtt_collection {
    const triage_connection_table *connection_table; /* where the addresses are */
    guint64 outcomes[TRIAGE_OUTCOME_COUNT];
    guint64 connections;
    guint64 attempted;
    guint64 ambiguous;
    guint64 anomalous;
    guint64 anomaly_kinds[TRIAGE_ANOMALY_KIND_COUNT]; /* connections per anomaly, by bit position */
    triage_duration_summary summaries[TRIAGE_LEG_COUNT];
    triage_log_sketch *histograms[TRIAGE_LEG_COUNT]; /* the same times, bucketed */
    triage_capture_point_tally capture_points;
    GHashTable *servers;              /* server_summary, its own key */
    server_summary **ranked_servers;  /* by compare_servers */
    guint server_count;
    ranked_list slowest;              /* by handshake */
    ranked_list longest_setup;        /* by setup */
} rtt_collection;

/* --- Servers ----------------------------------------------------------------- */

static guint server_hash(gconstpointer key)
{
    const server_summary *server = key;
    guint32 hash = triage_hash_bytes(TRIAGE_HASH_SEED, &server->address, sizeof server->address);

    return triage_hash_bytes(hash, &server->port, sizeof server->port);
}

static gboolean server_equal(gconstpointer a, gconstpointer b)
{
    const server_summary *left = a, *right = b;

    return left->port == right->port && memcmp(&left->address, &right->address, sizeof left->address) == 0;
}

static void server_free(gpointer data)
{
    server_summary *server = data;

    if (server->handshakes != NULL)
        g_array_free(server->handshakes, TRUE);
    g_free(server);
}

/* The stream's endpoints from the connection table, in the roles the
 * handshake engine gave them; FALSE when the table does not hold it. */
static gboolean endpoints_of(const rtt_collection *collection, guint32 stream, const triage_handshake *handshake,
                             endpoints *out)
{
    triage_flow_packet probe = {.transport = TRIAGE_TRANSPORT_TCP, .stream = stream};
    const triage_connection *connection = triage_connection_table_find(collection->connection_table, &probe, NULL);
    gboolean same_roles;

    memset(out, 0, sizeof *out);
    if (connection == NULL)
        return FALSE;
    same_roles = triage_handshake_client_is(handshake, &connection->client, connection->client_port,
                                            &connection->server, connection->server_port);
    out->client = same_roles ? connection->client : connection->server;
    out->client_port = same_roles ? connection->client_port : connection->server_port;
    out->server = same_roles ? connection->server : connection->client;
    out->server_port = same_roles ? connection->server_port : connection->client_port;
    return TRUE;
}

/* The summary of the stream's server; NULL when its address is unknown. */
static server_summary *server_of(rtt_collection *collection, guint32 stream, const triage_handshake *handshake)
{
    endpoints ends;
    server_summary probe = {0};
    server_summary *server;

    if (!endpoints_of(collection, stream, handshake, &ends))
        return NULL;
    probe.address = ends.server;
    probe.port = ends.server_port;
    server = g_hash_table_lookup(collection->servers, &probe);
    if (server == NULL) {
        server = g_new0(server_summary, 1);
        server->address = ends.server;
        server->port = ends.server_port;
        g_hash_table_add(collection->servers, server);
    }
    return server;
}

static int compare_addresses(const triage_address *left, const triage_address *right)
{
    if (left->family != right->family)
        return left->family < right->family ? -1 : 1;
    return memcmp(left->bytes, right->bytes, sizeof left->bytes);
}

/* Most connections first; ties in address and port order, so the output is
 * the same on every run. */
static int compare_servers(const void *a, const void *b)
{
    const server_summary *left = *(server_summary *const *)a;
    const server_summary *right = *(server_summary *const *)b;
    int by_address;

    if (left->connections != right->connections)
        return left->connections > right->connections ? -1 : 1;
    by_address = compare_addresses(&left->address, &right->address);
    if (by_address != 0)
        return by_address;
    return (left->port > right->port) - (left->port < right->port);
}

/* Longest first; ties by stream, then by the attempt's first frame (a
 * stream can hold two handshake attempts). */
static int compare_ranked(const void *a, const void *b)
{
    const ranked_connection *left = a, *right = b;
    guint32 left_frame, right_frame;

    if (left->value != right->value)
        return left->value > right->value ? -1 : 1;
    if (left->stream != right->stream)
        return left->stream > right->stream ? 1 : -1;
    left_frame = triage_handshake_opening_frame(left->handshake);
    right_frame = triage_handshake_opening_frame(right->handshake);
    return (left_frame > right_frame) - (left_frame < right_frame);
}

/* --- Collecting ---------------------------------------------------------------- */

static gboolean outcome_is_failure(triage_handshake_outcome outcome)
{
    return outcome == TRIAGE_OUTCOME_REFUSED || outcome == TRIAGE_OUTCOME_UNANSWERED
        || outcome == TRIAGE_OUTCOME_INCOMPLETE || outcome == TRIAGE_OUTCOME_CLIENT_RESET;
}

/* Swaps two entries of a ranked list's heap. */
static void swap_entries(ranked_connection *entries, guint a, guint b)
{
    ranked_connection kept = entries[a];

    entries[a] = entries[b];
    entries[b] = kept;
}

/* The heap keeps the entry ranked last at its root, so a newcomer only has
 * to beat the root to get in. */
static void sift_down(ranked_connection *entries, guint size, guint index)
{
    for (;;) {
        guint child = 2 * index + 1, last = index;

        if (child < size && compare_ranked(&entries[child], &entries[last]) > 0)
            last = child;
        if (child + 1 < size && compare_ranked(&entries[child + 1], &entries[last]) > 0)
            last = child + 1;
        if (last == index)
            return;
        swap_entries(entries, index, last);
        index = last;
    }
}

static void sift_up(ranked_connection *entries, guint index)
{
    while (index > 0) {
        guint parent = (index - 1) / 2;

        if (compare_ranked(&entries[index], &entries[parent]) <= 0)
            return;
        swap_entries(entries, index, parent);
        index = parent;
    }
}

static void rank(ranked_list *list, guint32 stream, const triage_handshake *handshake, triage_leg leg)
{
    ranked_connection entry = {.stream = stream, .handshake = handshake};
    ranked_connection *entries;

    if (!triage_handshake_leg_in_statistics(handshake, leg)
        || !triage_handshake_leg_value(handshake, leg, &entry.value))
        return;
    list->candidates++;
    if (list->limit == 0 || list->entries->len < list->limit) {
        g_array_append_val(list->entries, entry);
        if (list->limit != 0)
            sift_up((ranked_connection *)(void *)list->entries->data, list->entries->len - 1);
        return;
    }
    entries = (ranked_connection *)(void *)list->entries->data;
    if (compare_ranked(&entry, &entries[0]) < 0) {
        entries[0] = entry;
        sift_down(entries, list->entries->len, 0);
    }
}

static void collect_connection(rtt_collection *collection, guint32 stream, const triage_handshake *handshake)
{
    triage_handshake_outcome outcome = triage_handshake_get_outcome(handshake, TRUE);
    triage_capture_point point = triage_handshake_capture_point(handshake);

    collection->connections++;
    collection->outcomes[outcome]++;
    if (triage_handshake_attempted(handshake))
        collection->attempted++;
    if (triage_handshake_ambiguity(handshake) != 0)
        collection->ambiguous++;
    if (triage_handshake_anomalies(handshake) != 0)
        collection->anomalous++;
    for (guint kind = 0; kind < TRIAGE_ANOMALY_KIND_COUNT; kind++)
        if (triage_handshake_anomalies(handshake) & (1u << kind))
            collection->anomaly_kinds[kind]++;
    triage_capture_point_tally_add(&collection->capture_points, point);

    /* Without a SYN or SYN/ACK the server is a guess: keep it out of the
     * per-server table. */
    server_summary *server = outcome != TRIAGE_OUTCOME_NO_HANDSHAKE ? server_of(collection, stream, handshake) : NULL;
    if (server != NULL) {
        server->connections++;
        if (outcome == TRIAGE_OUTCOME_COMPLETED)
            server->completed++;
        if (outcome_is_failure(outcome))
            server->failed++;
        triage_capture_point_tally_add(&server->capture_points, point);
    }

    rank(&collection->slowest, stream, handshake, TRIAGE_LEG_HANDSHAKE);
    rank(&collection->longest_setup, stream, handshake, TRIAGE_LEG_SETUP);
}

static guint shown_rows(guint available, guint top)
{
    return top == 0 || available < top ? available : top;
}

/* The servers in table order; the first `shown` get an array for their
 * handshake times, which the handshake walk fills. */
static void rank_servers(rtt_collection *collection, guint top)
{
    guint shown;

    collection->ranked_servers =
        (server_summary **)g_hash_table_get_keys_as_array(collection->servers, &collection->server_count);
    qsort(collection->ranked_servers, collection->server_count, sizeof *collection->ranked_servers,
          compare_servers);
    shown = shown_rows(collection->server_count, top);
    for (guint i = 0; i < shown; i++)
        collection->ranked_servers[i]->handshakes = g_array_new(FALSE, FALSE, sizeof(triage_time));
}

/* A report selects connections (by connection index): a stream counts when
 * its connection does.  A stream the table does not hold (over its bound)
 * is in no filtered report. */
static gboolean stream_selected(const rtt_collection *collection, guint32 stream,
                                const triage_report_options *options)
{
    triage_flow_packet probe = {.transport = TRIAGE_TRANSPORT_TCP, .stream = stream};
    const triage_connection *connection;

    if (options->is_selected == NULL)
        return TRUE;
    connection = triage_connection_table_find(collection->connection_table, &probe, NULL);
    return connection != NULL && options->is_selected(connection->index, options->selection);
}

/* One walk per leg: its times in the statistics, in one array reused for
 * every leg. */
static void summarise_leg(rtt_collection *collection, const triage_handshake_engine *engine, triage_leg leg,
                          const triage_report_options *options, GArray *times)
{
    guint64 position = 0;
    guint32 stream;
    const triage_handshake *handshake;

    g_array_set_size(times, 0);
    while (triage_handshake_engine_next(engine, &position, &stream, &handshake)) {
        triage_time value;

        if (!stream_selected(collection, stream, options)
            || !triage_handshake_leg_in_statistics(handshake, leg)
            || !triage_handshake_leg_value(handshake, leg, &value))
            continue;
        g_array_append_val(times, value);
        triage_log_sketch_add(collection->histograms[leg], value);
        if (leg == TRIAGE_LEG_HANDSHAKE && triage_handshake_get_outcome(handshake, TRUE) != TRIAGE_OUTCOME_NO_HANDSHAKE) {
            server_summary *server = server_of(collection, stream, handshake);

            if (server != NULL && server->handshakes != NULL)
                g_array_append_val(server->handshakes, value);
        }
    }
    triage_duration_summary_compute((triage_time *)(void *)times->data, times->len, &collection->summaries[leg]);
}

static void ranked_list_init(ranked_list *list, guint limit)
{
    list->entries = g_array_new(FALSE, FALSE, sizeof(ranked_connection));
    list->limit = limit;
    list->candidates = 0;
}

static void collection_init(rtt_collection *collection, const triage_connection_table *connections, guint top)
{
    memset(collection, 0, sizeof *collection);
    collection->connection_table = connections;
    collection->servers = g_hash_table_new_full(server_hash, server_equal, server_free, NULL);
    for (guint leg = 0; leg < TRIAGE_LEG_COUNT; leg++)
        collection->histograms[leg] = triage_log_sketch_new();
    ranked_list_init(&collection->slowest, top);
    ranked_list_init(&collection->longest_setup, top);
}

static void collection_clear(rtt_collection *collection)
{
    g_free(collection->ranked_servers);
    for (guint leg = 0; leg < TRIAGE_LEG_COUNT; leg++)
        triage_log_sketch_free(collection->histograms[leg]);
    g_hash_table_destroy(collection->servers);
    g_array_free(collection->slowest.entries, TRUE);
    g_array_free(collection->longest_setup.entries, TRUE);
}

/* --- Tables ------------------------------------------------------------------- */

static char *ranked_title(const char *title, guint top, const char *qualifier)
{
    if (top == 0)
        return qualifier != NULL ? g_strdup_printf("%s (%s)", title, qualifier) : g_strdup(title);
    return qualifier != NULL ? g_strdup_printf("%s (top %u, %s)", title, top, qualifier)
                             : g_strdup_printf("%s (top %u)", title, top);
}

static void counts_of(const rtt_collection *collection, guint64 untracked, triage_rtt_counts *out)
{
    memset(out, 0, sizeof *out);
    out->connections = collection->connections;
    out->attempted = collection->attempted;
    out->ambiguous = collection->ambiguous;
    out->anomalous = collection->anomalous;
    out->untracked = untracked;
    memcpy(out->outcomes, collection->outcomes, sizeof out->outcomes);
    memcpy(out->anomaly_kinds, collection->anomaly_kinds, sizeof out->anomaly_kinds);
}

triage_table *triage_rtt_connections_table(const triage_rtt_counts *counts)
{
    static const struct {
        const char *key;
        const char *heading;
        triage_handshake_outcome outcome;
    } outcomes[] = {
        {"completed", "Completed", TRIAGE_OUTCOME_COMPLETED},
        {"refused", "Refused (RST)", TRIAGE_OUTCOME_REFUSED},
        {"unanswered", "Unanswered", TRIAGE_OUTCOME_UNANSWERED},
        {"incomplete", "Incomplete (no ACK)", TRIAGE_OUTCOME_INCOMPLETE},
        {"client_reset", "Reset by client", TRIAGE_OUTCOME_CLIENT_RESET},
        {"synack_only", "SYN/ACK without SYN", TRIAGE_OUTCOME_SYNACK_ONLY},
        {"no_handshake", "No handshake (mid-stream)", TRIAGE_OUTCOME_NO_HANDSHAKE},
    };
    triage_table *table = triage_table_new("connections", "TCP connections", TRIAGE_SHAPE_RECORD);

    triage_table_add_column(table, "attempted", "Attempted (SYN captured)", TRIAGE_CELL_INTEGER);
    for (gsize i = 0; i < G_N_ELEMENTS(outcomes); i++)
        triage_table_add_column(table, outcomes[i].key, outcomes[i].heading, TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "ambiguous", "Ambiguous (Karn)", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "anomalies", "With anomalies", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "total", "Total", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "untracked", "Not tracked (over the limit)", TRIAGE_CELL_INTEGER);

    triage_table_begin_row(table);
    triage_table_add_integer(table, (gint64)counts->attempted);
    for (gsize i = 0; i < G_N_ELEMENTS(outcomes); i++)
        triage_table_add_integer(table, (gint64)counts->outcomes[outcomes[i].outcome]);
    triage_table_add_integer(table, (gint64)counts->ambiguous);
    triage_table_add_integer(table, (gint64)counts->anomalous);
    triage_table_add_integer(table, (gint64)counts->connections);
    triage_table_add_integer(table, (gint64)counts->untracked);

    triage_table_add_footnote(table, "Attempted = completed + refused + unanswered + incomplete + reset by client.");
    triage_table_add_footnote(table, "With anomalies: connections with any of the anomalies below.  A SYN/ACK");
    triage_table_add_footnote(table, "answers only the SYN it acknowledges: one for another SYN starts a connection");
    triage_table_add_footnote(table, "of its own, even in one tcp.stream.");
    return table;
}

/* Connections per anomaly (one connection may have several). */
triage_table *triage_rtt_anomalies_table(const triage_rtt_counts *counts)
{
    /* In bit order of TRIAGE_ANOMALY_*. */
    static const char *const headings[] = {
        "Clock ran backwards", "Simultaneous open", "SYN on a connection under way",
        "SYN carrying data (Fast Open)", "ACK not matching the SYN/ACK", "SYN again after the SYN/ACK",
    };
    G_STATIC_ASSERT(G_N_ELEMENTS(headings) == TRIAGE_ANOMALY_KIND_COUNT);
    triage_table *table = triage_table_new("anomalies", "Handshake anomalies", TRIAGE_SHAPE_RECORD);

    for (guint kind = 0; kind < TRIAGE_ANOMALY_KIND_COUNT; kind++)
        triage_table_add_column(table, triage_handshake_anomaly_name(1u << kind), headings[kind],
                                TRIAGE_CELL_INTEGER);
    triage_table_begin_row(table);
    for (guint kind = 0; kind < TRIAGE_ANOMALY_KIND_COUNT; kind++)
        triage_table_add_integer(table, (gint64)counts->anomaly_kinds[kind]);
    triage_table_add_footnote(table, "A clock running backwards or a simultaneous open keeps the connection out of");
    triage_table_add_footnote(table, "the statistics; a SYN again after the SYN/ACK (the client had not received");
    triage_table_add_footnote(table, "it) keeps synack_ack and the handshake out; the others are informational.");
    return table;
}

static void add_summary_cells(triage_table *table, const triage_duration_summary *summary)
{
    triage_time values[] = {summary->min, summary->p50, summary->p90, summary->p99, summary->max};

    triage_table_add_integer(table, (gint64)summary->count);
    for (gsize i = 0; i < G_N_ELEMENTS(values); i++) {
        if (summary->count == 0)
            triage_table_add_null(table);
        else
            triage_table_add_duration(table, values[i]);
    }
}

triage_table *triage_rtt_statistics_table(const triage_duration_summary *summaries)
{
    static const char *const columns[][2] = {
        {"min", "Min"}, {"p50", "P50"}, {"p90", "P90"}, {"p99", "P99"}, {"max", "Max"},
    };
    triage_table *table = triage_table_new("stats", "Handshake times (seconds)", TRIAGE_SHAPE_KEYED);

    triage_table_add_column(table, "time", "Time", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "count", "Count", TRIAGE_CELL_INTEGER);
    for (gsize i = 0; i < G_N_ELEMENTS(columns); i++)
        triage_table_add_column(table, columns[i][0], columns[i][1], TRIAGE_CELL_DURATION);

    for (gsize i = 0; i < G_N_ELEMENTS(statistics_order); i++) {
        triage_leg leg = statistics_order[i];

        triage_table_begin_row(table);
        triage_table_add_string(table, triage_leg_name(leg));
        add_summary_cells(table, &summaries[leg]);
    }
    triage_table_add_footnote(table, "handshake:  syn_synack + synack_ack, the path RTT from any capture point.");
    triage_table_add_footnote(table, "syn_synack: last SYN before the first SYN/ACK -> that SYN/ACK (server RTT).");
    triage_table_add_footnote(table, "synack_ack: last SYN/ACK before the ACK -> that ACK (client RTT).");
    triage_table_add_footnote(table, "setup:      first SYN -> ACK, retransmission timeouts included.");
    triage_table_add_footnote(table, "Ambiguous legs (Karn: SYN or SYN/ACK sent more than once) are excluded from");
    triage_table_add_footnote(table, "statistics, as is synack_ack after a SYN sent again after the SYN/ACK (the");
    triage_table_add_footnote(table, "client had not received it: the leg holds a loss), and connections whose");
    triage_table_add_footnote(table, "clock ran backwards or that opened simultaneously.  Percentiles are nearest-rank.");
    return table;
}

/* The times of the statistics in logarithmic buckets (tap/log_sketch.h):
 * the page draws its histograms and CDFs from them, and sketches of several
 * captures add up bucket by bucket. */
triage_table *triage_rtt_histogram_table(triage_log_sketch *const *histograms)
{
    triage_table *table = triage_table_new("histogram", "Handshake time histogram", TRIAGE_SHAPE_LIST);

    triage_table_add_column(table, "time", "Time", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "bucket", "Bucket", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "above", "Above", TRIAGE_CELL_DURATION);
    triage_table_add_column(table, "up_to", "Up to", TRIAGE_CELL_DURATION);
    triage_table_add_column(table, "count", "Count", TRIAGE_CELL_INTEGER);
    for (gsize i = 0; i < G_N_ELEMENTS(statistics_order); i++) {
        triage_leg leg = statistics_order[i];
        const triage_log_sketch *sketch = histograms[leg];
        guint bucket_count;
        triage_log_bucket *buckets = triage_log_sketch_buckets(sketch, &bucket_count);

        if (triage_log_sketch_zero_count(sketch) > 0) {
            triage_table_begin_row(table);
            triage_table_add_string(table, triage_leg_name(leg));
            triage_table_add_null(table);
            triage_table_add_null(table);
            triage_table_add_duration(table, 0);
            triage_table_add_integer(table, (gint64)triage_log_sketch_zero_count(sketch));
        }
        for (guint b = 0; b < bucket_count; b++) {
            triage_table_begin_row(table);
            triage_table_add_string(table, triage_leg_name(leg));
            triage_table_add_integer(table, buckets[b].index);
            triage_table_add_duration(table, triage_log_sketch_lower_bound(buckets[b].index));
            triage_table_add_duration(table, triage_log_sketch_upper_bound(buckets[b].index));
            triage_table_add_integer(table, (gint64)buckets[b].count);
        }
        g_free(buckets);
    }
    triage_table_add_footnote(table, "Bucket i holds the times t with g^(i-1) < t <= g^i nanoseconds, g = 1.01/0.99");
    triage_table_add_footnote(table, "(1 % relative accuracy); the bucket without a number holds times of 0 or less.");
    return table;
}

static triage_table *capture_point_table(const rtt_collection *collection)
{
    triage_table *table = triage_table_new("capture_point", "Capture point", TRIAGE_SHAPE_SCALAR);

    triage_table_add_column(table, "capture_point", "Capture point", TRIAGE_CELL_STRING);
    triage_table_begin_row(table);
    triage_table_add_string(table,
                            triage_capture_point_name(triage_capture_point_tally_verdict(&collection->capture_points)));
    triage_table_add_footnote(table, "client: the SYN -> SYN/ACK leg carries the RTT; server: the SYN/ACK -> ACK");
    triage_table_add_footnote(table, "leg does; path: both.  Overall only when 80 % of classified connections agree.");
    return table;
}

static void add_address_cell(triage_table *table, const triage_address *address)
{
    char text[64];

    triage_address_to_string(address, text, sizeof text);
    triage_table_add_string(table, text);
}

triage_table *triage_rtt_servers_table_new(const char *title)
{
    triage_table *table = triage_table_new("servers", title, TRIAGE_SHAPE_LIST);

    triage_table_add_column(table, "address", "Server", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "port", "Port", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "connections", "Connections", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "completed", "Completed", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "failed", "Failed", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "capture_point", "Capture point", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "p50", "P50", TRIAGE_CELL_DURATION);
    triage_table_add_column(table, "p90", "P90", TRIAGE_CELL_DURATION);
    triage_table_add_column(table, "max", "Max", TRIAGE_CELL_DURATION);
    return table;
}

static triage_table *servers_table(rtt_collection *collection, guint top)
{
    guint available = collection->server_count;
    guint shown = shown_rows(available, top);
    server_summary **servers = collection->ranked_servers;
    char *title = ranked_title("Servers", top, "by connections");
    triage_table *table = triage_rtt_servers_table_new(title);

    for (guint i = 0; i < shown; i++) {
        server_summary *server = servers[i];
        triage_duration_summary summary;

        triage_duration_summary_compute((triage_time *)(void *)server->handshakes->data, server->handshakes->len,
                                        &summary);
        triage_table_begin_row(table);
        add_address_cell(table, &server->address);
        triage_table_add_integer(table, server->port);
        triage_table_add_integer(table, (gint64)server->connections);
        triage_table_add_integer(table, (gint64)server->completed);
        triage_table_add_integer(table, (gint64)server->failed);
        triage_table_add_string(table,
                                triage_capture_point_name(triage_capture_point_tally_verdict(&server->capture_points)));
        if (summary.count == 0) {
            triage_table_add_null(table);
            triage_table_add_null(table);
            triage_table_add_null(table);
        } else {
            triage_table_add_duration(table, summary.p50);
            triage_table_add_duration(table, summary.p90);
            triage_table_add_duration(table, summary.max);
        }
    }
    triage_table_add_footnote(table, "Connections with a captured SYN or SYN/ACK; failed = refused + unanswered +");
    triage_table_add_footnote(table, "incomplete + reset by client.  P50, P90, Max: handshake RTT.");
    triage_table_add_not_shown(table, available, shown, "server", "servers");
    g_free(title);
    return table;
}

static void add_leg_cell(triage_table *table, const triage_handshake *handshake, triage_leg leg)
{
    triage_time value;

    if (triage_handshake_leg_value(handshake, leg, &value))
        triage_table_add_duration(table, value);
    else
        triage_table_add_null(table);
}

/* Which leg is ambiguous: a repeated opening packet (Karn), or for the
 * second leg also a SYN sent again after the SYN/ACK. */
static void add_ambiguity_cell(triage_table *table, const triage_handshake *handshake)
{
    const char *legs = triage_handshake_ambiguous_legs(handshake);

    if (legs != NULL)
        triage_table_add_string(table, legs);
    else
        triage_table_add_null(table);
}

/* The slowest handshakes and the longest setups share their columns; the
 * setups may include ambiguous handshakes, so they say which leg is. */
void triage_rtt_add_connection_columns(triage_table *table)
{
    triage_table_add_column(table, "stream", "Stream", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "client", "Client", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "client_port", "Port", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "server", "Server", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "server_port", "Port", TRIAGE_CELL_INTEGER);
    triage_table_add_column(table, "handshake", "Handshake", TRIAGE_CELL_DURATION);
    triage_table_add_column(table, "syn_synack", "SYN->SYN/ACK", TRIAGE_CELL_DURATION);
    triage_table_add_column(table, "synack_ack", "SYN/ACK->ACK", TRIAGE_CELL_DURATION);
    triage_table_add_column(table, "setup", "Setup", TRIAGE_CELL_DURATION);
}

static triage_table *ranked_table(const rtt_collection *collection, const char *name, const char *title,
                                  ranked_list *list, guint top, gboolean with_ambiguity)
{
    GArray *candidates = list->entries;
    guint shown = shown_rows(candidates->len, top);
    triage_table *table = triage_table_new(name, title, TRIAGE_SHAPE_LIST);

    triage_rtt_add_connection_columns(table);
    if (with_ambiguity)
        triage_table_add_column(table, "ambiguous", "Ambiguous", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "frames", "Frames", TRIAGE_CELL_INTEGER_LIST);

    g_array_sort(candidates, compare_ranked);
    for (guint i = 0; i < shown; i++) {
        const ranked_connection *entry = &g_array_index(candidates, ranked_connection, i);
        const triage_handshake *handshake = entry->handshake;
        /* The first SYN: where setup starts, and for an unambiguous
         * handshake also the SYN its first leg is timed from. */
        gint64 frames[] = {handshake->first_syn_frame, handshake->synack_frame, handshake->ack_frame};
        endpoints ends;

        triage_table_begin_row(table);
        triage_table_add_integer(table, entry->stream);
        if (endpoints_of(collection, entry->stream, handshake, &ends)) {
            add_address_cell(table, &ends.client);
            triage_table_add_integer(table, ends.client_port);
            add_address_cell(table, &ends.server);
            triage_table_add_integer(table, ends.server_port);
        } else {
            triage_table_add_null(table);
            triage_table_add_null(table);
            triage_table_add_null(table);
            triage_table_add_null(table);
        }
        add_leg_cell(table, handshake, TRIAGE_LEG_HANDSHAKE);
        add_leg_cell(table, handshake, TRIAGE_LEG_SYN_SYNACK);
        add_leg_cell(table, handshake, TRIAGE_LEG_SYNACK_ACK);
        add_leg_cell(table, handshake, TRIAGE_LEG_SETUP);
        if (with_ambiguity)
            add_ambiguity_cell(table, handshake);
        triage_table_add_integer_list(table, frames, G_N_ELEMENTS(frames));
    }
    if (shown > 0)
        triage_table_add_footnote(table, "Frames: first SYN, first SYN/ACK, handshake ACK.");
    triage_table_add_not_shown(table, (guint)list->candidates, shown, "connection", "connections");
    return table;
}

triage_report *triage_rtt_report_build(const triage_report_source *source, const triage_report_options *options)
{
    const triage_handshake_engine *engine = source->handshakes;
    guint top = options->top;
    guint servers_top = options->servers_top != 0 ? options->servers_top : top;
    triage_report *report = triage_report_new("rtt", "Capture Triage: Handshake RTT", options->filter);
    guint64 position = 0;
    guint32 stream;
    const triage_handshake *handshake;
    rtt_collection collection;
    GArray *times = g_array_new(FALSE, FALSE, sizeof(triage_time));
    char *title;

    collection_init(&collection, source->connections, top);
    /* Every handshake attempt is a connection here, two in one stream too. */
    while (triage_handshake_engine_next(engine, &position, &stream, &handshake)) {
        if (stream_selected(&collection, stream, options))
            collect_connection(&collection, stream, handshake);
    }
    rank_servers(&collection, servers_top);
    for (guint leg = 0; leg < TRIAGE_LEG_COUNT; leg++)
        summarise_leg(&collection, engine, (triage_leg)leg, options, times);
    g_array_free(times, TRUE);

    triage_report_set_capture(report, source->packets, source->first_time, source->last_time);
    triage_rtt_counts counts;
    counts_of(&collection, triage_handshake_engine_untracked_connections(engine), &counts);
    triage_report_add_table(report, triage_rtt_connections_table(&counts));
    triage_report_add_table(report, triage_rtt_anomalies_table(&counts));
    triage_report_add_table(report, triage_rtt_statistics_table(collection.summaries));
    triage_report_add_table(report, triage_rtt_histogram_table(collection.histograms));
    triage_report_add_table(report, capture_point_table(&collection));
    triage_report_add_table(report, servers_table(&collection, servers_top));

    title = ranked_title("Slowest handshakes", top, "unambiguous");
    triage_report_add_table(report, ranked_table(&collection, "slowest", title, &collection.slowest, top, FALSE));
    g_free(title);
    title = ranked_title("Longest setups", top, NULL);
    triage_report_add_table(report,
                            ranked_table(&collection, "longest_setup", title, &collection.longest_setup, top, TRUE));
    g_free(title);

    collection_clear(&collection);
    return report;
}
