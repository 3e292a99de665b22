/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_percentile.c — the selection behind triage_duration_summary_compute
 * against a plain sort, on random sets of every shape a capture gives:
 * distinct values, few distinct values (one path, one RTT), sorted and
 * reversed runs.  The hand-checked cases are data/handshake/percentiles.tsv
 * (test_report_rtt).
 */
#include <stdlib.h>

#include "percentile.h"

static int compare_times(const void *a, const void *b)
{
    triage_time left = *(const triage_time *)a, right = *(const triage_time *)b;
    return (left > right) - (left < right);
}

typedef enum { SHAPE_DISTINCT, SHAPE_FEW_VALUES, SHAPE_SORTED, SHAPE_REVERSED, SHAPE_COUNT } set_shape;

static void fill(triage_time *values, gsize count, set_shape shape)
{
    for (gsize i = 0; i < count; i++) {
        switch (shape) {
        case SHAPE_DISTINCT:
            values[i] = (triage_time)g_test_rand_int_range(0, G_MAXINT32) * 1000 + (triage_time)i % 1000;
            break;
        case SHAPE_FEW_VALUES:
            values[i] = g_test_rand_int_range(0, 4) * 250000;
            break;
        case SHAPE_SORTED:
            values[i] = (triage_time)i * 10;
            break;
        default:
            values[i] = (triage_time)(count - i) * 10;
            break;
        }
    }
}

static void test_against_sort(void)
{
    static const gsize sizes[] = {1, 2, 3, 7, 100, 101, 999, 4096, 65537};
    guint checked = 0;

    for (gsize s = 0; s < G_N_ELEMENTS(sizes); s++) {
        for (int shape = 0; shape < SHAPE_COUNT; shape++) {
            gsize count = sizes[s];
            triage_time *values = g_new(triage_time, count);
            triage_time *sorted = g_new(triage_time, count);
            triage_duration_summary summary;

            fill(values, count, (set_shape)shape);
            for (gsize i = 0; i < count; i++)
                sorted[i] = values[i];
            qsort(sorted, count, sizeof *sorted, compare_times);
            triage_duration_summary_compute(values, count, &summary);

            g_assert_cmpuint(summary.count, ==, count);
            g_assert_cmpint(summary.min, ==, sorted[0]);
            g_assert_cmpint(summary.max, ==, sorted[count - 1]);
            g_assert_cmpint(summary.p50, ==, triage_nearest_rank(sorted, count, 50));
            g_assert_cmpint(summary.p90, ==, triage_nearest_rank(sorted, count, 90));
            g_assert_cmpint(summary.p99, ==, triage_nearest_rank(sorted, count, 99));
            /* Reordered, not changed: the same multiset. */
            qsort(values, count, sizeof *values, compare_times);
            for (gsize i = 0; i < count; i++)
                g_assert_cmpint(values[i], ==, sorted[i]);
            checked++;
            g_free(values);
            g_free(sorted);
        }
    }
    g_assert_cmpuint(checked, ==, G_N_ELEMENTS(sizes) * SHAPE_COUNT);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/percentile/against-sort", test_against_sort);
    return g_test_run();
}
