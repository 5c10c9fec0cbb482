/*
 * test_results.c: trial batches and the HDF5 results file, read back with the HDF5 C API.
 *
 * The fixture is 3 cities (Tokyo, Osaka, Los Angeles), 2 edges (a link Tokyo-Osaka and a
 * segment Tokyo-LA), 2 demands and 1 (city, region) pair; 5 trials are written in batches
 * of 2 + 2 + 1 with failures in trials 1, 2 and 4. Trial values come from formulas in t
 * (trial), d (demand) and e (edge), so every element read back is checked.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <hdf5.h>

#include "cablesim/paths.h"
#include "cablesim/results.h"
#include "cablesim/sha256.h"

#define NT    5 /* trials */
#define ND    2 /* demands */
#define NE    2 /* edges */
#define NN    3 /* nodes */
#define NP    1 /* pairs */
#define SEED  UINT64_C(0x9E3779B97F4A7C15)
#define SCALE 1.25

static const char topo_json[] =
    "{\"type\": \"FeatureCollection\", \"features\": [\n"
    " {\"type\": \"Feature\", \"properties\": {\"id\": \"city-tokyo\", \"kind\": \"city\", "
    "\"name\": \"Tokyo\", \"country\": \"JP\", \"region\": \"Japan\"}, \"geometry\": {\"type\": "
    "\"Point\", \"coordinates\": [139.6917, 35.6895]}},\n"
    " {\"type\": \"Feature\", \"properties\": {\"id\": \"city-osaka\", \"kind\": \"city\", "
    "\"name\": \"\\u014csaka\", \"country\": \"JP\", \"region\": \"Japan\"}, \"geometry\": "
    "{\"type\": \"Point\", \"coordinates\": [135.5023, 34.6937]}},\n"
    " {\"type\": \"Feature\", \"properties\": {\"id\": \"city-la\", \"kind\": \"city\", \"name\": "
    "\"Los Angeles\", \"country\": \"US\", \"region\": \"US West Coast\"}, \"geometry\": "
    "{\"type\": \"Point\", \"coordinates\": [-118.2437, 34.0522]}},\n"
    " {\"type\": \"Feature\", \"properties\": {\"id\": \"link-tokyo-osaka\", \"kind\": \"link\", "
    "\"from\": \"city-tokyo\", \"to\": \"city-osaka\", \"capacity_tbps\": 96.0, \"lit_tbps\": "
    "33.3, \"rfs\": 1995, \"source\": \"fixture\"}, \"geometry\": {\"type\": \"LineString\", "
    "\"coordinates\": [[139.6917, 35.6895], [135.5023, 34.6937]]}},\n"
    " {\"type\": \"Feature\", \"properties\": {\"id\": \"seg-jus\", \"kind\": \"segment\", "
    "\"from\": \"city-tokyo\", \"to\": \"city-la\", \"cable\": \"JUS\", \"cable_name\": "
    "\"Japan-US Cable Network\", \"capacity_tbps\": 77.6, \"capacity_estimated\": true, "
    "\"lit_tbps\": 23.4, \"depth_m\": 5850.5, \"length_km\": 9876.5, \"rfs\": 2009, \"retired\": "
    "2031, \"owners\": [\"KDDI\", \"NTT\"], \"source\": \"fixture\"}, \"geometry\": {\"type\": "
    "\"MultiLineString\", \"coordinates\": [[[139.6917, 35.6895], [180.0, 35.0]], [[-180.0, "
    "35.0], [-118.2437, 34.0522]]]}}\n"
    "]}\n";

static const char demand_csv[] = "origin,destination,demand_tbps\n"
                                 "city-tokyo,city-la,3.75\n"
                                 "city-osaka,city-la,1.5\n";

static const char scenario_yaml[] = "name: unit\ntrials: 5\nseed: 11400714819323198485\n"
                                    "routing:\n  demand_scale: 1.25\n";

/* ------------------------------------------------------------ trial values */

static double served(size_t t, size_t d)
{
    return 4.6875 - 0.75 * (double)t - 0.125 * (double)d;
}

static double latency(size_t t, size_t d)
{
    return t == 2 && d == 1 ? NAN : 50.0 + 3.25 * (double)t + 1.5 * (double)d;
}

static double unserved(size_t t)
{
    return 0.625 * (double)t + 0.03125;
}

static double flow(size_t t, size_t e)
{
    return 1.125 * (double)t + 2.5 * (double)e + 0.0078125;
}

static unsigned char cut(size_t t)
{
    return t == 2 || t == 4;
}

/* Failures of trial t: none, edge 1, edges 1 then 0 and node 2, none, node 0 and edge 0. */
static void trial_failures(cs_failures *f, size_t t)
{
    cs_failures_clear(f);
    if (t == 1) cs_failures_fail_edge(f, 1);
    if (t == 2) {
        cs_failures_fail_edge(f, 1);
        cs_failures_fail_edge(f, 0);
        cs_failures_fail_node(f, 2);
        /* a second cut of edge 1, placed, by hazard 3 at day 2.5, and one hazard event */
        f->hazard = 3;
        f->now = 2.5;
        cs_error err = CS_ERROR_INIT;
        assert_int_equal(cs_failures_cut_edge(f, 1, (cs_lonlat){140.25, 34.75}, 120.5, &err),
                         CS_OK);
        cs_hazard_event ev = cs_hazard_event_none();
        ev.magnitude = 7.125;
        ev.a = (cs_lonlat){141.5, 36.25};
        ev.target = 7;
        ev.cuts = 1;
        assert_int_equal(cs_failures_add_event(f, &ev, &err), CS_OK);
    }
    if (t == 4) {
        cs_failures_fail_node(f, 0);
        cs_failures_fail_edge(f, 0);
    }
}

/* ----------------------------------------------------------------- fixture */

typedef struct {
    cs_topology_t *topo;
    cs_demand_t *demand;
    cs_scenario scen;
    cs_routing_result base;
    size_t pair_origin[NP];
    const char *pair_region[NP];
    cs_pair_table pairs;
    cs_results_meta meta;
    char path[64];
} fixture;

/* The test's own routing result allocation, so that it does not depend on the router. */
static void rr_init(cs_routing_result *r, size_t nd, size_t ne)
{
    memset(r, 0, sizeof *r);
    r->n_demands = nd;
    r->n_edges = ne;
    r->served_tbps = calloc(nd + 1, sizeof(double));
    r->latency_ms = calloc(nd + 1, sizeof(double));
    r->edge_flow_tbps = calloc(ne + 1, sizeof(double));
    r->connected = calloc(nd + 1, 1);
    assert_non_null(r->served_tbps);
    assert_non_null(r->latency_ms);
    assert_non_null(r->edge_flow_tbps);
    assert_non_null(r->connected);
}

