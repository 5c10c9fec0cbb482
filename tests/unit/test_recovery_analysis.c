/*
 * test_recovery_analysis.c: the recovery statistics of `cablesim analyze` and `compare`
 * (cs_analysis_recovery, cs_analysis_compare_recovery) on files the engine writes: a hand case
 * whose every number is known, and a random case checked against the raw datasets read here
 * with HDF5 directly, independently of the reader.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <hdf5.h>

#include "cablesim/analysis.h"
#include "cablesim/engine.h"
#include "cablesim/results.h"
#include "cablesim/resultsio.h"
#include "cs_engine_test.h"
#include "cs_test.h"

/* The hand case of cs_engine_test.h: PAC-2 cut at t = 0, one ship, pinned repair parameters. */
static const char *const hand = "name: recana-hand\n" CS_TEST_RECOVERY_HAND;

/* Random faults and a sabotage campaign, two ships (one half available), 45-day horizon. */
static const char *const random_text =
    "name: recana-random\n"
    "topology: engine-topo.geojson\n"
    "demand: engine-demand.csv\n"
    "as_of: 2011\n"
    "trials: 97\n"
    "seed: 4242\n"
    "capacity: lit\n"
    "output: {batch_trials: 16}\n"
    "hazards:\n"
    "  - {type: random_faults, rate_deep: 0.5, rate_shallow: 0.5}\n"
    "  - {type: sabotage, k: 1, interval_days: 7.5}\n"
    "recovery:\n"
    "  fleet: fleet-two.yaml\n"
    "  horizon_days: 45\n";

static const char *const extra_ship =
    "recovery.ships=[{name: Gamma, home: Port C, home_lonlat: [2.0, 1.0], speed_kn: 15}]";

static const char *const p_hand = "test_recana_hand.h5", *p_rand = "test_recana_rand.h5",
                         *p_plus = "test_recana_plus.h5", *p_seed = "test_recana_seed.h5",
                         *p_grid = "test_recana_grid.h5", *p_none = "test_recana_none.h5";

/* ------------------------------------------------------------ fixtures */

static cs_scenario *scenario(const char *text, const char *const *sets, size_t nsets)
{
    return cs_test_scenario(text, "recana.yaml", sets, nsets);
}

/* Runs every trial of the scenario (text with sets) into path. */
static void write_file(const char *path, const char *text, const char *const *sets, size_t nsets)
{
    cs_error err = CS_ERROR_INIT;
    cs_scenario *s = scenario(text, sets, nsets);
    cs_engine_t *e = cs_test_engine(s);
    const cs_results_meta meta = cs_test_meta(e, NULL);
    cs_results_t *w = NULL;
    cs_run_summary sum;
    if (cs_results_create(&w, path, &meta, &err) != CS_OK) fail_msg("%s", err.msg);
    assert_int_equal(cs_run_summary_init(&sum, e, &err), CS_OK);
    const cs_engine_options o = CS_ENGINE_OPTIONS_INIT;
    if (cs_engine_run(e, w, &o, &sum, &err) != CS_OK) fail_msg("%s", err.msg);
    assert_int_equal(cs_results_close(w, true, &err), CS_OK);
    cs_run_summary_destroy(&sum);
    cs_engine_free(e);
    cs_scenario_free(s);
}

