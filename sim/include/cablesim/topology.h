/*
 * topology.h: the graph model of a submarine cable network.
 *
 * A topology is loaded from a GeoJSON FeatureCollection (docs/topology-format.md):
 * Point features are nodes (landing stations, branching units, cities) and
 * LineString/MultiLineString features are edges (cable segments and terrestrial
 * links). Loading validates everything and builds an undirected igraph graph in
 * which vertex i is node i and edge j is edge j, plus the attribute arrays the
 * engine needs. A topology is immutable once loaded.
 */
#ifndef CS_TOPOLOGY_H
#define CS_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>

#include <igraph.h>

#include "cablesim/error.h"
#include "cablesim/geo.h"
#include "cablesim/ydoc.h"

/** A segment's geometry must start and end within this distance of its nodes, km. */
#define CS_TOPOLOGY_ENDPOINT_TOL_KM 25.0

typedef enum {
    CS_NODE_LANDING = 0,        /**< cable landing station */
    CS_NODE_BRANCHING_UNIT = 1, /**< submarine branching unit */
    CS_NODE_CITY = 2            /**< metro point of presence: traffic starts and ends here */
} cs_node_kind;

typedef enum {
    CS_EDGE_SEGMENT = 0, /**< submarine cable segment */
    CS_EDGE_LINK = 1     /**< terrestrial backhaul link */
} cs_edge_kind;

/** A node. Strings are owned by the topology; optional ones may be NULL. */
typedef struct {
    const char *id;
    const char *name;
    const char *country; /**< ISO 3166-1 alpha-2; "XX" for a branching unit in open water */
    const char *region;  /**< required for cities ("Japan", "US West Coast", ...), else optional */
    const char *source;  /**< optional */
    cs_node_kind kind;
    cs_lonlat pos;
    size_t feature; /**< index of the feature in the file */
} cs_node;

/** An edge (undirected). Strings are owned by the topology; optional ones may be NULL. */
typedef struct {
    const char *id;
    const char *cable;      /**< system name for segments, NULL for links */
    const char *cable_name; /**< optional full name */
    const char *owners;     /**< owners joined with "; ", or NULL */
    const char *source;
    const char *note; /**< optional */
    cs_edge_kind kind;
    size_t from, to; /**< node indices */
    double capacity_tbps;
    /**
     * Lit capacity of the loaded year: with a `lit_tbps_by_year` series and as_of != 0, the
     * series' value for as_of (a step function, see cs_edge_lit_in_year()); otherwise `lit_tbps`,
     * else the series' last value, else capacity_tbps.
     */
    double lit_tbps;
    bool capacity_estimated, lit_estimated;
    /**
     * May traffic cross this edge in transit? true (the default) for every edge; false only on a
     * terrestrial link whose two end nodes are in one country (node country): the link may then
     * carry only demands whose origin or destination city is in that country.
     */
    bool transit;
    size_t nlit_years;         /**< entries of the lit series (0: none) */
    const int *lit_years;      /**< nlit_years years, increasing, each >= rfs */
    const double *lit_by_year; /**< lit Tbps from each of those years on */
    double depth_m;            /**< NAN when unknown */
    double shallow_share;      /**< in [0,1]; NAN when unknown */
    double length_km;          /**< from the file, else the geometry's great-circle length */
    int rfs;                   /**< ready-for-service year */
    int retired;               /**< retirement year, 0 while in service */
    size_t cable_index;        /**< index into the topology's cable list; SIZE_MAX for links */
    size_t npts;               /**< points of the geometry, all parts concatenated */
    const cs_lonlat *pts;
    size_t nparts;          /**< parts (more than 1 where the route crosses 180 degrees) */
    const size_t *part_off; /**< nparts + 1 offsets into pts */
    size_t feature;         /**< index of the feature in the file */
} cs_edge;

/** Loading options. */
typedef struct {
    int as_of; /**< keep only what was in service in this year (rfs <= as_of < retired); 0 = all */
} cs_topology_options;

#define CS_TOPOLOGY_OPTIONS_INIT                                                                   \
    {                                                                                              \
        .as_of = 0                                                                                 \
    }

typedef struct cs_topology cs_topology_t;

/**
 * Loads and validates the topology in the GeoJSON file at path.
 *
 * Every problem found is reported through err as one line naming the file,
 * the feature index and id, the key, what was expected and what was found;
 * err keeps the first message and counts the others, and passes each one to
 * err->sink when set. Validation always covers the whole file, whatever
 * opt->as_of says; filtering happens afterwards, and drops landing stations
 * and branching units left without any edge (cities are always kept).
 *
 * \param out  Out: the new topology, to be freed with cs_topology_free(); NULL on failure.
 * \param path File to read.
 * \param opt  Options, or NULL for the defaults.
 * \param err  Error context (may be NULL).
 * \return CS_OK, CS_EIO (cannot read), CS_EPARSE (bad JSON), CS_EINVAL (invalid model), CS_ENOMEM.
 */
