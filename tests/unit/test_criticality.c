/*
 * test_criticality.c: N-1 and N-2 contingencies against hand-computed answers on small
 * fixtures, the N-2 shortcut against routing every contingency, and `cablesim criticality` and
 * `cablesim evolution` as a user meets them (outputs, exit statuses, messages).
 *
 * engine-topo.geojson as of 2015 (OLD-1 retired in 2012), lit capacities: Tokyo and Osaka reach
 * Los Angeles over PAC-1 (8 Tbps, Boso A - Morro Bay) and PAC-2 (10, Shima B - Hermosa), Hong
 * Kong over ASIA-1 (4, Boso A) and ASIA-2 (5, Shima B); Osaka's only link goes to Shima B. The
 * demand is 7.5 + 4.25 = 11.75 Tbps to Los Angeles, 3.5 + 1.75 = 5.25 to Hong Kong, 0.5
 * Tokyo - Osaka.
 */
#include <glob.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "cablesim/analysis.h"
#include "cablesim/criticality.h"
#include "cablesim/engine.h"
#include "cablesim/failures.h"
#include "cs_test.h"

#define ENGINE_TOPO   CS_TEST_DATA "/engine-topo.geojson"
#define ENGINE_DEMAND CS_TEST_DATA "/engine-demand.csv"
#define DARK_TOPO     CS_TEST_DATA "/crit-dark.geojson"
#define DARK_DEMAND   CS_TEST_DATA "/crit-dark-demand.csv"
#define JAPAN_TOPO    CS_SOURCE_DIR "/topology/japan.geojson"
#define JAPAN_DEMAND  CS_SOURCE_DIR "/topology/japan-demand.csv"

/* ------------------------------------------------------------ helpers */

typedef struct {
    cs_topology_t *t;
    cs_demand_t *d;
} network;

static network load(const char *topo, const char *demand, int as_of)
{
    network n = {NULL, NULL};
    cs_error err = CS_ERROR_INIT;
    cs_topology_options o = CS_TOPOLOGY_OPTIONS_INIT;
    o.as_of = as_of;
    if (cs_topology_load(&n.t, topo, &o, &err) != CS_OK) fail_msg("topology: %s", err.msg);
    if (cs_demand_load(&n.d, demand, n.t, &err) != CS_OK) fail_msg("demand: %s", err.msg);
    return n;
}

static void unload(network *n)
{
    cs_demand_free(n->d);
    cs_topology_free(n->t);
}

static cs_criticality_options options(cs_criticality_unit unit, unsigned k, bool lit)
{
    cs_criticality_options o = CS_CRITICALITY_OPTIONS_INIT;
    o.unit = unit;
    o.k = k;
    o.routing.use_lit = lit;
    return o;
}

static cs_criticality_t *compute(const network *n, const cs_criticality_options *o)
{
    cs_error err = CS_ERROR_INIT;
    cs_criticality_t *c = NULL;
    if (cs_criticality_compute(&c, n->t, n->d, o, &err) != CS_OK)
        fail_msg("criticality: %s", err.msg);
    return c;
}

static size_t element(const cs_criticality_t *c, const char *id)
{
    for (size_t x = 0; x < c->n_elements; x++)
        if (strcmp(c->elements[x].id, id) == 0) return x;
    fail_msg("no element %s", id);
    return 0;
}

static size_t region(const cs_criticality_t *c, const char *name)
{
    for (size_t g = 0; g < c->n_regions; g++)
        if (strcmp(c->regions[g].name, name) == 0) return g;
    fail_msg("no region %s", name);
    return 0;
}

/* The outcome index of the pair of elements a and b (either order). */
static size_t pair(const cs_criticality_t *c, size_t a, size_t b)
{
    if (a > b) {
        const size_t s = a;
        a = b;
        b = s;
    }
    return c->n_elements + a * (2 * c->n_elements - a - 1) / 2 + (b - a - 1);
}

static const cs_criticality_outcome *single(const cs_criticality_t *c, const char *id)
{
    return &c->outcomes[element(c, id)];
}

static const cs_criticality_outcome *both(const cs_criticality_t *c, const char *a, const char *b)
{
    return &c->outcomes[pair(c, element(c, a), element(c, b))];
}

static bool cuts(const cs_criticality_t *c, const cs_criticality_outcome *o, const char *name)
{
    return c->region_cut[(size_t)(o - c->outcomes) * c->n_regions + region(c, name)] != 0;
}

/* ------------------------------------------------------------ hand-computed answers */

