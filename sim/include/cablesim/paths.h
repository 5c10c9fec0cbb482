/*
 * paths.h: where cablesim finds its bundled data (topology, demand, scenarios).
 *
 * The installed binary reads from the install prefix's data directory
 * (share/cablesim); a binary run from the build tree falls back to the source
 * tree it was configured from. CABLESIM_DATADIR overrides both.
 */
#ifndef CS_PATHS_H
#define CS_PATHS_H

#include <stdbool.h>
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

/**
 * The absolute, canonical form of path (symbolic links, "." and ".." resolved: realpath), which
 * must exist, into buf. \return false when it does not exist or does not fit.
 */
bool cs_path_absolute(char *buf, size_t n, const char *path);

/**
 * target relative to the directory from (both absolute and canonical, as cs_path_absolute gives):
 * "../data/x.geojson", or "." when they are the same. \return false when it does not fit.
 */
bool cs_path_relative(char *buf, size_t n, const char *target, const char *from);

/** The directory part of path ("." when it has none; "/" for the root) into buf. */
void cs_path_dirname(char *buf, size_t n, const char *path);

#endif /* CS_PATHS_H */
