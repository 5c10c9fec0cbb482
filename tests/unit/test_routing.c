/*
 * test_routing.c: latency-first and max-flow routing.
 *
 * Known answers on hand-made graphs (built from GeoJSON and CSV strings; every
 * expected value below was worked out by hand in the comments next to it),
 * then invariants on random small graphs and on the real dataset
 * (topology/japan.geojson as of 2025 with topology/japan-demand.csv):
 * capacities respected, served within demand and within the pair's max flow
 * (igraph_maxflow_value on the surviving graph), failed edges carrying
 * nothing, `connected` matching igraph's components, latency bounded below by
 * the shortest surviving path, unserved = demand - served, determinism, and
 * agreement with a plain reference implementation of latency-first that
 * recomputes a shortest path before every placement (the router caches trees).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <igraph.h>

#include "cablesim/demand.h"
#include "cablesim/failures.h"
#include "cablesim/routing.h"
#include "cablesim/topology.h"
#include "routing/routing_impl.h" /* the query counts of incremental rerouting */

#define MS     CS_FIBRE_MS_PER_KM
#define HOP    0.0371 /* a hop cost no default would produce */
#define NONE   SIZE_MAX
#define JAPAN  CS_SOURCE_DIR "/topology/japan.geojson"
#define JDEM   CS_SOURCE_DIR "/topology/japan-demand.csv"
#define RELTOL 1e-9

/* ------------------------------------------------------------ building graphs */

typedef struct {
    const char *id, *kind; /* kind: "city", "landing_station", ... */
    double lon, lat;
    const char *country; /* NULL: "JP" (region "Japan"); else the region is the code */
} tnode;

typedef struct {
    const char *id, *from, *to;
    double km, cap, lit; /* lit < 0: no lit_tbps key */
    int no_transit;      /* 1: "transit": false */
} tedge;

static const tnode *find_tnode(const tnode *n, size_t nn, const char *id)
{
    for (size_t i = 0; i < nn; i++)
        if (strcmp(n[i].id, id) == 0) return &n[i];
    fail_msg("fixture names unknown node %s", id);
    return NULL;
}

