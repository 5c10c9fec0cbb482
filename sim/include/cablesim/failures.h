/*
 * failures.h: the set of failed edges and nodes in one trial, and the cuts
 * that made them.
 *
 * Hazard models add to it (so that events compound); the router reads it. A
 * failed node (a landing station lost to power or a tsunami) takes every
 * incident edge down with it, but is recorded as a node failure only, so
 * that results keep direct causes apart.
 *
 * With a repair model (recovery.h) failures also have a time: the time in
 * days since the trial's start at which each edge and node failed. Hazards
 * set `now` before adding a failure and the failure takes it; events happen
 * at t = 0 (the default), a campaign or a Poisson process spreads its cuts
 * over `horizon_days`, which the engine sets (0 = no time axis).
 *
 * Cuts. Besides the set of failed edges, the set keeps the list of cuts: one
 * record (cs_cut) per place where a hazard severed a cable, in the order they
 * were made. A segment may be cut several times in one trial (the 2006
 * Hengchun flows cut 9 systems in 19-22 places): each cut is its own record
 * and needs its own repair, and the segment is down from its first cut until
 * its last cut is repaired. The failed-edge list (edges, edge_failed,
 * edge_time) is the union: each edge once, at the time of its earliest cut.
 * Every failed edge has at least one cut; cuts of links (terrestrial) are
 * recorded like those of segments. The cut list lives in storage preallocated
 * for one cut per edge and grows (doubling) only when a trial cuts some edge
 * more than once, so a run allocates nothing per trial once it has seen its
 * largest trial.
 */
#ifndef CS_FAILURES_H
#define CS_FAILURES_H

#include <stdbool.h>
#include <stddef.h>

#include "cablesim/error.h"
#include "cablesim/geo.h"
#include "cablesim/topology.h"

/**
 * One cut: where and when a hazard severed an edge.
 *
 * - edge: the edge index (a segment, or a terrestrial link).
 * - at: the point of the cut, [lon, lat] degrees. A hazard that knows where it
 *   cuts gives the point on the edge's drawn route (topology.h: pts, part_off)
 *   where it crosses or comes nearest to the event: an anchor track's crossing,
 *   a sediment flow's axis, a rupture or a slope crossing (docs/model.md, each
 *   hazard). A cut added by cs_failures_fail_edge() has no place (lon and lat
 *   NAN) until cs_failures_locate() gives it the default: the midpoint of the
 *   route by arc length (cutsite.h). After the engine has sampled a trial
 *   every cut has a place (the engine calls cs_failures_locate()).
 * - depth_m: water depth at `at`, metres (> 0). From the dataset's depth along
 *   the route when it has one, else the documented estimate of
 *   cs_cutsite_depth_m() (shelf, slope, deep water by distance along the route
 *   from the nearest landing). NAN until located, like `at`.
 * - hazard: index in the scenario's `hazards` list of the hazard that made the
 *   cut (the failure set's `hazard` field when it was added); -1 for a cut
 *   made outside any hazard (tests, tools).
 * - time_days: when the cut happened, days since the trial's start (the set's
 *   `now` when it was added; 0 without a time axis).
 */
typedef struct {
    size_t edge;
    cs_lonlat at;
    double depth_m;
    int hazard;
    double time_days;
} cs_cut;

/**
 * What a hazard sampled in a trial, one record per event, so that results can
 * be conditioned on the hazard (loss against magnitude, by epicentre):
 *
 *   earthquake      magnitude; a = epicentre; length_km = rupture length
 *   sediment_flow   a = head of the path, b = where the flow stopped; length_km = run-out
 *                   (a flow triggered by an earthquake has the earthquake's hazard index)
 *   anchor_drag     a, b = the ends of the track; length_km = its length
 *   sabotage        target = the segment's edge index (or the cable index with unit: cable);
 *                   a = where it was cut (its first segment's cut)
 *   station_attack  target = the node index of the station lost; a = its position
 *
 * random_faults and explicit record no events (their cuts say everything).
 * Fields that do not apply are NAN (numbers) or -1 (target). `cuts` is the
 * number of cuts the event made.
 */
