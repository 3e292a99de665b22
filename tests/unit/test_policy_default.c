/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_policy_default.c — the built-in default policy: the same bytes as
 * samples/policies/default.csv, usable as it stands with Wireshark 4.0, and
 * each of its rules written to be read by an operator.  The shipped
 * allow-list samples must compile too.  What the default concludes on real
 * captures is in data/policy/corpus (test_policy_scripts).
 */
#include <string.h>

#include "policy_file.h"
#include "policy_rule.h"
#include "test_policy_support.h"

static const char *data_dir;
static test_protocols *protocols;

static char *read_sample(const char *name, gsize *length)
{
    /* data_dir is tests/unit/data: the samples are three folders up. */
    char *relative = g_build_filename("..", "..", "..", "samples", "policies", name, NULL);
    char *text = test_read_data_file(data_dir, relative, length);
    g_free(relative);
    return text;
}

static void test_embedded_equals_file(void)
{
    gsize length;
    char *file = read_sample("default.csv", &length);
    gsize embedded_length = strlen(triage_policy_default_text);
    if (embedded_length != length || memcmp(file, triage_policy_default_text, length) != 0) {
        gsize at = 0;
        while (at < length && at < embedded_length && file[at] == triage_policy_default_text[at])
            at++;
        g_test_message("tap/policy_default.c differs from samples/policies/default.csv at byte %" G_GSIZE_FORMAT
                       " (%" G_GSIZE_FORMAT " vs %" G_GSIZE_FORMAT " bytes): run "
                       "python3 samples/policies/embed_default.py",
                       at, embedded_length, length);
        g_test_fail();
    }
    g_free(file);
}

static triage_policy *default_policy(GPtrArray *errors)
{
    return triage_policy_default(test_protocols_resolve, protocols, errors);
}

static void test_compiles_cleanly(void)
{
    GPtrArray *errors = triage_policy_errors_new();
    triage_policy *policy = default_policy(errors);
    for (guint i = 0; i < errors->len; i++)
        g_test_message("%s", ((triage_policy_error *)g_ptr_array_index(errors, i))->text);
    g_assert_cmpuint(errors->len, ==, 0);
    g_assert_cmpuint(triage_policy_rule_count(policy), >=, 20);
    /* Only fast criteria: filter rules would cost a tap listener each. */
    g_assert_cmpuint(triage_policy_filter_rule_count(policy), ==, 0);
    triage_policy_unref(policy);
    g_ptr_array_free(errors, TRUE);
}

/* An alert nobody can act on is noise: every alert says why it matters and
 * what to do, in one or more sentences. */
static void test_messages(void)
{
    triage_policy *policy = default_policy(NULL);
    for (guint i = 0; i < triage_policy_rule_count(policy); i++) {
        const triage_policy_rule *rule = triage_policy_rule_at(policy, i);
        g_assert_cmpuint(rule->action, ==, TRIAGE_POLICY_ALERT);
        if (strlen(rule->message) < 40 || strchr(rule->message, ':') == NULL || !g_str_has_suffix(rule->message, ".")) {
            g_test_message("rule %s: message \"%s\" should say why it matters, then what to do", rule->name,
                           rule->message);
            g_test_fail();
        }
    }
    triage_policy_unref(policy);
}

