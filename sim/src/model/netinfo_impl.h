/*
 * netinfo_impl.h: what the parts of the network summary share (netinfo.c:
 * workspace, counts, concentration, min cuts; netinfo_sep.c: the minimum
 * separating sets of landing stations). Internal: not installed.
 */
#ifndef CS_NETINFO_IMPL_H
#define CS_NETINFO_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <igraph.h>

#include "cablesim/netinfo.h"

/* Scratch state shared by the steps of one computation. */
typedef struct {
    const cs_topology_t *t;
    size_t nn, ne, nc;
    size_t *adj_off;          /* nn + 1 offsets into adj_edge */
    size_t *adj_edge;         /* incident edge indices, in edge order */
    size_t *queue;            /* BFS queue, nn */
    unsigned char *mark;      /* BFS visited marks, nn */
    unsigned char *removed;   /* stations removed in a connectivity check, nn */
    unsigned char *in_region; /* cities of the region being examined, nn */
    bool *japan_city;         /* cities of region Japan, nn */
    bool *jp_station;         /* landing stations with country "JP", nn */
    size_t n_jp_stations;
    double *cable_cap;     /* largest segment capacity of each cable, nc */
    size_t *cable_rank;    /* position of each cable in name order, nc */
    size_t *cable_by_rank; /* inverse of cable_rank, nc */
    bool *cable_japan;     /* cable lands at a station of region Japan, nc */
    bool *cable_flag;      /* scratch per cable, nc */
} ctx;

/* A name with a tie-breaking id and the index it stands for, for sorting. */
typedef struct {
    const char *name;
    const char *id;
    size_t idx;
} named;

/* The arcs and capacities of a directed flow graph under construction. */
typedef struct {
    igraph_vector_int_t ends;
    igraph_vector_t cap;
    size_t n;
    bool ends_ok, cap_ok;
} arcs;

int cs_ni_cmp_named(const void *a, const void *b);
int cs_ni_cmp_size(const void *a, const void *b);
size_t cs_ni_other_end(const cs_edge *e, size_t v);
void cs_ni_arcs_destroy(arcs *a);
cs_status cs_ni_arcs_init(arcs *a, size_t n, const ctx *c, cs_error *err);
void cs_ni_arcs_add(arcs *a, size_t from, size_t to, double cap);
cs_status cs_ni_max_flow(double *value, igraph_vector_t *flow, const arcs *a, size_t nv, size_t s,
                         size_t target, const ctx *c, const char *region, cs_error *err);
cs_status cs_ni_region_separation(cs_netinfo_region *r, ctx *c, size_t max_checks, cs_error *err);

#endif /* CS_NETINFO_IMPL_H */
