/*
 * cmd_analyze.c: `cablesim analyze` (statistics of a results file as text, JSON or CSV): its
 * usage, the options it shares with `compare`, the text helpers of both, and the command.
 *
 * All the numbers come from cs_analysis_run() and cs_analysis_recovery(); analyze_text.c,
 * analyze_json.c and analyze_csv.c lay them out. docs/analysis-cli.md defines every metric.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyze.h"
#include "cablesim/analysis.h"
#include "cablesim/resultsio.h"
#include "cli.h"
#include "rare.h"

static const char analyze_usage[] =
    "Usage: cablesim analyze RESULTS.h5 [--format text|json|csv] [--table NAME] [--top N]\n"
    "                        [--precision REL]\n"
    "\n"
    "Statistics of a results file (docs/analysis-cli.md defines each one): expected unserved\n"
    "traffic and served fraction with 95% confidence intervals, quantiles, VaR and CVaR, the\n"
    "probability that a region is cut off, latency inflation, per region and per demand; whether\n"
    "the trials reach the requested precision; how traffic reroutes; the criticality of cables,\n"
    "segments and landing stations. Files with recovery data (a scenario with a recovery\n"
    "section) add recovery over time: the served share (median, 10-90% band), the time to\n"
    "restore 50/90/100%, Tbps-days lost, the repair queue and each ship's use. Runs with an\n"
    "estimator (docs/rare-events.md) add the target event's probability; importance-sampled\n"
    "files (weighted trials) give only that and the weighted means (text or json).\n"
    "\n"
    "  --format F      text (default; top-N tables), json (everything) or csv (one table)\n"
    "  --table NAME    with csv: regions (default), overall, demands, cables, segments,\n"
    "                  stations, or,\n"
    "                  for files with recovery data, recovery (served share and queue over\n"
    "                  time), recovery-times (time to restore, Tbps-days) or ships\n"
    "  --top N         rows in each text ranking (default 10)\n"
    "  --precision R   target relative half-width of the 95% CI of the expected unserved\n"
    "                  traffic (default 0.05): trials needed and how many more\n"
    "\n"
    "Exit status: 0 done, 1 failure not caused by the input, 2 invalid input or usage\n"
    "(not an HDF5 file, not a complete cablesim results file, bad option).\n";

static int parse_format(const char *cmd, const char *v, out_format *f)
{
    if (v != NULL && strcmp(v, "text") == 0)
        *f = FMT_TEXT;
    else if (v != NULL && strcmp(v, "json") == 0)
        *f = FMT_JSON;
    else if (v != NULL && strcmp(v, "csv") == 0)
        *f = FMT_CSV;
    else
        return cli_usage_error("%s: --format: expected text, json or csv, found \"%s\"", cmd,
                               v ? v : "nothing");
    return CLI_OK;
}

enum { OPT_FORMAT = 256, OPT_TABLE, OPT_TOP, OPT_PRECISION };

/* The options of one file's arguments; operands are the files. */
static int parse_option(const char *cmd, int c, const char *v, analyze_args *a)
{
    char *end = NULL;
    switch (c) {
    case OPT_FORMAT:
        return parse_format(cmd, v, &a->format);
    case OPT_TABLE:
        if ((a->table = v) == NULL) return cli_usage_error("%s: --table: expected a NAME", cmd);
        return CLI_OK;
    case OPT_TOP: {
        const long n = v != NULL ? strtol(v, &end, 10) : -1;
        if (v == NULL || end == v || *end != '\0' || n < 1 || n > 1000000)
            return cli_usage_error("%s: --top: expected a whole number from 1 to 1000000, found "
                                   "\"%s\"",
                                   cmd, v ? v : "nothing");
        a->top = (size_t)n;
        return CLI_OK;
    }
    case OPT_PRECISION: {
        const double x = v != NULL ? strtod(v, &end) : NAN;
        if (v == NULL || end == v || *end != '\0' || strpbrk(v, "xX") || !(x > 0 && x < 1))
            return cli_usage_error("%s: --precision: expected a number between 0 and 1 (0.05 for "
                                   "5%%), found \"%s\"",
                                   cmd, v ? v : "nothing");
        a->precision = x;
        return CLI_OK;
    }
    default:
        return CLI_USAGE; /* cli_getopt_next() said what */
    }
}

