/*
 * outcomes.h: the distinct routed outcomes of a format-2 results file (private to
 * sim/src/results/; docs/hdf5-schema.md, "/outcomes").
 *
 * An outcome is the row a trial gives every dataset with rows "outcome" (served, latency, edge
 * flow, pair cuts, region figures), taken together; two trials share one iff those rows are
 * bitwise identical. The rows are keyed by a 128-bit hash of their bytes (cs_okey) and numbered
 * in the order of the first trial that gives them (the intact network's first, as outcome 0),
 * so that the numbering depends on the trials only: the writer (one process or MPI), resume
 * (which rebuilds the map from the file's rows) and merge (which renumbers each part's) key the
 * same bytes the same way. Also the gather of rows by index, which the readers share.
 */
#ifndef CS_RESULTS_OUTCOMES_H
#define CS_RESULTS_OUTCOMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

/** The key of an outcome: a 128-bit hash of its rows. */
typedef struct {
    uint64_t lo, hi;
} cs_okey;

/** Hashing the rows of one outcome, dataset by dataset in schema order. */
typedef struct {
    uint64_t h1, h2, len;
} cs_ohash;

void cs_ohash_begin(cs_ohash *h);
/** Adds the n bytes at p (one dataset's row, in memory layout). */
void cs_ohash_add(cs_ohash *h, const void *p, size_t n);
cs_okey cs_ohash_end(const cs_ohash *h);

/** The outcomes seen, key -> number (0, 1, ... in the order added). */
typedef struct {
    cs_okey *keys;
    uint32_t *ids; /* UINT32_MAX: empty slot */
    size_t cap;    /* slots, a power of 2 (0 before the first add) */
    size_t n;      /* outcomes */
} cs_omap;

void cs_omap_init(cs_omap *m);
void cs_omap_destroy(cs_omap *m);
/** The number of outcome k, or UINT32_MAX when absent. */
uint32_t cs_omap_find(const cs_omap *m, cs_okey k);
/** Adds k (absent) as outcome m->n. \return false when out of memory or past 2^32 - 2. */
bool cs_omap_add(cs_omap *m, cs_okey k);

/**
 * Reads rows rows[0..n-1] (increasing) of the 2-D dataset d (cols columns; 1-D when cols is 0)
 * into buf, packed in that order, as memory type mt with transfer plist dxpl: one H5Dread,
 * selecting none when n is 0 (so that it can be collective). \return the H5Dread status.
 */
herr_t cs_outcome_gather(hid_t d, hid_t mt, hid_t dxpl, const uint64_t *rows, size_t n, size_t cols,
                         void *buf);

/**
 * The distinct values of ids[0..n-1], increasing, into uniq (*nu of them), and for each i the
 * place of ids[i] in uniq into where[i]; uniq holds n values.
 */
void cs_outcome_distinct(const uint32_t *ids, size_t n, uint64_t *uniq, size_t *nu,
                         uint32_t *where);

#endif /* CS_RESULTS_OUTCOMES_H */
