/*
 * routing_log.c: incremental rerouting (routing_impl.h; docs/routing.md, "Incremental
 * rerouting").
 *
 * A routing with failures runs the latency-first placements in full (every amount is computed
 * on its own residuals), but answers most of its path queries without its trees: from the
 * reference routing of the same capacities with nothing failed, recorded once. Query j of
 * demand i in round k is compared with the reference's query j of that increment. Its path P,
 * the path of the shortest-path tree of the edges W usable at that moment of the reference, is
 * the answer now when
 *  - every edge of P is usable now, and
 *  - every edge usable now but not in W (the "extras": edges the reference had saturated that
 *    this routing has not) is too long to matter: a lower bound on the length of any walk from
 *    the origin to the destination through it exceeds the length of P.
 * Proof. Let X be the extras open to the demand's slot. In W u X every node w of P keeps its
 * distance and predecessor: a path to w through an edge of X, followed by P from w, would be a
 * walk through that edge no longer than P; and an edge into w from a node whose distance X
 * shortened would give such a walk too. So P is the tree path of W u X, which holds every edge
 * usable now; and the path of a tree is also the path of the tree of any subset of its graph
 * that holds it (docs/routing.md, "Why the router can cache trees"). A reference query that
 * reached nothing answers "nothing" when no extra edge is joined to both the origin and the
 * destination. Otherwise the query goes to the trees, which are the shortest-path trees of
 * their graphs as before (the answers from the reference leave them untouched).
 *
 * The lower bound of edge (u, v) is min(d(o, u) + len + d(v, dst), d(o, v) + len + d(u, dst)),
 * d the distances in the intact network open to the slot (a supergraph of every usable set):
 * the base trees for d(o, .), and one tree per (destination, transit class) built once. It is
 * compared with a relative margin of 1e-9, far above the rounding of sums of a few hundred
 * lengths (1e-13), so that floating-point sums taken in another order cannot break a tie.
 */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "routing/routing_impl.h"

/* The relative margin of the lower-bound test. */
#define LB_MARGIN 1e-9

/* The routings with failures at a capacity vector before its reference routing is recorded. */
#define REFLOG_AFTER 2

bool cs_reflog_alloc(cs_router_t *r)
{
    r->dst_of = calloc(r->nd + 1, sizeof *r->dst_of);
    r->conn0 = calloc(r->nd + 1, 1);
    r->conn_rec = calloc(r->nd + 1, 1);
    r->xtra = calloc(r->ne + 1, sizeof *r->xtra);
    if (r->dst_of == NULL || r->conn0 == NULL || r->conn_rec == NULL || r->xtra == NULL)
        return false;
    /* One distance array per distinct (destination, transit class) of the demand. */
    size_t n = 0;
    for (size_t i = 0; i < r->nd; i++) {
        size_t j = 0;
        while (j < i &&
               (r->ddst[j] != r->ddst[i] || r->dca[j] != r->dca[i] || r->dcb[j] != r->dcb[i]))
            j++;
        r->dst_of[i] = j < i ? r->dst_of[j] : n++;
    }
    r->to_dst = malloc((n * r->nn + 1) * sizeof *r->to_dst);
    if (r->to_dst == NULL) return false;
    /* Built with the storage of slot 0's tree, before any routing uses it. */
    cs_spt t = r->own[0];
    t.cut = NULL;
    for (size_t i = 0, next = 0; i < r->nd; i++) {
        if (r->dst_of[i] != next) continue;
        t.allow_a = r->dca[i];
        t.allow_b = r->dcb[i];
        cs_spt_dijkstra(r, &t, r->ddst[i]);
        memcpy(r->to_dst + next * r->nn, t.dist, r->nn * sizeof *t.dist);
        next++;
    }
    return true;
}

static void log_clear(cs_router_t *r, cs_reflog *L);

/* Frees L's references by edge. */
static void drop_subs(cs_router_t *r, cs_reflog *L)
{
    for (size_t e = 0; L->sub != NULL && e < r->ne; e++)
        if (L->sub[e] != NULL) {
            log_clear(r, L->sub[e]);
            free(L->sub[e]);
            L->sub[e] = NULL;
            r->n_sublogs--;
        }
}

static void log_clear(cs_router_t *r, cs_reflog *L)
{
    drop_subs(r, L);
    free(L->sub);
    free(L->flow);
    free(L->cap);
    free(L->q_off);
    free(L->q_edge);
    free(L->q_km);
    free(L->q_hops);
    free(L->inc_q);
    free(L->sat_q);
    free(L->sat_list);
    memset(L, 0, sizeof *L);
}

