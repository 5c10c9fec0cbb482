/* test_ydoc.c: YAML document tree: positions, rejected constructs, getters, overrides, emission. */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cablesim/ydoc.h"
#include "core/strmap.h"

/* ---------------------------------------------------------------- helpers */

static cs_ydoc_t *load_ok(const char *text)
{
    cs_error err = CS_ERROR_INIT;
    cs_ydoc_t *d = NULL;
    const cs_status rc = cs_ydoc_load_string(&d, text, "t.yaml", &err);
    if (rc != CS_OK) fail_msg("unexpected error: %s", err.msg);
    assert_non_null(d);
    return d;
}

/* Loads text expecting failure with code and exactly msg. */
static void load_fails(const char *text, cs_status code, const char *msg)
{
    cs_error err = CS_ERROR_INIT;
    cs_ydoc_t *d = (cs_ydoc_t *)&err; /* must be reset to NULL */
    assert_int_equal(cs_ydoc_load_string(&d, text, "t.yaml", &err), code);
    assert_null(d);
    assert_string_equal(err.msg, msg);
}

static void assert_pos(const cs_ynode *n, size_t line, size_t column)
{
    assert_non_null(n);
    assert_int_equal(n->line, line);
    assert_int_equal(n->column, column);
}

/* Structural equality: kinds, texts, plainness, keys and order. */
static bool tree_equal(const cs_ynode *a, const cs_ynode *b)
{
    if (a->kind != b->kind || a->n != b->n) return false;
    if (a->kind == CS_YSCALAR) return a->plain == b->plain && strcmp(a->value, b->value) == 0;
    for (size_t i = 0; i < a->n; i++) {
        if (a->kind == CS_YMAP && !tree_equal(a->keys[i], b->keys[i])) return false;
        if (!tree_equal(a->items[i], b->items[i])) return false;
    }
    return true;
}

/* Emits d, parses the text back, checks the trees are equal and emission is stable. */
static char *round_trip(const cs_ydoc_t *d)
{
    char *text = cs_ydoc_emit(d);
    assert_non_null(text);
    cs_ydoc_t *back = load_ok(text);
    assert_true(tree_equal(cs_ydoc_root(d), cs_ydoc_root(back)));
    char *again = cs_ydoc_emit(back);
    assert_non_null(again);
    assert_string_equal(text, again);
    free(again);
    cs_ydoc_free(back);
    return text;
}

static const char sample[] = "# a scenario\n"
                             "name: Nankai   # comment\n"
                             "trials: 1000\n"
                             "hazards:\n"
                             "  - type: earthquake\n"
                             "    magnitude: 8.5\n"
                             "output: {edge_flow: false, latency: true}\n"
                             "quoted: \"yes\"\n"
                             "empty:\n";

/* -------------------------------------------------------------- positions */

static void test_positions(void **state)
{
    (void)state;
    cs_ydoc_t *d = load_ok(sample);
    const cs_ynode *r = cs_ydoc_root(d);
    assert_int_equal(r->kind, CS_YMAP);
    assert_int_equal(r->n, 6);
    assert_pos(r, 2, 1); /* a block map starts at its first key */
    assert_string_equal(r->keys[0]->value, "name");
    assert_pos(r->keys[0], 2, 1);
    assert_pos(r->items[0], 2, 7);
    assert_string_equal(r->items[0]->value, "Nankai");
    assert_true(r->items[0]->plain);
    assert_int_equal(r->items[0]->set, 0);
    const cs_ynode *hz = cs_ymap_get(r, "hazards");
    assert_int_equal(hz->kind, CS_YSEQ);
    assert_null(hz->keys);
    assert_pos(hz, 5, 3);
    assert_pos(hz->items[0], 5, 5);
    assert_pos(cs_ymap_get(hz->items[0], "magnitude"), 6, 16);
    const cs_ynode *out = cs_ymap_get(r, "output");
    assert_int_equal(out->kind, CS_YMAP);
    assert_pos(out, 7, 9);
    assert_pos(out->keys[1], 7, 28);
    assert_pos(cs_ymap_get(out, "latency"), 7, 37);
    const cs_ynode *q = cs_ymap_get(r, "quoted");
    assert_false(q->plain);
    assert_string_equal(q->value, "yes");
    assert_pos(q, 8, 9);
    const cs_ynode *e = cs_ymap_get(r, "empty");
    assert_true(cs_ynode_is_null(e));
    assert_string_equal(e->value, "");
    assert_null(cs_ymap_get(r, "absent"));
    assert_null(cs_ymap_get(hz, "type")); /* not a map */
    assert_string_equal(cs_ydoc_name(d), "t.yaml");
    char p[64];
    assert_true(cs_ydoc_path(d, cs_ymap_get(hz->items[0], "magnitude"), p, sizeof p));
    assert_string_equal(p, "hazards.0.magnitude");
    assert_true(cs_ydoc_path(d, r, p, sizeof p));
    assert_string_equal(p, "");
    assert_false(cs_ydoc_path(d, NULL, p, sizeof p));
    assert_false(cs_ydoc_path(d, cs_ymap_get(hz->items[0], "magnitude"), p, 10)); /* too small */
    cs_ydoc_free(d);
    cs_ydoc_free(NULL);
}

static void test_null_root_is_empty_map(void **state)
{
    (void)state;
    const char *texts[] = {"", "# only a comment\n", "---\n", "~\n", "null"};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        cs_ydoc_t *d = load_ok(texts[i]);
        assert_int_equal(cs_ydoc_root(d)->kind, CS_YMAP);
        assert_int_equal(cs_ydoc_root(d)->n, 0);
        cs_ydoc_free(d);
    }
    /* Any other root is kept as it is: a list here. */
    cs_ydoc_t *d = load_ok("- 1\n- two\n");
    assert_int_equal(cs_ydoc_root(d)->kind, CS_YSEQ);
    assert_int_equal(cs_ydoc_root(d)->n, 2);
    cs_ydoc_free(d);
}

