/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_policy_file.c — the policy file parser and the rule model.
 *
 * Data-driven: every data/policy/file/NAME.csv is parsed as "NAME.csv" and
 * the compiled policy, dumped one line per fact, must equal NAME.expect.
 * Adding a case is adding those two files.  The UAT rows and the limits
 * that need many rules are tested in code below.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "policy_file.h"
#include "policy_rule.h"
#include "test_policy_support.h"

static const char *data_dir;
static test_protocols *protocols;

/* Bytes as a C-like string: printable ASCII as is, the rest as \xNN. */
static void append_bytes(GString *out, const guint8 *bytes, guint length)
{
    for (guint i = 0; i < length; i++) {
        if (bytes[i] == '\\' || bytes[i] == '"')
            g_string_append_printf(out, "\\%c", bytes[i]);
        else if (bytes[i] >= 0x20 && bytes[i] < 0x7f)
            g_string_append_c(out, (char)bytes[i]);
        else
            g_string_append_printf(out, "\\x%02x", bytes[i]);
    }
}

static void dump_rule(GString *out, const triage_policy *policy, guint index)
{
    const triage_compiled_rule *rule = triage_policy_compiled_rule(policy, index);
    const triage_policy_rule *info = &rule->info;
    g_string_append_printf(out, "rule %s action=%s severity=%s line=%u\n", info->name,
                           triage_policy_action_name(info->action), triage_policy_severity_name(info->severity),
                           info->line);
    if (*info->message != '\0') {
        g_string_append(out, "  message: ");
        append_bytes(out, (const guint8 *)info->message, (guint)strlen(info->message));
        g_string_append_c(out, '\n');
    }
    if (rule->protocol_count > 0) {
        g_string_append(out, "  protocols:");
        for (guint i = 0; i < rule->protocol_count; i++)
            g_string_append_printf(out, " %s", test_protocols_name(rule->protocol_ids[i], protocols));
        g_string_append_c(out, '\n');
    }
    if (rule->port_count > 0) {
        g_string_append(out, "  ports:");
        for (guint i = 0; i < rule->port_count; i++) {
            const triage_port_range *range = &rule->ports[i];
            g_string_append_printf(out, " %s/%u", range->transport == TRIAGE_TRANSPORT_TCP ? "tcp" : "udp",
                                   range->first);
            if (range->last != range->first)
                g_string_append_printf(out, "-%u", range->last);
        }
        g_string_append_c(out, '\n');
    }
    if (rule->peer_count > 0) {
        g_string_append(out, "  peers:");
        for (guint i = 0; i < rule->peer_count; i++) {
            const triage_peer_condition *peer = &rule->peers[i];
            char address[64];
            g_string_append_printf(out, " %s:%s", peer->side == TRIAGE_PEER_FROM ? "from" : "to",
                                   peer->negated ? "!" : "");
            if (peer->internal)
                g_string_append(out, "internal");
            else
                g_string_append_printf(out, "%s/%u",
                                       triage_address_to_string(&peer->network.address, address, sizeof address),
                                       peer->network.prefix_length);
        }
        g_string_append_c(out, '\n');
    }
    if (rule->signature_count > 0) {
        g_string_append_printf(out, "  payload bit=%d:", rule->payload_bit);
        for (guint i = 0; i < rule->signature_count; i++) {
            g_string_append_printf(out, " %s\"", rule->signatures[i].anywhere ? "*" : "");
            append_bytes(out, rule->signatures[i].bytes, rule->signatures[i].length);
            g_string_append_c(out, '"');
        }
        g_string_append_c(out, '\n');
    }
    if (info->filter != NULL)
        g_string_append_printf(out, "  filter bit=%d: %s\n", info->filter_bit, info->filter);
    if (rule->hosts != NULL)
        g_string_append_printf(out, "  hosts bit=%d: %u names\n", rule->host_bit, triage_host_list_count(rule->hosts));
    if (info->family != NULL) {
        char evidence[TRIAGE_EVIDENCE_TEXT_SIZE];
        g_string_append_printf(out, "  family: %s evidence=%s needs-confirmation=%s\n", info->family,
                               triage_policy_evidence_text(info->evidence, evidence, sizeof evidence),
                               triage_policy_rule_needs_confirmation(policy, index) ? "yes" : "no");
    }
}

