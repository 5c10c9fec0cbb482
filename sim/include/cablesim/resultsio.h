/*
 * resultsio.h: reading a results file (docs/hdf5-schema.md) for analysis.
 *
 * cs_resultsio_open() checks that the file is a complete cablesim results file
 * of a format version this reader knows, reads the root attributes, the four
 * /topology tables and /baseline whole (they are small), and checks the shape
 * of every /trials dataset. The trials themselves are then streamed a slice of
 * rows at a time with cs_resultsio_read(), so memory stays flat however many
 * trials the file holds. Every problem is one line naming the file and the
 * object ("r.h5: dataset /trials/served_tbps: expected 2 dimensions, found 1").
 */
#ifndef CS_RESULTSIO_H
#define CS_RESULTSIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cablesim/error.h"
#include "cablesim/results_schema.h"

/** The newest format version this reader understands; it also reads format 1 (every per-trial
 * row in /trials). Format 2 stores each distinct routed outcome once (/outcomes) and per trial
 * its index (/trials/outcome); the reader hides that: every slice and cs_resultsio_read_dataset
 * give one row per trial whatever the format. */
#define CS_RESULTSIO_FORMAT_VERSION 4

/** A row of /topology/nodes. Strings are owned by the reader. */
typedef struct {
    const char *id, *name, *kind, *country, *region; /**< region "" when not given */
    double lon_deg, lat_deg;                         /**< WGS 84 degrees */
} cs_rnode;

/** Whether the recorded node v is Japanese: cs_node_is_japan()'s rule on its recorded kind,
 * country and region (a kind the file does not name counts as a city). */
bool cs_rnode_is_japan(const cs_rnode *v);

/** A row of /topology/edges. */
typedef struct {
    const char *id, *kind, *cable, *cable_name; /**< cable "" for a link */
    uint32_t from, to;
    double capacity_tbps, lit_tbps, length_km;
} cs_redge;

/** A row of /topology/demands. */
typedef struct {
    uint32_t origin, destination;
    const char *origin_id, *destination_id;
    double demand_tbps, demand_scaled_tbps;
} cs_rdemand;

/** A row of /topology/pairs. */
typedef struct {
    uint32_t city;
    const char *city_id, *region;
} cs_rpair;

/** A row of /recovery/ships. */
typedef struct {
    const char *name, *home, *zone, *source;
    double lon_deg, lat_deg, speed_kn, availability;
} cs_rship;

/** A row of /recovery/faults: a cable fault and its repair (times in days). */
typedef struct {
    uint32_t edge;
    int32_t ship;                                          /**< -1: no ship within the horizon */
    double fail_days, dispatch_days, start_days, end_days; /**< +inf: not within the horizon */
    uint8_t waters; /**< 0 domestic, 1 foreign, 2 contested */
} cs_rfault;

/** Everything but the trials, read at open time. All owned by the reader. */
typedef struct {
    const char *path;
    int32_t format_version;
    const char *software_version, *scenario, *topology_sha256, *demand_sha256, *created;
    /** The scenario's name, capacity basis ("lit", "design") and routing policy
     * ("latency-first", "maxflow"): the root attributes, or in files written before them, read
     * from `scenario` with the scenario loader's defaults. */
    const char *name, *capacity_basis, *routing_policy;
    /** The scenario with every top-level default filled in (root attribute scenario_resolved);
     * "" in files written before it. */
    const char *scenario_resolved;
    uint64_t seed, trials;
    int32_t as_of;
    size_t n_nodes, n_edges, n_demands, n_pairs;
    const cs_rnode *nodes;
    const cs_redge *edges;
    const cs_rdemand *demands;
    const cs_rpair *pairs;
    const double *base_served_tbps; /**< [n_demands] */
    const double *base_latency_ms;  /**< [n_demands] */
    const double *base_edge_flow;   /**< [n_edges] */
    double base_unserved_tbps;
    bool has_latency;   /**< /trials/latency_ms is present */
    bool has_edge_flow; /**< /trials/edge_flow_tbps is present */
    /* Recovery over time (/timeseries, /recovery): only when has_recovery. */
    bool has_recovery;
    double horizon_days, step_hours;
    size_t n_steps, n_ships;
    const double *time_days; /**< [n_steps] */
    const cs_rship *ships;   /**< [n_ships] */
    /** Rows of /topology/regions (0 in files written before the impact datasets): the
     * columns of /trials/region_served_fraction and region_latency_added_ms. */
    size_t n_regions;
    const char *const *region_names; /**< [n_regions] their names */
    bool has_headroom;               /**< region_headroom_tbps is present */
    /** Rows of the /outcomes datasets: the distinct routed outcomes (format 2; 0 in format 1). */
    size_t n_outcomes;
} cs_results_info;

/** Recovery outcomes of consecutive trials first .. first + n - 1 (files with has_recovery). */
typedef struct {
    uint64_t first;
    size_t n, capacity;
    double *served_tbps;                     /**< [capacity x n_steps] /timeseries/served_tbps */
    uint32_t *queue_length;                  /**< [capacity x n_steps] */
    double *t50_days, *t90_days, *t100_days; /**< [capacity] */
    double *capacity_tbps_days, *unserved_tbps_days; /**< [capacity] */
    double *ship_busy_days;                          /**< [capacity x n_ships] */
    uint64_t *fault_off;                             /**< [capacity + 1], relative to the slice */
    cs_rfault *faults;                               /**< fault_off[n] used */
    size_t cap_faults;
} cs_recovery_slice;

