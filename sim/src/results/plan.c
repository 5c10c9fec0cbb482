/*
 * plan.c: the MPI write plan of the results writer. Before every write of batches the ranks
 * share the sizes of the batches each holds (first trial, trials, and the length of every values
 * list of the schema), so that every rank extends the datasets to the same sizes and writes its
 * rows, and its part of the CSR lists, at the place one process writing every batch in trial
 * order would. Without MPI (comm = MPI_COMM_NULL) the same plan is made locally.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "results/writer.h"

/* One batch of one write, as every rank sees it. */
typedef struct {
    uint64_t first, n;          /* first trial, trials */
    uint64_t vals[CS_DS_COUNT]; /* values per list */
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
                              batch_desc **out, size_t *n, size_t *rounds, cs_error *err)
{
    int lists[CS_DS_COUNT];
    const size_t nl = values_lists(lists), len = 2 + nl; /* numbers describing one batch */
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
                           cs_rw_pos *pos, cs_rw_plan *plan, cs_error *err)
{
    batch_desc *d = NULL;
    size_t n = 0;
    memset(plan, 0, sizeof *plan);
    cs_status rc = gather_descs(w, b, nb, &d, &n, &plan->rounds, err);
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
        }
        plan->rows += d[i].n;
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
