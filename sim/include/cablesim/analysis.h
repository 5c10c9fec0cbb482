/*
 * analysis.h: statistics of a results file, and paired comparison of two.
 *
 * cs_analysis_run() streams the trials of an open results file once, a slice
 * at a time, and computes what docs/analysis-cli.md defines: the expected
 * unserved traffic and served fraction with Monte Carlo standard errors and
 * 95% confidence intervals, quantiles, VaR and CVaR, per foreign region and
 * per demand; the probability that a region is cut off (Wilson intervals);
 * latency inflation; whether the trials reach a requested relative precision;
 * how traffic reroutes (edge and cable flows in disturbed trials, saturation,
 * path changes); and the criticality of cables, segments and landing stations
 * (expected loss when each fails, and its share of the total loss).
 * cs_analysis_compare() compares two files: paired trial by trial when they were run with the
 * same seed and trials, as two independent samples (Welch) otherwise.
 * For files with recovery data, cs_analysis_recovery() summarises recovery over
 * time (served share, times to restore, Tbps-days, queue, ship use) and
 * cs_analysis_compare_recovery() pairs it between two files.
 *
 * Memory: the loss series behind quantiles keep only the values that differ
 * from the intact network's by more than CS_ANALYSIS_NOISE_TBPS (most trials
 * of most demands lose nothing; the others count as the intact value), up to
 * max_tail_values values in all; past that, per-demand and then per-region
 * quantiles are given up (tail.available false), never the overall ones.
 * Everything else is O(demands x cables + edges + nodes).
 */
#ifndef CS_ANALYSIS_H
#define CS_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cablesim/error.h"
#include "cablesim/resultsio.h"

/** Number of quantile levels reported, and the levels themselves. */
#define CS_ANALYSIS_NQ 5
#define CS_ANALYSIS_LEVELS                                                                         \
    {                                                                                              \
        0.5, 0.9, 0.95, 0.99, 0.999                                                                \
    }
/** Two-sided 95% normal quantile used by every confidence interval. */
#define CS_ANALYSIS_Z95 1.959963984540054
/** A flow at or above this share of capacity counts as saturated. */
#define CS_ANALYSIS_SATURATION 0.999
/**
 * Means of unserved traffic at or below this (Tbps, 1 kbps, as CS_ROUTING_EPS_TBPS) count as no
 * loss: the router's rounding dust (~1e-15 Tbps) must not make a relative precision or a loss
 * share out of nothing.
 */
#define CS_ANALYSIS_NOISE_TBPS 1e-9
/** Latencies differing from the baseline by more than this (relative) mean a new path. */
#define CS_ANALYSIS_PATH_EPS 1e-9

typedef struct {
    double precision;       /**< requested relative half-width (e.g. 0.05 for 5%) */
    size_t slice_bytes;     /**< memory for one slice of trials */
    size_t max_tail_values; /**< cap on stored loss values for quantiles (see above) */
} cs_analysis_options;

#define CS_ANALYSIS_OPTIONS_INIT                                                                   \
    {                                                                                              \
        .precision = 0.05, .slice_bytes = (size_t)8 << 20, .max_tail_values = (size_t)1 << 26      \
    }

/** A mean over n trials with its sample standard deviation, standard error and 95% CI. */
typedef struct {
    uint64_t n;
    double mean, sd, se, lo, hi; /**< NAN when n is 0; sd, se 0 when n is 1 */
} cs_estimate;

/** k of n trials, with the 95% Wilson score interval. */
typedef struct {
    uint64_t k, n;
    double p, lo, hi; /**< NAN when n is 0 */
} cs_proportion;

/** The upper tail of a loss (unserved Tbps) distribution. */
typedef struct {
    bool available;           /**< false when the series was given up (memory cap) */
    double q[CS_ANALYSIS_NQ]; /**< quantiles at CS_ANALYSIS_LEVELS */
    double max;               /**< largest loss */
    double var95, cvar95;     /**< VaR = quantile; CVaR = mean of the losses >= VaR */
    double var99, cvar99;
} cs_tail;

/** Fewer trials with a loss than this: no normal interval for an expected loss (docs/model.md). */
#define CS_ANALYSIS_MIN_LOSS_TRIALS 30

/** How an expected unserved demand may honestly be stated. */
typedef enum {
    CS_LOSS_ONE_OUTCOME = 0, /**< every trial had the same failures: one value, no interval */
    CS_LOSS_BOUND = 1, /**< too few trials with a loss: [0 or mean, a Clopper-Pearson bound] */
    CS_LOSS_NORMAL = 2 /**< the normal 95% interval, clipped to [0, demand] */
} cs_loss_kind;

