/*
 * test_topology.c: loading, validating and filtering GeoJSON topologies.
 *
 * tests/data/topo-good.geojson is a hand-made network of 11 nodes (4 cities,
 * 5 landing stations, 2 branching units) and 11 edges (6 segments of 3 cables,
 * 5 links), with a MultiLineString crossing 180 degrees, a segment retired in
 * 2017 and a planned cable and link (rfs 2027). Feature order, node indices
 * and all values below were written down by hand from that file. Each
 * topo-bad-*.geojson holds exactly one kind of problem (topo-bad-three: three).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "cs_test.h"

#include "cablesim/geo.h"
#include "cablesim/topology.h"

#define PI   3.14159265358979323846
#define GOOD CS_TEST_DATA "/topo-good.geojson"
/* `sha256sum tests/data/topo-good.geojson`, taken when the fixture was written. */
#define GOOD_SHA256 "139105de251de3c0d99dca450414a33fa27b95455a9306ab3a896611e5e0ef35"

static cs_topology_t *load_good(int as_of)
{
    cs_topology_options opt = CS_TOPOLOGY_OPTIONS_INIT;
    opt.as_of = as_of;
    cs_error err = CS_ERROR_INIT;
    cs_topology_t *t = NULL;
    const cs_status rc = cs_topology_load(&t, GOOD, &opt, &err);
    if (rc != CS_OK) fail_msg("loading %s (as_of %d): %s", GOOD, as_of, err.msg);
    assert_non_null(t);
    return t;
}

/* ------------------------------------------------------------ the good file */

static void test_good_nodes(void **state)
{
    (void)state;
    cs_topology_t *t = load_good(0);
    assert_int_equal(cs_topology_node_count(t), 11);
    assert_int_equal(cs_topology_edge_count(t), 11);
    assert_int_equal(cs_topology_cable_count(t), 3);
    assert_int_equal(cs_topology_as_of(t), 0);
    assert_string_equal(cs_topology_path(t), GOOD);
    /* Nodes keep file order; node i is feature i + 1 (feature 0 is a link). */
    static const char *const ids[11] = {"city-tokyo", "ls-maruyama",    "ls-chikura", "bu-new",
                                        "city-osaka", "ls-kitaibaraki", "ls-shima",   "bu-pac1",
                                        "ls-hermosa", "city-la",        "city-sendai"};
    static const cs_node_kind kinds[11] = {
        CS_NODE_CITY,    CS_NODE_LANDING, CS_NODE_LANDING, CS_NODE_BRANCHING_UNIT,
        CS_NODE_CITY,    CS_NODE_LANDING, CS_NODE_LANDING, CS_NODE_BRANCHING_UNIT,
        CS_NODE_LANDING, CS_NODE_CITY,    CS_NODE_CITY};
    for (size_t i = 0; i < 11; i++) {
        const cs_node *n = cs_topology_node(t, i);
        assert_string_equal(n->id, ids[i]);
        assert_int_equal(n->kind, kinds[i]);
        assert_int_equal(n->feature, i + 1);
        assert_int_equal(node_index(t, ids[i]), i);
    }
    const cs_node *la = cs_topology_node(t, 9);
    assert_string_equal(la->name, "Los Angeles");
    assert_string_equal(la->country, "US");
    assert_string_equal(la->region, "US West Coast");
    assert_string_equal(la->source, "fixture");
    assert_near(la->pos.lon, -118.2437, 1e-12);
    assert_near(la->pos.lat, 34.0522, 1e-12);
    const cs_node *bu = cs_topology_node(t, 3);
    assert_string_equal(bu->name, "BU North");
    assert_string_equal(bu->country, "XX");
    assert_null(bu->region); /* optional, absent */
    assert_null(bu->source);
    assert_null(cs_topology_node(t, 1)->region);
    assert_string_equal(cs_topology_node(t, 2)->region, "Japan");
    assert_string_equal(cs_node_kind_name(CS_NODE_BRANCHING_UNIT), "branching_unit");
    assert_string_equal(cs_edge_kind_name(CS_EDGE_LINK), "link");
    cs_topology_free(t);
}

/* Names and enums of node and edge kinds round-trip; unknown names are refused. */
static void test_kind_names(void **state)
{
    (void)state;
    for (int k = CS_NODE_LANDING; k <= CS_NODE_CITY; k++) {
        cs_node_kind back = (cs_node_kind)-1;
        assert_true(cs_node_kind_from_name(cs_node_kind_name((cs_node_kind)k), &back));
        assert_int_equal(back, k);
    }
    for (int k = CS_EDGE_SEGMENT; k <= CS_EDGE_LINK; k++) {
        cs_edge_kind back = (cs_edge_kind)-1;
        assert_true(cs_edge_kind_from_name(cs_edge_kind_name((cs_edge_kind)k), &back));
        assert_int_equal(back, k);
    }
    cs_node_kind nk = CS_NODE_CITY;
    cs_edge_kind ek = CS_EDGE_LINK;
    assert_false(cs_node_kind_from_name("landing", &nk));
    assert_false(cs_node_kind_from_name("City", &nk));
    assert_false(cs_node_kind_from_name(NULL, &nk));
    assert_int_equal(nk, CS_NODE_CITY); /* untouched on failure */
    assert_false(cs_edge_kind_from_name("cable", &ek));
    assert_int_equal(ek, CS_EDGE_LINK);
}

