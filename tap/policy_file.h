/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * policy_file.h — building a policy from text: a policy file, the rows of
 * the triage_policy UAT table, or the built-in default.
 *
 * The file is CSV (RFC 4180) with a header row naming its columns (see
 * samples/policies/README.md for the grammar users read).  A problem with
 * the header makes the whole file unusable, since no line can be read
 * without it; a problem with one rule skips that rule and keeps the rest.
 * Every problem is reported as "file:line: reason" (the UAT's as
 * "triage_policy table row N: reason"), reason naming the field and value.
 */
#ifndef TRIAGE_POLICY_FILE_H
#define TRIAGE_POLICY_FILE_H

#include "policy.h"

/* The column names, in the order the default policy writes them. */
#define TRIAGE_POLICY_COLUMNS "name,action,severity,message,protocols,ports,peers,payload,filter,family,hosts"

/* The display name used in the default policy's error lines. */
#define TRIAGE_POLICY_DEFAULT_NAME "default policy"

/* Never returns NULL: a file that cannot be used gives an empty policy and
 * says why in errors_out (of triage_policy_error*, see
 * triage_policy_errors_new(); may be NULL).  display_name is the file name
 * shown in errors.  text need not be NUL-terminated. */
triage_policy *triage_policy_parse_file_text(const char *text, gsize length, const char *display_name,
                                             triage_protocol_resolver_fn resolver, void *resolver_data,
                                             GPtrArray *errors_out);

/* Rows already split into fields (the UAT): the same rules and checks as
 * the file, rows numbered from 1 in the errors.  Never returns NULL. */
triage_policy *triage_policy_from_rows(const triage_policy_row *rows, guint count,
                                       triage_protocol_resolver_fn resolver, void *resolver_data,
                                       GPtrArray *errors_out);

/* Checks one row on its own, for the UAT's per-record check: FALSE with a
 * reason (g_free it) when the row cannot be a rule.  Cannot see problems
 * between rows (a duplicate name): triage_policy_from_rows reports those. */
gboolean triage_policy_check_row(const triage_policy_row *row, triage_protocol_resolver_fn resolver,
                                 void *resolver_data, char **reason_out);

/* The built-in policy: the text of samples/policies/default.csv, compiled
 * into the plugin (policy_default.c) so tshark works without any file. */
extern const char triage_policy_default_text[];
/* The lists it names with "@" (the .txt files beside default.csv), compiled in beside
 * it: name, text, name, text, ..., NULL. */
extern const char *const triage_policy_default_lists[];
triage_policy *triage_policy_default(triage_protocol_resolver_fn resolver, void *resolver_data,
                                     GPtrArray *errors_out);

#endif
