/*
 * readback.c: reading back the trials a writer wrote (cs_results_read_back: what the run summary
 * takes from them, collective under MPI) and the rows of /outcomes per trial
 * (cs_rw_read_outcome_rows). Part of the results writer (writer.h).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cablesim/results.h"
#include "results/h5util.h"
#include "results/outcomes.h"
#include "results/writer.h"

/* What the run summary takes from the trials written: read back by cs_results_read_back. */
static const cs_dataset_id summary_datasets[] = {
    CS_DS_SERVED,        CS_DS_UNSERVED,           CS_DS_PAIR_CUT,
    CS_DS_CAPACITY_LOST, CS_DS_INTL_CAPACITY_LOST, CS_DS_SYSTEMS_LOST,
    CS_DS_STATIONS_LOST, CS_DS_REGION_SERVED,      CS_DS_REGION_LATENCY,
    CS_DS_REC_T90,       CS_DS_REC_CAPACITY,       CS_DS_REC_UNSERVED,
    CS_DS_REC_BUSY};

/*
 * Reads the CSR list of offsets dataset doff for trials row .. row + n - 1 into the batch's
 * values and counts of its values dataset (a collective read with MPI: every rank calls it,
 * with its own n, possibly 0).
 */
static cs_status read_back_list(cs_results_t *w, int doff, uint64_t row, size_t n,
                                cs_trial_batch *b, cs_error *err)
{
    const int dval = (int)cs_results_dataset((cs_dataset_id)doff)->values;
    cs_batch_data *x = &b->data[dval];
    if (w->dset[doff] < 0 || w->dset[dval] < 0 || x->counts == NULL) return CS_OK;
    uint64_t *off = malloc((n + 1) * sizeof *off);
    if (off == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    cs_status rc = cs_rw_read_rows(w, doff, row, n > 0 ? n + 1 : 0, off, err);
    const uint64_t first = n > 0 ? off[0] : 0, count = n > 0 ? off[n] - off[0] : 0;
    if (rc == CS_OK && n > 0 && (off[n] < off[0] || off[n] > w->len[dval]))
        rc =
            cs_errorf(err, CS_EINVAL, "%s: %s[%" PRIu64 "..%" PRIu64 "] point outside %s", w->path,
                      cs_schema_path(cs_results_dataset((cs_dataset_id)doff), w->version), row,
                      row + n, cs_schema_path(cs_results_dataset((cs_dataset_id)dval), w->version));
    for (size_t i = 0; rc == CS_OK && i < n; i++) {
        if (off[i + 1] < off[i] || off[i + 1] - off[i] > UINT32_MAX)
            rc = cs_errorf(err, CS_EINVAL, "%s: %s is not increasing at row %" PRIu64, w->path,
                           cs_schema_path(cs_results_dataset((cs_dataset_id)doff), w->version),
                           row + i);
        else
            x->counts[i] = (uint32_t)(off[i + 1] - off[i]);
    }
    free(off);
    if (rc == CS_OK && count > x->cap_values) {
        void *v = count > SIZE_MAX / x->esize ? NULL : realloc(x->values, (size_t)count * x->esize);
        if (v == NULL)
            rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
        else {
            x->values = v;
            x->cap_values = (size_t)count;
        }
    }
    /* Every rank reads (collective), nothing after an error. */
    const bool ok = rc == CS_OK;
    const cs_status rv =
        cs_rw_read_rows(w, dval, ok ? first : 0, ok ? count : 0, x->values, ok ? err : NULL);
    if (ok) rc = rv;
    if (rc == CS_OK) x->n_values = (size_t)count;
    return rc;
}

cs_status cs_results_read_back(cs_results_t *w, uint64_t row, size_t n, cs_trial_batch *b,
                               cs_error *err)
{
    cs_status rc = cs_h5_quiet(w->path, err);
    if (rc == CS_OK) rc = cs_rw_check_batch(w, b, err);
    if (rc == CS_OK && (n > b->capacity || row > w->written || n > w->written - row))
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: cannot read back %zu trials from row %" PRIu64 " of %" PRIu64
                       " written into a batch of %zu",
                       w->path, n, row, w->written, b->capacity);
    if (rc) return rc;
    cs_trial_batch_reset(b, w->first + row);
    for (size_t k = 0; k < sizeof summary_datasets / sizeof *summary_datasets && rc == CS_OK; k++) {
        const int d = summary_datasets[k];
        if (w->dset[d] < 0) continue;
        rc = cs_schema_rows(cs_results_dataset((cs_dataset_id)d), w->version) == CS_ROWS_OUTCOME
                 ? cs_rw_read_outcome_rows(w, d, row, n, b->data[d].rows, err)
                 : cs_rw_read_rows(w, d, row, n, b->data[d].rows, err);
    }
    if (rc == CS_OK && w->dset[CS_DS_WEIGHT] >= 0) /* importance sampling's weights */
        rc = cs_rw_read_rows(w, CS_DS_WEIGHT, row, n, b->data[CS_DS_WEIGHT].rows, err);
    /* The failure lists are read (the summary's capacity lost on systems landing in Japan);
     * the other lists (cuts, events, fault records) are not: empty. */
    for (int d = 0; d < CS_DS_COUNT && rc == CS_OK; d++)
        if (b->data[d].counts != NULL)
            for (size_t i = 0; i < n; i++)
                b->data[d].counts[i] = 0;
    if (rc == CS_OK) rc = read_back_list(w, CS_DS_FAILED_OFFSETS, row, n, b, err);
    if (rc == CS_OK) rc = read_back_list(w, CS_DS_FAILED_NODE_OFFSETS, row, n, b, err);
    if (rc == CS_OK) b->n = n;
    return rc;
}

cs_status cs_rw_read_outcome_rows(cs_results_t *w, int d, uint64_t row, size_t n, void *buf,
                                  cs_error *err)
{
    const size_t cols = w->ncols[d],
                 bytes = cols * cs_dataset_elem_size(cs_results_dataset((cs_dataset_id)d));
    if (cols == 0) return CS_OK; /* no columns (the same on every rank) */
    uint32_t *ids = malloc((n + 1) * sizeof *ids), *where = malloc((n + 1) * sizeof *where);
    uint64_t *uniq = malloc((n + 1) * sizeof *uniq);
    cs_status rc = ids != NULL && where != NULL && uniq != NULL
                       ? cs_rw_read_rows(w, CS_DS_OUTCOME, row, n, ids, err)
                       : cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    size_t nu = 0;
    for (size_t i = 0; rc == CS_OK && i < n; i++)
        if (ids[i] >= w->len[d])
            rc = cs_errorf(err, CS_EINVAL,
                           "%s: /trials/outcome[%" PRIu64 "] = %" PRIu32
                           ": expected an outcome below %" PRIu64,
                           w->path, row + i, ids[i], w->len[d]);
    if (rc == CS_OK) {
        cs_outcome_distinct(ids, n, uniq, &nu, where);
        rc = cs_rw_reserve_obuf(w, nu * bytes + 1, err);
    }
    if (rc == CS_OK &&
        cs_outcome_gather(w->dset[d], w->mtype[d], w->dxpl, uniq, nu, cols, w->obuf) < 0)
        rc = cs_h5_err(err, CS_EHDF5, w->path, "read dataset",
                       cs_schema_path(cs_results_dataset((cs_dataset_id)d), w->version));
    for (size_t i = 0; rc == CS_OK && i < n; i++)
        memcpy((unsigned char *)buf + i * bytes, w->obuf + (size_t)where[i] * bytes, bytes);
    free(ids);
    free(where);
    free(uniq);
    return rc;
}
