/*
 * ydoc_get.c: reading a YAML document: typed getters (double, int, bool,
 * string, enum, sequence) and the key check with its did-you-mean hint, each
 * with file:line:column messages. Shared helpers: ydoc_impl.h.
 */
#include "cablesim/ydoc.h"
#include "model/ydoc_impl.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core/strmap.h"

/* ----------------------------------------------------------------- getters */

bool cs_ynode_is_null(const cs_ynode *node)
{
    return cs_yd_is_null(node);
}

const cs_ynode *cs_ymap_get(const cs_ynode *map, const char *key)
{
    if (map == NULL || map->kind != CS_YMAP) return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->value, key) == 0) return map->items[i];
    return NULL;
}

/* "a, b, c" into buf. */
static void join_keys(const char *const *keys, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; keys[i] != NULL && o < n; i++) {
        const int k = snprintf(buf + o, n - o, "%s%s", i ? ", " : "", keys[i]);
        if (k < 0) break;
        o += (size_t)k;
    }
}

cs_status cs_ymap_check_keys(const cs_ydoc_t *d, const cs_ynode *map, const char *const *allowed,
                             const char *what, cs_error *err)
{
    char list[512];
    join_keys(allowed, list, sizeof list);
    if (map == NULL || map->kind != CS_YMAP) {
        char exp[600];
        snprintf(exp, sizeof exp, "a map with keys %s", list);
        return cs_yerr(d, map, what, exp, err);
    }
    for (size_t i = 0; i < map->n; i++) {
        const char *k = map->keys[i]->value;
        size_t j = 0;
        while (allowed[j] != NULL && strcmp(allowed[j], k) != 0)
            j++;
        if (allowed[j] != NULL) continue;
        const size_t bi = cs_nearest_name(k, allowed, j); /* j: every allowed key */
        char w[CS_ERROR_MSG_MAX / 2], q[200], hint[200] = "";
        cs_yd_where(d, map->keys[i], w, sizeof w);
        cs_yd_quote_text(k, 60, q, sizeof q);
        if (bi != SIZE_MAX) snprintf(hint, sizeof hint, " (did you mean \"%s\"?)", allowed[bi]);
        return cs_errorf(err, CS_EINVAL, "%s: %s: unknown key %s%s; allowed keys: %s", w, what, q,
                         hint, list);
    }
    return CS_OK;
}

/*
 * Common start of every getter: *v is the value (NULL when absent or null,
 * then the caller stores its default), or an error when required and missing.
 */
static cs_status lookup(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                        const char *expected, const cs_ynode **v, cs_error *err)
{
    *v = cs_ymap_get(map, key);
    if (!cs_yd_is_null(*v)) return CS_OK;
    const cs_ynode *found = *v;
    *v = NULL;
    if (!required) return CS_OK;
    char kp[320];
    cs_yd_key_path(d, map, key, kp, sizeof kp);
    return found ? cs_yd_report(d, found, found, kp, expected, err)
                 : cs_yd_report(d, map, NULL, kp, expected, err);
}

/*
 * The value v of key in map is not what was expected. The key's dotted path is found only here,
 * on the error path: it searches the document from the root, so computing it for every value
 * read made N hazards cost O(N^2).
 */
static cs_status bad_value(const cs_ydoc_t *d, const cs_ynode *map, const char *key,
                           const cs_ynode *v, const char *expected, cs_error *err)
{
    char kp[320];
    cs_yd_key_path(d, map, key, kp, sizeof kp);
    return cs_yd_report(d, v, v, kp, expected, err);
}

/* Shortest text of x that reads back exactly; whole numbers without an exponent. */
static void shortest(double x, char *buf, size_t n)
{
    if (x == floor(x) && fabs(x) < 1e15) {
        snprintf(buf, n, "%.0f", x);
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, x);
        if (strtod(buf, NULL) == x) return;
    }
}

/* "a number in [lo, hi]", an infinite end written as a one-sided bound. */
static void range_text(double lo, double hi, char *buf, size_t n)
{
    char a[40], b[40];
    shortest(lo, a, sizeof a);
    shortest(hi, b, sizeof b);
    if (isinf(lo) && isinf(hi))
        snprintf(buf, n, "a number");
    else if (isinf(lo))
        snprintf(buf, n, "a number <= %s", b);
    else if (isinf(hi))
        snprintf(buf, n, "a number >= %s", a);
    else
        snprintf(buf, n, "a number in [%s, %s]", a, b);
}

/* Records the default text applied to key of map (plain: a number, boolean or symbol). */
static void note(const cs_ydoc_t *d, const cs_ynode *map, const char *key, const char *text,
                 bool plain)
{
    cs_yd_note(d, map, key, cs_yd_scalar(text, plain));
}

/* Appends to exp, for a number written 0x.., 0o.. or 0b.. (docs/scenarios.md, "Numbers": decimal
 * only), what is expected instead. */
static void decimal_hint(const cs_ynode *v, char *exp, size_t n)
{
    const char *t =
        v->kind == CS_YSCALAR ? v->value + (v->value[0] == '-' || v->value[0] == '+') : "";
    if (t[0] == '0' && t[1] != '\0' && strchr("xXoObB", t[1]) != NULL)
        snprintf(exp + strlen(exp), n - strlen(exp), " written in decimal (not 0x, 0o or 0b)");
}

