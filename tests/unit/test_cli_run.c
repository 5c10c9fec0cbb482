/*
 * test_cli_run.c: `cablesim run` as a user meets it: errors, exit statuses, files left behind,
 * signals at every stage. Scratch files go to cli-run-scratch/ in the build tree.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
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
#include "cs_cli_test.h"

static char scratch[2048]; /* the scratch directory, with the fixtures linked in */

/* Runs CS_CLI with args (shell words), after the environment words env, in the scratch dir;
 * captures stdout+stderr; returns the exit status. */
static int run_cli_env(const char *env, const char *args, char *out, size_t n)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s '%s' %s", env, CS_CLI, args);
    return cs_sh_in(scratch, cmd, out, n);
}

static int run_cli(const char *args, char *out, size_t n)
{
    return run_cli_env("", args, out, n);
}

static bool exists(const char *name)
{
    return cs_exists_in(scratch, name);
}

static void write_file(const char *name, const char *text)
{
    cs_write_in(scratch, name, text);
}

static void remove_file(const char *name)
{
    cs_remove_in(scratch, name);
}

static const char good[] = "name: cli-test\n"
                           "topology: engine-topo.geojson\n"
                           "demand: engine-demand.csv\n"
                           "as_of: 2011\n"
                           "trials: 50\n"
                           "seed: 5\n"
                           "hazards:\n"
                           "  - type: random_faults\n"
                           "    window_days: 365\n"
                           "    rate_deep: 0.05\n";

/* Each bad scenario: one line naming file:line:column, exit 2, no results file. */
static void test_bad_scenarios(void **state)
{
    (void)state;
    static const struct {
        const char *text, *expect;
    } cases[] = {
        {"name: x\ntopology: engine-topo.geojson\ndemand: engine-demand.csv\ntrails: 5\n",
         "cli-bad.yaml:4:1: "},
        {"name: x\ntopology: engine-topo.geojson\ndemand: engine-demand.csv\ntrials: -5\n",
         "cli-bad.yaml:4:9: trials: expected"},
        {"name: x\ntopology: engine-topo.geojson\ndemand: engine-demand.csv\n"
         "hazards:\n  - type: random_faults\n    rate_deep: -1\n",
         "cli-bad.yaml:6:16: hazards.0.rate_deep: expected a number in [0, 1000], found \"-1\""},
        {"name: x\ntopology: engine-topo.geojson\ndemand: engine-demand.csv\n"
         "hazards:\n  - type: explicit\n    cables: [NOPE]\n",
         "cli-bad.yaml:6:14: "},
        {"name: x\ntopology: no-such.geojson\n",
         "cli-bad.yaml:2:11: topology: expected an existing file"},
        {"name: [unclosed\n", "cli-bad.yaml:"},
    };
    char out[8192];
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        write_file("cli-bad.yaml", cases[i].text);
        remove_file("cli-bad.h5");
        const int st = run_cli("run cli-bad.yaml -o cli-bad.h5 --no-progress", out, sizeof out);
        if (st != 2 || strstr(out, cases[i].expect) == NULL)
            fail_msg("case %zu: status %d, output: %s", i, st, out);
        assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out)); /* one line */
        assert_false(exists("cli-bad.h5"));
    }
    remove_file("cli-bad.yaml");
}

static int read_complete(const char *name);

static void test_bad_flags(void **state)
{
    (void)state;
    char out[4096];
    write_file("cli-good.yaml", good);
    assert_int_equal(run_cli("run cli-good.yaml --bogus", out, sizeof out), 2);
    assert_non_null(strstr(out, "unknown option \"--bogus\""));
    assert_int_equal(run_cli("run cli-good.yaml --set trials=abc -o cli-x.h5", out, sizeof out), 2);
    assert_non_null(strstr(out, "trials: expected"));
    assert_false(exists("cli-x.h5"));
    /* One option parser everywhere: a did-you-mean for a near miss, --name=value as --name
     * value, a value given to a flag refused. */
    assert_int_equal(run_cli("run cli-good.yaml --outptu cli-x.h5", out, sizeof out), 2);
    assert_string_equal(out, "cablesim: run: unknown option \"--outptu\" (did you mean "
                             "\"--output\"?) (see 'cablesim run --help')\n");
    assert_int_equal(run_cli("analyze --fromat=json x.h5", out, sizeof out), 2);
    assert_string_equal(out, "cablesim: analyze: unknown option \"--fromat\" (did you mean "
                             "\"--format\"?) (see 'cablesim analyze --help')\n");
    assert_int_equal(run_cli("rnu cli-good.yaml", out, sizeof out), 2);
    assert_string_equal(out, "cablesim: unknown command \"rnu\" (did you mean \"run\"?) (see "
                             "'cablesim --help')\n");
    assert_int_equal(run_cli("frobnicate", out, sizeof out), 2);
    assert_string_equal(out, "cablesim: unknown command \"frobnicate\" (see 'cablesim --help')\n");
    assert_int_equal(run_cli("run cli-good.yaml --dry-run=yes", out, sizeof out), 2);
    assert_string_equal(out, "cablesim: run: --dry-run takes no value, found \"yes\"\n");
    assert_int_equal(
        run_cli("run cli-good.yaml --output=cli-eq.h5 --set=seed=3 -q", out, sizeof out), 0);
    assert_int_equal(read_complete("cli-eq.h5"), 1);
    assert_int_equal(run_cli("status --format=json cli-eq.h5", out, sizeof out), 0);
    assert_non_null(strstr(out, "\"state\": \"complete\""));
    remove_file("cli-eq.h5");
    assert_int_equal(run_cli("run cli-good.yaml --set nokey", out, sizeof out), 2);
    assert_non_null(strstr(out, "--set nokey"));
    assert_int_equal(run_cli("run cli-good.yaml -o", out, sizeof out), 2);
    assert_int_equal(run_cli("run missing.yaml", out, sizeof out), 2);
    assert_non_null(strstr(out, "missing.yaml"));
    assert_int_equal(
        run_cli("run cli-good.yaml -o no-such-dir/x.h5 --no-progress", out, sizeof out), 2);
    assert_non_null(strstr(out, "no-such-dir/x.h5"));
    remove_file("cli-good.yaml");
}

static int read_complete(const char *name)
{
    return (int)cs_h5_root_u64(scratch, name, "complete");
}

