/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "pcap_writer.h"

#include <errno.h>
#include <string.h>

#define PCAP_NANOSECOND_MAGIC 0xa1b23c4du
#define WRITE_BUFFER_SIZE (1u << 20)

static void put_le32(guint8 *out, guint32 value)
{
    out[0] = (guint8)value;
    out[1] = (guint8)(value >> 8);
    out[2] = (guint8)(value >> 16);
    out[3] = (guint8)(value >> 24);
}

static void put_le16(guint8 *out, guint16 value)
{
    out[0] = (guint8)value;
    out[1] = (guint8)(value >> 8);
}

gboolean capgen_pcap_open(capgen_pcap_writer *writer, const char *path, guint32 snaplen,
                          guint32 linktype, char **error_out)
{
    memset(writer, 0, sizeof *writer);
    writer->file = fopen(path, "wb");
    if (!writer->file) {
        *error_out = g_strdup_printf("cannot create %s: %s", path, g_strerror(errno));
        return FALSE;
    }
    /* Large stdio buffer: the million-packet captures must take seconds. */
    setvbuf(writer->file, NULL, _IOFBF, WRITE_BUFFER_SIZE);
    writer->snaplen = snaplen;

    guint8 header[24];
    put_le32(header, PCAP_NANOSECOND_MAGIC);
    put_le16(header + 4, 2);
    put_le16(header + 6, 4);
    put_le32(header + 8, 0);  /* thiszone: timestamps are UTC */
    put_le32(header + 12, 0); /* sigfigs */
    put_le32(header + 16, snaplen);
    put_le32(header + 20, linktype);
    fwrite(header, 1, sizeof header, writer->file);
    return TRUE;
}

guint32 capgen_pcap_captured_length(const capgen_pcap_writer *writer, guint32 length)
{
    return MIN(length, writer->snaplen);
}

void capgen_pcap_write(capgen_pcap_writer *writer, gint64 time_ns, const guint8 *bytes,
                       guint32 length, guint32 wire_length)
{
    guint32 captured = capgen_pcap_captured_length(writer, length);
    guint8 record[16];
    put_le32(record, (guint32)(time_ns / 1000000000));
    put_le32(record + 4, (guint32)(time_ns % 1000000000));
    put_le32(record + 8, captured);
    put_le32(record + 12, wire_length);
    fwrite(record, 1, sizeof record, writer->file);
    if (captured)
        fwrite(bytes, 1, captured, writer->file);
    writer->records++;
}

gboolean capgen_pcap_close(capgen_pcap_writer *writer, char **error_out)
{
    gboolean failed = ferror(writer->file) != 0;
    if (fclose(writer->file) != 0)
        failed = TRUE;
    writer->file = NULL;
    if (failed) {
        *error_out = g_strdup("writing the capture failed");
        return FALSE;
    }
    return TRUE;
}
