/*
 * netinfo.h: what a planner wants to know about a topology at a glance.
 *
 * Counts; landing stations per country; how many cable systems land at each
 * Japanese landing station (the concentration planners worry about); and, for
 * each foreign region, the design capacity of the systems linking it with
 * Japan, the minimum cut (Tbps) between Japan's cities and the region's
 * cities, and the smallest sets of Japanese landing stations whose loss
 * separates them. Pure and serial: the result is computed once from a loaded
 * topology (already filtered to an as-of year) and then only read.
 *
 * Regions. A node's region is its `region` key when set; otherwise the region
 * of the first city reached from it through terrestrial links only (a
 * breadth-first search visiting each node's links in file order, so the
 * nearest city by hops wins and ties go to the link that comes first);
 * otherwise it has none. Japan's region is CS_REGION_JAPAN; the foreign
 * regions are the distinct regions of the other cities, sorted by name.
 */
#ifndef CS_NETINFO_H
#define CS_NETINFO_H

#include <stdbool.h>
#include <stddef.h>

#include "cablesim/error.h"
#include "cablesim/topology.h"

/** Default cap on the connectivity checks spent enumerating separating sets, per region. */
#define CS_NETINFO_MAX_CHECKS 2000000

/** Options. */
typedef struct {
    size_t max_checks; /**< cap on connectivity checks per region (> 0) */
} cs_netinfo_options;

#define CS_NETINFO_OPTIONS_INIT                                                                    \
    {                                                                                              \
        .max_checks = CS_NETINFO_MAX_CHECKS                                                        \
    }

/** Landing stations of one country. */
typedef struct {
    const char *country; /**< ISO code, borrowed from the topology */
    size_t count;
} cs_netinfo_country;

/** A Japanese landing station (country "JP") and the cable systems landing there. */
typedef struct {
    size_t node;          /**< node index in the topology */
    size_t n_cables;      /**< distinct systems with a segment ending at the station */
    const size_t *cables; /**< their cable indices, sorted by name */
    double design_tbps;   /**< sum over those systems of their largest segment capacity */
} cs_netinfo_station;

/** Whether Japanese landing stations can separate Japan from a region. */
typedef enum {
    CS_NETINFO_SEPARABLE = 0,    /**< k >= 1 stations do; sets lists them */
    CS_NETINFO_DISCONNECTED = 1, /**< already disconnected: k = 0 */
    CS_NETINFO_NOT_SEPARABLE = 2 /**< no set of Japanese landing stations does */
} cs_netinfo_separation;

/** Japan and one foreign region. */
typedef struct {
    const char *name;     /**< borrowed from the topology */
    size_t n_cities;      /**< the region's cities */
    const size_t *cities; /**< their node indices, in file order */
    size_t n_cables;      /**< systems landing both at a Japan-region and at a region station */
    const size_t *cables; /**< their cable indices, sorted by name */
    double design_tbps;   /**< sum over those systems of their largest segment capacity */
    /** max flow = min cut, Japan's cities to the region's, on capacity_tbps, over the edges the
     * region's traffic may use (not the transit: false links of a third country) */
    double mincut_tbps;
    double lit_mincut_tbps; /**< the same on lit_tbps */
    cs_netinfo_separation separation;
    size_t k;           /**< size of a smallest separating set (0 unless SEPARABLE) */
    size_t n_sets;      /**< separating sets of exactly k stations found */
    const size_t *sets; /**< n_sets * k node indices; each set sorted by station name */
    size_t checks;      /**< connectivity checks spent enumerating them */
    bool capped;        /**< the enumeration stopped at max_checks: sets may be incomplete */
} cs_netinfo_region;

/**
 * The result: transparent and read-only. Pointers into the topology (names,
 * regions) are borrowed, so the topology must outlive it.
 */
typedef struct {
    size_t nodes[3];                /**< nodes by cs_node_kind */
    size_t edges[2];                /**< edges by cs_edge_kind */
    size_t n_cables;                /**< cable systems */
    double segment_km, link_km;     /**< total length of segments and of links */
    const char *const *node_region; /**< per node: its region (borrowed) or NULL */
    size_t n_countries;
    const cs_netinfo_country *countries; /**< landing stations per country: count desc, then code */
    size_t n_stations;
    const cs_netinfo_station *stations; /**< Japanese stations: systems desc, then name, then id */
    size_t n_japan_cables;              /**< distinct systems landing at any Japanese station */
    double top_share[3]; /**< share of those landing at the busiest 1, 2, 3 stations (in [0, 1]) */
    size_t n_regions;
    const cs_netinfo_region *regions; /**< foreign regions, sorted by name */
} cs_netinfo_t;

/**
 * Computes the summary of topology t.
 *
 * Min cuts: every undirected edge carries its capacity in each direction; a
 * super-source feeds Japan's cities and the region's cities drain into a
 * super-sink. Separation: a vertex-split max flow where only Japanese landing
 * stations (kind landing_station, country "JP") can be removed gives k; the
 * sets of exactly k stations are then enumerated, taking one station from
 * each unit path of that flow among those that belong to some minimum cut
 * (no set is missed that way), each tested with a breadth-first search.
 *
 * \param out Out: the result, to be freed with cs_netinfo_free(); NULL on failure.
 * \param t   Topology (borrowed; must outlive the result).
 * \param opt Options, or NULL for the defaults.
 * \param err Error context (may be NULL).
 * \return CS_OK, CS_EINVAL (max_checks is 0), CS_ENOMEM or CS_EIGRAPH.
 * Time: O(V (V + E)) for the regions, plus per foreign region three max
 * flows, O(V (V + E)) for the candidates and up to max_checks searches of
 * O(V + E).
 */
cs_status cs_netinfo_compute(cs_netinfo_t **out, const cs_topology_t *t,
                             const cs_netinfo_options *opt, cs_error *err);

/** Frees ni. Accepts NULL. */
void cs_netinfo_free(cs_netinfo_t *ni);

/** "separable", "disconnected" or "not_separable". */
const char *cs_netinfo_separation_name(cs_netinfo_separation s);

#endif /* CS_NETINFO_H */
