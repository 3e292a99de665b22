/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * scheduler.h — interleaves flows by time and writes them out.
 *
 * Flows arrive from a source in start-time order and wait in a heap keyed by
 * the time of their next step, so only the flows in progress are in memory:
 * a bench capture of millions of packets needs as much memory as its busiest
 * moment, not as its length.  Frame numbers, stream numbers and the truth
 * rows follow from the order in which frames are written.
 */
#ifndef CAPGEN_SCHEDULER_H
#define CAPGEN_SCHEDULER_H

#include <glib.h>

#include "flow.h"

typedef struct capgen_flow_source {
    /* The next flow by start time (ties keep their order), NULL at the end.
     * The scheduler owns what it returns. */
    capgen_flow *(*next)(gpointer state);
    void (*free_state)(gpointer state);
    gpointer state;
} capgen_flow_source;

typedef struct capgen_output {
    const char *pcap_path;
    const char *truth_path; /* NULL: no truth files */
    guint32 snaplen;
    gboolean raw_ip;        /* LINKTYPE_RAW instead of Ethernet */
    guint16 vlan;           /* tag every untagged flow with this VLAN, 0 = none */
    gboolean sorted_truth;  /* sort truth rows by first frame (small captures) */
    guint64 seed;
} capgen_output;

typedef struct capgen_totals {
    guint64 frames;
    guint64 tcp_streams;
    guint64 udp_streams;
} capgen_totals;

gboolean capgen_schedule(const capgen_output *output, capgen_flow_source *source,
                         capgen_totals *totals, char **error_out);

#endif
