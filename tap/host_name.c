/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host_name.c — the one definition of a valid host name (host_name.h).
 */
#include "host_name.h"

gboolean triage_host_name_copy(const guint8 *text, gsize length, char name[TRIAGE_HOST_NAME_SIZE])
{
    if (length > 0 && text[length - 1] == '.')
        length--;
    if (length == 0 || length > TRIAGE_HOST_NAME_MAX)
        return FALSE;
    gsize label = 0;
    for (gsize i = 0; i < length; i++) {
        guint8 c = text[i];
        if (c == '.') {
            if (label == 0)
                return FALSE;
            label = 0;
        } else if (c < 0x21 || c > 0x7e) {
            return FALSE;
        } else {
            label++;
        }
        name[i] = g_ascii_tolower((char)c);
    }
    if (label == 0)
        return FALSE;
    name[length] = '\0';
    return TRUE;
}
