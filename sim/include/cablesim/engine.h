/*
 * engine.h: the Monte Carlo trial loop.
 *
 * An engine is built once from a scenario: it loads the topology (as of the
 * scenario's year) and the demand, configures the hazards, routes the intact
 * network (the baseline), and then runs trials: trial t seeds its own random
 * stream from (seed, t) (rng.h), every hazard adds its failures, the demand is
 * rerouted over what survives, and the outcome goes to a batch that the
 * results writer appends to the file. Results are therefore identical
 * whatever range of trials a process runs.
 *
 * Work that cannot change the result is skipped: with latency-first routing a
 * trial whose failures touch no edge carrying flow in the intact network keeps
 * the intact routing (shortest paths that avoided those edges stay shortest,
 * with the same tie-breaks), and repeated failure sets are looked up in a
 * cache of earlier routings. Both shortcuts return exactly what routing again
 * would.
 */
#ifndef CS_ENGINE_H
#define CS_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cablesim/demand.h"
#include "cablesim/error.h"
#include "cablesim/recovery.h"
#include "cablesim/results.h"
#include "cablesim/routing.h"
#include "cablesim/scenario.h"
#include "cablesim/topology.h"

typedef struct cs_engine cs_engine_t;

/** How to run. Initialise with CS_ENGINE_OPTIONS_INIT. */
typedef struct {
    uint64_t first_trial; /**< first trial to run */
    uint64_t n_trials;    /**< how many; UINT64_MAX = up to the scenario's trials */
    /** Set asynchronously (a signal handler) to stop: checked before every trial; the trials
     * run are written (a partial batch too) and the run returns CS_EINTR. May be NULL. */
    volatile sig_atomic_t *stop;
    /** Called after every batch and at the end. May be NULL. */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
    size_t cache_slots; /**< routing cache size (0 disables it) */
} cs_engine_options;

/** The routing cache's default size (slots). */
#define CS_ENGINE_CACHE_SLOTS 4096

#define CS_ENGINE_OPTIONS_INIT                                                                     \
    {                                                                                              \
        .first_trial = 0, .n_trials = UINT64_MAX, .stop = NULL, .progress = NULL,                  \
        .progress_ctx = NULL, .cache_slots = CS_ENGINE_CACHE_SLOTS                                 \
    }

/** Statistics accumulated over the trials run (Welford's online mean and variance). */
typedef struct {
    uint64_t trials;
    double mean_unserved, m2_unserved; /**< Tbps; m2 = sum of squared deviations */
    double max_unserved;
    uint64_t worst_trial; /**< trial with the largest unserved demand (lowest index on ties) */
    size_t n_regions;     /**< foreign regions with demand from Japan */
    const char *const *regions; /**< [n_regions], borrowed from the engine */
    uint64_t *region_cut; /**< [n_regions] trials in which every Japanese city lost the region */
    uint64_t *demand_unserved_trials; /**< [n_demands] trials with some demand unserved */
    double *served_sum;               /**< [n_demands] sum of served Tbps (for means) */
    size_t n_demands;
    uint64_t skipped;    /**< trials that kept the intact routing */
    uint64_t cache_hits; /**< trials answered from the routing cache */
    uint64_t routed;     /**< trials routed */
    bool interrupted;    /**< the run stopped early on request */
    /* Recovery (scenarios with `recovery:`; zero and NULL otherwise). Counts and sums only, so
     * that summaries of disjoint trials merge exactly (sums up to rounding). */
    bool recovery;
    double horizon_days;
    size_t n_ships;
    double *ship_busy_sum;    /**< [n_ships] sum over trials of busy days */
    double unserved_days_sum; /**< sum over trials of unserved Tbps-days */
    double capacity_days_sum; /**< sum over trials of capacity Tbps-days lost */
    uint64_t *t90_hist;       /**< [CS_RUN_T90_BINS + 1] trials by t90: bin b holds t90 in
                                  (b - 1, b] x horizon / bins (bin 0: t90 = 0); the last, not restored */
} cs_run_summary;

/** Bins of the t90 histogram of a run summary over the horizon. */
#define CS_RUN_T90_BINS 2000

/** Loads everything the scenario needs. Errors are input errors (file:line:col ...). */
cs_status cs_engine_alloc(cs_engine_t **out, const cs_scenario *s, cs_error *err);
void cs_engine_free(cs_engine_t *e);

const cs_topology_t *cs_engine_topology(const cs_engine_t *e);
const cs_demand_t *cs_engine_demand(const cs_engine_t *e);
const cs_routing_result *cs_engine_baseline(const cs_engine_t *e);
const cs_pair_table *cs_engine_pairs(const cs_engine_t *e);
const cs_scenario *cs_engine_scenario(const cs_engine_t *e);

