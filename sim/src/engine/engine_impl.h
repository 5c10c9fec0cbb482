/*
 * engine_impl.h: what the engine's source files share (private to libcablesim).
 *
 * The engine is split by concern: engine.c builds it and runs trials (setup, restoration,
 * recovery over time, the trial loop); reroute.c routes a trial's failures with every
 * shortcut that cannot change the result; engine_impact.c computes the impact metrics and
 * headroom of a trial; engine_summary.c accumulates, merges and reads back run summaries.
 * The public API is cablesim/engine.h.
 */
#ifndef CS_ENGINE_IMPL_H
#define CS_ENGINE_IMPL_H

#include <gsl/gsl_rng.h>

#include "cablesim/engine.h"
#include "cablesim/hazard.h"
#include "routing/reroute.h"

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
    cs_reroute rr;     /* the routing of a trial's failures: shortcuts and cache (reroute.h) */
    cs_outcome_id oid; /* the last trial's outcome identity (cs_engine_outcome) */
    uint32_t *okey;    /* its key: room for ne + nn + 4 entries */
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
    unsigned char *ejsys;     /* [ne] a segment of a cable system with a landing in Japan */
    double jsys_capacity;     /* sum of ecap over those */
    size_t *nadj_off, *nadj;  /* edges at each node (CSR) */
    unsigned char *emark, *cmark;
    double *lat_num, *lat_den;    /* [n_regions] scratch */
    cs_region_table region_table; /* /topology/regions */
    /* restoration (docs/model.md, "Restoration") */
    cs_restoration restor;
    double rho_cur;     /* the share the router's capacities are set for (1: none) */
    double *rcap;       /* [ne] those capacities */
    double *spread;     /* [ne] the intact demand spread in proportion to capacity */
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

/* engine_impact.c */

/** The impact metrics' fixed parts (reachability of pairs and regions, each region's demand and
 * intact latency, capacities on the run's basis, the edges at each node). */
cs_status cs_engine_impact_setup(cs_engine_t *e, cs_error *err);

/* engine_summary.c */

/**
 * The capacity part of the impact (systems, stations and capacity lost) of failed
 * edges[n_edges] and nodes[n_nodes] into m; the rest of m is left as it is.
 */
void cs_engine_impact_capacity(cs_engine_t *e, const size_t *edges, size_t n_edges,
                               const size_t *nodes, size_t n_nodes, cs_trial_impact *m);
/** Adds trial t (routing r, pair cut flags cut, impact m) to s; region_cut[n_regions] scratch. */
void cs_engine_summarise(cs_engine_t *e, cs_run_summary *s, uint64_t t, const cs_routing_result *r,
                         const unsigned char *cut, bool *region_cut, const cs_trial_impact *m);
/** Adds the recovery outcome o of a trial to s. */
void cs_engine_summarise_recovery(cs_run_summary *s, const cs_recovery_outcome *o);

#endif /* CS_ENGINE_IMPL_H */
