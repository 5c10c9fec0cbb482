/*
 * criticality.c: N-1 and N-2 contingencies, routed or taken from an equal one.
 *
 * Implementation notes. The intact network is routed first; then every
 * element alone, keeping each single's served demand and the set of edges
 * its routing uses; then, with k = 2, every pair. Connectivity (which
 * city-region pairs still have a path) does not come from the routings but
 * from the router's union-find over the edges that are up (and open to each
 * demand under the transit rules), computed for every contingency with
 * cs_router_connected(): it is cheap and is exactly a routing's `connected`,
 * whereas a routing taken from another contingency says nothing about
 * connectivity (see below).
 *
 * The shortcut. With latency-first routing, removing edges that a routing
 * does not use gives the same routing: every increment of demand went, in
 * turn, on the shortest usable path from its origin's shortest-path tree,
 * and that path is still there, still shortest (distances only grow when
 * edges go) and still the tie-break winner (a node's predecessor is the
 * lowest-index edge among those achieving its distance; the candidates can
 * only become fewer and the chosen one stays). The residual capacities then
 * evolve identically, so the served amounts and edge flows are bit for bit
 * the same. Hence:
 *   - an element none of whose edges carries flow in the intact routing has
 *     the intact network's served demand and flows;
 *   - for a pair {a, b}, if no edge of b carries flow in a's routing, the
 *     pair's routing is a's (and symmetrically); a's routing is the intact
 *     one when a carries no flow there, so a pair of two such elements
 *     also costs nothing.
 * Only pairs whose elements each carry flow in the other's routing are
 * routed. What removing an unused edge can change is connectivity: a demand
 * that was connected but wholly unserved (every path saturated) may lose its
 * last path. That changes neither served demand nor flows (the router does
 * not place a demand it finds disconnected, and a demand with no usable path
 * places nothing), and connectivity is computed separately anyway.
 * Max-flow routing has no such property, so it routes everything.
 */
#include "cablesim/criticality.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cablesim/failures.h"

#define NONE CS_CRITICALITY_NONE
static_assert(NONE == SIZE_MAX, "the demand's pair table marks no pair with SIZE_MAX");

/* The result and the arrays behind its const pointers. pub comes first so
 * that cs_criticality_free() can get back to the rest. */
typedef struct {
    cs_criticality_t pub;
    cs_criticality_element *elements;
    size_t *element_edges;
    cs_criticality_region *regions;
    size_t *cr_city, *cr_region;
    unsigned char *intact_pair_cut;
    cs_criticality_outcome *outcomes;
    double *region_unserved;
    unsigned char *region_cut, *pair_cut;
    size_t *single_rank, *double_rank, *critical;
    size_t *region_list; /* every region's cut_by, short_by and critical lists */
} owned;

/* Scratch state of one computation. */
typedef struct {
    const cs_topology_t *t;
    const cs_demand_t *d;
    owned *o;
    size_t ne, nn, nd, nel, ng, np;
    bool shortcut;
    cs_router_t *router;
    cs_failures f;
    cs_routing_result r, intact;
    double *dval;             /* [nd] demand x scale, as the router computes it */
    size_t *demand_pair;      /* [nd] city-region pair of the demand, or NONE */
    unsigned char *conn;      /* [nd] the router's connected flags for the current contingency */
    unsigned char *down;      /* [ne] edges down in the current contingency */
    double *intact_region;    /* [ng] intact unserved per region */
    unsigned char *intact_rc; /* [ng] intact region cut flags */
    double *served;           /* [nel x nd] each single's served demand */
    unsigned char *used;      /* [nel x ne] edges carrying flow in each single's routing */
    double *unserved;         /* [nel] each single's total unserved */
} work;

/* calloc of n x m elements of size sz, NULL on overflow; one spare element so n = 0 works. */
static void *alloc_rows(size_t n, size_t m, size_t sz)
{
    if (m != 0 && n > (SIZE_MAX / sz - 1) / m) return NULL;
    return calloc(n * m + 1, sz);
}

/* ------------------------------------------------------------- setup */

static cs_status check_options(const cs_criticality_options *opt, cs_error *err)
{
    if (opt->k != 1 && opt->k != 2)
        return cs_errorf(err, CS_EINVAL, "criticality: k: expected 1 or 2, found %u", opt->k);
    if (opt->unit != CS_CRITICALITY_SEGMENT && opt->unit != CS_CRITICALITY_CABLE &&
        opt->unit != CS_CRITICALITY_STATION)
        return cs_errorf(err, CS_EINVAL,
                         "criticality: unit: expected segment (0), cable (1) or station (2), "
                         "found %d",
                         (int)opt->unit);
    return CS_OK;
}

