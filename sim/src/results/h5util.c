/*
 * h5util.c: the HDF5 helpers of the results layer (h5util.h).
 */
#include "results/h5util.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

cs_status cs_h5_quiet(const char *path, cs_error *err)
{
    if (H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0)
        return cs_errorf(err, CS_EHDF5, "%s: cannot silence HDF5's error printing", path);
    return CS_OK;
}

/* H5Ewalk2 callback: keeps the innermost (first) description on the stack, or, when a call of
 * the file driver failed anywhere on it, the system's errno and reason. */
typedef struct {
    char text[256];
    int code; /* the system's errno of a failed call of the file driver, else 0 */
} h5_reason;

static herr_t first_reason(unsigned n, const H5E_error2_t *e, void *data)
{
    h5_reason *reason = data;
    if (e->desc == NULL || reason->code > 0) return 0;
    /* A failed write of the file driver: the system's reason ("File too large", "No space left
     * on device") rather than the driver's dump of its buffers. It may lie deeper than the
     * innermost entry: a failed H5Fcreate of the core driver ends with the superblock's flush. */
    const char *no = strstr(e->desc, "errno = ");
    reason->code = no != NULL ? atoi(no + 8) : 0;
    if (reason->code > 0)
        snprintf(reason->text, sizeof reason->text, "%s", strerror(reason->code));
    else if (n == 0)
        snprintf(reason->text, sizeof reason->text, "%s", e->desc);
    return 0;
}

cs_status cs_h5_err(cs_error *err, cs_status code, const char *path, const char *what,
                    const char *object)
{
    h5_reason reason = {"", 0};
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, first_reason, &reason);
    /* A file that cannot be made or opened because the disk is full is not the path's fault. */
    if (code == CS_EIO && reason.code > 0) code = cs_create_status(reason.code, code);
    if (reason.text[0] != '\0')
        return cs_errorf(err, code, "%s: HDF5 could not %s %s (%s)", path, what, object,
                         reason.text);
    return cs_errorf(err, code, "%s: HDF5 could not %s %s", path, what, object);
}

hid_t cs_h5_vlen_string(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0) return H5I_INVALID_HID;
    if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

cs_status cs_h5_put_attr(const char *path, hid_t obj, const char *objname, const char *name,
                         hid_t ftype, hid_t mem, const void *value, cs_error *err)
{
    hid_t space = H5Screate(H5S_SCALAR), attr = H5I_INVALID_HID;
    herr_t st = -1;
    if (space >= 0) attr = H5Acreate2(obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr >= 0) st = H5Awrite(attr, mem, value);
    cs_status rc = CS_OK;
    if (st < 0) {
        char what[128];
        snprintf(what, sizeof what, "write attribute \"%s\" of", name);
        rc = cs_h5_err(err, CS_EHDF5, path, what, objname);
    }
    if (attr >= 0 && H5Aclose(attr) < 0 && rc == CS_OK)
        rc = cs_h5_err(err, CS_EHDF5, path, "close an attribute of", objname);
    if (space >= 0) H5Sclose(space);
    return rc;
}

cs_status cs_h5_put_str_attr(const char *path, hid_t obj, const char *objname, const char *name,
                             const char *value, cs_error *err)
{
    const hid_t t = cs_h5_vlen_string();
    if (t < 0) return cs_h5_err(err, CS_EHDF5, path, "make a string type for", objname);
    const char *v = value != NULL ? value : "";
    const cs_status rc = cs_h5_put_attr(path, obj, objname, name, t, t, &v, err);
    H5Tclose(t);
    return rc;
}

cs_status cs_h5_put_doc(const char *path, hid_t obj, const char *objname, const char *units,
                        const char *description, cs_error *err)
{
    cs_status rc = cs_h5_put_str_attr(path, obj, objname, "units", units, err);
    if (rc == CS_OK) rc = cs_h5_put_str_attr(path, obj, objname, "description", description, err);
    return rc;
}

/* Copies s (n bytes, not necessarily terminated) into a malloc'd string. */
static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p == NULL) return NULL;
    if (n > 0) memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

