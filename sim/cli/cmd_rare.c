/*
 * cmd_rare.c: `analyze` and `compare` of runs with a scenario `estimator:` (rare.h,
 * docs/rare-events.md). The figures come from cs_rare_analyze(); this file lays them out.
 */
#include "rare.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cablesim/analysis.h"
#include "cablesim/estimator.h"
#include "cablesim/resultsio.h"
#include "cli.h"

/* One file's rare-event figures. */
typedef struct {
    const char *path;
    bool present, weighted;
    cs_target target;
    cs_rare_sums sums;
} rare_file;

/* Reads path's figures into x (x->present false: no estimator). Returns an exit status. */
static int rare_read(const char *path, rare_file *x)
{
    memset(x, 0, sizeof *x);
    x->path = path;
    cs_error err = CS_ERROR_INIT;
    cs_resultsio_t *r = NULL;
    cs_status rc = cs_resultsio_open(&r, path, &err);
    if (rc == CS_OK) rc = cs_rare_analyze(r, &x->present, &x->target, &x->weighted, &x->sums, &err);
    cs_resultsio_close(r);
    return rc == CS_OK ? CLI_OK : cli_report(&err);
}

static void print_file(const rare_file *x)
{
    const cs_rare_sums *s = &x->sums;
    const cs_rare_estimate p = cs_rare_probability(s, x->weighted);
    printf("Rare event (%s, docs/rare-events.md): %s\n",
           x->weighted ? "importance sampling" : "plain Monte Carlo", x->target.text);
    char rel[32] = "none: no event seen";
    if (isfinite(p.rel)) snprintf(rel, sizeof rel, "%.3g%%", 100.0 * p.rel);
    const cs_rare_check ok = cs_rare_reliability(s, x->weighted);
    if (ok.reason[0] != '\0')
        printf("  probability    %.4g, no interval (%s)\n", p.mean, ok.reason);
    else
        printf("  probability    %.4g  (95%% CI %.4g to %.4g; relative standard error %s)\n",
               p.mean, p.lo, p.hi, rel);
    printf("  trials         %llu, %llu with the event; effective sample size %.0f (of the hits "
           "%.0f); mean weight %.4g (standard error %.2g)\n",
           (unsigned long long)s->n, (unsigned long long)s->hits, cs_rare_ess(s), ok.ess_hits,
           x->weighted ? ok.mean_w : 1.0, x->weighted ? ok.se_w : 0.0);
    if (!x->weighted) return;
    const cs_rare_estimate u = cs_rare_mean(s, s->swu, s->swu2);
    const cs_rare_estimate c = cs_rare_mean(s, s->swc, s->swc2);
    const cs_rare_estimate l = cs_rare_mean(s, s->swl, s->swl2);
    if (ok.weights_off) {
        printf("  weighted means, the model's expectations (no intervals: the weights are "
               "unreliable, above):\n");
        printf("    unserved                  %.4g Tbps\n", u.mean);
        printf("    capacity lost             %.4g Tbps\n", c.mean);
        printf("    international lost        %.4g Tbps\n", l.mean);
    } else {
        printf("  weighted means, the model's expectations (95%% CI):\n");
        printf("    unserved                  %.4g Tbps  (%.4g to %.4g)\n", u.mean, u.lo, u.hi);
        printf("    capacity lost             %.4g Tbps  (%.4g to %.4g)\n", c.mean, c.lo, c.hi);
        printf("    international lost        %.4g Tbps  (%.4g to %.4g)\n", l.mean, l.lo, l.hi);
    }
    printf("  The trials were drawn with tilted failure probabilities and carry weights\n"
           "  (/trials/weight): the plain statistics of analyze (quantiles, regions, rankings)\n"
           "  would describe the tilted draws, not the model, and are not shown.\n");
}

