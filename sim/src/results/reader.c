/*
 * reader.c: the results file reader (resultsio.h; docs/hdf5-schema.md, "Reading with the HDF5
 * C API").
 *
 * Implementation notes. The tables are read one column at a time, each with a one-member
 * memory compound type: HDF5 matches compound members by name, so the columns this reader
 * does not know are ignored and the order of columns does not matter, as the schema's
 * stability rules ask. String columns are read as UTF-8, null-terminated, one byte longer than
 * the file's fixed length, into one block per column that the reader owns. Every problem is
 * reported as "file: object: expected X, found Y"; files that are not what the format promises
 * are CS_EINVAL and files HDF5 cannot read are CS_EIO, both input errors (exit status 2).
 */
#include "cablesim/resultsio.h"

#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hdf5.h>

#include "cablesim/scenario.h"
#include "results/heapcheck.h"
#include "results/dictionary.h"
#include "results/h5util.h"
#include "results/outcomes.h"
#include "results/reader.h"
#include "results/values.h"

/* "path: HDF5 could not <what> <object> (reason)" as CS_EIO: the input cannot be read. */
static cs_status h5err(cs_error *err, const char *path, const char *what, const char *object)
{
    return cs_h5_err(err, CS_EIO, path, what, object);
}

/* ------------------------------------------------------------- ownership */

/* Hands p to the reader (freed at close); frees it and returns false when that fails. */
static bool own(cs_resultsio_t *r, void *p)
{
    if (p == NULL) return false;
    if (r->n_owned == r->cap_owned) {
        const size_t n = r->cap_owned ? 2 * r->cap_owned : 32;
        void **q = realloc(r->owned, n * sizeof *q);
        if (q == NULL) {
            free(p);
            return false;
        }
        r->owned = q;
        r->cap_owned = n;
    }
    r->owned[r->n_owned++] = p;
    return true;
}

void *cs_rd_alloc(cs_resultsio_t *r, size_t n, size_t size)
{
    void *p = calloc(n + 1, size); /* + 1: never 0 bytes */
    return own(r, p) ? p : NULL;
}

cs_status cs_rd_oom(const cs_resultsio_t *r, cs_error *err)
{
    return cs_errorf(err, CS_ENOMEM, "%s: out of memory", r->path);
}

/* ------------------------------------------------------------ attributes */

/* Reads the string attribute name of the root into *out (owned by r). */
static cs_status str_attr(cs_resultsio_t *r, const char *name, const char **out, cs_error *err)
{
    *out = "";
    char *v = NULL;
    const cs_status rc = cs_h5_get_str_attr(r->file, r->path, "/", name, &v, CS_EIO, err);
    if (rc) return rc;
    if (!own(r, v)) return cs_rd_oom(r, err);
    *out = v;
    return CS_OK;
}

/* Reads the integer attribute name of the root as memory type mem into v. */
static cs_status int_attr(const cs_resultsio_t *r, const char *name, hid_t mem, void *v,
                          cs_error *err)
{
    return cs_h5_get_num_attr(r->file, r->path, "/", name, mem, v, CS_EIO, err);
}

/* A part written by cablesim run --shard holds only some trials: analysed alone, it would pass
 * for the whole run. */
static cs_status check_not_part(const cs_resultsio_t *r, cs_error *err)
{
    const htri_t part = H5Aexists(r->file, "part_trials");
    if (part < 0) return h5err(err, r->path, "look for attribute", "part_trials");
    if (part == 0) return CS_OK;
    uint64_t first = 0, n = 0, trials = 0;
    cs_status rc = int_attr(r, "part_first_trial", H5T_NATIVE_UINT64, &first, err);
    if (!rc) rc = int_attr(r, "part_trials", H5T_NATIVE_UINT64, &n, err);
    if (!rc) rc = int_attr(r, "trials", H5T_NATIVE_UINT64, &trials, err);
    if (rc) return rc;
    return cs_errorf(err, CS_EINVAL,
                     "%s: attributes \"part_first_trial\", \"part_trials\" of /: expected the "
                     "results of a whole run, found one part (trials %" PRIu64 "..%" PRIu64
                     " of %" PRIu64 ", cablesim run --shard): join the parts with cablesim merge "
                     "-o RESULTS.h5 PART.h5... first",
                     r->path, first, first + n - (n > 0), trials);
}

/* format, format_version, part and complete, in that order: the first thing wrong is reported. */
static cs_status check_identity(cs_resultsio_t *r, cs_error *err)
{
    cs_results_info *in = &r->info;
    const char *format = NULL;
    cs_status rc = str_attr(r, "format", &format, err);
    if (rc) return rc;
    if (strcmp(format, "cablesim-results") != 0)
        return cs_errorf(err, CS_EINVAL,
                         "%s: attribute \"format\" of /: expected \"cablesim-results\", found "
                         "\"%.60s\" (not a cablesim results file)",
                         r->path, format);
    if ((rc = int_attr(r, "format_version", H5T_NATIVE_INT32, &in->format_version, err))) return rc;
    if (!CS_FORMAT_KNOWN(in->format_version))
        return cs_errorf(err, CS_EINVAL,
                         "%s: attribute \"format_version\" of /: expected %d to %d, found %" PRId32
                         " (read it with the cablesim that wrote it)",
                         r->path, CS_FORMAT_V1, CS_RESULTSIO_FORMAT_VERSION, in->format_version);
    if ((rc = check_not_part(r, err))) return rc;
    uint8_t complete = 0;
    if ((rc = int_attr(r, "complete", H5T_NATIVE_UINT8, &complete, err))) return rc;
    if (complete != 1)
        return cs_errorf(err, CS_EINVAL,
                         "%s: attribute \"complete\" of /: expected 1, found %u: the run failed, "
                         "was interrupted or is still running, so the file may miss trials",
                         r->path, (unsigned)complete);
    return CS_OK;
}

