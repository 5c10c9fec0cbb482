/*
 * analysis.c: statistics of a results file and paired comparison of two (docs/analysis-cli.md).
 *
 * Implementation notes. One pass over the trials, a slice at a time, feeds Welford
 * accumulators (mean and sum of squared deviations, numerically stable in one pass), counters
 * for proportions, and the loss series behind quantiles. A loss series stores only the values
 * that differ from the intact network's value of that series by more than
 * CS_ANALYSIS_NOISE_TBPS, and counts the others as that value: in most scenarios most trials
 * leave most demands untouched, so quantiles stay exact (to 1e-9 Tbps) while memory follows
 * the number of affected (trial, demand) outcomes. A quantile is the order statistic
 * x_(ceil(a n)); the merged order of the stored values and the repeated baseline value is
 * resolved by counting, without materialising the series.
 */
#include "cablesim/analysis.h"

#include <gsl/gsl_cdf.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cablesim/topology.h"

/* Label of demands between two foreign cities (none in the bundled demand). */
#define TRANSIT "transit"
/* A demand served less than in the intact network by more than this (Tbps) lost traffic. */
#define LOSS_EPS 1e-9

/* ------------------------------------------------------------ estimates */

/* Welford's running mean and sum of squared deviations. */
typedef struct {
    uint64_t n;
    double mean, m2;
} acc;

static void acc_add(acc *a, double x)
{
    a->n++;
    const double d = x - a->mean;
    a->mean += d / (double)a->n;
    a->m2 += d * (x - a->mean);
}

cs_estimate cs_analysis_estimate(uint64_t n, double mean, double m2)
{
    cs_estimate e = {n, NAN, NAN, NAN, NAN, NAN};
    if (n == 0) return e;
    e.mean = mean;
    e.sd = n > 1 ? sqrt(m2 / (double)(n - 1)) : 0.0;
    e.se = e.sd / sqrt((double)n);
    e.lo = e.mean - CS_ANALYSIS_Z95 * e.se;
    e.hi = e.mean + CS_ANALYSIS_Z95 * e.se;
    return e;
}

static cs_estimate estimate(const acc *a)
{
    return cs_analysis_estimate(a->n, a->mean, a->m2);
}

/* As estimate(), with the interval clipped to the valid range [lo, hi] of the quantity. */
static cs_estimate estimate_in(const acc *a, double lo, double hi)
{
    cs_estimate e = estimate(a);
    if (a->n == 0) return e;
    e.lo = fmax(e.lo, lo);
    e.hi = fmin(e.hi, hi);
    return e;
}

cs_proportion cs_analysis_wilson(uint64_t k, uint64_t n)
{
    cs_proportion p = {k, n, NAN, NAN, NAN};
    if (n == 0) return p;
    const double z = CS_ANALYSIS_Z95, nn = (double)n;
    p.p = (double)k / nn;
    const double den = 1 + z * z / nn;
    const double c = (p.p + z * z / (2 * nn)) / den;
    const double h = z * sqrt(p.p * (1 - p.p) / nn + z * z / (4 * nn * nn)) / den;
    /* At k = 0 and k = n the bounds are exactly 0 and 1; c - h would leave rounding dust. */
    p.lo = k == 0 ? 0.0 : fmax(0.0, c - h);
    p.hi = k == n ? 1.0 : fmin(1.0, c + h);
    return p;
}

cs_proportion cs_analysis_clopper_pearson(uint64_t k, uint64_t n)
{
    cs_proportion p = {k, n, NAN, NAN, NAN};
    if (n == 0) return p;
    const double kk = (double)k, nn = (double)n;
    p.p = kk / nn;
    p.lo = k == 0 ? 0.0 : gsl_cdf_beta_Pinv(0.025, kk, nn - kk + 1.0);
    p.hi = k == n ? 1.0 : gsl_cdf_beta_Pinv(0.975, kk + 1.0, nn - kk);
    return p;
}

cs_loss_interval cs_analysis_loss_interval(bool varied, uint64_t n_loss, const cs_estimate *u,
                                           double intact_unserved, double intact_served)
{
    cs_loss_interval r = {CS_LOSS_NORMAL, u->mean, u->lo, u->hi, NAN};
    const double demand = intact_unserved + intact_served;
    if (!varied) {
        r.kind = CS_LOSS_ONE_OUTCOME;
        r.lo = r.hi = u->mean;
    } else if (n_loss < CS_ANALYSIS_MIN_LOSS_TRIALS) {
        r.kind = CS_LOSS_BOUND;
        r.p_hi = cs_analysis_clopper_pearson(n_loss, u->n).hi;
        r.lo = u->mean;
        r.hi = fmin(demand, intact_unserved + intact_served * r.p_hi);
    } else {
        r.lo = fmax(0.0, u->lo);
        r.hi = fmin(demand, u->hi);
    }
    return r;
}

static cs_precision precision(const cs_estimate *e, double target)
{
    cs_precision p = {false, NAN, 0, false, NAN};
    if (e->n == 0 || !(e->mean > CS_ANALYSIS_NOISE_TBPS)) return p;
    p.defined = true;
    const double r = CS_ANALYSIS_Z95 * e->sd / (target * e->mean);
    p.needed = r * r;
    p.achieved = CS_ANALYSIS_Z95 * e->se / e->mean;
    p.sufficient = (double)e->n >= p.needed;
    const double need = ceil(p.needed);
    if (!p.sufficient) p.more = need >= 1.8e19 ? UINT64_MAX : (uint64_t)need - e->n;
    return p;
}

/* --------------------------------------------------------------- series */

/* A loss series: the values that differ from base, and how many equal it. */
typedef struct {
    double base;
    double *v;
    size_t m, cap;
    uint64_t n_base;
    bool dropped;
} series;

/* Adds x; *stored counts the values held by all series. False when out of memory. */
static bool series_add(series *s, double x, size_t *stored)
{
    if (s->dropped) return true;
    if (fabs(x - s->base) <= CS_ANALYSIS_NOISE_TBPS) { /* rerouting leaves ~1e-15 dust */
        s->n_base++;
        return true;
    }
    if (s->m == s->cap) {
        const size_t n = s->cap ? 2 * s->cap : 16;
        double *p = realloc(s->v, n * sizeof *p);
        if (p == NULL) return false;
        s->v = p;
        s->cap = n;
    }
    s->v[s->m++] = x;
    (*stored)++;
    return true;
}

