/*
 * test_hazards_human.c: the hazards people cause: sabotage (uniform, by capacity, by traffic,
 * the greedy worst case and its ties) and anchor drag (tracks, depth, the Boso coast).
 * Frequencies over many trials must fall within 4 binomial standard deviations of the formula
 * (docs/model.md); deterministic cases must match exactly.
 */
#include "cs_hazard_test.h"

/* ------------------------------------------------------------ sabotage */

static void test_sabotage_uniform_capacity(void **state)
{
    (void)state;
    cs_topology_t *t = make_topology(sb_nodes, 7, sb_edges, 6);
    const char *ids[5] = {"x1", "x2", "x3", "x4", "x5"};
    const double cap[5] = {1.7, 3.1, 4.9, 2.3, 6.6}, total = 18.6;
    cs_hazard_t *h = parse_ok(t, "type: sabotage\nk: 2\n");
    counts c = run1(t, h, TRIALS);
    for (size_t i = 0; i < 5; i++)
        assert_binomial(c.edge[edge_index(t, ids[i])], TRIALS, 0.4, ids[i]);
    assert_int_equal(c.edge[edge_index(t, "lc")], 0);
    uncount(&c);
    cs_hazard_free(h);

    h = parse_ok(t, "type: sabotage\nk: 1\ntargets: capacity\n");
    c = run1(t, h, TRIALS);
    for (size_t i = 0; i < 5; i++)
        assert_binomial(c.edge[edge_index(t, ids[i])], TRIALS, cap[i] / total, ids[i]);
    uncount(&c);
    cs_hazard_free(h);

    /* k = 2 by capacity: P(x5 in the pair) = p5 + sum_j p_j p5 / (1 - p_j). */
    h = parse_ok(t, "type: sabotage\nk: 2\ntargets: capacity\n");
    c = run1(t, h, TRIALS);
    double p5 = cap[4] / total;
    for (size_t j = 0; j < 4; j++)
        p5 += cap[j] / total * cap[4] / (total - cap[j]);
    assert_binomial(c.edge[edge_index(t, "x5")], TRIALS, p5, "x5 in a capacity pair");
    uncount(&c);
    cs_hazard_free(h);

    /* A region holding x1 and the start of x2 (lon 130.9..132.5): k = 1
     * among those two. */
    h = parse_ok(t, "type: sabotage\nregion: [[130.9, -0.5], [132.5, -0.5], [132.5, 0.5], "
                    "[130.9, 0.5]]\n");
    c = run1(t, h, TRIALS);
    assert_binomial(c.edge[edge_index(t, "x1")], TRIALS, 0.5, "x1 in region");
    assert_binomial(c.edge[edge_index(t, "x2")], TRIALS, 0.5, "x2 in region");
    assert_int_equal(c.edge[edge_index(t, "x3")] + c.edge[edge_index(t, "x5")], 0);
    uncount(&c);
    cs_hazard_free(h);

    /* Whole cables: CX (x1, x2) goes down together, 1 in 4 cables. */
    h = parse_ok(t, "type: sabotage\nunit: cable\n");
    c = run1(t, h, TRIALS);
    assert_int_equal(c.edge[edge_index(t, "x1")], c.edge[edge_index(t, "x2")]);
    assert_binomial(c.edge[edge_index(t, "x1")], TRIALS, 0.25, "cable CX");
    assert_binomial(c.edge[edge_index(t, "x3")], TRIALS, 0.25, "cable CY");
    uncount(&c);
    cs_hazard_free(h);

    /* Already-down candidates are skipped: with x1..x4 down, k = 1 takes x5. */
    cs_failures pre;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_failures_init(&pre, 6, 7, &err), CS_OK);
    for (size_t i = 0; i < 4; i++)
        cs_failures_fail_edge(&pre, edge_index(t, ids[i]));
    h = parse_ok(t, "type: sabotage\n");
    c = run(t, &h, 1, NULL, 100, &pre);
    assert_int_equal(c.edge[edge_index(t, "x5")], 100);
    uncount(&c);
    cs_hazard_free(h);
    cs_failures_destroy(&pre);
    cs_topology_free(t);
}

