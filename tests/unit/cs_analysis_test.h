/*
 * cs_analysis_test.h: the fixture of the tests of the reader, `analyze` and `compare`
 * (test_analysis*.c): results files written with the cs_results writer from hand-made trials
 * whose statistics are worked out by hand in the tests.
 *
 * The network: Tokyo and Osaka (Japan), landing stations Boso A (jp-a) and Shima B (jp-b),
 * Hermosa (us-l) and Los Angeles, Tseung Kwan O (hk-h) and Hong Kong. Edges: 0 pac:1 jp-a-us-l
 * (cable PAC, lit 8, design 10), 1 asia:1 jp-a-hk-h and 2 asia:2 jp-b-hk-h (one cable ASIA of
 * two segments, lit 5, design 6), 3-7 links. Demands: 0 Tokyo-LA 4, 1 Osaka-HK 2, 2 Tokyo-Osaka 1
 * (domestic). Pairs: 0 (Tokyo, US West Coast), 1 (Osaka, Hong Kong).
 *
 * The eight hand trials ("-" none; served d0 d1 d2; unserved; pair cuts):
 *   t0  -                      4   2   1     0      -
 *   t1  pac:1                  0   2   1     4      p0
 *   t2  asia:1                 4   2   1     0      -
 *   t3  asia:2                 4 1.5   1   0.5      -
 *   t4  station jp-b           4   0   0     3      p1
 *   t5  pac:1, asia:2          0 1.5   1   4.5      p0
 *   t6  -                      4   2   1     0      -
 *   t7  asia:1, asia:2         4   0   1     2      p1
 * Unserved: sum 14, mean 1.75, squared deviations sum to 25 (sd 5/sqrt 7); sorted
 * 0 0 0 0.5 2 3 4 4.5.
 */
#ifndef CS_ANALYSIS_TEST_H
#define CS_ANALYSIS_TEST_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <hdf5.h>
#include <jansson.h>

#include "cablesim/analysis.h"
#include "cablesim/results.h"
#include "cablesim/resultsio.h"
#include "cs_test.h"

#define NE  8
#define NN  8
#define ND  3
#define NP  2
#define Z95 1.959963984540054
#define EPS 1e-12

