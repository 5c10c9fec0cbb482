/*
 * test_netinfo.c: the topology summary on fixtures small enough to work out
 * by hand, and `cablesim topology info` run as a process.
 *
 * tests/data/netinfo-basic.geojson (as of 2024):
 *
 *   Tokyo --link-- Chikura ==JUS 60 (lit 24)=====================> Morro Bay --link-- Los Angeles
 *     |            Chikura ==PC2 18=========> Grover Beach --link--> Morro Bay
 *     +---link---- Maruyama ==OKI 30==> Okinawa ==OUS 100 (lit 9)=> Morro Bay
 *     |                                 (region "Japan" by its own key, no link)
 *   Osaka --link-- Shima ==SEA1 trunk 40 (lit 8)==> BU ==12 (lit 10)==> Changi --link-- Singapore
 *                                                  BU ==20 (lit 5), rfs 2020==> Piti --link--
 * Hagatna
 *
 * Links carry 200 Tbps, more than any cut. OUS enters service in 2018, the
 * Piti branch in 2020, so as of 2015 Oceania is cut off and the US is reached
 * through Chikura alone.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "cablesim/netinfo.h"
#include "cablesim/topology.h"
#include "cs_test.h"

#define BASIC CS_TEST_DATA "/netinfo-basic.geojson"
#define NOSEP CS_TEST_DATA "/netinfo-nosep.geojson"
#define EPS   1e-9

/* Loads path as of year and computes its summary with opt (NULL: defaults). */
static cs_netinfo_t *compute(cs_topology_t **t, const char *path, int year,
                             const cs_netinfo_options *opt)
{
    cs_error err = CS_ERROR_INIT;
    cs_topology_options topt = CS_TOPOLOGY_OPTIONS_INIT;
    topt.as_of = year;
    if (cs_topology_load(t, path, &topt, &err) != CS_OK) fail_msg("load: %s", err.msg);
    cs_netinfo_t *ni = NULL;
    if (cs_netinfo_compute(&ni, *t, opt, &err) != CS_OK) fail_msg("compute: %s", err.msg);
    return ni;
}

static size_t node(const cs_topology_t *t, const char *id)
{
    size_t i = SIZE_MAX;
    if (!cs_topology_find_node(t, id, &i)) fail_msg("no node %s", id);
    return i;
}

static const char *cable(const cs_topology_t *t, const size_t *idx, size_t i)
{
    return cs_topology_cable(t, idx[i]);
}

static const cs_netinfo_region *region(const cs_netinfo_t *ni, const char *name)
{
    for (size_t i = 0; i < ni->n_regions; i++)
        if (strcmp(ni->regions[i].name, name) == 0) return &ni->regions[i];
    fail_msg("no region %s", name);
    return NULL;
}

static void test_counts(void **state)
{
    (void)state;
    cs_topology_t *t = NULL;
    cs_netinfo_t *ni = compute(&t, BASIC, 2024, NULL);
    assert_int_equal(ni->nodes[CS_NODE_LANDING], 8);
    assert_int_equal(ni->nodes[CS_NODE_BRANCHING_UNIT], 1);
    assert_int_equal(ni->nodes[CS_NODE_CITY], 5);
    assert_int_equal(ni->edges[CS_EDGE_SEGMENT], 7);
    assert_int_equal(ni->edges[CS_EDGE_LINK], 8);
    assert_int_equal(ni->n_cables, 5);
    /* 9100 + 9300 + 1600 + 10800 + 2100 + 4300 + 1900; 95 + 80 + 150 + 400 + 300 + 30 + 20 + 10 */
    assert_near(ni->segment_km, 39100.0, EPS);
    assert_near(ni->link_km, 1085.0, EPS);
    /* Landing stations per country: by count, then code. */
    assert_int_equal(ni->n_countries, 4);
    const char *codes[4] = {"JP", "US", "GU", "SG"};
    const size_t counts[4] = {4, 2, 1, 1};
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(ni->countries[i].country, codes[i]);
        assert_int_equal(ni->countries[i].count, counts[i]);
    }
    cs_netinfo_free(ni);
    cs_topology_free(t);
}