/* A FeatureCollection: nodes first (node i is n[i]), then links (edge j is e[j]). */
static char *geojson(const tnode *n, size_t nn, const tedge *e, size_t ne)
{
    const size_t cap = 256 + 400 * (nn + ne);
    char *s = malloc(cap);
    assert_non_null(s);
    size_t k = (size_t)snprintf(s, cap, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (size_t i = 0; i < nn; i++)
        k += (size_t)snprintf(
            s + k, cap - k,
            "%s{\"type\":\"Feature\",\"properties\":{\"id\":\"%s\",\"kind\":\"%s\","
            "\"name\":\"%s\",\"country\":\"%s\",\"region\":\"%s\"},"
            "\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.6f,%.6f]}}",
            i ? "," : "", n[i].id, n[i].kind, n[i].id, n[i].country ? n[i].country : "JP",
            n[i].country ? n[i].country : "Japan", n[i].lon, n[i].lat);
    for (size_t j = 0; j < ne; j++) {
        const tnode *a = find_tnode(n, nn, e[j].from), *b = find_tnode(n, nn, e[j].to);
        char lit[48] = "";
        if (e[j].lit >= 0) snprintf(lit, sizeof lit, "\"lit_tbps\":%.17g,", e[j].lit);
        k += (size_t)snprintf(
            s + k, cap - k,
            ",{\"type\":\"Feature\",\"properties\":{\"id\":\"%s\",\"kind\":\"link\","
            "\"from\":\"%s\",\"to\":\"%s\",\"capacity_tbps\":%.17g,%s%s"
            "\"length_km\":%.17g,\"rfs\":2000,\"source\":\"test\"},"
            "\"geometry\":{\"type\":\"LineString\",\"coordinates\":"
            "[[%.6f,%.6f],[%.6f,%.6f]]}}",
            e[j].id, e[j].from, e[j].to, e[j].cap, lit, e[j].no_transit ? "\"transit\":false," : "",
            e[j].km, a->lon, a->lat, b->lon, b->lat);
    }
    snprintf(s + k, cap - k, "]}");
    assert_true(k + 3 < cap);
    return s;
}

typedef struct {
    cs_topology_t *t;
    cs_demand_t *d;
} fixture;

static fixture make(const tnode *n, size_t nn, const tedge *e, size_t ne, const char *csv)
{
    char *json = geojson(n, nn, e, ne);
    fixture fx = {NULL, NULL};
    cs_error err = CS_ERROR_INIT;
    if (cs_topology_load_string(&fx.t, json, "fixture.geojson", NULL, &err) != CS_OK)
        fail_msg("fixture topology: %s", err.msg);
    free(json);
    if (cs_demand_load_string(&fx.d, csv, "fixture.csv", fx.t, &err) != CS_OK)
        fail_msg("fixture demand: %s", err.msg);
    return fx;
}

static void unmake(fixture *fx)
{
    cs_demand_free(fx->d);
    cs_topology_free(fx->t);
}

static size_t edge_index(const cs_topology_t *t, const char *id)
{
    size_t j = NONE;
    if (!cs_topology_find_edge(t, id, &j)) fail_msg("edge %s not found", id);
    return j;
}

static size_t node_index(const cs_topology_t *t, const char *id)
{
    size_t i = NONE;
    if (!cs_topology_find_node(t, id, &i)) fail_msg("node %s not found", id);
    return i;
}

static cs_routing_options options(cs_routing_mode mode, unsigned rounds)
{
    cs_routing_options o = CS_ROUTING_OPTIONS_INIT;
    o.mode = mode;
    o.rounds = rounds;
    o.hop_ms = HOP;
    return o;
}

/* Routes once with a fresh router; res must be destroyed by the caller. */
static void route(const fixture *fx, const cs_routing_options *o, const cs_failures *f,
                  cs_routing_result *res)
{
    cs_error err = CS_ERROR_INIT;
    cs_router_t *r = NULL;
    if (cs_router_alloc(&r, fx->t, fx->d, o, &err) != CS_OK) fail_msg("router: %s", err.msg);
    assert_int_equal(
        cs_routing_result_init(res, cs_demand_count(fx->d), cs_topology_edge_count(fx->t), &err),
        CS_OK);
    if (cs_router_route(r, f, res, &err) != CS_OK) fail_msg("route: %s", err.msg);
    cs_router_free(r);
}

/* ------------------------------------------------------------ two parallel paths */

/* Cities A and B joined by a 10 km link of capacity 3 (lit 1.25) and a 20 km
 * link of capacity 5 (lit 2.5); C hangs off A by a link that is not lit. */
static const tnode par_nodes[] = {{"A", "city", 139.0, 35.0, NULL},
                                  {"B", "city", 139.1, 35.0, NULL},
                                  {"C", "city", 139.0, 35.1, NULL}};
static const tedge par_edges[] = {{"short", "A", "B", 10.0, 3.0, 1.25, 0},
                                  {"long", "A", "B", 20.0, 5.0, 2.5, 0},
                                  {"dark", "A", "C", 7.5, 4.0, 0.0, 0}};

static fixture parallel(const char *csv)
{
    return make(par_nodes, 3, par_edges, 3, csv);
}

static void test_parallel_split(void **state)
{
    (void)state;
    fixture fx = parallel("origin,destination,demand_tbps\nA,B,6\n");
    const cs_routing_options o = options(CS_ROUTING_LATENCY_FIRST, 8);
    cs_routing_result r;
    route(&fx, &o, NULL, &r);
    /* Increments of 0.75: four fill the short path, four go on the long one. */
    assert_float_equal(r.served_tbps[0], 6.0, 1e-12);
    assert_float_equal(r.edge_flow_tbps[0], 3.0, 1e-12);
    assert_float_equal(r.edge_flow_tbps[1], 3.0, 1e-12);
    assert_float_equal(r.edge_flow_tbps[2], 0.0, 0.0);
    /* (3 (10 MS + HOP) + 3 (20 MS + HOP)) / 6 = 15 MS + HOP */
    assert_float_equal(r.latency_ms[0], 15.0 * MS + HOP, 1e-12);
    assert_int_equal(r.connected[0], 1);
    assert_float_equal(r.unserved_tbps, 0.0, 1e-12);
    assert_float_equal(r.demand_tbps, 6.0, 0.0);
    cs_routing_result_destroy(&r);
    unmake(&fx);
}

static void test_demand_over_capacity(void **state)
{
    (void)state;
    fixture fx = parallel("origin,destination,demand_tbps\nA,B,11.3\n");
    const cs_routing_options o = options(CS_ROUTING_LATENCY_FIRST, 8);
    cs_routing_result r;
    route(&fx, &o, NULL, &r);
    /* Both paths fill (3 + 5 = 8); 11.3 - 8 = 3.3 finds no path. */
    assert_float_equal(r.served_tbps[0], 8.0, 1e-12);
    assert_float_equal(r.unserved_tbps, 3.3, 1e-12);
    assert_float_equal(r.demand_tbps, 11.3, 1e-12);
    assert_float_equal(r.edge_flow_tbps[0], 3.0, 1e-12);
    assert_float_equal(r.edge_flow_tbps[1], 5.0, 1e-12);
    assert_float_equal(r.latency_ms[0], (3.0 * (10 * MS + HOP) + 5.0 * (20 * MS + HOP)) / 8.0,
                       1e-12);
    cs_routing_result_destroy(&r);
    unmake(&fx);
}

static void test_lit_and_scale(void **state)
{
    (void)state;
    fixture fx = parallel("origin,destination,demand_tbps\nA,B,2\nA,C,0.4\n");
    cs_routing_options o = options(CS_ROUTING_LATENCY_FIRST, 8);
    o.use_lit = true;
    o.demand_scale = 1.75;
    cs_routing_result r;
    route(&fx, &o, NULL, &r);
    /* A-B: 2 x 1.75 = 3.5 on lit 1.25 + 2.5 = 3.75: 1.25 short, 2.25 long. */
    assert_float_equal(r.served_tbps[0], 3.5, 1e-12);
    assert_float_equal(r.edge_flow_tbps[0], 1.25, 1e-12);
    assert_float_equal(r.edge_flow_tbps[1], 2.25, 1e-12);
    assert_float_equal(r.latency_ms[0], (1.25 * (10 * MS + HOP) + 2.25 * (20 * MS + HOP)) / 3.5,
                       1e-12);
    /* A-C: joined only by the unlit link: connected, but nothing served. */
    assert_int_equal(r.connected[1], 1);
    assert_float_equal(r.served_tbps[1], 0.0, 0.0);
    assert_true(isnan(r.latency_ms[1]));
    assert_float_equal(r.edge_flow_tbps[2], 0.0, 0.0);
    assert_float_equal(r.demand_tbps, 3.5 + 0.7, 1e-12);
    assert_float_equal(r.unserved_tbps, 0.7, 1e-12);
    cs_routing_result_destroy(&r);
    /* The same on design capacity: the dark link carries A-C, 0.7 < 4. */
    o.use_lit = false;
    route(&fx, &o, NULL, &r);
    assert_float_equal(r.served_tbps[1], 0.7, 1e-12);
    assert_float_equal(r.latency_ms[1], 7.5 * MS + HOP, 1e-12);
    assert_float_equal(r.edge_flow_tbps[0], 3.0, 1e-12);
    assert_float_equal(r.edge_flow_tbps[1], 0.5, 1e-12);
    cs_routing_result_destroy(&r);
    /* Scale 0: nothing to route, nothing unserved, no latency. */
    o.demand_scale = 0.0;
    route(&fx, &o, NULL, &r);
    assert_float_equal(r.demand_tbps, 0.0, 0.0);
    assert_float_equal(r.unserved_tbps, 0.0, 0.0);
    assert_true(isnan(r.latency_ms[0]));
    assert_int_equal(r.connected[0], 1);
    cs_routing_result_destroy(&r);
    unmake(&fx);
}

/* ------------------------------------------------------------ a chain with a bridge */

static const tnode chain_nodes[] = {{"A", "city", 139.0, 35.0, NULL},
                                    {"B", "city", 139.1, 35.0, NULL},
                                    {"C", "city", 139.2, 35.0, NULL}};
static const tedge chain_edges[] = {{"ab", "A", "B", 12.5, 4.0, -1, 0},
                                    {"bc", "B", "C", 7.25, 4.0, -1, 0}};

static void test_bridge(void **state)
{
    (void)state;
    fixture fx =
        make(chain_nodes, 3, chain_edges, 2, "origin,destination,demand_tbps\nA,C,2.5\nA,B,1.5\n");
    const cs_routing_options o = options(CS_ROUTING_LATENCY_FIRST, 8);
    cs_error err = CS_ERROR_INIT;
    cs_failures f;
    assert_int_equal(cs_failures_init(&f, 2, 3, &err), CS_OK);
    cs_routing_result r;
    /* Intact: A-C over both links (19.75 km, 2 hops); a-b carries 2.5 + 1.5 = 4. */
    route(&fx, &o, &f, &r);
    assert_float_equal(r.served_tbps[0], 2.5, 1e-12);
    assert_float_equal(r.latency_ms[0], 19.75 * MS + 2 * HOP, 1e-12);
    assert_float_equal(r.latency_ms[1], 12.5 * MS + HOP, 1e-12);
    assert_float_equal(r.edge_flow_tbps[0], 4.0, 1e-12);
    assert_float_equal(r.edge_flow_tbps[1], 2.5, 1e-12);
    cs_routing_result_destroy(&r);
    /* The bridge b-c fails: A-C is cut off, A-B unaffected. */
    cs_failures_fail_edge(&f, edge_index(fx.t, "bc"));
    route(&fx, &o, &f, &r);
    assert_int_equal(r.connected[0], 0);
    assert_float_equal(r.served_tbps[0], 0.0, 0.0);
    assert_true(isnan(r.latency_ms[0]));
    assert_int_equal(r.connected[1], 1);
    assert_float_equal(r.served_tbps[1], 1.5, 1e-12);
    assert_float_equal(r.edge_flow_tbps[0], 1.5, 1e-12);
    assert_float_equal(r.edge_flow_tbps[1], 0.0, 0.0);
    assert_float_equal(r.unserved_tbps, 2.5, 1e-12);
    cs_routing_result_destroy(&r);
    /* Node B fails: both its links go down, nothing is served. */
    cs_failures_clear(&f);
    cs_failures_fail_node(&f, node_index(fx.t, "B"));
    route(&fx, &o, &f, &r);
    assert_int_equal(r.connected[0], 0);
    assert_int_equal(r.connected[1], 0);
    assert_float_equal(r.unserved_tbps, 4.0, 1e-12);
    assert_float_equal(r.edge_flow_tbps[0], 0.0, 0.0);
    cs_routing_result_destroy(&r);
    /* Max-flow mode agrees on the bridge. */
    cs_failures_clear(&f);
    cs_failures_fail_edge(&f, edge_index(fx.t, "bc"));
    const cs_routing_options m = options(CS_ROUTING_MAXFLOW, 1);
    route(&fx, &m, &f, &r);
    assert_int_equal(r.connected[0], 0);
    assert_float_equal(r.served_tbps[0], 0.0, 0.0);
    assert_true(isnan(r.latency_ms[0]));
    assert_float_equal(r.served_tbps[1], 1.5, 1e-12);
    cs_routing_result_destroy(&r);
    cs_failures_destroy(&f);
    unmake(&fx);
}

/* ------------------------------------------------------------ competition and rounds */

/* A and C reach hub H (5 and 6 km, capacity 100); H reaches B by a short link
 * (10 km, capacity 3) and a long one (30 km, capacity 10). */
static const tnode hub_nodes[] = {{"A", "city", 138.9, 35.3, NULL},
                                  {"C", "city", 138.9, 34.7, NULL},
                                  {"B", "city", 139.3, 35.0, NULL},
                                  {"H", "landing_station", 139.0, 35.0, NULL}};
static const tedge hub_edges[] = {{"ah", "A", "H", 5.0, 100.0, -1, 0},
                                  {"ch", "C", "H", 6.0, 100.0, -1, 0},
                                  {"short", "H", "B", 10.0, 3.0, -1, 0},
                                  {"long", "H", "B", 30.0, 10.0, -1, 0}};
#define LAT_AS (15 * MS + 2 * HOP) /* A over the short link */
#define LAT_AL (35 * MS + 2 * HOP)
#define LAT_CS (16 * MS + 2 * HOP)
#define LAT_CL (36 * MS + 2 * HOP)

/* Routes the hub graph with `rounds`; A-B's and C-B's short-link shares must be sa, sc. */
static void hub_case(const char *csv, unsigned rounds, size_t ia, double sa, double sc)
{
    fixture fx = make(hub_nodes, 4, hub_edges, 4, csv);
    const cs_routing_options o = options(CS_ROUTING_LATENCY_FIRST, rounds);
    cs_routing_result r;
    route(&fx, &o, NULL, &r);
    const size_t ic = 1 - ia;
    assert_float_equal(r.served_tbps[ia], 4.0, 1e-12);
    assert_float_equal(r.served_tbps[ic], 4.0, 1e-12);
    assert_float_equal(r.latency_ms[ia], (sa * LAT_AS + (4 - sa) * LAT_AL) / 4, 1e-12);
    assert_float_equal(r.latency_ms[ic], (sc * LAT_CS + (4 - sc) * LAT_CL) / 4, 1e-12);
    assert_float_equal(r.edge_flow_tbps[2], 3.0, 1e-12);
    assert_float_equal(r.edge_flow_tbps[3], 5.0, 1e-12);
    assert_float_equal(r.edge_flow_tbps[0], 4.0, 1e-12);
    assert_float_equal(r.edge_flow_tbps[1], 4.0, 1e-12);
    cs_routing_result_destroy(&r);
    unmake(&fx);
}

static void test_file_order_priority(void **state)
{
    (void)state;
    /* One round: the first demand takes the short link's 3 and spills 1. */
    hub_case("origin,destination,demand_tbps\nA,B,4\nC,B,4\n", 1, 0, 3.0, 0.0);
    hub_case("origin,destination,demand_tbps\nC,B,4\nA,B,4\n", 1, 1, 0.0, 3.0);
}

static void test_rounds_split(void **state)
{
    (void)state;
    const char *csv = "origin,destination,demand_tbps\nA,B,4\nC,B,4\n";
    /* 2 rounds of 2: A 2 short (1 left); C 1 short + 1 long; then both 2 long. */
    hub_case(csv, 2, 0, 2.0, 1.0);
    /* 3 rounds of 4/3: A 4/3 short, C 4/3 short (1/3 left); A 1/3 short + 1
     * long, C 4/3 long; then both long: A 5/3 short, C 4/3 short. */
    hub_case(csv, 3, 0, 5.0 / 3.0, 4.0 / 3.0);
    /* 4 rounds of 1: A, C, A short (3 used); then all long. */
    hub_case(csv, 4, 0, 2.0, 1.0);
}

/* ------------------------------------------------------------ max flow */

/* The trap: S-a-b-T (4.5 km) is shortest and, once full, blocks both S-a-T
 * and S-b-T, which together carry 2. */
static const tnode trap_nodes[] = {{"S", "city", 140.0, 35.0, NULL},
                                   {"T", "city", 140.4, 35.0, NULL},
                                   {"a", "landing_station", 140.1, 35.1, NULL},
                                   {"b", "landing_station", 140.3, 35.1, NULL}};
static const tedge trap_edges[] = {{"Sa", "S", "a", 1.5, 1.0, -1, 0},
                                   {"ab", "a", "b", 1.25, 1.0, -1, 0},
                                   {"bT", "b", "T", 1.75, 1.0, -1, 0},
                                   {"Sb", "S", "b", 10.5, 1.0, -1, 0},
                                   {"aT", "a", "T", 11.0, 1.0, -1, 0}};

static void test_maxflow_trap(void **state)
{
    (void)state;
    fixture fx = make(trap_nodes, 4, trap_edges, 5, "origin,destination,demand_tbps\nS,T,2\n");
    cs_routing_result r;
    const cs_routing_options lf = options(CS_ROUTING_LATENCY_FIRST, 8);
    route(&fx, &lf, NULL, &r);
    assert_float_equal(r.served_tbps[0], 1.0, 1e-12);
    assert_float_equal(r.unserved_tbps, 1.0, 1e-12);
    assert_float_equal(r.latency_ms[0], 4.5 * MS + 3 * HOP, 1e-12);
    assert_float_equal(r.edge_flow_tbps[1], 1.0, 1e-12);
    assert_float_equal(r.edge_flow_tbps[3], 0.0, 0.0);
    cs_routing_result_destroy(&r);
    const cs_routing_options mf = options(CS_ROUTING_MAXFLOW, 8);
    route(&fx, &mf, NULL, &r);
    assert_float_equal(r.served_tbps[0], 2.0, 1e-12);
    assert_float_equal(r.unserved_tbps, 0.0, 1e-12);
    /* Latency of the shortest surviving path, whatever the flow uses. */
    assert_float_equal(r.latency_ms[0], 4.5 * MS + 3 * HOP, 1e-12);
    /* The only flow of value 2: S-a-T and S-b-T, nothing on a-b. */
    const double expect[5] = {1.0, 0.0, 1.0, 1.0, 1.0};
    for (size_t e = 0; e < 5; e++)
        assert_float_equal(r.edge_flow_tbps[e], expect[e], 1e-12);
    cs_routing_result_destroy(&r);
    unmake(&fx);
    /* A demand of 1.5 in 8 increments of 0.1875: the first 5 1/3 fill S-a-T (the
     * augmenting paths of fewest arcs, a before b in S's edge order), the rest takes
     * S-b-T. */
    fx = make(trap_nodes, 4, trap_edges, 5, "origin,destination,demand_tbps\nS,T,1.5\n");
    route(&fx, &mf, NULL, &r);
    assert_float_equal(r.served_tbps[0], 1.5, 1e-12);
    const double partial[5] = {1.0, 0.0, 0.5, 0.5, 1.0};
    for (size_t e = 0; e < 5; e++)
        assert_float_equal(r.edge_flow_tbps[e], partial[e], 1e-12);
    cs_routing_result_destroy(&r);
    unmake(&fx);
}

/* Demands of 9 (A-B) and 8.5 Tbps (C-B) share H-B (3 + 10 Tbps): jointly at most 13. */
static void hub_maxflow_case(unsigned rounds, double sa, double sc)
{
    fixture fx =
        make(hub_nodes, 4, hub_edges, 4, "origin,destination,demand_tbps\nA,B,9\nC,B,8.5\n");
    const cs_routing_options o = options(CS_ROUTING_MAXFLOW, rounds);
    cs_routing_result r;
    route(&fx, &o, NULL, &r);
    assert_float_equal(r.served_tbps[0], sa, 1e-12);
    assert_float_equal(r.served_tbps[1], sc, 1e-12);
    assert_float_equal(r.unserved_tbps, 17.5 - 13.0, 1e-12);
    /* Both links full, neither beyond its capacity. */
    assert_float_equal(r.edge_flow_tbps[2], 3.0, 1e-12);
    assert_float_equal(r.edge_flow_tbps[3], 10.0, 1e-12);
    assert_float_equal(r.edge_flow_tbps[0], sa, 1e-12);
    assert_float_equal(r.edge_flow_tbps[1], sc, 1e-12);
    /* Latency: the shortest surviving path, whatever the flow uses. */
    assert_float_equal(r.latency_ms[0], LAT_AS, 1e-12);
    assert_float_equal(r.latency_ms[1], LAT_CS, 1e-12);
    cs_routing_result_destroy(&r);
    unmake(&fx);
}

static void test_maxflow_jointly_feasible(void **state)
{
    (void)state;
    /* One round: A takes 9 (3 short + 6 long), C what is left, 4. */
    hub_maxflow_case(1, 9.0, 4.0);
    /* Two rounds of 4.5 and 4.25: A 4.5, C 4.25, A the last 4.25 (blocked), C none. */
    hub_maxflow_case(2, 8.75, 4.25);
    /* Eight rounds of 1.125 and 1.0625: five full rounds take 5 x 2.1875 = 10.9375,
     * the sixth gives A 1.125 and C the last 0.9375. */
    hub_maxflow_case(8, 6 * 1.125, 5 * 1.0625 + 0.9375);
}

/* ------------------------------------------------------------ transit */

/* Tokyo (JP) reaches Shanghai by a cable (10 Tbps, 1800 km) and Singapore by a long thin
 * one (2 Tbps, 5300 km); Shanghai-Guangzhou is a Chinese backbone link closed to transit
 * (100 Tbps, 1200 km); Guangzhou reaches Singapore by a cable (10 Tbps, 2600 km). */
static const tnode tr_nodes[] = {{"TYO", "city", 139.7, 35.7, NULL},
                                 {"SHA", "city", 121.5, 31.2, "CN"},
                                 {"CAN", "city", 113.3, 23.1, "CN"},
                                 {"SIN", "city", 103.8, 1.35, "SG"}};
static const tedge tr_edges[] = {{"tyo-sha", "TYO", "SHA", 1800.0, 10.0, -1, 0},
                                 {"sha-can", "SHA", "CAN", 1200.0, 100.0, -1, 1},
                                 {"can-sin", "CAN", "SIN", 2600.0, 10.0, -1, 0},
                                 {"tyo-sin", "TYO", "SIN", 5300.0, 2.0, -1, 0}};

static void test_transit(void **state)
{
    (void)state;
    /* Under both policies Tokyo-Singapore gets only the direct 2 Tbps, though the route
     * through Shanghai and Guangzhou (5600 km) is nearly as short and has room; Tokyo-Guangzhou
     * ends in China, so the backbone is open to it. */
    fixture fx =
        make(tr_nodes, 4, tr_edges, 4, "origin,destination,demand_tbps\nTYO,SIN,5\nTYO,CAN,3\n");
    for (int mode = 0; mode < 2; mode++) {
        const cs_routing_options o =
            options(mode ? CS_ROUTING_MAXFLOW : CS_ROUTING_LATENCY_FIRST, 4);
        cs_routing_result r;
        route(&fx, &o, NULL, &r);
        assert_float_equal(r.served_tbps[0], 2.0, 1e-12);
        assert_float_equal(r.latency_ms[0], 5300 * MS + HOP, 1e-12);
        assert_float_equal(r.served_tbps[1], 3.0, 1e-12);
        assert_float_equal(r.latency_ms[1], 3000 * MS + 2 * HOP, 1e-12);
        const double flow[4] = {3.0, 3.0, 0.0, 2.0};
        for (size_t e = 0; e < 4; e++)
            assert_float_equal(r.edge_flow_tbps[e], flow[e], 1e-12);
        cs_routing_result_destroy(&r);
        /* With the direct cable cut, Tokyo-Singapore is cut off (not merely unserved). */
        cs_failures f;
        cs_error err = CS_ERROR_INIT;
        assert_int_equal(cs_failures_init(&f, 4, 4, &err), CS_OK);
        cs_failures_fail_edge(&f, edge_index(fx.t, "tyo-sin"));
        route(&fx, &o, &f, &r);
        assert_int_equal(r.connected[0], 0);
        assert_float_equal(r.served_tbps[0], 0.0, 0.0);
        assert_int_equal(r.connected[1], 1);
        cs_routing_result_destroy(&r);
        cs_failures_destroy(&f);
    }
    unmake(&fx);
    /* Shanghai-Singapore starts in China: open too, on its shortest path SHA-CAN-SIN (3800 km;
     * latency-first: Dijkstra by km, not Dinic's fewest arcs). */
    fx = make(tr_nodes, 4, tr_edges, 4,
              "origin,destination,demand_tbps\nTYO,SIN,5\nTYO,CAN,3\nSHA,SIN,1\n");
    const cs_routing_options lf = options(CS_ROUTING_LATENCY_FIRST, 4);
    cs_routing_result r;
    route(&fx, &lf, NULL, &r);
    assert_float_equal(r.served_tbps[2], 1.0, 1e-12);
    assert_float_equal(r.latency_ms[2], 3800 * MS + 2 * HOP, 1e-12);
    const double flow[4] = {3.0, 4.0, 1.0, 2.0};
    for (size_t e = 0; e < 4; e++)
        assert_float_equal(r.edge_flow_tbps[e], flow[e], 1e-12);
    cs_routing_result_destroy(&r);
    unmake(&fx);
    /* Without the direct cable Tokyo-Singapore is unreachable in the intact network: never
     * served and left out of the damage sums; the router says so. */
    fx = make(tr_nodes, 4, tr_edges, 3,
              "origin,destination,demand_tbps\nTYO,SIN,5\nTYO,CAN,3\nSHA,SIN,1\n");
    cs_error err = CS_ERROR_INIT;
    cs_router_t *rt = NULL;
    const cs_routing_options o = options(CS_ROUTING_LATENCY_FIRST, 4);
    assert_int_equal(cs_router_alloc(&rt, fx.t, fx.d, &o, &err), CS_OK);
    const unsigned char *reach = cs_router_reachable(rt);
    assert_int_equal(reach[0], 0);
    assert_int_equal(reach[1], 1);
    assert_int_equal(reach[2], 1);
    assert_float_equal(cs_router_unreachable_tbps(rt), 5.0, 0.0);
    assert_int_equal(cs_routing_result_init(&r, 3, 3, &err), CS_OK);
    assert_int_equal(cs_router_route(rt, NULL, &r, &err), CS_OK);
    assert_float_equal(r.served_tbps[0], 0.0, 0.0);
    assert_true(isnan(r.latency_ms[0]));
    assert_int_equal(r.connected[0], 0);
    assert_float_equal(r.demand_tbps, 4.0, 1e-12);
    assert_float_equal(r.unserved_tbps, 0.0, 1e-12);
    cs_routing_result_destroy(&r);
    cs_router_free(rt);
    unmake(&fx);
}

/* Tokyo-Singapore joined only by an unlit cable (lit 0) on lit capacity: connected, served
 * nothing by the intact network, so excluded from the damage sums once the engine says so. */
static void test_exclude_unserved(void **state)
{
    (void)state;
    static const tedge unlit[] = {{"tyo-sha", "TYO", "SHA", 1800.0, 10.0, -1, 0},
                                  {"sha-can", "SHA", "CAN", 1200.0, 100.0, -1, 1},
                                  {"tyo-sin", "TYO", "SIN", 5300.0, 2.0, 0.0, 0}};
    fixture fx =
        make(tr_nodes, 4, unlit, 3, "origin,destination,demand_tbps\nTYO,SIN,5\nTYO,SHA,3\n");
    cs_routing_options o = options(CS_ROUTING_LATENCY_FIRST, 2);
    o.use_lit = true;
    cs_error err = CS_ERROR_INIT;
    cs_router_t *rt = NULL;
    assert_int_equal(cs_router_alloc(&rt, fx.t, fx.d, &o, &err), CS_OK);
    cs_routing_result r;
    assert_int_equal(cs_routing_result_init(&r, 2, 3, &err), CS_OK);
    assert_int_equal(cs_router_route(rt, NULL, &r, &err), CS_OK);
    assert_int_equal(r.connected[0], 1);
    assert_float_equal(r.served_tbps[0], 0.0, 0.0);
    assert_float_equal(r.unserved_tbps, 5.0, 1e-12);
    assert_int_equal(cs_router_reachable(rt)[0], 1);
    cs_router_exclude_unserved(rt, r.served_tbps);
    assert_int_equal(cs_router_reachable(rt)[0], 0);
    assert_int_equal(cs_router_reachable(rt)[1], 1);
    assert_float_equal(cs_router_unreachable_tbps(rt), 5.0, 0.0);
    assert_int_equal(cs_router_route(rt, NULL, &r, &err), CS_OK);
    assert_float_equal(r.unserved_tbps, 0.0, 1e-12);
    assert_float_equal(r.demand_tbps, 3.0, 1e-12);
    assert_float_equal(r.served_tbps[1], 3.0, 1e-12);
    cs_routing_result_destroy(&r);
    cs_router_free(rt);
    unmake(&fx);
}

/* ------------------------------------------------------------ API and errors */

static void test_bad_options(void **state)
{
    (void)state;
    fixture fx = parallel("origin,destination,demand_tbps\nA,B,6\n");
    static int dummy;
    cs_router_t *r = (cs_router_t *)(void *)&dummy; /* must be reset to NULL on failure */
    cs_error err = CS_ERROR_INIT;
    cs_routing_options o = options(CS_ROUTING_LATENCY_FIRST, 0);
    assert_int_equal(cs_router_alloc(&r, fx.t, fx.d, &o, &err), CS_EINVAL);
    assert_null(r);
    assert_non_null(strstr(err.msg, "rounds: expected an integer >= 1, found 0"));
    o = options(CS_ROUTING_LATENCY_FIRST, 8);
    o.demand_scale = -0.5;
    cs_error_clear(&err);
    assert_int_equal(cs_router_alloc(&r, fx.t, fx.d, &o, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "demand_scale: expected a finite number >= 0, found -0.5"));
    o.demand_scale = 1.0;
    o.hop_ms = NAN;
    cs_error_clear(&err);
    assert_int_equal(cs_router_alloc(&r, fx.t, fx.d, &o, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "hop_ms: expected a finite number of ms >= 0, found nan"));
    o.hop_ms = 0.05;
    o.mode = (cs_routing_mode)7;
    cs_error_clear(&err);
    assert_int_equal(cs_router_alloc(&r, fx.t, fx.d, &o, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "mode: expected latency-first (0) or maxflow (1), found 7"));
    unmake(&fx);
}

static void test_bad_sizes_and_api(void **state)
{
    (void)state;
    fixture fx = parallel("origin,destination,demand_tbps\nA,B,6\n");
    cs_error err = CS_ERROR_INIT;
    cs_router_t *r = NULL;
    const cs_routing_options o = options(CS_ROUTING_LATENCY_FIRST, 5);
    assert_int_equal(cs_router_alloc(&r, fx.t, fx.d, &o, &err), CS_OK);
    assert_int_equal(cs_router_options(r)->rounds, 5);
    assert_float_equal(cs_router_options(r)->hop_ms, HOP, 0.0);
    cs_routing_result bad, good, copy;
    assert_int_equal(cs_routing_result_init(&bad, 2, 3, &err), CS_OK);
    assert_int_equal(cs_router_route(r, NULL, &bad, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "result sized for 2 demands and 3 edges, expected 1 and 3"));
    cs_failures f;
    assert_int_equal(cs_failures_init(&f, 2, 3, &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&good, 1, 3, &err), CS_OK);
    cs_error_clear(&err);
    assert_int_equal(cs_router_route(r, &f, &good, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "failure set sized for 2 edges and 3 nodes, expected 3 and 3"));
    /* Copy and NULL-free. */
    assert_int_equal(cs_router_route(r, NULL, &good, &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&copy, 1, 3, &err), CS_OK);
    cs_routing_result_copy(&copy, &good);
    assert_float_equal(copy.served_tbps[0], 6.0, 1e-12);
    assert_float_equal(copy.latency_ms[0], good.latency_ms[0], 0.0);
    assert_float_equal(copy.edge_flow_tbps[1], 3.0, 1e-12);
    assert_int_equal(copy.connected[0], 1);
    assert_float_equal(copy.demand_tbps, 6.0, 0.0);
    cs_routing_result_destroy(&copy);
    cs_routing_result_destroy(&good);
    cs_routing_result_destroy(&bad);
    cs_failures_destroy(&f);
    cs_router_free(r);
    cs_router_free(NULL);
    unmake(&fx);
}

/* ------------------------------------------------------------ reference and invariants */

static double capacity(const cs_edge *e, const cs_routing_options *o)
{
    return o->use_lit ? e->lit_tbps : e->capacity_tbps;
}

static bool down(const cs_failures *f, const cs_topology_t *t, size_t e)
{
    return f != NULL && cs_failures_edge_down(f, t, e);
}

/*
 * Latency-first as the header states it, with nothing cached: an O(n^2)
 * Dijkstra (settling the unsettled node of least (distance, index), relaxing
 * incident edges with ties to the lower edge index) before every placement.
 */
typedef struct {
    size_t nn, ne;
    double *res, *dist, *len;
    size_t *pred, *hops, *from, *to;
    size_t *inc_off, *inc; /* edges incident to node u: inc[inc_off[u] .. inc_off[u+1]-1] */
    unsigned char *ok, *done;
    const unsigned char *open; /* [ne] edges open to the demand being placed */
} refstate;

/* Whether edge e may carry the demand between nodes a and b (transit rule, by hand). */
static bool edge_open(const cs_topology_t *t, size_t e, size_t a, size_t b)
{
    const cs_edge *ed = cs_topology_edge(t, e);
    if (ed->transit) return true;
    const char *c = cs_topology_node(t, ed->from)->country;
    return strcmp(c, cs_topology_node(t, a)->country) == 0 ||
           strcmp(c, cs_topology_node(t, b)->country) == 0;
}

static void ref_dijkstra(refstate *s, size_t o)
{
    for (size_t v = 0; v < s->nn; v++) {
        s->dist[v] = INFINITY;
        s->pred[v] = NONE;
        s->done[v] = 0;
    }
    s->dist[o] = 0.0;
    s->hops[o] = 0;
    for (;;) {
        size_t u = NONE;
        for (size_t v = 0; v < s->nn; v++)
            if (!s->done[v] && isfinite(s->dist[v]) && (u == NONE || s->dist[v] < s->dist[u]))
                u = v;
        if (u == NONE) return;
        s->done[u] = 1;
        for (size_t k = s->inc_off[u]; k < s->inc_off[u + 1]; k++) {
            const size_t e = s->inc[k];
            if (!s->ok[e] || !s->open[e]) continue;
            const size_t v = s->from[e] == u ? s->to[e] : s->from[e];
            if (s->done[v]) continue;
            const double nd = s->dist[u] + s->len[e];
            if (nd < s->dist[v] || (nd == s->dist[v] && e < s->pred[v])) {
                s->dist[v] = nd;
                s->pred[v] = e;
                s->hops[v] = s->hops[u] + 1;
            }
        }
    }
}

static void reference(const cs_topology_t *t, const cs_demand_t *d, const cs_failures *f,
                      const cs_routing_options *o, double *served, double *lat, double *flow)
{
    refstate s;
    memset(&s, 0, sizeof s);
    s.nn = cs_topology_node_count(t);
    s.ne = cs_topology_edge_count(t);
    s.len = calloc(s.ne, sizeof *s.len);
    s.from = calloc(s.ne, sizeof *s.from);
    s.to = calloc(s.ne, sizeof *s.to);
    s.inc_off = calloc(s.nn + 1, sizeof *s.inc_off);
    s.inc = calloc(2 * s.ne, sizeof *s.inc);
    size_t *fill = calloc(s.nn + 1, sizeof *fill);
    s.res = calloc(s.ne, sizeof *s.res);
    s.dist = calloc(s.nn, sizeof *s.dist);
    s.pred = calloc(s.nn, sizeof *s.pred);
    s.hops = calloc(s.nn, sizeof *s.hops);
    s.ok = calloc(s.ne, 1);
    s.done = calloc(s.nn, 1);
    unsigned char *open = calloc(s.ne + 1, 1);
    assert_non_null(open);
    s.open = open;
    double *latsum = calloc(cs_demand_count(d), sizeof *latsum);
    assert_true(s.res && s.dist && s.pred && s.hops && s.ok && s.done && latsum && s.len &&
                s.from && s.to && s.inc_off && s.inc && fill);
    for (size_t e = 0; e < s.ne; e++) {
        const cs_edge *ed = cs_topology_edge(t, e);
        s.len[e] = ed->length_km;
        s.from[e] = ed->from;
        s.to[e] = ed->to;
        s.inc_off[ed->from + 1]++;
        s.inc_off[ed->to + 1]++;
        s.res[e] = capacity(cs_topology_edge(t, e), o);
        s.ok[e] = !down(f, t, e) && s.res[e] > CS_ROUTING_EPS_TBPS;
    }
    for (size_t u = 0; u < s.nn; u++)
        s.inc_off[u + 1] += s.inc_off[u];
    memcpy(fill, s.inc_off, s.nn * sizeof *fill);
    for (size_t e = 0; e < s.ne; e++) { /* each node's list in increasing edge index */
        s.inc[fill[s.from[e]]++] = e;
        s.inc[fill[s.to[e]]++] = e;
    }
    const size_t nd = cs_demand_count(d);
    memset(served, 0, nd * sizeof *served);
    for (unsigned k = 0; k < o->rounds; k++) {
        for (size_t i = 0; i < nd; i++) {
            const cs_demand_entry *de = cs_demand_entry_at(d, i);
            double rem = de->demand_tbps * o->demand_scale / (double)o->rounds;
            for (size_t e = 0; e < s.ne; e++)
                open[e] = edge_open(t, e, de->origin, de->destination);
            while (rem > CS_ROUTING_EPS_TBPS) {
                ref_dijkstra(&s, de->origin);
                if (s.pred[de->destination] == NONE) break;
                double b = INFINITY;
                for (size_t v = de->destination; v != de->origin;) {
                    const cs_edge *ed = cs_topology_edge(t, s.pred[v]);
                    b = fmin(b, s.res[s.pred[v]]);
                    v = ed->from == v ? ed->to : ed->from;
                }
                const double amt = fmin(rem, b);
                served[i] += amt;
                latsum[i] += amt * (s.dist[de->destination] * CS_FIBRE_MS_PER_KM +
                                    (double)s.hops[de->destination] * o->hop_ms);
                rem -= amt;
                for (size_t v = de->destination; v != de->origin;) {
                    const size_t e = s.pred[v];
                    const cs_edge *ed = cs_topology_edge(t, e);
                    s.res[e] -= amt;
                    if (s.res[e] <= CS_ROUTING_EPS_TBPS) s.ok[e] = 0;
                    v = ed->from == v ? ed->to : ed->from;
                }
            }
        }
    }
    for (size_t i = 0; i < nd; i++)
        lat[i] = served[i] > 0 ? latsum[i] / served[i] : NAN;
    for (size_t e = 0; e < s.ne; e++)
        flow[e] = capacity(cs_topology_edge(t, e), o) - s.res[e];
    free(latsum);
    free(open);
    free(s.res);
    free(s.dist);
    free(s.pred);
    free(s.hops);
    free(s.ok);
    free(s.done);
    free(s.len);
    free(s.from);
    free(s.to);
    free(s.inc_off);
    free(s.inc);
    free(fill);
}

static void check_against_reference(const cs_topology_t *t, const cs_demand_t *d,
                                    const cs_failures *f, const cs_routing_options *o,
                                    const cs_routing_result *r)
{
    const size_t nd = cs_demand_count(d), ne = cs_topology_edge_count(t);
    double *served = calloc(nd, sizeof *served), *lat = calloc(nd, sizeof *lat);
    double *flow = calloc(ne, sizeof *flow);
    assert_true(served && lat && flow);
    reference(t, d, f, o, served, lat, flow);
    for (size_t i = 0; i < nd; i++) {
        assert_float_equal(r->served_tbps[i], served[i], 1e-12 * (1 + served[i]));
        assert_int_equal(isnan(r->latency_ms[i]), isnan(lat[i]));
        if (!isnan(lat[i])) assert_float_equal(r->latency_ms[i], lat[i], 1e-12 * lat[i]);
    }
    for (size_t e = 0; e < ne; e++)
        assert_float_equal(r->edge_flow_tbps[e], flow[e], 1e-12 * (1 + flow[e]));
    free(served);
    free(lat);
    free(flow);
}

/* The surviving graph (edges not down, same indices kept by zeroing capacity). */
typedef struct {
    igraph_t g;
    igraph_vector_t cap, len;
    igraph_vector_int_t memb;
    igraph_matrix_t km, hops;
} survivor;

static void survivor_init(survivor *s, const cs_topology_t *t, const cs_failures *f,
                          const cs_routing_options *o)
{
    const size_t ne = cs_topology_edge_count(t);
    const igraph_integer_t nn = (igraph_integer_t)cs_topology_node_count(t);
    igraph_vector_int_t ev;
    assert_int_equal(igraph_vector_int_init(&ev, 0), IGRAPH_SUCCESS);
    assert_int_equal(igraph_vector_init(&s->cap, 0), IGRAPH_SUCCESS);
    assert_int_equal(igraph_vector_init(&s->len, 0), IGRAPH_SUCCESS);
    igraph_vector_int_t uev; /* usable edges only, for distances */
    assert_int_equal(igraph_vector_int_init(&uev, 0), IGRAPH_SUCCESS);
    for (size_t e = 0; e < ne; e++) {
        if (down(f, t, e)) continue;
        const cs_edge *ed = cs_topology_edge(t, e);
        igraph_vector_int_push_back(&ev, (igraph_integer_t)ed->from);
        igraph_vector_int_push_back(&ev, (igraph_integer_t)ed->to);
        igraph_vector_push_back(&s->cap, capacity(ed, o));
        if (capacity(ed, o) > CS_ROUTING_EPS_TBPS) {
            igraph_vector_int_push_back(&uev, (igraph_integer_t)ed->from);
            igraph_vector_int_push_back(&uev, (igraph_integer_t)ed->to);
            igraph_vector_push_back(&s->len, ed->length_km);
        }
    }
    assert_int_equal(igraph_create(&s->g, &ev, nn, IGRAPH_UNDIRECTED), IGRAPH_SUCCESS);
    assert_int_equal(igraph_vector_int_init(&s->memb, 0), IGRAPH_SUCCESS);
    assert_int_equal(igraph_connected_components(&s->g, &s->memb, NULL, NULL, IGRAPH_WEAK),
                     IGRAPH_SUCCESS);
    igraph_t u;
    assert_int_equal(igraph_create(&u, &uev, nn, IGRAPH_UNDIRECTED), IGRAPH_SUCCESS);
    assert_int_equal(igraph_matrix_init(&s->km, 0, 0), IGRAPH_SUCCESS);
    assert_int_equal(igraph_matrix_init(&s->hops, 0, 0), IGRAPH_SUCCESS);
    assert_int_equal(igraph_distances_dijkstra(&u, &s->km, igraph_vss_all(), igraph_vss_all(),
                                               &s->len, IGRAPH_ALL),
                     IGRAPH_SUCCESS);
    assert_int_equal(igraph_distances(&u, &s->hops, igraph_vss_all(), igraph_vss_all(), IGRAPH_ALL),
                     IGRAPH_SUCCESS);
    igraph_destroy(&u);
    igraph_vector_int_destroy(&uev);
    igraph_vector_int_destroy(&ev);
}

static void survivor_destroy(survivor *s)
{
    igraph_destroy(&s->g);
    igraph_vector_destroy(&s->cap);
    igraph_vector_destroy(&s->len);
    igraph_vector_int_destroy(&s->memb);
    igraph_matrix_destroy(&s->km);
    igraph_matrix_destroy(&s->hops);
}

static bool has_restricted(const cs_topology_t *t)
{
    for (size_t e = 0; e < cs_topology_edge_count(t); e++)
        if (!cs_topology_edge(t, e)->transit) return true;
    return false;
}

/* Whether a path of edges that are not down and open to the demand a-b joins a and b (BFS). */
static bool joined(const cs_topology_t *t, const cs_failures *f, size_t a, size_t b)
{
    const size_t nn = cs_topology_node_count(t), ne = cs_topology_edge_count(t);
    unsigned char *seen = calloc(nn + 1, 1);
    assert_non_null(seen);
    seen[a] = 1;
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t e = 0; e < ne; e++) {
            const cs_edge *ed = cs_topology_edge(t, e);
            if (down(f, t, e) || !edge_open(t, e, a, b) || seen[ed->from] == seen[ed->to]) continue;
            seen[ed->from] = seen[ed->to] = 1;
            grew = true;
        }
    }
    const bool j = seen[b];
    free(seen);
    return j;
}