static void test_load_file(void **state)
{
    (void)state;
    char dir[] = "/tmp/cs-ydoc-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/s.yaml", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("\n\nseed:   42\n", f);
    fclose(f);
    cs_error err = CS_ERROR_INIT;
    cs_ydoc_t *d = NULL;
    assert_int_equal(cs_ydoc_load(&d, path, &err), CS_OK);
    assert_string_equal(cs_ydoc_name(d), path);
    assert_pos(cs_ymap_get(cs_ydoc_root(d), "seed"), 3, 9);
    long long seed = 0;
    assert_int_equal(cs_yget_int(d, cs_ydoc_root(d), "seed", true, 0, 41, 0, &seed, &err),
                     CS_EINVAL);
    char expect[256];
    snprintf(expect, sizeof expect, "%s:3:9: seed: expected an integer in [0, 41], found \"42\"",
             path);
    assert_string_equal(err.msg, expect);
    cs_ydoc_free(d);
    unlink(path);
    cs_error_clear(&err);
    d = (cs_ydoc_t *)&err;
    assert_int_equal(cs_ydoc_load(&d, path, &err), CS_EIO);
    assert_null(d);
    snprintf(expect, sizeof expect, "%s: cannot open: No such file or directory", path);
    assert_string_equal(err.msg, expect);
    rmdir(dir);
}

/* ------------------------------------------------------ rejected constructs */

static void test_rejected(void **state)
{
    (void)state;
    load_fails("a: &x 1\nb: 2\n", CS_EPARSE,
               "t.yaml:1:4: anchors (&x) are not supported; repeat the value");
    load_fails("a: 1\nb: *x\n", CS_EPARSE,
               "t.yaml:2:4: aliases (*x) are not supported; repeat the value");
    load_fails("a: 1\nb:\n  c: 2\n  d: 3\n  c: 4\n", CS_EPARSE,
               "t.yaml:5:3: duplicate key \"c\" (first at line 3)");
    /* Keys are compared as text: a quoted "a" repeats a plain a. */
    load_fails("{a: 1, \"a\": 2}", CS_EPARSE, "t.yaml:1:8: duplicate key \"a\" (first at line 1)");
    load_fails("a: 1\n---\nb: 2\n", CS_EPARSE,
               "t.yaml:2:1: a second YAML document (a scenario file holds one document)");
    load_fails("? [a, b]\n: 1\n", CS_EPARSE,
               "t.yaml:1:3: map keys must be scalars (strings), found a list");
    load_fails("{{a: 1}: 2}", CS_EPARSE,
               "t.yaml:1:2: map keys must be scalars (strings), found a map");
    load_fails("a: !custom 1\n", CS_EPARSE,
               "t.yaml:1:4: unsupported tag \"!custom\" (only the standard tags !!str, !!int, "
               "!!float, !!bool, !!null on scalars, !!map on maps and !!seq on lists)");
    load_fails("a: !!map [1]\n", CS_EPARSE,
               "t.yaml:1:4: unsupported tag \"!!map\" (only the standard tags !!str, !!int, "
               "!!float, !!bool, !!null on scalars, !!map on maps and !!seq on lists)");
    load_fails("a: \"x\\0y\"\n", CS_EPARSE,
               "t.yaml:1:4: a NUL character in a string is not supported");
    load_fails("a: [1, 2\nb: 3\n", CS_EPARSE,
               "t.yaml:2:2: invalid YAML: did not find expected ',' or ']' (while parsing a flow "
               "sequence)");
    load_fails("a: b: c\n", CS_EPARSE,
               "t.yaml:1:5: invalid YAML: mapping values are not allowed in this context");
    load_fails("a: 1\n  b: 2\n", CS_EPARSE,
               "t.yaml:2:4: invalid YAML: mapping values are not allowed in this context");
    load_fails("a: 1\nb: \x01\n", CS_EPARSE,
               "t.yaml:2:4: invalid YAML: control characters are not allowed");
    load_fails("a: \xc3\x28\n", CS_EPARSE,
               "t.yaml:1:5: invalid YAML: invalid trailing UTF-8 octet");
    /* Deep nesting is refused before it can exhaust the stack. */
    char deep[1024];
    memset(deep, '[', 300);
    deep[300] = '\0';
    load_fails(deep, CS_EPARSE, "t.yaml:1:201: maps and lists nested deeper than 200 levels");
}

static void test_standard_tags(void **state)
{
    (void)state;
    cs_ydoc_t *d = load_ok("a: !!str 12\nb: !!int \"7\"\nc: !!seq [x]\nd: !!map {k: v}\n");
    const cs_ynode *r = cs_ydoc_root(d);
    assert_false(cs_ymap_get(r, "a")->plain); /* !!str: a string, not a number */
    assert_true(cs_ymap_get(r, "b")->plain);  /* !!int asks for the typed reading */
    long long b = 0;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_yget_int(d, r, "b", true, 0, 10, 0, &b, &err), CS_OK);
    assert_int_equal(b, 7);
    assert_int_equal(cs_yget_int(d, r, "a", true, 0, 100, 0, &b, &err), CS_EINVAL);
    assert_string_equal(err.msg,
                        "t.yaml:1:4: a: expected an integer in [0, 100], found the string \"12\"");
    cs_ydoc_free(d);
}

/* ---------------------------------------------------------------- getters */

static const char typed[] = "s: abc\n"          /* 1 */
                            "x: 2.5\n"          /* 2 */
                            "l: [1]\n"          /* 3 */
                            "m: {k: 1, n: ~}\n" /* 4 */
                            "q: \"7\"\n"        /* 5 */
                            "y: yes\n"          /* 6 */
                            "e: 1e3\n"          /* 7 */
                            "z:\n"              /* 8 */
                            "i: -3\n"           /* 9 */
                            "big: 9223372036854775807\n"
                            "over: 9223372036854775808\n"
                            "inf: .inf\n"
                            "nan: nan\n"
                            "t: True\n"
                            "f: false\n"
                            "lead: ' 1'\n";

