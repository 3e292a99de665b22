/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * output_checks.h — what any rendered report must be, whatever went in.
 *
 * Fuzz targets that render reports (from hand-built tables or from an
 * engine fed random packets) call these on every output, so a writer bug
 * shows up as a finding rather than as a broken file for a user.  Each
 * returns NULL when the output is fine, else a static sentence saying what
 * is wrong.
 */
#ifndef TRIAGE_FUZZ_OUTPUT_CHECKS_H
#define TRIAGE_FUZZ_OUTPUT_CHECKS_H

#include <glib.h>

/* One RFC 8259 JSON value and nothing else (UTF-8 is checked separately). */
const char *fuzz_check_json(const char *text, gsize length);

/* The CSV contract of report_csv.c: RFC 4180 fields, rows ending in \n,
 * every table introduced by a "table,..." header, rows as wide as their
 * header, and each table in one contiguous block that appears once. */
const char *fuzz_check_csv(const char *text, gsize length);

/* Text output: valid UTF-8 with no control character but \n, no C1 control,
 * and no line ending in a space. */
const char *fuzz_check_text(const char *text, gsize length);
/* The HTML page: UTF-8, its three script elements each closed once (no
 * captured string closes one or opens a comment), and the data element a
 * valid JSON document. */
const char *fuzz_check_html(const char *text, gsize length);

#endif
