/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * test_policy_support.h — what the policy tests share: a stand-in for
 * Wireshark's protocol registry.
 *
 * The registry starts with the protocol filter names of Wireshark 4.0.17
 * (data/policy/wireshark-4.0-protocols.txt, id = position), so a policy that
 * compiles here names only protocols that real tshark knows.  Layer lists in
 * test scripts may use further names (Wireshark's frame.protocols shows
 * pseudo-layers such as "tcp.segments"); those get ids on first sight but
 * stay unknown to the policy resolver, as they are to
 * proto_get_id_by_filter_name.
 */
#ifndef TRIAGE_TEST_POLICY_SUPPORT_H
#define TRIAGE_TEST_POLICY_SUPPORT_H

#include <glib.h>
#include <string.h>

#include "policy.h"

typedef struct test_protocols {
    GHashTable *ids;     /* name -> id + 1 */
    GPtrArray *names;    /* by id */
    guint wireshark_count; /* ids below this are Wireshark's own */
} test_protocols;

static inline test_protocols *test_protocols_load(const char *data_dir)
{
    char *path = g_build_filename(data_dir, "policy", "wireshark-4.0-protocols.txt", NULL);
    char *text = NULL;
    if (!g_file_get_contents(path, &text, NULL, NULL))
        g_error("cannot read %s", path);
    test_protocols *protocols = g_new0(test_protocols, 1);
    protocols->ids = g_hash_table_new(g_str_hash, g_str_equal);
    protocols->names = g_ptr_array_new_with_free_func(g_free);
    char **lines = g_strsplit(text, "\n", -1);
    for (char **line = lines; *line != NULL; line++) {
        if (**line == '\0' || **line == '#' || g_hash_table_contains(protocols->ids, *line))
            continue;
        char *name = g_strdup(*line);
        g_ptr_array_add(protocols->names, name);
        g_hash_table_insert(protocols->ids, name, GUINT_TO_POINTER(protocols->names->len));
    }
    protocols->wireshark_count = protocols->names->len;
    g_strfreev(lines);
    g_free(text);
    g_free(path);
    return protocols;
}

static inline void test_protocols_free(test_protocols *protocols)
{
    g_hash_table_destroy(protocols->ids);
    g_ptr_array_free(protocols->names, TRUE);
    g_free(protocols);
}

/* triage_protocol_resolver_fn */
static inline int test_protocols_resolve(const char *name, void *user_data)
{
    test_protocols *protocols = user_data;
    guint id_plus_one = GPOINTER_TO_UINT(g_hash_table_lookup(protocols->ids, name));
    if (id_plus_one == 0 || id_plus_one > protocols->wireshark_count)
        return -1;
    return (int)id_plus_one - 1;
}

/* triage_protocol_name_fn */
static inline const char *test_protocols_name(int id, void *user_data)
{
    test_protocols *protocols = user_data;
    return id >= 0 && (guint)id < protocols->names->len ? g_ptr_array_index(protocols->names, (guint)id) : NULL;
}

/* Any name, registering it if it is new. */
static inline int test_protocols_id(test_protocols *protocols, const char *name)
{
    guint id_plus_one = GPOINTER_TO_UINT(g_hash_table_lookup(protocols->ids, name));
    if (id_plus_one == 0) {
        char *copy = g_strdup(name);
        g_ptr_array_add(protocols->names, copy);
        id_plus_one = protocols->names->len;
        g_hash_table_insert(protocols->ids, copy, GUINT_TO_POINTER(id_plus_one));
    }
    return (int)id_plus_one - 1;
}

/* "eth:ip:tcp" -> ids, outermost first. */
static inline GArray *test_protocols_layers(test_protocols *protocols, const char *text)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(int));
    char **names = g_strsplit(text, ":", -1);
    for (char **name = names; *name != NULL; name++) {
        if (**name == '\0')
            continue;
        int id = test_protocols_id(protocols, *name);
        g_array_append_val(ids, id);
    }
    g_strfreev(names);
    return ids;
}

/* The carrier ids the glue would hand the engine. */
static inline GArray *test_protocols_carriers(test_protocols *protocols)
{
    GArray *ids = g_array_new(FALSE, FALSE, sizeof(int));
    for (const char *const *name = triage_policy_carrier_protocols; *name != NULL; name++) {
        int id = test_protocols_resolve(*name, protocols);
        if (id >= 0)
            g_array_append_val(ids, id);
    }
    return ids;
}

static inline char *test_read_data_file(const char *data_dir, const char *relative, gsize *length)
{
    char *path = g_build_filename(data_dir, relative, NULL);
    char *text = NULL;
    if (!g_file_get_contents(path, &text, length, NULL))
        g_error("cannot read %s", path);
    g_free(path);
    return text;
}

#endif
