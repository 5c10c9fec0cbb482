/*
 * test_routing_reference.c: routing invariants on random small graphs and on the real dataset
 * (topology/japan.geojson as of 2025 with topology/japan-demand.csv):
 * capacities respected, served within demand and within the pair's max flow
 * (igraph_maxflow_value on the surviving graph), failed edges carrying
 * nothing, `connected` matching igraph's components, latency bounded below by
 * the shortest surviving path, unserved = demand - served, determinism, and
 * agreement with a plain reference implementation of latency-first that
 * recomputes a shortest path before every placement (the router caches trees).
 */
#include "cs_routing_test.h"
#include "routing/routing_impl.h" /* the query counts of incremental rerouting */

/* ------------------------------------------------------------ reference and invariants */

static double capacity(const cs_edge *e, const cs_routing_options *o)
{
    return o->use_lit ? e->lit_tbps : e->capacity_tbps;
}

static bool down(const cs_failures *f, const cs_topology_t *t, size_t e)
{
    return f != NULL && cs_failures_edge_down(f, t, e);
}

/*
 * Latency-first as the header states it, with nothing cached: an O(n^2)
 * Dijkstra (settling the unsettled node of least (distance, index), relaxing
 * incident edges with ties to the lower edge index) before every placement.
 */
typedef struct {
    size_t nn, ne;
    double *res, *dist, *len;
    size_t *pred, *hops, *from, *to;
    size_t *inc_off, *inc; /* edges incident to node u: inc[inc_off[u] .. inc_off[u+1]-1] */
    unsigned char *ok, *done;
    const unsigned char *open; /* [ne] edges open to the demand being placed */
} refstate;

/* Whether edge e may carry the demand between nodes a and b (transit rule, by hand). */
static bool edge_open(const cs_topology_t *t, size_t e, size_t a, size_t b)
{
    const cs_edge *ed = cs_topology_edge(t, e);
    if (ed->transit) return true;
    const char *c = cs_topology_node(t, ed->from)->country;
    return strcmp(c, cs_topology_node(t, a)->country) == 0 ||
           strcmp(c, cs_topology_node(t, b)->country) == 0;
}

static void ref_dijkstra(refstate *s, size_t o)
{
    for (size_t v = 0; v < s->nn; v++) {
        s->dist[v] = INFINITY;
        s->pred[v] = NONE;
        s->done[v] = 0;
    }
    s->dist[o] = 0.0;
    s->hops[o] = 0;
    for (;;) {
        size_t u = NONE;
        for (size_t v = 0; v < s->nn; v++)
            if (!s->done[v] && isfinite(s->dist[v]) && (u == NONE || s->dist[v] < s->dist[u]))
                u = v;
        if (u == NONE) return;
        s->done[u] = 1;
        for (size_t k = s->inc_off[u]; k < s->inc_off[u + 1]; k++) {
            const size_t e = s->inc[k];
            if (!s->ok[e] || !s->open[e]) continue;
            const size_t v = s->from[e] == u ? s->to[e] : s->from[e];
            if (s->done[v]) continue;
            const double nd = s->dist[u] + s->len[e];
            if (nd < s->dist[v] || (nd == s->dist[v] && e < s->pred[v])) {
                s->dist[v] = nd;
                s->pred[v] = e;
                s->hops[v] = s->hops[u] + 1;
            }
        }
    }
}

static void reference(const cs_topology_t *t, const cs_demand_t *d, const cs_failures *f,
                      const cs_routing_options *o, double *served, double *lat, double *flow)
{
    refstate s;
    memset(&s, 0, sizeof s);
    s.nn = cs_topology_node_count(t);
    s.ne = cs_topology_edge_count(t);
    s.len = calloc(s.ne, sizeof *s.len);
    s.from = calloc(s.ne, sizeof *s.from);
    s.to = calloc(s.ne, sizeof *s.to);
    s.inc_off = calloc(s.nn + 1, sizeof *s.inc_off);
    s.inc = calloc(2 * s.ne, sizeof *s.inc);
    size_t *fill = calloc(s.nn + 1, sizeof *fill);
    s.res = calloc(s.ne, sizeof *s.res);
    s.dist = calloc(s.nn, sizeof *s.dist);
    s.pred = calloc(s.nn, sizeof *s.pred);
    s.hops = calloc(s.nn, sizeof *s.hops);
    s.ok = calloc(s.ne, 1);
    s.done = calloc(s.nn, 1);
    unsigned char *open = calloc(s.ne + 1, 1);
    assert_non_null(open);
    s.open = open;
    double *latsum = calloc(cs_demand_count(d), sizeof *latsum);
    assert_true(s.res && s.dist && s.pred && s.hops && s.ok && s.done && latsum && s.len &&
                s.from && s.to && s.inc_off && s.inc && fill);
    for (size_t e = 0; e < s.ne; e++) {
        const cs_edge *ed = cs_topology_edge(t, e);
        s.len[e] = ed->length_km;
        s.from[e] = ed->from;
        s.to[e] = ed->to;
        s.inc_off[ed->from + 1]++;
        s.inc_off[ed->to + 1]++;
        s.res[e] = capacity(cs_topology_edge(t, e), o);
        s.ok[e] = !down(f, t, e) && s.res[e] > CS_ROUTING_EPS_TBPS;
    }
    for (size_t u = 0; u < s.nn; u++)
        s.inc_off[u + 1] += s.inc_off[u];
    memcpy(fill, s.inc_off, s.nn * sizeof *fill);
    for (size_t e = 0; e < s.ne; e++) { /* each node's list in increasing edge index */
        s.inc[fill[s.from[e]]++] = e;
        s.inc[fill[s.to[e]]++] = e;
    }
    const size_t nd = cs_demand_count(d);
    memset(served, 0, nd * sizeof *served);
    for (unsigned k = 0; k < o->rounds; k++) {
        for (size_t i = 0; i < nd; i++) {
            const cs_demand_entry *de = cs_demand_entry_at(d, i);
            double rem = de->demand_tbps * o->demand_scale / (double)o->rounds;
            for (size_t e = 0; e < s.ne; e++)
                open[e] = edge_open(t, e, de->origin, de->destination);
            while (rem > CS_ROUTING_EPS_TBPS) {
                ref_dijkstra(&s, de->origin);
                if (s.pred[de->destination] == NONE) break;
                double b = INFINITY;
                for (size_t v = de->destination; v != de->origin;) {
                    const cs_edge *ed = cs_topology_edge(t, s.pred[v]);
                    b = fmin(b, s.res[s.pred[v]]);
                    v = ed->from == v ? ed->to : ed->from;
                }
                const double amt = fmin(rem, b);
                served[i] += amt;
                latsum[i] += amt * (s.dist[de->destination] * CS_FIBRE_MS_PER_KM +
                                    (double)s.hops[de->destination] * o->hop_ms);
                rem -= amt;
                for (size_t v = de->destination; v != de->origin;) {
                    const size_t e = s.pred[v];
                    const cs_edge *ed = cs_topology_edge(t, e);
                    s.res[e] -= amt;
                    if (s.res[e] <= CS_ROUTING_EPS_TBPS) s.ok[e] = 0;
                    v = ed->from == v ? ed->to : ed->from;
                }
            }
        }
    }
    for (size_t i = 0; i < nd; i++)
        lat[i] = served[i] > 0 ? latsum[i] / served[i] : NAN;
    for (size_t e = 0; e < s.ne; e++)
        flow[e] = capacity(cs_topology_edge(t, e), o) - s.res[e];
    free(latsum);
    free(open);
    free(s.res);
    free(s.dist);
    free(s.pred);
    free(s.hops);
    free(s.ok);
    free(s.done);
    free(s.len);
    free(s.from);
    free(s.to);
    free(s.inc_off);
    free(s.inc);
    free(fill);
}