/* Copies s into memory r owns (*out). */
static cs_status own_copy(cs_resultsio_t *r, const char *s, const char **out, cs_error *err)
{
    const size_t n = strlen(s);
    char *p = cs_rd_alloc(r, n + 1, 1);
    if (p == NULL) return cs_rd_oom(r, err);
    memcpy(p, s, n);
    *out = p;
    return CS_OK;
}

/* name, capacity_basis, routing_policy, scenario_resolved: the root attributes when the file has
 * them (written since they exist), else from the scenario text by the scenario's own rules. */
static cs_status read_settings(cs_resultsio_t *r, cs_error *err)
{
    cs_results_info *in = &r->info;
    const htri_t has = H5Aexists(r->file, "capacity_basis");
    if (has < 0) return h5err(err, r->path, "look for attribute", "capacity_basis");
    if (has > 0) {
        cs_status rc = str_attr(r, "name", &in->name, err);
        if (!rc) rc = str_attr(r, "capacity_basis", &in->capacity_basis, err);
        if (!rc) rc = str_attr(r, "routing_policy", &in->routing_policy, err);
        if (!rc) rc = str_attr(r, "scenario_resolved", &in->scenario_resolved, err);
        if (!rc && strcmp(in->capacity_basis, "lit") != 0 &&
            strcmp(in->capacity_basis, "design") != 0)
            rc = cs_errorf(err, CS_EINVAL,
                           "%s: attribute \"capacity_basis\" of /: expected \"lit\" or "
                           "\"design\", found \"%.40s\"",
                           r->path, in->capacity_basis);
        return rc;
    }
    char file[1100];
    snprintf(file, sizeof file, "%s: attribute \"scenario\" of /", r->path);
    cs_scenario_basics b;
    cs_status rc = cs_scenario_basics_of(in->scenario, file, &b, err);
    if (rc) return rc == CS_ENOMEM ? rc : CS_EINVAL;
    in->capacity_basis = b.capacity_basis;
    in->routing_policy = b.routing_policy;
    in->scenario_resolved = "";
    return own_copy(r, b.name, &in->name, err);
}

static cs_status read_root(cs_resultsio_t *r, cs_error *err)
{
    cs_results_info *in = &r->info;
    cs_status rc = check_identity(r, err);
    if (!rc) rc = str_attr(r, "software_version", &in->software_version, err);
    if (!rc) rc = str_attr(r, "scenario", &in->scenario, err);
    if (!rc) rc = str_attr(r, "topology_sha256", &in->topology_sha256, err);
    if (!rc) rc = str_attr(r, "demand_sha256", &in->demand_sha256, err);
    if (!rc) rc = str_attr(r, "created", &in->created, err);
    if (!rc) rc = int_attr(r, "seed", H5T_NATIVE_UINT64, &in->seed, err);
    if (!rc) rc = int_attr(r, "trials", H5T_NATIVE_UINT64, &in->trials, err);
    if (!rc) rc = int_attr(r, "as_of", H5T_NATIVE_INT32, &in->as_of, err);
    if (!rc) rc = read_settings(r, err);
    return rc;
}

/* -------------------------------------------------------------- datasets */

/* Opens dataset name into *d; a missing one is CS_EINVAL unless optional (then *d invalid). */
cs_status cs_rd_open_dataset(const cs_resultsio_t *r, const char *name, bool optional, hid_t *d,
                             cs_error *err)
{
    *d = H5I_INVALID_HID;
    /* H5Lexists on "/a/b" fails when /a is missing: check each level. */
    char group[64];
    const char *slash = strrchr(name, '/');
    snprintf(group, sizeof group, "%.*s", (int)(slash - name), name);
    const htri_t g = H5Lexists(r->file, group, H5P_DEFAULT);
    const htri_t e = g > 0 ? H5Lexists(r->file, name, H5P_DEFAULT) : 0;
    if (e <= 0) {
        if (optional && g > 0) return CS_OK;
        return cs_errorf(err, CS_EINVAL, "%s: dataset %s: missing", r->path, name);
    }
    *d = H5Dopen2(r->file, name, H5P_DEFAULT);
    if (*d < 0) return h5err(err, r->path, "open dataset", name);
    return CS_OK;
}

/* Bytes of the chunk cache of each /outcomes dataset: its rows are read by index, over and over
 * (the intact network's in most trials), so the chunks stay decompressed. */
#define OUTCOME_CACHE_BYTES ((size_t)16 << 20)

/* open_dataset, with a chunk cache for the outcome tables (outcome). A dictionary table (format
 * 4) is opened as *dict, decoded row by row as read, and *d is its index (its shape the table's).
 */
static cs_status open_outcome_cached(const cs_resultsio_t *r, const char *name, bool optional,
                                     bool outcome, hid_t *d, cs_dict_table **dict, cs_error *err)
{
    if (outcome && cs_dict_is_table(r->file, name)) {
        cs_status rc = cs_dict_table_open(r->file, name, r->path, dict, err);
        char index[128];
        snprintf(index, sizeof index, "%s/index", name);
        if (!rc) rc = cs_rd_open_dataset(r, index, false, d, err);
        return rc;
    }
    cs_status rc = cs_rd_open_dataset(r, name, optional, d, err);
    if (rc || *d < 0 || !outcome) return rc;
    const hid_t dapl = H5Pcreate(H5P_DATASET_ACCESS);
    H5Dclose(*d);
    *d = dapl >= 0 && H5Pset_chunk_cache(dapl, 12421, OUTCOME_CACHE_BYTES, 1.0) >= 0
             ? H5Dopen2(r->file, name, dapl)
             : H5I_INVALID_HID;
    if (dapl >= 0) H5Pclose(dapl);
    return *d < 0 ? h5err(err, r->path, "open dataset", name) : CS_OK;
}