static void test_get_double(void **state)
{
    (void)state;
    cs_ydoc_t *d = load_ok(typed);
    const cs_ynode *r = cs_ydoc_root(d);
    cs_error err = CS_ERROR_INIT;
    double v = 0;
    assert_int_equal(cs_yget_double(d, r, "x", true, 0, 10, -1, &v, &err), CS_OK);
    assert_float_equal(v, 2.5, 0.0);
    assert_int_equal(cs_yget_double(d, r, "e", true, 0, 1e4, -1, &v, &err), CS_OK);
    assert_float_equal(v, 1000.0, 0.0);
    assert_int_equal(cs_yget_double(d, r, "i", true, -3, 0, -1, &v, &err), CS_OK); /* inclusive */
    assert_float_equal(v, -3.0, 0.0);
    assert_int_equal(cs_yget_double(d, r, "absent", false, 0, 1, 0.625, &v, &err), CS_OK);
    assert_float_equal(v, 0.625, 0.0);
    assert_int_equal(cs_yget_double(d, r, "z", false, 0, 1, 0.375, &v, &err), CS_OK); /* null */
    assert_float_equal(v, 0.375, 0.0);
    const struct {
        const char *key;
        double lo, hi;
        const char *msg;
    } bad[] = {
        {"s", 0, 10, "t.yaml:1:4: s: expected a number in [0, 10], found \"abc\""},
        {"x", 0, 2.25, "t.yaml:2:4: x: expected a number in [0, 2.25], found \"2.5\""},
        {"x", 2.75, 1e300, "t.yaml:2:4: x: expected a number in [2.75, 1e+300], found \"2.5\""},
        {"l", 0, 10, "t.yaml:3:4: l: expected a number in [0, 10], found a list"},
        {"m", -INFINITY, INFINITY, "t.yaml:4:4: m: expected a number, found a map"},
        {"q", 0, INFINITY, "t.yaml:5:4: q: expected a number >= 0, found the string \"7\""},
        {"y", -INFINITY, 0.1, "t.yaml:6:4: y: expected a number <= 0.1, found \"yes\""},
        {"inf", -INFINITY, INFINITY, "t.yaml:12:6: inf: expected a number, found \".inf\""},
        {"nan", -INFINITY, INFINITY, "t.yaml:13:6: nan: expected a number, found \"nan\""},
        {"lead", -INFINITY, INFINITY, "t.yaml:16:7: lead: expected a number, found \" 1\""},
        {"absent", 0, 1, "t.yaml:1:1: absent: expected a number in [0, 1], found nothing"},
        {"z", 0, 1, "t.yaml:8:3: z: expected a number in [0, 1], found null"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cs_error_clear(&err);
        v = 0;
        assert_int_equal(
            cs_yget_double(d, r, bad[i].key, true, bad[i].lo, bad[i].hi, 9.5, &v, &err), CS_EINVAL);
        assert_string_equal(err.msg, bad[i].msg);
        assert_float_equal(v, 9.5, 0.0);
    }
    /* Nested maps are named by their dotted path. */
    cs_error_clear(&err);
    assert_int_equal(cs_yget_double(d, cs_ymap_get(r, "m"), "k", true, 2, 3, 0, &v, &err),
                     CS_EINVAL);
    assert_string_equal(err.msg, "t.yaml:4:8: m.k: expected a number in [2, 3], found \"1\"");
    cs_ydoc_free(d);
}

static void test_get_int(void **state)
{
    (void)state;
    cs_ydoc_t *d = load_ok(typed);
    const cs_ynode *r = cs_ydoc_root(d);
    cs_error err = CS_ERROR_INIT;
    long long v = 0;
    assert_int_equal(cs_yget_int(d, r, "i", true, -5, 5, 0, &v, &err), CS_OK);
    assert_int_equal(v, -3);
    assert_int_equal(cs_yget_int(d, r, "e", true, 0, 1000, 0, &v, &err), CS_OK); /* 1e3 is whole */
    assert_int_equal(v, 1000);
    assert_int_equal(cs_yget_int(d, r, "big", true, 0, LLONG_MAX, 0, &v, &err), CS_OK);
    assert_true(v == LLONG_MAX);
    assert_int_equal(cs_yget_int(d, r, "absent", false, 0, 9, 7, &v, &err), CS_OK);
    assert_int_equal(v, 7);
    const struct {
        const char *key;
        long long lo, hi;
        const char *msg;
    } bad[] = {
        {"x", 0, 100, "t.yaml:2:4: x: expected an integer in [0, 100], found \"2.5\""},
        {"e", 0, 999, "t.yaml:7:4: e: expected an integer in [0, 999], found \"1e3\""},
        {"i", 0, LLONG_MAX, "t.yaml:9:4: i: expected an integer >= 0, found \"-3\""},
        {"i", LLONG_MIN, -4, "t.yaml:9:4: i: expected an integer <= -4, found \"-3\""},
        {"over", LLONG_MIN, LLONG_MAX,
         "t.yaml:11:7: over: expected an integer, found \"9223372036854775808\""},
        {"q", 0, 10, "t.yaml:5:4: q: expected an integer in [0, 10], found the string \"7\""},
        {"s", 0, 10, "t.yaml:1:4: s: expected an integer in [0, 10], found \"abc\""},
        {"m", 0, 10, "t.yaml:4:4: m: expected an integer in [0, 10], found a map"},
        {"l", 0, 10, "t.yaml:3:4: l: expected an integer in [0, 10], found a list"},
        {"missing", 1, 2, "t.yaml:1:1: missing: expected an integer in [1, 2], found nothing"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cs_error_clear(&err);
        v = 0;
        assert_int_equal(cs_yget_int(d, r, bad[i].key, true, bad[i].lo, bad[i].hi, 5, &v, &err),
                         CS_EINVAL);
        assert_string_equal(err.msg, bad[i].msg);
        assert_int_equal(v, 5);
    }
    cs_ydoc_free(d);
}

static void test_get_bool_string_enum_seq(void **state)
{
    (void)state;
    cs_ydoc_t *d = load_ok(typed);
    const cs_ynode *r = cs_ydoc_root(d);
    cs_error err = CS_ERROR_INIT;
    bool b = false;
    assert_int_equal(cs_yget_bool(d, r, "t", true, false, &b, &err), CS_OK);
    assert_true(b);
    assert_int_equal(cs_yget_bool(d, r, "f", true, true, &b, &err), CS_OK);
    assert_false(b);
    assert_int_equal(cs_yget_bool(d, r, "absent", false, true, &b, &err), CS_OK);
    assert_true(b);
    assert_int_equal(cs_yget_bool(d, r, "y", false, false, &b, &err), CS_EINVAL);
    assert_string_equal(err.msg, "t.yaml:6:4: y: expected true or false, found \"yes\"");
    cs_error_clear(&err);
    assert_int_equal(cs_yget_bool(d, r, "l", false, false, &b, &err), CS_EINVAL);
    assert_string_equal(err.msg, "t.yaml:3:4: l: expected true or false, found a list");

    const char *s = NULL;
    cs_error_clear(&err);
    assert_int_equal(cs_yget_string(d, r, "s", true, NULL, &s, &err), CS_OK);
    assert_string_equal(s, "abc");
    assert_int_equal(cs_yget_string(d, r, "x", true, NULL, &s, &err), CS_OK); /* any scalar */
    assert_string_equal(s, "2.5");
    assert_int_equal(cs_yget_string(d, r, "z", false, "dflt", &s, &err), CS_OK); /* null */
    assert_string_equal(s, "dflt");
    assert_int_equal(cs_yget_string(d, r, "m", true, NULL, &s, &err), CS_EINVAL);
    assert_string_equal(err.msg, "t.yaml:4:4: m: expected a string, found a map");
    cs_error_clear(&err);
    assert_int_equal(cs_yget_string(d, r, "z", true, NULL, &s, &err), CS_EINVAL);
    assert_string_equal(err.msg, "t.yaml:8:3: z: expected a string, found null");
    cs_error_clear(&err);
    assert_int_equal(cs_yget_string(d, cs_ymap_get(r, "m"), "n", true, NULL, &s, &err), CS_EINVAL);
    assert_string_equal(err.msg, "t.yaml:4:14: m.n: expected a string, found null");

    static const char *const two[] = {"latency-first", "maxflow", NULL};
    static const char *const three[] = {"a", "abc", "b", NULL};
    int k = -1;
    cs_error_clear(&err);
    assert_int_equal(cs_yget_enum(d, r, "s", true, three, 0, &k, &err), CS_OK);
    assert_int_equal(k, 1);
    assert_int_equal(cs_yget_enum(d, r, "absent", false, two, 1, &k, &err), CS_OK);
    assert_int_equal(k, 1);
    assert_int_equal(cs_yget_enum(d, r, "s", true, two, 0, &k, &err), CS_EINVAL);
    assert_string_equal(err.msg,
                        "t.yaml:1:4: s: expected \"latency-first\" or \"maxflow\", found \"abc\"");
    cs_error_clear(&err);
    assert_int_equal(cs_yget_enum(d, r, "l", true, three, 0, &k, &err), CS_EINVAL);
    assert_string_equal(err.msg, "t.yaml:3:4: l: expected \"a\", \"abc\" or \"b\", found a list");
    /* A value near a choice, or a part of one, gets the one did-you-mean hint. */
    static const char *const types[] = {"random_faults", "earthquake", "sabotage", NULL};
    cs_ydoc_t *h = load_ok("a: random\nb: earthquak\nc: tsunami\n");
    const cs_ynode *hr = cs_ydoc_root(h);
    cs_error_clear(&err);
    assert_int_equal(cs_yget_enum(h, hr, "a", true, types, 0, &k, &err), CS_EINVAL);
    assert_string_equal(err.msg,
                        "t.yaml:1:4: a: expected \"random_faults\", \"earthquake\" or "
                        "\"sabotage\", found \"random\" (did you mean \"random_faults\"?)");
    cs_error_clear(&err);
    assert_int_equal(cs_yget_enum(h, hr, "b", true, types, 0, &k, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "t.yaml:2:4: b: expected "));
    assert_non_null(strstr(err.msg, "found \"earthquak\" (did you mean \"earthquake\"?)"));
    cs_error_clear(&err);
    assert_int_equal(cs_yget_enum(h, hr, "c", true, types, 0, &k, &err), CS_EINVAL);
    assert_null(strstr(err.msg, "did you mean"));
    cs_ydoc_free(h);

    const cs_ynode *seq = NULL;
    cs_error_clear(&err);
    assert_int_equal(cs_yget_seq(d, r, "l", true, &seq, &err), CS_OK);
    assert_ptr_equal(seq, cs_ymap_get(r, "l"));
    assert_int_equal(cs_yget_seq(d, r, "absent", false, &seq, &err), CS_OK);
    assert_null(seq);
    assert_int_equal(cs_yget_seq(d, r, "m", false, &seq, &err), CS_EINVAL);
    assert_string_equal(err.msg, "t.yaml:4:4: m: expected a list, found a map");
    cs_error_clear(&err);
    assert_int_equal(cs_yget_seq(d, r, "absent", true, &seq, &err), CS_EINVAL);
    assert_string_equal(err.msg, "t.yaml:1:1: absent: expected a list, found nothing");
    cs_ydoc_free(d);
}

static void test_yerr_and_describe(void **state)
{
    (void)state;
    cs_ydoc_t *d =
        load_ok("a: \"tab\\there \\\"q\\\" back\\\\slash\"\n"
                "long: 0123456789012345678901234567890123456789012345678901234567890123\n"
                "u: \"\xe6\x9d\xb1\xe4\xba\xac\xe6\x9d\xb1\xe4\xba\xac\xe6\x9d\xb1"
                "\xe4\xba\xac\xe6\x9d\xb1\xe4\xba\xac\xe6\x9d\xb1\xe4\xba\xac\xe6\x9d\xb1"
                "\xe4\xba\xac\xe6\x9d\xb1\xe4\xba\xac\xe6\x9d\xb1\xe4\xba\xac\xe6\x9d\xb1"
                "\xe4\xba\xac\xe6\x9d\xb1\xe4\xba\xac\xe6\x9d\xb1\xe4\xba\xac\"\n");
    const cs_ynode *r = cs_ydoc_root(d);
    char buf[200];
    cs_ydescribe(cs_ymap_get(r, "a"), buf, sizeof buf);
    assert_string_equal(buf, "\"tab\\there \\\"q\\\" back\\\\slash\"");
    cs_ydescribe(cs_ymap_get(r, "long"), buf, sizeof buf); /* cut at 60 bytes */
    assert_string_equal(buf, "\"012345678901234567890123456789012345678901234567890123456789...\"");
    /* 22 three-byte characters: the cut backs off to a character boundary (20 = 60 bytes). */
    cs_ydescribe(cs_ymap_get(r, "u"), buf, sizeof buf);
    assert_int_equal(strlen(buf), 1 + 60 + 3 + 1);
    cs_ydescribe(NULL, buf, sizeof buf);
    assert_string_equal(buf, "nothing");
    cs_ydescribe(r, buf, 4); /* truncated to the buffer */
    assert_string_equal(buf, "a m");

    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_yerr(d, cs_ymap_get(r, "long"), "cable", "a cable name", &err), CS_EINVAL);
    assert_string_equal(err.msg,
                        "t.yaml:2:7: cable: expected a cable name, found "
                        "\"012345678901234567890123456789012345678901234567890123456789...\"");
    cs_error_clear(&err);
    assert_int_equal(cs_yerr(d, NULL, "k", "something", &err), CS_EINVAL);
    assert_string_equal(err.msg, "t.yaml: k: expected something, found nothing");
    cs_error_clear(&err);
    assert_int_equal(cs_yerr_missing(d, r, "hazards.0.epicentre", "a [lon, lat] position", &err),
                     CS_EINVAL);
    assert_string_equal(
        err.msg, "t.yaml:1:1: hazards.0.epicentre: expected a [lon, lat] position, found nothing");
    cs_ydoc_free(d);
}

/* The one did-you-mean distance (keys here, topology names in hazards). */
static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(cs_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(cs_edit_distance("trails", "trials"), 2); /* no transpositions */
    assert_int_equal(cs_edit_distance("", "seed"), 4);
    assert_int_equal(cs_edit_distance("seed", ""), 4);
    assert_int_equal(cs_edit_distance("", ""), 0);
    assert_int_equal(cs_edit_distance("Trials", "trials"), 0); /* ASCII case ignored */
    assert_int_equal(cs_edit_distance("JP-TOKYO", "jp-tokyo"), 0);
    assert_int_equal(cs_edit_distance("ls-chikura", "ls-chikra"), 1);
    assert_int_equal(cs_edit_distance("ls-chikra", "ls-chikura"), 1); /* symmetric */
    /* Strings up to CS_EDIT_DISTANCE_MAX bytes are measured; longer ones are not. */
    char a[CS_EDIT_DISTANCE_MAX + 2], b[CS_EDIT_DISTANCE_MAX + 2];
    memset(a, 'a', CS_EDIT_DISTANCE_MAX);
    a[CS_EDIT_DISTANCE_MAX] = '\0';
    memcpy(b, a, sizeof a);
    b[7] = 'b';
    assert_int_equal(cs_edit_distance(a, b), 1);
    a[CS_EDIT_DISTANCE_MAX] = 'a';
    a[CS_EDIT_DISTANCE_MAX + 1] = '\0';
    assert_int_equal(cs_edit_distance(a, b), SIZE_MAX);
    assert_int_equal(cs_edit_distance(b, a), SIZE_MAX);
}

/* The one rule of every did-you-mean hint: within max(2, len / 3) edits and closer than the
 * name is long; the nearest single name and the three nearest distinct ones. */
static void test_near_rule(void **state)
{
    (void)state;
    assert_true(cs_name_is_near("trails", 2));
    assert_false(cs_name_is_near("trails", 3));
    assert_true(cs_name_is_near("restoration_shar", 5)); /* 16 bytes: limit 5 */
    assert_false(cs_name_is_near("restoration_shar", 6));
    assert_false(cs_name_is_near("ab", 2)); /* no closer than it is long */
    assert_true(cs_name_is_near("ab", 1));
    static const char *const names[] = {"seed", "trials", "name", "trails"};
    assert_int_equal(cs_nearest_name("trails", names, 3), 1);
    assert_int_equal(cs_nearest_name("trailz", names, 4), 3); /* 1 edit, not 3 */
    assert_int_equal(cs_nearest_name("tirals", names, 4), 1); /* 2 and 2: the first */
    assert_int_equal(cs_nearest_name("zzzzzz", names, 4), SIZE_MAX);
    assert_int_equal(cs_nearest_name("x", names, 0), SIZE_MAX);
    cs_near3 n;
    cs_near3_init(&n);
    char buf[64];
    cs_near3_format(&n, buf, sizeof buf);
    assert_string_equal(buf, "");
    const char *const offers[] = {"pac-2",  "pac-1",   "zzzzzzz", "pac-1",
                                  "pac-12", "pac-2:1", "PAC-2"};
    for (size_t i = 0; i < 7; i++)
        cs_near3_offer(&n, "pac-2", offers[i]);
    /* distances 0, 1, -, 1 again (kept once), 1, 2, 0 (case ignored): the ties in the order
     * offered, the farthest dropped */
    cs_near3_format(&n, buf, sizeof buf);
    assert_string_equal(buf, " (nearest: \"pac-2\", \"PAC-2\", \"pac-1\")");
    cs_near3_format(&n, buf, 30); /* room for two names only: never half a name */
    assert_string_equal(buf, " (nearest: \"pac-2\", \"PAC-2\")");
}

/* cs_nearest_name beyond the distance rule: a name that contains what was written. */
static void test_nearest_name(void **state)
{
    (void)state;
    static const char *const types[] = {"random_faults", "earthquake",  "sediment_flow",
                                        "sabotage",      "anchor_drag", "station_attack",
                                        "explicit"};
    const size_t n = sizeof types / sizeof types[0];
    assert_int_equal(cs_nearest_name("randm_faults", types, n), 0); /* one edit */
    assert_int_equal(cs_nearest_name("Sabotage", types, n), 3);     /* case */
    assert_int_equal(cs_nearest_name("random", types, n), 0);       /* a prefix: 7 edits away */
    assert_int_equal(cs_nearest_name("RANDOM", types, n), 0);
    assert_int_equal(cs_nearest_name("quake", types, n), 1);   /* a part of the name */
    assert_int_equal(cs_nearest_name("station", types, n), 5); /* a prefix */
    assert_int_equal(cs_nearest_name("flow", types, n), 2);
    assert_int_equal(cs_nearest_name("tsunami", types, n), SIZE_MAX); /* nothing like it */
    assert_int_equal(cs_nearest_name("ra", types, n), SIZE_MAX);      /* too short to be a part */
    assert_int_equal(cs_nearest_name("", types, n), SIZE_MAX);
    /* Several names contain it: the nearest of them. */
    static const char *const scen[] = {"nankai-m9-long-variant", "nankai-m9", "japan-trench"};
    assert_int_equal(cs_nearest_name("nankai", scen, 3), 1);
    assert_int_equal(cs_nearest_name("trench", scen, 3), 2);
    /* A near miss wins over a name that contains the word. */
    static const char *const near[] = {"seeds_of_doubt", "seeds"};
    assert_int_equal(cs_nearest_name("seed", near, 2), 1);
    assert_int_equal(cs_nearest_name("x", near, 0), SIZE_MAX);
}

static void test_check_keys(void **state)
{
    (void)state;
    cs_ydoc_t *d = load_ok("name: x\ntrails: 5\nseed: 1\nzzzzzz: 1\nsub: [1]\n");
    const cs_ynode *r = cs_ydoc_root(d);
    static const char *const allowed[] = {"name", "trials", "seed", "zzzzzz", "sub", NULL};
    static const char *const fewer[] = {"name", "trials", "seed", NULL};
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_ymap_check_keys(d, r, allowed, "scenario", &err), CS_EINVAL);
    assert_string_equal(err.msg, "t.yaml:2:1: scenario: unknown key \"trails\" (did you mean "
                                 "\"trials\"?); allowed keys: name, trials, seed, zzzzzz, sub");
    static const char *const with_trails[] = {"name", "trails", "seed", NULL};
    cs_error_clear(&err);
    assert_int_equal(cs_ymap_check_keys(d, r, with_trails, "scenario", &err), CS_EINVAL);
    assert_string_equal(err.msg, "t.yaml:4:1: scenario: unknown key \"zzzzzz\"; allowed keys: "
                                 "name, trails, seed");
    static const char *const long_keys[] = {"name", "random_faults", NULL};
    cs_ydoc_t *p = load_ok("random: 1\n");
    cs_error_clear(&err);
    assert_int_equal(cs_ymap_check_keys(p, cs_ydoc_root(p), long_keys, "scenario", &err),
                     CS_EINVAL);
    assert_string_equal(err.msg, "t.yaml:1:1: scenario: unknown key \"random\" (did you mean "
                                 "\"random_faults\"?); allowed keys: name, random_faults");
    cs_ydoc_free(p);
    static const char *const all[] = {"sub", "zzzzzz", "seed", "trails", "name", NULL};
    assert_int_equal(cs_ymap_check_keys(d, r, all, "scenario", NULL), CS_OK);
    cs_error_clear(&err);
    assert_int_equal(cs_ymap_check_keys(d, cs_ymap_get(r, "sub"), fewer, "sub", &err), CS_EINVAL);
    assert_string_equal(
        err.msg, "t.yaml:5:6: sub: expected a map with keys name, trials, seed, found a list");
    cs_ydoc_free(d);
}

