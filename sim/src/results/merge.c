/*
 * merge.c: joining the parts of a sharded run into the file one run writes (cs_results_merge,
 * results.h; `cablesim merge`).
 *
 * Implementation notes. Every part is checked before anything is written: a complete cablesim
 * results file of this format and software version, a part (part_first_trial, part_trials) of
 * the same scenario, seed, trials, as_of, topology and demand as the first part; together the
 * parts must tile trials 0 .. trials - 1. The output is then made from the first part, with no
 * engine and without the inputs: its root attributes but the part range, `created` and
 * `complete`, its groups with their attributes and its static datasets copied (H5Ocopy), and
 * its per-trial datasets created empty with the part's element type, chunking and filters
 * (which the writer derives from the whole run: the same in every part) and attributes. It is
 * closed, reopened and filled: every per-trial dataset of the schema (results_schema.h) the
 * file has is filled from the parts in trial order, at most `buffer` bytes at a time, so memory
 * does not grow with the trials; CSR offsets are shifted by the values already copied.
 * complete = 1 is the last write, and the file is written as OUT.tmp-<pid> and renamed to OUT
 * only then: a merge that fails leaves no OUT.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cablesim/paths.h"
#include "core/fileio.h"
#include "cablesim/results.h"
#include "results/commit.h"
#include "results/h5util.h"
#include "results/inputs.h"
#include "results/merge.h"
#include "results/dictionary.h"
#include "results/outcomes.h"
#include "results/values.h"

/* The parts, read and checked (merge_parts.c; merge.h). */
typedef cs_merge_part part_info;

/* ------------------------------------------------------ dataset lists */

typedef struct {
    char **v; /* absolute names, "/trials/served_tbps" */
    size_t n, cap;
} name_list;

static void names_destroy(name_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* H5Lvisit callback: adds the datasets; -1 (stop) when out of memory or HDF5 fails. */
static herr_t add_dataset(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    name_list *l = data;
    if (info->type != H5L_TYPE_HARD) return 0;
    char parent[512];
    const char *slash = strrchr(name, '/');
    snprintf(parent, sizeof parent, "/%.*s", slash != NULL ? (int)(slash - name) : 0, name);
    if (slash != NULL && cs_dict_is_table(g, parent)) return 0; /* a member of one: not listed */
    const hid_t o = H5Oopen(g, name, H5P_DEFAULT);
    if (o < 0) return -1;
    const bool dataset = H5Iget_type(o) == H5I_DATASET ||
                         (H5Iget_type(o) == H5I_GROUP && H5Aexists(o, "encoding") > 0);
    H5Oclose(o);
    if (!dataset) return 0;
    if (l->n == l->cap) {
        const size_t cap = l->cap ? 2 * l->cap : 32;
        char **v = realloc(l->v, cap * sizeof *v);
        if (v == NULL) return -1;
        l->v = v;
        l->cap = cap;
    }
    const size_t len = strlen(name) + 2;
    if ((l->v[l->n] = malloc(len)) == NULL) return -1;
    snprintf(l->v[l->n++], len, "/%s", name);
    return 0;
}

/* Every dataset of file f (path); a dictionary table (format 4) as one dataset. order: name order
 * (H5_ITER_INC) for the output, which this merge made; HDF5's native order for a part, which may
 * be damaged: in name order HDF5 1.10 first builds a table of a group's links, and when a damaged
 * block of a large group fails its checksum half way it frees link messages it never read (a crash
 * in H5G__link_release_table); the native order walks the group's own index and fails cleanly. */
static cs_status list_datasets(name_list *l, hid_t f, const char *path, H5_iter_order_t order,
                               cs_status code, cs_error *err)
{
    memset(l, 0, sizeof *l);
    if (H5Lvisit(f, H5_INDEX_NAME, order, add_dataset, l) < 0) {
        names_destroy(l);
        return cs_h5_err(err, code, path, "list the datasets of", "the file");
    }
    return CS_OK;
}

static bool has_name(const name_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], name) == 0) return true;
    return false;
}

/* ------------------------------------------------------------- the fill */

typedef enum { ROWS_TRIAL, ROWS_OFFSETS, ROWS_VALUES, ROWS_OUTCOME } rows_kind;

/* A dataset of the output that follows the trials, and how far it is filled. */
typedef struct {
    char *name;
    rows_kind kind;
    size_t values; /* ROWS_OFFSETS: the item of its values list */
    hid_t dset, type;
    int rank;
    hsize_t dims[H5S_MAX_RANK]; /* the current extent */
    size_t row_bytes;           /* of one element of the first axis */
    hsize_t chunk_rows;         /* elements of the first axis per chunk */
    hsize_t at_start;           /* dims[0] when the current part began */
    cs_dataset_id id;           /* in the schema */
} fill_item;

typedef struct {
    const char *path; /* the output's name, for messages */
    hid_t file;
    name_list names; /* every dataset of the output */
    fill_item *items;
    size_t n;
    unsigned char *buf;
    size_t buffer;            /* bytes per slice asked for (--buffer-size) */
    size_t buf_bytes;         /* the slice budget: at least buffer and the largest chunk */
    size_t buf_alloc;         /* of buf: what the slices so far needed, at most buf_bytes */
    size_t dim[CS_DIM_COUNT]; /* edges, nodes, ships: the bounds of the indices in the lists */
    int version;              /* the parts' format version */
    cs_omap omap;             /* format 2: the outcomes of the output, renumbered (outcomes.h) */
    double *demand;           /* [demands] demand_scaled_tbps: served traffic is checked against */
    size_t n_demands;
} merge_out;

static void out_close(merge_out *m)
{
    for (size_t i = 0; i < m->n; i++) {
        if (m->items[i].dset >= 0) H5Dclose(m->items[i].dset);
        if (m->items[i].type >= 0) H5Tclose(m->items[i].type);
        free(m->items[i].name);
    }
    free(m->items);
    free(m->buf);
    cs_omap_destroy(&m->omap);
    names_destroy(&m->names);
    free(m->demand);
    m->demand = NULL;
    if (m->file >= 0) H5Fclose(m->file);
    m->file = H5I_INVALID_HID;
    m->items = NULL;
    m->buf = NULL;
    m->n = 0;
}