static json_t *j_est(const cs_rare_estimate *e)
{
    return json_pack("{s:f,s:f,s:f,s:f,s:f}", "mean", isfinite(e->mean) ? e->mean : 0.0, "se",
                     isfinite(e->se) ? e->se : 0.0, "lo", isfinite(e->lo) ? e->lo : 0.0, "hi",
                     isfinite(e->hi) ? e->hi : 0.0, "relative_se", isfinite(e->rel) ? e->rel : 0.0);
}

/* An estimate whose interval the weights cannot support: lo and hi null. */
static json_t *j_withheld(const cs_rare_estimate *e, bool withheld)
{
    json_t *o = j_est(e);
    if (o != NULL && withheld) {
        json_object_set_new(o, "lo", json_null());
        json_object_set_new(o, "hi", json_null());
    }
    return o;
}

static json_t *j_file(const rare_file *x)
{
    const cs_rare_sums *s = &x->sums;
    const cs_rare_estimate p = cs_rare_probability(s, x->weighted);
    const cs_rare_estimate u = cs_rare_mean(s, s->swu, s->swu2);
    const cs_rare_estimate c = cs_rare_mean(s, s->swc, s->swc2);
    const cs_rare_estimate l = cs_rare_mean(s, s->swl, s->swl2);
    const cs_rare_check ok = cs_rare_reliability(s, x->weighted);
    const bool all = ok.weights_off, prob = ok.reason[0] != '\0';
    json_t *rel = json_pack("{s:b,s:s,s:f,s:f,s:f}", "reliable", !prob, "reason", ok.reason,
                            "mean_weight", x->weighted ? ok.mean_w : 1.0, "mean_weight_se",
                            x->weighted ? ok.se_w : 0.0, "ess_hits", ok.ess_hits);
    return json_pack("{s:s,s:s,s:s,s:I,s:I,s:f,s:o,s:o,s:o,s:o,s:o}", "file", x->path, "method",
                     x->weighted ? "importance_sampling" : "plain", "target", x->target.text,
                     "trials", (json_int_t)s->n, "hits", (json_int_t)s->hits, "ess", cs_rare_ess(s),
                     "reliability", rel, "probability", j_withheld(&p, prob), "unserved_tbps",
                     j_withheld(&u, all), "capacity_lost_tbps", j_withheld(&c, all),
                     "intl_capacity_lost_tbps", j_withheld(&l, all));
}

static int dump(json_t *root)
{
    if (root == NULL) {
        cli_message("out of memory for the JSON output");
        return CLI_FAIL;
    }
    const int rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
    json_decref(root);
    putchar('\n');
    return rc == 0 ? CLI_OK : CLI_FAIL;
}

int cli_rare_analyze(const char *path, cli_rare_format f, bool *handled)
{
    rare_file x;
    *handled = false;
    const int st = rare_read(path, &x);
    if (st != CLI_OK || !x.weighted) return st;
    *handled = true;
    if (f == CLI_RARE_CSV)
        return cli_usage_error("analyze: --format csv: %s is importance-sampled (weighted "
                               "trials): use the text or json format",
                               path);
    if (f == CLI_RARE_JSON)
        return dump(json_pack("{s:s,s:i,s:o}", "format", "cablesim-rare-event", "format_version", 1,
                              "rare_event", j_file(&x)));
    print_file(&x);
    return CLI_OK;
}

int cli_rare_section(const char *path)
{
    rare_file x;
    const int st = rare_read(path, &x);
    if (st == CLI_OK && x.present) {
        printf("\n");
        print_file(&x);
    }
    return st;
}

/* One row of a rare-event comparison: A, B, B - A and its 95% interval (independent). */
static void print_diff(const char *label, const cs_rare_estimate *a, const cs_rare_estimate *b,
                       const char *unreliable)
{
    const double d = b->mean - a->mean, se = sqrt(a->se * a->se + b->se * b->se);
    const double lo = d - CS_ANALYSIS_Z95 * se, hi = d + CS_ANALYSIS_Z95 * se;
    if (unreliable != NULL) { /* the weights of a side cannot support an interval */
        printf("  %-22s %11.4g %11.4g %11.4g  no interval (%s unreliable, below)\n", label, a->mean,
               b->mean, d, unreliable);
        return;
    }
    /* a side whose trials all gave the same value has se 0: its interval says nothing */
    const char *verdict = !(a->se > 0.0) || !(b->se > 0.0) ? "no claim (a side without variation)"
                          : lo > 0.0 || hi < 0.0           ? "significant"
                                                           : "not significant";
    printf("  %-22s %11.4g %11.4g %11.4g  (%.4g to %.4g)  %s\n", label, a->mean, b->mean, d, lo, hi,
           verdict);
}

