/*
 * results.c: trial batches and the HDF5 results writer (docs/hdf5-schema.md).
 *
 * Implementation notes. Every object of the file (groups, datasets,
 * attributes, the static /topology and /baseline contents and empty /trials
 * datasets) is made in cs_results_create(). cs_results_write_batch() only
 * extends the /trials datasets (H5Dset_extent: metadata, the same call with
 * the same sizes on every rank once the file is shared) and writes raw data
 * through write_block(), the one place where trial data reaches the file.
 * With MPI (cs_results_create_mpi, cs_results_resume over a communicator) the
 * file is opened with H5Pset_fapl_mpio, every raw-data write is collective
 * (compressed chunked datasets require it), and cs_results_write_batch() first
 * shares every rank's batch sizes (place_batch) so that all ranks extend the
 * datasets to the same sizes and each writes its rows, and its part of the
 * CSR lists, at the place one process writing the batches in rank order would.
 *
 * Every HDF5 call is checked: hid_t < 0 and herr_t < 0 become CS_EHDF5 with a
 * message naming the file, the object and the innermost reason on HDF5's
 * error stack. HDF5's automatic error printing is turned off, since the
 * library never prints.
 */
#include "cablesim/results.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <hdf5.h>

#include "cablesim/paths.h"

/* A chunk holds at most this many bytes. */
#define CHUNK_MAX_BYTES ((size_t)16 << 20)
/* Rows per chunk when the scenario gives no batch size. */
#define DEFAULT_CHUNK_ROWS 1024
/* Elements per chunk of the failed edge and node lists: at least this many. */
#define MIN_LIST_CHUNK 4096

/* ------------------------------------------------------------ trial batch */

static bool mul_overflows(size_t a, size_t b)
{
    return b != 0 && a > SIZE_MAX / b;
}

/* Copies n doubles (or bytes, with size 1) when there are any: src may be NULL when n is 0. */
static void copy_row(void *dst, const void *src, size_t n, size_t size)
{
    if (n > 0) memcpy(dst, src, n * size);
}

/* Makes room for need indices in *buf (capacity *cap), doubling. */
static bool reserve(uint32_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap) return true;
    size_t n = *cap * 2 > need ? *cap * 2 : need;
    uint32_t *p = realloc(*buf, n * sizeof *p);
    if (p == NULL) return false;
    *buf = p;
    *cap = n;
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
    /* One extra element everywhere so that no size is 0 (malloc(0) may return NULL). */
    b->served_tbps = malloc((capacity * n_demands + 1) * sizeof(double));
    b->latency_ms = malloc((capacity * n_demands + 1) * sizeof(double));
    b->unserved_tbps = malloc((capacity + 1) * sizeof(double));
    if (edge_flow) b->edge_flow_tbps = malloc((capacity * n_edges + 1) * sizeof(double));
    b->pair_cut = malloc(capacity * n_pairs + 1);
    b->n_failed_edges = malloc((capacity + 1) * sizeof(uint32_t));
    b->n_failed_nodes = malloc((capacity + 1) * sizeof(uint32_t));
    b->cap_fe = b->cap_fn = capacity;
    b->failed_edges = malloc((capacity + 1) * sizeof(uint32_t));
    b->failed_nodes = malloc((capacity + 1) * sizeof(uint32_t));
    if (!b->served_tbps || !b->latency_ms || !b->unserved_tbps ||
        (edge_flow && !b->edge_flow_tbps) || !b->pair_cut || !b->n_failed_edges ||
        !b->n_failed_nodes || !b->failed_edges || !b->failed_nodes) {
        cs_trial_batch_destroy(b);
        return cs_errorf(err, CS_ENOMEM, "trial batch: out of memory for %zu trials", capacity);
    }
    return CS_OK;
}

static void batch_recovery_destroy(cs_trial_batch *b)
{
    free(b->ts_served_tbps);
    free(b->ts_queue_length);
    free(b->rec_t50_days);
    free(b->rec_t90_days);
    free(b->rec_t100_days);
    free(b->rec_capacity_days);
    free(b->rec_unserved_days);
    free(b->rec_ship_busy_days);
    free(b->n_faults);
    free(b->faults);
}

void cs_trial_batch_destroy(cs_trial_batch *b)
{
    free(b->served_tbps);
    free(b->latency_ms);
    free(b->unserved_tbps);
    free(b->edge_flow_tbps);
    free(b->pair_cut);
    free(b->n_failed_edges);
    free(b->n_failed_nodes);
    free(b->failed_edges);
    free(b->failed_nodes);
    batch_recovery_destroy(b);
    memset(b, 0, sizeof *b);
}

void cs_trial_batch_reset(cs_trial_batch *b, uint64_t first_trial)
{
    b->first_trial = first_trial;
    b->n = 0;
    b->n_fe = 0;
    b->n_fn = 0;
    b->n_fr = 0;
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

/* f may be NULL: the trial had no failure. */
cs_status cs_trial_batch_add(cs_trial_batch *b, const cs_failures *f, const cs_routing_result *r,
                             const unsigned char *pair_cut, cs_error *err)
{
    const cs_status rc = check_trial(b, f, r, pair_cut, err);
    if (rc) return rc;
    const size_t nfe = f != NULL ? f->n_edges : 0, nfn = f != NULL ? f->n_nodes : 0;
    if (!reserve(&b->failed_edges, &b->cap_fe, b->n_fe + nfe) ||
        !reserve(&b->failed_nodes, &b->cap_fn, b->n_fn + nfn))
        return cs_errorf(err, CS_ENOMEM,
                         "trial batch: out of memory for the failures of trial %" PRIu64,
                         b->first_trial + b->n);
    const size_t i = b->n;
    copy_row(b->served_tbps + i * b->n_demands, r->served_tbps, b->n_demands, sizeof(double));
    copy_row(b->latency_ms + i * b->n_demands, r->latency_ms, b->n_demands, sizeof(double));
    b->unserved_tbps[i] = r->unserved_tbps;
    if (b->edge_flow_tbps != NULL)
        copy_row(b->edge_flow_tbps + i * b->n_edges, r->edge_flow_tbps, b->n_edges, sizeof(double));
    copy_row(b->pair_cut + i * b->n_pairs, pair_cut, b->n_pairs, 1);
    /* Indices are < n_edges, n_nodes <= UINT32_MAX (checked by init): the casts are exact. */
    for (size_t k = 0; k < nfe; k++)
        b->failed_edges[b->n_fe++] = (uint32_t)f->edges[k];
    for (size_t k = 0; k < nfn; k++)
        b->failed_nodes[b->n_fn++] = (uint32_t)f->nodes[k];
    b->n_failed_edges[i] = (uint32_t)nfe;
    b->n_failed_nodes[i] = (uint32_t)nfn;
    b->n++;
    return CS_OK;
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
    b->ts_served_tbps = malloc((c * n_steps + 1) * sizeof(double));
    b->ts_queue_length = malloc((c * n_steps + 1) * sizeof(uint32_t));
    b->rec_t50_days = malloc((c + 1) * sizeof(double));
    b->rec_t90_days = malloc((c + 1) * sizeof(double));
    b->rec_t100_days = malloc((c + 1) * sizeof(double));
    b->rec_capacity_days = malloc((c + 1) * sizeof(double));
    b->rec_unserved_days = malloc((c + 1) * sizeof(double));
    b->rec_ship_busy_days = malloc((c * n_ships + 1) * sizeof(double));
    b->n_faults = malloc((c + 1) * sizeof(uint32_t));
    b->cap_fr = c;
    b->faults = malloc((c + 1) * CS_FAULT_RECORD_BYTES);
    if (!b->ts_served_tbps || !b->ts_queue_length || !b->rec_t50_days || !b->rec_t90_days ||
        !b->rec_t100_days || !b->rec_capacity_days || !b->rec_unserved_days ||
        !b->rec_ship_busy_days || !b->n_faults || !b->faults) {
        batch_recovery_destroy(b);
        b->n_steps = b->n_ships = 0;
        b->ts_served_tbps = b->rec_t50_days = b->rec_t90_days = b->rec_t100_days = NULL;
        b->rec_capacity_days = b->rec_unserved_days = b->rec_ship_busy_days = NULL;
        b->ts_queue_length = b->n_faults = NULL;
        b->faults = NULL;
        return cs_errorf(err, CS_ENOMEM, "trial batch: out of memory for recovery outcomes");
    }
    return CS_OK;
}

/* Packs x as in the file (fault_type): native byte order, which is little-endian here. */
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
    if (b->n_fr + o->n_faults > b->cap_fr) {
        size_t cap = b->cap_fr > 0 ? 2 * b->cap_fr : 64;
        while (cap < b->n_fr + o->n_faults)
            cap *= 2;
        unsigned char *p = realloc(b->faults, cap * CS_FAULT_RECORD_BYTES);
        if (p == NULL) return cs_errorf(err, CS_ENOMEM, "trial batch: out of memory for faults");
        b->faults = p;
        b->cap_fr = cap;
    }
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
        const cs_fault_record x = {(uint32_t)f->edge, r->ship,       f->fail_days,
                                   r->dispatch_days,  r->start_days, r->end_days,
                                   (uint8_t)f->waters};
        pack_fault(b->faults + b->n_fr++ * CS_FAULT_RECORD_BYTES, &x);
    }
    b->n_faults[i] = (uint32_t)o->n_faults;
    return CS_OK;
}

/* ---------------------------------------------------------------- errors */

/* H5Ewalk2 callback: keeps the innermost (first) description on the stack. */
static herr_t first_reason(unsigned n, const H5E_error2_t *e, void *data)
{
    char *reason = data;
    if (n != 0 || e->desc == NULL) return 0;
    /* A failed write of the file driver: the system's reason ("File too large", "No space left
     * on device") rather than the driver's dump of its buffers. */
    const char *no = strstr(e->desc, "errno = ");
    const int code = no != NULL ? atoi(no + 8) : 0;
    if (code > 0)
        snprintf(reason, 256, "%s", strerror(code));
    else
        snprintf(reason, 256, "%s", e->desc);
    return 0;
}

/* Records that HDF5 could not <what> <object> in path, with HDF5's own reason. */
static cs_status h5err(cs_error *err, cs_status code, const char *path, const char *what,
                       const char *object)
{
    char reason[256] = "";
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, first_reason, reason);
    if (reason[0] != '\0')
        return cs_errorf(err, code, "%s: HDF5 could not %s %s (%s)", path, what, object, reason);
    return cs_errorf(err, code, "%s: HDF5 could not %s %s", path, what, object);
}

/* ---------------------------------------------------------- trial layout */

typedef enum { K_U64, K_U32, K_U8, K_F64, K_FAULT } elem_kind;

/* The /trials datasets, in the order they are written. */
enum {
    TD_FAILED_OFFSETS,
    TD_FAILED_EDGES,
    TD_FAILED_NODE_OFFSETS,
    TD_FAILED_NODES,
    TD_SERVED,
    TD_LATENCY,
    TD_UNSERVED,
    TD_EDGE_FLOW,
    TD_PAIR_CUT,
    /* recovery over time: only with the scenario's `recovery:` (absolute names) */
    TD_TS_SERVED,
    TD_TS_QUEUE,
    TD_REC_T50,
    TD_REC_T90,
    TD_REC_T100,
    TD_REC_CAPACITY,
    TD_REC_UNSERVED,
    TD_REC_BUSY,
    TD_REC_FAULT_OFFSETS,
    TD_REC_FAULTS,
    TD_COUNT
};
#define TD_FIRST_RECOVERY TD_TS_SERVED

typedef struct {
    const char *name; /* in /trials */
    elem_kind kind;
    bool matrix; /* [trials x columns]; else one dimension */
    bool list;   /* a CSR value list, whose length is not the trial count */
    const char *units;
    const char *description;
} trial_doc;

