/*
 * results.h: the HDF5 results file writer (docs/hdf5-schema.md). No MPI here: the writers of
 * several processes are in results_mpi.h; the trial batch is in batch.h, the list of datasets
 * in results_schema.h.
 *
 * The engine fills a cs_trial_batch with the outcome of consecutive trials
 * and hands it to the writer, which appends it to chunked, compressed,
 * extendible datasets, so memory stays flat however many trials run. The
 * root attribute `complete` is created as 0 and set to 1 only by a
 * successful cs_results_close(..., true), as the very last write: a run that
 * fails or is interrupted never leaves a file that claims to be complete.
 */
#ifndef CS_RESULTS_H
#define CS_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cablesim/batch.h"
#include "cablesim/demand.h"
#include "cablesim/error.h"
#include "cablesim/inspect.h"
#include "cablesim/recovery.h"
#include "cablesim/routing.h"
#include "cablesim/scenario.h"
#include "cablesim/topology.h"

/** Version of the file layout written by default; bumped on any incompatible change. Files of
 * format 1 and 2 are still written on request (scenario output.format_version) and read. */
#define CS_RESULTS_FORMAT_VERSION 4

/** Everything the writer records besides the trials. All borrowed. */
typedef struct {
    const cs_scenario *scenario;
    const cs_topology_t *topology;
    const cs_demand_t *demand;
    const cs_routing_result *baseline; /**< routing of the intact network */
    const cs_pair_table *pairs;
    const char *software_version;
    const char *created; /**< ISO 8601 UTC time stamp */
    /** A part of the run (cablesim run --shard): the file holds trials part_first ..
     * part_first + part_trials - 1 only. part_trials = 0: every trial of the scenario. */
    uint64_t part_first, part_trials;
    /** The repair model of a scenario with `recovery:` (adds /timeseries and /recovery), or
     * NULL. */
    const cs_recovery_t *recovery;
    /** The engine's regions: adds /topology/regions and the per-trial impact datasets; NULL
     * writes neither (files of tests made without an engine). */
    const cs_region_table *regions;
    /** The intact network's outcome (row 0 of a batch of the run's datasets, made by
     * cs_engine_intact_batch): outcome 0 of a file of format 2. NULL: the outcomes are numbered
     * from the first trial's. */
    const cs_trial_batch *intact;
    /** [edges] what each edge holds of the demand spread in proportion to capacity (the
     * restoration model's s_e, cs_engine_held): /baseline/held_tbps, written with the regions. */
    const double *held_tbps;
} cs_results_meta;

/**
 * The trials of part i of n of a run of trials trials (cablesim run --shard i/n): *first ..
 * *first + *count - 1, with first = floor(i * trials / n). The parts of 0..n-1 tile the trials.
 */
void cs_results_part(uint64_t trials, uint64_t i, uint64_t n, uint64_t *first, uint64_t *count);

typedef struct cs_results cs_results_t;

/**
 * Creates (truncates) the file at path and writes the root attributes
 * (with complete = 0), /topology, /baseline and empty /trials datasets.
 * \return CS_OK, CS_EIO (cannot create) or CS_EHDF5.
 */
cs_status cs_results_create(cs_results_t **out, const char *path, const cs_results_meta *m,
                            cs_error *err);
/**
 * Reopens an incomplete results file to add the trials it lacks (one process; several:
 * cs_results_resume_mpi). Checks that it is a cablesim results file with complete = 0 made with
 * m's seed, trial count and topology and demand (sha256), and that its per-trial datasets agree
 * on how many trials they hold: cs_results_written() tells.
 * \return CS_OK, CS_EIO (cannot open), CS_EINVAL (not resumable: message says why), CS_EHDF5.
 */
cs_status cs_results_resume(cs_results_t **out, const char *path, const cs_results_meta *m,
                            cs_error *err);
