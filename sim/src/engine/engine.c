/*
 * engine.c: the Monte Carlo trial loop: builds the engine from a scenario (topology, demand,
 * hazards, the intact routing, restoration), runs trials and their recovery over time. The
 * routing of a trial's failures is reroute.c's, impact metrics engine_impact.c's, summaries
 * engine_summary.c's (engine_impl.h).
 */
#include "cablesim/engine.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cablesim/hazard.h"
#include "cablesim/recovery.h"
#include "cablesim/rng.h"
#include "engine/engine_impl.h"
/* ------------------------------------------------------------- setup */

/* The pair table: the demand's (Japanese city, foreign region) pairs. */
static void set_pairs(cs_engine_t *e)
{
    const cs_demand_pairs *dp = cs_demand_pairs_of(e->d);
    e->n_pairs = dp->n_pairs;
    e->pair_of_demand = dp->pair_of_demand;
    e->n_regions = dp->n_regions;
    e->regions = dp->regions;
    e->region_of_pair = dp->region_index;
    e->table = (cs_pair_table){.n = dp->n_pairs, .origin = dp->city, .region = dp->region};
}

/*
 * Restoration (docs/model.md, "Restoration"): with share rho < 1, a trial whose failures
 * displace traffic is routed over c'_e = s_e + rho (c_e - s_e) on every cable segment, s_e what
 * the system carries of the demand before the failure, spread over the systems in proportion
 * to capacity (cs_router_spread_flow; terrestrial links keep c_e): traffic keeps the capacity
 * it held, and what the failed systems held may use only rho of the other systems' spare.
 * Sets the router's capacities for rho (the topology's for rho >= 1).
 */
static cs_status set_share(cs_engine_t *e, double rho, cs_error *err)
{
    if (rho == e->rho_cur) return CS_OK;
    cs_status rc;
    if (rho >= 1.0)
        rc = cs_router_set_capacity(e->router, NULL, err);
    else {
        for (size_t j = 0; j < cs_topology_edge_count(e->t); j++) {
            const double s0 = fmin(e->spread[j], e->ecap[j]);
            e->rcap[j] = cs_topology_edge(e->t, j)->kind == CS_EDGE_SEGMENT
                             ? s0 + rho * (e->ecap[j] - s0)
                             : e->ecap[j]; /* cable systems only: backhaul links keep theirs */
        }
        rc = cs_router_set_capacity(e->router, e->rcap, err);
    }
    if (rc == CS_OK) e->rho_cur = rho;
    return rc;
}

/*
 * The shares of the restoration model: the full share min(1, (1 - u) / u x D / C), D Japan's
 * international demand the intact network serves, C Japan's international capacity (the
 * run's basis and year); at the event restoration_share, or restoration_at_event x the full
 * share; in recovery runs the share ramps to the full one over restoration_ramp_days.
 */
static cs_status restoration(cs_engine_t *e, cs_error *err)
{
    const cs_routing_options *o = &e->s->routing;
    double D = 0.0;
    for (size_t g = 0; g < e->n_regions; g++)
        D += e->region_demand[g];
    const double u = o->utilisation, C = e->intl_capacity;
    cs_restoration *r = &e->restor;
    r->demand_tbps = D;
    r->capacity_tbps = C;
    r->full = C > 0.0 ? fmin(1.0, (1.0 - u) / u * D / C) : 1.0;
    r->derived = isnan(o->restoration_share);
    r->at_event = r->derived ? o->restoration_at_event * r->full : o->restoration_share;
    r->ramp_to = fmax(r->at_event, r->full);
    r->ramp_days = e->s->recovery != NULL ? o->restoration_ramp_days : 0.0;
    const size_t ne = cs_topology_edge_count(e->t);
    e->rcap = malloc((ne + 1) * sizeof *e->rcap);
    e->spread = malloc((ne + 1) * sizeof *e->spread);
    if (e->rcap == NULL || e->spread == NULL)
        return cs_errorf(err, CS_ENOMEM, "out of memory for restoration");
    e->rho_cur = 1.0;
    /* Over the topology's capacities: before any share restricts them (also without a limit:
     * the results file records it, /baseline/held_tbps). */
    cs_router_spread_flow(e->router, e->spread);
    return set_share(e, r->at_event, err);
}

const double *cs_engine_held(const cs_engine_t *e)
{
    return e->spread;
}

const cs_restoration *cs_engine_restoration(const cs_engine_t *e)
{
    return &e->restor;
}

/* The share of the recovery ramp in force on day k (from t = k to k + 1 days). */
static double share_of_day(const cs_engine_t *e, size_t k)
{
    const cs_restoration *r = &e->restor;
    if (k >= e->ramp_steps) return e->ramp_steps > 0 ? r->ramp_to : r->at_event;
    return r->at_event + (r->ramp_to - r->at_event) * fmin(1.0, (double)k / r->ramp_days);
}

double cs_engine_restoration_share_at(const cs_engine_t *e, double t_days)
{
    if (e->ramp_steps == 0 || !(t_days > 0.0)) return e->restor.at_event;
    return share_of_day(e, (size_t)floor(t_days));
}

/* The recovery ramp's length in days: the first whole day k >= ramp_days (0 when the share does
 * not ramp). The share steps once a day: restoration is arranged day by day, and a routing per
 * day of the ramp is what it costs. */
static void ramp_init(cs_engine_t *e)
{
    const cs_restoration *r = &e->restor;
    e->ramp_steps = 0;
    if (e->rec == NULL || !(r->ramp_days > 0.0) || !(r->ramp_to > r->at_event)) return;
    e->ramp_steps = (size_t)ceil(r->ramp_days);
}

static cs_status load_hazards(cs_engine_t *e, cs_error *err)
{
    const cs_scenario *s = e->s;
    e->hazards = calloc(s->n_hazards + 1, sizeof *e->hazards);
    e->hazard_ws = calloc(s->n_hazards + 1, sizeof *e->hazard_ws);
    if (e->hazards == NULL || e->hazard_ws == NULL)
        return cs_errorf(err, CS_ENOMEM, "out of memory for hazards");
    for (size_t i = 0; i < s->n_hazards; i++) {
        cs_status rc = cs_hazard_parse(&e->hazards[i], s->doc, s->hazards[i], e->t, err);
        if (rc == CS_OK && (rc = cs_hazard_ws_alloc(&e->hazard_ws[i], e->hazards[i], err)))
            cs_hazard_free(e->hazards[i]);
        if (rc != CS_OK) return rc;
        e->n_hazards++;
    }
    return CS_OK;
}

