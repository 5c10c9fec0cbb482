/*
 * ydoc.c: YAML documents with positions (libyaml events -> cs_ynode tree),
 * the nodes, scalar semantics and messages the other parts share. The typed
 * getters are in ydoc_get.c, --set overrides and emission in ydoc_set.c.
 *
 * Implementation notes. The tree is built by a recursive descent over
 * libyaml's event stream; nesting is capped at CS_YDOC_MAX_DEPTH so that a
 * hostile file cannot exhaust the C stack (libyaml itself has no such limit).
 * Every node records where it starts (libyaml marks are 0-based, ours
 * 1-based) or, for nodes made by an override, which override made them, so
 * that a message can point at "--set trials=0" instead of a line. Emission
 * keeps each scalar's source style: what was plain is written plain and what
 * was quoted is quoted (libyaml picks single or double quotes), so that the
 * emitted text parses back to the same tree.
 */
#include "cablesim/ydoc.h"
#include "core/fileio.h"
#include "model/ydoc_impl.h"

#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core/strmap.h"

/* ------------------------------------------------------------------ nodes */

char *cs_yd_dup_str(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL) memcpy(d, s, n);
    return d;
}

void cs_yd_node_free(cs_ynode *n)
{
    if (n == NULL) return;
    for (size_t i = 0; i < n->n; i++) {
        if (n->keys != NULL) cs_yd_node_free(n->keys[i]);
        cs_yd_node_free(n->items[i]);
    }
    free(n->keys);
    free(n->items);
    free(n->value);
    free(n);
}

cs_ynode *cs_yd_node_new(cs_ykind kind, size_t line, size_t column, size_t set)
{
    cs_ynode *n = calloc(1, sizeof *n);
    if (n == NULL) return NULL;
    n->kind = kind;
    n->line = set ? 0 : line;
    n->column = set ? 0 : column;
    n->set = set;
    return n;
}

/* Appends (key, item) to a map (key non-NULL) or item to a sequence. */
bool cs_yd_node_append(cs_ynode *n, cs_ynode *key, cs_ynode *item)
{
    /* Grow at powers of two: n is the count, so capacity is implicit. */
    if ((n->n & (n->n - 1)) == 0) {
        const size_t cap = n->n ? 2 * n->n : 1;
        cs_ynode **items = realloc(n->items, cap * sizeof *items);
        if (items == NULL) return false;
        n->items = items;
        if (n->kind == CS_YMAP) {
            cs_ynode **keys = realloc(n->keys, cap * sizeof *keys);
            if (keys == NULL) return false;
            n->keys = keys;
        }
    }
    if (n->kind == CS_YMAP) n->keys[n->n] = key;
    n->items[n->n++] = item;
    return true;
}

/* --------------------------------------------------------------- defaults */

cs_ynode *cs_yd_scalar(const char *text, bool plain)
{
    cs_ynode *n = cs_yd_node_new(CS_YSCALAR, 0, 0, 0);
    if (n == NULL || (n->value = cs_yd_dup_str(text)) == NULL) {
        cs_yd_node_free(n);
        return NULL;
    }
    n->plain = plain;
    return n;
}

cs_ynode *cs_yd_note(const cs_ydoc_t *d, const cs_ynode *map, const char *key, cs_ynode *value)
{
    cs_ydefaults *log = d->defaults;
    if (map == NULL || map->kind != CS_YMAP) {
        cs_yd_node_free(value);
        return NULL;
    }
    if (value == NULL) {
        log->oom = true;
        return NULL;
    }
    if (log->n == log->cap) {
        const size_t cap = log->cap ? 2 * log->cap : 16;
        cs_ydefault *v = realloc(log->v, cap * sizeof *v);
        if (v == NULL) {
            log->oom = true;
            cs_yd_node_free(value);
            return NULL;
        }
        log->v = v;
        log->cap = cap;
    }
    char *k = cs_yd_dup_str(key);
    if (k == NULL) {
        log->oom = true;
        cs_yd_node_free(value);
        return NULL;
    }
    log->v[log->n++] = (cs_ydefault){.map = map, .key = k, .value = value};
    return value;
}

