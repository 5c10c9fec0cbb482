/*
 * analysis_compare.c: the comparison of two results files (cs_analysis_compare;
 * docs/analysis-cli.md, "compare"): paired trial by trial when they share seed and trial count,
 * else as independent samples; per region, demand and cable of the union of both networks.
 */
#include "cablesim/analysis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_impl.h"

/* Why two files pair or not, into buf; true when they pair (same seed and trial count). */
bool cs_an_pairing(const cs_results_info *a, const cs_results_info *b, char *buf, size_t n)
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
        if (cs_an_find_name(u->rname, u->nr, g->names[r]) == SIZE_MAX) {
            u->rdomestic[u->nr] = g->domestic[r];
            u->rname[u->nr++] = g->names[r];
        }
    for (size_t j = 0; j < in->n_edges; j++) {
        const char *c = in->edges[j].cable;
        if (c[0] != '\0' && cs_an_find_name(u->cname, u->nc, c) == SIZE_MAX) {
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
    /* Demand the intact network cannot serve is left out, as in analyze and the summary
     * (cs_an_counted_demand): a region with none counted has no served fraction or cut-off. */
    for (size_t k = 0; k < in->n_demands; k++) {
        s->reg_demand[g->of_demand[k]] += cs_an_counted_demand(in, k);
        s->demand += cs_an_counted_demand(in, k);
    }
    s->has[M_UNSERVED] = 1;
    s->has[M_FRAC] = s->demand > 0.0;
    s->has[M_ALL_CUT] = in->n_pairs > 0;
    for (size_t r = 0; r < g->n; r++) {
        const size_t m = m_region(s->reg_u[r] = cs_an_find_name(u->rname, u->nr, g->names[r]));
        s->has[m] = s->has[m + 1] = s->reg_demand[r] > 0.0;
        s->has[m + 2] = s->reg_pairs[r] > 0 && s->reg_demand[r] > 0.0;
    }
    for (size_t j = 0; j < in->n_edges; j++) {
        const char *c = in->edges[j].cable;
        s->cable_u[j] = c[0] != '\0' ? cs_an_find_name(u->cname, u->nc, c) : SIZE_MAX;
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
        if (!(cs_an_counted_demand(s->in, k) > 0.0)) continue;
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
    s->v[M_FRAC] = s->demand > 0.0 ? served / s->demand : NAN;
    s->v[M_ALL_CUT] = all;
    for (size_t r = 0; r < nr; r++) {
        const size_t m = m_region(s->reg_u[r]);
        s->v[m] = s->reg_demand[r] > 0.0 ? s->served[r] / s->reg_demand[r] : NAN;
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
                if (sa->has[m] && sb->has[m]) cs_an_pair_add(&c->m[m], sa->v[m], sb->v[m]);
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
                if (s->has[m]) cs_an_acc_add(is_b ? &c->m[m].b : &c->m[m].a, s->v[m]);
        }
    }
    cs_trial_slice_destroy(&x);
    return rc;
}

static void compare_fill(cs_comparison_t *res, const compare_acc *c, const side *sa, const side *sb)
{
    cs_paired (*f)(const pair_acc *) =
        res->kind == CS_COMPARE_PAIRED ? cs_an_paired : cs_an_unpaired;
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
        const size_t ia = cs_an_find_name(sa->g->names, sa->g->n, g->name);
        const size_t ib = cs_an_find_name(sb->g->names, sb->g->n, g->name);
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
    res->kind = cs_an_pairing(ia, ib, res->basis, sizeof res->basis) ? CS_COMPARE_PAIRED
                                                                     : CS_COMPARE_UNPAIRED;
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
    cs_status rc = cs_an_check_options(o, err);
    if (rc) return rc;
    const cs_results_info *ia = cs_resultsio_info(a), *ib = cs_resultsio_info(b);
    grouping ga, gb;
    memset(&gb, 0, sizeof gb);
    if ((rc = cs_an_group_regions(&ga, ia, err))) return rc;
    if ((rc = cs_an_group_regions(&gb, ib, err))) {
        cs_an_grouping_destroy(&ga);
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
    cs_an_grouping_destroy(&ga);
    cs_an_grouping_destroy(&gb);
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
