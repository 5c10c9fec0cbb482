/*
 * hazard.c: dispatch on a hazard's `type`, and the helpers the models share
 * (document readers, name resolution, spherical geometry). The models live in
 * hazard_random.c, hazard_quake.c, hazard_sabotage.c and hazard_explicit.c;
 * docs/model.md gives their formulas, parameters and sources.
 */
#include "hazards/hazard_impl.h"

#include "cablesim/cutsite.h"

#include <assert.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strmap.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#define DEG2RAD (M_PI / 180.0)
#define RAD2DEG (180.0 / M_PI)

/* ------------------------------------------------------------ dispatch */

typedef cs_status (*parse_fn)(cs_hazard_t *h, const cs_hz_ctx *c, cs_error *err);

static const char *const type_names[] = {"random_faults", "earthquake",  "sediment_flow",
                                         "sabotage",      "anchor_drag", "station_attack",
                                         "explicit",      NULL};
static const parse_fn type_parsers[] = {
    cs_hz_random_parse, cs_hz_quake_parse,   cs_hz_flow_parse,    cs_hz_sabotage_parse,
    cs_hz_anchor_parse, cs_hz_station_parse, cs_hz_explicit_parse};

/* The file name of a path, for "a cable of japan.geojson". */
static const char *base_name(const char *path)
{
    if (path == NULL) return "the topology";
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

cs_status cs_hazard_parse(cs_hazard_t **out, const cs_ydoc_t *doc, const cs_ynode *spec,
                          const cs_topology_t *t, cs_error *err)
{
    *out = NULL;
    if (spec == NULL || spec->kind != CS_YMAP)
        return cs_yerr(doc, spec, "hazard", "a map with a `type` key", err);
    int type = 0;
    cs_status rc = cs_yget_enum(doc, spec, "type", true, type_names, 0, &type, err);
    if (rc != CS_OK) return rc;
    cs_hazard_t *h = calloc(1, sizeof *h);
    if (h == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for a hazard");
    h->type = type_names[type];
    const cs_hz_ctx c = {doc, spec, t, base_name(cs_topology_path(t))};
    rc = type_parsers[type](h, &c, err);
    if (rc == CS_OK) rc = cs_ydoc_defaults_check(doc, err); /* the resolved scenario needs them */
    if (rc != CS_OK) {
        cs_hazard_free(h);
        return rc;
    }
    *out = h;
    return CS_OK;
}

void cs_hazard_free(cs_hazard_t *h)
{
    if (h == NULL) return;
    if (h->free_cfg != NULL && h->cfg != NULL) h->free_cfg(h->cfg);
    free(h);
}

const char *cs_hazard_type(const cs_hazard_t *h)
{
    return h->type;
}

bool cs_hazard_needs_routing(const cs_hazard_t *h)
{
    return h->needs_routing;
}

struct cs_hazard_ws {
    const cs_hazard_t *h;
    void *p; /* the model's scratch, or NULL when it needs none */
};

cs_status cs_hazard_ws_alloc(cs_hazard_ws **out, const cs_hazard_t *h, cs_error *err)
{
    *out = NULL;
    cs_hazard_ws *w = calloc(1, sizeof *w);
    if (w == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for a hazard workspace");
    w->h = h;
    if (h->ws_alloc != NULL && (w->p = h->ws_alloc(h->cfg)) == NULL) {
        free(w);
        return cs_errorf(err, CS_ENOMEM, "out of memory for the workspace of hazard %s", h->type);
    }
    *out = w;
    return CS_OK;
}

void cs_hazard_ws_free(cs_hazard_ws *w)
{
    if (w == NULL) return;
    if (w->p != NULL) w->h->ws_free(w->p);
    free(w);
}

cs_status cs_hazard_sample(const cs_hazard_t *h, cs_hazard_ws *w, const cs_hazard_env *env,
                           gsl_rng *rng, cs_failures *f, cs_error *err)
{
    assert(w != NULL && w->h == h);
    if (h->needs_routing && (env->router == NULL || env->intact == NULL || env->scratch == NULL))
        return cs_errorf(err, CS_EINVAL,
                         "hazard %s: sampling needs the router and the intact "
                         "routing, found none",
                         h->type);
    return h->sample(h->cfg, w->p, env, rng, f, err);
}

size_t cs_hazard_tilt_count(const cs_hazard_t *h)
{
    return h->sample_tilted != NULL ? h->n_tilt : 0;
}

void cs_hazard_tilt_probs(const cs_hazard_t *h, double horizon_days, double *p)
{
    if (cs_hazard_tilt_count(h) > 0) h->tilt_probs(h->cfg, horizon_days, p);
}

cs_status cs_hazard_sample_tilted(const cs_hazard_t *h, cs_hazard_ws *w, const cs_hazard_env *env,
                                  gsl_rng *rng, const double *q, unsigned char *x, cs_failures *f,
                                  cs_error *err)
{
    assert(w != NULL && w->h == h && h->sample_tilted != NULL);
    (void)w;
    return h->sample_tilted(h->cfg, env, rng, q, x, f, err);
}

/* ------------------------------------------------------------ document */

/* The dotted path of a value node for messages ("hazards.0.fault"), else key. */
static void node_path(const cs_hz_ctx *c, const cs_ynode *node, const char *key, char *buf,
                      size_t n)
{
    if (node == NULL || !cs_ydoc_path(c->doc, node, buf, n) || buf[0] == '\0')
        snprintf(buf, n, "%s", key);
}

bool cs_hz_present(const cs_ynode *map, const char *key)
{
    const cs_ynode *v = cs_ymap_get(map, key);
    return v != NULL && !cs_ynode_is_null(v);
}

cs_status cs_hz_conflict(const cs_hz_ctx *c, const cs_ynode *map, const char *key,
                         const char *other, cs_error *err)
{
    const cs_ynode *at = cs_ymap_get(map, key);
    char path[256], expected[200];
    node_path(c, at, key, path, sizeof path);
    snprintf(expected, sizeof expected, "either `%s` or `%s`, not both", other, key);
    return cs_yerr(c->doc, at, path, expected, err);
}

static bool scalar_double(const cs_ynode *node, double *out)
{
    if (node == NULL || node->kind != CS_YSCALAR || !node->plain || node->value == NULL)
        return false;
    char *end = NULL;
    const double v = strtod(node->value, &end);
    if (end == node->value || *end != '\0' || !isfinite(v)) return false;
    *out = v;
    return true;
}

cs_status cs_hz_point(const cs_hz_ctx *c, const cs_ynode *node, const char *key, cs_lonlat *out,
                      cs_error *err)
{
    char path[256];
    node_path(c, node, key, path, sizeof path);
    if (node == NULL || node->kind != CS_YSEQ || node->n != 2 ||
        !scalar_double(node->items[0], &out->lon) || !scalar_double(node->items[1], &out->lat))
        return cs_yerr(c->doc, node, path, "a [lon, lat] pair of numbers", err);
    if (!cs_geo_valid(*out))
        return cs_yerr(c->doc, node, path,
                       "a [lon, lat] pair with lon in [-180, 180] and lat in [-90, 90]", err);
    return CS_OK;
}

cs_status cs_hz_points(const cs_hz_ctx *c, const cs_ynode *node, const char *key, size_t min_pts,
                       const char *expected, cs_lonlat **out, size_t *n, cs_error *err)
{
    *out = NULL;
    *n = 0;
    char path[256];
    node_path(c, node, key, path, sizeof path);
    if (node == NULL || node->kind != CS_YSEQ || node->n < min_pts)
        return cs_yerr(c->doc, node, path, expected, err);
    cs_lonlat *pts = malloc(node->n * sizeof *pts);
    if (pts == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for %s", path);
    for (size_t i = 0; i < node->n; i++) {
        const cs_status rc = cs_hz_point(c, node->items[i], key, &pts[i], err);
        if (rc != CS_OK) {
            free(pts);
            return rc;
        }
    }
    *out = pts;
    *n = node->n;
    return CS_OK;
}

/* Twice the signed planar area of a ring (lon/lat degrees). */
static double ring_area2(const cs_lonlat *ring, size_t n)
{
    double s = 0.0;
    for (size_t i = 0, j = n - 1; i < n; j = i++)
        s += ring[j].lon * ring[i].lat - ring[i].lon * ring[j].lat;
    return s;
}

static cs_status area_set(cs_hz_area *a, const char *name, const cs_lonlat *ring, size_t n,
                          cs_error *err)
{
    a->ring = malloc(n * sizeof *a->ring);
    if (a->ring == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for an area");
    memcpy(a->ring, ring, n * sizeof *ring);
    a->n = n;
    a->name = name;
    a->lon0 = a->lon1 = ring[0].lon;
    a->lat0 = a->lat1 = ring[0].lat;
    for (size_t i = 1; i < n; i++) {
        a->lon0 = fmin(a->lon0, ring[i].lon);
        a->lon1 = fmax(a->lon1, ring[i].lon);
        a->lat0 = fmin(a->lat0, ring[i].lat);
        a->lat1 = fmax(a->lat1, ring[i].lat);
    }
    return CS_OK;
}

cs_status cs_hz_area_region(cs_hz_area *out, const char *name, cs_error *err)
{
    memset(out, 0, sizeof *out);
    const cs_region *r = cs_regions_find(name);
    if (r == NULL) return cs_errorf(err, CS_EINVAL, "no region named \"%s\"", name);
    return area_set(out, r->name, r->ring, r->n, err);
}

cs_status cs_hz_area_parse(const cs_hz_ctx *c, const cs_ynode *node, const char *key,
                           cs_hz_area *out, cs_error *err)
{
    memset(out, 0, sizeof *out);
    char path[256];
    node_path(c, node, key, path, sizeof path);
    if (node != NULL && node->kind == CS_YSCALAR) {
        const cs_region *r = cs_regions_find(node->value);
        if (r == NULL) {
            char names[600], expected[700];
            cs_regions_list(names, sizeof names);
            snprintf(expected, sizeof expected, "a region (%s) or a polygon of [lon, lat] pairs",
                     names);
            return cs_yerr(c->doc, node, path, expected, err);
        }
        return area_set(out, r->name, r->ring, r->n, err);
    }
    cs_lonlat *ring = NULL;
    size_t n = 0;
    const char *expected = "a region name or a polygon of at least 3 [lon, lat] pairs";
    cs_status rc = cs_hz_points(c, node, key, 3, expected, &ring, &n, err);
    if (rc != CS_OK) return rc;
    if (fabs(ring_area2(ring, n)) < 1e-12) {
        free(ring);
        return cs_yerr(c->doc, node, path, "a polygon enclosing a non-zero area", err);
    }
    rc = area_set(out, "polygon", ring, n, err);
    free(ring);
    return rc;
}

void cs_hz_area_destroy(cs_hz_area *a)
{
    free(a->ring);
    memset(a, 0, sizeof *a);
}

bool cs_hz_area_contains(const cs_hz_area *a, cs_lonlat p)
{
    if (p.lon < a->lon0 || p.lon > a->lon1 || p.lat < a->lat0 || p.lat > a->lat1) return false;
    return cs_geo_point_in_polygon(p, a->ring, a->n);
}

/* Whether planar segments p1-p2 and q1-q2 intersect (touching counts). */
static double orient(cs_lonlat a, cs_lonlat b, cs_lonlat c)
{
    return (b.lon - a.lon) * (c.lat - a.lat) - (b.lat - a.lat) * (c.lon - a.lon);
}

static bool on_box(cs_lonlat a, cs_lonlat b, cs_lonlat p)
{
    return p.lon >= fmin(a.lon, b.lon) && p.lon <= fmax(a.lon, b.lon) &&
           p.lat >= fmin(a.lat, b.lat) && p.lat <= fmax(a.lat, b.lat);
}

static bool planar_cross(cs_lonlat p1, cs_lonlat p2, cs_lonlat q1, cs_lonlat q2)
{
    const double d1 = orient(q1, q2, p1), d2 = orient(q1, q2, p2);
    const double d3 = orient(p1, p2, q1), d4 = orient(p1, p2, q2);
    if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)))
        return true;
    return (d1 == 0 && on_box(q1, q2, p1)) || (d2 == 0 && on_box(q1, q2, p2)) ||
           (d3 == 0 && on_box(p1, p2, q1)) || (d4 == 0 && on_box(p1, p2, q2));
}

bool cs_hz_edge_meets_area(const cs_edge *e, const cs_hz_area *a)
{
    for (size_t i = 0; i < e->npts; i++)
        if (cs_hz_area_contains(a, e->pts[i])) return true;
    for (size_t p = 0; p < e->nparts; p++) {
        for (size_t i = e->part_off[p] + 1; i < e->part_off[p + 1]; i++) {
            const cs_lonlat u = e->pts[i - 1], v = e->pts[i];
            if (fmax(u.lon, v.lon) < a->lon0 || fmin(u.lon, v.lon) > a->lon1 ||
                fmax(u.lat, v.lat) < a->lat0 || fmin(u.lat, v.lat) > a->lat1)
                continue;
            for (size_t k = 0, j = a->n - 1; k < a->n; j = k++)
                if (planar_cross(u, v, a->ring[j], a->ring[k])) return true;
        }
    }
    return false;
}

/* A thin polygon could make rejection sampling slow; this bounds it. The
 * area is checked to be non-zero at parse time, so the bound is never met in
 * practice; if it were, the first vertex is returned. */
#define AREA_SAMPLE_TRIES 1000000

cs_lonlat cs_hz_area_sample(const cs_hz_area *a, gsl_rng *rng)
{
    const double s0 = sin(a->lat0 * DEG2RAD), s1 = sin(a->lat1 * DEG2RAD);
    for (long i = 0; i < AREA_SAMPLE_TRIES; i++) {
        const double u = gsl_rng_uniform(rng), v = gsl_rng_uniform(rng);
        const cs_lonlat p = {a->lon0 + u * (a->lon1 - a->lon0), asin(s0 + v * (s1 - s0)) * RAD2DEG};
        if (cs_geo_point_in_polygon(p, a->ring, a->n)) return p;
    }
    return a->ring[0];
}

/* ------------------------------------------------------------ names */

static const char *name_at(const cs_topology_t *t, char what, size_t i)
{
    if (what == 'c') return cs_topology_cable(t, i);
    if (what == 'e') return cs_topology_edge(t, i)->id;
    return cs_topology_node(t, i)->id;
}

static size_t name_count(const cs_topology_t *t, char what)
{
    if (what == 'c') return cs_topology_cable_count(t);
    if (what == 'e') return cs_topology_edge_count(t);
    return cs_topology_node_count(t);
}

static bool find_name(const cs_topology_t *t, char what, const char *name, size_t *index)
{
    if (what == 'c') return cs_topology_find_cable(t, name, index);
    if (what == 'e') return cs_topology_find_edge(t, name, index);
    return cs_topology_find_node(t, name, index);
}

/* Up to three names of the topology close to `bad` (" (nearest: \"A\", \"B\")"). */
static void near_names(const cs_topology_t *t, char what, const char *bad, char *buf, size_t n)
{
    cs_near3 near;
    cs_near3_init(&near);
    for (size_t i = 0; i < name_count(t, what); i++)
        cs_near3_offer(&near, bad, name_at(t, what, i));
    cs_near3_format(&near, buf, n);
}

static cs_status name_error(const cs_hz_ctx *c, const cs_ynode *item, const char *key, char what,
                            cs_error *err)
{
    const char *noun = what == 'c' ? "a cable" : what == 'e' ? "a segment" : "a station";
    char path[256], near[300] = "", expected[500];
    node_path(c, item, key, path, sizeof path);
    if (item != NULL && item->kind == CS_YSCALAR && item->value != NULL)
        near_names(c->t, what, item->value, near, sizeof near);
    snprintf(expected, sizeof expected, "%s of %s%s", noun, c->tname, near);
    return cs_yerr(c->doc, item, path, expected, err);
}

cs_status cs_hz_names(const cs_hz_ctx *c, const cs_ynode *node, const char *key, char what,
                      size_t **out, size_t *n, cs_error *err)
{
    *out = NULL;
    *n = 0;
    const bool single = node != NULL && node->kind == CS_YSCALAR;
    if (node == NULL || (!single && node->kind != CS_YSEQ)) {
        char path[256];
        node_path(c, node, key, path, sizeof path);
        return cs_yerr(c->doc, node, path, "a list of names", err);
    }
    const size_t count = single ? 1 : node->n;
    size_t *idx = malloc((count + 1) * sizeof *idx);
    if (idx == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for %s", key);
    size_t m = 0;
    for (size_t i = 0; i < count; i++) {
        const cs_ynode *item = single ? node : node->items[i];
        size_t k = 0;
        if (item->kind != CS_YSCALAR || item->value == NULL ||
            !find_name(c->t, what, item->value, &k)) {
            free(idx);
            return name_error(c, item, key, what, err);
        }
        bool dup = false;
        for (size_t j = 0; j < m && !dup; j++)
            dup = idx[j] == k;
        if (!dup) idx[m++] = k;
    }
    *out = idx;
    *n = m;
    return CS_OK;
}

/* ------------------------------------------------------------ geometry */

static double dot(cs_vec3 a, cs_vec3 b)
{
    return a.x * b.x + a.y * b.y + a.z * b.z;
}

cs_lonlat cs_hz_destination(cs_lonlat p, double bearing_deg, double dist_km)
{
    const double phi1 = p.lat * DEG2RAD, lam1 = p.lon * DEG2RAD;
    const double theta = bearing_deg * DEG2RAD, delta = dist_km / CS_EARTH_RADIUS_KM;
    const double s = sin(phi1) * cos(delta) + cos(phi1) * sin(delta) * cos(theta);
    const double phi2 = asin(fmax(-1.0, fmin(1.0, s)));
    const double lam2 =
        lam1 + atan2(sin(theta) * sin(delta) * cos(phi1), cos(delta) - sin(phi1) * sin(phi2));
    double lon = fmod(lam2 * RAD2DEG + 540.0, 360.0) - 180.0;
    if (lon < -180.0) lon += 360.0;
    return (cs_lonlat){lon, phi2 * RAD2DEG};
}

double cs_hz_arc_arc_km(cs_lonlat a1, cs_lonlat b1, cs_lonlat a2, cs_lonlat b2)
{
    const cs_geo_arc s = cs_geo_arc_make(a1, b1), t = cs_geo_arc_make(a2, b2);
    return cs_geo_chord2_km(cs_geo_arc_arc_chord2(&s, &t));
}

/* The point a fraction t of the way along the great-circle arc a-b. */
static cs_lonlat slerp(cs_lonlat a, cs_lonlat b, double t)
{
    const cs_vec3 u = cs_geo_vec(a), v = cs_geo_vec(b);
    const double omega = acos(fmax(-1.0, fmin(1.0, dot(u, v))));
    if (omega < 1e-12) return a;
    const double wa = sin((1.0 - t) * omega) / sin(omega), wb = sin(t * omega) / sin(omega);
    return cs_geo_lonlat((cs_vec3){wa * u.x + wb * v.x, wa * u.y + wb * v.y, wa * u.z + wb * v.z});
}

cs_lonlat cs_hz_polyline_at(const cs_lonlat *pts, size_t n, double s_km)
{
    if (n == 1 || s_km <= 0.0) return pts[0];
    double acc = 0.0;
    for (size_t i = 1; i < n; i++) {
        const double len = cs_geo_distance_km(pts[i - 1], pts[i]);
        if (s_km <= acc + len && len > 0.0) return slerp(pts[i - 1], pts[i], (s_km - acc) / len);
        acc += len;
    }
    return pts[n - 1];
}

double cs_hz_polyline_locate(const cs_lonlat *pts, size_t n, cs_lonlat p)
{
    double best = HUGE_VAL, at = 0.0, acc = 0.0;
    for (size_t i = 1; i < n; i++) {
        const double len = cs_geo_distance_km(pts[i - 1], pts[i]);
        const double d = cs_geo_point_arc_distance_km(p, pts[i - 1], pts[i]);
        if (d < best) {
            best = d;
            const double da = cs_geo_distance_km(p, pts[i - 1]);
            const double db = cs_geo_distance_km(p, pts[i]);
            double along;
            if (d >= da - 1e-9)
                along = 0.0; /* nearest to the start of the leg */
            else if (d >= db - 1e-9)
                along = len;
            else /* foot of the perpendicular: cos(da) = cos(along) cos(d) */
                along = CS_EARTH_RADIUS_KM *
                        acos(fmin(1.0, cos(da / CS_EARTH_RADIUS_KM) / cos(d / CS_EARTH_RADIUS_KM)));
            at = acc + fmin(fmax(along, 0.0), len);
        }
        acc += len;
    }
    return at;
}

size_t cs_hz_polyline_cut(const cs_lonlat *pts, size_t n, double s0, double s1, cs_lonlat *out)
{
    const double total = cs_geo_polyline_length_km(pts, n);
    s0 = fmin(fmax(s0, 0.0), total);
    s1 = fmin(fmax(s1, s0), total);
    size_t m = 0;
    out[m++] = cs_hz_polyline_at(pts, n, s0);
    double acc = 0.0;
    for (size_t i = 1; i < n; i++) {
        acc += cs_geo_distance_km(pts[i - 1], pts[i]);
        if (i < n - 1 && acc > s0 && acc < s1) out[m++] = pts[i];
    }
    out[m++] = cs_hz_polyline_at(pts, n, s1);
    return m;
}

/* ------------------------------------------------------------ lines and segments */

/* A ball of R^3 holding arcs[0..n-1] (n >= 1): centred on the mean of their
 * midpoints, with room for each arc's own ball. */
static void arcs_ball(const cs_geo_arc *arcs, size_t n, cs_vec3 *centre, double *radius)
{
    cs_vec3 c = {0.0, 0.0, 0.0};
    for (size_t i = 0; i < n; i++) {
        c.x += arcs[i].mid.x;
        c.y += arcs[i].mid.y;
        c.z += arcs[i].mid.z;
    }
    c = (cs_vec3){c.x / (double)n, c.y / (double)n, c.z / (double)n};
    double r = 0.0;
    for (size_t i = 0; i < n; i++)
        r = fmax(r, sqrt(cs_geo_chord2(c, arcs[i].mid)) + arcs[i].radius);
    *centre = c;
    *radius = r;
}

void cs_hz_line_set(cs_hz_line *l, const cs_lonlat *pts, size_t n)
{
    if (n == 1) {
        l->leg[0] = cs_geo_arc_make(pts[0], pts[0]);
        l->n = 1;
    } else {
        for (size_t i = 1; i < n; i++)
            l->leg[i - 1] = cs_geo_arc_make(pts[i - 1], pts[i]);
        l->n = n - 1;
    }
    arcs_ball(l->leg, l->n, &l->centre, &l->radius);
}

/* The legs of e: one arc per leg of each part, a point arc for a part of one point. */
static size_t edge_legs(const cs_edge *e, cs_geo_arc *out)
{
    size_t m = 0;
    for (size_t p = 0; p < e->nparts; p++) {
        const size_t lo = e->part_off[p], hi = e->part_off[p + 1];
        if (hi - lo == 1) {
            if (out) out[m] = cs_geo_arc_make(e->pts[lo], e->pts[lo]);
            m++;
        }
        for (size_t i = lo + 1; i < hi; i++, m++)
            if (out) out[m] = cs_geo_arc_make(e->pts[i - 1], e->pts[i]);
    }
    return m;
}

cs_status cs_hz_segs_init(cs_hz_segs *s, const cs_topology_t *t, cs_error *err)
{
    memset(s, 0, sizeof *s);
    const size_t ne = cs_topology_edge_count(t);
    size_t nlegs = 0;
    for (size_t e = 0; e < ne; e++) {
        const cs_edge *ed = cs_topology_edge(t, e);
        if (ed->kind == CS_EDGE_SEGMENT) nlegs += edge_legs(ed, NULL);
    }
    s->edge = malloc((ne + 1) * sizeof *s->edge);
    s->leg_off = malloc((ne + 1) * sizeof *s->leg_off);
    s->leg = malloc((nlegs + 1) * sizeof *s->leg);
    s->centre = malloc((ne + 1) * sizeof *s->centre);
    s->radius = malloc((ne + 1) * sizeof *s->radius);
    if (!s->edge || !s->leg_off || !s->leg || !s->centre || !s->radius) {
        cs_hz_segs_destroy(s);
        return cs_errorf(err, CS_ENOMEM, "out of memory for the segment index");
    }
    s->leg_off[0] = 0;
    for (size_t e = 0; e < ne; e++) {
        const cs_edge *ed = cs_topology_edge(t, e);
        if (ed->kind != CS_EDGE_SEGMENT) continue;
        const size_t off = s->leg_off[s->n], m = edge_legs(ed, s->leg + off);
        s->edge[s->n] = e;
        s->leg_off[s->n + 1] = off + m;
        s->centre[s->n] = (cs_vec3){0.0, 0.0, 0.0};
        s->radius[s->n] = 0.0;
        if (m > 0) arcs_ball(s->leg + off, m, &s->centre[s->n], &s->radius[s->n]);
        s->n++;
    }
    return CS_OK;
}

void cs_hz_segs_destroy(cs_hz_segs *s)
{
    free(s->edge);
    free(s->leg_off);
    free(s->leg);
    free(s->centre);
    free(s->radius);
    memset(s, 0, sizeof *s);
}

/* Slack added to every pruning bound, in chord units (6 micrometres on the
 * Earth): far above the rounding of the products (~1e-15), so an arc within
 * reach is never skipped, and far below any distance the models use. */
#define BOUND_SLACK 1e-9

/* Whether every point of ball (c1, r1) is more than reach (a chord) from every point of ball (c2,
 * r2). */
static bool balls_apart(cs_vec3 c1, double r1, cs_vec3 c2, double r2, double reach)
{
    const double gap = r1 + r2 + reach + BOUND_SLACK;
    return cs_geo_chord2(c1, c2) > gap * gap;
}

/*
 * Implementation notes. The exact distance is the least arc-to-arc distance
 * over all pairs (segment leg, line leg). Pairs are skipped only when a lower
 * bound proves them farther than `reach`: the chord of limit_km at first, then
 * the best distance found so far. The bounds are Euclidean (the chord is the
 * straight-line distance in R^3, so balls holding the arcs bound it from
 * below), tested for the whole segment against the whole line, then per leg,
 * then per pair. An arc's chord is at most its length, so limit_km / R serves
 * as the first reach and costs no trigonometry.
 */
double cs_hz_segs_nearest_km(const cs_hz_segs *s, size_t i, const cs_hz_line *l, double limit_km,
                             cs_lonlat *at)
{
    double reach = fmax(limit_km, 0.0) / CS_EARTH_RADIUS_KM;
    if (balls_apart(s->centre[i], s->radius[i], l->centre, l->radius, reach)) return HUGE_VAL;
    double best = HUGE_VAL; /* squared chord */
    cs_vec3 best_at = {0.0, 0.0, 0.0};
    for (size_t k = s->leg_off[i]; k < s->leg_off[i + 1]; k++) {
        const cs_geo_arc *g = &s->leg[k];
        if (balls_apart(g->mid, g->radius, l->centre, l->radius, reach)) continue;
        for (size_t j = 0; j < l->n; j++) {
            const cs_geo_arc *h = &l->leg[j];
            if (balls_apart(g->mid, g->radius, h->mid, h->radius, reach)) continue;
            cs_vec3 p = {0.0, 0.0, 0.0};
            const double d = at ? cs_geo_arc_arc_nearest(g, h, &p) : cs_geo_arc_arc_chord2(g, h);
            if (d < best) {
                best = d;
                best_at = p;
                if (d <= 0.0) goto done;
                reach = fmin(reach, sqrt(d));
            }
        }
    }
done:
    if (isinf(best)) return HUGE_VAL;
    if (at) *at = cs_geo_lonlat(best_at);
    return best <= 0.0 ? 0.0 : cs_geo_chord2_km(best);
}

double cs_hz_segs_distance_km(const cs_hz_segs *s, size_t i, const cs_hz_line *l, double limit_km)
{
    return cs_hz_segs_nearest_km(s, i, l, limit_km, NULL);
}

double cs_hz_site_depth_m(const cs_topology_t *t, size_t e, cs_lonlat at)
{
    return cs_cutsite_depth_m(t, e, cs_cutsite_locate(cs_topology_edge(t, e), at));
}

cs_status cs_hz_cut_at(cs_failures *f, const cs_topology_t *t, size_t e, cs_lonlat at,
                       cs_error *err)
{
    return cs_failures_cut_edge(f, e, at, cs_hz_site_depth_m(t, e, at), err);
}

cs_status cs_hz_segs_cut_near(const cs_hz_segs *s, const cs_hz_line *l, double d_km,
                              double max_depth_m, const cs_topology_t *t, cs_failures *f,
                              cs_error *err)
{
    for (size_t i = 0; i < s->n; i++) {
        cs_lonlat at;
        if (!(cs_hz_segs_nearest_km(s, i, l, d_km, &at) <= d_km)) continue;
        const double depth = cs_hz_site_depth_m(t, s->edge[i], at);
        if (depth > max_depth_m) continue;
        const cs_status rc = cs_failures_cut_edge(f, s->edge[i], at, depth, err);
        if (rc != CS_OK) return rc;
    }
    return CS_OK;
}