static void check_against_reference(const cs_topology_t *t, const cs_demand_t *d,
                                    const cs_failures *f, const cs_routing_options *o,
                                    const cs_routing_result *r)
{
    const size_t nd = cs_demand_count(d), ne = cs_topology_edge_count(t);
    double *served = calloc(nd, sizeof *served), *lat = calloc(nd, sizeof *lat);
    double *flow = calloc(ne, sizeof *flow);
    assert_true(served && lat && flow);
    reference(t, d, f, o, served, lat, flow);
    for (size_t i = 0; i < nd; i++) {
        assert_float_equal(r->served_tbps[i], served[i], 1e-12 * (1 + served[i]));
        assert_int_equal(isnan(r->latency_ms[i]), isnan(lat[i]));
        if (!isnan(lat[i])) assert_float_equal(r->latency_ms[i], lat[i], 1e-12 * lat[i]);
    }
    for (size_t e = 0; e < ne; e++)
        assert_float_equal(r->edge_flow_tbps[e], flow[e], 1e-12 * (1 + flow[e]));
    free(served);
    free(lat);
    free(flow);
}

/* The surviving graph (edges not down, same indices kept by zeroing capacity). */
typedef struct {
    igraph_t g;
    igraph_vector_t cap, len;
    igraph_vector_int_t memb;
    igraph_matrix_t km, hops;
} survivor;

static void survivor_init(survivor *s, const cs_topology_t *t, const cs_failures *f,
                          const cs_routing_options *o)
{
    const size_t ne = cs_topology_edge_count(t);
    const igraph_integer_t nn = (igraph_integer_t)cs_topology_node_count(t);
    igraph_vector_int_t ev;
    assert_int_equal(igraph_vector_int_init(&ev, 0), IGRAPH_SUCCESS);
    assert_int_equal(igraph_vector_init(&s->cap, 0), IGRAPH_SUCCESS);
    assert_int_equal(igraph_vector_init(&s->len, 0), IGRAPH_SUCCESS);
    igraph_vector_int_t uev; /* usable edges only, for distances */
    assert_int_equal(igraph_vector_int_init(&uev, 0), IGRAPH_SUCCESS);
    for (size_t e = 0; e < ne; e++) {
        if (down(f, t, e)) continue;
        const cs_edge *ed = cs_topology_edge(t, e);
        igraph_vector_int_push_back(&ev, (igraph_integer_t)ed->from);
        igraph_vector_int_push_back(&ev, (igraph_integer_t)ed->to);
        igraph_vector_push_back(&s->cap, capacity(ed, o));
        if (capacity(ed, o) > CS_ROUTING_EPS_TBPS) {
            igraph_vector_int_push_back(&uev, (igraph_integer_t)ed->from);
            igraph_vector_int_push_back(&uev, (igraph_integer_t)ed->to);
            igraph_vector_push_back(&s->len, ed->length_km);
        }
    }
    assert_int_equal(igraph_create(&s->g, &ev, nn, IGRAPH_UNDIRECTED), IGRAPH_SUCCESS);
    assert_int_equal(igraph_vector_int_init(&s->memb, 0), IGRAPH_SUCCESS);
    assert_int_equal(igraph_connected_components(&s->g, &s->memb, NULL, NULL, IGRAPH_WEAK),
                     IGRAPH_SUCCESS);
    igraph_t u;
    assert_int_equal(igraph_create(&u, &uev, nn, IGRAPH_UNDIRECTED), IGRAPH_SUCCESS);
    assert_int_equal(igraph_matrix_init(&s->km, 0, 0), IGRAPH_SUCCESS);
    assert_int_equal(igraph_matrix_init(&s->hops, 0, 0), IGRAPH_SUCCESS);
    assert_int_equal(igraph_distances_dijkstra(&u, &s->km, igraph_vss_all(), igraph_vss_all(),
                                               &s->len, IGRAPH_ALL),
                     IGRAPH_SUCCESS);
    assert_int_equal(igraph_distances(&u, &s->hops, igraph_vss_all(), igraph_vss_all(), IGRAPH_ALL),
                     IGRAPH_SUCCESS);
    igraph_destroy(&u);
    igraph_vector_int_destroy(&uev);
    igraph_vector_int_destroy(&ev);
}

static void survivor_destroy(survivor *s)
{
    igraph_destroy(&s->g);
    igraph_vector_destroy(&s->cap);
    igraph_vector_destroy(&s->len);
    igraph_vector_int_destroy(&s->memb);
    igraph_matrix_destroy(&s->km);
    igraph_matrix_destroy(&s->hops);
}

static bool has_restricted(const cs_topology_t *t)
{
    for (size_t e = 0; e < cs_topology_edge_count(t); e++)
        if (!cs_topology_edge(t, e)->transit) return true;
    return false;
}

/* Whether a path of edges that are not down and open to the demand a-b joins a and b (BFS). */
static bool joined(const cs_topology_t *t, const cs_failures *f, size_t a, size_t b)
{
    const size_t nn = cs_topology_node_count(t), ne = cs_topology_edge_count(t);
    unsigned char *seen = calloc(nn + 1, 1);
    assert_non_null(seen);
    seen[a] = 1;
    for (bool grew = true; grew;) {
        grew = false;
        for (size_t e = 0; e < ne; e++) {
            const cs_edge *ed = cs_topology_edge(t, e);
            if (down(f, t, e) || !edge_open(t, e, a, b) || seen[ed->from] == seen[ed->to]) continue;
            seen[ed->from] = seen[ed->to] = 1;
            grew = true;
        }
    }
    const bool j = seen[b];
    free(seen);
    return j;
}

