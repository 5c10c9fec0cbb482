/*
 * cs_routing_test.h: fixtures of the routing tests (test_routing*.c): graphs built from GeoJSON
 * and CSV strings (tnode, tedge), their topology, demand and router (fixture), the routing
 * options of a mode and a failure state routed into a result.
 */
#ifndef CS_ROUTING_TEST_H
#define CS_ROUTING_TEST_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cs_test.h"

#include <igraph.h>

#include "cablesim/demand.h"
#include "cablesim/failures.h"
#include "cablesim/routing.h"
#include "cablesim/topology.h"

#define MS     CS_FIBRE_MS_PER_KM
#define HOP    0.0371 /* a hop cost no default would produce */
#define NONE   SIZE_MAX
#define JAPAN  CS_SOURCE_DIR "/topology/japan.geojson"
#define JDEM   CS_SOURCE_DIR "/topology/japan-demand.csv"
#define RELTOL 1e-9

/* ------------------------------------------------------------ building graphs */

typedef struct {
    const char *id, *kind; /* kind: "city", "landing_station", ... */
    double lon, lat;
    const char *country; /* NULL: "JP" (region "Japan"); else the region is the code */
} tnode;

typedef struct {
    const char *id, *from, *to;
    double km, cap, lit; /* lit < 0: no lit_tbps key */
    int no_transit;      /* 1: "transit": false */
} tedge;

static inline const tnode *find_tnode(const tnode *n, size_t nn, const char *id)
{
    for (size_t i = 0; i < nn; i++)
        if (strcmp(n[i].id, id) == 0) return &n[i];
    fail_msg("fixture names unknown node %s", id);
    return NULL;
}

/* A FeatureCollection: nodes first (node i is n[i]), then links (edge j is e[j]). */
static inline char *geojson(const tnode *n, size_t nn, const tedge *e, size_t ne)
{
    const size_t cap = 256 + 400 * (nn + ne);
    char *s = malloc(cap);
    assert_non_null(s);
    size_t k = (size_t)snprintf(s, cap, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (size_t i = 0; i < nn; i++)
        k += (size_t)snprintf(
            s + k, cap - k,
            "%s{\"type\":\"Feature\",\"properties\":{\"id\":\"%s\",\"kind\":\"%s\","
            "\"name\":\"%s\",\"country\":\"%s\",\"region\":\"%s\"},"
            "\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.6f,%.6f]}}",
            i ? "," : "", n[i].id, n[i].kind, n[i].id, n[i].country ? n[i].country : "JP",
            n[i].country ? n[i].country : "Japan", n[i].lon, n[i].lat);
    for (size_t j = 0; j < ne; j++) {
        const tnode *a = find_tnode(n, nn, e[j].from), *b = find_tnode(n, nn, e[j].to);
        char lit[48] = "";
        if (e[j].lit >= 0) snprintf(lit, sizeof lit, "\"lit_tbps\":%.17g,", e[j].lit);
        k += (size_t)snprintf(
            s + k, cap - k,
            ",{\"type\":\"Feature\",\"properties\":{\"id\":\"%s\",\"kind\":\"link\","
            "\"from\":\"%s\",\"to\":\"%s\",\"capacity_tbps\":%.17g,%s%s"
            "\"length_km\":%.17g,\"rfs\":2000,\"source\":\"test\"},"
            "\"geometry\":{\"type\":\"LineString\",\"coordinates\":"
            "[[%.6f,%.6f],[%.6f,%.6f]]}}",
            e[j].id, e[j].from, e[j].to, e[j].cap, lit, e[j].no_transit ? "\"transit\":false," : "",
            e[j].km, a->lon, a->lat, b->lon, b->lat);
    }
    snprintf(s + k, cap - k, "]}");
    assert_true(k + 3 < cap);
    return s;
}

typedef struct {
    cs_topology_t *t;
    cs_demand_t *d;
} fixture;

static inline fixture make(const tnode *n, size_t nn, const tedge *e, size_t ne, const char *csv)
{
    char *json = geojson(n, nn, e, ne);
    fixture fx = {NULL, NULL};
    cs_error err = CS_ERROR_INIT;
    if (cs_topology_load_string(&fx.t, json, "fixture.geojson", NULL, &err) != CS_OK)
        fail_msg("fixture topology: %s", err.msg);
    free(json);
    if (cs_demand_load_string(&fx.d, csv, "fixture.csv", fx.t, &err) != CS_OK)
        fail_msg("fixture demand: %s", err.msg);
    return fx;
}

static inline void unmake(fixture *fx)
{
    cs_demand_free(fx->d);
    cs_topology_free(fx->t);
}

static inline cs_routing_options options(cs_routing_mode mode, unsigned rounds)
{
    cs_routing_options o = CS_ROUTING_OPTIONS_INIT;
    o.mode = mode;
    o.rounds = rounds;
    o.hop_ms = HOP;
    return o;
}

/* Routes once with a fresh router; res must be destroyed by the caller. */
static inline void route(const fixture *fx, const cs_routing_options *o, const cs_failures *f,
                         cs_routing_result *res)
{
    cs_error err = CS_ERROR_INIT;
    cs_router_t *r = NULL;
    if (cs_router_alloc(&r, fx->t, fx->d, o, &err) != CS_OK) fail_msg("router: %s", err.msg);
    assert_int_equal(
        cs_routing_result_init(res, cs_demand_count(fx->d), cs_topology_edge_count(fx->t), &err),
        CS_OK);
    if (cs_router_route(r, f, res, &err) != CS_OK) fail_msg("route: %s", err.msg);
    cs_router_free(r);
}

#endif /* CS_ROUTING_TEST_H */