cs_status cs_h5_get_str_attr(hid_t obj, const char *path, const char *objname, const char *name,
                             char **out, cs_status code, cs_error *err)
{
    *out = NULL;
    if (H5Aexists(obj, name) <= 0)
        return cs_errorf(err, CS_EINVAL, "%s: attribute \"%s\" of %s: missing", path, name,
                         objname);
    const hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) return cs_h5_err(err, code, path, "open attribute", name);
    const hid_t t = H5Aget_type(a);
    cs_status rc = CS_OK;
    char what[128];
    snprintf(what, sizeof what, "read attribute \"%s\" of", name);
    if (t < 0 || H5Tget_class(t) != H5T_STRING) {
        rc = cs_errorf(err, CS_EINVAL, "%s: attribute \"%s\" of %s: expected a string", path, name,
                       objname);
    } else if (H5Tis_variable_str(t) > 0) {
        const hid_t mt = cs_h5_vlen_string();
        char *s = NULL;
        if (mt < 0 || H5Aread(a, mt, &s) < 0)
            rc = cs_h5_err(err, code, path, what, objname);
        else if ((*out = dup_n(s != NULL ? s : "", s != NULL ? strlen(s) : 0)) == NULL)
            rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", path);
        if (s != NULL) H5free_memory(s);
        if (mt >= 0) H5Tclose(mt);
    } else {
        const size_t n = H5Tget_size(t);
        char *buf = calloc(n + 1, 1);
        if (buf == NULL)
            rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", path);
        else if (H5Aread(a, t, buf) < 0)
            rc = cs_h5_err(err, code, path, what, objname);
        if (rc == CS_OK)
            *out = buf;
        else
            free(buf);
    }
    if (t >= 0) H5Tclose(t);
    H5Aclose(a);
    return rc;
}

cs_status cs_h5_get_num_attr(hid_t obj, const char *path, const char *objname, const char *name,
                             hid_t mem, void *v, cs_status code, cs_error *err)
{
    if (H5Aexists(obj, name) <= 0)
        return cs_errorf(err, CS_EINVAL, "%s: attribute \"%s\" of %s: missing", path, name,
                         objname);
    const hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    if (a < 0) return cs_h5_err(err, code, path, "open attribute", name);
    const hid_t t = H5Aget_type(a), s = H5Aget_space(a);
    const H5T_class_t want = H5Tget_class(mem);
    cs_status rc = CS_OK;
    if (t < 0 || s < 0 || H5Tget_class(t) != want || H5Sget_simple_extent_type(s) != H5S_SCALAR) {
        rc = cs_errorf(err, CS_EINVAL, "%s: attribute \"%s\" of %s: expected a scalar %s", path,
                       name, objname, want == H5T_INTEGER ? "integer" : "number");
    } else if (H5Aread(a, mem, v) < 0) {
        char what[128];
        snprintf(what, sizeof what, "read attribute \"%s\" of", name);
        rc = cs_h5_err(err, code, path, what, objname);
    }
    if (s >= 0) H5Sclose(s);
    if (t >= 0) H5Tclose(t);
    H5Aclose(a);
    return rc;
}

typedef struct {
    hid_t dst;
    const char *const *skip;
    const char *path, *objname;
    const char *src_path; /* NULL: src is in path */
    cs_error *err;
    cs_status rc;
} copy_ctx;

