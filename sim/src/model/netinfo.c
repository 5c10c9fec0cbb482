/*
 * netinfo.c: counts, landing concentration, min cuts and separating sets
 * (the separating sets themselves are enumerated in netinfo_sep.c).
 *
 * Implementation notes. Everything is derived from the topology's node and
 * edge arrays. A compressed adjacency (each node's incident edges, in edge
 * order) serves both the region search over links and the connectivity
 * checks of the enumeration. The two flow problems are posed on temporary
 * directed igraph graphs, built and destroyed per region:
 *
 *   capacity graph: vertex i is node i, S = n, T = n + 1. Each edge gives two
 *     opposite arcs of its capacity; S -> Japanese city and region city -> T
 *     arcs get more than the total capacity, so they are never the cut.
 *   split graph: node i becomes in(i) = 2i -> out(i) = 2i + 1, an arc of
 *     capacity 1 for a Japanese landing station and of "infinity" otherwise;
 *     each edge gives out(u) -> in(v) and out(v) -> in(u) of infinity;
 *     S = 2n, T = 2n + 1. Infinity is the number of Japanese landing stations
 *     plus one: any cut using such an arc costs more than removing them all.
 *
 * The value of the split graph's maximum flow is k. Enumerating all sets of
 * k stations would not do on the real network (k is about 15 of 68 stations),
 * so the sets are narrowed down first, without losing any: every minimum cut
 * takes exactly one station from each of the k unit paths of the flow, and
 * only stations that belong to some minimum cut (tested on the residual
 * graph) are kept. Each choice of one kept station per path is then checked
 * with a breadth-first search on the topology, as the definition says.
 */
#include "cablesim/netinfo.h"
#include "model/netinfo_impl.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <igraph.h>

/* qsort() order of named: by name, then id (when both have one), then index. */
int cs_ni_cmp_named(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c == 0 && x->id != NULL && y->id != NULL) c = strcmp(x->id, y->id);
    if (c != 0) return c;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* qsort() order of size_t values. */