static void rr_destroy(cs_routing_result *r)
{
    free(r->served_tbps);
    free(r->latency_ms);
    free(r->edge_flow_tbps);
    free(r->connected);
    memset(r, 0, sizeof *r);
}

static char *dup(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    assert_non_null(d);
    return strcpy(d, s);
}

static int setup(void **state)
{
    cs_library_init();
    fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_topology_load_string(&fx->topo, topo_json, "fixture.geojson", NULL, &err),
                     CS_OK);
    assert_int_equal(cs_demand_load_string(&fx->demand, demand_csv, "fixture.csv", fx->topo, &err),
                     CS_OK);
    fx->scen.name = "unit";
    fx->scen.description = "";
    fx->scen.as_of = 2025;
    fx->scen.trials = NT;
    fx->scen.seed = SEED;
    fx->scen.routing = (cs_routing_options)CS_ROUTING_OPTIONS_INIT;
    fx->scen.routing.demand_scale = SCALE;
    fx->scen.output = (cs_output_options){true, true, 4, 2, false, 1};
    fx->scen.doc = NULL;
    fx->scen.text = dup(scenario_yaml);
    rr_init(&fx->base, ND, NE);
    fx->base.served_tbps[0] = 3.75 * SCALE;
    fx->base.served_tbps[1] = 1.5 * SCALE;
    fx->base.latency_ms[0] = 61.0625;
    fx->base.latency_ms[1] = 64.4375;
    fx->base.edge_flow_tbps[0] = 1.875;
    fx->base.edge_flow_tbps[1] = 6.5625;
    fx->base.unserved_tbps = 0.015625;
    fx->pair_origin[0] = 0;
    fx->pair_region[0] = "US West Coast";
    fx->pairs = (cs_pair_table){NP, fx->pair_origin, fx->pair_region};
    fx->meta = (cs_results_meta){&fx->scen,
                                 fx->topo,
                                 fx->demand,
                                 &fx->base,
                                 &fx->pairs,
                                 "9.8.7-test",
                                 "2026-04-17T09:30:00Z",
                                 0,
                                 0,
                                 NULL,
                                 NULL,
                                 NULL};
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    if (fx->path[0] != '\0') remove(fx->path);
    rr_destroy(&fx->base);
    free(fx->scen.text);
    cs_demand_free(fx->demand);
    cs_topology_free(fx->topo);
    free(fx);
    return 0;
}

/* Writes trials [from, to) in batches of 2 with the formulas above. */
static void write_trials(fixture *fx, cs_results_t *w, size_t from, size_t to)
{
    cs_error err = CS_ERROR_INIT;
    cs_trial_batch b;
    const bool ef = fx->scen.output.edge_flow;
    const size_t np = fx->meta.pairs != NULL ? fx->meta.pairs->n : 0;
    assert_int_equal(cs_trial_batch_init(&b, 2, ND, NE, NN, np, ef, &err), CS_OK);
    assert_true(ef == (b.edge_flow_tbps != NULL));
    cs_failures f;
    assert_int_equal(cs_failures_init(&f, NE, NN, &err), CS_OK);
    cs_routing_result r;
    rr_init(&r, ND, NE);
    cs_trial_batch_reset(&b, from);
    for (size_t t = from; t < to; t++) {
        trial_failures(&f, t);
        for (size_t d = 0; d < ND; d++) {
            r.served_tbps[d] = served(t, d);
            r.latency_ms[d] = latency(t, d);
        }
        for (size_t e = 0; e < NE; e++)
            r.edge_flow_tbps[e] = flow(t, e);
        r.unserved_tbps = unserved(t);
        const unsigned char pc[NP] = {cut(t)};
        assert_int_equal(cs_trial_batch_add(&b, &f, &r, np ? pc : NULL, &err), CS_OK);
        unsigned char waters[8] = {0};
        for (size_t k = 0; k < f.n_cuts; k++)
            waters[k] = (unsigned char)(k % 3);
        assert_int_equal(cs_trial_batch_add_cuts(&b, &f, waters, &err), CS_OK);
        if (b.n == b.capacity || t + 1 == to) {
            assert_int_equal(cs_results_write_batch(w, &b, &err), CS_OK);
            cs_trial_batch_reset(&b, t + 1);
        }
    }
    rr_destroy(&r);
    cs_failures_destroy(&f);
    cs_trial_batch_destroy(&b);
}

static cs_results_t *create(fixture *fx, const char *name)
{
    snprintf(fx->path, sizeof fx->path, "test_results_%s.h5", name);
    cs_error err = CS_ERROR_INIT;
    cs_results_t *w = NULL;
    assert_int_equal(cs_results_create(&w, fx->path, &fx->meta, &err), CS_OK);
    assert_non_null(w);
    return w;
}

/* ----------------------------------------------------------------- readers */

static hid_t open_file(const char *path)
{
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    return f;
}

static char *str_attr(hid_t obj, const char *name)
{
    const hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    assert_true(a >= 0);
    const hid_t t = H5Aget_type(a);
    assert_true(H5Tis_variable_str(t) > 0);
    assert_int_equal(H5Tget_cset(t), H5T_CSET_UTF8);
    char *s = NULL;
    assert_true(H5Aread(a, t, &s) >= 0);
    char *copy = dup(s);
    H5free_memory(s);
    H5Tclose(t);
    H5Aclose(a);
    return copy;
}

static void assert_str_attr(hid_t obj, const char *name, const char *expect)
{
    char *s = str_attr(obj, name);
    assert_string_equal(s, expect);
    free(s);
}

/* Reads a scalar numeric attribute into v (memory type mem), checking its file type's class
 * and size. */
static void num_attr(hid_t obj, const char *name, hid_t mem, H5T_sign_t sign, size_t size, void *v)
{
    const hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
    assert_true(a >= 0);
    const hid_t t = H5Aget_type(a), s = H5Aget_space(a);
    assert_int_equal(H5Tget_class(t), H5T_INTEGER);
    assert_int_equal(H5Tget_sign(t), sign);
    assert_int_equal(H5Tget_size(t), size);
    assert_int_equal(H5Sget_simple_extent_type(s), H5S_SCALAR);
    assert_true(H5Aread(a, mem, v) >= 0);
    H5Sclose(s);
    H5Tclose(t);
    H5Aclose(a);
}

static uint8_t complete_flag(const char *path)
{
    const hid_t f = open_file(path);
    uint8_t c = 99;
    num_attr(f, "complete", H5T_NATIVE_UINT8, H5T_SGN_NONE, 1, &c);
    H5Fclose(f);
    return c;
}

