/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_log_sketch.c — the log-bucket sketch against the raw values: every
 * value lies inside its bucket's bounds, every percentile is within 1 % of
 * the exact nearest-rank one (computed here by a plain sort), and merging is
 * exact, associative and commutative (same buckets, same counts, as one
 * sketch fed every value).
 */
#include <math.h>
#include <stdlib.h>

#include "log_sketch.h"

static int compare_values(const void *a, const void *b)
{
    gint64 left = *(const gint64 *)a, right = *(const gint64 *)b;
    return (left > right) - (left < right);
}

/* Handshake-like durations: from 1 us to 10 s, spread over decades. */
static gint64 random_duration(void)
{
    double decades = g_test_rand_double_range(3.0, 10.0);
    return (gint64)pow(10.0, decades);
}

static void test_bounds(void)
{
    for (guint i = 0; i < 100000; i++) {
        gint64 value = i < 2000 ? (gint64)i + 1 : random_duration();
        gint32 index = triage_log_sketch_index(value);
        /* The bucket (g^(i-1), g^i] in exact arithmetic, not the rounded
         * bounds: the rounding is for display only. */
        g_assert_cmpfloat((double)value, >, pow(TRIAGE_LOG_SKETCH_GAMMA, index - 1));
        g_assert_cmpfloat((double)value, <=, pow(TRIAGE_LOG_SKETCH_GAMMA, index));
        g_assert_cmpint(triage_log_sketch_lower_bound(index), <=, value);
        g_assert_cmpint(triage_log_sketch_upper_bound(index), >=, value);
    }
}

static void test_percentiles_within_one_percent(void)
{
    for (guint round = 0; round < 20; round++) {
        gsize count = (gsize)g_test_rand_int_range(1, 5000);
        gint64 *values = g_new(gint64, count);
        triage_log_sketch *sketch = triage_log_sketch_new();
        for (gsize i = 0; i < count; i++) {
            values[i] = random_duration();
            triage_log_sketch_add(sketch, values[i]);
        }
        qsort(values, count, sizeof *values, compare_values);
        g_assert_cmpuint(triage_log_sketch_count(sketch), ==, count);
        for (guint percent = 1; percent <= 100; percent++) {
            gsize rank = (count * percent + 99) / 100; /* nearest rank, 1-based */
            double exact = (double)values[rank - 1];
            double estimate = (double)triage_log_sketch_percentile(sketch, percent);
            /* +1 ns: the estimate is rounded to whole nanoseconds */
            g_assert_cmpfloat(fabs(estimate - exact), <=, exact * TRIAGE_LOG_SKETCH_ACCURACY + 1.0);
        }
        triage_log_sketch_free(sketch);
        g_free(values);
    }
}

static void assert_same_buckets(const triage_log_sketch *a, const triage_log_sketch *b)
{
    guint count_a, count_b;
    triage_log_bucket *buckets_a = triage_log_sketch_buckets(a, &count_a);
    triage_log_bucket *buckets_b = triage_log_sketch_buckets(b, &count_b);
    g_assert_cmpuint(count_a, ==, count_b);
    for (guint i = 0; i < count_a; i++) {
        g_assert_cmpint(buckets_a[i].index, ==, buckets_b[i].index);
        g_assert_cmpuint(buckets_a[i].count, ==, buckets_b[i].count);
    }
    g_assert_cmpuint(triage_log_sketch_count(a), ==, triage_log_sketch_count(b));
    g_assert_cmpuint(triage_log_sketch_zero_count(a), ==, triage_log_sketch_zero_count(b));
    g_free(buckets_a);
    g_free(buckets_b);
}

static void test_merge(void)
{
    triage_log_sketch *parts[3], *whole = triage_log_sketch_new();
    for (guint p = 0; p < 3; p++) {
        parts[p] = triage_log_sketch_new();
        for (guint i = 0; i < 1000 * (p + 1); i++) {
            gint64 value = i % 97 == 0 ? 0 : random_duration();
            triage_log_sketch_add(parts[p], value);
            triage_log_sketch_add(whole, value);
        }
    }
    /* (a + b) + c */
    triage_log_sketch *left = triage_log_sketch_new();
    triage_log_sketch_merge(left, parts[0]);
    triage_log_sketch_merge(left, parts[1]);
    triage_log_sketch_merge(left, parts[2]);
    /* c + (b + a) */
    triage_log_sketch *inner = triage_log_sketch_new();
    triage_log_sketch_merge(inner, parts[1]);
    triage_log_sketch_merge(inner, parts[0]);
    triage_log_sketch *right = triage_log_sketch_new();
    triage_log_sketch_merge(right, parts[2]);
    triage_log_sketch_merge(right, inner);

    assert_same_buckets(left, whole);
    assert_same_buckets(right, whole);
    for (guint percent = 1; percent <= 100; percent++)
        g_assert_cmpint(triage_log_sketch_percentile(left, percent), ==,
                        triage_log_sketch_percentile(whole, percent));
    triage_log_sketch_free(inner);
    triage_log_sketch_free(left);
    triage_log_sketch_free(right);
    triage_log_sketch_free(whole);
    for (guint p = 0; p < 3; p++)
        triage_log_sketch_free(parts[p]);
}

static void test_zero_bucket_and_empty(void)
{
    triage_log_sketch *sketch = triage_log_sketch_new();
    guint count;
    g_assert_cmpint(triage_log_sketch_percentile(sketch, 50), ==, 0);
    g_free(triage_log_sketch_buckets(sketch, &count));
    g_assert_cmpuint(count, ==, 0);

    /* 0 and a clock step back share the zero bucket; three of five values
     * are there, so p60 is 0 and p80 is the 1 ms bucket. */
    triage_log_sketch_add(sketch, 0);
    triage_log_sketch_add(sketch, -5);
    triage_log_sketch_add(sketch, 0);
    triage_log_sketch_add(sketch, 1000000);
    triage_log_sketch_add(sketch, 1000000);
    g_assert_cmpuint(triage_log_sketch_zero_count(sketch), ==, 3);
    g_assert_cmpuint(triage_log_sketch_count(sketch), ==, 5);
    g_assert_cmpint(triage_log_sketch_percentile(sketch, 60), ==, 0);
    gint64 p80 = triage_log_sketch_percentile(sketch, 80);
    g_assert_cmpint(p80, >=, 990000);
    g_assert_cmpint(p80, <=, 1010000);
    triage_log_bucket *buckets = triage_log_sketch_buckets(sketch, &count);
    g_assert_cmpuint(count, ==, 1);
    g_assert_cmpuint(buckets[0].count, ==, 2);
    g_free(buckets);
    triage_log_sketch_free(sketch);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/log_sketch/bounds", test_bounds);
    g_test_add_func("/log_sketch/percentiles-within-one-percent", test_percentiles_within_one_percent);
    g_test_add_func("/log_sketch/merge", test_merge);
    g_test_add_func("/log_sketch/zero-bucket-and-empty", test_zero_bucket_and_empty);
    return g_test_run();
}
