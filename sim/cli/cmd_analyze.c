/*
 * cmd_analyze.c: `cablesim analyze` (statistics of a results file as text, JSON or CSV) and
 * `cablesim compare` (differences between results files: paired or unpaired).
 *
 * All the numbers come from cs_analysis_run() and cs_analysis_compare(); this file parses
 * the options and lays the results out. docs/analysis-cli.md defines every metric.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

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

static const char compare_usage[] =
    "Usage: cablesim compare A.h5 B.h5 [MORE.h5...] [--format text|json|csv] [--top N]\n"
    "\n"
    "Differences B - A between two runs: expected unserved traffic, served fraction and\n"
    "probability of being cut off, overall and per region (matched by name), and the\n"
    "probability that each cable system fails (matched by id), each with a 95% confidence\n"
    "interval and a verdict. Runs with the same seed and trials are paired trial by trial\n"
    "(with an exact sign test); others (another seed, trial count) are compared as two\n"
    "independent samples with a Welch interval, and the output says so. Demands, years and\n"
    "networks may differ: what only one file has is named as not comparable. When both files\n"
    "have recovery data on the same horizon and grid, also the differences of\n"
    "the times to restore 50/90/100% (capped at the horizon) and of the Tbps-days lost, and\n"
    "the two median served-share curves. With more than two files: one row per file against\n"
    "the first (a sweep's files in one command). When a file is importance-sampled\n"
    "(docs/rare-events.md), the two runs' rare-event estimates are compared instead.\n"
    "\n"
    "  --format F      text (default), json or csv (one row per metric)\n"
    "  --top N         cable systems listed in the text (default 10)\n";

typedef enum { FMT_TEXT, FMT_JSON, FMT_CSV } out_format;

/* Files one compare takes at most. */
#define CLI_MAX_FILES 256

typedef struct {
    const char *files[CLI_MAX_FILES];
    size_t n_files;
    out_format format;
    const char *table;
    size_t top;
    double precision;
} analyze_args;

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
        if (v == NULL || end == v || *end != '\0' || !(x > 0 && x < 1))
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

static int parse_args(const char *cmd, int argc, char **argv, size_t want_files, analyze_args *a)
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

static const char *demand_label(const cs_results_info *in, size_t k, char *buf, size_t n)
{
    snprintf(buf, n, "%s-%s", in->demands[k].origin_id, in->demands[k].destination_id);
    return buf;
}