/* Checks dataset d's class, rank and dimensions (want[i] == SIZE_MAX: any). */
cs_status cs_rd_check_shape(const cs_resultsio_t *r, hid_t d, const char *name, H5T_class_t cls,
                            int rank, const uint64_t *want, uint64_t *dims_out, cs_error *err)
{
    const hid_t t = H5Dget_type(d), s = H5Dget_space(d);
    hsize_t dims[2] = {0, 0};
    const int nd = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
    const H5T_class_t c = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
    if (nd == rank && rank > 0) H5Sget_simple_extent_dims(s, dims, NULL);
    if (t >= 0) H5Tclose(t);
    if (s >= 0) H5Sclose(s);
    if (c != cls)
        return cs_errorf(err, CS_EINVAL, "%s: dataset %s: expected %s values", r->path, name,
                         cls == H5T_FLOAT     ? "floating-point"
                         : cls == H5T_INTEGER ? "integer"
                                              : "compound");
    if (nd != rank)
        return cs_errorf(err, CS_EINVAL, "%s: dataset %s: expected %d dimension%s, found %d",
                         r->path, name, rank, rank == 1 ? "" : "s", nd);
    for (int i = 0; i < rank; i++) {
        if (want != NULL && want[i] != UINT64_MAX && dims[i] != want[i])
            return cs_errorf(err, CS_EINVAL,
                             "%s: dataset %s: expected %" PRIu64 " %s along dimension %d, found "
                             "%" PRIu64,
                             r->path, name, want[i], i == 0 ? "rows" : "columns", i + 1,
                             (uint64_t)dims[i]);
        if (dims_out != NULL) dims_out[i] = dims[i];
    }
    return CS_OK;
}

/* Reads the whole 1-D float64 dataset name of n values into *out (owned by r). */
cs_status cs_rd_read_vector(cs_resultsio_t *r, const char *name, size_t n, double **out,
                            cs_error *err)
{
    hid_t d;
    cs_status rc = cs_rd_open_dataset(r, name, false, &d, err);
    const uint64_t want[1] = {n};
    if (!rc) rc = cs_rd_check_shape(r, d, name, H5T_FLOAT, 1, want, NULL, err);
    if (!rc && (*out = cs_rd_alloc(r, n, sizeof(double))) == NULL) rc = cs_rd_oom(r, err);
    if (!rc && n > 0 && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, *out) < 0)
        rc = h5err(err, r->path, "read dataset", name);
    if (d >= 0) H5Dclose(d);
    return rc;
}

/* The HDF5 class of schema type t. */
static H5T_class_t dtype_class(cs_dtype t)
{
    return t == CS_DT_F64                          ? H5T_FLOAT
           : t == CS_DT_TABLE || t == CS_DT_RECORD ? H5T_COMPOUND
                                                   : H5T_INTEGER;
}

/*
 * Opens every per-trial dataset of the schema the file has and checks its type and shape against
 * the trial count and the tables: those of a feature the run may leave out (output options) are
 * optional, the recovery ones required in a file with /recovery.
 */
static cs_status open_per_trial(cs_resultsio_t *r, cs_error *err)
{
    cs_results_info *in = &r->info;
    const cs_dataset_schema *t = cs_results_schema();
    size_t dim[CS_DIM_COUNT] = {0};
    hid_t g = H5I_INVALID_HID; /* /topology/regions, optional: its rows size the impact columns */
    uint64_t grows[1] = {0};
    cs_status rg = cs_rd_open_dataset(r, "/topology/regions", true, &g, err);
    if (rg == CS_OK && g >= 0) {
        rg = cs_rd_check_shape(r, g, "/topology/regions", H5T_COMPOUND, 1, NULL, grows, err);
        H5Dclose(g);
    }
    if (rg != CS_OK) return rg;
    in->n_regions = (size_t)grows[0];
    if (in->n_regions > 0) { /* their names, for the per-region columns */
        static const cs_rd_column names[] = {{"name", CS_COL_STR, 0}};
        size_t n = 0;
        void *rows = NULL;
        rg = cs_rd_read_table(r, "/topology/regions", &n, &rows, sizeof(const char *), names, 1,
                              err);
        if (rg != CS_OK) return rg;
        in->region_names = rows;
    }
    dim[CS_DIM_REGIONS] = in->n_regions;
    dim[CS_DIM_NODES] = in->n_nodes;
    dim[CS_DIM_EDGES] = in->n_edges;
    dim[CS_DIM_DEMANDS] = in->n_demands;
    dim[CS_DIM_PAIRS] = in->n_pairs;
    dim[CS_DIM_STEPS] = in->n_steps;
    dim[CS_DIM_SHIPS] = in->n_ships;
    const int v = in->format_version;
    for (int d = 0; d < CS_DS_COUNT; d++) {
        const cs_rows_kind k = cs_schema_rows(&t[d], v);
        const char *path = cs_schema_path(&t[d], v);
        if (k == CS_ROWS_STATIC) continue;
        if (t[d].feature == CS_FEAT_RECOVERY && !in->has_recovery) continue;
        if (t[d].feature == CS_FEAT_OUTCOMES && v < CS_FORMAT_V2) continue;
        const bool optional = (t[d].feature != CS_FEAT_ALWAYS && t[d].feature != CS_FEAT_RECOVERY &&
                               t[d].feature != CS_FEAT_OUTCOMES) ||
                              (v < CS_FORMAT_V2 && t[d].v1_optional);
        cs_status rc = open_outcome_cached(r, path, optional, k == CS_ROWS_OUTCOME, &r->dset[d],
                                           &r->dict[d], err);
        if (rc) return rc;
        if (r->dset[d] < 0) continue;
        const bool matrix = (k == CS_ROWS_TRIAL || k == CS_ROWS_OUTCOME) && t[d].dim != CS_DIM_NONE;
        r->cols[d] = matrix ? dim[t[d].dim] : 1;
        /* the outcome tables: as many rows as the first (/outcomes/served_tbps) */
        const uint64_t want[2] = {k == CS_ROWS_TRIAL                          ? in->trials
                                  : k == CS_ROWS_OFFSETS                      ? in->trials + 1
                                  : k == CS_ROWS_OUTCOME && d != CS_DS_SERVED ? in->n_outcomes
                                                                              : UINT64_MAX,
                                  r->cols[d]};
        uint64_t dims[2] = {0, 0};
        char index[128]; /* a dictionary table's shape is its index's */
        snprintf(index, sizeof index, "%s/index", path);
        rc = cs_rd_check_shape(r, r->dset[d], r->dict[d] ? index : path,
                               r->dict[d] ? H5T_INTEGER : dtype_class(t[d].type), matrix ? 2 : 1,
                               want, dims, err);
        if (rc) return rc;
        r->len[d] = dims[0];
        if (d == CS_DS_SERVED && k == CS_ROWS_OUTCOME) in->n_outcomes = dims[0];
        if (k == CS_ROWS_OUTCOME) r->len[d] = in->trials; /* read as trials */
    }
    if (v >= CS_FORMAT_V2 && in->trials > 0 && in->n_outcomes == 0)
        return cs_errorf(err, CS_EINVAL,
                         "%s: dataset /outcomes/served_tbps: expected outcomes, "
                         "found none",
                         r->path);
    in->has_latency = r->dset[CS_DS_LATENCY] >= 0;
    in->has_edge_flow = r->dset[CS_DS_EDGE_FLOW] >= 0;
    in->has_headroom = r->dset[CS_DS_REGION_HEADROOM] >= 0;
    return CS_OK;
}