static char *dump_policy(const triage_policy *policy, const GPtrArray *errors)
{
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < triage_policy_rule_count(policy); i++)
        dump_rule(out, policy, i);
    for (guint i = 0; i < errors->len; i++) {
        const triage_policy_error *error = g_ptr_array_index((GPtrArray *)errors, i);
        g_string_append_printf(out, "error %s\n", error->text);
    }
    return g_string_free(out, FALSE);
}

static void test_file_case(gconstpointer data)
{
    const char *name = data;
    char *csv_relative = g_strdup_printf("policy/file/%s.csv", name);
    char *expect_relative = g_strdup_printf("policy/file/%s.expect", name);
    char *display_name = g_strdup_printf("%s.csv", name);
    gsize length;
    char *text = test_read_data_file(data_dir, csv_relative, &length);
    char *expected = test_read_data_file(data_dir, expect_relative, NULL);
    GPtrArray *errors = triage_policy_errors_new();
    triage_policy *policy = triage_policy_parse_file_text(text, length, display_name, test_protocols_resolve,
                                                          protocols, errors);
    char *actual = dump_policy(policy, errors);

    if (strcmp(actual, expected) != 0) {
        g_test_message("%s: got\n%s\nexpected\n%s", csv_relative, actual, expected);
        g_test_fail();
    }
    /* Every error line is "file:line: reason" and agrees with its parts. */
    for (guint i = 0; i < errors->len; i++) {
        const triage_policy_error *error = g_ptr_array_index(errors, i);
        char *rebuilt = error->line > 0 ? g_strdup_printf("%s:%u: %s", display_name, error->line, error->reason)
                                        : g_strdup_printf("%s: %s", display_name, error->reason);
        g_assert_cmpstr(error->text, ==, rebuilt);
        g_free(rebuilt);
    }

    triage_policy_unref(policy);
    g_ptr_array_free(errors, TRUE);
    g_free(actual);
    g_free(expected);
    g_free(text);
    g_free(display_name);
    g_free(expect_relative);
    g_free(csv_relative);
}

/* ---- In code: what files cannot show well ------------------------------------ */

static triage_policy *parse_text(const char *text, GPtrArray *errors)
{
    return triage_policy_parse_file_text(text, strlen(text), "p.csv", test_protocols_resolve, protocols, errors);
}

static const char *error_text(GPtrArray *errors, guint i)
{
    g_assert_cmpuint(i, <, errors->len);
    return ((triage_policy_error *)g_ptr_array_index(errors, i))->text;
}

