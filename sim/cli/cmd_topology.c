/*
 * cmd_topology.c: `cablesim topology check|info|export`.
 */
#include <stdio.h>
#include <string.h>

#include "cablesim/paths.h"
#include "cablesim/topology.h"
#include "cli.h"

static const char usage[] =
    "Usage: cablesim topology check [FILE]\n"
    "       cablesim topology info [FILE] [--as-of YEAR] [--format text|json]\n"
    "       cablesim topology export [FILE] --format graphml|dot|geojson [--as-of YEAR]\n"
    "                                [-o OUT [--force]]\n"
    "\n"
    "FILE defaults to the bundled Japan topology (topology/japan.geojson).\n"
    "check   validates FILE (docs/topology-format.md) and prints OK with counts, or\n"
    "        every problem found, one per line, and exits with status 2.\n"
    "info    summarises the network in service in YEAR (default: the current year);\n"
    "        --json is the same as --format json.\n"
    "export  writes the graph as GraphML, Graphviz DOT or normalised GeoJSON.\n";

static void print_line(void *ctx, const char *msg)
{
    fprintf((FILE *)ctx, "cablesim: %s\n", msg);
}

int cli_topology_file(const char *arg, char *buf, size_t n)
{
    if (arg != NULL) {
        snprintf(buf, n, "%s", arg);
        return CLI_OK;
    }
    cs_error err = CS_ERROR_INIT;
    if (cs_data_path(buf, n, "topology/japan.geojson", &err) != CS_OK) return cli_report(&err);
    return CLI_OK;
}

static int topology_check(int argc, char **argv)
{
    static const struct option opts[] = {{NULL, 0, NULL, 0}};
    cli_getopt g;
    if (!cli_getopt_init(&g, "topology check", opts, "", argc, argv)) return CLI_FAIL;
    int st = cli_getopt_next(&g) == -1 ? CLI_OK : CLI_USAGE;
    if (st == CLI_OK && g.npos > 1)
        st = cli_usage_error("topology check: expected at most one FILE argument (see --help)");
    const char *file = g.npos == 1 ? g.pos[0] : NULL;
    cli_getopt_destroy(&g);
    if (st != CLI_OK) return st;
    char path[4096];
    st = cli_topology_file(file, path, sizeof path);
    if (st != CLI_OK) return st;
    cs_error err = CS_ERROR_INIT;
    err.sink = print_line;
    err.sink_ctx = stderr;
    cs_topology_t *t = NULL;
    const cs_status rc = cs_topology_load(&t, path, NULL, &err);
    if (rc != CS_OK) {
        if (err.count > 1) cli_message("%s: %zu problems found", path, err.count);
        return cli_status(rc);
    }
    size_t kinds[3] = {0, 0, 0}, segments = 0;
    for (size_t i = 0; i < cs_topology_node_count(t); i++)
        kinds[cs_topology_node(t, i)->kind]++;
    for (size_t j = 0; j < cs_topology_edge_count(t); j++)
        segments += cs_topology_edge(t, j)->kind == CS_EDGE_SEGMENT;
    printf("OK %s: %zu nodes (%zu landing stations, %zu branching units, %zu cities), "
           "%zu edges (%zu segments, %zu links), %zu cable systems\n",
           path, cs_topology_node_count(t), kinds[CS_NODE_LANDING], kinds[CS_NODE_BRANCHING_UNIT],
           kinds[CS_NODE_CITY], cs_topology_edge_count(t), segments,
           cs_topology_edge_count(t) - segments, cs_topology_cable_count(t));
    cs_topology_free(t);
    return CLI_OK;
}

int cmd_topology(int argc, char **argv)
{
    if (argc < 1) {
        fputs(usage, stderr);
        return CLI_USAGE;
    }
    const char *sub = argv[0];
    if (cli_is_help(sub)) {
        fputs(usage, stdout);
        return CLI_OK;
    }
    for (int i = 1; i < argc; i++)
        if (cli_is_help(argv[i])) {
            fputs(usage, stdout);
            return CLI_OK;
        }
    if (strcmp(sub, "check") == 0) return topology_check(argc - 1, argv + 1);
    if (strcmp(sub, "info") == 0) return cmd_topology_info(argc - 1, argv + 1);
    if (strcmp(sub, "export") == 0) return cmd_topology_export(argc - 1, argv + 1);
    return cli_usage_error("topology: unknown subcommand \"%s\" (expected check, info or export)",
                           sub);
}
