/*
 * dictionary.c: the dictionary tables of format 4 (dictionary.h; docs/hdf5-schema.md,
 * "Dictionary tables"): written from a dense outcome table by the compaction of a complete file;
 * read lazily (cs_dict_table: the values at the first read, the index a chunk at a time as rows
 * are asked for), or decoded whole into a dense table in memory for merge (cs_dict_open).
 */
#define _DEFAULT_SOURCE /* madvise(MADV_HUGEPAGE) */
#include <assert.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "results/dictionary.h"
#include "results/h5util.h"

/* Bytes of an index chunk (whole rows), as the dense tables' (writer.c). */
enum { INDEX_CHUNK_BYTES = 32 << 10, VALUES_CHUNK = 4096 };

bool cs_dict_is_table(hid_t f, const char *path)
{
    if (!cs_h5_exists(f, path)) return false;
    H5O_info_t info;
    if (H5Oget_info_by_name(f, path, &info, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_GROUP)
        return false;
    return H5Aexists_by_name(f, path, "encoding", H5P_DEFAULT) > 0;
}

/* A 64-bit mix (MurmurHash3's finaliser) of a value's bits, for the hash of distinct values. */
static uint64_t mix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    return k ^ (k >> 33);
}

static uint64_t bits_of(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return b;
}

/* The distinct values (told apart by their bits) of the column col[0..n-1], in the order of
 * their first row, into vals; where[o] receives row o's place among them. slots (cap, a power of
 * 2 of at least 2n, zeroed) is the scratch hash, left zeroed: the slots taken are noted in used
 * (n) and cleared at the end, not the whole hash for every column. \return the column's count. */
static uint32_t column_values(const double *col, size_t n, double *vals, uint32_t *where,
                              uint32_t *slots, size_t cap, size_t *used)
{
    uint32_t count = 0;
    for (size_t o = 0; o < n; o++) {
        const uint64_t b = bits_of(col[o]);
        size_t h = (size_t)mix(b) & (cap - 1);
        while (slots[h] != 0 && bits_of(vals[slots[h] - 1]) != b)
            h = (h + 1) & (cap - 1);
        if (slots[h] == 0) {
            vals[count] = col[o];
            used[count] = h;
            slots[h] = ++count;
        }
        where[o] = slots[h] - 1;
    }
    for (uint32_t i = 0; i < count; i++)
        slots[used[i]] = 0;
    return count;
}

/* Columns at a time: copied out of the row-major table into contiguous columns (the table is
 * tens of MB: a column read in place misses the cache at every row). */
enum { BLOCK_COLUMNS = 32 };

/* A chunked dataset name of dst: rank 1 or 2 (dims, the first axis extensible), file type ft,
 * chunks of chunk rows, deflate level (0: none), shuffled or not, Fletcher32; written whole from
 * buf (memory type mt) with its units and description. */
