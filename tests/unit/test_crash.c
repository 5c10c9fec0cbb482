/*
 * test_crash.c: crash testing as SQLite does it (docs/hdf5-schema.md, "Commit protocol").
 * `cablesim-fault` (tests/fault/fault.c) counts the writes a run makes to its results file and
 * kills itself (SIGKILL) or fails a write (ENOSPC, EFBIG: a full disk, `ulimit -f`) at the N-th.
 * For every N of a small run (or a deterministic sample), on one process and on 2 MPI ranks, the
 * file left behind is resumed, and the result must be identical, dataset by dataset, to the
 * uninterrupted run's. Scratch files go to crash-scratch/ in the build tree.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <hdf5.h>

#include "cs_cli_test.h"

static char scratch[2048];

/* Random faults and an anchor drag (cuts and hazard events in every trial), edge flows,
 * compressed: every kind of per-trial dataset, 6 batches. */
static const char scenario[] = "name: crash\n"
                               "topology: engine-topo.geojson\n"
                               "demand: engine-demand.csv\n"
                               "as_of: 2011\n"
                               "trials: 120\n"
                               "seed: 6151\n"
                               "output:\n"
                               "  edge_flow: true\n"
                               "  compression: 6\n"
                               "  batch_trials: 20\n" CS_TEST_DRAG_HAZARDS;

static int sh(const char *cmd, char *out, size_t n)
{
    return cs_sh_in(scratch, cmd, out, n);
}

static void path_of(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", scratch, name);
}

static const char *mpirun(void)
{
    return CS_MPIEXEC " " CS_MPIEXEC_NUMPROC_FLAG " 2";
}

/* The writes rank r made to its results file, from the count file of cablesim-fault. */
static unsigned long writes_of(const char *count_file, int r)
{
    char path[4096];
    path_of(path, sizeof path, count_file);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    int rank = -1;
    unsigned long n = 0, found = 0;
    while (fscanf(f, "%d %lu", &rank, &n) == 2)
        if (rank == r) found = n;
    fclose(f);
    return found;
}

/* The complete attribute of the file (0 when unreadable). */
static unsigned complete_of(const char *name)
{
    char path[4096];
    path_of(path, sizeof path, name);
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return 0;
    uint8_t v = 0;
    const hid_t a = H5Aopen(f, "complete", H5P_DEFAULT);
    if (a >= 0) H5Aread(a, H5T_NATIVE_UINT8, &v);
    if (a >= 0) H5Aclose(a);
    H5Fclose(f);
    return v;
}

/* Whether name is complete and identical, dataset by dataset, to the uninterrupted full.h5. */
static bool same_as_full(const char *name)
{
    char a[4096], b[4096];
    path_of(a, sizeof a, "full.h5");
    path_of(b, sizeof b, name);
    return complete_of(name) == 1 && cs_h5_same_results(a, b) > 0;
}

/* The k-th of m points spread evenly over 1..w, both ends included (all of them when m >= w). */
static unsigned long point(unsigned long k, unsigned long m, unsigned long w)
{
    if (m >= w) return k + 1;
    return 1 + k * (w - 1) / (m - 1);
}

/*
 * One crash: the run (ranks 0: one process) with CABLESIM_FAULT=spec (and _RANK), then the
 * file resumed: by `run --resume t.h5` when `status` calls it resumable, else (no file, or a
 * file whose run was killed before its first commit) by `run -o t.h5 --resume-or-start`; on
 * resume_ranks processes. Returns whether the result is the uninterrupted run's; *resumed
 * counts the runs that went through --resume.
 */
