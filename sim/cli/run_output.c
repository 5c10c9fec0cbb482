/*
 * run_output.c: what `cablesim run` prints: the progress line (a terminal) or log lines, the
 * summary of a run (expected unserved traffic, regions, impact, recovery, rare events), the dry
 * run's estimate of time and size, and the table of a sweep's variants.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cablesim/analysis.h"
#include "cablesim/engine.h"
#include "cablesim/inspect.h"
#include "cablesim/mpirun.h"
#include "cablesim/outfile.h"
#include "cablesim/paths.h"
#include "cablesim/results_mpi.h"
#include "cablesim/scenario.h"
#include "cli.h"
#include "run.h"
#include "sweep.h"

void run_format_eta(double s, char *buf, size_t n)
{
    if (!isfinite(s) || s < 0) s = 0;
    const unsigned long v = (unsigned long)(s + 0.5);
    snprintf(buf, n, "%lu:%02lu:%02lu", v / 3600, (v / 60) % 60, v % 60);
}

void run_on_progress(void *ctx, uint64_t done, uint64_t total)
{
    run_progress_state *p = ctx;
    const double t = cli_now_s();
    if (done < total && t - p->last < 0.25) return;
    p->last = t;
    const double rate = done / fmax(t - p->start, 1e-9);
    char eta[32];
    run_format_eta((double)(total - done) / fmax(rate, 1e-9), eta, sizeof eta);
    fprintf(stderr, "\r  trials %llu/%llu (%5.1f%%)  %.0f trials/s  ETA %s   ",
            (unsigned long long)done, (unsigned long long)total,
            total ? 100.0 * (double)done / (double)total : 100.0, rate, eta);
    if (done == total) fputc('\n', stderr);
}

/* Progress into a log (stderr not a terminal): a line per batch written, at most one every
 * LOG_EVERY seconds, and the last one if any was printed, so short runs print none. */
void run_on_progress_log(void *ctx, uint64_t done, uint64_t total)
{
    enum { LOG_EVERY = 10 };
    run_progress_state *p = ctx;
    const double t = cli_now_s();
    const bool printed = p->last > 0;
    if (t - (printed ? p->last : p->start) < LOG_EVERY && !(done == total && printed)) return;
    p->last = t;
    const double rate = done / fmax(t - p->start, 1e-9);
    char eta[32];
    run_format_eta((double)(total - done) / fmax(rate, 1e-9), eta, sizeof eta);
    cli_message("%llu/%llu trials written, %.0f trials/s, ETA %s", (unsigned long long)done,
                (unsigned long long)total, rate, eta);
}

/* Lists the failed cables/segments and stations of trial t (re-run: cheap and exact). */
static void print_worst(cs_engine_t *e, uint64_t t)
{
    const cs_topology_t *topo = cs_engine_topology(e);
    cs_failures f;
    cs_routing_result r;
    unsigned char *cut = calloc(cs_engine_pairs(e)->n + 1, 1);
    if (cut == NULL || cs_failures_init(&f, cs_topology_edge_count(topo),
                                        cs_topology_node_count(topo), NULL) != CS_OK) {
        free(cut);
        return;
    }
    if (cs_routing_result_init(&r, cs_demand_count(cs_engine_demand(e)),
                               cs_topology_edge_count(topo), NULL) == CS_OK) {
        if (cs_engine_trial(e, t, &f, &r, cut, NULL) == CS_OK) {
            printf("  worst trial: #%llu, unserved %.3f Tbps; %zu segments/links and %zu stations "
                   "failed",
                   (unsigned long long)t, r.unserved_tbps, f.n_edges, f.n_nodes);
            for (size_t i = 0; i < f.n_edges && i < 8; i++)
                printf("%s%s", i ? ", " : ": ", cs_topology_edge(topo, f.edges[i])->id);
            if (f.n_edges > 8) printf(", ...");
            for (size_t i = 0; i < f.n_nodes && i < 8; i++)
                printf("%s%s", i ? ", " : "; stations: ", cs_topology_node(topo, f.nodes[i])->name);
            printf("\n");
        }
        cs_routing_result_destroy(&r);
    }
    cs_failures_destroy(&f);
    free(cut);
}

