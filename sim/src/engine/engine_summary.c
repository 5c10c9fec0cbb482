/*
 * engine_summary.c: the run summary (engine.h, cs_run_summary): statistics accumulated trial by
 * trial, merged between disjoint sets of trials (MPI ranks, shards) and read back from a resumed
 * results file, so that every way of running the same trials gives the same summary.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_impl.h"

cs_status cs_run_summary_init(cs_run_summary *s, const cs_engine_t *e, cs_error *err)
{
    memset(s, 0, sizeof *s);
    s->n_regions = e->n_regions;
    s->regions = e->regions;
    s->n_demands = cs_demand_count(e->d);
    s->region_cut = calloc(e->n_regions + 1, sizeof *s->region_cut);
    s->demand_unserved_trials = calloc(s->n_demands + 1, sizeof *s->demand_unserved_trials);
    s->served_sum = calloc(s->n_demands + 1, sizeof *s->served_sum);
    s->region_served_sum = calloc(e->n_regions + 1, sizeof *s->region_served_sum);
    s->region_below90 = calloc(e->n_regions + 1, sizeof *s->region_below90);
    s->region_lat_sum = calloc(e->n_regions + 1, sizeof *s->region_lat_sum);
    s->region_lat_n = calloc(e->n_regions + 1, sizeof *s->region_lat_n);
    s->region_lat_max = calloc(e->n_regions + 1, sizeof *s->region_lat_max);
    s->region_reachable = e->region_reach;
    if (!s->region_cut || !s->demand_unserved_trials || !s->served_sum || !s->region_served_sum ||
        !s->region_below90 || !s->region_lat_sum || !s->region_lat_n || !s->region_lat_max) {
        cs_run_summary_destroy(s);
        return cs_errorf(err, CS_ENOMEM, "out of memory for the run summary");
    }
    for (size_t g = 0; g < e->n_regions; g++)
        s->region_lat_max[g] = -INFINITY;
    s->rare = e->est != NULL;
    s->weighted = e->s->weighted;
    if (e->rec == NULL) return CS_OK;
    s->recovery = true;
    s->horizon_days = cs_recovery_get_params(e->rec)->horizon_days;
    s->n_ships = cs_recovery_ship_count(e->rec);
    s->ship_busy_sum = calloc(s->n_ships + 1, sizeof *s->ship_busy_sum);
    s->t90_hist = calloc(CS_RUN_T90_BINS + 1, sizeof *s->t90_hist);
    if (!s->ship_busy_sum || !s->t90_hist) {
        cs_run_summary_destroy(s);
        return cs_errorf(err, CS_ENOMEM, "out of memory for the run summary");
    }
    return CS_OK;
}

static void summarise_recovery_values(cs_run_summary *s, const double *busy, double unserved,
                                      double capacity, double t90)
{
    for (size_t k = 0; k < s->n_ships; k++)
        s->ship_busy_sum[k] += busy[k];
    s->unserved_days_sum += unserved;
    s->capacity_days_sum += capacity;
    size_t b = CS_RUN_T90_BINS;
    if (isfinite(t90))
        b = (size_t)fmin(ceil(t90 / s->horizon_days * (CS_RUN_T90_BINS - 1)), CS_RUN_T90_BINS - 1);
    s->t90_hist[b]++;
}

void cs_engine_summarise_recovery(cs_run_summary *s, const cs_recovery_outcome *o)
{
    summarise_recovery_values(s, o->ship_busy_days, o->unserved_tbps_days, o->capacity_tbps_days,
                              o->t90_days);
}

bool cs_run_summary_varied(const cs_run_summary *s)
{
    return s->trials > 1 &&
           (s->max_unserved > s->min_unserved || s->capacity_lost_max > s->capacity_lost_min);
}

double cs_run_summary_t90_quantile(const cs_run_summary *s, double q)
{
    if (!s->recovery || s->trials == 0) return NAN;
    const double want = q * (double)s->trials;
    uint64_t acc = 0;
    for (size_t b = 0; b <= CS_RUN_T90_BINS; b++) {
        acc += s->t90_hist[b];
        if ((double)acc >= want && acc > 0)
            return b == CS_RUN_T90_BINS ? INFINITY
                                        : (double)b * s->horizon_days / (CS_RUN_T90_BINS - 1);
    }
    return INFINITY;
}

void cs_run_summary_destroy(cs_run_summary *s)
{
    free(s->region_cut);
    free(s->demand_unserved_trials);
    free(s->served_sum);
    free(s->ship_busy_sum);
    free(s->t90_hist);
    free(s->region_served_sum);
    free(s->region_below90);
    free(s->region_lat_sum);
    free(s->region_lat_n);
    free(s->region_lat_max);
    memset(s, 0, sizeof *s);
}

/* Adds trial t's outcome: unserved Tbps x, served[n_demands], pair cut flags cut[n_pairs]. */
static void summarise_values(const cs_engine_t *e, cs_run_summary *s, uint64_t t, double x,
                             const double *served, const unsigned char *cut, bool *region_cut)
{
    s->trials++;
    const double delta = x - s->mean_unserved;
    s->mean_unserved += delta / (double)s->trials;
    s->m2_unserved += delta * (x - s->mean_unserved);
    if (s->trials == 1 || x > s->max_unserved) {
        s->max_unserved = x;
        s->worst_trial = t;
    }
    for (size_t i = 0; i < s->n_demands; i++) {
        const double want = cs_demand_entry_at(e->d, i)->demand_tbps * e->s->routing.demand_scale;
        s->served_sum[i] += served[i];
        if (e->reach[i] && served[i] < want * (1.0 - 1e-9)) s->demand_unserved_trials[i]++;
    }
    cs_engine_region_cut(e, cut, region_cut);
    for (size_t g = 0; g < e->n_regions; g++)
        s->region_cut[g] += region_cut[g];
}

