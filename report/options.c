/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * options.c — parsing "-z triage[,REPORT][,key=value...][,FILTER]".
 *
 * The argument is read word by word (words end at commas):
 *   1. "triage", then optionally a report name: rtt, policy or dests
 *      (none = all three).
 *   2. Options: a word is an option when it is a lowercase key, one '=',
 *      and a value that does not start with '=' (^[a-z_]+=([^=]|$)).  So
 *      "top=5" is an option and "tcp.port==443" is not.  An option with an
 *      unknown key or a bad value is an error, never a filter.  Each option
 *      may be given once: a repeat is an error, because in a hand-written
 *      command line it is more likely a slip than an intent.
 *   3. The filter: the first word that is not an option, and everything after
 *      it verbatim, commas included.  A bare word that is not a report name
 *      is therefore a filter ("triage,tcp" filters on tcp for all three
 *      reports), and a misspelt report ("triage,rtx") becomes a filter that
 *      Wireshark then fails to compile, which the caller reports.
 * name=TEXT takes any text up to the next comma (the capture's name in the
 * report header); it cannot contain a comma, since commas end words.
 * Spaces around a word are ignored, empty words before the filter are
 * skipped, and an empty or blank filter means no filter.
 */
#include "options.h"

#include <string.h>

#define PREFIX "triage"
#define GRAMMAR "triage[,rtt|policy|dests][,key=value...][,filter]"

enum {
    OPTION_TOP = 1 << 0,
    OPTION_FORMAT = 1 << 1,
    OPTION_SORT = 1 << 2,
    OPTION_NAME = 1 << 3,
};

typedef struct named_value {
    const char *name;
    guint value;
} named_value;

static const named_value report_names[] = {
    {"rtt", TRIAGE_REPORT_RTT},
    {"policy", TRIAGE_REPORT_POLICY},
    {"dests", TRIAGE_REPORT_DESTS},
};

static const named_value format_names[] = {
    {"text", TRIAGE_FORMAT_TEXT},
    {"csv", TRIAGE_FORMAT_CSV},
    {"json", TRIAGE_FORMAT_JSON},
    {"html", TRIAGE_FORMAT_HTML},
};

static const named_value sort_names[] = {
    {"connections", TRIAGE_SORT_CONNECTIONS},
    {"bytes", TRIAGE_SORT_BYTES},
    {"packets", TRIAGE_SORT_PACKETS},
};

static gboolean look_up(const named_value *names, gsize count, const char *name, guint *value)
{
    for (gsize i = 0; i < count; i++) {
        if (strcmp(names[i].name, name) == 0) {
            *value = names[i].value;
            return TRUE;
        }
    }
    return FALSE;
}

static gboolean is_option_word(const char *word)
{
    const char *c = word;
    while ((*c >= 'a' && *c <= 'z') || *c == '_')
        c++;
    return c > word && c[0] == '=' && c[1] != '=';
}

/* Digits only: strtoul would also take "+5", " 5" and "5abc". */
static gboolean parse_top(const char *text, guint *top)
{
    guint64 value = 0;
    if (*text == '\0')
        return FALSE;
    for (const char *c = text; *c != '\0'; c++) {
        if (!g_ascii_isdigit(*c))
            return FALSE;
        value = value * 10 + (guint64)(*c - '0');
        if (value > TRIAGE_MAX_TOP)
            return FALSE;
    }
    if (value < 1)
        return FALSE;
    *top = (guint)value;
    return TRUE;
}

/* Applies one key=value word, or returns the sentence that says why not. */
static char *apply_option(const char *word, triage_options *options, guint *seen)
{
    const char *equals = strchr(word, '=');
    char *key = g_strndup(word, (gsize)(equals - word));
    const char *value = equals + 1;
    char *error = NULL;
    guint option = 0;
    guint parsed;

    if (strcmp(key, "top") == 0) {
        option = OPTION_TOP;
        if (parse_top(value, &parsed))
            options->top = parsed;
        else
            error = g_strdup_printf("%s: not a number between 1 and %d", word, TRIAGE_MAX_TOP);
    } else if (strcmp(key, "format") == 0) {
        option = OPTION_FORMAT;
        if (look_up(format_names, G_N_ELEMENTS(format_names), value, &parsed))
            options->format = (triage_format)parsed;
        else
            error = g_strdup_printf("%s: not one of text, csv, json, html", word);
    } else if (strcmp(key, "sort") == 0) {
        option = OPTION_SORT;
        if (!(options->reports & TRIAGE_REPORT_DESTS))
            error = g_strdup_printf("%s: only the dests report is sorted "
                                    "(-z triage,dests,%s or -z triage,%s)",
                                    word, word, word);
        else if (look_up(sort_names, G_N_ELEMENTS(sort_names), value, &parsed))
            options->sort = (triage_sort)parsed;
        else
            error = g_strdup_printf("%s: not one of connections, bytes, packets", word);
    } else if (strcmp(key, "name") == 0) {
        option = OPTION_NAME;
        /* Any text, trimmed like every word: it cannot hold a comma only
         * because the comma ends the word, which the error says, since a
         * user who typed "name=,x" or "name= ,x" meant a name with one. */
        char *name = g_strstrip(g_strdup(value));
        if (*name == '\0') {
            error = g_strdup_printf("%s: the name is empty (it is any text without a comma, "
                                    "since commas separate the options)",
                                    word);
            g_free(name);
        } else {
            g_free(options->capture_name);
            options->capture_name = name;
        }
    } else {
        error = g_strdup_printf("unknown option '%s' (known: top, format, sort, name)", word);
    }

    if (error == NULL && (*seen & option))
        error = g_strdup_printf("%s: %s is given twice (each option may appear once)", word, key);
    *seen |= option;
    g_free(key);
    return error;
}