/* Columns s takes on a terminal: its UTF-8 code points. */
static int text_width(const char *s)
{
    int w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

static void print_padded(const char *s, int w)
{
    fputs(s, stdout);
    for (int i = text_width(s); i < w; i++)
        putchar(' ');
}

/* lead spaces, then x in width columns with prec decimals, or "-" when it is not a number. */
static void pnum(int lead, int width, int prec, double x)
{
    printf("%*s", lead, "");
    if (isfinite(x))
        printf("%*.*f", width, prec, x);
    else
        printf("%*s", width, "-");
}

/* "p (lo-hi)" for a proportion, "-" when it has no trials. */
static void pprop(const cs_proportion *p)
{
    if (p->n == 0)
        printf("%22s", "-");
    else
        printf("%8.5f (%.4f-%.4f)", p->p, p->lo, p->hi);
}

/* Sorts indices idx[0..n) by key descending (NaN last), ties by index. */
typedef struct {
    size_t i;
    double key;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    const bool nx = isnan(x->key), ny = isnan(y->key);
    if (nx != ny) return nx ? 1 : -1;
    if (!nx && x->key != y->key) return x->key < y->key ? 1 : -1;
    return (x->i > y->i) - (x->i < y->i);
}

/* The indices of keys in descending order; NULL when out of memory. */
static ranked *rank(const double *keys, size_t n)
{
    ranked *r = malloc((n + 1) * sizeof *r);
    if (r == NULL) return NULL;
    for (size_t i = 0; i < n; i++)
        r[i] = (ranked){i, keys[i]};
    qsort(r, n, sizeof *r, cmp_ranked);
    return r;
}

/* ---------------------------------------------------------------- text */

static void print_header(const cs_analysis_t *a)
{
    const cs_results_info *in = a->info;
    printf("cablesim analyze: %s\n", in->path);
    printf("  scenario: %s (seed %llu, %llu trials; written %s by cablesim %s)\n", a->scenario_name,
           (unsigned long long)in->seed, (unsigned long long)in->trials, in->created,
           in->software_version);
    printf("  network: %zu nodes, %zu edges, %zu cable systems as of %d; %zu demands, %zu "
           "(city, region) pairs; routed on %s capacity\n",
           in->n_nodes, in->n_edges, a->n_cables, (int)in->as_of, in->n_demands, in->n_pairs,
           a->use_lit ? "lit" : "design");
    printf("  demand: %.3f Tbps; the intact network leaves %.4f Tbps unserved\n", a->demand_tbps,
           in->base_unserved_tbps);
    printf("  trials with at least one failure: %llu (%.2f%%)\n",
           (unsigned long long)a->n_disturbed,
           a->n ? 100.0 * (double)a->n_disturbed / (double)a->n : 0.0);
}

static void print_precision(const cs_precision *p, double target, uint64_t n)
{
    if (!p->defined) {
        printf("no traffic lost in any trial: relative precision is undefined\n");
        return;
    }
    printf("the 95%% CI half-width is %.2f%% of the mean; %.0f%% needs %.0f trials: ",
           100.0 * p->achieved, 100.0 * target, ceil(p->needed));
    if (p->sufficient)
        printf("the %llu trials suffice\n", (unsigned long long)n);
    else
        printf("%llu more needed\n", (unsigned long long)p->more);
}

static void print_tail(const cs_tail *t)
{
    if (!t->available) {
        puts("  quantiles: not kept (memory cap; see docs/analysis-cli.md)");
        return;
    }
    const double levels[CS_ANALYSIS_NQ] = CS_ANALYSIS_LEVELS;
    printf("  quantiles:");
    for (size_t i = 0; i < CS_ANALYSIS_NQ; i++)
        printf("  p%g %.4f", 100.0 * levels[i], t->q[i]);
    printf("  max %.4f\n", t->max);
    printf("  VaR95 %.4f  CVaR95 %.4f  VaR99 %.4f  CVaR99 %.4f\n", t->var95, t->cvar95, t->var99,
           t->cvar99);
}

/* The honest statement of expected unserved demand (docs/model.md, "Honest statistics"). */
static cs_loss_interval loss_interval(const cs_analysis_t *a)
{
    const double u0 = a->info->base_unserved_tbps;
    return cs_analysis_loss_interval(a->varied, a->n_loss, &a->unserved_tbps, u0,
                                     a->demand_tbps - u0);
}

static void print_overall(const cs_analysis_t *a)
{
    const cs_estimate *u = &a->unserved_tbps, *f = &a->served_frac, *c = &a->capacity_lost_tbps;
    const cs_loss_interval li = loss_interval(a);
    puts("\nImpact, all demands (Tbps)");
    if (li.kind == CS_LOSS_ONE_OUTCOME)
        printf("  every trial has the same failures: one outcome, no confidence interval\n"
               "  capacity lost: %.4f (edges down: failed, or at a failed station)\n"
               "  unserved: %.4f\n",
               c->mean, u->mean);
    else {
        printf("  capacity lost (edges down: failed, or at a failed station): mean %.4f (95%% CI "
               "%.4f to %.4f)\n",
               c->mean, c->lo, c->hi);
        if (li.kind == CS_LOSS_BOUND)
            printf("  expected unserved: %.4f; only %llu of %llu trials lose anything, too few "
                   "for a normal interval: at most %.4f (the intact unserved plus served demand x "
                   "%.3g, the 95%% Clopper-Pearson upper bound of P(loss > 0))\n",
                   li.mean, (unsigned long long)a->n_loss, (unsigned long long)a->n, li.hi,
                   li.p_hi);
        else
            printf("  expected unserved: %.4f (95%% CI %.4f to %.4f), standard error %.4f, sd "
                   "%.4f\n",
                   u->mean, li.lo, li.hi, u->se, u->sd);
    }
    printf("  served fraction: %.6f (%.6f to %.6f)\n", f->mean, f->lo, f->hi);
    print_tail(&a->tail);
    printf("  every (city, region) pair cut at once: ");
    pprop(&a->all_cut);
    printf("\n  latency inflation (traffic-weighted): ");
    pnum(0, 0, 4, a->latency_inflation);
    printf("\n  precision: ");
    print_precision(&a->precision, a->precision_target, a->n);
}

static void print_regions(const cs_analysis_t *a)
{
    int w = text_width("region");
    for (size_t r = 0; r < a->n_regions; r++)
        if (text_width(a->regions[r].name) > w) w = text_width(a->regions[r].name);
    printf("\nRegions (served fraction and unserved Tbps: mean and 95%% CI; P(cut): every "
           "Japanese city cut off; trials for %.0f%%)\n",
           100.0 * a->precision_target);
    printf("  %-*s  %8s  %26s  %28s  %8s  %8s  %8s  %8s  %22s  %8s  %9s\n", w, "region", "demand",
           "served fraction", "unserved Tbps", "VaR95", "CVaR95", "VaR99", "CVaR99", "P(cut)",
           "latency", "trials");
    for (size_t r = 0; r < a->n_regions; r++) {
        const cs_analysis_region *g = &a->regions[r];
        fputs("  ", stdout);
        print_padded(g->name, w);
        printf("  %8.3f  %8.5f (%7.5f-%7.5f)  %8.4f (%8.4f-%8.4f)  ", g->demand_tbps,
               g->served_frac.mean, g->served_frac.lo, g->served_frac.hi, g->unserved_tbps.mean,
               g->unserved_tbps.lo, g->unserved_tbps.hi);
        pnum(0, 8, 4, g->tail.var95);
        pnum(2, 8, 4, g->tail.cvar95);
        pnum(2, 8, 4, g->tail.var99);
        pnum(2, 8, 4, g->tail.cvar99);
        printf("  ");
        pprop(&g->all_cut);
        pnum(2, 8, 4, g->latency_inflation);
        if (g->precision.defined)
            printf("  %9.0f%s\n", ceil(g->precision.needed), g->precision.sufficient ? "" : " *");
        else
            printf("  %9s\n", "-");
    }
    printf("  (* more trials needed for that region)\n");
    printf("  latency added where served (ms; mean over the trials with service, worst):");
    size_t shown = 0;
    for (size_t r = 0; r < a->n_regions; r++) {
        const cs_analysis_region *g = &a->regions[r];
        if (!(g->latency_added_worst_ms >= 0.005)) continue; /* printed as 0.00 */
        printf("%s %s +%.2f, +%.2f", shown++ ? ";" : "", g->name, g->latency_added_mean_ms,
               g->latency_added_worst_ms);
    }
    printf("%s\n", shown ? "" : " none");
    printf("  headroom, spare capacity from Japan to each region after routing (Tbps; mean over "
           "the trials, smallest):");
    shown = 0;
    for (size_t r = 0; r < a->n_regions; r++) {
        const cs_analysis_region *g = &a->regions[r];
        if (!g->has_headroom) continue;
        printf("%s %s %.2f, %.2f", shown++ ? ";" : "", g->name, g->headroom_tbps.mean,
               g->headroom_min_tbps);
    }
    printf("%s\n", shown ? "" : " not in the file (output.headroom: true writes it)");
}

static void print_demands(const cs_analysis_t *a, size_t top)
{
    const cs_results_info *in = a->info;
    double *keys = malloc((in->n_demands + 1) * sizeof *keys);
    if (keys == NULL) return;
    for (size_t k = 0; k < in->n_demands; k++)
        keys[k] = a->demands[k].unserved_tbps.mean;
    ranked *r = rank(keys, in->n_demands);
    free(keys);
    if (r == NULL) return;
    const size_t n = top < in->n_demands ? top : in->n_demands;
    printf("\nDemands, top %zu by expected unserved Tbps (path change: latency differs from the "
           "intact network; traffic goes to: the cable whose flow rises most then)\n",
           n);
    printf("  %-34s %10s  %27s  %8s  %8s  %8s  %8s  %8s  %s\n", "demand", "Tbps",
           "unserved Tbps (95% CI)", "served", "CVaR99", "P(cut)", "P(path)", "latency",
           "traffic goes to (mean rise Tbps)");
    char label[256];
    for (size_t i = 0; i < n; i++) {
        const size_t k = r[i].i;
        const cs_analysis_demand *d = &a->demands[k];
        printf("  %-34s %10.4f  %9.5f (%7.5f-%7.5f)  %8.5f  ",
               demand_label(in, k, label, sizeof label), in->demands[k].demand_scaled_tbps,
               d->unserved_tbps.mean, d->unserved_tbps.lo, d->unserved_tbps.hi,
               d->served_frac.mean);
        pnum(0, 8, 4, d->tail.cvar99);
        pnum(2, 8, 5, d->cut.n ? d->cut.p : NAN);
        pnum(2, 8, 5, d->path_change.n ? d->path_change.p : NAN);
        pnum(2, 8, 4, d->latency_inflation);
        if (d->absorber != SIZE_MAX)
            printf("  %s (%.3f)\n", a->cables[d->absorber].name, d->absorber_rise);
        else
            printf("  -\n");
    }
    free(r);
}

/* Column headings of the flow and comparison tables. */
#define FLOW_HDR "  %-34s %9s  %9s  %9s  %9s  %9s\n"
#define CMP_HDR  "  %-28s %12s  %12s  %12s  %28s  %8s  %8s  %8s  %s\n"

static void print_flow_row(const char *name, const cs_flow_stats *f)
{
    printf("  %-34s %9.3f  %9.3f  ", name, f->capacity_tbps, f->base_flow_tbps);
    pnum(0, 9, 3, f->flow_disturbed.mean);
    pnum(2, 9, 3, f->rise);
    printf("  %9.5f\n", f->saturated.p);
}

static void print_rerouting(const cs_analysis_t *a, size_t top)
{
    const cs_results_info *in = a->info;
    if (!a->has_flow) {
        puts("\nRerouting: skipped, the file has no /trials/edge_flow_tbps (output.edge_flow was "
             "false)");
        return;
    }
    double *keys = malloc((in->n_edges + a->n_cables + 1) * sizeof *keys);
    if (keys == NULL) return;
    for (size_t c = 0; c < a->n_cables; c++)
        keys[c] = a->cables[c].flow.rise;
    ranked *r = rank(keys, a->n_cables);
    size_t n = top < a->n_cables ? top : a->n_cables;
    printf("\nRerouting: absorbers, top %zu cables by the rise of their flow (largest segment) "
           "in trials with failures where they are up\n",
           n);
    printf(FLOW_HDR, "cable", "capacity", "intact", "disturbed", "rise", "P(sat)");
    for (size_t i = 0; r != NULL && i < n; i++)
        print_flow_row(a->cables[r[i].i].name, &a->cables[r[i].i].flow);
    free(r);
    for (size_t c = 0; c < a->n_cables; c++)
        keys[c] = a->cables[c].flow.saturated.p;
    r = rank(keys, a->n_cables);
    size_t shown = 0;
    for (size_t i = 0; r != NULL && i < n; i++)
        shown += r[i].key > 0;
    printf("\nRerouting: saturation, top %zu cables by the share of trials with a segment at "
           ">= %.1f%% of capacity\n",
           shown, 100.0 * CS_ANALYSIS_SATURATION);
    if (shown > 0) printf(FLOW_HDR, "cable", "capacity", "intact", "disturbed", "rise", "P(sat)");
    for (size_t i = 0; i < shown; i++)
        print_flow_row(a->cables[r[i].i].name, &a->cables[r[i].i].flow);
    free(r);
    for (size_t j = 0; j < in->n_edges; j++)
        keys[j] = a->edges[j].flow.rise;
    r = rank(keys, in->n_edges);
    n = top < in->n_edges ? top : in->n_edges;
    printf("\nRerouting: top %zu segments and links by the rise of their flow\n", n);
    printf(FLOW_HDR, "segment", "capacity", "intact", "disturbed", "rise", "P(sat)");
    for (size_t i = 0; r != NULL && i < n; i++)
        print_flow_row(in->edges[r[i].i].id, &a->edges[r[i].i].flow);
    free(r);
    free(keys);
}

static void print_crit_row(const char *name, const cs_criticality *c)
{
    printf("  %-34s %8.5f  %8llu  ", name, c->failed.p, (unsigned long long)c->failed.k);
    pnum(0, 9, 4, c->unserved.mean);
    pnum(2, 9, 4, c->unserved.se);
    pnum(2, 9, 4, c->loss);
    pnum(2, 7, 2, 100.0 * c->share);
    puts(isfinite(c->share) ? "%" : "");
}

/* Orders elements that failed by share of the loss, then by how often they failed. */
static int cmp_crit(const void *x, const void *y)
{
    const cs_criticality *a = *(const cs_criticality *const *)x;
    const cs_criticality *b = *(const cs_criticality *const *)y;
    const double sa = isfinite(a->share) ? a->share : -INFINITY;
    const double sb = isfinite(b->share) ? b->share : -INFINITY;
    if (sa != sb) return sa < sb ? 1 : -1;
    if (a->failed.k != b->failed.k) return a->failed.k < b->failed.k ? 1 : -1;
    return (a > b) - (a < b); /* the arrays keep index order */
}

/* Prints the top rows, among the elements that failed at least once, of a criticality ranking. */
static void print_crit(const char *title, const char *what, const cs_criticality **crit,
                       const char *const *names, size_t n, size_t top)
{
    const cs_criticality **order = malloc((n + 1) * sizeof *order);
    if (order == NULL) return;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (crit[i]->failed.k > 0) order[m++] = crit[i];
    qsort(order, m, sizeof *order, cmp_crit);
    const size_t shown = m < top ? m : top;
    printf("\nCriticality: %s: %zu failed in some trial; top %zu by share of the loss\n", title, m,
           shown);
    if (shown > 0)
        printf("  %-34s %8s  %8s  %9s  %9s  %9s  %8s\n", what, "P(fail)", "trials", "E[U|fail]",
               "se", "E[L|fail]", "share");
    for (size_t i = 0; i < shown; i++) {
        size_t k = 0;
        while (crit[k] != order[i])
            k++;
        print_crit_row(names[k], order[i]);
    }
    free(order);
}

static void print_criticality(const cs_analysis_t *a, size_t top)
{
    const cs_results_info *in = a->info;
    const size_t n = in->n_edges + a->n_cables + a->n_stations + 1;
    const cs_criticality **crit = malloc(n * sizeof *crit);
    const char **names = malloc(n * sizeof *names);
    if (crit == NULL || names == NULL) {
        free(crit);
        free(names);
        return;
    }
    puts("\nCriticality: U = unserved Tbps, L = U - unserved of the intact network (the loss); "
         "share = loss in the trials where it failed / all loss. Failures co-occur, so shares "
         "add up to more than 100%.");
    for (size_t c = 0; c < a->n_cables; c++) {
        crit[c] = &a->cables[c].crit;
        names[c] = a->cables[c].name;
    }
    print_crit("cable systems (a cable fails when any of its segments does)", "cable", crit, names,
               a->n_cables, top);
    for (size_t j = 0; j < in->n_edges; j++) {
        crit[j] = &a->edges[j].crit;
        names[j] = in->edges[j].id;
    }
    print_crit("segments and links (failed: cut in the trial)", "segment", crit, names, in->n_edges,
               top);
    for (size_t s = 0; s < a->n_stations; s++) {
        crit[s] = &a->stations[s].crit;
        names[s] = in->nodes[a->stations[s].node].name;
    }
    print_crit("landing stations (failed: lost in the trial)", "station", crit, names,
               a->n_stations, top);
    free(crit);
    free(names);
}

/* "mean (lo-hi)" of an estimate. */
static void pest(const cs_estimate *e, int prec)
{
    pnum(0, 0, prec, e->mean);
    printf(" (");
    pnum(0, 0, prec, e->lo);
    printf(" to ");
    pnum(0, 0, prec, e->hi);
    printf(")");
}

/* A time or amount in width columns: "inf" beyond the horizon, "-" when not a number. */
static void pval(int width, int prec, double x)
{
    if (isinf(x))
        printf(" %*s", width, "inf");
    else
        pnum(1, width, prec, x);
}

static const char *const ttr_names[3] = {"50%", "90%", "100%"};

static void print_recovery(const cs_recovery_analysis_t *v)
{
    const double levels[CS_RECOVERY_NQ] = CS_RECOVERY_LEVELS;
    printf("\nRecovery over time (%llu trials; %.4g-day horizon in %.4g-hour steps; share = "
           "served / %.4f Tbps served by the intact network)\n",
           (unsigned long long)v->n, v->horizon_days, v->step_hours, v->intact_tbps);
    printf("  %8s %10s %10s %10s %10s  %11s %9s\n", "day", "p10", "median", "p90", "mean",
           "queue mean", "queue max");
    for (size_t j = 0; j < v->n_points; j++) {
        const cs_recovery_point *p = &v->points[j];
        pnum(2, 8, 2, p->time_days);
        pnum(1, 10, 6, p->q10);
        pnum(1, 10, 6, p->median);
        pnum(1, 10, 6, p->q90);
        pnum(1, 10, 6, p->share.mean);
        pnum(2, 11, 3, p->queue_mean);
        printf(" %9lu\n", (unsigned long)p->queue_max);
    }
    printf("\n  time to restore (days; mean of min(t, horizon) with 95%% CI; inf = not within "
           "the horizon)\n");
    printf("  %-6s %30s", "", "mean");
    for (size_t i = 0; i < CS_RECOVERY_NQ; i++) {
        char label[16];
        snprintf(label, sizeof label, "p%g", 100.0 * levels[i]);
        printf(" %12s", label);
    }
    printf("  %s\n", "not restored");
    for (size_t m = 0; m < 3; m++) {
        const cs_recovery_ttr *t = &v->ttr[m];
        printf("  %-6s ", ttr_names[m]);
        char buf[96];
        snprintf(buf, sizeof buf, "%.3f (%.3f to %.3f)", t->censored.mean, t->censored.lo,
                 t->censored.hi);
        printf("%30s", buf);
        for (size_t i = 0; i < CS_RECOVERY_NQ; i++)
            pval(12, 3, t->q[i]);
        printf("  ");
        pprop(&t->not_restored);
        putchar('\n');
    }
    printf("\n  Tbps-days lost (mean with 95%% CI; quantiles)\n");
    const cs_recovery_amount *am[2] = {&v->capacity_tbps_days, &v->unserved_tbps_days};
    static const char *const am_names[2] = {"capacity (lit Tbps x outage days)",
                                            "unserved (intact - served)"};
    for (size_t m = 0; m < 2; m++) {
        printf("  %-34s ", am_names[m]);
        pest(&am[m]->est, 3);
        for (size_t i = 0; i < CS_RECOVERY_NQ; i++) {
            printf("  p%g ", 100.0 * levels[i]);
            pnum(0, 0, 3, am[m]->q[i]);
        }
        printf("  max ");
        pnum(0, 0, 3, am[m]->max);
        putchar('\n');
    }
    printf("\n  faults per trial: ");
    pest(&v->faults, 3);
    printf("; repaired within the horizon: ");
    pprop(&v->repaired);
    printf("\n  wait for a ship (days): ");
    pest(&v->wait_days, 3);
    printf("; failure to end of repair (days): ");
    pest(&v->outage_days, 3);
    printf("\n\n  %-28s %-14s %26s  %s\n", "ship", "home", "busy days (95% CI)",
           "share of trials it worked");
    for (size_t k = 0; k < v->n_ships; k++) {
        const cs_recovery_ship_use *u = &v->ships[k];
        char buf[96];
        snprintf(buf, sizeof buf, "%.3f (%.3f to %.3f)", u->busy_days.mean, u->busy_days.lo,
                 u->busy_days.hi);
        printf("  ");
        print_padded(u->name, 28);
        printf(" ");
        print_padded(u->home, 14);
        printf(" %26s  ", buf);
        pprop(&u->worked);
        putchar('\n');
    }
}

static void print_text(const cs_analysis_t *a, size_t top)
{
    print_header(a);
    print_overall(a);
    print_regions(a);
    print_demands(a, top);
    print_rerouting(a, top);
    print_criticality(a, top);
}

/* ---------------------------------------------------------------- JSON */

static void put(json_t *obj, const char *key, json_t *v, bool *ok)
{
    if (v == NULL || json_object_set_new(obj, key, v) != 0) *ok = false;
}

static void push(json_t *arr, json_t *v, bool *ok)
{
    if (v == NULL || json_array_append_new(arr, v) != 0) *ok = false;
}

/* A number, or null when it is not finite (JSON has no NaN). */
static json_t *jnum(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

static json_t *jint(uint64_t x)
{
    return json_integer((json_int_t)x);
}

static json_t *j_estimate(const cs_estimate *e, bool *ok)
{
    json_t *o = json_object();
    put(o, "mean", jnum(e->mean), ok);
    put(o, "se", jnum(e->se), ok);
    put(o, "sd", jnum(e->sd), ok);
    put(o, "lo", jnum(e->lo), ok);
    put(o, "hi", jnum(e->hi), ok);
    put(o, "n", jint(e->n), ok);
    return o;
}

static json_t *j_prop(const cs_proportion *p, bool *ok)
{
    if (p->n == 0) return json_null();
    json_t *o = json_object();
    put(o, "p", jnum(p->p), ok);
    put(o, "lo", jnum(p->lo), ok);
    put(o, "hi", jnum(p->hi), ok);
    put(o, "k", jint(p->k), ok);
    put(o, "n", jint(p->n), ok);
    return o;
}

static json_t *j_tail(const cs_tail *t, bool *ok)
{
    if (!t->available) return json_null();
    json_t *o = json_object(), *q = json_object();
    const double levels[CS_ANALYSIS_NQ] = CS_ANALYSIS_LEVELS;
    for (size_t i = 0; i < CS_ANALYSIS_NQ; i++) {
        char key[16];
        snprintf(key, sizeof key, "p%g", 100.0 * levels[i]);
        put(q, key, jnum(t->q[i]), ok);
    }
    put(o, "quantiles", q, ok);
    put(o, "max", jnum(t->max), ok);
    put(o, "var95", jnum(t->var95), ok);
    put(o, "cvar95", jnum(t->cvar95), ok);
    put(o, "var99", jnum(t->var99), ok);
    put(o, "cvar99", jnum(t->cvar99), ok);
    return o;
}

static json_t *j_precision(const cs_precision *p, double target, bool *ok)
{
    json_t *o = json_object();
    put(o, "target", jnum(target), ok);
    put(o, "defined", json_boolean(p->defined), ok);
    put(o, "achieved", jnum(p->achieved), ok);
    put(o, "trials_needed", p->defined ? jnum(ceil(p->needed)) : json_null(), ok);
    put(o, "sufficient", p->defined ? json_boolean(p->sufficient) : json_null(), ok);
    put(o, "more_trials", p->defined ? jint(p->more) : json_null(), ok);
    return o;
}

static json_t *j_crit(const cs_criticality *c, bool *ok)
{
    json_t *o = json_object();
    put(o, "failed", j_prop(&c->failed, ok), ok);
    put(o, "unserved_when_failed", c->failed.k ? j_estimate(&c->unserved, ok) : json_null(), ok);
    put(o, "loss_when_failed", jnum(c->loss), ok);
    put(o, "loss_share", jnum(c->share), ok);
    return o;
}

static json_t *j_flow(const cs_flow_stats *f, bool *ok)
{
    json_t *o = json_object();
    put(o, "capacity_tbps", jnum(f->capacity_tbps), ok);
    put(o, "intact_flow_tbps", jnum(f->base_flow_tbps), ok);
    put(o, "flow_when_up", f->flow_up.n ? j_estimate(&f->flow_up, ok) : json_null(), ok);
    put(o, "flow_disturbed", f->flow_disturbed.n ? j_estimate(&f->flow_disturbed, ok) : json_null(),
        ok);
    put(o, "rise_tbps", jnum(f->rise), ok);
    put(o, "saturated", j_prop(&f->saturated, ok), ok);
    return o;
}

static json_t *j_regions(const cs_analysis_t *a, bool *ok)
{
    json_t *arr = json_array();
    for (size_t r = 0; r < a->n_regions; r++) {
        const cs_analysis_region *g = &a->regions[r];
        json_t *o = json_object();
        put(o, "region", json_string(g->name), ok);
        put(o, "domestic", json_boolean(g->domestic), ok);
        put(o, "demands", jint(g->n_demands), ok);
        put(o, "demand_tbps", jnum(g->demand_tbps), ok);
        put(o, "intact_served_tbps", jnum(g->base_served_tbps), ok);
        put(o, "served_fraction", j_estimate(&g->served_frac, ok), ok);
        put(o, "unserved_tbps", j_estimate(&g->unserved_tbps, ok), ok);
        put(o, "unserved_tail", j_tail(&g->tail, ok), ok);
        put(o, "precision", j_precision(&g->precision, a->precision_target, ok), ok);
        put(o, "pairs", jint(g->n_pairs), ok);
        put(o, "cut_off_all", j_prop(&g->all_cut, ok), ok);
        put(o, "cut_off_any", j_prop(&g->any_cut, ok), ok);
        put(o, "latency_inflation", jnum(g->latency_inflation), ok);
        put(o, "latency_added_ms",
            json_pack("{s:o,s:o}", "mean", jnum(g->latency_added_mean_ms), "worst",
                      jnum(g->latency_added_worst_ms)),
            ok);
        json_t *h = json_null();
        if (g->has_headroom) {
            h = j_estimate(&g->headroom_tbps, ok);
            put(h, "min", jnum(g->headroom_min_tbps), ok);
        }
        put(o, "headroom_tbps", h, ok);
        push(arr, o, ok);
    }
    return arr;
}

static json_t *j_demands(const cs_analysis_t *a, bool *ok)
{
    const cs_results_info *in = a->info;
    json_t *arr = json_array();
    for (size_t k = 0; k < in->n_demands; k++) {
        const cs_analysis_demand *d = &a->demands[k];
        json_t *o = json_object();
        put(o, "origin", json_string(in->demands[k].origin_id), ok);
        put(o, "destination", json_string(in->demands[k].destination_id), ok);
        put(o, "region", json_string(a->regions[d->region].name), ok);
        put(o, "demand_tbps", jnum(in->demands[k].demand_scaled_tbps), ok);
        put(o, "intact_served_tbps", jnum(d->base_served_tbps), ok);
        put(o, "intact_latency_ms", jnum(d->base_latency_ms), ok);
        put(o, "served_fraction", j_estimate(&d->served_frac, ok), ok);
        put(o, "unserved_tbps", j_estimate(&d->unserved_tbps, ok), ok);
        put(o, "unserved_tail", j_tail(&d->tail, ok), ok);
        put(o, "loses_traffic", j_prop(&d->loss, ok), ok);
        put(o, "cut_off", j_prop(&d->cut, ok), ok);
        put(o, "path_change", j_prop(&d->path_change, ok), ok);
        put(o, "latency_inflation", jnum(d->latency_inflation), ok);
        put(o, "traffic_goes_to",
            d->absorber != SIZE_MAX ? json_string(a->cables[d->absorber].name) : json_null(), ok);
        put(o, "traffic_goes_to_rise_tbps", jnum(d->absorber_rise), ok);
        push(arr, o, ok);
    }
    return arr;
}

static json_t *j_cables(const cs_analysis_t *a, bool *ok)
{
    json_t *arr = json_array();
    for (size_t c = 0; c < a->n_cables; c++) {
        const cs_analysis_cable *cb = &a->cables[c];
        json_t *o = json_object();
        put(o, "cable", json_string(cb->name), ok);
        put(o, "name", json_string(cb->full_name), ok);
        put(o, "segments", jint(cb->n_segments), ok);
        put(o, "flow", a->has_flow ? j_flow(&cb->flow, ok) : json_null(), ok);
        put(o, "criticality", j_crit(&cb->crit, ok), ok);
        push(arr, o, ok);
    }
    return arr;
}

static json_t *j_segments(const cs_analysis_t *a, bool *ok)
{
    const cs_results_info *in = a->info;
    json_t *arr = json_array();
    for (size_t j = 0; j < in->n_edges; j++) {
        json_t *o = json_object();
        put(o, "id", json_string(in->edges[j].id), ok);
        put(o, "kind", json_string(in->edges[j].kind), ok);
        put(o, "cable", in->edges[j].cable[0] ? json_string(in->edges[j].cable) : json_null(), ok);
        put(o, "flow", a->has_flow ? j_flow(&a->edges[j].flow, ok) : json_null(), ok);
        put(o, "criticality", j_crit(&a->edges[j].crit, ok), ok);
        push(arr, o, ok);
    }
    return arr;
}

static json_t *j_stations(const cs_analysis_t *a, bool *ok)
{
    const cs_results_info *in = a->info;
    json_t *arr = json_array();
    for (size_t s = 0; s < a->n_stations; s++) {
        const cs_rnode *v = &in->nodes[a->stations[s].node];
        json_t *o = json_object();
        put(o, "id", json_string(v->id), ok);
        put(o, "name", json_string(v->name), ok);
        put(o, "kind", json_string(v->kind), ok);
        put(o, "country", json_string(v->country), ok);
        put(o, "criticality", j_crit(&a->stations[s].crit, ok), ok);
        push(arr, o, ok);
    }
    return arr;
}

static json_t *j_analysis(const cs_analysis_t *a, bool *ok)
{
    const cs_results_info *in = a->info;
    json_t *root = json_object(), *src = json_object(), *all = json_object();
    put(root, "format", json_string("cablesim-analysis"), ok);
    put(root, "format_version", json_integer(1), ok);
    put(src, "file", json_string(in->path), ok);
    put(src, "scenario", json_string(a->scenario_name), ok);
    put(src, "seed", jint(in->seed), ok);
    put(src, "trials", jint(in->trials), ok);
    put(src, "as_of", json_integer(in->as_of), ok);
    put(src, "created", json_string(in->created), ok);
    put(src, "software_version", json_string(in->software_version), ok);
    put(src, "topology_sha256", json_string(in->topology_sha256), ok);
    put(src, "demand_sha256", json_string(in->demand_sha256), ok);
    put(src, "capacity", json_string(a->use_lit ? "lit" : "design"), ok);
    put(root, "source", src, ok);
    put(all, "demand_tbps", jnum(a->demand_tbps), ok);
    put(all, "intact_unserved_tbps", jnum(in->base_unserved_tbps), ok);
    put(all, "disturbed_trials", jint(a->n_disturbed), ok);
    put(all, "unserved_tbps", j_estimate(&a->unserved_tbps, ok), ok);
    put(all, "capacity_lost_tbps", j_estimate(&a->capacity_lost_tbps, ok), ok);
    put(all, "loss_trials", jint(a->n_loss), ok);
    {
        static const char *const kinds[] = {"one_outcome", "clopper_pearson_bound", "normal"};
        const cs_loss_interval li = loss_interval(a);
        json_t *st = json_object();
        put(st, "kind", json_string(kinds[li.kind]), ok);
        put(st, "mean", jnum(li.mean), ok);
        put(st, "interval", json_pack("[oo]", jnum(li.lo), jnum(li.hi)), ok);
        put(st, "p_loss_upper", jnum(li.p_hi), ok);
        put(all, "unserved_statement", st, ok);
    }
    put(all, "served_fraction", j_estimate(&a->served_frac, ok), ok);
    put(all, "unserved_tail", j_tail(&a->tail, ok), ok);
    put(all, "all_pairs_cut", j_prop(&a->all_cut, ok), ok);
    put(all, "latency_inflation", jnum(a->latency_inflation), ok);
    put(all, "precision", j_precision(&a->precision, a->precision_target, ok), ok);
    put(root, "overall", all, ok);
    put(root, "regions", j_regions(a, ok), ok);
    put(root, "demands", j_demands(a, ok), ok);
    put(root, "rerouting_available", json_boolean(a->has_flow), ok);
    put(root, "cables", j_cables(a, ok), ok);
    put(root, "segments", j_segments(a, ok), ok);
    put(root, "stations", j_stations(a, ok), ok);
    return root;
}

/* Quantiles at CS_RECOVERY_LEVELS as {"p10": .., ...}; +inf (not restored) as the string "inf". */
static json_t *j_rec_q(const double *q, bool *ok)
{
    const double levels[CS_RECOVERY_NQ] = CS_RECOVERY_LEVELS;
    json_t *o = json_object();
    for (size_t i = 0; i < CS_RECOVERY_NQ; i++) {
        char key[16];
        snprintf(key, sizeof key, "p%g", 100.0 * levels[i]);
        put(o, key, isinf(q[i]) && q[i] > 0 ? json_string("inf") : jnum(q[i]), ok);
    }
    return o;
}

static json_t *j_amount(const cs_recovery_amount *x, bool *ok)
{
    json_t *o = j_estimate(&x->est, ok);
    put(o, "quantiles", j_rec_q(x->q, ok), ok);
    put(o, "max", jnum(x->max), ok);
    return o;
}

static json_t *j_recovery(const cs_recovery_analysis_t *v, bool *ok)
{
    static const char *const keys[3] = {"t50_days", "t90_days", "t100_days"};
    json_t *o = json_object(), *pts = json_array(), *ships = json_array();
    put(o, "trials", jint(v->n), ok);
    put(o, "horizon_days", jnum(v->horizon_days), ok);
    put(o, "step_hours", jnum(v->step_hours), ok);
    put(o, "intact_served_tbps", jnum(v->intact_tbps), ok);
    for (size_t j = 0; j < v->n_points; j++) {
        const cs_recovery_point *p = &v->points[j];
        json_t *x = json_object();
        put(x, "step", jint(p->step), ok);
        put(x, "time_days", jnum(p->time_days), ok);
        put(x, "share_p10", jnum(p->q10), ok);
        put(x, "share_median", jnum(p->median), ok);
        put(x, "share_p90", jnum(p->q90), ok);
        put(x, "share_mean", j_estimate(&p->share, ok), ok);
        put(x, "queue_mean", jnum(p->queue_mean), ok);
        put(x, "queue_max", jint(p->queue_max), ok);
        push(pts, x, ok);
    }
    put(o, "served_share", pts, ok);
    for (size_t m = 0; m < 3; m++) {
        json_t *x = json_object();
        put(x, "mean_capped_at_horizon", j_estimate(&v->ttr[m].censored, ok), ok);
        put(x, "quantiles", v->ttr[m].available ? j_rec_q(v->ttr[m].q, ok) : json_null(), ok);
        put(x, "not_restored", j_prop(&v->ttr[m].not_restored, ok), ok);
        put(o, keys[m], x, ok);
    }
    put(o, "capacity_tbps_days", j_amount(&v->capacity_tbps_days, ok), ok);
    put(o, "unserved_tbps_days", j_amount(&v->unserved_tbps_days, ok), ok);
    put(o, "faults_per_trial", j_estimate(&v->faults, ok), ok);
    put(o, "faults_repaired", j_prop(&v->repaired, ok), ok);
    put(o, "wait_days", j_estimate(&v->wait_days, ok), ok);
    put(o, "outage_days", j_estimate(&v->outage_days, ok), ok);
    for (size_t k = 0; k < v->n_ships; k++) {
        json_t *x = json_object();
        put(x, "name", json_string(v->ships[k].name), ok);
        put(x, "home", json_string(v->ships[k].home), ok);
        put(x, "busy_days", j_estimate(&v->ships[k].busy_days, ok), ok);
        put(x, "worked", j_prop(&v->ships[k].worked, ok), ok);
        push(ships, x, ok);
    }
    put(o, "ships", ships, ok);
    return o;
}

static int dump_json(json_t *root, bool ok, const char *cmd)
{
    const size_t flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12);
    if (ok && json_dumpf(root, stdout, flags) == 0)
        putchar('\n');
    else
        ok = false;
    json_decref(root);
    if (ok) return CLI_OK;
    fprintf(stderr, "cablesim: %s: cannot build or write the JSON output\n", cmd);
    return CLI_FAIL;
}

/* ----------------------------------------------------------------- CSV */

/* A number field; empty when not finite. */
static void csv_num(double x, bool last)
{
    if (isfinite(x)) printf("%.12g", x);
    putchar(last ? '\n' : ',');
}

static void csv_estimate(const cs_estimate *e)
{
    csv_num(e->mean, false);
    csv_num(e->se, false);
    csv_num(e->lo, false);
    csv_num(e->hi, false);
}

static void csv_tail(const cs_tail *t)
{
    csv_num(t->var95, false);
    csv_num(t->cvar95, false);
    csv_num(t->var99, false);
    csv_num(t->cvar99, false);
    csv_num(t->max, false);
}

static void csv_prop(const cs_proportion *p, bool last)
{
    csv_num(p->n ? p->p : NAN, false);
    csv_num(p->lo, false);
    csv_num(p->hi, last);
}

/* One row: trials, trials with a loss, capacity lost and the honest unserved statement. */
static void csv_overall(const cs_analysis_t *a)
{
    static const char *const kinds[] = {"one_outcome", "clopper_pearson_bound", "normal"};
    const cs_loss_interval li = loss_interval(a);
    puts("trials,disturbed_trials,loss_trials,demand_tbps,intact_unserved_tbps,"
         "capacity_lost_tbps,capacity_lost_tbps_se,capacity_lost_tbps_lo,capacity_lost_tbps_hi,"
         "unserved_tbps,unserved_statement,unserved_lo,unserved_hi,p_loss_upper");
    printf("%llu,%llu,%llu,", (unsigned long long)a->n, (unsigned long long)a->n_disturbed,
           (unsigned long long)a->n_loss);
    csv_num(a->demand_tbps, false);
    csv_num(a->info->base_unserved_tbps, false);
    csv_estimate(&a->capacity_lost_tbps);
    csv_num(li.mean, false);
    printf("%s,", kinds[li.kind]);
    csv_num(li.lo, false);
    csv_num(li.hi, false);
    csv_num(li.p_hi, true);
}

static void csv_regions(const cs_analysis_t *a)
{
    puts("region,domestic,demands,demand_tbps,served_fraction,served_fraction_se,"
         "served_fraction_lo,served_fraction_hi,unserved_tbps,unserved_tbps_se,unserved_tbps_lo,"
         "unserved_tbps_hi,var95,cvar95,var99,cvar99,max,p_cut_all,p_cut_all_lo,p_cut_all_hi,"
         "p_cut_any,p_cut_any_lo,p_cut_any_hi,latency_inflation,trials_needed,more_trials,"
         "latency_added_mean_ms,latency_added_worst_ms,headroom_tbps,headroom_min_tbps");
    for (size_t r = 0; r < a->n_regions; r++) {
        const cs_analysis_region *g = &a->regions[r];
        cli_csv_str(g->name, false);
        printf("%d,%zu,", g->domestic, g->n_demands);
        csv_num(g->demand_tbps, false);
        csv_estimate(&g->served_frac);
        csv_estimate(&g->unserved_tbps);
        csv_tail(&g->tail);
        csv_prop(&g->all_cut, false);
        csv_prop(&g->any_cut, false);
        csv_num(g->latency_inflation, false);
        csv_num(g->precision.defined ? ceil(g->precision.needed) : NAN, false);
        csv_num(g->precision.defined ? (double)g->precision.more : NAN, false);
        csv_num(g->latency_added_mean_ms, false);
        csv_num(g->latency_added_worst_ms, false);
        csv_num(g->has_headroom ? g->headroom_tbps.mean : NAN, false);
        csv_num(g->headroom_min_tbps, true);
    }
}

static void csv_demands(const cs_analysis_t *a)
{
    const cs_results_info *in = a->info;
    puts("origin,destination,region,demand_tbps,served_fraction,served_fraction_se,"
         "served_fraction_lo,served_fraction_hi,unserved_tbps,unserved_tbps_se,unserved_tbps_lo,"
         "unserved_tbps_hi,var95,cvar95,var99,cvar99,max,p_loss,p_loss_lo,p_loss_hi,p_cut,"
         "p_cut_lo,p_cut_hi,p_path_change,p_path_change_lo,p_path_change_hi,latency_inflation,"
         "traffic_goes_to,traffic_goes_to_rise_tbps");
    for (size_t k = 0; k < in->n_demands; k++) {
        const cs_analysis_demand *d = &a->demands[k];
        cli_csv_str(in->demands[k].origin_id, false);
        cli_csv_str(in->demands[k].destination_id, false);
        cli_csv_str(a->regions[d->region].name, false);
        csv_num(in->demands[k].demand_scaled_tbps, false);
        csv_estimate(&d->served_frac);
        csv_estimate(&d->unserved_tbps);
        csv_tail(&d->tail);
        csv_prop(&d->loss, false);
        csv_prop(&d->cut, false);
        csv_prop(&d->path_change, false);
        csv_num(d->latency_inflation, false);
        cli_csv_str(d->absorber != SIZE_MAX ? a->cables[d->absorber].name : "", false);
        csv_num(d->absorber_rise, true);
    }
}

static const char crit_header[] = "p_fail,failed_trials,unserved_when_failed,"
                                  "unserved_when_failed_se,loss_when_failed,loss_share";
static const char flow_header[] = "capacity_tbps,intact_flow_tbps,flow_disturbed_tbps,rise_tbps,"
                                  "p_saturated";

static void csv_crit_flow(const cs_criticality *c, const cs_flow_stats *f, bool has_flow)
{
    csv_num(c->failed.p, false);
    printf("%llu,", (unsigned long long)c->failed.k);
    csv_num(c->unserved.mean, false);
    csv_num(c->unserved.se, false);
    csv_num(c->loss, false);
    csv_num(c->share, f == NULL);
    if (f == NULL) return;
    csv_num(f->capacity_tbps, false);
    csv_num(f->base_flow_tbps, false);
    csv_num(has_flow ? f->flow_disturbed.mean : NAN, false);
    csv_num(has_flow ? f->rise : NAN, false);
    csv_num(has_flow ? f->saturated.p : NAN, true);
}

static void csv_cables(const cs_analysis_t *a)
{
    printf("cable,name,segments,%s,%s\n", crit_header, flow_header);
    for (size_t c = 0; c < a->n_cables; c++) {
        cli_csv_str(a->cables[c].name, false);
        cli_csv_str(a->cables[c].full_name, false);
        printf("%zu,", a->cables[c].n_segments);
        csv_crit_flow(&a->cables[c].crit, &a->cables[c].flow, a->has_flow);
    }
}

static void csv_segments(const cs_analysis_t *a)
{
    const cs_results_info *in = a->info;
    printf("id,kind,cable,%s,%s\n", crit_header, flow_header);
    for (size_t j = 0; j < in->n_edges; j++) {
        cli_csv_str(in->edges[j].id, false);
        cli_csv_str(in->edges[j].kind, false);
        cli_csv_str(in->edges[j].cable, false);
        csv_crit_flow(&a->edges[j].crit, &a->edges[j].flow, a->has_flow);
    }
}

static void csv_stations(const cs_analysis_t *a)
{
    const cs_results_info *in = a->info;
    printf("id,name,kind,country,%s\n", crit_header);
    for (size_t s = 0; s < a->n_stations; s++) {
        const cs_rnode *v = &in->nodes[a->stations[s].node];
        cli_csv_str(v->id, false);
        cli_csv_str(v->name, false);
        cli_csv_str(v->kind, false);
        cli_csv_str(v->country, false);
        csv_crit_flow(&a->stations[s].crit, NULL, false);
    }
}

static void csv_rec_q(const double *q)
{
    for (size_t i = 0; i < CS_RECOVERY_NQ; i++)
        if (isinf(q[i]) && q[i] > 0)
            printf("inf,");
        else
            csv_num(q[i], false);
}

static void csv_recovery(const cs_recovery_analysis_t *v)
{
    puts("step,time_days,share_p10,share_median,share_p90,share_mean,share_mean_se,queue_mean,"
         "queue_max");
    for (size_t j = 0; j < v->n_points; j++) {
        const cs_recovery_point *p = &v->points[j];
        printf("%zu,", p->step);
        csv_num(p->time_days, false);
        csv_num(p->q10, false);
        csv_num(p->median, false);
        csv_num(p->q90, false);
        csv_num(p->share.mean, false);
        csv_num(p->share.se, false);
        csv_num(p->queue_mean, false);
        printf("%lu\n", (unsigned long)p->queue_max);
    }
}

static void csv_recovery_times(const cs_recovery_analysis_t *v)
{
    static const char *const names[3] = {"t50_days", "t90_days", "t100_days"};
    puts("metric,mean,se,lo,hi,p10,p50,p90,p99,max,not_restored,not_restored_lo,not_restored_hi");
    for (size_t m = 0; m < 3; m++) {
        printf("%s,", names[m]);
        csv_estimate(&v->ttr[m].censored);
        csv_rec_q(v->ttr[m].q);
        putchar(',');
        csv_prop(&v->ttr[m].not_restored, true);
    }
    const cs_recovery_amount *am[2] = {&v->capacity_tbps_days, &v->unserved_tbps_days};
    static const char *const am_names[2] = {"capacity_tbps_days", "unserved_tbps_days"};
    for (size_t m = 0; m < 2; m++) {
        printf("%s,", am_names[m]);
        csv_estimate(&am[m]->est);
        csv_rec_q(am[m]->q);
        csv_num(am[m]->max, false);
        puts(",,");
    }
}

static void csv_ships(const cs_recovery_analysis_t *v)
{
    puts("ship,home,busy_days,busy_days_se,busy_days_lo,busy_days_hi,p_worked,p_worked_lo,"
         "p_worked_hi");
    for (size_t k = 0; k < v->n_ships; k++) {
        cli_csv_str(v->ships[k].name, false);
        cli_csv_str(v->ships[k].home, false);
        csv_estimate(&v->ships[k].busy_days);
        csv_prop(&v->ships[k].worked, true);
    }
}

static void print_csv(const cs_analysis_t *a, const cs_recovery_analysis_t *v, const char *table)
{
    if (table != NULL && strcmp(table, "recovery") == 0)
        csv_recovery(v);
    else if (table != NULL && strcmp(table, "recovery-times") == 0)
        csv_recovery_times(v);
    else if (table != NULL && strcmp(table, "ships") == 0)
        csv_ships(v);
    else if (table == NULL || strcmp(table, "regions") == 0)
        csv_regions(a);
    else if (strcmp(table, "overall") == 0)
        csv_overall(a);
    else if (strcmp(table, "demands") == 0)
        csv_demands(a);
    else if (strcmp(table, "cables") == 0)
        csv_cables(a);
    else if (strcmp(table, "segments") == 0)
        csv_segments(a);
    else
        csv_stations(a);
}

/* -------------------------------------------------------------- analyze */

static int finish(int st, const char *cmd)
{
    if (st == CLI_OK && fflush(stdout) != 0) {
        fprintf(stderr, "cablesim: %s: cannot write the output\n", cmd);
        return CLI_FAIL;
    }
    return st;
}

static bool wants_help(int argc, char **argv, const char *usage)
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
    if (wants_help(argc, argv, analyze_usage)) return CLI_OK;
    analyze_args args;
    int st = parse_args("analyze", argc, argv, 1, &args);
    if (st != CLI_OK) return st;
    bool weighted = false; /* importance-sampled: rare.h prints what is meaningful */
    st = cli_rare_analyze(args.files[0], (cli_rare_format)args.format, &weighted);
    if (st != CLI_OK || weighted) return finish(st, "analyze");
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
        json_t *root = j_analysis(a, &ok);
        put(root, "recovery", v != NULL ? j_recovery(v, &ok) : json_null(), &ok);
        st = dump_json(root, ok, "analyze");
    } else if (args.format == FMT_CSV) {
        print_csv(a, v, args.table);
    } else {
        print_text(a, args.top);
        if (v != NULL) print_recovery(v);
        st = cli_rare_section(args.files[0]);
    }
    cs_recovery_analysis_free(v);
    cs_analysis_free(a);
    cs_resultsio_close(r);
    return finish(st, "analyze");
}

