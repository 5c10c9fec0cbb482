/*
 * cs_cli_test.h: helpers for tests that run the built cablesim in a directory (include after
 * <cmocka.h>): a shell command with its output captured, a file's existence, and a run stopped
 * by a signal while it writes.
 */
#ifndef CS_CLI_TEST_H
#define CS_CLI_TEST_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
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
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
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
 * Starts argv (a cablesim run, possibly through mpiexec) in dir with stdout discarded, waits
 * until it has created file there and a little more, sends sig, and returns the exit status
 * (-1 when a signal ended it).
 */
static inline int cs_interrupt_in(const char *dir, char *const argv[], const char *file, int sig)
{
    const pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (chdir(dir) != 0) _exit(99);
        if (freopen("/dev/null", "w", stdout) == NULL) _exit(98);
        execv(argv[0], argv);
        _exit(97);
    }
    for (int i = 0; i < 1000 && !cs_exists_in(dir, file); i++)
        nanosleep(&(struct timespec){0, 10000000}, NULL);
    nanosleep(&(struct timespec){0, 700000000}, NULL);
    kill(pid, sig);
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#endif /* CS_CLI_TEST_H */
