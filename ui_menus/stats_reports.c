/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats_reports.c — builds the reports from the running capture's engines,
 * lending them Wireshark's knowledge: service and protocol names, and the
 * MaxMind databases the user configured.
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/epan.h>
#include <epan/addr_resolv.h>
#include <epan/ipproto.h>
#include <epan/maxmind_db.h>

#include "triage_plugin.h"
#include "report_builders.h"
#include "report_rtt.h"
#include "report_policy.h"
#include "report_dests.h"

void triage_report_context_init(triage_report_context *context, guint top, triage_sort sort,
                                const char *filter, triage_key_selected_fn connection_selected,
                                void *connection_selection, triage_key_selected_fn stream_selected,
                                void *stream_selection)
{
    context->top = top;
    context->dests_top = top;
    context->sort = sort;
    context->filter = filter;
    context->connection_selected = connection_selected;
    context->connection_selection = connection_selection;
    context->stream_selected = stream_selected;
    context->stream_selection = stream_selection;
}

void triage_selection_init(triage_selection *selection, gboolean filtering)
{
    selection->connections = filtering ? g_hash_table_new(g_direct_hash, g_direct_equal) : NULL;
    selection->streams = filtering ? g_hash_table_new(g_direct_hash, g_direct_equal) : NULL;
}

void triage_selection_clear(triage_selection *selection)
{
    if (selection->connections) {
        g_hash_table_remove_all(selection->connections);
        g_hash_table_remove_all(selection->streams);
    }
}

void triage_selection_free(triage_selection *selection)
{
    if (selection->connections) {
        g_hash_table_destroy(selection->connections);
        g_hash_table_destroy(selection->streams);
    }
    selection->connections = selection->streams = NULL;
}

void triage_selection_add_last_frame(triage_selection *selection)
{
    guint32 connection = triage_glue_last_frame_connection();
    guint32 stream = triage_glue_last_frame_tcp_stream();
    if (!selection->connections)
        return;
    /* Set lookups, not strings: this runs for every matching packet. */
    if (connection != TRIAGE_NO_CONNECTION)
        g_hash_table_add(selection->connections, GUINT_TO_POINTER(connection + 1));
    if (stream != TRIAGE_NO_CONNECTION)
        g_hash_table_add(selection->streams, GUINT_TO_POINTER(stream + 1));
}

static gboolean set_contains(guint32 key, void *user_data)
{
    return g_hash_table_contains((GHashTable *)user_data, GUINT_TO_POINTER(key + 1));
}

void triage_write_reports(FILE *out, guint reports, triage_format format, guint top, guint dests_top, triage_sort sort,
                          const char *filter, const triage_selection *selection, const char *capture_name)
{
    triage_report *built[3] = {NULL};
    guint count = 0;
    triage_report_context context;
    gboolean filtering = selection && selection->connections;

    triage_report_context_init(&context, top, sort, filter, filtering ? set_contains : NULL,
                               filtering ? selection->connections : NULL, filtering ? set_contains : NULL,
                               filtering ? selection->streams : NULL);
    context.dests_top = dests_top;
    if (reports & TRIAGE_REPORT_RTT)
        built[count++] = triage_build_rtt_report(&context);
    if (reports & TRIAGE_REPORT_POLICY)
        built[count++] = triage_build_policy_report(&context);
    if (reports & TRIAGE_REPORT_DESTS)
        built[count++] = triage_build_dests_report(&context);
    for (guint i = 0; i < count; i++) {
        triage_report_set_wireshark_version(built[i], epan_get_version());
        triage_report_set_capture_name(built[i], capture_name);
    }
    triage_reports_write(out, format, built, count, TRIAGE_VERSION);
    for (guint i = 0; i < count; i++)
        triage_report_free(built[i]);
}

triage_report *triage_build_rtt_report(const triage_report_context *context)
{
    triage_handshake_engine *engine = triage_glue_handshakes();
    /* unanswered and incomplete are only known once the capture is over */
    triage_handshake_engine_finish(engine);
    return triage_rtt_report_build(engine, triage_glue_connections(), context->top, context->filter,
                                   context->stream_selected, context->stream_selection, triage_glue_packet_count(),
                                   triage_glue_first_time(), triage_glue_last_time());
}

static const char *protocol_name(int protocol_id, void *user_data _U_)
{
    return proto_get_protocol_filter_name(protocol_id);
}

triage_report *triage_build_policy_report(const triage_report_context *context)
{
    triage_glue_flush();
    return triage_policy_report_build(triage_glue_policy_engine(), triage_glue_policy(),
                                      triage_glue_connections(), triage_policy_source(), triage_policy_path(),
                                      triage_policy_errors(), context->top, context->filter,
                                      protocol_name, NULL, context->connection_selected,
                                      context->connection_selection, triage_glue_packet_count(),
                                      triage_glue_first_time(), triage_glue_last_time());
}