typedef struct {
    cs_loss_kind kind;
    double mean, lo, hi; /**< lo = hi = mean for one outcome; lo = mean for a bound */
    double p_hi;         /**< CS_LOSS_BOUND: the Clopper-Pearson upper bound of P(loss > 0) */
} cs_loss_interval;

/** Trials needed for a relative half-width of the 95% CI of a mean. */
typedef struct {
    bool defined;    /**< false when the mean is <= CS_ANALYSIS_NOISE_TBPS (no loss) */
    double needed;   /**< n* = (z sd / (precision mean))^2 */
    uint64_t more;   /**< ceil(n*) - n when positive, else 0 */
    bool sufficient; /**< n >= n* */
    double achieved; /**< z se / mean: the relative half-width reached */
} cs_precision;

/** What the failure of one element costs. Loss = unserved - the intact network's unserved. */
typedef struct {
    cs_proportion failed; /**< trials in which it failed */
    cs_estimate unserved; /**< E[unserved | failed] over those trials */
    double loss;          /**< E[loss | failed]; NAN when it never failed */
    double share; /**< sum of loss over those trials / sum over all; NAN when the mean loss is <=
                     noise */
} cs_criticality;

typedef struct {
    const char *name; /**< borrowed from the reader */
    bool domestic;    /**< demands with both ends in Japan */
    size_t n_demands;
    double demand_tbps; /**< sum of demand_scaled_tbps */
    double base_served_tbps;
    cs_estimate served_frac;   /**< served / demand per trial */
    cs_estimate unserved_tbps; /**< demand - served per trial */
    cs_tail tail;
    cs_precision precision; /**< of unserved_tbps */
    uint64_t
        n_loss; /**< trials leaving the region more unserved than the intact network (> noise) */
    /** How unserved_tbps and served_frac may honestly be stated (cs_analysis_figure_interval,
     * cs_analysis_served_interval): their lo and hi are the raw normal interval. */
    cs_loss_interval unserved_stated, served_stated;
    size_t n_pairs;           /**< (Japanese city, region) pairs */
    cs_proportion all_cut;    /**< every pair cut: no Japanese city reaches the region */
    cs_proportion any_cut;    /**< some Japanese city cut off from the region */
    double latency_inflation; /**< see docs; NAN without latency data */
    /** Served-weighted mean latency of the region's demands minus the intact network's, ms:
     * mean over the trials with service, and the largest (NAN without latency data). */
    double latency_added_mean_ms, latency_added_worst_ms;
    /** Headroom (/trials/region_headroom_tbps, output.headroom: true): the spare capacity from
     * Japan to the region after routing, Tbps, over the trials; has_headroom false without it. */
    bool has_headroom;
    cs_estimate headroom_tbps;
    double headroom_min_tbps; /**< the smallest over the trials (NAN without headroom) */
} cs_analysis_region;

typedef struct {
    size_t region; /**< index into regions */
    size_t pair;   /**< row of /topology/pairs, SIZE_MAX for domestic demands */
    double base_served_tbps, base_latency_ms;
    cs_estimate served_frac, unserved_tbps;
    cs_tail tail;
    cs_proportion cut;  /**< its pair cut (n 0 when it has none) */
    cs_proportion loss; /**< trials serving less than the intact network (by > 1e-9 Tbps) */
    /** How unserved_tbps and served_frac may honestly be stated (loss.k trials with a loss). */
    cs_loss_interval unserved_stated, served_stated;
    double latency_inflation;  /**< NAN without latency data or baseline path */
    cs_proportion path_change; /**< latency differs from the baseline (n 0 without latency) */
    size_t absorber;      /**< cable whose flow rises most when its path changes, or SIZE_MAX */
    double absorber_rise; /**< that mean rise, Tbps */
} cs_analysis_demand;

/** Rerouting statistics of an edge or a cable (flows need /trials/edge_flow_tbps). */
typedef struct {
    double capacity_tbps;       /**< lit or design, as the scenario routed */
    double base_flow_tbps;      /**< in the intact network */
    cs_estimate flow_up;        /**< over the trials in which it is up */
    cs_estimate flow_disturbed; /**< over the trials with some failure in which it is up */
    double rise;             /**< flow_disturbed.mean - base_flow_tbps (NAN when no such trial) */
    cs_proportion saturated; /**< trials with flow >= 0.999 capacity, over all trials */
} cs_flow_stats;

