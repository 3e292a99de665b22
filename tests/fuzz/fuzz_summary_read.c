/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_summary_read.c — the fleet merge's reader (fleet/merge/json_tree.c,
 * summary_read.c) on arbitrary bytes.  Beyond memory safety: a document it
 * accepts is written back (summary_json.c) and read again to the same text,
 * merging it into an empty summary changes nothing, and every fleet report
 * of it can be built and written.
 */
#include <string.h>

#include "json_tree.h"
#include "support/fuzz_assert.h"
#include "report.h"
#include "report_source.h"
#include "summary_json.h"
#include "summary_read.h"
#include "summary_report.h"

static GString *text_of(const triage_summary *summary)
{
    GString *text = g_string_new(NULL);
    triage_summary_append_json(text, summary);
    return text;
}

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
    char *error = NULL;
    json_tree *tree = json_tree_parse((const char *)data, size, &error);
    triage_summary *summary, *again, *copy;
    GString *first, *second, *document;
    triage_report_options options;

    if (tree == NULL)
        g_free(error);
    json_tree_free(tree);
    error = NULL;

    summary = triage_summary_read_document((const char *)data, size, &error);
    if (summary == NULL) {
        FUZZ_ASSERT(error != NULL && *error != '\0'); /* a refusal always says why */
        g_free(error);
        return 0;
    }
    first = text_of(summary);
    document = g_string_new("{\"schema\":2,\"summary\":");
    g_string_append(document, first->str);
    g_string_append_c(document, '}');
    again = triage_summary_read_document(document->str, document->len, &error);
    FUZZ_ASSERT(again != NULL); /* what was written must read back */
    second = text_of(again);
    FUZZ_ASSERT(strcmp(first->str, second->str) == 0);

    copy = triage_summary_new();
    FUZZ_ASSERT(triage_summary_merge(copy, summary, &error));
    g_string_free(second, TRUE);
    second = text_of(copy);
    FUZZ_ASSERT(strcmp(first->str, second->str) == 0); /* merging into nothing is the identity */

    triage_report_options_init(&options);
    for (guint kind = 0; kind < TRIAGE_FLEET_REPORT_COUNT; kind++) {
        triage_report *report = triage_fleet_report_build(summary, (triage_fleet_report_kind)kind, &options);
        GString *out = g_string_new(NULL);
        triage_reports_write(out, TRIAGE_FORMAT_TEXT, &report, 1, "fuzz");
        triage_reports_write(out, TRIAGE_FORMAT_CSV, &report, 1, "fuzz");
        triage_reports_write(out, TRIAGE_FORMAT_JSON, &report, 1, "fuzz");
        g_string_free(out, TRUE);
        triage_report_free(report);
    }
    g_string_free(first, TRUE);
    g_string_free(second, TRUE);
    g_string_free(document, TRUE);
    triage_summary_free(summary);
    triage_summary_free(again);
    triage_summary_free(copy);
    return 0;
}