/* -------------------------------------------------------------- compare */

/* One row: A, B, B - A, its 95% CI, then (paired) the sign test, and the verdict. */
static void print_paired(const char *label, const cs_paired *p)
{
    printf("  %-28s", label);
    pnum(1, 12, 6, p->a_mean);
    pnum(2, 12, 6, p->b_mean);
    pnum(2, 12, 6, p->diff.mean);
    if (p->verdict == CS_PAIRED_ONE_OUTCOME || !isfinite(p->diff.lo)) /* a certainty */
        printf("  %28s", "-");
    else {
        char ci[64];
        snprintf(ci, sizeof ci, "(%.6f to %.6f)", p->diff.lo, p->diff.hi);
        printf("  %28s", ci);
    }
    if (isnan(p->sign_p)) /* unpaired: no per-trial signs */
        printf("  %8s  %8s  %8s", "-", "-", "-");
    else if (p->verdict == CS_PAIRED_ONE_OUTCOME)
        printf("  %8llu  %8llu  %8s", (unsigned long long)p->n_pos, (unsigned long long)p->n_neg,
               "-");
    else
        printf("  %8llu  %8llu  %8.2g", (unsigned long long)p->n_pos, (unsigned long long)p->n_neg,
               p->sign_p);
    printf("  %s\n", cs_paired_verdict_name(p->verdict));
}

