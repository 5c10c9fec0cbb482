/*
 * inspect.c: classifying a results file read-only (inspect.h). A file is resumable when it has
 * a commit record (docs/hdf5-schema.md, "Commit protocol") that every per-trial dataset reaches;
 * what lies beyond the record is a write that did not commit, which a resume drops.
 */
#include "cablesim/inspect.h"
#include "cablesim/results_schema.h"
#include "results/heapcheck.h"
#include "results/commit.h"
#include "results/dictionary.h"
#include "results/h5util.h"

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

/* The length of the first axis of dataset path (or of a dictionary table), or -1. */
static long long length_of(hid_t f, const char *path)
{
    return cs_dict_rows(f, path);
}

/* Every per-trial dataset of the schema in f reaches the commit record cm. */
static void check_committed(hid_t f, const cs_commit *cm, int version, cs_file_info *info)
{
    const cs_dataset_schema *t = cs_results_schema();
    for (int d = 0; d < CS_DS_COUNT && info->why[0] == '\0'; d++) {
        const char *path = cs_schema_path(&t[d], version);
        const cs_rows_kind rows = cs_schema_rows(&t[d], version);
        if (rows == CS_ROWS_STATIC || !cs_h5_exists(f, path)) continue;
        /* values lists and outcome tables: the lengths the record gives */
        const bool listed = rows == CS_ROWS_VALUES || rows == CS_ROWS_OUTCOME;
        const long long want = listed                    ? (long long)cm->len[d]
                               : rows == CS_ROWS_OFFSETS ? (long long)cm->trials + 1
                                                         : (long long)cm->trials;
        const long long n = length_of(f, path);
        if (listed && !cm->listed[d])
            classify(info, CS_FILE_NOT_RESUMABLE, "attribute \"committed\" does not list %s", path);
        else if (n < 0) /* a member of a dictionary table missing, or of another rank */
            classify(info, CS_FILE_NOT_RESUMABLE,
                     "%s cannot be read as rows (a part of it is missing or of another shape)",
                     path);
        else if (n < want)
            classify(info, CS_FILE_NOT_RESUMABLE,
                     "%s has %lld rows, fewer than the %lld committed (HDF5 lost a write made "
                     "before the commit record)",
                     path, n, want);
    }
}

bool cs_file_held(const char *path)
{
    const int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return false;
    const bool held = flock(fd, LOCK_SH | LOCK_NB) != 0;
    close(fd);
    return held;
}

