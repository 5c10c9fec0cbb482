/*
 * analyze_text.c: the text of `cablesim analyze` (docs/analysis-cli.md): overall figures, regions,
 * demands, rerouting, criticality rankings and recovery over time.
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
    if (a->unreachable_tbps > 0.0)
        printf("  left out: %.4f Tbps of demand the intact network of %d serves none of (never "
               "routed, in no damage figure)\n",
               a->unreachable_tbps, (int)in->as_of);
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

void an_print_stated_note(const char *what)
{
    printf("  one outcome: every trial leaves the same, no interval; >= or <=: fewer than %d "
           "trials lose traffic %s, too few for a normal interval: a 95%% bound, its intact "
           "unserved plus intact served x the Clopper-Pearson upper bound of P(its loss > 0)\n",
           CS_ANALYSIS_MIN_LOSS_TRIALS, what);
}

static void print_overall(const cs_analysis_t *a)
{
    const cs_estimate *u = &a->unserved_tbps, *c = &a->capacity_lost_tbps;
    const cs_loss_interval li = a->unserved_stated, fs = a->served_stated;
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
    printf("  share of demand unserved: %.3f%%\n", 100.0 * a->unserved_share);
    const double js = a->japan_systems_capacity_tbps;
    printf("  of the capacity lost, on the cable systems landing in Japan: %.4f of their %.4f "
           "Tbps (%.2f%%)\n",
           a->japan_systems_capacity_lost_tbps.mean, js,
           js > 0 ? 100.0 * a->japan_systems_capacity_lost_tbps.mean / js : 0.0);
    if (fs.kind == CS_LOSS_ONE_OUTCOME)
        printf("  served fraction: %.6f (one outcome)\n", fs.mean);
    else if (fs.kind == CS_LOSS_BOUND)
        printf("  served fraction: %.6f; at least %.6f (the intact network's served share x (1 - "
               "%.3g), the same bound)\n",
               fs.mean, fs.lo, fs.p_hi);
    else
        printf("  served fraction: %.6f (%.6f to %.6f)\n", fs.mean, fs.lo, fs.hi);
    print_tail(&a->tail);
    printf("  every (city, region) pair cut at once: ");
    an_pprop_of(a, &a->all_cut);
    printf("\n  latency inflation (traffic-weighted): ");
    an_pnum(0, 0, 4, a->latency_inflation);
    printf("\n  precision: ");
    print_precision(&a->precision, a->precision_target, a->n);
}

static void print_regions(const cs_analysis_t *a)
{
    int w = an_text_width("region");
    for (size_t r = 0; r < a->n_regions; r++)
        if (an_text_width(a->regions[r].name) > w) w = an_text_width(a->regions[r].name);
    printf("\nRegions (served fraction and unserved Tbps: mean and 95%% CI or bound, see below; "
           "P(cut): every "
           "Japanese city cut off; trials for %.0f%%)\n",
           100.0 * a->precision_target);
    printf("  %-*s  %8s  %26s  %28s  %8s  %8s  %8s  %8s  %22s  %8s  %9s\n", w, "region", "demand",
           "served fraction", "unserved Tbps", "VaR95", "CVaR95", "VaR99", "CVaR99", "P(cut)",
           "latency", "trials");
    for (size_t r = 0; r < a->n_regions; r++) {
        const cs_analysis_region *g = &a->regions[r];
        fputs("  ", stdout);
        an_print_padded(g->name, w);
        if (g->served_frac.n > 0) {
            printf("  %8.3f  ", g->demand_tbps);
            an_pstated(&g->served_stated, 26, 5, true);
        } else /* the intact network serves none of its demand: left out (docs/model.md) */
            printf("  %8.3f  %26s", g->demand_tbps, "not served when intact");
        printf("  ");
        an_pstated(&g->unserved_stated, 28, 4, false);
        printf("  ");
        an_pnum(0, 8, 4, g->tail.var95);
        an_pnum(2, 8, 4, g->tail.cvar95);
        an_pnum(2, 8, 4, g->tail.var99);
        an_pnum(2, 8, 4, g->tail.cvar99);
        printf("  ");
        an_pprop_of(a, &g->all_cut);
        an_pnum(2, 8, 4, g->latency_inflation);
        if (g->precision.defined)
            printf("  %9.0f%s\n", ceil(g->precision.needed), g->precision.sufficient ? "" : " *");
        else
            printf("  %9s\n", "-");
    }
    printf("  (* more trials needed for that region)\n");
    an_print_stated_note("to the region");
    if (!a->varied) printf("  P(cut): one outcome, every trial has the same failures\n");
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
    ranked *r = an_rank(keys, in->n_demands);
    free(keys);
    if (r == NULL) return;
    const size_t n = top < in->n_demands ? top : in->n_demands;
    printf("\nDemands, top %zu by expected unserved Tbps (path change: latency differs from the "
           "intact network; traffic goes to: the cable whose flow rises most then)\n",
           n);
    printf("  %-34s %10s  %27s  %8s  %8s  %8s  %8s  %8s  %s\n", "demand", "Tbps",
           "unserved Tbps (95% CI/bound)", "served", "CVaR99", "P(cut)", "P(path)", "latency",
           "traffic goes to (mean rise Tbps)");
    char label[256];
    for (size_t i = 0; i < n; i++) {
        const size_t k = r[i].i;
        const cs_analysis_demand *d = &a->demands[k];
        printf("  %-34s %10.4f  ", an_demand_label(in, k, label, sizeof label),
               in->demands[k].demand_scaled_tbps);
        an_pstated(&d->unserved_stated, 27, 5, false);
        printf("  %8.5f  ", d->served_frac.mean);
        an_pnum(0, 8, 4, d->tail.cvar99);
        an_pnum(2, 8, 5, d->cut.n ? d->cut.p : NAN);
        an_pnum(2, 8, 5, d->path_change.n ? d->path_change.p : NAN);
        an_pnum(2, 8, 4, d->latency_inflation);
        if (d->absorber != SIZE_MAX)
            printf("  %s (%.3f)\n", a->cables[d->absorber].name, d->absorber_rise);
        else
            printf("  -\n");
    }
    free(r);
    an_print_stated_note("on the demand");
}