const cs_ynode *cs_ymap_get_or_default(const cs_ydoc_t *d, const cs_ynode *map, const char *key)
{
    const cs_ynode *v = cs_ymap_get(map, key);
    if (!cs_yd_is_null(v) || map == NULL || map->kind != CS_YMAP) return v;
    const cs_ydefaults *log = d->defaults;
    for (size_t i = log->n; i-- > 0;)
        if (log->v[i].map == map && strcmp(log->v[i].key, key) == 0) return log->v[i].value;
    return cs_yd_note(d, map, key, cs_yd_node_new(CS_YMAP, 0, 0, 0));
}

void cs_ydoc_note_default(const cs_ydoc_t *d, const cs_ynode *map, const char *key,
                          const char *yaml)
{
    if (map == NULL || map->kind != CS_YMAP || !cs_yd_is_null(cs_ymap_get(map, key))) return;
    cs_ynode *v = NULL;
    cs_error quiet = CS_ERROR_INIT;
    const size_t len = strlen(yaml);
    char *text = malloc(len + 4);
    if (text != NULL) {
        memcpy(text, "v: ", 3);
        memcpy(text + 3, yaml, len + 1);
        cs_ynode *m = NULL;
        if (cs_yd_parse_text(text, len + 3, "default", "default", 0, &m, &quiet) == CS_OK) {
            if (m->kind == CS_YMAP && m->n == 1) {
                v = m->items[0];
                m->items[0] = NULL;
            }
            cs_yd_node_free(m);
        }
        free(text);
    }
    assert(v != NULL || text == NULL || quiet.code == CS_ENOMEM); /* callers give valid YAML */
    cs_yd_note(d, map, key, v);
}

cs_status cs_ydoc_defaults_check(const cs_ydoc_t *d, cs_error *err)
{
    return d->defaults->oom
               ? cs_errorf(err, CS_ENOMEM, "%s: out of memory recording the defaults", d->name)
               : CS_OK;
}

size_t cs_ydoc_defaults_count(const cs_ydoc_t *d)
{
    return d->defaults->n;
}

/* ------------------------------------------------------- scalar semantics */

static bool null_text(const char *s)
{
    static const char *const forms[] = {"", "~", "null", "Null", "NULL"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (strcmp(s, forms[i]) == 0) return true;
    return false;
}

/* NULL (absent) or a plain null scalar. */
bool cs_yd_is_null(const cs_ynode *n)
{
    return n == NULL || (n->kind == CS_YSCALAR && n->plain && null_text(n->value));
}

bool cs_yd_text_bool(const char *s, bool *out)
{
    if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0) {
        *out = true;
        return true;
    }
    if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0) {
        *out = false;
        return true;
    }
    return false;
}

/* strtod over the whole string, finite, decimal; no leading blanks (strtod would skip them), no
 * hexadecimal (strtod reads 0x10 and 0x1p4: docs/scenarios.md, "Numbers": decimal only). */
