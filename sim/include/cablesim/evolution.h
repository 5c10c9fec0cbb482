/*
 * evolution.h: one scenario on the network in service in a given year.
 *
 * `cablesim evolution` runs the same scenario with as_of set to each year and
 * the same seed, so trial t draws the same random numbers every year (common
 * random numbers): differences between years come from the network, not from
 * noise in the sampling. The demand file is CS_EVOLUTION_DEMAND_YEAR's;
 * cs_evolution_options.growth scales it per year. The row's columns are
 * defined in docs/criticality.md ("Evolution").
 */
#ifndef CS_EVOLUTION_H
#define CS_EVOLUTION_H

#include <stddef.h>
#include <stdint.h>

#include "cablesim/analysis.h"
#include "cablesim/error.h"

/** The demand file's year: growth scales demand relative to it. */
#define CS_EVOLUTION_DEMAND_YEAR 2025

/** Options of a year's run. */
typedef struct {
    const char *const *sets; /**< scenario overrides ("key=value", as for --set); none sets as_of */
    size_t n_sets;
    double growth; /**< demand x (1 + growth)^(year - CS_EVOLUTION_DEMAND_YEAR); NAN: none */
} cs_evolution_options;

/** One year's row. Strings are copied: the engine that owned them is freed per year. */
typedef struct {
    int year;
    size_t systems;           /**< cable systems in service */
    size_t japan_systems;     /**< of those, with a segment ending at a Japanese landing station */
    double japan_design_tbps; /**< design capacity of those segments */
    uint64_t trials;
    double demand_scale, demand_tbps, baseline_unserved_tbps;
    double mean;            /**< expected unserved Tbps */
    double ci_low, ci_high; /**< its honest statement (cs_analysis_loss_interval): the normal 95%
                               interval clipped to [0, demand]; [mean, Clopper-Pearson bound] when
                               fewer than CS_ANALYSIS_MIN_LOSS_TRIALS trials lose anything; mean,
                               mean for one outcome */
    cs_loss_kind unserved_kind; /**< which of the three statements */
    uint64_t loss_trials;       /**< trials leaving more unserved than the intact network */
    double p_loss_hi; /**< CS_LOSS_BOUND: the Clopper-Pearson upper bound of P(loss > 0); NAN */
    double share;     /**< mean / demand_tbps */
    double loss;      /**< mean - baseline unserved; 0 within CS_ROUTING_EPS_TBPS (rounding dust) */
    cs_proportion any_cut;         /**< trials in which some region is cut off */
    cs_proportion any_reached_cut; /**< ... some region the intact network reaches */
    size_t regions;                /**< foreign regions with demand from Japan */
    size_t unreached;              /**< of those, not reached by the intact network */
    char worst[128];               /**< the reached region most often cut off; "" if none ever */
    double worst_p;                /**< the share of trials that cut it off */
} cs_evolution_row;

/**
 * Runs the scenario at scenario_path (opt->sets applied, then as_of = year)
 * and fills row. Nothing is written: the trials run one at a time into a run
 * summary, without the per-trial arrays a results file would need.
 * \param row  Out: the year's row (row->year is set to year).
 * \param scenario_path The scenario file (borrowed).
 * \param year The network's year (as_of), 1990 to 2100.
 * \param opt  Options, or NULL for none.
 * \param err  Error context (may be NULL).
 * \return CS_OK, CS_EINVAL (a set of as_of; bad year; invalid scenario), or what loading and
 *         running the scenario return (CS_EIO, CS_EPARSE, CS_ENOMEM, ...).
 */
cs_status cs_evolution_year(cs_evolution_row *row, const char *scenario_path, int year,
                            const cs_evolution_options *opt, cs_error *err);

#endif /* CS_EVOLUTION_H */
