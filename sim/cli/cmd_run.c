/*
 * cmd_run.c: `cablesim run`: run a scenario's trials, write the results file,
 * print a summary. Input is validated in full before any output is created.
 *
 * Under mpirun (or srun), the ranks share the trials in blocks (docs/hpc.md):
 * in round r, rank i runs block r * size + i, and the ranks write the round's
 * blocks to the one results file in a collective parallel-HDF5 write. A round
 * covers consecutive trials after everything written before it, so every
 * dataset is placed exactly as one process would write it. Stop requests are
 * agreed on between rounds, so every rank finishes its block first.
 */
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
#include "sweep.h"

static const char usage[] =
    "Usage: cablesim run [SCENARIO]... [-o RESULTS.h5 [--force]] [--set KEY=VALUE]...\n"
    "                    [--sweep KEY=VALUES]... [--shard I/N] [--dry-run] [--no-progress]\n"
    "                    [--quiet] [--block-size N] [--stop-after-batches N]\n"
    "                    [--resume-or-start]\n"
    "       cablesim run --resume RESULTS.h5 [--block-size N] [--stop-after-batches N]\n"
    "                    [--no-progress] [--quiet]\n"
    "\n"
    "Runs the scenario's Monte Carlo trials and prints a summary. Without SCENARIO the\n"
    "default job runs: scenarios/baseline.yaml, a random instant of a typical year of\n"
    "random faults on the embedded Japan topology as it is today.\n"
    "\n"
    "  -o, --output FILE   write the results (HDF5, docs/hdf5-schema.md); without it only\n"
    "                      the summary is produced. An existing FILE is refused (exit 2)\n"
    "  --force             with -o: replace an existing results file (when the run ends)\n"
    "  --set KEY=VALUE     override a scenario key (dotted path, e.g. trials=1000,\n"
    "                      output.edge_flow=false, hazards.0.magnitude=8.5); repeatable\n"
    "  --sweep KEY=V1,V2,...  or  --sweep KEY=START:STOP:STEP\n"
    "                      run one variant per value (several --sweep: every combination;\n"
    "                      several SCENARIOs: each of them), each into FILE.<variant>.h5\n"
    "                      (e.g. out.demand_scale=2.h5), with the same seed: trial t draws\n"
    "                      the same random numbers in every variant (cablesim compare)\n"
    "  --shard I/N         run part I (0 <= I < N) of the trials into -o FILE, a part for\n"
    "                      cablesim merge (job arrays without MPI)\n"
    "  --dry-run           validate everything, time a sample of trials, and estimate the\n"
    "                      run time and output size; writes nothing\n"
    "  --no-progress       no progress line on a terminal, no progress log otherwise\n"
    "  --quiet             print nothing but errors\n"
    "  --resume FILE       add the missing trials to FILE, an interrupted run's results, with\n"
    "                      the scenario stored in it (relative paths from the current\n"
    "                      directory; the topology and demand must be unchanged: sha256)\n"
    "  --block-size N      under mpirun: trials per block handed to a free rank (default: the\n"
    "                      scenario's output.batch_trials, 1024 unless set; keep it a\n"
    "                      multiple of batch_trials, so that writes cover whole chunks)\n"
    "  --resume-or-start   for batch scripts: with -o FILE, start FILE when there is none,\n"
    "                      resume it (or FILE.tmp) when it is an incomplete run of the same\n"
    "                      scenario, seed and inputs, do nothing when it is complete; any other\n"
    "                      FILE is refused (exit 2)\n"
    "  --stop-after-batches N  stop after N batches of output.batch_trials trials (under\n"
    "                      mpirun: N blocks) as on SIGTERM: the file is left incomplete,\n"
    "                      exit status 3, and --resume goes on (a checkpoint; tests)\n"
    "\n"
    "Under mpirun -n N (or srun), the N processes take blocks of trials as they become free\n"
    "and write one file, identical in every dataset to a one-process run (docs/hpc.md).\n"
    "\n"
    "Exit status: 0 done, 1 failure not caused by the input, 2 invalid input or usage,\n"
    "3 interrupted (SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGXFSZ or --stop-after-batches): the\n"
    "results file is left with complete = 0 and cablesim run --resume completes it (a stop\n"
    "while loading leaves no file).\n";

enum { CLI_INTERRUPTED = 3 };

typedef struct {
    const char *scenario;   /* of the variant being run */
    const char **scenarios; /* [nscen] given on the command line */
    size_t nscen;
    const char **sweeps; /* [nsweeps] --sweep specifications */
    size_t nsweeps;
    const char *output;
    const char *resume;       /* results file to complete (FILE or FILE.tmp), or NULL */
    const char *resume_final; /* its name once closed: FILE */
    const char **sets;
    size_t nsets;
    uint64_t block;
    uint64_t stop_after;              /* --stop-after-batches; 0: none */
    uint64_t shard, shards;           /* --shard shard/shards; shards = 0: the whole run */
    uint64_t part_first, part_trials; /* of a resumed part (cs_results_part_range) */
    bool dry_run, progress, quiet;
    bool resume_or_start; /* --resume-or-start */
    bool force;           /* --force: -o may replace an existing results file */
} run_args;

enum { MAX_BLOCK = 1000000, MAX_SHARDS = 1000000 };

static volatile sig_atomic_t stop_requested, stop_signal;

static void on_signal(int sig)
{
    stop_requested = 1;
    if (stop_signal == 0) stop_signal = sig;
}

/* Under MPI: the file being written, and its final name, for on_io_failure. */
static char io_path[4096], io_final[4096];

/*
 * A write of the file failed (a full disk, `ulimit -f`), inside MPI-IO: one line, then the job
 * ends at once (status 1), since parallel HDF5 cannot go on or close the file after it
 * (mpirun.h). The file is left as a kill leaves it: --resume goes on from its last commit. The
 * rank whose write failed says so; a rank that only learned of it from a collective call leaves
 * it the time to (its MPI_Abort ends this process) so that the job prints one line, and speaks
 * and stops itself only when no rank did within 30 s (signals do not cut the wait short).
 */
