/*
 * cmd_run.c: `cablesim run`: run a scenario's trials, write the results file,
 * print a summary. Input is validated in full before any output is created.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cablesim/engine.h"
#include "cablesim/paths.h"
#include "cablesim/results.h"
#include "cablesim/scenario.h"
#include "cli.h"

static const char usage[] =
    "Usage: cablesim run [SCENARIO.yaml] [-o RESULTS.h5] [--set KEY=VALUE]... [--dry-run]\n"
    "                    [--no-progress] [--quiet]\n"
    "\n"
    "Runs the scenario's Monte Carlo trials and prints a summary. Without SCENARIO the\n"
    "default job runs: scenarios/baseline.yaml, a random instant of a typical year of\n"
    "random faults on the embedded Japan topology as it is today.\n"
    "\n"
    "  -o, --output FILE   write the results (HDF5, docs/hdf5-schema.md); without it only\n"
    "                      the summary is produced\n"
    "  --set KEY=VALUE     override a scenario key (dotted path, e.g. trials=1000,\n"
    "                      output.edge_flow=false, hazards.0.magnitude=8.5); repeatable\n"
    "  --dry-run           validate everything, time a sample of trials, and estimate the\n"
    "                      run time and output size; writes nothing\n"
    "  --no-progress       no progress line on the terminal\n"
    "  --quiet             print nothing but errors\n"
    "\n"
    "Exit status: 0 done, 1 failure not caused by the input, 2 invalid input or usage,\n"
    "3 interrupted (SIGINT, SIGTERM or SIGUSR1): the results file is left with complete = 0.\n";

enum { CLI_INTERRUPTED = 3 };

typedef struct {
    const char *scenario;
    const char *output;
    const char **sets;
    size_t nsets;
    bool dry_run, progress, quiet;
} run_args;

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int parse_args(int argc, char **argv, run_args *a)
{
    memset(a, 0, sizeof *a);
    a->progress = true;
    a->sets = calloc((size_t)argc + 1, sizeof *a->sets);
    if (a->sets == NULL) return cli_usage_error("out of memory");
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        const bool has_next = i + 1 < argc;
        if (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0) {
            if (!has_next) return cli_usage_error("run: %s needs a file name", s);
            a->output = argv[++i];
        } else if (strcmp(s, "--set") == 0) {
            if (!has_next) return cli_usage_error("run: --set needs KEY=VALUE");
            a->sets[a->nsets++] = argv[++i];
        } else if (strncmp(s, "--set=", 6) == 0) {
            a->sets[a->nsets++] = s + 6;
        } else if (strcmp(s, "--dry-run") == 0) {
            a->dry_run = true;
        } else if (strcmp(s, "--no-progress") == 0) {
            a->progress = false;
        } else if (strcmp(s, "--quiet") == 0 || strcmp(s, "-q") == 0) {
            a->quiet = true;
        } else if (s[0] == '-' && s[1] != '\0') {
            return cli_usage_error("run: unknown option \"%s\" (see 'cablesim run --help')", s);
        } else if (a->scenario == NULL) {
            a->scenario = s;
        } else {
            return cli_usage_error("run: expected one SCENARIO, found a second one \"%s\"", s);
        }
    }
    return CLI_OK;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct {
    double start, last;
    uint64_t offset, total;
} progress_state;

static void format_eta(double s, char *buf, size_t n)
{
    if (!isfinite(s) || s < 0) s = 0;
    const unsigned long v = (unsigned long)(s + 0.5);
    snprintf(buf, n, "%lu:%02lu:%02lu", v / 3600, (v / 60) % 60, v % 60);
}

static void on_progress(void *ctx, uint64_t done, uint64_t total)
{
    progress_state *p = ctx;
    const double t = now_s();
    if (done < total && t - p->last < 0.25) return;
    p->last = t;
    const double rate = done / fmax(t - p->start, 1e-9);
    char eta[32];
    format_eta((double)(total - done) / fmax(rate, 1e-9), eta, sizeof eta);
    fprintf(stderr, "\r  trials %llu/%llu (%5.1f%%)  %.0f trials/s  ETA %s   ",
            (unsigned long long)done, (unsigned long long)total,
            total ? 100.0 * (double)done / (double)total : 100.0, rate, eta);
    if (done == total) fputc('\n', stderr);
}

/* Wilson score interval for k successes in n trials at 95%. */
static void wilson(uint64_t k, uint64_t n, double *lo, double *hi)
{
    const double z = 1.959963984540054, nn = (double)n, p = nn > 0 ? (double)k / nn : 0;
    const double den = 1 + z * z / nn;
    const double c = (p + z * z / (2 * nn)) / den;
    const double h = z * sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / den;
    *lo = fmax(0.0, c - h);
    *hi = fmin(1.0, c + h);
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

static void print_summary(cs_engine_t *e, const cs_run_summary *s, double seconds, const char *out)
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
           sc->routing.mode == CS_ROUTING_MAXFLOW ? "maxflow" : "latency-first",
           sc->routing.use_lit ? "lit" : "design", sc->n_hazards);
    if (s->trials == 0) return;
    const double sd = s->trials > 1 ? sqrt(s->m2_unserved / (double)(s->trials - 1)) : 0.0;
    const double half = 1.959963984540054 * sd / sqrt((double)s->trials);
    printf("  expected unserved: %.4f Tbps (95%% CI %.4f to %.4f), %.3f%% of demand\n",
           s->mean_unserved, fmax(0.0, s->mean_unserved - half), s->mean_unserved + half,
           base->demand_tbps > 0 ? 100.0 * s->mean_unserved / base->demand_tbps : 0.0);
    print_worst(e, s->worst_trial);
    printf("  probability that a region is cut off from every Japanese city (95%% CI):\n");
    for (size_t g = 0; g < s->n_regions; g++) {
        double lo, hi;
        wilson(s->region_cut[g], s->trials, &lo, &hi);
        printf("    %-16s %.5f  (%.5f to %.5f)\n", s->regions[g],
               (double)s->region_cut[g] / (double)s->trials, lo, hi);
    }
    struct rusage ru;
    const double peak_mb = getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss / 1024.0 : NAN;
    printf("  engine: %llu trials routed, %llu kept the intact routing, %llu from the cache; "
           "%.0f trials/s; peak memory %.1f MB\n",
           (unsigned long long)s->routed, (unsigned long long)s->skipped,
           (unsigned long long)s->cache_hits, (double)s->trials / fmax(seconds, 1e-9), peak_mb);
    if (out) printf("  results: %s (%s)\n", out, s->interrupted ? "incomplete" : "complete");
}

