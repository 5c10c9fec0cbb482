/*
 * batch.c: trial batches (batch.h). No MPI, no HDF5: plain memory, one block per per-trial
 * dataset of the schema (results_schema.h).
 */
#include "cablesim/batch.h"

#include <assert.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static bool mul_overflows(size_t a, size_t b)
{
    return b != 0 && a > SIZE_MAX / b;
}

/* Copies n elements of size bytes when there are any: src may be NULL when n is 0. */
static void copy_row(void *dst, const void *src, size_t n, size_t size)
{
    if (n > 0) memcpy(dst, src, n * size);
}

static void data_free(cs_batch_data *x)
{
    free(x->rows);
    free(x->counts);
    free(x->values);
    memset(x, 0, sizeof *x);
}

/* Allocates the storage of dataset d for capacity trials (cols per row of a "trial" dataset). */
static bool data_alloc(cs_batch_data *x, cs_dataset_id d, size_t capacity, size_t cols)
{
    const cs_dataset_schema *s = cs_results_dataset(d);
    memset(x, 0, sizeof *x);
    x->esize = cs_dataset_elem_size(s);
    /* One extra element everywhere so that no size is 0 (malloc(0) may return NULL). */
    if (s->rows == CS_ROWS_TRIAL || s->rows == CS_ROWS_OUTCOME) {
        x->cols = cols;
        if (mul_overflows(capacity, cols) || mul_overflows(capacity * cols + 1, x->esize))
            return false;
        x->rows = malloc((capacity * cols + 1) * x->esize);
        x->present = x->rows != NULL;
    } else {
        x->counts = malloc((capacity + 1) * sizeof *x->counts);
        x->cap_values = capacity;
        x->values =
            mul_overflows(capacity + 1, x->esize) ? NULL : malloc((capacity + 1) * x->esize);
        x->present = x->counts != NULL && x->values != NULL;
    }
    if (!x->present) data_free(x);
    return x->present;
}

/* Makes room for need elements in list x, doubling. */
static bool reserve(cs_batch_data *x, size_t need)
{
    if (need <= x->cap_values) return true;
    size_t n = x->cap_values * 2 > need ? x->cap_values * 2 : need;
    if (mul_overflows(n, x->esize)) return false;
    void *p = realloc(x->values, n * x->esize);
    if (p == NULL) return false;
    x->values = p;
    x->cap_values = n;
    return true;
}

/* Sets the shortcuts into data[]. */
static void set_shortcuts(cs_trial_batch *b)
{
    b->served_tbps = b->data[CS_DS_SERVED].rows;
    b->latency_ms = b->data[CS_DS_LATENCY].rows;
    b->unserved_tbps = b->data[CS_DS_UNSERVED].rows;
    b->edge_flow_tbps = b->data[CS_DS_EDGE_FLOW].rows;
    b->pair_cut = b->data[CS_DS_PAIR_CUT].rows;
    b->n_failed_edges = b->data[CS_DS_FAILED_EDGES].counts;
    b->n_failed_nodes = b->data[CS_DS_FAILED_NODES].counts;
    b->ts_served_tbps = b->data[CS_DS_TS_SERVED].rows;
    b->ts_queue_length = b->data[CS_DS_TS_QUEUE].rows;
    b->rec_t50_days = b->data[CS_DS_REC_T50].rows;
    b->rec_t90_days = b->data[CS_DS_REC_T90].rows;
    b->rec_t100_days = b->data[CS_DS_REC_T100].rows;
    b->rec_capacity_days = b->data[CS_DS_REC_CAPACITY].rows;
    b->rec_unserved_days = b->data[CS_DS_REC_UNSERVED].rows;
    b->rec_ship_busy_days = b->data[CS_DS_REC_BUSY].rows;
    b->n_faults = b->data[CS_DS_REC_FAULTS].counts;
}

/* The columns of per-trial dataset d in b (1 for vectors and lists). */
static size_t batch_cols(const cs_trial_batch *b, cs_dataset_id d)
{
    switch (cs_results_dataset(d)->dim) {
    case CS_DIM_NODES:
        return b->n_nodes;
    case CS_DIM_EDGES:
        return b->n_edges;
    case CS_DIM_DEMANDS:
        return b->n_demands;
    case CS_DIM_PAIRS:
        return b->n_pairs;
    case CS_DIM_STEPS:
        return b->n_steps;
    case CS_DIM_SHIPS:
        return b->n_ships;
    default:
        return 1;
    }
}