/* Reads dataset path whole (memory type mem, element size esize), asserting its shape. */
static void *read_all(hid_t f, const char *path, hid_t mem, size_t esize, int rank,
                      const hsize_t *expect)
{
    const hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    assert_true(d >= 0);
    const hid_t s = H5Dget_space(d);
    hsize_t dims[2] = {0, 0};
    assert_int_equal(H5Sget_simple_extent_ndims(s), rank);
    H5Sget_simple_extent_dims(s, dims, NULL);
    size_t n = 1;
    for (int i = 0; i < rank; i++) {
        assert_int_equal(dims[i], expect[i]);
        n *= (size_t)dims[i];
    }
    void *buf = calloc(n + 1, esize);
    assert_non_null(buf);
    if (n > 0) assert_true(H5Dread(d, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    H5Sclose(s);
    H5Dclose(d);
    return buf;
}

static double *read_f64(hid_t f, const char *path, int rank, const hsize_t *expect)
{
    return read_all(f, path, H5T_NATIVE_DOUBLE, sizeof(double), rank, expect);
}

/* Checks a CSR pair against the expected offsets and values. */
static void assert_csr(hid_t f, const char *offsets, const char *values, const uint64_t *off,
                       const uint32_t *val, size_t nval)
{
    const hsize_t n1[1] = {NT + 1}, nv[1] = {nval};
    uint64_t *o = read_all(f, offsets, H5T_NATIVE_UINT64, 8, 1, n1);
    uint32_t *v = read_all(f, values, H5T_NATIVE_UINT32, 4, 1, nv);
    for (size_t t = 0; t <= NT; t++)
        assert_int_equal(o[t], off[t]);
    for (size_t i = 0; i < nval; i++)
        assert_int_equal(v[i], val[i]);
    free(o);
    free(v);
}

/* Asserts the chunking, extendibility and filters of a /trials dataset. */
static void assert_layout(hid_t f, const char *path, hsize_t chunk_rows, unsigned level)
{
    const hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    assert_true(d >= 0);
    const hid_t p = H5Dget_create_plist(d), s = H5Dget_space(d);
    assert_int_equal(H5Pget_layout(p), H5D_CHUNKED);
    hsize_t chunk[2] = {0, 0}, maxdims[2] = {0, 0};
    assert_true(H5Pget_chunk(p, 2, chunk) >= 1);
    assert_int_equal(chunk[0], chunk_rows);
    H5Sget_simple_extent_dims(s, NULL, maxdims);
    assert_true(maxdims[0] == H5S_UNLIMITED);
    /* Fletcher32 last, on every chunked dataset: a torn chunk is detected (commit protocol). */
    const int nf = H5Pget_nfilters(p);
    assert_int_equal(nf, level == 0 ? 1 : 3);
    unsigned fl = 0, fcd[4] = {0};
    size_t fncd = 4;
    assert_int_equal(H5Pget_filter2(p, (unsigned)nf - 1, &fl, &fncd, fcd, 0, NULL, NULL),
                     H5Z_FILTER_FLETCHER32);
    if (level != 0) {
        unsigned flags = 0, cd[4] = {0};
        size_t ncd = 4;
        assert_int_equal(H5Pget_filter2(p, 0, &flags, &ncd, cd, 0, NULL, NULL), H5Z_FILTER_SHUFFLE);
        ncd = 4;
        assert_int_equal(H5Pget_filter2(p, 1, &flags, &ncd, cd, 0, NULL, NULL), H5Z_FILTER_DEFLATE);
        assert_int_equal(ncd, 1);
        assert_int_equal(cd[0], level);
    }
    H5Sclose(s);
    H5Pclose(p);
    H5Dclose(d);
}

typedef struct {
    char names[1024];
    size_t n;
} visit_log;

/* Every dataset carries non-empty `units` and `description` string attributes. */
static herr_t visit_dataset(hid_t root, const char *name, const H5O_info_t *info, void *data)
{
    if (info->type != H5O_TYPE_DATASET) return 0;
    visit_log *log = data;
    const hid_t d = H5Dopen2(root, name, H5P_DEFAULT);
    assert_true(d >= 0);
    char *units = str_attr(d, "units"), *desc = str_attr(d, "description");
    assert_true(strlen(units) > 0);
    assert_true(strlen(desc) > 20);
    free(units);
    free(desc);
    H5Dclose(d);
    log->n++;
    strcat(log->names, name);
    strcat(log->names, " ");
    return 0;
}

static void assert_documented(hid_t f, size_t n_expected, const char *names)
{
    visit_log log = {{0}, 0};
    assert_true(H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, visit_dataset, &log, H5O_INFO_BASIC) >= 0);
    assert_int_equal(log.n, n_expected);
    assert_string_equal(log.names, names);
}

/* ------------------------------------------------------------------- tests */

static void assert_sha_attr(hid_t f, const char *name, const char *text)
{
    cs_sha256 h;
    char hex[65];
    cs_sha256_init(&h);
    cs_sha256_update(&h, text, strlen(text));
    cs_sha256_final_hex(&h, hex);
    assert_str_attr(f, name, hex);
}

static void assert_root(hid_t f, uint8_t complete)
{
    assert_str_attr(f, "format", "cablesim-results");
    int32_t i32 = 0;
    num_attr(f, "format_version", H5T_NATIVE_INT32, H5T_SGN_2, 4, &i32);
    assert_int_equal(i32, 1); /* the fixture writes format 1 (output.format_version) */
    assert_str_attr(f, "software_version", "9.8.7-test");
    assert_str_attr(f, "scenario", scenario_yaml);
    uint64_t u64 = 0;
    num_attr(f, "seed", H5T_NATIVE_UINT64, H5T_SGN_NONE, 8, &u64);
    assert_true(u64 == SEED);
    num_attr(f, "trials", H5T_NATIVE_UINT64, H5T_SGN_NONE, 8, &u64);
    assert_int_equal(u64, NT);
    assert_sha_attr(f, "topology_sha256", topo_json);
    assert_sha_attr(f, "demand_sha256", demand_csv);
    num_attr(f, "as_of", H5T_NATIVE_INT32, H5T_SGN_2, 4, &i32);
    assert_int_equal(i32, 2025);
    assert_str_attr(f, "created", "2026-04-17T09:30:00Z");
    /* The settings readers ask for first. */
    assert_str_attr(f, "name", "unit");
    assert_str_attr(f, "capacity_basis", "design"); /* the fixture routes on design capacity */
    assert_str_attr(f, "routing_policy", "latency-first");
    uint8_t c = 99;
    num_attr(f, "complete", H5T_NATIVE_UINT8, H5T_SGN_NONE, 1, &c);
    assert_int_equal(c, complete);
}

/* A fixed-length string member type for reading compound tables into C structs. */
static hid_t cstr(size_t n)
{
    const hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, n);
    H5Tset_strpad(t, H5T_STR_NULLTERM);
    /* HDF5 does not convert between character sets: the reader must ask for UTF-8 too. */
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

/* Reads the compound dataset path (n records) with the memory type mt. */
static void read_table(hid_t f, const char *path, hid_t mt, size_t n, void *buf)
{
    const hid_t d = H5Dopen2(f, path, H5P_DEFAULT);
    assert_true(d >= 0);
    const hid_t s = H5Dget_space(d), ft = H5Dget_type(d);
    hsize_t dims[1] = {0};
    assert_int_equal(H5Sget_simple_extent_ndims(s), 1);
    H5Sget_simple_extent_dims(s, dims, NULL);
    assert_int_equal(dims[0], n);
    assert_int_equal(H5Tget_class(ft), H5T_COMPOUND);
    assert_true(H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0);
    H5Tclose(ft);
    H5Sclose(s);
    H5Dclose(d);
}

/* The string member `name` of path's file type: fixed length, null-padded, UTF-8. */
static void assert_fixed_member(hid_t f, const char *path, const char *name, size_t size)
{
    const hid_t d = H5Dopen2(f, path, H5P_DEFAULT), ft = H5Dget_type(d);
    const int i = H5Tget_member_index(ft, name);
    assert_true(i >= 0);
    const hid_t mt = H5Tget_member_type(ft, (unsigned)i);
    assert_int_equal(H5Tget_class(mt), H5T_STRING);
    assert_false(H5Tis_variable_str(mt));
    assert_int_equal(H5Tget_size(mt), size);
    assert_int_equal(H5Tget_strpad(mt), H5T_STR_NULLPAD);
    assert_int_equal(H5Tget_cset(mt), H5T_CSET_UTF8);
    H5Tclose(mt);
    H5Tclose(ft);
    H5Dclose(d);
}

typedef struct {
    char id[32], name[32], kind[32], region[32];
    double lon;
} node_row;

typedef struct {
    char id[32], kind[32], cable[32], owners[32];
    uint32_t from, to;
    double capacity, lit, length, depth, shallow;
    uint8_t cap_est, lit_est;
    int32_t rfs, retired;
} edge_row;

typedef struct {
    uint32_t origin, destination;
    char origin_id[32], destination_id[32];
    double demand, scaled;
} demand_row;

typedef struct {
    uint32_t city;
    char city_id[32], region[32];
} pair_row;

static void assert_topology(hid_t f)
{
    const hid_t s = cstr(32);
    hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(node_row));
    H5Tinsert(t, "id", offsetof(node_row, id), s);
    H5Tinsert(t, "name", offsetof(node_row, name), s);
    H5Tinsert(t, "kind", offsetof(node_row, kind), s);
    H5Tinsert(t, "region", offsetof(node_row, region), s);
    H5Tinsert(t, "lon_deg", offsetof(node_row, lon), H5T_NATIVE_DOUBLE);
    node_row n[NN];
    read_table(f, "/topology/nodes", t, NN, n);
    H5Tclose(t);
    assert_string_equal(n[0].id, "city-tokyo");
    assert_string_equal(n[1].name, "\xc5\x8csaka"); /* U+014C as UTF-8 */
    assert_string_equal(n[2].kind, "city");
    assert_string_equal(n[2].region, "US West Coast");
    assert_float_equal(n[2].lon, -118.2437, 1e-12);
    /* Sized to the longest value: "city-tokyo", "city-osaka" (10 bytes), "Los Angeles" (11). */
    assert_fixed_member(f, "/topology/nodes", "id", 10);
    assert_fixed_member(f, "/topology/nodes", "name", 11);

    t = H5Tcreate(H5T_COMPOUND, sizeof(edge_row));
    H5Tinsert(t, "id", offsetof(edge_row, id), s);
    H5Tinsert(t, "kind", offsetof(edge_row, kind), s);
    H5Tinsert(t, "cable", offsetof(edge_row, cable), s);
    H5Tinsert(t, "owners", offsetof(edge_row, owners), s);
    H5Tinsert(t, "from", offsetof(edge_row, from), H5T_NATIVE_UINT32);
    H5Tinsert(t, "to", offsetof(edge_row, to), H5T_NATIVE_UINT32);
    H5Tinsert(t, "capacity_tbps", offsetof(edge_row, capacity), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "lit_tbps", offsetof(edge_row, lit), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "length_km", offsetof(edge_row, length), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "depth_m", offsetof(edge_row, depth), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "shallow_share", offsetof(edge_row, shallow), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "capacity_estimated", offsetof(edge_row, cap_est), H5T_NATIVE_UINT8);
    H5Tinsert(t, "lit_estimated", offsetof(edge_row, lit_est), H5T_NATIVE_UINT8);
    H5Tinsert(t, "rfs", offsetof(edge_row, rfs), H5T_NATIVE_INT32);
    H5Tinsert(t, "retired", offsetof(edge_row, retired), H5T_NATIVE_INT32);
    edge_row e[NE];
    read_table(f, "/topology/edges", t, NE, e);
    H5Tclose(t);
    assert_string_equal(e[0].id, "link-tokyo-osaka");
    assert_string_equal(e[0].kind, "link");
    assert_string_equal(e[0].cable, "");
    assert_int_equal(e[0].from, 0);
    assert_int_equal(e[0].to, 1);
    assert_float_equal(e[0].capacity, 96.0, 1e-12);
    assert_float_equal(e[0].lit, 33.3, 1e-12);
    assert_true(isnan(e[0].depth));
    assert_int_equal(e[0].retired, 0);
    assert_string_equal(e[1].id, "seg-jus");
    assert_string_equal(e[1].cable, "JUS");
    assert_string_equal(e[1].owners, "KDDI; NTT");
    assert_int_equal(e[1].from, 0);
    assert_int_equal(e[1].to, 2);
    assert_float_equal(e[1].capacity, 77.6, 1e-12);
    assert_float_equal(e[1].length, 9876.5, 1e-12);
    assert_float_equal(e[1].depth, 5850.5, 1e-12);
    assert_true(isnan(e[1].shallow));
    assert_int_equal(e[1].cap_est, 1);
    assert_int_equal(e[1].lit_est, 0);
    assert_int_equal(e[1].rfs, 2009);
    assert_int_equal(e[1].retired, 2031);

    t = H5Tcreate(H5T_COMPOUND, sizeof(demand_row));
    H5Tinsert(t, "origin", offsetof(demand_row, origin), H5T_NATIVE_UINT32);
    H5Tinsert(t, "destination", offsetof(demand_row, destination), H5T_NATIVE_UINT32);
    H5Tinsert(t, "origin_id", offsetof(demand_row, origin_id), s);
    H5Tinsert(t, "destination_id", offsetof(demand_row, destination_id), s);
    H5Tinsert(t, "demand_tbps", offsetof(demand_row, demand), H5T_NATIVE_DOUBLE);
    H5Tinsert(t, "demand_scaled_tbps", offsetof(demand_row, scaled), H5T_NATIVE_DOUBLE);
    demand_row d[ND];
    read_table(f, "/topology/demands", t, ND, d);
    H5Tclose(t);
    assert_int_equal(d[0].origin, 0);
    assert_int_equal(d[0].destination, 2);
    assert_int_equal(d[1].origin, 1);
    assert_string_equal(d[1].origin_id, "city-osaka");
    assert_string_equal(d[1].destination_id, "city-la");
    assert_float_equal(d[0].demand, 3.75, 1e-12);
    assert_float_equal(d[1].scaled, 1.5 * SCALE, 1e-12);

    t = H5Tcreate(H5T_COMPOUND, sizeof(pair_row));
    H5Tinsert(t, "city", offsetof(pair_row, city), H5T_NATIVE_UINT32);
    H5Tinsert(t, "city_id", offsetof(pair_row, city_id), s);
    H5Tinsert(t, "region", offsetof(pair_row, region), s);
    pair_row p[NP];
    read_table(f, "/topology/pairs", t, NP, p);
    H5Tclose(t);
    assert_int_equal(p[0].city, 0);
    assert_string_equal(p[0].city_id, "city-tokyo");
    assert_string_equal(p[0].region, "US West Coast");
    H5Tclose(s);
}