static void on_io_failure(const char *cause, bool own)
{
    if (!own) {
        struct timespec t = {.tv_sec = 30, .tv_nsec = 0};
        while (nanosleep(&t, &t) != 0) {}
    }
    cli_message("%s: could not write the file: %s; the run stops here, and cablesim run --resume "
                "%s goes on from its last commit once the cause is gone",
                io_path[0] != '\0' ? io_path : "(the results file)", cause,
                io_final[0] != '\0' ? io_final : io_path);
    cs_mpi_abort(cs_mpi_world(), CLI_FAIL);
}

/*
 * The test hook CABLESIM_RAISE=SIGNAL@STAGE (docs/hpc.md, "Stopping at a chosen point"): the
 * process raises SIGNAL (INT, TERM, HUP, USR1, XFSZ, KILL or STOP) on itself at STAGE:
 * "start" (arguments parsed), "scenario" (scenario loaded), "engine" (topology, demand and the
 * intact routing loaded), "output" (results file created or opened) or "write=N" (after its
 * N-th write of trials). CABLESIM_RAISE_RANK=R limits it to MPI rank R. A signal at a chosen
 * point, without timing: how the tests check that every stage stops cleanly.
 */
typedef struct {
    int sig;        /* 0: no hook */
    char stage[16]; /* without "=N" */
    uint64_t n;     /* of write=N */
} raise_hook;

static raise_hook hook;
static bool stop_after_set; /* --stop-after-batches given */

static void hook_init(int rank)
{
    static const struct {
        const char *name;
        int sig;
    } sigs[] = {{"INT", SIGINT},   {"TERM", SIGTERM}, {"HUP", SIGHUP},  {"USR1", SIGUSR1},
                {"XFSZ", SIGXFSZ}, {"KILL", SIGKILL}, {"STOP", SIGSTOP}};
    const char *v = getenv("CABLESIM_RAISE"), *r = getenv("CABLESIM_RAISE_RANK");
    memset(&hook, 0, sizeof hook);
    if (v == NULL || (r != NULL && atoi(r) != rank)) return;
    if (strncmp(v, "SIG", 3) == 0) v += 3;
    const char *at = strchr(v, '@');
    if (at == NULL) return;
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++)
        if (strlen(sigs[i].name) == (size_t)(at - v) &&
            strncmp(v, sigs[i].name, (size_t)(at - v)) == 0)
            hook.sig = sigs[i].sig;
    const char *eq = strchr(at + 1, '=');
    const size_t len = eq != NULL ? (size_t)(eq - at - 1) : strlen(at + 1);
    if (len >= sizeof hook.stage) hook.sig = 0;
    if (hook.sig == 0) return;
    memcpy(hook.stage, at + 1, len);
    hook.stage[len] = '\0';
    hook.n = eq != NULL ? strtoull(eq + 1, NULL, 10) : 0;
}

/* Raises the hook's signal when stage (and, for "write", the count n) is the hook's. */
static void hook_stage(const char *stage, uint64_t n)
{
    if (hook.sig != 0 && strcmp(stage, hook.stage) == 0 && n == hook.n) raise(hook.sig);
}

/* What stopped the run, for messages: the signal ("SIGTERM"), the option, or another rank. */
static const char *stop_cause(void)
{
    if (stop_signal == 0)
        return stop_after_set ? "--stop-after-batches" : "stopped by another rank";
    switch (stop_signal) {
    case SIGINT:
        return "SIGINT";
    case SIGTERM:
        return "SIGTERM";
    case SIGHUP:
        return "SIGHUP";
    case SIGUSR1:
        return "SIGUSR1";
    case SIGXFSZ:
        return "SIGXFSZ (file size limit)";
    default:
        return "a signal";
    }
}

/* --shard I/N: part I (0-based) of N. */
static int parse_shard(const char *v, run_args *a)
{
    char *end = NULL;
    const bool digits = v[0] >= '0' && v[0] <= '9';
    const unsigned long long i = strtoull(v, &end, 10);
    const bool slash = digits && *end == '/' && end[1] >= '0' && end[1] <= '9';
    const unsigned long long n = slash ? strtoull(end + 1, &end, 10) : 0;
    if (!slash || *end != '\0' || n == 0 || n > MAX_SHARDS || i >= n)
        return cli_usage_error("run: --shard: expected I/N with 0 <= I < N <= %d, found \"%s\"",
                               MAX_SHARDS, v);
    a->shard = i;
    a->shards = n;
    return CLI_OK;
}

/* The value v of option name: an integer in [1, max]; false (after the message) otherwise. */
static bool parse_count(const char *name, const char *v, unsigned long long max, uint64_t *out)
{
    char *end = NULL;
    const unsigned long long b = strtoull(v, &end, 10);
    if (v[0] < '1' || v[0] > '9' || *end != '\0' || b > max) {
        cli_usage_error("run: %s: expected an integer in [1, %llu], found \"%s\"", name, max, v);
        return false;
    }
    *out = b;
    return true;
}

