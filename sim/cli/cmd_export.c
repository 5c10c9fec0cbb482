/*
 * cmd_export.c: `cablesim topology export [FILE] --format graphml|dot|geojson
 * [--as-of YEAR] [-o OUT [--force]]`: writes the topology for other tools (export.h).
 *
 * Without --as-of everything in the file is written, planned and retired
 * cables included. Without -o (or with -o -) the output goes to stdout;
 * with -o it replaces OUT only once complete (cs_export_file()).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cablesim/export.h"
#include "cablesim/topology.h"
#include "cli.h"

typedef struct {
    const char *file;   /* NULL: the bundled topology */
    const char *format; /* required */
    const char *as_of;  /* NULL: no filter */
    const char *out;    /* NULL or "-": stdout */
    bool force;         /* replace an existing OUT */
} export_args;

/* Fills a from argv; returns CLI_OK or the exit status of the usage error it printed. */
static int parse_args(int argc, char **argv, export_args *a)
{
    enum { OPT_FORMAT = 256, OPT_AS_OF, OPT_FORCE };
    static const struct option opts[] = {{"format", required_argument, NULL, OPT_FORMAT},
                                         {"as-of", required_argument, NULL, OPT_AS_OF},
                                         {"output", required_argument, NULL, 'o'},
                                         {"force", no_argument, NULL, OPT_FORCE},
                                         {NULL, 0, NULL, 0}};
    cli_getopt g;
    if (!cli_getopt_init(&g, "topology export", opts, "o:", argc, argv)) return CLI_FAIL;
    int st = CLI_OK, c;
    while (st == CLI_OK && (c = cli_getopt_next(&g)) != -1) {
        if (c == OPT_FORCE) {
            a->force = true;
            continue;
        }
        const char **slot = c == OPT_FORMAT  ? &a->format
                            : c == OPT_AS_OF ? &a->as_of
                            : c == 'o'       ? &a->out
                                             : NULL;
        const char *name = c == OPT_FORMAT ? "--format" : c == OPT_AS_OF ? "--as-of" : "-o";
        if (slot == NULL)
            st = CLI_USAGE;
        else if (g.arg == NULL)
            st = cli_usage_error("topology export: option %s needs a value (see --help)", name);
        else if (*slot != NULL)
            st = cli_usage_error("topology export: option %s is given twice", name);
        else
            *slot = g.arg;
    }
    if (st == CLI_OK && g.npos > 1)
        st = cli_usage_error("topology export: expected at most one FILE argument, found \"%s\" "
                             "after \"%s\"",
                             g.pos[1], g.pos[0]);
    if (g.npos > 0) a->file = g.pos[0];
    cli_getopt_destroy(&g);
    if (st != CLI_OK) return st;
    if (a->format == NULL)
        return cli_usage_error("topology export: option --format is required (graphml, dot or "
                               "geojson)");
    if (a->out != NULL && strcmp(a->out, "-") != 0)
        return cli_refuse_existing("topology export", a->out, a->force, &a->file, 1);
    return CLI_OK;
}

int cmd_topology_export(int argc, char **argv)
{
    export_args a = {NULL, NULL, NULL, NULL, false};
    int st = parse_args(argc, argv, &a);
    if (st != CLI_OK) return st;
    cs_export_format format;
    if (!cs_export_format_parse(a.format, &format))
        return cli_usage_error("topology export: --format: expected graphml, dot or geojson, "
                               "found \"%s\"",
                               a.format);
    cs_topology_options opt = CS_TOPOLOGY_OPTIONS_INIT;
    if (a.as_of != NULL && !cli_parse_year(a.as_of, &opt.as_of))
        return cli_usage_error("topology export: --as-of: expected a year between 1850 and 2100, "
                               "found \"%s\"",
                               a.as_of);
    char path[4096];
    if ((st = cli_topology_file(a.file, path, sizeof path)) != CLI_OK) return st;

    cs_error err = CS_ERROR_INIT;
    cs_topology_t *t = NULL;
    if (cs_topology_load(&t, path, &opt, &err) != CS_OK) return cli_report(&err);
    const bool to_stdout = a.out == NULL || strcmp(a.out, "-") == 0;
    const cs_status rc = to_stdout ? cs_export_write(stdout, t, format, "<stdout>", &err)
                                   : cs_export_file(a.out, t, format, &err);
    cs_topology_free(t);
    if (rc == CS_OK) return CLI_OK;
    /* An output that cannot be made (a bad path, CS_EIO) is 2, as for every command; one that
     * cannot be written (CS_EWRITE: a full disk, a file size limit) is 1: not the input's fault. */
    return cli_report(&err);
}