static void test_good_run_and_dry_run(void **state)
{
    (void)state;
    char out[8192];
    write_file("cli-good.yaml", good);
    remove_file("cli-good.h5");
    assert_int_equal(run_cli("run cli-good.yaml --dry-run", out, sizeof out), 0);
    assert_non_null(strstr(out, "cli-test: valid"));
    assert_non_null(strstr(out, "estimated output"));
    assert_false(exists("cli-good.h5"));
    assert_int_equal(run_cli("run cli-good.yaml -o cli-good.h5 --set seed=9", out, sizeof out), 0);
    assert_non_null(strstr(out, "trials: 50 (seed 9)"));
    assert_non_null(strstr(out, "expected unserved:"));
    assert_non_null(strstr(out, "US West Coast"));
    assert_non_null(strstr(out, "cli-good.h5 (complete)"));
    assert_non_null(strstr(out, "the writer thread wrote for")); /* written on a second thread */
    assert_int_equal(read_complete("cli-good.h5"), 1);
    remove_file("cli-good.h5");
    /* CABLESIM_WRITE (docs/hpc.md, "Writing on a second thread"): sync writes on the run's own
     * thread; anything but sync, wait and ahead is refused before any output. */
    assert_int_equal(
        run_cli_env("CABLESIM_WRITE=sync", "run cli-good.yaml -o cli-good.h5", out, sizeof out), 0);
    assert_non_null(strstr(out, "cli-good.h5 (complete); writing took"));
    assert_null(strstr(out, "writer thread"));
    remove_file("cli-good.h5");
    assert_int_equal(
        run_cli_env("CABLESIM_WRITE=later", "run cli-good.yaml -o cli-good.h5", out, sizeof out),
        2);
    assert_non_null(strstr(out, "CABLESIM_WRITE: expected sync, wait or ahead, found \"later\""));
    assert_false(exists("cli-good.h5"));
    assert_false(exists("cli-good.h5.tmp"));
    remove_file("cli-good.yaml");
}

/*
 * The dry run's size estimate against the file the run then writes, within 50% (docs/scenarios.md:
 * -14% to +34% on these), on the Japan dataset: the default job and a recovery run. The dry
 * run's temporary files are gone afterwards (TMPDIR pointed at an empty directory).
 */
static void check_dry_run_size(const char *args, const char *h5)
{
    char out[8192], cmd[512], env[2200], path[2100];
    snprintf(path, sizeof path, "%s/dry-tmp", scratch);
    assert_true(mkdir(path, 0700) == 0 || errno == EEXIST);
    snprintf(env, sizeof env, "TMPDIR='%s'", path);
    snprintf(cmd, sizeof cmd, "run %s --dry-run", args);
    assert_int_equal(run_cli_env(env, cmd, out, sizeof out), 0);
    const char *p = strstr(out, "estimated output: ");
    if (p == NULL) fail_msg("no estimate in:\n%s", out);
    double mb = 0.0;
    assert_int_equal(sscanf(p, "estimated output: %lf MB", &mb), 1);
    if (strstr(p, "extrapolated from samples") == NULL) fail_msg("not extrapolated:\n%s", out);
    assert_int_equal(rmdir(path), 0); /* empty: nothing left behind */
    assert_false(exists(h5));
    snprintf(cmd, sizeof cmd, "run %s -o %s --quiet", args, h5);
    assert_int_equal(run_cli(cmd, out, sizeof out), 0);
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", scratch, h5);
    assert_int_equal(stat(path, &st), 0);
    const double real = (double)st.st_size / 1e6;
    if (!(fabs(mb - real) <= 0.50 * real))
        fail_msg("run %s: the dry run estimated %.3f MB, the run wrote %.3f MB", args, mb, real);
    remove_file(h5);
}

static void test_dry_run_size(void **state)
{
    (void)state;
    check_dry_run_size("baseline --set trials=3000", "cli-dry-base.h5");
    check_dry_run_size("recovery-2011 --set trials=1200", "cli-dry-rec.h5");
}

/* A scenario without as_of runs on the current year's network, and says so on stderr. */
static void test_as_of_warning(void **state)
{
    (void)state;
    char out[8192], text[sizeof good];
    const char *year = strstr(good, "as_of: 2011\n");
    assert_non_null(year);
    snprintf(text, sizeof text, "%.*s%s", (int)(year - good), good, year + strlen("as_of: 2011\n"));
    write_file("cli-noyear.yaml", text);
    assert_int_equal(run_cli("run cli-noyear.yaml --dry-run", out, sizeof out), 0);
    const char *w =
        strstr(out, "cablesim: warning: cli-noyear.yaml: no as_of: using the network of ");
    if (w == NULL) fail_msg("no warning in:\n%s", out);
    assert_non_null(strstr(w, " (the current year); set as_of to fix the network year\n"));
    assert_non_null(strstr(out, "cli-test: valid"));
    /* An override pins it too. */
    assert_int_equal(run_cli("run cli-noyear.yaml --dry-run --set as_of=2011", out, sizeof out), 0);
    assert_null(strstr(out, "warning"));
    remove_file("cli-noyear.yaml");
}

/* The number of trials in a results file (rows of /trials/unserved_tbps). */
static unsigned long long trials_in(const char *name)
{
    return cs_h5_rows(scratch, name, "/trials/unserved_tbps");
}

/* 400 trials in batches of 50 (as_of pinned: no warning, so outputs stay one line). */
static const char batched[] = "name: cli-test\ntopology: engine-topo.geojson\n"
                              "demand: engine-demand.csv\nas_of: 2026\ntrials: 400\nseed: 5\n"
                              "output:\n  batch_trials: 50\n"
                              "hazards:\n  - type: random_faults\n    window_days: 365\n"
                              "    rate_deep: 0.05\n";

/*
 * SIGINT, SIGTERM, SIGHUP and SIGXFSZ raised (CABLESIM_RAISE) at every stage: while loading,
 * exit 3 and no file; once the file exists, exit 3, complete = 0, exactly the batches written
 * before the signal, and --resume completes it. A signal while a resume loads leaves the file
 * as it was. SIGUSR1 too, at one stage.
 */
