/*
 * ydoc.c: YAML documents with positions (libyaml events -> cs_ynode tree),
 * typed getters with file:line:column messages, --set overrides, and emission.
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
#include "fileio.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "strmap.h"

/** Deepest nesting of maps and lists accepted in a document. */
#define CS_YDOC_MAX_DEPTH 200

struct cs_ydoc {
    char *name;
    cs_ynode *root;
    char **sets; /* the assignments applied, for messages; node->set indexes it from 1 */
    size_t nsets;
};

/* ------------------------------------------------------------------ nodes */

static char *dup_str(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL) memcpy(d, s, n);
    return d;
}

static void node_free(cs_ynode *n)
{
    if (n == NULL) return;
    for (size_t i = 0; i < n->n; i++) {
        if (n->keys != NULL) node_free(n->keys[i]);
        node_free(n->items[i]);
    }
    free(n->keys);
    free(n->items);
    free(n->value);
    free(n);
}

static cs_ynode *node_new(cs_ykind kind, size_t line, size_t column, size_t set)
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
static bool node_append(cs_ynode *n, cs_ynode *key, cs_ynode *item)
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

/* ------------------------------------------------------- scalar semantics */

static bool null_text(const char *s)
{
    static const char *const forms[] = {"", "~", "null", "Null", "NULL"};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (strcmp(s, forms[i]) == 0) return true;
    return false;
}

/* NULL (absent) or a plain null scalar. */
static bool is_null(const cs_ynode *n)
{
    return n == NULL || (n->kind == CS_YSCALAR && n->plain && null_text(n->value));
}

static bool text_bool(const char *s, bool *out)
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

/* strtod over the whole string, finite; no leading blanks (strtod would skip them). */
static bool text_double(const char *s, double *out)
{
    if (s[0] == '\0' || s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r') return false;
    char *end = NULL;
    errno = 0;
    const double x = strtod(s, &end);
    if (*end != '\0' || !isfinite(x) || (errno == ERANGE && fabs(x) > 1.0)) return false;
    *out = x;
    return true;
}

/* A decimal integer, or a number written otherwise (1e6, 1000.0) that is whole and fits. */
static bool text_int(const char *s, long long *out)
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
    if (!text_double(s, &x) || x != floor(x) || x < -9223372036854775808.0 ||
        x >= 9223372036854775808.0)
        return false;
    *out = (long long)x;
    return true;
}

/* Whether a plain scalar with this text would be read as something other than a string. */
static bool text_looks_typed(const char *s)
{
    bool b;
    double x;
    return null_text(s) || text_bool(s, &b) || text_double(s, &x);
}

/* --------------------------------------------------------------- messages */

/* Appends s to buf (escaped as in a C string), cut at max source bytes on a UTF-8 boundary. */
static void quote_text(const char *s, size_t max, char *buf, size_t n)
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
    else if (is_null(node))
        snprintf(buf, n, "null");
    else if (!node->plain && text_looks_typed(node->value)) {
        const int k = snprintf(buf, n, "the string ");
        if (k > 0 && (size_t)k < n) quote_text(node->value, 60, buf + k, n - (size_t)k);
    } else
        quote_text(node->value, 60, buf, n);
}

/* "file:line:col", or "--set key=value" for a node made by an override, or "file". */
static void where(const cs_ydoc_t *d, const cs_ynode *at, char *buf, size_t n)
{
    if (at != NULL && at->set > 0 && at->set <= d->nsets)
        snprintf(buf, n, "--set %s", d->sets[at->set - 1]);
    else if (at != NULL)
        snprintf(buf, n, "%s:%zu:%zu", d->name, at->line, at->column);
    else
        snprintf(buf, n, "%s", d->name);
}

static cs_status report(const cs_ydoc_t *d, const cs_ynode *pos, const cs_ynode *found,
                        const char *key, const char *expected, cs_error *err)
{
    char w[CS_ERROR_MSG_MAX / 2], f[200];
    where(d, pos, w, sizeof w);
    cs_ydescribe(found, f, sizeof f);
    return cs_errorf(err, CS_EINVAL, "%s: %s: expected %s, found %s", w, key, expected, f);
}

