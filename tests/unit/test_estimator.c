/*
 * test_estimator.c: rare events (estimator.h, docs/rare-events.md): importance sampling against
 * an exact probability, split invariance of the weights, the untilted draws unchanged, the
 * estimator's input errors, and agreement with a plain run on the Japan network.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cablesim/analysis.h"
#include "cablesim/engine.h"
#include "cablesim/estimator.h"
#include "cs_engine_test.h"
#include "cs_test.h"

/*
 * tests/data/rare-sp.geojson: Tokyo reaches Los Angeles over three paths: A = a-1 then a-2 (in
 * series through a branching unit), B = b, C = c-1 then c-2. Every segment fails independently
 * (random_faults, instant mode), so P(cut off) = P(A down) P(B down) P(C down) with
 * P(A down) = 1 - (1 - p_a1)(1 - p_a2), and, with rate_shallow = rate_deep = r,
 * p = x / (1 + x), x = L/1000 r MTTR/365 (docs/model.md, "Random faults").
 */
#define SP_RATE   0.06
#define SP_REPAIR 21.0

static const char *const sp_scenario = "name: rare-sp\n"
                                       "topology: rare-sp.geojson\n"
                                       "demand: rare-sp-demand.csv\n"
                                       "as_of: 2020\n"
                                       "trials: 20000\n"
                                       "seed: 3\n"
                                       "hazards:\n"
                                       "  - type: random_faults\n"
                                       "    rate_shallow: 0.06\n"
                                       "    rate_deep: 0.06\n"
                                       "estimator:\n"
                                       "  method: importance_sampling\n"
                                       "  target: {region: US West Coast, cut_off: true}\n";

static double sp_p(double length_km)
{
    const double x = length_km / 1000.0 * SP_RATE * SP_REPAIR / 365.0;
    return x / (1.0 + x);
}

static double sp_exact(void)
{
    const double pa = 1.0 - (1.0 - sp_p(1500)) * (1.0 - sp_p(2200));
    const double pc = 1.0 - (1.0 - sp_p(1200)) * (1.0 - sp_p(2600));
    return pa * sp_p(1800) * pc;
}

static cs_scenario *load(const char *text, const char *const *sets, size_t nsets)
{
    return cs_test_scenario(text, "rare.yaml", sets, nsets);
}

/*
 * Checks of the likelihood ratio itself, whatever the target: E_q[w] = 1 (the weights of an
 * importance-sampled run average 1 within 3 standard errors), and the weighted mean of capacity
 * lost, an expectation of the model that is far from rare, agrees with the plain run's (plain:
 * a run of the model's own draws; NULL: none) within 3 combined standard errors. A likelihood
 * ratio without its (1 - p) / (1 - q) factors passes the probability check on the Japan network
 * (an estimate 5% below the plain run's, whose standard error is 7%); its weights average 0.077.
 */
static void assert_weights_unbiased(const cs_run_summary *is, const cs_run_summary *plain)
{
    const cs_rare_sums *r = &is->rare_sums;
    const cs_rare_estimate w = cs_rare_mean(r, r->sw, r->sw2);
    print_message("mean weight %.4g +- %.2g (%llu trials)\n", w.mean, w.se,
                  (unsigned long long)r->n);
    assert_true(w.se > 0.0 && fabs(w.mean - 1.0) <= 3.0 * w.se);
    if (plain == NULL) return;
    const cs_rare_estimate c = cs_rare_mean(r, r->swc, r->swc2);
    const cs_rare_estimate cp =
        cs_rare_mean(&plain->rare_sums, plain->rare_sums.swc, plain->rare_sums.swc2);
    print_message("capacity lost: weighted %.4g +- %.2g, plain %.4g +- %.2g Tbps\n", c.mean, c.se,
                  cp.mean, cp.se);
    assert_true(cp.mean > 0.0);
    assert_true(fabs(c.mean - cp.mean) <= 3.0 * sqrt(c.se * c.se + cp.se * cp.se));
}

/* Runs every trial of e without writing; the summary into *sum (initialised here). */
static void run_all(cs_engine_t *e, cs_run_summary *sum)
{
    cs_error err = CS_ERROR_INIT;
    if (cs_run_summary_init(sum, e, &err) != CS_OK) fail_msg("summary: %s", err.msg);
    if (cs_engine_run(e, NULL, NULL, sum, &err) != CS_OK) fail_msg("run: %s", err.msg);
}

