/* test_engine.c: the trial loop: exactness of the shortcuts, split invariance, summaries. */
#include <inttypes.h>
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

#include "cablesim/analysis.h"
#include "cablesim/engine.h"
#include "cablesim/results.h"
#include "cablesim/resultsio.h"
#include "cablesim/rng.h"
#include "cs_engine_test.h"
#include "cs_test.h"
#include "results/dictionary.h"
#include "results/h5util.h"

static cs_scenario *load_scenario(const char *text, const char *const *sets, size_t nsets)
{
    return cs_test_scenario(text, "engine-test.yaml", sets, nsets);
}

/* The intact shortcut and the cache give exactly what routing again gives,
 * whatever order the trials run in (so whatever the cache holds): without a restoration limit
 * (share 1), and with the default share, where a trial that displaces traffic of the intact
 * routing is routed over c'_e = s_e + rho (c_e - s_e) on cable segments (s_e the demand spread
 * in proportion to capacity, from a router of the test's own) and one that does not keeps the
 * intact routing. */
static void shortcuts_are_exact(const char *const *sets, size_t nsets)
{
    cs_scenario *s = load_scenario(CS_TEST_RANDOM_FAULTS, sets, nsets);
    cs_engine_t *e = cs_test_engine(s);
    const cs_topology_t *t = cs_engine_topology(e);
    const size_t ne = cs_topology_edge_count(t), nd = cs_demand_count(cs_engine_demand(e));
    cs_error err = CS_ERROR_INIT;
    cs_router_t *direct = NULL;
    assert_int_equal(cs_router_alloc(&direct, t, cs_engine_demand(e), &s->routing, &err), CS_OK);
    cs_router_exclude_unserved(direct, cs_engine_baseline(e)->served_tbps);
    const double rho = cs_engine_restoration(e)->at_event;
    const cs_routing_result *base = cs_engine_baseline(e);
    if (rho < 1.0) {
        double cap[64], spread[64];
        assert_true(ne <= 64);
        cs_router_spread_flow(direct, spread);
        for (size_t j = 0; j < ne; j++) {
            const cs_edge *ed = cs_topology_edge(t, j);
            const double c = ed->lit_tbps, f0 = fmin(spread[j], c);
            cap[j] = ed->kind == CS_EDGE_SEGMENT ? f0 + rho * (c - f0) : c;
        }
        assert_int_equal(cs_router_set_capacity(direct, cap, &err), CS_OK);
    }
    size_t displacing = 0;
    cs_failures f;
    cs_routing_result r, want;
    cs_test_trial_buffers(e, &f, &r);
    assert_int_equal(cs_routing_result_init(&want, nd, ne, &err), CS_OK);
    unsigned char cut[16];
    size_t with_failures = 0;
    for (int pass = 0; pass < 2; pass++)
        for (uint64_t k = 0; k < s->trials; k++) {
            const uint64_t trial = pass == 0 ? k : s->trials - 1 - k;
            assert_int_equal(cs_engine_trial(e, trial, &f, &r, cut, &err), CS_OK);
            if (rho < 1.0 && !cs_test_displaces(direct, t, base, &f))
                cs_routing_result_copy(&want, base);
            else
                assert_int_equal(cs_router_route(direct, &f, &want, &err), CS_OK);
            displacing += rho < 1.0 && cs_test_displaces(direct, t, base, &f);
            cs_test_assert_same_routing(&r, &want);
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
    /* The scenario must exercise the paths that matter: most trials fail something, and with
     * restoration many displace traffic. */
    assert_true(with_failures > s->trials);
    assert_true(rho == 1.0 || displacing > s->trials / 2);
    cs_routing_result_destroy(&r);
    cs_routing_result_destroy(&want);
    cs_failures_destroy(&f);
    cs_router_free(direct);
    cs_engine_free(e);
    cs_scenario_free(s);
}

static void test_shortcuts_are_exact(void **state)
{
    (void)state;
    const char *const unlimited[] = {"routing.restoration_share=1"};
    shortcuts_are_exact(unlimited, 1);
}

static void test_shortcuts_are_exact_with_restoration(void **state)
{
    (void)state;
    shortcuts_are_exact(NULL, 0);
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

/* The progress calls of a run: the trials done at each. */
typedef struct {
    uint64_t done[64];
    size_t n;
} progress_log;

static void log_progress(void *ctx, uint64_t done, uint64_t total)
{
    (void)total;
    progress_log *l = ctx;
    assert_true(l->n < sizeof l->done / sizeof *l->done);
    l->done[l->n++] = done;
}

/* Runs the scenario into path, as consecutive ranges of trials split at cuts[], written as mode
 * says; the progress calls into log (may be NULL). */
static void run_split_mode(const cs_scenario *s, const char *path, const uint64_t *cuts,
                           size_t ncuts, cs_run_summary *sum_out, cs_write_mode mode,
                           progress_log *log)
{
    cs_engine_t *e = cs_test_engine(s);
    cs_error err = CS_ERROR_INIT;
    cs_results_t *w = NULL;
    cs_trial_batch intact; /* outcome 0, as cablesim run writes it */
    assert_int_equal(cs_engine_intact_batch(e, &intact, &err), CS_OK);
    const cs_results_meta meta = cs_test_meta(e, &intact);
    assert_int_equal(cs_results_create(&w, path, &meta, &err), CS_OK);
    cs_trial_batch_destroy(&intact);
    cs_run_summary sum;
    assert_int_equal(cs_run_summary_init(&sum, e, &err), CS_OK);
    uint64_t start = 0;
    for (size_t i = 0; i <= ncuts; i++) {
        const uint64_t end = i < ncuts ? cuts[i] : s->trials;
        cs_engine_options o = CS_ENGINE_OPTIONS_INIT;
        o.first_trial = start;
        o.n_trials = end - start;
        o.cache_slots = 7 + 13 * i; /* a different cache in every range */
        o.write_mode = mode;
        o.progress = log != NULL ? log_progress : NULL;
        o.progress_ctx = log;
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

static void run_split(const cs_scenario *s, const char *path, const uint64_t *cuts, size_t ncuts,
                      cs_run_summary *sum_out)
{
    run_split_mode(s, path, cuts, ncuts, sum_out, CS_WRITE_AHEAD, NULL);
}

static void compare_files(const char *a, const char *b)
{
    /* as stored: the outcome tables and the outcome of every trial too */
    static const char *const doubles[] = {"/outcomes/served_tbps", "/outcomes/latency_ms",
                                          "/trials/unserved_tbps", "/outcomes/edge_flow_tbps",
                                          "/outcomes/region_served_fraction"};
    static const char *const ints[] = {"/trials/failed_offsets", "/trials/failed_edges",
                                       "/trials/failed_node_offsets", "/trials/outcome"};
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
    cs_scenario *s = load_scenario(CS_TEST_RANDOM_FAULTS, NULL, 0);
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

/*
 * Every write mode (a writer thread ahead of the run, one waited for, the run's own thread)
 * writes the same datasets, and calls progress with the same trials done, once per batch
 * committed (docs/hdf5-schema.md, "Writing on a second thread").
 */
static void test_write_modes(void **state)
{
    (void)state;
    const char *batch = "output.batch_trials=32";
    cs_scenario *s = load_scenario(CS_TEST_RANDOM_FAULTS, &batch, 1);
    char a[64], b[64], c[64];
    snprintf(a, sizeof a, "engine-mode-a-%d.h5", (int)getpid());
    snprintf(b, sizeof b, "engine-mode-b-%d.h5", (int)getpid());
    snprintf(c, sizeof c, "engine-mode-c-%d.h5", (int)getpid());
    const uint64_t cuts[] = {1, 40, 64, 250};
    progress_log la = {.n = 0}, lb = {.n = 0}, lc = {.n = 0};
    cs_run_summary sa, sb, sc;
    run_split_mode(s, a, cuts, 4, &sa, CS_WRITE_SYNC, &la);
    run_split_mode(s, b, cuts, 4, &sb, CS_WRITE_AHEAD, &lb);
    run_split_mode(s, c, cuts, 4, &sc, CS_WRITE_WAIT, &lc);
    compare_files(a, b);
    compare_files(a, c);
    /* ranges 1, 39, 24, 186, 50 trials: 1 + 2 + 1 + 6 + 2 batches */
    assert_int_equal(la.n, 12);
    assert_int_equal(lb.n, la.n);
    assert_int_equal(lc.n, la.n);
    assert_memory_equal(lb.done, la.done, la.n * sizeof *la.done);
    assert_memory_equal(lc.done, la.done, la.n * sizeof *la.done);
    assert_int_equal(la.done[2], 39);
    assert_int_equal(la.done[11], 50);
    assert_memory_equal(&sa.mean_unserved, &sb.mean_unserved, sizeof(double));
    assert_memory_equal(&sa.mean_unserved, &sc.mean_unserved, sizeof(double));
    remove(a);
    remove(b);
    remove(c);
    cs_scenario_free(s);
}

/* A write that fails on the writer thread returns the synchronous write's status and message
 * when the caller next waits or hands a batch over; no later batch is written. */
static void test_writer_thread_errors(void **state)
{
    (void)state;
    cs_scenario *s = load_scenario(CS_TEST_RANDOM_FAULTS, NULL, 0);
    cs_engine_t *e = cs_test_engine(s);
    cs_error err = CS_ERROR_INIT, sync_err = CS_ERROR_INIT;
    cs_trial_batch b;
    assert_int_equal(cs_engine_intact_batch(e, &b, &err), CS_OK);
    const cs_results_meta meta = cs_test_meta(e, &b);
    char path[64];
    snprintf(path, sizeof path, "engine-thread-err-%d.h5", (int)getpid());
    cs_results_t *w = NULL;
    assert_int_equal(cs_results_create(&w, path, &meta, &err), CS_OK);
    b.first_trial = 5; /* not the first trial not written */
    assert_int_equal(cs_results_write_batch(w, &b, &sync_err), CS_EINVAL);
    assert_non_null(strstr(sync_err.msg, "expected a batch starting at trial 0, found trial 5"));
    cs_results_async *a = NULL;
    assert_int_equal(cs_results_async_init(&a, w, &err), CS_OK);
    assert_int_equal(cs_results_async_submit(a, &b, &err), CS_OK); /* handed over */
    assert_int_equal(cs_results_async_wait(a, &err), CS_EINVAL);
    assert_string_equal(err.msg, sync_err.msg);
    b.first_trial = 0; /* a good batch now: refused, the earlier write failed */
    cs_error_clear(&err);
    assert_int_equal(cs_results_async_submit(a, &b, &err), CS_EINVAL);
    assert_string_equal(err.msg, sync_err.msg);
    cs_results_async_destroy(a);
    assert_int_equal(cs_results_written(w), 0);
    /* the writer is the caller's again */
    assert_int_equal(cs_results_write_batch(w, &b, &err), CS_OK);
    assert_int_equal(cs_results_written(w), 1);
    assert_int_equal(cs_results_close(w, false, &err), CS_OK);
    cs_trial_batch_destroy(&b);
    remove(path);
    cs_engine_free(e);
    cs_scenario_free(s);
}

/* Whether dataset name of file goes through filter id (H5Z_FILTER_SHUFFLE, ...). */
static bool has_filter(hid_t file, const char *name, H5Z_filter_t id)
{
    const hid_t d = H5Dopen2(file, name, H5P_DEFAULT), p = H5Dget_create_plist(d);
    assert_true(d >= 0 && p >= 0);
    bool found = false;
    for (int k = 0; k < H5Pget_nfilters(p); k++) {
        unsigned flags = 0, cd[4] = {0};
        size_t ncd = 4;
        found = found || H5Pget_filter2(p, (unsigned)k, &flags, &ncd, cd, 0, NULL, NULL) == id;
    }
    H5Pclose(p);
    H5Dclose(d);
    return found;
}

/*
 * The writer shuffles before deflate the integer datasets and the cut and event records, not the
 * float64 datasets nor the recovery faults, whose values repeat whole and compress better
 * unshuffled (bench/README.md, issue 15); every per-trial dataset is deflated. A recovery run, so
 * that every group is there.
 */
static void test_shuffle_filter(void **state)
{
    (void)state;
    cs_scenario *s =
        cs_test_scenario("name: filters\n" CS_TEST_RECOVERY_HAND, "filters.yaml", NULL, 0);
    char a[64];
    snprintf(a, sizeof a, "engine-filters-%d.h5", (int)getpid());
    run_split(s, a, NULL, 0, NULL);
    const hid_t f = H5Fopen(a, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    static const char *const plain[] = {"/outcomes/edge_flow_tbps", "/outcomes/served_tbps",
                                        "/trials/unserved_tbps",    "/trials/capacity_lost_tbps",
                                        "/timeseries/served_tbps",  "/recovery/faults"};
    static const char *const shuffled[] = {"/trials/cuts",         "/trials/hazard_events",
                                           "/trials/failed_edges", "/trials/outcome",
                                           "/outcomes/pair_cut",   "/timeseries/queue_length"};
    for (size_t i = 0; i < sizeof plain / sizeof *plain; i++)
        assert_false(has_filter(f, plain[i], H5Z_FILTER_SHUFFLE));
    for (size_t i = 0; i < sizeof shuffled / sizeof *shuffled; i++)
        assert_true(has_filter(f, shuffled[i], H5Z_FILTER_SHUFFLE));
    size_t checked = 0;
    for (int d = 0; d < CS_DS_COUNT; d++) {
        const cs_dataset_schema *x = cs_results_dataset((cs_dataset_id)d);
        if (x->rows == CS_ROWS_STATIC || H5Lexists(f, x->path, H5P_DEFAULT) <= 0) continue;
        assert_true(has_filter(f, x->path, H5Z_FILTER_DEFLATE));
        assert_int_equal(has_filter(f, x->path, H5Z_FILTER_SHUFFLE),
                         x->type != CS_DT_F64 && d != CS_DS_REC_FAULTS);
        checked++;
    }
    assert_true(checked >= 30);
    H5Fclose(f);
    remove(a);
    cs_scenario_free(s);
}

/* Reads rows first .. first + n - 1 of per-trial dataset d of both readers and asserts they are
 * the same bytes (row bytes each). */
static void same_rows(cs_resultsio_t *a, cs_resultsio_t *b, cs_dataset_id d, uint64_t first,
                      uint64_t n, size_t row)
{
    cs_error err = CS_ERROR_INIT;
    unsigned char *x = malloc(n * row + 1), *y = malloc(n * row + 1);
    assert_true(x != NULL && y != NULL);
    assert_int_equal(cs_resultsio_read_dataset(a, d, first, n, x, &err), CS_OK);
    assert_int_equal(cs_resultsio_read_dataset(b, d, first, n, y, &err), CS_OK);
    assert_memory_equal(x, y, n * row);
    free(x);
    free(y);
}

/*
 * A batch keeps one copy of the outcome rows of each routed state: a trial whose state an earlier
 * trial of the batch had points to it (same_as) instead of copying its rows. Every such trial,
 * run again alone on another engine, has exactly the rows it points to (served, latency with its
 * NaNs, edge flow, pair cuts, region figures); most trials of a batch point back; a batch with
 * the headroom (which depends on more than the routing) keeps every trial's rows.
 */
static void test_batch_shares_outcomes(void **state)
{
    (void)state;
    for (int headroom = 0; headroom < 2; headroom++) {
        const char *const sets[] = {"output.headroom=true"};
        cs_scenario *s = load_scenario(CS_TEST_RANDOM_FAULTS, sets, (size_t)headroom);
        cs_engine_t *e = cs_test_engine(s), *alone = cs_test_engine(s);
        const cs_topology_t *t = cs_engine_topology(e);
        const size_t ne = cs_topology_edge_count(t), nd = cs_demand_count(cs_engine_demand(e));
        const size_t np = cs_engine_pairs(e)->n, nr = cs_engine_regions(e)->n;
        cs_error err = CS_ERROR_INIT;
        cs_trial_batch b;
        assert_int_equal(
            cs_trial_batch_init(&b, 150, nd, ne, cs_topology_node_count(t), np, true, &err), CS_OK);
        assert_int_equal(cs_engine_batch_recovery(e, &b, &err), CS_OK);
        cs_run_summary sum;
        assert_int_equal(cs_run_summary_init(&sum, e, &err), CS_OK);
        assert_int_equal(cs_engine_run_block(e, 100, 150, 5, &b, &sum, &err), CS_OK);
        cs_failures f;
        cs_routing_result r;
        cs_test_trial_buffers(alone, &f, &r);
        cs_trial_impact m;
        assert_int_equal(cs_trial_impact_init(&m, alone, &err), CS_OK);
        unsigned char cut[16];
        assert_true(np <= 16);
        size_t shared = 0;
        for (size_t i = 0; i < b.n; i++) {
            const uint32_t j = cs_trial_batch_same(&b, i);
            if (j == UINT32_MAX) continue;
            assert_true(j < i && cs_trial_batch_same(&b, j) == UINT32_MAX);
            shared++;
            assert_int_equal(cs_engine_trial(alone, b.first_trial + i, &f, &r, cut, &err), CS_OK);
            cs_engine_impact(alone, &f, &r, &m);
            assert_memory_equal(b.served_tbps + j * nd, r.served_tbps, nd * sizeof(double));
            assert_memory_equal(b.latency_ms + j * nd, r.latency_ms, nd * sizeof(double));
            assert_memory_equal(b.edge_flow_tbps + j * ne, r.edge_flow_tbps, ne * sizeof(double));
            assert_memory_equal(b.pair_cut + j * np, cut, np);
            assert_memory_equal(cs_trial_batch_row(&b, CS_DS_REGION_SERVED, j),
                                m.region_served_fraction, nr * sizeof(double));
            assert_memory_equal(cs_trial_batch_row(&b, CS_DS_REGION_LATENCY, j),
                                m.region_latency_added_ms, nr * sizeof(double));
            assert_memory_equal(&b.unserved_tbps[i], &r.unserved_tbps, sizeof(double));
        }
        assert_true(headroom ? shared == 0 : shared > b.n / 2);
        cs_trial_impact_destroy(&m);
        cs_routing_result_destroy(&r);
        cs_failures_destroy(&f);
        cs_run_summary_destroy(&sum);
        cs_trial_batch_destroy(&b);
        cs_engine_free(alone);
        cs_engine_free(e);
        cs_scenario_free(s);
    }
}

/* Copies file a to b. */
static void copy_file(const char *a, const char *b)
{
    FILE *in = fopen(a, "rb"), *out = fopen(b, "wb");
    assert_true(in != NULL && out != NULL);
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* Whether member m of dictionary table t is the same in files fa and fb: its values (as bytes),
 * type, shape and bytes stored (the same chunks compressed alike). */
static bool same_member(hid_t fa, hid_t fb, const char *t, const char *m)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", t, m);
    const hid_t da = H5Dopen2(fa, path, H5P_DEFAULT), db = H5Dopen2(fb, path, H5P_DEFAULT);
    assert_true(da >= 0 && db >= 0);
    const hid_t ta = H5Dget_type(da), tb = H5Dget_type(db);
    const hid_t sa = H5Dget_space(da), sb = H5Dget_space(db);
    const hssize_t n = H5Sget_simple_extent_npoints(sa);
    const size_t size = H5Tget_size(ta);
    bool same = H5Tequal(ta, tb) > 0 && n == H5Sget_simple_extent_npoints(sb) &&
                H5Dget_storage_size(da) == H5Dget_storage_size(db);
    if (same && n > 0) {
        unsigned char *a = malloc((size_t)n * size), *b = malloc((size_t)n * size);
        assert_true(H5Dread(da, ta, H5S_ALL, H5S_ALL, H5P_DEFAULT, a) >= 0);
        assert_true(H5Dread(db, tb, H5S_ALL, H5S_ALL, H5P_DEFAULT, b) >= 0);
        same = memcmp(a, b, (size_t)n * size) == 0;
        free(a);
        free(b);
    }
    H5Sclose(sa);
    H5Sclose(sb);
    H5Tclose(ta);
    H5Tclose(tb);
    H5Dclose(da);
    H5Dclose(db);
    return same;
}

/*
 * The outcome tables a one-process writer keeps (cs_results_close_keep) are those it wrote: the
 * compaction from them makes the same dictionary tables, member by member and byte for byte, as
 * the compaction that reads the file; tables kept from another run (other rows) are not used;
 * and past their limit the tables are dropped, not kept in part.
 */
static void test_compact_kept(void **state)
{
    (void)state;
    const char *const sets[] = {"output.headroom=true", "trials=150"};
    cs_scenario *s = load_scenario(CS_TEST_RANDOM_FAULTS, sets, 2);
    char a[64], b[64], c[64];
    snprintf(a, sizeof a, "engine-kept-a-%d.h5", (int)getpid());
    snprintf(b, sizeof b, "engine-kept-b-%d.h5", (int)getpid());
    snprintf(c, sizeof c, "engine-kept-c-%d.h5", (int)getpid());
    cs_results_tables *kept[2] = {NULL, NULL};
    for (int k = 0; k < 2; k++) { /* the run, and a shorter one whose tables do not fit */
        if (k == 1) s->trials = 40;
        cs_engine_t *e = cs_test_engine(s);
        cs_error err = CS_ERROR_INIT;
        cs_trial_batch intact;
        assert_int_equal(cs_engine_intact_batch(e, &intact, &err), CS_OK);
        const cs_results_meta meta = cs_test_meta(e, &intact);
        cs_results_t *w = NULL;
        assert_int_equal(cs_results_create(&w, k == 0 ? a : c, &meta, &err), CS_OK);
        cs_trial_batch_destroy(&intact);
        cs_run_summary sum;
        assert_int_equal(cs_run_summary_init(&sum, e, &err), CS_OK);
        cs_engine_options o = CS_ENGINE_OPTIONS_INIT;
        assert_int_equal(cs_engine_run(e, w, &o, &sum, &err), CS_OK);
        assert_int_equal(cs_results_close_keep(w, true, &kept[k], &err), CS_OK);
        assert_non_null(kept[k]);
        cs_run_summary_destroy(&sum);
        cs_engine_free(e);
    }
    assert_true(kept[1]->len[CS_DS_SERVED] < kept[0]->len[CS_DS_SERVED]);
    static const char *const tables[] = {"/outcomes/served_tbps",
                                         "/outcomes/latency_ms",
                                         "/outcomes/edge_flow_tbps",
                                         "/outcomes/region_served_fraction",
                                         "/outcomes/region_latency_added_ms",
                                         "/outcomes/region_headroom_tbps"};
    static const char *const members[] = {"index", "value_offsets", "values"};
    copy_file(a, b); /* the complete file before its compaction, twice */
    copy_file(a, c);
    /* every table of the run kept with its rows; none of the shorter run's fits */
    const hid_t f = H5Fopen(a, H5F_ACC_RDONLY, H5P_DEFAULT);
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
        const hid_t d = H5Dopen2(f, tables[i], H5P_DEFAULT), sp = H5Dget_space(d);
        hsize_t dims[2];
        assert_int_equal(H5Sget_simple_extent_ndims(sp), 2);
        H5Sget_simple_extent_dims(sp, dims, NULL);
        assert_true(cs_dict_kept(kept[0], tables[i], dims[0], dims[1]) >= 0);
        assert_int_equal(cs_dict_kept(kept[1], tables[i], dims[0], dims[1]), -1);
        H5Sclose(sp);
        H5Dclose(d);
    }
    H5Fclose(f);
    cs_error err = CS_ERROR_INIT;
    bool compacted[3] = {false, false, false};
    assert_int_equal(cs_results_compact_kept(a, kept[0], &compacted[0], &err), CS_OK);
    assert_int_equal(cs_results_compact_kept(b, kept[1], &compacted[1], &err), CS_OK);
    assert_int_equal(cs_results_compact(c, &compacted[2], &err), CS_OK);
    assert_true(compacted[0] && compacted[1] && compacted[2]);
    const hid_t fc = H5Fopen(c, H5F_ACC_RDONLY, H5P_DEFAULT);
    for (int k = 0; k < 2; k++) {
        const hid_t fk = H5Fopen(k == 0 ? a : b, H5F_ACC_RDONLY, H5P_DEFAULT);
        for (size_t i = 0; i < sizeof tables / sizeof *tables; i++) {
            assert_true(cs_dict_is_table(fk, tables[i]) && cs_dict_is_table(fc, tables[i]));
            for (size_t j = 0; j < 3; j++)
                assert_true(same_member(fk, fc, tables[i], members[j]));
        }
        H5Fclose(fk);
    }
    H5Fclose(fc);
    /* past its limit a table is dropped whole */
    size_t cols[CS_DS_COUNT] = {0};
    cols[CS_DS_SERVED] = 3;
    cs_results_tables *t = cs_dict_keep_new(cols);
    assert_non_null(t);
    t->max = (size_t)2 << 20; /* one slab */
    const size_t per = t->per_slab[CS_DS_SERVED];
    assert_int_equal(per, ((size_t)2 << 20) / (3 * sizeof(double)));
    double rows[6] = {1.0, -0.0, NAN, 2.0, 3.0, 4.0};
    for (size_t i = 0; i + 1 < per; i++) {
        rows[0] = (double)i;
        assert_true(cs_dict_keep_add(t, CS_DS_SERVED, rows, 1));
    }
    assert_true(cs_dict_keep_add(t, CS_DS_LATENCY, rows, 1)); /* not kept: nothing to do */
    assert_int_equal(t->nslab[CS_DS_LATENCY], 0);
    assert_false(cs_dict_keep_add(t, CS_DS_SERVED, rows, 2)); /* the second row needs a slab */
    assert_int_equal(t->len[CS_DS_SERVED], per);
    assert_int_equal(cs_dict_kept(t, "/outcomes/served_tbps", per, 3), CS_DS_SERVED);
    assert_int_equal(cs_dict_kept(t, "/outcomes/served_tbps", per + 1, 3), -1);
    assert_int_equal(cs_dict_kept(t, "/outcomes/served_tbps", per, 4), -1);
    assert_memory_equal(cs_dict_kept_row(t, CS_DS_SERVED, per - 1), rows, 3 * sizeof(double));
    assert_true(cs_dict_kept_row(t, CS_DS_SERVED, per - 2)[0] == (double)(per - 2));
    t->max = (size_t)4 << 20; /* rows across a slab's end */
    assert_true(cs_dict_keep_add(t, CS_DS_SERVED, rows, 2));
    assert_int_equal(t->nslab[CS_DS_SERVED], 2);
    assert_memory_equal(cs_dict_kept_row(t, CS_DS_SERVED, per), rows, 3 * sizeof(double));
    assert_memory_equal(cs_dict_kept_row(t, CS_DS_SERVED, per + 1), rows + 3, 3 * sizeof(double));
    cs_results_tables_free(t);
    cs_results_tables_free(kept[0]);
    cs_results_tables_free(kept[1]);
    remove(a);
    remove(b);
    remove(c);
    cs_scenario_free(s);
}

/*
 * Format 1 (output.format_version: 1, a row per trial in /trials, as written before format 2)
 * and format 4 (each distinct outcome once in /outcomes; once compacted, the float64 tables as
 * dictionary tables) of the same run read the same, through slices and any dataset, bit for
 * bit, and analyse the same; format 4 stores fewer rows.
 */
static void test_results_formats(void **state)
{
    (void)state;
    const char *const v1[] = {"output.format_version=1", "output.headroom=true", "trials=150"};
    cs_scenario *s1 = load_scenario(CS_TEST_RANDOM_FAULTS, v1, 3);
    cs_scenario *s2 = load_scenario(CS_TEST_RANDOM_FAULTS, v1 + 1, 2);
    char a[64], b[64];
    snprintf(a, sizeof a, "engine-fmt1-%d.h5", (int)getpid());
    snprintf(b, sizeof b, "engine-fmt2-%d.h5", (int)getpid());
    const uint64_t cuts[] = {40, 41, 99};
    run_split(s1, a, NULL, 0, NULL);
    run_split(s2, b, cuts, 3, NULL);
    cs_error err = CS_ERROR_INIT;
    cs_resultsio_t *ra = NULL, *rb = NULL;
    assert_int_equal(cs_resultsio_open(&ra, a, &err), CS_OK);
    assert_int_equal(cs_resultsio_open(&rb, b, &err), CS_OK);
    const cs_results_info *ia = cs_resultsio_info(ra);
    const cs_results_info *ib = cs_resultsio_info(rb);
    assert_int_equal(ia->format_version, 1);
    assert_int_equal(ib->format_version, 4);
    assert_int_equal(ia->n_outcomes, 0);
    assert_true(ib->n_outcomes > 1 && ib->n_outcomes < 150);
    assert_false(cs_resultsio_has(ra, CS_DS_OUTCOME));
    /* outcome 0 is the intact network's */
    const hid_t fb = H5Fopen(b, H5F_ACC_RDONLY, H5P_DEFAULT);
    size_t no = 0;
    double *o = read_doubles(fb, "/outcomes/served_tbps", &no);
    H5Fclose(fb);
    assert_int_equal(no, ib->n_outcomes * ib->n_demands);
    assert_memory_equal(o, ib->base_served_tbps, ib->n_demands * sizeof *o);
    free(o);
    /* compacted, as cablesim run leaves a complete file: dictionary tables, read through the
     * same reader again */
    cs_resultsio_close(rb);
    bool compacted = false;
    assert_int_equal(cs_results_compact(b, &compacted, &err), CS_OK);
    assert_true(compacted);
    const hid_t fc = H5Fopen(b, H5F_ACC_RDONLY, H5P_DEFAULT);
    H5O_info_t oi;
    assert_true(H5Oget_info_by_name(fc, "/outcomes/edge_flow_tbps", &oi, H5P_DEFAULT) >= 0);
    assert_int_equal(oi.type, H5O_TYPE_GROUP);
    assert_true(H5Aexists_by_name(fc, "/outcomes/edge_flow_tbps", "encoding", H5P_DEFAULT) > 0);
    assert_true(H5Oget_info_by_name(fc, "/outcomes/pair_cut", &oi, H5P_DEFAULT) >= 0);
    assert_int_equal(oi.type, H5O_TYPE_DATASET);
    H5Fclose(fc);
    /* read lazily: opening decodes no table, a read the tables it reads and no other, once */
    const cs_dict_counts c0 = cs_dict_counts_get();
    assert_int_equal(cs_resultsio_open(&rb, b, &err), CS_OK);
    ib = cs_resultsio_info(rb);
    cs_dict_counts c1 = cs_dict_counts_get();
    assert_true(c1.tables == c0.tables && c1.blocks == c0.blocks && c1.rows == c0.rows);
    double *lat = malloc(2 * ib->n_demands * sizeof *lat);
    assert_non_null(lat);
    for (uint64_t t = 0; t < 150; t += 2) { /* one block (few outcomes), its values read once */
        assert_int_equal(cs_resultsio_read_dataset(rb, CS_DS_LATENCY, t, 2, lat, &err), CS_OK);
        c1 = cs_dict_counts_get();
        assert_int_equal(c1.tables, c0.tables + 1);
        assert_int_equal(c1.blocks, c0.blocks + 1);
    }
    free(lat);
    /* every per-trial dataset, in uneven slices */
    size_t dims[CS_DIM_COUNT] = {0};
    dims[CS_DIM_NODES] = ia->n_nodes;
    dims[CS_DIM_EDGES] = ia->n_edges;
    dims[CS_DIM_DEMANDS] = ia->n_demands;
    dims[CS_DIM_PAIRS] = ia->n_pairs;
    dims[CS_DIM_REGIONS] = ia->n_regions;
    size_t compared = 0;
    for (int d = 0; d < CS_DS_COUNT; d++) {
        const cs_dataset_schema *x = cs_results_dataset((cs_dataset_id)d);
        if (x->rows != CS_ROWS_TRIAL && x->rows != CS_ROWS_OUTCOME) continue;
        if (!cs_resultsio_has(ra, (cs_dataset_id)d)) continue;
        assert_true(cs_resultsio_has(rb, (cs_dataset_id)d));
        assert_int_equal(cs_resultsio_length(ra, (cs_dataset_id)d), 150);
        assert_int_equal(cs_resultsio_length(rb, (cs_dataset_id)d), 150);
        const size_t row = cs_dataset_elem_size(x) * (x->dim != CS_DIM_NONE ? dims[x->dim] : 1);
        for (uint64_t first = 0; first < 150; first += 37)
            same_rows(ra, rb, (cs_dataset_id)d, first, first + 37 < 150 ? 37 : 150 - first, row);
        compared++;
    }
    assert_true(compared >= 12);
    /* The cut records: format 3 stores the place, depth and time as float32 (the same records
     * rounded to nearest), read back as the float64 of memory; the rest as format 1 has them. */
    const cs_dataset_schema *cx = cs_results_dataset(CS_DS_CUTS);
    const uint64_t ncut = cs_resultsio_length(ra, CS_DS_CUTS);
    assert_true(ncut > 0);
    assert_int_equal(cs_resultsio_length(rb, CS_DS_CUTS), ncut);
    assert_int_equal(cs_schema_record_bytes(cx, CS_FORMAT_V3), 25);
    assert_true(cs_schema_record_narrowed(cx, CS_FORMAT_V3));
    assert_false(cs_schema_record_narrowed(cx, CS_FORMAT_V2));
    unsigned char *ca = malloc(ncut * cx->record_bytes), *cb = malloc(ncut * cx->record_bytes);
    assert_int_equal(cs_resultsio_read_dataset(ra, CS_DS_CUTS, 0, ncut, ca, &err), CS_OK);
    assert_int_equal(cs_resultsio_read_dataset(rb, CS_DS_CUTS, 0, ncut, cb, &err), CS_OK);
    size_t rounded = 0;
    for (uint64_t i = 0; i < ncut; i++)
        for (size_t k = 0; k < cx->n_members; k++) {
            const cs_record_member *m = &cx->members[k];
            const unsigned char *pa = ca + i * cx->record_bytes + m->offset,
                                *pb = cb + i * cx->record_bytes + m->offset;
            if (m->narrow == m->type) {
                assert_memory_equal(pa, pb, cs_dtype_size(m->type));
                continue;
            }
            double x, y;
            memcpy(&x, pa, 8);
            memcpy(&y, pb, 8);
            assert_true((double)(float)x == y);
            rounded += x != y;
        }
    assert_true(rounded > ncut); /* places and depths do lose digits */
    free(ca);
    free(cb);
    cs_trial_slice sa, sb;
    assert_int_equal(cs_trial_slice_init(&sa, ra, 64, &err), CS_OK);
    assert_int_equal(cs_trial_slice_init(&sb, rb, 64, &err), CS_OK);
    for (uint64_t first = 0; first < 150; first += 64) {
        assert_int_equal(cs_resultsio_read(ra, first, &sa, &err), CS_OK);
        assert_int_equal(cs_resultsio_read(rb, first, &sb, &err), CS_OK);
        assert_int_equal(sa.n, sb.n);
        assert_memory_equal(sa.served_tbps, sb.served_tbps, sa.n * ia->n_demands * 8);
        assert_memory_equal(sa.latency_ms, sb.latency_ms, sa.n * ia->n_demands * 8);
        assert_memory_equal(sa.edge_flow_tbps, sb.edge_flow_tbps, sa.n * ia->n_edges * 8);
        assert_memory_equal(sa.pair_cut, sb.pair_cut, sa.n * ia->n_pairs);
        assert_memory_equal(sa.region_headroom_tbps, sb.region_headroom_tbps,
                            sa.n * ia->n_regions * 8);
        assert_memory_equal(sa.edge_off, sb.edge_off, (sa.n + 1) * 8);
    }
    cs_trial_slice_destroy(&sa);
    cs_trial_slice_destroy(&sb);
    /* the analysis: the same figures */
    cs_analysis_t *xa = NULL, *xb = NULL;
    assert_int_equal(cs_analysis_run(&xa, ra, NULL, &err), CS_OK);
    assert_int_equal(cs_analysis_run(&xb, rb, NULL, &err), CS_OK);
    assert_memory_equal(&xa->unserved_tbps, &xb->unserved_tbps, sizeof xa->unserved_tbps);
    assert_memory_equal(&xa->latency_inflation, &xb->latency_inflation, sizeof(double));
    assert_int_equal(xa->n_regions, xb->n_regions);
    for (size_t g = 0; g < xa->n_regions; g++) {
        assert_memory_equal(&xa->regions[g].headroom_tbps, &xb->regions[g].headroom_tbps,
                            sizeof xa->regions[g].headroom_tbps);
        assert_memory_equal(&xa->regions[g].all_cut, &xb->regions[g].all_cut,
                            sizeof xa->regions[g].all_cut);
    }
    for (size_t k = 0; k < ia->n_demands; k++)
        assert_memory_equal(&xa->demands[k], &xb->demands[k], sizeof xa->demands[k]);
    cs_analysis_free(xa);
    cs_analysis_free(xb);
    cs_resultsio_close(ra);
    cs_resultsio_close(rb);
    remove(a);
    remove(b);
    cs_scenario_free(s1);
    cs_scenario_free(s2);
}

/* Writes the dense n x m table a as dictionary table name of file f (cs_dict_write). */
static void write_dictionary(hid_t f, const char *name, const double *a, size_t n, size_t m)
{
    cs_error err = CS_ERROR_INIT;
    const hsize_t dims[2] = {n, m};
    const hid_t sp = H5Screate_simple(2, dims, NULL);
    const hid_t d =
        H5Dcreate2(f, "dense", H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(d >= 0);
    assert_true(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a) >= 0);
    assert_int_equal(cs_h5_put_doc("t.h5", d, "dense", "Tbps", "a table", &err), CS_OK);
    assert_int_equal(cs_dict_write(d, f, name, 4, NULL, -1, "t.h5", &err), CS_OK);
    H5Dclose(d);
    H5Sclose(sp);
    assert_true(H5Ldelete(f, "dense", H5P_DEFAULT) >= 0);
}

/* Rows rows[0..n-1] of t read in one call are those of the dense table a (m columns), bit for
 * bit. */
static void same_as_dense(cs_dict_table *t, const uint64_t *rows, size_t n, const double *a,
                          size_t m)
{
    cs_error err = CS_ERROR_INIT;
    double *out = malloc(n * m * sizeof *out + 1);
    assert_non_null(out);
    const cs_status rc = cs_dict_table_read(t, rows, n, out, &err);
    if (rc != CS_OK) fail_msg("%s", err.msg);
    for (size_t i = 0; i < n; i++)
        assert_memory_equal(out + i * m, a + (rows != NULL ? rows[i] : i) * m, m * sizeof *out);
    free(out);
}

/*
 * A dictionary table read lazily (cs_dict_table, docs/hdf5-schema.md "Dictionary tables"): rows
 * in any order, repeated, across blocks of the index (its chunks), with every block held or
 * none, decode bit for bit to the dense table written (NaN and -0 included; uint16 and uint32
 * indices); opening reads nothing, a block held is read once, and a damaged index is an error
 * at the first read of its block, naming file, dataset, row and column, while the blocks before
 * it still read.
 */
static void test_dictionary_lazy(void **state)
{
    (void)state;
    enum { N = 5000, M = 8, W = 70000 }; /* W rows of distinct values: uint32 indices */
    char path[64];
    snprintf(path, sizeof path, "engine-dict-%d.h5", (int)getpid());
    double *a = malloc(N * M * sizeof *a), *w = malloc(W * sizeof *w);
    assert_true(a != NULL && w != NULL);
    for (size_t o = 0; o < N; o++)
        for (size_t c = 0; c < M; c++)
            a[o * M + c] = c == 1 && o % 17 == 0  ? NAN
                           : c == 2 && o % 5 == 0 ? -0.0
                           : c == 3               ? 0.5 * (double)o
                                                  : 0.25 * (double)((o * 7 + c * 13) % (c + 3));
    for (size_t o = 0; o < W; o++)
        w[o] = 1.0 / (double)(o + 1);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(f >= 0);
    write_dictionary(f, "t", a, N, M);
    write_dictionary(f, "w", w, W, 1);
    H5Fclose(f);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cs_error err = CS_ERROR_INIT;
    const cs_dict_counts c0 = cs_dict_counts_get();
    cs_dict_table *t = NULL, *u = NULL;
    assert_int_equal(cs_dict_table_open(f, "/t", path, &t, &err), CS_OK);
    assert_int_equal(cs_dict_table_open(f, "/w", path, &u, &err), CS_OK);
    assert_int_equal(cs_dict_table_rows(t), N);
    assert_int_equal(cs_dict_table_cols(t), M);
    assert_int_equal(cs_dict_table_rows(u), W);
    cs_dict_counts c = cs_dict_counts_get();
    assert_true(c.tables == c0.tables && c.blocks == c0.blocks && c.rows == c0.rows);
    /* index chunks of 32 KiB: 2048 rows of 8 uint16 (3 blocks), 8192 rows of a uint32 (9) */
    const uint64_t rows[] = {4999, 0, 2048, 2047, 0, 3000, 4999, 2};
    same_as_dense(t, rows, 8, a, M);
    c = cs_dict_counts_get();
    assert_int_equal(c.tables, c0.tables + 1);
    assert_int_equal(c.blocks, c0.blocks + 3);
    assert_int_equal(c.rows, c0.rows + 8);
    same_as_dense(t, NULL, N, a, M); /* every row: the 3 blocks are held */
    assert_int_equal(cs_dict_counts_get().blocks, c0.blocks + 3);
    /* none held: a block read again when asked for after another */
    cs_dict_table_set_budget(u, 0);
    const uint64_t wrows[] = {0, 8191, 8192, 0, 69999, 69999};
    same_as_dense(u, wrows, 6, w, 1);
    c = cs_dict_counts_get();
    assert_int_equal(c.tables, c0.tables + 2);
    assert_int_equal(c.blocks, c0.blocks + 3 + 4);
    same_as_dense(u, NULL, W, w, 1);
    cs_dict_table_close(t);
    cs_dict_table_close(u);
    /* the whole table, as merge decodes it */
    hid_t d = H5I_INVALID_HID;
    assert_int_equal(cs_dict_open(f, "/t", H5P_DEFAULT, &d, path, &err), CS_OK);
    double *back = malloc(N * M * sizeof *back);
    assert_non_null(back);
    assert_true(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, back) >= 0);
    assert_memory_equal(back, a, N * M * sizeof *a);
    H5Dclose(d);
    free(back);
    H5Fclose(f);
    /* row 4500, column 5 (block 2): one past the column's values */
    f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    const hid_t off = H5Dopen2(f, "/t/value_offsets", H5P_DEFAULT),
                ix = H5Dopen2(f, "/t/index", H5P_DEFAULT);
    uint64_t o[M + 1];
    assert_true(H5Dread(off, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, o) >= 0);
    const uint32_t bad = (uint32_t)(o[6] - o[5]);
    const hsize_t at[2] = {4500, 5}, one[2] = {1, 1};
    const hid_t fs = H5Dget_space(ix), ms = H5Screate_simple(2, one, NULL);
    assert_true(H5Sselect_hyperslab(fs, H5S_SELECT_SET, at, NULL, one, NULL) >= 0);
    assert_true(H5Dwrite(ix, H5T_NATIVE_UINT32, ms, fs, H5P_DEFAULT, &bad) >= 0);
    H5Sclose(ms);
    H5Sclose(fs);
    H5Dclose(ix);
    H5Dclose(off);
    H5Fclose(f);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_int_equal(cs_dict_table_open(f, "/t", path, &t, &err), CS_OK);
    same_as_dense(t, rows + 1, 3, a, M); /* rows 0, 2048, 2047: blocks 0 and 1 */
    double out[M];
    assert_int_equal(cs_dict_table_read(t, rows, 1, out, &err), CS_EINVAL); /* row 4999 */
    char want[256];
    snprintf(want, sizeof want,
             "%s: dataset /t/index: row 4500, column 5: expected an index below %" PRIu32
             " (the column's values), found %" PRIu32,
             path, bad, bad);
    assert_string_equal(err.msg, want);
    cs_dict_table_close(t);
    assert_int_equal(cs_dict_open(f, "/t", H5P_DEFAULT, &d, path, &err), CS_EINVAL);
    assert_string_equal(err.msg, want);
    H5Fclose(f);
    remove(path);
    free(a);
    free(w);
}

/*
 * Headroom per trial (output.headroom: true): /trials/region_headroom_tbps holds, for every
 * trial, what cs_engine_headroom gives for that trial's failures and routing (the default
 * restoration model, so the capacities of displaced traffic), the file splits into the same
 * rows, and `analyze` reports each region's mean and smallest over the trials.
 */
static void test_headroom_per_trial(void **state)
{
    (void)state;
    const char *const sets[] = {"output.headroom=true", "trials=120"};
    cs_scenario *s = load_scenario(CS_TEST_RANDOM_FAULTS, sets, 2);
    char a[64], b[64];
    snprintf(a, sizeof a, "engine-headroom-a-%d.h5", (int)getpid());
    snprintf(b, sizeof b, "engine-headroom-b-%d.h5", (int)getpid());
    const uint64_t cuts[] = {1, 50, 77};
    run_split(s, a, NULL, 0, NULL);
    run_split(s, b, cuts, 3, NULL);
    size_t n = 0, nb = 0;
    const hid_t fa = H5Fopen(a, H5F_ACC_RDONLY, H5P_DEFAULT),
                fb = H5Fopen(b, H5F_ACC_RDONLY, H5P_DEFAULT);
    double *h = read_doubles(fa, "/outcomes/region_headroom_tbps", &n);
    double *hb = read_doubles(fb, "/outcomes/region_headroom_tbps", &nb);
    H5Fclose(fa);
    H5Fclose(fb);
    assert_int_equal(n, nb);
    assert_memory_equal(h, hb, n * sizeof *h);
    free(h);
    cs_engine_t *e = cs_test_engine(s);
    cs_error err = CS_ERROR_INIT;
    const size_t nr = cs_engine_regions(e)->n;
    /* per trial, as the reader gives it through /trials/outcome */
    cs_resultsio_t *ra = NULL;
    assert_int_equal(cs_resultsio_open(&ra, a, &err), CS_OK);
    assert_int_equal(cs_resultsio_length(ra, CS_DS_REGION_HEADROOM), 120);
    assert_true(cs_resultsio_info(ra)->n_outcomes < 120);
    h = malloc(120 * nr * sizeof *h);
    assert_non_null(h);
    assert_int_equal(cs_resultsio_read_dataset(ra, CS_DS_REGION_HEADROOM, 0, 120, h, &err), CS_OK);
    cs_resultsio_close(ra);
    n = 120 * nr;
    cs_failures f;
    cs_routing_result r;
    unsigned char cut[16];
    double want[8], sum[8] = {0}, lo[8];
    assert_true(nr <= 8);
    for (size_t g = 0; g < nr; g++)
        lo[g] = INFINITY;
    cs_test_trial_buffers(e, &f, &r);
    size_t varied = 0;
    for (uint64_t k = 0; k < 120; k++) {
        assert_int_equal(cs_engine_trial(e, k, &f, &r, cut, &err), CS_OK);
        assert_int_equal(cs_engine_headroom(e, &f, &r, want, &err), CS_OK);
        for (size_t g = 0; g < nr; g++) {
            assert_memory_equal(&h[k * nr + g], &want[g], sizeof(double));
            sum[g] += want[g];
            lo[g] = fmin(lo[g], want[g]);
            varied += want[g] != h[g];
        }
    }
    assert_true(varied > 0); /* the failures move the headroom */
    /* analyze: mean and smallest per region, matched by name */
    cs_resultsio_t *rd = NULL;
    cs_analysis_t *an = NULL;
    assert_int_equal(cs_resultsio_open(&rd, a, &err), CS_OK);
    assert_true(cs_resultsio_info(rd)->has_headroom);
    assert_int_equal(cs_analysis_run(&an, rd, NULL, &err), CS_OK);
    size_t matched = 0;
    for (size_t q = 0; q < an->n_regions; q++)
        for (size_t g = 0; g < nr; g++)
            if (strcmp(an->regions[q].name, cs_engine_regions(e)->name[g]) == 0) {
                assert_true(an->regions[q].has_headroom);
                assert_near(an->regions[q].headroom_tbps.mean, sum[g] / 120.0, 1e-9);
                assert_near(an->regions[q].headroom_min_tbps, lo[g], 0.0);
                matched++;
            }
    assert_int_equal(matched, nr);
    cs_analysis_free(an);
    cs_resultsio_close(rd);
    cs_routing_result_destroy(&r);
    cs_failures_destroy(&f);
    cs_engine_free(e);
    free(h);
    free(hb);
    remove(a);
    remove(b);
    cs_scenario_free(s);
}

/* The summary agrees with statistics computed from the trials themselves. */
static void test_summary_matches_trials(void **state)
{
    (void)state;
    cs_scenario *s = load_scenario(CS_TEST_RANDOM_FAULTS, NULL, 0);
    cs_engine_t *e = cs_test_engine(s);
    cs_error err = CS_ERROR_INIT;
    cs_run_summary sum;
    assert_int_equal(cs_run_summary_init(&sum, e, &err), CS_OK);
    assert_int_equal(cs_engine_run(e, NULL, NULL, &sum, &err), CS_OK);
    const size_t nd = cs_demand_count(cs_engine_demand(e));
    const cs_pair_table *pairs = cs_engine_pairs(e);
    cs_failures f;
    cs_routing_result r;
    cs_test_trial_buffers(e, &f, &r);
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
    cs_scenario *s = load_scenario(CS_TEST_RANDOM_FAULTS, NULL, 0);
    cs_engine_t *e = cs_test_engine(s);
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
    cs_engine_t *e = cs_test_engine(s);
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

/* Index of region name in the summary. */
/*
 * In 2002 Hong Kong has no cable yet (ASIA-1 opens in 2003): its demand is not served by the
 * intact network, is left out of demand and unserved, and its region is never "cut off".
 */
static void test_unreachable_in_the_intact_network(void **state)
{
    (void)state;
    static const char text[] = "name: early\n"
                               "topology: engine-topo.geojson\n"
                               "demand: engine-demand.csv\n"
                               "as_of: 2002\n"
                               "trials: 20\n"
                               "seed: 3\n"
                               "hazards:\n"
                               "  - type: random_faults\n"
                               "    window_days: 365\n"
                               "    rate_deep: 0.05\n"
                               "    rate_shallow: 0.05\n";
    cs_scenario *s = load_scenario(text, NULL, 0);
    cs_engine_t *e = cs_test_engine(s);
    cs_error err = CS_ERROR_INIT;
    /* LA's 11.75 Tbps share PAC-1 and OLD-1 (8 + 2 lit): 1.75 unserved, a shortfall of
     * capacity, not of reach. */
    assert_near(cs_engine_baseline(e)->demand_tbps, 7.5 + 4.25 + 0.5, 1e-12);
    assert_near(cs_engine_baseline(e)->unserved_tbps, 1.75, 1e-12);
    const cs_pair_table *pt = cs_engine_pairs(e);
    const unsigned char *reach = cs_engine_pair_reachable(e);
    for (size_t p = 0; p < pt->n; p++)
        assert_int_equal(reach[p], strcmp(pt->region[p], "Hong Kong") != 0);
    cs_run_summary sum;
    assert_int_equal(cs_run_summary_init(&sum, e, &err), CS_OK);
    assert_int_equal(cs_engine_run(e, NULL, NULL, &sum, &err), CS_OK);
    const size_t hk = cs_test_region_of(&sum, "Hong Kong");
    assert_int_equal(sum.region_reachable[hk], 0);
    assert_int_equal(sum.region_cut[hk], 0);
    assert_int_equal(sum.region_below90[hk], 0);
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
    cs_scenario *s = load_scenario(CS_TEST_RANDOM_FAULTS, &batch, 1);
    cs_engine_t *e = cs_test_engine(s);
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
        cmocka_unit_test(test_shortcuts_are_exact_with_restoration),
        cmocka_unit_test(test_headroom_per_trial),
        cmocka_unit_test(test_splits_are_bit_identical),
        cmocka_unit_test(test_write_modes),
        cmocka_unit_test(test_writer_thread_errors),
        cmocka_unit_test(test_shuffle_filter),
        cmocka_unit_test(test_results_formats),
        cmocka_unit_test(test_dictionary_lazy),
        cmocka_unit_test(test_compact_kept),
        cmocka_unit_test(test_batch_shares_outcomes),
        cmocka_unit_test(test_summary_matches_trials),
        cmocka_unit_test(test_summary_merge),
        cmocka_unit_test(test_explicit_cut),
        cmocka_unit_test(test_unreachable_in_the_intact_network),
        cmocka_unit_test(test_stop_request),
        cmocka_unit_test(test_trial_streams),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
