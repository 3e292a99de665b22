/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * truth_writer.h — the truth files: OUTPUT.tsv (one row per TCP connection)
 * and OUTPUT.flows.tsv (one row per UDP or ICMP flow).  Columns are
 * documented in samples/generated/README.md.
 *
 * Small captures get their rows sorted by first frame, for people reading
 * them; streaming scenarios write each row when its flow ends, so memory
 * stays bounded at millions of flows.
 */
#ifndef CAPGEN_TRUTH_WRITER_H
#define CAPGEN_TRUTH_WRITER_H

#include <stdio.h>
#include <glib.h>

#include "flow.h"

typedef struct capgen_truth_writer {
    FILE *connections;
    FILE *flows;
    gboolean sorted;
    GPtrArray *pending_connections; /* sorted mode: rows waiting for the end */
    GPtrArray *pending_flows;
} capgen_truth_writer;

/* path may be NULL: then nothing is written.  The flows file's name is the
 * path with ".tsv" replaced by ".flows.tsv" (or ".flows.tsv" appended). */
gboolean capgen_truth_open(capgen_truth_writer *writer, const char *path, gboolean sorted,
                           char **error_out);
void capgen_truth_write_flow(capgen_truth_writer *writer, const capgen_flow *flow);
gboolean capgen_truth_close(capgen_truth_writer *writer, char **error_out);

#endif
