/*
 * cmd_run.c: `cablesim run`: run a scenario's trials, write the results file, print a summary.
 * This file owns the usage, the options, the signal handlers and the CABLESIM_RAISE test hook,
 * loading and checking each variant, the job of variants (--sweep) and the command; run.h lists
 * the other parts (run_exec.c, run_output.c, run_resume.c). Input is validated in full before
 * any output is created.
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
#include "run.h"
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

enum { MAX_BLOCK = 1000000, MAX_SHARDS = 1000000 };

volatile sig_atomic_t run_stop_requested;
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    run_stop_requested = 1;
    if (stop_signal == 0) stop_signal = sig;
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
void run_hook_stage(const char *stage, uint64_t n)
{
    if (hook.sig != 0 && strcmp(stage, hook.stage) == 0 && n == hook.n) raise(hook.sig);
}

/* Whether the hook is armed at a write ("write=N"): the run then waits for each write. */
bool run_hook_at_writes(void)
{
    return hook.sig != 0 && strcmp(hook.stage, "write") == 0;
}

/* What stopped the run, for messages: the signal ("SIGTERM"), the option, or another rank. */
const char *run_stop_cause(void)
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

/* Under MPI every rank checks the input, but only rank 0 says what is wrong. */
int run_report(int rank, const cs_error *err)
{
    return rank == 0 ? cli_report(err) : cli_status(err->code);
}

/* Loads the scenario stored in the results file being resumed, finding its inputs again. */
static cs_status load_resumed(cs_scenario **sc, const char *path, cs_file_checked *seen,
                              cs_error *err)
{
    return cs_results_load_scenario(sc, path, seen, err);
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
    return cs_mpi_any(mpi ? cs_mpi_world() : CS_COMM_NONE, run_stop_requested != 0);
}

/* A stop before the results file is created or opened: nothing is written. */
static int stopped_before_output(const run_args *a, int rank)
{
    if (rank != 0) return CLI_INTERRUPTED;
    if (a->resume != NULL)
        cli_message("%s: stopped while loading; %s unchanged (cablesim run --resume "
                    "%s continues it)",
                    run_stop_cause(), a->resume, a->resume);
    else
        cli_message("%s: stopped while loading, before any output: nothing "
                    "written",
                    run_stop_cause());
    return CLI_INTERRUPTED;
}

/*
 * Loads the scenario (given, default, or stored in the file to resume) and its engine; a
 * failure's message goes to *err, unsaid. A stop request ends a one-process load at the next
 * stage; under MPI every rank loads in full (so that all see the same input errors) and the
 * ranks agree on the stop before any output.
 */
static int load(const run_args *a, bool mpi, int rank, cs_scenario **sc, cs_engine_t **e,
                cs_error *err)
{
    char path[4096];
    if (a->scenario == NULL && a->resume == NULL &&
        cs_data_path(path, sizeof path, "scenarios/baseline.yaml", err) != CS_OK)
        return cli_status(err->code);
    if (a->resume != NULL && load_resumed(sc, a->resume, a->resume_checked, err) != CS_OK)
        return cli_status(err->code);
    if (a->resume == NULL && cs_scenario_load(sc, a->scenario ? a->scenario : path, a->sets,
                                              a->nsets, cli_current_year(), err) != CS_OK)
        return cli_status(err->code);
    run_hook_stage("scenario", 0);
    if (!mpi && run_stop_requested) return CLI_INTERRUPTED;
    if (cs_engine_alloc(e, *sc, err) != CS_OK) return cli_status(err->code);
    /* After every check, so that invalid input still gets its one-line error only. */
    if (a->resume == NULL && (*sc)->as_of_default && rank == 0)
        cli_message("warning: %s: no as_of: using the network of %d (the current year); set "
                    "as_of to fix the network year",
                    a->scenario ? a->scenario : path, (*sc)->as_of);
    run_hook_stage("engine", 0);
    return CLI_OK;
}

/*
 * The ranks' load statuses agreed (one process: status as is). Rank 0 says what is wrong; a rank
 * whose load failed where rank 0's did not (an input that another node cannot read, say) says
 * it itself, since rank 0 cannot; every rank then ends with the largest status. Until session
 * 21 such a rank returned alone and the others waited for it in the next collective call.
 */
