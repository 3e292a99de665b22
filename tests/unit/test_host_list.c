/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_host_list.c — the names of a hosts criterion (tap/host_list.c):
 * exact names, "*." wildcards, case and trailing dots, bad entries.
 */
#include "host_list.h"

static void test_matching(void)
{
    triage_host_list *list = triage_host_list_new();
    char *reason = NULL;
    g_assert_true(triage_host_list_add(list, "Tracker.OpenTrackr.org", &reason));
    g_assert_true(triage_host_list_add(list, "*.supportxmr.com", &reason));
    g_assert_true(triage_host_list_add(list, "xmrpool.eu.", &reason));
    g_assert_true(triage_host_list_add(list, "xmrpool.eu", &reason)); /* the same name again */
    g_assert_cmpuint(triage_host_list_count(list), ==, 3);

    g_assert_true(triage_host_list_contains(list, "tracker.opentrackr.org"));
    g_assert_false(triage_host_list_contains(list, "opentrackr.org"));
    g_assert_false(triage_host_list_contains(list, "x.tracker.opentrackr.org"));
    g_assert_true(triage_host_list_contains(list, "pool.supportxmr.com"));
    g_assert_true(triage_host_list_contains(list, "a.b.supportxmr.com"));
    g_assert_false(triage_host_list_contains(list, "supportxmr.com")); /* a wildcard is below, not at */
    g_assert_false(triage_host_list_contains(list, "notsupportxmr.com"));
    g_assert_false(triage_host_list_contains(list, "supportxmr.com.evil.org"));
    g_assert_true(triage_host_list_contains(list, "xmrpool.eu"));
    g_assert_false(triage_host_list_contains(list, "eu"));
    triage_host_list_free(list);
}

static void test_bad_entries(void)
{
    static const char *const bad[] = {"", "exa mple.org", "a..b", ".example.org", "*", "*.", "*example.org",
                                      "foo.*", "*.*.example.org", "exa*mple.org", "example.org/path", "ex\xc3\xa4mple.org",
                                      "http://example.org",
                                      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.org"}; /* 65 */
    triage_host_list *list = triage_host_list_new();
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        char *reason = NULL;
        if (triage_host_list_add(list, bad[i], &reason))
            g_error("'%s' was taken", bad[i]);
        g_assert_nonnull(reason);
        g_assert_true(g_str_has_prefix(reason, "'"));
        g_free(reason);
    }
    g_assert_cmpuint(triage_host_list_count(list), ==, 0);
    triage_host_list_free(list);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/host_list/matching", test_matching);
    g_test_add_func("/host_list/bad-entries", test_bad_entries);
    return g_test_run();
}