/* X and Y joined by three parallel segments g1 (6 Tbps, 100 km), g2 (3, 200)
 * and g3 (4, 300); g4 joins two stations no demand uses. Demand X-Y 10 Tbps.
 * Latency-first fills g1 (6), g2 (3), then g3 (1): nothing unserved. */
static const tnode gr_nodes[] = {
    {"X", "city", 150, 20},
    {"Y", "city", 153, 20},
    {"A1", "landing_station", 150.2, 20.5},
    {"A2", "landing_station", 150.2, 20},
    {"A3", "landing_station", 150.2, 19.5},
    {"B1", "landing_station", 152.8, 20.5},
    {"B2", "landing_station", 152.8, 20},
    {"B3", "landing_station", 152.8, 19.5},
    {"Z1", "landing_station", 151, 25},
    {"Z2", "landing_station", 152, 25},
};
static const tedge gr_edges[] = {
    LINK("xa1", "X", "A1"),
    LINK("xa2", "X", "A2"),
    LINK("xa3", "X", "A3"),
    LINK("yb1", "Y", "B1"),
    LINK("yb2", "Y", "B2"),
    LINK("yb3", "Y", "B3"),
    {"g1", "segment", "A1", "B1", "G1", 6, 100, NAN, 0, {{0, 0}}},
    {"g2", "segment", "A2", "B2", "G2", 3, 200, NAN, 0, {{0, 0}}},
    {"g3", "segment", "A3", "B3", "G3", 4, 300, NAN, 0, {{0, 0}}},
    {"g4", "segment", "Z1", "Z2", "G4", 9, 100, NAN, 0, {{0, 0}}},
    LINK("xz", "X", "Z1"),
};

typedef struct {
    cs_topology_t *t;
    cs_demand_t *d;
    cs_router_t *router;
    cs_routing_result intact, scratch;
    cs_hazard_env env;
} routed;

static void routed_make(routed *r, const tnode *n, size_t nn, const tedge *e, size_t ne,
                        const char *csv)
{
    cs_error err = CS_ERROR_INIT;
    r->t = make_topology(n, nn, e, ne);
    if (cs_demand_load_string(&r->d, csv, "fixture.csv", r->t, &err) != CS_OK)
        fail_msg("demand: %s", err.msg);
    const cs_routing_options o = CS_ROUTING_OPTIONS_INIT;
    assert_int_equal(cs_router_alloc(&r->router, r->t, r->d, &o, &err), CS_OK);
    const size_t nd = cs_demand_count(r->d), nedges = cs_topology_edge_count(r->t);
    assert_int_equal(cs_routing_result_init(&r->intact, nd, nedges, &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&r->scratch, nd, nedges, &err), CS_OK);
    assert_int_equal(cs_router_route(r->router, NULL, &r->intact, &err), CS_OK);
    r->env = (cs_hazard_env){r->t, r->d, r->router, &r->intact, &r->scratch};
}

static void routed_free(routed *r)
{
    cs_routing_result_destroy(&r->intact);
    cs_routing_result_destroy(&r->scratch);
    cs_router_free(r->router);
    cs_demand_free(r->d);
    cs_topology_free(r->t);
}

/* Samples h once on top of pre (NULL: nothing) and returns the failure set. */
static void sample_once(routed *r, cs_hazard_t *h, const size_t *pre, size_t npre, cs_failures *f)
{
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(
        cs_failures_init(f, cs_topology_edge_count(r->t), cs_topology_node_count(r->t), &err),
        CS_OK);
    for (size_t i = 0; i < npre; i++)
        cs_failures_fail_edge(f, pre[i]);
    gsl_rng *rng = cs_rng_alloc();
    cs_rng_seed_trial(rng, SEED, 0);
    if (hz_sample(h, &r->env, rng, f, &err) != CS_OK) fail_msg("sample: %s", err.msg);
    gsl_rng_free(rng);
}