/* One rule for "Japanese": a city by its region, any other node by its country. */
static void test_node_is_japan(void **state)
{
    (void)state;
    cs_topology_t *t = load_good(0);
    /* topo-good: Tokyo, Osaka and Sendai are cities of region Japan; LA is not; the JP
     * landing stations are Japanese; the branching units (country XX) and Hermosa are not. */
    static const bool japanese[11] = {true, true,  true,  false, true, true,
                                      true, false, false, false, true};
    for (size_t i = 0; i < 11; i++)
        assert_int_equal(cs_node_is_japan(cs_topology_node(t, i)), japanese[i]);
    cs_topology_free(t);
    /* A city's region decides, not its country. */
    assert_true(cs_node_fields_are_japan(CS_NODE_CITY, "US", "Japan"));
    assert_false(cs_node_fields_are_japan(CS_NODE_CITY, "JP", "Okinawa"));
    assert_false(cs_node_fields_are_japan(CS_NODE_CITY, "JP", NULL));
    assert_false(cs_node_fields_are_japan(CS_NODE_CITY, "JP", ""));
    assert_false(cs_node_fields_are_japan(CS_NODE_CITY, "JP", "japan")); /* exact key */
    /* Other nodes: the country decides, a region (optional for them) does not. */
    assert_true(cs_node_fields_are_japan(CS_NODE_LANDING, "JP", NULL));
    assert_true(cs_node_fields_are_japan(CS_NODE_BRANCHING_UNIT, "JP", ""));
    assert_false(cs_node_fields_are_japan(CS_NODE_LANDING, "US", "Japan"));
    assert_false(cs_node_fields_are_japan(CS_NODE_BRANCHING_UNIT, "XX", NULL));
    assert_false(cs_node_fields_are_japan(CS_NODE_LANDING, NULL, NULL));
}

typedef struct {
    const char *id;
    cs_edge_kind kind;
    size_t from, to, feature;
    double capacity, lit;
    bool cap_est, lit_est;
    int rfs, retired;
    const char *cable, *owners;
} edge_row;

static void test_good_edges(void **state)
{
    (void)state;
    /* Node indices: tokyo 0, maruyama 1, chikura 2, bu-new 3, osaka 4,
     * kitaibaraki 5, shima 6, bu-pac1 7, hermosa 8, la 9, sendai 10. */
    static const edge_row rows[11] = {
        {"link-chikura-tokyo", CS_EDGE_LINK, 2, 0, 0, 19.2, 19.2, false, false, 1999, 0, NULL,
         "NTT East"},
        {"seg-jus-a", CS_EDGE_SEGMENT, 2, 7, 12, 77.6, 23.4, true, false, 2009, 0, "JUS",
         "KDDI; NTT; Verizon"},
        {"seg-jus-b", CS_EDGE_SEGMENT, 7, 8, 13, 77.6, 77.6, false, false, 2009, 0, "JUS", NULL},
        {"seg-jus-c", CS_EDGE_SEGMENT, 6, 7, 14, 61.3, 12.75, false, true, 2009, 0, "JUS", NULL},
        {"seg-old", CS_EDGE_SEGMENT, 1, 6, 15, 0.56, 0.56, false, false, 1997, 2017, "OLDCABLE",
         NULL},
        {"seg-new-a", CS_EDGE_SEGMENT, 5, 3, 16, 350.0, 0.0, false, false, 2027, 0, "NEWCABLE",
         NULL},
        {"seg-new-b", CS_EDGE_SEGMENT, 3, 7, 17, 350.0, 0.0, false, false, 2027, 0, "NEWCABLE",
         NULL},
        {"link-shima-osaka", CS_EDGE_LINK, 6, 4, 18, 12.5, 12.5, false, false, 2001, 0, NULL, NULL},
        {"link-hermosa-la", CS_EDGE_LINK, 8, 9, 19, 40.25, 8.5, false, false, 2005, 0, NULL, NULL},
        {"link-tokyo-osaka", CS_EDGE_LINK, 0, 4, 20, 96.0, 33.3, false, false, 1995, 0, NULL, NULL},
        {"link-kita-sendai", CS_EDGE_LINK, 5, 10, 21, 4.8, 4.8, false, false, 2027, 0, NULL, NULL},
    };
    cs_topology_t *t = load_good(0);
    for (size_t j = 0; j < 11; j++) {
        const cs_edge *e = cs_topology_edge(t, j);
        const edge_row *r = &rows[j];
        assert_string_equal(e->id, r->id);
        assert_int_equal(e->kind, r->kind);
        assert_int_equal(e->from, r->from);
        assert_int_equal(e->to, r->to);
        assert_int_equal(e->feature, r->feature);
        assert_near(e->capacity_tbps, r->capacity, 1e-12);
        assert_near(e->lit_tbps, r->lit, 1e-12);
        assert_int_equal(e->capacity_estimated, r->cap_est);
        assert_int_equal(e->lit_estimated, r->lit_est);
        assert_int_equal(e->rfs, r->rfs);
        assert_int_equal(e->retired, r->retired);
        if (r->cable == NULL) {
            assert_null(e->cable);
            assert_int_equal(e->cable_index, SIZE_MAX);
        } else {
            assert_string_equal(e->cable, r->cable);
            assert_string_equal(cs_topology_cable(t, e->cable_index), r->cable);
        }
        if (r->owners == NULL)
            assert_null(e->owners);
        else
            assert_string_equal(e->owners, r->owners);
        assert_string_equal(e->source, "fixture");
        size_t k = SIZE_MAX;
        assert_true(cs_topology_find_edge(t, r->id, &k));
        assert_int_equal(k, j);
    }
    const cs_edge *a = cs_topology_edge(t, 1);
    assert_string_equal(a->cable_name, "Japan-US Cable Network");
    assert_near(a->depth_m, 5850.5, 1e-12);
    assert_near(a->shallow_share, 0.075, 1e-12);
    const cs_edge *b = cs_topology_edge(t, 2);
    assert_null(b->cable_name);
    assert_true(isnan(b->depth_m));
    assert_true(isnan(b->shallow_share));
    assert_null(b->note);
    assert_string_equal(cs_topology_edge(t, 4)->note, "retired in the fixture");
    /* Cables in order of first appearance. */
    assert_string_equal(cs_topology_cable(t, 0), "JUS");
    assert_string_equal(cs_topology_cable(t, 1), "OLDCABLE");
    assert_string_equal(cs_topology_cable(t, 2), "NEWCABLE");
    cs_topology_free(t);
}

