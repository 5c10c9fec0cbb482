/*
 * cmd_compare.c: `cablesim compare` (differences between results files: paired or unpaired),
 * as text, JSON or CSV. All the numbers come from cs_analysis_compare() and
 * cs_analysis_compare_recovery(); docs/analysis-cli.md defines every metric.
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

/* -------------------------------------------------------------- compare */

/* One row: A, B, B - A, its 95% CI, then (paired) the sign test, and the verdict. */
static void print_paired(const char *label, const cs_paired *p)
{
    printf("  %-28s", label);
    an_pnum(1, 12, 6, p->a_mean);
    an_pnum(2, 12, 6, p->b_mean);
    an_pnum(2, 12, 6, p->diff.mean);
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
        r = an_rank(key, c->n_cables);
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
        an_pnum(2, 8, 2, pa->time_days);
        an_pnum(1, 10, 6, pa->median);
        an_pnum(1, 10, 6, pb->median);
        an_pnum(1, 12, 6, pb->median - pa->median);
        putchar('\n');
    }
}

static json_t *j_paired(const cs_paired *p, bool *ok)
{
    json_t *o = json_object();
    cli_json_put(o, "a_mean", an_jnum(p->a_mean), ok);
    cli_json_put(o, "b_mean", an_jnum(p->b_mean), ok);
    cli_json_put(o, "difference", an_j_estimate(&p->diff, ok), ok);
    cli_json_put(o, "df", an_jnum(p->df), ok);
    const bool signs = !isnan(p->sign_p);
    cli_json_put(o, "b_higher_trials", signs ? an_jint(p->n_pos) : json_null(), ok);
    cli_json_put(o, "b_lower_trials", signs ? an_jint(p->n_neg) : json_null(), ok);
    cli_json_put(o, "sign_test_p", an_jnum(p->sign_p), ok);
    cli_json_put(o, "ci_excludes_zero", json_boolean(p->excludes_zero), ok);
    cli_json_put(o, "verdict", json_string(cs_paired_verdict_name(p->verdict)), ok);
    return o;
}

static json_t *j_side(const cs_results_info *in, uint64_t n, uint64_t seed, int32_t as_of,
                      double demand, double base, bool *ok)
{
    json_t *o = json_object();
    cli_json_put(o, "path", json_string(in->path), ok);
    cli_json_put(o, "scenario", json_string(in->name), ok);
    cli_json_put(o, "trials", an_jint(n), ok);
    cli_json_put(o, "seed", an_jint(seed), ok);
    cli_json_put(o, "as_of", json_integer(as_of), ok);
    cli_json_put(o, "demand_tbps", an_jnum(demand), ok);
    cli_json_put(o, "intact_unserved_tbps", an_jnum(base), ok);
    return o;
}

static json_t *j_compare(const cs_comparison_t *c, const cs_results_info *ia,
                         const cs_results_info *ib, bool *ok)
{
    json_t *root = json_object(), *regions = json_array(), *cables = json_array();
    cli_json_put(root, "format", json_string("cablesim-comparison"), ok);
    cli_json_put(root, "format_version", json_integer(2), ok);
    cli_json_put(root, "comparison", json_string(cs_compare_kind_name(c->kind)), ok);
    cli_json_put(root, "basis", json_string(c->basis), ok);
    cli_json_put(
        root, "a",
        j_side(ia, c->a_n, c->a_seed, c->a_as_of, c->a_demand_tbps, c->a_base_unserved, ok), ok);
    cli_json_put(
        root, "b",
        j_side(ib, c->b_n, c->b_seed, c->b_as_of, c->b_demand_tbps, c->b_base_unserved, ok), ok);
    cli_json_put(root, "same_demands", json_boolean(c->same_demands), ok);
    cli_json_put(root, "same_network", json_boolean(c->same_network), ok);
    cli_json_put(root, "unserved_tbps", j_paired(&c->unserved_tbps, ok), ok);
    cli_json_put(root, "served_fraction", j_paired(&c->served_frac, ok), ok);
    cli_json_put(root, "all_pairs_cut", c->has_pairs ? j_paired(&c->all_cut, ok) : json_null(), ok);
    for (size_t r = 0; r < c->n_regions; r++) {
        const cs_comparison_region *g = &c->regions[r];
        const bool both = g->in_a && g->in_b;
        json_t *o = json_object();
        cli_json_put(o, "region", json_string(g->name), ok);
        cli_json_put(o, "domestic", json_boolean(g->domestic), ok);
        cli_json_put(o, "in_a", json_boolean(g->in_a), ok);
        cli_json_put(o, "in_b", json_boolean(g->in_b), ok);
        cli_json_put(o, "a_demand_tbps", an_jnum(g->a_demand_tbps), ok);
        cli_json_put(o, "b_demand_tbps", an_jnum(g->b_demand_tbps), ok);
        cli_json_put(o, "served_fraction", both ? j_paired(&g->served_frac, ok) : json_null(), ok);
        cli_json_put(o, "unserved_tbps", both ? j_paired(&g->unserved_tbps, ok) : json_null(), ok);
        cli_json_put(o, "cut_off_all", g->has_pairs ? j_paired(&g->all_cut, ok) : json_null(), ok);
        cli_json_push(regions, o, ok);
    }
    cli_json_put(root, "regions", regions, ok);
    for (size_t k = 0; k < c->n_cables; k++) {
        const cs_comparison_cable *x = &c->cables[k];
        json_t *o = json_object();
        cli_json_put(o, "cable", json_string(x->name), ok);
        cli_json_put(o, "name", json_string(x->full_name), ok);
        cli_json_put(o, "in_a", json_boolean(x->in_a), ok);
        cli_json_put(o, "in_b", json_boolean(x->in_b), ok);
        cli_json_put(o, "failed", x->in_a && x->in_b ? j_paired(&x->failed, ok) : json_null(), ok);
        cli_json_push(cables, o, ok);
    }
    cli_json_put(root, "cables", cables, ok);
    return root;
}

