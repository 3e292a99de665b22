/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * gui_endpoints.c — a "Triage" tab in Statistics › Endpoints and
 * Conversations, for the click-throughs Wireshark's statistics tables do not
 * give a plugin: Apply / Prepare as Filter, Find, Colorize, and the Map.
 *
 * Endpoints lists the destinations with their ports: one row per responder
 * address and port of a connection (Tx = sent by the destination, Rx = sent
 * to it), the rows of the Destination Ports table.  Its Apply as Filter gives
 * Wireshark's endpoint filter, "ip.addr==A && tcp.port==P" (an address and a
 * port, either direction), not the connection rule of the triage tables.
 * Conversations lists the connections themselves.
 *
 * The tabs listen on the tap named after the protocol ("triage"), on which
 * the postdissector publishes every frame's view (session.h) while anybody
 * listens; frames without a connection are skipped here.
 * Their display filter box filters packets, as for every tab of those
 * dialogs; the triage tables' filter selects connections.
 */
#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/conversation_table.h>

#include "triage_compat.h"
#include "triage_plugin.h"
#include "ui_menus.h"

static address server_address(const triage_connection *connection)
{
    address server;
    set_address(&server, connection->server.family == 4 ? AT_IPv4 : AT_IPv6,
                connection->server.family == 4 ? 4 : 16, connection->server.bytes);
    return server;
}

static address client_address(const triage_connection *connection)
{
    address client;
    set_address(&client, connection->client.family == 4 ? AT_IPv4 : AT_IPv6,
                connection->client.family == 4 ? 4 : 16, connection->client.bytes);
    return client;
}

static conversation_type transport_type(const triage_connection *connection)
{
    return connection->transport == TRIAGE_TRANSPORT_TCP ? CONVERSATION_TCP :
           connection->transport == TRIAGE_TRANSPORT_UDP ? CONVERSATION_UDP : CONVERSATION_NONE;
}

/* The packet was sent by the destination when it comes from its address and
 * port (a connection between two ports of one host has both). */
static gboolean sent_by_server(const triage_connection *connection, const packet_info *pinfo)
{
    address server = server_address(connection);
    return addresses_equal(&pinfo->src, &server) &&
           (transport_type(connection) == CONVERSATION_NONE || pinfo->srcport == connection->server_port);
}

static const char *endpoint_filter_type(endpoint_item_t *endpoint, conv_filter_type_e filter)
{
    if (filter == CONV_FT_SRC_ADDRESS || filter == CONV_FT_DST_ADDRESS || filter == CONV_FT_ANY_ADDRESS)
        return endpoint->myaddress.type == AT_IPv4 ? "ip.addr" : "ipv6.addr";
    if (filter == CONV_FT_SRC_PORT || filter == CONV_FT_DST_PORT || filter == CONV_FT_ANY_PORT)
        return endpoint->etype == ENDPOINT_TCP ? "tcp.port" : endpoint->etype == ENDPOINT_UDP ? "udp.port"
                                                                                            : CONV_FILTER_INVALID;
    return CONV_FILTER_INVALID;
}

static const char *conversation_filter_type(conv_item_t *conversation, conv_filter_type_e filter)
{
    gboolean ipv4 = conversation->src_address.type == AT_IPv4;
    switch (filter) {
    case CONV_FT_SRC_ADDRESS: return ipv4 ? "ip.src" : "ipv6.src";
    case CONV_FT_DST_ADDRESS: return ipv4 ? "ip.dst" : "ipv6.dst";
    case CONV_FT_ANY_ADDRESS: return ipv4 ? "ip.addr" : "ipv6.addr";
    case CONV_FT_SRC_PORT:
        return conversation->ctype == CONVERSATION_TCP ? "tcp.srcport" :
               conversation->ctype == CONVERSATION_UDP ? "udp.srcport" : CONV_FILTER_INVALID;
    case CONV_FT_DST_PORT:
        return conversation->ctype == CONVERSATION_TCP ? "tcp.dstport" :
               conversation->ctype == CONVERSATION_UDP ? "udp.dstport" : CONV_FILTER_INVALID;
    case CONV_FT_ANY_PORT:
        return conversation->ctype == CONVERSATION_TCP ? "tcp.port" :
               conversation->ctype == CONVERSATION_UDP ? "udp.port" : CONV_FILTER_INVALID;
    default:
        return CONV_FILTER_INVALID;
    }
}

static et_dissector_info_t endpoint_info = { &endpoint_filter_type };
static ct_dissector_info_t conversation_info = { &conversation_filter_type };

static tap_packet_status endpoint_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                         const void *data, tap_flags_t flags)
{
    conv_hash_t *hash = tapdata;
    const triage_connection *connection = ((const triage_frame_view *)data)->connection;
    address server;

    if (connection == NULL || connection->server.family == 0)
        return TAP_PACKET_DONT_REDRAW;
    server = server_address(connection);
    conversation_type type = transport_type(connection);

    hash->flags = flags;
    add_endpoint_table_data(hash, &server, type == CONVERSATION_NONE ? 0 : connection->server_port,
                            sent_by_server(connection, pinfo), 1, pinfo->fd->pkt_len, &endpoint_info, type);
    return TAP_PACKET_REDRAW;
}

static tap_packet_status conversation_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                             const void *data, tap_flags_t flags)
{
    conv_hash_t *hash = tapdata;
    const triage_connection *connection = ((const triage_frame_view *)data)->connection;
    address server;

    if (connection == NULL || connection->server.family == 0)
        return TAP_PACKET_DONT_REDRAW;
    server = server_address(connection);
    address client = client_address(connection);
    conversation_type type = transport_type(connection);
    guint32 server_port = type == CONVERSATION_NONE ? 0 : connection->server_port;
    guint32 client_port = type == CONVERSATION_NONE ? 0 : connection->client_port;

    hash->flags = flags;
    if (sent_by_server(connection, pinfo))
        add_conversation_table_data(hash, &server, &client, server_port, client_port, 1, pinfo->fd->pkt_len,
                                    &pinfo->rel_ts, &pinfo->abs_ts, &conversation_info, type);
    else
        add_conversation_table_data(hash, &client, &server, client_port, server_port, 1, pinfo->fd->pkt_len,
                                    &pinfo->rel_ts, &pinfo->abs_ts, &conversation_info, type);
    return TAP_PACKET_REDRAW;
}

void triage_register_endpoint_tabs(void)
{
    register_conversation_table(triage_protocol_id(), FALSE, conversation_packet, endpoint_packet);
}