static bool crash_and_resume(const char *spec, int rank, int ranks, int resume_ranks,
                             int want_status, int *resumed)
{
    char cmd[8192], out[16384];
    sh("rm -f t.h5 t.h5.tmp", out, sizeof out);
    char launcher[512] = "";
    if (ranks > 0) snprintf(launcher, sizeof launcher, "%s", mpirun());
    snprintf(cmd, sizeof cmd,
             "CABLESIM_FAULT=%s CABLESIM_FAULT_RANK=%d %s '%s' run crash.yaml -o t.h5 -q", spec,
             rank, launcher, CS_CLI_FAULT);
    int st = sh(cmd, out, sizeof out);
    /* A disk full before the file exists: the output cannot be made, as with any bad -o. */
    if (want_status == 1 && st == 2 && strstr(out, "could not create the results file") != NULL)
        st = 1;
    if (want_status >= 0 && st != want_status) {
        print_message("%s: exit %d, expected %d: %s\n", spec, st, want_status, out);
        return false;
    }
    if (want_status == 1 && ranks == 0) {
        /* a write error: one line naming the file and the cause, and no crash */
        const char *nl = strchr(out, '\n');
        if (strstr(out, "t.h5") == NULL || nl == NULL || nl[1] != '\0') {
            print_message("%s: expected one line naming the file, found: %s\n", spec, out);
            return false;
        }
    }
    char rl[512] = "";
    if (resume_ranks > 0) snprintf(rl, sizeof rl, "%s", mpirun());
    if (sh("'" CS_CLI "' status t.h5", out, sizeof out) == 3) {
        snprintf(cmd, sizeof cmd, "%s '%s' run --resume t.h5 -q", rl, CS_CLI);
        (*resumed)++;
    } else {
        snprintf(cmd, sizeof cmd, "%s '%s' run crash.yaml -o t.h5 --resume-or-start -q", rl,
                 CS_CLI);
    }
    if (sh(cmd, out, sizeof out) != 0) {
        print_message("%s: resume failed: %s\n", spec, out);
        return false;
    }
    if (!same_as_full("t.h5")) {
        print_message("%s: resumed file differs from the uninterrupted run's\n", spec);
        return false;
    }
    return true;
}

static int setup(void **state)
{
    (void)state;
    if (!cs_scratch_init(scratch, sizeof scratch, "crash")) return -1;
    char path[4096];
    path_of(path, sizeof path, "crash.yaml");
    FILE *f = fopen(path, "w");
    if (f == NULL) return -1;
    fputs(scenario, f);
    fclose(f);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cs_scratch_remove(scratch);
    return 0;
}

/* The uninterrupted run, counting its writes; *w receives them. */
static void full_run(unsigned long *w)
{
    char cmd[8192], out[16384];
    snprintf(cmd, sizeof cmd,
             "rm -f full.h5 count.txt && CABLESIM_FAULT_COUNT=count.txt '%s' run crash.yaml "
             "-o full.h5 -q",
             CS_CLI_FAULT);
    assert_int_equal(sh(cmd, out, sizeof out), 0);
    *w = writes_of("count.txt", 0);
    assert_true(*w > 50); /* the run writes its file in many calls */
    assert_int_equal(complete_of("full.h5"), 1);
}

/* SIGKILL at every write of a one-process run: every file resumes to the uninterrupted one. */
static void test_kill_every_write(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    /* every write up to 80, else 80 evenly spread, both ends included (deterministic: the
     * whole sweep of this run's 377 writes passed too, CABLESIM_CRASH_POINTS=1000) */
    const char *env = getenv("CABLESIM_CRASH_POINTS");
    const unsigned long want = env != NULL ? strtoul(env, NULL, 10) : 80;
    const unsigned long m = w < want ? w : want;
    int resumed = 0, ok = 0;
    for (unsigned long k = 0; k < m; k++) {
        char spec[64];
        snprintf(spec, sizeof spec, "kill@%lu", point(k, m, w));
        ok += crash_and_resume(spec, 0, 0, 0, 128 + SIGKILL, &resumed);
    }
    print_message("kill at %lu of %lu writes: %d identical, %d through --resume\n", m, w, ok,
                  resumed);
    assert_int_equal(ok, (int)m);
    /* past the making of the file, `status` calls it resumable and --resume takes it */
    assert_true(resumed > (int)m / 2);
}

/* A write that fails (a full disk, `ulimit -f`): exit 1, one line, no crash; the file resumes
 * to the uninterrupted one once space is back. */
static void test_write_error(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    const unsigned long m = 16;
    int resumed = 0, ok = 0;
    for (unsigned long k = 0; k < m; k++) {
        char spec[64];
        snprintf(spec, sizeof spec, "%s@%lu", k % 4 == 3 ? "efbig" : "enospc", point(k, m, w));
        ok += crash_and_resume(spec, 0, 0, 0, 1, &resumed);
    }
    print_message("write errors at %lu of %lu writes: %d identical\n", m, w, ok);
    assert_int_equal(ok, (int)m);
}

/* SIGKILL of one of 2 MPI ranks at a sample of its writes (mpirun then ends the job): every
 * file resumes, on 2 ranks or on one process, to the one-process uninterrupted run's. */
