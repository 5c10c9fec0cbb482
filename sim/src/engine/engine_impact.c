/*
 * engine_impact.c: the impact of a trial beyond unserved demand (docs/model.md, "Impact
 * metrics"): capacity, systems and stations lost, served fraction and latency added per
 * region, and headroom per region (a max flow on the spare capacities).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_impl.h"

/* Served-weighted mean latency per region of routing r into out[n_regions] (NAN: none served). */
static void region_latency(cs_engine_t *e, const double *served, const double *lat, double *out)
{
    for (size_t g = 0; g < e->n_regions; g++)
        e->lat_num[g] = e->lat_den[g] = 0.0;
    for (size_t i = 0; i < cs_demand_count(e->d); i++) {
        const size_t g = e->region_of_demand[i];
        if (g == SIZE_MAX || !(served[i] > 0.0) || !isfinite(lat[i])) continue;
        e->lat_num[g] += served[i] * lat[i];
        e->lat_den[g] += served[i];
    }
    for (size_t g = 0; g < e->n_regions; g++)
        out[g] = e->lat_den[g] > 0.0 ? e->lat_num[g] / e->lat_den[g] : NAN;
}

/*
 * What the impact metrics need, computed once: reachability of pairs and regions (demands
 * the intact network cannot serve at all are left out of every damage figure), each
 * region's reachable demand and intact latency, edge capacities on the run's basis, the
 * segments between Japan and abroad, and the edges at each node.
 */
cs_status cs_engine_impact_setup(cs_engine_t *e, cs_error *err)
{
    const size_t nd = cs_demand_count(e->d), ne = cs_topology_edge_count(e->t);
    const size_t nn = cs_topology_node_count(e->t), nc = cs_topology_cable_count(e->t);
    e->reach = cs_router_reachable(e->router);
    e->pair_reach = calloc(e->n_pairs + 1, 1);
    e->region_reach = calloc(e->n_regions + 1, 1);
    e->region_of_demand = malloc((nd + 1) * sizeof *e->region_of_demand);
    e->region_demand = calloc(e->n_regions + 1, sizeof *e->region_demand);
    e->region_base_lat = calloc(e->n_regions + 1, sizeof *e->region_base_lat);
    e->ecap = malloc((ne + 1) * sizeof *e->ecap);
    e->eintl = calloc(ne + 1, 1);
    e->ejsys = calloc(ne + 1, 1);
    e->nadj_off = calloc(nn + 2, sizeof *e->nadj_off);
    e->nadj = malloc((2 * ne + 1) * sizeof *e->nadj);
    e->emark = calloc(ne + 1, 1);
    e->cmark = calloc(nc + 1, 1);
    e->lat_num = calloc(e->n_regions + 1, sizeof *e->lat_num);
    e->lat_den = calloc(e->n_regions + 1, sizeof *e->lat_den);
    if (!e->pair_reach || !e->region_reach || !e->region_of_demand || !e->region_demand ||
        !e->region_base_lat || !e->ecap || !e->eintl || !e->ejsys || !e->nadj_off || !e->nadj ||
        !e->emark || !e->cmark || !e->lat_num || !e->lat_den)
        return cs_errorf(err, CS_ENOMEM, "out of memory for the impact metrics");
    for (size_t i = 0; i < nd; i++) {
        const size_t p = e->pair_of_demand[i];
        e->region_of_demand[i] = p != SIZE_MAX && e->reach[i] ? e->region_of_pair[p] : SIZE_MAX;
        if (e->region_of_demand[i] == SIZE_MAX) continue;
        e->pair_reach[p] = 1;
        e->region_reach[e->region_of_pair[p]] = 1;
        e->region_demand[e->region_of_pair[p]] +=
            cs_demand_entry_at(e->d, i)->demand_tbps * e->s->routing.demand_scale;
    }
    region_latency(e, e->intact.served_tbps, e->intact.latency_ms, e->region_base_lat);
    for (size_t j = 0; j < ne; j++) {
        const cs_edge *ed = cs_topology_edge(e->t, j);
        e->ecap[j] = e->s->routing.use_lit ? ed->lit_tbps : ed->capacity_tbps;
        const bool a = cs_node_is_japan(cs_topology_node(e->t, ed->from));
        const bool b = cs_node_is_japan(cs_topology_node(e->t, ed->to));
        e->eintl[j] = ed->kind == CS_EDGE_SEGMENT && a != b;
        if (e->eintl[j]) e->intl_capacity += e->ecap[j];
        e->nadj_off[ed->from + 2]++;
        e->nadj_off[ed->to + 2]++;
        if (ed->kind == CS_EDGE_SEGMENT && ed->cable_index != SIZE_MAX && (a || b))
            e->cmark[ed->cable_index] = 1; /* the system lands in Japan */
    }
    for (size_t j = 0; j < ne; j++) {
        const size_t c = cs_topology_edge(e->t, j)->cable_index;
        e->ejsys[j] = c != SIZE_MAX && e->cmark[c];
        if (e->ejsys[j]) e->jsys_capacity += e->ecap[j];
    }
    for (size_t c = 0; c < nc; c++)
        e->cmark[c] = 0;
    for (size_t v = 0; v < nn; v++)
        e->nadj_off[v + 2] += e->nadj_off[v + 1];
    for (size_t j = 0; j < ne; j++) {
        const cs_edge *ed = cs_topology_edge(e->t, j);
        e->nadj[e->nadj_off[ed->from + 1]++] = j;
        e->nadj[e->nadj_off[ed->to + 1]++] = j;
    }
    e->region_table =
        (cs_region_table){e->n_regions, e->regions, e->region_demand, e->region_reach};
    return CS_OK;
}

