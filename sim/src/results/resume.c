/*
 * resume.c: reopening an incomplete results file to add the trials it lacks
 * (cs_results_resume, cs_results_resume_mpi), and the root attributes `run --resume` and
 * `merge` read before any engine exists (cs_results_scenario_text, cs_results_part_range).
 *
 * Rank 0 first goes back to the file's commit record (commit.h, docs/hdf5-schema.md "Commit
 * protocol"): every per-trial dataset is cut to the committed trials and list lengths (rebuilt
 * from its committed rows when the file was not closed, since a killed write may have left torn
 * metadata behind), and every committed row is read (Fletcher32 checks each chunk) and checked
 * (offsets that never decrease and end at their list's length, indices in range). Then every
 * rank opens the file, which holds exactly trials 0 .. R - 1 in every dataset.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cablesim/results_mpi.h"
#include "results/heapcheck.h"
#include "results/commit.h"
#include "results/dictionary.h"
#include "results/h5util.h"
#include "results/writer.h"

/* Bytes read at a time when the committed data are verified. */
#define VERIFY_BYTES ((size_t)4 << 20)

/* Opens path read-only, checking that it is a cablesim results file. */
static cs_status open_results(hid_t *f, const char *path, cs_file_checked *seen, cs_error *err)
{
    *f = H5I_INVALID_HID;
    cs_status rc = cs_h5_quiet(path, err);
    if (!rc) rc = cs_h5_check_heaps(path, seen, err);
    if (rc) return rc;
    *f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (*f < 0) return cs_h5_err(err, CS_EIO, path, "open", "the results file");
    char *format = NULL;
    rc = cs_h5_get_str_attr(*f, path, "/", "format", &format, CS_EINVAL, err);
    if (rc == CS_OK && strcmp(format, "cablesim-results") != 0)
        rc = cs_errorf(err, CS_EINVAL, "%s: expected a cablesim results file, found format \"%s\"",
                       path, format);
    free(format);
    if (rc) {
        H5Fclose(*f);
        *f = H5I_INVALID_HID;
    }
    return rc;
}

cs_status cs_results_scenario_text(const char *path, cs_file_checked *seen, char **text,
                                   int32_t *as_of, cs_error *err)
{
    *text = NULL;
    hid_t f;
    cs_status rc = open_results(&f, path, seen, err);
    if (rc) return rc;
    rc = cs_h5_get_num_attr(f, path, "/", "as_of", H5T_NATIVE_INT32, as_of, CS_EINVAL, err);
    if (rc == CS_OK) rc = cs_h5_get_str_attr(f, path, "/", "scenario", text, CS_EINVAL, err);
    H5Fclose(f);
    return rc;
}

/* Reads the part range of the open file (both 0 when it holds every trial). */
static cs_status get_part(hid_t f, const char *path, uint64_t *first, uint64_t *n, cs_error *err)
{
    *first = *n = 0;
    const htri_t has = H5Aexists(f, "part_trials");
    if (has < 0)
        return cs_h5_err(err, CS_EINVAL, path, "look for attribute \"part_trials\" of", "/");
    if (has == 0) return CS_OK;
    cs_status rc = cs_h5_get_num_attr(f, path, "/", "part_first_trial", H5T_NATIVE_UINT64, first,
                                      CS_EINVAL, err);
    if (rc == CS_OK)
        rc = cs_h5_get_num_attr(f, path, "/", "part_trials", H5T_NATIVE_UINT64, n, CS_EINVAL, err);
    if (rc == CS_OK && *n == 0)
        rc = cs_errorf(err, CS_EINVAL, "%s: attribute part_trials: expected > 0, found 0", path);
    return rc;
}

cs_status cs_results_part_range(const char *path, cs_file_checked *seen, uint64_t *first,
                                uint64_t *n, cs_error *err)
{
    *first = *n = 0;
    cs_status rc = cs_h5_quiet(path, err);
    if (!rc) rc = cs_h5_check_heaps(path, seen, err);
    if (rc) return rc;
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return cs_h5_err(err, CS_EIO, path, "open", "the results file");
    rc = get_part(f, path, first, n, err);
    H5Fclose(f);
    return rc;
}

