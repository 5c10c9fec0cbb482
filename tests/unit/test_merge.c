/*
 * test_merge.c: `cablesim run --shard i/N` and `cablesim merge`: parts merged in any order (and
 * parts resumed after an interruption) give a file identical, dataset by dataset and attribute
 * by attribute (all but `created`), to one unsharded run's; every refusal of merge; readers
 * refuse a part. Scratch files go to merge-scratch/ in the test's working (build) directory.
 */
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <hdf5.h>

#include "cablesim/error.h"
#include "cablesim/paths.h"
#include "cablesim/resultsio.h"
#include "cs_cli_test.h"

static char scratch[2048]; /* absolute path of the scratch directory */

static void path_of(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", scratch, name);
}

/* Runs a shell command in the scratch dir; captures stdout+stderr; returns the exit status. */
static int run_sh(const char *cmd, char *out, size_t n)
{
    return cs_sh_in(scratch, cmd, out, n);
}

/* Runs cablesim with args (shell words) in the scratch dir. */
static int cli(const char *args, char *out, size_t n)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "'%s' %s", CS_CLI, args);
    return run_sh(cmd, out, n);
}

/* cli() that must succeed. */
static void cli_ok(const char *args)
{
    char out[16384];
    if (cli(args, out, sizeof out) != 0) fail_msg("cablesim %s: %s", args, out);
}

static void write_file(const char *name, const char *text)
{
    cs_write_in(scratch, name, text);
}

/* Whether a file whose name starts with prefix is in the scratch dir (OUT, OUT.tmp-PID). */
static bool any_file_starting(const char *prefix)
{
    DIR *d = opendir(scratch);
    assert_non_null(d);
    bool found = false;
    for (struct dirent *e = readdir(d); e != NULL; e = readdir(d))
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) found = true;
    closedir(d);
    return found;
}

/*
 * Writes <prefix>.yaml, a scenario of 347 trials (shards of 115, 116 and 116): random faults on
 * most trials, edge flows and latency kept, compressed, chunks of 40 rows that straddle the shard
 * boundaries. Runs it whole (<prefix>-whole.h5) and as 3 shards (<prefix>-p0.h5 .. -p2.h5).
 */
static void make_runs(const char *prefix)
{
    char text[4096], args[512];
    snprintf(text, sizeof text,
             "name: merge-test\n"
             "topology: %s/engine-topo.geojson\n"
             "demand: %s/engine-demand.csv\n"
             "as_of: 2011\n"
             "trials: 347\n"
             "seed: 6151\n"
             "output:\n"
             "  edge_flow: true\n"
             "  compression: 6\n"
             "  batch_trials: 40\n" CS_TEST_DRAG_HAZARDS,
             CS_TEST_DATA, CS_TEST_DATA);
    snprintf(args, sizeof args, "%s.yaml", prefix);
    write_file(args, text);
    snprintf(args, sizeof args, "run %s.yaml -o %s-whole.h5 --quiet", prefix, prefix);
    cli_ok(args);
    for (int i = 0; i < 3; i++) {
        snprintf(args, sizeof args, "run %s.yaml --shard %d/3 -o %s-p%d.h5 --quiet", prefix, i,
                 prefix, i);
        cli_ok(args);
    }
}

/* ------------------------------------------------------- file comparison */

typedef struct {
    hid_t a, b;
    int datasets;
    char diff[512]; /* the first difference, "" when none */
} cmp_ctx;

/* Keeps the first difference: what, and the problem. */
static void note(cmp_ctx *c, const char *what, const char *problem)
{
    /* A long message may be cut: it only says where the first difference is. */
    if (c->diff[0] == '\0' && snprintf(c->diff, sizeof c->diff, "%s: %s", what, problem) < 0)
        c->diff[0] = '?';
}

