/*
 * routing.c: latency-first and max-flow routing of the demand matrix.
 *
 * Implementation notes. The router copies what the hot path needs out of the
 * topology once (a CSR adjacency, lengths, capacities) and preallocates every
 * work array, so cs_router_route() never allocates and never calls igraph.
 *
 * Latency-first keeps one shortest-path tree per distinct origin city
 * ("slot"), shared by every destination of that origin and every round. Edge
 * lengths never change and, within one routing, edges only ever leave the
 * usable set (failed, or saturated down to the epsilon). Removing an edge
 * outside a tree changes nothing in it; removing a tree edge changes only the
 * subtree below it (see "Tie-breaking" in docs/routing.md). So when an edge
 * saturates, each tree holding it is repaired, not recomputed: the subtree's
 * nodes are reset and a Dijkstra run restricted to them restarts from their
 * neighbours outside it. Repairs are lazy: the edges that left the usable set
 * are logged, and a slot's tree is repaired for those it has not seen when it
 * is next used (a tree repaired for several edges at once is the same tree);
 * with transit classes (two slots per origin on the Japan dataset) a tree
 * whose demands wait for their turn is repaired once for all the edges that
 * saturated meanwhile. The trees of the intact network are computed once,
 * in cs_router_alloc(); a routing starts from copies of them and repairs
 * them for the failed edges (or recomputes them when many edges are down).
 * The result is exactly the tree a full Dijkstra would give, which the
 * tests check against a plain implementation.
 *
 * Max-flow mode runs Dinic's algorithm for each demand increment in turn on
 * what earlier increments left. An undirected edge with residual r is one
 * pair of opposite arcs sharing the increment's net flow f in [-r, r]: the
 * arc along the edge has residual r - f, the other r + f.
 */
#include "cablesim/routing.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NONE SIZE_MAX

/*
 * A shortest-path tree from one origin over the usable edges: distance (km),
 * predecessor edge and hop count per node (NONE / INFINITY when unreached),
 * and the nodes reached in settling order, so that parents come before their
 * children and distances never decrease along order[].
 */
typedef struct {
    double *dist;
    size_t *pred, *hops, *order;
    size_t n_order;
    size_t allow_a, allow_b; /* the restricted countries whose links it may use (or NONE) */
} spt;

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
    size_t n_cls, *cls_a, *cls_b;
    /* Per routing. */
    double *res;           /* [ne] residual capacity (latency-first) */
    unsigned char *down;   /* [ne] failed, or an end failed */
    unsigned char *usable; /* [ne] not down and residual > epsilon */
    size_t *gone;          /* [ne] edges that left the usable set, to repair trees for */
    /* Lazy repair: every edge that left the usable set in this routing, in order, and how many
     * of them each slot's tree has been repaired for (a tree is brought up to date when it is
     * next used: repairing for several edges at once gives the same tree). */
    size_t *glog, n_glog, *synced;
    double *served, *latsum; /* [nd] raw sums of what was placed */
    size_t *uf;              /* [nn] union-find for `connected` */
    /* Trees: tree[s] for this routing, base[s] of the intact network. Their
     * arrays live in the blocks below, nn entries per tree. */
    spt *tree, *base;
    double *dist_block;
    size_t *pred_block, *hops_block, *order_block;
    /* Dijkstra: a binary heap of nodes keyed on (distance, node index). */
    size_t *heap, *hpos;
    unsigned char *settled, *affected;
    size_t *sub, *fresh, *merged; /* [nn] repair scratch */
    /* Dinic. */
    double *eflow;
    unsigned char *blocked; /* [nd] maxflow: no augmenting path left */
    unsigned char *reach;   /* [nd] connected in the intact network (else never routed) */
    double unreachable_tbps;
    size_t cur_a, cur_b; /* the restricted countries open to the demand being routed */
    size_t *level, *queue, *it, *pstack, *nstack;
};

static void dijkstra(cs_router_t *r, spt *t, size_t root);
static void mark_connected(cs_router_t *r, const unsigned char *down, unsigned char *connected);

/* Above this many failed edges a routing recomputes its trees instead of repairing copies. */
#define REPAIR_MAX_DOWN 8

/* ------------------------------------------------------------ results */

cs_status cs_routing_result_init(cs_routing_result *r, size_t n_demands, size_t n_edges,
                                 cs_error *err)
{
    memset(r, 0, sizeof *r);
    r->n_demands = n_demands;
    r->n_edges = n_edges;
    r->served_tbps = calloc(n_demands + 1, sizeof *r->served_tbps);
    r->latency_ms = calloc(n_demands + 1, sizeof *r->latency_ms);
    r->edge_flow_tbps = calloc(n_edges + 1, sizeof *r->edge_flow_tbps);
    r->connected = calloc(n_demands + 1, sizeof *r->connected);
    if (!r->served_tbps || !r->latency_ms || !r->edge_flow_tbps || !r->connected) {
        cs_routing_result_destroy(r);
        return cs_errorf(err, CS_ENOMEM,
                         "out of memory for a routing result (%zu demands, %zu edges)", n_demands,
                         n_edges);
    }
    return CS_OK;
}

void cs_routing_result_destroy(cs_routing_result *r)
{
    free(r->served_tbps);
    free(r->latency_ms);
    free(r->edge_flow_tbps);
    free(r->connected);
    memset(r, 0, sizeof *r);
}