static void test_signals_at_every_stage(void **state)
{
    (void)state;
    static const char *const sigs[] = {"INT", "TERM", "HUP", "XFSZ"};
    static const char *const names[] = {"SIGINT", "SIGTERM", "SIGHUP", "SIGXFSZ (file size limit)"};
    static const char *const loading[] = {"start", "scenario", "engine"};
    char env[128], out[8192];
    write_file("cli-sig.yaml", batched);
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        for (size_t k = 0; k < sizeof loading / sizeof *loading; k++) {
            snprintf(env, sizeof env, "CABLESIM_RAISE=%s@%s", sigs[i], loading[k]);
            remove_file("cli-sig.h5");
            const int st = run_cli_env(env, "run cli-sig.yaml -o cli-sig.h5 -q", out, sizeof out);
            if (st != 3 ||
                strstr(out, "stopped while loading, before any output: nothing "
                            "written") == NULL ||
                strstr(out, names[i]) == NULL)
                fail_msg("%s: status %d: %s", env, st, out);
            assert_false(exists("cli-sig.h5"));
        }
        /* Once the file is made: before the first trial, and after the 3rd write. */
        static const struct {
            const char *stage;
            unsigned long long trials;
        } running[] = {{"output", 0}, {"write=3", 150}};
        for (size_t k = 0; k < sizeof running / sizeof *running; k++) {
            snprintf(env, sizeof env, "CABLESIM_RAISE=%s@%s", sigs[i], running[k].stage);
            remove_file("cli-sig.h5");
            const int st = run_cli_env(env, "run cli-sig.yaml -o cli-sig.h5 -q", out, sizeof out);
            if (st != 3 || strstr(out, names[i]) == NULL) fail_msg("%s: %d: %s", env, st, out);
            assert_int_equal(read_complete("cli-sig.h5"), 0);
            assert_int_equal(trials_in("cli-sig.h5"), running[k].trials);
        }
        /* A signal while the resume loads: the file is unchanged (150 trials). */
        snprintf(env, sizeof env, "CABLESIM_RAISE=%s@engine", sigs[i]);
        assert_int_equal(run_cli_env(env, "run --resume cli-sig.h5 -q", out, sizeof out), 3);
        assert_non_null(strstr(out, "stopped while loading; cli-sig.h5 unchanged"));
        assert_int_equal(trials_in("cli-sig.h5"), 150);
        assert_int_equal(read_complete("cli-sig.h5"), 0);
        assert_int_equal(run_cli("run --resume cli-sig.h5 -q", out, sizeof out), 0);
        assert_int_equal(read_complete("cli-sig.h5"), 1);
        assert_int_equal(trials_in("cli-sig.h5"), 400);
    }
    /* SIGUSR1, and a signal during a summary-only run (no file): exit 3. */
    assert_int_equal(run_cli_env("CABLESIM_RAISE=USR1@write=2", "run cli-sig.yaml -o cli-usr.h5 -q",
                                 out, sizeof out),
                     3);
    assert_int_equal(trials_in("cli-usr.h5"), 100);
    assert_int_equal(
        run_cli_env("CABLESIM_RAISE=TERM@write=2", "run cli-sig.yaml -q", out, sizeof out), 3);
    assert_non_null(strstr(out, "cablesim: SIGTERM: interrupted after 100 of 400 trials"));
    remove_file("cli-usr.h5");
    remove_file("cli-sig.h5");
    remove_file("cli-sig.yaml");
}

/* --stop-after-batches: its bounds, and a stop after exactly N batches (exit 3). */
static void test_stop_after_batches(void **state)
{
    (void)state;
    char out[8192];
    write_file("cli-stop.yaml", batched);
    assert_int_equal(run_cli("run cli-stop.yaml --stop-after-batches 0", out, sizeof out), 2);
    assert_non_null(strstr(out, "--stop-after-batches: expected an integer in [1, 4294967295], "
                                "found \"0\""));
    assert_int_equal(run_cli("run cli-stop.yaml --stop-after-batches", out, sizeof out), 2);
    remove_file("cli-stop.h5");
    assert_int_equal(
        run_cli("run cli-stop.yaml -o cli-stop.h5 --stop-after-batches 5 -q", out, sizeof out), 3);
    assert_non_null(strstr(out, "cablesim: --stop-after-batches: interrupted after 250 of 400 "
                                "trials; cli-stop.h5 left incomplete (cablesim run --resume "
                                "cli-stop.h5 continues it)"));
    assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out)); /* one line */
    assert_int_equal(trials_in("cli-stop.h5"), 250);
    assert_int_equal(read_complete("cli-stop.h5"), 0);
    /* Exactly the last batch: the run completes. */
    assert_int_equal(run_cli("run --resume cli-stop.h5 --stop-after-batches 3 -q", out, sizeof out),
                     0);
    assert_int_equal(read_complete("cli-stop.h5"), 1);
    remove_file("cli-stop.h5");
    remove_file("cli-stop.yaml");
}

/* cs_escape_line: control characters escaped, other bytes kept, never cut inside an escape. */
static void test_escape_line(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(cs_escape_line(buf, sizeof buf,
                                    "a\nb\rc\td\x01"
                                    "e\x7f\xc3\xa9"),
                     21);
    assert_string_equal(buf, "a\\nb\\rc\\td\\x01e\\x7f\xc3\xa9");
    assert_int_equal(cs_escape_line(buf, 6, "ab\ncd"), 5); /* "ab\\n" and "c" fit, not "d" */
    assert_string_equal(buf, "ab\\nc");
    assert_int_equal(cs_escape_line(buf, 4, "ab\ncd"), 2); /* not half of "\n" */
    assert_string_equal(buf, "ab");
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_errorf(&err, CS_EINVAL, "%s: found \"%s\"", "f.csv", "x\r\ny"), CS_EINVAL);
    assert_string_equal(err.msg, "f.csv: found \"x\\r\\ny\"");
}

/* Messages quoting an input or a file name are one line, control characters escaped. */
static void test_messages_one_line(void **state)
{
    (void)state;
    char out[8192];
    write_file("cli-ctl.csv", "origin,destination,demand_tbps\nTok\001yo\r,city-la,1\n");
    write_file("cli-ctl.yaml", "name: x\ntopology: engine-topo.geojson\ndemand: cli-ctl.csv\n");
    assert_int_equal(run_cli("run cli-ctl.yaml", out, sizeof out), 2);
    if (strstr(out, "cli-ctl.csv:2:1: origin: expected a city id of") == NULL ||
        strstr(out, "found \"Tok\\x01yo") == NULL)
        fail_msg("%s", out);
    assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out)); /* one line */
    assert_int_equal(run_cli("run \"$(printf 'cli-no\\nsuch\\r.yaml')\"", out, sizeof out), 2);
    assert_non_null(strstr(out, "cli-no\\nsuch\\r.yaml: no such file, nor a bundled scenario"));
    assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));
    assert_int_equal(run_cli("run cli-ctl.yaml \"$(printf -- '--bo\\ngus')\"", out, sizeof out), 2);
    assert_non_null(strstr(out, "unknown option \"--bo\\ngus\""));
    assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));
    remove_file("cli-ctl.csv");
    remove_file("cli-ctl.yaml");
}

/* The path of a scratch file. */
static void scratch_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", scratch, name);
}

/*
 * A second run with the same -o while the first writes (paused with SIGSTOP after its 2nd write,
 * CABLESIM_RAISE=STOP@write=2) is refused with exit 2, naming the file, and touches nothing; a
 * resume of it is refused too; the first run then completes a file identical to an
 * uninterrupted run's.
 */
