/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gui_table.h — a triage report table as a Wireshark statistics table.
 *
 * Each table is registered with register_stat_tap_table_ui(): the Qt GUI
 * shows it under Statistics as a sortable table with a display-filter box,
 * Copy and Save As (text, CSV, YAML), the way its built-in tables look.
 * The rows are read from the same report model the text, CSV and JSON
 * writers read, so every number equals "tshark -z triage,…,format=json"
 * with the same top and filter.
 *
 * A table of the model may nest a table per row (a destination's ports, a
 * finding's connections): such a table is shown flat, one row per nested
 * row with the columns of its parent row first, because Wireshark sorts a
 * statistics table only among the rows of one parent.
 */
#ifndef TRIAGE_GUI_TABLE_H
#define TRIAGE_GUI_TABLE_H

#include <glib.h>

/* How a column is shown and sorted. */
typedef enum {
    TRIAGE_GUI_NUMBER,  /* an integer; sorts as a number */
    TRIAGE_GUI_SECONDS, /* a duration in seconds, to the microsecond */
    TRIAGE_GUI_TEXT,    /* anything else, as the text report writes it */
} triage_gui_column_kind;

typedef struct triage_gui_column {
    const char *key;     /* the model's column key (the JSON key) */
    const char *heading;
    triage_gui_column_kind kind;
    gboolean of_parent;  /* a column of the parent row of a nested table */
} triage_gui_column;

typedef struct triage_gui_table {
    const char *title;      /* menu entry and window title */
    const char *cli_string; /* the dialog's key; also a tshark -z name */
    guint report;           /* TRIAGE_REPORT_* */
    const char *table;      /* the model's table name ("servers") */
    const char *nested;     /* the column holding each row's nested table, or NULL */
    guint top;              /* rows of the ranked lists, as -z triage's top= */
    const triage_gui_column *columns;
    guint column_count;
} triage_gui_table;

/* Registers one table; the description must live as long as the plugin. */
void triage_gui_table_register(const triage_gui_table *table);

/* gui_table_rtt.c, gui_table_policy.c, gui_table_dests.c */
void triage_register_gui_tables_rtt(void);
void triage_register_gui_tables_policy(void);
void triage_register_gui_tables_dests(void);

#endif
