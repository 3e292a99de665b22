/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_protocols.h — a small stand-in for Wireshark's protocol registry.
 *
 * The policy compiles protocol names to ids through a resolver the glue
 * supplies (proto_get_id_by_filter_name in the plugin).  Fuzz targets need
 * one that knows the names the default policy, the carrier list and the
 * seed inputs use, so that rules with protocols compile and packets can
 * carry layers those rules look for.  Ids are dense, 0 .. count-1.
 */
#ifndef TRIAGE_FUZZ_PROTOCOLS_H
#define TRIAGE_FUZZ_PROTOCOLS_H

#include <glib.h>

/* triage_protocol_resolver_fn: the id of a known filter name, else -1. */
int fuzz_protocols_resolve(const char *filter_name, void *user_data);
/* triage_protocol_name_fn: the filter name of an id, NULL when unknown. */
const char *fuzz_protocols_name(int protocol_id, void *user_data);
/* How many ids there are. */
guint fuzz_protocols_count(void);

#endif
