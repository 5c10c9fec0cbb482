/*
 * test_hazards.c: the failure models.
 *
 * Hand-made topologies (GeoJSON built in strings) put segments at known
 * distances from an epicentre, a canyon path or an anchor track, so that each
 * model's probability can be written down from its formula (docs/model.md).
 * Frequencies over many trials (fixed seeds, one stream per trial as the
 * engine draws them) must fall within 4 binomial standard deviations of it;
 * deterministic cases must match exactly. Then every parse error path (code
 * and a fragment of the message), and determinism of a mixed hazard list.
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

#include <gsl/gsl_cdf.h>

#include "cablesim/cutsite.h"
#include "cablesim/demand.h"
#include "cablesim/hazard.h"
#include "cablesim/rng.h"
#include "cablesim/routing.h"
#include "cablesim/topology.h"
#include "cablesim/ydoc.h"
#include "hazards/hazard_impl.h"

#define PI     3.14159265358979323846
#define R      CS_EARTH_RADIUS_KM
#define DEG    (PI / 180.0)
#define TRIALS 20000
#define SEED   0x5eed1234abcdULL

/* Samples h with a workspace of its own (the engine keeps one per hazard). */
static cs_status hz_sample(const cs_hazard_t *h, const cs_hazard_env *env, gsl_rng *rng,
                           cs_failures *f, cs_error *err)
{
    cs_hazard_ws *w = NULL;
    cs_status rc = cs_hazard_ws_alloc(&w, h, err);
    if (rc == CS_OK) rc = cs_hazard_sample(h, w, env, rng, f, err);
    cs_hazard_ws_free(w);
    return rc;
}

/* ------------------------------------------------------------ fixtures */

typedef struct {
    const char *id, *kind;
    double lon, lat;
} tnode;

typedef struct {
    const char *id, *kind, *from, *to, *cable;
    double cap, km, shallow; /* km <= 0: no length_km; shallow NAN: no shallow_share */
    size_t npts;             /* 0: a straight line between the nodes */
    cs_lonlat pts[4];
} tedge;

static const tnode *find_tnode(const tnode *n, size_t nn, const char *id)
{
    for (size_t i = 0; i < nn; i++)
        if (strcmp(n[i].id, id) == 0) return &n[i];
    fail_msg("fixture names unknown node %s", id);
    return NULL;
}

static size_t put(char *s, size_t cap, size_t k, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int w = vsnprintf(s + k, cap - k, fmt, ap);
    va_end(ap);
    assert_true(w >= 0 && (size_t)w < cap - k);
    return k + (size_t)w;
}

