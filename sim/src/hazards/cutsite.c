/* cutsite.c: positions along an edge's route and the water depth there (cutsite.h). */
#include "cablesim/cutsite.h"

#include <math.h>

#include "hazards/hazard_impl.h"

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
        if (k + 1 == e->nparts) return cs_hz_polyline_at(p, n, left);
        const double len = cs_geo_polyline_length_km(p, n);
        if (left <= len) return cs_hz_polyline_at(p, n, left);
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

static bool foreign(const cs_topology_t *t, size_t v)
{
    return !cs_node_is_japan(cs_topology_node(t, v));
}

/* The nodes at the route's first and last points (the route may run either way). */
static void route_ends(const cs_topology_t *t, const cs_edge *ed, size_t *start, size_t *end)
{
    const cs_lonlat first = ed->pts[0];
    const bool fwd = cs_geo_distance_km(first, cs_topology_node(t, ed->from)->pos) <=
                     cs_geo_distance_km(first, cs_topology_node(t, ed->to)->pos);
    *start = fwd ? ed->from : ed->to;
    *end = fwd ? ed->to : ed->from;
}

double cs_cutsite_shore_km(const cs_topology_t *t, size_t e, double s_km)
{
    const cs_edge *ed = cs_topology_edge(t, e);
    size_t start, end;
    route_ends(t, ed, &start, &end);
    const double L = cs_cutsite_route_km(ed);
    const double s = fmin(fmax(s_km, 0.0), L);
    double x = HUGE_VAL;
    if (landed(t, start)) x = s;
    if (landed(t, end)) x = fmin(x, L - s);
    return x;
}

void cs_cutsite_shelves(const cs_topology_t *t, size_t e, double share, double shore_km,
                        double *w_start, double *w_end)
{
    const cs_edge *ed = cs_topology_edge(t, e);
    size_t start, end;
    route_ends(t, ed, &start, &end);
    const bool a = landed(t, start), b = landed(t, end);
    const size_t ends = (size_t)a + (size_t)b;
    *w_start = *w_end = 0.0;
    if (ends == 0) return;
    const double L = cs_cutsite_route_km(ed);
    const double shallow = isnan(share) ? fmin(L, shore_km * (double)ends) : share * L;
    const double base = fmin(shore_km, shallow / (double)ends);
    const double extra = shallow - base * (double)ends;
    /* the shelf beyond the shore allowance goes to the foreign landed ends, if any */
    const bool fa = a && foreign(t, start), fb = b && foreign(t, end);
    const size_t nf = (size_t)fa + (size_t)fb;
    const bool ta = nf > 0 ? fa : a, tb = nf > 0 ? fb : b;
    const double each = extra / (double)(nf > 0 ? nf : ends);
    if (a) *w_start = base + (ta ? each : 0.0);
    if (b) *w_end = base + (tb ? each : 0.0);
}

/* The depth at distance x from a landed end whose shelf is W km long, with deep water D. */
static double profile(double x, double W, double deep)
{
    W = fmax(W, MIN_SHORE_KM);
    const double xs = fmax(x, MIN_SHORE_KM);
    if (deep <= CS_CUTSITE_SHELF_M) return deep * fmin(1.0, xs / W);
    if (xs <= W) return CS_CUTSITE_SHELF_M * xs / W;
    if (xs <= W + CS_CUTSITE_SLOPE_KM)
        return CS_CUTSITE_SHELF_M + (deep - CS_CUTSITE_SHELF_M) * (xs - W) / CS_CUTSITE_SLOPE_KM;
    return deep;
}

void cs_cutsite_geom_of(const cs_topology_t *t, size_t e, cs_cutsite_geom *g)
{
    const cs_edge *ed = cs_topology_edge(t, e);
    g->link = ed->kind == CS_EDGE_LINK;
    g->deep = isnan(ed->depth_m) ? CS_CUTSITE_DEEP_M : ed->depth_m;
    size_t start, end;
    route_ends(t, ed, &start, &end);
    g->landed_start = landed(t, start);
    g->landed_end = landed(t, end);
    cs_cutsite_shelves(t, e, ed->shallow_share, CS_CUTSITE_SHORE_KM, &g->w_start, &g->w_end);
    g->route_km = cs_cutsite_route_km(ed);
}

double cs_cutsite_geom_depth(const cs_cutsite_geom *g, double s_km)
{
    if (g->link) return 0.0; /* on land */
    const double L = g->route_km, deep = g->deep;
    const double s = fmin(fmax(s_km, 0.0), L);
    double d = deep;
    if (g->landed_start) d = fmin(d, profile(s, g->w_start, deep));
    if (g->landed_end) d = fmin(d, profile(L - s, g->w_end, deep));
    return d;
}

double cs_cutsite_depth_m(const cs_topology_t *t, size_t e, double s_km)
{
    cs_cutsite_geom g;
    cs_cutsite_geom_of(t, e, &g);
    return cs_cutsite_geom_depth(&g, s_km);
}

void cs_cutsite_shelf(const cs_topology_t *t, size_t e, double *s_km, cs_lonlat *at,
                      double *depth_m)
{
    const cs_edge *ed = cs_topology_edge(t, e);
    const double L = cs_cutsite_route_km(ed);
    double wa, wb;
    cs_cutsite_shelves(t, e, ed->shallow_share, CS_CUTSITE_SHORE_KM, &wa, &wb);
    double s = L / 2.0;
    if (wa > 0.0)
        s = wa / 2.0;
    else if (wb > 0.0)
        s = L - wb / 2.0;
    *s_km = s;
    *at = cs_cutsite_point(ed, s);
    *depth_m = cs_cutsite_depth_m(t, e, s);
}

void cs_cutsite_default(const cs_topology_t *t, size_t e, cs_lonlat *at, double *depth_m)
{
    const cs_edge *ed = cs_topology_edge(t, e);
    const double s = cs_cutsite_route_km(ed) / 2.0;
    *at = cs_cutsite_point(ed, s);
    *depth_m = cs_cutsite_depth_m(t, e, s);
}
