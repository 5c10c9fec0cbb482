/*
 * ydoc_set.c: writing a YAML document: --set overrides ("key.path=value",
 * applied to the tree with their origin recorded for messages) and emission
 * (each scalar keeps its source style, so the text parses back to the same
 * tree). Shared helpers: ydoc_impl.h.
 */
#include "cablesim/ydoc.h"
#include "model/ydoc_impl.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core/strmap.h"

/* -------------------------------------------------------------- overrides */

/* Parses the value of an override as YAML: "v: <value>" must give a one-key map. */
static cs_status parse_value(const char *value, const char *where_, size_t set, cs_ynode **out,
                             cs_error *err)
{
    *out = NULL;
    const size_t len = strlen(value);
    char *text = malloc(len + 4);
    if (text == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", where_);
    memcpy(text, "v: ", 3);
    memcpy(text + 3, value, len + 1);
    cs_ynode *map = NULL;
    cs_status rc = cs_yd_parse_text(text, len + 3, where_, where_, set, &map, err);
    free(text);
    if (rc != CS_OK) return rc;
    if (map->kind != CS_YMAP || map->n != 1 || strcmp(map->keys[0]->value, "v") != 0) {
        cs_yd_node_free(map);
        return cs_errorf(err, CS_EINVAL, "%s: expected one YAML value after '='", where_);
    }
    *out = map->items[0];
    map->items[0] = NULL;
    cs_yd_node_free(map);
    return CS_OK;
}

/* Whether s is a decimal index (digits only, no leading zero: "00" or "01" is not one, as in
 * docs/scenarios.md, "Numbers"); its value in *i. */
static bool parse_index(const char *s, size_t *i)
{
    if (s[0] == '\0' || strspn(s, "0123456789") != strlen(s) || strlen(s) > 18) return false;
    if (s[0] == '0' && s[1] != '\0') return false;
    *i = (size_t)strtoull(s, NULL, 10);
    return true;
}

/* The node reached by key[0..end) for messages: "the top level" or "\"output\"". */
static void path_name(const char *key, size_t end, char *buf, size_t n)
{
    if (end == 0)
        snprintf(buf, n, "the top level");
    else
        snprintf(buf, n, "\"%.*s\"", (int)(end < 200 ? end : 200), key);
}

/* Whether s is UTF-8 as libyaml takes it: no stray or missing continuation bytes, no overlong
 * form, no surrogate, nothing above U+10FFFF. */
static bool utf8_valid(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0';) {
        const unsigned c = *p;
        const size_t n = c < 0x80             ? 1
                         : (c & 0xE0) == 0xC0 ? 2
                         : (c & 0xF0) == 0xE0 ? 3
                         : (c & 0xF8) == 0xF0 ? 4
                                              : 0;
        if (n == 0) return false;
        unsigned long v = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
        for (size_t k = 1; k < n; k++) {
            if ((p[k] & 0xC0) != 0x80) return false; /* also stops at the NUL */
            v = v << 6 | (p[k] & 0x3F);
        }
        static const unsigned long least[5] = {0, 0, 0x80, 0x800, 0x10000};
        if ((n > 1 && v < least[n]) || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF) return false;
        p += n;
    }
    return true;
}

/* Checks that the key is UTF-8 (the file's encoding; the emitter refuses anything else) and that
 * every component of it is non-empty and short. */
static cs_status check_components(const char *key, const char *where_, cs_error *err)
{
    if (!utf8_valid(key))
        return cs_errorf(err, CS_EINVAL, "%s: the key is not valid UTF-8", where_);
    for (const char *c = key;;) {
        const char *dot = strchr(c, '.');
        const size_t len = dot ? (size_t)(dot - c) : strlen(c);
        if (len == 0 || len > 200)
            return cs_errorf(err, CS_EINVAL, "%s: %s component in key \"%s\"", where_,
                             len ? "a too long" : "an empty", key);
        if (dot == NULL) return CS_OK;
        c = dot + 1;
    }
}

/* Whether any component of the dotted path is a list index. */
static bool has_index(const char *path)
{
    for (const char *c = path;;) {
        const char *dot = strchr(c, '.');
        const size_t len = dot ? (size_t)(dot - c) : strlen(c);
        char comp[256];
        size_t i;
        memcpy(comp, c, len < sizeof comp ? len : sizeof comp - 1);
        comp[len < sizeof comp ? len : sizeof comp - 1] = '\0';
        if (parse_index(comp, &i)) return true;
        if (dot == NULL) return false;
        c = dot + 1;
    }
}

