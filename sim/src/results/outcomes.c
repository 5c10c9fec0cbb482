/*
 * outcomes.c: keys, numbering and gathering of the distinct outcomes of a format-2 results file
 * (outcomes.h).
 *
 * The key is a 128-bit hash of the outcome's bytes with the block mixing of MurmurHash3 x64-128
 * (Austin Appleby, public domain): two 64-bit lanes over 16-byte blocks, each dataset's row ended
 * by its length, finalised by the 64-bit avalanche (fmix64). Keys are trusted without comparing
 * the rows (they are not kept in memory): for n distinct outcomes the chance that two share a
 * key is about n^2 / 2^129, 10^-27 for a billion outcomes. The rows hashed are plain data of
 * the simulation, not chosen by anyone who could aim at a collision.
 */
#include "results/outcomes.h"

#include <stdlib.h>
#include <string.h>

#define C1 0x87c37b91114253d5ull
#define C2 0x4cf5ad432745937full

static uint64_t rotl(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static uint64_t fmix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    k ^= k >> 33;
    return k;
}

static void block(cs_ohash *h, uint64_t k1, uint64_t k2)
{
    k1 *= C1;
    k1 = rotl(k1, 31);
    k1 *= C2;
    h->h1 ^= k1;
    h->h1 = rotl(h->h1, 27);
    h->h1 += h->h2;
    h->h1 = h->h1 * 5 + 0x52dce729;
    k2 *= C2;
    k2 = rotl(k2, 33);
    k2 *= C1;
    h->h2 ^= k2;
    h->h2 = rotl(h->h2, 31);
    h->h2 += h->h1;
    h->h2 = h->h2 * 5 + 0x38495ab5;
}

void cs_ohash_begin(cs_ohash *h)
{
    h->h1 = h->h2 = 0x9e3779b97f4a7c15ull;
    h->len = 0;
}

void cs_ohash_add(cs_ohash *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        uint64_t k1, k2;
        memcpy(&k1, b + i, 8);
        memcpy(&k2, b + i + 8, 8);
        block(h, k1, k2);
    }
    unsigned char tail[16] = {0};
    if (n > i) memcpy(tail, b + i, n - i);
    uint64_t k1, k2;
    memcpy(&k1, tail, 8);
    memcpy(&k2, tail + 8, 8);
    block(h, k1 ^ (uint64_t)n, k2); /* the row's length ends it */
    h->len += n;
}

cs_okey cs_ohash_end(const cs_ohash *h)
{
    uint64_t h1 = h->h1 ^ h->len, h2 = h->h2 ^ h->len;
    h1 += h2;
    h2 += h1;
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 += h2;
    h2 += h1;
    return (cs_okey){.lo = h1, .hi = h2};
}

void cs_omap_init(cs_omap *m)
{
    memset(m, 0, sizeof *m);
}

void cs_omap_destroy(cs_omap *m)
{
    free(m->keys);
    free(m->ids);
    memset(m, 0, sizeof *m);
}

static size_t slot_of(const cs_omap *m, cs_okey k)
{
    size_t s = (size_t)(k.lo ^ (k.hi >> 17)) & (m->cap - 1);
    while (m->ids[s] != UINT32_MAX && (m->keys[s].lo != k.lo || m->keys[s].hi != k.hi))
        s = (s + 1) & (m->cap - 1);
    return s;
}

uint32_t cs_omap_find(const cs_omap *m, cs_okey k)
{
    return m->cap == 0 ? UINT32_MAX : m->ids[slot_of(m, k)];
}

/* Doubles the table (at least 64 slots), re-placing every key. */
static bool grow(cs_omap *m)
{
    const size_t cap = m->cap > 0 ? 2 * m->cap : 64;
    cs_omap g = {.keys = malloc(cap * sizeof *g.keys),
                 .ids = malloc(cap * sizeof *g.ids),
                 .cap = cap,
                 .n = m->n};
    if (g.keys == NULL || g.ids == NULL) {
        free(g.keys);
        free(g.ids);
        return false;
    }
    for (size_t s = 0; s < cap; s++)
        g.ids[s] = UINT32_MAX;
    for (size_t s = 0; s < m->cap; s++)
        if (m->ids[s] != UINT32_MAX) {
            const size_t t = slot_of(&g, m->keys[s]);
            g.keys[t] = m->keys[s];
            g.ids[t] = m->ids[s];
        }
    free(m->keys);
    free(m->ids);
    *m = g;
    return true;
}

bool cs_omap_add(cs_omap *m, cs_okey k)
{
    if (m->n >= UINT32_MAX - 1) return false;
    if (2 * (m->n + 1) > m->cap && !grow(m)) return false; /* at most half full */
    const size_t s = slot_of(m, k);
    if (m->ids[s] != UINT32_MAX) return true; /* already there: nothing to add */
    m->keys[s] = k;
    m->ids[s] = (uint32_t)m->n++;
    return true;
}

herr_t cs_outcome_gather(hid_t d, hid_t mt, hid_t dxpl, const uint64_t *rows, size_t n, size_t cols,
                         void *buf)
{
    const int rank = cols > 0 ? 2 : 1;
    const hsize_t mdims[2] = {n > 0 ? n : 1, cols > 0 ? cols : 1};
    const hid_t fs = H5Dget_space(d), ms = H5Screate_simple(rank, mdims, NULL);
    herr_t st = fs >= 0 && ms >= 0 ? 0 : -1;
    if (st >= 0 && n == 0) st = H5Sselect_none(fs) >= 0 && H5Sselect_none(ms) >= 0 ? 0 : -1;
    /* runs of consecutive rows, one hyperslab each */
    for (size_t i = 0; st >= 0 && i < n;) {
        size_t j = i + 1;
        while (j < n && rows[j] == rows[j - 1] + 1)
            j++;
        const hsize_t start[2] = {rows[i], 0}, count[2] = {j - i, cols};
        st = H5Sselect_hyperslab(fs, i == 0 ? H5S_SELECT_SET : H5S_SELECT_OR, start, NULL, count,
                                 NULL);
        i = j;
    }
    if (st >= 0) st = H5Dread(d, mt, ms, fs, dxpl, buf);
    if (ms >= 0) H5Sclose(ms);
    if (fs >= 0) H5Sclose(fs);
    return st;
}

static int cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

void cs_outcome_distinct(const uint32_t *ids, size_t n, uint64_t *uniq, size_t *nu, uint32_t *where)
{
    for (size_t i = 0; i < n; i++)
        uniq[i] = ids[i];
    qsort(uniq, n, sizeof *uniq, cmp_u64);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || uniq[i] != uniq[k - 1]) uniq[k++] = uniq[i];
    *nu = k;
    for (size_t i = 0; i < n; i++) { /* binary search */
        size_t lo = 0, hi = k;
        while (hi - lo > 1) {
            const size_t mid = (lo + hi) / 2;
            if (uniq[mid] <= ids[i])
                lo = mid;
            else
                hi = mid;
        }
        where[i] = (uint32_t)lo;
    }
}
