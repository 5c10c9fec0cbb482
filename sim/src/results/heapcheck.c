/*
 * heapcheck.c: the global heap collections of a file checked before HDF5 reads them
 * (heapcheck.h). The layout (HDF5 file format specification, version 3, "III.E. Global Heap"):
 * a collection is "GCOL", a version byte (1), three reserved bytes and its size in bytes
 * (length-sized: 8 in cablesim's files, which use HDF5's default file creation properties),
 * the header included; then its objects, each a 16-byte header (index: 2 bytes, reference
 * count: 2, reserved: 4, size: 8) and its data padded to a multiple of 8. Index 0 is free space,
 * whose size counts its header and is not padded; a tail too short for a header is free space.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "results/heapcheck.h"

enum {
    HEAP_HDR = 16,        /* signature, version, reserved, size */
    HEAP_OBJHDR = 16,     /* index, references, reserved, size */
    HEAP_MIN = 4096,      /* HDF5 never makes a smaller collection */
    SCAN_BLOCK = 1 << 20, /* bytes read at a time */
};

static uint64_t get_le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* Reads n bytes at off; false on a short read or an error (errno set for an error). */
static bool read_at(int fd, void *buf, size_t n, uint64_t off)
{
    size_t got = 0;
    while (got < n) {
        const ssize_t k = pread(fd, (unsigned char *)buf + got, n - got, (off_t)(off + got));
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return false;
        got += (size_t)k;
    }
    return true;
}

/*
 * Walks the objects of the collection c of size bytes (header included) as HDF5's decoder
 * does; 0 when the walk ends at the collection's end, else the offset in c of the object
 * header that stops it (never 0: objects start at HEAP_HDR).
 */
static uint64_t walk(const unsigned char *c, uint64_t size)
{
    uint64_t p = HEAP_HDR;
    while (p < size) {
        if (size - p < HEAP_OBJHDR) return 0; /* a tail of free space */
        const uint64_t idx = get_le(c + p, 2), len = get_le(c + p + 8, 8);
        const uint64_t room = size - p;
        if (idx > 0 && len > room - HEAP_OBJHDR) return p;
        const uint64_t need = idx > 0 ? HEAP_OBJHDR + ((len + 7) & ~(uint64_t)7) : len;
        if (need == 0 || need > room) return p;
        p += need;
    }
    return 0;
}

/* Checks the collection whose signature is at byte off of the file (file_size bytes). */
static cs_status check_collection(int fd, const char *path, uint64_t off, uint64_t file_size,
                                  const unsigned char *hdr, cs_error *err)
{
    const uint64_t size = get_le(hdr + 8, 8);
    if (size < HEAP_MIN || size > file_size - off)
        return cs_errorf(err, CS_EINVAL,
                         "%s: damaged: the global heap collection at byte %" PRIu64
                         " claims %" PRIu64 " bytes (%" PRIu64 " to the end of the file)",
                         path, off, size, file_size - off);
    unsigned char *c = malloc(size);
    if (c == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", path);
    cs_status rc = CS_OK;
    if (!read_at(fd, c, size, off)) {
        rc = cs_errorf(err, CS_EIO, "%s: cannot read: %s", path, strerror(errno ? errno : EIO));
    } else {
        const uint64_t bad = walk(c, size);
        if (bad != 0)
            rc = cs_errorf(err, CS_EINVAL,
                           "%s: damaged: the global heap collection at byte %" PRIu64
                           " has an object header at byte %" PRIu64
                           " whose size does not fit the collection (HDF5 would not finish "
                           "reading it)",
                           path, off, off + bad);
    }
    free(c);
    return rc;
}

/* Whether seen records the file st describes, unchanged. */
static bool same_file(const cs_file_checked *seen, const struct stat *st)
{
    return seen != NULL && seen->set && seen->dev == (uint64_t)st->st_dev &&
           seen->ino == (uint64_t)st->st_ino && seen->size == (uint64_t)st->st_size &&
           seen->mtime_s == (int64_t)st->st_mtim.tv_sec &&
           seen->mtime_ns == (int64_t)st->st_mtim.tv_nsec;
}

/* Records the file st describes in seen (if not NULL). */
static void remember(cs_file_checked *seen, const struct stat *st)
{
    if (seen == NULL) return;
    seen->set = true;
    seen->dev = (uint64_t)st->st_dev;
    seen->ino = (uint64_t)st->st_ino;
    seen->size = (uint64_t)st->st_size;
    seen->mtime_s = (int64_t)st->st_mtim.tv_sec;
    seen->mtime_ns = (int64_t)st->st_mtim.tv_nsec;
}

void cs_file_checked_vouch(cs_file_checked *c, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0) remember(c, &st);
}

cs_status cs_h5_check_heaps(const char *path, cs_file_checked *seen, cs_error *err)
{
    const int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return CS_OK; /* H5Fopen reports it */
    struct stat st;
    if (fstat(fd, &st) == 0 && same_file(seen, &st)) {
        close(fd);
        return CS_OK;
    }
    unsigned char *buf = malloc(SCAN_BLOCK + HEAP_HDR);
    cs_status rc = CS_OK;
    if (buf == NULL) rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", path);
    if (rc == CS_OK && fstat(fd, &st) != 0)
        rc = cs_errorf(err, CS_EIO, "%s: cannot read: %s", path, strerror(errno));
    const uint64_t file_size = rc == CS_OK ? (uint64_t)st.st_size : 0;
    /* Blocks overlap by HEAP_HDR - 1 bytes, so every header lies whole in one block. */
    for (uint64_t at = 0; rc == CS_OK && at + HEAP_HDR <= file_size; at += SCAN_BLOCK) {
        const uint64_t left = file_size - at;
        const size_t n =
            left < SCAN_BLOCK + HEAP_HDR - 1 ? (size_t)left : SCAN_BLOCK + HEAP_HDR - 1;
        if (!read_at(fd, buf, n, at)) {
            rc = cs_errorf(err, CS_EIO, "%s: cannot read: %s", path, strerror(errno ? errno : EIO));
            break;
        }
        for (size_t i = 0; rc == CS_OK && i + HEAP_HDR <= n && i < SCAN_BLOCK; i++) {
            const unsigned char *h = memchr(buf + i, 'G', n - i);
            if (h == NULL) break;
            i = (size_t)(h - buf);
            if (i + HEAP_HDR > n || i >= SCAN_BLOCK) break;
            if (memcmp(h, "GCOL", 4) != 0 || h[4] != 1 || h[5] != 0 || h[6] != 0 || h[7] != 0)
                continue;
            rc = check_collection(fd, path, at + i, file_size, h, err);
        }
    }
    free(buf);
    if (rc == CS_OK) remember(seen, &st);
    close(fd);
    return rc;
}