static void test_second_run_refused(void **state)
{
    (void)state;
    char out[8192];
    write_file("cli-conc.yaml", batched);
    assert_int_equal(run_cli("run cli-conc.yaml -o cli-ref.h5 -q", out, sizeof out), 0);
    const pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (chdir(scratch) != 0 || setenv("CABLESIM_RAISE", "STOP@write=2", 1) != 0) _exit(99);
        if (freopen("/dev/null", "w", stdout) == NULL) _exit(98);
        execl(CS_CLI, CS_CLI, "run", "cli-conc.yaml", "-o", "cli-conc.h5", "-q", (char *)NULL);
        _exit(97);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, WUNTRACED), pid);
    assert_true(WIFSTOPPED(st)); /* paused after its 2nd write */
    assert_false(exists("cli-conc.h5"));
    assert_true(exists("cli-conc.h5.tmp")); /* written under its temporary name */
    assert_int_equal(run_cli("run cli-conc.yaml -o cli-conc.h5 -q", out, sizeof out), 2);
    if (strstr(out, "cli-conc.h5: another run is writing it (cli-conc.h5.tmp exists") == NULL)
        fail_msg("%s", out);
    assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out)); /* one line */
    assert_int_equal(run_cli("run --resume cli-conc.h5 -q", out, sizeof out), 2);
    assert_non_null(strstr(out, "cli-conc.h5.tmp: the file is open in another process"));
    assert_int_equal(kill(pid, SIGCONT), 0);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_false(exists("cli-conc.h5.tmp"));
    assert_int_equal(read_complete("cli-conc.h5"), 1);
    char a[4096], b[4096];
    scratch_path(a, sizeof a, "cli-ref.h5");
    scratch_path(b, sizeof b, "cli-conc.h5");
    assert_true(cs_h5_same_group(a, b, "/trials") >= 9);
    assert_true(cs_h5_same_group(a, b, "/baseline") >= 4);
    /* An existing results file is not replaced without --force (exit 2, untouched)... */
    assert_int_equal(run_cli("run cli-conc.yaml -o cli-conc.h5 -q --set seed=6", out, sizeof out),
                     2);
    if (strstr(out, "cli-conc.h5: exists: not replaced (--force replaces it;") == NULL)
        fail_msg("%s", out);
    assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out)); /* one line */
    assert_true(cs_h5_same_group(a, b, "/trials") >= 9);
    /* ... and with it, at the end of the run; the old one stays whole until then. */
    assert_int_equal(
        run_cli("run cli-conc.yaml -o cli-conc.h5 -q --set seed=6 --force", out, sizeof out), 0);
    assert_int_equal(cs_h5_same_group(a, b, "/trials"), -1);
    remove_file("cli-ref.h5");
    remove_file("cli-conc.h5");
    remove_file("cli-conc.yaml");
}

/* -o never names an input or another kind of file; inputs are regular files; numbers finite. */
static void test_outputs_and_inputs(void **state)
{
    (void)state;
    char out[8192];
    write_file("cli-io.yaml", batched);
    write_file("cli-notes.txt", "my notes\n");
    static const struct {
        const char *args, *expect;
    } cases[] = {
        {"-o cli-io.yaml", "cli-io.yaml: expected a new file or a results file to replace, found "
                           "an input of the run (cli-io.yaml): choose another output"},
        {"-o engine-topo.geojson", "found an input of the run ("},
        {"-o engine-demand.csv", "found an input of the run ("},
        {"-o cli-notes.txt", "cli-notes.txt: expected a new file or a cablesim results file to "
                             "replace, found another file: not overwritten"},
        {"-o cli-link.h5", "cli-link.h5: expected a new file or a results file to replace, found "
                           "a symbolic link: name the file itself"},
        {"-o .", ".: expected a new file or a results file to replace, found a directory"},
    };
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "ln -sf cli-notes.txt cli-link.h5");
    assert_int_equal(cs_sh_in(scratch, cmd, out, sizeof out), 0);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char args[512];
        snprintf(args, sizeof args, "run cli-io.yaml %s -q", cases[i].args);
        const int st = run_cli(args, out, sizeof out);
        if (st != 2 || strstr(out, cases[i].expect) == NULL)
            fail_msg("%s: status %d: %s", cases[i].args, st, out);
        assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));
    }
    /* Nothing was touched. */
    assert_int_equal(cs_sh_in(scratch, "cat cli-notes.txt cli-link.h5", out, sizeof out), 0);
    assert_string_equal(out, "my notes\nmy notes\n");
    assert_false(exists("cli-io.yaml.tmp"));
    /* A device or a FIFO as an input is refused at once (read forever, or blocked, before). */
    write_file("cli-dev.yaml", "name: x\ntopology: /dev/zero\ndemand: engine-demand.csv\n");
    assert_int_equal(run_cli("run cli-dev.yaml -q", out, sizeof out), 2);
    assert_non_null(strstr(out, "/dev/zero: expected a regular file, found a character device"));
    assert_int_equal(cs_sh_in(scratch, "rm -f cli.fifo && mkfifo cli.fifo", out, sizeof out), 0);
    write_file("cli-fifo.yaml", "name: x\ntopology: engine-topo.geojson\ndemand: cli.fifo\n");
    assert_int_equal(run_cli("run cli-fifo.yaml -q", out, sizeof out), 2);
    assert_non_null(strstr(out, "cli.fifo: expected a regular file, found a FIFO"));
    /* A demand whose product with demand_scale would be infinite. */
    write_file("cli-inf.csv", "origin,destination,demand_tbps\ncity-tokyo,city-la,1e308\n");
    write_file("cli-inf.yaml", "name: x\ntopology: engine-topo.geojson\ndemand: cli-inf.csv\n"
                               "demand_scale: 1000\n");
    assert_int_equal(run_cli("run cli-inf.yaml -o cli-inf.h5 -q", out, sizeof out), 2);
    assert_non_null(
        strstr(out, "cli-inf.csv:2:20: demand_tbps: expected a number in (0, 1000000], found "
                    "\"1e308\""));
    assert_false(exists("cli-inf.h5"));
    static const char *const made[] = {"cli-io.yaml",  "cli-notes.txt", "cli-link.h5",
                                       "cli-dev.yaml", "cli.fifo",      "cli-fifo.yaml",
                                       "cli-inf.csv",  "cli-inf.yaml"};
    for (size_t i = 0; i < sizeof made / sizeof *made; i++)
        remove_file(made[i]);
}