/* The recovery section of the summary (scenarios with `recovery:`). */
static void print_recovery(cs_engine_t *e, const cs_run_summary *s)
{
    const cs_recovery_t *r = cs_engine_recovery(e);
    if (r == NULL || !s->recovery || s->trials == 0) return;
    static const char *const policy[] = {"fifo", "capacity", "restored_per_day"};
    const double n = (double)s->trials;
    printf("  recovery over %.0f days (%zu ships, queue policy %s):\n", s->horizon_days, s->n_ships,
           policy[cs_recovery_get_params(r)->policy]);
    printf("    time to restore 90%% of served demand: median %.2f days, 90th percentile %.2f "
           "days (inf: not within the horizon)\n",
           cs_run_summary_t90_quantile(s, 0.5), cs_run_summary_t90_quantile(s, 0.9));
    printf("    mean unserved %.3f Tbps-days; mean capacity lost %.1f Tbps-days\n",
           s->unserved_days_sum / n, s->capacity_days_sum / n);
    printf("    mean ship use, busy days per trial:");
    for (size_t k = 0; k < s->n_ships; k++)
        printf("%s %s %.2f", k > 0 ? ";" : "", cs_recovery_ship(r, k)->name,
               s->ship_busy_sum[k] / n);
    printf("\n");
}

/* The impact lines the summary leads with (docs/model.md, "Impact metrics"). */
static void print_impact(cs_engine_t *e, const cs_run_summary *s)
{
    const double n = (double)s->trials, intl = cs_engine_intl_capacity(e);
    const double jsys = cs_engine_japan_systems_capacity(e);
    const char *per =
        cs_run_summary_varied(s) ? "mean per trial" : "every trial has the same outcome";
    printf("  impact (%s):\n", per);
    printf("    lost: %.2f cable systems and %.2f landing stations\n", s->systems_lost_sum / n,
           s->stations_lost_sum / n);
    printf("    capacity lost: %.1f Tbps of edges down (largest in a trial %.1f)\n",
           s->capacity_lost_sum / n, s->capacity_lost_max);
    printf("      on the cable systems landing in Japan: %.1f of their %.1f Tbps (%.1f%%); on "
           "Japan's segments to abroad: %.1f of %.1f Tbps (%.1f%%)\n",
           s->jsys_capacity_lost_sum / n, jsys,
           jsys > 0 ? 100.0 * s->jsys_capacity_lost_sum / n / jsys : 0.0,
           s->intl_capacity_lost_sum / n, intl,
           intl > 0 ? 100.0 * s->intl_capacity_lost_sum / n / intl : 0.0);
}

/*
 * Expected unserved demand with an interval only where one is honest: one value when every
 * trial has the same failures; a Clopper-Pearson bound when fewer than
 * CS_ANALYSIS_MIN_LOSS_TRIALS trials lose anything; else the normal interval, clipped.
 */
static void print_unserved(cs_engine_t *e, const cs_run_summary *s)
{
    const cs_routing_result *base = cs_engine_baseline(e);
    const double demand = base->demand_tbps, served = demand - base->unserved_tbps;
    const double pct = demand > 0 ? 100.0 * s->mean_unserved / demand : 0.0;
    const cs_estimate u = cs_analysis_estimate(s->trials, s->mean_unserved, s->m2_unserved);
    const cs_loss_interval li = cs_analysis_loss_interval(cs_run_summary_varied(s), s->loss_trials,
                                                          &u, base->unserved_tbps, served);
    if (li.kind == CS_LOSS_ONE_OUTCOME)
        printf("    unserved: %.4f Tbps, %.3f%% of demand (one outcome: no confidence interval)\n",
               li.mean, pct);
    else if (li.kind == CS_LOSS_BOUND)
        printf("    expected unserved: %.4f Tbps, %.3f%% of demand; only %llu of %llu trials lose "
               "anything, too few for a normal interval: at most %.4f Tbps (the intact unserved "
               "plus served demand x %.3g, the 95%% Clopper-Pearson upper bound of P(loss > 0))\n",
               li.mean, pct, (unsigned long long)s->loss_trials, (unsigned long long)s->trials,
               li.hi, li.p_hi);
    else
        printf("    expected unserved: %.4f Tbps (95%% CI %.4f to %.4f), %.3f%% of demand\n",
               li.mean, li.lo, li.hi, pct);
}

/*
 * Headroom per region: the spare capacity from Japan to it after routing, in the intact network
 * and in the worst trial (re-run: cheap and exact).
 */
