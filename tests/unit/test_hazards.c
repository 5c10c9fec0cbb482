/*
 * test_hazards.c: the failure models: the geometry they use, random faults, station attacks,
 * explicit cuts, every parse error path (code and a fragment of the message), the determinism
 * of a mixed hazard list and the real dataset. Earthquakes and sediment flows are tested in
 * test_hazards_quake.c, sabotage and anchor drag in test_hazards_human.c.
 *
 * Hand-made topologies (GeoJSON built in strings, cs_hazard_test.h) put segments at known
 * distances from an epicentre, a canyon path or an anchor track, so that each
 * model's probability can be written down from its formula (docs/model.md).
 * Frequencies over many trials (fixed seeds, one stream per trial as the
 * engine draws them) must fall within 4 binomial standard deviations of it;
 * deterministic cases must match exactly.
 */
#include "cs_hazard_test.h"

/* ------------------------------------------------------------ geometry */

static void test_destination(void **state)
{
    (void)state;
    const cs_lonlat p = cs_hz_destination((cs_lonlat){10.0, 0.0}, 90.0, 111.0);
    assert_float_equal(p.lat, 0.0, 1e-9);
    assert_float_equal(p.lon, 10.0 + 111.0 / R / DEG, 1e-9);
    const cs_lonlat q = cs_hz_destination((cs_lonlat){139.7, 35.6}, 0.0, 250.0);
    assert_float_equal(q.lon, 139.7, 1e-9);
    assert_float_equal(q.lat, 35.6 + 250.0 / R / DEG, 1e-9);
    /* Any bearing: the distance back is the distance gone. */
    const cs_lonlat a = {141.3, 38.1};
    const cs_lonlat b = cs_hz_destination(a, 237.5, 731.25);
    assert_float_equal(cs_geo_distance_km(a, b), 731.25, 1e-6);
    /* Across the antimeridian, the longitude wraps. */
    const cs_lonlat w = cs_hz_destination((cs_lonlat){179.5, 0.0}, 90.0, R * DEG);
    assert_float_equal(w.lon, -179.5, 1e-9);
}

static void test_arc_arc(void **state)
{
    (void)state;
    /* Crossing arcs: 0. */
    assert_float_equal(cs_hz_arc_arc_km((cs_lonlat){-1, 0}, (cs_lonlat){1, 0}, (cs_lonlat){0, -1},
                                        (cs_lonlat){0, 1}),
                       0.0, 0.0);
    /* Two meridian arcs 0.7 degrees apart spanning lat 0..2: nearest at lat 2,
     * distance asin(cos 2 sin 0.7). */
    const double d = cs_hz_arc_arc_km((cs_lonlat){150, 0}, (cs_lonlat){150, 2},
                                      (cs_lonlat){150.7, 0}, (cs_lonlat){150.7, 2});
    assert_float_equal(d, R * asin(cos(2 * DEG) * sin(0.7 * DEG)), 1e-6);
    /* A T that stops short: the stem's end is 0.3 degrees below the bar. */
    const double t = cs_hz_arc_arc_km((cs_lonlat){20, 0}, (cs_lonlat){22, 0}, (cs_lonlat){21, -2},
                                      (cs_lonlat){21, -0.3});
    assert_float_equal(t, R * 0.3 * DEG, 1e-6);
    /* Same great circle, apart. */
    assert_float_equal(cs_hz_arc_arc_km((cs_lonlat){0, 0}, (cs_lonlat){1, 0}, (cs_lonlat){1.5, 0},
                                        (cs_lonlat){3, 0}),
                       R * 0.5 * DEG, 1e-6);
}

static void test_polyline_helpers(void **state)
{
    (void)state;
    const cs_lonlat line[3] = {{165, 0}, {166, 0}, {168, 0}};
    const double deg = R * DEG;
    const cs_lonlat at = cs_hz_polyline_at(line, 3, 1.25 * deg);
    assert_float_equal(at.lon, 166.25, 1e-9);
    assert_float_equal(at.lat, 0.0, 1e-9);
    assert_float_equal(cs_hz_polyline_at(line, 3, 99 * deg).lon, 168.0, 0.0);
    assert_float_equal(cs_hz_polyline_locate(line, 3, (cs_lonlat){167.3, 0.4}), 2.3 * deg, 1e-6);
    assert_float_equal(cs_hz_polyline_locate(line, 3, (cs_lonlat){164, 0.4}), 0.0, 1e-9);
    cs_lonlat out[5];
    const size_t m = cs_hz_polyline_cut(line, 3, 0.5 * deg, 2.5 * deg, out);
    assert_int_equal(m, 3);
    assert_float_equal(out[0].lon, 165.5, 1e-9);
    assert_float_equal(out[1].lon, 166.0, 0.0);
    assert_float_equal(out[2].lon, 167.5, 1e-9);
    /* Beyond the end: clamped to the whole line. */
    assert_int_equal(cs_hz_polyline_cut(line, 3, 0, 10 * deg, out), 3);
    assert_float_equal(out[2].lon, 168.0, 1e-9);
}

static void test_area_sample(void **state)
{
    (void)state;
    /* A box from the equator to 60N: by area, P(lat < 30) = sin 30 / sin 60. */
    const cs_lonlat ring[4] = {{10, 0}, {20, 0}, {20, 60}, {10, 60}};
    cs_hz_area a = {"box", (cs_lonlat *)ring, 4, 10, 20, 0, 60};
    gsl_rng *rng = cs_rng_alloc();
    size_t low = 0;
    const size_t n = 40000;
    for (size_t i = 0; i < n; i++) {
        cs_rng_seed_trial(rng, SEED, i);
        const cs_lonlat p = cs_hz_area_sample(&a, rng);
        assert_true(p.lon >= 10 && p.lon <= 20 && p.lat >= 0 && p.lat <= 60);
        low += p.lat < 30.0;
    }
    assert_binomial(low, n, sin(30 * DEG) / sin(60 * DEG), "area-uniform latitude");
    /* A triangle: every sample inside. */
    const cs_lonlat tri[3] = {{120, 20}, {122, 20}, {121, 22.5}};
    cs_hz_area b = {"tri", (cs_lonlat *)tri, 3, 120, 122, 20, 22.5};
    for (size_t i = 0; i < 2000; i++) {
        cs_rng_seed_trial(rng, SEED, i);
        assert_true(cs_geo_point_in_polygon(cs_hz_area_sample(&b, rng), tri, 3));
    }
    gsl_rng_free(rng);
}

