/*
 * writer.c: the HDF5 results writer (results.h, results_mpi.h; docs/hdf5-schema.md).
 *
 * Implementation notes. Every object of the file (groups, datasets, attributes, the static
 * tables and empty per-trial datasets) is made in cs_results_create(), in the order of the
 * schema (results_schema.h), which also says which datasets a run writes. Appending batches only
 * extends the per-trial datasets (H5Dset_extent: metadata, the same call with the same sizes on
 * every rank once the file is shared) and writes raw data through write_block(), the one place
 * where trial data reach the file. The per-trial datasets are handled generically: rows
 * "trial" are copied from the batch's storage of the dataset, rows "offsets" are computed from
 * the counts of their values list. With MPI (cs_results_create_mpi, cs_results_resume_mpi) the
 * file is opened with H5Pset_fapl_mpio, every raw-data write is collective (compressed chunked
 * datasets require it), and each write first shares every rank's batch sizes (plan.c) so that
 * all ranks extend the datasets to the same sizes and each writes its rows, and its part of the
 * CSR lists, at the place one process writing the batches in trial order would.
 *
 * Every HDF5 call is checked: hid_t < 0 and herr_t < 0 become CS_EHDF5 with a message naming the
 * file, the object and the innermost reason on HDF5's error stack (h5util.h). HDF5's automatic
 * error printing is turned off, since the library never prints.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "cablesim/paths.h"
#include "cablesim/results_mpi.h"
#include "results/commit.h"
#include "results/h5util.h"
#include "results/inputs.h"
#include "results/dictionary.h"
#include "results/writer.h"

/* A chunk holds at most this many bytes. */
#define CHUNK_MAX_BYTES ((size_t)16 << 20)
/* Rows per chunk when the scenario gives no batch size. */
#define DEFAULT_CHUNK_ROWS 1024
/* Elements per chunk of the values lists: at least this many. Each write rewrites the last,
 * partly filled chunk of every list elsewhere in the file (the commit protocol never reuses
 * space), so smaller chunks leave fewer dead bytes: 1024 rather than 4096 took the default job
 * (200,000 trials, 196 writes) from 227 to 209 bytes per trial. */
#define MIN_LIST_CHUNK 1024
/* Bytes per chunk of the /outcomes datasets (at least a row). */
#define OUTCOME_CHUNK_BYTES ((size_t)32 << 10)

static const cs_dataset_schema *ds(int d)
{
    return cs_results_dataset((cs_dataset_id)d);
}

static bool per_trial(int d)
{
    return ds(d)->rows != CS_ROWS_STATIC;
}

/* How dataset d follows the trials in w's file, and its path there (format 1: no outcomes). */
static cs_rows_kind rows_of(const cs_results_t *w, int d)
{
    return cs_schema_rows(ds(d), w->version);
}

static const char *path_of(const cs_results_t *w, int d)
{
    return cs_schema_path(ds(d), w->version);
}

size_t cs_rw_cols(const cs_results_t *w, cs_dataset_id d)
{
    return ds(d)->rows == CS_ROWS_TRIAL || ds(d)->rows == CS_ROWS_OUTCOME ? w->run.dim[ds(d)->dim]
                                                                          : 0;
}

hid_t cs_rw_mem_type(const cs_results_t *w, cs_dataset_id d)
{
    return cs_schema_record_narrowed(ds(d), w->version) ? cs_h5_file_elem_type(ds(d), w->version)
                                                        : cs_h5_elem_type(ds(d), false);
}

void cs_rw_set_version(cs_results_t *w, int version)
{
    w->version = version;
    w->run.feature[CS_FEAT_OUTCOMES] = version >= CS_FORMAT_V2;
}

/* ------------------------------------------------------------ root attributes */

