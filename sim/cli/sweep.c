/*
 * sweep.c: expanding scenario lists and --sweep options into variants (sweep.h).
 */
#include "sweep.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One --sweep option: a key and its values, as strings for --set. */
typedef struct {
    char *key;
    char **values;
    size_t n;
} sweep_axis;

static int fail(char *msg, size_t len, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int fail(char *msg, size_t len, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, len, fmt, ap);
    va_end(ap);
    return status;
}

static char *dup_range(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d == NULL) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static void axis_destroy(sweep_axis *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->values[i]);
    free(a->values);
    free(a->key);
}

static int axis_add(sweep_axis *a, const char *v, size_t len)
{
    char **p = realloc(a->values, (a->n + 1) * sizeof *p);
    if (p == NULL) return 1;
    a->values = p;
    if ((a->values[a->n] = dup_range(v, len)) == NULL) return 1;
    a->n++;
    return 0;
}

static bool parse_number(const char *s, size_t len, double *v)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf) return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end = NULL;
    errno = 0;
    *v = strtod(buf, &end);
    return errno == 0 && *end == '\0' && isfinite(*v) && strpbrk(buf, "xX") == NULL; /* decimal */
}

/* START:STOP:STEP, stop included when a step lands on it (to within rounding). */
static int axis_range(sweep_axis *a, const char *spec, const char *vals, char *msg, size_t len)
{
    const char *c1 = strchr(vals, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    double start, stop, step;
    if (c2 == NULL || strchr(c2 + 1, ':') != NULL ||
        !parse_number(vals, (size_t)(c1 - vals), &start) ||
        !parse_number(c1 + 1, (size_t)(c2 - c1 - 1), &stop) ||
        !parse_number(c2 + 1, strlen(c2 + 1), &step))
        return fail(msg, len, 2, "run: --sweep %s: expected START:STOP:STEP with three numbers",
                    spec);
    const double span = (stop - start) / step;
    if (step == 0 || span < -1e-9 || !(span < CLI_MAX_VARIANTS))
        return fail(msg, len, 2,
                    "run: --sweep %s: expected a non-zero STEP that goes from START towards STOP "
                    "in at most %d steps",
                    spec, CLI_MAX_VARIANTS);
    const size_t n = (size_t)floor(span + 1e-9) + 1;
    for (size_t i = 0; i < n; i++) {
        char buf[40];
        const double v = start + (double)i * step;
        snprintf(buf, sizeof buf, "%.10g", fabs(v) < 1e-12 * fabs(step) ? 0.0 : v);
        if (axis_add(a, buf, strlen(buf))) return 1;
    }
    return 0;
}

static int axis_parse(sweep_axis *a, const char *spec, char *msg, size_t len)
{
    memset(a, 0, sizeof *a);
    const char *eq = strchr(spec, '=');
    if (eq == NULL || eq == spec || eq[1] == '\0')
        return fail(msg, len, 2,
                    "run: --sweep: expected KEY=V1,V2,... or KEY=START:STOP:STEP, found \"%s\"",
                    spec);
    if ((a->key = dup_range(spec, (size_t)(eq - spec))) == NULL) return 1;
    const char *vals = eq + 1;
    if (strchr(vals, ':') != NULL) return axis_range(a, spec, vals, msg, len);
    for (const char *p = vals;;) {
        const char *comma = strchr(p, ',');
        const size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n == 0)
            return fail(msg, len, 2, "run: --sweep %s: expected a value between the commas", spec);
        if (axis_add(a, p, n)) return 1;
        if (comma == NULL) break;
        p = comma + 1;
    }
    return 0;
}

/* The file name of a scenario path without directories and a .yaml/.yml suffix. */
static size_t stem(const char *path, const char **start)
{
    const char *slash = strrchr(path, '/');
    *start = slash ? slash + 1 : path;
    size_t n = strlen(*start);
    if (n > 5 && strcmp(*start + n - 5, ".yaml") == 0)
        n -= 5;
    else if (n > 4 && strcmp(*start + n - 4, ".yml") == 0)
        n -= 4;
    return n;
}

/* Appends s (n bytes) to the growing string *buf of length *len; 1 on OOM. */
static int append(char **buf, size_t *len, const char *s, size_t n)
{
    char *p = realloc(*buf, *len + n + 1);
    if (p == NULL) return 1;
    memcpy(p + *len, s, n);
    *len += n;
    p[*len] = '\0';
    *buf = p;
    return 0;
}

static bool safe_char(char c)
{
    return isalnum((unsigned char)c) || strchr("._=+-", c) != NULL;
}

/* The results file of variant label: "<output without .h5>.<label>.h5". */
static char *variant_output(const char *output, const char *label)
{
    size_t base = strlen(output);
    if (base > 3 && strcmp(output + base - 3, ".h5") == 0) base -= 3;
    char *o = malloc(base + strlen(label) + 5);
    if (o == NULL) return NULL;
    memcpy(o, output, base);
    char *p = o + base;
    *p++ = '.';
    for (const char *l = label; *l; l++)
        *p++ = *l == ',' ? '_' : safe_char(*l) ? *l : '-';
    strcpy(p, ".h5");
    return o;
}

