/*
 * test_export.c: GraphML, DOT and GeoJSON export of tests/data/topo-good.geojson
 * (11 nodes, 11 edges; seg-old is the only retired edge: see test_topology.c),
 * the GeoJSON round trip through the loader, the as-of filter, the atomic
 * file output and the CLI's errors. Output files go to the working directory
 * (the build tree, where ctest runs the test) and are removed.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cablesim/export.h"
#include "cablesim/topology.h"
#include "cs_test.h"

#define GOOD CS_TEST_DATA "/topo-good.geojson"

static cs_topology_t *load(const char *path, int as_of)
{
    cs_topology_options opt = CS_TOPOLOGY_OPTIONS_INIT;
    opt.as_of = as_of;
    cs_error err = CS_ERROR_INIT;
    cs_topology_t *t = NULL;
    if (cs_topology_load(&t, path, &opt, &err) != CS_OK) fail_msg("%s: %s", path, err.msg);
    return t;
}

/* Exports t to a NUL-terminated string (caller frees). */
static char *export_string(const cs_topology_t *t, cs_export_format format)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    cs_error err = CS_ERROR_INIT;
    const cs_status rc = cs_export_write(f, t, format, "<memory>", &err);
    assert_int_equal(fclose(f), 0);
    if (rc != CS_OK) fail_msg("export as %s: %s", cs_export_format_name(format), err.msg);
    assert_int_equal(strlen(buf), len);
    return buf;
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_non_null(m);
    char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, got, m);
    fclose(f);
    fclose(m);
    return buf;
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Exact equality, NaN equal to NaN: the GeoJSON round trip must be bit for bit. */
#define assert_same(a, b) assert_same_((a), (b), #a, __LINE__)
static void assert_same_(double a, double b, const char *what, int line)
{
    if (!(a == b || (isnan(a) && isnan(b))))
        fail_msg("line %d: %s is %.17g, expected %.17g", line, what, a, b);
}

static void assert_same_str(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        assert_ptr_equal(a, b);
    else
        assert_string_equal(a, b);
}

/* ------------------------------------------------------------------ formats */

static void test_format_names(void **state)
{
    (void)state;
    cs_export_format f = CS_EXPORT_GEOJSON;
    assert_true(cs_export_format_parse("graphml", &f));
    assert_int_equal(f, CS_EXPORT_GRAPHML);
    assert_true(cs_export_format_parse("dot", &f));
    assert_int_equal(f, CS_EXPORT_DOT);
    assert_true(cs_export_format_parse("geojson", &f));
    assert_int_equal(f, CS_EXPORT_GEOJSON);
    assert_false(cs_export_format_parse("GraphML", &f));
    assert_false(cs_export_format_parse("", &f));
    assert_false(cs_export_format_parse(NULL, &f));
    assert_int_equal(f, CS_EXPORT_GEOJSON);
    assert_string_equal(cs_export_format_name(CS_EXPORT_DOT), "dot");
}

static const char *const graphml_keys[] = {
    "<key id=\"v_id\" for=\"node\" attr.name=\"id\" attr.type=\"string\"/>",
    "<key id=\"v_name\" for=\"node\" attr.name=\"name\" attr.type=\"string\"/>",
    "<key id=\"v_kind\" for=\"node\" attr.name=\"kind\" attr.type=\"string\"/>",
    "<key id=\"v_country\" for=\"node\" attr.name=\"country\" attr.type=\"string\"/>",
    "<key id=\"v_region\" for=\"node\" attr.name=\"region\" attr.type=\"string\"/>",
    "<key id=\"v_lon\" for=\"node\" attr.name=\"lon\" attr.type=\"double\"/>",
    "<key id=\"v_lat\" for=\"node\" attr.name=\"lat\" attr.type=\"double\"/>",
    "<key id=\"e_id\" for=\"edge\" attr.name=\"id\" attr.type=\"string\"/>",
    "<key id=\"e_kind\" for=\"edge\" attr.name=\"kind\" attr.type=\"string\"/>",
    "<key id=\"e_cable\" for=\"edge\" attr.name=\"cable\" attr.type=\"string\"/>",
    "<key id=\"e_capacity_tbps\" for=\"edge\" attr.name=\"capacity_tbps\" attr.type=\"double\"/>",
    "<key id=\"e_lit_tbps\" for=\"edge\" attr.name=\"lit_tbps\" attr.type=\"double\"/>",
    "<key id=\"e_length_km\" for=\"edge\" attr.name=\"length_km\" attr.type=\"double\"/>",
    "<key id=\"e_rfs\" for=\"edge\" attr.name=\"rfs\" attr.type=\"double\"/>",
    "<key id=\"e_retired\" for=\"edge\" attr.name=\"retired\" attr.type=\"double\"/>",
    "<key id=\"e_owners\" for=\"edge\" attr.name=\"owners\" attr.type=\"string\"/>",
};

