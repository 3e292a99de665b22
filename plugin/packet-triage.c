/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * packet-triage.c — the "triage" protocol: fields, expert infos,
 * preferences and the postdissector that shows the engines' findings on
 * the packets themselves.
 *
 * Cost discipline: in tshark the postdissector returns at once unless a
 * triage report runs, the expert tap listens, or a filter, column, field
 * or visible tree (-V) asks for triage; so an installed plugin costs next
 * to nothing in a session that does not use it, even when tshark builds
 * trees for other reasons (-z io,stat, -T fields of other protocols).
 * Wireshark can show any frame's tree later, so there every frame of the
 * first pass feeds the engines.  Disabling the protocol removes even that.
 */
#include <string.h>

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/tap.h>
#include <epan/plugin_if.h>

#include "triage_compat.h"
#include "triage_plugin.h"
#include "tap_glue.h"

static int proto_triage = -1;

static int hf_rtt_syn_synack = -1;
static int hf_rtt_synack_ack = -1;
static int hf_rtt_handshake = -1;
static int hf_rtt_setup = -1;
static int hf_rtt_outcome = -1;
static int hf_rtt_ambiguous = -1;
static int hf_rtt_anomaly = -1;
static int hf_rtt_syn_frame = -1;
static int hf_rtt_synack_frame = -1;
static int hf_rtt_ack_frame = -1;
static int hf_rtt_client = -1;
static int hf_rtt_server = -1;
static int hf_policy_rule = -1;
static int hf_policy_violation = -1;
static int hf_policy_severity = -1;
static int hf_policy_message = -1;
static int hf_policy_evidence = -1;
static int hf_policy_provisional = -1;
static int hf_policy_lookup = -1;

static gint ett_triage = -1;
static gint ett_triage_rtt = -1;
static gint ett_triage_policy = -1;

static expert_field ei_policy_note = EI_INIT;
static expert_field ei_policy_warn = EI_INIT;
static expert_field ei_policy_error = EI_INIT;
static expert_field ei_rtt_slow = EI_INIT;
static expert_field ei_rtt_failed = EI_INIT;

static dissector_handle_t triage_handle;
static int expert_tap_id = -1;
/* The "triage" tap: every frame the session saw, as a triage_frame_view. */
static int triage_tap_id = -1;
/* Wireshark rather than tshark: decided once per capture, in triage_init. */
static gboolean gui_session;

int triage_protocol_id(void)
{
    return proto_triage;
}

/* ---- packet fields ---------------------------------------------------- */

static void add_duration(proto_tree *tree, int hf, tvbuff_t *tvb, triage_time duration)
{
    nstime_t value;
    value.secs = (time_t)(duration / TRIAGE_NS_PER_SECOND);
    value.nsecs = (int)(duration % TRIAGE_NS_PER_SECOND);
    proto_item_set_generated(proto_tree_add_time(tree, hf, tvb, 0, 0, &value));
}

static gboolean frame_is_handshake_packet(const triage_handshake *h, guint32 frame)
{
    return frame == h->first_syn_frame || frame == h->syn_frame || frame == h->synack_frame ||
           frame == h->synack_ack_opening_frame || frame == h->ack_frame || frame == h->reset_frame;
}

