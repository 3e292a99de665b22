/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_render.c — every format of a report set, each one checked.
 */
#include "fuzz_render.h"

#include <stdlib.h>

#include "fuzz_assert.h"
#include "output_checks.h"

static char *render(triage_format format, triage_report *const *reports, guint count, size_t *length)
{
    GString *out = g_string_new(NULL);
    triage_reports_write(out, format, reports, count, "0.0-fuzz");
    *length = out->len;
    return g_string_free(out, FALSE);
}

char *fuzz_render_checked(triage_report *const *reports, guint count)
{
    char *json = NULL;
    for (triage_format format = TRIAGE_FORMAT_TEXT; format <= TRIAGE_FORMAT_HTML; format++) {
        size_t length = 0;
        char *output = render(format, reports, count, &length);
        const char *problem = format == TRIAGE_FORMAT_JSON ? fuzz_check_json(output, length)
                              : format == TRIAGE_FORMAT_CSV ? fuzz_check_csv(output, length)
                              : format == TRIAGE_FORMAT_HTML ? fuzz_check_html(output, length)
                                                             : fuzz_check_text(output, length);
        if (problem != NULL) {
            fprintf(stderr, "%s\n--- output ---\n%.*s\n--- end ---\n", problem, (int)length, output);
            abort();
        }
        if (format == TRIAGE_FORMAT_JSON)
            json = g_strndup(output, length);
        g_free(output);
    }
    return json;
}

char *fuzz_render_json(triage_report *const *reports, guint count)
{
    size_t length = 0;
    char *output = render(TRIAGE_FORMAT_JSON, reports, count, &length);
    char *json = g_strndup(output, length);
    g_free(output);
    return json;
}