/* Grows /trials/unserved_tbps of a scratch file by one row: datasets of different lengths. */
/* Cuts /trials/unserved_tbps one row short of the commit record: a write HDF5 lost. */
static void shrink_unserved(const char *name)
{
    char path[4096];
    scratch_path(path, sizeof path, name);
    const hid_t f = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    const hid_t d = H5Dopen2(f, "/trials/unserved_tbps", H5P_DEFAULT), sp = H5Dget_space(d);
    hsize_t dims[1] = {0};
    H5Sget_simple_extent_dims(sp, dims, NULL);
    assert_true(dims[0] > 0);
    dims[0]--;
    assert_true(H5Dset_extent(d, dims) >= 0);
    H5Sclose(sp);
    H5Dclose(d);
    H5Fclose(f);
}

/*
 * cablesim status (exit 0 complete, 3 resumable, 4 not resumable, 2 not results; text and JSON)
 * and run --resume-or-start (starts, resumes, does nothing on the same complete run, refuses
 * another run's file), with a run killed by SIGKILL (FILE.tmp left) among them.
 */
static void test_status_and_resume_or_start(void **state)
{
    (void)state;
    char out[8192];
    write_file("cli-st.yaml", batched);
    write_file("cli-st.txt", "text\n");
    assert_int_equal(run_cli("status cli-none.h5", out, sizeof out), 2);
    assert_non_null(strstr(out, "cli-none.h5: not a cablesim results file: cannot open: No such "
                                "file or directory"));
    assert_int_equal(run_cli("status cli-st.txt", out, sizeof out), 2);
    assert_non_null(strstr(out, "cli-st.txt: not a cablesim results file: not an HDF5 file"));
    assert_int_equal(run_cli("status", out, sizeof out), 2);
    remove_file("cli-st.h5");
    assert_int_equal(
        run_cli("run cli-st.yaml -o cli-st.h5 --stop-after-batches 3 -q", out, sizeof out), 3);
    assert_int_equal(run_cli("status cli-st.h5", out, sizeof out), 3);
    assert_string_equal(out, "cli-st.h5: incomplete: 150 of 400 trials done (seed 5); resumable: "
                             "cablesim run --resume cli-st.h5\n");
    assert_int_equal(run_cli("status cli-st.h5 --format json", out, sizeof out), 3);
    if (strstr(out, "\"state\": \"resumable\"") == NULL ||
        strstr(out, "\"trials_done\": 150") == NULL || strstr(out, "\"trials\": 400") == NULL)
        fail_msg("%s", out);
    /* --resume-or-start resumes it (here for 2 more batches), then completes it. */
    assert_int_equal(run_cli("run cli-st.yaml -o cli-st.h5 --resume-or-start "
                             "--stop-after-batches 2 --no-progress",
                             out, sizeof out),
                     3);
    assert_non_null(strstr(out, "cli-st.h5: an incomplete run of this scenario: resuming it"));
    assert_int_equal(trials_in("cli-st.h5"), 250);
    assert_int_equal(run_cli("run cli-st.yaml -o cli-st.h5 --resume-or-start -q", out, sizeof out),
                     0);
    assert_int_equal(run_cli("status cli-st.h5", out, sizeof out), 0);
    assert_string_equal(out, "cli-st.h5: complete: 400 of 400 trials (seed 5)\n");
    /* Complete and the same run: nothing to do, the file untouched. */
    struct stat before, after;
    char path[4096];
    scratch_path(path, sizeof path, "cli-st.h5");
    assert_int_equal(stat(path, &before), 0);
    assert_int_equal(run_cli("run cli-st.yaml -o cli-st.h5 --resume-or-start", out, sizeof out), 0);
    assert_non_null(strstr(out, "cli-st.h5: complete, the same run (scenario, seed, inputs): "
                                "nothing to do"));
    assert_int_equal(stat(path, &after), 0);
    assert_true(before.st_ino == after.st_ino && before.st_mtime == after.st_mtime &&
                before.st_size == after.st_size);
    /* A copy of a complete file cut short (at half: its metadata, written last by the
     * compaction, are lost): damaged, not another kind of file. */
    assert_int_equal(run_cli("run cli-st.yaml -o cli-cut.h5 -q --force", out, sizeof out), 0);
    assert_int_equal(cs_sh_in(scratch,
                              "f=cli-cut.h5; head -c $(($(stat -c %s $f) / 2)) $f > c.h5 "
                              "&& mv c.h5 $f",
                              out, sizeof out),
                     0);
    assert_int_equal(run_cli("status cli-cut.h5", out, sizeof out), 4);
    assert_non_null(strstr(out, "cli-cut.h5: incomplete and not resumable: damaged: the root "
                                "attribute \"format\" cannot be read"));
    /* A complete file cut short in its data (a run of format 3 resumed in place is not
     * compacted and keeps its metadata first; format 4's is compacted, to write its dictionary
     * tables): status does not call it complete, nor pads it into a file that would then read
     * as complete. */
    assert_int_equal(run_cli("run cli-st.yaml -o cli-r3.h5 --set output.format_version=3 "
                             "--stop-after-batches 3 -q",
                             out, sizeof out),
                     3);
    assert_int_equal(run_cli("run --resume cli-r3.h5 -q", out, sizeof out), 0);
    assert_int_equal(cs_sh_in(scratch,
                              "f=cli-r3.h5; head -c $(($(stat -c %s $f) / 2)) $f > "
                              "cli-cut.h5 && rm $f",
                              out, sizeof out),
                     0);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(run_cli("status cli-cut.h5", out, sizeof out), 4);
        assert_non_null(strstr(out, "cli-cut.h5: incomplete and not resumable: damaged: marked "
                                    "complete, yet "));
    }
    assert_int_equal(run_cli("run cli-st.yaml -o cli-cut.h5 --resume-or-start", out, sizeof out),
                     2);
    assert_non_null(strstr(out, "cli-cut.h5: incomplete and not resumable: damaged"));
    remove_file("cli-cut.h5");
    /* Another run's file is refused, and so is another kind of file. */
    assert_int_equal(
        run_cli("run cli-st.yaml -o cli-st.h5 --resume-or-start --set seed=9", out, sizeof out), 2);
    assert_non_null(strstr(out, "cli-st.h5: holds another run (its scenario, seed, network year, "
                                "inputs or part differ from this one's): not replaced"));
    assert_int_equal(run_cli("run cli-st.yaml -o cli-st.txt --resume-or-start", out, sizeof out),
                     2);
    assert_non_null(strstr(out, "cli-st.txt: expected a results file to resume or leave"));
    assert_int_equal(run_cli("run cli-st.yaml --resume-or-start", out, sizeof out), 2);
    assert_non_null(strstr(out, "--resume-or-start needs -o RESULTS.h5"));
    /* kill -9 after the 2nd write leaves cli-k.h5.tmp: status and --resume-or-start find it. */
    remove_file("cli-k.h5");
    assert_int_equal(run_cli_env("CABLESIM_RAISE=KILL@write=2", "run cli-st.yaml -o cli-k.h5 -q",
                                 out, sizeof out),
                     128 + SIGKILL);
    assert_false(exists("cli-k.h5"));
    assert_int_equal(run_cli("status cli-k.h5", out, sizeof out), 3);
    assert_string_equal(out, "cli-k.h5.tmp: incomplete: 100 of 400 trials done (seed 5); "
                             "resumable: cablesim run --resume cli-k.h5\n");
    assert_int_equal(run_cli("run cli-st.yaml -o cli-k.h5 --resume-or-start -q", out, sizeof out),
                     0);
    assert_false(exists("cli-k.h5.tmp"));
    char a[4096], b[4096];
    scratch_path(a, sizeof a, "cli-st.h5");
    scratch_path(b, sizeof b, "cli-k.h5");
    assert_true(cs_h5_same_group(a, b, "/trials") >= 9);
    /* Not resumable: a dataset shorter than the commit record; inputs changed since the run. */
    assert_int_equal(
        run_cli("run cli-st.yaml -o cli-bad.h5 --stop-after-batches 1 -q", out, sizeof out), 3);
    shrink_unserved("cli-bad.h5");
    assert_int_equal(run_cli("status cli-bad.h5", out, sizeof out), 4);
    assert_non_null(strstr(out, "cli-bad.h5: incomplete and not resumable: /trials/unserved_tbps "
                                "has 49 rows, fewer than the 50 committed"));
    assert_int_equal(run_cli("run cli-st.yaml -o cli-bad.h5 --resume-or-start", out, sizeof out),
                     2);
    assert_non_null(strstr(out, "cli-bad.h5: incomplete and not resumable: "));
    assert_int_equal(cs_sh_in(scratch, "cp engine-demand.csv cli-dem.csv", out, sizeof out), 0);
    write_file("cli-dem.yaml", "name: d\ntopology: engine-topo.geojson\ndemand: cli-dem.csv\n"
                               "trials: 400\noutput:\n  batch_trials: 50\n");
    assert_int_equal(
        run_cli("run cli-dem.yaml -o cli-dem.h5 --stop-after-batches 1 -q", out, sizeof out), 3);
    assert_int_equal(cs_sh_in(scratch, "sed -i 's/7.5/7.25/' cli-dem.csv", out, sizeof out), 0);
    assert_int_equal(run_cli("status cli-dem.h5", out, sizeof out), 4);
    assert_non_null(strstr(out, "the topology or demand file changed since the run"));
    static const char *const made[] = {"cli-st.yaml", "cli-st.txt",  "cli-st.h5",    "cli-k.h5",
                                       "cli-bad.h5",  "cli-dem.csv", "cli-dem.yaml", "cli-dem.h5"};
    for (size_t i = 0; i < sizeof made / sizeof *made; i++)
        remove_file(made[i]);
}

