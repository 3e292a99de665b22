/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * percentile.c — nearest-rank summaries of percentile.h.
 */
#include "percentile.h"

/* The 0-based position of the percent-th nearest-rank percentile among
 * count sorted values (count > 0). */
static gsize nearest_rank_index(gsize count, guint percent)
{
    /* ceil(percent * count / 100) in integers: no rounding surprises. */
    guint64 rank = ((guint64)percent * count + 99) / 100;

    if (rank == 0)
        rank = 1;
    if (rank > count)
        rank = count;
    return (gsize)(rank - 1);
}

triage_time triage_nearest_rank(const triage_time *sorted, gsize count, guint percent)
{
    return sorted[nearest_rank_index(count, percent)];
}

static void swap(triage_time *a, triage_time *b)
{
    triage_time kept = *a;

    *a = *b;
    *b = kept;
}

static triage_time median_of_three(triage_time a, triage_time b, triage_time c)
{
    if (a > b)
        swap(&a, &b);
    if (b > c)
        b = c;
    return a > b ? a : b;
}

/* Reorders values[low, high) so that position k holds the value a sort
 * would put there, with no greater value before it and no smaller one
 * after.  Quickselect with a median-of-three pivot and a three-way
 * partition, so long runs of equal durations end the search early. */
static void select_rank(triage_time *values, gsize low, gsize high, gsize k)
{
    while (high - low > 1) {
        triage_time pivot = median_of_three(values[low], values[low + (high - low) / 2], values[high - 1]);
        gsize below = low, next = low, above = high;

        /* [low, below) < pivot, [below, next) == pivot, [above, high) > pivot */
        while (next < above) {
            if (values[next] < pivot)
                swap(&values[below++], &values[next++]);
            else if (values[next] > pivot)
                swap(&values[next], &values[--above]);
            else
                next++;
        }
        if (k < below)
            high = below;
        else if (k >= above)
            low = above;
        else
            return;
    }
}

void triage_duration_summary_compute(triage_time *values, gsize count, triage_duration_summary *out)
{
    gsize p50, p90, p99;

    *out = (triage_duration_summary){0};
    if (count == 0)
        return;
    out->count = count;
    out->min = out->max = values[0];
    for (gsize i = 1; i < count; i++) {
        if (values[i] < out->min)
            out->min = values[i];
        if (values[i] > out->max)
            out->max = values[i];
    }
    /* Each selection leaves only greater or equal values after its rank,
     * so the next, higher rank is searched there alone. */
    p50 = nearest_rank_index(count, 50);
    p90 = nearest_rank_index(count, 90);
    p99 = nearest_rank_index(count, 99);
    select_rank(values, 0, count, p50);
    select_rank(values, p50, count, p90);
    select_rank(values, p90, count, p99);
    out->p50 = values[p50];
    out->p90 = values[p90];
    out->p99 = values[p99];
}