void cs_routing_result_copy(cs_routing_result *dst, const cs_routing_result *src)
{
    memcpy(dst->served_tbps, src->served_tbps, src->n_demands * sizeof *src->served_tbps);
    memcpy(dst->latency_ms, src->latency_ms, src->n_demands * sizeof *src->latency_ms);
    memcpy(dst->edge_flow_tbps, src->edge_flow_tbps, src->n_edges * sizeof *src->edge_flow_tbps);
    memcpy(dst->connected, src->connected, src->n_demands * sizeof *src->connected);
    dst->unserved_tbps = src->unserved_tbps;
    dst->demand_tbps = src->demand_tbps;
}

/* ------------------------------------------------------------ allocation */

static cs_status check_options(const cs_routing_options *o, cs_error *err)
{
    if (o->mode != CS_ROUTING_LATENCY_FIRST && o->mode != CS_ROUTING_MAXFLOW)
        return cs_errorf(
            err, CS_EINVAL,
            "routing options: mode: expected latency-first (0) or maxflow (1), found %d",
            (int)o->mode);
    if (o->rounds < 1)
        return cs_errorf(err, CS_EINVAL,
                         "routing options: rounds: expected an integer >= 1, found %u", o->rounds);
    if (!isfinite(o->demand_scale) || o->demand_scale < 0.0)
        return cs_errorf(err, CS_EINVAL,
                         "routing options: demand_scale: expected a finite number >= 0, found %g",
                         o->demand_scale);
    if (!isfinite(o->hop_ms) || o->hop_ms < 0.0)
        return cs_errorf(err, CS_EINVAL,
                         "routing options: hop_ms: expected a finite number of ms >= 0, found %g",
                         o->hop_ms);
    if (!isnan(o->restoration_share) &&
        !(o->restoration_share >= 0.0 && o->restoration_share <= 1.0))
        return cs_errorf(err, CS_EINVAL,
                         "routing options: restoration_share: expected a number in [0, 1] or "
                         "NAN (derived), found %g",
                         o->restoration_share);
    if (!(o->utilisation > 0.0 && o->utilisation <= 1.0))
        return cs_errorf(err, CS_EINVAL,
                         "routing options: utilisation: expected a number in (0, 1], found %g",
                         o->utilisation);
    if (!(o->restoration_at_event >= 0.0 && o->restoration_at_event <= 1.0))
        return cs_errorf(err, CS_EINVAL,
                         "routing options: restoration_at_event: expected a number in [0, 1], "
                         "found %g",
                         o->restoration_at_event);
    if (!(o->restoration_ramp_days >= 0.0 && isfinite(o->restoration_ramp_days)))
        return cs_errorf(err, CS_EINVAL,
                         "routing options: restoration_ramp_days: expected a finite number >= 0, "
                         "found %g",
                         o->restoration_ramp_days);
    return CS_OK;
}

/* calloc for n elements, one spare so that empty graphs and demands still get memory. */
#define ALLOC(p, n) ((p) = calloc((size_t)(n) + 1, sizeof *(p)))

static bool alloc_arrays(cs_router_t *r)
{
    const size_t nn = r->nn, ne = r->ne, nd = r->nd;
    ALLOC(r->adj_off, nn + 1);
    ALLOC(r->adj_edge, 2 * ne);
    ALLOC(r->adj_node, 2 * ne);
    ALLOC(r->adj_rev, 2 * ne);
    ALLOC(r->efrom, ne);
    ALLOC(r->eto, ne);
    ALLOC(r->len, ne);
    ALLOC(r->cap, ne);
    ALLOC(r->cap0, ne);
    ALLOC(r->dorig, nd);
    ALLOC(r->ddst, nd);
    ALLOC(r->dslot, nd);
    ALLOC(r->dca, nd);
    ALLOC(r->dcb, nd);
    ALLOC(r->dcls, nd);
    ALLOC(r->slot_a, nd);
    ALLOC(r->slot_b, nd);
    ALLOC(r->cls_a, nd);
    ALLOC(r->cls_b, nd);
    ALLOC(r->ecountry, ne);
    ALLOC(r->countries, ne);
    ALLOC(r->dval, nd);
    ALLOC(r->dinc, nd);
    ALLOC(r->slot_root, nd);
    ALLOC(r->res, ne);
    ALLOC(r->down, ne);
    ALLOC(r->usable, ne);
    ALLOC(r->gone, ne);
    ALLOC(r->glog, ne);
    ALLOC(r->served, nd);
    ALLOC(r->latsum, nd);
    ALLOC(r->uf, nn);
    ALLOC(r->heap, nn);
    ALLOC(r->hpos, nn);
    ALLOC(r->settled, nn);
    ALLOC(r->affected, nn);
    ALLOC(r->sub, nn);
    ALLOC(r->fresh, nn);
    ALLOC(r->merged, nn);
    ALLOC(r->eflow, ne);
    ALLOC(r->blocked, nd);
    ALLOC(r->reach, nd);
    ALLOC(r->level, nn);
    ALLOC(r->queue, nn);
    ALLOC(r->it, nn);
    ALLOC(r->pstack, nn);
    ALLOC(r->nstack, nn + 1);
    return r->adj_off && r->adj_edge && r->adj_node && r->adj_rev && r->efrom && r->eto && r->len &&
           r->cap && r->cap0 && r->dorig && r->ddst && r->dslot && r->dca && r->dcb && r->dcls &&
           r->slot_a && r->slot_b && r->cls_a && r->cls_b && r->ecountry && r->countries &&
           r->dval && r->dinc && r->slot_root && r->res && r->down && r->usable && r->gone &&
           r->glog && r->served && r->latsum && r->uf && r->heap && r->hpos && r->settled &&
           r->affected && r->sub && r->fresh && r->merged && r->eflow && r->blocked && r->reach &&
           r->level && r->queue && r->it && r->pstack && r->nstack;
}