int an_parse_args(const char *cmd, int argc, char **argv, size_t want_files, analyze_args *a)
{
    memset(a, 0, sizeof *a);
    a->top = 10;
    a->precision = 0.05;
    const bool analyze = want_files == 1;
    static const struct option analyze_opts[] = {
        {"format", required_argument, NULL, OPT_FORMAT},
        {"table", required_argument, NULL, OPT_TABLE},
        {"top", required_argument, NULL, OPT_TOP},
        {"precision", required_argument, NULL, OPT_PRECISION},
        {NULL, 0, NULL, 0}};
    static const struct option compare_opts[] = {{"format", required_argument, NULL, OPT_FORMAT},
                                                 {"top", required_argument, NULL, OPT_TOP},
                                                 {NULL, 0, NULL, 0}};
    cli_getopt g;
    if (!cli_getopt_init(&g, cmd, analyze ? analyze_opts : compare_opts, "", argc, argv))
        return CLI_FAIL;
    int st = CLI_OK, c;
    while (st == CLI_OK && (c = cli_getopt_next(&g)) != -1)
        st = parse_option(cmd, c, g.arg, a);
    for (size_t i = 0; st == CLI_OK && i < g.npos; i++) {
        const char *s = g.pos[i];
        if (a->n_files < (analyze ? 1 : CLI_MAX_FILES))
            a->files[a->n_files++] = s;
        else if (analyze)
            st = cli_usage_error("%s: expected 1 results file, found another: \"%s\"", cmd, s);
        else
            st = cli_usage_error("%s: at most %d results files, found another: \"%s\"", cmd,
                                 CLI_MAX_FILES, s);
    }
    cli_getopt_destroy(&g);
    if (st != CLI_OK) return st;
    if (a->n_files < want_files)
        return cli_usage_error("%s: expected %s%zu results file%s, found %zu (see 'cablesim %s "
                               "--help')",
                               cmd, analyze ? "" : "at least ", want_files,
                               want_files == 1 ? "" : "s", a->n_files, cmd);
    if (a->table != NULL && a->format != FMT_CSV)
        return cli_usage_error("%s: --table goes with --format csv", cmd);
    static const char *const tables[] = {"regions",        "demands",  "cables",
                                         "segments",       "stations", "recovery",
                                         "recovery-times", "ships",    "overall"};
    bool known = a->table == NULL;
    for (size_t t = 0; t < 9 && !known; t++)
        known = strcmp(a->table, tables[t]) == 0;
    if (!known)
        return cli_usage_error("%s: --table: expected regions, overall, demands, cables, segments, "
                               "stations, recovery, recovery-times or ships, found \"%s\"",
                               cmd, a->table);
    return CLI_OK;
}

/* ------------------------------------------------------------- helpers */

const char *an_demand_label(const cs_results_info *in, size_t k, char *buf, size_t n)
{
    snprintf(buf, n, "%s-%s", in->demands[k].origin_id, in->demands[k].destination_id);
    return buf;
}

/* Columns s takes on a terminal: its UTF-8 code points. */
int an_text_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

void an_print_padded(const char *s, int w)
{
    fputs(s, stdout);
    for (int i = an_text_width(s); i < w; i++)
        putchar(' ');
}

/* lead spaces, then x in width columns with prec decimals, or "-" when it is not a number. */
void an_pnum(int lead, int width, int prec, double x)
{
    printf("%*s", lead, "");
    if (isfinite(x))
        printf("%*.*f", width, prec, x);
    else
        printf("%*s", width, "-");
}

/* "p (lo-hi)" for a proportion, "-" when it has no trials. */
void an_pprop(const cs_proportion *p)
{
    if (p->n == 0)
        printf("%22s", "-");
    else
        printf("%8.5f (%.4f-%.4f)", p->p, p->lo, p->hi);
}

void an_pprop_of(const cs_analysis_t *a, const cs_proportion *p)
{
    if (p->n > 0 && !a->varied)
        printf("%8.5f (one outcome)", p->p);
    else
        an_pprop(p);
}