/* -------------------------------------------------------------- overrides */

static void set_ok(cs_ydoc_t *d, const char *assignment)
{
    cs_error err = CS_ERROR_INIT;
    const cs_status rc = cs_ydoc_set(d, assignment, &err);
    if (rc != CS_OK) fail_msg("--set %s: %s", assignment, err.msg);
}

static void set_fails(cs_ydoc_t *d, const char *assignment, cs_status code, const char *msg)
{
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_ydoc_set(d, assignment, &err), code);
    assert_string_equal(err.msg, msg);
}

static void test_set(void **state)
{
    (void)state;
    cs_ydoc_t *d = load_ok(sample);
    const cs_ynode *r = cs_ydoc_root(d);
    set_ok(d, "trials=250");
    set_ok(d, "output.edge_flow=true");
    set_ok(d, "hazards.0.magnitude=9.1");
    set_ok(d, "hazards.0.epicentre=[142.37, 38.3]");
    set_ok(d, "routing={policy: maxflow, rounds: 3}");
    set_ok(d, "name='a: b'");
    set_ok(d, "description=x=y"); /* the first '=' splits */
    const cs_ynode *t = cs_ymap_get(r, "trials");
    assert_string_equal(t->value, "250");
    assert_true(t->plain);
    assert_int_equal(t->set, 1);
    assert_int_equal(t->line, 0);
    assert_string_equal(cs_ymap_get(cs_ymap_get(r, "output"), "edge_flow")->value, "true");
    const cs_ynode *h = cs_ydoc_root(d) ? cs_ymap_get(r, "hazards")->items[0] : NULL;
    assert_string_equal(cs_ymap_get(h, "magnitude")->value, "9.1");
    const cs_ynode *ep = cs_ymap_get(h, "epicentre");
    assert_int_equal(ep->kind, CS_YSEQ);
    assert_int_equal(ep->n, 2);
    assert_string_equal(ep->items[1]->value, "38.3");
    assert_int_equal(ep->items[1]->set, 4);
    assert_string_equal(h->keys[2]->value, "epicentre"); /* added at the end, in order */
    const cs_ynode *rt = cs_ymap_get(r, "routing");
    assert_int_equal(rt->kind, CS_YMAP);
    assert_string_equal(cs_ymap_get(rt, "policy")->value, "maxflow");
    assert_false(cs_ymap_get(r, "name")->plain);
    assert_string_equal(cs_ymap_get(r, "name")->value, "a: b");
    assert_string_equal(cs_ymap_get(r, "description")->value, "x=y");
    assert_string_equal(r->keys[r->n - 2]->value, "routing");
    /* Missing maps along the path are made, in order, marked as made by the override. */
    set_ok(d, "limits.max.trials=5");
    const cs_ynode *lim = cs_ymap_get(r, "limits");
    assert_int_equal(lim->kind, CS_YMAP);
    assert_int_equal(lim->set, 8);
    assert_int_equal(r->keys[r->n - 1]->set, 8);
    const cs_ynode *mx = cs_ymap_get(lim, "max");
    assert_int_equal(mx->kind, CS_YMAP);
    assert_int_equal(mx->n, 1);
    assert_string_equal(cs_ymap_get(mx, "trials")->value, "5");
    set_ok(d, "output.extra.deep=x");
    assert_string_equal(cs_ymap_get(cs_ymap_get(cs_ymap_get(r, "output"), "extra"), "deep")->value,
                        "x");
    /* Setting to nothing makes the value null: the default applies. */
    set_ok(d, "empty=");
    assert_true(cs_ynode_is_null(cs_ymap_get(r, "empty")));

    /* Messages about overridden values point at the override. */
    cs_error err = CS_ERROR_INIT;
    long long v = 0;
    set_ok(d, "trials=0");
    assert_int_equal(cs_yget_int(d, r, "trials", true, 1, 100, 1, &v, &err), CS_EINVAL);
    assert_string_equal(err.msg,
                        "--set trials=0: trials: expected an integer in [1, 100], found \"0\"");
    cs_error_clear(&err);
    assert_int_equal(cs_yget_int(d, rt, "rounds", true, 4, 100, 1, &v, &err), CS_EINVAL);
    assert_string_equal(err.msg, "--set routing={policy: maxflow, rounds: 3}: routing.rounds: "
                                 "expected an integer in [4, 100], found \"3\"");
    char *text = round_trip(d);
    assert_non_null(strstr(text, "trials: 0\n"));
    assert_non_null(strstr(text, "name: 'a: b'\n"));
    assert_non_null(strstr(text, "  epicentre:\n  - 142.37\n  - 38.3\n"));
    assert_non_null(strstr(text, "limits:\n  max:\n    trials: 5\n"));
    assert_non_null(strstr(text, "output:\n  edge_flow: true\n  latency: true\n  extra:\n"
                                 "    deep: x\n"));
    free(text);
    cs_ydoc_free(d);
}

