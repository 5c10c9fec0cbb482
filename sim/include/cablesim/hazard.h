/*
 * hazard.h: failure models behind one interface.
 *
 * A hazard is configured once from its entry in a scenario's `hazards` list
 * (validated against the topology, with file:line:column errors) and then,
 * for each trial, samples failures from that trial's random stream and adds
 * them to the trial's failure set. The hazards of a scenario all apply in
 * every trial, in list order, so events compound: a greedy adversary sees the
 * damage an earthquake earlier in the list already did.
 *
 * Types (docs/model.md gives formulas, parameters and sources):
 *   random_faults   independent segment faults from rates per 1000 km-year
 *   earthquake      epicentre/magnitude sampling and a distance fragility curve
 *   sediment_flow   a turbidity current down a canyon path cutting what it crosses
 *   sabotage        k cuts: uniform, capacity-, traffic-weighted, or greedy worst case
 *   anchor_drag     a dragged anchor track cutting what lies within d km
 *   station_attack  every segment at chosen or sampled landing stations
 *   explicit        named cables, segments or stations (replays, what-ifs)
 */
#ifndef CS_HAZARD_H
#define CS_HAZARD_H

#include <stdbool.h>
#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "cablesim/demand.h"
#include "cablesim/error.h"
#include "cablesim/failures.h"
#include "cablesim/routing.h"
#include "cablesim/topology.h"
#include "cablesim/ydoc.h"

typedef struct cs_hazard cs_hazard_t;
/** Scratch space one hazard writes while sampling, owned by the caller (one per hazard and
 * sampling thread); the configuration itself is only read. */
typedef struct cs_hazard_ws cs_hazard_ws;

/** What a hazard may consult while sampling. Everything is borrowed. */
typedef struct {
    const cs_topology_t *topology;
    const cs_demand_t *demand;
    cs_router_t *router;             /**< for traffic-aware and greedy sabotage */
    const cs_routing_result *intact; /**< routing of the intact network */
    cs_routing_result *scratch;      /**< a result the hazard may overwrite */
} cs_hazard_env;

/**
 * Configures a hazard from spec (a map with a `type` key) in document doc,
 * resolving names (cables, segments, stations, regions) against t.
 * \return CS_OK or CS_EINVAL with "file:line:col: key: expected ..., found ...".
 */
cs_status cs_hazard_parse(cs_hazard_t **out, const cs_ydoc_t *doc, const cs_ynode *spec,
                          const cs_topology_t *t, cs_error *err);
void cs_hazard_free(cs_hazard_t *h);

/** The hazard's type name ("earthquake", ...). */
const char *cs_hazard_type(const cs_hazard_t *h);

/** Whether sampling needs env->router and env->intact (traffic-aware sabotage). */
bool cs_hazard_needs_routing(const cs_hazard_t *h);

/** Allocates the scratch space that sampling h needs. \return CS_OK or CS_ENOMEM. */
cs_status cs_hazard_ws_alloc(cs_hazard_ws **out, const cs_hazard_t *h, cs_error *err);
/** Frees w. Accepts NULL. */
void cs_hazard_ws_free(cs_hazard_ws *w);

/**
 * Samples this hazard for one trial and adds its failures to f: one cut
 * (failures.h) for each place it severs a segment, at the point of the
 * segment's route where it does (docs/model.md, "Where a cut is"). Draws
 * only from rng, so the result is a function of the trial's stream and of f.
 * w is h's workspace (cs_hazard_ws_alloc).
 */
cs_status cs_hazard_sample(const cs_hazard_t *h, cs_hazard_ws *w, const cs_hazard_env *env,
                           gsl_rng *rng, cs_failures *f, cs_error *err);

/*
 * Importance sampling (docs/rare-events.md). A model whose sampling is a product of independent
 * Bernoulli draws, one per eligible edge (random_faults), offers them for tilting: the estimator
 * replaces each probability p[i] by q[i] and carries the likelihood ratio. Every other model has
 * none (count 0) and is sampled as it is.
 */

/** How many independent Bernoulli draws of h can be tilted (0: none). */
size_t cs_hazard_tilt_count(const cs_hazard_t *h);
/**
 * Their probabilities under the model into p[cs_hazard_tilt_count(h)], for trials with a time
 * horizon of horizon_days (0: none, the instant or window probability).
 */
void cs_hazard_tilt_probs(const cs_hazard_t *h, double horizon_days, double *p);
/**
 * As cs_hazard_sample(), with draw i deciding a failure with probability q[i] instead of the
 * model's (same random numbers, same placement rule); x[i] receives the draw's outcome (1: it
 * decided a failure, whether or not the edge had failed already). Only for h with a tilt count.
 */
cs_status cs_hazard_sample_tilted(const cs_hazard_t *h, cs_hazard_ws *w, const cs_hazard_env *env,
                                  gsl_rng *rng, const double *q, unsigned char *x, cs_failures *f,
                                  cs_error *err);

#endif /* CS_HAZARD_H */
