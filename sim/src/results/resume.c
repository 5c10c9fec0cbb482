/*
 * resume.c: reopening an incomplete results file to add the trials it lacks
 * (cs_results_resume, cs_results_resume_mpi), and the root attributes `run --resume` and
 * `merge` read before any engine exists (cs_results_scenario_text, cs_results_part_range).
 *
 * The file must hold every per-trial dataset of the schema its run writes (results_schema.h),
 * each with the same number R of rows (R + 1 offsets), and the last offsets must be the lengths
 * of their values lists. A run writes whole batches and is only interrupted between them, so a
 * file that passes these checks holds exactly trials 0 .. R - 1.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cablesim/results_mpi.h"
#include "results/h5util.h"
#include "results/writer.h"

/* Opens path read-only, checking that it is a cablesim results file. */
static cs_status open_results(hid_t *f, const char *path, cs_error *err)
{
    *f = H5I_INVALID_HID;
    cs_status rc = cs_h5_quiet(path, err);
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

cs_status cs_results_scenario_text(const char *path, char **text, int32_t *as_of, cs_error *err)
{
    *text = NULL;
    hid_t f;
    cs_status rc = open_results(&f, path, err);
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

cs_status cs_results_part_range(const char *path, uint64_t *first, uint64_t *n, cs_error *err)
{
    *first = *n = 0;
    cs_status rc = cs_h5_quiet(path, err);
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

/* Opens the per-trial datasets the run writes and finds how many trials are written. */
static cs_status open_trials(cs_results_t *w, cs_error *err)
{
    const cs_dataset_schema *t = cs_results_schema();
    for (int d = 0; d < CS_DS_COUNT; d++) {
        if (t[d].rows == CS_ROWS_STATIC || !cs_schema_writes(&w->run, &t[d])) continue;
        if (!cs_h5_exists(w->file, t[d].path))
            return cs_errorf(err, CS_EINVAL, "%s: expected dataset %s, found none", w->path,
                             t[d].path);
        if ((w->dset[d] = H5Dopen2(w->file, t[d].path, H5P_DEFAULT)) < 0)
            return cs_h5_err(err, CS_EHDF5, w->path, "open dataset", t[d].path);
        if ((w->mtype[d] = cs_h5_elem_type(&t[d], false)) < 0)
            return cs_h5_err(err, CS_EHDF5, w->path, "make the memory type of", t[d].path);
        w->ncols[d] = cs_rw_cols(w, (cs_dataset_id)d);
    }
    const uint64_t rows = extent(w, CS_DS_UNSERVED);
    cs_status rc = CS_OK;
    for (int d = 0; d < CS_DS_COUNT && rc == CS_OK; d++) {
        if (w->dset[d] < 0 || t[d].rows == CS_ROWS_VALUES) continue;
        const uint64_t want = t[d].rows == CS_ROWS_OFFSETS ? rows + 1 : rows;
        if (extent(w, d) != want)
            rc = cs_errorf(err, CS_EINVAL, "%s: %s: expected %" PRIu64 " rows, found %" PRIu64,
                           w->path, t[d].path, want, extent(w, d));
    }
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

cs_status cs_results_resume_mpi(cs_results_t **out, const char *path, const cs_results_meta *m,
                                MPI_Comm comm, cs_error *err)
{
    cs_results_t *w;
    cs_status rc = cs_rw_begin(&w, path, m, comm, err);
    *out = NULL;
    if (rc) return rc;
    /* Rank 0 alone clears the flag a killed run left, before any rank opens the file. */
    if (w->rank == 0) rc = cs_results_recover(path, err);
    if (comm != MPI_COMM_NULL) {
        int bad = rc != CS_OK, any = 0;
        MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, comm);
        if (any && rc == CS_OK) rc = cs_errorf(err, CS_EINVAL, "%s: cannot be resumed", path);
    }
    if (rc == CS_OK) rc = cs_rw_open_file(w, false, err);
    if (rc == CS_OK) rc = check_resumable(w, m, err);
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
    return cs_results_resume_mpi(out, path, m, MPI_COMM_NULL, err);
}