static int setup(void **state)
{
    (void)state;
    const char *seed = "seed=4243", *horizon = "recovery.horizon_days=40";
    write_file(p_hand, hand, NULL, 0);
    write_file(p_rand, random_text, NULL, 0);
    write_file(p_plus, random_text, &extra_ship, 1);
    write_file(p_seed, random_text, &seed, 1);
    write_file(p_grid, random_text, &horizon, 1);
    write_file(p_none,
               "name: recana-none\ntopology: engine-topo.geojson\ndemand: engine-demand.csv\n"
               "as_of: 2011\ntrials: 97\nseed: 4242\nhazards:\n"
               "  - {type: random_faults, rate_deep: 2, rate_shallow: 2}\n",
               NULL, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    const char *const all[] = {p_hand, p_rand, p_plus, p_seed, p_grid, p_none};
    for (size_t i = 0; i < 6; i++)
        if (getenv("RECANA_KEEP") == NULL) remove(all[i]);
    return 0;
}

static cs_resultsio_t *open_file(const char *path)
{
    cs_error err = CS_ERROR_INIT;
    cs_resultsio_t *r = NULL;
    if (cs_resultsio_open(&r, path, &err) != CS_OK) fail_msg("%s", err.msg);
    return r;
}

static cs_recovery_analysis_t *recovery_of(cs_resultsio_t *r, const cs_analysis_options *o)
{
    cs_error err = CS_ERROR_INIT;
    cs_recovery_analysis_t *a = NULL;
    if (cs_analysis_recovery(&a, r, o, &err) != CS_OK) fail_msg("%s", err.msg);
    return a;
}

/* ---------------------------------------------------- raw datasets (HDF5) */

/* A whole dataset read as native doubles (or uint32 when u32) into a new buffer of *n values. */
static void *h5_read(const char *path, const char *name, bool u32, size_t *n)
{
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    const hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    assert_true(d >= 0);
    const hid_t sp = H5Dget_space(d);
    *n = (size_t)H5Sget_simple_extent_npoints(sp);
    void *buf = malloc((*n + 1) * (u32 ? sizeof(uint32_t) : sizeof(double)));
    assert_non_null(buf);
    assert_true(H5Dread(d, u32 ? H5T_NATIVE_UINT32 : H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                        H5P_DEFAULT, buf) >= 0);
    H5Sclose(sp);
    H5Dclose(d);
    H5Fclose(f);
    return buf;
}

static double *h5_doubles(const char *path, const char *name, size_t *n)
{
    return h5_read(path, name, false, n);
}

typedef struct {
    double fail, dispatch, end;
} raw_fault;

/* The fail, dispatch and end times of /recovery/faults. */
static raw_fault *h5_faults(const char *path, size_t *n)
{
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    const hid_t d = H5Dopen2(f, "/recovery/faults", H5P_DEFAULT);
    assert_true(f >= 0 && d >= 0);
    const hid_t sp = H5Dget_space(d), ty = H5Tcreate(H5T_COMPOUND, sizeof(raw_fault));
    H5Tinsert(ty, "fail_days", offsetof(raw_fault, fail), H5T_NATIVE_DOUBLE);
    H5Tinsert(ty, "dispatch_days", offsetof(raw_fault, dispatch), H5T_NATIVE_DOUBLE);
    H5Tinsert(ty, "end_days", offsetof(raw_fault, end), H5T_NATIVE_DOUBLE);
    *n = (size_t)H5Sget_simple_extent_npoints(sp);
    raw_fault *buf = malloc((*n + 1) * sizeof *buf);
    assert_non_null(buf);
    assert_true(H5Dread(d, ty, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    H5Tclose(ty);
    H5Sclose(sp);
    H5Dclose(d);
    H5Fclose(f);
    return buf;
}

static int cmp_dbl(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* x_(ceil(a n)) of v[0..n) (sorted here). */
static double ref_quantile(double *v, size_t n, double a)
{
    qsort(v, n, sizeof *v, cmp_dbl);
    size_t k = (size_t)ceil(a * (double)n - 1e-9);
    if (k < 1) k = 1;
    return v[k - 1];
}

static double ref_mean(const double *v, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return s / (double)n;
}

/* Sample standard deviation (two passes). */
static double ref_sd(const double *v, size_t n)
{
    const double m = ref_mean(v, n);
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s += (v[i] - m) * (v[i] - m);
    return sqrt(s / (double)(n - 1));
}

/* Equal, or both +inf, or both NaN. */
static void assert_same(double got, double want, double eps)
{
    if (isinf(want) || isnan(want)) {
        if (!(isinf(want) ? got == want : isnan(got)))
            fail_msg("got %.17g, expected %.17g", got, want);
        return;
    }
    assert_near(got, want, eps);
}

/* --------------------------------------------------------------- hand */

/*
 * Every trial is the same: PAC-2 cut at 0, 1.75 of 17.5 Tbps unserved (share 0.9) until the
 * ship ends its repair at end = 1 + the sail to the cut in mid-Pacific x 1.2 / (12 kn) + the
 * work at its depth (test_recovery derives it); then share 1. t50 = t90 = 0 (0.9 x 17.5 is still
 * served), t100 = end.
 */
static void test_hand(void **state)
{
    (void)state;
    cs_resultsio_t *r = open_file(p_hand);
    const cs_results_info *in = cs_resultsio_info(r);
    cs_recovery_analysis_t *a = recovery_of(r, NULL);
    size_t nf;
    raw_fault *f = h5_faults(p_hand, &nf);
    assert_int_equal(nf, 3);
    const double end = f[0].end;
    assert_true(end > 10.0 && end < 60.0);
    assert_near(f[1].end, end, 0.0);
    assert_int_equal(a->n, 3);
    assert_near(a->intact_tbps, 17.5, 1e-9);
    assert_near(a->horizon_days, 60.0, 0.0);
    assert_near(a->step_hours, 12.0, 0.0);
    /* 0, 1, 3, 7, 14, 30, 60 days on a 12-hour grid; 90 lies beyond the horizon. */
    const double days[] = {0, 1, 3, 7, 14, 30, 60};
    assert_int_equal(a->n_points, 7);
    for (size_t j = 0; j < 7; j++) {
        const cs_recovery_point *p = &a->points[j];
        const double share = days[j] < end ? 0.9 : 1.0;
        assert_int_equal(p->step, (size_t)(days[j] * 2));
        assert_near(p->time_days, days[j], 1e-12);
        assert_near(p->median, share, 1e-9);
        assert_near(p->q10, share, 1e-9);
        assert_near(p->q90, share, 1e-9);
        assert_near(p->share.mean, share, 1e-9);
        assert_near(p->share.sd, 0.0, 1e-12);
        assert_near(p->queue_mean, 0.0, 0.0); /* the ship is called at once */
        assert_int_equal(p->queue_max, 0);
    }
    assert_int_equal(in->n_ships, 1);
    for (size_t m = 0; m < 2; m++) {
        assert_near(a->ttr[m].censored.mean, 0.0, 1e-12);
        assert_near(a->ttr[m].q[1], 0.0, 1e-12);
    }
    assert_near(a->ttr[2].censored.mean, end, 1e-9);
    for (size_t i = 0; i < CS_RECOVERY_NQ; i++)
        assert_near(a->ttr[2].q[i], end, 1e-9);
    assert_int_equal(a->ttr[2].not_restored.k, 0);
    assert_int_equal(a->ttr[2].not_restored.n, 3);
    assert_near(a->unserved_tbps_days.est.mean, 1.75 * end, 1e-6);
    assert_near(a->unserved_tbps_days.q[3], 1.75 * end, 1e-6);
    assert_near(a->unserved_tbps_days.max, 1.75 * end, 1e-6);
    assert_near(a->capacity_tbps_days.est.mean, 10.0 * end, 1e-6);
    assert_near(a->capacity_tbps_days.est.se, 0.0, 1e-9);
    assert_string_equal(a->ships[0].name, "S");
    assert_string_equal(a->ships[0].home, "B");
    assert_near(a->ships[0].busy_days.mean, end, 1e-6);
    assert_int_equal(a->ships[0].worked.k, 3);
    assert_near(a->faults.mean, 1.0, 0.0);
    assert_int_equal(a->repaired.k, 3);
    assert_int_equal(a->repaired.n, 3);
    assert_near(a->wait_days.mean, 0.0, 1e-12);
    assert_near(a->outage_days.mean, end, 1e-9);
    free(f);
    cs_recovery_analysis_free(a);
    cs_resultsio_close(r);
}

/* ------------------------------------------------------------- random */

/* Every number of the analysis against the raw datasets, for the given options. */
static void check_random(const cs_analysis_options *o, bool quantiles)
{
    cs_resultsio_t *r = open_file(p_rand);
    const cs_results_info *in = cs_resultsio_info(r);
    cs_recovery_analysis_t *a = recovery_of(r, o);
    size_t nt, ns, nq, nb, nf, nk;
    double *time = h5_doubles(p_rand, "/timeseries/time_days", &ns);
    double *served = h5_doubles(p_rand, "/timeseries/served_tbps", &nk);
    uint32_t *queue = h5_read(p_rand, "/timeseries/queue_length", true, &nq);
    double *busy = h5_doubles(p_rand, "/recovery/ship_busy_days", &nb);
    double *base = h5_doubles(p_rand, "/baseline/served_tbps", &nt);
    double intact = 0.0;
    for (size_t k = 0; k < nt; k++)
        intact += base[k];
    nt = nk / ns;
    assert_int_equal(nt, 97);
    assert_int_equal(ns, 45 * 4 + 1);
    assert_near(a->intact_tbps, intact, 1e-12);
    /* Points: 0, 1, 3, 7, 14, 30 days and the horizon (45), on the 6-hour grid. */
    const double days[] = {0, 1, 3, 7, 14, 30, 45};
    assert_int_equal(a->n_points, 7);
    double *v = malloc(nt * sizeof *v);
    assert_non_null(v);
    bool some_drop = false;
    for (size_t j = 0; j < 7; j++) {
        const size_t k = (size_t)(days[j] * 4);
        const cs_recovery_point *p = &a->points[j];
        assert_int_equal(p->step, k);
        assert_near(p->time_days, time[k], 0.0);
        double qs = 0.0;
        uint32_t qmax = 0;
        for (size_t t = 0; t < nt; t++) {
            v[t] = served[t * ns + k] / intact;
            qs += queue[t * ns + k];
            if (queue[t * ns + k] > qmax) qmax = queue[t * ns + k];
            some_drop = some_drop || v[t] < 1 - 1e-6;
        }
        assert_near(p->share.mean, ref_mean(v, nt), 1e-12);
        assert_near(p->share.sd, ref_sd(v, nt), 1e-9);
        assert_same(p->q10, quantiles ? ref_quantile(v, nt, 0.1) : NAN, 1e-12);
        assert_same(p->median, quantiles ? ref_quantile(v, nt, 0.5) : NAN, 1e-12);
        assert_same(p->q90, quantiles ? ref_quantile(v, nt, 0.9) : NAN, 1e-12);
        assert_near(p->queue_mean, qs / (double)nt, 1e-12);
        assert_int_equal(p->queue_max, qmax);
    }
    assert_true(some_drop); /* the case is not trivial */
    const char *const tnames[3] = {"/recovery/t50_days", "/recovery/t90_days",
                                   "/recovery/t100_days"};
    const double levels[CS_RECOVERY_NQ] = CS_RECOVERY_LEVELS;
    for (size_t m = 0; m < 3; m++) {
        size_t n;
        double *t = h5_doubles(p_rand, tnames[m], &n);
        assert_int_equal(n, nt);
        uint64_t inf = 0;
        for (size_t i = 0; i < n; i++) {
            inf += isinf(t[i]) ? 1 : 0;
            v[i] = fmin(t[i], 45.0);
        }
        assert_near(a->ttr[m].censored.mean, ref_mean(v, n), 1e-9);
        assert_near(a->ttr[m].censored.sd, ref_sd(v, n), 1e-9);
        assert_int_equal(a->ttr[m].not_restored.k, inf);
        assert_int_equal(a->ttr[m].not_restored.n, nt);
        assert_true(a->ttr[m].available == quantiles);
        for (size_t i = 0; i < CS_RECOVERY_NQ; i++)
            assert_same(a->ttr[m].q[i], quantiles ? ref_quantile(t, n, levels[i]) : NAN, 1e-12);
        if (m == 2) assert_true(inf > 0 && inf < nt); /* some trials end unrestored */
        free(t);
    }
    const char *const anames[2] = {"/recovery/capacity_tbps_days", "/recovery/unserved_tbps_days"};
    const cs_recovery_amount *am[2] = {&a->capacity_tbps_days, &a->unserved_tbps_days};
    for (size_t m = 0; m < 2; m++) {
        size_t n;
        double *x = h5_doubles(p_rand, anames[m], &n);
        const double mean = ref_mean(x, n), sd = ref_sd(x, n);
        assert_true(mean > 0);
        assert_near(am[m]->est.mean, mean, 1e-9 * mean);
        assert_near(am[m]->est.se, sd / sqrt((double)n), 1e-9 * mean);
        assert_near(am[m]->est.lo, mean - CS_ANALYSIS_Z95 * sd / sqrt((double)n), 1e-9 * mean);
        for (size_t i = 0; i < CS_RECOVERY_NQ; i++)
            assert_same(am[m]->q[i], quantiles ? ref_quantile(x, n, levels[i]) : NAN, 1e-12);
        assert_same(am[m]->max, quantiles ? x[n - 1] : NAN, 1e-12);
        free(x);
    }
    /* Ships: mean busy days and the trials each worked in. */
    assert_int_equal(nb, nt * 2);
    assert_int_equal(a->n_ships, 2);
    for (size_t s = 0; s < 2; s++) {
        uint64_t worked = 0;
        for (size_t t = 0; t < nt; t++) {
            v[t] = busy[t * 2 + s];
            worked += v[t] > 0 ? 1 : 0;
        }
        assert_near(a->ships[s].busy_days.mean, ref_mean(v, nt), 1e-9);
        assert_int_equal(a->ships[s].worked.k, worked);
        assert_string_equal(a->ships[s].name, in->ships[s].name);
    }
    assert_string_equal(a->ships[1].name, "Beta");
    /* Faults: count, repaired within the horizon, wait and outage. */
    raw_fault *f = h5_faults(p_rand, &nf);
    uint64_t repaired = 0, dispatched = 0;
    double wait = 0.0, outage = 0.0;
    for (size_t i = 0; i < nf; i++) {
        if (isfinite(f[i].dispatch)) {
            dispatched++;
            wait += f[i].dispatch - f[i].fail;
        }
        if (isfinite(f[i].end)) {
            repaired++;
            outage += f[i].end - f[i].fail;
        }
    }
    assert_near(a->faults.mean, (double)nf / (double)nt, 1e-12);
    assert_int_equal(a->repaired.k, repaired);
    assert_int_equal(a->repaired.n, nf);
    assert_int_equal(a->wait_days.n, dispatched);
    assert_near(a->wait_days.mean, wait / (double)dispatched, 1e-9);
    assert_near(a->outage_days.mean, outage / (double)repaired, 1e-9);
    free(f);
    free(v);
    free(time);
    free(served);
    free(queue);
    free(busy);
    free(base);
    cs_recovery_analysis_free(a);
    cs_resultsio_close(r);
}

static void test_random(void **state)
{
    (void)state;
    check_random(NULL, true);
    cs_analysis_options o = CS_ANALYSIS_OPTIONS_INIT;
    o.slice_bytes = 3000; /* one or two trials a slice: slices that do not divide 97 */
    check_random(&o, true);
    o.max_tail_values = 50; /* quantiles given up, means kept */
    check_random(&o, false);
}

/* -------------------------------------------------------------- compare */

static cs_status compare(const char *pa, const char *pb, cs_recovery_comparison_t **c,
                         cs_error *err)
{
    cs_resultsio_t *a = open_file(pa), *b = open_file(pb);
    const cs_status rc = cs_analysis_compare_recovery(c, a, b, NULL, err);
    cs_resultsio_close(a);
    cs_resultsio_close(b);
    return rc;
}

/* One more ship, same seed: the paired differences per trial, recomputed from the datasets. */
static void test_compare(void **state)
{
    (void)state;
    cs_error err = CS_ERROR_INIT;
    cs_recovery_comparison_t *c = NULL;
    cs_resultsio_t *a = open_file(p_rand), *b = open_file(p_plus);
    if (cs_analysis_compare_recovery(&c, a, b, NULL, &err) != CS_OK) fail_msg("%s", err.msg);
    assert_int_equal(c->n, 97);
    const char *const names[5] = {"/recovery/t50_days", "/recovery/t90_days", "/recovery/t100_days",
                                  "/recovery/unserved_tbps_days", "/recovery/capacity_tbps_days"};
    const cs_paired *got[5] = {&c->ttr[0], &c->ttr[1], &c->ttr[2], &c->unserved_tbps_days,
                               &c->capacity_tbps_days};
    for (size_t m = 0; m < 5; m++) {
        size_t n, nb;
        double *x = h5_doubles(p_rand, names[m], &n), *y = h5_doubles(p_plus, names[m], &nb);
        assert_int_equal(n, nb);
        double *d = malloc(n * sizeof *d), sa = 0.0;
        assert_non_null(d);
        uint64_t better = 0, worse = 0;
        for (size_t t = 0; t < n; t++) {
            const double u = m < 3 ? fmin(x[t], 45.0) : x[t], w = m < 3 ? fmin(y[t], 45.0) : y[t];
            d[t] = w - u;
            sa += u;
            const double tol = 1e-9 * fmax(1.0, fmax(fabs(u), fabs(w)));
            better += u - w > tol;
            worse += w - u > tol;
        }
        const double mean = ref_mean(d, n), scale = fmax(1.0, sa / (double)n);
        assert_near(got[m]->diff.mean, mean, 1e-9 * scale);
        assert_near(got[m]->diff.sd, ref_sd(d, n), 1e-9 * scale);
        assert_int_equal(got[m]->n_neg, better);
        assert_int_equal(got[m]->n_pos, worse);
        if (m == 4) assert_true(better > 0); /* a third ship shortens outages */
        free(x);
        free(y);
        free(d);
    }
    /* The curves are each file's own analysis. */
    cs_recovery_analysis_t *ra = recovery_of(a, NULL), *rb = recovery_of(b, NULL);
    assert_int_equal(c->a->n_points, ra->n_points);
    for (size_t j = 0; j < ra->n_points; j++) {
        assert_near(c->a->points[j].median, ra->points[j].median, 0.0);
        assert_near(c->b->points[j].median, rb->points[j].median, 0.0);
        assert_near(c->b->points[j].share.mean, rb->points[j].share.mean, 1e-15);
    }
    assert_int_equal(c->b->n_ships, 3);
    assert_string_equal(c->b->ships[2].name, "Gamma");
    cs_recovery_analysis_free(ra);
    cs_recovery_analysis_free(rb);
    cs_recovery_comparison_free(c);
    /* A file against itself: no difference. */
    if (cs_analysis_compare_recovery(&c, a, a, NULL, &err) != CS_OK) fail_msg("%s", err.msg);
    assert_near(c->ttr[2].diff.mean, 0.0, 0.0);
    assert_int_equal(c->unserved_tbps_days.n_pos + c->unserved_tbps_days.n_neg, 0);
    cs_recovery_comparison_free(c);
    cs_resultsio_close(a);
    cs_resultsio_close(b);
}

static void test_refusals(void **state)
{
    (void)state;
    cs_error err = CS_ERROR_INIT;
    cs_recovery_comparison_t *c = NULL;
    /* Another seed: not refused but unpaired, each metric the Welch difference of the two
     * files' own estimates. */
    if (compare(p_rand, p_seed, &c, &err) != CS_OK) fail_msg("%s", err.msg);
    assert_int_equal(c->kind, CS_COMPARE_UNPAIRED);
    {
        cs_resultsio_t *ra = open_file(p_rand), *rs = open_file(p_seed);
        cs_recovery_analysis_t *xa = recovery_of(ra, NULL), *xs = recovery_of(rs, NULL);
        for (size_t m = 0; m < 3; m++) {
            const cs_paired w = cs_analysis_welch(&xa->ttr[m].censored, &xs->ttr[m].censored);
            assert_near(c->ttr[m].diff.mean, w.diff.mean, 1e-9);
            assert_near(c->ttr[m].diff.se, w.diff.se, 1e-9);
            assert_true(isnan(c->ttr[m].sign_p));
        }
        const cs_paired w =
            cs_analysis_welch(&xa->unserved_tbps_days.est, &xs->unserved_tbps_days.est);
        assert_near(c->unserved_tbps_days.diff.hi, w.diff.hi, 1e-6 * fmax(1.0, fabs(w.diff.hi)));
        cs_recovery_analysis_free(xa);
        cs_recovery_analysis_free(xs);
        cs_resultsio_close(ra);
        cs_resultsio_close(rs);
    }
    cs_recovery_comparison_free(c);
    c = NULL;
    err = (cs_error)CS_ERROR_INIT;
    assert_int_equal(compare(p_rand, p_grid, &c, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "45-day horizon"));
    assert_non_null(strstr(err.msg, p_grid));
    err = (cs_error)CS_ERROR_INIT;
    assert_int_equal(compare(p_rand, p_none, &c, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "test_recana_none.h5 has no recovery data"));
    cs_resultsio_t *r = open_file(p_none);
    cs_recovery_analysis_t *a = NULL;
    err = (cs_error)CS_ERROR_INIT;
    assert_int_equal(cs_analysis_recovery(&a, r, NULL, &err), CS_EINVAL);
    assert_null(a);
    assert_non_null(strstr(err.msg, "test_recana_none.h5: no recovery data"));
    cs_analysis_options o = CS_ANALYSIS_OPTIONS_INIT;
    o.slice_bytes = 0;
    cs_resultsio_close(r);
    r = open_file(p_rand);
    err = (cs_error)CS_ERROR_INIT;
    assert_int_equal(cs_analysis_recovery(&a, r, &o, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "slice_bytes"));
    cs_resultsio_close(r);
}

/* ------------------------------------------------------------------ CLI */

static void expect_out(const char *args, int status, const char *fragment)
{
    static char out[1 << 18];
    const int st = cs_test_cli(NULL, args, status != 0, out, sizeof out);
    if (st != status || strstr(out, fragment) == NULL)
        fail_msg("cablesim %s: status %d, wanted %d and \"%s\"; output: %.2000s", args, st, status,
                 fragment, out);
    if (status != 0) assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));
}

static void test_cli(void **state)
{
    (void)state;
    char args[512], line[128];
    cs_resultsio_t *r = open_file(p_hand);
    cs_recovery_analysis_t *a = recovery_of(r, NULL);
    const double end = a->ttr[2].censored.mean;
    cs_recovery_analysis_free(a);
    cs_resultsio_close(r);
    expect_out("analyze --help", 0,
               "the served share (median, 10-90% band), the time to\n"
               "restore 50/90/100%, Tbps-days lost");
    expect_out("compare --help", 0, "the times to restore 50/90/100% (capped");
    snprintf(args, sizeof args, "analyze %s", p_hand);
    expect_out(args, 0, "Recovery over time (3 trials; 60-day horizon in 12-hour steps");
    snprintf(line, sizeof line, "%.3f (%.3f to %.3f)", end, end, end);
    expect_out(args, 0, line);
    snprintf(args, sizeof args, "analyze %s --format csv --table recovery", p_hand);
    expect_out(args, 0, "0,0,0.9,0.9,0.9,0.9,0,0,0\n2,1,0.9,0.9,0.9,0.9,0,0,0\n");
    snprintf(args, sizeof args, "analyze %s --format csv --table recovery-times", p_hand);
    snprintf(line, sizeof line, "t100_days,%.12g,0,%.12g,%.12g,", end, end, end);
    expect_out(args, 0, line);
    snprintf(args, sizeof args, "analyze %s --format csv --table ships", p_hand);
    expect_out(args, 0, "S,B,");
    snprintf(args, sizeof args, "analyze %s --format json", p_hand);
    expect_out(args, 0, "\"share_median\": 0.9");
    snprintf(args, sizeof args, "analyze %s --format json", p_none);
    expect_out(args, 0, "\"recovery\": null");
    snprintf(args, sizeof args, "analyze %s --format csv --table ships", p_none);
    expect_out(args, 2, "test_recana_none.h5 has no recovery data");
    snprintf(args, sizeof args, "compare %s %s", p_rand, p_plus);
    expect_out(args, 0, "days to restore 100%");
    snprintf(args, sizeof args, "compare %s %s --format json", p_rand, p_plus);
    expect_out(args, 0, "\"median_served_share\"");
    snprintf(args, sizeof args, "compare %s %s", p_rand, p_none);
    expect_out(args, 0, "Recovery: not compared: only test_recana_rand.h5 has recovery data");
    snprintf(args, sizeof args, "compare %s %s --format json", p_none, p_rand);
    expect_out(args, 0, "\"recovery\": null");
    snprintf(args, sizeof args, "compare %s %s", p_rand, p_grid);
    expect_out(args, 0, "Recovery: not compared: compare: test_recana_rand.h5 has a");
    expect_out(args, 0, "recovery curves need the same grid");
    snprintf(args, sizeof args, "compare %s %s", p_rand, p_seed);
    expect_out(args, 0, "Recovery (unpaired; B - A;");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand),    cmocka_unit_test(test_random),
        cmocka_unit_test(test_compare), cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
