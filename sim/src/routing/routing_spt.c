/*
 * routing_spt.c: the shortest-path trees of latency-first routing (routing_impl.h).
 *
 * One tree per slot (origin city and transit class), kept with each node's children so that a
 * subtree is found in time proportional to its size, and repaired on demand: a tree is the
 * shortest-path tree of its own graph (the intact network's usable edges less those it was
 * repaired for), and it is repaired only when a path asked of it crosses an edge that left the
 * usable set (docs/routing.md, "Why the router can cache trees, and still be exact").
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "routing/routing_impl.h"

/* Above this many failed edges a routing recomputes its trees instead of repairing copies. */
#define REPAIR_MAX_DOWN 8

/* Heap order: smaller distance first, then smaller node index (a total order: the nodes are
 * popped in one order, however the heap holds them). */
static bool heap_less(cs_hent a, cs_hent b)
{
    return a.d < b.d || (a.d == b.d && a.v < b.v);
}

/* Puts x in the heap at hole i, moved up past its larger parents. */
static void heap_up(cs_router_t *r, size_t i, cs_hent x)
{
    while (i > 0) {
        const size_t p = (i - 1) / 2;
        if (!heap_less(x, r->heap[p])) break;
        r->heap[i] = r->heap[p];
        r->hpos[r->heap[i].v] = i;
        i = p;
    }
    r->heap[i] = x;
    r->hpos[x.v] = i;
}

static size_t heap_pop(cs_router_t *r, size_t *n)
{
    const size_t top = r->heap[0].v;
    r->hpos[top] = NONE;
    if (--*n == 0) return top;
    const cs_hent x = r->heap[*n]; /* the last entry, moved down from the root */
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n) break;
        if (c + 1 < *n && heap_less(r->heap[c + 1], r->heap[c])) c++;
        if (!heap_less(r->heap[c], x)) break;
        r->heap[i] = r->heap[c];
        r->hpos[r->heap[i].v] = i;
        i = c;
    }
    r->heap[i] = x;
    r->hpos[x.v] = i;
    return top;
}

/* Inserts v with key dist[v], or lowers its key to it. */
static void heap_push(cs_router_t *r, const double *dist, size_t v, size_t *n)
{
    const size_t i = r->hpos[v] == NONE ? (*n)++ : r->hpos[v];
    heap_up(r, i, (cs_hent){.d = dist[v], .v = v});
}

/*
 * Offers v the path through settled node u and edge e. A shorter distance
 * wins; at equal distance the lower edge index does, so the predecessor is
 * the lowest-index edge among all that achieve v's distance, whatever the
 * order of the offers.
 */
static void relax(cs_router_t *r, cs_spt *t, size_t u, size_t v, size_t e, size_t *n)
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

/*
 * Whether edge e is in the graph of tree t: usable in the intact network, not removed from the
 * tree, and open to its transit class (a routing's trees: not marked in cut, which starts as the
 * slot's cut0, the edges outside its class or unusable in the intact network). A tree is the
 * shortest-path tree of its graph, which holds every edge usable now (edges only leave the usable
 * set within a routing, and a tree removes only edges that left it).
 */
static bool in_graph(const cs_router_t *r, const cs_spt *t, size_t e)
{
    if (t->cut != NULL) return !t->cut[e];
    return r->ok0[e] && cs_router_allowed(r, e, t->allow_a, t->allow_b);
}

/*
 * Whether a Dijkstra run offers edge e (in t's graph) to a node it settles. A repair also takes
 * out of the graph every edge at the nodes it settles that has left the usable set: such an edge
 * is on no path of a node outside the subtrees (the path of a node through one of their nodes
 * would put it in them), so those nodes keep their paths in the smaller graph, which still holds
 * every usable edge; and no repaired node is hung below an edge that a later path would find
 * unusable. The intact network's trees (no cut array) are built over every edge of it.
 */
static bool offered(const cs_router_t *r, cs_spt *t, size_t e)
{
    if (!in_graph(r, t, e)) return false;
    if (t->cut == NULL || r->usable[e]) return true;
    t->cut[e] = 1;
    return false;
}

/* Settles the heap's nodes in (distance, index) order into out[]; returns how many. */
static size_t settle(cs_router_t *r, cs_spt *t, size_t n, size_t *out)
{
    size_t k = 0;
    while (n > 0) {
        const size_t u = heap_pop(r, &n);
        r->settled[u] = 1;
        out[k++] = u;
        for (size_t j = r->adj_off[u]; j < r->adj_off[u + 1]; j++) {
            const size_t e = r->adj_edge[j], v = r->adj_node[j];
            if (!r->settled[v] && offered(r, t, e)) relax(r, t, u, v, e, &n);
        }
    }
    return k;
}

