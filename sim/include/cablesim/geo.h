/*
 * geo.h: spherical geometry on lon/lat coordinates.
 *
 * Great-circle distances, polyline lengths and the distance from a point to a
 * polyline, on a sphere of radius CS_EARTH_RADIUS_KM. Used to derive segment
 * lengths, to check that a drawn route ends at its stations, and to decide
 * which cables a hazard zone touches. Pure functions, no allocation.
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

#endif /* CS_GEO_H */
