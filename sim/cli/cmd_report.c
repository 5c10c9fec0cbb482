/*
 * cmd_report.c: `cablesim report RESULTS.h5 [MORE.h5...] -o REPORT.html`: the self-contained
 * HTML report of report.h (docs/report.md). This file parses the options and calls the library.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cablesim/coast.h"
#include "cablesim/report.h"
#include "cli.h"

static const char report_usage[] =
    "Usage: cablesim report RESULTS.h5 [MORE.h5...] -o REPORT.html [--pdf REPORT.pdf]\n"
    "                       [--coastline FILE|none] [--top N] [--force]\n"
    "\n"
    "Writes one self-contained HTML page (inline CSS and SVG; it opens offline) to hand over:\n"
    "the question (scenario, network year, demand, hazards in words), the headline figures\n"
    "with their 95%% intervals (the numbers of `cablesim analyze --format json`), the regions,\n"
    "cables and landing stations that matter, maps of the network with coastlines, what was\n"
    "down and where the traffic went, the recovery curve when the file has one, a comparison\n"
    "table when given several files (the first is described in full), the assumptions and\n"
    "sources, and the software and data versions (docs/report.md).\n"
    "\n"
    "  -o, --output FILE     the HTML page (required; written as FILE.tmp.PID, then renamed)\n"
    "      --pdf FILE        also print the page to a PDF with headless Chromium (package\n"
    "                        chromium)\n"
    "      --coastline FILE  GSHHG binned coastline file (default: the one of Debian's\n"
    "                        gmt-gshhg-low, %s); none: maps without coastline\n"
    "      --top N           rows in each ranking (default 10)\n"
    "      --force           replace FILE (and the PDF) when they exist\n"
    "\n"
    "Exit status: 0 written, 1 failure not caused by the input, 2 invalid input or usage.\n";

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

int cmd_report(int argc, char **argv)
{
    enum { OPT_PDF = 256, OPT_COAST, OPT_TOP, OPT_FORCE };
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"pdf", required_argument, NULL, OPT_PDF},
                                         {"coastline", required_argument, NULL, OPT_COAST},
                                         {"top", required_argument, NULL, OPT_TOP},
                                         {"force", no_argument, NULL, OPT_FORCE},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    cs_report_options o = CS_REPORT_OPTIONS_INIT;
    o.coastline = cs_coast_default_path();
    const char *output = NULL, *pdf = NULL;
    bool force = false;
    /* getopt_long wants the program name first: the subcommand's name stands for it. */
    char **av = argv - 1;
    const int ac = argc + 1;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(ac, av, ":o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            output = optarg;
            break;
        case OPT_PDF:
            pdf = optarg;
            break;
        case OPT_COAST:
            o.coastline = strcmp(optarg, "none") == 0 ? NULL : optarg;
            break;
        case OPT_FORCE:
            force = true;
            break;
        case OPT_TOP: {
            char *end = NULL;
            const long n = strtol(optarg, &end, 10);
            if (end == optarg || *end != '\0' || n < 1 || n > 1000000)
                return cli_usage_error("report: --top: expected a whole number from 1 to "
                                       "1000000, found \"%s\"",
                                       optarg);
            o.top = (size_t)n;
            break;
        }
        case 'h':
            printf(report_usage, cs_coast_default_path());
            return CLI_OK;
        case ':':
            return cli_usage_error("report: %s: expected a value (see 'cablesim report --help')",
                                   av[optind - 1]);
        default:
            return cli_usage_error("report: unknown option \"%s\" (see 'cablesim report --help')",
                                   av[optind - 1]);
        }
    }
    const int n_files = ac - optind;
    if (n_files < 1)
        return cli_usage_error("report: expected at least one results file (see 'cablesim "
                               "report --help')");
    if (output == NULL)
        return cli_usage_error("report: expected -o REPORT.html (see 'cablesim report --help')");
    for (int i = 0; i < 2; i++) {
        const char *p = i ? pdf : output;
        if (p != NULL && !force && exists(p))
            return cli_usage_error("report: %s exists; --force replaces it", p);
    }
    cs_error err = CS_ERROR_INIT;
    if (cs_report_file(output, (const char *const *)(av + optind), (size_t)n_files, &o, &err) !=
        CS_OK)
        return cli_report(&err);
    if (pdf != NULL && cs_report_pdf(output, pdf, NULL, &err) != CS_OK) {
        cli_message("%s", err.msg);
        return CLI_FAIL;
    }
    printf("report: %s%s%s\n", output, pdf ? ", " : "", pdf ? pdf : "");
    return CLI_OK;
}
