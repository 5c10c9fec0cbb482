/*
 * hazard_sabotage.c: deliberate and ship-borne damage (docs/model.md,
 * "Sabotage", "Anchor drag", "Station attack").
 *
 *  sabotage        k cuts of segments (or whole cable systems) chosen uniformly,
 *                  weighted by capacity or by intact traffic, or greedily to
 *                  maximise the unserved demand
 *  anchor_drag     straight (great-circle) anchor tracks from a random start in
 *                  an area, cutting every segment within distance_km
 *  station_attack  landing stations lost: a fixed list, or n drawn uniformly
 */
#include "hazards/hazard_impl.h"

#include "cablesim/cutsite.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

/* ------------------------------------------------------------ sabotage */

enum { TARGET_UNIFORM, TARGET_CAPACITY, TARGET_TRAFFIC, TARGET_GREEDY };
enum { UNIT_SEGMENT, UNIT_CABLE };

/* Two greedy scores closer than this (Tbps) are a tie, broken by index. */
#define GREEDY_TIE_TBPS 1e-9

typedef struct {
    int targets, unit;
    size_t k;
    double start_days, interval_days; /* cut j happens at start + j x interval (time axis) */
    size_t n;                         /* candidates: segment edges or cable indices, ascending */
    size_t *cand;                     /* [n] */
    size_t *off;                      /* unit cable: [n + 1] offsets into segs */
    size_t *segs;                     /* unit cable: the segments of each candidate cable */
    cs_lonlat *site;                  /* [edges] where each candidate edge is cut */
    double *site_depth;               /* [edges] the water depth there */
} sabotage_cfg;

static void sabotage_free(void *cfg)
{
    sabotage_cfg *c = cfg;
    free(c->cand);
    free(c->off);
    free(c->segs);
    free(c->site);
    free(c->site_depth);
    free(c);
}

static void *sabotage_ws_alloc(const void *cfg)
{
    const sabotage_cfg *c = cfg;
    return malloc(c->n + 1); /* greedy: [n] whether each candidate is live */
}

/* The edges candidate i stands for: itself, or its cable's segments. */
static size_t cand_edges(const sabotage_cfg *c, size_t i, const size_t **edges)
{
    if (c->unit == UNIT_SEGMENT) {
        *edges = &c->cand[i];
        return 1;
    }
    *edges = c->segs + c->off[i];
    return c->off[i + 1] - c->off[i];
}

/* Whether a cut of candidate i would take anything down that is not down yet. */
static bool available(const sabotage_cfg *c, size_t i, const cs_failures *f, const cs_topology_t *t)
{
    const size_t *e;
    const size_t m = cand_edges(c, i, &e);
    for (size_t j = 0; j < m; j++)
        if (!cs_failures_edge_down(f, t, e[j])) return true;
    return false;
}

/* The largest value of per-edge x over the candidate's edges. */
static double cand_max(const sabotage_cfg *c, size_t i, const double *x, const cs_topology_t *t)
{
    const size_t *e;
    const size_t m = cand_edges(c, i, &e);
    double best = 0.0;
    for (size_t j = 0; j < m; j++)
        best = fmax(best, x ? x[e[j]] : cs_topology_edge(t, e[j])->capacity_tbps);
    return best;
}

/* Records the choice of candidate i, which made the cuts after the first `before`. */
static cs_status record_target(const sabotage_cfg *c, size_t i, size_t before, cs_failures *f,
                               cs_error *err)
{
    const size_t *e;
    cand_edges(c, i, &e);
    cs_hazard_event ev = cs_hazard_event_none();
    ev.target = (long long)c->cand[i];
    ev.a = c->site[e[0]];
    ev.cuts = f->n_cuts - before;
    return cs_failures_add_event(f, &ev, err);
}

/* Cuts candidate i: each of its edges that is not down yet, at its site. */
static cs_status cut(const sabotage_cfg *c, size_t i, cs_failures *f, cs_error *err)
{
    const size_t *e;
    const size_t m = cand_edges(c, i, &e);
    for (size_t j = 0; j < m; j++) {
        if (f->edge_failed[e[j]]) continue;
        const cs_status rc = cs_failures_cut_edge(f, e[j], c->site[e[j]], c->site_depth[e[j]], err);
        if (rc != CS_OK) return rc;
    }
    return CS_OK;
}

