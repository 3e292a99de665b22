/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats_reports.c — builds the reports of the open capture's session,
 * lending the builders Wireshark's knowledge: service and protocol names,
 * and the MaxMind databases the user configured.
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/epan.h>
#include <epan/addr_resolv.h>
#include <epan/ipproto.h>
#include <epan/maxmind_db.h>
#include <epan/plugin_if.h>

#include "triage_plugin.h"
#include "report_builders.h"
#include "report_rtt.h"
#include "report_policy.h"
#include "report_dests.h"
#include "summary_json.h"
#include "summary_of_session.h"

void triage_selection_init(triage_selection *selection, gboolean filtering)
{
    selection->connections = filtering ? g_hash_table_new(g_direct_hash, g_direct_equal) : NULL;
}

void triage_selection_clear(triage_selection *selection)
{
    if (selection->connections)
        g_hash_table_remove_all(selection->connections);
}

void triage_selection_free(triage_selection *selection)
{
    if (selection->connections)
        g_hash_table_destroy(selection->connections);
    selection->connections = NULL;
}

void triage_selection_add(triage_selection *selection, const triage_frame_view *view)
{
    /* Set lookups, not strings: this runs for every matching packet. */
    if (selection->connections && view->connection)
        g_hash_table_add(selection->connections, GUINT_TO_POINTER(view->connection->index + 1));
}

static gboolean set_contains(guint32 key, void *user_data)
{
    return g_hash_table_contains((GHashTable *)user_data, GUINT_TO_POINTER(key + 1));
}

static const char *protocol_name(int protocol_id, void *user_data _U_)
{
    return proto_get_protocol_filter_name(protocol_id);
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
    /* ipprotostr answers "Unknown" for an unassigned number: the reports
     * then say "ip-proto-N". */
    const char *name = ipprotostr(transport);
    return strcmp(name, "Unknown") == 0 ? NULL : name;
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

/* Geo lookups cost a round trip to Wireshark's resolver each: one state per
 * run, asked only when databases are configured. */
static geo_state run_geo;

void triage_report_options_for_run(triage_report_options *options, guint top, guint dests_top, triage_sort sort,
                                   const char *filter, const triage_selection *selection)
{
    triage_report_options_init(options);
    options->top = top;
    options->dests_top = dests_top;
    options->sort = sort;
    options->filter = filter;
    if (selection && selection->connections) {
        options->is_selected = set_contains;
        options->selection = selection->connections;
    }
    options->policy_source = triage_policy_source();
    options->policy_path = triage_policy_path();
    options->policy_errors = triage_policy_errors();
    options->names.service_name = service_name;
    options->names.transport_name = transport_name;
    options->names.protocol_name = protocol_name;
    options->names.geo = geo;
    options->names.user_data = &run_geo;
}

triage_report *triage_build_report(guint report, const triage_report_options *options)
{
    const triage_session *session = triage_glue_session();
    triage_report_source source;

    if (session == NULL)
        return NULL;
    triage_report_source_of_session(session, &source);
    switch (report) {
    case TRIAGE_REPORT_RTT:
        return triage_rtt_report_build(&source, options);
    case TRIAGE_REPORT_POLICY:
        return triage_policy_report_build(&source, options);
    case TRIAGE_REPORT_DESTS:
        run_geo.configured = maxmind_configured();
        run_geo.deadline = g_get_monotonic_time() + 5 * G_USEC_PER_SEC;
        return triage_dests_report_build(&source, options);
    default:
        return NULL;
    }
}

/* The capture's file name without folder and capture suffixes: the open
 * file in the GUI; in tshark, the -r argument (tshark tells a plugin no
 * file name, so its command line is read).  NULL for standard input or
 * when it cannot be told.  g_free it. */
static char *capture_file_stem(void)
{
    static const char *const suffixes[] = {".gz", ".zst", ".lz4", ".pcapng", ".pcap", ".cap", ".ntar", ".erf"};
    ws_info_t *info = NULL;
    char *path = NULL, *contents = NULL, *stem;
    gsize length = 0;

    plugin_if_get_ws_info(&info);
    if (info != NULL && info->ws_info_supported && info->cf_state != FILE_CLOSED && info->cf_filename != NULL)
        path = g_strdup(info->cf_filename);
    if (path == NULL && g_file_get_contents("/proc/self/cmdline", &contents, &length, NULL)) {
        for (gsize at = 0; at < length; at += strlen(contents + at) + 1) {
            const char *argument = contents + at;
            gsize next = at + strlen(argument) + 1;
            if ((strcmp(argument, "-r") == 0 || strcmp(argument, "--read-file") == 0) && next < length)
                path = g_strdup(contents + next);
            else if (g_str_has_prefix(argument, "-r") && argument[2] != '\0' && argument[1] != '-')
                path = g_strdup(argument + 2);
            else if (g_str_has_prefix(argument, "--read-file="))
                path = g_strdup(argument + strlen("--read-file="));
        }
        g_free(contents);
    }
    if (path == NULL || strcmp(path, "-") == 0 || *path == '\0') {
        g_free(path);
        return NULL;
    }
    stem = g_path_get_basename(path);
    g_free(path);
    for (gboolean again = TRUE; again;) {
        again = FALSE;
        for (gsize i = 0; i < G_N_ELEMENTS(suffixes); i++) {
            gsize stem_length = strlen(stem), suffix_length = strlen(suffixes[i]);
            if (stem_length > suffix_length && g_ascii_strcasecmp(stem + stem_length - suffix_length, suffixes[i]) == 0) {
                stem[stem_length - suffix_length] = '\0';
                again = TRUE;
            }
        }
    }
    return stem;
}

/* The mergeable summary (summary/summary.h) of the open capture as JSON
 * text, for the document's "summary" member; NULL between captures. */
static char *summary_json(const triage_report_options *options, const char *capture_name)
{
    const triage_session *session = triage_glue_session();
    triage_report_source source;
    triage_summary *summary;
    char *stem = NULL;
    GString *text;
    guint slowest = options->top == 0 ? 1000 : MAX(options->top, TRIAGE_SUMMARY_SLOWEST_DEFAULT);

    if (session == NULL)
        return NULL;
    if (capture_name == NULL)
        capture_name = stem = capture_file_stem();
    triage_report_source_of_session(session, &source);
    summary = triage_summary_of_session(&source, options, capture_name != NULL ? capture_name : "capture", slowest);
    text = g_string_new(NULL);
    triage_summary_append_json(text, summary);
    triage_summary_free(summary);
    g_free(stem);
    return g_string_free(text, FALSE);
}

void triage_write_reports(GString *out, guint reports, triage_format format, const triage_report_options *options,
                          const char *capture_name)
{
    static const guint order[] = {TRIAGE_REPORT_RTT, TRIAGE_REPORT_POLICY, TRIAGE_REPORT_DESTS};
    triage_report *built[G_N_ELEMENTS(order)] = {NULL};
    guint count = 0;
    char *summary;

    for (guint i = 0; i < G_N_ELEMENTS(order); i++) {
        triage_report *report = (reports & order[i]) ? triage_build_report(order[i], options) : NULL;
        if (report == NULL)
            continue;
        triage_report_set_wireshark_version(report, epan_get_version());
        triage_report_set_capture_name(report, capture_name);
        built[count++] = report;
    }
    summary = format == TRIAGE_FORMAT_JSON && count > 0 ? summary_json(options, capture_name) : NULL;
    triage_reports_write_with_summary(out, format, built, count, TRIAGE_VERSION, summary);
    g_free(summary);
    for (guint i = 0; i < count; i++)
        triage_report_free(built[i]);
}
