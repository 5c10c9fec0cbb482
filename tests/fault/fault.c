/*
 * fault.c: crash injection for tests, as SQLite's crash tests do it. Linked into
 * `cablesim-fault` (the cablesim CLI built with this file, never installed; CMake option
 * CS_FAULT_INJECTION), it interposes the write calls HDF5 and MPI-IO make (pwrite, pwritev,
 * write, writev: the executable's definitions come first in the dynamic linker's search) and,
 * for writes to a results file (a regular file whose name contains ".h5"), counts them per
 * process and injects a failure at a chosen one:
 *
 *   CABLESIM_FAULT=kill@N     SIGKILL this process just before its N-th write (N >= 1)
 *   CABLESIM_FAULT=enospc@N   the N-th write and every later one fail with ENOSPC (a full disk
 *                             that stays full until the process ends); efbig@N: EFBIG
 *   CABLESIM_FAULT=pause@N    just before its N-th write, pause until the test says go, through
 *                             two FIFOs the test made, PREFIX.ready and PREFIX.go (PREFIX from
 *                             CABLESIM_FAULT_FIFO): this process opens PREFIX.ready for writing
 *                             and closes it (the test, reading it, sees end-of-file: the run is
 *                             held there), then reads PREFIX.go until end-of-file and goes on.
 *                             A test can so act while a run is mid-write, without timing.
 *   CABLESIM_FAULT=h5write@N  the N-th H5Dwrite call of the process returns an error without
 *                             entering HDF5: a failure of HDF5 on this rank before the collective
 *                             part of a write, while the other ranks enter it (the executable's
 *                             definition of H5Dwrite comes first for the library's calls too)
 *   CABLESIM_FAULT=oldalloc@1 H5Pset_alloc_time does nothing: the file's per-trial datasets
 *                             allocate their chunks incrementally, as cablesim made them before
 *                             it allocated them early (an older file, for the resume tests)
 *   CABLESIM_FAULT_RANK=R     only in MPI rank R (OMPI_COMM_WORLD_RANK); default every process
 *   CABLESIM_FAULT_COUNT=FILE at exit, append "<rank> <writes>" to FILE (the test's sweep range)
 *
 * Unset, every call goes straight through. Not part of the library: the library never sees it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <hdf5.h>

typedef enum {
    FAULT_NONE,
    FAULT_KILL,
    FAULT_ERRNO,
    FAULT_PAUSE,
    FAULT_H5WRITE,
    FAULT_OLDALLOC
} fault_kind;

static struct {
    int ready;
    fault_kind kind;
    int err;            /* FAULT_ERRNO: the errno */
    unsigned long at;   /* the write to fail (1-based) */
    unsigned long seen; /* results-file writes so far */
    unsigned long h5;   /* H5Dwrite calls so far */
    const char *count_file;
    const char *fifo; /* FAULT_PAUSE: the prefix of the FIFOs */
} F;

static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwritev)(int, const struct iovec *, int, off_t);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static herr_t (*real_h5dwrite)(hid_t, hid_t, hid_t, hid_t, hid_t, const void *);

static void report_count(void)
{
    FILE *f = fopen(F.count_file, "a");
    if (f == NULL) return;
    const char *rank = getenv("OMPI_COMM_WORLD_RANK");
    fprintf(f, "%s %lu\n", rank != NULL ? rank : "0", F.seen);
    fclose(f);
}