/*
 * The most that can flow from the sources to the sinks (flags over the nodes) on the
 * surviving graph, by igraph: a super-source and a super-sink joined to them by links
 * of unbounded capacity. A link closed to transit counts when some source or sink is in
 * its country (the union of what the demands between them may use: an upper bound).
 */
static double set_maxflow(const cs_topology_t *t, const cs_failures *f, const cs_routing_options *o,
                          const unsigned char *src, const unsigned char *dst)
{
    const size_t nn = cs_topology_node_count(t), ne = cs_topology_edge_count(t);
    const igraph_integer_t S = (igraph_integer_t)nn, T = S + 1;
    igraph_vector_int_t ev;
    igraph_vector_t cap;
    assert_int_equal(igraph_vector_int_init(&ev, 0), IGRAPH_SUCCESS);
    assert_int_equal(igraph_vector_init(&cap, 0), IGRAPH_SUCCESS);
    for (size_t e = 0; e < ne; e++) {
        if (down(f, t, e)) continue;
        const cs_edge *ed = cs_topology_edge(t, e);
        bool open = ed->transit; /* else: open when some source or sink is in its country */
        for (size_t v = 0; v < nn && !open; v++)
            open = (src[v] || dst[v]) && strcmp(cs_topology_node(t, v)->country,
                                                cs_topology_node(t, ed->from)->country) == 0;
        if (!open) continue;
        igraph_vector_int_push_back(&ev, (igraph_integer_t)ed->from);
        igraph_vector_int_push_back(&ev, (igraph_integer_t)ed->to);
        igraph_vector_push_back(&cap, capacity(ed, o));
    }
    for (size_t v = 0; v < nn; v++)
        for (int side = 0; side < 2; side++)
            if ((side ? dst : src)[v]) {
                igraph_vector_int_push_back(&ev, side ? T : S);
                igraph_vector_int_push_back(&ev, (igraph_integer_t)v);
                igraph_vector_push_back(&cap, 1e12);
            }
    igraph_t g;
    assert_int_equal(igraph_create(&g, &ev, nn + 2, IGRAPH_UNDIRECTED), IGRAPH_SUCCESS);
    igraph_real_t v = 0.0;
    assert_int_equal(igraph_maxflow_value(&g, &v, S, T, &cap, NULL), IGRAPH_SUCCESS);
    igraph_destroy(&g);
    igraph_vector_int_destroy(&ev);
    igraph_vector_destroy(&cap);
    return v;
}