/* Allocates every per-trial dataset of feature f; false when out of memory (nothing kept). */
static bool enable_feature(cs_trial_batch *b, cs_feature f)
{
    const cs_dataset_schema *t = cs_results_schema();
    for (int d = 0; d < CS_DS_COUNT; d++) {
        if (t[d].feature != f || t[d].rows == CS_ROWS_STATIC || t[d].rows == CS_ROWS_OFFSETS)
            continue;
        if (!data_alloc(&b->data[d], (cs_dataset_id)d, b->capacity,
                        batch_cols(b, (cs_dataset_id)d))) {
            for (int k = 0; k < CS_DS_COUNT; k++)
                if (t[k].feature == f) data_free(&b->data[k]);
            set_shortcuts(b);
            return false;
        }
    }
    set_shortcuts(b);
    return true;
}

cs_status cs_trial_batch_init(cs_trial_batch *b, size_t capacity, size_t n_demands, size_t n_edges,
                              size_t n_nodes, size_t n_pairs, bool edge_flow, cs_error *err)
{
    memset(b, 0, sizeof *b);
    if (capacity == 0)
        return cs_errorf(err, CS_EINVAL, "trial batch: expected a capacity >= 1 trial, found 0");
    /* The results file stores edge and node indices as 32-bit integers. */
    if (n_edges > UINT32_MAX || n_nodes > UINT32_MAX)
        return cs_errorf(err, CS_EINVAL,
                         "trial batch: expected at most %" PRIu32 " edges and nodes, found %zu "
                         "edges and %zu nodes",
                         UINT32_MAX, n_edges, n_nodes);
    if (mul_overflows(capacity, n_demands) || mul_overflows(capacity, n_edges) ||
        mul_overflows(capacity, n_pairs) || mul_overflows(capacity * n_demands, sizeof(double)) ||
        mul_overflows(capacity * n_edges, sizeof(double)))
        return cs_errorf(err, CS_ENOMEM, "trial batch: %zu trials do not fit in memory", capacity);
    b->capacity = capacity;
    b->n_demands = n_demands;
    b->n_edges = n_edges;
    b->n_nodes = n_nodes;
    b->n_pairs = n_pairs;
    b->same_as = malloc((capacity + 1) * sizeof *b->same_as);
    for (size_t i = 0; b->same_as != NULL && i < capacity; i++)
        b->same_as[i] = UINT32_MAX;
    /* Latency is always kept: the run summary and the routing cache fill it. */
    if (b->same_as == NULL || !enable_feature(b, CS_FEAT_ALWAYS) ||
        !enable_feature(b, CS_FEAT_LATENCY) ||
        (edge_flow && !enable_feature(b, CS_FEAT_EDGE_FLOW))) {
        cs_trial_batch_destroy(b);
        return cs_errorf(err, CS_ENOMEM, "trial batch: out of memory for %zu trials", capacity);
    }
    return CS_OK;
}

void cs_trial_batch_destroy(cs_trial_batch *b)
{
    for (int d = 0; d < CS_DS_COUNT; d++)
        data_free(&b->data[d]);
    free(b->same_as);
    memset(b, 0, sizeof *b);
}

void cs_trial_batch_reset(cs_trial_batch *b, uint64_t first_trial)
{
    b->first_trial = first_trial;
    b->n = 0;
    for (int d = 0; d < CS_DS_COUNT; d++)
        b->data[d].n_values = 0;
    for (size_t i = 0; b->same_as != NULL && i < b->capacity; i++)
        b->same_as[i] = UINT32_MAX; /* rows filled in place (a batch read back) */
}

cs_status cs_trial_batch_enable(cs_trial_batch *b, cs_dataset_id d, size_t cols, cs_error *err)
{
    const cs_dataset_schema *s = cs_results_dataset(d);
    if (s->rows == CS_ROWS_STATIC || s->rows == CS_ROWS_OFFSETS || b->n > 0)
        return cs_errorf(err, CS_EINVAL,
                         "trial batch: cannot add %s: expected an empty batch and a per-trial "
                         "dataset of rows or values",
                         s->path);
    if (b->data[d].present) return CS_OK;
    if (!data_alloc(&b->data[d], d, b->capacity, cols))
        return cs_errorf(err, CS_ENOMEM, "trial batch: out of memory for %s", s->path);
    set_shortcuts(b);
    return CS_OK;
}