static void test_graphml(void **state)
{
    (void)state;
    cs_topology_t *t = load(GOOD, 0);
    char *s = export_string(t, CS_EXPORT_GRAPHML);
    assert_int_equal(strncmp(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<graphml", 46), 0);
    assert_int_equal(count(s, "<node "), 11);
    assert_int_equal(count(s, "<edge "), 11);
    assert_int_equal(count(s, "</graphml>"), 1);
    assert_int_equal(count(s, "<key "), 16);
    for (size_t k = 0; k < sizeof graphml_keys / sizeof graphml_keys[0]; k++)
        if (count(s, graphml_keys[k]) != 1) fail_msg("key missing: %s", graphml_keys[k]);
    /* Every node has its 7 values, every edge 9 but retired only where set. */
    assert_int_equal(count(s, "<data key=\"v_"), 11 * 7);
    assert_int_equal(count(s, "<data key=\"e_"), 11 * 8 + 1);
    assert_int_equal(count(s, "<data key=\"e_retired\">2017</data>"), 1);
    assert_null(strstr(s, "NaN"));
    assert_non_null(strstr(s, "<data key=\"v_id\">bu-pac1</data>"));
    assert_non_null(strstr(s, "<data key=\"v_region\"></data>")); /* landing station, none */
    assert_non_null(strstr(s, "<data key=\"e_owners\">KDDI; NTT; Verizon</data>"));
    assert_non_null(strstr(s, "<data key=\"e_length_km\">1234.5</data>"));

    /* igraph's own reader (libxml2) parses it back to the same graph. */
    FILE *f = fmemopen(s, strlen(s), "r");
    assert_non_null(f);
    igraph_t g;
    assert_int_equal(igraph_read_graph_graphml(&g, f, 0), IGRAPH_SUCCESS);
    fclose(f);
    assert_int_equal(igraph_vcount(&g), 11);
    assert_int_equal(igraph_ecount(&g), 11);
    for (size_t i = 0; i < 11; i++) {
        const cs_node *n = cs_topology_node(t, i);
        assert_string_equal(VAS(&g, "id", (igraph_integer_t)i), n->id);
        assert_string_equal(VAS(&g, "kind", (igraph_integer_t)i), cs_node_kind_name(n->kind));
        assert_same(VAN(&g, "lat", (igraph_integer_t)i), n->pos.lat);
    }
    for (size_t j = 0; j < 11; j++) {
        const cs_edge *e = cs_topology_edge(t, j);
        const igraph_integer_t k = (igraph_integer_t)j;
        assert_string_equal(EAS(&g, "id", k), e->id);
        assert_same(EAN(&g, "capacity_tbps", k), e->capacity_tbps);
        assert_same(EAN(&g, "rfs", k), e->rfs);
        assert_same(EAN(&g, "retired", k), e->retired != 0 ? e->retired : NAN);
        /* igraph writes 15 significant digits. */
        assert_true(fabs(EAN(&g, "length_km", k) - e->length_km) <= 1e-12 * e->length_km);
        igraph_integer_t u, v;
        igraph_edge(&g, k, &u, &v);
        assert_int_equal(u < v ? u : v, e->from < e->to ? e->from : e->to);
    }
    igraph_destroy(&g);
    free(s);
    cs_topology_free(t);
}

static void test_dot(void **state)
{
    (void)state;
    cs_topology_t *t = load(GOOD, 0);
    char *s = export_string(t, CS_EXPORT_DOT);
    assert_non_null(strstr(s, "\ngraph {\n"));
    assert_int_equal(count(s, " -- "), 11);
    assert_int_equal(count(s, "\n}\n"), 1);
    /* Missing numbers are "", never NaN; numbers never use exponents. */
    assert_null(strstr(s, "NaN"));
    assert_null(strstr(s, "e-0"));
    assert_null(strstr(s, "e+"));
    assert_int_equal(count(s, "retired=\"\"\n"), 10);
    assert_int_equal(count(s, "retired=2017\n"), 1);
    assert_int_equal(count(s, "    id=\""), 22);
    assert_non_null(strstr(s, "    lon=-118.2437\n    lat=34.0522\n"));
    assert_non_null(strstr(s, "    length_km=1234.5\n"));
    assert_non_null(strstr(s, "    owners=\"KDDI; NTT; Verizon\"\n"));
    assert_non_null(strstr(s, "    cable=\"\"\n")); /* a link */
    /* Edge endpoints, in edge order ("u -- v" as igraph prints them). */
    const char *p = s;
    for (size_t j = 0; j < 11; j++) {
        p = strstr(p, " -- ");
        assert_non_null(p);
        const char *line = p;
        while (line > s && line[-1] != '\n')
            line--;
        long u = -1, v = -1;
        assert_int_equal(sscanf(line, "%ld -- %ld [", &u, &v), 2);
        const cs_edge *e = cs_topology_edge(t, j);
        assert_int_equal(u < v ? u : v, e->from < e->to ? e->from : e->to);
        assert_int_equal(u < v ? v : u, e->from < e->to ? e->to : e->from);
        p += 4;
    }
    free(s);
    cs_topology_free(t);
}

/* A number below 1e-4 makes %g use an exponent: DOT gets plain decimals. */
static void test_dot_small_numbers(void **state)
{
    (void)state;
    static const char json[] =
        "{\"type\":\"FeatureCollection\",\"features\":["
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"a\",\"kind\":\"city\",\"name\":\"A\","
        "\"country\":\"GB\",\"region\":\"Europe\"},\"geometry\":{\"type\":\"Point\","
        "\"coordinates\":[0.0000375,51.5]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"b\",\"kind\":\"city\",\"name\":\"B\","
        "\"country\":\"GB\",\"region\":\"Europe\"},\"geometry\":{\"type\":\"Point\","
        "\"coordinates\":[-0.125,51.75]}},"
        "{\"type\":\"Feature\",\"properties\":{\"id\":\"l\",\"kind\":\"link\",\"from\":\"a\","
        "\"to\":\"b\",\"capacity_tbps\":0.5,\"lit_tbps\":0.00000125,\"rfs\":2000,"
        "\"source\":\"s\"},\"geometry\":{\"type\":\"LineString\",\"coordinates\":"
        "[[0.0000375,51.5],[-0.125,51.75]]}}]}";
    cs_error err = CS_ERROR_INIT;
    cs_topology_t *t = NULL;
    assert_int_equal(cs_topology_load_string(&t, json, "small", NULL, &err), CS_OK);
    char *s = export_string(t, CS_EXPORT_DOT);
    assert_non_null(strstr(s, "    lon=0.0000375\n"));
    assert_non_null(strstr(s, "    lit_tbps=0.00000125\n"));
    assert_non_null(strstr(s, "    lon=-0.125\n"));
    free(s);
    s = export_string(t, CS_EXPORT_GRAPHML); /* XML Schema doubles may use exponents */
    assert_non_null(strstr(s, "<data key=\"e_lit_tbps\">1.25e-06</data>"));
    free(s);
    cs_topology_free(t);
}

/* -------------------------------------------------------------- GeoJSON */

static void assert_same_topology(const cs_topology_t *a, const cs_topology_t *b)
{
    assert_int_equal(cs_topology_node_count(b), cs_topology_node_count(a));
    assert_int_equal(cs_topology_edge_count(b), cs_topology_edge_count(a));
    assert_int_equal(cs_topology_cable_count(b), cs_topology_cable_count(a));
    for (size_t c = 0; c < cs_topology_cable_count(a); c++)
        assert_string_equal(cs_topology_cable(b, c), cs_topology_cable(a, c));
    for (size_t i = 0; i < cs_topology_node_count(a); i++) {
        const cs_node *x = cs_topology_node(a, i), *y = cs_topology_node(b, i);
        assert_string_equal(y->id, x->id);
        assert_int_equal(y->kind, x->kind);
        assert_same_str(y->name, x->name);
        assert_same_str(y->country, x->country);
        assert_same_str(y->region, x->region);
        assert_same_str(y->source, x->source);
        assert_same(y->pos.lon, x->pos.lon);
        assert_same(y->pos.lat, x->pos.lat);
    }
    for (size_t j = 0; j < cs_topology_edge_count(a); j++) {
        const cs_edge *x = cs_topology_edge(a, j), *y = cs_topology_edge(b, j);
        assert_string_equal(y->id, x->id);
        assert_int_equal(y->kind, x->kind);
        assert_int_equal(y->from, x->from);
        assert_int_equal(y->to, x->to);
        assert_same(y->capacity_tbps, x->capacity_tbps);
        assert_same(y->lit_tbps, x->lit_tbps);
        assert_same(y->length_km, x->length_km);
        assert_same(y->depth_m, x->depth_m);
        assert_same(y->shallow_share, x->shallow_share);
        assert_int_equal(y->capacity_estimated, x->capacity_estimated);
        assert_int_equal(y->lit_estimated, x->lit_estimated);
        assert_int_equal(y->rfs, x->rfs);
        assert_int_equal(y->retired, x->retired);
        assert_int_equal(y->cable_index, x->cable_index);
        assert_same_str(y->cable, x->cable);
        assert_same_str(y->cable_name, x->cable_name);
        assert_same_str(y->owners, x->owners);
        assert_same_str(y->source, x->source);
        assert_same_str(y->note, x->note);
        assert_int_equal(y->transit, x->transit);
        assert_int_equal(y->nlit_years, x->nlit_years);
        for (size_t k = 0; k < x->nlit_years; k++) {
            assert_int_equal(y->lit_years[k], x->lit_years[k]);
            assert_same(y->lit_by_year[k], x->lit_by_year[k]);
        }
        assert_int_equal(y->nparts, x->nparts);
        assert_int_equal(y->npts, x->npts);
        for (size_t k = 0; k <= x->nparts; k++)
            assert_int_equal(y->part_off[k], x->part_off[k]);
        for (size_t k = 0; k < x->npts; k++) {
            assert_same(y->pts[k].lon, x->pts[k].lon);
            assert_same(y->pts[k].lat, x->pts[k].lat);
        }
    }
}

static void roundtrip(const char *path, int as_of, size_t nodes, size_t edges)
{
    cs_topology_t *t = load(path, as_of);
    assert_int_equal(cs_topology_node_count(t), nodes);
    assert_int_equal(cs_topology_edge_count(t), edges);
    char *s = export_string(t, CS_EXPORT_GEOJSON);
    assert_int_equal(count(s, "{\"type\": \"Feature\", "), nodes + edges);
    assert_int_equal(count(s, "\"type\": \"Point\""), nodes);
    /* The source's digest and the filter are recorded. */
    char meta[200];
    snprintf(meta, sizeof meta, "\"source_sha256\": \"%s\"", cs_topology_sha256(t));
    assert_non_null(strstr(s, meta));
    if (as_of != 0)
        snprintf(meta, sizeof meta, "\"as_of\": %d}", as_of);
    else
        snprintf(meta, sizeof meta, "\"as_of\": null}");
    assert_non_null(strstr(s, meta));
    cs_error err = CS_ERROR_INIT;
    cs_topology_t *back = NULL;
    if (cs_topology_load_string(&back, s, "exported", NULL, &err) != CS_OK)
        fail_msg("reloading the export (as_of %d): %s", as_of, err.msg);
    assert_same_topology(t, back);
    cs_topology_free(back);
    free(s);
    cs_topology_free(t);
}

static void test_geojson_roundtrip(void **state)
{
    (void)state;
    roundtrip(GOOD, 0, 11, 11);
    /* 2027: seg-old retired, so ls-maruyama is not written. */
    roundtrip(GOOD, 2027, 10, 10);
    /* transit and lit series are written; in 2010 lit_tbps is that year's value (4.8, 2.5),
     * which the reloaded file gives back without a filter. */
    roundtrip(CS_TEST_DATA "/topo-lit-series.geojson", 0, 5, 5);
    roundtrip(CS_TEST_DATA "/topo-lit-series.geojson", 2010, 5, 5);
}

static void test_geojson_content(void **state)
{
    (void)state;
    cs_topology_t *t = load(GOOD, 0);
    char *s = export_string(t, CS_EXPORT_GEOJSON);
    /* Nodes first, then edges, in topology order. */
    const char *tokyo = strstr(s, "\"id\": \"city-tokyo\"");
    const char *sendai = strstr(s, "\"id\": \"city-sendai\"");
    const char *link = strstr(s, "\"id\": \"link-chikura-tokyo\"");
    assert_true(tokyo != NULL && sendai != NULL && link != NULL);
    assert_true(tokyo < sendai && sendai < link);
    /* The MultiLineString stays one, with its two parts. */
    assert_non_null(strstr(s, "\"geometry\": {\"type\": \"MultiLineString\", \"coordinates\": "
                              "[[[148.5, 32.75], [165.25, 34.5], [180.0, 35.125]], [[-180.0, "
                              "35.125], [-150.375, 34.625], [-118.3995, 33.8622]]]}"));
    /* Numbers as written, each with its own precision: 77.6 next to a
     * computed length that needs 16 digits. */
    assert_non_null(strstr(s, "\"capacity_tbps\": 77.6, \"capacity_estimated\": true, "
                              "\"lit_tbps\": 23.4, \"lit_estimated\": false, \"length_km\": "));
    assert_non_null(strstr(s, "\"owners\": [\"KDDI\", \"NTT\", \"Verizon\"]"));
    assert_non_null(strstr(s, "\"retired\": 2017"));
    assert_non_null(strstr(s, "\"region\": null"));
    /* Links have no cable key. */
    assert_int_equal(count(s, "\"cable\": "), 6);
    /* No series, everything open to transit. */
    assert_int_equal(count(s, "\"lit_tbps_by_year\": null, \"transit\": true}"), 11);
    free(s);
    cs_topology_free(t);
    t = load(CS_TEST_DATA "/topo-lit-series.geojson", 0);
    s = export_string(t, CS_EXPORT_GEOJSON);
    assert_non_null(strstr(s, "\"lit_tbps\": 12.0, "));
    assert_non_null(strstr(s,
                           "\"lit_tbps_by_year\": {\"2006\": 1.0, \"2010\": 4.8, \"2016\": 12.0}, "
                           "\"transit\": true}"));
    assert_int_equal(count(s, "\"transit\": false}"), 1);
    free(s);
    cs_topology_free(t);
}

/* ------------------------------------------------------------ as-of filter */

static void test_as_of(void **state)
{
    (void)state;
    cs_topology_t *t = load(GOOD, 2020);
    char *s = export_string(t, CS_EXPORT_GRAPHML);
    assert_int_equal(count(s, "<node "), 8);
    assert_int_equal(count(s, "<edge "), 7);
    assert_null(strstr(s, "ls-maruyama"));
    assert_null(strstr(s, "seg-new-a"));
    assert_non_null(strstr(s, "<data key=\"v_id\">city-sendai</data>")); /* cities stay */
    free(s);
    s = export_string(t, CS_EXPORT_DOT);
    assert_int_equal(count(s, " -- "), 7);
    assert_int_equal(count(s, "retired=2017"), 0);
    free(s);
    s = export_string(t, CS_EXPORT_GEOJSON);
    assert_int_equal(count(s, "\"type\": \"Point\""), 8);
    assert_int_equal(count(s, "String\", \"coordinates\""), 7);
    assert_null(strstr(s, "OLDCABLE"));
    free(s);
    cs_topology_free(t);
    t = load(GOOD, 2008); /* JUS not yet in service */
    s = export_string(t, CS_EXPORT_DOT);
    assert_int_equal(count(s, " -- "), 5);
    assert_int_equal(count(s, "retired=2017"), 1);
    assert_null(strstr(s, "bu-pac1"));
    free(s);
    cs_topology_free(t);
}

/* ------------------------------------------------------------- file output */

static void test_export_file(void **state)
{
    (void)state;
    char out[128], tmp[160];
    snprintf(out, sizeof out, "test_export-%ld.dot", (long)getpid());
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", out, (long)getpid());
    FILE *f = fopen(out, "w");
    assert_non_null(f);
    fputs("an older file, to be replaced\n", f);
    fclose(f);
    cs_topology_t *t = load(GOOD, 0);
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_export_file(out, t, CS_EXPORT_DOT, &err), CS_OK);
    char *want = export_string(t, CS_EXPORT_DOT), *got = read_file(out);
    assert_non_null(got);
    assert_string_equal(got, want);
    assert_false(exists(tmp));
    free(got);
    free(want);
    assert_int_equal(remove(out), 0);

    /* The directory does not exist: nothing is created. */
    assert_int_equal(cs_export_file("no-such-dir/x.dot", t, CS_EXPORT_DOT, &err), CS_EIO);
    snprintf(tmp, sizeof tmp,
             "no-such-dir/x.dot: cannot create no-such-dir/x.dot.tmp.%ld: No "
             "such file or directory",
             (long)getpid());
    assert_string_equal(err.msg, tmp);

    /* OUT is a directory: the data is written, the rename fails, the
     * temporary file is removed and OUT is left as it was. */
    snprintf(out, sizeof out, "test_export-%ld.d", (long)getpid());
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", out, (long)getpid());
    assert_int_equal(mkdir(out, 0755), 0);
    cs_error_clear(&err);
    assert_int_equal(cs_export_file(out, t, CS_EXPORT_GEOJSON, &err), CS_EIO);
    assert_non_null(strstr(err.msg, ": cannot rename "));
    assert_non_null(strstr(err.msg, "Is a directory"));
    assert_false(exists(tmp));
    assert_int_equal(rmdir(out), 0);
    cs_topology_free(t);
}

/* ------------------------------------------------------------------- CLI */

static int run_cli(const char *args, char *out, size_t n)
{
    return cs_test_cli(NULL, args, true, out, n); /* stderr merged */
}

static void test_cli_errors(void **state)
{
    (void)state;
    static const struct {
        const char *args, *msg;
    } cases[] = {
        {"--format xml", "topology export: --format: expected graphml, dot or geojson, found "
                         "\"xml\""},
        {"--format", "topology export: option --format needs a value (see --help)"},
        {"--format dot --as-of", "topology export: option --as-of needs a value (see --help)"},
        {"--format dot -o", "topology export: option -o needs a value (see --help)"},
        {"--format dot --level 3",
         "topology export: unknown option \"--level\" (see 'cablesim topology export --help')"},
        {"", "topology export: option --format is required (graphml, dot or geojson)"},
        {"--format dot --format graphml", "topology export: option --format is given twice"},
        {"--format dot --as-of 20x0",
         "topology export: --as-of: expected a year between 1850 and 2100, found \"20x0\""},
        {"--format dot --as-of 1849",
         "topology export: --as-of: expected a year between 1850 and 2100, found \"1849\""},
        {"other.geojson --format dot", "topology export: expected at most one FILE argument, found "
                                       "\"other.geojson\" after \"" GOOD "\""},
    };
    char args[1024], out[4096], expect[1024];
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        snprintf(args, sizeof args, "topology export '%s' %s", GOOD, cases[c].args);
        const int st = run_cli(args, out, sizeof out);
        snprintf(expect, sizeof expect, "cablesim: %s\n", cases[c].msg);
        if (st != 2 || strcmp(out, expect) != 0)
            fail_msg("%s: exit %d, output\n%sexpected exit 2, output\n%s", cases[c].args, st, out,
                     expect);
    }
    /* Invalid input: the loader's first message, exit 2. */
    assert_int_equal(run_cli("topology export '" CS_TEST_DATA
                             "/topo-bad-negative-capacity.geojson' "
                             "--format dot",
                             out, sizeof out),
                     2);
    assert_string_equal(out, "cablesim: " CS_TEST_DATA "/topo-bad-negative-capacity.geojson: "
                             "feature 2 (id \"link-1\"): key \"capacity_tbps\": expected a "
                             "number of Tbps > 0, found -5\n");
    /* Cannot make OUT (a bad path): exit 2 as for every command, nothing left behind (a write
     * that fails, a full disk, is 1: test_crash's test_outputs_full). */
    assert_int_equal(
        run_cli("topology export '" GOOD "' --format dot -o no-such-dir/x.dot", out, sizeof out),
        2);
    assert_non_null(
        strstr(out, "cablesim: no-such-dir/x.dot: cannot create no-such-dir/x.dot.tmp."));
    assert_int_equal(count(out, "\n"), 1);
}