/* ------------------------------------------------------------ random faults */

static const tnode rf_nodes[] = {
    {"c0", "city", 149.5, 10.0},           {"ra", "landing_station", 150, 10},
    {"rb", "landing_station", 152, 10},    {"rc", "landing_station", 152, 12},
    {"bu", "branching_unit", 150.7, 10.2},
};
static const tedge rf_edges[] = {
    {"r1", "segment", "ra", "rb", "R1", 10, 1000, 0.3, 0, {{0, 0}}},
    {"r2", "segment", "rb", "rc", "R2", 10, 5000, 0.05, 0, {{0, 0}}},
    {"r3", "segment", "ra", "rc", "R3", 10, 200, NAN, 0, {{0, 0}}},
    {"r4", "segment", "ra", "bu", "R4", 10, 80, NAN, 0, {{0, 0}}},
    {"l1", "link", "c0", "ra", NULL, 100, 100, NAN, 0, {{0, 0}}},
};

/* The documented formula, written out again: rate per year of each edge. */
static double rf_rate(const char *id, double shallow, double deep, double shore, double link)
{
    if (strcmp(id, "r1") == 0) return 1.0 * (deep * 0.7 + shallow * 0.3) + 2 * shore;
    if (strcmp(id, "r2") == 0) return 5.0 * (deep * 0.95 + shallow * 0.05) + 2 * shore;
    /* No shallow share: 25 km per landed end, s = 50/200 and 25/80. */
    if (strcmp(id, "r3") == 0) return 0.2 * (deep * 0.75 + shallow * 0.25) + 2 * shore;
    if (strcmp(id, "r4") == 0) return 0.08 * (deep * 0.6875 + shallow * 0.3125) + shore;
    return 0.1 * link;
}

static void test_random_window(void **state)
{
    (void)state;
    cs_topology_t *t = make_topology(rf_nodes, 5, rf_edges, 5);
    cs_hazard_t *h = parse_ok(t, "type: random_faults\nrate_shallow: 2.37\nrate_deep: 0.113\n"
                                 "shore_end_rate: 0.0417\nwindow_days: 91.5\n");
    assert_string_equal(cs_hazard_type(h), "random_faults");
    assert_false(cs_hazard_needs_routing(h));
    counts c = run1(t, h, TRIALS);
    const char *ids[4] = {"r1", "r2", "r3", "r4"};
    for (size_t i = 0; i < 4; i++) {
        const double lambda = rf_rate(ids[i], 2.37, 0.113, 0.0417, 0);
        assert_binomial(c.edge[edge_index(t, ids[i])], TRIALS, 1 - exp(-lambda * 91.5 / 365),
                        ids[i]);
    }
    assert_int_equal(c.edge[edge_index(t, "l1")], 0); /* links excluded by default */
    uncount(&c);
    cs_hazard_free(h);
    cs_topology_free(t);
}

static void test_random_instant(void **state)
{
    (void)state;
    cs_topology_t *t = make_topology(rf_nodes, 5, rf_edges, 5);
    cs_hazard_t *h = parse_ok(t, "type: random_faults\nrate_shallow: 3.9\nrate_deep: 0.27\n"
                                 "mean_repair_days: 41.3\ninclude_links: true\nrate_link: 7.7\n"
                                 "link_repair_days: 2.25\n");
    counts c = run1(t, h, TRIALS);
    const char *ids[5] = {"r1", "r2", "r3", "r4", "l1"};
    for (size_t i = 0; i < 5; i++) {
        const double lambda = rf_rate(ids[i], 3.9, 0.27, 0, 7.7);
        const double x = lambda * (i == 4 ? 2.25 : 41.3) / 365.0;
        assert_binomial(c.edge[edge_index(t, ids[i])], TRIALS, x / (1 + x), ids[i]);
    }
    uncount(&c);
    cs_hazard_free(h);

    /* Defaults: rates 0.8 and 0.04, 21 days. */
    h = parse_ok(t, "type: random_faults\n");
    c = run1(t, h, TRIALS);
    const double x = rf_rate("r2", 0.8, 0.04, 0, 0) * 21.0 / 365.0;
    assert_binomial(c.edge[edge_index(t, "r2")], TRIALS, x / (1 + x), "r2 defaults");
    uncount(&c);
    cs_hazard_free(h);
    cs_topology_free(t);
}

/* Where random faults fall: on r1 (landed both ends, 30 % shallow: W = 15 % of its drawn
 * route at each end), a fault is on the shelf with probability
 * 0.3 rs / (0.3 rs + 0.7 rd), uniform across it; each cut's depth is the route's there. */
