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
static char scratch_name[64] = "crash"; /* crash-GROUP (main) */

/* Extra options of the crashed run under MPI (test_h5write_alone_mpi: small blocks, so that
 * there are several commits). */
static const char *mpi_run_opts = "";

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
    const int len = snprintf(buf, n, "%s/%s", scratch, name);
    assert_true(len >= 0 && (size_t)len < n);
}

static const char *mpirun(void)
{
    return CS_MPIEXEC " " CS_MPIEXEC_NUMPROC_FLAG " 2";
}

/*
 * Waits until no process holds the results file t.h5 (or t.h5.tmp) in dir: after an MPI job
 * that failed or was killed, mpirun can return while the ranks it ends are still exiting, one
 * of them holding the file's lock; `status` would then (rightly) say "open for writing". Waits
 * on the lock itself (flock(1)), not on the clock; the 600 s bound only stops a stray process
 * from hanging the test.
 */
static void wait_released(const char *dir)
{
    char cmd[8192], out[4096];
    snprintf(cmd, sizeof cmd,
             "for f in '%s/t.h5' '%s/t.h5.tmp'; do if [ -e \"$f\" ]; then "
             "flock -s -w 600 \"$f\" true || exit 1; fi; done",
             dir, dir);
    if (sh(cmd, out, sizeof out) != 0) fail_msg("a process still holds %s/t.h5: %s", dir, out);
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

/* Under MPI, a write error: exactly one line of cablesim's (mpirun adds its own banner),
 * from the rank that failed, naming the file and the injected cause. */
static bool mpi_write_error_line(const char *out, const char *spec)
{
    const bool h5 = strncmp(spec, "h5write", 7) == 0;
    const char *cause = strncmp(spec, "efbig", 5) == 0 ? "File too large" : "No space left";
    int lines = 0;
    bool named = false;
    for (const char *p = out; *p != '\0';) {
        const char *end = strchr(p, '\n');
        const size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        if (strncmp(p, "cablesim: ", 10) == 0) {
            char line[4096];
            snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1),
                     p);
            lines++;
            /* h5write: HDF5's failure on one rank, whose message it is */
            named =
                h5 ? strstr(line, "cablesim: t.h5.tmp: HDF5 could not write dataset /") == line
                   : (strstr(line, "cablesim: t.h5.tmp: could not write the file: ") == line &&
                      (strstr(line, cause) != NULL || strstr(line, "MPI_ERR_IO") != NULL) &&
                      strstr(line, "cablesim run --resume t.h5") != NULL) ||
                         /* rank 0, compacting the complete file (hdf5-schema.md) */
                         (strstr(line, "cablesim: t.h5: ") == line && strstr(line, cause) != NULL &&
                          strstr(line, "compacting the file failed: it is complete") != NULL);
        }
        p += len + (end != NULL);
    }
    if (lines != 1 || !named)
        print_message("%s: expected one line naming t.h5.tmp and the cause, found: %s\n", spec,
                      out);
    return lines == 1 && named;
}

/*
 * One crash: the run (ranks 0: one process) with CABLESIM_FAULT=spec (and _RANK), then the
 * file resumed: by `run --resume t.h5` when `status` calls it resumable, else (no file, or a
 * file whose run was killed before its first commit) by `run -o t.h5 --resume-or-start`; on
 * resume_ranks processes. Returns 1 when the result is the uninterrupted run's, 0 when not, and
 * -1 when, under MPI, a write error was wanted but the rank made fewer writes than spec's N (the
 * blocks go to the ranks on demand: a rank's writes differ from run to run): the caller tries an
 * earlier write. *resumed counts the runs that went through --resume; left_complete counts the
 * crashes that left a complete file (in the compaction of the complete file, docs/hdf5-schema.md
 * "Compaction": `status` calls it complete, and --resume-or-start has nothing to do).
 */
static int left_complete;

