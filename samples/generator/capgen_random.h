/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capgen_random.h — a small seeded generator whose output is the same on
 * every platform and library version, so "same seed = same bytes" holds
 * (GLib's GRand makes no such promise across releases).
 */
#ifndef CAPGEN_RANDOM_H
#define CAPGEN_RANDOM_H

#include <glib.h>

typedef struct capgen_random {
    guint64 state;
} capgen_random;

void capgen_random_init(capgen_random *random, guint64 seed);
guint64 capgen_random_next(capgen_random *random);
/* Uniform in [0, bound); bound must be > 0. */
guint64 capgen_random_below(capgen_random *random, guint64 bound);
/* Uniform in [low, high]. */
gint64 capgen_random_range(capgen_random *random, gint64 low, gint64 high);

/* A stateless mix of two values: lets bulk scenarios decide connection i's
 * fate without keeping state per connection. */
guint64 capgen_hash(guint64 seed, guint64 value);

#endif