/*
 * The most that can flow from the sources to the sinks (flags over the nodes) on the
 * surviving graph, by igraph: a super-source and a super-sink joined to them by links
 * of unbounded capacity. A link closed to transit counts when some source or sink is in
 * its country (the union of what the demands between them may use: an upper bound).
 */
static double set_maxflow(const cs_topology_t *t, const cs_failures *f, const cs_routing_options *o,
                          const unsigned char *src, const unsigned char *dst)
{
    const size_t nn = cs_topology_node_count(t), ne = cs_topology_edge_count(t);
    const igraph_integer_t S = (igraph_integer_t)nn, T = S + 1;
    igraph_vector_int_t ev;
    igraph_vector_t cap;
    assert_int_equal(igraph_vector_int_init(&ev, 0), IGRAPH_SUCCESS);
    assert_int_equal(igraph_vector_init(&cap, 0), IGRAPH_SUCCESS);
    for (size_t e = 0; e < ne; e++) {
        if (down(f, t, e)) continue;
        const cs_edge *ed = cs_topology_edge(t, e);
        bool open = ed->transit; /* else: open when some source or sink is in its country */
        for (size_t v = 0; v < nn && !open; v++)
            open = (src[v] || dst[v]) && strcmp(cs_topology_node(t, v)->country,
                                                cs_topology_node(t, ed->from)->country) == 0;
        if (!open) continue;
        igraph_vector_int_push_back(&ev, (igraph_integer_t)ed->from);
        igraph_vector_int_push_back(&ev, (igraph_integer_t)ed->to);
        igraph_vector_push_back(&cap, capacity(ed, o));
    }
    for (size_t v = 0; v < nn; v++)
        for (int side = 0; side < 2; side++)
            if ((side ? dst : src)[v]) {
                igraph_vector_int_push_back(&ev, side ? T : S);
                igraph_vector_int_push_back(&ev, (igraph_integer_t)v);
                igraph_vector_push_back(&cap, 1e12);
            }
    igraph_t g;
    assert_int_equal(igraph_create(&g, &ev, nn + 2, IGRAPH_UNDIRECTED), IGRAPH_SUCCESS);
    igraph_real_t v = 0.0;
    assert_int_equal(igraph_maxflow_value(&g, &v, S, T, &cap, NULL), IGRAPH_SUCCESS);
    igraph_destroy(&g);
    igraph_vector_int_destroy(&ev);
    igraph_vector_destroy(&cap);
    return v;
}

static bool in_japan(const cs_node *n)
{
    return n->region != NULL && strcmp(n->region, "Japan") == 0;
}

/*
 * The independent max-flow oracle of joint feasibility: what every (origin, region of
 * the destination) group is served together stays within the max flow from the origin
 * to all the group's destinations at once, and, where the demand has foreign cities,
 * all that Japan is served abroad stays within the max flow from its cities to them.
 * Sums of demands that do not compete can exceed these; a jointly feasible routing
 * cannot.
 */
static void check_group_bounds(const cs_topology_t *t, const cs_demand_t *d, const cs_failures *f,
                               const cs_routing_options *o, const cs_routing_result *r)
{
    const size_t nd = cs_demand_count(d), nn = cs_topology_node_count(t);
    unsigned char *src = calloc(nn + 1, 1), *dst = calloc(nn + 1, 1), *done = calloc(nd + 1, 1);
    assert_true(src && dst && done);
    for (size_t i = 0; i < nd; i++) {
        if (done[i]) continue;
        const cs_demand_entry *di = cs_demand_entry_at(d, i);
        const char *reg = cs_topology_node(t, di->destination)->region;
        memset(src, 0, nn);
        memset(dst, 0, nn);
        src[di->origin] = 1;
        double served = 0.0;
        for (size_t j = i; j < nd; j++) {
            const cs_demand_entry *dj = cs_demand_entry_at(d, j);
            const char *rj = cs_topology_node(t, dj->destination)->region;
            if (dj->origin != di->origin || (reg != rj && (!reg || !rj || strcmp(reg, rj))))
                continue;
            done[j] = 1;
            dst[dj->destination] = 1;
            served += r->served_tbps[j];
        }
        const double bound = set_maxflow(t, f, o, src, dst);
        assert_true(served <= bound * (1 + RELTOL) + RELTOL);
    }
    memset(src, 0, nn);
    memset(dst, 0, nn);
    double abroad = 0.0;
    for (size_t i = 0; i < nd; i++) {
        const cs_demand_entry *di = cs_demand_entry_at(d, i);
        const bool a = in_japan(cs_topology_node(t, di->origin)),
                   b = in_japan(cs_topology_node(t, di->destination));
        if (a == b) continue;
        src[a ? di->origin : di->destination] = 1;
        dst[a ? di->destination : di->origin] = 1;
        abroad += r->served_tbps[i];
    }
    if (abroad > 0.0) assert_true(abroad <= set_maxflow(t, f, o, src, dst) * (1 + RELTOL));
    free(src);
    free(dst);
    free(done);
}

static void check_invariants(const cs_topology_t *t, const cs_demand_t *d, const cs_failures *f,
                             const cs_routing_options *o, const cs_routing_result *r)
{
    const size_t nd = cs_demand_count(d), ne = cs_topology_edge_count(t);
    survivor s;
    survivor_init(&s, t, f, o);
    for (size_t e = 0; e < ne; e++) {
        const double c = capacity(cs_topology_edge(t, e), o);
        assert_true(r->edge_flow_tbps[e] >= 0.0);
        if (down(f, t, e)) assert_float_equal(r->edge_flow_tbps[e], 0.0, 0.0);
        assert_true(r->edge_flow_tbps[e] <= c * (1 + RELTOL));
    }
    check_group_bounds(t, d, f, o, r);
    double demand = 0.0, unserved = 0.0;
    for (size_t i = 0; i < nd; i++) {
        const cs_demand_entry *de = cs_demand_entry_at(d, i);
        const double want = de->demand_tbps * o->demand_scale, got = r->served_tbps[i];
        /* Unreachable in the intact network: never served, no part of the sums. */
        const bool reach = joined(t, NULL, de->origin, de->destination);
        demand += reach ? want : 0.0;
        unserved += reach ? want - got : 0.0;
        if (!reach) assert_float_equal(got, 0.0, 0.0);
        assert_true(got >= 0.0 && got <= want);
        const igraph_integer_t a = (igraph_integer_t)de->origin,
                               b = (igraph_integer_t)de->destination;
        assert_int_equal(r->connected[i], joined(t, f, de->origin, de->destination));
        /* Without the transit rule: igraph's components. */
        if (!r->connected[i] || !has_restricted(t))
            assert_true(r->connected[i] <= (VECTOR(s.memb)[a] == VECTOR(s.memb)[b]));
        if (!has_restricted(t))
            assert_int_equal(r->connected[i], VECTOR(s.memb)[a] == VECTOR(s.memb)[b]);
        igraph_real_t mf = 0.0;
        assert_int_equal(igraph_maxflow_value(&s.g, &mf, a, b, &s.cap, NULL), IGRAPH_SUCCESS);
        assert_true(got <= mf * (1 + RELTOL) + RELTOL);
        if (!(got > 0.0)) {
            assert_true(isnan(r->latency_ms[i]));
            continue;
        }
        /* No path is shorter than the shortest, nor has fewer hops than the fewest. */
        const double lo =
            MATRIX(s.km, a, b) * CS_FIBRE_MS_PER_KM + MATRIX(s.hops, a, b) * o->hop_ms;
        assert_true(r->latency_ms[i] >= lo * (1 - RELTOL));
        if (o->mode == CS_ROUTING_MAXFLOW && o->hop_ms > 0.0 && !has_restricted(t)) {
            /* The shortest path's km exactly, plus a whole number of hops (igraph's paths
             * know no transit rule: only without links closed to it). */
            const double h =
                (r->latency_ms[i] - MATRIX(s.km, a, b) * CS_FIBRE_MS_PER_KM) / o->hop_ms;
            assert_float_equal(h, round(h), 1e-6);
            assert_true(round(h) >= MATRIX(s.hops, a, b));
        }
    }
    assert_float_equal(r->demand_tbps, demand, RELTOL * (1 + demand));
    assert_float_equal(r->unserved_tbps, unserved, RELTOL * (1 + demand));
    survivor_destroy(&s);
}