bool cs_yd_text_double(const char *s, double *out)
{
    if (s[0] == '\0' || s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r') return false;
    if (strpbrk(s, "xX") != NULL) return false;
    char *end = NULL;
    errno = 0;
    const double x = strtod(s, &end);
    if (*end != '\0' || !isfinite(x) || (errno == ERANGE && fabs(x) > 1.0)) return false;
    *out = x;
    return true;
}

/* A decimal integer, or a number written otherwise (1e6, 1000.0) that is whole and fits. */
bool cs_yd_text_int(const char *s, long long *out)
{
    if (s[0] == '\0' || s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r') return false;
    char *end = NULL;
    errno = 0;
    const long long v = strtoll(s, &end, 10);
    if (*end == '\0') {
        if (errno == ERANGE) return false;
        *out = v;
        return true;
    }
    double x;
    /* 2^63 is exact in a double; [-2^63, 2^63) converts to long long without overflow. */
    if (!cs_yd_text_double(s, &x) || x != floor(x) || x < -9223372036854775808.0 ||
        x >= 9223372036854775808.0)
        return false;
    *out = (long long)x;
    return true;
}

/* Whether a plain scalar with this text would be read as something other than a string. */
bool cs_yd_text_looks_typed(const char *s)
{
    bool b;
    double x;
    return null_text(s) || cs_yd_text_bool(s, &b) || cs_yd_text_double(s, &x);
}

/* --------------------------------------------------------------- messages */

/* Appends s to buf (escaped as in a C string), cut at max source bytes on a UTF-8 boundary. */
void cs_yd_quote_text(const char *s, size_t max, char *buf, size_t n)
{
    size_t o = 0;
    const size_t len = strlen(s);
    size_t cut = len > max ? max : len;
    while (cut < len && cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    if (o + 1 < n) buf[o++] = '"';
    for (size_t i = 0; i < cut && o + 5 < n; i++) {
        const unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)c;
        } else if (c == '\n') {
            buf[o++] = '\\';
            buf[o++] = 'n';
        } else if (c == '\t') {
            buf[o++] = '\\';
            buf[o++] = 't';
        } else if (c < 0x20 || c == 0x7F) {
            o += (size_t)snprintf(buf + o, n - o, "\\x%02X", c);
        } else {
            buf[o++] = (char)c;
        }
    }
    if (cut < len && o + 4 < n) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    if (o + 1 < n) buf[o++] = '"';
    buf[o < n ? o : n - 1] = '\0';
}

void cs_ydescribe(const cs_ynode *node, char *buf, size_t n)
{
    if (node == NULL)
        snprintf(buf, n, "nothing");
    else if (node->kind == CS_YMAP)
        snprintf(buf, n, "a map");
    else if (node->kind == CS_YSEQ)
        snprintf(buf, n, "a list");
    else if (cs_yd_is_null(node))
        snprintf(buf, n, "null");
    else if (!node->plain && cs_yd_text_looks_typed(node->value)) {
        const int k = snprintf(buf, n, "the string ");
        if (k > 0 && (size_t)k < n) cs_yd_quote_text(node->value, 60, buf + k, n - (size_t)k);
    } else
        cs_yd_quote_text(node->value, 60, buf, n);
}

/* The last override that made an item of list at, or of a list in it (0: none): an error about
 * a list of the file is about the item an override put in it (--set hazards.0.fault.0.0=200). */
static size_t list_set(const cs_ynode *at, int depth)
{
    size_t set = at->set;
    if (at->kind != CS_YSEQ || depth > 8) return set;
    for (size_t i = 0; i < at->n; i++) {
        const size_t s = at->items[i] != NULL ? list_set(at->items[i], depth + 1) : 0;
        if (s > set) set = s;
    }
    return set;
}

/* "file:line:col", or "--set key=value" for a node made by an override (or a list of the file
 * holding an item an override made), or "file". */
void cs_yd_where(const cs_ydoc_t *d, const cs_ynode *at, char *buf, size_t n)
{
    const size_t set = at != NULL ? list_set(at, 0) : 0;
    if (set > 0 && set <= d->nsets)
        snprintf(buf, n, "--set %s", d->sets[set - 1]);
    else if (at != NULL)
        snprintf(buf, n, "%s:%zu:%zu", d->name, at->line, at->column);
    else
        snprintf(buf, n, "%s", d->name);
}

cs_status cs_yd_report(const cs_ydoc_t *d, const cs_ynode *pos, const cs_ynode *found,
                       const char *key, const char *expected, cs_error *err)
{
    char w[CS_ERROR_MSG_MAX / 2], f[200];
    cs_yd_where(d, pos, w, sizeof w);
    cs_ydescribe(found, f, sizeof f);
    return cs_errorf(err, CS_EINVAL, "%s: %s: expected %s, found %s", w, key, expected, f);
}

cs_status cs_yerr(const cs_ydoc_t *d, const cs_ynode *at, const char *key, const char *expected,
                  cs_error *err)
{
    return cs_yd_report(d, at, at, key, expected, err);
}

cs_status cs_yerr_missing(const cs_ydoc_t *d, const cs_ynode *map, const char *key,
                          const char *expected, cs_error *err)
{
    return cs_yd_report(d, map, NULL, key, expected, err);
}

/* ------------------------------------------------------------ paths */

/* Depth-first search for target below n; writes the path suffix at buf[o..]. */
static bool find_path(const cs_ynode *n, const cs_ynode *target, char *buf, size_t size, size_t o)
{
    if (n == target) {
        buf[o] = '\0';
        return true;
    }
    if (n->kind == CS_YSCALAR) return false;
    for (size_t i = 0; i < n->n; i++) {
        char comp[32];
        const char *name = comp;
        if (n->kind == CS_YMAP)
            name = n->keys[i]->value;
        else
            snprintf(comp, sizeof comp, "%zu", i);
        const int k = snprintf(buf + o, size - o, "%s%s", o ? "." : "", name);
        if (k < 0 || (size_t)k >= size - o) continue;
        if (find_path(n->items[i], target, buf, size, o + (size_t)k)) return true;
    }
    return false;
}

bool cs_ydoc_path(const cs_ydoc_t *d, const cs_ynode *node, char *buf, size_t n)
{
    if (n == 0) return false;
    buf[0] = '\0';
    if (d->root == NULL || !find_path(d->root, node, buf, n, 0)) {
        buf[0] = '\0';
        return false;
    }
    return true;
}

/* The key as named in messages: its dotted path from the root. */
void cs_yd_key_path(const cs_ydoc_t *d, const cs_ynode *map, const char *key, char *buf, size_t n)
{
    char p[256];
    if (cs_ydoc_path(d, map, p, sizeof p) && p[0] != '\0')
        snprintf(buf, n, "%s.%s", p, key);
    else
        snprintf(buf, n, "%s", key);
}

/* ---------------------------------------------------------------- parsing */

typedef struct {
    yaml_parser_t parser;
    const char *name;  /* file name for messages */
    const char *where; /* "--set a=b" when parsing an override value, else NULL */
    const unsigned char *text;
    size_t len;
    size_t set; /* origin recorded in every node */
    cs_error *err;
} builder;

/* Message prefix for a 0-based libyaml position. */
static void mark_prefix(const builder *b, size_t line0, size_t col0, char *buf, size_t n)
{
    if (b->where != NULL)
        snprintf(buf, n, "%s", b->where);
    else
        snprintf(buf, n, "%s:%zu:%zu", b->name, line0 + 1, col0 + 1);
}

static cs_status fail_at(const builder *b, yaml_mark_t m, cs_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
static cs_status fail_at(const builder *b, yaml_mark_t m, cs_status code, const char *fmt, ...)
{
    char pre[CS_ERROR_MSG_MAX / 2], msg[CS_ERROR_MSG_MAX / 2];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mark_prefix(b, m.line, m.column, pre, sizeof pre);
    return cs_errorf(b->err, code, "%s: %s", pre, msg);
}

/* libyaml's own error, placed at its problem mark (reader errors give a byte offset). */
static cs_status parser_error(builder *b)
{
    const yaml_parser_t *p = &b->parser;
    if (p->error == YAML_MEMORY_ERROR)
        return cs_errorf(b->err, CS_ENOMEM, "%s: out of memory", b->where ? b->where : b->name);
    yaml_mark_t m = p->problem_mark;
    if (p->error == YAML_READER_ERROR) {
        /* Count lines and characters (UTF-8 lead bytes) up to the offset. */
        m.line = m.column = 0;
        for (size_t i = 0; i < p->problem_offset && i < b->len; i++) {
            if (b->text[i] == '\n')
                m.line++, m.column = 0;
            else if ((b->text[i] & 0xC0) != 0x80)
                m.column++;
        }
    }
    const char *problem = p->problem ? p->problem : "unknown error";
    if (p->context != NULL)
        return fail_at(b, m, CS_EPARSE, "invalid YAML: %s (%s)", problem, p->context);
    return fail_at(b, m, CS_EPARSE, "invalid YAML: %s", problem);
}

static cs_status next_event(builder *b, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&b->parser, ev)) return parser_error(b);
    return CS_OK;
}