static const trial_doc trial_docs[TD_COUNT] = {
    {"failed_offsets", K_U64, false, false, "1",
     "CSR offsets into failed_edges: trial t's failed edges are "
     "failed_edges[failed_offsets[t]:failed_offsets[t+1]]; length trials + 1"},
    {"failed_edges", K_U32, false, true, "1",
     "indices (rows of /topology/edges) of the edges that failed in each trial, in the order they "
     "failed, trials concatenated; edges lost only because an end node failed are not listed"},
    {"failed_node_offsets", K_U64, false, false, "1",
     "CSR offsets into failed_nodes: trial t's failed nodes are "
     "failed_nodes[failed_node_offsets[t]:failed_node_offsets[t+1]]; length trials + 1"},
    {"failed_nodes", K_U32, false, true, "1",
     "indices (rows of /topology/nodes) of the nodes that failed in each trial, in the order they "
     "failed, trials concatenated"},
    {"served_tbps", K_F64, true, false, "Tbps",
     "traffic served per trial (row) and demand (column, row of /topology/demands)"},
    {"latency_ms", K_F64, true, false, "ms",
     "one-way latency per trial and demand: flow-weighted mean over the paths used; NaN when "
     "nothing is served"},
    {"unserved_tbps", K_F64, false, false, "Tbps",
     "per trial, the sum over demands of demand_scaled_tbps - served_tbps"},
    {"edge_flow_tbps", K_F64, true, false, "Tbps",
     "flow carried per trial (row) and edge (column, row of /topology/edges)"},
    {"pair_cut", K_U8, true, false, "1",
     "1 when the (city, region) pair (column, row of /topology/pairs) lost every path in the "
     "trial, else 0"},
    {"/timeseries/served_tbps", K_F64, true, false, "Tbps",
     "total demand served per trial (row) at each time of /timeseries/time_days (column), as the "
     "trial's failures happen and are repaired"},
    {"/timeseries/queue_length", K_U32, true, false, "1",
     "per trial and grid time: cable faults that have happened and have no ship yet"},
    {"/recovery/t50_days", K_F64, false, false, "day",
     "per trial, the first time from which served demand stays >= 50% of the intact network's "
     "until the horizon; 0 if it never drops below, +inf if not restored within the horizon"},
    {"/recovery/t90_days", K_F64, false, false, "day", "as t50_days, for 90%"},
    {"/recovery/t100_days", K_F64, false, false, "day", "as t50_days, for 100%"},
    {"/recovery/capacity_tbps_days", K_F64, false, false, "Tbps day",
     "per trial, sum over failed edges of lit capacity x days down within the horizon"},
    {"/recovery/unserved_tbps_days", K_F64, false, false, "Tbps day",
     "per trial, integral over the horizon of (intact served - served) demand"},
    {"/recovery/ship_busy_days", K_F64, true, false, "day",
     "per trial (row) and ship (column, row of /recovery/ships): days from dispatch to end of "
     "repair, summed over its repairs, clipped to the horizon"},
    {"/recovery/fault_offsets", K_U64, false, false, "1",
     "CSR offsets into /recovery/faults: trial t's faults are "
     "faults[fault_offsets[t]:fault_offsets[t+1]]; length trials + 1"},
    {"/recovery/faults", K_FAULT, false, true, "day (times), 1 (indices)",
     "cable faults of each trial in failure order, trials concatenated: edge (row of "
     "/topology/edges), fail_days, ship (row of /recovery/ships, -1 none), dispatch_days, "
     "start_days, end_days (+inf: not within the horizon), waters (0 domestic, 1 foreign, 2 "
     "contested)"},
};

static size_t elem_size(elem_kind k)
{
    switch (k) {
    case K_U64:
        return 8;
    case K_U32:
        return 4;
    case K_U8:
        return 1;
    case K_FAULT:
        return CS_FAULT_RECORD_BYTES;
    default:
        return 8;
    }
}

static hid_t elem_type(elem_kind k, bool file)
{
    switch (k) {
    case K_U64:
        return file ? H5T_STD_U64LE : H5T_NATIVE_UINT64;
    case K_U32:
        return file ? H5T_STD_U32LE : H5T_NATIVE_UINT32;
    case K_U8:
        return file ? H5T_STD_U8LE : H5T_NATIVE_UINT8;
    default:
        return file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE;
    }
}

struct cs_results {
    char *path;
    hid_t file, dxpl;
    hid_t dset[TD_COUNT]; /* H5I_INVALID_HID for datasets the scenario leaves out */
    size_t ncols[TD_COUNT];
    uint64_t trials;     /* trials this file holds: the scenario's, or a part's */
    uint64_t first;      /* the first of them (0 but in a part) */
    uint64_t all_trials; /* the scenario's */
    uint64_t written;    /* trials written so far (from first) */
    uint64_t n_fe, n_fn; /* lengths of failed_edges and failed_nodes */
    size_t n_demands, n_edges, n_nodes, n_pairs;
    uint64_t *offsets; /* workspace for one batch's CSR offsets */
    size_t offsets_cap;
    double write_seconds; /* wall time spent writing trials */
    MPI_Comm comm;        /* MPI_COMM_NULL: one process, the sec2 driver */
    int rank, size;
    size_t n_steps, n_ships;        /* recovery grid and fleet; 0 without recovery */
    uint64_t n_fr;                  /* length of /recovery/faults */
    hid_t fault_mtype, fault_ftype; /* the fault record in memory and in the file */
};

/* ----------------------------------------------------------- attributes */

/* A variable-length UTF-8 string type (h5py reads it as str); H5I_INVALID_HID on failure. */
static hid_t vlen_string_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0) return H5I_INVALID_HID;
    if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

/* Writes the scalar attribute name = *value (memory type mem, file type ftype) on obj. */
static cs_status put_attr(const cs_results_t *w, hid_t obj, const char *objname, const char *name,
                          hid_t ftype, hid_t mem, const void *value, cs_error *err)
{
    hid_t space = H5Screate(H5S_SCALAR), attr = H5I_INVALID_HID;
    herr_t st = -1;
    if (space >= 0) attr = H5Acreate2(obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr >= 0) st = H5Awrite(attr, mem, value);
    cs_status rc = CS_OK;
    if (st < 0) {
        char what[128];
        snprintf(what, sizeof what, "write attribute \"%s\" of", name);
        rc = h5err(err, CS_EHDF5, w->path, what, objname);
    }
    if (attr >= 0 && H5Aclose(attr) < 0 && rc == CS_OK)
        rc = h5err(err, CS_EHDF5, w->path, "close an attribute of", objname);
    if (space >= 0) H5Sclose(space);
    return rc;
}

static cs_status put_str_attr(const cs_results_t *w, hid_t obj, const char *objname,
                              const char *name, const char *value, cs_error *err)
{
    const hid_t t = vlen_string_type();
    if (t < 0) return h5err(err, CS_EHDF5, w->path, "make a string type for", objname);
    const char *v = value != NULL ? value : "";
    const cs_status rc = put_attr(w, obj, objname, name, t, t, &v, err);
    H5Tclose(t);
    return rc;
}

/*
 * The `rows` attribute of a per-trial dataset (docs/hdf5-schema.md): "trial" (the first axis is
 * the trial), "offsets" (CSR offsets, trials + 1 of them; `values` names the values dataset) or
 * "values" (a CSR values list). cablesim merge and other tools rely on it instead of knowing the
 * datasets by name: call it wherever a per-trial dataset is created.
 */
static cs_status put_rows_attr(const cs_results_t *w, hid_t d, const char *name, const char *rows,
                               const char *values, cs_error *err)
{
    cs_status rc = put_str_attr(w, d, name, "rows", rows, err);
    if (rc == CS_OK && values != NULL) rc = put_str_attr(w, d, name, "values", values, err);
    return rc;
}

/* The `units` and `description` every dataset carries. */
static cs_status put_doc(const cs_results_t *w, hid_t obj, const char *objname, const char *units,
                         const char *description, cs_error *err)
{
    cs_status rc = put_str_attr(w, obj, objname, "units", units, err);
    if (rc == CS_OK) rc = put_str_attr(w, obj, objname, "description", description, err);
    return rc;
}

/* Creates group name with a description into *out (H5I_INVALID_HID on failure). */
static cs_status make_group(hid_t *out, const cs_results_t *w, const char *name,
                            const char *description, cs_error *err)
{
    /* No time stamps, as for datasets (plain_dcpl). */
    const hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    *out = gcpl >= 0 && H5Pset_obj_track_times(gcpl, false) >= 0
               ? H5Gcreate2(w->file, name, H5P_DEFAULT, gcpl, H5P_DEFAULT)
               : H5I_INVALID_HID;
    const cs_status rc_create =
        *out < 0 ? h5err(err, CS_EHDF5, w->path, "create group", name) : CS_OK;
    if (gcpl >= 0) H5Pclose(gcpl);
    if (rc_create) return rc_create;
    const cs_status rc = put_str_attr(w, *out, name, "description", description, err);
    if (rc) {
        H5Gclose(*out);
        *out = H5I_INVALID_HID;
    }
    return rc;
}

/* ------------------------------------------------------- compound tables */

typedef enum { COL_STR, COL_U32, COL_I32, COL_U8, COL_F64 } col_kind;

typedef struct {
    const char *name;
    col_kind kind;
    size_t size, offset;
} column;

#define MAX_COLUMNS 20

/* A packed record layout: columns at increasing offsets, no padding. */
typedef struct {
    column col[MAX_COLUMNS];
    size_t ncol, size;
} layout;

/* Appends a column; strsize is the fixed string length (COL_STR only, at least 1). */
static void add_col(layout *l, const char *name, col_kind kind, size_t strsize)
{
    static const size_t sizes[] = {0, 4, 4, 1, 8};
    column *c = &l->col[l->ncol++];
    c->name = name;
    c->kind = kind;
    c->size = kind == COL_STR ? (strsize > 0 ? strsize : 1) : sizes[kind];
    c->offset = l->size;
    l->size += c->size;
}

/* Fixed-length, null-padded UTF-8 strings: h5py reads them as numpy bytes ('S'). */
static hid_t fixed_string_type(size_t size)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0) return H5I_INVALID_HID;
    if (H5Tset_size(t, size) < 0 || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0 ||
        H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

/* The compound type of l, for memory or for the file; H5I_INVALID_HID on failure. */
static hid_t layout_type(const layout *l, bool file)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, l->size);
    for (size_t i = 0; t >= 0 && i < l->ncol; i++) {
        const column *c = &l->col[i];
        hid_t ct = H5I_INVALID_HID;
        bool owned = false;
        switch (c->kind) {
        case COL_STR:
            ct = fixed_string_type(c->size);
            owned = true;
            break;
        case COL_U32:
            ct = file ? H5T_STD_U32LE : H5T_NATIVE_UINT32;
            break;
        case COL_I32:
            ct = file ? H5T_STD_I32LE : H5T_NATIVE_INT32;
            break;
        case COL_U8:
            ct = file ? H5T_STD_U8LE : H5T_NATIVE_UINT8;
            break;
        case COL_F64:
            ct = file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE;
            break;
        }
        const herr_t st = ct >= 0 ? H5Tinsert(t, c->name, c->offset, ct) : -1;
        if (owned && ct >= 0) H5Tclose(ct);
        if (st < 0) {
            H5Tclose(t);
            t = H5I_INVALID_HID;
        }
    }
    return t;
}

static void put_str(unsigned char *rec, const column *c, const char *s)
{
    memset(rec + c->offset, 0, c->size);
    if (s != NULL) memcpy(rec + c->offset, s, strlen(s)); /* strlen(s) <= c->size by layout */
}

static void put_u32(unsigned char *rec, const column *c, uint32_t v)
{
    memcpy(rec + c->offset, &v, sizeof v);
}

static void put_i32(unsigned char *rec, const column *c, int32_t v)
{
    memcpy(rec + c->offset, &v, sizeof v);
}

static void put_u8(unsigned char *rec, const column *c, uint8_t v)
{
    rec[c->offset] = v;
}

static void put_f64(unsigned char *rec, const column *c, double v)
{
    memcpy(rec + c->offset, &v, sizeof v);
}

static size_t max_len(size_t cur, const char *s)
{
    const size_t n = s != NULL ? strlen(s) : 0;
    return n > cur ? n : cur;
}

/* Dataset creation properties shared by every dataset: no time stamps, so that equal runs give
 * equal files apart from the `created` attribute. */
static hid_t plain_dcpl(void)
{
    hid_t p = H5Pcreate(H5P_DATASET_CREATE);
    if (p >= 0 && H5Pset_obj_track_times(p, false) < 0) {
        H5Pclose(p);
        return H5I_INVALID_HID;
    }
    return p;
}

/*
 * Writes the 1-D fixed-size dataset name (n elements of memory type mem, stored as ftype) with
 * its units and description. buf may be NULL when n is 0.
 */