/* ------------------------------------------------------------ open/close */

/* Missing or unreadable files and non-HDF5 files, told apart for the message. */
static cs_status check_file(const char *path, cs_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return cs_errorf(err, CS_EIO, "%s: cannot open: %s", path, strerror(errno));
    fclose(f);
    if (H5Fis_hdf5(path) <= 0)
        return cs_errorf(err, CS_EIO, "%s: not an HDF5 file (expected a cablesim results file)",
                         path);
    return CS_OK;
}

cs_status cs_resultsio_open(cs_resultsio_t **out, const char *path, cs_error *err)
{
    *out = NULL;
    if (H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0)
        return cs_errorf(err, CS_EHDF5, "%s: cannot silence HDF5's error printing", path);
    cs_status rc = check_file(path, err);
    if (rc) return rc;
    cs_resultsio_t *r = calloc(1, sizeof *r);
    const size_t plen = strlen(path) + 1;
    char *p = malloc(plen);
    if (r == NULL || p == NULL) {
        free(r);
        free(p);
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", path);
    }
    memcpy(p, path, plen);
    r->path = p;
    r->info.path = p;
    for (int d = 0; d < CS_DS_COUNT; d++)
        r->dset[d] = H5I_INVALID_HID;
    rc = cs_h5_check_heaps(path, NULL, err);
    if (!rc) r->file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (!rc && r->file < 0) rc = h5err(err, path, "open", "the file");
    if (!rc) rc = read_root(r, err);
    if (!rc) rc = cs_rd_read_topology(r, err);
    if (!rc) rc = cs_rd_check_topology(r, err);
    if (!rc) rc = cs_rd_read_baseline(r, err);
    if (!rc) rc = cs_rd_open_recovery(r, err);
    if (!rc) rc = open_per_trial(r, err);
    if (rc) {
        cs_resultsio_close(r);
        return rc;
    }
    *out = r;
    return CS_OK;
}

void cs_resultsio_close(cs_resultsio_t *r)
{
    if (r == NULL) return;
    for (int d = 0; d < CS_DS_COUNT; d++) {
        if (r->dset[d] >= 0) H5Dclose(r->dset[d]);
        cs_dict_table_close(r->dict[d]);
    }
    if (r->file >= 0) H5Fclose(r->file);
    free(r->ids);
    free(r->where);
    free(r->uniq);
    free(r->first);
    free(r->gbuf);
    for (size_t i = 0; i < r->n_owned; i++)
        free(r->owned[i]);
    free(r->owned);
    free(r->path);
    free(r);
}

const cs_results_info *cs_resultsio_info(const cs_resultsio_t *r)
{
    return &r->info;
}

/* ---------------------------------------------------------------- slices */

/* Bytes one trial takes in a slice, failure lists aside. */
static size_t row_bytes(const cs_results_info *in)
{
    size_t b = 8 * in->n_demands + 8 + in->n_pairs + 16;
    if (in->has_latency) b += 8 * in->n_demands;
    if (in->has_edge_flow) b += 8 * in->n_edges;
    if (in->has_headroom) b += 8 * in->n_regions;
    return b;
}

size_t cs_resultsio_slice_rows(const cs_resultsio_t *r, size_t max_bytes)
{
    size_t rows = max_bytes / row_bytes(&r->info);
    if (rows < 1) rows = 1;
    if (rows > r->info.trials) rows = r->info.trials > 0 ? (size_t)r->info.trials : 1;
    return rows;
}