/* The destinations report shows the rule a responder port triggers. */
static void test_rule_for_port(void)
{
    triage_policy *policy = default_policy(NULL);
    static const struct {
        guint8 transport;
        guint16 port;
        const char *rule;
    } cases[] = {
        {TRIAGE_TRANSPORT_TCP, 3389, "rdp-from-outside"},
        {TRIAGE_TRANSPORT_UDP, 3389, "rdp-from-outside"},
        {TRIAGE_TRANSPORT_TCP, 23, "telnet-from-outside"},
        {TRIAGE_TRANSPORT_TCP, 445, "smb-from-outside"},
        {TRIAGE_TRANSPORT_UDP, 111, "portmap-from-outside"},
        {TRIAGE_TRANSPORT_TCP, 5902, "vnc-from-outside"},
        {TRIAGE_TRANSPORT_TCP, 21, "ftp"},
        {TRIAGE_TRANSPORT_UDP, 69, "tftp"},
        /* IRC and Tor ports need confirmation by content (their family):
         * a port alone says nothing. */
        {TRIAGE_TRANSPORT_TCP, 6667, NULL},
        {TRIAGE_TRANSPORT_TCP, 9050, NULL},
        {TRIAGE_TRANSPORT_TCP, 443, NULL},
        {TRIAGE_TRANSPORT_TCP, 22, NULL},
        {TRIAGE_TRANSPORT_UDP, 53, NULL},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
        g_assert_cmpstr(triage_policy_rule_for_port(policy, cases[i].transport, cases[i].port), ==, cases[i].rule);
    triage_policy_unref(policy);
}

/* A rule after one that always wins for the same traffic could never
 * decide anything: for every pair of port-only rules, the later one must
 * not be covered by the earlier one. */
static void test_no_shadowed_port_rules(void)
{
    triage_policy *policy = default_policy(NULL);
    guint count = triage_policy_rule_count(policy);
    for (guint later = 0; later < count; later++) {
        const triage_compiled_rule *rule = triage_policy_compiled_rule(policy, later);
        if (rule->port_count == 0 || triage_rule_needs_packets(rule))
            continue;
        for (guint earlier = 0; earlier < later; earlier++) {
            const triage_compiled_rule *before = triage_policy_compiled_rule(policy, earlier);
            if (before->port_count == 0 || triage_rule_needs_packets(before) || before->peer_count > 0)
                continue;
            gboolean all_covered = TRUE;
            for (guint p = 0; p < rule->port_count && all_covered; p++) {
                for (guint port = rule->ports[p].first; port <= rule->ports[p].last && all_covered; port++)
                    all_covered = triage_rule_port_matches(before, rule->ports[p].transport, (guint16)port);
            }
            if (all_covered) {
                g_test_message("rule %s can never decide: %s comes first", rule->info.name, before->info.name);
                g_test_fail();
            }
        }
    }
    triage_policy_unref(policy);
}

static void test_sample(gconstpointer data)
{
    const char *name = data;
    gsize length;
    char *text = read_sample(name, &length);
    GPtrArray *errors = triage_policy_errors_new();
    triage_policy *policy =
        triage_policy_parse_file_text(text, length, name, test_protocols_resolve, protocols, errors);
    for (guint i = 0; i < errors->len; i++)
        g_test_message("%s", ((triage_policy_error *)g_ptr_array_index(errors, i))->text);
    g_assert_cmpuint(errors->len, ==, 0);
    guint allow_rules = 0;
    for (guint i = 0; i < triage_policy_rule_count(policy); i++)
        allow_rules += triage_policy_rule_at(policy, i)->action == TRIAGE_POLICY_ALLOW;
    g_assert_cmpuint(allow_rules, >, 0);
    triage_policy_unref(policy);
    g_ptr_array_free(errors, TRUE);
    g_free(text);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (argc < 2)
        g_error("usage: %s DATA_DIR", argv[0]);
    data_dir = argv[1];
    protocols = test_protocols_load(data_dir);
    g_test_add_func("/policy/default/embedded-equals-file", test_embedded_equals_file);
    g_test_add_func("/policy/default/compiles-cleanly", test_compiles_cleanly);
    g_test_add_func("/policy/default/messages", test_messages);
    g_test_add_func("/policy/default/rule-for-port", test_rule_for_port);
    g_test_add_func("/policy/default/no-shadowed-port-rules", test_no_shadowed_port_rules);
    g_test_add_data_func("/policy/samples/webserver-allowlist", "webserver-allowlist.csv", test_sample);
    g_test_add_data_func("/policy/samples/database-allowlist", "database-allowlist.csv", test_sample);
    int result = g_test_run();
    test_protocols_free(protocols);
    return result;
}