static void test_sabotage_traffic(void **state)
{
    (void)state;
    routed r;
    routed_make(&r, gr_nodes, 10, gr_edges, 11, "origin,destination,demand_tbps\nX,Y,10\n");
    assert_float_equal(r.intact.edge_flow_tbps[edge_index(r.t, "g1")], 6.0, 1e-9);
    assert_float_equal(r.intact.edge_flow_tbps[edge_index(r.t, "g3")], 1.0, 1e-9);
    cs_hazard_t *h = parse_ok(r.t, "type: sabotage\ntargets: traffic\n");
    assert_true(cs_hazard_needs_routing(h));
    counts c = run(r.t, &h, 1, &r.env, TRIALS, NULL);
    assert_binomial(c.edge[edge_index(r.t, "g1")], TRIALS, 0.6, "g1 by traffic");
    assert_binomial(c.edge[edge_index(r.t, "g2")], TRIALS, 0.3, "g2 by traffic");
    assert_binomial(c.edge[edge_index(r.t, "g3")], TRIALS, 0.1, "g3 by traffic");
    assert_int_equal(c.edge[edge_index(r.t, "g4")], 0);
    uncount(&c);
    cs_hazard_free(h);
    /* Without the router, a routing-dependent hazard refuses to sample. */
    h = parse_ok(r.t, "type: sabotage\ntargets: greedy\n");
    cs_failures f;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_failures_init(&f, 11, 10, &err), CS_OK);
    const cs_hazard_env bare = {r.t, r.d, NULL, NULL, NULL};
    assert_int_equal(hz_sample(h, &bare, NULL, &f, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "needs the router"));
    cs_failures_destroy(&f);
    cs_hazard_free(h);
    routed_free(&r);
}

static void test_sabotage_greedy(void **state)
{
    (void)state;
    routed r;
    routed_make(&r, gr_nodes, 10, gr_edges, 11, "origin,destination,demand_tbps\nX,Y,10\n");
    const size_t g1 = edge_index(r.t, "g1"), g3 = edge_index(r.t, "g3");
    /* k = 1: cutting g1 leaves 7 Tbps of capacity (3 unserved), g2 leaves 10
     * (0), g3 leaves 9 (1): g1. */
    cs_hazard_t *h = parse_ok(r.t, "type: sabotage\ntargets: greedy\n");
    cs_failures f;
    sample_once(&r, h, NULL, 0, &f);
    assert_int_equal(f.n_edges, 1);
    assert_int_equal(f.edges[0], g1);
    cs_failures_destroy(&f);
    /* On top of g1 already down (an earlier hazard): g3 (leaves 3, 7 unserved)
     * beats g2 (leaves 4, 6 unserved). */
    sample_once(&r, h, &g1, 1, &f);
    assert_int_equal(f.n_edges, 2);
    assert_int_equal(f.edges[1], g3);
    cs_failures_destroy(&f);
    cs_hazard_free(h);
    /* k = 2 from scratch: g1 then g3, leaving 7 Tbps unserved. */
    h = parse_ok(r.t, "type: sabotage\ntargets: greedy\nk: 2\n");
    sample_once(&r, h, NULL, 0, &f);
    assert_int_equal(f.n_edges, 2);
    assert_int_equal(f.edges[0], g1);
    assert_int_equal(f.edges[1], g3);
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_router_route(r.router, &f, &r.scratch, &err), CS_OK);
    assert_float_equal(r.scratch.unserved_tbps, 7.0, 1e-9);
    cs_failures_destroy(&f);
    cs_hazard_free(h);
    /* k = 4: after g1, g3, g2 nothing carries flow (g4 never does): 3 cuts. */
    h = parse_ok(r.t, "type: sabotage\ntargets: greedy\nk: 4\n");
    sample_once(&r, h, NULL, 0, &f);
    assert_int_equal(f.n_edges, 3);
    assert_false(f.edge_failed[edge_index(r.t, "g4")]);
    cs_failures_destroy(&f);
    cs_hazard_free(h);
    routed_free(&r);
}

/* Two equal parallel segments: either cut leaves 3 of 8 Tbps unserved; the
 * lower edge index wins. */