/*
 * The foreign regions and (Japanese city, region) pairs of the demands: the
 * demand's own table (cs_demand_pairs_of), the one the engine uses, copied
 * into the result, which may outlive the demand.
 */
static cs_status build_pairs(work *w, cs_error *err)
{
    owned *o = w->o;
    const cs_demand_pairs *dp = cs_demand_pairs_of(w->d);
    w->np = dp->n_pairs;
    w->ng = dp->n_regions;
    o->cr_city = calloc(w->np + 1, sizeof *o->cr_city);
    o->cr_region = calloc(w->np + 1, sizeof *o->cr_region);
    w->demand_pair = calloc(w->nd + 1, sizeof *w->demand_pair);
    o->regions = calloc(w->ng + 1, sizeof *o->regions);
    if (!o->cr_city || !o->cr_region || !w->demand_pair || !o->regions)
        return cs_errorf(err, CS_ENOMEM, "out of memory for the regions of %zu demands", w->nd);
    for (size_t p = 0; p < w->np; p++) {
        o->cr_city[p] = dp->city[p];
        o->cr_region[p] = dp->region_index[p];
    }
    for (size_t i = 0; i < w->nd; i++)
        w->demand_pair[i] = dp->pair_of_demand[i]; /* SIZE_MAX is NONE */
    for (size_t g = 0; g < w->ng; g++)
        o->regions[g].name = dp->regions[g];
    return CS_OK;
}

/* Whether edge e belongs to element x's kind and index (x: edge, cable or node index). */
static bool edge_of(const cs_topology_t *t, cs_criticality_unit unit, size_t x, size_t e)
{
    const cs_edge *ed = cs_topology_edge(t, e);
    switch (unit) {
    case CS_CRITICALITY_SEGMENT:
        return e == x;
    case CS_CRITICALITY_CABLE:
        return ed->kind == CS_EDGE_SEGMENT && ed->cable_index == x;
    default:
        return ed->from == x || ed->to == x;
    }
}

/* The topology indices of the elements of a unit; returns how many (idx may be NULL). */
static size_t list_elements(const cs_topology_t *t, cs_criticality_unit unit, size_t *idx)
{
    size_t n = 0;
    if (unit == CS_CRITICALITY_SEGMENT) {
        for (size_t e = 0; e < cs_topology_edge_count(t); e++)
            if (cs_topology_edge(t, e)->kind == CS_EDGE_SEGMENT) {
                if (idx) idx[n] = e;
                n++;
            }
    } else if (unit == CS_CRITICALITY_CABLE) {
        for (size_t c = 0; c < cs_topology_cable_count(t); c++) {
            if (idx) idx[n] = c;
            n++;
        }
    } else {
        for (size_t v = 0; v < cs_topology_node_count(t); v++)
            if (cs_topology_node(t, v)->kind == CS_NODE_LANDING) {
                if (idx) idx[n] = v;
                n++;
            }
    }
    return n;
}

static void label_element(const cs_topology_t *t, cs_criticality_unit unit,
                          cs_criticality_element *el)
{
    if (unit == CS_CRITICALITY_SEGMENT) {
        const cs_edge *ed = cs_topology_edge(t, el->index);
        el->id = ed->id;
        el->label = ed->cable;
    } else if (unit == CS_CRITICALITY_CABLE) {
        el->id = cs_topology_cable(t, el->index);
        el->label = NULL;
        for (size_t e = 0; e < cs_topology_edge_count(t) && el->label == NULL; e++)
            if (edge_of(t, unit, el->index, e)) el->label = cs_topology_edge(t, e)->cable_name;
    } else {
        const cs_node *n = cs_topology_node(t, el->index);
        el->id = n->id;
        el->label = n->name;
    }
}