static void test_cables_2015(void **state)
{
    (void)state;
    network n = load(ENGINE_TOPO, ENGINE_DEMAND, 2015);
    const cs_criticality_options o = options(CS_CRITICALITY_CABLE, 2, true);
    cs_criticality_t *c = compute(&n, &o);
    assert_int_equal(c->n_elements, 4); /* OLD-1 is retired */
    assert_int_equal(c->n_doubles, 6);
    assert_int_equal(c->n_outcomes, 10);
    assert_int_equal(c->n_regions, 2);
    assert_int_equal(c->n_city_regions, 4);
    assert_near(c->demand_tbps, 17.5, 1e-12);
    assert_near(c->intact_unserved_tbps, 0.0, 1e-9);
    /* One cable down: the other one's lit capacity carries what it can. */
    assert_near(single(c, "PAC-1")->unserved_tbps, 11.75 - 10.0, 1e-9);
    assert_near(single(c, "PAC-2")->unserved_tbps, 11.75 - 8.0, 1e-9);
    assert_near(single(c, "ASIA-1")->unserved_tbps, 5.25 - 5.0, 1e-9);
    assert_near(single(c, "ASIA-2")->unserved_tbps, 5.25 - 4.0, 1e-9);
    const char *ranked[] = {"PAC-2", "PAC-1", "ASIA-2", "ASIA-1"};
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(c->elements[c->single_rank[i]].id, ranked[i]);
    for (size_t x = 0; x < 4; x++) {
        assert_int_equal(c->outcomes[x].n_regions_cut, 0);
        assert_int_equal(c->outcomes[x].n_pairs_cut, 0);
        assert_int_equal(c->outcomes[x].n_regions_short, 1);
        assert_true(c->elements[x].carries_flow);
    }
    /* Both trans-Pacific cables: exactly Los Angeles's demand is lost and it is cut off. */
    const cs_criticality_outcome *pac = both(c, "PAC-1", "PAC-2");
    assert_near(pac->unserved_tbps, 11.75, 1e-9);
    assert_near(pac->excess_tbps, 11.75 - 3.75, 1e-9);
    assert_int_equal(pac->n_pairs_cut, 2); /* Tokyo and Osaka to US West Coast */
    assert_int_equal(pac->n_regions_cut, 1);
    assert_true(cuts(c, pac, "US West Coast"));
    assert_false(cuts(c, pac, "Hong Kong"));
    const size_t us = region(c, "US West Coast"), hk = region(c, "Hong Kong");
    assert_near(c->region_unserved[(size_t)(pac - c->outcomes) * 2 + us], 11.75, 1e-9);
    assert_near(c->region_unserved[(size_t)(pac - c->outcomes) * 2 + hk], 0.0, 1e-9);
    assert_near(both(c, "ASIA-1", "ASIA-2")->unserved_tbps, 5.25, 1e-9);
    assert_near(both(c, "PAC-2", "ASIA-2")->unserved_tbps, 3.75 + 1.25, 1e-9);
    assert_near(both(c, "PAC-1", "ASIA-1")->unserved_tbps, 1.75 + 0.25, 1e-9);
    assert_near(both(c, "PAC-2", "ASIA-1")->excess_tbps, 0.25, 1e-9);
    assert_int_equal(c->double_rank[0], pair(c, element(c, "PAC-1"), element(c, "PAC-2")));
    /* Neither alone cuts a region off: no single point of failure; both pairs are critical. */
    assert_int_equal(c->regions[us].n_cut_by, 0);
    assert_int_equal(c->regions[us].n_short_by, 2);
    assert_string_equal(c->elements[c->regions[us].short_by[0]].id, "PAC-2");
    assert_string_equal(c->elements[c->regions[us].short_by[1]].id, "PAC-1");
    assert_near(c->regions[us].demand_tbps, 11.75, 1e-12);
    assert_int_equal(c->n_critical, 2);
    assert_int_equal(c->regions[us].n_critical, 1);
    assert_int_equal(c->regions[us].critical[0], (size_t)(pac - c->outcomes));
    assert_int_equal(c->regions[hk].n_critical, 1);
    cs_criticality_free(c);
    unload(&n);
}

/* On design capacity (PAC-1 10, PAC-2 12, ASIA-1 5, ASIA-2 6) one cable nearly suffices. */
static void test_design_capacity(void **state)
{
    (void)state;
    network n = load(ENGINE_TOPO, ENGINE_DEMAND, 2015);
    const cs_criticality_options o = options(CS_CRITICALITY_SEGMENT, 2, false);
    cs_criticality_t *c = compute(&n, &o);
    assert_int_equal(c->n_elements, 4);
    assert_near(single(c, "pac-1:1")->unserved_tbps, 0.0, 1e-9);
    assert_near(single(c, "pac-2:1")->unserved_tbps, 11.75 - 10.0, 1e-9);
    assert_near(single(c, "asia-1:1")->unserved_tbps, 0.0, 1e-9);
    assert_near(single(c, "asia-2:1")->unserved_tbps, 5.25 - 5.0, 1e-9);
    assert_near(both(c, "pac-1:1", "pac-2:1")->unserved_tbps, 11.75, 1e-9);
    assert_near(both(c, "pac-1:1", "asia-2:1")->unserved_tbps, 0.25, 1e-9);
    assert_string_equal(c->elements[c->single_rank[0]].id, "pac-2:1");
    cs_criticality_free(c);
    unload(&n);
}

/*
 * Landing stations as of 2015. Losing Shima B strands Osaka (its only link): 4.25 + 1.75 + 0.5
 * unserved and two city-region pairs cut, no region. Losing Tseung Kwan O cuts Hong Kong off.
 */
static void test_stations_2015(void **state)
{
    (void)state;
    network n = load(ENGINE_TOPO, ENGINE_DEMAND, 2015);
    const cs_criticality_options o = options(CS_CRITICALITY_STATION, 2, true);
    cs_criticality_t *c = compute(&n, &o);
    assert_int_equal(c->n_elements, 5);
    assert_near(single(c, "jp-b")->unserved_tbps, 6.5, 1e-9);
    assert_int_equal(single(c, "jp-b")->n_pairs_cut, 2);
    assert_int_equal(single(c, "jp-b")->n_regions_cut, 0);
    assert_near(single(c, "hk-h")->unserved_tbps, 5.25, 1e-9);
    assert_near(single(c, "us-l2")->unserved_tbps, 3.75, 1e-9);
    assert_near(single(c, "jp-a")->unserved_tbps, 1.75 + 0.25, 1e-9);
    assert_near(single(c, "us-l1")->unserved_tbps, 1.75, 1e-9);
    const char *ranked[] = {"jp-b", "hk-h", "us-l2", "jp-a", "us-l1"};
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(c->elements[c->single_rank[i]].id, ranked[i]);
    const cs_criticality_region *hk = &c->regions[region(c, "Hong Kong")];
    const cs_criticality_region *us = &c->regions[region(c, "US West Coast")];
    assert_int_equal(hk->n_cut_by, 1);
    assert_string_equal(c->elements[hk->cut_by[0]].id, "hk-h");
    assert_int_equal(us->n_cut_by, 0);
    /* Both Japanese stations: everything is cut, Tokyo - Osaka included. */
    assert_near(both(c, "jp-a", "jp-b")->unserved_tbps, 17.5, 1e-9);
    assert_near(both(c, "jp-a", "us-l2")->unserved_tbps, 11.75 + 0.25, 1e-9);
    assert_near(both(c, "jp-b", "us-l1")->unserved_tbps, 6.5 + 7.5, 1e-9);
    assert_near(both(c, "us-l1", "us-l2")->unserved_tbps, 11.75, 1e-9);
    assert_string_equal(c->elements[c->outcomes[c->double_rank[0]].a].id, "jp-a");
    assert_string_equal(c->elements[c->outcomes[c->double_rank[0]].b].id, "jp-b");
    /* US West Coast: four critical pairs; Hong Kong: only both Japanese stations (Tseung
     * Kwan O alone already cuts it off, so its pairs are not critical). */
    assert_int_equal(us->n_critical, 4);
    const size_t want[4][2] = {{0, 1}, {1, 2}, {0, 3}, {2, 3}};
    for (size_t i = 0; i < 4; i++) {
        bool found = false;
        for (size_t j = 0; j < us->n_critical; j++)
            found = found || us->critical[j] == pair(c, want[i][0], want[i][1]);
        assert_true(found);
    }
    assert_int_equal(hk->n_critical, 1);
    assert_int_equal(hk->critical[0], pair(c, element(c, "jp-a"), element(c, "jp-b")));
    assert_int_equal(c->n_critical, 4);
    cs_criticality_free(c);
    unload(&n);
}