static int parse_args(int argc, char **argv, run_args *a)
{
    memset(a, 0, sizeof *a);
    a->progress = true;
    a->block = 0; /* the scenario's output.batch_trials */
    a->sets = calloc((size_t)argc + 1, sizeof *a->sets);
    a->scenarios = calloc((size_t)argc + 1, sizeof *a->scenarios);
    a->sweeps = calloc((size_t)argc + 1, sizeof *a->sweeps);
    if (a->sets == NULL || a->scenarios == NULL || a->sweeps == NULL)
        return cli_usage_error("out of memory");
    enum {
        OPT_SET = 256,
        OPT_SWEEP,
        OPT_RESUME,
        OPT_BLOCK,
        OPT_STOP_AFTER,
        OPT_SHARD,
        OPT_RESUME_OR_START,
        OPT_DRY_RUN,
        OPT_NO_PROGRESS,
        OPT_FORCE
    };
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"set", required_argument, NULL, OPT_SET},
        {"sweep", required_argument, NULL, OPT_SWEEP},
        {"resume", required_argument, NULL, OPT_RESUME},
        {"block-size", required_argument, NULL, OPT_BLOCK},
        {"stop-after-batches", required_argument, NULL, OPT_STOP_AFTER},
        {"shard", required_argument, NULL, OPT_SHARD},
        {"resume-or-start", no_argument, NULL, OPT_RESUME_OR_START},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
        {"quiet", no_argument, NULL, 'q'},
        {"force", no_argument, NULL, OPT_FORCE},
        {NULL, 0, NULL, 0}};
    cli_getopt g;
    if (!cli_getopt_init(&g, "run", opts, "o:q", argc, argv)) return CLI_FAIL;
    int st = CLI_OK, c;
    while (st == CLI_OK && (c = cli_getopt_next(&g)) != -1) {
        const char *v = g.arg;
        switch (c) {
        case 'o':
            if ((a->output = v) == NULL) st = cli_usage_error("run: -o/--output needs a file name");
            break;
        case OPT_SET:
            if (v == NULL) st = cli_usage_error("run: --set needs KEY=VALUE");
            a->sets[a->nsets++] = v;
            break;
        case OPT_SWEEP:
            if (v == NULL) st = cli_usage_error("run: --sweep needs KEY=VALUES");
            a->sweeps[a->nsweeps++] = v;
            break;
        case OPT_RESUME:
            if ((a->resume = v) == NULL) st = cli_usage_error("run: --resume needs a results file");
            break;
        case OPT_BLOCK:
            if (!parse_count("--block-size", v ? v : "", MAX_BLOCK, &a->block)) st = CLI_USAGE;
            break;
        case OPT_STOP_AFTER:
            if (!parse_count("--stop-after-batches", v ? v : "", UINT32_MAX, &a->stop_after))
                st = CLI_USAGE;
            break;
        case OPT_SHARD:
            if (parse_shard(v ? v : "", a) != CLI_OK) st = CLI_USAGE;
            break;
        case OPT_RESUME_OR_START:
            a->resume_or_start = true;
            break;
        case OPT_DRY_RUN:
            a->dry_run = true;
            break;
        case OPT_NO_PROGRESS:
            a->progress = false;
            break;
        case 'q':
            a->quiet = true;
            break;
        case OPT_FORCE:
            a->force = true;
            break;
        default:
            st = CLI_USAGE; /* cli_getopt_next() said what */
        }
    }
    for (size_t i = 0; st == CLI_OK && i < g.npos; i++)
        a->scenarios[a->nscen++] = g.pos[i];
    cli_getopt_destroy(&g);
    if (st != CLI_OK) return st;
    if (a->resume != NULL && (a->nscen > 0 || a->output != NULL || a->nsets > 0 || a->dry_run ||
                              a->shards || a->nsweeps > 0))
        return cli_usage_error("run: --resume takes the scenario, output, overrides and part from "
                               "the results file: no SCENARIO, -o, --set, --sweep, --shard or "
                               "--dry-run with it");
    if (a->resume_or_start && (a->output == NULL || a->resume != NULL))
        return cli_usage_error("run: --resume-or-start needs -o RESULTS.h5 (and no --resume): it "
                               "starts, resumes or leaves that file");
    if (a->shards > 0 && a->output == NULL && !a->dry_run)
        return cli_usage_error("run: --shard writes a part for cablesim merge: it needs -o");
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

/* Progress into a log (stderr not a terminal): a line per batch written, at most one every
 * LOG_EVERY seconds, and the last one if any was printed, so short runs print none. */
