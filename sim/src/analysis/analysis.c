/*
 * analysis.c: statistics of one results file (cs_analysis_run; docs/analysis-cli.md), and the
 * grouping of demands into regions that the comparison shares (analysis_impl.h). The other
 * parts: analysis_stats.c (estimates, loss series, paired differences), analysis_compare.c
 * (two files), analysis_recovery.c (recovery over time).
 *
 * Implementation notes. One pass over the trials, a slice at a time, feeds Welford
 * accumulators (mean and sum of squared deviations, numerically stable in one pass), counters
 * for proportions, and the loss series behind quantiles (analysis_stats.c).
 */
#include "cablesim/analysis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_impl.h"
#include "cablesim/topology.h"

/* Label of demands between two foreign cities (none in the bundled demand). */
#define TRANSIT "transit"
/* A demand served less than in the intact network by more than this (Tbps) lost traffic. */
#define LOSS_EPS 1e-9

/* -------------------------------------------------------------- regions */

void cs_an_grouping_destroy(grouping *g)
{
    free(g->names);
    free(g->domestic);
    free(g->of_demand);
    free(g->of_pair);
    memset(g, 0, sizeof *g);
}

static const char *demand_region(const cs_results_info *in, size_t k)
{
    const cs_rdemand *d = &in->demands[k];
    const bool a = cs_rnode_is_japan(&in->nodes[d->origin]),
               b = cs_rnode_is_japan(&in->nodes[d->destination]);
    if (a && b) return CS_REGION_JAPAN;
    if (!a && !b) return TRANSIT;
    return a ? in->nodes[d->destination].region : in->nodes[d->origin].region;
}

double cs_an_counted_demand(const cs_results_info *in, size_t k)
{
    return in->base_served_tbps[k] > 0.0 ? in->demands[k].demand_scaled_tbps : 0.0;
}

size_t cs_an_find_name(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0) return i;
    return SIZE_MAX;
}

