/*
 * netinfo.c: counts, landing concentration, min cuts and separating sets.
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

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <igraph.h>

/* Scratch state shared by the steps of one computation. */
typedef struct {
    const cs_topology_t *t;
    size_t nn, ne, nc;
    size_t *adj_off;          /* nn + 1 offsets into adj_edge */
    size_t *adj_edge;         /* incident edge indices, in edge order */
    size_t *queue;            /* BFS queue, nn */
    unsigned char *mark;      /* BFS visited marks, nn */
    unsigned char *removed;   /* stations removed in a connectivity check, nn */
    unsigned char *in_region; /* cities of the region being examined, nn */
    bool *japan_city;         /* cities of region Japan, nn */
    bool *jp_station;         /* landing stations with country "JP", nn */
    size_t n_jp_stations;
    double *cable_cap;     /* largest segment capacity of each cable, nc */
    size_t *cable_rank;    /* position of each cable in name order, nc */
    size_t *cable_by_rank; /* inverse of cable_rank, nc */
    bool *cable_japan;     /* cable lands at a station of region Japan, nc */
    bool *cable_flag;      /* scratch per cable, nc */
} ctx;

/* A name with a tie-breaking id and the index it stands for, for sorting. */
typedef struct {
    const char *name;
    const char *id;
    size_t idx;
} named;

/* qsort() order of named: by name, then id (when both have one), then index. */
static int cmp_named(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c == 0 && x->id != NULL && y->id != NULL) c = strcmp(x->id, y->id);
    if (c != 0) return c;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/* qsort() order of size_t values. */
static int cmp_size(const void *a, const void *b)
{
    const size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* The node at the other end of edge e from node v. */
static size_t other_end(const cs_edge *e, size_t v)
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
    /* queue doubles as the fill cursor here; it is free until the first search. */
    memcpy(c->queue, c->adj_off, c->nn * sizeof *c->queue);
    for (size_t j = 0; j < c->ne; j++) {
        const cs_edge *e = cs_topology_edge(c->t, j);
        c->adj_edge[c->queue[e->from]++] = j;
        c->adj_edge[c->queue[e->to]++] = j;
    }
}