static void on_progress_log(void *ctx, uint64_t done, uint64_t total)
{
    enum { LOG_EVERY = 10 };
    progress_state *p = ctx;
    const double t = now_s();
    const bool printed = p->last > 0;
    if (t - (printed ? p->last : p->start) < LOG_EVERY && !(done == total && printed)) return;
    p->last = t;
    const double rate = done / fmax(t - p->start, 1e-9);
    char eta[32];
    format_eta((double)(total - done) / fmax(rate, 1e-9), eta, sizeof eta);
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
    const char *per =
        cs_run_summary_varied(s) ? "mean per trial" : "every trial has the same outcome";
    printf("  impact (%s):\n", per);
    printf("    lost: %.2f cable systems and %.2f landing stations\n", s->systems_lost_sum / n,
           s->stations_lost_sum / n);
    printf("    capacity lost: %.1f Tbps of edges down (largest in a trial %.1f); %.1f of Japan's "
           "%.1f Tbps international capacity (%.1f%%)\n",
           s->capacity_lost_sum / n, s->capacity_lost_max, s->intl_capacity_lost_sum / n, intl,
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
    printf("    weighted means (the model's expectations): unserved %.4g Tbps (95%% CI %.4g to "
           "%.4g); capacity lost %.4g Tbps (%.4g to %.4g), international %.4g Tbps (%.4g to "
           "%.4g)\n",
           u.mean, u.lo, u.hi, c.mean, c.lo, c.hi, l.mean, l.lo, l.hi);
    printf("    the trials were drawn with tilted failure probabilities: the plain figures of "
           "the summary are left out (weights: /trials/weight)\n");
}

/* write_s: the time spent writing the results (rank 0's, under MPI: the writes are collective). */
static void print_summary(cs_engine_t *e, const cs_run_summary *s, double seconds, double write_s,
                          const char *out)
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
    if (out)
        printf("  results: %s (%s); writing took %.2f s, %.0f%% of the run\n", out,
               s->interrupted ? "incomplete" : "complete", write_s,
               100.0 * write_s / fmax(seconds, 1e-9));
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

/* The trials this run covers: all of the scenario's, or a part's (--shard, or resumed). */
static void run_range(const cs_engine_t *e, const run_args *a, uint64_t *first, uint64_t *n)
{
    const uint64_t trials = cs_engine_scenario(e)->trials;
    *first = 0;
    *n = trials;
    if (a->shards > 0) {
        cs_results_part(trials, a->shard, a->shards, first, n);
    } else if (a->part_trials > 0) {
        *first = a->part_first;
        *n = a->part_trials;
    }
}

/* Rank 0's status, on every rank (CS_COMM_NONE: rc as is); only rank 0 has the message. */
static cs_status rank0_status(cs_status rc, cs_comm comm, cs_error *err)
{
    const cs_status v = (cs_status)cs_mpi_share_int(comm, (int)rc);
    if (v != CS_OK && err->code == CS_OK) err->code = v;
    return v;
}

/*
 * Creates the results file under its temporary name (claimed by rank 0, outfile.h) into tmp, or
 * reopens the file to resume; *first is the first trial to run. tmp is "" when the file keeps
 * its name, else the name to rename to results_name(a) once closed.
 */
static cs_status open_results(cs_results_t **w, cs_engine_t *e, const run_args *a, cs_comm comm,
                              uint64_t *first, char *tmp, size_t tmp_n, cs_error *err)
{
    *w = NULL;
    *first = 0;
    tmp[0] = '\0';
    char created[32];
    uint64_t part_first = 0, part_n = 0;
    if (a->shards > 0 || a->part_trials > 0) run_range(e, a, &part_first, &part_n);
    cs_results_meta meta = {cs_engine_scenario(e),
                            cs_engine_topology(e),
                            cs_engine_demand(e),
                            cs_engine_baseline(e),
                            cs_engine_pairs(e),
                            cs_version(),
                            iso_now(created, sizeof created),
                            part_first,
                            part_n,
                            cs_engine_recovery(e),
                            cs_engine_regions(e),
                            NULL};
    *first = part_first;
    if (a->resume != NULL) {
        snprintf(io_path, sizeof io_path, "%s", a->resume);
        snprintf(io_final, sizeof io_final, "%s", a->resume_final);
        const cs_status rc = cs_results_resume_mpi(w, a->resume, &meta, comm, err);
        if (rc == CS_OK) *first = part_first + cs_results_written(*w);
        if (rc == CS_OK && strcmp(a->resume, a->resume_final) != 0)
            snprintf(tmp, tmp_n, "%s", a->resume);
        return rc;
    }
    if (a->output == NULL) return CS_OK;
    int rank = 0, size = 1;
    cs_mpi_rank_size(comm, &rank, &size);
    cs_status rc = rank == 0 ? cs_outfile_claim(a->output, tmp, tmp_n, err) : CS_OK;
    if (rank0_status(rc, comm, err) != CS_OK) return err->code;
    if (rank != 0) cs_outfile_tmp_name(tmp, tmp_n, a->output, err);
    snprintf(io_path, sizeof io_path, "%s", tmp);
    snprintf(io_final, sizeof io_final, "%s", a->output);
    cs_trial_batch intact = {.capacity = 0}; /* outcome 0 of the file */
    rc = cs_engine_intact_batch(e, &intact, err);
    meta.intact = &intact;
    if (rc == CS_OK) rc = cs_results_create_mpi(w, tmp, &meta, comm, err);
    if (intact.capacity > 0) cs_trial_batch_destroy(&intact);
    if (rc != CS_OK && rank == 0) remove(tmp); /* nothing of the run is left */
    if (rc != CS_OK) tmp[0] = '\0';
    return rc;
}

/* After the file was closed: gives it its name (rank 0). */
static cs_status name_results(const char *tmp, const char *name, int rank, cs_error *err)
{
    if (tmp[0] == '\0' || rank != 0) return CS_OK;
    return cs_outfile_commit(tmp, name, err);
}

static const char *results_name(const run_args *a)
{
    return a->resume != NULL ? a->resume_final : a->output;
}

/* What the sweep table shows of a variant's run. */
typedef struct {
    uint64_t trials;
    double mean, half, max; /* expected unserved Tbps, 95% CI half-width, worst trial's */
    bool ran;
} run_outcome;

static void outcome_of(const cs_run_summary *s, run_outcome *o)
{
    const cs_estimate u = cs_analysis_estimate(s->trials, s->mean_unserved, s->m2_unserved);
    o->trials = s->trials;
    o->mean = s->mean_unserved;
    /* No normal interval on one outcome or on fewer than 30 trials with a loss (print_unserved). */
    o->half = cs_run_summary_varied(s) && s->loss_trials >= CS_ANALYSIS_MIN_LOSS_TRIALS
                  ? CS_ANALYSIS_Z95 * u.se
                  : NAN;
    o->max = s->max_unserved;
    o->ran = true;
}

/* After every write of trials (serial): the test hook, --stop-after-batches, the display. */
typedef struct {
    progress_state ps;
    const run_args *a;
    uint64_t writes, last_done;
    void (*show)(void *ctx, uint64_t done, uint64_t total);
} run_progress;

static void after_write(run_progress *p, uint64_t done)
{
    if (done <= p->last_done) return;
    p->last_done = done;
    p->writes++;
    hook_stage("write", p->writes);
    if (p->a->stop_after > 0 && p->writes >= p->a->stop_after) stop_requested = 1;
}

static void serial_progress(void *ctx, uint64_t done, uint64_t total)
{
    run_progress *p = ctx;
    after_write(p, done);
    if (p->show != NULL) p->show(&p->ps, done, total);
}

static int execute(cs_engine_t *e, const run_args *a, run_outcome *out)
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
    uint64_t first = 0;
    char tmp[4096];
    if (open_results(&w, e, a, CS_COMM_NONE, &first, tmp, sizeof tmp, &err) != CS_OK) {
        cs_run_summary_destroy(&sum);
        return cli_report(&err);
    }
    if (cs_run_summary_add_written(&sum, e, w, true, &err) != CS_OK) {
        cs_results_close(w, false, NULL);
        cs_run_summary_destroy(&sum);
        return cli_report(&err);
    }
    uint64_t range_first = 0, range_n = 0;
    run_range(e, a, &range_first, &range_n);
    run_progress ps = {.ps = {now_s(), 0.0, 0, 0}, .a = a};
    if (a->progress && !a->quiet) ps.show = isatty(STDERR_FILENO) ? on_progress : on_progress_log;
    cs_engine_options o = CS_ENGINE_OPTIONS_INIT;
    o.first_trial = first;
    o.n_trials = range_first + range_n - first;
    o.stop = &stop_requested;
    o.progress = serial_progress;
    o.progress_ctx = &ps;
    hook_stage("output", 0);
    const cs_status rc = cs_engine_run(e, w, &o, &sum, &err);
    const double seconds = now_s() - ps.ps.start, write_s = cs_results_write_seconds(w);
    cs_error cerr = CS_ERROR_INIT;
    cs_status crc = cs_results_close(w, rc == CS_OK, &cerr);
    if (crc == CS_OK) crc = name_results(tmp, results_name(a), 0, &cerr);
    if (rc == CS_EINTR) {
        if (w != NULL)
            cli_message("%s: %s; %s left incomplete (cablesim run --resume %s continues "
                        "it)",
                        stop_cause(), err.msg, results_name(a), results_name(a));
        else
            cli_message("%s: %s", stop_cause(), err.msg);
        status = CLI_INTERRUPTED;
    } else if (rc != CS_OK) {
        status = cli_report(&err);
    } else if (crc != CS_OK) {
        status = cli_report(&cerr);
    }
    if (!a->quiet && (rc == CS_OK || rc == CS_EINTR))
        print_summary(e, &sum, seconds, write_s, results_name(a));
    outcome_of(&sum, out);
    cs_run_summary_destroy(&sum);
    return status;
}

