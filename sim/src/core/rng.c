/* rng.c: xoshiro256** as a GSL generator type, seeded per trial by SplitMix64. */
#include "cablesim/rng.h"

#include <string.h>

typedef struct {
    uint64_t s[4];
} xoshiro_state;

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t next64(xoshiro_state *st)
{
    uint64_t *s = st->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

static void fill(xoshiro_state *st, uint64_t a, uint64_t b, uint64_t c)
{
    /* Mix the three words through separate SplitMix64 chains so that nearby
     * (seed, trial) pairs give unrelated states. */
    uint64_t x = a ^ 0x243f6a8885a308d3ull;
    uint64_t k = splitmix64(&x);
    x = k ^ b;
    k = splitmix64(&x);
    x = k ^ (c * 0x9e3779b97f4a7c15ull);
    for (int i = 0; i < 4; i++)
        st->s[i] = splitmix64(&x);
    if ((st->s[0] | st->s[1] | st->s[2] | st->s[3]) == 0) st->s[0] = 1;
}

static void xo_set(void *vstate, unsigned long seed)
{
    fill(vstate, (uint64_t)seed, 0, 0);
}

static unsigned long xo_get(void *vstate)
{
    return (unsigned long)(next64(vstate) >> 32);
}

static double xo_get_double(void *vstate)
{
    /* 53 random bits in [0, 1). */
    return (double)(next64(vstate) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xoshiro_type = {
    "cablesim-xoshiro256**", 0xffffffffUL, 0, sizeof(xoshiro_state), xo_set, xo_get, xo_get_double};

const gsl_rng_type *const cs_rng_xoshiro256ss = &xoshiro_type;

gsl_rng *cs_rng_alloc(void)
{
    return gsl_rng_alloc(cs_rng_xoshiro256ss);
}

void cs_rng_seed_trial(gsl_rng *r, uint64_t seed, uint64_t trial)
{
    fill(r->state, seed, trial, 0);
}

void cs_rng_seed_substream(gsl_rng *r, uint64_t seed, uint64_t trial, uint64_t stream)
{
    fill(r->state, seed, trial, stream);
}