/**
 * Consecutive trials first .. first + n - 1 as read from the file. The failed
 * lists are in CSR form relative to the slice: trial first + i failed edges
 * failed_edges[edge_off[i] .. edge_off[i + 1]).
 */
typedef struct {
    uint64_t first;
    size_t n, capacity;
    double *served_tbps;          /**< [capacity x n_demands] */
    double *latency_ms;           /**< [capacity x n_demands]; NULL when the file has none */
    double *unserved_tbps;        /**< [capacity] */
    double *edge_flow_tbps;       /**< [capacity x n_edges]; NULL when the file has none */
    unsigned char *pair_cut;      /**< [capacity x n_pairs] */
    double *region_headroom_tbps; /**< [capacity x n_regions]; NULL when the file has none */
    uint64_t *edge_off;           /**< [capacity + 1] */
    uint64_t *node_off;           /**< [capacity + 1] */
    uint32_t *failed_edges;       /**< edge_off[n] used */
    uint32_t *failed_nodes;       /**< node_off[n] used */
    size_t cap_fe, cap_fn;
} cs_trial_slice;

typedef struct cs_resultsio cs_resultsio_t;

/**
 * Opens path read-only and reads and checks everything but the trials.
 * \param out Out: the reader, to be closed with cs_resultsio_close(); NULL on failure.
 * \return CS_OK; CS_EIO (cannot open or read; not an HDF5 file); CS_EINVAL (not a cablesim
 * results file, unknown format_version, a part of a sharded run (cablesim merge joins the parts),
 * complete = 0, a dataset, attribute or column missing or of the wrong type or shape); CS_ENOMEM.
 */
cs_status cs_resultsio_open(cs_resultsio_t **out, const char *path, cs_error *err);
/** Closes the file and frees r. Accepts NULL. */
void cs_resultsio_close(cs_resultsio_t *r);

/** The file's attributes, tables and baseline. Borrowed; valid until close. */
const cs_results_info *cs_resultsio_info(const cs_resultsio_t *r);

/**
 * Rows per slice that keep a slice near max_bytes (at least 1, at most the trial count), for
 * cs_trial_slice_init().
 */
size_t cs_resultsio_slice_rows(const cs_resultsio_t *r, size_t max_bytes);

/** Allocates a slice of capacity rows for r's sizes. \return CS_OK, CS_EINVAL (capacity 0),
 * CS_ENOMEM. */
cs_status cs_trial_slice_init(cs_trial_slice *s, const cs_resultsio_t *r, size_t capacity,
                              cs_error *err);
void cs_trial_slice_destroy(cs_trial_slice *s);

/**
 * Reads trials first .. first + min(capacity, trials - first) - 1 into s (s->n of them; 0 at
 * the end). Checks that the CSR offsets grow and stay within their lists and that every failed
 * edge and node index is in range. O(rows x columns).
 * \return CS_OK, CS_EIO (HDF5 cannot read), CS_EINVAL (inconsistent data), CS_ENOMEM.
 */
cs_status cs_resultsio_read(cs_resultsio_t *r, uint64_t first, cs_trial_slice *s, cs_error *err);

/** Allocates a recovery slice of capacity rows for r (which has_recovery). \return CS_OK,
 * CS_EINVAL (capacity 0 or no recovery in the file), CS_ENOMEM. */
cs_status cs_recovery_slice_init(cs_recovery_slice *s, const cs_resultsio_t *r, size_t capacity,
                                 cs_error *err);
void cs_recovery_slice_destroy(cs_recovery_slice *s);

/**
 * Reads the recovery outcomes of trials first .. first + min(capacity, trials - first) - 1 into
 * s (s->n of them; 0 at the end), checking the fault offsets, edge and ship indices.
 * \return CS_OK, CS_EIO, CS_EINVAL (no recovery in the file; inconsistent data), CS_ENOMEM.
 */
cs_status cs_resultsio_read_recovery(cs_resultsio_t *r, uint64_t first, cs_recovery_slice *s,
                                     cs_error *err);

/** Whether the file has per-trial dataset d (results_schema.h). */
bool cs_resultsio_has(const cs_resultsio_t *r, cs_dataset_id d);
/** The first dimension of per-trial dataset d as read: trials (an outcome table too), trials + 1
 * (offsets) or the length of a values list; 0 when the file does not have it. */
uint64_t cs_resultsio_length(const cs_resultsio_t *r, cs_dataset_id d);
/**
 * Reads rows first .. first + count - 1 of per-trial dataset d (every column) into buf, as
 * native numbers of d's type, or d's packed records (CS_DT_RECORD); of an outcome table (rows
 * "outcome"), the rows of trials first.. (through /trials/outcome in format 2). Any dataset of
 * the schema, those added after this reader included. \return CS_OK, CS_EINVAL (not in the file,
 * rows beyond it), CS_EIO.
 */
cs_status cs_resultsio_read_dataset(cs_resultsio_t *r, cs_dataset_id d, uint64_t first,
                                    uint64_t count, void *buf, cs_error *err);

#endif /* CS_RESULTSIO_H */
