/* fileio.c: whole-file reads for the loaders. */
#include "fileio.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

cs_status cs_read_file(const char *path, char **out, size_t *len, cs_error *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) return cs_errorf(err, CS_EIO, "%s: cannot open: %s", path, strerror(errno));
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 65536 > cap) {
            cap = 2 * cap + 65536;
            char *nb = realloc(buf, cap + 1);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return cs_errorf(err, CS_ENOMEM, "%s: out of memory", path);
            }
            buf = nb;
        }
        const size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    /* A directory opens for reading on Linux and fails only here (EISDIR). */
    const bool failed = ferror(f) != 0;
    const int read_errno = errno;
    fclose(f);
    if (failed) {
        free(buf);
        return cs_errorf(err, CS_EIO, "%s: cannot read: %s", path, strerror(read_errno));
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return CS_OK;
}