/* Compares attribute name of objects oa and ob: type, shape and value (strings as strings). */
static void compare_attr(cmp_ctx *c, hid_t oa, hid_t ob, const char *obj, const char *name)
{
    char what[512];
    snprintf(what, sizeof what, "attribute %s of %s", name, obj);
    if (H5Aexists(ob, name) <= 0) {
        note(c, what, "missing in the second file");
        return;
    }
    const hid_t aa = H5Aopen(oa, name, H5P_DEFAULT), ab = H5Aopen(ob, name, H5P_DEFAULT);
    const hid_t ta = H5Aget_type(aa), tb = H5Aget_type(ab);
    const hid_t sa = H5Aget_space(aa), sb = H5Aget_space(ab);
    assert_true(aa >= 0 && ab >= 0 && ta >= 0 && tb >= 0 && sa >= 0 && sb >= 0);
    const hssize_t n = H5Sget_simple_extent_npoints(sa);
    if (H5Tequal(ta, tb) <= 0 || n != H5Sget_simple_extent_npoints(sb)) {
        note(c, what, "types or shapes differ");
    } else if (H5Tis_variable_str(ta) > 0) {
        assert_int_equal(n, 1);
        char *va = NULL, *vb = NULL;
        assert_true(H5Aread(aa, ta, &va) >= 0 && H5Aread(ab, tb, &vb) >= 0);
        if (strcmp(va, vb) != 0) note(c, what, "values differ");
        H5free_memory(va);
        H5free_memory(vb);
    } else {
        const size_t bytes = (size_t)n * H5Tget_size(ta);
        unsigned char *ba = calloc(bytes + 1, 1), *bb = calloc(bytes + 1, 1);
        assert_true(ba != NULL && bb != NULL);
        assert_true(H5Aread(aa, ta, ba) >= 0 && H5Aread(ab, tb, bb) >= 0);
        if (memcmp(ba, bb, bytes) != 0) note(c, what, "values differ");
        free(ba);
        free(bb);
    }
    H5Sclose(sa);
    H5Sclose(sb);
    H5Tclose(ta);
    H5Tclose(tb);
    H5Aclose(aa);
    H5Aclose(ab);
}

typedef struct {
    char names[64][64];
    int n;
} attr_names;

static herr_t add_attr_name(hid_t o, const char *name, const H5A_info_t *info, void *data)
{
    (void)o;
    (void)info;
    attr_names *l = data;
    assert_true(l->n < 64);
    snprintf(l->names[l->n++], 64, "%s", name);
    return 0;
}

static void get_attr_names(hid_t o, attr_names *l)
{
    l->n = 0;
    hsize_t idx = 0;
    assert_true(H5Aiterate2(o, H5_INDEX_NAME, H5_ITER_INC, &idx, add_attr_name, l) >= 0);
}

/* Compares every attribute of oa and ob (the same names), all but skip (NULL: none). */
static void compare_attrs(cmp_ctx *c, hid_t oa, hid_t ob, const char *obj, const char *skip)
{
    attr_names la, lb;
    get_attr_names(oa, &la);
    get_attr_names(ob, &lb);
    if (la.n != lb.n) note(c, obj, "the files have different attributes");
    for (int i = 0; i < la.n; i++)
        if (skip == NULL || strcmp(la.names[i], skip) != 0)
            compare_attr(c, oa, ob, obj, la.names[i]);
}

/* H5Lvisit callback over the first file: every object compared with the second file's. */
static herr_t compare_object(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    (void)info;
    cmp_ctx *c = data;
    char path[512];
    snprintf(path, sizeof path, "/%s", name);
    if (H5Lexists(c->b, path, H5P_DEFAULT) <= 0) {
        note(c, path, "missing in the second file");
        return 0;
    }
    const hid_t oa = H5Oopen(c->a, path, H5P_DEFAULT), ob = H5Oopen(c->b, path, H5P_DEFAULT);
    assert_true(oa >= 0 && ob >= 0);
    if (H5Iget_type(oa) != H5Iget_type(ob)) {
        note(c, path, "a dataset in one file, a group in the other");
    } else if (H5Iget_type(oa) == H5I_DATASET) {
        if (!cs_h5_same_data(oa, ob)) note(c, path, "types, shapes or contents differ");
        c->datasets++;
    }
    compare_attrs(c, oa, ob, path, NULL);
    H5Oclose(oa);
    H5Oclose(ob);
    return 0;
}

static herr_t count_link(hid_t g, const char *name, const H5L_info_t *info, void *data)
{
    (void)g;
    (void)name;
    (void)info;
    ++*(int *)data;
    return 0;
}

/*
 * Compares two results files: every group and dataset (the same names, types, shapes and bytes)
 * and every attribute, of the root but `created` and of every object. Returns the number of
 * datasets, or -1 when something differs (printed).
 */