void an_pstated(const cs_loss_interval *s, int width, int prec, bool served)
{
    char buf[96];
    if (!isfinite(s->mean))
        snprintf(buf, sizeof buf, "-");
    else if (s->kind == CS_LOSS_ONE_OUTCOME)
        snprintf(buf, sizeof buf, "%.*f (one outcome)", prec, s->mean);
    else if (s->kind == CS_LOSS_BOUND)
        snprintf(buf, sizeof buf, "%.*f (%s %.*f)", prec, s->mean, served ? ">=" : "<=", prec,
                 served ? s->lo : s->hi);
    else
        snprintf(buf, sizeof buf, "%.*f (%.*f-%.*f)", prec, s->mean, prec, s->lo, prec, s->hi);
    printf("%*s", width, buf);
}

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    const bool nx = isnan(x->key), ny = isnan(y->key);
    if (nx != ny) return nx ? 1 : -1;
    if (!nx && x->key != y->key) return x->key < y->key ? 1 : -1;
    return (x->i > y->i) - (x->i < y->i);
}

/* The indices of keys in descending order; NULL when out of memory. */
ranked *an_rank(const double *keys, size_t n)
{
    ranked *r = malloc((n + 1) * sizeof *r);
    if (r == NULL) return NULL;
    for (size_t i = 0; i < n; i++)
        r[i] = (ranked){i, keys[i]};
    qsort(r, n, sizeof *r, cmp_ranked);
    return r;
}

/* -------------------------------------------------------------- analyze */

int an_finish(int st, const char *cmd)
{
    if (st == CLI_OK && fflush(stdout) != 0) {
        fprintf(stderr, "cablesim: %s: cannot write the output\n", cmd);
        return CLI_FAIL;
    }
    return st;
}

bool an_wants_help(int argc, char **argv, const char *usage)
{
    for (int i = 0; i < argc; i++)
        if (cli_is_help(argv[i])) {
            fputs(usage, stdout);
            return true;
        }
    return false;
}

int cmd_analyze(int argc, char **argv)
{
    if (an_wants_help(argc, argv, analyze_usage)) return CLI_OK;
    analyze_args args;
    int st = an_parse_args("analyze", argc, argv, 1, &args);
    if (st != CLI_OK) return st;
    bool weighted = false; /* importance-sampled: rare.h prints what is meaningful */
    st = cli_rare_analyze(args.files[0], (cli_rare_format)args.format, &weighted);
    if (st != CLI_OK || weighted) return an_finish(st, "analyze");
    cs_error err = CS_ERROR_INIT;
    cs_resultsio_t *r = NULL;
    cs_analysis_t *a = NULL;
    cs_recovery_analysis_t *v = NULL;
    cs_analysis_options o = CS_ANALYSIS_OPTIONS_INIT;
    o.precision = args.precision;
    if (cs_resultsio_open(&r, args.files[0], &err) != CS_OK ||
        cs_analysis_run(&a, r, &o, &err) != CS_OK ||
        (cs_resultsio_info(r)->has_recovery && cs_analysis_recovery(&v, r, &o, &err) != CS_OK)) {
        cs_analysis_free(a);
        cs_resultsio_close(r);
        return cli_report(&err);
    }
    const bool rec_table = args.table != NULL && (strcmp(args.table, "recovery") == 0 ||
                                                  strcmp(args.table, "recovery-times") == 0 ||
                                                  strcmp(args.table, "ships") == 0);
    if (rec_table && v == NULL) {
        st = cli_usage_error("analyze: --table %s: %s has no recovery data (the scenario has no "
                             "recovery section)",
                             args.table, args.files[0]);
    } else if (args.format == FMT_JSON) {
        bool ok = true;
        json_t *root = an_j_analysis(a, &ok);
        cli_json_put(root, "recovery", v != NULL ? an_j_recovery(v, &ok) : json_null(), &ok);
        st = cli_json_print(root, ok, "analyze");
    } else if (args.format == FMT_CSV) {
        an_print_csv(a, v, args.table);
    } else {
        an_print_text(a, args.top);
        if (v != NULL) an_print_recovery(v);
        st = cli_rare_section(args.files[0]);
    }
    cs_recovery_analysis_free(v);
    cs_analysis_free(a);
    cs_resultsio_close(r);
    return an_finish(st, "analyze");
}
