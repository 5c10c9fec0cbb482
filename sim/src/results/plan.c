/*
 * plan.c: the MPI write plan of the results writer. Before every write of batches the ranks
 * share the sizes of the batches each holds (first trial, trials, and the length of every values
 * list of the schema), so that every rank extends the datasets to the same sizes and writes its
 * rows, and its part of the CSR lists, at the place one process writing every batch in trial
 * order would. Without MPI (comm = MPI_COMM_NULL) the same plan is made locally.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "results/writer.h"

/* One batch of one write, as every rank sees it. */
typedef struct {
    uint64_t first, n;          /* first trial, trials */
    uint64_t vals[CS_DS_COUNT]; /* values per list */
    uint64_t outcomes;          /* new outcomes */
    int rank;                   /* whose */
    size_t index;               /* its place in that rank's list */
} batch_desc;

static int cmp_desc(const void *a, const void *b)
{
    const batch_desc *x = a, *y = b;
    if (x->first != y->first) return x->first < y->first ? -1 : 1;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* The values lists of the schema, in order, into lists; returns how many. */
static size_t values_lists(int *lists)
{
    size_t n = 0;
    for (int d = 0; d < CS_DS_COUNT; d++)
        if (cs_results_dataset((cs_dataset_id)d)->rows == CS_ROWS_VALUES) lists[n++] = d;
    return n;
}

/* Every rank's batch descriptors, in rank order, into *out (*n of them). Collective. */
static cs_status gather_descs(const cs_results_t *w, const cs_trial_batch *const *b, size_t nb,
                              const uint64_t *fresh, batch_desc **out, size_t *n, size_t *rounds,
                              cs_error *err)
{
    int lists[CS_DS_COUNT];
    const size_t nl = values_lists(lists), len = 3 + nl; /* numbers describing one batch */
    const int size = w->size;
    int *counts = calloc((size_t)size, sizeof *counts),
        *displs = calloc((size_t)size, sizeof *displs);
    uint64_t *mine = malloc((nb > 0 ? nb : 1) * len * sizeof *mine), *all = NULL;
    cs_status rc =
        counts && displs && mine ? CS_OK : cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    for (size_t i = 0; rc == CS_OK && i < nb; i++) {
        uint64_t *d = mine + len * i;
        d[0] = b[i]->first_trial;
        d[1] = b[i]->n;
        for (size_t k = 0; k < nl; k++)
            d[2 + k] = b[i]->data[lists[k]].n_values;
        d[2 + nl] = fresh != NULL ? fresh[i] : 0;
    }
    const int mycount = (int)(len * nb);
    if (rc == CS_OK && w->comm == MPI_COMM_NULL) {
        counts[0] = mycount;
    } else if (rc == CS_OK &&
               MPI_Allgather(&mycount, 1, MPI_INT, counts, 1, MPI_INT, w->comm) != MPI_SUCCESS) {
        rc = cs_errorf(err, CS_EIO, "%s: MPI could not share the batch counts", w->path);
    }
    size_t total = 0;
    *rounds = 0;
    for (int r = 0; rc == CS_OK && r < size; r++) {
        displs[r] = (int)total;
        total += (size_t)counts[r];
        if ((size_t)counts[r] / len > *rounds) *rounds = (size_t)counts[r] / len;
    }
    if (rc == CS_OK && (all = malloc((total > 0 ? total : 1) * sizeof *all)) == NULL)
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    if (rc == CS_OK && w->comm == MPI_COMM_NULL)
        memcpy(all, mine, total * sizeof *all);
    else if (rc == CS_OK && MPI_Allgatherv(mine, mycount, MPI_UINT64_T, all, counts, displs,
                                           MPI_UINT64_T, w->comm) != MPI_SUCCESS)
        rc = cs_errorf(err, CS_EIO, "%s: MPI could not share the batch sizes", w->path);
    batch_desc *d = NULL;
    if (rc == CS_OK && (d = calloc(total / len + 1, sizeof *d)) == NULL)
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    *n = 0;
    for (int r = 0; rc == CS_OK && r < size; r++)
        for (int i = 0; i < counts[r] / (int)len; i++) {
            const uint64_t *a = all + displs[r] + len * (size_t)i;
            batch_desc *x = &d[(*n)++];
            x->first = a[0];
            x->n = a[1];
            for (size_t k = 0; k < nl; k++)
                x->vals[lists[k]] = a[2 + k];
            x->outcomes = a[2 + nl];
            x->rank = r;
            x->index = (size_t)i;
        }
    free(counts);
    free(displs);
    free(mine);
    free(all);
    if (rc != CS_OK) free(d);
    *out = rc == CS_OK ? d : NULL;
    return rc;
}

/*
 * Shares the sizes of every rank's batches and checks that the non-empty ones, ordered by first
 * trial, are consecutive trials from the first unwritten one; pos[i] receives where this rank's
 * batch i goes. Every rank sees the same numbers, so every rank takes the same branch and makes
 * the same metadata calls.
 */
cs_status cs_rw_plan_write(const cs_results_t *w, const cs_trial_batch *const *b, size_t nb,
                           const uint64_t *fresh, cs_rw_pos *pos, cs_rw_plan *plan, cs_error *err)
{
    batch_desc *d = NULL;
    size_t n = 0;
    memset(plan, 0, sizeof *plan);
    cs_status rc = gather_descs(w, b, nb, fresh, &d, &n, &plan->rounds, err);
    if (rc) return rc;
    qsort(d, n, sizeof *d, cmp_desc);
    for (size_t i = 0; i < n && rc == CS_OK; i++) {
        const uint64_t expect = w->first + w->written + plan->rows;
        if (d[i].n > 0 && d[i].first != expect)
            rc = cs_errorf(err, CS_EINVAL,
                           "%s: expected a batch starting at trial %" PRIu64
                           ", found trial %" PRIu64,
                           w->path, expect, d[i].first);
        if (d[i].rank == w->rank) {
            cs_rw_pos *p = &pos[d[i].index];
            p->rows = plan->rows;
            memcpy(p->vals, plan->vals, sizeof p->vals);
            p->outcomes = plan->outcomes;
        }
        plan->rows += d[i].n;
        plan->outcomes += d[i].outcomes;
        for (int k = 0; k < CS_DS_COUNT; k++)
            plan->vals[k] += d[i].vals[k];
    }
    free(d);
    if (rc == CS_OK && plan->rows > w->trials - w->written)
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: %" PRIu64 " trials from trial %" PRIu64 " go beyond the file's last "
                       "trial %" PRIu64,
                       w->path, plan->rows, w->first + w->written, w->first + w->trials - 1);
    return rc;
}

