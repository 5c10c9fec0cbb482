/*
 * test_reroute.c: the routing of a trial's failures (sim/src/reroute.h) is exactly the router's.
 *
 * On the Japan dataset (topology/japan.geojson as of 2026 with topology/japan-demand.csv), under
 * both policies, with the topology's capacities and with the restoration model's (cable segments
 * at f0 + rho (c - f0), the engine's rule), many random failure sets (cable segments, landing
 * stations, links; sets drawn again, alone or with more failures, so that the cache and the chain
 * of failure states answer; sets past the router's repair threshold) are routed by
 * cs_reroute_route() and by a router of their own: served, latency, edge flows, connected and
 * unserved must be bit-identical. The outcome key must depend on the failures alone (the same
 * set gives the same key with a cold cache, a warm one and none), and equal keys must come with
 * identical routings.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cablesim/demand.h"
#include "cablesim/failures.h"
#include "cablesim/routing.h"
#include "cablesim/topology.h"
#include "cs_engine_test.h"
#include "routing/reroute.h"

#define JAPAN CS_SOURCE_DIR "/topology/japan.geojson"
#define JDEM  CS_SOURCE_DIR "/topology/japan-demand.csv"

static uint64_t next(uint64_t *s) /* splitmix64 */
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static size_t pick(uint64_t *s, size_t n)
{
    return (size_t)(next(s) % n);
}

/* Bit-identical, the demand total too. */
static void assert_same_routing(const cs_routing_result *a, const cs_routing_result *b)
{
    cs_test_assert_same_routing(a, b);
    assert_memory_equal(&a->demand_tbps, &b->demand_tbps, sizeof(double));
}

typedef struct {
    cs_topology_t *t;
    cs_demand_t *d;
    size_t ne, nn, nd;
    size_t *flow_edges, n_flow; /* edges carrying intact flow */
    size_t *other_edges, n_other;
    size_t *stations, n_stations;
} japan;

static japan load_japan(void)
{
    japan j = {0};
    cs_topology_options to = CS_TOPOLOGY_OPTIONS_INIT;
    to.as_of = 2026;
    cs_error err = CS_ERROR_INIT;
    if (cs_topology_load(&j.t, JAPAN, &to, &err) != CS_OK) fail_msg("%s", err.msg);
    if (cs_demand_load(&j.d, JDEM, j.t, &err) != CS_OK) fail_msg("%s", err.msg);
    j.ne = cs_topology_edge_count(j.t);
    j.nn = cs_topology_node_count(j.t);
    j.nd = cs_demand_count(j.d);
    j.flow_edges = malloc(j.ne * sizeof *j.flow_edges);
    j.other_edges = malloc(j.ne * sizeof *j.other_edges);
    j.stations = malloc(j.nn * sizeof *j.stations);
    assert_true(j.flow_edges && j.other_edges && j.stations);
    for (size_t v = 0; v < j.nn; v++)
        if (cs_topology_node(j.t, v)->kind == CS_NODE_LANDING) j.stations[j.n_stations++] = v;
    return j;
}

static void free_japan(japan *j)
{
    free(j->flow_edges);
    free(j->other_edges);
    free(j->stations);
    cs_demand_free(j->d);
    cs_topology_free(j->t);
}

/* A router for j under o, with the intact network's unserved demands left out (as the engine
 * does), and its intact routing in base. */
static cs_router_t *make_router(const japan *j, const cs_routing_options *o,
                                cs_routing_result *base)
{
    cs_error err = CS_ERROR_INIT;
    cs_router_t *r = NULL;
    assert_int_equal(cs_router_alloc(&r, j->t, j->d, o, &err), CS_OK);
    assert_int_equal(cs_router_route(r, NULL, base, &err), CS_OK);
    cs_router_exclude_unserved(r, base->served_tbps);
    assert_int_equal(cs_router_route(r, NULL, base, &err), CS_OK);
    return r;
}

/* A random failure set: 1-3 edges that carry intact flow, sometimes edges that carry none, a
 * landing station, or a dozen edges (past the repair threshold); or only edges that carry no
 * intact flow. */