typedef struct {
    cs_flow_stats flow;
    cs_criticality crit; /**< failed: listed in failed_edges */
} cs_analysis_edge;

typedef struct {
    const char *name, *full_name; /**< borrowed */
    size_t n_segments;
    cs_flow_stats flow;  /**< flow of a cable = its largest segment flow; up = every segment up */
    cs_criticality crit; /**< failed: any of its segments failed */
} cs_analysis_cable;

typedef struct {
    size_t node;         /**< row of /topology/nodes */
    cs_criticality crit; /**< failed: listed in failed_nodes */
} cs_analysis_station;

typedef struct {
    const cs_results_info *info; /**< borrowed: the reader must outlive the analysis */
    const char *scenario_name;   /**< the scenario's `name` (owned by the analysis) */
    bool use_lit;                /**< the scenario's `capacity` (lit unless it says design) */
    double precision_target;
    uint64_t n;           /**< trials */
    uint64_t n_disturbed; /**< trials with at least one failure */
    /** Sum of demand_scaled_tbps over the demands the intact network serves some of: the
     * others (never routed, docs/model.md) are left out of every damage figure, as in the run
     * summary. */
    double demand_tbps;
    double unreachable_tbps; /**< the demand left out: the intact network serves none of it */
    cs_estimate unserved_tbps, served_frac;
    double unserved_share; /**< mean unserved / demand_tbps (the run summary's "% of demand") */
    cs_estimate capacity_lost_tbps; /**< capacity (routing basis) of the edges down per trial:
                                         failed, or at a failed node */
    cs_estimate japan_systems_capacity_lost_tbps; /**< of it, on the segments of the cable
                                                       systems with a landing in Japan */
    double japan_systems_capacity_tbps; /**< capacity of all those segments (the network of the
                                             file's year, routing basis) */
    uint64_t n_loss; /**< trials leaving more unserved than the intact network (> noise) */
    bool varied;     /**< the trials' failure sets differ (false: one outcome, no interval) */
    /** The honest statements of unserved_tbps (the headline, cs_analysis_loss_interval) and of
     * served_frac (cs_analysis_served_interval). */
    cs_loss_interval unserved_stated, served_stated;
    cs_tail tail;
    cs_precision precision;
    cs_proportion all_cut;    /**< every (city, region) pair cut at once (n 0 without pairs) */
    double latency_inflation; /**< over all demands */
    size_t n_regions;
    cs_analysis_region *regions;
    cs_analysis_demand *demands; /**< [info->n_demands] */
    bool has_flow;               /**< rerouting statistics below are set */
    cs_analysis_edge *edges;     /**< [info->n_edges] */
    size_t n_cables;
    cs_analysis_cable *cables;
    const size_t *cable_of_edge; /**< [n_edges], SIZE_MAX for links */
    size_t n_stations;
    cs_analysis_station *stations;   /**< landing stations, then any other node that failed */
    bool demand_tails, region_tails; /**< whether those quantiles were kept */
} cs_analysis_t;

/**
 * Analyses every trial of r in one streaming pass (plus one sort per kept loss series).
 * \param out Out: the analysis, freed with cs_analysis_free(); NULL on failure.
 * \param r   An open reader (borrowed; must outlive *out).
 * \param o   Options, or NULL for CS_ANALYSIS_OPTIONS_INIT.
 * \return CS_OK, CS_EINVAL (bad option or inconsistent file), CS_EIO, CS_ENOMEM.
 * Complexity O(trials x (demands + edges + changed demands x cables)) time.
 */
cs_status cs_analysis_run(cs_analysis_t **out, cs_resultsio_t *r, const cs_analysis_options *o,
                          cs_error *err);
void cs_analysis_free(cs_analysis_t *a);

/** The one verdict on a difference (docs/analysis-cli.md, compare). */
typedef enum {
    CS_PAIRED_ONE_OUTCOME = 0,     /**< each file has one outcome repeated in every trial: the
                                        difference is a certainty, not a statistical finding */
    CS_PAIRED_SIGNIFICANT = 1,     /**< paired: the CI excludes 0 and the sign test gives
                                        p < 0.05; unpaired: the Welch CI excludes 0 */
    CS_PAIRED_NOT_SIGNIFICANT = 2, /**< neither */
    CS_PAIRED_INCONCLUSIVE = 3     /**< paired only: the two disagree, no claim either way */
} cs_paired_verdict;