/* ------------------------------------------------------------- outcomes */

cs_okey cs_rw_trial_key(const cs_results_t *w, const cs_trial_batch *b, size_t i)
{
    cs_ohash h;
    cs_ohash_begin(&h);
    for (int d = 0; d < CS_DS_COUNT; d++) {
        if (w->dset[d] < 0 || cs_results_dataset((cs_dataset_id)d)->rows != CS_ROWS_OUTCOME)
            continue;
        const cs_batch_data *x = &b->data[d];
        const size_t bytes = x->cols * x->esize;
        cs_ohash_add(&h, (const unsigned char *)x->rows + i * bytes, bytes);
    }
    return cs_ohash_end(&h);
}

/* A key new to the file, with the trial that first gave it. */
typedef struct {
    uint64_t trial, lo, hi;
} new_key;

static int cmp_new(const void *a, const void *b)
{
    const new_key *x = a, *y = b;
    return (x->trial > y->trial) - (x->trial < y->trial);
}

/* Room for n trials and nb batches in w's workspace. */
static bool reserve_ws(cs_results_t *w, size_t n, size_t nb)
{
    if (n > w->wcap) {
        cs_okey *k = realloc(w->wkey, n * sizeof *k);
        if (k != NULL) w->wkey = k;
        uint32_t *id = realloc(w->wid, n * sizeof *id);
        if (id != NULL) w->wid = id;
        unsigned char *nw = realloc(w->wnew, n);
        if (nw != NULL) w->wnew = nw;
        if (k == NULL || id == NULL || nw == NULL) return false;
        w->wcap = n;
    }
    if (nb + 1 > w->wcap_batches) {
        size_t *s = realloc(w->wstart, (nb + 1) * sizeof *s);
        if (s == NULL) return false;
        w->wstart = s;
        w->wcap_batches = nb + 1;
    }
    return true;
}