static void test_rows(void)
{
    const triage_policy_row rows[] = {
        {"bt", "alert", "error", "BitTorrent", "bittorrent", NULL, NULL, NULL, NULL},
        {"bad-port", "alert", "warn", NULL, NULL, "tcp/99999", NULL, NULL, NULL},
        {"bt", "alert", "note", NULL, NULL, "tcp/1", NULL, NULL, NULL},
        /* The UAT has no quoting: a payload keeps its spaces as typed. */
        {"irc", "alert", "", "", NULL, NULL, NULL, "NICK |*NOTICE ", NULL},
        {"", "allow", NULL, NULL, "dns", NULL, NULL, NULL, NULL},
    };
    GPtrArray *errors = triage_policy_errors_new();
    triage_policy *policy = triage_policy_from_rows(rows, G_N_ELEMENTS(rows), test_protocols_resolve, protocols,
                                                    errors);

    g_assert_cmpuint(triage_policy_rule_count(policy), ==, 2);
    g_assert_cmpstr(triage_policy_rule_at(policy, 0)->name, ==, "bt");
    g_assert_cmpuint(triage_policy_rule_at(policy, 0)->line, ==, 1);
    const triage_compiled_rule *irc = triage_policy_compiled_rule(policy, 1);
    g_assert_cmpuint(irc->info.severity, ==, TRIAGE_SEVERITY_WARN);
    g_assert_cmpuint(irc->signature_count, ==, 2);
    g_assert_cmpmem(irc->signatures[0].bytes, irc->signatures[0].length, "NICK ", 5);
    g_assert_true(irc->signatures[1].anywhere);
    g_assert_cmpmem(irc->signatures[1].bytes, irc->signatures[1].length, "NOTICE ", 7);

    g_assert_cmpuint(errors->len, ==, 3);
    g_assert_cmpstr(error_text(errors, 0), ==,
                    "triage_policy table row 2: ports: 'tcp/99999' is not a port or port range (0-65535)");
    g_assert_cmpstr(error_text(errors, 1), ==,
                    "triage_policy table row 3: name: 'bt' is already the name of the rule from line 1");
    g_assert_cmpstr(error_text(errors, 2), ==, "triage_policy table row 5: name: missing");
    g_assert_cmpuint(((triage_policy_error *)g_ptr_array_index(errors, 2))->line, ==, 5);
    triage_policy_unref(policy);
    g_ptr_array_free(errors, TRUE);
}

static void test_check_row(void)
{
    triage_policy_row good = {"x", "alert", "warn", "m", NULL, "udp/53", "to:!internal", NULL, NULL};
    triage_policy_row bad = {"x", "alert", "loud", "m", NULL, "udp/53", NULL, NULL, NULL};
    char *reason = NULL;
    g_assert_true(triage_policy_check_row(&good, test_protocols_resolve, protocols, &reason));
    g_assert_null(reason);
    g_assert_false(triage_policy_check_row(&bad, test_protocols_resolve, protocols, &reason));
    g_assert_cmpstr(reason, ==, "severity: 'loud' is not note, warn or error");
    g_free(reason);
}

/* The 65th rule with a filter has no bit left in the 64-bit mask. */
static void test_filter_limit(void)
{
    GString *text = g_string_new("name,action,filter\n");
    for (int i = 0; i < TRIAGE_POLICY_MAX_FILTER_RULES + 1; i++)
        g_string_append_printf(text, "f%d,alert,tcp.port == %d\n", i, i);
    GPtrArray *errors = triage_policy_errors_new();
    triage_policy *policy = parse_text(text->str, errors);
    g_assert_cmpuint(triage_policy_rule_count(policy), ==, TRIAGE_POLICY_MAX_FILTER_RULES);
    g_assert_cmpuint(triage_policy_filter_rule_count(policy), ==, TRIAGE_POLICY_MAX_FILTER_RULES);
    g_assert_cmpint(triage_policy_rule_at(policy, 63)->filter_bit, ==, 63);
    g_assert_cmpuint(errors->len, ==, 1);
    g_assert_cmpstr(error_text(errors, 0), ==, "p.csv:66: filter: more than 64 rules have a filter");
    triage_policy_unref(policy);
    g_ptr_array_free(errors, TRUE);
    g_string_free(text, TRUE);
}

static void test_payload_limit(void)
{
    GString *text = g_string_new("name,action,payload\n");
    for (int i = 0; i < TRIAGE_POLICY_MAX_PAYLOAD_RULES + 1; i++)
        g_string_append_printf(text, "p%d,alert,sig%d\n", i, i);
    GPtrArray *errors = triage_policy_errors_new();
    triage_policy *policy = parse_text(text->str, errors);
    g_assert_cmpuint(triage_policy_rule_count(policy), ==, TRIAGE_POLICY_MAX_PAYLOAD_RULES);
    g_assert_cmpuint(errors->len, ==, 1);
    g_assert_cmpstr(error_text(errors, 0), ==, "p.csv:66: payload: more than 64 rules have a payload");
    triage_policy_unref(policy);
    g_ptr_array_free(errors, TRUE);
    g_string_free(text, TRUE);
}