static int compare_files(const char *name_a, const char *name_b)
{
    char pa[4096], pb[4096];
    path_of(pa, sizeof pa, name_a);
    path_of(pb, sizeof pb, name_b);
    cmp_ctx c = {H5Fopen(pa, H5F_ACC_RDONLY, H5P_DEFAULT), H5Fopen(pb, H5F_ACC_RDONLY, H5P_DEFAULT),
                 0, ""};
    assert_true(c.a >= 0 && c.b >= 0);
    compare_attrs(&c, c.a, c.b, "/", "created");
    assert_true(H5Lvisit(c.a, H5_INDEX_NAME, H5_ITER_INC, compare_object, &c) >= 0);
    int na = 0, nb = 0; /* and the second file has nothing the first lacks */
    assert_true(H5Lvisit(c.a, H5_INDEX_NAME, H5_ITER_INC, count_link, &na) >= 0);
    assert_true(H5Lvisit(c.b, H5_INDEX_NAME, H5_ITER_INC, count_link, &nb) >= 0);
    if (na != nb) note(&c, "the files", "different numbers of objects");
    H5Fclose(c.a);
    H5Fclose(c.b);
    if (c.diff[0] != '\0') printf("  %s vs %s: %s\n", name_a, name_b, c.diff);
    return c.diff[0] != '\0' ? -1 : c.datasets;
}

/* Opens a scratch file with HDF5 (read-only unless write). */
static hid_t open_h5(const char *name, bool write)
{
    return cs_h5_open_in(scratch, name, write);
}

/* A numeric root attribute (as uint64) of the results file. */
static uint64_t root_attr(const char *name, const char *attr)
{
    return cs_h5_root_u64(scratch, name, attr);
}

/* The length of the first axis of a dataset of the file. */
static uint64_t rows(const char *name, const char *dataset)
{
    return cs_h5_rows(scratch, name, dataset);
}

/* A string attribute of a dataset (or "" when it has none). */
static void dataset_str_attr(const char *name, const char *dataset, const char *attr, char *buf,
                             size_t n)
{
    char path[4096];
    path_of(path, sizeof path, name);
    cs_h5_str_attr(path, dataset, attr, buf, n);
}

/* The datasets of a run of these tests' scenario, each member of a dictionary table (format 4:
 * the five float64 outcome tables, three each) counted: 20 plain and 5 x 3. */
enum { DATASETS = 40 };

/* ------------------------------------------------------------------ tests */

static void edit_copy(const char *src, const char *dst, void (*edit)(hid_t));
static void break_offset(hid_t f);

/* 3 shards merged in shuffled order, with the default and with a tiny buffer (one chunk per
 * slice), one of them also written by 2 MPI ranks, and 1 shard (0/1): identical to the whole
 * run; parts are refused by the readers. */
