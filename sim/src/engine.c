/*
 * engine.c: the Monte Carlo trial loop, with the intact-routing shortcut and
 * a routing cache keyed by the failure set.
 */
#include "cablesim/engine.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cablesim/hazard.h"
#include "cablesim/recovery.h"
#include "cablesim/rng.h"

/* One cached routing: the sorted failure set it answers, and the outcome. */
typedef struct {
    uint64_t hash;
    size_t key_len; /* 0 = empty slot */
    uint32_t *key;
    cs_routing_result r;
    bool used;
} cache_slot;

struct cs_engine {
    const cs_scenario *s;
    cs_topology_t *t;
    cs_demand_t *d;
    cs_hazard_t **hazards;
    cs_hazard_ws **hazard_ws; /* [n_hazards] each hazard's scratch */
    size_t n_hazards;
    cs_router_t *router;
    cs_routing_result intact, scratch;
    gsl_rng *rng;
    /* (Japanese city, foreign region) pairs: the demand's (cs_demand_pairs_of), borrowed */
    size_t n_pairs;
    const size_t *pair_of_demand; /* [n_demands], SIZE_MAX for domestic demands */
    size_t n_regions;
    const char *const *regions;
    const size_t *region_of_pair;
    cs_pair_table table;
    /* shortcut and cache */
    bool skip_ok;
    cache_slot *cache;
    size_t cache_slots;
    uint32_t *key;      /* scratch for building a key */
    cs_failures f_flow; /* scratch: the failures that touch intact flow */
    /* impact metrics (docs/model.md, "Impact metrics") */
    const unsigned char *reach; /* [n_demands] the router's: connected in the intact network */
    unsigned char *pair_reach;  /* [n_pairs] some demand of the pair is reachable */
    unsigned char *region_reach;
    size_t *region_of_demand; /* [n_demands] region of a reachable international demand, or none */
    double *region_demand;    /* [n_regions] reachable demand, Tbps */
    double *region_base_lat;  /* [n_regions] served-weighted latency of the intact network, ms */
    double *ecap;             /* [ne] capacity on the run's basis (design or lit) */
    unsigned char *eintl;     /* [ne] a segment between Japan and abroad */
    double intl_capacity;     /* sum of ecap over those */
    size_t *nadj_off, *nadj;  /* edges at each node (CSR) */
    unsigned char *emark, *cmark;
    double *lat_num, *lat_den;    /* [n_regions] scratch */
    cs_region_table region_table; /* /topology/regions */
    /* restoration (docs/model.md, "Restoration") */
    cs_restoration restor;
    double rho_cur;     /* the share the router's capacities are set for (1: none) */
    double *rcap;       /* [ne] those capacities */
    uint32_t ramp_step; /* recovery ramp: the day whose share is in force (0: the event's) */
    size_t ramp_steps;  /* first day at which the ramp is complete (0: no ramp) */
    /* recovery over time (all NULL or empty without a `recovery:` section) */
    cs_recovery_t *rec;
    /* Classifies the waters of cut places (/trials/cuts): the repair model, or without one a
     * model with its default parameters and no ships (owned then). */
    cs_recovery_t *waters;
    bool own_waters;
    cs_recovery_ws rws;
    cs_failures f_state;       /* what is down at one time */
    cs_routing_result r_state; /* its routing */
    double *up_edge, *up_node; /* [ne], [nn] when the i-th failed edge / node is back */
    double *seg_end;           /* [ne] end of the last repair of each failed segment */
    double *ev, *ev_served;    /* [2 (ne + nn) + 1] state changes and the served demand after */
    cs_estimator_t *est;       /* the scenario's `estimator:`, or NULL */
};

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

static bool node_in_japan(const cs_node *n)
{
    return strcmp(n->country, "JP") == 0;
}

/* Served-weighted mean latency per region of routing r into out[n_regions] (NAN: none served). */
static void region_latency(cs_engine_t *e, const double *served, const double *lat, double *out)
{
    for (size_t g = 0; g < e->n_regions; g++)
        e->lat_num[g] = e->lat_den[g] = 0.0;
    for (size_t i = 0; i < cs_demand_count(e->d); i++) {
        const size_t g = e->region_of_demand[i];
        if (g == SIZE_MAX || !(served[i] > 0.0) || !isfinite(lat[i])) continue;
        e->lat_num[g] += served[i] * lat[i];
        e->lat_den[g] += served[i];
    }
    for (size_t g = 0; g < e->n_regions; g++)
        out[g] = e->lat_den[g] > 0.0 ? e->lat_num[g] / e->lat_den[g] : NAN;
}

/*
 * What the impact metrics need, computed once: reachability of pairs and regions (demands
 * the intact network cannot serve at all are left out of every damage figure), each
 * region's reachable demand and intact latency, edge capacities on the run's basis, the
 * segments between Japan and abroad, and the edges at each node.
 */
