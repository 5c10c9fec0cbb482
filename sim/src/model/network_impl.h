/*
 * network_impl.h (internal): a scenario's `network:` section applied to a topology's GeoJSON
 * (network.c), for the topology loader (cs_topology_load_design).
 */
#ifndef CS_NETWORK_IMPL_H
#define CS_NETWORK_IMPL_H

#include <jansson.h>

#include "cablesim/error.h"
#include "cablesim/ydoc.h"

/**
 * Applies the design changes of section (a map node of d: remove, upgrade, add, in that order)
 * to the FeatureCollection root of topology file topo, in place. as_of is the network year (the
 * default rfs of an added system, and the latest allowed; 0: none). Every problem is one line
 * at its place in d. \return CS_OK, CS_EINVAL, CS_ENOMEM.
 */
cs_status cs_network_apply(json_t *root, const char *topo, int as_of, const cs_ydoc_t *d,
                           const cs_ynode *section, cs_error *err);

#endif
