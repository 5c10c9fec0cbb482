/*
 * test_mpi.c: `cablesim run` under mpirun and `--resume`: files written by 2 and 3 ranks
 * (collective, compressed) and files completed after an interruption (a signal raised at a
 * chosen write, --stop-after-batches, kill -9) are identical, dataset by dataset, to a
 * one-process run's. Scratch files go to mpi-scratch/ in the build tree.
 */
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

#include "cs_cli_test.h"

static char scratch[2048]; /* the scratch directory, with the fixtures linked in */

/* Runs a shell command in the scratch dir; captures stdout+stderr; returns the status. */
static int run_sh(const char *cmd, char *out, size_t n)
{
    return cs_sh_in(scratch, cmd, out, n);
}

static void data_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", scratch, name);
}

static void write_file(const char *name, const char *text)
{
    cs_write_in(scratch, name, text);
}

static void remove_file(const char *name)
{
    cs_remove_in(scratch, name);
}

/* Random faults on most trials (as in test_engine) and an anchor drag off jp-a (cuts and
 * hazard events in every trial), edge flows kept, compressed. */
static const char scenario[] = "name: mpi-test\n"
                               "topology: engine-topo.geojson\n"
                               "demand: engine-demand.csv\n"
                               "as_of: 2011\n"
                               "trials: 1000\n"
                               "seed: 6151\n"
                               "output:\n"
                               "  edge_flow: true\n"
                               "  compression: 6\n" CS_TEST_DRAG_HAZARDS;

/* ------------------------------------------------------- file comparison */

/* The number of datasets of the results files (cs_h5_same_results), -1 when they differ. */
static int compare_files(const char *name_a, const char *name_b)
{
    char pa[4096], pb[4096];
    data_path(pa, sizeof pa, name_a);
    data_path(pb, sizeof pb, name_b);
    return cs_h5_same_results(pa, pb);
}

/* A numeric root attribute (as uint64) of the results file. */
static uint64_t root_attr(const char *name, const char *attr)
{
    return cs_h5_root_u64(scratch, name, attr);
}

/* The number of rows of a /trials dataset. */
static uint64_t rows(const char *name, const char *dataset)
{
    return cs_h5_rows(scratch, name, dataset);
}

/* Whether /outcomes/pair_cut of the file is deflated (written through a collective write; the
 * float64 tables are rewritten by the compaction, as dictionary tables). */
static bool deflated(const char *name)
{
    const hid_t f = cs_h5_open_in(scratch, name, false);
    const hid_t d = H5Dopen2(f, "/outcomes/pair_cut", H5P_DEFAULT);
    const hid_t p = H5Dget_create_plist(d);
    bool found = false;
    for (int i = 0; i < H5Pget_nfilters(p); i++) {
        unsigned flags = 0;
        size_t n = 0;
        if (H5Pget_filter2(p, (unsigned)i, &flags, &n, NULL, 0, NULL, NULL) == H5Z_FILTER_DEFLATE)
            found = true;
    }
    H5Pclose(p);
    H5Dclose(d);
    H5Fclose(f);
    return found;
}

/* ------------------------------------------------------------------ tests */

static const char *mpirun(void)
{
    return CS_MPIEXEC " " CS_MPIEXEC_NUMPROC_FLAG;
}

/* 1, 2 and 3 processes (3 oversubscribed; in its last round ranks 1 and 2 have no block and
 * join the collective writes with empty selections) give identical datasets. */
