/*
 * rng.h: per-trial random streams.
 *
 * Trial t of a run with seed s draws from its own generator whose whole state
 * is a function of (s, t) only, so that any split of the trials over ranks,
 * shards or resumed runs gives bit-identical results, and so that trial t sees
 * the same draws in every variant of a sweep (common random numbers).
 *
 * The generator is xoshiro256** (Blackman and Vigna, 2018) wrapped as a GSL
 * generator type, so GSL's samplers (gsl_ran_*) work on it. Its 256-bit state
 * is filled by SplitMix64 from s and t: with 32-bit GSL seeds, a million
 * trials would share streams by the birthday bound.
 */
#ifndef CS_RNG_H
#define CS_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "cablesim/error.h"

/** The GSL generator type "cablesim-xoshiro256**". */
extern const gsl_rng_type *const cs_rng_xoshiro256ss;

/** Allocates a generator of type cs_rng_xoshiro256ss. NULL on OOM. Free with gsl_rng_free(). */
gsl_rng *cs_rng_alloc(void);

/** Positions r at the start of trial t's stream for seed s. */
void cs_rng_seed_trial(gsl_rng *r, uint64_t seed, uint64_t trial);

/** Sub-streams of a trial: hazard i of a scenario draws from stream CS_RNG_STREAM_HAZARD + i;
 * the repair model (recovery) from CS_RNG_STREAM_RECOVERY. */
enum { CS_RNG_STREAM_RECOVERY = 1, CS_RNG_STREAM_HAZARD = 16 };

/**
 * Positions r at an independent sub-stream (stream = 1, 2, ...) of trial t,
 * for a model that must not perturb the draws of the others when switched on
 * or off (e.g. repair times drawn after failures).
 */
void cs_rng_seed_substream(gsl_rng *r, uint64_t seed, uint64_t trial, uint64_t stream);

#endif /* CS_RNG_H */
