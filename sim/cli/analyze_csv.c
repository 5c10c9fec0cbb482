/*
 * analyze_csv.c: the CSV tables of `cablesim analyze --format csv --table NAME`
 * (docs/analysis-cli.md, "CSV").
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

/* ----------------------------------------------------------------- CSV */

/* A number field; empty when not finite. */
void an_csv_num(double x, bool last)
{
    if (isfinite(x)) printf("%.12g", x);
    putchar(last ? '\n' : ',');
}

static void csv_estimate(const cs_estimate *e)
{
    an_csv_num(e->mean, false);
    an_csv_num(e->se, false);
    an_csv_num(e->lo, false);
    an_csv_num(e->hi, false);
}

/* mean, se, lo, hi of an estimate honestly stated: lo and hi only for a normal interval. */
static void csv_stated(const cs_estimate *e, const cs_loss_interval *s)
{
    const bool normal = s->kind == CS_LOSS_NORMAL;
    an_csv_num(e->mean, false);
    an_csv_num(e->se, false);
    an_csv_num(normal ? s->lo : NAN, false);
    an_csv_num(normal ? s->hi : NAN, false);
}

/* The columns that say how those were stated: interval, the bound of each, loss trials. */
static void csv_statement(const cs_loss_interval *u, const cs_loss_interval *f, uint64_t n_loss,
                          bool last)
{
    const bool bound = u->kind == CS_LOSS_BOUND;
    printf("%s,", cs_analysis_loss_kind_name(u->kind));
    an_csv_num(bound ? f->lo : NAN, false);
    an_csv_num(bound ? u->hi : NAN, false);
    printf("%llu", (unsigned long long)n_loss);
    putchar(last ? '\n' : ',');
}

static void csv_tail(const cs_tail *t)
{
    an_csv_num(t->var95, false);
    an_csv_num(t->cvar95, false);
    an_csv_num(t->var99, false);
    an_csv_num(t->cvar99, false);
    an_csv_num(t->max, false);
}

/* p, lo, hi; lo and hi empty for one outcome (one: every trial has the same failures). */
static void csv_prop(const cs_proportion *p, bool one, bool last)
{
    an_csv_num(p->n ? p->p : NAN, false);
    an_csv_num(one ? NAN : p->lo, false);
    an_csv_num(one ? NAN : p->hi, last);
}

/* One row: trials, trials with a loss, capacity lost and the honest unserved statement. */
static void csv_overall(const cs_analysis_t *a)
{
    const cs_loss_interval li = a->unserved_stated, fs = a->served_stated;
    puts("trials,disturbed_trials,loss_trials,demand_tbps,intact_unserved_tbps,"
         "capacity_lost_tbps,capacity_lost_tbps_se,capacity_lost_tbps_lo,capacity_lost_tbps_hi,"
         "unserved_tbps,unserved_statement,unserved_lo,unserved_hi,p_loss_hi,"
         "japan_systems_capacity_lost_tbps,japan_systems_capacity_tbps,unserved_share,"
         "unreachable_demand_tbps,served_fraction,served_fraction_lo,served_fraction_hi");
    printf("%llu,%llu,%llu,", (unsigned long long)a->n, (unsigned long long)a->n_disturbed,
           (unsigned long long)a->n_loss);
    an_csv_num(a->demand_tbps, false);
    an_csv_num(a->info->base_unserved_tbps, false);
    csv_estimate(&a->capacity_lost_tbps);
    an_csv_num(li.mean, false);
    printf("%s,", cs_analysis_loss_kind_name(li.kind));
    an_csv_num(li.lo, false);
    an_csv_num(li.hi, false);
    an_csv_num(li.p_hi, false);
    an_csv_num(a->japan_systems_capacity_lost_tbps.mean, false);
    an_csv_num(a->japan_systems_capacity_tbps, false);
    an_csv_num(a->unserved_share, false);
    an_csv_num(a->unreachable_tbps, false);
    an_csv_num(fs.mean, false);
    an_csv_num(fs.kind == CS_LOSS_ONE_OUTCOME ? NAN : fs.lo, false);
    an_csv_num(fs.kind == CS_LOSS_NORMAL ? fs.hi : NAN, true);
}

