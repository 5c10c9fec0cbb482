/*
 * cs_cli_test.h: helpers for tests that run the built cablesim in a directory (include after
 * <cmocka.h>): a scratch directory in the build tree with the fixtures linked in, a shell command
 * with its output captured, files written, removed and looked for; with <hdf5.h> included before
 * it, results files compared dataset by dataset and their attributes and lengths read. Runs are
 * stopped at chosen points with
 * --stop-after-batches or the CABLESIM_RAISE hook (docs/hpc.md), never by timing.
 */
#ifndef CS_CLI_TEST_H
#define CS_CLI_TEST_H

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The hazards of the results-file tests (test_mpi, test_merge, test_crash), the last key of
 * their scenarios: random faults on most trials of the engine test network and an anchor drag off
 * jp-a (cuts and hazard events in every trial). */
#define CS_TEST_DRAG_HAZARDS                                                                       \
    "hazards:\n"                                                                                   \
    "  - type: random_faults\n"                                                                    \
    "    window_days: 365\n"                                                                       \
    "    rate_deep: 0.05\n"                                                                        \
    "    rate_shallow: 0.05\n"                                                                     \
    "  - type: anchor_drag\n"                                                                      \
    "    region: [[139.5, 34.0], [141.5, 34.0], [141.5, 35.0], [139.5, 35.0]]\n"                   \
    "    max_depth_m: 12000\n"

/* Runs cmd with sh in dir; captures stdout+stderr into out[n]; returns the exit status. */
static inline int cs_sh_in(const char *dir, const char *cmd, char *out, size_t n)
{
    char full[8192];
    const int len = snprintf(full, sizeof full, "cd '%s' && %s 2>&1", dir, cmd);
    assert_true(len > 0 && (size_t)len < sizeof full); /* never run a truncated command */
    FILE *p = popen(full, "r");
    assert_non_null(p);
    const size_t got = fread(out, 1, n - 1, p);
    out[got] = '\0';
    const int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? 128 + WTERMSIG(st) : -1;
}

