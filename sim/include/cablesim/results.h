/*
 * results.h: trial batches and the HDF5 results file (docs/hdf5-schema.md).
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

#include <mpi.h>

#include "cablesim/demand.h"
#include "cablesim/error.h"
#include "cablesim/failures.h"
#include "cablesim/recovery.h"
#include "cablesim/routing.h"
#include "cablesim/scenario.h"
#include "cablesim/topology.h"

/** Version of the file layout; bumped on any incompatible change. */
#define CS_RESULTS_FORMAT_VERSION 1

/** Outcomes of consecutive trials first_trial .. first_trial + n - 1. */
typedef struct {
    uint64_t first_trial;
    size_t n, capacity;
    size_t n_demands, n_edges, n_nodes, n_pairs;
    double *served_tbps;    /**< [capacity x n_demands] */
    double *latency_ms;     /**< [capacity x n_demands] */
    double *unserved_tbps;  /**< [capacity] */
    double *edge_flow_tbps; /**< [capacity x n_edges], NULL when not recorded */
    unsigned char
        *pair_cut; /**< [capacity x n_pairs], 1 when the (city, region) pair lost all paths */
    uint32_t *n_failed_edges; /**< [capacity] */
    uint32_t *n_failed_nodes; /**< [capacity] */
    uint32_t *failed_edges;   /**< concatenated failed edge indices, n_fe used of cap_fe */
    size_t n_fe, cap_fe;
    uint32_t *failed_nodes; /**< concatenated failed node indices */
    size_t n_fn, cap_fn;
    /* Recovery over time (cs_trial_batch_init_recovery); n_steps = 0 and NULLs without. */
    size_t n_steps, n_ships;
    double *ts_served_tbps;     /**< [capacity x n_steps] */
    uint32_t *ts_queue_length;  /**< [capacity x n_steps] */
    double *rec_t50_days;       /**< [capacity] */
    double *rec_t90_days;       /**< [capacity] */
    double *rec_t100_days;      /**< [capacity] */
    double *rec_capacity_days;  /**< [capacity] capacity Tbps-days lost */
    double *rec_unserved_days;  /**< [capacity] unserved Tbps-days */
    double *rec_ship_busy_days; /**< [capacity x n_ships] */
    uint32_t *n_faults;         /**< [capacity] faults per trial */
    unsigned char *faults;      /**< concatenated packed fault records (CS_FAULT_RECORD_BYTES
                                   each, as in the file), n_fr used of cap_fr */
    size_t n_fr, cap_fr;
} cs_trial_batch;

/**
 * One row of /recovery/faults. In batches and in the file a record is packed in
 * CS_FAULT_RECORD_BYTES bytes, little-endian, fields in this order: edge, fail_days, ship,
 * dispatch_days, start_days, end_days, waters (docs/hdf5-schema.md). Packed, the memory and file
 * types are the same, which parallel HDF5's collective writes of compressed data need.
 */
#define CS_FAULT_RECORD_BYTES 41
typedef struct cs_fault_record {
    uint32_t edge;        /**< row of /topology/edges */
    int32_t ship;         /**< row of /recovery/ships, -1 when none came within the horizon */
    double fail_days;     /**< failure time */
    double dispatch_days; /**< ship called; +inf when none */
    double start_days;    /**< work starts; +inf when not within the horizon */
    double end_days;      /**< repaired; +inf when not within the horizon */
    uint8_t waters;       /**< cs_waters: 0 domestic, 1 foreign, 2 contested */
} cs_fault_record;

cs_status cs_trial_batch_init(cs_trial_batch *b, size_t capacity, size_t n_demands, size_t n_edges,
                              size_t n_nodes, size_t n_pairs, bool edge_flow, cs_error *err);
void cs_trial_batch_destroy(cs_trial_batch *b);
/** Empties the batch; its next trial is first_trial. */
void cs_trial_batch_reset(cs_trial_batch *b, uint64_t first_trial);
/**
 * Appends one trial: its failures, routing and pair cut flags (pair_cut may
 * be NULL when n_pairs is 0). The batch must not be full.
 */
cs_status cs_trial_batch_add(cs_trial_batch *b, const cs_failures *f, const cs_routing_result *r,
                             const unsigned char *pair_cut, cs_error *err);

/**
 * Adds room for recovery outcomes (n_steps grid points, n_ships ships) to an initialised batch.
 * \return CS_OK, CS_ENOMEM.
 */