/* Routes twice with router r and once with a fresh one: all bit-identical. */
static void check_deterministic(cs_router_t *r, const fixture *fx, const cs_routing_options *o,
                                const cs_failures *f, const cs_routing_result *first)
{
    const size_t nd = first->n_demands, ne = first->n_edges;
    cs_routing_result again, fresh;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_routing_result_init(&again, nd, ne, &err), CS_OK);
    assert_int_equal(cs_router_route(r, f, &again, &err), CS_OK);
    route(fx, o, f, &fresh);
    const cs_routing_result *rs[2] = {&again, &fresh};
    for (int k = 0; k < 2; k++) {
        assert_memory_equal(rs[k]->served_tbps, first->served_tbps, nd * sizeof(double));
        assert_memory_equal(rs[k]->latency_ms, first->latency_ms, nd * sizeof(double));
        assert_memory_equal(rs[k]->edge_flow_tbps, first->edge_flow_tbps, ne * sizeof(double));
        assert_memory_equal(rs[k]->connected, first->connected, nd);
        assert_memory_equal(&rs[k]->unserved_tbps, &first->unserved_tbps, sizeof(double));
    }
    cs_routing_result_destroy(&again);
    cs_routing_result_destroy(&fresh);
}

/* ------------------------------------------------------------ random graphs */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static double unif(uint64_t *s)
{
    return (double)(splitmix(s) >> 11) * 0x1.0p-53;
}

static size_t pick(uint64_t *s, size_t n)
{
    return (size_t)(splitmix(s) % n);
}

/* Routes fx under o and f, and checks invariants, reference and determinism. */
static void check_all(const fixture *fx, const cs_routing_options *o, const cs_failures *f,
                      bool with_reference)
{
    cs_error err = CS_ERROR_INIT;
    cs_router_t *r = NULL;
    assert_int_equal(cs_router_alloc(&r, fx->t, fx->d, o, &err), CS_OK);
    cs_routing_result res;
    assert_int_equal(
        cs_routing_result_init(&res, cs_demand_count(fx->d), cs_topology_edge_count(fx->t), &err),
        CS_OK);
    assert_int_equal(cs_router_route(r, f, &res, &err), CS_OK);
    check_invariants(fx->t, fx->d, f, o, &res);
    if (with_reference && o->mode == CS_ROUTING_LATENCY_FIRST)
        check_against_reference(fx->t, fx->d, f, o, &res);
    check_deterministic(r, fx, o, f, &res);
    cs_routing_result_destroy(&res);
    cs_router_free(r);
}

/* A random connected multigraph of 6..13 nodes (3..5 cities) and its demand. */
static fixture random_graph(uint64_t *rng)
{
    enum { MAXN = 13, MAXE = 40 };
    static char ids[MAXN][24], eids[MAXE][24];
    tnode n[MAXN];
    tedge e[MAXE];
    const size_t nn = 6 + pick(rng, 8), nc = 3 + pick(rng, 3);
    const bool integer_km = pick(rng, 2) == 0; /* many equal distances: exercises ties */
    for (size_t i = 0; i < nn; i++) {
        snprintf(ids[i], sizeof ids[i], "n%zu", i);
        n[i] = (tnode){ids[i], i < nc ? "city" : "landing_station", 130 + 10 * unif(rng),
                       30 + 8 * unif(rng), (const char *[]){NULL, "CN", "KR"}[pick(rng, 3)]};
    }
    const size_t ne = nn - 1 + nn / 2 + pick(rng, nn);
    for (size_t j = 0; j < ne; j++) {
        size_t a = j + 1, b = pick(rng, j + 1); /* a spanning tree first */
        if (j >= nn - 1) {
            a = pick(rng, nn);
            do
                b = pick(rng, nn);
            while (b == a);
        }
        snprintf(eids[j], sizeof eids[j], "e%zu", j);
        const double km = integer_km ? (double)(1 + pick(rng, 6)) : 1 + 700 * unif(rng);
        const double cap = 0.5 + 8 * unif(rng);
        const double lit = pick(rng, 5) == 0 ? 0.0 : cap * unif(rng);
        /* Some links within one foreign country carry no transit. */
        const bool local =
            n[a].country != NULL && n[b].country != NULL && strcmp(n[a].country, n[b].country) == 0;
        e[j] = (tedge){eids[j], ids[a], ids[b], km, cap, lit, local && pick(rng, 2) == 0};
    }
    char csv[2048];
    size_t k = (size_t)snprintf(csv, sizeof csv, "origin,destination,demand_tbps\n"), rows = 0;
    for (size_t a = 0; a < nc; a++)
        for (size_t b = a + 1; b < nc; b++) {
            if (pick(rng, 5) == 0) continue;
            const bool flip = pick(rng, 2) == 0;
            k += (size_t)snprintf(csv + k, sizeof csv - k, "%s,%s,%.6f\n", ids[flip ? b : a],
                                  ids[flip ? a : b], 0.1 + 7 * unif(rng));
            rows++;
        }
    if (rows == 0) snprintf(csv + k, sizeof csv - k, "%s,%s,1.5\n", ids[0], ids[1]);
    return make(n, nn, e, ne, csv);
}