/* Whether dir/name exists. */
static inline bool cs_exists_in(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Writes text to dir/name (replacing it). */
static inline void cs_write_in(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Removes dir/name (when it is there). */
static inline void cs_remove_in(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    remove(path);
}

/*
 * Makes a fresh scratch directory <working dir>/<name>-scratch (the test runs in the build
 * tree) into dir[n], with a symbolic link to every fixture of CS_TEST_DATA, so that tests write
 * only there and name the fixtures as in tests/data. Returns false on failure.
 */
static inline bool cs_scratch_init(char *dir, size_t n, const char *name)
{
    char cwd[2048], cmd[8192];
    if (getcwd(cwd, sizeof cwd) == NULL) return false;
    const int len = snprintf(dir, n, "%s/%s-scratch", cwd, name);
    if (len < 0 || (size_t)len >= n) return false;
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    if (system(cmd) != 0) return false;
    DIR *d = opendir(CS_TEST_DATA);
    if (d == NULL) return false;
    bool ok = true;
    for (struct dirent *e = readdir(d); e != NULL && ok; e = readdir(d)) {
        if (e->d_name[0] == '.') continue;
        char from[4096], to[4096];
        snprintf(from, sizeof from, "%s/%s", CS_TEST_DATA, e->d_name);
        snprintf(to, sizeof to, "%s/%s", dir, e->d_name);
        ok = symlink(from, to) == 0;
    }
    closedir(d);
    return ok;
}

/* Removes the scratch directory (after the tests passed; a failure leaves it to look at). */
static inline void cs_scratch_remove(const char *dir)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", dir);
}

#ifdef H5_VERS_MAJOR /* the comparison needs <hdf5.h>, included before this header */
#include "results/dictionary.h"

typedef struct {
    hid_t a, b;
    const char *group;
    int datasets;
    bool differ;
} cs_h5_cmp;

/* Whether datasets da and db have the same type, shape and bytes (NaN as bytes). */
static inline bool cs_h5_same_data(hid_t da, hid_t db)
{
    const hid_t ta = H5Dget_type(da), tb = H5Dget_type(db);
    const hid_t sa = H5Dget_space(da), sb = H5Dget_space(db);
    hsize_t dima[H5S_MAX_RANK] = {0}, dimb[H5S_MAX_RANK] = {0};
    const int ra = H5Sget_simple_extent_dims(sa, dima, NULL);
    const int rb = H5Sget_simple_extent_dims(sb, dimb, NULL);
    const bool same = H5Tequal(ta, tb) > 0 && ra == rb && memcmp(dima, dimb, sizeof dima) == 0;
    const size_t bytes = same ? (size_t)H5Sget_simple_extent_npoints(sa) * H5Tget_size(ta) : 0;
    unsigned char *ba = calloc(bytes + 1, 1), *bb = calloc(bytes + 1, 1);
    assert_true(ba != NULL && bb != NULL);
    if (bytes > 0) {
        assert_true(H5Dread(da, ta, H5S_ALL, H5S_ALL, H5P_DEFAULT, ba) >= 0);
        assert_true(H5Dread(db, tb, H5S_ALL, H5S_ALL, H5P_DEFAULT, bb) >= 0);
    }
    const bool equal = same && memcmp(ba, bb, bytes) == 0;
    free(ba);
    free(bb);
    H5Sclose(sa);
    H5Sclose(sb);
    H5Tclose(ta);
    H5Tclose(tb);
    return equal;
}

/* H5Literate callback: dataset name of the group, same type, shape and bytes in both files. */
static inline herr_t cs_h5_cmp_dataset(hid_t g, const char *name, const H5L_info_t *info,
                                       void *data)
{
    (void)g;
    (void)info;
    cs_h5_cmp *c = data;
    char path[512];
    snprintf(path, sizeof path, "%s/%s", c->group, name);
    const bool dict_a = cs_dict_is_table(c->a, path), dict_b = cs_dict_is_table(c->b, path);
    if (dict_a && dict_b) { /* dictionary tables (format 4): each member the same */
        static const char *const member[] = {"index", "value_offsets", "values"};
        for (int k = 0; k < 3; k++) {
            char m[600];
            snprintf(m, sizeof m, "%s/%s", path, member[k]);
            const hid_t ma = H5Dopen2(c->a, m, H5P_DEFAULT), mb = H5Dopen2(c->b, m, H5P_DEFAULT);
            if (ma < 0 || mb < 0 || !cs_h5_same_data(ma, mb)) c->differ = true;
            if (ma >= 0) H5Dclose(ma);
            if (mb >= 0) H5Dclose(mb);
        }
        c->datasets++;
        return 0;
    }
    /* a plain dataset in both, or a table plain in one (a complete file whose compaction was
     * stopped) and a dictionary table in the other: compared decoded */
    hid_t da = H5I_INVALID_HID, db = H5I_INVALID_HID;
    cs_error e = CS_ERROR_INIT;
    if (cs_dict_open(c->a, path, H5P_DEFAULT, &da, "a", &e) != CS_OK) da = H5I_INVALID_HID;
    if (cs_dict_open(c->b, path, H5P_DEFAULT, &db, "b", &e) != CS_OK) db = H5I_INVALID_HID;
    if (da < 0 || db < 0) {
        c->differ = true;
        if (da >= 0) H5Dclose(da);
        if (db >= 0) H5Dclose(db);
        return 0;
    }
    if (!cs_h5_same_data(da, db)) c->differ = true;
    H5Dclose(da);
    H5Dclose(db);
    c->datasets++;
    return 0;
}

/* Compares every dataset of group in files pa and pb (type, shape, bytes; NaN as bytes): the
 * number of datasets, or -1 when one differs or is missing from pb. */
static inline int cs_h5_same_group(const char *pa, const char *pb, const char *group)
{
    cs_h5_cmp c = {H5Fopen(pa, H5F_ACC_RDONLY, H5P_DEFAULT),
                   H5Fopen(pb, H5F_ACC_RDONLY, H5P_DEFAULT), group, 0, false};
    assert_true(c.a >= 0 && c.b >= 0);
    const hid_t g = H5Gopen2(c.a, group, H5P_DEFAULT);
    assert_true(g >= 0);
    hsize_t idx = 0;
    assert_true(H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, cs_h5_cmp_dataset, &c) >= 0);
    H5Gclose(g);
    H5Fclose(c.a);
    H5Fclose(c.b);
    return c.differ ? -1 : c.datasets;
}

/* The string attribute attr of object obj ("/" or a dataset) of file path into buf; "" when
 * the object has no such attribute. */
