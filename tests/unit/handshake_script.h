/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * handshake_script.h — reading the segment scripts under data/handshake/,
 * shared by the handshake engine and RTT report tests.
 *
 * A script is a text file of lines "command word word …" ('#' starts a
 * comment).  The segment line is common to both:
 *
 *   segment FRAME TIME STREAM SOURCE SPORT DESTINATION DPORT FLAGS SEQ ACK LENGTH
 *
 * TIME is seconds with up to 9 decimals, FLAGS a word of S A P F R ("-" for
 * none), SEQ and ACK raw 32-bit numbers, LENGTH the TCP payload length.
 * Times in expectations compare as numbers ("0.5" equals "0.500000000").
 */
#ifndef TRIAGE_TEST_HANDSHAKE_SCRIPT_H
#define TRIAGE_TEST_HANDSHAKE_SCRIPT_H

#include <glib.h>
#include <string.h>

#include "connection_table.h"
#include "handshake.h"

/* "12.000250" -> nanoseconds.  FALSE on anything else. */
static inline gboolean script_parse_time(const char *text, triage_time *out)
{
    const char *cursor = text;
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
    *out = seconds * TRIAGE_NS_PER_SECOND + fraction;
    return TRUE;
}

/* Nanoseconds -> "12.000250000" (g_free it). */
static inline char *script_format_time(triage_time time)
{
    return g_strdup_printf("%s%" G_GINT64_FORMAT ".%09" G_GINT64_FORMAT, time < 0 ? "-" : "",
                           ABS(time) / TRIAGE_NS_PER_SECOND, ABS(time) % TRIAGE_NS_PER_SECOND);
}

/* Expected values as the checks print them: times normalised, the rest as
 * given (g_free it). */
static inline char *script_normalise_expected(const char *value)
{
    triage_time time;

    if (strchr(value, '.') != NULL && strchr(value, ':') == NULL && strchr(value, ',') == NULL
        && script_parse_time(value, &time))
        return script_format_time(time);
    return g_strdup(value);
}

static inline gboolean script_parse_number(const char *text, guint64 maximum, guint64 *out)
{
    return g_ascii_string_to_unsigned(text, 10, 0, maximum, out, NULL);
}

static inline gboolean script_parse_flags(const char *text, guint16 *out)
{
    *out = 0;
    if (strcmp(text, "-") == 0)
        return TRUE;
    for (const char *cursor = text; *cursor != '\0'; cursor++) {
        switch (*cursor) {
        case 'S': *out |= TRIAGE_TCP_SYN; break;
        case 'A': *out |= TRIAGE_TCP_ACK; break;
        case 'P': *out |= TRIAGE_TCP_PSH; break;
        case 'F': *out |= TRIAGE_TCP_FIN; break;
        case 'R': *out |= TRIAGE_TCP_RST; break;
        default: return FALSE;
        }
    }
    return TRUE;
}

static inline gboolean script_parse_endpoint(const char *address_text, const char *port_text,
                                             triage_address *address, guint16 *port)
{
    guint64 number;

    if (!triage_address_from_string(address_text, address) || !script_parse_number(port_text, G_MAXUINT16, &number))
        return FALSE;
    *port = (guint16)number;
    return TRUE;
}

/* words[0] is "segment".  FALSE when the line is malformed. */
static inline gboolean script_parse_segment(char **words, guint count, triage_tcp_segment *segment)
{
    guint64 frame, stream, seq, ack, length;

    memset(segment, 0, sizeof *segment);
    if (count != 12 || !script_parse_number(words[1], G_MAXUINT32, &frame)
        || !script_parse_time(words[2], &segment->time) || !script_parse_number(words[3], G_MAXUINT32, &stream)
        || !script_parse_endpoint(words[4], words[5], &segment->source, &segment->source_port)
        || !script_parse_endpoint(words[6], words[7], &segment->destination, &segment->destination_port)
        || !script_parse_flags(words[8], &segment->flags) || !script_parse_number(words[9], G_MAXUINT32, &seq)
        || !script_parse_number(words[10], G_MAXUINT32, &ack)
        || !script_parse_number(words[11], G_MAXUINT32, &length))
        return FALSE;
    segment->frame = (guint32)frame;
    segment->stream = (guint32)stream;
    segment->seq = (guint32)seq;
    segment->ack = (guint32)ack;
    segment->payload_length = (guint32)length;
    return TRUE;
}

