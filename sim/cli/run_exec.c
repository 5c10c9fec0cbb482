/*
 * run_exec.c: a variant's run into its results file (`cablesim run`): the file created (under
 * a temporary name, renamed once complete) or reopened to resume, the trials run on one process
 * (execute) or under MPI in blocks on demand (execute_mpi, docs/hpc.md), the stop and the exit
 * status, the summary printed.
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

static char *iso_now(char *buf, size_t n)
{
    const time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/* The trials this run covers: all of the scenario's, or a part's (--shard, or resumed). */
void run_range(const cs_engine_t *e, const run_args *a, uint64_t *first, uint64_t *n)
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

/* Under MPI: the file being written, and its final name, for run_on_io_failure. */
static char io_path[4096], io_final[4096];

/*
 * A write of the file failed (a full disk, `ulimit -f`), inside MPI-IO: one line, then the job
 * ends at once (status 1), since parallel HDF5 cannot go on or close the file after it
 * (mpirun.h). The file is left as a kill leaves it: --resume goes on from its last commit. The
 * rank whose write failed says so; a rank that only learned of it from a collective call leaves
 * it the time to (its MPI_Abort ends this process) so that the job prints one line, and speaks
 * and stops itself only when no rank did within 30 s (signals do not cut the wait short).
 */
void run_on_io_failure(const char *cause, bool own)
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

/* Rank 0's status, on every rank (CS_COMM_NONE: rc as is); only rank 0 has the message. */
cs_status run_rank0_status(cs_status rc, cs_comm comm, cs_error *err)
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
    cs_results_meta meta = {.scenario = cs_engine_scenario(e),
                            .topology = cs_engine_topology(e),
                            .demand = cs_engine_demand(e),
                            .baseline = cs_engine_baseline(e),
                            .pairs = cs_engine_pairs(e),
                            .software_version = cs_version(),
                            .created = iso_now(created, sizeof created),
                            .part_first = part_first,
                            .part_trials = part_n,
                            .recovery = cs_engine_recovery(e),
                            .regions = cs_engine_regions(e),
                            .held_tbps = cs_engine_held(e),
                            .intact = NULL};
    *first = part_first;
    if (a->resume != NULL) {
        snprintf(io_path, sizeof io_path, "%s", a->resume);
        snprintf(io_final, sizeof io_final, "%s", a->resume_final);
        const cs_status rc =
            cs_results_resume_mpi(w, a->resume, &meta, comm, a->resume_checked, err);
        if (rc == CS_OK) *first = part_first + cs_results_written(*w);
        if (rc == CS_OK && strcmp(a->resume, a->resume_final) != 0)
            snprintf(tmp, tmp_n, "%s", a->resume);
        return rc;
    }
    if (a->output == NULL) return CS_OK;
    int rank = 0, size = 1;
    cs_mpi_rank_size(comm, &rank, &size);
    cs_status rc = rank == 0 ? cs_outfile_claim(a->output, tmp, tmp_n, err) : CS_OK;
    if (run_rank0_status(rc, comm, err) != CS_OK) return err->code;
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

/* After the file was closed: gives it its name and, when it is complete, compacts it (rank 0;
 * a file resumed in place, tmp "", when it has outcome tables to write as dictionary tables,
 * format 4; with the outcome tables its writer kept, or NULL); *seconds receives the time this
 * took. */
static cs_status name_results(const char *tmp, const char *name, bool resumed, int rank,
                              const cs_results_tables *kept, double *seconds, cs_error *err)
{
    const double t0 = cli_now_s();
    *seconds = 0.0;
    if (rank != 0 || (tmp[0] == '\0' && !(resumed && cs_results_wants_dictionary(name))))
        return CS_OK;
    bool compacted = false;
    cs_status rc = tmp[0] != '\0' ? cs_outfile_commit(tmp, name, err) : CS_OK;
    if (rc == CS_OK && cs_results_compact_kept(name, kept, &compacted, err) != CS_OK) {
        const size_t n = strlen(err->msg); /* the complete file is untouched: say so */
        snprintf(err->msg + n, sizeof err->msg - n,
                 " (compacting the file failed: it is complete as written, uncompacted)");
        rc = err->code;
    }
    *seconds = cli_now_s() - t0;
    return rc;
}

static const char *results_name(const run_args *a)
{
    return a->resume != NULL ? a->resume_final : a->output;
}

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
    run_progress_state ps;
    const run_args *a;
    uint64_t writes, last_done;
    void (*show)(void *ctx, uint64_t done, uint64_t total);
} run_progress;

