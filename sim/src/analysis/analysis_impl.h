/*
 * analysis_impl.h: what the parts of the analysis of results files share (analysis_stats.c:
 * running estimates, loss series and their quantiles, paired differences; analysis.c: the
 * single-file analysis and the grouping of demands into regions; analysis_compare.c: the
 * comparison of two files; analysis_recovery.c: the recovery statistics). Internal: not
 * installed.
 */
#ifndef CS_ANALYSIS_IMPL_H
#define CS_ANALYSIS_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cablesim/analysis.h"
#include "cablesim/error.h"
#include "cablesim/resultsio.h"

/* ------------------------------------------------------------ estimates */

/* Welford's running mean and sum of squared deviations. */
typedef struct {
    uint64_t n;
    double mean, m2;
} acc;

void cs_an_acc_add(acc *a, double x);
/* The estimate of a's mean (cs_analysis_estimate). */
cs_estimate cs_an_estimate(const acc *a);
/* As cs_an_estimate(), with the interval clipped to the valid range [lo, hi] of the quantity. */
cs_estimate cs_an_estimate_in(const acc *a, double lo, double hi);
/* Whether estimate e reaches relative half-width target, and how many more trials would. */
cs_precision cs_an_precision(const cs_estimate *e, double target);

/* --------------------------------------------------------------- series */

/* A loss series: the values that differ from base, and how many equal it. */
typedef struct {
    double base;
    double *v;
    size_t m, cap;
    uint64_t n_base;
    bool dropped;
} series;

/* Adds x; *stored counts the values held by all series. False when out of memory. */
bool cs_an_series_add(series *s, double x, size_t *stored);
/* Gives the series up (frees its values; its quantiles become NAN). */
void cs_an_series_drop(series *s, size_t *stored);
/* qsort comparison of doubles. */
int cs_an_cmp_double(const void *a, const void *b);
/* Index of the first of the sorted v[0..m) that is >= x. */
size_t cs_an_lower_bound(const double *v, size_t m, double x);
/* The k-th smallest (1-based) of the series, whose v is sorted; below = values < base. */
double cs_an_order_stat(const series *s, size_t below, uint64_t k);
/* x_(ceil(a n)), guarding a n against rounding just above a whole number. */
double cs_an_quantile(const series *s, size_t below, uint64_t n, double a);
/* Sorts s and reads its tail. */
cs_tail cs_an_series_tail(series *s);

/* ------------------------------------------------------ paired differences */

/* A paired difference, accumulated. */
typedef struct {
    acc d, a, b;
    uint64_t pos, neg;
} pair_acc;

/* Adds the pair (a, b) of one trial. */
void cs_an_pair_add(pair_acc *p, double a, double b);
/* The paired difference b - a (t interval and sign test). */
cs_paired cs_an_paired(const pair_acc *p);
/* The difference b - a as of two independent samples (Welch). */
cs_paired cs_an_unpaired(const pair_acc *p);

/* -------------------------------------------------------------- regions */

/* The region of each demand: the region of its foreign end (CS_REGION_JAPAN when both ends are
 * Japanese, TRANSIT when neither is), numbered in order of first appearance. */
typedef struct {
    size_t n;
    const char **names; /* [n] */
    bool *domestic;     /* [n] */
    size_t *of_demand;  /* [n_demands] */
    size_t *of_pair;    /* [n_pairs], SIZE_MAX when the pair's region has no demand */
} grouping;

void cs_an_grouping_destroy(grouping *g);
/* Groups the demands of in by region. CS_ENOMEM. */
cs_status cs_an_group_regions(grouping *g, const cs_results_info *in, cs_error *err);
/* The demand an analysis counts for demand k: its demand_scaled_tbps when the intact network
 * serves some of it, else 0. The router never routes a demand the intact network of the year
 * serves none of (docs/model.md, "Demand the intact network cannot serve"), and the run summary
 * leaves it out of the demand, of unserved demand and of its region's served fraction. */
double cs_an_counted_demand(const cs_results_info *in, size_t k);
/* The index of s in names[0..n), SIZE_MAX when absent. */
size_t cs_an_find_name(const char *const *names, size_t n, const char *s);
/* Checks the options of an analysis (precision, slice size). CS_EINVAL. */
cs_status cs_an_check_options(const cs_analysis_options *o, cs_error *err);
/* Why two files pair or not, into buf; true when they pair (same seed and trial count). */
bool cs_an_pairing(const cs_results_info *a, const cs_results_info *b, char *buf, size_t n);

#endif /* CS_ANALYSIS_IMPL_H */