static const char topo_json[] =
    "{\"type\": \"FeatureCollection\", \"features\": [\n"
    "{\"type\": \"Feature\", \"properties\": {\"kind\": \"city\", \"id\": \"city-tokyo\", "
    "\"name\": \"Tokyo\", \"country\": \"JP\", \"region\": \"Japan\", \"source\": \"fixture\"}, "
    "\"geometry\": {\"type\": \"Point\", \"coordinates\": [139.69, 35.69]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"kind\": \"city\", \"id\": \"city-osaka\", "
    "\"name\": \"Osaka\", \"country\": \"JP\", \"region\": \"Japan\", \"source\": \"fixture\"}, "
    "\"geometry\": {\"type\": \"Point\", \"coordinates\": [135.5, 34.69]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"kind\": \"landing_station\", \"id\": \"jp-a\", "
    "\"name\": \"Boso A\", \"country\": \"JP\", \"source\": \"fixture\"}, "
    "\"geometry\": {\"type\": \"Point\", \"coordinates\": [139.95, 34.98]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"kind\": \"landing_station\", \"id\": \"jp-b\", "
    "\"name\": \"Shima B\", \"country\": \"JP\", \"source\": \"fixture\"}, "
    "\"geometry\": {\"type\": \"Point\", \"coordinates\": [136.87, 34.34]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"kind\": \"landing_station\", \"id\": \"us-l\", "
    "\"name\": \"Hermosa\", \"country\": \"US\", \"source\": \"fixture\"}, "
    "\"geometry\": {\"type\": \"Point\", \"coordinates\": [-118.4, 33.86]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"kind\": \"city\", \"id\": \"city-la\", "
    "\"name\": \"Los Angeles\", \"country\": \"US\", \"region\": \"US West Coast\", \"source\": "
    "\"fixture\"}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [-118.24, 34.05]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"kind\": \"landing_station\", \"id\": \"hk-h\", "
    "\"name\": \"Tseung Kwan O\", \"country\": \"HK\", \"source\": \"fixture\"}, "
    "\"geometry\": {\"type\": \"Point\", \"coordinates\": [114.26, 22.3]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"kind\": \"city\", \"id\": \"city-hk\", "
    "\"name\": \"Hong Kong\", \"country\": \"HK\", \"region\": \"Hong Kong\", \"source\": "
    "\"fixture\"}, \"geometry\": {\"type\": \"Point\", \"coordinates\": [114.17, 22.32]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"kind\": \"segment\", \"id\": \"pac:1\", \"from\": "
    "\"jp-a\", \"to\": \"us-l\", \"cable\": \"PAC\", \"cable_name\": \"Pacific, test\", "
    "\"capacity_tbps\": 10.0, \"lit_tbps\": 8.0, \"rfs\": 2001, \"source\": \"fixture\"}, "
    "\"geometry\": {\"type\": \"LineString\", \"coordinates\": [[139.95, 34.98], [-118.4, "
    "33.86]]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"kind\": \"segment\", \"id\": \"asia:1\", \"from\": "
    "\"jp-a\", \"to\": \"hk-h\", \"cable\": \"ASIA\", \"capacity_tbps\": 6.0, \"lit_tbps\": 5.0, "
    "\"rfs\": 2003, \"source\": \"fixture\"}, \"geometry\": {\"type\": \"LineString\", "
    "\"coordinates\": [[139.95, 34.98], [114.26, 22.3]]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"kind\": \"segment\", \"id\": \"asia:2\", \"from\": "
    "\"jp-b\", \"to\": \"hk-h\", \"cable\": \"ASIA\", \"capacity_tbps\": 6.0, \"lit_tbps\": 5.0, "
    "\"rfs\": 2003, \"source\": \"fixture\"}, \"geometry\": {\"type\": \"LineString\", "
    "\"coordinates\": [[136.87, 34.34], [114.26, 22.3]]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"kind\": \"link\", \"id\": \"link:tokyo-a\", "
    "\"from\": \"city-tokyo\", \"to\": \"jp-a\", \"capacity_tbps\": 100.0, \"rfs\": 1990, "
    "\"source\": \"fixture\"}, \"geometry\": {\"type\": \"LineString\", \"coordinates\": "
    "[[139.69, 35.69], [139.95, 34.98]]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"kind\": \"link\", \"id\": \"link:osaka-b\", "
    "\"from\": \"city-osaka\", \"to\": \"jp-b\", \"capacity_tbps\": 100.0, \"rfs\": 1990, "
    "\"source\": \"fixture\"}, \"geometry\": {\"type\": \"LineString\", \"coordinates\": "
    "[[135.5, 34.69], [136.87, 34.34]]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"kind\": \"link\", \"id\": \"link:tokyo-b\", "
    "\"from\": \"city-tokyo\", \"to\": \"jp-b\", \"capacity_tbps\": 100.0, \"rfs\": 1990, "
    "\"source\": \"fixture\"}, \"geometry\": {\"type\": \"LineString\", \"coordinates\": "
    "[[139.69, 35.69], [136.87, 34.34]]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"kind\": \"link\", \"id\": \"link:la-l\", "
    "\"from\": \"city-la\", \"to\": \"us-l\", \"capacity_tbps\": 100.0, \"rfs\": 1990, "
    "\"source\": \"fixture\"}, \"geometry\": {\"type\": \"LineString\", \"coordinates\": "
    "[[-118.24, 34.05], [-118.4, 33.86]]}},\n"
    "{\"type\": \"Feature\", \"properties\": {\"kind\": \"link\", \"id\": \"link:hk-h\", "
    "\"from\": \"city-hk\", \"to\": \"hk-h\", \"capacity_tbps\": 100.0, \"rfs\": 1990, "
    "\"source\": \"fixture\"}, \"geometry\": {\"type\": \"LineString\", \"coordinates\": "
    "[[114.17, 22.32], [114.26, 22.3]]}}\n"
    "]}\n";

static const char demand_csv[] = "origin,destination,demand_tbps\n"
                                 "city-tokyo,city-la,4.0\n"
                                 "city-osaka,city-hk,2.0\n"
                                 "city-tokyo,city-osaka,1.0\n";

/* The same pairs with another Tokyo-LA demand: compare must refuse it. */
static const char demand_other_csv[] = "origin,destination,demand_tbps\n"
                                       "city-tokyo,city-la,4.5\n"
                                       "city-osaka,city-hk,2.0\n"
                                       "city-tokyo,city-osaka,1.0\n";

/* ------------------------------------------------------------ hand trials */

#define NT 8
static const double T_SERVED[NT][ND] = {{4, 2, 1}, {0, 2, 1},   {4, 2, 1}, {4, 1.5, 1},
                                        {4, 0, 0}, {0, 1.5, 1}, {4, 2, 1}, {4, 0, 1}};