cs_status cs_trial_impact_init(cs_trial_impact *m, const cs_engine_t *e, cs_error *err)
{
    memset(m, 0, sizeof *m);
    m->n_regions = e->n_regions;
    m->region_served_fraction = calloc(e->n_regions + 1, sizeof *m->region_served_fraction);
    m->region_latency_added_ms = calloc(e->n_regions + 1, sizeof *m->region_latency_added_ms);
    if (m->region_served_fraction == NULL || m->region_latency_added_ms == NULL) {
        cs_trial_impact_destroy(m);
        return cs_errorf(err, CS_ENOMEM, "out of memory for the impact of a trial");
    }
    return CS_OK;
}

void cs_trial_impact_destroy(cs_trial_impact *m)
{
    free(m->region_served_fraction);
    free(m->region_latency_added_ms);
    memset(m, 0, sizeof *m);
}

double cs_engine_intl_capacity(const cs_engine_t *e)
{
    return e->intl_capacity;
}

double cs_engine_japan_systems_capacity(const cs_engine_t *e)
{
    return e->jsys_capacity;
}

const unsigned char *cs_engine_pair_reachable(const cs_engine_t *e)
{
    return e->pair_reach;
}

const cs_region_table *cs_engine_regions(const cs_engine_t *e)
{
    return &e->region_table;
}

/* Counts edge j as down once (emark), with its capacity and its cable. */
static void impact_edge(cs_engine_t *e, size_t j, cs_trial_impact *m)
{
    if (e->emark[j]) return;
    e->emark[j] = 1;
    m->capacity_lost_tbps += e->ecap[j];
    if (e->eintl[j]) m->intl_capacity_lost_tbps += e->ecap[j];
    if (e->ejsys[j]) m->jsys_capacity_lost_tbps += e->ecap[j];
    const size_t c = cs_topology_edge(e->t, j)->cable_index;
    if (c != SIZE_MAX && !e->cmark[c]) {
        e->cmark[c] = 1;
        m->systems_lost++;
    }
}

