/* test_recovery_engine.c: recovery in the engine: the hand case through a trial, restoration,
 * areas and several cuts, failure times, and the results file (resume, reader, merge, CLI). */
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

#include "cablesim/engine.h"
#include "cablesim/geo.h"
#include "cablesim/recovery.h"
#include "cablesim/resultsio.h"
#include "cablesim/rng.h"
#include "cs_engine_test.h"
#include "cs_test.h"

/* ------------------------------------------------------------ engine */

/* The hand case (cs_engine_test.h; test_restoration_ramp has the default restoration). */
static const char *const engine_hand = "name: rec-hand\n" CS_TEST_RECOVERY_HAND;

static cs_scenario *scenario(const char *text, const char *const *sets, size_t nsets)
{
    return cs_test_scenario(text, "rec.yaml", sets, nsets);
}

/* One recovery trial's scenario, engine and buffers. */
typedef struct {
    cs_scenario *s;
    cs_engine_t *e;
    cs_failures f;
    cs_routing_result r;
    cs_recovery_outcome o;
    unsigned char cut[16];
} rec_run;

/* The scenario text with sets, its engine and the buffers of one trial; max_faults: the room of
 * the outcome (0: one fault per edge, as the run has). */
static void rec_init(rec_run *x, const char *text, const char *const *sets, size_t nsets,
                     size_t max_faults)
{
    x->s = scenario(text, sets, nsets);
    x->e = cs_test_engine(x->s);
    cs_test_trial_buffers(x->e, &x->f, &x->r);
    cs_error err = CS_ERROR_INIT;
    const size_t ne = cs_topology_edge_count(cs_engine_topology(x->e));
    assert_int_equal(cs_recovery_outcome_init(&x->o, cs_engine_recovery(x->e),
                                              max_faults ? max_faults : ne, &err),
                     CS_OK);
}

static void rec_destroy(rec_run *x)
{
    cs_recovery_outcome_destroy(&x->o);
    cs_routing_result_destroy(&x->r);
    cs_failures_destroy(&x->f);
    cs_engine_free(x->e);
    cs_scenario_free(x->s);
}

/*
 * The restoration ramp (docs/model.md, "Restoration"): the hand case with the default model
 * and a 4-day ramp. The test network's full share is 1 (3 x 17 / 29 > 1), so the share on day
 * k (t in [k, k + 1)) is rho_k = a + (1 - a) min(1, k / 4), a = restoration_at_event, and at
 * grid time g x 0.5 d that of day floor(g / 2). PAC-2 down, Los Angeles (11.75 Tbps) keeps
 * what PAC-1 and OLD-1 carried of the demand spread in proportion to capacity, F = 11.75 / 20
 * x (8 + 2) (the US demands' maximum flows fill the cut PAC-1 8 + PAC-2 10 + OLD-1 2) + 1.75 / 9
 * x 2 (Osaka's Hong Kong flow detours 2 Tbps over PAC-2 and OLD-1; test_engine_impact.c),
 * plus rho of their spare (10 - F): served = 17.5 - 11.75 + F + rho (10 - F) until the repair,
 * and the unserved integral adds, to the 1.75 x end of the unlimited model, (10 - F) x sum over
 * the 4 ramp days of (1 - rho_k) = (10 - F) x (1 - a) x (1 + 0.75 + 0.5 + 0.25).
 */
