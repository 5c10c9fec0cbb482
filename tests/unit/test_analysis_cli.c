/*
 * test_analysis_cli.c: the results files the reader refuses (each with the code and a fragment
 * of its message) and `cablesim analyze` and `compare` on the hand-made files of
 * cs_analysis_test.h: output, exit status and one-line errors.
 */
#include "cs_analysis_test.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results/heapcheck.h"

/* -------------------------------------------------------------- bad files */

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Rewrites an integer root attribute of a results file. */
static void set_attr_int(const char *path, const char *name, int value)
{
    const hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    const hid_t a = H5Aopen(f, name, H5P_DEFAULT);
    assert_true(a >= 0);
    assert_true(H5Awrite(a, H5T_NATIVE_INT, &value) >= 0);
    H5Aclose(a);
    H5Fclose(f);
}

/* Rewrites a string root attribute. */
static void set_attr_str(const char *path, const char *name, const char *value)
{
    const hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    const hid_t a = H5Aopen(f, name, H5P_DEFAULT), t = H5Aget_type(a);
    assert_true(H5Awrite(a, t, &value) >= 0);
    H5Tclose(t);
    H5Aclose(a);
    H5Fclose(f);
}

static void delete_attr(const char *path, const char *name)
{
    const hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    assert_true(H5Adelete(f, name) >= 0);
    H5Fclose(f);
}

static void delete_object(const char *path, const char *name)
{
    const hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    assert_true(H5Ldelete(f, name, H5P_DEFAULT) >= 0);
    H5Fclose(f);
}

/* Zeroes the first object header of the file's first global heap collection ("GCOL", version 1):
 * an object of size 0, on which HDF5 1.10's decoder of the collection never returns. */
static void damage_heap(const char *path)
{
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    static unsigned char buf[1 << 20];
    const size_t n = fread(buf, 1, sizeof buf, f);
    size_t at = 0;
    while (at + 16 <= n && !(memcmp(buf + at, "GCOL", 4) == 0 && buf[at + 4] == 1))
        at++;
    assert_true(at + 32 <= n); /* the root's string attributes live in a collection */
    static const unsigned char zero[16] = {0};
    assert_int_equal(fseek(f, (long)(at + 16), SEEK_SET), 0);
    assert_int_equal(fwrite(zero, 1, sizeof zero, f), sizeof zero);
    fclose(f);
}

static void expect_open_error(const char *path, cs_status code, const char *fragment)
{
    cs_error err = CS_ERROR_INIT;
    cs_resultsio_t *r = NULL;
    assert_int_equal(cs_resultsio_open(&r, path, &err), code);
    assert_null(r);
    if (strstr(err.msg, fragment) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, fragment);
    assert_non_null(strstr(err.msg, path));
    assert_null(strchr(err.msg, '\n'));
}