/* Every rank's new keys (mine, nm of them), in rank order, into *all (*na). Collective. */
static cs_status share_keys(const cs_results_t *w, const new_key *mine, size_t nm, new_key **all,
                            size_t *na, cs_error *err)
{
    *all = NULL;
    *na = 0;
    if (w->comm == MPI_COMM_NULL) {
        *all = malloc((nm > 0 ? nm : 1) * sizeof **all);
        if (*all == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
        memcpy(*all, mine, nm * sizeof *mine);
        *na = nm;
        return CS_OK;
    }
    int *counts = calloc((size_t)w->size, sizeof *counts),
        *displs = calloc((size_t)w->size, sizeof *displs);
    const int my = (int)(3 * nm);
    cs_status rc =
        counts && displs ? CS_OK : cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    if (rc == CS_OK && MPI_Allgather(&my, 1, MPI_INT, counts, 1, MPI_INT, w->comm) != MPI_SUCCESS)
        rc = cs_errorf(err, CS_EIO, "%s: MPI could not share the outcome counts", w->path);
    size_t total = 0;
    for (int r = 0; rc == CS_OK && r < w->size; r++) {
        displs[r] = (int)total;
        total += (size_t)counts[r];
    }
    if (rc == CS_OK && (*all = malloc((total / 3 + 1) * sizeof **all)) == NULL)
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    if (rc == CS_OK && MPI_Allgatherv(mine, my, MPI_UINT64_T, *all, counts, displs, MPI_UINT64_T,
                                      w->comm) != MPI_SUCCESS)
        rc = cs_errorf(err, CS_EIO, "%s: MPI could not share the outcome keys", w->path);
    if (rc == CS_OK) *na = total / 3;
    free(counts);
    free(displs);
    return rc;
}

/* This rank's batches in trial order, into order[nb]. */
static void batch_order(const cs_trial_batch *const *b, size_t nb, size_t *order)
{
    for (size_t j = 0; j < nb; j++) {
        size_t k = j;
        while (k > 0 && b[order[k - 1]]->first_trial > b[j]->first_trial) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = j;
    }
}

cs_status cs_rw_assign_outcomes(cs_results_t *w, const cs_trial_batch *const *b, size_t nb,
                                uint64_t *fresh, cs_error *err)
{
    size_t total = 0;
    for (size_t j = 0; j < nb; j++) {
        fresh[j] = 0;
        total += b[j]->n;
    }
    size_t *order = malloc((nb + 1) * sizeof *order);
    new_key *mine = malloc((total + 1) * sizeof *mine), *all = NULL;
    uint64_t *first = NULL; /* the first trial of each new outcome */
    cs_omap local;
    cs_omap_init(&local);
    cs_status rc = order != NULL && mine != NULL && reserve_ws(w, total, nb)
                       ? CS_OK
                       : cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    size_t nm = 0, na = 0;
    if (rc == CS_OK) {
        w->wstart[0] = 0;
        for (size_t j = 0; j < nb; j++)
            w->wstart[j + 1] = w->wstart[j] + b[j]->n;
        batch_order(b, nb, order);
    }
    /* The keys; those the file does not have, once each, in trial order. */
    for (size_t o = 0; o < nb && rc == CS_OK; o++) {
        const size_t j = order[o];
        for (size_t i = 0; i < b[j]->n && rc == CS_OK; i++) {
            /* a trial sharing an earlier trial's outcome (same_as) shares its key: its rows are
             * neither stored nor hashed */
            const uint32_t same = cs_trial_batch_same(b[j], i);
            const cs_okey k =
                same != UINT32_MAX ? w->wkey[w->wstart[j] + same] : cs_rw_trial_key(w, b[j], i);
            w->wkey[w->wstart[j] + i] = k;
            if (cs_omap_find(&w->omap, k) != UINT32_MAX || cs_omap_find(&local, k) != UINT32_MAX)
                continue;
            if (!cs_omap_add(&local, k))
                rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory for outcomes", w->path);
            mine[nm++] = (new_key){.trial = b[j]->first_trial + i, .lo = k.lo, .hi = k.hi};
        }
    }
    /* Every rank numbers every rank's new keys the same way: by first trial. */
    if (rc == CS_OK) rc = share_keys(w, mine, nm, &all, &na, err);
    if (rc == CS_OK) qsort(all, na, sizeof *all, cmp_new);
    w->fresh_from = w->omap.n;
    if (rc == CS_OK && (first = malloc((na + 1) * sizeof *first)) == NULL)
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    for (size_t i = 0; i < na && rc == CS_OK; i++) {
        const cs_okey k = {.lo = all[i].lo, .hi = all[i].hi};
        if (cs_omap_find(&w->omap, k) != UINT32_MAX) continue; /* new on an earlier trial */
        first[w->omap.n - w->fresh_from] = all[i].trial;
        if (!cs_omap_add(&w->omap, k))
            rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory for outcomes", w->path);
    }
    /* Each trial's outcome, and the new ones whose first trial is here. */
    for (size_t j = 0; j < nb && rc == CS_OK; j++)
        for (size_t i = 0; i < b[j]->n; i++) {
            const size_t at = w->wstart[j] + i;
            const uint32_t id = cs_omap_find(&w->omap, w->wkey[at]);
            assert(id != UINT32_MAX);
            w->wid[at] = id;
            w->wnew[at] = id >= w->fresh_from && first[id - w->fresh_from] == b[j]->first_trial + i;
            fresh[j] += w->wnew[at];
        }
    cs_omap_destroy(&local);
    free(order);
    free(mine);
    free(all);
    free(first);
    return rc;
}
