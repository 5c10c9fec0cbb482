/*
 * hazard_explicit.c: explicit, named cables, segments and stations failed in
 * every trial (docs/model.md, "Explicit"): historical replays and what-ifs.
 * Draws no random numbers. Each named segment (every segment of a named
 * cable) is cut once: at the point of its route nearest to `at` when the
 * entry gives one, else on the shelf of its landed end (cs_cutsite_shelf).
 * The places do not depend on the trial, so they are found once.
 */
#include "hazards/hazard_impl.h"

#include <stdbool.h>
#include <stdlib.h>

#include "cablesim/cutsite.h"

typedef struct {
    size_t nsites, nnodes;
    size_t *site_edge; /* [nsites] edges cut, in list order (cables first, then segments) */
    cs_lonlat *site_at;
    double *site_depth;
    size_t *nodes;
} explicit_cfg;

static void explicit_free(void *cfg)
{
    explicit_cfg *x = cfg;
    free(x->site_edge);
    free(x->site_at);
    free(x->site_depth);
    free(x->nodes);
    free(x);
}

static cs_status explicit_sample(const void *cfg, void *ws, const cs_hazard_env *env, gsl_rng *rng,
                                 cs_failures *f, cs_error *err)
{
    (void)ws;
    (void)rng;
    (void)env;
    const explicit_cfg *x = cfg;
    for (size_t i = 0; i < x->nsites; i++) {
        /* One cut per edge named in this entry (a segment also named through its cable counts
         * once); another entry naming the edge again cuts it again at its own place, as
         * docs/model.md ("Explicit") says: one entry per place. */
        bool again = false;
        for (size_t j = 0; j < i && !again; j++)
            again = x->site_edge[j] == x->site_edge[i];
        if (again) continue;
        const cs_status rc =
            cs_failures_cut_edge(f, x->site_edge[i], x->site_at[i], x->site_depth[i], err);
        if (rc != CS_OK) return rc;
    }
    for (size_t i = 0; i < x->nnodes; i++)
        cs_failures_fail_node(f, x->nodes[i]);
    return CS_OK;
}

/* Adds edge e's cut site (once per edge). */
static void add_site(explicit_cfg *x, const cs_topology_t *t, size_t e, const cs_lonlat *at)
{
    for (size_t i = 0; i < x->nsites; i++)
        if (x->site_edge[i] == e) return;
    const size_t i = x->nsites++;
    x->site_edge[i] = e;
    if (at != NULL) {
        const cs_edge *ed = cs_topology_edge(t, e);
        const double s = cs_cutsite_locate(ed, *at);
        x->site_at[i] = cs_cutsite_point(ed, s);
        x->site_depth[i] = cs_cutsite_depth_m(t, e, s);
    } else {
        double s;
        cs_cutsite_shelf(t, e, &s, &x->site_at[i], &x->site_depth[i]);
    }
}

static cs_status explicit_sites(const cs_hz_ctx *c, explicit_cfg *x, const size_t *cables,
                                size_t ncables, const size_t *edges, size_t nedges,
                                const cs_lonlat *at, cs_error *err)
{
    const cs_topology_t *t = c->t;
    const size_t ne = cs_topology_edge_count(t);
    x->site_edge = malloc((ne + 1) * sizeof *x->site_edge);
    x->site_at = malloc((ne + 1) * sizeof *x->site_at);
    x->site_depth = malloc((ne + 1) * sizeof *x->site_depth);
    if (!x->site_edge || !x->site_at || !x->site_depth)
        return cs_errorf(err, CS_ENOMEM, "out of memory for explicit");
    for (size_t k = 0; k < ncables; k++)
        for (size_t e = 0; e < ne; e++) {
            const cs_edge *ed = cs_topology_edge(t, e);
            if (ed->kind == CS_EDGE_SEGMENT && ed->cable_index == cables[k]) add_site(x, t, e, at);
        }
    for (size_t k = 0; k < nedges; k++)
        add_site(x, t, edges[k], at);
    return CS_OK;
}

cs_status cs_hz_explicit_parse(cs_hazard_t *h, const cs_hz_ctx *c, cs_error *err)
{
    static const char *const keys[] = {"type", "cables", "segments", "stations", "at", NULL};
    cs_status rc = cs_ymap_check_keys(c->doc, c->spec, keys, "hazard explicit", err);
    if (rc != CS_OK) return rc;
    explicit_cfg *x = calloc(1, sizeof *x);
    if (x == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for explicit");
    h->cfg = x;
    h->sample = explicit_sample;
    h->free_cfg = explicit_free;
    const bool any = cs_hz_present(c->spec, "cables") || cs_hz_present(c->spec, "segments") ||
                     cs_hz_present(c->spec, "stations");
    if (!any)
        return cs_yerr_missing(c->doc, c->spec, "cables",
                               "a list of cables (or `segments`, or `stations`)", err);
    size_t *cables = NULL, *edges = NULL, ncables = 0, nedges = 0;
    cs_lonlat at;
    const bool has_at = cs_hz_present(c->spec, "at");
    if ((has_at && (rc = cs_hz_point(c, cs_ymap_get(c->spec, "at"), "at", &at, err))) ||
        (cs_hz_present(c->spec, "cables") &&
         (rc = cs_hz_names(c, cs_ymap_get(c->spec, "cables"), "cables", 'c', &cables, &ncables,
                           err))) ||
        (cs_hz_present(c->spec, "segments") &&
         (rc = cs_hz_names(c, cs_ymap_get(c->spec, "segments"), "segments", 'e', &edges, &nedges,
                           err))) ||
        (cs_hz_present(c->spec, "stations") &&
         (rc = cs_hz_names(c, cs_ymap_get(c->spec, "stations"), "stations", 'n', &x->nodes,
                           &x->nnodes, err))))
        goto done;
    rc = explicit_sites(c, x, cables, ncables, edges, nedges, has_at ? &at : NULL, err);
done:
    free(cables);
    free(edges);
    return rc;
}
