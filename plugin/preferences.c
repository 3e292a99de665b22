/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * preferences.c — triage.* preferences, the triage_policy table, and which
 * policy is in force.
 *
 * The policy comes from, in order: the file named by triage.policy_file
 * (tshark: -o triage.policy_file:PATH), the triage_policy table (Edit ›
 * Preferences › Protocols › Capture Triage, saved in the profile), or the
 * built-in default.  A bad line or row is reported and skipped, the rest
 * applies; an unreadable file is an error, and the default then applies so
 * the user is never left without a policy silently.
 */
#include <errno.h>
#include <string.h>

#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/uat.h>
#include <wsutil/report_message.h>

#include "triage_compat.h"
#include "triage_plugin.h"
#include "policy_file.h"

triage_preferences triage_prefs = {
    "", TRIAGE_POLICY_MODE_DENYLIST, TRIAGE_DEFAULT_INTERNAL_NETWORKS, 0, TRIAGE_DEFAULT_MAX_CONNECTIONS,
};

static const enum_val_t policy_modes[] = {
    { "denylist", "Deny list: report what the alert rules match", TRIAGE_POLICY_MODE_DENYLIST },
    { "allowlist", "Allow list: also report every protocol no allow rule covers", TRIAGE_POLICY_MODE_ALLOWLIST },
    { NULL, NULL, 0 },
};

/* ---- the triage_policy table -------------------------------------------- */

typedef struct policy_row {
    char *name, *action, *severity, *message, *protocols, *ports, *peers, *payload, *filter;
} policy_row;

static policy_row *policy_rows;
static guint policy_row_count;

UAT_CSTRING_CB_DEF(policy_rows, name, policy_row)
UAT_CSTRING_CB_DEF(policy_rows, action, policy_row)
UAT_CSTRING_CB_DEF(policy_rows, severity, policy_row)
UAT_CSTRING_CB_DEF(policy_rows, message, policy_row)
UAT_CSTRING_CB_DEF(policy_rows, protocols, policy_row)
UAT_CSTRING_CB_DEF(policy_rows, ports, policy_row)
UAT_CSTRING_CB_DEF(policy_rows, peers, policy_row)
UAT_CSTRING_CB_DEF(policy_rows, payload, policy_row)
UAT_CSTRING_CB_DEF(policy_rows, filter, policy_row)

static void *policy_row_copy(void *destination, const void *source, size_t length _U_)
{
    policy_row *to = destination;
    const policy_row *from = source;
    to->name = g_strdup(from->name);
    to->action = g_strdup(from->action);
    to->severity = g_strdup(from->severity);
    to->message = g_strdup(from->message);
    to->protocols = g_strdup(from->protocols);
    to->ports = g_strdup(from->ports);
    to->peers = g_strdup(from->peers);
    to->payload = g_strdup(from->payload);
    to->filter = g_strdup(from->filter);
    return to;
}

static void policy_row_free(void *record)
{
    policy_row *row = record;
    g_free(row->name);
    g_free(row->action);
    g_free(row->severity);
    g_free(row->message);
    g_free(row->protocols);
    g_free(row->ports);
    g_free(row->peers);
    g_free(row->payload);
    g_free(row->filter);
}

/* The table has no family column: Wireshark 4.0 refuses a saved table whose
 * rows have fewer fields than the table ("expecting field family"), so a new
 * column would throw away every table saved before it.  Families need a
 * policy file. */
static triage_policy_row row_view(const policy_row *row)
{
    triage_policy_row view = {
        row->name, row->action, row->severity, row->message, row->protocols,
        row->ports, row->peers, row->payload, row->filter,
    };
    return view;
}

static int resolve_protocol(const char *filter_name, void *user_data _U_)
{
    return proto_get_id_by_filter_name(filter_name);
}

/* TRUE for a row of the table in use: Wireshark's loader hands those to
 * the update callback as it reads the profile's file; the editor hands its
 * own copies of the rows being edited. */
static gboolean is_row_in_use(const void *record)
{
    const policy_row *row = record;
    return policy_rows != NULL && row >= policy_rows && row < policy_rows + policy_row_count;
}

/* The table editor checks each row as it is entered, with the same rules
 * as the file parser, so a bad row is refused with its reason.  While the
 * profile's file loads, a refusal would stop Wireshark's loader at that row
 * and silently drop every row after it; so there every row is taken, and
 * load_policy() reports the bad ones by row number and skips them. */
