/*
 * reroute.c: the routing of a trial's failures, with the intact-routing shortcut and a routing
 * cache keyed by the failure set (reroute.h).
 */
#include "reroute.h"

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
    if (x->key == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for the routing cache");
    return cs_failures_init(&x->f_flow, ne, nn, err);
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
    cs_failures_destroy(&x->f_flow);
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
    }
    return CS_OK;
}

static int cmp_u32(const void *a, const void *b)
{
    const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/*
 * Builds the cache key of f in x->key: the failed edges that carry flow in the intact network
 * (sorted), UINT32_MAX, the failed nodes (sorted), and with ramp_step > 0 UINT32_MAX and the
 * step. Also fills x->f_flow with just those edges and nodes. Returns the key's length.
 */
static size_t make_key(cs_reroute *x, const cs_failures *f, uint32_t ramp_step)
{
    uint32_t *key = x->key;
    size_t n = 0;
    cs_failures_clear(&x->f_flow);
    for (size_t i = 0; i < f->n_edges; i++)
        if (x->intact->edge_flow_tbps[f->edges[i]] > 0.0) {
            key[n++] = (uint32_t)f->edges[i];
            cs_failures_fail_edge(&x->f_flow, f->edges[i]);
        }
    qsort(key, n, sizeof *key, cmp_u32);
    key[n++] = UINT32_MAX;
    const size_t start = n;
    for (size_t i = 0; i < f->n_nodes; i++) {
        key[n++] = (uint32_t)f->nodes[i];
        cs_failures_fail_node(&x->f_flow, f->nodes[i]);
    }
    qsort(key + start, n - start, sizeof *key, cmp_u32);
    if (ramp_step > 0) { /* a share of the recovery ramp: its own routings */
        key[n++] = UINT32_MAX;
        key[n++] = ramp_step;
    }
    /* x->key holds ne + nn + 4 entries: at most every edge, the separators, every node and the
     * ramp step. */
    assert(n <= cs_topology_edge_count(x->t) + cs_topology_node_count(x->t) + 3);
    return n;
}

static uint64_t hash_key(const uint32_t *key, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= key[i];
        h *= 1099511628211ull;
        h ^= h >> 29;
    }
    return h;
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

/*
 * Whether routing r (made without the failures of f that are not in r's own failure set) is
 * also the routing of f: when f keeps r's traffic in place. Latency-first only: removing edges a
 * routing does not use leaves every shortest-path choice, and so the whole routing, unchanged.
 */
static bool still_valid(const cs_reroute *x, const cs_routing_result *r, const cs_failures *f)
{
    assert(x->skip_ok);
    return cs_reroute_keeps(x->t, r, f);
}

static void cache_store(cs_reroute *x, uint64_t h, size_t klen, const cs_routing_result *r)
{
    cs_reroute_slot *slot = &x->cache[h % x->cache_slots];
    uint32_t *k = realloc(slot->key, klen * sizeof *k);
    if (k == NULL) {
        slot->key_len = 0; /* caching is optional: forget this slot */
        return;
    }
    slot->key = k;
    memcpy(slot->key, x->key, klen * sizeof *k);
    slot->key_len = klen;
    slot->hash = h;
    cs_routing_result_copy(&slot->r, r);
}

/*
 * With latency-first routing, the routing of the failures that touch intact-flow edges (f_flow)
 * is looked up in the cache (or computed and stored), and used if it is also valid for f
 * (still_valid); otherwise f is routed in full. Every path returns exactly what routing f
 * would.
 */
cs_status cs_reroute_route(cs_reroute *x, const cs_failures *f, bool restricted, uint32_t ramp_step,
                           cs_routing_result *r, cs_reroute_counts *c, cs_error *err)
{
    cs_reroute_counts dummy;
    if (c == NULL) c = &dummy;
    if (f->n_edges == 0 && f->n_nodes == 0) {
        cs_routing_result_copy(r, x->intact);
        c->skipped++;
        return CS_OK;
    }
    /* With restoration, failures that displace no traffic leave the intact routing, whatever
     * the policy (the restricted capacities are for displaced traffic only). */
    if (restricted && cs_reroute_keeps(x->t, x->intact, f)) {
        cs_routing_result_copy(r, x->intact);
        c->skipped++;
        return CS_OK;
    }
    if (x->skip_ok) {
        const size_t klen = make_key(x, f, ramp_step);
        if (x->f_flow.n_edges == 0 && x->f_flow.n_nodes == 0 && still_valid(x, x->intact, f)) {
            cs_routing_result_copy(r, x->intact);
            c->skipped++;
            return CS_OK;
        }
        if (x->cache_slots > 0) {
            const uint64_t h = hash_key(x->key, klen);
            cs_reroute_slot *slot = &x->cache[h % x->cache_slots];
            const bool hit = slot->key_len == klen && slot->hash == h &&
                             memcmp(slot->key, x->key, klen * sizeof *x->key) == 0;
            if (!hit) {
                const cs_status rc = cs_router_route(x->router, &x->f_flow, r, err);
                if (rc != CS_OK) return rc;
                c->routed++;
                cache_store(x, h, klen, r);
                if (still_valid(x, r, f)) return CS_OK;
            } else if (still_valid(x, &slot->r, f)) {
                cs_routing_result_copy(r, &slot->r);
                c->cache_hits++;
                return CS_OK;
            }
        }
    }
    const cs_status rc = cs_router_route(x->router, f, r, err);
    if (rc == CS_OK) c->routed++;
    return rc;
}