int cs_ni_cmp_size(const void *a, const void *b)
{
    const size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* The node at the other end of edge e from node v. */
size_t cs_ni_other_end(const cs_edge *e, size_t v)
{
    return e->from == v ? e->to : e->from;
}

/* ------------------------------------------------------------ workspace */

/* Frees c's arrays (not c). Safe on a zeroed or partly built ctx. */
static void ctx_destroy(ctx *c)
{
    free(c->adj_off);
    free(c->adj_edge);
    free(c->queue);
    free(c->mark);
    free(c->removed);
    free(c->in_region);
    free(c->japan_city);
    free(c->jp_station);
    free(c->cable_cap);
    free(c->cable_rank);
    free(c->cable_by_rank);
    free(c->cable_japan);
    free(c->cable_flag);
}

/* Builds the adjacency: node v's incident edges are adj_edge[adj_off[v] .. adj_off[v+1]). */
static void build_adjacency(ctx *c)
{
    memset(c->adj_off, 0, (c->nn + 1) * sizeof *c->adj_off);
    for (size_t j = 0; j < c->ne; j++) {
        const cs_edge *e = cs_topology_edge(c->t, j);
        c->adj_off[e->from + 1]++;
        c->adj_off[e->to + 1]++;
    }
    for (size_t v = 0; v < c->nn; v++)
        c->adj_off[v + 1] += c->adj_off[v];
    assert(c->adj_off[c->nn] == 2 * c->ne); /* each edge listed at both ends */
    /* queue doubles as the fill cursor here; it is free until the first search. */
    memcpy(c->queue, c->adj_off, c->nn * sizeof *c->queue);
    for (size_t j = 0; j < c->ne; j++) {
        const cs_edge *e = cs_topology_edge(c->t, j);
        assert(c->queue[e->from] < c->adj_off[e->from + 1] &&
               c->queue[e->to] < c->adj_off[e->to + 1]);
        c->adj_edge[c->queue[e->from]++] = j;
        c->adj_edge[c->queue[e->to]++] = j;
    }
#ifndef NDEBUG
    for (size_t v = 0; v < c->nn; v++) /* offsets monotone, every slot filled */
        assert(c->adj_off[v] <= c->adj_off[v + 1] && c->queue[v] == c->adj_off[v + 1]);
#endif
}

/* Ranks the cables by name so that any list of cables can be sorted by rank. */
static cs_status rank_cables(ctx *c, cs_error *err)
{
    named *v = malloc((c->nc + 1) * sizeof *v);
    if (v == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
    for (size_t i = 0; i < c->nc; i++)
        v[i] = (named){cs_topology_cable(c->t, i), NULL, i};
    qsort(v, c->nc, sizeof *v, cs_ni_cmp_named);
    for (size_t r = 0; r < c->nc; r++) {
        c->cable_by_rank[r] = v[r].idx;
        c->cable_rank[v[r].idx] = r;
    }
    free(v);
    return CS_OK;
}

/*
 * Allocates and fills the workspace for t: adjacency, station and city
 * flags, each cable's largest capacity and name rank. On failure the caller
 * still owes ctx_destroy().
 */
static cs_status ctx_init(ctx *c, const cs_topology_t *t, cs_error *err)
{
    memset(c, 0, sizeof *c);
    c->t = t;
    c->nn = cs_topology_node_count(t);
    c->ne = cs_topology_edge_count(t);
    c->nc = cs_topology_cable_count(t);
    const size_t nn = c->nn + 1, nc = c->nc + 1;
    c->adj_off = malloc(nn * sizeof *c->adj_off);
    c->adj_edge = malloc((2 * c->ne + 1) * sizeof *c->adj_edge);
    c->queue = malloc(nn * sizeof *c->queue);
    c->mark = malloc(nn);
    c->removed = calloc(nn, 1);
    c->in_region = calloc(nn, 1);
    c->japan_city = calloc(nn, sizeof *c->japan_city);
    c->jp_station = calloc(nn, sizeof *c->jp_station);
    c->cable_cap = calloc(nc, sizeof *c->cable_cap);
    c->cable_rank = malloc(nc * sizeof *c->cable_rank);
    c->cable_by_rank = malloc(nc * sizeof *c->cable_by_rank);
    c->cable_japan = calloc(nc, sizeof *c->cable_japan);
    c->cable_flag = calloc(nc, sizeof *c->cable_flag);
    if (!c->adj_off || !c->adj_edge || !c->queue || !c->mark || !c->removed || !c->in_region ||
        !c->japan_city || !c->jp_station || !c->cable_cap || !c->cable_rank || !c->cable_by_rank ||
        !c->cable_japan || !c->cable_flag)
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(t));
    build_adjacency(c);
    for (size_t v = 0; v < c->nn; v++) {
        const cs_node *n = cs_topology_node(t, v);
        c->jp_station[v] = n->kind == CS_NODE_LANDING && cs_node_is_japan(n);
        c->n_jp_stations += c->jp_station[v];
        c->japan_city[v] = n->kind == CS_NODE_CITY && cs_node_is_japan(n);
    }
    for (size_t j = 0; j < c->ne; j++) {
        const cs_edge *e = cs_topology_edge(t, j);
        if (e->kind == CS_EDGE_SEGMENT && e->capacity_tbps > c->cable_cap[e->cable_index])
            c->cable_cap[e->cable_index] = e->capacity_tbps;
    }
    return rank_cables(c, err);
}

/* --------------------------------------------------------------- regions */

/*
 * The region of the first city a breadth-first search from start reaches
 * through links only, or NULL. Neighbours are visited in edge order, so the
 * answer does not depend on anything but the file.
 */
static const char *linked_region(ctx *c, size_t start)
{
    memset(c->mark, 0, c->nn);
    size_t head = 0, tail = 0;
    c->queue[tail++] = start;
    c->mark[start] = 1;
    while (head < tail) {
        const size_t v = c->queue[head++];
        const cs_node *n = cs_topology_node(c->t, v);
        if (v != start && n->kind == CS_NODE_CITY) return n->region;
        for (size_t a = c->adj_off[v]; a < c->adj_off[v + 1]; a++) {
            const cs_edge *e = cs_topology_edge(c->t, c->adj_edge[a]);
            const size_t w = cs_ni_other_end(e, v);
            if (e->kind != CS_EDGE_LINK || c->mark[w]) continue;
            c->mark[w] = 1;
            c->queue[tail++] = w;
        }
    }
    return NULL;
}

/* Fills ni->node_region: each node's own region, else the one its links lead to. */
static cs_status assign_regions(cs_netinfo_t *ni, ctx *c, cs_error *err)
{
    const char **reg = malloc((c->nn + 1) * sizeof *reg);
    if (reg == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
    for (size_t v = 0; v < c->nn; v++) {
        const cs_node *n = cs_topology_node(c->t, v);
        reg[v] = n->region != NULL ? n->region : linked_region(c, v);
    }
    ni->node_region = reg;
    return CS_OK;
}

/* ---------------------------------------------------------------- counts */

/* Counts nodes and edges by kind and adds up the lengths. */
static void count_features(cs_netinfo_t *ni, const ctx *c)
{
    for (size_t v = 0; v < c->nn; v++)
        ni->nodes[cs_topology_node(c->t, v)->kind]++;
    for (size_t j = 0; j < c->ne; j++) {
        const cs_edge *e = cs_topology_edge(c->t, j);
        ni->edges[e->kind]++;
        if (e->kind == CS_EDGE_SEGMENT)
            ni->segment_km += e->length_km;
        else
            ni->link_km += e->length_km;
    }
    ni->n_cables = c->nc;
}

/* qsort() order of countries: most landing stations first, then by code. */
static int cmp_country(const void *a, const void *b)
{
    const cs_netinfo_country *x = a, *y = b;
    if (x->count != y->count) return x->count < y->count ? 1 : -1;
    return strcmp(x->country, y->country);
}

/* Fills ni->countries. Countries are few, so a linear search per station will do. */
static cs_status count_countries(cs_netinfo_t *ni, const ctx *c, cs_error *err)
{
    cs_netinfo_country *v = malloc((c->nn + 1) * sizeof *v);
    if (v == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
    size_t n = 0;
    for (size_t i = 0; i < c->nn; i++) {
        const cs_node *node = cs_topology_node(c->t, i);
        if (node->kind != CS_NODE_LANDING) continue;
        size_t k = 0;
        while (k < n && strcmp(v[k].country, node->country) != 0)
            k++;
        if (k == n) v[n++] = (cs_netinfo_country){node->country, 0};
        v[k].count++;
    }
    qsort(v, n, sizeof *v, cmp_country);
    ni->countries = v;
    ni->n_countries = n;
    return CS_OK;
}

/* --------------------------------------------------------- concentration */

/*
 * Sorts the cable indices idx[0..*n) by cable name and drops duplicates, in
 * place (through the name ranks).
 */
static void sort_cables(const ctx *c, size_t *idx, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        idx[i] = c->cable_rank[idx[i]];
    qsort(idx, *n, sizeof *idx, cs_ni_cmp_size);
    size_t m = 0;
    for (size_t i = 0; i < *n; i++)
        if (m == 0 || idx[m - 1] != idx[i]) idx[m++] = idx[i];
    for (size_t i = 0; i < m; i++)
        idx[i] = c->cable_by_rank[idx[i]];
    *n = m;
}

/* Fills st with the cable systems landing at node v and their design capacity. */
static cs_status station_cables(cs_netinfo_station *st, const ctx *c, size_t v, cs_error *err)
{
    const size_t deg = c->adj_off[v + 1] - c->adj_off[v];
    size_t *cab = malloc((deg + 1) * sizeof *cab), n = 0;
    if (cab == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
    for (size_t a = c->adj_off[v]; a < c->adj_off[v + 1]; a++) {
        const cs_edge *e = cs_topology_edge(c->t, c->adj_edge[a]);
        if (e->kind == CS_EDGE_SEGMENT) cab[n++] = e->cable_index;
    }
    sort_cables(c, cab, &n);
    st->node = v;
    st->cables = cab;
    st->n_cables = n;
    st->design_tbps = 0.0;
    for (size_t i = 0; i < n; i++)
        st->design_tbps += c->cable_cap[cab[i]];
    return CS_OK;
}

/* A station with the names it is sorted by. */
typedef struct {
    cs_netinfo_station st;
    const char *name, *id;
} station_key;

/* qsort() order of stations: most systems first, then by name, then id. */
static int cmp_station(const void *a, const void *b)
{
    const station_key *x = a, *y = b;
    if (x->st.n_cables != y->st.n_cables) return x->st.n_cables < y->st.n_cables ? 1 : -1;
    const int k = strcmp(x->name, y->name);
    return k != 0 ? k : strcmp(x->id, y->id);
}

/* Orders the stations by number of systems (desc), then name, then id. */
static cs_status sort_stations(cs_netinfo_station *st, size_t n, const ctx *c, cs_error *err)
{
    station_key *key = malloc((n + 1) * sizeof *key);
    if (key == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
    for (size_t i = 0; i < n; i++) {
        const cs_node *node = cs_topology_node(c->t, st[i].node);
        key[i] = (station_key){st[i], node->name, node->id};
    }
    qsort(key, n, sizeof *key, cmp_station);
    for (size_t i = 0; i < n; i++)
        st[i] = key[i].st;
    free(key);
    return CS_OK;
}

/* Share of the Japan-landing systems that land at one of the first k stations. */
static double top_share(const cs_netinfo_t *ni, const ctx *c, size_t k)
{
    if (ni->n_japan_cables == 0) return 0.0;
    memset(c->cable_flag, 0, (c->nc + 1) * sizeof *c->cable_flag);
    size_t hit = 0;
    for (size_t i = 0; i < k && i < ni->n_stations; i++)
        for (size_t m = 0; m < ni->stations[i].n_cables; m++) {
            const size_t cab = ni->stations[i].cables[m];
            hit += !c->cable_flag[cab];
            c->cable_flag[cab] = true;
        }
    return (double)hit / (double)ni->n_japan_cables;
}

/* Fills ni->stations, ni->n_japan_cables and ni->top_share. */
static cs_status concentration(cs_netinfo_t *ni, ctx *c, cs_error *err)
{
    cs_netinfo_station *st = calloc(c->n_jp_stations + 1, sizeof *st);
    if (st == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
    ni->stations = st;
    for (size_t v = 0; v < c->nn; v++) {
        if (!c->jp_station[v]) continue;
        cs_status rc = station_cables(&st[ni->n_stations], c, v, err);
        if (rc != CS_OK) return rc;
        ni->n_stations++;
    }
    cs_status rc = sort_stations(st, ni->n_stations, c, err);
    if (rc != CS_OK) return rc;
    memset(c->cable_flag, 0, (c->nc + 1) * sizeof *c->cable_flag);
    for (size_t i = 0; i < ni->n_stations; i++)
        for (size_t m = 0; m < st[i].n_cables; m++) {
            ni->n_japan_cables += !c->cable_flag[st[i].cables[m]];
            c->cable_flag[st[i].cables[m]] = true;
        }
    for (size_t k = 0; k < 3; k++)
        ni->top_share[k] = top_share(ni, c, k + 1);
    return CS_OK;
}

/* ----------------------------------------------------------------- flows */

/* Frees a's vectors. Accepts a zeroed arcs. */
void cs_ni_arcs_destroy(arcs *a)
{
    if (a->ends_ok) igraph_vector_int_destroy(&a->ends);
    if (a->cap_ok) igraph_vector_destroy(&a->cap);
}

/* Sizes a for exactly n arcs. */
cs_status cs_ni_arcs_init(arcs *a, size_t n, const ctx *c, cs_error *err)
{
    memset(a, 0, sizeof *a);
    a->ends_ok = igraph_vector_int_init(&a->ends, (igraph_integer_t)(2 * n)) == IGRAPH_SUCCESS;
    a->cap_ok = igraph_vector_init(&a->cap, (igraph_integer_t)n) == IGRAPH_SUCCESS;
    if (a->ends_ok && a->cap_ok) return CS_OK;
    cs_ni_arcs_destroy(a);
    return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
}

/* Appends the arc from -> to of capacity cap. Assumes (a) room was sized by cs_ni_arcs_init(). */
void cs_ni_arcs_add(arcs *a, size_t from, size_t to, double cap)
{
    assert(2 * a->n + 1 < (size_t)igraph_vector_int_size(&a->ends));
    VECTOR(a->ends)[2 * a->n] = (igraph_integer_t)from;
    VECTOR(a->ends)[2 * a->n + 1] = (igraph_integer_t)to;
    VECTOR(a->cap)[a->n] = cap;
    a->n++;
}

/*
 * Maximum flow from s to target on the graph of nv vertices and arcs a; also
 * the flow on each arc when flow is not NULL (an initialised vector).
 */
cs_status cs_ni_max_flow(double *value, igraph_vector_t *flow, const arcs *a, size_t nv, size_t s,
                         size_t target, const ctx *c, const char *region, cs_error *err)
{
    igraph_t g;
    if (igraph_create(&g, &a->ends, (igraph_integer_t)nv, IGRAPH_DIRECTED) != IGRAPH_SUCCESS)
        return cs_errorf(err, CS_EIGRAPH, "%s: region \"%s\": cannot build the flow graph: %s",
                         cs_topology_path(c->t), region, cs_igraph_last_reason());
    igraph_maxflow_stats_t stats;
    igraph_real_t v = 0.0;
    const igraph_error_t rc =
        flow != NULL ? igraph_maxflow(&g, &v, flow, NULL, NULL, NULL, (igraph_integer_t)s,
                                      (igraph_integer_t)target, &a->cap, &stats)
                     : igraph_maxflow_value(&g, &v, (igraph_integer_t)s, (igraph_integer_t)target,
                                            &a->cap, &stats);
    igraph_destroy(&g);
    if (rc != IGRAPH_SUCCESS)
        return cs_errorf(err, CS_EIGRAPH, "%s: region \"%s\": maximum flow failed: %s",
                         cs_topology_path(c->t), region, cs_igraph_last_reason());
    *value = v;
    return CS_OK;
}

/*
 * Whether traffic from Japan to the region may use e: always, unless e says
 * transit: false and its country (both ends share one) is neither Japan nor
 * the country of one of the region's cities.
 */
static bool region_may_use(const ctx *c, const cs_edge *e)
{
    if (e->transit) return true;
    const cs_node *from = cs_topology_node(c->t, e->from);
    const char *cc = from->country; /* both ends of a restricted link share it */
    if (cs_node_is_japan(from)) return true;
    for (size_t v = 0; v < c->nn; v++)
        if (c->in_region[v] && strcmp(cs_topology_node(c->t, v)->country, cc) == 0) return true;
    return false;
}

/* Min cut between Japan's cities and the region's (c->in_region), on design or lit capacity,
 * over the edges the region's traffic may use (region_may_use). */
static cs_status region_mincut(double *out, const ctx *c, const char *region, bool lit,
                               cs_error *err)
{
    double total = 0.0;
    size_t nterm = 0;
    for (size_t j = 0; j < c->ne; j++)
        total += cs_topology_edge(c->t, j)->capacity_tbps;
    for (size_t v = 0; v < c->nn; v++)
        nterm += c->japan_city[v] || c->in_region[v];
    const double big = 2.0 * total + 1.0;
    const size_t s = c->nn, target = c->nn + 1;
    arcs a;
    cs_status rc = cs_ni_arcs_init(&a, 2 * c->ne + nterm, c, err);
    if (rc != CS_OK) return rc;
    for (size_t j = 0; j < c->ne; j++) {
        const cs_edge *e = cs_topology_edge(c->t, j);
        const double cap = !region_may_use(c, e) ? 0.0 : lit ? e->lit_tbps : e->capacity_tbps;
        cs_ni_arcs_add(&a, e->from, e->to, cap);
        cs_ni_arcs_add(&a, e->to, e->from, cap);
    }
    for (size_t v = 0; v < c->nn; v++) {
        if (c->japan_city[v])
            cs_ni_arcs_add(&a, s, v, big);
        else if (c->in_region[v])
            cs_ni_arcs_add(&a, v, target, big);
    }
    rc = cs_ni_max_flow(out, NULL, &a, c->nn + 2, s, target, c, region, err);
    cs_ni_arcs_destroy(&a);
    return rc;
}

/* ------------------------------------------------------------ per region */

/* The systems landing both at a station of region Japan and at one of r; their design sum. */
static cs_status region_cables(cs_netinfo_region *r, const cs_netinfo_t *ni, ctx *c, cs_error *err)
{
    memset(c->cable_flag, 0, (c->nc + 1) * sizeof *c->cable_flag);
    for (size_t j = 0; j < c->ne; j++) {
        const cs_edge *e = cs_topology_edge(c->t, j);
        if (e->kind != CS_EDGE_SEGMENT) continue;
        const size_t ends[2] = {e->from, e->to};
        for (int k = 0; k < 2; k++) {
            const char *reg = ni->node_region[ends[k]];
            if (cs_topology_node(c->t, ends[k])->kind == CS_NODE_LANDING && reg != NULL &&
                strcmp(reg, r->name) == 0)
                c->cable_flag[e->cable_index] = true;
        }
    }
    size_t *cab = malloc((c->nc + 1) * sizeof *cab), n = 0;
    if (cab == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
    for (size_t k = 0; k < c->nc; k++)
        if (c->cable_flag[k] && c->cable_japan[k]) cab[n++] = k;
    sort_cables(c, cab, &n);
    r->cables = cab;
    r->n_cables = n;
    for (size_t i = 0; i < n; i++)
        r->design_tbps += c->cable_cap[cab[i]];
    return CS_OK;
}

/* Marks the cables landing at a landing station of region Japan. */
static void mark_japan_cables(ctx *c, const cs_netinfo_t *ni)
{
    for (size_t j = 0; j < c->ne; j++) {
        const cs_edge *e = cs_topology_edge(c->t, j);
        if (e->kind != CS_EDGE_SEGMENT) continue;
        const size_t ends[2] = {e->from, e->to};
        for (int k = 0; k < 2; k++) {
            const char *reg = ni->node_region[ends[k]];
            if (cs_topology_node(c->t, ends[k])->kind == CS_NODE_LANDING && reg != NULL &&
                strcmp(reg, CS_REGION_JAPAN) == 0)
                c->cable_japan[e->cable_index] = true;
        }
    }
}

/* Fills everything about region r (its name is set). */
static cs_status analyse_region(cs_netinfo_region *r, cs_netinfo_t *ni, ctx *c, size_t max_checks,
                                cs_error *err)
{
    size_t *cities = malloc((c->nn + 1) * sizeof *cities);
    if (cities == NULL)
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
    r->cities = cities;
    memset(c->in_region, 0, c->nn);
    for (size_t v = 0; v < c->nn; v++) {
        const cs_node *n = cs_topology_node(c->t, v);
        if (n->kind == CS_NODE_CITY && strcmp(n->region, r->name) == 0) {
            c->in_region[v] = 1;
            cities[r->n_cities++] = v;
        }
    }
    cs_status rc = region_cables(r, ni, c, err);
    if (rc == CS_OK) rc = region_mincut(&r->mincut_tbps, c, r->name, false, err);
    if (rc == CS_OK) rc = region_mincut(&r->lit_mincut_tbps, c, r->name, true, err);
    if (rc == CS_OK) rc = cs_ni_region_separation(r, c, max_checks, err);
    return rc;
}

/* qsort() order of strings. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Lists the foreign regions (distinct regions of non-Japan cities) by name. */
static cs_status list_regions(cs_netinfo_t *ni, const ctx *c, cs_error *err)
{
    const char **names = malloc((c->nn + 1) * sizeof *names);
    if (names == NULL)
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
    size_t n = 0;
    for (size_t v = 0; v < c->nn; v++) {
        const cs_node *node = cs_topology_node(c->t, v);
        if (node->kind == CS_NODE_CITY && !cs_node_is_japan(node)) names[n++] = node->region;
    }
    qsort(names, n, sizeof *names, cmp_str);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || strcmp(names[m - 1], names[i]) != 0) names[m++] = names[i];
    cs_netinfo_region *regs = calloc(m + 1, sizeof *regs);
    if (regs == NULL) {
        free(names);
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
    }
    for (size_t i = 0; i < m; i++)
        regs[i].name = names[i];
    free(names);
    ni->regions = regs;
    ni->n_regions = m;
    return CS_OK;
}

/* ------------------------------------------------------------------ API */

cs_status cs_netinfo_compute(cs_netinfo_t **out, const cs_topology_t *t,
                             const cs_netinfo_options *opt, cs_error *err)
{
    *out = NULL;
    const cs_netinfo_options defaults = CS_NETINFO_OPTIONS_INIT;
    if (opt == NULL) opt = &defaults;
    if (opt->max_checks == 0)
        return cs_errorf(err, CS_EINVAL, "%s: netinfo: max_checks: expected a number > 0, found 0",
                         cs_topology_path(t));
    cs_netinfo_t *ni = calloc(1, sizeof *ni);
    if (ni == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(t));
    ctx c;
    cs_status rc = ctx_init(&c, t, err);
    if (rc == CS_OK) rc = assign_regions(ni, &c, err);
    if (rc == CS_OK) {
        count_features(ni, &c);
        mark_japan_cables(&c, ni);
        rc = count_countries(ni, &c, err);
    }
    if (rc == CS_OK) rc = concentration(ni, &c, err);
    if (rc == CS_OK) rc = list_regions(ni, &c, err);
    for (size_t i = 0; rc == CS_OK && i < ni->n_regions; i++)
        rc = analyse_region((cs_netinfo_region *)&ni->regions[i], ni, &c, opt->max_checks, err);
    ctx_destroy(&c);
    if (rc != CS_OK) {
        cs_netinfo_free(ni);
        return rc;
    }
    *out = ni;
    return CS_OK;
}

void cs_netinfo_free(cs_netinfo_t *ni)
{
    if (ni == NULL) return;
    for (size_t i = 0; i < ni->n_stations; i++)
        free((size_t *)ni->stations[i].cables);
    for (size_t i = 0; i < ni->n_regions; i++) {
        free((size_t *)ni->regions[i].cities);
        free((size_t *)ni->regions[i].cables);
        free((size_t *)ni->regions[i].sets);
    }
    free((char **)ni->node_region);
    free((cs_netinfo_country *)ni->countries);
    free((cs_netinfo_station *)ni->stations);
    free((cs_netinfo_region *)ni->regions);
    free(ni);
}

const char *cs_netinfo_separation_name(cs_netinfo_separation s)
{
    switch (s) {
    case CS_NETINFO_SEPARABLE:
        return "separable";
    case CS_NETINFO_DISCONNECTED:
        return "disconnected";
    case CS_NETINFO_NOT_SEPARABLE:
        return "not_separable";
    }
    return "?";
}