static void test_random_placement(void **state)
{
    (void)state;
    cs_topology_t *t = make_topology(rf_nodes, 5, rf_edges, 5);
    cs_hazard_t *h = parse_ok(t, "type: random_faults\nrate_shallow: 2.37\nrate_deep: 0.113\n"
                                 "window_days: 3650\n");
    const size_t r1 = edge_index(t, "r1");
    const cs_edge *ed = cs_topology_edge(t, r1);
    const double L = cs_cutsite_route_km(ed), W = 0.15 * L;
    cs_failures f;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(
        cs_failures_init(&f, cs_topology_edge_count(t), cs_topology_node_count(t), &err), CS_OK);
    const cs_hazard_env env = {t, NULL, NULL, NULL, NULL};
    gsl_rng *rng = cs_rng_alloc();
    size_t n = 0, shelf = 0;
    double sum_x = 0.0;
    for (size_t i = 0; i < 4000; i++) {
        cs_failures_clear(&f);
        cs_rng_seed_trial(rng, SEED, i);
        assert_int_equal(hz_sample(h, &env, rng, &f, &err), CS_OK);
        assert_int_equal(f.n_cuts, f.n_edges); /* one fault per segment */
        for (size_t k = 0; k < f.n_cuts; k++) {
            const cs_cut *c = &f.cuts[k];
            const cs_edge *ce = cs_topology_edge(t, c->edge);
            const double s = cs_cutsite_locate(ce, c->at);
            assert_true(cs_geo_point_polyline_distance_km(c->at, ce->pts, ce->npts) < 1e-6);
            assert_float_equal(c->depth_m, cs_cutsite_depth_m(t, c->edge, s), 1e-6);
            if (c->edge != r1) continue;
            n++;
            const double x = fmin(s, L - s);
            if (x <= W + 1e-9) {
                shelf++;
                sum_x += x;
            }
        }
    }
    assert_true(n > 3900);
    assert_binomial(shelf, n, 0.3 * 2.37 / (0.3 * 2.37 + 0.7 * 0.113), "faults on the shelf");
    /* uniform across the shelf: mean W / 2, sd W / sqrt(12 shelf) */
    const double mean = sum_x / (double)shelf, sd = W / sqrt(12.0 * (double)shelf);
    if (fabs(mean - W / 2.0) > 4.0 * sd)
        fail_msg("mean shelf distance %.3f km, expected %.3f +- %.3f", mean, W / 2.0, 4 * sd);
    gsl_rng_free(rng);
    cs_failures_destroy(&f);
    cs_hazard_free(h);
    cs_topology_free(t);
}

/* Regional rates replace the hazard's own where a route runs through their area: a box
 * around everything gives r1 the rate of the formula with the region's rates; one around
 * r2's middle leaves r1 alone. */
static void test_random_regional(void **state)
{
    (void)state;
    cs_topology_t *t = make_topology(rf_nodes, 5, rf_edges, 5);
    cs_hazard_t *h = parse_ok(t, "type: random_faults\nwindow_days: 91.5\nregional_rates:\n"
                                 "  - region: [[140, 0], [160, 0], [160, 20], [140, 20]]\n"
                                 "    rate_shallow: 2.37\n    rate_deep: 0.113\n");
    counts c = run1(t, h, TRIALS);
    const double lambda = rf_rate("r1", 2.37, 0.113, 0, 0);
    assert_binomial(c.edge[edge_index(t, "r1")], TRIALS, 1 - exp(-lambda * 91.5 / 365),
                    "r1 regional");
    uncount(&c);
    cs_hazard_free(h);
    h = parse_ok(t, "type: random_faults\nwindow_days: 91.5\nrate_shallow: 2.37\n"
                    "rate_deep: 0.113\nregional_rates:\n  - region: [[151.9, 10.5], [152.1, "
                    "10.5], [152.1, 11.5], [151.9, 11.5]]\n    rate_deep: 50\n");
    c = run1(t, h, TRIALS);
    assert_binomial(c.edge[edge_index(t, "r1")], TRIALS, 1 - exp(-lambda * 91.5 / 365),
                    "r1 outside the region");
    /* r2 gains 50 per 1000 km-year on the ~1/2 of its deep part in the box: far more faults */
    const double l2 = rf_rate("r2", 2.37, 0.113, 0, 0);
    assert_true((double)c.edge[edge_index(t, "r2")] > 1.5 * TRIALS * (1 - exp(-l2 * 91.5 / 365)));
    uncount(&c);
    cs_hazard_free(h);
    cs_topology_free(t);
}

/* On the Japan network of 2025 the defaults give the documented 44.1 faults a year (the formula
 * summed here from the topology's lengths and shallow shares), and the default job's hot spots
 * (5 per 1000 km-year on the shelf in the Taiwan Strait and the East China Sea) raise it to the
 * documented 91.9 (docs/model.md, "Hot spots"). */
static void test_random_network_rate(void **state)
{
    (void)state;
    cs_topology_options o = {2025};
    cs_topology_t *t = NULL;
    cs_error err = CS_ERROR_INIT;
    if (cs_topology_load(&t, CS_SOURCE_DIR "/topology/japan.geojson", &o, &err) != CS_OK)
        fail_msg("japan: %s", err.msg);
    double want = 0.0, km = 0.0;
    size_t nseg = 0;
    for (size_t e = 0; e < cs_topology_edge_count(t); e++) {
        const cs_edge *ed = cs_topology_edge(t, e);
        if (ed->kind != CS_EDGE_SEGMENT) continue;
        nseg++;
        km += ed->length_km;
        const size_t ends = (cs_topology_node(t, ed->from)->kind == CS_NODE_LANDING) +
                            (cs_topology_node(t, ed->to)->kind == CS_NODE_LANDING);
        double sh = ed->shallow_share;
        if (isnan(sh)) sh = fmin(1.0, 25.0 * (double)ends / ed->length_km);
        want += ed->length_km / 1000.0 * (0.04 * (1.0 - sh) + 0.8 * sh);
    }
    assert_int_equal(nseg, 249);
    assert_true(fabs(km - 290521.0) < 1.0);
    cs_hazard_t *h = parse_ok(t, "type: random_faults\n");
    assert_float_equal(cs_hz_random_faults_per_year(h), want, 1e-9);
    assert_true(fabs(want - 44.07) < 0.01);
    cs_hazard_free(h);
    h = parse_ok(t, "type: random_faults\nregional_rates:\n  - region: Taiwan Strait\n"
                    "    rate_shallow: 5\n  - region: East China Sea\n    rate_shallow: 5\n");
    assert_true(fabs(cs_hz_random_faults_per_year(h) - 91.94) < 0.01);
    cs_hazard_free(h);
    cs_topology_free(t);
}

