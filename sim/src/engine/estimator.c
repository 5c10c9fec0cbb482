/*
 * estimator.c: rare events: the target event, importance sampling of the random_faults draws
 * with a cross-entropy tilt, and the weighted estimates (estimator.h, docs/rare-events.md).
 *
 * Implementation notes. The draws offered by the hazards (cs_hazard_tilt_count) are laid end to
 * end: hazard i's draws are q[off[i] .. off[i + 1]). A trial's log likelihood ratio is the sum,
 * in draw order, of lr1[k] (the draw decided a failure) or lr0[k] (it did not), computed once
 * when the tilt is set. The pilot keeps, per pilot trial, its score, whether the event happened,
 * its log likelihood ratio and the draws' outcomes (one byte each); the cross-entropy update is a
 * weighted mean of those outcomes over the elite trials, summed in trial order.
 */
#include "cablesim/estimator.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cablesim/analysis.h"
#include "cablesim/scenario.h"
#include "core/strmap.h"

/* Defaults of the pilot (docs/rare-events.md). */
#define PILOT_TRIALS 2000
#define ITERATIONS   20
#define RHO          0.1
#define SMOOTHING    0.7
#define Q_MAX        0.99
#define INFLATE      2.0 /* a stalled level multiplies every q by this */
#define MIN_ELITE    5   /* least elite trials above a stalled level (or 0.5% of the pilot) */
#define SCREEN_Z                                                                                   \
    3.0 /* screening: an edge joins the tilted set when it fails this many                         \
         * binomial standard deviations more often among the elite */
#define SCREEN_ALPHA                                                                               \
    1e-3 /* screening: ... or when its weighted share among the elite has a tail bound below this  \
          * (about a normal 3 sd, 1.35e-3) */

struct cs_estimator {
    cs_target target;
    bool weighted;
    cs_ce_params ce;
    size_t n_hazards;
    cs_hazard_t *const *hazards; /* borrowed */
    size_t *off;                 /* [n_hazards + 1] */
    size_t n;                    /* draws offered in all */
    double *p, *q, *lr0, *lr1;   /* [n] */
    unsigned char *x;            /* [n] the current trial's draws */
    unsigned char *tilted;       /* [n] screening: the draws found to matter for the target */
    double log_w;                /* the current trial's log likelihood ratio */
    unsigned fit_iterations;
    bool fit_reached;
};

/* ------------------------------------------------------------- target */

static const char *const criteria[] = {"served_below",
                                       "cut_off",
                                       "unserved_above_tbps",
                                       "capacity_lost_above_tbps",
                                       "intl_capacity_lost_above",
                                       NULL};

/* The region named by node among names[0..n-1] (reachable ones), with a "nearest" hint. */
static cs_status target_region(const cs_ydoc_t *d, const cs_ynode *tm, const char *const *names,
                               const unsigned char *reachable, size_t n, size_t *out, cs_error *err)
{
    const char *name = NULL;
    cs_status rc = cs_yget_string(d, tm, "region", true, NULL, &name, err);
    if (rc != CS_OK) return rc;
    size_t best = SIZE_MAX, bi = 0;
    for (size_t g = 0; g < n; g++) {
        if (strcmp(names[g], name) == 0 && reachable[g]) {
            *out = g;
            return CS_OK;
        }
        const size_t dist = cs_edit_distance(names[g], name);
        if (reachable[g] && dist < best) best = dist, bi = g;
    }
    char exp[300];
    if (best != SIZE_MAX)
        snprintf(exp, sizeof exp,
                 "a foreign region with demand from Japan that the intact network serves "
                 "(nearest: \"%.120s\")",
                 names[bi]);
    else
        snprintf(exp, sizeof exp, "a foreign region with demand from Japan (the demand has none)");
    return cs_yerr(d, cs_ymap_get(tm, "region"), "estimator.target.region", exp, err);
}

