/*
 * strmap.h (internal): a string -> size_t hash map with open addressing, and
 * the edit distance used for "did you mean" hints.
 * Keys are borrowed, not copied: they must outlive the map.
 */
#ifndef CS_STRMAP_H
#define CS_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "cablesim/error.h"

typedef struct {
    const char **keys;
    size_t *vals;
    size_t cap; /* power of two, or 0 */
    size_t n;
} cs_strmap;

cs_status cs_strmap_init(cs_strmap *m, size_t expected);
void cs_strmap_destroy(cs_strmap *m);
/** Inserts key -> val. Returns false (and leaves the map unchanged) if key is present; *old gets
 * its value. */
bool cs_strmap_insert(cs_strmap *m, const char *key, size_t val, size_t *old);
bool cs_strmap_get(const cs_strmap *m, const char *key, size_t *val);

/** Longest string, in bytes, that cs_edit_distance() measures. */
#define CS_EDIT_DISTANCE_MAX 255

/**
 * The distance behind every "did you mean" hint (YAML keys, GeoJSON keys,
 * topology names in hazards): the Levenshtein distance between a and b (each
 * insertion, deletion or substitution costs 1), ASCII letters compared
 * without regard to case. SIZE_MAX when either string is longer than
 * CS_EDIT_DISTANCE_MAX bytes. O(strlen(a) x strlen(b)), no allocation.
 */
size_t cs_edit_distance(const char *a, const char *b);

/**
 * The one rule of every "did you mean" hint: whether a name at edit distance d from s
 * (cs_edit_distance) is near enough to suggest, that is d <= max(2, strlen(s) / 3) and
 * d < strlen(s). cs_nearest_name() and cs_near3 apply it (cs_nearest_name() then falls back
 * on a name that contains s).
 */
bool cs_name_is_near(const char *s, size_t d);

/** Up to three names nearest a misspelt one, nearest first (ties: the first offered). */
typedef struct {
    const char *name[3]; /**< borrowed; NULL past the last */
    size_t dist[3];
} cs_near3;

/** An empty list. */
void cs_near3_init(cs_near3 *n);
/** Offers candidate as a name near s: kept when cs_name_is_near() and among the three nearest
 * distinct names offered so far. candidate must outlive n. */
void cs_near3_offer(cs_near3 *n, const char *s, const char *candidate);
/** Writes " (nearest: \"A\", \"B\")" into buf[size] ("" when n is empty); cut at a name. */
void cs_near3_format(const cs_near3 *n, char *buf, size_t size);

#endif