static void test_good_lengths(void **state)
{
    (void)state;
    cs_topology_t *t = load_good(0);
    /* length_km given: used as is, even though the drawn route is longer. */
    const cs_edge *c = cs_topology_edge(t, 3);
    assert_near(c->length_km, 1234.5, 1e-12);
    /* length_km absent: the polyline's great-circle length. */
    const cs_lonlat ct[3] = {{139.9541, 34.95}, {139.8705, 35.3312}, {139.6917, 35.6895}};
    const cs_edge *l = cs_topology_edge(t, 0);
    assert_int_equal(l->nparts, 1);
    assert_int_equal(l->npts, 3);
    assert_near(l->length_km, cs_geo_polyline_length_km(ct, 3), 1e-9);
    /* 0.38 and 0.40 degrees of latitude, roughly: a plausible 85 km. */
    assert_true(l->length_km > 80.0 && l->length_km < 90.0);

    /* The MultiLineString across 180 degrees: two parts, the sum of both. */
    const cs_lonlat p1[3] = {{148.5, 32.75}, {165.25, 34.5}, {180.0, 35.125}};
    const cs_lonlat p2[3] = {{-180.0, 35.125}, {-150.375, 34.625}, {-118.3995, 33.8622}};
    const cs_edge *b = cs_topology_edge(t, 2);
    assert_int_equal(b->nparts, 2);
    assert_int_equal(b->npts, 6);
    assert_int_equal(b->part_off[0], 0);
    assert_int_equal(b->part_off[1], 3);
    assert_int_equal(b->part_off[2], 6);
    for (size_t i = 0; i < 3; i++) {
        assert_near(b->pts[i].lon, p1[i].lon, 0.0);
        assert_near(b->pts[3 + i].lon, p2[i].lon, 0.0);
        assert_near(b->pts[3 + i].lat, p2[i].lat, 0.0);
    }
    const double expect = cs_geo_polyline_length_km(p1, 3) + cs_geo_polyline_length_km(p2, 3);
    assert_near(b->length_km, expect, 1e-9);
    /* Across the Pacific, a little longer than the great circle between its
     * ends (8,308 km); a route wrapping the other way round would be ~30,000 km. */
    const double chord = cs_geo_distance_km(p1[0], p2[2]);
    assert_true(chord > 8300.0 && chord < 8320.0);
    assert_true(b->length_km > chord && b->length_km < chord + 250.0);
    cs_topology_free(t);
}

static void test_good_find_and_sha(void **state)
{
    (void)state;
    cs_topology_t *t = load_good(0);
    size_t i = SIZE_MAX;
    assert_true(cs_topology_find_node(t, "bu-pac1", &i));
    assert_int_equal(i, 7);
    assert_false(cs_topology_find_node(t, "seg-jus-a", &i)); /* an edge, not a node */
    assert_false(cs_topology_find_node(t, "city-kyoto", &i));
    assert_false(cs_topology_find_edge(t, "city-tokyo", &i));
    assert_true(cs_topology_find_cable(t, "NEWCABLE", &i));
    assert_int_equal(i, 2);
    assert_false(cs_topology_find_cable(t, "Japan-US Cable Network", &i)); /* cable_name */
    assert_string_equal(cs_topology_sha256(t), GOOD_SHA256);
    cs_topology_free(t);
}

/* The igraph graph mirrors the edge list: vertex i is node i, edge j is edge j. */
static void check_graph(const cs_topology_t *t)
{
    const igraph_t *g = cs_topology_graph(t);
    assert_false(igraph_is_directed(g));
    assert_int_equal(igraph_vcount(g), cs_topology_node_count(t));
    assert_int_equal(igraph_ecount(g), cs_topology_edge_count(t));
    for (size_t j = 0; j < cs_topology_edge_count(t); j++) {
        igraph_integer_t u = -1, v = -1;
        assert_int_equal(igraph_edge(g, (igraph_integer_t)j, &u, &v), IGRAPH_SUCCESS);
        const cs_edge *e = cs_topology_edge(t, j);
        const size_t lo = e->from < e->to ? e->from : e->to;
        const size_t hi = e->from < e->to ? e->to : e->from;
        assert_int_equal(u < v ? u : v, lo);
        assert_int_equal(u < v ? v : u, hi);
    }
}

static void test_good_graph(void **state)
{
    (void)state;
    cs_topology_t *t = load_good(0);
    check_graph(t);
    igraph_integer_t deg = -1;
    /* bu-pac1 joins seg-jus-a, -b, -c and seg-new-b. */
    assert_int_equal(igraph_degree_1(cs_topology_graph(t), &deg, 7, IGRAPH_ALL, IGRAPH_LOOPS),
                     IGRAPH_SUCCESS);
    assert_int_equal(deg, 4);
    cs_topology_free(t);
}

/* ------------------------------------------------------------- filtering */

static void test_as_of_2020(void **state)
{
    (void)state;
    cs_topology_t *t = load_good(2020);
    assert_int_equal(cs_topology_as_of(t), 2020);
    /* Dropped: seg-old (retired 2017), seg-new-a/-b and link-kita-sendai
     * (2027); then ls-maruyama, bu-new and ls-kitaibaraki have no edge left.
     * city-sendai has none either but is a city, so it stays. */
    assert_int_equal(cs_topology_node_count(t), 8);
    assert_int_equal(cs_topology_edge_count(t), 7);
    assert_int_equal(cs_topology_cable_count(t), 1);
    static const char *const ids[8] = {"city-tokyo", "ls-chikura", "city-osaka", "ls-shima",
                                       "bu-pac1",    "ls-hermosa", "city-la",    "city-sendai"};
    static const size_t feature[8] = {1, 3, 5, 7, 8, 9, 10, 11};
    for (size_t i = 0; i < 8; i++) {
        assert_string_equal(cs_topology_node(t, i)->id, ids[i]);
        assert_int_equal(cs_topology_node(t, i)->feature, feature[i]);
        assert_int_equal(node_index(t, ids[i]), i);
    }
    size_t k;
    assert_false(cs_topology_find_node(t, "ls-maruyama", &k));
    assert_false(cs_topology_find_node(t, "bu-new", &k));
    assert_false(cs_topology_find_edge(t, "seg-old", &k));
    assert_false(cs_topology_find_cable(t, "NEWCABLE", &k));
    static const struct {
        const char *id;
        size_t from, to;
    } edges[7] = {{"link-chikura-tokyo", 1, 0}, {"seg-jus-a", 1, 4},
                  {"seg-jus-b", 4, 5},          {"seg-jus-c", 3, 4},
                  {"link-shima-osaka", 3, 2},   {"link-hermosa-la", 5, 6},
                  {"link-tokyo-osaka", 0, 2}};
    for (size_t j = 0; j < 7; j++) {
        const cs_edge *e = cs_topology_edge(t, j);
        assert_string_equal(e->id, edges[j].id);
        assert_int_equal(e->from, edges[j].from);
        assert_int_equal(e->to, edges[j].to);
        assert_true(cs_topology_find_edge(t, edges[j].id, &k));
        assert_int_equal(k, j);
    }
    assert_int_equal(cs_topology_edge(t, 3)->cable_index, 0);
    check_graph(t);
    igraph_integer_t deg = -1;
    assert_int_equal(igraph_degree_1(cs_topology_graph(t), &deg, 7, IGRAPH_ALL, IGRAPH_LOOPS),
                     IGRAPH_SUCCESS);
    assert_int_equal(deg, 0); /* city-sendai, kept without edges */
    /* The digest is of the file, whatever the filter. */
    assert_string_equal(cs_topology_sha256(t), GOOD_SHA256);
    cs_topology_free(t);
}

