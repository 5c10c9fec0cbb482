/*
 * estimator.h: rare events (docs/rare-events.md).
 *
 * A scenario's `estimator: {method, target, ...}` names an event of a trial's outcome (a region
 * served below a share, cut off, unserved demand or capacity lost above a level) and how its
 * probability is estimated:
 *
 *   plain                plain Monte Carlo: the trials as the model draws them (weight 1)
 *   importance_sampling  the independent per-edge failures of `random_faults` are drawn with
 *                        tilted probabilities q instead of the model's p, and each trial carries
 *                        its likelihood ratio w = prod_i (p_i/q_i)^x_i ((1-p_i)/(1-q_i))^(1-x_i)
 *                        as its weight (/trials/weight). q comes from a cross-entropy pilot run
 *                        before the trials, on trials of their own: a function of (seed,
 *                        scenario) only, identical on every rank, shard and resumed run.
 *
 * Every other hazard is sampled at its own law (its factor of w is 1), which keeps w exact.
 * Estimates: P = (1/n) sum_t w_t 1{event_t}, its standard error from the sample variance of
 * w 1{event}, a normal 95% interval, and the effective sample size (sum w)^2 / sum w^2.
 */
#ifndef CS_ESTIMATOR_H
#define CS_ESTIMATOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "cablesim/error.h"
#include "cablesim/hazard.h"
#include "cablesim/resultsio.h"
#include "cablesim/ydoc.h"

/** The events a target can name. */
typedef enum {
    CS_TARGET_SERVED_BELOW,   /**< a region's served fraction < level */
    CS_TARGET_CUT_OFF,        /**< a region cut off: no Japanese city reaches it */
    CS_TARGET_UNSERVED_ABOVE, /**< unserved demand > level Tbps */
    CS_TARGET_CAPACITY_LOST_ABOVE /**< capacity lost > level Tbps */,
    CS_TARGET_INTL_SHARE_ABOVE /**< share of Japan's international capacity lost > level */
} cs_target_kind;

/** A target event. */
typedef struct {
    cs_target_kind kind;
    size_t region; /**< region targets: index among the regions the target was parsed with */
    double level;
    char text[200]; /**< "US West Coast served below 0.5" */
} cs_target;

/** What a target looks at in one trial. */
typedef struct {
    double unserved_tbps, capacity_lost_tbps, intl_capacity_lost_tbps;
    double intl_capacity_tbps;   /**< Japan's international capacity (the run's basis) */
    const double *region_served; /**< [n_regions] served fraction, NAN when unreachable */
    const bool *region_cut;      /**< [n_regions] cut off */
} cs_trial_outcome;

/**
 * Reads the `target` of the estimator map m: a map with one of served_below (needs region),
 * cut_off: true (needs region), unserved_above_tbps, capacity_lost_above_tbps,
 * intl_capacity_lost_above (a share). region is one of names[0..n-1] whose reachable[g] is set.
 * \return CS_OK or CS_EINVAL ("file:line:col: estimator.target...: expected ..., found ...").
 */
cs_status cs_target_parse(cs_target *t, const cs_ydoc_t *d, const cs_ynode *m,
                          const char *const *names, const unsigned char *reachable, size_t n,
                          cs_error *err);
/** Whether the event happened in trial outcome o. */
bool cs_target_event(const cs_target *t, const cs_trial_outcome *o);
/** A score that grows towards the event (the cross-entropy levels): the event has the largest. */
double cs_target_score(const cs_target *t, const cs_trial_outcome *o);

/** Sums over trials behind the estimates; summaries of disjoint trials add up. */
typedef struct {
    uint64_t n, hits; /**< trials, trials with the event */
    double sw, sw2;   /**< sum of w, of w^2 */
    double swi, swi2; /**< of w 1{event}, of its square */
    double swu, swu2; /**< of w x unserved Tbps, of its square */
    double swc, swc2; /**< of w x capacity lost Tbps, of its square */
    double swl, swl2; /**< of w x intl capacity lost Tbps, of its square */
} cs_rare_sums;

/** Adds one trial of weight w. */
void cs_rare_sums_add(cs_rare_sums *s, double w, bool event, double unserved, double cap_lost,
                      double intl_lost);
/** Adds src's trials to dst. */
void cs_rare_sums_merge(cs_rare_sums *dst, const cs_rare_sums *src);

/** A weighted mean (1/n) sum w x: its standard error, 95% interval, relative error. */
typedef struct {
    uint64_t n;
    double mean, se, lo, hi; /**< NAN without trials; lo clipped at 0 */
    double rel;              /**< se / mean (NAN when the mean is 0) */
} cs_rare_estimate;

/** The estimate of the target's probability. weighted false: Wilson's interval on hits of n, and
 * the standard error it implies, (hi - lo) / (2 x 1.96). */
cs_rare_estimate cs_rare_probability(const cs_rare_sums *s, bool weighted);
/** The weighted mean of a quantity x >= 0 from its sums (sum w x, sum (w x)^2) over s->n trials
 * (its interval's lo clipped at 0). */
cs_rare_estimate cs_rare_mean(const cs_rare_sums *s, double swx, double swx2);
/** The effective sample size (sum w)^2 / sum w^2 (n for weights 1; 0 without trials). */
double cs_rare_ess(const cs_rare_sums *s);

