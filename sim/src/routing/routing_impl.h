/*
 * routing_impl.h: what the router's source files share (private to libcablesim).
 *
 * routing.c allocates the router and routes (latency-first placements, max flows,
 * connectivity); routing_spt.c keeps the shortest-path trees of latency-first routing and
 * repairs them on demand. The public API is cablesim/routing.h.
 */
#ifndef CS_ROUTING_IMPL_H
#define CS_ROUTING_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cablesim/routing.h"

#define NONE SIZE_MAX

/*
 * A shortest-path tree from one origin over the usable edges: distance (km),
 * predecessor edge and hop count per node (NONE / INFINITY when unreached),
 * and each node's children as a list (first child kid[], siblings linked both
 * ways by sib[] and prv[]), so that a subtree is found in time proportional to
 * its size. The order of the children in a list is of no consequence.
 */
typedef struct {
    double *dist;
    size_t *pred, *hops, *kid, *sib, *prv;
    unsigned char *cut;      /* [ne] 1: not in this tree's graph: outside its class, unusable in the
                              * intact network, or an edge it was repaired for (removed) */
    size_t allow_a, allow_b; /* the restricted countries whose links it may use (or NONE) */
} cs_spt;

/* The arrays of a tree, nn entries each, in the order they are laid out in the blocks. */
#define SPT_ARRAYS 6

/* An entry of the Dijkstra heap: a node and its distance. */
typedef struct {
    double d;
    size_t v;
} cs_hent;

/* How many capacity vectors keep a reference routing (a recovery ramp's days, each its own). */
#define CS_REFLOG_SLOTS 16

/* How many references with one edge failed a router keeps at most, over all capacity vectors
 * (about 100 kB each for the Japan dataset). */
#define CS_REFLOG_EDGE_MAX 128

/*
 * A reference routing: latency-first at one capacity vector with nothing failed, or with one
 * edge failed (edge), its path queries in order (routing_log.c; docs/routing.md, "Incremental
 * rerouting"). Query q asked for a path of the tree of its demand's slot at a moment when the
 * usable edges were W(q): every edge up in the reference with capacity above epsilon whose
 * sat_q is at least q. Its answer, the path of the shortest-path tree of W(q), is
 * q_edge[q_off[q] .. q_off[q+1]-1] (from the destination), of q_km[q] km (INFINITY: not
 * reached) and q_hops[q] hops.
 */
typedef struct cs_reflog {
    double *cap;  /* [ne] the capacities (NULL: an unused entry); NULL in a reference by edge */
    size_t edge;  /* the edge failed in the reference (NONE: nothing failed) */
    size_t seen;  /* routings with failures that asked for this reference */
    bool built;   /* the queries below are complete */
    double *flow; /* [ne] the reference's edge flows (which edge reference to ask) */
    struct cs_reflog **sub; /* [ne] the references at these capacities with that edge failed */
    size_t n_q, q_room, edge_room;
    size_t *q_off; /* [q_room + 1] */
    size_t *q_edge;
    double *q_km;
    size_t *q_hops;
    size_t *inc_q;           /* [rounds nd + 1] the first query of increment k nd + i */
    size_t *sat_q;           /* [ne] the query whose placement left the edge unusable, or NONE */
    size_t *sat_list, n_sat; /* those edges, in that order */
} cs_reflog;