/*
 * A write that fails (the file size limit, ulimit -f: SIGXFSZ is handled, the write fails with
 * EFBIG) ends the run with one line naming the file and the cause, exit 1, no crash in HDF5's
 * exit handler, and a file that is not complete.
 */
static void test_write_failure(void **state)
{
    (void)state;
    char out[8192];
    write_file("cli-fz.yaml", batched);
    remove_file("cli-fz.h5");
    remove_file("cli-fz.h5.tmp");
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "ulimit -f 40 && '%s' run cli-fz.yaml -o cli-fz.h5 -q --set trials=4000", CS_CLI);
    const int st = cs_sh_in(scratch, cmd, out, sizeof out);
    if (st != 1 || strstr(out, "cli-fz.h5.tmp: HDF5 could not ") == NULL ||
        strstr(out, "(File too large)") == NULL)
        fail_msg("status %d: %s", st, out);
    assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out)); /* one line */
    assert_false(exists("cli-fz.h5")); /* never named as a finished file */
    assert_int_not_equal(run_cli("status cli-fz.h5", out, sizeof out), 0);
    remove_file("cli-fz.h5.tmp");
    remove_file("cli-fz.yaml");
}

/* The README's comparisons: the two ends of a demand sweep (same seed: paired, demands
 * differ) and two runs with different seeds (unpaired, and said so) both answer with exit 0. */
static void test_compare_sweep_and_seeds(void **state)
{
    (void)state;
    char out[1 << 16], args[4096];
    snprintf(args, sizeof args,
             "run '%s/scenarios/baseline.yaml' --set trials=60 --sweep demand_scale=1:4:3 "
             "-o growth.h5 -q",
             CS_SOURCE_DIR);
    assert_int_equal(run_cli(args, out, sizeof out), 0);
    assert_int_equal(
        run_cli("compare growth.demand_scale=1.h5 growth.demand_scale=4.h5", out, sizeof out), 0);
    assert_non_null(strstr(out, "paired (same seed 20260101 and 60 trials)"));
    assert_non_null(strstr(out, "the demands differ (120.177 and 480.708 Tbps)"));
    assert_non_null(strstr(out, "\n  unserved Tbps "));
    snprintf(args, sizeof args,
             "run '%s/scenarios/baseline.yaml' --set trials=40 --set seed=7 -o seed7.h5 -q",
             CS_SOURCE_DIR);
    assert_int_equal(run_cli(args, out, sizeof out), 0);
    assert_int_equal(run_cli("compare growth.demand_scale=1.h5 seed7.h5", out, sizeof out), 0);
    assert_non_null(strstr(out, "unpaired (the seeds (20260101 and 7) and trial counts (60 and "
                                "40) differ)"));
    assert_int_equal(run_cli("compare growth.demand_scale=1.h5 seed7.h5 growth.demand_scale=4.h5",
                             out, sizeof out),
                     0);
    assert_non_null(strstr(out, "3 files, each against A = growth.demand_scale=1.h5"));
    remove_file("growth.demand_scale=1.h5");
    remove_file("growth.demand_scale=4.h5");
    remove_file("seed7.h5");
}

/* A string root attribute of a scratch results file into buf ("" when absent). */
static void read_str_attr(const char *name, const char *attr, char *buf, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", scratch, name);
    cs_h5_str_attr(path, "/", attr, buf, n);
}

/* cablesim --version names the commit, build type and library versions, and every results file
 * records the same; bundled scenarios are listed and run by name from any directory. */