/* Times a sample of trials and prints the estimated run time and output size. */
static int dry_run(cs_engine_t *e, cs_run_summary *sum)
{
    const cs_scenario *sc = cs_engine_scenario(e);
    cs_engine_options o = CS_ENGINE_OPTIONS_INIT;
    uint64_t sample = 16;
    double elapsed = 0.0;
    cs_error err = CS_ERROR_INIT;
    for (;;) { /* grow the sample until it takes ~0.5 s or covers the run */
        o.n_trials = sample < sc->trials ? sample : sc->trials;
        const double t0 = now_s();
        const cs_status rc = cs_engine_run(e, NULL, &o, sum, &err);
        elapsed = now_s() - t0;
        if (rc != CS_OK) return cli_report(&err);
        if (elapsed > 0.5 || o.n_trials == sc->trials) break;
        sample *= 4;
    }
    const double nd = (double)cs_demand_count(cs_engine_demand(e));
    const double ne = (double)cs_topology_edge_count(cs_engine_topology(e));
    double per_trial = 8.0 * nd + 8.0 + 8.0 + cs_engine_pairs(e)->n;
    if (sc->output.latency) per_trial += 8.0 * nd;
    if (sc->output.edge_flow) per_trial += 8.0 * ne;
    const double mb = per_trial * (double)sc->trials / 1e6;
    char eta[32];
    format_eta(elapsed / (double)o.n_trials * (double)sc->trials, eta, sizeof eta);
    printf("cablesim run --dry-run: %s: valid\n", sc->name);
    printf("  %zu nodes, %zu edges, %zu demands, %zu hazard(s), %llu trials\n",
           cs_topology_node_count(cs_engine_topology(e)),
           cs_topology_edge_count(cs_engine_topology(e)), cs_demand_count(cs_engine_demand(e)),
           sc->n_hazards, (unsigned long long)sc->trials);
    printf("  timed %llu trials: %.0f trials/s on one process -> estimated run time %s\n",
           (unsigned long long)o.n_trials, (double)o.n_trials / fmax(elapsed, 1e-9), eta);
    printf("  estimated output: %.1f MB before compression (%.0f bytes per trial)\n", mb,
           per_trial);
    return CLI_OK;
}

