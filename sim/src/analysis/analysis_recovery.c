/*
 * analysis_recovery.c: the recovery statistics of a results file with /timeseries and
 * /recovery (cs_analysis_recovery) and their comparison between two files
 * (cs_analysis_compare_recovery); docs/analysis-cli.md, "Recovery".
 */
#include "cablesim/analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_impl.h"

/* ------------------------------------------------------------- recovery */

/* Implementation notes. The recovery statistics reuse the loss series of the single-file
 * analysis: a served share series keeps the trials whose share differs from 1 (the intact
 * network's), a time series those whose time differs from 0 (never dropped), an amount series
 * those whose Tbps-days differ from 0. A trial that was never disturbed costs no memory; past
 * max_tail_values stored values in all, every recovery series is given up and the quantiles
 * become NAN while the means stay. Times not restored within the horizon are +inf: they sort
 * last, so a quantile is +inf when more than its share of trials never recovered, and the mean
 * is taken of min(t, horizon), the restricted mean. */

static const double rec_levels[CS_RECOVERY_NQ] = CS_RECOVERY_LEVELS;

/* Running recovery statistics of one file. */
typedef struct {
    const cs_results_info *in;
    double intact;
    size_t np, *steps;       /* [np] grid steps reported */
    series *share;           /* [np] served / intact */
    acc *share_acc, *queue;  /* [np] */
    uint32_t *queue_max;     /* [np] */
    series ttr[3], cap, uns; /* t50, t90, t100; Tbps-days */
    acc ttr_acc[3], cap_acc, uns_acc;
    uint64_t not_restored[3];
    acc *busy;        /* [n_ships] */
    uint64_t *worked; /* [n_ships] */
    acc faults, wait, outage;
    uint64_t n_faults, n_repaired;
    size_t stored, max_stored;
} rec_acc;

/* The grid steps at CS_RECOVERY_TIMES (the last grid time at or before each) and the last one. */
static size_t rec_steps(const cs_results_info *in, size_t *steps)
{
    const double times[CS_RECOVERY_NTIMES] = CS_RECOVERY_TIMES;
    const size_t last = in->n_steps - 1;
    size_t np = 0;
    for (size_t j = 0; j < CS_RECOVERY_NTIMES; j++) {
        if (times[j] > in->time_days[last] + 1e-9) break;
        size_t k = 0;
        while (k < last && in->time_days[k + 1] <= times[j] + 1e-9)
            k++;
        if (np == 0 || steps[np - 1] != k) steps[np++] = k;
    }
    if (np == 0 || steps[np - 1] != last) steps[np++] = last;
    return np;
}

static void rec_acc_destroy(rec_acc *r)
{
    for (size_t j = 0; r->share != NULL && j < r->np; j++)
        free(r->share[j].v);
    for (size_t m = 0; m < 3; m++)
        free(r->ttr[m].v);
    free(r->cap.v);
    free(r->uns.v);
    free(r->steps);
    free(r->share);
    free(r->share_acc);
    free(r->queue);
    free(r->queue_max);
    free(r->busy);
    free(r->worked);
    memset(r, 0, sizeof *r);
}

static cs_status rec_acc_init(rec_acc *r, const cs_results_info *in, size_t max_stored,
                              cs_error *err)
{
    memset(r, 0, sizeof *r);
    if (!in->has_recovery)
        return cs_errorf(err, CS_EINVAL,
                         "%s: no recovery data (/timeseries, /recovery): the scenario has no "
                         "recovery section",
                         in->path);
    if (in->n_steps == 0)
        return cs_errorf(err, CS_EINVAL, "%s: /timeseries/time_days: expected at least 1 step",
                         in->path);
    r->in = in;
    r->max_stored = max_stored;
    for (size_t k = 0; k < in->n_demands; k++)
        r->intact += in->base_served_tbps[k];
    r->steps = calloc(CS_RECOVERY_NTIMES + 1, sizeof *r->steps);
    if (r->steps != NULL) r->np = rec_steps(in, r->steps);
    r->share = calloc(r->np + 1, sizeof *r->share);
    r->share_acc = calloc(r->np + 1, sizeof *r->share_acc);
    r->queue = calloc(r->np + 1, sizeof *r->queue);
    r->queue_max = calloc(r->np + 1, sizeof *r->queue_max);
    r->busy = calloc(in->n_ships + 1, sizeof *r->busy);
    r->worked = calloc(in->n_ships + 1, sizeof *r->worked);
    if (!r->steps || !r->share || !r->share_acc || !r->queue || !r->queue_max || !r->busy ||
        !r->worked) {
        rec_acc_destroy(r);
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", in->path);
    }
    for (size_t j = 0; j < r->np; j++)
        r->share[j].base = 1.0;
    return CS_OK;
}