static void after_write(run_progress *p, uint64_t done)
{
    if (done <= p->last_done) return;
    p->last_done = done;
    p->writes++;
    run_hook_stage("write", p->writes);
    if (p->a->stop_after > 0 && p->writes >= p->a->stop_after) run_stop_requested = 1;
}

static void serial_progress(void *ctx, uint64_t done, uint64_t total)
{
    run_progress *p = ctx;
    after_write(p, done);
    if (p->show != NULL) p->show(&p->ps, done, total);
}

/*
 * How the run writes its batches (docs/hpc.md, "Writing on a second thread"): CABLESIM_WRITE=
 * sync (the run's own thread), wait (a writer thread, waited for after each batch) or ahead (a
 * writer thread writing while the run routes the next batch; the default). The test hook at a
 * write and --stop-after-batches count commits: the run then waits for each write, so that
 * they stop after exactly N of them. false after the message when the variable is bad.
 */
static bool write_mode(const run_args *a, cs_write_mode *mode)
{
    const char *v = getenv("CABLESIM_WRITE");
    *mode = CS_WRITE_AHEAD;
    if (v == NULL || v[0] == '\0' || strcmp(v, "ahead") == 0)
        ;
    else if (strcmp(v, "wait") == 0)
        *mode = CS_WRITE_WAIT;
    else if (strcmp(v, "sync") == 0)
        *mode = CS_WRITE_SYNC;
    else {
        cli_usage_error("run: CABLESIM_WRITE: expected sync, wait or ahead, found \"%s\"", v);
        return false;
    }
    if (*mode == CS_WRITE_AHEAD && (run_hook_at_writes() || a->stop_after > 0))
        *mode = CS_WRITE_WAIT;
    return true;
}

int run_execute(cs_engine_t *e, const run_args *a, run_outcome *out)
{
    cs_write_mode mode;
    if (!write_mode(a, &mode)) return CLI_USAGE;
    cs_error err = CS_ERROR_INIT;
    cs_run_summary sum;
    if (cs_run_summary_init(&sum, e, &err) != CS_OK) return cli_report(&err);
    int status = CLI_OK;
    if (a->dry_run) {
        status = run_dry_run(e, &sum);
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
    run_progress ps = {.ps = {cli_now_s(), 0.0, 0, 0}, .a = a};
    if (a->progress && !a->quiet)
        ps.show = isatty(STDERR_FILENO) ? run_on_progress : run_on_progress_log;
    cs_engine_options o = CS_ENGINE_OPTIONS_INIT;
    o.first_trial = first;
    o.n_trials = range_first + range_n - first;
    o.stop = &run_stop_requested;
    o.progress = serial_progress;
    o.progress_ctx = &ps;
    o.write_mode = mode;
    run_hook_stage("output", 0);
    const cs_status rc = cs_engine_run(e, w, &o, &sum, &err);
    double seconds = cli_now_s() - ps.ps.start, write_s = cs_results_write_seconds(w);
    const double thread_s = cs_results_thread_seconds(w);
    cs_error cerr = CS_ERROR_INIT;
    cs_results_tables *kept = NULL; /* the outcome tables, for the compaction */
    cs_status crc = cs_results_close_keep(w, rc == CS_OK, &kept, &cerr);
    double compact_s = 0.0; /* part of the writing */
    if (crc == CS_OK)
        crc = name_results(tmp, results_name(a), a->resume != NULL, 0, kept, &compact_s, &cerr);
    cs_results_tables_free(kept);
    seconds += compact_s;
    write_s += compact_s;
    if (rc == CS_EINTR) {
        if (w != NULL)
            cli_message("%s: %s; %s left incomplete (cablesim run --resume %s continues "
                        "it)",
                        run_stop_cause(), err.msg, results_name(a), results_name(a));
        else
            cli_message("%s: %s", run_stop_cause(), err.msg);
        status = CLI_INTERRUPTED;
    } else if (rc != CS_OK) {
        status = cli_report(&err);
    } else if (crc != CS_OK) {
        status = cli_report(&cerr);
    }
    if (!a->quiet && (rc == CS_OK || rc == CS_EINTR))
        run_print_summary(e, &sum, seconds, write_s, thread_s, results_name(a));
    outcome_of(&sum, out);
    cs_run_summary_destroy(&sum);
    return status;
}

/* ------------------------------------------------------------------ MPI */

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
    run_hook_stage("write", c->rp.writes);
    if (c->rank != 0 || c->rp.a->quiet || !c->rp.a->progress) return;
    if (isatty(STDERR_FILENO)) {
        run_on_progress(&c->rp.ps, done, total);
        return;
    }
    const double t = cli_now_s() - c->rp.ps.start, rate = (double)done / fmax(t, 1e-9);
    char eta[32];
    run_format_eta((double)(total - done) / fmax(rate, 1e-9), eta, sizeof eta);
    cli_message("%llu/%llu blocks written, %llu/%llu trials run, %.0f trials/s, "
                "ETA %s",
                (unsigned long long)blocks, (unsigned long long)nblocks, (unsigned long long)done,
                (unsigned long long)total, rate, eta);
}