static void setup(void)
{
    if (F.ready) return;
    F.ready = 1;
    /* dlsym returns an object pointer: copied into the function pointers (POSIX's idiom). */
    void *p = dlsym(RTLD_NEXT, "pwrite");
    memcpy(&real_pwrite, &p, sizeof p);
    p = dlsym(RTLD_NEXT, "pwritev");
    memcpy(&real_pwritev, &p, sizeof p);
    p = dlsym(RTLD_NEXT, "write");
    memcpy(&real_write, &p, sizeof p);
    p = dlsym(RTLD_NEXT, "writev");
    memcpy(&real_writev, &p, sizeof p);
    p = dlsym(RTLD_NEXT, "H5Dwrite");
    memcpy(&real_h5dwrite, &p, sizeof p);
    const char *spec = getenv("CABLESIM_FAULT"), *only = getenv("CABLESIM_FAULT_RANK");
    const char *rank = getenv("OMPI_COMM_WORLD_RANK");
    F.count_file = getenv("CABLESIM_FAULT_COUNT");
    if (F.count_file != NULL) atexit(report_count);
    if (spec == NULL) return;
    if (only != NULL && strcmp(only, rank != NULL ? rank : "0") != 0) return;
    const char *at = strchr(spec, '@');
    if (at == NULL || (F.at = strtoul(at + 1, NULL, 10)) == 0) return;
    if (strncmp(spec, "kill@", 5) == 0) {
        F.kind = FAULT_KILL;
    } else if (strncmp(spec, "enospc@", 7) == 0) {
        F.kind = FAULT_ERRNO;
        F.err = ENOSPC;
    } else if (strncmp(spec, "pause@", 6) == 0) {
        F.fifo = getenv("CABLESIM_FAULT_FIFO");
        if (F.fifo != NULL) F.kind = FAULT_PAUSE;
    } else if (strncmp(spec, "h5write@", 8) == 0) {
        F.kind = FAULT_H5WRITE;
    } else if (strncmp(spec, "oldalloc@", 9) == 0) {
        F.kind = FAULT_OLDALLOC;
    } else if (strncmp(spec, "efbig@", 6) == 0) {
        F.kind = FAULT_ERRNO;
        F.err = EFBIG;
    }
}

/* Holds this process until the test writes PREFIX.go and closes it (see above). */
static void pause_here(void)
{
    char ready[4096], go[4096], buf[64];
    snprintf(ready, sizeof ready, "%s.ready", F.fifo);
    snprintf(go, sizeof go, "%s.go", F.fifo);
    int fd = open(ready, O_WRONLY);
    if (fd >= 0) close(fd);
    fd = open(go, O_RDONLY);
    if (fd < 0) return;
    while (read(fd, buf, sizeof buf) > 0) {}
    close(fd);
}

/* Whether fd is a results file (a regular file named *.h5*, not OpenMPI's shared-file-pointer
 * file FILE_cid-...sm in its session directory): only those writes count. */
static int results_fd(int fd)
{
    struct stat sb;
    if (fd <= 2 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) return 0;
    char link[64], name[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t n = readlink(link, name, sizeof name - 1);
    if (n <= 0) return 0;
    name[n] = '\0';
    const size_t len = (size_t)n;
    return strstr(name, ".h5") != NULL && !(len > 3 && strcmp(name + len - 3, ".sm") == 0);
}

/* Counts a write to fd; 0 to go on, -1 (errno set) to fail it. May not return (kill). */
static int fault_here(int fd)
{
    setup();
    if (!results_fd(fd)) return 0;
    F.seen++;
    if (F.kind == FAULT_NONE || F.kind >= FAULT_H5WRITE || F.seen < F.at) return 0;
    if (F.kind == FAULT_PAUSE) {
        if (F.seen == F.at) pause_here();
        return 0;
    }
    if (F.kind == FAULT_KILL) {
        raise(SIGKILL);
        _exit(137); /* not reached */
    }
    errno = F.err;
    return -1;
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    if (fault_here(fd) < 0) return -1;
    return real_pwrite(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    return pwrite(fd, buf, n, off);
}

ssize_t pwritev(int fd, const struct iovec *v, int n, off_t off)
{
    if (fault_here(fd) < 0) return -1;
    return real_pwritev(fd, v, n, off);
}

ssize_t pwritev64(int fd, const struct iovec *v, int n, off_t off)
{
    return pwritev(fd, v, n, off);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    if (fault_here(fd) < 0) return -1;
    return real_write(fd, buf, n);
}

ssize_t writev(int fd, const struct iovec *v, int n)
{
    if (fault_here(fd) < 0) return -1;
    return real_writev(fd, v, n);
}

herr_t H5Dwrite(hid_t d, hid_t mem_type, hid_t mem_space, hid_t file_space, hid_t xfer,
                const void *buf)
{
    setup();
    if (F.kind == FAULT_H5WRITE && ++F.h5 == F.at) return -1;
    return real_h5dwrite(d, mem_type, mem_space, file_space, xfer, buf);
}

herr_t H5Pset_alloc_time(hid_t plist, H5D_alloc_time_t t)
{
    setup();
    if (F.kind == FAULT_OLDALLOC) return 0;
    herr_t (*real)(hid_t, H5D_alloc_time_t);
    void *p = dlsym(RTLD_NEXT, "H5Pset_alloc_time");
    memcpy(&real, &p, sizeof p);
    return real(plist, t);
}