static void test_node_regions(void **state)
{
    (void)state;
    cs_topology_t *t = NULL;
    cs_netinfo_t *ni = compute(&t, BASIC, 2024, NULL);
    assert_string_equal(ni->node_region[node(t, "c-osaka")], "Japan");
    assert_string_equal(ni->node_region[node(t, "ls-chikura")], "Japan"); /* one link */
    assert_string_equal(ni->node_region[node(t, "ls-shima")], "Japan");   /* via Osaka */
    assert_string_equal(ni->node_region[node(t, "ls-okinawa")], "Japan"); /* its own key */
    assert_string_equal(ni->node_region[node(t, "ls-morro")], "US West Coast");
    /* Two links away, through another landing station. */
    assert_string_equal(ni->node_region[node(t, "ls-grover")], "US West Coast");
    assert_string_equal(ni->node_region[node(t, "ls-piti")], "Oceania");
    assert_null(ni->node_region[node(t, "bu-1")]); /* no link at all */
    cs_netinfo_free(ni);
    cs_topology_free(t);

    /* ls-busan has links to Busan (Korea) and Fukuoka (Japan), both one hop
     * away: the link that comes first in the file, to Busan, decides. */
    ni = compute(&t, NOSEP, 2024, NULL);
    assert_string_equal(ni->node_region[node(t, "ls-busan")], "Korea");
    assert_string_equal(ni->node_region[node(t, "ls-kitakyushu")], "Japan");
    cs_netinfo_free(ni);
    cs_topology_free(t);
}

static void test_concentration(void **state)
{
    (void)state;
    cs_topology_t *t = NULL;
    cs_netinfo_t *ni = compute(&t, BASIC, 2024, NULL);
    /* By number of systems, then name; design = sum of each system's largest segment. */
    assert_int_equal(ni->n_stations, 4);
    const char *ids[4] = {"ls-chikura", "ls-okinawa", "ls-maruyama", "ls-shima"};
    const size_t n[4] = {2, 2, 1, 1};
    const double design[4] = {60.0 + 18.0, 30.0 + 100.0, 30.0, 40.0};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(ni->stations[i].node, node(t, ids[i]));
        assert_int_equal(ni->stations[i].n_cables, n[i]);
        assert_near(ni->stations[i].design_tbps, design[i], EPS);
    }
    assert_string_equal(cable(t, ni->stations[0].cables, 0), "JUS");
    assert_string_equal(cable(t, ni->stations[0].cables, 1), "PC2");
    assert_string_equal(cable(t, ni->stations[1].cables, 0), "OKI");
    assert_string_equal(cable(t, ni->stations[1].cables, 1), "OUS");
    assert_string_equal(cable(t, ni->stations[3].cables, 0), "SEA1"); /* 3 segments, 1 system */
    /* JUS, PC2, OKI, OUS, SEA1 land in Japan; Chikura has 2 of 5, with Okinawa 4
     * of 5, and Maruyama's OKI is already counted. */
    assert_int_equal(ni->n_japan_cables, 5);
    assert_near(ni->top_share[0], 0.4, EPS);
    assert_near(ni->top_share[1], 0.8, EPS);
    assert_near(ni->top_share[2], 0.8, EPS);
    cs_netinfo_free(ni);
    cs_topology_free(t);
}