static void add_rtt_items(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                          const triage_frame_view *view)
{
    const triage_handshake *h = view->handshake;
    guint32 frame = pinfo->num;
    proto_tree *rtt_tree;
    proto_item *item;
    triage_time value;
    triage_handshake_outcome outcome;
    guint anomalies;

    if (!h || !frame_is_handshake_packet(h, frame))
        return;
    item = proto_tree_add_item(tree, proto_triage, tvb, 0, 0, ENC_NA);
    proto_item_set_text(item, "Handshake RTT");
    rtt_tree = proto_item_add_subtree(item, ett_triage_rtt);

    if (frame == h->synack_frame && triage_handshake_leg_value(h, TRIAGE_LEG_SYN_SYNACK, &value))
        add_duration(rtt_tree, hf_rtt_syn_synack, tvb, value);
    if (frame == h->ack_frame) {
        if (triage_handshake_leg_value(h, TRIAGE_LEG_SYNACK_ACK, &value))
            add_duration(rtt_tree, hf_rtt_synack_ack, tvb, value);
        if (triage_handshake_leg_value(h, TRIAGE_LEG_HANDSHAKE, &value)) {
            add_duration(rtt_tree, hf_rtt_handshake, tvb, value);
            if (triage_prefs.rtt_slow_ms && !triage_handshake_leg_is_ambiguous(h, TRIAGE_LEG_HANDSHAKE) &&
                value > (triage_time)triage_prefs.rtt_slow_ms * 1000000)
                expert_add_info_format(pinfo, item, &ei_rtt_slow,
                                       "Slow TCP handshake: %.3f ms (threshold %u ms)",
                                       (double)value / 1e6, triage_prefs.rtt_slow_ms);
        }
        if (triage_handshake_leg_value(h, TRIAGE_LEG_SETUP, &value))
            add_duration(rtt_tree, hf_rtt_setup, tvb, value);
    }
    if (h->syn_frame)
        proto_item_set_generated(proto_tree_add_uint(rtt_tree, hf_rtt_syn_frame, tvb, 0, 0, h->syn_frame));
    if (h->synack_frame)
        proto_item_set_generated(proto_tree_add_uint(rtt_tree, hf_rtt_synack_frame, tvb, 0, 0, h->synack_frame));
    if (h->ack_frame)
        proto_item_set_generated(proto_tree_add_uint(rtt_tree, hf_rtt_ack_frame, tvb, 0, 0, h->ack_frame));

    if (triage_handshake_ambiguous_legs(h) && (frame == h->synack_frame || frame == h->ack_frame))
        proto_item_set_generated(proto_tree_add_string(rtt_tree, hf_rtt_ambiguous, tvb, 0, 0,
                                                       triage_handshake_ambiguous_legs(h)));
    anomalies = triage_handshake_anomalies(h);
    for (guint bit = 1; anomalies && bit <= anomalies; bit <<= 1) {
        const char *name = (anomalies & bit) ? triage_handshake_anomaly_name(bit) : NULL;
        if (name)
            proto_item_set_generated(proto_tree_add_string(rtt_tree, hf_rtt_anomaly, tvb, 0, 0, name));
    }

    outcome = triage_handshake_get_outcome(h, view->capture_read);
    if (outcome != TRIAGE_OUTCOME_PENDING) {
        proto_item_set_generated(proto_tree_add_string(rtt_tree, hf_rtt_outcome, tvb, 0, 0,
                                                       triage_handshake_outcome_name(outcome)));
        proto_item_append_text(item, ": %s", triage_handshake_outcome_name(outcome));
        if (outcome != TRIAGE_OUTCOME_COMPLETED && outcome != TRIAGE_OUTCOME_NO_HANDSHAKE &&
            frame == (h->reset_frame ? h->reset_frame : h->first_syn_frame ? h->first_syn_frame : h->synack_frame))
            expert_add_info_format(pinfo, item, &ei_rtt_failed, "TCP handshake %s",
                                   triage_handshake_outcome_name(outcome));
    }
}