/* How the first axis of per-trial dataset it follows the trials (the schema's rows), and for
 * offsets the name of their values. */
static void schema_rows(fill_item *it, const cs_dataset_schema *s, int version, const char **values)
{
    const cs_rows_kind k = cs_schema_rows(s, version);
    it->kind = k == CS_ROWS_OFFSETS   ? ROWS_OFFSETS
               : k == CS_ROWS_VALUES  ? ROWS_VALUES
               : k == CS_ROWS_OUTCOME ? ROWS_OUTCOME
                                      : ROWS_TRIAL;
    *values = s->rows == CS_ROWS_OFFSETS ? cs_results_dataset(s->values)->path : NULL;
}

/* The output's chunks are filled a slice at a time, and a part may end inside one, completed by
 * the next part's first slice: each dataset keeps room for that chunk and the one being written
 * in its cache (at least HDF5's default 1 MiB). With the default alone and slices not aligned to
 * chunks, HDF5 1.10 compressed and reread a chunk for nearly every slice that touched it (40,000
 * trials of baseline.yaml: 14 s with slices of 256 KiB instead of 2.3 s). */
enum { CACHE_CHUNKS = 2, MIN_CACHE = 1 << 20 };

/* Reopens the output's dataset it->dset with room for CACHE_CHUNKS chunks in its cache. */
static cs_status reopen_cached(const merge_out *m, fill_item *it, cs_error *err)
{
    hsize_t chunk[H5S_MAX_RANK] = {1};
    const hid_t dcpl = H5Dget_create_plist(it->dset);
    if (dcpl >= 0 && H5Pget_layout(dcpl) == H5D_CHUNKED) H5Pget_chunk(dcpl, it->rank, chunk);
    if (dcpl >= 0) H5Pclose(dcpl);
    it->chunk_rows = chunk[0] > 0 ? chunk[0] : 1;
    const size_t bytes = CACHE_CHUNKS * (size_t)it->chunk_rows * it->row_bytes;
    const hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
    H5Dclose(it->dset);
    it->dset = dapl >= 0 && H5Pset_chunk_cache(dapl, H5D_CHUNK_CACHE_NSLOTS_DEFAULT,
                                               bytes > MIN_CACHE ? bytes : MIN_CACHE,
                                               H5D_CHUNK_CACHE_W0_DEFAULT) >= 0
                   ? H5Dopen2(m->file, it->name, dapl)
                   : H5I_INVALID_HID;
    if (dapl >= 0) H5Pclose(dapl);
    return it->dset < 0 ? cs_h5_err(err, CS_EHDF5, m->path, "open dataset", it->name) : CS_OK;
}

/* Opens dataset name of the output as item it, and reads its shape. */
static cs_status open_item(const merge_out *m, fill_item *it, const cs_dataset_schema *ds,
                           const char **values, cs_error *err)
{
    const char *name = cs_schema_path(ds, m->version);
    it->dset = it->type = H5I_INVALID_HID;
    if ((it->name = malloc(strlen(name) + 1)) == NULL)
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", m->path);
    memcpy(it->name, name, strlen(name) + 1);
    it->dset = H5Dopen2(m->file, name, H5P_DEFAULT);
    if (it->dset < 0) return cs_h5_err(err, CS_EHDF5, m->path, "open dataset", name);
    const hid_t s = H5Dget_space(it->dset);
    it->type = H5Dget_type(it->dset);
    it->rank = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
    if (it->rank > 0) H5Sget_simple_extent_dims(s, it->dims, NULL);
    if (s >= 0) H5Sclose(s);
    if (it->type < 0 || it->rank < 1)
        return cs_errorf(err, CS_EINVAL, "%s: dataset %s: expected an array along the trials",
                         m->path, name);
    it->row_bytes = H5Tget_size(it->type);
    for (int k = 1; k < it->rank; k++)
        it->row_bytes *= (size_t)it->dims[k];
    schema_rows(it, ds, m->version, values);
    cs_schema_find(name, m->version, &it->id);
    return reopen_cached(m, it, err);
}

/* Links each offsets item to its values item. */
static cs_status link_values(merge_out *m, const char **values, cs_error *err)
{
    for (size_t i = 0; i < m->n; i++) {
        fill_item *it = &m->items[i];
        if (it->kind != ROWS_OFFSETS) continue;
        it->values = m->n;
        for (size_t j = 0; j < m->n; j++)
            if (m->items[j].kind == ROWS_VALUES && strcmp(m->items[j].name, values[i]) == 0)
                it->values = j;
        if (it->values == m->n)
            return cs_errorf(err, CS_EINVAL,
                             "%s: attribute \"values\" of %s: expected a dataset with rows = "
                             "\"values\", found \"%.60s\"",
                             m->path, it->name, values[i]);
        if (H5Tget_class(it->type) != H5T_INTEGER || H5Tget_size(it->type) != 8 ||
            H5Tget_sign(it->type) != H5T_SGN_NONE)
            return cs_errorf(err, CS_EINVAL,
                             "%s: dataset %s: expected CSR offsets as 64-bit unsigned integers",
                             m->path, it->name);
    }
    return CS_OK;
}

/* Opens the output and finds the datasets that follow the trials: the per-trial datasets of the
 * schema (results_schema.h) it has. */
