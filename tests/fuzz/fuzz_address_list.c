/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_address_list.c — the "@file" address lists of peers criteria on
 * arbitrary bytes.
 *
 * The input is written to a list file that a two-rule policy names, once
 * as alternatives (to:@list) and once as exclusions (from:!@list), because
 * a list is as hostile as whoever wrote it.  Beyond memory safety: every
 * bad line is reported once per rule that reads it, as "list:N: reason"
 * with N a real line of the input; every entry kept is a valid network; a
 * list that yields nothing makes its rules unusable, with a reason; and a
 * rule is kept exactly when at least one line was good.
 */
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "policy_file.h"
#include "policy_rule.h"
#include "support/fuzz_assert.h"
#include "support/fuzz_protocols.h"

static char *list_path;

static guint count_lines(const guint8 *data, size_t size)
{
    guint lines = 1;
    for (size_t i = 0; i < size; i++) {
        if (data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n')))
            lines++;
    }
    return lines;
}

static void check_networks(const triage_compiled_rule *rule)
{
    FUZZ_ASSERT(rule->peer_count > 0);
    for (guint i = 0; i < rule->peer_count; i++) {
        const triage_peer_condition *peer = &rule->peers[i];
        FUZZ_ASSERT(!peer->internal);
        guint bits = peer->network.address.family == 4 ? 32 : 128;
        FUZZ_ASSERT(peer->network.prefix_length <= bits);
    }
    FUZZ_ASSERT(rule->info.evidence == TRIAGE_EVIDENCE_ADDRESS);
}

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
    if (list_path == NULL) {
        int fd = g_file_open_tmp("triage-fuzz-list-XXXXXX", &list_path, NULL);
        FUZZ_ASSERT(fd >= 0);
        close(fd);
    }
    FUZZ_ASSERT(g_file_set_contents(list_path, (const char *)data, (gssize)size, NULL));
    char *text = g_strdup_printf("name,action,peers\n"
                                 "listed,alert,to:@%s\n"
                                 "unlisted,alert,\"from:!@%s to:internal\"\n",
                                 list_path, list_path);
    GPtrArray *errors = triage_policy_errors_new();
    triage_policy *policy =
        triage_policy_parse_file_text(text, strlen(text), "fuzz.csv", fuzz_protocols_resolve, NULL, errors);
    guint lines = count_lines(data, size);
    guint bad_lines = 0, skipped_rules = 0;

    for (guint i = 0; i < errors->len; i++) {
        const triage_policy_error *error = g_ptr_array_index(errors, i);
        FUZZ_ASSERT(error->reason != NULL && *error->reason != '\0' && error->text != NULL);
        if (error->list != NULL) {
            FUZZ_ASSERT(strcmp(error->list, list_path) == 0);
            FUZZ_ASSERT(g_str_has_prefix(error->text, list_path) && error->text[strlen(list_path)] == ':');
            guint64 line = g_ascii_strtoull(error->text + strlen(list_path) + 1, NULL, 10);
            FUZZ_ASSERT(line >= 1 && line <= lines);
            bad_lines++;
        } else {
            FUZZ_ASSERT(g_str_has_prefix(error->text, "fuzz.csv:"));
            FUZZ_ASSERT(strstr(error->reason, "peers: ") == error->reason);
            skipped_rules++;
        }
    }
    /* Both rules read the same list: the same bad lines, twice. */
    FUZZ_ASSERT(bad_lines % 2 == 0);
    guint kept = triage_policy_rule_count(policy);
    FUZZ_ASSERT(kept + skipped_rules == 2);
    FUZZ_ASSERT(kept == 0 || kept == 2);
    for (guint r = 0; r < kept; r++) {
        const triage_compiled_rule *rule = triage_policy_compiled_rule(policy, r);
        if (r == 0) {
            check_networks(rule);
        } else {
            /* the exclusions, then "internal" */
            FUZZ_ASSERT(rule->peer_count == triage_policy_compiled_rule(policy, 0)->peer_count + 1);
            FUZZ_ASSERT(rule->peers[rule->peer_count - 1].internal);
        }
    }
    triage_policy_unref(policy);
    g_ptr_array_free(errors, TRUE);
    g_free(text);
    return 0;
}
