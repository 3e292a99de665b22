/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pair_set.c — open addressing with linear probing over packed pairs.
 *
 * The array holds at least twice the maximum size, so probe runs stay short
 * and no resize is ever needed.
 */
#include "pair_set.h"

#define EMPTY_SLOT G_MAXUINT64

struct triage_pair_set {
    guint64 *slots;
    guint64 mask;      /* slot count - 1; the count is a power of two */
    guint index_shift; /* 64 - log2(slot count) */
    guint32 size;
    guint32 maximum_size;
};

triage_pair_set *triage_pair_set_new(guint32 maximum_size)
{
    triage_pair_set *set = g_new0(triage_pair_set, 1);
    guint64 slot_count = 16;
    guint index_bits = 4;
    while (slot_count < (guint64)maximum_size * 2) {
        slot_count *= 2;
        index_bits++;
    }
    set->slots = g_new(guint64, slot_count);
    for (guint64 i = 0; i < slot_count; i++)
        set->slots[i] = EMPTY_SLOT;
    set->mask = slot_count - 1;
    set->index_shift = 64 - index_bits;
    set->maximum_size = maximum_size;
    return set;
}

void triage_pair_set_free(triage_pair_set *set)
{
    if (set == NULL)
        return;
    g_free(set->slots);
    g_free(set);
}

gboolean triage_pair_set_add(triage_pair_set *set, guint32 first, guint32 second)
{
    guint64 key = (guint64)first << 32 | second;
    g_assert(second != G_MAXUINT32);
    /* Fibonacci hashing: the multiplication mixes both halves into the high
     * bits, which pick the slot. */
    guint64 slot = (key * G_GUINT64_CONSTANT(0x9E3779B97F4A7C15)) >> set->index_shift;
    while (set->slots[slot] != EMPTY_SLOT) {
        if (set->slots[slot] == key)
            return FALSE;
        slot = (slot + 1) & set->mask;
    }
    g_assert(set->size < set->maximum_size);
    set->slots[slot] = key;
    set->size++;
    return TRUE;
}
