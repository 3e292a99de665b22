/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_http_host.c — the Host of an HTTP/1.x request (tap/http_host.c) on
 * arbitrary bytes taken as the start of a client's TCP stream, one prefix
 * at a time.  Beyond memory safety (each prefix from a copy of its own
 * size): a name found is valid, and once a prefix has an answer other than
 * NEED_MORE every longer one has the same answer and name.
 */
#include "http_host.h"
#include "support/fuzz_host_checks.h"

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
    fuzz_check_prefixes(triage_http_request_host, data, size, FALSE);
    return 0;
}
