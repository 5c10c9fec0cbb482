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

/* "NaN", "+inf", "-inf" or the value, into buf. */
static const char *num_text(char *buf, size_t n, double x)
{
    if (isnan(x))
        snprintf(buf, n, "NaN");
    else if (isinf(x))
        snprintf(buf, n, "%sinf", x > 0 ? "+" : "-");
    else
        snprintf(buf, n, "%.17g", x);
    return buf;
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
    num_text(num, sizeof num, value);
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

/* ------------------------------------------------------------ records */

/* "FILE: DATASET[INDEX].MEMBER: VALUE, what" as CS_EINVAL. */
static cs_status record_error(cs_error *err, const char *file, const char *dataset, uint64_t index,
                              const char *member, double x, const char *what)
{
    char num[40];
    return cs_errorf(err, CS_EINVAL, "%s: %s[%" PRIu64 "].%s: %s, %s", file, dataset, index, member,
                     num_text(num, sizeof num, x), what);
}

/* a <= b within rounding (1e-9 relative; b = +inf: always). */
static bool not_after(double a, double b)
{
    return a <= b + 1e-9 * fmax(1.0, fabs(b));
}

static const char WATERS_WHY[] = "not 0, 1 or 2 (domestic, foreign, contested)";

cs_status cs_values_fault_check(cs_error *err, const char *file, uint64_t index,
                                const cs_values_fault *f)
{
    static const char ds[] = "/recovery/faults";
    static const char *const names[3] = {"dispatch_days", "start_days", "end_days"};
    const double t[3] = {f->dispatch_days, f->start_days, f->end_days};
    if (!(isfinite(f->fail_days) && f->fail_days >= 0))
        return record_error(err, file, ds, index, "fail_days", f->fail_days,
                            "not a time (finite and >= 0)");
    for (int k = 0; k < 3; k++)
        if (isnan(t[k]) || t[k] < 0)
            return record_error(err, file, ds, index, names[k], t[k],
                                "not a time (>= 0, or +inf: not within the horizon)");
    char why[96];
    if (f->ship < 0) { /* no ship within the horizon: nothing happened */
        for (int k = 0; k < 3; k++)
            if (!isinf(t[k]))
                return record_error(err, file, ds, index, names[k], t[k],
                                    "expected +inf with ship -1 (no ship within the horizon)");
    } else {
        if (!isfinite(t[0])) {
            snprintf(why, sizeof why, "expected a finite time: ship %" PRId32 " was dispatched",
                     f->ship);
            return record_error(err, file, ds, index, names[0], t[0], why);
        }
        double prev = f->fail_days;
        const char *prev_name = "fail_days";
        for (int k = 0; k < 3; k++) {
            if (!not_after(prev, t[k])) {
                char num[40];
                snprintf(why, sizeof why, "before %s (%s)", prev_name,
                         num_text(num, sizeof num, prev));
                return record_error(err, file, ds, index, names[k], t[k], why);
            }
            prev = t[k];
            prev_name = names[k];
        }
    }
    if (f->waters > 2) return record_error(err, file, ds, index, "waters", f->waters, WATERS_WHY);
    return CS_OK;
}

/* What a member of a cut or event record must be. */
typedef enum {
    M_LON,        /* in [-180, 180], or NaN (not placed, not applicable) */
    M_LAT,        /* in [-90, 90], or NaN */
    M_NONNEG,     /* finite, >= 0 */
    M_NONNEG_NAN, /* finite and >= 0, or NaN */
    M_WATERS,     /* 0, 1 or 2 */
    M_HAZARD,     /* >= -1 (-1: none) */
    M_HAZARD_EV,  /* >= 0 */
    M_MAGNITUDE,  /* finite, or NaN */
    M_TARGET,     /* >= -1 (-1: none) */
} member_rule;

typedef struct {
    const char *name;
    member_rule rule;
} member_check;

static const member_check cut_checks[] = {{"lon_deg", M_LON},        {"lat_deg", M_LAT},
                                          {"depth_m", M_NONNEG_NAN}, {"waters", M_WATERS},
                                          {"hazard", M_HAZARD},      {"time_days", M_NONNEG}};

static const member_check event_checks[] = {{"hazard", M_HAZARD_EV},     {"magnitude", M_MAGNITUDE},
                                            {"lon0_deg", M_LON},         {"lat0_deg", M_LAT},
                                            {"lon1_deg", M_LON},         {"lat1_deg", M_LAT},
                                            {"length_km", M_NONNEG_NAN}, {"target", M_TARGET}};

/* Whether x obeys rule. */
static bool member_ok(member_rule rule, double x)
{
    switch (rule) {
    case M_LON:
        return isnan(x) || (x >= -180.0 && x <= 180.0);
    case M_LAT:
        return isnan(x) || (x >= -90.0 && x <= 90.0);
    case M_NONNEG:
        return isfinite(x) && x >= 0.0;
    case M_NONNEG_NAN:
        return isnan(x) || (isfinite(x) && x >= 0.0);
    case M_WATERS:
        return x <= 2.0;
    case M_HAZARD:
    case M_TARGET:
        return x >= -1.0;
    case M_HAZARD_EV:
        return x >= 0.0;
    case M_MAGNITUDE:
        return !isinf(x);
    }
    return true;
}

static const char *member_why(member_rule rule, double x)
{
    switch (rule) {
    case M_LON:
        return "outside [-180, 180]";
    case M_LAT:
        return "outside [-90, 90]";
    case M_NONNEG:
    case M_NONNEG_NAN:
        return isfinite(x) ? "negative" : "not a finite value >= 0";
    case M_WATERS:
        return WATERS_WHY;
    case M_HAZARD:
        return "not a hazard index (>= 0, or -1 for none)";
    case M_HAZARD_EV:
        return "not a hazard index (>= 0)";
    case M_MAGNITUDE:
        return "not a finite magnitude (or NaN: not applicable)";
    case M_TARGET:
        return "not an index (>= 0, or -1 for none)";
    }
    return "not allowed";
}

/* Member k of the record at p as a double; type as the file (or memory) has it. */
static double member_value(const unsigned char *p, cs_dtype type)
{
    switch (type) {
    case CS_DT_F64:
        return cs_values_at(p, 0);
    case CS_DT_F32: {
        float x;
        memcpy(&x, p, sizeof x);
        return x;
    }
    case CS_DT_U8:
        return *p;
    case CS_DT_I32: {
        int32_t x;
        memcpy(&x, p, sizeof x);
        return x;
    }
    case CS_DT_U32: {
        uint32_t x;
        memcpy(&x, p, sizeof x);
        return x;
    }
    default:
        return 0.0;
    }
}

/* Offset and type of member name of record dataset s in format version; false when absent. */
static bool member_layout(const cs_dataset_schema *s, int version, const char *name, size_t *off,
                          cs_dtype *type)
{
    for (size_t k = 0; k < s->n_members; k++)
        if (strcmp(s->members[k].name, name) == 0) {
            cs_schema_member_layout(s, k, version, off, type);
            return true;
        }
    return false;
}

/* The fault records (generic layout): cs_values_fault_check each. */
static cs_status check_faults(cs_error *err, const char *file, const cs_dataset_schema *s,
                              const unsigned char *v, size_t n, int version, uint64_t first)
{
    static const char *const names[6] = {"fail_days", "dispatch_days", "start_days",
                                         "end_days",  "ship",          "waters"};
    size_t off[6] = {0};
    cs_dtype type[6] = {CS_DT_F64, CS_DT_F64, CS_DT_F64, CS_DT_F64, CS_DT_I32, CS_DT_U8};
    for (int k = 0; k < 6; k++)
        if (!member_layout(s, version, names[k], &off[k], &type[k])) return CS_OK;
    const size_t rec = cs_schema_record_bytes(s, version);
    for (size_t i = 0; i < n; i++) {
        const unsigned char *p = v + i * rec;
        const cs_values_fault f = {
            .fail_days = member_value(p + off[0], type[0]),
            .dispatch_days = member_value(p + off[1], type[1]),
            .start_days = member_value(p + off[2], type[2]),
            .end_days = member_value(p + off[3], type[3]),
            .ship = (int32_t)member_value(p + off[4], type[4]),
            .waters = (uint8_t)member_value(p + off[5], type[5]),
        };
        const cs_status rc = cs_values_fault_check(err, file, first + i, &f);
        if (rc) return rc;
    }
    return CS_OK;
}

cs_status cs_values_records_check(cs_error *err, const char *file, cs_dataset_id d,
                                  const char *dataset, const void *v, size_t n, int version,
                                  uint64_t first)
{
    const cs_dataset_schema *s = cs_results_dataset(d);
    if (d == CS_DS_REC_FAULTS) return check_faults(err, file, s, v, n, version, first);
    const member_check *checks = d == CS_DS_CUTS     ? cut_checks
                                 : d == CS_DS_EVENTS ? event_checks
                                                     : NULL;
    if (checks == NULL || n == 0) return CS_OK;
    const size_t nc = d == CS_DS_CUTS ? sizeof cut_checks / sizeof cut_checks[0]
                                      : sizeof event_checks / sizeof event_checks[0];
    size_t off[8];
    cs_dtype type[8];
    bool have[8];
    for (size_t k = 0; k < nc; k++)
        have[k] = member_layout(s, version, checks[k].name, &off[k], &type[k]);
    const size_t rec = cs_schema_record_bytes(s, version);
    const unsigned char *p = v;
    for (size_t i = 0; i < n; i++, p += rec)
        for (size_t k = 0; k < nc; k++) {
            if (!have[k]) continue;
            const double x = member_value(p + off[k], type[k]);
            if (member_ok(checks[k].rule, x)) continue;
            return record_error(err, file, dataset, first + i, checks[k].name, x,
                                member_why(checks[k].rule, x));
        }
    return CS_OK;
}