static void csv_regions(const cs_analysis_t *a)
{
    puts("region,domestic,demands,demand_tbps,served_fraction,served_fraction_se,"
         "served_fraction_lo,served_fraction_hi,unserved_tbps,unserved_tbps_se,unserved_tbps_lo,"
         "unserved_tbps_hi,var95,cvar95,var99,cvar99,max,p_cut_all,p_cut_all_lo,p_cut_all_hi,"
         "p_cut_any,p_cut_any_lo,p_cut_any_hi,latency_inflation,trials_needed,more_trials,"
         "latency_added_mean_ms,latency_added_worst_ms,headroom_tbps,headroom_min_tbps,statement,"
         "served_fraction_bound,unserved_tbps_bound,loss_trials");
    for (size_t r = 0; r < a->n_regions; r++) {
        const cs_analysis_region *g = &a->regions[r];
        cli_csv_str(g->name, false);
        printf("%d,%zu,", g->domestic, g->n_demands);
        an_csv_num(g->demand_tbps, false);
        csv_stated(&g->served_frac, &g->served_stated);
        csv_stated(&g->unserved_tbps, &g->unserved_stated);
        csv_tail(&g->tail);
        csv_prop(&g->all_cut, !a->varied, false);
        csv_prop(&g->any_cut, !a->varied, false);
        an_csv_num(g->latency_inflation, false);
        an_csv_num(g->precision.defined ? ceil(g->precision.needed) : NAN, false);
        an_csv_num(g->precision.defined ? (double)g->precision.more : NAN, false);
        an_csv_num(g->latency_added_mean_ms, false);
        an_csv_num(g->latency_added_worst_ms, false);
        an_csv_num(g->has_headroom ? g->headroom_tbps.mean : NAN, false);
        an_csv_num(g->headroom_min_tbps, false);
        csv_statement(&g->unserved_stated, &g->served_stated, g->n_loss, true);
    }
}

static void csv_demands(const cs_analysis_t *a)
{
    const cs_results_info *in = a->info;
    puts("origin,destination,region,demand_tbps,served_fraction,served_fraction_se,"
         "served_fraction_lo,served_fraction_hi,unserved_tbps,unserved_tbps_se,unserved_tbps_lo,"
         "unserved_tbps_hi,var95,cvar95,var99,cvar99,max,p_loss,p_loss_lo,p_loss_hi,p_cut,"
         "p_cut_lo,p_cut_hi,p_path_change,p_path_change_lo,p_path_change_hi,latency_inflation,"
         "traffic_goes_to,traffic_goes_to_rise_tbps,statement,served_fraction_bound,"
         "unserved_tbps_bound,loss_trials");
    for (size_t k = 0; k < in->n_demands; k++) {
        const cs_analysis_demand *d = &a->demands[k];
        cli_csv_str(in->demands[k].origin_id, false);
        cli_csv_str(in->demands[k].destination_id, false);
        cli_csv_str(a->regions[d->region].name, false);
        an_csv_num(in->demands[k].demand_scaled_tbps, false);
        csv_stated(&d->served_frac, &d->served_stated);
        csv_stated(&d->unserved_tbps, &d->unserved_stated);
        csv_tail(&d->tail);
        csv_prop(&d->loss, !a->varied, false);
        csv_prop(&d->cut, !a->varied, false);
        csv_prop(&d->path_change, !a->varied, false);
        an_csv_num(d->latency_inflation, false);
        cli_csv_str(d->absorber != SIZE_MAX ? a->cables[d->absorber].name : "", false);
        an_csv_num(d->absorber_rise, false);
        csv_statement(&d->unserved_stated, &d->served_stated, d->loss.k, true);
    }
}

static const char crit_header[] = "p_fail,failed_trials,unserved_when_failed,"
                                  "unserved_when_failed_se,loss_when_failed,loss_share";
static const char flow_header[] = "capacity_tbps,intact_flow_tbps,flow_disturbed_tbps,rise_tbps,"
                                  "p_saturated";

static void csv_crit_flow(const cs_criticality *c, const cs_flow_stats *f, bool has_flow)
{
    an_csv_num(c->failed.p, false);
    printf("%llu,", (unsigned long long)c->failed.k);
    an_csv_num(c->unserved.mean, false);
    an_csv_num(c->unserved.se, false);
    an_csv_num(c->loss, false);
    an_csv_num(c->share, f == NULL);
    if (f == NULL) return;
    an_csv_num(f->capacity_tbps, false);
    an_csv_num(f->base_flow_tbps, false);
    an_csv_num(has_flow ? f->flow_disturbed.mean : NAN, false);
    an_csv_num(has_flow ? f->rise : NAN, false);
    an_csv_num(has_flow ? f->saturated.p : NAN, true);
}

static void csv_cables(const cs_analysis_t *a)
{
    printf("cable,name,segments,%s,%s\n", crit_header, flow_header);
    for (size_t c = 0; c < a->n_cables; c++) {
        cli_csv_str(a->cables[c].name, false);
        cli_csv_str(a->cables[c].full_name, false);
        printf("%zu,", a->cables[c].n_segments);
        csv_crit_flow(&a->cables[c].crit, &a->cables[c].flow, a->has_flow);
    }
}

