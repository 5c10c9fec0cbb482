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
 * with the same tie-breaks), a routing made without failed edges it does not
 * use answers for the whole failure set, and failure states already routed are
 * looked up in a cache of earlier routings (sim/src/reroute.h). Every shortcut
 * returns exactly what routing again would.
 */
#ifndef CS_ENGINE_H
#define CS_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cablesim/demand.h"
#include "cablesim/error.h"
#include "cablesim/estimator.h"
#include "cablesim/recovery.h"
#include "cablesim/results.h"
#include "cablesim/routing.h"
#include "cablesim/scenario.h"
#include "cablesim/topology.h"

typedef struct cs_engine cs_engine_t;

/**
 * How cs_engine_run() writes its batches to a one-process results file (docs/hdf5-schema.md,
 * "Writing on a second thread"). The file is the same byte for byte in every mode.
 */
typedef enum {
    /** A second thread writes batch k (cs_results_async) while the run fills batch k + 1: two
     * batches in memory. A batch's progress call comes once its write is committed, when the run
     * learns it (before it hands over the next batch, or at the end): a stop requested there
     * takes effect after the batch being filled then is written too. */
    CS_WRITE_AHEAD = 0,
    /** A second thread writes each batch and the run waits for it before the next trial: the
     * progress call right after each commit, as synchronous (the test hooks). */
    CS_WRITE_WAIT,
    /** The run's own thread writes: no second thread. */
    CS_WRITE_SYNC
} cs_write_mode;

/** How to run. Initialise with CS_ENGINE_OPTIONS_INIT. */
typedef struct {
    uint64_t first_trial; /**< first trial to run */
    uint64_t n_trials;    /**< how many; UINT64_MAX = up to the scenario's trials */
    /** Set asynchronously (a signal handler) to stop: checked before every trial; the trials
     * run are written (a partial batch too) and the run returns CS_EINTR. May be NULL. */
    volatile sig_atomic_t *stop;
    /** Called after every batch (with a results file: once it is written and committed, done
     * then counting the trials committed) and at the end. May be NULL. */
    void (*progress)(void *ctx, uint64_t done, uint64_t total);
    void *progress_ctx;
    size_t cache_slots;       /**< routing cache size (0 disables it) */
    cs_write_mode write_mode; /**< with a results file (one process) */
} cs_engine_options;

/** The routing cache's default size (slots). */
#define CS_ENGINE_CACHE_SLOTS 4096

#define CS_ENGINE_OPTIONS_INIT                                                                     \
    {                                                                                              \
        .first_trial = 0, .n_trials = UINT64_MAX, .stop = NULL, .progress = NULL,                  \
        .progress_ctx = NULL, .cache_slots = CS_ENGINE_CACHE_SLOTS, .write_mode = CS_WRITE_AHEAD   \
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
    /* Impact (docs/model.md, "Impact metrics"): sums, counts and extremes over the trials, so
     * that summaries of disjoint trials merge exactly (sums up to rounding). */
    uint64_t loss_trials; /**< trials leaving more unserved than the intact network (> 1e-9 rel.) */
    double systems_lost_sum, stations_lost_sum;
    double capacity_lost_sum, intl_capacity_lost_sum, capacity_lost_max;
    double jsys_capacity_lost_sum; /**< sum of jsys_capacity_lost_tbps (cs_trial_impact) */
    double *region_served_sum;     /**< [n_regions] sum of served fractions */
    uint64_t *region_below90;      /**< [n_regions] trials with a served fraction below 0.9 */
    double *region_lat_sum;        /**< [n_regions] sum of latency added over trials with service */
    uint64_t *region_lat_n;        /**< [n_regions] those trials */
    double *region_lat_max;        /**< [n_regions] largest latency added (-inf before any) */
    const unsigned char
        *region_reachable; /**< [n_regions] borrowed: served by the intact network */
    double min_unserved, capacity_lost_min; /**< smallest per trial (outcomes differ?) */
    /* Rare events (scenario `estimator:`, estimator.h; rare false without one): the target
     * event and the weighted sums. Under importance sampling (weighted) the figures above are
     * those of the tilted draws; only these estimate the model's. */
    bool rare, weighted;
    cs_rare_sums rare_sums;
} cs_run_summary;

