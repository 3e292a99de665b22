/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_values.c — how one value is spelled: times, cells, and strings made
 * safe for the output they go to.
 *
 * Times are formatted from the int64 nanoseconds with integer arithmetic
 * only: a double has 53 bits of mantissa and would lose the last digits of
 * an epoch timestamp in nanoseconds.
 */
#include "report_model.h"

#define NS_PER_MICROSECOND 1000
#define MICROSECONDS_PER_SECOND 1000000
#define SECONDS_PER_DAY 86400

/* |value| without overflow: -INT64_MIN does not fit a gint64, but it does
 * fit a guint64, and unsigned negation is defined modulo 2^64. */
static guint64 magnitude(gint64 value)
{
    return value < 0 ? (guint64)0 - (guint64)value : (guint64)value;
}

/* Sign and magnitude, so -1.5 s reads "-1.500000000" as any decimal
 * parser expects, rather than floor-style "-2.500000000". */
static void format_seconds_nanoseconds(gint64 ns, char *buffer, gsize size)
{
    guint64 total = magnitude(ns);
    g_snprintf(buffer, size, "%s%" G_GUINT64_FORMAT ".%09" G_GUINT64_FORMAT, ns < 0 ? "-" : "",
               total / (guint64)TRIAGE_NS_PER_SECOND, total % (guint64)TRIAGE_NS_PER_SECOND);
}

void triage_format_duration(triage_time duration, char *buffer, gsize size)
{
    format_seconds_nanoseconds(duration, buffer, size);
}

void triage_format_timestamp(triage_time timestamp, char *buffer, gsize size)
{
    format_seconds_nanoseconds(timestamp, buffer, size);
}

void triage_format_duration_text(triage_time duration, char *buffer, gsize size)
{
    /* Round half away from zero on the magnitude, which keeps the rounding
     * symmetric around zero. */
    guint64 total = magnitude(duration);
    guint64 microseconds = total / NS_PER_MICROSECOND + (total % NS_PER_MICROSECOND >= 500);
    g_snprintf(buffer, size, "%s%" G_GUINT64_FORMAT ".%06" G_GUINT64_FORMAT,
               duration < 0 && microseconds > 0 ? "-" : "", microseconds / MICROSECONDS_PER_SECOND,
               microseconds % MICROSECONDS_PER_SECOND);
}

/* Division rounding towards minus infinity: a time before the epoch belongs
 * to the day (second, microsecond) that started before it. */
static gint64 floor_divide(gint64 dividend, gint64 divisor, gint64 *remainder)
{
    gint64 quotient = dividend / divisor;
    gint64 rest = dividend % divisor;
    if (rest < 0) {
        rest += divisor;
        quotient--;
    }
    *remainder = rest;
    return quotient;
}

/* Proleptic Gregorian date of a day count since 1970-01-01 (Howard
 * Hinnant's civil_from_days): exact for any day an int64 of ns can reach. */
static void civil_from_days(gint64 days, gint64 *year, int *month, int *day)
{
    gint64 shifted = days + 719468; /* days since 0000-03-01 */
    gint64 era = (shifted >= 0 ? shifted : shifted - 146096) / 146097;
    gint64 day_of_era = shifted - era * 146097;
    gint64 year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    gint64 day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    gint64 month_from_march = (5 * day_of_year + 2) / 153;
    *day = (int)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
    *month = (int)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
    *year = year_of_era + era * 400 + (*month <= 2);
}

void triage_format_timestamp_text(triage_time timestamp, char *buffer, gsize size)
{
    gint64 nanoseconds;
    gint64 microseconds = floor_divide(timestamp, NS_PER_MICROSECOND, &nanoseconds);
    if (nanoseconds >= NS_PER_MICROSECOND / 2)
        microseconds++;
    gint64 microsecond_of_second;
    gint64 seconds = floor_divide(microseconds, MICROSECONDS_PER_SECOND, &microsecond_of_second);
    gint64 second_of_day;
    gint64 days = floor_divide(seconds, SECONDS_PER_DAY, &second_of_day);
    gint64 year;
    int month, day;
    civil_from_days(days, &year, &month, &day);
    g_snprintf(buffer, size,
               "%04" G_GINT64_FORMAT "-%02d-%02d %02d:%02d:%02d.%06" G_GINT64_FORMAT, year, month,
               day, (int)(second_of_day / 3600), (int)(second_of_day / 60 % 60),
               (int)(second_of_day % 60), microsecond_of_second);
}

