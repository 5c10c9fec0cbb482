/*
 * analysis_stats.c: the statistics under every analysis of results files (analysis_impl.h):
 * Welford estimates and their intervals (normal, Wilson, Clopper-Pearson), the loss interval,
 * the precision reached, loss series and their quantiles, VaR and CVaR, and paired and Welch
 * differences with the sign test. docs/analysis-cli.md defines each.
 *
 * Implementation notes. A loss series stores only the values that differ from the intact
 * network's value of that series by more than CS_ANALYSIS_NOISE_TBPS, and counts the others as
 * that value: in most scenarios most trials leave most demands untouched, so quantiles stay
 * exact (to 1e-9 Tbps) while memory follows the number of affected (trial, demand) outcomes. A
 * quantile is the order statistic x_(ceil(a n)); the merged order of the stored values and the
 * repeated baseline value is resolved by counting, without materialising the series.
 */
#include "cablesim/analysis.h"

#include <assert.h>
#include <gsl/gsl_cdf.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_impl.h"

/* ------------------------------------------------------------ estimates */

void cs_an_acc_add(acc *a, double x)
{
    a->n++;
    const double d = x - a->mean;
    a->mean += d / (double)a->n;
    a->m2 += d * (x - a->mean);
}

cs_estimate cs_analysis_estimate(uint64_t n, double mean, double m2)
{
    cs_estimate e = {n, NAN, NAN, NAN, NAN, NAN};
    if (n == 0) return e;
    e.mean = mean;
    e.sd = n > 1 ? sqrt(m2 / (double)(n - 1)) : 0.0;
    e.se = e.sd / sqrt((double)n);
    e.lo = e.mean - CS_ANALYSIS_Z95 * e.se;
    e.hi = e.mean + CS_ANALYSIS_Z95 * e.se;
    return e;
}

cs_estimate cs_an_estimate(const acc *a)
{
    return cs_analysis_estimate(a->n, a->mean, a->m2);
}

/* As cs_an_estimate(), with the interval clipped to the valid range [lo, hi] of the quantity. */
cs_estimate cs_an_estimate_in(const acc *a, double lo, double hi)
{
    cs_estimate e = cs_an_estimate(a);
    if (a->n == 0) return e;
    e.lo = fmax(e.lo, lo);
    e.hi = fmin(e.hi, hi);
    return e;
}

cs_proportion cs_analysis_wilson(uint64_t k, uint64_t n)
{
    cs_proportion p = {k, n, NAN, NAN, NAN};
    if (n == 0) return p;
    const double z = CS_ANALYSIS_Z95, nn = (double)n;
    p.p = (double)k / nn;
    const double den = 1 + z * z / nn;
    const double c = (p.p + z * z / (2 * nn)) / den;
    const double h = z * sqrt(p.p * (1 - p.p) / nn + z * z / (4 * nn * nn)) / den;
    /* At k = 0 and k = n the bounds are exactly 0 and 1; c - h would leave rounding dust. */
    p.lo = k == 0 ? 0.0 : fmax(0.0, c - h);
    p.hi = k == n ? 1.0 : fmin(1.0, c + h);
    return p;
}

/*
 * The quantile x of the Beta(a, b) distribution: P(X <= x) = q. GSL's gsl_cdf_beta_Pinv fails
 * to converge for some arguments and returns NaN (GSL 2.7: q = 0.975, a = 7, b = 394, that is
 * 6 trials with a loss in 400; about 1.6% of the (k, n) pairs with k < 60 and n <= 3000). Its
 * answer is kept when its CDF matches q; otherwise the quantile is found by bisection on the
 * CDF, which is increasing in x, down to adjacent doubles.
 */