/* Sets the modification time of the file at path to the one *c recorded. */
static void restore_mtime(const char *path, const cs_file_checked *c)
{
    const struct timespec t[2] = {{.tv_sec = 0, .tv_nsec = UTIME_OMIT},
                                  {.tv_sec = (time_t)c->mtime_s, .tv_nsec = (long)c->mtime_ns}};
    assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

/*
 * The raw check of the global heaps remembers what it found in a record the caller owns (not in
 * the library): a file found whole is not read again while it is unchanged, a changed file is,
 * and without a record (NULL) every call reads the file.
 */
static void test_heap_check_record(void **state)
{
    (void)state;
    const char *path = "test_analysis_cli_seen.h5";
    spec s = hand_spec();
    write_results(path, &s);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    cs_error err = CS_ERROR_INIT;
    cs_file_checked seen = CS_FILE_CHECKED_INIT, other = CS_FILE_CHECKED_INIT;
    assert_int_equal(cs_h5_check_heaps(path, &seen, &err), CS_OK);
    assert_true(seen.set);
    assert_int_equal(seen.size, (uint64_t)st.st_size);
    assert_int_equal(seen.ino, (uint64_t)st.st_ino);
    /* Damaged in place, with its size, inode and modification time as they were: the record says
     * the file was found whole, so it is not read again; NULL and a fresh record read it. */
    damage_heap(path);
    restore_mtime(path, &seen);
    assert_int_equal(cs_h5_check_heaps(path, &seen, &err), CS_OK);
    assert_int_equal(cs_h5_check_heaps(path, NULL, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "damaged: the global heap collection at byte"));
    err = (cs_error)CS_ERROR_INIT;
    assert_int_equal(cs_h5_check_heaps(path, &other, &err), CS_EINVAL);
    assert_false(other.set); /* a damaged file is not recorded */
    /* Another modification time: the record no longer describes the file, which is read. */
    cs_file_checked later = seen;
    later.mtime_ns = (later.mtime_ns + 1) % 1000000000;
    later.mtime_s += later.mtime_ns == 0;
    restore_mtime(path, &later);
    err = (cs_error)CS_ERROR_INIT;
    assert_int_equal(cs_h5_check_heaps(path, &seen, &err), CS_EINVAL);
    /* Vouching records the file as it is now (another process checked it). */
    cs_file_checked_vouch(&other, path);
    assert_true(other.set);
    assert_int_equal(cs_h5_check_heaps(path, &other, &err), CS_OK);
    /* A record of another file does not pass this one. */
    write_results("test_analysis_cli_seen2.h5", &s);
    cs_file_checked second = CS_FILE_CHECKED_INIT;
    assert_int_equal(cs_h5_check_heaps("test_analysis_cli_seen2.h5", &second, &err), CS_OK);
    err = (cs_error)CS_ERROR_INIT;
    assert_int_equal(cs_h5_check_heaps(path, &second, &err), CS_EINVAL);
    remove(path);
    remove("test_analysis_cli_seen2.h5");
}

static void test_bad_files(void **state)
{
    (void)state;
    const char *path = "test_analysis_bad.h5";
    expect_open_error("test_analysis_missing.h5", CS_EIO, "cannot open: No such file");
    write_text(path, "not HDF5 at all\n");
    expect_open_error(path, CS_EIO, "not an HDF5 file");
    spec s = hand_spec();
    write_results(path, &s);
    set_attr_str(path, "format", "something-else");
    expect_open_error(path, CS_EINVAL,
                      "attribute \"format\" of /: expected \"cablesim-results\", found "
                      "\"something-else\"");
    write_results(path, &s);
    set_attr_int(path, "format_version", 7);
    expect_open_error(path, CS_EINVAL,
                      "attribute \"format_version\" of /: expected 1 to 4, found 7");
    write_results(path, &s);
    damage_heap(path);
    expect_open_error(path, CS_EINVAL, "damaged: the global heap collection at byte");
    write_results(path, &s);
    delete_attr(path, "format");
    expect_open_error(path, CS_EINVAL, "attribute \"format\" of /: missing");
    s.complete = false;
    s.trials = 5; /* interrupted after 5 of 8 trials */
    write_results(path, &s);
    expect_open_error(path, CS_EINVAL, "attribute \"complete\" of /: expected 1, found 0");
    s = hand_spec();
    write_results(path, &s);
    delete_object(path, "/outcomes/served_tbps");
    expect_open_error(path, CS_EINVAL, "dataset /outcomes/served_tbps: missing");
    write_results(path, &s);
    delete_object(path, "/trials/outcome");
    expect_open_error(path, CS_EINVAL, "dataset /trials/outcome: missing");
    write_results(path, &s);
    delete_object(path, "/baseline");
    expect_open_error(path, CS_EINVAL, "dataset /baseline/served_tbps: missing");
    write_results(path, &s);
    delete_object(path, "/topology/pairs");
    expect_open_error(path, CS_EINVAL, "dataset /topology/pairs: missing");
    /* Optional datasets may be missing: the analysis skips what needs them. */
    write_results(path, &s);
    delete_object(path, "/outcomes/edge_flow_tbps");
    cs_resultsio_t *r = NULL;
    cs_analysis_t *a = NULL;
    analyse(path, NULL, &r, &a);
    assert_false(a->has_flow);
    assert_near(a->cables[1].crit.share, 10.0 / 14.0, 1e-12);
    cs_analysis_free(a);
    cs_resultsio_close(r);
    remove(path);
}

/* -------------------------------------------------------------------- CLI */

static void expect_one_line(const char *args, int status, const char *fragment)
{
    char out[4096];
    const int st = cs_test_cli(NULL, args, true, out, sizeof out);
    if (st != status || strstr(out, fragment) == NULL)
        fail_msg("cablesim %s: status %d, output: %s", args, st, out);
    assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));
}

