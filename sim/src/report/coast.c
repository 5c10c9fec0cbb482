/*
 * coast.c: GSHHG binned shorelines (coast.h) read with HDF5.
 *
 * Layout of a binned file (GMT's gmt_shore.c reads the same): bin b covers longitudes
 * (b mod nx) x size .. + size and latitudes 90 - (b div nx + 1) x size .. + size, size being
 * Bin_size_in_minutes / 60 degrees; its segments are Id_of_first_segment_in_a_bin[b] ..
 * + N_segments_in_a_bin[b] - 1; segment s packs its point count, level, entry and exit sides
 * into Embedded_npts_levels_exit_entry_for_a_segment[s] (count = value >> 9, level =
 * (value >> 6) & 7) and its points start at Id_of_first_point_in_a_segment[s] in the two
 * Relative_*_from_SW_corner_of_bin arrays (16-bit, read as unsigned).
 */
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cablesim/coast.h"
#include "results/h5util.h"

#ifndef CS_GSHHG_FILE
#define CS_GSHHG_FILE "/usr/share/gmt-gshhg/binned_GSHHS_l.nc"
#endif

const char *cs_coast_default_path(void)
{
    return CS_GSHHG_FILE;
}

void cs_coast_free(cs_coast_t *c)
{
    if (c == NULL) return;
    free(c->off);
    free(c->lon);
    free(c->lat);
    free(c);
}

/* Reads the whole one-dimensional dataset name of n elements as memory type mem into buf. */
static cs_status read_all(hid_t f, const char *path, const char *name, hid_t mem, size_t n,
                          void *buf, cs_error *err)
{
    const hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d < 0)
        return cs_errorf(err, CS_EINVAL, "%s: not a GSHHG binned coastline file: no dataset %s",
                         path, name);
    const hid_t sp = H5Dget_space(d);
    hsize_t dim = 0;
    const int rank = sp >= 0 ? H5Sget_simple_extent_dims(sp, &dim, NULL) : -1;
    if (sp >= 0) H5Sclose(sp);
    cs_status rc = CS_OK;
    if (rank != 1 || dim != (hsize_t)n)
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: dataset %s: expected %zu values in one dimension, found %llu", path,
                       name, n, rank == 1 ? (unsigned long long)dim : 0ULL);
    else if (H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        rc = cs_h5_err(err, CS_EIO, path, "read", name);
    H5Dclose(d);
    return rc;
}

static cs_status read_int(hid_t f, const char *path, const char *name, int32_t *v, cs_error *err)
{
    return read_all(f, path, name, H5T_NATIVE_INT32, 1, v, err);
}

static void read_str_attr(hid_t f, const char *name, char *buf, size_t n)
{
    char *s = NULL;
    cs_error ignore = CS_ERROR_INIT;
    buf[0] = '\0';
    if (cs_h5_get_str_attr(f, "", "/", name, &s, CS_EIO, &ignore) == CS_OK) {
        snprintf(buf, n, "%s", s);
        free(s);
    }
}

typedef struct {
    int32_t bin_minutes, nx, ny, n_bins, n_segments, n_points;
    int32_t *first_seg, *seg_info, *first_point;
    int16_t *n_seg, *dx, *dy;
} gshhg;

static void gshhg_destroy(gshhg *g)
{
    free(g->first_seg);
    free(g->seg_info);
    free(g->first_point);
    free(g->n_seg);
    free(g->dx);
    free(g->dy);
}

static cs_status gshhg_read(gshhg *g, hid_t f, const char *path, cs_error *err)
{
    cs_status rc = CS_OK;
    if ((rc = read_int(f, path, "Bin_size_in_minutes", &g->bin_minutes, err)) ||
        (rc = read_int(f, path, "N_bins_in_360_longitude_range", &g->nx, err)) ||
        (rc = read_int(f, path, "N_bins_in_180_degree_latitude_range", &g->ny, err)) ||
        (rc = read_int(f, path, "N_bins_in_file", &g->n_bins, err)) ||
        (rc = read_int(f, path, "N_segments_in_file", &g->n_segments, err)) ||
        (rc = read_int(f, path, "N_points_in_file", &g->n_points, err)))
        return rc;
    if (g->bin_minutes <= 0 || g->nx <= 0 || g->ny <= 0 || g->n_bins != g->nx * g->ny ||
        (int64_t)g->bin_minutes * g->nx != 360 * 60 || g->n_segments < 0 || g->n_points < 0)
        return cs_errorf(err, CS_EINVAL,
                         "%s: not a GSHHG binned coastline file: %d bins of %d minutes, %d x %d",
                         path, (int)g->n_bins, (int)g->bin_minutes, (int)g->nx, (int)g->ny);
    const size_t nb = (size_t)g->n_bins, ns = (size_t)g->n_segments, np = (size_t)g->n_points;
    g->first_seg = malloc((nb + 1) * sizeof *g->first_seg);
    g->n_seg = malloc((nb + 1) * sizeof *g->n_seg);
    g->seg_info = malloc((ns + 1) * sizeof *g->seg_info);
    g->first_point = malloc((ns + 1) * sizeof *g->first_point);
    g->dx = malloc((np + 1) * sizeof *g->dx);
    g->dy = malloc((np + 1) * sizeof *g->dy);
    if (!g->first_seg || !g->n_seg || !g->seg_info || !g->first_point || !g->dx || !g->dy)
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", path);
    if ((rc = read_all(f, path, "Id_of_first_segment_in_a_bin", H5T_NATIVE_INT32, nb, g->first_seg,
                       err)) ||
        (rc = read_all(f, path, "N_segments_in_a_bin", H5T_NATIVE_INT16, nb, g->n_seg, err)) ||
        (rc = read_all(f, path, "Embedded_npts_levels_exit_entry_for_a_segment", H5T_NATIVE_INT32,
                       ns, g->seg_info, err)) ||
        (rc = read_all(f, path, "Id_of_first_point_in_a_segment", H5T_NATIVE_INT32, ns,
                       g->first_point, err)) ||
        (rc = read_all(f, path, "Relative_longitude_from_SW_corner_of_bin", H5T_NATIVE_INT16, np,
                       g->dx, err)) ||
        (rc = read_all(f, path, "Relative_latitude_from_SW_corner_of_bin", H5T_NATIVE_INT16, np,
                       g->dy, err)))
        return rc;
    /* Every index must stay within its array before any is followed. */
    for (size_t b = 0; b < nb; b++)
        if (g->first_seg[b] < 0 || g->n_seg[b] < 0 ||
            (int64_t)g->first_seg[b] + g->n_seg[b] > (int64_t)ns)
            return cs_errorf(err, CS_EINVAL,
                             "%s: bin %zu: segments %d + %d beyond the %zu in the file", path, b,
                             (int)g->first_seg[b], (int)g->n_seg[b], ns);
    for (size_t s = 0; s < ns; s++) {
        const int64_t n = (uint32_t)g->seg_info[s] >> 9;
        if (g->first_point[s] < 0 || (int64_t)g->first_point[s] + n > (int64_t)np)
            return cs_errorf(err, CS_EINVAL,
                             "%s: segment %zu: points %d + %lld beyond the %zu in "
                             "the file",
                             path, s, (int)g->first_point[s], (long long)n, np);
    }
    return CS_OK;
}

