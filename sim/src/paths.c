/* paths.c: locating bundled data files. */
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