/* Gives up every recovery series (quantiles become NAN). */
static void rec_drop(rec_acc *r)
{
    for (size_t j = 0; j < r->np; j++)
        cs_an_series_drop(&r->share[j], &r->stored);
    for (size_t m = 0; m < 3; m++)
        cs_an_series_drop(&r->ttr[m], &r->stored);
    cs_an_series_drop(&r->cap, &r->stored);
    cs_an_series_drop(&r->uns, &r->stored);
}

/* Served share at grid step k of slice row i; 1 when the intact network serves nothing. */
static double rec_share(const rec_acc *r, const cs_recovery_slice *s, size_t i, size_t k)
{
    const double v = s->served_tbps[i * r->in->n_steps + k];
    return r->intact > CS_ANALYSIS_NOISE_TBPS ? v / r->intact : 1.0;
}

static void rec_faults(rec_acc *r, const cs_recovery_slice *s, size_t i)
{
    const uint64_t from = s->fault_off[i], to = s->fault_off[i + 1];
    cs_an_acc_add(&r->faults, (double)(to - from));
    for (uint64_t f = from; f < to; f++) {
        const cs_rfault *x = &s->faults[f];
        r->n_faults++;
        if (isfinite(x->dispatch_days)) cs_an_acc_add(&r->wait, x->dispatch_days - x->fail_days);
        if (isfinite(x->end_days)) {
            r->n_repaired++;
            cs_an_acc_add(&r->outage, x->end_days - x->fail_days);
        }
    }
}

/* Adds slice row i; false when out of memory. */
static bool rec_trial(rec_acc *r, const cs_recovery_slice *s, size_t i)
{
    const cs_results_info *in = r->in;
    bool ok = true;
    for (size_t j = 0; j < r->np; j++) {
        const double share = rec_share(r, s, i, r->steps[j]);
        const uint32_t q = s->queue_length[i * in->n_steps + r->steps[j]];
        ok = ok && cs_an_series_add(&r->share[j], share, &r->stored);
        cs_an_acc_add(&r->share_acc[j], share);
        cs_an_acc_add(&r->queue[j], (double)q);
        if (q > r->queue_max[j]) r->queue_max[j] = q;
    }
    const double t[3] = {s->t50_days[i], s->t90_days[i], s->t100_days[i]};
    for (size_t m = 0; m < 3; m++) {
        ok = ok && cs_an_series_add(&r->ttr[m], t[m], &r->stored);
        cs_an_acc_add(&r->ttr_acc[m], fmin(t[m], in->horizon_days));
        r->not_restored[m] += isinf(t[m]) ? 1 : 0;
    }
    ok = ok && cs_an_series_add(&r->cap, s->capacity_tbps_days[i], &r->stored) &&
         cs_an_series_add(&r->uns, s->unserved_tbps_days[i], &r->stored);
    cs_an_acc_add(&r->cap_acc, s->capacity_tbps_days[i]);
    cs_an_acc_add(&r->uns_acc, s->unserved_tbps_days[i]);
    for (size_t k = 0; k < in->n_ships; k++) {
        const double b = s->ship_busy_days[i * in->n_ships + k];
        cs_an_acc_add(&r->busy[k], b);
        r->worked[k] += b > 0 ? 1 : 0;
    }
    rec_faults(r, s, i);
    if (r->stored > r->max_stored) rec_drop(r);
    return ok;
}

/* Sorts s and reads the quantiles at levels (NAN when given up); returns the maximum. */
static double rec_quantiles(series *s, double *q)
{
    const uint64_t n = s->m + s->n_base;
    if (s->dropped || n == 0) {
        for (size_t i = 0; i < CS_RECOVERY_NQ; i++)
            q[i] = NAN;
        return NAN;
    }
    if (s->m > 0) qsort(s->v, s->m, sizeof *s->v, cs_an_cmp_double);
    const size_t below = cs_an_lower_bound(s->v, s->m, s->base);
    for (size_t i = 0; i < CS_RECOVERY_NQ; i++)
        q[i] = cs_an_quantile(s, below, n, rec_levels[i]);
    return cs_an_order_stat(s, below, n);
}

