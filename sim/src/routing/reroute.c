/*
 * reroute.c: the routing of a trial's failures, with the intact-routing shortcut and a cache of
 * routings keyed by the failure state routed (reroute.h).
 */
#include "routing/reroute.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

cs_status cs_reroute_init(cs_reroute *x, cs_router_t *router, const cs_topology_t *t,
                          const cs_routing_result *intact, cs_error *err)
{
    memset(x, 0, sizeof *x);
    x->t = t;
    x->router = router;
    x->intact = intact;
    x->skip_ok = cs_router_ignores_unused_edges(router);
    const size_t ne = cs_topology_edge_count(t), nn = cs_topology_node_count(t);
    x->key = malloc((ne + nn + 4) * sizeof *x->key);
    x->down = malloc(ne > 0 ? ne : 1);
    x->conn = malloc(intact->n_demands > 0 ? intact->n_demands : 1);
    if (x->key == NULL || x->down == NULL || x->conn == NULL)
        return cs_errorf(err, CS_ENOMEM, "out of memory for the routing cache");
    const unsigned char *reach = cs_router_reachable(router);
    for (size_t i = 0; i < intact->n_demands; i++)
        if (reach[i] && intact->connected[i] && !(intact->served_tbps[i] > 0.0))
            x->unserved_connected = true;
    return cs_failures_init(&x->g, ne, nn, err);
}

static void cache_free(cs_reroute *x)
{
    for (size_t i = 0; i < x->cache_slots; i++) {
        free(x->cache[i].key);
        if (x->cache[i].used) cs_routing_result_destroy(&x->cache[i].r);
    }
    free(x->cache);
    x->cache = NULL;
    x->cache_slots = 0;
}

void cs_reroute_destroy(cs_reroute *x)
{
    cache_free(x);
    free(x->key);
    free(x->down);
    free(x->conn);
    cs_failures_destroy(&x->g);
    memset(x, 0, sizeof *x);
}

