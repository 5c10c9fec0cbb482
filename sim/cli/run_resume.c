/*
 * run_resume.c: `cablesim run --resume-or-start -o FILE`: rank 0 looks at FILE (or FILE.tmp, left
 * by a killed run) and decides to start, resume or leave it; every rank follows.
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
    /* a killed run's flag, when no one holds the file (for FILE itself: in
     * cs_file_inspect_recovering, which leaves a complete file cut short as it is) */
    if (strcmp(work, a->output) != 0) cs_results_recover(work, &quiet);
    /* FILE.tmp without a readable commit record of at least one trial: its run was killed
     * while making it (the first record, of 0 trials, is made with the file, and a kill during
     * its flush can tear the root attributes); nothing in it was committed
     * (docs/hdf5-schema.md), so it is made again. */
    if (strcmp(work, a->output) != 0 && !cs_file_held(work) &&
        !cs_results_has_commit(work, a->resume_checked)) {
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
    if (cs_file_inspect_recovering(work, a->resume_checked, &info, &err) != CS_OK)
        return -cli_report(&err);
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
    /* A complete FILE.tmp: its run was killed after its last write, before renaming it. A
     * complete FILE whose compaction was stopped (a kill, a full disk: it keeps dense outcome
     * tables, and FILE.compact.tmp may be left) is compacted now, so that the file becomes the
     * one an uninterrupted run writes (docs/hdf5-schema.md, "Compaction"). */
    bool compacted = false;
    if (d == NOTHING && strcmp(work, a->output) != 0 &&
        (cs_outfile_commit(work, a->output, &err) != CS_OK ||
         cs_results_compact(a->output, &compacted, &err) != CS_OK))
        d = -cli_report(&err);
    else if (d == NOTHING && cs_results_wants_dictionary(work) &&
             cs_results_compact(work, &compacted, &err) != CS_OK)
        d = -cli_report(&err);
    cs_file_info_destroy(&info);
    return d;
}

/*
 * --resume-or-start: rank 0 looks at -o FILE (or FILE.tmp, left by a killed run) and every rank
 * follows: a new file; a resume (va->resume set to the file, va->output cleared); or nothing to
 * do (*nothing). Returns an exit status.
 */
int run_resume_or_start(run_args *va, const cs_engine_t *e, bool mpi, int rank, char *work,
                        char *final, size_t n, bool *nothing)
{
    *nothing = false;
    bool renamed = false;
    cs_error err = CS_ERROR_INIT;
    if (cs_outfile_resume_name(va->output, work, n, final, n, &renamed, &err) != CS_OK)
        return run_report(rank, &err);
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