static void test_restoration_ramp(void **state)
{
    (void)state;
    const char *const sets[] = {"routing.restoration_share=", "routing.restoration_ramp_days=4"};
    rec_run x;
    rec_init(&x, engine_hand, sets, 2, 0);
    cs_engine_t *e = x.e;
    cs_error err = CS_ERROR_INIT;
    const cs_restoration *res = cs_engine_restoration(e);
    const double a = CS_RESTORATION_AT_EVENT;
    assert_true(res->derived);
    assert_near(res->full, 1.0, 0.0);
    assert_near(res->at_event, a, 1e-15);
    assert_near(res->ramp_to, 1.0, 0.0);
    assert_near(res->ramp_days, 4.0, 0.0);
    /* The formula at chosen days: whole days, between them (the day's), the end. */
    assert_near(cs_engine_restoration_share_at(e, 0.0), a, 1e-15);
    assert_near(cs_engine_restoration_share_at(e, 0.5), a, 1e-15);
    assert_near(cs_engine_restoration_share_at(e, 1.0), a + (1 - a) * 0.25, 1e-15);
    assert_near(cs_engine_restoration_share_at(e, 1.3), a + (1 - a) * 0.25, 1e-15);
    assert_near(cs_engine_restoration_share_at(e, 3.5), a + (1 - a) * 3.0 / 4.0, 1e-15);
    assert_near(cs_engine_restoration_share_at(e, 4.0), 1.0, 0.0);
    assert_near(cs_engine_restoration_share_at(e, 30.0), 1.0, 0.0);
    const double F = 11.75 / 20.0 * (8.0 + 2.0) + 1.75 / 9.0 * 2.0;
    for (uint64_t trial = 0; trial < 2; trial++) { /* the second from the cache */
        if (cs_engine_trial_recovery(e, trial, &x.f, &x.r, x.cut, &x.o, &err) != CS_OK)
            fail_msg("%s", err.msg);
        /* the trial at the event, and the engine back at the event's share after it */
        assert_near(x.r.unserved_tbps, 11.75 - F - a * (10.0 - F), 1e-9);
        const double end = x.o.repairs[0].end_days;
        assert_true(end > 5.0);
        for (size_t g = 0; g < x.o.n_steps && (double)g * 0.5 < end; g++) {
            const double rho = a + (1 - a) * fmin(1.0, (double)(g / 2) / 4.0);
            assert_near(cs_engine_restoration_share_at(e, (double)g * 0.5), rho, 1e-15);
            assert_near(x.o.served_tbps[g], 5.75 + F + rho * (10.0 - F), 1e-9);
        }
        assert_near(x.o.served_tbps[(size_t)ceil(end * 2.0)], 17.5, 1e-9);
        assert_near(x.o.unserved_tbps_days, 1.75 * end + (10.0 - F) * (1 - a) * 2.5, 1e-6);
    }
    rec_destroy(&x);
}

/*
 * By hand: intact, 17.5 Tbps are served (to LA 11.75 over PAC-1 8 + PAC-2 10 + OLD-1 2 lit).
 * Without PAC-2, LA gets 8 + 2 = 10 of 11.75: 1.75 Tbps unserved. The fault lies where the cut
 * is, on PAC-2's route nearest the explicit `at` (mid-Pacific: foreign waters, permit 3 d, deep
 * water); the ship mobilises (1 d) and sails there x 1.2 at 12 kn, then works
 * (4 + 1 x depth / 1000) / 0.8 d. Until then 1.75 Tbps are lost: unserved 1.75 x end, capacity
 * lost 10 x end.
 */
static void test_engine_hand_case(void **state)
{
    (void)state;
    rec_run x;
    rec_init(&x, engine_hand, NULL, 0, 0);
    cs_engine_t *e = x.e;
    const cs_topology_t *t = cs_engine_topology(e);
    cs_error err = CS_ERROR_INIT;
    if (cs_engine_trial_recovery(e, 1, &x.f, &x.r, x.cut, &x.o, &err) != CS_OK)
        fail_msg("%s", err.msg);
    assert_near(x.r.unserved_tbps, 1.75, 1e-9);
    size_t pac2 = 0;
    assert_true(cs_topology_find_edge(t, "pac-2:1", &pac2));
    /* The fault is the cut: its place (on the route, nearest the explicit `at`) and depth. */
    assert_int_equal(x.f.n_cuts, 1);
    assert_int_equal(x.o.n_faults, 1);
    assert_int_equal(x.o.faults[0].edge, pac2);
    assert_near(x.o.faults[0].pos.lon, x.f.cuts[0].at.lon, 0.0);
    assert_near(x.o.faults[0].pos.lat, x.f.cuts[0].at.lat, 0.0);
    assert_near(x.o.faults[0].depth_m, x.f.cuts[0].depth_m, 0.0);
    assert_true(x.o.faults[0].depth_m > 3000.0); /* far out in the Pacific: deep water */
    const cs_lonlat home = {136.87, 34.34};
    const double arrive =
        1.0 + cs_geo_distance_km(home, x.o.faults[0].pos) * 1.2 / (12.0 * 1.852 * 24.0);
    const double end = arrive + (4.0 + x.o.faults[0].depth_m / 1000.0) / 0.8;
    assert_true(arrive > 3.0); /* the permit is not what waits */
    assert_int_equal(x.o.faults[0].waters, CS_WATERS_FOREIGN);
    assert_int_equal(x.o.repairs[0].ship, 0);
    assert_near(x.o.repairs[0].start_days, arrive, 1e-6);
    assert_near(x.o.repairs[0].end_days, end, 1e-6);
    assert_near(x.o.t50_days, 0.0, 0.0);
    assert_near(x.o.t100_days, end, 1e-6);
    assert_near(x.o.unserved_tbps_days, 1.75 * end, 1e-6);
    assert_near(x.o.capacity_tbps_days, 10.0 * end, 1e-6);
    assert_near(x.o.ship_busy_days[0], end, 1e-6);
    assert_int_equal(x.o.n_steps, 121);
    assert_near(x.o.served_tbps[0], 15.75, 1e-9);
    const size_t after = (size_t)ceil(end * 2.0);
    assert_near(x.o.served_tbps[after - 1], 15.75, 1e-9);
    assert_near(x.o.served_tbps[after], 17.5, 1e-9);
    assert_near(x.o.served_tbps[120], 17.5, 1e-9);
    for (size_t k = 0; k < x.o.n_steps; k++)
        assert_int_equal(x.o.queue_length[k], 0); /* the ship is called at once */
    rec_destroy(&x);
}

/* One trial of the hand case with overrides; the outcome's first fault (its system, borrowed
 * from the topology, checked here and cleared) and repair. */
static void hand_trial(const char *const *sets, size_t nsets, cs_fault *fault, cs_repair *rep)
{
    rec_run x;
    rec_init(&x, engine_hand, sets, nsets, 0);
    cs_engine_t *e = x.e;
    cs_error err = CS_ERROR_INIT;
    if (cs_engine_trial_recovery(e, 1, &x.f, &x.r, x.cut, &x.o, &err) != CS_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(x.o.n_faults, 1);
    *fault = x.o.faults[0];
    assert_string_equal(fault->system, "PAC-2");
    fault->system = NULL;
    *rep = x.o.repairs[0];
    rec_destroy(&x);
}

/*
 * The place of a fault decides its stand-down and weather area; its system decides who may
 * repair it. A polygon around the PAC-2 fault holds work to day 40 and a weather area there
 * with no downtime shortens the work from W / 0.8 to W days; a ship serving only PAC-1 never
 * takes it; a misspelt system is an error naming the nearest ones.
 */
static void test_engine_areas(void **state)
{
    (void)state;
    cs_fault f0, f1;
    cs_repair r0, r1;
    hand_trial(NULL, 0, &f0, &r0);
    assert_int_equal(f0.weather, -1);
    assert_near(f0.hold_days, 0.0, 0.0);
    const double work = 4.0 + f0.depth_m / 1000.0;
    assert_near(r0.end_days - r0.start_days, work / 0.8, 1e-9);
    char hold[256], weather[256];
    const double x = f0.pos.lon, y = f0.pos.lat;
    snprintf(hold, sizeof hold,
             "recovery.stand_down_areas=[{area: [[%.4f, %.4f], [%.4f, %.4f], [%.4f, %.4f]], days: "
             "40}]",
             x - 1, y - 1, x + 1, y - 1, x, y + 1);
    snprintf(weather, sizeof weather,
             "recovery.weather_regions=[{area: [[%.4f, %.4f], [%.4f, %.4f], [%.4f, %.4f]], "
             "downtime: 0}]",
             x - 1, y - 1, x + 1, y - 1, x, y + 1);
    const char *sets[] = {hold, weather};
    hand_trial(sets, 2, &f1, &r1);
    assert_near(f1.hold_days, 40.0, 0.0);
    assert_int_equal(f1.weather, 0);
    assert_near(r1.dispatch_days, 40.0, 0.0);
    assert_near(r1.start_days, 40.0 + (r0.start_days - 0.0), 1e-9); /* ship called on day 40 */
    assert_near(r1.end_days - r1.start_days, work, 1e-9);
    const char *serves[] = {"recovery.ships.0.serves=[PAC-1]"};
    hand_trial(serves, 1, &f1, &r1);
    assert_int_equal(r1.ship, -1);
    assert_true(isinf(r1.end_days));
    const char *typo[] = {"recovery.ships.0.serves=[PAC-3]"};
    cs_error err = CS_ERROR_INIT;
    cs_scenario *s = scenario(engine_hand, typo, 1);
    cs_engine_t *e = NULL;
    assert_int_equal(cs_engine_alloc(&e, s, &err), CS_EINVAL);
    assert_null(e);
    if (strstr(err.msg, "serves") == NULL || strstr(err.msg, "PAC-3") == NULL ||
        strstr(err.msg, "PAC-") == NULL)
        fail_msg("message \"%s\"", err.msg);
    cs_scenario_free(s);
}

/*
 * The waters of each cut in the results (/trials/cuts) are the classifier's, also where the
 * engine answers from the places it classified before (engine.c, waters_of): first PAC-2 cut at
 * the same two places in every trial, one in foreign waters and one in Japan's; then random
 * faults at more distinct places than the engine remembers, so that places share its slots.
 */
static void test_cut_waters(void **state)
{
    (void)state;
    const char *sets[][2] = {
        {"hazards=[{type: explicit, segments: [pac-2:1], at: [-175.0, 45.0]}, "
         "{type: explicit, segments: [pac-2:1], at: [137.5, 33.5]}]",
         "trials=5"},
        {"hazards=[{type: random_faults, window_days: 365, rate_deep: 3, rate_shallow: 3}]",
         "trials=800"}};
    for (size_t v = 0; v < 2; v++) {
        cs_scenario *s = scenario(engine_hand, sets[v], 2);
        cs_engine_t *e = cs_test_engine(s);
        const cs_topology_t *t = cs_engine_topology(e);
        cs_error err = CS_ERROR_INIT;
        cs_trial_batch b;
        assert_int_equal(cs_trial_batch_init(&b, s->trials, cs_demand_count(cs_engine_demand(e)),
                                             cs_topology_edge_count(t), cs_topology_node_count(t),
                                             cs_engine_pairs(e)->n, false, &err),
                         CS_OK);
        assert_int_equal(cs_engine_batch_recovery(e, &b, &err), CS_OK);
        cs_run_summary sum;
        assert_int_equal(cs_run_summary_init(&sum, e, &err), CS_OK);
        assert_int_equal(cs_engine_run_block(e, 0, s->trials, 0, &b, &sum, &err), CS_OK);
        const cs_batch_data *c = &b.data[CS_DS_CUTS];
        assert_int_equal(c->esize, CS_CUT_RECORD_BYTES);
        size_t n_class[CS_WATERS_COUNT] = {0};
        for (size_t k = 0; k < c->n_values; k++) {
            const unsigned char *p = (const unsigned char *)c->values + k * c->esize;
            cs_lonlat at;
            memcpy(&at.lon, p + 4, sizeof at.lon);
            memcpy(&at.lat, p + 12, sizeof at.lat);
            assert_int_equal(p[28], cs_recovery_waters(cs_engine_recovery(e), at));
            assert_true(p[28] < CS_WATERS_COUNT);
            n_class[p[28]]++;
        }
        if (v == 0) {
            assert_int_equal(n_class[CS_WATERS_FOREIGN], 5);
            assert_int_equal(n_class[CS_WATERS_DOMESTIC], 5);
        } else {
            assert_true(c->n_values > 3000); /* 3,526 places: more than engine.c's 1,024 slots */
            assert_true(n_class[CS_WATERS_FOREIGN] > 100 && n_class[CS_WATERS_DOMESTIC] > 100);
        }
        cs_run_summary_destroy(&sum);
        cs_trial_batch_destroy(&b);
        cs_engine_free(e);
        cs_scenario_free(s);
    }
}

/*
 * One repair per cut: PAC-2 cut twice (two explicit entries, mid-Pacific and near its Japanese
 * end) gives two faults at the two places and depths; one ship repairs them in turn and the
 * segment, hence the traffic, is back only when the second repair ends.
 */
static void test_engine_two_cuts(void **state)
{
    (void)state;
    const char *sets[] = {"hazards=[{type: explicit, segments: [pac-2:1], at: [-175.0, 45.0]}, "
                          "{type: explicit, segments: [pac-2:1], at: [137.5, 33.5]}]"};
    rec_run x;
    rec_init(&x, engine_hand, sets, 1, 1); /* room for one fault: it grows to the cuts */
    cs_engine_t *e = x.e;
    cs_error err = CS_ERROR_INIT;
    if (cs_engine_trial_recovery(e, 1, &x.f, &x.r, x.cut, &x.o, &err) != CS_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(x.f.n_edges, 1);
    assert_int_equal(x.f.n_cuts, 2);
    assert_int_equal(x.o.n_faults, 2);
    assert_true(x.o.max_faults >= 2);
    for (size_t k = 0; k < 2; k++) {
        assert_int_equal(x.o.faults[k].edge, x.o.faults[0].edge);
        assert_near(x.o.faults[k].pos.lon, x.f.cuts[k].at.lon, 0.0);
        assert_near(x.o.faults[k].depth_m, x.f.cuts[k].depth_m, 0.0);
        assert_int_equal(x.o.repairs[k].ship, 0);
        assert_true(isfinite(x.o.repairs[k].end_days));
    }
    /* The near one is domestic (no permit), the far one foreign; one ship, jobs in turn. */
    assert_int_equal(x.o.faults[1].waters, CS_WATERS_DOMESTIC);
    assert_int_equal(x.o.faults[0].waters, CS_WATERS_FOREIGN);
    const double last = fmax(x.o.repairs[0].end_days, x.o.repairs[1].end_days);
    const double first = fmin(x.o.repairs[0].end_days, x.o.repairs[1].end_days);
    assert_true(first < last);
    assert_near(fmax(x.o.repairs[0].dispatch_days, x.o.repairs[1].dispatch_days), first, 1e-12);
    assert_near(x.o.t100_days, last, 1e-9);
    assert_near(x.o.capacity_tbps_days, 10.0 * last, 1e-6);
    assert_near(x.o.unserved_tbps_days, 1.75 * last, 1e-6);
    rec_destroy(&x);
}

/*
 * Failure times: a campaign of 3 uniform cuts 2.5 days apart from day 1 puts its faults at 1, 3.5
 * and 6 days; random faults over a 30-day horizon fall in [0, 30], their times averaging what
 * the truncated exponential of each segment's rate gives.
 */
static void test_failure_times(void **state)
{
    (void)state;
    const char *text = "name: rec-times\n"
                       "topology: engine-topo.geojson\n"
                       "demand: engine-demand.csv\n"
                       "as_of: 2011\n"
                       "trials: 400\n"
                       "hazards:\n"
                       "  - {type: sabotage, k: 3, start_days: 1, interval_days: 2.5}\n"
                       "  - {type: random_faults, rate_deep: 3, rate_shallow: 3}\n"
                       "recovery:\n"
                       "  fleet: fleet-two.yaml\n"
                       "  horizon_days: 30\n";
    rec_run x;
    rec_init(&x, text, NULL, 0, 0);
    cs_engine_t *e = x.e;
    const cs_topology_t *t = cs_engine_topology(e);
    cs_error err = CS_ERROR_INIT;
    double sum = 0.0, expected = 0.0;
    size_t n_random = 0;
    for (uint64_t k = 0; k < 400; k++) {
        if (cs_engine_trial_recovery(e, k, &x.f, &x.r, x.cut, &x.o, &err) != CS_OK)
            fail_msg("%s", err.msg);
        assert_true(x.o.n_faults >= 3);
        assert_near(x.o.faults[0].fail_days, 1.0, 1e-12);
        assert_near(x.o.faults[1].fail_days, 3.5, 1e-12);
        assert_near(x.o.faults[2].fail_days, 6.0, 1e-12);
        for (size_t i = 3; i < x.o.n_faults; i++) {
            assert_true(x.o.faults[i].fail_days >= 0.0 && x.o.faults[i].fail_days <= 30.0);
            sum += x.o.faults[i].fail_days;
            /* lambda per day = length / 1000 x 3 / 365; the mean of the first-event time given
             * one in [0, H] is 1 / lambda - H / (exp(lambda H) - 1). */
            const double l =
                cs_topology_edge(t, x.o.faults[i].edge)->length_km / 1000.0 * 3.0 / 365.0;
            expected += 1.0 / l - 30.0 / expm1(l * 30.0);
            n_random++;
        }
    }
    assert_true(n_random > 100);
    /* Each time has a standard deviation below 30 / sqrt(12) = 8.7 days: the mean of a few
     * hundred is within 1.5 days of its expectation with overwhelming probability. */
    const double mean = sum / (double)n_random, want = expected / (double)n_random;
    if (!(fabs(mean - want) < 1.5)) fail_msg("mean fault time %g days, expected %g", mean, want);
    rec_destroy(&x);
}

/* Random faults over the horizon plus a campaign, two ships shared by many faults. */
static const char *const engine_random =
    "name: rec-random\n"
    "topology: engine-topo.geojson\n"
    "demand: engine-demand.csv\n"
    "as_of: 2011\n"
    "trials: 120\n"
    "seed: 8080\n"
    "capacity: lit\n"
    "output: {batch_trials: 16}\n"
    "hazards:\n"
    "  - {type: random_faults, rate_deep: 2, rate_shallow: 2}\n"
    "  - {type: sabotage, k: 2, interval_days: 7.5}\n"
    "recovery:\n"
    "  fleet: fleet-two.yaml\n"
    "  horizon_days: 45\n"
    "  policy: restored_per_day\n";

static size_t h5_len(hid_t f, const char *name)
{
    const hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    assert_true(d >= 0);
    const hid_t sp = H5Dget_space(d);
    const size_t n = (size_t)H5Sget_simple_extent_npoints(sp);
    H5Sclose(sp);
    H5Dclose(d);
    return n;
}

/* Reads a whole dataset as stored (raw bytes of its file type) into a new buffer. */
static unsigned char *h5_raw(hid_t f, const char *name, size_t *bytes)
{
    const hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    assert_true(d >= 0);
    const hid_t ty = H5Dget_type(d);
    const size_t n = h5_len(f, name);
    *bytes = n * H5Tget_size(ty);
    unsigned char *buf = malloc(*bytes + 1);
    assert_non_null(buf);
    assert_true(H5Dread(d, ty, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    H5Tclose(ty);
    H5Dclose(d);
    return buf;
}

/* Runs trials [0, split) into a new file left incomplete, then resumes it for the rest. */
static void run_resumed(cs_engine_t *e, const char *path, uint64_t split)
{
    cs_error err = CS_ERROR_INIT;
    const cs_results_meta meta = cs_test_meta(e, NULL);
    cs_results_t *w = NULL;
    cs_run_summary sum;
    assert_int_equal(cs_run_summary_init(&sum, e, &err), CS_OK);
    if (cs_results_create(&w, path, &meta, &err) != CS_OK) fail_msg("%s", err.msg);
    cs_engine_options o = CS_ENGINE_OPTIONS_INIT;
    o.n_trials = split;
    if (cs_engine_run(e, w, &o, &sum, &err) != CS_OK) fail_msg("%s", err.msg);
    assert_int_equal(cs_results_close(w, false, &err), CS_OK);
    if (cs_results_resume(&w, path, &meta, &err) != CS_OK) fail_msg("%s", err.msg);
    assert_int_equal(cs_results_written(w), split);
    o.first_trial = split;
    o.n_trials = UINT64_MAX;
    if (cs_engine_run(e, w, &o, &sum, &err) != CS_OK) fail_msg("%s", err.msg);
    assert_int_equal(cs_results_close(w, true, &err), CS_OK);
    cs_run_summary_destroy(&sum);
}

static void run_to(cs_engine_t *e, const char *path, uint64_t split, cs_run_summary *sum)
{
    cs_error err = CS_ERROR_INIT;
    const cs_results_meta meta = cs_test_meta(e, NULL);
    cs_results_t *w = NULL;
    if (cs_results_create(&w, path, &meta, &err) != CS_OK) fail_msg("%s", err.msg);
    assert_int_equal(cs_run_summary_init(sum, e, &err), CS_OK);
    cs_engine_options o = CS_ENGINE_OPTIONS_INIT;
    o.n_trials = split;
    if (cs_engine_run(e, w, &o, sum, &err) != CS_OK) fail_msg("%s", err.msg);
    o.first_trial = split;
    o.n_trials = UINT64_MAX;
    o.cache_slots = 7; /* a different cache must not matter */
    if (cs_engine_run(e, w, &o, sum, &err) != CS_OK) fail_msg("%s", err.msg);
    assert_int_equal(cs_results_close(w, true, &err), CS_OK);
}

static const char *const rec_datasets[] = {"/timeseries/time_days",
                                           "/timeseries/served_tbps",
                                           "/timeseries/queue_length",
                                           "/recovery/ships",
                                           "/recovery/t50_days",
                                           "/recovery/t90_days",
                                           "/recovery/t100_days",
                                           "/recovery/capacity_tbps_days",
                                           "/recovery/unserved_tbps_days",
                                           "/recovery/ship_busy_days",
                                           "/recovery/fault_offsets",
                                           "/recovery/faults",
                                           NULL};

/* The reader gives back what the summary saw, in slices that do not divide the trials. */
static void check_reader(const char *path, const cs_run_summary *sum, size_t n_faults)
{
    cs_error err = CS_ERROR_INIT;
    cs_resultsio_t *r = NULL;
    if (cs_resultsio_open(&r, path, &err) != CS_OK) fail_msg("%s", err.msg);
    const cs_results_info *in = cs_resultsio_info(r);
    assert_true(in->has_recovery);
    assert_int_equal(in->n_steps, 181);
    assert_int_equal(in->n_ships, 2);
    assert_string_equal(in->ships[1].name, "Beta");
    assert_near(in->ships[0].speed_kn, 12.5, 1e-12);
    assert_near(in->time_days[180], 45.0, 1e-12);
    assert_near(in->horizon_days, 45.0, 0.0);
    cs_recovery_slice sl;
    assert_int_equal(cs_recovery_slice_init(&sl, r, 47, &err), CS_OK);
    double unserved = 0.0;
    size_t faults = 0;
    for (uint64_t first = 0;; first += sl.n) {
        if (cs_resultsio_read_recovery(r, first, &sl, &err) != CS_OK) fail_msg("%s", err.msg);
        if (sl.n == 0) break;
        for (size_t i = 0; i < sl.n; i++) {
            unserved += sl.unserved_tbps_days[i];
            assert_true(sl.t50_days[i] <= sl.t90_days[i] && sl.t90_days[i] <= sl.t100_days[i]);
        }
        faults += sl.fault_off[sl.n];
        for (size_t k = 0; k < sl.fault_off[sl.n]; k++)
            assert_true(sl.faults[k].ship >= -1 && sl.faults[k].ship < 2);
    }
    assert_int_equal(faults, n_faults);
    assert_near(unserved, sum->unserved_days_sum, 1e-9 * (1.0 + unserved));
    cs_recovery_slice_destroy(&sl);
    cs_resultsio_close(r);
}

/* Summaries of two halves merge into the summary of the whole; a summary without recovery does
 * not merge with one that has it. */
static void check_merge(cs_engine_t *e, const cs_run_summary *whole)
{
    cs_error err = CS_ERROR_INIT;
    cs_run_summary h[2];
    for (int k = 0; k < 2; k++) {
        assert_int_equal(cs_run_summary_init(&h[k], e, &err), CS_OK);
        cs_engine_options o = CS_ENGINE_OPTIONS_INIT;
        o.first_trial = k == 0 ? 0 : 53;
        o.n_trials = k == 0 ? 53 : UINT64_MAX;
        if (cs_engine_run(e, NULL, &o, &h[k], &err) != CS_OK) fail_msg("%s", err.msg);
    }
    assert_int_equal(cs_run_summary_merge(&h[0], &h[1], &err), CS_OK);
    assert_memory_equal(h[0].t90_hist, whole->t90_hist,
                        (CS_RUN_T90_BINS + 1) * sizeof *whole->t90_hist);
    assert_near(h[0].unserved_days_sum, whole->unserved_days_sum,
                1e-9 * (1.0 + whole->unserved_days_sum));
    for (size_t k = 0; k < whole->n_ships; k++)
        assert_near(h[0].ship_busy_sum[k], whole->ship_busy_sum[k],
                    1e-9 * (1.0 + whole->ship_busy_sum[k]));
    for (int q = 1; q <= 9; q += 4) {
        const double a = cs_run_summary_t90_quantile(&h[0], q / 10.0),
                     b = cs_run_summary_t90_quantile(whole, q / 10.0);
        assert_memory_equal(&a, &b, sizeof a); /* +inf included */
    }
    h[1].recovery = false;
    assert_int_equal(cs_run_summary_merge(&h[0], &h[1], &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "no recovery"));
    h[1].recovery = true;
    cs_run_summary_destroy(&h[0]);
    cs_run_summary_destroy(&h[1]);
}

/* Determinism and split invariance; every fault once; ships in one place at a time; the file
 * agrees with the run summary. */
static void test_engine_files(void **state)
{
    (void)state;
    cs_scenario *s = scenario(engine_random, NULL, 0);
    cs_engine_t *e = cs_test_engine(s);
    char a[1024], b[1024];
    snprintf(a, sizeof a, "rec-a.h5"); /* in the working (build) directory */
    snprintf(b, sizeof b, "rec-b.h5");
    cs_run_summary sa, sb;
    run_to(e, a, 120, &sa);
    run_to(e, b, 37, &sb);
    char c[1024];
    snprintf(c, sizeof c, "rec-c.h5");
    run_resumed(e, c, 48); /* a batch boundary: runs stop between batches */
    const hid_t fc = H5Fopen(c, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(fc >= 0);
    const hid_t fa = H5Fopen(a, H5F_ACC_RDONLY, H5P_DEFAULT),
                fb = H5Fopen(b, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(fa >= 0 && fb >= 0);
    for (size_t i = 0; rec_datasets[i]; i++) {
        size_t na, nb;
        unsigned char *x = h5_raw(fa, rec_datasets[i], &na), *y = h5_raw(fb, rec_datasets[i], &nb);
        assert_int_equal(na, nb);
        assert_memory_equal(x, y, na);
        free(y);
        y = h5_raw(fc, rec_datasets[i], &nb); /* the resumed run */
        assert_int_equal(na, nb);
        assert_memory_equal(x, y, na);
        free(x);
        free(y);
    }
    /* Shapes. */
    assert_int_equal(h5_len(fa, "/timeseries/served_tbps"), 120 * 181);
    assert_int_equal(h5_len(fa, "/recovery/ship_busy_days"), 120 * 2);
    assert_int_equal(h5_len(fa, "/recovery/fault_offsets"), 121);
    /* Faults: one record per cut of a segment, in cut order; repairs consistent. */
    size_t nbytes;
    unsigned char *rec = h5_raw(fa, "/recovery/faults", &nbytes);
    size_t nf = nbytes / CS_FAULT_RECORD_BYTES, dummy;
    assert_int_equal(nbytes % CS_FAULT_RECORD_BYTES, 0);
    unsigned char *off_raw = h5_raw(fa, "/recovery/fault_offsets", &dummy);
    uint64_t off[121];
    memcpy(off, off_raw, sizeof off);
    free(off_raw);
    assert_int_equal(off[120], nf);
    unsigned char *fo_raw = h5_raw(fa, "/trials/failed_offsets", &dummy);
    uint64_t foff[121];
    memcpy(foff, fo_raw, sizeof foff);
    free(fo_raw);
    assert_true(nf > 200);
    size_t repaired = 0;
    for (size_t t = 0; t < 120; t++) {
        /* The test network's failures are all segments (links are not in random_faults). */
        assert_int_equal(off[t + 1] - off[t], foff[t + 1] - foff[t]);
        for (uint64_t i = off[t]; i < off[t + 1]; i++) {
            cs_fault_record x, y;
            const unsigned char *p = rec + i * CS_FAULT_RECORD_BYTES;
            memcpy(&x.ship, p + 12, 4);
            memcpy(&x.fail_days, p + 4, 8);
            memcpy(&x.dispatch_days, p + 16, 8);
            memcpy(&x.end_days, p + 32, 8);
            assert_true(x.fail_days >= 0.0 && x.fail_days <= 45.0);
            if (x.ship < 0) continue;
            repaired += isfinite(x.end_days);
            assert_true(x.dispatch_days >= x.fail_days);
            for (uint64_t j = off[t]; j < off[t + 1]; j++) {
                const unsigned char *q = rec + j * CS_FAULT_RECORD_BYTES;
                memcpy(&y.ship, q + 12, 4);
                memcpy(&y.dispatch_days, q + 16, 8);
                memcpy(&y.end_days, q + 32, 8);
                if (j == i || y.ship != x.ship) continue;
                assert_true(y.dispatch_days >= x.end_days || x.dispatch_days >= y.end_days);
            }
        }
    }
    assert_true(repaired > 0);
    free(rec);
    /* The summary, from the file. */
    size_t n;
    unsigned char *u = h5_raw(fa, "/recovery/unserved_tbps_days", &n);
    double sum_u = 0.0, v;
    for (size_t t = 0; t < 120; t++) {
        memcpy(&v, u + 8 * t, 8);
        sum_u += v;
    }
    free(u);
    assert_near(sa.unserved_days_sum, sum_u, 1e-9 * (1.0 + sum_u));
    assert_near(sb.unserved_days_sum, sum_u, 1e-9 * (1.0 + sum_u));
    assert_true(sum_u > 0.0);
    assert_memory_equal(sa.t90_hist, sb.t90_hist, (CS_RUN_T90_BINS + 1) * sizeof *sa.t90_hist);
    check_merge(e, &sa);
    H5Fclose(fa);
    H5Fclose(fb);
    H5Fclose(fc);
    check_reader(a, &sa, nf);
    remove(c);
    remove(a);
    remove(b);
    cs_run_summary_destroy(&sa);
    cs_run_summary_destroy(&sb);
    cs_engine_free(e);
    cs_scenario_free(s);
}

/* Bad recovery input through the CLI: one line with file:line:col, exit status 2. */
static void test_cli_errors(void **state)
{
    (void)state;
    const char *cases[][2] = {{"rec-bad-fleet.yaml", "fleet-bad.yaml:6:15: "},
                              {"rec-bad-key.yaml", "rec-bad-key.yaml:12:3: recovery: unknown key"}};
    for (size_t i = 0; i < 2; i++) {
        char args[512], out[4096];
        snprintf(args, sizeof args, "run %s --no-progress", cases[i][0]);
        assert_int_equal(cs_test_cli(CS_TEST_DATA, args, true, out, sizeof out), 2);
        if (strstr(out, cases[i][1]) == NULL)
            fail_msg("output \"%s\" lacks \"%s\"", out, cases[i][1]);
        assert_non_null(strchr(out, '\n'));
        assert_null(strchr(strchr(out, '\n') + 1, '\n')); /* one line */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_engine_hand_case), cmocka_unit_test(test_engine_areas),
        cmocka_unit_test(test_engine_two_cuts),  cmocka_unit_test(test_restoration_ramp),
        cmocka_unit_test(test_engine_files),     cmocka_unit_test(test_cli_errors),
        cmocka_unit_test(test_failure_times),    cmocka_unit_test(test_cut_waters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