static void draw(const japan *j, uint64_t *rng, cs_failures *f)
{
    cs_failures_clear(f);
    const size_t kind = pick(rng, 10);
    for (size_t k = 0, n = kind == 7 ? 0 : 1 + pick(rng, 3); k < n; k++)
        cs_failures_fail_edge(f, j->flow_edges[pick(rng, j->n_flow)]);
    for (size_t k = 0, n = kind < 5 ? pick(rng, 4) : kind == 7 ? 1 + pick(rng, 3) : 0; k < n; k++)
        cs_failures_fail_edge(f, j->other_edges[pick(rng, j->n_other)]);
    if (kind == 5) cs_failures_fail_node(f, j->stations[pick(rng, j->n_stations)]);
    for (size_t k = 0; kind == 6 && k < 12; k++)
        cs_failures_fail_edge(f, pick(rng, 2) ? j->flow_edges[pick(rng, j->n_flow)]
                                              : j->other_edges[pick(rng, j->n_other)]);
}

/* Remembered outcomes: the first few keys seen and their routings. */
#define KEPT 40
typedef struct {
    uint32_t *key[KEPT];
    size_t len[KEPT], n;
    cs_routing_result r[KEPT];
} kept;

/* Checks that a key seen before comes with the same routing; remembers new ones. */
static void check_key(kept *k, const cs_reroute *x, const cs_routing_result *r, size_t *repeats)
{
    for (size_t i = 0; i < k->n; i++)
        if (k->len[i] == x->key_len && memcmp(k->key[i], x->key, x->key_len * 4) == 0) {
            assert_same_routing(&k->r[i], r);
            ++*repeats;
            return;
        }
    if (k->n == KEPT) return;
    cs_error err = CS_ERROR_INIT;
    k->key[k->n] = malloc(x->key_len * 4 + 4);
    assert_non_null(k->key[k->n]);
    memcpy(k->key[k->n], x->key, x->key_len * 4);
    k->len[k->n] = x->key_len;
    assert_int_equal(cs_routing_result_init(&k->r[k->n], r->n_demands, r->n_edges, &err), CS_OK);
    cs_routing_result_copy(&k->r[k->n], r);
    k->n++;
}

static void free_kept(kept *k)
{
    for (size_t i = 0; i < k->n; i++) {
        free(k->key[i]);
        cs_routing_result_destroy(&k->r[i]);
    }
}

/*
 * n_sets random failure sets (every third a set drawn before, every sixth that with one more
 * failure) under policy mode, restoration share rho (1: none), through cs_reroute with a cache
 * of slots slots, against a router of its own.
 */