cs_status cs_an_group_regions(grouping *g, const cs_results_info *in, cs_error *err)
{
    memset(g, 0, sizeof *g);
    g->names = malloc((in->n_demands + 1) * sizeof *g->names);
    g->domestic = malloc((in->n_demands + 1) * sizeof *g->domestic);
    g->of_demand = malloc((in->n_demands + 1) * sizeof *g->of_demand);
    g->of_pair = malloc((in->n_pairs + 1) * sizeof *g->of_pair);
    if (!g->names || !g->domestic || !g->of_demand || !g->of_pair) {
        cs_an_grouping_destroy(g);
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory for the regions", in->path);
    }
    for (size_t k = 0; k < in->n_demands; k++) {
        const char *name = demand_region(in, k);
        size_t r = cs_an_find_name(g->names, g->n, name);
        if (r == SIZE_MAX) {
            r = g->n++;
            g->names[r] = name;
            g->domestic[r] = strcmp(name, CS_REGION_JAPAN) == 0;
        }
        g->of_demand[k] = r;
    }
    for (size_t p = 0; p < in->n_pairs; p++)
        g->of_pair[p] = cs_an_find_name(g->names, g->n, in->pairs[p].region);
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
    uint64_t *reg_all, *reg_any, *reg_loss; /* reg_loss: trials with a loss in the region */
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
    const unsigned char *jsys; /* [ne] a segment of a cable system with a landing in Japan */
    acc jsys_lost;             /* capacity of those edges down per trial */
    uint64_t n_loss, fhash;    /* trials with a loss; the failure-set hash of trial 0 */
    bool varied;               /* some trial's failure set differs from the first one's */
    unsigned char *reg_all_cut, *reg_any_cut;
    double demand_total; /* sum of the demand counted (cs_an_counted_demand) */
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
    void *more[] = {p->reg_loss, p->reg_lnum, p->reg_lden, p->reg_base_lat, p->reg_ladd,
                    p->reg_lmax, p->reg_hcol, p->reg_h,    p->reg_hmin};
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
    p->reg_loss = zalloc(p, nr, sizeof(uint64_t));
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
        p->demand_total += cs_an_counted_demand(in, k);
        p->dem_s[k].base = in->demands[k].demand_scaled_tbps - in->base_served_tbps[k];
        p->reg_demand[g->of_demand[k]] += cs_an_counted_demand(in, k);
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
        cs_an_series_drop(&p->dem_s[k], &p->stored);
    if (p->stored <= p->max_stored) return;
    for (size_t r = 0; r < p->nr; r++)
        cs_an_series_drop(&p->reg_s[r], &p->stored);
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
        cs_an_acc_add(&p->dem_f[k], served[k] / d->demand_scaled_tbps);
        cs_an_acc_add(&p->dem_u[k], d->demand_scaled_tbps - served[k]);
        ok = ok && cs_an_series_add(&p->dem_s[k], d->demand_scaled_tbps - served[k], &p->stored);
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
            cs_an_acc_add(&p->reg_ladd[r], add);
            p->reg_lmax[r] = fmax(p->reg_lmax[r], add);
        }
        const size_t hc = p->reg_hcol[r];
        const double h =
            hc != SIZE_MAX ? s->region_headroom_tbps[i * p->in->n_regions + hc] : (double)NAN;
        if (isfinite(h)) {
            cs_an_acc_add(&p->reg_h[r], h);
            p->reg_hmin[r] = fmin(p->reg_hmin[r], h);
        }
        const double u = p->reg_demand[r] - p->reg_served[r];
        cs_an_acc_add(&p->reg_u[r], u);
        p->reg_loss[r] += u > p->reg_s[r].base + CS_ANALYSIS_NOISE_TBPS;
        /* (none for a region the intact network serves nothing of: its fraction is NaN) */
        if (p->reg_demand[r] > 0.0)
            cs_an_acc_add(&p->reg_f[r], p->reg_served[r] / p->reg_demand[r]);
        ok = ok && cs_an_series_add(&p->reg_s[r], u, &p->stored);
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
    double lost = 0.0, jlost = 0.0;
    uint64_t h = 0x9E3779B97F4A7C15u * (p->n_down + 1);
    for (size_t k = 0; k < p->n_down; k++) {
        lost += p->cap[p->down_list[k]];
        if (p->jsys[p->down_list[k]]) jlost += p->cap[p->down_list[k]];
        uint64_t z = (p->down_list[k] + 0x9E3779B97F4A7C15u) * 0xBF58476D1CE4E5B9u;
        h += z ^ (z >> 29); /* order-independent */
    }
    cs_an_acc_add(&p->cap_lost, lost);
    cs_an_acc_add(&p->jsys_lost, jlost);
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
        cs_an_acc_add(&p->c_edge[j].unserved, unserved);
        p->c_edge[j].loss_sum += loss;
        if (c != SIZE_MAX && p->cable_failed[c] == 1) {
            p->cable_failed[c] = 2; /* counted; back to 1 below */
            cs_an_acc_add(&p->c_cable[c].unserved, unserved);
            p->c_cable[c].loss_sum += loss;
        }
    }
    for (size_t k = 0; k < p->n_down; k++) {
        const size_t c = p->cable_of_edge[p->down_list[k]];
        if (c != SIZE_MAX) p->cable_failed[c] = 1;
    }
    for (uint64_t k = s->node_off[i]; k < s->node_off[i + 1]; k++) {
        const size_t v = s->failed_nodes[k];
        cs_an_acc_add(&p->c_node[v].unserved, unserved);
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
        if (up) cs_an_acc_add(&f->up, flow[j]);
        if (up && disturbed) cs_an_acc_add(&f->disturbed, flow[j]);
        f->saturated += sat;
        const size_t c = p->cable_of_edge[j];
        if (c == SIZE_MAX) continue;
        p->cflow[c] = fmax(p->cflow[c], flow[j]);
        p->cable_down[c] |= !up;
        p->cable_sat[c] |= sat;
    }
    for (size_t c = 0; c < p->nc; c++) {
        flow_acc *f = &p->f_cable[c];
        if (!p->cable_down[c]) cs_an_acc_add(&f->up, p->cflow[c]);
        if (!p->cable_down[c] && disturbed) cs_an_acc_add(&f->disturbed, p->cflow[c]);
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
    cs_an_acc_add(&p->total_u, u);
    p->n_loss += u > p->in->base_unserved_tbps + CS_ANALYSIS_NOISE_TBPS;
    double served = 0.0;
    for (size_t k = 0; k < p->nd; k++)
        served += s->served_tbps[i * p->nd + k];
    cs_an_acc_add(&p->total_f, p->demand_total > 0 ? served / p->demand_total : NAN);
    p->loss_total += u - p->in->base_unserved_tbps;
    bool ok = cs_an_series_add(&p->total, u, &p->stored);
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
    r.unserved = cs_an_estimate(&c->unserved);
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
    r.flow_up = cs_an_estimate(&f->up);
    r.flow_disturbed = cs_an_estimate(&f->disturbed);
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
        g->served_frac = cs_an_estimate_in(&p->reg_f[r], 0.0, 1.0);
        g->unserved_tbps = cs_an_estimate_in(&p->reg_u[r], 0.0, p->reg_demand[r]);
        g->has_headroom = p->reg_h[r].n > 0;
        g->headroom_tbps = cs_an_estimate_in(&p->reg_h[r], 0.0, INFINITY);
        g->headroom_min_tbps = g->has_headroom ? p->reg_hmin[r] : NAN;
        g->tail = cs_an_series_tail(&p->reg_s[r]);
        g->precision = cs_an_precision(&g->unserved_tbps, a->precision_target);
        g->n_loss = p->reg_loss[r];
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
        const double s0 = g->base_served_tbps, d0 = g->demand_tbps;
        g->unserved_stated =
            cs_analysis_figure_interval(a->varied, g->n_loss, &g->unserved_tbps, d0 - s0, s0);
        g->served_stated =
            cs_analysis_served_interval(&g->unserved_stated, &g->served_frac, s0, d0);
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
        d->served_frac = cs_an_estimate_in(&p->dem_f[k], 0.0, 1.0);
        d->unserved_tbps =
            cs_an_estimate_in(&p->dem_u[k], 0.0, p->in->demands[k].demand_scaled_tbps);
        d->tail = cs_an_series_tail(&p->dem_s[k]);
        d->loss = cs_analysis_wilson(p->dem_loss[k], a->n);
        const double s0 = d->base_served_tbps, d0 = in->demands[k].demand_scaled_tbps;
        d->unserved_stated =
            cs_analysis_figure_interval(a->varied, d->loss.k, &d->unserved_tbps, d0 - s0, s0);
        d->served_stated =
            cs_analysis_served_interval(&d->unserved_stated, &d->served_frac, s0, d0);
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
        size_t i = cs_an_find_name(names, nc, c);
        if (i == SIZE_MAX) {
            i = nc++;
            names[i] = c;
            full[i] = in->edges[j].cable_name;
        }
        cable_of_edge[j] = i;
    }
    return nc;
}