bool cs_trial_batch_has(const cs_trial_batch *b, cs_dataset_id d)
{
    return b->data[d].present;
}

void *cs_trial_batch_row(cs_trial_batch *b, cs_dataset_id d, size_t i)
{
    const cs_batch_data *x = &b->data[d];
    if (!x->present || x->rows == NULL) return NULL;
    assert(i < b->capacity);
    return (unsigned char *)x->rows + i * x->cols * x->esize;
}

/* Appends n elements to list x for trial row i (the batch's last). */
static bool list_push(cs_batch_data *x, size_t i, const void *v, size_t n)
{
    if (!reserve(x, x->n_values + n)) return false;
    copy_row((unsigned char *)x->values + x->n_values * x->esize, v, n, x->esize);
    x->n_values += n;
    x->counts[i] += (uint32_t)n;
    return true;
}

cs_status cs_trial_batch_append(cs_trial_batch *b, cs_dataset_id d, const void *v, size_t n,
                                cs_error *err)
{
    cs_batch_data *x = &b->data[d];
    if (b->n == 0 || !x->present || x->counts == NULL)
        return cs_errorf(err, CS_EINVAL,
                         "trial batch: cannot append to %s: expected a list of the batch after a "
                         "trial",
                         cs_results_dataset(d)->path);
    if (n > UINT32_MAX - x->counts[b->n - 1] || !list_push(x, b->n - 1, v, n))
        return cs_errorf(err, CS_ENOMEM, "trial batch: out of memory for %s",
                         cs_results_dataset(d)->path);
    return CS_OK;
}

/* Checks that a trial's failures, routing and pair flags fit the batch. */
static cs_status check_trial(const cs_trial_batch *b, const cs_failures *f,
                             const cs_routing_result *r, const unsigned char *pair_cut,
                             cs_error *err)
{
    const uint64_t trial = b->first_trial + b->n;
    if (b->n == b->capacity)
        return cs_errorf(err, CS_EINVAL,
                         "trial batch: trial %" PRIu64 " does not fit: the batch is full (%zu "
                         "trials)",
                         trial, b->capacity);
    if (r->n_demands != b->n_demands || r->n_edges != b->n_edges)
        return cs_errorf(err, CS_EINVAL,
                         "trial batch: trial %" PRIu64 ": expected a routing result for %zu "
                         "demands and %zu edges, found %zu and %zu",
                         trial, b->n_demands, b->n_edges, r->n_demands, r->n_edges);
    if (f != NULL && (f->ne != b->n_edges || f->nn != b->n_nodes))
        return cs_errorf(err, CS_EINVAL,
                         "trial batch: trial %" PRIu64 ": expected failures over %zu edges and "
                         "%zu nodes, found %zu and %zu",
                         trial, b->n_edges, b->n_nodes, f->ne, f->nn);
    if (pair_cut == NULL && b->n_pairs > 0)
        return cs_errorf(err, CS_EINVAL,
                         "trial batch: trial %" PRIu64 ": expected %zu pair cut flags, found none",
                         trial, b->n_pairs);
    return CS_OK;
}

/* Appends indices idx[0..n-1] (< 2^32, checked by init) to list d of trial row i. */
static bool push_indices(cs_trial_batch *b, cs_dataset_id d, size_t i, const size_t *idx, size_t n)
{
    cs_batch_data *x = &b->data[d];
    if (!reserve(x, x->n_values + n)) return false;
    uint32_t *v = (uint32_t *)x->values + x->n_values;
    for (size_t k = 0; k < n; k++)
        v[k] = (uint32_t)idx[k];
    x->n_values += n;
    x->counts[i] = (uint32_t)n;
    return true;
}

/* f may be NULL: the trial had no failure. */
/* Starts trial b->n with the failures of f: every dataset empty (producers other than this one
 * fill theirs), but the rows of outcome datasets when same (they are another trial's). */
