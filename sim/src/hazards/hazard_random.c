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
 *
 * Where a fault is. Along the drawn route the rate has a density: rate_shallow
 * per km on the shelf of each landed end (its first W km, cs_cutsite_shelves:
 * the shallow share s of the route, shared among the landed ends), rate_deep
 * per km elsewhere (a route with no landed end has the mean
 * density throughout), a regional rate where the route runs through a
 * `regional_rates` area (per piece of at most PIECE_KM), and the
 * shore_end_rate as a point at each landed end. A fault is placed by the
 * inverse of that distribution, from the uniform u that decided it: given
 * u < P, u / P is uniform in (0, 1) and independent of the decision, so
 * placing costs no draw and leaves every other draw where it was.
 */
#include "hazards/hazard_impl.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "cablesim/cutsite.h"

/* Defaults (docs/model.md gives the sources). */
#define RATE_SHALLOW     0.8  /* faults per 1000 km-year in water shallower than ~1000 m */
#define RATE_DEEP        0.04 /* faults per 1000 km-year in deep water */
#define MEAN_REPAIR_DAYS 21.0
#define RATE_LINK        1.4 /* terrestrial fibre, faults per 1000 km-year */
#define LINK_REPAIR_DAYS 0.25
#define SHORE_KM         25.0 /* shallow allowance per landed end when s is unknown */
/* Pieces of a route with one rate are at most this long, km (drawn). */
#define PIECE_KM 5.0

/* A region with its own rates. */
typedef struct {
    cs_hz_area area;
    double rate_shallow, rate_deep;
} rate_region;

typedef struct {
    size_t n;
    size_t *edge; /* [n] eligible edges */
    double *p;    /* [n] probability each is down in a trial */
    double *rate; /* [n] faults per year (for the time axis) */
    /* Where faults fall: edge i's pieces are piece_off[i] .. piece_off[i + 1]; piece k spans
     * arc lengths [piece_s0[k], piece_s1[k]] of the drawn route and holds the cumulative rate
     * cum[k] (faults per year, counted from the edge's shore-end points, shore[i]). */
    size_t *piece_off;
    double *piece_s0, *piece_s1, *cum;
    double *shore;               /* [n] faults per year at the landed ends (point masses) */
    unsigned char *start_landed; /* [n] the route's first point is at a landing station */
    unsigned char *end_landed;   /* [n] its last point is */
    cs_cutsite_geom *geom;       /* [n] its route's length and what the depth of a cut needs */
} random_cfg;

static void random_free(void *cfg)
{
    random_cfg *c = cfg;
    free(c->edge);
    free(c->p);
    free(c->rate);
    free(c->piece_off);
    free(c->piece_s0);
    free(c->piece_s1);
    free(c->cum);
    free(c->shore);
    free(c->start_landed);
    free(c->end_landed);
    free(c->geom);
    free(c);
}

/* The arc length along eligible edge i's route of a fault at quantile w of
 * where its faults fall (w uniform in [0, 1)). */
static double fault_position(const random_cfg *c, size_t i, double w, double route_km)
{
    const size_t lo = c->piece_off[i], hi = c->piece_off[i + 1];
    const double total = hi > lo ? c->cum[hi - 1] : c->shore[i];
    const double x = w * total;
    if (x < c->shore[i] || hi == lo) {
        /* a shore-end fault: at the first landed end, or the second for the upper half */
        const bool both = c->start_landed[i] && c->end_landed[i];
        const bool at_end = !c->start_landed[i] || (both && x >= c->shore[i] / 2.0);
        return at_end ? route_km : 0.0;
    }
    size_t a = lo, b = hi - 1; /* the first piece whose cumulative rate exceeds x */
    while (a < b) {
        const size_t m = a + (b - a) / 2;
        if (c->cum[m] > x)
            b = m;
        else
            a = m + 1;
    }
    const double before = a > lo ? c->cum[a - 1] : c->shore[i];
    const double in = c->cum[a] - before;
    const double frac = in > 0.0 ? fmin(1.0, fmax(0.0, (x - before) / in)) : 0.5;
    return c->piece_s0[a] + frac * (c->piece_s1[a] - c->piece_s0[a]);
}