/* The repair model and its workspaces, when the scenario has a `recovery:` section. */
static cs_status recovery_alloc(cs_engine_t *e, cs_error *err)
{
    if (e->s->recovery == NULL) return CS_OK;
    const size_t ne = cs_topology_edge_count(e->t), nn = cs_topology_node_count(e->t);
    cs_status rc = cs_recovery_parse(&e->rec, e->s->doc, e->s->recovery, e->s->dir, e->t, err);
    if (rc == CS_OK) rc = cs_recovery_ws_init(&e->rws, e->rec, ne, err);
    if (rc == CS_OK) rc = cs_failures_init(&e->f_state, ne, nn, err);
    if (rc == CS_OK) rc = cs_routing_result_init(&e->r_state, cs_demand_count(e->d), ne, err);
    if (rc != CS_OK) return rc;
    e->up_edge = malloc((ne + 1) * sizeof *e->up_edge);
    e->seg_end = malloc((ne + 1) * sizeof *e->seg_end);
    e->up_node = malloc((nn + 1) * sizeof *e->up_node);
    ramp_init(e);
    e->ev = malloc((2 * (ne + nn) + e->ramp_steps + 1) * sizeof *e->ev);
    e->ev_served = malloc((2 * (ne + nn) + e->ramp_steps + 1) * sizeof *e->ev_served);
    if (!e->up_edge || !e->seg_end || !e->up_node || !e->ev || !e->ev_served)
        return cs_errorf(err, CS_ENOMEM, "out of memory for the recovery workspace");
    return CS_OK;
}

/* The waters classifier of cut places: the repair model's (cs_recovery_waters), or one with the
 * repair model's default parameters when the scenario has no `recovery:` section. */
static cs_status waters_alloc(cs_engine_t *e, cs_error *err)
{
    if (e->rec != NULL) {
        e->waters = e->rec;
        return CS_OK;
    }
    const cs_recovery_params p = CS_RECOVERY_PARAMS_INIT;
    e->own_waters = true;
    return cs_recovery_alloc(&e->waters, &p, NULL, 0, e->t, err);
}

static void recovery_free(cs_engine_t *e)
{
    if (e->rec == NULL) return;
    cs_recovery_free(e->rec);
    cs_recovery_ws_destroy(&e->rws);
    cs_failures_destroy(&e->f_state);
    cs_routing_result_destroy(&e->r_state);
    free(e->up_edge);
    free(e->seg_end);
    free(e->up_node);
    free(e->ev);
    free(e->ev_served);
}

static cs_status trial(cs_engine_t *e, uint64_t t, cs_failures *f, cs_routing_result *r,
                       unsigned char *cut, cs_run_summary *sum, cs_error *err);

/* What a pilot trial of the estimator needs (the pilot runs before any run's workspace). */
typedef struct {
    cs_engine_t *e;
    cs_failures f;
    cs_routing_result r;
    unsigned char *cut;
    bool *region_cut;
    cs_trial_impact m;
} pilot_ws;

static cs_status pilot_trial(void *ctx, uint64_t t, cs_trial_outcome *o, cs_error *err)
{
    pilot_ws *p = ctx;
    const cs_status rc = trial(p->e, t, &p->f, &p->r, p->cut, NULL, err);
    if (rc != CS_OK) return rc;
    cs_engine_impact(p->e, &p->f, &p->r, &p->m);
    cs_engine_region_cut(p->e, p->cut, p->region_cut);
    *o = (cs_trial_outcome){p->r.unserved_tbps,           p->m.capacity_lost_tbps,
                            p->m.intl_capacity_lost_tbps, p->e->intl_capacity,
                            p->m.region_served_fraction,  p->region_cut};
    return CS_OK;
}

/* The scenario's estimator, and its cross-entropy pilot (estimator.h). */
static cs_status estimator_alloc(cs_engine_t *e, cs_error *err)
{
    if (e->s->estimator == NULL) return CS_OK;
    const double horizon = e->rec ? cs_recovery_get_params(e->rec)->horizon_days : 0.0;
    cs_status rc =
        cs_estimator_alloc(&e->est, e->s->doc, e->s->estimator, e->regions, e->region_reach,
                           e->n_regions, e->hazards, e->n_hazards, horizon, err);
    if (rc != CS_OK || !cs_estimator_weighted(e->est)) return rc;
    const size_t ne = cs_topology_edge_count(e->t);
    pilot_ws p = {.e = e};
    if ((rc = cs_failures_init(&p.f, ne, cs_topology_node_count(e->t), err)) == CS_OK &&
        (rc = cs_routing_result_init(&p.r, cs_demand_count(e->d), ne, err)) == CS_OK &&
        (rc = cs_trial_impact_init(&p.m, e, err)) == CS_OK) {
        p.cut = calloc(e->n_pairs + 1, 1);
        p.region_cut = calloc(e->n_regions + 1, sizeof *p.region_cut);
        rc = p.cut && p.region_cut ? cs_estimator_fit(e->est, pilot_trial, &p, err)
                                   : cs_errorf(err, CS_ENOMEM, "out of memory for the pilot");
    }
    free(p.cut);
    free(p.region_cut);
    cs_trial_impact_destroy(&p.m);
    cs_routing_result_destroy(&p.r);
    cs_failures_destroy(&p.f);
    return rc;
}

const cs_estimator_t *cs_engine_estimator(const cs_engine_t *e)
{
    return e->est;
}

