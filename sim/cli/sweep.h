/*
 * sweep.h: the variants of one `cablesim run` job: several scenario files and
 * `--sweep KEY=V1,V2,...` or `--sweep KEY=START:STOP:STEP` options, expanded
 * into every combination (scenarios x sweep values), each with its own
 * overrides, label and results file. The variants keep the scenario's seed, so
 * trial t draws the same random numbers in all of them (common random numbers)
 * and `cablesim compare` measures their differences trial by trial.
 */
#ifndef CS_CLI_SWEEP_H
#define CS_CLI_SWEEP_H

#include <stddef.h>

/** The most variants one job may expand to. */
#define CLI_MAX_VARIANTS 10000

/** One variant: run scenario with the job's --set overrides, then sets (the sweep values). */
typedef struct {
    const char *scenario; /**< borrowed; NULL: the default scenario */
    char *label;          /**< "stem" and/or "key=value" parts joined by ',' */
    char **sets;          /**< [nsets] "key=value" overrides of this variant (owned) */
    size_t nsets;
    char *output; /**< results file, NULL when the job writes none (owned) */
} cli_variant;

typedef struct {
    cli_variant *v;
    size_t n;
} cli_variants;

/**
 * Expands scenarios[0..nscen-1] (nscen may be 0: the default scenario) and the sweep
 * specifications sweeps[0..nsweeps-1] into out. output is the job's -o (may be NULL): with one
 * variant it is used as is; with several, variant L writes "<output without .h5>.<L>.h5", with
 * the commas of L replaced by '_' and other characters than letters, digits and ._=+- by '-'.
 * \return 0, or 2 with a one-line message in msg (a usage error), or 1 out of memory.
 */
int cli_variants_expand(const char *const *scenarios, size_t nscen, const char *const *sweeps,
                        size_t nsweeps, const char *output, cli_variants *out, char *msg,
                        size_t msglen);
void cli_variants_free(cli_variants *v);

#endif