/* Cuts eligible edge i at quantile w of where its faults fall. */
static cs_status place_fault(const random_cfg *c, const cs_topology_t *t, size_t i, double w,
                             cs_failures *f, cs_error *err)
{
    const size_t e = c->edge[i];
    const cs_cutsite_geom *g = &c->geom[i];
    const double s = fault_position(c, i, w, g->route_km);
    return cs_failures_cut_edge(f, e, cs_cutsite_point(cs_topology_edge(t, e), s),
                                cs_cutsite_geom_depth(g, s), err);
}

/*
 * With a time axis: two draws per eligible edge (whether, then when), whatever happens. q (NULL:
 * the model's probabilities) and x (NULL: not recorded) as in random_tilted().
 */
static cs_status sample_timed(const random_cfg *c, const cs_topology_t *t, gsl_rng *rng,
                              const double *q, unsigned char *x, cs_failures *f, cs_error *err)
{
    const double years = f->horizon_days / 365.0;
    for (size_t i = 0; i < c->n; i++) {
        const double u = gsl_rng_uniform(rng), v = gsl_rng_uniform(rng);
        const double lh = c->rate[i] * years, p = -expm1(-lh);
        const double qi = q != NULL ? q[i] : p;
        if (x != NULL) x[i] = u < qi;
        if (!(u < qi) || f->edge_failed[c->edge[i]]) continue; /* one fault per segment */
        /* Inverse CDF of the first event time given one in [0, H]: F(t) = (1 - e^-lt)/p. */
        f->now = fmin(f->horizon_days, -log1p(-v * p) / lh * f->horizon_days);
        const cs_status rc = place_fault(c, t, i, u / qi, f, err);
        if (rc != CS_OK) return rc;
    }
    f->now = 0.0;
    return CS_OK;
}

/*
 * One draw per eligible edge, failed or not, so that the stream's use does not depend on earlier
 * hazards; an edge already failed by an earlier hazard takes no second fault here. Draw i decides
 * a failure with probability q[i] (the model's p[i] when q is NULL: importance sampling tilts it,
 * docs/rare-events.md) and its outcome goes to x[i] (unless NULL). Given a failure, u / q[i] is
 * uniform in (0, 1) whatever q[i] is, so the place of a fault keeps its distribution.
 */
static cs_status random_tilted(const void *cfg, const cs_hazard_env *env, gsl_rng *rng,
                               const double *q, unsigned char *x, cs_failures *f, cs_error *err)
{
    const random_cfg *c = cfg;
    if (f->horizon_days > 0.0) return sample_timed(c, env->topology, rng, q, x, f, err);
    if (q == NULL) q = c->p;
    for (size_t i = 0; i < c->n; i++) {
        const double u = gsl_rng_uniform(rng);
        if (x != NULL) x[i] = u < q[i];
        if (!(u < q[i]) || f->edge_failed[c->edge[i]]) continue;
        const cs_status rc = place_fault(c, env->topology, i, u / q[i], f, err);
        if (rc != CS_OK) return rc;
    }
    return CS_OK;
}

static cs_status random_sample(const void *cfg, void *ws, const cs_hazard_env *env, gsl_rng *rng,
                               cs_failures *f, cs_error *err)
{
    (void)ws;
    return random_tilted(cfg, env, rng, NULL, NULL, f, err);
}

/* The probability that each eligible edge fails in a trial (horizon_days > 0: a time axis). */
static void random_probs(const void *cfg, double horizon_days, double *p)
{
    const random_cfg *c = cfg;
    for (size_t i = 0; i < c->n; i++)
        p[i] = horizon_days > 0.0 ? -expm1(-c->rate[i] * (horizon_days / 365.0)) : c->p[i];
}

typedef struct {
    double rate_shallow, rate_deep, shore_end_rate, shore_km;
    double rate_link, repair_days, link_repair_days, window_days;
    bool instant;
    size_t n_regions;
    rate_region *regions;
} random_params;

static bool node_landed(const cs_topology_t *t, size_t v)
{
    return cs_topology_node(t, v)->kind == CS_NODE_LANDING;
}

static size_t landed_ends(const cs_topology_t *t, const cs_edge *e)
{
    return (size_t)node_landed(t, e->from) + (size_t)node_landed(t, e->to);
}

/* The edge's shallow share s. */
static double shallow_share(const cs_topology_t *t, const cs_edge *e, const random_params *rp)
{
    const double L = e->length_km;
    double s = e->shallow_share;
    if (isnan(s)) s = L > 0.0 ? fmin(1.0, rp->shore_km * (double)landed_ends(t, e) / L) : 1.0;
    return s;
}