/* In service in year Y when rfs <= Y < retired. */
static void test_as_of_boundaries(void **state)
{
    (void)state;
    static const struct {
        int year;
        size_t nodes, edges, cables;
    } rows[] = {
        {2008, 8, 5, 1},  /* JUS (rfs 2009) not yet: bu-pac1 has no edge */
        {2009, 9, 8, 2},  /* JUS in service */
        {2016, 9, 8, 2},  /* seg-old still in service (retired 2017) */
        {2017, 8, 7, 1},  /* seg-old retired: ls-maruyama dropped */
        {2026, 8, 7, 1},  /* nothing planned yet */
        {2027, 10, 10, 2} /* NEWCABLE and link-kita-sendai; ls-maruyama still gone */
    };
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
        cs_topology_t *t = load_good(rows[r].year);
        if (cs_topology_node_count(t) != rows[r].nodes ||
            cs_topology_edge_count(t) != rows[r].edges ||
            cs_topology_cable_count(t) != rows[r].cables)
            fail_msg("as_of %d: %zu nodes, %zu edges, %zu cables; expected %zu, %zu, %zu",
                     rows[r].year, cs_topology_node_count(t), cs_topology_edge_count(t),
                     cs_topology_cable_count(t), rows[r].nodes, rows[r].edges, rows[r].cables);
        check_graph(t);
        cs_topology_free(t);
    }
    /* 2008: the branching units are gone, all four cities are not. */
    cs_topology_t *t = load_good(2008);
    size_t k;
    assert_false(cs_topology_find_node(t, "bu-pac1", &k));
    assert_false(cs_topology_find_node(t, "bu-new", &k));
    assert_true(cs_topology_find_node(t, "ls-maruyama", &k));
    assert_true(cs_topology_find_node(t, "city-sendai", &k));
    cs_topology_free(t);
}

static void test_as_of_out_of_range(void **state)
{
    (void)state;
    cs_topology_options opt = {1849};
    cs_error err = CS_ERROR_INIT;
    cs_topology_t *t = NULL;
    assert_int_equal(cs_topology_load(&t, GOOD, &opt, &err), CS_EINVAL);
    assert_null(t);
    assert_non_null(strstr(err.msg, "as_of year 1849 is out of range (expected 1850..2100)"));
}

static void test_load_string(void **state)
{
    (void)state;
    /* A link may say "cable": null, as null stands for absent everywhere. */
    static const char json[] =
        "{\"type\":\"FeatureCollection\",\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"c1\",\"kind\":\"city\",\"name\":\"A\","
        "\"country\":\"JP\",\"region\":\"Japan\"},\"geometry\":{\"type\":\"Point\","
        "\"coordinates\":[139.5,35.5]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"c2\",\"kind\":\"city\",\"name\":\"B\","
        "\"country\":\"JP\",\"region\":\"Japan\"},\"geometry\":{\"type\":\"Point\","
        "\"coordinates\":[139.5,36.5]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"l1\",\"kind\":\"link\",\"from\":\"c1\","
        "\"to\":\"c2\",\"cable\":null,\"capacity_tbps\":2.5,\"rfs\":2000,\"source\":\"s\"},"
        "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[139.5,35.5],[139.5,36.5]]}}]}";
    cs_error err = CS_ERROR_INIT;
    cs_topology_t *t = NULL;
    assert_int_equal(cs_topology_load_string(&t, json, "inline", NULL, &err), CS_OK);
    assert_string_equal(cs_topology_path(t), "inline");
    assert_int_equal(cs_topology_edge_count(t), 1);
    assert_null(cs_topology_edge(t, 0)->cable);
    assert_int_equal(cs_topology_cable_count(t), 0);
    /* One degree of latitude on the sphere. */
    assert_near(cs_topology_edge(t, 0)->length_km, CS_EARTH_RADIUS_KM * PI / 180.0, 1e-9);
    cs_topology_free(t);
    cs_topology_free(NULL);

    assert_int_equal(cs_topology_load_string(&t, "[1, 2]", "inline", NULL, &err), CS_EINVAL);
    assert_null(t);
    assert_string_equal(
        err.msg, "inline: key \"type\": expected a GeoJSON \"FeatureCollection\", found [1,2]");
}

/* ------------------------------------------------ lit by year and transit */

#define SERIES CS_TEST_DATA "/topo-lit-series.geojson"

static const cs_edge *edge_of(const cs_topology_t *t, const char *id)
{
    size_t j = SIZE_MAX;
    if (!cs_topology_find_edge(t, id, &j)) fail_msg("edge \"%s\" not found", id);
    return cs_topology_edge(t, j);
}

static double lit_as_of(const char *id, int as_of)
{
    cs_topology_options opt = CS_TOPOLOGY_OPTIONS_INIT;
    opt.as_of = as_of;
    cs_error err = CS_ERROR_INIT;
    cs_topology_t *t = NULL;
    if (cs_topology_load(&t, SERIES, &opt, &err) != CS_OK) fail_msg("%s", err.msg);
    const double lit = edge_of(t, id)->lit_tbps;
    cs_topology_free(t);
    return lit;
}

/* seg-a: {"2006": 1.0, "2010": 4.8, "2016": 12.0}, no lit_tbps; seg-b: lit_tbps 7.5 and
 * {"2012": 2.5}, in service 2008-2019. The loaded year's value is a step function. */