static cs_status write_fixed(const cs_results_t *w, hid_t group, const char *name, hid_t ftype,
                             hid_t mem, size_t n, const void *buf, const char *units,
                             const char *description, cs_error *err)
{
    const hsize_t dims[1] = {n};
    hid_t space = H5Screate_simple(1, dims, NULL), dcpl = plain_dcpl(), d = H5I_INVALID_HID;
    cs_status rc = CS_OK;
    if (space < 0 || dcpl < 0) {
        rc = h5err(err, CS_EHDF5, w->path, "make the dataspace of", name);
        goto done;
    }
    d = H5Dcreate2(group, name, ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (d < 0) {
        rc = h5err(err, CS_EHDF5, w->path, "create dataset", name);
        goto done;
    }
    if (n > 0 && H5Dwrite(d, mem, H5S_ALL, H5S_ALL, w->dxpl, buf) < 0) {
        rc = h5err(err, CS_EHDF5, w->path, "write dataset", name);
        goto done;
    }
    rc = put_doc(w, d, name, units, description, err);
done:
    if (d >= 0 && H5Dclose(d) < 0 && rc == CS_OK)
        rc = h5err(err, CS_EHDF5, w->path, "close dataset", name);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    return rc;
}

/* Writes the compound table name: n records of layout l packed in buf. */
static cs_status write_table(const cs_results_t *w, hid_t group, const char *name, const layout *l,
                             size_t n, const void *buf, const char *units, const char *description,
                             cs_error *err)
{
    const hid_t ft = layout_type(l, true), mt = layout_type(l, false);
    cs_status rc;
    if (ft < 0 || mt < 0)
        rc = h5err(err, CS_EHDF5, w->path, "make the compound type of", name);
    else
        rc = write_fixed(w, group, name, ft, mt, n, buf, units, description, err);
    if (ft >= 0) H5Tclose(ft);
    if (mt >= 0) H5Tclose(mt);
    return rc;
}

static cs_status table_buffer(unsigned char **out, const cs_results_t *w, const char *name,
                              size_t n, const layout *l, cs_error *err)
{
    *out = mul_overflows(n + 1, l->size) ? NULL : calloc(n + 1, l->size);
    if (*out == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory for %s", w->path, name);
    return CS_OK;
}

enum { N_ID, N_NAME, N_KIND, N_COUNTRY, N_REGION, N_LON, N_LAT };

static cs_status write_nodes(const cs_results_t *w, hid_t g, const cs_topology_t *t, cs_error *err)
{
    const size_t n = cs_topology_node_count(t);
    size_t len[5] = {0};
    for (size_t i = 0; i < n; i++) {
        const cs_node *v = cs_topology_node(t, i);
        len[0] = max_len(len[0], v->id);
        len[1] = max_len(len[1], v->name);
        len[2] = max_len(len[2], cs_node_kind_name(v->kind));
        len[3] = max_len(len[3], v->country);
        len[4] = max_len(len[4], v->region);
    }
    layout l = {0};
    add_col(&l, "id", COL_STR, len[0]);
    add_col(&l, "name", COL_STR, len[1]);
    add_col(&l, "kind", COL_STR, len[2]);
    add_col(&l, "country", COL_STR, len[3]);
    add_col(&l, "region", COL_STR, len[4]);
    add_col(&l, "lon_deg", COL_F64, 0);
    add_col(&l, "lat_deg", COL_F64, 0);
    unsigned char *buf;
    cs_status rc = table_buffer(&buf, w, "/topology/nodes", n, &l, err);
    if (rc) return rc;
    for (size_t i = 0; i < n; i++) {
        const cs_node *v = cs_topology_node(t, i);
        unsigned char *rec = buf + i * l.size;
        put_str(rec, &l.col[N_ID], v->id);
        put_str(rec, &l.col[N_NAME], v->name);
        put_str(rec, &l.col[N_KIND], cs_node_kind_name(v->kind));
        put_str(rec, &l.col[N_COUNTRY], v->country);
        put_str(rec, &l.col[N_REGION], v->region);
        put_f64(rec, &l.col[N_LON], v->pos.lon);
        put_f64(rec, &l.col[N_LAT], v->pos.lat);
    }
    rc = write_table(w, g, "nodes", &l, n, buf, "lon_deg, lat_deg: degree; other columns: text",
                     "nodes of the topology (row i is node index i): landing stations, branching "
                     "units and cities",
                     err);
    free(buf);
    return rc;
}

enum {
    E_ID,
    E_KIND,
    E_CABLE,
    E_CABLE_NAME,
    E_FROM,
    E_TO,
    E_CAPACITY,
    E_LIT,
    E_CAP_EST,
    E_LIT_EST,
    E_LENGTH,
    E_DEPTH,
    E_SHALLOW,
    E_RFS,
    E_RETIRED,
    E_OWNERS
};

static layout edge_layout(const cs_topology_t *t)
{
    size_t len[5] = {0};
    for (size_t j = 0; j < cs_topology_edge_count(t); j++) {
        const cs_edge *e = cs_topology_edge(t, j);
        len[0] = max_len(len[0], e->id);
        len[1] = max_len(len[1], cs_edge_kind_name(e->kind));
        len[2] = max_len(len[2], e->cable);
        len[3] = max_len(len[3], e->cable_name);
        len[4] = max_len(len[4], e->owners);
    }
    layout l = {0};
    add_col(&l, "id", COL_STR, len[0]);
    add_col(&l, "kind", COL_STR, len[1]);
    add_col(&l, "cable", COL_STR, len[2]);
    add_col(&l, "cable_name", COL_STR, len[3]);
    add_col(&l, "from", COL_U32, 0);
    add_col(&l, "to", COL_U32, 0);
    add_col(&l, "capacity_tbps", COL_F64, 0);
    add_col(&l, "lit_tbps", COL_F64, 0);
    add_col(&l, "capacity_estimated", COL_U8, 0);
    add_col(&l, "lit_estimated", COL_U8, 0);
    add_col(&l, "length_km", COL_F64, 0);
    add_col(&l, "depth_m", COL_F64, 0);
    add_col(&l, "shallow_share", COL_F64, 0);
    add_col(&l, "rfs", COL_I32, 0);
    add_col(&l, "retired", COL_I32, 0);
    add_col(&l, "owners", COL_STR, len[4]);
    return l;
}

static cs_status write_edges(const cs_results_t *w, hid_t g, const cs_topology_t *t, cs_error *err)
{
    const size_t n = cs_topology_edge_count(t);
    const layout l = edge_layout(t);
    unsigned char *buf;
    cs_status rc = table_buffer(&buf, w, "/topology/edges", n, &l, err);
    if (rc) return rc;
    for (size_t j = 0; j < n; j++) {
        const cs_edge *e = cs_topology_edge(t, j);
        unsigned char *rec = buf + j * l.size;
        put_str(rec, &l.col[E_ID], e->id);
        put_str(rec, &l.col[E_KIND], cs_edge_kind_name(e->kind));
        put_str(rec, &l.col[E_CABLE], e->cable);
        put_str(rec, &l.col[E_CABLE_NAME], e->cable_name);
        /* Node counts are <= UINT32_MAX (checked by cs_results_create). */
        put_u32(rec, &l.col[E_FROM], (uint32_t)e->from);
        put_u32(rec, &l.col[E_TO], (uint32_t)e->to);
        put_f64(rec, &l.col[E_CAPACITY], e->capacity_tbps);
        put_f64(rec, &l.col[E_LIT], e->lit_tbps);
        put_u8(rec, &l.col[E_CAP_EST], e->capacity_estimated);
        put_u8(rec, &l.col[E_LIT_EST], e->lit_estimated);
        put_f64(rec, &l.col[E_LENGTH], e->length_km);
        put_f64(rec, &l.col[E_DEPTH], e->depth_m);
        put_f64(rec, &l.col[E_SHALLOW], e->shallow_share);
        put_i32(rec, &l.col[E_RFS], e->rfs);
        put_i32(rec, &l.col[E_RETIRED], e->retired);
        put_str(rec, &l.col[E_OWNERS], e->owners);
    }
    rc = write_table(w, g, "edges", &l, n, buf,
                     "capacity_tbps, lit_tbps: Tbps; length_km: km; depth_m: m; rfs, retired: "
                     "year; from, to, capacity_estimated, lit_estimated, shallow_share: 1; other "
                     "columns: text",
                     "edges of the topology (row j is edge index j): cable segments and "
                     "terrestrial links; from and to are node indices",
                     err);
    free(buf);
    return rc;
}

enum { D_ORIGIN, D_DESTINATION, D_ORIGIN_ID, D_DESTINATION_ID, D_DEMAND, D_SCALED };

static cs_status write_demands(const cs_results_t *w, hid_t g, const cs_results_meta *m,
                               cs_error *err)
{
    const size_t n = cs_demand_count(m->demand);
    size_t len[2] = {0};
    for (size_t i = 0; i < n; i++) {
        const cs_demand_entry *d = cs_demand_entry_at(m->demand, i);
        len[0] = max_len(len[0], cs_topology_node(m->topology, d->origin)->id);
        len[1] = max_len(len[1], cs_topology_node(m->topology, d->destination)->id);
    }
    layout l = {0};
    add_col(&l, "origin", COL_U32, 0);
    add_col(&l, "destination", COL_U32, 0);
    add_col(&l, "origin_id", COL_STR, len[0]);
    add_col(&l, "destination_id", COL_STR, len[1]);
    add_col(&l, "demand_tbps", COL_F64, 0);
    add_col(&l, "demand_scaled_tbps", COL_F64, 0);
    unsigned char *buf;
    cs_status rc = table_buffer(&buf, w, "/topology/demands", n, &l, err);
    if (rc) return rc;
    const double scale = m->scenario->routing.demand_scale;
    for (size_t i = 0; i < n; i++) {
        const cs_demand_entry *d = cs_demand_entry_at(m->demand, i);
        unsigned char *rec = buf + i * l.size;
        put_u32(rec, &l.col[D_ORIGIN], (uint32_t)d->origin);
        put_u32(rec, &l.col[D_DESTINATION], (uint32_t)d->destination);
        put_str(rec, &l.col[D_ORIGIN_ID], cs_topology_node(m->topology, d->origin)->id);
        put_str(rec, &l.col[D_DESTINATION_ID], cs_topology_node(m->topology, d->destination)->id);
        put_f64(rec, &l.col[D_DEMAND], d->demand_tbps);
        put_f64(rec, &l.col[D_SCALED], d->demand_tbps * scale);
    }
    rc = write_table(w, g, "demands", &l, n, buf,
                     "demand_tbps, demand_scaled_tbps: Tbps; origin, destination: 1; other "
                     "columns: text",
                     "the demand matrix (row k is demand index k): origin and destination are "
                     "node indices of cities; demand_scaled_tbps = demand_tbps x the scenario's "
                     "routing demand_scale, the traffic the router tries to carry",
                     err);
    free(buf);
    return rc;
}

enum { P_CITY, P_CITY_ID, P_REGION };

static cs_status write_pairs(const cs_results_t *w, hid_t g, const cs_results_meta *m,
                             cs_error *err)
{
    const size_t n = w->n_pairs;
    size_t len[2] = {0};
    for (size_t i = 0; i < n; i++) {
        len[0] = max_len(len[0], cs_topology_node(m->topology, m->pairs->origin[i])->id);
        len[1] = max_len(len[1], m->pairs->region[i]);
    }
    layout l = {0};
    add_col(&l, "city", COL_U32, 0);
    add_col(&l, "city_id", COL_STR, len[0]);
    add_col(&l, "region", COL_STR, len[1]);
    unsigned char *buf;
    cs_status rc = table_buffer(&buf, w, "/topology/pairs", n, &l, err);
    if (rc) return rc;
    for (size_t i = 0; i < n; i++) {
        unsigned char *rec = buf + i * l.size;
        put_u32(rec, &l.col[P_CITY], (uint32_t)m->pairs->origin[i]);
        put_str(rec, &l.col[P_CITY_ID], cs_topology_node(m->topology, m->pairs->origin[i])->id);
        put_str(rec, &l.col[P_REGION], m->pairs->region[i]);
    }
    rc = write_table(w, g, "pairs", &l, n, buf, "city: 1; other columns: text",
                     "the (Japanese city, foreign region) pairs tracked by /trials/pair_cut "
                     "(row p is column p); city is a node index",
                     err);
    free(buf);
    return rc;
}

static cs_status write_topology(const cs_results_t *w, const cs_results_meta *m, cs_error *err)
{
    hid_t g;
    cs_status rc = make_group(&g, w, "/topology", "the network and demand the trials ran on", err);
    if (rc) return rc;
    rc = write_nodes(w, g, m->topology, err);
    if (rc == CS_OK) rc = write_edges(w, g, m->topology, err);
    if (rc == CS_OK) rc = write_demands(w, g, m, err);
    if (rc == CS_OK) rc = write_pairs(w, g, m, err);
    if (H5Gclose(g) < 0 && rc == CS_OK)
        rc = h5err(err, CS_EHDF5, w->path, "close group", "/topology");
    return rc;
}

static cs_status write_baseline(const cs_results_t *w, const cs_routing_result *b, cs_error *err)
{
    hid_t g;
    cs_status rc =
        make_group(&g, w, "/baseline", "routing of the intact network (no failure)", err);
    if (rc) return rc;
    const hid_t f64 = H5T_IEEE_F64LE, mem = H5T_NATIVE_DOUBLE;
    rc = write_fixed(w, g, "served_tbps", f64, mem, w->n_demands, b->served_tbps, "Tbps",
                     "traffic served per demand (row of /topology/demands)", err);
    if (rc == CS_OK)
        rc = write_fixed(w, g, "latency_ms", f64, mem, w->n_demands, b->latency_ms, "ms",
                         "one-way latency per demand: flow-weighted mean over the paths used; "
                         "NaN when nothing is served",
                         err);
    if (rc == CS_OK)
        rc = write_fixed(w, g, "edge_flow_tbps", f64, mem, w->n_edges, b->edge_flow_tbps, "Tbps",
                         "flow carried per edge (row of /topology/edges)", err);
    if (rc == CS_OK) {
        /* A scalar: a 1-element dataset would read as an array in h5py. */
        const hid_t space = H5Screate(H5S_SCALAR), dcpl = plain_dcpl();
        hid_t d = H5I_INVALID_HID;
        if (space >= 0 && dcpl >= 0)
            d = H5Dcreate2(g, "unserved_tbps", f64, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
        if (d < 0 || H5Dwrite(d, mem, H5S_ALL, H5S_ALL, w->dxpl, &b->unserved_tbps) < 0)
            rc = h5err(err, CS_EHDF5, w->path, "write dataset", "/baseline/unserved_tbps");
        else
            rc = put_doc(w, d, "/baseline/unserved_tbps", "Tbps",
                         "sum over demands of demand_scaled_tbps - served_tbps", err);
        if (d >= 0) H5Dclose(d);
        if (dcpl >= 0) H5Pclose(dcpl);
        if (space >= 0) H5Sclose(space);
    }
    if (H5Gclose(g) < 0 && rc == CS_OK)
        rc = h5err(err, CS_EHDF5, w->path, "close group", "/baseline");
    return rc;
}

/* ------------------------------------------------------------ root attributes */

static cs_status write_root_attrs(const cs_results_t *w, const cs_results_meta *m,
                                  const char *created, cs_error *err)
{
    const cs_scenario *s = m->scenario;
    const int32_t version = CS_RESULTS_FORMAT_VERSION, as_of = s->as_of;
    const uint8_t zero = 0;
    const hid_t f = w->file;
    cs_status rc = put_str_attr(w, f, "/", "format", "cablesim-results", err);
    if (rc == CS_OK)
        rc = put_attr(w, f, "/", "format_version", H5T_STD_I32LE, H5T_NATIVE_INT32, &version, err);
    if (rc == CS_OK)
        rc = put_str_attr(w, f, "/", "software_version",
                          m->software_version != NULL ? m->software_version : cs_version(), err);
    if (rc == CS_OK) rc = put_str_attr(w, f, "/", "scenario", s->text, err);
    if (rc == CS_OK)
        rc = put_attr(w, f, "/", "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &s->seed, err);
    if (rc == CS_OK)
        rc = put_attr(w, f, "/", "trials", H5T_STD_U64LE, H5T_NATIVE_UINT64, &s->trials, err);
    if (rc == CS_OK)
        rc = put_str_attr(w, f, "/", "topology_sha256", cs_topology_sha256(m->topology), err);
    if (rc == CS_OK)
        rc = put_str_attr(w, f, "/", "demand_sha256", cs_demand_sha256(m->demand), err);
    if (rc == CS_OK)
        rc = put_attr(w, f, "/", "as_of", H5T_STD_I32LE, H5T_NATIVE_INT32, &as_of, err);
    if (rc == CS_OK) rc = put_str_attr(w, f, "/", "created", created, err);
    if (rc == CS_OK && m->part_trials > 0)
        rc = put_attr(w, f, "/", "part_first_trial", H5T_STD_U64LE, H5T_NATIVE_UINT64,
                      &m->part_first, err);
    if (rc == CS_OK && m->part_trials > 0)
        rc = put_attr(w, f, "/", "part_trials", H5T_STD_U64LE, H5T_NATIVE_UINT64, &m->part_trials,
                      err);
    if (rc == CS_OK)
        rc = put_attr(w, f, "/", "complete", H5T_STD_U8LE, H5T_NATIVE_UINT8, &zero, err);
    return rc;
}

/* ---------------------------------------------------------------- /trials */

static char *full_name(char *buf, size_t n, int d)
{
    if (trial_docs[d].name[0] == '/') /* recovery datasets live in their own groups */
        snprintf(buf, n, "%s", trial_docs[d].name);
    else
        snprintf(buf, n, "/trials/%s", trial_docs[d].name);
    return buf;
}

/* The type of dataset d's elements in the file or in memory. */
static hid_t trial_type(const cs_results_t *w, int d, bool file)
{
    if (trial_docs[d].kind == K_FAULT) return file ? w->fault_ftype : w->fault_mtype;
    return elem_type(trial_docs[d].kind, file);
}

/* The values dataset of CSR offsets dataset d, or -1 when d holds no offsets. */
static int values_of(int d)
{
    return d == TD_FAILED_OFFSETS        ? TD_FAILED_EDGES
           : d == TD_FAILED_NODE_OFFSETS ? TD_FAILED_NODES
           : d == TD_REC_FAULT_OFFSETS   ? TD_REC_FAULTS
                                         : -1;
}

/* Columns of per-trial dataset d (0 for vectors and lists). */
static size_t trial_cols(const cs_results_t *w, int d)
{
    switch (d) {
    case TD_SERVED:
    case TD_LATENCY:
        return w->n_demands;
    case TD_EDGE_FLOW:
        return w->n_edges;
    case TD_PAIR_CUT:
        return w->n_pairs;
    case TD_TS_SERVED:
    case TD_TS_QUEUE:
        return w->n_steps;
    case TD_REC_BUSY:
        return w->n_ships;
    default:
        return 0;
    }
}

/*
 * Rows per chunk: a batch, not beyond the trials, at most CHUNK_MAX_BYTES, at least 1. The engine
 * writes whole batches and MPI blocks default to a batch, so that writes cover whole chunks: a
 * compressed chunk written in part has to be read back, inflated and deflated again, and
 * parallel (collective) writes of filtered datasets cannot keep it in a cache in between.
 */
static hsize_t chunk_rows(const cs_output_options *o, uint64_t trials, size_t row_bytes)
{
    uint64_t rows = o->batch_trials > 0 ? o->batch_trials : DEFAULT_CHUNK_ROWS;
    if (trials > 0 && rows > trials + 1) rows = trials + 1;
    const size_t cap = CHUNK_MAX_BYTES / (row_bytes > 0 ? row_bytes : 1);
    if (rows > cap) rows = cap;
    return rows > 0 ? rows : 1;
}

/*
 * Creates the empty, extendible /trials dataset d: [0 x ncols] (or [0], or [1] for offsets,
 * whose first element is written by the caller), chunked, shuffled and deflated at level.
 */
static cs_status create_trial_dataset(cs_results_t *w, hid_t g, int d, size_t ncols,
                                      const cs_output_options *o, cs_error *err)
{
    const trial_doc *doc = &trial_docs[d];
    char name[64];
    full_name(name, sizeof name, d);
    const int rank = doc->matrix ? 2 : 1;
    const size_t esize = elem_size(doc->kind);
    hsize_t chunk[2];
    if (doc->list) {
        const size_t elems = o->batch_trials > MIN_LIST_CHUNK ? o->batch_trials : MIN_LIST_CHUNK;
        chunk[0] = elems < CHUNK_MAX_BYTES / esize ? elems : CHUNK_MAX_BYTES / esize;
    } else {
        chunk[0] = chunk_rows(o, w->all_trials, (doc->matrix ? ncols : 1) * esize);
    }
    /* A chunk dimension must be >= 1 and within a fixed maximum: zero columns use an
     * unlimited column axis that is never extended. */
    chunk[1] = ncols > 0 ? ncols : 1;
    const hsize_t dims[2] = {values_of(d) >= 0 ? 1 : 0, ncols};
    const hsize_t maxdims[2] = {H5S_UNLIMITED, ncols > 0 ? ncols : H5S_UNLIMITED};
    hid_t space = H5Screate_simple(rank, dims, maxdims), dcpl = plain_dcpl();
    cs_status rc = CS_OK;
    if (space < 0 || dcpl < 0 || H5Pset_chunk(dcpl, rank, chunk) < 0 ||
        (o->compression > 0 &&
         (H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, o->compression) < 0))) {
        rc = h5err(err, CS_EHDF5, w->path, "set the chunking and compression of", name);
        goto done;
    }
    w->dset[d] =
        H5Dcreate2(g, doc->name, trial_type(w, d, true), space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (w->dset[d] < 0) {
        rc = h5err(err, CS_EHDF5, w->path, "create dataset", name);
        goto done;
    }
    w->ncols[d] = ncols;
    rc = put_doc(w, w->dset[d], name, doc->units, doc->description, err);
    const bool offsets = values_of(d) >= 0;
    char values[64];
    if (offsets) full_name(values, sizeof values, values_of(d));
    if (rc == CS_OK)
        rc = put_rows_attr(w, w->dset[d], name,
                           doc->list ? "values"
                           : offsets ? "offsets"
                                     : "trial",
                           offsets ? values : NULL, err);
done:
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    return rc;
}

/*
 * Writes count rows from buf at row offset of /trials dataset d, whose extent already covers
 * them. The only raw-data write of trials: with MPI-IO each rank passes its own offset and count
 * (possibly 0) and w->dxpl makes the transfer collective.
 */
static cs_status write_block(const cs_results_t *w, int d, uint64_t offset, uint64_t count,
                             const void *buf, cs_error *err)
{
    const int rank = trial_docs[d].matrix ? 2 : 1;
    const hsize_t start[2] = {offset, 0}, n[2] = {count, w->ncols[d]};
    const bool empty = count == 0 || (rank == 2 && w->ncols[d] == 0);
    hid_t fspace = H5Dget_space(w->dset[d]), mspace = H5I_INVALID_HID;
    herr_t st = -1;
    if (fspace >= 0) {
        if (empty) {
            const hsize_t one[1] = {1};
            mspace = H5Screate_simple(1, one, NULL);
            if (mspace >= 0 && H5Sselect_none(mspace) >= 0 && H5Sselect_none(fspace) >= 0) st = 0;
        } else {
            mspace = H5Screate_simple(rank, n, NULL);
            if (mspace >= 0) st = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, n, NULL);
        }
    }
    if (st >= 0) st = H5Dwrite(w->dset[d], trial_type(w, d, false), mspace, fspace, w->dxpl, buf);
    cs_status rc = CS_OK;
    if (st < 0) { /* before closing: any HDF5 call clears the error stack */
        char name[64];
        rc = h5err(err, CS_EHDF5, w->path, "write dataset", full_name(name, sizeof name, d));
    }
    if (mspace >= 0) H5Sclose(mspace);
    if (fspace >= 0) H5Sclose(fspace);
    return rc;
}

/* Extends /trials dataset d to rows rows (metadata: the same call on every rank). */
static cs_status extend(const cs_results_t *w, int d, uint64_t rows, cs_error *err)
{
    const hsize_t dims[2] = {rows, w->ncols[d]};
    if (H5Dset_extent(w->dset[d], dims) < 0) {
        char name[64];
        return h5err(err, CS_EHDF5, w->path, "extend dataset", full_name(name, sizeof name, d));
    }
    return CS_OK;
}

static cs_status create_trials(cs_results_t *w, const cs_output_options *o, cs_error *err)
{
    hid_t g;
    cs_status rc =
        make_group(&g, w, "/trials", "the outcome of every trial (row t is trial t)", err);
    if (rc) return rc;
    for (int d = 0; d < TD_FIRST_RECOVERY && rc == CS_OK; d++) {
        if ((d == TD_LATENCY && !o->latency) || (d == TD_EDGE_FLOW && !o->edge_flow)) continue;
        rc = create_trial_dataset(w, g, d, trial_cols(w, d), o, err);
    }
    if (H5Gclose(g) < 0 && rc == CS_OK)
        rc = h5err(err, CS_EHDF5, w->path, "close group", "/trials");
    /* The CSR offsets start with 0: trial 0's list begins at element 0. */
    const uint64_t zero = 0, count = w->rank == 0 ? 1 : 0; /* one rank writes it */
    if (rc == CS_OK) rc = write_block(w, TD_FAILED_OFFSETS, 0, count, &zero, err);
    if (rc == CS_OK) rc = write_block(w, TD_FAILED_NODE_OFFSETS, 0, count, &zero, err);
    return rc;
}

/* ------------------------------------------------- /timeseries, /recovery */

/*
 * The fault record's compound type, packed (CS_FAULT_RECORD_BYTES) with little-endian members.
 * Batches hold records packed the same way (pack_fault), so memory and file share one type and
 * no conversion happens, which collective writes of compressed data require.
 */
static cs_status fault_types(cs_results_t *w, cs_error *err)
{
    static const struct {
        const char *name;
        size_t off;
    } m[] = {{"edge", 0},        {"fail_days", 4}, {"ship", 12},  {"dispatch_days", 16},
             {"start_days", 24}, {"end_days", 32}, {"waters", 40}};
    const hid_t types[] = {H5T_STD_U32LE,  H5T_IEEE_F64LE, H5T_STD_I32LE, H5T_IEEE_F64LE,
                           H5T_IEEE_F64LE, H5T_IEEE_F64LE, H5T_STD_U8LE};
    const hid_t t = H5Tcreate(H5T_COMPOUND, CS_FAULT_RECORD_BYTES);
    herr_t st = t >= 0 ? 0 : -1;
    for (size_t i = 0; i < sizeof m / sizeof m[0] && st >= 0; i++)
        st = H5Tinsert(t, m[i].name, m[i].off, types[i]);
    if (st < 0) {
        if (t >= 0) H5Tclose(t);
        return h5err(err, CS_EHDF5, w->path, "make the compound type of", "/recovery/faults");
    }
    w->fault_ftype = t;
    w->fault_mtype = H5Tcopy(t);
    if (w->fault_mtype < 0)
        return h5err(err, CS_EHDF5, w->path, "copy the compound type of", "/recovery/faults");
    return CS_OK;
}

enum { S_NAME, S_HOME, S_ZONE, S_LON, S_LAT, S_SPEED, S_AVAIL, S_SOURCE };

static cs_status write_ships(const cs_results_t *w, hid_t g, const cs_recovery_t *r, cs_error *err)
{
    const size_t n = cs_recovery_ship_count(r);
    size_t len[4] = {0};
    for (size_t i = 0; i < n; i++) {
        const cs_ship *s = cs_recovery_ship(r, i);
        len[0] = max_len(len[0], s->name);
        len[1] = max_len(len[1], s->home);
        len[2] = max_len(len[2], s->zone);
        len[3] = max_len(len[3], s->source);
    }
    layout l = {0};
    add_col(&l, "name", COL_STR, len[0]);
    add_col(&l, "home", COL_STR, len[1]);
    add_col(&l, "zone", COL_STR, len[2]);
    add_col(&l, "lon_deg", COL_F64, 0);
    add_col(&l, "lat_deg", COL_F64, 0);
    add_col(&l, "speed_kn", COL_F64, 0);
    add_col(&l, "availability", COL_F64, 0);
    add_col(&l, "source", COL_STR, len[3]);
    unsigned char *buf;
    cs_status rc = table_buffer(&buf, w, "/recovery/ships", n, &l, err);
    if (rc) return rc;
    for (size_t i = 0; i < n; i++) {
        const cs_ship *s = cs_recovery_ship(r, i);
        unsigned char *rec = buf + i * l.size;
        put_str(rec, &l.col[S_NAME], s->name);
        put_str(rec, &l.col[S_HOME], s->home);
        put_str(rec, &l.col[S_ZONE], s->zone);
        put_f64(rec, &l.col[S_LON], s->home_pos.lon);
        put_f64(rec, &l.col[S_LAT], s->home_pos.lat);
        put_f64(rec, &l.col[S_SPEED], s->speed_kn);
        put_f64(rec, &l.col[S_AVAIL], s->availability);
        put_str(rec, &l.col[S_SOURCE], s->source);
    }
    rc = write_table(w, g, "ships", &l, n, buf,
                     "lon_deg, lat_deg: degree (home port); speed_kn: knot; availability: 1; "
                     "other columns: text",
                     "repair ships (row k is ship index k of ship_busy_days and faults.ship)", err);
    free(buf);
    return rc;
}

/* /timeseries: the time grid and the per-trial curves. */
static cs_status create_timeseries(cs_results_t *w, const cs_results_meta *m, cs_error *err)
{
    const cs_recovery_params *p = cs_recovery_get_params(m->recovery);
    double *t = malloc((w->n_steps + 1) * sizeof *t);
    if (t == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    for (size_t k = 0; k < w->n_steps; k++)
        t[k] = (double)k * p->step_hours / 24.0;
    hid_t g;
    cs_status rc = make_group(&g, w, "/timeseries",
                              "recovery over time: trial outcomes on a fixed time grid", err);
    if (rc == CS_OK) {
        rc = write_fixed(w, g, "time_days", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, w->n_steps, t, "day",
                         "the grid: k x step_hours / 24 days since the trial's start", err);
        for (int d = TD_TS_SERVED; d <= TD_TS_QUEUE && rc == CS_OK; d++)
            rc = create_trial_dataset(w, g, d, trial_cols(w, d), &m->scenario->output, err);
        if (H5Gclose(g) < 0 && rc == CS_OK)
            rc = h5err(err, CS_EHDF5, w->path, "close group", "/timeseries");
    }
    free(t);
    return rc;
}

/*
 * Creates /timeseries and /recovery (scenarios with `recovery:` only): the grid, the ships and
 * the empty per-trial datasets, which write_batches then extends like /trials.
 */
static cs_status create_recovery(cs_results_t *w, const cs_results_meta *m, cs_error *err)
{
    cs_status rc = fault_types(w, err);
    if (rc == CS_OK) rc = create_timeseries(w, m, err);
    hid_t g = H5I_INVALID_HID;
    if (rc == CS_OK)
        rc = make_group(&g, w, "/recovery",
                        "repairs: ships, restore times, losses and per-fault records", err);
    if (rc) return rc;
    const cs_recovery_params *p = cs_recovery_get_params(m->recovery);
    rc = put_attr(w, g, "/recovery", "horizon_days", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                  &p->horizon_days, err);
    if (rc == CS_OK)
        rc = put_attr(w, g, "/recovery", "step_hours", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                      &p->step_hours, err);
    if (rc == CS_OK) rc = write_ships(w, g, m->recovery, err);
    for (int d = TD_REC_T50; d < TD_COUNT && rc == CS_OK; d++)
        rc = create_trial_dataset(w, g, d, trial_cols(w, d), &m->scenario->output, err);
    if (H5Gclose(g) < 0 && rc == CS_OK)
        rc = h5err(err, CS_EHDF5, w->path, "close group", "/recovery");
    const uint64_t zero = 0, count = w->rank == 0 ? 1 : 0; /* one rank writes it */
    if (rc == CS_OK) rc = write_block(w, TD_REC_FAULT_OFFSETS, 0, count, &zero, err);
    return rc;
}

/* ---------------------------------------------------------------- create */

/* File access: the sec2 driver for one process, MPI-IO over comm otherwise. */
static hid_t file_access_plist(MPI_Comm comm)
{
    hid_t p = H5Pcreate(H5P_FILE_ACCESS);
    /* The 1.10 file format indexes chunks of datasets that grow along one axis
     * with an extensible array instead of a B-tree: appends stay cheap and the
     * metadata held in memory stays small however many trials are written.
     * h5py and any HDF5 >= 1.10 read it. */
    const herr_t drv = p < 0                   ? -1
                       : comm == MPI_COMM_NULL ? H5Pset_fapl_sec2(p)
                                               : H5Pset_fapl_mpio(p, comm, MPI_INFO_NULL);
    if (p >= 0 && (drv < 0 || H5Pset_libver_bounds(p, H5F_LIBVER_V110, H5F_LIBVER_LATEST) < 0)) {
        H5Pclose(p);
        return H5I_INVALID_HID;
    }
    return p;
}

/* Closes every handle of w and frees it; returns CS_EHDF5 when closing the file fails. */
static cs_status release(cs_results_t *w, cs_error *err)
{
    cs_status rc = CS_OK;
    for (int d = 0; d < TD_COUNT; d++)
        if (w->dset[d] >= 0 && H5Dclose(w->dset[d]) < 0 && rc == CS_OK) {
            char name[64];
            rc = h5err(err, CS_EHDF5, w->path, "close dataset", full_name(name, sizeof name, d));
        }
    if (w->dxpl >= 0) H5Pclose(w->dxpl);
    if (w->fault_mtype >= 0) H5Tclose(w->fault_mtype);
    if (w->fault_ftype >= 0) H5Tclose(w->fault_ftype);
    if (w->file >= 0 && H5Fclose(w->file) < 0 && rc == CS_OK)
        rc = h5err(err, CS_EHDF5, w->path, "close", "the file");
    free(w->offsets);
    free(w->path);
    free(w);
    return rc;
}

/* Checks what the writer relies on before anything is created. */
static cs_status check_meta(const char *path, const cs_results_meta *m, cs_error *err)
{
    if (m->scenario == NULL || m->topology == NULL || m->demand == NULL || m->baseline == NULL)
        return cs_errorf(err, CS_EINVAL,
                         "%s: expected a scenario, topology, demand and baseline routing", path);
    const size_t nn = cs_topology_node_count(m->topology), ne = cs_topology_edge_count(m->topology);
    if (nn > UINT32_MAX || ne > UINT32_MAX)
        return cs_errorf(err, CS_EINVAL,
                         "%s: expected at most %" PRIu32 " nodes and edges, found "
                         "%zu nodes and %zu edges",
                         path, UINT32_MAX, nn, ne);
    if (m->baseline->n_demands != cs_demand_count(m->demand) || m->baseline->n_edges != ne)
        return cs_errorf(err, CS_EINVAL,
                         "%s: baseline routing: expected %zu demands and %zu edges, found %zu and "
                         "%zu",
                         path, cs_demand_count(m->demand), ne, m->baseline->n_demands,
                         m->baseline->n_edges);
    const size_t np = m->pairs != NULL ? m->pairs->n : 0;
    for (size_t i = 0; i < np; i++)
        if (m->pairs->origin[i] >= nn || m->pairs->region[i] == NULL)
            return cs_errorf(err, CS_EINVAL,
                             "%s: pair %zu: expected a node index < %zu and a region, found %zu",
                             path, i, nn, m->pairs->origin[i]);
    if (m->part_trials > 0 && (m->part_first >= m->scenario->trials ||
                               m->part_trials > m->scenario->trials - m->part_first))
        return cs_errorf(err, CS_EINVAL,
                         "%s: part of %" PRIu64 " trials from trial %" PRIu64
                         ": expected a range within the scenario's %" PRIu64 " trials",
                         path, m->part_trials, m->part_first, m->scenario->trials);
    if (m->scenario->output.compression > 9)
        return cs_errorf(err, CS_EINVAL, "%s: output compression: expected 0..9, found %u", path,
                         m->scenario->output.compression);
    return CS_OK;
}

/* The current UTC time as ISO 8601, for a meta without `created`. */
static void now_utc(char buf[32])
{
    const time_t now = time(NULL);
    struct tm tm;
    if (gmtime_r(&now, &tm) == NULL || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, 32, "unknown");
}

/* Creates (create = true, truncating) or opens for writing the file at w->path. */
static cs_status open_file(cs_results_t *w, bool create, cs_error *err)
{
    const hid_t fapl = file_access_plist(w->comm);
    if (fapl < 0) return h5err(err, CS_EHDF5, w->path, "set up file access for", "the file");
    /* No timestamps in the root group either (the other objects have none): the same run gives
     * the same bytes even when its two writes straddle a second. */
    const hid_t fcpl = create ? H5Pcreate(H5P_FILE_CREATE) : H5P_DEFAULT;
    if (fcpl < 0 || (create && H5Pset_obj_track_times(fcpl, false) < 0)) {
        if (fcpl >= 0 && fcpl != H5P_DEFAULT) H5Pclose(fcpl);
        H5Pclose(fapl);
        return h5err(err, CS_EHDF5, w->path, "set up file creation for", "the file");
    }
    w->file = create ? H5Fcreate(w->path, H5F_ACC_TRUNC, fcpl, fapl)
                     : H5Fopen(w->path, H5F_ACC_RDWR, fapl);
    /* The reason first: any HDF5 call, H5Pclose included, clears the error stack. */
    const cs_status rc =
        w->file < 0 ? h5err(err, CS_EIO, w->path, create ? "create" : "open", "the results file")
                    : CS_OK;
    if (create) H5Pclose(fcpl);
    H5Pclose(fapl);
    if (rc) return rc;
    /* The transfer plist of every raw-data write: collective with MPI-IO, which compressed
     * (filtered) chunked datasets require; ranks with nothing to write select none. */
    w->dxpl = H5Pcreate(H5P_DATASET_XFER);
    if (w->dxpl < 0 ||
        (w->comm != MPI_COMM_NULL && H5Pset_dxpl_mpio(w->dxpl, H5FD_MPIO_COLLECTIVE) < 0))
        return h5err(err, CS_EHDF5, w->path, "set up data transfer for", "the file");
    return CS_OK;
}

/* The sizes of what w holds, from m. */
static void set_sizes(cs_results_t *w, const cs_results_meta *m)
{
    w->all_trials = m->scenario->trials;
    w->first = m->part_trials > 0 ? m->part_first : 0;
    w->trials = m->part_trials > 0 ? m->part_trials : m->scenario->trials;
    w->n_demands = cs_demand_count(m->demand);
    w->n_edges = cs_topology_edge_count(m->topology);
    w->n_nodes = cs_topology_node_count(m->topology);
    w->n_pairs = m->pairs != NULL ? m->pairs->n : 0;
    w->n_steps = m->recovery != NULL ? cs_recovery_steps(m->recovery) : 0;
    w->n_ships = m->recovery != NULL ? cs_recovery_ship_count(m->recovery) : 0;
}

/* Allocates a writer for path over comm (MPI_COMM_NULL: one process), with no file open. */
static cs_status writer_alloc(cs_results_t **out, const char *path, MPI_Comm comm, cs_error *err)
{
    cs_results_t *w = calloc(1, sizeof *w);
    const size_t plen = strlen(path) + 1;
    char *p = malloc(plen);
    if (w == NULL || p == NULL) {
        free(w);
        free(p);
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", path);
    }
    memcpy(p, path, plen);
    w->path = p;
    w->file = w->dxpl = w->fault_mtype = w->fault_ftype = H5I_INVALID_HID;
    for (int d = 0; d < TD_COUNT; d++)
        w->dset[d] = H5I_INVALID_HID;
    w->comm = comm;
    w->rank = 0;
    w->size = 1;
    if (comm != MPI_COMM_NULL && (MPI_Comm_rank(comm, &w->rank) != MPI_SUCCESS ||
                                  MPI_Comm_size(comm, &w->size) != MPI_SUCCESS)) {
        free(p);
        free(w);
        return cs_errorf(err, CS_EIO, "%s: MPI could not tell this process's rank", path);
    }
    *out = w;
    return CS_OK;
}

cs_status cs_results_create(cs_results_t **out, const char *path, const cs_results_meta *m,
                            cs_error *err)
{
    return cs_results_create_mpi(out, path, m, MPI_COMM_NULL, err);
}

cs_status cs_results_create_mpi(cs_results_t **out, const char *path, const cs_results_meta *m,
                                MPI_Comm comm, cs_error *err)
{
    *out = NULL;
    if (H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0)
        return cs_errorf(err, CS_EHDF5, "%s: cannot silence HDF5's error printing", path);
    cs_status rc = check_meta(path, m, err);
    if (rc) return rc;
    cs_results_t *w;
    if ((rc = writer_alloc(&w, path, comm, err)) != CS_OK) return rc;
    set_sizes(w, m);
    char stamp[32];
    if (m->created == NULL) now_utc(stamp);
    rc = open_file(w, true, err);
    if (rc == CS_OK) rc = write_root_attrs(w, m, m->created != NULL ? m->created : stamp, err);
    if (rc == CS_OK) rc = write_topology(w, m, err);
    if (rc == CS_OK) rc = write_baseline(w, m->baseline, err);
    if (rc == CS_OK) rc = create_trials(w, &m->scenario->output, err);
    if (rc == CS_OK && m->recovery != NULL) rc = create_recovery(w, m, err);
    if (rc == CS_OK && H5Fflush(w->file, H5F_SCOPE_LOCAL) < 0)
        rc = h5err(err, CS_EHDF5, w->path, "flush", "the file");
    if (rc) {
        release(w, NULL); /* the first error is the one to report */
        return rc;
    }
    *out = w;
    return CS_OK;
}

/* ---------------------------------------------------------------- resume */

/* Reads the string attribute name of the root of file into a malloc'd *out. */
static cs_status get_str_attr(hid_t file, const char *path, const char *name, char **out,
                              cs_error *err)
{
    *out = NULL;
    const hid_t t = vlen_string_type();
    const hid_t a = t >= 0 ? H5Aopen(file, name, H5P_DEFAULT) : H5I_INVALID_HID;
    char *v = NULL;
    cs_status rc = CS_OK;
    if (a < 0 || H5Aread(a, t, &v) < 0 || v == NULL) {
        char what[96];
        snprintf(what, sizeof what, "read string attribute \"%s\" of", name);
        rc = h5err(err, CS_EINVAL, path, what, "/");
    } else if ((*out = malloc(strlen(v) + 1)) == NULL) {
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", path);
    } else {
        memcpy(*out, v, strlen(v) + 1);
    }
    if (v != NULL) H5free_memory(v);
    if (a >= 0) H5Aclose(a);
    if (t >= 0) H5Tclose(t);
    return rc;
}

/* Reads the scalar numeric root attribute name (memory type mem) into v. */
static cs_status get_num_attr(hid_t file, const char *path, const char *name, hid_t mem, void *v,
                              cs_error *err)
{
    const hid_t a = H5Aopen(file, name, H5P_DEFAULT);
    cs_status rc = CS_OK;
    if (a < 0 || H5Aread(a, mem, v) < 0) {
        char what[96];
        snprintf(what, sizeof what, "read attribute \"%s\" of", name);
        rc = h5err(err, CS_EINVAL, path, what, "/");
    }
    if (a >= 0) H5Aclose(a);
    return rc;
}

cs_status cs_results_scenario_text(const char *path, char **text, int32_t *as_of, cs_error *err)
{
    *text = NULL;
    if (H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0)
        return cs_errorf(err, CS_EHDF5, "%s: cannot silence HDF5's error printing", path);
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return h5err(err, CS_EIO, path, "open", "the results file");
    char *format = NULL;
    cs_status rc = get_str_attr(f, path, "format", &format, err);
    if (rc == CS_OK && strcmp(format, "cablesim-results") != 0)
        rc = cs_errorf(err, CS_EINVAL, "%s: expected a cablesim results file, found format \"%s\"",
                       path, format);
    if (rc == CS_OK) rc = get_num_attr(f, path, "as_of", H5T_NATIVE_INT32, as_of, err);
    if (rc == CS_OK) rc = get_str_attr(f, path, "scenario", text, err);
    free(format);
    H5Fclose(f);
    return rc;
}

/* Reads the part range of the open file (both 0 when it holds every trial). */
static cs_status get_part(hid_t f, const char *path, uint64_t *first, uint64_t *n, cs_error *err)
{
    *first = *n = 0;
    const htri_t has = H5Aexists(f, "part_trials");
    if (has < 0) return h5err(err, CS_EINVAL, path, "look for attribute \"part_trials\" of", "/");
    if (has == 0) return CS_OK;
    cs_status rc = get_num_attr(f, path, "part_first_trial", H5T_NATIVE_UINT64, first, err);
    if (rc == CS_OK) rc = get_num_attr(f, path, "part_trials", H5T_NATIVE_UINT64, n, err);
    if (rc == CS_OK && *n == 0)
        rc = cs_errorf(err, CS_EINVAL, "%s: attribute part_trials: expected > 0, found 0", path);
    return rc;
}

cs_status cs_results_part_range(const char *path, uint64_t *first, uint64_t *n, cs_error *err)
{
    *first = *n = 0;
    if (H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0)
        return cs_errorf(err, CS_EHDF5, "%s: cannot silence HDF5's error printing", path);
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return h5err(err, CS_EIO, path, "open", "the results file");
    const cs_status rc = get_part(f, path, first, n, err);
    H5Fclose(f);
    return rc;
}

/* -------------------------------------------- recovering after a crash */

/* Bob Jenkins' lookup3 hash of n bytes (hashlittle, byte by byte), which HDF5 uses to checksum
 * its metadata: the superblock's checksum must be recomputed when a byte of it changes. */
static uint32_t rot32(uint32_t x, int k)
{
    return (x << k) | (x >> (32 - k));
}

static uint32_t lookup3(const unsigned char *k, size_t n)
{
    uint32_t a = 0xdeadbeefu + (uint32_t)n, b = a, c = a;
    while (n > 12) {
        a += k[0] + ((uint32_t)k[1] << 8) + ((uint32_t)k[2] << 16) + ((uint32_t)k[3] << 24);
        b += k[4] + ((uint32_t)k[5] << 8) + ((uint32_t)k[6] << 16) + ((uint32_t)k[7] << 24);
        c += k[8] + ((uint32_t)k[9] << 8) + ((uint32_t)k[10] << 16) + ((uint32_t)k[11] << 24);
        a -= c, a ^= rot32(c, 4), c += b;
        b -= a, b ^= rot32(a, 6), a += c;
        c -= b, c ^= rot32(b, 8), b += a;
        a -= c, a ^= rot32(c, 16), c += b;
        b -= a, b ^= rot32(a, 19), a += c;
        c -= b, c ^= rot32(b, 4), b += a;
        n -= 12;
        k += 12;
    }
    if (n == 0) return c;
    uint32_t *word[3] = {&a, &b, &c};
    for (size_t i = 0; i < n; i++) /* the tail, little-endian into a, b, c */
        *word[i / 4] += (uint32_t)k[i] << (8 * (i % 4));
    c ^= b, c -= rot32(b, 14);
    a ^= c, a -= rot32(c, 11);
    b ^= a, b -= rot32(a, 25);
    c ^= b, c -= rot32(b, 16);
    a ^= c, a -= rot32(c, 4);
    b ^= a, b -= rot32(a, 14);
    c ^= b, c -= rot32(b, 24);
    return c;
}

/*
 * A writer killed without closing the file (kill -9, a lost node) leaves the superblock's
 * "open for writing" flag set, and HDF5 then refuses to open the file ("may use h5clear").
 * Every write of trials ends with a flush, so such a file holds the trials of every completed
 * write; this clears the flag (what `h5clear -s` does) so that --resume can go on from there.
 * Only when no process holds the file: HDF5 writers hold an exclusive flock on it.
 */
cs_status cs_results_recover(const char *path, cs_error *err)
{
    enum { SB = 48, FLAGS = 11, SUM = 44 }; /* superblock v2/3 with 8-byte addresses */
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    const int fd = open(path, O_RDWR);
    if (fd < 0) return CS_OK; /* opening it with HDF5 will say why */
    cs_status rc = CS_OK;
    unsigned char sb[SB];
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: the file is open in another process (a run still "
                       "writing it?)",
                       path);
    } else if (pread(fd, sb, SB, 0) == SB && memcmp(sb, sig, 8) == 0 &&
               (sb[8] == 2 || sb[8] == 3) && sb[9] == 8 && sb[10] == 8 && sb[FLAGS] != 0 &&
               lookup3(sb, SUM) == ((uint32_t)sb[44] | (uint32_t)sb[45] << 8 |
                                    (uint32_t)sb[46] << 16 | (uint32_t)sb[47] << 24)) {
        sb[FLAGS] = 0;
        const uint32_t sum = lookup3(sb, SUM);
        for (int i = 0; i < 4; i++)
            sb[SUM + i] = (unsigned char)(sum >> (8 * i));
        if (pwrite(fd, sb, SB, 0) != SB || fsync(fd) != 0)
            rc = cs_errorf(err, CS_EIO, "%s: cannot clear the flag of a run killed while writing",
                           path);
    }
    close(fd); /* releases the lock */
    return rc;
}

/* Checks that the file was made by this scenario on these inputs, and is not complete. */
static cs_status check_resumable(const cs_results_t *w, const cs_results_meta *m, cs_error *err)
{
    uint64_t seed = 0, trials = 0;
    uint8_t complete = 0;
    char *topo = NULL, *dem = NULL;
    cs_status rc = get_num_attr(w->file, w->path, "seed", H5T_NATIVE_UINT64, &seed, err);
    if (rc == CS_OK) rc = get_num_attr(w->file, w->path, "trials", H5T_NATIVE_UINT64, &trials, err);
    if (rc == CS_OK)
        rc = get_num_attr(w->file, w->path, "complete", H5T_NATIVE_UINT8, &complete, err);
    if (rc == CS_OK) rc = get_str_attr(w->file, w->path, "topology_sha256", &topo, err);
    if (rc == CS_OK) rc = get_str_attr(w->file, w->path, "demand_sha256", &dem, err);
    if (rc == CS_OK && complete != 0)
        rc = cs_errorf(err, CS_EINVAL, "%s: complete = 1: every trial is already there", w->path);
    else if (rc == CS_OK && (seed != m->scenario->seed || trials != m->scenario->trials))
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: expected seed %" PRIu64 " and %" PRIu64 " trials, found %" PRIu64
                       " and %" PRIu64,
                       w->path, m->scenario->seed, m->scenario->trials, seed, trials);
    else if (rc == CS_OK && strcmp(topo, cs_topology_sha256(m->topology)) != 0)
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: topology_sha256: expected %s (the run's), found %s in %s", w->path,
                       topo, cs_topology_sha256(m->topology), m->scenario->topology_path);
    else if (rc == CS_OK && strcmp(dem, cs_demand_sha256(m->demand)) != 0)
        rc = cs_errorf(err, CS_EINVAL, "%s: demand_sha256: expected %s (the run's), found %s in %s",
                       w->path, dem, cs_demand_sha256(m->demand), m->scenario->demand_path);
    free(topo);
    free(dem);
    uint64_t pfirst = 0, pn = 0;
    if (rc == CS_OK) rc = get_part(w->file, w->path, &pfirst, &pn, err);
    if (rc == CS_OK && (pfirst != w->first || (pn > 0 ? pn : trials) != w->trials))
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: expected trials %" PRIu64 "..%" PRIu64 ", found a file of trials "
                       "%" PRIu64 "..%" PRIu64,
                       w->path, w->first, w->first + w->trials - 1, pfirst,
                       pfirst + (pn > 0 ? pn : trials) - 1);
    return rc;
}

/* The extent along the trial axis of open dataset d (0 when it cannot be read). */
static uint64_t extent(const cs_results_t *w, int d)
{
    hsize_t dims[2] = {0, 0};
    const hid_t sp = H5Dget_space(w->dset[d]);
    if (sp >= 0) {
        H5Sget_simple_extent_dims(sp, dims, NULL);
        H5Sclose(sp);
    }
    return dims[0];
}

/* Reads element i of /trials dataset d (uint64) into v, on every rank. */
static cs_status read_u64(const cs_results_t *w, int d, uint64_t i, uint64_t *v, cs_error *err)
{
    const hsize_t start[1] = {i}, one[1] = {1};
    const hid_t fs = H5Dget_space(w->dset[d]), ms = H5Screate_simple(1, one, NULL);
    herr_t st =
        fs >= 0 && ms >= 0 ? H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, one, NULL) : -1;
    if (st >= 0) st = H5Dread(w->dset[d], H5T_NATIVE_UINT64, ms, fs, w->dxpl, v);
    char name[64];
    const cs_status rc =
        st < 0 ? h5err(err, CS_EHDF5, w->path, "read dataset", full_name(name, sizeof name, d))
               : CS_OK;
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    return rc;
}

