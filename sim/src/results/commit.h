/*
 * commit.h: the commit record of a results file and the checks of the per-trial data that
 * resume and merge trust (private to sim/src/results/; docs/hdf5-schema.md, "Commit protocol").
 */
#ifndef CS_RESULTS_COMMIT_H
#define CS_RESULTS_COMMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "cablesim/error.h"
#include "cablesim/results_schema.h"

/* What a file's commit record says: trials committed, and the length of each values list. */
typedef struct {
    bool found;                /* the file has the record (attribute `committed`) */
    uint64_t trials;           /* rows committed (of a part: the part's rows) */
    bool listed[CS_DS_COUNT];  /* the values lists it names */
    uint64_t len[CS_DS_COUNT]; /* their committed lengths */
    bool writing;              /* attribute `writing`: left open by a writer (or missing) */
} cs_commit;

/* Writes the record: trials, and len[d] for every values list d with has[d], in schema order.
 * create: also makes the attributes (`committed_lists` too), when the file is made; otherwise
 * `committed` is rewritten in place. The caller flushes. \return CS_OK, CS_EHDF5. */
cs_status cs_commit_write(hid_t file, const char *path, uint64_t trials, const uint64_t *len,
                          const bool *has, bool create, cs_error *err);

/* Sets the root attribute `writing` (made with the record) to 1 while a writer has the file open,
 * 0 when it closes it. The caller flushes. \return CS_OK, CS_EHDF5. */
cs_status cs_commit_set_writing(hid_t file, const char *path, bool writing, cs_error *err);

/* Reads the record of file into c (c->found false when the file has none).
 * \return CS_OK, CS_EINVAL (unreadable or malformed). */
cs_status cs_commit_read(hid_t file, const char *path, cs_commit *c, cs_error *err);

/* Checks n CSR offsets o (rows first_row.. of dataset dset): never decreasing, from lo, at most
 * hi. \return CS_OK, CS_EINVAL naming the first bad one. */
cs_status cs_commit_check_offsets(const uint64_t *o, size_t n, uint64_t lo, uint64_t hi,
                                  const char *path, const char *dset, uint64_t first_row,
                                  cs_error *err);

/* Checks n elements v (elements first.. of values list d, records laid out as in files of format
 * version: CS_FORMAT_MEMORY for memory) against the run's sizes dims[CS_DIM_*]: edge indices <
 * edges, node indices < nodes, the "edge" member of a record < edges, its "ship" member < ships
 * or -1. \return CS_OK, CS_EINVAL. */
cs_status cs_commit_check_values(cs_dataset_id d, const void *v, size_t n, const size_t *dims,
                                 int version, const char *path, uint64_t first, cs_error *err);

#endif /* CS_RESULTS_COMMIT_H */
