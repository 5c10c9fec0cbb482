/* strmap.c: string hash map used for id lookups (FNV-1a, linear probing). */
#include "core/strmap.h"

#include <assert.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

cs_status cs_strmap_init(cs_strmap *m, size_t expected)
{
    size_t cap = 16;
    while (cap < 2 * expected + 1)
        cap *= 2;
    m->keys = calloc(cap, sizeof *m->keys);
    m->vals = calloc(cap, sizeof *m->vals);
    m->cap = cap;
    m->n = 0;
    if (m->keys == NULL || m->vals == NULL) {
        cs_strmap_destroy(m);
        return CS_ENOMEM;
    }
    return CS_OK;
}

void cs_strmap_destroy(cs_strmap *m)
{
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->cap = m->n = 0;
}

/* Slot of key, or of the empty slot where it would go. The map is never full. */
static size_t slot(const cs_strmap *m, const char *key)
{
    size_t i = (size_t)fnv1a(key) & (m->cap - 1);
    while (m->keys[i] != NULL && strcmp(m->keys[i], key) != 0)
        i = (i + 1) & (m->cap - 1);
    return i;
}

static bool grow(cs_strmap *m)
{
    cs_strmap bigger;
    if (cs_strmap_init(&bigger, m->cap) != CS_OK) return false;
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i] != NULL) {
            const size_t j = slot(&bigger, m->keys[i]);
            bigger.keys[j] = m->keys[i];
            bigger.vals[j] = m->vals[i];
            bigger.n++;
        }
    cs_strmap_destroy(m);
    *m = bigger;
    return true;
}

bool cs_strmap_insert(cs_strmap *m, const char *key, size_t val, size_t *old)
{
    if (2 * (m->n + 1) > m->cap && !grow(m)) return false;
    const size_t i = slot(m, key);
    if (m->keys[i] != NULL) {
        if (old != NULL) *old = m->vals[i];
        return false;
    }
    m->keys[i] = key;
    m->vals[i] = val;
    m->n++;
    return true;
}

bool cs_strmap_get(const cs_strmap *m, const char *key, size_t *val)
{
    if (m->cap == 0) return false;
    const size_t i = slot(m, key);
    if (m->keys[i] == NULL) return false;
    if (val != NULL) *val = m->vals[i];
    return true;
}

size_t cs_edit_distance(const char *a, const char *b)
{
    const size_t la = strlen(a), lb = strlen(b);
    if (la > CS_EDIT_DISTANCE_MAX || lb > CS_EDIT_DISTANCE_MAX) return SIZE_MAX;
    size_t row[CS_EDIT_DISTANCE_MAX + 1]; /* row[j]: distance of a[0..i) to b[0..j) */
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            const size_t up = row[j];
            const bool same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            size_t best = diag + (same ? 0 : 1);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

bool cs_name_is_near(const char *s, size_t d)
{
    const size_t len = strlen(s), limit = len / 3 > 2 ? len / 3 : 2;
    return d <= limit && d < len;
}

/* Whether s occurs in name, ASCII case ignored. */
static bool contains_nocase(const char *name, const char *s)
{
    const size_t ln = strlen(name), ls = strlen(s);
    for (size_t i = 0; i + ls <= ln; i++) {
        size_t j = 0;
        while (j < ls && tolower((unsigned char)name[i + j]) == tolower((unsigned char)s[j]))
            j++;
        if (j == ls) return true;
    }
    return false;
}

size_t cs_nearest_name(const char *s, const char *const *names, size_t n)
{
    const bool whole = strlen(s) >= 3; /* long enough to be taken as a part of a name */
    size_t best = SIZE_MAX, bestd = SIZE_MAX, part = SIZE_MAX, partd = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        const size_t d = cs_edit_distance(s, names[i]);
        if (d < bestd) bestd = d, best = i;
        if (whole && d < partd && contains_nocase(names[i], s)) partd = d, part = i;
    }
    return best != SIZE_MAX && cs_name_is_near(s, bestd) ? best : part;
}

void cs_near3_init(cs_near3 *n)
{
    *n = (cs_near3){.name = {NULL, NULL, NULL}, .dist = {SIZE_MAX, SIZE_MAX, SIZE_MAX}};
}

void cs_near3_offer(cs_near3 *n, const char *s, const char *candidate)
{
    const size_t d = cs_edit_distance(s, candidate);
    if (!cs_name_is_near(s, d)) return;
    for (size_t k = 0; k < 3 && n->name[k] != NULL; k++)
        if (strcmp(n->name[k], candidate) == 0) return; /* offered before */
    for (size_t k = 0; k < 3; k++)
        if (d < n->dist[k]) {
            for (size_t m = 2; m > k; m--) {
                n->dist[m] = n->dist[m - 1];
                n->name[m] = n->name[m - 1];
            }
            n->dist[k] = d;
            n->name[k] = candidate;
            return;
        }
}

void cs_near3_format(const cs_near3 *n, char *buf, size_t size)
{
    assert(size > 0);
    buf[0] = '\0';
    size_t used = 0;
    for (size_t k = 0; k < 3 && n->name[k] != NULL; k++) {
        const int w =
            snprintf(buf + used, size - used, "%s\"%s\"", k ? ", " : " (nearest: ", n->name[k]);
        if (w < 0 || (size_t)w >= size - used) {
            buf[used] = '\0'; /* never half a name */
            break;
        }
        used += (size_t)w;
    }
    if (used > 0 && used + 2 <= size) snprintf(buf + used, size - used, ")");
}
