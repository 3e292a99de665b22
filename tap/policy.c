/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy.c — the rule model: turns the text of one rule into a compiled
 * rule, with an error that names the field and the bad value.
 *
 * Both policy sources (the file parser and the UAT table) end up here, so a
 * rule means the same thing and fails with the same words wherever it was
 * written.  Everything expensive (protocol names, networks, escapes) is
 * resolved once, here, so the engine only compares numbers and bytes.
 */
#include "policy_rule.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct triage_policy {
    gint references;  /* the loader's, and one per capture session using it */
    GPtrArray *rules; /* triage_compiled_rule *, owned */
    guint filter_rules;
    guint payload_rules;
    guint host_rules;
    /* Where "@file" lists are read while rules are added (policy.h). */
    char *list_folder;
    GPtrArray *list_errors;
    const char *const *embedded_lists; /* name, text, ..., NULL; or NULL */
};

static void compiled_rule_free(gpointer data)
{
    triage_compiled_rule *rule = data;
    if (rule == NULL)
        return;
    g_free(rule->info.name);
    g_free(rule->info.message);
    g_free(rule->info.filter);
    g_free(rule->info.family);
    g_free(rule->protocol_ids);
    g_free(rule->ports);
    g_free(rule->peers);
    for (guint i = 0; i < rule->signature_count; i++)
        g_free(rule->signatures[i].bytes);
    g_free(rule->signatures);
    triage_host_list_free(rule->hosts);
    g_free(rule);
}

triage_policy *triage_policy_new(void)
{
    triage_policy *policy = g_new0(triage_policy, 1);
    policy->references = 1;
    policy->rules = g_ptr_array_new_with_free_func(compiled_rule_free);
    return policy;
}

triage_policy *triage_policy_ref(triage_policy *policy)
{
    if (policy)
        g_atomic_int_inc(&policy->references);
    return policy;
}

void triage_policy_unref(triage_policy *policy)
{
    if (policy == NULL || !g_atomic_int_dec_and_test(&policy->references))
        return;
    g_ptr_array_free(policy->rules, TRUE);
    g_free(policy->list_folder);
    g_free(policy);
}

void triage_policy_error_free(triage_policy_error *error)
{
    if (error == NULL)
        return;
    g_free(error->reason);
    g_free(error->text);
    g_free(error->list);
    g_free(error);
}

GPtrArray *triage_policy_errors_new(void)
{
    return g_ptr_array_new_with_free_func((GDestroyNotify)triage_policy_error_free);
}

const char *triage_policy_action_name(triage_policy_action action)
{
    return action == TRIAGE_POLICY_ALLOW ? "allow" : "alert";
}

const char *triage_policy_severity_name(triage_severity severity)
{
    switch (severity) {
    case TRIAGE_SEVERITY_ERROR:
        return "error";
    case TRIAGE_SEVERITY_WARN:
        return "warn";
    default:
        return "note";
    }
}

/* ---- Small text helpers ---------------------------------------------------- */

static char *trimmed_copy(const char *text)
{
    return g_strstrip(g_strdup(text != NULL ? text : ""));
}

/* Items of a list field: separated by commas and/or white space. */
static char **list_items(const char *text)
{
    char **items = g_strsplit_set(text, ", \t\r\n", -1);
    guint kept = 0;
    for (guint i = 0; items[i] != NULL; i++) {
        if (items[i][0] == '\0')
            g_free(items[i]);
        else
            items[kept++] = items[i];
    }
    items[kept] = NULL;
    return items;
}

static gboolean parse_port_number(const char *text, guint16 *out)
{
    guint64 value;
    /* g_ascii_string_to_unsigned accepts nothing but digits here: no sign,
     * no spaces, so "tcp/+22" is an error rather than a surprise. */
    if (*text == '\0' || !g_ascii_isdigit(*text) ||
        !g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT16, &value, NULL))
        return FALSE;
    *out = (guint16)value;
    return TRUE;
}

/* ---- Fields ---------------------------------------------------------------- */

static gboolean compile_action(const char *text, triage_compiled_rule *rule, char **reason_out)
{
    if (g_ascii_strcasecmp(text, "alert") == 0) {
        rule->info.action = TRIAGE_POLICY_ALERT;
        return TRUE;
    }
    if (g_ascii_strcasecmp(text, "allow") == 0) {
        rule->info.action = TRIAGE_POLICY_ALLOW;
        return TRUE;
    }
    *reason_out = *text == '\0' ? g_strdup("action: missing (alert or allow)")
                                : g_strdup_printf("action: '%s' is not alert or allow", text);
    return FALSE;
}