/* Adds v to the children of its parent, the other end of its predecessor edge. */
static void link_child(const cs_router_t *r, cs_spt *t, size_t v)
{
    const size_t p = cs_router_other_end(r, t->pred[v], v);
    t->prv[v] = NONE;
    t->sib[v] = t->kid[p];
    if (t->kid[p] != NONE) t->prv[t->kid[p]] = v;
    t->kid[p] = v;
}

/* Removes v (reached, not the root) from the children of its parent. */
static void unlink_child(const cs_router_t *r, cs_spt *t, size_t v)
{
    if (t->prv[v] != NONE)
        t->sib[t->prv[v]] = t->sib[v];
    else
        t->kid[cs_router_other_end(r, t->pred[v], v)] = t->sib[v];
    if (t->sib[v] != NONE) t->prv[t->sib[v]] = t->prv[v];
}

/* The shortest-path tree from root over the usable edges, from scratch. */
void cs_spt_dijkstra(cs_router_t *r, cs_spt *t, size_t root)
{
    for (size_t u = 0; u < r->nn; u++) {
        t->dist[u] = INFINITY;
        t->pred[u] = NONE;
        t->kid[u] = NONE;
    }
    memset(r->settled, 0, r->nn);
    t->dist[root] = 0.0;
    t->hops[root] = 0;
    size_t n = 0;
    heap_push(r, t->dist, root, &n);
    const size_t k = settle(r, t, n, r->fresh);
    memset(r->settled, 1, r->nn);
    assert(k > 0 && r->fresh[0] == root);
    for (size_t i = 1; i < k; i++) /* settled after their parents: any order would do */
        link_child(r, t, r->fresh[i]);
}

/*
 * Repairs t after the edges into its nodes sub[0..n-1] (reached, not the root, none below
 * another) left its graph. Only their subtrees can change: their nodes are reset, offered their
 * usable edges from outside them, and settled again by a Dijkstra run that treats every other
 * node as settled (their distances and predecessors cannot change: edges only left the graph,
 * and their paths are still in it); each node it reaches joins the children of its new parent.
 * O(subtrees x degree x log).
 */
static void repair_below(cs_router_t *r, cs_spt *t, size_t n)
{
    size_t na = n;
    for (size_t i = 0; i < na; i++) { /* the subtrees, each node reset once its children are in */
        const size_t v = r->sub[i];
        for (size_t w = t->kid[v]; w != NONE; w = t->sib[w])
            r->sub[na++] = w;
        r->affected[v] = 1;
        r->settled[v] = 0;
        t->dist[v] = INFINITY;
        t->pred[v] = NONE;
        t->kid[v] = NONE;
    }
    size_t nh = 0;
    for (size_t i = 0; i < na; i++) {
        const size_t v = r->sub[i];
        for (size_t j = r->adj_off[v]; j < r->adj_off[v + 1]; j++) {
            const size_t e = r->adj_edge[j], u = r->adj_node[j];
            if (!r->affected[u] && t->dist[u] < INFINITY && offered(r, t, e))
                relax(r, t, u, v, e, &nh);
        }
    }
    const size_t nf = settle(r, t, nh, r->fresh);
    for (size_t j = 0; j < nf; j++)
        link_child(r, t, r->fresh[j]);
    for (size_t q = 0; q < na; q++) {
        r->affected[r->sub[q]] = 0;
        r->settled[r->sub[q]] = 1; /* those left unreached too */
    }
}

/* Repairs t after its edge into c left its graph. */
static void repair(cs_router_t *r, cs_spt *t, size_t c)
{
    unlink_child(r, t, c);
    r->sub[0] = c;
    repair_below(r, t, 1);
}

/* Makes slot s's tree its own copy of the intact network's, to be repaired. */
static void own_tree(cs_router_t *r, size_t s)
{
    const cs_spt *b = &r->base[s];
    cs_spt *o = &r->own[s];
    memcpy(o->dist, b->dist, r->nn * sizeof *b->dist);
    /* pred, hops, kid, sib and prv lie one after the other in the block */
    memcpy(o->pred, b->pred, (SPT_ARRAYS - 1) * r->nn * sizeof *b->pred);
    r->tree[s] = *o;
    r->owned[s] = 1;
}