static void csv_segments(const cs_analysis_t *a)
{
    const cs_results_info *in = a->info;
    printf("id,kind,cable,%s,%s\n", crit_header, flow_header);
    for (size_t j = 0; j < in->n_edges; j++) {
        cli_csv_str(in->edges[j].id, false);
        cli_csv_str(in->edges[j].kind, false);
        cli_csv_str(in->edges[j].cable, false);
        csv_crit_flow(&a->edges[j].crit, &a->edges[j].flow, a->has_flow);
    }
}

static void csv_stations(const cs_analysis_t *a)
{
    const cs_results_info *in = a->info;
    printf("id,name,kind,country,%s\n", crit_header);
    for (size_t s = 0; s < a->n_stations; s++) {
        const cs_rnode *v = &in->nodes[a->stations[s].node];
        cli_csv_str(v->id, false);
        cli_csv_str(v->name, false);
        cli_csv_str(v->kind, false);
        cli_csv_str(v->country, false);
        csv_crit_flow(&a->stations[s].crit, NULL, false);
    }
}

static void csv_rec_q(const double *q)
{
    for (size_t i = 0; i < CS_RECOVERY_NQ; i++)
        if (isinf(q[i]) && q[i] > 0)
            printf("inf,");
        else
            an_csv_num(q[i], false);
}

static void csv_recovery(const cs_recovery_analysis_t *v)
{
    puts("step,time_days,share_p10,share_median,share_p90,share_mean,share_mean_se,queue_mean,"
         "queue_max");
    for (size_t j = 0; j < v->n_points; j++) {
        const cs_recovery_point *p = &v->points[j];
        printf("%zu,", p->step);
        an_csv_num(p->time_days, false);
        an_csv_num(p->q10, false);
        an_csv_num(p->median, false);
        an_csv_num(p->q90, false);
        an_csv_num(p->share.mean, false);
        an_csv_num(p->share.se, false);
        an_csv_num(p->queue_mean, false);
        printf("%lu\n", (unsigned long)p->queue_max);
    }
}

static void csv_recovery_times(const cs_recovery_analysis_t *v)
{
    static const char *const names[3] = {"t50_days", "t90_days", "t100_days"};
    puts("metric,mean,se,lo,hi,p10,p50,p90,p99,max,not_restored,not_restored_lo,not_restored_hi");
    for (size_t m = 0; m < 3; m++) {
        printf("%s,", names[m]);
        csv_estimate(&v->ttr[m].censored);
        csv_rec_q(v->ttr[m].q);
        putchar(',');
        csv_prop(&v->ttr[m].not_restored, false, true);
    }
    const cs_recovery_amount *am[2] = {&v->capacity_tbps_days, &v->unserved_tbps_days};
    static const char *const am_names[2] = {"capacity_tbps_days", "unserved_tbps_days"};
    for (size_t m = 0; m < 2; m++) {
        printf("%s,", am_names[m]);
        csv_estimate(&am[m]->est);
        csv_rec_q(am[m]->q);
        an_csv_num(am[m]->max, false);
        puts(",,");
    }
}

static void csv_ships(const cs_recovery_analysis_t *v)
{
    puts("ship,home,busy_days,busy_days_se,busy_days_lo,busy_days_hi,p_worked,p_worked_lo,"
         "p_worked_hi");
    for (size_t k = 0; k < v->n_ships; k++) {
        cli_csv_str(v->ships[k].name, false);
        cli_csv_str(v->ships[k].home, false);
        csv_estimate(&v->ships[k].busy_days);
        csv_prop(&v->ships[k].worked, false, true);
    }
}

void an_print_csv(const cs_analysis_t *a, const cs_recovery_analysis_t *v, const char *table)
{
    if (table != NULL && strcmp(table, "recovery") == 0)
        csv_recovery(v);
    else if (table != NULL && strcmp(table, "recovery-times") == 0)
        csv_recovery_times(v);
    else if (table != NULL && strcmp(table, "ships") == 0)
        csv_ships(v);
    else if (table == NULL || strcmp(table, "regions") == 0)
        csv_regions(a);
    else if (strcmp(table, "overall") == 0)
        csv_overall(a);
    else if (strcmp(table, "demands") == 0)
        csv_demands(a);
    else if (strcmp(table, "cables") == 0)
        csv_cables(a);
    else if (strcmp(table, "segments") == 0)
        csv_segments(a);
    else
        csv_stations(a);
}
