/*
 * results_schema.h: the one list of the datasets of a results file (docs/hdf5-schema.md).
 *
 * Every dataset the writer makes, the reader (resultsio.h), `cablesim merge` and `run --resume`
 * know, and the documentation lists (docs/hdf5-schema.md, docs/hdf5-schema.json, the Python
 * reader) comes from cs_results_schema(): its path, element type, shape rule, units,
 * description and the feature of the scenario that makes the run write it. The writer and the
 * trial batch treat the per-trial datasets (rows "trial", "offsets", "values") generically, so
 * adding one touches its producer and this table only ("How to add a dataset" in the docs).
 */
#ifndef CS_RESULTS_SCHEMA_H
#define CS_RESULTS_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** The datasets, in the order the writer creates them (and, per trial, writes them). */
typedef enum {
    CS_DS_NODES, /**< /topology/nodes */
    CS_DS_EDGES,
    CS_DS_DEMANDS,
    CS_DS_PAIRS,
    CS_DS_REGIONS,     /**< /topology/regions */
    CS_DS_BASE_SERVED, /**< /baseline/served_tbps */
    CS_DS_BASE_LATENCY,
    CS_DS_BASE_EDGE_FLOW,
    CS_DS_BASE_UNSERVED,
    CS_DS_BASE_HELD,      /**< /baseline/held_tbps */
    CS_DS_FAILED_OFFSETS, /**< /trials/failed_offsets: the first per-trial dataset */
    CS_DS_FAILED_EDGES,
    CS_DS_FAILED_NODE_OFFSETS,
    CS_DS_FAILED_NODES,
    CS_DS_CUT_OFFSETS, /**< /trials/cut_offsets */
    CS_DS_CUTS,
    CS_DS_EVENT_OFFSETS, /**< /trials/hazard_event_offsets */
    CS_DS_EVENTS,
    CS_DS_SERVED,
    CS_DS_LATENCY,
    CS_DS_UNSERVED,
    CS_DS_EDGE_FLOW,
    CS_DS_PAIR_CUT,
    CS_DS_CAPACITY_LOST, /**< /trials/capacity_lost_tbps: the impact metrics (engine.h) */
    CS_DS_INTL_CAPACITY_LOST,
    CS_DS_SYSTEMS_LOST,
    CS_DS_STATIONS_LOST,
    CS_DS_REGION_SERVED,
    CS_DS_REGION_LATENCY,
    CS_DS_WEIGHT,          /**< /trials/weight: importance sampling (estimator.h) */
    CS_DS_REGION_HEADROOM, /**< /outcomes/region_headroom_tbps (output.headroom) */
    CS_DS_OUTCOME,         /**< /trials/outcome: the row of /outcomes of each trial (format 2) */
    CS_DS_TIME_DAYS,       /**< /timeseries/time_days */
    CS_DS_TS_SERVED,
    CS_DS_TS_QUEUE,
    CS_DS_SHIPS, /**< /recovery/ships */
    CS_DS_REC_T50,
    CS_DS_REC_T90,
    CS_DS_REC_T100,
    CS_DS_REC_CAPACITY,
    CS_DS_REC_UNSERVED,
    CS_DS_REC_BUSY,
    CS_DS_REC_FAULT_OFFSETS,
    CS_DS_REC_FAULTS,
    CS_DS_COUNT
} cs_dataset_id;

/** Element types. CS_DT_TABLE: a compound table of fixed-length strings and numbers whose
 * columns the writer lays out (docs/hdf5-schema.md lists them); CS_DT_RECORD: a packed
 * little-endian compound record described by cs_dataset_schema.members. */
typedef enum {
    CS_DT_U8,
    CS_DT_U32,
    CS_DT_I32,
    CS_DT_U64,
    CS_DT_F64,
    CS_DT_TABLE,
    CS_DT_RECORD,
    CS_DT_F32 /**< only as the format 3 type of a record member (cs_record_member.narrow) */
} cs_dtype;