static void print_headroom(cs_engine_t *e, const cs_run_summary *s)
{
    const cs_topology_t *t = cs_engine_topology(e);
    const size_t ne = cs_topology_edge_count(t), nd = cs_demand_count(cs_engine_demand(e));
    double *h0 = calloc(s->n_regions + 1, sizeof *h0), *h1 = calloc(s->n_regions + 1, sizeof *h1);
    unsigned char *cut = calloc(cs_engine_pairs(e)->n + 1, 1);
    cs_failures f;
    cs_routing_result r;
    const bool have_f = cs_failures_init(&f, ne, cs_topology_node_count(t), NULL) == CS_OK;
    const bool have_r = cs_routing_result_init(&r, nd, ne, NULL) == CS_OK;
    const bool ok = h0 && h1 && cut && have_f && have_r &&
                    cs_engine_headroom(e, NULL, cs_engine_baseline(e), h0, NULL) == CS_OK &&
                    cs_engine_trial(e, s->worst_trial, &f, &r, cut, NULL) == CS_OK &&
                    cs_engine_headroom(e, &f, &r, h1, NULL) == CS_OK;
    if (ok) {
        printf("  headroom, spare capacity from Japan to each region after routing (Tbps; intact, "
               "worst trial):");
        for (size_t g = 0, k = 0; g < s->n_regions; g++)
            if (!isnan(h0[g]))
                printf("%s %s %.1f, %.1f", k++ ? ";" : "", s->regions[g], h0[g], h1[g]);
        printf("\n");
    }
    if (have_f) cs_failures_destroy(&f);
    if (have_r) cs_routing_result_destroy(&r);
    free(h0);
    free(h1);
    free(cut);
}

/* Regions below 90% service, latency added, cut-off probabilities and unreachable regions. */
static void print_regions(cs_engine_t *e, const cs_run_summary *s)
{
    const double n = (double)s->trials;
    size_t below = 0;
    for (size_t g = 0; g < s->n_regions; g++)
        below += s->region_reachable[g] && s->region_below90[g] > 0;
    printf("  regions below %.0f%% service:%s\n", 100 * CS_RUN_DEGRADED, below ? "" : " none");
    for (size_t g = 0; g < s->n_regions; g++) {
        if (!s->region_reachable[g] || s->region_below90[g] == 0) continue;
        printf("    %-16s in %.5f of trials; mean served %.4f\n", s->regions[g],
               (double)s->region_below90[g] / n, s->region_served_sum[g] / n);
    }
    printf("  latency added where served (ms, mean over trials and worst):");
    size_t shown = 0;
    for (size_t g = 0; g < s->n_regions; g++) {
        if (s->region_lat_n[g] == 0 || !(s->region_lat_max[g] >= 0.005)) continue; /* shown: 0.01 */
        printf("%s %s +%.2f, +%.2f", shown++ ? ";" : "", s->regions[g],
               s->region_lat_sum[g] / (double)s->region_lat_n[g], s->region_lat_max[g]);
    }
    printf("%s\n", shown ? "" : " none");
    if (cs_run_summary_varied(s))
        printf("  probability that a region is cut off from every Japanese city (95%% CI):\n");
    else
        printf("  regions cut off from every Japanese city (one outcome):\n");
    for (size_t g = 0; g < s->n_regions; g++) {
        if (!s->region_reachable[g]) continue;
        const cs_proportion p = cs_analysis_wilson(s->region_cut[g], s->trials);
        if (cs_run_summary_varied(s))
            printf("    %-16s %.5f  (%.5f to %.5f)\n", s->regions[g], p.p, p.lo, p.hi);
        else
            printf("    %-16s %s\n", s->regions[g], s->region_cut[g] ? "cut off" : "reached");
    }
    const cs_pair_table *pt = cs_engine_pairs(e);
    const unsigned char *reach = cs_engine_pair_reachable(e);
    for (size_t p = 0; p < pt->n; p++)
        if (!reach[p])
            printf("  not served by the intact network of %d (left out of the figures above): "
                   "%s - %s\n",
                   cs_engine_scenario(e)->as_of,
                   cs_topology_node(cs_engine_topology(e), pt->origin[p])->name, pt->region[p]);
}

