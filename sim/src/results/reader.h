/*
 * reader.h: what the parts of the results reader share (reader.c: opening a file, its root
 * attributes and per-trial datasets, the slices of trials; reader_tables.c: the tables, the
 * baseline and /recovery). Internal to the results layer: not installed.
 */
#ifndef CS_RESULTS_READER_H
#define CS_RESULTS_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "cablesim/resultsio.h"
#include "results/dictionary.h"

struct cs_resultsio {
    cs_results_info info;
    char *path;
    hid_t file;
    hid_t dset[CS_DS_COUNT];          /* per-trial datasets; H5I_INVALID_HID when absent */
    cs_dict_table *dict[CS_DS_COUNT]; /* format 4: the dictionary tables, decoded as read */
    uint64_t len[CS_DS_COUNT];        /* lengths of the values lists */
    size_t cols[CS_DS_COUNT];         /* columns of the rows-"trial" matrices */
    void **owned;                     /* strings and arrays freed at close */
    size_t n_owned, cap_owned;
    /* Format 2: the outcomes of the last rows read (ids_row.., ids_n of them), and gather room. */
    uint32_t *ids, *where, *first; /* first[u]: the first of those rows with outcome uniq[u] */
    uint64_t *uniq;
    size_t ids_cap;
    uint64_t ids_row, ids_n;
    size_t ids_nu;
    bool ids_valid;
    unsigned char *gbuf;
    size_t gbuf_cap;
    double *demand_scaled; /* [n_demands] demand_scaled_tbps: served traffic is checked against */
};

/* The kind of a table column, as read. */
typedef enum { CS_COL_STR, CS_COL_U32, CS_COL_F64 } cs_rd_col_kind;

/* One column: row k's value goes to rows + k * stride + offset. */
typedef struct {
    const char *name;
    cs_rd_col_kind kind;
    size_t offset;
} cs_rd_column;

/* The column of struct type's member, read as kind. */
#define CS_RD_COL(type, member, kind)                                                              \
    {                                                                                              \
#member, kind, offsetof(type, member)                                                      \
    }

/* reader.c */
/* n zeroed elements of size bytes, freed at close; NULL when out of memory. */
void *cs_rd_alloc(cs_resultsio_t *r, size_t n, size_t size);
/* "path: out of memory" as CS_ENOMEM. */
cs_status cs_rd_oom(const cs_resultsio_t *r, cs_error *err);
/* Opens dataset name into *d; a missing one is CS_EINVAL unless optional (then *d invalid). */
cs_status cs_rd_open_dataset(const cs_resultsio_t *r, const char *name, bool optional, hid_t *d,
                             cs_error *err);
/* Checks dataset d's class, rank and dimensions (want[i] == UINT64_MAX: any). */
cs_status cs_rd_check_shape(const cs_resultsio_t *r, hid_t d, const char *name, H5T_class_t cls,
                            int rank, const uint64_t *want, uint64_t *dims_out, cs_error *err);
/* Reads the whole 1-D float64 dataset name of n values into *out (owned by r). */
cs_status cs_rd_read_vector(cs_resultsio_t *r, const char *name, size_t n, double **out,
                            cs_error *err);

/* reader_tables.c */
/* Opens table name (1-D compound), stores its row count in *n and reads its columns into rows. */
cs_status cs_rd_read_table(cs_resultsio_t *r, const char *name, size_t *n, void **rows,
                           size_t row_size, const cs_rd_column *cols, size_t ncols, cs_error *err);
/* The tables of /topology into r->info. */
cs_status cs_rd_read_topology(cs_resultsio_t *r, cs_error *err);
/* Node indices in the tables point at nodes; scaled demands are positive. */
cs_status cs_rd_check_topology(const cs_resultsio_t *r, cs_error *err);
/* /baseline into r->info. */
cs_status cs_rd_read_baseline(cs_resultsio_t *r, cs_error *err);
/* Opens /timeseries and /recovery when the file has them (an optional part of the format). */
cs_status cs_rd_open_recovery(cs_resultsio_t *r, cs_error *err);

#endif /* CS_RESULTS_READER_H */
