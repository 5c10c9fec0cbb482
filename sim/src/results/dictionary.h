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
 * MPI split, shards merged in any order: the same bytes); readers decode it into a dense table
 * held in memory, which every reading path then uses as it used the file's.
 */
#ifndef CS_RESULTS_DICTIONARY_H
#define CS_RESULTS_DICTIONARY_H

#include <stdbool.h>

#include <hdf5.h>

#include "cablesim/error.h"

/** The value of the `encoding` attribute of a dictionary table's group. */
#define CS_DICT_ENCODING "dictionary"

/** Whether path in file f is a dictionary table (a group with attribute `encoding`). */
bool cs_dict_is_table(hid_t f, const char *path);

/**
 * Writes the dense 2-D float64 dataset src (its attributes kept) as the dictionary table
 * dst_name under group dst, deflated at level (0: not deflated). file names the file in
 * messages.
 */
cs_status cs_dict_write(hid_t src, hid_t dst, const char *dst_name, unsigned level,
                        const char *file, cs_error *err);

/** The deflate level of dataset path of f (0: not deflated, or no such dataset). */
unsigned cs_dict_deflate_level(hid_t f, const char *path);

/**
 * Opens table path of file f as a dataset *d: the dataset itself, or a dictionary table decoded
 * into a dataset of a file held in memory, with the group's attributes but `encoding` (closing
 * *d frees it). dapl is used for a dataset of the file (H5P_DEFAULT for none). The indices and
 * offsets are checked: an error names file, the dataset and what is wrong.
 */
cs_status cs_dict_open(hid_t f, const char *path, hid_t dapl, hid_t *d, const char *file,
                       cs_error *err);

/** The rows of table path of f (a dataset or a dictionary table), or -1. */
long long cs_dict_rows(hid_t f, const char *path);

#endif /* CS_RESULTS_DICTIONARY_H */