/* The names of the regions (cables: is_cable) that only one of the files has, as one line. */
static void print_only(const cs_comparison_t *c, bool is_cable, bool in_a, const char *path)
{
    const size_t n = is_cable ? c->n_cables : c->n_regions;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const bool a = is_cable ? c->cables[i].in_a : c->regions[i].in_a;
        const bool b = is_cable ? c->cables[i].in_b : c->regions[i].in_b;
        if (a == b || a != in_a) continue;
        if (k++ == 0)
            printf("  not comparable: %s only in %s: ", is_cable ? "cable systems" : "regions",
                   path);
        else
            fputs(", ", stdout);
        fputs(is_cable ? c->cables[i].name : c->regions[i].name, stdout);
    }
    if (k) putchar('\n');
}

static void print_compare_head(const cs_comparison_t *c, const cs_results_info *ia,
                               const cs_results_info *ib)
{
    printf("cablesim compare: A = %s, B = %s\n", ia->path, ib->path);
    printf("  A: %s, seed %llu, %llu trials, network of %d, demand %.3f Tbps\n", ia->name,
           (unsigned long long)c->a_seed, (unsigned long long)c->a_n, (int)c->a_as_of,
           c->a_demand_tbps);
    printf("  B: %s, seed %llu, %llu trials, network of %d, demand %.3f Tbps\n", ib->name,
           (unsigned long long)c->b_seed, (unsigned long long)c->b_n, (int)c->b_as_of,
           c->b_demand_tbps);
    if (c->kind == CS_COMPARE_PAIRED)
        printf("  paired (%s): differences are B - A per trial, mean and 95%% CI; B>A, B<A: "
               "trials where B is higher, lower; sign p: exact two-sided sign test; verdict: "
               "significant when the CI excludes 0 and sign p < 0.05, not significant when "
               "neither, inconclusive when they disagree, one outcome when each file repeats one "
               "outcome in every trial (a certainty, no test)\n",
               c->basis);
    else
        printf("  unpaired (%s): the trials are two independent samples; B - A is the "
               "difference of the means with a Welch 95%% CI (Student's t, Welch-Satterthwaite "
               "degrees of freedom); verdict: significant when the CI excludes 0, one outcome "
               "when each file repeats one outcome in every trial\n",
               c->basis);
    if (!c->same_demands)
        printf("  the demands differ (%.3f and %.3f Tbps): unserved Tbps are compared as they "
               "are, served fractions are shares of each file's own demand\n",
               c->a_demand_tbps, c->b_demand_tbps);
    if (!c->same_network)
        printf("  the networks differ (/topology/edges): cable systems are compared by id where "
               "both have them\n");
    if (c->a_as_of != c->b_as_of)
        printf("  the years differ (%d and %d)\n", (int)c->a_as_of, (int)c->b_as_of);
    printf("  intact network leaves %.4f Tbps (A) and %.4f Tbps (B) unserved\n", c->a_base_unserved,
           c->b_base_unserved);
}