static void test_sabotage_greedy_tie(void **state)
{
    (void)state;
    static const tnode n[] = {
        {"X", "city", 150, 20},
        {"Y", "city", 153, 20},
        {"A1", "landing_station", 150.2, 20.5},
        {"A2", "landing_station", 150.2, 19.5},
        {"B1", "landing_station", 152.8, 20.5},
        {"B2", "landing_station", 152.8, 19.5},
    };
    static const tedge e[] = {
        LINK("xa1", "X", "A1"),
        LINK("xa2", "X", "A2"),
        LINK("yb1", "Y", "B1"),
        LINK("yb2", "Y", "B2"),
        {"t1", "segment", "A1", "B1", "T1", 5, 100, NAN, 0, {{0, 0}}},
        {"t2", "segment", "A2", "B2", "T2", 5, 100, NAN, 0, {{0, 0}}},
    };
    routed r;
    routed_make(&r, n, 6, e, 6, "origin,destination,demand_tbps\nX,Y,8\n");
    cs_hazard_t *h = parse_ok(r.t, "type: sabotage\ntargets: greedy\n");
    cs_failures f;
    sample_once(&r, h, NULL, 0, &f);
    assert_int_equal(f.n_edges, 1);
    assert_int_equal(f.edges[0], edge_index(r.t, "t1"));
    cs_failures_destroy(&f);
    cs_hazard_free(h);
    routed_free(&r);
}

/* ------------------------------------------------------------ anchor drag */

/* The track starts at (140, 10) and heads east 100 km. a1 crosses it at
 * 140.3E (from 8.5N to 11.5N); a2 runs parallel 5 km north of it; a3 is 164 km away. */
static cs_topology_t *anchor_topology(void)
{
    const double north = 10.0 + 5.0 / R / DEG;
    const tnode n[] = {
        {"c0", "city", 139, 10},
        {"aa1", "landing_station", 140.3, 8.5},
        {"ab1", "landing_station", 140.3, 11.5},
        {"aa2", "landing_station", 140.2, north},
        {"ab2", "landing_station", 140.6, north},
        {"aa3", "landing_station", 141.5, 9.5},
        {"ab3", "landing_station", 141.5, 10.5},
    };
    const tedge e[] = {LINK("la", "c0", "aa1"), SEG("a1", "aa1", "ab1", "A1", 10),
                       SEG("a2", "aa2", "ab2", "A2", 10), SEG("a3", "aa3", "ab3", "A3", 10)};
    return make_topology(n, 7, e, 4);
}

#define ANCHOR_TRACK                                                                               \
    "region: [[139.9999, 9.9999], [140.0001, 9.9999], [140.0001, 10.0001], [139.9999, "            \
    "10.0001]]\nheading_deg: 90\nlength_median_km: 100\nlength_sigma: 0\n"
/* The geometry tests let the anchor hold at any depth. */
#define ANCHOR_START ANCHOR_TRACK "max_depth_m: 12000\n"

static void test_anchor_drag(void **state)
{
    (void)state;
    cs_topology_t *t = anchor_topology();
    cs_hazard_t *h = parse_ok(t, "type: anchor_drag\n" ANCHOR_START "distance_km: 2\n");
    counts c = run1(t, h, 100);
    assert_int_equal(c.edge[edge_index(t, "a1")], 100);
    assert_int_equal(c.edge[edge_index(t, "a2")], 0);
    assert_int_equal(c.edge[edge_index(t, "a3")], 0);
    uncount(&c);
    cs_hazard_free(h);
    /* The great circle heading east bends south of the parallel: a2 is 5.0 to
     * 5.2 km away, inside 6 km. */
    h = parse_ok(t, "type: anchor_drag\n" ANCHOR_START "distance_km: 6\n");
    c = run1(t, h, 100);
    assert_int_equal(c.edge[edge_index(t, "a2")], 100);
    assert_int_equal(c.edge[edge_index(t, "a3")], 0);
    uncount(&c);
    cs_hazard_free(h);
    /* Uniform lengths 10..30 km stop short of a1 (32.9 km east). */
    h = parse_ok(t, "type: anchor_drag\nregion: [[139.9999, 9.9999], [140.0001, 9.9999], "
                    "[140.0001, 10.0001]]\nheading_deg: 90\nlength_min_km: 10\n"
                    "length_max_km: 30\ncount: 3\nmax_depth_m: 12000\n");
    c = run1(t, h, 200);
    assert_int_equal(c.edge[edge_index(t, "a1")], 0);
    uncount(&c);
    cs_hazard_free(h);
    /* Random headings, 100 km, no margin: see below. */
    h = parse_ok(t, "type: anchor_drag\n"
                    "region: [[139.9999, 9.9999], [140.0001, 9.9999], [140.0001, 10.0001]]\n"
                    "length_median_km: 100\nlength_sigma: 0\ndistance_km: 0.001\n"
                    "max_depth_m: 12000\n");
    c = run1(t, h, 400);
    /* The track reaches 140.3E (32.9 km east) iff its heading is within
     * acos(32.9/100) = 70.8 degrees of east (a1 spans 166 km each way, enough
     * for any such track): 2 x 70.8 of 360 degrees, ~0.39 (planar approximation). */
    const double dx = R * 0.3 * DEG * cos(10 * DEG);
    assert_binomial(c.edge[edge_index(t, "a1")], 400, 2 * acos(dx / 100.0) / (2 * PI), "a1");
    uncount(&c);
    cs_hazard_free(h);
    cs_topology_free(t);
}