static void compare(cs_routing_mode mode, double rho, size_t slots, int n_sets, uint64_t seed)
{
    japan j = load_japan();
    cs_routing_options o = CS_ROUTING_OPTIONS_INIT;
    o.mode = mode;
    o.use_lit = true;
    o.demand_scale = 1.6; /* demand that fills cables: many saturations, hence repairs */
    cs_error err = CS_ERROR_INIT;
    cs_routing_result base, r, want, again;
    assert_int_equal(cs_routing_result_init(&base, j.nd, j.ne, &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&r, j.nd, j.ne, &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&want, j.nd, j.ne, &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&again, j.nd, j.ne, &err), CS_OK);
    cs_router_t *mine = make_router(&j, &o, &base), *direct = make_router(&j, &o, &base);
    for (size_t e = 0; e < j.ne; e++)
        if (base.edge_flow_tbps[e] > 0.0)
            j.flow_edges[j.n_flow++] = e;
        else
            j.other_edges[j.n_other++] = e;
    assert_true(j.n_flow > 20 && j.n_other > 20);
    const bool restricted = rho < 1.0;
    if (restricted) {
        double *cap = malloc(j.ne * sizeof *cap);
        assert_non_null(cap);
        for (size_t e = 0; e < j.ne; e++) {
            const cs_edge *ed = cs_topology_edge(j.t, e);
            const double c = ed->lit_tbps, f0 = fmin(base.edge_flow_tbps[e], c);
            cap[e] = ed->kind == CS_EDGE_SEGMENT ? f0 + rho * (c - f0) : c;
        }
        assert_int_equal(cs_router_set_capacity(mine, cap, &err), CS_OK);
        assert_int_equal(cs_router_set_capacity(direct, cap, &err), CS_OK);
        free(cap);
    }
    cs_reroute x, cold;
    assert_int_equal(cs_reroute_init(&x, mine, j.t, &base, &err), CS_OK);
    assert_int_equal(cs_reroute_cache_size(&x, slots, &err), CS_OK);
    assert_int_equal(cs_reroute_init(&cold, mine, j.t, &base, &err), CS_OK);
    cs_failures f, *pool = calloc((size_t)n_sets, sizeof *pool);
    assert_non_null(pool);
    assert_int_equal(cs_failures_init(&f, j.ne, j.nn, &err), CS_OK);
    uint64_t rng = seed;
    cs_reroute_counts c = {0};
    kept k = {0};
    size_t repeats = 0, chained = 0;
    for (int s = 0; s < n_sets; s++) {
        if (s % 3 == 2) { /* a set drawn before, sometimes with one more failed edge */
            assert_int_equal(cs_failures_copy(&f, &pool[pick(&rng, (size_t)s)], &err), CS_OK);
            if (s % 6 == 5) cs_failures_fail_edge(&f, pick(&rng, j.ne));
        } else
            draw(&j, &rng, &f);
        assert_int_equal(cs_failures_init(&pool[s], j.ne, j.nn, &err), CS_OK);
        assert_int_equal(cs_failures_copy(&pool[s], &f, &err), CS_OK);
        assert_int_equal(cs_reroute_route(&x, &f, restricted, 0, &r, &c, &err), CS_OK);
        if (restricted && !cs_test_displaces(direct, j.t, &base, &f))
            cs_routing_result_copy(&want, &base); /* the model's rule, not an approximation */
        else
            assert_int_equal(cs_router_route(direct, &f, &want, &err), CS_OK);
        assert_same_routing(&r, &want);
        check_key(&k, &x, &r, &repeats);
        /* The chain stopped short of f: a state between its flow edges and all its edges. */
        size_t key_edges = 0;
        while (key_edges < x.key_len && x.key[key_edges] != UINT32_MAX)
            key_edges++;
        chained += !x.last_intact && key_edges < f.n_edges;
        /* The key depends on f alone: the same with no cache at all. */
        const size_t len = x.key_len;
        const uint64_t hash = x.hash;
        uint32_t *key = malloc(len * 4 + 4);
        assert_non_null(key);
        memcpy(key, x.key, len * 4);
        assert_int_equal(cs_reroute_route(&cold, &f, restricted, 0, &again, NULL, &err), CS_OK);
        assert_same_routing(&again, &want);
        assert_int_equal(cold.key_len, len);
        assert_true(cold.hash == hash);
        assert_memory_equal(cold.key, key, len * 4);
        free(key);
    }
    /* Every path was taken: the intact shortcut, the cache and routing; equal keys recurred. */
    assert_int_equal(c.skipped + c.cache_hits + c.routed, (uint64_t)n_sets);
    assert_true(c.cache_hits > 0 && c.routed > 0 && repeats > 0);
    if (restricted) assert_true(c.skipped > 0);
    /* Under latency-first, some answers came from a state short of the whole failure set. */
    if (mode == CS_ROUTING_LATENCY_FIRST) assert_true(chained > 0);
    free_kept(&k);
    for (int s = 0; s < n_sets; s++)
        cs_failures_destroy(&pool[s]);
    free(pool);
    cs_failures_destroy(&f);
    cs_reroute_destroy(&x);
    cs_reroute_destroy(&cold);
    cs_router_free(mine);
    cs_router_free(direct);
    cs_routing_result_destroy(&base);
    cs_routing_result_destroy(&r);
    cs_routing_result_destroy(&want);
    cs_routing_result_destroy(&again);
    free_japan(&j);
}