cs_status cs_yget_double(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                         double lo, double hi, double dflt, double *out, cs_error *err)
{
    char exp[128];
    range_text(lo, hi, exp, sizeof exp);
    const cs_ynode *v;
    const cs_status rc = lookup(d, map, key, required, exp, &v, err);
    if (rc != CS_OK || v == NULL) {
        *out = dflt;
        if (rc == CS_OK && isfinite(dflt)) {
            char text[40];
            shortest(dflt, text, sizeof text);
            note(d, map, key, text, true);
        }
        return rc;
    }
    double x;
    if (v->kind != CS_YSCALAR || !v->plain || !cs_yd_text_double(v->value, &x) || x < lo ||
        x > hi) {
        *out = dflt;
        decimal_hint(v, exp, sizeof exp);
        return bad_value(d, map, key, v, exp, err);
    }
    *out = x;
    return CS_OK;
}

/* Integer bounds as text, exactly (a double would round 2^63 - 1). */
static void int_range_text(long long lo, long long hi, char *buf, size_t n)
{
    if (lo == LLONG_MIN && hi == LLONG_MAX)
        snprintf(buf, n, "an integer");
    else if (hi == LLONG_MAX)
        snprintf(buf, n, "an integer >= %lld", lo);
    else if (lo == LLONG_MIN)
        snprintf(buf, n, "an integer <= %lld", hi);
    else
        snprintf(buf, n, "an integer in [%lld, %lld]", lo, hi);
}

cs_status cs_yget_int(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                      long long lo, long long hi, long long dflt, long long *out, cs_error *err)
{
    char exp[128];
    int_range_text(lo, hi, exp, sizeof exp);
    const cs_ynode *v;
    const cs_status rc = lookup(d, map, key, required, exp, &v, err);
    if (rc != CS_OK || v == NULL) {
        *out = dflt;
        if (rc == CS_OK) {
            char text[32];
            snprintf(text, sizeof text, "%lld", dflt);
            note(d, map, key, text, true);
        }
        return rc;
    }
    long long x;
    if (v->kind != CS_YSCALAR || !v->plain || !cs_yd_text_int(v->value, &x) || x < lo || x > hi) {
        *out = dflt;
        decimal_hint(v, exp, sizeof exp);
        return bad_value(d, map, key, v, exp, err);
    }
    *out = x;
    return CS_OK;
}

cs_status cs_yget_bool(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                       bool dflt, bool *out, cs_error *err)
{
    const char *exp = "true or false";
    const cs_ynode *v;
    const cs_status rc = lookup(d, map, key, required, exp, &v, err);
    if (rc != CS_OK || v == NULL) {
        *out = dflt;
        if (rc == CS_OK) note(d, map, key, dflt ? "true" : "false", true);
        return rc;
    }
    bool x;
    if (v->kind != CS_YSCALAR || !v->plain || !cs_yd_text_bool(v->value, &x)) {
        *out = dflt;
        return bad_value(d, map, key, v, exp, err);
    }
    *out = x;
    return CS_OK;
}

cs_status cs_yget_string(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                         const char *dflt, const char **out, cs_error *err)
{
    const char *exp = "a string";
    const cs_ynode *v;
    const cs_status rc = lookup(d, map, key, required, exp, &v, err);
    if (rc != CS_OK || v == NULL) {
        *out = dflt;
        if (rc == CS_OK && dflt != NULL) note(d, map, key, dflt, false); /* NULL: none */
        return rc;
    }
    if (v->kind != CS_YSCALAR) {
        *out = dflt;
        return bad_value(d, map, key, v, exp, err);
    }
    *out = v->value;
    return CS_OK;
}

/* "\"a\", \"b\" or \"c\"" into buf. */
static void choices_text(const char *const *choices, char *buf, size_t n)
{
    size_t count = 0, o = 0;
    while (choices[count] != NULL)
        count++;
    buf[0] = '\0';
    for (size_t i = 0; i < count && o < n; i++) {
        const char *sep = i == 0 ? "" : (i + 1 == count ? " or " : ", ");
        const int k = snprintf(buf + o, n - o, "%s\"%s\"", sep, choices[i]);
        if (k < 0) break;
        o += (size_t)k;
    }
}

cs_status cs_yget_enum(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                       const char *const *choices, int dflt, int *out, cs_error *err)
{
    char exp[512];
    choices_text(choices, exp, sizeof exp);
    const cs_ynode *v;
    const cs_status rc = lookup(d, map, key, required, exp, &v, err);
    *out = dflt;
    if (rc == CS_OK && v == NULL && dflt >= 0) {
        int count = 0;
        while (choices[count] != NULL)
            count++;
        if (dflt < count) note(d, map, key, choices[dflt], !cs_yd_text_looks_typed(choices[dflt]));
    }
    if (rc != CS_OK || v == NULL) return rc;
    if (v->kind != CS_YSCALAR) return bad_value(d, map, key, v, exp, err);
    size_t count = 0;
    for (; choices[count] != NULL; count++)
        if (strcmp(choices[count], v->value) == 0) {
            *out = (int)count;
            return CS_OK;
        }
    const size_t near = cs_nearest_name(v->value, choices, count);
    if (near == SIZE_MAX) return bad_value(d, map, key, v, exp, err);
    char kp[320], w[CS_ERROR_MSG_MAX / 2], f[200];
    cs_yd_key_path(d, map, key, kp, sizeof kp);
    cs_yd_where(d, v, w, sizeof w);
    cs_ydescribe(v, f, sizeof f);
    return cs_errorf(err, CS_EINVAL, "%s: %s: expected %s, found %s (did you mean \"%s\"?)", w, kp,
                     exp, f, choices[near]);
}

cs_status cs_yget_seq(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                      const cs_ynode **out, cs_error *err)
{
    const char *exp = "a list";
    const cs_ynode *v;
    *out = NULL;
    const cs_status rc = lookup(d, map, key, required, exp, &v, err);
    if (rc != CS_OK || v == NULL) return rc;
    if (v->kind != CS_YSEQ) return bad_value(d, map, key, v, exp, err);
    *out = v;
    return CS_OK;
}