static cs_status build_impact(cs_engine_t *e, cs_error *err)
{
    const size_t nd = cs_demand_count(e->d), ne = cs_topology_edge_count(e->t);
    const size_t nn = cs_topology_node_count(e->t), nc = cs_topology_cable_count(e->t);
    e->reach = cs_router_reachable(e->router);
    e->pair_reach = calloc(e->n_pairs + 1, 1);
    e->region_reach = calloc(e->n_regions + 1, 1);
    e->region_of_demand = malloc((nd + 1) * sizeof *e->region_of_demand);
    e->region_demand = calloc(e->n_regions + 1, sizeof *e->region_demand);
    e->region_base_lat = calloc(e->n_regions + 1, sizeof *e->region_base_lat);
    e->ecap = malloc((ne + 1) * sizeof *e->ecap);
    e->eintl = calloc(ne + 1, 1);
    e->nadj_off = calloc(nn + 2, sizeof *e->nadj_off);
    e->nadj = malloc((2 * ne + 1) * sizeof *e->nadj);
    e->emark = calloc(ne + 1, 1);
    e->cmark = calloc(nc + 1, 1);
    e->lat_num = calloc(e->n_regions + 1, sizeof *e->lat_num);
    e->lat_den = calloc(e->n_regions + 1, sizeof *e->lat_den);
    if (!e->pair_reach || !e->region_reach || !e->region_of_demand || !e->region_demand ||
        !e->region_base_lat || !e->ecap || !e->eintl || !e->nadj_off || !e->nadj || !e->emark ||
        !e->cmark || !e->lat_num || !e->lat_den)
        return cs_errorf(err, CS_ENOMEM, "out of memory for the impact metrics");
    for (size_t i = 0; i < nd; i++) {
        const size_t p = e->pair_of_demand[i];
        e->region_of_demand[i] = p != SIZE_MAX && e->reach[i] ? e->region_of_pair[p] : SIZE_MAX;
        if (e->region_of_demand[i] == SIZE_MAX) continue;
        e->pair_reach[p] = 1;
        e->region_reach[e->region_of_pair[p]] = 1;
        e->region_demand[e->region_of_pair[p]] +=
            cs_demand_entry_at(e->d, i)->demand_tbps * e->s->routing.demand_scale;
    }
    region_latency(e, e->intact.served_tbps, e->intact.latency_ms, e->region_base_lat);
    for (size_t j = 0; j < ne; j++) {
        const cs_edge *ed = cs_topology_edge(e->t, j);
        e->ecap[j] = e->s->routing.use_lit ? ed->lit_tbps : ed->capacity_tbps;
        const bool a = node_in_japan(cs_topology_node(e->t, ed->from));
        const bool b = node_in_japan(cs_topology_node(e->t, ed->to));
        e->eintl[j] = ed->kind == CS_EDGE_SEGMENT && a != b;
        if (e->eintl[j]) e->intl_capacity += e->ecap[j];
        e->nadj_off[ed->from + 2]++;
        e->nadj_off[ed->to + 2]++;
    }
    for (size_t v = 0; v < nn; v++)
        e->nadj_off[v + 2] += e->nadj_off[v + 1];
    for (size_t j = 0; j < ne; j++) {
        const cs_edge *ed = cs_topology_edge(e->t, j);
        e->nadj[e->nadj_off[ed->from + 1]++] = j;
        e->nadj[e->nadj_off[ed->to + 1]++] = j;
    }
    e->region_table =
        (cs_region_table){e->n_regions, e->regions, e->region_demand, e->region_reach};
    return CS_OK;
}

/*
 * Restoration (docs/model.md, "Restoration"): with share rho < 1, a trial whose failures
 * displace traffic is routed over c'_e = f0_e + rho (c_e - f0_e) on every cable segment, f0
 * the intact flow (terrestrial links keep c_e): traffic keeps the capacity it had, and what is
 * displaced may use only rho of the other systems' spare capacity. Sets the router's
 * capacities for rho (the topology's for rho >= 1).
 */
