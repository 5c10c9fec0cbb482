/* cutsite.c: positions along an edge's route and the water depth there (cutsite.h). */
#include "cablesim/cutsite.h"

#include <math.h>

#include "hazard_impl.h"

/* The nearest distance along the route to a landed end below this counts as
 * this, so that a cut on the beach still has water over it. */
#define MIN_SHORE_KM 0.5

static const cs_lonlat *part_pts(const cs_edge *e, size_t k, size_t *n)
{
    *n = e->part_off[k + 1] - e->part_off[k];
    return e->pts + e->part_off[k];
}

double cs_cutsite_route_km(const cs_edge *e)
{
    double total = 0.0;
    for (size_t k = 0; k < e->nparts; k++) {
        size_t n;
        const cs_lonlat *p = part_pts(e, k, &n);
        total += cs_geo_polyline_length_km(p, n);
    }
    return total;
}

cs_lonlat cs_cutsite_point(const cs_edge *e, double s_km)
{
    double left = fmax(s_km, 0.0);
    for (size_t k = 0; k < e->nparts; k++) {
        size_t n;
        const cs_lonlat *p = part_pts(e, k, &n);
        const double len = cs_geo_polyline_length_km(p, n);
        if (left <= len || k + 1 == e->nparts) return cs_hz_polyline_at(p, n, left);
        left -= len;
    }
    return e->pts[0];
}

double cs_cutsite_locate(const cs_edge *e, cs_lonlat p)
{
    double best = HUGE_VAL, at = 0.0, acc = 0.0;
    for (size_t k = 0; k < e->nparts; k++) {
        size_t n;
        const cs_lonlat *q = part_pts(e, k, &n);
        const double d = cs_geo_point_polyline_distance_km(p, q, n);
        if (d < best) {
            best = d;
            at = acc + (n > 1 ? cs_hz_polyline_locate(q, n, p) : 0.0);
        }
        acc += cs_geo_polyline_length_km(q, n);
    }
    return at;
}

static bool landed(const cs_topology_t *t, size_t v)
{
    return cs_topology_node(t, v)->kind == CS_NODE_LANDING;
}

double cs_cutsite_shore_km(const cs_topology_t *t, size_t e, double s_km)
{
    const cs_edge *ed = cs_topology_edge(t, e);
    const cs_lonlat first = ed->pts[0];
    /* The node the route starts at: the nearer of the two to its first point. */
    const bool fwd = cs_geo_distance_km(first, cs_topology_node(t, ed->from)->pos) <=
                     cs_geo_distance_km(first, cs_topology_node(t, ed->to)->pos);
    const size_t start = fwd ? ed->from : ed->to, end = fwd ? ed->to : ed->from;
    const double L = cs_cutsite_route_km(ed);
    const double s = fmin(fmax(s_km, 0.0), L);
    double x = HUGE_VAL;
    if (landed(t, start)) x = s;
    if (landed(t, end)) x = fmin(x, L - s);
    return x;
}

double cs_cutsite_depth_m(const cs_topology_t *t, size_t e, double s_km)
{
    const cs_edge *ed = cs_topology_edge(t, e);
    const double deep = isnan(ed->depth_m) ? CS_CUTSITE_DEEP_M : ed->depth_m;
    const double x = cs_cutsite_shore_km(t, e, s_km);
    if (isinf(x)) return deep;
    const double L = cs_cutsite_route_km(ed);
    const size_t ends = (size_t)landed(t, ed->from) + (size_t)landed(t, ed->to);
    double W =
        isnan(ed->shallow_share) ? CS_CUTSITE_SHORE_KM : ed->shallow_share * L / (double)ends;
    W = fmax(fmin(W, L), MIN_SHORE_KM);
    const double xs = fmax(x, MIN_SHORE_KM);
    if (deep <= CS_CUTSITE_SHELF_M) return deep * fmin(1.0, xs / W);
    if (xs <= W) return CS_CUTSITE_SHELF_M * xs / W;
    if (xs <= W + CS_CUTSITE_SLOPE_KM)
        return CS_CUTSITE_SHELF_M + (deep - CS_CUTSITE_SHELF_M) * (xs - W) / CS_CUTSITE_SLOPE_KM;
    return deep;
}

void cs_cutsite_default(const cs_topology_t *t, size_t e, cs_lonlat *at, double *depth_m)
{
    const cs_edge *ed = cs_topology_edge(t, e);
    const double s = cs_cutsite_route_km(ed) / 2.0;
    *at = cs_cutsite_point(ed, s);
    *depth_m = cs_cutsite_depth_m(t, e, s);
}