/*
 * One seed of the exact test: the tilt and the estimate of P(cut off) into *est (20,000 trials,
 * pilot of 2,000 per iteration); checks what must hold at every seed. Returns whether the 95%
 * interval covers the exact value.
 */
static bool exact_at_seed(unsigned seed, double exact)
{
    char set[32];
    snprintf(set, sizeof set, "seed=%u", seed);
    const char *const sets[] = {set};
    cs_scenario *s = load(sp_scenario, sets, 1);
    cs_engine_t *e = cs_test_engine(s);
    unsigned it = 0;
    bool reached = false;
    cs_estimator_fit_info(cs_engine_estimator(e), &it, &reached);
    assert_true(reached);
    /* the tilt is the model's or above for every segment, and below q_max */
    const double *q, *p;
    const size_t n = cs_estimator_tilt(cs_engine_estimator(e), &q, &p);
    assert_int_equal(n, 5);
    print_message("seed %u: q = %.3g %.3g %.3g %.3g %.3g\n", seed, q[0], q[1], q[2], q[3], q[4]);
    for (size_t k = 0; k < n; k++) {
        assert_true(q[k] >= p[k] && q[k] <= 0.99);
        assert_near(p[k],
                    sp_p(k == 0   ? 1500
                         : k == 1 ? 2200
                         : k == 2 ? 1800
                         : k == 3 ? 1200
                                  : 2600),
                    1e-15);
        /* Every segment matters: P(failed | cut off) is 0.41, 0.59, 1, 0.32 and 0.68 for a-1,
         * a-2, b, c-1, c-2. Until session 18 the screening left a-1 (seed 2) or c-1 (seed 3)
         * at q = p once its partner in series was tilted (relative standard error 12.2% and
         * 6.9%; docs/rare-events.md, "Verification"). */
        assert_true(q[k] >= 10.0 * p[k]);
    }
    cs_run_summary sum;
    run_all(e, &sum);
    assert_true(sum.rare && sum.weighted);
    const cs_rare_estimate est = cs_rare_probability(&sum.rare_sums, true);
    print_message("seed %u: %.4g (95%% CI %.4g to %.4g), relative standard error %.3g, error "
                  "%+.2g, %u pilot iterations\n",
                  seed, est.mean, est.lo, est.hi, est.rel, (est.mean - exact) / exact, it);
    assert_int_equal(est.n, 20000);
    /* at most 10^5 trials in all, the pilot's included */
    assert_true(est.n + it * cs_estimator_params(cs_engine_estimator(e))->pilot_trials <= 100000);
    /* issue 15 asks for 10%; every seed of 1 to 20 gives 1.2% to 1.4% */
    assert_true(est.rel < 0.05);
    assert_true(fabs(est.mean - exact) / exact < 0.1);
    assert_true(fabs(est.mean - exact) <= 3.0 * est.se); /* the 99.7% interval covers */
    assert_true(sum.rare_sums.hits > 1000);              /* the tilt makes the event common */
    /* E[capacity lost] = 10 Tbps x sum of p: a weighted mean of another quantity, covered too */
    double sp = 0.0;
    for (size_t k = 0; k < n; k++)
        sp += p[k];
    const cs_rare_estimate c = cs_rare_mean(&sum.rare_sums, sum.rare_sums.swc, sum.rare_sums.swc2);
    assert_true(c.lo <= 10.0 * sp && 10.0 * sp <= c.hi);
    const double ess = cs_rare_ess(&sum.rare_sums);
    assert_true(ess > 1.0 && ess < 20000.0);
    assert_weights_unbiased(&sum, NULL);
    /* the default pilot's runs keep their interval (docs/rare-events.md, "When the interval is
     * withheld") */
    const cs_rare_check ok = cs_rare_reliability(&sum.rare_sums, true);
    assert_false(ok.weights_off || ok.hits_few);
    assert_string_equal(ok.reason, "");
    const bool covers = est.lo <= exact && exact <= est.hi;
    cs_run_summary_destroy(&sum);
    cs_engine_free(e);
    cs_scenario_free(s);
    return covers;
}