/* ------------------------------------------------------------------ MPI */

/* Under MPI every rank checks the input, but only rank 0 says what is wrong. */
static int report(int rank, const cs_error *err)
{
    return rank == 0 ? cli_report(err) : cli_status(err->code);
}

/* A rank that fails mid-run cannot leave the others waiting in a collective call. */
static void abort_run(const cs_error *err, cs_comm comm)
{
    cs_mpi_abort(comm, cli_report(err));
}

/* What mpi_progress needs besides the counts. */
typedef struct {
    run_progress rp;
    int rank;
} mpi_progress_ctx;

/* After each write, on every rank: the test hook; on rank 0, the progress line on a terminal,
 * else one log line. */
static void mpi_progress(void *ctx, uint64_t done, uint64_t total, uint64_t blocks,
                         uint64_t nblocks)
{
    mpi_progress_ctx *c = ctx;
    c->rp.writes++;
    hook_stage("write", c->rp.writes);
    if (c->rank != 0 || c->rp.a->quiet || !c->rp.a->progress) return;
    if (isatty(STDERR_FILENO)) {
        on_progress(&c->rp.ps, done, total);
        return;
    }
    const double t = now_s() - c->rp.ps.start, rate = (double)done / fmax(t, 1e-9);
    char eta[32];
    format_eta((double)(total - done) / fmax(rate, 1e-9), eta, sizeof eta);
    cli_message("%llu/%llu blocks written, %llu/%llu trials run, %.0f trials/s, "
                "ETA %s",
                (unsigned long long)blocks, (unsigned long long)nblocks, (unsigned long long)done,
                (unsigned long long)total, rate, eta);
}

/* The run under MPI (mpirun.h): blocks on demand, written epoch by epoch. */
static int execute_mpi(cs_engine_t *e, const run_args *a, cs_comm comm, run_outcome *out)
{
    int rank = 0, size = 1;
    cs_mpi_rank_size(comm, &rank, &size);
    cs_error err = CS_ERROR_INIT;
    cs_run_summary sum;
    if (cs_run_summary_init(&sum, e, &err) != CS_OK) abort_run(&err, comm);
    cs_results_t *w = NULL;
    uint64_t first = 0;
    char tmp[4096];
    if (open_results(&w, e, a, comm, &first, tmp, sizeof tmp, &err) != CS_OK) {
        cs_run_summary_destroy(&sum);
        return report(rank, &err);
    }
    if (cs_run_summary_add_written(&sum, e, w, rank == 0, &err) != CS_OK) abort_run(&err, comm);
    uint64_t range_first = 0, range_n = 0;
    run_range(e, a, &range_first, &range_n);
    mpi_progress_ctx pc = {.rp = {.ps = {now_s(), 0.0, 0, 0}, .a = a}, .rank = rank};
    /* A block of a batch writes whole chunks (sim/src/results/writer.c). */
    const cs_mpirun_options o = {.comm = comm,
                                 .start = first,
                                 .end = range_first + range_n,
                                 .block = a->block > 0 ? a->block
                                                       : cs_engine_scenario(e)->output.batch_trials,
                                 .cache_slots = CS_ENGINE_CACHE_SLOTS,
                                 .stop = &stop_requested,
                                 .stop_after_blocks = a->stop_after,
                                 .progress = mpi_progress,
                                 .progress_ctx = &pc};
    hook_stage("output", 0);
    uint64_t done = 0;
    if (cs_mpirun(e, w, &o, &sum, &done, &err) != CS_OK) {
        /* A failed write of the file (a full disk on any rank): every rank saw it at the same
         * step (results.h), so rank 0 alone says so. HDF5 cannot close the file collectively
         * after that (the ranks' caches differ and H5Fclose waits forever): the job ends
         * without closing it, as a kill would, and --resume goes back to its last commit. */
        cs_mpi_abort(comm, cs_results_failed(w) ? report(rank, &err) : cli_report(&err));
    }
    const double seconds = now_s() - pc.rp.ps.start, write_s = cs_results_write_seconds(w);
    const bool stopped = first + done < o.end;
    sum.interrupted = stopped;
    if (cs_run_summary_reduce(&sum, e, comm, &err) != CS_OK) abort_run(&err, comm);
    cs_error cerr = CS_ERROR_INIT;
    int status = CLI_OK;
    if (cs_results_close(w, !stopped, &cerr) != CS_OK ||
        name_results(tmp, results_name(a), rank, &cerr) != CS_OK)
        status = report(rank, &cerr);
    if (stopped) {
        if (rank == 0 && w != NULL)
            cli_message("%s: interrupted after %llu of %llu trials; %s left incomplete "
                        "(cablesim run --resume %s continues it)",
                        stop_cause(), (unsigned long long)(first + done - range_first),
                        (unsigned long long)range_n, results_name(a), results_name(a));
        else if (rank == 0)
            cli_message("%s: interrupted after %llu of %llu trials", stop_cause(),
                        (unsigned long long)(first + done - range_first),
                        (unsigned long long)range_n);
        status = CLI_INTERRUPTED;
    }
    if (rank == 0 && !a->quiet) print_summary(e, &sum, seconds, write_s, results_name(a));
    outcome_of(&sum, out);
    cs_run_summary_destroy(&sum);
    return status;
}