/* Text handed in with a length may hold a NUL; it must not cut a field. */
static void test_nul_byte(void)
{
    static const char text[] = "name,action,ports\nok,alert,tcp/1\nbad\0x,alert,tcp/2\nalso-ok,alert,tcp/3\n";
    GPtrArray *errors = triage_policy_errors_new();
    triage_policy *policy = triage_policy_parse_file_text(text, sizeof text - 1, "p.csv", test_protocols_resolve,
                                                          protocols, errors);
    g_assert_cmpuint(triage_policy_rule_count(policy), ==, 2);
    g_assert_cmpstr(triage_policy_rule_at(policy, 1)->name, ==, "also-ok");
    g_assert_cmpuint(errors->len, ==, 1);
    g_assert_cmpstr(error_text(errors, 0), ==, "p.csv:3: field 1 contains a NUL byte");
    triage_policy_unref(policy);
    g_ptr_array_free(errors, TRUE);
}

/* Without errors_out the parser still skips bad lines, silently. */
static void test_errors_optional(void)
{
    triage_policy *policy = parse_text("name,action,ports\nbad,alert,tcp/x\ngood,alert,tcp/1\n", NULL);
    g_assert_cmpuint(triage_policy_rule_count(policy), ==, 1);
    triage_policy_unref(policy);
    policy = triage_policy_parse_file_text(NULL, 0, NULL, NULL, NULL, NULL);
    g_assert_cmpuint(triage_policy_rule_count(policy), ==, 0);
    triage_policy_unref(policy);
}

/* Without a resolver every protocol name is unknown: an error, not a crash. */
static void test_no_resolver(void)
{
    static const char text[] = "name,action,protocols\nx,alert,tcp\n";
    GPtrArray *errors = triage_policy_errors_new();
    triage_policy *policy = triage_policy_parse_file_text(text, strlen(text), "p.csv", NULL,
                                                          NULL, errors);
    g_assert_cmpuint(triage_policy_rule_count(policy), ==, 0);
    g_assert_cmpstr(error_text(errors, 0), ==, "p.csv:2: protocols: unknown protocol 'tcp'");
    triage_policy_unref(policy);
    g_ptr_array_free(errors, TRUE);
}

static void test_rule_for_port(void)
{
    GPtrArray *errors = triage_policy_errors_new();
    triage_policy *policy = parse_text("name,action,protocols,ports,peers\n"
                                       "bt,alert,bittorrent,tcp/6881,\n"          /* needs packets */
                                       "admin-ssh,allow,,tcp/22,from:10.0.0.0/8\n" /* some peers only */
                                       "ssh,alert,,tcp/22,\n"
                                       "web,allow,,tcp/80,\n"                      /* excuses the port */
                                       "http,alert,,\"tcp/80,tcp/8000-8080\",\n"
                                       "rdp,alert,,udp/3389,from:!internal\n",
                                       errors);
    g_assert_cmpuint(errors->len, ==, 0);
    g_assert_null(triage_policy_rule_for_port(policy, TRIAGE_TRANSPORT_TCP, 6881));
    g_assert_cmpstr(triage_policy_rule_for_port(policy, TRIAGE_TRANSPORT_TCP, 22), ==, "ssh");
    g_assert_null(triage_policy_rule_for_port(policy, TRIAGE_TRANSPORT_UDP, 22));
    g_assert_null(triage_policy_rule_for_port(policy, TRIAGE_TRANSPORT_TCP, 80));
    g_assert_cmpstr(triage_policy_rule_for_port(policy, TRIAGE_TRANSPORT_TCP, 8080), ==, "http");
    g_assert_null(triage_policy_rule_for_port(policy, TRIAGE_TRANSPORT_TCP, 8081));
    g_assert_cmpstr(triage_policy_rule_for_port(policy, TRIAGE_TRANSPORT_UDP, 3389), ==, "rdp");
    triage_policy_unref(policy);
    g_ptr_array_free(errors, TRUE);
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_file_cases(void)
{
    char *folder = g_build_filename(data_dir, "policy", "file", NULL);
    GDir *dir = g_dir_open(folder, 0, NULL);
    GPtrArray *names = g_ptr_array_new();
    const char *entry;
    if (dir == NULL)
        g_error("cannot open %s", folder);
    while ((entry = g_dir_read_name(dir)) != NULL) {
        if (g_str_has_suffix(entry, ".csv"))
            g_ptr_array_add(names, g_strndup(entry, strlen(entry) - strlen(".csv")));
    }
    g_dir_close(dir);
    g_assert_cmpuint(names->len, >, 0);
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        char *path = g_strdup_printf("/policy/file/%s", (char *)g_ptr_array_index(names, i));
        g_test_add_data_func_full(path, g_ptr_array_index(names, i), test_file_case, g_free);
        g_free(path);
    }
    g_ptr_array_free(names, TRUE);
    g_free(folder);
}

