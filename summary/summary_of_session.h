/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * summary_of_session.h — the summary (summary.h) of one capture, made from
 * the source and options its reports are made from.
 */
#ifndef TRIAGE_SUMMARY_OF_SESSION_H
#define TRIAGE_SUMMARY_OF_SESSION_H

#include "summary.h"
#include "report_source.h"

/* capture_name names the capture in every row (the file name's stem, or
 * name=); slowest_limit is how many slowest handshakes it keeps. */
triage_summary *triage_summary_of_session(const triage_report_source *source, const triage_report_options *options,
                                          const char *capture_name, guint slowest_limit);

#endif