static void assert_baseline(hid_t f, const cs_routing_result *b)
{
    const hsize_t nd[1] = {ND}, ne[1] = {NE};
    double *v = read_f64(f, "/baseline/served_tbps", 1, nd);
    for (size_t i = 0; i < ND; i++)
        assert_float_equal(v[i], b->served_tbps[i], 0.0);
    free(v);
    v = read_f64(f, "/baseline/latency_ms", 1, nd);
    for (size_t i = 0; i < ND; i++)
        assert_float_equal(v[i], b->latency_ms[i], 0.0);
    free(v);
    v = read_f64(f, "/baseline/edge_flow_tbps", 1, ne);
    for (size_t i = 0; i < NE; i++)
        assert_float_equal(v[i], b->edge_flow_tbps[i], 0.0);
    free(v);
    v = read_f64(f, "/baseline/unserved_tbps", 0, NULL);
    assert_float_equal(v[0], 0.015625, 0.0);
    free(v);
}

/* /trials/cuts and /trials/hazard_events of trial_failures(): one cut per failed edge (no
 * place: NaN), plus the placed second cut of edge 1 and the event of trial 2. Members are read
 * by name, as readers must. */
static void assert_cuts(hid_t f)
{
    static const uint64_t off_c[NT + 1] = {0, 0, 1, 4, 4, 5}, off_v[NT + 1] = {0, 0, 0, 1, 1, 1};
    const hsize_t n6[1] = {NT + 1}, nc[1] = {5}, nv[1] = {1};
    uint64_t *o = read_all(f, "/trials/cut_offsets", H5T_NATIVE_UINT64, 8, 1, n6);
    assert_memory_equal(o, off_c, sizeof off_c);
    free(o);
    o = read_all(f, "/trials/hazard_event_offsets", H5T_NATIVE_UINT64, 8, 1, n6);
    assert_memory_equal(o, off_v, sizeof off_v);
    free(o);
    typedef struct {
        uint32_t edge;
        double lat, depth, time;
        uint8_t waters;
        int32_t hazard;
    } cut_t;
    const hid_t ct = H5Tcreate(H5T_COMPOUND, sizeof(cut_t));
    H5Tinsert(ct, "edge", HOFFSET(cut_t, edge), H5T_NATIVE_UINT32);
    H5Tinsert(ct, "lat_deg", HOFFSET(cut_t, lat), H5T_NATIVE_DOUBLE);
    H5Tinsert(ct, "depth_m", HOFFSET(cut_t, depth), H5T_NATIVE_DOUBLE);
    H5Tinsert(ct, "time_days", HOFFSET(cut_t, time), H5T_NATIVE_DOUBLE);
    H5Tinsert(ct, "waters", HOFFSET(cut_t, waters), H5T_NATIVE_UINT8);
    H5Tinsert(ct, "hazard", HOFFSET(cut_t, hazard), H5T_NATIVE_INT32);
    cut_t *c = read_all(f, "/trials/cuts", ct, sizeof(cut_t), 1, nc);
    static const uint32_t edges[5] = {1, 1, 0, 1, 0};
    for (size_t k = 0; k < 5; k++)
        assert_int_equal(c[k].edge, edges[k]);
    assert_true(isnan(c[0].lat) && isnan(c[0].depth));
    assert_float_equal(c[3].lat, 34.75, 0.0);
    assert_float_equal(c[3].depth, 120.5, 0.0);
    assert_float_equal(c[3].time, 2.5, 0.0);
    assert_int_equal(c[3].hazard, 3);
    assert_int_equal(c[1].hazard, -1);
    assert_int_equal(c[3].waters, 2); /* the third cut of trial 2 */
    assert_int_equal(c[4].waters, 0);
    free(c);
    H5Tclose(ct);
    typedef struct {
        int32_t hazard, target;
        uint32_t cuts;
        double magnitude, lon0, lon1;
    } ev_t;
    const hid_t et = H5Tcreate(H5T_COMPOUND, sizeof(ev_t));
    H5Tinsert(et, "hazard", HOFFSET(ev_t, hazard), H5T_NATIVE_INT32);
    H5Tinsert(et, "target", HOFFSET(ev_t, target), H5T_NATIVE_INT32);
    H5Tinsert(et, "cuts", HOFFSET(ev_t, cuts), H5T_NATIVE_UINT32);
    H5Tinsert(et, "magnitude", HOFFSET(ev_t, magnitude), H5T_NATIVE_DOUBLE);
    H5Tinsert(et, "lon0_deg", HOFFSET(ev_t, lon0), H5T_NATIVE_DOUBLE);
    H5Tinsert(et, "lon1_deg", HOFFSET(ev_t, lon1), H5T_NATIVE_DOUBLE);
    ev_t *v = read_all(f, "/trials/hazard_events", et, sizeof(ev_t), 1, nv);
    assert_int_equal(v[0].hazard, 3);
    assert_int_equal(v[0].target, 7);
    assert_int_equal(v[0].cuts, 1);
    assert_float_equal(v[0].magnitude, 7.125, 0.0);
    assert_float_equal(v[0].lon0, 141.5, 0.0);
    assert_true(isnan(v[0].lon1));
    free(v);
    H5Tclose(et);
}

