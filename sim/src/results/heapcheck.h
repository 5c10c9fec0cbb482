/*
 * heapcheck.h: the global heap collections of an HDF5 file checked on its raw bytes before
 * HDF5 reads it (private to the results layer). HDF5 1.10 decodes a collection by walking its
 * objects, each header giving the next one's place; an object header damaged to a size of 0
 * (a zeroed block, say) makes that walk stand still, and the process never returns from the
 * first read of a variable-length string (every root attribute of a results file is one). So
 * every reader of a results file calls cs_h5_check_heaps before H5Fopen.
 */
#ifndef CS_RESULTS_HEAPCHECK_H
#define CS_RESULTS_HEAPCHECK_H

#include "cablesim/error.h"
#include "cablesim/inspect.h"

/**
 * Finds every global heap collection of the file at path (signature "GCOL", version 1) and walks
 * its objects as HDF5 does: CS_EINVAL with "path: damaged: the global heap collection at byte N
 * ..." when a walk would not end at the collection's end (an object of size 0, or one past the
 * end). CS_OK for a file with whole collections and for a file that has none (or is not HDF5:
 * what H5Fopen says of it is the better message); CS_EIO when the file cannot be read.
 * Reads the whole file once, in blocks, with plain POSIX calls (no HDF5). seen (the caller's, may
 * be NULL): when it records this very file unchanged (cs_file_checked, inspect.h), nothing is
 * read and CS_OK returned; a file found whole is recorded in it.
 */
cs_status cs_h5_check_heaps(const char *path, cs_file_checked *seen, cs_error *err);

#endif