/* Checks that the file was made by this scenario on these inputs, and is not complete. */
static cs_status check_resumable(const cs_results_t *w, const cs_results_meta *m, cs_error *err)
{
    uint64_t seed = 0, trials = 0;
    uint8_t complete = 0;
    char *topo = NULL, *dem = NULL;
    const hid_t f = w->file;
    const char *p = w->path;
    cs_status rc = cs_h5_get_num_attr(f, p, "/", "seed", H5T_NATIVE_UINT64, &seed, CS_EINVAL, err);
    if (rc == CS_OK)
        rc = cs_h5_get_num_attr(f, p, "/", "trials", H5T_NATIVE_UINT64, &trials, CS_EINVAL, err);
    if (rc == CS_OK)
        rc = cs_h5_get_num_attr(f, p, "/", "complete", H5T_NATIVE_UINT8, &complete, CS_EINVAL, err);
    if (rc == CS_OK) rc = cs_h5_get_str_attr(f, p, "/", "topology_sha256", &topo, CS_EINVAL, err);
    if (rc == CS_OK) rc = cs_h5_get_str_attr(f, p, "/", "demand_sha256", &dem, CS_EINVAL, err);
    if (rc == CS_OK && complete != 0)
        rc = cs_errorf(err, CS_EINVAL, "%s: complete = 1: every trial is already there", p);
    else if (rc == CS_OK && (seed != m->scenario->seed || trials != m->scenario->trials))
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: expected seed %" PRIu64 " and %" PRIu64 " trials, found %" PRIu64
                       " and %" PRIu64,
                       p, m->scenario->seed, m->scenario->trials, seed, trials);
    else if (rc == CS_OK && strcmp(topo, cs_topology_sha256(m->topology)) != 0)
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: topology_sha256: expected %s (the run's), found %s in %s", p, topo,
                       cs_topology_sha256(m->topology), m->scenario->topology_path);
    else if (rc == CS_OK && strcmp(dem, cs_demand_sha256(m->demand)) != 0)
        rc = cs_errorf(err, CS_EINVAL, "%s: demand_sha256: expected %s (the run's), found %s in %s",
                       p, dem, cs_demand_sha256(m->demand), m->scenario->demand_path);
    free(topo);
    free(dem);
    uint64_t pfirst = 0, pn = 0;
    if (rc == CS_OK) rc = get_part(f, p, &pfirst, &pn, err);
    if (rc == CS_OK && (pfirst != w->first || (pn > 0 ? pn : trials) != w->trials))
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: expected trials %" PRIu64 "..%" PRIu64 ", found a file of trials "
                       "%" PRIu64 "..%" PRIu64,
                       p, w->first, w->first + w->trials - 1, pfirst,
                       pfirst + (pn > 0 ? pn : trials) - 1);
    return rc;
}

/* The extent along the trial axis of open dataset d (0 when it cannot be read). */
static uint64_t extent(const cs_results_t *w, int d)
{
    hsize_t dims[2] = {0, 0};
    const hid_t sp = H5Dget_space(w->dset[d]);
    if (sp >= 0) {
        H5Sget_simple_extent_dims(sp, dims, NULL);
        H5Sclose(sp);
    }
    return dims[0];
}

/* Reads element i of offsets dataset d (uint64) into v, on every rank. */
static cs_status read_u64(const cs_results_t *w, int d, uint64_t i, uint64_t *v, cs_error *err)
{
    const hsize_t start[1] = {i}, one[1] = {1};
    const hid_t fs = H5Dget_space(w->dset[d]), ms = H5Screate_simple(1, one, NULL);
    herr_t st =
        fs >= 0 && ms >= 0 ? H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, one, NULL) : -1;
    if (st >= 0) st = H5Dread(w->dset[d], H5T_NATIVE_UINT64, ms, fs, w->dxpl, v);
    const cs_status rc = st < 0 ? cs_h5_err(err, CS_EHDF5, w->path, "read dataset",
                                            cs_results_dataset((cs_dataset_id)d)->path)
                                : CS_OK;
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    return rc;
}

/* Reads rows at .. at + n - 1 of outcome dataset d of the open file into buf (collective). */
static cs_status transfer_rows(const cs_results_t *w, int d, uint64_t at, uint64_t n, void *buf,
                               cs_error *err)
{
    const hsize_t start[2] = {at, 0}, count[2] = {n, w->ncols[d]};
    const hid_t fs = H5Dget_space(w->dset[d]), ms = H5Screate_simple(2, count, NULL);
    herr_t st =
        fs >= 0 && ms >= 0 ? H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) : -1;
    if (st >= 0) st = H5Dread(w->dset[d], w->mtype[d], ms, fs, w->dxpl, buf);
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    return st < 0 ? cs_h5_err(err, CS_EHDF5, w->path, "read dataset",
                              cs_results_dataset((cs_dataset_id)d)->path)
                  : CS_OK;
}

/* Reads the format version of the open file into *v (1 to 3). */
static cs_status file_version(hid_t f, const char *path, int *v, cs_error *err)
{
    int32_t version = 0;
    cs_status rc = cs_h5_get_num_attr(f, path, "/", "format_version", H5T_NATIVE_INT32, &version,
                                      CS_EINVAL, err);
    if (rc == CS_OK && !CS_FORMAT_KNOWN(version))
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: attribute \"format_version\" of /: expected %d to %d, found %" PRId32,
                       path, CS_FORMAT_V1, CS_FORMAT_V4, version);
    *v = (int)version;
    return rc;
}

/*
 * Format 2: the outcomes of the file, keyed again from their rows (outcomes.h) in their order,
 * so that the trials to come find them. Every rank reads every row (collective reads).
 */