static void test_set_errors(void **state)
{
    (void)state;
    cs_ydoc_t *d = load_ok(sample);
    set_fails(d, "trials", CS_EINVAL, "--set trials: expected key=value, found no '='");
    set_fails(d, "=5", CS_EINVAL, "--set =5: empty key before '='");
    set_fails(d, "a..b=1", CS_EINVAL, "--set a..b=1: an empty component in key \"a..b\"");
    set_fails(d, "trials.=1", CS_EINVAL, "--set trials.=1: an empty component in key \"trials.\"");
    /* Found by fuzz_set: a key that is not UTF-8 was added, and the document could then not be
     * written (cs_ydoc_emit failed; the run said "out of memory"). Overlong and surrogate forms
     * too. */
    set_fails(d, "hazards.0.k\xff=1", CS_EINVAL,
              "--set hazards.0.k\xff=1: the key is not valid UTF-8");
    set_fails(d, "a\xc0\xaf=1", CS_EINVAL, "--set a\xc0\xaf=1: the key is not valid UTF-8");
    set_fails(d, "a\xed\xa0\x80=1", CS_EINVAL, "--set a\xed\xa0\x80=1: the key is not valid UTF-8");
    set_fails(d, "a\xe6\x97=1", CS_EINVAL, "--set a\xe6\x97=1: the key is not valid UTF-8");
    char *emitted = cs_ydoc_emit(d);
    assert_non_null(emitted); /* the document can still be written */
    free(emitted);
    set_fails(d, "hazardz.0.type=x", CS_EINVAL,
              "--set hazardz.0.type=x: unknown path component \"hazardz\" (no such key at the top "
              "level; a list is not made from a path, set it whole)");
    set_fails(d, "output.x.0=1", CS_EINVAL,
              "--set output.x.0=1: unknown path component \"x\" (no such key in \"output\"; a list "
              "is not made from a path, set it whole)");
    set_fails(d, "hazards.1.magnitude=9", CS_EINVAL,
              "--set hazards.1.magnitude=9: index 1 out of range (\"hazards\" has 1 item)");
    set_fails(d, "hazards.first=9", CS_EINVAL,
              "--set hazards.first=9: \"hazards\" is a list: expected an index, found \"first\"");
    set_fails(d, "a.b.c.1=1", CS_EINVAL,
              "--set a.b.c.1=1: unknown path component \"a\" (no such key at the top level; a list "
              "is not made from a path, set it whole)");
    set_fails(d, "trials.x=1", CS_EINVAL,
              "--set trials.x=1: \"trials\" is not a map or a list, so it has no \"x\"");
    set_fails(d, "hazards.0.type.x=1", CS_EINVAL,
              "--set hazards.0.type.x=1: \"hazards.0.type\" is not a map or a list, so it has no "
              "\"x\"");
    set_fails(d, "trials=[1", CS_EPARSE,
              "--set trials=[1: invalid YAML: did not find expected ',' or ']' (while parsing a "
              "flow sequence)");
    set_fails(d, "trials=a: b", CS_EPARSE,
              "--set trials=a: b: invalid YAML: mapping values are not allowed in this context");
    set_fails(d, "trials=1\nb: 2", CS_EINVAL,
              "--set trials=1\\nb: 2: expected one YAML value after '='");
    set_fails(d, "output={a: 1, a: 2}", CS_EPARSE,
              "--set output={a: 1, a: 2}: duplicate key \"a\"");
    set_fails(d, "trials=*x", CS_EPARSE,
              "--set trials=*x: aliases (*x) are not supported; repeat the value");
    /* Nothing was changed by the failures. */
    char *text = cs_ydoc_emit(d);
    cs_ydoc_t *orig = load_ok(sample);
    assert_true(tree_equal(cs_ydoc_root(d), cs_ydoc_root(orig)));
    cs_ydoc_free(orig);
    free(text);
    cs_ydoc_free(d);
}

