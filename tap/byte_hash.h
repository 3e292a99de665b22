/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * byte_hash.h — hashing of packed binary keys (addresses, ports).
 *
 * Keys in the engines are fixed-size bytes, never strings: hashing them is a
 * short loop with no allocation.  FNV-1a spreads such keys well enough for
 * GHashTable, and chaining calls hashes a composite key without first
 * copying its parts into one buffer.
 */
#ifndef TRIAGE_BYTE_HASH_H
#define TRIAGE_BYTE_HASH_H

#include <glib.h>

#define TRIAGE_HASH_SEED 2166136261u

static inline guint32 triage_hash_bytes(guint32 hash, const void *bytes, gsize length)
{
    const guint8 *cursor = bytes;
    for (gsize i = 0; i < length; i++) {
        hash ^= cursor[i];
        hash *= 16777619u;
    }
    return hash;
}

#endif