static double weight(const sabotage_cfg *c, size_t i, const cs_hazard_env *env)
{
    if (c->targets == TARGET_CAPACITY) return cand_max(c, i, NULL, env->topology);
    if (c->targets == TARGET_TRAFFIC)
        return cand_max(c, i, env->intact->edge_flow_tbps, env->topology);
    return 1.0;
}

/* k draws without replacement, each with probability proportional to weight
 * among the candidates still available (successive sampling). A candidate
 * already down is never drawn: an attacker does not cut a dead cable. */
static cs_status sample_weighted(const sabotage_cfg *c, const cs_hazard_env *env, gsl_rng *rng,
                                 cs_failures *f, cs_error *err)
{
    for (size_t done = 0; done < c->k; done++) {
        double total = 0.0;
        for (size_t i = 0; i < c->n; i++)
            if (available(c, i, f, env->topology)) total += weight(c, i, env);
        if (!(total > 0.0)) return CS_OK; /* nothing (with weight) left to cut */
        const double x = gsl_rng_uniform(rng) * total;
        double acc = 0.0;
        size_t pick = SIZE_MAX;
        for (size_t i = 0; i < c->n; i++) {
            if (!available(c, i, f, env->topology)) continue;
            const double w = weight(c, i, env);
            if (!(w > 0.0)) continue;
            pick = i; /* the last positive one, should rounding leave x >= the sum */
            acc += w;
            if (x < acc) break;
        }
        f->now = c->start_days + (double)done * c->interval_days;
        const size_t before = f->n_cuts;
        cs_status rc = cut(c, pick, f, err);
        if (rc == CS_OK) rc = record_target(c, pick, before, f, err);
        if (rc != CS_OK) return rc;
    }
    return CS_OK;
}

/*
 * Greedy worst case. Implementation notes: each of the k cuts tries every
 * live candidate on f plus that cut (added, routed, then rolled back: the
 * same as routing a copy of f, without copying), and keeps the one leaving
 * the most demand unserved, the lowest index winning ties. A candidate is
 * live when it is not down yet and carries flow in the current routing. A
 * candidate carrying no flow cannot change a latency-first routing: every
 * path the router chose avoids it, so with it removed each shortest-path
 * search still finds the same path first (the tie-break is a fixed order on
 * nodes and edges), and capacities elsewhere are untouched. So skipping it
 * loses nothing under latency-first, and the router says so
 * (cs_router_keeps_served_without_unused_edges); under maxflow (successive max flows, which
 * may take other paths without an unused edge) there is no such promise and every available
 * candidate is tried. No random numbers are drawn.
 */
static cs_status sample_greedy(const sabotage_cfg *c, unsigned char *live, const cs_hazard_env *env,
                               cs_failures *f, cs_error *err)
{
    const cs_topology_t *t = env->topology;
    const double *flow = env->intact->edge_flow_tbps;
    const bool skip_unused = cs_router_keeps_served_without_unused_edges(env->router);
    cs_status rc;
    if (f->n_edges > 0 || f->n_nodes > 0) {
        if ((rc = cs_router_route(env->router, f, env->scratch, err)) != CS_OK) return rc;
        flow = env->scratch->edge_flow_tbps;
    }
    for (size_t done = 0; done < c->k; done++) {
        size_t n_live = 0;
        for (size_t i = 0; i < c->n; i++) {
            live[i] = available(c, i, f, t) && (!skip_unused || cand_max(c, i, flow, t) > 0.0);
            n_live += live[i];
        }
        if (n_live == 0) return CS_OK; /* no cut can leave more unserved */
        size_t best = SIZE_MAX;
        double best_u = -1.0;
        for (size_t i = 0; i < c->n; i++) {
            if (!live[i]) continue;
            const size_t mark = f->n_edges, mark_cuts = f->n_cuts;
            rc = cut(c, i, f, err);
            if (rc == CS_OK) rc = cs_router_route(env->router, f, env->scratch, err);
            cs_failures_truncate(f, mark, mark_cuts);
            if (rc != CS_OK) return rc;
            if (env->scratch->unserved_tbps > best_u + GREEDY_TIE_TBPS) {
                best_u = env->scratch->unserved_tbps;
                best = i;
            }
        }
        f->now = c->start_days + (double)done * c->interval_days;
        const size_t before = f->n_cuts;
        if ((rc = cut(c, best, f, err)) != CS_OK ||
            (rc = record_target(c, best, before, f, err)) != CS_OK)
            return rc;
        if (done + 1 < c->k) {
            if ((rc = cs_router_route(env->router, f, env->scratch, err)) != CS_OK) return rc;
            flow = env->scratch->edge_flow_tbps;
        }
    }
    return CS_OK;
}