cs_status cs_yerr(const cs_ydoc_t *d, const cs_ynode *at, const char *key, const char *expected,
                  cs_error *err)
{
    return report(d, at, at, key, expected, err);
}

cs_status cs_yerr_missing(const cs_ydoc_t *d, const cs_ynode *map, const char *key,
                          const char *expected, cs_error *err)
{
    return report(d, map, NULL, key, expected, err);
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
static void key_path(const cs_ydoc_t *d, const cs_ynode *map, const char *key, char *buf, size_t n)
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
    cs_ynode *n = node_new(CS_YSCALAR, m.line + 1, m.column + 1, b->set);
    if (n == NULL || (n->value = malloc(len + 1)) == NULL) {
        node_free(n);
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
                node_free(key);
                return rc;
            }
        }
        if ((rc = parse_node(b, &ev, depth + 1, &item)) != CS_OK) {
            node_free(key);
            return rc;
        }
        if (!node_append(n, key, item)) {
            node_free(key);
            node_free(item);
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
    cs_ynode *n = node_new(kind, m.line + 1, m.column + 1, b->set);
    if (n == NULL) return oom(b);
    if ((rc = parse_children(b, n, depth)) != CS_OK) {
        node_free(n);
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
            node_free(root);
            return rc;
        }
    }
    /* ev is live here. */
    if (ev.type != YAML_STREAM_END_EVENT)
        rc = fail_at(b, ev.start_mark, CS_EPARSE,
                     "a second YAML document (a scenario file holds one document)");
    yaml_event_delete(&ev);
    if (rc == CS_OK && is_null(root)) {
        const size_t line = root ? root->line : 1, col = root ? root->column : 1;
        node_free(root);
        if ((root = node_new(CS_YMAP, line, col, b->set)) == NULL) rc = oom(b);
    }
    if (rc != CS_OK) {
        node_free(root);
        return rc;
    }
    *out = root;
    return CS_OK;
}

static cs_status parse_text(const char *text, size_t len, const char *name, const char *where_,
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
    if (d == NULL || (d->name = dup_str(name)) == NULL) {
        free(d);
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", name);
    }
    const cs_status rc = parse_text(text, len, name, NULL, 0, &d->root, err);
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
    node_free(d->root);
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
    cs_status rc = parse_text(text, len + 3, where_, where_, set, &map, err);
    free(text);
    if (rc != CS_OK) return rc;
    if (map->kind != CS_YMAP || map->n != 1 || strcmp(map->keys[0]->value, "v") != 0) {
        node_free(map);
        return cs_errorf(err, CS_EINVAL, "%s: expected one YAML value after '='", where_);
    }
    *out = map->items[0];
    map->items[0] = NULL;
    node_free(map);
    return CS_OK;
}