/*
 * The estimate covers the exact probability (~1e-6) and is within 10% of it, with 2 x 10^4
 * trials and a pilot of 6 or 7 x 2,000, at most 10^5 in all (plain Monte Carlo would need ~10^8
 * for 10%), at several seeds: the property must not hang on the seed. Seeds 2, 3 and 7 are
 * those at which the screening before session 18 left a segment of a series pair untilted
 * (relative standard errors 12.2%, 6.9% and 11.4%; now 1.2% to 1.4%, docs/rare-events.md). At
 * each seed the 99.7% interval must cover the exact value, the 95% interval at all but one
 * (seed 1's misses it: 1.042e-6, 2.2 standard errors above; over seeds 1 to 20, 18 cover).
 */
static void test_exact_series_parallel(void **state)
{
    (void)state;
    const double exact = sp_exact();
    assert_true(exact > 5e-7 && exact < 2e-6);
    static const unsigned seeds[] = {1, 2, 3, 7};
    const size_t ns = sizeof seeds / sizeof *seeds;
    size_t covered = 0;
    for (size_t i = 0; i < ns; i++)
        covered += exact_at_seed(seeds[i], exact);
    assert_true(covered + 1 >= ns);
}

/*
 * A pilot of 1,000 per iteration at seed 20 leaves c-1 at q = p while c-2 is tilted to 0.96: the
 * estimate is 30% low (7.09e-7 of 1.0143e-6 with 20,000 trials) with a stated relative standard
 * error of 0.74%. The weights, which average 1 under any tilt, average 0.027 +- 0.006 there
 * (0.015 +- 0.004 with the 2,000 trials here): the run is flagged and its interval withheld.
 * Before session 21 it was printed as it was (docs/rare-events.md).
 */
static void test_unreliable_flagged(void **state)
{
    (void)state;
    const char *const sets[] = {"seed=20", "estimator.pilot_trials=1000", "trials=2000"};
    cs_scenario *s = load(sp_scenario, sets, 3);
    cs_engine_t *e = cs_test_engine(s);
    cs_run_summary sum;
    run_all(e, &sum);
    const cs_rare_check ok = cs_rare_reliability(&sum.rare_sums, true);
    print_message("seed 20, pilot 1000: mean weight %.3g +- %.2g, hits' ESS %.0f of %llu: %s\n",
                  ok.mean_w, ok.se_w, ok.ess_hits, (unsigned long long)sum.rare_sums.hits,
                  ok.reason);
    assert_true(ok.weights_off);
    assert_true(ok.mean_w < 0.1);
    assert_non_null(strstr(ok.reason, "unreliable: the weights average"));
    assert_non_null(strstr(ok.reason, "rerun with a larger pilot_trials"));
    /* the same trials read as plain (weights ignored) are never flagged */
    assert_string_equal(cs_rare_reliability(&sum.rare_sums, false).reason, "");
    cs_run_summary_destroy(&sum);
    cs_engine_free(e);
    cs_scenario_free(s);
    /* a few hits carrying the estimate: 1,000 trials of weight 1 without the event, one hit of
     * weight 50 and 19 of weight 0.001 (the weights' mean 1.03 +- 0.05 is fine) */
    cs_rare_sums h = {0};
    for (size_t i = 0; i < 1000; i++)
        cs_rare_sums_add(&h, 1.0, false, 0.0, 0.0, 0.0);
    cs_rare_sums_add(&h, 50.0, true, 0.0, 0.0, 0.0);
    for (size_t i = 0; i < 19; i++)
        cs_rare_sums_add(&h, 0.001, true, 0.0, 0.0, 0.0);
    const cs_rare_check few = cs_rare_reliability(&h, true);
    assert_false(few.weights_off);
    assert_true(few.hits_few);
    assert_true(few.ess_hits > 1.0 && few.ess_hits < 1.01);
    assert_non_null(strstr(few.reason, "effective sample size 1 is below 10% of the 20 hits"));
    /* equal weights: reliable */
    cs_rare_sums one = {0};
    for (size_t i = 0; i < 100; i++)
        cs_rare_sums_add(&one, 1.0, i % 3 == 0, 0.0, 0.0, 0.0);
    assert_string_equal(cs_rare_reliability(&one, true).reason, "");
}