#define YTAG "tag:yaml.org,2002:"

/* Checks a node's tag against the standard ones; *is_str says whether it makes a scalar a string.
 */
static cs_status check_tag(const builder *b, yaml_mark_t m, const yaml_char_t *tag, cs_ykind kind,
                           bool *is_str)
{
    *is_str = false;
    if (tag == NULL) return CS_OK;
    const char *t = (const char *)tag;
    static const char *const scalar_tags[] = {YTAG "int", YTAG "float", YTAG "bool", YTAG "null"};
    if (kind == CS_YMAP && strcmp(t, YTAG "map") == 0) return CS_OK;
    if (kind == CS_YSEQ && strcmp(t, YTAG "seq") == 0) return CS_OK;
    if (kind == CS_YSCALAR) {
        if (strcmp(t, YTAG "str") == 0) {
            *is_str = true;
            return CS_OK;
        }
        for (size_t i = 0; i < sizeof scalar_tags / sizeof scalar_tags[0]; i++)
            if (strcmp(t, scalar_tags[i]) == 0) return CS_OK;
    }
    const size_t plen = strlen(YTAG);
    const bool std = strncmp(t, YTAG, plen) == 0;
    return fail_at(b, m, CS_EPARSE,
                   "unsupported tag \"%s%s\" (only the standard tags !!str, !!int, !!float, "
                   "!!bool, !!null on scalars, !!map on maps and !!seq on lists)",
                   std ? "!!" : "", std ? t + plen : t);
}