static gboolean compile_severity(const char *text, triage_compiled_rule *rule, char **reason_out)
{
    static const struct {
        const char *name;
        triage_severity severity;
    } severities[] = {
        {"note", TRIAGE_SEVERITY_NOTE},
        {"warn", TRIAGE_SEVERITY_WARN},
        {"error", TRIAGE_SEVERITY_ERROR},
    };
    /* An alert without a severity is a warning: loud enough to be read,
     * not so loud that it drowns the rules that chose "error". */
    if (*text == '\0') {
        rule->info.severity = rule->info.action == TRIAGE_POLICY_ALERT ? TRIAGE_SEVERITY_WARN
                                                                        : TRIAGE_SEVERITY_NOTE;
        return TRUE;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(severities); i++) {
        if (g_ascii_strcasecmp(text, severities[i].name) == 0) {
            rule->info.severity =
                rule->info.action == TRIAGE_POLICY_ALERT ? severities[i].severity : TRIAGE_SEVERITY_NOTE;
            return TRUE;
        }
    }
    *reason_out = g_strdup_printf("severity: '%s' is not note, warn or error", text);
    return FALSE;
}

static gboolean compile_protocols(const char *text, triage_compiled_rule *rule,
                                  triage_protocol_resolver_fn resolver, void *resolver_data,
                                  char **reason_out)
{
    char **names = list_items(text);
    guint count = g_strv_length(names);
    gboolean ok = TRUE;

    if (count > 0) {
        rule->protocol_ids = g_new(int, count);
        for (guint i = 0; i < count && ok; i++) {
            int id = resolver != NULL ? resolver(names[i], resolver_data) : -1;
            if (id < 0) {
                *reason_out = g_strdup_printf("protocols: unknown protocol '%s'", names[i]);
                ok = FALSE;
            } else {
                rule->protocol_ids[rule->protocol_count++] = id;
            }
        }
    }
    g_strfreev(names);
    return ok;
}

static gboolean compile_port_item(const char *item, triage_port_range *out, char **reason_out)
{
    const char *slash = strchr(item, '/');
    if (slash == NULL) {
        *reason_out = g_strdup_printf("ports: '%s' is not transport/port (tcp/22, udp/53, tcp/6881-6889)", item);
        return FALSE;
    }
    char *transport = g_strndup(item, (gsize)(slash - item));
    gboolean known = TRUE;
    if (g_ascii_strcasecmp(transport, "tcp") == 0)
        out->transport = TRIAGE_TRANSPORT_TCP;
    else if (g_ascii_strcasecmp(transport, "udp") == 0)
        out->transport = TRIAGE_TRANSPORT_UDP;
    else
        known = FALSE;
    if (!known) {
        *reason_out = g_strdup_printf("ports: unknown transport '%s' in '%s' (tcp or udp)", transport, item);
        g_free(transport);
        return FALSE;
    }
    g_free(transport);

    const char *numbers = slash + 1;
    const char *dash = strchr(numbers, '-');
    gboolean ok;
    if (dash == NULL) {
        ok = parse_port_number(numbers, &out->first);
        out->last = out->first;
    } else {
        char *first = g_strndup(numbers, (gsize)(dash - numbers));
        ok = parse_port_number(first, &out->first) && parse_port_number(dash + 1, &out->last);
        g_free(first);
    }
    if (!ok) {
        *reason_out = g_strdup_printf("ports: '%s' is not a port or port range (0-65535)", item);
        return FALSE;
    }
    if (out->first > out->last) {
        *reason_out = g_strdup_printf("ports: range '%s' runs backwards", item);
        return FALSE;
    }
    return TRUE;
}

static gboolean compile_ports(const char *text, triage_compiled_rule *rule, char **reason_out)
{
    char **items = list_items(text);
    guint count = g_strv_length(items);
    gboolean ok = TRUE;

    if (count > 0) {
        rule->ports = g_new(triage_port_range, count);
        for (guint i = 0; i < count && ok; i++) {
            ok = compile_port_item(items[i], &rule->ports[rule->port_count], reason_out);
            if (ok)
                rule->port_count++;
        }
    }
    g_strfreev(items);
    return ok;
}

void triage_policy_set_list_source(triage_policy *policy, const char *folder, GPtrArray *errors)
{
    g_free(policy->list_folder);
    policy->list_folder = g_strdup(folder);
    policy->list_errors = errors;
}