/* ------------------------------------------------------------------ emit */

static void test_emit_quoting(void **state)
{
    (void)state;
    /* Strings that would change type or meaning if written plain. */
    cs_ydoc_t *d = load_ok("s:\n"
                           "  - \"yes\"\n"
                           "  - \"1e3\"\n"
                           "  - \"a: b\"\n"
                           "  - \"#x\"\n"
                           "  - \"x #y\"\n"
                           "  - \"\xe6\x9d\xb1\xe4\xba\xac\"\n"
                           "  - \"\"\n"
                           "  - \"null\"\n"
                           "  - \"~\"\n"
                           "  - \"true\"\n"
                           "  - \"- x\"\n"
                           "  - \" lead\"\n"
                           "  - \"trail \"\n"
                           "  - \"multi\\nline\\n\"\n"
                           "  - \"tab\\there\"\n"
                           "  - \"'single\"\n"
                           "  - \"\\\"double\"\n"
                           "  - \"[x\"\n"
                           "  - \"{y\"\n"
                           "  - \"*star\"\n"
                           "  - \"&amp\"\n"
                           "  - \"!bang\"\n"
                           "  - \"@at\"\n"
                           "  - \"%pct\"\n"
                           "  - \"|pipe\"\n"
                           "  - \"> gt\"\n"
                           "  - \"? q\"\n"
                           "  - \"ctl\\x01\"\n"
                           "  - \"0x1F\"\n"
                           "  - \"-.5\"\n"
                           "plain: [yes, 1e3, ~, null, true, x y, \xe6\x9d\xb1\xe4\xba\xac]\n"
                           "\"key: odd\": 1\n"
                           "\"1\": one\n"
                           "'#': hash\n"
                           "empty_map: {}\n"
                           "empty_list: []\n"
                           "nested: [[1, [2]], {a: {b: [c]}}]\n"
                           "nothing:\n");
    char *text = round_trip(d);
    /* Source style is kept: quoted stays quoted, plain stays plain, in block style. */
    assert_non_null(strstr(text, "s:\n- 'yes'\n- '1e3'\n- 'a: b'\n- '#x'\n"));
    assert_non_null(strstr(text, "- '\xe6\x9d\xb1\xe4\xba\xac'\n")); /* unicode as is */
    assert_non_null(strstr(text, "plain:\n- yes\n- 1e3\n- ~\n- null\n- true\n- x y\n- "
                                 "\xe6\x9d\xb1\xe4\xba\xac\n"));
    assert_non_null(strstr(text, "'key: odd': 1\n'1': one\n'#': hash\nempty_map: {}\n"
                                 "empty_list: []\n"));
    assert_non_null(strstr(text, "nothing:"));
    const cs_ynode *s = cs_ymap_get(cs_ydoc_root(d), "s");
    assert_string_equal(s->items[13]->value, "multi\nline\n");
    assert_non_null(strstr(text, "- |\n  multi\n  line\n"));
    free(text);
    cs_ydoc_free(d);
}