struct cs_router {
    const cs_topology_t *t;
    const cs_demand_t *d;
    cs_routing_options opt;
    size_t nn, ne, nd, nslots;
    /* Topology, copied once. adj_* is the CSR adjacency: node u's incident
     * edges are entries adj_off[u] .. adj_off[u+1]-1, in edge index order. */
    size_t *adj_off, *adj_edge, *adj_node;
    unsigned char *adj_rev; /* 1 when the entry runs against the edge (to -> from) */
    size_t *efrom, *eto;
    double *len, *cap, *cap0; /* capacity routed on; the topology's (the base trees' usable set) */
    /* Transit: ecountry[e] is the restricted country (an index) of a link with
     * transit = false, NONE for every other edge; n_countries of them. */
    size_t *ecountry, n_countries;
    const char **countries;
    /* Demand, copied once: scaled value, per-round increment, tree slot, the
     * restricted countries of its two cities (NONE when not restricted) and its
     * transit class (one per distinct pair of those). */
    size_t *dorig, *ddst, *dslot, *dca, *dcb, *dcls;
    double *dval, *dinc;
    size_t *slot_root, *slot_a, *slot_b; /* a slot is an origin and its allowed countries */
    size_t *slot_up; /* the slot whose tree a slot asks first (NONE: its own), share_slots() */
    size_t n_cls, *cls_a, *cls_b;
    /* Per routing. */
    double *res;           /* [ne] residual capacity (latency-first) */
    unsigned char *down;   /* [ne] failed, or an end failed */
    unsigned char *usable; /* [ne] not down and residual > epsilon */
    size_t *gone; /* [ne] scratch: edges down at the start; the nodes below unusable path edges */
    size_t *gone0, n_gone0;  /* [ne] with many edges down (cs_spt_start), those edges */
    size_t *path, n_path;    /* [nn] the edges of the path cs_spt_path() found, from dst */
    unsigned char *ok0;      /* [ne] usable in the intact network (capacity above epsilon) */
    double *served, *latsum; /* [nd] raw sums of what was placed */
    size_t *uf, *uf0;        /* [nn] union-find for `connected`: per class, and common */
    size_t *closed;          /* [ne] scratch: the links closed to transit that are not down */
    /* Trees: tree[s] for this routing, base[s] of the intact network, own[s] the storage of
     * slot s's tree in this routing. tree[s] starts as a view of base[s] and is copied into
     * own[s] when first repaired (owned[s] 1; 2: its own, to be made when first asked, a copy
     * repaired below the edges down at the start), so that trees a routing does not change cost
     * nothing. Their arrays live in the blocks below, nn entries per tree. */
    cs_spt *tree, *base, *own;
    unsigned char *owned;
    double *dist_block;
    size_t *idx_block;        /* pred, hops, kid, sib, prv of every tree */
    unsigned char *cut_block; /* cut of this routing's trees, ne entries each (base trees: none) */
    unsigned char *cut0;      /* [nslots ne] the edges outside each slot's graph at the start */
    /* Dijkstra: a binary heap of nodes keyed on (distance, node index), hpos[v] v's entry. */
    cs_hent *heap;
    size_t *hpos;
    unsigned char *settled; /* [nn] 1 except during a Dijkstra run for the nodes it may settle */
    unsigned char *affected;
    size_t *sub, *fresh; /* [nn] repair scratch */
    /* Dinic. */
    double *eflow;
    unsigned char *blocked; /* [nd] maxflow: no augmenting path left */
    unsigned char *reach;   /* [nd] connected in the intact network (else never routed) */
    double unreachable_tbps;
    size_t cur_a, cur_b; /* the restricted countries open to the demand being routed */
    size_t *level, *queue, *it, *pstack, *nstack;
    /* Incremental rerouting (routing_log.c): reference routings by capacity vector, the one of
     * this routing (use) or the one being recorded (rec), and for the lower bounds the distance
     * of every node to each demand's destination in its slot's intact graph (to_dst + nn x
     * dst_of[i]). xtra[0..n_xtra-1]: usable edges that had left W(q) by the query compared;
     * sat_next: how far the reference's sat_list has been read. */
    cs_reflog logs[CS_REFLOG_SLOTS];
    size_t log_next;         /* the entry a new capacity vector takes */
    size_t n_sublogs;        /* references by edge allocated, at most CS_REFLOG_EDGE_MAX */
    size_t rec_edge;         /* the edge failed in the reference being recorded (NONE: none) */
    unsigned char *conn_rec; /* [nd] connected in a reference by edge */
    cs_reflog *use, *rec;
    bool rec_failed;
    double *to_dst;
    size_t *dst_of;
    unsigned char *conn0; /* [nd] connected with nothing failed */
    size_t *xtra, n_xtra, sat_next;
    uint64_t n_from_log, n_from_trees; /* queries answered each way (tests, benchmarks) */
};

/* Whether edge e is open to traffic allowed the restricted countries a and b. */
static inline bool cs_router_allowed(const cs_router_t *r, size_t e, size_t a, size_t b)
{
    const size_t c = r->ecountry[e];
    return c == NONE || c == a || c == b;
}

/* The end of edge e other than v. */
static inline size_t cs_router_other_end(const cs_router_t *r, size_t e, size_t v)
{
    return r->efrom[e] == v ? r->eto[e] : r->efrom[e];
}

/* routing_spt.c */

/** The shortest-path tree from root over the usable edges (those in t's graph), from scratch. */
void cs_spt_dijkstra(cs_router_t *r, cs_spt *t, size_t root);
/** The trees of a routing with edges gone[0..n_gone-1] down: views of the intact network's, or
 * above REPAIR_MAX_DOWN copies repaired below all of those edges when first asked for. */
void cs_spt_start(cs_router_t *r, size_t n_gone);
/** Slot s's tree, repaired until its path from o to dst holds only usable edges (or dst is not
 * reached); the path's edges in r->path[0..n_path-1], from dst. */
const cs_spt *cs_spt_path(cs_router_t *r, size_t s, size_t o, size_t dst);
/** The same answer, from the tree of slot_up[s] when its path is open to slot s. */
const cs_spt *cs_spt_path_shared(cs_router_t *r, size_t s, size_t o, size_t dst);

/* routing_log.c */

/** The distances to each demand's destination that the lower bounds use. \return false: out of
 * memory. */
bool cs_reflog_alloc(cs_router_t *r);
void cs_reflog_free(cs_router_t *r);
/** Sets r->use to a reference routing of the router's capacities for a routing of failures f:
 * the one with the failed edge of f that carries the most flow in the reference with nothing
 * failed, once recorded, else that one; NULL when there is none yet (the first routing that asks
 * for a reference only registers it; the second has it recorded by record, a routing with
 * r->rec_edge failed). \return false: out of memory. */
bool cs_reflog_for(cs_router_t *r, void (*record)(cs_router_t *), const cs_failures *f);
/** While recording: the answer to the next query (r->path, km, hops; reached or not). */
void cs_reflog_query(cs_router_t *r, bool reached, double km, size_t hops);
/** While recording: edge e left the usable set after the last query. */
void cs_reflog_saturated(cs_router_t *r, size_t e);
/**
 * Demand i's j-th path query of increment inc answered from the reference routing r->use when
 * that answer is provably the one its tree would give now: the path's edges in r->path, its km
 * and hops (*reached false: none). \return false: ask the tree.
 */
bool cs_reflog_path(cs_router_t *r, size_t i, size_t inc, size_t j, bool *reached, double *km,
                    size_t *hops);

#endif /* CS_ROUTING_IMPL_H */