/* As of 2011 OLD-1 (2 Tbps lit, Boso A - Hermosa) is in service: PAC-1 and PAC-2 together no
 * longer cut Los Angeles off, and their pair is not critical. */
static void test_old_cable_2011(void **state)
{
    (void)state;
    network n = load(ENGINE_TOPO, ENGINE_DEMAND, 2011);
    const cs_criticality_options o = options(CS_CRITICALITY_CABLE, 2, true);
    cs_criticality_t *c = compute(&n, &o);
    assert_int_equal(c->n_elements, 5);
    const cs_criticality_outcome *pac = both(c, "PAC-1", "PAC-2");
    assert_near(pac->unserved_tbps, 11.75 - 2.0, 1e-9);
    assert_int_equal(pac->n_regions_cut, 0);
    assert_near(single(c, "PAC-1")->unserved_tbps, 0.0, 1e-9); /* 10 + 2 >= 11.75 */
    assert_near(single(c, "PAC-2")->unserved_tbps, 11.75 - 10.0, 1e-9);
    assert_near(single(c, "OLD-1")->unserved_tbps, 0.0, 1e-9);
    assert_int_equal(c->n_critical, 1);
    assert_int_equal(c->critical[0], pair(c, element(c, "ASIA-1"), element(c, "ASIA-2")));
    cs_criticality_free(c);
    unload(&n);
}

/*
 * crit-dark: Dark Island is joined to Japan only by an unlit cable (lit 0 of 4 Tbps), so its
 * 1 Tbps is connected but unserved. Losing that cable changes no routing (it carries nothing,
 * and is not routed) yet cuts the island off: connectivity is not taken from the shortcut.
 * Lit Land has LIT-1 (2 Tbps lit) and LIT-2 (1.5) for 3 Tbps.
 */
static void test_unlit_cable(void **state)
{
    (void)state;
    network n = load(DARK_TOPO, DARK_DEMAND, 2020);
    cs_criticality_options o = options(CS_CRITICALITY_SEGMENT, 2, true);
    cs_criticality_t *c = compute(&n, &o);
    assert_near(c->intact_unserved_tbps, 1.0, 1e-12);
    const size_t dark = region(c, "Dark Island"), lit = region(c, "Lit Land");
    assert_false(c->regions[dark].intact_cut);
    assert_near(c->regions[dark].intact_unserved_tbps, 1.0, 1e-12);
    const cs_criticality_outcome *d = single(c, "dark-1:1");
    assert_false(c->elements[element(c, "dark-1:1")].carries_flow);
    assert_false(d->routed);
    assert_near(d->loss_tbps, 0.0, 0.0);
    assert_int_equal(d->n_regions_cut, 1);
    assert_int_equal(d->n_regions_short, 0);
    assert_int_equal(c->regions[dark].n_cut_by, 1);
    assert_string_equal(c->elements[c->regions[dark].cut_by[0]].id, "dark-1:1");
    assert_int_equal(c->regions[dark].n_short_by, 0);
    assert_near(single(c, "lit-1:1")->unserved_tbps, 1.0 + 3.0 - 1.5, 1e-9);
    assert_near(single(c, "lit-2:1")->unserved_tbps, 1.0 + 3.0 - 2.0, 1e-9);
    const cs_criticality_outcome *ll = both(c, "lit-1:1", "lit-2:1");
    assert_near(ll->unserved_tbps, 4.0, 1e-9);
    assert_near(ll->excess_tbps, 3.0 - 1.5, 1e-9);
    assert_int_equal(c->regions[lit].n_critical, 1);
    assert_int_equal(c->regions[dark].n_critical, 0); /* dark-1:1 alone cuts it */
    assert_int_equal(c->routed_doubles, 1);           /* only lit-1 with lit-2 */
    cs_criticality_free(c);
    /* On design capacity the cable carries the island's traffic and is routed. */
    o.routing.use_lit = false;
    c = compute(&n, &o);
    assert_near(c->intact_unserved_tbps, 0.0, 1e-9);
    assert_true(c->elements[element(c, "dark-1:1")].carries_flow);
    assert_near(single(c, "dark-1:1")->unserved_tbps, 1.0, 1e-9);
    cs_criticality_free(c);
    unload(&n);
}

/* ------------------------------------------------------------ the shortcut is exact */

/* Every row of a and b is the same, bit for bit. */
static void assert_same(const cs_criticality_t *a, const cs_criticality_t *b)
{
    assert_int_equal(a->n_outcomes, b->n_outcomes);
    assert_int_equal(a->n_regions, b->n_regions);
    assert_int_equal(a->n_city_regions, b->n_city_regions);
    for (size_t k = 0; k < a->n_outcomes; k++) {
        const cs_criticality_outcome *x = &a->outcomes[k], *y = &b->outcomes[k];
        assert_int_equal(x->a, y->a);
        assert_int_equal(x->b, y->b);
        assert_memory_equal(&x->unserved_tbps, &y->unserved_tbps, sizeof(double));
        assert_memory_equal(&x->excess_tbps, &y->excess_tbps, sizeof(double));
        assert_int_equal(x->n_pairs_cut, y->n_pairs_cut);
        assert_int_equal(x->n_regions_cut, y->n_regions_cut);
        assert_int_equal(x->n_regions_short, y->n_regions_short);
    }
    assert_memory_equal(a->region_unserved, b->region_unserved,
                        a->n_outcomes * a->n_regions * sizeof(double));
    assert_memory_equal(a->region_cut, b->region_cut, a->n_outcomes * a->n_regions);
    assert_memory_equal(a->pair_cut, b->pair_cut, a->n_outcomes * a->n_city_regions);
    assert_memory_equal(a->single_rank, b->single_rank, a->n_elements * sizeof(size_t));
    assert_memory_equal(a->double_rank, b->double_rank, a->n_doubles * sizeof(size_t));
    assert_int_equal(a->n_critical, b->n_critical);
}

/*
 * Routes every stride-th outcome of c directly (a router of its own, the elements' edges or
 * station failed) and compares the total unserved (bitwise), the per-region sums and which
 * city-region pairs have a path (the router's `connected`).
 */