int cli_rare_compare(const char *const *paths, size_t n, cli_rare_format f, bool *handled)
{
    rare_file x[2];
    *handled = false;
    bool any = false;
    for (size_t i = 0; i < n && i < 2; i++) {
        const int st = rare_read(paths[i], &x[i]);
        if (st != CLI_OK) return st;
        any = any || x[i].weighted;
    }
    if (!any) return CLI_OK;
    *handled = true;
    if (n != 2 || f == CLI_RARE_CSV)
        return cli_usage_error("compare: %s: importance-sampled files (weighted trials) are "
                               "compared two at a time, as text or json",
                               x[0].weighted ? paths[0] : paths[1]);
    for (size_t i = 0; i < 2; i++)
        if (!x[i].present)
            return cli_usage_error("compare: %s: expected a run with an `estimator:` like %s, "
                                   "found none",
                                   paths[i], paths[1 - i]);
    if (strcmp(x[0].target.text, x[1].target.text) != 0)
        return cli_usage_error("compare: %s: expected the target of %s (%s), found %s", paths[1],
                               paths[0], x[0].target.text, x[1].target.text);
    if (f == CLI_RARE_JSON)
        return dump(json_pack("{s:s,s:i,s:o,s:o}", "format", "cablesim-rare-comparison",
                              "format_version", 1, "a", j_file(&x[0]), "b", j_file(&x[1])));
    const cs_rare_sums *a = &x[0].sums, *b = &x[1].sums;
    printf("Rare event, B - A as two independent estimates (docs/rare-events.md): %s\n",
           x[0].target.text);
    printf("  A: %s (%s, %llu trials)\n  B: %s (%s, %llu trials)\n", paths[0],
           x[0].weighted ? "importance sampling" : "plain", (unsigned long long)a->n, paths[1],
           x[1].weighted ? "importance sampling" : "plain", (unsigned long long)b->n);
    printf("  %-22s %11s %11s %11s  95%% CI of B - A\n", "", "A", "B", "B - A");
    const cs_rare_estimate pa = cs_rare_probability(a, x[0].weighted);
    const cs_rare_estimate pb = cs_rare_probability(b, x[1].weighted);
    const cs_rare_check ka = cs_rare_reliability(a, x[0].weighted),
                        kb = cs_rare_reliability(b, x[1].weighted);
    const char *ab = ka.reason[0] && kb.reason[0] ? "A and B" : ka.reason[0] ? "A" : "B";
    print_diff("probability", &pa, &pb, ka.reason[0] || kb.reason[0] ? ab : NULL);
    const char *means = ka.weights_off && kb.weights_off ? "A and B"
                        : ka.weights_off                 ? "A"
                        : kb.weights_off                 ? "B"
                                                         : NULL;
    const cs_rare_estimate ua = cs_rare_mean(a, a->swu, a->swu2);
    const cs_rare_estimate ub = cs_rare_mean(b, b->swu, b->swu2);
    print_diff("unserved (Tbps)", &ua, &ub, means);
    const cs_rare_estimate ca = cs_rare_mean(a, a->swc, a->swc2);
    const cs_rare_estimate cb = cs_rare_mean(b, b->swc, b->swc2);
    print_diff("capacity lost (Tbps)", &ca, &cb, means);
    if (ka.reason[0]) printf("  A: %s\n", ka.reason);
    if (kb.reason[0]) printf("  B: %s\n", kb.reason);
    return CLI_OK;
}