cs_status cs_engine_alloc(cs_engine_t **out, const cs_scenario *s, cs_error *err)
{
    *out = NULL;
    cs_engine_t *e = calloc(1, sizeof *e);
    if (e == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for the engine");
    e->s = s;
    cs_status rc;
    cs_topology_options topt = CS_TOPOLOGY_OPTIONS_INIT;
    topt.as_of = s->as_of;
    if ((rc = cs_topology_load_design(&e->t, s->topology_path, &topt, s->doc, s->network, err)) !=
        CS_OK)
        goto fail;
    if ((rc = cs_demand_load(&e->d, s->demand_path, e->t, err)) != CS_OK) goto fail;
    if ((rc = load_hazards(e, err)) != CS_OK) goto fail;
    if ((rc = cs_router_alloc(&e->router, e->t, e->d, &s->routing, err)) != CS_OK) goto fail;
    const size_t nd = cs_demand_count(e->d), ne = cs_topology_edge_count(e->t);
    if ((rc = cs_routing_result_init(&e->intact, nd, ne, err)) != CS_OK) goto fail;
    if ((rc = cs_routing_result_init(&e->scratch, nd, ne, err)) != CS_OK) goto fail;
    if ((rc = cs_router_route(e->router, NULL, &e->intact, err)) != CS_OK) goto fail;
    /* Demands the intact network serves nothing of (e.g. joined only by unlit cables) are no
     * part of any damage figure: left out, and the intact network routed again without them. */
    cs_router_exclude_unserved(e->router, e->intact.served_tbps);
    if ((rc = cs_router_route(e->router, NULL, &e->intact, err)) != CS_OK) goto fail;
    set_pairs(e);
    if ((rc = cs_engine_impact_setup(e, err)) != CS_OK) goto fail;
    if ((rc = restoration(e, err)) != CS_OK) goto fail;
    e->rng = cs_rng_alloc();
    if (e->rng == NULL) {
        rc = cs_errorf(err, CS_ENOMEM, "out of memory for the engine");
        goto fail;
    }
    if ((rc = cs_reroute_init(&e->rr, e->router, e->t, &e->intact, err)) != CS_OK) goto fail;
    e->okey = malloc((ne + cs_topology_node_count(e->t) + 4) * sizeof *e->okey);
    if (e->okey == NULL) {
        rc = cs_errorf(err, CS_ENOMEM, "out of memory for the engine");
        goto fail;
    }
    e->oid = (cs_outcome_id){.intact = true, .repeated = true, .key = e->okey};
    if ((rc = recovery_alloc(e, err)) != CS_OK || (rc = waters_alloc(e, err)) != CS_OK ||
        (rc = estimator_alloc(e, err)) != CS_OK)
        goto fail;
    *out = e;
    return CS_OK;
fail:
    cs_engine_free(e);
    return rc;
}

void cs_engine_free(cs_engine_t *e)
{
    if (e == NULL) return;
    cs_estimator_free(e->est);
    cs_reroute_destroy(&e->rr);
    free(e->okey);
    recovery_free(e);
    if (e->own_waters) cs_recovery_free(e->waters);
    for (size_t i = 0; i < e->n_hazards; i++) {
        cs_hazard_ws_free(e->hazard_ws[i]);
        cs_hazard_free(e->hazards[i]);
    }
    free(e->hazards);
    free(e->hazard_ws);
    cs_routing_result_destroy(&e->intact);
    cs_routing_result_destroy(&e->scratch);
    cs_router_free(e->router);
    cs_demand_free(e->d);
    cs_topology_free(e->t);
    if (e->rng) gsl_rng_free(e->rng);
    free(e->pair_reach);
    free(e->region_reach);
    free(e->region_of_demand);
    free(e->region_demand);
    free(e->region_base_lat);
    free(e->ecap);
    free(e->eintl);
    free(e->ejsys);
    free(e->nadj_off);
    free(e->nadj);
    free(e->emark);
    free(e->cmark);
    free(e->lat_num);
    free(e->lat_den);
    free(e->rcap);
    free(e->spread);
    free(e);
}

const cs_topology_t *cs_engine_topology(const cs_engine_t *e)
{
    return e->t;
}

const cs_demand_t *cs_engine_demand(const cs_engine_t *e)
{
    return e->d;
}

const cs_routing_result *cs_engine_baseline(const cs_engine_t *e)
{
    return &e->intact;
}

const cs_pair_table *cs_engine_pairs(const cs_engine_t *e)
{
    return &e->table;
}

const cs_scenario *cs_engine_scenario(const cs_engine_t *e)
{
    return e->s;
}

const cs_recovery_t *cs_engine_recovery(const cs_engine_t *e)
{
    return e->rec;
}

cs_status cs_engine_batch_recovery(const cs_engine_t *e, cs_trial_batch *b, cs_error *err)
{
    static const cs_dataset_id scalars[] = {CS_DS_CAPACITY_LOST, CS_DS_INTL_CAPACITY_LOST,
                                            CS_DS_SYSTEMS_LOST, CS_DS_STATIONS_LOST};
    cs_status rc = CS_OK;
    for (size_t k = 0; k < sizeof scalars / sizeof *scalars && rc == CS_OK; k++)
        rc = cs_trial_batch_enable(b, scalars[k], 1, err);
    if (rc == CS_OK) rc = cs_trial_batch_enable(b, CS_DS_REGION_SERVED, e->n_regions, err);
    if (rc == CS_OK) rc = cs_trial_batch_enable(b, CS_DS_REGION_LATENCY, e->n_regions, err);
    if (rc == CS_OK && e->s->weighted) rc = cs_trial_batch_enable(b, CS_DS_WEIGHT, 1, err);
    if (rc == CS_OK && e->s->output.headroom)
        rc = cs_trial_batch_enable(b, CS_DS_REGION_HEADROOM, e->n_regions, err);
    if (rc != CS_OK) return rc;
    if (e->rec == NULL) return CS_OK;
    return cs_trial_batch_init_recovery(b, cs_recovery_steps(e->rec),
                                        cs_recovery_ship_count(e->rec), err);
}

/* --------------------------------------------------------------- a trial */

/* Routes f into r (reroute.h), counting the path taken into sum (may be NULL). */
static cs_status route(cs_engine_t *e, const cs_failures *f, cs_routing_result *r,
                       cs_run_summary *sum, cs_error *err)
{
    cs_reroute_counts c = {0};
    const cs_status rc = cs_reroute_route(&e->rr, f, e->rho_cur < 1.0, e->ramp_step, r, &c, err);
    if (sum != NULL) {
        sum->skipped += c.skipped;
        sum->cache_hits += c.cache_hits;
        sum->routed += c.routed;
    }
    return rc;
}

/* Keeps the outcome identity of the trial just routed (before recovery routes other states). */
static void outcome_keep(cs_engine_t *e)
{
    const cs_reroute *x = &e->rr;
    memcpy(e->okey, x->key, x->key_len * sizeof *x->key);
    e->oid = (cs_outcome_id){.intact = x->last_intact,
                             .repeated = x->last_repeated,
                             .hash = x->hash,
                             .key_len = x->key_len,
                             .key = e->okey};
}

void cs_engine_outcome(const cs_engine_t *e, cs_outcome_id *out)
{
    *out = e->oid;
}

/*
 * cut[p]: pair p has a demand the intact network serves (cs_router_reachable) and none of its
 * demands is connected in routing r. A pair the intact network of the year serves nothing of
 * (Australia before its first cable) is not cut by any failure: 0, like its damage figures
 * (docs/model.md, "Demand the intact network cannot serve").
 */
static void pair_cuts(const cs_engine_t *e, const cs_routing_result *r, unsigned char *cut)
{
    const unsigned char *reach = cs_router_reachable(e->router);
    memset(cut, 0, e->n_pairs);
    for (size_t i = 0; i < r->n_demands; i++) {
        const size_t p = e->pair_of_demand[i];
        assert(p == SIZE_MAX || p < e->n_pairs);
        if (p != SIZE_MAX && reach[i]) cut[p] = 1;
    }
    for (size_t i = 0; i < r->n_demands; i++) {
        const size_t p = e->pair_of_demand[i];
        if (p != SIZE_MAX && r->connected[i]) cut[p] = 0;
    }
}

static cs_status trial(cs_engine_t *e, uint64_t t, cs_failures *f, cs_routing_result *r,
                       unsigned char *cut, cs_run_summary *sum, cs_error *err)
{
    cs_failures_clear(f);
    f->horizon_days = e->rec ? cs_recovery_get_params(e->rec)->horizon_days : 0.0;
    const cs_hazard_env env = {e->t, e->d, e->router, &e->intact, &e->scratch};
    if (e->est) cs_estimator_begin(e->est);
    for (size_t i = 0; i < e->n_hazards; i++) {
        /* Each hazard draws from its own stream, so that a sweep over one hazard's parameters
         * leaves the draws of the others unchanged (common random numbers). */
        cs_rng_seed_substream(e->rng, e->s->seed, t, CS_RNG_STREAM_HAZARD + i);
        f->now = 0.0;
        f->hazard = (int)i;
        const cs_status rc =
            e->est ? cs_estimator_sample(e->est, i, e->hazard_ws[i], &env, e->rng, f, err)
                   : cs_hazard_sample(e->hazards[i], e->hazard_ws[i], &env, e->rng, f, err);
        if (rc != CS_OK) return rc;
    }
    f->now = 0.0;
    f->hazard = -1;
    cs_failures_locate(f, e->t); /* a place for every cut no hazard placed */
    const cs_status rc = route(e, f, r, sum, err);
    if (rc != CS_OK) return rc;
    outcome_keep(e);
    pair_cuts(e, r, cut);
    return CS_OK;
}

cs_status cs_engine_trial(cs_engine_t *e, uint64_t t, cs_failures *f, cs_routing_result *r,
                          unsigned char *pair_cut, cs_error *err)
{
    return trial(e, t, f, r, pair_cut, NULL, err);
}

/* ------------------------------------------------------------- recovery */

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/*
 * Hands the cuts of segments in f to the repair queue, one fault per cut at
 * the cut's place and depth (docs/model.md, "Where a fault lies"), and sets
 * when every failure is over: a segment at the end of the last repair of its
 * cuts, a terrestrial link and a landing station after their fixed restore
 * times. Returns the lit capacity-days lost within the horizon.
 */
static cs_status repair(cs_engine_t *e, uint64_t t, const cs_failures *f, cs_recovery_outcome *o,
                        double *cap_days, cs_error *err)
{
    const cs_recovery_params *p = cs_recovery_get_params(e->rec);
    size_t n = 0;
    for (size_t c = 0; c < f->n_cuts; c++)
        n += cs_topology_edge(e->t, f->cuts[c].edge)->kind == CS_EDGE_SEGMENT;
    cs_status rc = cs_recovery_outcome_reserve(o, n, err);
    if (rc == CS_OK) rc = cs_recovery_ws_reserve(&e->rws, n, err);
    if (rc != CS_OK) return rc;
    o->n_faults = 0;
    for (size_t c = 0; c < f->n_cuts; c++) {
        const cs_cut *cut = &f->cuts[c];
        if (cs_topology_edge(e->t, cut->edge)->kind != CS_EDGE_SEGMENT) continue;
        o->faults[o->n_faults++] =
            cs_recovery_fault(e->rec, e->t, cut->edge, cut->time_days,
                              e->intact.edge_flow_tbps[cut->edge], &cut->at, cut->depth_m);
    }
    cs_rng_seed_substream(e->rng, e->s->seed, t, CS_RNG_STREAM_RECOVERY);
    rc = cs_recovery_schedule(e->rec, &e->rws, o->faults, o->n_faults, e->rng, o->repairs,
                              o->ship_busy_days, err);
    if (rc != CS_OK) return rc;
    for (size_t i = 0; i < f->n_edges; i++)
        e->seg_end[f->edges[i]] = -INFINITY;
    for (size_t k = 0; k < o->n_faults; k++)
        e->seg_end[o->faults[k].edge] = fmax(e->seg_end[o->faults[k].edge], o->repairs[k].end_days);
    const double H = p->horizon_days;
    *cap_days = 0.0;
    for (size_t i = 0; i < f->n_edges; i++) {
        const cs_edge *ed = cs_topology_edge(e->t, f->edges[i]);
        const double down = f->edge_time[f->edges[i]];
        assert(ed->kind != CS_EDGE_SEGMENT || e->seg_end[f->edges[i]] > -INFINITY);
        e->up_edge[i] =
            ed->kind == CS_EDGE_SEGMENT ? e->seg_end[f->edges[i]] : down + p->link_restore_days;
        *cap_days += ed->lit_tbps * (fmin(e->up_edge[i], H) - fmin(down, H));
    }
    for (size_t i = 0; i < f->n_nodes; i++)
        e->up_node[i] = f->node_time[f->nodes[i]] + p->station_restore_days;
    return CS_OK;
}

/* The distinct times in [0, H) at which something fails or comes back, 0 first. */
static size_t change_times(cs_engine_t *e, const cs_failures *f, double H)
{
    size_t n = 0;
    e->ev[n++] = 0.0;
    for (size_t i = 0; i < f->n_edges; i++) {
        const double a = f->edge_time[f->edges[i]], b = e->up_edge[i];
        if (a > 0.0 && a < H) e->ev[n++] = a;
        if (b > 0.0 && b < H) e->ev[n++] = b;
    }
    for (size_t i = 0; i < f->n_nodes; i++) {
        const double a = f->node_time[f->nodes[i]], b = e->up_node[i];
        if (a > 0.0 && a < H) e->ev[n++] = a;
        if (b > 0.0 && b < H) e->ev[n++] = b;
    }
    for (size_t k = 1; k <= e->ramp_steps && (double)k < H; k++)
        e->ev[n++] = (double)k; /* the restoration share steps up */
    qsort(e->ev, n, sizeof *e->ev, cmp_double);
    size_t m = 1;
    for (size_t k = 1; k < n; k++)
        if (e->ev[k] != e->ev[m - 1]) e->ev[m++] = e->ev[k];
    return m;
}

/* What is down at time x: failed at or before x and not back yet. */
static void state_at(cs_engine_t *e, const cs_failures *f, double x)
{
    cs_failures *s = &e->f_state;
    cs_failures_clear(s);
    for (size_t i = 0; i < f->n_edges; i++)
        if (f->edge_time[f->edges[i]] <= x && x < e->up_edge[i])
            cs_failures_fail_edge(s, f->edges[i]);
    for (size_t i = 0; i < f->n_nodes; i++)
        if (f->node_time[f->nodes[i]] <= x && x < e->up_node[i])
            cs_failures_fail_node(s, f->nodes[i]);
}

/* The grid: served demand in force at each grid time, and the faults waiting for a ship. */
static void fill_grid(const cs_engine_t *e, size_t n_ev, cs_recovery_outcome *o)
{
    const double step = cs_recovery_get_params(e->rec)->step_hours / 24.0;
    size_t k = 0;
    for (size_t g = 0; g < o->n_steps; g++) {
        const double x = (double)g * step;
        while (k + 1 < n_ev && e->ev[k + 1] <= x)
            k++;
        o->served_tbps[g] = e->ev_served[k];
        uint32_t q = 0;
        for (size_t i = 0; i < o->n_faults; i++)
            q += o->faults[i].fail_days <= x && !(o->repairs[i].dispatch_days <= x);
        o->queue_length[g] = q;
    }
}

/*
 * Implementation notes. The trial's failures (with their times) go to the
 * repair queue; the network is then routed once per distinct change of state
 * within the horizon (through the same shortcuts and cache as trials, which
 * makes the repeated states of a recovery cheap), and the served demand,
 * piecewise constant between changes, gives the grid, the restore times and
 * the unserved integral exactly.
 */
static cs_status recover(cs_engine_t *e, uint64_t t, const cs_failures *f, cs_recovery_outcome *o,
                         cs_error *err)
{
    const double H = cs_recovery_get_params(e->rec)->horizon_days;
    cs_status rc = repair(e, t, f, o, &o->capacity_tbps_days, err);
    if (rc != CS_OK) return rc;
    const size_t n_ev = change_times(e, f, H);
    for (size_t k = 0; k < n_ev && rc == CS_OK; k++) {
        state_at(e, f, e->ev[k]);
        if (e->ramp_steps > 0) {
            const size_t day = (size_t)floor(e->ev[k]);
            e->ramp_step = (uint32_t)(day < e->ramp_steps ? day : e->ramp_steps);
            rc = set_share(e, share_of_day(e, day), err);
        }
        if (rc == CS_OK) rc = route(e, &e->f_state, &e->r_state, NULL, err);
        e->ev_served[k] = e->r_state.demand_tbps - e->r_state.unserved_tbps;
    }
    if (e->ramp_steps > 0) { /* back to the event's share for the next trial */
        e->ramp_step = 0;
        const cs_status rc2 = set_share(e, e->restor.at_event, err);
        if (rc == CS_OK) rc = rc2;
    }
    if (rc != CS_OK) return rc;
    const double intact = e->intact.demand_tbps - e->intact.unserved_tbps;
    o->unserved_tbps_days = 0.0;
    for (size_t k = 0; k < n_ev; k++) {
        const double next = k + 1 < n_ev ? e->ev[k + 1] : H;
        o->unserved_tbps_days += (intact - e->ev_served[k]) * (next - e->ev[k]);
    }
    o->t50_days = cs_recovery_restore_time(e->ev, e->ev_served, n_ev, 0.5 * intact);
    o->t90_days = cs_recovery_restore_time(e->ev, e->ev_served, n_ev, 0.9 * intact);
    o->t100_days = cs_recovery_restore_time(e->ev, e->ev_served, n_ev, intact);
    fill_grid(e, n_ev, o);
    return CS_OK;
}

cs_status cs_engine_trial_recovery(cs_engine_t *e, uint64_t t, cs_failures *f, cs_routing_result *r,
                                   unsigned char *pair_cut, cs_recovery_outcome *o, cs_error *err)
{
    if (e->rec == NULL)
        return cs_errorf(err, CS_EINVAL, "scenario %s has no recovery section", e->s->name);
    const cs_status rc = trial(e, t, f, r, pair_cut, NULL, err);
    return rc != CS_OK ? rc : recover(e, t, f, o, err);
}

/* -------------------------------------------------------------- the run */

/*
 * The trials of the batch being filled by outcome identity (cs_outcome_id): the first trial of
 * the batch with each routed state, whose outcome rows the batch's later trials with that state
 * share (cs_trial_batch_add_same) instead of copying them, and the writer's key of them instead
 * of hashing them again. Emptied with the batch. Exact: trials with equal identities have
 * bit-identical routings (engine.h), and every outcome row but the headroom follows from the
 * routing alone (served, latency, edge flow, connectivity, the region figures); batches with the
 * headroom are not keyed so.
 */
typedef struct {
    uint32_t *trial; /* [cap] the batch's trial of a state, UINT32_MAX: empty */
    uint64_t *hash;  /* [cap] its identity's hash */
    size_t *at;      /* [cap] its key, keys[at .. at + len - 1] */
    uint32_t *len;
    uint32_t *keys;
    size_t n_keys, cap_keys, cap;
} same_map;

static void same_destroy(same_map *m)
{
    free(m->trial);
    free(m->hash);
    free(m->at);
    free(m->len);
    free(m->keys);
    memset(m, 0, sizeof *m);
}

/* Empties m, with room for a batch of capacity trials; false when out of memory. */
static bool same_clear(same_map *m, size_t capacity)
{
    size_t cap = 64;
    while (cap < 2 * capacity)
        cap *= 2;
    if (cap != m->cap) {
        same_destroy(m);
        m->trial = malloc(cap * sizeof *m->trial);
        m->hash = malloc(cap * sizeof *m->hash);
        m->at = malloc(cap * sizeof *m->at);
        m->len = malloc(cap * sizeof *m->len);
        if (m->trial == NULL || m->hash == NULL || m->at == NULL || m->len == NULL) {
            same_destroy(m);
            return false;
        }
        m->cap = cap;
    }
    for (size_t s = 0; s < cap; s++)
        m->trial[s] = UINT32_MAX;
    m->n_keys = 0;
    return true;
}

/*
 * The earlier trial of the batch whose routed state is id's, or SIZE_MAX after recording trial i
 * (the batch's next) as the first with it. SIZE_MAX too when out of memory (nothing recorded: the
 * trial keeps its own rows).
 */
static size_t same_find(same_map *m, const cs_outcome_id *id, size_t i)
{
    if (m->cap == 0) return SIZE_MAX;
    const uint64_t h = id->intact ? 0 : id->hash;
    size_t s = (size_t)(h ^ (h >> 29)) & (m->cap - 1);
    for (; m->trial[s] != UINT32_MAX; s = (s + 1) & (m->cap - 1))
        if (m->hash[s] == h && m->len[s] == id->key_len &&
            (id->key_len == 0 ||
             memcmp(m->keys + m->at[s], id->key, id->key_len * sizeof *id->key) == 0))
            return m->trial[s];
    if (m->n_keys + id->key_len > m->cap_keys) {
        const size_t cap = 2 * (m->n_keys + id->key_len) + 64;
        uint32_t *k = realloc(m->keys, cap * sizeof *k);
        if (k == NULL) return SIZE_MAX;
        m->keys = k;
        m->cap_keys = cap;
    }
    if (id->key_len > 0) memcpy(m->keys + m->n_keys, id->key, id->key_len * sizeof *id->key);
    m->trial[s] = (uint32_t)i;
    m->hash[s] = h;
    m->at[s] = m->n_keys;
    m->len[s] = (uint32_t)id->key_len;
    m->n_keys += id->key_len;
    return SIZE_MAX;
}

/* Slots of the memo of the waters of cut places: 2^WATERS_MEMO_BITS. */
#define WATERS_MEMO_BITS 10
#define WATERS_MEMO      ((size_t)1 << WATERS_MEMO_BITS)

/* A place classified, and its waters. */
typedef struct {
    cs_lonlat at;
    unsigned char waters;
    bool used;
} waters_memo;

typedef struct {
    cs_failures f;
    cs_routing_result r;
    cs_trial_batch b;
    same_map same; /* the trials of the batch being filled, by routed state */
    unsigned char *cut;
    bool *region_cut;
    cs_trial_impact m;
    cs_recovery_outcome o;     /* with recovery only */
    unsigned char *cut_waters; /* [cap_waters] waters class of each cut of the trial */
    size_t cap_waters;
    waters_memo *memo; /* [WATERS_MEMO] places classified, direct-mapped by their bits */
} run_ws;

static void ws_destroy(run_ws *w)
{
    cs_failures_destroy(&w->f);
    cs_routing_result_destroy(&w->r);
    cs_trial_batch_destroy(&w->b);
    same_destroy(&w->same);
    free(w->cut);
    free(w->region_cut);
    cs_trial_impact_destroy(&w->m);
    free(w->cut_waters);
    free(w->memo);
    cs_recovery_outcome_destroy(&w->o);
}

/* The workspace of a run; batch_cap = 0: no batch of its own (the caller's is used). */
static cs_status ws_init(run_ws *w, const cs_engine_t *e, size_t batch_cap, cs_error *err)
{
    memset(w, 0, sizeof *w);
    const size_t ne = cs_topology_edge_count(e->t), nn = cs_topology_node_count(e->t);
    const size_t nd = cs_demand_count(e->d);
    cs_status rc;
    if ((rc = cs_failures_init(&w->f, ne, nn, err)) != CS_OK ||
        (rc = cs_routing_result_init(&w->r, nd, ne, err)) != CS_OK ||
        (batch_cap > 0 && (rc = cs_trial_batch_init(&w->b, batch_cap, nd, ne, nn, e->n_pairs,
                                                    e->s->output.edge_flow, err)) != CS_OK) ||
        (batch_cap > 0 && (rc = cs_engine_batch_recovery(e, &w->b, err)) != CS_OK))
        return rc;
    w->cut = calloc(e->n_pairs + 1, 1);
    w->region_cut = calloc(e->n_regions + 1, sizeof *w->region_cut);
    w->memo = calloc(WATERS_MEMO, sizeof *w->memo);
    if (w->cut == NULL || w->region_cut == NULL || w->memo == NULL)
        return cs_errorf(err, CS_ENOMEM, "out of memory for the trial workspace");
    if ((rc = cs_trial_impact_init(&w->m, e, err)) != CS_OK) return rc;
    if (e->rec != NULL) return cs_recovery_outcome_init(&w->o, e->rec, ne, err);
    return CS_OK;
}

/* Writes impact m into the batch's impact rows of its last trial (when it holds them): the region
 * figures too unless the trial shares an earlier trial's outcome rows. */
static void batch_impact(const cs_engine_t *e, cs_trial_batch *b, const cs_trial_impact *m)
{
    const size_t i = b->n - 1;
    double *x;
    uint32_t *u;
    if ((x = cs_trial_batch_row(b, CS_DS_CAPACITY_LOST, i)) != NULL) *x = m->capacity_lost_tbps;
    if ((x = cs_trial_batch_row(b, CS_DS_INTL_CAPACITY_LOST, i)) != NULL)
        *x = m->intl_capacity_lost_tbps;
    if ((u = cs_trial_batch_row(b, CS_DS_SYSTEMS_LOST, i)) != NULL) *u = m->systems_lost;
    if ((u = cs_trial_batch_row(b, CS_DS_STATIONS_LOST, i)) != NULL) *u = m->stations_lost;
    if (cs_trial_batch_same(b, i) != UINT32_MAX) return;
    if ((x = cs_trial_batch_row(b, CS_DS_REGION_SERVED, i)) != NULL)
        memcpy(x, m->region_served_fraction, e->n_regions * sizeof *x);
    if ((x = cs_trial_batch_row(b, CS_DS_REGION_LATENCY, i)) != NULL)
        memcpy(x, m->region_latency_added_ms, e->n_regions * sizeof *x);
}

/*
 * The waters of cut place p (cs_recovery_waters), remembered by the bits of p: a place classified
 * before gives the same answer (the class depends on the place alone), and an earthquake's cuts
 * fall at the same few places trial after trial (nankai-m9: 714 places for 36,573 cuts in 2,000
 * trials), where the classification was 3% of the run with results written.
 */
static unsigned char waters_of(const cs_engine_t *e, waters_memo *memo, cs_lonlat p)
{
    uint64_t a, b;
    memcpy(&a, &p.lon, sizeof a);
    memcpy(&b, &p.lat, sizeof b);
    const uint64_t h = (a ^ (b * 0x9e3779b97f4a7c15ull)) * 0xbf58476d1ce4e5b9ull;
    waters_memo *m = &memo[h >> (64 - WATERS_MEMO_BITS)];
    if (m->used && memcmp(&m->at, &p, sizeof p) == 0) return m->waters;
    *m = (waters_memo){
        .at = p, .waters = (unsigned char)cs_recovery_waters(e->waters, p), .used = true};
    return m->waters;
}

/* Classifies the waters of each cut of ws->f into ws->cut_waters (grown as needed). */
static cs_status classify_cuts(const cs_engine_t *e, run_ws *ws, cs_error *err)
{
    const cs_failures *f = &ws->f;
    if (f->n_cuts > ws->cap_waters) {
        const size_t cap = f->n_cuts > 2 * ws->cap_waters ? f->n_cuts : 2 * ws->cap_waters;
        unsigned char *p = realloc(ws->cut_waters, cap);
        if (p == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for %zu cuts", cap);
        ws->cut_waters = p;
        ws->cap_waters = cap;
    }
    for (size_t i = 0; i < f->n_cuts; i++)
        ws->cut_waters[i] = waters_of(e, ws->memo, f->cuts[i].at);
    return CS_OK;
}

/* Appends the trial in ws to b (its impact computed into ws->m, with its cuts and hazard events),
 * with its recovery over time when the scenario has one. b NULL: computes the impact and the
 * recovery (what the summary needs) and writes nothing. */
static cs_status add_trial(cs_engine_t *e, uint64_t t, run_ws *ws, cs_trial_batch *b, cs_error *err)
{
    cs_status rc = e->rec != NULL ? recover(e, t, &ws->f, &ws->o, err) : CS_OK;
    cs_engine_impact(e, &ws->f, &ws->r, &ws->m);
    if (b == NULL) return rc; /* a summary only: nothing to write */
    /* The rows of a routed state the batch holds already are not copied again (same_map). */
    if (rc == CS_OK && b->n == 0)
        (void)same_clear(&ws->same, b->capacity); /* out of memory: every trial keeps its rows */
    const size_t same = cs_trial_batch_has(b, CS_DS_REGION_HEADROOM)
                            ? SIZE_MAX
                            : same_find(&ws->same, &e->oid, b->n);
    if (rc == CS_OK)
        rc = same != SIZE_MAX ? cs_trial_batch_add_same(b, &ws->f, &ws->r, same, err)
                              : cs_trial_batch_add(b, &ws->f, &ws->r, ws->cut, err);
    if (rc == CS_OK) batch_impact(e, b, &ws->m);
    double *w =
        rc == CS_OK && e->est != NULL ? cs_trial_batch_row(b, CS_DS_WEIGHT, b->n - 1) : NULL;
    if (w != NULL) *w = cs_estimator_weight(e->est);
    double *h = rc == CS_OK ? cs_trial_batch_row(b, CS_DS_REGION_HEADROOM, b->n - 1) : NULL;
    if (h != NULL) rc = cs_engine_headroom(e, &ws->f, &ws->r, h, err);
    if (rc == CS_OK) rc = classify_cuts(e, ws, err);
    if (rc == CS_OK) rc = cs_trial_batch_add_cuts(b, &ws->f, ws->cut_waters, err);
    if (rc == CS_OK && e->rec != NULL) rc = cs_trial_batch_add_recovery(b, &ws->o, err);
    return rc;
}

/*
 * How the run writes (cs_write_mode): with a writer thread, ws->b is filled while the thread
 * writes the other batch (CS_WRITE_AHEAD: ahead, the batch handed over; its trials are
 * committed once the thread is idle again, and their progress call comes then).
 */
typedef struct {
    cs_results_async *async; /* NULL: the run's thread writes */
    cs_trial_batch ahead;    /* CS_WRITE_AHEAD: the batch the thread writes or wrote last */
    bool pending;            /* a batch handed over whose progress call is still due */
    uint64_t pending_done;   /* the trials done once it is committed */
} run_writer;

static void writer_destroy(run_writer *rw)
{
    cs_results_async_destroy(rw->async); /* waits for the write in progress first */
    if (rw->ahead.capacity > 0) cs_trial_batch_destroy(&rw->ahead);
    memset(rw, 0, sizeof *rw);
}

/* The writer of a run into w (NULL: none) as o says; the second batch of CS_WRITE_AHEAD has
 * the sizes of ws->b. */
static cs_status writer_init(run_writer *rw, const cs_engine_t *e, cs_results_t *w,
                             const cs_engine_options *o, const run_ws *ws, cs_error *err)
{
    memset(rw, 0, sizeof *rw);
    if (w == NULL || o->write_mode == CS_WRITE_SYNC) return CS_OK;
    cs_status rc = CS_OK;
    if (o->write_mode == CS_WRITE_AHEAD) {
        const cs_trial_batch *b = &ws->b;
        rc = cs_trial_batch_init(&rw->ahead, b->capacity, b->n_demands, b->n_edges, b->n_nodes,
                                 b->n_pairs, e->s->output.edge_flow, err);
        if (rc == CS_OK) rc = cs_engine_batch_recovery(e, &rw->ahead, err);
    }
    if (rc == CS_OK) rc = cs_results_async_init(&rw->async, w, err);
    if (rc != CS_OK) writer_destroy(rw);
    return rc;
}

/* Waits until the writer thread (if any) has committed every batch handed over, then makes the
 * progress call due; the first failed write's status. */
static cs_status settle(run_writer *rw, const cs_engine_options *o, uint64_t total, cs_error *err)
{
    if (rw->async == NULL) return CS_OK;
    const cs_status rc = cs_results_async_wait(rw->async, err);
    if (rc == CS_OK && rw->pending && o->progress)
        o->progress(o->progress_ctx, rw->pending_done, total);
    rw->pending = false;
    return rc;
}

/* Writes (or hands over) the batch filled, whose trials end the first done; the batch to fill
 * next starts at trial next. */
static cs_status flush(cs_results_t *w, run_ws *ws, run_writer *rw, uint64_t next,
                       const cs_engine_options *o, uint64_t done, uint64_t total, cs_error *err)
{
    cs_status rc = CS_OK;
    if (ws->b.n == 0 || w == NULL) { /* nothing to write */
    } else if (rw->async == NULL) {
        rc = cs_results_write_batch(w, &ws->b, err);
    } else {
        /* The batch handed over before is committed first (its progress call), then this one
         * goes, and with CS_WRITE_AHEAD the run fills the other batch meanwhile. */
        rc = settle(rw, o, total, err);
        if (rc != CS_OK) return rc;
        const cs_trial_batch *hand = &ws->b; /* stays put until the write is settled */
        if (rw->ahead.capacity > 0) {        /* the thread is idle: the batches swap */
            const cs_trial_batch filled = ws->b;
            ws->b = rw->ahead;
            rw->ahead = filled;
            hand = &rw->ahead;
        }
        if ((rc = cs_results_async_submit(rw->async, hand, err)) != CS_OK) return rc;
        rw->pending = true;
        rw->pending_done = done;
        /* CS_WRITE_WAIT: the batch is free once written. */
        if (rw->ahead.capacity == 0) rc = settle(rw, o, total, err);
        if (rc == CS_OK) cs_trial_batch_reset(&ws->b, next);
        return rc;
    }
    if (rc != CS_OK) return rc;
    cs_trial_batch_reset(&ws->b, next);
    if (o->progress) o->progress(o->progress_ctx, done, total);
    return CS_OK;
}

cs_status cs_engine_run(cs_engine_t *e, cs_results_t *w, const cs_engine_options *o,
                        cs_run_summary *sum, cs_error *err)
{
    const cs_engine_options dflt = CS_ENGINE_OPTIONS_INIT;
    if (o == NULL) o = &dflt;
    const uint64_t first = o->first_trial;
    if (first > e->s->trials)
        return cs_errorf(err, CS_EINVAL, "first trial %llu is beyond the scenario's %llu trials",
                         (unsigned long long)first, (unsigned long long)e->s->trials);
    const uint64_t n = o->n_trials == UINT64_MAX || o->n_trials > e->s->trials - first
                           ? e->s->trials - first
                           : o->n_trials;
    run_ws ws;
    run_writer rw;
    memset(&rw, 0, sizeof rw);
    cs_status rc = ws_init(&ws, e, e->s->output.batch_trials, err);
    if (rc == CS_OK) rc = cs_reroute_cache_size(&e->rr, o->cache_slots, err);
    if (rc == CS_OK) rc = writer_init(&rw, e, w, o, &ws, err);
    if (rc != CS_OK) {
        ws_destroy(&ws);
        return rc;
    }
    cs_trial_batch_reset(&ws.b, first);
    uint64_t in_batch = 0; /* trials since the last flush (the batch holds them when w != NULL) */
    for (uint64_t k = 0; k < n && rc == CS_OK; k++) {
        const uint64_t t = first + k;
        /* Checked before every trial, so that a stop requested during a write (or by the
         * progress callback after one) takes effect right after it. */
        if (o->stop != NULL && *o->stop) {
            rc = in_batch > 0 ? flush(w, &ws, &rw, t, o, k, n, err) : CS_OK;
            if (rc == CS_OK) rc = settle(&rw, o, n, err); /* every write committed */
            if (rc == CS_OK) {
                sum->interrupted = true;
                rc = cs_errorf(err, CS_EINTR, "interrupted after %llu of %llu trials",
                               (unsigned long long)k, (unsigned long long)n);
            }
            break;
        }
        rc = trial(e, t, &ws.f, &ws.r, ws.cut, sum, err);
        if (rc == CS_OK) rc = add_trial(e, t, &ws, w != NULL ? &ws.b : NULL, err);
        if (rc != CS_OK) break;
        cs_engine_summarise(e, sum, t, &ws.r, ws.cut, ws.region_cut, &ws.m);
        if (e->rec != NULL) cs_engine_summarise_recovery(sum, &ws.o);
        if (++in_batch == ws.b.capacity || k + 1 == n) {
            rc = flush(w, &ws, &rw, t + 1, o, k + 1, n, err);
            in_batch = 0;
        }
    }
    if (rc == CS_OK) rc = settle(&rw, o, n, err); /* the last batch committed */
    if (n == 0 && rc == CS_OK && o->progress) o->progress(o->progress_ctx, 0, 0);
    writer_destroy(&rw); /* after a failure too: the thread is idle and gone before the return */
    ws_destroy(&ws);
    return rc;
}

cs_status cs_engine_run_block(cs_engine_t *e, uint64_t first, uint64_t n, size_t cache_slots,
                              cs_trial_batch *b, cs_run_summary *sum, cs_error *err)
{
    if (first > e->s->trials || n > e->s->trials - first || n > b->capacity)
        return cs_errorf(err, CS_EINVAL,
                         "block of %llu trials from trial %llu: expected at most %zu trials "
                         "within the scenario's %llu",
                         (unsigned long long)n, (unsigned long long)first, b->capacity,
                         (unsigned long long)e->s->trials);
    run_ws ws;
    cs_status rc = ws_init(&ws, e, 0, err);
    if (rc == CS_OK) rc = cs_reroute_cache_size(&e->rr, cache_slots, err);
    cs_trial_batch_reset(b, first);
    for (uint64_t k = 0; k < n && rc == CS_OK; k++) {
        const uint64_t t = first + k;
        rc = trial(e, t, &ws.f, &ws.r, ws.cut, sum, err);
        if (rc == CS_OK) rc = add_trial(e, t, &ws, b, err);
        if (rc == CS_OK) cs_engine_summarise(e, sum, t, &ws.r, ws.cut, ws.region_cut, &ws.m);
        if (rc == CS_OK && e->rec != NULL) cs_engine_summarise_recovery(sum, &ws.o);
    }
    ws_destroy(&ws);
    return rc;
}

cs_status cs_engine_intact_batch(cs_engine_t *e, cs_trial_batch *b, cs_error *err)
{
    const size_t ne = cs_topology_edge_count(e->t), nn = cs_topology_node_count(e->t);
    cs_status rc = cs_trial_batch_init(b, 1, cs_demand_count(e->d), ne, nn, e->n_pairs,
                                       e->s->output.edge_flow, err);
    if (rc != CS_OK) return rc;
    run_ws ws;
    memset(&ws, 0, sizeof ws);
    rc = cs_engine_batch_recovery(e, b, err);
    if (rc == CS_OK) rc = ws_init(&ws, e, 0, err);
    if (rc == CS_OK) { /* as trial() and add_trial() record a trial without failures */
        cs_failures_clear(&ws.f);
        pair_cuts(e, &e->intact, ws.cut);
        cs_engine_impact(e, &ws.f, &e->intact, &ws.m);
        rc = cs_trial_batch_add(b, &ws.f, &e->intact, ws.cut, err);
        if (rc == CS_OK) batch_impact(e, b, &ws.m);
        double *h = rc == CS_OK ? cs_trial_batch_row(b, CS_DS_REGION_HEADROOM, 0) : NULL;
        if (h != NULL) rc = cs_engine_headroom(e, &ws.f, &e->intact, h, err);
    }
    ws_destroy(&ws);
    if (rc != CS_OK) cs_trial_batch_destroy(b);
    return rc;
}