static void test_regions_2024(void **state)
{
    (void)state;
    cs_topology_t *t = NULL;
    cs_netinfo_t *ni = compute(&t, BASIC, 2024, NULL);
    assert_int_equal(ni->n_regions, 3);
    assert_string_equal(ni->regions[0].name, "Oceania");
    assert_string_equal(ni->regions[1].name, "Southeast Asia");
    assert_string_equal(ni->regions[2].name, "US West Coast");

    /* Singapore: the 12 Tbps branch limits the cut, not the 40 Tbps trunk; on
     * lit capacity the trunk (8) is tighter than the branch (10). */
    const cs_netinfo_region *sea = region(ni, "Southeast Asia");
    assert_int_equal(sea->n_cities, 1);
    assert_int_equal(sea->cities[0], node(t, "c-sin"));
    assert_int_equal(sea->n_cables, 1);
    assert_string_equal(cable(t, sea->cables, 0), "SEA1");
    assert_near(sea->design_tbps, 40.0, EPS);
    assert_near(sea->mincut_tbps, 12.0, EPS);
    assert_near(sea->lit_mincut_tbps, 8.0, EPS);
    /* Shima is a single point of failure. */
    assert_int_equal(sea->separation, CS_NETINFO_SEPARABLE);
    assert_int_equal(sea->k, 1);
    assert_int_equal(sea->n_sets, 1);
    assert_int_equal(sea->sets[0], node(t, "ls-shima"));
    assert_false(sea->capped);

    const cs_netinfo_region *oc = region(ni, "Oceania");
    assert_near(oc->design_tbps, 40.0, EPS);
    assert_near(oc->mincut_tbps, 20.0, EPS);
    assert_near(oc->lit_mincut_tbps, 5.0, EPS);
    assert_int_equal(oc->k, 1);
    assert_int_equal(oc->sets[0], node(t, "ls-shima"));

    /* US: JUS, PC2 and OUS (Okinawa is Japan's by its key) = 60 + 18 + 100.
     * Cut: 60 + 18 + min(OKI 30, OUS 100) = 108; lit: 24 + 18 + min(30, 9) = 51. */
    const cs_netinfo_region *us = region(ni, "US West Coast");
    assert_int_equal(us->n_cables, 3);
    assert_string_equal(cable(t, us->cables, 0), "JUS");
    assert_string_equal(cable(t, us->cables, 1), "OUS");
    assert_string_equal(cable(t, us->cables, 2), "PC2");
    assert_near(us->design_tbps, 178.0, EPS);
    assert_near(us->mincut_tbps, 108.0, EPS);
    assert_near(us->lit_mincut_tbps, 51.0, EPS);
    /* Two station-disjoint routes: Chikura, and Maruyama then Okinawa in series.
     * Exactly two minimum sets; one check per choice of Maruyama or Okinawa. */
    assert_int_equal(us->separation, CS_NETINFO_SEPARABLE);
    assert_int_equal(us->k, 2);
    assert_int_equal(us->n_sets, 2);
    assert_int_equal(us->sets[0], node(t, "ls-chikura"));
    assert_int_equal(us->sets[1], node(t, "ls-maruyama"));
    assert_int_equal(us->sets[2], node(t, "ls-chikura"));
    assert_int_equal(us->sets[3], node(t, "ls-okinawa"));
    assert_int_equal(us->checks, 2);
    assert_false(us->capped);
    cs_netinfo_free(ni);
    cs_topology_free(t);
}

static void test_regions_2015(void **state)
{
    (void)state;
    cs_topology_t *t = NULL;
    cs_netinfo_t *ni = compute(&t, BASIC, 2015, NULL);
    assert_int_equal(ni->edges[CS_EDGE_SEGMENT], 5);
    assert_int_equal(ni->n_regions, 3);
    /* Guam's branch is not in service yet: nothing reaches Oceania. */
    const cs_netinfo_region *oc = region(ni, "Oceania");
    assert_int_equal(oc->n_cables, 0);
    assert_near(oc->design_tbps, 0.0, EPS);
    assert_near(oc->mincut_tbps, 0.0, EPS);
    assert_near(oc->lit_mincut_tbps, 0.0, EPS);
    assert_int_equal(oc->separation, CS_NETINFO_DISCONNECTED);
    assert_int_equal(oc->k, 0);
    assert_int_equal(oc->n_sets, 0);
    /* Without OUS, Chikura alone carries the US: 60 + 18, lit 24 + 18. */
    const cs_netinfo_region *us = region(ni, "US West Coast");
    assert_int_equal(us->n_cables, 2);
    assert_near(us->design_tbps, 78.0, EPS);
    assert_near(us->mincut_tbps, 78.0, EPS);
    assert_near(us->lit_mincut_tbps, 42.0, EPS);
    assert_int_equal(us->k, 1);
    assert_int_equal(us->n_sets, 1);
    assert_int_equal(us->sets[0], node(t, "ls-chikura"));
    /* Okinawa now has OKI only: the ties sort by name; 2, 3 and 3 of 4 systems. */
    assert_int_equal(ni->stations[1].node, node(t, "ls-maruyama"));
    assert_int_equal(ni->stations[2].node, node(t, "ls-okinawa"));
    assert_int_equal(ni->n_japan_cables, 4);
    assert_near(ni->top_share[0], 0.5, EPS);
    assert_near(ni->top_share[1], 0.75, EPS);
    assert_near(ni->top_share[2], 0.75, EPS);
    cs_netinfo_free(ni);
    cs_topology_free(t);
}

static void test_not_separable(void **state)
{
    (void)state;
    cs_topology_t *t = NULL;
    cs_netinfo_t *ni = compute(&t, NOSEP, 2024, NULL);
    assert_int_equal(ni->n_regions, 1);
    const cs_netinfo_region *kr = &ni->regions[0];
    assert_string_equal(kr->name, "Korea");
    assert_int_equal(kr->n_cables, 1);
    assert_near(kr->design_tbps, 7.5, EPS);
    /* KJCN plus the 1.25 Tbps link from Fukuoka straight to the Busan station. */
    assert_near(kr->mincut_tbps, 8.75, EPS);
    assert_near(kr->lit_mincut_tbps, 3.75, EPS);
    assert_int_equal(kr->separation, CS_NETINFO_NOT_SEPARABLE);
    assert_int_equal(kr->n_sets, 0);
    assert_string_equal(cs_netinfo_separation_name(kr->separation), "not_separable");
    assert_string_equal(cs_netinfo_separation_name(CS_NETINFO_DISCONNECTED), "disconnected");
    cs_netinfo_free(ni);
    cs_topology_free(t);
}