static cs_status rebuild_outcomes(cs_results_t *w, uint64_t n, cs_error *err)
{
    const cs_dataset_schema *t = cs_results_schema();
    size_t row_bytes = 0; /* of one outcome over every outcome dataset */
    for (int d = 0; d < CS_DS_COUNT; d++)
        if (w->dset[d] >= 0 && t[d].rows == CS_ROWS_OUTCOME)
            row_bytes += w->ncols[d] * cs_dataset_elem_size(&t[d]);
    const uint64_t step = VERIFY_BYTES / (row_bytes + 1) + 1;
    unsigned char *buf[CS_DS_COUNT] = {NULL};
    cs_status rc = CS_OK;
    for (int d = 0; d < CS_DS_COUNT && rc == CS_OK; d++)
        if (w->dset[d] >= 0 && t[d].rows == CS_ROWS_OUTCOME &&
            (buf[d] = malloc(step * w->ncols[d] * cs_dataset_elem_size(&t[d]) + 1)) == NULL)
            rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    for (uint64_t at = 0; at < n && rc == CS_OK; at += step) {
        const uint64_t k = n - at < step ? n - at : step;
        for (int d = 0; d < CS_DS_COUNT && rc == CS_OK; d++)
            if (buf[d] != NULL && w->ncols[d] > 0) rc = transfer_rows(w, d, at, k, buf[d], err);
        for (uint64_t i = 0; i < k && rc == CS_OK; i++) {
            cs_ohash h;
            cs_ohash_begin(&h);
            for (int d = 0; d < CS_DS_COUNT; d++)
                if (buf[d] != NULL) {
                    const size_t bytes = w->ncols[d] * cs_dataset_elem_size(&t[d]);
                    cs_ohash_add(&h, buf[d] + i * bytes, bytes);
                }
            const cs_okey key = cs_ohash_end(&h);
            if (cs_omap_find(&w->omap, key) != UINT32_MAX)
                rc = cs_errorf(err, CS_EINVAL,
                               "%s: outcome %" PRIu64 " repeats an earlier one: the /outcomes "
                               "datasets are damaged",
                               w->path, at + i);
            else if (!cs_omap_add(&w->omap, key))
                rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory for outcomes", w->path);
        }
    }
    for (int d = 0; d < CS_DS_COUNT; d++)
        free(buf[d]);
    return rc;
}

/* Opens the per-trial datasets the run writes and finds how many trials are written. */
static cs_status open_trials(cs_results_t *w, cs_error *err)
{
    const cs_dataset_schema *t = cs_results_schema();
    for (int d = 0; d < CS_DS_COUNT; d++) {
        const char *path = cs_schema_path(&t[d], w->version);
        if (t[d].rows == CS_ROWS_STATIC || !cs_schema_writes(&w->run, &t[d])) continue;
        if (!cs_h5_exists(w->file, path))
            return cs_errorf(err, CS_EINVAL, "%s: expected dataset %s, found none", w->path, path);
        if ((w->dset[d] = H5Dopen2(w->file, path, H5P_DEFAULT)) < 0)
            return cs_h5_err(err, CS_EHDF5, w->path, "open dataset", path);
        if ((w->mtype[d] = cs_rw_mem_type(w, (cs_dataset_id)d)) < 0)
            return cs_h5_err(err, CS_EHDF5, w->path, "make the memory type of", path);
        w->ncols[d] = cs_rw_cols(w, (cs_dataset_id)d);
    }
    const uint64_t rows = extent(w, CS_DS_UNSERVED);
    const uint64_t outcomes = w->version >= CS_FORMAT_V2 ? extent(w, CS_DS_SERVED) : 0;
    cs_status rc = CS_OK;
    for (int d = 0; d < CS_DS_COUNT && rc == CS_OK; d++) {
        const cs_rows_kind k = cs_schema_rows(&t[d], w->version);
        if (w->dset[d] < 0 || k == CS_ROWS_VALUES) continue;
        const uint64_t want = k == CS_ROWS_OFFSETS   ? rows + 1
                              : k == CS_ROWS_OUTCOME ? outcomes
                                                     : rows;
        if (extent(w, d) != want)
            rc = cs_errorf(err, CS_EINVAL, "%s: %s: expected %" PRIu64 " rows, found %" PRIu64,
                           w->path, cs_schema_path(&t[d], w->version), want, extent(w, d));
        if (k == CS_ROWS_OUTCOME) w->len[d] = outcomes;
    }
    if (rc == CS_OK && w->version >= CS_FORMAT_V2) rc = rebuild_outcomes(w, outcomes, err);
    for (int d = 0; d < CS_DS_COUNT && rc == CS_OK; d++) {
        if (w->dset[d] < 0 || t[d].rows != CS_ROWS_OFFSETS) continue;
        const int v = (int)t[d].values;
        rc = read_u64(w, d, rows, &w->len[v], err);
        if (rc == CS_OK && extent(w, v) != w->len[v])
            rc = cs_errorf(err, CS_EINVAL,
                           "%s: %s does not end where the last offset of %s says (%" PRIu64
                           " values, found %" PRIu64 ")",
                           w->path, t[v].path, t[d].path, w->len[v], extent(w, v));
    }
    if (rc == CS_OK) w->written = rows;
    return rc;
}

