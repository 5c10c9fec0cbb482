/* test_geo.c: great-circle and point-to-polyline distances against analytic values. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "cablesim/geo.h"
#include "cs_test.h"

#define R  CS_EARTH_RADIUS_KM
#define PI 3.14159265358979323846

static void test_meridian_degree(void **state)
{
    (void)state;
    const cs_lonlat a = {139.25, 34.5}, b = {139.25, 35.5};
    assert_near(cs_geo_distance_km(a, b), R * PI / 180.0, 1e-9);
}

static void test_quarter_equator_and_antipode(void **state)
{
    (void)state;
    assert_near(cs_geo_distance_km((cs_lonlat){0, 0}, (cs_lonlat){90, 0}), R * PI / 2, 1e-9);
    assert_near(cs_geo_distance_km((cs_lonlat){-37.5, 12.25}, (cs_lonlat){142.5, -12.25}), R * PI,
                1e-6);
    /* Across the antimeridian: 179.5E to 179.5W on the equator is 1 degree. */
    assert_near(cs_geo_distance_km((cs_lonlat){179.5, 0}, (cs_lonlat){-179.5, 0}), R * PI / 180.0,
                1e-9);
}

static void test_known_city_pair(void **state)
{
    (void)state;
    /* Tokyo (139.6917E, 35.6895N) to Los Angeles (118.2437W, 34.0522N): ~8,815 km
     * on a 6371 km sphere (standard haversine value for these coordinates). */
    const double d =
        cs_geo_distance_km((cs_lonlat){139.6917, 35.6895}, (cs_lonlat){-118.2437, 34.0522});
    assert_true(d > 8800.0 && d < 8830.0);
}

static void test_polyline_length(void **state)
{
    (void)state;
    const cs_lonlat pts[3] = {{0, 0}, {0, 2.5}, {2.5, 2.5}};
    const double leg2 = cs_geo_distance_km(pts[1], pts[2]);
    assert_near(cs_geo_polyline_length_km(pts, 3), R * 2.5 * PI / 180.0 + leg2, 1e-9);
    assert_near(cs_geo_polyline_length_km(pts, 1), 0.0, 0.0);
    /* leg2 runs along a parallel's great circle: shorter than the parallel arc. */
    assert_true(leg2 < R * cos(2.5 * PI / 180) * 2.5 * PI / 180);
}

static void test_point_arc_cross_track(void **state)
{
    (void)state;
    /* Perpendicular foot inside the arc: 1.75 degrees north of the equator. */
    const cs_lonlat a = {-10, 0}, b = {10, 0};
    assert_near(cs_geo_point_arc_distance_km((cs_lonlat){3.3, 1.75}, a, b), R * 1.75 * PI / 180.0,
                1e-6);
    /* Beyond the end b: the distance to b. */
    assert_near(cs_geo_point_arc_distance_km((cs_lonlat){20, 0}, a, b), R * 10 * PI / 180.0, 1e-6);
    /* Before a, off the line: the distance to a. */
    const cs_lonlat p = {-12, 1};
    assert_near(cs_geo_point_arc_distance_km(p, a, b), cs_geo_distance_km(p, a), 1e-9);
    /* Distance to a meridian arc: asin(cos(lat) sin(dlon)). */
    const double expect = R * asin(cos(45 * PI / 180) * sin(10 * PI / 180));
    assert_near(
        cs_geo_point_arc_distance_km((cs_lonlat){0, 45}, (cs_lonlat){10, 0}, (cs_lonlat){10, 60}),
        expect, 1e-6);
}

static void test_point_polyline(void **state)
{
    (void)state;
    const cs_lonlat line[3] = {{130, 30}, {130, 33}, {133, 33}};
    /* Nearest to the second leg (along 33N... a great circle bulging north). */
    const double d = cs_geo_point_polyline_distance_km((cs_lonlat){131.5, 31.0}, line, 3);
    const double d1 = cs_geo_point_arc_distance_km((cs_lonlat){131.5, 31.0}, line[0], line[1]);
    const double d2 = cs_geo_point_arc_distance_km((cs_lonlat){131.5, 31.0}, line[1], line[2]);
    assert_near(d, fmin(d1, d2), 1e-12);
    assert_near(cs_geo_point_polyline_distance_km((cs_lonlat){130, 31.5}, line, 3), 0.0, 1e-6);
    assert_true(isinf(cs_geo_point_polyline_distance_km((cs_lonlat){0, 0}, line, 0)));
}

static void test_point_in_polygon(void **state)
{
    (void)state;
    /* Luzon Strait box, roughly. */
    const cs_lonlat ring[4] = {{119.5, 18.5}, {122.5, 18.5}, {122.5, 22.5}, {119.5, 22.5}};
    assert_true(cs_geo_point_in_polygon((cs_lonlat){121.0, 20.5}, ring, 4));
    assert_false(cs_geo_point_in_polygon((cs_lonlat){123.0, 20.5}, ring, 4));
    assert_false(cs_geo_point_in_polygon((cs_lonlat){121.0, 23.0}, ring, 4));
    /* Concave L shape: the notch is outside. */
    const cs_lonlat l[6] = {{0, 0}, {4, 0}, {4, 1}, {1, 1}, {1, 4}, {0, 4}};
    assert_true(cs_geo_point_in_polygon((cs_lonlat){0.5, 3}, l, 6));
    assert_false(cs_geo_point_in_polygon((cs_lonlat){3, 3}, l, 6));
}

static void test_valid(void **state)
{
    (void)state;
    assert_true(cs_geo_valid((cs_lonlat){-180, 90}));
    assert_false(cs_geo_valid((cs_lonlat){180.01, 0}));
    assert_false(cs_geo_valid((cs_lonlat){0, -90.5}));
    assert_false(cs_geo_valid((cs_lonlat){NAN, 0}));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_meridian_degree),
        cmocka_unit_test(test_quarter_equator_and_antipode),
        cmocka_unit_test(test_known_city_pair),
        cmocka_unit_test(test_polyline_length),
        cmocka_unit_test(test_point_arc_cross_track),
        cmocka_unit_test(test_point_polyline),
        cmocka_unit_test(test_point_in_polygon),
        cmocka_unit_test(test_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
