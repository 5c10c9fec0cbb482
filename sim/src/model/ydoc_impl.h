/*
 * ydoc_impl.h: what the parts of the YAML document module share (ydoc.c:
 * parsing, nodes and messages; ydoc_get.c: typed getters; ydoc_set.c: --set
 * overrides and emission). Internal: not installed.
 */
#ifndef CS_YDOC_IMPL_H
#define CS_YDOC_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "cablesim/ydoc.h"

/** Deepest nesting of maps and lists accepted in a document. */
#define CS_YDOC_MAX_DEPTH 200

/* A default a getter applied: key absent (or null) in map, value used instead. */
typedef struct {
    const cs_ynode *map; /* a map of the document, or one of these values */
    char *key;
    cs_ynode *value; /* owned */
} cs_ydefault;

/* The defaults applied to a document, in the order they were (cs_ydoc_emit_resolved). A log
 * beside the tree: reading a document through a const pointer adds to it. */
typedef struct {
    cs_ydefault *v;
    size_t n, cap;
    bool oom; /* a default could not be recorded: the resolved text cannot be written */
} cs_ydefaults;

struct cs_ydoc {
    char *name;
    cs_ynode *root;
    char **sets; /* the assignments applied, for messages; node->set indexes it from 1 */
    size_t nsets;
    cs_ydefaults *defaults; /* owned */
};

char *cs_yd_dup_str(const char *s);
void cs_yd_node_free(cs_ynode *n);
cs_ynode *cs_yd_node_new(cs_ykind kind, size_t line, size_t column, size_t set);
bool cs_yd_node_append(cs_ynode *n, cs_ynode *key, cs_ynode *item);
bool cs_yd_is_null(const cs_ynode *n);
bool cs_yd_text_bool(const char *s, bool *out);
bool cs_yd_text_double(const char *s, double *out);
bool cs_yd_text_int(const char *s, long long *out);
bool cs_yd_text_looks_typed(const char *s);
void cs_yd_quote_text(const char *s, size_t max, char *buf, size_t n);
void cs_yd_where(const cs_ydoc_t *d, const cs_ynode *at, char *buf, size_t n);
cs_status cs_yd_report(const cs_ydoc_t *d, const cs_ynode *pos, const cs_ynode *found,
                       const char *key, const char *expected, cs_error *err);
void cs_yd_key_path(const cs_ydoc_t *d, const cs_ynode *map, const char *key, char *buf, size_t n);
/* Records value (taken: freed on failure) as the default of key in map; nothing when map is not
 * a map. Returns value, or NULL when it could not be recorded. */
cs_ynode *cs_yd_note(const cs_ydoc_t *d, const cs_ynode *map, const char *key, cs_ynode *value);
/* A plain (plain) or quoted scalar node with text, made for the defaults; NULL when out of
 * memory. */
cs_ynode *cs_yd_scalar(const char *text, bool plain);
cs_status cs_yd_parse_text(const char *text, size_t len, const char *name, const char *where_,
                           size_t set, cs_ynode **out, cs_error *err);

#endif /* CS_YDOC_IMPL_H */