void cs_engine_region_cut(const cs_engine_t *e, const unsigned char *pair_cut, bool *cut)
{
    /* A region is cut off when every pair the intact network serves is cut; regions it does
     * not serve at all are never counted (their pairs are cut in every trial). */
    for (size_t g = 0; g < e->n_regions; g++)
        cut[g] = e->region_reach[g];
    for (size_t p = 0; p < e->n_pairs; p++)
        if (!pair_cut[p]) cut[e->region_of_pair[p]] = false;
}

/* Adds a trial of weight w (unserved x, impact m, regions cut) to the rare-event sums. */
static void summarise_rare(const cs_engine_t *e, cs_run_summary *s, double w, double x,
                           const cs_trial_impact *m, const bool *region_cut)
{
    const cs_trial_outcome o = {x,
                                m->capacity_lost_tbps,
                                m->intl_capacity_lost_tbps,
                                e->intl_capacity,
                                m->region_served_fraction,
                                region_cut};
    cs_rare_sums_add(&s->rare_sums, w, cs_target_event(cs_estimator_target(e->est), &o), x,
                     m->capacity_lost_tbps, m->intl_capacity_lost_tbps);
}

/* Adds the impact m of a trial with failures f and unserved demand x. */
static void summarise_impact(const cs_engine_t *e, cs_run_summary *s, const cs_trial_impact *m,
                             double x)
{
    const double base = e->intact.unserved_tbps, demand = e->intact.demand_tbps;
    s->loss_trials += x > base + 1e-9 * (1.0 + demand);
    s->systems_lost_sum += m->systems_lost;
    s->stations_lost_sum += m->stations_lost;
    s->capacity_lost_sum += m->capacity_lost_tbps;
    s->intl_capacity_lost_sum += m->intl_capacity_lost_tbps;
    s->jsys_capacity_lost_sum += m->jsys_capacity_lost_tbps;
    s->capacity_lost_max = fmax(s->capacity_lost_max, m->capacity_lost_tbps);
    for (size_t g = 0; g < s->n_regions; g++) {
        if (!e->region_reach[g]) continue;
        s->region_served_sum[g] += m->region_served_fraction[g];
        s->region_below90[g] += m->region_served_fraction[g] < CS_RUN_DEGRADED;
        const double l = m->region_latency_added_ms[g];
        if (isnan(l)) continue;
        s->region_lat_sum[g] += l;
        s->region_lat_n[g]++;
        s->region_lat_max[g] = fmax(s->region_lat_max[g], l);
    }
    if (s->trials == 1 || x < s->min_unserved) s->min_unserved = x;
    if (s->trials == 1 || m->capacity_lost_tbps < s->capacity_lost_min)
        s->capacity_lost_min = m->capacity_lost_tbps;
}

/* Adds trial t (routing r, impact m as add_trial computed it) to s. */
void cs_engine_summarise(cs_engine_t *e, cs_run_summary *s, uint64_t t, const cs_routing_result *r,
                         const unsigned char *cut, bool *region_cut, const cs_trial_impact *m)
{
    summarise_values(e, s, t, r->unserved_tbps, r->served_tbps, cut, region_cut);
    summarise_impact(e, s, m, r->unserved_tbps);
    if (e->est != NULL)
        summarise_rare(e, s, cs_estimator_weight(e->est), r->unserved_tbps, m, region_cut);
}

