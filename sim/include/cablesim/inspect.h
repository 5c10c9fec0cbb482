/*
 * inspect.h: what a results file holds, read without writing it (`cablesim status`, and
 * `cablesim run --resume-or-start`): complete, incomplete and resumable as far as the file
 * tells, or not a cablesim results file.
 */
#ifndef CS_INSPECT_H
#define CS_INSPECT_H

#include <stdbool.h>
#include <stdint.h>

#include "cablesim/error.h"

typedef enum {
    CS_FILE_COMPLETE,      /**< complete = 1, every trial in it */
    CS_FILE_RESUMABLE,     /**< complete = 0, consistent: cablesim run --resume goes on */
    CS_FILE_NOT_RESUMABLE, /**< a results file --resume would refuse (why says why) */
    CS_FILE_NOT_RESULTS    /**< not a cablesim results file (why says why) */
} cs_file_state;

/**
 * A results file found whole by the raw check of its global heaps (docs/hdf5-schema.md, "A damaged
 * global heap is refused before HDF5 reads it"), by device, inode, size and modification time. The
 * check reads the whole file; a caller that reads one file several times (a resume: its part
 * range, its scenario, its repair; `status`: its state, then its scenario) keeps one of these
 * and passes it to each call, and the file is read whole once while it is unchanged (a file
 * written or replaced since has another size, time or inode, and is checked again). Owned by the
 * caller; CS_FILE_CHECKED_INIT before the first use. Functions that take one accept NULL: check
 * every time.
 */
typedef struct {
    bool set;
    uint64_t dev, ino, size;
    int64_t mtime_s, mtime_ns;
} cs_file_checked;

#define CS_FILE_CHECKED_INIT                                                                       \
    {                                                                                              \
        false, 0, 0, 0, 0, 0                                                                       \
    }

/**
 * Records the file at path, as it is now, in *c as found whole, because another process checked
 * it (under MPI, rank 0, whose verdict every rank received). Nothing when path cannot be stat'd.
 */
void cs_file_checked_vouch(cs_file_checked *c, const char *path);

/** What cs_file_inspect found. Strings are owned: cs_file_info_destroy. */
typedef struct {
    cs_file_state state;
    char why[CS_ERROR_MSG_MAX]; /**< for NOT_RESUMABLE and NOT_RESULTS */
    uint64_t trials;            /**< of the run (the scenario's) */
    uint64_t seed;
    uint64_t part_first, part_trials; /**< of a part (--shard); part_trials = 0: a whole run */
    uint64_t done;                    /**< trials in the file */
    int32_t as_of;
    char *scenario; /**< the scenario text stored, or NULL */
    char topology_sha256[65], demand_sha256[65];
} cs_file_info;

/**
 * Reads the file at path without writing it and classifies it into info (the file's own
 * checks: format, version, trial counts, and every /trials dataset holding the same number of
 * trials, offsets ending at the lengths of their lists). A file held open for writing by another
 * process, or flagged open by a run that was killed (cs_results_recover clears that), is
 * NOT_RESUMABLE with the reason. Whether the inputs are unchanged (sha256) is for the caller,
 * which loads them. seen: the caller's record of the raw check of the file (above), or NULL.
 * Always fills info (destroy it); returns CS_OK, or CS_ENOMEM.
 */
cs_status cs_file_inspect(const char *path, cs_file_checked *seen, cs_file_info *info,
                          cs_error *err);

/**
 * What `status` and `--resume-or-start` do: cs_results_recover (a killed run's flag, a failed
 * write's short file), then cs_file_inspect. Except that a file marked complete yet shorter
 * than the end its HDF5 superblock records (a copy cut short: a complete file was closed whole)
 * is classified NOT_RESUMABLE ("damaged") and left as it is, not padded into a file that would
 * then read as complete. Returns as cs_file_inspect.
 */
cs_status cs_file_inspect_recovering(const char *path, cs_file_checked *seen, cs_file_info *info,
                                     cs_error *err);

/** Frees what info owns. */
void cs_file_info_destroy(cs_file_info *info);

/** Whether another process holds the file at path open for writing (an HDF5 writer holds an
 * exclusive flock on it; cablesim's MPI writers too). */
bool cs_file_held(const char *path);

#endif /* CS_INSPECT_H */
