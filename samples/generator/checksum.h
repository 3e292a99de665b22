/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * checksum.h — the Internet checksum (RFC 1071), summed in pieces so the
 * pseudo-header and the segment need not be contiguous.
 */
#ifndef CAPGEN_CHECKSUM_H
#define CAPGEN_CHECKSUM_H

#include <glib.h>

/* Adds bytes to a running 32-bit sum.  Every piece but the last must have
 * an even length, which holds for the headers summed here. */
guint32 capgen_checksum_add(guint32 sum, const guint8 *bytes, gsize length);
/* Folds the sum and complements it: the value to store, in host order. */
guint16 capgen_checksum_finish(guint32 sum);

#endif
