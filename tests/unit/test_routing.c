/*
 * test_routing.c: latency-first and max-flow routing on hand-made graphs.
 *
 * Known answers on hand-made graphs (built from GeoJSON and CSV strings,
 * cs_routing_test.h; every expected value below was worked out by hand in the
 * comments next to it): parallel paths, a bridge, competition between flows
 * and rounds, max flow, transit, and the errors of the API. The invariants on
 * random graphs and on the real dataset are in test_routing_reference.c.
 */
#include "cs_routing_test.h"

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

/* ------------------------------------------------------------ spread in proportion to capacity */

/* The demand spread over the edges in proportion to capacity (cs_router_spread_flow, the
 * restoration model's s_e): each demand's maximum flow alone, scaled to the demand. */
static void spread_case(const fixture *fx, bool use_lit, const double *expect, size_t ne)
{
    cs_routing_options o = options(CS_ROUTING_LATENCY_FIRST, 8);
    o.use_lit = use_lit;
    cs_error err = CS_ERROR_INIT;
    cs_router_t *r = NULL;
    if (cs_router_alloc(&r, fx->t, fx->d, &o, &err) != CS_OK) fail_msg("router: %s", err.msg);
    double s[8];
    assert_true(ne <= 8 && cs_topology_edge_count(fx->t) == ne);
    cs_router_spread_flow(r, s);
    for (size_t e = 0; e < ne; e++)
        assert_float_equal(s[e], expect[e], 1e-12);
    /* Deterministic, and unchanged by a routing in between. */
    cs_routing_result res;
    assert_int_equal(cs_routing_result_init(&res, cs_demand_count(fx->d), ne, &err), CS_OK);
    assert_int_equal(cs_router_route(r, NULL, &res, &err), CS_OK);
    double again[8];
    cs_router_spread_flow(r, again);
    assert_memory_equal(s, again, ne * sizeof *s);
    cs_routing_result_destroy(&res);
    cs_router_free(r);
}

static void test_spread_flow(void **state)
{
    (void)state;
    /* Parallel links 3 and 5 Tbps (lit 1.25 and 2.5), A-B 6: the maximum flow fills both
     * (8; lit 3.75), scaled by 6 / 8: 2.25 and 3.75 (lit: 6 / 3.75 x 1.25 = 2 and 4, above
     * the lit capacities: not capped), where latency-first puts 3 on each; the dark link to C
     * carries nothing. */
    fixture fx = parallel("origin,destination,demand_tbps\nA,B,6\n");
    spread_case(&fx, false, (const double[]){2.25, 3.75, 0.0}, 3);
    spread_case(&fx, true, (const double[]){2.0, 4.0, 0.0}, 3);
    unmake(&fx);
    /* The hub: A-B 9 and C-B 8.5 each have a maximum flow of 13 over H-B (3 + 10); each
     * demand's share of the two links is D / 13, added: short 17.5 / 13 x 3, long 17.5 / 13 x
     * 10, and A-H and C-H carry their own demand. */
    fx = make(hub_nodes, 4, hub_edges, 4, "origin,destination,demand_tbps\nA,B,9\nC,B,8.5\n");
    spread_case(&fx, false, (const double[]){9.0, 8.5, 17.5 / 13.0 * 3.0, 17.5 / 13.0 * 10.0}, 4);
    unmake(&fx);
    /* Transit: Tokyo-Singapore may not cross the Chinese backbone, so its maximum flow is the
     * direct cable's 2 Tbps and it all goes there (5 / 2 x 2 = 5); Tokyo-Guangzhou (3) has 10
     * over Shanghai and 2 over Singapore: 3 / 12 of each. */
    fx = make(tr_nodes, 4, tr_edges, 4, "origin,destination,demand_tbps\nTYO,SIN,5\nTYO,CAN,3\n");
    spread_case(&fx, false,
                (const double[]){3.0 / 12.0 * 10.0, 3.0 / 12.0 * 10.0, 3.0 / 12.0 * 2.0,
                                 5.0 + 3.0 / 12.0 * 2.0},
                4);
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
        cmocka_unit_test(test_spread_flow),
        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_bad_sizes_and_api),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
