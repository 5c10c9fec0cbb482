/* test_engine.c: the trial loop: exactness of the shortcuts, split invariance, summaries. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <hdf5.h>

#include "cablesim/engine.h"
#include "cablesim/results.h"
#include "cablesim/rng.h"
#include "cs_test.h"

/* Random faults frequent enough that most trials fail something: window of a
 * year at 0.05 faults per 1000 km-year gives p ~ 0.36 on a 9,000 km segment. */
static const char *const random_scenario = "name: engine-test\n"
                                           "topology: engine-topo.geojson\n"
                                           "demand: engine-demand.csv\n"
                                           "as_of: 2011\n"
                                           "trials: 300\n"
                                           "seed: 4242\n"
                                           "capacity: lit\n"
                                           "output:\n"
                                           "  batch_trials: 64\n"
                                           "hazards:\n"
                                           "  - type: random_faults\n"
                                           "    window_days: 365\n"
                                           "    rate_deep: 0.05\n"
                                           "    rate_shallow: 0.05\n";

static cs_scenario *load_scenario(const char *text, const char *const *sets, size_t nsets)
{
    cs_error err = CS_ERROR_INIT;
    cs_scenario *s = NULL;
    const cs_status rc = cs_scenario_load_string(&s, text, "engine-test.yaml", CS_TEST_DATA, sets,
                                                 nsets, 2026, &err);
    if (rc != CS_OK) fail_msg("scenario: %s", err.msg);
    return s;
}

static cs_engine_t *make_engine(const cs_scenario *s)
{
    cs_error err = CS_ERROR_INIT;
    cs_engine_t *e = NULL;
    if (cs_engine_alloc(&e, s, &err) != CS_OK) fail_msg("engine: %s", err.msg);
    return e;
}

static void assert_same_routing(const cs_routing_result *a, const cs_routing_result *b)
{
    assert_int_equal(a->n_demands, b->n_demands);
    assert_int_equal(a->n_edges, b->n_edges);
    /* Bit-identical, NaN latencies included. */
    assert_memory_equal(a->served_tbps, b->served_tbps, a->n_demands * sizeof(double));
    assert_memory_equal(a->latency_ms, b->latency_ms, a->n_demands * sizeof(double));
    assert_memory_equal(a->edge_flow_tbps, b->edge_flow_tbps, a->n_edges * sizeof(double));
    assert_memory_equal(a->connected, b->connected, a->n_demands);
    assert_memory_equal(&a->unserved_tbps, &b->unserved_tbps, sizeof(double));
}

/* The intact shortcut and the cache give exactly what routing again gives,
 * whatever order the trials run in (so whatever the cache holds). */
static void test_shortcuts_are_exact(void **state)
{
    (void)state;
    cs_scenario *s = load_scenario(random_scenario, NULL, 0);
    cs_engine_t *e = make_engine(s);
    const cs_topology_t *t = cs_engine_topology(e);
    const size_t ne = cs_topology_edge_count(t), nd = cs_demand_count(cs_engine_demand(e));
    cs_error err = CS_ERROR_INIT;
    cs_router_t *direct = NULL;
    assert_int_equal(cs_router_alloc(&direct, t, cs_engine_demand(e), &s->routing, &err), CS_OK);
    cs_failures f;
    cs_routing_result r, want;
    assert_int_equal(cs_failures_init(&f, ne, cs_topology_node_count(t), &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&r, nd, ne, &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&want, nd, ne, &err), CS_OK);
    unsigned char cut[16];
    size_t with_failures = 0;
    for (int pass = 0; pass < 2; pass++)
        for (uint64_t k = 0; k < s->trials; k++) {
            const uint64_t trial = pass == 0 ? k : s->trials - 1 - k;
            assert_int_equal(cs_engine_trial(e, trial, &f, &r, cut, &err), CS_OK);
            assert_int_equal(cs_router_route(direct, &f, &want, &err), CS_OK);
            assert_same_routing(&r, &want);
            with_failures += f.n_edges > 0;
            /* every failed edge has a cut, and every cut a place on its route and a depth */
            assert_true(f.n_cuts >= f.n_edges);
            for (size_t i = 0; i < f.n_cuts; i++) {
                const cs_cut *c = &f.cuts[i];
                assert_true(f.edge_failed[c->edge]);
                assert_int_equal(c->hazard, 0);
                assert_true(c->depth_m > 0.0);
                const cs_edge *ed = cs_topology_edge(t, c->edge);
                assert_true(cs_geo_point_polyline_distance_km(c->at, ed->pts, ed->npts) < 1e-6);
            }
        }
    /* The scenario must exercise the paths that matter: most trials fail something. */
    assert_true(with_failures > s->trials);
    cs_routing_result_destroy(&r);
    cs_routing_result_destroy(&want);
    cs_failures_destroy(&f);
    cs_router_free(direct);
    cs_engine_free(e);
    cs_scenario_free(s);
}

