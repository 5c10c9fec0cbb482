/*
 * netinfo_sep.c: the minimum sets of Japanese landing stations whose loss
 * separates Japan's cities from a region's (the split graph's max flow, the
 * stations in some minimum cut, then one station per unit path checked by a
 * breadth-first search; netinfo.c's header gives the construction).
 */
#include "cablesim/netinfo.h"
#include "model/netinfo_impl.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <igraph.h>

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
            const size_t w = cs_ni_other_end(cs_topology_edge(c->t, c->adj_edge[a]), v);
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
    const cs_status rc = cs_ni_arcs_init(a, c->nn + 2 * c->ne + nterm, c, err);
    if (rc != CS_OK) return rc;
    for (size_t v = 0; v < c->nn; v++)
        cs_ni_arcs_add(a, 2 * v, 2 * v + 1, c->jp_station[v] ? 1.0 : inf);
    for (size_t j = 0; j < c->ne; j++) {
        const cs_edge *e = cs_topology_edge(c->t, j);
        cs_ni_arcs_add(a, 2 * e->from + 1, 2 * e->to, inf);
        cs_ni_arcs_add(a, 2 * e->to + 1, 2 * e->from, inf);
    }
    for (size_t v = 0; v < c->nn; v++) {
        if (c->japan_city[v])
            cs_ni_arcs_add(a, 2 * c->nn, 2 * v, inf);
        else if (c->in_region[v])
            cs_ni_arcs_add(a, 2 * v + 1, 2 * c->nn + 1, inf);
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
    qsort(row, g->k, sizeof *row, cs_ni_cmp_size);
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
    qsort(v, nc, sizeof *v, cs_ni_cmp_named);
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
cs_status cs_ni_region_separation(cs_netinfo_region *r, ctx *c, size_t max_checks, cs_error *err)
{
    const double inf = (double)c->n_jp_stations + 1.0;
    const size_t nv = 2 * c->nn + 2;
    arcs a;
    cs_status rc = split_graph(&a, c, inf, err);
    if (rc != CS_OK) return rc;
    igraph_vector_t flow;
    if (igraph_vector_init(&flow, 0) != IGRAPH_SUCCESS) {
        cs_ni_arcs_destroy(&a);
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_topology_path(c->t));
    }
    double value = 0.0;
    flownet f;
    groups g;
    memset(&f, 0, sizeof f);
    memset(&g, 0, sizeof g);
    if ((rc = cs_ni_max_flow(&value, &flow, &a, nv, nv - 2, nv - 1, c, r->name, err)) != CS_OK)
        goto done;
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
    cs_ni_arcs_destroy(&a);
    return rc;
}
