/* fileio.c: whole-file reads for the loaders. */
#include "core/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What a file that is not a regular one is, for messages. */
static const char *file_kind(mode_t m)
{
    if (S_ISDIR(m)) return "a directory";
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    if (S_ISSOCK(m)) return "a socket";
    return "a special file";
}

cs_status cs_read_file(const char *path, char **out, size_t *len, cs_error *err)
{
    *out = NULL;
    *len = 0;
    /* O_NONBLOCK: opening a FIFO does not wait for a writer; it is refused below. */
    const int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return cs_errorf(err, CS_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        const int e = errno;
        close(fd);
        return cs_errorf(err, CS_EIO, "%s: cannot read: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return cs_errorf(err, CS_EIO, "%s: expected a regular file, found %s", path,
                         file_kind(st.st_mode));
    }
    if ((unsigned long long)st.st_size > CS_INPUT_MAX_BYTES) {
        close(fd);
        return cs_errorf(err, CS_EIO, "%s: expected an input of at most %d MiB, found %lld bytes",
                         path, CS_INPUT_MAX_BYTES >> 20, (long long)st.st_size);
    }
    /* Read up to the limit and one byte more, in case the file grows while it is read. */
    const size_t cap = (size_t)st.st_size + 1;
    char *buf = malloc(cap + 1);
    if (buf == NULL) {
        close(fd);
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", path);
    }
    size_t n = 0;
    for (;;) {
        const ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            const int e = errno;
            free(buf);
            close(fd);
            return cs_errorf(err, CS_EIO, "%s: cannot read: %s", path, strerror(e));
        }
        if (got == 0) break;
        n += (size_t)got;
        if (n == cap) break;
    }
    close(fd);
    if (n == cap) {
        free(buf);
        return cs_errorf(err, CS_EIO, "%s: the file changed while it was read", path);
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return CS_OK;
}

/* What kind of file st is, for messages. */
static const char *kind_of(const struct stat *st)
{
    return S_ISDIR(st->st_mode)    ? "a directory"
           : S_ISCHR(st->st_mode)  ? "a character device"
           : S_ISBLK(st->st_mode)  ? "a block device"
           : S_ISFIFO(st->st_mode) ? "a FIFO"
           : S_ISSOCK(st->st_mode) ? "a socket"
                                   : "a special file";
}

cs_status cs_file_check_replace(const char *path, const char *const *inputs, size_t n_inputs,
                                cs_error *err)
{
    const size_t len = strlen(path);
    if (len == 0)
        return cs_errorf(err, CS_EINVAL, "\"\": expected a file name, found an empty one");
    if (path[len - 1] == '/')
        return cs_errorf(err, CS_EINVAL, "%s: expected a file name, found a directory name", path);
    struct stat st, in;
    if (lstat(path, &st) == 0) {
        for (size_t i = 0; i < n_inputs; i++)
            if (inputs[i] != NULL && stat(path, &st) == 0 && stat(inputs[i], &in) == 0 &&
                in.st_dev == st.st_dev && in.st_ino == st.st_ino)
                return cs_errorf(err, CS_EINVAL,
                                 "%s: expected a new file or one to replace, found an input of "
                                 "the command (%s): choose another output",
                                 path, inputs[i]);
        if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
            return cs_errorf(err, CS_EINVAL,
                             "%s: expected a new file or a regular file to replace, found %s: "
                             "not replaced",
                             path, kind_of(&st));
    }
    /* The directory the temporary file is made in (and renamed within) must exist and take new
     * files: checked before any work, so that a command does not run to its end and then fail
     * to write (report --pdf into a read-only directory printed the page, then exit 1).
     * access() answers for the real user and says EROFS on a read-only file system, root
     * included. */
    const char *slash = strrchr(path, '/');
    char dir[4096] = ".";
    if (slash != NULL) {
        const size_t dl = slash == path ? 1 : (size_t)(slash - path);
        if (dl >= sizeof dir) return cs_errorf(err, CS_EINVAL, "%s: file name too long", path);
        memcpy(dir, path, dl);
        dir[dl] = '\0';
        if (stat(dir, &st) != 0)
            return cs_errorf(err, CS_EINVAL, "%s: cannot be created: no directory %s", path, dir);
        if (!S_ISDIR(st.st_mode))
            return cs_errorf(err, CS_EINVAL, "%s: cannot be created: %s is not a directory", path,
                             dir);
    }
    if (access(dir, W_OK | X_OK) != 0) {
        const int e = errno;
        return cs_errorf(err, cs_create_status(e, CS_EINVAL),
                         "%s: cannot be created: the directory %s does not take new files: %s",
                         path, dir, strerror(e));
    }
    return CS_OK;
}

cs_status cs_write_file(const char *path, cs_status (*write)(FILE *f, void *ctx, cs_error *err),
                        void *ctx, cs_error *err)
{
    cs_status rc = cs_file_check_replace(path, NULL, 0, err);
    if (rc != CS_OK) return rc;
    const size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (tmp == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", path);
    snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (f == NULL) {
        rc = cs_errorf(err, cs_create_status(errno, CS_EIO), "%s: cannot create %s: %s", path, tmp,
                       strerror(errno));
        free(tmp);
        return rc;
    }
    rc = write(f, ctx, err);
    if (fclose(f) != 0 && rc == CS_OK)
        rc = cs_errorf(err, CS_EWRITE, "%s: cannot write: %s", path, strerror(errno));
    /* (a directory in the way: the path's fault, as when it cannot be created) */
    if (rc == CS_OK && rename(tmp, path) != 0)
        rc = cs_errorf(err, CS_EIO, "%s: cannot rename %s to it: %s", path, tmp, strerror(errno));
    if (rc != CS_OK) remove(tmp);
    free(tmp);
    return rc;
}