static void test_random_scope(void **state)
{
    (void)state;
    cs_topology_t *t = make_topology(rf_nodes, 5, rf_edges, 5);
    /* A box around the middle of r2 only (r2 runs up lon 152 from lat 10 to 12). */
    cs_hazard_t *h = parse_ok(t, "type: random_faults\nwindow_days: 3650\nscope: [[151.9, 10.5], "
                                 "[152.1, 10.5], [152.1, 11.5], [151.9, 11.5]]\n");
    counts c = run1(t, h, 500);
    assert_true(c.edge[edge_index(t, "r2")] > 0);
    assert_int_equal(
        c.edge[edge_index(t, "r1")] + c.edge[edge_index(t, "r3")] + c.edge[edge_index(t, "r4")], 0);
    uncount(&c);
    cs_hazard_free(h);
    cs_topology_free(t);
}

/* ------------------------------------------------------------ stations, explicit */

static void test_station_attack(void **state)
{
    (void)state;
    cs_topology_t *t = make_topology(sb_nodes, 7, sb_edges, 6);
    cs_hazard_t *h = parse_ok(t, "type: station_attack\nstations: [s2, s4]\n");
    counts c = run1(t, h, 10);
    assert_int_equal(c.node[node_index(t, "s2")], 10);
    assert_int_equal(c.node[node_index(t, "s4")], 10);
    assert_int_equal(c.node[node_index(t, "s3")], 0);
    assert_int_equal(c.edge[edge_index(t, "x2")], 0); /* a node failure, not an edge one */
    uncount(&c);
    cs_hazard_free(h);

    h = parse_ok(t, "type: station_attack\nsample: 2\nfrom: [s1, s2, s3, s5, s6]\n");
    c = run1(t, h, TRIALS);
    const char *ids[5] = {"s1", "s2", "s3", "s5", "s6"};
    for (size_t i = 0; i < 5; i++)
        assert_binomial(c.node[node_index(t, ids[i])], TRIALS, 0.4, ids[i]);
    assert_int_equal(c.node[node_index(t, "s4")], 0);
    uncount(&c);
    cs_hazard_free(h);

    /* From a region (landing stations at 133E and 134E). */
    h = parse_ok(t, "type: station_attack\nsample: 1\nregion: [[132.5, -1], [134.5, -1], "
                    "[134.5, 1], [132.5, 1]]\n");
    c = run1(t, h, TRIALS);
    assert_binomial(c.node[node_index(t, "s3")], TRIALS, 0.5, "s3");
    assert_int_equal(c.node[node_index(t, "s3")] + c.node[node_index(t, "s4")], TRIALS);
    uncount(&c);
    cs_hazard_free(h);
    cs_topology_free(t);
}

/* Sabotage records one event per target chosen, at its cut; station_attack one per station. */
static void test_hazard_events_targets(void **state)
{
    (void)state;
    cs_error err = CS_ERROR_INIT;
    cs_failures f;
    cs_topology_t *t = make_topology(sb_nodes, 7, sb_edges, 6);
    assert_int_equal(
        cs_failures_init(&f, cs_topology_edge_count(t), cs_topology_node_count(t), &err), CS_OK);
    cs_hazard_t *h = parse_ok(t, "type: sabotage\nk: 2\n");
    sample_trial(t, h, 5, &f);
    assert_int_equal(f.n_events, 2);
    assert_int_equal(f.n_cuts, 2);
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(f.events[k].target, (long long)f.cuts[k].edge);
        assert_float_equal(f.events[k].a.lon, f.cuts[k].at.lon, 0.0);
        assert_int_equal(f.events[k].cuts, 1);
    }
    cs_hazard_free(h);
    h = parse_ok(t, "type: station_attack\nstations: [s2, s4]\n");
    sample_trial(t, h, 0, &f);
    assert_int_equal(f.n_events, 2);
    assert_int_equal(f.events[1].target, (long long)node_index(t, "s4"));
    assert_float_equal(f.events[1].a.lon, 134.0, 1e-9);
    cs_failures_destroy(&f);
    cs_hazard_free(h);
    cs_topology_free(t);
}

static void test_explicit(void **state)
{
    (void)state;
    cs_topology_t *t = make_topology(sb_nodes, 7, sb_edges, 6);
    cs_hazard_t *h = parse_ok(t, "type: explicit\ncables: [CX]\nsegments: [x4, lc]\n"
                                 "stations: [s6]\n");
    cs_failures f;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_failures_init(&f, 6, 7, &err), CS_OK);
    const cs_hazard_env env = {t, NULL, NULL, NULL, NULL};
    assert_int_equal(hz_sample(h, &env, NULL, &f, &err), CS_OK);
    assert_int_equal(f.n_edges, 4);
    assert_int_equal(f.edges[0], edge_index(t, "x1"));
    assert_int_equal(f.edges[1], edge_index(t, "x2"));
    assert_int_equal(f.edges[2], edge_index(t, "x4"));
    assert_int_equal(f.edges[3], edge_index(t, "lc"));
    assert_int_equal(f.n_nodes, 1);
    assert_int_equal(f.nodes[0], node_index(t, "s6"));
    /* Without `at`, each cut lies halfway across the shelf of the landed end where its route
     * starts: 12.5 km from s1 on x1 (no shallow share: 25 km of shelf), 100 m deep; the link
     * is on land (depth 0). */
    const double km = R * DEG; /* per degree on the equator */
    assert_int_equal(f.n_cuts, 4);
    assert_float_equal(f.cuts[0].at.lon, 131.0 + 12.5 / km, 1e-9);
    assert_float_equal(f.cuts[0].depth_m, 100.0, 1e-6);
    assert_float_equal(f.cuts[3].depth_m, 0.0, 0.0);
    cs_hazard_free(h);
    /* With `at`, each segment is cut at its route's point nearest to it: x1 at its end at s2
     * (132E), x2 below `at` (132.4E), 44.5 km from s2, on the slope. */
    h = parse_ok(t, "type: explicit\ncables: [CX]\nat: [132.4, 0.3]\n");
    cs_failures_clear(&f);
    assert_int_equal(hz_sample(h, &env, NULL, &f, &err), CS_OK);
    assert_int_equal(f.n_cuts, 2);
    assert_int_equal(f.cuts[0].edge, edge_index(t, "x1"));
    assert_float_equal(f.cuts[0].at.lon, 132.0, 1e-9);
    assert_float_equal(f.cuts[0].depth_m, 200.0 * 0.5 / 25.0, 1e-6); /* at the landing */
    assert_float_equal(f.cuts[1].at.lon, 132.4, 1e-9);
    assert_float_equal(f.cuts[1].at.lat, 0.0, 1e-9);
    assert_float_equal(
        f.cuts[1].depth_m,
        200.0 + (CS_CUTSITE_DEEP_M - 200.0) * (0.4 * km - 25.0) / CS_CUTSITE_SLOPE_KM, 1e-6);
    cs_failures_destroy(&f);
    cs_hazard_free(h);
    cs_topology_free(t);
}

