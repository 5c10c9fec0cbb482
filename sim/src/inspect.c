/*
 * inspect.c: classifying a results file read-only (inspect.h). Every per-trial dataset carries a
 * "rows" attribute (docs/hdf5-schema.md): "trial" (one row per trial), "offsets" (trials + 1
 * rows, the CSR offsets into the dataset its "values" attribute names) or "values"; the checks
 * rely on that, not on dataset names, as merge does.
 */
#include "cablesim/inspect.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <hdf5.h>

#include "cablesim/results.h"

void cs_file_info_destroy(cs_file_info *info)
{
    free(info->scenario);
    info->scenario = NULL;
}

/* Records the state and its reason (the first one kept). */
static void classify(cs_file_info *info, cs_file_state state, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static void classify(cs_file_info *info, cs_file_state state, const char *fmt, ...)
{
    if (info->why[0] != '\0') return;
    char raw[2 * CS_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    cs_escape_line(info->why, sizeof info->why, raw);
    info->state = state;
}

/* A variable-length string attribute of object o into a new string, or NULL. */
static char *str_attr(hid_t o, const char *name)
{
    if (H5Aexists(o, name) <= 0) return NULL;
    const hid_t a = H5Aopen(o, name, H5P_DEFAULT), t = a >= 0 ? H5Aget_type(a) : -1;
    char *v = NULL, *copy = NULL;
    if (t >= 0 && H5Tis_variable_str(t) > 0 && H5Aread(a, t, &v) >= 0 && v != NULL) {
        copy = malloc(strlen(v) + 1);
        if (copy != NULL) strcpy(copy, v);
    }
    if (v != NULL) H5free_memory(v);
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    return copy;
}

/* A numeric attribute of the root as uint64; false when missing or unreadable. */
static bool u64_attr(hid_t f, const char *name, uint64_t *v)
{
    if (H5Aexists(f, name) <= 0) return false;
    const hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    const bool ok = a >= 0 && H5Aread(a, H5T_NATIVE_UINT64, v) >= 0;
    if (a >= 0) H5Aclose(a);
    return ok;
}

/* The length of the first axis of dataset path, or -1. */
static long long length_of(hid_t f, const char *path)
{
    if (H5Lexists(f, path, H5P_DEFAULT) <= 0) return -1;
    const hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    if (d < 0) return -1;
    const hid_t s = H5Dget_space(d);
    hsize_t dims[8] = {0};
    const int rank = s >= 0 ? H5Sget_simple_extent_ndims(s) : -1;
    long long n = -1;
    if (rank >= 1 && rank <= 8 && H5Sget_simple_extent_dims(s, dims, NULL) >= 0)
        n = (long long)dims[0];
    if (s >= 0) H5Sclose(s);
    H5Dclose(d);
    return n;
}

typedef struct {
    hid_t f;
    cs_file_info *info;
    int pass;
    long long rows; /* trials in the file, from the first "trial" dataset; -1 before */
    char first[512];
} walk_ctx;

/* The last offset of an offsets dataset d of n rows, or -1. */
static long long last_offset(hid_t d, long long n)
{
    if (n < 1) return -1;
    const hid_t fs = H5Dget_space(d);
    const hsize_t at[1] = {(hsize_t)n - 1}, one[1] = {1};
    const hid_t ms = H5Screate_simple(1, one, NULL);
    uint64_t v = 0;
    const bool ok = fs >= 0 && ms >= 0 &&
                    H5Sselect_hyperslab(fs, H5S_SELECT_SET, at, NULL, one, NULL) >= 0 &&
                    H5Dread(d, H5T_NATIVE_UINT64, ms, fs, H5P_DEFAULT, &v) >= 0;
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    return ok ? (long long)v : -1;
}

/*
 * H5Ovisit callback: checks one dataset with a "rows" attribute against the others. Pass 0: the
 * trial datasets all have the same length, and every offsets list ends at the length of its
 * values; pass 1 (the trials known): the offsets datasets have one row more.
 */
static herr_t check_object(hid_t root, const char *name, const H5O_info_t *oi, void *data)
{
    (void)root;
    walk_ctx *c = data;
    if (oi->type != H5O_TYPE_DATASET) return 0;
    char path[512];
    snprintf(path, sizeof path, "/%s", name);
    const hid_t d = H5Dopen2(c->f, path, H5P_DEFAULT);
    if (d < 0) return 0;
    char *rows = str_attr(d, "rows");
    const long long n = length_of(c->f, path);
    const bool trial = rows != NULL && strcmp(rows, "trial") == 0;
    const bool offsets = rows != NULL && strcmp(rows, "offsets") == 0;
    if (c->pass == 1 && offsets && n != c->rows + 1) {
        classify(c->info, CS_FILE_NOT_RESUMABLE,
                 "%s has %lld rows, expected %lld (one more than the trials): a write was cut "
                 "short",
                 path, n, c->rows + 1);
    } else if (c->pass == 0 && trial && c->rows < 0) {
        c->rows = n;
        snprintf(c->first, sizeof c->first, "%s", path);
    } else if (c->pass == 0 && trial && n != c->rows) {
        classify(c->info, CS_FILE_NOT_RESUMABLE,
                 "datasets hold different numbers of trials: %s has %lld, %s has %lld (a write "
                 "was cut short)",
                 c->first, c->rows, path, n);
    } else if (c->pass == 0 && offsets) {
        char *values = str_attr(d, "values");
        const long long nv = values != NULL ? length_of(c->f, values) : -1;
        const long long last = last_offset(d, n);
        if (nv < 0 || last != nv)
            classify(c->info, CS_FILE_NOT_RESUMABLE,
                     "%s: the last offset (%lld) is not the length of %s (%lld): a write was cut "
                     "short",
                     path, last, values != NULL ? values : "its list", nv);
        free(values);
    }
    free(rows);
    H5Dclose(d);
    return 0;
}

/* Whether another process holds path open (an HDF5 writer holds an exclusive flock). */
static bool held_open(const char *path)
{
    const int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return false;
    const bool held = flock(fd, LOCK_SH | LOCK_NB) != 0;
    close(fd);
    return held;
}

cs_status cs_file_inspect(const char *path, cs_file_info *info, cs_error *err)
{
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    (void)err;
    memset(info, 0, sizeof *info);
    info->state = CS_FILE_NOT_RESULTS;
    const int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        classify(info, CS_FILE_NOT_RESULTS, "cannot open: %s", strerror(errno));
        return CS_OK;
    }
    unsigned char head[8];
    const bool hdf5 = pread(fd, head, sizeof head, 0) == (ssize_t)sizeof head &&
                      memcmp(head, sig, sizeof sig) == 0;
    close(fd);
    if (!hdf5) {
        classify(info, CS_FILE_NOT_RESULTS, "not an HDF5 file");
        return CS_OK;
    }
    if (held_open(path)) {
        classify(info, CS_FILE_NOT_RESUMABLE,
                 "another process has it open for writing (a run still writing it?)");
        return CS_OK;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        classify(info, CS_FILE_NOT_RESUMABLE,
                 "HDF5 cannot open it: left open by a run that was killed (cablesim run "
                 "--resume clears that and goes on when the file is otherwise whole), or "
                 "damaged");
        return CS_OK;
    }
    char *format = str_attr(f, "format");
    uint64_t version = 0, complete = 0;
    if (format == NULL || strcmp(format, "cablesim-results") != 0) {
        classify(info, CS_FILE_NOT_RESULTS,
                 "expected a cablesim results file (attribute \"format\"), found another HDF5 "
                 "file");
    } else if (!u64_attr(f, "format_version", &version) || version != CS_RESULTS_FORMAT_VERSION) {
        classify(info, CS_FILE_NOT_RESULTS, "format_version: expected %d, found another",
                 CS_RESULTS_FORMAT_VERSION);
    }
    free(format);
    if (info->why[0] == '\0') {
        uint64_t as_of = 0;
        char *topo = str_attr(f, "topology_sha256"), *dem = str_attr(f, "demand_sha256");
        info->scenario = str_attr(f, "scenario");
        const bool ok = u64_attr(f, "trials", &info->trials) && u64_attr(f, "seed", &info->seed) &&
                        u64_attr(f, "as_of", &as_of) && u64_attr(f, "complete", &complete) &&
                        info->scenario != NULL && topo != NULL && dem != NULL;
        info->as_of = (int32_t)as_of;
        if (topo != NULL) snprintf(info->topology_sha256, sizeof info->topology_sha256, "%s", topo);
        if (dem != NULL) snprintf(info->demand_sha256, sizeof info->demand_sha256, "%s", dem);
        free(topo);
        free(dem);
        if (!ok)
            classify(info, CS_FILE_NOT_RESULTS,
                     "expected the attributes of a cablesim results file (trials, seed, as_of, "
                     "complete, scenario, sha256 of the inputs), found some missing");
        if (u64_attr(f, "part_trials", &info->part_trials))
            u64_attr(f, "part_first_trial", &info->part_first);
    }
    if (info->why[0] == '\0') {
        walk_ctx c = {.f = f, .info = info, .rows = -1};
        H5Ovisit(f, H5_INDEX_NAME, H5_ITER_INC, check_object, &c);
        c.pass = 1;
        if (c.rows >= 0) H5Ovisit(f, H5_INDEX_NAME, H5_ITER_INC, check_object, &c);
        const uint64_t total = info->part_trials > 0 ? info->part_trials : info->trials;
        info->done = c.rows > 0 ? (uint64_t)c.rows : 0;
        if (c.rows < 0)
            classify(info, CS_FILE_NOT_RESULTS, "no per-trial dataset (attribute \"rows\")");
        else if (info->done > total)
            classify(info, CS_FILE_NOT_RESUMABLE,
                     "%llu trials in the file, more than the %llu "
                     "of the run",
                     (unsigned long long)info->done, (unsigned long long)total);
        else if (complete == 1 && info->done != total)
            classify(info, CS_FILE_NOT_RESUMABLE,
                     "complete = 1 but %llu of %llu trials in the file",
                     (unsigned long long)info->done, (unsigned long long)total);
        else if (info->why[0] == '\0')
            info->state = complete == 1 ? CS_FILE_COMPLETE : CS_FILE_RESUMABLE;
    }
    H5Fclose(f);
    return CS_OK;
}