/* Copies the graph into CSR form; each node's entries in increasing edge index. */
static void build_adjacency(cs_router_t *r)
{
    for (size_t e = 0; e < r->ne; e++) {
        const cs_edge *ed = cs_topology_edge(r->t, e);
        r->efrom[e] = ed->from;
        r->eto[e] = ed->to;
        r->len[e] = ed->length_km;
        r->cap[e] = r->cap0[e] = r->opt.use_lit ? ed->lit_tbps : ed->capacity_tbps;
        r->ecountry[e] = NONE;
        if (!ed->transit) {
            const char *c = cs_topology_node(r->t, ed->from)->country;
            size_t k = 0;
            while (k < r->n_countries && strcmp(r->countries[k], c) != 0)
                k++;
            if (k == r->n_countries) r->countries[r->n_countries++] = c;
            r->ecountry[e] = k;
        }
        r->adj_off[ed->from + 1]++;
        r->adj_off[ed->to + 1]++;
    }
    for (size_t u = 0; u < r->nn; u++)
        r->adj_off[u + 1] += r->adj_off[u];
    assert(r->adj_off[r->nn] == 2 * r->ne); /* each edge listed at both ends */
    size_t *fill = r->it;                   /* scratch: next free entry per node */
    memcpy(fill, r->adj_off, r->nn * sizeof *fill);
    for (size_t e = 0; e < r->ne; e++) {
        const size_t a = fill[r->efrom[e]]++, b = fill[r->eto[e]]++;
        assert(a < r->adj_off[r->efrom[e] + 1] && b < r->adj_off[r->eto[e] + 1]);
        r->adj_edge[a] = r->adj_edge[b] = e;
        r->adj_node[a] = r->eto[e];
        r->adj_node[b] = r->efrom[e];
        r->adj_rev[a] = 0;
        r->adj_rev[b] = 1;
    }
}

/* The index of the restricted country of node v, or NONE. */
static size_t restricted_country(const cs_router_t *r, size_t v)
{
    const char *c = cs_topology_node(r->t, v)->country;
    for (size_t k = 0; k < r->n_countries; k++)
        if (strcmp(r->countries[k], c) == 0) return k;
    return NONE;
}

/*
 * Copies the demand, scaled, and gives each distinct (origin, allowed restricted
 * countries) a tree slot and each distinct pair of allowed countries a transit class.
 * Without restricted links there is one slot per origin and one class.
 */
static cs_status build_demand(cs_router_t *r, cs_error *err)
{
    for (size_t i = 0; i < r->nd; i++) {
        const cs_demand_entry *de = cs_demand_entry_at(r->d, i);
        if (de->origin >= r->nn || de->destination >= r->nn)
            return cs_errorf(err, CS_EINVAL,
                             "routing: demand %zu (line %zu) names node %zu, but the topology %s "
                             "has %zu nodes",
                             i, de->line, de->origin >= r->nn ? de->origin : de->destination,
                             cs_topology_path(r->t), r->nn);
        r->dorig[i] = de->origin;
        r->ddst[i] = de->destination;
        r->dval[i] = de->demand_tbps * r->opt.demand_scale;
        r->dinc[i] = r->dval[i] / (double)r->opt.rounds;
        size_t a = restricted_country(r, de->origin), b = restricted_country(r, de->destination);
        if (b == a) b = NONE;
        if (a > b) { /* NONE last: (x, NONE) */
            const size_t x = a;
            a = b;
            b = x;
        }
        r->dca[i] = a;
        r->dcb[i] = b;
        size_t s = 0;
        while (s < r->nslots &&
               (r->slot_root[s] != de->origin || r->slot_a[s] != a || r->slot_b[s] != b))
            s++;
        if (s == r->nslots) {
            r->slot_root[s] = de->origin;
            r->slot_a[s] = a;
            r->slot_b[s] = b;
            r->nslots++;
        }
        r->dslot[i] = s;
        size_t c = 0;
        while (c < r->n_cls && (r->cls_a[c] != a || r->cls_b[c] != b))
            c++;
        if (c == r->n_cls) {
            r->cls_a[c] = a;
            r->cls_b[c] = b;
            r->n_cls++;
        }
        r->dcls[i] = c;
    }
    return CS_OK;
}

/* Two sets of trees, this routing's and the intact network's, nn entries each. */
static cs_status alloc_trees(cs_router_t *r, cs_error *err)
{
    const size_t n = 2 * r->nslots, block = n * r->nn;
    ALLOC(r->tree, r->nslots);
    ALLOC(r->base, r->nslots);
    ALLOC(r->synced, r->nslots);
    ALLOC(r->dist_block, block);
    ALLOC(r->pred_block, block);
    ALLOC(r->hops_block, block);
    ALLOC(r->order_block, block);
    if (!r->tree || !r->base || !r->synced || !r->dist_block || !r->pred_block || !r->hops_block ||
        !r->order_block)
        return cs_errorf(err, CS_ENOMEM, "out of memory for %zu shortest-path trees of %zu nodes",
                         n, r->nn);
    for (size_t s = 0; s < n; s++) {
        spt *t = s < r->nslots ? &r->tree[s] : &r->base[s - r->nslots];
        t->dist = r->dist_block + s * r->nn;
        t->pred = r->pred_block + s * r->nn;
        t->hops = r->hops_block + s * r->nn;
        t->order = r->order_block + s * r->nn;
        const size_t sl = s < r->nslots ? s : s - r->nslots;
        t->allow_a = r->slot_a[sl];
        t->allow_b = r->slot_b[sl];
    }
    return CS_OK;
}

