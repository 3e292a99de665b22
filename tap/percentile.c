/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * percentile.c — nearest-rank summaries of percentile.h.
 */
#include <stdlib.h>

#include "percentile.h"

static int compare_durations(const void *a, const void *b)
{
    triage_time left = *(const triage_time *)a;
    triage_time right = *(const triage_time *)b;

    return (left > right) - (left < right);
}

triage_time triage_nearest_rank(const triage_time *sorted, gsize count, guint percent)
{
    /* ceil(percent * count / 100) in integers: no rounding surprises. */
    guint64 rank = ((guint64)percent * count + 99) / 100;

    if (rank == 0)
        rank = 1;
    if (rank > count)
        rank = count;
    return sorted[rank - 1];
}

void triage_duration_summary_compute(triage_time *values, gsize count, triage_duration_summary *out)
{
    *out = (triage_duration_summary){0};
    if (count == 0)
        return;
    qsort(values, count, sizeof *values, compare_durations);
    out->count = count;
    out->min = values[0];
    out->p50 = triage_nearest_rank(values, count, 50);
    out->p90 = triage_nearest_rank(values, count, 90);
    out->p99 = triage_nearest_rank(values, count, 99);
    out->max = values[count - 1];
}
