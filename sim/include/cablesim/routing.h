/*
 * routing.h: routing the demand matrix over the surviving network.
 *
 * Two policies (docs/model.md, "Rerouting"):
 *  - latency-first (default): each demand is split into `rounds` equal
 *    increments; round by round, demands in a fixed order (their order in the
 *    demand file) place one increment each on the currently shortest path (km)
 *    that still has residual capacity, splitting it at the bottleneck and
 *    continuing on the next shortest path. Ties are broken deterministically
 *    (lower node index, then lower edge index). What finds no path is
 *    unserved. It stands for operators restoring traffic on the shortest
 *    available route and spilling onto the next.
 *  - maxflow: successive max-flows on residual capacity. Round by round, each
 *    demand in file order takes up to demand / rounds as a maximum flow over
 *    what the demands before it left; demands compete, so edge flows stay
 *    within capacity (docs/routing.md explains the choice over an LP).
 *
 * Capacities are undirected: a demand is symmetric traffic (the same load in
 * each direction) and a cable's capacity holds in each direction, so the sum
 * of the flows on an edge must stay within its capacity.
 *
 * Latency of a demand is the flow-weighted mean, over the paths it uses, of
 * length_km x CS_FIBRE_MS_PER_KM + hops x hop_ms (NAN when nothing is served).
 */
#ifndef CS_ROUTING_H
#define CS_ROUTING_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "cablesim/demand.h"
#include "cablesim/error.h"
#include "cablesim/failures.h"
#include "cablesim/topology.h"

/** One-way propagation delay in fibre, ms per km (group index ~1.468: c/n = 204,000 km/s). */
#define CS_FIBRE_MS_PER_KM (1.0 / 204.0)

/**
 * Residual capacity at or below this (Tbps, i.e. 1 kbps) counts as none: an
 * edge whose residual falls to it is saturated, and a remainder of a demand
 * increment at or below it is left unserved. It keeps rounding dust from
 * creating paths and from looping on vanishing amounts.
 */
#define CS_ROUTING_EPS_TBPS 1e-9

typedef enum { CS_ROUTING_LATENCY_FIRST = 0, CS_ROUTING_MAXFLOW = 1 } cs_routing_mode;

typedef struct {
    cs_routing_mode mode;
    bool use_lit;        /**< route on lit_tbps instead of capacity_tbps */
    double demand_scale; /**< every demand is multiplied by this (traffic growth) */
    unsigned rounds;     /**< equal increments per demand, taken in turns (>= 1) */
    double hop_ms;       /**< latency cost per edge traversed (equipment, regeneration), ms */
    /*
     * Restoration (docs/model.md, "Restoration"), applied by the engine (cs_router_set_capacity);
     * the router itself does not read these. rho is the share of the spare capacity of the
     * surviving cable segments that traffic displaced by a failure may use.
     */
    /** rho at the event, in [0, 1]; NAN (the default): restoration_at_event x the full share */
    double restoration_share;
    /** u in (0, 1]: the share of the capacity in use by everyone's traffic; the full share is
     * min(1, (1 - u) / u x D / C), D Japan's international demand, C its international capacity */
    double utilisation;
    /** the share at the event as a fraction of the full share, in [0, 1] */
    double restoration_at_event;
    /** recovery runs: days over which rho ramps from its value at the event to the full share
     * (>= 0; 0: no ramp) */
    double restoration_ramp_days;
} cs_routing_options;

/** Defaults of the restoration model (docs/model.md, "Restoration", sources there). */
#define CS_RESTORATION_UTILISATION 0.25
#define CS_RESTORATION_AT_EVENT    0.68
#define CS_RESTORATION_RAMP_DAYS   10.0

#define CS_ROUTING_OPTIONS_INIT                                                                    \
    {                                                                                              \
        .mode = CS_ROUTING_LATENCY_FIRST, .use_lit = false, .demand_scale = 1.0, .rounds = 8,      \
        .hop_ms = 0.05, .restoration_share = NAN, .utilisation = CS_RESTORATION_UTILISATION,       \
        .restoration_at_event = CS_RESTORATION_AT_EVENT,                                           \
        .restoration_ramp_days = CS_RESTORATION_RAMP_DAYS                                          \
    }

/** The outcome of routing once. Arrays are owned by the struct. */
typedef struct {
    size_t n_demands, n_edges;
    double *served_tbps;    /**< [n_demands], 0 <= served <= demand x scale */
    double *latency_ms;     /**< [n_demands], NAN when nothing is served */
    double *edge_flow_tbps; /**< [n_edges] */
    unsigned char
        *connected;       /**< [n_demands], 1 when any path joins the pair (ignoring capacity) */
    double unserved_tbps; /**< sum over reachable demands of (demand x scale - served) */
    double demand_tbps;   /**< sum over reachable demands of demand x scale */
} cs_routing_result;

cs_status cs_routing_result_init(cs_routing_result *r, size_t n_demands, size_t n_edges,
                                 cs_error *err);
void cs_routing_result_destroy(cs_routing_result *r);
/** Copies src into dst (same sizes). */
void cs_routing_result_copy(cs_routing_result *dst, const cs_routing_result *src);

/** Router workspace: allocated once per run, reused by every trial. */
typedef struct cs_router cs_router_t;