/* Trial datasets against the formulas; edge flows and latency when present. */
static void assert_trials(hid_t f, bool edge_flow, bool with_latency)
{
    static const uint64_t off_e[NT + 1] = {0, 0, 1, 3, 3, 4}, off_n[NT + 1] = {0, 0, 0, 1, 1, 2};
    static const uint32_t edges[4] = {1, 1, 0, 0}, nodes[2] = {2, 0};
    assert_csr(f, "/trials/failed_offsets", "/trials/failed_edges", off_e, edges, 4);
    assert_csr(f, "/trials/failed_node_offsets", "/trials/failed_nodes", off_n, nodes, 2);
    assert_cuts(f);
    const hsize_t td[2] = {NT, ND}, te[2] = {NT, NE}, tp[2] = {NT, NP}, t1[1] = {NT};
    double *v = read_f64(f, "/trials/served_tbps", 2, td);
    for (size_t t = 0; t < NT; t++)
        for (size_t d = 0; d < ND; d++)
            assert_float_equal(v[t * ND + d], served(t, d), 0.0);
    free(v);
    assert_int_equal(H5Lexists(f, "/trials/latency_ms", H5P_DEFAULT), with_latency);
    if (with_latency) {
        v = read_f64(f, "/trials/latency_ms", 2, td);
        for (size_t t = 0; t < NT; t++)
            for (size_t d = 0; d < ND; d++) {
                if (isnan(latency(t, d)))
                    assert_true(isnan(v[t * ND + d]));
                else
                    assert_float_equal(v[t * ND + d], latency(t, d), 0.0);
            }
        free(v);
    }
    v = read_f64(f, "/trials/unserved_tbps", 1, t1);
    for (size_t t = 0; t < NT; t++)
        assert_float_equal(v[t], unserved(t), 0.0);
    free(v);
    assert_int_equal(H5Lexists(f, "/trials/edge_flow_tbps", H5P_DEFAULT), edge_flow);
    if (edge_flow) {
        v = read_f64(f, "/trials/edge_flow_tbps", 2, te);
        for (size_t t = 0; t < NT; t++)
            for (size_t e = 0; e < NE; e++)
                assert_float_equal(v[t * NE + e], flow(t, e), 0.0);
        free(v);
    }
    uint8_t *pc = read_all(f, "/trials/pair_cut", H5T_NATIVE_UINT8, 1, 2, tp);
    for (size_t t = 0; t < NT; t++)
        assert_int_equal(pc[t], cut(t));
    free(pc);
}