static const double T_UNSERVED[NT] = {0, 4, 0, 0.5, 3, 4.5, 0, 2};
static const unsigned char T_CUT[NT][NP] = {{0, 0}, {1, 0}, {0, 0}, {0, 0},
                                            {0, 1}, {1, 0}, {0, 0}, {0, 1}};
/* Edge flows: pac:1, asia:1, asia:2, link:tokyo-a, link:osaka-b, link:tokyo-b, link:la-l,
 * link:hk-h. Row 0 is the baseline too. */
static const double T_FLOW[NT][NE] = {{4, 0, 2, 4, 3, 0, 4, 2}, {0, 0, 2, 0, 3, 0, 0, 2},
                                      {4, 0, 2, 4, 3, 0, 4, 2}, {4, 1.5, 0, 5.5, 1, 0, 4, 1.5},
                                      {4, 0, 0, 4, 0, 0, 4, 0}, {0, 1.5, 0, 1.5, 1, 0, 0, 1.5},
                                      {4, 0, 2, 4, 3, 0, 4, 2}, {8, 0, 0, 8, 1, 0, 8, 0}};
static const double BASE_LAT[ND] = {50, 30, 5};

static inline double t_latency(size_t t, size_t d)
{
    if (T_SERVED[t][d] == 0) return NAN;
    return d == 1 && T_SERVED[t][d] == 1.5 ? 45.0 : BASE_LAT[d];
}

static inline void t_failures(cs_failures *f, size_t t)
{
    cs_failures_clear(f);
    if (t == 1 || t == 5) cs_failures_fail_edge(f, 0);
    if (t == 2 || t == 7) cs_failures_fail_edge(f, 1);
    if (t == 3 || t == 5 || t == 7) cs_failures_fail_edge(f, 2);
    if (t == 4) cs_failures_fail_node(f, 3);
}

/* ------------------------------------------------------------ file writer */

typedef enum { HAND, QUANTILES } trial_set;

/* What a fixture file holds. */
typedef struct {
    trial_set set;
    uint64_t seed;
    size_t trials; /* trials written; the scenario's count is NT or 100 */
    bool complete;
    bool design; /* scenario `capacity: design` */
    bool flows, latency;
    double shift; /* added to every trial's unserved, taken from demand 2 when served */
    const char *demand;
    size_t batch;
} spec;

static inline spec hand_spec(void)
{
    return (spec){HAND, 311, NT, true, false, true, true, 0.0, demand_csv, 3};
}

static inline void rr_init(cs_routing_result *r)
{
    memset(r, 0, sizeof *r);
    r->n_demands = ND;
    r->n_edges = NE;
    r->served_tbps = calloc(ND, sizeof(double));
    r->latency_ms = calloc(ND, sizeof(double));
    r->edge_flow_tbps = calloc(NE, sizeof(double));
    r->connected = calloc(ND, 1);
    assert_true(r->served_tbps && r->latency_ms && r->edge_flow_tbps && r->connected);
}

static inline void rr_destroy(cs_routing_result *r)
{
    free(r->served_tbps);
    free(r->latency_ms);
    free(r->edge_flow_tbps);
    free(r->connected);
}

/* Fills r, f and cut with trial t of the spec's set. */
static inline void make_trial(const spec *s, size_t t, cs_routing_result *r, cs_failures *f,
                              unsigned char *cut)
{
    if (s->set == HAND) {
        t_failures(f, t);
        for (size_t d = 0; d < ND; d++) {
            r->served_tbps[d] = T_SERVED[t][d];
            r->latency_ms[d] = t_latency(t, d);
        }
        memcpy(r->edge_flow_tbps, T_FLOW[t], sizeof T_FLOW[t]);
        r->unserved_tbps = T_UNSERVED[t];
        memcpy(cut, T_CUT[t], NP);
    } else {
        /* 100 trials, no failure; Tokyo-LA loses 0.00 .. 0.99 Tbps, each value once. */
        cs_failures_clear(f);
        const double u = 0.01 * (double)((t * 37) % 100);
        r->served_tbps[0] = 4.0 - u;
        r->served_tbps[1] = 2.0;
        r->served_tbps[2] = 1.0;
        for (size_t d = 0; d < ND; d++)
            r->latency_ms[d] = BASE_LAT[d];
        memcpy(r->edge_flow_tbps, T_FLOW[0], sizeof T_FLOW[0]);
        r->unserved_tbps = u;
        memset(cut, 0, NP);
    }
    r->unserved_tbps += s->shift;
    if (r->served_tbps[2] > 0) r->served_tbps[2] -= s->shift;
}