/* Two engines fit the same tilt; trial t's weight depends on (seed, t) only, whatever order and
 * blocks the trials run in (ranks, shards, resumed runs). */
static void test_split_identical(void **state)
{
    (void)state;
    const char *const sets[] = {"trials=200", "estimator.pilot_trials=400"};
    cs_scenario *s = load(sp_scenario, sets, 2);
    cs_engine_t *a = cs_test_engine(s), *b = cs_test_engine(s);
    const double *qa, *qb, *pa, *pb;
    const size_t n = cs_estimator_tilt(cs_engine_estimator(a), &qa, &pa);
    assert_int_equal(cs_estimator_tilt(cs_engine_estimator(b), &qb, &pb), n);
    assert_memory_equal(qa, qb, n * sizeof *qa);
    cs_error err = CS_ERROR_INIT;
    cs_trial_batch ba, bb1, bb2;
    const cs_topology_t *t = cs_engine_topology(a);
    cs_trial_batch *bs[] = {&ba, &bb1, &bb2};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(cs_trial_batch_init(bs[i], 200, cs_demand_count(cs_engine_demand(a)),
                                             cs_topology_edge_count(t), cs_topology_node_count(t),
                                             cs_engine_pairs(a)->n, true, &err),
                         CS_OK);
        assert_int_equal(cs_engine_batch_recovery(a, bs[i], &err), CS_OK);
        assert_true(cs_trial_batch_has(bs[i], CS_DS_WEIGHT));
    }
    cs_run_summary sa, sb;
    assert_int_equal(cs_run_summary_init(&sa, a, &err), CS_OK);
    assert_int_equal(cs_run_summary_init(&sb, b, &err), CS_OK);
    assert_int_equal(cs_engine_run_block(a, 0, 200, 0, &ba, &sa, &err), CS_OK);
    assert_int_equal(cs_engine_run_block(b, 120, 80, 64, &bb2, &sb, &err), CS_OK);
    assert_int_equal(cs_engine_run_block(b, 0, 120, 64, &bb1, &sb, &err), CS_OK);
    const double *wa = cs_trial_batch_row(&ba, CS_DS_WEIGHT, 0);
    const double *w1 = cs_trial_batch_row(&bb1, CS_DS_WEIGHT, 0);
    const double *w2 = cs_trial_batch_row(&bb2, CS_DS_WEIGHT, 0);
    assert_memory_equal(wa, w1, 120 * sizeof *wa);
    assert_memory_equal(wa + 120, w2, 80 * sizeof *wa);
    size_t below_one = 0;
    for (size_t i = 0; i < 200; i++) {
        assert_true(wa[i] > 0.0 && isfinite(wa[i]));
        below_one += wa[i] < 1.0;
    }
    assert_true(below_one > 0); /* tilted: not every weight is 1 */
    assert_int_equal(sa.rare_sums.n, 200);
    assert_int_equal(sb.rare_sums.n, 200);
    assert_int_equal(sa.rare_sums.hits, sb.rare_sums.hits);
    assert_near(sa.rare_sums.swi, sb.rare_sums.swi, 1e-12 * sa.rare_sums.swi);
    /* a summary read back from batches (resume) adds the same sums */
    cs_run_summary sr;
    assert_int_equal(cs_run_summary_init(&sr, a, &err), CS_OK);
    assert_int_equal(cs_run_summary_add_batch(&sr, a, &ba, &err), CS_OK);
    assert_int_equal(sr.rare_sums.hits, sa.rare_sums.hits);
    assert_near(sr.rare_sums.swi, sa.rare_sums.swi, 1e-12 * sa.rare_sums.swi);
    assert_near(sr.rare_sums.sw2, sa.rare_sums.sw2, 1e-12 * sa.rare_sums.sw2);
    /* the capacity lost on systems landing in Japan, from the batch's failure lists */
    assert_true(sa.jsys_capacity_lost_sum > 0.0);
    assert_near(sr.jsys_capacity_lost_sum, sa.jsys_capacity_lost_sum,
                1e-12 * sa.jsys_capacity_lost_sum);
    assert_near(sr.capacity_lost_sum, sa.capacity_lost_sum, 1e-12 * sa.capacity_lost_sum);
    cs_run_summary_destroy(&sr);
    cs_run_summary_destroy(&sa);
    cs_run_summary_destroy(&sb);
    for (size_t i = 0; i < 3; i++)
        cs_trial_batch_destroy(bs[i]);
    cs_engine_free(a);
    cs_engine_free(b);
    cs_scenario_free(s);
}