/* ------------------------------------------------------------ errors */

static void test_parse_errors(void **state)
{
    (void)state;
    cs_topology_t *t = make_topology(sb_nodes, 7, sb_edges, 6);
    /* dispatch */
    parse_fails(t, "[1, 2]\n", "expected a map with a `type` key");
    parse_fails(t, "k: 2\n", "type");
    parse_fails(t, "type: volcano\n", "\"volcano\"");
    /* A part of a type name gets the did-you-mean hint (cs_nearest_name). */
    parse_fails(t, "type: random\n", "found \"random\" (did you mean \"random_faults\"?)");
    parse_fails(t, "type: quake\n", "(did you mean \"earthquake\"?)");
    /* random_faults */
    parse_fails(t, "type: random_faults\nrate_shalow: 1\n", "rate_shalow");
    parse_fails(t, "type: random_faults\nrate_deep: -1\n", "rate_deep");
    parse_fails(t, "type: random_faults\nmean_repair_days: soon\n", "mean_repair_days");
    parse_fails(t, "type: random_faults\nwindow_days: 30\ninstant: true\n",
                "either `instant: true` or `window_days`");
    parse_fails(t, "type: random_faults\ninstant: false\n",
                "window_days: expected a number of days when instant is false");
    parse_fails(t, "type: random_faults\nscope: Atlantis\n", "Luzon Strait");
    parse_fails(t, "type: random_faults\nscope: Atlantis\n", "\"Atlantis\"");
    parse_fails(t, "type: random_faults\nscope: [[1, 2], [3, 4]]\n", "at least 3");
    parse_fails(t, "type: random_faults\nscope: [[1, 1], [2, 2], [3, 3]]\n", "non-zero area");
    parse_fails(t, "type: random_faults\nscope: [[200, 1], [2, 2], [3, 1]]\n",
                "lon in [-180, 180]");
    parse_fails(t, "type: random_faults\nscope: [[1, 1], [2], [3, 1]]\n", "[lon, lat] pair");
    parse_fails(t, "type: random_faults\nscope: {a: 1}\n", "a region name or a polygon");
    /* earthquake */
    parse_fails(t, "type: earthquake\nmagnitude: 7\n", "epicentre: expected a [lon, lat] pair");
    parse_fails(t, "type: earthquake\nmagnitude: 7\nepicentre: [1, 2]\nregion: Boso\n",
                "either `epicentre` or `region`");
    parse_fails(t, "type: earthquake\nepicentre: [1, 2]\nmagnitude: 11\n", "magnitude");
    parse_fails(t, "type: earthquake\nepicentre: [1, 2]\n", "m_min and m_max");
    parse_fails(t, "type: earthquake\nepicentre: [1, 2]\nm_min: 6\n", "m_max");
    parse_fails(t, "type: earthquake\nepicentre: [1, 2]\nm_min: 6\nm_max: 5\n", "m_max");
    parse_fails(t, "type: earthquake\nepicentre: [1, 2]\nmagnitude: 7\nm_min: 6\n",
                "either `magnitude` or `m_min`");
    parse_fails(t, "type: earthquake\nfault: [[1, 2], [2, 3]]\nmagnitude: 7\nstrike_deg: 30\n",
                "either `fault` or `strike_deg`");
    parse_fails(t, "type: earthquake\nregion: Boso\nmagnitude: 7\njitter_km: 5\n",
                "a [lon, lat] pair to jitter");
    parse_fails(t, "type: earthquake\nfault: [[1, 2]]\nmagnitude: 7\n", "at least 2");
    parse_fails(t, "type: earthquake\nepicentre: [1, 2]\nmagnitude: 7\nsediment_flow: 3\n",
                "a map of sediment_flow parameters");
    parse_fails(t,
                "type: earthquake\nepicentre: [1, 2]\nmagnitude: 7\nsediment_flow:\n"
                "  path: [[1, 2], [2, 3]]\n  type: sediment_flow\n",
                "type");
    parse_fails(t, "type: earthquake\nepicentre: [1, 2]\nmagnitude: 7\np_max: 1.5\n", "p_max");
    parse_fails(t, "type: earthquake\nepicentre: [1, 2]\nmagnitude: 7\nmagnitud: 7\n", "magnitud");
    /* sediment_flow */
    parse_fails(t, "type: sediment_flow\nwidth_km: 5\n", "path: expected a list of at least 2");
    parse_fails(t, "type: sediment_flow\npath: [[1, 2]]\n", "at least 2");
    parse_fails(t, "type: sediment_flow\npath: [[1, 2], [2, 3]]\ntrigger_prob: 2\n",
                "trigger_prob");
    parse_fails(t, "type: sediment_flow\npath: [[1, 2], [2, 3]]\nmin_magnitude: 6\n",
                "min_magnitude");
    /* sabotage */
    parse_fails(t, "type: sabotage\ntargets: worst\n", "\"worst\"");
    parse_fails(t, "type: sabotage\nk: 0\n", "k");
    parse_fails(t, "type: sabotage\nunit: system\n", "\"system\"");
    parse_fails(t, "type: sabotage\nregion: Mars\n", "\"Mars\"");
    /* anchor_drag */
    parse_fails(t, "type: anchor_drag\n", "region: expected a region name or a polygon");
    parse_fails(t, "type: anchor_drag\nregion: Boso\nlength_min_km: 1\nlength_median_km: 9\n",
                "either `length_min_km/length_max_km` or `length_median_km`");
    parse_fails(t, "type: anchor_drag\nregion: Boso\nlength_min_km: 10\nlength_max_km: 5\n",
                "length_max_km");
    parse_fails(t, "type: anchor_drag\nregion: Boso\nlength_min_km: 10\n", "length_max_km");
    parse_fails(t, "type: anchor_drag\nregion: Boso\ncount: 0\n", "count");
    parse_fails(t, "type: anchor_drag\nregion: Boso\nheading_deg: 400\n", "heading_deg");
    /* station_attack */
    parse_fails(t, "type: station_attack\n", "stations: expected a list of stations");
    parse_fails(t, "type: station_attack\nstations: [s1]\nsample: 1\n",
                "either `stations` or `sample`");
    parse_fails(t, "type: station_attack\nsample: 9\nfrom: [s1, s2]\n", "[1, 2]");
    parse_fails(t, "type: station_attack\nstations: [s1, s9]\n",
                "expected a station of fixture.geojson (nearest: \"s1\"");
    parse_fails(t, "type: station_attack\nsample: 1\nregion: [[0, 0], [1, 0], [1, 1]]\n",
                "at least one landing station");
    parse_fails(t, "type: station_attack\nsample: 1\nfrom: [s1]\nregion: Boso\n",
                "either `from` or `region`");
    /* explicit */
    parse_fails(t, "type: explicit\n", "cables: expected a list of cables");
    parse_fails(t, "type: explicit\ncables: [CX, CQ]\n",
                "cables.1: expected a cable of fixture.geojson (nearest: \"C");
    parse_fails(t, "type: explicit\ncables: [CX, CQ]\n", "found \"CQ\"");
    parse_fails(t, "type: explicit\nsegments: [x1, {id: x2}]\n", "a segment of fixture.geojson");
    parse_fails(t, "type: explicit\nsegments: [nothing_like_it]\n", "found \"nothing_like_it\"");
    parse_fails(t, "type: explicit\ncables: {a: b}\n", "a list of names");
    cs_topology_free(t);
}