static void check_against_router(const network *n, const cs_criticality_t *c,
                                 const cs_criticality_options *o, size_t stride)
{
    cs_error err = CS_ERROR_INIT;
    cs_router_t *r = NULL;
    assert_int_equal(cs_router_alloc(&r, n->t, n->d, &o->routing, &err), CS_OK);
    const size_t ne = cs_topology_edge_count(n->t), nd = cs_demand_count(n->d);
    cs_failures f;
    cs_routing_result res;
    assert_int_equal(cs_failures_init(&f, ne, cs_topology_node_count(n->t), &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&res, nd, ne, &err), CS_OK);
    /* Each demand's city-region pair and region, matched by city and region name. */
    size_t *cr = calloc(nd + 1, sizeof *cr);
    assert_non_null(cr);
    for (size_t i = 0; i < nd; i++) {
        const cs_demand_entry *de = cs_demand_entry_at(n->d, i);
        cr[i] = SIZE_MAX;
        for (size_t p = 0; p < c->n_city_regions; p++) {
            const size_t city = c->city_region_city[p];
            const size_t other = city == de->origin ? de->destination : de->origin;
            const char *reg = cs_topology_node(n->t, other)->region;
            if ((city == de->origin || city == de->destination) && reg != NULL &&
                strcmp(reg, c->regions[c->city_region_region[p]].name) == 0)
                cr[i] = p;
        }
    }
    double *sums = calloc(c->n_regions + 1, sizeof *sums);
    unsigned char *cut = calloc(c->n_city_regions + 1, 1);
    assert_non_null(sums);
    assert_non_null(cut);
    for (size_t k = 0; k < c->n_outcomes; k += stride) {
        const cs_criticality_outcome *oc = &c->outcomes[k];
        cs_failures_clear(&f);
        for (int s = 0; s < 2; s++) {
            const size_t x = s == 0 ? oc->a : oc->b;
            if (x == CS_CRITICALITY_NONE) continue;
            if (c->unit == CS_CRITICALITY_STATION)
                cs_failures_fail_node(&f, c->elements[x].index);
            else
                for (size_t i = 0; i < c->elements[x].n_edges; i++)
                    cs_failures_fail_edge(&f, c->elements[x].edges[i]);
        }
        assert_int_equal(cs_router_route(r, &f, &res, &err), CS_OK);
        if (memcmp(&res.unserved_tbps, &oc->unserved_tbps, sizeof(double)) != 0)
            fail_msg("outcome %zu (%s + %s): unserved %.17g, routing gives %.17g", k,
                     c->elements[oc->a].id,
                     oc->b == CS_CRITICALITY_NONE ? "-" : c->elements[oc->b].id, oc->unserved_tbps,
                     res.unserved_tbps);
        memset(sums, 0, c->n_regions * sizeof *sums);
        memset(cut, 1, c->n_city_regions);
        for (size_t i = 0; i < nd; i++) {
            if (cr[i] == SIZE_MAX) continue;
            const double want = cs_demand_entry_at(n->d, i)->demand_tbps;
            sums[c->city_region_region[cr[i]]] +=
                want * o->routing.demand_scale - res.served_tbps[i];
            if (res.connected[i]) cut[cr[i]] = 0;
        }
        assert_memory_equal(sums, c->region_unserved + k * c->n_regions,
                            c->n_regions * sizeof *sums);
        assert_memory_equal(cut, c->pair_cut + k * c->n_city_regions, c->n_city_regions);
    }
    free(sums);
    free(cut);
    free(cr);
    cs_routing_result_destroy(&res);
    cs_failures_destroy(&f);
    cs_router_free(r);
}

/* Shortcut and brute force agree on every fixture, unit, year and capacity. */
static void test_shortcut_fixtures(void **state)
{
    (void)state;
    const struct {
        const char *topo, *demand;
        int year;
    } nets[] = {{ENGINE_TOPO, ENGINE_DEMAND, 2008},
                {ENGINE_TOPO, ENGINE_DEMAND, 2011},
                {ENGINE_TOPO, ENGINE_DEMAND, 2015},
                {DARK_TOPO, DARK_DEMAND, 2020}};
    for (size_t i = 0; i < sizeof nets / sizeof *nets; i++) {
        network n = load(nets[i].topo, nets[i].demand, nets[i].year);
        for (int u = 0; u < 3; u++)
            for (int lit = 0; lit < 2; lit++) {
                cs_criticality_options o = options((cs_criticality_unit)u, 2, lit);
                cs_criticality_t *fast = compute(&n, &o);
                o.brute_force = true;
                cs_criticality_t *slow = compute(&n, &o);
                assert_int_equal(slow->routed_singles, slow->n_elements);
                assert_int_equal(slow->routed_doubles, slow->n_doubles);
                assert_same(fast, slow);
                check_against_router(&n, fast, &o, 1);
                cs_criticality_free(fast);
                cs_criticality_free(slow);
            }
        unload(&n);
    }
}

/*
 * On the real network of 2000 (segments, every pair) and 2005 (cables) the shortcut answers
 * many pairs (1155 of 2080 and 61 of 153 when written), and each answer equals routing the
 * pair; the landing stations of 2000 are checked on every fifth contingency.
 */
static void test_shortcut_real_network(void **state)
{
    (void)state;
    const struct {
        int year;
        cs_criticality_unit unit;
        size_t stride;
    } cases[] = {{2000, CS_CRITICALITY_SEGMENT, 1},
                 {2005, CS_CRITICALITY_CABLE, 1},
                 {2000, CS_CRITICALITY_STATION, 5}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        network n = load(JAPAN_TOPO, JAPAN_DEMAND, cases[i].year);
        const cs_criticality_options o = options(cases[i].unit, 2, true);
        cs_criticality_t *c = compute(&n, &o);
        assert_true(c->n_elements > 10);
        assert_true(c->routed_doubles > 0);
        assert_true(c->routed_doubles < c->n_doubles);
        assert_true(c->routed_singles < c->n_elements);
        check_against_router(&n, c, &o, cases[i].stride);
        /* Rankings are sorted and singles' lists hold only what the definitions say. */
        for (size_t r = 1; r < c->n_doubles; r++)
            assert_true(c->outcomes[c->double_rank[r - 1]].unserved_tbps >=
                        c->outcomes[c->double_rank[r]].unserved_tbps);
        for (size_t g = 0; g < c->n_regions; g++)
            for (size_t j = 0; j < c->regions[g].n_cut_by; j++)
                assert_true(c->region_cut[c->regions[g].cut_by[j] * c->n_regions + g]);
        cs_criticality_free(c);
        unload(&n);
    }
}

