/*
 * verify.c: what a file to resume holds besides its trials, checked against what the run writes
 * (cs_rw_check_static, writer.h). The per-trial rows are covered by their Fletcher32 checksums
 * and the commit record (resume.c); the static tables (topology, baseline, time grid, ships)
 * and the attributes are written once, unchecked, and copied into the final file by the
 * compaction: damage to them (bytes zeroed or flipped outside cablesim's writes) would
 * otherwise reach a file that says it is complete. The run rebuilds them in memory
 * (cs_rw_create_image) and every object of that image is compared with the file's.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cablesim/results_schema.h"
#include "results/h5util.h"
#include "results/writer.h"

/* Root attributes a resume may find different: the build and the time of the run that made
 * the file, the commit record (commit.h) and `complete`. */
static const char *const VARIABLE[] = {
    "created",      "complete",         "committed",       "committed_lists",
    "writing",      "software_version", "software_commit", "build_type",
    "hdf5_version", "igraph_version",   "gsl_version",     "mpi_version",
};

static bool variable_root_attr(const char *name, bool parts)
{
    if (parts && (strcmp(name, "part_first_trial") == 0 || strcmp(name, "part_trials") == 0))
        return true;
    for (size_t i = 0; i < sizeof VARIABLE / sizeof *VARIABLE; i++)
        if (strcmp(name, VARIABLE[i]) == 0) return true;
    /* where the inputs were (inputs.c): found again from where the resume runs */
    const size_t n = strlen(name);
    static const char *const suffix[] = {"_given", "_abs", "_rel"};
    for (size_t i = 0; i < 3; i++) {
        const size_t k = strlen(suffix[i]);
        if (n > k && strcmp(name + n - k, suffix[i]) == 0) return true;
    }
    return false;
}

/* Whether element a equals element b, both of memory type t. */
static bool same_elem(hid_t t, const unsigned char *a, const unsigned char *b)
{
    const size_t size = H5Tget_size(t);
    bool same = true;
    switch (H5Tget_class(t)) {
    case H5T_STRING:
        if (H5Tis_variable_str(t) > 0) {
            const char *x = *(char *const *)(const void *)a, *y = *(char *const *)(const void *)b;
            return x == NULL || y == NULL ? x == y : strcmp(x, y) == 0;
        }
        return memcmp(a, b, size) == 0;
    case H5T_COMPOUND: {
        const int n = H5Tget_nmembers(t);
        for (int i = 0; i < n && same; i++) {
            const hid_t mt = H5Tget_member_type(t, (unsigned)i);
            const size_t off = H5Tget_member_offset(t, (unsigned)i);
            same = mt >= 0 && same_elem(mt, a + off, b + off);
            if (mt >= 0) H5Tclose(mt);
        }
        return same;
    }
    case H5T_ARRAY: {
        const hid_t base = H5Tget_super(t);
        const size_t bs = base >= 0 ? H5Tget_size(base) : 0;
        for (size_t k = 0; bs > 0 && k < size / bs && same; k++)
            same = same_elem(base, a + k * bs, b + k * bs);
        if (base >= 0) H5Tclose(base);
        return same && bs > 0;
    }
    case H5T_VLEN: {
        const hvl_t *x = (const hvl_t *)(const void *)a, *y = (const hvl_t *)(const void *)b;
        if (x->len != y->len) return false;
        const hid_t base = H5Tget_super(t);
        const size_t bs = base >= 0 ? H5Tget_size(base) : 0;
        for (size_t k = 0; bs > 0 && k < x->len && same; k++)
            same = same_elem(base, (const unsigned char *)x->p + k * bs,
                             (const unsigned char *)y->p + k * bs);
        if (base >= 0) H5Tclose(base);
        return same && bs > 0;
    }
    default:
        return memcmp(a, b, size) == 0;
    }
}

/* The objects compared: an attribute (is_attr) or a dataset. */
typedef struct {
    hid_t img, file; /* the attribute or dataset in the image and in the file */
    bool is_attr;
} pair;

static hid_t type_of(hid_t x, bool is_attr)
{
    return is_attr ? H5Aget_type(x) : H5Dget_type(x);
}

static hid_t space_of(hid_t x, bool is_attr)
{
    return is_attr ? H5Aget_space(x) : H5Dget_space(x);
}