static void test_random_graphs(void **state)
{
    (void)state;
    uint64_t rng = 20250611u;
    for (int g = 0; g < 60; g++) {
        fixture fx = random_graph(&rng);
        const size_t ne = cs_topology_edge_count(fx.t), nn = cs_topology_node_count(fx.t);
        cs_failures f;
        cs_error err = CS_ERROR_INIT;
        assert_int_equal(cs_failures_init(&f, ne, nn, &err), CS_OK);
        /* Trials: intact, 1 or 2 cut edges, a failed node, and 10 draws of
         * cut edges (past the router's repair threshold: recomputed trees). */
        for (int trial = 0; trial < 7; trial++) {
            cs_failures_clear(&f);
            for (int k = 0; k < trial % 3; k++)
                cs_failures_fail_edge(&f, pick(&rng, ne));
            if (trial == 5) cs_failures_fail_node(&f, pick(&rng, nn));
            for (int k = 0; trial == 6 && k < 10; k++)
                cs_failures_fail_edge(&f, pick(&rng, ne));
            cs_routing_options o =
                options(pick(&rng, 3) ? CS_ROUTING_LATENCY_FIRST : CS_ROUTING_MAXFLOW,
                        (unsigned)(1 + pick(&rng, 8)));
            o.use_lit = pick(&rng, 3) == 0;
            o.demand_scale = (const double[]){0.5, 1.0, 2.3}[pick(&rng, 3)];
            check_all(&fx, &o, trial == 0 ? NULL : &f, true);
        }
        cs_failures_destroy(&f);
        unmake(&fx);
    }
}

/* ------------------------------------------------------------ the real dataset */

static fixture japan(void)
{
    fixture fx = {NULL, NULL};
    cs_topology_options to = CS_TOPOLOGY_OPTIONS_INIT;
    to.as_of = 2025;
    cs_error err = CS_ERROR_INIT;
    if (cs_topology_load(&fx.t, JAPAN, &to, &err) != CS_OK) fail_msg("%s", err.msg);
    if (cs_demand_load(&fx.d, JDEM, fx.t, &err) != CS_OK) fail_msg("%s", err.msg);
    return fx;
}

static void test_japan_intact(void **state)
{
    (void)state;
    fixture fx = japan();
    const cs_routing_options lf = options(CS_ROUTING_LATENCY_FIRST, 8);
    check_all(&fx, &lf, NULL, true);
    cs_routing_options lit = lf;
    lit.use_lit = true;
    lit.demand_scale = 1.7;
    check_all(&fx, &lit, NULL, true);
    const cs_routing_options mf = options(CS_ROUTING_MAXFLOW, 8);
    check_all(&fx, &mf, NULL, false);
    unmake(&fx);
}

/* The cable segments and the landing stations of fx (both arrays freed by the caller). */
static void segments_and_stations(const fixture *fx, size_t **seg, size_t *nseg, size_t **ls,
                                  size_t *nls)
{
    const size_t ne = cs_topology_edge_count(fx->t), nn = cs_topology_node_count(fx->t);
    *seg = malloc(ne * sizeof **seg);
    *ls = malloc(nn * sizeof **ls);
    assert_true(*seg && *ls);
    *nseg = *nls = 0;
    for (size_t e = 0; e < ne; e++)
        if (cs_topology_edge(fx->t, e)->kind == CS_EDGE_SEGMENT) (*seg)[(*nseg)++] = e;
    for (size_t v = 0; v < nn; v++)
        if (cs_topology_node(fx->t, v)->kind == CS_NODE_LANDING) (*ls)[(*nls)++] = v;
}

static void test_japan_failures(void **state)
{
    (void)state;
    fixture fx = japan();
    const size_t ne = cs_topology_edge_count(fx.t), nn = cs_topology_node_count(fx.t);
    size_t *seg, *ls, nseg, nls;
    segments_and_stations(&fx, &seg, &nseg, &ls, &nls);
    cs_failures f;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_failures_init(&f, ne, nn, &err), CS_OK);
    uint64_t rng = 77031u;
    for (int trial = 0; trial < 24; trial++) {
        cs_failures_clear(&f);
        for (int k = 0; k <= trial % 3; k++)
            cs_failures_fail_edge(&f, seg[pick(&rng, nseg)]);
        if (trial % 4 == 3) cs_failures_fail_node(&f, ls[pick(&rng, nls)]);
        const bool many = trial % 8 == 7; /* past the repair threshold */
        for (int k = 0; many && k < 12; k++)
            cs_failures_fail_edge(&f, seg[pick(&rng, nseg)]);
        for (int mode = 0; mode < 2; mode++) { /* every failure set under every policy */
            cs_routing_options o = options(mode ? CS_ROUTING_MAXFLOW : CS_ROUTING_LATENCY_FIRST,
                                           (unsigned)(1 + trial % 8));
            o.use_lit = trial % 2 == 1;
            o.demand_scale = 1.0 + 0.35 * (trial % 5);
            check_all(&fx, &o, &f, trial < 6 || many);
        }
    }
    cs_failures_destroy(&f);
    free(seg);
    free(ls);
    unmake(&fx);
}

/* ------------------------------------------------------------ incremental rerouting */

/* Bit-identical results. */
static void assert_same(const cs_routing_result *a, const cs_routing_result *b)
{
    const size_t nd = a->n_demands, ne = a->n_edges;
    assert_memory_equal(a->served_tbps, b->served_tbps, nd * sizeof(double));
    assert_memory_equal(a->latency_ms, b->latency_ms, nd * sizeof(double));
    assert_memory_equal(a->edge_flow_tbps, b->edge_flow_tbps, ne * sizeof(double));
    assert_memory_equal(a->connected, b->connected, nd);
    assert_memory_equal(&a->unserved_tbps, &b->unserved_tbps, sizeof(double));
    assert_memory_equal(&a->demand_tbps, &b->demand_tbps, sizeof(double));
}

/*
 * An edge the reference routing saturated but a routing with failures leaves open must be
 * offered again. R-P (first in the file) fills P-H in the reference routing, so Q-P takes the
 * 100 km link P-Q; with H-R cut R-P is cut off, P-H stays open and Q-P takes Q-H-P (20 km).
 * The reference's answer for Q-P (P-Q, still usable) is wrong here, and only the test of the
 * edges it had saturated (P-H: a walk of 20 km through it) sends the query to the trees.
 * Q-S (10 km) is answered from the reference: a walk through P-H to S is 50 km at least.
 */
