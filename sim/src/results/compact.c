/*
 * compact.c: rewriting a complete results file without its dead space (cs_results_compact,
 * results.h; docs/hdf5-schema.md, "Compaction").
 *
 * The commit protocol never reuses freed file space, so each write of trials leaves the old
 * copy of every partly filled chunk it rewrote (the last chunk of each values list and outcome
 * table) in the file, and early allocation leaves the uncompressed first place of each chunk.
 * Once the file is complete nothing is rewritten any more: every object is copied into
 * PATH.compact.tmp (H5Ocopy copies a chunked dataset's chunks as they are stored, compressed, so
 * every dataset keeps its type, shape, chunks, filters, attributes and values), which is synced
 * and renamed over PATH. The rename is atomic: PATH is the complete file before it and the
 * compacted one after it, never neither.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "cablesim/results.h"
#include "results/h5util.h"

/* What the link callback needs. */
typedef struct {
    hid_t dst;
    const char *path;
    cs_error *err;
    cs_status rc;
} copy_ctx;

/* Copies one object of the root group, recursively (H5Ocopy: groups with their members and
 * attributes, datasets with their stored chunks). */
static herr_t copy_link(hid_t src, const char *name, const H5L_info_t *info, void *data)
{
    (void)info;
    copy_ctx *c = data;
    if (H5Ocopy(src, name, c->dst, name, H5P_DEFAULT, H5P_DEFAULT) < 0) {
        c->rc = cs_h5_err(c->err, CS_EHDF5, c->path, "copy", name);
        return -1;
    }
    return 0;
}

/* Whether the open file f has complete = 1. */
static bool is_complete(hid_t f)
{
    uint8_t v = 0;
    if (H5Aexists(f, "complete") <= 0) return false;
    const hid_t a = H5Aopen(f, "complete", H5P_DEFAULT);
    const bool ok = a >= 0 && H5Aread(a, H5T_NATIVE_UINT8, &v) >= 0;
    if (a >= 0) H5Aclose(a);
    return ok && v == 1;
}

/*
 * Copies every root attribute and object of src into the new file tmp, closes it and syncs it.
 * A file of up to CS_COMPACT_IN_MEMORY bytes is made in memory (HDF5's core driver) and written
 * whole to tmp when it is closed: HDF5 1.10.8 dereferences a null pointer when a write fails
 * inside H5Ocopy (a full disk, `ulimit -f`), so its writes are kept out of H5Ocopy (a failed
 * write at the close is an error, after which HDF5 leaks the driver's buffer: once, as the
 * process ends); and one large write replaces hundreds of small ones. A larger file is copied
 * straight to disk (sec2): a write failure there may crash the process, which leaves the
 * complete file as it was, as a kill does.
 */
#define CS_COMPACT_IN_MEMORY ((hsize_t)256 << 20)
static cs_status copy_file(hid_t src, hsize_t size, const char *path, const char *tmp,
                           cs_error *err)
{
    const bool memory = size <= CS_COMPACT_IN_MEMORY;
    const hid_t fcpl = cs_h5_plain_fcpl(), fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t dst = H5I_INVALID_HID;
    if (fcpl >= 0 && fapl >= 0 &&
        H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_LATEST) >= 0 &&
        (!memory || H5Pset_fapl_core(fapl, (size_t)size + ((size_t)1 << 20), true) >= 0))
        dst = H5Fcreate(tmp, H5F_ACC_TRUNC, fcpl, fapl);
    if (fcpl >= 0) H5Pclose(fcpl);
    if (fapl >= 0) H5Pclose(fapl);
    if (dst < 0) return cs_h5_err(err, CS_EHDF5, path, "create", tmp);
    cs_status rc = cs_h5_copy_attrs(src, dst, NULL, path, "/", err);
    copy_ctx c = {.dst = dst, .path = path, .err = err, .rc = CS_OK};
    hsize_t idx = 0;
    if (rc == CS_OK && H5Literate(src, H5_INDEX_NAME, H5_ITER_INC, &idx, copy_link, &c) < 0)
        rc = c.rc != CS_OK ? c.rc : cs_h5_err(err, CS_EHDF5, path, "copy", "the groups");
    if (H5Fclose(dst) < 0 && rc == CS_OK) rc = cs_h5_err(err, CS_EHDF5, path, "write", tmp);
    if (rc != CS_OK) return rc;
    const int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) rc = cs_errorf(err, CS_EIO, "%s: cannot sync %s", path, tmp);
    if (fd >= 0) close(fd);
    return rc;
}

cs_status cs_results_compact(const char *path, bool *compacted, cs_error *err)
{
    *compacted = false;
    char tmp[4096];
    if ((size_t)snprintf(tmp, sizeof tmp, "%s%s", path, CS_RESULTS_COMPACT_TMP) >= sizeof tmp)
        return cs_errorf(err, CS_EINVAL, "%s: file name too long", path);
    cs_status rc = cs_h5_quiet(path, err);
    if (rc != CS_OK) return rc;
    const hid_t src = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (src < 0) return cs_h5_err(err, CS_EHDF5, path, "open", "the file");
    hsize_t size = 0;
    if (is_complete(src) && H5Fget_filesize(src, &size) < 0)
        rc = cs_h5_err(err, CS_EHDF5, path, "get the size of", "the file");
    else if (is_complete(src)) {
        rc = copy_file(src, size, path, tmp, err);
        if (rc == CS_OK && rename(tmp, path) != 0)
            rc = cs_errorf(err, CS_EIO, "%s: cannot rename %s to it", path, tmp);
        if (rc != CS_OK) remove(tmp);
        *compacted = rc == CS_OK;
    }
    H5Fclose(src);
    return rc;
}