static cs_recovery_amount rec_amount(series *s, const acc *a)
{
    cs_recovery_amount x;
    x.est = cs_an_estimate(a);
    x.max = rec_quantiles(s, x.q);
    return x;
}

/* Rows per recovery slice that keep it near max_bytes. */
static size_t rec_rows(const cs_results_info *in, size_t max_bytes)
{
    const size_t per = in->n_steps * (sizeof(double) + sizeof(uint32_t)) +
                       in->n_ships * sizeof(double) + 6 * sizeof(double) + 8 * sizeof(cs_rfault);
    size_t rows = max_bytes / per;
    if (rows < 1) rows = 1;
    if (in->trials > 0 && rows > in->trials) rows = (size_t)in->trials;
    return rows;
}

/* The finished statistics of r; NULL when out of memory. */
static cs_recovery_analysis_t *rec_result(rec_acc *r)
{
    const cs_results_info *in = r->in;
    cs_recovery_analysis_t *a = calloc(1, sizeof *a);
    if (a == NULL) return NULL;
    a->points = calloc(r->np + 1, sizeof *a->points);
    a->ships = calloc(in->n_ships + 1, sizeof *a->ships);
    if (a->points == NULL || a->ships == NULL) {
        cs_recovery_analysis_free(a);
        return NULL;
    }
    a->info = in;
    a->n = r->uns_acc.n;
    a->intact_tbps = r->intact;
    a->horizon_days = in->horizon_days;
    a->step_hours = in->step_hours;
    a->n_points = r->np;
    for (size_t j = 0; j < r->np; j++) {
        cs_recovery_point *p = &a->points[j];
        double q[CS_RECOVERY_NQ];
        rec_quantiles(&r->share[j], q);
        p->step = r->steps[j];
        p->time_days = in->time_days[r->steps[j]];
        p->q10 = q[0];
        p->median = q[1];
        p->q90 = q[2];
        p->share = cs_an_estimate(&r->share_acc[j]);
        p->queue_mean = r->queue[j].n ? r->queue[j].mean : NAN;
        p->queue_max = r->queue_max[j];
    }
    for (size_t m = 0; m < 3; m++) {
        a->ttr[m].censored = cs_an_estimate_in(&r->ttr_acc[m], 0.0, INFINITY);
        a->ttr[m].available = !r->ttr[m].dropped;
        rec_quantiles(&r->ttr[m], a->ttr[m].q);
        a->ttr[m].not_restored = cs_analysis_wilson(r->not_restored[m], r->ttr_acc[m].n);
    }
    a->capacity_tbps_days = rec_amount(&r->cap, &r->cap_acc);
    a->unserved_tbps_days = rec_amount(&r->uns, &r->uns_acc);
    a->n_ships = in->n_ships;
    for (size_t k = 0; k < in->n_ships; k++) {
        a->ships[k].name = in->ships[k].name;
        a->ships[k].home = in->ships[k].home;
        a->ships[k].busy_days = cs_an_estimate(&r->busy[k]);
        a->ships[k].worked = cs_analysis_wilson(r->worked[k], r->busy[k].n);
    }
    a->faults = cs_an_estimate(&r->faults);
    a->repaired = cs_analysis_wilson(r->n_repaired, r->n_faults);
    a->wait_days = cs_an_estimate_in(&r->wait, 0.0, INFINITY);
    a->outage_days = cs_an_estimate_in(&r->outage, 0.0, INFINITY);
    return a;
}