static cs_status plan_fill(merge_out *m, size_t buffer, cs_error *err)
{
    cs_status rc = list_datasets(&m->names, m->file, m->path, H5_ITER_INC, CS_EHDF5, err);
    if (rc) return rc;
    m->items = calloc(m->names.n + 1, sizeof *m->items);
    const char **values = calloc(m->names.n + 1, sizeof *values);
    if (m->items == NULL || values == NULL) rc = cs_errorf(err, CS_ENOMEM, "out of memory");
    m->buffer = buffer;
    m->buf_bytes = buffer > 16 ? buffer : 16; /* at least two offsets */
    for (size_t i = 0; i < m->names.n && !rc; i++) {
        const cs_dataset_schema *s = cs_schema_find(m->names.v[i], m->version, NULL);
        if (s == NULL || s->rows == CS_ROWS_STATIC) continue;
        fill_item *it = &m->items[m->n++];
        rc = open_item(m, it, s, &values[m->n - 1], err);
        const size_t chunk = (size_t)it->chunk_rows * it->row_bytes;
        if (!rc && chunk > m->buf_bytes) m->buf_bytes = chunk; /* whole chunks at a time */
    }
    if (!rc) rc = link_values(m, values, err);
    free(values);
    static const struct {
        cs_dim dim;
        const char *path;
    } bounds[] = {{CS_DIM_EDGES, "/topology/edges"},
                  {CS_DIM_NODES, "/topology/nodes"},
                  {CS_DIM_SHIPS, "/recovery/ships"}};
    for (size_t k = 0; k < sizeof bounds / sizeof *bounds && !rc; k++)
        if (cs_h5_exists(m->file, bounds[k].path)) {
            const hid_t d = H5Dopen2(m->file, bounds[k].path, H5P_DEFAULT);
            const hid_t sp = d >= 0 ? H5Dget_space(d) : H5I_INVALID_HID;
            hsize_t n[1] = {0};
            if (sp < 0 || H5Sget_simple_extent_ndims(sp) != 1 ||
                H5Sget_simple_extent_dims(sp, n, NULL) < 0)
                rc = cs_h5_err(err, CS_EHDF5, m->path, "read the shape of", bounds[k].path);
            m->dim[bounds[k].dim] = (size_t)n[0];
            if (sp >= 0) H5Sclose(sp);
            if (d >= 0) H5Dclose(d);
        }
    return rc;
}

/* m->buf with room for bytes (at most m->buf_bytes): allocated as the slices need it, so that a
 * --buffer-size far beyond the data (2 GiB for a 250 KB merge) costs no memory. */
static cs_status buf_room(merge_out *m, size_t bytes, cs_error *err)
{
    if (bytes <= m->buf_alloc) return CS_OK;
    unsigned char *b = realloc(m->buf, bytes);
    if (b == NULL)
        return cs_errorf(err, CS_ENOMEM, "out of memory for a buffer of %zu bytes", bytes);
    m->buf = b;
    m->buf_alloc = bytes;
    return CS_OK;
}

/* Checks that part p has exactly the output's datasets. */
static cs_status same_datasets(const merge_out *m, hid_t pf, const part_info *p, cs_error *err)
{
    name_list l;
    cs_status rc = list_datasets(&l, pf, p->path, H5_ITER_NATIVE, CS_EIO, err);
    if (rc) return rc;
    for (size_t i = 0; i < m->names.n && !rc; i++)
        if (!has_name(&l, m->names.v[i]))
            rc = cs_errorf(err, CS_EINVAL,
                           "%s: expected dataset %s (a run of the scenario writes it), found none",
                           p->path, m->names.v[i]);
    for (size_t i = 0; i < l.n && !rc; i++)
        if (!has_name(&m->names, l.v[i]))
            rc = cs_errorf(err, CS_EINVAL,
                           "%s: dataset %s: expected none (a run of the scenario with this "
                           "cablesim does not write it), found one",
                           p->path, l.v[i]);
    names_destroy(&l);
    return rc;
}

/* "[115 x 14]" */
static const char *shape_text(char *buf, size_t n, int rank, const hsize_t *dims)
{
    size_t at = (size_t)snprintf(buf, n, "[");
    for (int k = 0; k < rank && at < n; k++)
        at += (size_t)snprintf(buf + at, n - at, "%s%llu", k ? " x " : "",
                               (unsigned long long)dims[k]);
    if (at < n) snprintf(buf + at, n - at, "]");
    return buf;
}

/* Checks the type and shape of src, the part's copy of it; *rows is its first dimension. */
static cs_status check_source(const fill_item *it, hid_t src, const part_info *p, hsize_t *rows,
                              cs_error *err)
{
    const hid_t t = H5Dget_type(src), s = H5Dget_space(src);
    hsize_t dims[H5S_MAX_RANK] = {0};
    const int rank = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
    if (rank > 0) H5Sget_simple_extent_dims(s, dims, NULL);
    const bool same_type = t >= 0 && H5Tequal(t, it->type) > 0;
    if (t >= 0) H5Tclose(t);
    if (s >= 0) H5Sclose(s);
    if (!same_type)
        return cs_errorf(err, CS_EINVAL,
                         "%s: dataset %s: expected the element type a run writes, found another",
                         p->path, it->name);
    hsize_t want[H5S_MAX_RANK];
    memcpy(want, it->dims, sizeof want);
    want[0] = it->kind == ROWS_TRIAL ? p->n : it->kind == ROWS_OFFSETS ? p->n + 1 : dims[0];
    if (it->kind == ROWS_OUTCOME && *rows != UINT64_MAX) want[0] = *rows; /* as the first table */
    bool ok = rank == it->rank;
    for (int k = 0; ok && k < rank; k++)
        ok = dims[k] == want[k];
    *rows = dims[0];
    if (ok) return CS_OK;
    char w[128], f[128];
    return cs_errorf(err, CS_EINVAL,
                     "%s: dataset %s: expected shape %s (trials %" PRIu64 "..%" PRIu64
                     "), found %s",
                     p->path, it->name, shape_text(w, sizeof w, it->rank, want), p->first,
                     p->first + p->n - 1, shape_text(f, sizeof f, rank, dims));
}

/* Reads (write = false) or writes the rows first .. first + k - 1 of item it's shape in d. */
static herr_t slice_io(hid_t d, bool write, hid_t mem, const fill_item *it, hsize_t first,
                       hsize_t k, void *buf)
{
    hsize_t start[H5S_MAX_RANK] = {0}, count[H5S_MAX_RANK];
    memcpy(count, it->dims, sizeof count);
    start[0] = first;
    count[0] = k;
    const hid_t fs = H5Dget_space(d), ms = H5Screate_simple(it->rank, count, NULL);
    herr_t st =
        fs >= 0 && ms >= 0 ? H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) : -1;
    if (st >= 0)
        st = write ? H5Dwrite(d, mem, ms, fs, H5P_DEFAULT, buf)
                   : H5Dread(d, mem, ms, fs, H5P_DEFAULT, buf);
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    return st;
}

