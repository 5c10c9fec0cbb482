/*
 * inputs.h: the paths of a run's inputs in its results file (private to the results layer;
 * docs/hdf5-schema.md, "Where the inputs were"). The public side is cs_results_load_scenario()
 * in results.h.
 */
#ifndef CS_RESULTS_INPUTS_H
#define CS_RESULTS_INPUTS_H

#include <hdf5.h>

#include "cablesim/error.h"
#include "cablesim/scenario.h"

/**
 * Writes the root attributes that say where the inputs of s were: for the scenario's directory
 * (scenario_dir_*), the topology and the demand (topology_path_*, demand_path_*), the path as
 * given (`_given`), absolute (`_abs`) and relative to the directory of the results file path
 * (`_rel`). \return CS_OK, CS_EHDF5.
 */
cs_status cs_rw_put_input_paths(hid_t f, const char *path, const cs_scenario *s, cs_error *err);

/**
 * Rewrites the `_rel` input attributes that file f (at path) copied from the file at from
 * (a part being merged) so that they start from path's directory instead of from's; those from
 * lacks are left out. \return CS_OK, CS_EHDF5, CS_EIO.
 */
cs_status cs_rw_rebase_input_paths(hid_t f, const char *path, hid_t from_f, const char *from,
                                   cs_error *err);

#endif /* CS_RESULTS_INPUTS_H */