static int crash_and_resume(const char *spec, int rank, int ranks, int resume_ranks,
                            int want_status, int *resumed)
{
    char cmd[8192], out[16384];
    sh("rm -f t.h5 t.h5.tmp t.h5.compact.tmp fc.txt", out, sizeof out);
    char launcher[512] = "";
    if (ranks > 0) snprintf(launcher, sizeof launcher, "%s", mpirun());
    snprintf(cmd, sizeof cmd,
             "CABLESIM_FAULT=%s CABLESIM_FAULT_RANK=%d CABLESIM_FAULT_COUNT=fc.txt %s '%s' run "
             "crash.yaml -o t.h5 -q %s",
             spec, rank, launcher, CS_CLI_FAULT, ranks > 0 ? mpi_run_opts : "");
    int st = sh(cmd, out, sizeof out);
    const char *at = strchr(spec, '@');
    if (want_status == 1 && ranks > 0 && st == 0 && at != NULL &&
        writes_of("fc.txt", rank) < strtoul(at + 1, NULL, 10))
        return -1;
    /* A disk full before the file exists is a write error too (exit 1, not 2: session 20). */
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
    if (want_status == 1 && ranks > 0 && !mpi_write_error_line(out, spec)) return false;
    if (ranks > 0) wait_released(".");
    char rl[512] = "";
    if (resume_ranks > 0) snprintf(rl, sizeof rl, "%s", mpirun());
    const int status = sh("'" CS_CLI "' status t.h5", out, sizeof out);
    left_complete += status == 0;
    if (status == 3) {
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
    if (!cs_scratch_init(scratch, sizeof scratch, scratch_name)) return -1;
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
    char out[4096];
    sh("umount small 2>/dev/null; true", out, sizeof out); /* left by a failed test_real_limits */
    cs_scratch_remove(scratch);
    return 0;
}

/* The run of crash.yaml as two complete shards, p0.h5 and p1.h5 (the parts merge tests take). */
static void two_shards(void)
{
    char out[16384];
    assert_int_equal(sh("rm -f p0.h5 p1.h5 && '" CS_CLI "' run crash.yaml --shard 0/2 -o p0.h5 -q "
                        "&& '" CS_CLI "' run crash.yaml --shard 1/2 -o p1.h5 -q",
                        out, sizeof out),
                     0);
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

/* The uninterrupted run on 2 ranks, m.h5, counting each rank's writes in mcount.txt. */
static void mpi_full_run(void)
{
    char cmd[8192], out[16384];
    snprintf(cmd, sizeof cmd,
             "rm -f m.h5 mcount.txt && CABLESIM_FAULT_COUNT=mcount.txt %s '%s' run crash.yaml "
             "-o m.h5 -q",
             mpirun(), CS_CLI_FAULT);
    assert_int_equal(sh(cmd, out, sizeof out), 0);
}

/*
 * The run killed (SIGKILL) just before its write `at` (env: more of its environment, "" for
 * none), leaving t.h5 and its leftovers as the kill did; keep: when not NULL, t.h5.tmp is copied
 * to it (the killed file, for several resumes of it).
 */
static void killed_run(const char *env, unsigned long at, const char *keep)
{
    char cmd[8192], out[16384];
    snprintf(cmd, sizeof cmd,
             "rm -f t.h5 t.h5.tmp* t.h5.compact.tmp && %s CABLESIM_FAULT=kill@%lu '%s' run "
             "crash.yaml -o t.h5 -q",
             env, at, CS_CLI_FAULT);
    const int st = sh(cmd, out, sizeof out);
    if (st != 128 + SIGKILL) fail_msg("kill@%lu: exit %d: %s", at, st, out);
    if (keep == NULL) return;
    snprintf(cmd, sizeof cmd, "cp t.h5.tmp '%s'", keep);
    if (sh(cmd, out, sizeof out) != 0) fail_msg("%s: %s", cmd, out);
}

/* SIGKILL at every write of a one-process run: every file resumes to the uninterrupted one. */
static void test_kill_every_write(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    /* 24 points evenly spread, both ends included (deterministic; test_kill_random draws more
     * instants; the whole sweep of this run's 377 writes passed too, CABLESIM_CRASH_POINTS=1000,
     * before the compaction of the complete file added its writes) */
    const char *env = getenv("CABLESIM_CRASH_POINTS");
    const unsigned long want = env != NULL ? strtoul(env, NULL, 10) : 24;
    const unsigned long m = w < want ? w : want;
    int resumed = 0, ok = 0;
    left_complete = 0;
    for (unsigned long k = 0; k < m; k++) {
        char spec[64];
        snprintf(spec, sizeof spec, "kill@%lu", point(k, m, w));
        ok += crash_and_resume(spec, 0, 0, 0, 128 + SIGKILL, &resumed);
    }
    print_message("kill at %lu of %lu writes: %d identical, %d through --resume, %d left "
                  "complete (killed while compacting)\n",
                  m, w, ok, resumed, left_complete);
    assert_int_equal(ok, (int)m);
    /* past the making of the file, `status` calls it resumable and --resume takes it, or, once
     * it is complete, killed while it is compacted, complete (the last point, the last write of
     * the compaction, is one of those) */
    assert_true(left_complete >= 1);
    assert_true(resumed + left_complete > (int)m / 2);
}

/*
 * A run killed in the compaction of its complete file (its last write) leaves FILE complete but
 * uncompacted (dense outcome tables) and FILE.compact.tmp: `--resume-or-start`, which job
 * scripts run again after a kill, compacts it, so that the file becomes the one an
 * uninterrupted run writes (dictionary tables, docs/hdf5-schema.md) and nothing is left beside
 * it. Before, it said "nothing to do" and both stayed.
 */
static void test_kill_compaction(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    char cmd[8192], out[16384];
    killed_run("", w, NULL);
    assert_int_equal(sh("'" CS_CLI "' status t.h5", out, sizeof out), 0);
    assert_true(cs_exists_in(scratch, "t.h5.compact.tmp"));
    snprintf(cmd, sizeof cmd, "'%s' run crash.yaml -o t.h5 --resume-or-start -q", CS_CLI);
    if (sh(cmd, out, sizeof out) != 0) fail_msg("--resume-or-start: %s", out);
    assert_false(cs_exists_in(scratch, "t.h5.compact.tmp"));
    assert_true(same_as_full("t.h5"));
    char path[4096], v[64];
    path_of(path, sizeof path, "t.h5");
    cs_h5_str_attr(path, "/outcomes/edge_flow_tbps", "encoding", v, sizeof v);
    assert_string_equal(v, "dictionary");
}

/*
 * Kills during the resume itself: a run killed mid-way (its file rebuilt by the resume from the
 * commit record), then its resume killed at 4 of its writes spread evenly (the copy the repair
 * works on, the rebuild, the trials, the compaction), each on the file the first kill left, and
 * once more in a chain (every resume killed in turn): every file then resumes to the
 * uninterrupted run's, with no FILE.repair left. Before, a resume killed while it rebuilt the
 * datasets in place left a file whose datasets HDF5 could no longer open or read (exit 2, not
 * resumable).
 */
static void test_kill_resume(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    char cmd[8192], out[16384];
    killed_run("", w * 3 / 4, "keep.tmp");
    if (sh("rm -f rc.txt && CABLESIM_FAULT_COUNT=rc.txt '" CS_CLI_FAULT "' run --resume t.h5 -q",
           out, sizeof out) != 0)
        fail_msg("%s", out);
    assert_true(same_as_full("t.h5"));
    const unsigned long r = writes_of("rc.txt", 0);
    assert_true(r > 50);
    const unsigned long m = 4;
    for (unsigned long k = 0; k <= m; k++) {
        /* k < m: one kill of the resume, from the first kill's file; k = m: the chain */
        assert_int_equal(sh("rm -f t.h5 t.h5.tmp* && cp keep.tmp t.h5.tmp", out, sizeof out), 0);
        for (unsigned long j = k < m ? k : 0; j < (k < m ? k + 1 : m); j++) {
            snprintf(cmd, sizeof cmd, "CABLESIM_FAULT=kill@%lu '%s' run --resume t.h5 -q",
                     point(j, m, r), CS_CLI_FAULT);
            const int st = sh(cmd, out, sizeof out);
            if (st != 128 + SIGKILL && st != 0) fail_msg("kill@%lu: %s", point(j, m, r), out);
            if (st == 0) break; /* the chain's resume got further than its kill */
        }
        const int status = sh("'" CS_CLI "' status t.h5", out, sizeof out);
        if (status == 3 && sh("'" CS_CLI "' run --resume t.h5 -q", out, sizeof out) != 0)
            fail_msg("resume after the resume killed (%lu): %s", k, out);
        if (status != 3 && status != 0)
            fail_msg("status after the resume killed (%lu): %s", k, out);
        if (status == 0) {
            snprintf(cmd, sizeof cmd, "'%s' run crash.yaml -o t.h5 --resume-or-start -q", CS_CLI);
            if (sh(cmd, out, sizeof out) != 0) fail_msg("--resume-or-start: %s", out);
        }
        if (!same_as_full("t.h5")) fail_msg("resume killed (%lu): differs", k);
        assert_false(cs_exists_in(scratch, "t.h5.tmp.repair"));
    }
}

/* A write that fails (a full disk, `ulimit -f`): exit 1, one line, no crash; the file resumes
 * to the uninterrupted one once space is back. */
static void test_write_error(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    const char *env = getenv("CABLESIM_CRASH_ERRORS"); /* more points for a deep run */
    const unsigned long m = env != NULL ? strtoul(env, NULL, 10) : 8;
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
    mpi_full_run();
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

/* splitmix64: the fixed-seed sequence of test_kill_random's instants. */
static uint64_t splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

/*
 * Issue 12's "killed with SIGKILL at 30 random instants, serial and 2 ranks", made
 * deterministic: each instant is a write system call to the file (HDF5's metadata flushes and
 * the superblock included: cablesim-fault sees every one), drawn uniformly from a fixed-seed
 * sequence (splitmix64, seed 2026) over the writes of the uninterrupted run: on one process
 * over its writes, on 2 ranks over the killed rank's (ranks alternate; mpirun then ends the other
 * rank wherever it is, the truly arbitrary instant). The suite draws 4 of each;
 * CABLESIM_CRASH_RANDOM=30 draws issue 12's 30. Every file resumes (one process: on one process;
 * 2 ranks: on 2 ranks or one, alternately) to the uninterrupted run's file.
 */
static void test_kill_random(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    mpi_full_run();
    const char *env = getenv("CABLESIM_CRASH_RANDOM");
    const unsigned long n = env != NULL ? strtoul(env, NULL, 10) : 4;
    uint64_t seed = 2026;
    int resumed = 0, ok = 0;
    for (unsigned long i = 0; i < n; i++) {
        char spec[64];
        snprintf(spec, sizeof spec, "kill@%lu", 1 + (unsigned long)(splitmix(&seed) % w));
        ok += crash_and_resume(spec, 0, 0, 0, 128 + SIGKILL, &resumed);
    }
    for (unsigned long i = 0; i < n; i++) {
        const int r = (int)(i % 2);
        const unsigned long wr = writes_of("mcount.txt", r);
        char spec[64];
        snprintf(spec, sizeof spec, "kill@%lu", 1 + (unsigned long)(splitmix(&seed) % wr));
        ok += crash_and_resume(spec, r, 2, i % 4 < 2 ? 2 : 0, -1, &resumed);
    }
    print_message("kill at %lu random writes of one process and %lu of 2 ranks: %d identical, "
                  "%d through --resume\n",
                  n, n, ok, resumed);
    assert_int_equal(ok, (int)(2 * n));
}

/* A write that fails on one of 2 MPI ranks (ENOSPC, EFBIG; while the file is made, in HDF5's
 * metadata flushes, in the collective writes of trials): the job ends, exit 1, with one line of
 * cablesim's naming the file and the cause, and never hangs (MPI-IO failures stop the job at
 * once, mpirun.h); every file resumes, on 2 ranks or on one process, to the uninterrupted one. */
static void test_write_error_mpi(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    mpi_full_run();
    int resumed = 0, ok = 0, tried = 0;
    for (int r = 0; r < 2; r++) {
        /* 1, a third and two thirds of the rank's writes: the blocks go to the ranks on
         * demand, so a rank's count varies between runs, and a point near its end could be
         * past the writes of the run that fails: it is then tried again at an earlier write */
        const char *env = getenv("CABLESIM_CRASH_ERRORS"); /* more points for a deep run */
        const unsigned long wr = writes_of("mcount.txt", r),
                            m = env != NULL ? strtoul(env, NULL, 10) : 3;
        assert_true(wr > 3 * m);
        for (unsigned long k = 0; k < m; k++, tried++) {
            char spec[64];
            int one = -1; /* at an earlier write while this run's rank made fewer */
            for (unsigned long at = 1 + k * wr / m; one < 0 && at > 0; at = at * 2 / 3) {
                snprintf(spec, sizeof spec, "%s@%lu",
                         (k + (unsigned long)r) % 2 ? "efbig" : "enospc", at);
                one = crash_and_resume(spec, r, 2, k % 2 == 0 ? 2 : 0, 1, &resumed);
            }
            ok += one > 0;
        }
    }
    print_message("2 ranks, write errors at %d writes: %d identical, %d through --resume\n", tried,
                  ok, resumed);
    assert_int_equal(ok, tried);
}

/*
 * HDF5 failing on one of 2 ranks before the collective part of a write (cablesim-fault's
 * h5write: that rank's N-th H5Dwrite returns an error without entering HDF5, while the other
 * rank enters the collective write and waits there for it): the failing rank ends the job at
 * once with its one line, exit 1, instead of both waiting forever (writer.c, settle); while the
 * file is made (the static tables) and during the trials, on either rank. Blocks of 2 trials:
 * several commits. Every file resumes (2 ranks or one) to the uninterrupted one.
 */
static void test_h5write_alone_mpi(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    static const struct {
        unsigned long at;
        int rank;
    } points[] = {{2, 1}, {2, 0}, {400, 1}, {400, 0}};
    mpi_run_opts = "--block-size 2";
    int resumed = 0, ok = 0;
    for (size_t k = 0; k < sizeof points / sizeof *points; k++) {
        char spec[64];
        snprintf(spec, sizeof spec, "h5write@%lu", points[k].at);
        ok += crash_and_resume(spec, points[k].rank, 2, k % 2 == 0 ? 2 : 0, 1, &resumed);
    }
    mpi_run_opts = "";
    print_message("2 ranks, HDF5 failing on one rank at %zu points: %d identical, %d through "
                  "--resume\n",
                  sizeof points / sizeof *points, ok, resumed);
    assert_int_equal(ok, (int)(sizeof points / sizeof *points));
    assert_int_equal(resumed, 2); /* past the first commit: --resume takes it */
}

/* ------------------------------------------------------- resume on other ranks */

/* Whether dataset path of scratch file name allocates its chunks early (h5util.h). */
static bool early_alloc(const char *name, const char *path)
{
    char file[4096];
    path_of(file, sizeof file, name);
    const hid_t f = H5Fopen(file, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    const hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    assert_true(d >= 0);
    const hid_t p = H5Dget_create_plist(d);
    H5D_alloc_time_t t = H5D_ALLOC_TIME_ERROR;
    assert_true(p >= 0 && H5Pget_alloc_time(p, &t) >= 0);
    H5Pclose(p);
    H5Dclose(d);
    H5Fclose(f);
    return t == H5D_ALLOC_TIME_EARLY;
}

/* Runs cmd in the scratch directory and requires exit status want. */
static void run_expect(const char *cmd, int want)
{
    char out[16384];
    const int st = sh(cmd, out, sizeof out);
    if (st != want) fail_msg("%s: exit %d, expected %d: %s", cmd, st, want, out);
}

/*
 * A file made by one process resumes on 2 ranks, and one made by 2 ranks on one process, to the
 * uninterrupted run's file; so does a file of an older cablesim, whose datasets allocate their
 * chunks incrementally (made by cablesim-fault's oldalloc), stopped cleanly or killed: its
 * resume on 2 ranks rebuilds them with early allocation (before it, the 2-rank resume hung in
 * HDF5's collective write: "addr overflow" on one rank). The 2-rank resumes run under timeout,
 * so that a hang fails the test instead of the suite.
 */
static void test_resume_across(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    char cmd[8192];
    /* one process, then 2 ranks */
    snprintf(cmd, sizeof cmd,
             "rm -f x.h5 x.h5.tmp && '%s' run crash.yaml -o x.h5 --stop-after-batches 2 -q",
             CS_CLI);
    run_expect(cmd, 3);
    assert_true(early_alloc("x.h5", "/trials/failed_edges"));
    snprintf(cmd, sizeof cmd, "timeout -k 10 600 %s '%s' run --resume x.h5 -q", mpirun(), CS_CLI);
    run_expect(cmd, 0);
    assert_true(same_as_full("x.h5"));
    /* 2 ranks, then one process */
    snprintf(cmd, sizeof cmd,
             "rm -f x.h5 x.h5.tmp && %s '%s' run crash.yaml -o x.h5 --stop-after-batches 2 -q",
             mpirun(), CS_CLI);
    run_expect(cmd, 3);
    snprintf(cmd, sizeof cmd, "'%s' run --resume x.h5 -q", CS_CLI);
    run_expect(cmd, 0);
    assert_true(same_as_full("x.h5"));
    /* an older file, stopped (closed normally) or killed (rebuilt anyway), then 2 ranks */
    static const char *const stops[] = {"--stop-after-batches 2", "", "--stop-after-batches 4"};
    static const char *const raise[] = {"", "CABLESIM_RAISE=KILL@write=3", ""};
    static const int status[] = {3, 128 + SIGKILL, 3};
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd,
                 "rm -f x.h5 x.h5.tmp && CABLESIM_FAULT=oldalloc@1 %s '%s' run crash.yaml -o x.h5 "
                 "%s -q",
                 raise[i], CS_CLI_FAULT, stops[i]);
        run_expect(cmd, status[i]);
        /* (HDF5 opens no file a kill left flagged open for writing: resume clears the flag) */
        if (status[i] == 3) {
            assert_false(early_alloc("x.h5", "/trials/failed_edges"));
            assert_false(early_alloc("x.h5", "/outcomes/served_tbps"));
        }
        /* the third on one process: it keeps the datasets as they are */
        snprintf(cmd, sizeof cmd, "timeout -k 10 600 %s '%s' run --resume x.h5 -q",
                 i < 2 ? mpirun() : "", CS_CLI);
        run_expect(cmd, 0);
        assert_true(same_as_full("x.h5"));
        assert_true(early_alloc("x.h5", "/trials/failed_edges") == (i < 2));
    }
}

/* ------------------------------------------------------------------ locking */

/*
 * Two runs with one -o: run 1, on 2 MPI ranks, is held just before rank 0's write w0 of its file
 * (CABLESIM_FAULT=pause@w0, through the FIFOs lk.ready and lk.go: no timing), and while it is
 * held `status` sees the file being written (exit 4), a second `run -o lk.h5` and a second
 * `run --resume lk.h5` are refused (exit 2, one line naming the file) and touch nothing; let go,
 * run 1 ends with exit 0 and a file identical to the uninterrupted run's. The shell script ends
 * run 1 (its exit status in r1.st) before it reports, and never waits on a run that ended
 * without pausing (it then opens lk.ready itself, and skips the second runs).
 */
static void held_run(unsigned long w0, char *out, size_t n)
{
    char cmd[16384];
    snprintf(cmd, sizeof cmd,
             "rm -f lk.h5 lk.h5.tmp lk.ready lk.go r1.st; mkfifo lk.ready lk.go || exit 98; "
             "( CABLESIM_FAULT=pause@%lu CABLESIM_FAULT_RANK=0 CABLESIM_FAULT_FIFO=lk %s '%s' run "
             "crash.yaml -o lk.h5 -q > r1.out 2>&1; echo $? > r1.st; : 1<>lk.ready ) & "
             "cat lk.ready > /dev/null; "
             "if [ -e r1.st ]; then echo 'run 1 ended before its pause'; wait; exit 99; fi; "
             "'%s' status lk.h5 2>&1; echo status $?; "
             "'%s' run crash.yaml -o lk.h5 -q 2>&1; echo run-o $?; "
             "'%s' run --resume lk.h5 -q 2>&1; echo resume $?; "
             "echo go > lk.go; wait; echo run1 $(cat r1.st)",
             w0, mpirun(), CS_CLI_FAULT, CS_CLI, CS_CLI, CS_CLI);
    if (sh(cmd, out, n) != 0) fail_msg("%s", out);
}

static void test_mpi_lock(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    mpi_full_run();
    char out[16384];
    const unsigned long w0 = writes_of("mcount.txt", 0);
    assert_true(w0 > 10);
    held_run(w0 / 2, out, sizeof out);
    static const char *const want[] = {
        "incomplete and not resumable: another process has it open for writing",
        "\nstatus 4\n",
        "cablesim: lk.h5: another run is writing it (lk.h5.tmp exists",
        "\nrun-o 2\n",
        "cablesim: lk.h5.tmp: the file is open in another process (a run still writing it?)",
        "\nresume 2\n",
        "\nrun1 0\n"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        if (strstr(out, want[i]) == NULL) fail_msg("expected \"%s\" in: %s", want[i], out);
    assert_false(cs_exists_in(scratch, "lk.h5.tmp"));
    assert_true(same_as_full("lk.h5"));
}

/* ------------------------------------------------------------ real limits */

/* Whether out is exactly one line and holds want. */
static bool one_line_with(const char *out, const char *want)
{
    const char *nl = strchr(out, '\n');
    return strstr(out, want) != NULL && nl != NULL && nl[1] == '\0';
}

/*
 * One run of crash.yaml to dir/t.h5 under a real limit: limit is a shell command run first by
 * the process (each rank) that then becomes cablesim (`ulimit -f N;`), or "" (the directory is a
 * small tmpfs). Expects exit 1 with
 * cablesim's one line naming the file and the cause; then, with the limit gone (grow, when set, is
 * run first: it gives the tmpfs room), resumes on resume_ranks processes and requires the
 * uninterrupted file.
 */
static void limited_run(const char *dir, const char *limit, int ranks, int resume_ranks,
                        const char *grow, const char *cause)
{
    char cmd[8192], out[16384], launcher[512] = "", rl[512] = "";
    /* Under `ulimit -f` the ranks talk over TCP: Open MPI's shared-memory transport backs its
     * segments with files larger than the limit (the ranks would stop while loading). */
    if (ranks > 0)
        snprintf(launcher, sizeof launcher, "%s%s", mpirun(),
                 limit[0] != '\0' ? " --mca btl self,tcp" : "");
    if (resume_ranks > 0) snprintf(rl, sizeof rl, "%s", mpirun());
    /* the limit on the ranks (mpirun itself, past `ulimit -f`, hangs once they ended) */
    snprintf(
        cmd, sizeof cmd,
        "rm -f %s/t.h5 %s/t.h5.tmp && %s sh -c \"%s exec '%s' run crash.yaml -o %s/t.h5 -q%s\"",
        dir, dir, launcher, limit, CS_CLI, dir, ranks > 0 ? " --block-size 5" : "");
    const int st = sh(cmd, out, sizeof out);
    char line[4096];
    snprintf(line, sizeof line, "cablesim: %s/t.h5.tmp: ", dir);
    if (st != 1 || strstr(out, line) == NULL || strstr(out, cause) == NULL)
        fail_msg("%s (%d ranks): exit %d, expected 1 and a line naming %s.tmp and \"%s\": %s",
                 limit[0] ? limit : "tmpfs", ranks, st, dir, cause, out);
    if (ranks == 0 && strchr(out, '\n')[1] != '\0') fail_msg("expected one line: %s", out);
    if (ranks > 0) wait_released(dir);
    if (grow != NULL && sh(grow, out, sizeof out) != 0) fail_msg("%s: %s", grow, out);
    snprintf(cmd, sizeof cmd, "'%s' status %s/t.h5", CS_CLI, dir);
    if (sh(cmd, out, sizeof out) != 3) fail_msg("expected a resumable file: %s", out);
    snprintf(cmd, sizeof cmd, "%s '%s' run --resume %s/t.h5 -q", rl, CS_CLI, dir);
    if (sh(cmd, out, sizeof out) != 0) fail_msg("resume after %s: %s", limit, out);
    char name[4096];
    snprintf(name, sizeof name, "%s/t.h5", dir);
    assert_true(same_as_full(name));
}

/*
 * The file size limit (`ulimit -f`, SIGXFSZ handled: the write fails with EFBIG) and a full disk
 * (a 56 KiB tmpfs, when this process may mount one: root in CI), each on one process and on 2
 * ranks: exit 1, one line naming the file and the cause, and once the cause is gone --resume (on
 * one process or on 2 ranks, whichever made the file or not) completes the uninterrupted run's
 * file. (dash's `ulimit -f 112` is 56 KiB, past the first commit; under MPI blocks of 5 trials
 * make several epochs, so several commits. Under MPI the ranks use TCP under the limit:
 * limited_run.)
 */
static void test_real_limits(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    limited_run(".", "ulimit -f 112;", 0, 2, NULL, "File too large");
    limited_run(".", "ulimit -f 112;", 2, 0, NULL, "File too large");
    char out[4096];
    if (sh("mkdir -p small && mount -t tmpfs -o size=56k tmpfs small", out, sizeof out) != 0) {
        print_message("no tmpfs (cannot mount: %s): the full disk is tested by injection only\n",
                      out);
        return;
    }
    limited_run("small", "", 0, 0, "mount -o remount,size=4m small", "No space left on device");
    assert_int_equal(sh("rm -f small/t.h5 && mount -o remount,size=56k small", out, sizeof out), 0);
    limited_run("small", "", 2, 2, "mount -o remount,size=4m small", "No space left on device");
    assert_int_equal(sh("umount small && rmdir small", out, sizeof out), 0);
}

/*
 * merge into a full disk (a tmpfs of 4, 12 and 20 KiB, when this process may mount one): exit
 * 1, one line naming the output and the cause, nothing left (neither the output nor its
 * temporary file); then, with room, the same merge gives the uninterrupted run's file. Before,
 * HDF5's H5Ocopy crashed (SIGSEGV in H5T_close_real) when the frame's first static table could
 * not be written.
 */
static void test_merge_full_disk(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    char cmd[8192], out[16384];
    two_shards();
    static const char *const sizes[] = {"4k", "12k", "20k"};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        snprintf(cmd, sizeof cmd, "mkdir -p small && mount -t tmpfs -o size=%s tmpfs small",
                 sizes[i]);
        if (sh(cmd, out, sizeof out) != 0) {
            print_message("no tmpfs (cannot mount: %s): merge into a full disk not tested\n", out);
            return;
        }
        const int st = sh("'" CS_CLI "' merge -o small/m.h5 p0.h5 p1.h5 --quiet", out, sizeof out);
        if (st != 1 || !one_line_with(out, "cablesim: small/m.h5: ") ||
            strstr(out, "No space left on device") == NULL)
            fail_msg("merge into %s: exit %d, expected 1 and one line: %s", sizes[i], st, out);
        assert_int_equal(sh("ls small | wc -l", out, sizeof out), 0);
        assert_string_equal(out, "0\n");
        assert_int_equal(sh("mount -o remount,size=4m small && '" CS_CLI
                            "' merge -o small/m.h5 p0.h5 p1.h5 --quiet",
                            out, sizeof out),
                         0);
        assert_true(same_as_full("small/m.h5"));
        assert_int_equal(sh("umount small && rmdir small", out, sizeof out), 0);
    }
}

/*
 * The other commands that write a file (report, topology export, evolution): under `ulimit -f
 * 0` with SIGXFSZ ignored, so that the write fails with EFBIG (as on a full disk), exit 1 (not
 * the input's fault), one line naming the output and the cause, and nothing left (neither the
 * output nor its temporary file); into a directory that does not exist, exit 2 and one line.
 * Before, report exited with 2 on a failed write, and export with 1 on a bad path.
 */
static void test_outputs_full(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    static const struct {
        const char *args, *out;
    } cmds[] = {
        {"report full.h5", "r.html"},
        {"topology export engine-topo.geojson --format graphml", "x.graphml"},
        {"topology export engine-topo.geojson --format geojson", "x.geojson"},
        {"evolution crash.yaml --from 2011 --to 2011 --set trials=20", "e.csv"},
    };
    char cmd[8192], out[16384], args[1024];
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        snprintf(args, sizeof args, "%s -o %s", cmds[i].args, cmds[i].out);
        snprintf(cmd, sizeof cmd, "sh -c \"ulimit -f 0; trap '' XFSZ; exec '%s' %s\"", CS_CLI,
                 args);
        int st = sh(cmd, out, sizeof out);
        if (st != 1 || !one_line_with(out, cmds[i].out) || strstr(out, "File too large") == NULL)
            fail_msg("%s under ulimit -f 0: exit %d, expected 1 and one line: %s", args, st, out);
        snprintf(cmd, sizeof cmd, "ls %s* 2>/dev/null | wc -l", cmds[i].out);
        assert_int_equal(sh(cmd, out, sizeof out), 0);
        assert_string_equal(out, "0\n");
        snprintf(args, sizeof args, "%s -o no-such-dir/out", cmds[i].args);
        snprintf(cmd, sizeof cmd, "'%s' %s", CS_CLI, args);
        st = sh(cmd, out, sizeof out);
        if (st != 2 || !one_line_with(out, "no-such-dir/out"))
            fail_msg("%s: exit %d, expected 2 and one line: %s", args, st, out);
    }
}

/*
 * Every command that makes a file, its output in a full tmpfs (no block left: a 4 KiB tmpfs
 * filled; no inode left: nr_inodes=2 with one file) and in a read-only one (when this process
 * may mount them): a full disk is exit 1, one line naming the output and "No space left on
 * device", nothing left beside the filler; a read-only directory stays exit 2 (the path's
 * fault), one line. Before, `run` and `merge` gave exit 2 ("could not create") for a full disk
 * when it was full before the output existed, `report`, `evolution` and `topology export` when
 * no inode was left.
 */
static void test_create_full(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    char cmd[8192], out[16384];
    two_shards();
    static const char *const cmds[] = {
        "run crash.yaml -q -o small/o.h5",
        "merge p0.h5 p1.h5 -q -o small/o.h5",
        "report full.h5 -o small/o.html",
        "evolution crash.yaml --from 2011 --to 2011 --set trials=20 -o small/o.csv",
        "topology export engine-topo.geojson --format graphml -o small/o.graphml",
    };
    static const struct {
        const char *mount, *fill; /* the tmpfs, what fills it */
        int status;
        const char *cause;
    } disks[] = {
        {"size=4k", "dd if=/dev/zero of=small/fill bs=4k count=2 2>/dev/null; true", 1,
         "No space left on device"},
        {"size=1m,nr_inodes=2", "touch small/fill", 1, "No space left on device"},
        {"size=1m,ro", "true", 2, "Read-only file system"},
    };
    for (size_t d = 0; d < sizeof disks / sizeof *disks; d++) {
        snprintf(cmd, sizeof cmd, "mkdir -p small && mount -t tmpfs -o %s tmpfs small && %s",
                 disks[d].mount, disks[d].fill);
        if (sh(cmd, out, sizeof out) != 0) {
            print_message("no tmpfs (cannot mount: %s): outputs into a full disk not tested\n",
                          out);
            sh("umount small 2>/dev/null; true", out, sizeof out);
            return;
        }
        for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
            snprintf(cmd, sizeof cmd, "'%s' %s", CS_CLI, cmds[i]);
            const int st = sh(cmd, out, sizeof out);
            if (st != disks[d].status || !one_line_with(out, "small/o.") ||
                strstr(out, disks[d].cause) == NULL)
                fail_msg("%s into a tmpfs %s: exit %d, expected %d and one line with \"%s\": %s",
                         cmds[i], disks[d].mount, st, disks[d].status, disks[d].cause, out);
            assert_int_equal(sh("ls small | grep -v '^fill$' | wc -l", out, sizeof out), 0);
            if (strcmp(out, "0\n") != 0) fail_msg("%s left a file: %s", cmds[i], out);
        }
        assert_int_equal(sh("umount small && rmdir small", out, sizeof out), 0);
    }
}