/**
 * Makes the file of a writer that was killed (kill -9, a lost node: the file was never closed)
 * openable again, as `h5clear -s` does: clears the superblock's "open for writing" flag. Every
 * write of trials ends with a flush, so the file then holds the trials of every completed write,
 * which cs_results_resume() continues. Does nothing to a file that was closed or is not HDF5;
 * refuses (CS_EINVAL) while another process holds the file open for writing (HDF5's flock).
 * cs_results_resume() calls it; call it first when reading such a file.
 * \return CS_OK, CS_EINVAL, CS_EIO (cannot write the superblock).
 */
cs_status cs_results_recover(const char *path, cs_error *err);
/**
 * Whether the file at path is an HDF5 file (superblock version 2 or 3, as cablesim writes)
 * shorter than the end-of-file address its superblock records; the two sizes go to *size and
 * *recorded. Read-only; false when it cannot tell.
 */
bool cs_results_cut_short(const char *path, uint64_t *size, uint64_t *recorded);
/** The suffix of the name a results file is compacted under (cs_results_compact). */
#define CS_RESULTS_COMPACT_TMP ".compact.tmp"
/**
 * Rewrites the complete results file at path without its dead space (docs/hdf5-schema.md,
 * "Compaction"): every root attribute and object is copied (chunks as stored) into
 * "<path>.compact.tmp", which is synced and renamed over path. Every dataset and attribute
 * keeps its type, shape, chunks, filters and values; in a file of format 4 and later, each
 * float64 outcome table is written as a dictionary table instead (the same values once decoded,
 * docs/hdf5-schema.md "Dictionary tables"). A file that is not complete is left as it is
 * (*compacted false). On failure the temporary file is removed and path is the complete file
 * as it was.
 * \return CS_OK, CS_EINVAL (name too long), CS_EHDF5, CS_EIO.
 */
cs_status cs_results_compact(const char *path, bool *compacted, cs_error *err);
/**
 * The float64 outcome tables of a run as its writer wrote them, kept in memory
 * (cs_results_close_keep), so that the compaction of the complete file encodes them as
 * dictionary tables without reading them back from the file (docs/hdf5-schema.md, "Dictionary
 * tables").
 */
typedef struct cs_results_tables cs_results_tables;
/**
 * cs_results_compact() with the tables kept by the writer of the file (NULL: none): a table kept
 * with as many rows and columns as the file's is taken from memory instead of the file. The
 * file is the same as cs_results_compact() makes (the kept rows are those written).
 */
cs_status cs_results_compact_kept(const char *path, const cs_results_tables *kept, bool *compacted,
                                  cs_error *err);
/** Frees tables kept by cs_results_close_keep() (accepts NULL). */
void cs_results_tables_free(cs_results_tables *t);
/**
 * Whether the results file at path is of format 4 or later and has an outcome table its
 * compaction would write as a dictionary table (a run resumed in place is compacted then).
 * Read-only; false when it cannot tell.
 */
bool cs_results_wants_dictionary(const char *path);
/**
 * Whether the results file at path holds a commit record (docs/hdf5-schema.md, "Commit
 * protocol") of at least one trial that reads, with the root attributes a resume reads: false
 * when it is empty, HDF5 cannot open it, no trial was committed, or the record or those
 * attributes are missing or torn, which is what a run killed while making its file leaves (call
 * cs_results_recover first). Read-only. seen: the caller's record of the raw check of the file
 * (cs_file_checked, inspect.h), or NULL.
 */
bool cs_results_has_commit(const char *path, cs_file_checked *seen);
/**
 * Reads the root attributes `scenario` (into *text, malloc'd, owned by the caller) and `as_of`
 * of the results file at path, for resuming it. seen: the caller's record of the raw check of the
 * file (cs_file_checked, inspect.h), or NULL. \return CS_OK, CS_EIO, CS_EINVAL, CS_ENOMEM.
 */
cs_status cs_results_scenario_text(const char *path, cs_file_checked *seen, char **text,
                                   int32_t *as_of, cs_error *err);
