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
#define _GNU_SOURCE /* fallocate(2): the reservation of the on-disk copy */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>

#include "cablesim/results.h"
#include "cablesim/results_schema.h"
#include "results/dictionary.h"
#include "results/h5util.h"

/* What the link callbacks need. */
typedef struct {
    hid_t dst;
    const char *path;
    cs_error *err;
    cs_status rc;
    int version;       /* the file's format_version */
    const char *group; /* copy_member: the group's absolute name */
    unsigned level;    /* copy_member: the deflate level of the file's per-trial datasets */
    const cs_results_tables *kept; /* the outcome tables the writer kept, or NULL */
} copy_ctx;

/* Whether member name of group g (absolute name path) is an outcome table of float64 values
 * with columns: a dataset that format 4 stores as a dictionary table (its shape into dims). */
static bool dictionary_table(hid_t g, const char *name, const char *path, int version,
                             hsize_t dims[2])
{
    const cs_dataset_schema *s = cs_results_dataset_find(path, NULL);
    if (s == NULL || !cs_schema_dictionary(s, version)) return false;
    H5O_info_t info;
    if (H5Oget_info_by_name(g, name, &info, H5P_DEFAULT) < 0 || info.type != H5O_TYPE_DATASET)
        return false;
    const hid_t d = H5Dopen2(g, name, H5P_DEFAULT), sp = d >= 0 ? H5Dget_space(d) : -1;
    dims[0] = dims[1] = 0;
    const bool two = sp >= 0 && H5Sget_simple_extent_ndims(sp) == 2 &&
                     H5Sget_simple_extent_dims(sp, dims, NULL) >= 0;
    if (sp >= 0) H5Sclose(sp);
    if (d >= 0) H5Dclose(d);
    return two && dims[1] > 0;
}

/* Copies one member of /outcomes: a float64 table as a dictionary table (format 4; from the
 * rows the writer kept when it kept them), anything else as it is. */
static herr_t copy_member(hid_t src, const char *name, const H5L_info_t *info, void *data)
{
    (void)info;
    copy_ctx *c = data;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", c->group, name);
    hsize_t dims[2];
    if (dictionary_table(src, name, path, c->version, dims)) {
        const hid_t d = H5Dopen2(src, name, H5P_DEFAULT);
        const int kept = cs_dict_kept(c->kept, path, (size_t)dims[0], (size_t)dims[1]);
        c->rc = d < 0 ? cs_h5_err(c->err, CS_EHDF5, c->path, "open dataset", path)
                      : cs_dict_write(d, c->dst, name, c->level, c->kept, kept, c->path, c->err);
        if (d >= 0) H5Dclose(d);
    } else if (H5Ocopy(src, name, c->dst, name, H5P_DEFAULT, H5P_DEFAULT) < 0)
        c->rc = cs_h5_err(c->err, CS_EHDF5, c->path, "copy", path);
    return c->rc == CS_OK ? 0 : -1;
}

/* Copies /outcomes member by member (copy_member), the group with its attributes. */
static cs_status copy_outcomes(hid_t src, const char *name, copy_ctx *c)
{
    const hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    const hid_t sg = H5Gopen2(src, name, H5P_DEFAULT);
    const hid_t dg = gcpl >= 0 && H5Pset_obj_track_times(gcpl, false) >= 0
                         ? H5Gcreate2(c->dst, name, H5P_DEFAULT, gcpl, H5P_DEFAULT)
                         : H5I_INVALID_HID;
    if (gcpl >= 0) H5Pclose(gcpl);
    cs_status rc = sg < 0 || dg < 0 ? cs_h5_err(c->err, CS_EHDF5, c->path, "copy", name) : CS_OK;
    if (rc == CS_OK) rc = cs_h5_copy_attrs(sg, dg, NULL, c->path, name, c->err);
    char group[256];
    snprintf(group, sizeof group, "/%s", name);
    /* The level the run asked for (output.compression), as /trials/outcome has it: a merged
     * file's outcome tables were made from decoded ones, not deflated. */
    copy_ctx m = {.dst = dg,
                  .path = c->path,
                  .err = c->err,
                  .rc = CS_OK,
                  .version = c->version,
                  .group = group,
                  .level = cs_dict_deflate_level(src, "/trials/outcome"),
                  .kept = c->kept};
    hsize_t idx = 0;
    if (rc == CS_OK && H5Literate(sg, H5_INDEX_NAME, H5_ITER_INC, &idx, copy_member, &m) < 0)
        rc = m.rc != CS_OK ? m.rc : cs_h5_err(c->err, CS_EHDF5, c->path, "copy", name);
    if (dg >= 0) H5Gclose(dg);
    if (sg >= 0) H5Gclose(sg);
    return rc;
}

