/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "truth_writer.h"

#include <errno.h>
#include <string.h>

static const char connection_header[] =
    "client\tclient_port\tserver\tserver_port\tip_version\tfirst_frame\ttcp_stream\toutcome"
    "\tambiguous\tsyn_synack_ns\tsynack_ack_ns\thandshake_ns\tsetup_ns\tsyn_frame\tsynack_frame"
    "\tack_frame\tfirst_syn_frame\tleg_synack_frame\tlast_frame\tpackets_to_server"
    "\tbytes_to_server\tpackets_to_client\tbytes_to_client\tresponder_inferred\tanomaly\tnote\n";

static const char flow_header[] =
    "transport\tclient\tclient_port\tserver\tserver_port\tip_version\tfirst_frame\tstream"
    "\tfirst_packet_to_server\tlast_frame\tpackets_to_server\tbytes_to_server"
    "\tpackets_to_client\tbytes_to_client\tnote\n";

typedef struct pending_row {
    guint32 first_frame;
    char *text;
} pending_row;

static void pending_row_free(gpointer data)
{
    pending_row *row = data;
    g_free(row->text);
    g_free(row);
}

static FILE *open_table(const char *path, const char *header, char **error_out)
{
    FILE *file = fopen(path, "w");
    if (!file) {
        *error_out = g_strdup_printf("cannot create %s: %s", path, g_strerror(errno));
        return NULL;
    }
    fputs(header, file);
    return file;
}

static char *flows_path_for(const char *path)
{
    if (g_str_has_suffix(path, ".tsv"))
        return g_strdup_printf("%.*s.flows.tsv", (int)(strlen(path) - 4), path);
    return g_strconcat(path, ".flows.tsv", NULL);
}

gboolean capgen_truth_open(capgen_truth_writer *writer, const char *path, gboolean sorted,
                           char **error_out)
{
    memset(writer, 0, sizeof *writer);
    if (!path)
        return TRUE;
    writer->sorted = sorted;
    writer->connections = open_table(path, connection_header, error_out);
    if (!writer->connections)
        return FALSE;
    char *flows_path = flows_path_for(path);
    writer->flows = open_table(flows_path, flow_header, error_out);
    g_free(flows_path);
    if (!writer->flows)
        return FALSE;
    writer->pending_connections = g_ptr_array_new_with_free_func(pending_row_free);
    writer->pending_flows = g_ptr_array_new_with_free_func(pending_row_free);
    return TRUE;
}

/* Empty text for "not measured", so a missing value can never be read as 0. */
static void append_frame(GString *row, guint32 frame)
{
    if (frame)
        g_string_append_printf(row, "\t%u", frame);
    else
        g_string_append(row, "\t");
}

static void append_duration(GString *row, const capgen_moment *from, const capgen_moment *to)
{
    if (from->frame && to->frame)
        g_string_append_printf(row, "\t%" G_GINT64_FORMAT, to->time_ns - from->time_ns);
    else
        g_string_append(row, "\t");
}

static void append_endpoints(GString *row, const capgen_flow *flow)
{
    char client[64], server[64];
    capgen_address_format(&flow->client, client, sizeof client);
    capgen_address_format(&flow->server, server, sizeof server);
    /* ICMP has no ports (an echo flow keeps its identifier in client_port). */
    gboolean ports = flow->kind == CAPGEN_FLOW_TCP || flow->kind == CAPGEN_FLOW_UDP;
    g_string_append_printf(row, "%s\t%u\t%s\t%u\t%u", client, ports ? flow->client_port : 0,
                           server, ports ? flow->server_port : 0, flow->client.version);
}

static void append_stream(GString *row, gint64 stream)
{
    if (stream >= 0)
        g_string_append_printf(row, "\t%" G_GINT64_FORMAT, stream);
    else
        g_string_append(row, "\t");
}

static void append_counters(GString *row, const capgen_flow_truth *truth)
{
    g_string_append_printf(row,
                           "\t%" G_GUINT64_FORMAT "\t%" G_GUINT64_FORMAT "\t%" G_GUINT64_FORMAT
                           "\t%" G_GUINT64_FORMAT,
                           truth->packets[0], truth->bytes[0], truth->packets[1], truth->bytes[1]);
}

/* "none", or the anomalies of the connection, comma-separated. */
static const char *anomaly_names(const capgen_flow_truth *truth)
{
    if (truth->time_backwards && truth->syn_after_synack)
        return "time_backwards,syn_after_synack";
    if (truth->time_backwards)
        return "time_backwards";
    return truth->syn_after_synack ? "syn_after_synack" : "none";
}

