/*
 * routing.c: latency-first and max-flow routing of the demand matrix.
 *
 * Implementation notes. The router copies what the hot path needs out of the
 * topology once (a CSR adjacency, lengths, capacities) and preallocates every
 * work array, so cs_router_route() never allocates and never calls igraph.
 *
 * Latency-first keeps one shortest-path tree per distinct origin city and
 * transit class ("slot"), shared by every destination of that origin and every
 * round. Edge lengths never change and, within one routing, edges only ever
 * leave the usable set (failed, or saturated down to the epsilon). Removing an
 * edge outside a tree changes nothing in it; removing a tree edge changes only
 * the subtree below it (see "Tie-breaking" in docs/routing.md). So a tree is
 * repaired, not recomputed: the subtree's nodes are reset and a Dijkstra run
 * restricted to them restarts from their neighbours outside it. Each tree
 * keeps its children lists, so a subtree is found in time proportional to its
 * size. Repairs are made on demand: a tree is the shortest-path tree of its own
 * graph (the intact network's usable edges less those it was repaired for),
 * which holds every usable edge; when a path of it is asked for and holds only
 * usable edges, that is exactly the path of the up-to-date tree, and only when
 * it holds an unusable one is the tree repaired, for the unusable edges of that
 * path (routing_spt.c). The trees of the intact network are computed once, in
 * cs_router_alloc(); a routing starts from views of them, copied when first
 * repaired (or with many edges down recomputes them). The result is exactly
 * the tree a full Dijkstra would give on the usable edges wherever it is read,
 * which the tests check against a plain implementation.
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

#include "routing/routing_impl.h"

static void mark_connected(cs_router_t *r, const unsigned char *down, unsigned char *connected);

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
    ALLOC(r->slot_up, nd);
    ALLOC(r->res, ne);
    ALLOC(r->down, ne);
    ALLOC(r->usable, ne);
    ALLOC(r->gone, ne);
    ALLOC(r->gone0, ne);
    ALLOC(r->path, nn);
    ALLOC(r->ok0, ne);
    ALLOC(r->served, nd);
    ALLOC(r->latsum, nd);
    ALLOC(r->uf, nn);
    ALLOC(r->uf0, nn);
    ALLOC(r->closed, ne);
    ALLOC(r->heap, nn);
    ALLOC(r->hpos, nn);
    ALLOC(r->settled, nn);
    ALLOC(r->affected, nn);
    ALLOC(r->sub, nn);
    ALLOC(r->fresh, nn);
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
           r->dval && r->dinc && r->slot_root && r->slot_up && r->res && r->down && r->usable &&
           r->gone && r->gone0 && r->path && r->ok0 && r->served && r->latsum && r->uf && r->uf0 &&
           r->closed && r->heap && r->hpos && r->settled && r->affected && r->sub && r->fresh &&
           r->eflow && r->blocked && r->reach && r->level && r->queue && r->it && r->pstack &&
           r->nstack;
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

/* The restricted countries a slot's class opens (0, 1 or 2). */
static size_t n_open(const cs_router_t *r, size_t s)
{
    return (r->slot_a[s] != NONE) + (r->slot_b[s] != NONE);
}

/* Whether slot p's class opens every edge slot s's does. */
static bool opens_all(const cs_router_t *r, size_t p, size_t s)
{
    const size_t c[2] = {r->slot_a[s], r->slot_b[s]};
    for (size_t k = 0; k < 2; k++)
        if (c[k] != NONE && c[k] != r->slot_a[p] && c[k] != r->slot_b[p]) return false;
    return true;
}

/*
 * Each slot's shared tree: the slot of the same origin whose class opens the most restricted
 * countries, among those that open every edge its own does (NONE: none opens more). Its paths
 * answer for the slot whenever they hold only edges open to it (routing_spt.c).
 */
static void share_slots(cs_router_t *r)
{
    for (size_t s = 0; s < r->nslots; s++) {
        r->slot_up[s] = NONE;
        for (size_t p = 0; p < r->nslots; p++)
            if (p != s && r->slot_root[p] == r->slot_root[s] && n_open(r, p) > n_open(r, s) &&
                opens_all(r, p, s) &&
                (r->slot_up[s] == NONE || n_open(r, p) > n_open(r, r->slot_up[s])))
                r->slot_up[s] = p;
    }
}