/* Copies one object of the root group, recursively (H5Ocopy: groups with their members and
 * attributes, datasets with their stored chunks); /outcomes of format 4 by copy_outcomes. */
static herr_t copy_link(hid_t src, const char *name, const H5L_info_t *info, void *data)
{
    (void)info;
    copy_ctx *c = data;
    if (c->version >= CS_FORMAT_V4 && strcmp(name, "outcomes") == 0) {
        c->rc = copy_outcomes(src, name, c);
        return c->rc == CS_OK ? 0 : -1;
    }
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
/* The largest file compacted in memory: CS_COMPACT_IN_MEMORY, or the bytes the environment
 * variable CABLESIM_COMPACT_MEMORY gives (docs/hpc.md: tests take the on-disk path with small
 * files; 0 copies every file on disk). */
static hsize_t in_memory_max(void)
{
    const char *v = getenv("CABLESIM_COMPACT_MEMORY");
    char *end = NULL;
    const unsigned long long n = v != NULL && *v >= '0' && *v <= '9' ? strtoull(v, &end, 10) : 0;
    return end != NULL && *end == '\0' ? (hsize_t)n : CS_COMPACT_IN_MEMORY;
}
/* The core driver's memory grows by CS_COMPACT_INCREMENT bytes (each zeroed first), and writes
 * only the pages of CS_COMPACT_PAGE bytes changed since its last write: an increment of the
 * file's size, as before, zeroed and wrote the whole size of the file being compacted (with its
 * dead space: 10.8 MB for a 4.5 MB result at the default job's 20,000 trials), and each of the
 * two writes of the close wrote the whole file. */
#define CS_COMPACT_INCREMENT ((size_t)1 << 20)
#define CS_COMPACT_PAGE      ((size_t)64 << 10)
/*
 * The on-disk copy: HDF5 1.10.8 crashes (a null pointer in its clean-up) when a write fails
 * inside H5Ocopy, as merge did before it made its frame in memory (docs/hpc.md, session 19 and
 * 20: compaction into a 56 to 88 KiB tmpfs with CABLESIM_COMPACT_MEMORY=0, SIGSEGV). So the
 * space the copy needs is reserved first, beyond the end of tmp (fallocate, FALLOC_FL_KEEP_SIZE:
 * the file's size is unchanged and HDF5 writes into the reserved blocks): the source's size
 * and a quarter, and 1 MiB (a large file shrinks, a small one may grow: the dictionary tables
 * add their own metadata, 46,405 bytes became 53,928 in test_crash's run); a disk that
 * lacks it (ENOSPC, EDQUOT) or a file size limit below it (EFBIG) is a clean error before any
 * copy. A file system without fallocate (EOPNOTSUPP: some NFS and Lustre versions) copies
 * without the reservation, as before; a copy that outgrows it may still crash, which leaves the
 * complete file as a kill does. *fd receives the descriptor that holds the reservation.
 */
static cs_status reserve(const char *path, const char *tmp, hsize_t size, int *fd, cs_error *err)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_FSIZE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
        (hsize_t)lim.rlim_cur < size)
        return cs_errorf(err, CS_EWRITE,
                         "%s: cannot write %s: %s (the file size limit is %llu bytes, the copy "
                         "needs up to %llu)",
                         path, tmp, strerror(EFBIG), (unsigned long long)lim.rlim_cur,
                         (unsigned long long)size);
    *fd = open(tmp, O_WRONLY | O_CLOEXEC);
    if (*fd < 0)
        return cs_errorf(err, cs_create_status(errno, CS_EIO), "%s: cannot open %s: %s", path, tmp,
                         strerror(errno));
    if (fallocate(*fd, FALLOC_FL_KEEP_SIZE, 0, (off_t)size) == 0 || errno == EOPNOTSUPP ||
        errno == ENOSYS)
        return CS_OK;
    return cs_errorf(err, cs_create_status(errno, CS_EIO), "%s: cannot write %s: %s (%llu bytes)",
                     path, tmp, strerror(errno), (unsigned long long)size);
}