/* ---- destinations: Wireshark's names and MaxMind ------------------------- */

static const char *service_name(guint8 transport, guint16 port, void *user_data _U_)
{
    port_type type = transport == TRIAGE_TRANSPORT_TCP ? PT_TCP :
                     transport == TRIAGE_TRANSPORT_UDP ? PT_UDP :
                     transport == 132 ? PT_SCTP : PT_NONE;
    return type == PT_NONE ? NULL : try_serv_name_lookup(type, port);
}

static const char *transport_name(guint8 transport, void *user_data _U_)
{
    return ipprotostr(transport);
}

/* MaxMind lookups in Wireshark are answered asynchronously by a helper
 * process (mmdbresolve): ask, then let it answer.  Only at report time, only
 * when databases are configured, and within an overall time budget so a
 * broken resolver can delay a report by seconds, never hang it. */
typedef struct geo_state {
    gboolean configured;
    gint64 deadline;
    char asn[160];
} geo_state;

static const mmdb_lookup_t *geo_lookup(const triage_address *address, geo_state *state)
{
    const mmdb_lookup_t *result;
    for (;;) {
        if (address->family == 4) {
            ws_in4_addr ipv4;
            memcpy(&ipv4, address->bytes, 4);
            result = maxmind_db_lookup_ipv4(&ipv4);
        } else {
            ws_in6_addr ipv6;
            memcpy(&ipv6, address->bytes, 16);
            result = maxmind_db_lookup_ipv6(&ipv6);
        }
        if (result->found || g_get_monotonic_time() > state->deadline)
            return result;
        if (!host_name_lookup_process())
            g_usleep(1000);
    }
}

static gboolean geo(const triage_address *address, const char **country, const char **asn, void *user_data)
{
    geo_state *state = user_data;
    const mmdb_lookup_t *result;
    *country = NULL;
    *asn = NULL;
    if (!state->configured)
        return FALSE;
    result = geo_lookup(address, state);
    if (!result->found)
        return FALSE;
    *country = result->country_iso ? result->country_iso : result->country;
    if (result->as_number) {
        g_snprintf(state->asn, sizeof state->asn, "AS%u%s%s", result->as_number,
                   result->as_org ? " " : "", result->as_org ? result->as_org : "");
        *asn = state->asn;
    }
    return *country != NULL || *asn != NULL;
}

/* Wireshark always lists its default database folders; a lookup can only
 * succeed when one of them holds a database, so only then is it worth
 * waiting for the resolver. */
static gboolean maxmind_configured(void)
{
    char *paths = maxmind_db_get_paths();
    char **folders = g_strsplit(paths ? paths : "", G_SEARCHPATH_SEPARATOR_S, -1);
    gboolean configured = FALSE;
    for (guint i = 0; folders[i] && !configured; i++) {
        GDir *dir = *folders[i] ? g_dir_open(folders[i], 0, NULL) : NULL;
        const char *name;
        while (dir && (name = g_dir_read_name(dir)) != NULL) {
            if (g_str_has_suffix(name, ".mmdb")) {
                configured = TRUE;
                break;
            }
        }
        if (dir)
            g_dir_close(dir);
    }
    g_strfreev(folders);
    g_free(paths);
    return configured;
}

static const char *policy_rule_for_port(guint8 transport, guint16 port, void *user_data _U_)
{
    const triage_policy *policy = triage_glue_policy();
    return policy ? triage_policy_rule_for_port(policy, transport, port) : NULL;
}

static const char *application_protocol(const triage_connection *connection, void *user_data _U_)
{
    const triage_policy_engine *engine = triage_glue_policy_engine();
    triage_policy_outcome outcome;

    if (engine == NULL || !triage_policy_engine_connection_outcome(engine, connection->index, &outcome)
        || outcome.application_protocol < 0)
        return NULL;
    return proto_get_protocol_filter_name(outcome.application_protocol);
}

triage_report *triage_build_dests_report(const triage_report_context *context)
{
    const triage_glue_settings *settings = triage_glue_current_settings();
    geo_state geo_lookups;
    triage_dests_callbacks callbacks;

    triage_glue_flush();
    geo_lookups.configured = maxmind_configured();
    geo_lookups.deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;

    memset(&callbacks, 0, sizeof callbacks);
    callbacks.service_name = service_name;
    callbacks.transport_name = transport_name;
    callbacks.geo = geo;
    callbacks.policy_rule = policy_rule_for_port;
    callbacks.application_protocol = application_protocol;
    callbacks.is_selected = context->connection_selected;
    callbacks.selection_data = context->connection_selection;
    callbacks.user_data = &geo_lookups;
    return triage_dests_report_build(triage_glue_connections(), settings->internal_networks,
                                     settings->internal_network_count, context->sort, context->dests_top,
                                     context->filter, &callbacks, triage_glue_packet_count(),
                                     triage_glue_first_time(), triage_glue_last_time());
}