static void test_cli_output(void **state)
{
    (void)state;
    static char out[1 << 16];
    char args[512], path[128];
    /* stdout, filtered. */
    assert_int_equal(
        run_cli("topology export '" GOOD "' --format graphml --as-of 2020", out, sizeof out), 0);
    assert_int_equal(count(out, "<node "), 8);
    assert_int_equal(count(out, "<edge "), 7);
    /* -o: nothing on stdout, the file complete. */
    snprintf(path, sizeof path, "test_export-cli-%ld.geojson", (long)getpid());
    snprintf(args, sizeof args, "topology export --format geojson -o %s '%s'", path, GOOD);
    assert_int_equal(run_cli(args, out, sizeof out), 0);
    assert_string_equal(out, "");
    cs_topology_t *a = load(GOOD, 0), *b = load(path, 0);
    assert_same_topology(a, b);
    cs_topology_free(a);
    cs_topology_free(b);
    /* An existing OUT is kept without --force (exit 2, one line), replaced with it. */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("keep\n", f);
    fclose(f);
    snprintf(args, sizeof args, "topology export --format dot -o %s '%s'", path, GOOD);
    assert_int_equal(run_cli(args, out, sizeof out), 2);
    char expect[512];
    snprintf(expect, sizeof expect, "cablesim: topology export: %s exists; --force replaces it\n",
             path);
    assert_string_equal(out, expect);
    char kept[16] = "";
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(kept, sizeof kept, f));
    fclose(f);
    assert_string_equal(kept, "keep\n");
    snprintf(args, sizeof args, "topology export --format dot -o %s '%s' --force", path, GOOD);
    assert_int_equal(run_cli(args, out, sizeof out), 0);
    f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(kept, sizeof kept, f));
    fclose(f);
    assert_string_not_equal(kept, "keep\n");
    assert_int_equal(remove(path), 0);
}

int main(void)
{
    cs_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_names),
        cmocka_unit_test(test_graphml),
        cmocka_unit_test(test_dot),
        cmocka_unit_test(test_dot_small_numbers),
        cmocka_unit_test(test_geojson_roundtrip),
        cmocka_unit_test(test_geojson_content),
        cmocka_unit_test(test_as_of),
        cmocka_unit_test(test_export_file),
        cmocka_unit_test(test_cli_errors),
        cmocka_unit_test(test_cli_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
