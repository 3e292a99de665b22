/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * options.h — the key=value words of "-z triage,REPORT[,OPTIONS][,FILTER]".
 *
 * Options come first, the display filter last; the filter may itself contain
 * commas and '==' (tcp.port==443), so a word is an option only when it looks
 * like key=value with a plain lowercase key and a single '='.  An unknown key
 * or a bad value is an error naming it: a typo must never become a filter
 * that silently selects nothing.
 */
#ifndef TRIAGE_OPTIONS_H
#define TRIAGE_OPTIONS_H

#include <glib.h>
#include "report.h"
#include "destinations.h" /* triage_sort */


/* Which reports a -z string asks for. */
enum {
    TRIAGE_REPORT_RTT = 1 << 0,
    TRIAGE_REPORT_POLICY = 1 << 1,
    TRIAGE_REPORT_DESTS = 1 << 2,
    TRIAGE_REPORT_ALL = TRIAGE_REPORT_RTT | TRIAGE_REPORT_POLICY | TRIAGE_REPORT_DESTS,
};

#define TRIAGE_DEFAULT_TOP 10
#define TRIAGE_MAX_TOP 1000000
/* format=html without top: every destination up to this many (the page
 * sorts and filters them in the browser, so ten rows would prove nothing),
 * and this many rows in the other ranked tables (servers, slowest
 * handshakes, ...), which the page shows as they come.  They keep the page
 * within about 1 MB. */
#define TRIAGE_HTML_DEFAULT_DESTS_TOP 1000
#define TRIAGE_HTML_DEFAULT_TOP 100

typedef struct triage_options {
    guint reports;        /* TRIAGE_REPORT_* bits */
    triage_format format;
    guint top;            /* rows in ranked tables */
    guint dests_top;      /* rows of the destinations table: top, unless
                           * format=html chose its own default */
    triage_sort sort;     /* dests only */
    char *capture_name;   /* name=TEXT; NULL when not given; g_free it */
    char *filter;         /* NULL when none; g_free it */
} triage_options;

/* Parses the whole -z argument ("triage", "triage,rtt,top=5,tcp.port==443").
 * Returns FALSE and sets *error_out (g_free it) on any bad word. */
gboolean triage_options_parse(const char *argument, triage_options *out, char **error_out);
void triage_options_clear(triage_options *options);

#endif