cs_status cs_target_parse(cs_target *t, const cs_ydoc_t *d, const cs_ynode *m,
                          const char *const *names, const unsigned char *reachable, size_t n,
                          cs_error *err)
{
    static const char *const keys[] = {"region",
                                       "served_below",
                                       "cut_off",
                                       "unserved_above_tbps",
                                       "capacity_lost_above_tbps",
                                       "intl_capacity_lost_above",
                                       NULL};
    memset(t, 0, sizeof *t);
    const cs_ynode *tm = cs_ymap_get(m, "target");
    const char *expected = "a map with one of served_below, cut_off, unserved_above_tbps, "
                           "capacity_lost_above_tbps, intl_capacity_lost_above";
    if (tm == NULL || cs_ynode_is_null(tm)) return cs_yerr_missing(d, m, "target", expected, err);
    if (tm->kind != CS_YMAP) return cs_yerr(d, tm, "estimator.target", expected, err);
    cs_status rc = cs_ymap_check_keys(d, tm, keys, "estimator.target", err);
    if (rc != CS_OK) return rc;
    int found = -1;
    for (int k = 0; criteria[k] != NULL; k++) {
        const cs_ynode *v = cs_ymap_get(tm, criteria[k]);
        if (v == NULL || cs_ynode_is_null(v)) continue;
        if (found >= 0) {
            char exp[200];
            snprintf(exp, sizeof exp, "either `%s` or `%s`, not both", criteria[found],
                     criteria[k]);
            return cs_yerr(d, v, "estimator.target", exp, err);
        }
        found = k;
    }
    if (found < 0) return cs_yerr(d, tm, "estimator.target", expected, err);
    t->kind = (cs_target_kind)found;
    const bool regional = t->kind == CS_TARGET_SERVED_BELOW || t->kind == CS_TARGET_CUT_OFF;
    if (!regional && cs_ymap_get(tm, "region") != NULL)
        return cs_yerr(d, cs_ymap_get(tm, "region"), "estimator.target.region",
                       "no region with a network-wide criterion", err);
    if (regional && (rc = target_region(d, tm, names, reachable, n, &t->region, err)) != CS_OK)
        return rc;
    const char *key = criteria[found];
    switch (t->kind) {
    case CS_TARGET_SERVED_BELOW:
        rc = cs_yget_double(d, tm, key, true, 0.0, 1.0, 0.0, &t->level, err);
        if (rc == CS_OK && !(t->level > 0.0))
            rc = cs_yerr(d, cs_ymap_get(tm, key), "estimator.target.served_below",
                         "a share in (0, 1]", err);
        snprintf(t->text, sizeof t->text, "%.120s served below %g", names[t->region], t->level);
        break;
    case CS_TARGET_CUT_OFF: {
        bool on = false;
        rc = cs_yget_bool(d, tm, key, true, false, &on, err);
        if (rc == CS_OK && !on)
            rc = cs_yerr(d, cs_ymap_get(tm, key), "estimator.target.cut_off", "true", err);
        t->level = 1.0;
        snprintf(t->text, sizeof t->text, "%.120s cut off", names[t->region]);
        break;
    }
    case CS_TARGET_UNSERVED_ABOVE:
    case CS_TARGET_CAPACITY_LOST_ABOVE:
        rc = cs_yget_double(d, tm, key, true, 0.0, 1e9, 0.0, &t->level, err);
        snprintf(t->text, sizeof t->text, "%s above %g Tbps",
                 t->kind == CS_TARGET_UNSERVED_ABOVE ? "unserved demand" : "capacity lost",
                 t->level);
        break;
    case CS_TARGET_INTL_SHARE_ABOVE:
        rc = cs_yget_double(d, tm, key, true, 0.0, 1.0, 0.0, &t->level, err);
        if (rc == CS_OK && !(t->level < 1.0))
            rc = cs_yerr(d, cs_ymap_get(tm, key), "estimator.target.intl_capacity_lost_above",
                         "a share in [0, 1)", err);
        snprintf(t->text, sizeof t->text, "share of Japan's international capacity lost above %g",
                 t->level);
        break;
    }
    return rc;
}

double cs_target_score(const cs_target *t, const cs_trial_outcome *o)
{
    switch (t->kind) {
    case CS_TARGET_SERVED_BELOW:
    case CS_TARGET_CUT_OFF: {
        const double s = o->region_served[t->region];
        return isnan(s) ? 0.0 : 1.0 - s;
    }
    case CS_TARGET_UNSERVED_ABOVE:
        return o->unserved_tbps;
    case CS_TARGET_CAPACITY_LOST_ABOVE:
        return o->capacity_lost_tbps;
    case CS_TARGET_INTL_SHARE_ABOVE:
        return o->intl_capacity_tbps > 0.0 ? o->intl_capacity_lost_tbps / o->intl_capacity_tbps
                                           : 0.0;
    }
    return 0.0;
}

bool cs_target_event(const cs_target *t, const cs_trial_outcome *o)
{
    switch (t->kind) {
    case CS_TARGET_SERVED_BELOW:
        return o->region_served[t->region] < t->level;
    case CS_TARGET_CUT_OFF:
        return o->region_cut[t->region];
    default:
        return cs_target_score(t, o) > t->level;
    }
}

