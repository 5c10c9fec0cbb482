/*
 * cmd_merge.c: `cablesim merge -o OUT.h5 PART.h5...`: joins the parts written by
 * `cablesim run --shard i/N` (the tasks of a job array) into the file one unsharded run writes.
 *
 * Options and messages only: the merge is the library's (cs_results_merge, results.h;
 * sim/src/results/merge.c).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cablesim/outfile.h"
#include "cablesim/results.h"
#include "cli.h"

static const char usage[] =
    "Usage: cablesim merge -o RESULTS.h5 PART.h5... [--force] [--buffer-size BYTES] [--quiet]\n"
    "\n"
    "Joins the parts written by 'cablesim run SCENARIO --shard I/N -o PART.h5' (I = 0..N-1,\n"
    "e.g. the tasks of a job array) into RESULTS.h5, the file one run of the scenario writes:\n"
    "every dataset and attribute but 'created' is identical. The parts may be given in any\n"
    "order. Each must be complete, from the same scenario (seed, trials, as_of, topology and\n"
    "demand included) and this cablesim version; together they must hold every trial once.\n"
    "The topology and demand are not read: the parts hold everything the file needs.\n"
    "\n"
    "  -o, --output FILE     the merged results, written as FILE.tmp-PID and renamed to FILE\n"
    "                        at the end; an existing FILE is refused (exit 2)\n"
    "  --force               replace an existing FILE\n"
    "  --buffer-size BYTES   bytes copied at a time per dataset (default 8388608, at least one\n"
    "                        trial's row): memory does not grow with the number of trials\n"
    "  --quiet               print nothing but errors\n"
    "\n"
    "Exit status: 0 merged, 1 failure not caused by the input, 2 invalid input or usage (a\n"
    "missing, overlapping, incomplete or mismatched part); on failure no RESULTS.h5 is left.\n";

enum { DEFAULT_BUFFER = 8 << 20 };
static const unsigned long long MAX_BUFFER = 1ULL << 40;

typedef struct {
    const char *output;
    const char **parts; /* [nparts] */
    size_t nparts;
    size_t buffer;
    bool quiet, force;
} merge_args;

static int parse_buffer(const char *v, merge_args *a)
{
    char *end = NULL;
    const unsigned long long b = strtoull(v, &end, 10);
    if (v[0] < '1' || v[0] > '9' || *end != '\0' || b > MAX_BUFFER)
        return cli_usage_error("merge: --buffer-size: expected an integer in [1, %llu], found "
                               "\"%s\"",
                               MAX_BUFFER, v);
    a->buffer = (size_t)b;
    return CLI_OK;
}

static int parse_args(int argc, char **argv, merge_args *a)
{
    memset(a, 0, sizeof *a);
    a->buffer = DEFAULT_BUFFER;
    enum { OPT_BUFFER = 256, OPT_FORCE };
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"buffer-size", required_argument, NULL, OPT_BUFFER},
                                         {"quiet", no_argument, NULL, 'q'},
                                         {"force", no_argument, NULL, OPT_FORCE},
                                         {NULL, 0, NULL, 0}};
    cli_getopt g;
    if (!cli_getopt_init(&g, "merge", opts, "o:q", argc, argv)) return CLI_FAIL;
    int st = CLI_OK, c;
    while (st == CLI_OK && (c = cli_getopt_next(&g)) != -1) {
        if (c == 'o') {
            if ((a->output = g.arg) == NULL)
                st = cli_usage_error("merge: -o/--output needs a file name");
        } else if (c == OPT_BUFFER) {
            st = parse_buffer(g.arg != NULL ? g.arg : "", a);
        } else if (c == 'q') {
            a->quiet = true;
        } else if (c == OPT_FORCE) {
            a->force = true;
        } else {
            st = CLI_USAGE;
        }
    }
    a->parts = g.pos; /* kept: freed by cmd_merge */
    a->nparts = g.npos;
    g.pos = NULL;
    cli_getopt_destroy(&g);
    if (st != CLI_OK) return st;
    if (a->output == NULL)
        return cli_usage_error("merge: expected -o RESULTS.h5 (the merged file), found none");
    if (a->nparts == 0)
        return cli_usage_error("merge: expected the parts to join (PART.h5...), found none");
    return CLI_OK;
}

/* Whether -o names one of the parts (the same file, by device and inode). */
static bool names_a_part(const merge_args *a)
{
    struct stat o, p;
    if (stat(a->output, &o) != 0) return false;
    for (size_t i = 0; i < a->nparts; i++)
        if (stat(a->parts[i], &p) == 0 && p.st_dev == o.st_dev && p.st_ino == o.st_ino) return true;
    return false;
}

int cmd_merge(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (cli_is_help(argv[i])) {
            fputs(usage, stdout);
            return CLI_OK;
        }
    merge_args a;
    int status = parse_args(argc, argv, &a);
    cs_error err = CS_ERROR_INIT;
    uint64_t trials = 0, seed = 0;
    /* An existing output needs --force; one that is a part is refused by the merge itself. */
    if (status == CLI_OK && !a.force && !names_a_part(&a) &&
        cs_outfile_check_new(a.output, &err) != CS_OK)
        status = cli_report(&err);
    if (status == CLI_OK &&
        cs_results_merge(a.output, a.parts, a.nparts, a.buffer, &trials, &seed, &err) != CS_OK)
        status = cli_report(&err);
    if (status == CLI_OK && !a.quiet)
        printf("cablesim merge: %zu parts, %" PRIu64 " trials (seed %" PRIu64
               ") -> %s (complete)\n",
               a.nparts, trials, seed, a.output);
    free(a.parts);
    return status;
}