/*
 * Opens the /trials datasets and finds how many trials are written: every trial dataset has
 * the same number R of rows, the offsets R + 1, and the last offsets are the lengths of the
 * failed lists. A run writes whole batches and is only interrupted between them, so a file that
 * passes these checks holds exactly trials 0 .. R - 1.
 */
static cs_status open_trials(cs_results_t *w, cs_error *err)
{
    char name[64];
    if (w->n_steps > 0) {
        const cs_status rc_types = fault_types(w, err);
        if (rc_types) return rc_types;
    }
    for (int d = 0; d < TD_COUNT; d++) {
        if (d >= TD_FIRST_RECOVERY && w->n_steps == 0) continue;
        full_name(name, sizeof name, d);
        if (H5Lexists(w->file, d >= TD_FIRST_RECOVERY ? "/recovery" : "/trials", H5P_DEFAULT) <=
                0 ||
            H5Lexists(w->file, name, H5P_DEFAULT) <= 0) {
            if (d == TD_LATENCY || d == TD_EDGE_FLOW) continue;
            return cs_errorf(err, CS_EINVAL, "%s: expected dataset %s, found none", w->path, name);
        }
        if ((w->dset[d] = H5Dopen2(w->file, name, H5P_DEFAULT)) < 0)
            return h5err(err, CS_EHDF5, w->path, "open dataset", name);
        w->ncols[d] = trial_cols(w, d);
    }
    const uint64_t rows = extent(w, TD_UNSERVED);
    cs_status rc = CS_OK;
    for (int d = 0; d < TD_COUNT && rc == CS_OK; d++) {
        if (w->dset[d] < 0 || trial_docs[d].list) continue;
        const uint64_t want = values_of(d) >= 0 ? rows + 1 : rows;
        if (extent(w, d) != want)
            rc = cs_errorf(err, CS_EINVAL, "%s: %s: expected %" PRIu64 " rows, found %" PRIu64,
                           w->path, full_name(name, sizeof name, d), want, extent(w, d));
    }
    if (rc == CS_OK) rc = read_u64(w, TD_FAILED_OFFSETS, rows, &w->n_fe, err);
    if (rc == CS_OK) rc = read_u64(w, TD_FAILED_NODE_OFFSETS, rows, &w->n_fn, err);
    if (rc == CS_OK && w->n_steps > 0) {
        rc = read_u64(w, TD_REC_FAULT_OFFSETS, rows, &w->n_fr, err);
        if (rc == CS_OK && extent(w, TD_REC_FAULTS) != w->n_fr)
            rc = cs_errorf(err, CS_EINVAL,
                           "%s: /recovery/faults does not end where the last offset says (%" PRIu64
                           ")",
                           w->path, w->n_fr);
    }
    if (rc == CS_OK &&
        (extent(w, TD_FAILED_EDGES) != w->n_fe || extent(w, TD_FAILED_NODES) != w->n_fn))
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: the failed lists do not end where the last offsets say (%" PRIu64
                       " edges, %" PRIu64 " nodes)",
                       w->path, w->n_fe, w->n_fn);
    if (rc == CS_OK) w->written = rows;
    return rc;
}