static void test_cli(void **state)
{
    (void)state;
    const char *pa = "test_analysis_cli_a.h5", *pb = "test_analysis_cli_b.h5";
    spec s = hand_spec();
    write_results(pa, &s);
    s.shift = 0.25;
    write_results(pb, &s);
    static char out[1 << 20];
    assert_int_equal(
        cs_test_cli(NULL, "analyze test_analysis_cli_a.h5 --top 3", false, out, sizeof out), 0);
    assert_non_null(strstr(out, "scenario: unit-analysis (seed 311, 8 trials"));
    /* 5 of 8 trials lose something: a bound, not a normal interval. */
    assert_non_null(strstr(out, "expected unserved: 1.7500; only 5 of 8 trials lose anything"));
    assert_non_null(strstr(out, "Hong Kong"));
    /* 2 of 8 trials lose traffic to the US: a bound per region, not a normal interval. */
    assert_non_null(strstr(out, "0.75000 (>= 0.34914)"));
    assert_non_null(strstr(out, "1.0000 (<= 2.6034)"));
    assert_non_null(strstr(out, "fewer than 30 trials lose traffic to the region"));
    assert_non_null(strstr(out, "shares add up to more than 100%"));
    assert_non_null(strstr(out, "PAC (1.000)"));
    /* JSON: parse it back and check a few values. */
    assert_int_equal(
        cs_test_cli(NULL, "analyze test_analysis_cli_a.h5 --format json", false, out, sizeof out),
        0);
    json_error_t jerr;
    json_t *root = json_loads(out, 0, &jerr);
    if (root == NULL) fail_msg("JSON: %s at line %d", jerr.text, jerr.line);
    assert_string_equal(json_string_value(json_object_get(root, "format")), "cablesim-analysis");
    const json_t *overall = json_object_get(root, "overall");
    assert_near(json_real_value(json_object_get(json_object_get(overall, "unserved_tbps"), "mean")),
                1.75, 1e-9);
    const json_t *cables = json_object_get(root, "cables");
    assert_int_equal(json_array_size(cables), 2);
    const json_t *crit = json_object_get(json_array_get(cables, 1), "criticality");
    assert_near(json_real_value(json_object_get(crit, "loss_share")), 10.0 / 14.0, 1e-9);
    assert_near(
        json_real_value(json_object_get(json_object_get(overall, "capacity_lost_tbps"), "mean")),
        246.0 / 8.0, 1e-9);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(overall, "unserved_statement"), "kind")),
        "clopper_pearson_bound");
    {
        const json_t *us = json_array_get(json_object_get(root, "regions"), 0);
        const json_t *sf = json_object_get(us, "served_fraction");
        const json_t *un = json_object_get(us, "unserved_tbps");
        assert_string_equal(json_string_value(json_object_get(sf, "statement")),
                            "clopper_pearson_bound");
        assert_true(json_is_null(json_object_get(sf, "lo")) &&
                    json_is_null(json_object_get(sf, "hi")));
        assert_near(json_real_value(json_object_get(sf, "bound")), 1.0 - 0.6508557944128242, 1e-9);
        assert_true(json_is_null(json_object_get(un, "lo")));
        assert_near(json_real_value(json_object_get(un, "bound")), 4.0 * 0.6508557944128242, 1e-9);
        assert_int_equal(json_integer_value(json_object_get(us, "loss_trials")), 2);
        assert_string_equal(
            json_string_value(json_object_get(json_object_get(us, "cut_off_all"), "statement")),
            "wilson");
    }
    assert_true(json_is_null(
        json_object_get(json_array_get(json_object_get(root, "regions"), 2), "cut_off_all")));
    json_decref(root);
    /* CSV: one table. */
    assert_int_equal(cs_test_cli(NULL, "analyze test_analysis_cli_a.h5 --format csv --table cables",
                                 false, out, sizeof out),
                     0);
    assert_int_equal(strncmp(out, "cable,name,segments,p_fail,", 27), 0);
    assert_non_null(strstr(out, "\nPAC,\"Pacific, test\",1,0.25,2,4.25,0.25,4.25,"));
    assert_int_equal(
        cs_test_cli(NULL, "analyze test_analysis_cli_a.h5 --format csv", false, out, sizeof out),
        0);
    assert_int_equal(strncmp(out, "region,domestic,", 16), 0);
    assert_non_null(strstr(out, "\nJapan,1,1,1,"));
    assert_int_equal(cs_test_cli(NULL,
                                 "analyze test_analysis_cli_a.h5 --format csv --table overall",
                                 false, out, sizeof out),
                     0);
    assert_int_equal(strncmp(out, "trials,disturbed_trials,loss_trials,", 36), 0);
    assert_non_null(strstr(out, "\n8,6,5,7,0,30.75,"));
    /* compare */
    assert_int_equal(cs_test_cli(NULL, "compare test_analysis_cli_a.h5 test_analysis_cli_b.h5",
                                 false, out, sizeof out),
                     0);
    assert_non_null(strstr(out, "unserved Tbps"));
    assert_non_null(strstr(out, "0.250000"));
    assert_int_equal(
        cs_test_cli(NULL, "compare test_analysis_cli_a.h5 test_analysis_cli_b.h5 --format json",
                    false, out, sizeof out),
        0);
    root = json_loads(out, 0, &jerr);
    assert_non_null(root);
    assert_true(
        json_is_true(json_object_get(json_object_get(root, "unserved_tbps"), "ci_excludes_zero")));
    json_decref(root);
    /* Errors: one line, exit 2. */
    write_text("test_analysis_cli_text.h5", "plain text\n");
    expect_one_line("analyze test_analysis_cli_text.h5", 2, "not an HDF5 file");
    expect_one_line("analyze test_analysis_cli_none.h5", 2, "cannot open");
    expect_one_line("analyze test_analysis_cli_a.h5 --bogus", 2, "unknown option \"--bogus\"");
    expect_one_line("analyze test_analysis_cli_a.h5 --format xml", 2,
                    "--format: expected text, json or csv, found \"xml\"");
    expect_one_line("analyze test_analysis_cli_a.h5 --format csv --table links", 2,
                    "--table: expected regions, overall, demands, cables, segments, stations");
    expect_one_line("analyze test_analysis_cli_a.h5 --precision 2", 2, "--precision: expected");
    expect_one_line("analyze", 2, "expected 1 results file, found 0");
    /* A damaged global heap (HDF5 would never return from reading it): every command that
     * opens the file says so in one line, within the test's time. */
    write_results("test_analysis_cli_heap.h5", &s);
    damage_heap("test_analysis_cli_heap.h5");
    expect_one_line("analyze test_analysis_cli_heap.h5", 2,
                    "test_analysis_cli_heap.h5: damaged: the global heap collection at byte");
    expect_one_line("compare test_analysis_cli_a.h5 test_analysis_cli_heap.h5", 2,
                    "test_analysis_cli_heap.h5: damaged: the global heap collection at byte");
    expect_one_line("status test_analysis_cli_heap.h5", 4,
                    "not resumable: damaged: the global heap collection at byte");
    expect_one_line("merge -o test_analysis_cli_m.h5 test_analysis_cli_heap.h5 "
                    "test_analysis_cli_a.h5",
                    2, "test_analysis_cli_heap.h5: damaged: the global heap collection");
    assert_int_equal(access("test_analysis_cli_m.h5", F_OK), -1);
    remove("test_analysis_cli_heap.h5");
    expect_one_line("compare test_analysis_cli_a.h5", 2,
                    "expected at least 2 results files, found 1");
    /* Another seed: unpaired, and the output says so; CSV one row per metric. */
    s = hand_spec();
    s.seed = 5;
    write_results(pb, &s);
    assert_int_equal(cs_test_cli(NULL, "compare test_analysis_cli_a.h5 test_analysis_cli_b.h5",
                                 false, out, sizeof out),
                     0);
    assert_non_null(strstr(out, "unpaired (the seeds differ (311 and 5))"));
    assert_int_equal(
        cs_test_cli(NULL, "compare test_analysis_cli_a.h5 test_analysis_cli_b.h5 --format csv",
                    false, out, sizeof out),
        0);
    assert_int_equal(strncmp(out, "metric,of,comparison,a_mean,b_mean,difference,", 46), 0);
    assert_non_null(strstr(out, "\ncable_failed,PAC,unpaired,0.25,0.25,0,"));
    /* Three files: one row each against the first. */
    assert_int_equal(cs_test_cli(NULL,
                                 "compare test_analysis_cli_a.h5 test_analysis_cli_b.h5 "
                                 "test_analysis_cli_a.h5 --format json",
                                 false, out, sizeof out),
                     0);
    root = json_loads(out, 0, &jerr);
    assert_non_null(root);
    const json_t *rows = json_object_get(root, "comparisons");
    assert_int_equal(json_array_size(rows), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "comparison")),
                        "unpaired");
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 1), "comparison")),
                        "paired");
    json_decref(root);
    s = hand_spec();
    s.complete = false;
    write_results(pb, &s);
    expect_one_line("analyze test_analysis_cli_b.h5", 2, "attribute \"complete\" of /");
    assert_int_equal(cs_test_cli(NULL, "analyze --help", false, out, sizeof out), 0);
    assert_non_null(strstr(out, "Usage: cablesim analyze"));
    remove(pa);
    remove(pb);
    remove("test_analysis_cli_text.h5");
}

int main(void)
{
    cs_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_heap_check_record),
        cmocka_unit_test(test_cli),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