/* Reads a whole double dataset. */
static double *read_doubles(hid_t file, const char *name, size_t *n)
{
    const hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
    assert_true(d >= 0);
    const hid_t sp = H5Dget_space(d);
    const hssize_t count = H5Sget_simple_extent_npoints(sp);
    double *buf = malloc(((size_t)count + 1) * sizeof *buf);
    assert_non_null(buf);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    H5Sclose(sp);
    H5Dclose(d);
    *n = (size_t)count;
    return buf;
}

static unsigned long long *read_u64(hid_t file, const char *name, size_t *n)
{
    const hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
    assert_true(d >= 0);
    const hid_t sp = H5Dget_space(d);
    const hssize_t count = H5Sget_simple_extent_npoints(sp);
    unsigned long long *buf = malloc(((size_t)count + 1) * sizeof *buf);
    assert_non_null(buf);
    assert_true(H5Dread(d, H5T_NATIVE_ULLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    H5Sclose(sp);
    H5Dclose(d);
    *n = (size_t)count;
    return buf;
}

/* Runs the scenario into path, as consecutive ranges of trials split at cuts[]. */
static void run_split(const cs_scenario *s, const char *path, const uint64_t *cuts, size_t ncuts,
                      cs_run_summary *sum_out)
{
    cs_engine_t *e = make_engine(s);
    cs_error err = CS_ERROR_INIT;
    cs_results_t *w = NULL;
    const cs_results_meta meta = {s,
                                  cs_engine_topology(e),
                                  cs_engine_demand(e),
                                  cs_engine_baseline(e),
                                  cs_engine_pairs(e),
                                  "test",
                                  "2026-01-01T00:00:00Z",
                                  0,
                                  0,
                                  NULL};
    assert_int_equal(cs_results_create(&w, path, &meta, &err), CS_OK);
    cs_run_summary sum;
    assert_int_equal(cs_run_summary_init(&sum, e, &err), CS_OK);
    uint64_t start = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        const uint64_t end = i < ncuts ? cuts[i] : s->trials;
        cs_engine_options o = CS_ENGINE_OPTIONS_INIT;
        o.first_trial = start;
        o.n_trials = end - start;
        o.cache_slots = 7 + 13 * i; /* a different cache in every range */
        assert_int_equal(cs_engine_run(e, w, &o, &sum, &err), CS_OK);
        start = end;
    }
    assert_int_equal(cs_results_close(w, true, &err), CS_OK);
    if (sum_out != NULL) {
        *sum_out = sum;
        /* the caller only reads the scalars */
        sum_out->region_cut = NULL;
        sum_out->demand_unserved_trials = NULL;
        sum_out->served_sum = NULL;
    }
    cs_run_summary_destroy(&sum);
    cs_engine_free(e);
}

static void compare_files(const char *a, const char *b)
{
    static const char *const doubles[] = {"/trials/served_tbps", "/trials/latency_ms",
                                          "/trials/unserved_tbps", "/trials/edge_flow_tbps"};
    static const char *const ints[] = {"/trials/failed_offsets", "/trials/failed_edges",
                                       "/trials/failed_node_offsets"};
    const hid_t fa = H5Fopen(a, H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t fb = H5Fopen(b, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(fa >= 0 && fb >= 0);
    for (size_t i = 0; i < sizeof doubles / sizeof *doubles; i++) {
        size_t na, nb;
        double *x = read_doubles(fa, doubles[i], &na), *y = read_doubles(fb, doubles[i], &nb);
        assert_int_equal(na, nb);
        assert_memory_equal(x, y, na * sizeof *x);
        free(x);
        free(y);
    }
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
        size_t na, nb;
        unsigned long long *x = read_u64(fa, ints[i], &na), *y = read_u64(fb, ints[i], &nb);
        assert_int_equal(na, nb);
        assert_memory_equal(x, y, na * sizeof *x);
        free(x);
        free(y);
    }
    H5Fclose(fa);
    H5Fclose(fb);
}

/* Any split of the trials gives bit-identical datasets. */
static void test_splits_are_bit_identical(void **state)
{
    (void)state;
    cs_scenario *s = load_scenario(random_scenario, NULL, 0);
    char a[64], b[64], c[64];
    snprintf(a, sizeof a, "engine-split-a-%d.h5", (int)getpid());
    snprintf(b, sizeof b, "engine-split-b-%d.h5", (int)getpid());
    snprintf(c, sizeof c, "engine-split-c-%d.h5", (int)getpid());
    const uint64_t two[] = {137}, many[] = {1, 2, 64, 65, 200, 299};
    cs_run_summary sa, sb;
    run_split(s, a, NULL, 0, &sa);
    run_split(s, b, two, 1, &sb);
    run_split(s, c, many, 6, NULL);
    compare_files(a, b);
    compare_files(a, c);
    assert_int_equal(sa.trials, 300);
    assert_memory_equal(&sa.mean_unserved, &sb.mean_unserved, sizeof(double));
    assert_int_equal(sa.worst_trial, sb.worst_trial);
    remove(a);
    remove(b);
    remove(c);
    cs_scenario_free(s);
}

/* The summary agrees with statistics computed from the trials themselves. */
static void test_summary_matches_trials(void **state)
{
    (void)state;
    cs_scenario *s = load_scenario(random_scenario, NULL, 0);
    cs_engine_t *e = make_engine(s);
    cs_error err = CS_ERROR_INIT;
    cs_run_summary sum;
    assert_int_equal(cs_run_summary_init(&sum, e, &err), CS_OK);
    assert_int_equal(cs_engine_run(e, NULL, NULL, &sum, &err), CS_OK);
    const cs_topology_t *t = cs_engine_topology(e);
    const size_t ne = cs_topology_edge_count(t), nd = cs_demand_count(cs_engine_demand(e));
    const cs_pair_table *pairs = cs_engine_pairs(e);
    cs_failures f;
    cs_routing_result r;
    assert_int_equal(cs_failures_init(&f, ne, cs_topology_node_count(t), &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&r, nd, ne, &err), CS_OK);
    unsigned char cut[16];
    double sum_x = 0, max_x = -1;
    uint64_t worst = 0, la_cut = 0;
    for (uint64_t k = 0; k < s->trials; k++) {
        assert_int_equal(cs_engine_trial(e, k, &f, &r, cut, &err), CS_OK);
        sum_x += r.unserved_tbps;
        if (r.unserved_tbps > max_x) max_x = r.unserved_tbps, worst = k;
        /* US West Coast is cut off when both Tokyo's and Osaka's pairs are. */
        bool all = true;
        for (size_t p = 0; p < pairs->n; p++)
            if (strcmp(pairs->region[p], "US West Coast") == 0 && !cut[p]) all = false;
        la_cut += all;
        /* invariants: served within demand, unserved consistent */
        double served = 0;
        for (size_t i = 0; i < nd; i++) {
            assert_true(r.served_tbps[i] >= 0.0);
            assert_true(r.served_tbps[i] <=
                        cs_demand_entry_at(cs_engine_demand(e), i)->demand_tbps + 1e-12);
            served += r.served_tbps[i];
        }
        assert_near(served + r.unserved_tbps, cs_demand_total(cs_engine_demand(e)), 1e-9);
    }
    assert_int_equal(sum.trials, s->trials);
    assert_near(sum.mean_unserved, sum_x / (double)s->trials, 1e-12);
    assert_near(sum.max_unserved, max_x, 0.0);
    assert_int_equal(sum.worst_trial, worst);
    assert_int_equal(pairs->n, 4); /* Tokyo and Osaka x (US West Coast, Hong Kong) */
    size_t us = SIZE_MAX;
    for (size_t g = 0; g < sum.n_regions; g++)
        if (strcmp(sum.regions[g], "US West Coast") == 0) us = g;
    assert_true(us != SIZE_MAX);
    assert_int_equal(sum.region_cut[us], la_cut);
    assert_true(la_cut > 0 && la_cut < s->trials);
    assert_int_equal(sum.skipped + sum.cache_hits + sum.routed >= s->trials, 1);
    cs_routing_result_destroy(&r);
    cs_failures_destroy(&f);
    cs_run_summary_destroy(&sum);
    cs_engine_free(e);
    cs_scenario_free(s);
}

/* Summaries of disjoint ranges merged in any order equal one run's summary. */
static void test_summary_merge(void **state)
{
    (void)state;
    cs_scenario *s = load_scenario(random_scenario, NULL, 0);
    cs_engine_t *e = make_engine(s);
    cs_error err = CS_ERROR_INIT;
    cs_run_summary whole, part[3], merged;
    assert_int_equal(cs_run_summary_init(&whole, e, &err), CS_OK);
    assert_int_equal(cs_run_summary_init(&merged, e, &err), CS_OK);
    assert_int_equal(cs_engine_run(e, NULL, NULL, &whole, &err), CS_OK);
    const uint64_t cut[4] = {0, 97, 211, 300};
    for (int k = 0; k < 3; k++) {
        assert_int_equal(cs_run_summary_init(&part[k], e, &err), CS_OK);
        cs_engine_options o = CS_ENGINE_OPTIONS_INIT;
        o.first_trial = cut[k];
        o.n_trials = cut[k + 1] - cut[k];
        assert_int_equal(cs_engine_run(e, NULL, &o, &part[k], &err), CS_OK);
    }
    /* out of order, as blocks arrive from ranks */
    assert_int_equal(cs_run_summary_merge(&merged, &part[2], &err), CS_OK);
    assert_int_equal(cs_run_summary_merge(&merged, &part[0], &err), CS_OK);
    assert_int_equal(cs_run_summary_merge(&merged, &part[1], &err), CS_OK);
    assert_int_equal(merged.trials, 300);
    assert_near(merged.mean_unserved, whole.mean_unserved, 1e-12);
    assert_near(merged.m2_unserved, whole.m2_unserved, 1e-9 * (1.0 + whole.m2_unserved));
    assert_true(whole.m2_unserved > 0.0);
    assert_near(merged.max_unserved, whole.max_unserved, 0.0);
    assert_int_equal(merged.worst_trial, whole.worst_trial);
    for (size_t g = 0; g < whole.n_regions; g++)
        assert_int_equal(merged.region_cut[g], whole.region_cut[g]);
    for (size_t i = 0; i < whole.n_demands; i++) {
        assert_int_equal(merged.demand_unserved_trials[i], whole.demand_unserved_trials[i]);
        assert_near(merged.served_sum[i], whole.served_sum[i], 1e-9);
    }
    /* Ties go to the lower trial index whichever side it comes from. */
    cs_run_summary a, b;
    assert_int_equal(cs_run_summary_init(&a, e, &err), CS_OK);
    assert_int_equal(cs_run_summary_init(&b, e, &err), CS_OK);
    a.trials = b.trials = 1;
    a.max_unserved = b.max_unserved = 2.75;
    a.worst_trial = 40;
    b.worst_trial = 12;
    assert_int_equal(cs_run_summary_merge(&a, &b, &err), CS_OK);
    assert_int_equal(a.worst_trial, 12);
    b.worst_trial = 77;
    assert_int_equal(cs_run_summary_merge(&a, &b, &err), CS_OK);
    assert_int_equal(a.worst_trial, 12);
    assert_near(a.m2_unserved, 0.0, 0.0);
    /* Summaries of different engines do not merge. */
    b.n_demands++;
    assert_int_equal(cs_run_summary_merge(&a, &b, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "run summary merge: expected"));
    b.n_demands--;
    for (int k = 0; k < 3; k++)
        cs_run_summary_destroy(&part[k]);
    cs_run_summary_destroy(&a);
    cs_run_summary_destroy(&b);
    cs_run_summary_destroy(&merged);
    cs_run_summary_destroy(&whole);
    cs_engine_free(e);
    cs_scenario_free(s);
}

/* An explicit cut of both trans-Pacific cables, on the network of 2015 (OLD-1
 * retired in 2012): Los Angeles is unreachable in every trial and exactly its
 * demand (7.5 + 4.25 Tbps) is unserved; Hong Kong's 5.25 Tbps fits on 9 Tbps lit. */
static void test_explicit_cut(void **state)
{
    (void)state;
    static const char text[] = "name: pacific-cut\n"
                               "topology: engine-topo.geojson\n"
                               "demand: engine-demand.csv\n"
                               "as_of: 2015\n"
                               "trials: 5\n"
                               "hazards:\n"
                               "  - type: explicit\n"
                               "    cables: [PAC-1, PAC-2]\n";
    cs_scenario *s = load_scenario(text, NULL, 0);
    cs_engine_t *e = make_engine(s);
    cs_error err = CS_ERROR_INIT;
    cs_run_summary sum;
    assert_int_equal(cs_run_summary_init(&sum, e, &err), CS_OK);
    assert_int_equal(cs_engine_run(e, NULL, NULL, &sum, &err), CS_OK);
    assert_near(sum.mean_unserved, 11.75, 1e-12);
    assert_near(sum.m2_unserved, 0.0, 1e-20);
    for (size_t g = 0; g < sum.n_regions; g++)
        assert_int_equal(sum.region_cut[g], strcmp(sum.regions[g], "US West Coast") == 0 ? 5 : 0);
    cs_run_summary_destroy(&sum);
    cs_engine_free(e);
    cs_scenario_free(s);
}

/* Sets the stop flag (the progress context) after the first batch. */
static void stop_after_first(void *ctx, uint64_t done, uint64_t total)
{
    (void)total;
    if (done > 0) *(volatile sig_atomic_t *)ctx = 1;
}

/* A stop request is checked before every trial and ends the run with CS_EINTR: set before the
 * run, no trial runs; set after a batch (the progress callback), exactly that batch is run. */
static void test_stop_request(void **state)
{
    (void)state;
    const char *batch = "output.batch_trials=40";
    cs_scenario *s = load_scenario(random_scenario, &batch, 1);
    cs_engine_t *e = make_engine(s);
    cs_error err = CS_ERROR_INIT;
    cs_run_summary sum;
    assert_int_equal(cs_run_summary_init(&sum, e, &err), CS_OK);
    volatile sig_atomic_t stop = 1;
    cs_engine_options o = CS_ENGINE_OPTIONS_INIT;
    o.stop = &stop;
    assert_int_equal(cs_engine_run(e, NULL, &o, &sum, &err), CS_EINTR);
    assert_true(sum.interrupted);
    assert_int_equal(sum.trials, 0);
    assert_non_null(strstr(err.msg, "interrupted after 0 of 300 trials"));
    stop = 0;
    o.progress = stop_after_first;
    o.progress_ctx = (void *)&stop;
    cs_error_clear(&err);
    assert_int_equal(cs_engine_run(e, NULL, &o, &sum, &err), CS_EINTR);
    assert_int_equal(sum.trials, 40);
    assert_non_null(strstr(err.msg, "interrupted after 40 of 300 trials"));
    o.first_trial = 301;
    cs_error_clear(&err);
    assert_int_equal(cs_engine_run(e, NULL, &o, &sum, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "beyond the scenario's 300 trials"));
    cs_run_summary_destroy(&sum);
    cs_engine_free(e);
    cs_scenario_free(s);
}

/* The same (seed, trial) always gives the same stream; neighbours differ. */
static void test_trial_streams(void **state)
{
    (void)state;
    gsl_rng *a = cs_rng_alloc(), *b = cs_rng_alloc();
    assert_non_null(a);
    assert_non_null(b);
    cs_rng_seed_trial(a, 99, 123456789);
    const double x = gsl_rng_uniform(a);
    for (int i = 0; i < 1000; i++)
        gsl_rng_uniform(a);
    cs_rng_seed_trial(b, 99, 123456789);
    assert_memory_equal(&x, &(double){gsl_rng_uniform(b)}, sizeof x);
    cs_rng_seed_trial(b, 99, 123456790);
    assert_true(gsl_rng_uniform(b) != x);
    cs_rng_seed_trial(b, 100, 123456789);
    assert_true(gsl_rng_uniform(b) != x);
    /* Uniformity: the mean of 100,000 draws is 0.5 within 5 sigma (sigma = 0.000913). */
    double m = 0;
    for (int i = 0; i < 100000; i++)
        m += gsl_rng_uniform(a);
    assert_near(m / 100000, 0.5, 5 * 0.000913);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

int main(void)
{
    cs_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shortcuts_are_exact),
        cmocka_unit_test(test_splits_are_bit_identical),
        cmocka_unit_test(test_summary_matches_trials),
        cmocka_unit_test(test_summary_merge),
        cmocka_unit_test(test_explicit_cut),
        cmocka_unit_test(test_stop_request),
        cmocka_unit_test(test_trial_streams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
