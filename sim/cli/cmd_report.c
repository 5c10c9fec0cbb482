/*
 * cmd_report.c: `cablesim report RESULTS.h5 [MORE.h5...] -o REPORT.html`: the self-contained
 * HTML report of report.h (docs/report.md). This file parses the options and calls the library.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int cmd_report(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (cli_is_help(argv[i])) {
            printf(report_usage, cs_coast_default_path());
            return CLI_OK;
        }
    enum { OPT_PDF = 256, OPT_COAST, OPT_TOP, OPT_FORCE };
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"pdf", required_argument, NULL, OPT_PDF},
                                         {"coastline", required_argument, NULL, OPT_COAST},
                                         {"top", required_argument, NULL, OPT_TOP},
                                         {"force", no_argument, NULL, OPT_FORCE},
                                         {NULL, 0, NULL, 0}};
    cs_report_options o = CS_REPORT_OPTIONS_INIT;
    o.coastline = cs_coast_default_path();
    const char *output = NULL, *pdf = NULL;
    bool force = false;
    cli_getopt g;
    if (!cli_getopt_init(&g, "report", opts, "o:", argc, argv)) return CLI_FAIL;
    int st = CLI_OK, c;
    while (st == CLI_OK && (c = cli_getopt_next(&g)) != -1) {
        const char *v = g.arg;
        if (c == OPT_FORCE) {
            force = true;
        } else if (c == '?') {
            st = CLI_USAGE;
        } else if (v == NULL) {
            st = cli_usage_error("report: %s: expected a value (see 'cablesim report --help')",
                                 c == 'o'         ? "-o"
                                 : c == OPT_PDF   ? "--pdf"
                                 : c == OPT_COAST ? "--coastline"
                                                  : "--top");
        } else if (c == 'o') {
            output = v;
        } else if (c == OPT_PDF) {
            pdf = v;
        } else if (c == OPT_COAST) {
            o.coastline = strcmp(v, "none") == 0 ? NULL : v;
        } else {
            char *end = NULL;
            const long n = strtol(v, &end, 10);
            if (end == v || *end != '\0' || n < 1 || n > 1000000)
                st = cli_usage_error("report: --top: expected a whole number from 1 to 1000000, "
                                     "found \"%s\"",
                                     v);
            o.top = (size_t)n;
        }
    }
    const size_t n_files = g.npos;
    const char **files = g.pos;
    if (st == CLI_OK && n_files < 1)
        st = cli_usage_error("report: expected at least one results file (see 'cablesim report "
                             "--help')");
    if (st == CLI_OK && output == NULL)
        st = cli_usage_error("report: expected -o REPORT.html (see 'cablesim report --help')");
    for (int i = 0; i < 2 && st == CLI_OK; i++)
        st = cli_refuse_existing("report", i ? pdf : output, force, files, n_files);
    if (st == CLI_OK && pdf != NULL && strcmp(pdf, output) == 0)
        st = cli_usage_error("report: --pdf %s: expected another file than the page (-o)", pdf);
    cs_error err = CS_ERROR_INIT;
    if (st == CLI_OK && cs_report_file(output, files, n_files, &o, &err) != CS_OK)
        st = cli_report(&err);
    if (st == CLI_OK && pdf != NULL && cs_report_pdf(output, pdf, NULL, &err) != CS_OK) {
        cli_message("%s", err.msg);
        st = err.code == CS_EINVAL ? CLI_USAGE : CLI_FAIL; /* the path's fault, else not */
    }
    if (st == CLI_OK) printf("report: %s%s%s\n", output, pdf ? ", " : "", pdf ? pdf : "");
    cli_getopt_destroy(&g);
    return st;
}