void triage_policy_set_embedded_lists(triage_policy *policy, const char *const *lists)
{
    policy->embedded_lists = lists;
}

static void add_list_error(const triage_policy *policy, const char *field, const char *path, guint line,
                           const char *rule_name, guint rule_line, char *reason /* taken */)
{
    if (policy->list_errors == NULL) {
        g_free(reason);
        return;
    }
    triage_policy_error *error = g_new0(triage_policy_error, 1);
    error->line = rule_line;
    error->list = g_strdup(path);
    error->reason = g_strdup_printf("%s: %s:%u: %s (the rest of the list applies)", field, path, line, reason);
    error->text = g_strdup_printf("%s:%u: %s (%s of rule '%s'; the rest of the list applies)", path, line, reason,
                                  field, rule_name);
    g_ptr_array_add(policy->list_errors, error);
    g_free(reason);
}

#define TRIAGE_POLICY_MAX_LIST_BYTES (16u << 20)

/* The whole file, or FALSE with the system's reason ("No such file or
 * directory", "Permission denied", "Is a directory"). */
static gboolean read_list_file(const char *path, GString *contents, const char **reason_out)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        *reason_out = g_strerror(errno);
        return FALSE;
    }
    char buffer[8192];
    size_t got;
    while ((got = fread(buffer, 1, sizeof buffer, file)) > 0 && contents->len <= TRIAGE_POLICY_MAX_LIST_BYTES)
        g_string_append_len(contents, buffer, (gssize)got);
    gboolean ok = !ferror(file) && contents->len <= TRIAGE_POLICY_MAX_LIST_BYTES;
    if (ferror(file))
        *reason_out = g_strerror(errno);
    else if (!ok)
        *reason_out = "larger than 16 MB"; /* or endless: /dev/zero */
    fclose(file);
    return ok;
}

/* The next line of text from *position: line ends are \n, \r\n or \r, as
 * in the policy file.  NULL at the end. */
static char *next_line(const GString *text, gsize *position)
{
    if (*position >= text->len)
        return NULL;
    gsize start = *position, end = start;
    while (end < text->len && text->str[end] != '\n' && text->str[end] != '\r')
        end++;
    *position = end + 1;
    if (end + 1 < text->len && text->str[end] == '\r' && text->str[end + 1] == '\n')
        (*position)++;
    return g_strndup(text->str + start, end - start);
}

/* One entry of a list: FALSE with a reason (g_free it) for a bad one. */
typedef gboolean (*list_entry_fn)(const char *entry, void *data, char **reason_out);

/* The text of the list called name: an embedded one (the default
 * policy's), else the file, relative to the policy's folder.  *path_out is
 * the name its errors give (g_free it). */
static gboolean list_text(const triage_policy *policy, const char *field, const char *name, GString *contents,
                          char **path_out, char **reason_out)
{
    for (guint i = 0; policy->embedded_lists != NULL && policy->embedded_lists[i] != NULL; i += 2) {
        if (strcmp(policy->embedded_lists[i], name) == 0) {
            g_string_append(contents, policy->embedded_lists[i + 1]);
            *path_out = g_strdup(name);
            return TRUE;
        }
    }
    char *path = policy->list_folder != NULL && !g_path_is_absolute(name)
                     ? g_build_filename(policy->list_folder, name, NULL)
                     : g_strdup(name);
    const char *system_reason = NULL;
    *path_out = path;
    if (!read_list_file(path, contents, &system_reason)) {
        *reason_out = g_strdup_printf("%s: cannot read the list '%s': %s", field, path, system_reason);
        return FALSE;
    }
    if (memchr(contents->str, '\0', contents->len) != NULL) {
        *reason_out = g_strdup_printf("%s: the list '%s' is not text (a NUL byte)", field, path);
        return FALSE;
    }
    return TRUE;
}

/* "@tor-relays.txt", "@trackers.txt": one entry a line, '#' comments.  A
 * bad line is reported as file:line and skipped; a file that cannot be
 * read, or lists nothing, makes the rule unusable.  what names the kind of
 * entry in that reason ("address or network"). */