static void test_roundtrip(void **state)
{
    fixture *fx = *state;
    cs_error err = CS_ERROR_INIT;
    cs_results_t *w = create(fx, "roundtrip");
    /* Before close, the file already says it is incomplete. */
    assert_int_equal(complete_flag(fx->path), 0);
    write_trials(fx, w, 0, NT);
    assert_int_equal(cs_results_close(w, true, &err), CS_OK);

    const hid_t f = open_file(fx->path);
    assert_root(f, 1);
    /* The scenario resolved: the defaults its readers applied filled in. The fixture's scenario is
     * made by hand, not read (no document), so none were: the text as written. Files of real
     * runs: test_scenario, test_inputs, fuzz_scenario. */
    assert_str_attr(f, "scenario_resolved", scenario_yaml);
    assert_topology(f);
    assert_baseline(f, &fx->base);
    assert_trials(f, true, true);
    /* Batches of 2 trials: chunks of 2 rows, shuffle + deflate at level 4. The CSR lists use
     * chunks of MIN_LIST_CHUNK (4096) elements. */
    assert_layout(f, "/trials/served_tbps", 2, 4);
    assert_layout(f, "/trials/latency_ms", 2, 4);
    assert_layout(f, "/trials/edge_flow_tbps", 2, 4);
    assert_layout(f, "/trials/pair_cut", 2, 4);
    assert_layout(f, "/trials/unserved_tbps", 2, 4);
    assert_layout(f, "/trials/failed_offsets", 2, 4);
    assert_layout(f, "/trials/failed_nodes", 4096, 4);
    assert_documented(f, 21,
                      "baseline/edge_flow_tbps baseline/latency_ms baseline/served_tbps "
                      "baseline/unserved_tbps topology/demands topology/edges topology/nodes "
                      "topology/pairs trials/cut_offsets trials/cuts trials/edge_flow_tbps "
                      "trials/failed_edges trials/failed_node_offsets trials/failed_nodes "
                      "trials/failed_offsets trials/hazard_event_offsets trials/hazard_events "
                      "trials/latency_ms trials/pair_cut trials/served_tbps "
                      "trials/unserved_tbps ");
    H5Fclose(f);
}

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    const long len = ftell(fp);
    assert_true(len > 0);
    rewind(fp);
    unsigned char *buf = malloc((size_t)len);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
    fclose(fp);
    *n = (size_t)len;
    return buf;
}

/*
 * Blanks the times stored in the object header at address at of the file image buf[0..n-1],
 * and its chunk's checksum. Asserts a version 2 object header ("OHDR").
 */
static void blank_header_times(unsigned char *buf, size_t n, uint64_t at)
{
    assert_true(at + 6 < n && memcmp(buf + at, "OHDR", 4) == 0 && buf[at + 4] == 2);
    const unsigned flags = buf[at + 5];
    at += 6;
    if (flags & 0x20) {
        memset(buf + at, 0, 16); /* access, modification, change and birth times */
        at += 16;
    }
    if (flags & 0x10) at += 4; /* attribute storage phase change values */
    const unsigned width = 1u << (flags & 3);
    uint64_t size = 0;
    for (unsigned i = width; i-- > 0;)
        size = size << 8 | buf[at + i];
    at += width + size; /* the checksum follows chunk 0 */
    assert_true(at + 4 <= n);
    memset(buf + at, 0, 4);
}

/*
 * Blanks the times HDF5 1.10 stores whatever the creation properties say: the superblock
 * extension (which holds the file space strategy) is an object header made with the default
 * object creation properties, which store times. Asserts a version 2 or 3 superblock at 0.
 */
static void blank_times(unsigned char *buf, size_t n)
{
    assert_true(n > 48 && memcmp(buf, "\x89HDF\r\n\x1a\n", 8) == 0 && buf[8] >= 2);
    static const size_t fields[] = {20, 36}; /* superblock extension, root group */
    for (size_t k = 0; k < 2; k++) {
        uint64_t a = 0;
        for (int i = 7; i >= 0; i--)
            a = a << 8 | buf[fields[k] + i];
        if (a != UINT64_MAX) blank_header_times(buf, n, a);
    }
}

/* The same run twice gives the same bytes: nothing in the file depends on when it was written
 * but `created`, which the meta fixes here, and the times HDF5 stores on the superblock
 * extension (blank_times). */
