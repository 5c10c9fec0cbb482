/*
 * geo.h: spherical geometry on lon/lat coordinates.
 *
 * Great-circle distances, polyline lengths and the distance from a point to a
 * polyline, on a sphere of radius CS_EARTH_RADIUS_KM. Used to derive segment
 * lengths, to check that a drawn route ends at its stations, and to decide
 * which cables a hazard zone touches. Pure functions, no allocation.
 *
 * Two forms: the lon/lat functions use spherical trigonometry and suit one-off
 * questions; the vector form (cs_vec3, cs_geo_arc) prepares arcs once as unit
 * vectors and plane normals, after which a point-to-arc or arc-to-arc distance
 * takes a few dot and cross products and no trigonometry. It measures in
 * squared chords (|p - q|^2 on the unit sphere, 0 to 4), which grow with the
 * angle, so minima can be searched in that unit and turned into km once.
 */
#ifndef CS_GEO_H
#define CS_GEO_H

#include <stdbool.h>
#include <stddef.h>

/** Mean Earth radius (IUGG), km. */
#define CS_EARTH_RADIUS_KM 6371.0088

/** A point in degrees: lon in [-180, 180], lat in [-90, 90]. */
typedef struct {
    double lon;
    double lat;
} cs_lonlat;

/** Great-circle (haversine) distance between a and b, km. */
double cs_geo_distance_km(cs_lonlat a, cs_lonlat b);

/** Length of the polyline pts[0..n-1], km (0 when n < 2). */
double cs_geo_polyline_length_km(const cs_lonlat *pts, size_t n);

/**
 * Shortest distance from p to the great-circle arc a-b, km. Uses the
 * cross-track distance when the foot of the perpendicular falls on the arc,
 * otherwise the nearer endpoint.
 */
double cs_geo_point_arc_distance_km(cs_lonlat p, cs_lonlat a, cs_lonlat b);

/** Shortest distance from p to the polyline pts[0..n-1], km (HUGE_VAL when n == 0). */
double cs_geo_point_polyline_distance_km(cs_lonlat p, const cs_lonlat *pts, size_t n);

/**
 * Whether p lies inside the polygon ring[0..n-1] (lon/lat, ring closed or not),
 * by the even-odd rule in the plane of the coordinates. Regions in cablesim
 * are small enough and never straddle the antimeridian, which this assumes.
 */
bool cs_geo_point_in_polygon(cs_lonlat p, const cs_lonlat *ring, size_t n);

/** Whether the coordinate is a valid lon/lat pair (finite, in range). */
bool cs_geo_valid(cs_lonlat p);

/* ------------------------------------------------------------ vector form */

/** A vector of R^3; points of the unit sphere have x toward (0E, 0N) and z toward the north pole.
 */
typedef struct {
    double x, y, z;
} cs_vec3;

/**
 * A great-circle arc (the minor one, as cs_geo_point_arc_distance_km takes
 * it) prepared by cs_geo_arc_make. Arcs shorter than 1e-12 rad are points.
 */
typedef struct {
    cs_vec3 a, b;   /**< the ends, unit vectors */
    cs_vec3 n;      /**< unit normal of the arc's plane, along a x b; zero for a point */
    cs_vec3 ta, tb; /**< n x a and b x n: x projects onto the arc iff x.ta >= 0 and x.tb >= 0 */
    cs_vec3 mid;    /**< the arc's midpoint, a unit vector */
    double radius;  /**< chord from mid to either end: the arc lies within this distance of mid */
    bool point;     /**< a and b coincide (within 1e-12 rad) */
} cs_geo_arc;

/** The unit vector of p. */
cs_vec3 cs_geo_vec(cs_lonlat p);

/**
 * The arc a-b. Its normal comes from a product-to-sum form of a x b in the
 * coordinates (not from the difference of two rounded vectors), so it keeps
 * full relative precision on short legs. Eight sines and cosines.
 */
cs_geo_arc cs_geo_arc_make(cs_lonlat a, cs_lonlat b);

/** Squared chord between unit vectors p and q: 2 - 2 cos(angle), without the cancellation. */
double cs_geo_chord2(cs_vec3 p, cs_vec3 q);

/** Squared chord from the unit vector p to the nearest point of arc (to a when it is a point). */
double cs_geo_point_arc_chord2(cs_vec3 p, const cs_geo_arc *arc);

/**
 * Whether arcs s and t meet: each one's ends lie on both sides of (or on)
 * the other's great circle, and one of the two points where the circles cross
 * lies on both arcs. False for points and for arcs on one great circle, whose
 * distance cs_geo_arc_arc_chord2 finds from their ends.
 */
bool cs_geo_arcs_meet(const cs_geo_arc *s, const cs_geo_arc *t);

/**
 * Squared chord between the nearest points of arcs s and t: 0 when they meet,
 * else the least of the four end-to-arc distances (as for plane segments, two
 * arcs apart are nearest at an end of one of them).
 */
double cs_geo_arc_arc_chord2(const cs_geo_arc *s, const cs_geo_arc *t);

/**
 * As cs_geo_arc_arc_chord2, and writes to *on_s the point of s nearest to t
 * (where they cross, when they meet; an end of s, or the foot on s of the
 * perpendicular from an end of t, when they do not).
 */
double cs_geo_arc_arc_nearest(const cs_geo_arc *s, const cs_geo_arc *t, cs_vec3 *on_s);

/** The lon/lat of a non-zero vector (its direction). */
cs_lonlat cs_geo_lonlat(cs_vec3 v);

/** The great-circle distance, km, of a squared chord (clamped to [0, 4]). */
double cs_geo_chord2_km(double chord2);

#endif /* CS_GEO_H */