/*
 * The compaction of a file too large for memory, copied straight to disk (CABLESIM_COMPACT_MEMORY
 * lowers the threshold: 0, every file), into a full disk (a tmpfs of 80, 96 and 112 KiB, when
 * this process may mount one): exit 1, one line, the complete file left as written and no
 * FILE.compact.tmp; with room, `--resume-or-start` compacts it to the uninterrupted run's file.
 * Before, a write that failed inside HDF5's H5Ocopy crashed the process (SIGSEGV), leaving
 * FILE.compact.tmp: the copy now reserves its space first (compact.c).
 */
static void test_compact_full_disk(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    static const char *const sizes[] = {"80k", "96k", "112k"};
    char cmd[8192], out[16384];
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        snprintf(cmd, sizeof cmd, "mkdir -p small && mount -t tmpfs -o size=%s tmpfs small",
                 sizes[i]);
        if (sh(cmd, out, sizeof out) != 0) {
            print_message("no tmpfs (cannot mount: %s): compaction into a full disk not tested\n",
                          out);
            return;
        }
        const int st = sh("CABLESIM_COMPACT_MEMORY=0 '" CS_CLI "' run crash.yaml -o small/t.h5 -q",
                          out, sizeof out);
        if (st != 1 || !one_line_with(out, "cablesim: small/t.h5: ") ||
            strstr(out, "No space left on device") == NULL ||
            strstr(out, "compacting the file failed") == NULL)
            fail_msg("compaction into %s: exit %d, expected 1 and one line: %s", sizes[i], st, out);
        assert_false(cs_exists_in(scratch, "small/t.h5.compact.tmp"));
        assert_int_equal(complete_of("small/t.h5"), 1);
        assert_int_equal(sh("mount -o remount,size=4m small && CABLESIM_COMPACT_MEMORY=0 '" CS_CLI
                            "' run crash.yaml -o small/t.h5 --resume-or-start -q",
                            out, sizeof out),
                         0);
        assert_true(same_as_full("small/t.h5"));
        assert_false(cs_exists_in(scratch, "small/t.h5.compact.tmp"));
        assert_int_equal(sh("umount small && rmdir small", out, sizeof out), 0);
    }
}

