/*
 * demand.h: the traffic demand matrix between cities.
 *
 * Read from a CSV file with the header `origin,destination,demand_tbps`
 * (lines starting with '#' are comments) and checked against a topology: both
 * ends must be cities of it, distinct, each pair listed once, demand > 0.
 * Demand is the peak load in Tbps routed between the pair (docs/model.md).
 */
#ifndef CS_DEMAND_H
#define CS_DEMAND_H

#include <stddef.h>

#include "cablesim/error.h"
#include "cablesim/topology.h"

typedef struct {
    size_t origin; /** The largest demand of a pair, Tbps (a million times a large cable's capacity;
                    * far above any real figure): with demand_scale <= 1000, every number derived
                    * from demands stays finite. */
#define CS_DEMAND_MAX_TBPS 1e6

    /**< node index of the origin city */
    size_t destination; /**< node index of the destination city */
    double demand_tbps;
    size_t line; /**< line of the file it came from */
} cs_demand_entry;

/**
 * The (Japanese city, foreign region) pairs of a demand matrix, the unit in
 * which the engine, the results and criticality count loss of connectivity.
 * A demand between a Japanese city and a foreign one (cs_node_is_japan())
 * belongs to the pair of its Japanese city and the foreign city's region; a
 * demand between two Japanese cities, or two foreign ones, to none. Pairs and
 * regions are numbered in order of first appearance in the demand file.
 * Region names are borrowed from the topology.
 */
typedef struct {
    size_t n_pairs;
    const size_t *city;           /**< [n_pairs] node index of the pair's Japanese city */
    const char *const *region;    /**< [n_pairs] the pair's foreign region */
    const size_t *region_index;   /**< [n_pairs] index of region[p] in regions */
    size_t n_regions;             /**< foreign regions with demand from Japan */
    const char *const *regions;   /**< [n_regions] their names */
    const size_t *pair_of_demand; /**< [demand count] the demand's pair, or SIZE_MAX for none */
} cs_demand_pairs;

typedef struct cs_demand cs_demand_t;

/**
 * Loads the demand file at path for topology t. Every problem is reported as
 * "file:line:column: ..." through err (first kept, all passed to err->sink).
 * \return CS_OK, CS_EIO, CS_EPARSE (malformed CSV) or CS_EINVAL (bad values), CS_ENOMEM.
 */
cs_status cs_demand_load(cs_demand_t **out, const char *path, const cs_topology_t *t,
                         cs_error *err);
/** As cs_demand_load(), from a string; name stands for the file name in messages. */
cs_status cs_demand_load_string(cs_demand_t **out, const char *csv, const char *name,
                                const cs_topology_t *t, cs_error *err);
/** Frees d. Accepts NULL. */
void cs_demand_free(cs_demand_t *d);

size_t cs_demand_count(const cs_demand_t *d);
const cs_demand_entry *cs_demand_entry_at(const cs_demand_t *d, size_t i);
/** Sum of all demands, Tbps. */
double cs_demand_total(const cs_demand_t *d);
/** The demand's (Japanese city, foreign region) pairs. Borrowed, valid until cs_demand_free(). */
const cs_demand_pairs *cs_demand_pairs_of(const cs_demand_t *d);
/** SHA-256 of the file's bytes, 64 hex digits. */
const char *cs_demand_sha256(const cs_demand_t *d);

#endif /* CS_DEMAND_H */