static cs_status extend(const merge_out *m, fill_item *it, hsize_t rows, cs_error *err)
{
    it->dims[0] = rows;
    if (H5Dset_extent(it->dset, it->dims) < 0)
        return cs_h5_err(err, CS_EHDF5, m->path, "extend dataset", it->name);
    return CS_OK;
}

/* The values of k rows of item it (from row first of part p) in buf, as the file has them (the
 * writer's little-endian float64 is native here), checked when it has a rule (values.h). */
static cs_status check_slice(const merge_out *m, const fill_item *it, const void *buf, hsize_t k,
                             hsize_t first, const part_info *p, const char *where, cs_error *err)
{
    const cs_value_rule rule = cs_values_rule(it->id);
    if (rule == CS_VAL_ANY || H5Tequal(it->type, H5T_NATIVE_DOUBLE) <= 0) return CS_OK;
    const size_t cols = it->row_bytes / sizeof(double);
    const double *demand = rule == CS_VAL_SERVED && cols == m->n_demands ? m->demand : NULL;
    size_t i = 0, j = 0;
    if (cs_values_ok(rule, buf, (size_t)k, cols, demand, &i, &j)) return CS_OK;
    return cs_values_error(err, p->path, it->name, rule, cs_values_at(buf, i * cols + j), first + i,
                           j, cols, where, demand);
}

/* The output's demand_scaled_tbps (m->demand) and its /baseline, copied from the first part
 * (path): their values are checked (values.h) before anything else is copied. */
static cs_status check_frame(merge_out *m, const char *path, cs_error *err)
{
    cs_status rc = CS_OK;
    const hid_t d = H5Dopen2(m->file, "/topology/demands", H5P_DEFAULT);
    const hid_t s = d >= 0 ? H5Dget_space(d) : H5I_INVALID_HID;
    const hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(double));
    const hssize_t n = s >= 0 ? H5Sget_simple_extent_npoints(s) : -1;
    if (n >= 0) m->demand = malloc(((size_t)n + 1) * sizeof(double));
    if (n < 0 || t < 0 || m->demand == NULL ||
        H5Tinsert(t, "demand_scaled_tbps", 0, H5T_NATIVE_DOUBLE) < 0 ||
        H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, m->demand) < 0)
        rc = cs_h5_err(err, CS_EIO, path, "read dataset", "/topology/demands");
    m->n_demands = n > 0 ? (size_t)n : 0;
    if (t >= 0) H5Tclose(t);
    if (s >= 0) H5Sclose(s);
    if (d >= 0) H5Dclose(d);
    for (int b = CS_DS_BASE_SERVED; b <= CS_DS_BASE_HELD && !rc; b++) {
        const char *name = cs_results_dataset((cs_dataset_id)b)->path;
        if (H5Lexists(m->file, name, H5P_DEFAULT) <= 0) continue; /* the reader says what */
        const hid_t v = H5Dopen2(m->file, name, H5P_DEFAULT);
        const hid_t vs = v >= 0 ? H5Dget_space(v) : H5I_INVALID_HID;
        const hssize_t k = vs >= 0 ? H5Sget_simple_extent_npoints(vs) : -1;
        double *x = k >= 0 ? malloc(((size_t)k + 1) * sizeof *x) : NULL;
        if (x == NULL || H5Dread(v, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, x) < 0)
            rc = cs_h5_err(err, CS_EIO, path, "read dataset", name);
        size_t i = 0, j = 0;
        const cs_value_rule rule = cs_values_rule((cs_dataset_id)b);
        const double *dem = (size_t)k == m->n_demands ? m->demand : NULL;
        if (!rc && !cs_values_ok(rule, x, 1, (size_t)k, dem, &i, &j))
            rc = cs_values_error(err, path, name, rule, x[j], j, j, 1, NULL, dem);
        free(x);
        if (vs >= 0) H5Sclose(vs);
        if (v >= 0) H5Dclose(v);
    }
    return rc;
}

/* Appends the count rows of src (a trial dataset or a values list) to it, a slice at a time. */
static cs_status copy_rows(merge_out *m, fill_item *it, hid_t src, hsize_t count,
                           const part_info *p, cs_error *err)
{
    const hsize_t at = it->dims[0];
    cs_status rc = extend(m, it, at + count, err);
    if (rc || it->row_bytes == 0) return rc; /* no columns: nothing to copy */
    /* Slices end on the output's chunk boundaries, so that most writes fill whole chunks. */
    const hsize_t cr = it->chunk_rows, want = m->buffer / it->row_bytes / cr * cr;
    const hsize_t step = want > cr ? want : cr; /* buf holds a chunk */
    rc = buf_room(m, (size_t)(step < count ? step : count) * it->row_bytes, err);
    for (hsize_t done = 0, k = 0; done < count && !rc; done += k) {
        const hsize_t end = (at + done + step) / cr * cr;
        k = (end < at + count ? end : at + count) - (at + done);
        if (slice_io(src, false, it->type, it, done, k, m->buf) < 0)
            rc = cs_h5_err(err, CS_EIO, p->path, "read dataset", it->name);
        /* The indices in a list (packed little-endian, as in the file) must be in range. */
        else if (it->kind == ROWS_VALUES &&
                 cs_commit_check_values(it->id, m->buf, (size_t)k, m->dim, m->version, p->path,
                                        done, err))
            rc = err->code;
        /* and the other members of its records (values.h) */
        else if (it->kind == ROWS_VALUES &&
                 (rc = cs_values_records_check(err, p->path, it->id, it->name, m->buf, (size_t)k,
                                               m->version, done)) != CS_OK)
            break;
        else if (it->kind == ROWS_TRIAL &&
                 (rc = check_slice(m, it, m->buf, k, done, p, NULL, err)) != CS_OK)
            break;
        else if (slice_io(it->dset, true, it->type, it, at + done, k, m->buf) < 0)
            rc = cs_h5_err(err, CS_EHDF5, m->path, "write dataset", it->name);
    }
    return rc;
}