static void append_integer_list(GString *out, const triage_cell *cell)
{
    for (guint i = 0; i < cell->as.list.count; i++)
        g_string_append_printf(out, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "",
                               cell->as.list.values[i]);
}

void triage_cell_append_machine_text(GString *out, const triage_cell *cell)
{
    char time_text[TRIAGE_TIME_STRING_SIZE];
    if (triage_cell_is_null(cell))
        return;
    switch (cell->type) {
    case TRIAGE_CELL_INTEGER:
        g_string_append_printf(out, "%" G_GINT64_FORMAT, cell->as.integer);
        break;
    case TRIAGE_CELL_DURATION:
    case TRIAGE_CELL_TIMESTAMP:
        format_seconds_nanoseconds(cell->as.integer, time_text, sizeof time_text);
        g_string_append(out, time_text);
        break;
    case TRIAGE_CELL_STRING:
        g_string_append(out, cell->as.string);
        break;
    case TRIAGE_CELL_BOOLEAN:
        g_string_append(out, cell->as.boolean ? "true" : "false");
        break;
    case TRIAGE_CELL_INTEGER_LIST:
        append_integer_list(out, cell);
        break;
    case TRIAGE_CELL_TABLE:
        break;
    }
}

void triage_cell_append_human_text(GString *out, const triage_cell *cell)
{
    char time_text[TRIAGE_TIME_STRING_SIZE];
    if (triage_cell_is_null(cell)) {
        if (cell != NULL && cell->as.string != NULL)
            triage_append_printable(out, cell->as.string);
        return;
    }
    switch (cell->type) {
    case TRIAGE_CELL_DURATION:
        triage_format_duration_text(cell->as.integer, time_text, sizeof time_text);
        g_string_append(out, time_text);
        break;
    case TRIAGE_CELL_TIMESTAMP:
        triage_format_timestamp_text(cell->as.integer, time_text, sizeof time_text);
        g_string_append(out, time_text);
        break;
    case TRIAGE_CELL_STRING:
        triage_append_printable(out, cell->as.string);
        break;
    case TRIAGE_CELL_BOOLEAN:
        g_string_append(out, cell->as.boolean ? "yes" : "no");
        break;
    default:
        triage_cell_append_machine_text(out, cell);
        break;
    }
}

#define REPLACEMENT_CHARACTER "\xEF\xBF\xBD" /* U+FFFD in UTF-8 */

void triage_append_valid_utf8(GString *out, const char *text)
{
    const char *rest = text;
    const char *valid_end;
    while (!g_utf8_validate(rest, -1, &valid_end)) {
        g_string_append_len(out, rest, valid_end - rest);
        g_string_append(out, REPLACEMENT_CHARACTER);
        rest = valid_end + 1; /* one replacement per bad byte */
    }
    g_string_append(out, rest);
}

void triage_append_printable(GString *out, const char *text)
{
    GString *valid = g_string_new(NULL);
    triage_append_valid_utf8(valid, text);
    for (const char *c = valid->str; *c != '\0'; c = g_utf8_next_char(c)) {
        gunichar character = g_utf8_get_char(c);
        if (character == '\n')
            g_string_append(out, "\\n");
        else if (character == '\r')
            g_string_append(out, "\\r");
        else if (character == '\t')
            g_string_append(out, "\\t");
        else if (character < 0x20 || character == 0x7f)
            g_string_append_printf(out, "\\x%02x", character);
        else if (character >= 0x80 && character <= 0x9f)
            /* C1 controls: U+009B alone is a terminal escape sequence
             * introducer, and captured strings are attacker-chosen. */
            g_string_append_printf(out, "\\u%04x", character);
        else
            g_string_append_unichar(out, character);
    }
    g_string_free(valid, TRUE);
}