static void test_incremental_extras(void **state)
{
    (void)state;
    const tnode n[] = {{"P", "city", 139.0, 35.0, NULL},
                       {"Q", "city", 139.2, 35.0, NULL},
                       {"R", "city", 139.1, 35.2, NULL},
                       {"S", "city", 139.3, 35.0, NULL},
                       {"H", "landing_station", 139.1, 35.1, NULL}};
    const tedge e[] = {{"PH", "P", "H", 10.0, 1.0, -1, 0},
                       {"HQ", "H", "Q", 10.0, 100.0, -1, 0},
                       {"PQ", "P", "Q", 100.0, 100.0, -1, 0},
                       {"HR", "H", "R", 10.0, 100.0, -1, 0},
                       {"QS", "Q", "S", 10.0, 100.0, -1, 0}};
    fixture fx = make(n, 5, e, 5, "origin,destination,demand_tbps\nR,P,1\nQ,P,1\nQ,S,1\n");
    const cs_routing_options o = options(CS_ROUTING_LATENCY_FIRST, 1);
    cs_error err = CS_ERROR_INIT;
    cs_router_t *r = NULL;
    assert_int_equal(cs_router_alloc(&r, fx.t, fx.d, &o, &err), CS_OK);
    cs_routing_result ref, res, plain;
    assert_int_equal(cs_routing_result_init(&ref, 3, 5, &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&res, 3, 5, &err), CS_OK);
    assert_int_equal(cs_router_route(r, NULL, &ref, &err), CS_OK);
    assert_float_equal(ref.latency_ms[1], 100.0 * CS_FIBRE_MS_PER_KM + HOP, 1e-12);
    cs_failures f;
    assert_int_equal(cs_failures_init(&f, 5, 5, &err), CS_OK);
    cs_failures_fail_edge(&f, edge_index(fx.t, "HR"));
    route(&fx, &o, &f, &plain);
    assert_int_equal(plain.connected[0], 0);
    assert_float_equal(plain.latency_ms[1], 20.0 * CS_FIBRE_MS_PER_KM + 2 * HOP, 1e-12);
    /* The first routing with failures registers the capacities, the second records the
     * reference and uses it (and registers the reference with H-R failed, which carries flow in
     * it), the third records that one, and from then on every answer comes from it: it is this
     * routing. */
    for (int k = 0; k < 4; k++) {
        const uint64_t from_log = r->n_from_log, from_trees = r->n_from_trees;
        assert_int_equal(cs_router_route(r, &f, &res, &err), CS_OK);
        assert_same(&res, &plain);
        if (k < 2)
            assert_int_equal(r->n_from_log - from_log, k); /* Q-S */
        else if (k == 3)
            assert_true(r->n_from_log > from_log && r->n_from_trees == from_trees);
    }
    cs_failures_destroy(&f);
    cs_routing_result_destroy(&ref);
    cs_routing_result_destroy(&res);
    cs_routing_result_destroy(&plain);
    cs_router_free(r);
    unmake(&fx);
}

/* The restoration model's kind of capacities: f0 + 0.2 (c - f0) on segments, c elsewhere. */
static void restoration_kind(const cs_topology_t *t, const cs_routing_result *intact, double *cap)
{
    for (size_t e = 0; e < cs_topology_edge_count(t); e++) {
        const double c = cs_topology_edge(t, e)->lit_tbps, f0 = fmin(intact->edge_flow_tbps[e], c);
        cap[e] = cs_topology_edge(t, e)->kind == CS_EDGE_SEGMENT ? f0 + 0.2 * (c - f0) : c;
    }
}

/*
 * On the Japan dataset one router routes many failure sets (cable segments, a landing station,
 * past the repair threshold), on the topology's capacities and on reduced ones (the restoration
 * model's kind: used edges keep their flow, others a share of their spare), each bit-identical
 * to a fresh router's first routing, which has no reference routing yet. Most of its path
 * queries are answered from the reference.
 */
static void test_incremental_japan(void **state)
{
    (void)state;
    fixture fx = japan();
    const size_t ne = cs_topology_edge_count(fx.t), nn = cs_topology_node_count(fx.t),
                 nd = cs_demand_count(fx.d);
    size_t *seg, *ls, nseg, nls;
    segments_and_stations(&fx, &seg, &nseg, &ls, &nls);
    double *cap = malloc(ne * sizeof *cap);
    assert_non_null(cap);
    cs_failures f;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_failures_init(&f, ne, nn, &err), CS_OK);
    cs_routing_result intact, res, plain;
    assert_int_equal(cs_routing_result_init(&intact, nd, ne, &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&res, nd, ne, &err), CS_OK);
    uint64_t rng = 4409u;
    for (int variant = 0; variant < 2; variant++) {
        cs_routing_options o = options(CS_ROUTING_LATENCY_FIRST, 8);
        o.use_lit = true;
        o.demand_scale = variant == 0 ? 1.0 : 2.5;
        cs_router_t *r = NULL, *fresh = NULL;
        assert_int_equal(cs_router_alloc(&r, fx.t, fx.d, &o, &err), CS_OK);
        assert_int_equal(cs_router_route(r, NULL, &intact, &err), CS_OK);
        if (variant == 1) { /* f0 + 0.2 (c - f0) on segments */
            restoration_kind(fx.t, &intact, cap);
            assert_int_equal(cs_router_set_capacity(r, cap, &err), CS_OK);
        }
        for (int trial = 0; trial < 40; trial++) {
            cs_failures_clear(&f);
            for (int k = 0; k <= trial % 4; k++)
                cs_failures_fail_edge(&f, seg[pick(&rng, nseg)]);
            if (trial % 7 == 3) cs_failures_fail_node(&f, ls[pick(&rng, nls)]);
            for (int k = 0; trial % 13 == 12 && k < 10; k++)
                cs_failures_fail_edge(&f, seg[pick(&rng, nseg)]);
            assert_int_equal(cs_router_route(r, &f, &res, &err), CS_OK);
            assert_int_equal(cs_router_alloc(&fresh, fx.t, fx.d, &o, &err), CS_OK);
            if (variant == 1) assert_int_equal(cs_router_set_capacity(fresh, cap, &err), CS_OK);
            assert_int_equal(cs_routing_result_init(&plain, nd, ne, &err), CS_OK);
            assert_int_equal(cs_router_route(fresh, &f, &plain, &err), CS_OK);
            assert_int_equal(fresh->n_from_log, 0);
            assert_same(&res, &plain);
            cs_routing_result_destroy(&plain);
            cs_router_free(fresh);
        }
        /* From the second routing with failures on, most queries skip the trees. */
        assert_true(r->n_from_log > 2 * r->n_from_trees);
        cs_router_free(r);
    }
    cs_failures_destroy(&f);
    cs_routing_result_destroy(&intact);
    cs_routing_result_destroy(&res);
    free(seg);
    free(ls);
    free(cap);
    unmake(&fx);
}

