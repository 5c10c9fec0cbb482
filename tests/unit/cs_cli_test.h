/*
 * cs_cli_test.h: helpers for tests that run the built cablesim in a directory (include after
 * <cmocka.h>): a scratch directory in the build tree with the fixtures linked in, a shell command
 * with its output captured, a file's existence. Runs are stopped at chosen points with
 * --stop-after-batches or the CABLESIM_RAISE hook (docs/hpc.md), never by timing.
 */
#ifndef CS_CLI_TEST_H
#define CS_CLI_TEST_H

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

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

#endif /* CS_CLI_TEST_H */