/*
 * Kills through the compaction on disk (CABLESIM_COMPACT_MEMORY=0: the path of a file over 256
 * MiB, whose copy HDF5 writes call by call): the run killed at its last 8 writes (the copy's),
 * then `--resume-or-start`, which finishes the compaction, gives the uninterrupted run's file
 * (dictionary tables) and leaves no FILE.compact.tmp.
 */
static void test_kill_compaction_disk(void **state)
{
    (void)state;
    char cmd[8192], out[16384];
    assert_int_equal(sh("rm -f full.h5 count.txt && CABLESIM_COMPACT_MEMORY=0 "
                        "CABLESIM_FAULT_COUNT=count.txt '" CS_CLI_FAULT "' run crash.yaml -o "
                        "full.h5 -q",
                        out, sizeof out),
                     0);
    const unsigned long w = writes_of("count.txt", 0);
    unsigned long w_mem = 0;
    full_run(&w_mem);           /* the reference: compacted in memory */
    assert_true(w > w_mem + 8); /* on disk, the copy is written call by call */
    for (unsigned long k = 0; k < 8; k++) {
        killed_run("CABLESIM_COMPACT_MEMORY=0", w - k * (w - w_mem) / 8, NULL);
        snprintf(cmd, sizeof cmd,
                 "CABLESIM_COMPACT_MEMORY=0 '%s' run crash.yaml -o t.h5 --resume-or-start -q",
                 CS_CLI);
        if (sh(cmd, out, sizeof out) != 0) fail_msg("--resume-or-start: %s", out);
        if (!same_as_full("t.h5")) fail_msg("killed at %lu: differs", w - k * (w - w_mem) / 8);
        assert_false(cs_exists_in(scratch, "t.h5.compact.tmp"));
    }
}