/*
 * References with one edge failed (docs/routing.md, "Incremental rerouting"). On the Japan
 * dataset at the restoration model's kind of capacities, failure sets that share the busiest
 * segment of the reference, e1, with other segments carrying less: from the second routing
 * that asks for it on, the routings take their answers from the reference with e1 failed, each
 * bit-identical to a fresh router's first routing; a routing of e1 alone then asks its trees
 * nothing (that reference is its own routing), nor does a routing of e1 with a segment that
 * carries nothing; and no more than CS_REFLOG_EDGE_MAX such references are kept.
 */
static void test_incremental_edge_reference(void **state)
{
    (void)state;
    fixture fx = japan();
    const size_t ne = cs_topology_edge_count(fx.t), nn = cs_topology_node_count(fx.t),
                 nd = cs_demand_count(fx.d);
    size_t *seg, *ls, nseg, nls;
    segments_and_stations(&fx, &seg, &nseg, &ls, &nls);
    cs_error err = CS_ERROR_INIT;
    cs_routing_options o = options(CS_ROUTING_LATENCY_FIRST, 8);
    o.use_lit = true;
    cs_router_t *r = NULL;
    assert_int_equal(cs_router_alloc(&r, fx.t, fx.d, &o, &err), CS_OK);
    cs_routing_result ref, res, plain;
    assert_int_equal(cs_routing_result_init(&ref, nd, ne, &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&res, nd, ne, &err), CS_OK);
    assert_int_equal(cs_routing_result_init(&plain, nd, ne, &err), CS_OK);
    assert_int_equal(cs_router_route(r, NULL, &ref, &err), CS_OK);
    double *cap = malloc(ne * sizeof *cap);
    assert_non_null(cap);
    restoration_kind(fx.t, &ref, cap); /* f0 + 0.2 (c - f0) on segments */
    assert_int_equal(cs_router_set_capacity(r, cap, &err), CS_OK);
    /* The reference with nothing failed at these capacities is their routing without failures. */
    assert_int_equal(cs_router_route(r, NULL, &ref, &err), CS_OK);
    size_t e1 = NONE, idle = NONE, *less = malloc(nseg * sizeof *less), n_less = 0;
    assert_non_null(less);
    for (size_t k = 0; k < nseg; k++)
        if (e1 == NONE || ref.edge_flow_tbps[seg[k]] > ref.edge_flow_tbps[e1]) e1 = seg[k];
    assert_true(ref.edge_flow_tbps[e1] > 0.0);
    for (size_t k = 0; k < nseg; k++) {
        const double x = ref.edge_flow_tbps[seg[k]];
        if (x > 0.0 && x < ref.edge_flow_tbps[e1]) less[n_less++] = seg[k];
        if (x == 0.0 && idle == NONE) idle = seg[k];
    }
    assert_true(n_less >= 10 && idle != NONE);
    cs_failures f;
    assert_int_equal(cs_failures_init(&f, ne, nn, &err), CS_OK);
    uint64_t rng = 9157u;
    for (int trial = 0; trial < 24; trial++) {
        cs_failures_clear(&f);
        cs_failures_fail_edge(&f, e1);
        for (int k = 0; k < 1 + trial % 3; k++)
            cs_failures_fail_edge(&f, less[pick(&rng, n_less)]);
        if (trial % 5 == 4) cs_failures_fail_node(&f, ls[pick(&rng, nls)]);
        assert_int_equal(cs_router_route(r, &f, &res, &err), CS_OK);
        /* Registered at the first routing, recorded at the second: the one with nothing failed;
         * then the same for e1's. */
        assert_true(trial < 1 ? r->use == NULL : r->use != NULL);
        if (trial >= 3) assert_int_equal(r->use->edge, e1);
        cs_router_t *fresh = NULL;
        assert_int_equal(cs_router_alloc(&fresh, fx.t, fx.d, &o, &err), CS_OK);
        assert_int_equal(cs_router_set_capacity(fresh, cap, &err), CS_OK);
        assert_int_equal(cs_router_route(fresh, &f, &plain, &err), CS_OK);
        assert_same(&res, &plain);
        cs_router_free(fresh);
    }
    for (int k = 0; k < 2; k++) { /* e1 alone, then with a segment that carries nothing */
        cs_failures_clear(&f);
        cs_failures_fail_edge(&f, e1);
        if (k == 1) cs_failures_fail_edge(&f, idle);
        const uint64_t from_trees = r->n_from_trees, from_log = r->n_from_log;
        assert_int_equal(cs_router_route(r, &f, &res, &err), CS_OK);
        assert_int_equal(r->n_from_trees, from_trees);
        assert_true(r->n_from_log > from_log + nd);
        cs_router_t *fresh = NULL;
        assert_int_equal(cs_router_alloc(&fresh, fx.t, fx.d, &o, &err), CS_OK);
        assert_int_equal(cs_router_set_capacity(fresh, cap, &err), CS_OK);
        assert_int_equal(cs_router_route(fresh, &f, &plain, &err), CS_OK);
        assert_same(&res, &plain);
        cs_router_free(fresh);
    }
    /* Every other busy segment alone, twice: a reference each, up to the limit. */
    for (size_t k = 0; k < n_less && k < CS_REFLOG_EDGE_MAX + 8; k++)
        for (int twice = 0; twice < 2; twice++) {
            cs_failures_clear(&f);
            cs_failures_fail_edge(&f, less[k]);
            assert_int_equal(cs_router_route(r, &f, &res, &err), CS_OK);
        }
    assert_true(r->n_sublogs <= CS_REFLOG_EDGE_MAX);
    assert_true(r->n_sublogs >= (n_less < CS_REFLOG_EDGE_MAX ? n_less : CS_REFLOG_EDGE_MAX));
    cs_failures_destroy(&f);
    cs_routing_result_destroy(&ref);
    cs_routing_result_destroy(&res);
    cs_routing_result_destroy(&plain);
    cs_router_free(r);
    free(less);
    free(cap);
    free(seg);
    free(ls);
    unmake(&fx);
}

/*
 * The oracle has teeth: on the Japan dataset on lit capacity, with every pair asking
 * more than its own max flow (100 times today's demand), serving each pair min(demand,
 * its own max flow), as maxflow did before it became jointly feasible, exceeds the
 * group bound of some (city, region) group.
 */
