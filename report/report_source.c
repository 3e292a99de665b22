/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report_source.c — a capture session seen by the report builders.
 */
#include <string.h>

#include "report_source.h"

void triage_report_source_of_session(const triage_session *session, triage_report_source *out)
{
    const triage_session_settings *settings = triage_session_get_settings(session);

    memset(out, 0, sizeof *out);
    out->connections = triage_session_connections(session);
    out->handshakes = triage_session_handshakes(session);
    out->policy_engine = triage_session_policy_engine(session);
    out->policy = triage_session_policy(session);
    out->internal_networks = settings->internal_networks;
    out->internal_network_count = settings->internal_network_count;
    out->packets = triage_session_packet_count(session);
    out->first_time = triage_session_first_time(session);
    out->last_time = triage_session_last_time(session);
}

void triage_report_options_init(triage_report_options *options)
{
    memset(options, 0, sizeof *options);
    options->top = 10;
    options->dests_top = 10;
    options->sort = TRIAGE_SORT_CONNECTIONS;
    options->policy_source = "default";
}

const char *triage_report_transport_word(const triage_report_names *names, guint8 transport, char *buffer,
                                         gsize size)
{
    const char *name = triage_transport_name(transport);

    if (name == NULL && names != NULL && names->transport_name != NULL)
        name = names->transport_name(transport, names->user_data);
    if (name != NULL)
        return name;
    g_snprintf(buffer, size, "ip-proto-%u", transport);
    return buffer;
}