/* Cable systems in both files, ranked by the size of the change of their failure probability. */
static void print_compare_cables(const cs_comparison_t *c, const cs_results_info *ia,
                                 const cs_results_info *ib, size_t top)
{
    double *key = malloc((c->n_cables + 1) * sizeof *key);
    ranked *r = NULL;
    if (key != NULL) {
        for (size_t k = 0; k < c->n_cables; k++) {
            const cs_comparison_cable *x = &c->cables[k];
            key[k] = x->in_a && x->in_b && fabs(x->failed.diff.mean) > 0 ? fabs(x->failed.diff.mean)
                                                                         : NAN;
        }
        r = rank(key, c->n_cables);
    }
    if (r == NULL) {
        free(key);
        puts("\nCable systems: out of memory");
        return;
    }
    size_t shown = 0;
    printf("\nCable systems: probability of failing, the %zu largest changes\n", top);
    printf(CMP_HDR, "cable", "A", "B", "B - A", "95% CI", "B>A", "B<A", "sign p", "verdict");
    for (size_t i = 0; i < c->n_cables && shown < top; i++) {
        if (isnan(r[i].key)) break;
        print_paired(c->cables[r[i].i].name, &c->cables[r[i].i].failed);
        shown++;
    }
    if (shown == 0) puts("  (no cable system in both files fails more or less often)");
    print_only(c, true, true, ia->path);
    print_only(c, true, false, ib->path);
    free(r);
    free(key);
}