/* "@file" lists in peers: read beside the policy file, one address or
 * network a line; a bad line is file:line and skipped, a missing, unreadable
 * or empty list makes its rule unusable. */
static void test_peer_lists(void)
{
    char *folder = g_dir_make_tmp("triage-lists-XXXXXX", NULL);
    g_assert_nonnull(folder);
    char *relays = g_build_filename(folder, "relays.txt", NULL);
    char *empty = g_build_filename(folder, "empty.txt", NULL);
    char *policy_path = g_build_filename(folder, "policy.csv", NULL);
    g_assert_true(g_file_set_contents(relays,
                                      "# Tor relays for the test\n"
                                      "192.0.2.1\n"
                                      "\n"
                                      "10.0.0.300\n"                /* line 4: not an address */
                                      "198.51.100.0/24  # a whole network\n"
                                      "2001:db8::7\r\n"
                                      "192.0.2.9 192.0.2.10\n",     /* line 7: two on one line */
                                      -1, NULL));
    g_assert_true(g_file_set_contents(empty, "# nothing yet\n\n", -1, NULL));
    const char *text = "name,action,severity,message,peers,family\n"
                       "relay,alert,warn,Tor relay,to:@relays.txt,tor\n"          /* line 2 */
                       "missing,alert,warn,,to:@missing.txt,\n"                   /* line 3 */
                       "empty,alert,warn,,from:@empty.txt,\n"                     /* line 4 */
                       "not-relay,alert,note,,\"to:!@relays.txt to:internal\",\n" /* line 5 */
                       "nameless,alert,warn,,to:@,\n";                            /* line 6 */
    GPtrArray *errors = triage_policy_errors_new();
    triage_policy *policy = triage_policy_parse_file_text(text, strlen(text), policy_path, test_protocols_resolve,
                                                          protocols, errors);

    g_assert_cmpuint(triage_policy_rule_count(policy), ==, 2);
    const triage_compiled_rule *relay = triage_policy_compiled_rule(policy, 0);
    g_assert_cmpstr(relay->info.name, ==, "relay");
    g_assert_cmpuint(relay->peer_count, ==, 3); /* 192.0.2.1, 198.51.100.0/24, 2001:db8::7 */
    g_assert_cmpuint(relay->peers[1].network.prefix_length, ==, 24);
    g_assert_cmpuint(relay->info.evidence, ==, TRIAGE_EVIDENCE_ADDRESS);
    const triage_compiled_rule *not_relay = triage_policy_compiled_rule(policy, 1);
    g_assert_cmpuint(not_relay->peer_count, ==, 4);
    g_assert_true(not_relay->peers[0].negated && not_relay->peers[2].negated && !not_relay->peers[3].negated);

    char *bad_line = g_strdup_printf("%s:4: '10.0.0.300': bad network \"10.0.0.300\": not an IPv4 or IPv6 address "
                                     "(peers of rule 'relay'; the rest of the list applies)", relays);
    char *two_on_a_line = g_strdup_printf("%s:7: '192.0.2.9 192.0.2.10': not one address or network "
                                          "(peers of rule 'relay'; the rest of the list applies)", relays);
    char *missing = g_strdup_printf("%s:3: peers: cannot read the list '%s/missing.txt': ", policy_path, folder);
    char *nothing = g_strdup_printf("%s:4: peers: the list '%s' names no address or network", policy_path, empty);
    char *nameless = g_strdup_printf("%s:6: peers: 'to:@' names no file", policy_path);
    /* The list's errors come twice: once for each rule that reads it. */
    g_assert_cmpuint(errors->len, ==, 7);
    GString *all = g_string_new(NULL);
    for (guint i = 0; i < errors->len; i++)
        g_string_append_printf(all, "%s\n", ((triage_policy_error *)g_ptr_array_index(errors, i))->text);
    g_test_message("%s", all->str);
    g_assert_cmpstr(((triage_policy_error *)g_ptr_array_index(errors, 0))->text, ==, bad_line);
    g_assert_cmpstr(((triage_policy_error *)g_ptr_array_index(errors, 1))->text, ==, two_on_a_line);
    g_assert_true(g_str_has_prefix(((triage_policy_error *)g_ptr_array_index(errors, 2))->text, missing));
    g_assert_cmpstr(((triage_policy_error *)g_ptr_array_index(errors, 3))->text, ==, nothing);
    g_assert_cmpstr(((triage_policy_error *)g_ptr_array_index(errors, 6))->text, ==, nameless);

    g_string_free(all, TRUE);
    g_free(bad_line);
    g_free(two_on_a_line);
    g_free(missing);
    g_free(nothing);
    g_free(nameless);
    triage_policy_unref(policy);
    g_ptr_array_free(errors, TRUE);
    g_remove(relays);
    g_remove(empty);
    g_rmdir(folder);
    g_free(relays);
    g_free(empty);
    g_free(policy_path);
    g_free(folder);
}