static void test_shards_merge_identical(void **state)
{
    (void)state;
    char out[16384];
    make_runs("m");
    /* The parts hold 115, 116 and 116 trials with offsets from 0, tagged with their range. */
    assert_int_equal(root_attr("m-p1.h5", "part_first_trial"), 115);
    assert_int_equal(root_attr("m-p1.h5", "part_trials"), 116);
    assert_int_equal(rows("m-p1.h5", "/trials/outcome"), 116);
    assert_true(rows("m-p1.h5", "/outcomes/served_tbps") < 116); /* outcomes repeat */
    assert_int_equal(rows("m-p1.h5", "/trials/failed_offsets"), 117);
    assert_true(rows("m-whole.h5", "/trials/failed_edges") > 347);      /* lists are not trivial */
    assert_int_equal(rows("m-whole.h5", "/trials/hazard_events"), 347); /* one drag a trial */
    assert_true(rows("m-whole.h5", "/trials/cuts") >= rows("m-whole.h5", "/trials/failed_edges"));
    /* Every per-trial dataset says how its rows follow the trials. */
    char attr[256];
    dataset_str_attr("m-whole.h5", "/trials/outcome", "rows", attr, sizeof attr);
    assert_string_equal(attr, "trial");
    dataset_str_attr("m-whole.h5", "/outcomes/served_tbps", "rows", attr, sizeof attr);
    assert_string_equal(attr, "outcome");
    dataset_str_attr("m-whole.h5", "/trials/failed_node_offsets", "rows", attr, sizeof attr);
    assert_string_equal(attr, "offsets");
    dataset_str_attr("m-whole.h5", "/trials/failed_node_offsets", "values", attr, sizeof attr);
    assert_string_equal(attr, "/trials/failed_nodes");
    dataset_str_attr("m-whole.h5", "/trials/failed_edges", "rows", attr, sizeof attr);
    assert_string_equal(attr, "values");
    dataset_str_attr("m-whole.h5", "/baseline/served_tbps", "rows", attr, sizeof attr);
    assert_string_equal(attr, "");

    assert_int_equal(cli("merge -o m-merged.h5 m-p2.h5 m-p0.h5 m-p1.h5", out, sizeof out), 0);
    assert_non_null(strstr(out, "cablesim merge: 3 parts, 347 trials (seed 6151) -> m-merged.h5 "
                                "(complete)"));
    /* 14 /trials (4 of them the impact, 4 cuts and hazard events, the outcome), 6 /outcomes
     * (4 and 2 of the impact; the 5 float64 ones dictionary tables of 3 datasets), 5 /baseline,
     * 5 /topology datasets: the parts' outcomes renumbered as the whole run numbers them */
    assert_int_equal(compare_files("m-whole.h5", "m-merged.h5"), DATASETS);
    assert_int_equal(root_attr("m-merged.h5", "complete"), 1);
    /* An existing output is refused without --force, replaced with it. */
    assert_int_equal(cli("merge -o m-merged.h5 m-p0.h5 m-p1.h5 m-p2.h5", out, sizeof out), 2);
    assert_non_null(strstr(out, "m-merged.h5: exists: not replaced (--force replaces it;"));
    cli_ok("merge -o m-merged.h5 m-p0.h5 m-p1.h5 m-p2.h5 --force --quiet");
    assert_int_equal(compare_files("m-whole.h5", "m-merged.h5"), DATASETS);
    cli_ok("merge --buffer-size 64 -o m-small.h5 m-p1.h5 m-p2.h5 m-p0.h5 --quiet");
    assert_int_equal(compare_files("m-whole.h5", "m-small.h5"), DATASETS);
    /* A part written by 2 MPI ranks (chunks of one block, 16 rows) merges the same. */
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "%s %s 2 --oversubscribe '%s' run m.yaml --shard 1/3 -o m-mpi1.h5 --block-size 16 "
             "--quiet",
             CS_MPIEXEC, CS_MPIEXEC_NUMPROC_FLAG, CS_CLI);
    if (run_sh(cmd, out, sizeof out) != 0) fail_msg("2 ranks: %s", out);
    cli_ok("merge -o m-mpi.h5 m-p0.h5 m-mpi1.h5 m-p2.h5 --quiet");
    assert_int_equal(compare_files("m-whole.h5", "m-mpi.h5"), DATASETS);
    cli_ok("run m.yaml --shard 0/1 -o m-one.h5 --quiet");
    assert_int_equal(root_attr("m-one.h5", "part_trials"), 347);
    cli_ok("merge --output=m-one-merged.h5 m-one.h5 --quiet");
    assert_int_equal(compare_files("m-whole.h5", "m-one-merged.h5"), DATASETS);
    /* Parts of format 1 (a row per trial in /trials) join into the file of format 1 a run
     * writes: 19 /trials datasets, no /outcomes. */
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd,
                 "run m.yaml --shard %d/3 -o m-v1p%d.h5 --set output.format_version=1 --quiet", i,
                 i);
        cli_ok(cmd);
    }
    cli_ok("run m.yaml -o m-v1.h5 --set output.format_version=1 --quiet");
    cli_ok("merge -o m-v1m.h5 m-v1p2.h5 m-v1p0.h5 m-v1p1.h5 --quiet");
    assert_int_equal(root_attr("m-v1m.h5", "format_version"), 1);
    assert_int_equal(compare_files("m-v1.h5", "m-v1m.h5"), 29);
    /* The comparison does see differences: a part, and another seed. */
    assert_int_equal(compare_files("m-whole.h5", "m-p0.h5"), -1);
    cli_ok("run m.yaml -o m-seed.h5 --set seed=6152 --quiet");
    assert_int_equal(compare_files("m-whole.h5", "m-seed.h5"), -1);
    edit_copy("m-merged.h5", "m-edit.h5", break_offset);
    assert_int_equal(compare_files("m-whole.h5", "m-edit.h5"), -1);
    assert_false(any_file_starting("m-merged.h5.tmp"));

    /* Readers refuse a part, and read the merged file. */
    cli_ok("analyze m-merged.h5");
    assert_int_equal(cli("analyze m-p1.h5", out, sizeof out), 2);
    if (strstr(out, "m-p1.h5: attributes \"part_first_trial\", \"part_trials\" of /: expected "
                    "the results of a whole run, found one part (trials 115..230 of 347, cablesim "
                    "run --shard): join the parts with cablesim merge") == NULL)
        fail_msg("%s", out);
    assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out)); /* one line */
    char path[4096];
    path_of(path, sizeof path, "m-p2.h5");
    cs_resultsio_t *r = NULL;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_resultsio_open(&r, path, &err), CS_EINVAL);
    assert_null(r);
    assert_non_null(strstr(err.msg, "found one part (trials 231..346 of 347"));
}

