/*
 * coast.h: coastlines for maps, read from GSHHG (the Global Self-consistent, Hierarchical,
 * High-resolution Geography database, Wessel and Smith) in the binned netCDF-4 files that
 * Debian's gmt-gshhg-low package installs (/usr/share/gmt-gshhg/binned_GSHHS_l.nc).
 *
 * Those files cut the shorelines into bins of a fixed size (10 degrees in the low resolution);
 * each bin holds segments, chains of points given as unsigned 16-bit offsets from the bin's
 * south-west corner in units of bin size / 65535. cs_coast_load() reads the bins that meet a
 * longitude-latitude box and returns each segment of the chosen levels as a polyline in degrees
 * (longitude in [0, 360): the Pacific stays in one piece). The files are netCDF-4, that is HDF5,
 * so the library's HDF5 reads them; nothing is downloaded.
 */
#ifndef CS_COAST_H
#define CS_COAST_H

#include <stddef.h>

#include "cablesim/error.h"

/** Shoreline levels of GSHHG: 1 land/ocean, 2 lake, 3 island in a lake, 4 pond in such island. */
#define CS_COAST_LEVEL_LAND 1

typedef struct {
    size_t n_lines;    /**< polylines */
    size_t *off;       /**< [n_lines + 1]: line i is points off[i] .. off[i + 1] - 1 */
    double *lon, *lat; /**< [off[n_lines]] degrees; lon in [0, 360) */
    char version[32];  /**< the file's `version` attribute (GSHHG release, "2.3.7") */
    char title[128];   /**< its `title` */
    char source[128];  /**< its `source` */
} cs_coast_t;

/**
 * Reads the shoreline segments of level <= max_level in the bins that meet the box
 * [west, east] x [south, north] (degrees; 0 <= west < east <= 360, -90 <= south < north <= 90).
 * Segments are returned whole (they may reach out of the box by less than a bin).
 * \param out Out: the lines, freed with cs_coast_free(); NULL on failure.
 * \return CS_OK; CS_EIO (cannot open or read path: the message names the Debian package that
 * installs it); CS_EINVAL (a bad box, or not a GSHHG binned file: a dataset missing or of the
 * wrong size); CS_ENOMEM. O(points in the bins read).
 */
cs_status cs_coast_load(cs_coast_t **out, const char *path, double west, double east, double south,
                        double north, int max_level, cs_error *err);
void cs_coast_free(cs_coast_t *c);

/** The GSHHG low-resolution file this build looks for (CMake's CS_GSHHG_FILE). */
const char *cs_coast_default_path(void);

#endif /* CS_COAST_H */