/* ------------------------------------------------------------ repair */

/* The extent along the first axis of open dataset d, or -1. */
static long long first_extent(hid_t d)
{
    hsize_t dims[2] = {0, 0};
    const hid_t sp = H5Dget_space(d);
    const int r = sp >= 0 ? H5Sget_simple_extent_dims(sp, dims, NULL) : -1;
    if (sp >= 0) H5Sclose(sp);
    return r >= 1 ? (long long)dims[0] : -1;
}

/* Selects rows [at, at + n) of open dataset d (cols per row; 0 for vectors) in *fs and *ms. */
static herr_t select_slice(hid_t d, uint64_t at, uint64_t n, size_t cols, hid_t *fs, hid_t *ms)
{
    const int rank = cols > 0 ? 2 : 1;
    const hsize_t start[2] = {at, 0}, count[2] = {n, cols};
    *fs = H5Dget_space(d);
    *ms = H5Screate_simple(rank, count, NULL);
    return *fs >= 0 && *ms >= 0 ? H5Sselect_hyperslab(*fs, H5S_SELECT_SET, start, NULL, count, NULL)
                                : -1;
}

/* Reads (or writes) rows [at, at + n) of open dataset d as memory type mt. */
static herr_t slice_io(hid_t d, bool write, hid_t mt, uint64_t at, uint64_t n, size_t cols,
                       void *buf)
{
    hid_t fs, ms;
    herr_t st = select_slice(d, at, n, cols, &fs, &ms);
    if (st >= 0)
        st = write ? H5Dwrite(d, mt, ms, fs, H5P_DEFAULT, buf)
                   : H5Dread(d, mt, ms, fs, H5P_DEFAULT, buf);
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    return st;
}

/* Checks slice buf (rows at.. of per-trial dataset s, id) of offsets or list values; *prev: the
 * last offset of the previous slice. */
static cs_status check_slice(const cs_results_t *w, int id, const void *buf, uint64_t at,
                             uint64_t n, uint64_t rows, const uint64_t *len, uint64_t *prev,
                             cs_error *err)
{
    const cs_dataset_schema *s = cs_results_dataset((cs_dataset_id)id);
    if (id == CS_DS_OUTCOME) { /* every trial's outcome is a committed row of /outcomes */
        const uint32_t *o = buf;
        for (uint64_t i = 0; i < n; i++)
            if (o[i] >= len[CS_DS_SERVED])
                return cs_errorf(err, CS_EINVAL,
                                 "%s: %s[%" PRIu64 "] = %" PRIu32 ": expected an outcome below "
                                 "%" PRIu64 " (the committed rows of /outcomes)",
                                 w->path, s->path, at + i, o[i], len[CS_DS_SERVED]);
        return CS_OK;
    }
    if (s->rows == CS_ROWS_VALUES)
        return cs_commit_check_values((cs_dataset_id)id, buf, (size_t)n, w->run.dim,
                                      CS_FORMAT_MEMORY, w->path, at, err);
    if (s->rows != CS_ROWS_OFFSETS) return CS_OK;
    const uint64_t *o = buf, hi = len[s->values];
    if (at == 0 && o[0] != 0)
        return cs_errorf(err, CS_EINVAL, "%s: %s[0]: expected 0, found %" PRIu64, w->path, s->path,
                         o[0]);
    cs_status rc = cs_commit_check_offsets(o, (size_t)n, *prev, hi, w->path, s->path, at, err);
    *prev = o[n - 1];
    if (rc == CS_OK && at + n == rows && *prev != hi)
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: %s ends at %" PRIu64 ", expected %" PRIu64
                       " (the committed length of %s)",
                       w->path, s->path, *prev, hi, cs_results_dataset(s->values)->path);
    return rc;
}

/*
 * Reads the committed rows of per-trial dataset id (open as src), which verifies the checksum of
 * every chunk, and checks what resume trusts: offsets that never decrease from 0 to the
 * committed length of their list (len), the indices in the lists. With dst >= 0 (of the same
 * type and columns), copies them into it.
 */