cs_status cs_trial_slice_init(cs_trial_slice *s, const cs_resultsio_t *r, size_t capacity,
                              cs_error *err)
{
    memset(s, 0, sizeof *s);
    const cs_results_info *in = &r->info;
    if (capacity == 0)
        return cs_errorf(err, CS_EINVAL, "trial slice: expected a capacity >= 1, found 0");
    if (capacity > SIZE_MAX / row_bytes(in))
        return cs_errorf(err, CS_ENOMEM, "trial slice: %zu trials do not fit in memory", capacity);
    s->capacity = capacity;
    s->served_tbps = malloc((capacity * in->n_demands + 1) * sizeof(double));
    if (in->has_latency) s->latency_ms = malloc((capacity * in->n_demands + 1) * sizeof(double));
    s->unserved_tbps = malloc((capacity + 1) * sizeof(double));
    if (in->has_edge_flow)
        s->edge_flow_tbps = malloc((capacity * in->n_edges + 1) * sizeof(double));
    s->pair_cut = malloc(capacity * in->n_pairs + 1);
    if (in->has_headroom)
        s->region_headroom_tbps = malloc((capacity * in->n_regions + 1) * sizeof(double));
    s->edge_off = malloc((capacity + 1) * sizeof(uint64_t));
    s->node_off = malloc((capacity + 1) * sizeof(uint64_t));
    s->cap_fe = s->cap_fn = capacity;
    s->failed_edges = malloc((capacity + 1) * sizeof(uint32_t));
    s->failed_nodes = malloc((capacity + 1) * sizeof(uint32_t));
    if (!s->served_tbps || (in->has_latency && !s->latency_ms) || !s->unserved_tbps ||
        (in->has_edge_flow && !s->edge_flow_tbps) || !s->pair_cut ||
        (in->has_headroom && !s->region_headroom_tbps) || !s->edge_off || !s->node_off ||
        !s->failed_edges || !s->failed_nodes) {
        cs_trial_slice_destroy(s);
        return cs_errorf(err, CS_ENOMEM, "trial slice: out of memory for %zu trials", capacity);
    }
    return CS_OK;
}

void cs_trial_slice_destroy(cs_trial_slice *s)
{
    free(s->served_tbps);
    free(s->latency_ms);
    free(s->unserved_tbps);
    free(s->edge_flow_tbps);
    free(s->pair_cut);
    free(s->region_headroom_tbps);
    free(s->edge_off);
    free(s->node_off);
    free(s->failed_edges);
    free(s->failed_nodes);
    memset(s, 0, sizeof *s);
}

/* Reads rows [row, row + count) (all columns) of per-trial dataset t into buf as memory type
 * mem, as stored (format 2 outcome tables: rows of outcomes). */
static cs_status read_stored(const cs_resultsio_t *r, int t, uint64_t row, uint64_t count,
                             hid_t mem, void *buf, cs_error *err)
{
    const cs_dataset_schema *s = cs_results_dataset((cs_dataset_id)t);
    const uint64_t cols = r->cols[t];
    if (count == 0 || cols == 0) return CS_OK;
    const hid_t d = r->dset[t];
    const int rank =
        (s->rows == CS_ROWS_TRIAL || s->rows == CS_ROWS_OUTCOME) && s->dim != CS_DIM_NONE ? 2 : 1;
    const hsize_t start[2] = {row, 0}, n[2] = {count, cols};
    const hid_t fs = H5Dget_space(d);
    const hid_t ms = H5Screate_simple(rank, n, NULL);
    herr_t st =
        fs >= 0 && ms >= 0 ? H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, n, NULL) : -1;
    if (st >= 0) st = H5Dread(d, mem, ms, fs, H5P_DEFAULT, buf);
    const cs_status rc =
        st < 0 ? h5err(err, r->path, "read dataset", cs_schema_path(s, r->info.format_version))
               : CS_OK;
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    return rc;
}

/* The outcomes of trials row .. row + n - 1 into r->ids (checked against the outcome count), their
 * distinct values into r->uniq (*nu) and each one's place among them into r->where. */
static cs_status read_ids(cs_resultsio_t *r, uint64_t row, uint64_t n, size_t *nu, cs_error *err)
{
    if (r->ids_valid && r->ids_row == row && r->ids_n == n) {
        *nu = r->ids_nu;
        return CS_OK;
    }
    r->ids_valid = false;
    if (n > r->ids_cap) {
        free(r->ids);
        free(r->where);
        free(r->uniq);
        free(r->first);
        r->ids = malloc(n * sizeof *r->ids);
        r->where = malloc(n * sizeof *r->where);
        r->uniq = malloc(n * sizeof *r->uniq);
        r->first = malloc(n * sizeof *r->first);
        r->ids_cap = r->ids && r->where && r->uniq && r->first ? (size_t)n : 0;
        if (r->ids_cap == 0) return cs_rd_oom(r, err);
    }
    cs_status rc = read_stored(r, CS_DS_OUTCOME, row, n, H5T_NATIVE_UINT32, r->ids, err);
    for (uint64_t i = 0; rc == CS_OK && i < n; i++)
        if (r->ids[i] >= r->info.n_outcomes)
            rc = cs_errorf(err, CS_EINVAL,
                           "%s: dataset /trials/outcome: trial %" PRIu64 ": expected an outcome "
                           "below %zu (the rows of /outcomes), found %" PRIu32,
                           r->path, row + i, r->info.n_outcomes, r->ids[i]);
    if (rc) return rc;
    cs_outcome_distinct(r->ids, (size_t)n, r->uniq, nu, r->where);
    for (size_t u = 0; u < *nu; u++)
        r->first[u] = UINT32_MAX;
    for (uint64_t i = n; i-- > 0;)
        r->first[r->where[i]] = (uint32_t)i;
    r->ids_nu = *nu;
    r->ids_row = row;
    r->ids_n = n;
    r->ids_valid = true;
    return CS_OK;
}

/* The rows of the count trials of read_ids (nu outcomes) of dictionary table t into buf (as
 * float64, mem): each outcome's row decoded into its first trial's place, copied to the others. */
