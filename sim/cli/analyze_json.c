/*
 * analyze_json.c: the JSON of `cablesim analyze --format json` (docs/analysis-cli.md, "JSON"),
 * with the JSON helpers `compare` uses too.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "analyze.h"
#include "cablesim/analysis.h"
#include "cablesim/resultsio.h"
#include "cli.h"

/* ---------------------------------------------------------------- JSON */

/* A number, or null when it is not finite (JSON has no NaN). */
json_t *an_jnum(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

json_t *an_jint(uint64_t x)
{
    return json_integer((json_int_t)x);
}

json_t *an_j_estimate(const cs_estimate *e, bool *ok)
{
    json_t *o = json_object();
    cli_json_put(o, "mean", an_jnum(e->mean), ok);
    cli_json_put(o, "se", an_jnum(e->se), ok);
    cli_json_put(o, "sd", an_jnum(e->sd), ok);
    cli_json_put(o, "lo", an_jnum(e->lo), ok);
    cli_json_put(o, "hi", an_jnum(e->hi), ok);
    cli_json_put(o, "n", an_jint(e->n), ok);
    return o;
}

static json_t *j_prop(const cs_proportion *p, bool *ok)
{
    if (p->n == 0) return json_null();
    json_t *o = json_object();
    cli_json_put(o, "p", an_jnum(p->p), ok);
    cli_json_put(o, "lo", an_jnum(p->lo), ok);
    cli_json_put(o, "hi", an_jnum(p->hi), ok);
    cli_json_put(o, "k", an_jint(p->k), ok);
    cli_json_put(o, "n", an_jint(p->n), ok);
    return o;
}

/*
 * An estimate honestly stated (docs/analysis-cli.md): its fields, "statement" naming the case,
 * lo and hi null unless it is "normal", and "bound" (the lower bound of a served fraction, the
 * upper bound of unserved Tbps) for "clopper_pearson_bound", else null.
 */
static json_t *j_stated(const cs_estimate *e, const cs_loss_interval *st, bool served, bool *ok)
{
    json_t *o = an_j_estimate(e, ok);
    const bool normal = st->kind == CS_LOSS_NORMAL, bound = st->kind == CS_LOSS_BOUND;
    cli_json_put(o, "lo", normal ? an_jnum(st->lo) : json_null(), ok);
    cli_json_put(o, "hi", normal ? an_jnum(st->hi) : json_null(), ok);
    cli_json_put(o, "statement", json_string(cs_analysis_loss_kind_name(st->kind)), ok);
    cli_json_put(o, "bound", bound ? an_jnum(served ? st->lo : st->hi) : json_null(), ok);
    return o;
}

/* A proportion of trials with "statement": "wilson", or "one_outcome" (lo, hi null) when every
 * trial of a has the same failures. */
static json_t *j_prop_of(const cs_analysis_t *a, const cs_proportion *p, bool *ok)
{
    json_t *o = j_prop(p, ok);
    if (p->n == 0) return o;
    if (!a->varied) {
        cli_json_put(o, "lo", json_null(), ok);
        cli_json_put(o, "hi", json_null(), ok);
    }
    cli_json_put(o, "statement", json_string(a->varied ? "wilson" : "one_outcome"), ok);
    return o;
}

static json_t *j_tail(const cs_tail *t, bool *ok)
{
    if (!t->available) return json_null();
    json_t *o = json_object(), *q = json_object();
    const double levels[CS_ANALYSIS_NQ] = CS_ANALYSIS_LEVELS;
    for (size_t i = 0; i < CS_ANALYSIS_NQ; i++) {
        char key[16];
        snprintf(key, sizeof key, "p%g", 100.0 * levels[i]);
        cli_json_put(q, key, an_jnum(t->q[i]), ok);
    }
    cli_json_put(o, "quantiles", q, ok);
    cli_json_put(o, "max", an_jnum(t->max), ok);
    cli_json_put(o, "var95", an_jnum(t->var95), ok);
    cli_json_put(o, "cvar95", an_jnum(t->cvar95), ok);
    cli_json_put(o, "var99", an_jnum(t->var99), ok);
    cli_json_put(o, "cvar99", an_jnum(t->cvar99), ok);
    return o;
}

static json_t *j_precision(const cs_precision *p, double target, bool *ok)
{
    json_t *o = json_object();
    cli_json_put(o, "target", an_jnum(target), ok);
    cli_json_put(o, "defined", json_boolean(p->defined), ok);
    cli_json_put(o, "achieved", an_jnum(p->achieved), ok);
    cli_json_put(o, "trials_needed", p->defined ? an_jnum(ceil(p->needed)) : json_null(), ok);
    cli_json_put(o, "sufficient", p->defined ? json_boolean(p->sufficient) : json_null(), ok);
    cli_json_put(o, "more_trials", p->defined ? an_jint(p->more) : json_null(), ok);
    return o;
}

static json_t *j_crit(const cs_criticality *c, bool *ok)
{
    json_t *o = json_object();
    cli_json_put(o, "failed", j_prop(&c->failed, ok), ok);
    cli_json_put(o, "unserved_when_failed",
                 c->failed.k ? an_j_estimate(&c->unserved, ok) : json_null(), ok);
    cli_json_put(o, "loss_when_failed", an_jnum(c->loss), ok);
    cli_json_put(o, "loss_share", an_jnum(c->share), ok);
    return o;
}

static json_t *j_flow(const cs_flow_stats *f, bool *ok)
{
    json_t *o = json_object();
    cli_json_put(o, "capacity_tbps", an_jnum(f->capacity_tbps), ok);
    cli_json_put(o, "intact_flow_tbps", an_jnum(f->base_flow_tbps), ok);
    cli_json_put(o, "flow_when_up", f->flow_up.n ? an_j_estimate(&f->flow_up, ok) : json_null(),
                 ok);
    cli_json_put(o, "flow_disturbed",
                 f->flow_disturbed.n ? an_j_estimate(&f->flow_disturbed, ok) : json_null(), ok);
    cli_json_put(o, "rise_tbps", an_jnum(f->rise), ok);
    cli_json_put(o, "saturated", j_prop(&f->saturated, ok), ok);
    return o;
}

static json_t *j_regions(const cs_analysis_t *a, bool *ok)
{
    json_t *arr = json_array();
    for (size_t r = 0; r < a->n_regions; r++) {
        const cs_analysis_region *g = &a->regions[r];
        json_t *o = json_object();
        cli_json_put(o, "region", json_string(g->name), ok);
        cli_json_put(o, "domestic", json_boolean(g->domestic), ok);
        cli_json_put(o, "demands", an_jint(g->n_demands), ok);
        cli_json_put(o, "demand_tbps", an_jnum(g->demand_tbps), ok);
        cli_json_put(o, "intact_served_tbps", an_jnum(g->base_served_tbps), ok);
        cli_json_put(o, "served_fraction", j_stated(&g->served_frac, &g->served_stated, true, ok),
                     ok);
        cli_json_put(o, "unserved_tbps",
                     j_stated(&g->unserved_tbps, &g->unserved_stated, false, ok), ok);
        cli_json_put(o, "loss_trials", an_jint(g->n_loss), ok);
        cli_json_put(o, "unserved_tail", j_tail(&g->tail, ok), ok);
        cli_json_put(o, "precision", j_precision(&g->precision, a->precision_target, ok), ok);
        cli_json_put(o, "pairs", an_jint(g->n_pairs), ok);
        cli_json_put(o, "cut_off_all", j_prop_of(a, &g->all_cut, ok), ok);
        cli_json_put(o, "cut_off_any", j_prop_of(a, &g->any_cut, ok), ok);
        cli_json_put(o, "latency_inflation", an_jnum(g->latency_inflation), ok);
        cli_json_put(o, "latency_added_ms",
                     json_pack("{s:o,s:o}", "mean", an_jnum(g->latency_added_mean_ms), "worst",
                               an_jnum(g->latency_added_worst_ms)),
                     ok);
        json_t *h = json_null();
        if (g->has_headroom) {
            h = an_j_estimate(&g->headroom_tbps, ok);
            cli_json_put(h, "min", an_jnum(g->headroom_min_tbps), ok);
        }
        cli_json_put(o, "headroom_tbps", h, ok);
        cli_json_push(arr, o, ok);
    }
    return arr;
}

static json_t *j_demands(const cs_analysis_t *a, bool *ok)
{
    const cs_results_info *in = a->info;
    json_t *arr = json_array();
    for (size_t k = 0; k < in->n_demands; k++) {
        const cs_analysis_demand *d = &a->demands[k];
        json_t *o = json_object();
        cli_json_put(o, "origin", json_string(in->demands[k].origin_id), ok);
        cli_json_put(o, "destination", json_string(in->demands[k].destination_id), ok);
        cli_json_put(o, "region", json_string(a->regions[d->region].name), ok);
        cli_json_put(o, "demand_tbps", an_jnum(in->demands[k].demand_scaled_tbps), ok);
        cli_json_put(o, "intact_served_tbps", an_jnum(d->base_served_tbps), ok);
        cli_json_put(o, "intact_latency_ms", an_jnum(d->base_latency_ms), ok);
        cli_json_put(o, "served_fraction", j_stated(&d->served_frac, &d->served_stated, true, ok),
                     ok);
        cli_json_put(o, "unserved_tbps",
                     j_stated(&d->unserved_tbps, &d->unserved_stated, false, ok), ok);
        cli_json_put(o, "unserved_tail", j_tail(&d->tail, ok), ok);
        cli_json_put(o, "loses_traffic", j_prop_of(a, &d->loss, ok), ok);
        cli_json_put(o, "cut_off", j_prop_of(a, &d->cut, ok), ok);
        cli_json_put(o, "path_change", j_prop_of(a, &d->path_change, ok), ok);
        cli_json_put(o, "latency_inflation", an_jnum(d->latency_inflation), ok);
        cli_json_put(
            o, "traffic_goes_to",
            d->absorber != SIZE_MAX ? json_string(a->cables[d->absorber].name) : json_null(), ok);
        cli_json_put(o, "traffic_goes_to_rise_tbps", an_jnum(d->absorber_rise), ok);
        cli_json_push(arr, o, ok);
    }
    return arr;
}

static json_t *j_cables(const cs_analysis_t *a, bool *ok)
{
    json_t *arr = json_array();
    for (size_t c = 0; c < a->n_cables; c++) {
        const cs_analysis_cable *cb = &a->cables[c];
        json_t *o = json_object();
        cli_json_put(o, "cable", json_string(cb->name), ok);
        cli_json_put(o, "name", json_string(cb->full_name), ok);
        cli_json_put(o, "segments", an_jint(cb->n_segments), ok);
        cli_json_put(o, "flow", a->has_flow ? j_flow(&cb->flow, ok) : json_null(), ok);
        cli_json_put(o, "criticality", j_crit(&cb->crit, ok), ok);
        cli_json_push(arr, o, ok);
    }
    return arr;
}

static json_t *j_segments(const cs_analysis_t *a, bool *ok)
{
    const cs_results_info *in = a->info;
    json_t *arr = json_array();
    for (size_t j = 0; j < in->n_edges; j++) {
        json_t *o = json_object();
        cli_json_put(o, "id", json_string(in->edges[j].id), ok);
        cli_json_put(o, "kind", json_string(in->edges[j].kind), ok);
        cli_json_put(o, "cable",
                     in->edges[j].cable[0] ? json_string(in->edges[j].cable) : json_null(), ok);
        cli_json_put(o, "flow", a->has_flow ? j_flow(&a->edges[j].flow, ok) : json_null(), ok);
        cli_json_put(o, "criticality", j_crit(&a->edges[j].crit, ok), ok);
        cli_json_push(arr, o, ok);
    }
    return arr;
}

static json_t *j_stations(const cs_analysis_t *a, bool *ok)
{
    const cs_results_info *in = a->info;
    json_t *arr = json_array();
    for (size_t s = 0; s < a->n_stations; s++) {
        const cs_rnode *v = &in->nodes[a->stations[s].node];
        json_t *o = json_object();
        cli_json_put(o, "id", json_string(v->id), ok);
        cli_json_put(o, "name", json_string(v->name), ok);
        cli_json_put(o, "kind", json_string(v->kind), ok);
        cli_json_put(o, "country", json_string(v->country), ok);
        cli_json_put(o, "criticality", j_crit(&a->stations[s].crit, ok), ok);
        cli_json_push(arr, o, ok);
    }
    return arr;
}

json_t *an_j_analysis(const cs_analysis_t *a, bool *ok)
{
    const cs_results_info *in = a->info;
    json_t *root = json_object(), *src = json_object(), *all = json_object();
    cli_json_put(root, "format", json_string("cablesim-analysis"), ok);
    cli_json_put(root, "format_version", json_integer(2), ok);
    cli_json_put(src, "file", json_string(in->path), ok);
    cli_json_put(src, "scenario", json_string(a->scenario_name), ok);
    cli_json_put(src, "seed", an_jint(in->seed), ok);
    cli_json_put(src, "trials", an_jint(in->trials), ok);
    cli_json_put(src, "as_of", json_integer(in->as_of), ok);
    cli_json_put(src, "created", json_string(in->created), ok);
    cli_json_put(src, "software_version", json_string(in->software_version), ok);
    cli_json_put(src, "topology_sha256", json_string(in->topology_sha256), ok);
    cli_json_put(src, "demand_sha256", json_string(in->demand_sha256), ok);
    cli_json_put(src, "capacity", json_string(a->use_lit ? "lit" : "design"), ok);
    cli_json_put(root, "source", src, ok);
    cli_json_put(all, "demand_tbps", an_jnum(a->demand_tbps), ok);
    cli_json_put(all, "intact_unserved_tbps", an_jnum(in->base_unserved_tbps), ok);
    cli_json_put(all, "unreachable_demand_tbps", an_jnum(a->unreachable_tbps), ok);
    cli_json_put(all, "disturbed_trials", an_jint(a->n_disturbed), ok);
    cli_json_put(all, "unserved_tbps", j_stated(&a->unserved_tbps, &a->unserved_stated, false, ok),
                 ok);
    cli_json_put(all, "unserved_share", an_jnum(a->unserved_share), ok);
    cli_json_put(all, "capacity_lost_tbps", an_j_estimate(&a->capacity_lost_tbps, ok), ok);
    cli_json_put(all, "japan_systems_capacity_lost_tbps",
                 an_j_estimate(&a->japan_systems_capacity_lost_tbps, ok), ok);
    cli_json_put(all, "japan_systems_capacity_tbps", an_jnum(a->japan_systems_capacity_tbps), ok);
    cli_json_put(all, "loss_trials", an_jint(a->n_loss), ok);
    {
        const cs_loss_interval li = a->unserved_stated;
        json_t *st = json_object();
        cli_json_put(st, "kind", json_string(cs_analysis_loss_kind_name(li.kind)), ok);
        cli_json_put(st, "mean", an_jnum(li.mean), ok);
        cli_json_put(st, "lo", an_jnum(li.lo), ok);
        cli_json_put(st, "hi", an_jnum(li.hi), ok);
        cli_json_put(st, "p_loss_hi", an_jnum(li.p_hi), ok);
        cli_json_put(all, "unserved_statement", st, ok);
    }
    cli_json_put(all, "served_fraction", j_stated(&a->served_frac, &a->served_stated, true, ok),
                 ok);
    cli_json_put(all, "unserved_tail", j_tail(&a->tail, ok), ok);
    cli_json_put(all, "all_pairs_cut", j_prop_of(a, &a->all_cut, ok), ok);
    cli_json_put(all, "latency_inflation", an_jnum(a->latency_inflation), ok);
    cli_json_put(all, "precision", j_precision(&a->precision, a->precision_target, ok), ok);
    cli_json_put(root, "overall", all, ok);
    cli_json_put(root, "regions", j_regions(a, ok), ok);
    cli_json_put(root, "demands", j_demands(a, ok), ok);
    cli_json_put(root, "rerouting_available", json_boolean(a->has_flow), ok);
    cli_json_put(root, "cables", j_cables(a, ok), ok);
    cli_json_put(root, "segments", j_segments(a, ok), ok);
    cli_json_put(root, "stations", j_stations(a, ok), ok);
    return root;
}

/* Quantiles at CS_RECOVERY_LEVELS as {"p10": .., ...}; +inf (not restored) as the string "inf". */
static json_t *j_rec_q(const double *q, bool *ok)
{
    const double levels[CS_RECOVERY_NQ] = CS_RECOVERY_LEVELS;
    json_t *o = json_object();
    for (size_t i = 0; i < CS_RECOVERY_NQ; i++) {
        char key[16];
        snprintf(key, sizeof key, "p%g", 100.0 * levels[i]);
        cli_json_put(o, key, isinf(q[i]) && q[i] > 0 ? json_string("inf") : an_jnum(q[i]), ok);
    }
    return o;
}

static json_t *j_amount(const cs_recovery_amount *x, bool *ok)
{
    json_t *o = an_j_estimate(&x->est, ok);
    cli_json_put(o, "quantiles", j_rec_q(x->q, ok), ok);
    cli_json_put(o, "max", an_jnum(x->max), ok);
    return o;
}

json_t *an_j_recovery(const cs_recovery_analysis_t *v, bool *ok)
{
    static const char *const keys[3] = {"t50_days", "t90_days", "t100_days"};
    json_t *o = json_object(), *pts = json_array(), *ships = json_array();
    cli_json_put(o, "trials", an_jint(v->n), ok);
    cli_json_put(o, "horizon_days", an_jnum(v->horizon_days), ok);
    cli_json_put(o, "step_hours", an_jnum(v->step_hours), ok);
    cli_json_put(o, "intact_served_tbps", an_jnum(v->intact_tbps), ok);
    for (size_t j = 0; j < v->n_points; j++) {
        const cs_recovery_point *p = &v->points[j];
        json_t *x = json_object();
        cli_json_put(x, "step", an_jint(p->step), ok);
        cli_json_put(x, "time_days", an_jnum(p->time_days), ok);
        cli_json_put(x, "share_p10", an_jnum(p->q10), ok);
        cli_json_put(x, "share_median", an_jnum(p->median), ok);
        cli_json_put(x, "share_p90", an_jnum(p->q90), ok);
        cli_json_put(x, "share_mean", an_j_estimate(&p->share, ok), ok);
        cli_json_put(x, "queue_mean", an_jnum(p->queue_mean), ok);
        cli_json_put(x, "queue_max", an_jint(p->queue_max), ok);
        cli_json_push(pts, x, ok);
    }
    cli_json_put(o, "served_share", pts, ok);
    for (size_t m = 0; m < 3; m++) {
        json_t *x = json_object();
        cli_json_put(x, "mean_capped_at_horizon", an_j_estimate(&v->ttr[m].censored, ok), ok);
        cli_json_put(x, "quantiles", v->ttr[m].available ? j_rec_q(v->ttr[m].q, ok) : json_null(),
                     ok);
        cli_json_put(x, "not_restored", j_prop(&v->ttr[m].not_restored, ok), ok);
        cli_json_put(o, keys[m], x, ok);
    }
    cli_json_put(o, "capacity_tbps_days", j_amount(&v->capacity_tbps_days, ok), ok);
    cli_json_put(o, "unserved_tbps_days", j_amount(&v->unserved_tbps_days, ok), ok);
    cli_json_put(o, "faults_per_trial", an_j_estimate(&v->faults, ok), ok);
    cli_json_put(o, "faults_repaired", j_prop(&v->repaired, ok), ok);
    cli_json_put(o, "wait_days", an_j_estimate(&v->wait_days, ok), ok);
    cli_json_put(o, "outage_days", an_j_estimate(&v->outage_days, ok), ok);
    for (size_t k = 0; k < v->n_ships; k++) {
        json_t *x = json_object();
        cli_json_put(x, "name", json_string(v->ships[k].name), ok);
        cli_json_put(x, "home", json_string(v->ships[k].home), ok);
        cli_json_put(x, "busy_days", an_j_estimate(&v->ships[k].busy_days, ok), ok);
        cli_json_put(x, "worked", j_prop(&v->ships[k].worked, ok), ok);
        cli_json_push(ships, x, ok);
    }
    cli_json_put(o, "ships", ships, ok);
    return o;
}