static char *geojson(const tnode *n, size_t nn, const tedge *e, size_t ne)
{
    const size_t cap = 512 + 600 * (nn + ne);
    char *s = malloc(cap);
    assert_non_null(s);
    size_t k = put(s, cap, 0, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (size_t i = 0; i < nn; i++) {
        const bool city = strcmp(n[i].kind, "city") == 0;
        const bool bu = strcmp(n[i].kind, "branching_unit") == 0;
        k = put(s, cap, k,
                "%s{\"type\":\"Feature\",\"properties\":{\"id\":\"%s\",\"kind\":\"%s\","
                "\"name\":\"%s\",\"country\":\"%s\"%s},"
                "\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.9f,%.9f]}}",
                i ? "," : "", n[i].id, n[i].kind, n[i].id, bu ? "XX" : "JP",
                city ? ",\"region\":\"Japan\"" : "", n[i].lon, n[i].lat);
    }
    for (size_t j = 0; j < ne; j++) {
        const tnode *a = find_tnode(n, nn, e[j].from), *b = find_tnode(n, nn, e[j].to);
        char extra[160] = "";
        size_t x = 0;
        if (e[j].cable) x = put(extra, sizeof extra, x, "\"cable\":\"%s\",", e[j].cable);
        if (e[j].km > 0) x = put(extra, sizeof extra, x, "\"length_km\":%.17g,", e[j].km);
        if (!isnan(e[j].shallow))
            put(extra, sizeof extra, x, "\"shallow_share\":%.17g,", e[j].shallow);
        k = put(s, cap, k,
                ",{\"type\":\"Feature\",\"properties\":{\"id\":\"%s\",\"kind\":\"%s\","
                "\"from\":\"%s\",\"to\":\"%s\",%s\"capacity_tbps\":%.17g,\"rfs\":2000,"
                "\"source\":\"test\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[",
                e[j].id, e[j].kind, e[j].from, e[j].to, extra, e[j].cap);
        if (e[j].npts == 0)
            k = put(s, cap, k, "[%.9f,%.9f],[%.9f,%.9f]", a->lon, a->lat, b->lon, b->lat);
        for (size_t p = 0; p < e[j].npts; p++)
            k = put(s, cap, k, "%s[%.9f,%.9f]", p ? "," : "", e[j].pts[p].lon, e[j].pts[p].lat);
        k = put(s, cap, k, "]}}");
    }
    put(s, cap, k, "]}");
    return s;
}

static cs_topology_t *make_topology(const tnode *n, size_t nn, const tedge *e, size_t ne)
{
    char *json = geojson(n, nn, e, ne);
    cs_topology_t *t = NULL;
    cs_error err = CS_ERROR_INIT;
    if (cs_topology_load_string(&t, json, "fixture.geojson", NULL, &err) != CS_OK)
        fail_msg("fixture topology: %s", err.msg);
    free(json);
    return t;
}

static size_t edge_index(const cs_topology_t *t, const char *id)
{
    size_t j = SIZE_MAX;
    if (!cs_topology_find_edge(t, id, &j)) fail_msg("edge %s not found", id);
    return j;
}

static size_t node_index(const cs_topology_t *t, const char *id)
{
    size_t i = SIZE_MAX;
    if (!cs_topology_find_node(t, id, &i)) fail_msg("node %s not found", id);
    return i;
}

/* A segment between two nodes with a straight geometry. */
#define SEG(id, a, b, cable, cap)                                                                  \
    {                                                                                              \
        id, "segment", a, b, cable, cap, -1, NAN, 0,                                               \
        {                                                                                          \
            {                                                                                      \
                0, 0                                                                               \
            }                                                                                      \
        }                                                                                          \
    }
#define LINK(id, a, b)                                                                             \
    {                                                                                              \
        id, "link", a, b, NULL, 100.0, -1, NAN, 0,                                                 \
        {                                                                                          \
            {                                                                                      \
                0, 0                                                                               \
            }                                                                                      \
        }                                                                                          \
    }

/* ------------------------------------------------------------ running hazards */

static cs_hazard_t *parse_ok(const cs_topology_t *t, const char *yaml)
{
    cs_ydoc_t *doc = NULL;
    cs_error err = CS_ERROR_INIT;
    if (cs_ydoc_load_string(&doc, yaml, "hz.yaml", &err) != CS_OK) fail_msg("yaml: %s", err.msg);
    cs_hazard_t *h = NULL;
    if (cs_hazard_parse(&h, doc, cs_ydoc_root(doc), t, &err) != CS_OK)
        fail_msg("parse: %s", err.msg);
    cs_ydoc_free(doc);
    return h;
}

static void parse_fails(const cs_topology_t *t, const char *yaml, const char *fragment)
{
    cs_ydoc_t *doc = NULL;
    cs_error err = CS_ERROR_INIT;
    if (cs_ydoc_load_string(&doc, yaml, "hz.yaml", &err) != CS_OK) fail_msg("yaml: %s", err.msg);
    cs_hazard_t *h = NULL;
    const cs_status rc = cs_hazard_parse(&h, doc, cs_ydoc_root(doc), t, &err);
    cs_ydoc_free(doc);
    if (rc != CS_EINVAL) fail_msg("expected CS_EINVAL for:\n%s\ngot %d", yaml, (int)rc);
    assert_null(h);
    if (strstr(err.msg, fragment) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, fragment);
    assert_non_null(strstr(err.msg, "hz.yaml"));
}

/* Counts, over trials 0..n-1, how often each edge and node fails. */
typedef struct {
    size_t *edge, *node;
} counts;

static counts run(const cs_topology_t *t, cs_hazard_t *const *hz, size_t nh,
                  const cs_hazard_env *env_in, size_t n, const cs_failures *pre)
{
    const size_t ne = cs_topology_edge_count(t), nn = cs_topology_node_count(t);
    counts c = {calloc(ne, sizeof(size_t)), calloc(nn, sizeof(size_t))};
    assert_non_null(c.edge);
    assert_non_null(c.node);
    cs_failures f;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_failures_init(&f, ne, nn, &err), CS_OK);
    gsl_rng *rng = cs_rng_alloc();
    assert_non_null(rng);
    cs_hazard_env env = {t, NULL, NULL, NULL, NULL};
    if (env_in) env = *env_in;
    for (size_t i = 0; i < n; i++) {
        cs_failures_clear(&f);
        if (pre) assert_int_equal(cs_failures_copy(&f, pre, &err), CS_OK);
        cs_rng_seed_trial(rng, SEED, i);
        for (size_t k = 0; k < nh; k++)
            if (hz_sample(hz[k], &env, rng, &f, &err) != CS_OK) fail_msg("sample: %s", err.msg);
        for (size_t k = 0; k < f.n_edges; k++)
            c.edge[f.edges[k]]++;
        for (size_t k = 0; k < f.n_nodes; k++)
            c.node[f.nodes[k]]++;
    }
    gsl_rng_free(rng);
    cs_failures_destroy(&f);
    return c;
}

static counts run1(const cs_topology_t *t, cs_hazard_t *h, size_t n)
{
    return run(t, &h, 1, NULL, n, NULL);
}

static void uncount(counts *c)
{
    free(c->edge);
    free(c->node);
}

/* k successes in n trials must lie within 4 standard deviations of n p. */
static void assert_binomial(size_t k, size_t n, double p, const char *what)
{
    const double mean = (double)n * p, sd = sqrt((double)n * p * (1.0 - p));
    if (fabs((double)k - mean) > 4.0 * sd + 1e-9)
        fail_msg("%s: %zu of %zu, expected %.2f +- %.2f (p = %.6f)", what, k, n, mean, 4 * sd, p);
}

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

/* ------------------------------------------------------------ earthquake */

/* Segments q0..q3 run up meridians east of the epicentre (160E, 0N) from lat
 * -1 to 1; the M7 rupture (strike 0) runs up the 160E meridian. */
static const double quake_d[4] = {3.1, 9.7, 14.2, 25.3}; /* km from the M7 rupture */

static double half_rupture_rad(double m)
{
    return cs_hz_rupture_length_km(m, -2.44, 0.59) / 2.0 / R;
}