/** How the first axis follows the trials: the dataset's `rows` attribute. */
typedef enum {
    CS_ROWS_STATIC,  /**< not per trial (no `rows` attribute) */
    CS_ROWS_TRIAL,   /**< "trial": row t is trial t */
    CS_ROWS_OFFSETS, /**< "offsets": CSR offsets, trials + 1 of them */
    CS_ROWS_VALUES,  /**< "values": a CSR values list */
    /** "outcome": row o is distinct outcome o (format 2: /outcomes, indexed by /trials/outcome);
     * in format 1 files the same dataset has rows "trial" at its v1_path. */
    CS_ROWS_OUTCOME
} cs_rows_kind;

/** Sizes a dimension may follow. */
typedef enum {
    CS_DIM_NONE, /**< no such dimension (a scalar, or a vector) */
    CS_DIM_NODES,
    CS_DIM_EDGES,
    CS_DIM_DEMANDS,
    CS_DIM_PAIRS,
    CS_DIM_STEPS, /**< points of /timeseries/time_days */
    CS_DIM_SHIPS,
    CS_DIM_REGIONS, /**< rows of /topology/regions */
    CS_DIM_COUNT
} cs_dim;

/** What makes a run write a dataset. */
typedef enum {
    CS_FEAT_ALWAYS,
    CS_FEAT_LATENCY,   /**< scenario output.latency (default true) */
    CS_FEAT_EDGE_FLOW, /**< scenario output.edge_flow (default true) */
    CS_FEAT_RECOVERY,  /**< the scenario has a `recovery:` section */
    CS_FEAT_IMPACT,    /**< the writer was given the engine's regions (every cablesim run) */
    CS_FEAT_WEIGHT,    /**< the scenario's estimator is importance_sampling (scenario.h weighted) */
    CS_FEAT_HEADROOM,  /**< scenario output.headroom (default false), with the regions */
    CS_FEAT_OUTCOMES,  /**< format version 2 (output.format_version, the default) */
    CS_FEAT_COUNT
} cs_feature;

/** A member of a CS_DT_RECORD: name, byte offset in the packed record, type. The offsets and
 * types are those of the records in memory (trial batches, and every reader's memory type) and
 * in files of format 1 and 2; files of format 3 store the member as `narrow` (CS_DT_F32 for a
 * float64 member: places, depths and times of cuts and events), packed in the same order
 * (cs_schema_member_layout). */
typedef struct {
    const char *name;
    size_t offset;
    cs_dtype type;   /**< CS_DT_U8, U32, I32, U64 or F64 */
    cs_dtype narrow; /**< its type in files of format 3 and later: `type`, or CS_DT_F32 */
} cs_record_member;

/** One dataset. */
typedef struct {
    const char *path; /**< absolute: "/trials/unserved_tbps" */
    /** Rows "outcome": the path of the dataset in format 1 files, where it had rows "trial"
     * ("/trials/served_tbps"); NULL otherwise. */
    const char *v1_path;
    /** Added to format 1 after its first files (the cut and hazard-event lists, 50eb731): files
     * of format 1 written before it lack it, so readers take it as optional there. */
    bool v1_optional;
    cs_dtype type;     /**< element type */
    cs_rows_kind rows; /**< per trial, and how */
    /** Static datasets: the size of the only dimension (CS_DIM_NONE: a scalar). Per-trial: the
     * columns of a [trials x columns] matrix (CS_DIM_NONE: one dimension). */
    cs_dim dim;
    cs_dataset_id values; /**< CS_ROWS_OFFSETS: the values list they index */
    cs_feature feature;
    const char *units;               /**< the `units` attribute */
    const char *description;         /**< the `description` attribute */
    const char *doc;                 /**< docs/hdf5-schema.md's wording (NULL: the description) */
    const cs_record_member *members; /**< CS_DT_RECORD: members, n_members, record_bytes */
    size_t n_members, record_bytes;
    /** A record dataset written without HDF5's shuffle filter (cs_schema_shuffled), as float64
     * datasets are: measured to compress better so (bench/README.md, issue 15). */
    bool unshuffled;
} cs_dataset_schema;

/** A group of the file and its `description` attribute. */
typedef struct {
    const char *path;
    const char *description;
    cs_feature feature;
} cs_group_schema;

/** The dataset table, CS_DS_COUNT rows indexed by cs_dataset_id. */
const cs_dataset_schema *cs_results_schema(void);
/** Dataset d's row. */
const cs_dataset_schema *cs_results_dataset(cs_dataset_id d);
/** The dataset at path, or NULL. */
const cs_dataset_schema *cs_results_dataset_find(const char *path, cs_dataset_id *id);
/** The groups, *n of them, in creation order. */
const cs_group_schema *cs_results_groups(size_t *n);

