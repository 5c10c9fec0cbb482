/*
 * criticality.h: exhaustive N-1 and N-2 contingency analysis.
 *
 * Every element of one kind (cable segments, whole cable systems, or landing
 * stations) is failed alone (N-1) and, with k = 2, together with every other
 * element of that kind (N-2). Each contingency's surviving network is routed
 * as the engine routes a trial (routing.h), and the outcome records the
 * unserved demand, in total and per foreign region, which (Japanese city,
 * foreign region) pairs lose every path, and which regions are cut off from
 * every Japanese city. Contingencies are ranked by unserved demand; each
 * foreign region gets its single points of failure (the elements whose loss
 * alone cuts it off, or alone leaves some of its demand unserved) and its
 * critical pairs (two elements that together cut it off although neither
 * does alone). docs/criticality.md defines every figure.
 *
 * The regions and the city-region pairs are those of the engine: the foreign
 * regions of the demands between a Japanese city (region "Japan") and a city
 * elsewhere, in the order they first appear in the demand file.
 *
 * Most of the N-2 pairs are not routed: with latency-first routing, removing
 * edges that a routing does not use leaves it unchanged, so a pair whose
 * second element carries no flow in the routing without its first element
 * has exactly the first element's outcome (criticality.c explains why).
 * The result is the same, bit for bit, as routing every pair, which
 * brute_force does (for tests). Pure and serial.
 */
#ifndef CS_CRITICALITY_H
#define CS_CRITICALITY_H

#include <stdbool.h>
#include <stddef.h>

#include "cablesim/demand.h"
#include "cablesim/error.h"
#include "cablesim/routing.h"
#include "cablesim/topology.h"

/** The element index of an N-1 outcome's absent second element. */
#define CS_CRITICALITY_NONE ((size_t)-1)

/**
 * Demand within this of the intact network's counts as no change (Tbps): it
 * keeps rounding dust in rerouted sums from making every element a single
 * point of failure.
 */
#define CS_CRITICALITY_EPS_TBPS 1e-9

/** What is failed. */
typedef enum {
    CS_CRITICALITY_SEGMENT = 0, /**< one submarine cable segment (edge of kind segment) */
    CS_CRITICALITY_CABLE = 1,   /**< every segment of one cable system */
    CS_CRITICALITY_STATION = 2  /**< one landing station: every edge that ends there */
} cs_criticality_unit;

/** Options. Initialise with CS_CRITICALITY_OPTIONS_INIT. */
typedef struct {
    cs_criticality_unit unit;
    unsigned k;                 /**< 1: N-1 only; 2: N-1 and every pair */
    cs_routing_options routing; /**< default: latency-first on lit capacity */
    bool brute_force;           /**< route every contingency (no shortcut): for checking it */
} cs_criticality_options;

#define CS_CRITICALITY_OPTIONS_INIT                                                                \
    {                                                                                              \
        .unit = CS_CRITICALITY_SEGMENT, .k = 1,                                                    \
        .routing = {.mode = CS_ROUTING_LATENCY_FIRST,                                              \
                    .use_lit = true,                                                               \
                    .demand_scale = 1.0,                                                           \
                    .rounds = 8,                                                                   \
                    .hop_ms = 0.05,                                                                \
                    .restoration_share = 1.0,                                                      \
                    .utilisation = CS_RESTORATION_UTILISATION,                                     \
                    .restoration_at_event = CS_RESTORATION_AT_EVENT,                               \
                    .restoration_ramp_days = 0.0},                                                 \
        .brute_force = false                                                                       \
    }

/** An element that can fail. Strings are borrowed from the topology. */
typedef struct {
    const char *id;      /**< segment id, cable system name, or station id */
    const char *label;   /**< segment: its cable; cable: its full name or NULL; station: name */
    size_t index;        /**< edge, cable or node index in the topology */
    size_t n_edges;      /**< edges its loss takes down */
    const size_t *edges; /**< [n_edges] their indices, increasing */
    bool carries_flow;   /**< one of those edges carries flow in the intact routing */
} cs_criticality_element;

/**
 * One contingency: element a alone (b = CS_CRITICALITY_NONE) or a and b (a < b). Its per-region
 * and per-pair rows are in cs_criticality_t, at the outcome's index.
 */
typedef struct {
    size_t a, b;
    double unserved_tbps;   /**< demand left unserved, in total */
    double loss_tbps;       /**< unserved_tbps minus the intact network's */
    double excess_tbps;     /**< pairs: loss_tbps minus the larger of a's and b's own; 0 for N-1 */
    size_t n_pairs_cut;     /**< city-region pairs without a path that the intact network joins */
    size_t n_regions_cut;   /**< regions cut off from every Japanese city, the intact network not */
    size_t n_regions_short; /**< regions with more demand unserved than in the intact network */
    bool routed;            /**< false when the outcome was taken from another (the shortcut) */
} cs_criticality_outcome;