static cs_topology_t *quake_topology(void)
{
    tnode n[11] = {{"c0", "city", 159.0, 0.0}, {"qs", "landing_station", 160.0, 0.27}};
    tedge e[5] = {LINK("lq", "c0", "qs")};
    static char ids[4][3][8];
    const double h = half_rupture_rad(7.0);
    for (size_t i = 0; i < 4; i++) {
        /* Nearest points are the rupture's ends at lat +-h: d = R asin(cos h sin dlon). */
        const double dlon = asin(sin(quake_d[i] / R) / cos(h)) / DEG;
        snprintf(ids[i][0], 8, "qa%zu", i);
        snprintf(ids[i][1], 8, "qb%zu", i);
        snprintf(ids[i][2], 8, "q%zu", i);
        n[2 + 2 * i] = (tnode){ids[i][0], "landing_station", 160 + dlon, -1};
        n[3 + 2 * i] = (tnode){ids[i][1], "landing_station", 160 + dlon, 1};
        e[1 + i] = (tedge)SEG(ids[i][2], ids[i][0], ids[i][1], "Q", 10);
    }
    return make_topology(n, 10, e, 5);
}

static void test_fragility_curve(void **state)
{
    (void)state;
    const cs_hz_fragility fr = {0.9, 10.0, 0.35, 0.25};
    /* At d50: half of p_max; d50 grows 10^0.35 per magnitude unit. */
    assert_float_equal(cs_hz_fragility_p(&fr, 10.0, 7.0), 0.45, 1e-12);
    assert_float_equal(cs_hz_fragility_p(&fr, 10.0 * pow(10, 0.7), 9.0), 0.45, 1e-12);
    assert_float_equal(cs_hz_fragility_p(&fr, 12.5, 7.0), 0.9 / (1 + exp(1.0)), 1e-12);
    double prev = 1.0;
    for (double d = 0; d < 200; d += 7.3) { /* falls with distance */
        const double p = cs_hz_fragility_p(&fr, d, 7.4);
        assert_true(p < prev);
        prev = p;
    }
    for (double m = 5.0; m < 9.5; m += 0.5) /* rises with magnitude */
        assert_true(cs_hz_fragility_p(&fr, 30.0, m + 0.5) > cs_hz_fragility_p(&fr, 30.0, m));
    /* Wells & Coppersmith: M7 ~ 49 km, M9 ~ 741 km. */
    assert_float_equal(cs_hz_rupture_length_km(7.0, -2.44, 0.59), pow(10, 1.69), 1e-9);
    assert_float_equal(cs_hz_rupture_length_km(9.0, -2.44, 0.59), pow(10, 2.87), 1e-9);
}

static void test_quake_distances(void **state)
{
    (void)state;
    cs_topology_t *t = quake_topology();
    cs_hazard_t *h = parse_ok(t, "type: earthquake\nepicentre: [160, 0]\nmagnitude: 7.0\n"
                                 "strike_deg: 0\nstation_radius_km: 50\nstation_loss_prob: 0.37\n");
    const cs_hz_fragility fr = {0.9, 10.0, 0.35, 0.25};
    counts c = run1(t, h, TRIALS);
    char id[8];
    for (size_t i = 0; i < 4; i++) {
        snprintf(id, sizeof id, "q%zu", i);
        assert_binomial(c.edge[edge_index(t, id)], TRIALS, cs_hz_fragility_p(&fr, quake_d[i], 7.0),
                        id);
    }
    /* Station qs is 30 km from the epicentre, the others ~111 km. */
    assert_binomial(c.node[node_index(t, "qs")], TRIALS, 0.37, "station qs");
    assert_int_equal(c.node[node_index(t, "qa0")] + c.node[node_index(t, "qb3")], 0);
    uncount(&c);
    cs_hazard_free(h);

    /* M7.6: a longer rupture (ends nearer the segments) and a larger d50. */
    h = parse_ok(t, "type: earthquake\nepicentre: [160, 0]\nmagnitude: 7.6\nstrike_deg: 180\n");
    c = run1(t, h, TRIALS);
    const double h7 = half_rupture_rad(7.0), h76 = half_rupture_rad(7.6);
    for (size_t i = 0; i < 4; i++) {
        const double dlon = asin(sin(quake_d[i] / R) / cos(h7));
        const double d = R * asin(cos(h76) * sin(dlon));
        snprintf(id, sizeof id, "q%zu", i);
        const double p = cs_hz_fragility_p(&fr, d, 7.6);
        assert_true(p > cs_hz_fragility_p(&fr, quake_d[i], 7.0));
        assert_binomial(c.edge[edge_index(t, id)], TRIALS, p, id);
    }
    assert_int_equal(c.node[node_index(t, "qs")], 0); /* station_radius_km defaults to 0 */
    uncount(&c);
    cs_hazard_free(h);
    cs_topology_free(t);
}

/*
 * breaks: slope. Keefer's area A = 10^(M - 3.46) km^2 as a band of half-width R around a
 * rupture of length L: pi R^2 + 2 L R = A.
 */