static bool in_japan(const cs_node *n)
{
    return n->region != NULL && strcmp(n->region, "Japan") == 0;
}

/*
 * The independent max-flow oracle of joint feasibility: what every (origin, region of
 * the destination) group is served together stays within the max flow from the origin
 * to all the group's destinations at once, and, where the demand has foreign cities,
 * all that Japan is served abroad stays within the max flow from its cities to them.
 * Sums of demands that do not compete can exceed these; a jointly feasible routing
 * cannot.
 */
static void check_group_bounds(const cs_topology_t *t, const cs_demand_t *d, const cs_failures *f,
                               const cs_routing_options *o, const cs_routing_result *r)
{
    const size_t nd = cs_demand_count(d), nn = cs_topology_node_count(t);
    unsigned char *src = calloc(nn + 1, 1), *dst = calloc(nn + 1, 1), *done = calloc(nd + 1, 1);
    assert_true(src && dst && done);
    for (size_t i = 0; i < nd; i++) {
        if (done[i]) continue;
        const cs_demand_entry *di = cs_demand_entry_at(d, i);
        const char *reg = cs_topology_node(t, di->destination)->region;
        memset(src, 0, nn);
        memset(dst, 0, nn);
        src[di->origin] = 1;
        double served = 0.0;
        for (size_t j = i; j < nd; j++) {
            const cs_demand_entry *dj = cs_demand_entry_at(d, j);
            const char *rj = cs_topology_node(t, dj->destination)->region;
            if (dj->origin != di->origin || (reg != rj && (!reg || !rj || strcmp(reg, rj))))
                continue;
            done[j] = 1;
            dst[dj->destination] = 1;
            served += r->served_tbps[j];
        }
        const double bound = set_maxflow(t, f, o, src, dst);
        assert_true(served <= bound * (1 + RELTOL) + RELTOL);
    }
    memset(src, 0, nn);
    memset(dst, 0, nn);
    double abroad = 0.0;
    for (size_t i = 0; i < nd; i++) {
        const cs_demand_entry *di = cs_demand_entry_at(d, i);
        const bool a = in_japan(cs_topology_node(t, di->origin)),
                   b = in_japan(cs_topology_node(t, di->destination));
        if (a == b) continue;
        src[a ? di->origin : di->destination] = 1;
        dst[a ? di->destination : di->origin] = 1;
        abroad += r->served_tbps[i];
    }
    if (abroad > 0.0) assert_true(abroad <= set_maxflow(t, f, o, src, dst) * (1 + RELTOL));
    free(src);
    free(dst);
    free(done);
}