static void print_compare_text(const cs_comparison_t *c, const cs_results_info *ia,
                               const cs_results_info *ib, size_t top)
{
    print_compare_head(c, ia, ib);
    printf("\n");
    printf(CMP_HDR, "metric", "A", "B", "B - A", "95% CI", "B>A", "B<A", "sign p", "verdict");
    print_paired("unserved Tbps", &c->unserved_tbps);
    print_paired("served fraction", &c->served_frac);
    if (c->has_pairs) print_paired("P(every pair cut)", &c->all_cut);
    puts("\nPer region");
    printf(CMP_HDR, "region / metric", "A", "B", "B - A", "95% CI", "B>A", "B<A", "sign p",
           "verdict");
    char label[256];
    for (size_t r = 0; r < c->n_regions; r++) {
        const cs_comparison_region *g = &c->regions[r];
        if (!g->in_a || !g->in_b) continue;
        snprintf(label, sizeof label, "%s: served", g->name);
        print_paired(label, &g->served_frac);
        snprintf(label, sizeof label, "%s: unserved Tbps", g->name);
        print_paired(label, &g->unserved_tbps);
        if (g->has_pairs) {
            snprintf(label, sizeof label, "%s: P(cut)", g->name);
            print_paired(label, &g->all_cut);
        }
    }
    print_only(c, false, true, ia->path);
    print_only(c, false, false, ib->path);
    print_compare_cables(c, ia, ib, top);
}