/**
 * Loads the scenario stored in the results file at path, finding its inputs again
 * (docs/scenarios.md, "Paths of a stored run"): its relative paths start from the first of
 * $CABLESIM_INPUT_DIR, the scenario's directory when it ran (root attribute scenario_dir_abs),
 * that directory from the results file's (scenario_dir_rel), as given (scenario_dir_given, from
 * the working directory), the working directory and the results file's directory from which
 * every input it names (topology, demand, fleets) is found; an absolute topology or demand path
 * that no longer exists is replaced by topology_path_rel (demand_path_rel) from the results
 * file's directory, else by its file name under $CABLESIM_INPUT_DIR. \return CS_OK; CS_EIO
 * (cannot read the file; an input not found: the message lists what was tried and names
 * CABLESIM_INPUT_DIR); CS_EINVAL, CS_EPARSE (as cs_scenario_load_string); CS_ENOMEM. seen: the
 * caller's record of the raw check of the file (cs_file_checked, inspect.h), or NULL.
 */
cs_status cs_results_load_scenario(cs_scenario **out, const char *path, cs_file_checked *seen,
                                   cs_error *err);
/**
 * The part range stored in the results file at path (cablesim run --shard): *n = 0 when the file
 * holds every trial. seen: the caller's record of the raw check of the file (cs_file_checked,
 * inspect.h), or NULL. \return CS_OK, CS_EIO (cannot open), CS_EINVAL (bad attributes).
 */
cs_status cs_results_part_range(const char *path, cs_file_checked *seen, uint64_t *first,
                                uint64_t *n, cs_error *err);
/**
 * Appends batches b[0..nb-1]. Taken together (over every rank with MPI), the non-empty batches,
 * ordered by first trial, must be consecutive trials starting at the first unwritten one. With
 * MPI (the writer made by cs_results_create_mpi or cs_results_resume_mpi, results_mpi.h) the
 * call is collective: every rank passes its batches (any number, possibly none) and writes them
 * at their place, so the file is the same as one process writing every batch in trial order,
 * whichever rank ran which. Under MPI the ranks agree after what each does alone before a
 * collective call of HDF5 (selecting its rows): when one fails there, every rank returns the
 * same error (the lowest failing rank's message) and cs_results_failed() is true on every rank.
 * A failure inside a collective call of HDF5 cannot be agreed on (the others may wait inside
 * HDF5): it is the failing rank's alone (cs_results_failed_alone, results_mpi.h), and the
 * caller must end the job from that rank. A full disk under MPI-IO ends the job inside MPI
 * (cs_mpi_on_io_failure). Either way the file resumes from its last commit.
 */
cs_status cs_results_write_batches(cs_results_t *w, const cs_trial_batch *const *b, size_t nb,
                                   cs_error *err);
/**
 * Wall time the caller waited for writes of trials so far (0 for NULL): the time spent in
 * cs_results_write_batches(), and in cs_results_async_submit() and cs_results_async_wait()
 * (the waits for a writer thread and the handing over). The cost of writing to a run.
 */
double cs_results_write_seconds(const cs_results_t *w);
/** Wall time a writer thread (cs_results_async) spent writing trials (0 for NULL or none). */
double cs_results_thread_seconds(const cs_results_t *w);
/** cs_results_write_batches() with one batch. */
cs_status cs_results_write_batch(cs_results_t *w, const cs_trial_batch *b, cs_error *err);

/**
 * A second thread that writes the batches of a one-process writer while the caller fills the
 * next one (docs/hdf5-schema.md, "Writing on a second thread"). The thread makes the same
 * cs_results_write_batch() calls in the same order as the caller would: the file is the same,
 * byte for byte, and each write commits as a synchronous one does. Between
 * cs_results_async_init() and cs_results_async_destroy() nothing but these functions may use
 * w, and only from the thread that made it: every HDF5 call on w is then the writer thread's,
 * one at a time (HDF5 is not thread-safe here). The thread blocks the asynchronous signals
 * (they go to the caller's threads); SIGXFSZ and the faults of its own writes stay its own.
 */
typedef struct cs_results_async cs_results_async;
/**
 * Starts the writer thread of w (made by cs_results_create or cs_results_resume: one process).
 * \return CS_OK, CS_EINVAL (w is an MPI writer), CS_ENOMEM, CS_EIO (no thread).
 */
