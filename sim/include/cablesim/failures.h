/*
 * failures.h: the set of failed edges and nodes in one trial.
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
 */
#ifndef CS_FAILURES_H
#define CS_FAILURES_H

#include <stdbool.h>
#include <stddef.h>

#include "cablesim/error.h"
#include "cablesim/topology.h"

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
    double *edge_time;   /**< [ne] failure time of each failed edge, days */
    double *node_time;   /**< [nn] failure time of each failed node, days */
} cs_failures;

/** Prepares an empty set for a topology with ne edges and nn nodes. */
cs_status cs_failures_init(cs_failures *f, size_t ne, size_t nn, cs_error *err);
void cs_failures_destroy(cs_failures *f);
/** Empties the set in O(failures) and sets now back to 0 (horizon_days is kept). */
void cs_failures_clear(cs_failures *f);
/** Marks edge e failed at time f->now; a no-op when it already is. */
void cs_failures_fail_edge(cs_failures *f, size_t e);
/** Marks node v failed at time f->now; a no-op when it already is. */
void cs_failures_fail_node(cs_failures *f, size_t v);
/** Whether edge e is unusable: failed itself, or one of its ends failed. */
bool cs_failures_edge_down(const cs_failures *f, const cs_topology_t *t, size_t e);
/** Copies src into dst (same sizes), failure times included. */
void cs_failures_copy(cs_failures *dst, const cs_failures *src);

#endif /* CS_FAILURES_H */