/* ------------------------------------------------------------- sums and estimates */

void cs_rare_sums_add(cs_rare_sums *s, double w, bool event, double unserved, double cap_lost,
                      double intl_lost)
{
    const double wi = event ? w : 0.0, wu = w * unserved, wc = w * cap_lost, wl = w * intl_lost;
    s->n++;
    s->hits += event;
    s->sw += w;
    s->sw2 += w * w;
    s->swi += wi;
    s->swi2 += wi * wi;
    s->swu += wu;
    s->swu2 += wu * wu;
    s->swc += wc;
    s->swc2 += wc * wc;
    s->swl += wl;
    s->swl2 += wl * wl;
}

void cs_rare_sums_merge(cs_rare_sums *dst, const cs_rare_sums *src)
{
    dst->n += src->n;
    dst->hits += src->hits;
    dst->sw += src->sw;
    dst->sw2 += src->sw2;
    dst->swi += src->swi;
    dst->swi2 += src->swi2;
    dst->swu += src->swu;
    dst->swu2 += src->swu2;
    dst->swc += src->swc;
    dst->swc2 += src->swc2;
    dst->swl += src->swl;
    dst->swl2 += src->swl2;
}

cs_rare_estimate cs_rare_mean(const cs_rare_sums *s, double swx, double swx2)
{
    cs_rare_estimate e = {s->n, NAN, NAN, NAN, NAN, NAN};
    if (s->n == 0) return e;
    const double n = (double)s->n;
    e.mean = swx / n;
    /* sample variance of w x: (sum (wx)^2 - n mean^2) / (n - 1) */
    const double var = s->n > 1 ? fmax(0.0, (swx2 - n * e.mean * e.mean) / (n - 1.0)) : 0.0;
    e.se = sqrt(var / n);
    /* every quantity estimated is >= 0 (an indicator, unserved Tbps, capacity lost): the normal
     * interval is clipped to the valid range, like every interval (issue 10), and like the
     * Python reader's run_summary */
    e.lo = fmax(0.0, e.mean - CS_ANALYSIS_Z95 * e.se);
    e.hi = e.mean + CS_ANALYSIS_Z95 * e.se;
    e.rel = e.mean != 0.0 ? e.se / fabs(e.mean) : NAN;
    return e;
}

cs_rare_estimate cs_rare_probability(const cs_rare_sums *s, bool weighted)
{
    cs_rare_estimate e = cs_rare_mean(s, s->swi, s->swi2);
    if (s->n == 0) return e;
    if (!weighted) {
        const cs_proportion w = cs_analysis_wilson(s->hits, s->n);
        e.mean = w.p;
        e.lo = w.lo;
        e.hi = w.hi;
        /* the standard error the Wilson interval implies: honest at 0 hits too */
        e.se = (w.hi - w.lo) / (2.0 * CS_ANALYSIS_Z95);
        e.rel = e.mean > 0.0 ? e.se / e.mean : NAN;
    }
    e.lo = fmax(0.0, e.lo);
    e.hi = fmin(1.0, e.hi);
    return e;
}

double cs_rare_ess(const cs_rare_sums *s)
{
    return s->sw2 > 0.0 ? s->sw * s->sw / s->sw2 : 0.0;
}

cs_rare_check cs_rare_reliability(const cs_rare_sums *s, bool weighted)
{
    cs_rare_check c = {.mean_w = NAN, .se_w = NAN};
    c.ess_hits = s->swi2 > 0.0 ? s->swi * s->swi / s->swi2 : 0.0;
    if (!weighted || s->n < 2) return c;
    const cs_rare_estimate w = cs_rare_mean(s, s->sw, s->sw2);
    c.mean_w = w.mean;
    c.se_w = w.se;
    c.weights_off = fabs(w.mean - 1.0) > CS_RARE_WEIGHT_Z * w.se;
    c.hits_few = s->hits > 0 && c.ess_hits < CS_RARE_HIT_ESS_SHARE * (double)s->hits;
    if (c.weights_off)
        snprintf(c.reason, sizeof c.reason,
                 "unreliable: the weights average %.3g (standard error %.2g), not 1 (more than "
                 "%.0f standard errors off): the tilt leaves part of the model's law unsampled; "
                 "rerun with a larger pilot_trials",
                 w.mean, w.se, CS_RARE_WEIGHT_Z);
    else if (c.hits_few)
        snprintf(c.reason, sizeof c.reason,
                 "unreliable: the hits' effective sample size %.0f is below %.0f%% of the %llu "
                 "hits: a few hits carry the estimate and its standard error; rerun with a larger "
                 "pilot_trials",
                 c.ess_hits, 100.0 * CS_RARE_HIT_ESS_SHARE, (unsigned long long)s->hits);
    return c;
}