cs_status cs_results_async_init(cs_results_async **out, cs_results_t *w, cs_error *err);
/**
 * Waits for the write in progress, then hands b to the thread and returns at once: b must stay
 * as it is until the next cs_results_async_submit() or cs_results_async_wait() returns. When an
 * earlier write failed, returns its error (the same status and message as the synchronous
 * write) and hands nothing: no later batch is written.
 * \return CS_OK or a failed write's status (results.h's cs_results_write_batches).
 */
cs_status cs_results_async_submit(cs_results_async *a, const cs_trial_batch *b, cs_error *err);
/**
 * Waits until every batch handed is written and committed (the writer thread idle); returns
 * the first failed write's status and message, or CS_OK.
 */
cs_status cs_results_async_wait(cs_results_async *a, cs_error *err);
/**
 * Waits for the write in progress (its outcome is then lost: call cs_results_async_wait()
 * first to learn it), ends the thread and frees a (accepts NULL). w is the caller's again.
 */
void cs_results_async_destroy(cs_results_async *a);
/**
 * Reads back rows row .. row + n - 1 of the trials written (n <= b's capacity) into b: only
 * unserved_tbps, served_tbps and pair_cut (the failure lists stay empty), for the summary of a
 * resumed run. Collective with MPI: every rank calls it, with n = 0 to read nothing.
 * \return CS_OK, CS_EINVAL (beyond what is written, or b of other sizes), CS_EHDF5.
 */
cs_status cs_results_read_back(cs_results_t *w, uint64_t row, size_t n, cs_trial_batch *b,
                               cs_error *err);
/** Whether a write of w failed (on any rank, agreed by all under MPI): the job can end cleanly,
 * every rank closing the file, rather than abort. false for NULL. */
bool cs_results_failed(const cs_results_t *w);
/** The number of trials written in the file (from its first trial: 0 but in a part). */
uint64_t cs_results_written(const cs_results_t *w);
/**
 * Closes the file and frees w (accepts NULL); collective with MPI. With complete = true, first
 * checks that every trial of the scenario was written, then sets the root
 * attribute complete = 1 as the last write; otherwise complete stays 0.
 */
cs_status cs_results_close(cs_results_t *w, bool complete, cs_error *err);
/**
 * cs_results_close(), and when the file was closed complete, *kept receives the outcome tables
 * the writer kept in memory for cs_results_compact_kept() (else NULL; free with
 * cs_results_tables_free). A writer keeps them when it made the file on one process in format 4
 * or later, up to CS_RESULTS_KEEP_MAX bytes (beyond, it drops them and the compaction reads the
 * file).
 */
cs_status cs_results_close_keep(cs_results_t *w, bool complete, cs_results_tables **kept,
                                cs_error *err);
/** The most bytes of outcome tables a writer keeps in memory (cs_results_close_keep). */
#define CS_RESULTS_KEEP_MAX ((size_t)512 << 20)

/**
 * Joins the parts written by `cablesim run --shard I/N` (paths[0..n-1], in any order) into out,
 * the file one run of the scenario writes: every dataset and attribute but `created` is
 * identical. Each part must be complete, from the same scenario (seed, trials, as_of, topology
 * and demand included) and this cablesim version; together they must hold every trial once; out
 * must not be one of them. The output is made from the first part (no engine, the inputs are not
 * read), filled buffer bytes at a time per dataset (memory does not grow with the trials),
 * written as out.tmp-PID and renamed to out at the end: on failure no out is left. *trials and
 * *seed receive the run's.
 * \return CS_OK, CS_EIO (a part cannot be read, the output cannot be written), CS_EINVAL (a
 * missing, overlapping, incomplete or mismatched part), CS_EHDF5, CS_ENOMEM.
 */
cs_status cs_results_merge(const char *out, const char *const *paths, size_t n, size_t buffer,
                           uint64_t *trials, uint64_t *seed, cs_error *err);

#endif /* CS_RESULTS_H */