static void test_version_and_bundled(void **state)
{
    (void)state;
    char out[1 << 14], line[512];
    assert_int_equal(run_cli("--version", out, sizeof out), 0);
    assert_int_equal(strncmp(out, "cablesim ", 9), 0);
    write_file("cli-ver.yaml", good);
    assert_int_equal(run_cli("run cli-ver.yaml -o cli-ver.h5 -q", out + 4096, 4096), 0);
    static const char *const keys[][2] = {
        {"commit", "software_commit"}, {"build type", "build_type"}, {"HDF5", "hdf5_version"},
        {"igraph", "igraph_version"},  {"GSL", "gsl_version"},       {"MPI", "mpi_version"}};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        char v[256], want[600];
        read_str_attr("cli-ver.h5", keys[i][1], v, sizeof v);
        assert_true(strlen(v) > 0);
        snprintf(want, sizeof want, "\n  %-10s  %s\n", keys[i][0], v);
        if (strstr(out, want) == NULL) fail_msg("%s not in:\n%s", want, out);
    }
    char v[256];
    read_str_attr("cli-ver.h5", "hdf5_version", v, sizeof v);
    unsigned maj = 0, min = 0, rel = 0;
    H5get_libversion(&maj, &min, &rel);
    snprintf(line, sizeof line, "%u.%u.%u", maj, min, rel);
    assert_string_equal(v, line);
    read_str_attr("cli-ver.h5", "mpi_version", v, sizeof v);
    assert_non_null(strstr(v, "(MPI "));
    remove_file("cli-ver.h5");
    remove_file("cli-ver.yaml");
    /* The bundled scenarios, each with its description; one runs by name from the scratch
     * directory, which has no scenarios/; a near miss gets a did-you-mean. */
    assert_int_equal(run_cli("scenarios", out, sizeof out), 0);
    assert_non_null(strstr(out, "\n  nankai-m9 "));
    assert_non_null(strstr(out, "Maximum-class Nankai Trough earthquake (Mw 9.0)"));
    assert_non_null(strstr(out, "\n  replays/tohoku-2011 "));
    assert_null(strstr(out, "japan-2011")); /* a fleet, not a scenario */
    assert_int_equal(run_cli("run nankai-m9 --set trials=20 -q -o nk.h5", out, sizeof out), 0);
    assert_int_equal(read_complete("nk.h5"), 1);
    read_str_attr("nk.h5", "name", v, sizeof v);
    assert_string_equal(v, "nankai-m9");
    remove_file("nk.h5");
    assert_int_equal(run_cli("run nankai-m8 --dry-run", out, sizeof out), 2);
    if (strstr(out, "nankai-m8: no such file, nor a bundled scenario of ") == NULL ||
        strstr(out, "(did you mean \"nankai-m9\"?)") == NULL)
        fail_msg("%s", out);
    assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));
}

/* A scenario's `network:` section: a system added (stations by id, a great-circle route split
 * at 180 degrees) is in the results file's /topology/edges and analyze reports it; segments
 * relanded at a new station end there; bad entries are one line at their place. The unserved
 * figures below are for routing without the restoration limit (routing.restoration_share=1). */