static void test_latency_first(void **state)
{
    (void)state;
    compare(CS_ROUTING_LATENCY_FIRST, 1.0, 64, 150, 1);
}

static void test_latency_first_restoration(void **state)
{
    (void)state;
    compare(CS_ROUTING_LATENCY_FIRST, 0.37, 64, 150, 2);
}

static void test_latency_first_small_cache(void **state)
{
    (void)state;
    compare(CS_ROUTING_LATENCY_FIRST, 0.37, 3, 90, 3); /* slots evicted all the time */
}

static void test_maxflow(void **state)
{
    (void)state;
    compare(CS_ROUTING_MAXFLOW, 1.0, 64, 15, 4);
}

static void test_maxflow_restoration(void **state)
{
    (void)state;
    compare(CS_ROUTING_MAXFLOW, 0.37, 64, 15, 5);
}

/*
 * The cache keeps a set's most recently used routings: with one set of CS_REROUTE_WAYS (4)
 * slots, four states routed, then found again, stay; a fifth replaces the least recently used
 * (B, since A was found after it), which is then routed again while A, C, D and E are found.
 * Each state is one failed segment that carries flow (its own chain's only state).
 */
static void test_cache_sets(void **state)
{
    (void)state;
    japan j = load_japan();
    cs_routing_options o = CS_ROUTING_OPTIONS_INIT;
    o.use_lit = true;
    cs_error err = CS_ERROR_INIT;
    cs_routing_result base, r;
    assert_int_equal(cs_routing_result_init(&base, j.nd, j.ne, &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&r, j.nd, j.ne, &err), CS_OK);
    cs_router_t *router = make_router(&j, &o, &base);
    cs_reroute x;
    assert_int_equal(cs_reroute_init(&x, router, j.t, &base, &err), CS_OK);
    assert_int_equal(cs_reroute_cache_size(&x, CS_REROUTE_WAYS, &err), CS_OK);
    cs_failures f[5];
    size_t n = 0;
    for (size_t e = 0; e < j.ne && n < 5; e++)
        if (base.edge_flow_tbps[e] > 0.0 && cs_topology_edge(j.t, e)->kind == CS_EDGE_SEGMENT) {
            assert_int_equal(cs_failures_init(&f[n], j.ne, j.nn, &err), CS_OK);
            cs_failures_fail_edge(&f[n++], e);
        }
    assert_int_equal(n, 5);
    /* A B C D, A B C D again (all found), A (found), E (routed: replaces B), then A C D E
     * found and B routed. */
    const int order[] = {0, 1, 2, 3, 0, 1, 2, 3, 0, 4, 0, 2, 3, 4, 1};
    const int routed[] = {1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
    for (size_t k = 0; k < sizeof order / sizeof *order; k++) {
        cs_reroute_counts c = {0};
        assert_int_equal(cs_reroute_route(&x, &f[order[k]], false, 0, &r, &c, &err), CS_OK);
        assert_int_equal(c.routed, (uint64_t)routed[k]);
        assert_int_equal(c.cache_hits, (uint64_t)!routed[k]);
        cs_routing_result want;
        assert_int_equal(cs_routing_result_init(&want, j.nd, j.ne, &err), CS_OK);
        assert_int_equal(cs_router_route(router, &f[order[k]], &want, &err), CS_OK);
        assert_same_routing(&r, &want);
        cs_routing_result_destroy(&want);
    }
    for (size_t k = 0; k < n; k++)
        cs_failures_destroy(&f[k]);
    cs_reroute_destroy(&x);
    cs_router_free(router);
    cs_routing_result_destroy(&base);
    cs_routing_result_destroy(&r);
    free_japan(&j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latency_first),
        cmocka_unit_test(test_latency_first_restoration),
        cmocka_unit_test(test_latency_first_small_cache),
        cmocka_unit_test(test_cache_sets),
        cmocka_unit_test(test_maxflow),
        cmocka_unit_test(test_maxflow_restoration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
