/*
 * hazard.c: dispatch on a hazard's `type`, and the helpers the models share
 * (document readers, name resolution, spherical geometry). The models live in
 * hazard_random.c, hazard_quake.c, hazard_sabotage.c and hazard_explicit.c;
 * docs/model.md gives their formulas, parameters and sources.
 */
#include "hazard_impl.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

cs_status cs_hazard_sample(const cs_hazard_t *h, const cs_hazard_env *env, gsl_rng *rng,
                           cs_failures *f, cs_error *err)
{
    if (h->needs_routing && (env->router == NULL || env->intact == NULL || env->scratch == NULL))
        return cs_errorf(err, CS_EINVAL,
                         "hazard %s: sampling needs the router and the intact "
                         "routing, found none",
                         h->type);
    return h->sample(h->cfg, env, rng, f, err);
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

/* Levenshtein distance ignoring ASCII case, capped for long strings. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63) la = 63;
    if (lb > 63) lb = 63;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            const size_t up = row[j];
            const int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            size_t best = diag + (same ? 0 : 1);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

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

/* Up to three names of the topology close to `bad` ("nearest: \"A\", \"B\""). */
static void near_names(const cs_topology_t *t, char what, const char *bad, char *buf, size_t n)
{
    size_t best[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX}, bestd[3] = {SIZE_MAX, SIZE_MAX, SIZE_MAX};
    const size_t len = strlen(bad), limit = len / 3 > 2 ? len / 3 : 2;
    for (size_t i = 0; i < name_count(t, what); i++) {
        size_t d = edit_distance(bad, name_at(t, what, i));
        if (d > limit) continue;
        for (size_t k = 0; k < 3; k++) {
            if (d < bestd[k]) {
                for (size_t m = 2; m > k; m--) {
                    bestd[m] = bestd[m - 1];
                    best[m] = best[m - 1];
                }
                bestd[k] = d;
                best[k] = i;
                break;
            }
        }
    }
    buf[0] = '\0';
    size_t used = 0;
    for (size_t k = 0; k < 3 && best[k] != SIZE_MAX; k++) {
        const int w = snprintf(buf + used, n - used, "%s\"%s\"",
                               k ? ", " : " (nearest: ", name_at(t, what, best[k]));
        if (w < 0 || (size_t)w >= n - used) break;
        used += (size_t)w;
    }
    if (used > 0 && used + 2 <= n) snprintf(buf + used, n - used, ")");
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

void cs_hz_fail_cable(cs_failures *f, const cs_topology_t *t, size_t cable)
{
    const size_t ne = cs_topology_edge_count(t);
    for (size_t e = 0; e < ne; e++) {
        const cs_edge *ed = cs_topology_edge(t, e);
        if (ed->kind == CS_EDGE_SEGMENT && ed->cable_index == cable) cs_failures_fail_edge(f, e);
    }
}

/* ------------------------------------------------------------ geometry */

typedef struct {
    double x, y, z;
} vec3;

static vec3 to_vec(cs_lonlat p)
{
    const double phi = p.lat * DEG2RAD, lam = p.lon * DEG2RAD;
    return (vec3){cos(phi) * cos(lam), cos(phi) * sin(lam), sin(phi)};
}

static cs_lonlat to_lonlat(vec3 v)
{
    const double r = sqrt(v.x * v.x + v.y * v.y + v.z * v.z);
    return (cs_lonlat){atan2(v.y, v.x) * RAD2DEG, asin(fmax(-1.0, fmin(1.0, v.z / r))) * RAD2DEG};
}

static vec3 cross(vec3 a, vec3 b)
{
    return (vec3){a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}

static double dot(vec3 a, vec3 b)
{
    return a.x * b.x + a.y * b.y + a.z * b.z;
}

static vec3 neg(vec3 a)
{
    return (vec3){-a.x, -a.y, -a.z};
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

/* Whether unit vector x lies on the minor arc a-b whose pole is n = a x b. */
static bool on_arc(vec3 a, vec3 b, vec3 n, vec3 x)
{
    return dot(cross(a, x), n) >= 0.0 && dot(cross(x, b), n) >= 0.0;
}

/* Whether the minor arcs a1-b1 and a2-b2 meet. The two great circles meet
 * in a pair of antipodal points (their poles' cross product); the arcs meet
 * if one of those points lies on both. */
static bool arcs_meet(cs_lonlat a1, cs_lonlat b1, cs_lonlat a2, cs_lonlat b2)
{
    const vec3 u1 = to_vec(a1), v1 = to_vec(b1), u2 = to_vec(a2), v2 = to_vec(b2);
    const vec3 n1 = cross(u1, v1), n2 = cross(u2, v2);
    const double s1 = dot(n1, u2), s2 = dot(n1, v2), t1 = dot(n2, u1), t2 = dot(n2, v1);
    if ((s1 > 0 && s2 > 0) || (s1 < 0 && s2 < 0) || (t1 > 0 && t2 > 0) || (t1 < 0 && t2 < 0))
        return false;
    const vec3 x = cross(n1, n2);
    if (dot(x, x) < 1e-24) return false; /* same great circle or a degenerate arc */
    return (on_arc(u1, v1, n1, x) && on_arc(u2, v2, n2, x)) ||
           (on_arc(u1, v1, n1, neg(x)) && on_arc(u2, v2, n2, neg(x)));
}

double cs_hz_arc_arc_km(cs_lonlat a1, cs_lonlat b1, cs_lonlat a2, cs_lonlat b2)
{
    if (arcs_meet(a1, b1, a2, b2)) return 0.0;
    /* Apart, the nearest pair of points includes an endpoint of one arc (as
     * for plane segments): the distance from a point moving along one arc to
     * the other arc's great circle is a sine with no interior minimum unless
     * it crosses zero, and the distance to an endpoint is minimal at the foot
     * of its perpendicular, which point_arc finds. */
    double d = cs_geo_point_arc_distance_km(a1, a2, b2);
    d = fmin(d, cs_geo_point_arc_distance_km(b1, a2, b2));
    d = fmin(d, cs_geo_point_arc_distance_km(a2, a1, b1));
    return fmin(d, cs_geo_point_arc_distance_km(b2, a1, b1));
}

/* Distance from the polyline pts[0..n-1] to the leg u-v (a point when u == v). */
static double polyline_leg_km(const cs_lonlat *pts, size_t n, cs_lonlat u, cs_lonlat v)
{
    if (n == 1) return cs_geo_point_arc_distance_km(pts[0], u, v);
    double best = HUGE_VAL;
    for (size_t i = 1; i < n && best > 0.0; i++)
        best = fmin(best, cs_hz_arc_arc_km(pts[i - 1], pts[i], u, v));
    return best;
}

double cs_hz_edge_polyline_km(const cs_edge *e, const cs_lonlat *pts, size_t n)
{
    if (n == 0 || e->npts == 0) return HUGE_VAL;
    double best = HUGE_VAL;
    for (size_t p = 0; p < e->nparts && best > 0.0; p++) {
        const size_t lo = e->part_off[p], hi = e->part_off[p + 1];
        if (hi - lo == 1) best = fmin(best, polyline_leg_km(pts, n, e->pts[lo], e->pts[lo]));
        for (size_t i = lo + 1; i < hi && best > 0.0; i++)
            best = fmin(best, polyline_leg_km(pts, n, e->pts[i - 1], e->pts[i]));
    }
    return best;
}

void cs_hz_edge_cap(const cs_edge *e, cs_lonlat *centre, double *radius_km)
{
    *centre = e->npts ? e->pts[e->npts / 2] : (cs_lonlat){0, 0};
    double r = 0.0;
    for (size_t i = 0; i < e->npts; i++)
        r = fmax(r, cs_geo_distance_km(*centre, e->pts[i]));
    /* A cap is convex (holds the arcs between its points) only while it is
     * smaller than a hemisphere; keep a margin and give up beyond it. */
    *radius_km = r < 0.45 * M_PI * CS_EARTH_RADIUS_KM ? r : HUGE_VAL;
}

/* The point a fraction t of the way along the great-circle arc a-b. */
static cs_lonlat slerp(cs_lonlat a, cs_lonlat b, double t)
{
    const vec3 u = to_vec(a), v = to_vec(b);
    const double omega = acos(fmax(-1.0, fmin(1.0, dot(u, v))));
    if (omega < 1e-12) return a;
    const double wa = sin((1.0 - t) * omega) / sin(omega), wb = sin(t * omega) / sin(omega);
    return to_lonlat((vec3){wa * u.x + wb * v.x, wa * u.y + wb * v.y, wa * u.z + wb * v.z});
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

/* ------------------------------------------------------------ segments */

cs_status cs_hz_segs_init(cs_hz_segs *s, const cs_topology_t *t, cs_error *err)
{
    memset(s, 0, sizeof *s);
    const size_t ne = cs_topology_edge_count(t);
    s->edge = malloc((ne + 1) * sizeof *s->edge);
    s->centre = malloc((ne + 1) * sizeof *s->centre);
    s->radius_km = malloc((ne + 1) * sizeof *s->radius_km);
    if (!s->edge || !s->centre || !s->radius_km) {
        cs_hz_segs_destroy(s);
        return cs_errorf(err, CS_ENOMEM, "out of memory for the segment index");
    }
    for (size_t e = 0; e < ne; e++) {
        const cs_edge *ed = cs_topology_edge(t, e);
        if (ed->kind != CS_EDGE_SEGMENT) continue;
        s->edge[s->n] = e;
        cs_hz_edge_cap(ed, &s->centre[s->n], &s->radius_km[s->n]);
        s->n++;
    }
    return CS_OK;
}

void cs_hz_segs_destroy(cs_hz_segs *s)
{
    free(s->edge);
    free(s->centre);
    free(s->radius_km);
    memset(s, 0, sizeof *s);
}

bool cs_hz_segs_maybe_near(const cs_hz_segs *s, size_t i, const cs_lonlat *pts, size_t n,
                           double d_km)
{
    if (isinf(s->radius_km[i])) return true;
    return cs_geo_point_polyline_distance_km(s->centre[i], pts, n) - s->radius_km[i] <= d_km;
}

void cs_hz_segs_fail_near(const cs_hz_segs *s, const cs_topology_t *t, const cs_lonlat *pts,
                          size_t n, double d_km, cs_failures *f)
{
    for (size_t i = 0; i < s->n; i++) {
        if (!cs_hz_segs_maybe_near(s, i, pts, n, d_km)) continue;
        const cs_edge *ed = cs_topology_edge(t, s->edge[i]);
        if (cs_hz_edge_polyline_km(ed, pts, n) <= d_km) cs_failures_fail_edge(f, s->edge[i]);
    }
}