/* hosts: names inline or in "@file" lists beside the policy file, one name
 * or "*." wildcard a line; a bad line is file:line and skipped, a missing
 * or unreadable list makes its rule unusable; the table writes them in its
 * peers as "hosts:" items. */
static void test_host_lists(void)
{
    char *folder = g_dir_make_tmp("triage-hosts-XXXXXX", NULL);
    g_assert_nonnull(folder);
    char *trackers = g_build_filename(folder, "trackers.txt", NULL);
    char *a_directory = g_build_filename(folder, "a-directory", NULL);
    char *policy_path = g_build_filename(folder, "policy.csv", NULL);
    g_assert_true(g_file_set_contents(trackers,
                                      "# trackers for the test\r\n"
                                      "Tracker.Example.org\r\n"
                                      "\r\n"
                                      "bad name.example.org\r\n"      /* line 4: two words */
                                      "*.trackers.example.net   # all of them\r\n"
                                      "exa*mple.org\r\n",             /* line 6: a star inside */
                                      -1, NULL));
    g_assert_cmpint(g_mkdir(a_directory, 0700), ==, 0);
    const char *text = "name,action,severity,message,ports,peers,family,hosts\n"
                       "tracker-port,alert,warn,,tcp/6969,,bittorrent,\n"                       /* line 2 */
                       "tracker-name,alert,error,Tracker,,,bittorrent,@trackers.txt\n"          /* line 3 */
                       "inline,alert,warn,,,,,\"pool.example.org, *.pool.example.net\"\n"     /* line 4 */
                       "missing,alert,warn,,,,,@missing.txt\n"                                /* line 5 */
                       "unreadable,alert,warn,,,,,@a-directory\n"                             /* line 6 */
                       "bad-inline,alert,warn,,,,,\"good.example.org exa*mple.org\"\n"       /* line 7 */
                       "in-peers,alert,warn,,,\"from:internal hosts:@trackers.txt hosts:x.example\",,\n" /* line 8 */
                       "nameless,alert,warn,,,,,@\n";                                         /* line 9 */
    GPtrArray *errors = triage_policy_errors_new();
    triage_policy *policy = triage_policy_parse_file_text(text, strlen(text), policy_path, test_protocols_resolve,
                                                          protocols, errors);

    GString *all = g_string_new(NULL);
    for (guint i = 0; i < errors->len; i++)
        g_string_append_printf(all, "%s\n", ((triage_policy_error *)g_ptr_array_index(errors, i))->text);
    g_test_message("%s", all->str);

    g_assert_cmpuint(triage_policy_rule_count(policy), ==, 4);
    const triage_compiled_rule *port = triage_policy_compiled_rule(policy, 0);
    const triage_compiled_rule *names = triage_policy_compiled_rule(policy, 1);
    const triage_compiled_rule *inline_names = triage_policy_compiled_rule(policy, 2);
    const triage_compiled_rule *in_peers = triage_policy_compiled_rule(policy, 3);
    g_assert_cmpstr(names->info.name, ==, "tracker-name");
    g_assert_cmpuint(names->info.evidence, ==, TRIAGE_EVIDENCE_HOST);
    g_assert_cmpint(names->host_bit, ==, 0);
    g_assert_cmpuint(triage_host_list_count(names->hosts), ==, 2);
    g_assert_true(triage_host_list_contains(names->hosts, "tracker.example.org"));
    g_assert_true(triage_host_list_contains(names->hosts, "udp.trackers.example.net"));
    g_assert_false(triage_host_list_contains(names->hosts, "trackers.example.net"));
    /* A listed name confirms the family's port rule. */
    g_assert_true(triage_policy_rule_needs_confirmation(policy, 0));
    g_assert_cmpint(port->host_bit, ==, -1);
    g_assert_cmpint(inline_names->host_bit, ==, 1);
    g_assert_true(triage_host_list_contains(inline_names->hosts, "pool.example.org"));
    g_assert_true(triage_host_list_contains(inline_names->hosts, "eu.pool.example.net"));
    g_assert_cmpstr(in_peers->info.name, ==, "in-peers");
    g_assert_cmpuint(in_peers->peer_count, ==, 1);
    g_assert_true(in_peers->peers[0].internal);
    g_assert_cmpuint(triage_host_list_count(in_peers->hosts), ==, 3);
    g_assert_true(triage_host_list_contains(in_peers->hosts, "x.example"));
    g_assert_cmpuint(in_peers->info.evidence, ==, TRIAGE_EVIDENCE_HOST);

    char *line4 = g_strdup_printf("%s:4: 'bad name.example.org' is not one host name "
                                  "(hosts of rule 'tracker-name'; the rest of the list applies)", trackers);
    char *line6 = g_strdup_printf("%s:6: 'exa*mple.org': a wildcard is '*.' before a name (*.example.org) "
                                  "(hosts of rule 'tracker-name'; the rest of the list applies)", trackers);
    char *missing = g_strdup_printf("%s:5: hosts: cannot read the list '%s/missing.txt': ", policy_path, folder);
    char *unreadable = g_strdup_printf("%s:6: hosts: cannot read the list '%s': ", policy_path, a_directory);
    char *bad_inline = g_strdup_printf("%s:7: hosts: 'exa*mple.org': a wildcard is '*.' before a name "
                                       "(*.example.org)", policy_path);
    char *nameless = g_strdup_printf("%s:9: hosts: '@' names no file", policy_path);
    /* The list's two bad lines, for each of the two rules that read it. */
    g_assert_cmpuint(errors->len, ==, 8);
    g_assert_cmpstr(((triage_policy_error *)g_ptr_array_index(errors, 0))->text, ==, line4);
    g_assert_cmpstr(((triage_policy_error *)g_ptr_array_index(errors, 1))->text, ==, line6);
    g_assert_true(g_str_has_prefix(((triage_policy_error *)g_ptr_array_index(errors, 2))->text, missing));
    g_assert_true(g_str_has_prefix(((triage_policy_error *)g_ptr_array_index(errors, 3))->text, unreadable));
    g_assert_cmpstr(((triage_policy_error *)g_ptr_array_index(errors, 4))->text, ==, bad_inline);
    char *again = g_strdup_printf("%s:4: ", trackers);
    g_assert_true(g_str_has_prefix(((triage_policy_error *)g_ptr_array_index(errors, 5))->text, again));
    g_free(again);
    g_assert_nonnull(strstr(((triage_policy_error *)g_ptr_array_index(errors, 5))->text, "rule 'in-peers'"));
    g_assert_cmpstr(((triage_policy_error *)g_ptr_array_index(errors, 7))->text, ==, nameless);
    /* A list error names its rule's line; the skipped rules are theirs. */
    g_assert_cmpuint(((triage_policy_error *)g_ptr_array_index(errors, 0))->line, ==, 3);
    g_assert_nonnull(((triage_policy_error *)g_ptr_array_index(errors, 0))->list);
    g_assert_cmpuint(((triage_policy_error *)g_ptr_array_index(errors, 3))->line, ==, 6);

    g_string_free(all, TRUE);
    g_free(line4);
    g_free(line6);
    g_free(missing);
    g_free(unreadable);
    g_free(bad_inline);
    g_free(nameless);
    triage_policy_unref(policy);
    g_ptr_array_free(errors, TRUE);
    g_remove(trackers);
    g_rmdir(a_directory);
    g_rmdir(folder);
    g_free(trackers);
    g_free(a_directory);
    g_free(policy_path);
    g_free(folder);
}

