/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "capgen_random.h"

/* SplitMix64 (Steele, Lea, Flood 2014): tiny, fast and fully specified. */
static guint64 splitmix64_mix(guint64 z)
{
    z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

void capgen_random_init(capgen_random *random, guint64 seed)
{
    random->state = seed;
}

guint64 capgen_random_next(capgen_random *random)
{
    random->state += G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
    return splitmix64_mix(random->state);
}

guint64 capgen_random_below(capgen_random *random, guint64 bound)
{
    /* The modulo bias is below 2^-40 for the bounds used here. */
    return capgen_random_next(random) % bound;
}

gint64 capgen_random_range(capgen_random *random, gint64 low, gint64 high)
{
    return low + (gint64)capgen_random_below(random, (guint64)(high - low) + 1);
}

guint64 capgen_hash(guint64 seed, guint64 value)
{
    return splitmix64_mix(seed * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15) + value + 1);
}