/* The elements and the edges each one takes down. O(elements x edges). */
static cs_status build_elements(work *w, cs_criticality_unit unit, cs_error *err)
{
    owned *o = w->o;
    w->nel = list_elements(w->t, unit, NULL);
    size_t *idx = calloc(w->nel + 1, sizeof *idx);
    o->elements = calloc(w->nel + 1, sizeof *o->elements);
    if (idx == NULL || o->elements == NULL) {
        free(idx);
        return cs_errorf(err, CS_ENOMEM, "out of memory for %zu elements", w->nel);
    }
    list_elements(w->t, unit, idx);
    size_t total = 0;
    for (size_t x = 0; x < w->nel; x++)
        for (size_t e = 0; e < w->ne; e++)
            total += edge_of(w->t, unit, idx[x], e);
    o->element_edges = calloc(total + 1, sizeof *o->element_edges);
    if (o->element_edges == NULL) {
        free(idx);
        return cs_errorf(err, CS_ENOMEM, "out of memory for the edges of %zu elements", w->nel);
    }
    size_t k = 0;
    for (size_t x = 0; x < w->nel; x++) {
        cs_criticality_element *el = &o->elements[x];
        el->index = idx[x];
        label_element(w->t, unit, el);
        el->edges = o->element_edges + k;
        for (size_t e = 0; e < w->ne; e++)
            if (edge_of(w->t, unit, idx[x], e)) o->element_edges[k++] = e;
        el->n_edges = (size_t)(o->element_edges + k - el->edges);
    }
    free(idx);
    return CS_OK;
}

/* nel (nel - 1) / 2, or false when it does not fit in a size_t. */
static bool count_pairs(size_t nel, size_t *out)
{
    const size_t x = nel % 2 == 0 ? nel / 2 : nel, y = nel % 2 == 0 ? nel - 1 : (nel - 1) / 2;
    if (nel < 2) {
        *out = 0;
        return true;
    }
    if (x > SIZE_MAX / y) return false;
    *out = x * y;
    return true;
}

/* Per-contingency rows and per-single scratch. */
static cs_status alloc_outcomes(work *w, unsigned k, cs_error *err)
{
    owned *o = w->o;
    const size_t nel = w->nel;
    if (k == 2 && (!count_pairs(nel, &o->pub.n_doubles) || o->pub.n_doubles > SIZE_MAX - nel))
        return cs_errorf(err, CS_EINVAL, "criticality: %zu elements make too many pairs", nel);
    const size_t nout = nel + o->pub.n_doubles;
    o->pub.n_outcomes = nout;
    o->outcomes = alloc_rows(nout, 1, sizeof *o->outcomes);
    o->region_unserved = alloc_rows(nout, w->ng, sizeof *o->region_unserved);
    o->region_cut = alloc_rows(nout, w->ng, 1);
    o->pair_cut = alloc_rows(nout, w->np, 1);
    o->single_rank = alloc_rows(nel, 1, sizeof *o->single_rank);
    o->double_rank = alloc_rows(o->pub.n_doubles, 1, sizeof *o->double_rank);
    o->intact_pair_cut = alloc_rows(w->np, 1, 1);
    w->served = alloc_rows(nel, w->nd, sizeof *w->served);
    w->used = alloc_rows(nel, w->ne, 1);
    w->unserved = alloc_rows(nel, 1, sizeof *w->unserved);
    if (!o->outcomes || !o->region_unserved || !o->region_cut || !o->pair_cut || !o->single_rank ||
        !o->double_rank || !o->intact_pair_cut || !w->served || !w->used || !w->unserved)
        return cs_errorf(err, CS_ENOMEM,
                         "out of memory for %zu contingencies of %zu regions and %zu city-region "
                         "pairs",
                         nout, w->ng, w->np);
    return CS_OK;
}

static cs_status alloc_work(work *w, const cs_criticality_options *opt, cs_error *err)
{
    cs_status rc;
    if ((rc = cs_router_alloc(&w->router, w->t, w->d, &opt->routing, err)) != CS_OK) return rc;
    if ((rc = cs_failures_init(&w->f, w->ne, w->nn, err)) != CS_OK) return rc;
    if ((rc = cs_routing_result_init(&w->r, w->nd, w->ne, err)) != CS_OK) return rc;
    if ((rc = cs_routing_result_init(&w->intact, w->nd, w->ne, err)) != CS_OK) return rc;
    w->dval = calloc(w->nd + 1, sizeof *w->dval);
    w->conn = calloc(w->nd + 1, 1);
    w->down = calloc(w->ne + 1, 1);
    w->intact_region = calloc(w->ng + 1, sizeof *w->intact_region);
    w->intact_rc = calloc(w->ng + 1, 1);
    if (!w->dval || !w->conn || !w->down || !w->intact_region || !w->intact_rc)
        return cs_errorf(err, CS_ENOMEM, "out of memory for the criticality workspace");
    for (size_t i = 0; i < w->nd; i++) /* the router's own expression: bit-identical sums */
        w->dval[i] = cs_demand_entry_at(w->d, i)->demand_tbps * opt->routing.demand_scale;
    return CS_OK;
}