void cs_reflog_free(cs_router_t *r)
{
    for (size_t k = 0; k < CS_REFLOG_SLOTS; k++)
        log_clear(r, &r->logs[k]);
    free(r->to_dst);
    free(r->dst_of);
    free(r->conn0);
    free(r->conn_rec);
    free(r->xtra);
}

/* Grows L's query arrays to hold one more query of up to n_path edges; false: out of memory. */
static bool log_room(cs_reflog *L, size_t n_path)
{
    if (L->n_q + 1 > L->q_room) {
        const size_t room = 2 * L->q_room + 256;
        size_t *off = realloc(L->q_off, (room + 1) * sizeof *off);
        if (off != NULL) L->q_off = off;
        double *km = realloc(L->q_km, room * sizeof *km);
        if (km != NULL) L->q_km = km;
        size_t *hops = realloc(L->q_hops, room * sizeof *hops);
        if (hops != NULL) L->q_hops = hops;
        if (off == NULL || km == NULL || hops == NULL) return false;
        if (L->q_room == 0) L->q_off[0] = 0; /* a new log: no query, no edge used */
        L->q_room = room;
    }
    const size_t used = L->q_off[L->n_q];
    if (used + n_path > L->edge_room || L->q_edge == NULL) {
        const size_t room = 2 * L->edge_room + n_path + 1024;
        size_t *edge = realloc(L->q_edge, room * sizeof *edge);
        if (edge == NULL) return false;
        L->q_edge = edge;
        L->edge_room = room;
    }
    return true;
}

/* Records r's reference routing into L (with record, a routing with L->edge failed), its
 * queries answered where they can be from r->use (the reference with nothing failed, or NULL);
 * false: out of memory. */
static bool log_build(cs_router_t *r, cs_reflog *L, void (*record)(cs_router_t *))
{
    const size_t n_inc = (size_t)r->opt.rounds * r->nd;
    L->n_q = L->n_sat = 0;
    if (L->inc_q == NULL) L->inc_q = malloc((n_inc + 1) * sizeof *L->inc_q);
    if (L->sat_q == NULL) L->sat_q = malloc((r->ne + 1) * sizeof *L->sat_q);
    if (L->sat_list == NULL) L->sat_list = malloc((r->ne + 1) * sizeof *L->sat_list);
    if (L->flow == NULL) L->flow = malloc((r->ne + 1) * sizeof *L->flow);
    if (L->inc_q == NULL || L->sat_q == NULL || L->sat_list == NULL || L->flow == NULL ||
        !log_room(L, 0))
        return false;
    for (size_t e = 0; e < r->ne; e++)
        L->sat_q[e] = NONE;
    L->q_off[0] = 0;
    r->rec = L;
    r->rec_failed = false;
    r->rec_edge = L->edge;
    r->n_xtra = r->sat_next = 0;
    record(r);
    r->rec_edge = NONE;
    r->rec = NULL;
    r->n_xtra = r->sat_next = 0;
    for (size_t e = 0; e < r->ne; e++)
        L->flow[e] = r->cap[e] - r->res[e];
    L->built = !r->rec_failed;
    return L->built;
}

/* Among the failed edges of f, the one that carries the most flow in L (the lowest index among
 * equals), or NONE when none carries any. */
static size_t busiest_failed(const cs_reflog *L, const cs_failures *f)
{
    size_t best = NONE;
    for (size_t k = 0; k < f->n_edges; k++) {
        const size_t e = f->edges[k];
        if (L->flow[e] > 0.0 && (best == NONE || L->flow[e] > L->flow[best] ||
                                 (L->flow[e] == L->flow[best] && e < best)))
            best = e;
    }
    return best;
}

/*
 * Sets r->use to L's reference with edge e failed once it is recorded (the second time it is
 * asked for, as L itself; while it is recorded, L answers what it can). No more than
 * CS_REFLOG_EDGE_MAX such references are kept: past that, L answers. \return false: out of
 * memory.
 */
static bool use_sub(cs_router_t *r, cs_reflog *L, size_t e, void (*record)(cs_router_t *))
{
    if (L->sub == NULL && (L->sub = calloc(r->ne + 1, sizeof *L->sub)) == NULL) return false;
    cs_reflog *S = L->sub[e];
    if (S == NULL) {
        if (r->n_sublogs >= CS_REFLOG_EDGE_MAX) return true;
        if ((S = L->sub[e] = calloc(1, sizeof *S)) == NULL) return false;
        r->n_sublogs++;
        S->edge = e;
    }
    if (!S->built && ++S->seen >= REFLOG_AFTER && !log_build(r, S, record)) return false;
    if (S->built) r->use = S;
    return true;
}