/* Appends key -> value to map; the key node records the override set. */
static bool add_key(cs_ynode *map, const char *key, cs_ynode *value, size_t set)
{
    cs_ynode *k = cs_yd_node_new(CS_YSCALAR, 0, 0, set);
    if (k == NULL || (k->value = cs_yd_dup_str(key)) == NULL || !cs_yd_node_append(map, k, value)) {
        cs_yd_node_free(k);
        return false;
    }
    k->plain = !cs_yd_text_looks_typed(key);
    return true;
}

/*
 * Walks key (dotted, components checked) from the root to the slot to
 * overwrite: *slot points at the item pointer, or is NULL when the last
 * component is a new key of map *parent. A missing map key in the middle of
 * the path is added as an empty map (made by override `set`), unless an index
 * follows it: lists are not made from a path.
 */
static cs_status find_slot(cs_ydoc_t *d, const char *key, const char *where_, size_t set,
                           cs_ynode ***slot, cs_ynode **parent, const char **last, cs_error *err)
{
    cs_ynode *n = d->root;
    for (const char *comp = key;;) {
        const char *dot = strchr(comp, '.');
        const size_t clen = dot ? (size_t)(dot - comp) : strlen(comp);
        char c[256], here[256];
        memcpy(c, comp, clen);
        c[clen] = '\0';
        path_name(key, comp == key ? 0 : (size_t)(comp - key - 1), here, sizeof here);
        cs_ynode **s = NULL;
        size_t i;
        if (n->kind == CS_YMAP) {
            for (i = 0; i < n->n && s == NULL; i++)
                if (strcmp(n->keys[i]->value, c) == 0) s = &n->items[i];
            if (s == NULL && dot != NULL) {
                if (has_index(dot + 1))
                    return cs_errorf(err, CS_EINVAL,
                                     "%s: unknown path component \"%s\" (no such key %s %s; a "
                                     "list is not made from a path, set it whole)",
                                     where_, c, comp == key ? "at" : "in", here);
                cs_ynode *m = cs_yd_node_new(CS_YMAP, 0, 0, set);
                if (m == NULL || !add_key(n, c, m, set)) {
                    cs_yd_node_free(m);
                    return cs_errorf(err, CS_ENOMEM, "%s: out of memory", where_);
                }
                s = &n->items[n->n - 1];
            }
        } else if (n->kind == CS_YSEQ) {
            if (!parse_index(c, &i))
                return cs_errorf(err, CS_EINVAL,
                                 "%s: %s is a list: expected an index%s, found \"%s\"", where_,
                                 here,
                                 c[0] == '0' && c[1] != '\0' && strspn(c, "0123456789") == strlen(c)
                                     ? " without leading zeros (0, 1, 2, ...: one item has one "
                                       "index)"
                                     : "",
                                 c);
            if (i >= n->n)
                return cs_errorf(err, CS_EINVAL, "%s: index %zu out of range (%s has %zu item%s)",
                                 where_, i, here, n->n, n->n == 1 ? "" : "s");
            s = &n->items[i];
        } else {
            return cs_errorf(err, CS_EINVAL, "%s: %s is not a map or a list, so it has no \"%s\"",
                             where_, here, c);
        }
        if (dot == NULL) {
            *slot = s;
            *parent = n;
            *last = comp;
            return CS_OK;
        }
        n = *s;
        comp = dot + 1;
    }
}

/* Copies s with control characters escaped, so that messages stay on one line. */
static void one_line(const char *s, char *buf, size_t n)
{
    size_t o = 0;
    for (; *s != '\0' && o + 5 < n; s++) {
        const unsigned char c = (unsigned char)*s;
        if (c == '\n')
            o += (size_t)snprintf(buf + o, n - o, "\\n");
        else if (c == '\t')
            o += (size_t)snprintf(buf + o, n - o, "\\t");
        else if (c < 0x20 || c == 0x7F)
            o += (size_t)snprintf(buf + o, n - o, "\\x%02X", c);
        else
            buf[o++] = (char)c;
    }
    buf[o] = '\0';
}