/* The same (seed, trial) gives the same failures in the same order. */
static void test_determinism(void **state)
{
    (void)state;
    cs_topology_t *t = make_topology(sb_nodes, 7, sb_edges, 6);
    const char *specs[4] = {
        "type: random_faults\nwindow_days: 400\nrate_deep: 3\n",
        "type: earthquake\nregion: [[130, -1], [136, -1], [136, 1], [130, 1]]\nm_min: 6\n"
        "m_max: 8.5\n",
        "type: anchor_drag\nregion: [[130, -1], [136, -1], [136, 1], [130, 1]]\ncount: 2\n",
        "type: sabotage\nk: 2\ntargets: capacity\n",
    };
    cs_hazard_t *hz[4];
    for (size_t i = 0; i < 4; i++)
        hz[i] = parse_ok(t, specs[i]);
    cs_failures a, b;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_failures_init(&a, 6, 7, &err), CS_OK);
    assert_int_equal(cs_failures_init(&b, 6, 7, &err), CS_OK);
    gsl_rng *rng = cs_rng_alloc();
    const cs_hazard_env env = {t, NULL, NULL, NULL, NULL};
    size_t differ = 0, first = SIZE_MAX;
    for (uint64_t trial = 0; trial < 50; trial++) {
        cs_failures *fs[2] = {&a, &b};
        for (size_t rep = 0; rep < 2; rep++) {
            cs_failures_clear(fs[rep]);
            cs_rng_seed_trial(rng, 99, trial);
            for (size_t i = 0; i < 4; i++)
                assert_int_equal(hz_sample(hz[i], &env, rng, fs[rep], &err), CS_OK);
        }
        assert_int_equal(a.n_edges, b.n_edges);
        assert_memory_equal(a.edges, b.edges, a.n_edges * sizeof *a.edges);
        if (first == SIZE_MAX) first = a.n_edges;
        differ += a.n_edges != first; /* while trials differ from one another */
    }
    assert_true(differ > 0);
    gsl_rng_free(rng);
    cs_failures_destroy(&a);
    cs_failures_destroy(&b);
    for (size_t i = 0; i < 4; i++)
        cs_hazard_free(hz[i]);
    cs_topology_free(t);
}

/* ------------------------------------------------------------ the real dataset */

/* The calibration of docs/model.md for `breaks: rupture` (no longer the default): the Tohoku
 * example on the 2011 network cuts the systems damaged in 2011 (APCN-2, PC-1, Japan-US, EAC) and
 * TGN-P, and any other system in at most 2 % of trials (JIH, whose route passes the south end of
 * the rupture, in ~0.3 %); the documented examples parse. */
