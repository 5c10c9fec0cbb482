/*
 * fuzz_results.c: the results reader (cs_resultsio_open, cs_resultsio_read,
 * cs_resultsio_read_recovery, cs_resultsio_read_dataset) on damaged results files.
 *
 * The input is not a file's bytes: it is a list of edits applied through the HDF5 API to a valid
 * results file that the build writes (tests/fuzz/seeds/results-base.yaml run with cablesim, 6
 * trials with recovery): resize a dataset, overwrite one element with the input's bytes, delete
 * or rewrite a root attribute, delete a dataset or one of its attributes. The edited file (a
 * valid HDF5 file with inconsistent cablesim contents: offsets that go backwards, indices out of
 * range, shapes that disagree, NaN, missing attributes) is then read in full. Mutating the raw
 * bytes instead would mostly exercise HDF5's own parser, whose crashes on corrupt files are
 * HDF5's (docs/fuzzing.md). Properties: the error contract; no crash, leak or undefined
 * behaviour whatever the contents.
 */
#include "fuzz_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "cablesim/results_schema.h"
#include "cablesim/resultsio.h"

#define MAX_OPS 12

static unsigned char *base;
static size_t base_size;
static char *dsets[256], *attrs[64];
static size_t n_dsets, n_attrs;

static herr_t add_dataset(hid_t g, const char *name, const H5L_info_t *info, void *ctx)
{
    (void)info, (void)ctx;
    if (n_dsets < sizeof dsets / sizeof *dsets && H5Oexists_by_name(g, name, H5P_DEFAULT) > 0) {
        H5O_info_t oi;
        if (H5Oget_info_by_name(g, name, &oi, H5P_DEFAULT) >= 0 && oi.type == H5O_TYPE_DATASET) {
            dsets[n_dsets] = malloc(strlen(name) + 1);
            CS_FUZZ_CHECK(dsets[n_dsets] != NULL);
            strcpy(dsets[n_dsets++], name);
        }
    }
    return 0;
}

static herr_t add_attr(hid_t loc, const char *name, const H5A_info_t *info, void *ctx)
{
    (void)loc, (void)info, (void)ctx;
    if (n_attrs < sizeof attrs / sizeof *attrs) {
        attrs[n_attrs] = malloc(strlen(name) + 1);
        CS_FUZZ_CHECK(attrs[n_attrs] != NULL);
        strcpy(attrs[n_attrs++], name);
    }
    return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    cs_library_init();
    setenv("HDF5_USE_FILE_LOCKING", "FALSE", 1);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    FILE *f = fopen(CS_FUZZ_RESULTS_BASE, "rb");
    if (f == NULL) cs_fuzz_fail("cannot open " CS_FUZZ_RESULTS_BASE, __FILE__, __LINE__);
    CS_FUZZ_CHECK(fseek(f, 0, SEEK_END) == 0);
    base_size = (size_t)ftell(f);
    CS_FUZZ_CHECK(fseek(f, 0, SEEK_SET) == 0);
    base = malloc(base_size);
    CS_FUZZ_CHECK(base != NULL && fread(base, 1, base_size, f) == base_size);
    fclose(f);
    const hid_t file = H5Fopen(CS_FUZZ_RESULTS_BASE, H5F_ACC_RDONLY, H5P_DEFAULT);
    CS_FUZZ_CHECK(file >= 0);
    CS_FUZZ_CHECK(H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, add_dataset, NULL) >= 0);
    CS_FUZZ_CHECK(H5Aiterate2(file, H5_INDEX_NAME, H5_ITER_INC, NULL, add_attr, NULL) >= 0);
    H5Fclose(file);
    CS_FUZZ_CHECK(n_dsets > 0 && n_attrs > 0);
    return 0;
}

/* Whether t holds pointers (variable-length data or strings), which raw bytes must not fill. */
static int has_pointers(hid_t t)
{
    switch (H5Tget_class(t)) {
    case H5T_VLEN:
        return 1;
    case H5T_STRING:
        return H5Tis_variable_str(t) != 0;
    case H5T_COMPOUND: {
        const int n = H5Tget_nmembers(t);
        for (int i = 0; i < n; i++) {
            const hid_t m = H5Tget_member_type(t, (unsigned)i);
            const int p = has_pointers(m);
            H5Tclose(m);
            if (p) return 1;
        }
        return 0;
    }
    case H5T_ARRAY: {
        const hid_t b = H5Tget_super(t);
        const int p = has_pointers(b);
        H5Tclose(b);
        return p;
    }
    default:
        return 0;
    }
}

