/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_options.c — the -z argument parser on arbitrary text.
 *
 * Beyond memory safety it checks the parser's promises: success gives
 * options in range, a filter that is NULL or non-empty text taken from
 * the argument, and a name that is NULL or one comma-free word of it; failure gives a sentence and nothing to free.
 */
#include <string.h>

#include "options.h"
#include "support/fuzz_assert.h"

static void check_parse(const char *argument)
{
    triage_options options;
    char *error = NULL;
    if (triage_options_parse(argument, &options, &error)) {
        FUZZ_ASSERT(error == NULL);
        FUZZ_ASSERT(options.reports != 0 && (options.reports & ~(guint)TRIAGE_REPORT_ALL) == 0);
        FUZZ_ASSERT(options.top >= 1 && options.top <= TRIAGE_MAX_TOP);
        FUZZ_ASSERT(options.format <= TRIAGE_FORMAT_HTML);
        FUZZ_ASSERT(options.sort <= TRIAGE_SORT_PACKETS);
        /* sort is refused unless the dests report is asked for. */
        FUZZ_ASSERT(options.sort == TRIAGE_SORT_CONNECTIONS || (options.reports & TRIAGE_REPORT_DESTS));
        if (options.filter != NULL) {
            FUZZ_ASSERT(*options.filter != '\0');
            FUZZ_ASSERT(strstr(argument, options.filter) != NULL);
            FUZZ_ASSERT(!g_ascii_isspace(options.filter[0]));
        }
        /* A name is one word of the argument: non-empty, no comma. */
        if (options.capture_name != NULL) {
            FUZZ_ASSERT(*options.capture_name != '\0');
            FUZZ_ASSERT(strchr(options.capture_name, ',') == NULL);
            FUZZ_ASSERT(strstr(argument, options.capture_name) != NULL);
        }
    } else {
        FUZZ_ASSERT(error != NULL && *error != '\0');
        FUZZ_ASSERT(options.filter == NULL);
        FUZZ_ASSERT(options.capture_name == NULL);
    }
    g_free(error);
    triage_options_clear(&options);
}

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size);

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
    /* The argument as given, and behind the prefix, where most of the
     * parser lives (a random string rarely starts with "triage,"). */
    char *argument = g_strndup((const char *)data, size);
    char *prefixed = g_strconcat("triage,", argument, NULL);
    check_parse(argument);
    check_parse(prefixed);
    g_free(prefixed);
    g_free(argument);
    return 0;
}