static cs_status start_trial(cs_trial_batch *b, const cs_failures *f, bool same, cs_error *err)
{
    const size_t i = b->n;
    for (int d = 0; d < CS_DS_COUNT; d++) {
        cs_batch_data *x = &b->data[d];
        if (!x->present) continue;
        if (x->rows != NULL &&
            !(same && cs_results_dataset((cs_dataset_id)d)->rows == CS_ROWS_OUTCOME))
            memset((unsigned char *)x->rows + i * x->cols * x->esize, 0, x->cols * x->esize);
        if (x->counts != NULL) x->counts[i] = 0;
    }
    const size_t nfe = f != NULL ? f->n_edges : 0, nfn = f != NULL ? f->n_nodes : 0;
    if (!push_indices(b, CS_DS_FAILED_EDGES, i, f != NULL ? f->edges : NULL, nfe) ||
        !push_indices(b, CS_DS_FAILED_NODES, i, f != NULL ? f->nodes : NULL, nfn))
        return cs_errorf(err, CS_ENOMEM,
                         "trial batch: out of memory for the failures of trial %" PRIu64,
                         b->first_trial + b->n);
    return CS_OK;
}

cs_status cs_trial_batch_add(cs_trial_batch *b, const cs_failures *f, const cs_routing_result *r,
                             const unsigned char *pair_cut, cs_error *err)
{
    cs_status rc = check_trial(b, f, r, pair_cut, err);
    if (rc == CS_OK) rc = start_trial(b, f, false, err);
    if (rc) return rc;
    const size_t i = b->n;
    b->same_as[i] = UINT32_MAX;
    copy_row(b->served_tbps + i * b->n_demands, r->served_tbps, b->n_demands, sizeof(double));
    copy_row(b->latency_ms + i * b->n_demands, r->latency_ms, b->n_demands, sizeof(double));
    b->unserved_tbps[i] = r->unserved_tbps;
    if (b->edge_flow_tbps != NULL)
        copy_row(b->edge_flow_tbps + i * b->n_edges, r->edge_flow_tbps, b->n_edges, sizeof(double));
    copy_row(b->pair_cut + i * b->n_pairs, pair_cut, b->n_pairs, 1);
    b->n++;
    return CS_OK;
}

cs_status cs_trial_batch_add_same(cs_trial_batch *b, const cs_failures *f,
                                  const cs_routing_result *r, size_t j, cs_error *err)
{
    static const unsigned char none = 0;
    cs_status rc = check_trial(b, f, r, &none, err);
    if (rc == CS_OK && j >= b->n)
        rc = cs_errorf(err, CS_EINVAL,
                       "trial batch: trial %" PRIu64 ": expected the outcome of an earlier trial "
                       "of the batch, found trial %zu of %zu",
                       b->first_trial + b->n, j, b->n);
    if (rc == CS_OK) rc = start_trial(b, f, true, err);
    if (rc) return rc;
    b->same_as[b->n] = (uint32_t)j;
    b->unserved_tbps[b->n] = r->unserved_tbps;
    b->n++;
    return CS_OK;
}

/* ------------------------------------------------------- cuts and events */

cs_status cs_trial_batch_add_cuts(cs_trial_batch *b, const cs_failures *f,
                                  const unsigned char *waters, cs_error *err)
{
    cs_status rc = CS_OK;
    for (size_t k = 0; k < f->n_cuts && rc == CS_OK; k++) {
        const cs_cut *c = &f->cuts[k];
        unsigned char p[CS_CUT_RECORD_BYTES];
        const uint32_t edge = (uint32_t)c->edge;
        const int32_t hazard = (int32_t)c->hazard;
        memcpy(p, &edge, 4);
        memcpy(p + 4, &c->at.lon, 8);
        memcpy(p + 12, &c->at.lat, 8);
        memcpy(p + 20, &c->depth_m, 8);
        p[28] = waters[k];
        memcpy(p + 29, &hazard, 4);
        memcpy(p + 33, &c->time_days, 8);
        rc = cs_trial_batch_append(b, CS_DS_CUTS, p, 1, err);
    }
    for (size_t k = 0; k < f->n_events && rc == CS_OK; k++) {
        const cs_hazard_event *ev = &f->events[k];
        unsigned char p[CS_EVENT_RECORD_BYTES];
        const int32_t hazard = (int32_t)ev->hazard, target = (int32_t)ev->target;
        const uint32_t cuts = (uint32_t)ev->cuts;
        memcpy(p, &hazard, 4);
        memcpy(p + 4, &ev->magnitude, 8);
        memcpy(p + 12, &ev->a.lon, 8);
        memcpy(p + 20, &ev->a.lat, 8);
        memcpy(p + 28, &ev->b.lon, 8);
        memcpy(p + 36, &ev->b.lat, 8);
        memcpy(p + 44, &ev->length_km, 8);
        memcpy(p + 52, &target, 4);
        memcpy(p + 56, &cuts, 4);
        rc = cs_trial_batch_append(b, CS_DS_EVENTS, p, 1, err);
    }
    return rc;
}

