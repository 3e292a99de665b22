/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * summary_read.h — a schema 2 JSON document's "summary" member, read back.
 */
#ifndef TRIAGE_SUMMARY_READ_H
#define TRIAGE_SUMMARY_READ_H

#include "summary.h"

/* The summary of the document text; NULL with *error (g_free it) naming
 * what is wrong and where ("summary.servers[3].port: out of range"). */
triage_summary *triage_summary_read_document(const char *text, gsize length, char **error);

#endif