static cs_status scan_dataset(const cs_results_t *w, hid_t src, hid_t dst, int id, uint64_t rows,
                              const uint64_t *len, cs_error *err)
{
    const cs_dataset_schema *s = cs_results_dataset((cs_dataset_id)id);
    const size_t cols = cs_rw_cols(w, (cs_dataset_id)id);
    const bool matrix =
        (s->rows == CS_ROWS_TRIAL || s->rows == CS_ROWS_OUTCOME) && s->dim != CS_DIM_NONE;
    if (matrix && cols == 0) return CS_OK;
    const size_t row_bytes = cs_dataset_elem_size(s) * (matrix ? cols : 1);
    const uint64_t step = VERIFY_BYTES / row_bytes > 0 ? VERIFY_BYTES / row_bytes : 1;
    const hid_t mt =
        s->rows == CS_ROWS_OFFSETS ? H5Tcopy(H5T_NATIVE_UINT64) : cs_h5_elem_type(s, false);
    void *buf = malloc((size_t)(step < rows ? step : rows) * row_bytes + 1);
    cs_status rc =
        mt < 0 || buf == NULL ? cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path) : CS_OK;
    uint64_t prev = 0;
    for (uint64_t at = 0; at < rows && rc == CS_OK; at += step) {
        const uint64_t n = rows - at < step ? rows - at : step;
        if (slice_io(src, false, mt, at, n, matrix ? cols : 0, buf) < 0)
            rc = cs_h5_err(err, CS_EINVAL, w->path,
                           "read the committed data (the file cannot be resumed) of",
                           cs_schema_path(s, w->version));
        if (rc == CS_OK) rc = check_slice(w, id, buf, at, n, rows, len, &prev, err);
        if (rc == CS_OK && dst >= 0 && slice_io(dst, true, mt, at, n, matrix ? cols : 0, buf) < 0)
            rc = cs_h5_err(err, CS_EHDF5, w->path, "rewrite", cs_schema_path(s, w->version));
    }
    free(buf);
    if (mt >= 0) H5Tclose(mt);
    return rc;
}

/*
 * Replaces per-trial dataset id (open as *src, at path in f) by a copy of its first rows rows:
 * the same type and creation properties (chunks, filters), and the attributes the run gives it
 * when it makes it, taken from img (the in-memory image of what the run writes,
 * cs_rw_create_image): the killed run's header of the dataset may have lost some of them (an
 * attribute it can no longer read), and a copy of what is left would be refused by the
 * comparison with the image that follows (verify.c). Used when a killed write went past the
 * commit record: the metadata HDF5 wrote for it (chunk index blocks) may be torn and are never
 * read again. The old dataset keeps a reference count of one and no link, so that HDF5 does
 * not walk its chunk index to free it: its space is lost, as freed space always is in these
 * files.
 */
static cs_status rebuild(const cs_results_t *w, hid_t f, hid_t img, hid_t *src, int id,
                         uint64_t rows, const uint64_t *len, cs_error *err)
{
    const cs_dataset_schema *s = cs_results_dataset((cs_dataset_id)id);
    const char *path = cs_schema_path(s, w->version);
    const size_t cols = cs_rw_cols(w, (cs_dataset_id)id);
    const bool matrix =
        (s->rows == CS_ROWS_TRIAL || s->rows == CS_ROWS_OUTCOME) && s->dim != CS_DIM_NONE;
    const hid_t type = H5Dget_type(*src), dcpl = H5Dget_create_plist(*src);
    const hsize_t dims[2] = {rows, cols},
                  maxdims[2] = {H5S_UNLIMITED, cols > 0 ? cols : H5S_UNLIMITED};
    const hid_t space = H5Screate_simple(matrix ? 2 : 1, dims, maxdims);
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s.rebuilt", path);
    /* Early allocation, as the writer makes them (an older file's may be incremental). */
    hid_t dst = type >= 0 && dcpl >= 0 && space >= 0 && cs_h5_set_early_alloc(dcpl) >= 0
                    ? H5Dcreate2(f, tmp, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT)
                    : H5I_INVALID_HID;
    cs_status rc = dst < 0 ? cs_h5_err(err, CS_EINVAL, w->path, "rebuild", path) : CS_OK;
    /* (none in the image: the inputs changed, which check_resumable then says) */
    const hid_t made =
        rc == CS_OK && cs_h5_exists(img, path) ? H5Dopen2(img, path, H5P_DEFAULT) : H5I_INVALID_HID;
    if (rc == CS_OK) rc = cs_h5_copy_attrs(made >= 0 ? made : *src, dst, NULL, w->path, path, err);
    if (made >= 0) H5Dclose(made);
    if (rc == CS_OK) rc = scan_dataset(w, *src, dst, id, rows, len, err);
    if (rc == CS_OK && H5Oincr_refcount(*src) < 0)
        rc = cs_h5_err(err, CS_EHDF5, w->path, "keep the old copy of", path);
    if (rc == CS_OK) {
        H5Dclose(*src);
        *src = H5I_INVALID_HID;
        if (H5Ldelete(f, path, H5P_DEFAULT) < 0 ||
            H5Lmove(f, tmp, f, path, H5P_DEFAULT, H5P_DEFAULT) < 0)
            rc = cs_h5_err(err, CS_EHDF5, w->path, "replace", path);
    }
    if (dst >= 0) H5Dclose(dst);
    if (space >= 0) H5Sclose(space);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (type >= 0) H5Tclose(type);
    return rc;
}

static cs_status repair_file(cs_results_t *w, const cs_results_meta *m, const char *target,
                             bool may_rebuild, cs_error *err);

/* Whether per-trial dataset ds, n rows long, of which want are committed (record c), is rebuilt
 * (repair_file). */