static cs_status parse_node(builder *b, yaml_event_t *ev, size_t depth, cs_ynode **out);

static cs_status oom(const builder *b)
{
    return cs_errorf(b->err, CS_ENOMEM, "%s: out of memory", b->where ? b->where : b->name);
}

static cs_status parse_scalar(builder *b, yaml_event_t *ev, cs_ynode **out)
{
    bool is_str;
    const yaml_mark_t m = ev->start_mark;
    cs_status rc = check_tag(b, m, ev->data.scalar.tag, CS_YSCALAR, &is_str);
    if (rc != CS_OK) return rc;
    const size_t len = ev->data.scalar.length;
    if (memchr(ev->data.scalar.value, '\0', len) != NULL)
        return fail_at(b, m, CS_EPARSE, "a NUL character in a string is not supported");
    cs_ynode *n = cs_yd_node_new(CS_YSCALAR, m.line + 1, m.column + 1, b->set);
    if (n == NULL || (n->value = malloc(len + 1)) == NULL) {
        cs_yd_node_free(n);
        return oom(b);
    }
    memcpy(n->value, ev->data.scalar.value, len);
    n->value[len] = '\0';
    /* A tag such as !!int "3" asks for the typed reading, so the scalar counts as plain. */
    n->plain = !is_str &&
               (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE || ev->data.scalar.tag != NULL);
    *out = n;
    return CS_OK;
}

/* Reports the first key of map that repeats an earlier one, at the repetition. */
static cs_status check_duplicates(const builder *b, const cs_ynode *map)
{
    if (map->n < 2) return CS_OK;
    cs_strmap seen;
    if (cs_strmap_init(&seen, map->n) != CS_OK) return oom(b);
    cs_status rc = CS_OK;
    for (size_t i = 0; i < map->n && rc == CS_OK; i++) {
        /* The map was sized for every key, so a failed insert is a repeated key. */
        size_t first = 0;
        if (cs_strmap_insert(&seen, map->keys[i]->value, i, &first)) continue;
        const cs_ynode *k = map->keys[i];
        const yaml_mark_t m = {0, k->line ? k->line - 1 : 0, k->column ? k->column - 1 : 0};
        if (b->where != NULL)
            rc = fail_at(b, m, CS_EPARSE, "duplicate key \"%s\"", k->value);
        else
            rc = fail_at(b, m, CS_EPARSE, "duplicate key \"%s\" (first at line %zu)", k->value,
                         map->keys[first]->line);
    }
    cs_strmap_destroy(&seen);
    return rc;
}

static const char *event_what(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_MAPPING_START_EVENT:
        return "a map";
    case YAML_SEQUENCE_START_EVENT:
        return "a list";
    case YAML_ALIAS_EVENT:
        return "an alias";
    default:
        return "something else";
    }
}