/**
 * Allocates a router for topology t and demand d (both borrowed; they must
 * outlive the router).
 * \return CS_OK, CS_EINVAL (bad options: rounds 0, negative scale or hop cost), CS_ENOMEM.
 */
cs_status cs_router_alloc(cs_router_t **out, const cs_topology_t *t, const cs_demand_t *d,
                          const cs_routing_options *opt, cs_error *err);
void cs_router_free(cs_router_t *r);

/**
 * Routes the demand with the failures in f (NULL: the intact network) and
 * writes the outcome into out (initialised for this demand and topology).
 * Deterministic: the same inputs give bit-identical outputs.
 */
cs_status cs_router_route(cs_router_t *r, const cs_failures *f, cs_routing_result *out,
                          cs_error *err);

/**
 * connected[i] = 1 when a path of edges with down[e] == 0 that are open to demand i
 * (transit: a link with transit = false only when one of the demand's cities is in its
 * country) joins demand i's cities, whatever their capacity; exactly the `connected`
 * of a routing with those edges down. down[n_edges], connected[n_demands].
 */
void cs_router_connected(cs_router_t *r, const unsigned char *down, unsigned char *connected);

/**
 * [n_demands]: 1 when the demand's cities are connected in the intact network (edges open to
 * it, whatever their capacity), 0 when not: such a demand (e.g. Russia before its first
 * cable) is not served by the network of the year at all. It is never routed (served 0,
 * latency NAN, no flow; `connected` is still reported) and is left out of unserved_tbps and
 * demand_tbps, which measure damage. Borrowed; valid while the router lives.
 */
const unsigned char *cs_router_reachable(const cs_router_t *r);
/** The sum of demand x scale over the demands that are not reachable (0 when all are). */
double cs_router_unreachable_tbps(const cs_router_t *r);
/**
 * Marks the demands with served[i] == 0 (a routing of the intact network) as not served by the
 * intact network too: connected only through unlit cables, or through capacity others fill.
 * They are then treated as unreachable (never routed, out of the sums). Call before routing.
 */
void cs_router_exclude_unserved(cs_router_t *r, const double *served);

/**
 * Routes from now on over the capacities cap[n_edges] (Tbps, each >= 0) instead of the
 * topology's (design or lit); NULL goes back to those. Edges down or at most
 * CS_ROUTING_EPS_TBPS stay unusable. \return CS_OK, CS_EINVAL (a negative or non-finite value).
 */
cs_status cs_router_set_capacity(cs_router_t *r, const double *cap, cs_error *err);

/**
 * The intact network's demand spread over its systems in proportion to capacity (docs/model.md,
 * "Restoration": what each system carries of Japan's traffic before a failure): for every
 * demand i the router serves, F_i its maximum flow alone over the router's capacities (edges
 * open to it; Dinic, the maxflow policy's code) and f_i,e that flow's net amount on edge e,
 * flow[e] = sum_i D_i / F_i x |f_i,e| (file order). On a minimum cut of a demand its share of
 * every edge is D_i / F_i of the edge's capacity. Not capped: the sum may exceed a capacity
 * when the demand approaches the network's. Deterministic; flow[n_edges].
 */
void cs_router_spread_flow(cs_router_t *r, double *flow);

/** The options the router was made with. */
const cs_routing_options *cs_router_options(const cs_router_t *r);

/** The policy's name as a scenario writes it: "latency-first" or "maxflow" ("?" if unknown). */
const char *cs_routing_mode_name(cs_routing_mode mode);
/** The policy named name (as cs_routing_mode_name() writes it). Returns false when none. */
bool cs_routing_mode_from_name(const char *name, cs_routing_mode *out);
/** The policy names, in enum order, NULL-terminated (for parsers and their messages). */
const char *const *cs_routing_mode_names(void);
/** The capacity basis's name as a scenario writes it: "lit" when use_lit, else "design". */
const char *cs_routing_capacity_name(bool use_lit);
/** The capacity basis named name ("design" or "lit"). Returns false when none. */
bool cs_routing_capacity_from_name(const char *name, bool *use_lit);
/** The capacity basis names, "design" then "lit", NULL-terminated. */
const char *const *cs_routing_capacity_names(void);

/**
 * Whether a routing under mode stays the same, bit for bit (served amounts,
 * latencies, edge flows), when edges that carry no flow in it are removed
 * as well. True for latency-first: every increment went on the shortest
 * usable path with a fixed tie-break, and removing edges off those paths
 * leaves each path shortest and the tie-break winner (the full argument is in
 * criticality.c). False for maxflow, whose per-demand solutions may be rebuilt
 * along other edges. The engine's and criticality's shortcuts rely on it:
 * this is the one place that knows which policies have the property.
 */
bool cs_routing_ignores_unused_edges(cs_routing_mode mode);
/** As cs_routing_ignores_unused_edges(), for the router's policy. */
bool cs_router_ignores_unused_edges(const cs_router_t *r);
/**
 * Whether the served amounts (hence the unserved total), though not
 * necessarily the flows, stay the same when edges that carry no flow are
 * removed. True for latency-first (as above). False for maxflow: its
 * successive max flows may take other paths of the same value without an
 * unused edge and so leave other residuals to later demands. The greedy
 * sabotage relies on it (and tries every candidate when it is false).
 */
bool cs_router_keeps_served_without_unused_edges(const cs_router_t *r);

#endif /* CS_ROUTING_H */
