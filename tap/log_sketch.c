/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log_sketch.c — see log_sketch.h.
 *
 * The buckets are a hash table from index to count: a capture's handshake
 * times span a few decades at most, so a few hundred buckets are in use,
 * and an empty bucket costs nothing.
 */
#include "log_sketch.h"

#include <math.h>
#include <stdlib.h>

struct triage_log_sketch {
    GHashTable *buckets; /* GINT_TO_POINTER(index) -> guint64 * count */
    guint64 zero;
    guint64 total;
};

triage_log_sketch *triage_log_sketch_new(void)
{
    triage_log_sketch *sketch = g_new0(triage_log_sketch, 1);
    sketch->buckets = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    return sketch;
}

void triage_log_sketch_free(triage_log_sketch *sketch)
{
    if (sketch == NULL)
        return;
    g_hash_table_destroy(sketch->buckets);
    g_free(sketch);
}

gint32 triage_log_sketch_index(gint64 nanoseconds)
{
    g_return_val_if_fail(nanoseconds > 0, 0);
    /* log(x)/log(g) can land a hair off an exact power of g; correct the
     * ceiling against the bounds themselves so that index and bounds never
     * disagree. */
    gint32 index = (gint32)ceil(log((double)nanoseconds) / log(TRIAGE_LOG_SKETCH_GAMMA));
    if ((double)nanoseconds > pow(TRIAGE_LOG_SKETCH_GAMMA, index))
        index++;
    else if ((double)nanoseconds <= pow(TRIAGE_LOG_SKETCH_GAMMA, index - 1))
        index--;
    return index;
}

gint64 triage_log_sketch_lower_bound(gint32 index)
{
    return (gint64)llround(pow(TRIAGE_LOG_SKETCH_GAMMA, index - 1));
}

gint64 triage_log_sketch_upper_bound(gint32 index)
{
    return (gint64)llround(pow(TRIAGE_LOG_SKETCH_GAMMA, index));
}

static void add_to_bucket(triage_log_sketch *sketch, gint32 index, guint64 count)
{
    guint64 *slot = g_hash_table_lookup(sketch->buckets, GINT_TO_POINTER(index));
    if (slot == NULL) {
        slot = g_new0(guint64, 1);
        g_hash_table_insert(sketch->buckets, GINT_TO_POINTER(index), slot);
    }
    *slot += count;
}

void triage_log_sketch_add(triage_log_sketch *sketch, gint64 nanoseconds)
{
    g_return_if_fail(sketch != NULL);
    sketch->total++;
    if (nanoseconds <= 0)
        sketch->zero++;
    else
        add_to_bucket(sketch, triage_log_sketch_index(nanoseconds), 1);
}

gboolean triage_log_sketch_remove(triage_log_sketch *sketch, gint64 nanoseconds)
{
    g_return_val_if_fail(sketch != NULL, FALSE);
    if (nanoseconds <= 0) {
        if (sketch->zero == 0)
            return FALSE;
        sketch->zero--;
    } else {
        gint32 index = triage_log_sketch_index(nanoseconds);
        guint64 *slot = g_hash_table_lookup(sketch->buckets, GINT_TO_POINTER(index));
        if (slot == NULL)
            return FALSE;
        if (--*slot == 0)
            g_hash_table_remove(sketch->buckets, GINT_TO_POINTER(index));
    }
    sketch->total--;
    return TRUE;
}

void triage_log_sketch_add_bucket(triage_log_sketch *sketch, gint32 index, guint64 count)
{
    g_return_if_fail(sketch != NULL);
    if (count == 0)
        return;
    add_to_bucket(sketch, index, count);
    sketch->total += count;
}

void triage_log_sketch_add_zero(triage_log_sketch *sketch, guint64 count)
{
    g_return_if_fail(sketch != NULL);
    sketch->zero += count;
    sketch->total += count;
}

void triage_log_sketch_merge(triage_log_sketch *target, const triage_log_sketch *source)
{
    GHashTableIter iter;
    gpointer key, value;

    g_return_if_fail(target != NULL && source != NULL && target != source);
    g_hash_table_iter_init(&iter, source->buckets);
    while (g_hash_table_iter_next(&iter, &key, &value))
        add_to_bucket(target, GPOINTER_TO_INT(key), *(guint64 *)value);
    target->zero += source->zero;
    target->total += source->total;
}

guint64 triage_log_sketch_count(const triage_log_sketch *sketch)
{
    return sketch->total;
}

guint64 triage_log_sketch_zero_count(const triage_log_sketch *sketch)
{
    return sketch->zero;
}

static int compare_buckets(const void *a, const void *b)
{
    const triage_log_bucket *left = a, *right = b;
    return (left->index > right->index) - (left->index < right->index);
}

triage_log_bucket *triage_log_sketch_buckets(const triage_log_sketch *sketch, guint *count)
{
    GHashTableIter iter;
    gpointer key, value;
    guint n = 0;
    triage_log_bucket *buckets = g_new(triage_log_bucket, g_hash_table_size(sketch->buckets) + 1);

    g_hash_table_iter_init(&iter, sketch->buckets);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        buckets[n].index = GPOINTER_TO_INT(key);
        buckets[n].count = *(guint64 *)value;
        n++;
    }
    qsort(buckets, n, sizeof *buckets, compare_buckets);
    *count = n;
    return buckets;
}

gint64 triage_log_sketch_percentile(const triage_log_sketch *sketch, guint percent)
{
    g_return_val_if_fail(percent > 0 && percent <= 100, 0);
    if (sketch->total == 0)
        return 0;
    /* rank = ceil(percent/100 * total), in integers */
    guint64 rank = (sketch->total * percent + 99) / 100;
    if (rank <= sketch->zero)
        return 0;
    guint64 seen = sketch->zero;
    guint count;
    triage_log_bucket *buckets = triage_log_sketch_buckets(sketch, &count);
    gint64 value = 0;
    for (guint i = 0; i < count; i++) {
        seen += buckets[i].count;
        if (seen >= rank) {
            value = (gint64)llround(2.0 * pow(TRIAGE_LOG_SKETCH_GAMMA, buckets[i].index)
                                    / (TRIAGE_LOG_SKETCH_GAMMA + 1.0));
            break;
        }
    }
    g_free(buckets);
    return value;
}