static inline void cs_h5_str_attr(const char *path, const char *obj, const char *attr, char *buf,
                                  size_t n)
{
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    const hid_t o = H5Oopen(f, obj, H5P_DEFAULT);
    assert_true(o >= 0);
    buf[0] = '\0';
    if (H5Aexists(o, attr) > 0) {
        const hid_t a = H5Aopen(o, attr, H5P_DEFAULT), t = H5Aget_type(a);
        char *v = NULL;
        assert_true(H5Aread(a, t, &v) >= 0);
        snprintf(buf, n, "%s", v);
        H5free_memory(v);
        H5Tclose(t);
        H5Aclose(a);
    }
    H5Oclose(o);
    H5Fclose(f);
}

/*
 * Compares results files pa and pb group by group: /trials, /baseline, /topology, and
 * /outcomes, /timeseries and /recovery when pa has them (pb then must too, and only then: the
 * outcomes in files of format 2, the recovery groups with `recovery:`); each dataset as
 * cs_h5_same_group does, and each group of pb must have no member pa's lacks. Returns the number
 * of datasets, or -1 when one differs or a group's members do.
 */
static inline int cs_h5_same_results(const char *pa, const char *pb)
{
    cs_h5_cmp c = {H5Fopen(pa, H5F_ACC_RDONLY, H5P_DEFAULT),
                   H5Fopen(pb, H5F_ACC_RDONLY, H5P_DEFAULT), NULL, 0, false};
    assert_true(c.a >= 0 && c.b >= 0);
    static const char *const groups[] = {"/trials",   "/baseline",   "/topology",
                                         "/outcomes", "/timeseries", "/recovery"};
    for (size_t i = 0; i < sizeof groups / sizeof *groups; i++) {
        if (i >= 3 && H5Lexists(c.a, groups[i], H5P_DEFAULT) <= 0) {
            /* /outcomes in format 2, the recovery groups with `recovery:`: then in both files */
            if (H5Lexists(c.b, groups[i], H5P_DEFAULT) > 0) c.differ = true;
            continue;
        }
        c.group = groups[i];
        const hid_t ga = H5Gopen2(c.a, groups[i], H5P_DEFAULT);
        assert_true(ga >= 0);
        hsize_t idx = 0;
        assert_true(H5Literate(ga, H5_INDEX_NAME, H5_ITER_INC, &idx, cs_h5_cmp_dataset, &c) >= 0);
        H5G_info_t ia, ib;
        const hid_t gb = H5Gopen2(c.b, groups[i], H5P_DEFAULT);
        assert_true(gb >= 0 && H5Gget_info(ga, &ia) >= 0 && H5Gget_info(gb, &ib) >= 0);
        if (ia.nlinks != ib.nlinks) c.differ = true;
        H5Gclose(ga);
        H5Gclose(gb);
    }
    H5Fclose(c.a);
    H5Fclose(c.b);
    return c.differ ? -1 : c.datasets;
}

/* Opens dir/name with HDF5, read-only unless write. */
static inline hid_t cs_h5_open_in(const char *dir, const char *name, bool write)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    const hid_t f = H5Fopen(path, write ? H5F_ACC_RDWR : H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    return f;
}

/* A numeric root attribute (read as uint64) of results file dir/name; it must be there. */
static inline uint64_t cs_h5_root_u64(const char *dir, const char *name, const char *attr)
{
    const hid_t f = cs_h5_open_in(dir, name, false);
    const hid_t a = H5Aopen(f, attr, H5P_DEFAULT);
    assert_true(a >= 0);
    uint64_t v = UINT64_MAX;
    assert_true(H5Aread(a, H5T_NATIVE_UINT64, &v) >= 0);
    H5Aclose(a);
    H5Fclose(f);
    return v;
}

/* The length of the first axis of dataset of file dir/name (of a dictionary table of format 4:
 * its rows, those of its index). */
static inline uint64_t cs_h5_rows(const char *dir, const char *name, const char *dataset)
{
    const hid_t f = cs_h5_open_in(dir, name, false);
    char index[512];
    snprintf(index, sizeof index, "%s/index", dataset);
    const bool dict = H5Aexists_by_name(f, dataset, "encoding", H5P_DEFAULT) > 0;
    const hid_t d = H5Dopen2(f, dict ? index : dataset, H5P_DEFAULT);
    assert_true(d >= 0);
    const hid_t s = H5Dget_space(d);
    hsize_t dims[H5S_MAX_RANK] = {0};
    H5Sget_simple_extent_dims(s, dims, NULL);
    H5Sclose(s);
    H5Dclose(d);
    H5Fclose(f);
    return dims[0];
}

#endif /* H5_VERS_MAJOR */

#endif /* CS_CLI_TEST_H */
