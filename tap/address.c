/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * address.c — triage_address text forms and internal-network matching.
 *
 * Written by hand rather than with inet_pton/inet_ntop so the engines stay
 * C11 + GLib (no socket headers, same behaviour on every platform).  The
 * IPv6 text form follows the rules of glibc's inet_ntop, which is what
 * Wireshark prints on Linux, so an address in our report can be pasted into
 * a display filter and matches what the packet list shows.
 */
#include "connection_table.h"

#include <string.h>

/* Strict dotted quad: four decimal parts 0-255, no leading zeros (an
 * "010" part would be octal to some parsers and decimal to others). */
static gboolean parse_ipv4(const char *text, guint8 out[4])
{
    const char *cursor = text;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (*cursor != '.')
                return FALSE;
            cursor++;
        }
        if (!g_ascii_isdigit(*cursor))
            return FALSE;
        if (cursor[0] == '0' && g_ascii_isdigit(cursor[1]))
            return FALSE;
        guint value = 0;
        int digits = 0;
        while (g_ascii_isdigit(*cursor)) {
            value = value * 10 + (guint)(*cursor - '0');
            cursor++;
            if (++digits > 3 || value > 255)
                return FALSE;
        }
        out[part] = (guint8)value;
    }
    return *cursor == '\0';
}

/* RFC 4291 text: hex groups, at most one "::", optionally ending in a
 * dotted quad. */
static gboolean parse_ipv6(const char *text, guint8 out[16])
{
    guint16 words[8] = {0};
    int count = 0;
    int gap = -1; /* index of the first group the "::" stands for */
    const char *cursor = text;

    /* A leading "::" is an empty group before the first separator; skip one
     * colon so the loop below sees the gap. */
    if (*cursor == ':') {
        if (cursor[1] != ':')
            return FALSE;
        cursor++;
    }
    while (*cursor != '\0') {
        if (*cursor == ':') {
            if (gap >= 0)
                return FALSE;
            gap = count;
            cursor++;
            continue;
        }
        const char *group = cursor;
        guint value = 0;
        int digits = 0;
        while (g_ascii_isxdigit(*cursor) && digits <= 4) {
            value = value * 16 + (guint)g_ascii_xdigit_value(*cursor);
            cursor++;
            digits++;
        }
        if (*cursor == '.') {
            guint8 tail[4];
            if (count > 6 || !parse_ipv4(group, tail))
                return FALSE;
            words[count++] = (guint16)(tail[0] << 8 | tail[1]);
            words[count++] = (guint16)(tail[2] << 8 | tail[3]);
            cursor += strlen(cursor);
            break;
        }
        if (digits == 0 || digits > 4 || count == 8)
            return FALSE;
        words[count++] = (guint16)value;
        if (*cursor == ':') {
            cursor++;
            if (*cursor == '\0')
                return FALSE; /* "1:" */
        } else if (*cursor != '\0') {
            return FALSE;
        }
    }
    if (gap < 0 ? count != 8 : count == 8)
        return FALSE;
    if (gap >= 0) {
        int tail_length = count - gap;
        memmove(&words[8 - tail_length], &words[gap], (gsize)tail_length * sizeof words[0]);
        memset(&words[gap], 0, (gsize)(8 - count) * sizeof words[0]);
    }
    for (int i = 0; i < 8; i++) {
        out[2 * i] = (guint8)(words[i] >> 8);
        out[2 * i + 1] = (guint8)words[i];
    }
    return TRUE;
}

gboolean triage_address_from_string(const char *text, triage_address *out)
{
    triage_address parsed = {0};
    if (text == NULL)
        return FALSE;
    if (strchr(text, ':') != NULL) {
        if (!parse_ipv6(text, parsed.bytes))
            return FALSE;
        parsed.family = 6;
    } else {
        if (!parse_ipv4(text, parsed.bytes))
            return FALSE;
        parsed.family = 4;
    }
    *out = parsed;
    return TRUE;
}