cs_status cs_file_inspect(const char *path, cs_file_checked *seen, cs_file_info *info,
                          cs_error *err)
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
    /* first: a run that holds the file may not have written its superblock yet (under MPI-IO
     * HDF5 writes it at the first flush) */
    if (cs_file_held(path)) {
        classify(info, CS_FILE_NOT_RESUMABLE,
                 "another process has it open for writing (a run still writing it?)");
        return CS_OK;
    }
    if (!hdf5) {
        classify(info, CS_FILE_NOT_RESULTS, "not an HDF5 file");
        return CS_OK;
    }
    cs_error heaps = CS_ERROR_INIT;
    if (cs_h5_check_heaps(path, seen, &heaps) != CS_OK) {
        const size_t n = strlen(path);
        const bool prefixed =
            strncmp(heaps.msg, path, n) == 0 && strncmp(heaps.msg + n, ": ", 2) == 0;
        classify(info, CS_FILE_NOT_RESUMABLE, "%s", prefixed ? heaps.msg + n + 2 : heaps.msg);
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
    if (format == NULL && (H5Aexists(f, "format") < 0 || H5Lexists(f, "trials", H5P_DEFAULT) > 0 ||
                           H5Lexists(f, "topology", H5P_DEFAULT) > 0)) {
        /* a cablesim file whose root attributes cannot be read: not another kind of file */
        classify(info, CS_FILE_NOT_RESUMABLE,
                 "damaged: the root attribute \"format\" cannot be read (a copy cut short, or "
                 "a file damaged outside cablesim's writes)");
    } else if (format == NULL || strcmp(format, "cablesim-results") != 0) {
        classify(info, CS_FILE_NOT_RESULTS,
                 "expected a cablesim results file (attribute \"format\"), found another HDF5 "
                 "file");
    } else if (!u64_attr(f, "format_version", &version) || !CS_FORMAT_KNOWN(version)) {
        classify(info, CS_FILE_NOT_RESULTS, "format_version: expected %d to %d, found another",
                 CS_FORMAT_V1, CS_FORMAT_V4);
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
    cs_commit cm = {.found = false};
    cs_error quiet = CS_ERROR_INIT;
    if (info->why[0] == '\0' && cs_commit_read(f, path, &cm, &quiet) != CS_OK)
        classify(info, CS_FILE_NOT_RESUMABLE, "%s", quiet.msg);
    if (info->why[0] == '\0' && cm.found) {
        /* The commit record: what a resume keeps; every dataset must reach it. */
        const uint64_t total = info->part_trials > 0 ? info->part_trials : info->trials;
        info->done = cm.trials;
        check_committed(f, &cm, (int)version, info);
        if (info->why[0] == '\0' && cm.trials > total)
            classify(info, CS_FILE_NOT_RESUMABLE,
                     "%llu trials committed, more than the %llu of "
                     "the run",
                     (unsigned long long)cm.trials, (unsigned long long)total);
        /* (a file closed with no trial committed, `writing` = 0: a stop before the first write,
         * whose root attributes were written whole, resumes like any other) */
        else if (info->why[0] == '\0' && complete != 1 && cm.trials == 0 && total > 0 && cm.writing)
            classify(info, CS_FILE_NOT_RESUMABLE,
                     "no trial committed: its run was stopped or killed before its first write "
                     "(cablesim run SCENARIO -o FILE --resume-or-start starts it again)");
        else if (info->why[0] == '\0' && complete == 1 && cm.trials != total)
            classify(info, CS_FILE_NOT_RESUMABLE, "complete = 1 but %llu of %llu trials committed",
                     (unsigned long long)cm.trials, (unsigned long long)total);
        else if (info->why[0] == '\0')
            info->state = complete == 1 ? CS_FILE_COMPLETE : CS_FILE_RESUMABLE;
    } else if (info->why[0] == '\0' && complete == 1) {
        /* Written before commit records (817acf7 and earlier): complete is set once every trial
         * is written, at the close. */
        info->done = info->part_trials > 0 ? info->part_trials : info->trials;
        info->state = CS_FILE_COMPLETE;
    } else if (info->why[0] == '\0') {
        classify(info, CS_FILE_NOT_RESUMABLE,
                 "no commit record (attribute \"committed\"): its run was killed while making "
                 "it (cablesim run SCENARIO -o FILE --resume-or-start starts it again), or an "
                 "older cablesim made it");
    }
    H5Fclose(f);
    return CS_OK;
}

cs_status cs_file_inspect_recovering(const char *path, cs_file_checked *seen, cs_file_info *info,
                                     cs_error *err)
{
    uint64_t size = 0, recorded = 0;
    const bool cut = cs_results_cut_short(path, &size, &recorded);
    cs_error quiet = CS_ERROR_INIT;
    /* a killed run's flag and a failed write's short file, when no one holds the file (HDF5
     * opens neither as they are) */
    cs_results_recover(path, &quiet);
    const cs_status rc = cs_file_inspect(path, seen, info, err);
    if (rc != CS_OK || !cut || info->state != CS_FILE_COMPLETE) return rc;
    /* A complete file was closed whole: cut short, it is a damaged copy. The padding goes again
     * (recovery wrote only zeros past the end, the superblock kept its length), so that the file
     * is left as it was and never reads as complete. */
    const int undone = truncate(path, (off_t)size);
    info->why[0] = '\0';
    classify(info, CS_FILE_NOT_RESUMABLE,
             "damaged: marked complete, yet %llu bytes of the %llu its HDF5 superblock records "
             "(a copy cut short?)%s",
             (unsigned long long)size, (unsigned long long)recorded,
             undone == 0 ? "" : "; could not cut the padding off again");
    return CS_OK;
}