cs_status cs_router_alloc(cs_router_t **out, const cs_topology_t *t, const cs_demand_t *d,
                          const cs_routing_options *opt, cs_error *err)
{
    *out = NULL;
    const cs_routing_options def = CS_ROUTING_OPTIONS_INIT;
    if (opt == NULL) opt = &def;
    cs_status rc = check_options(opt, err);
    if (rc) return rc;
    cs_router_t *r = calloc(1, sizeof *r);
    if (r == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for a router");
    r->t = t;
    r->d = d;
    r->opt = *opt;
    r->nn = cs_topology_node_count(t);
    r->ne = cs_topology_edge_count(t);
    r->nd = cs_demand_count(d);
    if (!alloc_arrays(r)) {
        rc = cs_errorf(err, CS_ENOMEM, "out of memory for a router (%zu nodes, %zu edges)", r->nn,
                       r->ne);
        goto fail;
    }
    build_adjacency(r);
    if ((rc = build_demand(r, err)) != CS_OK) goto fail;
    if ((rc = alloc_trees(r, err)) != CS_OK) goto fail;
    for (size_t u = 0; u < r->nn; u++)
        r->hpos[u] = NONE; /* the heap is empty between runs */
    for (size_t e = 0; e < r->ne; e++)
        r->usable[e] = r->cap[e] > CS_ROUTING_EPS_TBPS;
    for (size_t sl = 0; sl < r->nslots; sl++)
        dijkstra(r, &r->base[sl], r->slot_root[sl]);
    mark_connected(r, r->down, r->reach); /* nothing is down yet */
    for (size_t i = 0; i < r->nd; i++)
        if (!r->reach[i]) r->unreachable_tbps += r->dval[i];
    *out = r;
    return CS_OK;
fail:
    cs_router_free(r);
    return rc;
}

void cs_router_free(cs_router_t *r)
{
    if (r == NULL) return;
    void *more[] = {r->dca,    r->dcb,      r->dcls,
                    r->slot_a, r->slot_b,   r->cls_a,
                    r->cls_b,  r->ecountry, (void *)r->countries,
                    r->reach,  r->cap0,     r->glog,
                    r->synced};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        free(more[i]);
    void *arrays[] = {
        r->adj_off,    r->adj_edge,   r->adj_node,    r->adj_rev, r->efrom,  r->eto,
        r->len,        r->cap,        r->dorig,       r->ddst,    r->dslot,  r->dval,
        r->dinc,       r->slot_root,  r->res,         r->down,    r->usable, r->gone,
        r->served,     r->latsum,     r->uf,          r->tree,    r->base,   r->dist_block,
        r->pred_block, r->hops_block, r->order_block, r->heap,    r->hpos,   r->settled,
        r->affected,   r->sub,        r->fresh,       r->merged,  r->eflow,  r->blocked,
        r->level,      r->queue,      r->it,          r->pstack,  r->nstack};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        free(arrays[i]);
    free(r);
}

const cs_routing_options *cs_router_options(const cs_router_t *r)
{
    return &r->opt;
}

cs_status cs_router_set_capacity(cs_router_t *r, const double *cap, cs_error *err)
{
    for (size_t e = 0; cap != NULL && e < r->ne; e++)
        if (!isfinite(cap[e]) || cap[e] < 0.0)
            return cs_errorf(err, CS_EINVAL,
                             "routing: capacity of edge %zu: expected a finite number >= 0, "
                             "found %g",
                             e, cap[e]);
    memcpy(r->cap, cap != NULL ? cap : r->cap0, r->ne * sizeof *r->cap);
    return CS_OK;
}

const unsigned char *cs_router_reachable(const cs_router_t *r)
{
    return r->reach;
}

double cs_router_unreachable_tbps(const cs_router_t *r)
{
    return r->unreachable_tbps;
}

void cs_router_exclude_unserved(cs_router_t *r, const double *served)
{
    for (size_t i = 0; i < r->nd; i++)
        if (r->reach[i] && !(served[i] > 0.0) && r->dval[i] > 0.0) {
            r->reach[i] = 0;
            r->unreachable_tbps += r->dval[i];
        }
}

/* Indexed by cs_routing_mode; the scenario parser reads them in this order. */
static const char *const mode_names[] = {"latency-first", "maxflow", NULL};
static const char *const capacity_names[] = {"design", "lit", NULL};

const char *cs_routing_mode_name(cs_routing_mode mode)
{
    return (unsigned)mode < 2 ? mode_names[mode] : "?";
}

bool cs_routing_mode_from_name(const char *name, cs_routing_mode *out)
{
    for (int m = 0; name != NULL && mode_names[m] != NULL; m++)
        if (strcmp(name, mode_names[m]) == 0) {
            *out = (cs_routing_mode)m;
            return true;
        }
    return false;
}

const char *const *cs_routing_mode_names(void)
{
    return mode_names;
}

const char *cs_routing_capacity_name(bool use_lit)
{
    return capacity_names[use_lit ? 1 : 0];
}

bool cs_routing_capacity_from_name(const char *name, bool *use_lit)
{
    for (int k = 0; name != NULL && k < 2; k++)
        if (strcmp(name, capacity_names[k]) == 0) {
            *use_lit = k == 1;
            return true;
        }
    return false;
}

const char *const *cs_routing_capacity_names(void)
{
    return capacity_names;
}

bool cs_routing_ignores_unused_edges(cs_routing_mode mode)
{
    return mode == CS_ROUTING_LATENCY_FIRST;
}

bool cs_router_ignores_unused_edges(const cs_router_t *r)
{
    return cs_routing_ignores_unused_edges(r->opt.mode);
}

/*
 * Maxflow is no longer each demand alone (whose max flow an unused edge cannot change): its
 * successive max flows may take other paths of the same value without an unused edge and leave
 * other residuals to later demands, so only latency-first keeps what is served.
 */
bool cs_router_keeps_served_without_unused_edges(const cs_router_t *r)
{
    return r->opt.mode == CS_ROUTING_LATENCY_FIRST;
}

/* ------------------------------------------------------------ connectivity */

/* Whether edge e is open to traffic allowed the restricted countries a and b. */
static bool allowed(const cs_router_t *r, size_t e, size_t a, size_t b)
{
    const size_t c = r->ecountry[e];
    return c == NONE || c == a || c == b;
}

static size_t uf_find(size_t *p, size_t x)
{
    while (p[x] != x)
        x = p[x] = p[p[x]];
    return x;
}

/*
 * connected[i] = 1 when a path of edges that are not down, and open to demand i
 * (transit), joins its cities: one union-find per transit class.
 */
static void mark_connected(cs_router_t *r, const unsigned char *down, unsigned char *connected)
{
    for (size_t c = 0; c < r->n_cls; c++) {
        for (size_t u = 0; u < r->nn; u++)
            r->uf[u] = u;
        for (size_t e = 0; e < r->ne; e++) {
            if (down[e] || !allowed(r, e, r->cls_a[c], r->cls_b[c])) continue;
            const size_t a = uf_find(r->uf, r->efrom[e]), b = uf_find(r->uf, r->eto[e]);
            if (a != b) r->uf[a < b ? b : a] = a < b ? a : b;
        }
        for (size_t i = 0; i < r->nd; i++)
            if (r->dcls[i] == c)
                connected[i] = uf_find(r->uf, r->dorig[i]) == uf_find(r->uf, r->ddst[i]);
    }
}

void cs_router_connected(cs_router_t *r, const unsigned char *down, unsigned char *connected)
{
    mark_connected(r, down, connected);
}

/* ------------------------------------------------------------ trees */

/* Heap order: smaller distance first, then smaller node index. */
static bool heap_less(const double *dist, size_t a, size_t b)
{
    return dist[a] < dist[b] || (dist[a] == dist[b] && a < b);
}

static void heap_swap(cs_router_t *r, size_t i, size_t j)
{
    const size_t a = r->heap[i], b = r->heap[j];
    r->heap[i] = b;
    r->heap[j] = a;
    r->hpos[b] = i;
    r->hpos[a] = j;
}

static void heap_up(cs_router_t *r, const double *dist, size_t i)
{
    while (i > 0 && heap_less(dist, r->heap[i], r->heap[(i - 1) / 2])) {
        heap_swap(r, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static size_t heap_pop(cs_router_t *r, const double *dist, size_t *n)
{
    const size_t top = r->heap[0];
    r->hpos[top] = NONE;
    if (--*n == 0) return top;
    r->heap[0] = r->heap[*n];
    r->hpos[r->heap[0]] = 0;
    for (size_t i = 0;;) {
        const size_t lc = 2 * i + 1, rc = lc + 1;
        size_t m = i;
        if (lc < *n && heap_less(dist, r->heap[lc], r->heap[m])) m = lc;
        if (rc < *n && heap_less(dist, r->heap[rc], r->heap[m])) m = rc;
        if (m == i) break;
        heap_swap(r, i, m);
        i = m;
    }
    return top;
}

static void heap_push(cs_router_t *r, const double *dist, size_t v, size_t *n)
{
    if (r->hpos[v] == NONE) {
        r->heap[*n] = v;
        r->hpos[v] = (*n)++;
    }
    heap_up(r, dist, r->hpos[v]);
}

static size_t other_end(const cs_router_t *r, size_t e, size_t v)
{
    return r->efrom[e] == v ? r->eto[e] : r->efrom[e];
}

/*
 * Offers v the path through settled node u and edge e. A shorter distance
 * wins; at equal distance the lower edge index does, so the predecessor is
 * the lowest-index edge among all that achieve v's distance, whatever the
 * order of the offers.
 */
static void relax(cs_router_t *r, spt *t, size_t u, size_t v, size_t e, size_t *n)
{
    const double nd = t->dist[u] + r->len[e];
    if (nd < t->dist[v]) {
        t->dist[v] = nd;
        t->pred[v] = e;
        t->hops[v] = t->hops[u] + 1;
        heap_push(r, t->dist, v, n);
    } else if (nd == t->dist[v] && e < t->pred[v]) {
        t->pred[v] = e;
        t->hops[v] = t->hops[u] + 1;
    }
}

/* Settles the heap's nodes in (distance, index) order into out[]; returns how many. */
static size_t settle(cs_router_t *r, spt *t, size_t n, size_t *out)
{
    size_t k = 0;
    while (n > 0) {
        const size_t u = heap_pop(r, t->dist, &n);
        r->settled[u] = 1;
        out[k++] = u;
        for (size_t j = r->adj_off[u]; j < r->adj_off[u + 1]; j++) {
            const size_t e = r->adj_edge[j], v = r->adj_node[j];
            if (r->usable[e] && !r->settled[v] && allowed(r, e, t->allow_a, t->allow_b))
                relax(r, t, u, v, e, &n);
        }
    }
    return k;
}

/* The shortest-path tree from root over the usable edges, from scratch. */
static void dijkstra(cs_router_t *r, spt *t, size_t root)
{
    for (size_t u = 0; u < r->nn; u++) {
        t->dist[u] = INFINITY;
        t->pred[u] = NONE;
    }
    memset(r->settled, 0, r->nn);
    t->dist[root] = 0.0;
    t->hops[root] = 0;
    size_t n = 0;
    heap_push(r, t->dist, root, &n);
    t->n_order = settle(r, t, n, t->order);
}

/*
 * Repairs t after its edge into c left the usable set. Only c's subtree can
 * change: its nodes are reset, offered their usable edges from outside it,
 * and settled again by a Dijkstra run that treats every other node as
 * settled (their distances cannot change). order[] is then merged back.
 */
static void repair(cs_router_t *r, spt *t, size_t c)
{
    size_t k = 0, na = 0;
    while (t->order[k] != c)
        k++;
    r->affected[c] = 1;
    r->sub[na++] = c;
    for (k++; k < t->n_order; k++) { /* parents precede children in order[] */
        const size_t w = t->order[k];
        if (r->affected[other_end(r, t->pred[w], w)]) {
            r->affected[w] = 1;
            r->sub[na++] = w;
        }
    }
    memset(r->settled, 1, r->nn);
    for (size_t i = 0; i < na; i++) {
        const size_t v = r->sub[i];
        t->dist[v] = INFINITY;
        t->pred[v] = NONE;
        r->settled[v] = 0;
    }
    size_t n = 0;
    for (size_t i = 0; i < na; i++) {
        const size_t v = r->sub[i];
        for (size_t j = r->adj_off[v]; j < r->adj_off[v + 1]; j++) {
            const size_t e = r->adj_edge[j], u = r->adj_node[j];
            if (r->usable[e] && !r->affected[u] && t->dist[u] < INFINITY &&
                allowed(r, e, t->allow_a, t->allow_b))
                relax(r, t, u, v, e, &n);
        }
    }
    const size_t nf = settle(r, t, n, r->fresh);
    /* Merge the untouched nodes (in their order) with the resettled ones; at
     * equal distance the untouched come first, so parents stay ahead. */
    size_t i = 0, j = 0, m = 0;
    while (i < t->n_order || j < nf) {
        while (i < t->n_order && r->affected[t->order[i]])
            i++;
        if (i == t->n_order && j == nf) break;
        if (j == nf || (i < t->n_order && t->dist[t->order[i]] <= t->dist[r->fresh[j]]))
            r->merged[m++] = t->order[i++];
        else
            r->merged[m++] = r->fresh[j++];
    }
    memcpy(t->order, r->merged, m * sizeof *t->order);
    t->n_order = m;
    for (size_t q = 0; q < na; q++)
        r->affected[r->sub[q]] = 0;
}

/* Edges gone[0..n-1] left the usable set: logged; each tree is repaired for them when next
 * used (sync_tree). */
static void log_gone(cs_router_t *r, const size_t *gone, size_t n)
{
    assert(r->n_glog + n <= r->ne); /* an edge leaves the usable set once per routing */
    memcpy(r->glog + r->n_glog, gone, n * sizeof *gone);
    r->n_glog += n;
}

/* Repairs slot s's tree for the edges logged since it was last brought up to date. */
static spt *sync_tree(cs_router_t *r, size_t s)
{
    spt *t = &r->tree[s];
    for (size_t g = r->synced[s]; g < r->n_glog; g++) {
        const size_t e = r->glog[g], a = r->efrom[e], b = r->eto[e];
        if (t->pred[a] == e)
            repair(r, t, a);
        else if (t->pred[b] == e)
            repair(r, t, b);
    }
    r->synced[s] = r->n_glog;
    return t;
}

/* The trees of this routing: the intact ones, to be repaired for the failures, or new. */
static void start_trees(cs_router_t *r, size_t n_gone)
{
    r->n_glog = 0;
    memset(r->synced, 0, r->nslots * sizeof *r->synced);
    if (n_gone > REPAIR_MAX_DOWN) {
        for (size_t s = 0; s < r->nslots; s++)
            dijkstra(r, &r->tree[s], r->slot_root[s]);
        return;
    }
    const size_t block = r->nslots * r->nn;
    memcpy(r->tree[0].dist, r->base[0].dist, block * sizeof *r->base[0].dist);
    memcpy(r->tree[0].pred, r->base[0].pred, block * sizeof *r->base[0].pred);
    memcpy(r->tree[0].hops, r->base[0].hops, block * sizeof *r->base[0].hops);
    memcpy(r->tree[0].order, r->base[0].order, block * sizeof *r->base[0].order);
    for (size_t s = 0; s < r->nslots; s++)
        r->tree[s].n_order = r->base[s].n_order;
    log_gone(r, r->gone, n_gone);
}

/* ------------------------------------------------------------ latency-first */

/*
 * Places up to amount of demand i on the shortest usable paths, spilling at
 * each bottleneck onto the next shortest path. What finds no path is left.
 */
static void place(cs_router_t *r, size_t i, double amount)
{
    const size_t o = r->dorig[i], dst = r->ddst[i];
    const size_t s = r->dslot[i];
    const spt *t = sync_tree(r, s); /* repaired in place below */
    double rem = amount;
    while (rem > CS_ROUTING_EPS_TBPS && t->pred[dst] != NONE) {
        double b = rem; /* what goes on this path: rem, or less at a bottleneck */
        for (size_t v = dst; v != o; v = other_end(r, t->pred[v], v))
            if (r->res[t->pred[v]] < b) b = r->res[t->pred[v]];
        /* Tree edges are all usable, so b > epsilon; this guard only turns a
         * broken invariant into a wrong answer the tests see, not a hang. */
        if (!(b > CS_ROUTING_EPS_TBPS)) break;
        const double amt = b;
        const double lat = t->dist[dst] * CS_FIBRE_MS_PER_KM + (double)t->hops[dst] * r->opt.hop_ms;
        r->served[i] += amt;
        r->latsum[i] += amt * lat;
        rem -= amt;
        size_t n_gone = 0;
        for (size_t v = dst; v != o; v = other_end(r, t->pred[v], v)) {
            const size_t e = t->pred[v];
            r->res[e] -= amt;
            if (r->res[e] <= CS_ROUTING_EPS_TBPS) {
                r->usable[e] = 0;
                r->gone[n_gone++] = e;
            }
        }
        /* Only now, with the walk done, may the trees change: this one at once, the others
         * when next used. */
        log_gone(r, r->gone, n_gone);
        sync_tree(r, s);
    }
}

static void route_latency_first(cs_router_t *r, cs_routing_result *out)
{
    for (unsigned k = 0; k < r->opt.rounds; k++)
        for (size_t i = 0; i < r->nd; i++)
            if (out->connected[i]) place(r, i, r->dinc[i]);
    for (size_t e = 0; e < r->ne; e++)
        out->edge_flow_tbps[e] = r->cap[e] - r->res[e];
}

/* ------------------------------------------------------------ max flow */

/*
 * Residual of adjacency entry k for the demand being routed: r_e is what the
 * demands before it left of the edge, f its own net flow; along the edge
 * r_e - f, against it r_e + f.
 */
static double arc_res(const cs_router_t *r, size_t k)
{
    const size_t e = r->adj_edge[k];
    return r->adj_rev[k] ? r->res[e] + r->eflow[e] : r->res[e] - r->eflow[e];
}

static void arc_push(cs_router_t *r, size_t k, double x)
{
    r->eflow[r->adj_edge[k]] += r->adj_rev[k] ? -x : x;
}

/* Breadth-first levels from src over arcs with residual; true when dst is reached. */
static bool dinic_levels(cs_router_t *r, size_t src, size_t dst)
{
    for (size_t u = 0; u < r->nn; u++)
        r->level[u] = NONE;
    size_t head = 0, tail = 0;
    r->level[src] = 0;
    r->queue[tail++] = src;
    while (head < tail) {
        const size_t u = r->queue[head++];
        /* Nodes at dst's level or beyond lead nowhere in the level graph. */
        if (r->level[dst] != NONE && r->level[u] >= r->level[dst]) break;
        for (size_t k = r->adj_off[u]; k < r->adj_off[u + 1]; k++) {
            const size_t v = r->adj_node[k];
            const size_t e = r->adj_edge[k];
            if (r->level[v] != NONE || !r->usable[e] || !allowed(r, e, r->cur_a, r->cur_b))
                continue;
            if (arc_res(r, k) <= CS_ROUTING_EPS_TBPS) continue;
            r->level[v] = r->level[u] + 1;
            r->queue[tail++] = v;
        }
    }
    return r->level[dst] != NONE;
}

/* Whether entry k leaves u for the next level with residual. */
static bool admissible(const cs_router_t *r, size_t u, size_t k)
{
    const size_t v = r->adj_node[k], e = r->adj_edge[k];
    return r->usable[e] && r->level[v] != NONE && r->level[v] == r->level[u] + 1 &&
           allowed(r, e, r->cur_a, r->cur_b) && arc_res(r, k) > CS_ROUTING_EPS_TBPS;
}

/*
 * One blocking flow on the level graph, by an iterative depth-first search
 * with current-arc pointers (it[]); nstack[0..depth] are the nodes of the
 * current path and pstack[0..depth-1] its arcs. Stops once `limit` is
 * reached. Returns the flow added.
 */
static double dinic_block(cs_router_t *r, size_t src, size_t dst, double limit)
{
    for (size_t u = 0; u < r->nn; u++)
        r->it[u] = r->adj_off[u];
    double total = 0.0;
    size_t depth = 0;
    r->nstack[0] = src;
    for (;;) {
        const size_t u = r->nstack[depth];
        if (u == dst) {
            double b = limit - total;
            size_t first = 0;
            for (size_t j = 0; j < depth; j++) {
                const double x = arc_res(r, r->pstack[j]);
                if (x < b) b = x, first = j;
            }
            for (size_t j = 0; j < depth; j++)
                arc_push(r, r->pstack[j], b);
            total += b;
            if (limit - total <= CS_ROUTING_EPS_TBPS) return total;
            depth = first; /* resume from the tail of the first saturated arc */
            continue;
        }
        while (r->it[u] < r->adj_off[u + 1] && !admissible(r, u, r->it[u]))
            r->it[u]++;
        if (r->it[u] < r->adj_off[u + 1]) {
            r->pstack[depth] = r->it[u];
            r->nstack[++depth] = r->adj_node[r->it[u]];
            continue;
        }
        if (depth == 0) return total;
        r->level[u] = NONE; /* dead end: never enter u again in this phase */
        depth--;
        r->it[r->nstack[depth]]++;
    }
}

/*
 * Maximum flow from src to dst, at most limit, over the usable edges and what
 * earlier demands left of them (res); this demand's net flows left in eflow.
 */
static double max_flow(cs_router_t *r, size_t src, size_t dst, double limit)
{
    memset(r->eflow, 0, r->ne * sizeof *r->eflow);
    double total = 0.0;
    while (limit - total > CS_ROUTING_EPS_TBPS && dinic_levels(r, src, dst))
        total += dinic_block(r, src, dst, limit);
    return total;
}

/*
 * Successive max-flows on residual capacity: round by round, each demand in
 * file order takes up to its increment D_i / R as a maximum flow over what the
 * demands before it left; its flow then leaves the edges. A demand that got
 * less than its increment has no augmenting path left, and residuals only
 * shrink, so it is not tried again.
 */
static void route_maxflow(cs_router_t *r, cs_routing_result *out)
{
    for (size_t i = 0; i < r->nd; i++)
        r->blocked[i] = !out->connected[i] || !(r->dval[i] > 0.0);
    for (unsigned k = 0; k < r->opt.rounds; k++)
        for (size_t i = 0; i < r->nd; i++) {
            if (r->blocked[i]) continue;
            r->cur_a = r->dca[i];
            r->cur_b = r->dcb[i];
            const double f = max_flow(r, r->dorig[i], r->ddst[i], r->dinc[i]);
            if (f < r->dinc[i] - CS_ROUTING_EPS_TBPS) r->blocked[i] = 1;
            if (!(f > 0.0)) continue;
            for (size_t e = 0; e < r->ne; e++)
                if (r->eflow[e] != 0.0) r->res[e] = fmax(0.0, r->res[e] - fabs(r->eflow[e]));
            const spt *t = sync_tree(r, r->dslot[i]);
            const double km = t->dist[r->ddst[i]];
            const size_t hops = t->hops[r->ddst[i]];
            r->served[i] += f;
            r->latsum[i] += f * (km * CS_FIBRE_MS_PER_KM + (double)hops * r->opt.hop_ms);
        }
    for (size_t e = 0; e < r->ne; e++)
        out->edge_flow_tbps[e] = r->cap[e] - r->res[e];
}

/* ------------------------------------------------------------ routing */

cs_status cs_router_route(cs_router_t *r, const cs_failures *f, cs_routing_result *out,
                          cs_error *err)
{
    if (out->n_demands != r->nd || out->n_edges != r->ne)
        return cs_errorf(
            err, CS_EINVAL,
            "routing: result sized for %zu demands and %zu edges, expected %zu and %zu",
            out->n_demands, out->n_edges, r->nd, r->ne);
    if (f != NULL && (f->ne != r->ne || f->nn != r->nn))
        return cs_errorf(err, CS_EINVAL,
                         "routing: failure set sized for %zu edges and %zu nodes, expected %zu and "
                         "%zu",
                         f->ne, f->nn, r->ne, r->nn);
    size_t n_gone = 0;
    for (size_t e = 0; e < r->ne; e++) {
        r->down[e] = f != NULL && cs_failures_edge_down(f, r->t, e);
        r->usable[e] = !r->down[e] && r->cap[e] > CS_ROUTING_EPS_TBPS;
        r->res[e] = r->cap[e];
        /* Gone from the base trees' usable set: down, or emptied by set_capacity. */
        if (!r->usable[e] && r->cap0[e] > CS_ROUTING_EPS_TBPS) r->gone[n_gone++] = e;
    }
    mark_connected(r, r->down, out->connected);
    start_trees(r, n_gone);
    memset(r->served, 0, r->nd * sizeof *r->served);
    memset(r->latsum, 0, r->nd * sizeof *r->latsum);
    if (r->opt.mode == CS_ROUTING_MAXFLOW)
        route_maxflow(r, out);
    else
        route_latency_first(r, out);
    out->unserved_tbps = out->demand_tbps = 0.0;
    for (size_t i = 0; i < r->nd; i++) {
        if (!r->reach[i]) { /* never routed, and no part of the damage */
            out->served_tbps[i] = 0.0;
            out->latency_ms[i] = NAN;
            continue;
        }
        /* Increments of dval/rounds may add up to dval plus a rounding unit. */
        out->served_tbps[i] = fmin(r->served[i], r->dval[i]);
        out->latency_ms[i] = r->served[i] > 0.0 ? r->latsum[i] / r->served[i] : NAN;
        out->unserved_tbps += r->dval[i] - out->served_tbps[i];
        out->demand_tbps += r->dval[i];
    }
    return CS_OK;
}
