/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * protocol_masks.h — Wireshark protocol id -> 64-bit mask, for per-packet
 * questions such as "which rules name a protocol of this frame?".
 *
 * A frame has a handful of layers and a policy names a few dozen protocols,
 * so a small open-addressing table answers each layer with one multiply and
 * one or two compares; the per-packet path neither loops over rules nor
 * allocates.
 */
#ifndef TRIAGE_PROTOCOL_MASKS_H
#define TRIAGE_PROTOCOL_MASKS_H

#include <glib.h>

typedef struct triage_protocol_masks triage_protocol_masks;

triage_protocol_masks *triage_protocol_masks_new(void);
void triage_protocol_masks_free(triage_protocol_masks *masks);

/* ORs bits into the mask of protocol_id (>= 0; negative ids are ignored,
 * as Wireshark returns -1 for an unknown name). */
void triage_protocol_masks_add(triage_protocol_masks *masks, int protocol_id, guint64 bits);

/* The mask of one protocol; 0 when it was never added. */
guint64 triage_protocol_masks_get(const triage_protocol_masks *masks, int protocol_id);

/* The OR of the masks of every layer. */
guint64 triage_protocol_masks_of_layers(const triage_protocol_masks *masks, const int *layer_ids,
                                        guint layer_count);

#endif
