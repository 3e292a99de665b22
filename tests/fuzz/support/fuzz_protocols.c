/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_protocols.c — the protocol names fuzz targets know (see the header).
 */
#include "fuzz_protocols.h"

#include <string.h>

/* Carriers first (the engine skips them when naming an application), then
 * applications, among them every protocol the default policy names. */
static const char *const names[] = {
    "frame", "eth", "vlan", "ip", "ipv6", "tcp", "udp", "gre", "vxlan", "data", "data-text-lines",
    "json", "x509ce", "_ws.malformed",
    "http", "tls", "dns", "ssh", "icmp", "icmpv6", "bittorrent", "bt-dht", "bt-utp", "rdp", "rdpudp",
    "vnc", "telnet", "rpc", "portmap", "smb", "ftp", "tftp", "irc", "llmnr", "nbns", "quic",
};

int fuzz_protocols_resolve(const char *filter_name, void *user_data)
{
    (void)user_data;
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        if (strcmp(names[i], filter_name) == 0)
            return (int)i;
    }
    return -1;
}

const char *fuzz_protocols_name(int protocol_id, void *user_data)
{
    (void)user_data;
    return protocol_id >= 0 && (guint)protocol_id < G_N_ELEMENTS(names) ? names[protocol_id] : NULL;
}

guint fuzz_protocols_count(void)
{
    return G_N_ELEMENTS(names);
}