static herr_t read_all(hid_t x, bool is_attr, hid_t mt, void *buf)
{
    return is_attr ? H5Aread(x, mt, buf) : H5Dread(x, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
}

/* Whether the pair holds the same type, shape and values; *unreadable: 1 when the image's (or the
 * first part's) values could not be read, 2 the file's, else 0. */
static bool same_values(const pair *p, int *unreadable)
{
    const hid_t ti = type_of(p->img, p->is_attr), tf = type_of(p->file, p->is_attr);
    const hid_t si = space_of(p->img, p->is_attr), sf = space_of(p->file, p->is_attr);
    bool same = ti >= 0 && tf >= 0 && si >= 0 && sf >= 0 && H5Tequal(ti, tf) > 0 &&
                H5Sextent_equal(si, sf) > 0;
    const hid_t mt = same ? H5Tget_native_type(ti, H5T_DIR_ASCEND) : H5I_INVALID_HID;
    const hssize_t n = same ? H5Sget_simple_extent_npoints(si) : -1;
    const size_t size = mt >= 0 ? H5Tget_size(mt) : 0;
    same = same && mt >= 0 && n >= 0 && size > 0;
    unsigned char *a = same ? calloc((size_t)n + 1, size) : NULL;
    unsigned char *b = same ? calloc((size_t)n + 1, size) : NULL;
    bool read_a = false, read_b = false;
    if (same) {
        read_a = a != NULL && read_all(p->img, p->is_attr, mt, a) >= 0;
        read_b = b != NULL && read_all(p->file, p->is_attr, mt, b) >= 0;
        same = read_a && read_b;
        if (a != NULL && b != NULL) *unreadable = !read_a ? 1 : !read_b ? 2 : 0;
    }
    for (hssize_t i = 0; same && i < n; i++)
        same = same_elem(mt, a + (size_t)i * size, b + (size_t)i * size);
    /* variable-length sequences and strings hold memory HDF5 allocated (a no-op otherwise) */
    const bool vl =
        mt >= 0 && (H5Tdetect_class(mt, H5T_VLEN) > 0 || H5Tdetect_class(mt, H5T_STRING) > 0);
    if (vl && read_a) H5Dvlen_reclaim(mt, si, H5P_DEFAULT, a);
    if (vl && read_b) H5Dvlen_reclaim(mt, si, H5P_DEFAULT, b);
    free(a);
    free(b);
    if (mt >= 0) H5Tclose(mt);
    if (ti >= 0) H5Tclose(ti);
    if (tf >= 0) H5Tclose(tf);
    if (si >= 0) H5Sclose(si);
    if (sf >= 0) H5Sclose(sf);
    return same;
}

/* The walk over the image's objects. */
typedef struct {
    hid_t file;
    const char *path;
    int version;
    cs_error *err;
    cs_status rc;
    const char *object; /* the object whose attributes are being compared */
    hid_t img_obj, file_obj;
    const char *ref; /* comparing two parts of a merge: the first part's name; else NULL */
} walk_ctx;

/* The order of the walk over ref: name order over the image (what is reported first does not
 * depend on HDF5's layout); HDF5's native order over a part, which may be damaged (merge.c,
 * list_datasets: in name order HDF5 1.10 can crash on a damaged large group or attribute list). */
static H5_iter_order_t walk_order(const walk_ctx *c)
{
    return c->ref != NULL ? H5_ITER_NATIVE : H5_ITER_INC;
}

/* The values of what (in the first part when in_ref, else in the file) could not be read: that
 * file is damaged, whatever the other holds. */
static cs_status unreadable(walk_ctx *c, bool in_ref, const char *what)
{
    return c->rc = cs_errorf(c->err, CS_EINVAL, "%s: damaged: HDF5 could not read %s",
                             in_ref && c->ref != NULL ? c->ref : c->path, what);
}

/* "is not what this run writes ..." or, between parts, "differs from the first part's". */
static cs_status differ(walk_ctx *c, const char *what)
{
    if (c->ref != NULL)
        return c->rc = cs_errorf(c->err, CS_EINVAL,
                                 "%s: damaged: %s differs from the part %s (a part of the same "
                                 "run): one of them is damaged",
                                 c->path, what, c->ref);
    return c->rc = cs_errorf(c->err, CS_EINVAL,
                             "%s: damaged: %s is not what this run writes (its scenario and inputs "
                             "are unchanged): the file cannot be resumed",
                             c->path, what);
}

static herr_t compare_attr(hid_t obj, const char *name, const H5A_info_t *info, void *data)
{
    (void)info;
    walk_ctx *c = data;
    if (strcmp(c->object, ".") == 0 && variable_root_attr(name, c->ref != NULL)) return 0;
    pair p = {.img = H5Aopen(obj, name, H5P_DEFAULT), .file = H5I_INVALID_HID, .is_attr = true};
    int bad = p.img < 0 ? 1 : 0;
    if (H5Aexists(c->file_obj, name) > 0 && (p.file = H5Aopen(c->file_obj, name, H5P_DEFAULT)) < 0)
        bad = bad ? bad : 2;
    const bool same = p.img >= 0 && p.file >= 0 && same_values(&p, &bad);
    if (p.img >= 0) H5Aclose(p.img);
    if (p.file >= 0) H5Aclose(p.file);
    if (same) return 0;
    char what[1024];
    snprintf(what, sizeof what, "attribute \"%s\" of /%s", name,
             strcmp(c->object, ".") == 0 ? "" : c->object);
    if (bad)
        unreadable(c, bad == 1, what);
    else
        differ(c, what);
    return 1;
}

/* Whether the object at name (relative to /) holds trials, or is part of one that does (the
 * members of a dictionary table, format 4): its values are not compared. */
static bool holds_trials(const char *name, int version)
{
    const cs_dataset_schema *t = cs_results_schema();
    for (int d = 0; d < CS_DS_COUNT; d++) {
        const char *p = cs_schema_path(&t[d], version) + 1;
        const size_t n = strlen(p);
        if (strncmp(p, name, n) == 0 && (name[n] == '\0' || name[n] == '/'))
            return cs_schema_rows(&t[d], version) != CS_ROWS_STATIC;
    }
    return false;
}

static herr_t compare_object(hid_t img, const char *name, const H5O_info_t *info, void *data)
{
    walk_ctx *c = data;
    const hid_t fo = strcmp(name, ".") == 0 || H5Lexists(c->file, name, H5P_DEFAULT) > 0
                         ? H5Oopen(c->file, name, H5P_DEFAULT)
                         : H5I_INVALID_HID;
    /* a dataset of trials missing from a part: merge's own check of them says it better */
    if (fo < 0 && c->ref != NULL && holds_trials(name, c->version)) return 0;
    const hid_t io = H5Oopen(img, name, H5P_DEFAULT);
    if (fo < 0 || io < 0) {
        if (fo >= 0) H5Oclose(fo);
        if (io >= 0) H5Oclose(io);
        char what[1024];
        snprintf(what, sizeof what, "/%s (missing or unreadable)",
                 strcmp(name, ".") == 0 ? "" : name);
        differ(c, what);
        return 1;
    }
    c->object = name;
    c->img_obj = io;
    c->file_obj = fo;
    hsize_t idx = 0;
    herr_t r = H5Aiterate2(io, H5_INDEX_NAME, walk_order(c), &idx, compare_attr, c);
    char what[1024];
    snprintf(what, sizeof what, "/%s", strcmp(name, ".") == 0 ? "" : name);
    if (r < 0 && c->rc == CS_OK) differ(c, what);
    if (c->rc == CS_OK && info->type == H5O_TYPE_DATASET && !holds_trials(name, c->version)) {
        const pair p = {.img = io, .file = fo, .is_attr = false};
        int bad = 0;
        if (!same_values(&p, &bad)) {
            if (bad)
                unreadable(c, bad == 1, what);
            else
                differ(c, what);
        }
    }
    H5Oclose(io);
    H5Oclose(fo);
    return c->rc == CS_OK ? 0 : 1;
}

/* Compares every object of ref (the image, or the first part ref_path) with f's. */
static cs_status compare_files(hid_t ref, const char *ref_path, hid_t f, const char *path,
                               int version, cs_error *err)
{
    walk_ctx c = {.file = f, .path = path, .version = version, .err = err, .ref = ref_path};
    if (H5Ovisit2(ref, H5_INDEX_NAME, walk_order(&c), compare_object, &c, H5O_INFO_BASIC) < 0 &&
        c.rc == CS_OK)
        differ(&c, "its tree of groups");
    return c.rc;
}

cs_status cs_rw_check_static(hid_t f, const char *path, const cs_results_meta *m, int version,
                             cs_error *err)
{
    char name[4096];
    snprintf(name, sizeof name, "%s.image", path);
    cs_results_meta im = *m;
    im.intact = NULL; /* rows of outcome 0 are trials' rows: checked by the resume */
    cs_results_t *w = NULL;
    cs_status rc = cs_rw_create_image(&w, name, &im, version, err);
    if (rc) return rc;
    rc = compare_files(w->file, NULL, f, path, version, err);
    cs_rw_release(w, NULL);
    return rc;
}

cs_status cs_rw_check_same_static(hid_t ref, const char *ref_path, hid_t f, const char *path,
                                  int version, cs_error *err)
{
    return compare_files(ref, ref_path, f, path, version, err);
}