static void check_invariants(const cs_topology_t *t, const cs_demand_t *d, const cs_failures *f,
                             const cs_routing_options *o, const cs_routing_result *r)
{
    const size_t nd = cs_demand_count(d), ne = cs_topology_edge_count(t);
    survivor s;
    survivor_init(&s, t, f, o);
    for (size_t e = 0; e < ne; e++) {
        const double c = capacity(cs_topology_edge(t, e), o);
        assert_true(r->edge_flow_tbps[e] >= 0.0);
        if (down(f, t, e)) assert_float_equal(r->edge_flow_tbps[e], 0.0, 0.0);
        assert_true(r->edge_flow_tbps[e] <= c * (1 + RELTOL));
    }
    check_group_bounds(t, d, f, o, r);
    double demand = 0.0, unserved = 0.0;
    for (size_t i = 0; i < nd; i++) {
        const cs_demand_entry *de = cs_demand_entry_at(d, i);
        const double want = de->demand_tbps * o->demand_scale, got = r->served_tbps[i];
        /* Unreachable in the intact network: never served, no part of the sums. */
        const bool reach = joined(t, NULL, de->origin, de->destination);
        demand += reach ? want : 0.0;
        unserved += reach ? want - got : 0.0;
        if (!reach) assert_float_equal(got, 0.0, 0.0);
        assert_true(got >= 0.0 && got <= want);
        const igraph_integer_t a = (igraph_integer_t)de->origin,
                               b = (igraph_integer_t)de->destination;
        assert_int_equal(r->connected[i], joined(t, f, de->origin, de->destination));
        /* Without the transit rule: igraph's components. */
        if (!r->connected[i] || !has_restricted(t))
            assert_true(r->connected[i] <= (VECTOR(s.memb)[a] == VECTOR(s.memb)[b]));
        if (!has_restricted(t))
            assert_int_equal(r->connected[i], VECTOR(s.memb)[a] == VECTOR(s.memb)[b]);
        igraph_real_t mf = 0.0;
        assert_int_equal(igraph_maxflow_value(&s.g, &mf, a, b, &s.cap, NULL), IGRAPH_SUCCESS);
        assert_true(got <= mf * (1 + RELTOL) + RELTOL);
        if (!(got > 0.0)) {
            assert_true(isnan(r->latency_ms[i]));
            continue;
        }
        /* No path is shorter than the shortest, nor has fewer hops than the fewest. */
        const double lo =
            MATRIX(s.km, a, b) * CS_FIBRE_MS_PER_KM + MATRIX(s.hops, a, b) * o->hop_ms;
        assert_true(r->latency_ms[i] >= lo * (1 - RELTOL));
        if (o->mode == CS_ROUTING_MAXFLOW && o->hop_ms > 0.0 && !has_restricted(t)) {
            /* The shortest path's km exactly, plus a whole number of hops (igraph's paths
             * know no transit rule: only without links closed to it). */
            const double h =
                (r->latency_ms[i] - MATRIX(s.km, a, b) * CS_FIBRE_MS_PER_KM) / o->hop_ms;
            assert_float_equal(h, round(h), 1e-6);
            assert_true(round(h) >= MATRIX(s.hops, a, b));
        }
    }
    assert_float_equal(r->demand_tbps, demand, RELTOL * (1 + demand));
    assert_float_equal(r->unserved_tbps, unserved, RELTOL * (1 + demand));
    survivor_destroy(&s);
}

