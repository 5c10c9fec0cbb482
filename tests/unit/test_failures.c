/*
 * test_failures.c: failure sets and their cuts (failures.h), and where a cut
 * lies on a route with the depth there (cutsite.h).
 *
 * A hand-made topology on the equator (1 degree = 111.195 km) puts segments
 * with known landed ends, shallow shares and depths where the depth profile
 * of cutsite.h can be written down: shelf, slope and deep water by distance
 * along the route from the nearer landing.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "cablesim/cutsite.h"
#include "cablesim/failures.h"
#include "cablesim/topology.h"
#include "cs_test.h"

#define KM_PER_DEG (CS_EARTH_RADIUS_KM * 3.14159265358979323846 / 180.0)

#define NODEC(id, kind, country, lon, lat)                                                         \
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"" id "\",\"kind\":\"" kind "\",\"name\":\"" id \
    "\",\"country\":\"" country "\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[" #lon      \
    "," #lat "]}}"
#define NODE(id, kind, lon, lat) NODEC(id, kind, "JP", lon, lat)
#define SEG(id, from, to, extra, coords)                                                           \
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"" id                                           \
    "\",\"kind\":\"segment\",\"from\":\"" from "\",\"to\":\"" to "\",\"cable\":\"" id "\"," extra  \
    "\"capacity_tbps\":1,\"rfs\":2000,"                                                            \
    "\"source\":\"test\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[" coords "]}}"

/* a, b landings; c, d branching units. */
#define NODES                                                                                      \
    NODE("a", "landing_station", 0, 0)                                                             \
    "," NODE("b", "landing_station", 1.8, 0) "," NODE("c", "branching_unit", 0, 1) "," NODE(       \
        "d", "branching_unit", 1, 1) "," NODEC("k", "landing_station", "KR", 0, -1)
static const char *const FIXTURE = "{\"type\":\"FeatureCollection\",\"features\":[" NODES ","
    /* landed both ends, 25 % shallow, drawn from b to a */
    SEG("ab", "a", "b", "\"shallow_share\":0.25,", "[1.8,0],[0.9,0],[0,0]") ","
    /* landed at a only, 10 % shallow, drawn from c to a */
    SEG("ca", "c", "a", "\"shallow_share\":0.1,", "[0,1],[0,0]") ","
    /* no landed end: deep throughout */
    SEG("cd", "c", "d", "", "[0,1],[1,1]") ","
    /* a shallow segment (depth 120 m), no shallow share: 25 km shelf per end */
    SEG("ab2", "a", "b", "\"depth_m\":120,", "[0,0],[1.8,0]") ","
    /* from Japan (a) to Korea (k), half shallow: the shelf beyond a's 25 km goes to k */
    SEG("ak", "a", "k", "\"shallow_share\":0.5,", "[0,0],[0,-1]") "]}";

static cs_topology_t *fixture(void)
{
    cs_topology_t *t = NULL;
    cs_error err = CS_ERROR_INIT;
    if (cs_topology_load_string(&t, FIXTURE, "fixture.geojson", NULL, &err) != CS_OK)
        fail_msg("fixture: %s", err.msg);
    return t;
}

static size_t edge(const cs_topology_t *t, const char *id)
{
    size_t j = SIZE_MAX;
    if (!cs_topology_find_edge(t, id, &j)) fail_msg("no edge %s", id);
    return j;
}

/* ------------------------------------------------------------ cutsite */

static void test_route_point_locate(void **state)
{
    (void)state;
    cs_topology_t *t = fixture();
    const cs_edge *ab = cs_topology_edge(t, edge(t, "ab"));
    assert_near(cs_cutsite_route_km(ab), 1.8 * KM_PER_DEG, 1e-6);
    /* drawn from b (1.8E) to a: 50 km along is at 1.8 - 50 / KM_PER_DEG */
    const cs_lonlat p = cs_cutsite_point(ab, 50.0);
    assert_near(p.lon, 1.8 - 50.0 / KM_PER_DEG, 1e-9);
    assert_near(p.lat, 0.0, 1e-9);
    assert_near(cs_cutsite_locate(ab, (cs_lonlat){1.0, 0.05}), 0.8 * KM_PER_DEG, 1e-6);
    /* clamped at both ends */
    assert_near(cs_cutsite_point(ab, -5.0).lon, 1.8, 1e-12);
    assert_near(cs_cutsite_point(ab, 1e6).lon, 0.0, 1e-12);
    cs_topology_free(t);
}

