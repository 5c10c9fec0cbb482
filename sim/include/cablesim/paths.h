/*
 * paths.h: where cablesim finds its bundled data (topology, demand, scenarios).
 *
 * The installed binary reads from the install prefix's data directory
 * (share/cablesim); a binary run from the build tree falls back to the source
 * tree it was configured from. CABLESIM_DATADIR overrides both.
 */
#ifndef CS_PATHS_H
#define CS_PATHS_H

#include <stddef.h>

#include "cablesim/error.h"

/** The version string of this build ("0.1.0"). */
const char *cs_version(void);

/**
 * Resolves a bundled data file such as "topology/japan.geojson" to an existing
 * path: $CABLESIM_DATADIR/rel, then the install data dir, then the source
 * tree. Writes it into buf.
 * \return CS_OK, or CS_EIO naming the places searched.
 */
cs_status cs_data_path(char *buf, size_t n, const char *rel, cs_error *err);

#endif /* CS_PATHS_H */