static void test_keefer_halfwidth(void **state)
{
    (void)state;
    const double a7 = pow(10.0, 7.0 - 3.46), a9 = pow(10.0, 9.0 - 3.46);
    assert_float_equal(cs_hz_keefer_halfwidth_km(7.0, 0.0, 3.46), sqrt(a7 / PI), 1e-9);
    assert_float_equal(sqrt(a7 / PI), 33.222, 1e-3);
    const double r7 = cs_hz_keefer_halfwidth_km(7.0, 49.0, 3.46);
    assert_float_equal(r7, 21.103, 1e-3);
    assert_float_equal(PI * r7 * r7 + 2 * 49.0 * r7, a7, 1e-6);
    const double r9 = cs_hz_keefer_halfwidth_km(9.0, 500.0, 3.46);
    assert_float_equal(r9, 209.22, 1e-2);
    assert_float_equal(PI * r9 * r9 + 1000.0 * r9, a9, 1e-4);
    /* Keefer's abstract: ~500,000 km^2 at M 9.2. */
    assert_true(fabs(pow(10.0, 9.2 - 3.46) / 5e5 - 1.0) < 0.1);
    assert_float_equal(cs_hz_slope_p(0.9, 20.0, 20.0, 0.1), 0.45, 1e-12);
    assert_float_equal(cs_hz_slope_p(0.9, 22.0, 20.0, 0.1), 0.9 / (1 + exp(1.0)), 1e-12);
    /* Around a plane L x W: L W + 2 (L + W) R + pi R^2 = A; W = 0 is the line; 0 when the
     * plane alone covers A. Strasser et al. (2010) interface width: 189 km at M 9, 38 at M 7. */
    const double w9 = cs_hz_rupture_width_km(9.0, -0.882, 0.351);
    assert_float_equal(w9, pow(10.0, 2.277), 1e-9);
    assert_float_equal(w9, 189.23, 1e-2);
    assert_float_equal(cs_hz_rupture_width_km(7.0, -0.882, 0.351), 37.58, 1e-2);
    const double p9 = cs_hz_keefer_halfwidth_plane_km(9.0, 500.0, w9, 3.46);
    assert_float_equal(500.0 * w9 + 2 * (500.0 + w9) * p9 + PI * p9 * p9, a9, 1e-4);
    assert_float_equal(p9, 138.92, 0.01);
    assert_float_equal(cs_hz_keefer_halfwidth_plane_km(9.0, 500.0, 0.0, 3.46), r9, 1e-12);
    assert_float_equal(cs_hz_keefer_halfwidth_plane_km(7.0, 100.0, 100.0, 3.46), 0.0, 0.0);
    /* Bearings: north 0, east 90 (on the equator), south-west about 225. */
    const cs_lonlat o = {0.0, 0.0}, n1 = {0.0, 1.0}, e1 = {1.0, 0.0}, sw = {-1.0, -1.0};
    assert_float_equal(cs_hz_bearing_deg(o, n1), 0.0, 1e-9);
    assert_float_equal(cs_hz_bearing_deg(o, e1), 90.0, 1e-9);
    assert_float_equal(cs_hz_bearing_deg(o, sw), -135.0, 0.01);
}

/* The topology of the slope tests: a landing station at (0, 0), a segment "s" east along the
 * equator to a branching unit at (5, 0); *es is the segment's edge index. */
static cs_topology_t *slope_topology(size_t *es)
{
    const tnode n[3] = {{"c0", "city", -0.5, 0.0},
                        {"la", "landing_station", 0.0, 0.0},
                        {"bu", "branching_unit", 5.0, 0.0}};
    const tedge e[2] = {LINK("l", "c0", "la"), SEG("s", "la", "bu", "S", 10)};
    cs_topology_t *t = make_topology(n, 3, e, 2);
    *es = edge_index(t, "s");
    return t;
}

/* Runs the earthquake of yaml over TRIALS trials on slope_topology and returns its cuts, each
 * checked to lie on segment es at x_km east of the station, with the profile's depth there
 * (the slope runs from 25 to 60.6 km, 200 to 3,682 m). */
static size_t slope_cuts(const cs_topology_t *t, const char *yaml, size_t es, double x_km)
{
    const double km = R * DEG; /* km per degree */
    cs_hazard_t *h = parse_ok(t, yaml);
    cs_failures f;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(
        cs_failures_init(&f, cs_topology_edge_count(t), cs_topology_node_count(t), &err), CS_OK);
    gsl_rng *rng = cs_rng_alloc();
    const cs_hazard_env env = {t, NULL, NULL, NULL, NULL};
    size_t hits = 0;
    for (size_t i = 0; i < TRIALS; i++) {
        cs_failures_clear(&f);
        cs_rng_seed_trial(rng, SEED, i);
        if (hz_sample(h, &env, rng, &f, &err) != CS_OK) fail_msg("%s", err.msg);
        hits += f.n_cuts;
        for (size_t k = 0; k < f.n_cuts; k++) {
            assert_int_equal(f.cuts[k].edge, es);
            assert_float_equal(f.cuts[k].at.lon, x_km / km, 1e-6);
            assert_float_equal(f.cuts[k].at.lat, 0.0, 1e-6);
            assert_float_equal(f.cuts[k].depth_m, 200.0 + 3482.0 * (x_km - 25.0) / 35.6, 0.5);
        }
    }
    gsl_rng_free(rng);
    cs_failures_destroy(&f);
    cs_hazard_free(h);
    return hits;
}

/*
 * A landing station at (0, 0) and a segment east along the equator to a branching unit at
 * (5, 0), shelf W = 25 km (the shore allowance), slope from 25 to 60.6 km, deep (3682 m)
 * beyond. An M7 quake with a 20 km rupture along strike 0:
 *  - centred 25 km north of the slope's 10th sample (x = 42.8 km, depth 200 + 3482 x 17.8 /
 *    35.6 = 1941 m): the rupture's south end is 15 km from it, p = slope_p(15, 0.7 R, 0.1),
 *    every cut there;
 *  - centred 25 km north of the deep route at x = 300 km: `breaks: rupture` cuts with the
 *    fragility of 15 km, `breaks: slope` never (the slope is ~240 km away) unless a canyon
 *    crosses the route there (its crossing is 15 km from the rupture).
 */
