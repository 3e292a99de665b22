/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json_tree.h — a JSON document read into a tree that lives in one arena.
 *
 * Why not json-glib: a fleet merge reads a thousand documents of about a
 * megabyte each, and json-glib spent 300 instructions a byte building and
 * freeing its nodes (one hash table per object) — over two minutes for the
 * thousand.  This reader allocates from large blocks, keeps object members
 * in arrays (a summary's objects have a few members each) and frees the
 * whole tree at once.  It accepts RFC 8259 JSON only, nested at most
 * JSON_TREE_MAX_DEPTH deep, and says where the first error is.
 */
#ifndef TRIAGE_JSON_TREE_H
#define TRIAGE_JSON_TREE_H

#include <glib.h>

#define JSON_TREE_MAX_DEPTH 64

typedef enum {
    JSON_TREE_NULL,
    JSON_TREE_FALSE,
    JSON_TREE_TRUE,
    JSON_TREE_INTEGER, /* fits in gint64 */
    JSON_TREE_NUMBER,  /* a fraction, an exponent, or too large: not read */
    JSON_TREE_STRING,  /* valid UTF-8 without U+0000 */
    JSON_TREE_ARRAY,
    JSON_TREE_OBJECT,
} json_tree_type;

typedef struct json_node json_node;
struct json_node {
    json_tree_type type;
    guint count;           /* ARRAY: items; OBJECT: members */
    gint64 integer;        /* INTEGER */
    const char *string;    /* STRING */
    json_node **items;     /* ARRAY items; OBJECT member values */
    const char **keys;     /* OBJECT member names, in document order */
};

typedef struct json_tree json_tree;

/* The tree of text, or NULL with *error ("line 3, column 7: ...", g_free
 * it).  Free the tree with json_tree_free. */
json_tree *json_tree_parse(const char *text, gsize length, char **error);
/* The same, but of a top-level object's members whose values are objects
 * or arrays only the one named keep is read into the tree: the others are
 * stepped over, their strings and brackets matched but not decoded (a fleet
 * merge needs a document's "summary" and "schema", not its reports). */
json_tree *json_tree_parse_keeping(const char *text, gsize length, const char *keep, char **error);
void json_tree_free(json_tree *tree);
const json_node *json_tree_root(const json_tree *tree);

/* The member's value (the last one of that name), or NULL; NULL when node
 * is not an object. */
const json_node *json_tree_member(const json_node *node, const char *name);

#endif