static cs_status sabotage_sample(const void *cfg, void *ws, const cs_hazard_env *env, gsl_rng *rng,
                                 cs_failures *f, cs_error *err)
{
    const sabotage_cfg *c = cfg;
    cs_status rc;
    if (c->targets == TARGET_GREEDY)
        rc = sample_greedy(c, ws, env, f, err);
    else
        rc = sample_weighted(c, env, rng, f, err);
    f->now = 0.0;
    return rc;
}

/* Route samples per km when looking for the shallowest point of a route in an area. */
#define SITE_STEP_KM 1.0

/*
 * Where sabotage cuts edge e: on the shelf of a landed end (cs_cutsite_shelf:
 * ships cut with anchors, and saboteurs where the water is shallow), unless an
 * area is given and that place is outside it; then the shallowest point of the
 * route inside the area (sampled every SITE_STEP_KM), the shelf place when no
 * sample falls inside.
 */
static void sabotage_site(const cs_topology_t *t, size_t e, const cs_hz_area *area, cs_lonlat *at,
                          double *depth_m)
{
    double s;
    cs_cutsite_shelf(t, e, &s, at, depth_m);
    if (area == NULL || cs_hz_area_contains(area, *at)) return;
    const cs_edge *ed = cs_topology_edge(t, e);
    const double L = cs_cutsite_route_km(ed);
    double best = HUGE_VAL;
    for (double x = 0.0; x <= L; x += SITE_STEP_KM) {
        const cs_lonlat p = cs_cutsite_point(ed, x);
        if (!cs_hz_area_contains(area, p)) continue;
        const double d = cs_cutsite_depth_m(t, e, x);
        if (d < best) {
            best = d;
            *at = p;
            *depth_m = d;
        }
    }
}

static cs_status sabotage_sites(const cs_hz_ctx *c, sabotage_cfg *s, const cs_hz_area *area,
                                cs_error *err)
{
    const size_t ne = cs_topology_edge_count(c->t);
    s->site = malloc((ne + 1) * sizeof *s->site);
    s->site_depth = malloc((ne + 1) * sizeof *s->site_depth);
    if (s->site == NULL || s->site_depth == NULL)
        return cs_errorf(err, CS_ENOMEM, "out of memory for sabotage");
    for (size_t i = 0; i < s->n; i++) {
        const size_t *e;
        const size_t m = cand_edges(s, i, &e);
        for (size_t j = 0; j < m; j++)
            sabotage_site(c->t, e[j], area, &s->site[e[j]], &s->site_depth[e[j]]);
    }
    return CS_OK;
}

/* Candidate segments (or cables with a segment) meeting the area, or all. */
static cs_status sabotage_candidates(const cs_hz_ctx *c, sabotage_cfg *s, const cs_hz_area *area,
                                     cs_error *err)
{
    const cs_topology_t *t = c->t;
    const size_t ne = cs_topology_edge_count(t), nc = cs_topology_cable_count(t);
    unsigned char *hit = calloc(nc + 1, 1);
    s->cand = malloc((ne + nc + 1) * sizeof *s->cand);
    if (hit == NULL || s->cand == NULL) {
        free(hit);
        return cs_errorf(err, CS_ENOMEM, "out of memory for sabotage");
    }
    for (size_t e = 0; e < ne; e++) {
        const cs_edge *ed = cs_topology_edge(t, e);
        if (ed->kind != CS_EDGE_SEGMENT) continue;
        if (area != NULL && !cs_hz_edge_meets_area(ed, area)) continue;
        if (s->unit == UNIT_SEGMENT)
            s->cand[s->n++] = e;
        else
            hit[ed->cable_index] = 1;
    }
    if (s->unit == UNIT_CABLE) {
        for (size_t k = 0; k < nc; k++)
            if (hit[k]) s->cand[s->n++] = k;
        s->off = malloc((s->n + 1) * sizeof *s->off);
        s->segs = malloc((ne + 1) * sizeof *s->segs);
        if (s->off == NULL || s->segs == NULL) {
            free(hit);
            return cs_errorf(err, CS_ENOMEM, "out of memory for sabotage");
        }
        size_t m = 0;
        for (size_t i = 0; i < s->n; i++) {
            s->off[i] = m;
            for (size_t e = 0; e < ne; e++) {
                const cs_edge *ed = cs_topology_edge(t, e);
                if (ed->kind == CS_EDGE_SEGMENT && ed->cable_index == s->cand[i]) s->segs[m++] = e;
            }
        }
        s->off[s->n] = m;
    }
    free(hit);
    return sabotage_sites(c, s, area, err);
}