/* Appends the segments of bin b whose level is <= max_level to c (capacity *cap points). */
static cs_status add_bin(cs_coast_t *c, size_t *cap_lines, size_t *cap_pts, const gshhg *g,
                         size_t b, int max_level, const char *path, cs_error *err)
{
    const double size = g->bin_minutes / 60.0, scale = size / 65535.0;
    const double west = (double)(b % (size_t)g->nx) * size;
    const double south = 90.0 - (double)(b / (size_t)g->nx + 1) * size;
    for (int32_t k = 0; k < g->n_seg[b]; k++) {
        const size_t s = (size_t)g->first_seg[b] + (size_t)k;
        const uint32_t info = (uint32_t)g->seg_info[s];
        const size_t n = info >> 9;
        const int level = (int)((info >> 6) & 7);
        if (level > max_level || n < 2) continue;
        const size_t used = c->off[c->n_lines];
        if (c->n_lines + 2 > *cap_lines) {
            const size_t nc = 2 * *cap_lines + 16;
            size_t *o = realloc(c->off, nc * sizeof *o);
            if (o == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", path);
            c->off = o;
            *cap_lines = nc;
        }
        if (used + n > *cap_pts) {
            const size_t nc = 2 * (used + n) + 1024;
            double *lo = realloc(c->lon, nc * sizeof *lo);
            if (lo != NULL) c->lon = lo;
            double *la = lo != NULL ? realloc(c->lat, nc * sizeof *la) : NULL;
            if (la == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", path);
            c->lat = la;
            *cap_pts = nc;
        }
        const size_t p0 = (size_t)g->first_point[s];
        for (size_t i = 0; i < n; i++) {
            c->lon[used + i] = west + (double)(uint16_t)g->dx[p0 + i] * scale;
            c->lat[used + i] = south + (double)(uint16_t)g->dy[p0 + i] * scale;
        }
        c->off[++c->n_lines] = used + n;
    }
    return CS_OK;
}

cs_status cs_coast_load(cs_coast_t **out, const char *path, double west, double east, double south,
                        double north, int max_level, cs_error *err)
{
    *out = NULL;
    if (!(west >= 0 && west < east && east <= 360 && south >= -90 && south < north && north <= 90))
        return cs_errorf(err, CS_EINVAL,
                         "%s: coastline box: expected 0 <= west < east <= 360 and -90 <= south < "
                         "north <= 90, found %g..%g, %g..%g",
                         path, west, east, south, north);
    cs_status rc = cs_h5_quiet(path, err);
    if (rc) return rc;
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return cs_errorf(err, CS_EIO,
                         "%s: cannot open the coastline data (GSHHG binned netCDF-4; Debian "
                         "package gmt-gshhg-low installs it)",
                         path);
    gshhg g = {0};
    cs_coast_t *c = calloc(1, sizeof *c);
    size_t cap_lines = 0, cap_pts = 0;
    if (c == NULL || (c->off = calloc(1, sizeof *c->off)) == NULL) {
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", path);
        goto fail;
    }
    cap_lines = 1;
    if ((rc = gshhg_read(&g, f, path, err)) != CS_OK) goto fail;
    read_str_attr(f, "version", c->version, sizeof c->version);
    read_str_attr(f, "title", c->title, sizeof c->title);
    read_str_attr(f, "source", c->source, sizeof c->source);
    const double size = g.bin_minutes / 60.0;
    for (size_t b = 0; b < (size_t)g.n_bins; b++) {
        const double bw = (double)(b % (size_t)g.nx) * size;
        const double bs = 90.0 - (double)(b / (size_t)g.nx + 1) * size;
        if (bw + size <= west || bw >= east || bs + size <= south || bs >= north) continue;
        if ((rc = add_bin(c, &cap_lines, &cap_pts, &g, b, max_level, path, err)) != CS_OK)
            goto fail;
    }
    gshhg_destroy(&g);
    H5Fclose(f);
    *out = c;
    return CS_OK;
fail:
    gshhg_destroy(&g);
    H5Fclose(f);
    cs_coast_free(c);
    return rc;
}