static void test_network_design(void **state)
{
    (void)state;
    char out[1 << 16], args[4096];
    snprintf(args, sizeof args,
             "run design-pacific-south --set trials=2 -o net-add.h5 -q --set "
             "routing.restoration_share=1");
    assert_int_equal(run_cli(args, out, sizeof out), 0);
    char path[4096];
    snprintf(path, sizeof path, "%s/net-add.h5", scratch);
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    const hid_t d = H5Dopen2(f, "/topology/edges", H5P_DEFAULT);
    assert_true(d >= 0);
    const hid_t ft = H5Dget_type(d);
    const hid_t sid = H5Dget_space(d);
    const hssize_t n = H5Sget_simple_extent_npoints(sid);
    const size_t rs = H5Tget_size(ft);
    char *rows = malloc((size_t)n * rs);
    assert_non_null(rows);
    assert_true(H5Dread(d, ft, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows) >= 0);
    const int iid = H5Tget_member_index(ft, "id"), icap = H5Tget_member_index(ft, "capacity_tbps"),
              ilit = H5Tget_member_index(ft, "lit_tbps");
    const size_t oid = H5Tget_member_offset(ft, (unsigned)iid),
                 ocap = H5Tget_member_offset(ft, (unsigned)icap),
                 olit = H5Tget_member_offset(ft, (unsigned)ilit);
    const hid_t idt = H5Tget_member_type(ft, (unsigned)iid);
    const size_t idn = H5Tget_size(idt);
    int found = 0;
    for (hssize_t r = 0; r < n; r++) {
        const char *row = rows + (size_t)r * rs;
        char id[64] = "";
        memcpy(id, row + oid, idn < sizeof id - 1 ? idn : sizeof id - 1);
        if (strncmp(id, "pacific-south:", 14) != 0) continue;
        double cap, lit;
        memcpy(&cap, row + ocap, sizeof cap);
        memcpy(&lit, row + olit, sizeof lit);
        assert_true(cap == 350.0 && lit == 70.0);
        found++;
    }
    assert_int_equal(found, 2); /* Shima-Piti and Piti-Grover Beach */
    H5Tclose(idt);
    free(rows);
    H5Sclose(sid);
    H5Tclose(ft);
    H5Dclose(d);
    H5Fclose(f);
    assert_int_equal(run_cli("analyze net-add.h5 --format csv --table cables", out, sizeof out), 0);
    assert_non_null(strstr(out, "\nPACIFIC-SOUTH,Pacific South (design alternative),2,"));
    /* Without the design (network=null), paired with it: the design only adds a system. */
    assert_int_equal(
        run_cli("run design-pacific-south --set trials=2 --set network=null -o net-none.h5 -q "
                "--set routing.restoration_share=1",
                out, sizeof out),
        0);
    assert_int_equal(run_cli("compare net-none.h5 net-add.h5", out, sizeof out), 0);
    assert_non_null(strstr(out, "the networks differ"));
    assert_non_null(strstr(out, "not comparable: cable systems only in net-add.h5: PACIFIC-SOUTH"));
    assert_non_null(strstr(out, "\n  unserved Tbps                   71.436000      1.529000 "));
    remove_file("net-add.h5");
    remove_file("net-none.h5");
    /* A second landing: four Shima branches end at the new station. */
    assert_int_equal(run_cli("run design-shima-second --set trials=1 -o net-re.h5 -q "
                             "--set routing.restoration_share=1",
                             out, sizeof out),
                     0);
    assert_int_equal(
        run_cli("run design-shima-second --set trials=1 --set network=null -o net-re0.h5 -q "
                "--set routing.restoration_share=1",
                out, sizeof out),
        0);
    assert_int_equal(run_cli("analyze net-re.h5 --format csv --table stations", out, sizeof out),
                     0);
    assert_non_null(strstr(out, "\njp-owase,Owase (design alternative),landing_station,JP,"));
    /* Shima lost: 5.204 Tbps unserved at 4x demand today, nothing with the second landing. */
    assert_int_equal(run_cli("compare net-re0.h5 net-re.h5", out, sizeof out), 0);
    assert_non_null(strstr(out, "\n  unserved Tbps                    5.204000      0.000000 "));
    remove_file("net-re.h5");
    remove_file("net-re0.h5");
    /* The shipped designs as they run (the restoration limit at its default, docs/scenarios.md,
     * "Design alternatives"): Boso lost, the new system offers what it held of the demand spread
     * in proportion to capacity plus the share of its spare, 55.5 Tbps; Shima lost, the second
     * landing keeps its four systems up. */
    static const struct {
        const char *scenario, *line;
    } shipped[] = {
        {"design-pacific-south", "\n  unserved Tbps                  142.863649     87.313939 "},
        {"design-shima-second", "\n  unserved Tbps                   48.800762      0.000000 "},
    };
    for (size_t i = 0; i < sizeof shipped / sizeof *shipped; i++) {
        snprintf(args, sizeof args, "run %s --set trials=1 --set network=null -o d0.h5 -q",
                 shipped[i].scenario);
        assert_int_equal(run_cli(args, out, sizeof out), 0);
        snprintf(args, sizeof args, "run %s --set trials=1 -o d1.h5 -q", shipped[i].scenario);
        assert_int_equal(run_cli(args, out, sizeof out), 0);
        assert_int_equal(run_cli("compare d0.h5 d1.h5", out, sizeof out), 0);
        if (strstr(out, shipped[i].line) == NULL)
            fail_msg("%s: expected%s\nin\n%s", shipped[i].scenario, shipped[i].line, out);
        remove_file("d0.h5");
        remove_file("d1.h5");
    }
    /* Bad entries: one line each, at the entry's place, with the nearest names. */
    char topo[2048];
    snprintf(topo, sizeof topo, "%s/topology/japan.geojson", CS_SOURCE_DIR);
    static const struct {
        const char *entry, *expect;
    } cases[] = {
        {"remove: [{cable: jupitr}]", "net-bad.yaml:7:20: network.remove.0.cable: expected a cable "
                                      "system of @T (nearest: \"JUPITER\"), found \"jupitr\""},
        {"remove: [{station: jp-chikra}]",
         "net-bad.yaml:7:22: network.remove.0.station: expected a node id of @T (nearest: "
         "\"jp-chikura\", \"jp-shima\", \"jp-hirara\"), found \"jp-chikra\""},
        {"upgrade: {cable: jupiter, lit_tbps: 80}",
         "net-bad.yaml:7:39: network.upgrade.lit_tbps: expected lit_tbps <= the design capacity "
         "(60 Tbps), found \"80\""},
        {"upgrade: {cabel: jupiter, lit_tbps: 3}",
         "net-bad.yaml:7:13: network.upgrade: unknown key \"cabel\" (did you mean \"cable\"?); "
         "allowed keys: cable, segment, capacity_tbps, lit_tbps"},
        {"add: [{cable: X, capacity_tbps: 3, segments: [{from: jp-shma, to: gu-piti}]}]",
         "net-bad.yaml:7:56: network.add.0.segments.0.from: expected a node id of @T (nearest: "
         "\"jp-shima\", \"jp-oshima\", \"jp-ama\"), found \"jp-shma\""},
        {"add: [{cable: Jupiter, capacity_tbps: 3, segments: [{from: jp-shima, to: gu-piti}]}]",
         "net-bad.yaml:7:17: network.add.0.cable: expected a new cable system name (this one "
         "exists: upgrade or remove it), found \"Jupiter\""},
        {"add: [{cable: X, capacity_tbps: 3, rfs: 2030, segments: [{from: jp-shima, to: "
         "gu-piti}]}]",
         "net-bad.yaml:7:43: network.add.0.rfs: expected an integer in [1850, 2026], found "
         "\"2030\""},
        {"add: [{cable: X, capacity_tbps: 3, segments: [{from: jp-shima, to: gu-piti, "
         "coordinates: [[136.9, 34.3], [144.0, 13.0]]}]}]",
         "net-bad.yaml:7:92: network.add.0.segments.0.coordinates: expected a route from jp-shima "
         "to gu-piti starting and ending within 25 km of them (found 4.7 km and 91.2 km away), "
         "found a list"},
        {"reland: [{segment: juno:3, from: jp-chikura, to: jp-owase}]",
         "net-bad.yaml:7:36: network.reland.0.from: expected an end of segment juno:3 (bu-juno-1 "
         "or jp-shima), found \"jp-chikura\""},
        {"frobnicate: 1", "net-bad.yaml:7:3: network: unknown key \"frobnicate\"; allowed keys: "
                          "remove, upgrade, stations, add, reland"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[4096], want[4096];
        snprintf(text, sizeof text,
                 "name: t\ntopology: %s\nas_of: 2026\ntrials: 2\nhazards: []\nnetwork:\n  %s\n",
                 topo, cases[i].entry);
        write_file("net-bad.yaml", text);
        /* @T stands for the topology's path */
        const char *at = strstr(cases[i].expect, "@T");
        if (at == NULL)
            snprintf(want, sizeof want, "%s", cases[i].expect);
        else
            snprintf(want, sizeof want, "%.*s%s%s", (int)(at - cases[i].expect), cases[i].expect,
                     topo, at + 2);
        const int st = run_cli("run net-bad.yaml -o net-bad.h5", out, sizeof out);
        const size_t len = strlen(want);
        if (st != 2 || strncmp(out, "cablesim: ", 10) != 0 || strlen(out) != 11 + len ||
            strncmp(out + 10, want, len) != 0 || out[10 + len] != '\n')
            fail_msg("case %zu: status %d, expected \"cablesim: %s\", found: %s", i, st, want, out);
        assert_false(exists("net-bad.h5"));
    }
    remove_file("net-bad.yaml");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_scenarios),
        cmocka_unit_test(test_bad_flags),
        cmocka_unit_test(test_good_run_and_dry_run),
        cmocka_unit_test(test_dry_run_size),
        cmocka_unit_test(test_signals_at_every_stage),
        cmocka_unit_test(test_stop_after_batches),
        cmocka_unit_test(test_escape_line),
        cmocka_unit_test(test_messages_one_line),
        cmocka_unit_test(test_second_run_refused),
        cmocka_unit_test(test_outputs_and_inputs),
        cmocka_unit_test(test_status_and_resume_or_start),
        cmocka_unit_test(test_write_failure),
        cmocka_unit_test(test_as_of_warning),
        cmocka_unit_test(test_compare_sweep_and_seeds),
        cmocka_unit_test(test_version_and_bundled),
        cmocka_unit_test(test_network_design),
    };
    if (!cs_scratch_init(scratch, sizeof scratch, "cli-run")) return 1;
    const int failed = cmocka_run_group_tests(tests, NULL, NULL);
    if (failed == 0) cs_scratch_remove(scratch);
    return failed;
}