/*
 * The capacity part of the impact of failed edges[n_edges] and nodes[n_nodes]: systems and
 * stations lost, capacity lost (all, international, on systems landing in Japan), each edge down
 * counted once.
 */
void cs_engine_impact_capacity(cs_engine_t *e, const size_t *edges, size_t n_edges,
                               const size_t *nodes, size_t n_nodes, cs_trial_impact *m)
{
    m->systems_lost = 0;
    m->stations_lost = (uint32_t)n_nodes;
    m->capacity_lost_tbps = m->intl_capacity_lost_tbps = m->jsys_capacity_lost_tbps = 0.0;
    for (size_t i = 0; i < n_edges; i++)
        impact_edge(e, edges[i], m);
    for (size_t i = 0; i < n_nodes; i++)
        for (size_t k = e->nadj_off[nodes[i]]; k < e->nadj_off[nodes[i] + 1]; k++)
            impact_edge(e, e->nadj[k], m);
    /* Clear the marks: only edges and cables touched above. */
    for (size_t i = 0; i < n_edges; i++) {
        e->emark[edges[i]] = 0;
        const size_t c = cs_topology_edge(e->t, edges[i])->cable_index;
        if (c != SIZE_MAX) e->cmark[c] = 0;
    }
    for (size_t i = 0; i < n_nodes; i++)
        for (size_t k = e->nadj_off[nodes[i]]; k < e->nadj_off[nodes[i] + 1]; k++) {
            e->emark[e->nadj[k]] = 0;
            const size_t c = cs_topology_edge(e->t, e->nadj[k])->cable_index;
            if (c != SIZE_MAX) e->cmark[c] = 0;
        }
}

static void impact_values(cs_engine_t *e, const cs_failures *f, const double *served,
                          const double *lat, cs_trial_impact *m)
{
    cs_engine_impact_capacity(e, f->edges, f->n_edges, f->nodes, f->n_nodes, m);
    for (size_t g = 0; g < e->n_regions; g++)
        m->region_served_fraction[g] = 0.0;
    for (size_t i = 0; i < cs_demand_count(e->d); i++)
        if (e->region_of_demand[i] != SIZE_MAX)
            m->region_served_fraction[e->region_of_demand[i]] += served[i];
    for (size_t g = 0; g < e->n_regions; g++)
        m->region_served_fraction[g] =
            e->region_demand[g] > 0.0 ? m->region_served_fraction[g] / e->region_demand[g] : NAN;
    region_latency(e, served, lat, m->region_latency_added_ms);
    for (size_t g = 0; g < e->n_regions; g++)
        m->region_latency_added_ms[g] -= e->region_base_lat[g];
}

void cs_engine_impact(cs_engine_t *e, const cs_failures *f, const cs_routing_result *r,
                      cs_trial_impact *m)
{
    impact_values(e, f, r->served_tbps, r->latency_ms, m);
}

