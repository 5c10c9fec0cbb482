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

/** What a build is made of: `cablesim --version` and the results files' root attributes. */
typedef struct {
    const char *version;    /**< cs_version() */
    const char *commit;     /**< the git commit the build was configured from, or "unknown" */
    const char *build_type; /**< CMAKE_BUILD_TYPE ("Release", "Debug"), or "unknown" */
    char hdf5[32];          /**< the HDF5 library's version, "1.10.8" */
    char igraph[32];        /**< igraph's, "0.10.4" */
    char gsl[32];           /**< GSL's, "2.7.1" */
    char mpi[160];          /**< the MPI library's, "Open MPI v4.1.4 (MPI 3.1)" */
} cs_build_info;

/** Fills b (the library versions are asked of the libraries linked at run time). */
void cs_build_info_get(cs_build_info *b);

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