/* Records assignment in d->sets so that nodes can point at it; returns its 1-based number. */
static size_t remember(cs_ydoc_t *d, const char *assignment)
{
    char **sets = realloc(d->sets, (d->nsets + 1) * sizeof *sets);
    if (sets == NULL) return 0;
    d->sets = sets;
    if ((d->sets[d->nsets] = cs_yd_dup_str(assignment)) == NULL) return 0;
    return ++d->nsets;
}

cs_status cs_ydoc_set(cs_ydoc_t *d, const char *assignment, cs_error *err)
{
    char shown[CS_ERROR_MSG_MAX / 2 - 8], where_[CS_ERROR_MSG_MAX / 2];
    one_line(assignment, shown, sizeof shown);
    snprintf(where_, sizeof where_, "--set %s", shown);
    const char *eq = strchr(assignment, '=');
    if (eq == NULL)
        return cs_errorf(err, CS_EINVAL, "%s: expected key=value, found no '='", where_);
    if (eq == assignment) return cs_errorf(err, CS_EINVAL, "%s: empty key before '='", where_);
    char *key = malloc((size_t)(eq - assignment) + 1);
    if (key == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", where_);
    memcpy(key, assignment, (size_t)(eq - assignment));
    key[eq - assignment] = '\0';
    cs_ynode **slot = NULL, *parent = NULL, *value = NULL;
    const char *last = NULL;
    size_t set = 0;
    /* The value is parsed before the path is walked: walking may add maps, and
     * nothing after that can fail but memory, so a bad value changes nothing. */
    cs_status rc = check_components(key, where_, err);
    if (rc == CS_OK && (set = remember(d, shown)) == 0)
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", where_);
    if (rc == CS_OK) rc = parse_value(eq + 1, where_, set, &value, err);
    if (rc == CS_OK) rc = find_slot(d, key, where_, set, &slot, &parent, &last, err);
    if (rc == CS_OK && slot != NULL) {
        cs_yd_node_free(*slot);
        *slot = value;
        value = NULL;
    } else if (rc == CS_OK) {
        if (add_key(parent, last, value, set))
            value = NULL;
        else
            rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", where_);
    }
    cs_yd_node_free(value);
    free(key);
    return rc;
}

/* ---------------------------------------------------------------- emitting */

typedef struct {
    char *buf;
    size_t len, cap;
    bool oom;
} outbuf;

static int write_out(void *data, unsigned char *buffer, size_t size)
{
    outbuf *o = data;
    if (o->len + size + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 1024;
        while (cap < o->len + size + 1)
            cap *= 2;
        char *nb = realloc(o->buf, cap);
        if (nb == NULL) {
            o->oom = true;
            return 0;
        }
        o->buf = nb;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, buffer, size);
    o->len += size;
    o->buf[o->len] = '\0';
    return 1;
}

/* What emission writes besides the tree: the defaults applied to it, indexed by map. */
typedef struct {
    yaml_emitter_t *e;
    const cs_ydefault **idx; /* the defaults sorted by map, then by the order they were applied */
    size_t n;
} emitter;

static int by_map(const void *x, const void *y)
{
    const cs_ydefault *a = *(const cs_ydefault *const *)x, *b = *(const cs_ydefault *const *)y;
    if (a->map != b->map) return (uintptr_t)a->map < (uintptr_t)b->map ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* The defaults of map: idx[*first .. *first + count). */
static size_t defaults_of(const emitter *em, const cs_ynode *map, size_t *first)
{
    size_t lo = 0, hi = em->n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if ((uintptr_t)em->idx[mid]->map < (uintptr_t)map)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < em->n && em->idx[end]->map == map)
        end++;
    *first = lo;
    return end - lo;
}

/* The first default of key among idx[first .. first + count), or NULL. */
static const cs_ydefault *default_of(const emitter *em, size_t first, size_t count, const char *key)
{
    for (size_t i = first; i < first + count; i++)
        if (strcmp(em->idx[i]->key, key) == 0) return em->idx[i];
    return NULL;
}

static bool emit_node(const emitter *em, const cs_ynode *n)
{
    yaml_emitter_t *e = em->e;
    yaml_event_t ev;
    if (n->kind == CS_YSCALAR) {
        const size_t len = strlen(n->value);
        if (len > INT_MAX) return false;
        /* A plain scalar stays plain; a quoted one must not be written plain (plain_implicit 0
         * makes libyaml quote it), or "yes" or "1e3" would come back as a bool or a number. */
        /* A value with a line break (a plain scalar over several lines included) is written as
         * a literal block, which reads back as the same value: libyaml would write a multi-line
         * plain scalar single-quoted, which folds its line breaks differently when read again,
         * so the resolved text would not be a fixed point (fuzz_scenario). */
        yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
        if (strchr(n->value, '\n') != NULL)
            style = YAML_LITERAL_SCALAR_STYLE;
        else if (n->plain)
            style = YAML_PLAIN_SCALAR_STYLE;
        const int ok = yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)n->value,
                                                    (int)len, n->plain ? 1 : 0, 1, style);
        return ok && yaml_emitter_emit(e, &ev);
    }
    const bool map = n->kind == CS_YMAP;
    const int ok =
        map ? yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE)
            : yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
    if (!ok || !yaml_emitter_emit(e, &ev)) return false;
    size_t first = 0;
    const size_t count = map ? defaults_of(em, n, &first) : 0;
    for (size_t i = 0; i < n->n; i++) {
        if (map && !emit_node(em, n->keys[i])) return false;
        /* A null value took its default. */
        const cs_ydefault *dv = count > 0 && map && cs_yd_is_null(n->items[i])
                                    ? default_of(em, first, count, n->keys[i]->value)
                                    : NULL;
        if (!emit_node(em, dv != NULL ? dv->value : n->items[i])) return false;
    }
    /* Then the keys that were absent, once each, in the order their defaults were applied. */
    for (size_t i = first; i < first + count; i++) {
        const cs_ydefault *dv = em->idx[i];
        if (cs_ymap_get(n, dv->key) != NULL || default_of(em, first, i - first, dv->key) != NULL)
            continue;
        cs_ynode key = {.kind = CS_YSCALAR, .value = dv->key, .plain = true};
        if (!emit_node(em, &key) || !emit_node(em, dv->value)) return false;
    }
    if (!(map ? yaml_mapping_end_event_initialize(&ev) : yaml_sequence_end_event_initialize(&ev)))
        return false;
    return yaml_emitter_emit(e, &ev);
}