static cs_status set_share(cs_engine_t *e, double rho, cs_error *err)
{
    if (rho == e->rho_cur) return CS_OK;
    cs_status rc;
    if (rho >= 1.0)
        rc = cs_router_set_capacity(e->router, NULL, err);
    else {
        for (size_t j = 0; j < cs_topology_edge_count(e->t); j++) {
            const double f0 = fmin(e->intact.edge_flow_tbps[j], e->ecap[j]);
            e->rcap[j] = cs_topology_edge(e->t, j)->kind == CS_EDGE_SEGMENT
                             ? f0 + rho * (e->ecap[j] - f0)
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
    e->rcap = malloc((cs_topology_edge_count(e->t) + 1) * sizeof *e->rcap);
    if (e->rcap == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for restoration");
    e->rho_cur = 1.0;
    return set_share(e, r->at_event, err);
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
    if ((rc = build_impact(e, err)) != CS_OK) goto fail;
    if ((rc = restoration(e, err)) != CS_OK) goto fail;
    e->rng = cs_rng_alloc();
    e->key = malloc((ne + cs_topology_node_count(e->t) + 4) * sizeof *e->key);
    if (e->rng == NULL || e->key == NULL) {
        rc = cs_errorf(err, CS_ENOMEM, "out of memory for the engine");
        goto fail;
    }
    if ((rc = cs_failures_init(&e->f_flow, ne, cs_topology_node_count(e->t), err)) != CS_OK)
        goto fail;
    e->skip_ok = cs_router_ignores_unused_edges(e->router);
    if ((rc = recovery_alloc(e, err)) != CS_OK || (rc = waters_alloc(e, err)) != CS_OK ||
        (rc = estimator_alloc(e, err)) != CS_OK)
        goto fail;
    *out = e;
    return CS_OK;
fail:
    cs_engine_free(e);
    return rc;
}

static void cache_free(cs_engine_t *e)
{
    for (size_t i = 0; i < e->cache_slots; i++) {
        free(e->cache[i].key);
        if (e->cache[i].used) cs_routing_result_destroy(&e->cache[i].r);
    }
    free(e->cache);
    e->cache = NULL;
    e->cache_slots = 0;
}

void cs_engine_free(cs_engine_t *e)
{
    if (e == NULL) return;
    cs_estimator_free(e->est);
    cache_free(e);
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
    free(e->nadj_off);
    free(e->nadj);
    free(e->emark);
    free(e->cmark);
    free(e->lat_num);
    free(e->lat_den);
    free(e->key);
    free(e->rcap);
    cs_failures_destroy(&e->f_flow);
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

static int cmp_u32(const void *a, const void *b)
{
    const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/*
 * Builds the cache key of f: the failed edges that carry flow in the intact
 * network (sorted), UINT32_MAX, the failed nodes (sorted). Also fills
 * f_flow with just those edges and nodes. Returns the key's length.
 */
static size_t make_key(const cs_engine_t *e, uint32_t *key, const cs_failures *f,
                       cs_failures *f_flow)
{
    size_t n = 0;
    cs_failures_clear(f_flow);
    for (size_t i = 0; i < f->n_edges; i++)
        if (e->intact.edge_flow_tbps[f->edges[i]] > 0.0) {
            key[n++] = (uint32_t)f->edges[i];
            cs_failures_fail_edge(f_flow, f->edges[i]);
        }
    qsort(key, n, sizeof *key, cmp_u32);
    key[n++] = UINT32_MAX;
    const size_t start = n;
    for (size_t i = 0; i < f->n_nodes; i++) {
        key[n++] = (uint32_t)f->nodes[i];
        cs_failures_fail_node(f_flow, f->nodes[i]);
    }
    qsort(key + start, n - start, sizeof *key, cmp_u32);
    if (e->ramp_step > 0) { /* a share of the recovery ramp: its own routings */
        key[n++] = UINT32_MAX;
        key[n++] = e->ramp_step;
    }
    /* e->key holds ne + nn + 4 entries: at most every edge, the separators, every node and the
     * ramp step. */
    assert(n <= cs_topology_edge_count(e->t) + cs_topology_node_count(e->t) + 3);
    return n;
}

static uint64_t hash_key(const uint32_t *key, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= key[i];
        h *= 1099511628211ull;
        h ^= h >> 29;
    }
    return h;
}

/*
 * Whether failures f leave routing r's traffic in place: every edge f takes down carries no
 * flow in r, and no connected demand of r went wholly unserved (removing an unused edge could
 * disconnect such a demand). For r the intact routing: f displaces no traffic (restoration).
 */
static bool keeps_routing(const cs_engine_t *e, const cs_routing_result *r, const cs_failures *f)
{
    for (size_t i = 0; i < f->n_edges; i++)
        if (r->edge_flow_tbps[f->edges[i]] > 0.0) return false;
    if (f->n_nodes > 0)
        for (size_t j = 0; j < cs_topology_edge_count(e->t); j++)
            if (cs_failures_edge_down(f, e->t, j) && r->edge_flow_tbps[j] > 0.0) return false;
    for (size_t i = 0; i < r->n_demands; i++)
        if (r->connected[i] && !(r->served_tbps[i] > 0.0)) return false;
    return true;
}

/*
 * Whether routing r (made without the failures of f that are not in r's own failure set) is
 * also the routing of f: when f keeps r's traffic in place. Latency-first only: removing edges a
 * routing does not use leaves every shortest-path choice, and so the whole routing, unchanged.
 */
static bool still_valid(const cs_engine_t *e, const cs_routing_result *r, const cs_failures *f)
{
    assert(cs_router_ignores_unused_edges(e->router));
    return keeps_routing(e, r, f);
}

static cache_slot *cache_store(cs_engine_t *e, uint64_t h, size_t klen, const cs_routing_result *r)
{
    cache_slot *slot = &e->cache[h % e->cache_slots];
    uint32_t *k = realloc(slot->key, klen * sizeof *k);
    if (k == NULL) {
        slot->key_len = 0; /* caching is optional: forget this slot */
        return NULL;
    }
    slot->key = k;
    memcpy(slot->key, e->key, klen * sizeof *k);
    slot->key_len = klen;
    slot->hash = h;
    cs_routing_result_copy(&slot->r, r);
    return slot;
}

/*
 * Routes f into r. With latency-first routing, the routing of the failures
 * that touch intact-flow edges (f_flow) is looked up in the cache (or
 * computed and stored), and used if it is also valid for f (still_valid);
 * otherwise f is routed in full. Every path returns exactly what routing f
 * would.
 */
static cs_status route(cs_engine_t *e, const cs_failures *f, cs_routing_result *r,
                       cs_run_summary *sum, cs_error *err)
{
    if (f->n_edges == 0 && f->n_nodes == 0) {
        cs_routing_result_copy(r, &e->intact);
        if (sum) sum->skipped++;
        return CS_OK;
    }
    /* With restoration, failures that displace no traffic leave the intact routing, whatever
     * the policy (the restricted capacities are for displaced traffic only). */
    if (e->rho_cur < 1.0 && keeps_routing(e, &e->intact, f)) {
        cs_routing_result_copy(r, &e->intact);
        if (sum) sum->skipped++;
        return CS_OK;
    }
    if (e->skip_ok) {
        const size_t klen = make_key(e, e->key, f, &e->f_flow);
        if (e->f_flow.n_edges == 0 && e->f_flow.n_nodes == 0 && still_valid(e, &e->intact, f)) {
            cs_routing_result_copy(r, &e->intact);
            if (sum) sum->skipped++;
            return CS_OK;
        }
        if (e->cache_slots > 0) {
            const uint64_t h = hash_key(e->key, klen);
            cache_slot *slot = &e->cache[h % e->cache_slots];
            const bool hit = slot->key_len == klen && slot->hash == h &&
                             memcmp(slot->key, e->key, klen * sizeof *e->key) == 0;
            if (!hit) {
                const cs_status rc = cs_router_route(e->router, &e->f_flow, r, err);
                if (rc != CS_OK) return rc;
                if (sum) sum->routed++;
                cache_store(e, h, klen, r);
                if (still_valid(e, r, f)) return CS_OK;
            } else if (still_valid(e, &slot->r, f)) {
                cs_routing_result_copy(r, &slot->r);
                if (sum) sum->cache_hits++;
                return CS_OK;
            }
        }
    }
    const cs_status rc = cs_router_route(e->router, f, r, err);
    if (rc == CS_OK && sum) sum->routed++;
    return rc;
}

static void pair_cuts(const cs_engine_t *e, const cs_routing_result *r, unsigned char *cut)
{
    for (size_t p = 0; p < e->n_pairs; p++)
        cut[p] = 1;
    for (size_t i = 0; i < r->n_demands; i++) {
        const size_t p = e->pair_of_demand[i];
        assert(p == SIZE_MAX || p < e->n_pairs);
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

/* ------------------------------------------------------------- impact */

cs_status cs_trial_impact_init(cs_trial_impact *m, const cs_engine_t *e, cs_error *err)
{
    memset(m, 0, sizeof *m);
    m->n_regions = e->n_regions;
    m->region_served_fraction = calloc(e->n_regions + 1, sizeof *m->region_served_fraction);
    m->region_latency_added_ms = calloc(e->n_regions + 1, sizeof *m->region_latency_added_ms);
    if (m->region_served_fraction == NULL || m->region_latency_added_ms == NULL) {
        cs_trial_impact_destroy(m);
        return cs_errorf(err, CS_ENOMEM, "out of memory for the impact of a trial");
    }
    return CS_OK;
}

void cs_trial_impact_destroy(cs_trial_impact *m)
{
    free(m->region_served_fraction);
    free(m->region_latency_added_ms);
    memset(m, 0, sizeof *m);
}

double cs_engine_intl_capacity(const cs_engine_t *e)
{
    return e->intl_capacity;
}

const unsigned char *cs_engine_pair_reachable(const cs_engine_t *e)
{
    return e->pair_reach;
}

const cs_region_table *cs_engine_regions(const cs_engine_t *e)
{
    return &e->region_table;
}

/* Counts edge j as down once (emark), with its capacity and its cable. */
static void impact_edge(cs_engine_t *e, size_t j, cs_trial_impact *m)
{
    if (e->emark[j]) return;
    e->emark[j] = 1;
    m->capacity_lost_tbps += e->ecap[j];
    if (e->eintl[j]) m->intl_capacity_lost_tbps += e->ecap[j];
    const size_t c = cs_topology_edge(e->t, j)->cable_index;
    if (c != SIZE_MAX && !e->cmark[c]) {
        e->cmark[c] = 1;
        m->systems_lost++;
    }
}

static void impact_values(cs_engine_t *e, const cs_failures *f, const double *served,
                          const double *lat, cs_trial_impact *m)
{
    m->systems_lost = 0;
    m->stations_lost = (uint32_t)f->n_nodes;
    m->capacity_lost_tbps = m->intl_capacity_lost_tbps = 0.0;
    for (size_t i = 0; i < f->n_edges; i++)
        impact_edge(e, f->edges[i], m);
    for (size_t i = 0; i < f->n_nodes; i++)
        for (size_t k = e->nadj_off[f->nodes[i]]; k < e->nadj_off[f->nodes[i] + 1]; k++)
            impact_edge(e, e->nadj[k], m);
    /* Clear the marks: only edges and cables touched above. */
    for (size_t i = 0; i < f->n_edges; i++) {
        e->emark[f->edges[i]] = 0;
        const size_t c = cs_topology_edge(e->t, f->edges[i])->cable_index;
        if (c != SIZE_MAX) e->cmark[c] = 0;
    }
    for (size_t i = 0; i < f->n_nodes; i++)
        for (size_t k = e->nadj_off[f->nodes[i]]; k < e->nadj_off[f->nodes[i] + 1]; k++) {
            e->emark[e->nadj[k]] = 0;
            const size_t c = cs_topology_edge(e->t, e->nadj[k])->cable_index;
            if (c != SIZE_MAX) e->cmark[c] = 0;
        }
    for (size_t g = 0; g < e->n_regions; g++)
        m->region_served_fraction[g] = 0.0;
    for (size_t i = 0; i < cs_demand_count(e->d); i++)
        if (e->region_of_demand[i] != SIZE_MAX)
            m->region_served_fraction[e->region_of_demand[i]] += served[i];
    for (size_t g = 0; g < e->n_regions; g++)
        m->region_served_fraction[g] =
            e->region_demand[g] > 0.0 ? m->region_served_fraction[g] / e->region_demand[g] : NAN;
    region_latency(e, served, lat, m->region_latency_added_ms);
    for (size_t g = 0; g < e->n_regions; g++)
        m->region_latency_added_ms[g] -= e->region_base_lat[g];
}

void cs_engine_impact(cs_engine_t *e, const cs_failures *f, const cs_routing_result *r,
                      cs_trial_impact *m)
{
    impact_values(e, f, r->served_tbps, r->latency_ms, m);
}

/* Headroom of region g: one max flow on the spare capacities (see engine.h). */
static cs_status headroom_of(const cs_engine_t *e, size_t g, const cs_failures *f,
                             const cs_routing_result *r, double *out, cs_error *err)
{
    const size_t nn = cs_topology_node_count(e->t), ne = cs_topology_edge_count(e->t);
    const size_t nd = cs_demand_count(e->d);
    const igraph_integer_t S = (igraph_integer_t)nn, T = S + 1;
    igraph_vector_int_t ev;
    igraph_vector_t cap;
    igraph_t gr;
    bool have_g = false;
    cs_status rc = CS_OK;
    if (igraph_vector_int_init(&ev, 0) != IGRAPH_SUCCESS)
        return cs_errorf(err, CS_ENOMEM, "out of memory");
    if (igraph_vector_init(&cap, 0) != IGRAPH_SUCCESS) {
        igraph_vector_int_destroy(&ev);
        return cs_errorf(err, CS_ENOMEM, "out of memory");
    }
    bool ok = true;
    /* The capacities r was routed on: with restoration, those of displaced traffic. */
    const double *cap0 =
        e->rho_cur < 1.0 && f != NULL && !keeps_routing(e, &e->intact, f) ? e->rcap : e->ecap;
    double big = 1.0; /* more than any cut: the super-source and super-sink links never bind */
    for (size_t j = 0; j < ne; j++)
        big += e->ecap[j];
    for (size_t j = 0; j < ne && ok; j++) {
        const cs_edge *ed = cs_topology_edge(e->t, j);
        if (f != NULL && cs_failures_edge_down(f, e->t, j)) continue;
        if (!ed->transit) { /* open to Japan's traffic with g: a link of Japan or of g */
            const char *c = cs_topology_node(e->t, ed->from)->country;
            bool open = strcmp(c, "JP") == 0;
            for (size_t i = 0; i < nd && !open; i++)
                open =
                    e->region_of_demand[i] == g &&
                    (strcmp(cs_topology_node(e->t, cs_demand_entry_at(e->d, i)->origin)->country,
                            c) == 0 ||
                     strcmp(
                         cs_topology_node(e->t, cs_demand_entry_at(e->d, i)->destination)->country,
                         c) == 0);
            if (!open) continue;
        }
        ok = igraph_vector_int_push_back(&ev, (igraph_integer_t)ed->from) == IGRAPH_SUCCESS &&
             igraph_vector_int_push_back(&ev, (igraph_integer_t)ed->to) == IGRAPH_SUCCESS &&
             igraph_vector_push_back(&cap, fmax(0.0, cap0[j] - r->edge_flow_tbps[j])) ==
                 IGRAPH_SUCCESS;
    }
    for (size_t i = 0; i < nd && ok; i++) {
        if (e->region_of_demand[i] != g) continue;
        const cs_demand_entry *de = cs_demand_entry_at(e->d, i);
        const bool ja = node_in_japan(cs_topology_node(e->t, de->origin));
        const size_t home = ja ? de->origin : de->destination,
                     away = ja ? de->destination : de->origin;
        ok = igraph_vector_int_push_back(&ev, S) == IGRAPH_SUCCESS &&
             igraph_vector_int_push_back(&ev, (igraph_integer_t)home) == IGRAPH_SUCCESS &&
             igraph_vector_push_back(&cap, big) == IGRAPH_SUCCESS &&
             igraph_vector_int_push_back(&ev, (igraph_integer_t)away) == IGRAPH_SUCCESS &&
             igraph_vector_int_push_back(&ev, T) == IGRAPH_SUCCESS &&
             igraph_vector_push_back(&cap, big) == IGRAPH_SUCCESS;
    }
    igraph_real_t v = 0.0;
    if (!ok ||
        igraph_create(&gr, &ev, (igraph_integer_t)nn + 2, IGRAPH_UNDIRECTED) != IGRAPH_SUCCESS)
        rc = cs_errorf(err, CS_ENOMEM, "out of memory for the headroom graph");
    else {
        have_g = true;
        if (igraph_maxflow_value(&gr, &v, S, T, &cap, NULL) != IGRAPH_SUCCESS)
            rc = cs_errorf(err, CS_ENOMEM, "out of memory for the headroom max flow");
    }
    *out = v;
    if (have_g) igraph_destroy(&gr);
    igraph_vector_int_destroy(&ev);
    igraph_vector_destroy(&cap);
    return rc;
}

cs_status cs_engine_headroom(const cs_engine_t *e, const cs_failures *f, const cs_routing_result *r,
                             double *out, cs_error *err)
{
    for (size_t g = 0; g < e->n_regions; g++) {
        out[g] = NAN;
        if (!e->region_reach[g]) continue;
        const cs_status rc = headroom_of(e, g, f, r, &out[g], err);
        if (rc != CS_OK) return rc;
    }
    return CS_OK;
}

/* ------------------------------------------------------------- summary */

cs_status cs_run_summary_init(cs_run_summary *s, const cs_engine_t *e, cs_error *err)
{
    memset(s, 0, sizeof *s);
    s->n_regions = e->n_regions;
    s->regions = e->regions;
    s->n_demands = cs_demand_count(e->d);
    s->region_cut = calloc(e->n_regions + 1, sizeof *s->region_cut);
    s->demand_unserved_trials = calloc(s->n_demands + 1, sizeof *s->demand_unserved_trials);
    s->served_sum = calloc(s->n_demands + 1, sizeof *s->served_sum);
    s->region_served_sum = calloc(e->n_regions + 1, sizeof *s->region_served_sum);
    s->region_below90 = calloc(e->n_regions + 1, sizeof *s->region_below90);
    s->region_lat_sum = calloc(e->n_regions + 1, sizeof *s->region_lat_sum);
    s->region_lat_n = calloc(e->n_regions + 1, sizeof *s->region_lat_n);
    s->region_lat_max = calloc(e->n_regions + 1, sizeof *s->region_lat_max);
    s->region_reachable = e->region_reach;
    if (!s->region_cut || !s->demand_unserved_trials || !s->served_sum || !s->region_served_sum ||
        !s->region_below90 || !s->region_lat_sum || !s->region_lat_n || !s->region_lat_max) {
        cs_run_summary_destroy(s);
        return cs_errorf(err, CS_ENOMEM, "out of memory for the run summary");
    }
    for (size_t g = 0; g < e->n_regions; g++)
        s->region_lat_max[g] = -INFINITY;
    s->rare = e->est != NULL;
    s->weighted = e->s->weighted;
    if (e->rec == NULL) return CS_OK;
    s->recovery = true;
    s->horizon_days = cs_recovery_get_params(e->rec)->horizon_days;
    s->n_ships = cs_recovery_ship_count(e->rec);
    s->ship_busy_sum = calloc(s->n_ships + 1, sizeof *s->ship_busy_sum);
    s->t90_hist = calloc(CS_RUN_T90_BINS + 1, sizeof *s->t90_hist);
    if (!s->ship_busy_sum || !s->t90_hist) {
        cs_run_summary_destroy(s);
        return cs_errorf(err, CS_ENOMEM, "out of memory for the run summary");
    }
    return CS_OK;
}

static void summarise_recovery_values(cs_run_summary *s, const double *busy, double unserved,
                                      double capacity, double t90)
{
    for (size_t k = 0; k < s->n_ships; k++)
        s->ship_busy_sum[k] += busy[k];
    s->unserved_days_sum += unserved;
    s->capacity_days_sum += capacity;
    size_t b = CS_RUN_T90_BINS;
    if (isfinite(t90))
        b = (size_t)fmin(ceil(t90 / s->horizon_days * (CS_RUN_T90_BINS - 1)), CS_RUN_T90_BINS - 1);
    s->t90_hist[b]++;
}

static void summarise_recovery(cs_run_summary *s, const cs_recovery_outcome *o)
{
    summarise_recovery_values(s, o->ship_busy_days, o->unserved_tbps_days, o->capacity_tbps_days,
                              o->t90_days);
}

bool cs_run_summary_varied(const cs_run_summary *s)
{
    return s->trials > 1 &&
           (s->max_unserved > s->min_unserved || s->capacity_lost_max > s->capacity_lost_min);
}

double cs_run_summary_t90_quantile(const cs_run_summary *s, double q)
{
    if (!s->recovery || s->trials == 0) return NAN;
    const double want = q * (double)s->trials;
    uint64_t acc = 0;
    for (size_t b = 0; b <= CS_RUN_T90_BINS; b++) {
        acc += s->t90_hist[b];
        if ((double)acc >= want && acc > 0)
            return b == CS_RUN_T90_BINS ? INFINITY
                                        : (double)b * s->horizon_days / (CS_RUN_T90_BINS - 1);
    }
    return INFINITY;
}

void cs_run_summary_destroy(cs_run_summary *s)
{
    free(s->region_cut);
    free(s->demand_unserved_trials);
    free(s->served_sum);
    free(s->ship_busy_sum);
    free(s->t90_hist);
    free(s->region_served_sum);
    free(s->region_below90);
    free(s->region_lat_sum);
    free(s->region_lat_n);
    free(s->region_lat_max);
    memset(s, 0, sizeof *s);
}

/* Adds trial t's outcome: unserved Tbps x, served[n_demands], pair cut flags cut[n_pairs]. */
static void summarise_values(const cs_engine_t *e, cs_run_summary *s, uint64_t t, double x,
                             const double *served, const unsigned char *cut, bool *region_cut)
{
    s->trials++;
    const double delta = x - s->mean_unserved;
    s->mean_unserved += delta / (double)s->trials;
    s->m2_unserved += delta * (x - s->mean_unserved);
    if (s->trials == 1 || x > s->max_unserved) {
        s->max_unserved = x;
        s->worst_trial = t;
    }
    for (size_t i = 0; i < s->n_demands; i++) {
        const double want = cs_demand_entry_at(e->d, i)->demand_tbps * e->s->routing.demand_scale;
        s->served_sum[i] += served[i];
        if (e->reach[i] && served[i] < want * (1.0 - 1e-9)) s->demand_unserved_trials[i]++;
    }
    cs_engine_region_cut(e, cut, region_cut);
    for (size_t g = 0; g < e->n_regions; g++)
        s->region_cut[g] += region_cut[g];
}

void cs_engine_region_cut(const cs_engine_t *e, const unsigned char *pair_cut, bool *cut)
{
    /* A region is cut off when every pair the intact network serves is cut; regions it does
     * not serve at all are never counted (their pairs are cut in every trial). */
    for (size_t g = 0; g < e->n_regions; g++)
        cut[g] = e->region_reach[g];
    for (size_t p = 0; p < e->n_pairs; p++)
        if (!pair_cut[p]) cut[e->region_of_pair[p]] = false;
}

/* Adds a trial of weight w (unserved x, impact m, regions cut) to the rare-event sums. */
static void summarise_rare(const cs_engine_t *e, cs_run_summary *s, double w, double x,
                           const cs_trial_impact *m, const bool *region_cut)
{
    const cs_trial_outcome o = {x,
                                m->capacity_lost_tbps,
                                m->intl_capacity_lost_tbps,
                                e->intl_capacity,
                                m->region_served_fraction,
                                region_cut};
    cs_rare_sums_add(&s->rare_sums, w, cs_target_event(cs_estimator_target(e->est), &o), x,
                     m->capacity_lost_tbps, m->intl_capacity_lost_tbps);
}

/* Adds the impact m of a trial with failures f and unserved demand x. */
static void summarise_impact(const cs_engine_t *e, cs_run_summary *s, const cs_trial_impact *m,
                             double x)
{
    const double base = e->intact.unserved_tbps, demand = e->intact.demand_tbps;
    s->loss_trials += x > base + 1e-9 * (1.0 + demand);
    s->systems_lost_sum += m->systems_lost;
    s->stations_lost_sum += m->stations_lost;
    s->capacity_lost_sum += m->capacity_lost_tbps;
    s->intl_capacity_lost_sum += m->intl_capacity_lost_tbps;
    s->capacity_lost_max = fmax(s->capacity_lost_max, m->capacity_lost_tbps);
    for (size_t g = 0; g < s->n_regions; g++) {
        if (!e->region_reach[g]) continue;
        s->region_served_sum[g] += m->region_served_fraction[g];
        s->region_below90[g] += m->region_served_fraction[g] < CS_RUN_DEGRADED;
        const double l = m->region_latency_added_ms[g];
        if (isnan(l)) continue;
        s->region_lat_sum[g] += l;
        s->region_lat_n[g]++;
        s->region_lat_max[g] = fmax(s->region_lat_max[g], l);
    }
    if (s->trials == 1 || x < s->min_unserved) s->min_unserved = x;
    if (s->trials == 1 || m->capacity_lost_tbps < s->capacity_lost_min)
        s->capacity_lost_min = m->capacity_lost_tbps;
}

/* Adds trial t (routing r, impact m as add_trial computed it) to s. */
static void summarise(cs_engine_t *e, cs_run_summary *s, uint64_t t, const cs_routing_result *r,
                      const unsigned char *cut, bool *region_cut, const cs_trial_impact *m)
{
    summarise_values(e, s, t, r->unserved_tbps, r->served_tbps, cut, region_cut);
    summarise_impact(e, s, m, r->unserved_tbps);
    if (e->est != NULL)
        summarise_rare(e, s, cs_estimator_weight(e->est), r->unserved_tbps, m, region_cut);
}

cs_status cs_run_summary_add_batch(cs_run_summary *s, cs_engine_t *e, const cs_trial_batch *b,
                                   cs_error *err)
{
    if (b->n_demands != s->n_demands || b->n_pairs != e->n_pairs)
        return cs_errorf(
            err, CS_EINVAL,
            "summary: expected a batch of %zu demands and %zu pairs, found %zu and %zu",
            s->n_demands, e->n_pairs, b->n_demands, b->n_pairs);
    bool *region_cut = calloc(e->n_regions + 1, sizeof *region_cut);
    cs_trial_impact m;
    if (region_cut == NULL || cs_trial_impact_init(&m, e, err) != CS_OK) {
        free(region_cut);
        return cs_errorf(err, CS_ENOMEM, "out of memory for the summary");
    }
    /* The impact as the trials recorded it (a batch read back from a file). */
    cs_trial_batch *bb = (cs_trial_batch *)b; /* cs_trial_batch_row only reads here */
    const bool impact = cs_trial_batch_has(b, CS_DS_CAPACITY_LOST);
    for (size_t i = 0; i < b->n; i++) {
        summarise_values(e, s, b->first_trial + i, b->unserved_tbps[i],
                         b->served_tbps + i * b->n_demands, b->pair_cut + i * b->n_pairs,
                         region_cut);
        if (!impact) continue;
        m.capacity_lost_tbps = *(double *)cs_trial_batch_row(bb, CS_DS_CAPACITY_LOST, i);
        m.intl_capacity_lost_tbps = *(double *)cs_trial_batch_row(bb, CS_DS_INTL_CAPACITY_LOST, i);
        m.systems_lost = *(uint32_t *)cs_trial_batch_row(bb, CS_DS_SYSTEMS_LOST, i);
        m.stations_lost = *(uint32_t *)cs_trial_batch_row(bb, CS_DS_STATIONS_LOST, i);
        memcpy(m.region_served_fraction, cs_trial_batch_row(bb, CS_DS_REGION_SERVED, i),
               e->n_regions * sizeof(double));
        memcpy(m.region_latency_added_ms, cs_trial_batch_row(bb, CS_DS_REGION_LATENCY, i),
               e->n_regions * sizeof(double));
        summarise_impact(e, s, &m, b->unserved_tbps[i]);
        const double *w = cs_trial_batch_row(bb, CS_DS_WEIGHT, i);
        if (e->est != NULL) summarise_rare(e, s, w ? *w : 1.0, b->unserved_tbps[i], &m, region_cut);
    }
    cs_trial_impact_destroy(&m);
    for (size_t i = 0; s->recovery && b->n_steps > 0 && i < b->n; i++)
        summarise_recovery_values(s, b->rec_ship_busy_days + i * b->n_ships,
                                  b->rec_unserved_days[i], b->rec_capacity_days[i],
                                  b->rec_t90_days[i]);
    free(region_cut);
    return CS_OK;
}

/*
 * Merges the statistics of two disjoint sets of trials (Chan, Golub and LeVeque's pairwise
 * update of the mean and the sum of squared deviations); the worst trial is the larger unserved
 * demand, the lower trial index on ties, as in a single run.
 */
cs_status cs_run_summary_merge(cs_run_summary *dst, const cs_run_summary *src, cs_error *err)
{
    if (dst->n_regions != src->n_regions || dst->n_demands != src->n_demands)
        return cs_errorf(err, CS_EINVAL,
                         "run summary merge: expected %zu regions and %zu demands, found %zu and "
                         "%zu",
                         dst->n_regions, dst->n_demands, src->n_regions, src->n_demands);
    if (dst->recovery != src->recovery || dst->n_ships != src->n_ships)
        return cs_errorf(err, CS_EINVAL,
                         "run summary merge: expected %s with %zu ships, found %s with %zu",
                         dst->recovery ? "recovery" : "no recovery", dst->n_ships,
                         src->recovery ? "recovery" : "no recovery", src->n_ships);
    if (src->trials == 0) return CS_OK;
    const double na = (double)dst->trials, nb = (double)src->trials, n = na + nb;
    const double delta = src->mean_unserved - dst->mean_unserved;
    if (dst->trials == 0 || src->max_unserved > dst->max_unserved ||
        (!(src->max_unserved < dst->max_unserved) && src->worst_trial < dst->worst_trial)) {
        dst->max_unserved = src->max_unserved;
        dst->worst_trial = src->worst_trial;
    }
    dst->mean_unserved += delta * nb / n;
    dst->m2_unserved += src->m2_unserved + delta * delta * na * nb / n;
    dst->trials += src->trials;
    for (size_t g = 0; g < dst->n_regions; g++)
        dst->region_cut[g] += src->region_cut[g];
    for (size_t i = 0; i < dst->n_demands; i++) {
        dst->demand_unserved_trials[i] += src->demand_unserved_trials[i];
        dst->served_sum[i] += src->served_sum[i];
    }
    dst->loss_trials += src->loss_trials;
    dst->systems_lost_sum += src->systems_lost_sum;
    dst->stations_lost_sum += src->stations_lost_sum;
    dst->capacity_lost_sum += src->capacity_lost_sum;
    dst->intl_capacity_lost_sum += src->intl_capacity_lost_sum;
    dst->capacity_lost_max = fmax(dst->capacity_lost_max, src->capacity_lost_max);
    for (size_t g = 0; g < dst->n_regions; g++) {
        dst->region_served_sum[g] += src->region_served_sum[g];
        dst->region_below90[g] += src->region_below90[g];
        dst->region_lat_sum[g] += src->region_lat_sum[g];
        dst->region_lat_n[g] += src->region_lat_n[g];
        dst->region_lat_max[g] = fmax(dst->region_lat_max[g], src->region_lat_max[g]);
    }
    const bool first = dst->trials == src->trials; /* dst had none before */
    dst->min_unserved = first ? src->min_unserved : fmin(dst->min_unserved, src->min_unserved);
    dst->capacity_lost_min =
        first ? src->capacity_lost_min : fmin(dst->capacity_lost_min, src->capacity_lost_min);
    dst->skipped += src->skipped;
    dst->cache_hits += src->cache_hits;
    dst->routed += src->routed;
    dst->interrupted = dst->interrupted || src->interrupted;
    cs_rare_sums_merge(&dst->rare_sums, &src->rare_sums);
    if (!dst->recovery) return CS_OK;
    for (size_t k = 0; k < dst->n_ships; k++)
        dst->ship_busy_sum[k] += src->ship_busy_sum[k];
    dst->unserved_days_sum += src->unserved_days_sum;
    dst->capacity_days_sum += src->capacity_days_sum;
    for (size_t b = 0; b <= CS_RUN_T90_BINS; b++)
        dst->t90_hist[b] += src->t90_hist[b];
    return CS_OK;
}

/* -------------------------------------------------------------- the run */

typedef struct {
    cs_failures f;
    cs_routing_result r;
    cs_trial_batch b;
    unsigned char *cut;
    bool *region_cut;
    cs_trial_impact m;
    cs_recovery_outcome o;     /* with recovery only */
    unsigned char *cut_waters; /* [cap_waters] waters class of each cut of the trial */
    size_t cap_waters;
} run_ws;

static void ws_destroy(run_ws *w)
{
    cs_failures_destroy(&w->f);
    cs_routing_result_destroy(&w->r);
    cs_trial_batch_destroy(&w->b);
    free(w->cut);
    free(w->region_cut);
    cs_trial_impact_destroy(&w->m);
    free(w->cut_waters);
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
    if (w->cut == NULL || w->region_cut == NULL)
        return cs_errorf(err, CS_ENOMEM, "out of memory for the trial workspace");
    if ((rc = cs_trial_impact_init(&w->m, e, err)) != CS_OK) return rc;
    if (e->rec != NULL) return cs_recovery_outcome_init(&w->o, e->rec, ne, err);
    return CS_OK;
}

static cs_status ensure_cache(cs_engine_t *e, size_t slots, cs_error *err)
{
    if (e->cache_slots == slots) return CS_OK;
    cache_free(e);
    if (slots == 0) return CS_OK;
    e->cache = calloc(slots, sizeof *e->cache);
    if (e->cache == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for the routing cache");
    e->cache_slots = slots;
    /* Allocated up front so that memory does not creep up as slots fill: a
     * run's footprint is the same for 10^4 trials as for 10^8. */
    const size_t nd = e->intact.n_demands, ne = e->intact.n_edges;
    for (size_t i = 0; i < slots; i++) {
        if (cs_routing_result_init(&e->cache[i].r, nd, ne, err) != CS_OK) return CS_ENOMEM;
        e->cache[i].used = true;
        e->cache[i].key_len = 0; /* empty: matches no key */
    }
    return CS_OK;
}

/* Writes impact m into the batch's impact rows of its last trial (when it holds them). */
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
    if ((x = cs_trial_batch_row(b, CS_DS_REGION_SERVED, i)) != NULL)
        memcpy(x, m->region_served_fraction, e->n_regions * sizeof *x);
    if ((x = cs_trial_batch_row(b, CS_DS_REGION_LATENCY, i)) != NULL)
        memcpy(x, m->region_latency_added_ms, e->n_regions * sizeof *x);
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
        ws->cut_waters[i] = (unsigned char)cs_recovery_waters(e->waters, f->cuts[i].at);
    return CS_OK;
}

/* Appends the trial in ws to b (its impact computed into ws->m, with its cuts and hazard events),
 * with its recovery over time when the scenario has one. */
static cs_status add_trial(cs_engine_t *e, uint64_t t, run_ws *ws, cs_trial_batch *b, cs_error *err)
{
    cs_status rc = e->rec != NULL ? recover(e, t, &ws->f, &ws->o, err) : CS_OK;
    cs_engine_impact(e, &ws->f, &ws->r, &ws->m);
    if (rc == CS_OK) rc = cs_trial_batch_add(b, &ws->f, &ws->r, ws->cut, err);
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

static cs_status flush(cs_results_t *w, run_ws *ws, uint64_t next, const cs_engine_options *o,
                       uint64_t done, uint64_t total, cs_error *err)
{
    if (ws->b.n > 0 && w != NULL) {
        const cs_status rc = cs_results_write_batch(w, &ws->b, err);
        if (rc != CS_OK) return rc;
    }
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
    cs_status rc = ws_init(&ws, e, e->s->output.batch_trials, err);
    if (rc == CS_OK) rc = ensure_cache(e, o->cache_slots, err);
    if (rc != CS_OK) {
        ws_destroy(&ws);
        return rc;
    }
    cs_trial_batch_reset(&ws.b, first);
    for (uint64_t k = 0; k < n && rc == CS_OK; k++) {
        const uint64_t t = first + k;
        /* Checked before every trial, so that a stop requested during a write (or by the
         * progress callback after one) takes effect right after it. */
        if (o->stop != NULL && *o->stop) {
            rc = ws.b.n > 0 ? flush(w, &ws, t, o, k, n, err) : CS_OK;
            if (rc == CS_OK) {
                sum->interrupted = true;
                rc = cs_errorf(err, CS_EINTR, "interrupted after %llu of %llu trials",
                               (unsigned long long)k, (unsigned long long)n);
            }
            break;
        }
        rc = trial(e, t, &ws.f, &ws.r, ws.cut, sum, err);
        if (rc == CS_OK) rc = add_trial(e, t, &ws, &ws.b, err);
        if (rc != CS_OK) break;
        summarise(e, sum, t, &ws.r, ws.cut, ws.region_cut, &ws.m);
        if (e->rec != NULL) summarise_recovery(sum, &ws.o);
        if (ws.b.n == ws.b.capacity || k + 1 == n) rc = flush(w, &ws, t + 1, o, k + 1, n, err);
    }
    if (n == 0 && rc == CS_OK && o->progress) o->progress(o->progress_ctx, 0, 0);
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
    if (rc == CS_OK) rc = ensure_cache(e, cache_slots, err);
    cs_trial_batch_reset(b, first);
    for (uint64_t k = 0; k < n && rc == CS_OK; k++) {
        const uint64_t t = first + k;
        rc = trial(e, t, &ws.f, &ws.r, ws.cut, sum, err);
        if (rc == CS_OK) rc = add_trial(e, t, &ws, b, err);
        if (rc == CS_OK) summarise(e, sum, t, &ws.r, ws.cut, ws.region_cut, &ws.m);
        if (rc == CS_OK && e->rec != NULL) summarise_recovery(sum, &ws.o);
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

/*
 * Adds the trials already in a resumed file to sum (only where mine; collective under MPI), so
 * that the summary of a resumed run covers the whole run, exactly as if it had not stopped.
 */
cs_status cs_run_summary_add_written(cs_run_summary *sum, cs_engine_t *e, cs_results_t *w,
                                     bool mine, cs_error *err)
{
    enum { ROWS = 1024 };
    const uint64_t written = w != NULL ? cs_results_written(w) : 0;
    if (written == 0) return CS_OK;
    const cs_topology_t *t = cs_engine_topology(e);
    cs_trial_batch b;
    cs_status rc =
        cs_trial_batch_init(&b, ROWS, cs_demand_count(cs_engine_demand(e)),
                            cs_topology_edge_count(t), cs_topology_node_count(t),
                            cs_engine_pairs(e)->n, cs_engine_scenario(e)->output.edge_flow, err);
    if (rc == CS_OK) rc = cs_engine_batch_recovery(e, &b, err);
    for (uint64_t row = 0; rc == CS_OK && row < written; row += ROWS) {
        const size_t n = !mine ? 0 : written - row < ROWS ? (size_t)(written - row) : ROWS;
        rc = cs_results_read_back(w, row, n, &b, err);
        if (rc == CS_OK && mine) rc = cs_run_summary_add_batch(sum, e, &b, err);
    }
    cs_trial_batch_destroy(&b);
    return rc;
}