/* The edge's fault rate per year without regional rates. */
static double edge_rate(const cs_topology_t *t, const cs_edge *e, const random_params *rp)
{
    const double L = e->length_km;
    if (e->kind == CS_EDGE_LINK) return L / 1000.0 * rp->rate_link;
    const double s = shallow_share(t, e, rp);
    return L / 1000.0 * (rp->rate_deep * (1.0 - s) + rp->rate_shallow * s) +
           rp->shore_end_rate * (double)landed_ends(t, e);
}

static double edge_prob(double lambda, double repair_days, const random_params *rp)
{
    if (!rp->instant) return -expm1(-lambda * rp->window_days / 365.0);
    const double x = lambda * repair_days / 365.0;
    return x / (1.0 + x);
}

/* Whether the route's first point is at the edge's `from` node. */
static bool route_forward(const cs_topology_t *t, const cs_edge *e)
{
    return cs_geo_distance_km(e->pts[0], cs_topology_node(t, e->from)->pos) <=
           cs_geo_distance_km(e->pts[0], cs_topology_node(t, e->to)->pos);
}

/*
 * Lays the pieces of an edge (ed) from arc length a to b at k, each at most
 * PIECE_KM long, with base density `rate` (faults per year per drawn km),
 * adding to the running cumulative rate *acc. A piece whose midpoint lies in
 * one of rp's regions (the first that holds it) takes that region's rates
 * instead, mixed with weight w_shallow on the shallow one (w_shallow < 0:
 * no regional rates, for links). Returns the number of pieces written.
 */
static size_t lay_pieces(random_cfg *c, size_t k, const cs_edge *ed, double a, double b,
                         double rate, double w_shallow, double per_km, const random_params *rp,
                         double *acc)
{
    if (!(b > a)) return 0;
    const size_t m = (size_t)ceil((b - a) / PIECE_KM - 1e-9);
    for (size_t j = 0; j < m; j++) {
        const double s0 = a + (b - a) * (double)j / (double)m;
        const double s1 = j + 1 == m ? b : a + (b - a) * (double)(j + 1) / (double)m;
        double r = rate;
        const cs_lonlat mid = cs_cutsite_point(ed, (s0 + s1) / 2.0);
        for (size_t g = 0; g < rp->n_regions && w_shallow >= 0.0; g++)
            if (cs_hz_area_contains(&rp->regions[g].area, mid)) {
                const rate_region *rg = &rp->regions[g];
                r = (rg->rate_shallow * w_shallow + rg->rate_deep * (1.0 - w_shallow)) * per_km;
                break;
            }
        *acc += r * (s1 - s0);
        c->piece_s0[k + j] = s0;
        c->piece_s1[k + j] = s1;
        c->cum[k + j] = *acc;
    }
    return m;
}

/* Pieces an edge of drawn length L needs at most. */
static size_t max_pieces(double L)
{
    return (size_t)ceil(L / PIECE_KM) + 3;
}

/*
 * Sets eligible edge i's pieces (from c->piece_off[i]) and returns its fault
 * rate per year: edge_rate() when no regional rate applies anywhere on it
 * (so that the probabilities are those of the formula to the last bit), else
 * the sum over its pieces and shore ends.
 */