/* Ranks the cables by name so that any list of cables can be sorted by rank. */
static cs_status rank_cables(ctx *c, cs_error *err)
{
    named *v = malloc((c->nc + 1) * sizeof *v);
    if (v == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
    for (size_t i = 0; i < c->nc; i++)
        v[i] = (named){cs_topology_cable(c->t, i), NULL, i};
    qsort(v, c->nc, sizeof *v, cmp_named);
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
            const size_t w = other_end(e, v);
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
    qsort(idx, *n, sizeof *idx, cmp_size);
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

/* The arcs and capacities of a directed flow graph under construction. */
typedef struct {
    igraph_vector_int_t ends;
    igraph_vector_t cap;
    size_t n;
    bool ends_ok, cap_ok;
} arcs;

/* Frees a's vectors. Accepts a zeroed arcs. */
static void arcs_destroy(arcs *a)
{
    if (a->ends_ok) igraph_vector_int_destroy(&a->ends);
    if (a->cap_ok) igraph_vector_destroy(&a->cap);
}

/* Sizes a for exactly n arcs. */
static cs_status arcs_init(arcs *a, size_t n, const ctx *c, cs_error *err)
{
    memset(a, 0, sizeof *a);
    a->ends_ok = igraph_vector_int_init(&a->ends, (igraph_integer_t)(2 * n)) == IGRAPH_SUCCESS;
    a->cap_ok = igraph_vector_init(&a->cap, (igraph_integer_t)n) == IGRAPH_SUCCESS;
    if (a->ends_ok && a->cap_ok) return CS_OK;
    arcs_destroy(a);
    return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
}

/* Appends the arc from -> to of capacity cap. Assumes (a) room was sized by arcs_init(). */
static void arcs_add(arcs *a, size_t from, size_t to, double cap)
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
static cs_status max_flow(double *value, igraph_vector_t *flow, const arcs *a, size_t nv, size_t s,
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
    const char *cc = cs_topology_node(c->t, e->from)->country;
    if (strcmp(cc, CS_COUNTRY_JAPAN) == 0) return true;
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
    cs_status rc = arcs_init(&a, 2 * c->ne + nterm, c, err);
    if (rc != CS_OK) return rc;
    for (size_t j = 0; j < c->ne; j++) {
        const cs_edge *e = cs_topology_edge(c->t, j);
        const double cap = !region_may_use(c, e) ? 0.0 : lit ? e->lit_tbps : e->capacity_tbps;
        arcs_add(&a, e->from, e->to, cap);
        arcs_add(&a, e->to, e->from, cap);
    }
    for (size_t v = 0; v < c->nn; v++) {
        if (c->japan_city[v])
            arcs_add(&a, s, v, big);
        else if (c->in_region[v])
            arcs_add(&a, v, target, big);
    }
    rc = max_flow(out, NULL, &a, c->nn + 2, s, target, c, region, err);
    arcs_destroy(&a);
    return rc;
}

/* ------------------------------------------------------------ separation */

/* Whether a Japanese city still reaches a city of the region, avoiding removed nodes. */
static bool connected(ctx *c)
{
    memset(c->mark, 0, c->nn);
    size_t head = 0, tail = 0;
    for (size_t v = 0; v < c->nn; v++)
        if (c->japan_city[v]) {
            c->mark[v] = 1;
            c->queue[tail++] = v;
        }
    while (head < tail) {
        const size_t v = c->queue[head++];
        if (c->in_region[v]) return true;
        for (size_t a = c->adj_off[v]; a < c->adj_off[v + 1]; a++) {
            const size_t w = other_end(cs_topology_edge(c->t, c->adj_edge[a]), v);
            if (c->mark[w] || c->removed[w]) continue;
            c->mark[w] = 1;
            c->queue[tail++] = w;
        }
    }
    return false;
}

/* Builds the split graph of the notes at the top of the file; split arc i belongs to node i. */
static cs_status split_graph(arcs *a, const ctx *c, double inf, cs_error *err)
{
    size_t nterm = 0;
    for (size_t v = 0; v < c->nn; v++)
        nterm += c->japan_city[v] || c->in_region[v];
    const cs_status rc = arcs_init(a, c->nn + 2 * c->ne + nterm, c, err);
    if (rc != CS_OK) return rc;
    for (size_t v = 0; v < c->nn; v++)
        arcs_add(a, 2 * v, 2 * v + 1, c->jp_station[v] ? 1.0 : inf);
    for (size_t j = 0; j < c->ne; j++) {
        const cs_edge *e = cs_topology_edge(c->t, j);
        arcs_add(a, 2 * e->from + 1, 2 * e->to, inf);
        arcs_add(a, 2 * e->to + 1, 2 * e->from, inf);
    }
    for (size_t v = 0; v < c->nn; v++) {
        if (c->japan_city[v])
            arcs_add(a, 2 * c->nn, 2 * v, inf);
        else if (c->in_region[v])
            arcs_add(a, 2 * v + 1, 2 * c->nn + 1, inf);
    }
    return CS_OK;
}

/*
 * A maximum flow on the split graph, indexed for walking it and its residual
 * graph: inc[off[x] .. off[x+1]) are the arcs incident to vertex x. The
 * capacities are small integers, so the push-relabel flow is integral.
 */
typedef struct {
    const arcs *a;
    const igraph_vector_t *flow;
    size_t nv, s, t;
    size_t *off, *inc;
    double *left;        /* flow not yet assigned to a path, per arc */
    size_t *queue;       /* nv */
    unsigned char *seen; /* nv */
    size_t *walk;        /* arcs of the walk being traced, nv */
    size_t *pos;         /* arcs walked before reaching a vertex, SIZE_MAX when off the walk */
    size_t *next;        /* next incident arc to try, per vertex */
} flownet;

/* Tail (start) of arc i. */
static size_t arc_tail(const arcs *a, size_t i)
{
    return (size_t)VECTOR(a->ends)[2 * i];
}

/* Head (end) of arc i. */
static size_t arc_head(const arcs *a, size_t i)
{
    return (size_t)VECTOR(a->ends)[2 * i + 1];
}

/* Frees f's arrays. Accepts a zeroed flownet. */
static void flownet_destroy(flownet *f)
{
    free(f->off);
    free(f->inc);
    free(f->left);
    free(f->queue);
    free(f->seen);
    free(f->walk);
    free(f->pos);
    free(f->next);
}

/* Indexes the flow on a; on failure the caller still owes flownet_destroy(). */
static cs_status flownet_init(flownet *f, const arcs *a, const igraph_vector_t *flow, size_t nv,
                              const ctx *c, cs_error *err)
{
    memset(f, 0, sizeof *f);
    f->a = a;
    f->flow = flow;
    f->nv = nv;
    f->s = nv - 2;
    f->t = nv - 1;
    f->off = calloc(nv + 1, sizeof *f->off);
    f->inc = malloc((2 * a->n + 1) * sizeof *f->inc);
    f->left = malloc((a->n + 1) * sizeof *f->left);
    f->queue = malloc(nv * sizeof *f->queue);
    f->seen = malloc(nv);
    f->walk = malloc(nv * sizeof *f->walk);
    f->pos = malloc(nv * sizeof *f->pos);
    f->next = calloc(nv, sizeof *f->next);
    if (!f->off || !f->inc || !f->left || !f->queue || !f->seen || !f->walk || !f->pos || !f->next)
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
    for (size_t i = 0; i < a->n; i++) {
        f->off[arc_tail(a, i) + 1]++;
        f->off[arc_head(a, i) + 1]++;
        f->left[i] = round(VECTOR(*flow)[i]);
    }
    for (size_t x = 0; x < nv; x++)
        f->off[x + 1] += f->off[x];
    memcpy(f->queue, f->off, nv * sizeof *f->queue); /* fill cursors */
    for (size_t i = 0; i < a->n; i++) {
        f->inc[f->queue[arc_tail(a, i)]++] = i;
        f->inc[f->queue[arc_head(a, i)]++] = i;
    }
    for (size_t x = 0; x < nv; x++)
        f->pos[x] = SIZE_MAX;
    return CS_OK;
}

/*
 * Marks in f->seen the vertices the residual graph reaches from the source
 * and from u. An arc with spare capacity can be followed forwards, one
 * carrying flow backwards.
 */
static void residual_closure(flownet *f, size_t u)
{
    memset(f->seen, 0, f->nv);
    size_t head = 0, tail = 0;
    f->seen[f->s] = 1;
    f->queue[tail++] = f->s;
    if (!f->seen[u]) {
        f->seen[u] = 1;
        f->queue[tail++] = u;
    }
    while (head < tail) {
        const size_t x = f->queue[head++];
        for (size_t m = f->off[x]; m < f->off[x + 1]; m++) {
            const size_t i = f->inc[m];
            const double fl = VECTOR(*f->flow)[i];
            size_t y = SIZE_MAX;
            if (arc_tail(f->a, i) == x && fl < VECTOR(f->a->cap)[i] - 0.5)
                y = arc_head(f->a, i);
            else if (arc_head(f->a, i) == x && fl > 0.5)
                y = arc_tail(f->a, i);
            if (y == SIZE_MAX || f->seen[y]) continue;
            f->seen[y] = 1;
            f->queue[tail++] = y;
        }
    }
}

/*
 * Whether Japanese station v belongs to some minimum separating set. Minimum
 * cuts are the residual-closed vertex sets holding the source but not the
 * sink (Picard and Queyranne), so v's split arc in(v) -> out(v) is in one iff
 * it is saturated and the closure of {source, in(v)} holds neither out(v)
 * nor the sink.
 */
static bool in_some_min_cut(flownet *f, size_t v)
{
    if (VECTOR(*f->flow)[v] < 0.5) return false;
    residual_closure(f, 2 * v);
    return !f->seen[2 * v + 1] && !f->seen[f->t];
}

/* Takes one unit of flow off the arcs walk[from .. to). */
static void take_unit(flownet *f, size_t from, size_t to)
{
    for (size_t m = from; m < to; m++)
        f->left[f->walk[m]] -= 1.0;
}

/*
 * Traces one unit path of the flow from the source to the sink, cancelling
 * the flow cycles met on the way, and takes it off. Sets group[v] = p for
 * every candidate station v (cand[v]) on it. Returns false when the flow
 * runs out, which a valid flow of the value found cannot do.
 */
static bool trace_path(flownet *f, const bool *cand, size_t *group, size_t p)
{
    size_t len = 0, x = f->s;
    f->pos[x] = 0;
    while (x != f->t) {
        size_t i = SIZE_MAX;
        for (; f->next[x] < f->off[x + 1] - f->off[x]; f->next[x]++) {
            const size_t k = f->inc[f->off[x] + f->next[x]];
            if (arc_tail(f->a, k) == x && f->left[k] > 0.5) {
                i = k;
                break;
            }
        }
        if (i == SIZE_MAX) return false;
        const size_t y = arc_head(f->a, i);
        f->walk[len++] = i;
        if (f->pos[y] != SIZE_MAX) {
            /* A cycle y -> ... -> y: cancel it and go on from y. */
            const size_t at = f->pos[y];
            take_unit(f, at, len);
            for (size_t m = at; m < len; m++)
                f->pos[arc_head(f->a, f->walk[m])] = SIZE_MAX;
            f->pos[y] = at;
            len = at;
        } else {
            f->pos[y] = len;
        }
        x = y;
    }
    take_unit(f, 0, len);
    f->pos[f->s] = SIZE_MAX;
    for (size_t m = 0; m < len; m++) {
        const size_t i = f->walk[m];
        f->pos[arc_head(f->a, i)] = SIZE_MAX;
        if (i < f->nv / 2 - 1 && cand[i]) group[i] = p; /* split arc i is node i's */
    }
    return true;
}

/* Lexicographic order of two rows of k values. */
static int cmp_row(const size_t *x, const size_t *y, size_t k)
{
    for (size_t i = 0; i < k; i++)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

/* Sorts the n rows of k values in rows lexicographically (bottom-up merge sort through tmp). */
static void sort_rows(size_t *rows, size_t n, size_t k, size_t *tmp)
{
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            const size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, o = lo;
            while (i < mid || j < hi) {
                const bool left =
                    j >= hi || (i < mid && cmp_row(rows + i * k, rows + j * k, k) <= 0);
                memcpy(tmp + o++ * k, rows + (left ? i++ : j++) * k, k * sizeof *tmp);
            }
        }
        memcpy(rows, tmp, n * k * sizeof *tmp);
    }
}

/* The enumeration's state: one group of candidate stations per unit path of the flow. */
typedef struct {
    size_t k;
    size_t *off, *member; /* group g is member[off[g] .. off[g+1]) */
    size_t *rank;         /* per node: position of a candidate in name order */
    size_t *by_rank;      /* inverse of rank over the candidates */
    size_t *pick;         /* k: chosen member of each group */
    size_t *sets, cap;    /* sets found, as ranks, and their room */
} groups;

/* Frees g's arrays. Accepts a zeroed groups. */
static void groups_destroy(groups *g)
{
    free(g->off);
    free(g->member);
    free(g->rank);
    free(g->by_rank);
    free(g->pick);
    free(g->sets);
}

/* Appends the current pick (as sorted ranks) to g->sets; false when out of memory. */
static bool keep_pick(groups *g, size_t n_sets)
{
    if (n_sets == g->cap) {
        const size_t ncap = g->cap ? 2 * g->cap : 8;
        size_t *ns = realloc(g->sets, ncap * g->k * sizeof *ns);
        if (ns == NULL) return false;
        g->sets = ns;
        g->cap = ncap;
    }
    size_t *row = g->sets + n_sets * g->k;
    for (size_t i = 0; i < g->k; i++)
        row[i] = g->rank[g->member[g->off[i] + g->pick[i]]];
    qsort(row, g->k, sizeof *row, cmp_size);
    return true;
}

/*
 * Tests every choice of one station per group, keeping those whose removal
 * disconnects Japan from the region, until max_checks have been spent.
 */
static cs_status enumerate_sets(cs_netinfo_region *r, ctx *c, groups *g, size_t max_checks,
                                cs_error *err)
{
    for (;;) {
        if (r->checks == max_checks) {
            r->capped = true;
            break;
        }
        for (size_t i = 0; i < g->k; i++)
            c->removed[g->member[g->off[i] + g->pick[i]]] = 1;
        r->checks++;
        const bool still = connected(c);
        for (size_t i = 0; i < g->k; i++)
            c->removed[g->member[g->off[i] + g->pick[i]]] = 0;
        if (!still) {
            if (!keep_pick(g, r->n_sets))
                return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
            r->n_sets++;
        }
        size_t i = g->k; /* odometer: advance the last group that can move, reset the ones after */
        while (i > 0 && ++g->pick[i - 1] == g->off[i] - g->off[i - 1])
            g->pick[--i] = 0;
        if (i == 0) break;
    }
    return CS_OK;
}

/* Moves the sets found into r, sorted, as node indices. */
static cs_status publish_sets(cs_netinfo_region *r, groups *g, const ctx *c, cs_error *err)
{
    size_t *tmp = malloc((r->n_sets * g->k + 1) * sizeof *tmp);
    if (tmp == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
    sort_rows(g->sets, r->n_sets, g->k, tmp);
    free(tmp);
    for (size_t i = 0; i < r->n_sets * g->k; i++)
        g->sets[i] = g->by_rank[g->sets[i]];
    r->sets = g->sets;
    g->sets = NULL;
    return CS_OK;
}

/*
 * Finds the candidates (stations in some minimum cut), ranks them by name and
 * groups them by the unit path of the flow they lie on. Every minimum
 * separating set takes exactly one station from each of the k paths.
 */
static cs_status build_groups(groups *g, flownet *f, const ctx *c, const char *region,
                              cs_error *err)
{
    const size_t nn = c->nn, k = g->k;
    bool *cand = calloc(nn + 1, sizeof *cand);
    size_t *group = malloc((nn + 1) * sizeof *group);
    named *v = malloc((nn + 1) * sizeof *v);
    g->off = calloc(k + 1, sizeof *g->off);
    g->member = malloc((nn + 1) * sizeof *g->member);
    g->rank = malloc((nn + 1) * sizeof *g->rank);
    g->by_rank = malloc((nn + 1) * sizeof *g->by_rank);
    g->pick = calloc(k, sizeof *g->pick);
    cs_status rc = CS_OK;
    if (!cand || !group || !v || !g->off || !g->member || !g->rank || !g->by_rank || !g->pick) {
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
        goto done;
    }
    size_t nc = 0;
    for (size_t i = 0; i < nn; i++) {
        group[i] = SIZE_MAX;
        cand[i] = c->jp_station[i] && in_some_min_cut(f, i);
        if (cand[i])
            v[nc++] = (named){cs_topology_node(c->t, i)->name, cs_topology_node(c->t, i)->id, i};
    }
    qsort(v, nc, sizeof *v, cmp_named);
    for (size_t i = 0; i < nc; i++) {
        g->rank[v[i].idx] = i;
        g->by_rank[i] = v[i].idx;
    }
    for (size_t p = 0; p < k; p++)
        if (!trace_path(f, cand, group, p)) {
            rc = cs_errorf(err, CS_EIGRAPH,
                           "%s: region \"%s\": the maximum flow does not decompose "
                           "into %zu paths",
                           cs_topology_path(c->t), region, k);
            goto done;
        }
    /* Group members in name order, so that the enumeration order is stable. */
    for (size_t i = 0; i < nc; i++) {
        if (group[v[i].idx] == SIZE_MAX) {
            rc = cs_errorf(err, CS_EIGRAPH,
                           "%s: region \"%s\": station \"%s\" of a minimum cut "
                           "is on no flow path",
                           cs_topology_path(c->t), region, v[i].id);
            goto done;
        }
        g->off[group[v[i].idx] + 1]++;
    }
    for (size_t p = 0; p < k; p++) {
        if (g->off[p + 1] == 0) {
            rc = cs_errorf(err, CS_EIGRAPH,
                           "%s: region \"%s\": flow path %zu crosses no station "
                           "of a minimum cut",
                           cs_topology_path(c->t), region, p);
            goto done;
        }
        g->off[p + 1] += g->off[p];
    }
    /* Fill the groups with off[p] as the cursor of group p, then shift off back. */
    for (size_t i = 0; i < nc; i++) {
        const size_t p = group[v[i].idx];
        g->member[g->off[p]++] = v[i].idx;
    }
    for (size_t p = k; p > 0; p--)
        g->off[p] = g->off[p - 1];
    g->off[0] = 0;
done:
    free(cand);
    free(group);
    free(v);
    return rc;
}

/* Fills r's separation, k and sets, for the cities marked in c->in_region. */
static cs_status region_separation(cs_netinfo_region *r, ctx *c, size_t max_checks, cs_error *err)
{
    const double inf = (double)c->n_jp_stations + 1.0;
    const size_t nv = 2 * c->nn + 2;
    arcs a;
    cs_status rc = split_graph(&a, c, inf, err);
    if (rc != CS_OK) return rc;
    igraph_vector_t flow;
    if (igraph_vector_init(&flow, 0) != IGRAPH_SUCCESS) {
        arcs_destroy(&a);
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
    }
    double value = 0.0;
    flownet f;
    groups g;
    memset(&f, 0, sizeof f);
    memset(&g, 0, sizeof g);
    if ((rc = max_flow(&value, &flow, &a, nv, nv - 2, nv - 1, c, r->name, err)) != CS_OK) goto done;
    if (value < 0.5) {
        r->separation = CS_NETINFO_DISCONNECTED;
    } else if (value > inf - 0.5) {
        r->separation = CS_NETINFO_NOT_SEPARABLE;
    } else {
        r->separation = CS_NETINFO_SEPARABLE;
        r->k = g.k = (size_t)llround(value);
        if ((rc = flownet_init(&f, &a, &flow, nv, c, err)) == CS_OK &&
            (rc = build_groups(&g, &f, c, r->name, err)) == CS_OK &&
            (rc = enumerate_sets(r, c, &g, max_checks, err)) == CS_OK)
            rc = publish_sets(r, &g, c, err);
    }
done:
    groups_destroy(&g);
    flownet_destroy(&f);
    igraph_vector_destroy(&flow);
    arcs_destroy(&a);
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
    if (rc == CS_OK) rc = region_separation(r, c, max_checks, err);
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