static bool needs_rebuild(const cs_results_t *w, const cs_commit *c, hid_t ds, uint64_t n,
                          uint64_t want)
{
    return n > want || c->writing || (w->comm != MPI_COMM_NULL && !cs_h5_early_alloc(ds));
}

/* Whether repair_file() will rebuild a dataset of w->path: read-only, and false on any error
 * (repair_file then reports it). */
static bool rebuild_ahead(cs_results_t *w)
{
    cs_error quiet = CS_ERROR_INIT;
    const hid_t f = H5Fopen(w->path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return false;
    cs_commit c = {.found = false};
    int version = 0;
    bool needs = file_version(f, w->path, &version, &quiet) == CS_OK &&
                 cs_commit_read(f, w->path, &c, &quiet) == CS_OK && c.found && c.writing;
    if (!needs && c.found && version > 0) {
        cs_rw_set_version(w, version);
        const cs_dataset_schema *t = cs_results_schema();
        for (int d = 0; d < CS_DS_COUNT && !needs; d++) {
            const cs_rows_kind k = cs_schema_rows(&t[d], version);
            const char *path = cs_schema_path(&t[d], version);
            if (k == CS_ROWS_STATIC || !cs_schema_writes(&w->run, &t[d]) ||
                !cs_h5_exists(f, path) || cs_dict_is_table(f, path))
                continue;
            const bool listed = k == CS_ROWS_VALUES || k == CS_ROWS_OUTCOME;
            const uint64_t want = listed                 ? c.len[d]
                                  : k == CS_ROWS_OFFSETS ? c.trials + 1
                                                         : c.trials;
            const hid_t ds = H5Dopen2(f, path, H5P_DEFAULT);
            const long long n = ds >= 0 ? first_extent(ds) : -1;
            needs = n >= 0 && needs_rebuild(w, &c, ds, (uint64_t)n, want);
            if (ds >= 0) H5Dclose(ds);
        }
    }
    H5Fclose(f);
    return needs;
}

/* Copies the file from to the new file to (made, written and synced), for repair(). A full disk
 * is CS_EWRITE (exit 1): the file is left as it was, and resumes once there is room for the
 * copy. */
static cs_status copy_bytes(const char *from, const char *to, cs_error *err)
{
    const int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0) return cs_errorf(err, CS_EIO, "%s: cannot open: %s", from, strerror(errno));
    const int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    cs_status rc = out < 0
                       ? cs_errorf(err, CS_EIO, "%s: cannot make %s: %s", from, to, strerror(errno))
                       : CS_OK;
    static char buf[1 << 16];
    for (ssize_t n = 1; rc == CS_OK && n > 0;) {
        n = read(in, buf, sizeof buf);
        if (n < 0) rc = cs_errorf(err, CS_EIO, "%s: cannot read: %s", from, strerror(errno));
        for (ssize_t at = 0; rc == CS_OK && at < n;) {
            const ssize_t k = write(out, buf + at, (size_t)(n - at));
            if (k < 0) rc = cs_errorf(err, CS_EWRITE, "%s: cannot write: %s", to, strerror(errno));
            at += k > 0 ? k : 0;
        }
    }
    if (rc == CS_OK && fsync(out) != 0)
        rc = cs_errorf(err, CS_EWRITE, "%s: cannot sync: %s", to, strerror(errno));
    if (out >= 0 && close(out) != 0 && rc == CS_OK)
        rc = cs_errorf(err, CS_EWRITE, "%s: cannot write: %s", to, strerror(errno));
    close(in);
    return rc;
}

/*
 * Rank 0, before any rank opens the file to resume it: repair_file() below. A rebuild changes
 * the file's groups and writes new datasets, and HDF5 flushes such metadata in no order a kill
 * could be survived by (before, a resume killed while rebuilding left a file whose datasets
 * could no longer be opened, or read: not resumable). So a file to rebuild is repaired in a
 * copy, FILE.repair, which is synced and renamed over it: a kill meanwhile leaves the file as it
 * was (and FILE.repair, removed by the next resume).
 */
static cs_status repair(cs_results_t *w, const cs_results_meta *m, cs_file_checked *seen,
                        cs_error *err)
{
    cs_status rc = cs_h5_check_heaps(w->path, seen, err);
    if (rc) return rc;
    char copy[4096];
    if ((size_t)snprintf(copy, sizeof copy, "%s.repair", w->path) >= sizeof copy)
        return cs_errorf(err, CS_EINVAL, "%s: file name too long", w->path);
    if (remove(copy) != 0 && errno != ENOENT)
        return cs_errorf(err, CS_EIO, "%s: cannot remove %s: %s", w->path, copy, strerror(errno));
    if (!rebuild_ahead(w)) return repair_file(w, m, w->path, false, err);
    rc = copy_bytes(w->path, copy, err);
    if (rc == CS_OK) rc = repair_file(w, m, copy, true, err);
    const int fd = rc == CS_OK ? open(copy, O_RDONLY | O_CLOEXEC) : -1;
    if (rc == CS_OK && (fd < 0 || fsync(fd) != 0))
        rc = cs_errorf(err, CS_EIO, "%s: cannot sync %s: %s", w->path, copy, strerror(errno));
    if (fd >= 0) close(fd);
    if (rc == CS_OK && rename(copy, w->path) != 0)
        rc = cs_errorf(err, CS_EIO, "%s: cannot rename %s to it: %s", w->path, copy,
                       strerror(errno));
    if (rc != CS_OK) remove(copy);
    return rc;
}