static double edge_pieces(random_cfg *c, size_t i, const cs_topology_t *t, size_t e,
                          const random_params *rp)
{
    const cs_edge *ed = cs_topology_edge(t, e);
    const double L = cs_cutsite_route_km(ed);
    const bool fwd = route_forward(t, ed);
    const bool a_landed = node_landed(t, fwd ? ed->from : ed->to);
    const bool b_landed = node_landed(t, fwd ? ed->to : ed->from);
    c->start_landed[i] = a_landed;
    c->end_landed[i] = b_landed;
    const size_t ends = (size_t)a_landed + (size_t)b_landed;
    const bool link = ed->kind == CS_EDGE_LINK;
    c->shore[i] = link ? 0.0 : rp->shore_end_rate * (double)ends;
    /* rates per year per drawn km: the file's length may be scaled from the drawn one */
    const double per_km = L > 0.0 ? ed->length_km / L / 1000.0 : 0.0;
    const double s = link ? 0.0 : shallow_share(t, ed, rp);
    double acc = c->shore[i];
    size_t k = c->piece_off[i];
    if (link) {
        k += lay_pieces(c, k, ed, 0.0, L, rp->rate_link * per_km, -1.0, per_km, rp, &acc);
    } else if (ends == 0) {
        /* no landing to measure the shelf from: the mean density throughout */
        const double mean = (rp->rate_shallow * s + rp->rate_deep * (1.0 - s)) * per_km;
        k += lay_pieces(c, k, ed, 0.0, L, mean, s, per_km, rp, &acc);
    } else {
        double wa, wb;
        cs_cutsite_shelves(t, e, s, rp->shore_km, &wa, &wb);
        const double a = wa, b = L - wb;
        const double rs = rp->rate_shallow * per_km, rd = rp->rate_deep * per_km;
        if (a_landed) k += lay_pieces(c, k, ed, 0.0, a, rs, 1.0, per_km, rp, &acc);
        k += lay_pieces(c, k, ed, a, b, rd, 0.0, per_km, rp, &acc);
        if (b_landed) k += lay_pieces(c, k, ed, b, L, rs, 1.0, per_km, rp, &acc);
    }
    c->piece_off[i + 1] = k;
    bool regional = false;
    for (size_t g = 0; g < rp->n_regions && !link && !regional; g++)
        regional = cs_hz_edge_meets_area(ed, &rp->regions[g].area);
    return regional ? acc : edge_rate(t, ed, rp);
}

/* Reads `regional_rates`: a list of maps {region, rate_shallow, rate_deep}; a
 * rate not given is the hazard's own. */
static cs_status read_regions(const cs_hz_ctx *c, random_params *rp, cs_error *err)
{
    static const char *const keys[] = {"region", "rate_shallow", "rate_deep", NULL};
    const cs_ydoc_t *d = c->doc;
    const cs_ynode *list = cs_ymap_get(c->spec, "regional_rates");
    if (list == NULL || cs_ynode_is_null(list)) return CS_OK;
    if (list->kind != CS_YSEQ)
        return cs_yerr(d, list, "regional_rates",
                       "a list of maps with `region`, `rate_shallow` and `rate_deep`", err);
    rp->regions = calloc(list->n + 1, sizeof *rp->regions);
    if (rp->regions == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for regional_rates");
    for (size_t i = 0; i < list->n; i++) {
        const cs_ynode *m = list->items[i];
        if (m->kind != CS_YMAP)
            return cs_yerr(d, m, "regional_rates", "a map with `region` and rates", err);
        cs_status rc = cs_ymap_check_keys(d, m, keys, "regional_rates entry", err);
        if (rc != CS_OK) return rc;
        rate_region *g = &rp->regions[rp->n_regions];
        if (!cs_hz_present(m, "region"))
            return cs_yerr_missing(d, m, "region", "a region name or a polygon", err);
        if ((rc = cs_hz_area_parse(c, cs_ymap_get(m, "region"), "region", &g->area, err)))
            return rc;
        rp->n_regions++;
        if ((rc = cs_yget_double(d, m, "rate_shallow", false, 0, 1000, rp->rate_shallow,
                                 &g->rate_shallow, err)) ||
            (rc = cs_yget_double(d, m, "rate_deep", false, 0, 1000, rp->rate_deep, &g->rate_deep,
                                 err)))
            return rc;
    }
    return CS_OK;
}

static cs_status read_params(const cs_hz_ctx *c, random_params *rp, bool *include_links,
                             cs_error *err)
{
    const cs_ydoc_t *d = c->doc;
    const cs_ynode *s = c->spec;
    const bool window = cs_hz_present(s, "window_days");
    rp->window_days = 0.0;
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
        /* A window replaces the default instant (so the default of instant is false with a
         * window, and window_days has none: the resolved scenario then names only one). */
        (rc = cs_yget_bool(d, s, "instant", false, !window, &rp->instant, err)) ||
        (window &&
         (rc = cs_yget_double(d, s, "window_days", true, 0, 36500, 0.0, &rp->window_days, err))) ||
        (rc = read_regions(c, rp, err)))
        return rc;
    /* Both at once are contradictory. */
    if (window && cs_hz_present(s, "instant") && rp->instant)
        return cs_hz_conflict(c, s, "window_days", "instant: true", err);
    if (!window && !rp->instant)
        return cs_yerr_missing(d, s, "window_days", "a number of days when instant is false", err);
    if (window) rp->instant = false;
    return CS_OK;
}

