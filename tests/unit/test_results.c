/*
 * test_results.c: trial batches and the HDF5 results file, read back with the HDF5 C API: every
 * table and trial of a file (the fixture of cs_results_test.h), reproducibility, options left
 * off, chunking, a closed incomplete file and merged parts. Errors: test_results_errors.c.
 */
#include "cs_results_test.h"

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
    /* Batches of 2 trials: chunks of 2 rows, deflate at level 4, shuffled first but the float64
     * datasets (cs_schema_shuffled). The CSR lists use chunks of MIN_LIST_CHUNK (1024)
     * elements. */
    assert_layout(f, "/trials/served_tbps", 2, 4, false);
    assert_layout(f, "/trials/latency_ms", 2, 4, false);
    assert_layout(f, "/trials/edge_flow_tbps", 2, 4, false);
    assert_layout(f, "/trials/pair_cut", 2, 4, true);
    assert_layout(f, "/trials/unserved_tbps", 2, 4, false);
    assert_layout(f, "/trials/failed_offsets", 2, 4, true);
    assert_layout(f, "/trials/failed_nodes", 1024, 4, true);
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
    assert_layout(f, "/trials/served_tbps", 3, 0, false);
    assert_layout(f, "/trials/failed_edges", 1024, 0, true);
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
    assert_layout(f, "/trials/served_tbps", (16 << 20) / 16, 9, false);
    assert_layout(f, "/trials/unserved_tbps", (16 << 20) / 8, 9, false);
    assert_layout(f, "/trials/pair_cut", 3000000, 9, true);
    assert_layout(f, "/trials/failed_edges", 3000000, 9, true);
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
    assert_layout(f, "/trials/served_tbps", 2, 4, false); /* the parts' chunks and filters */
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reproducible, setup, teardown),
        cmocka_unit_test_setup_teardown(test_options_off, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chunk_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_incomplete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merge_parts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