/* Parses the entries of a collection whose start event was just consumed. */
static cs_status parse_children(builder *b, cs_ynode *n, size_t depth)
{
    const yaml_event_type_t end =
        n->kind == CS_YMAP ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
    for (;;) {
        yaml_event_t ev;
        cs_status rc = next_event(b, &ev);
        if (rc != CS_OK) return rc;
        if (ev.type == end) {
            yaml_event_delete(&ev);
            return n->kind == CS_YMAP ? check_duplicates(b, n) : CS_OK;
        }
        cs_ynode *key = NULL, *item = NULL;
        if (n->kind == CS_YMAP) {
            if (ev.type != YAML_SCALAR_EVENT) {
                rc = fail_at(b, ev.start_mark, CS_EPARSE,
                             "map keys must be scalars (strings), found %s", event_what(&ev));
                yaml_event_delete(&ev);
                return rc;
            }
            if ((rc = parse_node(b, &ev, depth + 1, &key)) != CS_OK) return rc;
            if ((rc = next_event(b, &ev)) != CS_OK) {
                cs_yd_node_free(key);
                return rc;
            }
        }
        if ((rc = parse_node(b, &ev, depth + 1, &item)) != CS_OK) {
            cs_yd_node_free(key);
            return rc;
        }
        if (!cs_yd_node_append(n, key, item)) {
            cs_yd_node_free(key);
            cs_yd_node_free(item);
            return oom(b);
        }
    }
}

/* Builds the node that starts with event ev, which it consumes (deletes). */
static cs_status parse_node(builder *b, yaml_event_t *ev, size_t depth, cs_ynode **out)
{
    *out = NULL;
    const yaml_mark_t m = ev->start_mark;
    const yaml_char_t *anchor = NULL, *tag = NULL;
    cs_ykind kind = CS_YSCALAR;
    cs_status rc = CS_OK;
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        rc = fail_at(b, m, CS_EPARSE, "aliases (*%s) are not supported; repeat the value",
                     (const char *)ev->data.alias.anchor);
        break;
    case YAML_SCALAR_EVENT:
        anchor = ev->data.scalar.anchor;
        break;
    case YAML_MAPPING_START_EVENT:
        anchor = ev->data.mapping_start.anchor;
        tag = ev->data.mapping_start.tag;
        kind = CS_YMAP;
        break;
    case YAML_SEQUENCE_START_EVENT:
        anchor = ev->data.sequence_start.anchor;
        tag = ev->data.sequence_start.tag;
        kind = CS_YSEQ;
        break;
    default:
        rc = fail_at(b, m, CS_EPARSE, "invalid YAML: unexpected event");
        break;
    }
    if (rc == CS_OK && anchor != NULL)
        rc = fail_at(b, m, CS_EPARSE, "anchors (&%s) are not supported; repeat the value",
                     (const char *)anchor);
    if (rc == CS_OK && depth > CS_YDOC_MAX_DEPTH)
        rc = fail_at(b, m, CS_EPARSE, "maps and lists nested deeper than %d levels",
                     CS_YDOC_MAX_DEPTH);
    if (rc == CS_OK && kind == CS_YSCALAR) rc = parse_scalar(b, ev, out);
    bool is_str;
    if (rc == CS_OK && kind != CS_YSCALAR) rc = check_tag(b, m, tag, kind, &is_str);
    yaml_event_delete(ev);
    if (rc != CS_OK || kind == CS_YSCALAR) return rc;
    cs_ynode *n = cs_yd_node_new(kind, m.line + 1, m.column + 1, b->set);
    if (n == NULL) return oom(b);
    if ((rc = parse_children(b, n, depth)) != CS_OK) {
        cs_yd_node_free(n);
        return rc;
    }
    *out = n;
    return CS_OK;
}

/* Expects an event of type t (consumed); reports "what" at its position otherwise. */
static cs_status expect_event(builder *b, yaml_event_type_t t, yaml_event_t *ev, const char *what)
{
    cs_status rc = next_event(b, ev);
    if (rc != CS_OK) return rc;
    if (ev->type == t) return CS_OK;
    rc = fail_at(b, ev->start_mark, CS_EPARSE, "%s", what);
    yaml_event_delete(ev);
    return rc;
}