static void test_japan_tohoku(void **state)
{
    (void)state;
    cs_topology_t *t = NULL;
    cs_error err = CS_ERROR_INIT;
    const cs_topology_options o = {2011};
    if (cs_topology_load(&t, CS_SOURCE_DIR "/topology/japan.geojson", &o, &err) != CS_OK)
        fail_msg("japan: %s", err.msg);
    cs_hazard_t *h = parse_ok(t, "type: earthquake\nbreaks: rupture\nepicentre: [142.37, 38.30]\n"
                                 "magnitude: 9.0\nrupture_length_km: 500\nfault: [[144.6, 41.0], "
                                 "[144.3, 39.5], [143.9, 38.0], [143.4, 37.0], [142.5, 35.8], "
                                 "[142.1, 34.2]]\n");
    const size_t n = 400, nc = cs_topology_cable_count(t);
    counts c = run1(t, h, n);
    double *hit = calloc(nc, sizeof *hit);
    assert_non_null(hit);
    for (size_t e = 0; e < cs_topology_edge_count(t); e++) {
        const cs_edge *ed = cs_topology_edge(t, e);
        if (ed->kind == CS_EDGE_SEGMENT)
            hit[ed->cable_index] = fmax(hit[ed->cable_index], (double)c.edge[e] / (double)n);
    }
    const char *damaged[] = {"APCN-2", "PC-1", "JUS", "EAC-C2C", "TGN-P"};
    for (size_t k = 0; k < nc; k++) {
        bool listed = false;
        for (size_t j = 0; j < 5; j++)
            listed |= strcmp(cs_topology_cable(t, k), damaged[j]) == 0;
        if (!listed && hit[k] > 0.02)
            fail_msg("%s hit in %.3f of trials", cs_topology_cable(t, k), hit[k]);
    }
    for (size_t j = 0; j < 3; j++) {
        size_t k = 0;
        assert_true(cs_topology_find_cable(t, damaged[j], &k));
        assert_true(hit[k] > 0.7);
    }
    free(hit);
    uncount(&c);
    cs_hazard_free(h);
    cs_hazard_free(parse_ok(t, "type: explicit\ncables: [APCN-2, PC-1, JUS, EAC-C2C]\n"));
    cs_hazard_free(parse_ok(t, "type: station_attack\nsample: 2\nregion: Boso\n"));
    cs_hazard_free(parse_ok(t, "type: sabotage\nk: 3\nregion: Luzon Strait\nunit: cable\n"));
    cs_hazard_free(parse_ok(t, "type: anchor_drag\nregion: Tsushima Strait\ncount: 2\n"));
    cs_hazard_free(parse_ok(t, "type: earthquake\nregion: Nankai Trough\nm_min: 7\nm_max: 9.1\n"));
    cs_topology_free(t);
}

/* The distance as computed before the vector form of geo.h (commit f4f47ff):
 * the arcs meet when the crossing of their great circles lies on both, else
 * the least of the four end-to-arc distances by spherical trigonometry. */