static void test_capped(void **state)
{
    (void)state;
    cs_topology_t *t = NULL;
    cs_netinfo_options opt = CS_NETINFO_OPTIONS_INIT;
    assert_int_equal(opt.max_checks, 2000000);
    opt.max_checks = 1;
    cs_netinfo_t *ni = compute(&t, BASIC, 2024, &opt);
    const cs_netinfo_region *us = region(ni, "US West Coast");
    assert_int_equal(us->k, 2);
    assert_int_equal(us->checks, 1);
    assert_true(us->capped);
    assert_int_equal(us->n_sets, 1);
    assert_int_equal(us->sets[0], node(t, "ls-chikura"));
    assert_int_equal(us->sets[1], node(t, "ls-maruyama"));
    /* One check is all Singapore needs: complete, not capped. */
    assert_false(region(ni, "Southeast Asia")->capped);
    cs_netinfo_free(ni);
    cs_topology_free(t);
}

static void test_bad_options(void **state)
{
    (void)state;
    cs_error err = CS_ERROR_INIT;
    cs_topology_t *t = NULL;
    assert_int_equal(cs_topology_load(&t, BASIC, NULL, &err), CS_OK);
    cs_netinfo_options opt = {0};
    cs_netinfo_t *ni = (cs_netinfo_t *)&opt; /* must be reset to NULL */
    assert_int_equal(cs_netinfo_compute(&ni, t, &opt, &err), CS_EINVAL);
    assert_null(ni);
    assert_non_null(strstr(err.msg, "netinfo-basic.geojson"));
    assert_non_null(strstr(err.msg, "max_checks: expected a number > 0, found 0"));
    cs_netinfo_free(NULL);
    cs_topology_free(t);
}

/* ----------------------------------------------------------------- CLI */

static void test_cli_json(void **state)
{
    (void)state;
    static char out[1 << 16];
    assert_int_equal(
        cs_test_cli(NULL, "topology info '" BASIC "' --json --as-of 2024", false, out, sizeof out),
        0);
    json_error_t jerr;
    json_t *root = json_loads(out, 0, &jerr);
    if (root == NULL) fail_msg("bad JSON at %d:%d: %s", jerr.line, jerr.column, jerr.text);
    assert_string_equal(json_string_value(json_object_get(root, "format")),
                        "cablesim-topology-info");
    assert_int_equal(json_integer_value(json_object_get(root, "format_version")), 1);
    assert_int_equal(json_integer_value(json_object_get(root, "as_of")), 2024);
    assert_int_equal(json_string_length(json_object_get(root, "sha256")), 64);
    const json_t *counts = json_object_get(root, "counts");
    assert_int_equal(json_integer_value(json_object_get(counts, "nodes")), 14);
    assert_int_equal(json_integer_value(json_object_get(counts, "cable_systems")), 5);
    const json_t *st = json_array_get(json_object_get(root, "japan_landing_stations"), 1);
    assert_string_equal(json_string_value(json_object_get(st, "id")), "ls-okinawa");
    assert_near(json_number_value(json_object_get(st, "design_tbps")), 130.0, EPS);
    const json_t *share =
        json_object_get(json_object_get(root, "japan_concentration"), "top_station_share");
    assert_near(json_number_value(json_array_get(share, 1)), 0.8, EPS);
    const json_t *us = json_array_get(json_object_get(root, "regions"), 2);
    assert_string_equal(json_string_value(json_object_get(us, "region")), "US West Coast");
    assert_near(json_number_value(json_object_get(us, "mincut_tbps")), 108.0, EPS);
    assert_near(json_number_value(json_object_get(us, "lit_mincut_tbps")), 51.0, EPS);
    assert_int_equal(json_integer_value(json_object_get(us, "k")), 2);
    const json_t *set1 = json_array_get(json_object_get(us, "sets"), 1);
    assert_string_equal(json_string_value(json_array_get(set1, 0)), "ls-chikura");
    assert_string_equal(json_string_value(json_array_get(set1, 1)), "ls-okinawa");
    assert_true(json_is_true(json_object_get(us, "sets_complete")));
    const json_t *oc = json_array_get(json_object_get(root, "regions"), 0);
    assert_string_equal(json_string_value(json_object_get(oc, "separation")), "separable");
    json_decref(root);

    /* Not separable: k is null. */
    assert_int_equal(cs_test_cli(NULL, "topology info --json '" NOSEP "'", false, out, sizeof out),
                     0);
    root = json_loads(out, 0, &jerr);
    assert_non_null(root);
    const json_t *kr = json_array_get(json_object_get(root, "regions"), 0);
    assert_true(json_is_null(json_object_get(kr, "k")));
    assert_string_equal(json_string_value(json_object_get(kr, "separation")), "not_separable");
    /* --as-of defaults to the current year. */
    const time_t now = time(NULL);
    struct tm tm;
    assert_non_null(gmtime_r(&now, &tm));
    assert_int_equal(json_integer_value(json_object_get(root, "as_of")), tm.tm_year + 1900);
    json_decref(root);
}