static void add_policy_items(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                             const triage_frame_view *view)
{
    const triage_policy *policy = triage_session_policy(triage_glue_session());
    const triage_policy_rule *rule;
    proto_tree *policy_tree;
    proto_item *item;
    expert_field *expert;
    triage_severity severity;
    char *message;
    char evidence[TRIAGE_EVIDENCE_TEXT_SIZE];

    if (view->policy_rule < 0 || !view->policy_violation || !policy)
        return;
    rule = triage_policy_rule_at(policy, (guint)view->policy_rule);
    if (!rule)
        return;
    item = proto_tree_add_item(tree, proto_triage, tvb, 0, 0, ENC_NA);
    proto_item_set_text(item, "Policy violation: %s", rule->name);
    policy_tree = proto_item_add_subtree(item, ett_triage_policy);
    proto_item_set_generated(proto_tree_add_string(policy_tree, hf_policy_rule, tvb, 0, 0, rule->name));
    proto_item_set_generated(proto_tree_add_boolean(policy_tree, hf_policy_violation, tvb, 0, 0, TRUE));
    severity = triage_policy_finding_severity(rule, view->policy_port_only);
    message = triage_policy_finding_message(rule, view->policy_port_only);
    proto_item_set_generated(proto_tree_add_string(policy_tree, hf_policy_severity, tvb, 0, 0,
                                                   triage_policy_severity_name(severity)));
    proto_item_set_generated(proto_tree_add_string(policy_tree, hf_policy_message, tvb, 0, 0, message));
    proto_item_set_generated(proto_tree_add_string(
        policy_tree, hf_policy_evidence, tvb, 0, 0,
        triage_policy_evidence_text(view->policy_evidence, evidence, sizeof evidence)));
    if (view->policy_provisional)
        proto_item_set_generated(proto_tree_add_boolean(policy_tree, hf_policy_provisional, tvb, 0, 0, TRUE));
    if (view->policy_raise_expert) {
        expert = severity == TRIAGE_SEVERITY_ERROR ? &ei_policy_error :
                 severity == TRIAGE_SEVERITY_WARN ? &ei_policy_warn : &ei_policy_note;
        expert_add_info_format(pinfo, item, expert, "%s: %s", rule->name, message);
    }
    g_free(message);
}

/* A DNS query for a listed name: the lookup finding, on every query of it,
 * with the expert info on the first. */
static void add_lookup_items(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo, const triage_frame_view *view)
{
    const triage_policy_engine *engine = triage_session_policy_engine(triage_glue_session());
    const triage_policy_lookup *lookup;
    const triage_policy_rule *rule;
    proto_tree *lookup_tree;
    proto_item *item;
    triage_severity severity;
    expert_field *expert;
    char *message;

    if (!view->policy_lookup_plus_one || !engine)
        return;
    lookup = triage_policy_engine_lookup_at(engine, view->policy_lookup_plus_one - 1);
    rule = lookup ? triage_policy_rule_at(triage_policy_engine_policy(engine), lookup->rule) : NULL;
    if (!rule)
        return;
    item = proto_tree_add_item(tree, proto_triage, tvb, 0, 0, ENC_NA);
    proto_item_set_text(item, "Policy: DNS lookup of a listed name: %s (%s)", lookup->name, rule->name);
    lookup_tree = proto_item_add_subtree(item, ett_triage_policy);
    proto_item_set_generated(proto_tree_add_string(lookup_tree, hf_policy_lookup, tvb, 0, 0, lookup->name));
    proto_item_set_generated(proto_tree_add_string(lookup_tree, hf_policy_rule, tvb, 0, 0, rule->name));
    proto_item_set_generated(proto_tree_add_boolean(lookup_tree, hf_policy_violation, tvb, 0, 0, TRUE));
    severity = triage_policy_lookup_severity(rule);
    message = triage_policy_lookup_message(rule, lookup->name);
    proto_item_set_generated(proto_tree_add_string(lookup_tree, hf_policy_severity, tvb, 0, 0,
                                                   triage_policy_severity_name(severity)));
    proto_item_set_generated(proto_tree_add_string(lookup_tree, hf_policy_message, tvb, 0, 0, message));
    proto_item_set_generated(proto_tree_add_string(lookup_tree, hf_policy_evidence, tvb, 0, 0, "host"));
    if (view->policy_lookup_raise_expert) {
        expert = severity == TRIAGE_SEVERITY_ERROR ? &ei_policy_error :
                 severity == TRIAGE_SEVERITY_WARN ? &ei_policy_warn : &ei_policy_note;
        expert_add_info_format(pinfo, item, expert, "%s: %s", rule->name, message);
    }
    g_free(message);
}

/* Publishes the frame's view to the listeners of the "triage" tap (the
 * reports, the tables, the Endpoints and Conversations tab).  Taps run after
 * the whole dissection, so the view is copied into the packet's memory. */
static void publish(packet_info *pinfo, const triage_frame_view *view)
{
    triage_frame_view *published;

    if (view->frame == 0 || !have_tap_listener(triage_tap_id))
        return;
    published = wmem_new(pinfo->pool, triage_frame_view);
    *published = *view;
    tap_queue_packet(triage_tap_id, pinfo, published);
}