static json_t *j_compare_recovery(const cs_recovery_comparison_t *c, bool *ok)
{
    static const char *const keys[3] = {"t50_days", "t90_days", "t100_days"};
    json_t *o = json_object(), *curve = json_array();
    cli_json_put(o, "comparison", json_string(cs_compare_kind_name(c->kind)), ok);
    cli_json_put(o, "horizon_days", an_jnum(c->a->horizon_days), ok);
    for (size_t m = 0; m < 3; m++)
        cli_json_put(o, keys[m], j_paired(&c->ttr[m], ok), ok);
    cli_json_put(o, "unserved_tbps_days", j_paired(&c->unserved_tbps_days, ok), ok);
    cli_json_put(o, "capacity_tbps_days", j_paired(&c->capacity_tbps_days, ok), ok);
    for (size_t j = 0; j < c->a->n_points; j++) {
        const cs_recovery_point *pa = &c->a->points[j], *pb = &c->b->points[j];
        json_t *x = json_object();
        cli_json_put(x, "time_days", an_jnum(pa->time_days), ok);
        cli_json_put(x, "a_median", an_jnum(pa->median), ok);
        cli_json_put(x, "b_median", an_jnum(pb->median), ok);
        cli_json_put(x, "difference", an_jnum(pb->median - pa->median), ok);
        cli_json_push(curve, x, ok);
    }
    cli_json_put(o, "median_served_share", curve, ok);
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
    an_csv_num(p->a_mean, false);
    an_csv_num(p->b_mean, false);
    an_csv_num(p->diff.mean, false);
    an_csv_num(p->diff.se, false);
    an_csv_num(p->diff.lo, false);
    an_csv_num(p->diff.hi, false);
    an_csv_num(p->df, false);
    an_csv_num(isnan(p->sign_p) ? NAN : (double)p->n_pos, false);
    an_csv_num(isnan(p->sign_p) ? NAN : (double)p->n_neg, false);
    an_csv_num(p->sign_p, false);
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
        if (an_text_width(cs_resultsio_info(r[i])->path) > w)
            w = an_text_width(cs_resultsio_info(r[i])->path);
    printf("  ");
    an_print_padded("file", w);
    printf("  %-8s %9s %6s %11s %13s %9s %13s %26s  %s\n", "pairing", "trials", "year",
           "demand Tbps", "unserved Tbps", "served", "unserved B-A", "95% CI", "verdict");
    for (size_t i = 1; i < n; i++) {
        const cs_comparison_t *x = c[i - 1];
        if (i == 1) { /* A itself first */
            printf("  ");
            an_print_padded(ia->path, w);
            printf("  %-8s %9llu %6d %11.3f %13.6f %9.6f %13s %26s  %s\n", "A",
                   (unsigned long long)x->a_n, (int)x->a_as_of, x->a_demand_tbps,
                   x->unserved_tbps.a_mean, x->served_frac.a_mean, "-", "-", "-");
        }
        printf("  ");
        an_print_padded(cs_resultsio_info(r[i])->path, w);
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

/* Recovery of two files when both have it: compared, or why not (on stdout; *rc set for any
 * failure that is not about comparability, such as a bad value read: values.h). */
static cs_recovery_comparison_t *compare_recovery(cs_resultsio_t *a, cs_resultsio_t *b,
                                                  cs_error *why, cs_status *rc)
{
    const cs_results_info *ia = cs_resultsio_info(a), *ib = cs_resultsio_info(b);
    cs_recovery_comparison_t *rc_out = NULL;
    *rc = CS_OK;
    if (!ia->has_recovery || !ib->has_recovery ||
        cs_analysis_recovery_comparable(ia, ib, why) != CS_OK)
        return NULL;
    *rc = cs_analysis_compare_recovery(&rc_out, a, b, NULL, why);
    return rc_out;
}

int cmd_compare(int argc, char **argv)
{
    if (an_wants_help(argc, argv, compare_usage)) return CLI_OK;
    analyze_args args;
    int st = an_parse_args("compare", argc, argv, 2, &args);
    if (st != CLI_OK) return st;
    const size_t n = args.n_files;
    bool weighted = false; /* an importance-sampled file: rare.h compares what is meaningful */
    st = cli_rare_compare(args.files, n, (cli_rare_format)args.format, &weighted);
    if (st != CLI_OK || weighted) return an_finish(st, "compare");
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
            cli_json_put(root, "recovery", rc != NULL ? j_compare_recovery(rc, &ok) : json_null(),
                         &ok);
            cli_json_put(root, "recovery_not_compared",
                         why.msg[0] ? json_string(why.msg) : json_null(), &ok);
        } else {
            json_t *rows = json_array();
            root = json_object();
            cli_json_put(root, "format", json_string("cablesim-comparison-table"), &ok);
            cli_json_put(root, "format_version", json_integer(1), &ok);
            cli_json_put(root, "a", json_string(ia->path), &ok);
            for (size_t i = 1; i < n; i++)
                cli_json_push(rows, j_compare(c[i - 1], ia, cs_resultsio_info(r[i]), &ok), &ok);
            cli_json_put(root, "comparisons", rows, &ok);
        }
        st = cli_json_print(root, ok, "compare");
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
    return an_finish(st, "compare");
}