/*
 * `report --pdf` into a tmpfs too small for the PDF (16 and 64 KiB; the PDF is ~140 KiB), when
 * Chromium is installed and this process may mount one: exit 1, one line naming the PDF and the
 * cause, nothing at the PDF's path nor beside it. Before, Chromium wrote the PDF cut short at
 * the final path and exited 0: `report` said it wrote it (exit 0).
 */
static void test_pdf_full(void **state)
{
    (void)state;
    unsigned long w = 0;
    char out[16384], cmd[8192];
    if (sh("command -v chromium", out, sizeof out) != 0) {
        print_message("no chromium: report --pdf into a full disk not tested\n");
        return;
    }
    full_run(&w);
    static const char *const sizes[] = {"16k", "64k"};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        snprintf(cmd, sizeof cmd, "mkdir -p small && mount -t tmpfs -o size=%s tmpfs small",
                 sizes[i]);
        if (sh(cmd, out, sizeof out) != 0) {
            print_message("no tmpfs (cannot mount: %s): report --pdf not tested\n", out);
            return;
        }
        const int st = sh("rm -f r.html && '" CS_CLI "' report full.h5 -o r.html --pdf small/r.pdf",
                          out, sizeof out);
        if (st != 1 || !one_line_with(out, "cablesim: small/r.pdf: ") ||
            strstr(out, "No space left on device") == NULL)
            fail_msg("report --pdf into %s: exit %d, expected 1 and one line: %s", sizes[i], st,
                     out);
        assert_int_equal(sh("ls small | wc -l", out, sizeof out), 0);
        assert_string_equal(out, "0\n");
        assert_int_equal(sh("umount small && rmdir small", out, sizeof out), 0);
    }
}