static void test_quake_slope_breaks(void **state)
{
    (void)state;
    const double km = R * DEG; /* km per degree */
    size_t es;
    cs_topology_t *t = slope_topology(&es);
    const double d50 = 0.7 * cs_hz_keefer_halfwidth_km(7.0, 20.0, 3.46);
    char yaml[512];
    /* On the slope. */
    snprintf(yaml, sizeof yaml,
             "type: earthquake\nbreaks: slope\nepicentre: [%.12f, %.12f]\nmagnitude: 7\n"
             "strike_deg: 0\nrupture_length_km: 20\n",
             42.8 / km, 25.0 / km);
    assert_binomial(slope_cuts(t, yaml, es, 42.8), TRIALS, cs_hz_slope_p(0.9, 15.0, d50, 0.1),
                    "slope site");
    cs_hazard_t *h;
    /* Over the deep route: the rupture model cuts, the slope model does not. */
    const char *modes[3] = {"breaks: rupture\n", "breaks: slope\n",
                            "breaks: slope\ncanyons: [[[2.698, -1], [2.698, 1]]]\n"};
    for (int m = 0; m < 3; m++) {
        snprintf(yaml, sizeof yaml,
                 "type: earthquake\n%sepicentre: [%.12f, %.12f]\nmagnitude: 7\n"
                 "strike_deg: 0\nrupture_length_km: 20\n",
                 modes[m], 2.698, 25.0 / km);
        h = parse_ok(t, yaml);
        counts c = run1(t, h, TRIALS);
        const cs_hz_fragility fr = {0.9, 10.0, 0.35, 0.25};
        const double p = m == 0   ? cs_hz_fragility_p(&fr, 15.0, 7.0)
                         : m == 1 ? 0.0
                                  : cs_hz_slope_p(0.9, 15.0, d50, 0.1);
        if (m == 1)
            assert_int_equal(c.edge[es], 0);
        else
            assert_binomial(c.edge[es], TRIALS, p, modes[m]);
        uncount(&c);
        cs_hazard_free(h);
    }
    /* Keys of the other mode are refused, with the key named. */
    parse_fails(t, "type: earthquake\nepicentre: [1, 0]\nmagnitude: 7\ncanyons: []\n", "canyons");
    parse_fails(t, "type: earthquake\nbreaks: slope\nepicentre: [1, 0]\nmagnitude: 7\nd50_km: 3\n",
                "d50_km");
    parse_fails(t, "type: earthquake\nbreaks: slop\nepicentre: [1, 0]\nmagnitude: 7\n", "breaks");
    parse_fails(t,
                "type: earthquake\nbreaks: slope\nepicentre: [1, 0]\nmagnitude: 7\n"
                "canyons: [[[1, 2]]]\n",
                "at least 2");
    cs_topology_free(t);
}

/*
 * breaks: slope with a rupture plane. The segment of test_quake_slope_breaks (slope from 25 to
 * 60.6 km east of the station, 19 points 1.978 km apart); an M7 quake with a 20 km rupture
 * along strike 0 (north), centred 150 km east on the equator: the slope is 89.4 km from the
 * rupture line, far beyond Keefer's reach (line or plane). With `dip_side: left` and a 100 km
 * wide plane the rupture extends west to x = 50 km and covers the slope's points from x =
 * 50.71 km (the 14th, index 13) to its end (index 18): distance 0, p = slope_p(0, d50) with
 * d50 = 0.7 R(M7, 20, 100), every cut at the middle of the covered points (index 15). With
 * `dip_side: right` the plane extends east, away from the slope: no cut.
 */
static void test_quake_slope_plane(void **state)
{
    (void)state;
    const double km = R * DEG; /* km per degree */
    size_t es;
    cs_topology_t *t = slope_topology(&es);
    const double d50 = 0.7 * cs_hz_keefer_halfwidth_plane_km(7.0, 20.0, 100.0, 3.46);
    const char *sides[3] = {"", "dip_side: right\nrupture_width_km: 100\n",
                            "dip_side: left\nrupture_width_km: 100\n"};
    for (int m = 0; m < 3; m++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml,
                 "type: earthquake\nbreaks: slope\nepicentre: [%.12f, 0]\nmagnitude: 7\n"
                 "strike_deg: 0\nrupture_length_km: 20\n%s",
                 150.0 / km, sides[m]);
        const size_t hits = slope_cuts(t, yaml, es, 25.0 + 15.0 * 35.6 / 18.0);
        if (m < 2)
            assert_int_equal(hits, 0);
        else
            assert_binomial(hits, TRIALS, cs_hz_slope_p(0.9, 0.0, d50, 0.1), "plane");
    }
    /* A plane of 20 x 200 km covers more than Keefer's area at M7 (3,467 km^2): R = 0, and
     * what lies under it breaks with p_max: the whole slope, cut at its middle point (x =
     * 42.8 km, index 9). */
    char yaml[512];
    snprintf(yaml, sizeof yaml,
             "type: earthquake\nbreaks: slope\nepicentre: [%.12f, 0]\nmagnitude: 7\n"
             "strike_deg: 0\nrupture_length_km: 20\ndip_side: left\nrupture_width_km: 200\n",
             150.0 / km);
    assert_binomial(slope_cuts(t, yaml, es, 25.0 + 9.0 * 35.6 / 18.0), TRIALS, 0.9,
                    "plane wider than Keefer's area");
    /* The plane's keys: only with `breaks: slope`, and its width only with `dip_side`. */
    parse_fails(t, "type: earthquake\nepicentre: [1, 0]\nmagnitude: 7\ndip_side: left\n",
                "dip_side");
    parse_fails(t,
                "type: earthquake\nbreaks: slope\nepicentre: [1, 0]\nmagnitude: 7\n"
                "rupture_width_km: 50\n",
                "rupture_width_km");
    parse_fails(t,
                "type: earthquake\nbreaks: slope\nepicentre: [1, 0]\nmagnitude: 7\n"
                "dip_side: down\n",
                "dip_side");
    cs_topology_free(t);
}

