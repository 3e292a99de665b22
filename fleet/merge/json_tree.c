/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json_tree.c — see json_tree.h.  A recursive-descent reader over a byte
 * buffer: every read checks the end first, recursion stops at
 * JSON_TREE_MAX_DEPTH, and a container's children are gathered on a scratch
 * stack and copied into the arena once their number is known.
 */
#include "json_tree.h"

#include <string.h>

#define BLOCK_SIZE (1u << 20)

typedef struct block {
    struct block *next;
    gsize used, size;
    char data[];
} block;

struct json_tree {
    block *blocks;
    json_node *root;
};

typedef struct parser {
    json_tree *tree;
    const char *text;
    gsize length, at;
    guint depth;
    GPtrArray *values; /* scratch: the children of the open containers */
    GPtrArray *keys;
    const char *keep; /* at the top level, the one member read; NULL: all */
    char *error;
} parser;

static void *arena_alloc(json_tree *tree, gsize size)
{
    block *current = tree->blocks;
    void *memory;

    size = (size + 7) & ~(gsize)7;
    if (current == NULL || current->size - current->used < size) {
        gsize capacity = MAX(BLOCK_SIZE, size);
        block *fresh = g_malloc(sizeof(block) + capacity);
        fresh->next = current;
        fresh->used = 0;
        fresh->size = capacity;
        tree->blocks = fresh;
        current = fresh;
    }
    memory = current->data + current->used;
    current->used += size;
    return memory;
}

