/* failures.c: per-trial failure sets and their cuts (failures.h). */
#include "cablesim/failures.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cablesim/cutsite.h"

/* Room for this many cuts beyond one per edge from the start. */
#define CUT_SLACK 16

cs_status cs_failures_init(cs_failures *f, size_t ne, size_t nn, cs_error *err)
{
    memset(f, 0, sizeof *f);
    f->ne = ne;
    f->nn = nn;
    f->hazard = -1;
    f->cap_cuts = ne + CUT_SLACK;
    f->edge_failed = calloc(ne + 1, 1);
    f->node_failed = calloc(nn + 1, 1);
    f->edges = malloc((ne + 1) * sizeof *f->edges);
    f->nodes = malloc((nn + 1) * sizeof *f->nodes);
    f->edge_time = calloc(ne + 1, sizeof *f->edge_time);
    f->node_time = calloc(nn + 1, sizeof *f->node_time);
    f->cuts = malloc(f->cap_cuts * sizeof *f->cuts);
    if (!f->edge_failed || !f->node_failed || !f->edges || !f->nodes || !f->edge_time ||
        !f->node_time || !f->cuts) {
        cs_failures_destroy(f);
        return cs_errorf(err, CS_ENOMEM, "out of memory for a failure set");
    }
    return CS_OK;
}

void cs_failures_destroy(cs_failures *f)
{
    free(f->edge_failed);
    free(f->node_failed);
    free(f->edges);
    free(f->nodes);
    free(f->edge_time);
    free(f->node_time);
    free(f->cuts);
    free(f->events);
    memset(f, 0, sizeof *f);
}

void cs_failures_clear(cs_failures *f)
{
    for (size_t i = 0; i < f->n_edges; i++)
        f->edge_failed[f->edges[i]] = 0;
    for (size_t i = 0; i < f->n_nodes; i++)
        f->node_failed[f->nodes[i]] = 0;
    f->n_edges = f->n_nodes = f->n_cuts = f->n_events = 0;
    f->now = 0.0;
    f->hazard = -1;
}

/* Appends a cut; the caller has made room. */
static void push_cut(cs_failures *f, size_t e, cs_lonlat at, double depth_m)
{
    assert(f->n_cuts < f->cap_cuts);
    f->cuts[f->n_cuts++] =
        (cs_cut){.edge = e, .at = at, .depth_m = depth_m, .hazard = f->hazard, .time_days = f->now};
}

/* Marks e failed at f->now (e not failed yet). */
static void mark_edge(cs_failures *f, size_t e)
{
    f->edge_failed[e] = 1;
    f->edge_time[e] = f->now;
    f->edges[f->n_edges++] = e;
}

/*
 * Room for cuts: every failed edge has at least one cut, so n_cuts = n_edges +
 * (cuts of edges already failed). Keeping cap_cuts >= ne + (those extra cuts)
 * leaves room for the first cut of every edge not yet failed, so that
 * cs_failures_fail_edge() never needs to grow the list.
 */