/* Loads the scenario stored in the results file being resumed, finding its inputs again. */
static cs_status load_resumed(cs_scenario **sc, const char *path, cs_error *err)
{
    return cs_results_load_scenario(sc, path, err);
}

/*
 * Installed before anything else (the start of MPI included), so that a signal at any moment ends
 * the run cleanly, after the current trial or write, instead of killing it mid-write: SIGTERM (the
 * scheduler's warning), SIGINT (Ctrl-C), SIGHUP (a closed terminal or ssh session), SIGUSR1
 * (mpirun forwards it), SIGXFSZ (the file size limit, ulimit -f: the write then fails with EFBIG
 * instead of killing the process). SIGINT and SIGHUP stay ignored when the process started with
 * them ignored (nohup, a background job of a non-interactive shell).
 */
static void install_handlers(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGUSR1, SIGXFSZ};
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
        if ((sigs[i] == SIGINT || sigs[i] == SIGHUP) && sigaction(sigs[i], NULL, &old) == 0 &&
            old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

/* Whether a stop was requested on any rank (collective under MPI: every rank that gets here
 * calls it at the same point). */
static bool stop_agreed(bool mpi)
{
    return cs_mpi_any(mpi ? cs_mpi_world() : CS_COMM_NONE, stop_requested != 0);
}

/* A stop before the results file is created or opened: nothing is written. */
static int stopped_before_output(const run_args *a, int rank)
{
    if (rank != 0) return CLI_INTERRUPTED;
    if (a->resume != NULL)
        cli_message("%s: stopped while loading; %s unchanged (cablesim run --resume "
                    "%s continues it)",
                    stop_cause(), a->resume, a->resume);
    else
        cli_message("%s: stopped while loading, before any output: nothing "
                    "written",
                    stop_cause());
    return CLI_INTERRUPTED;
}

/*
 * Loads the scenario (given, default, or stored in the file to resume) and its engine. A stop
 * request ends a one-process load at the next stage; under MPI every rank loads in full (so
 * that all see the same input errors) and the ranks agree on the stop before any output.
 */
static int load(const run_args *a, bool mpi, int rank, cs_scenario **sc, cs_engine_t **e)
{
    char path[4096];
    cs_error err = CS_ERROR_INIT;
    if (a->scenario == NULL && a->resume == NULL &&
        cs_data_path(path, sizeof path, "scenarios/baseline.yaml", &err) != CS_OK)
        return report(rank, &err);
    if (a->resume != NULL && load_resumed(sc, a->resume, &err) != CS_OK) return report(rank, &err);
    if (a->resume == NULL && cs_scenario_load(sc, a->scenario ? a->scenario : path, a->sets,
                                              a->nsets, cli_current_year(), &err) != CS_OK)
        return report(rank, &err);
    hook_stage("scenario", 0);
    if (!mpi && stop_requested) return CLI_INTERRUPTED;
    if (cs_engine_alloc(e, *sc, &err) != CS_OK) return report(rank, &err);
    /* After every check, so that invalid input still gets its one-line error only. */
    if (a->resume == NULL && (*sc)->as_of_default && rank == 0)
        cli_message("warning: %s: no as_of: using the network of %d (the current year); set "
                    "as_of to fix the network year",
                    a->scenario ? a->scenario : path, (*sc)->as_of);
    hook_stage("engine", 0);
    return CLI_OK;
}

/*
 * Checks, before anything is written, that the variant's -o is neither one of its inputs
 * (scenario, topology, demand, fleets) nor an existing file other than a results file, nor being
 * written (outfile.h). Rank 0 checks; every rank gets the status.
 */
static int check_output(const run_args *a, const cs_engine_t *e, bool mpi, int rank)
{
    cs_error err = CS_ERROR_INIT;
    cs_status rc = CS_OK;
    if (rank == 0) {
        const cs_scenario *sc = cs_engine_scenario(e);
        const cs_recovery_t *r = cs_engine_recovery(e);
        const size_t nf = r != NULL ? cs_recovery_fleet_count(r) : 0;
        const char **inputs = calloc(3 + nf, sizeof *inputs);
        char def[4096];
        cs_error quiet = CS_ERROR_INIT;
        if (inputs == NULL) {
            rc = cs_errorf(&err, CS_ENOMEM, "out of memory");
        } else {
            inputs[0] = a->scenario != NULL ? a->scenario
                        : cs_data_path(def, sizeof def, "scenarios/baseline.yaml", &quiet) == CS_OK
                            ? def
                            : NULL;
            inputs[1] = sc->topology_path;
            inputs[2] = sc->demand_path;
            for (size_t i = 0; i < nf; i++)
                inputs[3 + i] = cs_recovery_fleet_path(r, i);
            rc = cs_outfile_check(a->output, inputs, 3 + nf, &err);
            /* --resume-or-start decides on an existing FILE itself (resume, nothing, refuse). */
            if (rc == CS_OK && !a->force && !a->resume_or_start)
                rc = cs_outfile_check_new(a->output, &err);
        }
        free(inputs);
    }
    rc = rank0_status(rc, mpi ? cs_mpi_world() : CS_COMM_NONE, &err);
    return rc == CS_OK ? CLI_OK : report(rank, &err);
}

enum { START = 0, RESUME = 1, NOTHING = 2 };

/* Whether the file described by info holds this variant's run: same scenario text (overrides
 * included: seed, trials), network year, inputs (sha256) and part. */
static bool same_run(const cs_file_info *info, const run_args *a, const cs_engine_t *e)
{
    const cs_scenario *sc = cs_engine_scenario(e);
    uint64_t pf = 0, pn = 0;
    if (a->shards > 0) run_range(e, a, &pf, &pn);
    return info->scenario != NULL && strcmp(info->scenario, sc->text) == 0 &&
           info->as_of == sc->as_of && info->part_first == pf && info->part_trials == pn &&
           strcmp(info->topology_sha256, cs_topology_sha256(cs_engine_topology(e))) == 0 &&
           strcmp(info->demand_sha256, cs_demand_sha256(cs_engine_demand(e))) == 0;
}

/* Rank 0's decision for --resume-or-start on -o FILE (FILE.tmp first): START, RESUME, NOTHING,
 * or minus an exit status after the message. */
static int decide(const run_args *a, const cs_engine_t *e, const char *work)
{
    struct stat sb;
    if (lstat(work, &sb) != 0) return START;
    cs_error quiet = CS_ERROR_INIT, err = CS_ERROR_INIT;
    cs_results_recover(work, &quiet); /* a killed run's flag, when no one holds the file */
    /* FILE.tmp without a readable commit record of at least one trial: its run was killed
     * while making it (the first record, of 0 trials, is made with the file, and a kill during
     * its flush can tear the root attributes); nothing in it was committed
     * (docs/hdf5-schema.md), so it is made again. */
    if (strcmp(work, a->output) != 0 && !cs_file_held(work) && !cs_results_has_commit(work)) {
        if (remove(work) != 0) {
            cs_errorf(&err, CS_EIO, "%s: cannot remove it: %s", work, strerror(errno));
            return -cli_report(&err);
        }
        cli_message("%s: no trial committed (its run was killed before its first write): starting "
                    "again",
                    work);
        return START;
    }
    cs_file_info info;
    if (cs_file_inspect(work, &info, &err) != CS_OK) return -cli_report(&err);
    int d = START;
    if (info.state == CS_FILE_NOT_RESULTS) {
        d = -cli_usage_error("%s: expected a results file to resume or leave, found another file "
                             "(%s): not overwritten",
                             work, info.why);
    } else if (info.state == CS_FILE_NOT_RESUMABLE) {
        d = -cli_usage_error("%s: incomplete and not resumable: %s (delete it to start over)", work,
                             info.why);
    } else if (!same_run(&info, a, e)) {
        d = -cli_usage_error("%s: holds another run (its scenario, seed, network year, inputs or "
                             "part differ from this one's): not replaced; choose another -o, or "
                             "delete it",
                             work);
    } else {
        d = info.state == CS_FILE_COMPLETE ? NOTHING : RESUME;
    }
    /* A complete FILE.tmp: its run was killed after its last write, before renaming it. */
    if (d == NOTHING && strcmp(work, a->output) != 0 &&
        cs_outfile_commit(work, a->output, &err) != CS_OK)
        d = -cli_report(&err);
    cs_file_info_destroy(&info);
    return d;
}

/*
 * --resume-or-start: rank 0 looks at -o FILE (or FILE.tmp, left by a killed run) and every rank
 * follows: a new file; a resume (va->resume set to the file, va->output cleared); or nothing to
 * do (*nothing). Returns an exit status.
 */
static int resume_or_start(run_args *va, const cs_engine_t *e, bool mpi, int rank, char *work,
                           char *final, size_t n, bool *nothing)
{
    *nothing = false;
    bool renamed = false;
    cs_error err = CS_ERROR_INIT;
    if (cs_outfile_resume_name(va->output, work, n, final, n, &renamed, &err) != CS_OK)
        return report(rank, &err);
    int d = rank == 0 ? decide(va, e, work) : START;
    d = cs_mpi_share_int(mpi ? cs_mpi_world() : CS_COMM_NONE, d);
    if (d < 0) return -d;
    if (d == NOTHING) {
        *nothing = true;
        if (rank == 0 && !va->quiet)
            printf("cablesim run: %s: complete, the same run (scenario, seed, inputs): nothing to "
                   "do\n",
                   final);
    } else if (d == RESUME) {
        if (rank == 0 && !va->quiet)
            printf("cablesim run: %s: an incomplete run of this scenario: resuming it\n", work);
        va->resume = work;
        va->resume_final = final;
        va->output = NULL;
    }
    return CLI_OK;
}

/* The arguments of variant v: its scenario, output, and the job's overrides then its own. */
static int variant_args(const run_args *a, const cli_variant *v, run_args *va)
{
    *va = *a;
    va->scenario = v->scenario;
    va->output = v->output;
    va->sets = calloc(a->nsets + v->nsets + 1, sizeof *va->sets);
    if (va->sets == NULL) return cli_usage_error("out of memory");
    memcpy(va->sets, a->sets, a->nsets * sizeof *va->sets);
    for (size_t k = 0; k < v->nsets; k++)
        va->sets[a->nsets + k] = v->sets[k];
    va->nsets = a->nsets + v->nsets;
    return CLI_OK;
}

/* Loads and runs one variant (or the resumed file); the engine lives only for its run. */
static int run_variant(const run_args *a, const cli_variant *v, bool mpi, int rank, bool check_only,
                       run_outcome *out)
{
    run_args va;
    int status = variant_args(a, v, &va);
    cs_scenario *sc = NULL;
    cs_engine_t *e = NULL;
    if (status == CLI_OK) status = load(&va, mpi, rank, &sc, &e);
    uint64_t pf = 0, pn = 1;
    if (status == CLI_OK && va.shards > 0) run_range(e, &va, &pf, &pn);
    if (status == CLI_OK && pn == 0) {
        if (rank == 0)
            cli_usage_error("run: --shard %llu/%llu: that part of the %llu trials holds no trial: "
                            "take N at most the number of trials",
                            (unsigned long long)va.shard, (unsigned long long)va.shards,
                            (unsigned long long)cs_engine_scenario(e)->trials);
        status = CLI_USAGE;
    }
    char work[4096], final[4096];
    bool nothing = false;
    if (status == CLI_OK && va.resume_or_start && !va.dry_run && !check_only)
        status = resume_or_start(&va, e, mpi, rank, work, final, sizeof work, &nothing);
    if (nothing) check_only = true;
    if (status == CLI_OK && va.output != NULL && !va.dry_run)
        status = check_output(&va, e, mpi, rank);
    /* Under mpirun, --dry-run checks the input on every rank and times it on rank 0 only. */
    if (mpi && va.dry_run && rank != 0) check_only = true;
    /* Nothing is created or opened once a stop was requested (any stage, any rank). */
    if (status == CLI_INTERRUPTED && !mpi) status = stopped_before_output(&va, rank);
    if (status == CLI_OK && !check_only && !va.dry_run && stop_agreed(mpi))
        status = stopped_before_output(&va, rank);
    if (status == CLI_OK && !check_only)
        status =
            mpi && !va.dry_run ? execute_mpi(e, &va, cs_mpi_world(), out) : execute(e, &va, out);
    cs_engine_free(e);
    cs_scenario_free(sc);
    free(va.sets);
    return status;
}

/* After a sweep: one line per variant, so that planners see them side by side. */
static void print_sweep(const cli_variants *vs, const run_outcome *o)
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

/*
 * Runs every variant of the job in turn (all ranks together under MPI). Every variant is loaded
 * and checked before the first runs, so a bad value in a sweep stops the job before any output.
 * An interrupted variant ends the job.
 */
static int run_job(const run_args *a, bool mpi, int rank)
{
    cli_variants vs;
    char msg[512];
    int status = cli_variants_expand(a->scenarios, a->nscen, a->sweeps, a->nsweeps, a->output, &vs,
                                     msg, sizeof msg);
    if (status != CLI_OK) {
        if (rank == 0) cli_message("%s", msg);
        return status;
    }
    run_outcome *o = calloc(vs.n, sizeof *o);
    if (o == NULL) status = cli_usage_error("out of memory");
    for (size_t i = 0; vs.n > 1 && status == CLI_OK && i < vs.n; i++)
        status = run_variant(a, &vs.v[i], mpi, rank, true, &o[i]);
    for (size_t i = 0; status == CLI_OK && i < vs.n; i++)
        status = run_variant(a, &vs.v[i], mpi, rank, false, &o[i]);
    if (vs.n > 1 && rank == 0 && !a->quiet && !a->dry_run && o != NULL &&
        (status == CLI_OK || status == CLI_INTERRUPTED))
        print_sweep(&vs, o);
    free(o);
    cli_variants_free(&vs);
    return status;
}

int cmd_run(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (cli_is_help(argv[i])) {
            fputs(usage, stdout);
            return CLI_OK;
        }
    install_handlers();
    /* MPI only when a launcher started us: a plain run stays a plain process. */
    const bool mpi = cs_mpi_launched();
    int rank = 0, size = 1;
    cs_error err = CS_ERROR_INIT;
    if (mpi && (cs_mpi_start(&rank, &size, &err) != CS_OK ||
                cs_mpi_on_io_failure(on_io_failure, &err) != CS_OK)) {
        cli_message("run: %s", err.msg);
        return CLI_FAIL;
    }
    hook_init(rank);
    run_args a;
    int status = parse_args(argc, argv, &a);
    stop_after_set = status == CLI_OK && a.stop_after > 0;
    hook_stage("start", 0);
    /* --resume FILE works on FILE.tmp when a run was killed before it renamed it (outfile.h). */
    char work[4096], final[4096];
    bool renamed = false;
    if (status == CLI_OK && a.resume != NULL) {
        if (cs_outfile_resume_name(a.resume, work, sizeof work, final, sizeof final, &renamed,
                                   &err) != CS_OK)
            status = report(rank, &err);
        a.resume = work;
        a.resume_final = final;
        (void)renamed; /* open_results compares the names */
    }
    /* A run killed by SIGKILL left its file flagged open: rank 0 clears the flag first. */
    if (status == CLI_OK && a.resume != NULL && rank == 0 &&
        cs_results_recover(a.resume, &err) != CS_OK)
        status = report(rank, &err);
    status = cs_mpi_share_int(mpi ? cs_mpi_world() : CS_COMM_NONE, status);
    if (status == CLI_OK && a.resume != NULL &&
        cs_results_part_range(a.resume, &a.part_first, &a.part_trials, &err) != CS_OK)
        status = report(rank, &err);
    /* A SCENARIO that is no file may be a bundled scenario's name (cablesim scenarios). */
    char(*found)[4096] = status == CLI_OK ? calloc(a.nscen + 1, sizeof *found) : NULL;
    if (status == CLI_OK && found == NULL) status = cli_usage_error("out of memory");
    for (size_t i = 0; status == CLI_OK && i < a.nscen; i++) {
        status = cli_scenario_file(a.scenarios[i], found[i], sizeof found[i]);
        a.scenarios[i] = found[i];
    }
    status = cs_mpi_share_int(mpi ? cs_mpi_world() : CS_COMM_NONE, status);
    if (status == CLI_OK) status = run_job(&a, mpi, rank);
    free(found);
    free(a.sets);
    free(a.scenarios);
    free(a.sweeps);
    if (mpi) cs_mpi_stop();
    return status;
}
