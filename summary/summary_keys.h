/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * summary_keys.h — what a summary's rows are keyed and ordered by, shared
 * by summary.c (the rows and their merge), summary_order.c (their fixed
 * order) and summary_dedup.c (one view of a shared connection).  Not for
 * other code: summary.h is the interface.
 */
#ifndef TRIAGE_SUMMARY_KEYS_H
#define TRIAGE_SUMMARY_KEYS_H

#include "summary.h"

#define COMPARE_NUMBERS(a, b) (((a) > (b)) - ((a) < (b)))

/* Sightings are keyed by what two captures of one connection share; the
 * key is hashed as bytes, so build it from memset. */
typedef struct triage_summary_sighting_key {
    triage_address client, server;
    guint16 client_port, server_port;
    guint32 isn;
} triage_summary_sighting_key;

int triage_summary_compare_addresses(const triage_address *left, const triage_address *right);
int triage_summary_finding_compare_keys(const triage_summary_finding *left, const triage_summary_finding *right);
int triage_summary_endpoint_compare_keys(const triage_summary_endpoint *left, const triage_summary_endpoint *right);
int triage_summary_lookup_compare_keys(const triage_summary_lookup *left, const triage_summary_lookup *right);
void triage_summary_sighting_key_of(const triage_summary_sighting *sighting, triage_summary_sighting_key *key);
int triage_summary_sighting_key_compare(const triage_summary_sighting_key *left,
                                        const triage_summary_sighting_key *right);

#endif