static gboolean fail(parser *p, const char *what)
{
    if (p->error == NULL) {
        guint line = 1, column = 1;
        for (gsize i = 0; i < p->at && i < p->length; i++) {
            if (p->text[i] == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        p->error = g_strdup_printf("line %u, column %u: %s", line, column, what);
    }
    return FALSE;
}

static void skip_space(parser *p)
{
    while (p->at < p->length) {
        char c = p->text[p->at];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->at++;
    }
}

static gboolean literal(parser *p, const char *word)
{
    gsize length = strlen(word);
    if (p->length - p->at < length || memcmp(p->text + p->at, word, length) != 0)
        return fail(p, "not a JSON value");
    p->at += length;
    return TRUE;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static gboolean read_hex4(parser *p, gunichar *out)
{
    gunichar value = 0;
    if (p->length - p->at < 4)
        return fail(p, "a \\u escape cut short");
    for (int i = 0; i < 4; i++) {
        int digit = hex_value(p->text[p->at + i]);
        if (digit < 0)
            return fail(p, "a \\u escape without four hex digits");
        value = value * 16 + (gunichar)digit;
    }
    p->at += 4;
    *out = value;
    return TRUE;
}

/* A string after its opening quote; the decoded text goes into the arena. */
static gboolean read_string(parser *p, const char **out)
{
    gsize start = p->at, plain = 0;
    char *text, *write;
    guchar high = 0; /* any byte above 0x7f: then the text is checked for UTF-8 */

    /* the common case: no escapes, so the length is known in one pass */
    while (p->at < p->length && p->text[p->at] != '"' && p->text[p->at] != '\\') {
        guchar c = (guchar)p->text[p->at];
        if (c < 0x20)
            return fail(p, "a control character inside a string");
        high |= c;
        p->at++;
    }
    plain = p->at - start;
    if (p->at >= p->length)
        return fail(p, "a string without its closing quote");
    /* escapes never lengthen the text: plain + the rest bounds it */
    {
        gsize end = p->at;
        gboolean escaped = FALSE;
        while (end < p->length && (escaped || p->text[end] != '"')) {
            escaped = !escaped && p->text[end] == '\\';
            end++;
        }
        if (end >= p->length)
            return fail(p, "a string without its closing quote");
        text = arena_alloc(p->tree, end - start + 1);
    }
    memcpy(text, p->text + start, plain);
    write = text + plain;
    while (p->text[p->at] != '"') {
        char c = p->text[p->at];
        if ((guchar)c < 0x20)
            return fail(p, "a control character inside a string");
        if (c != '\\') {
            high |= (guchar)c;
            *write++ = c;
            p->at++;
            continue;
        }
        p->at++;
        if (p->at >= p->length)
            return fail(p, "an escape cut short");
        c = p->text[p->at++];
        switch (c) {
        case '"':
        case '\\':
        case '/':
            *write++ = c;
            break;
        case 'b':
            *write++ = '\b';
            break;
        case 'f':
            *write++ = '\f';
            break;
        case 'n':
            *write++ = '\n';
            break;
        case 'r':
            *write++ = '\r';
            break;
        case 't':
            *write++ = '\t';
            break;
        case 'u': {
            gunichar code, low;
            if (!read_hex4(p, &code))
                return FALSE;
            if (code >= 0xd800 && code <= 0xdbff) {
                if (p->length - p->at < 6 || p->text[p->at] != '\\' || p->text[p->at + 1] != 'u')
                    return fail(p, "a high surrogate without its low one");
                p->at += 2;
                if (!read_hex4(p, &low))
                    return FALSE;
                if (low < 0xdc00 || low > 0xdfff)
                    return fail(p, "a high surrogate without its low one");
                code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
            } else if (code >= 0xdc00 && code <= 0xdfff) {
                return fail(p, "a low surrogate alone");
            } else if (code == 0) {
                return fail(p, "a NUL character in a string");
            }
            /* \uXXXX takes 6 bytes and UTF-8 at most 3 (4 for a pair of 12) */
            write += g_unichar_to_utf8(code, write);
            high |= 0x80;
            break;
        }
        default:
            return fail(p, "an unknown escape");
        }
    }
    p->at++; /* the closing quote */
    *write = '\0';
    if ((high & 0x80) && !g_utf8_validate(text, write - text, NULL))
        return fail(p, "a string that is not UTF-8");
    *out = text;
    return TRUE;
}

static gboolean read_number(parser *p, json_node *node)
{
    gsize start = p->at;
    gboolean negative = FALSE, integer = TRUE, overflow = FALSE;
    guint64 magnitude = 0;

    if (p->text[p->at] == '-') {
        negative = TRUE;
        p->at++;
    }
    if (p->at >= p->length || !g_ascii_isdigit(p->text[p->at]))
        return fail(p, "a number without digits");
    if (p->text[p->at] == '0' && p->at + 1 < p->length && g_ascii_isdigit(p->text[p->at + 1]))
        return fail(p, "a number with a leading zero");
    while (p->at < p->length && g_ascii_isdigit(p->text[p->at])) {
        guint digit = (guint)(p->text[p->at] - '0');
        if (magnitude > (G_MAXUINT64 - digit) / 10)
            overflow = TRUE;
        else
            magnitude = magnitude * 10 + digit;
        p->at++;
    }
    if (p->at < p->length && p->text[p->at] == '.') {
        integer = FALSE;
        p->at++;
        if (p->at >= p->length || !g_ascii_isdigit(p->text[p->at]))
            return fail(p, "a fraction without digits");
        while (p->at < p->length && g_ascii_isdigit(p->text[p->at]))
            p->at++;
    }
    if (p->at < p->length && (p->text[p->at] == 'e' || p->text[p->at] == 'E')) {
        integer = FALSE;
        p->at++;
        if (p->at < p->length && (p->text[p->at] == '+' || p->text[p->at] == '-'))
            p->at++;
        if (p->at >= p->length || !g_ascii_isdigit(p->text[p->at]))
            return fail(p, "an exponent without digits");
        while (p->at < p->length && g_ascii_isdigit(p->text[p->at]))
            p->at++;
    }
    (void)start;
    if (!integer || overflow || magnitude > (guint64)G_MAXINT64 + (negative ? 1u : 0u)) {
        node->type = JSON_TREE_NUMBER;
        return TRUE;
    }
    node->type = JSON_TREE_INTEGER;
    node->integer = negative ? (gint64)(0 - magnitude) : (gint64)magnitude;
    return TRUE;
}

static json_node *read_value(parser *p);

/* Steps over one value: strings skipped escape by escape, brackets counted.
 * What is stepped over is not checked further. */
static gboolean skip_value(parser *p)
{
    guint depth = 0;

    skip_space(p);
    do {
        if (p->at >= p->length)
            return fail(p, "a value cut short");
        char c = p->text[p->at++];
        if (c == '"') {
            while (p->at < p->length && p->text[p->at] != '"')
                p->at += p->text[p->at] == '\\' ? 2 : 1;
            if (p->at >= p->length)
                return fail(p, "a string without its closing quote");
            p->at++;
        } else if (c == '{' || c == '[') {
            if (++depth > JSON_TREE_MAX_DEPTH)
                return fail(p, "nested too deep");
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return fail(p, "an unexpected closing bracket");
            depth--;
        } else if (depth == 0) {
            /* a number or a word: up to the next delimiter */
            while (p->at < p->length && p->text[p->at] != ',' && p->text[p->at] != '}' && p->text[p->at] != ']'
                   && p->text[p->at] != ' ' && p->text[p->at] != '\n' && p->text[p->at] != '\r'
                   && p->text[p->at] != '\t')
                p->at++;
        }
    } while (depth > 0);
    return TRUE;
}

/* An array or object after its opening bracket. */
static gboolean read_container(parser *p, json_node *node, gboolean object)
{
    guint base = p->values->len;
    char close = object ? '}' : ']';

    if (++p->depth > JSON_TREE_MAX_DEPTH)
        return fail(p, "nested too deep");
    skip_space(p);
    if (p->at < p->length && p->text[p->at] == close) {
        p->at++;
    } else {
        for (;;) {
            json_node *value;
            skip_space(p);
            if (object) {
                const char *key;
                if (p->at >= p->length || p->text[p->at] != '"')
                    return fail(p, "a member without a quoted name");
                p->at++;
                if (!read_string(p, &key))
                    return FALSE;
                skip_space(p);
                if (p->at >= p->length || p->text[p->at] != ':')
                    return fail(p, "a member name without ':'");
                p->at++;
                skip_space(p);
                if (p->keep != NULL && p->depth == 1 && strcmp(key, p->keep) != 0 && p->at < p->length
                    && (p->text[p->at] == '{' || p->text[p->at] == '[')) {
                    if (!skip_value(p))
                        return FALSE;
                    goto next;
                }
                g_ptr_array_add(p->keys, (gpointer)key);
            }
            value = read_value(p);
            if (value == NULL)
                return FALSE;
            g_ptr_array_add(p->values, value);
        next:
            skip_space(p);
            if (p->at >= p->length)
                return fail(p, object ? "an object without its '}'" : "an array without its ']'");
            if (p->text[p->at] == ',') {
                p->at++;
                continue;
            }
            if (p->text[p->at] == close) {
                p->at++;
                break;
            }
            return fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
    node->count = p->values->len - base;
    node->items = arena_alloc(p->tree, sizeof(json_node *) * (node->count + 1));
    if (node->count > 0)
        memcpy(node->items, p->values->pdata + base, sizeof(json_node *) * node->count);
    g_ptr_array_set_size(p->values, base);
    if (object) {
        guint key_base = p->keys->len - node->count;
        node->keys = arena_alloc(p->tree, sizeof(char *) * (node->count + 1));
        if (node->count > 0)
            memcpy(node->keys, p->keys->pdata + key_base, sizeof(char *) * node->count);
        g_ptr_array_set_size(p->keys, key_base);
    }
    p->depth--;
    return TRUE;
}

static json_node *read_value(parser *p)
{
    json_node *node;
    gboolean ok;

    skip_space(p);
    if (p->at >= p->length) {
        fail(p, "a value expected, the text ended");
        return NULL;
    }
    node = arena_alloc(p->tree, sizeof *node);
    memset(node, 0, sizeof *node);
    switch (p->text[p->at]) {
    case '{':
        p->at++;
        node->type = JSON_TREE_OBJECT;
        ok = read_container(p, node, TRUE);
        break;
    case '[':
        p->at++;
        node->type = JSON_TREE_ARRAY;
        ok = read_container(p, node, FALSE);
        break;
    case '"':
        p->at++;
        node->type = JSON_TREE_STRING;
        ok = read_string(p, &node->string);
        break;
    case 't':
        node->type = JSON_TREE_TRUE;
        ok = literal(p, "true");
        break;
    case 'f':
        node->type = JSON_TREE_FALSE;
        ok = literal(p, "false");
        break;
    case 'n':
        node->type = JSON_TREE_NULL;
        ok = literal(p, "null");
        break;
    default:
        ok = read_number(p, node);
        break;
    }
    return ok ? node : NULL;
}

json_tree *json_tree_parse(const char *text, gsize length, char **error)
{
    return json_tree_parse_keeping(text, length, NULL, error);
}

json_tree *json_tree_parse_keeping(const char *text, gsize length, const char *keep, char **error)
{
    parser p = {.text = text, .length = length, .keep = keep};

    p.tree = g_new0(json_tree, 1);
    p.values = g_ptr_array_new();
    p.keys = g_ptr_array_new();
    p.tree->root = read_value(&p);
    if (p.tree->root != NULL) {
        skip_space(&p);
        if (p.at != p.length)
            fail(&p, "more after the document");
    }
    g_ptr_array_free(p.values, TRUE);
    g_ptr_array_free(p.keys, TRUE);
    if (p.error != NULL) {
        *error = p.error;
        json_tree_free(p.tree);
        return NULL;
    }
    return p.tree;
}

void json_tree_free(json_tree *tree)
{
    if (tree == NULL)
        return;
    while (tree->blocks != NULL) {
        block *next = tree->blocks->next;
        g_free(tree->blocks);
        tree->blocks = next;
    }
    g_free(tree);
}

const json_node *json_tree_root(const json_tree *tree)
{
    return tree->root;
}

const json_node *json_tree_member(const json_node *node, const char *name)
{
    if (node == NULL || node->type != JSON_TREE_OBJECT)
        return NULL;
    for (guint i = node->count; i-- > 0;)
        if (strcmp(node->keys[i], name) == 0)
            return node->items[i];
    return NULL;
}
