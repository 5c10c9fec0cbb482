/*
 * writer.h: what the parts of the results writer share (private to sim/src/results/).
 *
 * writer.c creates the file and appends batches, readback.c reads them back, tables.c writes the
 * static tables, plan.c places every rank's batches (the MPI write plan), resume.c reopens an
 * incomplete file.
 */
#ifndef CS_RESULTS_WRITER_H
#define CS_RESULTS_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include <hdf5.h>
#include <mpi.h>

#include "cablesim/results.h"
#include "cablesim/results_schema.h"
#include "results/outcomes.h"

struct cs_results {
    char *path;
    hid_t file, dxpl;
    hid_t dset[CS_DS_COUNT];  /* per-trial datasets; H5I_INVALID_HID when the file has none */
    hid_t mtype[CS_DS_COUNT]; /* their memory element types (cs_rw_mem_type) */
    size_t ncols[CS_DS_COUNT];
    uint64_t len[CS_DS_COUNT]; /* lengths of the values lists */
    cs_schema_run run;         /* the features and sizes of the run */
    uint64_t trials;           /* trials this file holds: the scenario's, or a part's */
    uint64_t first;            /* the first of them (0 but in a part) */
    uint64_t all_trials;       /* the scenario's */
    uint64_t written;          /* trials written so far (from first) */
    uint64_t *offsets;         /* workspace for one batch's CSR offsets */
    size_t offsets_cap;
    double write_seconds;  /* wall time the caller waited for writes of trials (async.c) */
    double thread_seconds; /* wall time a writer thread spent writing them (async.c) */
    MPI_Comm comm;         /* MPI_COMM_NULL: one process, the sec2 driver */
    bool failed;           /* a write failed (agreed by every rank, or alone) */
    bool alone;            /* MPI: it failed on this rank alone inside a collective call of HDF5 */
    int lock_fd;           /* MPI, rank 0: the descriptor holding the file's flock; else -1 */
    bool image;            /* an image in memory (cs_rw_create_image): no file, no sync */
    int rank, size;
    int version; /* the format version of the file (CS_FORMAT_V1, CS_FORMAT_V2) */
    /* Format 2: the outcomes in the file, the same on every rank (outcomes.h), and the workspace
     * of a write: per trial of this rank's batches (from start[j] for batch j) its key, outcome
     * and whether it is the first trial of a new outcome. */
    cs_omap omap;
    uint64_t fresh_from; /* outcomes before the write being made */
    cs_okey *wkey;
    uint32_t *wid;
    unsigned char *wnew;
    size_t *wstart;
    size_t wcap, wcap_batches;
    unsigned char *obuf; /* rows of new outcomes of one batch, or gathered rows */
    size_t obuf_cap;
    unsigned char *pack; /* records of one write packed as the file has them (format 3) */
    size_t pack_cap;
    /* Format 4, a file this writer made on one process: the float64 outcome tables as written,
     * for the compaction (cs_results_close_keep); NULL when not kept or dropped. */
    cs_results_tables *kept;
};

/* Where one of this rank's batches goes: trials and list values before it in the write. */
typedef struct {
    uint64_t rows;
    uint64_t vals[CS_DS_COUNT]; /* per values list */
    uint64_t outcomes;          /* new outcomes (format 2) */
} cs_rw_pos;

/* The whole write: its sizes, and how many collective write rounds it takes. */
typedef struct {
    uint64_t rows;
    uint64_t vals[CS_DS_COUNT];
    uint64_t outcomes; /* new outcomes (format 2) */
    size_t rounds;     /* the most batches any rank passes */
} cs_rw_plan;

/* writer.c */
/* Checks m and allocates a writer for path over comm (MPI_COMM_NULL: one process) with the sizes
 * of m's run, no file open. */
cs_status cs_rw_begin(cs_results_t **out, const char *path, const cs_results_meta *m, MPI_Comm comm,
                      cs_error *err);
cs_status cs_rw_open_file(cs_results_t *w, bool create, cs_error *err);
cs_status cs_rw_release(cs_results_t *w, cs_error *err);
/* Columns of per-trial dataset d in w's file (0 for vectors and lists). */
size_t cs_rw_cols(const cs_results_t *w, cs_dataset_id d);
/* The memory type w writes per-trial dataset d with (H5Tclose it): its elements as in the
 * batches, but a record narrowed in w's format as in the file (the writer packs them). */
