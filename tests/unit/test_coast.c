/*
 * test_coast.c: GSHHG coastlines (coast.h) from the file of Debian's gmt-gshhg-low: the landing
 * stations of the topology lie on the coast (a shoreline point within a few km), open ocean has
 * none, every line lies in the bins of the box asked for, and the errors name the file and the
 * package.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cablesim/coast.h"
#include "cablesim/geo.h"
#include "cs_test.h"

/* The distance from (lon, lat) to the nearest line of c (great-circle arcs between points), km. */
static double nearest_km(const cs_coast_t *c, double lon, double lat)
{
    double best = INFINITY;
    for (size_t i = 0; i < c->n_lines; i++)
        for (size_t k = c->off[i]; k + 1 < c->off[i + 1]; k++) {
            const double d = cs_geo_point_arc_distance_km(
                (cs_lonlat){lon, lat}, (cs_lonlat){c->lon[k], c->lat[k]},
                (cs_lonlat){c->lon[k + 1], c->lat[k + 1]});
            if (d < best) best = d;
        }
    return best;
}

static void test_japan(void **state)
{
    (void)state;
    cs_coast_t *c = NULL;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(
        cs_coast_load(&c, cs_coast_default_path(), 130, 145, 30, 45, CS_COAST_LEVEL_LAND, &err),
        CS_OK);
    assert_true(c->n_lines > 50);
    assert_string_equal(c->version, "2.3.7");
    /* Landing stations from topology/japan.geojson: on the shore, within 3 km of a line. */
    assert_true(nearest_km(c, 139.95466, 34.97666) < 3.0); /* Chikura, Boso */
    assert_true(nearest_km(c, 136.87439, 34.33683) < 3.0); /* Shima */
    assert_true(nearest_km(c, 140.75095, 36.80178) < 3.0); /* Kitaibaraki */
    /* Open Pacific east of Japan: no shore within 300 km. */
    assert_true(nearest_km(c, 150.0, 35.0) > 300.0);
    /* Every point in the 10-degree bins that meet the box; lines have at least two points. */
    for (size_t i = 0; i < c->n_lines; i++) {
        assert_true(c->off[i + 1] >= c->off[i] + 2);
        for (size_t k = c->off[i]; k < c->off[i + 1]; k++) {
            assert_true(c->lon[k] >= 130.0 && c->lon[k] <= 150.0);
            assert_true(c->lat[k] >= 30.0 && c->lat[k] <= 50.0);
        }
    }
    cs_coast_free(c);
}

static void test_levels(void **state)
{
    (void)state;
    cs_coast_t *land = NULL, *lakes = NULL;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_coast_load(&land, cs_coast_default_path(), 130, 145, 30, 45, 1, &err),
                     CS_OK);
    assert_int_equal(cs_coast_load(&lakes, cs_coast_default_path(), 130, 145, 30, 45, 2, &err),
                     CS_OK);
    /* Lake Biwa is a level-2 shore: only the second load has a point in it. */
    assert_true(lakes->n_lines > land->n_lines);
    assert_true(nearest_km(lakes, 136.08, 35.25) < 12.0);
    assert_true(nearest_km(land, 136.08, 35.25) > 20.0);
    cs_coast_free(land);
    cs_coast_free(lakes);
}

static void test_errors(void **state)
{
    (void)state;
    cs_coast_t *c = NULL;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_coast_load(&c, "/nonexistent/gshhs.nc", 130, 145, 30, 45, 1, &err), CS_EIO);
    assert_null(c);
    assert_non_null(strstr(err.msg, "/nonexistent/gshhs.nc"));
    assert_non_null(strstr(err.msg, "gmt-gshhg-low"));
    cs_error_clear(&err);
    assert_int_equal(cs_coast_load(&c, CS_TEST_DATA "/demand-good.csv", 130, 145, 30, 45, 1, &err),
                     CS_EIO);
    cs_error_clear(&err);
    assert_int_equal(cs_coast_load(&c, cs_coast_default_path(), 145, 130, 30, 45, 1, &err),
                     CS_EINVAL);
    assert_non_null(strstr(err.msg, "west < east"));
    assert_null(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_japan),
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