cs_status cs_trial_batch_init_recovery(cs_trial_batch *b, size_t n_steps, size_t n_ships,
                                       cs_error *err);
/**
 * Records the recovery outcome o of the batch's last added trial (call right after
 * cs_trial_batch_add). \return CS_OK, CS_EINVAL (no trial, sizes differ), CS_ENOMEM.
 */
cs_status cs_trial_batch_add_recovery(cs_trial_batch *b, const cs_recovery_outcome *o,
                                      cs_error *err);

/** The (Japanese city, foreign region) pairs whose loss of connectivity is tracked. */
typedef struct {
    size_t n;
    const size_t *origin;      /**< [n] node index of the city */
    const char *const *region; /**< [n] region name */
} cs_pair_table;

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
 * As cs_results_create(), for the processes of comm together (collective: every rank calls it
 * with the same arguments) through MPI-IO; comm = MPI_COMM_NULL is cs_results_create(). The
 * caller has initialised MPI.
 */
cs_status cs_results_create_mpi(cs_results_t **out, const char *path, const cs_results_meta *m,
                                MPI_Comm comm, cs_error *err);
/**
 * Reopens an incomplete results file to add the trials it lacks (collective over comm, or
 * MPI_COMM_NULL for one process). Checks that it is a cablesim results file with complete = 0
 * made with m's seed, trial count and topology and demand (sha256), and that its /trials
 * datasets agree on how many trials they hold: cs_results_written() tells.
 * \return CS_OK, CS_EIO (cannot open), CS_EINVAL (not resumable: message says why), CS_EHDF5.
 */
cs_status cs_results_resume(cs_results_t **out, const char *path, const cs_results_meta *m,
                            MPI_Comm comm, cs_error *err);
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
 * Reads the root attributes `scenario` (into *text, malloc'd, owned by the caller) and `as_of`
 * of the results file at path, for resuming it. \return CS_OK, CS_EIO, CS_EINVAL, CS_ENOMEM.
 */
cs_status cs_results_scenario_text(const char *path, char **text, int32_t *as_of, cs_error *err);
/**
 * The part range stored in the results file at path (cablesim run --shard): *n = 0 when the file
 * holds every trial. \return CS_OK, CS_EIO (cannot open), CS_EINVAL (bad attributes).
 */
cs_status cs_results_part_range(const char *path, uint64_t *first, uint64_t *n, cs_error *err);
/**
 * Appends batches b[0..nb-1]. Taken together (over every rank with MPI), the non-empty batches,
 * ordered by first trial, must be consecutive trials starting at the first unwritten one. With
 * MPI (the writer made by cs_results_create_mpi or cs_results_resume over a communicator) the
 * call is collective: every rank passes its batches (any number, possibly none) and writes them
 * at their place, so the file is the same as one process writing every batch in trial order,
 * whichever rank ran which. A rank that gets an error cannot tell the others: abort the job.
 */
cs_status cs_results_write_batches(cs_results_t *w, const cs_trial_batch *const *b, size_t nb,
                                   cs_error *err);
/** Wall time spent in cs_results_write_batches() so far (0 for NULL): the cost of writing. */
double cs_results_write_seconds(const cs_results_t *w);
/** cs_results_write_batches() with one batch. */
cs_status cs_results_write_batch(cs_results_t *w, const cs_trial_batch *b, cs_error *err);
/**
 * Reads back rows row .. row + n - 1 of the trials written (n <= b's capacity) into b: only
 * unserved_tbps, served_tbps and pair_cut (the failure lists stay empty), for the summary of a
 * resumed run. Collective with MPI: every rank calls it, with n = 0 to read nothing.
 * \return CS_OK, CS_EINVAL (beyond what is written, or b of other sizes), CS_EHDF5.
 */
cs_status cs_results_read_back(cs_results_t *w, uint64_t row, size_t n, cs_trial_batch *b,
                               cs_error *err);
/** The number of trials written in the file (from its first trial: 0 but in a part). */
uint64_t cs_results_written(const cs_results_t *w);
/**
 * Closes the file and frees w (accepts NULL); collective with MPI. With complete = true, first
 * checks that every trial of the scenario was written, then sets the root
 * attribute complete = 1 as the last write; otherwise complete stays 0.
 */
cs_status cs_results_close(cs_results_t *w, bool complete, cs_error *err);

#endif /* CS_RESULTS_H */