static void test_reproducible(void **state)
{
    fixture *fx = *state;
    cs_error err = CS_ERROR_INIT;
    cs_results_t *w = create(fx, "again");
    write_trials(fx, w, 0, NT);
    assert_int_equal(cs_results_close(w, true, &err), CS_OK);
    size_t n1, n2;
    unsigned char *a = slurp(fx->path, &n1);
    remove(fx->path);
    w = create(fx, "again");
    write_trials(fx, w, 0, NT);
    assert_int_equal(cs_results_close(w, true, &err), CS_OK);
    unsigned char *b = slurp(fx->path, &n2);
    assert_int_equal(n1, n2);
    blank_times(a, n1);
    blank_times(b, n2);
    assert_memory_equal(a, b, n1);
    free(a);
    free(b);
}

/* output.edge_flow and output.latency off, compression 0: no such datasets, no filters. */
static void test_options_off(void **state)
{
    fixture *fx = *state;
    fx->scen.output = (cs_output_options){false, false, 0, 3, false, 1};
    cs_error err = CS_ERROR_INIT;
    cs_results_t *w = create(fx, "off");
    write_trials(fx, w, 0, NT);
    assert_int_equal(cs_results_close(w, true, &err), CS_OK);
    const hid_t f = open_file(fx->path);
    assert_root(f, 1);
    assert_trials(f, false, false);
    assert_layout(f, "/trials/served_tbps", 3, 0);
    assert_layout(f, "/trials/failed_edges", 4096, 0);
    assert_documented(f, 19,
                      "baseline/edge_flow_tbps baseline/latency_ms baseline/served_tbps "
                      "baseline/unserved_tbps topology/demands topology/edges topology/nodes "
                      "topology/pairs trials/cut_offsets trials/cuts trials/failed_edges "
                      "trials/failed_node_offsets trials/failed_nodes trials/failed_offsets "
                      "trials/hazard_event_offsets trials/hazard_events trials/pair_cut "
                      "trials/served_tbps trials/unserved_tbps ");
    H5Fclose(f);
}

/* Chunks hold at most 1 MiB: 65536 rows of 2 doubles, whatever the batch. */
static void test_chunk_cap(void **state)
{
    fixture *fx = *state;
    fx->scen.trials = 10000000;
    fx->scen.output = (cs_output_options){true, true, 9, 3000000, false, 1};
    cs_error err = CS_ERROR_INIT;
    cs_results_t *w = create(fx, "cap");
    assert_int_equal(cs_results_close(w, false, &err), CS_OK);
    const hid_t f = open_file(fx->path);
    /* a chunk is a batch of rows, at most 16 MiB */
    assert_layout(f, "/trials/served_tbps", (16 << 20) / 16, 9);
    assert_layout(f, "/trials/unserved_tbps", (16 << 20) / 8, 9);
    assert_layout(f, "/trials/pair_cut", 3000000, 9);
    assert_layout(f, "/trials/failed_edges", 3000000, 9);
    H5Fclose(f);
    assert_int_equal(complete_flag(fx->path), 0);
}

/* Everything written, but close(false): complete stays 0. */
static void test_close_incomplete(void **state)
{
    fixture *fx = *state;
    cs_error err = CS_ERROR_INIT;
    cs_results_t *w = create(fx, "interrupted");
    write_trials(fx, w, 0, NT);
    assert_int_equal(cs_results_close(w, false, &err), CS_OK);
    assert_int_equal(complete_flag(fx->path), 0);
    const hid_t f = open_file(fx->path);
    assert_trials(f, true, true);
    H5Fclose(f);
    assert_int_equal(cs_results_close(NULL, true, &err), CS_OK);
}

/* close(true) with 3 of 5 trials: an error, the file closed with complete = 0. */
/* cs_results_merge: two parts written by the writer (trials 3..4 and 0..2, given in that order)
 * join into the file one run writes; the merged file keeps no part attributes. */
static void test_merge_parts(void **state)
{
    fixture *fx = *state;
    cs_error err = CS_ERROR_INIT;
    static const char *const names[] = {"test_results_part1.h5", "test_results_part0.h5"};
    const uint64_t first[2] = {3, 0}, count[2] = {2, 3};
    fx->meta.software_version = cs_version(); /* merge takes parts of this cablesim only */
    for (int i = 0; i < 2; i++) {
        fx->meta.part_first = first[i];
        fx->meta.part_trials = count[i];
        cs_results_t *w = NULL;
        assert_int_equal(cs_results_create(&w, names[i], &fx->meta, &err), CS_OK);
        write_trials(fx, w, first[i], first[i] + count[i]);
        assert_int_equal(cs_results_close(w, true, &err), CS_OK);
    }
    fx->meta.part_first = fx->meta.part_trials = 0;
    snprintf(fx->path, sizeof fx->path, "test_results_merged.h5");
    uint64_t trials = 0, seed = 0;
    assert_int_equal(cs_results_merge(fx->path, names, 2, 64, &trials, &seed, &err), CS_OK);
    assert_int_equal(trials, NT);
    assert_true(seed == SEED);
    const hid_t f = open_file(fx->path);
    assert_topology(f);
    assert_baseline(f, &fx->base);
    assert_trials(f, true, true);
    assert_str_attr(f, "scenario", scenario_yaml);
    assert_int_equal(H5Aexists(f, "part_trials"), 0);
    assert_int_equal(H5Aexists(f, "part_first_trial"), 0);
    assert_layout(f, "/trials/served_tbps", 2, 4); /* the parts' chunks and filters */
    H5Fclose(f);
    assert_int_equal(complete_flag(fx->path), 1);
    /* A part missing: refused, and nothing is left under the output's name. */
    remove(fx->path);
    assert_int_equal(cs_results_merge(fx->path, names, 1, 64, &trials, &seed, &err), CS_EINVAL);
    assert_string_equal(err.msg, "missing trials 0..2 of 5: no part holds them (the first part, "
                                 "test_results_part1.h5, starts at trial 3)");
    FILE *left = fopen(fx->path, "rb");
    assert_null(left);
    for (int i = 0; i < 2; i++)
        remove(names[i]);
}

static void test_close_missing_trials(void **state)
{
    fixture *fx = *state;
    cs_error err = CS_ERROR_INIT;
    cs_results_t *w = create(fx, "missing");
    write_trials(fx, w, 0, 3);
    assert_int_equal(cs_results_close(w, true, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "test_results_missing.h5: 3 of 5 trials written"));
    assert_non_null(strstr(err.msg, "complete = 0"));
    assert_int_equal(complete_flag(fx->path), 0);
    const hid_t f = open_file(fx->path);
    const hsize_t n[1] = {4}, n2[2] = {3, ND};
    uint64_t *o = read_all(f, "/trials/failed_offsets", H5T_NATIVE_UINT64, 8, 1, n);
    assert_int_equal(o[3], 3);
    free(o);
    free(read_f64(f, "/trials/served_tbps", 2, n2));
    H5Fclose(f);
}