/* Whether s is a decimal index (digits only); its value in *i. */
static bool parse_index(const char *s, size_t *i)
{
    if (s[0] == '\0' || strspn(s, "0123456789") != strlen(s) || strlen(s) > 18) return false;
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

/* Checks that every component of a dotted key is non-empty and short. */
static cs_status check_components(const char *key, const char *where_, cs_error *err)
{
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
    cs_ynode *k = node_new(CS_YSCALAR, 0, 0, set);
    if (k == NULL || (k->value = dup_str(key)) == NULL || !node_append(map, k, value)) {
        node_free(k);
        return false;
    }
    k->plain = !text_looks_typed(key);
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
                cs_ynode *m = node_new(CS_YMAP, 0, 0, set);
                if (m == NULL || !add_key(n, c, m, set)) {
                    node_free(m);
                    return cs_errorf(err, CS_ENOMEM, "%s: out of memory", where_);
                }
                s = &n->items[n->n - 1];
            }
        } else if (n->kind == CS_YSEQ) {
            if (!parse_index(c, &i))
                return cs_errorf(err, CS_EINVAL,
                                 "%s: %s is a list: expected an index, found \"%s\"", where_, here,
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
    if ((d->sets[d->nsets] = dup_str(assignment)) == NULL) return 0;
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
        node_free(*slot);
        *slot = value;
        value = NULL;
    } else if (rc == CS_OK) {
        if (add_key(parent, last, value, set))
            value = NULL;
        else
            rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", where_);
    }
    node_free(value);
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

static bool emit_node(yaml_emitter_t *e, const cs_ynode *n)
{
    yaml_event_t ev;
    if (n->kind == CS_YSCALAR) {
        const size_t len = strlen(n->value);
        if (len > INT_MAX) return false;
        /* A plain scalar stays plain; a quoted one must not be written plain (plain_implicit 0
         * makes libyaml quote it), or "yes" or "1e3" would come back as a bool or a number. */
        yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
        if (n->plain)
            style = YAML_PLAIN_SCALAR_STYLE;
        else if (strchr(n->value, '\n') != NULL)
            style = YAML_LITERAL_SCALAR_STYLE;
        const int ok = yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)n->value,
                                                    (int)len, n->plain ? 1 : 0, 1, style);
        return ok && yaml_emitter_emit(e, &ev);
    }
    const bool map = n->kind == CS_YMAP;
    const int ok =
        map ? yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE)
            : yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
    if (!ok || !yaml_emitter_emit(e, &ev)) return false;
    for (size_t i = 0; i < n->n; i++) {
        if (map && !emit_node(e, n->keys[i])) return false;
        if (!emit_node(e, n->items[i])) return false;
    }
    if (!(map ? yaml_mapping_end_event_initialize(&ev) : yaml_sequence_end_event_initialize(&ev)))
        return false;
    return yaml_emitter_emit(e, &ev);
}

static bool emit_doc(yaml_emitter_t *e, const cs_ynode *root)
{
    yaml_event_t ev;
    if (!yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) || !yaml_emitter_emit(e, &ev))
        return false;
    if (!yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) ||
        !yaml_emitter_emit(e, &ev))
        return false;
    if (!emit_node(e, root)) return false;
    if (!yaml_document_end_event_initialize(&ev, 1) || !yaml_emitter_emit(e, &ev)) return false;
    return yaml_stream_end_event_initialize(&ev) && yaml_emitter_emit(e, &ev);
}

char *cs_ydoc_emit(const cs_ydoc_t *d)
{
    outbuf o = {NULL, 0, 0, false};
    yaml_emitter_t e;
    if (!yaml_emitter_initialize(&e)) return NULL;
    yaml_emitter_set_output(&e, write_out, &o);
    yaml_emitter_set_unicode(&e, 1);
    yaml_emitter_set_indent(&e, 2);
    yaml_emitter_set_width(&e, -1); /* no folding of long strings */
    const bool ok = emit_doc(&e, d->root) && yaml_emitter_flush(&e);
    yaml_emitter_delete(&e);
    if (!ok || o.oom) {
        free(o.buf);
        return NULL;
    }
    if (o.buf == NULL) o.buf = calloc(1, 1);
    return o.buf;
}

/* ----------------------------------------------------------------- getters */

bool cs_ynode_is_null(const cs_ynode *node)
{
    return is_null(node);
}

const cs_ynode *cs_ymap_get(const cs_ynode *map, const char *key)
{
    if (map == NULL || map->kind != CS_YMAP) return NULL;
    for (size_t i = 0; i < map->n; i++)
        if (strcmp(map->keys[i]->value, key) == 0) return map->items[i];
    return NULL;
}

/* "a, b, c" into buf. */
static void join_keys(const char *const *keys, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; keys[i] != NULL && o < n; i++) {
        const int k = snprintf(buf + o, n - o, "%s%s", i ? ", " : "", keys[i]);
        if (k < 0) break;
        o += (size_t)k;
    }
}