/** How two files are compared (cs_comparison_t.kind). */
typedef enum {
    CS_COMPARE_PAIRED = 0,  /**< same seed and trial count: trial t of A against trial t of B */
    CS_COMPARE_UNPAIRED = 1 /**< otherwise: two independent samples, Welch intervals */
} cs_compare_kind;

/** "paired" or "unpaired". */
const char *cs_compare_kind_name(cs_compare_kind k);

/**
 * A difference b - a of one metric. Paired: diff is the mean of b_t - a_t over the n trials
 * with its sd, se and 95% CI, and the sign test is set. Unpaired: diff.mean is b_mean -
 * a_mean, diff.se = sqrt(s_a^2/n_a + s_b^2/n_b), the CI uses Student's t with the
 * Welch-Satterthwaite degrees of freedom df, diff.n = n_a + n_b, diff.sd is NAN (there is no
 * per-trial difference), n_pos = n_neg = 0 and sign_p is NAN.
 */
typedef struct {
    cs_estimate diff;
    double a_mean, b_mean;
    uint64_t n_pos, n_neg; /**< trials with b_t > a_t, b_t < a_t beyond 1e-9 max(1, |a_t|, |b_t|) */
    double sign_p;         /**< two-sided exact sign test p-value (NAN unpaired) */
    double df;             /**< degrees of freedom of the interval: n - 1 paired, Welch unpaired */
    bool excludes_zero;    /**< the CI lies entirely above or below 0 (false for one outcome) */
    cs_paired_verdict verdict;
} cs_paired;

/** "one outcome", "significant", "not significant" or "inconclusive". */
const char *cs_paired_verdict_name(cs_paired_verdict v);

/**
 * The unpaired (Welch) difference of two independent estimates b - a (see cs_paired): from their
 * n, mean and sd. One outcome when both sds are 0.
 */
cs_paired cs_analysis_welch(const cs_estimate *a, const cs_estimate *b);

/** A region, matched by name: compared only when both files have demand to it. */
typedef struct {
    const char *name; /**< borrowed from the file that has it (A first) */
    bool domestic;
    bool in_a, in_b; /**< the file has demand to the region; the metrics need both */
    double a_demand_tbps, b_demand_tbps;
    cs_paired served_frac;
    cs_paired unserved_tbps;
    bool has_pairs;    /**< both files track pairs for the region */
    cs_paired all_cut; /**< 1 when cut off, 0 otherwise */
} cs_comparison_region;

/** A cable system, matched by id (`cable`): compared only when both networks have it. */
typedef struct {
    const char *name, *full_name; /**< borrowed from the file that has it (A first) */
    bool in_a, in_b;
    cs_paired failed; /**< 1 when one of its segments failed in the trial, 0 otherwise */
} cs_comparison_cable;

typedef struct {
    cs_compare_kind kind;
    /** Why it is paired or not, in words ("same seed 311 and 8 trials" / "the seeds differ
     * (707 and 311)"). */
    char basis[256];
    uint64_t n;    /**< paired trials (paired); a_n + b_n (unpaired) */
    uint64_t seed; /**< the common seed (paired); A's otherwise */
    uint64_t a_n, b_n, a_seed, b_seed;
    int32_t a_as_of, b_as_of;
    double a_demand_tbps, b_demand_tbps; /**< sum of demand_scaled_tbps */
    bool same_demands; /**< same demand rows (ids, scaled Tbps): scale and table equal */
    bool same_network; /**< same /topology/edges (ids, ends, capacities) */
    double a_base_unserved, b_base_unserved;
    cs_paired unserved_tbps;
    cs_paired served_frac;
    bool has_pairs;
    cs_paired all_cut;
    size_t n_regions; /**< A's regions, then those only B has */
    cs_comparison_region *regions;
    size_t n_cables; /**< A's cable systems, then those only B has */
    cs_comparison_cable *cables;
} cs_comparison_t;

/**
 * Compares b with a, metric by metric (B - A). Paired (trial t of a with trial t of b) when
 * both have the same seed and trial count, unpaired (Welch) otherwise; the demands, years and
 * networks may differ: totals are always compared, regions by name and cable systems by id
 * where both files have them (in_a, in_b say which). Readers are borrowed and must outlive
 * *out. \return CS_OK, CS_EINVAL (bad option, inconsistent file), CS_EIO, CS_ENOMEM.
 */