static void test_unwritable_path(void **state)
{
    fixture *fx = *state;
    cs_error err = CS_ERROR_INIT;
    cs_results_t *w = NULL;
    const char *path = "no-such-dir-for-cablesim/out.h5";
    const cs_status rc = cs_results_create(&w, path, &fx->meta, &err);
    assert_int_equal(rc, CS_EIO);
    assert_null(w);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "could not create the results file"));
}

/* A wrong trial order, a full batch, mismatched sizes and too many trials are refused. */
static void test_batch_errors(void **state)
{
    fixture *fx = *state;
    cs_error err = CS_ERROR_INIT;
    cs_trial_batch b;
    assert_int_equal(cs_trial_batch_init(&b, 0, ND, NE, NN, NP, true, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "capacity >= 1"));
    cs_error_clear(&err);
    assert_int_equal(cs_trial_batch_init(&b, 1, ND, NE, NN, NP, true, &err), CS_OK);
    cs_routing_result r, wrong;
    rr_init(&r, ND, NE);
    rr_init(&wrong, ND + 1, NE);
    const unsigned char pc[NP] = {1};
    assert_int_equal(cs_trial_batch_add(&b, NULL, &wrong, pc, &err), CS_EINVAL);
    assert_non_null(
        strstr(err.msg, "expected a routing result for 2 demands and 2 edges, found 3"));
    cs_error_clear(&err);
    assert_int_equal(cs_trial_batch_add(&b, NULL, &r, NULL, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "expected 1 pair cut flags, found none"));
    cs_error_clear(&err);
    assert_int_equal(cs_trial_batch_add(&b, NULL, &r, pc, &err), CS_OK);
    assert_int_equal(cs_trial_batch_add(&b, NULL, &r, pc, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "trial 1 does not fit: the batch is full (1 trials)"));
    cs_error_clear(&err);

    cs_results_t *w = create(fx, "errors");
    cs_trial_batch_reset(&b, 1);
    assert_int_equal(cs_trial_batch_add(&b, NULL, &r, pc, &err), CS_OK);
    assert_int_equal(cs_results_write_batch(w, &b, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "test_results_errors.h5: expected a batch starting at trial 0, "
                                    "found trial 1"));
    cs_error_clear(&err);

    cs_trial_batch no_flow, no_pairs;
    assert_int_equal(cs_trial_batch_init(&no_flow, 1, ND, NE, NN, NP, false, &err), CS_OK);
    assert_int_equal(cs_trial_batch_add(&no_flow, NULL, &r, pc, &err), CS_OK);
    assert_int_equal(cs_results_write_batch(w, &no_flow, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "expected /trials/edge_flow_tbps in the batch, found none"));
    cs_error_clear(&err);
    assert_int_equal(cs_trial_batch_init(&no_pairs, 1, ND, NE, NN, 0, true, &err), CS_OK);
    assert_int_equal(cs_results_write_batch(w, &no_pairs, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "expected a batch of 2 demands, 2 edges, 3 nodes and 1 pairs, "
                                    "found 2, 2, 3 and 0"));
    cs_error_clear(&err);
    /* A batch whose failure counts do not match its lists. */
    b.first_trial = 0;
    b.n_failed_edges[0] = 2;
    assert_int_equal(cs_results_write_batch(w, &b, &err), CS_EINVAL);
    assert_non_null(
        strstr(err.msg, "/trials/failed_edges: batch counts add up to 2, but 0 are listed"));
    cs_error_clear(&err);
    b.n_failed_edges[0] = 0;

    for (uint64_t t = 0; t < NT; t++) {
        b.first_trial = t;
        assert_int_equal(cs_results_write_batch(w, &b, &err), CS_OK);
    }
    b.first_trial = NT;
    assert_int_equal(cs_results_write_batch(w, &b, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "1 trials from trial 5 go beyond the file's last trial 4"));
    cs_trial_batch_destroy(&no_pairs);
    cs_trial_batch_destroy(&no_flow);
    cs_trial_batch_destroy(&b);
    rr_destroy(&r);
    rr_destroy(&wrong);
    /* The refused batches left nothing behind: exactly the 5 trials, so the file completes. */
    cs_error_clear(&err);
    assert_int_equal(cs_results_close(w, true, &err), CS_OK);
    assert_int_equal(complete_flag(fx->path), 1);
    const hid_t f = open_file(fx->path);
    const hsize_t n[1] = {NT};
    free(read_f64(f, "/trials/unserved_tbps", 1, n));
    H5Fclose(f);
}

/* No tracked pairs: /topology/pairs is empty and pair_cut is [trials x 0]. */
static void test_no_pairs(void **state)
{
    fixture *fx = *state;
    fx->meta.pairs = NULL;
    cs_error err = CS_ERROR_INIT;
    cs_results_t *w = create(fx, "nopairs");
    write_trials(fx, w, 0, NT);
    assert_int_equal(cs_results_close(w, true, &err), CS_OK);
    const hid_t f = open_file(fx->path);
    const hsize_t n0[1] = {0}, tp[2] = {NT, 0};
    free(read_all(f, "/topology/pairs", H5T_NATIVE_UINT8, 1, 1, n0));
    free(read_all(f, "/trials/pair_cut", H5T_NATIVE_UINT8, 1, 2, tp));
    assert_root(f, 1);
    H5Fclose(f);
}

/* Invalid meta is refused before any file is made. */
static void test_bad_meta(void **state)
{
    fixture *fx = *state;
    cs_error err = CS_ERROR_INIT;
    cs_results_t *w = NULL;
    fx->base.n_edges = NE + 1;
    assert_int_equal(cs_results_create(&w, "test_results_bad.h5", &fx->meta, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "test_results_bad.h5: baseline routing: expected 2 demands and "
                                    "2 edges, found 2 and 3"));
    fx->base.n_edges = NE;
    cs_error_clear(&err);
    fx->pair_origin[0] = 7;
    assert_int_equal(cs_results_create(&w, "test_results_bad.h5", &fx->meta, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "pair 0: expected a node index < 3"));
    cs_error_clear(&err);
    fx->pair_origin[0] = 0;
    fx->scen.output.compression = 10;
    assert_int_equal(cs_results_create(&w, "test_results_bad.h5", &fx->meta, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "output compression: expected 0..9, found 10"));
    assert_null(w);
    FILE *fp = fopen("test_results_bad.h5", "rb");
    assert_null(fp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reproducible, setup, teardown),
        cmocka_unit_test_setup_teardown(test_options_off, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chunk_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_incomplete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_missing_trials, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_parts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_pairs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_meta, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
