/*
 * run.h: what the parts of `cablesim run` share (cmd_run.c: usage, options, signals and the test
 * hook, loading and checking a variant, the sweep of variants, the command; run_exec.c: the run
 * into the results file, on one process and under MPI; run_output.c: the progress line, the
 * summary, the dry run's estimate and the sweep table; run_resume.c: --resume-or-start's
 * decision). Internal to the CLI.
 */
#ifndef CS_CLI_RUN_H
#define CS_CLI_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cablesim/engine.h"
#include "cablesim/inspect.h"
#include "cablesim/mpirun.h"
#include "sweep.h"

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
    cs_file_checked
        *resume_checked; /* the raw check of the file to resume (inspect.h): read whole
                            once by this process while it is unchanged; cmd_run owns it */
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

typedef struct {
    double start, last;
    uint64_t offset, total;
} run_progress_state;

/* What the sweep table shows of a variant's run. */
typedef struct {
    uint64_t trials;
    double mean, half, max; /* expected unserved Tbps, 95% CI half-width, worst trial's */
    bool ran;
} run_outcome;

/* Set by the signal handlers, the test hook and --stop-after-batches (cmd_run.c). */
extern volatile sig_atomic_t run_stop_requested;

/* cmd_run.c */
/* Raises the hook's signal when stage (and, for "write", the count n) is the hook's. */
void run_hook_stage(const char *stage, uint64_t n);
/* Whether the hook is armed at a write ("write=N"): the run then waits for each write. */
bool run_hook_at_writes(void);
/* What stopped the run, for messages: the signal ("SIGTERM"), the option, or another rank. */
const char *run_stop_cause(void);
/* Under MPI every rank checks the input, but only rank 0 says what is wrong. */
int run_report(int rank, const cs_error *err);

/* run_exec.c */
/* The trials this run covers: all of the scenario's, or a part's (--shard, or resumed). */
void run_range(const cs_engine_t *e, const run_args *a, uint64_t *first, uint64_t *n);
/* Rank 0's status, on every rank (CS_COMM_NONE: rc as is); only rank 0 has the message. */
cs_status run_rank0_status(cs_status rc, cs_comm comm, cs_error *err);
/* The MPI-IO write failure handler (cs_mpi_on_io_failure): one line, then the job ends (1). */
void run_on_io_failure(const char *cause, bool own);
/* The run on one process: the trials into the results file, the summary printed. */
int run_execute(cs_engine_t *e, const run_args *a, run_outcome *out);
/* The run under MPI (mpirun.h): blocks on demand, written epoch by epoch. */
int run_execute_mpi(cs_engine_t *e, const run_args *a, cs_comm comm, run_outcome *out);

/* run_output.c */
/* s seconds as H:MM:SS into buf. */
void run_format_eta(double s, char *buf, size_t n);
/* The progress line on a terminal (stderr), at most four times a second. */
void run_on_progress(void *ctx, uint64_t done, uint64_t total);
/* Progress into a log (stderr not a terminal): a line per batch written, at most one every
 * LOG_EVERY seconds, and the last one if any was printed, so short runs print none. */
void run_on_progress_log(void *ctx, uint64_t done, uint64_t total);
/* Prints the summary of a run of s into out (seconds: its duration); write_s: the time the run
 * spent writing the results or waiting for them (rank 0's, under MPI: the writes are
 * collective); thread_s: the time a writer thread spent writing them alongside (0: none). */
void run_print_summary(cs_engine_t *e, const cs_run_summary *s, double seconds, double write_s,
                       double thread_s, const char *out);
/* Times a sample of trials and prints the estimated run time and output size. */
int run_dry_run(cs_engine_t *e, cs_run_summary *sum);
/* After a sweep: one line per variant, so that planners see them side by side. */
void run_print_sweep(const cli_variants *vs, const run_outcome *o);

/* run_resume.c */
/*
 * --resume-or-start: rank 0 looks at -o FILE (or FILE.tmp, left by a killed run) and every rank
 * follows: a new file; a resume (va->resume set to the file, va->output cleared); or nothing to
 * do (*nothing). Returns an exit status.
 */
int run_resume_or_start(run_args *va, const cs_engine_t *e, bool mpi, int rank, char *work,
                        char *final, size_t n, bool *nothing);

#endif /* CS_CLI_RUN_H */