static cs_status read_dictionary(cs_resultsio_t *r, int t, uint64_t count, size_t nu, hid_t mem,
                                 void *buf, cs_error *err)
{
    if (H5Tequal(mem, H5T_NATIVE_DOUBLE) <= 0)
        return cs_errorf(err, CS_EINVAL, "%s: dataset %s: read as float64 only", r->path,
                         cs_results_dataset((cs_dataset_id)t)->path);
    const size_t cols = r->cols[t];
    double *rows = buf;
    for (size_t u = 0; u < nu; u++) {
        const cs_status rc =
            cs_dict_table_read(r->dict[t], &r->uniq[u], 1, rows + r->first[u] * cols, err);
        if (rc) return rc;
    }
    for (uint64_t i = 0; i < count; i++) {
        const uint32_t k = r->first[r->where[i]];
        if (k != i) memcpy(rows + i * cols, rows + (size_t)k * cols, cols * sizeof *rows);
    }
    return CS_OK;
}

/* The values of rows [row, row + count) of per-trial dataset t just read into buf (as mem) that
 * have a rule (values.h): an outcome table's by its nu distinct outcomes (r->first), each once. */
static cs_status check_values(const cs_resultsio_t *r, int t, uint64_t row, uint64_t count,
                              hid_t mem, const void *buf, size_t nu, cs_error *err)
{
    const cs_value_rule rule = cs_values_rule((cs_dataset_id)t);
    if (rule == CS_VAL_ANY || count == 0 || H5Tequal(mem, H5T_NATIVE_DOUBLE) <= 0) return CS_OK;
    const cs_dataset_schema *s = cs_results_dataset((cs_dataset_id)t);
    const char *name = cs_schema_path(s, r->info.format_version);
    const size_t cols = r->cols[t];
    const double *v = buf, *demand = rule == CS_VAL_SERVED ? r->demand_scaled : NULL;
    if (cs_schema_rows(s, r->info.format_version) != CS_ROWS_OUTCOME)
        return cs_values_check(err, r->path, (cs_dataset_id)t, name, v, row, (size_t)count, cols,
                               demand);
    for (size_t u = 0; u < nu; u++) {
        const uint32_t i = r->first[u];
        size_t bi = 0, bj = 0;
        if (cs_values_ok(rule, v + (size_t)i * cols, 1, cols, demand, &bi, &bj)) continue;
        char where[48];
        snprintf(where, sizeof where, "the outcome of trial %" PRIu64, row + i);
        return cs_values_error(err, r->path, name, rule, v[(size_t)i * cols + bj], r->ids[i], bj,
                               cols, where, demand);
    }
    return CS_OK;
}

/* Reads rows [row, row + count) of per-trial dataset t into buf as memory type mem: an outcome
 * table of a format 2 file through /trials/outcome, one row per trial as in format 1. The values
 * are checked as they are read (values.h). */
static cs_status read_rows(cs_resultsio_t *r, int t, uint64_t row, uint64_t count, hid_t mem,
                           void *buf, cs_error *err)
{
    const cs_dataset_schema *s = cs_results_dataset((cs_dataset_id)t);
    if (cs_schema_rows(s, r->info.format_version) != CS_ROWS_OUTCOME) {
        const cs_status rc = read_stored(r, t, row, count, mem, buf, err);
        return rc ? rc : check_values(r, t, row, count, mem, buf, 0, err);
    }
    const size_t cols = r->cols[t], bytes = H5Tget_size(mem) * cols;
    if (count == 0 || cols == 0) return CS_OK;
    size_t nu = 0;
    cs_status rc = read_ids(r, row, count, &nu, err);
    if (rc) return rc;
    if (r->dict[t] != NULL) { /* format 4 */
        rc = read_dictionary(r, t, count, nu, mem, buf, err);
        return rc ? rc : check_values(r, t, row, count, mem, buf, nu, err);
    }
    if (nu * bytes > r->gbuf_cap) {
        free(r->gbuf);
        r->gbuf = malloc(nu * bytes);
        r->gbuf_cap = r->gbuf != NULL ? nu * bytes : 0;
        if (r->gbuf == NULL) return cs_rd_oom(r, err);
    }
    if (cs_outcome_gather(r->dset[t], mem, H5P_DEFAULT, r->uniq, nu, cols, r->gbuf) < 0)
        return h5err(err, r->path, "read dataset", s->path);
    for (uint64_t i = 0; i < count; i++)
        memcpy((unsigned char *)buf + i * bytes, r->gbuf + (size_t)r->where[i] * bytes, bytes);
    return check_values(r, t, row, count, mem, buf, nu, err);
}

/* Reads one CSR list (offsets dataset toff, values tval) for n trials from first. */
static cs_status read_csr(cs_resultsio_t *r, int toff, uint64_t first, size_t n, uint64_t *off,
                          uint32_t **vals, size_t *cap, uint64_t bound, cs_error *err)
{
    const int tval = (int)cs_results_dataset((cs_dataset_id)toff)->values;
    const uint64_t total = r->len[tval];
    cs_status rc = read_rows(r, toff, first, n + 1, H5T_NATIVE_UINT64, off, err);
    if (rc) return rc;
    for (size_t i = 0; i < n; i++)
        if (off[i + 1] < off[i] || off[i + 1] > total)
            return cs_errorf(err, CS_EINVAL,
                             "%s: dataset %s: trial %" PRIu64 ": offsets %" PRIu64 " to %" PRIu64
                             " do not fit a list of %" PRIu64 " values",
                             r->path, cs_results_dataset((cs_dataset_id)toff)->path, first + i,
                             off[i], off[i + 1], total);
    const uint64_t base = off[0], count = off[n] - base;
    if (count > *cap) {
        uint32_t *p = count < SIZE_MAX / 4 ? realloc(*vals, (size_t)count * 4) : NULL;
        if (p == NULL) return cs_rd_oom(r, err);
        *vals = p;
        *cap = (size_t)count;
    }
    if ((rc = read_rows(r, tval, base, count, H5T_NATIVE_UINT32, *vals, err))) return rc;
    for (size_t i = 0; i <= n; i++)
        off[i] -= base;
    for (uint64_t k = 0; k < count; k++)
        if ((*vals)[k] >= bound)
            return cs_errorf(err, CS_EINVAL,
                             "%s: dataset %s: element %" PRIu64 ": expected an index < %" PRIu64
                             ", found %" PRIu32,
                             r->path, cs_results_dataset((cs_dataset_id)tval)->path, base + k,
                             bound, (*vals)[k]);
    return CS_OK;
}

