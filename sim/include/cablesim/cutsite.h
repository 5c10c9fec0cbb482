/*
 * cutsite.h: where on an edge's drawn route a cut lies, and the water depth
 * there (docs/model.md, "Where a cut is").
 *
 * Positions along an edge are arc lengths s (km) along its drawn route, the
 * parts of the route (topology.h: pts, part_off) taken in order, from pts[0]
 * (s = 0) to the last point (s = cs_cutsite_route_km()). Drawn lengths, not
 * the `length_km` of the file, which may be scaled to a published length.
 *
 * Depth. The topology has no depth along the route (the dataset's `depth_m`
 * is one typical figure per segment, and null today), so the depth at a cut is
 * estimated from where it lies along the route, from each end at a landing
 * station (branching units are not landings), and the shallower of the two
 * profiles is taken:
 *
 *   shelf: x <= W          depth = SHELF_M x max(x, 0.5 km) / W
 *   slope: W < x <= W + S  depth = SHELF_M + (D - SHELF_M) x (x - W) / S
 *   deep:  x > W + S       depth = D
 *
 * with x the distance along the route from that end, W that end's shelf
 * (cs_cutsite_shelves), S the slope width CS_CUTSITE_SLOPE_KM and D the
 * segment's `depth_m` when the dataset gives it, else CS_CUTSITE_DEEP_M. A
 * segment with no landed end is deep throughout; one whose D is shallower than
 * the shelf break is on the shelf throughout: depth = D x min(1, max(x, 0.5 km) / W).
 * Every depth of a segment is > 0; a terrestrial link is on land (depth 0).
 *
 * Shelves. The dataset's shallow share s counts the route within 25 km of a
 * landed end or inside hand-drawn 200 m shelf polygons, which lie off the
 * Asian mainland, Korea, Taiwan and the Sunda shelf; Japan's Pacific shelf is
 * the 25 km allowance only (topology/README.md). So each landed end gets
 * min(shore_km, s L / ends), and the rest of the shallow length s L goes to
 * the ends landed outside Japan, shared evenly (to both ends when none is).
 */
#ifndef CS_CUTSITE_H
#define CS_CUTSITE_H

#include <stddef.h>

#include "cablesim/geo.h"
#include "cablesim/topology.h"

/** Depth of the shelf break, m: the 200 m isobath that the dataset's shelf polygons follow. */
#define CS_CUTSITE_SHELF_M 200.0
/** Width of the continental slope, km: 35.6 km, the mean of active margins (Harris et al. 2014). */
#define CS_CUTSITE_SLOPE_KM 35.6
/** Deep-water depth when a segment has none: the mean depth of the ocean, 3,682 m
 * (Charette and Smith 2010). */
#define CS_CUTSITE_DEEP_M 3682.0
/** Shelf length per landed end when the segment has no shallow share, km (topology/README.md). */
#define CS_CUTSITE_SHORE_KM 25.0

/** Length of e's drawn route over all its parts, km. */
double cs_cutsite_route_km(const cs_edge *e);

/** The point at arc length s_km along e's route (clamped to [0, route length]). */
cs_lonlat cs_cutsite_point(const cs_edge *e, double s_km);

/** Arc length along e's route of the route's point nearest to p, km. */
double cs_cutsite_locate(const cs_edge *e, cs_lonlat p);

/**
 * Distance along e's route from arc length s_km to the nearer of its ends at a
 * landing station, km; HUGE_VAL when neither end is one. The route may run
 * either way between `from` and `to`: its first point is matched to the nearer node.
 */
double cs_cutsite_shore_km(const cs_topology_t *t, size_t e, double s_km);

/** Water depth at arc length s_km along edge e of t, m: the estimate above (> 0; 0 for a link). */
double cs_cutsite_depth_m(const cs_topology_t *t, size_t e, double s_km);

/**
 * The shelf length at the route's first and last points (0 where the end is
 * not landed), km, for a shallow share `share` of the drawn route (NAN: the
 * shore allowance shore_km at each landed end), by the rule above.
 */
void cs_cutsite_shelves(const cs_topology_t *t, size_t e, double share, double shore_km,
                        double *w_start, double *w_end);

/**
 * A place on e's shelf: halfway across the shelf of the landed end where the
 * route starts, else of the other end; the midpoint when no end is landed. Writes *s_km (its arc
 * length), *at and *depth_m.
 */
void cs_cutsite_shelf(const cs_topology_t *t, size_t e, double *s_km, cs_lonlat *at,
                      double *depth_m);

/**
 * The default place of a cut that no hazard placed: the midpoint of e's route
 * by arc length, and the depth there. Writes *at and *depth_m.
 */
void cs_cutsite_default(const cs_topology_t *t, size_t e, cs_lonlat *at, double *depth_m);

#endif /* CS_CUTSITE_H */