/*
 * `report --pdf` killed (SIGKILL) while the browser prints: it cannot remove the browser's
 * directory, $TMPDIR/cablesim-pdf-HOST-PID-XXXXXX, so the next report that prints removes it (its
 * PID no longer runs), and leaves those of live PIDs and of other hosts. The browsers are
 * scripts found first on PATH: one kills its parent, one prints a small whole PDF, at the point
 * the report waits for them (no timing). Before, such directories accumulated in /tmp.
 */
static void test_pdf_killed(void **state)
{
    (void)state;
    unsigned long w = 0;
    char out[16384], cmd[8192];
    full_run(&w);
    assert_int_equal(
        sh("rm -rf pdft fakebin && mkdir -p pdft fakebin/kill fakebin/print", out, sizeof out), 0);
    cs_write_in(scratch, "fakebin/kill/chromium", "#!/bin/sh\nkill -9 $PPID\n");
    cs_write_in(scratch, "fakebin/print/chromium",
                "#!/bin/sh\nfor a; do case $a in --print-to-pdf=*) "
                "printf '%%PDF-1.4\\n%%%%EOF\\n' > \"${a#--print-to-pdf=}\";; esac; done\n");
    assert_int_equal(sh("chmod +x fakebin/kill/chromium fakebin/print/chromium", out, sizeof out),
                     0);
    snprintf(cmd, sizeof cmd,
             "rm -f r.html r.pdf && TMPDIR=$PWD/pdft PATH=$PWD/fakebin/kill:$PATH '%s' report "
             "full.h5 -o r.html --pdf r.pdf",
             CS_CLI);
    const int st = sh(cmd, out, sizeof out);
    if (st != 128 + 9) fail_msg("report --pdf, its browser killing it: exit %d: %s", st, out);
    assert_int_equal(sh("ls pdft | grep -c '^cablesim-pdf-'", out, sizeof out), 0);
    assert_string_equal(out, "1\n"); /* what the killed report left */
    assert_false(cs_exists_in(scratch, "r.pdf"));
    /* a live PID's (1: init) and another host's are kept */
    assert_int_equal(sh("mkdir pdft/cablesim-pdf-$(hostname)-1-abcdef "
                        "pdft/cablesim-pdf-elsewhere.example-999999-abcdef",
                        out, sizeof out),
                     0);
    snprintf(cmd, sizeof cmd,
             "rm r.html && TMPDIR=$PWD/pdft PATH=$PWD/fakebin/print:$PATH '%s' report full.h5 -o "
             "r.html --pdf r.pdf",
             CS_CLI);
    if (sh(cmd, out, sizeof out) != 0) fail_msg("report --pdf: %s", out);
    assert_int_equal(sh("head -c 4 r.pdf", out, sizeof out), 0);
    assert_string_equal(out, "%PDF");
    assert_int_equal(
        sh("ls pdft | sed \"s/^cablesim-pdf-$(hostname)-1-abcdef$/live/\" | sort", out, sizeof out),
        0);
    assert_string_equal(out, "cablesim-pdf-elsewhere.example-999999-abcdef\nlive\n");
    assert_int_equal(sh("rm -rf pdft fakebin r.pdf r.html", out, sizeof out), 0);
}