static cs_status reserve_extra(cs_failures *f, size_t extra, cs_error *err)
{
    const size_t need = f->ne + (f->n_cuts - f->n_edges) + extra;
    if (need <= f->cap_cuts) return CS_OK;
    size_t cap = f->cap_cuts * 2;
    if (cap < need) cap = need;
    cs_cut *c = realloc(f->cuts, cap * sizeof *c);
    if (c == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for %zu cuts", need);
    f->cuts = c;
    f->cap_cuts = cap;
    return CS_OK;
}

void cs_failures_fail_edge(cs_failures *f, size_t e)
{
    if (f->edge_failed[e]) return;
    mark_edge(f, e);
    push_cut(f, e, (cs_lonlat){NAN, NAN}, NAN);
}

cs_status cs_failures_cut_edge(cs_failures *f, size_t e, cs_lonlat at, double depth_m,
                               cs_error *err)
{
    if (f->edge_failed[e]) {
        const cs_status rc = reserve_extra(f, 1, err);
        if (rc != CS_OK) return rc;
        if (f->now < f->edge_time[e]) f->edge_time[e] = f->now;
    } else {
        mark_edge(f, e);
    }
    push_cut(f, e, at, depth_m);
    return CS_OK;
}

/* Room for n events in *ev (capacity *cap), doubling. */
static bool reserve_events(cs_hazard_event **ev, size_t *cap, size_t n)
{
    if (n <= *cap) return true;
    size_t c = *cap ? *cap * 2 : 16;
    if (c < n) c = n;
    cs_hazard_event *p = realloc(*ev, c * sizeof *p);
    if (p == NULL) return false;
    *ev = p;
    *cap = c;
    return true;
}

cs_status cs_failures_add_event(cs_failures *f, const cs_hazard_event *ev, cs_error *err)
{
    if (!reserve_events(&f->events, &f->cap_events, f->n_events + 1))
        return cs_errorf(err, CS_ENOMEM, "out of memory for %zu hazard events", f->n_events + 1);
    f->events[f->n_events] = *ev;
    f->events[f->n_events++].hazard = f->hazard;
    return CS_OK;
}

cs_hazard_event cs_hazard_event_none(void)
{
    return (cs_hazard_event){.hazard = -1,
                             .magnitude = NAN,
                             .a = {NAN, NAN},
                             .b = {NAN, NAN},
                             .length_km = NAN,
                             .target = -1,
                             .cuts = 0};
}

void cs_failures_fail_node(cs_failures *f, size_t v)
{
    if (f->node_failed[v]) return;
    f->node_failed[v] = 1;
    f->node_time[v] = f->now;
    f->nodes[f->n_nodes++] = v;
}

void cs_failures_truncate(cs_failures *f, size_t n_edges, size_t n_cuts)
{
    assert(n_edges <= f->n_edges && n_cuts <= f->n_cuts);
    while (f->n_edges > n_edges)
        f->edge_failed[f->edges[--f->n_edges]] = 0;
    f->n_cuts = n_cuts;
}

void cs_failures_locate(cs_failures *f, const cs_topology_t *t)
{
    for (size_t i = 0; i < f->n_cuts; i++) {
        cs_cut *c = &f->cuts[i];
        if (isnan(c->at.lon) || isnan(c->at.lat) || isnan(c->depth_m))
            cs_cutsite_default(t, c->edge, &c->at, &c->depth_m);
    }
}

bool cs_failures_edge_down(const cs_failures *f, const cs_topology_t *t, size_t e)
{
    if (f->edge_failed[e]) return true;
    if (f->n_nodes == 0) return false;
    const cs_edge *ed = cs_topology_edge(t, e);
    return f->node_failed[ed->from] || f->node_failed[ed->to];
}

cs_status cs_failures_copy(cs_failures *dst, const cs_failures *src, cs_error *err)
{
    assert(dst->ne == src->ne && dst->nn == src->nn);
    cs_failures_clear(dst);
    if (src->cap_cuts > dst->cap_cuts) {
        cs_cut *c = realloc(dst->cuts, src->cap_cuts * sizeof *c);
        if (c == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for %zu cuts", src->n_cuts);
        dst->cuts = c;
        dst->cap_cuts = src->cap_cuts;
    }
    for (size_t i = 0; i < src->n_edges; i++)
        dst->edge_failed[src->edges[i]] = 1;
    memcpy(dst->edges, src->edges, src->n_edges * sizeof *src->edges);
    dst->n_edges = src->n_edges;
    for (size_t i = 0; i < src->n_edges; i++)
        dst->edge_time[src->edges[i]] = src->edge_time[src->edges[i]];
    for (size_t i = 0; i < src->n_nodes; i++) {
        dst->node_failed[src->nodes[i]] = 1;
        dst->node_time[src->nodes[i]] = src->node_time[src->nodes[i]];
    }
    memcpy(dst->nodes, src->nodes, src->n_nodes * sizeof *src->nodes);
    dst->n_nodes = src->n_nodes;
    memcpy(dst->cuts, src->cuts, src->n_cuts * sizeof *src->cuts);
    dst->n_cuts = src->n_cuts;
    if (!reserve_events(&dst->events, &dst->cap_events, src->n_events)) {
        cs_failures_clear(dst);
        return cs_errorf(err, CS_ENOMEM, "out of memory for %zu hazard events", src->n_events);
    }
    if (src->n_events > 0) memcpy(dst->events, src->events, src->n_events * sizeof *src->events);
    dst->n_events = src->n_events;
    dst->now = src->now;
    dst->hazard = src->hazard;
    dst->horizon_days = src->horizon_days;
    return CS_OK;
}