cs_status cs_reroute_cache_size(cs_reroute *x, size_t slots, cs_error *err)
{
    if (x->cache_slots == slots) return CS_OK;
    cache_free(x);
    if (slots == 0) return CS_OK;
    x->cache = calloc(slots, sizeof *x->cache);
    if (x->cache == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for the routing cache");
    x->cache_slots = slots;
    /* Allocated up front so that memory does not creep up as slots fill: a
     * run's footprint is the same for 10^4 trials as for 10^8. */
    const size_t nd = x->intact->n_demands, ne = x->intact->n_edges;
    for (size_t i = 0; i < slots; i++) {
        if (cs_routing_result_init(&x->cache[i].r, nd, ne, err) != CS_OK) return CS_ENOMEM;
        x->cache[i].used = true;
        x->cache[i].key_len = 0; /* empty: matches no key */
        x->cache[i].last = 0;
    }
    return CS_OK;
}

static int cmp_u32(const void *a, const void *b)
{
    const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/*
 * Builds the key of failure state g in x->key: its failed edges (sorted), UINT32_MAX, its
 * failed nodes (sorted), and with ramp_step > 0 UINT32_MAX and the step. Sets x->key_len and
 * x->hash.
 */
static void make_key(cs_reroute *x, const cs_failures *g, uint32_t ramp_step)
{
    uint32_t *key = x->key;
    size_t n = 0;
    for (size_t i = 0; i < g->n_edges; i++)
        key[n++] = (uint32_t)g->edges[i];
    qsort(key, n, sizeof *key, cmp_u32);
    key[n++] = UINT32_MAX;
    const size_t start = n;
    for (size_t i = 0; i < g->n_nodes; i++)
        key[n++] = (uint32_t)g->nodes[i];
    qsort(key + start, n - start, sizeof *key, cmp_u32);
    if (ramp_step > 0) { /* a share of the recovery ramp: its own routings */
        key[n++] = UINT32_MAX;
        key[n++] = ramp_step;
    }
    /* x->key holds ne + nn + 4 entries: at most every edge, the separators, every node and the
     * ramp step. */
    assert(n <= cs_topology_edge_count(x->t) + cs_topology_node_count(x->t) + 3);
    x->key_len = n;
    uint64_t h = 1469598103934665603ull; /* FNV-1a, with a shift to mix the high bits down */
    for (size_t i = 0; i < n; i++) {
        h ^= key[i];
        h *= 1099511628211ull;
        h ^= h >> 29;
    }
    x->hash = h;
}

bool cs_reroute_keeps(const cs_topology_t *t, const cs_routing_result *r, const cs_failures *f)
{
    for (size_t i = 0; i < f->n_edges; i++)
        if (r->edge_flow_tbps[f->edges[i]] > 0.0) return false;
    if (f->n_nodes > 0)
        for (size_t j = 0; j < cs_topology_edge_count(t); j++)
            if (cs_failures_edge_down(f, t, j) && r->edge_flow_tbps[j] > 0.0) return false;
    for (size_t i = 0; i < r->n_demands; i++)
        if (r->connected[i] && !(r->served_tbps[i] > 0.0)) return false;
    return true;
}

bool cs_reroute_displaces(const cs_reroute *x, const cs_failures *f)
{
    const cs_routing_result *in = x->intact;
    const size_t ne = cs_topology_edge_count(x->t);
    for (size_t i = 0; i < f->n_edges; i++)
        if (in->edge_flow_tbps[f->edges[i]] > 0.0) return true;
    if (f->n_nodes > 0)
        for (size_t j = 0; j < ne; j++)
            if (cs_failures_edge_down(f, x->t, j) && in->edge_flow_tbps[j] > 0.0) return true;
    if (!x->unserved_connected || (f->n_edges == 0 && f->n_nodes == 0)) return false;
    /* Nothing in use is down: only cutting off a connected demand left unserved displaces. */
    for (size_t j = 0; j < ne; j++)
        x->down[j] = cs_failures_edge_down(f, x->t, j) ? 1 : 0;
    cs_router_connected(x->router, x->down, x->conn);
    const unsigned char *reach = cs_router_reachable(x->router);
    for (size_t i = 0; i < in->n_demands; i++)
        if (reach[i] && in->connected[i] && !(in->served_tbps[i] > 0.0) && !x->conn[i]) return true;
    return false;
}

/*
 * The routing of failure state g (key in x->key): from the cache, or routed into r and stored.
 * *out points to it (a cache slot's result, or r). Counts a computed routing in *routed.
 */
static cs_status routing_of(cs_reroute *x, const cs_failures *g, uint32_t ramp_step,
                            cs_routing_result *r, const cs_routing_result **out, uint64_t *routed,
                            cs_error *err)
{
    make_key(x, g, ramp_step);
    cs_reroute_slot *slot = NULL; /* where the routing goes: an empty or the least recent slot */
    if (x->cache_slots > 0) {
        const size_t ways = x->cache_slots < CS_REROUTE_WAYS ? x->cache_slots : CS_REROUTE_WAYS;
        cs_reroute_slot *set = &x->cache[(x->hash % (x->cache_slots / ways)) * ways];
        x->clock++;
        for (size_t w = 0; w < ways; w++) {
            cs_reroute_slot *s = &set[w];
            if (s->key_len == x->key_len && s->hash == x->hash &&
                memcmp(s->key, x->key, x->key_len * sizeof *x->key) == 0) {
                s->last = x->clock;
                *out = &s->r;
                return CS_OK;
            }
            if (slot == NULL || (slot->key_len > 0 && (s->key_len == 0 || s->last < slot->last)))
                slot = s;
        }
    }
    const cs_status rc = cs_router_route(x->router, g, r, err);
    if (rc != CS_OK) return rc;
    ++*routed;
    *out = r;
    if (slot == NULL) return CS_OK;
    uint32_t *k = realloc(slot->key, x->key_len * sizeof *k);
    if (k == NULL) {
        slot->key_len = 0; /* caching is optional: forget this slot */
        return CS_OK;
    }
    slot->key = k;
    memcpy(slot->key, x->key, x->key_len * sizeof *k);
    slot->key_len = x->key_len;
    slot->hash = x->hash;
    slot->last = x->clock;
    cs_routing_result_copy(&slot->r, r);
    return CS_OK;
}

/* The trial keeps the intact routing: into r, with its outcome identity. */
static cs_status intact(cs_reroute *x, cs_routing_result *r, cs_reroute_counts *c)
{
    cs_routing_result_copy(r, x->intact);
    c->skipped++;
    x->key_len = 0;
    x->hash = 0;
    x->last_intact = true;
    x->last_repeated = true;
    return CS_OK;
}

/*
 * Implementation notes. Failure states g are subsets of f holding all its failed nodes. With
 * latency-first routing, the routing of g is also that of f when no edge of f carries flow in it
 * and no connected demand of it went wholly unserved (cs_reroute_keeps): removing edges a routing
 * does not use leaves every shortest-path choice, and so the whole routing, unchanged
 * (docs/routing.md). The chain starts from the failed edges that carry intact flow; while its
 * routing uses an edge of f that g lacks, those edges join g. Each state's routing comes from the
 * cache when it was routed before. The chain ends at a valid routing, or at f itself (which
 * answers for any policy). Every g of the chain, and so the key of the answer, depends on f
 * alone, not on what the cache holds.
 */
cs_status cs_reroute_route(cs_reroute *x, const cs_failures *f, bool restricted, uint32_t ramp_step,
                           cs_routing_result *r, cs_reroute_counts *c, cs_error *err)
{
    cs_reroute_counts dummy = {0};
    if (c == NULL) c = &dummy;
    if (f->n_edges == 0 && f->n_nodes == 0) return intact(x, r, c);
    /* With restoration, failures that displace no traffic leave the intact routing, whatever
     * the policy (the restricted capacities are for displaced traffic only). */
    if (restricted && !cs_reroute_displaces(x, f)) return intact(x, r, c);
    cs_failures *g = &x->g;
    cs_failures_clear(g);
    for (size_t i = 0; i < f->n_nodes; i++)
        cs_failures_fail_node(g, f->nodes[i]);
    uint64_t routed = 0;
    const cs_routing_result *rg = NULL;
    cs_status rc = CS_OK;
    if (x->skip_ok) {
        for (size_t i = 0; i < f->n_edges; i++)
            if (x->intact->edge_flow_tbps[f->edges[i]] > 0.0) cs_failures_fail_edge(g, f->edges[i]);
        if (g->n_edges == 0 && g->n_nodes == 0 && cs_reroute_keeps(x->t, x->intact, f))
            return intact(x, r, c);
        for (;;) {
            if ((rc = routing_of(x, g, ramp_step, r, &rg, &routed, err)) != CS_OK) return rc;
            if (cs_reroute_keeps(x->t, rg, f)) break;
            const size_t before = g->n_edges;
            for (size_t i = 0; i < f->n_edges; i++)
                if (!g->edge_failed[f->edges[i]] && rg->edge_flow_tbps[f->edges[i]] > 0.0)
                    cs_failures_fail_edge(g, f->edges[i]);
            if (g->n_edges == before) { /* invalid for another reason: route f itself */
                rg = NULL;
                break;
            }
        }
    }
    if (rg == NULL) {
        for (size_t i = 0; i < f->n_edges; i++)
            cs_failures_fail_edge(g, f->edges[i]); /* a no-op for those already in g */
        if ((rc = routing_of(x, g, ramp_step, r, &rg, &routed, err)) != CS_OK) return rc;
    }
    if (rg != r) cs_routing_result_copy(r, rg);
    x->last_intact = false;
    x->last_repeated = routed == 0;
    if (routed == 0)
        c->cache_hits++;
    else
        c->routed++;
    return CS_OK;
}
