/*
 * mpirun.c: blocks on demand over MPI ranks, written epoch by epoch (mpirun.h).
 *
 * Implementation notes. Block numbers come from a counter on rank 0 (MPI_Fetch_and_op on an
 * MPI_Win_allocate'd window, passive target). Epoch k holds blocks [k F, (k + 1) F) with
 * F = CS_MPIRUN_EPOCH_BLOCKS x ranks. A rank is ready for epoch k once it can take no block of
 * it any more: it has taken a block at or beyond the epoch's end (the counter only grows, so
 * every block of the epoch has been taken) or the counter ran out. As a rank runs the blocks it
 * takes in the order it takes them, a ready rank has run all of its blocks of the epoch. It then
 * posts a non-blocking reduction (MPI_Iallreduce) and goes on taking and running blocks while
 * it tests it; when the reduction completes, every rank is ready, every block of the epoch is
 * run, and the ranks write the epoch in one collective cs_results_write_batches(). The
 * reduction also tells whether any rank has work left after the epoch.
 *
 * A stop request adds STOP_BUMP to the counter instead of 1: every later take sees a number
 * past the end, so the blocks taken (all below the one taken with the bump) are exactly the
 * blocks before it, run, written, and the file holds a prefix of the trials. stop_after_blocks
 * works the same way without the bump: a block number at or past it is not run, and every
 * block below it is (the counter only grows).
 */
#include "cablesim/mpirun.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint64_t STOP_BUMP = UINT64_C(1) << 62;

/* --------------------------------------------------------------- counter */

typedef struct {
    MPI_Win win;
    uint64_t *value; /* on rank 0 */
    bool locked;
} block_counter;

static cs_status counter_init(block_counter *c, MPI_Comm comm, int rank, cs_error *err)
{
    memset(c, 0, sizeof *c);
    c->win = MPI_WIN_NULL;
    const MPI_Aint bytes = rank == 0 ? (MPI_Aint)sizeof(uint64_t) : 0;
    if (MPI_Win_allocate(bytes, sizeof(uint64_t), MPI_INFO_NULL, comm, &c->value, &c->win) !=
        MPI_SUCCESS)
        return cs_errorf(err, CS_EIO, "MPI could not allocate the block counter");
    if (rank == 0) *c->value = 0;
    /* Nobody takes a block before rank 0 has set the counter. */
    if (MPI_Barrier(comm) != MPI_SUCCESS ||
        MPI_Win_lock_all(MPI_MODE_NOCHECK, c->win) != MPI_SUCCESS)
        return cs_errorf(err, CS_EIO, "MPI could not open the block counter");
    c->locked = true;
    return CS_OK;
}

static void counter_destroy(block_counter *c)
{
    if (c->locked) MPI_Win_unlock_all(c->win);
    if (c->win != MPI_WIN_NULL) MPI_Win_free(&c->win);
}

/* Adds add to the counter and returns its value before. */
static cs_status counter_take(block_counter *c, uint64_t add, uint64_t *old, cs_error *err)
{
    if (MPI_Fetch_and_op(&add, old, MPI_UINT64_T, 0, 0, MPI_SUM, c->win) != MPI_SUCCESS ||
        MPI_Win_flush(0, c->win) != MPI_SUCCESS)
        return cs_errorf(err, CS_EIO, "MPI could not take a block from the counter");
    return CS_OK;
}

/* ------------------------------------------------------------ held blocks */

/* The blocks a rank has run and not written yet, in batches allocated once and reused. */
typedef struct {
    cs_trial_batch **b;
    uint64_t *block; /* UINT64_MAX: free */
    size_t n, cap;   /* batches allocated, room */
} held_blocks;

static size_t held_count(const held_blocks *h)
{
    size_t k = 0;
    for (size_t i = 0; i < h->n; i++)
        k += h->block[i] != UINT64_MAX;
    return k;
}