static void test_depth_profile(void **state)
{
    (void)state;
    cs_topology_t *t = fixture();
    const size_t ab = edge(t, "ab"), ca = edge(t, "ca"), cd = edge(t, "cd"), ab2 = edge(t, "ab2");
    const double L = 1.8 * KM_PER_DEG, W = 0.25 * L / 2.0; /* 25 km of shelf... per end */
    /* ab: both ends landed, W = 25 % x L / 2 = 25.02 km of shelf at each end */
    assert_near(cs_cutsite_shore_km(t, ab, 10.0), 10.0, 1e-9);
    assert_near(cs_cutsite_shore_km(t, ab, L - 7.0), 7.0, 1e-6);
    assert_near(cs_cutsite_depth_m(t, ab, 10.0), 200.0 * 10.0 / W, 1e-9);
    assert_near(cs_cutsite_depth_m(t, ab, L - 10.0), 200.0 * 10.0 / W, 1e-6);
    const double x = W + 20.0; /* on the slope */
    assert_near(cs_cutsite_depth_m(t, ab, x), 200.0 + (3682.0 - 200.0) * 20.0 / 35.6, 1e-6);
    assert_near(cs_cutsite_depth_m(t, ab, L / 2.0), 3682.0, 1e-9);
    /* a cut on the beach still has water over it */
    assert_near(cs_cutsite_depth_m(t, ab, 0.0), 200.0 * 0.5 / W, 1e-9);
    /* ca: drawn from the branching unit c to the landing a; W = 10 % x L' */
    const double Lc = KM_PER_DEG, Wc = 0.1 * Lc;
    assert_near(cs_cutsite_shore_km(t, ca, 30.0), Lc - 30.0, 1e-6);
    assert_near(cs_cutsite_depth_m(t, ca, Lc - 5.0), 200.0 * 5.0 / Wc, 1e-6);
    assert_near(cs_cutsite_depth_m(t, ca, 5.0), 3682.0, 1e-9);
    /* cd: no landed end */
    assert_true(isinf(cs_cutsite_shore_km(t, cd, 3.0)));
    assert_near(cs_cutsite_depth_m(t, cd, 0.0), 3682.0, 1e-9);
    /* ab2: 120 m deep, no share: 25 km of shore allowance, never deeper than 120 m */
    assert_near(cs_cutsite_depth_m(t, ab2, 12.5), 60.0, 1e-9);
    assert_near(cs_cutsite_depth_m(t, ab2, L / 2.0), 120.0, 1e-9);
    /* ak: 55.6 km of shelf, 25 km at a (JP), 30.6 km at k (KR) */
    const size_t ak = edge(t, "ak");
    double wa, wb;
    cs_cutsite_shelves(t, ak, 0.5, 25.0, &wa, &wb);
    assert_near(wa, 25.0, 1e-9);
    assert_near(wb, 0.5 * Lc - 25.0, 1e-6);
    assert_near(cs_cutsite_depth_m(t, ak, 20.0), 200.0 * 20.0 / 25.0, 1e-9);
    assert_near(cs_cutsite_depth_m(t, ak, Lc - 28.0), 200.0 * 28.0 / (0.5 * Lc - 25.0), 1e-6);
    /* the default place: the midpoint, with its depth */
    cs_lonlat at;
    double depth;
    cs_cutsite_default(t, ab, &at, &depth);
    assert_near(at.lon, 0.9, 1e-9);
    assert_near(depth, 3682.0, 1e-9);
    /* depth never falls below 0 and never exceeds the deep value along any route */
    for (size_t e = 0; e < cs_topology_edge_count(t); e++)
        for (double s = 0.0; s <= L; s += 1.0) {
            const double d = cs_cutsite_depth_m(t, e, s);
            assert_true(d > 0.0 && d <= 3682.0);
        }
    cs_topology_free(t);
}

/* ------------------------------------------------------------ cuts */