static void test_lit_by_year(void **state)
{
    (void)state;
    /* No year asked: lit_tbps when given, else the series' latest value. */
    assert_true(lit_as_of("seg-a", 0) == 12.0);
    assert_true(lit_as_of("seg-b", 0) == 7.5);
    static const struct {
        int year;
        double a, b;
    } cases[] = {{2008, 1.0, 2.5}, {2009, 1.0, 2.5},  {2010, 4.8, 2.5}, {2012, 4.8, 2.5},
                 {2015, 4.8, 2.5}, {2016, 12.0, 2.5}, {2019, 12.0, 2.5}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        if (lit_as_of("seg-a", cases[c].year) != cases[c].a ||
            lit_as_of("seg-b", cases[c].year) != cases[c].b)
            fail_msg("as_of %d: seg-a %g seg-b %g, expected %g %g", cases[c].year,
                     lit_as_of("seg-a", cases[c].year), lit_as_of("seg-b", cases[c].year),
                     cases[c].a, cases[c].b);
    }
    assert_true(lit_as_of("seg-a", 2006) == 1.0);
    assert_true(lit_as_of("seg-a", 2100) == 12.0);
    /* Links without a series keep their capacity as lit. */
    assert_true(lit_as_of("link-chikura-tokyo", 2010) == 100.0);

    cs_topology_t *t = NULL;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_topology_load(&t, SERIES, NULL, &err), CS_OK);
    const cs_edge *a = edge_of(t, "seg-a");
    assert_int_equal(a->nlit_years, 3);
    assert_int_equal(a->lit_years[0], 2006);
    assert_int_equal(a->lit_years[2], 2016);
    assert_true(a->lit_by_year[1] == 4.8);
    assert_true(cs_edge_lit_in_year(a, 2005) == 1.0);
    assert_true(cs_edge_lit_in_year(a, 2011) == 4.8);
    assert_true(cs_edge_lit_in_year(a, 2017) == 12.0);
    assert_int_equal(edge_of(t, "link-chikura-tokyo")->nlit_years, 0);
    assert_true(cs_edge_lit_in_year(edge_of(t, "link-chikura-tokyo"), 2010) == 100.0);
    /* transit: absent and true mean true; false only on the Chinese backbone link. */
    assert_true(edge_of(t, "seg-a")->transit);
    assert_true(edge_of(t, "link-chikura-tokyo")->transit);
    assert_true(edge_of(t, "link-nanhui-shanghai")->transit);
    assert_false(edge_of(t, "link-shanghai-guangzhou")->transit);
    cs_topology_free(t);
    /* The older fixture has neither key: every edge is open to transit, no series. */
    t = load_good(0);
    for (size_t j = 0; j < cs_topology_edge_count(t); j++) {
        assert_true(cs_topology_edge(t, j)->transit);
        assert_int_equal(cs_topology_edge(t, j)->nlit_years, 0);
    }
    cs_topology_free(t);
}

/*
 * One edge between a Japanese and a Chinese landing station, or a link
 * between two cities, with EXTRA spliced into its properties: each case gives
 * exactly one problem with the new keys.
 */
static void test_bad_new_keys(void **state)
{
    (void)state;
    static const char head[] =
        "{\"type\":\"FeatureCollection\",\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"c1\",\"kind\":\"city\",\"name\":\"A\","
        "\"country\":\"JP\",\"region\":\"Japan\"},\"geometry\":{\"type\":\"Point\","
        "\"coordinates\":[139.5,35.5]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"c2\",\"kind\":\"city\",\"name\":\"B\","
        "\"country\":\"%s\",\"region\":\"R\"},\"geometry\":{\"type\":\"Point\","
        "\"coordinates\":[139.5,36.5]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"e1\",\"kind\":\"%s\",\"from\":\"c1\","
        "\"to\":\"c2\",%s\"capacity_tbps\":10,\"rfs\":2005,\"source\":\"s\"%s},"
        "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[139.5,35.5],[139.5,36.5]]}}]}";
    static const struct {
        const char *country, *kind, *extra, *phrase;
    } cases[] = {
        {"JP", "link", ",\"transit\":\"no\"",
         "key \"transit\": expected true or false, found \"no\""},
        {"CN", "link", ",\"transit\":false",
         "key \"transit\": expected true on a link between two countries (JP and CN; false needs "
         "both ends in one country), found false"},
        {"JP", "segment", ",\"cable\":\"X\",\"transit\":false",
         "key \"transit\": expected true or null on a segment (false is for terrestrial links), "
         "found false"},
        {"JP", "link", ",\"trnsit\":false",
         "key \"trnsit\": unknown key (did you mean \"transit\"?)"},
        {"JP", "link", ",\"lit_tbps_by_yaer\":{\"2005\":1}",
         "key \"lit_tbps_by_yaer\": unknown key (did you mean \"lit_tbps_by_year\"?)"},
        {"JP", "link", ",\"lit_tbps_by_year\":[1,2]",
         "key \"lit_tbps_by_year\": expected an object of years and lit Tbps such as {\"2010\": "
         "4.8}, found [1,2]"},
        {"JP", "link", ",\"lit_tbps_by_year\":{}",
         "key \"lit_tbps_by_year\": expected an object of years and lit Tbps such as {\"2010\": "
         "4.8}, found {}"},
        {"JP", "link", ",\"lit_tbps_by_year\":{\"20x6\":1}",
         "key \"lit_tbps_by_year.20x6\": expected a year from rfs (2005) to 2100 as the key, "
         "found \"20x6\""},
        {"JP", "link", ",\"lit_tbps_by_year\":{\"2004\":1}",
         "key \"lit_tbps_by_year.2004\": expected a year from rfs (2005) to 2100 as the key, "
         "found \"2004\""},
        {"JP", "link", ",\"lit_tbps_by_year\":{\"2010\":1,\"2008\":2}",
         "key \"lit_tbps_by_year.2008\": expected a year after 2010 (years in increasing order), "
         "found \"2008\""},
        {"JP", "link", ",\"lit_tbps_by_year\":{\"2010\":10.5}",
         "key \"lit_tbps_by_year.2010\": expected lit Tbps in [0, capacity_tbps (10)], found 10.5"},
        {"JP", "link", ",\"lit_tbps_by_year\":{\"2010\":\"4.8\"}",
         "key \"lit_tbps_by_year.2010\": expected lit Tbps in [0, capacity_tbps (10)], found "
         "\"4.8\""},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char json[2048], expect[512];
        snprintf(json, sizeof json, head, cases[c].country, cases[c].kind, "", cases[c].extra);
        snprintf(expect, sizeof expect, "inline: feature 2 (id \"e1\"): %s", cases[c].phrase);
        cs_error err = CS_ERROR_INIT;
        cs_topology_t *t = NULL;
        const cs_status rc = cs_topology_load_string(&t, json, "inline", NULL, &err);
        if (rc != CS_EINVAL || strcmp(err.msg, expect) != 0 || err.count != 1)
            fail_msg("case %zu: status %d, %zu problems, message\n  %s\nexpected\n  %s", c, (int)rc,
                     err.count, err.msg, expect);
        assert_null(t);
    }
    /* The same file with transit: false between two Japanese cities loads. */
    char json[2048];
    snprintf(json, sizeof json, head, "JP", "link", "", ",\"transit\":false");
    cs_error err = CS_ERROR_INIT;
    cs_topology_t *t = NULL;
    assert_int_equal(cs_topology_load_string(&t, json, "inline", NULL, &err), CS_OK);
    assert_false(cs_topology_edge(t, 0)->transit);
    cs_topology_free(t);
}

