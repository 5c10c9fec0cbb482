/* geo.c: spherical geometry (haversine, cross-track, point in polygon). */
#include "cablesim/geo.h"

#include <math.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif
#define DEG2RAD (M_PI / 180.0)

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