/* The length of the part's copy of values list v. */
static cs_status values_length(hid_t pf, const fill_item *v, const part_info *p, uint64_t *len,
                               cs_error *err)
{
    const hid_t d = H5Dopen2(pf, v->name, H5P_DEFAULT);
    const hid_t s = d >= 0 ? H5Dget_space(d) : H5I_INVALID_HID;
    hsize_t dims[H5S_MAX_RANK] = {0};
    const int rank = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
    if (rank > 0) H5Sget_simple_extent_dims(s, dims, NULL);
    const cs_status rc =
        rank < 1 ? cs_h5_err(err, CS_EIO, p->path, "read the shape of", v->name) : CS_OK;
    if (s >= 0) H5Sclose(s);
    if (d >= 0) H5Dclose(d);
    *len = dims[0];
    return rc;
}

/* Checks a slice of a part's offsets (from index s) and shifts them by base; *prev is the offset
 * before the slice. Offsets start at 0, do not decrease and stay within the values (len). */
static cs_status shift_offsets(uint64_t *o, hsize_t s, hsize_t k, uint64_t base, uint64_t len,
                               uint64_t *prev, const fill_item *it, const part_info *p,
                               cs_error *err)
{
    for (hsize_t j = 0; j < k; j++) {
        const uint64_t lo = s + j == 0 ? 0 : *prev, hi = s + j == 0 ? 0 : len;
        if (o[j] < lo || o[j] > hi)
            return cs_errorf(err, CS_EINVAL,
                             "%s: dataset %s: element %" PRIu64 ": expected an offset in %" PRIu64
                             "..%" PRIu64 " (offsets start at 0, do not decrease and stay within "
                             "the %" PRIu64 " values), found %" PRIu64,
                             p->path, it->name, (uint64_t)(s + j), lo, hi, len, o[j]);
        *prev = o[j];
        o[j] += base;
    }
    return CS_OK;
}

/* Appends the part's CSR offsets src to it, shifted by the values the output already holds. */
static cs_status copy_offsets(merge_out *m, fill_item *it, hid_t src, hid_t pf, const part_info *p,
                              cs_error *err)
{
    const fill_item *v = &m->items[it->values];
    const uint64_t base = v->at_start; /* values in the output before this part's */
    uint64_t len = 0, prev = 0;
    cs_status rc = values_length(pf, v, p, &len, err);
    const hsize_t at = it->dims[0]; /* the output's last offset, element at - 1, is base */
    if (!rc) rc = extend(m, it, at + p->n, err);
    const hsize_t want = m->buffer / sizeof(uint64_t),
                  least = it->chunk_rows > 2 ? it->chunk_rows : 2;
    const hsize_t step = want > least ? want : least; /* buf holds a chunk and two offsets */
    if (!rc) rc = buf_room(m, (size_t)(step < p->n + 1 ? step : p->n + 1) * sizeof(uint64_t), err);
    uint64_t *o = (uint64_t *)(void *)m->buf;
    for (hsize_t s = 0; s <= p->n && !rc; s += step) {
        const hsize_t k = p->n + 1 - s < step ? p->n + 1 - s : step;
        const hsize_t skip = s == 0; /* element 0 is the output's last offset already */
        if (slice_io(src, false, H5T_NATIVE_UINT64, it, s, k, o) < 0)
            rc = cs_h5_err(err, CS_EIO, p->path, "read dataset", it->name);
        if (!rc) rc = shift_offsets(o, s, k, base, len, &prev, it, p, err);
        if (!rc && k > skip &&
            slice_io(it->dset, true, H5T_NATIVE_UINT64, it, at - 1 + s + skip, k - skip, o + skip) <
                0)
            rc = cs_h5_err(err, CS_EHDF5, m->path, "write dataset", it->name);
    }
    if (!rc && prev != len)
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: dataset %s: expected the last offset to be the length of %s, %" PRIu64
                       ", found %" PRIu64,
                       p->path, it->name, v->name, len, prev);
    return rc;
}

/* ----------------------------------------------------------- outcomes */

/* The outcome tables of part p (open as pf): each outcome the output does not have yet is
 * appended to it (in the part's order, the order of first trials), and map[k] receives the
 * output's number of the part's outcome k (*nmap of them). Their keys hash the rows of the
 * tables in schema order, as the writer's (outcomes.h). */
static cs_status merge_outcomes(merge_out *m, hid_t pf, const part_info *p, uint32_t **map,
                                uint64_t *nmap, cs_error *err)
{
    size_t order[CS_DS_COUNT], no = 0, row_bytes = 0;
    for (int d = 0; d < CS_DS_COUNT; d++) /* the tables, in schema order */
        for (size_t i = 0; i < m->n; i++)
            if (m->items[i].kind == ROWS_OUTCOME && (int)m->items[i].id == d) {
                order[no++] = i;
                row_bytes += m->items[i].row_bytes;
            }
    hid_t src[CS_DS_COUNT];
    hsize_t rows = UINT64_MAX;
    cs_status rc = CS_OK;
    for (size_t k = 0; k < no; k++)
        src[k] = H5I_INVALID_HID;
    for (size_t k = 0; k < no && !rc; k++) {
        fill_item *it = &m->items[order[k]];
        rc = cs_dict_open(pf, it->name, H5P_DEFAULT, &src[k], p->path, err);
        if (!rc) rc = check_source(it, src[k], p, &rows, err);
    }
    *nmap = no > 0 ? rows : 0;
    *map = malloc((*nmap + 1) * sizeof **map);
    uint64_t step = m->buf_bytes / (row_bytes + 1) + 1;
    if (step > *nmap) step = *nmap > 0 ? *nmap : 1; /* no more than the table has */
    unsigned char *buf = malloc((size_t)step * (row_bytes + 1));
    if (!rc && (*map == NULL || buf == NULL)) rc = cs_errorf(err, CS_ENOMEM, "out of memory");
    for (uint64_t at = 0; at < *nmap && !rc; at += step) {
        const uint64_t k = *nmap - at < step ? *nmap - at : step;
        unsigned char *part[CS_DS_COUNT]; /* table j's k rows */
        size_t off = 0;
        for (size_t j = 0; j < no && !rc; j++) {
            fill_item *it = &m->items[order[j]];
            part[j] = buf + off * k;
            off += it->row_bytes;
            if (it->row_bytes > 0 && slice_io(src[j], false, it->type, it, at, k, part[j]) < 0)
                rc = cs_h5_err(err, CS_EIO, p->path, "read dataset", it->name);
            else if (it->row_bytes > 0)
                rc = check_slice(m, it, part[j], k, at, p, "an outcome of the part", err);
        }
        uint64_t fresh = 0; /* new outcomes, packed at the start of each table's rows */
        for (uint64_t i = 0; i < k && !rc; i++) {
            cs_ohash h;
            cs_ohash_begin(&h);
            for (size_t j = 0; j < no; j++) {
                const size_t b = m->items[order[j]].row_bytes;
                cs_ohash_add(&h, part[j] + i * b, b);
            }
            const cs_okey key = cs_ohash_end(&h);
            uint32_t id = cs_omap_find(&m->omap, key);
            if (id == UINT32_MAX) {
                if (!cs_omap_add(&m->omap, key)) rc = cs_errorf(err, CS_ENOMEM, "out of memory");
                id = (uint32_t)(m->omap.n - 1);
                for (size_t j = 0; j < no; j++) {
                    const size_t b = m->items[order[j]].row_bytes;
                    memmove(part[j] + fresh * b, part[j] + i * b, b);
                }
                fresh++;
            }
            (*map)[at + i] = id;
        }
        for (size_t j = 0; j < no && !rc && fresh > 0; j++) {
            fill_item *it = &m->items[order[j]];
            const hsize_t end = it->dims[0];
            rc = extend(m, it, end + fresh, err);
            if (!rc && it->row_bytes > 0 &&
                slice_io(it->dset, true, it->type, it, end, fresh, part[j]) < 0)
                rc = cs_h5_err(err, CS_EHDF5, m->path, "write dataset", it->name);
        }
    }
    for (size_t k = 0; k < no; k++)
        if (src[k] >= 0) H5Dclose(src[k]);
    free(buf);
    return rc;
}

