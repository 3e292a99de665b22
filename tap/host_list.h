/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host_list.h — the names of a hosts criterion, and the question whether
 * a name is one of them.
 *
 * An entry is an exact name ("tracker.example.org") or a wildcard
 * ("*.example.org": every name below example.org, not example.org itself;
 * list both to mean both).  Comparison ignores ASCII case and one trailing
 * dot.  Looking a name up costs one hash lookup per label it has, whatever
 * the size of the list.
 */
#ifndef TRIAGE_HOST_LIST_H
#define TRIAGE_HOST_LIST_H

#include "host_name.h"

typedef struct triage_host_list triage_host_list;

triage_host_list *triage_host_list_new(void);
void triage_host_list_free(triage_host_list *list);

/* Adds one entry.  FALSE with a reason (g_free it) when it is not a name
 * or a "*." wildcard of one: "'exa mple.org' is not a host name". */
gboolean triage_host_list_add(triage_host_list *list, const char *entry, char **reason_out);
guint triage_host_list_count(const triage_host_list *list);

/* name as the parsers give it (host_name.h: lowercase, no trailing dot). */
gboolean triage_host_list_contains(const triage_host_list *list, const char *name);

#endif