static bool emit_doc(const emitter *em, const cs_ynode *root)
{
    yaml_emitter_t *e = em->e;
    yaml_event_t ev;
    if (!yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) || !yaml_emitter_emit(e, &ev))
        return false;
    if (!yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) ||
        !yaml_emitter_emit(e, &ev))
        return false;
    if (!emit_node(em, root)) return false;
    if (!yaml_document_end_event_initialize(&ev, 1) || !yaml_emitter_emit(e, &ev)) return false;
    return yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev);
}

/* The document as YAML, with the defaults applied to it when resolved. */
static char *emit(const cs_ydoc_t *d, bool resolved)
{
    const cs_ydefaults *log = d->defaults;
    if (resolved && log->oom) return NULL;
    emitter em = {.e = NULL, .idx = NULL, .n = resolved ? log->n : 0};
    if (em.n > 0) {
        if ((em.idx = malloc(em.n * sizeof *em.idx)) == NULL) return NULL;
        for (size_t i = 0; i < em.n; i++)
            em.idx[i] = &log->v[i];
        qsort(em.idx, em.n, sizeof *em.idx, by_map);
    }
    outbuf o = {NULL, 0, 0, false};
    yaml_emitter_t e;
    if (!yaml_emitter_initialize(&e)) {
        free(em.idx);
        return NULL;
    }
    em.e = &e;
    yaml_emitter_set_output(&e, write_out, &o);
    yaml_emitter_set_unicode(&e, 1);
    yaml_emitter_set_indent(&e, 2);
    yaml_emitter_set_width(&e, -1); /* no folding of long strings */
    const bool ok = emit_doc(&em, d->root) && yaml_emitter_flush(&e);
    yaml_emitter_delete(&e);
    free(em.idx);
    if (!ok || o.oom) {
        free(o.buf);
        return NULL;
    }
    if (o.buf == NULL) o.buf = calloc(1, 1);
    return o.buf;
}

char *cs_ydoc_emit(const cs_ydoc_t *d)
{
    return emit(d, false);
}

char *cs_ydoc_emit_resolved(const cs_ydoc_t *d)
{
    return emit(d, true);
}