static void params_destroy(random_params *rp)
{
    for (size_t g = 0; g < rp->n_regions; g++)
        cs_hz_area_destroy(&rp->regions[g].area);
    free(rp->regions);
}

/* Allocates c for up to ne eligible edges and `pieces` pieces. */
static random_cfg *cfg_alloc(size_t ne, size_t pieces)
{
    random_cfg *c = calloc(1, sizeof *c);
    if (c == NULL) return NULL;
    c->edge = malloc((ne + 1) * sizeof *c->edge);
    c->p = malloc((ne + 1) * sizeof *c->p);
    c->rate = malloc((ne + 1) * sizeof *c->rate);
    c->piece_off = malloc((ne + 2) * sizeof *c->piece_off);
    c->shore = malloc((ne + 1) * sizeof *c->shore);
    c->start_landed = malloc(ne + 1);
    c->end_landed = malloc(ne + 1);
    c->geom = malloc((ne + 1) * sizeof *c->geom);
    c->piece_s0 = malloc((pieces + 1) * sizeof *c->piece_s0);
    c->piece_s1 = malloc((pieces + 1) * sizeof *c->piece_s1);
    c->cum = malloc((pieces + 1) * sizeof *c->cum);
    if (!c->edge || !c->p || !c->rate || !c->piece_off || !c->shore || !c->start_landed ||
        !c->end_landed || !c->geom || !c->piece_s0 || !c->piece_s1 || !c->cum) {
        random_free(c);
        return NULL;
    }
    c->piece_off[0] = 0;
    return c;
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
                                       "regional_rates",
                                       NULL};
    cs_status rc = cs_ymap_check_keys(c->doc, c->spec, keys, "hazard random_faults", err);
    if (rc != CS_OK) return rc;
    random_params rp = {0};
    bool links = false;
    cs_hz_area scope = {0};
    random_cfg *cfg = NULL;
    if ((rc = read_params(c, &rp, &links, err)) != CS_OK) goto fail;
    const bool scoped = cs_hz_present(c->spec, "scope");
    if (scoped &&
        (rc = cs_hz_area_parse(c, cs_ymap_get(c->spec, "scope"), "scope", &scope, err)) != CS_OK)
        goto fail;

    const size_t ne = cs_topology_edge_count(c->t);
    size_t pieces = 0;
    for (size_t e = 0; e < ne; e++)
        pieces += max_pieces(cs_cutsite_route_km(cs_topology_edge(c->t, e)));
    if ((cfg = cfg_alloc(ne, pieces)) == NULL) {
        rc = cs_errorf(err, CS_ENOMEM, "out of memory for random_faults");
        goto fail;
    }
    for (size_t e = 0; e < ne; e++) {
        const cs_edge *ed = cs_topology_edge(c->t, e);
        if (ed->kind == CS_EDGE_LINK && !links) continue;
        if (scoped && !cs_hz_edge_meets_area(ed, &scope)) continue;
        const double repair = ed->kind == CS_EDGE_LINK ? rp.link_repair_days : rp.repair_days;
        const size_t i = cfg->n++;
        cfg->edge[i] = e;
        cs_cutsite_geom_of(c->t, e, &cfg->geom[i]);
        cfg->rate[i] = edge_pieces(cfg, i, c->t, e, &rp);
        cfg->p[i] = edge_prob(cfg->rate[i], repair, &rp);
    }
    cs_hz_area_destroy(&scope);
    params_destroy(&rp);
    h->cfg = cfg;
    h->sample = random_sample;
    h->free_cfg = random_free;
    h->n_tilt = cfg->n;
    h->tilt_probs = random_probs;
    h->sample_tilted = random_tilted;
    return CS_OK;
fail:
    cs_hz_area_destroy(&scope);
    params_destroy(&rp);
    return rc;
}

double cs_hz_random_faults_per_year(const cs_hazard_t *h)
{
    assert(h->sample == random_sample);
    const random_cfg *c = h->cfg;
    double sum = 0.0;
    for (size_t i = 0; i < c->n; i++)
        sum += c->rate[i];
    return sum;
}