/* Max-flow routing has no unused-edge property: everything is routed. */
static void test_maxflow_routes_all(void **state)
{
    (void)state;
    network n = load(ENGINE_TOPO, ENGINE_DEMAND, 2015);
    cs_criticality_options o = options(CS_CRITICALITY_CABLE, 2, true);
    o.routing.mode = CS_ROUTING_MAXFLOW;
    cs_criticality_t *c = compute(&n, &o);
    assert_int_equal(c->routed_singles, 4);
    assert_int_equal(c->routed_doubles, 6);
    assert_near(both(c, "PAC-1", "PAC-2")->unserved_tbps, 11.75, 1e-9);
    cs_criticality_free(c);
    unload(&n);
}

static void test_errors(void **state)
{
    (void)state;
    network n = load(ENGINE_TOPO, ENGINE_DEMAND, 2015);
    cs_error err = CS_ERROR_INIT;
    cs_criticality_t dummy;
    cs_criticality_t *c = &dummy; /* must be reset to NULL */
    cs_criticality_options o = options(CS_CRITICALITY_SEGMENT, 3, true);
    assert_int_equal(cs_criticality_compute(&c, n.t, n.d, &o, &err), CS_EINVAL);
    assert_null(c);
    assert_non_null(strstr(err.msg, "k: expected 1 or 2, found 3"));
    cs_error_clear(&err);
    o = options((cs_criticality_unit)7, 1, true);
    assert_int_equal(cs_criticality_compute(&c, n.t, n.d, &o, &err), CS_EINVAL);
    assert_non_null(
        strstr(err.msg, "unit: expected segment (0), cable (1) or station (2), found 7"));
    cs_error_clear(&err);
    o = options(CS_CRITICALITY_CABLE, 1, true);
    o.routing.rounds = 0;
    assert_int_equal(cs_criticality_compute(&c, n.t, n.d, &o, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "rounds: expected an integer >= 1, found 0"));
    /* Defaults: segments, N-1, latency-first on lit capacity. */
    assert_int_equal(cs_criticality_compute(&c, n.t, n.d, NULL, &err), CS_OK);
    assert_int_equal(c->unit, CS_CRITICALITY_SEGMENT);
    assert_int_equal(c->k, 1);
    assert_int_equal(c->n_doubles, 0);
    assert_near(single(c, "pac-2:1")->unserved_tbps, 3.75, 1e-9);
    cs_criticality_free(c);
    cs_criticality_free(NULL);
    cs_criticality_unit u = CS_CRITICALITY_SEGMENT;
    assert_true(cs_criticality_unit_parse("station", &u));
    assert_int_equal(u, CS_CRITICALITY_STATION);
    assert_false(cs_criticality_unit_parse("stations", &u));
    assert_string_equal(cs_criticality_unit_name(CS_CRITICALITY_CABLE), "cable");
    unload(&n);
}

/* ------------------------------------------------------------ CLI */

static int run_cli(const char *args, char *out, size_t n)
{
    return cs_test_cli(CS_TEST_DATA, args, true, out, n);
}

/* Bad usage: status 2, one line naming the problem. */
static void expect_usage(const char *args, const char *fragment)
{
    char out[8192];
    const int st = run_cli(args, out, sizeof out);
    if (st != 2 || strstr(out, fragment) == NULL)
        fail_msg("cablesim %s: status %d, output: %s", args, st, out);
    assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));
}

#define FIX "engine-topo.geojson --demand engine-demand.csv "

static void test_cli_criticality_errors(void **state)
{
    (void)state;
    expect_usage("criticality " FIX "-k 3", "-k: expected 1 or 2, found \"3\"");
    expect_usage("criticality " FIX "-k", "-k: expected 1 or 2, found \"nothing\"");
    expect_usage("criticality " FIX "--unit links",
                 "--unit: expected segment, cable, station or all, found \"links\"");
    expect_usage("criticality " FIX "--capacity full",
                 "--capacity: expected lit or design, found \"full\"");
    expect_usage("criticality " FIX "--top -1", "--top: expected a whole number");
    expect_usage("criticality " FIX "--format xml", "--format: expected text, json or csv");
    expect_usage("criticality " FIX "--as-of 1700", "--as-of: expected a year between 1850");
    expect_usage("criticality " FIX "--bogus", "unknown option \"--bogus\"");
    expect_usage("criticality " FIX "other.geojson", "expected at most one TOPOLOGY");
    expect_usage("criticality no-such.geojson", "no-such.geojson");
    expect_usage("criticality engine-topo.geojson --demand no-such.csv", "no-such.csv");
    expect_usage("criticality engine-topo.geojson --demand crit-dark-demand.csv",
                 "crit-dark-demand.csv:");
    char out[4096];
    assert_int_equal(run_cli("criticality --help", out, sizeof out), 0);
    assert_non_null(strstr(out, "Usage: cablesim criticality"));
}