cs_status cs_analysis_compare(cs_comparison_t **out, cs_resultsio_t *a, cs_resultsio_t *b,
                              const cs_analysis_options *o, cs_error *err);
void cs_comparison_free(cs_comparison_t *c);

/** The 95% Wilson score interval of k successes in n trials (lo = hi = NAN when n is 0). */
cs_proportion cs_analysis_wilson(uint64_t k, uint64_t n);
/**
 * The mean of n values with its 95% normal interval (mean -+ CS_ANALYSIS_Z95 x se), from
 * Welford's accumulators: their mean and sum of squared deviations m2 (as cs_run_summary keeps
 * them). Every field but n is NAN when n is 0; sd and se are 0 when n is 1.
 */
cs_estimate cs_analysis_estimate(uint64_t n, double mean, double m2);
/**
 * k of n trials with the exact (Clopper-Pearson) two-sided 95% interval: lo is the 2.5% quantile
 * of Beta(k, n - k + 1) (0 at k = 0), hi the 97.5% quantile of Beta(k + 1, n - k) (1 at k = n).
 * It never covers less than 95%, however few the successes: the interval for rare events.
 */
cs_proportion cs_analysis_clopper_pearson(uint64_t k, uint64_t n);
/**
 * The honest statement of an expected unserved demand over n trials with estimate u: one
 * outcome when !varied; when fewer than CS_ANALYSIS_MIN_LOSS_TRIALS trials lose anything
 * (n_loss), the bound intact_unserved + intact_served x p_hi (no trial loses more than the
 * intact network serves); else the normal interval clipped to [0, demand].
 */
cs_loss_interval cs_analysis_loss_interval(bool varied, uint64_t n_loss, const cs_estimate *u,
                                           double intact_unserved, double intact_served);
/**
 * As cs_analysis_loss_interval() for the unserved demand of one region or demand, which is also
 * one outcome when the intact network serves none of it (intact_served <= 0: nothing to lose)
 * or when every trial leaves the same amount unserved (at least CS_ANALYSIS_MIN_LOSS_TRIALS
 * trials lose, with a standard deviation <= CS_ANALYSIS_NOISE_TBPS): no zero-width interval.
 */
cs_loss_interval cs_analysis_figure_interval(bool varied, uint64_t n_loss, const cs_estimate *u,
                                             double intact_unserved, double intact_served);
/**
 * The served fraction f (served / demand per trial) stated as its unserved counterpart u (same
 * kind): one outcome: lo = hi = mean; a bound: lo = intact_served x (1 - u->p_hi) / demand (the
 * trials without a loss serve what the intact network does, the others at least nothing), hi =
 * mean; normal: f's interval clipped to [0, 1].
 */
cs_loss_interval cs_analysis_served_interval(const cs_loss_interval *u, const cs_estimate *f,
                                             double intact_served, double demand);
/** The kind's name in JSON and CSV: "one_outcome", "clopper_pearson_bound" or "normal". */
const char *cs_analysis_loss_kind_name(cs_loss_kind kind);

/* ------------------------------------------------------------------ recovery over time */

/** Days at which the recovery section reports the served share and the queue (those beyond the
 * horizon are dropped; the horizon's last grid time is always added). */
#define CS_RECOVERY_TIMES                                                                          \
    {                                                                                              \
        0.0, 1.0, 3.0, 7.0, 14.0, 30.0, 60.0, 90.0                                                 \
    }
#define CS_RECOVERY_NTIMES 8
/** Quantile levels of the time-to-recover and Tbps-days distributions. */
#define CS_RECOVERY_NQ 4
#define CS_RECOVERY_LEVELS                                                                         \
    {                                                                                              \
        0.1, 0.5, 0.9, 0.99                                                                        \
    }

/** Served share and queue at one grid time, over all trials. */
typedef struct {
    size_t step;             /**< grid index k: time_days = k x step_hours / 24 */
    double time_days;        /**< the grid time */
    double q10, median, q90; /**< of served / intact served; NAN when not kept (memory cap) */
    cs_estimate share;       /**< mean served share */
    double queue_mean;       /**< mean queue length (faults waiting for a ship) */
    uint32_t queue_max;      /**< largest over the trials */
} cs_recovery_point;

/** The distribution of a time to restore p% of the intact served demand. */
typedef struct {
    cs_estimate censored;       /**< mean of min(t, horizon): the restricted mean */
    double q[CS_RECOVERY_NQ];   /**< at CS_RECOVERY_LEVELS; +inf when beyond the horizon */
    cs_proportion not_restored; /**< t = +inf: not restored within the horizon */
    bool available;             /**< false when the quantiles were given up (memory cap) */
} cs_recovery_ttr;