static gboolean read_list(const triage_policy *policy, const triage_compiled_rule *rule, const char *field,
                          const char *what, const char *name, list_entry_fn add_entry, void *data,
                          char **reason_out)
{
    GString *contents = g_string_new(NULL);
    char *path = NULL;
    if (!list_text(policy, field, name, contents, &path, reason_out)) {
        g_string_free(contents, TRUE);
        g_free(path);
        return FALSE;
    }
    guint good = 0;
    gsize position = 0;
    char *line;
    for (guint number = 1; (line = next_line(contents, &position)) != NULL; number++, g_free(line)) {
        char *hash = strchr(line, '#');
        if (hash != NULL)
            *hash = '\0';
        char *entry = g_strstrip(line);
        if (*entry == '\0')
            continue;
        char *entry_error = NULL;
        if (add_entry(entry, data, &entry_error))
            good++;
        else
            add_list_error(policy, field, path, number, rule->info.name, rule->info.line, entry_error);
    }
    g_string_free(contents, TRUE);
    if (good == 0)
        *reason_out = g_strdup_printf("%s: the list '%s' names no %s", field, path, what);
    g_free(path);
    return good > 0;
}

static gboolean add_network_entry(const char *entry, void *data, char **reason_out)
{
    GArray *networks = data;
    char *network_error = NULL;
    guint count = networks->len;
    if (strpbrk(entry, ", \t") != NULL || !triage_networks_parse(entry, networks, &network_error) ||
        networks->len != count + 1) {
        g_array_set_size(networks, count);
        *reason_out = g_strdup_printf("'%s': %s", entry,
                                      network_error != NULL ? network_error : "not one address or network");
        g_free(network_error);
        return FALSE;
    }
    g_free(network_error);
    return TRUE;
}

static gboolean read_network_list(const triage_policy *policy, const triage_compiled_rule *rule, const char *name,
                                  GArray *networks, char **reason_out)
{
    return read_list(policy, rule, "peers", "address or network", name, add_network_entry, networks, reason_out);
}

/* One peers item: a condition, or one per entry of an "@file" list. */
static gboolean compile_peer_item(const triage_policy *policy, const triage_compiled_rule *rule, const char *item,
                                  GArray *conditions, char **reason_out)
{
    const char *target;
    triage_peer_condition condition;
    triage_peer_condition *out = &condition;
    memset(out, 0, sizeof *out);
    if (g_str_has_prefix(item, "from:")) {
        out->side = TRIAGE_PEER_FROM;
        target = item + strlen("from:");
    } else if (g_str_has_prefix(item, "to:")) {
        out->side = TRIAGE_PEER_TO;
        target = item + strlen("to:");
    } else {
        *reason_out = g_strdup_printf("peers: '%s' must start with from: (initiator) or to: (responder)", item);
        return FALSE;
    }
    if (*target == '!') {
        out->negated = TRUE;
        target++;
    }
    if (strcmp(target, "internal") == 0) {
        out->internal = TRUE;
        g_array_append_val(conditions, condition);
        return TRUE;
    }
    if (*target == '@') {
        GArray *listed = g_array_new(FALSE, FALSE, sizeof(triage_network));
        gboolean ok = target[1] != '\0' && read_network_list(policy, rule, target + 1, listed, reason_out);
        if (target[1] == '\0')
            *reason_out = g_strdup_printf("peers: '%s' names no file", item);
        for (guint i = 0; ok && i < listed->len; i++) {
            condition.network = g_array_index(listed, triage_network, i);
            g_array_append_val(conditions, condition);
        }
        g_array_free(listed, TRUE);
        return ok;
    }
    if (*target == '\0') {
        *reason_out = g_strdup_printf("peers: '%s' names no network (internal, 10.0.0.0/8, 2001:db8::/32)", item);
        return FALSE;
    }

    GArray *networks = g_array_new(FALSE, FALSE, sizeof(triage_network));
    char *network_error = NULL;
    gboolean ok = !strchr(target, ',') && triage_networks_parse(target, networks, &network_error) &&
                  networks->len == 1;
    if (ok) {
        out->network = g_array_index(networks, triage_network, 0);
        g_array_append_val(conditions, condition);
    } else
        *reason_out = g_strdup_printf("peers: '%s': %s", item,
                                      network_error != NULL ? network_error : "not one network");
    g_free(network_error);
    g_array_free(networks, TRUE);
    return ok;
}

static gboolean compile_peers(const triage_policy *policy, const char *text, triage_compiled_rule *rule,
                              char **reason_out)
{
    char **items = list_items(text);
    GArray *conditions = g_array_new(FALSE, FALSE, sizeof(triage_peer_condition));
    gboolean ok = TRUE;

    for (guint i = 0; items[i] != NULL && ok; i++)
        ok = compile_peer_item(policy, rule, items[i], conditions, reason_out);
    rule->peer_count = conditions->len;
    rule->peers = (triage_peer_condition *)g_array_free(conditions, rule->peer_count == 0);
    g_strfreev(items);
    return ok;
}