cs_status cs_results_resume(cs_results_t **out, const char *path, const cs_results_meta *m,
                            MPI_Comm comm, cs_error *err)
{
    *out = NULL;
    if (H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0)
        return cs_errorf(err, CS_EHDF5, "%s: cannot silence HDF5's error printing", path);
    cs_status rc = check_meta(path, m, err);
    if (rc) return rc;
    cs_results_t *w;
    if ((rc = writer_alloc(&w, path, comm, err)) != CS_OK) return rc;
    set_sizes(w, m);
    /* Rank 0 alone clears the flag a killed run left, before any rank opens the file. */
    if (w->rank == 0) rc = cs_results_recover(path, err);
    if (comm != MPI_COMM_NULL) {
        int bad = rc != CS_OK, any = 0;
        MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, comm);
        if (any && rc == CS_OK) rc = cs_errorf(err, CS_EINVAL, "%s: cannot be resumed", path);
    }
    if (rc == CS_OK) rc = open_file(w, false, err);
    if (rc == CS_OK) rc = check_resumable(w, m, err);
    if (rc == CS_OK) rc = open_trials(w, err);
    if (rc) {
        release(w, NULL);
        return rc;
    }
    *out = w;
    return CS_OK;
}

/* ----------------------------------------------------------- write_batch */