/*
 * Whether the weights can support an interval (docs/rare-events.md, "When the interval is
 * withheld"). Importance-sampled trials only (weighted true); a plain run is always reliable.
 * Two checks, both functions of the sums (so the same for any MPI split, shard or resume):
 * - the weights average 1 under any tilt (E_q[w] = 1): a mean weight more than
 *   CS_RARE_WEIGHT_Z standard errors from 1 says the tilt leaves part of the model's law
 *   (and, with it, possibly part of the event) unsampled; it concerns every weighted figure;
 * - the hits' effective sample size (sum_hits w)^2 / sum_hits w^2 below CS_RARE_HIT_ESS_SHARE
 *   of the hits says a few hits carry the probability's estimate and its standard error; it
 *   concerns the probability.
 * Neither can see an outcome the tilt never draws and whose absence leaves the weights intact.
 */
#define CS_RARE_WEIGHT_Z      4.0
#define CS_RARE_HIT_ESS_SHARE 0.1
typedef struct {
    bool weights_off;    /**< the weights' mean is not 1 (every weighted figure unreliable) */
    bool hits_few;       /**< a few hits carry the probability */
    double mean_w, se_w; /**< the weights' mean and its standard error */
    double ess_hits;     /**< (sum_hits w)^2 / sum_hits w^2 (0 without hits) */
    char reason[256];    /**< "unreliable: ...; rerun with a larger pilot_trials", "" if reliable */
} cs_rare_check;
/** The reliability checks of s (weighted: importance-sampled trials). */
cs_rare_check cs_rare_reliability(const cs_rare_sums *s, bool weighted);

typedef struct cs_estimator cs_estimator_t;

/** The cross-entropy pilot's settings (docs/rare-events.md gives the defaults' reasons). */
typedef struct {
    uint64_t pilot_trials; /**< trials per iteration */
    unsigned iterations;   /**< at most this many */
    double rho;            /**< elite share */
    double smoothing;      /**< weight of the new tilt against the previous one */
    double q_max;          /**< largest tilted probability */
} cs_ce_params;

/**
 * Reads the scenario's `estimator` map m (keys method, target, pilot_trials, iterations, rho,
 * smoothing) against the engine's regions (names, reachable[n]) and hazards (their tilt counts):
 * importance_sampling needs a hazard that offers draws to tilt. horizon_days as for
 * cs_hazard_tilt_probs. The tilt is the model's (q = p) until cs_estimator_fit.
 * \return CS_OK, CS_EINVAL (file:line:col messages), CS_ENOMEM.
 */
cs_status cs_estimator_alloc(cs_estimator_t **out, const cs_ydoc_t *d, const cs_ynode *m,
                             const char *const *names, const unsigned char *reachable, size_t n,
                             cs_hazard_t *const *hazards, size_t n_hazards, double horizon_days,
                             cs_error *err);
void cs_estimator_free(cs_estimator_t *est);

const cs_target *cs_estimator_target(const cs_estimator_t *est);
/** Whether trials carry weights (importance_sampling). */
bool cs_estimator_weighted(const cs_estimator_t *est);
const cs_ce_params *cs_estimator_params(const cs_estimator_t *est);

/** Starts a trial: its weight back to 1. */
void cs_estimator_begin(cs_estimator_t *est);
/**
 * Samples hazard i (of the list given to cs_estimator_alloc) for the current trial: tilted when
 * the method tilts and the hazard offers draws, multiplying the trial's weight by their
 * likelihood ratio; else cs_hazard_sample().
 */
cs_status cs_estimator_sample(cs_estimator_t *est, size_t i, cs_hazard_ws *w,
                              const cs_hazard_env *env, gsl_rng *rng, cs_failures *f,
                              cs_error *err);
/** The current trial's weight. */
double cs_estimator_weight(const cs_estimator_t *est);

/** One pilot trial's outcome, for cs_estimator_fit. */
typedef cs_status (*cs_pilot_fn)(void *ctx, uint64_t trial, cs_trial_outcome *o, cs_error *err);

/** Trial numbers of the pilot: iteration k, trial j is CS_ESTIMATOR_PILOT0 + k 2^32 + j, beyond
 * any run's trials (their streams are the run's function of (seed, trial)). */
#define CS_ESTIMATOR_PILOT0 ((uint64_t)1 << 62)

/**
 * The cross-entropy tilt (docs/rare-events.md): iterations of pilot_trials trials each, run by
 * run(ctx, trial, ...) (which samples through this estimator), moving q towards the law of the
 * failures given the event. Deterministic. Nothing for the plain method.
 * \return CS_OK, CS_ENOMEM, or run's error.
 */
cs_status cs_estimator_fit(cs_estimator_t *est, cs_pilot_fn run, void *ctx, cs_error *err);

/** What the pilot did: iterations run, whether the last reached the event (final update). */
void cs_estimator_fit_info(const cs_estimator_t *est, unsigned *iterations, bool *reached);

/** The tilted and the model's probabilities of the n draws offered (q, p; n the total). */
size_t cs_estimator_tilt(const cs_estimator_t *est, const double **q, const double **p);

/**
 * The rare-event figures of a results file (`cablesim analyze` of a run with an `estimator:`):
 * reads the estimator's target from the file's scenario, then streams /trials/weight (1 when the
 * file has none), unserved, capacity lost and the regions' served fractions and pair cuts into s.
 * *present is false (and nothing else set) when the run had no `estimator:`; *weighted tells
 * whether its trials carry weights.
 * \return CS_OK, CS_EINVAL (a file without the impact datasets), CS_EIO, CS_ENOMEM.
 */
cs_status cs_rare_analyze(cs_resultsio_t *r, bool *present, cs_target *t, bool *weighted,
                          cs_rare_sums *s, cs_error *err);

#endif /* CS_ESTIMATOR_H */