/* The restoration share (docs/model.md, "Restoration"). */
static void print_restoration(const cs_engine_t *e)
{
    const cs_restoration *r = cs_engine_restoration(e);
    const cs_routing_options *o = &cs_engine_scenario(e)->routing;
    printf("  restoration: displaced traffic may use %.4g of the other systems' spare capacity",
           r->at_event);
    if (r->derived)
        printf(" (%.2g of the full share %.4g = (1 - u) / u x D / C, u = %.2g, D = %.4g, "
               "C = %.4g Tbps)",
               o->restoration_at_event, r->full, o->utilisation, r->demand_tbps, r->capacity_tbps);
    else
        printf(" (routing.restoration_share)");
    if (r->ramp_days > 0.0 && r->ramp_to > r->at_event)
        printf(", rising to %.4g over %.3g days", r->ramp_to, r->ramp_days);
    printf("\n");
}

/* The rare-event section (scenarios with `estimator:`, docs/rare-events.md). */
static void print_rare(cs_engine_t *e, const cs_run_summary *s)
{
    const cs_estimator_t *est = cs_engine_estimator(e);
    const cs_rare_sums *r = &s->rare_sums;
    const cs_rare_estimate p = cs_rare_probability(r, s->weighted);
    printf("  rare event (estimator %s, docs/rare-events.md): %s\n",
           s->weighted ? "importance_sampling" : "plain", cs_estimator_target(est)->text);
    const cs_rare_check ok = cs_rare_reliability(r, s->weighted);
    if (ok.reason[0] != '\0')
        printf("    probability: %.4g, no interval (%s); the event in %llu of %llu trials\n",
               p.mean, ok.reason, (unsigned long long)r->hits, (unsigned long long)r->n);
    else
        printf("    probability: %.4g (95%% CI %.4g to %.4g), relative standard error %.3g%%; the "
               "event in %llu of %llu trials\n",
               p.mean, p.lo, p.hi, 100.0 * p.rel, (unsigned long long)r->hits,
               (unsigned long long)r->n);
    if (!s->weighted) return;
    unsigned it = 0;
    bool reached = false;
    cs_estimator_fit_info(est, &it, &reached);
    printf("    effective sample size %.0f of %llu trials; cross-entropy tilt from %u pilot "
           "iteration(s) of %llu trials (%s)\n",
           cs_rare_ess(r), (unsigned long long)r->n, it,
           (unsigned long long)cs_estimator_params(est)->pilot_trials,
           reached ? "the pilot reached the event"
                   : "the pilot did not reach the event: the "
                     "estimate is unbiased but may be poor");
    const cs_rare_estimate u = cs_rare_mean(r, r->swu, r->swu2);
    const cs_rare_estimate c = cs_rare_mean(r, r->swc, r->swc2);
    const cs_rare_estimate l = cs_rare_mean(r, r->swl, r->swl2);
    if (ok.weights_off)
        printf("    weighted means (the model's expectations): unserved %.4g Tbps; capacity lost "
               "%.4g Tbps, international %.4g Tbps; no intervals (the weights are unreliable, "
               "above)\n",
               u.mean, c.mean, l.mean);
    else
        printf("    weighted means (the model's expectations): unserved %.4g Tbps (95%% CI %.4g "
               "to %.4g); capacity lost %.4g Tbps (%.4g to %.4g), international %.4g Tbps (%.4g "
               "to %.4g)\n",
               u.mean, u.lo, u.hi, c.mean, c.lo, c.hi, l.mean, l.lo, l.hi);
    printf("    the trials were drawn with tilted failure probabilities: the plain figures of "
           "the summary are left out (weights: /trials/weight)\n");
}