typedef struct {
    const uint8_t *p;
    size_t n;
} input;

static unsigned byte(input *in)
{
    if (in->n == 0) return 0;
    in->n--;
    return *in->p++;
}

static uint32_t u32(input *in)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v = v << 8 | byte(in);
    return v;
}

/* Fills n bytes from the input (zeros once it runs out). */
static void fill(input *in, unsigned char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)byte(in);
}

/* Overwrites one element of dataset path with the input's bytes. */
static void poke(hid_t file, const char *path, input *in)
{
    const hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    if (d < 0) return;
    const hid_t t = H5Dget_type(d), s = H5Dget_space(d);
    hsize_t dims[4] = {0}, pos[4] = {0}, one = 1;
    const int rank = H5Sget_simple_extent_ndims(s);
    const size_t esz = H5Tget_size(t);
    uint32_t index = u32(in);
    if (rank >= 1 && rank <= 4 && H5Sget_simple_extent_dims(s, dims, NULL) == rank &&
        !has_pointers(t) && esz <= 4096) {
        hsize_t total = 1;
        for (int i = 0; i < rank; i++)
            total *= dims[i];
        if (total > 0) {
            hsize_t k = index % total;
            for (int i = rank - 1; i >= 0; i--) {
                pos[i] = k % dims[i];
                k /= dims[i];
            }
            unsigned char buf[4096];
            fill(in, buf, esz);
            const hid_t m = H5Screate_simple(1, &one, NULL);
            if (H5Sselect_elements(s, H5S_SELECT_SET, 1, pos) >= 0)
                H5Dwrite(d, t, m, s, H5P_DEFAULT, buf);
            H5Sclose(m);
        }
    }
    H5Sclose(s);
    H5Tclose(t);
    H5Dclose(d);
}

/* Sets the first dimension of dataset path (only chunked datasets can change). */
static void resize(hid_t file, const char *path, input *in)
{
    const hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    if (d < 0) return;
    const hid_t s = H5Dget_space(d);
    hsize_t dims[4] = {0};
    const int rank = H5Sget_simple_extent_ndims(s);
    const unsigned len = byte(in) << 8 | byte(in);
    if (rank >= 1 && rank <= 4 && H5Sget_simple_extent_dims(s, dims, NULL) == rank) {
        dims[0] = len % 4096;
        H5Dset_extent(d, dims);
    }
    H5Sclose(s);
    H5Dclose(d);
}

/* Rewrites attribute name of object loc: a string from the input, or the input's bytes. */
static void rewrite_attr(hid_t loc, const char *name, input *in)
{
    const hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0) return;
    const hid_t t = H5Aget_type(a), s = H5Aget_space(a);
    if (H5Sget_simple_extent_npoints(s) == 1) {
        if (H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) > 0) {
            char text[256];
            const size_t n = byte(in) % sizeof text;
            fill(in, (unsigned char *)text, n);
            text[n] = '\0';
            const char *p = text;
            H5Awrite(a, t, &p);
        } else if (!has_pointers(t) && H5Tget_size(t) <= 256) {
            unsigned char buf[256];
            fill(in, buf, H5Tget_size(t));
            H5Awrite(a, t, buf);
        }
    }
    H5Sclose(s);
    H5Tclose(t);
    H5Aclose(a);
}

/* Deletes the k-th attribute of dataset path. */
static void drop_dataset_attr(hid_t file, const char *path, unsigned k)
{
    const hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
    if (d < 0) return;
    H5O_info_t oi;
    if (H5Oget_info(d, &oi) >= 0 && oi.num_attrs > 0)
        H5Adelete_by_idx(d, ".", H5_INDEX_NAME, H5_ITER_INC, k % oi.num_attrs, H5P_DEFAULT);
    H5Dclose(d);
}