/* An anchor cuts only where the water is at most max_depth_m deep. The track
 * runs east along 10N from 140E; s1 runs north from a landing at 9.9N (its
 * crossing is 11.1 km from the landing: on the 25 km shelf, 200 x 11.1 / 25
 * = 89 m deep); s2 lands at 8N (222 km from its crossing: deep water). */
static void test_anchor_depth(void **state)
{
    (void)state;
    const tnode n[] = {
        {"c0", "city", 139, 10},
        {"l1", "landing_station", 140.3, 9.9},
        {"l2", "landing_station", 140.3, 12.0},
        {"l3", "landing_station", 140.6, 8.0},
        {"l4", "landing_station", 140.6, 12.0},
    };
    const tedge e[] = {LINK("la", "c0", "l1"), SEG("s1", "l1", "l2", "S1", 10),
                       SEG("s2", "l3", "l4", "S2", 10)};
    cs_topology_t *t = make_topology(n, 5, e, 3);
    const size_t s1 = edge_index(t, "s1");
    const double x = 0.1 * DEG * R, want = 200.0 * x / 25.0;
    /* the default max_depth_m (200 m), then 80 m */
    const char *const specs[] = {"type: anchor_drag\n" ANCHOR_TRACK,
                                 "type: anchor_drag\n" ANCHOR_TRACK "max_depth_m: 80\n"};
    for (int k = 0; k < 2; k++) {
        cs_hazard_t *h = parse_ok(t, specs[k]);
        cs_failures f;
        cs_error err = CS_ERROR_INIT;
        assert_int_equal(
            cs_failures_init(&f, cs_topology_edge_count(t), cs_topology_node_count(t), &err),
            CS_OK);
        const cs_hazard_env env = {t, NULL, NULL, NULL, NULL};
        gsl_rng *rng = cs_rng_alloc();
        cs_rng_seed_trial(rng, SEED, 3);
        assert_int_equal(hz_sample(h, &env, rng, &f, &err), CS_OK);
        /* the track is recorded, with the cuts it made */
        assert_int_equal(f.n_events, 1);
        assert_float_equal(f.events[0].length_km, 100.0, 0.0);
        assert_float_equal(cs_geo_distance_km(f.events[0].a, f.events[0].b), 100.0, 1e-6);
        assert_int_equal(f.events[0].cuts, f.n_cuts);
        if (k == 0) {
            /* s1 cut at its crossing with the track, 89 m deep; s2 (deep there) not */
            assert_int_equal(f.n_cuts, 1);
            assert_int_equal(f.cuts[0].edge, s1);
            assert_float_equal(f.cuts[0].at.lon, 140.3, 1e-6);
            assert_float_equal(f.cuts[0].at.lat, 10.0, 1e-3); /* the great circle bends south */
            assert_true(fabs(f.cuts[0].depth_m - want) < 2.0);
        } else {
            assert_int_equal(f.n_cuts, 0); /* 89 m is deeper than the anchor holds */
        }
        gsl_rng_free(rng);
        cs_failures_destroy(&f);
        cs_hazard_free(h);
    }
    cs_topology_free(t);
}

