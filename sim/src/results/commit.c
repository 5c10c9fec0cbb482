/*
 * commit.c: the commit record of a results file (docs/hdf5-schema.md, "Commit protocol") and
 * the checks of the per-trial data that `run --resume` and `merge` trust.
 *
 * The record is two root attributes: `committed_lists` (a string naming the values lists of the
 * file, in the order of the schema, written once when the file is made) and `committed` (uint64:
 * the trials committed, then the length of each of those lists). The writer rewrites
 * `committed` only after the data of a write are flushed (and synced), and flushes again: HDF5
 * gives no order to the metadata it writes in one flush, so what lies beyond the record is not
 * trusted; the record itself is one small attribute, written in place. A third attribute,
 * `writing`, is 1 while a writer has the file open and 0 once it closed it: a file left with 1
 * was not closed (a kill, a crash), and its resume rebuilds every per-trial dataset from the
 * committed rows rather than trust any metadata written after the record.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "results/commit.h"
#include "results/h5util.h"

#define COMMITTED       "committed"
#define COMMITTED_LISTS "committed_lists"
#define WRITING         "writing"

/* Whether the record gives the length of dataset d: a values list, or a table of outcomes. */
static bool recorded(cs_dataset_id d)
{
    const cs_rows_kind k = cs_results_dataset(d)->rows;
    return k == CS_ROWS_VALUES || k == CS_ROWS_OUTCOME;
}

/* The lists present (has[d]), in schema order, into lists; returns how many. */
static size_t present_lists(const bool *has, int *lists)
{
    size_t n = 0;
    for (int d = 0; d < CS_DS_COUNT; d++)
        if (has[d] && recorded((cs_dataset_id)d)) lists[n++] = d;
    return n;
}

/* Writes the uint64 array attribute committed = v[0..n-1] on file (created when create). */
static cs_status put_array(hid_t file, const char *path, const uint64_t *v, size_t n, bool create,
                           cs_error *err)
{
    const hsize_t dims[1] = {n};
    const hid_t sp = create ? H5Screate_simple(1, dims, NULL) : H5I_INVALID_HID;
    const hid_t a =
        create ? (sp >= 0 ? H5Acreate2(file, COMMITTED, H5T_STD_U64LE, sp, H5P_DEFAULT, H5P_DEFAULT)
                          : H5I_INVALID_HID)
               : H5Aopen(file, COMMITTED, H5P_DEFAULT);
    cs_status rc = CS_OK;
    if (a < 0 || H5Awrite(a, H5T_NATIVE_UINT64, v) < 0)
        rc = cs_h5_err(err, CS_EHDF5, path, "write attribute \"" COMMITTED "\" of", "/");
    if (a >= 0 && H5Aclose(a) < 0 && rc == CS_OK)
        rc = cs_h5_err(err, CS_EHDF5, path, "close attribute \"" COMMITTED "\" of", "/");
    if (sp >= 0) H5Sclose(sp);
    return rc;
}

cs_status cs_commit_write(hid_t file, const char *path, uint64_t trials, const uint64_t *len,
                          const bool *has, bool create, cs_error *err)
{
    int lists[CS_DS_COUNT];
    const size_t nl = present_lists(has, lists);
    uint64_t v[CS_DS_COUNT + 1];
    v[0] = trials;
    for (size_t k = 0; k < nl; k++)
        v[1 + k] = len[lists[k]];
    cs_status rc = CS_OK;
    if (create) {
        char names[CS_DS_COUNT * 64] = "";
        for (size_t k = 0; k < nl; k++) {
            if (k > 0) strcat(names, " ");
            strcat(names, cs_results_dataset((cs_dataset_id)lists[k])->path);
        }
        rc = cs_h5_put_str_attr(path, file, "/", COMMITTED_LISTS, names, err);
    }
    if (rc == CS_OK) rc = put_array(file, path, v, 1 + nl, create, err);
    const uint8_t one = 1;
    if (rc == CS_OK && create)
        rc = cs_h5_put_attr(path, file, "/", WRITING, H5T_STD_U8LE, H5T_NATIVE_UINT8, &one, err);
    return rc;
}

cs_status cs_commit_set_writing(hid_t file, const char *path, bool writing, cs_error *err)
{
    const uint8_t v = writing;
    const hid_t a =
        H5Aexists(file, WRITING) > 0 ? H5Aopen(file, WRITING, H5P_DEFAULT) : H5I_INVALID_HID;
    cs_status rc = CS_OK;
    if (a < 0 || H5Awrite(a, H5T_NATIVE_UINT8, &v) < 0)
        rc = cs_h5_err(err, CS_EHDF5, path, "write attribute \"" WRITING "\" of", "/");
    if (a >= 0 && H5Aclose(a) < 0 && rc == CS_OK)
        rc = cs_h5_err(err, CS_EHDF5, path, "close attribute \"" WRITING "\" of", "/");
    return rc;
}

