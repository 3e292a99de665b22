/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * flow_script.h — reading the flow scripts under tests/unit/data/dests/.
 *
 * A script is a text file of lines "command word word …" ('#' starts a
 * comment).  The packet line is shared by the connection-table and the
 * destinations tests:
 *
 *   packet FRAME TIME TRANSPORT STREAM SOURCE SPORT DESTINATION DPORT FLAGS LENGTH
 *
 * TIME is seconds with up to 9 decimals ("12.000250"), TRANSPORT a name
 * (tcp, udp, icmp, icmpv6, gre, esp) or an IP protocol number, FLAGS a TCP
 * flag word ("S", "SA", "A", "PA", "R", "F" …, or "-" for none).
 * Expectations are "key=value" words compared as text; times are
 * normalised first, so "1.5" equals "1.500000000".
 */
#ifndef TRIAGE_TEST_FLOW_SCRIPT_H
#define TRIAGE_TEST_FLOW_SCRIPT_H

#include <glib.h>
#include <string.h>

#include "connection_table.h"

/* "12.000250" -> nanoseconds.  FALSE on anything else. */
static inline gboolean script_parse_time(const char *text, triage_time *out)
{
    gboolean negative = text[0] == '-';
    const char *cursor = negative ? text + 1 : text;
    gint64 seconds = 0, fraction = 0;
    int fraction_digits = 0;
    if (!g_ascii_isdigit(*cursor))
        return FALSE;
    while (g_ascii_isdigit(*cursor))
        seconds = seconds * 10 + (*cursor++ - '0');
    if (*cursor == '.') {
        cursor++;
        while (g_ascii_isdigit(*cursor) && fraction_digits < 9) {
            fraction = fraction * 10 + (*cursor++ - '0');
            fraction_digits++;
        }
    }
    if (*cursor != '\0')
        return FALSE;
    for (; fraction_digits < 9; fraction_digits++)
        fraction *= 10;
    *out = (seconds * TRIAGE_NS_PER_SECOND + fraction) * (negative ? -1 : 1);
    return TRUE;
}

/* Nanoseconds -> "12.000250000" (g_free it). */
static inline char *script_format_time(triage_time time)
{
    const char *sign = time < 0 ? "-" : "";
    guint64 magnitude = time < 0 ? (guint64)(-(time + 1)) + 1 : (guint64)time;
    return g_strdup_printf("%s%" G_GUINT64_FORMAT ".%09" G_GUINT64_FORMAT, sign,
                           magnitude / (guint64)TRIAGE_NS_PER_SECOND, magnitude % (guint64)TRIAGE_NS_PER_SECOND);
}

static inline gboolean script_parse_transport(const char *text, guint8 *out)
{
    static const struct {
        const char *name;
        guint8 number;
    } names[] = {
        {"tcp", TRIAGE_TRANSPORT_TCP}, {"udp", TRIAGE_TRANSPORT_UDP}, {"icmp", TRIAGE_TRANSPORT_ICMP},
        {"icmpv6", TRIAGE_TRANSPORT_ICMPV6}, {"gre", 47}, {"esp", 50},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        if (strcmp(text, names[i].name) == 0) {
            *out = names[i].number;
            return TRUE;
        }
    }
    guint64 number;
    if (!g_ascii_string_to_unsigned(text, 10, 0, 255, &number, NULL))
        return FALSE;
    *out = (guint8)number;
    return TRUE;
}

static inline gboolean script_parse_flags(const char *text, guint16 *out)
{
    *out = 0;
    if (strcmp(text, "-") == 0)
        return TRUE;
    for (const char *cursor = text; *cursor != '\0'; cursor++) {
        switch (*cursor) {
        case 'F': *out |= TRIAGE_TCP_FIN; break;
        case 'S': *out |= TRIAGE_TCP_SYN; break;
        case 'R': *out |= TRIAGE_TCP_RST; break;
        case 'P': *out |= TRIAGE_TCP_PSH; break;
        case 'A': *out |= TRIAGE_TCP_ACK; break;
        default: return FALSE;
        }
    }
    return TRUE;
}

static inline gboolean script_parse_port(const char *text, guint16 *out)
{
    guint64 value;
    if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT16, &value, NULL))
        return FALSE;
    *out = (guint16)value;
    return TRUE;
}

