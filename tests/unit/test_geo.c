/*
 * test_geo.c: great-circle and point-to-polyline distances against analytic
 * values; the vector form (prepared arcs, squared chords) against analytic
 * values and against the trigonometric functions on many random points and
 * arcs: across the antimeridian, zero-length legs, points near the antipodes
 * and near the poles of arcs, arcs that cross or touch.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

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

/* ------------------------------------------------------------ vector form */

/* Agreement asked of the vector form with the trigonometric functions, km. */
#define AGREE_KM 1e-6

/* splitmix64: a fixed, portable stream of test inputs. */
static double uniform(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

static double wrap_lon(double lon)
{
    while (lon > 180.0)
        lon -= 360.0;
    while (lon < -180.0)
        lon += 360.0;
    return lon;
}

/* A point uniform on the sphere. */
static cs_lonlat random_point(uint64_t *st)
{
    return (cs_lonlat){360.0 * uniform(st) - 180.0, asin(2.0 * uniform(st) - 1.0) / (PI / 180)};
}

/* The point ang_deg from p along the great circle leaving p at bearing brg_deg. */
static cs_lonlat dest(cs_lonlat p, double brg_deg, double ang_deg)
{
    const double phi = p.lat * PI / 180, th = brg_deg * PI / 180, d = ang_deg * PI / 180;
    const double s = sin(phi) * cos(d) + cos(phi) * sin(d) * cos(th);
    const double phi2 = asin(fmax(-1.0, fmin(1.0, s)));
    const double dl = atan2(sin(th) * sin(d) * cos(phi), cos(d) - sin(phi) * sin(phi2));
    return (cs_lonlat){wrap_lon(p.lon + dl * 180 / PI), phi2 * 180 / PI};
}

static cs_lonlat antipode(cs_lonlat p)
{
    return (cs_lonlat){wrap_lon(p.lon + 180.0), -p.lat};
}

static void assert_vec(cs_vec3 v, double x, double y, double z, double eps)
{
    assert_near(v.x, x, eps);
    assert_near(v.y, y, eps);
    assert_near(v.z, z, eps);
}

static double km_point_arc(cs_lonlat p, cs_lonlat a, cs_lonlat b)
{
    const cs_geo_arc arc = cs_geo_arc_make(a, b);
    return cs_geo_chord2_km(cs_geo_point_arc_chord2(cs_geo_vec(p), &arc));
}

static double km_arc_arc(cs_lonlat a1, cs_lonlat b1, cs_lonlat a2, cs_lonlat b2)
{
    const cs_geo_arc s = cs_geo_arc_make(a1, b1), t = cs_geo_arc_make(a2, b2);
    return cs_geo_chord2_km(cs_geo_arc_arc_chord2(&s, &t));
}

static void test_vec_chord(void **state)
{
    (void)state;
    assert_vec(cs_geo_vec((cs_lonlat){0, 0}), 1, 0, 0, 1e-15);
    assert_vec(cs_geo_vec((cs_lonlat){90, 0}), 0, 1, 0, 1e-15);
    assert_vec(cs_geo_vec((cs_lonlat){-180, 0}), -1, 0, 0, 1e-15);
    assert_vec(cs_geo_vec((cs_lonlat){37.5, 90}), 0, 0, 1, 1e-15);
    const cs_vec3 v = cs_geo_vec((cs_lonlat){139.6917, 35.6895});
    assert_near(v.x * v.x + v.y * v.y + v.z * v.z, 1.0, 1e-15);
    assert_near(v.z, sin(35.6895 * PI / 180), 1e-15);
    /* Chords of known angles; out-of-range chords are clamped. */
    assert_near(cs_geo_chord2_km(0.0), 0.0, 0.0);
    assert_near(cs_geo_chord2_km(2.0), R * PI / 2, 1e-9);
    assert_near(cs_geo_chord2_km(4.0), R * PI, 1e-9);
    assert_near(cs_geo_chord2_km(4.5), R * PI, 1e-9);
    assert_near(cs_geo_chord2_km(-1e-18), 0.0, 0.0);
    const double c = 2.0 * sin(0.3125 / 2.0);
    assert_near(cs_geo_chord2_km(c * c), R * 0.3125, 1e-9);
    /* Against the haversine on random pairs, far and near. */
    uint64_t st = 0x1badcafe5eedULL;
    for (int i = 0; i < 5000; i++) {
        const cs_lonlat a = random_point(&st);
        const cs_lonlat b =
            i % 2 ? random_point(&st) : dest(a, 360 * uniform(&st), pow(10, -6 + 8 * uniform(&st)));
        const double d = cs_geo_chord2_km(cs_geo_chord2(cs_geo_vec(a), cs_geo_vec(b)));
        assert_near(d, cs_geo_distance_km(a, b), AGREE_KM);
    }
}

static void test_arc_make(void **state)
{
    (void)state;
    /* A quarter of the equator eastward: normal to the north, tangents at the
     * ends pointing along it, midpoint at 45E. */
    cs_geo_arc arc = cs_geo_arc_make((cs_lonlat){0, 0}, (cs_lonlat){90, 0});
    assert_false(arc.point);
    assert_vec(arc.n, 0, 0, 1, 1e-15);
    assert_vec(arc.ta, 0, 1, 0, 1e-15);
    assert_vec(arc.tb, 1, 0, 0, 1e-15);
    assert_vec(arc.mid, sqrt(0.5), sqrt(0.5), 0, 1e-15);
    assert_near(arc.radius, 2 * sin(PI / 8), 1e-15);
    /* Across the antimeridian: 179.5E to 179.5W is 1 degree eastward, midpoint at 180. */
    arc = cs_geo_arc_make((cs_lonlat){179.5, 0}, (cs_lonlat){-179.5, 0});
    assert_vec(arc.n, 0, 0, 1, 1e-15);
    assert_vec(arc.mid, -1, 0, 0, 1e-15);
    assert_near(arc.radius, 2 * sin(PI / 720), 1e-15);
    /* A leg of 1e-7 degrees (1.1 cm) northward on the 30E meridian: its pole
     * is (sin 30, -cos 30, 0) to full precision. A cross product of the two
     * rounded end vectors would be off by ~1e-16 / 1.7e-9 rad = 6e-8. */
    arc = cs_geo_arc_make((cs_lonlat){30, 10}, (cs_lonlat){30, 10 + 1e-7});
    assert_false(arc.point);
    assert_vec(arc.n, 0.5, -sqrt(0.75), 0, 1e-13);
    /* Zero-length legs are points, including 180E = 180W. */
    arc = cs_geo_arc_make((cs_lonlat){141.25, 38.5}, (cs_lonlat){141.25, 38.5});
    assert_true(arc.point);
    assert_vec(arc.n, 0, 0, 0, 0);
    assert_near(arc.radius, 0.0, 0.0);
    assert_true(cs_geo_arc_make((cs_lonlat){180, -12.5}, (cs_lonlat){-180, -12.5}).point);
    /* Random arcs: the normal is a unit vector orthogonal to both ends, along
     * a x b; the midpoint is equidistant from the ends, at half the length. */
    uint64_t st = 0x5eed0002ULL;
    for (int i = 0; i < 2000; i++) {
        const cs_lonlat a = random_point(&st);
        const double len = 179.0 * uniform(&st);
        const cs_lonlat b = dest(a, 360 * uniform(&st), len);
        arc = cs_geo_arc_make(a, b);
        const cs_vec3 n = arc.n;
        assert_near(n.x * n.x + n.y * n.y + n.z * n.z, 1.0, 1e-14);
        assert_near(n.x * arc.a.x + n.y * arc.a.y + n.z * arc.a.z, 0.0, 1e-14);
        assert_near(n.x * arc.b.x + n.y * arc.b.y + n.z * arc.b.z, 0.0, 1e-14);
        const cs_vec3 x = {arc.a.y * arc.b.z - arc.a.z * arc.b.y,
                           arc.a.z * arc.b.x - arc.a.x * arc.b.z,
                           arc.a.x * arc.b.y - arc.a.y * arc.b.x};
        assert_true(x.x * n.x + x.y * n.y + x.z * n.z > 0.0);
        assert_near(sqrt(cs_geo_chord2(arc.mid, arc.a)), arc.radius, 1e-12);
        assert_near(sqrt(cs_geo_chord2(arc.mid, arc.b)), arc.radius, 1e-12);
        assert_near(2 * cs_geo_chord2_km(arc.radius * arc.radius), cs_geo_distance_km(a, b), 1e-6);
    }
}

/* One random case for the point-to-arc comparison: kind picks how p and the arc are drawn. */
static void point_arc_case(uint64_t *st, int kind, cs_lonlat *p, cs_lonlat *a, cs_lonlat *b)
{
    *a = random_point(st);
    const double len = kind == 0 ? 170.0 * uniform(st) : pow(10, -3 + 4.5 * uniform(st));
    *b = dest(*a, 360 * uniform(st), len);
    const cs_lonlat on = dest(*a, 360 * uniform(st), len * (1.6 * uniform(st) - 0.3));
    switch (kind) {
    case 0: /* anywhere */
        *p = random_point(st);
        break;
    case 1: /* near the arc or its extension */
        *p = dest(on, 360 * uniform(st), 3.0 * uniform(st));
        break;
    case 2: /* near the antipode of the arc */
        *p = dest(antipode(on), 360 * uniform(st), 3.0 * uniform(st));
        break;
    case 3: /* an arc across the antimeridian */
        *a = (cs_lonlat){180.0 - 2.0 * uniform(st), 80 * uniform(st) - 40};
        *b = (cs_lonlat){-180.0 + 2.0 * uniform(st), 80 * uniform(st) - 40};
        *p = dest(*a, 360 * uniform(st), 4.0 * uniform(st));
        break;
    default: /* a zero-length leg */
        *b = *a;
        *p = dest(*a, 360 * uniform(st), 180 * uniform(st));
        break;
    }
}

static void test_point_arc_matches_trig(void **state)
{
    (void)state;
    uint64_t st = 0xfeedf00d0003ULL;
    for (int i = 0; i < 50000; i++) {
        cs_lonlat p, a, b;
        point_arc_case(&st, i % 5, &p, &a, &b);
        const double ref = cs_geo_point_arc_distance_km(p, a, b);
        const double d = km_point_arc(p, a, b);
        if (!(fabs(d - ref) <= AGREE_KM))
            fail_msg("case %d: p (%.17g, %.17g), arc (%.17g, %.17g)-(%.17g, %.17g): %.12f km, "
                     "trigonometry %.12f km",
                     i, p.lon, p.lat, a.lon, a.lat, b.lon, b.lat, d, ref);
    }
    /* The poles of an arc are a quarter circle from all of it; a point on the
     * arc is at 0; the antipode of an end, beyond it, is half a circle away
     * less the arc. */
    const cs_lonlat a = {20, 0}, b = {22, 0};
    assert_near(km_point_arc((cs_lonlat){-71, 90}, a, b), R * PI / 2, AGREE_KM);
    assert_near(km_point_arc((cs_lonlat){164, -90}, a, b), R * PI / 2, AGREE_KM);
    assert_near(km_point_arc((cs_lonlat){21.3, 0}, a, b), 0.0, 1e-9);
    assert_near(km_point_arc((cs_lonlat){-160, 0}, a, b), R * 178 * PI / 180, AGREE_KM);
}

/* Checks the arc-to-arc distance of a1-b1 and a2-b2 against the trigonometric
 * functions: when the arcs do not meet it must be the least of the four
 * end-to-arc distances; either way it must agree with a brute-force search
 * along the second arc (which the distance function, 1-Lipschitz, bounds
 * within the step of the search). Returns the distance. */
static double check_arc_arc(cs_lonlat a1, cs_lonlat b1, cs_lonlat a2, cs_lonlat b2)
{
    const cs_geo_arc s = cs_geo_arc_make(a1, b1), t = cs_geo_arc_make(a2, b2);
    const double d = km_arc_arc(a1, b1, a2, b2);
    if (!cs_geo_arcs_meet(&s, &t)) {
        double ref = cs_geo_point_arc_distance_km(a1, a2, b2);
        ref = fmin(ref, cs_geo_point_arc_distance_km(b1, a2, b2));
        ref = fmin(ref, cs_geo_point_arc_distance_km(a2, a1, b1));
        ref = fmin(ref, cs_geo_point_arc_distance_km(b2, a1, b1));
        if (!(fabs(d - ref) <= AGREE_KM))
            fail_msg("arcs (%.17g, %.17g)-(%.17g, %.17g) and (%.17g, %.17g)-(%.17g, %.17g): "
                     "%.12f km, trigonometry %.12f km",
                     a1.lon, a1.lat, b1.lon, b1.lat, a2.lon, a2.lat, b2.lon, b2.lat, d, ref);
    } else {
        assert_near(d, 0.0, 0.0);
    }
    const int steps = 400;
    const double len2 = cs_geo_distance_km(a2, b2), step = len2 / steps;
    double brute = HUGE_VAL;
    for (int k = 0; k <= steps; k++) {
        const double f = (double)k / steps;
        const cs_vec3 u = t.a, v = t.b;
        const double om = acos(fmax(-1.0, fmin(1.0, u.x * v.x + u.y * v.y + u.z * v.z)));
        const double wa = om > 1e-12 ? sin((1 - f) * om) / sin(om) : 1.0;
        const double wb = om > 1e-12 ? sin(f * om) / sin(om) : 0.0;
        const cs_vec3 x = {wa * u.x + wb * v.x, wa * u.y + wb * v.y, wa * u.z + wb * v.z};
        const cs_lonlat q = {atan2(x.y, x.x) * 180 / PI,
                             asin(fmax(-1.0, fmin(1.0, x.z))) * 180 / PI};
        brute = fmin(brute, cs_geo_point_arc_distance_km(q, a1, b1));
    }
    assert_true(d <= brute + AGREE_KM);
    assert_true(d >= brute - step / 2 - AGREE_KM);
    return d;
}

static void test_arc_arc_matches_trig(void **state)
{
    (void)state;
    uint64_t st = 0xabcdef0004ULL;
    int met = 0;
    for (int i = 0; i < 3000; i++) {
        /* Arcs near each other: both within a few degrees of a common point. */
        const cs_lonlat c = i % 4 == 3 ? (cs_lonlat){180.0 - 0.5 * uniform(&st), 10 * uniform(&st)}
                                       : random_point(&st);
        const double r = pow(10, -2 + 3 * uniform(&st));
        const cs_lonlat a1 = dest(c, 360 * uniform(&st), r * uniform(&st));
        const cs_lonlat b1 = dest(a1, 360 * uniform(&st), r * 2 * uniform(&st));
        const cs_lonlat a2 = dest(c, 360 * uniform(&st), r * uniform(&st));
        const cs_lonlat b2 = i % 10 == 9 ? a2 : dest(a2, 360 * uniform(&st), r * 2 * uniform(&st));
        met += check_arc_arc(a1, b1, a2, b2) <= 0.0;
    }
    assert_true(met > 100); /* the draw makes crossings common */
    /* Arcs through a common point, each extending both ways from it: 0. */
    for (int i = 0; i < 1000; i++) {
        const cs_lonlat x = i % 2
                                ? random_point(&st)
                                : (cs_lonlat){180.0 - 0.01 * uniform(&st), 60 * uniform(&st) - 30};
        const double h1 = 360 * uniform(&st), h2 = h1 + 5 + 170 * uniform(&st);
        const double l = 0.01 + 20 * uniform(&st);
        const cs_lonlat a1 = dest(x, h1, l), b1 = dest(x, h1 + 180, l * (0.1 + uniform(&st)));
        const cs_lonlat a2 = dest(x, h2, l * (0.1 + uniform(&st))), b2 = dest(x, h2 + 180, l);
        assert_near(check_arc_arc(a1, b1, a2, b2), 0.0, 0.0);
    }
    /* Nearly antipodal arcs: the nearest pair is antipodal to the farthest
     * pair of the first arc and the second's antipode, (10, 1) and (13, -0.5).
     * Then arcs on one great circle, apart and overlapping. */
    assert_near(check_arc_arc((cs_lonlat){10, 1}, (cs_lonlat){12, -1}, (cs_lonlat){-169, -0.5},
                              (cs_lonlat){-167, 0.5}),
                cs_geo_distance_km((cs_lonlat){10, 1}, (cs_lonlat){-167, 0.5}), AGREE_KM);
    assert_near(
        check_arc_arc((cs_lonlat){0, 0}, (cs_lonlat){1, 0}, (cs_lonlat){1.5, 0}, (cs_lonlat){3, 0}),
        R * 0.5 * PI / 180, AGREE_KM);
    assert_near(
        check_arc_arc((cs_lonlat){0, 0}, (cs_lonlat){2, 0}, (cs_lonlat){1, 0}, (cs_lonlat){3, 0}),
        0.0, 1e-9);
    /* A T whose stem ends on the bar; two points. */
    assert_near(check_arc_arc((cs_lonlat){20, 0}, (cs_lonlat){22, 0}, (cs_lonlat){21, -2},
                              (cs_lonlat){21, 0}),
                0.0, 1e-9);
    assert_near(
        check_arc_arc((cs_lonlat){5, 5}, (cs_lonlat){5, 5}, (cs_lonlat){5, 6}, (cs_lonlat){5, 6}),
        R * PI / 180, 1e-9);
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
        cmocka_unit_test(test_vec_chord),
        cmocka_unit_test(test_arc_make),
        cmocka_unit_test(test_point_arc_matches_trig),
        cmocka_unit_test(test_arc_arc_matches_trig),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
