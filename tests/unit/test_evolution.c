/*
 * test_evolution.c: one scenario on the network of one year (cablesim/evolution.h),
 * on tests/data/engine-topo.geojson: PAC-1 (2001) and PAC-2 (2005) to Los Angeles,
 * ASIA-1 (2003) and ASIA-2 (2010) to Hong Kong, OLD-1 (1999 to 2011) to Los Angeles.
 * The CLI's table and its options are tested in test_criticality.c.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cs_test.h"

#include "cablesim/evolution.h"

/* A scenario cutting PAC-1 and PAC-2 in every trial, in a fresh temporary directory. */
typedef struct {
    char dir[64], path[128];
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (fx == NULL) return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/cs-evo-XXXXXX");
    if (mkdtemp(fx->dir) == NULL) return -1;
    snprintf(fx->path, sizeof fx->path, "%s/s.yaml", fx->dir);
    FILE *f = fopen(fx->path, "w");
    if (f == NULL) return -1;
    fprintf(f,
            "name: evolution-unit\ntopology: %s/engine-topo.geojson\n"
            "demand: %s/engine-demand.csv\ntrials: 3\nseed: 97\n"
            "routing: {restoration_share: 1}\n" /* hand figures without a restoration limit */
            "hazards:\n"
            "  - type: explicit\n    cables: [PAC-1, PAC-2]\n",
            CS_TEST_DATA, CS_TEST_DATA);
    fclose(f);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    remove(fx->path);
    rmdir(fx->dir);
    free(fx);
    return 0;
}

/*
 * 2011: OLD-1 still carries 2 of Los Angeles's 11.75 Tbps when both PAC cables are cut;
 * 2012: it is retired, so all 11.75 are lost and Los Angeles is cut off in every trial.
 * Hong Kong (ASIA-1 4 + ASIA-2 6 Tbps for 5.25) loses nothing either year.
 */
static void test_rows(void **state)
{
    const fixture *fx = *state;
    cs_error err = CS_ERROR_INIT;
    cs_evolution_row r;
    for (int year = 2011; year <= 2012; year++) {
        const bool old = year == 2011;
        assert_int_equal(cs_evolution_year(&r, fx->path, year, NULL, &err), CS_OK);
        const double want = old ? 9.75 : 11.75;
        assert_int_equal(r.year, year);
        assert_int_equal(r.trials, 3);
        assert_int_equal(r.systems, old ? 5 : 4);
        assert_int_equal(r.japan_systems, old ? 5 : 4);
        assert_near(r.japan_design_tbps, old ? 35.0 : 33.0, 1e-12);
        assert_near(r.demand_scale, 1.0, 0.0);
        assert_near(r.demand_tbps, 17.5, 1e-12);
        assert_near(r.baseline_unserved_tbps, 0.0, 1e-9);
        assert_near(r.mean, want, 1e-9);
        assert_near(r.ci_low, want, 1e-9); /* the same loss in every trial */
        assert_near(r.ci_high, want, 1e-9);
        /* Stated as one outcome, not as an interval on a certainty (issue 10). */
        assert_int_equal(r.unserved_kind, CS_LOSS_ONE_OUTCOME);
        assert_int_equal(r.loss_trials, 3);
        assert_true(isnan(r.p_loss_hi));
        assert_near(r.loss, want, 1e-9);
        assert_near(r.share, want / 17.5, 1e-12);
        assert_int_equal(r.regions, 2);
        assert_int_equal(r.unreached, 0);
        assert_int_equal(r.any_cut.k, old ? 0 : 3);
        assert_int_equal(r.any_cut.n, 3);
        assert_int_equal(r.any_reached_cut.k, r.any_cut.k);
        assert_string_equal(r.worst, old ? "" : "US West Coast");
        assert_near(r.worst_p, old ? 0.0 : 1.0, 0.0);
    }
}

/* --growth scales the 2025 demand by (1 + g)^(year - 2025); the overrides apply. */
static void test_growth_and_sets(void **state)
{
    const fixture *fx = *state;
    cs_error err = CS_ERROR_INIT;
    const char *const sets[] = {"trials=2", "seed=5"};
    const cs_evolution_options opt = {.sets = sets, .n_sets = 2, .growth = 0.1};
    cs_evolution_row r;
    assert_int_equal(cs_evolution_year(&r, fx->path, 2015, &opt, &err), CS_OK);
    const double scale = pow(1.1, -10.0);
    assert_int_equal(r.trials, 2);
    assert_near(r.demand_scale, scale, 1e-15);
    assert_near(r.demand_tbps, 17.5 * scale, 1e-12);
    assert_near(r.mean, 11.75 * scale, 1e-9);
    assert_int_equal(CS_EVOLUTION_DEMAND_YEAR, 2025);
}

/* Refused: a year out of range, an override of as_of; the scenario's own errors pass through. */
static void test_errors(void **state)
{
    const fixture *fx = *state;
    cs_error err = CS_ERROR_INIT;
    cs_evolution_row r;
    assert_int_equal(cs_evolution_year(&r, fx->path, 1980, NULL, &err), CS_EINVAL);
    assert_string_equal(err.msg, "evolution: year: expected 1990 to 2100, found 1980");
    assert_int_equal(r.year, 1980);
    const char *const as_of[] = {"trials=2", "as_of=2000"};
    cs_evolution_options opt = {.sets = as_of, .n_sets = 2, .growth = NAN};
    cs_error_clear(&err);
    assert_int_equal(cs_evolution_year(&r, fx->path, 2012, &opt, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "--set as_of=2000: the year is set by the evolution"));
    const char *const typo[] = {"as_off=3"};
    opt.sets = typo;
    opt.n_sets = 1;
    cs_error_clear(&err);
    assert_int_equal(cs_evolution_year(&r, fx->path, 2012, &opt, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "(did you mean \"as_of\"?)"));
    cs_error_clear(&err);
    assert_int_equal(cs_evolution_year(&r, CS_TEST_DATA "/no-such.yaml", 2012, NULL, &err), CS_EIO);
    assert_non_null(strstr(err.msg, "no-such.yaml"));
    /* PAC-2 is not in service in 2004: the explicit hazard names an unknown cable. */
    cs_error_clear(&err);
    assert_int_equal(cs_evolution_year(&r, fx->path, 2004, NULL, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "PAC-2"));
}

int main(void)
{
    cs_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_growth_and_sets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