static void free_work(work *w)
{
    cs_router_free(w->router);
    cs_failures_destroy(&w->f);
    cs_routing_result_destroy(&w->r);
    cs_routing_result_destroy(&w->intact);
    free(w->dval);
    free(w->demand_pair);
    free(w->conn);
    free(w->down);
    free(w->intact_region);
    free(w->intact_rc);
    free(w->served);
    free(w->used);
    free(w->unserved);
}

/* ------------------------------------------------------ one contingency */

/* Marks the edges of elements a and b (b may be NONE) in w->down, or clears them. */
static void mark_down(work *w, size_t a, size_t b, unsigned char value)
{
    const cs_criticality_element *el = w->o->elements;
    for (size_t i = 0; i < el[a].n_edges; i++)
        w->down[el[a].edges[i]] = value;
    if (b != NONE)
        for (size_t i = 0; i < el[b].n_edges; i++)
            w->down[el[b].edges[i]] = value;
}

/*
 * Fills pair_cut[np] and region_cut[ng] for the edges down in w->down, with the router's
 * own connectivity (transit rules included). O(V + E) per transit class.
 */
static void connectivity(work *w, unsigned char *pair_cut, unsigned char *region_cut)
{
    cs_router_connected(w->router, w->down, w->conn);
    for (size_t p = 0; p < w->np; p++)
        pair_cut[p] = 1;
    for (size_t i = 0; i < w->nd; i++) {
        const size_t p = w->demand_pair[i];
        if (p == NONE) continue;
        assert(p < w->np && w->o->cr_region[p] < w->ng);
        if (w->conn[i]) pair_cut[p] = 0;
    }
    for (size_t g = 0; g < w->ng; g++)
        region_cut[g] = 1;
    for (size_t p = 0; p < w->np; p++)
        if (!pair_cut[p]) region_cut[w->o->cr_region[p]] = 0;
}

/* Sums (demand - served) per region into row[ng]. */
static void region_sums(const work *w, const double *served, double *row)
{
    for (size_t g = 0; g < w->ng; g++)
        row[g] = 0.0;
    for (size_t i = 0; i < w->nd; i++)
        if (w->demand_pair[i] != NONE)
            row[w->o->cr_region[w->demand_pair[i]]] += w->dval[i] - served[i];
}

/*
 * Records outcome k: elements a and b (b may be NONE) down, served demand
 * served[nd] with total unserved. Computes the connectivity and the counts
 * relative to the intact network.
 */
static void record(work *w, size_t k, size_t a, size_t b, const double *served, double unserved,
                   bool routed)
{
    owned *o = w->o;
    cs_criticality_outcome *oc = &o->outcomes[k];
    double *ru = o->region_unserved + k * w->ng;
    unsigned char *rc = o->region_cut + k * w->ng, *pc = o->pair_cut + k * w->np;
    mark_down(w, a, b, 1);
    connectivity(w, pc, rc);
    mark_down(w, a, b, 0);
    region_sums(w, served, ru);
    oc->a = a;
    oc->b = b;
    oc->unserved_tbps = unserved;
    oc->loss_tbps = unserved - o->pub.intact_unserved_tbps;
    oc->routed = routed;
    for (size_t p = 0; p < w->np; p++)
        oc->n_pairs_cut += pc[p] && !o->intact_pair_cut[p];
    for (size_t g = 0; g < w->ng; g++) {
        oc->n_regions_cut += rc[g] && !w->intact_rc[g];
        oc->n_regions_short += ru[g] > w->intact_region[g] + CS_CRITICALITY_EPS_TBPS;
    }
}

/* Routes the network without elements a and b (b may be NONE) into w->r. */
static cs_status route_without(work *w, cs_criticality_unit unit, size_t a, size_t b, cs_error *err)
{
    const cs_criticality_element *el = w->o->elements;
    cs_failures_clear(&w->f);
    for (int s = 0; s < 2; s++) {
        const size_t x = s == 0 ? a : b;
        if (x == NONE) continue;
        if (unit == CS_CRITICALITY_STATION)
            cs_failures_fail_node(&w->f, el[x].index);
        else
            for (size_t i = 0; i < el[x].n_edges; i++)
                cs_failures_fail_edge(&w->f, el[x].edges[i]);
    }
    return cs_router_route(w->router, &w->f, &w->r, err);
}