static inline gboolean script_parse_uint32(const char *text, guint32 *out)
{
    guint64 value;
    if (!g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT32, &value, NULL))
        return FALSE;
    *out = (guint32)value;
    return TRUE;
}

/* The ten words after "packet" (or "find"). */
static inline gboolean script_parse_packet(char **words, triage_flow_packet *out)
{
    triage_flow_packet packet = {0};
    for (int i = 0; i < 10; i++) {
        if (words[i] == NULL)
            return FALSE;
    }
    gboolean ok = script_parse_uint32(words[0], &packet.frame) && script_parse_time(words[1], &packet.time) &&
                  script_parse_transport(words[2], &packet.transport) &&
                  script_parse_uint32(words[3], &packet.stream) &&
                  triage_address_from_string(words[4], &packet.source) &&
                  script_parse_port(words[5], &packet.source_port) &&
                  triage_address_from_string(words[6], &packet.destination) &&
                  script_parse_port(words[7], &packet.destination_port) &&
                  script_parse_flags(words[8], &packet.tcp_flags) &&
                  script_parse_uint32(words[9], &packet.frame_length);
    if (ok)
        *out = packet;
    return ok;
}

/* Splits a line into words; NULL for blank and comment lines. */
static inline char **script_words(const char *line)
{
    char *copy = g_strdup(line);
    char *hash = strchr(copy, '#');
    if (hash != NULL)
        *hash = '\0';
    char **words = g_strsplit_set(g_strstrip(copy), " \t", -1);
    g_free(copy);
    /* Collapse runs of separators (empty words). */
    guint kept = 0;
    for (guint i = 0; words[i] != NULL; i++) {
        if (words[i][0] == '\0')
            g_free(words[i]);
        else
            words[kept++] = words[i];
    }
    words[kept] = NULL;
    if (kept == 0) {
        g_strfreev(words);
        return NULL;
    }
    return words;
}

static inline gint script_compare_paths(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(char *const *)a, *(char *const *)b);
}

/* A mismatch fails the test but lets the script go on, so one run shows
 * every wrong number. */
#define script_fail(...)                                                                           \
    do {                                                                                           \
        g_test_message(__VA_ARGS__);                                                               \
        g_test_fail();                                                                             \
    } while (0)

/* Compares "key=value" expectations against actual values (a table of
 * key -> actual text); fails the test naming the script line on any
 * mismatch or unknown key.  Keys ending in "time", "first" or "last" are
 * times and compared after normalisation. */
static inline void script_check_fields(const char *where, char **expectations, GHashTable *actual)
{
    for (char **word = expectations; *word != NULL; word++) {
        char *equals = strchr(*word, '=');
        if (equals == NULL)
            g_error("%s: expectation \"%s\" is not key=value", where, *word);
        char *key = g_strndup(*word, (gsize)(equals - *word));
        const char *expected = equals + 1;
        const char *value = g_hash_table_lookup(actual, key);
        if (value == NULL)
            g_error("%s: unknown key \"%s\"", where, key);
        char *normalised = NULL;
        triage_time time;
        if ((g_str_has_suffix(key, "time") || strcmp(key, "first") == 0 || strcmp(key, "last") == 0) &&
            script_parse_time(expected, &time))
            normalised = script_format_time(time);
        if (g_strcmp0(normalised != NULL ? normalised : expected, value) != 0)
            script_fail("%s: %s is %s, expected %s", where, key, value, expected);
        g_free(normalised);
        g_free(key);
    }
}

/* Lists "*.case" files of a folder, sorted (g_free the strings). */
static inline GPtrArray *script_list_cases(const char *folder)
{
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    GDir *dir = g_dir_open(folder, 0, NULL);
    if (dir == NULL)
        g_error("cannot open %s", folder);
    const char *name;
    while ((name = g_dir_read_name(dir)) != NULL) {
        if (g_str_has_suffix(name, ".case"))
            g_ptr_array_add(paths, g_build_filename(folder, name, NULL));
    }
    g_dir_close(dir);
    g_ptr_array_sort(paths, script_compare_paths);
    return paths;
}

#endif
