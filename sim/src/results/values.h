/*
 * values.h: the values a results file written by cablesim always holds (docs/hdf5-schema.md,
 * "Values"), checked by the readers as the values stream through their reads (reader.c,
 * reader_tables.c, merge.c): amounts finite and not negative, served traffic at most the
 * demand, latencies finite or NaN (nothing served), weights finite and positive, recovery times
 * not negative or +inf (not within the horizon). A file made or edited by other tools with NaN,
 * +-inf or negative amounts is refused with the dataset and the index of the first bad value.
 * Internal to the results layer: not installed.
 */
#ifndef CS_RESULTS_VALUES_H
#define CS_RESULTS_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cablesim/error.h"
#include "cablesim/results_schema.h"

/* Rounding allowed below 0 for an amount and above the demand for served traffic (Tbps):
 * sums of thousands of float64 terms are off by far less; 1e-6 Tbps is 1 Mbps. */
#define CS_VALUES_SLACK 1e-6

/* What a float64 value of a dataset must be. */
typedef enum {
    CS_VAL_ANY,      /* not checked (not float64, or no rule) */
    CS_VAL_AMOUNT,   /* finite, >= 0 */
    CS_VAL_SERVED,   /* an amount <= the column's demand_scaled_tbps */
    CS_VAL_LATENCY,  /* finite >= 0, or NaN: nothing served */
    CS_VAL_ADDED,    /* finite (may be negative), or NaN: nothing served / not reachable */
    CS_VAL_FRACTION, /* in [0, 1], or NaN: a region the intact network does not reach */
    CS_VAL_HEADROOM, /* an amount, or NaN: a region the intact network does not reach */
    CS_VAL_WEIGHT,   /* finite, > 0 */
    CS_VAL_TIME,     /* >= 0, finite or +inf (not within the horizon) */
} cs_value_rule;

/* The rule of the float64 values of dataset d. */
cs_value_rule cs_values_rule(cs_dataset_id d);

/* Element i of the float64 values at v, which need not be aligned (merge packs its tables). */
double cs_values_at(const void *v, size_t i);

/* Checks rows x cols float64 values at v (aligned or not) of rule (demand: the column's
 * demand_scaled_tbps, for CS_VAL_SERVED; else NULL). On the first bad value returns false with its
 * row and column. */
bool cs_values_ok(cs_value_rule rule, const void *v, size_t rows, size_t cols, const double *demand,
                  size_t *bad_row, size_t *bad_col);

/* "FILE: DATASET[ROW, COL] (WHERE): VALUE, what is wrong" (or DATASET[ROW] when cols == 1) as
 * CS_EINVAL; where may be NULL. */
cs_status cs_values_error(cs_error *err, const char *file, const char *dataset, cs_value_rule rule,
                          double value, uint64_t row, size_t col, size_t cols, const char *where,
                          const double *demand);

/* cs_values_ok over rows x cols values of dataset d (named dataset in the file), as
 * cs_values_error: row0 numbers the first row. CS_OK when d has no rule. */
cs_status cs_values_check(cs_error *err, const char *file, cs_dataset_id d, const char *dataset,
                          const void *v, uint64_t row0, size_t rows, size_t cols,
                          const double *demand);

/* The values of one record of /recovery/faults (as cs_rfault). */
typedef struct {
    double fail_days, dispatch_days, start_days, end_days;
    int32_t ship;
    uint8_t waters;
} cs_values_fault;

/* Checks fault record index of /recovery/faults (values.c; docs/hdf5-schema.md, "Values"):
 * fail_days finite >= 0; with ship -1 dispatch, start and end +inf; else fail <= dispatch
 * (finite) <= start <= end (+inf: not within the horizon); waters 0, 1 or 2.
 * "FILE: /recovery/faults[INDEX].MEMBER: VALUE, what is wrong" as CS_EINVAL. */
cs_status cs_values_fault_check(cs_error *err, const char *file, uint64_t index,
                                const cs_values_fault *f);

/* Checks n records of values list d (/trials/cuts, /trials/hazard_events, /recovery/faults;
 * CS_OK for any other) packed as a file of format version holds them (CS_FORMAT_MEMORY: as in
 * memory and batches), the first being record first of the dataset (named dataset in the file).
 * Cuts: lon_deg in [-180, 180], lat_deg in [-90, 90], depth_m >= 0, or NaN (a cut the library's
 * writer was given unplaced: runs place every cut), time_days finite >= 0, waters 0..2, hazard
 * >= -1. Events: hazard >= 0, magnitude not +-inf, places in range or NaN, length_km >= 0 or
 * NaN, target >= -1. Faults: cs_values_fault_check. */
cs_status cs_values_records_check(cs_error *err, const char *file, cs_dataset_id d,
                                  const char *dataset, const void *v, size_t n, int version,
                                  uint64_t first);

#endif /* CS_RESULTS_VALUES_H */