/* A Baltic-style drag off Boso on the real network (tracks of 5-25 km, C-Lion1 and BCS 2024
 * were cut by drags of this order, starting in the Boso region): every cut lies within 30 km
 * of the Boso coast and no deeper than max_depth_m. (Longer tracks from Boso reach Sagami Bay
 * and the Izu islands and cut cables there, as they would.) The coast: the landing stations, and a
 * line along the peninsula's shore from Futtsu round Sunosaki and Nojimazaki to Taito (read off a
 * map to ~2 km). */
static const cs_lonlat boso_coast[] = {
    {139.82, 35.31}, {139.82, 35.16}, {139.84, 35.00}, {139.75, 34.97}, {139.87, 34.90},
    {139.95, 34.95}, {140.10, 35.10}, {140.32, 35.15}, {140.39, 35.25}, {140.41, 35.30}};

static void test_anchor_boso(void **state)
{
    (void)state;
    cs_topology_t *t = NULL;
    cs_error err = CS_ERROR_INIT;
    if (cs_topology_load(&t, CS_SOURCE_DIR "/topology/japan.geojson", NULL, &err) != CS_OK)
        fail_msg("japan: %s", err.msg);
    const cs_region *boso = cs_regions_find("Boso");
    assert_non_null(boso);
    size_t coast[16], nc = 0; /* the landing stations inside the Boso region */
    for (size_t v = 0; v < cs_topology_node_count(t); v++) {
        const cs_node *nd = cs_topology_node(t, v);
        if (nd->kind == CS_NODE_LANDING && cs_geo_point_in_polygon(nd->pos, boso->ring, boso->n)) {
            assert_true(nc < 16);
            coast[nc++] = v;
        }
    }
    assert_true(nc >= 4);
    const double limits[] = {200.0, 120.0};
    for (int k = 0; k < 2; k++) {
        char spec[160];
        snprintf(spec, sizeof spec,
                 "type: anchor_drag\nregion: Boso\ncount: 3\nlength_min_km: 5\n"
                 "length_max_km: 25\nmax_depth_m: %g\n",
                 limits[k]);
        cs_hazard_t *h = parse_ok(t, spec);
        cs_failures f;
        assert_int_equal(
            cs_failures_init(&f, cs_topology_edge_count(t), cs_topology_node_count(t), &err),
            CS_OK);
        const cs_hazard_env env = {t, NULL, NULL, NULL, NULL};
        gsl_rng *rng = cs_rng_alloc();
        size_t cuts = 0;
        for (size_t i = 0; i < 2000; i++) {
            cs_failures_clear(&f);
            cs_rng_seed_trial(rng, SEED, i);
            assert_int_equal(hz_sample(h, &env, rng, &f, &err), CS_OK);
            for (size_t j = 0; j < f.n_cuts; j++) {
                const cs_cut *c = &f.cuts[j];
                double near = cs_geo_point_polyline_distance_km(c->at, boso_coast, 10);
                for (size_t m = 0; m < nc; m++)
                    near =
                        fmin(near, cs_geo_distance_km(c->at, cs_topology_node(t, coast[m])->pos));
                if (!(near <= 30.0) || !(c->depth_m <= limits[k]))
                    fail_msg("cut of %s at (%.4f, %.4f): %.1f km from the Boso coast, %.0f m deep",
                             cs_topology_edge(t, c->edge)->id, c->at.lon, c->at.lat, near,
                             c->depth_m);
                cuts++;
            }
        }
        assert_true(cuts > 200); /* the drags do cut */
        gsl_rng_free(rng);
        cs_failures_destroy(&f);
        cs_hazard_free(h);
    }
    cs_topology_free(t);
}

int main(void)
{
    cs_hazard_test_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sabotage_uniform_capacity),
        cmocka_unit_test(test_sabotage_traffic),
        cmocka_unit_test(test_sabotage_greedy),
        cmocka_unit_test(test_sabotage_greedy_tie),
        cmocka_unit_test(test_anchor_drag),
        cmocka_unit_test(test_anchor_depth),
        cmocka_unit_test(test_anchor_boso),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
