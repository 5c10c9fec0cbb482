/* paths.c: locating bundled data files; absolute and relative forms of paths. */
#define _XOPEN_SOURCE 700 /* realpath() */
#include "cablesim/paths.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

const char *cs_version(void)
{
    return CS_VERSION;
}

/* <dir of the running executable>/../share/cablesim, so that an installed tree can be moved. */
static bool exe_relative_datadir(char *buf, size_t n)
{
    char exe[PATH_MAX];
    const ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0) return false;
    exe[len] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash == NULL) return false;
    *slash = '\0';
    return (size_t)snprintf(buf, n, "%s/../share/cablesim", exe) < n;
}

cs_status cs_data_path(char *buf, size_t n, const char *rel, cs_error *err)
{
    char exedir[PATH_MAX];
    const char *dirs[4] = {getenv("CABLESIM_DATADIR"),
                           exe_relative_datadir(exedir, sizeof exedir) ? exedir : NULL,
                           CS_INSTALL_DATADIR, CS_SOURCE_DATADIR};
    for (int i = 0; i < 4; i++) {
        if (dirs[i] == NULL || dirs[i][0] == '\0') continue;
        snprintf(buf, n, "%s/%s", dirs[i], rel);
        if (access(buf, R_OK) == 0) return CS_OK;
    }
    return cs_errorf(err, CS_EIO,
                     "%s: bundled data not found (looked in $CABLESIM_DATADIR, "
                     "<bin>/../share/cablesim, %s and %s)",
                     rel, CS_INSTALL_DATADIR, CS_SOURCE_DATADIR);
}

bool cs_path_absolute(char *buf, size_t n, const char *path)
{
    char full[PATH_MAX];
    if (realpath(path, full) == NULL) return false;
    return (size_t)snprintf(buf, n, "%s", full) < n;
}

void cs_path_dirname(char *buf, size_t n, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(buf, n, ".");
    else if (slash == path)
        snprintf(buf, n, "/");
    else
        snprintf(buf, n, "%.*s", (int)(slash - path), path);
}

/* Length of the leading run of whole components that a and b share ("/a/b" and "/a/bc": 2). */
static size_t common_prefix(const char *a, const char *b)
{
    size_t k = 0;
    for (size_t i = 0;; i++) {
        const bool end_a = a[i] == '\0' || a[i] == '/', end_b = b[i] == '\0' || b[i] == '/';
        if (end_a && end_b) k = i; /* both at a component boundary */
        if (a[i] != b[i] || a[i] == '\0') return k;
    }
}

bool cs_path_relative(char *buf, size_t n, const char *target, const char *from)
{
    if (strcmp(from, "/") == 0) from = "";
    const size_t k = common_prefix(target, from);
    size_t o = 0;
    buf[0] = '\0';
    /* One ".." for every component of from after the common part. */
    for (const char *p = from + k; *p != '\0'; p++) {
        if (*p != '/' || p[1] == '/' || p[1] == '\0') continue;
        const int w = snprintf(buf + o, n - o, "%s..", o ? "/" : "");
        if (w < 0 || (size_t)w >= n - o) return false;
        o += (size_t)w;
    }
    const char *rest = target + k;
    while (*rest == '/')
        rest++;
    int w = 0;
    if (*rest != '\0')
        w = snprintf(buf + o, n - o, "%s%s", o ? "/" : "", rest);
    else if (o == 0)
        w = snprintf(buf, n, ".");
    return w >= 0 && (size_t)w < n - o;
}
