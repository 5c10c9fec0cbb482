/*
 * hazard_explicit.c: explicit, named cables, segments and stations failed in
 * every trial (docs/model.md, "Explicit"): historical replays and what-ifs.
 * Draws no random numbers.
 */
#include "hazard_impl.h"

#include <stdlib.h>

typedef struct {
    size_t ncables, nedges, nnodes;
    size_t *cables, *edges, *nodes;
} explicit_cfg;

static void explicit_free(void *cfg)
{
    explicit_cfg *x = cfg;
    free(x->cables);
    free(x->edges);
    free(x->nodes);
    free(x);
}

static cs_status explicit_sample(const void *cfg, const cs_hazard_env *env, gsl_rng *rng,
                                 cs_failures *f, cs_error *err)
{
    (void)rng;
    (void)err;
    const explicit_cfg *x = cfg;
    for (size_t i = 0; i < x->ncables; i++)
        cs_hz_fail_cable(f, env->topology, x->cables[i]);
    for (size_t i = 0; i < x->nedges; i++)
        cs_failures_fail_edge(f, x->edges[i]);
    for (size_t i = 0; i < x->nnodes; i++)
        cs_failures_fail_node(f, x->nodes[i]);
    return CS_OK;
}

cs_status cs_hz_explicit_parse(cs_hazard_t *h, const cs_hz_ctx *c, cs_error *err)
{
    static const char *const keys[] = {"type", "cables", "segments", "stations", NULL};
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
    if ((cs_hz_present(c->spec, "cables") &&
         (rc = cs_hz_names(c, cs_ymap_get(c->spec, "cables"), "cables", 'c', &x->cables,
                           &x->ncables, err))) ||
        (cs_hz_present(c->spec, "segments") &&
         (rc = cs_hz_names(c, cs_ymap_get(c->spec, "segments"), "segments", 'e', &x->edges,
                           &x->nedges, err))) ||
        (cs_hz_present(c->spec, "stations") &&
         (rc = cs_hz_names(c, cs_ymap_get(c->spec, "stations"), "stations", 'n', &x->nodes,
                           &x->nnodes, err))))
        return rc;
    return CS_OK;
}