static void series_drop(series *s, size_t *stored)
{
    if (s->dropped) return;
    *stored -= s->m;
    free(s->v);
    s->v = NULL;
    s->m = s->cap = 0;
    s->dropped = true;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Index of the first of the sorted v[0..m) that is >= x. */
static size_t lower_bound(const double *v, size_t m, double x)
{
    size_t lo = 0, hi = m;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The k-th smallest (1-based) of the series, whose v is sorted; below = values < base. */
static double order_stat(const series *s, size_t below, uint64_t k)
{
    if (k <= below) return s->v[k - 1];
    if (k <= below + s->n_base) return s->base;
    return s->v[k - 1 - s->n_base];
}

/* x_(ceil(a n)), guarding a n against rounding just above a whole number. */
static double quantile(const series *s, size_t below, uint64_t n, double a)
{
    double k = ceil(a * (double)n - 1e-9);
    if (k < 1) k = 1;
    if (k > (double)n) k = (double)n;
    return order_stat(s, below, (uint64_t)k);
}

/* Mean of the values >= x. */
static double mean_at_least(const series *s, double x)
{
    const size_t from = lower_bound(s->v, s->m, x);
    double sum = 0.0;
    uint64_t count = s->m - from;
    for (size_t i = from; i < s->m; i++)
        sum += s->v[i];
    if (s->base >= x) {
        sum += (double)s->n_base * s->base;
        count += s->n_base;
    }
    return count ? sum / (double)count : NAN;
}

/* Sorts s and reads its tail. */
static cs_tail series_tail(series *s)
{
    cs_tail t;
    memset(&t, 0, sizeof t);
    const uint64_t n = s->m + s->n_base;
    if (s->dropped || n == 0) {
        t.available = false;
        for (size_t i = 0; i < CS_ANALYSIS_NQ; i++)
            t.q[i] = NAN;
        t.max = t.var95 = t.cvar95 = t.var99 = t.cvar99 = NAN;
        return t;
    }
    if (s->m > 0) qsort(s->v, s->m, sizeof *s->v, cmp_double);
    const size_t below = lower_bound(s->v, s->m, s->base);
    const double levels[CS_ANALYSIS_NQ] = CS_ANALYSIS_LEVELS;
    t.available = true;
    for (size_t i = 0; i < CS_ANALYSIS_NQ; i++)
        t.q[i] = quantile(s, below, n, levels[i]);
    t.max = order_stat(s, below, n);
    t.var95 = quantile(s, below, n, 0.95);
    t.var99 = quantile(s, below, n, 0.99);
    t.cvar95 = mean_at_least(s, t.var95);
    t.cvar99 = mean_at_least(s, t.var99);
    return t;
}

/* -------------------------------------------------------------- regions */

/* The region of each demand: the region of its foreign end (CS_REGION_JAPAN when both ends are
 * Japanese, TRANSIT when neither is), numbered in order of first appearance. */
typedef struct {
    size_t n;
    const char **names; /* [n] */
    bool *domestic;     /* [n] */
    size_t *of_demand;  /* [n_demands] */
    size_t *of_pair;    /* [n_pairs], SIZE_MAX when the pair's region has no demand */
} grouping;

static void grouping_destroy(grouping *g)
{
    free(g->names);
    free(g->domestic);
    free(g->of_demand);
    free(g->of_pair);
    memset(g, 0, sizeof *g);
}

/* Whether node is Japanese (cs_node_is_japan()'s rule on the recorded fields). */
static bool is_japan(const cs_results_info *in, uint32_t node)
{
    const cs_rnode *v = &in->nodes[node];
    cs_node_kind kind = CS_NODE_CITY; /* demand ends are cities */
    (void)cs_node_kind_from_name(v->kind, &kind);
    return cs_node_fields_are_japan(kind, v->country, v->region);
}

static const char *demand_region(const cs_results_info *in, size_t k)
{
    const cs_rdemand *d = &in->demands[k];
    const bool a = is_japan(in, d->origin), b = is_japan(in, d->destination);
    if (a && b) return CS_REGION_JAPAN;
    if (!a && !b) return TRANSIT;
    return a ? in->nodes[d->destination].region : in->nodes[d->origin].region;
}

static size_t find_name(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0) return i;
    return SIZE_MAX;
}

static cs_status group_regions(grouping *g, const cs_results_info *in, cs_error *err)
{
    memset(g, 0, sizeof *g);
    g->names = malloc((in->n_demands + 1) * sizeof *g->names);
    g->domestic = malloc((in->n_demands + 1) * sizeof *g->domestic);
    g->of_demand = malloc((in->n_demands + 1) * sizeof *g->of_demand);
    g->of_pair = malloc((in->n_pairs + 1) * sizeof *g->of_pair);
    if (!g->names || !g->domestic || !g->of_demand || !g->of_pair) {
        grouping_destroy(g);
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory for the regions", in->path);
    }
    for (size_t k = 0; k < in->n_demands; k++) {
        const char *name = demand_region(in, k);
        size_t r = find_name(g->names, g->n, name);
        if (r == SIZE_MAX) {
            r = g->n++;
            g->names[r] = name;
            g->domestic[r] = strcmp(name, CS_REGION_JAPAN) == 0;
        }
        g->of_demand[k] = r;
    }
    for (size_t p = 0; p < in->n_pairs; p++)
        g->of_pair[p] = find_name(g->names, g->n, in->pairs[p].region);
    return CS_OK;
}

/* ------------------------------------------------------------------ pass */

/* What the failure of an element cost, accumulated. */
typedef struct {
    acc unserved;
    double loss_sum;
} crit_acc;

/* Flow of an edge or cable, accumulated. */
typedef struct {
    acc up, disturbed;
    uint64_t saturated;
} flow_acc;

/* Every accumulator and scratch array of one analysis pass. */
typedef struct {
    const cs_results_info *in;
    const grouping *g;
    size_t nd, ne, nn, nc, nr, np;
    const size_t *cable_of_edge;
    const double *cap; /* [ne] routing capacity */
    acc total_u, total_f;
    series total;
    acc *reg_u, *reg_f;
    series *reg_s;
    double *reg_demand, *reg_served;
    double *reg_lnum, *reg_lden, *reg_base_lat; /* per-trial served x latency; intact latency */
    acc *reg_ladd;                              /* latency added per trial (where served) */
    double *reg_lmax;
    size_t *reg_hcol; /* column of /trials/region_headroom_tbps, SIZE_MAX: none */
    acc *reg_h;       /* headroom per trial */
    double *reg_hmin;
    uint64_t *reg_all, *reg_any;
    size_t *reg_pairs;
    acc *dem_u, *dem_f;
    series *dem_s;
    uint64_t *pair_cut_n, *dem_loss, *dem_change;
    double *dem_num, *dem_den;
    double *abs_sum; /* [nd x nc] */
    crit_acc *c_edge, *c_cable, *c_node;
    flow_acc *f_edge, *f_cable;
    double *base_cflow, *cflow;
    unsigned char *edge_failed, *node_failed, *cable_failed, *cable_down, *cable_sat;
    size_t *down_list, n_down; /* edges down in the trial: failed, or at a failed node */
    acc cap_lost;              /* capacity of the edges down per trial */
    uint64_t n_loss, fhash;    /* trials with a loss; the failure-set hash of trial 0 */
    bool varied;               /* some trial's failure set differs from the first one's */
    unsigned char *reg_all_cut, *reg_any_cut;
    double demand_total; /* sum of demand_scaled_tbps */
    double loss_total;
    uint64_t all_cut, disturbed;
    size_t stored, max_stored;
    bool alloc_ok;
} pass;

static void *zalloc(pass *p, size_t n, size_t size)
{
    void *q = calloc(n + 1, size);
    if (q == NULL) p->alloc_ok = false;
    return q;
}

static void pass_destroy(pass *p)
{
    free(p->total.v);
    for (size_t r = 0; p->reg_s != NULL && r < p->nr; r++)
        free(p->reg_s[r].v);
    for (size_t k = 0; p->dem_s != NULL && k < p->nd; k++)
        free(p->dem_s[k].v);
    void *more[] = {p->reg_lnum, p->reg_lden, p->reg_base_lat, p->reg_ladd,
                    p->reg_lmax, p->reg_hcol, p->reg_h,        p->reg_hmin};
    for (size_t i = 0; i < sizeof more / sizeof *more; i++)
        free(more[i]);
    void *arrays[] = {p->reg_u,       p->reg_f,        p->reg_s,      p->reg_demand, p->reg_served,
                      p->reg_all,     p->reg_any,      p->reg_pairs,  p->dem_u,      p->dem_f,
                      p->dem_s,       p->pair_cut_n,   p->dem_loss,   p->dem_change, p->dem_num,
                      p->dem_den,     p->abs_sum,      p->c_edge,     p->c_cable,    p->c_node,
                      p->f_edge,      p->f_cable,      p->base_cflow, p->cflow,      p->edge_failed,
                      p->node_failed, p->cable_failed, p->cable_down, p->cable_sat,  p->reg_all_cut,
                      p->reg_any_cut, p->down_list};
    for (size_t i = 0; i < sizeof arrays / sizeof *arrays; i++)
        free(arrays[i]);
}

static cs_status pass_init(pass *p, const cs_results_info *in, const grouping *g,
                           const size_t *cable_of_edge, size_t nc, const double *cap,
                           size_t max_stored, cs_error *err)
{
    memset(p, 0, sizeof *p);
    p->in = in;
    p->g = g;
    p->nd = in->n_demands;
    p->ne = in->n_edges;
    p->nn = in->n_nodes;
    p->np = in->n_pairs;
    p->nr = g->n;
    p->nc = nc;
    p->cable_of_edge = cable_of_edge;
    p->cap = cap;
    p->max_stored = max_stored;
    p->alloc_ok = true;
    const size_t nr = p->nr, nd = p->nd;
    p->reg_u = zalloc(p, nr, sizeof(acc));
    p->reg_f = zalloc(p, nr, sizeof(acc));
    p->reg_s = zalloc(p, nr, sizeof(series));
    p->reg_demand = zalloc(p, nr, sizeof(double));
    p->reg_served = zalloc(p, nr, sizeof(double));
    p->reg_lnum = zalloc(p, nr, sizeof(double));
    p->reg_lden = zalloc(p, nr, sizeof(double));
    p->reg_base_lat = zalloc(p, nr, sizeof(double));
    p->reg_ladd = zalloc(p, nr, sizeof(acc));
    p->reg_lmax = zalloc(p, nr, sizeof(double));
    p->reg_all = zalloc(p, nr, sizeof(uint64_t));
    p->reg_any = zalloc(p, nr, sizeof(uint64_t));
    p->reg_pairs = zalloc(p, nr, sizeof(size_t));
    p->reg_all_cut = zalloc(p, nr, 1);
    p->reg_any_cut = zalloc(p, nr, 1);
    p->reg_hcol = zalloc(p, nr, sizeof(size_t));
    p->reg_h = zalloc(p, nr, sizeof(acc));
    p->reg_hmin = zalloc(p, nr, sizeof(double));
    p->dem_u = zalloc(p, nd, sizeof(acc));
    p->dem_f = zalloc(p, nd, sizeof(acc));
    p->dem_s = zalloc(p, nd, sizeof(series));
    p->pair_cut_n = zalloc(p, p->np, sizeof(uint64_t));
    p->dem_loss = zalloc(p, nd, sizeof(uint64_t));
    p->dem_change = zalloc(p, nd, sizeof(uint64_t));
    p->dem_num = zalloc(p, nd, sizeof(double));
    p->dem_den = zalloc(p, nd, sizeof(double));
    if (in->has_edge_flow && nc > 0 && nd > SIZE_MAX / nc / sizeof(double))
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", in->path);
    if (in->has_edge_flow) p->abs_sum = zalloc(p, nd * nc, sizeof(double));
    p->c_edge = zalloc(p, p->ne, sizeof(crit_acc));
    p->c_cable = zalloc(p, nc, sizeof(crit_acc));
    p->c_node = zalloc(p, p->nn, sizeof(crit_acc));
    p->f_edge = zalloc(p, p->ne, sizeof(flow_acc));
    p->f_cable = zalloc(p, nc, sizeof(flow_acc));
    p->base_cflow = zalloc(p, nc, sizeof(double));
    p->cflow = zalloc(p, nc, sizeof(double));
    p->edge_failed = zalloc(p, p->ne, 1);
    p->down_list = zalloc(p, p->ne, sizeof(size_t));
    p->node_failed = zalloc(p, p->nn, 1);
    p->cable_failed = zalloc(p, nc, 1);
    p->cable_down = zalloc(p, nc, 1);
    p->cable_sat = zalloc(p, nc, 1);
    if (!p->alloc_ok) {
        pass_destroy(p);
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory for the analysis", in->path);
    }
    /* The headroom columns (rows of /topology/regions) of the regions, matched by name. */
    for (size_t r = 0; r < nr; r++) {
        p->reg_hcol[r] = SIZE_MAX;
        p->reg_hmin[r] = INFINITY;
        for (size_t c = 0; in->has_headroom && c < in->n_regions; c++)
            if (strcmp(in->region_names[c], g->names[r]) == 0) p->reg_hcol[r] = c;
    }
    /* The series' baselines: what the intact network leaves unserved. */
    p->total.base = in->base_unserved_tbps;
    for (size_t k = 0; k < nd; k++) {
        p->demand_total += in->demands[k].demand_scaled_tbps;
        p->dem_s[k].base = in->demands[k].demand_scaled_tbps - in->base_served_tbps[k];
        p->reg_demand[g->of_demand[k]] += in->demands[k].demand_scaled_tbps;
        p->reg_served[g->of_demand[k]] += in->base_served_tbps[k];
    }
    for (size_t r = 0; r < nr; r++)
        p->reg_s[r].base = p->reg_demand[r] - p->reg_served[r];
    /* The intact network's served-weighted latency per region (NaN where nothing is served). */
    for (size_t k = 0; k < nd; k++) {
        const double l = in->base_latency_ms[k], x = in->base_served_tbps[k];
        if (!(x > 0.0) || !isfinite(l)) continue;
        p->reg_lnum[g->of_demand[k]] += x * l;
        p->reg_lden[g->of_demand[k]] += x;
    }
    for (size_t r = 0; r < nr; r++) {
        p->reg_base_lat[r] = p->reg_lden[r] > 0.0 ? p->reg_lnum[r] / p->reg_lden[r] : NAN;
        p->reg_lmax[r] = -INFINITY;
    }
    for (size_t q = 0; q < p->np; q++)
        if (g->of_pair[q] != SIZE_MAX) p->reg_pairs[g->of_pair[q]]++;
    for (size_t j = 0; j < p->ne; j++) {
        const size_t c = cable_of_edge[j];
        if (c != SIZE_MAX) p->base_cflow[c] = fmax(p->base_cflow[c], in->base_edge_flow[j]);
    }
    return CS_OK;
}

/* Gives up per-demand, then per-region series when the stored values exceed the cap. */
static void enforce_cap(pass *p)
{
    if (p->stored <= p->max_stored) return;
    for (size_t k = 0; k < p->nd; k++)
        series_drop(&p->dem_s[k], &p->stored);
    if (p->stored <= p->max_stored) return;
    for (size_t r = 0; r < p->nr; r++)
        series_drop(&p->reg_s[r], &p->stored);
}

static bool path_changed(double lat, double base)
{
    if (isnan(lat) || isnan(base)) return isnan(lat) != isnan(base);
    return fabs(lat - base) > CS_ANALYSIS_PATH_EPS * fmax(fabs(base), 1e-300);
}

/* Regions, demands and pairs of trial i of slice s. */
static bool trial_demands(pass *p, const cs_trial_slice *s, size_t i)
{
    const cs_results_info *in = p->in;
    const double *served = s->served_tbps + i * p->nd;
    const double *lat = s->latency_ms != NULL ? s->latency_ms + i * p->nd : NULL;
    const unsigned char *cut = s->pair_cut + i * p->np;
    bool ok = true;
    for (size_t r = 0; r < p->nr; r++)
        p->reg_served[r] = p->reg_lnum[r] = p->reg_lden[r] = 0.0;
    for (size_t k = 0; k < p->nd; k++) {
        const cs_rdemand *d = &in->demands[k];
        const size_t r = p->g->of_demand[k];
        p->reg_served[r] += served[k];
        if (lat != NULL && served[k] > 0.0 && isfinite(lat[k])) {
            p->reg_lnum[r] += served[k] * lat[k];
            p->reg_lden[r] += served[k];
        }
        acc_add(&p->dem_f[k], served[k] / d->demand_scaled_tbps);
        acc_add(&p->dem_u[k], d->demand_scaled_tbps - served[k]);
        ok = ok && series_add(&p->dem_s[k], d->demand_scaled_tbps - served[k], &p->stored);
        p->dem_loss[k] += served[k] < in->base_served_tbps[k] - LOSS_EPS;
        if (lat == NULL) continue;
        const double l0 = in->base_latency_ms[k];
        p->dem_change[k] += path_changed(lat[k], l0);
        if (served[k] > 0 && isfinite(lat[k]) && isfinite(l0) && l0 > 0) {
            p->dem_num[k] += served[k] * lat[k];
            p->dem_den[k] += served[k] * l0;
        }
    }
    for (size_t r = 0; r < p->nr; r++) {
        if (p->reg_lden[r] > 0.0 && isfinite(p->reg_base_lat[r])) {
            const double add = p->reg_lnum[r] / p->reg_lden[r] - p->reg_base_lat[r];
            acc_add(&p->reg_ladd[r], add);
            p->reg_lmax[r] = fmax(p->reg_lmax[r], add);
        }
        const size_t hc = p->reg_hcol[r];
        const double h =
            hc != SIZE_MAX ? s->region_headroom_tbps[i * p->in->n_regions + hc] : (double)NAN;
        if (isfinite(h)) {
            acc_add(&p->reg_h[r], h);
            p->reg_hmin[r] = fmin(p->reg_hmin[r], h);
        }
        const double u = p->reg_demand[r] - p->reg_served[r];
        acc_add(&p->reg_u[r], u);
        acc_add(&p->reg_f[r], p->reg_served[r] / p->reg_demand[r]);
        ok = ok && series_add(&p->reg_s[r], u, &p->stored);
    }
    bool all = p->np > 0;
    for (size_t r = 0; r < p->nr; r++) {
        p->reg_all_cut[r] = p->reg_pairs[r] > 0;
        p->reg_any_cut[r] = 0;
    }
    for (size_t q = 0; q < p->np; q++) {
        const size_t r = p->g->of_pair[q];
        p->pair_cut_n[q] += cut[q] != 0;
        if (!cut[q]) all = false;
        if (r == SIZE_MAX) continue;
        if (cut[q])
            p->reg_any_cut[r] = 1;
        else
            p->reg_all_cut[r] = 0;
    }
    p->all_cut += all;
    for (size_t r = 0; r < p->nr; r++) {
        p->reg_all[r] += p->reg_all_cut[r];
        p->reg_any[r] += p->reg_any_cut[r];
    }
    return ok;
}

/* Marks edge j down (once), with its cable. */
static void mark_down(pass *p, size_t j)
{
    if (p->edge_failed[j]) return;
    p->edge_failed[j] = 1;
    p->down_list[p->n_down++] = j;
    if (p->cable_of_edge[j] != SIZE_MAX) p->cable_failed[p->cable_of_edge[j]] = 1;
}

/*
 * Marks trial i's edges down (failed, or at a failed node: a lost station takes its segments
 * with it), failed nodes and cables with an edge down, and adds the capacity lost; false when
 * the trial had no failure.
 */
static bool mark_failures(pass *p, const cs_trial_slice *s, size_t i)
{
    p->n_down = 0;
    for (uint64_t k = s->edge_off[i]; k < s->edge_off[i + 1]; k++)
        mark_down(p, s->failed_edges[k]);
    for (uint64_t k = s->node_off[i]; k < s->node_off[i + 1]; k++)
        p->node_failed[s->failed_nodes[k]] = 1;
    if (s->node_off[i + 1] > s->node_off[i])
        for (size_t j = 0; j < p->ne; j++)
            if (p->node_failed[p->in->edges[j].from] || p->node_failed[p->in->edges[j].to])
                mark_down(p, j);
    double lost = 0.0;
    uint64_t h = 0x9E3779B97F4A7C15u * (p->n_down + 1);
    for (size_t k = 0; k < p->n_down; k++) {
        lost += p->cap[p->down_list[k]];
        uint64_t z = (p->down_list[k] + 0x9E3779B97F4A7C15u) * 0xBF58476D1CE4E5B9u;
        h += z ^ (z >> 29); /* order-independent */
    }
    acc_add(&p->cap_lost, lost);
    if (p->cap_lost.n == 1) p->fhash = h;
    if (h != p->fhash) p->varied = true;
    return s->edge_off[i + 1] > s->edge_off[i] || s->node_off[i + 1] > s->node_off[i];
}

static void clear_failures(pass *p, const cs_trial_slice *s, size_t i)
{
    for (size_t k = 0; k < p->n_down; k++) {
        const size_t j = p->down_list[k];
        p->edge_failed[j] = 0;
        if (p->cable_of_edge[j] != SIZE_MAX) p->cable_failed[p->cable_of_edge[j]] = 0;
    }
    for (uint64_t k = s->node_off[i]; k < s->node_off[i + 1]; k++)
        p->node_failed[s->failed_nodes[k]] = 0;
}

/* Criticality: each edge down, cable (once however many of its segments) and failed node. */
static void trial_criticality(pass *p, const cs_trial_slice *s, size_t i, double unserved)
{
    const double loss = unserved - p->in->base_unserved_tbps;
    for (size_t k = 0; k < p->n_down; k++) {
        const size_t j = p->down_list[k], c = p->cable_of_edge[j];
        acc_add(&p->c_edge[j].unserved, unserved);
        p->c_edge[j].loss_sum += loss;
        if (c != SIZE_MAX && p->cable_failed[c] == 1) {
            p->cable_failed[c] = 2; /* counted; back to 1 below */
            acc_add(&p->c_cable[c].unserved, unserved);
            p->c_cable[c].loss_sum += loss;
        }
    }
    for (size_t k = 0; k < p->n_down; k++) {
        const size_t c = p->cable_of_edge[p->down_list[k]];
        if (c != SIZE_MAX) p->cable_failed[c] = 1;
    }
    for (uint64_t k = s->node_off[i]; k < s->node_off[i + 1]; k++) {
        const size_t v = s->failed_nodes[k];
        acc_add(&p->c_node[v].unserved, unserved);
        p->c_node[v].loss_sum += loss;
    }
}

/* Edge and cable flows of trial i, and the cables absorbing each rerouted demand's traffic. */
static void trial_flows(pass *p, const cs_trial_slice *s, size_t i, bool disturbed)
{
    const cs_results_info *in = p->in;
    const double *flow = s->edge_flow_tbps + i * p->ne;
    for (size_t c = 0; c < p->nc; c++) {
        p->cflow[c] = 0.0;
        p->cable_down[c] = 0;
        p->cable_sat[c] = 0;
    }
    for (size_t j = 0; j < p->ne; j++) {
        const cs_redge *e = &in->edges[j];
        const bool up = !p->edge_failed[j] && !p->node_failed[e->from] && !p->node_failed[e->to];
        const bool sat = p->cap[j] > 0 && flow[j] >= CS_ANALYSIS_SATURATION * p->cap[j];
        flow_acc *f = &p->f_edge[j];
        if (up) acc_add(&f->up, flow[j]);
        if (up && disturbed) acc_add(&f->disturbed, flow[j]);
        f->saturated += sat;
        const size_t c = p->cable_of_edge[j];
        if (c == SIZE_MAX) continue;
        p->cflow[c] = fmax(p->cflow[c], flow[j]);
        p->cable_down[c] |= !up;
        p->cable_sat[c] |= sat;
    }
    for (size_t c = 0; c < p->nc; c++) {
        flow_acc *f = &p->f_cable[c];
        if (!p->cable_down[c]) acc_add(&f->up, p->cflow[c]);
        if (!p->cable_down[c] && disturbed) acc_add(&f->disturbed, p->cflow[c]);
        f->saturated += p->cable_sat[c];
    }
    if (s->latency_ms == NULL || p->nc == 0) return;
    const double *lat = s->latency_ms + i * p->nd;
    for (size_t k = 0; k < p->nd; k++) {
        if (!path_changed(lat[k], in->base_latency_ms[k])) continue;
        double *row = p->abs_sum + k * p->nc;
        for (size_t c = 0; c < p->nc; c++)
            if (!p->cable_down[c]) row[c] += p->cflow[c] - p->base_cflow[c];
    }
}

static cs_status trial(pass *p, const cs_trial_slice *s, size_t i, cs_error *err)
{
    const double u = s->unserved_tbps[i];
    const bool disturbed = mark_failures(p, s, i);
    p->disturbed += disturbed;
    acc_add(&p->total_u, u);
    p->n_loss += u > p->in->base_unserved_tbps + CS_ANALYSIS_NOISE_TBPS;
    double served = 0.0;
    for (size_t k = 0; k < p->nd; k++)
        served += s->served_tbps[i * p->nd + k];
    acc_add(&p->total_f, p->demand_total > 0 ? served / p->demand_total : NAN);
    p->loss_total += u - p->in->base_unserved_tbps;
    bool ok = series_add(&p->total, u, &p->stored);
    ok = trial_demands(p, s, i) && ok;
    trial_criticality(p, s, i, u);
    if (s->edge_flow_tbps != NULL) trial_flows(p, s, i, disturbed);
    clear_failures(p, s, i);
    if (!ok) return cs_errorf(err, CS_ENOMEM, "%s: out of memory for the loss series", p->in->path);
    enforce_cap(p);
    return CS_OK;
}

/* ------------------------------------------------------------- assembly */

static cs_criticality criticality(const crit_acc *c, uint64_t n, double loss_total)
{
    cs_criticality r;
    r.failed = cs_analysis_wilson(c->unserved.n, n);
    r.unserved = estimate(&c->unserved);
    r.loss = c->unserved.n ? c->loss_sum / (double)c->unserved.n : NAN;
    r.share =
        n > 0 && loss_total > CS_ANALYSIS_NOISE_TBPS * (double)n ? c->loss_sum / loss_total : NAN;
    return r;
}

static cs_flow_stats flow_stats(const flow_acc *f, double cap, double base, uint64_t n)
{
    cs_flow_stats r;
    r.capacity_tbps = cap;
    r.base_flow_tbps = base;
    r.flow_up = estimate(&f->up);
    r.flow_disturbed = estimate(&f->disturbed);
    r.rise = f->disturbed.n ? r.flow_disturbed.mean - base : NAN;
    r.saturated = cs_analysis_wilson(f->saturated, n);
    return r;
}

static double ratio(double num, double den)
{
    return den > 0 ? num / den : NAN;
}

static void assemble_regions(cs_analysis_t *a, pass *p)
{
    for (size_t r = 0; r < p->nr; r++) {
        cs_analysis_region *g = &a->regions[r];
        g->name = p->g->names[r];
        g->domestic = p->g->domestic[r];
        g->demand_tbps = p->reg_demand[r];
        g->served_frac = estimate_in(&p->reg_f[r], 0.0, 1.0);
        g->unserved_tbps = estimate_in(&p->reg_u[r], 0.0, p->reg_demand[r]);
        g->has_headroom = p->reg_h[r].n > 0;
        g->headroom_tbps = estimate_in(&p->reg_h[r], 0.0, INFINITY);
        g->headroom_min_tbps = g->has_headroom ? p->reg_hmin[r] : NAN;
        g->tail = series_tail(&p->reg_s[r]);
        g->precision = precision(&g->unserved_tbps, a->precision_target);
        g->n_pairs = p->reg_pairs[r];
        g->all_cut = cs_analysis_wilson(p->reg_all[r], g->n_pairs ? a->n : 0);
        g->any_cut = cs_analysis_wilson(p->reg_any[r], g->n_pairs ? a->n : 0);
        double num = 0.0, den = 0.0;
        for (size_t k = 0; k < p->nd; k++)
            if (p->g->of_demand[k] == r) {
                g->n_demands++;
                g->base_served_tbps += p->in->base_served_tbps[k];
                num += p->dem_num[k];
                den += p->dem_den[k];
            }
        g->latency_inflation = p->in->has_latency ? ratio(num, den) : NAN;
        g->latency_added_mean_ms = p->reg_ladd[r].n ? p->reg_ladd[r].mean : NAN;
        g->latency_added_worst_ms = p->reg_ladd[r].n ? p->reg_lmax[r] : NAN;
    }
}

static void assemble_demands(cs_analysis_t *a, pass *p)
{
    const cs_results_info *in = p->in;
    for (size_t k = 0; k < p->nd; k++) {
        cs_analysis_demand *d = &a->demands[k];
        d->region = p->g->of_demand[k];
        d->pair = SIZE_MAX;
        d->base_served_tbps = in->base_served_tbps[k];
        d->base_latency_ms = in->base_latency_ms[k];
        d->served_frac = estimate_in(&p->dem_f[k], 0.0, 1.0);
        d->unserved_tbps = estimate_in(&p->dem_u[k], 0.0, p->in->demands[k].demand_scaled_tbps);
        d->tail = series_tail(&p->dem_s[k]);
        d->loss = cs_analysis_wilson(p->dem_loss[k], a->n);
        d->latency_inflation = in->has_latency ? ratio(p->dem_num[k], p->dem_den[k]) : NAN;
        d->path_change = cs_analysis_wilson(p->dem_change[k], in->has_latency ? a->n : 0);
        d->absorber = SIZE_MAX;
        d->absorber_rise = NAN;
        if (p->abs_sum != NULL && p->dem_change[k] > 0)
            for (size_t c = 0; c < p->nc; c++) {
                const double rise = p->abs_sum[k * p->nc + c] / (double)p->dem_change[k];
                if (rise > 0 && (d->absorber == SIZE_MAX || rise > d->absorber_rise)) {
                    d->absorber = c;
                    d->absorber_rise = rise;
                }
            }
    }
    /* A demand's pair: its Japanese city and its region (the engine's definition). */
    for (size_t q = 0; q < p->np; q++)
        for (size_t k = 0; k < p->nd; k++) {
            const cs_rdemand *dm = &in->demands[k];
            const bool city =
                dm->origin == in->pairs[q].city || dm->destination == in->pairs[q].city;
            if (city && !p->g->domestic[p->g->of_demand[k]] &&
                p->g->of_demand[k] == p->g->of_pair[q])
                a->demands[k].pair = q;
        }
    for (size_t k = 0; k < p->nd; k++) {
        const size_t q = a->demands[k].pair;
        a->demands[k].cut =
            q != SIZE_MAX ? cs_analysis_wilson(p->pair_cut_n[q], a->n) : cs_analysis_wilson(0, 0);
    }
}

static void assemble_network(cs_analysis_t *a, const pass *p, size_t *cable_segments,
                             const double *cable_cap)
{
    const cs_results_info *in = p->in;
    for (size_t j = 0; j < p->ne; j++) {
        a->edges[j].crit = criticality(&p->c_edge[j], a->n, p->loss_total);
        a->edges[j].flow = flow_stats(&p->f_edge[j], p->cap[j], in->base_edge_flow[j], a->n);
    }
    for (size_t c = 0; c < p->nc; c++) {
        a->cables[c].n_segments = cable_segments[c];
        a->cables[c].crit = criticality(&p->c_cable[c], a->n, p->loss_total);
        a->cables[c].flow = flow_stats(&p->f_cable[c], cable_cap[c], p->base_cflow[c], a->n);
    }
    /* Landing stations, then any other node that failed in some trial. */
    a->n_stations = 0;
    for (int pass_no = 0; pass_no < 2; pass_no++)
        for (size_t v = 0; v < p->nn; v++) {
            const bool station = strcmp(in->nodes[v].kind, "landing_station") == 0;
            if (pass_no == 0 ? !station : station || p->c_node[v].unserved.n == 0) continue;
            cs_analysis_station *st = &a->stations[a->n_stations++];
            st->node = v;
            st->crit = criticality(&p->c_node[v], a->n, p->loss_total);
        }
}

/* The scenario's name and capacity basis, as the reader gives them (results file attributes). */
static cs_status read_scenario(cs_analysis_t *a, const cs_results_info *in, cs_error *err)
{
    a->use_lit = strcmp(in->capacity_basis, "lit") == 0;
    const size_t n = strlen(in->name) + 1;
    char *copy = malloc(n);
    if (copy == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", in->path);
    a->scenario_name = memcpy(copy, in->name, n);
    return CS_OK;
}

/* Numbers the cable systems in order of first appearance; SIZE_MAX for links. */
static size_t number_cables(const cs_results_info *in, size_t *cable_of_edge, const char **names,
                            const char **full)
{
    size_t nc = 0;
    for (size_t j = 0; j < in->n_edges; j++) {
        const char *c = in->edges[j].cable;
        cable_of_edge[j] = SIZE_MAX;
        if (c[0] == '\0') continue;
        size_t i = find_name(names, nc, c);
        if (i == SIZE_MAX) {
            i = nc++;
            names[i] = c;
            full[i] = in->edges[j].cable_name;
        }
        cable_of_edge[j] = i;
    }
    return nc;
}

static cs_status check_options(const cs_analysis_options *o, cs_error *err)
{
    if (!(o->precision > 0 && o->precision < 1))
        return cs_errorf(err, CS_EINVAL,
                         "analysis: precision: expected a number in (0, 1), found %g",
                         o->precision);
    if (o->slice_bytes == 0)
        return cs_errorf(err, CS_EINVAL, "analysis: slice_bytes: expected > 0, found 0");
    return CS_OK;
}

/* Streams every trial of r through p. */
static cs_status stream(pass *p, cs_resultsio_t *r, size_t slice_bytes, cs_error *err)
{
    cs_trial_slice s;
    cs_status rc = cs_trial_slice_init(&s, r, cs_resultsio_slice_rows(r, slice_bytes), err);
    if (rc) return rc;
    for (uint64_t first = 0; rc == CS_OK; first += s.n) {
        rc = cs_resultsio_read(r, first, &s, err);
        if (rc || s.n == 0) break;
        for (size_t i = 0; i < s.n && rc == CS_OK; i++)
            rc = trial(p, &s, i, err);
    }
    cs_trial_slice_destroy(&s);
    return rc;
}

/* Allocates a's arrays; false when out of memory. */
static bool alloc_result(cs_analysis_t *a, const cs_results_info *in, size_t nr)
{
    a->regions = calloc(nr + 1, sizeof *a->regions);
    a->demands = calloc(in->n_demands + 1, sizeof *a->demands);
    a->edges = calloc(in->n_edges + 1, sizeof *a->edges);
    a->cables = calloc(in->n_edges + 1, sizeof *a->cables);
    a->stations = calloc(in->n_nodes + 1, sizeof *a->stations);
    size_t *coe = calloc(in->n_edges + 1, sizeof *coe);
    a->cable_of_edge = coe;
    return a->regions && a->demands && a->edges && a->cables && a->stations && coe;
}

cs_status cs_analysis_run(cs_analysis_t **out, cs_resultsio_t *r, const cs_analysis_options *o,
                          cs_error *err)
{
    *out = NULL;
    const cs_analysis_options dflt = CS_ANALYSIS_OPTIONS_INIT;
    if (o == NULL) o = &dflt;
    cs_status rc = check_options(o, err);
    if (rc) return rc;
    const cs_results_info *in = cs_resultsio_info(r);
    cs_analysis_t *a = calloc(1, sizeof *a);
    grouping g;
    if (a == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", in->path);
    a->info = in;
    a->precision_target = o->precision;
    a->n = in->trials;
    if ((rc = group_regions(&g, in, err))) {
        free(a);
        return rc;
    }
    const char **names = calloc(in->n_edges + 1, sizeof *names);
    const char **full = calloc(in->n_edges + 1, sizeof *full);
    size_t *segs = calloc(in->n_edges + 1, sizeof *segs);
    double *cap = calloc(in->n_edges + 1, sizeof *cap),
           *ccap = calloc(in->n_edges + 1, sizeof *ccap);
    pass p;
    bool have_pass = false;
    if (!alloc_result(a, in, g.n) || !names || !full || !segs || !cap || !ccap) {
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", in->path);
        goto done;
    }
    if ((rc = read_scenario(a, in, err))) goto done;
    size_t *coe = (size_t *)a->cable_of_edge;
    a->n_cables = number_cables(in, coe, names, full);
    for (size_t j = 0; j < in->n_edges; j++) {
        cap[j] = a->use_lit ? in->edges[j].lit_tbps : in->edges[j].capacity_tbps;
        if (coe[j] == SIZE_MAX) continue;
        segs[coe[j]]++;
        ccap[coe[j]] = fmax(ccap[coe[j]], cap[j]);
    }
    for (size_t c = 0; c < a->n_cables; c++) {
        a->cables[c].name = names[c];
        a->cables[c].full_name = full[c];
    }
    if ((rc = pass_init(&p, in, &g, coe, a->n_cables, cap, o->max_tail_values, err))) goto done;
    have_pass = true;
    if ((rc = stream(&p, r, o->slice_bytes, err))) goto done;
    a->n_disturbed = p.disturbed;
    a->demand_tails = in->n_demands == 0 || !p.dem_s[0].dropped;
    a->region_tails = g.n == 0 || !p.reg_s[0].dropped;
    double demand = 0.0;
    for (size_t k = 0; k < in->n_demands; k++)
        demand += in->demands[k].demand_scaled_tbps;
    a->demand_tbps = demand;
    a->unserved_tbps = estimate_in(&p.total_u, 0.0, demand);
    a->served_frac = estimate_in(&p.total_f, 0.0, 1.0);
    a->capacity_lost_tbps = estimate_in(&p.cap_lost, 0.0, INFINITY);
    a->n_loss = p.n_loss;
    a->varied = p.varied;
    a->tail = series_tail(&p.total);
    a->precision = precision(&a->unserved_tbps, o->precision);
    a->all_cut = cs_analysis_wilson(p.all_cut, in->n_pairs ? a->n : 0);
    double num = 0.0, den = 0.0;
    for (size_t k = 0; k < in->n_demands; k++) {
        num += p.dem_num[k];
        den += p.dem_den[k];
    }
    a->latency_inflation = in->has_latency ? ratio(num, den) : NAN;
    a->n_regions = g.n;
    assemble_regions(a, &p);
    assemble_demands(a, &p);
    a->has_flow = in->has_edge_flow;
    assemble_network(a, &p, segs, ccap);
done:
    if (have_pass) pass_destroy(&p);
    grouping_destroy(&g);
    free(names);
    free(full);
    free(segs);
    free(cap);
    free(ccap);
    if (rc) {
        cs_analysis_free(a);
        return rc;
    }
    *out = a;
    return CS_OK;
}

void cs_analysis_free(cs_analysis_t *a)
{
    if (a == NULL) return;
    free((char *)a->scenario_name);
    free(a->regions);
    free(a->demands);
    free(a->edges);
    free(a->cables);
    free(a->stations);
    free((size_t *)a->cable_of_edge);
    free(a);
}

/* -------------------------------------------------------------- compare */

/* A paired difference, accumulated. */
typedef struct {
    acc d, a, b;
    uint64_t pos, neg;
} pair_acc;

/* Differences within this (relative, at least absolute) are ties for the sign test: the router's
 * rounding dust must not count as one design doing better. */
#define TIE_EPS 1e-9

static void pair_add(pair_acc *p, double a, double b)
{
    acc_add(&p->d, b - a);
    acc_add(&p->a, a);
    acc_add(&p->b, b);
    const double tol = TIE_EPS * fmax(1.0, fmax(fabs(a), fabs(b)));
    p->pos += b - a > tol;
    p->neg += a - b > tol;
}

/* Two-sided exact sign test: 2 P(X <= min(pos, neg)), X ~ Binomial(pos + neg, 1/2). */
static double sign_test(uint64_t pos, uint64_t neg)
{
    const uint64_t m = pos + neg, k = pos < neg ? pos : neg;
    if (m == 0) return 1.0;
    double p;
    if (m <= UINT_MAX) {
        p = 2.0 * gsl_cdf_binomial_P((unsigned)k, 0.5, (unsigned)m);
    } else { /* beyond unsigned int: the normal approximation with continuity correction */
        const double z = ((double)k + 0.5 - 0.5 * (double)m) / (0.5 * sqrt((double)m));
        p = 2.0 * gsl_cdf_ugaussian_P(z);
    }
    return fmin(1.0, p);
}

static cs_paired paired(const pair_acc *p)
{
    cs_paired r;
    r.diff = estimate(&p->d);
    r.df = p->d.n > 0 ? (double)(p->d.n - 1) : NAN;
    r.a_mean = p->a.n ? p->a.mean : NAN;
    r.b_mean = p->b.n ? p->b.mean : NAN;
    r.n_pos = p->pos;
    r.n_neg = p->neg;
    r.sign_p = sign_test(p->pos, p->neg);
    r.excludes_zero = r.diff.n > 1 && (r.diff.lo > 0 || r.diff.hi < 0);
    /* Ten copies of one outcome are one observation, however many trials repeat it. */
    if (p->d.n > 0 && p->a.m2 == 0.0 && p->b.m2 == 0.0) {
        r.excludes_zero = false;
        r.verdict = CS_PAIRED_ONE_OUTCOME;
    } else if (r.excludes_zero && r.sign_p < 0.05)
        r.verdict = CS_PAIRED_SIGNIFICANT;
    else if (!r.excludes_zero && !(r.sign_p < 0.05))
        r.verdict = CS_PAIRED_NOT_SIGNIFICANT;
    else
        r.verdict = CS_PAIRED_INCONCLUSIVE;
    return r;
}

const char *cs_paired_verdict_name(cs_paired_verdict v)
{
    static const char *const names[] = {"one outcome", "significant", "not significant",
                                        "inconclusive"};
    return (unsigned)v < 4 ? names[v] : "?";
}

const char *cs_compare_kind_name(cs_compare_kind k)
{
    return k == CS_COMPARE_PAIRED ? "paired" : "unpaired";
}

/* Sample variance of an accumulator (0 with fewer than two values). */
static double acc_var(const acc *a)
{
    return a->n > 1 ? a->m2 / (double)(a->n - 1) : 0.0;
}

/* The Welch difference b - a of two independent samples given as (n, mean, variance). */
static cs_paired welch(uint64_t na, double ma, double va, uint64_t nb, double mb, double vb)
{
    cs_paired r;
    memset(&r, 0, sizeof r);
    r.a_mean = na ? ma : NAN;
    r.b_mean = nb ? mb : NAN;
    r.sign_p = NAN;
    r.diff = (cs_estimate){na + nb, NAN, NAN, NAN, NAN, NAN};
    r.df = NAN;
    r.verdict = CS_PAIRED_NOT_SIGNIFICANT;
    if (na == 0 || nb == 0) return r;
    const double wa = va / (double)na, wb = vb / (double)nb, se2 = wa + wb;
    r.diff.mean = mb - ma;
    r.diff.se = sqrt(se2);
    if (se2 == 0.0) { /* one value repeated in each file: a certainty */
        r.diff.lo = r.diff.hi = r.diff.mean;
        r.verdict = CS_PAIRED_ONE_OUTCOME;
        return r;
    }
    /* Welch-Satterthwaite; a side with one value contributes no variance and no term. */
    const double den =
        (na > 1 ? wa * wa / (double)(na - 1) : 0.0) + (nb > 1 ? wb * wb / (double)(nb - 1) : 0.0);
    r.df = se2 * se2 / den;
    const double t = gsl_cdf_tdist_Pinv(0.975, r.df);
    r.diff.lo = r.diff.mean - t * r.diff.se;
    r.diff.hi = r.diff.mean + t * r.diff.se;
    r.excludes_zero = r.diff.lo > 0 || r.diff.hi < 0;
    r.verdict = r.excludes_zero ? CS_PAIRED_SIGNIFICANT : CS_PAIRED_NOT_SIGNIFICANT;
    return r;
}

cs_paired cs_analysis_welch(const cs_estimate *a, const cs_estimate *b)
{
    const double sa = isfinite(a->sd) ? a->sd : 0.0, sb = isfinite(b->sd) ? b->sd : 0.0;
    return welch(a->n, a->mean, sa * sa, b->n, b->mean, sb * sb);
}

static cs_paired unpaired(const pair_acc *p)
{
    return welch(p->a.n, p->a.mean, acc_var(&p->a), p->b.n, p->b.mean, acc_var(&p->b));
}

/* Why two files pair or not, into buf; true when they pair (same seed and trial count). */
static bool pairing(const cs_results_info *a, const cs_results_info *b, char *buf, size_t n)
{
    if (a->seed != b->seed && a->trials != b->trials)
        snprintf(buf, n, "the seeds (%llu and %llu) and trial counts (%llu and %llu) differ",
                 (unsigned long long)a->seed, (unsigned long long)b->seed,
                 (unsigned long long)a->trials, (unsigned long long)b->trials);
    else if (a->seed != b->seed)
        snprintf(buf, n, "the seeds differ (%llu and %llu)", (unsigned long long)a->seed,
                 (unsigned long long)b->seed);
    else if (a->trials != b->trials)
        snprintf(buf, n, "the trial counts differ (%llu and %llu)", (unsigned long long)a->trials,
                 (unsigned long long)b->trials);
    else {
        snprintf(buf, n, "same seed %llu and %llu trials", (unsigned long long)a->seed,
                 (unsigned long long)a->trials);
        return true;
    }
    return false;
}

static bool same_demands(const cs_results_info *a, const cs_results_info *b)
{
    if (a->n_demands != b->n_demands) return false;
    for (size_t k = 0; k < a->n_demands; k++) {
        const cs_rdemand *x = &a->demands[k], *y = &b->demands[k];
        const double scale = fmax(fabs(x->demand_scaled_tbps), fabs(y->demand_scaled_tbps));
        if (strcmp(x->origin_id, y->origin_id) != 0 ||
            strcmp(x->destination_id, y->destination_id) != 0 ||
            fabs(x->demand_scaled_tbps - y->demand_scaled_tbps) > 1e-12 * scale)
            return false;
    }
    return true;
}

static bool same_network(const cs_results_info *a, const cs_results_info *b)
{
    if (a->n_edges != b->n_edges || a->n_nodes != b->n_nodes) return false;
    for (size_t j = 0; j < a->n_edges; j++) {
        const cs_redge *x = &a->edges[j], *y = &b->edges[j];
        if (strcmp(x->id, y->id) != 0 || strcmp(a->nodes[x->from].id, b->nodes[y->from].id) != 0 ||
            strcmp(a->nodes[x->to].id, b->nodes[y->to].id) != 0 ||
            x->capacity_tbps != y->capacity_tbps || x->lit_tbps != y->lit_tbps)
            return false;
    }
    return true;
}

/* The metrics of a comparison, numbered: the totals, then three per region of the union
 * (served fraction, unserved Tbps, cut off), then one per cable system of the union (failed). */
enum { M_UNSERVED, M_FRAC, M_ALL_CUT, M_TOTALS };

typedef struct {
    size_t nr, nc; /* regions and cables of the union */
    const char **rname, **cname, **cfull;
    bool *rdomestic;
} cmp_union;

static size_t m_region(size_t r)
{
    return M_TOTALS + 3 * r;
}

/* One file's per-trial values of every metric of the union. */
typedef struct {
    const cs_results_info *in;
    const grouping *g;
    size_t *reg_u;          /* [g->n] union index of each region */
    size_t *reg_pairs;      /* [g->n] pairs per region */
    double *reg_demand;     /* [g->n] */
    double *served;         /* [g->n] this trial */
    unsigned char *all_cut; /* [g->n] this trial */
    size_t *cable_u;        /* [n_edges] union cable index, SIZE_MAX for links */
    double demand;
    double *v;          /* [nm] this trial's values */
    unsigned char *has; /* [nm] the file defines the metric */
} side;

static void side_destroy(side *s)
{
    free(s->reg_u);
    free(s->reg_pairs);
    free(s->reg_demand);
    free(s->served);
    free(s->all_cut);
    free(s->cable_u);
    free(s->v);
    free(s->has);
    memset(s, 0, sizeof *s);
}

/* Adds the regions and cable systems of in that u does not have yet (u's arrays hold
 * regions + cables of both files). */
static void union_add(cmp_union *u, const cs_results_info *in, const grouping *g)
{
    for (size_t r = 0; r < g->n; r++)
        if (find_name(u->rname, u->nr, g->names[r]) == SIZE_MAX) {
            u->rdomestic[u->nr] = g->domestic[r];
            u->rname[u->nr++] = g->names[r];
        }
    for (size_t j = 0; j < in->n_edges; j++) {
        const char *c = in->edges[j].cable;
        if (c[0] != '\0' && find_name(u->cname, u->nc, c) == SIZE_MAX) {
            u->cfull[u->nc] = in->edges[j].cable_name;
            u->cname[u->nc++] = c;
        }
    }
}

static bool side_init(side *s, const cs_results_info *in, const grouping *g, const cmp_union *u)
{
    memset(s, 0, sizeof *s);
    s->in = in;
    s->g = g;
    const size_t nm = m_region(u->nr) + u->nc;
    s->reg_u = calloc(g->n + 1, sizeof *s->reg_u);
    s->reg_pairs = calloc(g->n + 1, sizeof *s->reg_pairs);
    s->reg_demand = calloc(g->n + 1, sizeof *s->reg_demand);
    s->served = calloc(g->n + 1, sizeof *s->served);
    s->all_cut = calloc(g->n + 1, 1);
    s->cable_u = calloc(in->n_edges + 1, sizeof *s->cable_u);
    s->v = calloc(nm + 1, sizeof *s->v);
    s->has = calloc(nm + 1, 1);
    if (!s->reg_u || !s->reg_pairs || !s->reg_demand || !s->served || !s->all_cut || !s->cable_u ||
        !s->v || !s->has)
        return false;
    for (size_t q = 0; q < in->n_pairs; q++)
        if (g->of_pair[q] != SIZE_MAX) s->reg_pairs[g->of_pair[q]]++;
    for (size_t k = 0; k < in->n_demands; k++) {
        s->reg_demand[g->of_demand[k]] += in->demands[k].demand_scaled_tbps;
        s->demand += in->demands[k].demand_scaled_tbps;
    }
    s->has[M_UNSERVED] = 1;
    s->has[M_FRAC] = in->n_demands > 0;
    s->has[M_ALL_CUT] = in->n_pairs > 0;
    for (size_t r = 0; r < g->n; r++) {
        const size_t m = m_region(s->reg_u[r] = find_name(u->rname, u->nr, g->names[r]));
        s->has[m] = s->has[m + 1] = 1;
        s->has[m + 2] = s->reg_pairs[r] > 0;
    }
    for (size_t j = 0; j < in->n_edges; j++) {
        const char *c = in->edges[j].cable;
        s->cable_u[j] = c[0] != '\0' ? find_name(u->cname, u->nc, c) : SIZE_MAX;
        if (s->cable_u[j] != SIZE_MAX) s->has[m_region(u->nr) + s->cable_u[j]] = 1;
    }
    return true;
}

/* Row i of slice sl into s->v. */
static void side_trial(side *s, const cs_trial_slice *sl, size_t i, size_t cables_at,
                       size_t n_cables)
{
    const size_t nd = s->in->n_demands, np = s->in->n_pairs, nr = s->g->n;
    for (size_t r = 0; r < nr; r++) {
        s->served[r] = 0.0;
        s->all_cut[r] = s->reg_pairs[r] > 0;
    }
    double served = 0.0;
    for (size_t k = 0; k < nd; k++) {
        s->served[s->g->of_demand[k]] += sl->served_tbps[i * nd + k];
        served += sl->served_tbps[i * nd + k];
    }
    bool all = np > 0;
    for (size_t q = 0; q < np; q++) {
        if (sl->pair_cut[i * np + q]) continue;
        all = false;
        if (s->g->of_pair[q] != SIZE_MAX) s->all_cut[s->g->of_pair[q]] = 0;
    }
    s->v[M_UNSERVED] = sl->unserved_tbps[i];
    s->v[M_FRAC] = nd > 0 ? served / s->demand : NAN;
    s->v[M_ALL_CUT] = all;
    for (size_t r = 0; r < nr; r++) {
        const size_t m = m_region(s->reg_u[r]);
        s->v[m] = s->served[r] / s->reg_demand[r];
        s->v[m + 1] = s->reg_demand[r] - s->served[r];
        s->v[m + 2] = s->all_cut[r];
    }
    for (size_t c = 0; c < n_cables; c++)
        s->v[cables_at + c] = 0.0;
    for (uint64_t f = sl->edge_off[i]; f < sl->edge_off[i + 1]; f++) {
        const size_t c = s->cable_u[sl->failed_edges[f]];
        if (c != SIZE_MAX) s->v[cables_at + c] = 1.0;
    }
}

typedef struct {
    cmp_union u;
    size_t nm;
    pair_acc *m; /* [nm] */
} compare_acc;

/* Paired: both files in step, trial t with trial t. */
static cs_status compare_paired(compare_acc *c, side *sa, side *sb, cs_resultsio_t *a,
                                cs_resultsio_t *b, size_t slice_bytes, cs_error *err)
{
    cs_trial_slice x, y;
    const size_t ra = cs_resultsio_slice_rows(a, slice_bytes / 2);
    const size_t rb = cs_resultsio_slice_rows(b, slice_bytes / 2);
    cs_status rc = cs_trial_slice_init(&x, a, ra < rb ? ra : rb, err);
    if (rc) return rc;
    if ((rc = cs_trial_slice_init(&y, b, ra < rb ? ra : rb, err))) {
        cs_trial_slice_destroy(&x);
        return rc;
    }
    const size_t at = m_region(c->u.nr);
    for (uint64_t first = 0;; first += x.n) {
        if ((rc = cs_resultsio_read(a, first, &x, err)) ||
            (rc = cs_resultsio_read(b, first, &y, err)))
            break;
        if (x.n == 0) break;
        for (size_t i = 0; i < x.n; i++) {
            side_trial(sa, &x, i, at, c->u.nc);
            side_trial(sb, &y, i, at, c->u.nc);
            for (size_t m = 0; m < c->nm; m++)
                if (sa->has[m] && sb->has[m]) pair_add(&c->m[m], sa->v[m], sb->v[m]);
        }
    }
    cs_trial_slice_destroy(&x);
    cs_trial_slice_destroy(&y);
    return rc;
}

/* Unpaired: one file's trials into the a (or b) accumulators. */
static cs_status compare_one(compare_acc *c, side *s, cs_resultsio_t *r, bool is_b,
                             size_t slice_bytes, cs_error *err)
{
    cs_trial_slice x;
    cs_status rc = cs_trial_slice_init(&x, r, cs_resultsio_slice_rows(r, slice_bytes), err);
    if (rc) return rc;
    const size_t at = m_region(c->u.nr);
    for (uint64_t first = 0;; first += x.n) {
        if ((rc = cs_resultsio_read(r, first, &x, err)) || x.n == 0) break;
        for (size_t i = 0; i < x.n; i++) {
            side_trial(s, &x, i, at, c->u.nc);
            for (size_t m = 0; m < c->nm; m++)
                if (s->has[m]) acc_add(is_b ? &c->m[m].b : &c->m[m].a, s->v[m]);
        }
    }
    cs_trial_slice_destroy(&x);
    return rc;
}

static void compare_fill(cs_comparison_t *res, const compare_acc *c, const side *sa, const side *sb)
{
    cs_paired (*f)(const pair_acc *) = res->kind == CS_COMPARE_PAIRED ? paired : unpaired;
    res->unserved_tbps = f(&c->m[M_UNSERVED]);
    res->served_frac = f(&c->m[M_FRAC]);
    res->has_pairs = sa->has[M_ALL_CUT] && sb->has[M_ALL_CUT];
    res->all_cut = f(&c->m[M_ALL_CUT]);
    res->n_regions = c->u.nr;
    for (size_t r = 0; r < c->u.nr; r++) {
        cs_comparison_region *g = &res->regions[r];
        const size_t m = m_region(r);
        g->name = c->u.rname[r];
        g->domestic = c->u.rdomestic[r];
        g->in_a = sa->has[m];
        g->in_b = sb->has[m];
        const size_t ia = find_name(sa->g->names, sa->g->n, g->name);
        const size_t ib = find_name(sb->g->names, sb->g->n, g->name);
        g->a_demand_tbps = ia != SIZE_MAX ? sa->reg_demand[ia] : 0.0;
        g->b_demand_tbps = ib != SIZE_MAX ? sb->reg_demand[ib] : 0.0;
        g->served_frac = f(&c->m[m]);
        g->unserved_tbps = f(&c->m[m + 1]);
        g->has_pairs = sa->has[m + 2] && sb->has[m + 2];
        g->all_cut = f(&c->m[m + 2]);
    }
    res->n_cables = c->u.nc;
    for (size_t k = 0; k < c->u.nc; k++) {
        cs_comparison_cable *x = &res->cables[k];
        const size_t m = m_region(c->u.nr) + k;
        x->name = c->u.cname[k];
        x->full_name = c->u.cfull[k];
        x->in_a = sa->has[m];
        x->in_b = sb->has[m];
        x->failed = f(&c->m[m]);
    }
}

static void compare_acc_destroy(compare_acc *c)
{
    free(c->u.rname);
    free(c->u.cname);
    free(c->u.cfull);
    free(c->u.rdomestic);
    free(c->m);
}

/* The union of both files' regions and cables, and the accumulators; false when out of memory. */
static bool compare_acc_init(compare_acc *c, const cs_results_info *ia, const cs_results_info *ib,
                             const grouping *ga, const grouping *gb)
{
    memset(c, 0, sizeof *c);
    const size_t nr = ga->n + gb->n, nc = ia->n_edges + ib->n_edges;
    c->u.rname = calloc(nr + 1, sizeof *c->u.rname);
    c->u.rdomestic = calloc(nr + 1, sizeof *c->u.rdomestic);
    c->u.cname = calloc(nc + 1, sizeof *c->u.cname);
    c->u.cfull = calloc(nc + 1, sizeof *c->u.cfull);
    if (!c->u.rname || !c->u.rdomestic || !c->u.cname || !c->u.cfull) return false;
    union_add(&c->u, ia, ga);
    union_add(&c->u, ib, gb);
    c->nm = m_region(c->u.nr) + c->u.nc;
    c->m = calloc(c->nm + 1, sizeof *c->m);
    return c->m != NULL;
}

static void describe(cs_comparison_t *res, const cs_results_info *ia, const cs_results_info *ib,
                     const side *sa, const side *sb)
{
    res->kind =
        pairing(ia, ib, res->basis, sizeof res->basis) ? CS_COMPARE_PAIRED : CS_COMPARE_UNPAIRED;
    res->n = res->kind == CS_COMPARE_PAIRED ? ia->trials : ia->trials + ib->trials;
    res->seed = ia->seed;
    res->a_n = ia->trials;
    res->b_n = ib->trials;
    res->a_seed = ia->seed;
    res->b_seed = ib->seed;
    res->a_as_of = ia->as_of;
    res->b_as_of = ib->as_of;
    res->a_demand_tbps = sa->demand;
    res->b_demand_tbps = sb->demand;
    res->same_demands = same_demands(ia, ib);
    res->same_network = same_network(ia, ib);
    res->a_base_unserved = ia->base_unserved_tbps;
    res->b_base_unserved = ib->base_unserved_tbps;
}

cs_status cs_analysis_compare(cs_comparison_t **out, cs_resultsio_t *a, cs_resultsio_t *b,
                              const cs_analysis_options *o, cs_error *err)
{
    *out = NULL;
    const cs_analysis_options dflt = CS_ANALYSIS_OPTIONS_INIT;
    if (o == NULL) o = &dflt;
    cs_status rc = check_options(o, err);
    if (rc) return rc;
    const cs_results_info *ia = cs_resultsio_info(a), *ib = cs_resultsio_info(b);
    grouping ga, gb;
    memset(&gb, 0, sizeof gb);
    if ((rc = group_regions(&ga, ia, err))) return rc;
    if ((rc = group_regions(&gb, ib, err))) {
        grouping_destroy(&ga);
        return rc;
    }
    side sa, sb;
    compare_acc c;
    memset(&sa, 0, sizeof sa);
    memset(&sb, 0, sizeof sb);
    cs_comparison_t *res = calloc(1, sizeof *res);
    bool ok = compare_acc_init(&c, ia, ib, &ga, &gb);
    if (ok) { /* both sides, always (no short circuit) */
        const bool ok_a = side_init(&sa, ia, &ga, &c.u), ok_b = side_init(&sb, ib, &gb, &c.u);
        ok = ok_a && ok_b;
    }
    if (res != NULL) {
        res->regions = calloc(c.u.nr + 1, sizeof *res->regions);
        res->cables = calloc(c.u.nc + 1, sizeof *res->cables);
    }
    if (!ok || !res || !res->regions || !res->cables) {
        rc = cs_errorf(err, CS_ENOMEM, "compare: out of memory");
        goto done;
    }
    describe(res, ia, ib, &sa, &sb);
    if (res->kind == CS_COMPARE_PAIRED)
        rc = compare_paired(&c, &sa, &sb, a, b, o->slice_bytes, err);
    else if ((rc = compare_one(&c, &sa, a, false, o->slice_bytes, err)) == CS_OK)
        rc = compare_one(&c, &sb, b, true, o->slice_bytes, err);
    if (rc == CS_OK) compare_fill(res, &c, &sa, &sb);
done:
    side_destroy(&sa);
    side_destroy(&sb);
    compare_acc_destroy(&c);
    grouping_destroy(&ga);
    grouping_destroy(&gb);
    if (rc) {
        cs_comparison_free(res);
        return rc;
    }
    *out = res;
    return CS_OK;
}

void cs_comparison_free(cs_comparison_t *c)
{
    if (c == NULL) return;
    free(c->regions);
    free(c->cables);
    free(c);
}

/* ------------------------------------------------------------- recovery */

/* Implementation notes. The recovery statistics reuse the loss series of the single-file
 * analysis: a served share series keeps the trials whose share differs from 1 (the intact
 * network's), a time series those whose time differs from 0 (never dropped), an amount series
 * those whose Tbps-days differ from 0. A trial that was never disturbed costs no memory; past
 * max_tail_values stored values in all, every recovery series is given up and the quantiles
 * become NAN while the means stay. Times not restored within the horizon are +inf: they sort
 * last, so a quantile is +inf when more than its share of trials never recovered, and the mean
 * is taken of min(t, horizon), the restricted mean. */

static const double rec_levels[CS_RECOVERY_NQ] = CS_RECOVERY_LEVELS;

/* Running recovery statistics of one file. */
typedef struct {
    const cs_results_info *in;
    double intact;
    size_t np, *steps;       /* [np] grid steps reported */
    series *share;           /* [np] served / intact */
    acc *share_acc, *queue;  /* [np] */
    uint32_t *queue_max;     /* [np] */
    series ttr[3], cap, uns; /* t50, t90, t100; Tbps-days */
    acc ttr_acc[3], cap_acc, uns_acc;
    uint64_t not_restored[3];
    acc *busy;        /* [n_ships] */
    uint64_t *worked; /* [n_ships] */
    acc faults, wait, outage;
    uint64_t n_faults, n_repaired;
    size_t stored, max_stored;
} rec_acc;

/* The grid steps at CS_RECOVERY_TIMES (the last grid time at or before each) and the last one. */
static size_t rec_steps(const cs_results_info *in, size_t *steps)
{
    const double times[CS_RECOVERY_NTIMES] = CS_RECOVERY_TIMES;
    const size_t last = in->n_steps - 1;
    size_t np = 0;
    for (size_t j = 0; j < CS_RECOVERY_NTIMES; j++) {
        if (times[j] > in->time_days[last] + 1e-9) break;
        size_t k = 0;
        while (k < last && in->time_days[k + 1] <= times[j] + 1e-9)
            k++;
        if (np == 0 || steps[np - 1] != k) steps[np++] = k;
    }
    if (np == 0 || steps[np - 1] != last) steps[np++] = last;
    return np;
}

static void rec_acc_destroy(rec_acc *r)
{
    for (size_t j = 0; r->share != NULL && j < r->np; j++)
        free(r->share[j].v);
    for (size_t m = 0; m < 3; m++)
        free(r->ttr[m].v);
    free(r->cap.v);
    free(r->uns.v);
    free(r->steps);
    free(r->share);
    free(r->share_acc);
    free(r->queue);
    free(r->queue_max);
    free(r->busy);
    free(r->worked);
    memset(r, 0, sizeof *r);
}

static cs_status rec_acc_init(rec_acc *r, const cs_results_info *in, size_t max_stored,
                              cs_error *err)
{
    memset(r, 0, sizeof *r);
    if (!in->has_recovery)
        return cs_errorf(err, CS_EINVAL,
                         "%s: no recovery data (/timeseries, /recovery): the scenario has no "
                         "recovery section",
                         in->path);
    if (in->n_steps == 0)
        return cs_errorf(err, CS_EINVAL, "%s: /timeseries/time_days: expected at least 1 step",
                         in->path);
    r->in = in;
    r->max_stored = max_stored;
    for (size_t k = 0; k < in->n_demands; k++)
        r->intact += in->base_served_tbps[k];
    r->steps = calloc(CS_RECOVERY_NTIMES + 1, sizeof *r->steps);
    if (r->steps != NULL) r->np = rec_steps(in, r->steps);
    r->share = calloc(r->np + 1, sizeof *r->share);
    r->share_acc = calloc(r->np + 1, sizeof *r->share_acc);
    r->queue = calloc(r->np + 1, sizeof *r->queue);
    r->queue_max = calloc(r->np + 1, sizeof *r->queue_max);
    r->busy = calloc(in->n_ships + 1, sizeof *r->busy);
    r->worked = calloc(in->n_ships + 1, sizeof *r->worked);
    if (!r->steps || !r->share || !r->share_acc || !r->queue || !r->queue_max || !r->busy ||
        !r->worked) {
        rec_acc_destroy(r);
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", in->path);
    }
    for (size_t j = 0; j < r->np; j++)
        r->share[j].base = 1.0;
    return CS_OK;
}

/* Gives up every recovery series (quantiles become NAN). */
static void rec_drop(rec_acc *r)
{
    for (size_t j = 0; j < r->np; j++)
        series_drop(&r->share[j], &r->stored);
    for (size_t m = 0; m < 3; m++)
        series_drop(&r->ttr[m], &r->stored);
    series_drop(&r->cap, &r->stored);
    series_drop(&r->uns, &r->stored);
}

/* Served share at grid step k of slice row i; 1 when the intact network serves nothing. */
static double rec_share(const rec_acc *r, const cs_recovery_slice *s, size_t i, size_t k)
{
    const double v = s->served_tbps[i * r->in->n_steps + k];
    return r->intact > CS_ANALYSIS_NOISE_TBPS ? v / r->intact : 1.0;
}

static void rec_faults(rec_acc *r, const cs_recovery_slice *s, size_t i)
{
    const uint64_t from = s->fault_off[i], to = s->fault_off[i + 1];
    acc_add(&r->faults, (double)(to - from));
    for (uint64_t f = from; f < to; f++) {
        const cs_rfault *x = &s->faults[f];
        r->n_faults++;
        if (isfinite(x->dispatch_days)) acc_add(&r->wait, x->dispatch_days - x->fail_days);
        if (isfinite(x->end_days)) {
            r->n_repaired++;
            acc_add(&r->outage, x->end_days - x->fail_days);
        }
    }
}

/* Adds slice row i; false when out of memory. */
static bool rec_trial(rec_acc *r, const cs_recovery_slice *s, size_t i)
{
    const cs_results_info *in = r->in;
    bool ok = true;
    for (size_t j = 0; j < r->np; j++) {
        const double share = rec_share(r, s, i, r->steps[j]);
        const uint32_t q = s->queue_length[i * in->n_steps + r->steps[j]];
        ok = ok && series_add(&r->share[j], share, &r->stored);
        acc_add(&r->share_acc[j], share);
        acc_add(&r->queue[j], (double)q);
        if (q > r->queue_max[j]) r->queue_max[j] = q;
    }
    const double t[3] = {s->t50_days[i], s->t90_days[i], s->t100_days[i]};
    for (size_t m = 0; m < 3; m++) {
        ok = ok && series_add(&r->ttr[m], t[m], &r->stored);
        acc_add(&r->ttr_acc[m], fmin(t[m], in->horizon_days));
        r->not_restored[m] += isinf(t[m]) ? 1 : 0;
    }
    ok = ok && series_add(&r->cap, s->capacity_tbps_days[i], &r->stored) &&
         series_add(&r->uns, s->unserved_tbps_days[i], &r->stored);
    acc_add(&r->cap_acc, s->capacity_tbps_days[i]);
    acc_add(&r->uns_acc, s->unserved_tbps_days[i]);
    for (size_t k = 0; k < in->n_ships; k++) {
        const double b = s->ship_busy_days[i * in->n_ships + k];
        acc_add(&r->busy[k], b);
        r->worked[k] += b > 0 ? 1 : 0;
    }
    rec_faults(r, s, i);
    if (r->stored > r->max_stored) rec_drop(r);
    return ok;
}

/* Sorts s and reads the quantiles at levels (NAN when given up); returns the maximum. */
static double rec_quantiles(series *s, double *q)
{
    const uint64_t n = s->m + s->n_base;
    if (s->dropped || n == 0) {
        for (size_t i = 0; i < CS_RECOVERY_NQ; i++)
            q[i] = NAN;
        return NAN;
    }
    if (s->m > 0) qsort(s->v, s->m, sizeof *s->v, cmp_double);
    const size_t below = lower_bound(s->v, s->m, s->base);
    for (size_t i = 0; i < CS_RECOVERY_NQ; i++)
        q[i] = quantile(s, below, n, rec_levels[i]);
    return order_stat(s, below, n);
}

static cs_recovery_amount rec_amount(series *s, const acc *a)
{
    cs_recovery_amount x;
    x.est = estimate(a);
    x.max = rec_quantiles(s, x.q);
    return x;
}

/* Rows per recovery slice that keep it near max_bytes. */
static size_t rec_rows(const cs_results_info *in, size_t max_bytes)
{
    const size_t per = in->n_steps * (sizeof(double) + sizeof(uint32_t)) +
                       in->n_ships * sizeof(double) + 6 * sizeof(double) + 8 * sizeof(cs_rfault);
    size_t rows = max_bytes / per;
    if (rows < 1) rows = 1;
    if (in->trials > 0 && rows > in->trials) rows = (size_t)in->trials;
    return rows;
}

/* The finished statistics of r; NULL when out of memory. */
static cs_recovery_analysis_t *rec_result(rec_acc *r)
{
    const cs_results_info *in = r->in;
    cs_recovery_analysis_t *a = calloc(1, sizeof *a);
    if (a == NULL) return NULL;
    a->points = calloc(r->np + 1, sizeof *a->points);
    a->ships = calloc(in->n_ships + 1, sizeof *a->ships);
    if (a->points == NULL || a->ships == NULL) {
        cs_recovery_analysis_free(a);
        return NULL;
    }
    a->info = in;
    a->n = r->uns_acc.n;
    a->intact_tbps = r->intact;
    a->horizon_days = in->horizon_days;
    a->step_hours = in->step_hours;
    a->n_points = r->np;
    for (size_t j = 0; j < r->np; j++) {
        cs_recovery_point *p = &a->points[j];
        double q[CS_RECOVERY_NQ];
        rec_quantiles(&r->share[j], q);
        p->step = r->steps[j];
        p->time_days = in->time_days[r->steps[j]];
        p->q10 = q[0];
        p->median = q[1];
        p->q90 = q[2];
        p->share = estimate(&r->share_acc[j]);
        p->queue_mean = r->queue[j].n ? r->queue[j].mean : NAN;
        p->queue_max = r->queue_max[j];
    }
    for (size_t m = 0; m < 3; m++) {
        a->ttr[m].censored = estimate_in(&r->ttr_acc[m], 0.0, INFINITY);
        a->ttr[m].available = !r->ttr[m].dropped;
        rec_quantiles(&r->ttr[m], a->ttr[m].q);
        a->ttr[m].not_restored = cs_analysis_wilson(r->not_restored[m], r->ttr_acc[m].n);
    }
    a->capacity_tbps_days = rec_amount(&r->cap, &r->cap_acc);
    a->unserved_tbps_days = rec_amount(&r->uns, &r->uns_acc);
    a->n_ships = in->n_ships;
    for (size_t k = 0; k < in->n_ships; k++) {
        a->ships[k].name = in->ships[k].name;
        a->ships[k].home = in->ships[k].home;
        a->ships[k].busy_days = estimate(&r->busy[k]);
        a->ships[k].worked = cs_analysis_wilson(r->worked[k], r->busy[k].n);
    }
    a->faults = estimate(&r->faults);
    a->repaired = cs_analysis_wilson(r->n_repaired, r->n_faults);
    a->wait_days = estimate_in(&r->wait, 0.0, INFINITY);
    a->outage_days = estimate_in(&r->outage, 0.0, INFINITY);
    return a;
}

cs_status cs_analysis_recovery(cs_recovery_analysis_t **out, cs_resultsio_t *r,
                               const cs_analysis_options *o, cs_error *err)
{
    *out = NULL;
    const cs_analysis_options dflt = CS_ANALYSIS_OPTIONS_INIT;
    if (o == NULL) o = &dflt;
    cs_status rc = check_options(o, err);
    if (rc) return rc;
    const cs_results_info *in = cs_resultsio_info(r);
    rec_acc ra;
    if ((rc = rec_acc_init(&ra, in, o->max_tail_values, err))) return rc;
    cs_recovery_slice s;
    if ((rc = cs_recovery_slice_init(&s, r, rec_rows(in, o->slice_bytes), err))) {
        rec_acc_destroy(&ra);
        return rc;
    }
    for (uint64_t first = 0; rc == CS_OK; first += s.n) {
        if ((rc = cs_resultsio_read_recovery(r, first, &s, err)) || s.n == 0) break;
        for (size_t i = 0; i < s.n && rc == CS_OK; i++)
            if (!rec_trial(&ra, &s, i))
                rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", in->path);
    }
    cs_recovery_slice_destroy(&s);
    if (rc == CS_OK && (*out = rec_result(&ra)) == NULL)
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", in->path);
    rec_acc_destroy(&ra);
    return rc;
}

void cs_recovery_analysis_free(cs_recovery_analysis_t *a)
{
    if (a == NULL) return;
    free(a->points);
    free(a->ships);
    free(a);
}

/* Both with recovery data on the same horizon and grid step. */
static cs_status rec_comparable(const cs_results_info *a, const cs_results_info *b, cs_error *err)
{
    const cs_results_info *no = !a->has_recovery ? a : !b->has_recovery ? b : NULL;
    if (no != NULL)
        return cs_errorf(err, CS_EINVAL,
                         "compare: %s has no recovery data (/timeseries, /recovery): recovery "
                         "needs both files run with a recovery section",
                         no->path);
    if (a->n_steps != b->n_steps || fabs(a->horizon_days - b->horizon_days) > 1e-9 ||
        fabs(a->step_hours - b->step_hours) > 1e-9)
        return cs_errorf(err, CS_EINVAL,
                         "compare: %s has a %g-day horizon in %g-hour steps but %s has %g days in "
                         "%g-hour steps: recovery curves need the same grid",
                         a->path, a->horizon_days, a->step_hours, b->path, b->horizon_days,
                         b->step_hours);
    return CS_OK;
}

typedef struct {
    rec_acc a, b;
    pair_acc ttr[3], cap, uns;
} rec_pair;

/* Adds row i of both slices; false when out of memory. */
static bool rec_pair_trial(rec_pair *p, const cs_recovery_slice *x, const cs_recovery_slice *y,
                           size_t i)
{
    const double ha = p->a.in->horizon_days, hb = p->b.in->horizon_days;
    pair_add(&p->ttr[0], fmin(x->t50_days[i], ha), fmin(y->t50_days[i], hb));
    pair_add(&p->ttr[1], fmin(x->t90_days[i], ha), fmin(y->t90_days[i], hb));
    pair_add(&p->ttr[2], fmin(x->t100_days[i], ha), fmin(y->t100_days[i], hb));
    pair_add(&p->cap, x->capacity_tbps_days[i], y->capacity_tbps_days[i]);
    pair_add(&p->uns, x->unserved_tbps_days[i], y->unserved_tbps_days[i]);
    const bool ok_a = rec_trial(&p->a, x, i), ok_b = rec_trial(&p->b, y, i); /* both, always */
    return ok_a && ok_b;
}

/* Unpaired: the trials of one file into its own accumulators (the a or b side of each). */
static cs_status rec_one_stream(rec_pair *p, cs_resultsio_t *r, bool is_b, size_t slice_bytes,
                                cs_error *err)
{
    rec_acc *ra = is_b ? &p->b : &p->a;
    cs_recovery_slice x;
    cs_status rc = cs_recovery_slice_init(&x, r, rec_rows(ra->in, slice_bytes), err);
    if (rc) return rc;
    const double h = ra->in->horizon_days;
    for (uint64_t first = 0; rc == CS_OK; first += x.n) {
        if ((rc = cs_resultsio_read_recovery(r, first, &x, err)) || x.n == 0) break;
        for (size_t i = 0; i < x.n && rc == CS_OK; i++) {
            const double v[5] = {fmin(x.t50_days[i], h), fmin(x.t90_days[i], h),
                                 fmin(x.t100_days[i], h), x.capacity_tbps_days[i],
                                 x.unserved_tbps_days[i]};
            pair_acc *m[5] = {&p->ttr[0], &p->ttr[1], &p->ttr[2], &p->cap, &p->uns};
            for (size_t k = 0; k < 5; k++)
                acc_add(is_b ? &m[k]->b : &m[k]->a, v[k]);
            if (!rec_trial(ra, &x, i)) rc = cs_errorf(err, CS_ENOMEM, "compare: out of memory");
        }
    }
    cs_recovery_slice_destroy(&x);
    return rc;
}

static cs_status rec_pair_stream(rec_pair *p, cs_resultsio_t *a, cs_resultsio_t *b,
                                 size_t slice_bytes, cs_error *err)
{
    const size_t ra = rec_rows(p->a.in, slice_bytes / 2), rb = rec_rows(p->b.in, slice_bytes / 2);
    cs_recovery_slice x, y;
    cs_status rc = cs_recovery_slice_init(&x, a, ra < rb ? ra : rb, err);
    if (rc) return rc;
    if ((rc = cs_recovery_slice_init(&y, b, ra < rb ? ra : rb, err))) {
        cs_recovery_slice_destroy(&x);
        return rc;
    }
    for (uint64_t first = 0; rc == CS_OK; first += x.n) {
        if ((rc = cs_resultsio_read_recovery(a, first, &x, err)) ||
            (rc = cs_resultsio_read_recovery(b, first, &y, err)) || x.n == 0)
            break;
        for (size_t i = 0; i < x.n && rc == CS_OK; i++)
            if (!rec_pair_trial(p, &x, &y, i))
                rc = cs_errorf(err, CS_ENOMEM, "compare: out of memory");
    }
    cs_recovery_slice_destroy(&x);
    cs_recovery_slice_destroy(&y);
    return rc;
}

cs_status cs_analysis_compare_recovery(cs_recovery_comparison_t **out, cs_resultsio_t *a,
                                       cs_resultsio_t *b, const cs_analysis_options *o,
                                       cs_error *err)
{
    *out = NULL;
    const cs_analysis_options dflt = CS_ANALYSIS_OPTIONS_INIT;
    if (o == NULL) o = &dflt;
    cs_status rc = check_options(o, err);
    if (rc) return rc;
    const cs_results_info *ia = cs_resultsio_info(a), *ib = cs_resultsio_info(b);
    if ((rc = rec_comparable(ia, ib, err))) return rc;
    rec_pair p;
    memset(&p, 0, sizeof p);
    if ((rc = rec_acc_init(&p.a, ia, o->max_tail_values / 2, err))) return rc;
    if ((rc = rec_acc_init(&p.b, ib, o->max_tail_values / 2, err))) {
        rec_acc_destroy(&p.a);
        return rc;
    }
    cs_recovery_comparison_t *c = calloc(1, sizeof *c);
    char basis[256];
    const bool pair = pairing(ia, ib, basis, sizeof basis);
    if (c == NULL)
        rc = cs_errorf(err, CS_ENOMEM, "compare: out of memory");
    else if (pair)
        rc = rec_pair_stream(&p, a, b, o->slice_bytes, err);
    else if ((rc = rec_one_stream(&p, a, false, o->slice_bytes, err)) == CS_OK)
        rc = rec_one_stream(&p, b, true, o->slice_bytes, err);
    if (rc == CS_OK) {
        cs_paired (*f)(const pair_acc *) = pair ? paired : unpaired;
        c->kind = pair ? CS_COMPARE_PAIRED : CS_COMPARE_UNPAIRED;
        c->n = pair ? ia->trials : ia->trials + ib->trials;
        for (size_t m = 0; m < 3; m++)
            c->ttr[m] = f(&p.ttr[m]);
        c->capacity_tbps_days = f(&p.cap);
        c->unserved_tbps_days = f(&p.uns);
        c->a = rec_result(&p.a);
        c->b = rec_result(&p.b);
        if (c->a == NULL || c->b == NULL) rc = cs_errorf(err, CS_ENOMEM, "compare: out of memory");
    }
    rec_acc_destroy(&p.a);
    rec_acc_destroy(&p.b);
    if (rc) {
        cs_recovery_comparison_free(c);
        return rc;
    }
    *out = c;
    return CS_OK;
}

void cs_recovery_comparison_free(cs_recovery_comparison_t *c)
{
    if (c == NULL) return;
    cs_recovery_analysis_free(c->a);
    cs_recovery_analysis_free(c->b);
    free(c);
}