static void test_emit_sample(void **state)
{
    (void)state;
    cs_ydoc_t *d = load_ok(sample);
    char *text = round_trip(d);
    assert_string_equal(text, "name: Nankai\n"
                              "trials: 1000\n"
                              "hazards:\n"
                              "- type: earthquake\n"
                              "  magnitude: 8.5\n"
                              "output:\n"
                              "  edge_flow: false\n"
                              "  latency: true\n"
                              "quoted: 'yes'\n"
                              "empty:\n");
    free(text);
    cs_ydoc_free(d);
    d = load_ok("");
    text = round_trip(d);
    assert_string_equal(text, "{}\n");
    free(text);
    cs_ydoc_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_edit_distance),
        cmocka_unit_test(test_near_rule),
        cmocka_unit_test(test_nearest_name),
        cmocka_unit_test(test_null_root_is_empty_map),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_rejected),
        cmocka_unit_test(test_standard_tags),
        cmocka_unit_test(test_get_double),
        cmocka_unit_test(test_get_int),
        cmocka_unit_test(test_get_bool_string_enum_seq),
        cmocka_unit_test(test_yerr_and_describe),
        cmocka_unit_test(test_check_keys),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_set_errors),
        cmocka_unit_test(test_emit_quoting),
        cmocka_unit_test(test_emit_sample),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