static cs_status put_dataset(hid_t dst, const char *name, int rank, const hsize_t *dims,
                             hsize_t chunk, hid_t ft, hid_t mt, unsigned level, bool shuffle,
                             const void *buf, const char *units, const char *description,
                             const char *file, cs_error *err)
{
    const hsize_t maxdims[2] = {H5S_UNLIMITED, rank == 2 ? dims[1] : 0};
    const hsize_t cdims[2] = {chunk, rank == 2 ? dims[1] : 0};
    const hid_t space = H5Screate_simple(rank, dims, maxdims), dcpl = cs_h5_plain_dcpl();
    hid_t d = H5I_INVALID_HID;
    if (space >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, rank, cdims) >= 0 &&
        (!shuffle || level == 0 || H5Pset_shuffle(dcpl) >= 0) &&
        (level == 0 || H5Pset_deflate(dcpl, level) >= 0) && H5Pset_fletcher32(dcpl) >= 0)
        d = H5Dcreate2(dst, name, ft, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    cs_status rc = d < 0 ? cs_h5_err(err, CS_EHDF5, file, "create dataset", name) : CS_OK;
    if (rc == CS_OK && dims[0] > 0 && H5Dwrite(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        rc = cs_h5_err(err, CS_EHDF5, file, "write dataset", name);
    if (rc == CS_OK) rc = cs_h5_put_doc(file, d, name, units, description, err);
    if (d >= 0) H5Dclose(d);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    return rc;
}

/* Bytes of a slab of kept rows (and their alignment): a huge page of x86-64. */
#define SLAB_BYTES ((size_t)2 << 20)

/*
 * bytes of memory, or NULL; from SLAB_BYTES up in whole huge pages where the system gives them
 * (transparent huge pages, `madvise` mode): a page fault per 2 MiB instead of per 4 KiB. Page
 * faults are what fresh memory costs: on the 2-core VM of bench/README.md 2.9 ms per MB of 4 KiB
 * pages against 0.6 ms in huge pages. Freed with free().
 */
static void *big_alloc(size_t bytes)
{
    if (bytes < SLAB_BYTES) return malloc(bytes > 0 ? bytes : 1);
    const size_t whole = (bytes + SLAB_BYTES - 1) / SLAB_BYTES * SLAB_BYTES;
    void *p = whole >= bytes ? aligned_alloc(SLAB_BYTES, whole) : NULL;
#ifdef MADV_HUGEPAGE
    if (p != NULL) (void)madvise(p, whole, MADV_HUGEPAGE); /* a hint: no harm when refused */
#endif
    return p;
}

cs_results_tables *cs_dict_keep_new(const size_t cols[CS_DS_COUNT])
{
    cs_results_tables *t = calloc(1, sizeof *t);
    if (t == NULL) return NULL;
    memcpy(t->cols, cols, sizeof t->cols);
    for (int d = 0; d < CS_DS_COUNT; d++) {
        const size_t row = cols[d] * sizeof(double);
        t->per_slab[d] = row > 0 && row < SLAB_BYTES ? SLAB_BYTES / row : 1;
    }
    t->max = CS_RESULTS_KEEP_MAX;
    return t;
}

/* A new slab for table d of t, or NULL (out of memory, past t->max). */
static double *new_slab(cs_results_tables *t, int d)
{
    const size_t row = t->cols[d] * sizeof(double);
    if (t->per_slab[d] > SIZE_MAX / row) return NULL;
    const size_t used = t->per_slab[d] * row;
    const size_t bytes = (used + SLAB_BYTES - 1) / SLAB_BYTES * SLAB_BYTES;
    if (bytes < used || t->bytes + bytes > t->max) return NULL;
    if (t->nslab[d] == t->slab_cap[d]) {
        const size_t cap = t->slab_cap[d] > 0 ? 2 * t->slab_cap[d] : 16;
        double **p = realloc(t->slab[d], cap * sizeof *p);
        if (p == NULL) return NULL;
        t->slab[d] = p;
        t->slab_cap[d] = cap;
    }
    double *p = big_alloc(bytes);
    if (p == NULL) return NULL;
    t->bytes += bytes;
    t->slab[d][t->nslab[d]++] = p;
    return p;
}

bool cs_dict_keep_add(cs_results_tables *t, int d, const void *rows, size_t n)
{
    const size_t m = t->cols[d], per = t->per_slab[d];
    const double *from = rows;
    while (m > 0 && n > 0) {
        const size_t at = t->len[d] % per;
        if (at == 0 && t->len[d] / per == t->nslab[d] && new_slab(t, d) == NULL) return false;
        const size_t k = per - at < n ? per - at : n;
        memcpy(t->slab[d][t->len[d] / per] + at * m, from, k * m * sizeof *from);
        from += k * m;
        t->len[d] += k;
        n -= k;
    }
    return true;
}

int cs_dict_kept(const cs_results_tables *t, const char *path, size_t n, size_t m)
{
    cs_dataset_id d;
    if (t == NULL || cs_results_dataset_find(path, &d) == NULL) return -1;
    return t->cols[d] > 0 && t->len[d] == n && t->cols[d] == m ? (int)d : -1;
}

void cs_results_tables_free(cs_results_tables *t)
{
    if (t == NULL) return;
    for (int d = 0; d < CS_DS_COUNT; d++) {
        for (size_t i = 0; i < t->nslab[d]; i++)
            free(t->slab[d][i]);
        free(t->slab[d]);
    }
    free(t);
}

unsigned cs_dict_deflate_level(hid_t f, const char *path)
{
    const hid_t d = cs_h5_exists(f, path) ? H5Dopen2(f, path, H5P_DEFAULT) : H5I_INVALID_HID;
    const hid_t dcpl = d >= 0 ? H5Dget_create_plist(d) : H5I_INVALID_HID;
    unsigned flags = 0, level = 0;
    size_t n = 1;
    if (dcpl >= 0 &&
        H5Pget_filter_by_id2(dcpl, H5Z_FILTER_DEFLATE, &flags, &n, &level, 0, NULL, NULL) < 0)
        level = 0;
    if (dcpl >= 0) H5Pclose(dcpl);
    if (d >= 0) H5Dclose(d);
    return level;
}

/* The rank and dimensions of dataset d (at most 2); -1 when unreadable. */
static int shape_of(hid_t d, hsize_t dims[2])
{
    const hid_t s = H5Dget_space(d);
    const int rank = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
    dims[0] = dims[1] = 0;
    if (rank >= 1 && rank <= 2) H5Sget_simple_extent_dims(s, dims, NULL);
    if (s >= 0) H5Sclose(s);
    return rank >= 1 && rank <= 2 ? rank : -1;
}

cs_status cs_dict_write(hid_t src, hid_t dst, const char *name, unsigned level,
                        const cs_results_tables *kept, int table, const char *file, cs_error *err)
{
    hsize_t dims[2];
    if (shape_of(src, dims) != 2)
        return cs_errorf(err, CS_EINVAL, "%s: %s: expected a table", file, name);
    const size_t n = (size_t)dims[0], m = (size_t)dims[1];
    size_t cap = 16;
    while (cap < 2 * n)
        cap *= 2;
    double *read = table < 0 ? big_alloc(n * m * sizeof *read) : NULL;
    const double **row = malloc(n * sizeof *row + 1); /* row o of the table */
    double *vals = big_alloc(n * m * sizeof *vals);
    uint32_t *idx = big_alloc(n * m * sizeof *idx), *slots = calloc(cap, sizeof *slots);
    uint64_t *off = malloc((m + 1) * sizeof *off);
    cs_status rc = (table >= 0 || read) && row && vals && idx && slots && off
                       ? CS_OK
                       : cs_errorf(err, CS_ENOMEM, "%s: out of memory for table %s", file, name);
    if (rc == CS_OK && read != NULL && n * m > 0 &&
        H5Dread(src, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, read) < 0)
        rc = cs_h5_err(err, CS_EHDF5, file, "read dataset", name);
    for (size_t o = 0; o < n && rc == CS_OK; o++)
        row[o] = read != NULL ? read + o * m : cs_dict_kept_row(kept, table, o);
    uint32_t most = 0;
    off[0] = 0;
    double *cols = rc == CS_OK ? big_alloc(BLOCK_COLUMNS * n * sizeof *cols) : NULL;
    uint32_t *where = rc == CS_OK ? big_alloc(BLOCK_COLUMNS * n * sizeof *where) : NULL;
    size_t *used = rc == CS_OK ? malloc(n * sizeof *used + 1) : NULL; /* slots taken */
    if (rc == CS_OK && (cols == NULL || where == NULL || used == NULL))
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory for table %s", file, name);
    for (size_t c0 = 0; c0 < m && rc == CS_OK; c0 += BLOCK_COLUMNS) {
        const size_t nb = m - c0 < BLOCK_COLUMNS ? m - c0 : BLOCK_COLUMNS;
        for (size_t o = 0; o < n; o++)
            for (size_t j = 0; j < nb; j++)
                cols[j * n + o] = row[o][c0 + j];
        for (size_t j = 0; j < nb; j++) {
            const size_t c = c0 + j;
            const uint32_t k =
                column_values(cols + j * n, n, vals + off[c], where + j * n, slots, cap, used);
            off[c + 1] = off[c] + k;
            if (k > most) most = k;
        }
        for (size_t o = 0; o < n; o++)
            for (size_t j = 0; j < nb; j++)
                idx[o * m + c0 + j] = where[j * n + o];
    }
    free(cols);
    free(where);
    free(used);
    const hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    const hid_t g = rc == CS_OK && gcpl >= 0 && H5Pset_obj_track_times(gcpl, false) >= 0
                        ? H5Gcreate2(dst, name, H5P_DEFAULT, gcpl, H5P_DEFAULT)
                        : H5I_INVALID_HID;
    if (gcpl >= 0) H5Pclose(gcpl);
    if (rc == CS_OK && g < 0) rc = cs_h5_err(err, CS_EHDF5, file, "create group", name);
    if (rc == CS_OK) rc = cs_h5_copy_attrs(src, g, NULL, file, name, err);
    if (rc == CS_OK) rc = cs_h5_put_str_attr(file, g, name, "encoding", CS_DICT_ENCODING, err);
    const hsize_t vdims[1] = {off[m]}, odims[1] = {m + 1};
    const hid_t ift = most <= 65536 ? H5T_STD_U16LE : H5T_STD_U32LE;
    const hsize_t rows = INDEX_CHUNK_BYTES / (m * H5Tget_size(ift));
    if (rc == CS_OK)
        rc = put_dataset(g, "index", 2, dims, rows > 0 ? rows : 1, ift, H5T_NATIVE_UINT32, level,
                         true, idx, "1",
                         "Row o, column c of the table is values[value_offsets[c] + index[o, c]]: "
                         "the place of the value among column c's distinct values.",
                         file, err);
    if (rc == CS_OK)
        rc = put_dataset(g, "value_offsets", 1, odims, m + 1, H5T_STD_U64LE, H5T_NATIVE_UINT64,
                         level, true, off, "1",
                         "Column c's distinct values are values[value_offsets[c] : "
                         "value_offsets[c + 1]].",
                         file, err);
    char units[64] = "";
    const hid_t ua = rc == CS_OK ? H5Aopen(src, "units", H5P_DEFAULT) : H5I_INVALID_HID;
    if (ua >= 0) {
        char *s = NULL;
        const hid_t t = H5Aget_type(ua);
        if (t >= 0 && H5Aread(ua, t, &s) >= 0 && s != NULL) {
            snprintf(units, sizeof units, "%s", s);
            H5free_memory(s);
        }
        if (t >= 0) H5Tclose(t);
        H5Aclose(ua);
    }
    if (rc == CS_OK)
        rc = put_dataset(g, "values", 1, vdims, VALUES_CHUNK, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                         level, false, vals, units,
                         "Each column's distinct values (bit for bit), in the order of the first "
                         "outcome that has each, columns concatenated.",
                         file, err);
    if (g >= 0) H5Gclose(g);
    free(read);
    free(row);
    free(vals);
    free(idx);
    free(slots);
    free(off);
    return rc;
}

/* ------------------------------------------------------------ reading, lazily */

/* Bytes of index blocks a table keeps decoded at most (CS_DICT_CACHE_BYTES), and the counts of
 * what the readers of this process read (dictionary.h). */
static cs_dict_counts counts;

struct cs_dict_table {
    hid_t g, index;             /* the group and its member `index` */
    char *path, *file;          /* for messages */
    size_t n, m, nv;            /* rows, columns, distinct values */
    size_t width;               /* bytes of an index element in memory: 2 or 4 */
    size_t block_rows, nblocks; /* rows of a block: those of a chunk of `index` */
    uint64_t *off;              /* value_offsets, once loaded */
    double *vals;               /* values, once loaded */
    void **block;               /* index block b held (width bytes an element), or NULL */
    unsigned char *checked;     /* whether block b was checked */
    size_t kept, budget;        /* bytes of blocks held, and at most */
    void *scratch;              /* a block not held: block scratch_of (SIZE_MAX: none) */
    size_t scratch_of;
};

/* The shape of member name of group g: its rank (checked against rank) into dims. */
static cs_status member_shape(hid_t g, const char *name, int rank, hsize_t dims[2],
                              const char *file, const char *path, cs_error *err)
{
    const hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    const int r = d >= 0 ? shape_of(d, dims) : -1;
    if (d >= 0) H5Dclose(d);
    if (d < 0) return cs_errorf(err, CS_EINVAL, "%s: dataset %s/%s: missing", file, path, name);
    if (r != rank)
        return cs_errorf(err, CS_EINVAL, "%s: dataset %s/%s: expected %d dimension%s", file, path,
                         name, rank, rank == 1 ? "" : "s");
    return CS_OK;
}

/* A copy of s, or NULL. */
static char *dup_str(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p != NULL) memcpy(p, s, n);
    return p;
}

cs_status cs_dict_table_open(hid_t f, const char *path, const char *file, cs_dict_table **out,
                             cs_error *err)
{
    *out = NULL;
    cs_dict_table *t = calloc(1, sizeof *t);
    if (t == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", file);
    t->g = t->index = H5I_INVALID_HID;
    t->scratch_of = SIZE_MAX;
    t->budget = CS_DICT_CACHE_BYTES;
    t->path = dup_str(path);
    t->file = dup_str(file);
    cs_status rc =
        t->path && t->file ? CS_OK : cs_errorf(err, CS_ENOMEM, "%s: out of memory", file);
    if (!rc) {
        t->g = H5Gopen2(f, path, H5P_DEFAULT);
        if (t->g < 0) rc = cs_h5_err(err, CS_EIO, file, "open group", path);
    }
    hsize_t id[2], od[2], vd[2];
    if (!rc) rc = member_shape(t->g, "index", 2, id, file, path, err);
    if (!rc) rc = member_shape(t->g, "value_offsets", 1, od, file, path, err);
    if (!rc) rc = member_shape(t->g, "values", 1, vd, file, path, err);
    if (!rc && od[0] != id[1] + 1)
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: dataset %s/value_offsets: expected %" PRIu64 " offsets (the columns "
                       "of index + 1), found %" PRIu64,
                       file, path, (uint64_t)id[1] + 1, (uint64_t)od[0]);
    if (!rc) {
        t->n = (size_t)id[0];
        t->m = (size_t)id[1];
        t->nv = (size_t)vd[0];
        /* no chunk cache of HDF5's: the blocks held are the table's (a chunk read whole goes
         * straight to its block) */
        const hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
        t->index = dapl >= 0 && H5Pset_chunk_cache(dapl, 0, 0, 1.0) >= 0
                       ? H5Dopen2(t->g, "index", dapl)
                       : H5I_INVALID_HID;
        if (dapl >= 0) H5Pclose(dapl);
        const hid_t ft = t->index >= 0 ? H5Dget_type(t->index) : H5I_INVALID_HID;
        const hid_t dcpl = t->index >= 0 ? H5Dget_create_plist(t->index) : H5I_INVALID_HID;
        hsize_t chunk[2] = {0, 0};
        if (ft < 0 || dcpl < 0 || H5Tget_class(ft) != H5T_INTEGER) {
            char obj[512];
            snprintf(obj, sizeof obj, "%s/index", path);
            rc = ft >= 0 && dcpl >= 0
                     ? cs_errorf(err, CS_EINVAL, "%s: dataset %s: expected integer values", file,
                                 obj)
                     : cs_h5_err(err, CS_EIO, file, "open dataset", obj);
        } else {
            t->width = H5Tget_size(ft) <= 2 ? 2 : 4;
            /* a block is a chunk of the file (one inflate), or up to 32 KiB of a contiguous one */
            const size_t row = t->m > 0 ? t->m * t->width : 1;
            t->block_rows = H5D_CHUNKED == H5Pget_layout(dcpl) &&
                                    H5Pget_chunk(dcpl, 2, chunk) == 2 && chunk[0] > 0
                                ? (size_t)chunk[0]
                                : (row < (32 << 10) ? (32 << 10) / row : 1);
            t->nblocks = (t->n + t->block_rows - 1) / t->block_rows;
            t->block = calloc(t->nblocks + 1, sizeof *t->block);
            t->checked = calloc(t->nblocks + 1, 1);
            if (t->block == NULL || t->checked == NULL)
                rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", file);
        }
        if (ft >= 0) H5Tclose(ft);
        if (dcpl >= 0) H5Pclose(dcpl);
    }
    if (rc) {
        cs_dict_table_close(t);
        return rc;
    }
    *out = t;
    return CS_OK;
}

void cs_dict_table_close(cs_dict_table *t)
{
    if (t == NULL) return;
    for (size_t b = 0; b < t->nblocks && t->block != NULL; b++)
        free(t->block[b]);
    free(t->block);
    free(t->checked);
    free(t->scratch);
    free(t->off);
    free(t->vals);
    if (t->index >= 0) H5Dclose(t->index);
    if (t->g >= 0) H5Gclose(t->g);
    free(t->path);
    free(t->file);
    free(t);
}

size_t cs_dict_table_rows(const cs_dict_table *t)
{
    return t->n;
}

size_t cs_dict_table_cols(const cs_dict_table *t)
{
    return t->m;
}

void cs_dict_table_set_budget(cs_dict_table *t, size_t bytes)
{
    t->budget = bytes;
}

cs_dict_counts cs_dict_counts_get(void)
{
    return counts;
}

/* Reads rows [first, first + n) (all columns) of member name of t as memory type mt into buf
 * (the whole member when rank 1). */
static cs_status read_member(const cs_dict_table *t, const char *name, hid_t mt, size_t first,
                             size_t n, void *buf, cs_error *err)
{
    const hid_t d = name != NULL ? H5Dopen2(t->g, name, H5P_DEFAULT) : t->index;
    const hid_t fs = d >= 0 ? H5Dget_space(d) : H5I_INVALID_HID;
    const hsize_t start[2] = {first, 0}, count[2] = {n, t->m};
    const int rank = name != NULL ? 1 : 2;
    const hid_t ms = H5Screate_simple(rank, count, NULL);
    herr_t st = fs >= 0 && ms >= 0 &&
                        (name != NULL ||
                         H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0)
                    ? 0
                    : -1;
    if (st >= 0) st = H5Dread(d, mt, ms, fs, H5P_DEFAULT, buf);
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    if (name != NULL && d >= 0) H5Dclose(d);
    if (st < 0) {
        char obj[512];
        snprintf(obj, sizeof obj, "%s/%s", t->path, name != NULL ? name : "index");
        return cs_h5_err(err, CS_EIO, t->file, "read dataset", obj);
    }
    return CS_OK;
}

/* value_offsets and values, at the first read: the offsets checked. */
static cs_status load_values(cs_dict_table *t, cs_error *err)
{
    if (t->off != NULL) return CS_OK;
    uint64_t *off = malloc((t->m + 1) * sizeof *off);
    double *vals = malloc(t->nv * sizeof *vals + 1);
    cs_status rc = off && vals ? CS_OK : cs_errorf(err, CS_ENOMEM, "%s: out of memory", t->file);
    if (!rc) rc = read_member(t, "value_offsets", H5T_NATIVE_UINT64, 0, t->m + 1, off, err);
    if (!rc && t->nv > 0) rc = read_member(t, "values", H5T_NATIVE_DOUBLE, 0, t->nv, vals, err);
    for (size_t c = 0; !rc && c < t->m; c++)
        if (off[c + 1] < off[c] || off[c + 1] > t->nv || (c == 0 && off[0] != 0))
            rc = cs_errorf(err, CS_EINVAL,
                           "%s: dataset %s/value_offsets: column %zu: offsets %" PRIu64
                           " to %" PRIu64 " do not fit %zu values, from 0",
                           t->file, t->path, c, off[c], off[c + 1], t->nv);
    if (rc) {
        free(off);
        free(vals);
        return rc;
    }
    t->off = off;
    t->vals = vals;
    counts.tables++;
    return CS_OK;
}

/* Element k of an index block of the given width. */
static inline size_t index_at(const void *block, size_t width, size_t k)
{
    return width == 2 ? ((const uint16_t *)block)[k] : ((const uint32_t *)block)[k];
}

/* Index block b of t into *out: held, or read (and checked, the first time: every element below
 * its column's count of values). Blocks are held while the budget allows, the first ones read
 * first (outcome numbers follow the first trials: the low ones recur most); past it a block is
 * read into the one scratch block, again whenever asked for (a run through the trials asks for
 * the blocks in turn, over and over: an evicting cache would miss on every one of them). */
static cs_status load_block(cs_dict_table *t, size_t b, const void **out, cs_error *err)
{
    if (t->block[b] != NULL || (t->scratch_of == b && t->scratch != NULL)) {
        *out = t->block[b] != NULL ? t->block[b] : t->scratch;
        return CS_OK;
    }
    const size_t first = b * t->block_rows;
    const size_t rows = t->n - first < t->block_rows ? t->n - first : t->block_rows;
    const size_t bytes = rows * t->m * t->width, most = t->block_rows * t->m * t->width;
    const bool keep = t->kept + bytes <= t->budget;
    if (!keep && t->scratch == NULL) t->scratch = malloc(most + 1);
    void *p = keep ? malloc(bytes + 1) : t->scratch;
    if (p == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", t->file);
    t->scratch_of = SIZE_MAX;
    const cs_status rc = read_member(t, NULL, t->width == 2 ? H5T_NATIVE_UINT16 : H5T_NATIVE_UINT32,
                                     first, rows, p, err);
    for (size_t i = 0; !rc && !t->checked[b] && i < rows; i++)
        for (size_t c = 0; c < t->m; c++) {
            const size_t k = index_at(p, t->width, i * t->m + c);
            if (k >= t->off[c + 1] - t->off[c]) {
                if (keep) free(p);
                return cs_errorf(err, CS_EINVAL,
                                 "%s: dataset %s/index: row %zu, column %zu: expected an index "
                                 "below %" PRIu64 " (the column's values), found %zu",
                                 t->file, t->path, first + i, c, t->off[c + 1] - t->off[c], k);
            }
        }
    if (rc) {
        if (keep) free(p);
        return rc;
    }
    t->checked[b] = 1;
    if (keep) {
        t->block[b] = p;
        t->kept += bytes;
    } else
        t->scratch_of = b;
    counts.blocks++;
    *out = p;
    return CS_OK;
}

cs_status cs_dict_table_read(cs_dict_table *t, const uint64_t *rows, size_t n, double *out,
                             cs_error *err)
{
    if (n == 0) return CS_OK;
    cs_status rc = load_values(t, err);
    for (size_t i = 0; i < n && !rc; i++) {
        const uint64_t o = rows != NULL ? rows[i] : i;
        if (o >= t->n)
            return cs_errorf(err, CS_EINVAL, "%s: dataset %s: row %" PRIu64 " beyond its %zu",
                             t->file, t->path, o, t->n);
        const size_t b = (size_t)o / t->block_rows;
        const void *blk = NULL;
        if ((rc = load_block(t, b, &blk, err))) break;
        const size_t at = ((size_t)o - b * t->block_rows) * t->m;
        double *row = out + i * t->m;
        if (t->width == 2) {
            const uint16_t *k = (const uint16_t *)blk + at;
            for (size_t c = 0; c < t->m; c++)
                row[c] = t->vals[t->off[c] + k[c]];
        } else {
            const uint32_t *k = (const uint32_t *)blk + at;
            for (size_t c = 0; c < t->m; c++)
                row[c] = t->vals[t->off[c] + k[c]];
        }
    }
    if (!rc) counts.rows += n;
    return rc;
}

/* Creates in memory the dense dataset of the decoded table a (n x m), with g's attributes but
 * `encoding`, into *d. */
static cs_status memory_dataset(hid_t g, const double *a, size_t n, size_t m, hid_t *d,
                                const char *file, const char *path, cs_error *err)
{
    static unsigned counter;
    char name[64];
    snprintf(name, sizeof name, "cablesim-dictionary-%ld-%u", (long)getpid(), counter++);
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    const hid_t mf = fapl >= 0 && H5Pset_fapl_core(fapl, (size_t)1 << 20, false) >= 0
                         ? H5Fcreate(name, H5F_ACC_TRUNC, H5P_DEFAULT, fapl)
                         : H5I_INVALID_HID;
    if (fapl >= 0) H5Pclose(fapl);
    if (mf < 0) return cs_h5_err(err, CS_EHDF5, file, "decode", path);
    const hsize_t dims[2] = {n, m}, maxdims[2] = {H5S_UNLIMITED, m};
    const hsize_t rows = m > 0 && m * 8 < (64 << 10) ? (64 << 10) / (m * 8) : 1;
    const hsize_t chunk[2] = {rows, m > 0 ? m : 1};
    const hid_t space = H5Screate_simple(2, dims, maxdims), dcpl = cs_h5_plain_dcpl();
    *d = space >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, 2, chunk) >= 0
             ? H5Dcreate2(mf, "table", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)
             : H5I_INVALID_HID;
    cs_status rc = *d < 0 ? cs_h5_err(err, CS_EHDF5, file, "decode", path) : CS_OK;
    if (rc == CS_OK && n * m > 0 &&
        H5Dwrite(*d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a) < 0)
        rc = cs_h5_err(err, CS_EHDF5, file, "decode", path);
    static const char *const skip[] = {"encoding", NULL};
    if (rc == CS_OK) rc = cs_h5_copy_attrs_from(g, file, *d, skip, file, path, err);
    if (rc != CS_OK && *d >= 0) {
        H5Dclose(*d);
        *d = H5I_INVALID_HID;
    }
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    H5Fclose(mf); /* the file stays open, in memory, as long as *d */
    return rc;
}

cs_status cs_dict_open(hid_t f, const char *path, hid_t dapl, hid_t *d, const char *file,
                       cs_error *err)
{
    *d = H5I_INVALID_HID;
    if (!cs_dict_is_table(f, path)) {
        *d = H5Dopen2(f, path, dapl);
        return *d < 0 ? cs_h5_err(err, CS_EIO, file, "open dataset", path) : CS_OK;
    }
    cs_dict_table *t = NULL;
    cs_status rc = cs_dict_table_open(f, path, file, &t, err);
    if (rc) return rc;
    cs_dict_table_set_budget(t, 0); /* read in order: a block at a time */
    double *a = malloc(t->n * t->m * sizeof *a + 1);
    rc = a != NULL ? cs_dict_table_read(t, NULL, t->n, a, err)
                   : cs_errorf(err, CS_ENOMEM, "%s: out of memory", file);
    if (!rc) rc = memory_dataset(t->g, a, t->n, t->m, d, file, path, err);
    free(a);
    cs_dict_table_close(t);
    return rc;
}

long long cs_dict_rows(hid_t f, const char *path)
{
    char name[512];
    const bool dict = cs_dict_is_table(f, path);
    if (!dict && !cs_h5_exists(f, path)) return -1;
    snprintf(name, sizeof name, dict ? "%s/index" : "%s", path);
    const hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d < 0) return -1;
    hsize_t dims[2];
    const int rank = shape_of(d, dims);
    H5Dclose(d);
    assert(rank != 0);
    return rank > 0 ? (long long)dims[0] : -1;
}
