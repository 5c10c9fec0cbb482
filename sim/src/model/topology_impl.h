/*
 * topology_impl.h: what the parts of the topology loader share (topology.c: loading, the graph,
 * the accessors; topology_parse.c: the passes over the GeoJSON features). Internal: not
 * installed.
 */
#ifndef CS_TOPOLOGY_IMPL_H
#define CS_TOPOLOGY_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "cablesim/error.h"
#include "cablesim/topology.h"
#include "core/strmap.h"

/* Where a validation message points: file, feature index and id. */
typedef struct {
    const char *file;
    size_t feature;
    const char *id;
    cs_error *err;
    size_t nerr; /* problems found in this load */
    bool oom;    /* an allocation failed: the load fails with CS_ENOMEM */
} cs_topo_loc;

/* The features parsed so far, before the as_of filter. */
typedef struct {
    cs_node *nodes;
    size_t nn;
    cs_edge *edges;
    size_t ne;
    cs_strmap ids;      /* every feature id -> feature index */
    cs_strmap node_ids; /* node id -> node index */
} cs_topo_parsed;

/* Renders a JSON value compactly for "found ..." (truncated). */
void cs_topo_describe(const json_t *v, char *buf, size_t n);
/* A copy of s (NULL for NULL or when out of memory). */
char *cs_topo_dup_str(const char *s);
/* Free the strings and arrays a parsed node or edge owns. */
void cs_topo_free_node(cs_node *n);
void cs_topo_free_edge(cs_edge *e);
void cs_topo_parsed_destroy(cs_topo_parsed *p);
/*
 * Pass 1 (edges == false) registers every id and parses the nodes; pass 2 parses the edges.
 * Every problem is reported through l (l->nerr counts them).
 */
void cs_topo_parse_pass(cs_topo_loc *l, const json_t *features, cs_topo_parsed *p, bool edges);
/* Pass 3: every city must be connected to the component holding most cities. */
cs_status cs_topo_check_cities_connected(cs_topo_loc *l, const cs_topo_parsed *p);

#endif /* CS_TOPOLOGY_IMPL_H */