/* One batch of one write, as every rank sees it. */
typedef struct {
    uint64_t first, n, fe, fn, fr; /* first trial, trials, failed edges and nodes, faults */
    int rank;                      /* whose */
    size_t index;                  /* its place in that rank's list */
} batch_desc;

/* Where one of this rank's batches goes: trials, failed edges and nodes before it in the write. */
typedef struct {
    uint64_t rows, fe, fn, fr;
} batch_pos;

/* The whole write: its sizes, and how many collective write rounds it takes. */
typedef struct {
    uint64_t rows, fe, fn, fr;
    size_t rounds; /* the most batches any rank passes */
} write_plan;

static int cmp_desc(const void *a, const void *b)
{
    const batch_desc *x = a, *y = b;
    if (x->first != y->first) return x->first < y->first ? -1 : 1;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

/* Numbers describing one batch: first trial, trials, failed edges, failed nodes, faults. */
#define DESC_LEN 5

/* Every rank's batch descriptors, in rank order, into *out (*n of them). Collective. */
static cs_status gather_descs(const cs_results_t *w, const cs_trial_batch *const *b, size_t nb,
                              batch_desc **out, size_t *n, size_t *rounds, cs_error *err)
{
    const int size = w->size;
    int *counts = calloc((size_t)size, sizeof *counts),
        *displs = calloc((size_t)size, sizeof *displs);
    uint64_t *mine = malloc((nb > 0 ? nb : 1) * DESC_LEN * sizeof *mine), *all = NULL;
    cs_status rc =
        counts && displs && mine ? CS_OK : cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    for (size_t i = 0; rc == CS_OK && i < nb; i++) {
        const uint64_t d[DESC_LEN] = {b[i]->first_trial, b[i]->n, b[i]->n_fe, b[i]->n_fn,
                                      b[i]->n_fr};
        memcpy(mine + DESC_LEN * i, d, sizeof d);
    }
    const int mycount = (int)(DESC_LEN * nb);
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
        if ((size_t)counts[r] / DESC_LEN > *rounds) *rounds = (size_t)counts[r] / DESC_LEN;
    }
    if (rc == CS_OK && (all = malloc((total > 0 ? total : 1) * sizeof *all)) == NULL)
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    if (rc == CS_OK && w->comm == MPI_COMM_NULL)
        memcpy(all, mine, total * sizeof *all);
    else if (rc == CS_OK && MPI_Allgatherv(mine, mycount, MPI_UINT64_T, all, counts, displs,
                                           MPI_UINT64_T, w->comm) != MPI_SUCCESS)
        rc = cs_errorf(err, CS_EIO, "%s: MPI could not share the batch sizes", w->path);
    batch_desc *d = NULL;
    if (rc == CS_OK && (d = malloc((total / DESC_LEN + 1) * sizeof *d)) == NULL)
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    *n = 0;
    for (int r = 0; rc == CS_OK && r < size; r++)
        for (int i = 0; i < counts[r] / DESC_LEN; i++) {
            const uint64_t *a = all + displs[r] + DESC_LEN * i;
            d[(*n)++] = (batch_desc){a[0], a[1], a[2], a[3], a[4], r, (size_t)i};
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
static cs_status plan_write(const cs_results_t *w, const cs_trial_batch *const *b, size_t nb,
                            batch_pos *pos, write_plan *plan, cs_error *err)
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
        if (d[i].rank == w->rank)
            pos[d[i].index] = (batch_pos){plan->rows, plan->fe, plan->fn, plan->fr};
        plan->rows += d[i].n;
        plan->fe += d[i].fe;
        plan->fn += d[i].fn;
        plan->fr += d[i].fr;
    }
    free(d);
    if (rc == CS_OK && plan->rows > w->trials - w->written)
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: %" PRIu64 " trials from trial %" PRIu64 " go beyond the file's last "
                       "trial %" PRIu64,
                       w->path, plan->rows, w->first + w->written, w->first + w->trials - 1);
    return rc;
}

