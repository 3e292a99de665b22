/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_host_checks.h — what every host name parser promises, checked the
 * same way for each (fuzz_dns_name.c, fuzz_tls_sni.c, fuzz_http_host.c).
 */
#ifndef TRIAGE_FUZZ_HOST_CHECKS_H
#define TRIAGE_FUZZ_HOST_CHECKS_H

#include <string.h>

#include "host_name.h"
#include "support/fuzz_assert.h"

/* A name found is one a list could hold: 1 to 253 printable ASCII
 * characters, no upper case, no empty label, no trailing dot. */
static inline void fuzz_check_name(const char *name)
{
    size_t length = strlen(name);
    FUZZ_ASSERT(length >= 1 && length <= TRIAGE_HOST_NAME_MAX);
    FUZZ_ASSERT(name[0] != '.' && name[length - 1] != '.');
    FUZZ_ASSERT(strstr(name, "..") == NULL);
    for (size_t i = 0; i < length; i++)
        FUZZ_ASSERT(name[i] > 0x20 && name[i] < 0x7f && !(name[i] >= 'A' && name[i] <= 'Z'));
}

typedef triage_host_result (*fuzz_host_parser)(const guint8 *data, gsize length, char name[TRIAGE_HOST_NAME_SIZE]);

/* The parser on every prefix of the input (a stream arriving byte by byte):
 * a name found is valid, and once a prefix has an answer other than
 * NEED_MORE (or, with found_only, a name), every longer prefix has the
 * same answer and the same name: later bytes never change a decision.
 * Each prefix is a copy of its own, so reading past it is caught. */
static inline void fuzz_check_prefixes(fuzz_host_parser parse, const guint8 *data, size_t size, gboolean found_only)
{
    char name[TRIAGE_HOST_NAME_SIZE], decided_name[TRIAGE_HOST_NAME_SIZE] = "";
    int decided = -1;
    /* Every prefix of a short input; of a long one, a spread of them. */
    size_t step = size <= 600 ? 1 : size / 300;
    for (size_t length = 0;; length = length + step > size ? size : length + step) {
        guint8 *copy = g_memdup2(data, length);
        triage_host_result result = parse(copy, length, name);
        g_free(copy);
        FUZZ_ASSERT(result == TRIAGE_HOST_FOUND || result == TRIAGE_HOST_NONE || result == TRIAGE_HOST_NEED_MORE ||
                    result == TRIAGE_HOST_NOT_MINE);
        if (result == TRIAGE_HOST_FOUND)
            fuzz_check_name(name);
        if (decided >= 0) {
            FUZZ_ASSERT((int)result == decided);
            if (result == TRIAGE_HOST_FOUND)
                FUZZ_ASSERT(strcmp(name, decided_name) == 0);
        } else if (found_only ? result == TRIAGE_HOST_FOUND : result != TRIAGE_HOST_NEED_MORE) {
            decided = (int)result;
            if (result == TRIAGE_HOST_FOUND)
                strcpy(decided_name, name);
        }
        if (length == size)
            break;
    }
}

#endif
