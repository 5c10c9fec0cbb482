/*
 * map.h (internal to the report module): the report's SVG drawings, inline in the page: maps of
 * the network (coastlines, cables coloured by how often they were down, rerouted load, lost
 * stations) and the recovery curve.
 */
#ifndef CS_REPORT_MAP_H
#define CS_REPORT_MAP_H

#include "cablesim/analysis.h"
#include "cablesim/coast.h"
#include "report/html.h"

/** A map frame: longitudes in [0, 360) degrees east (the Pacific in one piece), pixel width. */
typedef struct {
    const char *id;    /**< the svg element's id */
    const char *title; /**< its accessible name */
    double west, east, south, north;
    double width;
} cs_map_view;

/** The frame that holds every node of the network with a margin. */
cs_map_view cs_map_view_of(const cs_results_info *in, const char *id, const char *title,
                           double width);

/** Draws the network of a's file in view v over coast (NULL: no coastline). */
void cs_map_draw(cs_html *h, const cs_map_view *v, const cs_analysis_t *a, const cs_coast_t *coast);

/** The served share over time (median, 10-90% band, mean) of a recovery analysis. */
void cs_chart_recovery(cs_html *h, const cs_recovery_analysis_t *v);

#endif