static void format_connection(GString *row, const capgen_flow *flow)
{
    const capgen_flow_truth *truth = &flow->truth;
    capgen_outcome outcome = capgen_flow_truth_outcome(truth);
    append_endpoints(row, flow);
    g_string_append_printf(row, "\t%u", truth->first.frame);
    append_stream(row, truth->stream);
    g_string_append_printf(row, "\t%s\t%s", capgen_outcome_name(outcome),
                           capgen_ambiguity_name(capgen_flow_truth_ambiguity(truth)));

    /* Legs as defined in flow_truth.h; handshake and setup need the ACK. */
    append_duration(row, &truth->leg_syn, &truth->first_synack);
    append_duration(row, &truth->leg_synack, &truth->ack);
    if (truth->leg_syn.frame && truth->first_synack.frame && truth->ack.frame)
        g_string_append_printf(row, "\t%" G_GINT64_FORMAT,
                               (truth->first_synack.time_ns - truth->leg_syn.time_ns) +
                                   (truth->ack.time_ns - truth->leg_synack.time_ns));
    else
        g_string_append(row, "\t");
    append_duration(row, &truth->first_syn, &truth->ack);

    append_frame(row, truth->leg_syn.frame);
    append_frame(row, truth->first_synack.frame);
    append_frame(row, truth->ack.frame);
    append_frame(row, truth->first_syn.frame);
    append_frame(row, truth->ack.frame ? truth->leg_synack.frame : 0);
    append_frame(row, truth->last.frame);
    append_counters(row, truth);
    g_string_append_printf(row, "\t%d\t%s\t%s\n", truth->first_syn.frame ? 0 : 1, anomaly_names(truth),
                           flow->note ? flow->note : "");
}

static const char *transport_name(const capgen_flow *flow)
{
    if (flow->kind == CAPGEN_FLOW_UDP)
        return "udp";
    return flow->client.version == 6 ? "icmpv6" : "icmp";
}

static void format_flow(GString *row, const capgen_flow *flow, const char *transport,
                        const capgen_flow_truth *truth)
{
    g_string_append_printf(row, "%s\t", transport);
    append_endpoints(row, flow);
    g_string_append_printf(row, "\t%u", truth->first.frame);
    append_stream(row, truth->stream);
    g_string_append_printf(row, "\t%d\t%u", truth->first_packet_to_server ? 1 : 0,
                           truth->last.frame);
    append_counters(row, truth);
    g_string_append_printf(row, "\t%s\n", flow->note ? flow->note : "");
}

static void emit(capgen_truth_writer *writer, FILE *file, GPtrArray *pending, guint32 first_frame,
                 GString *row)
{
    if (writer->sorted) {
        pending_row *entry = g_new(pending_row, 1);
        entry->first_frame = first_frame;
        entry->text = g_string_free(row, FALSE);
        g_ptr_array_add(pending, entry);
        return;
    }
    fputs(row->str, file);
    g_string_free(row, TRUE);
}

/* ICMP errors a connection provoked form their own flow, from the reporting
 * router to the client: the quoted TCP header is not part of the connection. */
static void write_icmp_error_flow(capgen_truth_writer *writer, const capgen_flow *flow)
{
    const capgen_flow_truth *errors = &flow->icmp_error_truth;
    if (!errors->first.frame)
        return;
    capgen_flow reporter_flow = { 0 };
    reporter_flow.kind = CAPGEN_FLOW_ICMP_ECHO;
    reporter_flow.client = flow->icmp_reporter;
    reporter_flow.server = flow->client;
    reporter_flow.note = "ICMP errors about a TCP connection";
    GString *row = g_string_new(NULL);
    format_flow(row, &reporter_flow, transport_name(&reporter_flow), errors);
    emit(writer, writer->flows, writer->pending_flows, errors->first.frame, row);
}

void capgen_truth_write_flow(capgen_truth_writer *writer, const capgen_flow *flow)
{
    if (!writer->connections || flow->kind == CAPGEN_FLOW_RECORDS)
        return;
    GString *row = g_string_new(NULL);
    if (flow->kind == CAPGEN_FLOW_TCP) {
        format_connection(row, flow);
        emit(writer, writer->connections, writer->pending_connections, flow->truth.first.frame,
             row);
        write_icmp_error_flow(writer, flow);
        return;
    }
    format_flow(row, flow, transport_name(flow), &flow->truth);
    emit(writer, writer->flows, writer->pending_flows, flow->truth.first.frame, row);
}

static gint compare_rows(gconstpointer a, gconstpointer b)
{
    const pending_row *left = *(const pending_row *const *)a;
    const pending_row *right = *(const pending_row *const *)b;
    return left->first_frame < right->first_frame ? -1 : left->first_frame > right->first_frame;
}

static void flush_sorted(FILE *file, GPtrArray *pending)
{
    g_ptr_array_sort(pending, compare_rows);
    for (guint i = 0; i < pending->len; i++)
        fputs(((pending_row *)g_ptr_array_index(pending, i))->text, file);
}

static gboolean close_table(FILE *file)
{
    gboolean failed = ferror(file) != 0;
    return fclose(file) == 0 && !failed;
}

gboolean capgen_truth_close(capgen_truth_writer *writer, char **error_out)
{
    if (!writer->connections)
        return TRUE;
    flush_sorted(writer->connections, writer->pending_connections);
    flush_sorted(writer->flows, writer->pending_flows);
    g_ptr_array_free(writer->pending_connections, TRUE);
    g_ptr_array_free(writer->pending_flows, TRUE);
    gboolean ok = close_table(writer->connections);
    ok = close_table(writer->flows) && ok;
    writer->connections = writer->flows = NULL;
    if (!ok)
        *error_out = g_strdup("writing the truth files failed");
    return ok;
}
