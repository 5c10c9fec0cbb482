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

#endif