/* Parses the whole stream: one document (or none); a null root becomes an empty map. */
static cs_status parse_stream(builder *b, cs_ynode **out)
{
    *out = NULL;
    yaml_event_t ev;
    cs_status rc = expect_event(b, YAML_STREAM_START_EVENT, &ev, "invalid YAML: no stream start");
    if (rc != CS_OK) return rc;
    yaml_event_delete(&ev);
    if ((rc = next_event(b, &ev)) != CS_OK) return rc;
    cs_ynode *root = NULL;
    if (ev.type == YAML_DOCUMENT_START_EVENT) {
        yaml_event_delete(&ev);
        if ((rc = next_event(b, &ev)) != CS_OK) return rc;
        if ((rc = parse_node(b, &ev, 1, &root)) != CS_OK) return rc;
        rc = expect_event(b, YAML_DOCUMENT_END_EVENT, &ev, "invalid YAML: expected document end");
        if (rc == CS_OK) {
            yaml_event_delete(&ev);
            rc = next_event(b, &ev);
        }
        if (rc != CS_OK) {
            cs_yd_node_free(root);
            return rc;
        }
    }
    /* ev is live here. */
    if (ev.type != YAML_STREAM_END_EVENT)
        rc = fail_at(b, ev.start_mark, CS_EPARSE,
                     "a second YAML document (a scenario file holds one document)");
    yaml_event_delete(&ev);
    if (rc == CS_OK && cs_yd_is_null(root)) {
        const size_t line = root ? root->line : 1, col = root ? root->column : 1;
        cs_yd_node_free(root);
        if ((root = cs_yd_node_new(CS_YMAP, line, col, b->set)) == NULL) rc = oom(b);
    }
    if (rc != CS_OK) {
        cs_yd_node_free(root);
        return rc;
    }
    *out = root;
    return CS_OK;
}

cs_status cs_yd_parse_text(const char *text, size_t len, const char *name, const char *where_,
                           size_t set, cs_ynode **out, cs_error *err)
{
    builder b;
    memset(&b, 0, sizeof b);
    b.name = name;
    b.where = where_;
    b.text = (const unsigned char *)text;
    b.len = len;
    b.set = set;
    b.err = err;
    if (!yaml_parser_initialize(&b.parser)) return oom(&b);
    yaml_parser_set_input_string(&b.parser, b.text, len);
    const cs_status rc = parse_stream(&b, out);
    yaml_parser_delete(&b.parser);
    return rc;
}

static cs_status load_text(cs_ydoc_t **out, const char *text, size_t len, const char *name,
                           cs_error *err)
{
    *out = NULL;
    cs_ydoc_t *d = calloc(1, sizeof *d);
    if (d != NULL && (d->defaults = calloc(1, sizeof *d->defaults)) == NULL) {
        free(d);
        d = NULL;
    }
    if (d == NULL || (d->name = cs_yd_dup_str(name)) == NULL) {
        if (d != NULL) free(d->defaults);
        free(d);
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", name);
    }
    const cs_status rc = cs_yd_parse_text(text, len, name, NULL, 0, &d->root, err);
    if (rc != CS_OK) {
        cs_ydoc_free(d);
        return rc;
    }
    *out = d;
    return CS_OK;
}

cs_status cs_ydoc_load_string(cs_ydoc_t **out, const char *text, const char *name, cs_error *err)
{
    return load_text(out, text, strlen(text), name, err);
}

cs_status cs_ydoc_load(cs_ydoc_t **out, const char *path, cs_error *err)
{
    *out = NULL;
    char *buf;
    size_t len;
    cs_status rc = cs_read_file(path, &buf, &len, err);
    if (rc != CS_OK) return rc;
    rc = load_text(out, buf, len, path, err);
    free(buf);
    return rc;
}

void cs_ydoc_free(cs_ydoc_t *d)
{
    if (d == NULL) return;
    for (size_t i = 0; d->defaults != NULL && i < d->defaults->n; i++) {
        free(d->defaults->v[i].key);
        cs_yd_node_free(d->defaults->v[i].value);
    }
    if (d->defaults != NULL) free(d->defaults->v);
    free(d->defaults);
    cs_yd_node_free(d->root);
    for (size_t i = 0; i < d->nsets; i++)
        free(d->sets[i]);
    free(d->sets);
    free(d->name);
    free(d);
}

const cs_ynode *cs_ydoc_root(const cs_ydoc_t *d)
{
    return d->root;
}

const char *cs_ydoc_name(const cs_ydoc_t *d)
{
    return d->name;
}