/* Appends the part's /trials/outcome to it, each outcome renumbered by map (nmap outcomes). */
static cs_status copy_outcome_ids(merge_out *m, fill_item *it, hid_t src, const part_info *p,
                                  const uint32_t *map, uint64_t nmap, cs_error *err)
{
    const hsize_t at = it->dims[0];
    cs_status rc = extend(m, it, at + p->n, err);
    const hsize_t step = m->buf_bytes / sizeof(uint32_t);
    if (!rc) rc = buf_room(m, (size_t)(step < p->n ? step : p->n) * sizeof(uint32_t), err);
    uint32_t *v = (uint32_t *)(void *)m->buf;
    for (hsize_t s = 0; s < p->n && !rc; s += step) {
        const hsize_t k = p->n - s < step ? p->n - s : step;
        if (slice_io(src, false, H5T_NATIVE_UINT32, it, s, k, v) < 0)
            rc = cs_h5_err(err, CS_EIO, p->path, "read dataset", it->name);
        for (hsize_t j = 0; j < k && !rc; j++) {
            if (v[j] >= nmap)
                rc = cs_errorf(err, CS_EINVAL,
                               "%s: dataset %s: element %" PRIu64
                               ": expected an outcome below %" PRIu64
                               " (the rows of /outcomes), found %" PRIu32,
                               p->path, it->name, (uint64_t)(s + j), nmap, v[j]);
            else
                v[j] = map[v[j]];
        }
        if (!rc && slice_io(it->dset, true, H5T_NATIVE_UINT32, it, at + s, k, v) < 0)
            rc = cs_h5_err(err, CS_EHDF5, m->path, "write dataset", it->name);
    }
    return rc;
}

/* Appends part p (open as pf) to every item of the output. */
static cs_status fill_part(merge_out *m, hid_t pf, const part_info *p, cs_error *err)
{
    cs_status rc = same_datasets(m, pf, p, err);
    for (size_t i = 0; i < m->n; i++)
        m->items[i].at_start = m->items[i].dims[0];
    uint32_t *map = NULL; /* format 2: the part's outcomes in the output */
    uint64_t nmap = 0;
    if (!rc && m->version >= CS_FORMAT_V2) rc = merge_outcomes(m, pf, p, &map, &nmap, err);
    for (size_t i = 0; i < m->n && !rc; i++) {
        fill_item *it = &m->items[i];
        if (it->kind == ROWS_OUTCOME) continue; /* done */
        const hid_t src = H5Dopen2(pf, it->name, H5P_DEFAULT);
        if (src < 0) {
            rc = cs_h5_err(err, CS_EIO, p->path, "open dataset", it->name);
            break;
        }
        hsize_t rows = 0;
        rc = check_source(it, src, p, &rows, err);
        if (!rc && it->kind == ROWS_OFFSETS) rc = copy_offsets(m, it, src, pf, p, err);
        if (!rc && it->id == CS_DS_OUTCOME)
            rc = copy_outcome_ids(m, it, src, p, map, nmap, err);
        else if (!rc && it->kind != ROWS_OFFSETS)
            rc = copy_rows(m, it, src, rows, p, err);
        H5Dclose(src);
    }
    free(map);
    return rc;
}

/* Fills the output file tmp (named out in messages) from the parts, in trial order. */
/* The commit record of the merged file (commit.h): every trial, every list whole. */
static cs_status write_commit(const merge_out *m, uint64_t trials, cs_error *err)
{
    uint64_t len[CS_DS_COUNT] = {0};
    bool has[CS_DS_COUNT] = {false};
    for (size_t i = 0; i < m->n; i++) { /* the lists and outcome tables */
        has[m->items[i].id] = m->items[i].kind == ROWS_VALUES || m->items[i].kind == ROWS_OUTCOME;
        len[m->items[i].id] = m->items[i].dims[0];
    }
    cs_status rc = cs_commit_write(m->file, m->path, trials, len, has, true, err);
    if (!rc) rc = cs_commit_set_writing(m->file, m->path, false, err);
    return rc;
}

