/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * distinct.h — how many distinct addresses, in a form that merges.
 *
 * A server's or destination's initiators cannot be summed across captures:
 * one client that reached the server from two instances' captures counts
 * once.  So a set is kept, exactly while it holds at most
 * TRIAGE_DISTINCT_EXACT_LIMIT addresses, and as a HyperLogLog sketch
 * (Flajolet et al. 2007) of 2^12 registers beyond: its relative standard
 * error is 1.04 / sqrt(4096) = 1.6 % (within 3.3 % for 95 % of sets).
 *
 * Merging is a set union while the union stays small, else the register-wise
 * maximum; a sketch made from a set is the sketch of its addresses, so the
 * result does not depend on the order or grouping of merges (integers
 * only, no randomness).  Plain C + GLib: no epan.
 */
#ifndef TRIAGE_DISTINCT_H
#define TRIAGE_DISTINCT_H

#include <glib.h>
#include "packet_facts.h"

#define TRIAGE_DISTINCT_EXACT_LIMIT 64
#define TRIAGE_DISTINCT_REGISTER_BITS 12
#define TRIAGE_DISTINCT_REGISTERS (1u << TRIAGE_DISTINCT_REGISTER_BITS)

typedef struct triage_distinct {
    GArray *addresses;  /* triage_address, ascending; NULL once sketched */
    guint8 *registers;  /* TRIAGE_DISTINCT_REGISTERS; NULL while exact */
} triage_distinct;

void triage_distinct_init(triage_distinct *set);
void triage_distinct_clear(triage_distinct *set);
void triage_distinct_add(triage_distinct *set, const triage_address *address);
void triage_distinct_merge(triage_distinct *target, const triage_distinct *source);
gboolean triage_distinct_is_exact(const triage_distinct *set);
/* The exact count, or the sketch's estimate rounded to an integer. */
guint64 triage_distinct_count(const triage_distinct *set);
/* Sets a register (a sketch read back); makes the set a sketch. */
void triage_distinct_set_register(triage_distinct *set, guint index, guint8 value);

#endif