/* ------------------------------------------------------------- the estimator */

const cs_target *cs_estimator_target(const cs_estimator_t *est)
{
    return &est->target;
}

bool cs_estimator_weighted(const cs_estimator_t *est)
{
    return est->weighted;
}

const cs_ce_params *cs_estimator_params(const cs_estimator_t *est)
{
    return &est->ce;
}

void cs_estimator_free(cs_estimator_t *est)
{
    if (est == NULL) return;
    free(est->off);
    free(est->p);
    free(est->q);
    free(est->lr0);
    free(est->lr1);
    free(est->x);
    free(est->tilted);
    free(est);
}

/* The log likelihood ratio of each draw's two outcomes under tilt q. */
static void set_ratios(cs_estimator_t *est)
{
    for (size_t k = 0; k < est->n; k++) {
        const double p = est->p[k], q = est->q[k];
        est->lr1[k] = p == q ? 0.0 : log(p) - log(q);
        est->lr0[k] = p == q ? 0.0 : log1p(-p) - log1p(-q);
    }
}

static cs_status read_params(cs_estimator_t *est, const cs_ydoc_t *d, const cs_ynode *m,
                             cs_error *err)
{
    long long trials = PILOT_TRIALS, iters = ITERATIONS;
    cs_status rc;
    if ((rc =
             cs_yget_int(d, m, "pilot_trials", false, 100, 10000000, PILOT_TRIALS, &trials, err)) ||
        (rc = cs_yget_int(d, m, "iterations", false, 1, 100, ITERATIONS, &iters, err)) ||
        (rc = cs_yget_double(d, m, "rho", false, 0.001, 0.5, RHO, &est->ce.rho, err)) ||
        (rc = cs_yget_double(d, m, "smoothing", false, 0.01, 1.0, SMOOTHING, &est->ce.smoothing,
                             err)))
        return rc;
    est->ce.pilot_trials = (uint64_t)trials;
    est->ce.iterations = (unsigned)iters;
    est->ce.q_max = Q_MAX;
    return CS_OK;
}

