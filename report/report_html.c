/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_html.c — the HTML writer: one self-contained page per run.
 *
 * The page carries the JSON document of report_json.c unchanged and a script
 * (report/html/report.js) that draws it with plain DOM and inline SVG.  So
 * the page can never show a number the JSON does not have, and a column a
 * builder adds appears on the page without a change here.
 *
 * Self-contained: the stylesheet, the script and the world map are compiled
 * in (html_assets.h), and a Content-Security-Policy of default-src 'none'
 * lets the browser make no request of any kind, even if a future change
 * tried to.
 *
 * Escaping: captured strings reach the page only inside the JSON, inside a
 * <script type="application/json"> element, and the script puts them into
 * the DOM as text, never as markup.  The one way out of such an element is
 * "</script" (and "<!--" can change how it is parsed), so every '<', '>' and
 * '&' inside the JSON's strings is written as \u003c, \u003e, \u0026: the
 * same value for JSON.parse, never markup for the HTML parser.  Outside
 * strings a JSON document has none of them.
 */
#include "report_model.h"
#include "html_assets.h"

/* Also drops the JSON writer's indentation (white space outside strings):
 * a page carries up to a thousand destinations, and the indentation would
 * be a third of its weight. */
static void append_json_for_script(GString *out, const GString *json)
{
    gboolean in_string = FALSE;
    for (gsize i = 0; i < json->len; i++) {
        char c = json->str[i];
        if (!in_string) {
            if (c == '"')
                in_string = TRUE;
            if (c != ' ' && c != '\n')
                g_string_append_c(out, c);
            continue;
        }
        switch (c) {
        case '<':
            g_string_append(out, "\\u003c");
            break;
        case '>':
            g_string_append(out, "\\u003e");
            break;
        case '&':
            g_string_append(out, "\\u0026");
            break;
        case '\\':
            /* an escape: its next character cannot end the string */
            g_string_append_c(out, c);
            if (i + 1 < json->len)
                g_string_append_c(out, json->str[++i]);
            break;
        case '"':
            in_string = FALSE;
            g_string_append_c(out, c);
            break;
        default:
            g_string_append_c(out, c);
            break;
        }
    }
}

static void append_data_element(GString *out, const char *id, const GString *json)
{
    g_string_append_printf(out, "<script type=\"application/json\" id=\"%s\">", id);
    append_json_for_script(out, json);
    g_string_append(out, "</script>\n");
}

void triage_append_html(GString *out, triage_report *const *reports, guint count, const char *version)
{
    GString *json = g_string_new(NULL);
    GString *map = g_string_new(triage_html_world_map);

    triage_append_json(json, reports, count, version);
    g_string_append(out,
                    "<!DOCTYPE html>\n"
                    "<html lang=\"en\">\n"
                    "<head>\n"
                    "<meta charset=\"utf-8\">\n"
                    /* Nothing may be fetched: no network, no file, no font. */
                    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                    "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta name=\"generator\" content=\"Capture Triage\">\n"
                    "<title>Capture Triage report</title>\n"
                    "<style>\n");
    g_string_append(out, triage_html_css);
    g_string_append(out,
                    "</style>\n"
                    "</head>\n"
                    "<body>\n"
                    "<main id=\"page\">\n"
                    "<h1>Capture Triage report</h1>\n"
                    "<noscript><p>This page draws its tables and charts with JavaScript. "
                    "Without it, the report is the JSON document in the element "
                    "<code>triage-data</code> of this file's source.</p></noscript>\n"
                    "</main>\n");
    append_data_element(out, "triage-data", json);
    append_data_element(out, "triage-world-map", map);
    g_string_append(out, "<script>\n");
    g_string_append(out, triage_html_js);
    g_string_append(out, "</script>\n</body>\n</html>\n");
    g_string_free(map, TRUE);
    g_string_free(json, TRUE);
}