static int dissect_triage(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    triage_frame_view view;
    gboolean shows;
    proto_tree *triage_tree;
    proto_item *root;

    /* The idle path: nobody looks at our fields, expert infos, tap or
     * reports.  A tree alone is no reason to work: tshark builds one for
     * -z io,stat or -T fields of other protocols.
     * proto_field_is_referenced is TRUE for a visible tree and for any
     * triage field a filter, column or -e names. */
    if (!gui_session && !have_tap_listener(triage_tap_id) && !have_tap_listener(expert_tap_id) &&
        !proto_field_is_referenced(tree, proto_triage))
        return 0;
    shows = triage_glue_process_frame(pinfo, tree != NULL || gui_session, &view);
    publish(pinfo, &view);
    if (!shows)
        return 0;
    if (!(view.handshake && frame_is_handshake_packet(view.handshake, pinfo->num)) &&
        !(view.policy_rule >= 0 && view.policy_violation) && !view.policy_lookup_plus_one)
        return 0;

    /* Without a tree the items are NULL, and the expert infos still reach
     * -z expert and the Expert Information dialog. */
    root = proto_tree_add_item(tree, proto_triage, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(root);
    triage_tree = proto_item_add_subtree(root, ett_triage);
    add_rtt_items(triage_tree, tvb, pinfo, &view);
    add_policy_items(triage_tree, tvb, pinfo, &view);
    add_lookup_items(triage_tree, tvb, pinfo, &view);
    /* Non-zero puts "triage" in frame.protocols, which is right only when
     * the frame shows something of ours. */
    return tree ? 1 : 0;
}

/* ---- capture lifetime --------------------------------------------------- */

static void triage_init(void)
{
    triage_session_settings settings;
    ws_info_t *ws_info;
    /* the expert tap is registered after plugin handoffs run */
    expert_tap_id = find_tap_id("expert");
    /* Only the GUI answers this (tshark has no plugin_if callbacks): there
     * the user may open any frame's tree, which shows right values only if
     * the engines saw the frames before it, so the first pass feeds them
     * even without a tree. */
    plugin_if_get_ws_info(&ws_info);
    gui_session = ws_info != NULL && ws_info->ws_info_supported;
    if (gui_session)
        triage_glue_want_payloads();
    triage_settings_for_capture(&settings);
    triage_glue_start(&settings);
}

static void triage_cleanup(void)
{
    triage_glue_stop();
}

/* ---- registration ------------------------------------------------------ */

void proto_register_triage(void)
{
    static hf_register_info hf[] = {
        { &hf_rtt_syn_synack,
          { "SYN to SYN/ACK", "triage.rtt.syn_synack", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time from the last SYN sent before the first SYN/ACK to that SYN/ACK: the RTT between "
            "the capture point and the server", HFILL } },
        { &hf_rtt_synack_ack,
          { "SYN/ACK to ACK", "triage.rtt.synack_ack", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "Time from the last SYN/ACK sent before the handshake ACK to that ACK: the RTT between "
            "the capture point and the client", HFILL } },
        { &hf_rtt_handshake,
          { "Handshake RTT", "triage.rtt.handshake", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "SYN to SYN/ACK plus SYN/ACK to ACK: the path RTT, whatever the capture point", HFILL } },
        { &hf_rtt_setup,
          { "Connection setup", "triage.rtt.setup", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
            "First SYN to the handshake ACK: what the user waited, retransmission timeouts included",
            HFILL } },
        { &hf_rtt_outcome,
          { "Handshake outcome", "triage.rtt.outcome", FT_STRING, BASE_NONE, NULL, 0x0,
            "completed, refused, unanswered, incomplete, client_reset, synack_only or no_handshake",
            HFILL } },
        { &hf_rtt_ambiguous,
          { "Ambiguous legs", "triage.rtt.ambiguous", FT_STRING, BASE_NONE, NULL, 0x0,
            "syn (SYN to SYN/ACK), synack (SYN/ACK to ACK) or syn,synack: legs left out of the RTT statistics "
            "because their opening packet was sent more than once before it was answered (Karn), or, for "
            "synack, because the client sent its SYN again after the SYN/ACK; the words of every report",
            HFILL } },
        { &hf_rtt_anomaly,
          { "Handshake anomaly", "triage.rtt.anomaly", FT_STRING, BASE_NONE, NULL, 0x0,
            "time_backwards, simultaneous_open, late_syn, syn_with_payload, ack_mismatch or "
            "syn_after_synack (a SYN sent again after the SYN/ACK: the SYN/ACK to ACK leg is left out "
            "of the RTT statistics)", HFILL } },
        { &hf_rtt_syn_frame,
          { "SYN in frame", "triage.rtt.syn_frame", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "The SYN that opens the measured leg", HFILL } },
        { &hf_rtt_synack_frame,
          { "SYN/ACK in frame", "triage.rtt.synack_frame", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0, NULL, HFILL } },
        { &hf_rtt_ack_frame,
          { "Handshake ACK in frame", "triage.rtt.ack_frame", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_ACK), 0x0, NULL, HFILL } },
        { &hf_rtt_client,
          { "Client", "triage.rtt.client", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_rtt_server,
          { "Server", "triage.rtt.server", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_policy_rule,
          { "Policy rule", "triage.policy.rule", FT_STRING, BASE_NONE, NULL, 0x0,
            "The policy rule that decided this connection", HFILL } },
        { &hf_policy_violation,
          { "Policy violation", "triage.policy.violation", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The connection matches an alert rule", HFILL } },
        { &hf_policy_severity,
          { "Severity", "triage.policy.severity", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_policy_message,
          { "Message", "triage.policy.message", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_policy_evidence,
          { "Evidence", "triage.policy.evidence", FT_STRING, BASE_NONE, NULL, 0x0,
            "What the finding rests on: port, protocol (Wireshark's label), payload (a signature in the bytes), "
            "address (a listed peer), filter, host (a listed name: TLS server name, HTTP Host, DNS query); "
            "comma-separated", HFILL } },
        { &hf_policy_provisional,
          { "Provisional", "triage.policy.provisional", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Present while a port or label rule waits for the first payload of each direction to confirm it",
            HFILL } },
        { &hf_policy_lookup,
          { "DNS lookup of a listed name", "triage.policy.lookup", FT_STRING, BASE_NONE, NULL, 0x0,
            "A DNS query for a name of a hosts rule's list: a finding of its own, one severity below the rule",
            HFILL } },
    };
    static gint *ett[] = { &ett_triage, &ett_triage_rtt, &ett_triage_policy };
    static ei_register_info ei[] = {
        { &ei_policy_note, { "triage.policy.note", PI_SECURITY, PI_NOTE, "Policy finding", EXPFILL } },
        { &ei_policy_warn, { "triage.policy.warn", PI_SECURITY, PI_WARN, "Policy finding", EXPFILL } },
        { &ei_policy_error, { "triage.policy.error", PI_SECURITY, PI_ERROR, "Policy finding", EXPFILL } },
        { &ei_rtt_slow, { "triage.rtt.slow", PI_SEQUENCE, PI_NOTE, "Slow TCP handshake", EXPFILL } },
        { &ei_rtt_failed, { "triage.rtt.failed", PI_SEQUENCE, PI_NOTE, "TCP handshake failed", EXPFILL } },
    };
    expert_module_t *expert_triage;

    proto_triage = proto_register_protocol("Capture Triage", "Triage", "triage");
    proto_register_field_array(proto_triage, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_triage = expert_register_protocol(proto_triage);
    expert_register_field_array(expert_triage, ei, array_length(ei));

    triage_register_preferences(proto_triage);
    register_init_routine(triage_init);
    register_cleanup_routine(triage_cleanup);

    triage_handle = create_dissector_handle(dissect_triage, proto_triage);
    register_postdissector(triage_handle);
    triage_tap_id = register_tap("triage");
}

void proto_reg_handoff_triage(void)
{
    triage_glue_register_helper_taps();
}
