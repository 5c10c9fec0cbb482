/*
 * dictionary.c: the dictionary tables of format 4 (dictionary.h; docs/hdf5-schema.md,
 * "Dictionary tables"): written from a dense outcome table by the compaction of a complete file,
 * decoded into a dense table in memory by every reader.
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

/* Reads the whole of member name of group g (n elements expected: rank and length checked by the
 * caller) as memory type mt into buf. */
static cs_status read_member(hid_t g, const char *name, hid_t mt, void *buf, const char *file,
                             const char *path, cs_error *err)
{
    const hid_t d = H5Dopen2(g, name, H5P_DEFAULT);
    const herr_t st = d >= 0 ? H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) : -1;
    if (d >= 0) H5Dclose(d);
    if (st < 0) {
        char obj[512];
        snprintf(obj, sizeof obj, "%s/%s", path, name);
        return cs_h5_err(err, CS_EIO, file, "read dataset", obj);
    }
    return CS_OK;
}

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
    if (rc == CS_OK) rc = cs_h5_copy_attrs(g, *d, skip, file, path, err);
    if (rc != CS_OK && *d >= 0) {
        H5Dclose(*d);
        *d = H5I_INVALID_HID;
    }
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    H5Fclose(mf); /* the file stays open, in memory, as long as *d */
    return rc;
}

/* Decodes dictionary table path (group g) of file into *d. */
static cs_status decode(hid_t g, hid_t *d, const char *file, const char *path, cs_error *err)
{
    hsize_t id[2], od[2], vd[2];
    cs_status rc = member_shape(g, "index", 2, id, file, path, err);
    if (!rc) rc = member_shape(g, "value_offsets", 1, od, file, path, err);
    if (!rc) rc = member_shape(g, "values", 1, vd, file, path, err);
    if (rc) return rc;
    const size_t n = (size_t)id[0], m = (size_t)id[1], nv = (size_t)vd[0];
    if (od[0] != m + 1)
        return cs_errorf(err, CS_EINVAL,
                         "%s: dataset %s/value_offsets: expected %zu offsets (the columns of "
                         "index + 1), found %" PRIu64,
                         file, path, m + 1, (uint64_t)od[0]);
    uint64_t *off = malloc((m + 1) * sizeof *off);
    uint32_t *idx = malloc(n * m * sizeof *idx + 1);
    double *vals = malloc(nv * sizeof *vals + 1), *a = malloc(n * m * sizeof *a + 1);
    if (!off || !idx || !vals || !a) rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", file);
    if (!rc) rc = read_member(g, "value_offsets", H5T_NATIVE_UINT64, off, file, path, err);
    if (!rc && n * m > 0) rc = read_member(g, "index", H5T_NATIVE_UINT32, idx, file, path, err);
    if (!rc && nv > 0) rc = read_member(g, "values", H5T_NATIVE_DOUBLE, vals, file, path, err);
    for (size_t c = 0; !rc && c < m; c++)
        if (off[c + 1] < off[c] || off[c + 1] > nv || (c == 0 && off[0] != 0))
            rc = cs_errorf(err, CS_EINVAL,
                           "%s: dataset %s/value_offsets: column %zu: offsets %" PRIu64
                           " to %" PRIu64 " do not fit %zu values, from 0",
                           file, path, c, off[c], off[c + 1], nv);
    for (size_t o = 0; !rc && o < n; o++)
        for (size_t c = 0; !rc && c < m; c++) {
            const uint32_t k = idx[o * m + c];
            if (k >= off[c + 1] - off[c])
                rc = cs_errorf(err, CS_EINVAL,
                               "%s: dataset %s/index: row %zu, column %zu: expected an index "
                               "below %" PRIu64 " (the column's values), found %" PRIu32,
                               file, path, o, c, off[c + 1] - off[c], k);
            else
                a[o * m + c] = vals[off[c] + k];
        }
    if (!rc) rc = memory_dataset(g, a, n, m, d, file, path, err);
    free(off);
    free(idx);
    free(vals);
    free(a);
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
    const hid_t g = H5Gopen2(f, path, H5P_DEFAULT);
    if (g < 0) return cs_h5_err(err, CS_EIO, file, "open group", path);
    const cs_status rc = decode(g, d, file, path, err);
    H5Gclose(g);
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