/* Accounts the segment in a connection table, as the plugin does with
 * every TCP packet: the handshake engine keeps no addresses, so tests read
 * a stream's client and server from the table through
 * triage_handshake_client_is, like the reports do. */
/* Accounts the segment to its connection as the capture session does, and
 * gives it the sender's role by the table's rule (TRIAGE_ROLE_UNKNOWN when
 * the table is full): feed the table first, then the engine. */
static inline void script_add_to_connections(triage_connection_table *table, triage_tcp_segment *segment)
{
    gboolean to_server = FALSE;
    const triage_connection *connection;
    triage_flow_packet packet;

    memset(&packet, 0, sizeof packet);
    packet.frame = segment->frame;
    packet.time = segment->time;
    packet.transport = TRIAGE_TRANSPORT_TCP;
    packet.stream = segment->stream;
    packet.source = segment->source;
    packet.destination = segment->destination;
    packet.source_port = segment->source_port;
    packet.destination_port = segment->destination_port;
    packet.tcp_flags = segment->flags;
    packet.frame_length = 54 + segment->payload_length;
    connection = triage_connection_table_add_packet(table, &packet, &to_server);
    segment->sender_role = connection == NULL ? TRIAGE_ROLE_UNKNOWN
                           : to_server        ? TRIAGE_ROLE_CLIENT
                                              : TRIAGE_ROLE_SERVER;
}

/* The words of one line without its comment; an empty vector for a blank
 * line (g_strfreev it). */
static inline char **script_split_line(const char *line)
{
    char *content = g_strdup(line);
    char *comment = strchr(content, '#');
    char **words;
    guint count = 0;

    if (comment != NULL)
        *comment = '\0';
    words = g_strsplit_set(g_strstrip(content), " \t", -1);
    /* Runs of blanks split into empty words: drop them. */
    for (guint i = 0; words[i] != NULL; i++) {
        if (words[i][0] != '\0')
            words[count++] = words[i];
        else
            g_free(words[i]);
    }
    words[count] = NULL;
    g_free(content);
    return words;
}

/* Sorted paths of the files in directory whose name ends in suffix. */
static inline GPtrArray *script_list_files(const char *directory, const char *suffix)
{
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    GDir *listing = g_dir_open(directory, 0, NULL);
    const char *name;

    if (listing == NULL)
        return paths;
    while ((name = g_dir_read_name(listing)) != NULL) {
        if (g_str_has_suffix(name, suffix))
            g_ptr_array_add(paths, g_build_filename(directory, name, NULL));
    }
    g_dir_close(listing);
    for (guint i = 1; i < paths->len; i++) {
        /* insertion sort: a few dozen names */
        for (guint j = i; j > 0 && strcmp(paths->pdata[j - 1], paths->pdata[j]) > 0; j--) {
            gpointer swap = paths->pdata[j];
            paths->pdata[j] = paths->pdata[j - 1];
            paths->pdata[j - 1] = swap;
        }
    }
    return paths;
}

/* "/prefix/name" for data/handshake/name.suffix (g_free it). */
static inline char *script_test_name(const char *prefix, const char *path, const char *suffix)
{
    char *base = g_path_get_basename(path);
    char *name;

    base[strlen(base) - strlen(suffix)] = '\0';
    name = g_strdup_printf("%s/%s", prefix, base);
    g_free(base);
    return name;
}

/* Registers one GLib test per file of DIRECTORY ending in SUFFIX, named PREFIX/NAME,
 * and fails (returns NULL) when fewer than minimum files are found: a
 * moved data folder must not pass by testing nothing.  The paths live as
 * long as the returned array. */
static inline GPtrArray *script_add_file_tests(const char *directory, const char *suffix,
                                               const char *prefix, guint minimum,
                                               GTestDataFunc test)
{
    GPtrArray *paths = script_list_files(directory, suffix);

    if (paths->len < minimum) {
        g_printerr("only %u %s files in %s\n", paths->len, suffix, directory);
        g_ptr_array_free(paths, TRUE);
        return NULL;
    }
    for (guint i = 0; i < paths->len; i++) {
        char *test_name = script_test_name(prefix, paths->pdata[i], suffix);

        g_test_add_data_func(test_name, paths->pdata[i], test);
        g_free(test_name);
    }
    return paths;
}

#endif