static void test_oracle_rejects_pairwise_bounds(void **state)
{
    (void)state;
    fixture fx = japan();
    cs_routing_options o = options(CS_ROUTING_MAXFLOW, 8);
    o.use_lit = true;
    o.demand_scale = 100.0;
    const size_t nd = cs_demand_count(fx.d), nn = cs_topology_node_count(fx.t);
    unsigned char *src = calloc(nn + 1, 1), *dst = calloc(nn + 1, 1);
    assert_true(src && dst);
    double worst = 0.0;
    for (size_t i = 0; i < nd; i++) {
        const cs_demand_entry *di = cs_demand_entry_at(fx.d, i);
        const char *reg = cs_topology_node(fx.t, di->destination)->region;
        memset(src, 0, nn);
        memset(dst, 0, nn);
        src[di->origin] = 1;
        double pairwise = 0.0;
        for (size_t j = 0; j < nd; j++) {
            const cs_demand_entry *dj = cs_demand_entry_at(fx.d, j);
            if (dj->origin != di->origin ||
                strcmp(reg, cs_topology_node(fx.t, dj->destination)->region) != 0)
                continue;
            unsigned char one[1024] = {0};
            assert_true(nn < sizeof one);
            one[dj->destination] = 1;
            dst[dj->destination] = 1;
            pairwise +=
                fmin(dj->demand_tbps * o.demand_scale, set_maxflow(fx.t, NULL, &o, src, one));
        }
        worst = fmax(worst, pairwise / set_maxflow(fx.t, NULL, &o, src, dst));
    }
    /* 4 on the 2025 network: a group whose pairs share one bottleneck. */
    assert_true(worst > 1.5);
    free(src);
    free(dst);
    unmake(&fx);
}

/* Names of policies and capacity bases round-trip; unknown ones are refused. */
static void test_names(void **state)
{
    (void)state;
    const char *const *names = cs_routing_mode_names();
    assert_string_equal(names[CS_ROUTING_LATENCY_FIRST], "latency-first");
    assert_string_equal(names[CS_ROUTING_MAXFLOW], "maxflow");
    assert_null(names[2]);
    for (int m = 0; m < 2; m++) {
        cs_routing_mode back = (cs_routing_mode)7;
        assert_true(cs_routing_mode_from_name(cs_routing_mode_name((cs_routing_mode)m), &back));
        assert_int_equal(back, m);
    }
    cs_routing_mode mode = CS_ROUTING_MAXFLOW;
    assert_false(cs_routing_mode_from_name("latency_first", &mode));
    assert_false(cs_routing_mode_from_name(NULL, &mode));
    assert_int_equal(mode, CS_ROUTING_MAXFLOW);
    assert_string_equal(cs_routing_mode_name((cs_routing_mode)9), "?");
    const char *const *caps = cs_routing_capacity_names();
    assert_string_equal(caps[0], "design");
    assert_string_equal(caps[1], "lit");
    assert_null(caps[2]);
    bool lit = false;
    assert_true(cs_routing_capacity_from_name(cs_routing_capacity_name(true), &lit));
    assert_true(lit);
    assert_true(cs_routing_capacity_from_name(cs_routing_capacity_name(false), &lit));
    assert_false(lit);
    assert_false(cs_routing_capacity_from_name("Lit", &lit));
}

/*
 * What the router promises about edges that carry no flow, checked on the
 * real network: latency-first routes bit for bit the same without them (the
 * engine's and criticality's shortcut); maxflow promises neither.
 */
static void test_unused_edges(void **state)
{
    (void)state;
    fixture fx = japan();
    const size_t ne = cs_topology_edge_count(fx.t), nn = cs_topology_node_count(fx.t);
    const size_t nd = cs_demand_count(fx.d);
    assert_true(cs_routing_ignores_unused_edges(CS_ROUTING_LATENCY_FIRST));
    assert_false(cs_routing_ignores_unused_edges(CS_ROUTING_MAXFLOW));
    cs_failures f;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_failures_init(&f, ne, nn, &err), CS_OK);
    for (int k = 0; k < 4; k++) {
        cs_routing_options o =
            options(k < 3 ? CS_ROUTING_LATENCY_FIRST : CS_ROUTING_MAXFLOW, (unsigned)(3 + k));
        o.use_lit = k % 2 == 1;
        cs_router_t *r = NULL;
        assert_int_equal(cs_router_alloc(&r, fx.t, fx.d, &o, &err), CS_OK);
        assert_int_equal(cs_router_ignores_unused_edges(r), o.mode == CS_ROUTING_LATENCY_FIRST);
        /* Maxflow's successive max flows make no such promise (docs/routing.md). */
        assert_int_equal(cs_router_keeps_served_without_unused_edges(r),
                         o.mode == CS_ROUTING_LATENCY_FIRST);
        cs_routing_result a, b;
        assert_int_equal(cs_routing_result_init(&a, nd, ne, &err), CS_OK);
        assert_int_equal(cs_routing_result_init(&b, nd, ne, &err), CS_OK);
        /* k = 2: two busy segments down first, so the routing is not the intact one. */
        cs_failures_clear(&f);
        for (size_t e = 0, cut = 0; k == 2 && e < ne && cut < 2; e += 7)
            if (cs_topology_edge(fx.t, e)->kind == CS_EDGE_SEGMENT) {
                cs_failures_fail_edge(&f, e);
                cut++;
            }
        assert_int_equal(cs_router_route(r, &f, &a, &err), CS_OK);
        size_t unused = 0;
        for (size_t e = 0; e < ne; e++)
            if (!f.edge_failed[e] && a.edge_flow_tbps[e] == 0.0) {
                cs_failures_fail_edge(&f, e);
                unused++;
            }
        assert_true(unused > 10);
        assert_int_equal(cs_router_route(r, &f, &b, &err), CS_OK);
        for (size_t i = 0; i < nd && cs_router_keeps_served_without_unused_edges(r); i++)
            assert_true(fabs(b.served_tbps[i] - a.served_tbps[i]) <=
                        1e-9 * (1.0 + a.served_tbps[i]));
        if (cs_router_ignores_unused_edges(r)) {
            assert_memory_equal(a.served_tbps, b.served_tbps, nd * sizeof *a.served_tbps);
            assert_memory_equal(a.edge_flow_tbps, b.edge_flow_tbps, ne * sizeof *a.edge_flow_tbps);
            for (size_t i = 0; i < nd; i++)
                assert_true(isnan(a.latency_ms[i]) ? isnan(b.latency_ms[i])
                                                   : a.latency_ms[i] == b.latency_ms[i]);
        }
        cs_routing_result_destroy(&a);
        cs_routing_result_destroy(&b);
        cs_router_free(r);
    }
    cs_failures_destroy(&f);
    unmake(&fx);
}

int main(void)
{
    cs_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_graphs),
        cmocka_unit_test(test_japan_intact),
        cmocka_unit_test(test_japan_failures),
        cmocka_unit_test(test_oracle_rejects_pairwise_bounds),
        cmocka_unit_test(test_incremental_extras),
        cmocka_unit_test(test_incremental_japan),
        cmocka_unit_test(test_incremental_edge_reference),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_unused_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