/* The built-in policy carries its name lists: no file is read. */
static void test_default_lists(void)
{
    GPtrArray *errors = triage_policy_errors_new();
    triage_policy *policy = triage_policy_default(test_protocols_resolve, protocols, errors);
    g_assert_cmpuint(errors->len, ==, 0);
    gboolean trackers = FALSE, pools = FALSE;
    for (guint i = 0; i < triage_policy_rule_count(policy); i++) {
        const triage_compiled_rule *rule = triage_policy_compiled_rule(policy, i);
        if (rule->hosts == NULL)
            continue;
        trackers |= triage_host_list_contains(rule->hosts, "tracker.opentrackr.org");
        pools |= triage_host_list_contains(rule->hosts, "pool.supportxmr.com") &&
                 triage_host_list_contains(rule->hosts, "gulf.moneroocean.stream");
    }
    g_assert_true(trackers);
    g_assert_true(pools);
    triage_policy_unref(policy);
    g_ptr_array_free(errors, TRUE);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (argc < 2)
        g_error("usage: %s DATA_DIR", argv[0]);
    data_dir = argv[1];
    protocols = test_protocols_load(data_dir);

    add_file_cases();
    g_test_add_func("/policy/rows", test_rows);
    g_test_add_func("/policy/host-lists", test_host_lists);
    g_test_add_func("/policy/default-lists", test_default_lists);
    g_test_add_func("/policy/check-row", test_check_row);
    g_test_add_func("/policy/filter-limit", test_filter_limit);
    g_test_add_func("/policy/payload-limit", test_payload_limit);
    g_test_add_func("/policy/nul-byte", test_nul_byte);
    g_test_add_func("/policy/peer-lists", test_peer_lists);
    g_test_add_func("/policy/errors-optional", test_errors_optional);
    g_test_add_func("/policy/no-resolver", test_no_resolver);
    g_test_add_func("/policy/rule-for-port", test_rule_for_port);
    int result = g_test_run();
    test_protocols_free(protocols);
    return result;
}