/* write_s: the time spent writing the results (rank 0's, under MPI: the writes are collective). */
void run_print_summary(cs_engine_t *e, const cs_run_summary *s, double seconds, double write_s,
                       double thread_s, const char *out)
{
    const cs_scenario *sc = cs_engine_scenario(e);
    const cs_topology_t *t = cs_engine_topology(e);
    const cs_routing_result *base = cs_engine_baseline(e);
    printf("cablesim run: %s\n", sc->name);
    printf("  network: %s as of %d: %zu nodes, %zu edges, %zu cable systems\n", cs_topology_path(t),
           sc->as_of, cs_topology_node_count(t), cs_topology_edge_count(t),
           cs_topology_cable_count(t));
    printf("  demand: %.2f Tbps in %zu pairs (x%.3g); intact network serves %.2f Tbps\n",
           base->demand_tbps, cs_demand_count(cs_engine_demand(e)), sc->routing.demand_scale,
           base->demand_tbps - base->unserved_tbps);
    printf("  trials: %llu (seed %llu), routing %s on %s capacity, %zu hazard(s)\n",
           (unsigned long long)s->trials, (unsigned long long)sc->seed,
           cs_routing_mode_name(sc->routing.mode), cs_routing_capacity_name(sc->routing.use_lit),
           sc->n_hazards);
    print_restoration(e);
    if (s->trials == 0) return;
    if (s->rare) print_rare(e, s);
    if (!s->weighted) {
        print_impact(e, s);
        print_unserved(e, s);
        print_worst(e, s->worst_trial);
        print_regions(e, s);
        print_headroom(e, s);
    }
    struct rusage ru;
    const double peak_mb = getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss / 1024.0 : NAN;
    printf("  engine: %llu trials routed, %llu kept the intact routing, %llu from the cache; "
           "%.0f trials/s; peak memory %.1f MB\n",
           (unsigned long long)s->routed, (unsigned long long)s->skipped,
           (unsigned long long)s->cache_hits,
           (double)(s->routed + s->skipped + s->cache_hits) / fmax(seconds, 1e-9), peak_mb);
    print_recovery(e, s);
    if (out && thread_s > 0.0) /* what the run waited for; the thread wrote alongside */
        printf("  results: %s (%s); writing took %.2f s, %.0f%% of the run (waited for: the "
               "writer thread wrote for %.2f s alongside)\n",
               out, s->interrupted ? "incomplete" : "complete", write_s,
               100.0 * write_s / fmax(seconds, 1e-9), thread_s);
    else if (out)
        printf("  results: %s (%s); writing took %.2f s, %.0f%% of the run\n", out,
               s->interrupted ? "incomplete" : "complete", write_s,
               100.0 * write_s / fmax(seconds, 1e-9));
}

/*
 * One sample of the dry run: trials 0 .. n - 1 of the run written by the real writer to a
 * temporary results file in dir (a run of n trials: the file has the chunks such a run would),
 * compacted as a run's complete file is, timed; *bytes is the file's size. The file is removed
 * whatever happens.
 */
static cs_status dry_sample(cs_engine_t *e, cs_run_summary *sum, const char *dir, uint64_t n,
                            double *seconds, double *bytes, cs_error *err)
{
    /* Deflated, a part of the run (its chunks, partly filled: the rest compresses to nothing);
     * not deflated, a run of n trials (its chunks are whole, as the run's are). */
    cs_scenario run = *cs_engine_scenario(e); /* shallow: only the trial count differs */
    const bool part = run.output.compression > 0;
    if (!part) run.trials = n;
    char path[4096 + 16]; /* dir (at most 4095 characters) and "/sample.h5" */
    snprintf(path, sizeof path, "%s/sample.h5", dir);
    cs_trial_batch intact = {.capacity = 0};
    cs_results_meta meta = {.scenario = &run,
                            .topology = cs_engine_topology(e),
                            .demand = cs_engine_demand(e),
                            .baseline = cs_engine_baseline(e),
                            .pairs = cs_engine_pairs(e),
                            .software_version = cs_version(),
                            .created = "1970-01-01T00:00:00Z",
                            .part_trials = part ? n : 0,
                            .recovery = cs_engine_recovery(e),
                            .regions = cs_engine_regions(e),
                            .held_tbps = cs_engine_held(e),
                            .intact = &intact};
    cs_results_t *w = NULL;
    const double t0 = cli_now_s();
    cs_status rc = cs_engine_intact_batch(e, &intact, err);
    if (rc == CS_OK) rc = cs_results_create(&w, path, &meta, err);
    if (rc == CS_OK) {
        cs_engine_options o = CS_ENGINE_OPTIONS_INIT;
        o.n_trials = n;
        rc = cs_engine_run(e, w, &o, sum, err);
    }
    cs_results_tables *kept = NULL;
    if (w != NULL) {
        const cs_status crc =
            cs_results_close_keep(w, rc == CS_OK, &kept, rc == CS_OK ? err : NULL);
        if (rc == CS_OK) rc = crc;
    }
    bool compacted = false; /* as the run compacts its complete file */
    if (rc == CS_OK) rc = cs_results_compact_kept(path, kept, &compacted, err);
    cs_results_tables_free(kept);
    *seconds = cli_now_s() - t0;
    struct stat st;
    if (rc == CS_OK && stat(path, &st) != 0)
        rc = cs_errorf(err, CS_EIO, "%s: %s", path, strerror(errno));
    if (rc == CS_OK) *bytes = (double)st.st_size;
    if (intact.capacity > 0) cs_trial_batch_destroy(&intact);
    remove(path);
    return rc;
}