/*
 * A run stopped cleanly after it made its file and before its first write of trials
 * (CABLESIM_RAISE=TERM@output: exit 3, "interrupted after 0 of 120 trials; t.h5 left incomplete
 * (cablesim run --resume t.h5 continues it)"): the file was closed whole, so `status` calls it
 * resumable (3) and `--resume-or-start`, which a requeued job runs, completes it to the
 * uninterrupted run's. Before, `status` said "not resumable: no trial committed ...
 * (--resume-or-start starts it again)" and --resume-or-start refused it (exit 2), although
 * --resume took it.
 */
static void test_stop_before_first_write(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    char cmd[8192], out[16384];
    snprintf(cmd, sizeof cmd,
             "rm -f t.h5 t.h5.tmp && CABLESIM_RAISE=TERM@output '%s' run crash.yaml -o t.h5 -q",
             CS_CLI);
    assert_int_equal(sh(cmd, out, sizeof out), 3);
    if (sh("'" CS_CLI "' status t.h5", out, sizeof out) != 3) fail_msg("status: %s", out);
    snprintf(cmd, sizeof cmd, "'%s' run crash.yaml -o t.h5 --resume-or-start -q", CS_CLI);
    if (sh(cmd, out, sizeof out) != 0) fail_msg("--resume-or-start: %s", out);
    assert_true(same_as_full("t.h5"));
}

/* ------------------------------------------------------------ signals under MPI */

/*
 * SIGINT, SIGTERM, SIGHUP and SIGXFSZ on one of 2 ranks (CABLESIM_RAISE: raised at a chosen
 * point, no timing), while loading (`start`, `scenario`, `engine`: arguments read, scenario
 * loaded, inputs and routing loaded): exit 3, no file; and
 * mid-run (after the first write of trials; blocks of 2 trials: 60 blocks, of which at most
 * 8 + 2 x 8 are taken by then, hpc.md): exit 3, complete = 0, `status` 3 (resumable), and
 * --resume (2 ranks or one process, for two of the signals) completes the
 * uninterrupted run's file. (One process: test_cli_run, every stage.)
 */
static void test_signals_mpi(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    static const char *const sigs[] = {"INT", "TERM", "HUP", "XFSZ"};
    /* every loading stage (arguments read, scenario, engine), in turn */
    static const char *const stages[] = {"start", "scenario", "engine", "start"};
    char cmd[8192], out[16384];
    for (int i = 0; i < 4; i++) {
        snprintf(cmd, sizeof cmd,
                 "rm -f t.h5 t.h5.tmp && CABLESIM_RAISE=%s@%s CABLESIM_RAISE_RANK=%d %s '%s' "
                 "run crash.yaml -o t.h5 -q",
                 sigs[i], stages[i], i % 2, mpirun(), CS_CLI);
        if (sh(cmd, out, sizeof out) != 3 ||
            strstr(out, "stopped while loading, before any output: nothing written") == NULL)
            fail_msg("%s@%s: %s", sigs[i], stages[i], out);
        assert_false(cs_exists_in(scratch, "t.h5"));
        assert_false(cs_exists_in(scratch, "t.h5.tmp"));
        snprintf(cmd, sizeof cmd,
                 "CABLESIM_RAISE=%s@write=1 CABLESIM_RAISE_RANK=%d %s '%s' run crash.yaml -o t.h5 "
                 "-q --block-size 2",
                 sigs[i], (i + 1) % 2, mpirun(), CS_CLI);
        if (sh(cmd, out, sizeof out) != 3 || strstr(out, "t.h5 left incomplete") == NULL)
            fail_msg("%s@write=1: %s", sigs[i], out);
        assert_int_equal(complete_of("t.h5"), 0);
        if (sh("'" CS_CLI "' status t.h5", out, sizeof out) != 3) fail_msg("status: %s", out);
        /* every stop leaves the same kind of file: two of them are resumed (2 ranks, then one
         * process), to save minutes of MPI under ASan */
        if (i >= 2) continue;
        snprintf(cmd, sizeof cmd, "%s '%s' run --resume t.h5 -q", i % 2 ? "" : mpirun(), CS_CLI);
        if (sh(cmd, out, sizeof out) != 0) fail_msg("resume after %s: %s", sigs[i], out);
        assert_true(same_as_full("t.h5"));
    }
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

/*
 * The index blocks of large groups and attribute lists (HDF5's fractal heaps and version 2
 * B-trees, found by their signatures) of a part, one byte inverted in turn, and the signatures of
 * its global heap collections (where the attributes' strings are), the part first or second:
 * exit 2, one line naming the part, no output. HDF5 1.10 listing a group in name order builds a
 * table of its links and, when a block fails its checksum half way, frees link messages it never
 * read: merge crashed (SIGSEGV, SIGABRT) on a damaged fractal heap of the first part before it
 * listed the parts in HDF5's native order (merge.c, list_datasets). An attribute of the first
 * part that could not be read was reported as a failure to write the output (exit 1).
 */
static void merge_damaged_index(char *out, size_t n)
{
    static unsigned char bytes[1 << 22];
    static const char *const sigs[] = {"FRHP", "FHDB", "FHIB", "BTHD", "BTIN", "BTLF", "GCOL"};
    const size_t gcol = 6; /* its signature itself inverted (heapcheck.c checks the rest) */
    for (int which = 0; which < 2; which++) { /* the part damaged: the first, or the second */
        char path[4096];
        path_of(path, sizeof path, which ? "p1.h5" : "p0.h5");
        FILE *fp = fopen(path, "rb");
        assert_non_null(fp);
        const size_t size = fread(bytes, 1, sizeof bytes, fp);
        fclose(fp);
        assert_true(size > 0 && size < sizeof bytes);
        size_t blocks = 0, heaps = 0;
        for (size_t at = 0; at + 16 < size; at++)
            for (size_t k = 0; k < sizeof sigs / sizeof *sigs; k++) {
                if (memcmp(bytes + at, sigs[k], 4) != 0) continue;
                blocks++;
                heaps += k == 0;
                const size_t byte = at + (k == gcol ? 0 : 12);
                path_of(path, sizeof path, "pd.h5");
                bytes[byte] ^= 0xff;
                fp = fopen(path, "wb");
                assert_non_null(fp);
                assert_int_equal(fwrite(bytes, 1, size, fp), size);
                assert_int_equal(fclose(fp), 0);
                bytes[byte] ^= 0xff;
                char cmd[4096];
                snprintf(cmd, sizeof cmd, "rm -f mg.h5 && '%s' merge -o mg.h5 pd.h5 %s --quiet",
                         CS_CLI, which ? "p0.h5" : "p1.h5");
                const int rc = sh(cmd, out, n);
                if (rc != 2 || !one_line_with(out, "pd.h5: "))
                    fail_msg("%s at byte %zu, byte %zu inverted, part %d: exit %d: %s", sigs[k], at,
                             byte, which, rc, out);
                assert_false(cs_exists_in(scratch, "mg.h5"));
            }
        /* the premise: the part has large groups (a fractal heap each) */
        assert_true(heaps >= 1 && blocks >= 4);
    }
}

/*
 * --resume and merge check every offset and index they trust or copy: offsets that go back, an
 * edge index past the edges (in failed_edges and in a cut record): exit 2, one line naming the
 * file and the place, and nothing that looks complete (the resumed file keeps complete = 0,
 * merge leaves no output). --resume also compares the static tables and the attributes with
 * what the run writes, merge those of every part with the first part's (verify.c): a baseline
 * value, a dataset's units, a root attribute.
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
        /* what the file holds besides its trials: checked against what the run writes */
        {"d = f['baseline/served_tbps']; d[0] = d[0] + 1",
         "damaged: /baseline/served_tbps is not what this run writes"},
        {"f['topology/edges'].attrs['units'] = 'furlongs'",
         "damaged: attribute \"units\" of /topology/edges is not what this run writes"},
        {"f.attrs['scenario_resolved'] = 'seed: 1'",
         "damaged: attribute \"scenario_resolved\" of / is not what this run writes"},
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
    two_shards();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        assert_int_equal(sh("rm -f mg.h5 && cp p1.h5 px.h5", out, sizeof out), 0);
        corrupt("px.h5", cases[i].stmt);
        assert_int_equal(sh("'" CS_CLI "' merge -o mg.h5 p0.h5 px.h5 --quiet", out, sizeof out), 2);
        if (strstr(out, "px.h5") == NULL || strchr(out, '\n')[1] != '\0')
            fail_msg("merge: %s", out);
        /* the static tables and attributes: compared with the first part's */
        if (i >= 3 && (strstr(out, "px.h5: damaged: ") == NULL ||
                       strstr(out, "differs from the part p0.h5") == NULL))
            fail_msg("merge: %s", out);
        assert_false(cs_exists_in(scratch, "mg.h5"));
        assert_int_equal(sh("ls mg.h5.tmp* 2>/dev/null | wc -l", out, sizeof out), 0);
        assert_string_equal(out, "0\n");
    }
    /* the object header of a static table of the first part (whose tables the output copies)
     * zeroed: the part is named, exit 2, no output */
    assert_int_equal(sh("rm -f mg.h5 && cp p0.h5 p0x.h5", out, sizeof out), 0);
    corrupt("p0x.h5", "a = h5py.h5o.get_info(f['topology/regions'].id).addr; f.close(); "
                      "b = open('p0x.h5', 'r+b'); b.seek(a); b.write(bytes(16)); b.close()");
    assert_int_equal(sh("'" CS_CLI "' merge -o mg.h5 p0x.h5 p1.h5 --quiet", out, sizeof out), 2);
    if (!one_line_with(out, "p0x.h5: HDF5 could not open the damaged dataset /topology/regions"))
        fail_msg("merge: %s", out);
    assert_false(cs_exists_in(scratch, "mg.h5"));
    merge_damaged_index(out, sizeof out);
}