cs_status cs_run_summary_add_batch(cs_run_summary *s, cs_engine_t *e, const cs_trial_batch *b,
                                   cs_error *err)
{
    if (b->n_demands != s->n_demands || b->n_pairs != e->n_pairs)
        return cs_errorf(
            err, CS_EINVAL,
            "summary: expected a batch of %zu demands and %zu pairs, found %zu and %zu",
            s->n_demands, e->n_pairs, b->n_demands, b->n_pairs);
    const cs_batch_data *fe = &b->data[CS_DS_FAILED_EDGES], *fn = &b->data[CS_DS_FAILED_NODES];
    bool *region_cut = calloc(e->n_regions + 1, sizeof *region_cut);
    size_t *edges = malloc((fe->n_values + 1) * sizeof *edges);
    size_t *nodes = malloc((fn->n_values + 1) * sizeof *nodes);
    cs_trial_impact m;
    if (region_cut == NULL || edges == NULL || nodes == NULL ||
        cs_trial_impact_init(&m, e, err) != CS_OK) {
        free(region_cut);
        free(edges);
        free(nodes);
        return cs_errorf(err, CS_ENOMEM, "out of memory for the summary");
    }
    assert(fe->esize == sizeof(uint32_t) && fn->esize == sizeof(uint32_t));
    for (size_t k = 0; k < fe->n_values; k++)
        edges[k] = ((const uint32_t *)fe->values)[k];
    for (size_t k = 0; k < fn->n_values; k++)
        nodes[k] = ((const uint32_t *)fn->values)[k];
    /* The impact as the trials recorded it (a batch read back from a file); the capacity lost
     * on systems landing in Japan, which no dataset records, from the failure lists. */
    cs_trial_batch *bb = (cs_trial_batch *)b; /* cs_trial_batch_row only reads here */
    const bool impact = cs_trial_batch_has(b, CS_DS_CAPACITY_LOST);
    size_t e0 = 0, n0 = 0; /* trial i's failed edges and nodes start there */
    for (size_t i = 0; i < b->n; e0 += fe->counts[i], n0 += fn->counts[i], i++) {
        /* a trial sharing an earlier trial's outcome rows (same_as) reads them there */
        const uint32_t same = cs_trial_batch_same(b, i);
        const size_t o = same != UINT32_MAX ? same : i;
        summarise_values(e, s, b->first_trial + i, b->unserved_tbps[i],
                         b->served_tbps + o * b->n_demands, b->pair_cut + o * b->n_pairs,
                         region_cut);
        if (!impact) continue;
        m.capacity_lost_tbps = *(double *)cs_trial_batch_row(bb, CS_DS_CAPACITY_LOST, i);
        m.intl_capacity_lost_tbps = *(double *)cs_trial_batch_row(bb, CS_DS_INTL_CAPACITY_LOST, i);
        m.systems_lost = *(uint32_t *)cs_trial_batch_row(bb, CS_DS_SYSTEMS_LOST, i);
        m.stations_lost = *(uint32_t *)cs_trial_batch_row(bb, CS_DS_STATIONS_LOST, i);
        cs_trial_impact c = {0};
        cs_engine_impact_capacity(e, edges + e0, fe->counts[i], nodes + n0, fn->counts[i], &c);
        m.jsys_capacity_lost_tbps = c.jsys_capacity_lost_tbps;
        memcpy(m.region_served_fraction, cs_trial_batch_row(bb, CS_DS_REGION_SERVED, o),
               e->n_regions * sizeof(double));
        memcpy(m.region_latency_added_ms, cs_trial_batch_row(bb, CS_DS_REGION_LATENCY, o),
               e->n_regions * sizeof(double));
        summarise_impact(e, s, &m, b->unserved_tbps[i]);
        const double *w = cs_trial_batch_row(bb, CS_DS_WEIGHT, i);
        if (e->est != NULL) summarise_rare(e, s, w ? *w : 1.0, b->unserved_tbps[i], &m, region_cut);
    }
    cs_trial_impact_destroy(&m);
    free(edges);
    free(nodes);
    for (size_t i = 0; s->recovery && b->n_steps > 0 && i < b->n; i++)
        summarise_recovery_values(s, b->rec_ship_busy_days + i * b->n_ships,
                                  b->rec_unserved_days[i], b->rec_capacity_days[i],
                                  b->rec_t90_days[i]);
    free(region_cut);
    return CS_OK;
}

/*
 * Merges the statistics of two disjoint sets of trials (Chan, Golub and LeVeque's pairwise
 * update of the mean and the sum of squared deviations); the worst trial is the larger unserved
 * demand, the lower trial index on ties, as in a single run.
 */