static TRIAGE_UAT_UPDATE_RETURN policy_row_update(void *record, char **error)
{
    triage_policy_row view;
    if (is_row_in_use(record))
        return TRIAGE_UAT_UPDATE_OK;
    view = row_view(record);
    if (!triage_policy_check_row(&view, resolve_protocol, NULL, error))
        return TRIAGE_UAT_UPDATE_FAILED;
    return TRIAGE_UAT_UPDATE_OK;
}

/* ---- the policy in force -------------------------------------------------- */

static triage_policy *current_policy;
static GPtrArray *current_errors;
static const char *current_source = "default";
static char *current_path;
static GArray *internal_networks;

/* A capture that still uses the policy holds a reference of its own: the
 * policy lives until that capture's session ends. */
static void retire_current_policy(void)
{
    triage_policy_unref(current_policy);
    current_policy = NULL;
    if (current_errors)
        g_ptr_array_unref(current_errors);
    current_errors = g_ptr_array_new_with_free_func((GDestroyNotify)triage_policy_error_free);
    g_free(current_path);
    current_path = NULL;
}

/* The engines cannot judge a display filter; check each one here so a
 * typo is a "file:line: reason" like any other bad rule. */
static void check_filter_rules(void)
{
    for (guint i = 0; current_policy && i < triage_policy_rule_count(current_policy); i++) {
        const triage_policy_rule *rule = triage_policy_rule_at(current_policy, i);
        char *reason = NULL;
        triage_policy_error *error;
        if (!rule->filter || triage_filter_compiles(rule->filter, &reason))
            continue;
        error = g_new0(triage_policy_error, 1);
        error->line = rule->line;
        error->reason = g_strdup_printf("filter \"%s\" does not compile: %s (the rule never matches)",
                                        rule->filter, reason);
        error->text = g_strdup_printf("%s:%u: %s", current_path ? current_path : "triage_policy table row",
                                      rule->line, error->reason);
        g_ptr_array_add(current_errors, error);
        g_free(reason);
    }
}

static gint compare_error_lines(gconstpointer a, gconstpointer b)
{
    const triage_policy_error *left = *(triage_policy_error *const *)a;
    const triage_policy_error *right = *(triage_policy_error *const *)b;
    return left->line < right->line ? -1 : left->line > right->line;
}

/* Wireshark applies the preferences and, once it has read the profile's
 * triage_policy file, says the table changed: the policy is loaded twice
 * from the same sources, and the same problems are reported once. */
static char *last_reported_errors;

static void report_policy_errors(void)
{
    GString *text;
    if (!current_errors->len)
        return;
    text = g_string_new("Capture Triage: invalid policy rules were skipped:");
    for (guint i = 0; i < current_errors->len; i++) {
        const triage_policy_error *error = g_ptr_array_index(current_errors, i);
        g_string_append_printf(text, "\n  %s", error->text);
    }
    if (g_strcmp0(text->str, last_reported_errors) != 0)
        report_warning("%s", text->str);
    g_free(last_reported_errors);
    last_reported_errors = g_string_free(text, FALSE);
}

static void load_policy(void)
{
    retire_current_policy();
    if (triage_prefs.policy_file && *triage_prefs.policy_file) {
        char *contents = NULL;
        gsize length = 0;
        GError *error = NULL;
        if (g_file_get_contents(triage_prefs.policy_file, &contents, &length, &error)) {
            current_policy = triage_policy_parse_file_text(contents, length, triage_prefs.policy_file,
                                                           resolve_protocol, NULL, current_errors);
            current_source = "file";
            current_path = g_strdup(triage_prefs.policy_file);
            g_free(contents);
        } else {
            report_failure("Capture Triage: cannot read the policy file %s: %s. "
                           "The built-in default policy applies instead.",
                           triage_prefs.policy_file, error->message);
            g_error_free(error);
        }
    } else if (policy_row_count) {
        triage_policy_row *rows = g_new(triage_policy_row, policy_row_count);
        for (guint i = 0; i < policy_row_count; i++)
            rows[i] = row_view(&policy_rows[i]);
        current_policy = triage_policy_from_rows(rows, policy_row_count, resolve_protocol, NULL, current_errors);
        current_source = "table";
        g_free(rows);
    }
    if (!current_policy) {
        current_policy = triage_policy_default(resolve_protocol, NULL, current_errors);
        current_source = "default";
    }
    check_filter_rules();
    g_ptr_array_sort(current_errors, compare_error_lines);
    report_policy_errors();
}