/* `method: plain` draws exactly what a run without an estimator draws, with weight 1. */
static void test_plain_unchanged(void **state)
{
    (void)state;
    const char *const plain[] = {"estimator.method=plain", "trials=300"};
    cs_scenario *s1 = load(sp_scenario, plain, 2);
    const char *const none[] = {"trials=300"};
    char *text = strdup(sp_scenario);
    *strstr(text, "estimator:") = '\0';
    cs_scenario *s2 = load(text, none, 1);
    free(text);
    assert_false(s1->weighted);
    assert_null(s2->estimator);
    cs_engine_t *a = cs_test_engine(s1), *b = cs_test_engine(s2);
    cs_error err = CS_ERROR_INIT;
    const cs_topology_t *t = cs_engine_topology(a);
    cs_failures fa, fb;
    cs_routing_result ra, rb;
    unsigned char ca[4], cb[4];
    const size_t ne = cs_topology_edge_count(t), nn = cs_topology_node_count(t);
    assert_int_equal(cs_failures_init(&fa, ne, nn, &err), CS_OK);
    assert_int_equal(cs_failures_init(&fb, ne, nn, &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&ra, 1, ne, &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&rb, 1, ne, &err), CS_OK);
    size_t failed = 0;
    for (uint64_t k = 0; k < 3000; k++) {
        assert_int_equal(cs_engine_trial(a, k, &fa, &ra, ca, &err), CS_OK);
        assert_int_equal(cs_engine_trial(b, k, &fb, &rb, cb, &err), CS_OK);
        assert_int_equal(fa.n_edges, fb.n_edges);
        assert_memory_equal(fa.edges, fb.edges, fa.n_edges * sizeof *fa.edges);
        assert_near(cs_estimator_weight(cs_engine_estimator(a)), 1.0, 0.0);
        failed += fa.n_edges;
    }
    assert_true(failed > 0);
    cs_run_summary sum;
    run_all(a, &sum);
    assert_true(sum.rare && !sum.weighted);
    assert_near(sum.rare_sums.sw, 300.0, 0.0);
    cs_run_summary_destroy(&sum);
    cs_failures_destroy(&fa);
    cs_failures_destroy(&fb);
    cs_routing_result_destroy(&ra);
    cs_routing_result_destroy(&rb);
    cs_engine_free(a);
    cs_engine_free(b);
    cs_scenario_free(s1);
    cs_scenario_free(s2);
}

/* The small network's scenario with its `estimator:` section replaced by tail, into text. */
static void with_estimator(char *text, size_t n, const char *tail)
{
    const char *cut = strstr(sp_scenario, "estimator:");
    snprintf(text, n, "%.*s%s", (int)(cut - sp_scenario), sp_scenario, tail);
}