static void print_compare_recovery(const cs_recovery_comparison_t *c)
{
    printf("\nRecovery (%s; B - A; times to restore capped at the %.4g-day horizon; lower is "
           "better)\n",
           cs_compare_kind_name(c->kind), c->a->horizon_days);
    printf(CMP_HDR, "metric", "A", "B", "B - A", "95% CI", "B>A", "B<A", "sign p", "verdict");
    static const char *const labels[3] = {"days to restore 50%", "days to restore 90%",
                                          "days to restore 100%"};
    for (size_t m = 0; m < 3; m++)
        print_paired(labels[m], &c->ttr[m]);
    print_paired("unserved Tbps-days", &c->unserved_tbps_days);
    print_paired("capacity Tbps-days", &c->capacity_tbps_days);
    if (c->kind == CS_COMPARE_PAIRED)
        printf("  share of trials in which B is better (lower): t50 %.4f, t90 %.4f, t100 %.4f, "
               "unserved %.4f, capacity %.4f\n",
               c->n ? (double)c->ttr[0].n_neg / (double)c->n : NAN,
               c->n ? (double)c->ttr[1].n_neg / (double)c->n : NAN,
               c->n ? (double)c->ttr[2].n_neg / (double)c->n : NAN,
               c->n ? (double)c->unserved_tbps_days.n_neg / (double)c->n : NAN,
               c->n ? (double)c->capacity_tbps_days.n_neg / (double)c->n : NAN);
    puts("\n  median served share over time");
    printf("  %8s %10s %10s %12s\n", "day", "A", "B", "B - A");
    for (size_t j = 0; j < c->a->n_points; j++) {
        const cs_recovery_point *pa = &c->a->points[j], *pb = &c->b->points[j];
        pnum(2, 8, 2, pa->time_days);
        pnum(1, 10, 6, pa->median);
        pnum(1, 10, 6, pb->median);
        pnum(1, 12, 6, pb->median - pa->median);
        putchar('\n');
    }
}

static json_t *j_paired(const cs_paired *p, bool *ok)
{
    json_t *o = json_object();
    put(o, "a_mean", jnum(p->a_mean), ok);
    put(o, "b_mean", jnum(p->b_mean), ok);
    put(o, "difference", j_estimate(&p->diff, ok), ok);
    put(o, "df", jnum(p->df), ok);
    const bool signs = !isnan(p->sign_p);
    put(o, "b_higher_trials", signs ? jint(p->n_pos) : json_null(), ok);
    put(o, "b_lower_trials", signs ? jint(p->n_neg) : json_null(), ok);
    put(o, "sign_test_p", jnum(p->sign_p), ok);
    put(o, "ci_excludes_zero", json_boolean(p->excludes_zero), ok);
    put(o, "verdict", json_string(cs_paired_verdict_name(p->verdict)), ok);
    return o;
}

static json_t *j_side(const cs_results_info *in, uint64_t n, uint64_t seed, int32_t as_of,
                      double demand, double base, bool *ok)
{
    json_t *o = json_object();
    put(o, "path", json_string(in->path), ok);
    put(o, "scenario", json_string(in->name), ok);
    put(o, "trials", jint(n), ok);
    put(o, "seed", jint(seed), ok);
    put(o, "as_of", json_integer(as_of), ok);
    put(o, "demand_tbps", jnum(demand), ok);
    put(o, "intact_unserved_tbps", jnum(base), ok);
    return o;
}

static json_t *j_compare(const cs_comparison_t *c, const cs_results_info *ia,
                         const cs_results_info *ib, bool *ok)
{
    json_t *root = json_object(), *regions = json_array(), *cables = json_array();
    put(root, "format", json_string("cablesim-comparison"), ok);
    put(root, "format_version", json_integer(2), ok);
    put(root, "comparison", json_string(cs_compare_kind_name(c->kind)), ok);
    put(root, "basis", json_string(c->basis), ok);
    put(root, "a",
        j_side(ia, c->a_n, c->a_seed, c->a_as_of, c->a_demand_tbps, c->a_base_unserved, ok), ok);
    put(root, "b",
        j_side(ib, c->b_n, c->b_seed, c->b_as_of, c->b_demand_tbps, c->b_base_unserved, ok), ok);
    put(root, "same_demands", json_boolean(c->same_demands), ok);
    put(root, "same_network", json_boolean(c->same_network), ok);
    put(root, "unserved_tbps", j_paired(&c->unserved_tbps, ok), ok);
    put(root, "served_fraction", j_paired(&c->served_frac, ok), ok);
    put(root, "all_pairs_cut", c->has_pairs ? j_paired(&c->all_cut, ok) : json_null(), ok);
    for (size_t r = 0; r < c->n_regions; r++) {
        const cs_comparison_region *g = &c->regions[r];
        const bool both = g->in_a && g->in_b;
        json_t *o = json_object();
        put(o, "region", json_string(g->name), ok);
        put(o, "domestic", json_boolean(g->domestic), ok);
        put(o, "in_a", json_boolean(g->in_a), ok);
        put(o, "in_b", json_boolean(g->in_b), ok);
        put(o, "a_demand_tbps", jnum(g->a_demand_tbps), ok);
        put(o, "b_demand_tbps", jnum(g->b_demand_tbps), ok);
        put(o, "served_fraction", both ? j_paired(&g->served_frac, ok) : json_null(), ok);
        put(o, "unserved_tbps", both ? j_paired(&g->unserved_tbps, ok) : json_null(), ok);
        put(o, "cut_off_all", g->has_pairs ? j_paired(&g->all_cut, ok) : json_null(), ok);
        push(regions, o, ok);
    }
    put(root, "regions", regions, ok);
    for (size_t k = 0; k < c->n_cables; k++) {
        const cs_comparison_cable *x = &c->cables[k];
        json_t *o = json_object();
        put(o, "cable", json_string(x->name), ok);
        put(o, "name", json_string(x->full_name), ok);
        put(o, "in_a", json_boolean(x->in_a), ok);
        put(o, "in_b", json_boolean(x->in_b), ok);
        put(o, "failed", x->in_a && x->in_b ? j_paired(&x->failed, ok) : json_null(), ok);
        push(cables, o, ok);
    }
    put(root, "cables", cables, ok);
    return root;
}

