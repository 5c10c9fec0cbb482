/*
 * merge.h: what the parts of the merge share (merge.c: the output made from the first part and
 * filled from all; merge_parts.c: the parts read and checked). Internal to the results layer:
 * not installed.
 */
#ifndef CS_RESULTS_MERGE_H
#define CS_RESULTS_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "cablesim/error.h"

/* A part's root attributes: what every part must share, and its trials. */
typedef struct {
    const char *path;
    char *scenario, *software_version, *topology_sha256, *demand_sha256;
    int32_t as_of, version; /* version: format_version */
    uint64_t seed, trials;
    uint64_t first, n; /* part_first_trial, part_trials */
} cs_merge_part;

/* Frees what a part owns. */
void cs_merge_part_destroy(cs_merge_part *p);
/* What the parts hold besides their trials (the static tables the output copies from the first,
 * every attribute) is the same in every part, else one of them is damaged (verify.c). Called
 * once their trials are copied, whose own checks name what is wrong more precisely. */
cs_status cs_merge_check_static(const cs_merge_part *const *parts, size_t n, cs_error *err);
/* Reads every part (paths[0..n-1] into parts) and checks them against the first and against each
 * other; sorted gets them in trial order; out must be none of them. */
cs_status cs_merge_check_parts(cs_merge_part *parts, const cs_merge_part **sorted, const char *out,
                               const char *const *paths, size_t n, cs_error *err);

#endif /* CS_RESULTS_MERGE_H */