static int agree_load(int status, const cs_error *err, bool mpi, int rank)
{
    const int rank0 = mpi ? cs_mpi_share_int(cs_mpi_world(), status) : status;
    if (status != CLI_OK && err->code != CS_OK && (rank == 0 || rank0 == CLI_OK)) cli_report(err);
    return mpi ? cs_mpi_max_int(cs_mpi_world(), status) : status;
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
    rc = run_rank0_status(rc, mpi ? cs_mpi_world() : CS_COMM_NONE, &err);
    return rc == CS_OK ? CLI_OK : run_report(rank, &err);
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
    if (status == CLI_OK) {
        cs_error err = CS_ERROR_INIT;
        status = agree_load(load(&va, mpi, rank, &sc, &e, &err), &err, mpi, rank);
    }
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
        status = run_resume_or_start(&va, e, mpi, rank, work, final, sizeof work, &nothing);
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
        status = mpi && !va.dry_run ? run_execute_mpi(e, &va, cs_mpi_world(), out)
                                    : run_execute(e, &va, out);
    cs_engine_free(e);
    cs_scenario_free(sc);
    free(va.sets);
    return status;
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
        run_print_sweep(&vs, o);
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
                cs_mpi_on_io_failure(run_on_io_failure, &err) != CS_OK)) {
        cli_message("run: %s", err.msg);
        return CLI_FAIL;
    }
    hook_init(rank);
    run_args a;
    int status = parse_args(argc, argv, &a);
    cs_file_checked resume_checked = CS_FILE_CHECKED_INIT;
    a.resume_checked = &resume_checked;
    stop_after_set = status == CLI_OK && a.stop_after > 0;
    run_hook_stage("start", 0);
    /* --resume FILE works on FILE.tmp when a run was killed before it renamed it (outfile.h). */
    char work[4096], final[4096];
    bool renamed = false;
    if (status == CLI_OK && a.resume != NULL) {
        if (cs_outfile_resume_name(a.resume, work, sizeof work, final, sizeof final, &renamed,
                                   &err) != CS_OK)
            status = run_report(rank, &err);
        a.resume = work;
        a.resume_final = final;
        (void)renamed; /* open_results compares the names */
    }
    /* A run killed by SIGKILL left its file flagged open: rank 0 clears the flag first. */
    if (status == CLI_OK && a.resume != NULL && rank == 0 &&
        cs_results_recover(a.resume, &err) != CS_OK)
        status = run_report(rank, &err);
    /* Rank 0 reads the file first (its global heaps checked on the raw bytes, a read of the
     * whole file) and every rank gets the verdict; the others then read only what they need. */
    if (status == CLI_OK && a.resume != NULL && rank == 0 &&
        cs_results_part_range(a.resume, a.resume_checked, &a.part_first, &a.part_trials, &err) !=
            CS_OK)
        status = run_report(rank, &err);
    status = cs_mpi_share_int(mpi ? cs_mpi_world() : CS_COMM_NONE, status);
    /* Rank 0 found the file whole; a rank that cannot read it here (another file system view,
     * the file replaced meanwhile) says why itself, rank 0 not knowing, and every rank stops. */
    if (status == CLI_OK && a.resume != NULL && rank != 0) {
        cs_file_checked_vouch(a.resume_checked, a.resume);
        if (cs_results_part_range(a.resume, a.resume_checked, &a.part_first, &a.part_trials,
                                  &err) != CS_OK)
            status = cli_report(&err);
    }
    /* A SCENARIO that is no file may be a bundled scenario's name (cablesim scenarios). */
    char(*found)[4096] = status == CLI_OK ? calloc(a.nscen + 1, sizeof *found) : NULL;
    if (status == CLI_OK && found == NULL) status = cli_usage_error("out of memory");
    for (size_t i = 0; status == CLI_OK && i < a.nscen; i++) {
        status = cli_scenario_file(a.scenarios[i], found[i], sizeof found[i]);
        a.scenarios[i] = found[i];
    }
    /* Every rank's failure since the last agreement counts (not only rank 0's). */
    status = cs_mpi_max_int(mpi ? cs_mpi_world() : CS_COMM_NONE, status);
    if (status == CLI_OK) status = run_job(&a, mpi, rank);
    free(found);
    free(a.sets);
    free(a.scenarios);
    free(a.sweeps);
    if (mpi) cs_mpi_stop();
    return status;
}