/* Every mistake in `estimator:` is one line with the place and what was expected. */
static void test_errors(void **state)
{
    (void)state;
    /* at_load: refused as the scenario loads (unknown keys, a misspelt `method` too, named with
     * their hint rather than `method` as missing), else as the engine is built */
    static const struct {
        const char *tail, *want;
        bool at_load;
    } cases[] = {
        {"estimator:\n  method: importance_sampling\n  pilot_trails: 100\n"
         "  target: {region: US West Coast, cut_off: true}\n",
         "rare.yaml:13:3: estimator: unknown key \"pilot_trails\" (did you mean "
         "\"pilot_trials\"?)",
         true},
        {"estimator:\n  metod: importance_sampling\n"
         "  target: {region: US West Coast, cut_off: true}\n",
         "rare.yaml:12:3: estimator: unknown key \"metod\" (did you mean \"method\"?)", true},
        {"estimator:\n  method: importance_sampling\n  target: {region: US West Cost, cut_off: "
         "true}\n",
         "rare.yaml:13:20: estimator.target.region: expected a foreign region with demand from "
         "Japan that the intact network serves (nearest: \"US West Coast\"), found \"US West "
         "Cost\"",
         false},
        {"estimator:\n  method: importance_sampling\n  target: {unserved_above_tbps: 1, "
         "capacity_lost_above_tbps: 2}\n",
         "estimator.target: expected either `unserved_above_tbps` or `capacity_lost_above_tbps`",
         false},
        {"estimator:\n  method: importance_sampling\n  target: {region: US West Coast}\n",
         "estimator.target: expected a map with one of served_below", false},
        {"estimator:\n  method: importance_sampling\n  target: {region: US West Coast, "
         "served_below: 1.5}\n",
         "estimator.target.served_below: expected a number in [0, 1], found \"1.5\"", false},
        {"estimator:\n  method: importance_sampling\n  target: {unserved_above_tbps: 1, region: "
         "US West Coast}\n",
         "estimator.target.region: expected no region with a network-wide criterion", false},
        {"estimator:\n  method: importance_sampling\n  rho: 0.9\n  target: "
         "{unserved_above_tbps: 1}\n",
         "estimator.rho: expected a number in [0.001, 0.5], found \"0.9\"", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[2048];
        with_estimator(text, sizeof text, cases[i].tail);
        cs_scenario *s = NULL;
        cs_error err = CS_ERROR_INIT;
        assert_int_equal(
            cs_scenario_load_string(&s, text, "rare.yaml", CS_TEST_DATA, NULL, 0, 2026, &err),
            cases[i].at_load ? CS_EINVAL : CS_OK);
        cs_engine_t *e = NULL;
        if (!cases[i].at_load) assert_int_equal(cs_engine_alloc(&e, s, &err), CS_EINVAL);
        assert_null(e);
        if (strstr(err.msg, cases[i].want) == NULL)
            fail_msg("case %zu: %s\nexpected: %s", i, err.msg, cases[i].want);
        assert_null(strchr(err.msg, '\n'));
        cs_scenario_free(s);
    }
    /* a method the scenario loader does not know: the choices are listed */
    cs_scenario *s = NULL;
    cs_error err = CS_ERROR_INIT;
    const char *const bad[] = {"estimator.method=importance"};
    assert_int_equal(
        cs_scenario_load_string(&s, sp_scenario, "rare.yaml", CS_TEST_DATA, bad, 1, 2026, &err),
        CS_EINVAL);
    assert_non_null(strstr(
        err.msg,
        "estimator.method: expected \"importance_sampling\" or \"plain\", found \"importance\""));
    /* importance sampling with nothing to tilt: refused; plain accepted */
    const char *const explicit_only = "name: rare-x\ntopology: rare-sp.geojson\n"
                                      "demand: rare-sp-demand.csv\nas_of: 2020\n"
                                      "hazards:\n  - type: explicit\n    segments: [b:1]\n"
                                      "estimator:\n  method: importance_sampling\n"
                                      "  target: {region: US West Coast, served_below: 0.5}\n";
    s = load(explicit_only, NULL, 0);
    cs_engine_t *e = NULL;
    err = (cs_error)CS_ERROR_INIT;
    assert_int_equal(cs_engine_alloc(&e, s, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "rare.yaml:9:11: estimator.method: expected a scenario with "
                                    "a random_faults hazard to tilt"));
    cs_scenario_free(s);
    const char *const plain[] = {"estimator.method=plain"};
    s = load(explicit_only, plain, 1);
    e = cs_test_engine(s);
    cs_run_summary sum;
    run_all(e, &sum);
    assert_int_equal(sum.rare_sums.hits, 0); /* b alone down: A and C still serve */
    cs_run_summary_destroy(&sum);
    cs_engine_free(e);
    cs_scenario_free(s);
}

/* The events and scores of every kind of target. */
static void test_targets(void **state)
{
    (void)state;
    const double served[2] = {0.4, NAN};
    const bool cut[2] = {false, false};
    cs_trial_outcome o = {2.5, 30.0, 12.0, 40.0, served, cut};
    cs_target t = {.kind = CS_TARGET_SERVED_BELOW, .region = 0, .level = 0.5};
    assert_true(cs_target_event(&t, &o));
    assert_near(cs_target_score(&t, &o), 0.6, 1e-15);
    t.level = 0.4;
    assert_false(cs_target_event(&t, &o)); /* strictly below */
    t.region = 1;
    assert_false(cs_target_event(&t, &o)); /* unreachable: never */
    assert_near(cs_target_score(&t, &o), 0.0, 0.0);
    t = (cs_target){.kind = CS_TARGET_CUT_OFF, .region = 0, .level = 1.0};
    assert_false(cs_target_event(&t, &o));
    const bool cut2[2] = {true, false};
    o.region_cut = cut2;
    assert_true(cs_target_event(&t, &o));
    t = (cs_target){.kind = CS_TARGET_UNSERVED_ABOVE, .level = 2.5};
    assert_false(cs_target_event(&t, &o));
    t.level = 2.0;
    assert_true(cs_target_event(&t, &o));
    t = (cs_target){.kind = CS_TARGET_CAPACITY_LOST_ABOVE, .level = 29.0};
    assert_true(cs_target_event(&t, &o));
    t = (cs_target){.kind = CS_TARGET_INTL_SHARE_ABOVE, .level = 0.3};
    assert_near(cs_target_score(&t, &o), 0.3, 1e-15);
    assert_false(cs_target_event(&t, &o));
    /* sums: weighted means and the effective sample size */
    cs_rare_sums s = {0}, s1 = {0}, s2 = {0};
    const double w[4] = {0.5, 2.0, 0.25, 1.25};
    for (size_t i = 0; i < 4; i++) {
        cs_rare_sums_add(&s, w[i], i % 2 == 1, 1.0 + (double)i, 0.0, 0.0);
        cs_rare_sums_add(i < 2 ? &s1 : &s2, w[i], i % 2 == 1, 1.0 + (double)i, 0.0, 0.0);
    }
    cs_rare_sums_merge(&s1, &s2);
    assert_memory_equal(&s, &s1, sizeof s);
    const cs_rare_estimate p = cs_rare_probability(&s, true);
    assert_near(p.mean, (2.0 + 1.25) / 4.0, 1e-15);
    /* sample sd of w 1{event} = {0, 2, 0, 1.25} */
    const double m = 3.25 / 4.0,
                 var = ((m * m) * 2 + (2 - m) * (2 - m) + (1.25 - m) * (1.25 - m)) / 3;
    assert_near(p.se, sqrt(var / 4.0), 1e-15);
    assert_near(cs_rare_ess(&s), 4.0 * 4.0 / (0.25 + 4.0 + 0.0625 + 1.5625), 1e-12);
    const cs_rare_estimate plain = cs_rare_probability(&s, false);
    assert_near(plain.mean, 0.5, 1e-15); /* hits / n with weights ignored */
    /* a weighted mean's interval stays within the quantity's range: unserved {0, 0, 0, 5} at
     * weight 1 has mean 1.25 and se 1.25, a normal interval from -1.2 clipped at 0 */
    cs_rare_sums u = {0};
    for (size_t i = 0; i < 4; i++)
        cs_rare_sums_add(&u, 1.0, false, i == 3 ? 5.0 : 0.0, 0.0, 0.0);
    const cs_rare_estimate um = cs_rare_mean(&u, u.swu, u.swu2);
    assert_near(um.mean, 1.25, 1e-15);
    assert_near(um.se, 1.25, 1e-15);
    assert_true(um.lo == 0.0);
    assert_near(um.hi, 1.25 + CS_ANALYSIS_Z95 * 1.25, 1e-12);
}

/*
 * On the Japan network (the default job's faults), Brunei cut off has a probability of about
 * 2e-3: a long plain run of 10^5 trials sees it 212 times (0.00212, standard error 7%), the
 * importance-sampled run of 2 x 10^3 agrees with it within three combined standard errors, its
 * weights average 1 and its weighted capacity lost is the plain run's. With 10^4 plain trials (24
 * events, standard error 20%) weights w^1.1 (an estimate 45% low) passed the comparison.
 */
static void test_japan_agrees(void **state)
{
    (void)state;
    static const char *const text = "name: rare-japan\n"
                                    "as_of: 2026\n"
                                    "trials: 2000\n"
                                    "seed: 5\n"
                                    /* the tilt's figures were set without the restoration
                                     * limit (issue 10): its pilot scores served traffic */
                                    "routing: {restoration_share: 1}\n"
                                    "hazards:\n"
                                    "  - type: random_faults\n"
                                    "    regional_rates:\n"
                                    "      - {region: Taiwan Strait, rate_shallow: 5}\n"
                                    "      - {region: East China Sea, rate_shallow: 5}\n"
                                    "estimator:\n"
                                    "  method: importance_sampling\n"
                                    "  pilot_trials: 500\n"
                                    "  target: {region: Brunei, cut_off: true}\n";
    cs_scenario *si = load(text, NULL, 0);
    const char *const plain[] = {"estimator.method=plain", "trials=100000"};
    cs_scenario *sp = load(text, plain, 2);
    cs_engine_t *ei = cs_test_engine(si), *ep = cs_test_engine(sp);
    cs_run_summary a, b;
    run_all(ei, &a);
    run_all(ep, &b);
    const cs_rare_estimate pi = cs_rare_probability(&a.rare_sums, true);
    const cs_rare_estimate pp = cs_rare_mean(&b.rare_sums, b.rare_sums.swi, b.rare_sums.swi2);
    print_message("Brunei cut off: importance sampling %.4g +- %.2g (%llu trials), plain %.4g "
                  "+- %.2g (%llu trials, %llu events)\n",
                  pi.mean, pi.se, (unsigned long long)a.rare_sums.n, pp.mean, pp.se,
                  (unsigned long long)b.rare_sums.n, (unsigned long long)b.rare_sums.hits);
    assert_true(b.rare_sums.hits >= 100); /* the plain run sees the event */
    assert_true(pi.mean > 0.0 && pi.rel < 0.2);
    assert_true(fabs(pi.mean - pp.mean) <= 3.0 * sqrt(pi.se * pi.se + pp.se * pp.se));
    assert_weights_unbiased(&a, &b);
    assert_string_equal(cs_rare_reliability(&a.rare_sums, true).reason, "");
    /* Issue 15: a pilot of 1000 (seed 1) tilted ~250 segments before screening and left an
     * effective sample size of 9 of 1000 (relative standard error 8.7%). Screening tilts only
     * the segments that fail markedly more often in the elite trials: ESS 80, 1.6%. */
    const char *const screened[] = {"seed=1", "trials=1000", "estimator.pilot_trials=1000"};
    cs_scenario *ss = load(text, screened, 3);
    cs_engine_t *es = cs_test_engine(ss);
    cs_run_summary c;
    run_all(es, &c);
    const cs_rare_estimate ps = cs_rare_probability(&c.rare_sums, true);
    const double ess = cs_rare_ess(&c.rare_sums);
    print_message("screened tilt: %.4g +- %.2g, ESS %.0f of %llu\n", ps.mean, ps.se, ess,
                  (unsigned long long)c.rare_sums.n);
    assert_true(ess >= 50.0);
    assert_true(ps.rel < 0.05);
    assert_true(fabs(ps.mean - pp.mean) <= 3.0 * sqrt(ps.se * ps.se + pp.se * pp.se));
    assert_weights_unbiased(&c, &b);
    assert_string_equal(cs_rare_reliability(&c.rare_sums, true).reason, "");
    /* only the screened segments are tilted: most keep the model's probability */
    const double *q, *p;
    const size_t n = cs_estimator_tilt(cs_engine_estimator(es), &q, &p);
    size_t tilted = 0;
    for (size_t k = 0; k < n; k++)
        tilted += q[k] != p[k];
    print_message("screened tilt: %zu of %zu draws tilted\n", tilted, n);
    assert_true(tilted > 0 && tilted * 10 < n);
    cs_run_summary_destroy(&c);
    cs_engine_free(es);
    cs_scenario_free(ss);
    cs_run_summary_destroy(&a);
    cs_run_summary_destroy(&b);
    cs_engine_free(ei);
    cs_engine_free(ep);
    cs_scenario_free(si);
    cs_scenario_free(sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_targets),
        cmocka_unit_test(test_exact_series_parallel),
        cmocka_unit_test(test_split_identical),
        cmocka_unit_test(test_plain_unchanged),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_japan_agrees),
        cmocka_unit_test(test_unreliable_flagged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