static cs_status fill(const char *tmp, const char *out, const part_info *const *sorted, size_t n,
                      size_t buffer, cs_error *err)
{
    merge_out m = {.path = out, .file = H5I_INVALID_HID, .version = sorted[0]->version};
    cs_omap_init(&m.omap);
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    /* The bounds the writer uses (writer.c): appends stay in the 1.10 format. */
    if (fapl >= 0 && H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_LATEST) >= 0)
        m.file = H5Fopen(tmp, H5F_ACC_RDWR, fapl);
    if (fapl >= 0) H5Pclose(fapl);
    if (m.file < 0) return cs_h5_err(err, CS_EHDF5, out, "reopen", tmp);
    cs_status rc = plan_fill(&m, buffer, err);
    if (!rc) rc = check_frame(&m, sorted[0]->path, err);
    for (size_t i = 0; i < n && !rc; i++) {
        const hid_t pf = H5Fopen(sorted[i]->path, H5F_ACC_RDONLY, H5P_DEFAULT);
        if (pf < 0) {
            rc = cs_h5_err(err, CS_EIO, sorted[i]->path, "open", "the file");
            break;
        }
        rc = fill_part(&m, pf, sorted[i], err);
        H5Fclose(pf);
    }
    if (!rc) rc = cs_merge_check_static(sorted, n, err);
    if (!rc) rc = write_commit(&m, sorted[0]->trials, err);
    if (!rc) rc = cs_h5_mark_complete(m.file, out, err);
    const hid_t f = m.file;
    m.file = H5I_INVALID_HID;
    out_close(&m);
    if (H5Fclose(f) < 0 && !rc) rc = cs_h5_err(err, CS_EHDF5, out, "close", "the file");
    return rc;
}

/* ------------------------------------------------------------- output */

/* The root attributes a part has and the merged file has not, or has its own of. */
static const char *const part_only[] = {"part_first_trial", "part_trials", "complete",
                                        "created",          "committed",   "committed_lists",
                                        "writing",          NULL};

/* Creates per-trial dataset s of the output f empty, as the part's copy src is made. */
static cs_status create_empty(hid_t f, hid_t src, const cs_dataset_schema *s, const char *path,
                              const char *out, const char *part, cs_error *err)
{
    const hid_t type = H5Dget_type(src), space = H5Dget_space(src), dcpl = H5Dget_create_plist(src);
    hsize_t dims[H5S_MAX_RANK] = {0}, maxdims[H5S_MAX_RANK] = {0};
    const int rank = space >= 0 ? H5Sget_simple_extent_dims(space, dims, maxdims) : -1;
    cs_status rc = type < 0 || rank < 1 || dcpl < 0
                       ? cs_h5_err(err, CS_EIO, part, "read the layout of", path)
                       : CS_OK;
    hid_t d = H5I_INVALID_HID, empty = H5I_INVALID_HID;
    if (rc == CS_OK) {
        dims[0] = s->rows == CS_ROWS_OFFSETS ? 1 : 0;
        empty = H5Screate_simple(rank, dims, maxdims);
        d = empty >= 0 ? H5Dcreate2(f, path, type, empty, H5P_DEFAULT, dcpl, H5P_DEFAULT)
                       : H5I_INVALID_HID;
        if (d < 0) rc = cs_h5_err(err, CS_EHDF5, out, "create dataset", path);
    }
    if (rc == CS_OK) rc = cs_h5_copy_attrs_from(src, part, d, NULL, out, path, err);
    /* The CSR offsets start with 0: trial 0's list begins at element 0. */
    const uint64_t zero = 0;
    if (rc == CS_OK && s->rows == CS_ROWS_OFFSETS &&
        H5Dwrite(d, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, &zero) < 0)
        rc = cs_h5_err(err, CS_EHDF5, out, "write dataset", path);
    if (d >= 0) H5Dclose(d);
    if (empty >= 0) H5Sclose(empty);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    if (type >= 0) H5Tclose(type);
    return rc;
}

/* The groups of the schema the part pf has, made in f with the part's attributes. */
static cs_status copy_groups(hid_t f, hid_t pf, const char *out, const char *part, cs_error *err)
{
    size_t ng = 0;
    const cs_group_schema *g = cs_results_groups(&ng);
    cs_status rc = CS_OK;
    const hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (gcpl < 0 || H5Pset_obj_track_times(gcpl, false) < 0)
        rc = cs_h5_err(err, CS_EHDF5, out, "set up the groups of", "the file");
    for (size_t i = 0; i < ng && rc == CS_OK; i++) {
        bool has = false;
        rc = cs_h5_lookup(pf, part, g[i].path, &has, err);
        if (rc != CS_OK || !has) continue;
        const hid_t src = H5Gopen2(pf, g[i].path, H5P_DEFAULT);
        const hid_t dst = H5Gcreate2(f, g[i].path, H5P_DEFAULT, gcpl, H5P_DEFAULT);
        if (src < 0) rc = cs_h5_err(err, CS_EIO, part, "open group", g[i].path);
        if (rc == CS_OK && dst < 0) rc = cs_h5_err(err, CS_EHDF5, out, "create group", g[i].path);
        if (rc == CS_OK) rc = cs_h5_copy_attrs_from(src, part, dst, NULL, out, g[i].path, err);
        if (dst >= 0) H5Gclose(dst);
        if (src >= 0) H5Gclose(src);
    }
    if (gcpl >= 0) H5Pclose(gcpl);
    return rc;
}

/* Reads static dataset path of part pf whole: damage to it is the part's (CS_EINVAL naming the
 * part), not a failure to write the output. */
static cs_status readable(hid_t pf, const char *part, const char *path, cs_error *err)
{
    const hid_t d = H5Dopen2(pf, path, H5P_DEFAULT);
    if (d < 0) return cs_h5_err(err, CS_EINVAL, part, "open the damaged dataset", path);
    const hid_t ft = H5Dget_type(d), sp = H5Dget_space(d);
    const hid_t mt = ft >= 0 ? H5Tget_native_type(ft, H5T_DIR_ASCEND) : H5I_INVALID_HID;
    const hssize_t n = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
    const size_t size = mt >= 0 ? H5Tget_size(mt) : 0;
    void *buf = n >= 0 && size > 0 ? calloc((size_t)n + 1, size) : NULL;
    cs_status rc = CS_OK;
    if (buf == NULL && n >= 0 && size > 0)
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", part);
    else if (buf == NULL || H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        rc = cs_h5_err(err, CS_EINVAL, part, "read the damaged dataset", path);
    else if (H5Tdetect_class(mt, H5T_VLEN) > 0 || H5Tdetect_class(mt, H5T_STRING) > 0)
        H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, buf);
    free(buf);
    if (mt >= 0) H5Tclose(mt);
    if (ft >= 0) H5Tclose(ft);
    if (sp >= 0) H5Sclose(sp);
    H5Dclose(d);
    return rc;
}