cs_status cs_ymap_check_keys(const cs_ydoc_t *d, const cs_ynode *map, const char *const *allowed,
                             const char *what, cs_error *err)
{
    char list[512];
    join_keys(allowed, list, sizeof list);
    if (map == NULL || map->kind != CS_YMAP) {
        char exp[600];
        snprintf(exp, sizeof exp, "a map with keys %s", list);
        return cs_yerr(d, map, what, exp, err);
    }
    for (size_t i = 0; i < map->n; i++) {
        const char *k = map->keys[i]->value;
        size_t best = SIZE_MAX, bi = 0, j;
        for (j = 0; allowed[j] != NULL && strcmp(allowed[j], k) != 0; j++) {
            const size_t dist = cs_edit_distance(k, allowed[j]);
            if (dist < best) best = dist, bi = j;
        }
        if (allowed[j] != NULL) continue;
        char w[CS_ERROR_MSG_MAX / 2], q[200], hint[200] = "";
        where(d, map->keys[i], w, sizeof w);
        quote_text(k, 60, q, sizeof q);
        if (best <= 2 && best < strlen(k))
            snprintf(hint, sizeof hint, " (did you mean \"%s\"?)", allowed[bi]);
        return cs_errorf(err, CS_EINVAL, "%s: %s: unknown key %s%s; allowed keys: %s", w, what, q,
                         hint, list);
    }
    return CS_OK;
}

/*
 * Common start of every getter: *v is the value (NULL when absent or null,
 * then the caller stores its default), or an error when required and missing.
 */
static cs_status lookup(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                        const char *expected, const cs_ynode **v, cs_error *err)
{
    *v = cs_ymap_get(map, key);
    if (!is_null(*v)) return CS_OK;
    const cs_ynode *found = *v;
    *v = NULL;
    if (!required) return CS_OK;
    char kp[320];
    key_path(d, map, key, kp, sizeof kp);
    return found ? report(d, found, found, kp, expected, err)
                 : report(d, map, NULL, kp, expected, err);
}

/*
 * The value v of key in map is not what was expected. The key's dotted path is found only here,
 * on the error path: it searches the document from the root, so computing it for every value
 * read made N hazards cost O(N^2).
 */
static cs_status bad_value(const cs_ydoc_t *d, const cs_ynode *map, const char *key,
                           const cs_ynode *v, const char *expected, cs_error *err)
{
    char kp[320];
    key_path(d, map, key, kp, sizeof kp);
    return report(d, v, v, kp, expected, err);
}

/* Shortest text of x that reads back exactly; whole numbers without an exponent. */
static void shortest(double x, char *buf, size_t n)
{
    if (x == floor(x) && fabs(x) < 1e15) {
        snprintf(buf, n, "%.0f", x);
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, x);
        if (strtod(buf, NULL) == x) return;
    }
}

/* "a number in [lo, hi]", an infinite end written as a one-sided bound. */
static void range_text(double lo, double hi, char *buf, size_t n)
{
    char a[40], b[40];
    shortest(lo, a, sizeof a);
    shortest(hi, b, sizeof b);
    if (isinf(lo) && isinf(hi))
        snprintf(buf, n, "a number");
    else if (isinf(lo))
        snprintf(buf, n, "a number <= %s", b);
    else if (isinf(hi))
        snprintf(buf, n, "a number >= %s", a);
    else
        snprintf(buf, n, "a number in [%s, %s]", a, b);
}

cs_status cs_yget_double(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                         double lo, double hi, double dflt, double *out, cs_error *err)
{
    char exp[128];
    range_text(lo, hi, exp, sizeof exp);
    const cs_ynode *v;
    const cs_status rc = lookup(d, map, key, required, exp, &v, err);
    if (rc != CS_OK || v == NULL) {
        *out = dflt;
        return rc;
    }
    double x;
    if (v->kind != CS_YSCALAR || !v->plain || !text_double(v->value, &x) || x < lo || x > hi) {
        *out = dflt;
        return bad_value(d, map, key, v, exp, err);
    }
    *out = x;
    return CS_OK;
}