/* Routes twice with router r and once with a fresh one: all bit-identical. */
static void check_deterministic(cs_router_t *r, const fixture *fx, const cs_routing_options *o,
                                const cs_failures *f, const cs_routing_result *first)
{
    const size_t nd = first->n_demands, ne = first->n_edges;
    cs_routing_result again, fresh;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_routing_result_init(&again, nd, ne, &err), CS_OK);
    assert_int_equal(cs_router_route(r, f, &again, &err), CS_OK);
    route(fx, o, f, &fresh);
    const cs_routing_result *rs[2] = {&again, &fresh};
    for (int k = 0; k < 2; k++) {
        assert_memory_equal(rs[k]->served_tbps, first->served_tbps, nd * sizeof(double));
        assert_memory_equal(rs[k]->latency_ms, first->latency_ms, nd * sizeof(double));
        assert_memory_equal(rs[k]->edge_flow_tbps, first->edge_flow_tbps, ne * sizeof(double));
        assert_memory_equal(rs[k]->connected, first->connected, nd);
        assert_memory_equal(&rs[k]->unserved_tbps, &first->unserved_tbps, sizeof(double));
    }
    cs_routing_result_destroy(&again);
    cs_routing_result_destroy(&fresh);
}

/* ------------------------------------------------------------ random graphs */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static double unif(uint64_t *s)
{
    return (double)(splitmix(s) >> 11) * 0x1.0p-53;
}

static size_t pick(uint64_t *s, size_t n)
{
    return (size_t)(splitmix(s) % n);
}

/* Routes fx under o and f, and checks invariants, reference and determinism. */
static void check_all(const fixture *fx, const cs_routing_options *o, const cs_failures *f,
                      bool with_reference)
{
    cs_error err = CS_ERROR_INIT;
    cs_router_t *r = NULL;
    assert_int_equal(cs_router_alloc(&r, fx->t, fx->d, o, &err), CS_OK);
    cs_routing_result res;
    assert_int_equal(
        cs_routing_result_init(&res, cs_demand_count(fx->d), cs_topology_edge_count(fx->t), &err),
        CS_OK);
    assert_int_equal(cs_router_route(r, f, &res, &err), CS_OK);
    check_invariants(fx->t, fx->d, f, o, &res);
    if (with_reference && o->mode == CS_ROUTING_LATENCY_FIRST)
        check_against_reference(fx->t, fx->d, f, o, &res);
    check_deterministic(r, fx, o, f, &res);
    cs_routing_result_destroy(&res);
    cs_router_free(r);
}

/* A random connected multigraph of 6..13 nodes (3..5 cities) and its demand. */
static fixture random_graph(uint64_t *rng)
{
    enum { MAXN = 13, MAXE = 40 };
    static char ids[MAXN][24], eids[MAXE][24];
    tnode n[MAXN];
    tedge e[MAXE];
    const size_t nn = 6 + pick(rng, 8), nc = 3 + pick(rng, 3);
    const bool integer_km = pick(rng, 2) == 0; /* many equal distances: exercises ties */
    for (size_t i = 0; i < nn; i++) {
        snprintf(ids[i], sizeof ids[i], "n%zu", i);
        n[i] = (tnode){ids[i], i < nc ? "city" : "landing_station", 130 + 10 * unif(rng),
                       30 + 8 * unif(rng), (const char *[]){NULL, "CN", "KR"}[pick(rng, 3)]};
    }
    const size_t ne = nn - 1 + nn / 2 + pick(rng, nn);
    for (size_t j = 0; j < ne; j++) {
        size_t a = j + 1, b = pick(rng, j + 1); /* a spanning tree first */
        if (j >= nn - 1) {
            a = pick(rng, nn);
            do
                b = pick(rng, nn);
            while (b == a);
        }
        snprintf(eids[j], sizeof eids[j], "e%zu", j);
        const double km = integer_km ? (double)(1 + pick(rng, 6)) : 1 + 700 * unif(rng);
        const double cap = 0.5 + 8 * unif(rng);
        const double lit = pick(rng, 5) == 0 ? 0.0 : cap * unif(rng);
        /* Some links within one foreign country carry no transit. */
        const bool local =
            n[a].country != NULL && n[b].country != NULL && strcmp(n[a].country, n[b].country) == 0;
        e[j] = (tedge){eids[j], ids[a], ids[b], km, cap, lit, local && pick(rng, 2) == 0};
    }
    char csv[2048];
    size_t k = (size_t)snprintf(csv, sizeof csv, "origin,destination,demand_tbps\n"), rows = 0;
    for (size_t a = 0; a < nc; a++)
        for (size_t b = a + 1; b < nc; b++) {
            if (pick(rng, 5) == 0) continue;
            const bool flip = pick(rng, 2) == 0;
            k += (size_t)snprintf(csv + k, sizeof csv - k, "%s,%s,%.6f\n", ids[flip ? b : a],
                                  ids[flip ? a : b], 0.1 + 7 * unif(rng));
            rows++;
        }
    if (rows == 0) snprintf(csv + k, sizeof csv - k, "%s,%s,1.5\n", ids[0], ids[1]);
    return make(n, nn, e, ne, csv);
}