/* Whether any edge of element x carries flow in used[ne]. */
static bool touches(const work *w, size_t x, const unsigned char *used)
{
    const cs_criticality_element *el = &w->o->elements[x];
    for (size_t i = 0; i < el->n_edges; i++)
        if (used[el->edges[i]]) return true;
    return false;
}

static void mark_used(const cs_routing_result *r, unsigned char *used)
{
    for (size_t e = 0; e < r->n_edges; e++)
        used[e] = r->edge_flow_tbps[e] > 0.0;
}

/* ------------------------------------------------------------- N-1, N-2 */

static cs_status run_intact(work *w, cs_error *err)
{
    owned *o = w->o;
    const cs_status rc = cs_router_route(w->router, NULL, &w->intact, err);
    if (rc != CS_OK) return rc;
    o->pub.demand_tbps = w->intact.demand_tbps;
    o->pub.intact_unserved_tbps = w->intact.unserved_tbps;
    connectivity(w, o->intact_pair_cut, w->intact_rc); /* nothing is down */
    region_sums(w, w->intact.served_tbps, w->intact_region);
    for (size_t g = 0; g < w->ng; g++) {
        o->regions[g].intact_unserved_tbps = w->intact_region[g];
        o->regions[g].intact_cut = w->intact_rc[g] != 0;
    }
    for (size_t i = 0; i < w->nd; i++)
        if (w->demand_pair[i] != NONE)
            o->regions[o->cr_region[w->demand_pair[i]]].demand_tbps += w->dval[i];
    return CS_OK;
}

static cs_status run_singles(work *w, cs_criticality_unit unit, cs_error *err)
{
    owned *o = w->o;
    for (size_t x = 0; x < w->nel; x++) {
        cs_criticality_element *el = &o->elements[x];
        double *served = w->served + x * w->nd;
        unsigned char *used = w->used + x * w->ne;
        mark_used(&w->intact, used); /* the intact network's, until routed */
        el->carries_flow = touches(w, x, used);
        o->pub.n_flow_elements += el->carries_flow;
        const bool route = el->carries_flow || !w->shortcut;
        const cs_routing_result *r = &w->intact;
        if (route) {
            const cs_status rc = route_without(w, unit, x, NONE, err);
            if (rc != CS_OK) return rc;
            r = &w->r;
            mark_used(r, used);
            o->pub.routed_singles++;
        }
        memcpy(served, r->served_tbps, w->nd * sizeof *served);
        w->unserved[x] = r->unserved_tbps;
        record(w, x, x, NONE, served, r->unserved_tbps, route);
    }
    return CS_OK;
}

/*
 * Every pair {a, b}, a < b, in order. A pair takes a's outcome when b's edges
 * carry no flow in a's routing, else b's when a's carry none in b's, else it
 * is routed (see the notes at the top of the file for why this is exact).
 */
static cs_status run_doubles(work *w, cs_criticality_unit unit, cs_error *err)
{
    owned *o = w->o;
    size_t k = w->nel;
    for (size_t a = 0; a < w->nel; a++)
        for (size_t b = a + 1; b < w->nel; b++, k++) {
            const double *served = NULL;
            double unserved = 0.0;
            if (w->shortcut && !touches(w, b, w->used + a * w->ne)) {
                served = w->served + a * w->nd;
                unserved = w->unserved[a];
            } else if (w->shortcut && !touches(w, a, w->used + b * w->ne)) {
                served = w->served + b * w->nd;
                unserved = w->unserved[b];
            } else {
                const cs_status rc = route_without(w, unit, a, b, err);
                if (rc != CS_OK) return rc;
                served = w->r.served_tbps;
                unserved = w->r.unserved_tbps;
                o->pub.routed_doubles++;
            }
            record(w, k, a, b, served, unserved, served == w->r.served_tbps);
            cs_criticality_outcome *oc = &o->outcomes[k];
            const double la = o->outcomes[a].loss_tbps, lb = o->outcomes[b].loss_tbps;
            oc->excess_tbps = oc->loss_tbps - (la > lb ? la : lb);
        }
    return CS_OK;
}

/* ------------------------------------------------------------- ranking */

