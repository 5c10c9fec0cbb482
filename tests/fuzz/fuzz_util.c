/* fuzz_util.c: helpers shared by the fuzz harnesses (fuzz_util.h). */
#include "fuzz_util.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *cs_fuzz_input;

_Noreturn void cs_fuzz_fail(const char *what, const char *file, int line)
{
    fprintf(stderr, "%s:%d: fuzz property failed: %s%s%s\n", file, line, what,
            cs_fuzz_input ? "; input " : "", cs_fuzz_input ? cs_fuzz_input : "");
    abort();
}

char *cs_fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    CS_FUZZ_CHECK(s != NULL);
    if (size > 0) memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

void cs_fuzz_check_status(cs_status rc, const cs_error *err, int ok)
{
    if (rc == CS_OK) {
        CS_FUZZ_CHECK(ok);
        return;
    }
    CS_FUZZ_CHECK(!ok);
    CS_FUZZ_CHECK(err->code == rc);
    CS_FUZZ_CHECK(err->msg[0] != '\0');
    CS_FUZZ_CHECK(strchr(err->msg, '\n') == NULL && strchr(err->msg, '\r') == NULL);
}

const char *cs_fuzz_source_path(const char *rel)
{
    enum { SLOTS = 8 };
    static char bufs[SLOTS][4096];
    static unsigned next;
    char *b = bufs[next++ % SLOTS];
    snprintf(b, sizeof bufs[0], "%s/%s", CS_SOURCE_DIR, rel);
    return b;
}

const cs_topology_t *cs_fuzz_japan(void)
{
    static cs_topology_t *t;
    if (t == NULL) {
        cs_error err = CS_ERROR_INIT;
        if (cs_topology_load(&t, cs_fuzz_source_path("topology/japan.geojson"), NULL, &err)) {
            fprintf(stderr, "fuzz: %s\n", err.msg);
            abort();
        }
    }
    return t;
}

/* This process's temporary directory and the files written in it. */
static char temp_dir[4096];
static char temp_paths[8][4200];
static size_t n_temps;

static void remove_temps(void)
{
    for (size_t i = 0; i < n_temps; i++)
        unlink(temp_paths[i]);
    rmdir(temp_dir);
}

const char *cs_fuzz_write_temp(const char *tag, const char *suffix, const void *data, size_t size)
{
    if (temp_dir[0] == '\0') {
        const char *dir = getenv("TMPDIR");
        snprintf(temp_dir, sizeof temp_dir, "%s/cablesim-fuzz-XXXXXX",
                 dir && dir[0] ? dir : "/tmp");
        CS_FUZZ_CHECK(mkdtemp(temp_dir) != NULL);
        atexit(remove_temps);
    }
    char path[4200];
    snprintf(path, sizeof path, "%s/%s%s", temp_dir, tag, suffix);
    size_t i = 0;
    while (i < n_temps && strcmp(temp_paths[i], path) != 0)
        i++;
    if (i == n_temps) {
        CS_FUZZ_CHECK(n_temps < sizeof temp_paths / sizeof temp_paths[0]);
        memcpy(temp_paths[n_temps++], path, sizeof path);
    }
    const int fd = open(temp_paths[i], O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CS_FUZZ_CHECK(fd >= 0);
    const char *p = data;
    for (size_t done = 0; done < size;) {
        const ssize_t k = write(fd, p + done, size - done);
        CS_FUZZ_CHECK(k > 0);
        done += (size_t)k;
    }
    CS_FUZZ_CHECK(close(fd) == 0);
    return temp_paths[i];
}
