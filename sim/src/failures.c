/* failures.c: per-trial failure sets. */
#include "cablesim/failures.h"

#include <stdlib.h>
#include <string.h>

cs_status cs_failures_init(cs_failures *f, size_t ne, size_t nn, cs_error *err)
{
    memset(f, 0, sizeof *f);
    f->ne = ne;
    f->nn = nn;
    f->edge_failed = calloc(ne + 1, 1);
    f->node_failed = calloc(nn + 1, 1);
    f->edges = malloc((ne + 1) * sizeof *f->edges);
    f->nodes = malloc((nn + 1) * sizeof *f->nodes);
    f->edge_time = calloc(ne + 1, sizeof *f->edge_time);
    f->node_time = calloc(nn + 1, sizeof *f->node_time);
    if (!f->edge_failed || !f->node_failed || !f->edges || !f->nodes || !f->edge_time ||
        !f->node_time) {
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
    memset(f, 0, sizeof *f);
}

void cs_failures_clear(cs_failures *f)
{
    for (size_t i = 0; i < f->n_edges; i++)
        f->edge_failed[f->edges[i]] = 0;
    for (size_t i = 0; i < f->n_nodes; i++)
        f->node_failed[f->nodes[i]] = 0;
    f->n_edges = f->n_nodes = 0;
    f->now = 0.0;
}

void cs_failures_fail_edge(cs_failures *f, size_t e)
{
    if (f->edge_failed[e]) return;
    f->edge_failed[e] = 1;
    f->edge_time[e] = f->now;
    f->edges[f->n_edges++] = e;
}

void cs_failures_fail_node(cs_failures *f, size_t v)
{
    if (f->node_failed[v]) return;
    f->node_failed[v] = 1;
    f->node_time[v] = f->now;
    f->nodes[f->n_nodes++] = v;
}

bool cs_failures_edge_down(const cs_failures *f, const cs_topology_t *t, size_t e)
{
    if (f->edge_failed[e]) return true;
    if (f->n_nodes == 0) return false;
    const cs_edge *ed = cs_topology_edge(t, e);
    return f->node_failed[ed->from] || f->node_failed[ed->to];
}

void cs_failures_copy(cs_failures *dst, const cs_failures *src)
{
    cs_failures_clear(dst);
    for (size_t i = 0; i < src->n_edges; i++) {
        dst->now = src->edge_time[src->edges[i]];
        cs_failures_fail_edge(dst, src->edges[i]);
    }
    for (size_t i = 0; i < src->n_nodes; i++) {
        dst->now = src->node_time[src->nodes[i]];
        cs_failures_fail_node(dst, src->nodes[i]);
    }
    dst->now = src->now;
    dst->horizon_days = src->horizon_days;
}
