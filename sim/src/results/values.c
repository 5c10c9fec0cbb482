/*
 * values.c: the values a results file written by cablesim always holds (values.h;
 * docs/hdf5-schema.md, "Values").
 */
#include "results/values.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

double cs_values_at(const void *v, size_t i)
{
    double x;
    memcpy(&x, (const unsigned char *)v + i * sizeof x, sizeof x);
    return x;
}

cs_value_rule cs_values_rule(cs_dataset_id d)
{
    switch (d) {
    case CS_DS_BASE_SERVED:
    case CS_DS_SERVED:
        return CS_VAL_SERVED;
    case CS_DS_BASE_LATENCY:
    case CS_DS_LATENCY:
        return CS_VAL_LATENCY;
    case CS_DS_BASE_EDGE_FLOW:
    case CS_DS_BASE_UNSERVED:
    case CS_DS_BASE_HELD:
    case CS_DS_UNSERVED:
    case CS_DS_EDGE_FLOW:
    case CS_DS_CAPACITY_LOST:
    case CS_DS_INTL_CAPACITY_LOST:
    case CS_DS_TS_SERVED:
    case CS_DS_REC_CAPACITY:
    case CS_DS_REC_UNSERVED:
    case CS_DS_REC_BUSY:
    case CS_DS_TIME_DAYS:
        return CS_VAL_AMOUNT;
    case CS_DS_REGION_SERVED:
        return CS_VAL_FRACTION;
    case CS_DS_REGION_LATENCY:
        return CS_VAL_ADDED;
    case CS_DS_REGION_HEADROOM:
        return CS_VAL_HEADROOM;
    case CS_DS_WEIGHT:
        return CS_VAL_WEIGHT;
    case CS_DS_REC_T50:
    case CS_DS_REC_T90:
    case CS_DS_REC_T100:
        return CS_VAL_TIME;
    default:
        return CS_VAL_ANY;
    }
}

/* Whether x obeys rule (cap: the demand of its column, for CS_VAL_SERVED). */
static bool value_ok(cs_value_rule rule, double x, double cap)
{
    switch (rule) {
    case CS_VAL_ANY:
        return true;
    case CS_VAL_AMOUNT:
        return isfinite(x) && x >= -CS_VALUES_SLACK;
    case CS_VAL_SERVED:
        return isfinite(x) && x >= -CS_VALUES_SLACK && x <= cap * (1 + 1e-9) + CS_VALUES_SLACK;
    case CS_VAL_LATENCY:
        return isnan(x) || (isfinite(x) && x >= 0);
    case CS_VAL_ADDED:
        return !isinf(x);
    case CS_VAL_FRACTION:
        return isnan(x) || (x >= -1e-9 && x <= 1 + 1e-9);
    case CS_VAL_HEADROOM:
        return isnan(x) || (isfinite(x) && x >= -CS_VALUES_SLACK);
    case CS_VAL_WEIGHT:
        return isfinite(x) && x > 0;
    case CS_VAL_TIME:
        return !isnan(x) && x >= 0;
    }
    return true;
}

bool cs_values_ok(cs_value_rule rule, const void *v, size_t rows, size_t cols, const double *demand,
                  size_t *bad_row, size_t *bad_col)
{
    if (rule == CS_VAL_ANY) return true;
    const unsigned char *p = v;
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++)
            if (!value_ok(rule, cs_values_at(p, i * cols + j),
                          rule == CS_VAL_SERVED && demand != NULL ? demand[j] : INFINITY)) {
                *bad_row = i;
                *bad_col = j;
                return false;
            }
    return true;
}

/* What is wrong with x under rule, as a phrase after the value. */
static const char *why(cs_value_rule rule, double x)
{
    if (isnan(x)) return rule == CS_VAL_TIME ? "not a time (>= 0, or +inf)" : "not a finite amount";
    switch (rule) {
    case CS_VAL_AMOUNT:
    case CS_VAL_HEADROOM:
        return isfinite(x) ? "a negative amount" : "not a finite amount";
    case CS_VAL_SERVED:
        return !isfinite(x) ? "not a finite amount"
               : x < 0      ? "a negative amount"
                            : "more served than the demand";
    case CS_VAL_LATENCY:
        return "not a latency (finite and >= 0, or NaN when nothing is served)";
    case CS_VAL_ADDED:
        return "not a finite latency";
    case CS_VAL_FRACTION:
        return "not a fraction in [0, 1]";
    case CS_VAL_WEIGHT:
        return "not a weight (finite and > 0)";
    case CS_VAL_TIME:
        return "a negative time";
    case CS_VAL_ANY:
        break;
    }
    return "not allowed";
}

cs_status cs_values_error(cs_error *err, const char *file, const char *dataset, cs_value_rule rule,
                          double value, uint64_t row, size_t col, size_t cols, const char *where,
                          const double *demand)
{
    char place[48], num[40], extra[96] = "";
    if (cols > 1)
        snprintf(place, sizeof place, "[%" PRIu64 ", %zu]", row, col);
    else
        snprintf(place, sizeof place, "[%" PRIu64 "]", row);
    if (isnan(value))
        snprintf(num, sizeof num, "NaN");
    else if (isinf(value))
        snprintf(num, sizeof num, "%sinf", value > 0 ? "+" : "-");
    else
        snprintf(num, sizeof num, "%.17g", value);
    if (rule == CS_VAL_SERVED && demand != NULL && isfinite(value) && value >= 0)
        snprintf(extra, sizeof extra, " (demand_scaled_tbps of demand %zu: %.17g)", col,
                 demand[col]);
    return cs_errorf(err, CS_EINVAL, "%s: %s%s%s%s%s: %s, %s%s", file, dataset, place,
                     where != NULL ? " (" : "", where != NULL ? where : "",
                     where != NULL ? ")" : "", num, why(rule, value), extra);
}

cs_status cs_values_check(cs_error *err, const char *file, cs_dataset_id d, const char *dataset,
                          const void *v, uint64_t row0, size_t rows, size_t cols,
                          const double *demand)
{
    const cs_value_rule rule = cs_values_rule(d);
    size_t i = 0, j = 0;
    if (cs_values_ok(rule, v, rows, cols, demand, &i, &j)) return CS_OK;
    return cs_values_error(err, file, dataset, rule, cs_values_at(v, i * cols + j), row0 + i, j,
                           cols, NULL, demand);
}