hid_t cs_rw_mem_type(const cs_results_t *w, cs_dataset_id d);
/* Makes w write (or continue) a file of format version (and so of its features). */
void cs_rw_set_version(cs_results_t *w, int version);
/* Appends batches b[0..nb-1] (cs_results_write_batches without its timing). */
cs_status cs_rw_write_batches(cs_results_t *w, const cs_trial_batch *const *b, size_t nb,
                              cs_error *err);
/* Seconds of the monotonic clock. */
double cs_rw_now_s(void);
/* Reads count rows at row offset of per-trial dataset d into buf, whose extent covers them (with
 * MPI-IO collectively: each rank passes its own offset and count, possibly 0). */
cs_status cs_rw_read_rows(const cs_results_t *w, int d, uint64_t offset, uint64_t count, void *buf,
                          cs_error *err);
/* Checks that batch b has the shape of w's run (its datasets and columns). */
cs_status cs_rw_check_batch(const cs_results_t *w, const cs_trial_batch *b, cs_error *err);
/* Makes w->obuf hold at least bytes. */
cs_status cs_rw_reserve_obuf(cs_results_t *w, size_t bytes, cs_error *err);

/* readback.c */
/* Reads rows row .. row + n - 1 of outcome dataset d as trials (through /trials/outcome) into
 * buf (collective with MPI: n may be 0). */
cs_status cs_rw_read_outcome_rows(cs_results_t *w, int d, uint64_t row, size_t n, void *buf,
                                  cs_error *err);

/* tables.c: the static datasets, each under its open group g. */
cs_status cs_rw_write_static(const cs_results_t *w, hid_t g, cs_dataset_id d,
                             const cs_results_meta *m, cs_error *err);
cs_status cs_rw_make_group(hid_t *out, const cs_results_t *w, const char *name,
                           const char *description, cs_error *err);

/* plan.c: shares every rank's batch sizes and places this rank's batches (collective); fresh[j]:
 * the new outcomes batch j writes (NULL: none). */
cs_status cs_rw_plan_write(const cs_results_t *w, const cs_trial_batch *const *b, size_t nb,
                           const uint64_t *fresh, cs_rw_pos *pos, cs_rw_plan *plan, cs_error *err);
/* plan.c: keys every trial of this rank's batches, shares the keys not yet in the file with the
 * other ranks and numbers the new outcomes in the order of their first trials (the same on every
 * rank); fills w's workspace and fresh[j], the new outcomes whose first trial is in batch j. */
cs_status cs_rw_assign_outcomes(cs_results_t *w, const cs_trial_batch *const *b, size_t nb,
                                uint64_t *fresh, cs_error *err);
/* plan.c: the key of row i of batch b: its rows of the outcome datasets of w's file. */
cs_okey cs_rw_trial_key(const cs_results_t *w, const cs_trial_batch *b, size_t i);

/**
 * Makes in memory (HDF5's core driver, nothing written to disk) what cs_results_create makes of
 * a file of format version for m, the trials left out: its root attributes, groups, static
 * tables and empty per-trial datasets with their attributes. Released with cs_rw_release.
 */
cs_status cs_rw_create_image(cs_results_t **out, const char *name, const cs_results_meta *m,
                             int version, cs_error *err);

/**
 * Checks that what file f (path) holds besides its trials is what this run writes: every
 * attribute the image of m (cs_rw_create_image) has, of every group and dataset, and every
 * static table, value for value; the attributes of the build, the time of creation and the
 * commit record excepted. CS_EINVAL "path: damaged: ..." naming the first that differs.
 */
cs_status cs_rw_check_static(hid_t f, const char *path, const cs_results_meta *m, int version,
                             cs_error *err);

/**
 * The same check between two parts of a merge (merge_parts.c): every attribute and static table
 * of ref (the first part, ref_path) against f's, `part_first_trial` and `part_trials` excepted
 * too. CS_EINVAL "path: damaged: X differs from the part ref_path ...".
 */
cs_status cs_rw_check_same_static(hid_t ref, const char *ref_path, hid_t f, const char *path,
                                  int version, cs_error *err);

#endif /* CS_RESULTS_WRITER_H */
