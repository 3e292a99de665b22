/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log_sketch.h — a mergeable histogram of durations with logarithmic
 * buckets (the DDSketch idea: Masson, Rim and Lee, VLDB 2019).
 *
 * A positive duration x (nanoseconds) falls into bucket i = ceil(log_g(x)),
 * which covers (g^(i-1), g^i] with g = (1 + a) / (1 - a) and a = 1 %.  Any
 * value of bucket i is within a of the bucket's middle 2 g^i / (g + 1), so a
 * percentile read from the sketch is within 1 % of the value nearest rank
 * would give on the raw values.  Durations of zero or less (clock steps)
 * share one zero bucket, whose value is 0.
 *
 * Why a sketch and not the raw values: its state is a few hundred integer
 * pairs whatever the number of connections, and two sketches merge by adding
 * their counts bucket by bucket — exactly, associatively and commutatively,
 * with integers only — so histograms and percentiles of several captures
 * combine as if one capture had been read.  The same bucket formula must be
 * used everywhere: TRIAGE_LOG_SKETCH_GAMMA is part of the report format.
 *
 * Plain C + GLib: no epan.
 */
#ifndef TRIAGE_LOG_SKETCH_H
#define TRIAGE_LOG_SKETCH_H

#include <glib.h>

/* a = 0.01: g = 1.01 / 0.99 */
#define TRIAGE_LOG_SKETCH_ACCURACY 0.01
#define TRIAGE_LOG_SKETCH_GAMMA (1.01 / 0.99)

typedef struct triage_log_sketch triage_log_sketch;

typedef struct triage_log_bucket {
    gint32 index;  /* covers (g^(index-1), g^index] nanoseconds */
    guint64 count;
} triage_log_bucket;

triage_log_sketch *triage_log_sketch_new(void);
void triage_log_sketch_free(triage_log_sketch *sketch);
void triage_log_sketch_add(triage_log_sketch *sketch, gint64 nanoseconds);
/* Adds every count of source into target (source unchanged). */
void triage_log_sketch_merge(triage_log_sketch *target, const triage_log_sketch *source);
/* Takes one duration added before back out (a connection two captures of a
 * fleet both saw); FALSE when its bucket is empty.  An emptied bucket goes,
 * so the sketch equals one that never had the duration. */
gboolean triage_log_sketch_remove(triage_log_sketch *sketch, gint64 nanoseconds);
/* Adds count durations to one bucket, or to the zero bucket (a sketch read
 * back from its buckets). */
void triage_log_sketch_add_bucket(triage_log_sketch *sketch, gint32 index, guint64 count);
void triage_log_sketch_add_zero(triage_log_sketch *sketch, guint64 count);

guint64 triage_log_sketch_count(const triage_log_sketch *sketch);
guint64 triage_log_sketch_zero_count(const triage_log_sketch *sketch);
/* The non-empty buckets, lowest index first; g_free the array. */
triage_log_bucket *triage_log_sketch_buckets(const triage_log_sketch *sketch, guint *count);

/* The bucket of a positive duration, and a bucket's bounds in nanoseconds
 * (rounded to the nearest nanosecond). */
gint32 triage_log_sketch_index(gint64 nanoseconds);
gint64 triage_log_sketch_lower_bound(gint32 index);
gint64 triage_log_sketch_upper_bound(gint32 index);

/* The nearest-rank percent-th percentile (0 < percent <= 100) as the middle
 * of its bucket (0 for the zero bucket), within 1 % of the exact one; 0
 * when the sketch is empty. */
gint64 triage_log_sketch_percentile(const triage_log_sketch *sketch, guint percent);

#endif
