/*
 * regions.h: a library of named sea areas that scenarios can refer to.
 *
 * Hazards take an area either as a polygon of [lon, lat] pairs or as the name
 * of one of these regions ("Luzon Strait", "Boso", ...): straits and seas
 * where cables bunch up, the landing clusters of Japan's Pacific coast, and
 * the subduction zones whose earthquakes cut cables. Each region is a simple
 * polygon in lon/lat degrees, drawn coarsely (tenths of a degree) from public
 * geography; docs/model.md lists every vertex and the source it follows. The
 * table is constant data: nothing is allocated and nothing changes.
 */
#ifndef CS_REGIONS_H
#define CS_REGIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "cablesim/geo.h"

/** A named region. Everything points into constant data. */
typedef struct {
    const char *name;        /**< as scenarios write it, e.g. "Luzon Strait" */
    const char *description; /**< one line: what the polygon covers */
    const char *source;      /**< the public reference its vertices follow (URL) */
    size_t n;                /**< vertices of the ring (>= 3, not repeated at the end) */
    const cs_lonlat *ring;   /**< [n] vertices, lon/lat degrees */
} cs_region;

/** Number of regions in the library. */
size_t cs_regions_count(void);

/** Region i (i < cs_regions_count()), or NULL when i is out of range. Borrowed, constant. */
const cs_region *cs_regions_get(size_t i);

/**
 * Finds a region by name, ignoring ASCII case ("luzon strait" finds "Luzon
 * Strait"). \return the region, or NULL when there is none of that name.
 */
const cs_region *cs_regions_find(const char *name);

/** Whether p lies inside region r (even-odd rule on lon/lat, as cs_geo_point_in_polygon()). */
bool cs_regions_contains(const cs_region *r, cs_lonlat p);

/**
 * Writes the region names, separated by ", ", into buf (at most n bytes, n > 0),
 * for messages that list what a name may be. Truncates with "..." when short.
 */
void cs_regions_list(char *buf, size_t n);

#endif /* CS_REGIONS_H */