static void test_cli_criticality_outputs(void **state)
{
    (void)state;
    static char out[65536];
    assert_int_equal(run_cli("criticality " FIX
                             "--as-of 2015 -k 2 --unit cable --format csv --top 0",
                             out, sizeof out),
                     0);
    assert_non_null(strstr(out, "unit,k,rank,element_a,label_a,element_b,label_b,unserved_tbps"));
    assert_non_null(strstr(out, "\ncable,1,1,PAC-2,,,,3.75,3.75,0,1,0,0,0,1,\n"));
    assert_non_null(
        strstr(out, "\ncable,2,1,PAC-1,,PAC-2,,11.75,11.75,8,1,2,1,1,1,US West Coast\n"));
    assert_non_null(strstr(out, "\ncable,2,6,PAC-1,,ASIA-1,,2,2,0.25,2,0,0,0,1,\n"));
    /* --top 1 still lists the critical pair ranked second. */
    assert_int_equal(run_cli("criticality " FIX
                             "--as-of 2015 -k 2 --unit cable --format csv --top 1",
                             out, sizeof out),
                     0);
    assert_non_null(strstr(out, "\ncable,2,2,ASIA-1,,ASIA-2,,5.25,5.25,4,1,2,1,1,1,Hong Kong\n"));
    assert_null(strstr(out, "PAC-1,,ASIA-1"));
    /* Text: the tables a reader looks for. */
    assert_int_equal(run_cli("criticality " FIX "--as-of 2015 -k 2 --unit all", out, sizeof out),
                     0);
    assert_non_null(strstr(out, "as of 2015"));
    assert_non_null(strstr(out, "segments: 4 in service"));
    assert_non_null(strstr(out, "cables: 4 in service"));
    assert_non_null(strstr(out, "stations: 5 in service"));
    assert_non_null(strstr(out, "Single points of failure"));
    assert_non_null(strstr(out, "N-2: 2 critical pairs"));
    /* JSON: the single points of failure and critical pairs by region. */
    assert_int_equal(cs_test_cli(CS_TEST_DATA,
                                 "criticality " FIX
                                 "--as-of 2015 -k 2 --unit station --format json",
                                 false, out, sizeof out),
                     0);
    json_error_t jerr;
    json_t *root = json_loads(out, 0, &jerr);
    if (root == NULL) fail_msg("JSON: %s", jerr.text);
    assert_string_equal(json_string_value(json_object_get(root, "format")), "cablesim-criticality");
    json_t *an = json_array_get(json_object_get(root, "analyses"), 0);
    assert_string_equal(json_string_value(json_object_get(an, "unit")), "station");
    assert_int_equal(json_integer_value(json_object_get(an, "pairs")), 10);
    json_t *regions = json_object_get(an, "regions");
    size_t i;
    json_t *r;
    bool seen = false;
    json_array_foreach(regions, i, r)
    {
        if (strcmp(json_string_value(json_object_get(r, "region")), "Hong Kong") != 0) continue;
        seen = true;
        json_t *by = json_object_get(r, "cut_off_by");
        assert_int_equal(json_array_size(by), 1);
        assert_string_equal(json_string_value(json_array_get(by, 0)), "hk-h");
        json_t *crit = json_array_get(json_object_get(r, "critical_pairs"), 0);
        assert_string_equal(json_string_value(json_array_get(crit, 0)), "jp-a");
        assert_string_equal(json_string_value(json_array_get(crit, 1)), "jp-b");
    }
    assert_true(seen);
    json_t *first = json_array_get(json_object_get(an, "n1"), 0);
    assert_near(json_real_value(json_object_get(first, "unserved_tbps")), 6.5, 1e-9);
    assert_int_equal(json_array_size(json_object_get(first, "pairs_cut")), 2);
    json_decref(root);
}

/* ------------------------------------------------------------ evolution */

/* A scenario in a fresh temporary directory, with absolute paths to the fixtures. */
static void make_scenario(char *dir, size_t n, const char *hazards, unsigned trials)
{
    snprintf(dir, n, "/tmp/cs-crit-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/s.yaml", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "name: evolution-test\ntopology: %s\ndemand: %s\ntrials: %u\nseed: 4242\n"
            "routing: {restoration_share: 1}\n" /* hand figures without a restoration limit */
            "hazards:\n%s",
            ENGINE_TOPO, ENGINE_DEMAND, trials, hazards);
    fclose(f);
}

static void remove_dir(const char *dir)
{
    char path[512];
    const char *files[] = {"s.yaml", "t.csv", "t.json"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        remove(path);
    }
    rmdir(dir);
}

/* The field named col of the CSV row for year (header on the first line). */
static double csv_field(const char *csv, int year, const char *col)
{
    const char *nl = strchr(csv, '\n');
    assert_non_null(nl);
    int idx = -1, k = 0;
    for (const char *p = csv; p < nl; k++) {
        const size_t len = strcspn(p, ",\n");
        if (len == strlen(col) && strncmp(p, col, len) == 0) idx = k;
        p += len + 1;
    }
    if (idx < 0) fail_msg("no column %s", col);
    char key[16];
    snprintf(key, sizeof key, "\n%d,", year);
    const char *row = strstr(csv, key);
    if (row == NULL) fail_msg("no row for %d", year);
    row++;
    for (int j = 0; j < idx; j++)
        row = strchr(row, ',') + 1;
    return strtod(row, NULL);
}

static const char explicit_cut[] = "  - type: explicit\n    cables: [PAC-1, PAC-2]\n";

/*
 * PAC-1 and PAC-2 cut in every trial, networks of 2008 to 2016. While OLD-1 is in service
 * (to 2011) it carries 2 Tbps of Los Angeles's 11.75; before ASIA-2 (2010) Hong Kong's 5.25
 * Tbps have ASIA-1's 4 Tbps lit only.
 */