/*
 * Times a sample of trials and prints the estimated run time and output size. The sample grows
 * 16, 64, 256, ... trials, at least twice unless it reaches the whole run, until a sample of at
 * least 256 trials takes over 1 s or the next would be more than a quarter of the run (a run of
 * fewer than 64 trials is run whole); each is written by the real
 * writer to a temporary file, so that the time counts the writing and the size is what the
 * writer makes (compression, outcome tables, recovery datasets). The run's size is the whole
 * run's file when the sample reached it, else the last sample's file plus, for each further
 * trial, the bytes per trial between the last two samples (the fixed part, topology and
 * metadata, cancels). docs/scenarios.md gives how close it comes.
 */
int run_dry_run(cs_engine_t *e, cs_run_summary *sum)
{
    const cs_scenario *sc = cs_engine_scenario(e);
    cs_error err = CS_ERROR_INIT;
    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/cablesim-dry-run-XXXXXX", tmp != NULL && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        cli_message("--dry-run: cannot make a temporary directory %s: %s", dir, strerror(errno));
        return CLI_FAIL;
    }
    uint64_t n = sc->trials < 16 ? sc->trials : 16, last_n = 0, prev_n = 0;
    double elapsed = 0.0, last_b = 0.0, prev_b = 0.0;
    cs_status rc = CS_OK;
    for (;;) {
        prev_n = last_n;
        prev_b = last_b;
        if ((rc = dry_sample(e, sum, dir, n, &elapsed, &last_b, &err)) != CS_OK) break;
        last_n = n;
        if (n == sc->trials) break; /* the whole run: its size is known */
        if (prev_n > 0 && ((elapsed > 1.0 && n >= 256) || 4 * n > sc->trials / 4)) break;
        n = 4 * n < sc->trials ? 4 * n : sc->trials;
    }
    rmdir(dir);
    if (rc != CS_OK) return cli_report(&err);
    const bool whole = last_n == sc->trials;
    const double per_trial = whole ? 0.0 : fmax(0.0, (last_b - prev_b) / (double)(last_n - prev_n));
    const double mb = (last_b + per_trial * (double)(sc->trials - last_n)) / 1e6;
    char eta[32];
    run_format_eta(elapsed / (double)(last_n > 0 ? last_n : 1) * (double)sc->trials, eta,
                   sizeof eta);
    printf("cablesim run --dry-run: %s: valid\n", sc->name);
    printf("  %zu nodes, %zu edges, %zu demands, %zu hazard(s), %llu trials\n",
           cs_topology_node_count(cs_engine_topology(e)),
           cs_topology_edge_count(cs_engine_topology(e)), cs_demand_count(cs_engine_demand(e)),
           sc->n_hazards, (unsigned long long)sc->trials);
    printf("  timed %llu trials, written to a temporary file: %.0f trials/s on one process -> "
           "estimated run time %s\n",
           (unsigned long long)last_n, (double)last_n / fmax(elapsed, 1e-9), eta);
    if (whole)
        printf("  estimated output: %.2f MB (the whole run, written)\n", mb);
    else
        printf("  estimated output: %.2f MB (extrapolated from samples of %llu and %llu trials "
               "written: %.2f and %.2f MB, %.0f bytes per further trial)\n",
               mb, (unsigned long long)prev_n, (unsigned long long)last_n, prev_b / 1e6,
               last_b / 1e6, per_trial);
    return CLI_OK;
}

/* After a sweep: one line per variant, so that planners see them side by side. */
void run_print_sweep(const cli_variants *vs, const run_outcome *o)
{
    printf("cablesim run: %zu variants (same seed: trial t draws the same random numbers in each; "
           "cablesim compare FILE... gives paired differences)\n",
           vs->n);
    printf("  %-40s %10s %12s %12s %12s  %s\n", "variant", "trials", "E[unserved]", "95% CI +-",
           "worst", "results");
    for (size_t i = 0; i < vs->n; i++) {
        if (!o[i].ran) continue;
        char half[32] = "n/a"; /* one outcome, or too few trials with a loss */
        if (!isnan(o[i].half)) snprintf(half, sizeof half, "%.4f", o[i].half);
        printf("  %-40s %10llu %12.4f %12s %12.4f  %s\n", vs->v[i].label,
               (unsigned long long)o[i].trials, o[i].mean, half, o[i].max,
               vs->v[i].output ? vs->v[i].output : "-");
    }
}