static void test_gutenberg_richter(void **state)
{
    (void)state;
    const double m0 = 6.5, m1 = 9.1, b = 0.93, beta = b * log(10.0), span = m1 - m0;
    /* Mean of the truncated exponential: m0 + 1/beta - span e^(-beta span) / (1 - e^(-beta span)).
     */
    const double mean = m0 + 1.0 / beta - span * exp(-beta * span) / (1.0 - exp(-beta * span));
    gsl_rng *rng = cs_rng_alloc();
    const size_t n = 200000;
    double sum = 0.0, sum2 = 0.0;
    size_t above8 = 0;
    for (size_t i = 0; i < n; i++) {
        cs_rng_seed_trial(rng, SEED, i);
        const double m = cs_hz_gr_sample(rng, m0, m1, b);
        assert_true(m >= m0 && m <= m1);
        sum += m;
        sum2 += m * m;
        above8 += m > 8.0;
    }
    const double avg = sum / (double)n, sd = sqrt(sum2 / (double)n - avg * avg);
    assert_true(fabs(avg - mean) < 4.0 * sd / sqrt((double)n));
    /* P(M > 8) = (10^(-b 1.5) - 10^(-b 2.6)) / (1 - 10^(-b 2.6)). */
    const double p8 = (pow(10, -b * 1.5) - pow(10, -b * span)) / (1 - pow(10, -b * span));
    assert_binomial(above8, n, p8, "GR P(M > 8)");
    gsl_rng_free(rng);
}

/* A fault up the 170E meridian from 2S to 2N; segments cross it east-west. */
static cs_topology_t *fault_topology(void)
{
    static const tnode n[] = {
        {"c0", "city", 168, 0},
        {"fa1", "landing_station", 169.5, 0},
        {"fb1", "landing_station", 170.5, 0},
        {"fa2", "landing_station", 169.5, 1.9},
        {"fb2", "landing_station", 170.5, 1.9},
        {"fa3", "landing_station", 169.5, 0.5},
        {"fb3", "landing_station", 170.5, 0.5},
    };
    static const tedge e[] = {LINK("lf", "c0", "fa1"), SEG("f1", "fa1", "fb1", "F1", 10),
                              SEG("f2", "fa2", "fb2", "F2", 10), SEG("f3", "fa3", "fb3", "F3", 10)};
    return make_topology(n, 7, e, 4);
}

static void test_quake_fault(void **state)
{
    (void)state;
    cs_topology_t *t = fault_topology();
    /* A sharp curve: certain at the rupture, nothing 10 m away. */
    const char *curve = "rupture_length_km: 100\np_max: 1\nd50_km: 0.001\nspread: 0.01\n"
                        "fault: [[170, -2], [170, 0.5], [170, 2]]\n";
    char yaml[400];
    snprintf(yaml, sizeof yaml, "type: earthquake\nmagnitude: 8\n%s", curve);
    cs_hazard_t *h = parse_ok(t, yaml);
    counts c = run1(t, h, TRIALS);
    const double len = R * 4 * DEG;
    /* Epicentres uniform along the fault; the rupture [s-50, s+50] covers f1
     * (in the middle) for s within 50 km of it. */
    assert_binomial(c.edge[edge_index(t, "f1")], TRIALS, 100.0 / len, "f1");
    /* f2 is 11.1 km from the north end: ruptures shifted back onto the fault
     * cover it for every s >= its position - 50 km. */
    const double s2 = R * 3.9 * DEG;
    assert_binomial(c.edge[edge_index(t, "f2")], TRIALS, (len - (s2 - 50.0)) / len, "f2");
    uncount(&c);
    cs_hazard_free(h);

    /* A fixed epicentre off the fault: the rupture centres on its projection
     * (lat 0.5: f3), 50 km each way, so f1 (55.6 km south) and f2 stay. */
    snprintf(yaml, sizeof yaml, "type: earthquake\nmagnitude: 8\nepicentre: [170.4, 0.5]\n%s",
             curve);
    h = parse_ok(t, yaml);
    c = run1(t, h, 300);
    assert_int_equal(c.edge[edge_index(t, "f3")], 300);
    assert_int_equal(c.edge[edge_index(t, "f1")] + c.edge[edge_index(t, "f2")], 0);
    uncount(&c);
    cs_hazard_free(h);
    cs_topology_free(t);
}

/* ------------------------------------------------------------ sediment flow */

/* The path runs along the equator from 165E to 168E; v1..v3 cross it at
 * 165.5, 166.5 and 167.5E; p1 runs parallel 7 km north of it near its head. */
static cs_topology_t *flow_topology(void)
{
    const double north = 7.0 / R / DEG;
    const tnode n[] = {
        {"c0", "city", 164, 0},
        {"va1", "landing_station", 165.5, -0.5},
        {"vb1", "landing_station", 165.5, 0.5},
        {"va2", "landing_station", 166.5, -0.5},
        {"vb2", "landing_station", 166.5, 0.5},
        {"va3", "landing_station", 167.5, -0.5},
        {"vb3", "landing_station", 167.5, 0.5},
        {"pa", "landing_station", 165.2, north},
        {"pb", "landing_station", 165.8, north},
    };
    const tedge e[] = {LINK("lv", "c0", "va1"), SEG("v1", "va1", "vb1", "V1", 10),
                       SEG("v2", "va2", "vb2", "V2", 10), SEG("v3", "va3", "vb3", "V3", 10),
                       SEG("p1", "pa", "pb", "P1", 10)};
    return make_topology(n, 9, e, 5);
}

