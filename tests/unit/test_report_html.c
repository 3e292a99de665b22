/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_report_html.c — the HTML writer's promises that do not need a
 * browser (tests/html/ opens the page in chromium): the embedded assets
 * cannot end their element early, the page asks for nothing, and captured
 * strings reach it only as JSON with '<', '>' and '&' escaped, so that
 * JSON.parse gives back exactly the JSON writer's document.
 */
#include <string.h>

#include "report_model.h"
#include "html_assets.h"

static void test_assets_stay_in_their_elements(void)
{
    const char *const assets[] = {triage_html_css, triage_html_js, triage_html_world_map};
    for (guint i = 0; i < G_N_ELEMENTS(assets); i++) {
        char *lower = g_ascii_strdown(assets[i], -1);
        g_assert_null(strstr(lower, "</script"));
        g_assert_null(strstr(lower, "</style"));
        g_assert_null(strstr(lower, "<!--"));
        g_assert_null(strstr(lower, "<script"));
        /* The SVG namespace is a name, not an address the browser fetches. */
        for (char *ns; (ns = strstr(lower, "http://www.w3.org/2000/svg")) != NULL;)
            memset(ns, '_', 4);
        g_assert_null(strstr(lower, "http://"));
        g_assert_null(strstr(lower, "https://"));
        g_free(lower);
    }
}

static triage_report *hostile_report(void)
{
    triage_report *report = triage_report_new("policy", "Policy", "frame contains \"</script>\"");
    triage_table *table = triage_table_new("findings", "Findings", TRIAGE_SHAPE_LIST);
    triage_table_add_column(table, "rule", "Rule", TRIAGE_CELL_STRING);
    triage_table_add_column(table, "message", "Message", TRIAGE_CELL_STRING);
    triage_table_begin_row(table);
    triage_table_add_string(table, "<script>alert(1)</script>");
    triage_table_add_string(table, "</SCRIPT><!-- & \"quoted\" \xff\xfe");
    triage_report_add_table(report, table);
    return report;
}

/* The text of the element with this id, from the page. */
static char *element_text(const char *page, const char *id)
{
    char *opening = g_strdup_printf("<script type=\"application/json\" id=\"%s\">", id);
    const char *start = strstr(page, opening);
    g_assert_nonnull(start);
    start += strlen(opening);
    const char *end = strstr(start, "</script>");
    g_assert_nonnull(end);
    g_free(opening);
    return g_strndup(start, (gsize)(end - start));
}

static void test_json_is_embedded_escaped(void)
{
    triage_report *report = hostile_report();
    GString *page = g_string_new(NULL);
    GString *json = g_string_new(NULL);
    triage_append_html(page, &report, 1, "test");
    triage_append_json(json, &report, 1, "test");

    /* Three script elements, each closed once: nothing captured closes one. */
    guint openings = 0, closings = 0;
    for (const char *at = page->str; (at = strstr(at, "<script")) != NULL; at++)
        openings++;
    for (const char *at = page->str; (at = strstr(at, "</script")) != NULL; at++)
        closings++;
    g_assert_cmpuint(openings, ==, 3);
    g_assert_cmpuint(closings, ==, 3);
    g_assert_null(strstr(page->str, "</SCRIPT"));
    g_assert_null(strstr(page->str, "<!--"));
    g_assert_nonnull(strstr(page->str, "default-src 'none'"));

    /* The embedded text is the JSON document with <, > and & spelt as
     * \u escapes, and nothing else changed but the layout's white space. */
    char *embedded = element_text(page->str, "triage-data");
    GString *expected = g_string_new(NULL);
    gboolean in_string = FALSE;
    for (const char *c = json->str; *c != '\0'; c++) {
        if (in_string) {
            if (*c == '<')
                g_string_append(expected, "\\u003c");
            else if (*c == '>')
                g_string_append(expected, "\\u003e");
            else if (*c == '&')
                g_string_append(expected, "\\u0026");
            else
                g_string_append_c(expected, *c);
            if (*c == '\\' && c[1] != '\0')
                g_string_append_c(expected, *++c);
            else if (*c == '"')
                in_string = FALSE;
        } else if (*c == '"') {
            in_string = TRUE;
            g_string_append_c(expected, *c);
        } else if (*c != '\n' && *c != ' ') {
            g_string_append_c(expected, *c);
        }
    }
    g_assert_cmpstr(embedded, ==, expected->str);
    g_assert_nonnull(strstr(embedded, "\\u003c/SCRIPT\\u003e\\u003c!-- \\u0026 \\\"quoted\\\" \xef\xbf\xbd\xef\xbf\xbd"));

    g_free(embedded);
    g_string_free(expected, TRUE);
    g_string_free(json, TRUE);
    g_string_free(page, TRUE);
    triage_report_free(report);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/report_html/assets-stay-in-their-elements", test_assets_stay_in_their_elements);
    g_test_add_func("/report_html/json-is-embedded-escaped", test_json_is_embedded_escaped);
    return g_test_run();
}