/* The in-memory image of what the run of m writes when it makes the file (writer.h), in the
 * file's format version: where rebuild() takes the attributes of the datasets it remakes. */
static cs_status make_image(const cs_results_t *w, const cs_results_meta *m, int version,
                            cs_results_t **img, cs_error *err)
{
    char name[4096];
    snprintf(name, sizeof name, "%s.image", w->path);
    cs_results_meta im = *m;
    im.intact = NULL; /* no rows: only the datasets and their attributes are used */
    return cs_rw_create_image(img, name, &im, version, err);
}

/*
 * repair() on target (the file, or its copy when may_rebuild): goes back to the commit record
 * (messages name the file, w->path). When
 * the file was not closed (`writing` = 1: a kill, a crash) or a per-trial dataset is longer than
 * the record says, the datasets are rebuilt from their committed rows (the metadata of a write
 * that did not commit may be torn), with the attributes the run of m gives them; every committed
 * row is read and checked. Under MPI a dataset
 * an older cablesim made without early allocation (h5util.h) is rebuilt with it, so that the
 * ranks can write it. A write that reached
 * the committed data themselves (a chunk rewritten in place and torn by a power loss) shows in the
 * checksums, offsets or indices, and the file is refused.
 */
static cs_status repair_file(cs_results_t *w, const cs_results_meta *m, const char *target,
                             bool may_rebuild, cs_error *err)
{
    const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t f = H5I_INVALID_HID;
    if (fapl >= 0 && H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_LATEST) >= 0)
        f = H5Fopen(target, H5F_ACC_RDWR, fapl);
    cs_status rc = f < 0 ? cs_h5_err(err, CS_EINVAL, w->path, "open", "the results file") : CS_OK;
    if (fapl >= 0) H5Pclose(fapl);
    if (rc) return rc;
    cs_commit c;
    int version = 0;
    uint8_t complete = 0;
    rc = file_version(f, w->path, &version, err);
    if (rc == CS_OK) cs_rw_set_version(w, version);
    /* (a complete file's outcome tables may be dictionary tables, which no run continues) */
    if (rc == CS_OK &&
        cs_h5_get_num_attr(f, w->path, "/", "complete", H5T_NATIVE_UINT8, &complete, CS_EINVAL,
                           err) == CS_OK &&
        complete != 0)
        rc = cs_errorf(err, CS_EINVAL, "%s: complete = 1: every trial is already there", w->path);
    if (rc == CS_OK) rc = cs_commit_read(f, w->path, &c, err);
    if (rc == CS_OK && !c.found)
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: no commit record (attribute \"committed\"): the file was made by an "
                       "older cablesim or its run was killed while making it; start it again",
                       w->path);
    if (rc == CS_OK && c.trials > w->trials)
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: attribute \"committed\": %" PRIu64 " trials committed, more than the "
                       "%" PRIu64 " of the run",
                       w->path, c.trials, w->trials);
    const cs_dataset_schema *t = cs_results_schema();
    cs_results_t *img = NULL; /* what the run writes, made at the first rebuild */
    for (int d = 0; d < CS_DS_COUNT && rc == CS_OK; d++) {
        const cs_rows_kind k = cs_schema_rows(&t[d], w->version);
        const char *path = cs_schema_path(&t[d], w->version);
        if (k == CS_ROWS_STATIC || !cs_schema_writes(&w->run, &t[d])) continue;
        const bool listed = k == CS_ROWS_VALUES || k == CS_ROWS_OUTCOME;
        if (listed && !c.listed[d]) {
            rc = cs_errorf(err, CS_EINVAL, "%s: attribute \"committed\" does not list %s", w->path,
                           path);
            break;
        }
        const uint64_t want = listed ? c.len[d] : k == CS_ROWS_OFFSETS ? c.trials + 1 : c.trials;
        if (cs_dict_is_table(f, path)) {
            rc = cs_errorf(err, CS_EINVAL,
                           "%s: %s is a dictionary table (docs/hdf5-schema.md): the file was "
                           "complete and compacted, and cannot be resumed",
                           w->path, path);
            break;
        }
        hid_t ds = cs_h5_exists(f, path) ? H5Dopen2(f, path, H5P_DEFAULT) : H5I_INVALID_HID;
        const long long n = ds >= 0 ? first_extent(ds) : -1;
        if (ds < 0 || n < 0)
            rc = cs_errorf(err, CS_EINVAL, "%s: expected dataset %s, found none", w->path, path);
        else if ((uint64_t)n < want)
            rc = cs_errorf(err, CS_EINVAL,
                           "%s: %s: %lld rows, fewer than the %" PRIu64
                           " committed (HDF5 lost a write made before the commit record): the "
                           "file cannot be resumed",
                           w->path, path, n, want);
        else if (needs_rebuild(w, &c, ds, (uint64_t)n, want)) {
            if (!may_rebuild) /* the pass that decided found nothing to rebuild */
                rc =
                    cs_errorf(err, CS_EINVAL, "%s: %s changed while it was resumed", w->path, path);
            if (img == NULL && rc == CS_OK) rc = make_image(w, m, version, &img, err);
            if (rc == CS_OK) rc = rebuild(w, f, img->file, &ds, d, want, c.len, err);
        } else
            rc = scan_dataset(w, ds, H5I_INVALID_HID, d, want, c.len, err);
        if (ds >= 0) H5Dclose(ds);
    }
    if (img != NULL) cs_rw_release(img, NULL);
    /* Open for writing again until the resume closes it. */
    if (rc == CS_OK) rc = cs_commit_set_writing(f, w->path, true, err);
    if (H5Fclose(f) < 0 && rc == CS_OK)
        rc = cs_h5_err(err, CS_EINVAL, w->path, "close", "the results file");
    return rc;
}