static double beta_quantile(double q, double a, double b)
{
    const double x = gsl_cdf_beta_Pinv(q, a, b);
    if (isfinite(x) && x >= 0.0 && x <= 1.0 && fabs(gsl_cdf_beta_P(x, a, b) - q) <= 1e-9) return x;
    double lo = 0.0, hi = 1.0;
    for (int i = 0; i < 2000; i++) {
        const double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) break;
        if (gsl_cdf_beta_P(mid, a, b) < q)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

cs_proportion cs_analysis_clopper_pearson(uint64_t k, uint64_t n)
{
    cs_proportion p = {k, n, NAN, NAN, NAN};
    if (n == 0) return p;
    const double kk = (double)k, nn = (double)n;
    p.p = kk / nn;
    p.lo = k == 0 ? 0.0 : beta_quantile(0.025, kk, nn - kk + 1.0);
    p.hi = k == n ? 1.0 : beta_quantile(0.975, kk + 1.0, nn - kk);
    return p;
}

cs_loss_interval cs_analysis_loss_interval(bool varied, uint64_t n_loss, const cs_estimate *u,
                                           double intact_unserved, double intact_served)
{
    cs_loss_interval r = {CS_LOSS_NORMAL, u->mean, u->lo, u->hi, NAN};
    const double demand = intact_unserved + intact_served;
    if (!varied) {
        r.kind = CS_LOSS_ONE_OUTCOME;
        r.lo = r.hi = u->mean;
    } else if (n_loss < CS_ANALYSIS_MIN_LOSS_TRIALS) {
        r.kind = CS_LOSS_BOUND;
        r.p_hi = cs_analysis_clopper_pearson(n_loss, u->n).hi;
        r.lo = u->mean;
        r.hi = fmin(demand, intact_unserved + intact_served * r.p_hi);
    } else {
        r.lo = fmax(0.0, u->lo);
        r.hi = fmin(demand, u->hi);
    }
    return r;
}

cs_loss_interval cs_analysis_figure_interval(bool varied, uint64_t n_loss, const cs_estimate *u,
                                             double intact_unserved, double intact_served)
{
    cs_loss_interval r =
        cs_analysis_loss_interval(varied, n_loss, u, intact_unserved, intact_served);
    const bool same = r.kind == CS_LOSS_NORMAL && !(u->sd > CS_ANALYSIS_NOISE_TBPS);
    if (r.kind != CS_LOSS_ONE_OUTCOME && (!(intact_served > 0.0) || same)) {
        r.kind = CS_LOSS_ONE_OUTCOME;
        r.lo = r.hi = u->mean;
        r.p_hi = NAN;
    }
    return r;
}

cs_loss_interval cs_analysis_served_interval(const cs_loss_interval *u, const cs_estimate *f,
                                             double intact_served, double demand)
{
    cs_loss_interval r = {u->kind, f->mean, f->mean, f->mean, u->p_hi};
    if (u->kind == CS_LOSS_BOUND)
        r.lo = demand > 0.0 ? fmin(f->mean, fmax(0.0, intact_served * (1.0 - u->p_hi) / demand))
                            : (double)NAN;
    else if (u->kind == CS_LOSS_NORMAL) {
        r.lo = fmax(0.0, f->lo);
        r.hi = fmin(1.0, f->hi);
    }
    return r;
}

const char *cs_analysis_loss_kind_name(cs_loss_kind kind)
{
    static const char *const names[] = {"one_outcome", "clopper_pearson_bound", "normal"};
    assert(kind >= CS_LOSS_ONE_OUTCOME && kind <= CS_LOSS_NORMAL);
    return names[kind];
}

cs_precision cs_an_precision(const cs_estimate *e, double target)
{
    cs_precision p = {false, NAN, 0, false, NAN};
    if (e->n == 0 || !(e->mean > CS_ANALYSIS_NOISE_TBPS)) return p;
    p.defined = true;
    const double r = CS_ANALYSIS_Z95 * e->sd / (target * e->mean);
    p.needed = r * r;
    p.achieved = CS_ANALYSIS_Z95 * e->se / e->mean;
    p.sufficient = (double)e->n >= p.needed;
    const double need = ceil(p.needed);
    if (!p.sufficient) p.more = need >= 1.8e19 ? UINT64_MAX : (uint64_t)need - e->n;
    return p;
}

/* --------------------------------------------------------------- series */

/* Adds x; *stored counts the values held by all series. False when out of memory. */
bool cs_an_series_add(series *s, double x, size_t *stored)
{
    if (s->dropped) return true;
    if (fabs(x - s->base) <= CS_ANALYSIS_NOISE_TBPS) { /* rerouting leaves ~1e-15 dust */
        s->n_base++;
        return true;
    }
    if (s->m == s->cap) {
        const size_t n = s->cap ? 2 * s->cap : 16;
        double *p = realloc(s->v, n * sizeof *p);
        if (p == NULL) return false;
        s->v = p;
        s->cap = n;
    }
    s->v[s->m++] = x;
    (*stored)++;
    return true;
}

void cs_an_series_drop(series *s, size_t *stored)
{
    if (s->dropped) return;
    *stored -= s->m;
    free(s->v);
    s->v = NULL;
    s->m = s->cap = 0;
    s->dropped = true;
}

int cs_an_cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Index of the first of the sorted v[0..m) that is >= x. */
size_t cs_an_lower_bound(const double *v, size_t m, double x)
{
    size_t lo = 0, hi = m;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The k-th smallest (1-based) of the series, whose v is sorted; below = values < base. */
double cs_an_order_stat(const series *s, size_t below, uint64_t k)
{
    if (k <= below) return s->v[k - 1];
    if (k <= below + s->n_base) return s->base;
    return s->v[k - 1 - s->n_base];
}

/* x_(ceil(a n)), guarding a n against rounding just above a whole number. */
double cs_an_quantile(const series *s, size_t below, uint64_t n, double a)
{
    double k = ceil(a * (double)n - 1e-9);
    if (k < 1) k = 1;
    if (k > (double)n) k = (double)n;
    return cs_an_order_stat(s, below, (uint64_t)k);
}

/* Mean of the values >= x. */
static double mean_at_least(const series *s, double x)
{
    const size_t from = cs_an_lower_bound(s->v, s->m, x);
    double sum = 0.0;
    uint64_t count = s->m - from;
    for (size_t i = from; i < s->m; i++)
        sum += s->v[i];
    if (s->base >= x) {
        sum += (double)s->n_base * s->base;
        count += s->n_base;
    }
    return count ? sum / (double)count : NAN;
}

/* Sorts s and reads its tail. */
cs_tail cs_an_series_tail(series *s)
{
    cs_tail t;
    memset(&t, 0, sizeof t);
    const uint64_t n = s->m + s->n_base;
    if (s->dropped || n == 0) {
        t.available = false;
        for (size_t i = 0; i < CS_ANALYSIS_NQ; i++)
            t.q[i] = NAN;
        t.max = t.var95 = t.cvar95 = t.var99 = t.cvar99 = NAN;
        return t;
    }
    if (s->m > 0) qsort(s->v, s->m, sizeof *s->v, cs_an_cmp_double);
    const size_t below = cs_an_lower_bound(s->v, s->m, s->base);
    const double levels[CS_ANALYSIS_NQ] = CS_ANALYSIS_LEVELS;
    t.available = true;
    for (size_t i = 0; i < CS_ANALYSIS_NQ; i++)
        t.q[i] = cs_an_quantile(s, below, n, levels[i]);
    t.max = cs_an_order_stat(s, below, n);
    t.var95 = cs_an_quantile(s, below, n, 0.95);
    t.var99 = cs_an_quantile(s, below, n, 0.99);
    t.cvar95 = mean_at_least(s, t.var95);
    t.cvar99 = mean_at_least(s, t.var99);
    return t;
}

/* -------------------------------------------------------------- compare */

/* Differences within this (relative, at least absolute) are ties for the sign test: the router's
 * rounding dust must not count as one design doing better. */
#define TIE_EPS 1e-9

void cs_an_pair_add(pair_acc *p, double a, double b)
{
    cs_an_acc_add(&p->d, b - a);
    cs_an_acc_add(&p->a, a);
    cs_an_acc_add(&p->b, b);
    const double tol = TIE_EPS * fmax(1.0, fmax(fabs(a), fabs(b)));
    p->pos += b - a > tol;
    p->neg += a - b > tol;
}

/* Two-sided exact sign test: 2 P(X <= min(pos, neg)), X ~ Binomial(pos + neg, 1/2). */
static double sign_test(uint64_t pos, uint64_t neg)
{
    const uint64_t m = pos + neg, k = pos < neg ? pos : neg;
    if (m == 0) return 1.0;
    double p;
    if (m <= UINT_MAX) {
        p = 2.0 * gsl_cdf_binomial_P((unsigned)k, 0.5, (unsigned)m);
    } else { /* beyond unsigned int: the normal approximation with continuity correction */
        const double z = ((double)k + 0.5 - 0.5 * (double)m) / (0.5 * sqrt((double)m));
        p = 2.0 * gsl_cdf_ugaussian_P(z);
    }
    return fmin(1.0, p);
}

cs_paired cs_an_paired(const pair_acc *p)
{
    cs_paired r;
    r.diff = cs_an_estimate(&p->d);
    r.df = p->d.n > 0 ? (double)(p->d.n - 1) : NAN;
    r.a_mean = p->a.n ? p->a.mean : NAN;
    r.b_mean = p->b.n ? p->b.mean : NAN;
    r.n_pos = p->pos;
    r.n_neg = p->neg;
    r.sign_p = sign_test(p->pos, p->neg);
    r.excludes_zero = r.diff.n > 1 && (r.diff.lo > 0 || r.diff.hi < 0);
    /* Ten copies of one outcome are one observation, however many trials repeat it. */
    if (p->d.n > 0 && p->a.m2 == 0.0 && p->b.m2 == 0.0) {
        r.excludes_zero = false;
        r.verdict = CS_PAIRED_ONE_OUTCOME;
    } else if (r.excludes_zero && r.sign_p < 0.05)
        r.verdict = CS_PAIRED_SIGNIFICANT;
    else if (!r.excludes_zero && !(r.sign_p < 0.05))
        r.verdict = CS_PAIRED_NOT_SIGNIFICANT;
    else
        r.verdict = CS_PAIRED_INCONCLUSIVE;
    return r;
}

const char *cs_paired_verdict_name(cs_paired_verdict v)
{
    static const char *const names[] = {"one outcome", "significant", "not significant",
                                        "inconclusive"};
    return (unsigned)v < 4 ? names[v] : "?";
}

const char *cs_compare_kind_name(cs_compare_kind k)
{
    return k == CS_COMPARE_PAIRED ? "paired" : "unpaired";
}

/* Sample variance of an accumulator (0 with fewer than two values). */
static double acc_var(const acc *a)
{
    return a->n > 1 ? a->m2 / (double)(a->n - 1) : 0.0;
}

/* The Welch difference b - a of two independent samples given as (n, mean, variance). */
static cs_paired welch(uint64_t na, double ma, double va, uint64_t nb, double mb, double vb)
{
    cs_paired r;
    memset(&r, 0, sizeof r);
    r.a_mean = na ? ma : NAN;
    r.b_mean = nb ? mb : NAN;
    r.sign_p = NAN;
    r.diff = (cs_estimate){na + nb, NAN, NAN, NAN, NAN, NAN};
    r.df = NAN;
    r.verdict = CS_PAIRED_NOT_SIGNIFICANT;
    if (na == 0 || nb == 0) return r;
    const double wa = va / (double)na, wb = vb / (double)nb, se2 = wa + wb;
    r.diff.mean = mb - ma;
    r.diff.se = sqrt(se2);
    if (se2 == 0.0) { /* one value repeated in each file: a certainty */
        r.diff.lo = r.diff.hi = r.diff.mean;
        r.verdict = CS_PAIRED_ONE_OUTCOME;
        return r;
    }
    /* Welch-Satterthwaite; a side with one value contributes no variance and no term. */
    const double den =
        (na > 1 ? wa * wa / (double)(na - 1) : 0.0) + (nb > 1 ? wb * wb / (double)(nb - 1) : 0.0);
    r.df = se2 * se2 / den;
    const double t = gsl_cdf_tdist_Pinv(0.975, r.df);
    r.diff.lo = r.diff.mean - t * r.diff.se;
    r.diff.hi = r.diff.mean + t * r.diff.se;
    r.excludes_zero = r.diff.lo > 0 || r.diff.hi < 0;
    r.verdict = r.excludes_zero ? CS_PAIRED_SIGNIFICANT : CS_PAIRED_NOT_SIGNIFICANT;
    return r;
}

cs_paired cs_analysis_welch(const cs_estimate *a, const cs_estimate *b)
{
    const double sa = isfinite(a->sd) ? a->sd : 0.0, sb = isfinite(b->sd) ? b->sd : 0.0;
    return welch(a->n, a->mean, sa * sa, b->n, b->mean, sb * sb);
}

cs_paired cs_an_unpaired(const pair_acc *p)
{
    return welch(p->a.n, p->a.mean, acc_var(&p->a), p->b.n, p->b.mean, acc_var(&p->b));
}