/* ---- Host names --------------------------------------------------------------
 *
 * hosts = item *( ("," / white space) item )
 * item  = name / "*." name / "@" file         a file: one name or wildcard a line
 */

static gboolean add_host_entry(const char *entry, void *data, char **reason_out)
{
    if (strpbrk(entry, ", \t") != NULL) {
        *reason_out = g_strdup_printf("'%s' is not one host name", entry);
        return FALSE;
    }
    return triage_host_list_add(data, entry, reason_out);
}

static gboolean compile_hosts(const triage_policy *policy, const char *text, triage_compiled_rule *rule,
                              char **reason_out)
{
    char **items = list_items(text);
    gboolean ok = TRUE;
    if (items[0] != NULL)
        rule->hosts = triage_host_list_new();
    for (guint i = 0; items[i] != NULL && ok; i++) {
        const char *item = items[i];
        if (item[0] == '@') {
            if (item[1] == '\0') {
                *reason_out = g_strdup_printf("hosts: '%s' names no file", item);
                ok = FALSE;
            } else {
                ok = read_list(policy, rule, "hosts", "host name", item + 1, add_host_entry, rule->hosts,
                               reason_out);
            }
        } else {
            char *entry_error = NULL;
            ok = triage_host_list_add(rule->hosts, item, &entry_error);
            if (!ok)
                *reason_out = g_strdup_printf("hosts: %s", entry_error);
            g_free(entry_error);
        }
    }
    g_strfreev(items);
    return ok;
}

/* The triage_policy table has no hosts column (a new column would make
 * Wireshark 4.0 refuse every table saved before it), so there a rule's
 * names go in its peers as "hosts:" items; a file may write them so too.
 * Splits them off: *peers_out keeps the rest, *hosts_out gets the names. */
static void split_hosts_from_peers(const char *peers, const char *hosts, char **peers_out, char **hosts_out)
{
    char **items = list_items(peers);
    GString *kept = g_string_new(NULL), *names = g_string_new(hosts);
    for (guint i = 0; items[i] != NULL; i++) {
        if (g_str_has_prefix(items[i], "hosts:"))
            g_string_append_printf(names, "%s%s", names->len > 0 ? " " : "", items[i] + strlen("hosts:"));
        else
            g_string_append_printf(kept, "%s%s", kept->len > 0 ? " " : "", items[i]);
    }
    g_strfreev(items);
    *peers_out = g_string_free(kept, FALSE);
    *hosts_out = g_string_free(names, FALSE);
}

/* ---- Payload signatures -----------------------------------------------------
 *
 * payload   = signature *( "|" signature )     any one of them will do
 * signature = [ "*" ] byte 1*byte               "*": anywhere in the window
 * escapes   = \xNN \\ \" \n \r \t \| \*
 */

static void add_signature(triage_compiled_rule *rule, GByteArray *bytes, gboolean anywhere)
{
    triage_payload_signature *signature = &rule->signatures[rule->signature_count++];
    signature->length = bytes->len;
    signature->bytes = g_memdup2(bytes->data, bytes->len);
    signature->anywhere = anywhere;
}

static gboolean close_signature(triage_compiled_rule *rule, GByteArray *bytes, gboolean anywhere,
                                const char *text, char **reason_out)
{
    if (bytes->len == 0) {
        *reason_out = g_strdup_printf("payload: empty signature in '%s'", text);
        return FALSE;
    }
    if (bytes->len > TRIAGE_POLICY_PAYLOAD_WINDOW) {
        *reason_out = g_strdup_printf("payload: a signature of %u bytes is longer than the %u bytes looked at",
                                      bytes->len, (guint)TRIAGE_POLICY_PAYLOAD_WINDOW);
        return FALSE;
    }
    add_signature(rule, bytes, anywhere);
    g_byte_array_set_size(bytes, 0);
    return TRUE;
}

/* Decodes the escape at text[*position] (a backslash).  Returns -1 and sets
 * *reason_out when it is not one of ours. */