/* ------------------------------------------------- the shipped dataset */

#define JAPAN CS_SOURCE_DIR "/topology/japan.geojson"

static cs_topology_t *load_japan(int as_of)
{
    cs_topology_options opt = CS_TOPOLOGY_OPTIONS_INIT;
    opt.as_of = as_of;
    cs_error err = CS_ERROR_INIT;
    cs_topology_t *t = NULL;
    if (cs_topology_load(&t, JAPAN, &opt, &err) != CS_OK) fail_msg("%s", err.msg);
    return t;
}

/* Whether cable runs a segment to node id in t. */
static bool cable_reaches(const cs_topology_t *t, const char *cable, const char *id)
{
    size_t c, v;
    if (!cs_topology_find_cable(t, cable, &c) || !cs_topology_find_node(t, id, &v)) return false;
    for (size_t j = 0; j < cs_topology_edge_count(t); j++) {
        const cs_edge *e = cs_topology_edge(t, j);
        if (e->cable_index == c && (e->from == v || e->to == v)) return true;
    }
    return false;
}

/* Whether cable has a segment between nodes a and b in t. */
static bool cable_joins(const cs_topology_t *t, const char *cable, const char *a, const char *b)
{
    size_t c, va, vb;
    if (!cs_topology_find_cable(t, cable, &c) || !cs_topology_find_node(t, a, &va) ||
        !cs_topology_find_node(t, b, &vb))
        return false;
    for (size_t j = 0; j < cs_topology_edge_count(t); j++) {
        const cs_edge *e = cs_topology_edge(t, j);
        if (e->cable_index == c &&
            ((e->from == va && e->to == vb) || (e->from == vb && e->to == va)))
            return true;
    }
    return false;
}

/* Every segment of cable has design capacity cap and, in the loaded year, lit capacity lit
 * (lit < 0: not checked). */
static void check_cable(const cs_topology_t *t, const char *cable, double cap, double lit)
{
    size_t c, n = 0;
    if (!cs_topology_find_cable(t, cable, &c))
        fail_msg("%s not in service in %d", cable, cs_topology_as_of(t));
    for (size_t j = 0; j < cs_topology_edge_count(t); j++) {
        const cs_edge *e = cs_topology_edge(t, j);
        if (e->cable_index != c) continue;
        n++;
        if (e->capacity_tbps != cap || (lit >= 0 && e->lit_tbps != lit))
            fail_msg("%s in %d: %s capacity %g lit %g, expected %g and %g", cable,
                     cs_topology_as_of(t), e->id, e->capacity_tbps, e->lit_tbps, cap, lit);
    }
    assert_true(n > 0);
}

/*
 * Facts of topology/README.md and issue 10, each from a source cited in the
 * data: published design capacities, lightings, the years of the systems and
 * branches, and the Chinese links closed to transit.
 */
static void test_shipped_data(void **state)
{
    (void)state;
    cs_topology_t *t = load_japan(0);
    check_cable(t, "JUS", 0.64, -1);    /* 4 pairs x 160 Gbit/s (C&MA 1998) */
    check_cable(t, "CHUS", 0.08, 0.08); /* 80 Gbit/s per route */
    check_cable(t, "EAC-C2C", 17.92, -1);
    check_cable(t, "UNITY", 7.68, 6.144); /* 2026: 80 % of design */
    size_t nfalse = 0;
    for (size_t j = 0; j < cs_topology_edge_count(t); j++) {
        const cs_edge *e = cs_topology_edge(t, j);
        const bool cn = strcmp(cs_topology_node(t, e->from)->country, "CN") == 0 &&
                        strcmp(cs_topology_node(t, e->to)->country, "CN") == 0;
        if (e->kind == CS_EDGE_LINK && cn != !e->transit)
            fail_msg("%s: transit %d", e->id, (int)e->transit);
        if (e->kind == CS_EDGE_SEGMENT) assert_true(e->transit);
        nfalse += !e->transit;
    }
    assert_int_equal(nfalse, 7);
    size_t j;
    assert_true(cs_topology_find_edge(t, "link:city-shanghai-city-guangzhou", &j));
    assert_false(cs_topology_edge(t, j)->transit);
    cs_topology_free(t);

    /* Lit capacity of the year: launches and upgrades. */
    t = load_japan(2001);
    check_cable(t, "JUS", 0.64, 0.08); /* 80 Gbit/s equipped at launch */
    cs_topology_free(t);
    t = load_japan(2006);
    check_cable(t, "EAC-C2C", 17.92, 2.25);
    /* EAC-C2C's Batangas-Chikura link was planned in 2007: not in the 2006 network. */
    assert_true(cable_reaches(t, "EAC-C2C", "ph-batangas"));
    assert_false(cable_joins(t, "EAC-C2C", "ph-batangas", "jp-chikura"));
    assert_true(cable_reaches(t, "APCN", "jp-miyazaki"));
    assert_true(cable_reaches(t, "RJK", "jp-joetsu"));
    cs_topology_free(t);
    t = load_japan(2008);
    assert_true(cable_joins(t, "EAC-C2C", "ph-batangas", "jp-chikura"));
    /* TPE's first phase (2008) had no Japanese landing; the Maruyama branch came in 2009. */
    assert_true(cable_reaches(t, "TPE", "us-nedonna-beach"));
    assert_false(cable_reaches(t, "TPE", "jp-maruyama"));
    check_cable(t, "TPE", 5.12, 1.28);
    cs_topology_free(t);
    t = load_japan(2009);
    assert_true(cable_reaches(t, "TPE", "jp-maruyama"));
    cs_topology_free(t);
    t = load_japan(2010);
    check_cable(t, "UNITY", 7.68, 4.8); /* 4.8 Tbps at launch */
    check_cable(t, "EAC-C2C", 17.92, 9.0);
    cs_topology_free(t);
    t = load_japan(2011);
    check_cable(t, "EAC-C2C", 17.92, 12.6);
    /* APCN and R-J-K: retired by 2011 (estimate) */
    assert_false(cs_topology_find_cable(t, "APCN", &j));
    assert_false(cs_topology_find_cable(t, "RJK", &j));
    cs_topology_free(t);

    /* APCN (1996) and R-J-K (1995-02). */
    t = load_japan(1995);
    assert_false(cs_topology_find_cable(t, "APCN", &j));
    assert_true(cable_reaches(t, "RJK", "kr-busan"));
    assert_true(cable_reaches(t, "RJK", "ru-nahodka"));
    check_cable(t, "RJK", 0.00112, -1);
    cs_topology_free(t);
    t = load_japan(2000);
    assert_true(cs_topology_find_cable(t, "APCN", &j));
    check_cable(t, "APCN", 0.005, -1);
    cs_topology_free(t);
}