static cs_status write_root_attrs(const cs_results_t *w, const cs_results_meta *m,
                                  const char *created, cs_error *err)
{
    const cs_scenario *s = m->scenario;
    const int32_t version = w->version, as_of = s->as_of;
    const uint8_t zero = 0;
    const hid_t f = w->file;
    const char *p = w->path;
    cs_status rc = cs_h5_put_str_attr(p, f, "/", "format", "cablesim-results", err);
    if (rc == CS_OK)
        rc = cs_h5_put_attr(p, f, "/", "format_version", H5T_STD_I32LE, H5T_NATIVE_INT32, &version,
                            err);
    if (rc == CS_OK)
        rc = cs_h5_put_str_attr(p, f, "/", "software_version",
                                m->software_version != NULL ? m->software_version : cs_version(),
                                err);
    /* What the build is made of (cablesim --version): the same in every process of a run. */
    cs_build_info b;
    cs_build_info_get(&b);
    const char *const build[6][2] = {{"software_commit", b.commit}, {"build_type", b.build_type},
                                     {"hdf5_version", b.hdf5},      {"igraph_version", b.igraph},
                                     {"gsl_version", b.gsl},        {"mpi_version", b.mpi}};
    for (size_t i = 0; i < 6 && rc == CS_OK; i++)
        rc = cs_h5_put_str_attr(p, f, "/", build[i][0], build[i][1], err);
    if (rc == CS_OK) rc = cs_h5_put_str_attr(p, f, "/", "scenario", s->text, err);
    /* The scenario resolved, and what readers ask of it first: no reader re-derives them. */
    char *resolved = NULL;
    if (rc == CS_OK) rc = cs_scenario_resolved_text(s, &resolved, err);
    if (rc == CS_OK) rc = cs_h5_put_str_attr(p, f, "/", "scenario_resolved", resolved, err);
    free(resolved);
    if (rc == CS_OK) rc = cs_h5_put_str_attr(p, f, "/", "name", s->name, err);
    if (rc == CS_OK)
        rc = cs_h5_put_str_attr(p, f, "/", "capacity_basis",
                                cs_routing_capacity_name(s->routing.use_lit), err);
    if (rc == CS_OK)
        rc = cs_h5_put_str_attr(p, f, "/", "routing_policy", cs_routing_mode_name(s->routing.mode),
                                err);
    if (rc == CS_OK)
        rc = cs_h5_put_attr(p, f, "/", "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &s->seed, err);
    if (rc == CS_OK)
        rc = cs_h5_put_attr(p, f, "/", "trials", H5T_STD_U64LE, H5T_NATIVE_UINT64, &s->trials, err);
    if (rc == CS_OK)
        rc = cs_h5_put_str_attr(p, f, "/", "topology_sha256", cs_topology_sha256(m->topology), err);
    if (rc == CS_OK)
        rc = cs_h5_put_str_attr(p, f, "/", "demand_sha256", cs_demand_sha256(m->demand), err);
    if (rc == CS_OK)
        rc = cs_h5_put_attr(p, f, "/", "as_of", H5T_STD_I32LE, H5T_NATIVE_INT32, &as_of, err);
    if (rc == CS_OK) rc = cs_h5_put_str_attr(p, f, "/", "created", created, err);
    if (rc == CS_OK) rc = cs_rw_put_input_paths(f, p, s, err);
    if (rc == CS_OK && m->part_trials > 0)
        rc = cs_h5_put_attr(p, f, "/", "part_first_trial", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                            &m->part_first, err);
    if (rc == CS_OK && m->part_trials > 0)
        rc = cs_h5_put_attr(p, f, "/", "part_trials", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                            &m->part_trials, err);
    if (rc == CS_OK)
        rc = cs_h5_put_attr(p, f, "/", "complete", H5T_STD_U8LE, H5T_NATIVE_UINT8, &zero, err);
    return rc;
}

/* ------------------------------------------------------ per-trial datasets */

/*
 * Rows per chunk: a batch, not beyond the trials, at most CHUNK_MAX_BYTES, at least 1. The engine
 * writes whole batches and MPI blocks default to a batch, so that writes cover whole chunks: a
 * compressed chunk written in part has to be read back, inflated and deflated again, and
 * parallel (collective) writes of filtered datasets cannot keep it in a cache in between.
 */
static hsize_t chunk_rows(const cs_output_options *o, uint64_t trials, size_t row_bytes)
{
    uint64_t rows = o->batch_trials > 0 ? o->batch_trials : DEFAULT_CHUNK_ROWS;
    if (trials > 0 && rows > trials + 1) rows = trials + 1;
    const size_t cap = CHUNK_MAX_BYTES / (row_bytes > 0 ? row_bytes : 1);
    if (rows > cap) rows = cap;
    return rows > 0 ? rows : 1;
}

/* The `rows` attribute ("trial", "offsets" with `values`, "values"): cablesim merge and other
 * tools rely on it instead of knowing the datasets by name. */
static cs_status put_rows_attr(const cs_results_t *w, int d, cs_error *err)
{
    const cs_dataset_schema *s = ds(d);
    const char *p = path_of(w, d);
    cs_status rc =
        cs_h5_put_str_attr(w->path, w->dset[d], p, "rows", cs_rows_name(rows_of(w, d)), err);
    if (rc == CS_OK && s->rows == CS_ROWS_OFFSETS)
        rc = cs_h5_put_str_attr(w->path, w->dset[d], p, "values", ds(s->values)->path, err);
    return rc;
}

/*
 * Creates the empty, extendible per-trial dataset d under group g: [0 x ncols] (or [0], or [1]
 * for offsets, whose first element is written by the caller), chunked, shuffled (but float64
 * datasets: cs_schema_shuffled) and deflated.
 */
static cs_status create_trial_dataset(cs_results_t *w, hid_t g, int d, const cs_output_options *o,
                                      cs_error *err)
{
    const cs_dataset_schema *s = ds(d);
    const char *name = path_of(w, d);
    const size_t ncols = cs_rw_cols(w, (cs_dataset_id)d);
    const bool matrix =
        s->rows != CS_ROWS_OFFSETS && s->rows != CS_ROWS_VALUES && s->dim != CS_DIM_NONE;
    const int rank = matrix ? 2 : 1;
    const size_t esize =
        s->type == CS_DT_RECORD ? cs_schema_record_bytes(s, w->version) : cs_dataset_elem_size(s);
    hsize_t chunk[2];
    if (s->rows == CS_ROWS_VALUES) {
        const size_t elems = o->batch_trials > MIN_LIST_CHUNK ? o->batch_trials : MIN_LIST_CHUNK;
        chunk[0] = elems < CHUNK_MAX_BYTES / esize ? elems : CHUNK_MAX_BYTES / esize;
    } else if (rows_of(w, d) == CS_ROWS_OUTCOME) {
        /* Outcomes are read by index: chunks of about OUTCOME_CHUNK_BYTES, whatever the run. */
        const size_t row = (ncols > 0 ? ncols : 1) * esize;
        chunk[0] = OUTCOME_CHUNK_BYTES / row > 0 ? OUTCOME_CHUNK_BYTES / row : 1;
    } else {
        chunk[0] = chunk_rows(o, w->all_trials, (matrix ? ncols : 1) * esize);
    }
    /* A chunk dimension must be >= 1 and within a fixed maximum: zero columns use an
     * unlimited column axis that is never extended. */
    chunk[1] = ncols > 0 ? ncols : 1;
    const hsize_t dims[2] = {s->rows == CS_ROWS_OFFSETS ? 1 : 0, ncols};
    const hsize_t maxdims[2] = {H5S_UNLIMITED, ncols > 0 ? ncols : H5S_UNLIMITED};
    hid_t space = H5Screate_simple(rank, dims, maxdims), dcpl = cs_h5_plain_dcpl();
    const hid_t ftype = cs_h5_file_elem_type(s, w->version);
    w->mtype[d] = cs_rw_mem_type(w, (cs_dataset_id)d);
    cs_status rc = CS_OK;
    if (space < 0 || dcpl < 0 || ftype < 0 || w->mtype[d] < 0 ||
        H5Pset_chunk(dcpl, rank, chunk) < 0 ||
        (o->compression > 0 && cs_schema_shuffled(s) && H5Pset_shuffle(dcpl) < 0) ||
        (o->compression > 0 && H5Pset_deflate(dcpl, o->compression) < 0) ||
        H5Pset_fletcher32(dcpl) < 0 || cs_h5_set_early_alloc(dcpl) < 0) {
        rc = cs_h5_err(err, CS_EHDF5, w->path, "set the chunking and compression of", name);
        goto done;
    }
    w->dset[d] =
        H5Dcreate2(g, strrchr(name, '/') + 1, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (w->dset[d] < 0) {
        rc = cs_h5_err(err, CS_EHDF5, w->path, "create dataset", name);
        goto done;
    }
    w->ncols[d] = ncols;
    rc = cs_h5_put_doc(w->path, w->dset[d], name, s->units, s->description, err);
    if (rc == CS_OK) rc = put_rows_attr(w, d, err);
done:
    if (ftype >= 0) H5Tclose(ftype);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    return rc;
}

/* Selects count rows from row offset of per-trial dataset d in *fspace and *mspace (nothing when
 * empty). */
static herr_t select_rows(const cs_results_t *w, int d, uint64_t offset, uint64_t count,
                          hid_t *fspace, hid_t *mspace)
{
    const bool rows = ds(d)->rows == CS_ROWS_TRIAL || ds(d)->rows == CS_ROWS_OUTCOME;
    const int rank = rows && ds(d)->dim != CS_DIM_NONE ? 2 : 1;
    const hsize_t start[2] = {offset, 0}, n[2] = {count, w->ncols[d]}, one[1] = {1};
    const bool empty = count == 0 || (rank == 2 && w->ncols[d] == 0);
    *fspace = H5Dget_space(w->dset[d]);
    *mspace = empty ? H5Screate_simple(1, one, NULL) : H5Screate_simple(rank, n, NULL);
    if (*fspace < 0 || *mspace < 0) return -1;
    if (empty) return H5Sselect_none(*mspace) >= 0 && H5Sselect_none(*fspace) >= 0 ? 0 : -1;
    return H5Sselect_hyperslab(*fspace, H5S_SELECT_SET, start, NULL, n, NULL);
}

/*
 * Reads count rows at row offset of per-trial dataset d into buf, whose extent covers them (with
 * MPI-IO collectively: each rank passes its own offset and count, possibly 0).
 */
cs_status cs_rw_read_rows(const cs_results_t *w, int d, uint64_t offset, uint64_t count, void *buf,
                          cs_error *err)
{
    hid_t fspace = H5I_INVALID_HID, mspace = H5I_INVALID_HID;
    herr_t st = select_rows(w, d, offset, count, &fspace, &mspace);
    if (st >= 0) st = H5Dread(w->dset[d], w->mtype[d], mspace, fspace, w->dxpl, buf);
    cs_status rc = CS_OK;
    if (st < 0) /* before closing: any HDF5 call clears the error stack */
        rc = cs_h5_err(err, CS_EHDF5, w->path, "read dataset", path_of(w, d));
    if (mspace >= 0) H5Sclose(mspace);
    if (fspace >= 0) H5Sclose(fspace);
    return rc;
}

/*
 * After a step every rank takes alone (selecting its rows, locking), before the collective call
 * that follows it: every rank learns whether any failed, and the failing ranks' first message
 * (the lowest rank's), so that either every rank makes the collective call or none does and all
 * stop at the same step. One process: rc as it is.
 */
static cs_status agree(const cs_results_t *w, cs_status rc, cs_error *err)
{
    if (w->comm == MPI_COMM_NULL) return rc;
    const int mine = rc != CS_OK ? w->rank : w->size;
    int first = w->size;
    if (MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, w->comm) != MPI_SUCCESS)
        return cs_errorf(err, CS_EIO, "%s: MPI could not share the outcome of a write", w->path);
    if (first == w->size) return CS_OK;
    int code = rc;
    char msg[CS_ERROR_MSG_MAX];
    snprintf(msg, sizeof msg, "%s", err != NULL ? err->msg : "");
    if (MPI_Bcast(&code, 1, MPI_INT, first, w->comm) != MPI_SUCCESS ||
        MPI_Bcast(msg, (int)sizeof msg, MPI_CHAR, first, w->comm) != MPI_SUCCESS)
        return cs_errorf(err, CS_EIO, "%s: MPI could not share the outcome of a write", w->path);
    return cs_errorf(err, (cs_status)code, "%s", msg);
}

/*
 * The outcome rc of a call parallel HDF5 makes collectively (a collective H5Dwrite, an extent,
 * a flush, the commit's attribute): under MPI no agreement can follow a failure, since the
 * other ranks may be waiting inside HDF5's own collective calls of that call (on its duplicate
 * of the communicator), where an MPI_Allreduce of ours never reaches them: the job would hang.
 * The failure is this rank's alone (cs_results_failed_alone): the caller ends the job from this
 * rank at once (results_mpi.h). What a rank does before such a call is agreed first (agree).
 */
static cs_status settle(cs_results_t *w, cs_status rc)
{
    if (rc != CS_OK) {
        w->failed = true;
        w->alone = w->comm != MPI_COMM_NULL;
    }
    return rc;
}

/*
 * Writes count rows of buf at row offset of per-trial dataset d. Collective under MPI: the
 * ranks first agree that each could select its rows, so that either every rank enters the
 * collective write or none does; a failure of the write itself is settled.
 */
static cs_status write_block(cs_results_t *w, int d, uint64_t offset, uint64_t count,
                             const void *buf, cs_error *err)
{
    cs_status rc = CS_OK;
    /* Records narrowed in the file's format are packed first (cs_h5_pack_records). */
    if (count > 0 && cs_schema_record_narrowed(ds(d), w->version)) {
        const size_t bytes = (size_t)count * cs_schema_record_bytes(ds(d), w->version);
        if (bytes > w->pack_cap) {
            unsigned char *p = realloc(w->pack, bytes);
            if (p == NULL)
                rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
            else {
                w->pack = p;
                w->pack_cap = bytes;
            }
        }
        if (rc == CS_OK) cs_h5_pack_records(ds(d), w->version, buf, (size_t)count, w->pack);
        buf = w->pack;
    }
    hid_t fspace = H5I_INVALID_HID, mspace = H5I_INVALID_HID;
    if (rc == CS_OK && select_rows(w, d, offset, count, &fspace, &mspace) < 0)
        rc = cs_h5_err(err, CS_EHDF5, w->path, "select the rows to write in", path_of(w, d));
    rc = agree(w, rc, err);
    if (rc)
        w->failed = true;
    else if (H5Dwrite(w->dset[d], w->mtype[d], mspace, fspace, w->dxpl, buf) < 0)
        /* before closing: any HDF5 call clears the error stack */
        rc = settle(w, cs_h5_err(err, CS_EHDF5, w->path, "write dataset", path_of(w, d)));
    if (mspace >= 0) H5Sclose(mspace);
    if (fspace >= 0) H5Sclose(fspace);
    return rc;
}

/* Extends per-trial dataset d to rows rows (metadata: the same call on every rank, settled). */
static cs_status extend(cs_results_t *w, int d, uint64_t rows, cs_error *err)
{
    const hsize_t dims[2] = {rows, w->ncols[d]};
    if (H5Dset_extent(w->dset[d], dims) < 0)
        return settle(w, cs_h5_err(err, CS_EHDF5, w->path, "extend dataset", path_of(w, d)));
    return CS_OK;
}

/* Writes the group at gi of the schema with its datasets (static ones whole, per-trial ones
 * empty), when the run has it. */
static cs_status create_group(cs_results_t *w, const cs_group_schema *gs, const cs_results_meta *m,
                              cs_error *err)
{
    if (!w->run.feature[gs->feature]) return CS_OK;
    hid_t g;
    cs_status rc = cs_rw_make_group(&g, w, gs->path, gs->description, err);
    if (rc) return rc;
    if (strcmp(gs->path, "/recovery") == 0) {
        const cs_recovery_params *p = cs_recovery_get_params(m->recovery);
        rc = cs_h5_put_attr(w->path, g, gs->path, "horizon_days", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                            &p->horizon_days, err);
        if (rc == CS_OK)
            rc = cs_h5_put_attr(w->path, g, gs->path, "step_hours", H5T_IEEE_F64LE,
                                H5T_NATIVE_DOUBLE, &p->step_hours, err);
    }
    const size_t glen = strlen(gs->path);
    for (int d = 0; d < CS_DS_COUNT && rc == CS_OK; d++) {
        const cs_dataset_schema *s = ds(d);
        const char *p = path_of(w, d);
        if (strncmp(p, gs->path, glen) != 0 || p[glen] != '/' ||
            strchr(p + glen + 1, '/') != NULL || !cs_schema_writes(&w->run, s))
            continue;
        rc = per_trial(d) ? create_trial_dataset(w, g, d, &m->scenario->output, err)
                          : cs_rw_write_static(w, g, (cs_dataset_id)d, m, err);
    }
    if (H5Gclose(g) < 0 && rc == CS_OK)
        rc = cs_h5_err(err, CS_EHDF5, w->path, "close group", gs->path);
    /* The CSR offsets start with 0: trial 0's list begins at element 0. One rank writes it. */
    const uint64_t zero = 0, count = w->rank == 0 ? 1 : 0;
    for (int d = 0; d < CS_DS_COUNT && rc == CS_OK; d++)
        if (ds(d)->rows == CS_ROWS_OFFSETS && w->dset[d] >= 0 &&
            strncmp(ds(d)->path, gs->path, glen) == 0 && ds(d)->path[glen] == '/')
            rc = write_block(w, d, 0, count, &zero, err);
    return rc;
}

/* Flushes the file and has the system write it to the disk (collective, settled). */
static cs_status sync_file(cs_results_t *w, cs_error *err)
{
    void *handle = NULL;
    if (H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0)
        return settle(w, cs_h5_err(err, CS_EHDF5, w->path, "flush", "the file"));
    /* With MPI-IO the flush is an MPI_File_sync; the sec2 driver leaves it to the system. */
    if (w->comm == MPI_COMM_NULL && !w->image &&
        (H5Fget_vfd_handle(w->file, H5P_DEFAULT, &handle) < 0 || handle == NULL ||
         fsync(*(int *)handle) != 0))
        return settle(w, cs_errorf(err, CS_EIO, "%s: cannot sync the file to the disk", w->path));
    return CS_OK;
}

/*
 * Records the trials written and the length of every values list in the attribute `committed`
 * (made when create), then flushes and syncs: the commit point of a write (commit.h). Called
 * only once the data it covers are on disk.
 */
static cs_status commit(cs_results_t *w, bool create, cs_error *err)
{
    bool has[CS_DS_COUNT]; /* the lists and outcome tables the record gives the length of */
    for (int d = 0; d < CS_DS_COUNT; d++)
        has[d] = w->dset[d] >= 0 && rows_of(w, d) != CS_ROWS_TRIAL;
    cs_status rc =
        settle(w, cs_commit_write(w->file, w->path, w->written, w->len, has, create, err));
    if (rc == CS_OK) rc = sync_file(w, err);
    return rc;
}

/* ---------------------------------------------------------------- create */

/* File access: the sec2 driver for one process, MPI-IO over comm otherwise. */
static hid_t file_access_plist(MPI_Comm comm, bool image)
{
    hid_t p = H5Pcreate(H5P_FILE_ACCESS);
    if (image && p >= 0 && H5Pset_fapl_core(p, 1 << 20, false) < 0) {
        H5Pclose(p);
        return H5I_INVALID_HID;
    }
    /* The 1.10 file format indexes chunks of datasets that grow along one axis
     * with an extensible array instead of a B-tree: appends stay cheap and the
     * metadata held in memory stays small however many trials are written.
     * h5py and any HDF5 >= 1.10 read it. */
    const herr_t drv = p < 0                   ? -1
                       : image                 ? 0
                       : comm == MPI_COMM_NULL ? H5Pset_fapl_sec2(p)
                                               : H5Pset_fapl_mpio(p, comm, MPI_INFO_NULL);
    if (p >= 0 && (drv < 0 || H5Pset_libver_bounds(p, H5F_LIBVER_V110, H5F_LIBVER_LATEST) < 0)) {
        H5Pclose(p);
        return H5I_INVALID_HID;
    }
    return p;
}

cs_status cs_rw_release(cs_results_t *w, cs_error *err)
{
    cs_status rc = CS_OK;
    for (int d = 0; d < CS_DS_COUNT; d++) {
        if (w->dset[d] >= 0 && H5Dclose(w->dset[d]) < 0 && rc == CS_OK)
            rc = cs_h5_err(err, CS_EHDF5, w->path, "close dataset", path_of(w, d));
        if (w->mtype[d] >= 0) H5Tclose(w->mtype[d]);
    }
    if (w->dxpl >= 0) H5Pclose(w->dxpl);
    if (w->file >= 0 && H5Fclose(w->file) < 0 && rc == CS_OK)
        rc = cs_h5_err(err, CS_EHDF5, w->path, "close", "the file");
    if (w->lock_fd >= 0) close(w->lock_fd); /* after the file: releases the lock */
    free(w->offsets);
    cs_omap_destroy(&w->omap);
    free(w->wkey);
    free(w->wid);
    free(w->wnew);
    free(w->wstart);
    free(w->obuf);
    free(w->pack);
    cs_results_tables_free(w->kept);
    free(w->path);
    free(w);
    return rc;
}

static cs_status check_meta(const char *path, const cs_results_meta *m, cs_error *err)
{
    if (m->scenario == NULL || m->topology == NULL || m->demand == NULL || m->baseline == NULL)
        return cs_errorf(err, CS_EINVAL,
                         "%s: expected a scenario, topology, demand and baseline routing", path);
    const size_t nn = cs_topology_node_count(m->topology), ne = cs_topology_edge_count(m->topology);
    if (nn > UINT32_MAX || ne > UINT32_MAX)
        return cs_errorf(err, CS_EINVAL,
                         "%s: expected at most %" PRIu32 " nodes and edges, found "
                         "%zu nodes and %zu edges",
                         path, UINT32_MAX, nn, ne);
    if (m->baseline->n_demands != cs_demand_count(m->demand) || m->baseline->n_edges != ne)
        return cs_errorf(err, CS_EINVAL,
                         "%s: baseline routing: expected %zu demands and %zu edges, found %zu and "
                         "%zu",
                         path, cs_demand_count(m->demand), ne, m->baseline->n_demands,
                         m->baseline->n_edges);
    const size_t np = m->pairs != NULL ? m->pairs->n : 0;
    for (size_t i = 0; i < np; i++)
        if (m->pairs->origin[i] >= nn || m->pairs->region[i] == NULL)
            return cs_errorf(err, CS_EINVAL,
                             "%s: pair %zu: expected a node index < %zu and a region, found %zu",
                             path, i, nn, m->pairs->origin[i]);
    if (m->part_trials > 0 && (m->part_first >= m->scenario->trials ||
                               m->part_trials > m->scenario->trials - m->part_first))
        return cs_errorf(err, CS_EINVAL,
                         "%s: part of %" PRIu64 " trials from trial %" PRIu64
                         ": expected a range within the scenario's %" PRIu64 " trials",
                         path, m->part_trials, m->part_first, m->scenario->trials);
    if (m->scenario->output.compression > 9)
        return cs_errorf(err, CS_EINVAL, "%s: output compression: expected 0..9, found %u", path,
                         m->scenario->output.compression);
    return CS_OK;
}

/*
 * HDF5's sec2 driver holds an exclusive flock on the file it writes; MPI-IO takes none. Under
 * MPI rank 0 holds one for the writer's life, taken before HDF5 opens the file when it exists
 * (a resume, or the temporary file outfile.h claimed), so that a second writer (--resume),
 * cs_results_recover and `status` see that the file is being written, and refuse before they
 * change anything (a kill releases the lock). Collective: every rank learns the outcome.
 */
static cs_status lock_file(cs_results_t *w, bool after_create, cs_error *err)
{
    if (w->comm == MPI_COMM_NULL) return CS_OK;
    cs_status rc = CS_OK;
    if (w->rank == 0 && w->lock_fd < 0) {
        w->lock_fd = open(w->path, O_RDONLY | O_CLOEXEC);
        if (w->lock_fd < 0 && (errno != ENOENT || after_create))
            rc = cs_errorf(err, CS_EIO, "%s: cannot open the file to lock it: %s", w->path,
                           strerror(errno));
        else if (w->lock_fd >= 0 && flock(w->lock_fd, LOCK_EX | LOCK_NB) != 0)
            rc = cs_errorf(err, CS_EINVAL,
                           "%s: the file is open in another process (a run still writing it?)",
                           w->path);
    }
    return agree(w, rc, err);
}

cs_status cs_rw_open_file(cs_results_t *w, bool create, cs_error *err)
{
    cs_status lrc = lock_file(w, false, err);
    if (lrc) return lrc;
    const hid_t fapl = file_access_plist(w->comm, w->image);
    if (fapl < 0) return cs_h5_err(err, CS_EHDF5, w->path, "set up file access for", "the file");
    const hid_t fcpl = create ? cs_h5_plain_fcpl() : H5P_DEFAULT;
    w->file = !create     ? H5Fopen(w->path, H5F_ACC_RDWR, fapl)
              : fcpl >= 0 ? H5Fcreate(w->path, H5F_ACC_TRUNC, fcpl, fapl)
                          : H5I_INVALID_HID;
    /* The reason first: any HDF5 call, H5Pclose included, clears the error stack. */
    const cs_status rc = w->file < 0 ? cs_h5_err(err, CS_EIO, w->path, create ? "create" : "open",
                                                 "the results file")
                                     : CS_OK;
    H5Pclose(fapl);
    if (create && fcpl >= 0) H5Pclose(fcpl);
    if (rc) return rc;
    /* The transfer plist of every raw-data write: collective with MPI-IO, which compressed
     * (filtered) chunked datasets require; ranks with nothing to write select none. */
    w->dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (w->dxpl < 0 ||
        (w->comm != MPI_COMM_NULL && H5Pset_dxpl_mpio(w->dxpl, H5FD_MPIO_COLLECTIVE) < 0))
        return cs_h5_err(err, CS_EHDF5, w->path, "set up data transfer for", "the file");
    return lock_file(w, true, err); /* a file that did not exist before H5Fcreate */
}

static void set_sizes(cs_results_t *w, const cs_results_meta *m)
{
    const cs_output_options *o = &m->scenario->output;
    w->all_trials = m->scenario->trials;
    w->first = m->part_trials > 0 ? m->part_first : 0;
    w->trials = m->part_trials > 0 ? m->part_trials : m->scenario->trials;
    cs_schema_run *r = &w->run;
    memset(r, 0, sizeof *r);
    r->feature[CS_FEAT_ALWAYS] = true;
    r->feature[CS_FEAT_LATENCY] = o->latency;
    r->feature[CS_FEAT_EDGE_FLOW] = o->edge_flow;
    r->feature[CS_FEAT_RECOVERY] = m->recovery != NULL;
    r->feature[CS_FEAT_WEIGHT] = m->scenario->weighted;
    r->dim[CS_DIM_NODES] = cs_topology_node_count(m->topology);
    r->dim[CS_DIM_EDGES] = cs_topology_edge_count(m->topology);
    r->dim[CS_DIM_DEMANDS] = cs_demand_count(m->demand);
    r->dim[CS_DIM_PAIRS] = m->pairs != NULL ? m->pairs->n : 0;
    r->dim[CS_DIM_STEPS] = m->recovery != NULL ? cs_recovery_steps(m->recovery) : 0;
    r->dim[CS_DIM_SHIPS] = m->recovery != NULL ? cs_recovery_ship_count(m->recovery) : 0;
    r->feature[CS_FEAT_IMPACT] = m->regions != NULL;
    r->feature[CS_FEAT_HEADROOM] = m->regions != NULL && o->headroom;
    r->dim[CS_DIM_REGIONS] = m->regions != NULL ? m->regions->n : 0;
    cs_rw_set_version(w, o->format_version >= CS_FORMAT_V1 && o->format_version <= CS_FORMAT_V4
                             ? o->format_version
                             : CS_RESULTS_FORMAT_VERSION);
}

static cs_status writer_alloc(cs_results_t **out, const char *path, MPI_Comm comm, cs_error *err)
{
    cs_results_t *w = calloc(1, sizeof *w);
    const size_t plen = strlen(path) + 1;
    char *p = malloc(plen);
    if (w == NULL || p == NULL) {
        free(w);
        free(p);
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", path);
    }
    memcpy(p, path, plen);
    w->path = p;
    w->file = w->dxpl = H5I_INVALID_HID;
    w->lock_fd = -1;
    for (int d = 0; d < CS_DS_COUNT; d++)
        w->dset[d] = w->mtype[d] = H5I_INVALID_HID;
    w->comm = comm;
    cs_omap_init(&w->omap);
    w->rank = 0;
    w->size = 1;
    if (comm != MPI_COMM_NULL && (MPI_Comm_rank(comm, &w->rank) != MPI_SUCCESS ||
                                  MPI_Comm_size(comm, &w->size) != MPI_SUCCESS)) {
        free(p);
        free(w);
        return cs_errorf(err, CS_EIO, "%s: MPI could not tell this process's rank", path);
    }
    *out = w;
    return CS_OK;
}

cs_status cs_rw_begin(cs_results_t **out, const char *path, const cs_results_meta *m, MPI_Comm comm,
                      cs_error *err)
{
    *out = NULL;
    cs_status rc = cs_h5_quiet(path, err);
    if (rc == CS_OK) rc = check_meta(path, m, err);
    if (rc == CS_OK) rc = writer_alloc(out, path, comm, err);
    if (rc == CS_OK) set_sizes(*out, m);
    return rc;
}

static cs_status write_intact(cs_results_t *w, const cs_trial_batch *in, cs_error *err);

/* A file made on one process in format 4: keeps its float64 outcome tables as they are written,
 * so that its compaction need not read them back (cs_results_close_keep). */
static cs_status keep_tables(cs_results_t *w, cs_error *err)
{
    size_t cols[CS_DS_COUNT] = {0};
    bool any = false;
    for (int d = 0; d < CS_DS_COUNT; d++)
        if (w->comm == MPI_COMM_NULL && w->dset[d] >= 0 &&
            cs_schema_dictionary(ds(d), w->version)) {
            cols[d] = w->ncols[d];
            any = any || cols[d] > 0;
        }
    if (any && (w->kept = cs_dict_keep_new(cols)) == NULL)
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    return CS_OK;
}

cs_status cs_results_create(cs_results_t **out, const char *path, const cs_results_meta *m,
                            cs_error *err)
{
    return cs_results_create_mpi(out, path, m, MPI_COMM_NULL, err);
}

cs_status cs_results_create_mpi(cs_results_t **out, const char *path, const cs_results_meta *m,
                                MPI_Comm comm, cs_error *err)
{
    cs_results_t *w;
    cs_status rc = cs_rw_begin(&w, path, m, comm, err);
    *out = NULL;
    if (rc) return rc;
    char stamp[32];
    if (m->created == NULL) cs_h5_now_utc(stamp);
    rc = cs_rw_open_file(w, true, err);
    if (rc == CS_OK) rc = write_root_attrs(w, m, m->created != NULL ? m->created : stamp, err);
    size_t ng = 0;
    const cs_group_schema *groups = cs_results_groups(&ng);
    for (size_t i = 0; i < ng && rc == CS_OK; i++)
        rc = create_group(w, &groups[i], m, err);
    if (rc == CS_OK) rc = keep_tables(w, err);
    if (rc == CS_OK && m->intact != NULL) rc = write_intact(w, m->intact, err);
    /* Everything made and on disk, then the commit record of no trial (commit.h). */
    if (rc == CS_OK) rc = sync_file(w, err);
    if (rc == CS_OK) rc = commit(w, true, err);
    /* Once the file is open every step is a collective call of HDF5 (the static tables are
     * written collectively): a failure is settled, and after one on this rank alone the file
     * cannot be closed collectively: w goes to the caller, which ends the job (results_mpi.h). */
    if (rc && w->file >= 0) settle(w, rc);
    if (rc && w->alone) {
        *out = w;
        return rc;
    }
    if (rc) {
        cs_rw_release(w, NULL); /* the first error is the one to report */
        return rc;
    }
    *out = w;
    return CS_OK;
}

cs_status cs_rw_create_image(cs_results_t **out, const char *name, const cs_results_meta *m,
                             int version, cs_error *err)
{
    cs_results_t *w;
    cs_status rc = cs_rw_begin(&w, name, m, MPI_COMM_NULL, err);
    *out = NULL;
    if (rc) return rc;
    w->image = true;
    cs_rw_set_version(w, version);
    rc = cs_rw_open_file(w, true, err);
    if (rc == CS_OK) rc = write_root_attrs(w, m, "", err);
    size_t ng = 0;
    const cs_group_schema *groups = cs_results_groups(&ng);
    for (size_t i = 0; i < ng && rc == CS_OK; i++)
        rc = create_group(w, &groups[i], m, err);
    if (rc) {
        cs_rw_release(w, NULL);
        return rc;
    }
    *out = w;
    return CS_OK;
}

/* ----------------------------------------------------------- write_batch */

/* Checks this rank's batch against the file (a mismatch is a programming error). */
cs_status cs_rw_check_batch(const cs_results_t *w, const cs_trial_batch *b, cs_error *err)
{
    const size_t *n = w->run.dim;
    if (b->n_demands != n[CS_DIM_DEMANDS] || b->n_edges != n[CS_DIM_EDGES] ||
        b->n_nodes != n[CS_DIM_NODES] || b->n_pairs != n[CS_DIM_PAIRS])
        return cs_errorf(err, CS_EINVAL,
                         "%s: expected a batch of %zu demands, %zu edges, %zu nodes and %zu pairs, "
                         "found %zu, %zu, %zu and %zu",
                         w->path, n[CS_DIM_DEMANDS], n[CS_DIM_EDGES], n[CS_DIM_NODES],
                         n[CS_DIM_PAIRS], b->n_demands, b->n_edges, b->n_nodes, b->n_pairs);
    if (b->n_steps != n[CS_DIM_STEPS] || b->n_ships != n[CS_DIM_SHIPS])
        return cs_errorf(err, CS_EINVAL,
                         "%s: expected a batch with recovery over %zu steps and %zu ships, found "
                         "%zu and %zu",
                         w->path, n[CS_DIM_STEPS], n[CS_DIM_SHIPS], b->n_steps, b->n_ships);
    for (size_t i = 0; i < b->n; i++) { /* one step back, to a trial with its rows */
        const uint32_t j = cs_trial_batch_same(b, i);
        if (j != UINT32_MAX && (j >= i || cs_trial_batch_same(b, j) != UINT32_MAX))
            return cs_errorf(err, CS_EINVAL,
                             "%s: trial %" PRIu64 " of the batch: expected the outcome of an "
                             "earlier trial with its own rows, found trial %" PRIu32,
                             w->path, b->first_trial + i, j);
    }
    for (int d = 0; d < CS_DS_COUNT; d++) {
        const cs_dataset_schema *s = ds(d);
        if (w->dset[d] < 0 || s->rows == CS_ROWS_OFFSETS || d == CS_DS_OUTCOME) continue;
        const cs_batch_data *x = &b->data[d];
        if (!x->present)
            return cs_errorf(err, CS_EINVAL, "%s: expected %s in the batch, found none", w->path,
                             path_of(w, d));
        if ((s->rows == CS_ROWS_TRIAL || s->rows == CS_ROWS_OUTCOME) && x->cols != w->ncols[d] &&
            s->dim != CS_DIM_NONE)
            return cs_errorf(err, CS_EINVAL, "%s: %s: expected %zu columns in the batch, found %zu",
                             w->path, path_of(w, d), w->ncols[d], x->cols);
        if (s->rows != CS_ROWS_VALUES) continue;
        uint64_t sum = 0;
        for (size_t i = 0; i < b->n; i++)
            sum += x->counts[i];
        if (sum != x->n_values)
            return cs_errorf(err, CS_EINVAL,
                             "%s: %s: batch counts add up to %" PRIu64 ", but %zu are listed",
                             w->path, path_of(w, d), sum, x->n_values);
    }
    return CS_OK;
}

/* The CSR offsets of counts[0..n-1] placed after start values, into w->offsets. */
static cs_status csr_offsets(cs_results_t *w, const uint32_t *counts, size_t n, uint64_t start,
                             cs_error *err)
{
    if (n > w->offsets_cap) {
        uint64_t *p = realloc(w->offsets, n * sizeof *p);
        if (p == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
        w->offsets = p;
        w->offsets_cap = n;
    }
    uint64_t end = start; /* where trial i's list ends */
    for (size_t i = 0; i < n; i++) {
        end += counts[i];
        w->offsets[i] = end;
    }
    return CS_OK;
}

/*
 * Appends one CSR list (offsets dataset doff, values dataset dval) for every batch of the write,
 * each at its place. Collective: round j writes every rank's j-th batch (or nothing).
 */
static cs_status append_csr(cs_results_t *w, int doff, const cs_trial_batch *const *b, size_t nb,
                            const cs_rw_pos *pos, const cs_rw_plan *plan, cs_error *err)
{
    const int dval = (int)ds(doff)->values;
    const uint64_t total = w->len[dval];
    cs_status rc = extend(w, dval, total + plan->vals[dval], err);
    for (size_t j = 0; j < plan->rounds && rc == CS_OK; j++) {
        const cs_batch_data *x = j < nb ? &b[j]->data[dval] : NULL;
        rc = x != NULL
                 ? write_block(w, dval, total + pos[j].vals[dval], x->n_values, x->values, err)
                 : write_block(w, dval, 0, 0, NULL, err);
    }
    if (rc == CS_OK) rc = extend(w, doff, w->written + 1 + plan->rows, err);
    for (size_t j = 0; j < plan->rounds && rc == CS_OK; j++) {
        const size_t n = j < nb ? b[j]->n : 0;
        uint64_t at = 0;
        if (j < nb) {
            at = w->written + 1 + pos[j].rows;
            rc = csr_offsets(w, b[j]->data[dval].counts, n, total + pos[j].vals[dval], err);
        }
        if (rc == CS_OK) rc = write_block(w, doff, at, n, w->offsets, err);
    }
    if (rc == CS_OK) w->len[dval] = total + plan->vals[dval];
    return rc;
}

/* Batch b's rows of rows-"trial" dataset d as the file takes them (*rows): its storage, but in
 * format 1 an outcome dataset's with the rows of the trials that share an earlier trial's
 * outcome (same_as) copied from it, into w->obuf. */
static cs_status trial_rows(cs_results_t *w, int d, const cs_trial_batch *b, const void **rows,
                            cs_error *err)
{
    const cs_batch_data *x = &b->data[d];
    *rows = x->rows;
    if (ds(d)->rows != CS_ROWS_OUTCOME) return CS_OK;
    const size_t bytes = x->cols * x->esize;
    bool same = false;
    for (size_t i = 0; i < b->n && !same; i++)
        same = cs_trial_batch_same(b, i) != UINT32_MAX;
    if (!same) return CS_OK;
    const cs_status rc = cs_rw_reserve_obuf(w, b->n * bytes + 1, err);
    if (rc) return rc;
    for (size_t i = 0; i < b->n; i++) {
        const uint32_t s = cs_trial_batch_same(b, i);
        const size_t from = s != UINT32_MAX ? s : i;
        memcpy(w->obuf + i * bytes, (const unsigned char *)x->rows + from * bytes, bytes);
    }
    *rows = w->obuf;
    return CS_OK;
}

/* Appends every batch's rows of rows-"trial" dataset d (/trials/outcome: the outcomes the
 * writer gave the trials). */
static cs_status append_rows(cs_results_t *w, int d, const cs_trial_batch *const *b, size_t nb,
                             const cs_rw_pos *pos, const cs_rw_plan *plan, cs_error *err)
{
    cs_status rc = extend(w, d, w->written + plan->rows, err);
    for (size_t j = 0; j < plan->rounds && rc == CS_OK; j++) {
        const void *rows = j >= nb || d != CS_DS_OUTCOME ? NULL : w->wid + w->wstart[j];
        if (j < nb && d != CS_DS_OUTCOME) rc = trial_rows(w, d, b[j], &rows, err);
        if (rc) break;
        rc = j < nb ? write_block(w, d, w->written + pos[j].rows, b[j]->n, rows, err)
                    : write_block(w, d, 0, 0, NULL, err);
    }
    return rc;
}

/* Room for bytes in w->obuf. */
cs_status cs_rw_reserve_obuf(cs_results_t *w, size_t bytes, cs_error *err)
{
    if (bytes <= w->obuf_cap) return CS_OK;
    unsigned char *p = realloc(w->obuf, bytes);
    if (p == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    w->obuf = p;
    w->obuf_cap = bytes;
    return CS_OK;
}

/* Keeps n rows of outcome table d just written (when w keeps the tables): past what it may keep,
 * it drops them all, and the compaction reads the file instead. */
static void keep_rows(cs_results_t *w, int d, const void *rows, size_t n)
{
    if (w->kept != NULL && !cs_dict_keep_add(w->kept, d, rows, n)) {
        cs_results_tables_free(w->kept);
        w->kept = NULL;
    }
}

/* Appends the new outcomes of every batch to outcome dataset d, each batch's (those whose first
 * trial it holds, in trial order: their numbers) at its place. */
static cs_status append_outcomes(cs_results_t *w, int d, const cs_trial_batch *const *b, size_t nb,
                                 const cs_rw_pos *pos, const uint64_t *fresh,
                                 const cs_rw_plan *plan, cs_error *err)
{
    const uint64_t at = w->len[d];
    cs_status rc = extend(w, d, at + plan->outcomes, err);
    for (size_t j = 0; j < plan->rounds && rc == CS_OK; j++) {
        if (j >= nb) {
            rc = write_block(w, d, 0, 0, NULL, err);
            continue;
        }
        const cs_batch_data *x = &b[j]->data[d];
        const size_t bytes = x->cols * x->esize;
        rc = cs_rw_reserve_obuf(w, (size_t)fresh[j] * bytes + 1, err);
        size_t k = 0;
        for (size_t i = 0; i < b[j]->n && rc == CS_OK; i++)
            if (w->wnew[w->wstart[j] + i])
                memcpy(w->obuf + bytes * k++, (const unsigned char *)x->rows + bytes * i, bytes);
        assert(rc != CS_OK || k == fresh[j]);
        if (rc == CS_OK) rc = write_block(w, d, at + pos[j].outcomes, fresh[j], w->obuf, err);
        if (rc == CS_OK) keep_rows(w, d, w->obuf, fresh[j]);
    }
    if (rc == CS_OK) w->len[d] = at + plan->outcomes;
    return rc;
}

/* Writes outcome 0, the intact network's (row 0 of batch in), when the file has outcomes. */
static cs_status write_intact(cs_results_t *w, const cs_trial_batch *in, cs_error *err)
{
    if (w->version < CS_FORMAT_V2) return CS_OK;
    cs_status rc = cs_rw_check_batch(w, in, err);
    if (rc == CS_OK && in->n == 0)
        rc = cs_errorf(err, CS_EINVAL, "%s: expected the intact network's outcome", w->path);
    if (rc == CS_OK && !cs_omap_add(&w->omap, cs_rw_trial_key(w, in, 0)))
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    for (int d = 0; d < CS_DS_COUNT && rc == CS_OK; d++) {
        if (w->dset[d] < 0 || ds(d)->rows != CS_ROWS_OUTCOME) continue;
        rc = extend(w, d, 1, err);
        if (rc == CS_OK) rc = write_block(w, d, 0, w->rank == 0 ? 1 : 0, in->data[d].rows, err);
        if (rc == CS_OK) keep_rows(w, d, in->data[d].rows, 1);
        if (rc == CS_OK) w->len[d] = 1;
    }
    return rc;
}

double cs_rw_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

cs_status cs_rw_write_batches(cs_results_t *w, const cs_trial_batch *const *b, size_t nb,
                              cs_error *err)
{
    cs_status rc = cs_h5_quiet(w->path, err);
    for (size_t i = 0; i < nb && rc == CS_OK; i++)
        rc = cs_rw_check_batch(w, b[i], err);
    cs_rw_pos *pos = malloc((nb > 0 ? nb : 1) * sizeof *pos);
    if (rc == CS_OK && pos == NULL) rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    uint64_t *fresh = calloc(nb + 1, sizeof *fresh); /* new outcomes per batch */
    if (rc == CS_OK && fresh == NULL) rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    cs_rw_plan plan;
    memset(&plan, 0, sizeof plan);
    /* Every rank joins the collective calls of the outcomes and the plan, even after a local
     * error, which their exchange cannot report to the others: the caller aborts the job on any
     * error. */
    if (rc == CS_OK && w->version >= CS_FORMAT_V2) rc = cs_rw_assign_outcomes(w, b, nb, fresh, err);
    if (rc == CS_OK) rc = cs_rw_plan_write(w, b, nb, fresh, pos, &plan, err);
    assert(rc != CS_OK || w->version < CS_FORMAT_V2 || plan.outcomes == w->omap.n - w->fresh_from);
    if (rc == CS_OK && plan.rows > 0) {
        /* In the schema's order: each offsets dataset with its values, then the next. */
        for (int d = 0; d < CS_DS_COUNT && rc == CS_OK; d++) {
            if (w->dset[d] < 0) continue;
            const cs_rows_kind k = rows_of(w, d);
            if (k == CS_ROWS_OFFSETS) rc = append_csr(w, d, b, nb, pos, &plan, err);
            if (k == CS_ROWS_TRIAL) rc = append_rows(w, d, b, nb, pos, &plan, err);
            if (k == CS_ROWS_OUTCOME) rc = append_outcomes(w, d, b, nb, pos, fresh, &plan, err);
        }
        /* The data on disk, then the record that they are complete (commit.h): a run killed
         * at any point keeps the trials of the last record. */
        if (rc == CS_OK) rc = sync_file(w, err);
        if (rc == CS_OK) w->written += plan.rows;
        if (rc == CS_OK) rc = commit(w, false, err);
    }
    free(pos);
    free(fresh);
    return rc;
}

cs_status cs_results_write_batches(cs_results_t *w, const cs_trial_batch *const *b, size_t nb,
                                   cs_error *err)
{
    const double t0 = cs_rw_now_s();
    const cs_status rc = cs_rw_write_batches(w, b, nb, err);
    w->write_seconds += cs_rw_now_s() - t0;
    return rc;
}

double cs_results_write_seconds(const cs_results_t *w)
{
    return w != NULL ? w->write_seconds : 0.0;
}

double cs_results_thread_seconds(const cs_results_t *w)
{
    return w != NULL ? w->thread_seconds : 0.0;
}

cs_status cs_results_write_batch(cs_results_t *w, const cs_trial_batch *b, cs_error *err)
{
    return cs_results_write_batches(w, &b, 1, err);
}

bool cs_results_failed(const cs_results_t *w)
{
    return w != NULL && w->failed;
}

bool cs_results_failed_alone(const cs_results_t *w)
{
    return w != NULL && w->alone;
}

uint64_t cs_results_written(const cs_results_t *w)
{
    return w->written;
}

/* ----------------------------------------------------------------- close */

/* Sets complete = 1 after every trial is on disk: the file's last write. */
static cs_status mark_complete(const cs_results_t *w, cs_error *err)
{
    if (w->written != w->trials)
        return cs_errorf(err, CS_EINVAL,
                         "%s: %" PRIu64 " of %" PRIu64
                         " trials written; the file is left incomplete (complete = 0)",
                         w->path, w->written, w->trials);
    return cs_h5_mark_complete(w->file, w->path, err);
}

cs_status cs_results_close(cs_results_t *w, bool complete, cs_error *err)
{
    return cs_results_close_keep(w, complete, NULL, err);
}

cs_status cs_results_close_keep(cs_results_t *w, bool complete, cs_results_tables **kept,
                                cs_error *err)
{
    if (kept != NULL) *kept = NULL;
    if (w == NULL) return CS_OK;
    cs_status rc = cs_h5_quiet(w->path, err);
    /* Closed normally: nothing past the commit record (commit.h). Not after a failed write:
     * the close's flush then writes what it can (below `ulimit -f`, say: the root's attributes
     * but not a chunk index past the limit), and `writing` = 1 tells the resume to rebuild every
     * per-trial dataset from the commit record instead of trusting what the flush left. */
    if (rc == CS_OK && w->file >= 0 && !w->failed)
        rc = cs_commit_set_writing(w->file, w->path, false, err);
    if (rc == CS_OK && complete) rc = mark_complete(w, err);
    if (rc == CS_OK && complete && kept != NULL) {
        *kept = w->kept;
        w->kept = NULL;
    }
    const cs_status rc_release = cs_rw_release(w, rc == CS_OK ? err : NULL);
    return rc != CS_OK ? rc : rc_release;
}

void cs_results_part(uint64_t trials, uint64_t i, uint64_t n, uint64_t *first, uint64_t *count)
{
    /* floor(i * trials / n) without overflowing 64 bits */
    const uint64_t q = trials / n, r = trials % n;
    const uint64_t lo = i * q + (i * r) / n, hi = (i + 1) * q + ((i + 1) * r) / n;
    *first = lo;
    *count = hi - lo;
}
