/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "checksum.h"

guint32 capgen_checksum_add(guint32 sum, const guint8 *bytes, gsize length)
{
    /* A 64-bit accumulator cannot overflow for any frame size, so the carry
     * folding is done once at the end instead of per word. */
    guint64 wide = sum;
    gsize i = 0;
    for (; i + 1 < length; i += 2)
        wide += (guint32)(bytes[i] << 8 | bytes[i + 1]);
    if (i < length)
        wide += (guint32)(bytes[i] << 8);
    while (wide >> 32)
        wide = (wide & 0xffffffffu) + (wide >> 32);
    return (guint32)wide;
}

guint16 capgen_checksum_finish(guint32 sum)
{
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return (guint16)~sum;
}
