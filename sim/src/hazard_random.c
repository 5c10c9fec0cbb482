/*
 * hazard_random.c: random_faults, independent segment faults from rates per
 * 1000 km-year (docs/model.md, "Random faults").
 *
 * Each eligible edge e gets a fault rate per year
 *   lambda = L/1000 x (rate_deep x (1 - s) + rate_shallow x s) + shore_end_rate x ends
 * (L its length in km, s its shallow share, ends the number of its ends at
 * landing stations); terrestrial links, when included, get L/1000 x rate_link.
 * The probability that e is down is then, for a window of N days,
 *   P = 1 - exp(-lambda x N/365)           (at least one fault in the window)
 * or, at a random instant (the default),
 *   P = lambda x MTTR / (1 + lambda x MTTR) (steady-state unavailability of an
 * alternating fault/repair process with mean time to repair MTTR, in years).
 * The probabilities do not depend on the trial, so they are computed once.
 *
 * With a time axis (a scenario with `recovery:`, f->horizon_days = H > 0),
 * faults form a Poisson process over the horizon instead: e is down at some
 * time with P = 1 - exp(-lambda x H/365), and its first fault comes at the
 * time T of the process's first event given that there is one, a truncated
 * exponential: T = -ln(1 - u (1 - exp(-lambda H'))) / lambda' (H' the horizon
 * in years, lambda' per day). A segment that is down takes no second fault
 * while it waits for its repair.
 */
#include "hazard_impl.h"

#include <math.h>
#include <stdlib.h>

/* Defaults (docs/model.md gives the sources). */
#define RATE_SHALLOW     0.8  /* faults per 1000 km-year in water shallower than ~1000 m */
#define RATE_DEEP        0.04 /* faults per 1000 km-year in deep water */
#define MEAN_REPAIR_DAYS 21.0
#define RATE_LINK        1.4 /* terrestrial fibre, faults per 1000 km-year */
#define LINK_REPAIR_DAYS 0.25
#define SHORE_KM         25.0 /* shallow allowance per landed end when s is unknown */

typedef struct {
    size_t n;
    size_t *edge; /* [n] eligible edges */
    double *p;    /* [n] probability each is down in a trial */
    double *rate; /* [n] faults per year (for the time axis) */
} random_cfg;

static void random_free(void *cfg)
{
    random_cfg *c = cfg;
    free(c->edge);
    free(c->p);
    free(c->rate);
    free(c);
}

/* With a time axis: two draws per eligible edge (whether, then when), whatever happens. */
static cs_status sample_timed(const random_cfg *c, gsl_rng *rng, cs_failures *f)
{
    const double years = f->horizon_days / 365.0;
    for (size_t i = 0; i < c->n; i++) {
        const double u = gsl_rng_uniform(rng), v = gsl_rng_uniform(rng);
        const double lh = c->rate[i] * years, p = -expm1(-lh);
        if (!(u < p) || f->edge_failed[c->edge[i]]) continue; /* one fault per segment */
        /* Inverse CDF of the first event time given one in [0, H]: F(t) = (1 - e^-lt)/p. */
        f->now = fmin(f->horizon_days, -log1p(-v * p) / lh * f->horizon_days);
        cs_failures_fail_edge(f, c->edge[i]);
    }
    f->now = 0.0;
    return CS_OK;
}

static cs_status random_sample(const void *cfg, const cs_hazard_env *env, gsl_rng *rng,
                               cs_failures *f, cs_error *err)
{
    (void)env;
    (void)err;
    const random_cfg *c = cfg;
    if (f->horizon_days > 0.0) return sample_timed(c, rng, f);
    /* One draw per eligible edge, failed or not, so that the stream's use
     * does not depend on earlier hazards. */
    for (size_t i = 0; i < c->n; i++)
        if (gsl_rng_uniform(rng) < c->p[i]) cs_failures_fail_edge(f, c->edge[i]);
    return CS_OK;
}

typedef struct {
    double rate_shallow, rate_deep, shore_end_rate, shore_km;
    double rate_link, repair_days, link_repair_days, window_days;
    bool instant;
} random_params;

static size_t landed_ends(const cs_topology_t *t, const cs_edge *e)
{
    return (size_t)(cs_topology_node(t, e->from)->kind == CS_NODE_LANDING) +
           (size_t)(cs_topology_node(t, e->to)->kind == CS_NODE_LANDING);
}

/* The edge's fault rate per year. */
static double edge_rate(const cs_topology_t *t, const cs_edge *e, const random_params *rp)
{
    const double L = e->length_km;
    if (e->kind == CS_EDGE_LINK) return L / 1000.0 * rp->rate_link;
    const size_t ends = landed_ends(t, e);
    double s = e->shallow_share;
    if (isnan(s)) s = L > 0.0 ? fmin(1.0, rp->shore_km * (double)ends / L) : 1.0;
    return L / 1000.0 * (rp->rate_deep * (1.0 - s) + rp->rate_shallow * s) +
           rp->shore_end_rate * (double)ends;
}

