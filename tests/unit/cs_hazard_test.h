/*
 * cs_hazard_test.h: fixtures of the tests of the failure models (test_hazards*.c): hand-made
 * topologies built as GeoJSON strings (tnode, tedge, SEG, LINK), parsing a hazard, sampling it
 * over many trials with one stream per trial as the engine draws them, the binomial check of a
 * frequency against its formula, and the sabotage network that several tests share.
 */
#ifndef CS_HAZARD_TEST_H
#define CS_HAZARD_TEST_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cs_test.h"

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
static inline cs_status hz_sample(const cs_hazard_t *h, const cs_hazard_env *env, gsl_rng *rng,
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

static inline const tnode *find_tnode(const tnode *n, size_t nn, const char *id)
{
    for (size_t i = 0; i < nn; i++)
        if (strcmp(n[i].id, id) == 0) return &n[i];
    fail_msg("fixture names unknown node %s", id);
    return NULL;
}

static inline size_t put(char *s, size_t cap, size_t k, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int w = vsnprintf(s + k, cap - k, fmt, ap);
    va_end(ap);
    assert_true(w >= 0 && (size_t)w < cap - k);
    return k + (size_t)w;
}

static inline char *geojson(const tnode *n, size_t nn, const tedge *e, size_t ne)
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

static inline cs_topology_t *make_topology(const tnode *n, size_t nn, const tedge *e, size_t ne)
{
    char *json = geojson(n, nn, e, ne);
    cs_topology_t *t = NULL;
    cs_error err = CS_ERROR_INIT;
    if (cs_topology_load_string(&t, json, "fixture.geojson", NULL, &err) != CS_OK)
        fail_msg("fixture topology: %s", err.msg);
    free(json);
    return t;
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

static inline cs_hazard_t *parse_ok(const cs_topology_t *t, const char *yaml)
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

static inline void parse_fails(const cs_topology_t *t, const char *yaml, const char *fragment)
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

static inline counts run(const cs_topology_t *t, cs_hazard_t *const *hz, size_t nh,
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

static inline counts run1(const cs_topology_t *t, cs_hazard_t *h, size_t n)
{
    return run(t, &h, 1, NULL, n, NULL);
}

static inline void uncount(counts *c)
{
    free(c->edge);
    free(c->node);
}

/* k successes in n trials must lie within 4 standard deviations of n p. */
static inline void assert_binomial(size_t k, size_t n, double p, const char *what)
{
    const double mean = (double)n * p, sd = sqrt((double)n * p * (1.0 - p));
    if (fabs((double)k - mean) > 4.0 * sd + 1e-9)
        fail_msg("%s: %zu of %zu, expected %.2f +- %.2f (p = %.6f)", what, k, n, mean, 4 * sd, p);
}

/* Samples h for trial `trial` into f (initialised by the caller, cleared here). */
static inline void sample_trial(const cs_topology_t *t, const cs_hazard_t *h, uint64_t trial,
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

/* The start of each test program: the library, and CS_TEST_FILTER=test_quake* to run a subset
 * (cmocka's wildcard pattern). */
static inline void cs_hazard_test_init(void)
{
    cs_library_init();
    const char *filter = getenv("CS_TEST_FILTER");
    if (filter != NULL) cmocka_set_test_filter(filter);
}

#endif /* CS_HAZARD_TEST_H */