/* The run under MPI (mpirun.h): blocks on demand, written epoch by epoch. */
int run_execute_mpi(cs_engine_t *e, const run_args *a, cs_comm comm, run_outcome *out)
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
        /* Failed on this rank alone while the file was made: the others may wait inside HDF5. */
        if (cs_results_failed_alone(w)) abort_run(&err, comm);
        cs_run_summary_destroy(&sum);
        return run_report(rank, &err);
    }
    if (cs_run_summary_add_written(&sum, e, w, rank == 0, &err) != CS_OK) abort_run(&err, comm);
    uint64_t range_first = 0, range_n = 0;
    run_range(e, a, &range_first, &range_n);
    mpi_progress_ctx pc = {.rp = {.ps = {cli_now_s(), 0.0, 0, 0}, .a = a}, .rank = rank};
    /* A block of a batch writes whole chunks (sim/src/results/writer.c). */
    const cs_mpirun_options o = {.comm = comm,
                                 .start = first,
                                 .end = range_first + range_n,
                                 .block = a->block > 0 ? a->block
                                                       : cs_engine_scenario(e)->output.batch_trials,
                                 .cache_slots = CS_ENGINE_CACHE_SLOTS,
                                 .stop = &run_stop_requested,
                                 .stop_after_blocks = a->stop_after,
                                 .progress = mpi_progress,
                                 .progress_ctx = &pc};
    run_hook_stage("output", 0);
    uint64_t done = 0;
    if (cs_mpirun(e, w, &o, &sum, &done, &err) != CS_OK) {
        /* A failed write of the file agreed by every rank (results.h): rank 0 alone says so;
         * one that failed inside a collective call of HDF5 on this rank alone, or any other
         * error: this rank says so, as the others know nothing of it. HDF5 cannot close the
         * file collectively after that (the ranks' caches differ, or some wait inside HDF5):
         * the job ends at once without closing it, as a kill would, and --resume goes back to
         * its last commit. */
        const bool agreed = cs_results_failed(w) && !cs_results_failed_alone(w);
        cs_mpi_abort(comm, agreed ? run_report(rank, &err) : cli_report(&err));
    }
    double seconds = cli_now_s() - pc.rp.ps.start, write_s = cs_results_write_seconds(w);
    const bool stopped = first + done < o.end;
    sum.interrupted = stopped;
    if (cs_run_summary_reduce(&sum, e, comm, &err) != CS_OK) abort_run(&err, comm);
    cs_error cerr = CS_ERROR_INIT;
    int status = CLI_OK;
    double compact_s = 0.0; /* part of the writing */
    if (cs_results_close(w, !stopped, &cerr) != CS_OK ||
        name_results(tmp, results_name(a), a->resume != NULL, rank, NULL, &compact_s, &cerr) !=
            CS_OK)
        status = run_report(rank, &cerr);
    seconds += compact_s;
    write_s += compact_s;
    if (stopped) {
        if (rank == 0 && w != NULL)
            cli_message("%s: interrupted after %llu of %llu trials; %s left incomplete "
                        "(cablesim run --resume %s continues it)",
                        run_stop_cause(), (unsigned long long)(first + done - range_first),
                        (unsigned long long)range_n, results_name(a), results_name(a));
        else if (rank == 0)
            cli_message("%s: interrupted after %llu of %llu trials", run_stop_cause(),
                        (unsigned long long)(first + done - range_first),
                        (unsigned long long)range_n);
        status = CLI_INTERRUPTED;
    }
    if (rank == 0 && !a->quiet) run_print_summary(e, &sum, seconds, write_s, 0.0, results_name(a));
    outcome_of(&sum, out);
    cs_run_summary_destroy(&sum);
    return status;
}