/* Integer bounds as text, exactly (a double would round 2^63 - 1). */
static void int_range_text(long long lo, long long hi, char *buf, size_t n)
{
    if (lo == LLONG_MIN && hi == LLONG_MAX)
        snprintf(buf, n, "an integer");
    else if (hi == LLONG_MAX)
        snprintf(buf, n, "an integer >= %lld", lo);
    else if (lo == LLONG_MIN)
        snprintf(buf, n, "an integer <= %lld", hi);
    else
        snprintf(buf, n, "an integer in [%lld, %lld]", lo, hi);
}

cs_status cs_yget_int(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                      long long lo, long long hi, long long dflt, long long *out, cs_error *err)
{
    char exp[128];
    int_range_text(lo, hi, exp, sizeof exp);
    const cs_ynode *v;
    const cs_status rc = lookup(d, map, key, required, exp, &v, err);
    if (rc != CS_OK || v == NULL) {
        *out = dflt;
        return rc;
    }
    long long x;
    if (v->kind != CS_YSCALAR || !v->plain || !text_int(v->value, &x) || x < lo || x > hi) {
        *out = dflt;
        return bad_value(d, map, key, v, exp, err);
    }
    *out = x;
    return CS_OK;
}

cs_status cs_yget_bool(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                       bool dflt, bool *out, cs_error *err)
{
    const char *exp = "true or false";
    const cs_ynode *v;
    const cs_status rc = lookup(d, map, key, required, exp, &v, err);
    if (rc != CS_OK || v == NULL) {
        *out = dflt;
        return rc;
    }
    bool x;
    if (v->kind != CS_YSCALAR || !v->plain || !text_bool(v->value, &x)) {
        *out = dflt;
        return bad_value(d, map, key, v, exp, err);
    }
    *out = x;
    return CS_OK;
}

cs_status cs_yget_string(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                         const char *dflt, const char **out, cs_error *err)
{
    const char *exp = "a string";
    const cs_ynode *v;
    const cs_status rc = lookup(d, map, key, required, exp, &v, err);
    if (rc != CS_OK || v == NULL) {
        *out = dflt;
        return rc;
    }
    if (v->kind != CS_YSCALAR) {
        *out = dflt;
        return bad_value(d, map, key, v, exp, err);
    }
    *out = v->value;
    return CS_OK;
}

/* "\"a\", \"b\" or \"c\"" into buf. */
static void choices_text(const char *const *choices, char *buf, size_t n)
{
    size_t count = 0, o = 0;
    while (choices[count] != NULL)
        count++;
    buf[0] = '\0';
    for (size_t i = 0; i < count && o < n; i++) {
        const char *sep = i == 0 ? "" : (i + 1 == count ? " or " : ", ");
        const int k = snprintf(buf + o, n - o, "%s\"%s\"", sep, choices[i]);
        if (k < 0) break;
        o += (size_t)k;
    }
}

cs_status cs_yget_enum(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                       const char *const *choices, int dflt, int *out, cs_error *err)
{
    char exp[512];
    choices_text(choices, exp, sizeof exp);
    const cs_ynode *v;
    const cs_status rc = lookup(d, map, key, required, exp, &v, err);
    *out = dflt;
    if (rc != CS_OK || v == NULL) return rc;
    if (v->kind == CS_YSCALAR)
        for (int i = 0; choices[i] != NULL; i++)
            if (strcmp(choices[i], v->value) == 0) {
                *out = i;
                return CS_OK;
            }
    return bad_value(d, map, key, v, exp, err);
}

cs_status cs_yget_seq(const cs_ydoc_t *d, const cs_ynode *map, const char *key, bool required,
                      const cs_ynode **out, cs_error *err)
{
    const char *exp = "a list";
    const cs_ynode *v;
    *out = NULL;
    const cs_status rc = lookup(d, map, key, required, exp, &v, err);
    if (rc != CS_OK || v == NULL) return rc;
    if (v->kind != CS_YSEQ) return bad_value(d, map, key, v, exp, err);
    *out = v;
    return CS_OK;
}