cs_status cs_topology_load(cs_topology_t **out, const char *path, const cs_topology_options *opt,
                           cs_error *err);

/**
 * As cs_topology_load(), with a scenario's design alternatives applied before validation: the
 * `network` section (a map node of doc: systems added, removed, upgraded; docs/scenarios.md,
 * "Design alternatives"), or none when network is NULL. Problems in the section are one line at
 * its place in doc (file:line:column, nearest ids for an unknown name); the edited network is
 * then validated as a file would be. cs_topology_sha256() stays the file's.
 */
cs_status cs_topology_load_design(cs_topology_t **out, const char *path,
                                  const cs_topology_options *opt, const cs_ydoc_t *doc,
                                  const cs_ynode *network, cs_error *err);

/** As cs_topology_load(), from a string; name is used in messages in place of a file name. */
cs_status cs_topology_load_string(cs_topology_t **out, const char *json, const char *name,
                                  const cs_topology_options *opt, cs_error *err);

/** Frees t. Accepts NULL. */
void cs_topology_free(cs_topology_t *t);

size_t cs_topology_node_count(const cs_topology_t *t);
size_t cs_topology_edge_count(const cs_topology_t *t);
/** Number of distinct cable systems among the edges kept. */
size_t cs_topology_cable_count(const cs_topology_t *t);

/** Node i (i < node count). The pointer is borrowed and valid until cs_topology_free(). */
const cs_node *cs_topology_node(const cs_topology_t *t, size_t i);
/** Edge j (j < edge count). */
const cs_edge *cs_topology_edge(const cs_topology_t *t, size_t j);
/** Name of cable system c (c < cable count), as written in the `cable` key. */
const char *cs_topology_cable(const cs_topology_t *t, size_t c);

/** Finds a node by id. Returns false when there is none. */
bool cs_topology_find_node(const cs_topology_t *t, const char *id, size_t *index);
/** Finds an edge by id. Returns false when there is none. */
bool cs_topology_find_edge(const cs_topology_t *t, const char *id, size_t *index);
/** Finds a cable system by name. Returns false when there is none. */
bool cs_topology_find_cable(const cs_topology_t *t, const char *name, size_t *index);

/** The undirected graph: vertex i is node i, edge j is edge j. Borrowed. */
const igraph_t *cs_topology_graph(const cs_topology_t *t);

/** The file name the topology was loaded from (or the name given to load_string). */
const char *cs_topology_path(const cs_topology_t *t);
/** The as_of year it was filtered with (0 = not filtered). */
int cs_topology_as_of(const cs_topology_t *t);
/** SHA-256 of the file's bytes as 64 lowercase hex digits. */
const char *cs_topology_sha256(const cs_topology_t *t);

/**
 * Lit capacity of e in year (>= 1850): the value of the latest series year <= year, or the
 * first value when year is before the series (from rfs until the first lighting recorded);
 * without a series, e->lit_tbps. Says nothing about whether e is in service in that year.
 */
double cs_edge_lit_in_year(const cs_edge *e, int year);

/** "landing_station", "branching_unit" or "city". */
const char *cs_node_kind_name(cs_node_kind kind);
/** The kind named name (as cs_node_kind_name() writes it). Returns false when there is none. */
bool cs_node_kind_from_name(const char *name, cs_node_kind *out);
/** "segment" or "link". */
const char *cs_edge_kind_name(cs_edge_kind kind);
/** The kind named name (as cs_edge_kind_name() writes it). Returns false when there is none. */
bool cs_edge_kind_from_name(const char *name, cs_edge_kind *out);

/** The region of Japan's cities, as the `region` key names it. */
#define CS_REGION_JAPAN "Japan"
/** Japan's ISO 3166-1 alpha-2 code, as the `country` key writes it. */
#define CS_COUNTRY_JAPAN "JP"

/**
 * Whether node n is Japanese. The one rule, used by every module: a city is
 * Japanese when its region is CS_REGION_JAPAN (the key that groups demand,
 * docs/topology-format.md); a landing station or branching unit, which need
 * not have a region, when its country is CS_COUNTRY_JAPAN.
 */
bool cs_node_is_japan(const cs_node *n);
/**
 * As cs_node_is_japan(), on a node's fields as a results file records them
 * (country and region may be NULL or "" when not given).
 */
bool cs_node_fields_are_japan(cs_node_kind kind, const char *country, const char *region);

#endif /* CS_TOPOLOGY_H */
