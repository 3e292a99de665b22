/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * triage-capgen — writes exact test captures, each with its truth files.
 *
 *   triage-capgen SCENARIO OUTPUT.pcap [--truth OUTPUT.tsv] [--seed N] [options]
 *   triage-capgen --list
 *
 * Exit status: 0 written, 1 could not write, 2 bad arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

#define EXIT_BAD_ARGUMENTS 2
#define DEFAULT_SNAPLEN 262144

typedef struct command_line {
    gboolean list;
    char *truth_path;
    gint64 seed;
    gint64 vlan;
    char *link;
    capgen_options options;
} command_line;

static void list_scenarios(void)
{
    guint count;
    const capgen_scenario *scenarios = capgen_scenarios(&count);
    for (guint i = 0; i < count; i++)
        printf("%-22s %s\n", scenarios[i].name, scenarios[i].description);
}

static G_GNUC_NORETURN void bad_arguments(const char *message)
{
    fprintf(stderr, "triage-capgen: %s\n(try: triage-capgen --help, triage-capgen --list)\n",
            message);
    exit(EXIT_BAD_ARGUMENTS);
}

/* Scenario options a scenario does not use are errors: a typo or a wrong
 * scenario name must not quietly produce a different capture. */
static void check_accepted(const capgen_scenario *scenario, const capgen_options *options)
{
    static const struct {
        guint bit;
        const char *name;
        size_t offset;
    } table[] = {
        { CAPGEN_ACCEPTS_PACKETS, "--packets", G_STRUCT_OFFSET(capgen_options, packets) },
        { CAPGEN_ACCEPTS_CONNECTIONS, "--connections", G_STRUCT_OFFSET(capgen_options, connections) },
        { CAPGEN_ACCEPTS_IPV6_PERCENT, "--ipv6-percent", G_STRUCT_OFFSET(capgen_options, ipv6_percent) },
        { CAPGEN_ACCEPTS_SERVERS, "--servers", G_STRUCT_OFFSET(capgen_options, servers) },
        { CAPGEN_ACCEPTS_DESTINATIONS, "--destinations", G_STRUCT_OFFSET(capgen_options, destinations) },
        { CAPGEN_ACCEPTS_RTT_US, "--rtt-us", G_STRUCT_OFFSET(capgen_options, rtt_us) },
        { CAPGEN_ACCEPTS_SYNACK_PERCENT, "--synack-percent", G_STRUCT_OFFSET(capgen_options, synack_percent) },
    };
    for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
        gint64 value = G_STRUCT_MEMBER(gint64, options, table[i].offset);
        if (value != CAPGEN_UNSET && !(scenario->accepts & table[i].bit)) {
            char *message = g_strdup_printf("scenario %s does not take %s", scenario->name,
                                            table[i].name);
            bad_arguments(message);
        }
        if (value != CAPGEN_UNSET && value < 0) {
            char *message = g_strdup_printf("%s must not be negative", table[i].name);
            bad_arguments(message);
        }
    }
}

static void parse(int *argc, char ***argv, command_line *line)
{
    capgen_options *o = &line->options;
    o->packets = o->connections = o->ipv6_percent = o->servers = o->destinations = o->rtt_us =
        o->synack_percent = CAPGEN_UNSET;
    line->seed = 1;
    GOptionEntry entries[] = {
        { "list", 0, 0, G_OPTION_ARG_NONE, &line->list, "List the scenarios", NULL },
        { "truth", 0, 0, G_OPTION_ARG_FILENAME, &line->truth_path,
          "Write the truth to FILE (.tsv) and FILE's .flows.tsv", "FILE" },
        { "seed", 0, 0, G_OPTION_ARG_INT64, &line->seed, "Seed (default 1): same seed, same bytes",
          "N" },
        { "vlan", 0, 0, G_OPTION_ARG_INT64, &line->vlan, "Tag untagged frames with 802.1Q VLAN ID",
          "ID" },
        { "link", 0, 0, G_OPTION_ARG_STRING, &line->link, "ethernet (default) or raw (IP only)",
          "TYPE" },
        { "packets", 0, 0, G_OPTION_ARG_INT64, &o->packets, "Total packets (bulk scenarios)", "N" },
        { "connections", 0, 0, G_OPTION_ARG_INT64, &o->connections, "TCP connections", "N" },
        { "ipv6-percent", 0, 0, G_OPTION_ARG_INT64, &o->ipv6_percent,
          "Share of IPv6 destinations (default 20)", "P" },
        { "servers", 0, 0, G_OPTION_ARG_INT64, &o->servers,
          "Distinct server address:port pairs", "N" },
        { "destinations", 0, 0, G_OPTION_ARG_INT64, &o->destinations,
          "Distinct server addresses", "N" },
        { "rtt-us", 0, 0, G_OPTION_ARG_INT64, &o->rtt_us, "Path round-trip time in microseconds",
          "N" },
        { "synack-percent", 0, 0, G_OPTION_ARG_INT64, &o->synack_percent,
          "syn_flood: share of SYNs the server answers (default 0)", "P" },
        { NULL }
    };
    GOptionContext *context = g_option_context_new("SCENARIO OUTPUT.pcap");
    g_option_context_set_summary(context,
                                 "Writes an exact test capture (pcap, nanosecond timestamps) and, "
                                 "with --truth, what a correct analysis must find in it.");
    g_option_context_add_main_entries(context, entries, NULL);
    GError *error = NULL;
    if (!g_option_context_parse(context, argc, argv, &error))
        bad_arguments(error->message);
    g_option_context_free(context);
    o->seed = (guint64)line->seed;
}

int main(int argc, char **argv)
{
    command_line line = { 0 };
    parse(&argc, &argv, &line);
    if (line.list) {
        list_scenarios();
        return EXIT_SUCCESS;
    }
    if (argc != 3)
        bad_arguments("expected a scenario and an output file");
    const capgen_scenario *scenario = capgen_scenario_find(argv[1]);
    if (!scenario) {
        char *message = g_strdup_printf("unknown scenario '%s'", argv[1]);
        bad_arguments(message);
    }
    check_accepted(scenario, &line.options);
    if (line.vlan < 0 || line.vlan > 4094)
        bad_arguments("--vlan must be between 1 and 4094");
    gboolean raw_ip = FALSE;
    if (line.link && strcmp(line.link, "raw") == 0)
        raw_ip = TRUE;
    else if (line.link && strcmp(line.link, "ethernet") != 0)
        bad_arguments("--link must be ethernet or raw");
    if (raw_ip && line.vlan)
        bad_arguments("--vlan needs --link ethernet");

    capgen_plan plan = { .snaplen = DEFAULT_SNAPLEN };
    char *error = NULL;
    if (!scenario->plan(&line.options, &plan, &error))
        bad_arguments(error);

    capgen_output output = {
        .pcap_path = argv[2],
        .truth_path = line.truth_path,
        .snaplen = plan.snaplen,
        .raw_ip = raw_ip,
        .vlan = (guint16)line.vlan,
        .sorted_truth = !plan.streaming,
        .seed = line.options.seed,
    };
    capgen_totals totals;
    if (!capgen_schedule(&output, &plan.source, &totals, &error)) {
        fprintf(stderr, "triage-capgen: %s\n", error);
        g_free(error);
        return EXIT_FAILURE;
    }
    g_free(line.truth_path);
    g_free(line.link);
    return EXIT_SUCCESS;
}
