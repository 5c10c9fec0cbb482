/*
 * recover.c: making the file of a killed writer openable again (cs_results_recover, results.h):
 * HDF5's superblock "open for writing" flag cleared, as `h5clear -s` does, with its checksum
 * (Bob Jenkins' lookup3) recomputed. Plain POSIX I/O: no HDF5 call, no MPI.
 */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cablesim/results.h"

/* Bob Jenkins' lookup3 hash of n bytes (hashlittle, byte by byte), which HDF5 uses to checksum
 * its metadata: the superblock's checksum must be recomputed when a byte of it changes. */
static uint32_t rot32(uint32_t x, int k)
{
    return (x << k) | (x >> (32 - k));
}

static uint32_t lookup3(const unsigned char *k, size_t n)
{
    uint32_t a = 0xdeadbeefu + (uint32_t)n, b = a, c = a;
    while (n > 12) {
        a += k[0] + ((uint32_t)k[1] << 8) + ((uint32_t)k[2] << 16) + ((uint32_t)k[3] << 24);
        b += k[4] + ((uint32_t)k[5] << 8) + ((uint32_t)k[6] << 16) + ((uint32_t)k[7] << 24);
        c += k[8] + ((uint32_t)k[9] << 8) + ((uint32_t)k[10] << 16) + ((uint32_t)k[11] << 24);
        a -= c, a ^= rot32(c, 4), c += b;
        b -= a, b ^= rot32(a, 6), a += c;
        c -= b, c ^= rot32(b, 8), b += a;
        a -= c, a ^= rot32(c, 16), c += b;
        b -= a, b ^= rot32(a, 19), a += c;
        c -= b, c ^= rot32(b, 4), b += a;
        n -= 12;
        k += 12;
    }
    if (n == 0) return c;
    uint32_t *word[3] = {&a, &b, &c};
    for (size_t i = 0; i < n; i++) /* the tail, little-endian into a, b, c */
        *word[i / 4] += (uint32_t)k[i] << (8 * (i % 4));
    c ^= b, c -= rot32(b, 14);
    a ^= c, a -= rot32(c, 11);
    b ^= a, b -= rot32(a, 25);
    c ^= b, c -= rot32(b, 16);
    a ^= c, a -= rot32(c, 4);
    b ^= a, b -= rot32(a, 14);
    c ^= b, c -= rot32(b, 24);
    return c;
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

bool cs_results_cut_short(const char *path, uint64_t *size, uint64_t *recorded)
{
    enum { SB = 36, EOFA = 28, BASE = 12 }; /* superblock v2/3, 8-byte addresses */
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    *size = *recorded = 0;
    const int fd = open(path, O_RDONLY);
    if (fd < 0) return false;
    unsigned char sb[SB];
    struct stat st;
    const bool got = fstat(fd, &st) == 0 && pread(fd, sb, SB, 0) == SB && memcmp(sb, sig, 8) == 0 &&
                     (sb[8] == 2 || sb[8] == 3) && sb[9] == 8;
    close(fd);
    if (!got) return false;
    *size = (uint64_t)st.st_size;
    *recorded = get_u64(sb + BASE) + get_u64(sb + EOFA);
    return *size < *recorded;
}

/*
 * A writer killed without closing the file (kill -9, a lost node) leaves the superblock's
 * "open for writing" flag set, and HDF5 then refuses to open the file ("may use h5clear"). It
 * may also leave the end-of-file address of the superblock out of step with the file: larger
 * when a write failed (a full disk, `ulimit -f`: HDF5 then refuses the "truncated file"), smaller
 * when the superblock was not rewritten after the file grew (metadata past it cannot be read).
 * This clears the flag (what `h5clear -s` does), makes the file as long as the larger of the
 * two, with zeros, and records that length (as `h5clear --increment` does), so that --resume can
 * open the file and go back to its commit record. Only when no process holds the file: HDF5
 * writers hold an exclusive flock on it.
 */
cs_status cs_results_recover(const char *path, cs_error *err)
{
    enum { SB = 48, FLAGS = 11, EOFA = 28, SUM = 44 }; /* superblock v2/3, 8-byte addresses */
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    const int fd = open(path, O_RDWR);
    if (fd < 0) return CS_OK; /* opening it with HDF5 will say why */
    cs_status rc = CS_OK;
    unsigned char sb[SB];
    struct stat st;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: the file is open in another process (a run still "
                       "writing it?)",
                       path);
    } else if (fstat(fd, &st) == 0 && pread(fd, sb, SB, 0) == SB && memcmp(sb, sig, 8) == 0 &&
               (sb[8] == 2 || sb[8] == 3) && sb[9] == 8 && sb[10] == 8 &&
               lookup3(sb, SUM) == ((uint32_t)sb[44] | (uint32_t)sb[45] << 8 |
                                    (uint32_t)sb[46] << 16 | (uint32_t)sb[47] << 24)) {
        const uint64_t stored = get_u64(sb + EOFA), size = (uint64_t)st.st_size;
        const uint64_t eof = stored > size ? stored : size;
        /* size < eof: a write past `ulimit -f` failed, the close still rewrote the superblock */
        if (sb[FLAGS] != 0 || eof != stored || size < eof) {
            sb[FLAGS] = 0;
            for (int i = 0; i < 8; i++)
                sb[EOFA + i] = (unsigned char)(eof >> (8 * i));
            const uint32_t sum = lookup3(sb, SUM);
            for (int i = 0; i < 4; i++)
                sb[SUM + i] = (unsigned char)(sum >> (8 * i));
            if ((size < eof && ftruncate(fd, (off_t)eof) != 0) || pwrite(fd, sb, SB, 0) != SB ||
                fsync(fd) != 0)
                rc = cs_errorf(err, CS_EIO,
                               "%s: cannot clear the flag of a run killed while writing", path);
        }
    }
    close(fd); /* releases the lock */
    return rc;
}