static inline void write_results(const char *path, const spec *s)
{
    cs_error err = CS_ERROR_INIT;
    cs_topology_t *topo = NULL;
    cs_demand_t *dem = NULL;
    assert_int_equal(cs_topology_load_string(&topo, topo_json, "analysis.geojson", NULL, &err),
                     CS_OK);
    assert_int_equal(cs_demand_load_string(&dem, s->demand, "analysis.csv", topo, &err), CS_OK);
    const size_t total = s->set == HAND ? NT : 100;
    char text[256];
    snprintf(text, sizeof text, "name: unit-analysis\ntrials: %zu\nseed: %llu\ncapacity: %s\n",
             total, (unsigned long long)s->seed, s->design ? "design" : "lit");
    cs_scenario sc;
    memset(&sc, 0, sizeof sc);
    sc.name = "unit-analysis";
    sc.description = "";
    sc.as_of = 2025;
    sc.trials = total;
    sc.seed = s->seed;
    sc.routing = (cs_routing_options)CS_ROUTING_OPTIONS_INIT;
    sc.routing.use_lit = !s->design; /* as the text says: the file records the run's setting */
    sc.output = (cs_output_options){s->flows, s->latency, 1, s->batch, false, 2};
    sc.text = text;
    cs_routing_result base;
    rr_init(&base);
    for (size_t d = 0; d < ND; d++) {
        base.served_tbps[d] = cs_demand_entry_at(dem, d)->demand_tbps;
        base.latency_ms[d] = BASE_LAT[d];
    }
    memcpy(base.edge_flow_tbps, T_FLOW[0], sizeof T_FLOW[0]);
    base.unserved_tbps = 0.0;
    const size_t origin[NP] = {0, 1};
    const char *region[NP] = {"US West Coast", "Hong Kong"};
    const cs_pair_table pairs = {NP, origin, region};
    const cs_results_meta meta = {.scenario = &sc,
                                  .topology = topo,
                                  .demand = dem,
                                  .baseline = &base,
                                  .pairs = &pairs,
                                  .software_version = "0.0.0-test",
                                  .created = "2026-11-28T00:00:00Z"};
    cs_results_t *w = NULL;
    assert_int_equal(cs_results_create(&w, path, &meta, &err), CS_OK);
    cs_trial_batch b;
    assert_int_equal(cs_trial_batch_init(&b, s->batch, ND, NE, NN, NP, s->flows, &err), CS_OK);
    cs_failures f;
    assert_int_equal(cs_failures_init(&f, NE, NN, &err), CS_OK);
    cs_routing_result r;
    rr_init(&r);
    unsigned char cut[NP];
    cs_trial_batch_reset(&b, 0);
    for (size_t t = 0; t < s->trials; t++) {
        make_trial(s, t, &r, &f, cut);
        assert_int_equal(cs_trial_batch_add(&b, &f, &r, cut, &err), CS_OK);
        if (b.n == b.capacity || t + 1 == s->trials) {
            assert_int_equal(cs_results_write_batch(w, &b, &err), CS_OK);
            cs_trial_batch_reset(&b, t + 1);
        }
    }
    assert_int_equal(cs_results_close(w, s->complete, &err), CS_OK);
    rr_destroy(&r);
    rr_destroy(&base);
    cs_failures_destroy(&f);
    cs_trial_batch_destroy(&b);
    cs_demand_free(dem);
    cs_topology_free(topo);
}

/* Opens path and analyses it with options o (NULL: defaults). */
static inline void analyse(const char *path, const cs_analysis_options *o, cs_resultsio_t **r,
                           cs_analysis_t **a)
{
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_resultsio_open(r, path, &err), CS_OK);
    if (cs_analysis_run(a, *r, o, &err) != CS_OK) fail_msg("%s", err.msg);
}

static inline void assert_prop(const cs_proportion *p, uint64_t k, uint64_t n)
{
    assert_int_equal(p->k, k);
    assert_int_equal(p->n, n);
    if (n > 0) assert_near(p->p, (double)k / (double)n, EPS);
}

/* The Wilson interval against its formula, and 2 of 8 against the published (0.0715, 0.5907). */

#endif /* CS_ANALYSIS_TEST_H */
