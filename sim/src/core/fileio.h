/*
 * fileio.h (internal): reading a whole input file into memory, with the
 * one-line messages every loader uses ("path: cannot open: <reason>").
 */
#ifndef CS_FILEIO_H
#define CS_FILEIO_H

#include <stddef.h>
#include <stdio.h>

#include "cablesim/error.h"

/** The largest input file read (topology, demand, scenario, fleet): 256 MiB. */
#define CS_INPUT_MAX_BYTES (256 << 20)

/**
 * Reads the file at path into a new NUL-terminated buffer (*out, to free();
 * *len bytes before the NUL). Only a regular file of at most CS_INPUT_MAX_BYTES
 * is read: a directory, a FIFO or a device (/dev/zero) is refused at once,
 * without waiting on it.
 * \return CS_OK, CS_EIO or CS_ENOMEM; *out is NULL on failure.
 */
cs_status cs_read_file(const char *path, char **out, size_t *len, cs_error *err);

/**
 * Whether path may receive an output written under a temporary name and renamed over it
 * (cs_outfile_check_replace() in outfile.h says what is refused). \return CS_OK or CS_EINVAL.
 */
cs_status cs_file_check_replace(const char *path, const char *const *inputs, size_t n_inputs,
                                cs_error *err);

/**
 * Writes the file path through write(f, ctx, err), after cs_file_check_replace(path): into
 * "<path>.tmp.<pid>", renamed to path when write succeeded and the file closed cleanly, removed
 * otherwise, so a failure leaves nothing that looks complete. \return write's status, or CS_EIO
 * (cannot create or rename: the path), CS_EWRITE (cannot create or write: a full disk, a file
 * size limit),
 * CS_ENOMEM. A write callback reports its own failed writes with CS_EWRITE.
 */
cs_status cs_write_file(const char *path, cs_status (*write)(FILE *f, void *ctx, cs_error *err),
                        void *ctx, cs_error *err);

#endif