bool cs_reflog_for(cs_router_t *r, void (*record)(cs_router_t *), const cs_failures *f)
{
    r->use = NULL;
    r->n_xtra = r->sat_next = 0;
    cs_reflog *L = NULL;
    for (size_t k = 0; k < CS_REFLOG_SLOTS && L == NULL; k++)
        if (r->logs[k].cap != NULL && memcmp(r->logs[k].cap, r->cap, r->ne * sizeof *r->cap) == 0)
            L = &r->logs[k];
    if (L == NULL) { /* new capacities: only registered */
        L = &r->logs[r->log_next];
        r->log_next = (r->log_next + 1) % CS_REFLOG_SLOTS;
        double *cap = L->cap != NULL ? L->cap : malloc((r->ne + 1) * sizeof *cap);
        if (cap == NULL) return false;
        L->cap = cap;
        memcpy(L->cap, r->cap, r->ne * sizeof *r->cap);
        L->built = false;
        L->seen = 0;
        L->edge = NONE;
        drop_subs(r, L);
    }
    if (!L->built && ++L->seen >= REFLOG_AFTER && !log_build(r, L, record)) return false;
    r->use = L->built ? L : NULL;
    if (!L->built) return true;
    const size_t e = busiest_failed(L, f);
    return e == NONE || use_sub(r, L, e, record);
}

void cs_reflog_query(cs_router_t *r, bool reached, double km, size_t hops)
{
    cs_reflog *L = r->rec;
    if (r->rec_failed || !log_room(L, r->n_path)) {
        r->rec_failed = true;
        return;
    }
    const size_t q = L->n_q++, at = L->q_off[q];
    memcpy(L->q_edge + at, r->path, r->n_path * sizeof *r->path);
    L->q_off[q + 1] = at + r->n_path;
    L->q_km[q] = reached ? km : INFINITY;
    L->q_hops[q] = hops;
}

void cs_reflog_saturated(cs_router_t *r, size_t e)
{
    cs_reflog *L = r->rec;
    if (r->rec_failed) return;
    assert(L->n_q > 0 && L->sat_q[e] == NONE);
    L->sat_q[e] = L->n_q - 1;
    L->sat_list[L->n_sat++] = e;
}

/* The lower bound on walks from the origin of slot s to demand i's destination through e. */
static double lower_bound(const cs_router_t *r, size_t s, size_t i, size_t e)
{
    const double *d = r->base[s].dist, *b = r->to_dst + r->dst_of[i] * r->nn;
    const size_t u = r->efrom[e], v = r->eto[e];
    return fmin(d[u] + r->len[e] + b[v], d[v] + r->len[e] + b[u]);
}

bool cs_reflog_path(cs_router_t *r, size_t i, size_t inc, size_t j, bool *reached, double *km,
                    size_t *hops)
{
    const cs_reflog *L = r->use;
    if (L == NULL) return false;
    const size_t q = L->inc_q[inc] + j;
    if (q >= L->inc_q[inc + 1]) return false;
    /* The extras: edges the reference had saturated before query q (sat_q < q) still usable. */
    while (r->sat_next < L->n_sat && L->sat_q[L->sat_list[r->sat_next]] < q) {
        const size_t e = L->sat_list[r->sat_next++];
        if (r->usable[e]) r->xtra[r->n_xtra++] = e;
    }
    const size_t *p = L->q_edge + L->q_off[q], np = L->q_off[q + 1] - L->q_off[q];
    for (size_t k = 0; k < np; k++)
        if (!r->usable[p[k]]) return false;
    const bool hit = L->q_km[q] < INFINITY;
    const double bound = hit ? L->q_km[q] * (1.0 + LB_MARGIN) : INFINITY;
    const size_t s = r->dslot[i];
    bool ok = true;
    size_t n = 0;
    for (size_t k = 0; k < r->n_xtra; k++) {
        const size_t e = r->xtra[k];
        if (!r->usable[e]) continue; /* saturated here too since: no longer an extra */
        r->xtra[n++] = e;
        if (ok && cs_router_allowed(r, e, r->slot_a[s], r->slot_b[s])) {
            const double lb = lower_bound(r, s, i, e);
            ok = hit ? lb > bound : !(lb < INFINITY);
        }
    }
    r->n_xtra = n;
    if (!ok) return false;
    memcpy(r->path, p, np * sizeof *p);
    r->n_path = np;
    *reached = hit;
    *km = L->q_km[q];
    *hops = L->q_hops[q];
    return true;
}