cs_status cs_run_summary_merge(cs_run_summary *dst, const cs_run_summary *src, cs_error *err)
{
    if (dst->n_regions != src->n_regions || dst->n_demands != src->n_demands)
        return cs_errorf(err, CS_EINVAL,
                         "run summary merge: expected %zu regions and %zu demands, found %zu and "
                         "%zu",
                         dst->n_regions, dst->n_demands, src->n_regions, src->n_demands);
    if (dst->recovery != src->recovery || dst->n_ships != src->n_ships)
        return cs_errorf(err, CS_EINVAL,
                         "run summary merge: expected %s with %zu ships, found %s with %zu",
                         dst->recovery ? "recovery" : "no recovery", dst->n_ships,
                         src->recovery ? "recovery" : "no recovery", src->n_ships);
    if (src->trials == 0) return CS_OK;
    const double na = (double)dst->trials, nb = (double)src->trials, n = na + nb;
    const double delta = src->mean_unserved - dst->mean_unserved;
    if (dst->trials == 0 || src->max_unserved > dst->max_unserved ||
        (!(src->max_unserved < dst->max_unserved) && src->worst_trial < dst->worst_trial)) {
        dst->max_unserved = src->max_unserved;
        dst->worst_trial = src->worst_trial;
    }
    dst->mean_unserved += delta * nb / n;
    dst->m2_unserved += src->m2_unserved + delta * delta * na * nb / n;
    dst->trials += src->trials;
    for (size_t g = 0; g < dst->n_regions; g++)
        dst->region_cut[g] += src->region_cut[g];
    for (size_t i = 0; i < dst->n_demands; i++) {
        dst->demand_unserved_trials[i] += src->demand_unserved_trials[i];
        dst->served_sum[i] += src->served_sum[i];
    }
    dst->loss_trials += src->loss_trials;
    dst->systems_lost_sum += src->systems_lost_sum;
    dst->stations_lost_sum += src->stations_lost_sum;
    dst->capacity_lost_sum += src->capacity_lost_sum;
    dst->intl_capacity_lost_sum += src->intl_capacity_lost_sum;
    dst->jsys_capacity_lost_sum += src->jsys_capacity_lost_sum;
    dst->capacity_lost_max = fmax(dst->capacity_lost_max, src->capacity_lost_max);
    for (size_t g = 0; g < dst->n_regions; g++) {
        dst->region_served_sum[g] += src->region_served_sum[g];
        dst->region_below90[g] += src->region_below90[g];
        dst->region_lat_sum[g] += src->region_lat_sum[g];
        dst->region_lat_n[g] += src->region_lat_n[g];
        dst->region_lat_max[g] = fmax(dst->region_lat_max[g], src->region_lat_max[g]);
    }
    const bool first = dst->trials == src->trials; /* dst had none before */
    dst->min_unserved = first ? src->min_unserved : fmin(dst->min_unserved, src->min_unserved);
    dst->capacity_lost_min =
        first ? src->capacity_lost_min : fmin(dst->capacity_lost_min, src->capacity_lost_min);
    dst->skipped += src->skipped;
    dst->cache_hits += src->cache_hits;
    dst->routed += src->routed;
    dst->interrupted = dst->interrupted || src->interrupted;
    cs_rare_sums_merge(&dst->rare_sums, &src->rare_sums);
    if (!dst->recovery) return CS_OK;
    for (size_t k = 0; k < dst->n_ships; k++)
        dst->ship_busy_sum[k] += src->ship_busy_sum[k];
    dst->unserved_days_sum += src->unserved_days_sum;
    dst->capacity_days_sum += src->capacity_days_sum;
    for (size_t b = 0; b <= CS_RUN_T90_BINS; b++)
        dst->t90_hist[b] += src->t90_hist[b];
    return CS_OK;
}

/*
 * Adds the trials already in a resumed file to sum (only where mine; collective under MPI), so
 * that the summary of a resumed run covers the whole run, exactly as if it had not stopped.
 */
cs_status cs_run_summary_add_written(cs_run_summary *sum, cs_engine_t *e, cs_results_t *w,
                                     bool mine, cs_error *err)
{
    enum { ROWS = 1024 };
    const uint64_t written = w != NULL ? cs_results_written(w) : 0;
    if (written == 0) return CS_OK;
    const cs_topology_t *t = cs_engine_topology(e);
    cs_trial_batch b;
    cs_status rc =
        cs_trial_batch_init(&b, ROWS, cs_demand_count(cs_engine_demand(e)),
                            cs_topology_edge_count(t), cs_topology_node_count(t),
                            cs_engine_pairs(e)->n, cs_engine_scenario(e)->output.edge_flow, err);
    if (rc == CS_OK) rc = cs_engine_batch_recovery(e, &b, err);
    for (uint64_t row = 0; rc == CS_OK && row < written; row += ROWS) {
        const size_t n = !mine ? 0 : written - row < ROWS ? (size_t)(written - row) : ROWS;
        rc = cs_results_read_back(w, row, n, &b, err);
        if (rc == CS_OK && mine) rc = cs_run_summary_add_batch(sum, e, &b, err);
    }
    cs_trial_batch_destroy(&b);
    return rc;
}
