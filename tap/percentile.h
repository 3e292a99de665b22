/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * percentile.h — count, min, nearest-rank percentiles and max of durations.
 *
 * Nearest rank: the P-th percentile of N sorted values is the value at rank
 * ceil(P/100 * N) (1-based).  It is always one of the measured values, never
 * an interpolation, so a user can find the connection behind a p99.  The
 * values are collected during the report and summarised once at its end:
 * nothing is kept per packet.
 */
#ifndef TRIAGE_PERCENTILE_H
#define TRIAGE_PERCENTILE_H

#include "packet_facts.h"

typedef struct triage_duration_summary {
    guint64 count;  /* 0: the other fields are 0 and mean nothing */
    triage_time min;
    triage_time p50;
    triage_time p90;
    triage_time p99;
    triage_time max;
} triage_duration_summary;

/* Summarises values, reordering them in place: the ranks are found by
 * selection, in linear time and without a copy of the values (a million
 * connections need no second array, as a sort would). */
void triage_duration_summary_compute(triage_time *values, gsize count, triage_duration_summary *out);

/* The percent-th nearest-rank percentile of count ascending values
 * (count > 0, 0 < percent <= 100). */
triage_time triage_nearest_rank(const triage_time *sorted, gsize count, guint percent);

#endif