cs_status cs_estimator_alloc(cs_estimator_t **out, const cs_ydoc_t *d, const cs_ynode *m,
                             const char *const *names, const unsigned char *reachable, size_t n,
                             cs_hazard_t *const *hazards, size_t n_hazards, double horizon_days,
                             cs_error *err)
{
    static const char *const methods[] = {"importance_sampling", "plain", NULL};
    *out = NULL;
    cs_status rc = cs_ymap_check_keys(d, m, cs_scenario_estimator_keys, "estimator", err);
    if (rc != CS_OK) return rc;
    cs_estimator_t *est = calloc(1, sizeof *est);
    if (est == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for the estimator");
    int method = 0;
    if ((rc = cs_yget_enum(d, m, "method", true, methods, 0, &method, err)) ||
        (rc = cs_target_parse(&est->target, d, m, names, reachable, n, err)) ||
        (rc = read_params(est, d, m, err)) ||
        (rc = cs_ydoc_defaults_check(d, err)) != CS_OK) /* the resolved scenario needs them */
        goto fail;
    est->weighted = method == 0;
    est->hazards = hazards;
    est->n_hazards = n_hazards;
    est->off = malloc((n_hazards + 1) * sizeof *est->off);
    if (est->off == NULL) goto oom;
    est->off[0] = 0;
    for (size_t i = 0; i < n_hazards; i++)
        est->off[i + 1] = est->off[i] + (est->weighted ? cs_hazard_tilt_count(hazards[i]) : 0);
    est->n = est->off[n_hazards];
    if (est->weighted && est->n == 0) {
        rc = cs_yerr(d, cs_ymap_get(m, "method"), "estimator.method",
                     "a scenario with a random_faults hazard to tilt (importance_sampling tilts "
                     "random_faults only; docs/rare-events.md), or method plain",
                     err);
        goto fail;
    }
    est->p = malloc((est->n + 1) * sizeof *est->p);
    est->q = malloc((est->n + 1) * sizeof *est->q);
    est->lr0 = malloc((est->n + 1) * sizeof *est->lr0);
    est->lr1 = malloc((est->n + 1) * sizeof *est->lr1);
    est->x = calloc(est->n + 1, 1);
    est->tilted = calloc(est->n + 1, 1);
    if (!est->p || !est->q || !est->lr0 || !est->lr1 || !est->x || !est->tilted) goto oom;
    for (size_t i = 0; i < n_hazards && est->weighted; i++)
        cs_hazard_tilt_probs(hazards[i], horizon_days, est->p + est->off[i]);
    memcpy(est->q, est->p, est->n * sizeof *est->q);
    set_ratios(est);
    *out = est;
    return CS_OK;
oom:
    rc = cs_errorf(err, CS_ENOMEM, "out of memory for the estimator");
fail:
    cs_estimator_free(est);
    return rc;
}

void cs_estimator_begin(cs_estimator_t *est)
{
    est->log_w = 0.0;
}

cs_status cs_estimator_sample(cs_estimator_t *est, size_t i, cs_hazard_ws *w,
                              const cs_hazard_env *env, gsl_rng *rng, cs_failures *f, cs_error *err)
{
    assert(i < est->n_hazards);
    const size_t a = est->off[i], b = est->off[i + 1];
    if (a == b) return cs_hazard_sample(est->hazards[i], w, env, rng, f, err);
    const cs_status rc =
        cs_hazard_sample_tilted(est->hazards[i], w, env, rng, est->q + a, est->x + a, f, err);
    for (size_t k = a; k < b; k++)
        est->log_w += est->x[k] ? est->lr1[k] : est->lr0[k];
    return rc;
}

double cs_estimator_weight(const cs_estimator_t *est)
{
    return exp(est->log_w);
}

void cs_estimator_fit_info(const cs_estimator_t *est, unsigned *iterations, bool *reached)
{
    *iterations = est->fit_iterations;
    *reached = est->fit_reached;
}

size_t cs_estimator_tilt(const cs_estimator_t *est, const double **q, const double **p)
{
    *q = est->q;
    *p = est->p;
    return est->n;
}

/* ------------------------------------------------------------- cross-entropy */

/* The pilot's record of one iteration. */
typedef struct {
    size_t n;              /* trials */
    double *score, *log_w; /* [n] */
    unsigned char *event;  /* [n] */
    unsigned char *x;      /* [n x draws] */
    double *sorted;        /* [n] scratch */
    double *num;           /* [draws] scratch */
} pilot;

static void pilot_destroy(pilot *p)
{
    free(p->score);
    free(p->log_w);
    free(p->event);
    free(p->x);
    free(p->sorted);
    free(p->num);
}

static int cmp_desc(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/*
 * Bennett's inequality (Boucheron, Lugosi and Massart, Concentration Inequalities, 2013, ch.
 * 2): for a sum of independent centred terms, each at most b, of variance var in all,
 * log P(sum >= t) <= -(var / b^2) h(b t / var), h(u) = (1 + u) log(1 + u) - u. The bound holds
 * however unequal the terms' scales are, where a normal approximation does not.
 */
static double bennett_log_tail(double t, double var, double b)
{
    if (t <= 0.0) return 0.0;
    if (var <= 0.0 || b <= 0.0) return -INFINITY;
    const double u = b * t / var;
    return -(var / (b * b)) * ((1.0 + u) * log1p(u) - u);
}

/*
 * Screening (Rubinstein and Glynn 2009): draw k joins the tilted set when the elite trials show
 * that it matters for the target. Under the current tilt the draws are independent, so for a
 * draw that does not influence the score its outcomes x_jk are independent Bernoulli(q_k)
 * draws, independent of the trial's other draws, of its score and so of the elite. Two tests,
 * each at about the level of a normal 3 sd, either of which admits the draw:
 *
 * - Counts: the elite count of failures is binomial (n_elite, f_k), f_k the draw's share of
 *   failures over the pilot; a count above n_elite f_k + SCREEN_Z sd marks a draw that matters.
 * - Likelihood-ratio-weighted share: sum_elite v_j x_jk / sum_elite v_j, v_j the trial's
 *   likelihood ratio without draw k's factor, estimates the draw's failure probability given
 *   the elite under the model, the quantity the cross-entropy update sets q_k to. The counts
 *   miss a draw whose partner in series is already tilted: the partner's failure puts the
 *   path down in most elite trials whatever draw k did, so k fails only a little more often
 *   among them, but the few elite trials in which k failed and the partner did not carry the
 *   large weights (1 - p) / (1 - q) of the partner's survival. Given the weights, the sum
 *   sum v_j (x_jk - q_k) has mean 0 and variance q_k (1 - q_k) sum v_j^2 under the null, each
 *   term at most max v_j; Bennett's bound on its tail (below SCREEN_ALPHA) holds when a few
 *   trials carry most of the weight. The reference rate is max(q_k, f_k), so that a draw that
 *   merely failed often in this pilot, elite or not, is not admitted. The weights are scaled
 *   by the largest elite likelihood ratio, which the bound does not see.
 *
 * Both ask for at least 2 elite failures. The set only grows: a draw tilted so far that it fails
 * in nearly every trial shows no contrast any more, yet matters.
 */
static void screen(cs_estimator_t *est, const pilot *pl, const unsigned char *elite)
{
    size_t ne = 0;
    double top = -INFINITY;
    for (size_t j = 0; j < pl->n; j++)
        if (elite[j]) {
            ne++;
            top = fmax(top, pl->log_w[j]);
        }
    for (size_t k = 0; k < est->n; k++) {
        if (est->tilted[k]) continue;
        size_t all = 0, in = 0;
        double sv = 0.0, sv2 = 0.0, svx = 0.0, vmax = 0.0;
        for (size_t j = 0; j < pl->n; j++) {
            const unsigned char xjk = pl->x[j * est->n + k];
            all += xjk;
            if (!elite[j]) continue;
            in += xjk;
            const double v = exp(pl->log_w[j] - top - (xjk ? est->lr1[k] : est->lr0[k]));
            sv += v;
            sv2 += v * v;
            svx += xjk ? v : 0.0;
            vmax = fmax(vmax, v);
        }
        if (in < 2) continue;
        const double f = (double)all / (double)pl->n, mu = (double)ne * f;
        const double sd = sqrt(mu * (1.0 - f)), r = fmax(est->q[k], f);
        est->tilted[k] =
            (double)in > mu + SCREEN_Z * sd ||
            bennett_log_tail(svx - r * sv, r * (1.0 - r) * sv2, vmax) <= log(SCREEN_ALPHA);
    }
}

/*
 * The cross-entropy update over the elite trials (elite[j] set): q_k = sum_j w_j x_jk / sum_j
 * w_j, w_j the likelihood ratio of trial j (scaled by the largest among the elite, which cancels),
 * smoothed with the previous tilt and kept within [p_k, q_max] (q_k >= p_k keeps every outcome
 * the model can draw drawable). Draws outside the screened set (screen) keep q_k = p_k: tilting
 * them adds to the likelihood ratio's variance and not to the event's frequency.
 */
static void ce_update(cs_estimator_t *est, pilot *pl, const unsigned char *elite)
{
    screen(est, pl, elite);
    double top = -INFINITY, den = 0.0;
    for (size_t j = 0; j < pl->n; j++)
        if (elite[j]) top = fmax(top, pl->log_w[j]);
    for (size_t k = 0; k < est->n; k++)
        pl->num[k] = 0.0;
    for (size_t j = 0; j < pl->n; j++) {
        if (!elite[j]) continue;
        const double w = exp(pl->log_w[j] - top);
        den += w;
        const unsigned char *xj = pl->x + j * est->n;
        for (size_t k = 0; k < est->n; k++)
            if (xj[k]) pl->num[k] += w;
    }
    const double a = est->ce.smoothing;
    for (size_t k = 0; k < est->n; k++) {
        const double ce = den > 0.0 ? pl->num[k] / den : est->q[k];
        const double q = a * ce + (1.0 - a) * est->q[k];
        est->q[k] =
            !est->tilted[k] ? est->p[k] : fmin(fmax(q, est->p[k]), fmax(est->p[k], est->ce.q_max));
    }
    set_ratios(est);
}

cs_status cs_estimator_fit(cs_estimator_t *est, cs_pilot_fn run, void *ctx, cs_error *err)
{
    if (!est->weighted) return CS_OK;
    const size_t n = (size_t)est->ce.pilot_trials;
    pilot pl = {.n = n};
    pl.score = malloc(n * sizeof *pl.score);
    pl.log_w = malloc(n * sizeof *pl.log_w);
    pl.event = malloc(n);
    pl.sorted = malloc(n * sizeof *pl.sorted);
    pl.num = malloc((est->n + 1) * sizeof *pl.num);
    pl.x = n > SIZE_MAX / (est->n + 1) ? NULL : malloc(n * est->n + 1);
    cs_status rc = CS_OK;
    if (!pl.score || !pl.log_w || !pl.event || !pl.sorted || !pl.num || !pl.x) {
        pilot_destroy(&pl);
        return cs_errorf(err, CS_ENOMEM, "out of memory for the estimator's pilot");
    }
    const size_t n_elite = (size_t)ceil(est->ce.rho * (double)n);
    const size_t n_min = n / 200 > MIN_ELITE ? n / 200 : MIN_ELITE;
    double gamma_prev = -INFINITY;
    est->fit_iterations = 0;
    est->fit_reached = false;
    memset(est->tilted, 0, est->n);
    for (unsigned k = 0; k < est->ce.iterations && rc == CS_OK && !est->fit_reached; k++) {
        size_t hits = 0;
        for (size_t j = 0; j < n && rc == CS_OK; j++) {
            cs_trial_outcome o;
            rc = run(ctx, CS_ESTIMATOR_PILOT0 + ((uint64_t)k << 32) + j, &o, err);
            if (rc != CS_OK) break;
            pl.score[j] = cs_target_score(&est->target, &o);
            pl.event[j] = cs_target_event(&est->target, &o);
            pl.log_w[j] = est->log_w;
            memcpy(pl.x + j * est->n, est->x, est->n);
            hits += pl.event[j];
        }
        if (rc != CS_OK) break;
        est->fit_iterations = k + 1;
        if (hits >= n_elite) { /* the event itself is frequent enough: the last update */
            est->fit_reached = true;
            ce_update(est, &pl, pl.event);
            break;
        }
        memcpy(pl.sorted, pl.score, n * sizeof *pl.sorted);
        qsort(pl.sorted, n, sizeof *pl.sorted, cmp_desc);
        const double gamma = pl.sorted[n_elite - 1];
        /* Trials above the last level: the elite when the quantile level stalls (a rare score
         * gradation), so long as there are a few of them. */
        size_t above = 0;
        for (size_t j = 0; j < n; j++)
            above += pl.score[j] > gamma_prev && gamma_prev > -INFINITY;
        if (gamma > gamma_prev) { /* a higher level: the trials at or above it are the elite */
            gamma_prev = gamma;
            for (size_t j = 0; j < n; j++)
                pl.event[j] = pl.score[j] >= gamma;
            ce_update(est, &pl, pl.event);
        } else if (above >= n_min) { /* the few trials above the level are the elite */
            for (size_t j = 0; j < n; j++)
                pl.event[j] = pl.score[j] > gamma_prev;
            ce_update(est, &pl, pl.event);
        } else { /* the score does not separate the trials (e.g. all 0): widen the tilt */
            for (size_t i = 0; i < est->n; i++)
                est->q[i] = fmax(est->p[i], fmin(est->ce.q_max, est->q[i] * INFLATE));
            set_ratios(est);
        }
    }
    pilot_destroy(&pl);
    return rc;
}

/* ------------------------------------------------------------- results files */

/* The regions of a file in the engine's order: the distinct regions of /topology/pairs. */
static size_t file_regions(const cs_results_info *in, const char **names, size_t *of_pair)
{
    size_t ng = 0;
    for (size_t p = 0; p < in->n_pairs; p++) {
        size_t g = 0;
        while (g < ng && strcmp(names[g], in->pairs[p].region) != 0)
            g++;
        if (g == ng) names[ng++] = in->pairs[p].region;
        of_pair[p] = g;
    }
    return ng;
}

/* Japan's international capacity on the file's basis: segments with exactly one end in Japan
 * (cs_rnode_is_japan), as the engine's intl_capacity. */
static double file_intl_capacity(const cs_results_info *in)
{
    const bool lit = strcmp(in->capacity_basis, "design") != 0;
    double sum = 0.0;
    for (size_t j = 0; j < in->n_edges; j++) {
        const cs_redge *e = &in->edges[j];
        const bool a = cs_rnode_is_japan(&in->nodes[e->from]);
        const bool b = cs_rnode_is_japan(&in->nodes[e->to]);
        if (strcmp(e->kind, "segment") == 0 && a != b) sum += lit ? e->lit_tbps : e->capacity_tbps;
    }
    return sum;
}

/* The rare-event buffers of cs_rare_analyze. */
typedef struct {
    const char **names;
    size_t *of_pair;
    unsigned char *reach;
    bool *cut;
    double *w, *u, *c, *l, *served;
    unsigned char *pc;
} rare_buf;

static void rare_buf_destroy(rare_buf *b)
{
    free(b->names);
    free(b->of_pair);
    free(b->reach);
    free(b->cut);
    free(b->w);
    free(b->u);
    free(b->c);
    free(b->l);
    free(b->served);
    free(b->pc);
}

/* Reads rows first .. first + k - 1 of the datasets the target needs into b. */
static cs_status rare_read(cs_resultsio_t *r, uint64_t first, size_t k, bool weighted, rare_buf *b,
                           cs_error *err)
{
    cs_status rc = CS_OK;
    if (weighted)
        rc = cs_resultsio_read_dataset(r, CS_DS_WEIGHT, first, k, b->w, err);
    else
        for (size_t i = 0; i < k; i++)
            b->w[i] = 1.0;
    if (rc == CS_OK) rc = cs_resultsio_read_dataset(r, CS_DS_UNSERVED, first, k, b->u, err);
    if (rc == CS_OK) rc = cs_resultsio_read_dataset(r, CS_DS_CAPACITY_LOST, first, k, b->c, err);
    if (rc == CS_OK)
        rc = cs_resultsio_read_dataset(r, CS_DS_INTL_CAPACITY_LOST, first, k, b->l, err);
    if (rc == CS_OK)
        rc = cs_resultsio_read_dataset(r, CS_DS_REGION_SERVED, first, k, b->served, err);
    if (rc == CS_OK) rc = cs_resultsio_read_dataset(r, CS_DS_PAIR_CUT, first, k, b->pc, err);
    return rc;
}

cs_status cs_rare_analyze(cs_resultsio_t *r, bool *present, cs_target *t, bool *weighted,
                          cs_rare_sums *s, cs_error *err)
{
    enum { ROWS = 4096 };
    const cs_results_info *in = cs_resultsio_info(r);
    memset(s, 0, sizeof *s);
    *present = *weighted = false;
    cs_ydoc_t *doc = NULL;
    cs_status rc = cs_ydoc_load_string(&doc, in->scenario, in->path, err);
    if (rc != CS_OK) return rc;
    const cs_ynode *m = cs_ymap_get(cs_ydoc_root(doc), "estimator");
    if (m == NULL || cs_ynode_is_null(m) || m->kind != CS_YMAP) {
        cs_ydoc_free(doc);
        return CS_OK;
    }
    *present = true;
    static const char *const methods[] = {"importance_sampling", "plain", NULL};
    int method = 0;
    rare_buf b = {0};
    const size_t np = in->n_pairs, ng = in->n_regions;
    b.names = calloc(np + 1, sizeof *b.names);
    b.of_pair = calloc(np + 1, sizeof *b.of_pair);
    b.reach = malloc(np + 1);
    b.cut = calloc(ng + 1, sizeof *b.cut);
    b.w = malloc(ROWS * sizeof *b.w);
    b.u = malloc(ROWS * sizeof *b.u);
    b.c = malloc(ROWS * sizeof *b.c);
    b.l = malloc(ROWS * sizeof *b.l);
    b.served = malloc((ROWS * ng + 1) * sizeof *b.served);
    b.pc = malloc(ROWS * np + 1);
    if (!b.names || !b.of_pair || !b.reach || !b.cut || !b.w || !b.u || !b.c || !b.l || !b.served ||
        !b.pc) {
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", in->path);
        goto done;
    }
    memset(b.reach, 1, np + 1);
    if (file_regions(in, b.names, b.of_pair) != ng || !cs_resultsio_has(r, CS_DS_REGION_SERVED)) {
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: expected the per-region impact datasets of /trials (regions of "
                       "/topology/pairs as /topology/regions), found a file without them",
                       in->path);
        goto done;
    }
    if ((rc = cs_yget_enum(doc, m, "method", true, methods, 0, &method, err)) ||
        (rc = cs_target_parse(t, doc, m, b.names, b.reach, ng, err)))
        goto done;
    *weighted = method == 0 && cs_resultsio_has(r, CS_DS_WEIGHT);
    const double intl = file_intl_capacity(in);
    for (uint64_t first = 0; first < in->trials && rc == CS_OK; first += ROWS) {
        const size_t k = in->trials - first < ROWS ? (size_t)(in->trials - first) : ROWS;
        if ((rc = rare_read(r, first, k, *weighted, &b, err)) != CS_OK) break;
        for (size_t i = 0; i < k; i++) {
            const double *sv = b.served + i * ng;
            for (size_t g = 0; g < ng; g++)
                b.cut[g] = !isnan(sv[g]);
            for (size_t p = 0; p < np; p++)
                if (!b.pc[i * np + p]) b.cut[b.of_pair[p]] = false;
            const cs_trial_outcome o = {b.u[i], b.c[i], b.l[i], intl, sv, b.cut};
            cs_rare_sums_add(s, b.w[i], cs_target_event(t, &o), b.u[i], b.c[i], b.l[i]);
        }
    }
done:
    rare_buf_destroy(&b);
    cs_ydoc_free(doc);
    return rc;
}
