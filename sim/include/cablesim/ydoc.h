/*
 * ydoc.h: a YAML document tree with source positions, and typed getters.
 *
 * Scenario files are parsed with libyaml into this small tree so that every
 * later check (top-level keys, each hazard's parameters) can report
 * "file:line:column: key: expected X, found Y". Also applies `--set key=value`
 * overrides and writes the tree back as YAML (the scenario text recorded in
 * results). Anchors/aliases and multiple documents are rejected.
 */
#ifndef CS_YDOC_H
#define CS_YDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "cablesim/error.h"

typedef enum { CS_YSCALAR = 0, CS_YMAP = 1, CS_YSEQ = 2 } cs_ykind;

typedef struct cs_ynode cs_ynode;
struct cs_ynode {
    cs_ykind kind;
    size_t line, column; /**< 1-based start of the node in the file */
    char *value;         /**< scalar text; NULL for maps and sequences */
    bool plain;          /**< an unquoted scalar (only these can be null, true, 3.5, ...) */
    size_t n;            /**< map pairs or sequence items */
    cs_ynode **keys;     /**< [n] map keys (scalars); NULL for sequences */
    cs_ynode **items;    /**< [n] map values or sequence items */
};

typedef struct cs_ydoc cs_ydoc_t;

/** Parses the YAML file at path (one document; empty file = empty map). */
cs_status cs_ydoc_load(cs_ydoc_t **out, const char *path, cs_error *err);
/** As cs_ydoc_load(), from a string; name stands for the file name in messages. */
cs_status cs_ydoc_load_string(cs_ydoc_t **out, const char *text, const char *name, cs_error *err);
void cs_ydoc_free(cs_ydoc_t *d);

const cs_ynode *cs_ydoc_root(const cs_ydoc_t *d);
/** The file name used in messages. */
const char *cs_ydoc_name(const cs_ydoc_t *d);

/**
 * Applies an override "key=value": key is a dotted path into maps, with
 * numeric components indexing sequences ("trials", "output.edge_flow",
 * "hazards.0.magnitude"); value is parsed as YAML (a scalar, or a flow
 * collection such as [a, b]). A missing final map key is added. Errors name
 * "--set key=value".
 */
cs_status cs_ydoc_set(cs_ydoc_t *d, const char *assignment, cs_error *err);

/** The document as YAML text (block style, keys in file order). malloc'd; NULL on OOM. */
char *cs_ydoc_emit(const cs_ydoc_t *d);

/** The value of key in map, or NULL (also when map is not a map). */
const cs_ynode *cs_ymap_get(const cs_ynode *map, const char *key);

/** The scalar type names used in messages: "a map", "a list", "a string" or the scalar text. */

/**
 * Reports "file:line:col: key: expected <expected>, found <what node is>" at
 * node `at` (or at the map when the key is missing), and returns CS_EINVAL.
 */
cs_status cs_yerr(const cs_ydoc_t *d, const cs_ynode *at, const char *key, const char *expected,
                  cs_error *err);

/**
 * Checks that map is a map whose keys are all in allowed (NULL-terminated).
 * Reports the first unknown key with its position and the allowed keys.
 * `what` names the map in messages ("scenario", "hazard random_faults").
 */
cs_status cs_ymap_check_keys(const cs_ydoc_t *d, const cs_ynode *map, const char *const *allowed,
                             const char *what, cs_error *err);

/* Typed getters. Each reads map[key]; when the key is absent (or null) it
 * stores dflt and succeeds unless required. Range checks are inclusive. */
cs_status cs_yget_double(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                         double lo, double hi, double dflt, double *out, cs_error *err);
cs_status cs_yget_int(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                      long long lo, long long hi, long long dflt, long long *out, cs_error *err);
cs_status cs_yget_bool(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                       bool dflt, bool *out, cs_error *err);
/** A string (any scalar's text); *out is borrowed from the document, or dflt. */
cs_status cs_yget_string(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                         const char *dflt, const char **out, cs_error *err);
/** One of choices (NULL-terminated); *out is the index; dflt when absent. */
cs_status cs_yget_enum(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                       const char *const *choices, int dflt, int *out, cs_error *err);
/** A list value (node of kind CS_YSEQ) or NULL when absent and not required. */
cs_status cs_yget_seq(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                      const cs_ynode **out, cs_error *err);

#endif /* CS_YDOC_H */
