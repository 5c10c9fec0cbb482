/* test_recovery.c: the repair queue on hand cases, its invariants, and the fleet parser (the
 * engine's recovery trials and files: test_recovery_engine.c). */
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
    for (int m = 0; m < CS_MONTHS; m++)
        p.weather_downtime[m] = 0.25;
    return p;
}

static cs_ship ship(const char *name, double lon, double lat, double kn, double avail)
{
    return (cs_ship){.name = name,
                     .home = "Port",
                     .home_pos = {lon, lat},
                     .speed_kn = kn,
                     .availability = avail,
                     .zone = "Test",
                     .source = ""};
}

static const cs_ship ship_alpha = {.name = "Alpha",
                                   .home = "Port A",
                                   .home_pos = {0.0, 0.0},
                                   .speed_kn = 12.5,
                                   .availability = 1.0,
                                   .zone = "Test",
                                   .source = ""};

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
    const cs_fault f = {.edge = edge,
                        .fail_days = fail,
                        .pos = {lon, lat},
                        .depth_m = depth,
                        .waters = w,
                        .lit_tbps = 10.0,
                        .flow_tbps = 1.0,
                        .system = NULL,
                        .weather = -1,
                        .hold_days = 0.0,
                        .spare_km = 0.0};
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
    p.spare_stock_km = 20.0;
    p.resupply_days = 40.0;
    p.resupply_km = 15.0;
    const char *const x_only[] = {"X"};
    cs_ship ships[3] = {ship_alpha, ship("Beta", 10.0, 5.0, 15.0, 0.8),
                        ship("Gamma", -4.0, 2.0, 13.2, 0.6)};
    ships[2].serves = x_only; /* Gamma serves system X alone, and only it may */
    ships[2].n_serves = 1;
    const char *const systems[3] = {"X", "Y", NULL};
    enum { NF = 12, TRIALS = 400 };
    gsl_rng *rng = cs_rng_alloc();
    assert_non_null(rng);
    for (int pol = 0; pol < 3; pol++) {
        p.policy = (cs_queue_policy)pol;
        p.start_month = pol; /* sampled (0), January, February */
        cs_recovery_t *r = make(&p, ships, 3);
        for (uint64_t t = 0; t < TRIALS; t++) {
            cs_rng_seed_trial(rng, 77, t);
            cs_fault f[NF];
            for (size_t i = 0; i < NF; i++) {
                f[i] = fault_at(i, gsl_rng_uniform(rng) * 30.0, gsl_rng_uniform(rng) * 20 - 5,
                                gsl_rng_uniform(rng) * 10, gsl_rng_uniform(rng) * 6000,
                                (cs_waters)gsl_rng_uniform_int(rng, 3));
                f[i].system = systems[gsl_rng_uniform_int(rng, 3)];
                f[i].hold_days = gsl_rng_uniform(rng) < 0.3 ? 50.0 * gsl_rng_uniform(rng) : 0.0;
                f[i].spare_km = 2.0 + 2.5 * f[i].depth_m / 1000.0;
            }
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
            bool sailed[3] = {false, false, false};
            for (size_t i = 0; i < NF; i++)
                if (out[i].ship >= 0) sailed[out[i].ship] = true;
            for (size_t i = 0; i < NF; i++) {
                if (out[i].ship < 0) {
                    /* Unrepaired over ten years: no ship that sailed may repair it. */
                    for (size_t k = 0; k < 3; k++)
                        assert_false(sailed[k] && cs_recovery_may_repair(r, k, f[i].system));
                    continue;
                }
                /* A long horizon: every fault a sailing ship may take is repaired once, by a
                 * ship allowed to, after its failure, permit and stand-down. */
                assert_true(cs_recovery_may_repair(r, (size_t)out[i].ship, f[i].system));
                assert_true(f[i].system == NULL || strcmp(f[i].system, "X") != 0 ||
                            out[i].ship == 2);
                assert_true(isfinite(out[i].end_days));
                assert_true(out[i].dispatch_days >= f[i].fail_days);
                assert_true(out[i].dispatch_days >= f[i].hold_days);
                assert_true(out[i].start_days >= f[i].fail_days + p.permit_days[f[i].waters]);
                /* Work takes at least its working days and at most 1 / (1 - 0.25) times them. */
                const double work = cs_recovery_work_days(&p, f[i].depth_m);
                assert_true(out[i].end_days - out[i].start_days >= work - 1e-9);
                assert_true(out[i].end_days - out[i].start_days <= work / 0.75 + 1e-9);
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

/* ------------------------------------------------------------ seasons, holds, ships, cable */

/*
 * Monthly weather: January loses half the on-site time, February none. The trial starts on
 * 30 January (year day 29; January ends at 365 / 12 = 30.416667). One ship at the fault's place
 * (no transit), domestic, depth 0: 2 working days from day 1 (mobilisation). On 30 January 0.416667
 * days remain, giving 0.208333 working days; the other 1.791667 are worked in February: the
 * repair ends at 1 + 0.416667 + 1.791667 = 3.208333.
 */
static void test_weather_months(void **state)
{
    (void)state;
    cs_recovery_params p = hand_params();
    for (int m = 0; m < CS_MONTHS; m++)
        p.weather_downtime[m] = m == 0 ? 0.5 : 0.0;
    p.start_month = 1;
    p.start_day = 30;
    cs_recovery_t *r = make(&p, &ship_alpha, 1);
    const cs_fault f = fault_at(0, 0.0, 0.0, 0.0, 0.0, CS_WATERS_DOMESTIC);
    cs_repair out[1];
    double busy[1];
    run(r, &f, 1, NULL, out, busy);
    const double jan_left = 365.0 / 12.0 - 30.0; /* of January after day 1 */
    assert_near(out[0].start_days, 1.0, 1e-12);
    assert_near(out[0].end_days, 1.0 + jan_left + (2.0 - 0.5 * jan_left), 1e-9);
    assert_near(out[0].end_days, 3.208333, 1e-6);
    /* Work that spans a whole month of 0.5 takes twice as long there, exactly. */
    p.start_month = 1;
    p.start_day = 1;
    cs_recovery_free(r);
    r = make(&p, &ship_alpha, 1);
    assert_near(cs_recovery_work_end(r, &f, 0.0, 0.0, 10.0), 20.0, 1e-9);
    assert_near(cs_recovery_work_end(r, &f, 0.0, 0.0, 20.0), 365.0 / 12.0 + (20.0 - 365.0 / 24.0),
                1e-9);
    /* Around the year's end: December (share 0) then January (0.5). */
    assert_near(cs_recovery_work_end(r, &f, 360.0, 0.0, 10.0), 5.0 + 2.0 * 5.0, 1e-9);
    /* Sampled start: the day of the year is 365 x the uniform after the ships' draws. */
    p.start_month = 0;
    cs_recovery_free(r);
    r = make(&p, &ship_alpha, 1);
    gsl_rng *rng = cs_rng_alloc();
    assert_non_null(rng);
    double lo = INFINITY, hi = -INFINITY;
    for (uint64_t t = 0; t < 200; t++) {
        cs_rng_seed_substream(rng, 5, t, CS_RNG_STREAM_RECOVERY);
        (void)gsl_rng_uniform(rng); /* the ship's availability */
        const double year_day = 365.0 * gsl_rng_uniform(rng);
        cs_rng_seed_substream(rng, 5, t, CS_RNG_STREAM_RECOVERY);
        run(r, &f, 1, rng, out, busy);
        assert_near(out[0].end_days, cs_recovery_work_end(r, &f, year_day, 1.0, 2.0), 1e-12);
        lo = fmin(lo, out[0].end_days);
        hi = fmax(hi, out[0].end_days);
    }
    assert_near(lo, 3.0, 1e-9); /* some trials start outside January: no loss */
    assert_near(hi, 5.0, 1e-9); /* some start and stay in January: twice as long */
    gsl_rng_free(rng);
    cs_recovery_free(r);
}

/* A stand-down holds the ship in port until it ends: dispatch at the hold, then mobilise. */
static void test_stand_down(void **state)
{
    (void)state;
    const cs_recovery_params p = hand_params();
    cs_recovery_t *r = make(&p, &ship_alpha, 1);
    cs_fault f[2] = {fault_at(0, 0.0, 1.0, 0.0, 0.0, CS_WATERS_DOMESTIC),
                     fault_at(1, 2.0, 0.0, 1.0, 0.0, CS_WATERS_DOMESTIC)};
    f[0].hold_days = 20.0;
    cs_repair out[2];
    double busy[1];
    run(r, f, 2, NULL, out, busy);
    /* Fault 1 (no hold) goes first although it fails later: the held one is not yet released. */
    const double tr = KM_PER_DEG * 1.25 / V_12_5;
    assert_near(out[1].dispatch_days, 2.0, 1e-12);
    assert_near(out[1].end_days, 2.0 + 1.0 + tr + 2.0 / 0.75, 1e-9);
    assert_near(out[0].dispatch_days, 20.0, 1e-12);
    assert_near(out[0].start_days, 21.0 + tr, 1e-9);
    cs_recovery_free(r);
}

/*
 * Who may repair what: Near (at the faults) serves only system X; Far (10 degrees away) serves
 * any system no one reserves. X is Near's alone, Y and the unknown system go to Far though Near
 * is closer and idle.
 */
static void test_eligibility(void **state)
{
    (void)state;
    const cs_recovery_params p = hand_params();
    const char *const x_only[] = {"X"};
    cs_ship ships[2] = {ship("Near", 0.0, 0.0, 12.5, 1.0), ship("Far", 10.0, 0.0, 12.5, 1.0)};
    ships[0].serves = x_only;
    ships[0].n_serves = 1;
    ships[0].zone = "X private";
    cs_recovery_t *r = make(&p, ships, 2);
    assert_true(cs_recovery_may_repair(r, 0, "X"));
    assert_false(cs_recovery_may_repair(r, 0, "Y"));
    assert_false(cs_recovery_may_repair(r, 0, NULL));
    assert_false(cs_recovery_may_repair(r, 1, "X"));
    assert_true(cs_recovery_may_repair(r, 1, "Y"));
    assert_true(cs_recovery_may_repair(r, 1, NULL));
    cs_fault f[3] = {fault_at(0, 0.0, 0.1, 0.0, 0.0, CS_WATERS_DOMESTIC),
                     fault_at(1, 0.0, 0.1, 0.0, 0.0, CS_WATERS_DOMESTIC),
                     fault_at(2, 0.0, 0.1, 0.0, 0.0, CS_WATERS_DOMESTIC)};
    f[0].system = "Y";
    f[1].system = "X";
    f[2].system = NULL;
    cs_repair out[3];
    double busy[2];
    run(r, f, 3, NULL, out, busy);
    assert_int_equal(out[0].ship, 1);
    assert_int_equal(out[1].ship, 0);
    assert_int_equal(out[2].ship, 1);
    assert_near(out[1].dispatch_days, 0.0, 1e-12);
    assert_near(out[2].dispatch_days, out[0].end_days, 1e-12);
    cs_recovery_free(r);
    /* With only Near in the fleet, the faults it may not repair get no ship at all. */
    r = make(&p, ships, 1);
    run(r, f, 3, NULL, out, busy);
    assert_int_equal(out[0].ship, -1);
    assert_int_equal(out[1].ship, 0);
    assert_int_equal(out[2].ship, -1);
    assert_true(isinf(out[0].end_days) && isinf(out[2].end_days));
    cs_recovery_free(r);
}

/*
 * Spare cable: a depot of 10 km, 4 km a repair (zero depth), deliveries of 8 km 30 days after a
 * shortage. Three ships, three faults at t = 0: the first two take 8 km; the third finds 2 km,
 * orders 8 and starts on day 30. Without resupply it never starts.
 */
static void test_spare_cable(void **state)
{
    (void)state;
    cs_recovery_params p = hand_params();
    p.spare_stock_km = 10.0;
    p.spare_base_km = 4.0;
    p.spare_km_per_1000m = 0.0;
    p.resupply_days = 30.0;
    p.resupply_km = 8.0;
    const cs_ship ships[3] = {ship("A", 0.0, 0.0, 12.5, 1.0), ship("B", 0.0, 0.0, 12.5, 1.0),
                              ship("C", 0.0, 0.0, 12.5, 1.0)};
    cs_recovery_t *r = make(&p, ships, 3);
    cs_fault f[3];
    for (size_t i = 0; i < 3; i++) {
        f[i] = fault_at(i, 0.0, 0.0, 0.0, 0.0, CS_WATERS_DOMESTIC);
        f[i].spare_km = 4.0;
    }
    cs_repair out[3];
    double busy[3];
    run(r, f, 3, NULL, out, busy);
    assert_near(out[0].start_days, 1.0, 1e-12);
    assert_near(out[1].start_days, 1.0, 1e-12);
    assert_near(out[2].start_days, 30.0, 1e-12);
    assert_near(out[2].end_days, 30.0 + 2.0 / 0.75, 1e-9);
    cs_recovery_free(r);
    p.resupply_km = 0.0;
    r = make(&p, ships, 3);
    run(r, f, 3, NULL, out, busy);
    assert_true(isfinite(out[1].end_days));
    assert_true(isinf(out[2].start_days) && isinf(out[2].end_days));
    cs_recovery_free(r);
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
        "    - {name: Gamma, home: Port C, home_lonlat: [139.6, 35.4], speed_kn: 16,\n"
        "       ready_days: 4.5}\n"
        "  horizon_days: 60\n"
        "  serial_cuts: false\n"
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
    assert_near(cs_recovery_ship(r, 2)->ready_days, 4.5, 0.0);
    assert_near(cs_recovery_ship(r, 0)->ready_days, 0.0, 0.0); /* default */
    const cs_recovery_params *p = cs_recovery_get_params(r);
    assert_false(p->serial_cuts);
    assert_int_equal(p->policy, CS_QUEUE_CAPACITY);
    assert_near(p->permit_days[CS_WATERS_FOREIGN], 21.0, 1e-15);
    assert_near(p->permit_days[CS_WATERS_CONTESTED], 56.0, 1e-15);
    assert_int_equal(cs_recovery_steps(r), 121);
    const cs_lonlat luzon = {121.0, 20.5}, pacific = {160.0, 30.0};
    assert_int_equal(cs_recovery_waters(r, luzon), CS_WATERS_CONTESTED);
    assert_int_equal(cs_recovery_waters(r, pacific), CS_WATERS_FOREIGN);
    cs_recovery_free(r);
}

/* The new keys: monthly weather, start, stand-down, weather regions, zones, spare cable. */
static void test_parse_seasons_zones(void **state)
{
    (void)state;
    cs_error err = CS_ERROR_INIT;
    cs_recovery_t *r = NULL;
    const char *yaml =
        "recovery:\n"
        "  fleet: fleet-two.yaml\n"
        "  ships:\n"
        "    - {name: Lodbrog, home: K, home_lonlat: [130.5, 31.6], speed_kn: 12, zone: PC-1 "
        "private, serves: [PC-1]}\n"
        "    - {name: Yoko, home: Y, home_lonlat: [139.6, 35.4], speed_kn: 15, zone: Yokohama}\n"
        "  zones: {Yokohama: [JUS, APCN-2]}\n"
        "  weather_downtime: [0.5, 0.4, 0.3, 0.2, 0.1, 0, 0, 0.1, 0.2, 0.3, 0.4, 0.5]\n"
        "  start_month: 3\n"
        "  start_day: 11\n"
        "  stand_down_days: 2\n"
        "  stand_down_areas:\n"
        "    - {area: Japan Trench, days: 37}\n"
        "  weather_regions:\n"
        "    - {area: Luzon Strait, downtime: 0.6}\n"
        "  spare_cable: {stock_km: 50, resupply_days: 90, resupply_km: 40}\n";
    if (parse(yaml, &r, &err) != CS_OK) fail_msg("parse: %s", err.msg);
    const cs_recovery_params *p = cs_recovery_get_params(r);
    assert_near(p->weather_downtime[0], 0.5, 0.0);
    assert_near(p->weather_downtime[5], 0.0, 0.0);
    assert_int_equal(p->start_month, 3);
    assert_int_equal(p->start_day, 11);
    assert_near(p->stand_down_days, 2.0, 0.0);
    assert_near(p->spare_stock_km, 50.0, 0.0);
    assert_near(p->resupply_km, 40.0, 0.0);
    assert_near(p->spare_base_km, 2.0, 0.0); /* default kept */
    /* Alpha, Beta (no zone of the map: any unreserved system), Lodbrog, Yoko (its zone's). */
    assert_int_equal(cs_recovery_ship_count(r), 4);
    assert_true(cs_recovery_may_repair(r, 0, "SJC"));
    assert_false(cs_recovery_may_repair(r, 0, "PC-1"));
    assert_false(cs_recovery_may_repair(r, 0, "JUS"));
    assert_true(cs_recovery_may_repair(r, 2, "PC-1"));
    assert_false(cs_recovery_may_repair(r, 2, "JUS"));
    assert_true(cs_recovery_may_repair(r, 3, "APCN-2"));
    assert_false(cs_recovery_may_repair(r, 3, "SJC"));
    assert_int_equal(cs_recovery_ship(r, 3)->n_serves, 2);
    cs_recovery_free(r);
}

/*
 * A fault's place decides its weather table: without `weather_regions` the built-in monsoon
 * table holds in the Luzon Strait (January 0.5: 10 working days take 20), the generic table
 * elsewhere (January 0.3); `weather_regions: []` removes the built-in regions. The place is the
 * cut's when given, its depth the cut's when given.
 */
static void test_default_weather_regions(void **state)
{
    (void)state;
    cs_error err = CS_ERROR_INIT;
    cs_topology_t *t = NULL;
    if (cs_topology_load(&t, CS_TEST_DATA "/engine-topo.geojson", NULL, &err) != CS_OK)
        fail_msg("%s", err.msg);
    const char *const texts[2] = {"recovery:\n  fleet: fleet-two.yaml\n  start_month: 1\n",
                                  "recovery:\n  fleet: fleet-two.yaml\n  start_month: 1\n"
                                  "  weather_regions: []\n"};
    for (int k = 0; k < 2; k++) {
        cs_ydoc_t *doc = NULL;
        cs_recovery_t *r = NULL;
        assert_int_equal(cs_ydoc_load_string(&doc, texts[k], "rec.yaml", &err), CS_OK);
        if (cs_recovery_parse(&r, doc, cs_ymap_get(cs_ydoc_root(doc), "recovery"), CS_TEST_DATA, t,
                              &err) != CS_OK)
            fail_msg("%s", err.msg);
        const cs_lonlat luzon = {121.0, 20.5}, pacific = {160.0, 30.0};
        const cs_fault a = cs_recovery_fault(r, t, 0, 0.0, 0.0, &luzon, 2500.0);
        const cs_fault b = cs_recovery_fault(r, t, 0, 0.0, 0.0, &pacific, NAN);
        assert_near(a.pos.lon, 121.0, 0.0);
        assert_near(a.depth_m, 2500.0, 0.0);
        assert_near(a.spare_km, 2.0 + 2.5 * 2.5, 1e-12);
        assert_near(b.depth_m, 3000.0, 0.0); /* the segment has no depth: default */
        assert_int_equal(a.weather, k == 0 ? 0 : -1);
        assert_int_equal(b.weather, -1);
        assert_near(cs_recovery_work_end(r, &a, 0.0, 0.0, 10.0), k == 0 ? 20.0 : 10.0 / 0.7, 1e-9);
        assert_near(cs_recovery_work_end(r, &b, 0.0, 0.0, 7.0), 10.0, 1e-9);
        cs_recovery_free(r);
        cs_ydoc_free(doc);
    }
    cs_topology_free(t);
}

/*
 * ready_days and serial_cuts. Ship Alpha (home (0, 0), 12.5 kn) is busy until day 5; Beta
 * (same home and speed) is free. Two cuts of one segment (edge 7) at (2, 0), 2000 m, foreign,
 * both at 0.5 d. Beta takes cut 0 at 0.5: start max(0.5 + 1 + 0.500338, 0.5 + 3) = 3.5, end
 * 3.5 + 5 / 0.75 = 10.1667.
 *  serial_cuts: cut 1 waits for that end; at 10.1667 Beta (at the site, no mobilisation, no
 *    transit) finishes first (Alpha would mobilise and sail): end 10.1667 + 6.6667 = 16.8333.
 *  without: Alpha takes cut 1 when it is ready (day 5): 5 + 1 + 0.500338 = 6.500338, end
 *    13.167005.
 */
static void test_ready_and_serial_cuts(void **state)
{
    (void)state;
    cs_recovery_params p = hand_params();
    cs_ship ships[2] = {ship_alpha, ship("Beta", 0.0, 0.0, 12.5, 1.0)};
    ships[0].ready_days = 5.0;
    const cs_fault f[2] = {fault_at(7, 0.5, 2.0, 0.0, 2000.0, CS_WATERS_FOREIGN),
                           fault_at(7, 0.5, 2.0, 0.0, 2000.0, CS_WATERS_FOREIGN)};
    const double tr = 2.0 * KM_PER_DEG * 1.25 / V_12_5, end0 = 3.5 + 5.0 / 0.75;
    for (int serial = 1; serial >= 0; serial--) {
        p.serial_cuts = serial;
        cs_recovery_t *r = make(&p, ships, 2);
        cs_repair out[2];
        double busy[2];
        run(r, f, 2, NULL, out, busy);
        assert_int_equal(out[0].ship, 1);
        assert_near(out[0].start_days, 3.5, 1e-9);
        assert_near(out[0].end_days, end0, 1e-9);
        if (serial) {
            assert_int_equal(out[1].ship, 1);
            assert_near(out[1].dispatch_days, end0, 1e-9);
            assert_near(out[1].start_days, end0, 1e-9);
            assert_near(out[1].end_days, end0 + 5.0 / 0.75, 1e-9);
            assert_near(busy[0], 0.0, 0.0);
        } else {
            assert_int_equal(out[1].ship, 0);
            assert_near(out[1].dispatch_days, 5.0, 1e-9); /* not before ready_days */
            assert_near(out[1].start_days, 6.0 + tr, 1e-9);
            assert_near(out[1].end_days, 6.0 + tr + 5.0 / 0.75, 1e-9);
        }
        cs_recovery_free(r);
    }
    /* A negative ready_days is refused. */
    ships[0].ready_days = -1.0;
    cs_error err = CS_ERROR_INIT;
    cs_recovery_t *bad = NULL;
    assert_int_equal(cs_recovery_alloc(&bad, &p, ships, 2, NULL, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "ready_days"));
    assert_null(bad);
}

/*
 * Waters where another state's zone overlaps Japan's: the median line. With domestic_nmi
 * 1000 (1852 km), (123, 27) lies within that distance of Japan's nodes but nearer Hong Kong's:
 * foreign; (130, 30) is nearer Japan: domestic.
 */
static void test_waters_median_line(void **state)
{
    (void)state;
    cs_error err = CS_ERROR_INIT;
    cs_topology_t *t = NULL;
    if (cs_topology_load(&t, CS_TEST_DATA "/engine-topo.geojson", NULL, &err) != CS_OK)
        fail_msg("%s", err.msg);
    cs_recovery_params p = hand_params();
    p.domestic_nmi = 1000.0;
    cs_recovery_t *r = NULL;
    if (cs_recovery_alloc(&r, &p, &ship_alpha, 1, t, &err) != CS_OK) fail_msg("%s", err.msg);
    const cs_lonlat jp_b = {136.87, 34.34}, hk = {114.26, 22.3};
    const cs_lonlat between = {123.0, 27.0}, nearer_japan = {130.0, 30.0};
    const cs_lonlat osaka = {135.5, 34.69};
    assert_true(cs_geo_distance_km(between, osaka) < 1852.0);
    assert_true(cs_geo_distance_km(between, hk) < cs_geo_distance_km(between, osaka));
    assert_int_equal(cs_recovery_waters(r, between), CS_WATERS_FOREIGN);
    assert_int_equal(cs_recovery_waters(r, nearer_japan), CS_WATERS_DOMESTIC);
    assert_int_equal(cs_recovery_waters(r, jp_b), CS_WATERS_DOMESTIC);
    cs_recovery_free(r);
    cs_topology_free(t);
}

/* The waters rule as docs/model.md states it, by haversine distances to every node: the oracle
 * of test_waters_screening. */
static cs_waters waters_by_distances(const cs_topology_t *t, double limit_km, cs_lonlat p)
{
    double jp = INFINITY;
    const size_t nn = cs_topology_node_count(t);
    for (size_t i = 0; i < nn; i++)
        if (cs_node_is_japan(cs_topology_node(t, i)))
            jp = fmin(jp, cs_geo_distance_km(p, cs_topology_node(t, i)->pos));
    if (!(jp <= limit_km)) return CS_WATERS_FOREIGN;
    for (size_t i = 0; i < nn; i++) {
        const cs_node *v = cs_topology_node(t, i);
        if (!cs_node_is_japan(v) && v->kind != CS_NODE_BRANCHING_UNIT && v->country != NULL &&
            v->country[0] != '\0' && strcmp(v->country, "XX") != 0 &&
            cs_geo_distance_km(p, v->pos) < jp)
            return CS_WATERS_FOREIGN;
    }
    return CS_WATERS_DOMESTIC;
}

/*
 * cs_recovery_waters screens the nodes by their chords to the point and measures only near-ties:
 * its answers are exactly those of measuring every node, on the bundled network, for points
 * spread over the region and for the hard ones: on the 200 nmi limit of each Japanese node and
 * on the median line between each Japanese node and each foreign one (equidistant to rounding).
 */
static void test_waters_screening(void **state)
{
    (void)state;
    cs_error err = CS_ERROR_INIT;
    cs_topology_t *t = NULL;
    if (cs_topology_load(&t, CS_SOURCE_DIR "/topology/japan.geojson", NULL, &err) != CS_OK)
        fail_msg("%s", err.msg);
    cs_recovery_params p = hand_params();
    p.domestic_nmi = 200.0;
    cs_recovery_t *r = NULL;
    if (cs_recovery_alloc(&r, &p, &ship_alpha, 1, t, &err) != CS_OK) fail_msg("%s", err.msg);
    const double limit = 200.0 * 1.852, DEG = atan(1.0) / 45.0; /* radians per degree */
    size_t n = 0, domestic = 0;
    for (int i = 0; i <= 120; i++)
        for (int j = 0; j <= 80; j++) {
            const cs_lonlat q = {100.0 + 0.75 * i, -5.0 + 0.75 * j};
            const cs_waters w = cs_recovery_waters(r, q);
            assert_int_equal(w, waters_by_distances(t, limit, q));
            domestic += w == CS_WATERS_DOMESTIC;
            n++;
        }
    const size_t nn = cs_topology_node_count(t);
    size_t hard = 0;
    for (size_t a = 0; a < nn; a++) {
        const cs_node *u = cs_topology_node(t, a);
        if (!cs_node_is_japan(u)) continue;
        /* due north and east of the node, at the limit and a hair either side */
        const double dlat = limit / (CS_EARTH_RADIUS_KM * DEG);
        for (int k = -1; k <= 1; k++) {
            const cs_lonlat q = {u->pos.lon, u->pos.lat + dlat * (1.0 + k * 1e-12)};
            assert_int_equal(cs_recovery_waters(r, q), waters_by_distances(t, limit, q));
            hard++;
        }
        for (size_t b = 0; b < nn; b++) {
            const cs_node *v = cs_topology_node(t, b);
            if (cs_node_is_japan(v) || v->kind == CS_NODE_BRANCHING_UNIT) continue;
            const cs_vec3 x = cs_geo_vec(u->pos), y = cs_geo_vec(v->pos);
            const cs_vec3 m = {x.x + y.x, x.y + y.y, x.z + y.z};
            const cs_lonlat q = {atan2(m.y, m.x) / DEG,
                                 atan2(m.z, sqrt(m.x * m.x + m.y * m.y)) / DEG};
            assert_int_equal(cs_recovery_waters(r, q), waters_by_distances(t, limit, q));
            hard++;
        }
    }
    assert_true(domestic > 50 && domestic < n / 2);
    assert_true(hard > 1000);
    cs_recovery_free(r);
    cs_topology_free(t);
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
    expect_error("recovery:\n  fleet: fleet-two.yaml\n  weather_downtime: [0.1, 0.2]\n",
                 "rec.yaml:3:21", "list of 12");
    expect_error("recovery:\n  fleet: fleet-two.yaml\n  weather_downtime: 0.99\n", "rec.yaml:3:21",
                 "recovery.weather_downtime");
    expect_error("recovery:\n  fleet: fleet-two.yaml\n  start_month: 13\n", "rec.yaml:3:16",
                 "start_month");
    expect_error("recovery:\n  fleet: fleet-two.yaml\n  start_month: 2\n  start_day: 30\n",
                 "rec.yaml:4:14", "start_day: expected a day of month 2 (1 to 28)");
    expect_error("recovery:\n  fleet: fleet-two.yaml\n  start_day: 31\n  start_month: 4\n",
                 "rec.yaml:3:14", "a day of month 4 (1 to 30)");
    expect_error("recovery:\n  fleet: fleet-two.yaml\n  stand_down_areas: [{days: 3}]\n",
                 "rec.yaml:3:22", "area");
    expect_error("recovery:\n  fleet: fleet-two.yaml\n  spare_cable: {resupply_km: 3}\n",
                 "rec.yaml:3:16", "stock_km");
    expect_error("recovery:\n  fleet: fleet-two.yaml\n  zones: [Yokohama]\n", "rec.yaml:3:10",
                 "zones");
    /* A misspelt zone (near a key of `zones`) on a ship without `serves`, inline or in a fleet
     * file with the map in the scenario; "Test" (fleet-two's Alpha) is far from every key. */
    expect_error("recovery:\n  ships:\n    - {name: Y, home: Y, home_lonlat: [139.6, 35.4], "
                 "speed_kn: 15, zone: Yokohma}\n  zones: {Yokohama: [JUS]}\n",
                 "rec.yaml:3:74", "found \"Yokohma\" (nearest: \"Yokohama\")");
    expect_error("recovery:\n  fleet: fleet-two.yaml\n  zones: {Tst: [JUS]}\n",
                 "fleet-two.yaml:9:11", "zone: expected a zone of the `zones` map");
}

/* Work time and the grid. */
static void test_work_and_steps(void **state)
{
    (void)state;
    const cs_recovery_params p = hand_params();
    assert_near(cs_recovery_work_days(&p, 4321.0), 2.0 + 1.5 * 4.321, 1e-12);
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
        cmocka_unit_test(test_weather_months),
        cmocka_unit_test(test_stand_down),
        cmocka_unit_test(test_ready_and_serial_cuts),
        cmocka_unit_test(test_waters_median_line),
        cmocka_unit_test(test_waters_screening),
        cmocka_unit_test(test_eligibility),
        cmocka_unit_test(test_spare_cable),
        cmocka_unit_test(test_parse_fleet),
        cmocka_unit_test(test_parse_seasons_zones),
        cmocka_unit_test(test_default_weather_regions),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_work_and_steps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