/* Headroom of region g: one max flow on the spare capacities (see engine.h). */
static cs_status headroom_of(const cs_engine_t *e, size_t g, const cs_failures *f,
                             const cs_routing_result *r, double *out, cs_error *err)
{
    const size_t nn = cs_topology_node_count(e->t), ne = cs_topology_edge_count(e->t);
    const size_t nd = cs_demand_count(e->d);
    const igraph_integer_t S = (igraph_integer_t)nn, T = S + 1;
    igraph_vector_int_t ev;
    igraph_vector_t cap;
    igraph_t gr;
    bool have_g = false;
    cs_status rc = CS_OK;
    if (igraph_vector_int_init(&ev, 0) != IGRAPH_SUCCESS)
        return cs_errorf(err, CS_ENOMEM, "out of memory");
    if (igraph_vector_init(&cap, 0) != IGRAPH_SUCCESS) {
        igraph_vector_int_destroy(&ev);
        return cs_errorf(err, CS_ENOMEM, "out of memory");
    }
    bool ok = true;
    /* The capacities r was routed on: with restoration, those of displaced traffic. */
    const double *cap0 =
        e->rho_cur < 1.0 && f != NULL && cs_reroute_displaces(&e->rr, f) ? e->rcap : e->ecap;
    double big = 1.0; /* more than any cut: the super-source and super-sink links never bind */
    for (size_t j = 0; j < ne; j++)
        big += e->ecap[j];
    for (size_t j = 0; j < ne && ok; j++) {
        const cs_edge *ed = cs_topology_edge(e->t, j);
        if (f != NULL && cs_failures_edge_down(f, e->t, j)) continue;
        if (!ed->transit) { /* open to Japan's traffic with g: a link of Japan or of g */
            const cs_node *from = cs_topology_node(e->t, ed->from);
            const char *c = from->country; /* both ends of a restricted link share it */
            bool open = cs_node_is_japan(from);
            for (size_t i = 0; i < nd && !open; i++)
                open =
                    e->region_of_demand[i] == g &&
                    (strcmp(cs_topology_node(e->t, cs_demand_entry_at(e->d, i)->origin)->country,
                            c) == 0 ||
                     strcmp(
                         cs_topology_node(e->t, cs_demand_entry_at(e->d, i)->destination)->country,
                         c) == 0);
            if (!open) continue;
        }
        ok = igraph_vector_int_push_back(&ev, (igraph_integer_t)ed->from) == IGRAPH_SUCCESS &&
             igraph_vector_int_push_back(&ev, (igraph_integer_t)ed->to) == IGRAPH_SUCCESS &&
             igraph_vector_push_back(&cap, fmax(0.0, cap0[j] - r->edge_flow_tbps[j])) ==
                 IGRAPH_SUCCESS;
    }
    for (size_t i = 0; i < nd && ok; i++) {
        if (e->region_of_demand[i] != g) continue;
        const cs_demand_entry *de = cs_demand_entry_at(e->d, i);
        const bool ja = cs_node_is_japan(cs_topology_node(e->t, de->origin));
        const size_t home = ja ? de->origin : de->destination,
                     away = ja ? de->destination : de->origin;
        ok = igraph_vector_int_push_back(&ev, S) == IGRAPH_SUCCESS &&
             igraph_vector_int_push_back(&ev, (igraph_integer_t)home) == IGRAPH_SUCCESS &&
             igraph_vector_push_back(&cap, big) == IGRAPH_SUCCESS &&
             igraph_vector_int_push_back(&ev, (igraph_integer_t)away) == IGRAPH_SUCCESS &&
             igraph_vector_int_push_back(&ev, T) == IGRAPH_SUCCESS &&
             igraph_vector_push_back(&cap, big) == IGRAPH_SUCCESS;
    }
    igraph_real_t v = 0.0;
    if (!ok ||
        igraph_create(&gr, &ev, (igraph_integer_t)nn + 2, IGRAPH_UNDIRECTED) != IGRAPH_SUCCESS)
        rc = cs_errorf(err, CS_ENOMEM, "out of memory for the headroom graph");
    else {
        have_g = true;
        if (igraph_maxflow_value(&gr, &v, S, T, &cap, NULL) != IGRAPH_SUCCESS)
            rc = cs_errorf(err, CS_ENOMEM, "out of memory for the headroom max flow");
    }
    *out = v;
    if (have_g) igraph_destroy(&gr);
    igraph_vector_int_destroy(&ev);
    igraph_vector_destroy(&cap);
    return rc;
}

cs_status cs_engine_headroom(const cs_engine_t *e, const cs_failures *f, const cs_routing_result *r,
                             double *out, cs_error *err)
{
    for (size_t g = 0; g < e->n_regions; g++) {
        out[g] = NAN;
        if (!e->region_reach[g]) continue;
        const cs_status rc = headroom_of(e, g, f, r, &out[g], err);
        if (rc != CS_OK) return rc;
    }
    return CS_OK;
}