static void parse_internal_networks(void)
{
    char *error = NULL;
    GArray *parsed = g_array_new(FALSE, FALSE, sizeof(triage_network));
    if (!triage_networks_parse(triage_prefs.internal_networks, parsed, &error)) {
        report_failure("Capture Triage: triage.internal_networks: %s. The default applies instead (%s).",
                       error, TRIAGE_DEFAULT_INTERNAL_NETWORKS);
        g_free(error);
        g_array_set_size(parsed, 0);
        triage_networks_parse(TRIAGE_DEFAULT_INTERNAL_NETWORKS, parsed, NULL);
    }
    if (internal_networks)
        g_array_free(internal_networks, TRUE);
    internal_networks = parsed;
}

static void apply_preferences(void)
{
    parse_internal_networks();
    load_policy();
}

static void policy_table_changed(void)
{
    load_policy();
}

void triage_settings_for_capture(triage_session_settings *settings)
{
    if (!internal_networks)
        apply_preferences();
    memset(settings, 0, sizeof *settings);
    settings->max_connections = triage_prefs.max_connections;
    settings->internal_networks = (const triage_network *)internal_networks->data;
    settings->internal_network_count = internal_networks->len;
    settings->policy = current_policy;
    settings->allowlist = triage_prefs.policy_mode == TRIAGE_POLICY_MODE_ALLOWLIST;
}

const char *triage_policy_source(void) { return current_source; }
const char *triage_policy_path(void) { return current_path; }
GPtrArray *triage_policy_errors(void) { return current_errors; }

void triage_register_preferences(int proto)
{
    static uat_field_t policy_fields[] = {
        UAT_FLD_CSTRING(policy_rows, name, "Name", "A short name for the rule"),
        UAT_FLD_CSTRING(policy_rows, action, "Action", "alert or allow"),
        UAT_FLD_CSTRING(policy_rows, severity, "Severity", "note, warn or error"),
        UAT_FLD_CSTRING(policy_rows, message, "Message", "Why it matters and what to do"),
        UAT_FLD_CSTRING(policy_rows, protocols, "Protocols", "Protocol filter names present in the frame, e.g. bittorrent,bt-dht"),
        UAT_FLD_CSTRING(policy_rows, ports, "Ports", "The responder's port: tcp/111,udp/111,tcp/6881-6889"),
        UAT_FLD_CSTRING(policy_rows, peers, "Peers", "from:!internal, to:10.0.0.0/8, …"),
        UAT_FLD_CSTRING(policy_rows, payload, "Payload", "A byte signature, e.g. \\x13BitTorrent protocol"),
        UAT_FLD_CSTRING(policy_rows, filter, "Filter", "Any display filter (slow path)"),
        UAT_END_FIELDS
    };
    module_t *module = prefs_register_protocol(proto, apply_preferences);
    uat_t *policy_table;

    prefs_register_filename_preference(module, "policy_file", "Policy file",
        "A policy in CSV (see samples/policies/README.md). When set, it replaces the policy table.",
        &triage_prefs.policy_file, FALSE);
    prefs_register_enum_preference(module, "policy_mode", "Policy mode",
        "Deny list reports what alert rules match; allow list also reports every application "
        "protocol that no allow rule covers.",
        &triage_prefs.policy_mode, policy_modes, FALSE);
    prefs_register_string_preference(module, "internal_networks", "Internal networks",
        "Comma-separated networks the peers criterion calls 'internal' and the destinations report "
        "uses for direction.", &triage_prefs.internal_networks);
    prefs_register_uint_preference(module, "rtt_slow_ms", "Slow handshake threshold (ms)",
        "Raise an expert note on handshakes slower than this; 0 = never.", 10, &triage_prefs.rtt_slow_ms);
    prefs_register_uint_preference(module, "max_connections", "Connections tracked at most",
        "Bounds memory: beyond it new connections are counted, not tracked, and the reports say how many.",
        10, &triage_prefs.max_connections);

    policy_table = uat_new("Capture Triage policy", sizeof(policy_row), "triage_policy", TRUE,
                           &policy_rows, &policy_row_count, UAT_AFFECTS_DISSECTION, NULL,
                           policy_row_copy, policy_row_update, policy_row_free, policy_table_changed,
                           NULL, policy_fields);
    prefs_register_uat_preference(module, "policy_table", "Policy rules",
        "Ordered rules; the first rule that matches a connection decides.", policy_table);
}