static int decode_escape(const char *text, gsize *position, char **reason_out)
{
    gsize at = *position;
    char next = text[at + 1];
    int value = -1;
    switch (next) {
    case '\\': value = '\\'; break;
    case '"': value = '"'; break;
    case 'n': value = '\n'; break;
    case 'r': value = '\r'; break;
    case 't': value = '\t'; break;
    case '|': value = '|'; break;
    case '*': value = '*'; break;
    case 'x':
        if (g_ascii_isxdigit(text[at + 2]) && g_ascii_isxdigit(text[at + 3])) {
            value = g_ascii_xdigit_value(text[at + 2]) * 16 + g_ascii_xdigit_value(text[at + 3]);
            *position = at + 4;
            return value;
        }
        *reason_out = g_strdup_printf("payload: '\\x' must be followed by two hex digits in '%s'", text);
        return -1;
    default:
        break;
    }
    if (value < 0) {
        *reason_out = next == '\0'
                          ? g_strdup_printf("payload: '%s' ends in a lone backslash", text)
                          : g_strdup_printf("payload: unknown escape '\\%c' in '%s' (use \\xNN, \\\\, \\\", "
                                            "\\n, \\r, \\t, \\| or \\*)",
                                            next, text);
        return -1;
    }
    *position = at + 2;
    return value;
}

static gboolean compile_payload(const char *text, triage_compiled_rule *rule, char **reason_out)
{
    gsize length = strlen(text);
    if (length == 0)
        return TRUE;

    /* Alternatives are at most one per '|', plus one. */
    guint alternatives = 1;
    for (gsize i = 0; i < length; i++)
        alternatives += text[i] == '|';
    rule->signatures = g_new0(triage_payload_signature, alternatives);

    GByteArray *bytes = g_byte_array_new();
    gboolean anywhere = FALSE;
    gboolean at_signature_start = TRUE;
    gboolean ok = TRUE;
    gsize position = 0;
    while (ok && position < length) {
        char c = text[position];
        if (at_signature_start && c == '*') {
            anywhere = TRUE;
            position++;
        } else if (c == '|') {
            ok = close_signature(rule, bytes, anywhere, text, reason_out);
            anywhere = FALSE;
            at_signature_start = TRUE;
            position++;
            continue;
        } else if (c == '\\') {
            int value = decode_escape(text, &position, reason_out);
            guint8 byte = (guint8)value;
            if (value < 0)
                ok = FALSE;
            else
                g_byte_array_append(bytes, &byte, 1);
        } else {
            g_byte_array_append(bytes, (const guint8 *)&text[position], 1);
            position++;
        }
        at_signature_start = FALSE;
    }
    if (ok)
        ok = close_signature(rule, bytes, anywhere, text, reason_out);
    g_byte_array_free(bytes, TRUE);
    return ok;
}

/* ---- Rules ----------------------------------------------------------------- */

static const triage_compiled_rule *rule_named(const triage_policy *policy, const char *name)
{
    for (guint i = 0; i < policy->rules->len; i++) {
        const triage_compiled_rule *rule = g_ptr_array_index(policy->rules, i);
        if (strcmp(rule->info.name, name) == 0)
            return rule;
    }
    return NULL;
}

static gboolean check_text(const char *field, const char *text, char **reason_out)
{
    if (!g_utf8_validate(text, -1, NULL)) {
        *reason_out = g_strdup_printf("%s: not valid UTF-8", field);
        return FALSE;
    }
    return TRUE;
}

static gboolean compile_name(const triage_policy *policy, const char *name, char **reason_out)
{
    if (*name == '\0') {
        *reason_out = g_strdup("name: missing");
        return FALSE;
    }
    if (!check_text("name", name, reason_out))
        return FALSE;
    const triage_compiled_rule *twin = rule_named(policy, name);
    if (twin != NULL) {
        /* Findings, silent rules and expert infos are per rule name: two
         * rules of one name would be one line in every report. */
        *reason_out = g_strdup_printf("name: '%s' is already the name of the rule from line %u", name,
                                      twin->info.line);
        return FALSE;
    }
    return TRUE;
}

/* A family is a short name that ties the rules of one service together. */
static gboolean compile_family(const char *text, triage_compiled_rule *rule, char **reason_out)
{
    if (*text == '\0')
        return TRUE;
    for (const char *c = text; *c != '\0'; c++) {
        if (!g_ascii_isalnum(*c) && *c != '-' && *c != '_' && *c != '.') {
            *reason_out = g_strdup_printf("family: '%s' is not a name (letters, digits, '-', '_', '.')", text);
            return FALSE;
        }
    }
    if (strlen(text) > 64) {
        *reason_out = g_strdup_printf("family: '%s' is longer than 64 characters", text);
        return FALSE;
    }
    rule->info.family = g_strdup(text);
    return TRUE;
}

