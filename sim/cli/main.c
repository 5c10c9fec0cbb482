/*
 * main.c: the cablesim command-line entry point: dispatches subcommands.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cablesim/error.h"
#include "cablesim/paths.h"
#include "cli.h"

static const char usage[] =
    "Usage: cablesim [--help] [--version] <command> [<args>]\n"
    "\n"
    "Monte Carlo resilience simulator of Japan's submarine cable network.\n"
    "\n"
    "Commands:\n"
    "  topology check FILE                 validate a topology (GeoJSON)\n"
    "  topology info FILE [--as-of YEAR] [--format text|json]\n"
    "                                      counts, landing concentration, capacity and\n"
    "                                      minimum cuts between Japan and each region\n"
    "  topology export FILE --format graphml|dot|geojson [--as-of YEAR] [-o OUT [--force]]\n"
    "                                      write the graph for other tools\n"
    "  run [SCENARIO] [-o RESULTS.h5 [--force]] [--set KEY=VALUE]... [--dry-run]\n"
    "                                      run a scenario's Monte Carlo trials (a file, or a\n"
    "                                      bundled scenario's name; none: the default job, a\n"
    "                                      typical year of random faults)\n"
    "  scenarios                           the bundled scenarios, with their descriptions\n"
    "  analyze RESULTS.h5 [--format text|json|csv] [--table NAME] [--top N] [--precision R]\n"
    "                                      statistics of a results file: expected loss with\n"
    "                                      confidence intervals, VaR/CVaR, rerouting, criticality\n"
    "  compare A.h5 B.h5 [MORE.h5...] [--format text|json|csv]\n"
    "                                      differences between runs: paired with one seed and\n"
    "                                      trials, else unpaired (Welch); a table for more files\n"
    "  report RESULTS.h5 [MORE.h5...] -o REPORT.html [--pdf REPORT.pdf]\n"
    "                                      one self-contained HTML page to hand over: the\n"
    "                                      question, figures, maps, recovery, comparison\n"
    "  merge -o RESULTS.h5 PART.h5...      join the parts of a run made with run --shard I/N\n"
    "                                      into the file one run writes\n"
    "  status RESULTS.h5 [--format json]   complete (0), resumable (3), not resumable (4)\n"
    "  criticality [TOPOLOGY] [--as-of YEAR] [-k 1|2] [--unit segment|cable|station|all]\n"
    "                                      N-1 and N-2 contingencies ranked by unserved demand;\n"
    "                                      single points of failure and critical pairs per region\n"
    "  evolution [SCENARIO.yaml] [--from YEAR] [--to YEAR] [--growth RATE] [-o TABLE]\n"
    "                                      one scenario on the network of each year: a table\n"
    "                                      and a chart of how resilience changed\n"
    "\n"
    "Options take their value as --name VALUE or --name=VALUE, anywhere after the command;\n"
    "--format selects text, json or csv output wherever there is a choice.\n"
    "Run 'cablesim <command> --help' for a command's options. Exit status: 0 success,\n"
    "1 failure not caused by the input, 2 invalid input or usage.\n"
    "Documentation: docs/ in the source tree or share/doc/cablesim when installed.\n";

/* The subcommands: each gets the arguments after its name. */
static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"topology", cmd_topology},   {"run", cmd_run},       {"analyze", cmd_analyze},
    {"compare", cmd_compare},     {"merge", cmd_merge},   {"criticality", cmd_criticality},
    {"evolution", cmd_evolution}, {"status", cmd_status}, {"scenarios", cmd_scenarios},
    {"report", cmd_report},
};

int cli_status(cs_status rc)
{
    switch (rc) {
    case CS_OK:
        return CLI_OK;
    case CS_EINVAL:
    case CS_EPARSE:
    case CS_EIO:
        return CLI_USAGE;
    default:
        return CLI_FAIL;
    }
}

int cli_report(const cs_error *err)
{
    cli_message("%s", err->msg[0] ? err->msg : cs_status_name(err->code));
    return cli_status(err->code);
}

/* "cablesim: <message>" as one line on stderr (cs_escape_line). */
static void print_line(const char *fmt, va_list ap)
{
    char raw[2 * CS_ERROR_MSG_MAX], line[2 * CS_ERROR_MSG_MAX];
    vsnprintf(raw, sizeof raw, fmt, ap);
    cs_escape_line(line, sizeof line, raw);
    fprintf(stderr, "cablesim: %s\n", line);
}

void cli_message(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_line(fmt, ap);
    va_end(ap);
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    print_line(fmt, ap);
    va_end(ap);
    return CLI_USAGE;
}

bool cli_parse_year(const char *s, int *year)
{
    char *end = NULL;
    const long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || v < 1850 || v > 2100) return false;
    *year = (int)v;
    return true;
}

int cli_current_year(void)
{
    const time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL) return 2026;
    return tm.tm_year + 1900;
}

bool cli_is_help(const char *a)
{
    return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0;
}

int main(int argc, char **argv)
{
    cs_library_init();
    if (argc < 2) {
        fputs(usage, stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (cli_is_help(cmd) || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return CLI_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        cs_build_info b;
        cs_build_info_get(&b);
        printf("cablesim %s\n  commit      %s\n  build type  %s\n  HDF5        %s\n  igraph      "
               "%s\n  GSL         %s\n  MPI         %s\n",
               b.version, b.commit, b.build_type, b.hdf5, b.igraph, b.gsl, b.mpi);
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(cmd, commands[i].name) == 0) return commands[i].run(argc - 2, argv + 2);
    /* A near miss ("rnu", "--verison") gets a did-you-mean among the commands. */
    const char *names[sizeof commands / sizeof commands[0] + 2];
    size_t n = 0;
    for (; n < sizeof commands / sizeof commands[0]; n++)
        names[n] = commands[n].name;
    names[n++] = "--version";
    names[n++] = "--help";
    const size_t k = cs_nearest_name(cmd, names, n);
    if (k != SIZE_MAX)
        return cli_usage_error("unknown command \"%s\" (did you mean \"%s\"?) (see 'cablesim "
                               "--help')",
                               cmd, names[k]);
    return cli_usage_error("unknown command \"%s\" (see 'cablesim --help')", cmd);
}
