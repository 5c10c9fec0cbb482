/*
 * outfile.h: where a run's results file may be written, and how it is made in place.
 *
 * A results file is made under a temporary name next to it, "<FILE>.tmp", claimed with
 * O_CREAT | O_EXCL (which never follows a symbolic link and fails when the name exists), and
 * renamed to FILE when the run closes it, complete or interrupted. So a second run with the same
 * -o while the first is writing finds FILE.tmp and is refused before it touches anything, a file
 * is never half-replaced, and a run killed with SIGKILL leaves FILE.tmp, which
 * `cablesim run --resume FILE` finds and completes (docs/hpc.md, "Pre-emption and resume").
 */
#ifndef CS_OUTFILE_H
#define CS_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "cablesim/error.h"

/** The suffix of the temporary name. */
#define CS_OUTFILE_TMP ".tmp"

/**
 * Writes "<path>.tmp" into buf[n].
 * \return CS_OK, or CS_EINVAL when the name does not fit.
 */
cs_status cs_outfile_tmp_name(char *buf, size_t n, const char *path, cs_error *err);

/**
 * Checks, before anything is written, that path may receive a run's results: it is not one of
 * the run's inputs inputs[0..n_inputs) (the same file, by device and inode; NULL entries are
 * skipped), not a symbolic link, and, when it exists, a cablesim results file that no process
 * holds open for writing (it will be replaced when the run ends). Its temporary name must not
 * exist either (another run writing path, or one killed while writing it).
 * \return CS_OK, or CS_EINVAL with a one-line message naming path and the reason.
 */
cs_status cs_outfile_check(const char *path, const char *const *inputs, size_t n_inputs,
                           cs_error *err);

/**
 * Checks, before anything is computed or written, that path may receive an output that is
 * written under a temporary name and renamed over path (a merged results file, a report, an
 * export, a table): the name is not empty and does not end in '/', its directory exists, it is
 * not one of the inputs inputs[0..n_inputs) (the same file, by device and inode; NULL entries
 * are skipped), and, when it exists, it is a regular file or a symbolic link (the rename replaces
 * the link, not its target): a directory, a device (/dev/null), a FIFO or a socket is refused
 * even with --force, since the rename would put a regular file in its place. Whether an existing
 * file may be replaced at all (--force) is the caller's to say.
 * \return CS_OK, or CS_EINVAL with a one-line message naming path and the reason.
 */
cs_status cs_outfile_check_replace(const char *path, const char *const *inputs, size_t n_inputs,
                                   cs_error *err);

/**
 * Refuses an existing path (any kind of file, a symbolic link included): results are not
 * replaced unless the user asks (`--force`), since a finished 500-trial file and a 5-trial one
 * have the same name. Call it after cs_outfile_check(), which refuses what --force may not
 * replace either.
 * \return CS_OK when path does not exist, else CS_EINVAL with a one-line message naming path.
 */
cs_status cs_outfile_check_new(const char *path, cs_error *err);

/**
 * Claims the temporary name of path (O_CREAT | O_EXCL | O_NOFOLLOW, mode 0666 less the umask)
 * and writes it into tmp[n]; the file is left empty, for the writer to create over it.
 * \return CS_OK; CS_EINVAL when the name exists (another run is writing path, or one was killed
 * while writing it: the message says how to go on); CS_EIO when it cannot be created.
 */
cs_status cs_outfile_claim(const char *path, char *tmp, size_t n, cs_error *err);

/**
 * Renames tmp to path (replacing path atomically; a symbolic link at path is replaced, its
 * target untouched).
 * \return CS_OK or CS_EIO.
 */
cs_status cs_outfile_commit(const char *tmp, const char *path, cs_error *err);

/**
 * The file `--resume path` works on: "<path>.tmp" when it exists (a run killed before it renamed
 * its file, or a newer run than path's), else path. Writes it into buf[n] and sets *renamed when
 * it is the temporary name (then the resumed file is renamed to path when the run closes it).
 * A path that itself ends in ".tmp" is taken as the temporary name of path without it.
 * \return CS_OK, or CS_EINVAL when the name does not fit.
 */
cs_status cs_outfile_resume_name(const char *path, char *buf, size_t n, char *final, size_t final_n,
                                 bool *renamed, cs_error *err);

#endif /* CS_OUTFILE_H */