static double edge_prob(double lambda, double repair_days, const random_params *rp)
{
    if (!rp->instant) return -expm1(-lambda * rp->window_days / 365.0);
    const double x = lambda * repair_days / 365.0;
    return x / (1.0 + x);
}

static cs_status read_params(const cs_hz_ctx *c, random_params *rp, bool *include_links,
                             cs_error *err)
{
    const cs_ydoc_t *d = c->doc;
    const cs_ynode *s = c->spec;
    cs_status rc;
    if ((rc = cs_yget_double(d, s, "rate_shallow", false, 0, 1000, RATE_SHALLOW, &rp->rate_shallow,
                             err)) ||
        (rc = cs_yget_double(d, s, "rate_deep", false, 0, 1000, RATE_DEEP, &rp->rate_deep, err)) ||
        (rc = cs_yget_double(d, s, "shore_end_rate", false, 0, 100, 0.0, &rp->shore_end_rate,
                             err)) ||
        (rc = cs_yget_double(d, s, "shore_km", false, 0, 1000, SHORE_KM, &rp->shore_km, err)) ||
        (rc = cs_yget_double(d, s, "mean_repair_days", false, 0, 3650, MEAN_REPAIR_DAYS,
                             &rp->repair_days, err)) ||
        (rc = cs_yget_bool(d, s, "include_links", false, false, include_links, err)) ||
        (rc = cs_yget_double(d, s, "rate_link", false, 0, 1000, RATE_LINK, &rp->rate_link, err)) ||
        (rc = cs_yget_double(d, s, "link_repair_days", false, 0, 3650, LINK_REPAIR_DAYS,
                             &rp->link_repair_days, err)) ||
        (rc = cs_yget_bool(d, s, "instant", false, true, &rp->instant, err)) ||
        (rc = cs_yget_double(d, s, "window_days", false, 0, 36500, 0.0, &rp->window_days, err)))
        return rc;
    /* A window replaces the default instant; both at once are contradictory. */
    const bool window = cs_hz_present(s, "window_days");
    if (window && cs_hz_present(s, "instant") && rp->instant)
        return cs_hz_conflict(c, s, "window_days", "instant: true", err);
    if (!window && !rp->instant)
        return cs_yerr_missing(d, s, "window_days", "a number of days when instant is false", err);
    if (window) rp->instant = false;
    return CS_OK;
}

cs_status cs_hz_random_parse(cs_hazard_t *h, const cs_hz_ctx *c, cs_error *err)
{
    static const char *const keys[] = {"type",
                                       "rate_shallow",
                                       "rate_deep",
                                       "shore_end_rate",
                                       "shore_km",
                                       "mean_repair_days",
                                       "window_days",
                                       "instant",
                                       "include_links",
                                       "rate_link",
                                       "link_repair_days",
                                       "scope",
                                       NULL};
    cs_status rc = cs_ymap_check_keys(c->doc, c->spec, keys, "hazard random_faults", err);
    if (rc != CS_OK) return rc;
    random_params rp;
    bool links = false;
    if ((rc = read_params(c, &rp, &links, err)) != CS_OK) return rc;
    cs_hz_area scope = {0};
    const bool scoped = cs_hz_present(c->spec, "scope");
    if (scoped &&
        (rc = cs_hz_area_parse(c, cs_ymap_get(c->spec, "scope"), "scope", &scope, err)) != CS_OK)
        return rc;

    const size_t ne = cs_topology_edge_count(c->t);
    random_cfg *cfg = calloc(1, sizeof *cfg);
    if (cfg == NULL || !(cfg->edge = malloc((ne + 1) * sizeof *cfg->edge)) ||
        !(cfg->p = malloc((ne + 1) * sizeof *cfg->p)) ||
        !(cfg->rate = malloc((ne + 1) * sizeof *cfg->rate))) {
        if (cfg) random_free(cfg);
        cs_hz_area_destroy(&scope);
        return cs_errorf(err, CS_ENOMEM, "out of memory for random_faults");
    }
    for (size_t e = 0; e < ne; e++) {
        const cs_edge *ed = cs_topology_edge(c->t, e);
        if (ed->kind == CS_EDGE_LINK && !links) continue;
        if (scoped && !cs_hz_edge_meets_area(ed, &scope)) continue;
        const double repair = ed->kind == CS_EDGE_LINK ? rp.link_repair_days : rp.repair_days;
        cfg->edge[cfg->n] = e;
        cfg->rate[cfg->n] = edge_rate(c->t, ed, &rp);
        cfg->p[cfg->n] = edge_prob(cfg->rate[cfg->n], repair, &rp);
        cfg->n++;
    }
    cs_hz_area_destroy(&scope);
    h->cfg = cfg;
    h->sample = random_sample;
    h->free_cfg = random_free;
    return CS_OK;
}