/*
 * A killed run whose per-trial datasets lost attributes (a header HDF5 can no longer read in
 * full: here one attribute deleted and one changed): the resume rebuilds those datasets from the
 * commit record with the attributes the run gives them when it makes the file (the in-memory
 * image, verify.c), and the file completes to the uninterrupted run's. Before, the rebuild
 * copied what was left, and the comparison with the image refused the file (exit 2).
 */
static void test_rebuild_attrs(void **state)
{
    (void)state;
    unsigned long w = 0;
    full_run(&w);
    char cmd[8192], out[16384];
    snprintf(cmd, sizeof cmd,
             "rm -f t.h5 t.h5.tmp && CABLESIM_RAISE=KILL@write=3 '%s' run crash.yaml -o t.h5 -q",
             CS_CLI);
    assert_int_equal(sh(cmd, out, sizeof out), 128 + SIGKILL);
    /* status clears the superblock's open-for-writing flag (h5py cannot open the file before);
     * the commit record still says `writing`: the resume rebuilds every per-trial dataset */
    assert_int_equal(sh("'" CS_CLI "' status t.h5", out, sizeof out), 3);
    corrupt("t.h5.tmp", "del f['trials/unserved_tbps'].attrs['rows']; "
                        "f['trials/failed_nodes'].attrs['units'] = 'furlongs'");
    if (sh("'" CS_CLI "' run --resume t.h5 -q", out, sizeof out) != 0) fail_msg("resume: %s", out);
    assert_true(same_as_full("t.h5"));
    char path[4096], v[256];
    path_of(path, sizeof path, "t.h5");
    cs_h5_str_attr(path, "/trials/unserved_tbps", "rows", v, sizeof v);
    assert_string_equal(v, "trial");
    cs_h5_str_attr(path, "/trials/failed_nodes", "units", v, sizeof v);
    assert_string_equal(v, "1");
}

/*
 * `test_crash GROUP` runs one group (each its own ctest entry, test_crash_GROUP, with its own
 * scratch directory crash-GROUP-scratch/, so that ctest runs them in parallel); no argument runs
 * every test. CABLESIM_CRASH_ONLY=test_mpi_lock runs one test (a glob) while working on it.
 */
int main(int argc, char **argv)
{
    static const struct {
        const char *group;
        struct CMUnitTest test;
    } all[] = {
        {"kill", cmocka_unit_test(test_kill_every_write)},
        {"kill", cmocka_unit_test(test_kill_compaction)},
        {"kill", cmocka_unit_test(test_kill_resume)},
        {"errors", cmocka_unit_test(test_write_error)},
        {"mpi", cmocka_unit_test(test_kill_mpi)},
        {"mpi", cmocka_unit_test(test_kill_random)},
        {"errors", cmocka_unit_test(test_write_error_mpi)},
        {"errors", cmocka_unit_test(test_h5write_alone_mpi)},
        {"limits", cmocka_unit_test(test_mpi_lock)},
        {"limits", cmocka_unit_test(test_real_limits)},
        {"limits", cmocka_unit_test(test_merge_full_disk)},
        {"limits", cmocka_unit_test(test_outputs_full)},
        {"limits", cmocka_unit_test(test_create_full)},
        {"limits", cmocka_unit_test(test_compact_full_disk)},
        {"kill", cmocka_unit_test(test_kill_compaction_disk)},
        {"limits", cmocka_unit_test(test_pdf_full)},
        {"limits", cmocka_unit_test(test_pdf_killed)},
        {"signals", cmocka_unit_test(test_stop_before_first_write)},
        {"signals", cmocka_unit_test(test_signals_mpi)},
        {"resume", cmocka_unit_test(test_corrupt_refused)},
        {"resume", cmocka_unit_test(test_resume_across)},
        {"resume", cmocka_unit_test(test_rebuild_attrs)},
    };
    const size_t n_all = sizeof all / sizeof *all;
    const char *group = argc > 1 ? argv[1] : NULL;
    struct CMUnitTest tests[sizeof all / sizeof *all];
    size_t n = 0;
    for (size_t i = 0; i < n_all; i++)
        if (group == NULL || strcmp(all[i].group, group) == 0) tests[n++] = all[i].test;
    if (n == 0) {
        fprintf(stderr, "test_crash: no group \"%s\"\n", group);
        return 2;
    }
    snprintf(scratch_name, sizeof scratch_name, "crash-%s", group != NULL ? group : "all");
    if (getenv("CABLESIM_CRASH_ONLY") != NULL)
        cmocka_set_test_filter(getenv("CABLESIM_CRASH_ONLY"));
    return _cmocka_run_group_tests(scratch_name, tests, n, setup, teardown);
}