/* The text after the "triage" prefix, or NULL when the argument is not a
 * triage statistic at all ("triagex", "io,stat"). */
static const char *after_prefix(const char *argument)
{
    gsize length = strlen(PREFIX);
    if (strncmp(argument, PREFIX, length) != 0)
        return NULL;
    if (argument[length] == '\0')
        return argument + length;
    if (argument[length] == ',')
        return argument + length + 1;
    return NULL;
}

static void set_defaults(triage_options *options)
{
    options->reports = TRIAGE_REPORT_ALL;
    options->format = TRIAGE_FORMAT_TEXT;
    options->top = TRIAGE_DEFAULT_TOP;
    options->dests_top = TRIAGE_DEFAULT_TOP;
    options->sort = TRIAGE_SORT_CONNECTIONS;
    options->filter = NULL;
    options->capture_name = NULL;
}

/* Reads the words of rest into options; returns the error sentence or NULL. */
static char *parse_words(const char *rest, triage_options *options)
{
    gboolean report_allowed = TRUE;
    guint seen = 0;
    const char *word_start = rest;
    for (;;) {
        const char *comma = strchr(word_start, ',');
        gsize length = comma != NULL ? (gsize)(comma - word_start) : strlen(word_start);
        char *word = g_strstrip(g_strndup(word_start, length));
        guint report;
        char *error = NULL;
        gboolean is_filter = FALSE;
        gboolean is_empty = *word == '\0';

        if (is_empty) {
            /* An empty word: "triage," or "triage,rtt,,tcp". */
        } else if (look_up(report_names, G_N_ELEMENTS(report_names), word, &report)) {
            if (report_allowed)
                options->reports = report;
            else
                error = g_strdup_printf("report '%s' must come right after 'triage' "
                                        "(one report per -z, or plain 'triage' for all three)",
                                        word);
        } else if (is_option_word(word)) {
            error = apply_option(word, options, &seen);
        } else {
            is_filter = TRUE;
        }
        g_free(word);
        if (error != NULL)
            return error;
        if (is_filter) {
            options->filter = g_strstrip(g_strdup(word_start));
            break;
        }
        if (!is_empty)
            report_allowed = FALSE;
        if (comma == NULL)
            break;
        word_start = comma + 1;
    }
    /* A page sorts and filters in the browser: it gets every row up to a
     * cap unless top is given. */
    if (options->format == TRIAGE_FORMAT_HTML && !(seen & OPTION_TOP)) {
        options->top = TRIAGE_HTML_DEFAULT_TOP;
        options->dests_top = TRIAGE_HTML_DEFAULT_DESTS_TOP;
    } else {
        options->dests_top = options->top;
    }
    return NULL;
}

gboolean triage_options_parse(const char *argument, triage_options *out, char **error_out)
{
    g_return_val_if_fail(out != NULL, FALSE);
    set_defaults(out);
    if (error_out != NULL)
        *error_out = NULL;

    char *error = NULL;
    const char *rest = argument != NULL ? after_prefix(argument) : NULL;
    if (argument == NULL)
        error = g_strdup("no argument: expected " GRAMMAR);
    else if (rest == NULL)
        error = g_strdup_printf("'%s' is not a triage statistic: expected " GRAMMAR, argument);
    else
        error = parse_words(rest, out);

    if (error == NULL)
        return TRUE;
    triage_options_clear(out);
    set_defaults(out);
    if (error_out != NULL)
        *error_out = error;
    else
        g_free(error);
    return FALSE;
}

void triage_options_clear(triage_options *options)
{
    if (options == NULL)
        return;
    g_free(options->filter);
    options->filter = NULL;
    g_free(options->capture_name);
    options->capture_name = NULL;
}
