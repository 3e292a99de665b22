/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report.h — one model of a report, three renderings (text, CSV, JSON).
 *
 * Each engine's report builder fills tables; the renderer decides how they
 * look.  That way the three formats can never disagree on a number, and a
 * new column appears everywhere at once.
 *
 * A report is an ordered list of sections.  A section is a table with one
 * of these shapes:
 *   LIST    — JSON array of objects; text: aligned table; CSV: rows.
 *   RECORD  — exactly one row; JSON object; text: "Heading: value" lines.
 *   KEYED   — JSON object whose keys are the first column's values and
 *             whose values are objects of the other columns (keep the keys
 *             unique: JSON readers keep only one of equal keys).
 *   VALUES  — one column; JSON array of plain values.
 *   SCALAR  — one column, one row; JSON the plain value itself (for a
 *             report-level word such as "capture_point": "client"); text:
 *             "Title:  value".
 * A RECORD or SCALAR without its row is JSON null.
 * A cell may hold a nested table (for example a destination's ports): JSON
 * nests it, CSV prints it as its own table whose rows carry the parent
 * row's first column, text prints it indented under the parent row.
 *
 * How values look (one rule per format, so columns stay comparable):
 *   type       JSON                   CSV                    text
 *   integer    12                     12                     12
 *   duration   0.042415000 (number)   0.042415000            0.042415 (seconds,
 *                                                            rounded to 1 us)
 *   timestamp  "1700000000.123456789" 1700000000.123456789   2023-11-14 22:13:20.123457
 *                                                            (UTC, rounded to 1 us)
 *   boolean    true / false           true / false           yes / no
 *   list       [1, 2, 3]              "1,2,3"                1,2,3
 *   null       null                   (empty)                (empty), or the
 *                                                            reason given with
 *                                                            add_null_explained
 * Negative durations and times before 1970 keep their sign on the whole
 * value: -1.5 s is "-1.500000000", never "-2.500000000".  Text rounds -0.4 us
 * to "0.000000" (no "-0").  Strings are printed as given, except that invalid
 * UTF-8 becomes U+FFFD in every format, JSON escapes control characters as
 * \u00XX, and text shows them as \n, \r, \t, \xNN (C0, DEL) or \u00NN (C1)
 * so that a captured string can neither break the layout nor steer a
 * terminal.  CSV quotes per RFC 4180 (lines end in \n, and an empty string
 * is written "" to tell it from null).  The layouts themselves are described
 * atop report_text.c and report_csv.c.
 *
 * HTML (report_html.c) embeds the JSON document in a page whose script draws
 * it, so it shows exactly the JSON's numbers.
 *
 * Builder mistakes (a cell of the wrong type, too many cells, a second row
 * in a RECORD) are reported with g_critical(), which GLib tests make fatal:
 * they are bugs, not data.  Missing cells render as null.
 *
 * Nothing here includes epan: reports are built and tested without Wireshark.
 */
#ifndef TRIAGE_REPORT_H
#define TRIAGE_REPORT_H

#include <glib.h>

#include "packet_facts.h"

typedef enum {
    TRIAGE_FORMAT_TEXT,
    TRIAGE_FORMAT_CSV,
    TRIAGE_FORMAT_JSON,
    TRIAGE_FORMAT_HTML, /* one self-contained page around the JSON document */
} triage_format;

typedef enum {
    TRIAGE_SHAPE_LIST,
    TRIAGE_SHAPE_RECORD,
    TRIAGE_SHAPE_KEYED,
    TRIAGE_SHAPE_VALUES,
    TRIAGE_SHAPE_SCALAR,
} triage_table_shape;

typedef enum {
    TRIAGE_CELL_INTEGER,      /* gint64; JSON number */
    TRIAGE_CELL_DURATION,     /* triage_time difference; JSON seconds number "0.042415000" */
    TRIAGE_CELL_TIMESTAMP,    /* absolute triage_time; JSON string "1700000000.123456789" */
    TRIAGE_CELL_STRING,       /* JSON string */
    TRIAGE_CELL_BOOLEAN,      /* JSON true/false */
    TRIAGE_CELL_INTEGER_LIST, /* JSON array of numbers; text "1,2,3" */
    TRIAGE_CELL_TABLE,        /* a nested table */
} triage_cell_type;

typedef struct triage_table triage_table;
typedef struct triage_report triage_report;

/* name is the JSON key and CSV table name ("servers"); title is the
 * heading in text output ("Per server"). */
triage_table *triage_table_new(const char *name, const char *title, triage_table_shape shape);
void triage_table_free(triage_table *table);
/* key: JSON key and CSV header; heading: text column heading. */
void triage_table_add_column(triage_table *table, const char *key, const char *heading,
                             triage_cell_type type);
/* Text output prints this (long prose) column on its own line under each
 * row instead of as a column, so a message does not stretch the table.
 * JSON and CSV are unchanged.  Call right after adding the column. */
void triage_table_set_text_below(triage_table *table, const char *key);
/* Rows are filled left to right, one call per column, in column order. */
void triage_table_begin_row(triage_table *table);
void triage_table_add_integer(triage_table *table, gint64 value);
void triage_table_add_duration(triage_table *table, triage_time duration);
void triage_table_add_timestamp(triage_table *table, triage_time timestamp);
void triage_table_add_string(triage_table *table, const char *value); /* NULL = null */
void triage_table_add_boolean(triage_table *table, gboolean value);
void triage_table_add_integer_list(triage_table *table, const gint64 *values, guint count);
void triage_table_add_table(triage_table *table, triage_table *nested); /* takes ownership */
/* A missing value (JSON null, empty in text and CSV) for any column type. */
void triage_table_add_null(triage_table *table);
/* A missing value that a reader must not take for a forgotten one: JSON
 * null and empty in CSV as above, but the text report (and any writer for
 * people) shows why, e.g. "not applicable in denylist mode". */
void triage_table_add_null_explained(triage_table *table, const char *why);
guint triage_table_row_count(const triage_table *table);
/* A line printed under the table in text output only (explanations, "N more
 * not shown").  JSON and CSV carry facts as data, not prose. */
void triage_table_add_footnote(triage_table *table, const char *text);
/* "N more ports not shown." when a ranked table shows fewer rows than it
 * had; one and many are the row's noun ("port", "ports"). */
void triage_table_add_not_shown(triage_table *table, guint available, guint shown, const char *one,
                                const char *many);

/* name: "rtt", "policy", "dests".  filter may be NULL. */
triage_report *triage_report_new(const char *name, const char *title, const char *filter);
void triage_report_free(triage_report *report);
void triage_report_set_capture(triage_report *report, guint64 packets, triage_time first,
                               triage_time last);
/* What the user calls the capture (-z triage,name=TEXT, or the file's base
 * name in the GUI), shown with the packet count and time span; NULL = none.
 * Taken as given: the writers escape it like any captured string. */
void triage_report_set_capture_name(triage_report *report, const char *name);
void triage_report_add_table(triage_report *report, triage_table *table); /* takes ownership */
/* The Wireshark version the report was made with, shown in JSON as the
 * report's "wireshark" member and in the HTML header; NULL = not known. */
void triage_report_set_wireshark_version(triage_report *report, const char *version);

/* Appends several reports to out as one document: JSON prints the single
 * {"schema":1,...,"reports":[...]} object of DESIGN §5, CSV one stream,
 * text one block per report, HTML one page. */
void triage_reports_write(GString *out, triage_format format, triage_report *const *reports,
                          guint count, const char *version);
/* The same; JSON also gets summary (JSON text, NULL = none) as its
 * "summary" member, which the other formats leave out. */
void triage_reports_write_with_summary(GString *out, triage_format format, triage_report *const *reports,
                                       guint count, const char *version, const char *summary);

/* Large enough for every formatted time below, terminator included. */
#define TRIAGE_TIME_STRING_SIZE 32

/* The formatters write at most size bytes, always terminated, like
 * g_snprintf (a short buffer truncates). */
/* "0.042415000" — seconds with nanosecond precision, for any format. */
void triage_format_duration(triage_time duration, char *buffer, gsize size);
/* "1700000000.123456789" */
void triage_format_timestamp(triage_time timestamp, char *buffer, gsize size);
/* The text report's forms, for other human-facing output (GUI tables) that
 * should read the same: "0.042415" and "2023-11-14 22:13:20.123457" (UTC). */
void triage_format_duration_text(triage_time duration, char *buffer, gsize size);
void triage_format_timestamp_text(triage_time timestamp, char *buffer, gsize size);

#endif