/* Random faults in batches of 100 trials: a shard is stopped after a chosen batch. */
static const char stop_fmt[] = "name: stop\ntopology: %s/engine-topo.geojson\n"
                               "demand: %s/engine-demand.csv\ntrials: 2000\nseed: 31\n"
                               "output:\n  batch_trials: 100\n"
                               "hazards:\n  - type: random_faults\n    window_days: 365\n"
                               "    rate_deep: 0.2\n";

/* A shard stopped by SIGTERM after its 4th batch and completed with run --resume still merges
 * identically. */
static void test_resumed_shard_merges(void **state)
{
    (void)state;
    char text[2048], out[16384];
    snprintf(text, sizeof text, stop_fmt, CS_TEST_DATA, CS_TEST_DATA);
    write_file("s.yaml", text);
    cli_ok("run s.yaml -o s-whole.h5 --quiet");
    cli_ok("run s.yaml --shard 1/2 -o s-p1.h5 --quiet");
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "CABLESIM_RAISE=TERM@write=4 '%s' run s.yaml --shard 0/2 -o s-p0.h5 --no-progress",
             CS_CLI);
    assert_int_equal(run_sh(cmd, out, sizeof out), 3);
    assert_int_equal(root_attr("s-p0.h5", "complete"), 0);
    assert_int_equal(rows("s-p0.h5", "/trials/unserved_tbps"), 400);
    /* An unfinished part is refused... */
    assert_int_equal(cli("merge -o s-merged.h5 s-p0.h5 s-p1.h5", out, sizeof out), 2);
    assert_non_null(strstr(out, "s-p0.h5: attribute \"complete\" of /: expected 1, found 0: the "
                                "part is unfinished (cablesim run --resume s-p0.h5 completes it)"));
    assert_false(any_file_starting("s-merged.h5"));
    /* ...and merges once resumed (in two steps: --stop-after-batches, then the rest). */
    assert_int_equal(cli("run --resume s-p0.h5 --stop-after-batches 3 --quiet", out, sizeof out),
                     3);
    assert_int_equal(rows("s-p0.h5", "/trials/unserved_tbps"), 700);
    cli_ok("run --resume s-p0.h5 --no-progress --quiet");
    assert_int_equal(root_attr("s-p0.h5", "complete"), 1);
    assert_int_equal(rows("s-p0.h5", "/trials/unserved_tbps"), 1000);
    cli_ok("merge -o s-merged.h5 s-p1.h5 s-p0.h5 --quiet");
    assert_int_equal(compare_files("s-whole.h5", "s-merged.h5"), DATASETS);
}

/* Edits of a copied part (edit_copy), each breaking one thing merge checks. */
static void mark_incomplete(hid_t f)
{
    const hid_t a = H5Aopen(f, "complete", H5P_DEFAULT);
    const unsigned char zero = 0;
    assert_true(H5Awrite(a, H5T_NATIVE_UCHAR, &zero) >= 0);
    H5Aclose(a);
}

static void delete_latency(hid_t f)
{
    assert_true(H5Ldelete(f, "/outcomes/latency_ms", H5P_DEFAULT) >= 0);
}