/* Fills variant v: scenario s (NULL: default), the value index idx[k] of every axis. */
static int make_variant(cli_variant *v, const char *s, bool name_scenario, const sweep_axis *ax,
                        size_t nax, const size_t *idx)
{
    memset(v, 0, sizeof *v);
    v->scenario = s;
    size_t len = 0;
    v->label = calloc(1, 1);
    if (v->label == NULL) return 1;
    if (name_scenario) {
        const char *st;
        const size_t n = stem(s, &st);
        if (append(&v->label, &len, st, n)) return 1;
    }
    if (nax > 0 && (v->sets = calloc(nax, sizeof *v->sets)) == NULL) return 1;
    for (size_t k = 0; k < nax; k++) {
        const char *key = ax[k].key, *val = ax[k].values[idx[k]];
        if ((len > 0 && append(&v->label, &len, ",", 1)) ||
            append(&v->label, &len, key, strlen(key)) || append(&v->label, &len, "=", 1) ||
            append(&v->label, &len, val, strlen(val)))
            return 1;
        char *set = NULL;
        size_t slen = 0;
        if (append(&set, &slen, key, strlen(key)) || append(&set, &slen, "=", 1) ||
            append(&set, &slen, val, strlen(val))) {
            free(set);
            return 1;
        }
        v->sets[v->nsets++] = set;
    }
    return 0;
}

/* Every combination of scenarios and axis values, in order (the last axis varies fastest). */
static int expand(const char *const *scen, size_t nscen, const sweep_axis *ax, size_t nax,
                  size_t total, const char *output, cli_variants *out)
{
    size_t idx[64] = {0};
    for (size_t i = 0; i < total; i++) {
        size_t r = i;
        for (size_t k = nax; k-- > 0;) {
            idx[k] = r % ax[k].n;
            r /= ax[k].n;
        }
        cli_variant *v = &out->v[out->n++];
        if (make_variant(v, nscen ? scen[r] : NULL, nscen > 1, ax, nax, idx)) return 1;
        if (total > 1 && output != NULL && (v->output = variant_output(output, v->label)) == NULL)
            return 1;
        if (total == 1 && output != NULL && (v->output = dup_range(output, strlen(output))) == NULL)
            return 1;
    }
    return 0;
}

/* The name two variants may not share: the results file, or the label without one. */
static const char *variant_key(const cli_variant *v)
{
    return v->output != NULL ? v->output : v->label;
}

static int cmp_variant(const void *a, const void *b)
{
    const cli_variant *const *x = a, *const *y = b;
    const int c = strcmp(variant_key(*x), variant_key(*y));
    return c != 0 ? c : (*x > *y) - (*x < *y); /* ties by position */
}

/*
 * Two variants writing the same file would overwrite one another: the same scenario stem twice,
 * or values that differ only in characters the file name maps to '-' ("a b" and "a/b").
 * Sorted, so that 10,000 variants cost n log n.
 */
static int check_unique(const cli_variants *out, char *msg, size_t len)
{
    const cli_variant **sorted = malloc((out->n + 1) * sizeof *sorted);
    if (sorted == NULL) return fail(msg, len, 1, "out of memory");
    for (size_t i = 0; i < out->n; i++)
        sorted[i] = &out->v[i];
    qsort(sorted, out->n, sizeof *sorted, cmp_variant);
    int st = 0;
    for (size_t i = 0; i + 1 < out->n && st == 0; i++) {
        const cli_variant *a = sorted[i], *b = sorted[i + 1];
        if (strcmp(variant_key(a), variant_key(b)) != 0) continue;
        if (a > b) {
            const cli_variant *t = a;
            a = b;
            b = t;
        }
        if (strcmp(a->label, b->label) == 0)
            st = fail(msg, len, 2,
                      "run: two variants have the same label \"%s\" (and results file): give "
                      "each scenario file a different name",
                      a->label);
        else
            st = fail(msg, len, 2,
                      "run: variants \"%s\" and \"%s\" would write the same file %s (characters "
                      "other than letters, digits and ._=+- become '-'): give values that differ "
                      "in those characters",
                      a->label, b->label, variant_key(a));
    }
    free(sorted);
    return st;
}

int cli_variants_expand(const char *const *scenarios, size_t nscen, const char *const *sweeps,
                        size_t nsweeps, const char *output, cli_variants *out, char *msg,
                        size_t msglen)
{
    memset(out, 0, sizeof *out);
    if (nsweeps > 64) return fail(msg, msglen, 2, "run: at most 64 --sweep options");
    sweep_axis *ax = calloc(nsweeps + 1, sizeof *ax);
    if (ax == NULL) return fail(msg, msglen, 1, "out of memory");
    int st = 0;
    size_t total = nscen > 0 ? nscen : 1;
    for (size_t k = 0; k < nsweeps && st == 0; k++) {
        st = axis_parse(&ax[k], sweeps[k], msg, msglen);
        if (st == 0 && ax[k].n > CLI_MAX_VARIANTS / total)
            st = fail(msg, msglen, 2, "run: the job expands to more than %d variants",
                      CLI_MAX_VARIANTS);
        if (st == 0) total *= ax[k].n;
    }
    if (st == 0 && (out->v = calloc(total, sizeof *out->v)) == NULL) st = 1;
    if (st == 0) st = expand(scenarios, nscen, ax, nsweeps, total, output, out);
    if (st == 1) fail(msg, msglen, 1, "out of memory");
    if (st == 0) st = check_unique(out, msg, msglen);
    for (size_t k = 0; k < nsweeps; k++)
        axis_destroy(&ax[k]);
    free(ax);
    if (st != 0) cli_variants_free(out);
    return st;
}

void cli_variants_free(cli_variants *v)
{
    for (size_t i = 0; i < v->n; i++) {
        for (size_t k = 0; k < v->v[i].nsets; k++)
            free(v->v[i].sets[k]);
        free(v->v[i].sets);
        free(v->v[i].label);
        free(v->v[i].output);
    }
    free(v->v);
    memset(v, 0, sizeof *v);
}