/**
 * Whether the trials' outcomes differ (unserved demand or capacity lost): false when every trial
 * gives the same outcome (a deterministic scenario), which the summary then states as one value,
 * without a confidence interval.
 */
bool cs_run_summary_varied(const cs_run_summary *s);

/** Served fraction below which a region counts as degraded in the summary. */
#define CS_RUN_DEGRADED 0.9

/** The impact of one trial beyond unserved demand (docs/model.md, "Impact metrics"). */
typedef struct {
    size_t n_regions;
    uint32_t systems_lost;          /**< cable systems with a segment down */
    uint32_t stations_lost;         /**< failed nodes (landing stations) */
    double capacity_lost_tbps;      /**< capacity (run's basis) of every edge down, failed or at a
                                         failed node */
    double intl_capacity_lost_tbps; /**< of it, on segments between Japan and abroad */
    double jsys_capacity_lost_tbps; /**< of it, on the segments of cable systems with a landing in
                                         Japan (docs/model.md, "Impact metrics") */
    double
        *region_served_fraction; /**< [n_regions] served / demand reachable in the intact network */
    double *region_latency_added_ms; /**< [n_regions] served-weighted mean latency minus the intact
                                          network's; NAN when nothing is served */
} cs_trial_impact;

cs_status cs_trial_impact_init(cs_trial_impact *m, const cs_engine_t *e, cs_error *err);
void cs_trial_impact_destroy(cs_trial_impact *m);

/** The impact of failures f and their routing r (a trial of e) into m. O(failures x degree +
 * demands). */
void cs_engine_impact(cs_engine_t *e, const cs_failures *f, const cs_routing_result *r,
                      cs_trial_impact *m);

/**
 * Headroom per region after routing r of failures f (NULL: none): the maximum flow from the
 * Japanese cities of the region's pairs to the region's cities over the surviving edges open to
 * that traffic (transit), each with its spare capacity c_e - flow_e (igraph_maxflow_value); c_e
 * is the capacity r was routed on: with restoration (docs/model.md), c'_e = f0_e + rho (c_e -
 * f0_e) when f displaces traffic, at the share in force (the event's, outside recovery).
 * out[n_regions]; NAN for a region the intact network does not serve.
 * \return CS_OK, CS_ENOMEM.
 */
cs_status cs_engine_headroom(const cs_engine_t *e, const cs_failures *f, const cs_routing_result *r,
                             double *out, cs_error *err);

/** Capacity (the run's basis) of the segments between Japan and abroad, Tbps. */
double cs_engine_intl_capacity(const cs_engine_t *e);

/** Capacity (the run's basis) of every segment of the cable systems with a landing in Japan
 * (in the network of the run's year), Tbps. */
double cs_engine_japan_systems_capacity(const cs_engine_t *e);

/**
 * The restoration model of a run (docs/model.md, "Restoration"): traffic displaced by a failure
 * may use the share rho of the spare capacity of the surviving cable segments.
 */
typedef struct {
    double demand_tbps;   /**< D: Japan's international demand the intact network serves */
    double capacity_tbps; /**< C: Japan's international capacity (cs_engine_intl_capacity) */
    double full;          /**< min(1, (1 - u) / u x D / C): the share restoration reaches */
    bool derived;         /**< at_event derived from full (routing.restoration_share not set) */
    double at_event;      /**< rho at the event: every trial, and t = 0 of a recovery run */
    double ramp_to;       /**< max(at_event, full): the share at the end of the ramp */
    double ramp_days;     /**< recovery runs: days of the ramp (0: none, or not a recovery run) */
} cs_restoration;

/** The run's restoration model. Borrowed. */
const cs_restoration *cs_engine_restoration(const cs_engine_t *e);

/**
 * The share in force at time t_days of a recovery run: at_event + (ramp_to - at_event) x
 * min(1, k / ramp_days), k = floor(t_days) (the share steps once a day); at_event for
 * t_days <= 0 and in runs without recovery or ramp.
 */
double cs_engine_restoration_share_at(const cs_engine_t *e, double t_days);

/** The foreign regions with demand from Japan, for /topology/regions. Borrowed. */
const cs_region_table *cs_engine_regions(const cs_engine_t *e);

/** [n_pairs]: 1 when some demand of the (city, region) pair is served by the intact network. */
const unsigned char *cs_engine_pair_reachable(const cs_engine_t *e);

