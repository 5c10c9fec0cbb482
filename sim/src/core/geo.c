/* geo.c: spherical geometry (haversine, cross-track, point in polygon; arcs as vectors). */
#include "cablesim/geo.h"

#include <math.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#define DEG2RAD (M_PI / 180.0)
#define RAD2DEG (180.0 / M_PI)

bool cs_geo_valid(cs_lonlat p)
{
    return isfinite(p.lon) && isfinite(p.lat) && p.lon >= -180.0 && p.lon <= 180.0 &&
           p.lat >= -90.0 && p.lat <= 90.0;
}

/* Central angle between a and b, radians (haversine: stable for small angles). */
static double central_angle(cs_lonlat a, cs_lonlat b)
{
    const double phi1 = a.lat * DEG2RAD, phi2 = b.lat * DEG2RAD;
    const double dphi = phi2 - phi1, dlam = (b.lon - a.lon) * DEG2RAD;
    const double s1 = sin(dphi / 2.0), s2 = sin(dlam / 2.0);
    double h = s1 * s1 + cos(phi1) * cos(phi2) * s2 * s2;
    if (h > 1.0) h = 1.0;
    return 2.0 * asin(sqrt(h));
}

double cs_geo_distance_km(cs_lonlat a, cs_lonlat b)
{
    return CS_EARTH_RADIUS_KM * central_angle(a, b);
}

double cs_geo_polyline_length_km(const cs_lonlat *pts, size_t n)
{
    double sum = 0.0;
    for (size_t i = 1; i < n; i++)
        sum += cs_geo_distance_km(pts[i - 1], pts[i]);
    return sum;
}

/* Initial bearing from a to b, radians. */
static double bearing(cs_lonlat a, cs_lonlat b)
{
    const double phi1 = a.lat * DEG2RAD, phi2 = b.lat * DEG2RAD;
    const double dlam = (b.lon - a.lon) * DEG2RAD;
    return atan2(sin(dlam) * cos(phi2), cos(phi1) * sin(phi2) - sin(phi1) * cos(phi2) * cos(dlam));
}

double cs_geo_point_arc_distance_km(cs_lonlat p, cs_lonlat a, cs_lonlat b)
{
    const double d_ab = central_angle(a, b);
    const double d_ap = central_angle(a, p);
    if (d_ab < 1e-12) return CS_EARTH_RADIUS_KM * d_ap;
    const double theta = bearing(a, p) - bearing(a, b);
    double s = sin(d_ap) * sin(theta);
    if (s > 1.0) s = 1.0;
    if (s < -1.0) s = -1.0;
    const double xt = asin(s); /* signed cross-track angle */
    double c = cos(d_ap) / cos(xt);
    if (c > 1.0) c = 1.0;
    if (c < -1.0) c = -1.0;
    const double along = acos(c);
    /* The foot lies on the arc only if it is ahead of a and not beyond b. */
    if (cos(theta) > 0.0 && along <= d_ab) return CS_EARTH_RADIUS_KM * fabs(xt);
    const double d_bp = central_angle(b, p);
    return CS_EARTH_RADIUS_KM * (d_ap < d_bp ? d_ap : d_bp);
}

double cs_geo_point_polyline_distance_km(cs_lonlat p, const cs_lonlat *pts, size_t n)
{
    if (n == 0) return HUGE_VAL;
    if (n == 1) return cs_geo_distance_km(p, pts[0]);
    double best = HUGE_VAL;
    for (size_t i = 1; i < n; i++) {
        const double d = cs_geo_point_arc_distance_km(p, pts[i - 1], pts[i]);
        if (d < best) best = d;
    }
    return best;
}

bool cs_geo_point_in_polygon(cs_lonlat p, const cs_lonlat *ring, size_t n)
{
    bool inside = false;
    for (size_t i = 0, j = n ? n - 1 : 0; i < n; j = i++) {
        const cs_lonlat a = ring[i], b = ring[j];
        if ((a.lat > p.lat) != (b.lat > p.lat)) {
            const double x = a.lon + (p.lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat);
            if (p.lon < x) inside = !inside;
        }
    }
    return inside;
}