/* Creates dataset name of type t and shape dims (rank 1 or 2), unwritten. */
static void add_dataset(hid_t f, const char *name, hid_t t, int rank, const hsize_t *dims)
{
    const hid_t s = H5Screate_simple(rank, dims, NULL);
    const hid_t d = H5Dcreate2(f, name, t, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(d >= 0);
    H5Dclose(d);
    H5Sclose(s);
}

static void add_extra(hid_t f)
{
    const hsize_t n[1] = {3};
    add_dataset(f, "/extra", H5T_STD_U8LE, 1, n);
}

/* pair_cut as 16-bit integers: the same shape, another type. */
static void retype_pair_cut(hid_t f)
{
    const hid_t d = H5Dopen2(f, "/outcomes/pair_cut", H5P_DEFAULT), s = H5Dget_space(d);
    hsize_t dims[2] = {0, 0};
    assert_int_equal(H5Sget_simple_extent_dims(s, dims, NULL), 2);
    H5Sclose(s);
    H5Dclose(d);
    assert_true(H5Ldelete(f, "/outcomes/pair_cut", H5P_DEFAULT) >= 0);
    add_dataset(f, "/outcomes/pair_cut", H5T_STD_U16LE, 2, dims);
}

/* Grows extendible dataset name by one element along its first axis. */
static void grow(hid_t f, const char *name)
{
    const hid_t d = H5Dopen2(f, name, H5P_DEFAULT), s = H5Dget_space(d);
    hsize_t dims[2] = {0, 0};
    H5Sget_simple_extent_dims(s, dims, NULL);
    dims[0]++;
    assert_true(H5Dset_extent(d, dims) >= 0);
    H5Sclose(s);
    H5Dclose(d);
}

static void grow_unserved(hid_t f)
{
    grow(f, "/trials/unserved_tbps");
}

static void grow_failed_edges(hid_t f)
{
    grow(f, "/trials/failed_edges");
}

/* failed_offsets[5] = 1000000, beyond the list. */
static void break_offset(hid_t f)
{
    const hid_t d = H5Dopen2(f, "/trials/failed_offsets", H5P_DEFAULT), fs = H5Dget_space(d);
    const hsize_t at[1] = {5}, one[1] = {1};
    const hid_t ms = H5Screate_simple(1, one, NULL);
    assert_true(H5Sselect_hyperslab(fs, H5S_SELECT_SET, at, NULL, one, NULL) >= 0);
    const uint64_t big = 1000000;
    assert_true(H5Dwrite(d, H5T_NATIVE_UINT64, ms, fs, H5P_DEFAULT, &big) >= 0);
    H5Sclose(ms);
    H5Sclose(fs);
    H5Dclose(d);
}

static void other_version(hid_t f)
{
    const hid_t a = H5Aopen(f, "software_version", H5P_DEFAULT), t = H5Aget_type(a);
    const char *v = "0.0.1-other";
    assert_true(H5Awrite(a, t, &v) >= 0);
    H5Tclose(t);
    H5Aclose(a);
}

/* Copies scratch file src to dst and applies edit to the copy. */
static void edit_copy(const char *src, const char *dst, void (*edit)(hid_t))
{
    char cmd[512], out[4096];
    snprintf(cmd, sizeof cmd, "cp %s %s", src, dst);
    assert_int_equal(run_sh(cmd, out, sizeof out), 0);
    const hid_t f = open_h5(dst, true);
    edit(f);
    H5Fclose(f);
}

/* Each refusal: exit status 2, one line with the expected fragment, no output left behind. */
static void test_merge_refusals(void **state)
{
    (void)state;
    char out[16384];
    make_runs("e");
    cli_ok("run e.yaml --shard 1/3 -o e-seed.h5 --set seed=7 --quiet");
    cli_ok("run e.yaml --shard 1/3 -o e-scen.h5 --set hazards.0.rate_deep=0.06 --quiet");
    cli_ok("run e.yaml --shard 1/2 -o e-half.h5 --quiet");
    write_file("e-text.h5", "not hdf5\n");
    char path[4096];
    path_of(path, sizeof path, "e-empty.h5");
    const hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(f >= 0);
    H5Fclose(f);
    edit_copy("e-p1.h5", "e-incomplete.h5", mark_incomplete);
    edit_copy("e-p1.h5", "e-nolatency.h5", delete_latency);
    edit_copy("e-p1.h5", "e-extra.h5", add_extra);
    edit_copy("e-p1.h5", "e-badoff.h5", break_offset);
    edit_copy("e-p1.h5", "e-version.h5", other_version);
    edit_copy("e-p1.h5", "e-retyped.h5", retype_pair_cut);
    edit_copy("e-p1.h5", "e-long.h5", grow_unserved);
    edit_copy("e-p1.h5", "e-longlist.h5", grow_failed_edges);
    /* A part whose demand file changed (and then vanished) since it ran: merge reads no input. */
    char text[4096];
    snprintf(text, sizeof text,
             "name: dem\ntopology: %s/engine-topo.geojson\ndemand: e-dem.csv\ntrials: 10\n",
             CS_TEST_DATA);
    write_file("e-dem.yaml", text);
    snprintf(text, sizeof text, "cp '%s/engine-demand.csv' e-dem.csv", CS_TEST_DATA);
    assert_int_equal(run_sh(text, out, sizeof out), 0);
    cli_ok("run e-dem.yaml --shard 0/1 -o e-dem.h5 --quiet");
    assert_int_equal(run_sh("sed -i 's/7.5/7.25/' e-dem.csv", out, sizeof out), 0);
    static const struct {
        const char *args, *expect;
    } cases[] = {
        {"e-p0.h5 e-p1.h5 e-p2.h5", "merge: expected -o RESULTS.h5 (the merged file), found none"},
        {"-o e-out.h5", "merge: expected the parts to join (PART.h5...), found none"},
        {"-o e-out.h5 e-p0.h5 --bogus", "merge: unknown option \"--bogus\""},
        {"-o e-out.h5 --buffer-size 0 e-p0.h5",
         "merge: --buffer-size: expected an integer in [1, 1099511627776], found \"0\""},
        {"-o e-out.h5 e-p0.h5 e-nope.h5 e-p2.h5", "e-nope.h5: cannot open: No such file"},
        {"-o e-out.h5 e-p0.h5 e-text.h5",
         "e-text.h5: expected a part written by cablesim run --shard, found a file that is not "
         "HDF5"},
        {"-o e-out.h5 e-empty.h5",
         "e-empty.h5: expected a cablesim results file (attribute \"format\"), found another HDF5 "
         "file"},
        {"-o e-out.h5 e-whole.h5",
         "e-whole.h5: expected a part written by cablesim run --shard (attributes "
         "part_first_trial, part_trials), found the results of a whole run"},
        {"-o e-out.h5 e-p0.h5 e-incomplete.h5 e-p2.h5",
         "e-incomplete.h5: attribute \"complete\" of /: expected 1, found 0: the part is "
         "unfinished"},
        {"-o e-out.h5 e-p0.h5 e-p2.h5",
         "missing trials 115..230 of 347: no part holds them (e-p0.h5 ends at trial 114, e-p2.h5 "
         "starts at trial 231)"},
        {"-o e-out.h5 e-p1.h5 e-p2.h5",
         "missing trials 0..114 of 347: no part holds them (the first part, e-p1.h5, starts at "
         "trial 115)"},
        {"-o e-out.h5 e-p1.h5 e-p0.h5",
         "missing trials 231..346 of 347: no part holds them (the last part, e-p1.h5, ends at "
         "trial 230)"},
        {"-o e-out.h5 e-p0.h5 e-p1.h5 e-p1.h5 e-p2.h5",
         "trials 115..230 are in two parts: e-p1.h5 (trials 115..230) and e-p1.h5 (trials "
         "115..230)"},
        {"-o e-out.h5 e-p0.h5 e-p1.h5 e-p2.h5 e-half.h5",
         "trials 173..230 are in two parts: e-p1.h5 (trials 115..230) and e-half.h5 (trials "
         "173..346)"},
        {"-o e-out.h5 e-p0.h5 e-seed.h5 e-p2.h5",
         "e-seed.h5: attribute \"seed\" of /: expected 6151 (as in e-p0.h5), found 7"},
        {"-o e-out.h5 e-p0.h5 e-scen.h5 e-p2.h5",
         "e-scen.h5: attribute \"scenario\" of /: expected the scenario of e-p0.h5, found another "
         "one (first difference on line"},
        {"-o e-p0.h5 e-p0.h5 e-p1.h5 e-p2.h5",
         "e-p0.h5: expected a new file for the merged results, found the part e-p0.h5"},
        /* Found while copying: the output made so far is removed. */
        {"-o e-out.h5 e-p0.h5 e-nolatency.h5 e-p2.h5",
         "e-nolatency.h5: expected dataset /outcomes/latency_ms (a run of the scenario writes it), "
         "found none"},
        {"-o e-out.h5 e-p0.h5 e-extra.h5 e-p2.h5",
         "e-extra.h5: dataset /extra: expected none (a run of the scenario with this cablesim "
         "does not write it), found one"},
        {"-o e-out.h5 e-p0.h5 e-retyped.h5 e-p2.h5",
         "e-retyped.h5: dataset /outcomes/pair_cut: expected the element type a run writes, found "
         "another"},
        {"-o e-out.h5 e-p0.h5 e-long.h5 e-p2.h5",
         "e-long.h5: dataset /trials/unserved_tbps: expected shape [116] (trials 115..230), found "
         "[117]"},
        {"-o e-out.h5 e-p0.h5 e-longlist.h5 e-p2.h5",
         "e-longlist.h5: dataset /trials/failed_offsets: expected the last offset to be the "
         "length of /trials/failed_edges, "},
        {"-o e-out.h5 e-p0.h5 e-badoff.h5 e-p2.h5",
         "e-badoff.h5: dataset /trials/failed_offsets: element 5: expected an offset in"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char args[1024];
        snprintf(args, sizeof args, "merge %s", cases[i].args);
        const int st = cli(args, out, sizeof out);
        if (st != 2 || strstr(out, cases[i].expect) == NULL)
            fail_msg("case %zu (%s): status %d, output: %s", i, cases[i].args, st, out);
        assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out)); /* one line */
        assert_false(any_file_starting("e-out.h5"));
    }
    char expect[512];
    snprintf(expect, sizeof expect,
             "e-version.h5: attribute \"software_version\" of /: expected %s (this cablesim), "
             "found 0.0.1-other: merge the parts with the cablesim that wrote them",
             cs_version());
    assert_int_equal(cli("merge -o e-out.h5 e-p0.h5 e-version.h5 e-p2.h5", out, sizeof out), 2);
    if (strstr(out, expect) == NULL) fail_msg("%s", out);
    assert_false(any_file_starting("e-out.h5"));
    /* The part named as output is left as it was. */
    assert_int_equal(root_attr("e-p0.h5", "part_trials"), 115);
    assert_int_equal(root_attr("e-p0.h5", "complete"), 1);
    /* The merge takes everything from the parts: the changed, then removed, demand file is not
     * read, and the merged file holds the part's tables and trials. */
    assert_int_equal(run_sh("rm e-dem.csv", out, sizeof out), 0);
    cli_ok("merge -o e-dem-merged.h5 e-dem.h5 --quiet");
    assert_int_equal(root_attr("e-dem-merged.h5", "complete"), 1);
    assert_int_equal(rows("e-dem-merged.h5", "/trials/unserved_tbps"), 10);
    assert_int_equal(rows("e-dem-merged.h5", "/topology/demands"),
                     rows("e-dem.h5", "/topology/demands"));
    /* The parts still merge. */
    cli_ok("merge -o e-out.h5 e-p0.h5 e-p1.h5 e-p2.h5 --quiet");
    assert_int_equal(compare_files("e-whole.h5", "e-out.h5"), DATASETS);
    assert_int_equal(cli("merge --help", out, sizeof out), 0);
    assert_non_null(strstr(out, "Usage: cablesim merge -o RESULTS.h5 PART.h5..."));
}

int main(void)
{
    /* A fresh scratch directory in the working (build) directory. */
    if (!cs_scratch_init(scratch, sizeof scratch, "merge")) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shards_merge_identical),
        cmocka_unit_test(test_resumed_shard_merges),
        cmocka_unit_test(test_merge_refusals),
    };
    const int failed = cmocka_run_group_tests(tests, NULL, NULL);
    if (failed == 0) cs_scratch_remove(scratch);
    return failed;
}
