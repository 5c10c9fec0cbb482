/*
 * mpirun.h: running a scenario's trials on several MPI ranks that write one results file.
 *
 * Work is handed out in blocks on demand, because trial costs differ by orders of magnitude
 * (a greedy worst-case cut against a random fault): a shared counter (an MPI window on rank 0,
 * MPI_Fetch_and_op) gives each rank its next block when it is free. Ranks keep the blocks they
 * ran and write them together, epoch by epoch (an epoch is a run of consecutive blocks), in one
 * collective write each, so the file always holds a prefix of the trials and is, dataset by
 * dataset, the file one process writes. A rank that has done its part of an epoch does not wait
 * for the others: it announces it with a non-blocking reduction and goes on with later blocks
 * until everyone has, then joins the write. docs/hpc.md has the details and the measurements.
 */
#ifndef CS_MPIRUN_H
#define CS_MPIRUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <mpi.h>

#include "cablesim/engine.h"
#include "cablesim/error.h"
#include "cablesim/results.h"

/**
 * The processes a run is shared by, for cs_mpirun, cs_run_summary_reduce and results_mpi.h:
 * cs_mpi_world() (every process of the job) or CS_COMM_NONE (one process, no MPI). The CLI goes
 * through these and makes no MPI call of its own.
 */
typedef MPI_Comm cs_comm;
#define CS_COMM_NONE MPI_COMM_NULL

/** Whether an MPI launcher (mpirun, mpiexec, srun) started this process: its environment. */
bool cs_mpi_launched(void);
/** Initialises MPI (once per process) and gives this process's rank and the job's size.
 * \return CS_OK, CS_EIO (MPI cannot start). */
cs_status cs_mpi_start(int *rank, int *size, cs_error *err);
/** Every process of the job (after cs_mpi_start). */
cs_comm cs_mpi_world(void);
/** The rank of this process in c and the size of c (0 and 1 for CS_COMM_NONE). */
void cs_mpi_rank_size(cs_comm c, int *rank, int *size);
/** Rank 0's v, on every rank of c (collective; v itself for CS_COMM_NONE). */
int cs_mpi_share_int(cs_comm c, int v);
/** The largest v of any rank of c, on every rank (collective; v itself for CS_COMM_NONE): a
 * status every rank agrees on, any rank's failure (a non-zero status) winning over success. */
int cs_mpi_max_int(cs_comm c, int v);
/** Whether mine is true on any rank of c (collective; mine itself for CS_COMM_NONE). */
bool cs_mpi_any(cs_comm c, bool mine);
/** Ends every process of c with status (a rank that fails mid-run cannot leave the others
 * waiting in a collective call). Does not return. */
void cs_mpi_abort(cs_comm c, int status);
/**
 * Called on a rank where an MPI-IO operation on an open file failed, with MPI's description of
 * the error. own: this process's write failed (a full disk, past `ulimit -f`: errno ENOSPC,
 * EFBIG, EDQUOT, EIO or EROFS, whose description leads cause); false when a collective call
 * passed on another rank's failure, whose own call then fails too. It must end the job
 * (cs_mpi_abort) and not return.
 */
typedef void (*cs_mpi_io_failure_fn)(const char *cause, bool own);
/**
 * Makes every failed MPI-IO operation on an open file of this process call fn at once, inside
 * the call that failed (MPI_File_set_errhandler on MPI_FILE_NULL: the default of files opened
 * later). Parallel HDF5 cannot be left to report such a failure: the failing rank's metadata
 * cache no longer matches the others', and the ranks wait for each other in different
 * collective calls forever. A file that cannot be opened still returns its error to the caller.
 * \return CS_OK, CS_EIO (MPI refused the handler).
 */
cs_status cs_mpi_on_io_failure(cs_mpi_io_failure_fn fn, cs_error *err);
/** Finalises MPI (after cs_mpi_start). */
void cs_mpi_stop(void);

/** Blocks per rank in an epoch: the writes come every this many blocks per rank. */
#define CS_MPIRUN_EPOCH_BLOCKS 4
/** Blocks a rank that is ready for a write may hold before it waits for it. (Before, a rank
 * may hold every block of the epoch it has taken: up to CS_MPIRUN_EPOCH_BLOCKS x ranks when
 * the others are all busy with one long block each.) */
#define CS_MPIRUN_MAX_HELD (2 * CS_MPIRUN_EPOCH_BLOCKS)

typedef struct {
    cs_comm comm;
    uint64_t start, end; /**< the trials to run: [start, end), start the first unwritten one */
    uint64_t block;      /**< trials per block (>= 1) */
    size_t cache_slots;  /**< routing cache of each rank's engine */
    /** Set asynchronously (a signal handler) to stop: the blocks taken are finished and written,
     * no other is taken. May be NULL. */
    volatile sig_atomic_t *stop;
    /** When > 0, no block at or beyond this many blocks from start is taken: the run stops
     * after exactly that many blocks, as after a stop request (for tests and checkpoints). */
    uint64_t stop_after_blocks;
    /** Called on every rank after every write with the trials (of all ranks) and blocks done so
     * far. May be NULL. */
    void (*progress)(void *ctx, uint64_t done, uint64_t total, uint64_t blocks, uint64_t nblocks);
    void *progress_ctx;
} cs_mpirun_options;

/**
 * Runs trials [o->start, o->end) on every rank of o->comm (collective: every rank calls it with
 * the same options and an engine of the same scenario), writing them to w (NULL: only the
 * summaries) and adding each rank's trials to its sum. *done receives, on every rank, the number
 * of trials run by all ranks together: fewer than end - start after a stop request, and then the
 * file holds exactly trials start .. start + *done - 1.
 * A rank that meets an error returns it, but cannot tell the others, which may wait for it in a
 * collective call: the caller must abort the job (MPI_Abort).
 * \return CS_OK, CS_EINVAL, CS_ENOMEM, CS_EIO (MPI), CS_EHDF5, routing errors.
 */
cs_status cs_mpirun(cs_engine_t *e, cs_results_t *w, const cs_mpirun_options *o,
                    cs_run_summary *sum, uint64_t *done, cs_error *err);

/**
 * Gathers every rank's summary to rank 0 and merges them there, in rank order, into *sum
 * (cs_run_summary_merge: Welford's statistics merged pairwise, counts added, the worst trial the
 * lowest index on ties): rank 0's sum is then the whole run's, as one process would have made
 * it; other ranks' sums are left as they were. Collective over comm; sum was made by
 * cs_run_summary_init for e. \return CS_OK, CS_ENOMEM, CS_EIO (MPI), CS_EINVAL (summaries that
 * do not merge).
 */
cs_status cs_run_summary_reduce(cs_run_summary *sum, const cs_engine_t *e, cs_comm comm,
                                cs_error *err);

#endif /* CS_MPIRUN_H */
