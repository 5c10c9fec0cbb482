/*
 * fuzz_main.c: runs a fuzz harness over files without libFuzzer, so that the kept corpus
 * (tests/fuzz/corpus/TARGET/) and the seeds are regression tests in every build (gcc, Debug+ASan
 * and Release). Usage: fuzz_TARGET_run FILE_OR_DIR...; a directory is read file by file, in
 * name order. Prints how many inputs it ran; a failed property aborts.
 */
#include "fuzz_util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static size_t run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: cannot open\n", path);
        exit(2);
    }
    size_t cap = 1 << 16, n = 0;
    unsigned char *buf = malloc(cap);
    CS_FUZZ_CHECK(buf != NULL);
    for (size_t k; (k = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += k;
        if (n == cap) {
            buf = realloc(buf, cap *= 2);
            CS_FUZZ_CHECK(buf != NULL);
        }
    }
    fclose(f);
    cs_fuzz_input = path;
    LLVMFuzzerTestOneInput(buf, n);
    cs_fuzz_input = NULL;
    free(buf);
    return 1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "%s: not found\n", path);
        exit(2);
    }
    if (!S_ISDIR(st.st_mode)) return run_file(path);
    DIR *d = opendir(path);
    CS_FUZZ_CHECK(d != NULL);
    char **names = NULL;
    size_t n = 0, done = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.') continue;
        names = realloc(names, (n + 1) * sizeof *names);
        CS_FUZZ_CHECK(names != NULL);
        const size_t len = strlen(path) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        CS_FUZZ_CHECK(names[n] != NULL);
        snprintf(names[n++], len, "%s/%s", path, e->d_name);
    }
    closedir(d);
    if (n > 1) qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) done += run_file(names[i]);
        free(names[i]);
    }
    free(names);
    return done;
}

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    size_t n = 0;
    for (int i = 1; i < argc; i++)
        n += run_path(argv[i]);
    printf("%s: %zu inputs\n", argv[0], n);
    return 0;
}