static void test_evolution_explicit_cut(void **state)
{
    (void)state;
    char dir[64];
    make_scenario(dir, sizeof dir, explicit_cut, 3);
    static char out[65536];
    assert_int_equal(cs_test_cli(dir, "evolution s.yaml --from 2008 --to 2016 --format csv", false,
                                 out, sizeof out),
                     0);
    for (int y = 2008; y <= 2016; y++) {
        const bool old = y < 2012, asia2 = y >= 2010;
        const double want = (old ? 11.75 - 2.0 : 11.75) + (asia2 ? 0.0 : 5.25 - 4.0);
        assert_near(csv_field(out, y, "expected_unserved_tbps"), want, 1e-9);
        assert_near(csv_field(out, y, "expected_unserved_tbps_lo"), want, 1e-9);
        assert_near(csv_field(out, y, "expected_unserved_tbps_hi"), want, 1e-9);
        assert_near(csv_field(out, y, "loss_trials"), 3, 0);
        assert_near(csv_field(out, y, "baseline_unserved_tbps"), asia2 ? 0.0 : 1.25, 1e-9);
        assert_near(csv_field(out, y, "systems"), 3 + old + asia2, 0);
        assert_near(csv_field(out, y, "japan_systems"), 3 + old + asia2, 0);
        assert_near(csv_field(out, y, "japan_design_tbps"),
                    10 + 12 + 5 + (old ? 2 : 0) + (asia2 ? 6 : 0), 1e-12);
        assert_near(csv_field(out, y, "p_any_region_cut"), old ? 0.0 : 1.0, 0);
        assert_near(csv_field(out, y, "worst_region_p_cut"), old ? 0.0 : 1.0, 0);
        assert_near(csv_field(out, y, "expected_unserved_share"), want / 17.5, 1e-9);
    }
    assert_near(csv_field(out, 2012, "expected_unserved_tbps") -
                    csv_field(out, 2011, "expected_unserved_tbps"),
                2.0, 1e-9);
    assert_non_null(strstr(out, "\n2012,4,4,33,3,1,17.5,"));
    /* The same cut in every trial: one outcome, no interval and no bound (issue 10). */
    assert_non_null(strstr(out, ",11.75,11.75,11.75,one_outcome,3,,"));
    assert_non_null(strstr(out, ",US West Coast,1,"));
    /* With 10%/year growth the 2025 demand is scaled: 2010 is 1.1^-15 of it, 2015 1.1^-10. */
    assert_int_equal(cs_test_cli(dir,
                                 "evolution s.yaml --from 2010 --to 2015 --step 5 --growth 0.1 "
                                 "--format csv",
                                 false, out, sizeof out),
                     0);
    assert_near(csv_field(out, 2010, "expected_unserved_tbps"), 11.75 * pow(1.1, -15) - 2.0, 1e-9);
    assert_near(csv_field(out, 2015, "expected_unserved_tbps"), 11.75 * pow(1.1, -10), 1e-9);
    assert_near(csv_field(out, 2015, "demand_scale"), pow(1.1, -10), 1e-11);
    assert_null(strstr(out, "\n2011,"));
    /* -o: the table in a file (format from the extension), the text on standard output. */
    assert_int_equal(cs_test_cli(dir, "evolution s.yaml --from 2011 --to 2012 -o t.json", false,
                                 out, sizeof out),
                     0);
    assert_non_null(strstr(out, "cablesim evolution:"));
    assert_non_null(strstr(out, "P(a reached region cut off)"));
    char path[512];
    snprintf(path, sizeof path, "%s/t.json", dir);
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (root == NULL) fail_msg("%s: %s", path, jerr.text);
    json_t *rows = json_object_get(root, "rows");
    assert_int_equal(json_array_size(rows), 2);
    assert_near(json_real_value(json_object_get(json_array_get(rows, 1), "expected_unserved_tbps")),
                11.75, 1e-9);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 1), "worst_region")),
                        "US West Coast");
    assert_true(json_is_null(json_object_get(json_array_get(rows, 0), "worst_region")));
    json_decref(root);
    /* An existing -o file is refused before any year runs (it stays as it was, no temporary
     * left), and replaced with --force. */
    assert_int_equal(
        cs_test_cli(dir, "evolution s.yaml --from 2011 --to 2011 -o t.json", true, out, sizeof out),
        2);
    assert_string_equal(out, "cablesim: evolution: t.json exists; --force replaces it\n");
    root = json_load_file(path, 0, &jerr);
    assert_non_null(root);
    assert_int_equal(json_array_size(json_object_get(root, "rows")), 2);
    json_decref(root);
    assert_int_equal(cs_test_cli(dir, "evolution s.yaml --from 2011 --to 2011 -o t.json --force",
                                 false, out, sizeof out),
                     0);
    root = json_load_file(path, 0, &jerr);
    assert_non_null(root);
    assert_int_equal(json_array_size(json_object_get(root, "rows")), 1);
    json_decref(root);
    char pattern[512];
    snprintf(pattern, sizeof pattern, "%s/t.json.tmp.*", dir);
    glob_t gl;
    assert_int_equal(glob(pattern, 0, NULL, &gl), GLOB_NOMATCH);
    globfree(&gl);
    remove_dir(dir);
}

/*
 * Random faults: a year's row is what the engine gives for that scenario and year (mean
 * unserved, and the share of trials in which some region is cut off), whichever years run
 * alongside (common random numbers).
 */
static void test_evolution_matches_engine(void **state)
{
    (void)state;
    char dir[64];
    make_scenario(dir, sizeof dir,
                  "  - type: random_faults\n    window_days: 365\n    rate_deep: 0.05\n"
                  "    rate_shallow: 0.05\n",
                  200);
    static char out[65536], two[65536];
    assert_int_equal(cs_test_cli(dir, "evolution s.yaml --from 2011 --to 2011 --format csv", false,
                                 out, sizeof out),
                     0);
    assert_int_equal(cs_test_cli(dir, "evolution s.yaml --from 2010 --to 2011 --format csv", false,
                                 two, sizeof two),
                     0);
    char path[512];
    snprintf(path, sizeof path, "%s/s.yaml", dir);
    const char *sets[] = {"as_of=2011"};
    cs_error err = CS_ERROR_INIT;
    cs_scenario *sc = NULL;
    assert_int_equal(cs_scenario_load(&sc, path, sets, 1, 2026, &err), CS_OK);
    cs_engine_t *e = NULL;
    assert_int_equal(cs_engine_alloc(&e, sc, &err), CS_OK);
    cs_run_summary sum;
    assert_int_equal(cs_run_summary_init(&sum, e, &err), CS_OK);
    assert_int_equal(cs_engine_run(e, NULL, NULL, &sum, &err), CS_OK);
    const cs_topology_t *t = cs_engine_topology(e);
    const size_t ne = cs_topology_edge_count(t), nd = cs_demand_count(cs_engine_demand(e));
    const cs_pair_table *pt = cs_engine_pairs(e);
    cs_failures f;
    cs_routing_result r;
    assert_int_equal(cs_failures_init(&f, ne, cs_topology_node_count(t), &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&r, nd, ne, &err), CS_OK);
    unsigned char cut[16];
    size_t any = 0;
    for (uint64_t k = 0; k < sc->trials; k++) {
        assert_int_equal(cs_engine_trial(e, k, &f, &r, cut, &err), CS_OK);
        bool hit = false;
        for (size_t g = 0; g < sum.n_regions; g++) {
            bool all = true;
            for (size_t p = 0; p < pt->n; p++)
                if (strcmp(pt->region[p], sum.regions[g]) == 0 && !cut[p]) all = false;
            hit = hit || all;
        }
        any += hit;
    }
    assert_true(any > 0 && any < sc->trials);
    const double mean = csv_field(out, 2011, "expected_unserved_tbps");
    assert_near(mean, sum.mean_unserved, 1e-9 * (1.0 + sum.mean_unserved));
    assert_true(mean > 0.0);
    assert_near(csv_field(out, 2011, "p_any_region_cut"), (double)any / (double)sc->trials, 1e-12);
    /* Expected unserved is stated as the run summary states it (issue 10). 121 of the 200
     * trials lose traffic: the normal interval, clipped to [0, demand]. */
    assert_near(csv_field(out, 2011, "loss_trials"), (double)sum.loss_trials, 0);
    assert_int_equal(sum.loss_trials, 121);
    const cs_estimate u = cs_analysis_estimate(sum.trials, sum.mean_unserved, sum.m2_unserved);
    assert_non_null(strstr(out, ",normal,121,,"));
    assert_near(csv_field(out, 2011, "expected_unserved_tbps_lo"), fmax(0.0, u.lo), 1e-9);
    assert_near(csv_field(out, 2011, "expected_unserved_tbps_hi"), u.hi, 1e-9);
    /* The first 20 of those trials: 8 lose traffic, too few for a normal interval; the mean
     * and the bound intact unserved + served x the Clopper-Pearson upper bound of
     * P(loss > 0), the sum's own 2-sided 95% bound at 8 of 20. */
    static char few[65536];
    assert_int_equal(cs_test_cli(dir,
                                 "evolution s.yaml --from 2011 --to 2011 --format csv --set "
                                 "trials=20",
                                 false, few, sizeof few),
                     0);
    const cs_routing_result *base = cs_engine_baseline(e);
    const double p_hi = cs_analysis_clopper_pearson(8, 20).hi;
    assert_near(p_hi, 0.6394574, 1e-6);
    assert_non_null(strstr(few, ",clopper_pearson_bound,8,"));
    assert_near(csv_field(few, 2011, "p_loss_hi"), p_hi, 1e-11);
    assert_near(csv_field(few, 2011, "expected_unserved_tbps_lo"),
                csv_field(few, 2011, "expected_unserved_tbps"), 0.0);
    assert_near(csv_field(few, 2011, "expected_unserved_tbps_hi"),
                base->unserved_tbps + (base->demand_tbps - base->unserved_tbps) * p_hi, 1e-9);
    assert_near(csv_field(two, 2011, "expected_unserved_tbps"), mean, 0.0);
    assert_near(csv_field(two, 2011, "p_any_region_cut"), csv_field(out, 2011, "p_any_region_cut"),
                0.0);
    cs_routing_result_destroy(&r);
    cs_failures_destroy(&f);
    cs_run_summary_destroy(&sum);
    cs_engine_free(e);
    cs_scenario_free(sc);
    remove_dir(dir);
}

