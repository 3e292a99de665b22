/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * protocol_masks.c — open addressing with linear probing, kept at most
 * half full so a miss (the usual answer: eth, ip, tcp name no rule) ends at
 * the first or second slot.
 */
#include "protocol_masks.h"

#define EMPTY_KEY (-1)
#define INITIAL_SLOT_BITS 5

typedef struct slot {
    int protocol_id;
    guint64 bits;
} slot;

struct triage_protocol_masks {
    slot *slots;
    guint slot_bits; /* the table has 1 << slot_bits slots */
    guint used;
};

static guint slot_count(const triage_protocol_masks *masks)
{
    return 1u << masks->slot_bits;
}

/* Fibonacci hashing: protocol ids are small consecutive-ish integers, and
 * the multiplication spreads them over the high bits. */
static guint home_slot(const triage_protocol_masks *masks, int protocol_id)
{
    return (guint)(((guint32)protocol_id * 0x9E3779B1u) >> (32 - masks->slot_bits));
}

static slot *find_slot(const triage_protocol_masks *masks, int protocol_id)
{
    guint mask = slot_count(masks) - 1;
    guint index = home_slot(masks, protocol_id);
    while (masks->slots[index].protocol_id != EMPTY_KEY && masks->slots[index].protocol_id != protocol_id)
        index = (index + 1) & mask;
    return &masks->slots[index];
}

static void allocate_slots(triage_protocol_masks *masks, guint slot_bits)
{
    masks->slot_bits = slot_bits;
    masks->slots = g_new(slot, slot_count(masks));
    for (guint i = 0; i < slot_count(masks); i++) {
        masks->slots[i].protocol_id = EMPTY_KEY;
        masks->slots[i].bits = 0;
    }
}

static void grow(triage_protocol_masks *masks)
{
    slot *old = masks->slots;
    guint old_count = slot_count(masks);
    allocate_slots(masks, masks->slot_bits + 1);
    for (guint i = 0; i < old_count; i++) {
        if (old[i].protocol_id != EMPTY_KEY)
            *find_slot(masks, old[i].protocol_id) = old[i];
    }
    g_free(old);
}

triage_protocol_masks *triage_protocol_masks_new(void)
{
    triage_protocol_masks *masks = g_new0(triage_protocol_masks, 1);
    allocate_slots(masks, INITIAL_SLOT_BITS);
    return masks;
}

void triage_protocol_masks_free(triage_protocol_masks *masks)
{
    if (masks == NULL)
        return;
    g_free(masks->slots);
    g_free(masks);
}

void triage_protocol_masks_add(triage_protocol_masks *masks, int protocol_id, guint64 bits)
{
    if (protocol_id < 0)
        return;
    if ((masks->used + 1) * 2 > slot_count(masks))
        grow(masks);
    slot *entry = find_slot(masks, protocol_id);
    if (entry->protocol_id == EMPTY_KEY) {
        entry->protocol_id = protocol_id;
        masks->used++;
    }
    entry->bits |= bits;
}

guint64 triage_protocol_masks_get(const triage_protocol_masks *masks, int protocol_id)
{
    if (protocol_id < 0)
        return 0;
    return find_slot(masks, protocol_id)->bits;
}

guint64 triage_protocol_masks_of_layers(const triage_protocol_masks *masks, const int *layer_ids,
                                        guint layer_count)
{
    guint64 bits = 0;
    for (guint i = 0; i < layer_count; i++)
        bits |= triage_protocol_masks_get(masks, layer_ids[i]);
    return bits;
}