cs_status cs_analysis_recovery(cs_recovery_analysis_t **out, cs_resultsio_t *r,
                               const cs_analysis_options *o, cs_error *err)
{
    *out = NULL;
    const cs_analysis_options dflt = CS_ANALYSIS_OPTIONS_INIT;
    if (o == NULL) o = &dflt;
    cs_status rc = cs_an_check_options(o, err);
    if (rc) return rc;
    const cs_results_info *in = cs_resultsio_info(r);
    rec_acc ra;
    if ((rc = rec_acc_init(&ra, in, o->max_tail_values, err))) return rc;
    cs_recovery_slice s;
    if ((rc = cs_recovery_slice_init(&s, r, rec_rows(in, o->slice_bytes), err))) {
        rec_acc_destroy(&ra);
        return rc;
    }
    for (uint64_t first = 0; rc == CS_OK; first += s.n) {
        if ((rc = cs_resultsio_read_recovery(r, first, &s, err)) || s.n == 0) break;
        for (size_t i = 0; i < s.n && rc == CS_OK; i++)
            if (!rec_trial(&ra, &s, i))
                rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", in->path);
    }
    cs_recovery_slice_destroy(&s);
    if (rc == CS_OK && (*out = rec_result(&ra)) == NULL)
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", in->path);
    rec_acc_destroy(&ra);
    return rc;
}

void cs_recovery_analysis_free(cs_recovery_analysis_t *a)
{
    if (a == NULL) return;
    free(a->points);
    free(a->ships);
    free(a);
}

/* Both with recovery data on the same horizon and grid step. */
cs_status cs_analysis_recovery_comparable(const cs_results_info *a, const cs_results_info *b,
                                          cs_error *err)
{
    const cs_results_info *no = !a->has_recovery ? a : !b->has_recovery ? b : NULL;
    if (no != NULL)
        return cs_errorf(err, CS_EINVAL,
                         "compare: %s has no recovery data (/timeseries, /recovery): recovery "
                         "needs both files run with a recovery section",
                         no->path);
    if (a->n_steps != b->n_steps || fabs(a->horizon_days - b->horizon_days) > 1e-9 ||
        fabs(a->step_hours - b->step_hours) > 1e-9)
        return cs_errorf(err, CS_EINVAL,
                         "compare: %s has a %g-day horizon in %g-hour steps but %s has %g days in "
                         "%g-hour steps: recovery curves need the same grid",
                         a->path, a->horizon_days, a->step_hours, b->path, b->horizon_days,
                         b->step_hours);
    return CS_OK;
}

typedef struct {
    rec_acc a, b;
    pair_acc ttr[3], cap, uns;
} rec_pair;

/* Adds row i of both slices; false when out of memory. */
static bool rec_pair_trial(rec_pair *p, const cs_recovery_slice *x, const cs_recovery_slice *y,
                           size_t i)
{
    const double ha = p->a.in->horizon_days, hb = p->b.in->horizon_days;
    cs_an_pair_add(&p->ttr[0], fmin(x->t50_days[i], ha), fmin(y->t50_days[i], hb));
    cs_an_pair_add(&p->ttr[1], fmin(x->t90_days[i], ha), fmin(y->t90_days[i], hb));
    cs_an_pair_add(&p->ttr[2], fmin(x->t100_days[i], ha), fmin(y->t100_days[i], hb));
    cs_an_pair_add(&p->cap, x->capacity_tbps_days[i], y->capacity_tbps_days[i]);
    cs_an_pair_add(&p->uns, x->unserved_tbps_days[i], y->unserved_tbps_days[i]);
    const bool ok_a = rec_trial(&p->a, x, i), ok_b = rec_trial(&p->b, y, i); /* both, always */
    return ok_a && ok_b;
}

/* Unpaired: the trials of one file into its own accumulators (the a or b side of each). */
static cs_status rec_one_stream(rec_pair *p, cs_resultsio_t *r, bool is_b, size_t slice_bytes,
                                cs_error *err)
{
    rec_acc *ra = is_b ? &p->b : &p->a;
    cs_recovery_slice x;
    cs_status rc = cs_recovery_slice_init(&x, r, rec_rows(ra->in, slice_bytes), err);
    if (rc) return rc;
    const double h = ra->in->horizon_days;
    for (uint64_t first = 0; rc == CS_OK; first += x.n) {
        if ((rc = cs_resultsio_read_recovery(r, first, &x, err)) || x.n == 0) break;
        for (size_t i = 0; i < x.n && rc == CS_OK; i++) {
            const double v[5] = {fmin(x.t50_days[i], h), fmin(x.t90_days[i], h),
                                 fmin(x.t100_days[i], h), x.capacity_tbps_days[i],
                                 x.unserved_tbps_days[i]};
            pair_acc *m[5] = {&p->ttr[0], &p->ttr[1], &p->ttr[2], &p->cap, &p->uns};
            for (size_t k = 0; k < 5; k++)
                cs_an_acc_add(is_b ? &m[k]->b : &m[k]->a, v[k]);
            if (!rec_trial(ra, &x, i)) rc = cs_errorf(err, CS_ENOMEM, "compare: out of memory");
        }
    }
    cs_recovery_slice_destroy(&x);
    return rc;
}