/** A per-trial amount (Tbps-days): mean with its CI and quantiles. */
typedef struct {
    cs_estimate est;
    double q[CS_RECOVERY_NQ], max; /**< NAN when given up (memory cap) */
} cs_recovery_amount;

/** One ship's use over the trials. */
typedef struct {
    const char *name, *home; /**< borrowed from the reader */
    cs_estimate busy_days;   /**< dispatch to end of its repairs, clipped to the horizon */
    cs_proportion worked;    /**< trials in which it repaired (busy days > 0) */
} cs_recovery_ship_use;

typedef struct {
    const cs_results_info *info; /**< borrowed: the reader must outlive the analysis */
    uint64_t n;                  /**< trials */
    double intact_tbps;          /**< served by the intact network: sum of /baseline/served_tbps */
    double horizon_days, step_hours;
    size_t n_points;
    cs_recovery_point *points; /**< [n_points], ascending times */
    cs_recovery_ttr ttr[3];    /**< time to restore 50, 90, 100% */
    cs_recovery_amount capacity_tbps_days, unserved_tbps_days;
    size_t n_ships;
    cs_recovery_ship_use *ships; /**< [n_ships] */
    cs_estimate faults;          /**< cable faults per trial */
    cs_proportion repaired;      /**< faults whose repair ended within the horizon */
    cs_estimate wait_days;       /**< dispatch - failure, over faults given a ship */
    cs_estimate outage_days;     /**< end of repair - failure, over repaired faults */
} cs_recovery_analysis_t;

/**
 * Recovery statistics of a file with recovery data (docs/analysis-cli.md "Recovery"), streaming
 * /timeseries and /recovery a slice at a time. Memory: the series behind quantiles keep only the
 * values that differ from the undisturbed one (share 1, time 0, Tbps-days 0), up to
 * o->max_tail_values in all; past that, quantiles are NAN (available false), means stay.
 * \param out Out: freed with cs_recovery_analysis_free(); NULL on failure.
 * \param r   An open reader whose file has_recovery (borrowed; must outlive *out).
 * \param o   Options, or NULL for CS_ANALYSIS_OPTIONS_INIT.
 * \return CS_OK, CS_EINVAL (no recovery data, bad option, inconsistent file), CS_EIO, CS_ENOMEM.
 * Complexity O(trials x (steps + ships + faults)) time.
 */
cs_status cs_analysis_recovery(cs_recovery_analysis_t **out, cs_resultsio_t *r,
                               const cs_analysis_options *o, cs_error *err);
void cs_recovery_analysis_free(cs_recovery_analysis_t *a);

/** Recovery differences B - A: paired over the trials of two files run with the same seed and
 * trials, unpaired (Welch) otherwise. */
typedef struct {
    cs_compare_kind kind;
    uint64_t n;       /**< paired trials; a_n + b_n unpaired */
    cs_paired ttr[3]; /**< min(t, horizon) of t50, t90, t100 */
    cs_paired capacity_tbps_days, unserved_tbps_days;
    cs_recovery_analysis_t *a, *b; /**< owned: each file's own statistics (points match) */
} cs_recovery_comparison_t;

/**
 * Compares the recovery of b with a's (both with recovery data): paired trial by trial with the
 * same seed and trials, unpaired (Welch) otherwise. Refuses (CS_EINVAL, one line naming both
 * files) different horizons or grid steps: the curves and capped times are then not comparable.
 * Readers borrowed. In cs_paired, n_neg counts the trials in which B is lower, i.e. better, for
 * every metric here.
 */
cs_status cs_analysis_compare_recovery(cs_recovery_comparison_t **out, cs_resultsio_t *a,
                                       cs_resultsio_t *b, const cs_analysis_options *o,
                                       cs_error *err);
void cs_recovery_comparison_free(cs_recovery_comparison_t *c);
/**
 * Whether the recoveries of the files a and b can be compared (both have recovery data on the
 * same grid): CS_OK, or CS_EINVAL with why not, as cs_analysis_compare_recovery refuses them.
 * A caller that reports "not compared" asks this first, so that a bad value read afterwards
 * (CS_EINVAL too) is an error, not a reason not to compare.
 */
cs_status cs_analysis_recovery_comparable(const cs_results_info *a, const cs_results_info *b,
                                          cs_error *err);

#endif /* CS_ANALYSIS_H */