static void test_ranks_give_identical_files(void **state)
{
    (void)state;
    char cmd[4096], out[16384];
    write_file("mpi-test.yaml", scenario);
    snprintf(cmd, sizeof cmd, "'%s' run mpi-test.yaml -o mpi-1.h5 --no-progress", CS_CLI);
    if (run_sh(cmd, out, sizeof out) != 0) fail_msg("serial run: %s", out);
    snprintf(cmd, sizeof cmd, "%s 2 '%s' run mpi-test.yaml -o mpi-2.h5 --block-size 64", mpirun(),
             CS_CLI);
    if (run_sh(cmd, out, sizeof out) != 0) fail_msg("2 ranks: %s", out);
    /* Rank 0 alone prints the summary, of all 1000 trials. */
    assert_non_null(strstr(out, "trials: 1000 (seed 6151)"));
    assert_non_null(strstr(out, "mpi-2.h5 (complete)"));
    assert_null(strstr(strstr(out, "cablesim run: mpi-test") + 1, "cablesim run: mpi-test"));
    snprintf(cmd, sizeof cmd,
             "%s 3 --oversubscribe '%s' run mpi-test.yaml -o mpi-3.h5 "
             "--block-size 100 --quiet",
             mpirun(), CS_CLI);
    if (run_sh(cmd, out, sizeof out) != 0) fail_msg("3 ranks: %s", out);
    assert_int_equal(compare_files("mpi-1.h5", "mpi-2.h5"), 14 + 6 + 5 + 5);
    assert_int_equal(compare_files("mpi-1.h5", "mpi-3.h5"), 14 + 6 + 5 + 5);
    /* The comparison does see a difference: another seed. */
    snprintf(cmd, sizeof cmd, "'%s' run mpi-test.yaml -o mpi-x.h5 --set seed=6152 --quiet", CS_CLI);
    if (run_sh(cmd, out, sizeof out) != 0) fail_msg("other seed: %s", out);
    assert_int_equal(compare_files("mpi-1.h5", "mpi-x.h5"), -1);
    remove_file("mpi-x.h5");
    assert_true(deflated("mpi-2.h5"));
    assert_true(deflated("mpi-3.h5"));
    assert_int_equal(root_attr("mpi-2.h5", "complete"), 1);
    assert_int_equal(root_attr("mpi-3.h5", "complete"), 1);
    assert_true(rows("mpi-3.h5", "/trials/failed_edges") > 1000); /* lists are not trivial */
    remove_file("mpi-1.h5");
    remove_file("mpi-2.h5");
    remove_file("mpi-3.h5");
    remove_file("mpi-test.yaml");
}

/* Random faults in batches of 100 trials: runs are stopped after chosen batches. as_of is
 * pinned (to the year runs used before it was), so that no run warns. */
static const char stoppable[] = "name: stop\ntopology: engine-topo.geojson\n"
                                "demand: engine-demand.csv\nas_of: 2026\ntrials: 2000\nseed: 31\n"
                                "output:\n  batch_trials: 100\n"
                                "hazards:\n  - type: random_faults\n    window_days: 365\n"
                                "    rate_deep: 0.2\n    rate_shallow: 0.1\n";

static bool exists(const char *name)
{
    return cs_exists_in(scratch, name);
}

/* The run summary without the lines that depend on the process (speed, memory, file name) or
 * on how the scenario's paths were given (a resumed run's are relative to ".": "./x.geojson"). */
static void summary_of(const char *out, char *buf, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (const char *line = out; *line;) {
        const char *nl = strchr(line, '\n');
        const size_t len = nl ? (size_t)(nl - line + 1) : strlen(line);
        if (strncmp(line, "  engine:", 9) != 0 && strncmp(line, "  results:", 10) != 0 &&
            strncmp(line, "  network:", 10) != 0 && used + len < n) {
            memcpy(buf + used, line, len);
            used += len;
            buf[used] = '\0';
        }
        line += len;
    }
}

/* Runs cablesim with args (shell words) in the scratch dir, after the environment words env
 * ("" for none), through mpiexec -n ranks when ranks > 0; returns the exit status. */
static int cli_env(const char *env, int ranks, const char *args, char *out, size_t n)
{
    char cmd[4096], launcher[512] = "";
    if (ranks > 0) snprintf(launcher, sizeof launcher, "%s %d", mpirun(), ranks);
    snprintf(cmd, sizeof cmd, "%s %s '%s' %s", env, launcher, CS_CLI, args);
    return run_sh(cmd, out, n);
}

/*
 * Stopped by SIGTERM at a chosen write (one process), by --stop-after-batches (one process and
 * 2 ranks: exactly N batches or blocks), by SIGHUP on one of 2 ranks, by kill -9 after a chosen
 * write, then --resume: the completed file is identical, dataset by dataset, to an uninterrupted
 * run's, and the resumed run's summary is the uninterrupted run's.
 */