/* ------------------------------------------------------------- bad files */

typedef struct {
    const char *file;
    cs_status code;
    const char *phrase; /* the message must contain it, after "<path>" */
} bad_case;

static const bad_case bad_cases[] = {
    {"unknown-node", CS_EINVAL,
     ": feature 2 (id \"link-1\"): key \"to\": expected the id of a node (Point feature), found "
     "\"city-kyoto\""},
    {"missing-capacity", CS_EINVAL,
     ": feature 2 (id \"link-1\"): key \"capacity_tbps\": expected a number of Tbps > 0, found "
     "nothing"},
    {"negative-capacity", CS_EINVAL,
     ": feature 2 (id \"link-1\"): key \"capacity_tbps\": expected a number of Tbps > 0, found -5"},
    {"lit-over-capacity", CS_EINVAL,
     ": feature 2 (id \"link-1\"): key \"lit_tbps\": expected lit capacity <= capacity_tbps (10), "
     "found 12.5"},
    {"duplicate-id", CS_EINVAL,
     ": feature 3 (id \"ls-chikura\"): key \"id\": expected a unique id, found \"ls-chikura\" "
     "already used by feature 1"},
    {"self-loop", CS_EINVAL,
     ": feature 2 (id \"link-1\"): key \"to\": expected a node other than \"from\" (self-loop), "
     "found \"ls-chikura\""},
    {"lonlat", CS_EINVAL,
     ": feature 2 (id \"link-1\"): key \"geometry.coordinates[1]\": expected lon in [-180, 180] "
     "and lat in [-90, 90], found [139.8705,95.5]"},
    /* The route ends at 36.0N instead of Tokyo's 35.6895N: 0.3105 degrees. */
    {"far-geometry", CS_EINVAL,
     ": feature 2 (id \"link-1\"): key \"geometry\": expected a route from \"ls-chikura\" to "
     "\"city-tokyo\" with ends within 25 km of them, found ends 0.0 km and 34.5 km away"},
    {"disconnected", CS_EINVAL,
     ": feature 3 (id \"city-osaka\"): city is disconnected: no path to city \"city-tokyo\""},
    /* The missing comma before "country" on line 3: jansson points at the
     * last character of the unexpected token, column 110. */
    {"json", CS_EPARSE, ":3:110: invalid JSON: '}' expected near '\"country\"'"},
    {"geometry-type", CS_EINVAL,
     ": feature 2 (id \"link-1\"): key \"geometry.type\": expected \"LineString\" or "
     "\"MultiLineString\" for an edge, found \"Point\""},
    {"kind", CS_EINVAL,
     ": feature 3 (id \"dc-1\"): key \"kind\": expected \"landing_station\", \"branching_unit\", "
     "\"city\", \"segment\" or \"link\", found \"datacenter\""},
    {"city-region", CS_EINVAL,
     ": feature 0 (id \"city-tokyo\"): key \"region\": expected a string, found nothing"},
    {"retired", CS_EINVAL,
     ": feature 2 (id \"link-1\"): key \"retired\": expected a year after rfs (2001) or null, "
     "found 2001"},
    {"rfs", CS_EINVAL,
     ": feature 2 (id \"link-1\"): key \"rfs\": expected an integer year between 1850 and 2100, "
     "found 2001.5"},
    {"country", CS_EINVAL,
     ": feature 1 (id \"ls-chikura\"): key \"country\": expected an ISO 3166-1 alpha-2 code such "
     "as \"JP\", found \"JPN\""},
    {"xx", CS_EINVAL,
     ": feature 1 (id \"ls-chikura\"): key \"country\": expected a country code (\"XX\" is only "
     "for branching units), found \"XX\""},
    {"link-cable", CS_EINVAL,
     ": feature 2 (id \"link-1\"): key \"cable\": expected no cable on a terrestrial link, found "
     "\"JUS\""},
    {"empty", CS_EPARSE,
     ":1:1: invalid JSON: expected a GeoJSON FeatureCollection, found an empty file"},
    {"features", CS_EINVAL,
     ": key \"features\": expected an array of features, found {\"type\":\"Feature\"}"},
};

static void bad_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/topo-bad-%s.geojson", CS_TEST_DATA, name);
}