bool cs_results_has_commit(const char *path, cs_file_checked *seen)
{
    cs_error quiet = CS_ERROR_INIT;
    if (cs_h5_quiet(path, &quiet) != CS_OK || cs_h5_check_heaps(path, seen, &quiet) != CS_OK)
        return false;
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return false;
    /* The record, at least one trial committed, and every root attribute a resume or `status`
     * reads. The first record (0 trials) is made with the file: a run killed while it was
     * flushed (under MPI-IO the ranks write the metadata entries of one flush in parallel, so
     * the other rank's kill can stop it at any instant) can leave the attributes torn, and
     * nothing was committed yet. */
    static const char *const text[] = {"scenario", "topology_sha256", "demand_sha256", "format"};
    static const char *const num[] = {"trials", "seed", "as_of", "complete", "format_version"};
    cs_commit c;
    bool has = cs_commit_read(f, path, &c, &quiet) == CS_OK && c.found && c.trials > 0;
    for (size_t i = 0; has && i < sizeof text / sizeof *text; i++) {
        char *s = NULL;
        has = cs_h5_get_str_attr(f, path, "/", text[i], &s, CS_EINVAL, &quiet) == CS_OK;
        free(s);
    }
    for (size_t i = 0; has && i < sizeof num / sizeof *num; i++) {
        uint64_t v = 0;
        has = cs_h5_get_num_attr(f, path, "/", num[i], H5T_NATIVE_UINT64, &v, CS_EINVAL, &quiet) ==
              CS_OK;
    }
    H5Fclose(f);
    return has;
}

cs_status cs_results_resume_mpi(cs_results_t **out, const char *path, const cs_results_meta *m,
                                MPI_Comm comm, cs_file_checked *seen, cs_error *err)
{
    cs_results_t *w;
    cs_status rc = cs_rw_begin(&w, path, m, comm, err);
    *out = NULL;
    if (rc) return rc;
    /* Rank 0 alone clears the flag a killed run left, before any rank opens the file. */
    if (w->rank == 0) rc = cs_results_recover(path, err);
    if (w->rank == 0 && rc == CS_OK) rc = repair(w, m, seen, err);
    if (comm != MPI_COMM_NULL) {
        int bad = rc != CS_OK, any = 0;
        MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, comm);
        if (any && rc == CS_OK) rc = cs_errorf(err, CS_EINVAL, "%s: cannot be resumed", path);
    }
    if (rc == CS_OK) rc = cs_rw_open_file(w, false, err);
    int version = 0;
    if (rc == CS_OK) rc = file_version(w->file, path, &version, err);
    if (rc == CS_OK) cs_rw_set_version(w, version);
    if (rc == CS_OK) rc = check_resumable(w, m, err);
    /* What the file holds besides its trials, once it is known to be this run's: as this run
     * writes it (verify.c). Every rank reads and compares; the ranks agree. */
    if (rc == CS_OK) rc = cs_rw_check_static(w->file, path, m, version, err);
    if (comm != MPI_COMM_NULL) {
        int bad = rc != CS_OK, any = 0;
        MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, comm);
        if (any && rc == CS_OK) rc = cs_errorf(err, CS_EINVAL, "%s: cannot be resumed", path);
    }
    if (rc == CS_OK) rc = open_trials(w, err);
    if (rc) {
        cs_rw_release(w, NULL);
        return rc;
    }
    *out = w;
    return CS_OK;
}

cs_status cs_results_resume(cs_results_t **out, const char *path, const cs_results_meta *m,
                            cs_error *err)
{
    return cs_results_resume_mpi(out, path, m, MPI_COMM_NULL, NULL, err);
}