static void edit(const char *path, input *in)
{
    const hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    CS_FUZZ_CHECK(file >= 0);
    for (int op = 0; op < MAX_OPS && in->n > 0; op++) {
        const unsigned what = byte(in) % 7;
        const char *ds = dsets[byte(in) % n_dsets];
        const char *at = attrs[byte(in) % n_attrs];
        switch (what) {
        case 0:
            resize(file, ds, in);
            break;
        case 1:
        case 2:
            poke(file, ds, in);
            break;
        case 3:
            H5Adelete(file, at);
            break;
        case 4:
            rewrite_attr(file, at, in);
            break;
        case 5:
            H5Ldelete(file, ds, H5P_DEFAULT);
            break;
        default:
            drop_dataset_attr(file, ds, byte(in));
            break;
        }
    }
    H5Fclose(file);
}

static size_t dim_size(const cs_results_info *info, cs_dim d)
{
    switch (d) {
    case CS_DIM_NODES:
        return info->n_nodes;
    case CS_DIM_EDGES:
        return info->n_edges;
    case CS_DIM_DEMANDS:
        return info->n_demands;
    case CS_DIM_PAIRS:
        return info->n_pairs;
    case CS_DIM_STEPS:
        return info->n_steps;
    case CS_DIM_SHIPS:
        return info->n_ships;
    case CS_DIM_REGIONS:
        return info->n_regions;
    default:
        return 1;
    }
}

/* Reads every trial, every recovery outcome and every per-trial dataset of the schema. */
static void read_all(cs_resultsio_t *r)
{
    const cs_results_info *info = cs_resultsio_info(r);
    cs_error err = CS_ERROR_INIT;
    cs_trial_slice s;
    const size_t rows = cs_resultsio_slice_rows(r, 1 << 16);
    CS_FUZZ_CHECK(rows >= 1);
    CS_FUZZ_CHECK(cs_trial_slice_init(&s, r, rows, &err) == CS_OK);
    for (uint64_t first = 0; first < info->trials;) {
        const cs_status rc = cs_resultsio_read(r, first, &s, &err);
        cs_fuzz_check_status(rc, &err, rc == CS_OK);
        if (rc != CS_OK || s.n == 0) break;
        first += s.n;
    }
    cs_trial_slice_destroy(&s);
    if (info->has_recovery) {
        cs_recovery_slice v;
        cs_error e = CS_ERROR_INIT;
        CS_FUZZ_CHECK(cs_recovery_slice_init(&v, r, rows, &e) == CS_OK);
        for (uint64_t first = 0; first < info->trials;) {
            const cs_status rc = cs_resultsio_read_recovery(r, first, &v, &e);
            cs_fuzz_check_status(rc, &e, rc == CS_OK);
            if (rc != CS_OK || v.n == 0) break;
            first += v.n;
        }
        cs_recovery_slice_destroy(&v);
    }
    for (int d = 0; d < CS_DS_COUNT; d++) {
        const cs_dataset_schema *ds = cs_results_dataset((cs_dataset_id)d);
        if (ds->rows == CS_ROWS_STATIC || !cs_resultsio_has(r, (cs_dataset_id)d)) continue;
        const uint64_t len = cs_resultsio_length(r, (cs_dataset_id)d);
        const size_t row = cs_dataset_elem_size(ds) * dim_size(info, ds->dim);
        void *buf = malloc(64 * (row ? row : 1));
        CS_FUZZ_CHECK(buf != NULL);
        for (uint64_t first = 0; first < len; first += 64) {
            const uint64_t count = len - first < 64 ? len - first : 64;
            cs_error e = CS_ERROR_INIT;
            const cs_status rc =
                cs_resultsio_read_dataset(r, (cs_dataset_id)d, first, count, buf, &e);
            cs_fuzz_check_status(rc, &e, rc == CS_OK);
            if (rc != CS_OK) break;
        }
        free(buf);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = cs_fuzz_write_temp("results", ".h5", base, base_size);
    input in = {.p = data, .n = size};
    edit(path, &in);
    cs_resultsio_t *r = NULL;
    cs_error err = CS_ERROR_INIT;
    const cs_status rc = cs_resultsio_open(&r, path, &err);
    cs_fuzz_check_status(rc, &err, r != NULL);
    if (rc == CS_OK) read_all(r);
    cs_resultsio_close(r);
    return 0;
}