/* Everything of the part pf but its trials, into f: attributes, groups, static datasets, empty
 * per-trial datasets. */
static cs_status copy_frame(hid_t f, hid_t pf, const char *out, const char *part, int version,
                            cs_error *err)
{
    cs_status rc = cs_h5_copy_attrs_from(pf, part, f, part_only, out, "/", err);
    /* The inputs' paths relative to the results file start from the output's directory. */
    if (rc == CS_OK) rc = cs_rw_rebase_input_paths(f, out, pf, part, err);
    char stamp[32];
    cs_h5_now_utc(stamp);
    const uint8_t zero = 0;
    if (rc == CS_OK) rc = cs_h5_put_str_attr(out, f, "/", "created", stamp, err);
    if (rc == CS_OK)
        rc = cs_h5_put_attr(out, f, "/", "complete", H5T_STD_U8LE, H5T_NATIVE_UINT8, &zero, err);
    if (rc == CS_OK) rc = copy_groups(f, pf, out, part, err);
    const cs_dataset_schema *t = cs_results_schema();
    for (int d = 0; d < CS_DS_COUNT && rc == CS_OK; d++) {
        const char *path = cs_schema_path(&t[d], version);
        bool has = false;
        rc = cs_h5_lookup(pf, part, path, &has, err);
        if (rc != CS_OK || !has) continue;
        if (t[d].rows == CS_ROWS_STATIC) {
            rc = readable(pf, part, path, err);
            if (rc == CS_OK && H5Ocopy(pf, path, f, path, H5P_DEFAULT, H5P_DEFAULT) < 0)
                rc = cs_h5_err(err, CS_EHDF5, out, "copy dataset", path);
            continue;
        }
        hid_t src = H5I_INVALID_HID;
        rc = cs_dict_open(pf, path, H5P_DEFAULT, &src, part, err); /* format 4: decoded */
        if (rc == CS_OK) rc = create_empty(f, src, &t[d], path, out, part, err);
        if (src >= 0) H5Dclose(src);
    }
    return rc;
}

/*
 * Creates the output at path from the first part p, left with complete = 0 and no trials. The
 * frame is made in memory (HDF5's core driver) and written to path when the file is closed:
 * HDF5 1.10's H5Ocopy, writing a static table straight to a file whose disk is full, crashed in
 * its own clean-up (a segmentation fault in H5T_close_real, merge into a 4 or 12 KiB tmpfs);
 * a failed write of the close is reported as any other (exit 1, one line).
 */
static cs_status create_output(const char *path, const char *out, const part_info *p, cs_error *err)
{
    /* Made here first, for the system's reason when it cannot be (HDF5's core driver names
     * none): a full disk (no inode left) is exit 1, a read-only or missing directory 2. */
    const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0)
        return cs_errorf(err, cs_create_status(errno, CS_EIO), "%s: cannot create %s: %s", out,
                         path, strerror(errno));
    close(fd);
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t f = H5I_INVALID_HID;
    /* The bounds the writer uses (writer.c): appends stay in the 1.10 format. */
    const hid_t fcpl = cs_h5_plain_fcpl();
    if (fapl >= 0 && fcpl >= 0 &&
        H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_LATEST) >= 0 &&
        H5Pset_fapl_core(fapl, (size_t)64 << 10, true) >= 0 &&
        H5Pset_core_write_tracking(fapl, true, (size_t)4 << 10) >= 0)
        f = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, fapl);
    /* The reason first: H5Pclose clears HDF5's error stack (a full disk: exit 1, not 2). */
    const cs_status made = f < 0 ? cs_h5_err(err, CS_EIO, out, "create", path) : CS_OK;
    if (fapl >= 0) H5Pclose(fapl);
    if (fcpl >= 0) H5Pclose(fcpl);
    if (made != CS_OK) return made;
    const hid_t pf = H5Fopen(p->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    cs_status rc = pf < 0 ? cs_h5_err(err, CS_EIO, p->path, "open", "the file")
                          : copy_frame(f, pf, out, p->path, p->version, err);
    if (pf >= 0) H5Fclose(pf);
    if (H5Fclose(f) < 0 && rc == CS_OK) rc = cs_h5_err(err, CS_EHDF5, out, "close", path);
    return rc;
}

cs_status cs_results_merge(const char *out, const char *const *paths, size_t n, size_t buffer,
                           uint64_t *trials, uint64_t *seed, cs_error *err)
{
    *trials = *seed = 0;
    if (n == 0 || buffer == 0)
        return cs_errorf(err, CS_EINVAL, "%s: expected at least one part and a buffer of 1 byte",
                         out);
    cs_status rc = cs_h5_quiet(out, err);
    if (rc) return rc;
    part_info *parts = calloc(n, sizeof *parts);
    const part_info **sorted = calloc(n, sizeof *sorted);
    char tmp[4096];
    if (parts == NULL || sorted == NULL)
        rc = cs_errorf(err, CS_ENOMEM, "out of memory");
    else if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp-%ld", out, (long)getpid()) >= sizeof tmp)
        rc = cs_errorf(err, CS_EINVAL, "%s: expected a shorter file name", out);
    if (!rc) rc = cs_merge_check_parts(parts, sorted, out, paths, n, err);
    if (!rc) rc = cs_file_check_replace(out, paths, n, err);
    if (!rc) {
        rc = create_output(tmp, out, &parts[0], err);
        if (!rc) rc = fill(tmp, out, sorted, n, buffer, err);
        bool compacted = false;
        if (!rc) rc = cs_results_compact(tmp, &compacted, err);
        if (!rc && rename(tmp, out) != 0)
            rc =
                cs_errorf(err, CS_EIO, "%s: cannot rename %s to it: %s", out, tmp, strerror(errno));
        if (rc) remove(tmp);
    }
    if (!rc) {
        *trials = parts[0].trials;
        *seed = parts[0].seed;
    }
    for (size_t i = 0; parts != NULL && i < n; i++)
        cs_merge_part_destroy(&parts[i]);
    free(parts);
    free(sorted);
    return rc;
}