static cs_status rec_pair_stream(rec_pair *p, cs_resultsio_t *a, cs_resultsio_t *b,
                                 size_t slice_bytes, cs_error *err)
{
    const size_t ra = rec_rows(p->a.in, slice_bytes / 2), rb = rec_rows(p->b.in, slice_bytes / 2);
    cs_recovery_slice x, y;
    cs_status rc = cs_recovery_slice_init(&x, a, ra < rb ? ra : rb, err);
    if (rc) return rc;
    if ((rc = cs_recovery_slice_init(&y, b, ra < rb ? ra : rb, err))) {
        cs_recovery_slice_destroy(&x);
        return rc;
    }
    for (uint64_t first = 0; rc == CS_OK; first += x.n) {
        if ((rc = cs_resultsio_read_recovery(a, first, &x, err)) ||
            (rc = cs_resultsio_read_recovery(b, first, &y, err)) || x.n == 0)
            break;
        for (size_t i = 0; i < x.n && rc == CS_OK; i++)
            if (!rec_pair_trial(p, &x, &y, i))
                rc = cs_errorf(err, CS_ENOMEM, "compare: out of memory");
    }
    cs_recovery_slice_destroy(&x);
    cs_recovery_slice_destroy(&y);
    return rc;
}

cs_status cs_analysis_compare_recovery(cs_recovery_comparison_t **out, cs_resultsio_t *a,
                                       cs_resultsio_t *b, const cs_analysis_options *o,
                                       cs_error *err)
{
    *out = NULL;
    const cs_analysis_options dflt = CS_ANALYSIS_OPTIONS_INIT;
    if (o == NULL) o = &dflt;
    cs_status rc = cs_an_check_options(o, err);
    if (rc) return rc;
    const cs_results_info *ia = cs_resultsio_info(a), *ib = cs_resultsio_info(b);
    if ((rc = cs_analysis_recovery_comparable(ia, ib, err))) return rc;
    rec_pair p;
    memset(&p, 0, sizeof p);
    if ((rc = rec_acc_init(&p.a, ia, o->max_tail_values / 2, err))) return rc;
    if ((rc = rec_acc_init(&p.b, ib, o->max_tail_values / 2, err))) {
        rec_acc_destroy(&p.a);
        return rc;
    }
    cs_recovery_comparison_t *c = calloc(1, sizeof *c);
    char basis[256];
    const bool pair = cs_an_pairing(ia, ib, basis, sizeof basis);
    if (c == NULL)
        rc = cs_errorf(err, CS_ENOMEM, "compare: out of memory");
    else if (pair)
        rc = rec_pair_stream(&p, a, b, o->slice_bytes, err);
    else if ((rc = rec_one_stream(&p, a, false, o->slice_bytes, err)) == CS_OK)
        rc = rec_one_stream(&p, b, true, o->slice_bytes, err);
    if (rc == CS_OK) {
        cs_paired (*f)(const pair_acc *) = pair ? cs_an_paired : cs_an_unpaired;
        c->kind = pair ? CS_COMPARE_PAIRED : CS_COMPARE_UNPAIRED;
        c->n = pair ? ia->trials : ia->trials + ib->trials;
        for (size_t m = 0; m < 3; m++)
            c->ttr[m] = f(&p.ttr[m]);
        c->capacity_tbps_days = f(&p.cap);
        c->unserved_tbps_days = f(&p.uns);
        c->a = rec_result(&p.a);
        c->b = rec_result(&p.b);
        if (c->a == NULL || c->b == NULL) rc = cs_errorf(err, CS_ENOMEM, "compare: out of memory");
    }
    rec_acc_destroy(&p.a);
    rec_acc_destroy(&p.b);
    if (rc) {
        cs_recovery_comparison_free(c);
        return rc;
    }
    *out = c;
    return CS_OK;
}

void cs_recovery_comparison_free(cs_recovery_comparison_t *c)
{
    if (c == NULL) return;
    cs_recovery_analysis_free(c->a);
    cs_recovery_analysis_free(c->b);
    free(c);
}