static void print_flow_row(const char *name, const cs_flow_stats *f)
{
    printf("  %-34s %9.3f  %9.3f  ", name, f->capacity_tbps, f->base_flow_tbps);
    an_pnum(0, 9, 3, f->flow_disturbed.mean);
    an_pnum(2, 9, 3, f->rise);
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
    ranked *r = an_rank(keys, a->n_cables);
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
    r = an_rank(keys, a->n_cables);
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
    r = an_rank(keys, in->n_edges);
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
    an_pnum(0, 9, 4, c->unserved.mean);
    an_pnum(2, 9, 4, c->unserved.se);
    an_pnum(2, 9, 4, c->loss);
    an_pnum(2, 7, 2, 100.0 * c->share);
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
    an_pnum(0, 0, prec, e->mean);
    printf(" (");
    an_pnum(0, 0, prec, e->lo);
    printf(" to ");
    an_pnum(0, 0, prec, e->hi);
    printf(")");
}

/* A time or amount in width columns: "inf" beyond the horizon, "-" when not a number. */
static void pval(int width, int prec, double x)
{
    if (isinf(x))
        printf(" %*s", width, "inf");
    else
        an_pnum(1, width, prec, x);
}

static const char *const ttr_names[3] = {"50%", "90%", "100%"};

void an_print_recovery(const cs_recovery_analysis_t *v)
{
    const double levels[CS_RECOVERY_NQ] = CS_RECOVERY_LEVELS;
    printf("\nRecovery over time (%llu trials; %.4g-day horizon in %.4g-hour steps; share = "
           "served / %.4f Tbps served by the intact network)\n",
           (unsigned long long)v->n, v->horizon_days, v->step_hours, v->intact_tbps);
    printf("  %8s %10s %10s %10s %10s  %11s %9s\n", "day", "p10", "median", "p90", "mean",
           "queue mean", "queue max");
    for (size_t j = 0; j < v->n_points; j++) {
        const cs_recovery_point *p = &v->points[j];
        an_pnum(2, 8, 2, p->time_days);
        an_pnum(1, 10, 6, p->q10);
        an_pnum(1, 10, 6, p->median);
        an_pnum(1, 10, 6, p->q90);
        an_pnum(1, 10, 6, p->share.mean);
        an_pnum(2, 11, 3, p->queue_mean);
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
        an_pprop(&t->not_restored);
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
            an_pnum(0, 0, 3, am[m]->q[i]);
        }
        printf("  max ");
        an_pnum(0, 0, 3, am[m]->max);
        putchar('\n');
    }
    printf("\n  faults per trial: ");
    pest(&v->faults, 3);
    printf("; repaired within the horizon: ");
    an_pprop(&v->repaired);
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
        an_print_padded(u->name, 28);
        printf(" ");
        an_print_padded(u->home, 14);
        printf(" %26s  ", buf);
        an_pprop(&u->worked);
        putchar('\n');
    }
}

void an_print_text(const cs_analysis_t *a, size_t top)
{
    print_header(a);
    print_overall(a);
    print_regions(a);
    print_demands(a, top);
    print_rerouting(a, top);
    print_criticality(a, top);
}