/* Frees what the reservation left beyond the end of the written file (fd: reserve's). */
static void release(int fd)
{
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0)
        (void)fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, st.st_size,
                        (off_t)((hsize_t)1 << 40));
    if (fd >= 0) close(fd);
}

static cs_status copy_file(hid_t src, hsize_t size, const char *path, const char *tmp,
                           const cs_results_tables *kept, cs_error *err)
{
    const bool memory = size <= in_memory_max();
    const hid_t fcpl = cs_h5_plain_fcpl(), fapl = H5Pcreate(H5P_FILE_ACCESS);
    hid_t dst = H5I_INVALID_HID;
    if (fcpl >= 0 && fapl >= 0 &&
        H5Pset_libver_bounds(fapl, H5F_LIBVER_V110, H5F_LIBVER_LATEST) >= 0 &&
        (!memory || (H5Pset_fapl_core(fapl, CS_COMPACT_INCREMENT, true) >= 0 &&
                     H5Pset_core_write_tracking(fapl, true, CS_COMPACT_PAGE) >= 0)))
        dst = H5Fcreate(tmp, H5F_ACC_TRUNC, fcpl, fapl);
    if (fcpl >= 0) H5Pclose(fcpl);
    if (fapl >= 0) H5Pclose(fapl);
    if (dst < 0) return cs_h5_err(err, CS_EIO, path, "create", tmp);
    int held = -1; /* the reservation of the on-disk copy */
    cs_status rc =
        memory ? CS_OK : reserve(path, tmp, size + size / 4 + ((hsize_t)1 << 20), &held, err);
    if (rc == CS_OK) rc = cs_h5_copy_attrs(src, dst, NULL, path, "/", err);
    int32_t version = 0;
    if (rc == CS_OK)
        rc = cs_h5_get_num_attr(src, path, "/", "format_version", H5T_NATIVE_INT32, &version,
                                CS_EINVAL, err);
    copy_ctx c = {
        .dst = dst, .path = path, .err = err, .rc = CS_OK, .version = version, .kept = kept};
    hsize_t idx = 0;
    if (rc == CS_OK && H5Literate(src, H5_INDEX_NAME, H5_ITER_INC, &idx, copy_link, &c) < 0)
        rc = c.rc != CS_OK ? c.rc : cs_h5_err(err, CS_EHDF5, path, "copy", "the groups");
    if (H5Fclose(dst) < 0 && rc == CS_OK) rc = cs_h5_err(err, CS_EHDF5, path, "write", tmp);
    release(held);
    if (rc != CS_OK) return rc;
    const int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) rc = cs_errorf(err, CS_EIO, "%s: cannot sync %s", path, tmp);
    if (fd >= 0) close(fd);
    return rc;
}

/* H5Literate callback: stops (1) at a member of /outcomes that is a plain float64 table. */
static herr_t plain_table(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)info;
    char path[512];
    snprintf(path, sizeof path, "/outcomes/%s", name);
    hsize_t dims[2];
    return dictionary_table(g, name, path, *(const int *)data, dims) ? 1 : 0;
}

bool cs_results_wants_dictionary(const char *path)
{
    cs_error err = CS_ERROR_INIT;
    if (cs_h5_quiet(path, &err) != CS_OK) return false;
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return false;
    int32_t version = 0;
    bool wants = false;
    if (cs_h5_get_num_attr(f, path, "/", "format_version", H5T_NATIVE_INT32, &version, CS_EINVAL,
                           &err) == CS_OK &&
        version >= CS_FORMAT_V4 && cs_h5_exists(f, "/outcomes")) {
        const hid_t g = H5Gopen2(f, "/outcomes", H5P_DEFAULT);
        hsize_t idx = 0;
        wants =
            g >= 0 && H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, plain_table, &version) > 0;
        if (g >= 0) H5Gclose(g);
    }
    H5Fclose(f);
    return wants;
}

cs_status cs_results_compact(const char *path, bool *compacted, cs_error *err)
{
    return cs_results_compact_kept(path, NULL, compacted, err);
}

cs_status cs_results_compact_kept(const char *path, const cs_results_tables *kept, bool *compacted,
                                  cs_error *err)
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
        rc = copy_file(src, size, path, tmp, kept, err);
        if (rc == CS_OK && rename(tmp, path) != 0)
            rc = cs_errorf(err, CS_EIO, "%s: cannot rename %s to it", path, tmp);
        if (rc != CS_OK) remove(tmp);
        *compacted = rc == CS_OK;
    }
    H5Fclose(src);
    return rc;
}
