/*
 * batch.h: the in-memory outcome of consecutive trials, as the results writer takes it.
 *
 * No MPI and no HDF5 here: the engine fills a cs_trial_batch (cs_trial_batch_add and
 * cs_trial_batch_add_recovery for the datasets every run has; cs_trial_batch_row and
 * cs_trial_batch_append for any per-trial dataset of the schema, results_schema.h) and hands it
 * to the writer (results.h). Storage is kept per dataset of the schema, so a new per-trial
 * dataset needs no change here.
 */
#ifndef CS_BATCH_H
#define CS_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cablesim/error.h"
#include "cablesim/failures.h"
#include "cablesim/recovery.h"
#include "cablesim/results_schema.h"
#include "cablesim/routing.h"

/** The storage of one per-trial dataset in a batch. */
typedef struct {
    bool present;     /**< the batch holds this dataset */
    size_t cols;      /**< elements per trial row (1 for a vector); 0 for a values list */
    size_t esize;     /**< bytes per element */
    void *rows;       /**< rows "trial": [capacity x cols] elements */
    uint32_t *counts; /**< rows "values": elements per trial, [capacity] */
    void *values;     /**< rows "values": n_values used of cap_values elements */
    size_t n_values, cap_values;
} cs_batch_data;

/** Outcomes of consecutive trials first_trial .. first_trial + n - 1. */
typedef struct {
    uint64_t first_trial;
    size_t n, capacity;
    size_t n_demands, n_edges, n_nodes, n_pairs;
    cs_batch_data data[CS_DS_COUNT]; /**< indexed by dataset (static ones stay absent) */
    /* Shortcuts into data[] for the engine and the run summary. */
    double *served_tbps;    /**< [capacity x n_demands] */
    double *latency_ms;     /**< [capacity x n_demands] */
    double *unserved_tbps;  /**< [capacity] */
    double *edge_flow_tbps; /**< [capacity x n_edges], NULL when not recorded */
    unsigned char
        *pair_cut; /**< [capacity x n_pairs], 1 when the (city, region) pair lost all paths */
    uint32_t *n_failed_edges; /**< [capacity] */
    uint32_t *n_failed_nodes; /**< [capacity] */
    /** [capacity] per trial UINT32_MAX, or the earlier trial j of the batch whose outcome (its
     * rows of every dataset with rows "outcome": served, latency, edge flow, pair cuts, region
     * figures) the trial shares bit for bit: then its own rows of those datasets are not stored
     * (cs_trial_batch_add_same), and readers of the batch take j's. */
    uint32_t *same_as;
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

/** The foreign regions with demand from Japan (/topology/regions; the engine's). */
typedef struct {
    size_t n;
    const char *const *name;        /**< [n] */
    const double *demand_tbps;      /**< [n] scaled demand the intact network reaches */
    const unsigned char *reachable; /**< [n] 0 when it reaches none of it */
} cs_region_table;
/** Bytes of a packed record of /trials/cuts: edge (u32), lon_deg, lat_deg, depth_m (f64),
 * waters (u8), hazard (i32), time_days (f64), little-endian, in this order. */
#define CS_CUT_RECORD_BYTES 41
/** Bytes of a packed record of /trials/hazard_events: hazard (i32), magnitude, lon0_deg,
 * lat0_deg, lon1_deg, lat1_deg, length_km (f64), target (i32), cuts (u32). */
#define CS_EVENT_RECORD_BYTES 60

/** The (Japanese city, foreign region) pairs whose loss of connectivity is tracked. */
typedef struct {
    size_t n;
    const size_t *origin;      /**< [n] node index of the city */
    const char *const *region; /**< [n] region name */
} cs_pair_table;

/**
 * Allocates a batch of capacity trials with the datasets every run may write (the failure
 * lists, served, latency, unserved, pair_cut; edge flows when edge_flow).
 * \return CS_OK, CS_EINVAL (capacity 0, more than 2^32 - 1 edges or nodes), CS_ENOMEM.
 */
cs_status cs_trial_batch_init(cs_trial_batch *b, size_t capacity, size_t n_demands, size_t n_edges,
                              size_t n_nodes, size_t n_pairs, bool edge_flow, cs_error *err);
void cs_trial_batch_destroy(cs_trial_batch *b);
/** Empties the batch; its next trial is first_trial. */
void cs_trial_batch_reset(cs_trial_batch *b, uint64_t first_trial);
/**
 * Appends one trial: its failures, routing and pair cut flags (pair_cut may
 * be NULL when n_pairs is 0). The batch must not be full. Every other per-trial dataset of the
 * batch starts the trial as zeros (rows) or empty (lists).
 */
cs_status cs_trial_batch_add(cs_trial_batch *b, const cs_failures *f, const cs_routing_result *r,
                             const unsigned char *pair_cut, cs_error *err);

/**
 * Appends one trial as cs_trial_batch_add does, whose outcome is that of trial j (< n) of the
 * batch, bit for bit (the caller knows: the same routing, and no row of an outcome dataset that
 * depends on more than the routing, such as the headroom): its rows of the datasets with rows
 * "outcome" are neither copied nor to be filled (same_as[n] = j). Its failures and unserved
 * traffic (from r) are its own. \return CS_OK, CS_EINVAL (j not an earlier trial, no room),
 * CS_ENOMEM.
 */
cs_status cs_trial_batch_add_same(cs_trial_batch *b, const cs_failures *f,
                                  const cs_routing_result *r, size_t j, cs_error *err);

/** same_as[i] of b: UINT32_MAX when trial i has its own rows (or b keeps no same_as). */
static inline uint32_t cs_trial_batch_same(const cs_trial_batch *b, size_t i)
{
    return b->same_as != NULL ? b->same_as[i] : UINT32_MAX;
}

/**
 * Records the cuts and hazard events of f, the failures of the batch's last added trial (call
 * right after cs_trial_batch_add), waters[i] being the waters class (cs_waters) of cut i.
 * \return CS_OK, CS_EINVAL (no trial), CS_ENOMEM.
 */
cs_status cs_trial_batch_add_cuts(cs_trial_batch *b, const cs_failures *f,
                                  const unsigned char *waters, cs_error *err);

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

/**
 * Adds storage for per-trial dataset d (rows "trial": cols elements per trial, 1 for a vector;
 * rows "values": cols is ignored) to an initialised, empty batch; nothing when it has it.
 * \return CS_OK, CS_EINVAL (d is static or offsets), CS_ENOMEM.
 */
cs_status cs_trial_batch_enable(cs_trial_batch *b, cs_dataset_id d, size_t cols, cs_error *err);
/** Whether the batch holds dataset d. */
bool cs_trial_batch_has(const cs_trial_batch *b, cs_dataset_id d);
/** Row i (< n) of rows-"trial" dataset d, to fill; NULL when the batch does not hold d. */
void *cs_trial_batch_row(cs_trial_batch *b, cs_dataset_id d, size_t i);
/**
 * Appends n elements (of d's schema type, packed as in the file) to values list d for the
 * batch's last added trial. \return CS_OK, CS_EINVAL (no trial, d not a list of the batch),
 * CS_ENOMEM.
 */
cs_status cs_trial_batch_append(cs_trial_batch *b, cs_dataset_id d, const void *v, size_t n,
                                cs_error *err);

#endif /* CS_BATCH_H */
