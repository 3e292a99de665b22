/* SPDX-License-Identifier: GPL-2.0-or-later */
/* distinct.c — see distinct.h. */
#include "distinct.h"

#include <math.h>
#include <string.h>

void triage_distinct_init(triage_distinct *set)
{
    set->addresses = g_array_new(FALSE, TRUE, sizeof(triage_address));
    set->registers = NULL;
}

void triage_distinct_clear(triage_distinct *set)
{
    if (set->addresses != NULL)
        g_array_free(set->addresses, TRUE);
    g_free(set->registers);
    set->addresses = NULL;
    set->registers = NULL;
}

gboolean triage_distinct_is_exact(const triage_distinct *set)
{
    return set->registers == NULL;
}

/* The address as 17 bytes (family, then the 16 address bytes): the struct
 * has no padding, but the bytes are what the hash and order are defined on. */
static int compare_addresses(const triage_address *left, const triage_address *right)
{
    if (left->family != right->family)
        return left->family < right->family ? -1 : 1;
    return memcmp(left->bytes, right->bytes, sizeof left->bytes);
}

/* 64-bit FNV-1a over the 17 bytes, then the splitmix64 finaliser so that
 * every output bit depends on every input bit.  Fixed forever: registers
 * written by one build are read by another. */
static guint64 address_hash(const triage_address *address)
{
    guint64 hash = G_GUINT64_CONSTANT(0xcbf29ce484222325);

    hash = (hash ^ address->family) * G_GUINT64_CONSTANT(0x100000001b3);
    for (gsize i = 0; i < sizeof address->bytes; i++)
        hash = (hash ^ address->bytes[i]) * G_GUINT64_CONSTANT(0x100000001b3);
    hash ^= hash >> 30;
    hash *= G_GUINT64_CONSTANT(0xbf58476d1ce4e5b9);
    hash ^= hash >> 27;
    hash *= G_GUINT64_CONSTANT(0x94d049bb133111eb);
    hash ^= hash >> 31;
    return hash;
}

static void sketch_add(guint8 *registers, const triage_address *address)
{
    guint64 hash = address_hash(address);
    guint index = (guint)(hash >> (64 - TRIAGE_DISTINCT_REGISTER_BITS));
    guint64 rest = hash << TRIAGE_DISTINCT_REGISTER_BITS;
    guint8 rank = 1;

    while (rank <= 64 - TRIAGE_DISTINCT_REGISTER_BITS && (rest & G_GUINT64_CONSTANT(0x8000000000000000)) == 0) {
        rank++;
        rest <<= 1;
    }
    if (registers[index] < rank)
        registers[index] = rank;
}

static void become_sketch(triage_distinct *set)
{
    set->registers = g_new0(guint8, TRIAGE_DISTINCT_REGISTERS);
    for (guint i = 0; i < set->addresses->len; i++)
        sketch_add(set->registers, &g_array_index(set->addresses, triage_address, i));
    g_array_free(set->addresses, TRUE);
    set->addresses = NULL;
}

/* Binary search: the position of address, or where it would go. */
static guint position_of(const GArray *addresses, const triage_address *address, gboolean *found)
{
    guint low = 0, high = addresses->len;

    *found = FALSE;
    while (low < high) {
        guint middle = low + (high - low) / 2;
        int order = compare_addresses(&g_array_index(addresses, triage_address, middle), address);
        if (order == 0) {
            *found = TRUE;
            return middle;
        }
        if (order < 0)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

void triage_distinct_add(triage_distinct *set, const triage_address *address)
{
    gboolean found;
    guint position;

    if (set->registers != NULL) {
        sketch_add(set->registers, address);
        return;
    }
    /* sets are written in order, so reading one back appends */
    if (set->addresses->len == 0
        || compare_addresses(&g_array_index(set->addresses, triage_address, set->addresses->len - 1), address) < 0) {
        g_array_append_val(set->addresses, *address);
        if (set->addresses->len > TRIAGE_DISTINCT_EXACT_LIMIT)
            become_sketch(set);
        return;
    }
    position = position_of(set->addresses, address, &found);
    if (found)
        return;
    g_array_insert_val(set->addresses, position, *address);
    if (set->addresses->len > TRIAGE_DISTINCT_EXACT_LIMIT)
        become_sketch(set);
}

void triage_distinct_merge(triage_distinct *target, const triage_distinct *source)
{
    if (source->registers == NULL) {
        for (guint i = 0; i < source->addresses->len; i++)
            triage_distinct_add(target, &g_array_index(source->addresses, triage_address, i));
        return;
    }
    if (target->registers == NULL)
        become_sketch(target);
    for (guint i = 0; i < TRIAGE_DISTINCT_REGISTERS; i++)
        if (target->registers[i] < source->registers[i])
            target->registers[i] = source->registers[i];
}

void triage_distinct_set_register(triage_distinct *set, guint index, guint8 value)
{
    g_return_if_fail(index < TRIAGE_DISTINCT_REGISTERS);
    if (set->registers == NULL)
        become_sketch(set);
    if (set->registers[index] < value)
        set->registers[index] = value;
}

guint64 triage_distinct_count(const triage_distinct *set)
{
    const double m = TRIAGE_DISTINCT_REGISTERS;
    double sum = 0, estimate;
    guint zeros = 0;

    if (set->registers == NULL)
        return set->addresses->len;
    for (guint i = 0; i < TRIAGE_DISTINCT_REGISTERS; i++) {
        sum += ldexp(1.0, -(int)set->registers[i]);
        if (set->registers[i] == 0)
            zeros++;
    }
    estimate = (0.7213 / (1.0 + 1.079 / m)) * m * m / sum;
    /* Small sets: linear counting is the better estimate (the HLL paper's
     * range correction). */
    if (estimate <= 2.5 * m && zeros > 0)
        estimate = m * log(m / zeros);
    return (guint64)llround(estimate);
}