static void test_interrupt_and_resume(void **state)
{
    (void)state;
    char out[16384];
    write_file("mpi-stop.yaml", stoppable);
    if (cli_env("", 0, "run mpi-stop.yaml -o mpi-full.h5 --no-progress", out, sizeof out) != 0)
        fail_msg("full run: %s", out);
    char full_summary[16384];
    summary_of(out, full_summary, sizeof full_summary);

    /* SIGTERM raised after the 5th write: exactly 5 batches in the file. */
    assert_int_equal(cli_env("CABLESIM_RAISE=TERM@write=5", 0,
                             "run mpi-stop.yaml -o mpi-part1.h5 --no-progress", out, sizeof out),
                     3);
    if (strstr(out, "cablesim: SIGTERM: interrupted after 500 of 2000 trials; mpi-part1.h5 left "
                    "incomplete (cablesim run --resume mpi-part1.h5 continues it)") == NULL)
        fail_msg("%s", out);
    assert_int_equal(root_attr("mpi-part1.h5", "complete"), 0);
    assert_int_equal(rows("mpi-part1.h5", "/trials/unserved_tbps"), 500);
    if (cli_env("", 0, "run --resume mpi-part1.h5 --no-progress", out, sizeof out) != 0)
        fail_msg("resume: %s", out);
    assert_non_null(strstr(out, "mpi-part1.h5 (complete)"));
    /* The summary covers all 2000 trials, the ones written before the stop included: it is
     * the uninterrupted run's to the last digit. */
    char resumed_summary[16384];
    summary_of(out, resumed_summary, sizeof resumed_summary);
    assert_string_equal(full_summary, resumed_summary);
    assert_non_null(strstr(resumed_summary, "trials: 2000 (seed 31)"));
    assert_int_equal(root_attr("mpi-part1.h5", "complete"), 1);
    assert_int_equal(compare_files("mpi-full.h5", "mpi-part1.h5"), 14 + 6 + 5 + 5);
    /* A complete file is not resumed. */
    assert_int_equal(cli_env("", 0, "run --resume mpi-part1.h5", out, sizeof out), 2);
    assert_non_null(strstr(out, "mpi-part1.h5: complete = 1: every trial is already there"));

    /* --stop-after-batches: 7 batches, then 4 more from a resume, then the rest. */
    assert_int_equal(cli_env("", 0, "run mpi-stop.yaml -o mpi-part4.h5 --stop-after-batches 7 -q",
                             out, sizeof out),
                     3);
    assert_non_null(strstr(out, "--stop-after-batches: interrupted after 700 of 2000 trials"));
    assert_int_equal(rows("mpi-part4.h5", "/trials/unserved_tbps"), 700);
    assert_int_equal(
        cli_env("", 0, "run --resume mpi-part4.h5 --stop-after-batches 4 -q", out, sizeof out), 3);
    assert_int_equal(rows("mpi-part4.h5", "/trials/unserved_tbps"), 1100);
    assert_int_equal(root_attr("mpi-part4.h5", "complete"), 0);
    /* More batches than are left: the run completes, exit 0. */
    if (cli_env("", 0, "run --resume mpi-part4.h5 --stop-after-batches 9 -q", out, sizeof out) != 0)
        fail_msg("resume: %s", out);
    assert_int_equal(compare_files("mpi-full.h5", "mpi-part4.h5"), 14 + 6 + 5 + 5);

    /* kill -9 after the 3rd write: the file was never closed; resume clears HDF5's
     * open-for-writing flag and goes on from the last write (every write ends with a flush). */
    assert_int_equal(cli_env("CABLESIM_RAISE=KILL@write=3", 0,
                             "run mpi-stop.yaml -o mpi-part3.h5 --no-progress", out, sizeof out),
                     128 + SIGKILL);
    if (cli_env("", 0, "run --resume mpi-part3.h5 --no-progress", out, sizeof out) != 0)
        fail_msg("resume after kill -9: %s", out);
    assert_int_equal(root_attr("mpi-part3.h5", "complete"), 1);
    assert_int_equal(compare_files("mpi-full.h5", "mpi-part3.h5"), 14 + 6 + 5 + 5);

    /* 2 ranks, --stop-after-batches 7 with blocks of 100: exactly 7 blocks, whatever rank ran
     * them. SIGINT while the resume loads leaves the file as it was; it then resumes on 2
     * ranks with another block size. */
    assert_int_equal(cli_env("", 2,
                             "run mpi-stop.yaml -o mpi-part2.h5 --block-size 100 "
                             "--stop-after-batches 7 --quiet",
                             out, sizeof out),
                     3);
    assert_int_equal(root_attr("mpi-part2.h5", "complete"), 0);
    assert_int_equal(rows("mpi-part2.h5", "/trials/unserved_tbps"), 700);
    assert_int_equal(cli_env("CABLESIM_RAISE=INT@scenario CABLESIM_RAISE_RANK=1", 2,
                             "run --resume mpi-part2.h5 --quiet", out, sizeof out),
                     3);
    assert_non_null(strstr(out, "stopped while loading; mpi-part2.h5 unchanged"));
    assert_int_equal(rows("mpi-part2.h5", "/trials/unserved_tbps"), 700);
    if (cli_env("", 2, "run --resume mpi-part2.h5 --block-size 64 --quiet", out, sizeof out) != 0)
        fail_msg("mpi resume: %s", out);
    assert_int_equal(root_attr("mpi-part2.h5", "complete"), 1);
    assert_int_equal(compare_files("mpi-full.h5", "mpi-part2.h5"), 14 + 6 + 5 + 5);

    /* SIGHUP on rank 1 after its first write: every rank stops after its block, the file holds
     * whole blocks, and resumes to the same file. */
    assert_int_equal(cli_env("CABLESIM_RAISE=HUP@write=1 CABLESIM_RAISE_RANK=1", 2,
                             "run mpi-stop.yaml -o mpi-part5.h5 --block-size 50 --quiet", out,
                             sizeof out),
                     3);
    assert_int_equal(root_attr("mpi-part5.h5", "complete"), 0);
    const uint64_t done5 = rows("mpi-part5.h5", "/trials/unserved_tbps");
    assert_true(done5 < 2000 && done5 > 0);
    assert_int_equal(done5 % 50, 0); /* whole blocks: a prefix of the trials */
    if (cli_env("", 2, "run --resume mpi-part5.h5 --quiet", out, sizeof out) != 0)
        fail_msg("mpi resume after SIGHUP: %s", out);
    assert_int_equal(compare_files("mpi-full.h5", "mpi-part5.h5"), 14 + 6 + 5 + 5);

    /* SIGTERM on rank 1 while loading: every rank stops before the file is made. */
    assert_int_equal(cli_env("CABLESIM_RAISE=TERM@engine CABLESIM_RAISE_RANK=1", 2,
                             "run mpi-stop.yaml -o mpi-part6.h5 --quiet", out, sizeof out),
                     3);
    assert_non_null(strstr(out, "stopped while loading, before any output: nothing written"));
    assert_false(exists("mpi-part6.h5"));
}

