/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_model.h — the inside of a report, shared by report.c (which builds
 * it) and the three writers (which only read it).  Not for engine code:
 * engines use report.h, so the writers may change how they walk the model
 * without touching a builder.
 */
#ifndef TRIAGE_REPORT_MODEL_H
#define TRIAGE_REPORT_MODEL_H

#include "report.h"

typedef struct triage_column {
    char *key;
    char *heading;
    triage_cell_type type;
    gboolean text_below; /* text output: on its own line under the row */
} triage_column;

typedef struct triage_cell {
    triage_cell_type type; /* always its column's type */
    gboolean is_null;
    union {             /* a null cell keeps in string why it is null, or NULL */
        gint64 integer; /* INTEGER, DURATION (ns), TIMESTAMP (ns since epoch) */
        gboolean boolean;
        char *string;
        struct {
            gint64 *values;
            guint count;
        } list;
        triage_table *table;
    } as;
} triage_cell;

struct triage_table {
    char *name;
    char *title;
    triage_table_shape shape;
    GArray *columns;      /* triage_column */
    GArray *cells;        /* triage_cell, row after row */
    guint row_count;
    GPtrArray *footnotes; /* char * */
};

struct triage_report {
    char *name;
    char *title;
    char *filter; /* NULL when none */
    char *wireshark_version; /* NULL when not known */
    char *capture_name;      /* NULL when not given */
    guint64 packets;
    triage_time first;
    triage_time last;
    GPtrArray *tables; /* triage_table *, owned */
};

guint triage_table_column_count(const triage_table *table);
const triage_column *triage_table_column(const triage_table *table, guint column);
/* NULL when the builder left the cell out: writers print it as null. */
const triage_cell *triage_table_cell(const triage_table *table, guint row, guint column);
/* TRUE for a null or missing cell. */
gboolean triage_cell_is_null(const triage_cell *cell);

/* Appends the cell as CSV and JSON keys show it (machine form: durations and
 * timestamps with 9 decimals, booleans true/false, lists 1,2,3, null and
 * nested tables as nothing).  Strings are appended raw. */
void triage_cell_append_machine_text(GString *out, const triage_cell *cell);
/* Appends the cell as the text report shows it, strings made printable; a
 * null cell as the reason it was given (add_null_explained), or nothing. */
void triage_cell_append_human_text(GString *out, const triage_cell *cell);
/* Appends text with every invalid UTF-8 byte replaced by U+FFFD. */
void triage_append_valid_utf8(GString *out, const char *text);
/* Appends text as valid UTF-8 with control characters shown as \n, \r, \t or
 * \xNN, so that one value stays on one line of the text report. */
void triage_append_printable(GString *out, const char *text);

void triage_write_text(GString *out, triage_report *const *reports, guint count);
void triage_write_csv(GString *out, triage_report *const *reports, guint count);
void triage_write_json(GString *out, triage_report *const *reports, guint count, const char *version);
/* The JSON document appended to a string (the HTML page embeds it). */
void triage_append_json(GString *out, triage_report *const *reports, guint count, const char *version);
/* The same with a "summary" member (JSON text, e.g. summary_json.h's), or
 * without when summary is NULL. */
void triage_append_json_document(GString *out, triage_report *const *reports, guint count, const char *version,
                                 const char *summary);
void triage_append_html(GString *out, triage_report *const *reports, guint count, const char *version);

#endif
