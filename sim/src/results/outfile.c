/* outfile.c: where a run's results may be written, and making them under a temporary name. */
#include "cablesim/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "core/fileio.h"
#include "results/heapcheck.h"

cs_status cs_outfile_tmp_name(char *buf, size_t n, const char *path, cs_error *err)
{
    const int k = snprintf(buf, n, "%s%s", path, CS_OUTFILE_TMP);
    if (k < 0 || (size_t)k >= n) return cs_errorf(err, CS_EINVAL, "%s: file name too long", path);
    return CS_OK;
}

/* Whether the file at path (which exists) is a cablesim results file; *busy when another process
 * holds it open for writing, *killed when HDF5 refuses it as left open by a writer that was
 * killed, damaged->code set when its global heaps are damaged (heapcheck.h). */
static bool is_results(const char *path, bool *busy, bool *killed, cs_error *damaged)
{
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    *busy = *killed = false;
    const int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return false;
    unsigned char head[8];
    const bool hdf5 = pread(fd, head, sizeof head, 0) == (ssize_t)sizeof head &&
                      memcmp(head, sig, sizeof sig) == 0;
    *busy = hdf5 && flock(fd, LOCK_SH | LOCK_NB) != 0;
    close(fd); /* releases the lock */
    if (!hdf5 || *busy) return hdf5;
    if (H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0) return false;
    if (cs_h5_check_heaps(path, NULL, damaged) != CS_OK) return true; /* HDF5 would hang on it */
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) { /* an HDF5 file it refuses: flagged open by a writer (MPI-IO) or killed */
        *killed = true;
        return true;
    }
    bool ok = false;
    if (H5Aexists(f, "format") > 0) {
        const hid_t a = H5Aopen(f, "format", H5P_DEFAULT), t = a >= 0 ? H5Aget_type(a) : -1;
        char *v = NULL;
        if (t >= 0 && H5Tis_variable_str(t) > 0 && H5Aread(a, t, &v) >= 0 && v != NULL)
            ok = strcmp(v, "cablesim-results") == 0;
        if (v != NULL) H5free_memory(v);
        if (t >= 0) H5Tclose(t);
        if (a >= 0) H5Aclose(a);
    }
    H5Fclose(f);
    return ok;
}

cs_status cs_outfile_check(const char *path, const char *const *inputs, size_t n_inputs,
                           cs_error *err)
{
    struct stat out, in, target;
    if (path[0] == '\0')
        return cs_errorf(err, CS_EINVAL, "\"\": expected a file name, found an empty one");
    if (lstat(path, &out) == 0) {
        /* An input named directly or through a link (the link's target is the input). */
        const bool resolved = stat(path, &target) == 0;
        for (size_t i = 0; resolved && i < n_inputs; i++)
            if (inputs[i] != NULL && stat(inputs[i], &in) == 0 && in.st_dev == target.st_dev &&
                in.st_ino == target.st_ino)
                return cs_errorf(err, CS_EINVAL,
                                 "%s: expected a new file or a results file to replace, found an "
                                 "input of the run (%s): choose another output",
                                 path, inputs[i]);
        if (S_ISLNK(out.st_mode))
            return cs_errorf(err, CS_EINVAL,
                             "%s: expected a new file or a results file to replace, found a "
                             "symbolic link: name the file itself",
                             path);
        if (!S_ISREG(out.st_mode))
            return cs_errorf(err, CS_EINVAL,
                             "%s: expected a new file or a results file to replace, found %s", path,
                             S_ISDIR(out.st_mode) ? "a directory" : "a special file");
        bool busy = false, killed = false;
        cs_error damaged = CS_ERROR_INIT;
        const bool results = is_results(path, &busy, &killed, &damaged);
        if (damaged.code != CS_OK)
            return cs_errorf(err, CS_EINVAL, "%s: not replaced (delete it to start over)",
                             damaged.msg);
        if (busy)
            return cs_errorf(err, CS_EINVAL,
                             "%s: another process has it open for writing (a run or resume of "
                             "it?): not replaced",
                             path);
        if (killed)
            return cs_errorf(err, CS_EINVAL,
                             "%s: left open by a run that was killed, or open in an MPI run: not "
                             "replaced (cablesim run --resume %s continues it; delete it to start "
                             "over)",
                             path, path);
        if (!results)
            return cs_errorf(err, CS_EINVAL,
                             "%s: expected a new file or a cablesim results file to replace, found "
                             "another file: not overwritten",
                             path);
    }
    char tmp[4096];
    cs_status rc = cs_outfile_tmp_name(tmp, sizeof tmp, path, err);
    if (rc == CS_OK && lstat(tmp, &out) == 0)
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: another run is writing it (%s exists; if no run is, one was killed "
                       "while writing it: cablesim run --resume %s continues it, or delete %s)",
                       path, tmp, path, tmp);
    return rc;
}

cs_status cs_outfile_check_replace(const char *path, const char *const *inputs, size_t n_inputs,
                                   cs_error *err)
{
    return cs_file_check_replace(path, inputs, n_inputs, err);
}

cs_status cs_outfile_check_new(const char *path, cs_error *err)
{
    struct stat st;
    if (lstat(path, &st) != 0) return CS_OK;
    return cs_errorf(err, CS_EINVAL,
                     "%s: exists: not replaced (--force replaces it; cablesim run --resume %s "
                     "completes an interrupted run; or choose another name)",
                     path, path);
}

cs_status cs_outfile_claim(const char *path, char *tmp, size_t n, cs_error *err)
{
    cs_status rc = cs_outfile_tmp_name(tmp, n, path, err);
    if (rc != CS_OK) return rc;
    const int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0) {
        close(fd);
        return CS_OK;
    }
    if (errno == EEXIST)
        return cs_errorf(err, CS_EINVAL,
                         "%s: another run is writing it (%s exists; if no run is, one was "
                         "killed while writing it: cablesim run --resume %s continues it, or "
                         "delete %s)",
                         path, tmp, path, tmp);
    const int e = errno;
    return cs_errorf(err, cs_create_status(e, CS_EIO), "%s: cannot create %s: %s", path, tmp,
                     strerror(e));
}

cs_status cs_outfile_commit(const char *tmp, const char *path, cs_error *err)
{
    if (rename(tmp, path) != 0)
        return cs_errorf(err, CS_EIO, "%s: cannot rename %s to it: %s", path, tmp, strerror(errno));
    return CS_OK;
}

cs_status cs_outfile_resume_name(const char *path, char *buf, size_t n, char *final, size_t final_n,
                                 bool *renamed, cs_error *err)
{
    const size_t len = strlen(path), sl = strlen(CS_OUTFILE_TMP);
    *renamed = false;
    if (len > sl && strcmp(path + len - sl, CS_OUTFILE_TMP) == 0) {
        if (len >= n || len - sl >= final_n)
            return cs_errorf(err, CS_EINVAL, "%s: file name too long", path);
        memcpy(buf, path, len + 1);
        memcpy(final, path, len - sl);
        final[len - sl] = '\0';
        *renamed = true;
        return CS_OK;
    }
    if (len >= final_n) return cs_errorf(err, CS_EINVAL, "%s: file name too long", path);
    memcpy(final, path, len + 1);
    cs_status rc = cs_outfile_tmp_name(buf, n, path, err);
    struct stat sb;
    if (rc == CS_OK && lstat(buf, &sb) == 0 && S_ISREG(sb.st_mode)) {
        *renamed = true;
        return CS_OK;
    }
    if (rc == CS_OK) memcpy(buf, path, len + 1);
    return rc;
}