/* Resuming refuses files that are not this run's: changed inputs, not a results file. */
static void test_resume_refusals(void **state)
{
    (void)state;
    char cmd[4096], out[8192];
    snprintf(cmd, sizeof cmd, "'%s' run --resume no-such.h5", CS_CLI);
    assert_int_equal(run_sh(cmd, out, sizeof out), 2);
    assert_non_null(strstr(out, "no-such.h5"));
    /* A file whose demand has changed since: sha256 mismatch. */
    write_file("mpi-dem.csv", "origin,destination,demand_tbps\n");
    snprintf(cmd, sizeof cmd, "cp engine-demand.csv mpi-dem.csv");
    assert_int_equal(run_sh(cmd, out, sizeof out), 0);
    write_file("mpi-chg.yaml", "name: chg\ntopology: engine-topo.geojson\n"
                               "demand: mpi-dem.csv\ntrials: 10\noutput: {batch_trials: 5}\n");
    snprintf(cmd, sizeof cmd, "'%s' run mpi-chg.yaml -o mpi-chg.h5 --quiet", CS_CLI);
    assert_int_equal(run_sh(cmd, out, sizeof out), 0);
    /* Marked incomplete by hand, the complete file is refused: its outcome tables are
     * dictionary tables (format 4), which no run continues. */
    const hid_t f = cs_h5_open_in(scratch, "mpi-chg.h5", true);
    const hid_t a = H5Aopen(f, "complete", H5P_DEFAULT);
    const unsigned char zero = 0;
    assert_true(H5Awrite(a, H5T_NATIVE_UCHAR, &zero) >= 0);
    H5Aclose(a);
    H5Fclose(f);
    snprintf(cmd, sizeof cmd, "'%s' run --resume mpi-chg.h5", CS_CLI);
    assert_int_equal(run_sh(cmd, out, sizeof out), 2);
    if (strstr(out, "mpi-chg.h5: /outcomes/served_tbps is a dictionary table") == NULL)
        fail_msg("%s", out);
    /* A run stopped after its first batch, then the demand file changed. */
    snprintf(cmd, sizeof cmd,
             "rm mpi-chg.h5 && '%s' run mpi-chg.yaml -o mpi-chg.h5 --quiet --stop-after-batches 1",
             CS_CLI);
    assert_int_equal(run_sh(cmd, out, sizeof out), 3);
    snprintf(cmd, sizeof cmd, "sed -i 's/7.5/7.25/' mpi-dem.csv");
    assert_int_equal(run_sh(cmd, out, sizeof out), 0);
    snprintf(cmd, sizeof cmd, "'%s' run --resume mpi-chg.h5", CS_CLI);
    assert_int_equal(run_sh(cmd, out, sizeof out), 2);
    if (strstr(out, "mpi-chg.h5: demand_sha256: expected") == NULL) fail_msg("%s", out);
    remove_file("mpi-chg.h5");
    remove_file("mpi-chg.yaml");
    remove_file("mpi-dem.csv");
}