static json_t *j_compare_recovery(const cs_recovery_comparison_t *c, bool *ok)
{
    static const char *const keys[3] = {"t50_days", "t90_days", "t100_days"};
    json_t *o = json_object(), *curve = json_array();
    put(o, "comparison", json_string(cs_compare_kind_name(c->kind)), ok);
    put(o, "horizon_days", jnum(c->a->horizon_days), ok);
    for (size_t m = 0; m < 3; m++)
        put(o, keys[m], j_paired(&c->ttr[m], ok), ok);
    put(o, "unserved_tbps_days", j_paired(&c->unserved_tbps_days, ok), ok);
    put(o, "capacity_tbps_days", j_paired(&c->capacity_tbps_days, ok), ok);
    for (size_t j = 0; j < c->a->n_points; j++) {
        const cs_recovery_point *pa = &c->a->points[j], *pb = &c->b->points[j];
        json_t *x = json_object();
        put(x, "time_days", jnum(pa->time_days), ok);
        put(x, "a_median", jnum(pa->median), ok);
        put(x, "b_median", jnum(pb->median), ok);
        put(x, "difference", jnum(pb->median - pa->median), ok);
        push(curve, x, ok);
    }
    put(o, "median_served_share", curve, ok);
    return o;
}

/* CSV: one row per metric of a comparison (what, region or cable, the difference). */
static void csv_paired(const char *file, const cs_comparison_t *c, const char *metric,
                       const char *of, const cs_paired *p)
{
    if (file != NULL) cli_csv_str(file, false);
    cli_csv_str(metric, false);
    cli_csv_str(of, false);
    printf("%s,", cs_compare_kind_name(c->kind));
    csv_num(p->a_mean, false);
    csv_num(p->b_mean, false);
    csv_num(p->diff.mean, false);
    csv_num(p->diff.se, false);
    csv_num(p->diff.lo, false);
    csv_num(p->diff.hi, false);
    csv_num(p->df, false);
    csv_num(isnan(p->sign_p) ? NAN : (double)p->n_pos, false);
    csv_num(isnan(p->sign_p) ? NAN : (double)p->n_neg, false);
    csv_num(p->sign_p, false);
    cli_csv_str(cs_paired_verdict_name(p->verdict), true);
}

static const char csv_compare_header[] =
    "metric,of,comparison,a_mean,b_mean,difference,difference_se,difference_lo,"
    "difference_hi,df,b_higher_trials,b_lower_trials,sign_test_p,verdict";

static void csv_compare(const char *file, const cs_comparison_t *c)
{
    csv_paired(file, c, "unserved_tbps", "total", &c->unserved_tbps);
    csv_paired(file, c, "served_fraction", "total", &c->served_frac);
    if (c->has_pairs) csv_paired(file, c, "all_pairs_cut", "total", &c->all_cut);
    for (size_t r = 0; r < c->n_regions; r++) {
        const cs_comparison_region *g = &c->regions[r];
        if (!g->in_a || !g->in_b) continue;
        csv_paired(file, c, "served_fraction", g->name, &g->served_frac);
        csv_paired(file, c, "unserved_tbps", g->name, &g->unserved_tbps);
        if (g->has_pairs) csv_paired(file, c, "cut_off_all", g->name, &g->all_cut);
    }
    for (size_t k = 0; k < c->n_cables; k++)
        if (c->cables[k].in_a && c->cables[k].in_b)
            csv_paired(file, c, "cable_failed", c->cables[k].name, &c->cables[k].failed);
}

/* The table of several files, each against the first. */
static void print_compare_table(cs_comparison_t *const *c, cs_resultsio_t *const *r, size_t n)
{
    const cs_results_info *ia = cs_resultsio_info(r[0]);
    printf("cablesim compare: %zu files, each against A = %s (B - A: paired when the seed and "
           "trials are A's, else unpaired with a Welch interval)\n\n",
           n, ia->path);
    int w = 4;
    for (size_t i = 0; i < n; i++)
        if (text_width(cs_resultsio_info(r[i])->path) > w)
            w = text_width(cs_resultsio_info(r[i])->path);
    printf("  ");
    print_padded("file", w);
    printf("  %-8s %9s %6s %11s %13s %9s %13s %26s  %s\n", "pairing", "trials", "year",
           "demand Tbps", "unserved Tbps", "served", "unserved B-A", "95% CI", "verdict");
    for (size_t i = 1; i < n; i++) {
        const cs_comparison_t *x = c[i - 1];
        if (i == 1) { /* A itself first */
            printf("  ");
            print_padded(ia->path, w);
            printf("  %-8s %9llu %6d %11.3f %13.6f %9.6f %13s %26s  %s\n", "A",
                   (unsigned long long)x->a_n, (int)x->a_as_of, x->a_demand_tbps,
                   x->unserved_tbps.a_mean, x->served_frac.a_mean, "-", "-", "-");
        }
        printf("  ");
        print_padded(cs_resultsio_info(r[i])->path, w);
        char ci[64] = "-";
        if (x->unserved_tbps.verdict != CS_PAIRED_ONE_OUTCOME && isfinite(x->unserved_tbps.diff.lo))
            snprintf(ci, sizeof ci, "(%.6f to %.6f)", x->unserved_tbps.diff.lo,
                     x->unserved_tbps.diff.hi);
        printf("  %-8s %9llu %6d %11.3f %13.6f %9.6f %13.6f %26s  %s\n",
               cs_compare_kind_name(x->kind), (unsigned long long)x->b_n, (int)x->b_as_of,
               x->b_demand_tbps, x->unserved_tbps.b_mean, x->served_frac.b_mean,
               x->unserved_tbps.diff.mean, ci, cs_paired_verdict_name(x->unserved_tbps.verdict));
    }
    puts("\n  'cablesim compare A.h5 B.h5' gives the regions and cable systems of one pair");
}

/* Recovery of two files when both have it: compared, or why not (on stdout; *rc set only for a
 * failure that is not about comparability). */
static cs_recovery_comparison_t *compare_recovery(cs_resultsio_t *a, cs_resultsio_t *b,
                                                  cs_error *why, cs_status *rc)
{
    const cs_results_info *ia = cs_resultsio_info(a), *ib = cs_resultsio_info(b);
    cs_recovery_comparison_t *rc_out = NULL;
    *rc = CS_OK;
    if (!ia->has_recovery || !ib->has_recovery) return NULL;
    const cs_status s = cs_analysis_compare_recovery(&rc_out, a, b, NULL, why);
    if (s != CS_OK && s != CS_EINVAL) *rc = s;
    return rc_out;
}

int cmd_compare(int argc, char **argv)
{
    if (wants_help(argc, argv, compare_usage)) return CLI_OK;
    analyze_args args;
    int st = parse_args("compare", argc, argv, 2, &args);
    if (st != CLI_OK) return st;
    const size_t n = args.n_files;
    bool weighted = false; /* an importance-sampled file: rare.h compares what is meaningful */
    st = cli_rare_compare(args.files, n, (cli_rare_format)args.format, &weighted);
    if (st != CLI_OK || weighted) return finish(st, "compare");
    cs_error err = CS_ERROR_INIT, why = CS_ERROR_INIT;
    cs_resultsio_t **r = calloc(n, sizeof *r);
    cs_comparison_t **c = calloc(n, sizeof *c);
    cs_recovery_comparison_t *rc = NULL;
    cs_status s = r && c ? CS_OK : cs_errorf(&err, CS_ENOMEM, "compare: out of memory");
    for (size_t i = 0; i < n && s == CS_OK; i++)
        s = cs_resultsio_open(&r[i], args.files[i], &err);
    for (size_t i = 1; i < n && s == CS_OK; i++)
        s = cs_analysis_compare(&c[i - 1], r[0], r[i], NULL, &err);
    if (s == CS_OK && n == 2) {
        rc = compare_recovery(r[0], r[1], &why, &s);
        if (s != CS_OK) err = why;
    }
    if (s != CS_OK) {
        st = cli_report(&err);
        goto done;
    }
    const cs_results_info *ia = cs_resultsio_info(r[0]), *ib = cs_resultsio_info(r[1]);
    if (args.format == FMT_JSON) {
        bool ok = true;
        json_t *root;
        if (n == 2) {
            root = j_compare(c[0], ia, ib, &ok);
            put(root, "recovery", rc != NULL ? j_compare_recovery(rc, &ok) : json_null(), &ok);
            put(root, "recovery_not_compared", why.msg[0] ? json_string(why.msg) : json_null(),
                &ok);
        } else {
            json_t *rows = json_array();
            root = json_object();
            put(root, "format", json_string("cablesim-comparison-table"), &ok);
            put(root, "format_version", json_integer(1), &ok);
            put(root, "a", json_string(ia->path), &ok);
            for (size_t i = 1; i < n; i++)
                push(rows, j_compare(c[i - 1], ia, cs_resultsio_info(r[i]), &ok), &ok);
            put(root, "comparisons", rows, &ok);
        }
        st = dump_json(root, ok, "compare");
    } else if (args.format == FMT_CSV) {
        printf("%s%s\n", n > 2 ? "b," : "", csv_compare_header);
        for (size_t i = 1; i < n; i++)
            csv_compare(n > 2 ? cs_resultsio_info(r[i])->path : NULL, c[i - 1]);
    } else if (n > 2) {
        print_compare_table(c, r, n);
    } else {
        print_compare_text(c[0], ia, ib, args.top);
        if (rc != NULL)
            print_compare_recovery(rc);
        else if (why.msg[0])
            printf("\nRecovery: not compared: %s\n", why.msg);
        else if (ia->has_recovery != ib->has_recovery)
            printf("\nRecovery: not compared: only %s has recovery data\n",
                   ia->has_recovery ? ia->path : ib->path);
    }
done:
    cs_recovery_comparison_free(rc);
    for (size_t i = 0; i < n; i++) {
        if (c != NULL && i + 1 < n) cs_comparison_free(c[i]);
        if (r != NULL) cs_resultsio_close(r[i]);
    }
    free(c);
    free(r);
    return finish(st, "compare");
}