/* A free batch for block, allocated when none is free. */
static cs_status held_slot(held_blocks *h, const cs_engine_t *e, uint64_t block, size_t rows,
                           cs_trial_batch **out, cs_error *err)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->block[i] == UINT64_MAX) {
            h->block[i] = block;
            *out = h->b[i];
            return CS_OK;
        }
    if (h->n == h->cap) {
        const size_t cap = h->cap ? 2 * h->cap : CS_MPIRUN_MAX_HELD + 1;
        cs_trial_batch **nb = realloc(h->b, cap * sizeof *nb);
        if (nb != NULL) h->b = nb;
        uint64_t *nk = nb != NULL ? realloc(h->block, cap * sizeof *nk) : NULL;
        if (nk == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for blocks");
        h->block = nk;
        h->cap = cap;
    }
    const cs_topology_t *t = cs_engine_topology(e);
    cs_trial_batch *b = malloc(sizeof *b);
    if (b == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for blocks");
    cs_status rc =
        cs_trial_batch_init(b, rows, cs_demand_count(cs_engine_demand(e)),
                            cs_topology_edge_count(t), cs_topology_node_count(t),
                            cs_engine_pairs(e)->n, cs_engine_scenario(e)->output.edge_flow, err);
    if (rc == CS_OK && (rc = cs_engine_batch_recovery(e, b, err)) != CS_OK)
        cs_trial_batch_destroy(b);
    if (rc != CS_OK) {
        free(b);
        return rc;
    }
    h->b[h->n] = b;
    h->block[h->n] = block;
    h->n++;
    *out = b;
    return CS_OK;
}

static void held_destroy(held_blocks *h)
{
    for (size_t i = 0; i < h->n; i++) {
        cs_trial_batch_destroy(h->b[i]);
        free(h->b[i]);
    }
    free(h->b);
    free(h->block);
}

/* ------------------------------------------------------------------ run */

typedef struct {
    cs_engine_t *e;
    cs_results_t *w;
    const cs_mpirun_options *o;
    cs_run_summary *sum;
    int rank, size;
    uint64_t nblocks, epoch_blocks;
    block_counter counter;
    held_blocks held;
    bool taking;      /* the counter may still give this rank a block */
    uint64_t last;    /* the last block taken (UINT64_MAX: none yet) */
    uint64_t pending; /* taken and not run yet (UINT64_MAX: none) */
    uint64_t epoch;   /* the epoch to write next */
    uint64_t mine;    /* trials this rank has run */
    /* the reduction of the epoch: [0] ranks with work after it, [1] trials run */
    uint64_t send[2], recv[2];
    MPI_Request req;
    bool posted;
} run_state;

static uint64_t epoch_end(const run_state *s)
{
    return (s->epoch + 1) * s->epoch_blocks;
}

/* Takes the next block into s->pending, or learns that there is none. */
static cs_status take(run_state *s, cs_error *err)
{
    const bool stop = s->o->stop != NULL && *s->o->stop != 0;
    uint64_t b = 0;
    const cs_status rc = counter_take(&s->counter, stop ? STOP_BUMP : 1, &b, err);
    if (rc != CS_OK) return rc;
    const bool limit = s->o->stop_after_blocks > 0 && b >= s->o->stop_after_blocks;
    if (stop || b >= s->nblocks || limit) { /* block b is left for --resume */
        s->taking = false;
        return CS_OK;
    }
    s->last = s->pending = b;
    return CS_OK;
}

static cs_status run_pending(run_state *s, cs_error *err)
{
    const uint64_t b = s->pending, first = s->o->start + b * s->o->block;
    const uint64_t n = s->o->end - first < s->o->block ? s->o->end - first : s->o->block;
    cs_trial_batch *batch = NULL;
    cs_status rc = held_slot(&s->held, s->e, b, (size_t)s->o->block, &batch, err);
    if (rc == CS_OK)
        rc = cs_engine_run_block(s->e, first, n, s->o->cache_slots, batch, s->sum, err);
    if (rc == CS_OK) s->mine += n;
    s->pending = UINT64_MAX;
    return rc;
}

/* Whether this rank can take no block of the current epoch any more. */
static bool ready(const run_state *s)
{
    return !s->taking || (s->last != UINT64_MAX && s->last >= epoch_end(s));
}

/* Whether this rank holds or may get a block after the current epoch. */
static bool work_after_epoch(const run_state *s)
{
    if (s->taking || s->pending != UINT64_MAX) return true;
    for (size_t i = 0; i < s->held.n; i++)
        if (s->held.block[i] != UINT64_MAX && s->held.block[i] >= epoch_end(s)) return true;
    return false;
}

static cs_status post(run_state *s, cs_error *err)
{
    s->send[0] = work_after_epoch(s) ? 1 : 0;
    s->send[1] = s->mine;
    if (MPI_Iallreduce(s->send, s->recv, 2, MPI_UINT64_T, MPI_SUM, s->o->comm, &s->req) !=
        MPI_SUCCESS)
        return cs_errorf(err, CS_EIO, "MPI could not start the reduction of an epoch");
    s->posted = true;
    return CS_OK;
}

/* Writes the held blocks of the current epoch (collective) and frees their batches. */
static cs_status write_epoch(run_state *s, cs_error *err)
{
    const cs_trial_batch **mine = malloc((s->held.n + 1) * sizeof *mine);
    if (mine == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for blocks");
    size_t n = 0;
    for (size_t i = 0; i < s->held.n; i++)
        if (s->held.block[i] != UINT64_MAX && s->held.block[i] < epoch_end(s)) {
            mine[n++] = s->held.b[i];
            s->held.block[i] = UINT64_MAX;
        }
    cs_status rc = s->w != NULL ? cs_results_write_batches(s->w, mine, n, err) : CS_OK;
    free(mine);
    if (rc == CS_OK && s->o->progress != NULL) {
        const uint64_t blocks = epoch_end(s) < s->nblocks ? epoch_end(s) : s->nblocks;
        s->o->progress(s->o->progress_ctx, s->recv[1], s->o->end - s->o->start, blocks, s->nblocks);
    }
    s->epoch++;
    return rc;
}

/* One step: post, test or wait for the epoch's reduction, write, take or run a block. Sets
 * *finished after the last write. */
static cs_status step(run_state *s, bool *finished, cs_error *err)
{
    if (!s->posted && ready(s)) return post(s, err);
    if (s->posted) {
        int complete = 0;
        /* Block only when there is nothing else to do (or too much held). */
        const bool idle = (!s->taking && s->pending == UINT64_MAX) ||
                          (s->pending == UINT64_MAX && held_count(&s->held) >= CS_MPIRUN_MAX_HELD);
        const int mrc = idle ? MPI_Wait(&s->req, MPI_STATUS_IGNORE)
                             : MPI_Test(&s->req, &complete, MPI_STATUS_IGNORE);
        if (mrc != MPI_SUCCESS) return cs_errorf(err, CS_EIO, "MPI could not finish a reduction");
        if (idle || complete) {
            s->posted = false;
            const bool more = s->recv[0] > 0;
            const cs_status rc = write_epoch(s, err);
            if (rc == CS_OK && !more) *finished = true;
            return rc;
        }
    }
    if (s->pending != UINT64_MAX) return run_pending(s, err);
    /* The cap applies once ready: before, every held block is in the current epoch, and only a
     * take can tell that the epoch is all taken. */
    if (s->taking && (held_count(&s->held) < CS_MPIRUN_MAX_HELD || !ready(s))) return take(s, err);
    return CS_OK;
}

cs_status cs_mpirun(cs_engine_t *e, cs_results_t *w, const cs_mpirun_options *o,
                    cs_run_summary *sum, uint64_t *done, cs_error *err)
{
    *done = 0;
    if (o->block == 0 || o->start > o->end)
        return cs_errorf(err, CS_EINVAL, "mpirun: expected a block >= 1 and start <= end");
    run_state s;
    memset(&s, 0, sizeof s);
    s.e = e;
    s.w = w;
    s.o = o;
    s.sum = sum;
    s.taking = true;
    s.last = s.pending = UINT64_MAX;
    if (MPI_Comm_rank(o->comm, &s.rank) != MPI_SUCCESS ||
        MPI_Comm_size(o->comm, &s.size) != MPI_SUCCESS)
        return cs_errorf(err, CS_EIO, "MPI could not tell this process's rank");
    s.nblocks = (o->end - o->start + o->block - 1) / o->block;
    s.epoch_blocks = (uint64_t)CS_MPIRUN_EPOCH_BLOCKS * (uint64_t)s.size;
    cs_status rc = counter_init(&s.counter, o->comm, s.rank, err);
    bool finished = false;
    while (rc == CS_OK && !finished)
        rc = step(&s, &finished, err);
    if (rc == CS_OK) *done = s.recv[1];
    /* MPI_Win_free is collective: after an error, which the caller answers by ending the job,
     * a rank that failed alone would wait in it for the others forever (mpirun.h). */
    if (rc == CS_OK) counter_destroy(&s.counter);
    held_destroy(&s.held);
    return rc;
}

/* ------------------------------------------------------- run summaries */

/*
 * The counts of summary s, then its sums, flattened for MPI: copied into u and d when pack, else
 * from them into s; with u and d NULL, only counted. *nu and *nd receive how many of each.
 */
static void summary_flat(cs_run_summary *s, uint64_t *u, double *d, bool pack, size_t *nu,
                         size_t *nd)
{
    const size_t nr = s->n_regions, nq = s->n_demands;
    /* Recovery adds the t90 histogram, two sums and one per ship. */
    const size_t nt = s->recovery ? CS_RUN_T90_BINS + 1 : 0, n1 = s->recovery ? 1 : 0;
    const size_t nship = s->recovery ? s->n_ships : 0;
    uint64_t interrupted = s->interrupted;
    cs_rare_sums *x = &s->rare_sums;
    const struct {
        uint64_t *p;
        size_t n;
    } us[] = {{&s->trials, 1},
              {&s->worst_trial, 1},
              {&s->skipped, 1},
              {&s->cache_hits, 1},
              {&s->routed, 1},
              {&interrupted, 1},
              {&s->loss_trials, 1},
              {&x->n, 1},
              {&x->hits, 1},
              {s->region_cut, nr},
              {s->demand_unserved_trials, nq},
              {s->region_below90, nr},
              {s->region_lat_n, nr},
              {s->t90_hist, nt}};
    const struct {
        double *p;
        size_t n;
    } ds[] = {{&s->mean_unserved, 1},
              {&s->m2_unserved, 1},
              {&s->max_unserved, 1},
              {&s->systems_lost_sum, 1},
              {&s->stations_lost_sum, 1},
              {&s->capacity_lost_sum, 1},
              {&s->intl_capacity_lost_sum, 1},
              {&s->jsys_capacity_lost_sum, 1},
              {&s->capacity_lost_max, 1},
              {&s->min_unserved, 1},
              {&s->capacity_lost_min, 1},
              {&x->sw, 1},
              {&x->sw2, 1},
              {&x->swi, 1},
              {&x->swi2, 1},
              {&x->swu, 1},
              {&x->swu2, 1},
              {&x->swc, 1},
              {&x->swc2, 1},
              {&x->swl, 1},
              {&x->swl2, 1},
              {s->served_sum, nq},
              {s->region_served_sum, nr},
              {s->region_lat_sum, nr},
              {s->region_lat_max, nr},
              {&s->unserved_days_sum, n1},
              {&s->capacity_days_sum, n1},
              {s->ship_busy_sum, nship}};
    size_t ku = 0, kd = 0;
    for (size_t i = 0; i < sizeof us / sizeof *us; ku += us[i++].n)
        if (u != NULL && us[i].n > 0)
            memcpy(pack ? u + ku : us[i].p, pack ? us[i].p : u + ku, us[i].n * sizeof *u);
    for (size_t i = 0; i < sizeof ds / sizeof *ds; kd += ds[i++].n)
        if (d != NULL && ds[i].n > 0)
            memcpy(pack ? d + kd : ds[i].p, pack ? ds[i].p : d + kd, ds[i].n * sizeof *d);
    if (u != NULL && !pack) s->interrupted = interrupted != 0;
    *nu = ku;
    *nd = kd;
}

/* Gathers every rank's summary to rank 0 and merges them there, in rank order (mpirun.h). */
cs_status cs_run_summary_reduce(cs_run_summary *sum, const cs_engine_t *e, cs_comm comm,
                                cs_error *err)
{
    int rank = 0, size = 1;
    if (MPI_Comm_rank(comm, &rank) != MPI_SUCCESS || MPI_Comm_size(comm, &size) != MPI_SUCCESS)
        return cs_errorf(err, CS_EIO, "MPI could not tell this process's rank");
    size_t nu = 0, nd = 0;
    summary_flat(sum, NULL, NULL, true, &nu, &nd);
    const size_t all = rank == 0 ? (size_t)size : 1;
    uint64_t *u = malloc(nu * sizeof *u), *allu = malloc(all * nu * sizeof *allu);
    double *d = malloc(nd * sizeof *d), *alld = malloc(all * nd * sizeof *alld);
    cs_run_summary total, part;
    memset(&total, 0, sizeof total);
    memset(&part, 0, sizeof part);
    cs_status rc = CS_OK;
    if (!u || !allu || !d || !alld) rc = cs_errorf(err, CS_ENOMEM, "out of memory for summaries");
    if (rc == CS_OK) {
        summary_flat(sum, u, d, true, &nu, &nd);
        if (MPI_Gather(u, (int)nu, MPI_UINT64_T, allu, (int)nu, MPI_UINT64_T, 0, comm) !=
                MPI_SUCCESS ||
            MPI_Gather(d, (int)nd, MPI_DOUBLE, alld, (int)nd, MPI_DOUBLE, 0, comm) != MPI_SUCCESS)
            rc = cs_errorf(err, CS_EIO, "MPI could not gather the run summaries");
    }
    if (rc == CS_OK && rank == 0 && (rc = cs_run_summary_init(&total, e, err)) == CS_OK &&
        (rc = cs_run_summary_init(&part, e, err)) == CS_OK) {
        for (int r = 0; r < size && rc == CS_OK; r++) {
            summary_flat(&part, allu + (size_t)r * nu, alld + (size_t)r * nd, false, &nu, &nd);
            rc = cs_run_summary_merge(&total, &part, err);
        }
        if (rc == CS_OK) { /* total's arrays replace sum's */
            cs_run_summary tmp = *sum;
            *sum = total;
            total = tmp;
        }
    }
    cs_run_summary_destroy(&part);
    if (rank == 0) cs_run_summary_destroy(&total);
    free(u);
    free(allu);
    free(d);
    free(alld);
    return rc;
}

/* ------------------------------------------------------------- the job */

bool cs_mpi_launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE", "PMI_RANK"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        if (getenv(vars[i]) != NULL) return true;
    return false;
}

cs_status cs_mpi_start(int *rank, int *size, cs_error *err)
{
    *rank = 0;
    *size = 1;
    /* Open MPI 4.1's own MPI-IO (OMPIO) reports a failed independent write (a full disk) as a
     * success: HDF5 then goes on with a file it believes written, and the ranks end up waiting
     * for each other in different collective calls. ROMIO returns the error, which
     * cs_mpi_on_io_failure turns into a clean stop: OMPIO is left out unless the environment
     * chooses (docs/hpc.md, "Write failures"). Other MPIs ignore the variable. */
    if (setenv("OMPI_MCA_io", "^ompio", 0) != 0)
        return cs_errorf(err, CS_EIO, "cannot set OMPI_MCA_io");
    if (MPI_Init(NULL, NULL) != MPI_SUCCESS) return cs_errorf(err, CS_EIO, "MPI_Init failed");
    cs_mpi_rank_size(MPI_COMM_WORLD, rank, size);
    return CS_OK;
}

cs_comm cs_mpi_world(void)
{
    return MPI_COMM_WORLD;
}

void cs_mpi_rank_size(cs_comm c, int *rank, int *size)
{
    *rank = 0;
    *size = 1;
    if (c == MPI_COMM_NULL) return;
    MPI_Comm_rank(c, rank);
    MPI_Comm_size(c, size);
}

int cs_mpi_share_int(cs_comm c, int v)
{
    if (c != MPI_COMM_NULL) MPI_Bcast(&v, 1, MPI_INT, 0, c);
    return v;
}

int cs_mpi_max_int(cs_comm c, int v)
{
    int max = v;
    if (c != MPI_COMM_NULL) MPI_Allreduce(&v, &max, 1, MPI_INT, MPI_MAX, c);
    return max;
}

bool cs_mpi_any(cs_comm c, bool mine)
{
    int v = mine, any = v;
    if (c != MPI_COMM_NULL) MPI_Allreduce(&v, &any, 1, MPI_INT, MPI_MAX, c);
    return any != 0;
}

void cs_mpi_abort(cs_comm c, int status)
{
    MPI_Abort(c != MPI_COMM_NULL ? c : MPI_COMM_WORLD, status);
    exit(status); /* not reached: MPI_Abort ends the job */
}

static cs_mpi_io_failure_fn io_failure_fn;

/* The MPI file error handler: errors on an open file go to io_failure_fn; an open that failed
 * (file MPI_FILE_NULL) returns its error as MPI_ERRORS_RETURN would. */
static void on_file_error(MPI_File *file, int *code, ...)
{
    /* What the failed system call said, before MPI calls change it: a write error of this
     * process, or none when the failure is another rank's that a collective call passed on. */
    const int sys = errno;
    const bool own = sys == ENOSPC || sys == EFBIG || sys == EDQUOT || sys == EIO || sys == EROFS;
    if (file == NULL || *file == MPI_FILE_NULL || io_failure_fn == NULL) return;
    char msg[MPI_MAX_ERROR_STRING] = "";
    int len = 0;
    if (MPI_Error_string(*code, msg, &len) != MPI_SUCCESS)
        snprintf(msg, sizeof msg, "error %d", *code);
    char cause[sizeof msg + 128];
    if (own)
        snprintf(cause, sizeof cause, "%s (MPI-IO: %s)", strerror(sys), msg);
    else
        snprintf(cause, sizeof cause, "MPI-IO: %s", msg);
    io_failure_fn(cause, own);
}

cs_status cs_mpi_on_io_failure(cs_mpi_io_failure_fn fn, cs_error *err)
{
    MPI_Errhandler h;
    io_failure_fn = fn;
    if (MPI_File_create_errhandler(on_file_error, &h) != MPI_SUCCESS ||
        MPI_File_set_errhandler(MPI_FILE_NULL, h) != MPI_SUCCESS)
        return cs_errorf(err, CS_EIO, "MPI refused a file error handler");
    MPI_Errhandler_free(&h); /* MPI keeps it while it is set */
    return CS_OK;
}

void cs_mpi_stop(void)
{
    MPI_Finalize();
}