typedef struct {
    double unserved, excess;
    size_t idx;
} rank_key;

/* Unserved desc, then excess desc, then index. */
static int cmp_key(const void *pa, const void *pb)
{
    const rank_key *x = pa, *y = pb;
    if (x->unserved != y->unserved) return x->unserved < y->unserved ? 1 : -1;
    if (x->excess != y->excess) return x->excess < y->excess ? 1 : -1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Writes outcomes first .. first + n - 1 into out[n], ranked. */
static cs_status rank(const cs_criticality_outcome *oc, size_t first, size_t n, size_t *out,
                      cs_error *err)
{
    rank_key *keys = calloc(n + 1, sizeof *keys);
    if (keys == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory to rank %zu outcomes", n);
    for (size_t i = 0; i < n; i++) {
        keys[i].unserved = oc[first + i].unserved_tbps;
        keys[i].excess = oc[first + i].excess_tbps;
        keys[i].idx = first + i;
    }
    qsort(keys, n, sizeof *keys, cmp_key);
    for (size_t i = 0; i < n; i++)
        out[i] = keys[i].idx;
    free(keys);
    return CS_OK;
}

/* Whether pair outcome k cuts region g off although neither of its elements alone does. */
static bool critical_for(const work *w, size_t k, size_t g)
{
    const owned *o = w->o;
    const cs_criticality_outcome *oc = &o->outcomes[k];
    const unsigned char *rc = o->region_cut;
    return rc[k * w->ng + g] && !w->intact_rc[g] && !rc[oc->a * w->ng + g] &&
           !rc[oc->b * w->ng + g];
}

/*
 * Fills each region's lists when out is set, else only counts: returns the
 * total length of all lists. Singles in single_rank order, pairs in
 * double_rank order.
 */
static size_t region_lists(work *w, size_t *out)
{
    owned *o = w->o;
    size_t n = 0;
    for (size_t g = 0; g < w->ng; g++) {
        cs_criticality_region *r = &o->regions[g];
        const size_t start = n;
        for (size_t i = 0; i < w->nel; i++) {
            const size_t x = o->single_rank[i];
            if (o->region_cut[x * w->ng + g] && !w->intact_rc[g] && out) out[n] = x;
            n += o->region_cut[x * w->ng + g] && !w->intact_rc[g];
        }
        r->cut_by = out ? out + start : NULL;
        r->n_cut_by = n - start;
        const size_t mid = n;
        for (size_t i = 0; i < w->nel; i++) {
            const size_t x = o->single_rank[i];
            const bool short_of = o->region_unserved[x * w->ng + g] >
                                  r->intact_unserved_tbps + CS_CRITICALITY_EPS_TBPS;
            if (short_of && out) out[n] = x;
            n += short_of;
        }
        r->short_by = out ? out + mid : NULL;
        r->n_short_by = n - mid;
        const size_t last = n;
        for (size_t i = 0; i < o->pub.n_doubles; i++) {
            const size_t k = o->double_rank[i];
            if (critical_for(w, k, g) && out) out[n] = k;
            n += critical_for(w, k, g);
        }
        r->critical = out ? out + last : NULL;
        r->n_critical = n - last;
    }
    return n;
}

static cs_status build_lists(work *w, cs_error *err)
{
    owned *o = w->o;
    const size_t total = region_lists(w, NULL);
    o->region_list = calloc(total + 1, sizeof *o->region_list);
    o->critical = calloc(o->pub.n_doubles + 1, sizeof *o->critical);
    if (o->region_list == NULL || o->critical == NULL)
        return cs_errorf(err, CS_ENOMEM, "out of memory for the lists of %zu regions", w->ng);
    region_lists(w, o->region_list);
    for (size_t i = 0; i < o->pub.n_doubles; i++) {
        const size_t k = o->double_rank[i];
        bool any = false;
        for (size_t g = 0; g < w->ng && !any; g++)
            any = critical_for(w, k, g);
        if (any) o->critical[o->pub.n_critical++] = k;
    }
    return CS_OK;
}

/* ------------------------------------------------------------- entry points */

/* Points the public fields at the arrays. */
static void publish(owned *o, const work *w)
{
    cs_criticality_t *p = &o->pub;
    p->n_elements = w->nel;
    p->elements = o->elements;
    p->n_regions = w->ng;
    p->regions = o->regions;
    p->n_city_regions = w->np;
    p->city_region_city = o->cr_city;
    p->city_region_region = o->cr_region;
    p->intact_pair_cut = o->intact_pair_cut;
    p->outcomes = o->outcomes;
    p->region_unserved = o->region_unserved;
    p->region_cut = o->region_cut;
    p->pair_cut = o->pair_cut;
    p->single_rank = o->single_rank;
    p->double_rank = o->double_rank;
    p->critical = o->critical;
}

static cs_status compute(work *w, const cs_criticality_options *opt, cs_error *err)
{
    cs_status rc;
    if ((rc = build_pairs(w, err)) != CS_OK) return rc;
    if ((rc = build_elements(w, opt->unit, err)) != CS_OK) return rc;
    if ((rc = alloc_work(w, opt, err)) != CS_OK) return rc;
    if ((rc = alloc_outcomes(w, opt->k, err)) != CS_OK) return rc;
    if ((rc = run_intact(w, err)) != CS_OK) return rc;
    if ((rc = run_singles(w, opt->unit, err)) != CS_OK) return rc;
    if (opt->k == 2 && (rc = run_doubles(w, opt->unit, err)) != CS_OK) return rc;
    if ((rc = rank(w->o->outcomes, 0, w->nel, w->o->single_rank, err)) != CS_OK) return rc;
    if ((rc = rank(w->o->outcomes, w->nel, w->o->pub.n_doubles, w->o->double_rank, err)) != CS_OK)
        return rc;
    return build_lists(w, err);
}

cs_status cs_criticality_compute(cs_criticality_t **out, const cs_topology_t *t,
                                 const cs_demand_t *d, const cs_criticality_options *opt,
                                 cs_error *err)
{
    *out = NULL;
    const cs_criticality_options dflt = CS_CRITICALITY_OPTIONS_INIT;
    if (opt == NULL) opt = &dflt;
    cs_status rc = check_options(opt, err);
    if (rc != CS_OK) return rc;
    owned *o = calloc(1, sizeof *o);
    if (o == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for a criticality analysis");
    o->pub.unit = opt->unit;
    o->pub.k = opt->k;
    work w;
    memset(&w, 0, sizeof w);
    w.t = t;
    w.d = d;
    w.o = o;
    w.ne = cs_topology_edge_count(t);
    w.nn = cs_topology_node_count(t);
    w.nd = cs_demand_count(d);
    w.shortcut = !opt->brute_force && cs_routing_ignores_unused_edges(opt->routing.mode);
    rc = compute(&w, opt, err);
    publish(o, &w);
    free_work(&w);
    if (rc != CS_OK) {
        cs_criticality_free(&o->pub);
        return rc;
    }
    *out = &o->pub;
    return CS_OK;
}

void cs_criticality_free(cs_criticality_t *c)
{
    if (c == NULL) return;
    owned *o = (owned *)c; /* pub is the first member */
    free(o->elements);
    free(o->element_edges);
    free(o->regions);
    free(o->cr_city);
    free(o->cr_region);
    free(o->intact_pair_cut);
    free(o->outcomes);
    free(o->region_unserved);
    free(o->region_cut);
    free(o->pair_cut);
    free(o->single_rank);
    free(o->double_rank);
    free(o->critical);
    free(o->region_list);
    free(o);
}

const char *cs_criticality_unit_name(cs_criticality_unit u)
{
    switch (u) {
    case CS_CRITICALITY_SEGMENT:
        return "segment";
    case CS_CRITICALITY_CABLE:
        return "cable";
    case CS_CRITICALITY_STATION:
        return "station";
    }
    return "unknown";
}

bool cs_criticality_unit_parse(const char *s, cs_criticality_unit *u)
{
    for (int i = CS_CRITICALITY_SEGMENT; i <= CS_CRITICALITY_STATION; i++)
        if (strcmp(s, cs_criticality_unit_name((cs_criticality_unit)i)) == 0) {
            *u = (cs_criticality_unit)i;
            return true;
        }
    return false;
}

bool cs_criticality_outcome_hurts(const cs_criticality_outcome *o)
{
    return o->loss_tbps > CS_CRITICALITY_EPS_TBPS || o->n_pairs_cut > 0 || o->n_regions_short > 0;
}

bool cs_criticality_newly_cut(const cs_criticality_t *c, size_t k, size_t g)
{
    assert(k < c->n_outcomes && g < c->n_regions);
    return c->region_cut[k * c->n_regions + g] && !c->regions[g].intact_cut;
}