static void test_cli_text(void **state)
{
    (void)state;
    static char out[1 << 16];
    assert_int_equal(
        cs_test_cli(NULL, "topology info '" BASIC "' --as-of=2015", false, out, sizeof out), 0);
    assert_non_null(strstr(out, "netinfo-basic.geojson (as of 2015, sha256 "));
    assert_non_null(strstr(out, "(8 landing stations, 1 branching unit, 5 cities)"));
    assert_non_null(strstr(out, "Oceania               0          0.0           0.0"));
    assert_non_null(strstr(out, "(already disconnected)"));
    assert_int_equal(
        cs_test_cli(NULL, "topology info '" BASIC "' --as-of 2024", false, out, sizeof out), 0);
    assert_non_null(strstr(out, "  Chikura         2         78.0  JUS, PC2\n"));
    assert_non_null(strstr(out, "have 40.0%, 80.0% and 80.0% of them"));
    assert_non_null(strstr(out,
                           "  US West Coast         3        178.0         108.0              51.0"
                           "   2  Chikura + Maruyama; Chikura + Okinawa\n"));
    assert_int_equal(cs_test_cli(NULL, "topology info '" NOSEP "'", false, out, sizeof out), 0);
    assert_non_null(strstr(out, "-  not separable by Japanese landing stations"));
}

static void test_cli_errors(void **state)
{
    (void)state;
    static char out[4096];
    assert_int_equal(
        cs_test_cli(NULL, "topology info '" BASIC "' --as-of 1700", true, out, sizeof out), 2);
    assert_string_equal(out, "cablesim: topology info: --as-of: expected a year between 1850 and "
                             "2100, found \"1700\"\n");
    assert_int_equal(cs_test_cli(NULL, "topology info '" BASIC "' --bogus", true, out, sizeof out),
                     2);
    assert_string_equal(
        out, "cablesim: topology info: unknown option \"--bogus\" (see 'cablesim topology info "
             "--help')\n");
    assert_int_equal(cs_test_cli(NULL, "topology info '" BASIC "' --as-of", true, out, sizeof out),
                     2);
    assert_non_null(strstr(out, "--as-of: expected a YEAR, found nothing"));
    assert_int_equal(cs_test_cli(NULL, "topology info a.geojson b.geojson", true, out, sizeof out),
                     2);
    assert_non_null(strstr(out, "expected at most one FILE, found \"b.geojson\""));
    assert_int_equal(cs_test_cli(NULL, "topology info '" CS_TEST_DATA "/no-such.geojson'", true,
                                 out, sizeof out),
                     2);
    assert_non_null(strstr(out, "no-such.geojson: cannot open"));
    /* An invalid topology: the loader's message, on one line, status 2. */
    assert_int_equal(cs_test_cli(NULL, "topology info '" CS_TEST_DATA "/netinfo-bad.geojson'", true,
                                 out, sizeof out),
                     2);
    assert_non_null(
        strstr(out, "netinfo-bad.geojson: feature 0 (id \"c-nowhere\"): key \"region\""));
    assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
}

int main(void)
{
    cs_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),        cmocka_unit_test(test_node_regions),
        cmocka_unit_test(test_concentration), cmocka_unit_test(test_regions_2024),
        cmocka_unit_test(test_regions_2015),  cmocka_unit_test(test_not_separable),
        cmocka_unit_test(test_capped),        cmocka_unit_test(test_bad_options),
        cmocka_unit_test(test_cli_json),      cmocka_unit_test(test_cli_text),
        cmocka_unit_test(test_cli_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