/**
 * Adds room for the engine's recovery outcomes to batch b (cs_trial_batch_init_recovery) when
 * the scenario has `recovery:`; else does nothing. Batches handed to cs_engine_run_block and
 * read back for summaries need it. \return CS_OK, CS_ENOMEM.
 */
cs_status cs_engine_batch_recovery(const cs_engine_t *e, cs_trial_batch *b, cs_error *err);

/** The repair model of a scenario with `recovery:`, else NULL. Borrowed. */
const cs_recovery_t *cs_engine_recovery(const cs_engine_t *e);

cs_status cs_run_summary_init(cs_run_summary *s, const cs_engine_t *e, cs_error *err);
/**
 * The q-quantile (0 < q < 1) of t90 over the summarised trials, from the histogram: the upper
 * edge of the bin where the cumulative count reaches q x trials (exact to horizon / bins);
 * +inf when that is the not-restored bin, NAN without trials or recovery.
 */
double cs_run_summary_t90_quantile(const cs_run_summary *s, double q);
void cs_run_summary_destroy(cs_run_summary *s);
/**
 * Adds the trials summarised in src (disjoint from dst's, same engine sizes) to dst, as if one
 * run had summarised both: counts add up, mean and variance merge exactly (up to rounding), and
 * the worst trial is the one with the larger unserved demand, the lower index on ties.
 * \return CS_OK, or CS_EINVAL when the sizes differ. O(regions + demands).
 */
cs_status cs_run_summary_merge(cs_run_summary *dst, const cs_run_summary *src, cs_error *err);

/**
 * Adds the trials of b (as read back from a results file: unserved, served and pair cut rows) to
 * s, exactly as running them would: how a resumed run's summary covers the trials written before.
 * \return CS_OK, CS_EINVAL (sizes differ), CS_ENOMEM.
 */
cs_status cs_run_summary_add_batch(cs_run_summary *s, const cs_engine_t *e, const cs_trial_batch *b,
                                   cs_error *err);
/**
 * Adds the trials already in the results file w (resumed: cs_results_written() of them) to sum,
 * read back a slice at a time, so that the summary of a resumed run covers the whole run as if
 * it had not stopped. Under MPI every rank calls it (the reads are collective) and only the one
 * with mine adds them. w may be NULL (nothing to add).
 * \return CS_OK, CS_ENOMEM, CS_EINVAL, CS_EHDF5.
 */
cs_status cs_run_summary_add_written(cs_run_summary *sum, cs_engine_t *e, cs_results_t *w,
                                     bool mine, cs_error *err);

/**
 * Runs trials [o->first_trial, first_trial + n_trials) in order, appending
 * them to w (NULL: write nothing) in batches of the scenario's batch_trials,
 * and accumulates sum. On a stop request, finishes the current trial, writes
 * the partial batch, sets sum->interrupted and returns CS_EINTR.
 */
cs_status cs_engine_run(cs_engine_t *e, cs_results_t *w, const cs_engine_options *o,
                        cs_run_summary *sum, cs_error *err);

/**
 * Runs trials [first, first + n) into b (emptied first; its capacity must be at least n and its
 * sizes this engine's) and accumulates sum, without writing anything: the unit of work that MPI
 * ranks take on demand and write together later. cache_slots as in cs_engine_options.
 * \return CS_OK, CS_EINVAL (range beyond the trials or the batch), CS_ENOMEM, routing errors.
 */
cs_status cs_engine_run_block(cs_engine_t *e, uint64_t first, uint64_t n, size_t cache_slots,
                              cs_trial_batch *b, cs_run_summary *sum, cs_error *err);

/**
 * Runs one trial into f and r (both initialised for this engine's sizes) and
 * fills pair_cut[n_pairs]: the building block of cs_engine_run, for tests.
 */
cs_status cs_engine_trial(cs_engine_t *e, uint64_t trial, cs_failures *f, cs_routing_result *r,
                          unsigned char *pair_cut, cs_error *err);

/**
 * As cs_engine_trial(), and then the trial's recovery over time into o (initialised with
 * cs_recovery_outcome_init for cs_engine_recovery(e) and the topology's edge count).
 * \return CS_EINVAL when the scenario has no `recovery:` section; else as cs_engine_trial().
 */
cs_status cs_engine_trial_recovery(cs_engine_t *e, uint64_t trial, cs_failures *f,
                                   cs_routing_result *r, unsigned char *pair_cut,
                                   cs_recovery_outcome *o, cs_error *err);

#endif /* CS_ENGINE_H */