static guint evidence_of(const triage_compiled_rule *rule)
{
    guint evidence = 0;
    if (rule->port_count > 0)
        evidence |= TRIAGE_EVIDENCE_PORT;
    if (rule->protocol_count > 0)
        evidence |= TRIAGE_EVIDENCE_PROTOCOL;
    if (rule->signature_count > 0)
        evidence |= TRIAGE_EVIDENCE_PAYLOAD;
    if (rule->info.filter != NULL)
        evidence |= TRIAGE_EVIDENCE_FILTER;
    if (rule->hosts != NULL)
        evidence |= TRIAGE_EVIDENCE_HOST;
    for (guint i = 0; i < rule->peer_count; i++) {
        /* "from:!internal" says where, not what: only a listed network or
         * address of its own tells who the peer is. */
        if (!rule->peers[i].internal && !rule->peers[i].negated)
            evidence |= TRIAGE_EVIDENCE_ADDRESS;
    }
    if (evidence == 0 && rule->peer_count > 0)
        evidence = TRIAGE_EVIDENCE_ADDRESS;
    return evidence;
}

static gboolean rule_has_criteria(const triage_compiled_rule *rule)
{
    return rule->protocol_count > 0 || rule->port_count > 0 || rule->peer_count > 0 ||
           rule->signature_count > 0 || rule->info.filter != NULL || rule->hosts != NULL;
}

gboolean triage_policy_add_rule(triage_policy *policy, const triage_policy_row *row, guint line,
                                triage_protocol_resolver_fn resolver, void *resolver_data,
                                char **reason_out)
{
    triage_compiled_rule *rule = g_new0(triage_compiled_rule, 1);
    char *action = trimmed_copy(row->action);
    char *severity = trimmed_copy(row->severity);
    char *protocols = trimmed_copy(row->protocols);
    char *ports = trimmed_copy(row->ports);
    char *peers = NULL, *hosts = NULL;
    char *filter = trimmed_copy(row->filter);
    char *family = trimmed_copy(row->family);
    char *reason = NULL;
    gboolean ok;

    rule->info.name = trimmed_copy(row->name);
    rule->info.message = trimmed_copy(row->message);
    rule->info.filter_bit = -1;
    rule->info.line = line;
    rule->payload_bit = -1;
    rule->host_bit = -1;
    {
        char *all_hosts = trimmed_copy(row->hosts);
        split_hosts_from_peers(row->peers != NULL ? row->peers : "", all_hosts, &peers, &hosts);
        g_free(all_hosts);
    }

    ok = compile_name(policy, rule->info.name, &reason) && compile_action(action, rule, &reason) &&
         compile_severity(severity, rule, &reason) && check_text("message", rule->info.message, &reason) &&
         compile_protocols(protocols, rule, resolver, resolver_data, &reason) &&
         compile_ports(ports, rule, &reason) && compile_peers(policy, peers, rule, &reason) &&
         /* The payload keeps its spaces: "NICK " is a signature. */
         compile_payload(row->payload != NULL ? row->payload : "", rule, &reason) &&
         check_text("filter", filter, &reason) && compile_family(family, rule, &reason) &&
         compile_hosts(policy, hosts, rule, &reason);
    if (ok && *filter != '\0') {
        if (policy->filter_rules >= TRIAGE_POLICY_MAX_FILTER_RULES) {
            reason = g_strdup_printf("filter: more than %d rules have a filter", TRIAGE_POLICY_MAX_FILTER_RULES);
            ok = FALSE;
        } else {
            rule->info.filter = g_strdup(filter);
        }
    }
    if (ok && rule->signature_count > 0 && policy->payload_rules >= TRIAGE_POLICY_MAX_PAYLOAD_RULES) {
        reason = g_strdup_printf("payload: more than %d rules have a payload", TRIAGE_POLICY_MAX_PAYLOAD_RULES);
        ok = FALSE;
    }
    if (ok && rule->hosts != NULL && policy->host_rules >= TRIAGE_POLICY_MAX_HOST_RULES) {
        reason = g_strdup_printf("hosts: more than %d rules have hosts", TRIAGE_POLICY_MAX_HOST_RULES);
        ok = FALSE;
    }
    if (ok && !rule_has_criteria(rule)) {
        /* A rule without criteria would match everything, which is never
         * what a half-filled line meant. */
        reason = g_strdup("no criteria: give at least one of protocols, ports, peers, payload, filter, hosts");
        ok = FALSE;
    }

    if (ok) {
        if (rule->info.filter != NULL)
            rule->info.filter_bit = (int)policy->filter_rules++;
        if (rule->signature_count > 0)
            rule->payload_bit = (int)policy->payload_rules++;
        if (rule->hosts != NULL)
            rule->host_bit = (int)policy->host_rules++;
        rule->info.evidence = evidence_of(rule);
        g_ptr_array_add(policy->rules, rule);
    } else {
        compiled_rule_free(rule);
    }
    if (reason_out != NULL)
        *reason_out = reason;
    else
        g_free(reason);
    g_free(action);
    g_free(severity);
    g_free(protocols);
    g_free(ports);
    g_free(peers);
    g_free(hosts);
    g_free(filter);
    g_free(family);
    return ok;
}

