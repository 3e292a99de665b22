/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pair_set.h — a set of (guint32, guint32) pairs, for distinct counting.
 *
 * "How many distinct initiators does this destination have" over a million
 * connections is a million set insertions.  A GHashTable of pointers costs
 * an allocation-sized entry and a pointer chase per probe; this set stores
 * the pair itself, packed in 64 bits, in one open-addressing array sized
 * once for its known maximum: no growth, no per-entry memory, one cache
 * line per insertion.
 */
#ifndef TRIAGE_PAIR_SET_H
#define TRIAGE_PAIR_SET_H

#include <glib.h>

typedef struct triage_pair_set triage_pair_set;

/* maximum_size: how many distinct pairs will ever be added (it is not
 * checked beyond an assertion: the array is sized from it). */
triage_pair_set *triage_pair_set_new(guint32 maximum_size);
void triage_pair_set_free(triage_pair_set *set);
/* TRUE when the pair was not in the set yet.  second must not be
 * G_MAXUINT32 (it marks empty slots). */
gboolean triage_pair_set_add(triage_pair_set *set, guint32 first, guint32 second);

#endif