cs_status cs_resultsio_read(cs_resultsio_t *r, uint64_t first, cs_trial_slice *s, cs_error *err)
{
    const cs_results_info *in = &r->info;
    s->first = first;
    s->n = 0;
    if (first >= in->trials) return CS_OK;
    const uint64_t left = in->trials - first;
    const size_t n = left < s->capacity ? (size_t)left : s->capacity;
    cs_status rc = read_csr(r, CS_DS_FAILED_OFFSETS, first, n, s->edge_off, &s->failed_edges,
                            &s->cap_fe, in->n_edges, err);
    if (!rc)
        rc = read_csr(r, CS_DS_FAILED_NODE_OFFSETS, first, n, s->node_off, &s->failed_nodes,
                      &s->cap_fn, in->n_nodes, err);
    if (!rc) rc = read_rows(r, CS_DS_SERVED, first, n, H5T_NATIVE_DOUBLE, s->served_tbps, err);
    if (!rc && in->has_latency)
        rc = read_rows(r, CS_DS_LATENCY, first, n, H5T_NATIVE_DOUBLE, s->latency_ms, err);
    if (!rc) rc = read_rows(r, CS_DS_UNSERVED, first, n, H5T_NATIVE_DOUBLE, s->unserved_tbps, err);
    if (!rc && in->has_edge_flow)
        rc = read_rows(r, CS_DS_EDGE_FLOW, first, n, H5T_NATIVE_DOUBLE, s->edge_flow_tbps, err);
    if (!rc) rc = read_rows(r, CS_DS_PAIR_CUT, first, n, H5T_NATIVE_UINT8, s->pair_cut, err);
    if (!rc && in->has_headroom)
        rc = read_rows(r, CS_DS_REGION_HEADROOM, first, n, H5T_NATIVE_DOUBLE,
                       s->region_headroom_tbps, err);
    if (!rc) s->n = n;
    return rc;
}

/* ------------------------------------------------------- recovery slices */

cs_status cs_recovery_slice_init(cs_recovery_slice *s, const cs_resultsio_t *r, size_t capacity,
                                 cs_error *err)
{
    memset(s, 0, sizeof *s);
    const cs_results_info *in = &r->info;
    if (!in->has_recovery || capacity == 0)
        return cs_errorf(err, CS_EINVAL,
                         "%s: recovery slice: expected a file with /recovery and "
                         "a capacity >= 1",
                         r->path);
    const size_t c = capacity, ns = in->n_steps, nk = in->n_ships;
    if (c > SIZE_MAX / (16 * (ns + nk + 8)))
        return cs_errorf(err, CS_ENOMEM, "recovery slice: %zu trials do not fit in memory", c);
    s->capacity = c;
    s->served_tbps = malloc((c * ns + 1) * sizeof(double));
    s->queue_length = malloc((c * ns + 1) * sizeof(uint32_t));
    s->t50_days = malloc((c + 1) * sizeof(double));
    s->t90_days = malloc((c + 1) * sizeof(double));
    s->t100_days = malloc((c + 1) * sizeof(double));
    s->capacity_tbps_days = malloc((c + 1) * sizeof(double));
    s->unserved_tbps_days = malloc((c + 1) * sizeof(double));
    s->ship_busy_days = malloc((c * nk + 1) * sizeof(double));
    s->fault_off = malloc((c + 1) * sizeof(uint64_t));
    s->cap_faults = c;
    s->faults = malloc((c + 1) * sizeof *s->faults);
    if (!s->served_tbps || !s->queue_length || !s->t50_days || !s->t90_days || !s->t100_days ||
        !s->capacity_tbps_days || !s->unserved_tbps_days || !s->ship_busy_days || !s->fault_off ||
        !s->faults) {
        cs_recovery_slice_destroy(s);
        return cs_errorf(err, CS_ENOMEM, "recovery slice: out of memory for %zu trials", c);
    }
    return CS_OK;
}

void cs_recovery_slice_destroy(cs_recovery_slice *s)
{
    free(s->served_tbps);
    free(s->queue_length);
    free(s->t50_days);
    free(s->t90_days);
    free(s->t100_days);
    free(s->capacity_tbps_days);
    free(s->unserved_tbps_days);
    free(s->ship_busy_days);
    free(s->fault_off);
    free(s->faults);
    memset(s, 0, sizeof *s);
}

/* The native cs_rfault as an HDF5 compound whose members HDF5 matches by name. */
static hid_t rfault_type(void)
{
    const hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(cs_rfault));
    if (t < 0) return t;
    if (H5Tinsert(t, "edge", offsetof(cs_rfault, edge), H5T_NATIVE_UINT32) < 0 ||
        H5Tinsert(t, "ship", offsetof(cs_rfault, ship), H5T_NATIVE_INT32) < 0 ||
        H5Tinsert(t, "fail_days", offsetof(cs_rfault, fail_days), H5T_NATIVE_DOUBLE) < 0 ||
        H5Tinsert(t, "dispatch_days", offsetof(cs_rfault, dispatch_days), H5T_NATIVE_DOUBLE) < 0 ||
        H5Tinsert(t, "start_days", offsetof(cs_rfault, start_days), H5T_NATIVE_DOUBLE) < 0 ||
        H5Tinsert(t, "end_days", offsetof(cs_rfault, end_days), H5T_NATIVE_DOUBLE) < 0 ||
        H5Tinsert(t, "waters", offsetof(cs_rfault, waters), H5T_NATIVE_UINT8) < 0) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