cs_status cs_hz_sabotage_parse(cs_hazard_t *h, const cs_hz_ctx *c, cs_error *err)
{
    static const char *const keys[] = {"type", "k",          "targets",       "region",
                                       "unit", "start_days", "interval_days", NULL};
    static const char *const targets[] = {"uniform", "capacity", "traffic", "greedy", NULL};
    static const char *const units[] = {"segment", "cable", NULL};
    cs_status rc = cs_ymap_check_keys(c->doc, c->spec, keys, "hazard sabotage", err);
    if (rc != CS_OK) return rc;
    sabotage_cfg *s = calloc(1, sizeof *s);
    if (s == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for sabotage");
    h->cfg = s;
    h->sample = sabotage_sample;
    h->free_cfg = sabotage_free;
    h->ws_alloc = sabotage_ws_alloc;
    h->ws_free = free;
    long long k = 1;
    if ((rc = cs_yget_int(c->doc, c->spec, "k", false, 1, 1000000, 1, &k, err)) ||
        (rc = cs_yget_enum(c->doc, c->spec, "targets", false, targets, TARGET_UNIFORM, &s->targets,
                           err)) ||
        (rc = cs_yget_enum(c->doc, c->spec, "unit", false, units, UNIT_SEGMENT, &s->unit, err)) ||
        (rc = cs_yget_double(c->doc, c->spec, "start_days", false, 0, 36500, 0.0, &s->start_days,
                             err)) ||
        (rc = cs_yget_double(c->doc, c->spec, "interval_days", false, 0, 36500, 0.0,
                             &s->interval_days, err)))
        return rc;
    s->k = (size_t)k;
    h->needs_routing = s->targets == TARGET_TRAFFIC || s->targets == TARGET_GREEDY;
    cs_hz_area area = {0};
    const bool has_area = cs_hz_present(c->spec, "region");
    if (has_area &&
        (rc = cs_hz_area_parse(c, cs_ymap_get(c->spec, "region"), "region", &area, err)))
        return rc;
    rc = sabotage_candidates(c, s, has_area ? &area : NULL, err);
    cs_hz_area_destroy(&area);
    return rc;
}

/* ------------------------------------------------------------ anchor drag */

#define ANCHOR_DISTANCE_KM 1.0
#define ANCHOR_MAX_DEPTH_M 200.0
#define ANCHOR_MEDIAN_KM   80.0
#define ANCHOR_SIGMA       0.8

typedef struct {
    cs_hz_area area;
    double heading_deg; /* NAN: uniform in [0, 360) */
    bool uniform_len;
    double len_min, len_max, len_median, len_sigma;
    double distance_km;
    double max_depth_m; /* the anchor holds (and cuts) only where the water is this shallow */
    size_t count;
    cs_hz_segs segs;
} anchor_cfg;

static void anchor_free(void *cfg)
{
    anchor_cfg *a = cfg;
    cs_hz_area_destroy(&a->area);
    cs_hz_segs_destroy(&a->segs);
    free(a);
}

static cs_status anchor_sample(const void *cfg, void *ws, const cs_hazard_env *env, gsl_rng *rng,
                               cs_failures *f, cs_error *err)
{
    (void)ws;
    const anchor_cfg *a = cfg;
    for (size_t j = 0; j < a->count; j++) {
        cs_lonlat track[2];
        track[0] = cs_hz_area_sample(&a->area, rng);
        const double heading =
            isnan(a->heading_deg) ? 360.0 * gsl_rng_uniform(rng) : a->heading_deg;
        double len;
        if (a->uniform_len)
            len = a->len_min + gsl_rng_uniform(rng) * (a->len_max - a->len_min);
        else if (a->len_sigma > 0.0)
            len = a->len_median * exp(gsl_ran_gaussian(rng, a->len_sigma));
        else
            len = a->len_median;
        track[1] = cs_hz_destination(track[0], heading, len);
        cs_geo_arc leg;
        cs_hz_line line = {.leg = &leg};
        cs_hz_line_set(&line, track, 2);
        const size_t before = f->n_cuts;
        cs_status rc = cs_hz_segs_cut_near(&a->segs, &line, a->distance_km, a->max_depth_m,
                                           env->topology, f, err);
        if (rc != CS_OK) return rc;
        cs_hazard_event ev = cs_hazard_event_none();
        ev.a = track[0];
        ev.b = track[1];
        ev.length_km = len;
        ev.cuts = f->n_cuts - before;
        if ((rc = cs_failures_add_event(f, &ev, err)) != CS_OK) return rc;
    }
    return CS_OK;
}

static cs_status anchor_read(const cs_hz_ctx *c, anchor_cfg *a, cs_error *err)
{
    const cs_ydoc_t *d = c->doc;
    const cs_ynode *s = c->spec;
    cs_status rc;
    long long count = 1;
    a->heading_deg = NAN;
    if (!cs_hz_present(s, "region"))
        return cs_yerr_missing(d, s, "region", "a region name or a polygon to start tracks in",
                               err);
    if ((rc = cs_hz_area_parse(c, cs_ymap_get(s, "region"), "region", &a->area, err))) return rc;
    a->uniform_len = cs_hz_present(s, "length_min_km") || cs_hz_present(s, "length_max_km");
    if (a->uniform_len && cs_hz_present(s, "length_median_km"))
        return cs_hz_conflict(c, s, "length_median_km", "length_min_km/length_max_km", err);
    if (a->uniform_len && cs_hz_present(s, "length_sigma"))
        return cs_hz_conflict(c, s, "length_sigma", "length_min_km/length_max_km", err);
    if ((cs_hz_present(s, "heading_deg") &&
         (rc = cs_yget_double(d, s, "heading_deg", true, 0, 360, 0, &a->heading_deg, err))) ||
        (rc = cs_yget_double(d, s, "distance_km", false, 0, 100, ANCHOR_DISTANCE_KM,
                             &a->distance_km, err)) ||
        (rc = cs_yget_double(d, s, "max_depth_m", false, 0, 12000, ANCHOR_MAX_DEPTH_M,
                             &a->max_depth_m, err)) ||
        (rc = cs_yget_int(d, s, "count", false, 1, 1000, 1, &count, err)))
        return rc;
    /* The lognormal length only without the uniform one (so that the resolved scenario, which
     * gets every default read, names only one of them). */
    a->len_median = ANCHOR_MEDIAN_KM;
    a->len_sigma = ANCHOR_SIGMA;
    if (!a->uniform_len && ((rc = cs_yget_double(d, s, "length_median_km", false, 0, 5000,
                                                 ANCHOR_MEDIAN_KM, &a->len_median, err)) ||
                            (rc = cs_yget_double(d, s, "length_sigma", false, 0, 5, ANCHOR_SIGMA,
                                                 &a->len_sigma, err))))
        return rc;
    if (a->uniform_len &&
        ((rc = cs_yget_double(d, s, "length_min_km", true, 0, 5000, 0, &a->len_min, err)) ||
         (rc = cs_yget_double(d, s, "length_max_km", true, a->len_min, 5000, 0, &a->len_max, err))))
        return rc;
    a->count = (size_t)count;
    return CS_OK;
}

cs_status cs_hz_anchor_parse(cs_hazard_t *h, const cs_hz_ctx *c, cs_error *err)
{
    static const char *const keys[] = {"type",
                                       "region",
                                       "heading_deg",
                                       "length_min_km",
                                       "length_max_km",
                                       "length_median_km",
                                       "length_sigma",
                                       "distance_km",
                                       "count",
                                       "max_depth_m",
                                       NULL};
    cs_status rc = cs_ymap_check_keys(c->doc, c->spec, keys, "hazard anchor_drag", err);
    if (rc != CS_OK) return rc;
    anchor_cfg *a = calloc(1, sizeof *a);
    if (a == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for anchor_drag");
    h->cfg = a;
    h->sample = anchor_sample;
    h->free_cfg = anchor_free;
    if ((rc = anchor_read(c, a, err))) return rc;
    return cs_hz_segs_init(&a->segs, c->t, err);
}

/* ------------------------------------------------------------ station attack */

typedef struct {
    bool sampled; /* false: fail every node in pool */
    size_t n;     /* how many to draw when sampled */
    size_t npool;
    size_t *pool;
} station_cfg;

static void station_free(void *cfg)
{
    station_cfg *s = cfg;
    free(s->pool);
    free(s);
}

/* Records the loss of station v. */
static cs_status station_event(size_t v, const cs_topology_t *t, cs_failures *f, cs_error *err)
{
    cs_hazard_event ev = cs_hazard_event_none();
    ev.target = (long long)v;
    ev.a = cs_topology_node(t, v)->pos;
    return cs_failures_add_event(f, &ev, err);
}

static cs_status station_sample(const void *cfg, void *ws, const cs_hazard_env *env, gsl_rng *rng,
                                cs_failures *f, cs_error *err)
{
    (void)ws;
    const station_cfg *s = cfg;
    if (!s->sampled) {
        for (size_t i = 0; i < s->npool; i++) {
            cs_failures_fail_node(f, s->pool[i]);
            const cs_status rc = station_event(s->pool[i], env->topology, f, err);
            if (rc != CS_OK) return rc;
        }
        return CS_OK;
    }
    /* Selection sampling (Knuth, TAOCP vol. 2, Algorithm S): each n-subset of
     * the pool is equally likely, one draw per pool entry until n are chosen. */
    size_t chosen = 0;
    for (size_t i = 0; i < s->npool && chosen < s->n; i++) {
        if ((double)(s->npool - i) * gsl_rng_uniform(rng) < (double)(s->n - chosen)) {
            cs_failures_fail_node(f, s->pool[i]);
            const cs_status rc = station_event(s->pool[i], env->topology, f, err);
            if (rc != CS_OK) return rc;
            chosen++;
        }
    }
    return CS_OK;
}

/* The landing stations inside the area (or all of them). */
static cs_status station_pool_area(const cs_hz_ctx *c, const cs_hz_area *area, station_cfg *s,
                                   cs_error *err)
{
    const size_t nn = cs_topology_node_count(c->t);
    s->pool = malloc((nn + 1) * sizeof *s->pool);
    if (s->pool == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for station_attack");
    for (size_t v = 0; v < nn; v++) {
        const cs_node *nd = cs_topology_node(c->t, v);
        if (nd->kind != CS_NODE_LANDING) continue;
        if (area != NULL && !cs_hz_area_contains(area, nd->pos)) continue;
        s->pool[s->npool++] = v;
    }
    return CS_OK;
}

static cs_status station_read(const cs_hz_ctx *c, station_cfg *s, cs_error *err)
{
    const cs_ydoc_t *d = c->doc;
    const cs_ynode *sp = c->spec;
    const bool listed = cs_hz_present(sp, "stations"), from = cs_hz_present(sp, "from");
    const bool region = cs_hz_present(sp, "region");
    s->sampled = cs_hz_present(sp, "sample");
    if (listed && s->sampled) return cs_hz_conflict(c, sp, "sample", "stations", err);
    if (!listed && !s->sampled)
        return cs_yerr_missing(d, sp, "stations", "a list of stations (or `sample: n`)", err);
    if (listed && (from || region))
        return cs_hz_conflict(c, sp, from ? "from" : "region", "stations", err);
    if (from && region) return cs_hz_conflict(c, sp, "region", "from", err);
    cs_status rc;
    if (listed)
        return cs_hz_names(c, cs_ymap_get(sp, "stations"), "stations", 'n', &s->pool, &s->npool,
                           err);
    if (from)
        rc = cs_hz_names(c, cs_ymap_get(sp, "from"), "from", 'n', &s->pool, &s->npool, err);
    else if (region) {
        cs_hz_area area = {0};
        if ((rc = cs_hz_area_parse(c, cs_ymap_get(sp, "region"), "region", &area, err))) return rc;
        rc = station_pool_area(c, &area, s, err);
        cs_hz_area_destroy(&area);
    } else
        rc = station_pool_area(c, NULL, s, err);
    if (rc != CS_OK) return rc;
    if (s->npool == 0)
        return cs_yerr(d, cs_ymap_get(sp, "region"), "region",
                       "an area holding at least one landing station", err);
    long long n = 0;
    if ((rc = cs_yget_int(d, sp, "sample", true, 1, (long long)s->npool, 1, &n, err))) return rc;
    s->n = (size_t)n;
    return CS_OK;
}

cs_status cs_hz_station_parse(cs_hazard_t *h, const cs_hz_ctx *c, cs_error *err)
{
    static const char *const keys[] = {"type", "stations", "sample", "from", "region", NULL};
    cs_status rc = cs_ymap_check_keys(c->doc, c->spec, keys, "hazard station_attack", err);
    if (rc != CS_OK) return rc;
    station_cfg *s = calloc(1, sizeof *s);
    if (s == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for station_attack");
    h->cfg = s;
    h->sample = station_sample;
    h->free_cfg = station_free;
    return station_read(c, s, err);
}