/* Checks the recovery part of a batch against the file. */
static cs_status check_batch_recovery(const cs_results_t *w, const cs_trial_batch *b, cs_error *err)
{
    if (b->n_steps != w->n_steps || b->n_ships != w->n_ships)
        return cs_errorf(err, CS_EINVAL,
                         "%s: expected a batch with recovery over %zu steps and %zu ships, found "
                         "%zu and %zu",
                         w->path, w->n_steps, w->n_ships, b->n_steps, b->n_ships);
    uint64_t fr = 0;
    for (size_t i = 0; i < b->n && b->n_steps > 0; i++)
        fr += b->n_faults[i];
    if (fr != b->n_fr)
        return cs_errorf(err, CS_EINVAL,
                         "%s: batch fault counts add up to %" PRIu64 ", but %zu are listed",
                         w->path, fr, b->n_fr);
    return CS_OK;
}

/* Checks this rank's batch against the file (a mismatch is a programming error). */
static cs_status check_batch(const cs_results_t *w, const cs_trial_batch *b, cs_error *err)
{
    if (b->n_demands != w->n_demands || b->n_edges != w->n_edges || b->n_nodes != w->n_nodes ||
        b->n_pairs != w->n_pairs)
        return cs_errorf(err, CS_EINVAL,
                         "%s: expected a batch of %zu demands, %zu edges, %zu nodes and %zu pairs, "
                         "found %zu, %zu, %zu and %zu",
                         w->path, w->n_demands, w->n_edges, w->n_nodes, w->n_pairs, b->n_demands,
                         b->n_edges, b->n_nodes, b->n_pairs);
    if (w->dset[TD_EDGE_FLOW] >= 0 && b->edge_flow_tbps == NULL)
        return cs_errorf(err, CS_EINVAL, "%s: expected edge flows in the batch, found none",
                         w->path);
    uint64_t fe = 0, fn = 0;
    for (size_t i = 0; i < b->n; i++) {
        fe += b->n_failed_edges[i];
        fn += b->n_failed_nodes[i];
    }
    if (fe != b->n_fe || fn != b->n_fn)
        return cs_errorf(err, CS_EINVAL,
                         "%s: batch failure counts add up to %" PRIu64 " edges and %" PRIu64
                         " nodes, but %zu and %zu are listed",
                         w->path, fe, fn, b->n_fe, b->n_fn);
    return check_batch_recovery(w, b, err);
}