/* ------------------------------------------------------------ vector form */

/* Below this angle (radians) an arc is a point, as in cs_geo_point_arc_distance_km. */
#define POINT_ARC_RAD 1e-12

static double dot(cs_vec3 a, cs_vec3 b)
{
    return a.x * b.x + a.y * b.y + a.z * b.z;
}

static cs_vec3 cross(cs_vec3 a, cs_vec3 b)
{
    return (cs_vec3){a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}

static cs_vec3 scale(cs_vec3 a, double k)
{
    return (cs_vec3){k * a.x, k * a.y, k * a.z};
}

cs_vec3 cs_geo_vec(cs_lonlat p)
{
    const double phi = p.lat * DEG2RAD, lam = p.lon * DEG2RAD;
    return (cs_vec3){cos(phi) * cos(lam), cos(phi) * sin(lam), sin(phi)};
}

/* a x b from the coordinates. With L = (lam1 + lam2)/2 and D = (lam1 - lam2)/2,
 * expanding sin and cos of lam1 = L + D and lam2 = L - D in a_y b_z - a_z b_y
 * (and likewise for y) turns each component into a sum of two products of
 * sines of small differences, exact to rounding however close a and b are. */
static cs_vec3 cross_lonlat(cs_lonlat a, cs_lonlat b)
{
    const double phi1 = a.lat * DEG2RAD, phi2 = b.lat * DEG2RAD;
    const double lsum = (a.lon + b.lon) * (DEG2RAD / 2.0), ldif = (a.lon - b.lon) * (DEG2RAD / 2.0);
    const double sd = sin(phi2 - phi1), ss = sin(phi1 + phi2);
    const double sl = sin(lsum), cl = cos(lsum), sdl = sin(ldif), cdl = cos(ldif);
    return (cs_vec3){sl * cdl * sd + cl * sdl * ss, -cl * cdl * sd + sl * sdl * ss,
                     cos(phi1) * cos(phi2) * sin((b.lon - a.lon) * DEG2RAD)};
}

cs_geo_arc cs_geo_arc_make(cs_lonlat a, cs_lonlat b)
{
    cs_geo_arc arc = {.a = cs_geo_vec(a), .b = cs_geo_vec(b)};
    const cs_vec3 n = cross_lonlat(a, b);
    const double s = sqrt(dot(n, n));
    const double angle = atan2(s, dot(arc.a, arc.b));
    arc.point = angle < POINT_ARC_RAD;
    if (arc.point) {
        arc.mid = arc.a;
        return arc; /* n, ta, tb stay zero; radius 0 */
    }
    arc.n = scale(n, 1.0 / s);
    arc.ta = cross(arc.n, arc.a);
    arc.tb = cross(arc.b, arc.n);
    /* The midpoint by turning a toward b (ta is the unit tangent at a): stable
     * even for nearly antipodal ends, where a + b would vanish. */
    const double h = angle / 2.0;
    arc.mid = (cs_vec3){cos(h) * arc.a.x + sin(h) * arc.ta.x, cos(h) * arc.a.y + sin(h) * arc.ta.y,
                        cos(h) * arc.a.z + sin(h) * arc.ta.z};
    arc.radius = 2.0 * sin(h / 2.0);
    return arc;
}

double cs_geo_chord2(cs_vec3 p, cs_vec3 q)
{
    const cs_vec3 d = {p.x - q.x, p.y - q.y, p.z - q.z};
    return dot(d, d);
}

double cs_geo_point_arc_chord2(cs_vec3 p, const cs_geo_arc *arc)
{
    if (!arc->point && dot(p, arc->ta) >= 0.0 && dot(p, arc->tb) >= 0.0) {
        /* The foot of the perpendicular lies on the arc: the cross-track angle
         * xt has sine |p.n|, and 2 - 2 cos xt = 2 sin^2 xt / (1 + cos xt)
         * keeps full precision when xt is small. */
        const double s = fabs(dot(p, arc->n));
        const double c = sqrt(fmax(0.0, (1.0 - s) * (1.0 + s)));
        return 2.0 * s * s / (1.0 + c);
    }
    return fmin(cs_geo_chord2(p, arc->a), cs_geo_chord2(p, arc->b));
}

/* Whether x (on the plane of arc) lies on it. */
static bool on_arc(const cs_geo_arc *arc, cs_vec3 x)
{
    return dot(x, arc->ta) >= 0.0 && dot(x, arc->tb) >= 0.0;
}

bool cs_geo_arcs_meet(const cs_geo_arc *s, const cs_geo_arc *t)
{
    if (s->point || t->point) return false;
    const double s1 = dot(s->n, t->a), s2 = dot(s->n, t->b);
    const double t1 = dot(t->n, s->a), t2 = dot(t->n, s->b);
    if ((s1 > 0 && s2 > 0) || (s1 < 0 && s2 < 0) || (t1 > 0 && t2 > 0) || (t1 < 0 && t2 < 0))
        return false;
    const cs_vec3 x = cross(s->n, t->n);
    if (dot(x, x) < 1e-24) return false; /* one great circle (within 1e-12 rad) */
    const cs_vec3 y = scale(x, -1.0);
    return (on_arc(s, x) && on_arc(t, x)) || (on_arc(s, y) && on_arc(t, y));
}

double cs_geo_arc_arc_chord2(const cs_geo_arc *s, const cs_geo_arc *t)
{
    if (cs_geo_arcs_meet(s, t)) return 0.0;
    /* Apart, the nearest pair of points includes an end of one arc: the
     * distance from a point moving along one arc to the other arc's great
     * circle is a sine with no interior minimum unless it crosses zero. */
    double d = cs_geo_point_arc_chord2(s->a, t);
    d = fmin(d, cs_geo_point_arc_chord2(s->b, t));
    d = fmin(d, cs_geo_point_arc_chord2(t->a, s));
    return fmin(d, cs_geo_point_arc_chord2(t->b, s));
}

/* The point of arc nearest to p: the foot of the perpendicular when it falls
 * on the arc, else the nearer end. */
static cs_vec3 foot_on_arc(cs_vec3 p, const cs_geo_arc *arc)
{
    if (!arc->point && dot(p, arc->ta) >= 0.0 && dot(p, arc->tb) >= 0.0) {
        const cs_vec3 q = {p.x - dot(p, arc->n) * arc->n.x, p.y - dot(p, arc->n) * arc->n.y,
                           p.z - dot(p, arc->n) * arc->n.z};
        const double r = sqrt(dot(q, q));
        if (r > 0.0) return scale(q, 1.0 / r);
    }
    return cs_geo_chord2(p, arc->a) <= cs_geo_chord2(p, arc->b) ? arc->a : arc->b;
}

double cs_geo_arc_arc_nearest(const cs_geo_arc *s, const cs_geo_arc *t, cs_vec3 *on_s)
{
    if (cs_geo_arcs_meet(s, t)) {
        cs_vec3 x = cross(s->n, t->n);
        x = scale(x, 1.0 / sqrt(dot(x, x)));
        *on_s = on_arc(s, x) && on_arc(t, x) ? x : scale(x, -1.0);
        return 0.0;
    }
    double best = cs_geo_point_arc_chord2(s->a, t);
    *on_s = s->a;
    double d = cs_geo_point_arc_chord2(s->b, t);
    if (d < best) {
        best = d;
        *on_s = s->b;
    }
    const cs_vec3 ends[2] = {t->a, t->b};
    for (int k = 0; k < 2; k++) {
        d = cs_geo_point_arc_chord2(ends[k], s);
        if (d < best) {
            best = d;
            *on_s = foot_on_arc(ends[k], s);
        }
    }
    return best;
}

cs_lonlat cs_geo_lonlat(cs_vec3 v)
{
    const double r = sqrt(dot(v, v));
    return (cs_lonlat){atan2(v.y, v.x) * RAD2DEG, asin(fmax(-1.0, fmin(1.0, v.z / r))) * RAD2DEG};
}

double cs_geo_chord2_km(double chord2)
{
    const double half = sqrt(fmin(fmax(chord2, 0.0), 4.0)) / 2.0;
    return CS_EARTH_RADIUS_KM * 2.0 * asin(half);
}