static void test_cuts(void **state)
{
    (void)state;
    cs_topology_t *t = fixture();
    const size_t ne = cs_topology_edge_count(t), ab = edge(t, "ab"), ca = edge(t, "ca");
    cs_failures f;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_failures_init(&f, ne, cs_topology_node_count(t), &err), CS_OK);
    assert_int_equal(f.hazard, -1);
    /* a placed cut at t = 5 by hazard 2, then a second cut of the same segment at t = 3 */
    f.now = 5.0;
    f.hazard = 2;
    assert_int_equal(cs_failures_cut_edge(&f, ab, (cs_lonlat){1.5, 0.0}, 150.0, &err), CS_OK);
    f.now = 3.0;
    f.hazard = 4;
    assert_int_equal(cs_failures_cut_edge(&f, ab, (cs_lonlat){0.2, 0.0}, 90.0, &err), CS_OK);
    /* an unplaced failure, and fail_edge on a failed edge adds nothing */
    f.now = 7.0;
    cs_failures_fail_edge(&f, ca);
    cs_failures_fail_edge(&f, ab);
    assert_int_equal(f.n_edges, 2);
    assert_int_equal(f.n_cuts, 3);
    assert_near(f.edge_time[ab], 3.0, 0.0); /* down from its earliest cut */
    assert_near(f.edge_time[ca], 7.0, 0.0);
    assert_int_equal(f.cuts[0].edge, ab);
    assert_int_equal(f.cuts[0].hazard, 2);
    assert_near(f.cuts[0].time_days, 5.0, 0.0);
    assert_near(f.cuts[1].depth_m, 90.0, 0.0);
    assert_int_equal(f.cuts[1].hazard, 4);
    assert_true(isnan(f.cuts[2].at.lon) && isnan(f.cuts[2].depth_m));
    /* located: the unplaced cut goes to ca's midpoint, the placed ones stay */
    cs_failures_locate(&f, t);
    assert_near(f.cuts[2].at.lon, 0.0, 1e-9);
    assert_near(f.cuts[2].at.lat, 0.5, 1e-9);
    assert_near(f.cuts[2].depth_m, cs_cutsite_depth_m(t, ca, KM_PER_DEG / 2.0), 1e-9);
    assert_near(f.cuts[0].at.lon, 1.5, 0.0);

    /* events: stamped with the set's hazard index; kept by copy, emptied by clear */
    f.hazard = 3;
    cs_hazard_event ev = cs_hazard_event_none();
    assert_true(isnan(ev.magnitude) && isnan(ev.a.lon) && isnan(ev.length_km));
    assert_int_equal(ev.target, -1);
    ev.magnitude = 7.25;
    ev.a = (cs_lonlat){0.3, 0.1};
    for (int i = 0; i < 40; i++) { /* past the first allocation */
        ev.cuts = (size_t)i;
        assert_int_equal(cs_failures_add_event(&f, &ev, &err), CS_OK);
    }
    assert_int_equal(f.n_events, 40);
    assert_int_equal(f.events[39].hazard, 3);
    assert_int_equal(f.events[39].cuts, 39);
    assert_near(f.events[0].magnitude, 7.25, 0.0);

    /* copy keeps failures, times, cuts and events */
    cs_failures g;
    assert_int_equal(cs_failures_init(&g, ne, cs_topology_node_count(t), &err), CS_OK);
    assert_int_equal(cs_failures_copy(&g, &f, &err), CS_OK);
    assert_int_equal(g.n_edges, 2);
    assert_int_equal(g.n_cuts, 3);
    assert_true(g.edge_failed[ab] && g.edge_failed[ca]);
    assert_near(g.edge_time[ab], 3.0, 0.0);
    assert_near(g.cuts[1].at.lon, 0.2, 0.0);
    assert_int_equal(g.n_events, 40);
    assert_near(g.events[17].a.lon, 0.3, 0.0);

    /* truncate undoes tentative cuts of edges that were up */
    const size_t me = f.n_edges, mc = f.n_cuts;
    const size_t cd = edge(t, "cd");
    assert_int_equal(cs_failures_cut_edge(&f, cd, (cs_lonlat){0.5, 1.0}, 3000.0, &err), CS_OK);
    assert_true(f.edge_failed[cd]);
    cs_failures_truncate(&f, me, mc);
    assert_false(f.edge_failed[cd]);
    assert_int_equal(f.n_cuts, 3);
    assert_int_equal(f.n_edges, 2);

    /* many cuts of one segment: the list grows; clear keeps the room, so a
     * trial like it allocates nothing more */
    cs_failures_clear(&f);
    assert_int_equal(f.hazard, -1);
    assert_int_equal(f.n_cuts, 0);
    assert_int_equal(f.n_events, 0);
    assert_false(f.edge_failed[ab]);
    for (int i = 0; i < 100; i++)
        assert_int_equal(cs_failures_cut_edge(&f, ab, (cs_lonlat){1.0, 0.0}, 50.0, &err), CS_OK);
    for (size_t e = 0; e < ne; e++)
        cs_failures_fail_edge(&f, e); /* never needs room it does not have */
    assert_int_equal(f.n_cuts, 100 + ne - 1);
    assert_int_equal(f.n_edges, ne);
    const size_t cap = f.cap_cuts;
    assert_true(cap >= ne + 99);
    cs_failures_clear(&f);
    for (int i = 0; i < 100; i++)
        assert_int_equal(cs_failures_cut_edge(&f, ab, (cs_lonlat){1.0, 0.0}, 50.0, &err), CS_OK);
    assert_int_equal(f.cap_cuts, cap);
    /* copying a set with more cuts than dst has room for grows dst */
    assert_int_equal(cs_failures_copy(&g, &f, &err), CS_OK);
    assert_int_equal(g.n_cuts, 100);
    assert_int_equal(g.n_edges, 1);
    cs_failures_destroy(&g);
    cs_failures_destroy(&f);
    cs_topology_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_point_locate),
        cmocka_unit_test(test_depth_profile),
        cmocka_unit_test(test_cuts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