cs_status cs_an_check_options(const cs_analysis_options *o, cs_error *err)
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
    cs_status rc = cs_an_check_options(o, err);
    if (rc) return rc;
    const cs_results_info *in = cs_resultsio_info(r);
    cs_analysis_t *a = calloc(1, sizeof *a);
    grouping g;
    if (a == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", in->path);
    a->info = in;
    a->precision_target = o->precision;
    a->n = in->trials;
    if ((rc = cs_an_group_regions(&g, in, err))) {
        free(a);
        return rc;
    }
    const char **names = calloc(in->n_edges + 1, sizeof *names);
    const char **full = calloc(in->n_edges + 1, sizeof *full);
    size_t *segs = calloc(in->n_edges + 1, sizeof *segs);
    double *cap = calloc(in->n_edges + 1, sizeof *cap),
           *ccap = calloc(in->n_edges + 1, sizeof *ccap);
    unsigned char *jsys = calloc(in->n_edges + 1, 1), *cjp = calloc(in->n_edges + 1, 1);
    pass p;
    bool have_pass = false;
    if (!alloc_result(a, in, g.n) || !names || !full || !segs || !cap || !ccap || !jsys || !cjp) {
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
        if (cs_rnode_is_japan(&in->nodes[in->edges[j].from]) ||
            cs_rnode_is_japan(&in->nodes[in->edges[j].to]))
            cjp[coe[j]] = 1; /* the system lands in Japan */
    }
    for (size_t j = 0; j < in->n_edges; j++) {
        jsys[j] = coe[j] != SIZE_MAX && cjp[coe[j]];
        if (jsys[j]) a->japan_systems_capacity_tbps += cap[j];
    }
    for (size_t c = 0; c < a->n_cables; c++) {
        a->cables[c].name = names[c];
        a->cables[c].full_name = full[c];
    }
    if ((rc = pass_init(&p, in, &g, coe, a->n_cables, cap, o->max_tail_values, err))) goto done;
    have_pass = true;
    p.jsys = jsys;
    if ((rc = stream(&p, r, o->slice_bytes, err))) goto done;
    a->n_disturbed = p.disturbed;
    a->demand_tails = in->n_demands == 0 || !p.dem_s[0].dropped;
    a->region_tails = g.n == 0 || !p.reg_s[0].dropped;
    double demand = 0.0, left_out = 0.0;
    for (size_t k = 0; k < in->n_demands; k++) {
        const double c = cs_an_counted_demand(in, k);
        demand += c;
        left_out += in->demands[k].demand_scaled_tbps - c;
    }
    a->demand_tbps = demand;
    a->unreachable_tbps = left_out;
    a->unserved_tbps = cs_an_estimate_in(&p.total_u, 0.0, demand);
    a->unserved_share = demand > 0.0 ? a->unserved_tbps.mean / demand : (double)NAN;
    a->served_frac = cs_an_estimate_in(&p.total_f, 0.0, 1.0);
    a->capacity_lost_tbps = cs_an_estimate_in(&p.cap_lost, 0.0, INFINITY);
    a->japan_systems_capacity_lost_tbps =
        cs_an_estimate_in(&p.jsys_lost, 0.0, a->japan_systems_capacity_tbps);
    a->n_loss = p.n_loss;
    a->varied = p.varied;
    a->tail = cs_an_series_tail(&p.total);
    a->precision = cs_an_precision(&a->unserved_tbps, o->precision);
    a->all_cut = cs_analysis_wilson(p.all_cut, in->n_pairs ? a->n : 0);
    const double u0 = in->base_unserved_tbps;
    a->unserved_stated =
        cs_analysis_loss_interval(a->varied, a->n_loss, &a->unserved_tbps, u0, demand - u0);
    double s0 = 0.0; /* served by the intact network */
    for (size_t k = 0; k < in->n_demands; k++)
        s0 += in->base_served_tbps[k];
    a->served_stated =
        cs_analysis_served_interval(&a->unserved_stated, &a->served_frac, s0, demand);
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
    cs_an_grouping_destroy(&g);
    free(names);
    free(full);
    free(segs);
    free(cap);
    free(ccap);
    free(jsys);
    free(cjp);
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