/** Bytes of one element of d ("TABLE" datasets: 0, their layout depends on the strings). */
size_t cs_dataset_elem_size(const cs_dataset_schema *d);
/** Names used by the docs and the JSON schema: "uint32", "compound", "trial", "edges",
 * "always", "output.latency"... */
const char *cs_dtype_name(cs_dtype t);
const char *cs_rows_name(cs_rows_kind r);
const char *cs_dim_name(cs_dim d);
const char *cs_feature_name(cs_feature f);
/** The shape rule as the docs write it: "[trials x demands]", "[trials + 1]", "scalar"... into
 * buf (size n). */
const char *cs_dataset_shape_text(const cs_dataset_schema *d, char *buf, size_t n);

/** The features a run has and the sizes its datasets follow. */
typedef struct {
    bool feature[CS_FEAT_COUNT];
    size_t dim[CS_DIM_COUNT]; /**< dim[CS_DIM_NONE] = 0 */
} cs_schema_run;

/** Whether run r writes dataset d. */
bool cs_schema_writes(const cs_schema_run *r, const cs_dataset_schema *d);

/** The format versions of results files this software writes and reads: 1 (every per-trial
 * row in /trials), 2 (the routed outcomes once each in /outcomes) and 3 (format 2 with the
 * places, depths and times of the cut and event records in float32, the default). */
#define CS_FORMAT_V1 1
#define CS_FORMAT_V2 2
#define CS_FORMAT_V3 3
/** Format 3 whose complete files store the float64 outcome tables as dictionary tables
 * (docs/hdf5-schema.md, "Dictionary tables"), the default. */
#define CS_FORMAT_V4 4
/** The record layout of memory (batches, readers' memory types): that of format 1 and 2 files. */
#define CS_FORMAT_MEMORY CS_FORMAT_V2
/** Whether this software reads files of format version (1 to 4). */
#define CS_FORMAT_KNOWN(version) ((version) >= CS_FORMAT_V1 && (version) <= CS_FORMAT_V4)
/** How dataset d's first axis follows the trials in a file of format version: rows "outcome"
 * are rows "trial" in format 1. */
cs_rows_kind cs_schema_rows(const cs_dataset_schema *d, int version);
/** Dataset d's path in a file of format version (v1_path for rows "outcome" in format 1). */
const char *cs_schema_path(const cs_dataset_schema *d, int version);
/** The file layout of member k of record dataset d in a file of format version: its byte
 * offset (*offset) and type (*type); returns the bytes of the whole record there. Format 1 and
 * 2 files (and memory) have the members' `offset` and `type`, format 3 their `narrow` types,
 * packed in order. */
size_t cs_schema_member_layout(const cs_dataset_schema *d, size_t k, int version, size_t *offset,
                               cs_dtype *type);
/** Bytes of one record of record dataset d in a file of format version. */
size_t cs_schema_record_bytes(const cs_dataset_schema *d, int version);
/** Whether records of d are stored otherwise in files of format version than in memory. */
bool cs_schema_record_narrowed(const cs_dataset_schema *d, int version);
/**
 * Whether the writer passes per-trial dataset d through HDF5's shuffle filter before deflate
 * (when it compresses): the integer datasets and the records but `unshuffled` ones. float64
 * values repeat whole (flows, latencies, capacities lost, times), which deflate matches in the
 * bytes as they are and not once shuffle has split them into byte planes (measured per dataset
 * on seven scenarios: bench/README.md, issue 15). Filters are transparent to every HDF5 reader:
 * not part of the format (docs/hdf5-schema.md, "Types, chunking and compression").
 */
bool cs_schema_shuffled(const cs_dataset_schema *d);
/** Bytes of one element of dtype t (CS_DT_TABLE, CS_DT_RECORD: 0). */
size_t cs_dtype_size(cs_dtype t);

/** The dataset at path in a file of format version, or NULL (*id receives its id). */
const cs_dataset_schema *cs_schema_find(const char *path, int version, cs_dataset_id *id);

#endif /* CS_RESULTS_SCHEMA_H */