#define FLOW_PATH "path: [[165, 0], [166, 0], [168, 0]]\n"

static void test_flow_fixed_runout(void **state)
{
    (void)state;
    cs_topology_t *t = flow_topology();
    /* 200 km reaches v1 (55.6 km) and v2 (166.8 km), not v3 (278 km). */
    cs_hazard_t *h = parse_ok(t, "type: sediment_flow\n" FLOW_PATH
                                 "runout_median_km: 200\nrunout_sigma: 0\nwidth_km: 5\n");
    counts c = run1(t, h, 50);
    assert_int_equal(c.edge[edge_index(t, "v1")], 50);
    assert_int_equal(c.edge[edge_index(t, "v2")], 50);
    assert_int_equal(c.edge[edge_index(t, "v3")], 0);
    assert_int_equal(c.edge[edge_index(t, "p1")], 0); /* 7 km > 5 km */
    uncount(&c);
    cs_hazard_free(h);
    h = parse_ok(t, "type: sediment_flow\n" FLOW_PATH
                    "runout_median_km: 200\nrunout_sigma: 0\nwidth_km: 7.1\n");
    c = run1(t, h, 50);
    assert_int_equal(c.edge[edge_index(t, "p1")], 50);
    assert_int_equal(c.edge[edge_index(t, "v3")], 0);
    uncount(&c);
    cs_hazard_free(h);
    /* Short of v2 by more than the width: 160 + 5 < 166.8. */
    h = parse_ok(t, "type: sediment_flow\n" FLOW_PATH
                    "runout_median_km: 160\nrunout_sigma: 0\nwidth_km: 5\n");
    c = run1(t, h, 50);
    assert_int_equal(c.edge[edge_index(t, "v1")], 50);
    assert_int_equal(c.edge[edge_index(t, "v2")], 0);
    uncount(&c);
    cs_hazard_free(h);
    cs_topology_free(t);
}

/* Samples h for trial `trial` into f (initialised by the caller, cleared here). */
static void sample_trial(const cs_topology_t *t, const cs_hazard_t *h, uint64_t trial,
                         cs_failures *f)
{
    cs_error err = CS_ERROR_INIT;
    const cs_hazard_env env = {t, NULL, NULL, NULL, NULL};
    gsl_rng *rng = cs_rng_alloc();
    cs_failures_clear(f);
    f->hazard = 2;
    cs_rng_seed_trial(rng, SEED, trial);
    if (hz_sample(h, &env, rng, f, &err) != CS_OK) fail_msg("sample: %s", err.msg);
    gsl_rng_free(rng);
}

/* What the hazards sampled is recorded: an earthquake's magnitude, epicentre and rupture
 * length, a flow's head, end and run-out, with the cuts each made. */
static void test_hazard_events(void **state)
{
    (void)state;
    cs_topology_t *t = quake_topology();
    cs_hazard_t *h = parse_ok(t, "type: earthquake\nepicentre: [160, 0]\njitter_km: 30\n"
                                 "m_min: 6.5\nm_max: 8.5\nstrike_deg: 0\n");
    cs_failures f;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(
        cs_failures_init(&f, cs_topology_edge_count(t), cs_topology_node_count(t), &err), CS_OK);
    size_t cut_trials = 0;
    for (uint64_t k = 0; k < 200; k++) {
        sample_trial(t, h, k, &f);
        assert_int_equal(f.n_events, 1);
        const cs_hazard_event *ev = &f.events[0];
        assert_int_equal(ev->hazard, 2);
        assert_true(ev->magnitude >= 6.5 && ev->magnitude <= 8.5);
        assert_true(cs_geo_distance_km(ev->a, (cs_lonlat){160, 0}) <= 30.0 + 1e-9);
        assert_float_equal(ev->length_km, cs_hz_rupture_length_km(ev->magnitude, -2.44, 0.59),
                           1e-9);
        assert_true(isnan(ev->b.lon));
        assert_int_equal(ev->target, -1);
        assert_int_equal(ev->cuts, f.n_cuts);
        cut_trials += f.n_cuts > 0;
    }
    assert_true(cut_trials > 0);
    cs_hazard_free(h);
    cs_topology_free(t);

    t = flow_topology();
    h = parse_ok(t, "type: sediment_flow\n" FLOW_PATH
                    "runout_median_km: 200\nrunout_sigma: 0\nwidth_km: 5\n");
    sample_trial(t, h, 0, &f);
    assert_int_equal(f.n_events, 1);
    assert_true(isnan(f.events[0].magnitude));
    assert_float_equal(f.events[0].length_km, 200.0, 0.0);
    assert_float_equal(f.events[0].a.lon, 165.0, 1e-9); /* the head of FLOW_PATH */
    assert_float_equal(cs_geo_distance_km(f.events[0].a, f.events[0].b), 200.0, 1e-6);
    assert_int_equal(f.events[0].cuts, 2); /* v1 and v2 */
    assert_int_equal(f.n_cuts, 2);
    cs_hazard_free(h);
    cs_topology_free(t);

    cs_failures_destroy(&f);
}