/* The fault records of n trials from first, with their offsets relative to the slice. */
static cs_status read_faults(cs_resultsio_t *r, uint64_t first, size_t n, cs_recovery_slice *s,
                             cs_error *err)
{
    const cs_results_info *in = &r->info;
    cs_status rc =
        read_rows(r, CS_DS_REC_FAULT_OFFSETS, first, n + 1, H5T_NATIVE_UINT64, s->fault_off, err);
    for (size_t i = 0; !rc && i < n; i++)
        if (s->fault_off[i + 1] < s->fault_off[i] || s->fault_off[i + 1] > r->len[CS_DS_REC_FAULTS])
            rc = cs_errorf(err, CS_EINVAL,
                           "%s: dataset /recovery/fault_offsets: trial %" PRIu64
                           ": offsets do not fit a list of %" PRIu64 " faults",
                           r->path, first + i, r->len[CS_DS_REC_FAULTS]);
    if (rc) return rc;
    const uint64_t base = s->fault_off[0], count = s->fault_off[n] - base;
    if (count > s->cap_faults) {
        cs_rfault *p = count < SIZE_MAX / sizeof *p ? realloc(s->faults, count * sizeof *p) : NULL;
        if (p == NULL) return cs_rd_oom(r, err);
        s->faults = p;
        s->cap_faults = (size_t)count;
    }
    const hid_t mt = rfault_type();
    if (mt < 0) return h5err(err, r->path, "make the memory type of", "/recovery/faults");
    rc = read_rows(r, CS_DS_REC_FAULTS, base, count, mt, s->faults, err);
    H5Tclose(mt);
    for (size_t i = 0; i <= n; i++)
        s->fault_off[i] -= base;
    for (uint64_t k = 0; !rc && k < count; k++) {
        const cs_rfault *f = &s->faults[k];
        if (f->edge >= in->n_edges || f->ship < -1 || f->ship >= (int64_t)in->n_ships) {
            rc = cs_errorf(err, CS_EINVAL,
                           "%s: dataset /recovery/faults: element %" PRIu64 ": edge %" PRIu32
                           " or ship %" PRId32 " out of range",
                           r->path, base + k, f->edge, f->ship);
        } else { /* its times and waters (values.h) */
            const cs_values_fault v = {f->fail_days, f->dispatch_days, f->start_days,
                                       f->end_days,  f->ship,          f->waters};
            rc = cs_values_fault_check(err, r->path, base + k, &v);
        }
    }
    return rc;
}

cs_status cs_resultsio_read_recovery(cs_resultsio_t *r, uint64_t first, cs_recovery_slice *s,
                                     cs_error *err)
{
    const cs_results_info *in = &r->info;
    s->first = first;
    s->n = 0;
    if (!in->has_recovery)
        return cs_errorf(err, CS_EINVAL, "%s: no /recovery group (the scenario had no recovery)",
                         r->path);
    if (first >= in->trials) return CS_OK;
    const uint64_t left = in->trials - first;
    const size_t n = left < s->capacity ? (size_t)left : s->capacity;
    const hid_t f64 = H5T_NATIVE_DOUBLE;
    cs_status rc = read_rows(r, CS_DS_TS_SERVED, first, n, f64, s->served_tbps, err);
    if (!rc) rc = read_rows(r, CS_DS_TS_QUEUE, first, n, H5T_NATIVE_UINT32, s->queue_length, err);
    if (!rc) rc = read_rows(r, CS_DS_REC_T50, first, n, f64, s->t50_days, err);
    if (!rc) rc = read_rows(r, CS_DS_REC_T90, first, n, f64, s->t90_days, err);
    if (!rc) rc = read_rows(r, CS_DS_REC_T100, first, n, f64, s->t100_days, err);
    if (!rc) rc = read_rows(r, CS_DS_REC_CAPACITY, first, n, f64, s->capacity_tbps_days, err);
    if (!rc) rc = read_rows(r, CS_DS_REC_UNSERVED, first, n, f64, s->unserved_tbps_days, err);
    if (!rc) rc = read_rows(r, CS_DS_REC_BUSY, first, n, f64, s->ship_busy_days, err);
    if (!rc) rc = read_faults(r, first, n, s, err);
    if (!rc) s->n = n;
    return rc;
}

/* ------------------------------------------------------ any dataset */

bool cs_resultsio_has(const cs_resultsio_t *r, cs_dataset_id d)
{
    return r->dset[d] >= 0;
}

uint64_t cs_resultsio_length(const cs_resultsio_t *r, cs_dataset_id d)
{
    return r->dset[d] >= 0 ? r->len[d] : 0;
}

cs_status cs_resultsio_read_dataset(cs_resultsio_t *r, cs_dataset_id d, uint64_t first,
                                    uint64_t count, void *buf, cs_error *err)
{
    const cs_dataset_schema *s = cs_results_dataset(d);
    if (r->dset[d] < 0)
        return cs_errorf(err, CS_EINVAL, "%s: dataset %s: not in the file", r->path, s->path);
    if (first > r->len[d] || count > r->len[d] - first)
        return cs_errorf(err, CS_EINVAL,
                         "%s: dataset %s: rows %" PRIu64 "..%" PRIu64 " beyond its %" PRIu64,
                         r->path, s->path, first, first + count, r->len[d]);
    const hid_t mt = cs_h5_elem_type(s, false);
    if (mt < 0) return h5err(err, r->path, "make the memory type of", s->path);
    cs_status rc = read_rows(r, (int)d, first, count, mt, buf, err);
    H5Tclose(mt);
    if (rc == CS_OK && s->type == CS_DT_RECORD) /* the records' values (values.h) */
        rc = cs_values_records_check(err, r->path, d, s->path, buf, (size_t)count, CS_FORMAT_MEMORY,
                                     first);
    return rc;
}