/* ------------------------------------------------------- recovery batch */

cs_status cs_trial_batch_init_recovery(cs_trial_batch *b, size_t n_steps, size_t n_ships,
                                       cs_error *err)
{
    const size_t c = b->capacity;
    if (mul_overflows(c, n_steps + 1) || mul_overflows(c * (n_steps + 1), sizeof(double)) ||
        mul_overflows(c, n_ships + 1))
        return cs_errorf(err, CS_ENOMEM, "trial batch: %zu trials do not fit in memory", c);
    b->n_steps = n_steps;
    b->n_ships = n_ships;
    if (!enable_feature(b, CS_FEAT_RECOVERY)) {
        b->n_steps = b->n_ships = 0;
        return cs_errorf(err, CS_ENOMEM, "trial batch: out of memory for recovery outcomes");
    }
    return CS_OK;
}

/* Packs x as in the file (the record of /recovery/faults): little-endian, as native here. */
static void pack_fault(unsigned char *p, const cs_fault_record *x)
{
    memcpy(p, &x->edge, 4);
    memcpy(p + 4, &x->fail_days, 8);
    memcpy(p + 12, &x->ship, 4);
    memcpy(p + 16, &x->dispatch_days, 8);
    memcpy(p + 24, &x->start_days, 8);
    memcpy(p + 32, &x->end_days, 8);
    p[40] = x->waters;
}

cs_status cs_trial_batch_add_recovery(cs_trial_batch *b, const cs_recovery_outcome *o,
                                      cs_error *err)
{
    if (b->n == 0 || b->n_steps == 0 || o->n_steps != b->n_steps || o->n_ships != b->n_ships)
        return cs_errorf(err, CS_EINVAL,
                         "trial batch: expected a recovery outcome of %zu steps and %zu ships "
                         "after a trial, found %zu and %zu after %zu trials",
                         b->n_steps, b->n_ships, o->n_steps, o->n_ships, b->n);
    const size_t i = b->n - 1;
    cs_batch_data *x = &b->data[CS_DS_REC_FAULTS];
    if (!reserve(x, x->n_values + o->n_faults))
        return cs_errorf(err, CS_ENOMEM, "trial batch: out of memory for faults");
    copy_row(b->ts_served_tbps + i * b->n_steps, o->served_tbps, b->n_steps, sizeof(double));
    copy_row(b->ts_queue_length + i * b->n_steps, o->queue_length, b->n_steps, sizeof(uint32_t));
    copy_row(b->rec_ship_busy_days + i * b->n_ships, o->ship_busy_days, b->n_ships, sizeof(double));
    b->rec_t50_days[i] = o->t50_days;
    b->rec_t90_days[i] = o->t90_days;
    b->rec_t100_days[i] = o->t100_days;
    b->rec_capacity_days[i] = o->capacity_tbps_days;
    b->rec_unserved_days[i] = o->unserved_tbps_days;
    for (size_t k = 0; k < o->n_faults; k++) {
        const cs_fault *f = &o->faults[k];
        const cs_repair *r = &o->repairs[k];
        const cs_fault_record rec = {
            .edge = (uint32_t)f->edge,
            .ship = r->ship,
            .fail_days = f->fail_days,
            .dispatch_days = r->dispatch_days,
            .start_days = r->start_days,
            .end_days = r->end_days,
            .waters = (uint8_t)f->waters,
        };
        pack_fault((unsigned char *)x->values + x->n_values++ * CS_FAULT_RECORD_BYTES, &rec);
    }
    b->n_faults[i] = (uint32_t)o->n_faults;
    return CS_OK;
}