guint triage_policy_rule_count(const triage_policy *policy)
{
    return policy->rules->len;
}

const triage_compiled_rule *triage_policy_compiled_rule(const triage_policy *policy, guint index)
{
    return index < policy->rules->len ? g_ptr_array_index(policy->rules, index) : NULL;
}

const triage_policy_rule *triage_policy_rule_at(const triage_policy *policy, guint index)
{
    const triage_compiled_rule *rule = triage_policy_compiled_rule(policy, index);
    return rule != NULL ? &rule->info : NULL;
}

guint triage_policy_filter_rule_count(const triage_policy *policy)
{
    return policy->filter_rules;
}

guint triage_policy_payload_rule_count(const triage_policy *policy)
{
    return policy->payload_rules;
}

guint triage_policy_host_rule_count(const triage_policy *policy)
{
    return policy->host_rules;
}

gboolean triage_rule_needs_packets(const triage_compiled_rule *rule)
{
    return rule->protocol_count > 0 || rule->signature_count > 0 || rule->info.filter != NULL ||
           rule->hosts != NULL;
}

/* ---- Evidence ------------------------------------------------------------- */

const char *triage_policy_evidence_text(guint evidence, char *buffer, gsize size)
{
    static const char *const names[] = {"port", "protocol", "payload", "address", "filter", "host"};
    GString *text = g_string_new(NULL);
    for (guint bit = 0; bit < G_N_ELEMENTS(names); bit++) {
        if (evidence & (1u << bit))
            g_string_append_printf(text, "%s%s", text->len > 0 ? "," : "", names[bit]);
    }
    g_strlcpy(buffer, text->str, size);
    g_string_free(text, TRUE);
    return buffer;
}

gboolean triage_policy_rule_needs_confirmation(const triage_policy *policy, guint index)
{
    const triage_compiled_rule *rule = triage_policy_compiled_rule(policy, index);
    if (rule == NULL || rule->info.family == NULL || rule->info.action != TRIAGE_POLICY_ALERT ||
        (rule->info.evidence & ~(guint)TRIAGE_EVIDENCE_PORT_DERIVED) != 0)
        return FALSE;
    for (guint i = 0; i < policy->rules->len; i++) {
        const triage_compiled_rule *twin = g_ptr_array_index(policy->rules, i);
        if (twin->info.family != NULL && strcmp(twin->info.family, rule->info.family) == 0 &&
            (twin->info.evidence & TRIAGE_EVIDENCE_CONTENT) != 0)
            return TRUE;
    }
    return FALSE;
}

triage_severity triage_policy_finding_severity(const triage_policy_rule *rule, gboolean port_only)
{
    return port_only ? TRIAGE_SEVERITY_NOTE : rule->severity;
}

char *triage_policy_finding_message(const triage_policy_rule *rule, gboolean port_only)
{
    if (!port_only)
        return g_strdup(rule->message);
    /* The rule's own words still say what the service would mean if it
     * were there. */
    const char *what = (rule->evidence & TRIAGE_EVIDENCE_PROTOCOL) ? "Wireshark's label (given by port)" : "the port";
    return g_strdup_printf("Port only \u2014 confirm: %s matched, nothing of %s in the payload.%s%s", what,
                           rule->family != NULL ? rule->family : rule->name, *rule->message != '\0' ? " " : "",
                           rule->message);
}

const char *triage_policy_rule_for_port(const triage_policy *policy, guint8 transport, guint16 port)
{
    for (guint i = 0; i < policy->rules->len; i++) {
        const triage_compiled_rule *rule = g_ptr_array_index(policy->rules, i);
        if (triage_rule_needs_packets(rule) || !triage_rule_port_matches(rule, transport, port) ||
            triage_policy_rule_needs_confirmation(policy, i))
            continue;
        if (rule->info.action == TRIAGE_POLICY_ALERT)
            return rule->info.name;
        /* An allow rule limited to some peers excuses only those; one for
         * every peer excuses the port. */
        if (rule->peer_count == 0)
            return NULL;
    }
    return NULL;
}