static char *iso_now(char *buf, size_t n)
{
    const time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

static int execute(cs_engine_t *e, const run_args *a)
{
    cs_error err = CS_ERROR_INIT;
    cs_run_summary sum;
    if (cs_run_summary_init(&sum, e, &err) != CS_OK) return cli_report(&err);
    int status = CLI_OK;
    if (a->dry_run) {
        status = dry_run(e, &sum);
        cs_run_summary_destroy(&sum);
        return status;
    }
    cs_results_t *w = NULL;
    char created[32];
    const cs_results_meta meta = {
        cs_engine_scenario(e),           cs_engine_topology(e), cs_engine_demand(e),
        cs_engine_baseline(e),           cs_engine_pairs(e),    cs_version(),
        iso_now(created, sizeof created)};
    if (a->output != NULL && cs_results_create(&w, a->output, &meta, &err) != CS_OK) {
        cs_run_summary_destroy(&sum);
        return cli_report(&err);
    }
    progress_state ps = {now_s(), 0.0, 0, 0};
    cs_engine_options o = CS_ENGINE_OPTIONS_INIT;
    o.stop = &stop_requested;
    if (a->progress && !a->quiet && isatty(STDERR_FILENO)) {
        o.progress = on_progress;
        o.progress_ctx = &ps;
    }
    const cs_status rc = cs_engine_run(e, w, &o, &sum, &err);
    const double seconds = now_s() - ps.start;
    cs_error cerr = CS_ERROR_INIT;
    const cs_status crc = cs_results_close(w, rc == CS_OK, &cerr);
    if (rc == CS_EINTR) {
        fprintf(stderr, "cablesim: %s; results left incomplete\n", err.msg);
        status = CLI_INTERRUPTED;
    } else if (rc != CS_OK) {
        status = cli_report(&err);
    } else if (crc != CS_OK) {
        status = cli_report(&cerr);
    }
    if (!a->quiet && (rc == CS_OK || rc == CS_EINTR)) print_summary(e, &sum, seconds, a->output);
    cs_run_summary_destroy(&sum);
    return status;
}

/* Installed before anything is loaded, so that a signal at any moment ends the
 * run cleanly (after at most one trial) instead of killing it mid-write. */
static void install_handlers(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
}

int cmd_run(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (cli_is_help(argv[i])) {
            fputs(usage, stdout);
            return CLI_OK;
        }
    install_handlers();
    run_args a;
    int status = parse_args(argc, argv, &a);
    char path[4096];
    cs_error err = CS_ERROR_INIT;
    if (status == CLI_OK && a.scenario == NULL &&
        cs_data_path(path, sizeof path, "scenarios/baseline.yaml", &err) != CS_OK)
        status = cli_report(&err);
    cs_scenario *sc = NULL;
    cs_engine_t *e = NULL;
    if (status == CLI_OK && cs_scenario_load(&sc, a.scenario ? a.scenario : path, a.sets, a.nsets,
                                             cli_current_year(), &err) != CS_OK)
        status = cli_report(&err);
    if (status == CLI_OK && cs_engine_alloc(&e, sc, &err) != CS_OK) status = cli_report(&err);
    if (status == CLI_OK) status = execute(e, &a);
    cs_engine_free(e);
    cs_scenario_free(sc);
    free(a.sets);
    return status;
}
