/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_assert.h — a check that stays on in every build.
 *
 * g_assert() compiles away under G_DISABLE_ASSERT, and a fuzz target whose
 * checks vanish finds nothing but crashes.  abort() is what libFuzzer
 * reports as a finding, with the input that caused it.
 */
#ifndef TRIAGE_FUZZ_ASSERT_H
#define TRIAGE_FUZZ_ASSERT_H

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_ASSERT(condition)                                                                     \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif
