/* test_recovery.c: the repair queue on hand cases, its invariants, and the fleet parser. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cablesim/recovery.h"
#include "cablesim/rng.h"
#include "cs_test.h"

/* One degree of a great circle, km. */
#define KM_PER_DEG (6371.0088 * 3.14159265358979323846 / 180.0)
/* 12.5 knots in km per day. */
#define V_12_5 (12.5 * 1.852 * 24.0)

/* Parameters of the hand cases: every term differs, so a term left out shows. */
static cs_recovery_params hand_params(void)
{
    cs_recovery_params p = CS_RECOVERY_PARAMS_INIT;
    p.horizon_days = 90.0;
    p.mobilisation_days = 1.0;
    p.detour_factor = 1.25;
    p.permit_days[CS_WATERS_DOMESTIC] = 0.0;
    p.permit_days[CS_WATERS_FOREIGN] = 3.0;
    p.permit_days[CS_WATERS_CONTESTED] = 10.0;
    p.work_base_days = 2.0;
    p.work_days_per_1000m = 1.5;
    p.weather_downtime = 0.25;
    return p;
}

static const cs_ship ship_alpha = {"Alpha", "Port A", {0.0, 0.0}, 12.5, 1.0, "Test", ""};

static cs_recovery_t *make(const cs_recovery_params *p, const cs_ship *ships, size_t n)
{
    cs_error err = CS_ERROR_INIT;
    cs_recovery_t *r = NULL;
    if (cs_recovery_alloc(&r, p, ships, n, NULL, &err) != CS_OK) fail_msg("alloc: %s", err.msg);
    return r;
}

static cs_fault fault_at(size_t edge, double fail, double lon, double lat, double depth,
                         cs_waters w)
{
    cs_fault f = {edge, fail, {lon, lat}, depth, w, 10.0, 1.0};
    return f;
}

static void run(const cs_recovery_t *r, const cs_fault *f, size_t n, gsl_rng *rng, cs_repair *out,
                double *busy)
{
    cs_error err = CS_ERROR_INIT;
    cs_recovery_ws w;
    assert_int_equal(cs_recovery_ws_init(&w, r, n, &err), CS_OK);
    if (cs_recovery_schedule(r, &w, f, n, rng, out, busy, &err) != CS_OK)
        fail_msg("schedule: %s", err.msg);
    cs_recovery_ws_destroy(&w);
}

/*
 * One ship (home (0, 0), 12.5 kn), two faults in foreign waters:
 *  fault 0 at (2, 0), 2000 m, fails at 0.5 d. Dispatch at 0.5; in port, so
 *    mobilisation 1 d; transit 2 deg x 111.195 km x 1.25 / 555.6 km/d = 0.500338 d;
 *    arrives 2.000338 but the permit comes at 0.5 + 3 = 3.5: start 3.5; work
 *    (2 + 1.5 x 2) / 0.75 = 6.6667 d; end 10.1667.
 *  fault 1 at (2, 1), 500 m, fails at 1.0 d, waits for the ship: dispatched at 10.1667 from
 *    the last site (no mobilisation); transit 1 deg x 1.25 / 555.6 = 0.250169 d; permit long
 *    granted (4.0); work (2 + 0.75) / 0.75 = 3.6667 d; end 14.083502.
 */
static void test_one_ship_two_faults(void **state)
{
    (void)state;
    const cs_recovery_params p = hand_params();
    cs_recovery_t *r = make(&p, &ship_alpha, 1);
    const cs_fault f[2] = {fault_at(7, 0.5, 2.0, 0.0, 2000.0, CS_WATERS_FOREIGN),
                           fault_at(9, 1.0, 2.0, 1.0, 500.0, CS_WATERS_FOREIGN)};
    cs_repair out[2];
    double busy[1];
    run(r, f, 2, NULL, out, busy);
    const double tr0 = 2.0 * KM_PER_DEG * 1.25 / V_12_5;
    assert_near(tr0, 0.500338, 1e-6);
    const double end0 = 3.5 + 5.0 / 0.75;
    assert_int_equal(out[0].ship, 0);
    assert_near(out[0].dispatch_days, 0.5, 1e-12);
    assert_near(out[0].start_days, 3.5, 1e-12);
    assert_near(out[0].end_days, end0, 1e-12);
    assert_near(end0, 10.166667, 1e-6);
    const double tr1 = KM_PER_DEG * 1.25 / V_12_5;
    const double end1 = end0 + tr1 + 2.75 / 0.75;
    assert_int_equal(out[1].ship, 0);
    assert_near(out[1].dispatch_days, end0, 1e-12);
    assert_near(out[1].start_days, end0 + tr1, 1e-9);
    assert_near(out[1].end_days, end1, 1e-9);
    assert_near(end1, 14.083502, 1e-6);
    assert_near(busy[0], (end0 - 0.5) + (end1 - end0), 1e-9);
    cs_recovery_free(r);
}

/* A domestic fault needs no permit: start = arrival; a contested one waits 10 days. */
static void test_permit_by_waters(void **state)
{
    (void)state;
    const cs_recovery_params p = hand_params();
    cs_recovery_t *r = make(&p, &ship_alpha, 1);
    const cs_fault dom = fault_at(0, 0.0, 4.0, 0.0, 0.0, CS_WATERS_DOMESTIC);
    cs_repair out[1];
    double busy[1];
    run(r, &dom, 1, NULL, out, busy);
    const double arrive = 1.0 + 4.0 * KM_PER_DEG * 1.25 / V_12_5; /* 2.000676 */
    assert_near(out[0].start_days, arrive, 1e-9);
    assert_near(out[0].end_days, arrive + 2.0 / 0.75, 1e-9);
    const cs_fault con = fault_at(0, 0.0, 4.0, 0.0, 0.0, CS_WATERS_CONTESTED);
    run(r, &con, 1, NULL, out, busy);
    assert_near(out[0].start_days, 10.0, 1e-12);
    cs_recovery_free(r);
}

/* Work past the horizon: end = +inf, busy clipped to the horizon; a fault failing after the
 * horizon gets no ship. */
static void test_horizon(void **state)
{
    (void)state;
    cs_recovery_params p = hand_params();
    p.horizon_days = 8.0;
    cs_recovery_t *r = make(&p, &ship_alpha, 1);
    const cs_fault f[2] = {fault_at(0, 0.5, 2.0, 0.0, 2000.0, CS_WATERS_FOREIGN),
                           fault_at(1, 9.0, 2.0, 0.0, 0.0, CS_WATERS_FOREIGN)};
    cs_repair out[2];
    double busy[1];
    run(r, f, 2, NULL, out, busy);
    assert_near(out[0].start_days, 3.5, 1e-12);
    assert_true(isinf(out[0].end_days));
    assert_near(busy[0], 8.0 - 0.5, 1e-12);
    assert_int_equal(out[1].ship, -1);
    assert_true(isinf(out[1].dispatch_days) && isinf(out[1].end_days));
    cs_recovery_free(r);
}

/*
 * Three faults all waiting at t = 0 at the same place (5 deg east), one ship:
 *  A: lit 100, flow 10, 8000 m (work (2 + 12) / 0.75 = 18.667 d), fails at 0.0
 *  B: lit 50,  flow 6,  0 m    (work 2.667 d),                      fails at 0.0
 *  C: lit 75,  flow 1,  0 m,                                         fails at 0.0
 * fifo takes A (index), capacity takes A then C then B; restored_per_day compares flow over
 * (permit 3.0 + work): A 10 / 21.667 = 0.46, B 6 / 5.667 = 1.06, C 1 / 5.667 = 0.18: B first.
 */
static void policy_case(cs_queue_policy pol, int first, int second)
{
    cs_recovery_params p = hand_params();
    p.policy = pol;
    p.horizon_days = 365.0;
    cs_recovery_t *r = make(&p, &ship_alpha, 1);
    cs_fault f[3] = {fault_at(0, 0.0, 5.0, 0.0, 8000.0, CS_WATERS_FOREIGN),
                     fault_at(1, 0.0, 5.0, 0.0, 0.0, CS_WATERS_FOREIGN),
                     fault_at(2, 0.0, 5.0, 0.0, 0.0, CS_WATERS_FOREIGN)};
    f[0].lit_tbps = 100.0;
    f[0].flow_tbps = 10.0;
    f[1].lit_tbps = 50.0;
    f[1].flow_tbps = 6.0;
    f[2].lit_tbps = 75.0;
    f[2].flow_tbps = 1.0;
    cs_repair out[3];
    double busy[1];
    run(r, f, 3, NULL, out, busy);
    assert_near(out[first].dispatch_days, 0.0, 1e-12);
    assert_near(out[second].dispatch_days, out[first].end_days, 1e-12);
    cs_recovery_free(r);
}

static void test_policies(void **state)
{
    (void)state;
    policy_case(CS_QUEUE_FIFO, 0, 1);
    policy_case(CS_QUEUE_CAPACITY, 0, 2);
    policy_case(CS_QUEUE_RESTORED_PER_DAY, 1, 0);
}

/* FIFO orders by failure time, whatever the index. */
static void test_fifo_time_order(void **state)
{
    (void)state;
    const cs_recovery_params p = hand_params();
    cs_recovery_t *r = make(&p, &ship_alpha, 1);
    const cs_fault f[2] = {fault_at(0, 0.3, 1.0, 0.0, 100.0, CS_WATERS_DOMESTIC),
                           fault_at(1, 0.1, 1.0, 0.5, 100.0, CS_WATERS_DOMESTIC)};
    cs_repair out[2];
    double busy[1];
    run(r, f, 2, NULL, out, busy);
    assert_near(out[1].dispatch_days, 0.1, 1e-12);
    assert_near(out[0].dispatch_days, out[1].end_days, 1e-12);
    cs_recovery_free(r);
}

/* Many random trials with three ships: every fault gets exactly one record, which respects
 * failure, permit and dispatch; jobs of one ship never overlap; same stream, same records. */
static void test_invariants(void **state)
{
    (void)state;
    cs_recovery_params p = hand_params();
    p.horizon_days = 3650.0;
    const cs_ship ships[3] = {ship_alpha,
                              {"Beta", "B", {10.0, 5.0}, 15.0, 0.8, "Test", ""},
                              {"Gamma", "C", {-4.0, 2.0}, 13.2, 0.6, "Test", ""}};
    enum { NF = 12, TRIALS = 400 };
    gsl_rng *rng = cs_rng_alloc();
    assert_non_null(rng);
    for (int pol = 0; pol < 3; pol++) {
        p.policy = (cs_queue_policy)pol;
        cs_recovery_t *r = make(&p, ships, 3);
        for (uint64_t t = 0; t < TRIALS; t++) {
            cs_rng_seed_trial(rng, 77, t);
            cs_fault f[NF];
            for (size_t i = 0; i < NF; i++)
                f[i] = fault_at(i, gsl_rng_uniform(rng) * 30.0, gsl_rng_uniform(rng) * 20 - 5,
                                gsl_rng_uniform(rng) * 10, gsl_rng_uniform(rng) * 6000,
                                (cs_waters)gsl_rng_uniform_int(rng, 3));
            cs_repair out[NF], again[NF];
            double busy[3], busy2[3];
            cs_rng_seed_substream(rng, 77, t, CS_RNG_STREAM_RECOVERY);
            run(r, f, NF, rng, out, busy);
            cs_rng_seed_substream(rng, 77, t, CS_RNG_STREAM_RECOVERY);
            run(r, f, NF, rng, again, busy2);
            for (size_t i = 0; i < NF; i++) {
                assert_int_equal(out[i].ship, again[i].ship);
                assert_memory_equal(&out[i].end_days, &again[i].end_days, sizeof(double));
                assert_memory_equal(&out[i].start_days, &again[i].start_days, sizeof(double));
            }
            assert_memory_equal(busy, busy2, sizeof busy);
            bool any_ship = false;
            for (size_t i = 0; i < NF; i++)
                any_ship = any_ship || out[i].ship >= 0;
            for (size_t i = 0; i < NF; i++) {
                if (!any_ship) {
                    assert_int_equal(out[i].ship, -1);
                    continue;
                }
                /* A long horizon and a ship that sails: everything is repaired once. */
                assert_true(out[i].ship >= 0 && isfinite(out[i].end_days));
                assert_true(out[i].dispatch_days >= f[i].fail_days);
                assert_true(out[i].start_days >= f[i].fail_days + p.permit_days[f[i].waters]);
                assert_true(out[i].end_days > out[i].start_days - 1e-12);
                for (size_t j = 0; j < NF; j++)
                    if (j != i && out[j].ship == out[i].ship)
                        assert_true(out[j].dispatch_days >= out[i].end_days ||
                                    out[i].dispatch_days >= out[j].end_days);
            }
        }
        cs_recovery_free(r);
    }
    gsl_rng_free(rng);
}

/* ------------------------------------------------------------ parsing */

static cs_status parse(const char *yaml, cs_recovery_t **r, cs_error *err)
{
    cs_ydoc_t *doc = NULL;
    if (cs_ydoc_load_string(&doc, yaml, "rec.yaml", err) != CS_OK) fail_msg("yaml: %s", err->msg);
    const cs_status rc = cs_recovery_parse(r, doc, cs_ymap_get(cs_ydoc_root(doc), "recovery"),
                                           CS_TEST_DATA, NULL, err);
    cs_ydoc_free(doc);
    return rc;
}

static void test_parse_fleet(void **state)
{
    (void)state;
    cs_error err = CS_ERROR_INIT;
    cs_recovery_t *r = NULL;
    const char *yaml =
        "recovery:\n"
        "  fleet: fleet-two.yaml\n"
        "  ships:\n"
        "    - {name: Gamma, home: Port C, home_lonlat: [139.6, 35.4], speed_kn: 16}\n"
        "  horizon_days: 60\n"
        "  step_hours: 12\n"
        "  policy: capacity\n"
        "  permit_days: {foreign: 21}\n"
        "  contested: [Luzon Strait]\n";
    if (parse(yaml, &r, &err) != CS_OK) fail_msg("parse: %s", err.msg);
    assert_int_equal(cs_recovery_ship_count(r), 3);
    assert_string_equal(cs_recovery_ship(r, 0)->name, "Alpha");
    assert_string_equal(cs_recovery_ship(r, 1)->home, "Port B");
    assert_near(cs_recovery_ship(r, 1)->availability, 0.5, 1e-15);
    assert_near(cs_recovery_ship(r, 2)->home_pos.lon, 139.6, 1e-12);
    const cs_recovery_params *p = cs_recovery_get_params(r);
    assert_int_equal(p->policy, CS_QUEUE_CAPACITY);
    assert_near(p->permit_days[CS_WATERS_FOREIGN], 21.0, 1e-15);
    assert_near(p->permit_days[CS_WATERS_CONTESTED], 56.0, 1e-15);
    assert_int_equal(cs_recovery_steps(r), 121);
    const cs_lonlat luzon = {121.0, 20.5}, pacific = {160.0, 30.0};
    assert_int_equal(cs_recovery_waters(r, luzon), CS_WATERS_CONTESTED);
    assert_int_equal(cs_recovery_waters(r, pacific), CS_WATERS_FOREIGN);
    cs_recovery_free(r);
}

static void expect_error(const char *yaml, const char *where, const char *fragment)
{
    cs_error err = CS_ERROR_INIT;
    cs_recovery_t *r = NULL;
    assert_int_not_equal(parse(yaml, &r, &err), CS_OK);
    assert_null(r);
    if (strstr(err.msg, where) == NULL || strstr(err.msg, fragment) == NULL)
        fail_msg("message \"%s\" lacks \"%s\" or \"%s\"", err.msg, where, fragment);
    assert_null(strchr(err.msg, '\n'));
}

static void test_parse_errors(void **state)
{
    (void)state;
    expect_error("recovery:\n  fleet: fleet-bad.yaml\n", "fleet-bad.yaml:6:15", "speed_kn");
    expect_error("recovery:\n  fleet: nowhere.yaml\n", "rec.yaml:2:10", "an existing fleet file");
    expect_error("recovery:\n  horizon: 3\n", "rec.yaml:2:3", "unknown key \"horizon\"");
    expect_error("recovery:\n  horizon_days: 30\n", "rec.yaml:2:3", "at least one ship");
    expect_error("recovery:\n  policy: lifo\n  fleet: fleet-two.yaml\n", "rec.yaml:2:11", "policy");
    expect_error("recovery:\n  fleet: fleet-two.yaml\n  permit_days: {foreign: -1}\n",
                 "rec.yaml:3:26", "permit_days.foreign");
    expect_error("recovery:\n  ships:\n    - {name: X, home: Y, speed_kn: 12}\n", "rec.yaml:3:7",
                 "home_lonlat");
    expect_error("recovery:\n  fleet: fleet-two.yaml\n  contested: [Atlantis]\n", "rec.yaml:3:15",
                 "Atlantis");
    expect_error("recovery:\n  fleet: fleet-two.yaml\n  horizon_days: 1\n  step_hours: 30\n",
                 "rec.yaml:4:15", "step_hours");
}

/* Work time and the grid. */
static void test_work_and_steps(void **state)
{
    (void)state;
    const cs_recovery_params p = hand_params();
    assert_near(cs_recovery_work_days(&p, 4321.0), (2.0 + 1.5 * 4.321) / 0.75, 1e-12);
    cs_recovery_t *r = make(&p, &ship_alpha, 1);
    assert_int_equal(cs_recovery_steps(r), 90 * 4 + 1);
    assert_string_equal(cs_waters_name(CS_WATERS_CONTESTED), "contested");
    cs_recovery_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_ship_two_faults),
        cmocka_unit_test(test_permit_by_waters),
        cmocka_unit_test(test_horizon),
        cmocka_unit_test(test_policies),
        cmocka_unit_test(test_fifo_time_order),
        cmocka_unit_test(test_invariants),
        cmocka_unit_test(test_parse_fleet),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_work_and_steps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
