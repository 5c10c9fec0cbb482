/* test_cli_run.c: `cablesim run` as a user meets it: errors, exit statuses, files left behind. */
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

/* Runs CS_CLI with args (shell words) from the test data dir; captures stdout+stderr. */
static int run_cli(const char *args, char *out, size_t n)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s 2>&1", CS_TEST_DATA, CS_CLI, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    const size_t got = fread(out, 1, n - 1, p);
    out[got] = '\0';
    const int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool exists(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", CS_TEST_DATA, name);
    struct stat sb;
    return stat(path, &sb) == 0;
}

static void write_file(const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", CS_TEST_DATA, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_file(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", CS_TEST_DATA, name);
    remove(path);
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
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", CS_TEST_DATA, name);
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    const hid_t a = H5Aopen(f, "complete", H5P_DEFAULT);
    assert_true(a >= 0);
    unsigned char v = 255;
    assert_true(H5Aread(a, H5T_NATIVE_UCHAR, &v) >= 0);
    H5Aclose(a);
    H5Fclose(f);
    return v;
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
    assert_null(strstr(out, "warning")); /* as_of is pinned */
    assert_int_equal(read_complete("cli-good.h5"), 1);
    remove_file("cli-good.h5");
    remove_file("cli-good.yaml");
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

/* SIGTERM mid-run: exit 3, the file is left with complete = 0. */
static void test_sigterm(void **state)
{
    (void)state;
    /* Greedy cuts on every trial: slow enough to be caught mid-run. */
    write_file("cli-slow.yaml", "name: slow\ntopology: engine-topo.geojson\n"
                                "demand: engine-demand.csv\ntrials: 1000000\n"
                                "output:\n  batch_trials: 16\n"
                                "hazards:\n  - type: random_faults\n    window_days: 365\n"
                                "    rate_deep: 0.05\n  - type: sabotage\n    k: 2\n"
                                "    targets: greedy\n");
    remove_file("cli-slow.h5");
    const pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (chdir(CS_TEST_DATA) != 0) _exit(99);
        if (freopen("/dev/null", "w", stdout) == NULL) _exit(98);
        execl(CS_CLI, CS_CLI, "run", "cli-slow.yaml", "-o", "cli-slow.h5", "--no-progress",
              (char *)NULL);
        _exit(97);
    }
    for (int i = 0; i < 600 && !exists("cli-slow.h5"); i++)
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    nanosleep(&(struct timespec){0, 300000000}, NULL);
    kill(pid, SIGTERM);
    int st = 0;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 3);
    assert_int_equal(read_complete("cli-slow.h5"), 0);
    remove_file("cli-slow.h5");
    remove_file("cli-slow.yaml");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_scenarios),
        cmocka_unit_test(test_bad_flags),
        cmocka_unit_test(test_good_run_and_dry_run),
        cmocka_unit_test(test_as_of_warning),
        cmocka_unit_test(test_sigterm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