/*
 * A rank other than 0 that cannot read the file to resume, or an input, which rank 0 read (here:
 * ranks started in different directories, so that the same relative name is another file for
 * rank 1), says why itself, and every rank stops with its status. Until session 21 rank 0's
 * status was shared over it, or rank 1 returned alone, and the job hung in a collective call.
 */
static void test_resume_rank_alone(void **state)
{
    (void)state;
    char cmd[8192], out[8192];
    write_file("mpi-rk.yaml", "name: rk\ntopology: engine-topo.geojson\n"
                              "demand: engine-demand.csv\ntrials: 10\noutput: {batch_trials: 5}\n");
    snprintf(cmd, sizeof cmd, "'%s' run mpi-rk.yaml -o mpi-rk.h5 --quiet --stop-after-batches 1",
             CS_CLI);
    assert_int_equal(run_sh(cmd, out, sizeof out), 3);
    snprintf(cmd, sizeof cmd,
             "mkdir -p mpi-other && echo 'not a results file' > mpi-other/mpi-rk.h5");
    assert_int_equal(run_sh(cmd, out, sizeof out), 0);
    const uint64_t done = rows("mpi-rk.h5", "/trials/unserved_tbps");
    assert_int_equal(done, 5);
    /* timeout: a hang fails the test instead of stalling the suite */
    snprintf(cmd, sizeof cmd,
             "timeout 300 %s 1 -wdir '%s' '%s' run --resume mpi-rk.h5 : " CS_MPIEXEC_NUMPROC_FLAG
             " 1 -wdir '%s/mpi-other' '%s' run --resume mpi-rk.h5",
             mpirun(), scratch, CS_CLI, scratch, CS_CLI);
    const int rc = run_sh(cmd, out, sizeof out);
    if (rc != 2 || strstr(out, "mpi-rk.h5: HDF5 could not open the results file") == NULL)
        fail_msg("exit %d: %s", rc, out);
    assert_int_equal(root_attr("mpi-rk.h5", "complete"), 0);
    assert_int_equal(rows("mpi-rk.h5", "/trials/unserved_tbps"), done);
    /* and one process goes on with it as before */
    snprintf(cmd, sizeof cmd, "'%s' run --resume mpi-rk.h5 --quiet", CS_CLI);
    assert_int_equal(run_sh(cmd, out, sizeof out), 0);
    assert_int_equal(root_attr("mpi-rk.h5", "complete"), 1);
    assert_int_equal(rows("mpi-rk.h5", "/trials/unserved_tbps"), 10);
    /* A scenario whose topology rank 1 cannot find (its relative path is another directory's):
     * rank 1 says so (rank 0 loaded it), every rank stops, nothing is written. Before, rank 1
     * returned alone and rank 0 waited for it in check_output's broadcast. */
    snprintf(cmd, sizeof cmd, "rm mpi-rk.h5 && cp mpi-rk.yaml mpi-other/");
    assert_int_equal(run_sh(cmd, out, sizeof out), 0);
    snprintf(cmd, sizeof cmd,
             "timeout 300 %s 1 -wdir '%s' '%s' run mpi-rk.yaml -o mpi-rk.h5 -q "
             ": " CS_MPIEXEC_NUMPROC_FLAG
             " 1 -wdir '%s/mpi-other' '%s' run mpi-rk.yaml -o mpi-rk.h5 -q",
             mpirun(), scratch, CS_CLI, scratch, CS_CLI);
    const int rc_load = run_sh(cmd, out, sizeof out);
    if (rc_load != 2 || strstr(out, "mpi-rk.yaml:2:11: topology: expected an existing file, found "
                                    "\"engine-topo.geojson\"") == NULL)
        fail_msg("exit %d: %s", rc_load, out);
    snprintf(cmd, sizeof cmd, "ls mpi-rk.h5* mpi-other/mpi-rk.h5* 2>/dev/null | wc -l");
    assert_int_equal(run_sh(cmd, out, sizeof out), 0);
    assert_string_equal(out, "1\n"); /* mpi-other/mpi-rk.h5, the non-results file above */
    snprintf(cmd, sizeof cmd, "rm -r mpi-other mpi-rk.yaml");
    assert_int_equal(run_sh(cmd, out, sizeof out), 0);
}