/* The CSR offsets of batch b's list (counts) placed after val_off values of the write. */
static cs_status csr_offsets(cs_results_t *w, const uint32_t *counts, size_t n, uint64_t start,
                             cs_error *err)
{
    if (n > w->offsets_cap) {
        uint64_t *p = realloc(w->offsets, n * sizeof *p);
        if (p == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
        w->offsets = p;
        w->offsets_cap = n;
    }
    uint64_t end = start; /* where trial i's list ends */
    for (size_t i = 0; i < n; i++) {
        end += counts[i];
        w->offsets[i] = end;
    }
    return CS_OK;
}

/* The CSR lists of a batch. */
enum { LIST_EDGES, LIST_NODES, LIST_FAULTS };

typedef struct {
    const uint32_t *counts;
    const void *values;
    size_t nvalues;
} csr_part;

static csr_part batch_csr(const cs_trial_batch *b, int list)
{
    return list == LIST_NODES    ? (csr_part){b->n_failed_nodes, b->failed_nodes, b->n_fn}
           : list == LIST_FAULTS ? (csr_part){b->n_faults, b->faults, b->n_fr}
                                 : (csr_part){b->n_failed_edges, b->failed_edges, b->n_fe};
}

/* Where a batch's part of list starts among the values of the write. */
static uint64_t pos_of(const batch_pos *p, int list)
{
    return list == LIST_NODES ? p->fn : list == LIST_FAULTS ? p->fr : p->fe;
}

/*
 * Appends one CSR list (offsets dataset doff, values dataset dval; nodes selects which list)
 * for every batch of the write, each at its place; *total is the list's length in the file.
 * Collective: round j writes every rank's j-th batch (or nothing).
 */
static cs_status append_csr(cs_results_t *w, int doff, int dval, int list, uint64_t *total,
                            const cs_trial_batch *const *b, size_t nb, const batch_pos *pos,
                            const write_plan *plan, cs_error *err)
{
    const uint64_t tot_vals = pos_of(&(batch_pos){0, plan->fe, plan->fn, plan->fr}, list);
    cs_status rc = extend(w, dval, *total + tot_vals, err);
    for (size_t j = 0; j < plan->rounds && rc == CS_OK; j++) {
        const csr_part p = j < nb ? batch_csr(b[j], list) : (csr_part){NULL, NULL, 0};
        const uint64_t at = j < nb ? *total + pos_of(&pos[j], list) : 0;
        rc = write_block(w, dval, at, p.nvalues, p.values, err);
    }
    if (rc == CS_OK) rc = extend(w, doff, w->written + 1 + plan->rows, err);
    for (size_t j = 0; j < plan->rounds && rc == CS_OK; j++) {
        const size_t n = j < nb ? b[j]->n : 0;
        uint64_t at = 0;
        if (j < nb) {
            at = w->written + 1 + pos[j].rows;
            rc = csr_offsets(w, batch_csr(b[j], list).counts, n, *total + pos_of(&pos[j], list),
                             err);
        }
        if (rc == CS_OK) rc = write_block(w, doff, at, n, w->offsets, err);
    }
    if (rc == CS_OK) *total += tot_vals;
    return rc;
}

/* The rows of matrix or vector dataset d in batch b. */
static const void *batch_rows(const cs_trial_batch *b, int d)
{
    switch (d) {
    case TD_SERVED:
        return b->served_tbps;
    case TD_LATENCY:
        return b->latency_ms;
    case TD_UNSERVED:
        return b->unserved_tbps;
    case TD_EDGE_FLOW:
        return b->edge_flow_tbps;
    case TD_PAIR_CUT:
        return b->pair_cut;
    case TD_TS_SERVED:
        return b->ts_served_tbps;
    case TD_TS_QUEUE:
        return b->ts_queue_length;
    case TD_REC_T50:
        return b->rec_t50_days;
    case TD_REC_T90:
        return b->rec_t90_days;
    case TD_REC_T100:
        return b->rec_t100_days;
    case TD_REC_CAPACITY:
        return b->rec_capacity_days;
    case TD_REC_UNSERVED:
        return b->rec_unserved_days;
    case TD_REC_BUSY:
        return b->rec_ship_busy_days;
    default:
        return NULL;
    }
}

/* Appends every batch's rows of matrix or vector dataset d, when the file has it. */
static cs_status append_rows(const cs_results_t *w, int d, const cs_trial_batch *const *b,
                             size_t nb, const batch_pos *pos, const write_plan *plan, cs_error *err)
{
    if (w->dset[d] < 0) return CS_OK;
    cs_status rc = extend(w, d, w->written + plan->rows, err);
    for (size_t j = 0; j < plan->rounds && rc == CS_OK; j++)
        rc = j < nb ? write_block(w, d, w->written + pos[j].rows, b[j]->n, batch_rows(b[j], d), err)
                    : write_block(w, d, 0, 0, NULL, err);
    return rc;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static cs_status write_batches(cs_results_t *w, const cs_trial_batch *const *b, size_t nb,
                               cs_error *err);

cs_status cs_results_write_batches(cs_results_t *w, const cs_trial_batch *const *b, size_t nb,
                                   cs_error *err)
{
    const double t0 = now_s();
    const cs_status rc = write_batches(w, b, nb, err);
    w->write_seconds += now_s() - t0;
    return rc;
}

double cs_results_write_seconds(const cs_results_t *w)
{
    return w != NULL ? w->write_seconds : 0.0;
}

static cs_status write_batches(cs_results_t *w, const cs_trial_batch *const *b, size_t nb,
                               cs_error *err)
{
    if (H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0)
        return cs_errorf(err, CS_EHDF5, "%s: cannot silence HDF5's error printing", w->path);
    cs_status rc = CS_OK;
    for (size_t i = 0; i < nb && rc == CS_OK; i++)
        rc = check_batch(w, b[i], err);
    batch_pos *pos = malloc((nb > 0 ? nb : 1) * sizeof *pos);
    if (rc == CS_OK && pos == NULL) rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    write_plan plan = {0, 0, 0, 0, 0};
    /* Every rank joins the plan's collective calls, even after a local error, which the plan's
     * exchange cannot report to the others: the caller aborts the job on any error. */
    if (rc == CS_OK) rc = plan_write(w, b, nb, pos, &plan, err);
    if (rc == CS_OK && plan.rows > 0) {
        rc = append_csr(w, TD_FAILED_OFFSETS, TD_FAILED_EDGES, LIST_EDGES, &w->n_fe, b, nb, pos,
                        &plan, err);
        if (rc == CS_OK)
            rc = append_csr(w, TD_FAILED_NODE_OFFSETS, TD_FAILED_NODES, LIST_NODES, &w->n_fn, b, nb,
                            pos, &plan, err);
        for (int d = TD_SERVED; d < TD_COUNT && rc == CS_OK; d++)
            if (d != TD_REC_FAULT_OFFSETS && d != TD_REC_FAULTS)
                rc = append_rows(w, d, b, nb, pos, &plan, err);
        if (rc == CS_OK && w->n_steps > 0)
            rc = append_csr(w, TD_REC_FAULT_OFFSETS, TD_REC_FAULTS, LIST_FAULTS, &w->n_fr, b, nb,
                            pos, &plan, err);
        if (rc == CS_OK) w->written += plan.rows;
        /* On disk after every write, so that a run killed later keeps these trials. */
        if (rc == CS_OK && H5Fflush(w->file, H5F_SCOPE_GLOBAL) < 0)
            rc = h5err(err, CS_EHDF5, w->path, "flush", "the file");
    }
    free(pos);
    return rc;
}

cs_status cs_results_write_batch(cs_results_t *w, const cs_trial_batch *b, cs_error *err)
{
    return cs_results_write_batches(w, &b, 1, err);
}

/* Reads count rows from row offset of /trials dataset d into buf (collective like write_block). */
static cs_status read_block(const cs_results_t *w, int d, uint64_t offset, uint64_t count,
                            void *buf, cs_error *err)
{
    const int rank = trial_docs[d].matrix ? 2 : 1;
    const hsize_t start[2] = {offset, 0}, n[2] = {count, w->ncols[d]};
    const bool empty = count == 0 || (rank == 2 && w->ncols[d] == 0);
    const hsize_t one[1] = {1};
    hid_t fspace = H5Dget_space(w->dset[d]);
    hid_t mspace = empty ? H5Screate_simple(1, one, NULL) : H5Screate_simple(rank, n, NULL);
    herr_t st = fspace >= 0 && mspace >= 0 ? 0 : -1;
    if (st >= 0 && empty)
        st = H5Sselect_none(mspace) >= 0 && H5Sselect_none(fspace) >= 0 ? 0 : -1;
    else if (st >= 0)
        st = H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, n, NULL);
    if (st >= 0) st = H5Dread(w->dset[d], trial_type(w, d, false), mspace, fspace, w->dxpl, buf);
    cs_status rc = CS_OK;
    if (st < 0) {
        char name[64];
        rc = h5err(err, CS_EHDF5, w->path, "read dataset", full_name(name, sizeof name, d));
    }
    if (mspace >= 0) H5Sclose(mspace);
    if (fspace >= 0) H5Sclose(fspace);
    return rc;
}

cs_status cs_results_read_back(cs_results_t *w, uint64_t row, size_t n, cs_trial_batch *b,
                               cs_error *err)
{
    if (H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0)
        return cs_errorf(err, CS_EHDF5, "%s: cannot silence HDF5's error printing", w->path);
    cs_status rc = check_batch(w, b, err);
    if (rc == CS_OK && (n > b->capacity || row > w->written || n > w->written - row))
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: cannot read back %zu trials from row %" PRIu64 " of %" PRIu64
                       " written into a batch of %zu",
                       w->path, n, row, w->written, b->capacity);
    if (rc) return rc;
    cs_trial_batch_reset(b, w->first + row);
    rc = read_block(w, TD_SERVED, row, n, b->served_tbps, err);
    if (rc == CS_OK) rc = read_block(w, TD_UNSERVED, row, n, b->unserved_tbps, err);
    if (rc == CS_OK) rc = read_block(w, TD_PAIR_CUT, row, n, b->pair_cut, err);
    for (size_t i = 0; rc == CS_OK && i < n; i++)
        b->n_failed_edges[i] = b->n_failed_nodes[i] = 0;
    /* What run summaries take from recovery; the curves and fault records are not read. */
    if (rc == CS_OK && w->n_steps > 0) rc = read_block(w, TD_REC_T90, row, n, b->rec_t90_days, err);
    if (rc == CS_OK && w->n_steps > 0)
        rc = read_block(w, TD_REC_CAPACITY, row, n, b->rec_capacity_days, err);
    if (rc == CS_OK && w->n_steps > 0)
        rc = read_block(w, TD_REC_UNSERVED, row, n, b->rec_unserved_days, err);
    if (rc == CS_OK && w->n_steps > 0)
        rc = read_block(w, TD_REC_BUSY, row, n, b->rec_ship_busy_days, err);
    for (size_t i = 0; rc == CS_OK && w->n_steps > 0 && i < n; i++)
        b->n_faults[i] = 0;
    if (rc == CS_OK) b->n = n;
    return rc;
}

uint64_t cs_results_written(const cs_results_t *w)
{
    return w->written;
}

/* ----------------------------------------------------------------- close */

/* Sets complete = 1 after every trial is on disk: the file's last write. */
static cs_status mark_complete(const cs_results_t *w, cs_error *err)
{
    if (w->written != w->trials)
        return cs_errorf(err, CS_EINVAL,
                         "%s: %" PRIu64 " of %" PRIu64
                         " trials written; the file is left incomplete (complete = 0)",
                         w->path, w->written, w->trials);
    if (H5Fflush(w->file, H5F_SCOPE_LOCAL) < 0)
        return h5err(err, CS_EHDF5, w->path, "flush", "the file");
    const uint8_t one = 1;
    const hid_t a = H5Aopen(w->file, "complete", H5P_DEFAULT);
    cs_status rc = CS_OK;
    if (a < 0 || H5Awrite(a, H5T_NATIVE_UINT8, &one) < 0)
        rc = h5err(err, CS_EHDF5, w->path, "write attribute \"complete\" of", "/");
    if (a >= 0 && H5Aclose(a) < 0 && rc == CS_OK)
        rc = h5err(err, CS_EHDF5, w->path, "close attribute \"complete\" of", "/");
    if (rc == CS_OK && H5Fflush(w->file, H5F_SCOPE_LOCAL) < 0)
        rc = h5err(err, CS_EHDF5, w->path, "flush", "the file");
    return rc;
}

cs_status cs_results_close(cs_results_t *w, bool complete, cs_error *err)
{
    if (w == NULL) return CS_OK;
    cs_status rc = CS_OK;
    if (H5Eset_auto2(H5E_DEFAULT, NULL, NULL) < 0)
        rc = cs_errorf(err, CS_EHDF5, "%s: cannot silence HDF5's error printing", w->path);
    if (rc == CS_OK && complete) rc = mark_complete(w, err);
    const cs_status rc_release = release(w, rc == CS_OK ? err : NULL);
    return rc != CS_OK ? rc : rc_release;
}

void cs_results_part(uint64_t trials, uint64_t i, uint64_t n, uint64_t *first, uint64_t *count)
{
    /* floor(i * trials / n) without overflowing 64 bits */
    const uint64_t q = trials / n, r = trials % n;
    const uint64_t lo = i * q + (i * r) / n, hi = (i + 1) * q + ((i + 1) * r) / n;
    *first = lo;
    *count = hi - lo;
}