/** A foreign region and its weak points. Lists hold indices, ranked as in single_rank. */
typedef struct {
    const char *name;            /**< borrowed from the topology */
    double demand_tbps;          /**< demand between Japanese cities and its cities (scaled) */
    double intact_unserved_tbps; /**< what the intact network leaves unserved of it */
    bool intact_cut;             /**< the intact network already joins it to no Japanese city */
    size_t n_cut_by;
    const size_t *cut_by; /**< elements whose loss alone cuts it off from every Japanese city */
    size_t n_short_by;
    const size_t *short_by; /**< elements whose loss alone leaves more of its demand unserved */
    size_t n_critical;
    const size_t *critical; /**< outcomes of pairs that cut it off, neither element alone */
} cs_criticality_region;

/** The result: transparent and read-only; strings are borrowed from the topology. */
typedef struct {
    cs_criticality_unit unit;
    unsigned k;
    double demand_tbps;          /**< total demand (scaled) */
    double intact_unserved_tbps; /**< what the intact network leaves unserved */
    size_t n_elements;
    const cs_criticality_element *elements; /**< in topology order */
    size_t n_flow_elements;                 /**< elements that carry flow in the intact routing */
    size_t n_regions;
    const cs_criticality_region *regions; /**< foreign regions, in demand file order */
    size_t n_city_regions;                /**< (Japanese city, foreign region) pairs */
    const size_t *city_region_city;       /**< [n_city_regions] node index of the city */
    const size_t *city_region_region;     /**< [n_city_regions] index into regions */
    const unsigned char
        *intact_pair_cut; /**< [n_city_regions] 1 when the intact network has no path */
    /** Outcomes: n_elements singles (outcome i fails element i), then, with k = 2, the
     * n_elements (n_elements - 1) / 2 pairs in order (0,1), (0,2), ..., (1,2), ... */
    size_t n_outcomes;
    const cs_criticality_outcome *outcomes;
    const double *region_unserved;   /**< [n_outcomes x n_regions] unserved Tbps per region */
    const unsigned char *region_cut; /**< [n_outcomes x n_regions] 1 when cut off */
    const unsigned char *pair_cut;   /**< [n_outcomes x n_city_regions] 1 when without a path */
    const size_t *single_rank;       /**< [n_elements] singles by unserved desc, then index */
    size_t n_doubles;                /**< pairs (0 unless k = 2) */
    const size_t *double_rank;       /**< [n_doubles] pair outcomes by unserved desc, excess desc */
    size_t n_critical;               /**< pairs that cut off some region neither alone cuts off */
    const size_t *critical;          /**< [n_critical] their outcomes, ranked as in double_rank */
    size_t routed_singles, routed_doubles; /**< routings actually run */
} cs_criticality_t;

/**
 * Runs the analysis of topology t (already filtered to its as-of year) with demand d.
 *
 * \param out Out: the result, to be freed with cs_criticality_free(); NULL on failure.
 * \param t   Topology (borrowed; must outlive the result).
 * \param d   Demand for t (borrowed; may be freed after the call).
 * \param opt Options, or NULL for the defaults.
 * \param err Error context (may be NULL).
 * \return CS_OK, CS_EINVAL (k not 1 or 2, unknown unit, bad routing options), CS_ENOMEM.
 * Time: one routing per element that carries flow, plus, with k = 2, one per pair whose
 * elements each carry flow in the other's routing; and O(V + E) per contingency for the
 * connectivity. Memory: O(contingencies x (regions + city-region pairs)).
 */
cs_status cs_criticality_compute(cs_criticality_t **out, const cs_topology_t *t,
                                 const cs_demand_t *d, const cs_criticality_options *opt,
                                 cs_error *err);

/** Frees c. Accepts NULL. */
void cs_criticality_free(cs_criticality_t *c);

/** "segment", "cable" or "station". */
const char *cs_criticality_unit_name(cs_criticality_unit u);

/** Parses a unit name ("segment", "cable", "station"); false when it is none of them. */
bool cs_criticality_unit_parse(const char *s, cs_criticality_unit *u);

/**
 * Whether losing what outcome o fails changes anything: more demand unserved
 * than the intact network leaves (beyond CS_CRITICALITY_EPS_TBPS), a
 * city-region pair without a path, or a region shorter of capacity.
 */
bool cs_criticality_outcome_hurts(const cs_criticality_outcome *o);

/** Whether outcome k (k < n_outcomes) cuts region g off while the intact network does not. */
bool cs_criticality_newly_cut(const cs_criticality_t *c, size_t k, size_t g);

#endif /* CS_CRITICALITY_H */
