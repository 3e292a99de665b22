/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_dns_name.c — the question name of a DNS query (tap/dns_name.c) on
 * arbitrary bytes: as a UDP payload, and as the start of a TCP stream (a
 * two-byte length first).  Beyond memory safety (each prefix is read from a
 * copy of its own size): a name found is valid (fuzz_host_checks.h); over
 * TCP, once an answer is known more bytes never change it; over UDP, a
 * name found in a datagram stays the name whatever follows the question.
 */
#include "dns_name.h"
#include "support/fuzz_host_checks.h"

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
    fuzz_check_prefixes(triage_dns_query_name, data, size, TRUE);
    fuzz_check_prefixes(triage_dns_tcp_query_name, data, size, FALSE);
    return 0;
}
