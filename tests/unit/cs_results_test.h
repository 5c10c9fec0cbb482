/*
 * cs_results_test.h: the fixture of the results-file tests (test_results*.c) and the HDF5 C API
 * reads that check what was written.
 *
 * The fixture is 3 cities (Tokyo, Osaka, Los Angeles), 2 edges (a link Tokyo-Osaka and a
 * segment Tokyo-LA), 2 demands and 1 (city, region) pair; 5 trials are written in batches
 * of 2 + 2 + 1 with failures in trials 1, 2 and 4. Trial values come from formulas in t
 * (trial), d (demand) and e (edge), so every element read back is checked.
 */
#ifndef CS_RESULTS_TEST_H
#define CS_RESULTS_TEST_H

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

/* At most the demand, as in every file a run writes (the readers check it): 4.6875 and 1.875
 * scaled. */
static inline double served(size_t t, size_t d)
{
    return (d == 0 ? 4.6875 : 1.875) - 0.25 * (double)t - 0.125 * (double)d;
}

static inline double latency(size_t t, size_t d)
{
    return t == 2 && d == 1 ? NAN : 50.0 + 3.25 * (double)t + 1.5 * (double)d;
}

static inline double unserved(size_t t)
{
    return 0.625 * (double)t + 0.03125;
}

static inline double flow(size_t t, size_t e)
{
    return 1.125 * (double)t + 2.5 * (double)e + 0.0078125;
}

static inline unsigned char cut(size_t t)
{
    return t == 2 || t == 4;
}

/* Failures of trial t: none, edge 1, edges 1 then 0 and node 2, none, node 0 and edge 0. */
static inline void trial_failures(cs_failures *f, size_t t)
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
static inline void rr_init(cs_routing_result *r, size_t nd, size_t ne)
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

static inline void rr_destroy(cs_routing_result *r)
{
    free(r->served_tbps);
    free(r->latency_ms);
    free(r->edge_flow_tbps);
    free(r->connected);
    memset(r, 0, sizeof *r);
}

static inline char *dup(const char *s)
{
    char *d = malloc(strlen(s) + 1);
    assert_non_null(d);
    return strcpy(d, s);
}

static inline int setup(void **state)
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
                                 NULL,
                                 NULL};
    *state = fx;
    return 0;
}

static inline int teardown(void **state)
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
static inline void write_trials(fixture *fx, cs_results_t *w, size_t from, size_t to)
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

static inline cs_results_t *create(fixture *fx, const char *name)
{
    snprintf(fx->path, sizeof fx->path, "test_results_%s.h5", name);
    cs_error err = CS_ERROR_INIT;
    cs_results_t *w = NULL;
    assert_int_equal(cs_results_create(&w, fx->path, &fx->meta, &err), CS_OK);
    assert_non_null(w);
    return w;
}

/* ----------------------------------------------------------------- readers */

static inline hid_t open_file(const char *path)
{
    const hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    return f;
}

static inline char *str_attr(hid_t obj, const char *name)
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

static inline void assert_str_attr(hid_t obj, const char *name, const char *expect)
{
    char *s = str_attr(obj, name);
    assert_string_equal(s, expect);
    free(s);
}

/* Reads a scalar numeric attribute into v (memory type mem), checking its file type's class
 * and size. */
static inline void num_attr(hid_t obj, const char *name, hid_t mem, H5T_sign_t sign, size_t size,
                            void *v)
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

static inline uint8_t complete_flag(const char *path)
{
    const hid_t f = open_file(path);
    uint8_t c = 99;
    num_attr(f, "complete", H5T_NATIVE_UINT8, H5T_SGN_NONE, 1, &c);
    H5Fclose(f);
    return c;
}

/* Reads dataset path whole (memory type mem, element size esize), asserting its shape. */
static inline void *read_all(hid_t f, const char *path, hid_t mem, size_t esize, int rank,
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

static inline double *read_f64(hid_t f, const char *path, int rank, const hsize_t *expect)
{
    return read_all(f, path, H5T_NATIVE_DOUBLE, sizeof(double), rank, expect);
}

/* Checks a CSR pair against the expected offsets and values. */
static inline void assert_csr(hid_t f, const char *offsets, const char *values, const uint64_t *off,
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

/* Asserts the chunking, extendibility and filters of a /trials dataset: with compression level
 * > 0, shuffle (when shuffled) and deflate at that level, then Fletcher32. */
static inline void assert_layout(hid_t f, const char *path, hsize_t chunk_rows, unsigned level,
                                 bool shuffled)
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
    assert_int_equal(nf, level == 0 ? 1 : shuffled ? 3 : 2);
    unsigned fl = 0, fcd[4] = {0};
    size_t fncd = 4;
    assert_int_equal(H5Pget_filter2(p, (unsigned)nf - 1, &fl, &fncd, fcd, 0, NULL, NULL),
                     H5Z_FILTER_FLETCHER32);
    if (level != 0) {
        unsigned flags = 0, cd[4] = {0};
        size_t ncd = 4;
        if (shuffled)
            assert_int_equal(H5Pget_filter2(p, 0, &flags, &ncd, cd, 0, NULL, NULL),
                             H5Z_FILTER_SHUFFLE);
        ncd = 4;
        assert_int_equal(H5Pget_filter2(p, shuffled ? 1 : 0, &flags, &ncd, cd, 0, NULL, NULL),
                         H5Z_FILTER_DEFLATE);
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
static inline herr_t visit_dataset(hid_t root, const char *name, const H5O_info_t *info, void *data)
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

static inline void assert_documented(hid_t f, size_t n_expected, const char *names)
{
    visit_log log = {{0}, 0};
    assert_true(H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, visit_dataset, &log, H5O_INFO_BASIC) >= 0);
    assert_int_equal(log.n, n_expected);
    assert_string_equal(log.names, names);
}

/* ------------------------------------------------------------------- tests */

static inline void assert_sha_attr(hid_t f, const char *name, const char *text)
{
    cs_sha256 h;
    char hex[65];
    cs_sha256_init(&h);
    cs_sha256_update(&h, text, strlen(text));
    cs_sha256_final_hex(&h, hex);
    assert_str_attr(f, name, hex);
}

static inline void assert_root(hid_t f, uint8_t complete)
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

#endif /* CS_RESULTS_TEST_H */