static cs_vec3 ref_cross(cs_vec3 a, cs_vec3 b)
{
    return (cs_vec3){a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}

static double ref_dot(cs_vec3 a, cs_vec3 b)
{
    return a.x * b.x + a.y * b.y + a.z * b.z;
}

static bool ref_on_arc(cs_vec3 a, cs_vec3 b, cs_vec3 n, cs_vec3 x)
{
    return ref_dot(ref_cross(a, x), n) >= 0.0 && ref_dot(ref_cross(x, b), n) >= 0.0;
}

static bool ref_arcs_meet(cs_lonlat a1, cs_lonlat b1, cs_lonlat a2, cs_lonlat b2)
{
    const cs_vec3 u1 = cs_geo_vec(a1), v1 = cs_geo_vec(b1), u2 = cs_geo_vec(a2),
                  v2 = cs_geo_vec(b2);
    const cs_vec3 n1 = ref_cross(u1, v1), n2 = ref_cross(u2, v2);
    const double s1 = ref_dot(n1, u2), s2 = ref_dot(n1, v2), t1 = ref_dot(n2, u1),
                 t2 = ref_dot(n2, v1);
    if ((s1 > 0 && s2 > 0) || (s1 < 0 && s2 < 0) || (t1 > 0 && t2 > 0) || (t1 < 0 && t2 < 0))
        return false;
    const cs_vec3 x = ref_cross(n1, n2), y = {-x.x, -x.y, -x.z};
    if (ref_dot(x, x) < 1e-24) return false;
    return (ref_on_arc(u1, v1, n1, x) && ref_on_arc(u2, v2, n2, x)) ||
           (ref_on_arc(u1, v1, n1, y) && ref_on_arc(u2, v2, n2, y));
}

static double ref_arc_arc_km(cs_lonlat a1, cs_lonlat b1, cs_lonlat a2, cs_lonlat b2)
{
    if (ref_arcs_meet(a1, b1, a2, b2)) return 0.0;
    double d = cs_geo_point_arc_distance_km(a1, a2, b2);
    d = fmin(d, cs_geo_point_arc_distance_km(b1, a2, b2));
    d = fmin(d, cs_geo_point_arc_distance_km(a2, a1, b1));
    return fmin(d, cs_geo_point_arc_distance_km(b2, a1, b1));
}

/* Edge e (all parts) to pts[0..n-1]; a lone point (of a part, or the line) is a leg of length 0. */
static double ref_edge_line_km(const cs_edge *e, const cs_lonlat *pts, size_t n)
{
    double best = HUGE_VAL;
    for (size_t p = 0; p < e->nparts; p++) {
        const size_t lo = e->part_off[p], hi = e->part_off[p + 1];
        for (size_t i = hi - lo > 1 ? lo + 1 : lo; i < hi; i++) {
            const cs_lonlat u = e->pts[i > lo ? i - 1 : lo], v = e->pts[i];
            for (size_t k = n > 1 ? 1 : 0; k < n; k++)
                best = fmin(best, ref_arc_arc_km(u, v, pts[k > 0 ? k - 1 : 0], pts[k]));
        }
    }
    return best;
}

/* A random polyline of 1-8 points: near Japan, around the antimeridian (the
 * trans-Pacific segments, some drawn in two parts), or anywhere. */
static size_t random_line(gsl_rng *rng, size_t k, cs_lonlat *pts)
{
    const size_t n = 1 + k % 8;
    if (k % 4 == 3)
        pts[0] =
            (cs_lonlat){360 * gsl_rng_uniform(rng) - 180, asin(2 * gsl_rng_uniform(rng) - 1) / DEG};
    else if (k % 4 == 2)
        pts[0] = (cs_lonlat){170 + 20 * gsl_rng_uniform(rng), 20 + 35 * gsl_rng_uniform(rng)};
    else
        pts[0] = (cs_lonlat){118 + 32 * gsl_rng_uniform(rng), 20 + 25 * gsl_rng_uniform(rng)};
    if (pts[0].lon > 180) pts[0].lon -= 360;
    for (size_t i = 1; i < n; i++)
        pts[i] =
            cs_hz_destination(pts[i - 1], 360 * gsl_rng_uniform(rng), 400 * gsl_rng_uniform(rng));
    return n;
}

/* Every segment of the real dataset against random lines: the distance is
 * the reference's whenever it is within the limit asked, and above the limit
 * otherwise (the bounds may stop early there); cut_near cuts exactly the
 * segments within reach, each at its route's point nearest to the line. */
static void test_segs_distance(void **state)
{
    (void)state;
    cs_topology_t *t = NULL;
    cs_error err = CS_ERROR_INIT;
    if (cs_topology_load(&t, CS_SOURCE_DIR "/topology/japan.geojson", NULL, &err) != CS_OK)
        fail_msg("japan: %s", err.msg);
    cs_hz_segs s;
    assert_int_equal(cs_hz_segs_init(&s, t, &err), CS_OK);
    size_t nseg = 0;
    for (size_t e = 0; e < cs_topology_edge_count(t); e++)
        nseg += cs_topology_edge(t, e)->kind == CS_EDGE_SEGMENT;
    assert_int_equal(s.n, nseg);
    cs_failures f;
    assert_int_equal(
        cs_failures_init(&f, cs_topology_edge_count(t), cs_topology_node_count(t), &err), CS_OK);
    gsl_rng *rng = cs_rng_alloc();
    assert_non_null(rng);
    cs_rng_seed_trial(rng, SEED, 7);
    const double limits[] = {0.0, 2.0, 37.5, 300.0, HUGE_VAL};
    double *ref = malloc(s.n * sizeof *ref);
    assert_non_null(ref);
    size_t zero = 0, near = 0;
    for (size_t k = 0; k < 48; k++) {
        cs_lonlat pts[8];
        cs_geo_arc legs[8];
        const size_t n = random_line(rng, k, pts);
        cs_hz_line line = {.leg = legs};
        cs_hz_line_set(&line, pts, n);
        for (size_t i = 0; i < s.n; i++) {
            ref[i] = ref_edge_line_km(cs_topology_edge(t, s.edge[i]), pts, n);
            zero += ref[i] <= 0.0;
            near += ref[i] <= 37.5;
            for (size_t j = 0; j < sizeof limits / sizeof *limits; j++) {
                const double d = cs_hz_segs_distance_km(&s, i, &line, limits[j]);
                if (ref[i] <= limits[j] ? !(fabs(d - ref[i]) <= 1e-6) : !(d > limits[j]))
                    fail_msg("line %zu, %s, limit %g: %.12f km, reference %.12f km", k,
                             cs_topology_edge(t, s.edge[i])->id, limits[j], d, ref[i]);
            }
        }
        cs_failures_clear(&f);
        assert_int_equal(cs_hz_segs_cut_near(&s, &line, 37.5, INFINITY, t, &f, &err), CS_OK);
        size_t m = 0;
        for (size_t i = 0; i < s.n; i++) {
            if (ref[i] > 37.5) continue;
            assert_true(m < f.n_edges);
            assert_int_equal(f.edges[m++], s.edge[i]);
            /* the cut lies on the segment's route, at its point nearest to the line */
            const cs_cut *c = &f.cuts[m - 1];
            const cs_edge *ed = cs_topology_edge(t, s.edge[i]);
            assert_int_equal(c->edge, s.edge[i]);
            if (!(cs_geo_point_polyline_distance_km(c->at, ed->pts, ed->npts) < 1e-6) ||
                !(fabs(cs_geo_point_polyline_distance_km(c->at, pts, n) - ref[i]) < 1e-6))
                fail_msg("line %zu, %s: cut at (%.6f, %.6f) is not the nearest point", k, ed->id,
                         c->at.lon, c->at.lat);
            assert_true(c->depth_m > 0.0);
        }
        assert_int_equal(m, f.n_edges);
        assert_int_equal(m, f.n_cuts);
    }
    assert_true(zero > 20 && near > zero); /* the lines cross and pass near many segments */
    free(ref);
    gsl_rng_free(rng);
    cs_failures_destroy(&f);
    cs_hz_segs_destroy(&s);
    cs_topology_free(t);
}

int main(void)
{
    cs_hazard_test_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_destination),
        cmocka_unit_test(test_arc_arc),
        cmocka_unit_test(test_polyline_helpers),
        cmocka_unit_test(test_area_sample),
        cmocka_unit_test(test_random_window),
        cmocka_unit_test(test_random_instant),
        cmocka_unit_test(test_random_scope),
        cmocka_unit_test(test_random_placement),
        cmocka_unit_test(test_random_regional),
        cmocka_unit_test(test_random_network_rate),
        cmocka_unit_test(test_hazard_events_targets),
        cmocka_unit_test(test_station_attack),
        cmocka_unit_test(test_explicit),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_japan_tohoku),
        cmocka_unit_test(test_segs_distance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