static void format_ipv4(const guint8 bytes[4], char *buffer, gsize size)
{
    g_snprintf(buffer, size, "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
}

static void format_ipv6(const guint8 bytes[16], char *buffer, gsize size)
{
    guint16 words[8];
    for (int i = 0; i < 8; i++)
        words[i] = (guint16)(bytes[2 * i] << 8 | bytes[2 * i + 1]);

    /* The longest run of at least two zero groups becomes "::" (the first
     * one on a tie). */
    int best_start = -1, best_length = 0;
    for (int i = 0; i < 8;) {
        if (words[i] != 0) {
            i++;
            continue;
        }
        int start = i;
        while (i < 8 && words[i] == 0)
            i++;
        if (i - start > best_length) {
            best_start = start;
            best_length = i - start;
        }
    }
    if (best_length < 2)
        best_start = -1;

    GString *text = g_string_sized_new(46);
    for (int i = 0; i < 8; i++) {
        if (best_start >= 0 && i >= best_start && i < best_start + best_length) {
            if (i == best_start)
                g_string_append_c(text, ':');
            continue;
        }
        if (i != 0)
            g_string_append_c(text, ':');
        /* IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d)
         * addresses end in a dotted quad, as glibc prints them. */
        if (i == 6 && best_start == 0 &&
            (best_length == 6 || (best_length == 5 && words[5] == 0xffff))) {
            char quad[16];
            format_ipv4(bytes + 12, quad, sizeof quad);
            g_string_append(text, quad);
            break;
        }
        g_string_append_printf(text, "%x", words[i]);
    }
    if (best_start >= 0 && best_start + best_length == 8)
        g_string_append_c(text, ':');
    g_strlcpy(buffer, text->str, size);
    g_string_free(text, TRUE);
}

const char *triage_address_to_string(const triage_address *address, char *buffer, gsize size)
{
    if (size == 0)
        return buffer;
    if (address->family == 4)
        format_ipv4(address->bytes, buffer, size);
    else if (address->family == 6)
        format_ipv6(address->bytes, buffer, size);
    else
        buffer[0] = '\0';
    return buffer;
}

static guint address_bit_count(guint8 family)
{
    return family == 4 ? 32 : 128;
}

static gboolean prefix_matches(const guint8 *address, const guint8 *network, guint prefix_length)
{
    guint whole_bytes = prefix_length / 8;
    guint remaining_bits = prefix_length % 8;
    if (memcmp(address, network, whole_bytes) != 0)
        return FALSE;
    if (remaining_bits == 0)
        return TRUE;
    guint8 mask = (guint8)(0xff << (8 - remaining_bits));
    return (address[whole_bytes] & mask) == (network[whole_bytes] & mask);
}

/* Families never mix: an IPv4-mapped IPv6 address is not inside an IPv4
 * network, because Wireshark shows it as IPv6 and filters it as ipv6.addr. */
gboolean triage_address_in_networks(const triage_address *address,
                                    const triage_network *networks, guint count)
{
    for (guint i = 0; i < count; i++) {
        if (networks[i].address.family == address->family &&
            prefix_matches(address->bytes, networks[i].address.bytes, networks[i].prefix_length))
            return TRUE;
    }
    return FALSE;
}

static void mask_address(triage_address *address, guint prefix_length)
{
    for (guint bit = prefix_length; bit < 128; bit++)
        address->bytes[bit / 8] &= (guint8)~(0x80u >> (bit % 8));
}

static gboolean parse_network(const char *item, triage_network *out, char **error_out)
{
    char *address_text = g_strdup(item);
    char *slash = strchr(address_text, '/');
    gboolean ok = FALSE;
    triage_network network = {0};

    if (slash != NULL)
        *slash = '\0';
    if (!triage_address_from_string(address_text, &network.address)) {
        *error_out = g_strdup_printf("bad network \"%s\": not an IPv4 or IPv6 address", item);
        goto done;
    }
    guint bits = address_bit_count(network.address.family);
    guint prefix_length = bits;
    if (slash != NULL) {
        const char *digits = slash + 1;
        guint64 value = 0;
        if (*digits == '\0' || strlen(digits) > 3 ||
            !g_ascii_string_to_unsigned(digits, 10, 0, bits, &value, NULL)) {
            *error_out = g_strdup_printf("bad network \"%s\": prefix length must be 0-%u", item, bits);
            goto done;
        }
        prefix_length = (guint)value;
    }
    /* 10.1.2.3/8 means 10.0.0.0/8, as in a display filter: mask rather than
     * reject, so a host address with its subnet length is accepted. */
    mask_address(&network.address, prefix_length);
    network.prefix_length = (guint8)prefix_length;
    *out = network;
    ok = TRUE;
done:
    g_free(address_text);
    return ok;
}

gboolean triage_networks_parse(const char *text, GArray *networks_out, char **error_out)
{
    guint original_length = networks_out->len;
    char **items = g_strsplit(text != NULL ? text : "", ",", -1);
    gboolean ok = TRUE;
    char *ignored_error = NULL;

    if (error_out == NULL)
        error_out = &ignored_error;
    for (char **item = items; *item != NULL && ok; item++) {
        char *trimmed = g_strstrip(*item);
        triage_network network;
        /* Empty items (a trailing comma) say nothing and hurt nothing. */
        if (*trimmed == '\0')
            continue;
        ok = parse_network(trimmed, &network, error_out);
        if (ok)
            g_array_append_val(networks_out, network);
    }
    g_strfreev(items);
    g_free(ignored_error);
    /* All or nothing: a half-applied list would misclassify silently. */
    if (!ok)
        g_array_set_size(networks_out, original_length);
    return ok;
}