/*
 * Makes slot s's tree (its graph already without the edges gone0[0..n_gone0-1] that were down at
 * the start) the shortest-path tree of that graph: a copy of the intact network's, repaired at
 * once below every tree edge among them. Their subtrees are unlinked first, so that they are
 * disjoint when gathered (one below another becomes a subtree of its own); a node outside them
 * keeps its path, and so its distance and predecessor, as in repair_below(). Equal to a Dijkstra
 * run from scratch on the same graph, for the work of the subtrees only.
 */
static void own_tree_without(cs_router_t *r, size_t s)
{
    own_tree(r, s);
    cs_spt *t = &r->tree[s];
    size_t n = 0;
    for (size_t k = 0; k < r->n_gone0; k++) {
        const size_t e = r->gone0[k], ends[2] = {r->efrom[e], r->eto[e]};
        for (size_t x = 0; x < 2; x++)
            if (t->pred[ends[x]] == e) {
                unlink_child(r, t, ends[x]);
                r->sub[n++] = ends[x];
                break; /* the edge into one of its ends only */
            }
    }
    if (n > 0) repair_below(r, t, n);
}

/*
 * Slot s's tree, repaired until its path from o to dst holds only usable edges (or dst is not
 * reached). Such a path is the path of the tree of the usable edges: its nodes keep their
 * distances (edges only left the graph, and the path is still there) and their predecessors
 * (the lowest-index edge among candidates that can only have become fewer). So a tree is
 * repaired only for the edges that break a path it is asked for, and only when asked: the
 * unusable edges on the path are removed from its graph (all of them first, so that no repair
 * offers another), then each subtree below one is repaired, nearest the root first (its
 * subtree holds the deeper ones).
 */
const cs_spt *cs_spt_path(cs_router_t *r, size_t s, size_t o, size_t dst)
{
    cs_spt *t = &r->tree[s];
    if (r->owned[s] == 2) own_tree_without(r, s); /* made when first asked (cs_spt_start) */
    for (;;) {
        size_t n = 0, m = 0;
        for (size_t v = dst; t->pred[dst] != NONE && v != o;
             v = cs_router_other_end(r, t->pred[v], v)) {
            r->path[m++] = t->pred[v];
            if (!r->usable[t->pred[v]]) r->gone[n++] = v;
        }
        r->n_path = m;
        if (n == 0) return t;
        if (!r->owned[s]) own_tree(r, s);
        for (size_t k = 0; k < n; k++)
            t->cut[t->pred[r->gone[k]]] = 1;
        for (size_t k = n; k-- > 0;) {
            const size_t c = r->gone[k];
            if (t->pred[c] != NONE && t->cut[t->pred[c]]) repair(r, t, c);
        }
    }
}

/*
 * Slot s's path, asked first of the tree of slot_up[s], whose graph holds every edge of s's
 * (the same origin, a class that opens more). When that tree reaches dst by edges all open to
 * s, or does not reach it, the answer is s's own: a path of a tree is the path of the tree of
 * any subset of its graph that holds it, and what a graph does not reach no subset reaches.
 * Only a path through an edge closed to s needs s's own tree.
 */
const cs_spt *cs_spt_path_shared(cs_router_t *r, size_t s, size_t o, size_t dst)
{
    const size_t p = r->slot_up[s];
    if (p == NONE) return cs_spt_path(r, s, o, dst);
    const cs_spt *t = cs_spt_path(r, p, o, dst);
    for (size_t k = 0; k < r->n_path; k++)
        if (!cs_router_allowed(r, r->path[k], r->slot_a[s], r->slot_b[s]))
            return cs_spt_path(r, s, o, dst);
    return t;
}

/* The trees of this routing: views of the intact ones, each repaired when a path of it is
 * asked for (cs_spt_path), or with many edges down each copied and repaired below all of them
 * when first asked for. */
void cs_spt_start(cs_router_t *r, size_t n_gone)
{
    memcpy(r->cut_block, r->cut0, r->nslots * r->ne);
    if (n_gone > REPAIR_MAX_DOWN) {
        memcpy(r->gone0, r->gone, n_gone * sizeof *r->gone);
        r->n_gone0 = n_gone;
        for (size_t s = 0; s < r->nslots; s++) {
            r->tree[s] = r->own[s];
            r->owned[s] = 2; /* made when first asked: some routings never ask */
            for (size_t k = 0; k < n_gone; k++)
                r->tree[s].cut[r->gone[k]] = 1;
        }
        return;
    }
    for (size_t s = 0; s < r->nslots; s++) {
        r->tree[s] = r->base[s];
        r->tree[s].cut = r->own[s].cut; /* cut0: views are never written */
        r->owned[s] = 0;
    }
}
