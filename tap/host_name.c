/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host_name.c — the one definition of a valid host name (host_name.h).
 */
#include <string.h>

#include "host_name.h"

/* Walks the labels once for both kinds of name: from the wire (any
 * printable ASCII but '.') and in a list (the stricter hostname letters,
 * labels of at most 63).  Writes the lowercased name when name is given. */
static gboolean check_name(const guint8 *text, gsize length, gboolean list_entry, char *name)
{
    gsize label = 0;

    if (length > 0 && text[length - 1] == '.')
        length--;
    if (length == 0 || length > TRIAGE_HOST_NAME_MAX)
        return FALSE;
    for (gsize i = 0; i < length; i++) {
        guint8 c = text[i];
        if (c == '.') {
            if (label == 0)
                return FALSE;
            label = 0;
        } else if (list_entry ? !(g_ascii_isalnum(c) || c == '-' || c == '_') : (c < 0x21 || c > 0x7e)) {
            return FALSE;
        } else if (++label > 63 && list_entry) {
            return FALSE;
        }
        if (name)
            name[i] = g_ascii_tolower((char)c);
    }
    if (label == 0)
        return FALSE;
    if (name)
        name[length] = '\0';
    return TRUE;
}

gboolean triage_host_name_copy(const guint8 *text, gsize length, char name[TRIAGE_HOST_NAME_SIZE])
{
    return check_name(text, length, FALSE, name);
}

gboolean triage_host_name_is_list_entry(const char *text)
{
    return check_name((const guint8 *)text, strlen(text), TRUE, NULL);
}