static void test_random_graphs(void **state)
{
    (void)state;
    uint64_t rng = 20250611u;
    for (int g = 0; g < 60; g++) {
        fixture fx = random_graph(&rng);
        const size_t ne = cs_topology_edge_count(fx.t), nn = cs_topology_node_count(fx.t);
        cs_failures f;
        cs_error err = CS_ERROR_INIT;
        assert_int_equal(cs_failures_init(&f, ne, nn, &err), CS_OK);
        /* Trials: intact, 1 or 2 cut edges, a failed node, and 10 draws of
         * cut edges (past the router's repair threshold: recomputed trees). */
        for (int trial = 0; trial < 7; trial++) {
            cs_failures_clear(&f);
            for (int k = 0; k < trial % 3; k++)
                cs_failures_fail_edge(&f, pick(&rng, ne));
            if (trial == 5) cs_failures_fail_node(&f, pick(&rng, nn));
            for (int k = 0; trial == 6 && k < 10; k++)
                cs_failures_fail_edge(&f, pick(&rng, ne));
            cs_routing_options o =
                options(pick(&rng, 3) ? CS_ROUTING_LATENCY_FIRST : CS_ROUTING_MAXFLOW,
                        (unsigned)(1 + pick(&rng, 8)));
            o.use_lit = pick(&rng, 3) == 0;
            o.demand_scale = (const double[]){0.5, 1.0, 2.3}[pick(&rng, 3)];
            check_all(&fx, &o, trial == 0 ? NULL : &f, true);
        }
        cs_failures_destroy(&f);
        unmake(&fx);
    }
}

/* ------------------------------------------------------------ the real dataset */

static fixture japan(void)
{
    fixture fx = {NULL, NULL};
    cs_topology_options to = CS_TOPOLOGY_OPTIONS_INIT;
    to.as_of = 2025;
    cs_error err = CS_ERROR_INIT;
    if (cs_topology_load(&fx.t, JAPAN, &to, &err) != CS_OK) fail_msg("%s", err.msg);
    if (cs_demand_load(&fx.d, JDEM, fx.t, &err) != CS_OK) fail_msg("%s", err.msg);
    return fx;
}

static void test_japan_intact(void **state)
{
    (void)state;
    fixture fx = japan();
    const cs_routing_options lf = options(CS_ROUTING_LATENCY_FIRST, 8);
    check_all(&fx, &lf, NULL, true);
    cs_routing_options lit = lf;
    lit.use_lit = true;
    lit.demand_scale = 1.7;
    check_all(&fx, &lit, NULL, true);
    const cs_routing_options mf = options(CS_ROUTING_MAXFLOW, 8);
    check_all(&fx, &mf, NULL, false);
    unmake(&fx);
}

/* The cable segments and the landing stations of fx (both arrays freed by the caller). */
static void segments_and_stations(const fixture *fx, size_t **seg, size_t *nseg, size_t **ls,
                                  size_t *nls)
{
    const size_t ne = cs_topology_edge_count(fx->t), nn = cs_topology_node_count(fx->t);
    *seg = malloc(ne * sizeof **seg);
    *ls = malloc(nn * sizeof **ls);
    assert_true(*seg && *ls);
    *nseg = *nls = 0;
    for (size_t e = 0; e < ne; e++)
        if (cs_topology_edge(fx->t, e)->kind == CS_EDGE_SEGMENT) (*seg)[(*nseg)++] = e;
    for (size_t v = 0; v < nn; v++)
        if (cs_topology_node(fx->t, v)->kind == CS_NODE_LANDING) (*ls)[(*nls)++] = v;
}

static void test_japan_failures(void **state)
{
    (void)state;
    fixture fx = japan();
    const size_t ne = cs_topology_edge_count(fx.t), nn = cs_topology_node_count(fx.t);
    size_t *seg, *ls, nseg, nls;
    segments_and_stations(&fx, &seg, &nseg, &ls, &nls);
    cs_failures f;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_failures_init(&f, ne, nn, &err), CS_OK);
    uint64_t rng = 77031u;
    for (int trial = 0; trial < 24; trial++) {
        cs_failures_clear(&f);
        for (int k = 0; k <= trial % 3; k++)
            cs_failures_fail_edge(&f, seg[pick(&rng, nseg)]);
        if (trial % 4 == 3) cs_failures_fail_node(&f, ls[pick(&rng, nls)]);
        const bool many = trial % 8 == 7; /* past the repair threshold */
        for (int k = 0; many && k < 12; k++)
            cs_failures_fail_edge(&f, seg[pick(&rng, nseg)]);
        for (int mode = 0; mode < 2; mode++) { /* every failure set under every policy */
            cs_routing_options o = options(mode ? CS_ROUTING_MAXFLOW : CS_ROUTING_LATENCY_FIRST,
                                           (unsigned)(1 + trial % 8));
            o.use_lit = trial % 2 == 1;
            o.demand_scale = 1.0 + 0.35 * (trial % 5);
            check_all(&fx, &o, &f, trial < 6 || many);
        }
    }
    cs_failures_destroy(&f);
    free(seg);
    free(ls);
    unmake(&fx);
}

/* ------------------------------------------------------------ incremental rerouting */

/* Bit-identical results. */
static void assert_same(const cs_routing_result *a, const cs_routing_result *b)
{
    const size_t nd = a->n_demands, ne = a->n_edges;
    assert_memory_equal(a->served_tbps, b->served_tbps, nd * sizeof(double));
    assert_memory_equal(a->latency_ms, b->latency_ms, nd * sizeof(double));
    assert_memory_equal(a->edge_flow_tbps, b->edge_flow_tbps, ne * sizeof(double));
    assert_memory_equal(a->connected, b->connected, nd);
    assert_memory_equal(&a->unserved_tbps, &b->unserved_tbps, sizeof(double));
    assert_memory_equal(&a->demand_tbps, &b->demand_tbps, sizeof(double));
}

/*
 * An edge the reference routing saturated but a routing with failures leaves open must be
 * offered again. R-P (first in the file) fills P-H in the reference routing, so Q-P takes the
 * 100 km link P-Q; with H-R cut R-P is cut off, P-H stays open and Q-P takes Q-H-P (20 km).
 * The reference's answer for Q-P (P-Q, still usable) is wrong here, and only the test of the
 * edges it had saturated (P-H: a walk of 20 km through it) sends the query to the trees.
 * Q-S (10 km) is answered from the reference: a walk through P-H to S is 50 km at least.
 */
static void test_incremental_extras(void **state)
{
    (void)state;
    const tnode n[] = {{"P", "city", 139.0, 35.0, NULL},
                       {"Q", "city", 139.2, 35.0, NULL},
                       {"R", "city", 139.1, 35.2, NULL},
                       {"S", "city", 139.3, 35.0, NULL},
                       {"H", "landing_station", 139.1, 35.1, NULL}};
    const tedge e[] = {{"PH", "P", "H", 10.0, 1.0, -1, 0},
                       {"HQ", "H", "Q", 10.0, 100.0, -1, 0},
                       {"PQ", "P", "Q", 100.0, 100.0, -1, 0},
                       {"HR", "H", "R", 10.0, 100.0, -1, 0},
                       {"QS", "Q", "S", 10.0, 100.0, -1, 0}};
    fixture fx = make(n, 5, e, 5, "origin,destination,demand_tbps\nR,P,1\nQ,P,1\nQ,S,1\n");
    const cs_routing_options o = options(CS_ROUTING_LATENCY_FIRST, 1);
    cs_error err = CS_ERROR_INIT;
    cs_router_t *r = NULL;
    assert_int_equal(cs_router_alloc(&r, fx.t, fx.d, &o, &err), CS_OK);
    cs_routing_result ref, res, plain;
    assert_int_equal(cs_routing_result_init(&ref, 3, 5, &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&res, 3, 5, &err), CS_OK);
    assert_int_equal(cs_router_route(r, NULL, &ref, &err), CS_OK);
    assert_float_equal(ref.latency_ms[1], 100.0 * CS_FIBRE_MS_PER_KM + HOP, 1e-12);
    cs_failures f;
    assert_int_equal(cs_failures_init(&f, 5, 5, &err), CS_OK);
    cs_failures_fail_edge(&f, edge_index(fx.t, "HR"));
    route(&fx, &o, &f, &plain);
    assert_int_equal(plain.connected[0], 0);
    assert_float_equal(plain.latency_ms[1], 20.0 * CS_FIBRE_MS_PER_KM + 2 * HOP, 1e-12);
    /* The first routing with failures registers the capacities, the second records the
     * reference and uses it, as does the third. */
    for (int k = 0; k < 3; k++) {
        const uint64_t from_log = r->n_from_log;
        assert_int_equal(cs_router_route(r, &f, &res, &err), CS_OK);
        assert_same(&res, &plain);
        assert_int_equal(r->n_from_log - from_log, k == 0 ? 0 : 1); /* Q-S */
    }
    cs_failures_destroy(&f);
    cs_routing_result_destroy(&ref);
    cs_routing_result_destroy(&res);
    cs_routing_result_destroy(&plain);
    cs_router_free(r);
    unmake(&fx);
}

/*
 * On the Japan dataset one router routes many failure sets (cable segments, a landing station,
 * past the repair threshold), on the topology's capacities and on reduced ones (the restoration
 * model's kind: used edges keep their flow, others a share of their spare), each bit-identical
 * to a fresh router's first routing, which has no reference routing yet. Most of its path
 * queries are answered from the reference.
 */
