/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host_list.c — exact names and "*." suffixes in two hash sets.
 */
#include "host_list.h"
#include "host_name.h"

#include <string.h>

struct triage_host_list {
    GHashTable *exact;    /* "tracker.example.org" */
    GHashTable *suffixes; /* "example.org" for "*.example.org" */
    guint count;
};

triage_host_list *triage_host_list_new(void)
{
    triage_host_list *list = g_new0(triage_host_list, 1);
    list->exact = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    list->suffixes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return list;
}

void triage_host_list_free(triage_host_list *list)
{
    if (list == NULL)
        return;
    g_hash_table_destroy(list->exact);
    g_hash_table_destroy(list->suffixes);
    g_free(list);
}

gboolean triage_host_list_add(triage_host_list *list, const char *entry, char **reason_out)
{
    gboolean wildcard = g_str_has_prefix(entry, "*.");
    const char *name = wildcard ? entry + 2 : entry;
    if (!triage_host_name_is_list_entry(name)) {
        *reason_out = strchr(name, '*') != NULL
                          ? g_strdup_printf("'%s': a wildcard is '*.' before a name (*.example.org)", entry)
                          : g_strdup_printf("'%s' is not a host name", entry);
        return FALSE;
    }
    char *key = g_ascii_strdown(name, -1);
    gsize length = strlen(key);
    if (key[length - 1] == '.')
        key[length - 1] = '\0';
    if (g_hash_table_add(wildcard ? list->suffixes : list->exact, key))
        list->count++;
    return TRUE;
}

guint triage_host_list_count(const triage_host_list *list)
{
    return list->count;
}

gboolean triage_host_list_contains(const triage_host_list *list, const char *name)
{
    if (g_hash_table_size(list->exact) > 0 && g_hash_table_contains(list->exact, name))
        return TRUE;
    if (g_hash_table_size(list->suffixes) == 0)
        return FALSE;
    for (const char *dot = strchr(name, '.'); dot != NULL; dot = strchr(dot + 1, '.')) {
        if (g_hash_table_contains(list->suffixes, dot + 1))
            return TRUE;
    }
    return FALSE;
}
