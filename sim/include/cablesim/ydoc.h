/*
 * ydoc.h: a YAML document tree with source positions, and typed getters.
 *
 * Scenario files are parsed with libyaml into this small tree so that every
 * later check (top-level keys, each hazard's parameters) can report
 * "file:line:column: key: expected X, found Y". Also applies `--set key=value`
 * overrides and writes the tree back as YAML (the scenario text recorded in
 * results). Anchors/aliases, tags other than the standard ones (!!str,
 * !!int, !!float, !!bool, !!null, !!map, !!seq), duplicate keys, keys that are
 * not scalars and multiple documents are rejected.
 *
 * Scalars are typed the YAML 1.2 core way, and only when plain (unquoted):
 * null is `null`, `Null`, `NULL`, `~` or nothing; booleans are `true`/`false`
 * (also `True`, `TRUE`, `False`, `FALSE`; not yes/no/on/off); numbers are
 * whole-string strtod/strtoll parses that are finite. A quoted "3" is a string.
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
    size_t set; /**< 0, or k when the node comes from the k-th cs_ydoc_set() (line, column 0) */
};

typedef struct cs_ydoc cs_ydoc_t;

/**
 * Parses the YAML file at path (one document; an empty file or a null root
 * gives an empty map). Errors read "file:line:col: invalid YAML: <problem>"
 * or name the construct refused (anchors, aliases, tags, duplicate keys).
 * \return CS_OK, CS_EIO (cannot read), CS_EPARSE, CS_ENOMEM.
 */
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
 * collection such as [a, b]). Missing map keys are added at the end of their
 * map: the last one with the value, those before it as empty maps
 * ("output.edge_flow=false" works without an `output` in the file), except
 * before an index (a list is not made from a path). An index out of range, a
 * non-index into a list or a path through a scalar is an error. The new nodes record the override
 * (cs_ynode.set) so that later messages about them name "--set key=value" instead of a position.
 * Errors read "--set key=value: <what is wrong>"; on error the document is unchanged. \return
 * CS_OK, CS_EINVAL, CS_EPARSE (value is not valid YAML), CS_ENOMEM.
 */
cs_status cs_ydoc_set(cs_ydoc_t *d, const char *assignment, cs_error *err);

/** The document as YAML text (block style, keys in file order). malloc'd; NULL on OOM. */
char *cs_ydoc_emit(const cs_ydoc_t *d);

/*
 * Defaults. Every typed getter below that finds its key absent (or null) and stores its default
 * records that default in the document (a log beside the tree, kept also when the document is
 * read through a const pointer). cs_ydoc_emit_resolved() writes the document with them filled
 * in, so that whatever the readers of a document applied shows in one text: read again, it
 * needs no default (cs_ydoc_defaults_count() stays 0 for the keys read). Defaults that are not a
 * getter's (a map or a list used when a key is absent) are recorded with cs_ydoc_note_default();
 * a map read key by key is taken with cs_ymap_get_or_default(), so that its keys' defaults have
 * a place even when the map itself is absent.
 */

/** The document with every recorded default filled in (a null value replaced, an absent key
 * added at the end of its map). malloc'd; NULL when out of memory (also when recording was). */
char *cs_ydoc_emit_resolved(const cs_ydoc_t *d);

/** CS_ENOMEM ("FILE: out of memory recording the defaults") when a default could not be
 * recorded (the resolved text could not be written), else CS_OK: the readers of a document end
 * with it, so that running out of memory is reported where it happened. */
cs_status cs_ydoc_defaults_check(const cs_ydoc_t *d, cs_error *err);

/** How many defaults have been recorded in d. */
size_t cs_ydoc_defaults_count(const cs_ydoc_t *d);

/** Records yaml (valid YAML: a scalar or a flow collection) as the default of key in map, when
 * key is absent or null there. */
void cs_ydoc_note_default(const cs_ydoc_t *d, const cs_ynode *map, const char *key,
                          const char *yaml);

/**
 * The value of key in map; when it is absent or null, an empty map recorded as its default
 * (the same one each time), so that the defaults then read from it are written where they
 * belong. NULL when map is not a map, or out of memory (the resolved text then cannot be
 * written).
 */
const cs_ynode *cs_ymap_get_or_default(const cs_ydoc_t *d, const cs_ynode *map, const char *key);

/** The value of key in map, or NULL (also when map is not a map). */
const cs_ynode *cs_ymap_get(const cs_ynode *map, const char *key);

/** Whether node is NULL or a plain null scalar (`null`, `Null`, `NULL`, `~` or nothing). */
bool cs_ynode_is_null(const cs_ynode *node);

/**
 * What node is, for "found ..." in messages: "a map", "a list", "null", the
 * scalar text in double quotes (escaped, cut at 60 bytes), or for a quoted
 * scalar that reads like a number, boolean or null, "the string \"3\"".
 * NULL gives "nothing". Writes at most n bytes into buf (n > 0).
 */
void cs_ydescribe(const cs_ynode *node, char *buf, size_t n);

/**
 * The dotted path of node from the root of d, as --set takes it
 * ("hazards.0.magnitude"; "" for the root). \return false (buf "") when node
 * is not in d or the path does not fit in n bytes.
 */
bool cs_ydoc_path(const cs_ydoc_t *d, const cs_ynode *node, char *buf, size_t n);

/**
 * Reports "file:line:col: key: expected <expected>, found <what node is>" at
 * node `at`, the value found, and returns CS_EINVAL. key is printed as given.
 * A node set by an override is placed as "--set key=value" instead of
 * file:line:col. at NULL gives "file: key: expected X, found nothing".
 */
cs_status cs_yerr(const cs_ydoc_t *d, const cs_ynode *at, const char *key, const char *expected,
                  cs_error *err);

/**
 * Reports a required key missing from map, at the map's position:
 * "file:line:col: key: expected X, found nothing". Returns CS_EINVAL.
 */
cs_status cs_yerr_missing(const cs_ydoc_t *d, const cs_ynode *map, const char *key,
                          const char *expected, cs_error *err);

/**
 * Checks that map is a map whose keys are all in allowed (NULL-terminated).
 * Reports the first unknown key with its position and the allowed keys:
 * "file:3:1: scenario: unknown key \"trails\" (did you mean \"trials\"?);
 * allowed keys: name, ..."; when map is not a map, "file:L:C: <what>:
 * expected a map with keys ..., found ...". `what` names the map in messages
 * ("scenario", "hazard random_faults"). \return CS_OK or CS_EINVAL.
 */
cs_status cs_ymap_check_keys(const cs_ydoc_t *d, const cs_ynode *map, const char *const *allowed,
                             const char *what, cs_error *err);

/* Typed getters. Each reads map[key]; when the key is absent (or null) it
 * stores dflt and succeeds unless required. Range checks are inclusive.
 * Messages name the key by its dotted path from the root ("output.compression",
 * "hazards.0.magnitude"), place it at the value (or at the map when a required
 * key is missing) and return CS_EINVAL. Integers may be written 1000 or 1e3
 * (a whole number within range). */
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