typedef struct {
    int hazard;
    double magnitude;
    cs_lonlat a, b;
    double length_km;
    long long target;
    size_t cuts;
} cs_hazard_event;

typedef struct {
    size_t ne, nn;
    unsigned char *edge_failed; /**< [ne], 1 when the edge itself failed */
    unsigned char *node_failed; /**< [nn], 1 when the node failed */
    size_t *edges;              /**< failed edge indices in the order they failed */
    size_t n_edges;
    size_t *nodes; /**< failed node indices in the order they failed */
    size_t n_nodes;
    double now;          /**< time stamped on failures added from now on, days (0 by default) */
    double horizon_days; /**< the trial's time horizon, days; 0 when trials have no time axis */
    double *edge_time;   /**< [ne] failure time of each failed edge (its earliest cut), days */
    double *node_time;   /**< [nn] failure time of each failed node, days */
    int hazard;          /**< hazard index stamped on cuts added from now on (-1 by default) */
    cs_cut *cuts;        /**< [n_cuts] the cuts, in the order they were made */
    size_t n_cuts;
    size_t cap_cuts;         /**< room in cuts; >= ne + (cuts of edges already failed) */
    cs_hazard_event *events; /**< [n_events] what the hazards sampled, in order */
    size_t n_events, cap_events;
} cs_failures;

/** Prepares an empty set for a topology with ne edges and nn nodes (room for ne cuts). */
cs_status cs_failures_init(cs_failures *f, size_t ne, size_t nn, cs_error *err);
void cs_failures_destroy(cs_failures *f);
/** Empties the set in O(failures), sets now back to 0 and hazard to -1 (horizon_days is kept). */
void cs_failures_clear(cs_failures *f);
/**
 * Marks edge e failed at time f->now, recording one cut with no place yet
 * (see cs_cut); a no-op when e has already failed. Never allocates.
 */
void cs_failures_fail_edge(cs_failures *f, size_t e);
/**
 * Records a cut of edge e at `at` (water depth depth_m there) at time f->now
 * by hazard f->hazard, and marks e failed if it is not yet (its failure time
 * becomes the earliest of its cuts). Unlike cs_failures_fail_edge(), cutting
 * an edge that has failed already adds a cut: each cut needs its own repair.
 * \return CS_OK, or CS_ENOMEM when the cut list could not grow (the set is
 * unchanged).
 */
cs_status cs_failures_cut_edge(cs_failures *f, size_t e, cs_lonlat at, double depth_m,
                               cs_error *err);
/**
 * Records event ev (its `hazard` is set to f->hazard). Grows the event list
 * (doubling) when full. \return CS_OK, or CS_ENOMEM (the set is unchanged).
 */
cs_status cs_failures_add_event(cs_failures *f, const cs_hazard_event *ev, cs_error *err);
/** An event with nothing set: NAN numbers, target -1, no cuts. */
cs_hazard_event cs_hazard_event_none(void);
/** Marks node v failed at time f->now; a no-op when it already is. */
void cs_failures_fail_node(cs_failures *f, size_t v);
/**
 * Undoes the edge failures and cuts added after the set held n_edges failed
 * edges and n_cuts cuts. Meant for tentative cuts (a greedy adversary trying
 * candidates): it assumes the cuts added since were of edges that had not
 * failed at that mark, whose failure it undoes.
 */
void cs_failures_truncate(cs_failures *f, size_t n_edges, size_t n_cuts);
/** Gives every cut without a place its default place and depth (cutsite.h). O(cuts x route). */
void cs_failures_locate(cs_failures *f, const cs_topology_t *t);
/** Whether edge e is unusable: failed itself, or one of its ends failed. */
bool cs_failures_edge_down(const cs_failures *f, const cs_topology_t *t, size_t e);
/**
 * Copies src into dst (same sizes): failures with their times, the cuts and the events.
 * \return CS_OK, or CS_ENOMEM when dst's cut list could not grow (dst is then cleared).
 */
cs_status cs_failures_copy(cs_failures *dst, const cs_failures *src, cs_error *err);

#endif /* CS_FAILURES_H */
