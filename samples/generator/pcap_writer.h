/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcap_writer.h — classic pcap with nanosecond timestamps (magic 0xa1b23c4d),
 * written by hand and always little-endian, so a seed gives the same bytes on
 * any machine.  Records longer than the snaplen are cut like a capture would
 * cut them: the record keeps the on-wire length.
 */
#ifndef CAPGEN_PCAP_WRITER_H
#define CAPGEN_PCAP_WRITER_H

#include <stdio.h>
#include <glib.h>

enum {
    CAPGEN_LINKTYPE_ETHERNET = 1,
    CAPGEN_LINKTYPE_RAW = 101, /* the record starts at the IP header */
};

typedef struct capgen_pcap_writer {
    FILE *file;
    guint32 snaplen;
    guint64 records;
} capgen_pcap_writer;

/* Returns FALSE with *error_out set when the file cannot be created. */
gboolean capgen_pcap_open(capgen_pcap_writer *writer, const char *path, guint32 snaplen,
                          guint32 linktype, char **error_out);
/* time_ns is nanoseconds since the epoch.  wire_length is the frame's length
 * on the wire; 'length' bytes of it are in 'bytes' (fewer for a record that
 * was cut short on purpose, such as a zero-length record). */
void capgen_pcap_write(capgen_pcap_writer *writer, gint64 time_ns, const guint8 *bytes,
                       guint32 length, guint32 wire_length);
/* The number of bytes a record of this length keeps after the snaplen cut. */
guint32 capgen_pcap_captured_length(const capgen_pcap_writer *writer, guint32 length);
gboolean capgen_pcap_close(capgen_pcap_writer *writer, char **error_out);

#endif
