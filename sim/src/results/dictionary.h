/*
 * dictionary.h: the outcome tables of a complete format-4 results file, each column's distinct
 * values stored once (private to sim/src/results/; docs/hdf5-schema.md, "Dictionary tables").
 *
 * A float64 table [outcomes x columns] of /outcomes is stored as a group of the same name with
 * three datasets: `values` (each column's distinct values, in the order of the first outcome
 * that has each, columns concatenated), `value_offsets` (columns + 1: column c's values are
 * values[value_offsets[c] : value_offsets[c + 1]]) and `index` ([outcomes x columns], uint16 or
 * uint32): row o, column c of the table is values[value_offsets[c] + index[o, c]]. Values are
 * told apart by their bits (NaN stays NaN, -0 stays -0): lossless. The compaction of a complete
 * file (compact.c) writes it, from the dense table, so that it depends on the table only (any
 * MPI split, shards merged in any order: the same bytes). Readers decode it lazily
 * (cs_dict_table): the distinct values of a table at its first read, its index a block of rows
 * (a chunk of the file) at a time as rows are asked for; `merge` decodes a whole table into a
 * dense one held in memory (cs_dict_open).
 */
#ifndef CS_RESULTS_DICTIONARY_H
#define CS_RESULTS_DICTIONARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "cablesim/error.h"
#include "cablesim/results.h"
#include "cablesim/results_schema.h"

/* The float64 outcome tables a one-process writer kept as it wrote them (results.h,
 * cs_results_close_keep): table d (a cs_dataset_id) has len[d] rows of cols[d] values, in slabs of
 * per_slab[d] rows each (row major; slabs of 2 MiB, so that the memory grows without being copied
 * and, where the system allows, in huge pages: few page faults); tables not kept have none. */
struct cs_results_tables {
    size_t cols[CS_DS_COUNT];
    size_t len[CS_DS_COUNT], per_slab[CS_DS_COUNT];
    double **slab[CS_DS_COUNT];
    size_t nslab[CS_DS_COUNT], slab_cap[CS_DS_COUNT];
    size_t bytes; /* allocated, over every table */
    size_t max;   /* the most bytes it may allocate: CS_RESULTS_KEEP_MAX */
};

/** New tables keeping dataset d when cols[d] > 0, up to CS_RESULTS_KEEP_MAX bytes; NULL when out
 * of memory. */
cs_results_tables *cs_dict_keep_new(const size_t cols[CS_DS_COUNT]);
/**
 * Appends n rows (row major, cols[d] values each) to table d of t, when kept. \return false when
 * they cannot be kept (out of memory, or past t->max bytes in all): the caller then frees t, and
 * the compaction reads the file.
 */
bool cs_dict_keep_add(cs_results_tables *t, int d, const void *rows, size_t n);
/** The table (a cs_dataset_id) of path (e.g. "/outcomes/latency_ms") kept in t when it has n rows
 * of m values, else -1 (t NULL: none). */
int cs_dict_kept(const cs_results_tables *t, const char *path, size_t n, size_t m);
/** Row o of table d kept in t. */
static inline const double *cs_dict_kept_row(const cs_results_tables *t, int d, size_t o)
{
    return t->slab[d][o / t->per_slab[d]] + (o % t->per_slab[d]) * t->cols[d];
}

/** The value of the `encoding` attribute of a dictionary table's group. */
#define CS_DICT_ENCODING "dictionary"

/** Whether path in file f is a dictionary table (a group with attribute `encoding`). */
bool cs_dict_is_table(hid_t f, const char *path);

/**
 * Writes the dense 2-D float64 dataset src (its attributes kept) as the dictionary table
 * dst_name under group dst, deflated at level (0: not deflated). Its values are those of table
 * table of kept (cs_dict_kept) when table >= 0, else read from src. file names the file in
 * messages.
 */
cs_status cs_dict_write(hid_t src, hid_t dst, const char *dst_name, unsigned level,
                        const cs_results_tables *kept, int table, const char *file, cs_error *err);

/** The deflate level of dataset path of f (0: not deflated, or no such dataset). */
unsigned cs_dict_deflate_level(hid_t f, const char *path);

/**
 * Opens table path of file f as a dataset *d: the dataset itself, or a dictionary table decoded
 * whole into a dataset of a file held in memory, with the group's attributes but `encoding`
 * (closing *d frees it). dapl is used for a dataset of the file (H5P_DEFAULT for none). The indices
 * and offsets are checked: an error names file, the dataset and what is wrong.
 */
cs_status cs_dict_open(hid_t f, const char *path, hid_t dapl, hid_t *d, const char *file,
                       cs_error *err);

/** A dictionary table open for reading rows (reader.c): nothing of it decoded before a read. */
typedef struct cs_dict_table cs_dict_table;

/** Bytes of index blocks a cs_dict_table holds by default: the whole index of the default job's
 * edge flows up to about 200,000 trials (2 bytes a cell). Past it, the blocks read first stay and
 * the others are read again whenever asked for (bench/README.md, "format 4 read lazily"). */
#define CS_DICT_CACHE_BYTES ((size_t)32 << 20)

/**
 * Opens dictionary table path (a group, cs_dict_is_table) of file f into *t: the shapes of its
 * members are checked (an error names file, dataset and what is wrong), nothing else is read.
 * file names the file in messages.
 */
cs_status cs_dict_table_open(hid_t f, const char *path, const char *file, cs_dict_table **t,
                             cs_error *err);
void cs_dict_table_close(cs_dict_table *t);
/** Rows (outcomes) and columns of the table. */
size_t cs_dict_table_rows(const cs_dict_table *t);
size_t cs_dict_table_cols(const cs_dict_table *t);
/** The most bytes of index blocks t holds (CS_DICT_CACHE_BYTES when opened; 0: one block). */
void cs_dict_table_set_budget(cs_dict_table *t, size_t bytes);

/**
 * Rows rows[0..n-1] of t (any order; rows NULL: 0 .. n-1) decoded into out (n rows of the table's
 * columns, row major), bit for bit. The first read loads the table's distinct values and offsets
 * (checked); each read loads the blocks of the index (chunks of the file) holding its rows that t
 * does not hold, each checked whole: an index past its column's values is an error naming file,
 * dataset, row and column.
 */
cs_status cs_dict_table_read(cs_dict_table *t, const uint64_t *rows, size_t n, double *out,
                             cs_error *err);

/** What the dictionary readers of this process decoded (tests count them: a reader decodes
 * only what it is asked for). */
typedef struct {
    uint64_t tables; /* tables whose values and offsets were loaded */
    uint64_t blocks; /* index blocks read and checked */
    uint64_t rows;   /* rows decoded */
} cs_dict_counts;
cs_dict_counts cs_dict_counts_get(void);

/** The rows of table path of f (a dataset or a dictionary table), or -1. */
long long cs_dict_rows(hid_t f, const char *path);

#endif /* CS_RESULTS_DICTIONARY_H */
