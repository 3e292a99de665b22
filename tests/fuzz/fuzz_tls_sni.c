/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_tls_sni.c — the server name of a TLS ClientHello (tap/tls_sni.c) on
 * arbitrary bytes taken as the start of a client's TCP stream, given one
 * prefix at a time as segments arrive.  Beyond memory safety (each prefix
 * from a copy of its own size): a name found is valid, and once a prefix
 * has an answer other than NEED_MORE every longer one has the same answer
 * and name.  Seeds: real OpenSSL hellos and hand-built records.
 */
#include "tls_sni.h"
#include "support/fuzz_host_checks.h"

int LLVMFuzzerTestOneInput(const guint8 *data, size_t size)
{
    fuzz_check_prefixes(triage_tls_client_hello_sni, data, size, FALSE);
    return 0;
}