static void test_kill_mpi(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    char cmd[8192], out[16384];
    snprintf(cmd, sizeof cmd,
             "rm -f m.h5 mcount.txt && CABLESIM_FAULT_COUNT=mcount.txt %s '%s' run crash.yaml "
             "-o m.h5 -q",
             mpirun(), CS_CLI_FAULT);
    assert_int_equal(sh(cmd, out, sizeof out), 0);
    assert_true(same_as_full("m.h5")); /* any split gives the same file */
    int resumed = 0, ok = 0, tried = 0;
    for (int r = 0; r < 2; r++) {
        const unsigned long wr = writes_of("mcount.txt", r), m = 4;
        assert_true(wr > m);
        for (unsigned long k = 0; k < m; k++, tried++) {
            char spec[64];
            snprintf(spec, sizeof spec, "kill@%lu", point(k, m, wr));
            ok += crash_and_resume(spec, r, 2, k % 2 == 0 ? 2 : 0, -1, &resumed);
        }
    }
    print_message("2 ranks, kill at %d writes: %d identical, %d through --resume\n", tried, ok,
                  resumed);
    assert_int_equal(ok, tried);
}

/* ------------------------------------------------------------ corrupted files */

/* Runs a Python statement on the h5py File f of the scratch file name, opened for writing. */
static void corrupt(const char *name, const char *stmt)
{
    char cmd[4096], out[4096];
    snprintf(cmd, sizeof cmd,
             "/usr/bin/python3 -c \"import h5py; f = h5py.File('%s', 'r+'); %s; f.close()\"", name,
             stmt);
    if (sh(cmd, out, sizeof out) != 0) fail_msg("%s: %s", stmt, out);
}

/* Whether out is exactly one line and holds want. */
static bool one_line_with(const char *out, const char *want)
{
    const char *nl = strchr(out, '\n');
    return strstr(out, want) != NULL && nl != NULL && nl[1] == '\0';
}

/*
 * --resume and merge check every offset and index they trust or copy: offsets that go back, an
 * edge index past the edges (in failed_edges and in a cut record): exit 2, one line naming the
 * file and the place, and nothing that looks complete (the resumed file keeps complete = 0,
 * merge leaves no output).
 */
static void test_corrupt_refused(void **state)
{
    (void)state;
    static const struct {
        const char *stmt, *want;
    } cases[] = {
        {"d = f['trials/failed_offsets']; d[5] = d[6] + 1", "/trials/failed_offsets["},
        {"d = f['trials/failed_edges']; d[3] = 100000",
         "/trials/failed_edges[3]: expected an edge index below"},
        {"d = f['trials/cuts']; x = d[2]; x['edge'] = 4000000; d[2] = x",
         "/trials/cuts[2]: expected an edge index below"},
    };
    char cmd[8192], out[16384];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(cmd, sizeof cmd,
                 "rm -f c.h5 c.h5.tmp && '%s' run crash.yaml -o c.h5 --stop-after-batches 3 -q",
                 CS_CLI);
        assert_int_equal(sh(cmd, out, sizeof out), 3);
        corrupt("c.h5", cases[i].stmt);
        assert_int_equal(sh("'" CS_CLI "' run --resume c.h5 -q", out, sizeof out), 2);
        if (!one_line_with(out, cases[i].want)) fail_msg("resume: %s", out);
        assert_int_equal(complete_of("c.h5"), 0);
    }
    /* merge: two complete parts, the second corrupted in a copy */
    snprintf(cmd, sizeof cmd,
             "rm -f p0.h5 p1.h5 && '%s' run crash.yaml --shard 0/2 -o p0.h5 -q && '%s' run "
             "crash.yaml --shard 1/2 -o p1.h5 -q",
             CS_CLI, CS_CLI);
    assert_int_equal(sh(cmd, out, sizeof out), 0);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_int_equal(sh("rm -f mg.h5 && cp p1.h5 px.h5", out, sizeof out), 0);
        corrupt("px.h5", cases[i].stmt);
        assert_int_equal(sh("'" CS_CLI "' merge -o mg.h5 p0.h5 px.h5 --quiet", out, sizeof out), 2);
        if (strstr(out, "px.h5") == NULL || strchr(out, '\n')[1] != '\0')
            fail_msg("merge: %s", out);
        assert_false(cs_exists_in(scratch, "mg.h5"));
        assert_int_equal(sh("ls mg.h5.tmp* 2>/dev/null | wc -l", out, sizeof out), 0);
        assert_string_equal(out, "0\n");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill_every_write),
        cmocka_unit_test(test_write_error),
        cmocka_unit_test(test_kill_mpi),
        cmocka_unit_test(test_corrupt_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