cs_status cs_commit_read(hid_t file, const char *path, cs_commit *c, cs_error *err)
{
    memset(c, 0, sizeof *c);
    const htri_t has = H5Aexists(file, COMMITTED);
    if (has < 0) return cs_h5_err(err, CS_EINVAL, path, "look for attribute", COMMITTED);
    if (has == 0) return CS_OK; /* c->found stays false */
    char *names = NULL;
    cs_status rc = cs_h5_get_str_attr(file, path, "/", COMMITTED_LISTS, &names, CS_EINVAL, err);
    int lists[CS_DS_COUNT];
    size_t nl = 0;
    for (char *s = names != NULL ? strtok(names, " ") : NULL; s != NULL && rc == CS_OK;
         s = strtok(NULL, " ")) {
        cs_dataset_id id;
        if (cs_results_dataset_find(s, &id) == NULL || !recorded(id) || nl == CS_DS_COUNT)
            rc = cs_errorf(err, CS_EINVAL,
                           "%s: attribute \"" COMMITTED_LISTS
                           "\" of /: expected values lists or outcome tables of the schema, "
                           "found \"%.60s\"",
                           path, s);
        else
            lists[nl++] = (int)id;
    }
    free(names);
    if (rc) return rc;
    uint8_t writing = 1; /* missing: as if left open */
    if (H5Aexists(file, WRITING) > 0)
        rc = cs_h5_get_num_attr(file, path, "/", WRITING, H5T_NATIVE_UINT8, &writing, CS_EINVAL,
                                err);
    if (rc) return rc;
    c->writing = writing != 0;
    const hid_t a = H5Aopen(file, COMMITTED, H5P_DEFAULT);
    const hid_t sp = a >= 0 ? H5Aget_space(a) : H5I_INVALID_HID;
    const hssize_t n = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
    uint64_t v[CS_DS_COUNT + 1];
    if (a < 0 || sp < 0)
        rc = cs_h5_err(err, CS_EINVAL, path, "open attribute \"" COMMITTED "\" of", "/");
    else if (n != (hssize_t)(1 + nl))
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: attribute \"" COMMITTED "\" of /: expected %zu numbers (the trials "
                       "and %zu list lengths), found %lld",
                       path, 1 + nl, nl, (long long)n);
    else if (H5Aread(a, H5T_NATIVE_UINT64, v) < 0)
        rc = cs_h5_err(err, CS_EINVAL, path, "read attribute \"" COMMITTED "\" of", "/");
    if (sp >= 0) H5Sclose(sp);
    if (a >= 0) H5Aclose(a);
    if (rc) return rc;
    c->found = true;
    c->trials = v[0];
    for (size_t k = 0; k < nl; k++) {
        c->listed[lists[k]] = true;
        c->len[lists[k]] = v[1 + k];
    }
    return CS_OK;
}

/* ------------------------------------------------------------------ checks */

cs_status cs_commit_check_offsets(const uint64_t *o, size_t n, uint64_t lo, uint64_t hi,
                                  const char *path, const char *dset, uint64_t first_row,
                                  cs_error *err)
{
    uint64_t prev = lo;
    for (size_t i = 0; i < n; i++) {
        if (o[i] < prev || o[i] > hi)
            return cs_errorf(err, CS_EINVAL,
                             "%s: %s[%" PRIu64 "] = %" PRIu64
                             ": expected offsets that never decrease, from %" PRIu64
                             " up to %" PRIu64 " (the length of the list)",
                             path, dset, first_row + i, o[i], prev, hi);
        prev = o[i];
    }
    return CS_OK;
}

/* Reads the uint32 (or int32 when sgn) at byte off of record i of v. */
static uint32_t member_u32(const void *v, size_t i, size_t rec, size_t off)
{
    uint32_t x;
    memcpy(&x, (const unsigned char *)v + i * rec + off, 4);
    return x;
}

cs_status cs_commit_check_values(cs_dataset_id d, const void *v, size_t n, const size_t *dims,
                                 int version, const char *path, uint64_t first, cs_error *err)
{
    const cs_dataset_schema *s = cs_results_dataset(d);
    const char *what = NULL;
    size_t bound = 0, off = 0, rec = 4, bad = n;
    bool allow_minus1 = false;
    if (d == CS_DS_FAILED_EDGES || d == CS_DS_FAILED_NODES) {
        bound = dims[d == CS_DS_FAILED_EDGES ? CS_DIM_EDGES : CS_DIM_NODES];
        what = d == CS_DS_FAILED_EDGES ? "an edge index" : "a node index";
    }
    cs_status rc = CS_OK;
    for (int pass = 0; pass < 2 && rc == CS_OK; pass++) {
        /* records: the member "edge" indexes the edges, "ship" the ships (-1: none) */
        if (s->type == CS_DT_RECORD) {
            const char *member = pass == 0 ? "edge" : "ship";
            what = NULL;
            for (size_t k = 0; k < s->n_members; k++)
                if (strcmp(s->members[k].name, member) == 0) {
                    cs_dtype type;
                    rec = cs_schema_member_layout(s, k, version, &off, &type);
                    assert(type == CS_DT_U32 || type == CS_DT_I32);
                    bound = dims[pass == 0 ? CS_DIM_EDGES : CS_DIM_SHIPS];
                    what = pass == 0 ? "an edge index" : "a ship index";
                    allow_minus1 = pass == 1;
                }
        } else if (pass == 1) {
            break;
        }
        if (what == NULL) continue;
        for (size_t i = 0; i < n && bad == n; i++) {
            const uint32_t x = member_u32(v, i, rec, off);
            if (x >= bound && !(allow_minus1 && x == UINT32_MAX)) bad = i;
        }
        if (bad < n)
            rc = cs_errorf(err, CS_EINVAL,
                           "%s: %s[%" PRIu64 "]: expected %s below %zu, found %" PRIu32, path,
                           s->path, first + bad, what, bound, member_u32(v, bad, rec, off));
    }
    return rc;
}