/* Two sets of trees, this routing's and the intact network's, nn entries each. */
static cs_status alloc_trees(cs_router_t *r, cs_error *err)
{
    const size_t n = 2 * r->nslots, block = n * r->nn;
    ALLOC(r->tree, r->nslots);
    ALLOC(r->base, r->nslots);
    ALLOC(r->own, r->nslots);
    ALLOC(r->owned, r->nslots);
    ALLOC(r->cut_block, r->nslots * r->ne);
    ALLOC(r->cut0, r->nslots * r->ne);
    ALLOC(r->dist_block, block);
    ALLOC(r->idx_block, (SPT_ARRAYS - 1) * block);
    if (!r->tree || !r->base || !r->own || !r->owned || !r->cut_block || !r->cut0 ||
        !r->dist_block || !r->idx_block)
        return cs_errorf(err, CS_ENOMEM, "out of memory for %zu shortest-path trees of %zu nodes",
                         n, r->nn);
    for (size_t s = 0; s < n; s++) {
        cs_spt *t = s < r->nslots ? &r->own[s] : &r->base[s - r->nslots];
        size_t *idx = r->idx_block + s * (SPT_ARRAYS - 1) * r->nn;
        t->dist = r->dist_block + s * r->nn;
        t->pred = idx;
        t->hops = idx + r->nn;
        t->kid = idx + 2 * r->nn;
        t->sib = idx + 3 * r->nn;
        t->prv = idx + 4 * r->nn;
        t->cut = s < r->nslots ? r->cut_block + s * r->ne : NULL;
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
    r->rec_edge = NONE;
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
    share_slots(r);
    if ((rc = alloc_trees(r, err)) != CS_OK) goto fail;
    for (size_t u = 0; u < r->nn; u++)
        r->hpos[u] = NONE; /* the heap is empty between runs */
    memset(r->settled, 1, r->nn);
    for (size_t e = 0; e < r->ne; e++)
        r->usable[e] = r->ok0[e] = r->cap[e] > CS_ROUTING_EPS_TBPS;
    for (size_t sl = 0; sl < r->nslots; sl++)
        for (size_t e = 0; e < r->ne; e++)
            r->cut0[sl * r->ne + e] =
                !r->ok0[e] || !cs_router_allowed(r, e, r->slot_a[sl], r->slot_b[sl]);
    for (size_t sl = 0; sl < r->nslots; sl++)
        cs_spt_dijkstra(r, &r->base[sl], r->slot_root[sl]);
    mark_connected(r, r->down, r->reach); /* nothing is down yet */
    if (!cs_reflog_alloc(r)) {
        rc = cs_errorf(err, CS_ENOMEM, "out of memory for a router's distances (%zu nodes)", r->nn);
        goto fail;
    }
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

    cs_reflog_free(r);
    void *more[] = {r->dca,       r->dcb,      r->dcls,
                    r->slot_a,    r->slot_b,   r->cls_a,
                    r->cls_b,     r->ecountry, (void *)r->countries,
                    r->reach,     r->cap0,     r->ok0,
                    r->cut_block, r->own,      r->path,
                    r->cut0,      r->owned,    r->idx_block,
                    r->slot_up,   r->uf0,      r->closed,
                    r->gone0};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        free(more[i]);
    void *arrays[] = {r->adj_off, r->adj_edge,  r->adj_node, r->adj_rev,  r->efrom,  r->eto,
                      r->len,     r->cap,       r->dorig,    r->ddst,     r->dslot,  r->dval,
                      r->dinc,    r->slot_root, r->res,      r->down,     r->usable, r->gone,
                      r->served,  r->latsum,    r->uf,       r->tree,     r->base,   r->dist_block,
                      r->heap,    r->hpos,      r->settled,  r->affected, r->sub,    r->fresh,
                      r->eflow,   r->blocked,   r->level,    r->queue,    r->it,     r->pstack,
                      r->nstack};
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

static size_t uf_find(size_t *p, size_t x)
{
    while (p[x] != x)
        x = p[x] = p[p[x]];
    return x;
}

static void uf_join(size_t *p, size_t x, size_t y)
{
    const size_t a = uf_find(p, x), b = uf_find(p, y);
    if (a != b) p[a < b ? b : a] = a < b ? a : b;
}

/*
 * connected[i] = 1 when a path of edges that are not down, and open to demand i
 * (transit), joins its cities: the edges open to every class joined once (uf0), then per
 * transit class a copy joined by the links closed to transit that it opens.
 */
static void mark_connected(cs_router_t *r, const unsigned char *down, unsigned char *connected)
{
    for (size_t u = 0; u < r->nn; u++)
        r->uf0[u] = u;
    size_t n_closed = 0;
    for (size_t e = 0; e < r->ne; e++) {
        if (down[e]) continue;
        if (r->ecountry[e] == NONE)
            uf_join(r->uf0, r->efrom[e], r->eto[e]);
        else
            r->closed[n_closed++] = e;
    }
    for (size_t c = 0; c < r->n_cls; c++) {
        memcpy(r->uf, r->uf0, r->nn * sizeof *r->uf);
        for (size_t k = 0; k < n_closed; k++)
            if (cs_router_allowed(r, r->closed[k], r->cls_a[c], r->cls_b[c]))
                uf_join(r->uf, r->efrom[r->closed[k]], r->eto[r->closed[k]]);
        for (size_t i = 0; i < r->nd; i++)
            if (r->dcls[i] == c)
                connected[i] = uf_find(r->uf, r->dorig[i]) == uf_find(r->uf, r->ddst[i]);
    }
}

void cs_router_connected(cs_router_t *r, const unsigned char *down, unsigned char *connected)
{
    mark_connected(r, down, connected);
}

/* ------------------------------------------------------------ latency-first */

/*
 * Places up to amount of demand i (increment inc) on the shortest usable paths, spilling at
 * each bottleneck onto the next shortest path. What finds no path is left. Each path comes
 * from the reference routing when it provably is the trees' answer (routing_log.c), else from
 * the trees; while the reference is recorded, each answer and saturation goes into it.
 */
static void place(cs_router_t *r, size_t i, double amount, size_t inc)
{
    const size_t o = r->dorig[i], dst = r->ddst[i];
    const size_t s = r->dslot[i];
    double rem = amount;
    for (size_t j = 0; rem > CS_ROUTING_EPS_TBPS; j++) {
        bool reached;
        double km;
        size_t hops;
        if (cs_reflog_path(r, i, inc, j, &reached, &km, &hops))
            r->n_from_log++;
        else {
            const cs_spt *t = cs_spt_path_shared(r, s, o, dst); /* usable edges only */
            reached = t->pred[dst] != NONE;
            km = t->dist[dst];
            hops = t->hops[dst];
            r->n_from_trees++;
        }
        if (r->rec != NULL) cs_reflog_query(r, reached, km, hops);
        if (!reached) break;
        double b = rem; /* what goes on this path: rem, or less at a bottleneck */
        for (size_t k = 0; k < r->n_path; k++)
            if (r->res[r->path[k]] < b) b = r->res[r->path[k]];
        /* Path edges are all usable, so b > epsilon; this guard only turns a
         * broken invariant into a wrong answer the tests see, not a hang. */
        if (!(b > CS_ROUTING_EPS_TBPS)) break;
        const double amt = b;
        const double lat = km * CS_FIBRE_MS_PER_KM + (double)hops * r->opt.hop_ms;
        r->served[i] += amt;
        r->latsum[i] += amt * lat;
        rem -= amt;
        for (size_t k = 0; k < r->n_path; k++) {
            const size_t e = r->path[k];
            r->res[e] -= amt;
            if (r->res[e] <= CS_ROUTING_EPS_TBPS && r->usable[e]) {
                r->usable[e] = 0; /* trees: when next asked */
                if (r->rec != NULL) cs_reflog_saturated(r, e);
            }
        }
    }
}

static void route_latency_first(cs_router_t *r, const unsigned char *connected)
{
    cs_reflog *L = r->rec;
    for (unsigned k = 0; k < r->opt.rounds; k++)
        for (size_t i = 0; i < r->nd; i++) {
            const size_t inc = (size_t)k * r->nd + i;
            if (L != NULL) L->inc_q[inc] = L->n_q;
            if (connected[i] && r->reach[i]) place(r, i, r->dinc[i], inc);
        }
    if (L != NULL) L->inc_q[(size_t)r->opt.rounds * r->nd] = L->n_q;
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
            if (r->level[v] != NONE || !r->usable[e] ||
                !cs_router_allowed(r, e, r->cur_a, r->cur_b))
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
           cs_router_allowed(r, e, r->cur_a, r->cur_b) && arc_res(r, k) > CS_ROUTING_EPS_TBPS;
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
        r->blocked[i] = !out->connected[i] || !r->reach[i] || !(r->dval[i] > 0.0);
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
            const cs_spt *t = cs_spt_path_shared(r, r->dslot[i], r->dorig[i], r->ddst[i]);
            const double km = t->dist[r->ddst[i]];
            const size_t hops = t->hops[r->ddst[i]];
            r->served[i] += f;
            r->latsum[i] += f * (km * CS_FIBRE_MS_PER_KM + (double)hops * r->opt.hop_ms);
        }
}

/* ------------------------------------------------------------ routing */

/* The state of a routing of failures f (NULL: none) before its first placement: down and usable
 * edges, residuals, connected demands (into connected), trees, sums. While a reference routing
 * with an edge failed is recorded, that edge is down too. */
static void start(cs_router_t *r, const cs_failures *f, unsigned char *connected)
{
    size_t n_gone = 0;
    for (size_t e = 0; e < r->ne; e++) {
        r->down[e] = (f != NULL && cs_failures_edge_down(f, r->t, e)) || e == r->rec_edge;
        r->usable[e] = !r->down[e] && r->cap[e] > CS_ROUTING_EPS_TBPS;
        r->res[e] = r->cap[e];
        /* Gone from the base trees' usable set: down, or emptied by set_capacity. */
        if (!r->usable[e] && r->cap0[e] > CS_ROUTING_EPS_TBPS) r->gone[n_gone++] = e;
    }
    mark_connected(r, r->down, connected);
    cs_spt_start(r, n_gone);
    memset(r->served, 0, r->nd * sizeof *r->served);
    memset(r->latsum, 0, r->nd * sizeof *r->latsum);
}

/* The demand spread in proportion to capacity: each demand's maximum flow alone, scaled to the
 * demand (routing.h). */
void cs_router_spread_flow(cs_router_t *r, double *flow)
{
    start(r, NULL, r->conn0);
    memset(flow, 0, r->ne * sizeof *flow);
    for (size_t i = 0; i < r->nd; i++) {
        if (!r->reach[i] || !(r->dval[i] > 0.0)) continue;
        r->cur_a = r->dca[i];
        r->cur_b = r->dcb[i];
        const double F = max_flow(r, r->dorig[i], r->ddst[i], INFINITY);
        if (!(F > 0.0)) continue;
        const double share = r->dval[i] / F;
        for (size_t e = 0; e < r->ne; e++)
            if (r->eflow[e] != 0.0) flow[e] += share * fabs(r->eflow[e]);
    }
}

/* A reference routing of the router's capacities (cs_reflog_for records it): nothing failed, or
 * edge rec_edge. */
static void record_reference(cs_router_t *r)
{
    unsigned char *connected = r->rec_edge == NONE ? r->conn0 : r->conn_rec;
    start(r, NULL, connected);
    route_latency_first(r, connected);
}

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
    r->use = NULL;
    if (r->opt.mode == CS_ROUTING_LATENCY_FIRST && f != NULL &&
        (f->n_edges > 0 || f->n_nodes > 0) && !cs_reflog_for(r, record_reference, f))
        return cs_errorf(err, CS_ENOMEM,
                         "routing: out of memory for the reference routing (%zu demands, %zu "
                         "rounds)",
                         r->nd, (size_t)r->opt.rounds);
    start(r, f, out->connected);
    if (r->opt.mode == CS_ROUTING_MAXFLOW)
        route_maxflow(r, out);
    else
        route_latency_first(r, out->connected);
    for (size_t e = 0; e < r->ne; e++)
        out->edge_flow_tbps[e] = r->cap[e] - r->res[e];
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