static void test_incremental_japan(void **state)
{
    (void)state;
    fixture fx = japan();
    const size_t ne = cs_topology_edge_count(fx.t), nn = cs_topology_node_count(fx.t),
                 nd = cs_demand_count(fx.d);
    size_t *seg, *ls, nseg, nls;
    segments_and_stations(&fx, &seg, &nseg, &ls, &nls);
    double *cap = malloc(ne * sizeof *cap);
    assert_non_null(cap);
    cs_failures f;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_failures_init(&f, ne, nn, &err), CS_OK);
    cs_routing_result intact, res, plain;
    assert_int_equal(cs_routing_result_init(&intact, nd, ne, &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&res, nd, ne, &err), CS_OK);
    uint64_t rng = 4409u;
    for (int variant = 0; variant < 2; variant++) {
        cs_routing_options o = options(CS_ROUTING_LATENCY_FIRST, 8);
        o.use_lit = true;
        o.demand_scale = variant == 0 ? 1.0 : 2.5;
        cs_router_t *r = NULL, *fresh = NULL;
        assert_int_equal(cs_router_alloc(&r, fx.t, fx.d, &o, &err), CS_OK);
        assert_int_equal(cs_router_route(r, NULL, &intact, &err), CS_OK);
        if (variant == 1) { /* f0 + 0.2 (c - f0) on segments */
            for (size_t e = 0; e < ne; e++) {
                const double c = cs_topology_edge(fx.t, e)->lit_tbps,
                             f0 = fmin(intact.edge_flow_tbps[e], c);
                cap[e] =
                    cs_topology_edge(fx.t, e)->kind == CS_EDGE_SEGMENT ? f0 + 0.2 * (c - f0) : c;
            }
            assert_int_equal(cs_router_set_capacity(r, cap, &err), CS_OK);
        }
        for (int trial = 0; trial < 40; trial++) {
            cs_failures_clear(&f);
            for (int k = 0; k <= trial % 4; k++)
                cs_failures_fail_edge(&f, seg[pick(&rng, nseg)]);
            if (trial % 7 == 3) cs_failures_fail_node(&f, ls[pick(&rng, nls)]);
            for (int k = 0; trial % 13 == 12 && k < 10; k++)
                cs_failures_fail_edge(&f, seg[pick(&rng, nseg)]);
            assert_int_equal(cs_router_route(r, &f, &res, &err), CS_OK);
            assert_int_equal(cs_router_alloc(&fresh, fx.t, fx.d, &o, &err), CS_OK);
            if (variant == 1) assert_int_equal(cs_router_set_capacity(fresh, cap, &err), CS_OK);
            assert_int_equal(cs_routing_result_init(&plain, nd, ne, &err), CS_OK);
            assert_int_equal(cs_router_route(fresh, &f, &plain, &err), CS_OK);
            assert_int_equal(fresh->n_from_log, 0);
            assert_same(&res, &plain);
            cs_routing_result_destroy(&plain);
            cs_router_free(fresh);
        }
        /* From the second routing with failures on, most queries skip the trees. */
        assert_true(r->n_from_log > 2 * r->n_from_trees);
        cs_router_free(r);
    }
    cs_failures_destroy(&f);
    cs_routing_result_destroy(&intact);
    cs_routing_result_destroy(&res);
    free(seg);
    free(ls);
    free(cap);
    unmake(&fx);
}

/*
 * The oracle has teeth: on the Japan dataset on lit capacity, with every pair asking
 * more than its own max flow (100 times today's demand), serving each pair min(demand,
 * its own max flow), as maxflow did before it became jointly feasible, exceeds the
 * group bound of some (city, region) group.
 */
static void test_oracle_rejects_pairwise_bounds(void **state)
{
    (void)state;
    fixture fx = japan();
    cs_routing_options o = options(CS_ROUTING_MAXFLOW, 8);
    o.use_lit = true;
    o.demand_scale = 100.0;
    const size_t nd = cs_demand_count(fx.d), nn = cs_topology_node_count(fx.t);
    unsigned char *src = calloc(nn + 1, 1), *dst = calloc(nn + 1, 1);
    assert_true(src && dst);
    double worst = 0.0;
    for (size_t i = 0; i < nd; i++) {
        const cs_demand_entry *di = cs_demand_entry_at(fx.d, i);
        const char *reg = cs_topology_node(fx.t, di->destination)->region;
        memset(src, 0, nn);
        memset(dst, 0, nn);
        src[di->origin] = 1;
        double pairwise = 0.0;
        for (size_t j = 0; j < nd; j++) {
            const cs_demand_entry *dj = cs_demand_entry_at(fx.d, j);
            if (dj->origin != di->origin ||
                strcmp(reg, cs_topology_node(fx.t, dj->destination)->region) != 0)
                continue;
            unsigned char one[1024] = {0};
            assert_true(nn < sizeof one);
            one[dj->destination] = 1;
            dst[dj->destination] = 1;
            pairwise +=
                fmin(dj->demand_tbps * o.demand_scale, set_maxflow(fx.t, NULL, &o, src, one));
        }
        worst = fmax(worst, pairwise / set_maxflow(fx.t, NULL, &o, src, dst));
    }
    /* 4 on the 2025 network: a group whose pairs share one bottleneck. */
    assert_true(worst > 1.5);
    free(src);
    free(dst);
    unmake(&fx);
}

/* Names of policies and capacity bases round-trip; unknown ones are refused. */
static void test_names(void **state)
{
    (void)state;
    const char *const *names = cs_routing_mode_names();
    assert_string_equal(names[CS_ROUTING_LATENCY_FIRST], "latency-first");
    assert_string_equal(names[CS_ROUTING_MAXFLOW], "maxflow");
    assert_null(names[2]);
    for (int m = 0; m < 2; m++) {
        cs_routing_mode back = (cs_routing_mode)7;
        assert_true(cs_routing_mode_from_name(cs_routing_mode_name((cs_routing_mode)m), &back));
        assert_int_equal(back, m);
    }
    cs_routing_mode mode = CS_ROUTING_MAXFLOW;
    assert_false(cs_routing_mode_from_name("latency_first", &mode));
    assert_false(cs_routing_mode_from_name(NULL, &mode));
    assert_int_equal(mode, CS_ROUTING_MAXFLOW);
    assert_string_equal(cs_routing_mode_name((cs_routing_mode)9), "?");
    const char *const *caps = cs_routing_capacity_names();
    assert_string_equal(caps[0], "design");
    assert_string_equal(caps[1], "lit");
    assert_null(caps[2]);
    bool lit = false;
    assert_true(cs_routing_capacity_from_name(cs_routing_capacity_name(true), &lit));
    assert_true(lit);
    assert_true(cs_routing_capacity_from_name(cs_routing_capacity_name(false), &lit));
    assert_false(lit);
    assert_false(cs_routing_capacity_from_name("Lit", &lit));
}

/*
 * What the router promises about edges that carry no flow, checked on the
 * real network: latency-first routes bit for bit the same without them (the
 * engine's and criticality's shortcut); maxflow promises neither.
 */
static void test_unused_edges(void **state)
{
    (void)state;
    fixture fx = japan();
    const size_t ne = cs_topology_edge_count(fx.t), nn = cs_topology_node_count(fx.t);
    const size_t nd = cs_demand_count(fx.d);
    assert_true(cs_routing_ignores_unused_edges(CS_ROUTING_LATENCY_FIRST));
    assert_false(cs_routing_ignores_unused_edges(CS_ROUTING_MAXFLOW));
    cs_failures f;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_failures_init(&f, ne, nn, &err), CS_OK);
    for (int k = 0; k < 4; k++) {
        cs_routing_options o =
            options(k < 3 ? CS_ROUTING_LATENCY_FIRST : CS_ROUTING_MAXFLOW, (unsigned)(3 + k));
        o.use_lit = k % 2 == 1;
        cs_router_t *r = NULL;
        assert_int_equal(cs_router_alloc(&r, fx.t, fx.d, &o, &err), CS_OK);
        assert_int_equal(cs_router_ignores_unused_edges(r), o.mode == CS_ROUTING_LATENCY_FIRST);
        /* Maxflow's successive max flows make no such promise (docs/routing.md). */
        assert_int_equal(cs_router_keeps_served_without_unused_edges(r),
                         o.mode == CS_ROUTING_LATENCY_FIRST);
        cs_routing_result a, b;
        assert_int_equal(cs_routing_result_init(&a, nd, ne, &err), CS_OK);
        assert_int_equal(cs_routing_result_init(&b, nd, ne, &err), CS_OK);
        /* k = 2: two busy segments down first, so the routing is not the intact one. */
        cs_failures_clear(&f);
        for (size_t e = 0, cut = 0; k == 2 && e < ne && cut < 2; e += 7)
            if (cs_topology_edge(fx.t, e)->kind == CS_EDGE_SEGMENT) {
                cs_failures_fail_edge(&f, e);
                cut++;
            }
        assert_int_equal(cs_router_route(r, &f, &a, &err), CS_OK);
        size_t unused = 0;
        for (size_t e = 0; e < ne; e++)
            if (!f.edge_failed[e] && a.edge_flow_tbps[e] == 0.0) {
                cs_failures_fail_edge(&f, e);
                unused++;
            }
        assert_true(unused > 10);
        assert_int_equal(cs_router_route(r, &f, &b, &err), CS_OK);
        for (size_t i = 0; i < nd && cs_router_keeps_served_without_unused_edges(r); i++)
            assert_true(fabs(b.served_tbps[i] - a.served_tbps[i]) <=
                        1e-9 * (1.0 + a.served_tbps[i]));
        if (cs_router_ignores_unused_edges(r)) {
            assert_memory_equal(a.served_tbps, b.served_tbps, nd * sizeof *a.served_tbps);
            assert_memory_equal(a.edge_flow_tbps, b.edge_flow_tbps, ne * sizeof *a.edge_flow_tbps);
            for (size_t i = 0; i < nd; i++)
                assert_true(isnan(a.latency_ms[i]) ? isnan(b.latency_ms[i])
                                                   : a.latency_ms[i] == b.latency_ms[i]);
        }
        cs_routing_result_destroy(&a);
        cs_routing_result_destroy(&b);
        cs_router_free(r);
    }
    cs_failures_destroy(&f);
    unmake(&fx);
}

int main(void)
{
    cs_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parallel_split),
        cmocka_unit_test(test_demand_over_capacity),
        cmocka_unit_test(test_lit_and_scale),
        cmocka_unit_test(test_bridge),
        cmocka_unit_test(test_file_order_priority),
        cmocka_unit_test(test_rounds_split),
        cmocka_unit_test(test_maxflow_trap),
        cmocka_unit_test(test_maxflow_jointly_feasible),
        cmocka_unit_test(test_transit),
        cmocka_unit_test(test_exclude_unserved),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_bad_sizes_and_api),
        cmocka_unit_test(test_random_graphs),
        cmocka_unit_test(test_japan_intact),
        cmocka_unit_test(test_japan_failures),
        cmocka_unit_test(test_oracle_rejects_pairwise_bounds),
        cmocka_unit_test(test_incremental_extras),
        cmocka_unit_test(test_incremental_japan),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_unused_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