static void test_flow_lognormal_and_trigger(void **state)
{
    (void)state;
    cs_topology_t *t = flow_topology();
    cs_hazard_t *h = parse_ok(t, "type: sediment_flow\n" FLOW_PATH
                                 "runout_median_km: 150\nrunout_sigma: 0.7\nwidth_km: 5\n");
    counts c = run1(t, h, TRIALS);
    const double deg = R * DEG;
    const double at[3] = {0.5 * deg, 1.5 * deg, 2.5 * deg};
    const char *ids[3] = {"v1", "v2", "v3"};
    for (size_t i = 0; i < 3; i++) /* cut when run-out >= crossing - width */
        assert_binomial(c.edge[edge_index(t, ids[i])], TRIALS,
                        gsl_cdf_ugaussian_Q(log((at[i] - 5.0) / 150.0) / 0.7), ids[i]);
    uncount(&c);
    cs_hazard_free(h);

    h = parse_ok(t, "type: sediment_flow\n" FLOW_PATH
                    "runout_median_km: 200\nrunout_sigma: 0\ntrigger_prob: 0.3\n");
    c = run1(t, h, TRIALS);
    assert_binomial(c.edge[edge_index(t, "v1")], TRIALS, 0.3, "standalone trigger");
    assert_int_equal(c.edge[edge_index(t, "v1")], c.edge[edge_index(t, "v2")]);
    uncount(&c);
    cs_hazard_free(h);

    /* Triggered by a far earthquake (no shaking damage here). */
    h = parse_ok(t, "type: earthquake\nepicentre: [100, 40]\nmagnitude: 7\nsediment_flow:\n"
                    "  " FLOW_PATH "  runout_median_km: 200\n  runout_sigma: 0\n"
                    "  trigger_prob: 0.45\n  min_magnitude: 6.5\n");
    c = run1(t, h, TRIALS);
    assert_binomial(c.edge[edge_index(t, "v1")], TRIALS, 0.45, "quake trigger");
    assert_int_equal(c.edge[edge_index(t, "v3")], 0);
    uncount(&c);
    cs_hazard_free(h);
    h = parse_ok(t, "type: earthquake\nepicentre: [100, 40]\nmagnitude: 7\nsediment_flow:\n"
                    "  " FLOW_PATH "  runout_sigma: 0\n  min_magnitude: 7.5\n");
    c = run1(t, h, 200);
    assert_int_equal(c.edge[edge_index(t, "v1")], 0);
    uncount(&c);
    cs_hazard_free(h);
    cs_topology_free(t);
}

/* ------------------------------------------------------------ sabotage */

static const tnode sb_nodes[] = {
    {"c0", "city", 130, 0},
    {"s1", "landing_station", 131, 0},
    {"s2", "landing_station", 132, 0},
    {"s3", "landing_station", 133, 0},
    {"s4", "landing_station", 134, 0},
    {"s5", "landing_station", 135, 0},
    {"s6", "landing_station", 136, 0},
};
static const tedge sb_edges[] = {
    LINK("lc", "c0", "s1"),           SEG("x1", "s1", "s2", "CX", 1.7),
    SEG("x2", "s2", "s3", "CX", 3.1), SEG("x3", "s3", "s4", "CY", 4.9),
    SEG("x4", "s4", "s5", "CZ", 2.3), SEG("x5", "s5", "s6", "CW", 6.6),
};

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

/* The calibration of docs/model.md: the Tohoku example on the 2011 network
 * cuts the systems damaged in 2011 (APCN-2, PC-1, Japan-US, EAC) and TGN-P,
 * and any other system in at most 2 % of trials (JIH, whose route passes the
 * south end of the rupture, in ~0.3 %); the documented examples parse. */
static void test_japan_tohoku(void **state)
{
    (void)state;
    cs_topology_t *t = NULL;
    cs_error err = CS_ERROR_INIT;
    const cs_topology_options o = {2011};
    if (cs_topology_load(&t, CS_SOURCE_DIR "/topology/japan.geojson", &o, &err) != CS_OK)
        fail_msg("japan: %s", err.msg);
    cs_hazard_t *h = parse_ok(t, "type: earthquake\nepicentre: [142.37, 38.30]\nmagnitude: 9.0\n"
                                 "rupture_length_km: 500\nfault: [[144.6, 41.0], [144.3, 39.5], "
                                 "[143.9, 38.0], [143.4, 37.0], [142.5, 35.8], [142.1, 34.2]]\n");
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
    cs_library_init();
    /* CS_TEST_FILTER=test_quake* runs a subset (cmocka's wildcard pattern). */
    const char *filter = getenv("CS_TEST_FILTER");
    if (filter != NULL) cmocka_set_test_filter(filter);
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
        cmocka_unit_test(test_fragility_curve),
        cmocka_unit_test(test_quake_distances),
        cmocka_unit_test(test_gutenberg_richter),
        cmocka_unit_test(test_quake_fault),
        cmocka_unit_test(test_flow_fixed_runout),
        cmocka_unit_test(test_hazard_events),
        cmocka_unit_test(test_hazard_events_targets),
        cmocka_unit_test(test_flow_lognormal_and_trigger),
        cmocka_unit_test(test_sabotage_uniform_capacity),
        cmocka_unit_test(test_sabotage_traffic),
        cmocka_unit_test(test_sabotage_greedy),
        cmocka_unit_test(test_sabotage_greedy_tie),
        cmocka_unit_test(test_anchor_drag),
        cmocka_unit_test(test_anchor_depth),
        cmocka_unit_test(test_anchor_boso),
        cmocka_unit_test(test_station_attack),
        cmocka_unit_test(test_explicit),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_japan_tohoku),
        cmocka_unit_test(test_keefer_halfwidth),
        cmocka_unit_test(test_quake_slope_breaks),
        cmocka_unit_test(test_quake_slope_plane),
        cmocka_unit_test(test_segs_distance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