/** Bins of the t90 histogram of a run summary over the horizon. */
#define CS_RUN_T90_BINS 2000

/**
 * The regions cut off in a trial with pair cut flags pair_cut[n_pairs] into cut[n_regions]: those
 * the intact network serves whose every pair is cut.
 */
void cs_engine_region_cut(const cs_engine_t *e, const unsigned char *pair_cut, bool *cut);

/** The scenario's estimator (`estimator:`), else NULL. Borrowed. */
const cs_estimator_t *cs_engine_estimator(const cs_engine_t *e);

/** Loads everything the scenario needs; with an `estimator:` of importance_sampling, runs its
 * cross-entropy pilot (estimator.h). Errors are input errors (file:line:col ...). */
cs_status cs_engine_alloc(cs_engine_t **out, const cs_scenario *s, cs_error *err);
void cs_engine_free(cs_engine_t *e);

const cs_topology_t *cs_engine_topology(const cs_engine_t *e);
const cs_demand_t *cs_engine_demand(const cs_engine_t *e);
const cs_routing_result *cs_engine_baseline(const cs_engine_t *e);
/** [edges] what each edge holds of the intact demand spread in proportion to capacity, s_e of
 * the restoration model (cs_router_spread_flow over the topology's capacities). Borrowed. */
const double *cs_engine_held(const cs_engine_t *e);
const cs_pair_table *cs_engine_pairs(const cs_engine_t *e);
const cs_scenario *cs_engine_scenario(const cs_engine_t *e);

/**
 * Adds room for the engine's outcomes beyond cs_trial_batch_init's to batch b: the impact
 * datasets (/trials/capacity_lost_tbps ...) always, and the recovery outcomes
 * (cs_trial_batch_init_recovery) when the scenario has `recovery:`. Batches handed to
 * cs_engine_run_block and read back for summaries need it. \return CS_OK, CS_ENOMEM.
 */
cs_status cs_engine_batch_recovery(const cs_engine_t *e, cs_trial_batch *b, cs_error *err);

/**
 * Initialises b as a batch of one trial with the datasets of the engine's runs and fills it with
 * the intact network's outcome (no failure: the baseline routing, its pair cuts, impact and
 * headroom), exactly as a trial without failures records it: outcome 0 of a results file of
 * format 2 (cs_results_meta.intact). Destroy b with cs_trial_batch_destroy.
 * \return CS_OK, CS_ENOMEM (b then needs no destroy).
 */
cs_status cs_engine_intact_batch(cs_engine_t *e, cs_trial_batch *b, cs_error *err);

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
cs_status cs_run_summary_add_batch(cs_run_summary *s, cs_engine_t *e, const cs_trial_batch *b,
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
 * the partial batch, sets sum->interrupted and returns CS_EINTR. w is written as
 * o->write_mode says (a second thread by default); whatever the outcome, every write is
 * finished and the thread ended when it returns, and a failed write returns the status and
 * message the synchronous write does.
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
 * The outcome identity of a trial: the failure state whose routing is the trial's routing
 * (docs/routing.md, "Which routings are computed"). Trials with equal keys have bit-identical
 * routings (served, latency, edge flow, connected, unserved); the key depends on the trial's
 * failures alone, not on the cache, the order of the trials or the MPI split, so it can index a
 * table of distinct outcomes deterministically. Different keys can still give equal routings.
 */
typedef struct {
    bool intact;   /**< the intact network's routing (key_len 0): what no failure changes */
    bool repeated; /**< no routing was computed: intact, or a state this process's cache held */
    uint64_t hash; /**< a 64-bit hash of the key (0 when intact) */
    size_t key_len;
    /** [key_len] the state: failed edges (ascending), UINT32_MAX, failed nodes (ascending), and
     * in recovery runs UINT32_MAX and the day of the restoration ramp when above 0. Borrowed:
     * valid until the engine runs another trial. */
    const uint32_t *key;
} cs_outcome_id;

/**
 * The outcome identity of the trial the engine ran last (cs_engine_trial(), or within
 * cs_engine_run() and cs_engine_run_block() the trial being added): that of the trial's failures
 * at the event, not of the states its recovery routes. O(key).
 */
void cs_engine_outcome(const cs_engine_t *e, cs_outcome_id *out);

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