/* Whether /trials dataset d is the same in both files. */
static bool same_dataset(const char *name_a, const char *name_b, const char *d)
{
    char pa[4096], pb[4096];
    data_path(pa, sizeof pa, name_a);
    data_path(pb, sizeof pb, name_b);
    cs_h5_cmp c = {H5Fopen(pa, H5F_ACC_RDONLY, H5P_DEFAULT),
                   H5Fopen(pb, H5F_ACC_RDONLY, H5P_DEFAULT), "/trials", 0, false};
    assert_true(c.a >= 0 && c.b >= 0);
    cs_h5_cmp_dataset(c.a, d, NULL, &c);
    H5Fclose(c.a);
    H5Fclose(c.b);
    return !c.differ;
}

/*
 * A sweep writes one file per variant; the variants share their random numbers (the same
 * failures trial by trial) and differ only where the swept key acts; 2 ranks write the same
 * files as one process.
 */
static void test_sweep(void **state)
{
    (void)state;
    char cmd[4096], out[16384];
    write_file("mpi-test.yaml", scenario);
    snprintf(cmd, sizeof cmd,
             "'%s' run mpi-test.yaml --set trials=400 --sweep demand_scale=1,2.5 -o sw.h5 "
             "--no-progress",
             CS_CLI);
    if (run_sh(cmd, out, sizeof out) != 0) fail_msg("sweep: %s", out);
    assert_non_null(strstr(out, "2 variants"));
    assert_non_null(strstr(out, "sw.demand_scale=2.5.h5"));
    const char *a = "sw.demand_scale=1.h5", *b = "sw.demand_scale=2.5.h5";
    assert_true(same_dataset(a, b, "failed_edges"));
    assert_true(same_dataset(a, b, "failed_offsets"));
    assert_false(same_dataset(a, b, "unserved_tbps"));
    /* The same trial with demand_scale 2.5 alone, without a sweep: the same file. */
    snprintf(cmd, sizeof cmd,
             "'%s' run mpi-test.yaml --set trials=400 --set demand_scale=2.5 -o sw-one.h5 "
             "--quiet",
             CS_CLI);
    if (run_sh(cmd, out, sizeof out) != 0) fail_msg("single: %s", out);
    assert_int_equal(compare_files(b, "sw-one.h5"), 14 + 6 + 5 + 5);
    snprintf(cmd, sizeof cmd,
             "%s 2 '%s' run mpi-test.yaml --set trials=400 --sweep demand_scale=1,2.5 "
             "-o swm.h5 --block-size 30 --quiet",
             mpirun(), CS_CLI);
    if (run_sh(cmd, out, sizeof out) != 0) fail_msg("mpi sweep: %s", out);
    assert_int_equal(compare_files(a, "swm.demand_scale=1.h5"), 14 + 6 + 5 + 5);
    assert_int_equal(compare_files(b, "swm.demand_scale=2.5.h5"), 14 + 6 + 5 + 5);
    /* START:STOP:STEP includes STOP; two sweeps multiply. */
    snprintf(cmd, sizeof cmd,
             "'%s' run mpi-test.yaml --set trials=20 --sweep demand_scale=1:2:0.5 "
             "--sweep seed=1,2 -o swr.h5 --quiet",
             CS_CLI);
    if (run_sh(cmd, out, sizeof out) != 0) fail_msg("range sweep: %s", out);
    static const char *const made[] = {
        "swr.demand_scale=1_seed=1.h5",   "swr.demand_scale=1_seed=2.h5",
        "swr.demand_scale=1.5_seed=1.h5", "swr.demand_scale=1.5_seed=2.h5",
        "swr.demand_scale=2_seed=1.h5",   "swr.demand_scale=2_seed=2.h5"};
    for (size_t i = 0; i < sizeof made / sizeof *made; i++) {
        if (!exists(made[i])) fail_msg("%s not written", made[i]);
        remove_file(made[i]);
    }
    /* Bad sweeps: usage errors; a bad value in any variant stops the job before any output. */
    static const char *const bad[][2] = {
        {"--sweep demand_scale", "expected KEY=V1,V2,... or KEY=START:STOP:STEP"},
        {"--sweep demand_scale=1,,2", "expected a value between the commas"},
        {"--sweep demand_scale=1:2:0", "expected a non-zero STEP"},
        {"--sweep demand_scale=2:1:0.5", "expected a non-zero STEP"},
        {"--sweep demand_scale=1:x:1", "expected START:STOP:STEP with three numbers"},
        {"--sweep demand_scale=1,-2", "demand_scale: expected a number in (0, 1000], found \"-2\""},
        {"--sweep name=a/b,a?b", "run: variants \"name=a/b\" and \"name=a?b\" would write the same "
                                 "file swb.name=a-b.h5"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(cmd, sizeof cmd, "'%s' run mpi-test.yaml %s -o swb.h5", CS_CLI, bad[i][0]);
        assert_int_equal(run_sh(cmd, out, sizeof out), 2);
        if (strstr(out, bad[i][1]) == NULL) fail_msg("%s: %s", bad[i][0], out);
        assert_false(exists("swb.demand_scale=1.h5"));
    }
    remove_file(a);
    remove_file(b);
    remove_file("sw-one.h5");
    remove_file("swm.demand_scale=1.h5");
    remove_file("swm.demand_scale=2.5.h5");
    remove_file("mpi-test.yaml");
}

/* A recovery scenario on the fixture network: random faults over 30 days, two ships. */
static const char recovery_scenario[] =
    "name: mpi-recovery\ntopology: engine-topo.geojson\ndemand: engine-demand.csv\n"
    "as_of: 2011\ntrials: 300\nseed: 77\n"
    "hazards:\n  - type: random_faults\n    window_days: 365\n    rate_deep: 0.5\n"
    "    rate_shallow: 0.5\n"
    "recovery:\n  horizon_days: 30\n  step_hours: 12\n  policy: capacity\n  ships:\n"
    "    - {name: A, home: Yokohama, home_lonlat: [139.64, 35.45], speed_kn: 15}\n"
    "    - {name: B, home: Nagasaki, home_lonlat: [129.87, 32.75], speed_kn: 13}\n";

/* Recovery files (/timeseries, /recovery with the per-fault records) from 2 and 3 ranks, and
 * after a resume, equal a one-process file. */
static void test_recovery_ranks(void **state)
{
    (void)state;
    char cmd[4096], out[16384];
    write_file("mpi-rec.yaml", recovery_scenario);
    snprintf(cmd, sizeof cmd, "'%s' run mpi-rec.yaml -o mpi-rec-1.h5 --no-progress", CS_CLI);
    if (run_sh(cmd, out, sizeof out) != 0) fail_msg("serial: %s", out);
    assert_non_null(strstr(out, "recovery over 30 days (2 ships, queue policy capacity)"));
    snprintf(cmd, sizeof cmd, "%s 2 '%s' run mpi-rec.yaml -o mpi-rec-2.h5 --block-size 16 --quiet",
             mpirun(), CS_CLI);
    if (run_sh(cmd, out, sizeof out) != 0) fail_msg("2 ranks: %s", out);
    snprintf(cmd, sizeof cmd,
             "%s 3 --oversubscribe '%s' run mpi-rec.yaml -o mpi-rec-3.h5 --block-size 7 --quiet",
             mpirun(), CS_CLI);
    if (run_sh(cmd, out, sizeof out) != 0) fail_msg("3 ranks: %s", out);
    const int n = compare_files("mpi-rec-1.h5", "mpi-rec-2.h5");
    assert_true(n > 13 + 4 + 4); /* the recovery datasets were compared too */
    assert_int_equal(compare_files("mpi-rec-1.h5", "mpi-rec-3.h5"), n);
    assert_true(rows("mpi-rec-1.h5", "/recovery/faults") > 300); /* faults to repair */
    /* the same trials in a run with another fleet differ: the comparison sees it */
    snprintf(cmd, sizeof cmd,
             "'%s' run mpi-rec.yaml -o mpi-rec-x.h5 --quiet --set recovery.policy=fifo", CS_CLI);
    if (run_sh(cmd, out, sizeof out) != 0) fail_msg("fifo: %s", out);
    assert_int_equal(compare_files("mpi-rec-1.h5", "mpi-rec-x.h5"), -1);
    remove_file("mpi-rec-1.h5");
    remove_file("mpi-rec-2.h5");
    remove_file("mpi-rec-3.h5");
    remove_file("mpi-rec-x.h5");
    remove_file("mpi-rec.yaml");
}

/* The rare-event lines of a run's output (from "  rare event" to the next line not indented
 * by four), for comparing summaries. */
static void rare_lines(const char *out, char *buf, size_t n)
{
    const char *a = strstr(out, "  rare event");
    assert_non_null(a);
    const char *b = a;
    do
        b = strchr(b, '\n') + 1;
    while (strncmp(b, "    ", 4) == 0);
    snprintf(buf, n, "%.*s", (int)(b - a), a);
}

/* Importance sampling (docs/rare-events.md): 1 process, 2 ranks and a run stopped and resumed
 * write the same file, /trials/weight included, and print the same rare-event summary: the
 * tilt is the same on every rank and in every run, and weights depend on (seed, trial) only. */
static void test_weighted_ranks(void **state)
{
    (void)state;
    char out[16384], a[4096], b[4096];
    write_file("mpi-is.yaml", "name: is\ntopology: engine-topo.geojson\n"
                              "demand: engine-demand.csv\nas_of: 2015\ntrials: 600\nseed: 77\n"
                              "output:\n  batch_trials: 100\n"
                              "hazards:\n  - type: random_faults\n    rate_deep: 0.02\n"
                              "    rate_shallow: 0.02\n"
                              "estimator:\n  method: importance_sampling\n  pilot_trials: 300\n"
                              "  target: {region: Hong Kong, cut_off: true}\n");
    if (cli_env("", 0, "run mpi-is.yaml -o mpi-is-1.h5 --no-progress", out, sizeof out) != 0)
        fail_msg("serial: %s", out);
    rare_lines(out, a, sizeof a);
    assert_non_null(strstr(a, "Hong Kong cut off"));
    if (cli_env("", 2, "run mpi-is.yaml -o mpi-is-2.h5 --block-size 64", out, sizeof out) != 0)
        fail_msg("2 ranks: %s", out);
    rare_lines(out, b, sizeof b);
    assert_string_equal(a, b);
    assert_int_equal(compare_files("mpi-is-1.h5", "mpi-is-2.h5"), 14 + 6 + 1 + 5 + 5);
    assert_int_equal(rows("mpi-is-2.h5", "/trials/weight"), 600);
    assert_int_equal(
        cli_env("", 0, "run mpi-is.yaml -o mpi-is-3.h5 --stop-after-batches 2 -q", out, sizeof out),
        3);
    if (cli_env("", 0, "run --resume mpi-is-3.h5 --no-progress", out, sizeof out) != 0)
        fail_msg("resume: %s", out);
    rare_lines(out, b, sizeof b);
    assert_string_equal(a, b); /* the resumed run's summary read the weights back */
    assert_int_equal(compare_files("mpi-is-1.h5", "mpi-is-3.h5"), 14 + 6 + 1 + 5 + 5);
    remove_file("mpi-is-1.h5");
    remove_file("mpi-is-2.h5");
    remove_file("mpi-is-3.h5");
    remove_file("mpi-is.yaml");
}

static void test_bad_block_size(void **state)
{
    (void)state;
    char cmd[2048], out[4096];
    write_file("mpi-test.yaml", scenario);
    snprintf(cmd, sizeof cmd, "'%s' run mpi-test.yaml --block-size 0", CS_CLI);
    assert_int_equal(run_sh(cmd, out, sizeof out), 2);
    assert_non_null(strstr(out, "--block-size: expected an integer in [1, 1000000], found \"0\""));
    snprintf(cmd, sizeof cmd, "'%s' run mpi-test.yaml --resume x.h5", CS_CLI);
    assert_int_equal(run_sh(cmd, out, sizeof out), 2);
    assert_non_null(strstr(out, "--resume takes the scenario"));
    /* A shard without a trial is refused before any file is made. */
    snprintf(cmd, sizeof cmd, "'%s' run mpi-test.yaml --set trials=2 --shard 0/3 -o mpi-s.h5",
             CS_CLI);
    assert_int_equal(run_sh(cmd, out, sizeof out), 2);
    assert_non_null(strstr(out, "--shard 0/3: that part of the 2 trials holds no trial"));
    assert_false(exists("mpi-s.h5"));
    snprintf(cmd, sizeof cmd, "'%s' run mpi-test.yaml --shard 3/3 -o mpi-s.h5", CS_CLI);
    assert_int_equal(run_sh(cmd, out, sizeof out), 2);
    assert_non_null(strstr(out, "--shard: expected I/N with 0 <= I < N <= 1000000, found \"3/3\""));
    remove_file("mpi-test.yaml");
}

int main(void)
{
    if (!cs_scratch_init(scratch, sizeof scratch, "mpi")) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ranks_give_identical_files),
        cmocka_unit_test(test_interrupt_and_resume),
        cmocka_unit_test(test_resume_refusals),
        cmocka_unit_test(test_resume_rank_alone),
        cmocka_unit_test(test_bad_block_size),
        cmocka_unit_test(test_sweep),
        cmocka_unit_test(test_recovery_ranks),
        cmocka_unit_test(test_weighted_ranks),
    };
    const int failed = cmocka_run_group_tests(tests, NULL, NULL);
    if (failed == 0) cs_scratch_remove(scratch);
    return failed;
}