static void test_cli_evolution_errors(void **state)
{
    (void)state;
    char dir[64];
    make_scenario(dir, sizeof dir, explicit_cut, 2);
    char args[256], out[8192];
    const struct {
        const char *args, *fragment;
    } cases[] = {
        {"--from 1980", "--from: expected a year from 1990 to 2100, found \"1980\""},
        {"--from 2010 --to 2005", "--from 2010 is after --to 2005"},
        {"--step 0", "--step: expected a whole number of years from 1 to 100, found \"0\""},
        {"--set as_of=2000", "--set as_of=2000: the year is set by --from, --to and --step"},
        {"--growth -1", "--growth: expected a yearly growth rate above -1"},
        {"--format xml", "--format: expected text, csv or json, found \"xml\""},
        {"--bogus", "unknown option \"--bogus\""},
        {"other.yaml", "expected one SCENARIO, found a second one \"other.yaml\""},
        {"--set trials=abc", "trials: expected"},
        /* PAC-2 entered service in 2005: the scenario names a cable the network lacks */
        {"--from 2003 --to 2006", "as of 2003: s.yaml:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(args, sizeof args, "evolution s.yaml %s", cases[i].args);
        const int st = cs_test_cli(dir, args, true, out, sizeof out);
        if (st != 2 || strstr(out, cases[i].fragment) == NULL)
            fail_msg("cablesim %s: status %d, output: %s", args, st, out);
        assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));
    }
    assert_int_equal(cs_test_cli(dir, "evolution missing.yaml", true, out, sizeof out), 2);
    assert_non_null(strstr(out, "missing.yaml"));
    assert_int_equal(cs_test_cli(dir, "evolution s.yaml --from 2010 --to 2010 -o no-dir/t.csv",
                                 true, out, sizeof out),
                     2);
    assert_non_null(strstr(out, "no-dir/t.csv"));
    assert_int_equal(cs_test_cli(dir, "evolution --help", true, out, sizeof out), 0);
    assert_non_null(strstr(out, "--growth RATE"));
    remove_dir(dir);
}

/* The two domain rules the reports share: an outcome that hurts, a region newly cut off. */
static void test_hurts_and_newly_cut(void **state)
{
    (void)state;
    cs_criticality_outcome o = {.a = 3, .b = CS_CRITICALITY_NONE};
    assert_false(cs_criticality_outcome_hurts(&o));
    o.loss_tbps = CS_CRITICALITY_EPS_TBPS; /* rounding dust: at the threshold, nothing lost */
    assert_false(cs_criticality_outcome_hurts(&o));
    o.loss_tbps = 2.385e-9;
    assert_true(cs_criticality_outcome_hurts(&o));
    o.loss_tbps = 0.0;
    o.n_pairs_cut = 1;
    assert_true(cs_criticality_outcome_hurts(&o));
    o.n_pairs_cut = 0;
    o.n_regions_short = 2;
    assert_true(cs_criticality_outcome_hurts(&o));
    /* Two outcomes, three regions; region 1 is already cut off in the intact network. */
    const cs_criticality_region regions[3] = {
        {.name = "A"}, {.name = "B", .intact_cut = true}, {.name = "C"}};
    const unsigned char cut[6] = {1, 1, 0, 0, 1, 1};
    const cs_criticality_t c = {
        .n_outcomes = 2, .n_regions = 3, .regions = regions, .region_cut = cut};
    const bool newly[6] = {true, false, false, false, false, true};
    for (size_t k = 0; k < 2; k++)
        for (size_t g = 0; g < 3; g++)
            assert_int_equal(cs_criticality_newly_cut(&c, k, g), newly[3 * k + g]);
}

int main(void)
{
    cs_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cables_2015),
        cmocka_unit_test(test_hurts_and_newly_cut),
        cmocka_unit_test(test_design_capacity),
        cmocka_unit_test(test_stations_2015),
        cmocka_unit_test(test_old_cable_2011),
        cmocka_unit_test(test_unlit_cable),
        cmocka_unit_test(test_shortcut_fixtures),
        cmocka_unit_test(test_shortcut_real_network),
        cmocka_unit_test(test_maxflow_routes_all),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_cli_criticality_errors),
        cmocka_unit_test(test_cli_criticality_outputs),
        cmocka_unit_test(test_evolution_explicit_cut),
        cmocka_unit_test(test_evolution_matches_engine),
        cmocka_unit_test(test_cli_evolution_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