/* H5Aiterate2 callback: copies attribute name of src to c->dst; -1 (stop) on failure. */
static herr_t copy_attr(hid_t src, const char *name, const H5A_info_t *info, void *data)
{
    (void)info;
    copy_ctx *c = data;
    for (const char *const *s = c->skip; s != NULL && *s != NULL; s++)
        if (strcmp(*s, name) == 0) return 0;
    const hid_t a = H5Aopen(src, name, H5P_DEFAULT);
    const hid_t t = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
    const hid_t sp = a >= 0 ? H5Aget_space(a) : H5I_INVALID_HID;
    const hssize_t n = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
    const size_t size = t >= 0 ? H5Tget_size(t) : 0;
    void *buf = n >= 0 && size > 0 ? calloc((size_t)n + 1, size) : NULL;
    hid_t b = H5I_INVALID_HID;
    bool read = false;
    char what[128], damaged[160];
    snprintf(what, sizeof what, "copy attribute \"%s\" of", name);
    snprintf(damaged, sizeof damaged, "read the damaged attribute \"%s\" of", name);
    if (buf == NULL && n >= 0 && size > 0) {
        c->rc = cs_errorf(c->err, CS_ENOMEM, "%s: out of memory", c->path);
    } else if (buf == NULL || H5Aread(a, t, buf) < 0) {
        c->rc = c->src_path != NULL ? cs_h5_err(c->err, CS_EINVAL, c->src_path, damaged, c->objname)
                                    : cs_h5_err(c->err, CS_EHDF5, c->path, what, c->objname);
    } else {
        read = true;
        b = H5Acreate2(c->dst, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
        if (b < 0 || H5Awrite(b, t, buf) < 0)
            c->rc = cs_h5_err(c->err, CS_EHDF5, c->path, what, c->objname);
    }
    if (read && H5Tdetect_class(t, H5T_VLEN) > 0)
        H5Dvlen_reclaim(t, sp, H5P_DEFAULT, buf);
    else if (read && H5Tget_class(t) == H5T_STRING && H5Tis_variable_str(t) > 0)
        H5Dvlen_reclaim(t, sp, H5P_DEFAULT, buf);
    free(buf);
    if (b >= 0) H5Aclose(b);
    if (sp >= 0) H5Sclose(sp);
    if (t >= 0) H5Tclose(t);
    if (a >= 0) H5Aclose(a);
    return c->rc == CS_OK ? 0 : -1;
}

cs_status cs_h5_copy_attrs_from(hid_t src, const char *src_path, hid_t dst, const char *const *skip,
                                const char *path, const char *objname, cs_error *err)
{
    copy_ctx c = {.dst = dst,
                  .skip = skip,
                  .path = path,
                  .objname = objname,
                  .src_path = src_path,
                  .err = err,
                  .rc = CS_OK};
    hsize_t idx = 0;
    if (H5Aiterate2(src, H5_INDEX_NAME, H5_ITER_INC, &idx, copy_attr, &c) < 0 && c.rc == CS_OK)
        c.rc = src_path != NULL
                   ? cs_h5_err(err, CS_EINVAL, src_path, "list the damaged attributes of", objname)
                   : cs_h5_err(err, CS_EHDF5, path, "copy the attributes of", objname);
    return c.rc;
}

cs_status cs_h5_copy_attrs(hid_t src, hid_t dst, const char *const *skip, const char *path,
                           const char *objname, cs_error *err)
{
    return cs_h5_copy_attrs_from(src, NULL, dst, skip, path, objname, err);
}

hid_t cs_h5_num_type(cs_dtype t, bool file)
{
    switch (t) {
    case CS_DT_U8:
        return file ? H5T_STD_U8LE : H5T_NATIVE_UINT8;
    case CS_DT_U32:
        return file ? H5T_STD_U32LE : H5T_NATIVE_UINT32;
    case CS_DT_I32:
        return file ? H5T_STD_I32LE : H5T_NATIVE_INT32;
    case CS_DT_U64:
        return file ? H5T_STD_U64LE : H5T_NATIVE_UINT64;
    case CS_DT_F32:
        return file ? H5T_IEEE_F32LE : H5T_NATIVE_FLOAT;
    default:
        return file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE;
    }
}

hid_t cs_h5_elem_type(const cs_dataset_schema *d, bool file)
{
    if (d->type != CS_DT_RECORD) return H5Tcopy(cs_h5_num_type(d->type, file));
    /* Packed with little-endian members in memory too: batches hold records packed the same
     * way, so no conversion happens, which collective writes of compressed data require. */
    const hid_t t = H5Tcreate(H5T_COMPOUND, d->record_bytes);
    herr_t st = t >= 0 ? 0 : -1;
    for (size_t i = 0; i < d->n_members && st >= 0; i++)
        st = H5Tinsert(t, d->members[i].name, d->members[i].offset,
                       cs_h5_num_type(d->members[i].type, true));
    if (st < 0 && t >= 0) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

hid_t cs_h5_file_elem_type(const cs_dataset_schema *d, int version)
{
    if (!cs_schema_record_narrowed(d, version)) return cs_h5_elem_type(d, true);
    const hid_t t = H5Tcreate(H5T_COMPOUND, cs_schema_record_bytes(d, version));
    herr_t st = t >= 0 ? 0 : -1;
    for (size_t i = 0; i < d->n_members && st >= 0; i++) {
        size_t off;
        cs_dtype type;
        cs_schema_member_layout(d, i, version, &off, &type);
        st = H5Tinsert(t, d->members[i].name, off, cs_h5_num_type(type, true));
    }
    if (st < 0 && t >= 0) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

void cs_h5_pack_records(const cs_dataset_schema *d, int version, const void *src, size_t n,
                        void *dst)
{
    const size_t wide = d->record_bytes, narrow = cs_schema_record_bytes(d, version);
    for (size_t k = 0; k < d->n_members; k++) {
        size_t off;
        cs_dtype type;
        cs_schema_member_layout(d, k, version, &off, &type);
        const unsigned char *s = (const unsigned char *)src + d->members[k].offset;
        unsigned char *o = (unsigned char *)dst + off;
        if (type == d->members[k].type) {
            const size_t size = cs_dtype_size(type);
            for (size_t i = 0; i < n; i++)
                memcpy(o + i * narrow, s + i * wide, size);
        } else {
            assert(d->members[k].type == CS_DT_F64 && type == CS_DT_F32);
            for (size_t i = 0; i < n; i++) {
                double x;
                memcpy(&x, s + i * wide, sizeof x);
                const float y = (float)x;
                memcpy(o + i * narrow, &y, sizeof y);
            }
        }
    }
}

hid_t cs_h5_plain_dcpl(void)
{
    hid_t p = H5Pcreate(H5P_DATASET_CREATE);
    if (p >= 0 && H5Pset_obj_track_times(p, false) < 0) {
        H5Pclose(p);
        return H5I_INVALID_HID;
    }
    return p;
}

herr_t cs_h5_set_early_alloc(hid_t dcpl)
{
    return H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY);
}

bool cs_h5_early_alloc(hid_t d)
{
    const hid_t p = H5Dget_create_plist(d);
    H5D_alloc_time_t t = H5D_ALLOC_TIME_ERROR;
    if (p >= 0 && H5Pget_alloc_time(p, &t) < 0) t = H5D_ALLOC_TIME_ERROR;
    if (p >= 0) H5Pclose(p);
    return t == H5D_ALLOC_TIME_EARLY;
}

hid_t cs_h5_plain_fcpl(void)
{
    hid_t p = H5Pcreate(H5P_FILE_CREATE);
    /* No reuse of freed file space (docs/hdf5-schema.md, "Commit protocol"): a chunk rewritten
     * elsewhere leaves its old place alone, so committed data are never overwritten. */
    if (p >= 0 && (H5Pset_obj_track_times(p, false) < 0 ||
                   H5Pset_file_space_strategy(p, H5F_FSPACE_STRATEGY_NONE, false, 1) < 0)) {
        H5Pclose(p);
        return H5I_INVALID_HID;
    }
    return p;
}

/* 1 when path exists in file, 0 when it does not, -1 when HDF5 cannot tell. */
static int exists3(hid_t file, const char *path)
{
    char part[256];
    for (const char *s = strchr(path + 1, '/');; s = strchr(s + 1, '/')) {
        const size_t n = s != NULL ? (size_t)(s - path) : strlen(path);
        if (n >= sizeof part) return 0;
        memcpy(part, path, n);
        part[n] = '\0';
        const htri_t e = H5Lexists(file, part, H5P_DEFAULT);
        if (e <= 0) return e < 0 ? -1 : 0;
        if (s == NULL) return 1;
    }
}

bool cs_h5_exists(hid_t file, const char *path)
{
    return exists3(file, path) > 0;
}

cs_status cs_h5_lookup(hid_t file, const char *file_path, const char *path, bool *exists,
                       cs_error *err)
{
    const int e = exists3(file, path);
    *exists = e > 0;
    return e < 0 ? cs_h5_err(err, CS_EINVAL, file_path, "look up the damaged link to", path)
                 : CS_OK;
}

cs_status cs_h5_mark_complete(hid_t file, const char *path, cs_error *err)
{
    if (H5Fflush(file, H5F_SCOPE_LOCAL) < 0)
        return cs_h5_err(err, CS_EHDF5, path, "flush", "the file");
    const uint8_t one = 1;
    const hid_t a = H5Aopen(file, "complete", H5P_DEFAULT);
    cs_status rc = CS_OK;
    if (a < 0 || H5Awrite(a, H5T_NATIVE_UINT8, &one) < 0)
        rc = cs_h5_err(err, CS_EHDF5, path, "write attribute \"complete\" of", "/");
    if (a >= 0 && H5Aclose(a) < 0 && rc == CS_OK)
        rc = cs_h5_err(err, CS_EHDF5, path, "close attribute \"complete\" of", "/");
    if (rc == CS_OK && H5Fflush(file, H5F_SCOPE_LOCAL) < 0)
        rc = cs_h5_err(err, CS_EHDF5, path, "flush", "the file");
    return rc;
}

void cs_h5_now_utc(char buf[32])
{
    const time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, 32, "unknown");
}
