/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_policy.h — the Policy Findings report (DESIGN §3, JSON keys of §5).
 *
 * Sections, in order:
 *   policy        RECORD  source ("default", "table", "file"), path, mode
 *                         ("denylist", "allowlist"), rules (usable ones),
 *                         invalid_rules [{line, reason}], connections (judged),
 *                         connections_without_payload (allow-list mode: not
 *                         judged as unexpected; null otherwise)
 *   findings      LIST    one row per alert rule that decided something, two
 *                         when some of its connections rest on the port alone
 *                         (port_only true: severity note, the message says
 *                         "Port only — confirm"), errors first, then by
 *                         connections: evidence (what matched: "port",
 *                         "protocol", "payload", "address", "filter",
 *                         comma-separated), port_only, connections,
 *                         matched_packets (packets that matched the rule),
 *                         packets and bytes (of those connections, whole and
 *                         both directions), first/last matched frame and time,
 *                         and the top N connections as "endpoints" (each with
 *                         its own evidence)
 *   unexpected    LIST    allow-list mode: connections no rule decided, by
 *                         application protocol (empty in deny-list mode)
 *   silent_rules  VALUES  alert rules that never decided a connection or frame
 *                         (one that decided a connection until a lower rule
 *                         took it over did match, so it is not silent, and so
 *                         did one whose content confirmed its family's finding)
 *
 * Frames without a connection (not IP) that a protocols/filter rule matched
 * count in matched_packets, packets and bytes, not in connections.
 * top = 0 shows every endpoint.
 */
#ifndef TRIAGE_REPORT_POLICY_H
#define TRIAGE_REPORT_POLICY_H

#include "report.h"
#include "policy.h"
#include "report_source.h"

/* The policy in force and what it found in the selected connections.
 * Without a policy engine (no policy ran) the report only describes the
 * policy: options->policy_source, _path and _errors say where it came from
 * and what was wrong with it; options->names.protocol_name names the
 * application protocols of unexpected connections. */
triage_report *triage_policy_report_build(const triage_report_source *source, const triage_report_options *options);

/* The findings table's columns from rule to last (the frame columns only
 * with_frames: a fleet's findings span captures), for the fleet report. */
void triage_policy_add_finding_columns(triage_table *table, gboolean with_frames);
/* The lookups table with its columns and no rows (frames: as above). */
triage_table *triage_policy_lookups_table_new(gboolean with_frames);

#endif