static void test_bad_files(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof bad_cases / sizeof bad_cases[0]; c++) {
        const bad_case *b = &bad_cases[c];
        char path[1024], expect[2048];
        bad_path(path, sizeof path, b->file);
        snprintf(expect, sizeof expect, "%s%s", path, b->phrase);
        cs_error err = CS_ERROR_INIT;
        cs_topology_t *t = NULL;
        const cs_status rc = cs_topology_load(&t, path, NULL, &err);
        if (rc != b->code || strcmp(err.msg, expect) != 0)
            fail_msg("%s: status %d, message\n  %s\nexpected status %d, message\n  %s", b->file,
                     (int)rc, err.msg, (int)b->code, expect);
        assert_null(t);
        if (err.count != 1) fail_msg("%s: %zu problems reported, expected 1", b->file, err.count);
        assert_null(strchr(err.msg, '\n'));
    }
}

static void test_missing_file(void **state)
{
    (void)state;
    cs_error err = CS_ERROR_INIT;
    cs_topology_t *t = NULL;
    const char *path = CS_TEST_DATA "/no-such-topology.geojson";
    assert_int_equal(cs_topology_load(&t, path, NULL, &err), CS_EIO);
    assert_null(t);
    assert_int_equal(err.code, CS_EIO);
    char expect[1024];
    snprintf(expect, sizeof expect, "%s: cannot open: No such file or directory", path);
    assert_string_equal(err.msg, expect);
}

typedef struct {
    size_t n;
    char lines[4][512];
} sink_log;

static void collect(void *ctx, const char *msg)
{
    sink_log *log = ctx;
    if (log->n < 4) snprintf(log->lines[log->n], sizeof log->lines[0], "%s", msg);
    log->n++;
}

/* All problems reach the sink in file order; err keeps the first. */
static void test_three_problems(void **state)
{
    (void)state;
    char path[1024];
    bad_path(path, sizeof path, "three");
    sink_log log = {0, {{0}}};
    cs_error err = CS_ERROR_INIT;
    err.sink = collect;
    err.sink_ctx = &log;
    cs_topology_t *t = NULL;
    assert_int_equal(cs_topology_load(&t, path, NULL, &err), CS_EINVAL);
    assert_int_equal(err.count, 3);
    assert_int_equal(log.n, 3);
    assert_string_equal(err.msg, log.lines[0]);
    assert_non_null(strstr(log.lines[0], "feature 0 (id \"city-tokyo\"): key \"region\""));
    assert_non_null(strstr(log.lines[1], "key \"country\": expected an ISO 3166-1 alpha-2 code "
                                         "such as \"JP\", found \"jp\""));
    assert_non_null(strstr(log.lines[2], "key \"capacity_tbps\": expected a number of Tbps > 0, "
                                         "found -5"));
}

/* ------------------------------------------------------------------ CLI */

/* Runs the CLI with args, stderr merged into out; returns its exit status. */
static int run_cli(const char *args, char *out, size_t n)
{
    return cs_test_cli(NULL, args, true, out, n); /* stderr merged */
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_cli_check(void **state)
{
    (void)state;
    char out[8192], expect[2048], path[1024];
    assert_int_equal(run_cli("topology check '" GOOD "'", out, sizeof out), 0);
    assert_string_equal(out, "OK " GOOD ": 11 nodes (5 landing stations, 2 branching units, 4 "
                             "cities), 11 edges (6 segments, 5 links), 3 cable systems\n");
    static const char *const names[] = {"unknown-node", "negative-capacity", "json",
                                        "empty",        "disconnected",      "xx"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const bad_case *b = NULL;
        for (size_t c = 0; c < sizeof bad_cases / sizeof bad_cases[0]; c++)
            if (strcmp(bad_cases[c].file, names[i]) == 0) b = &bad_cases[c];
        assert_non_null(b);
        bad_path(path, sizeof path, b->file);
        char args[1200];
        snprintf(args, sizeof args, "topology check '%s'", path);
        const int st = run_cli(args, out, sizeof out);
        snprintf(expect, sizeof expect, "cablesim: %s%s\n", path, b->phrase);
        if (st != 2 || strcmp(out, expect) != 0)
            fail_msg("%s: exit %d, output\n%sexpected exit 2, output\n%s", b->file, st, out,
                     expect);
    }
    /* Missing file: CS_EIO is an input problem too. */
    assert_int_equal(
        run_cli("topology check '" CS_TEST_DATA "/no-such-topology.geojson'", out, sizeof out), 2);
    assert_string_equal(out, "cablesim: " CS_TEST_DATA
                             "/no-such-topology.geojson: cannot open: No such file or directory\n");
}

static void test_cli_three_problems(void **state)
{
    (void)state;
    char out[8192], path[1024], args[1200], last[1200];
    bad_path(path, sizeof path, "three");
    snprintf(args, sizeof args, "topology check '%s'", path);
    assert_int_equal(run_cli(args, out, sizeof out), 2);
    assert_int_equal(count_lines(out), 4);
    snprintf(last, sizeof last, "cablesim: %s: 3 problems found\n", path);
    const size_t n = strlen(out), m = strlen(last);
    assert_true(n > m);
    assert_string_equal(out + n - m, last);
    assert_non_null(strstr(out, "key \"region\": expected a string, found nothing\n"));
    assert_non_null(strstr(out, "found \"jp\"\n"));
    assert_non_null(strstr(out, "found -5\n"));
}

static void test_cli_usage(void **state)
{
    (void)state;
    char out[4096];
    assert_int_equal(run_cli("topology check a.geojson b.geojson", out, sizeof out), 2);
    assert_string_equal(
        out, "cablesim: topology check: expected at most one FILE argument (see --help)\n");
}

int main(void)
{
    cs_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_nodes),       cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_node_is_japan),    cmocka_unit_test(test_good_edges),
        cmocka_unit_test(test_good_lengths),     cmocka_unit_test(test_good_find_and_sha),
        cmocka_unit_test(test_good_graph),       cmocka_unit_test(test_as_of_2020),
        cmocka_unit_test(test_as_of_boundaries), cmocka_unit_test(test_as_of_out_of_range),
        cmocka_unit_test(test_load_string),      cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_missing_file),     cmocka_unit_test(test_three_problems),
        cmocka_unit_test(test_cli_check),        cmocka_unit_test(test_cli_three_problems),
        cmocka_unit_test(test_cli_usage),        cmocka_unit_test(test_lit_by_year),
        cmocka_unit_test(test_bad_new_keys),     cmocka_unit_test(test_shipped_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
