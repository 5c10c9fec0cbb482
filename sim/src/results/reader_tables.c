/*
 * reader_tables.c: the tables of a results file, read for the reader (reader.c opens the file and
 * reads the trials): the topology, demand and pair tables column by column, their indices
 * checked, the baseline, and /recovery's ships and attributes when the file has them.
 */
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <hdf5.h>

#include "results/h5util.h"
#include "cablesim/topology.h"
#include "results/reader.h"
#include "results/values.h"

/* ---------------------------------------------------------------- tables */

/* Reads column c of the n-row compound dataset d (table). */
static cs_status read_column(cs_resultsio_t *r, hid_t d, const char *table, const cs_rd_column *c,
                             void *rows, size_t stride, size_t n, cs_error *err)
{
    const hid_t ft = H5Dget_type(d);
    const int i = ft >= 0 ? H5Tget_member_index(ft, c->name) : -1;
    if (i < 0) {
        if (ft >= 0) H5Tclose(ft);
        return cs_errorf(err, CS_EINVAL, "%s: dataset %s: column \"%s\" missing", r->path, table,
                         c->name);
    }
    const hid_t mt = H5Tget_member_type(ft, (unsigned)i);
    const H5T_class_t cls = mt >= 0 ? H5Tget_class(mt) : H5T_NO_CLASS;
    const size_t fsize = mt >= 0 ? H5Tget_size(mt) : 0, record = H5Tget_size(ft);
    if (mt >= 0) H5Tclose(mt);
    H5Tclose(ft);
    const H5T_class_t want = c->kind == CS_COL_STR   ? H5T_STRING
                             : c->kind == CS_COL_U32 ? H5T_INTEGER
                                                     : H5T_FLOAT;
    if (cls != want)
        return cs_errorf(err, CS_EINVAL, "%s: dataset %s: column \"%s\": expected %s values",
                         r->path, table, c->name,
                         want == H5T_STRING    ? "string"
                         : want == H5T_INTEGER ? "integer"
                                               : "float");
    /* The memory element: a string one byte longer than the file's, null-terminated UTF-8. */
    hid_t elem = H5I_INVALID_HID;
    size_t esize = 8;
    if (c->kind == CS_COL_STR) {
        esize = fsize + 1;
        elem = H5Tcopy(H5T_C_S1);
        if (elem >= 0 &&
            (H5Tset_size(elem, esize) < 0 || H5Tset_strpad(elem, H5T_STR_NULLTERM) < 0 ||
             H5Tset_cset(elem, H5T_CSET_UTF8) < 0)) {
            H5Tclose(elem);
            elem = H5I_INVALID_HID;
        }
    } else {
        esize = c->kind == CS_COL_U32 ? 4 : 8;
        elem = H5Tcopy(c->kind == CS_COL_U32 ? H5T_NATIVE_UINT32 : H5T_NATIVE_DOUBLE);
    }
    char *buf = cs_rd_alloc(r, n, esize);
    const hid_t comp = elem >= 0 ? H5Tcreate(H5T_COMPOUND, esize) : H5I_INVALID_HID;
    /* HDF5's conversion buffers as large as the table (1 MiB by default, the background one
     * zeroed at every read: most of the cost of opening a file of a small run) */
    const size_t one = record > esize ? record : esize, most = (size_t)1 << 20;
    const hid_t dxpl = H5Pcreate(H5P_DATASET_XFER);
    cs_status rc = CS_OK;
    if (buf == NULL)
        rc = cs_rd_oom(r, err);
    else if (comp < 0 || H5Tinsert(comp, c->name, 0, elem) < 0 || dxpl < 0 ||
             H5Pset_buffer(dxpl, n > 0 && n < most / one ? n * one : (one > most ? one : most),
                           NULL, NULL) < 0)
        rc = cs_h5_err(err, CS_EIO, r->path, "make a memory type for", table);
    else if (n > 0 && H5Dread(d, comp, H5S_ALL, H5S_ALL, dxpl, buf) < 0)
        rc = cs_h5_err(err, CS_EIO, r->path, "read dataset", table);
    if (dxpl >= 0) H5Pclose(dxpl);
    if (comp >= 0) H5Tclose(comp);
    if (elem >= 0) H5Tclose(elem);
    if (rc) return rc;
    for (size_t k = 0; k < n; k++) {
        char *dst = (char *)rows + k * stride + c->offset;
        if (c->kind == CS_COL_STR) {
            const char *s = buf + k * esize;
            memcpy(dst, &s, sizeof s);
        } else {
            memcpy(dst, buf + k * esize, esize);
        }
    }
    return CS_OK;
}

/* Opens table name (1-D compound), stores its row count in *n and reads its columns into rows. */
cs_status cs_rd_read_table(cs_resultsio_t *r, const char *name, size_t *n, void **rows,
                           size_t row_size, const cs_rd_column *cols, size_t ncols, cs_error *err)
{
    hid_t d;
    uint64_t dims[1] = {0};
    cs_status rc = cs_rd_open_dataset(r, name, false, &d, err);
    if (!rc) rc = cs_rd_check_shape(r, d, name, H5T_COMPOUND, 1, NULL, dims, err);
    if (!rc && dims[0] >= UINT32_MAX)
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: dataset %s: expected fewer than 2^32 rows, found %" PRIu64, r->path,
                       name, dims[0]);
    if (!rc) {
        *n = (size_t)dims[0];
        if ((*rows = cs_rd_alloc(r, *n, row_size)) == NULL) rc = cs_rd_oom(r, err);
    }
    for (size_t c = 0; c < ncols && !rc; c++)
        rc = read_column(r, d, name, &cols[c], *rows, row_size, *n, err);
    if (d >= 0) H5Dclose(d);
    return rc;
}

cs_status cs_rd_read_topology(cs_resultsio_t *r, cs_error *err)
{
    cs_results_info *in = &r->info;
    static const cs_rd_column nodes[] = {
        CS_RD_COL(cs_rnode, id, CS_COL_STR),     CS_RD_COL(cs_rnode, name, CS_COL_STR),
        CS_RD_COL(cs_rnode, kind, CS_COL_STR),   CS_RD_COL(cs_rnode, country, CS_COL_STR),
        CS_RD_COL(cs_rnode, region, CS_COL_STR), CS_RD_COL(cs_rnode, lon_deg, CS_COL_F64),
        CS_RD_COL(cs_rnode, lat_deg, CS_COL_F64)};
    static const cs_rd_column edges[] = {CS_RD_COL(cs_redge, id, CS_COL_STR),
                                         CS_RD_COL(cs_redge, kind, CS_COL_STR),
                                         CS_RD_COL(cs_redge, cable, CS_COL_STR),
                                         CS_RD_COL(cs_redge, cable_name, CS_COL_STR),
                                         CS_RD_COL(cs_redge, from, CS_COL_U32),
                                         CS_RD_COL(cs_redge, to, CS_COL_U32),
                                         CS_RD_COL(cs_redge, capacity_tbps, CS_COL_F64),
                                         CS_RD_COL(cs_redge, lit_tbps, CS_COL_F64),
                                         CS_RD_COL(cs_redge, length_km, CS_COL_F64)};
    static const cs_rd_column demands[] = {CS_RD_COL(cs_rdemand, origin, CS_COL_U32),
                                           CS_RD_COL(cs_rdemand, destination, CS_COL_U32),
                                           CS_RD_COL(cs_rdemand, origin_id, CS_COL_STR),
                                           CS_RD_COL(cs_rdemand, destination_id, CS_COL_STR),
                                           CS_RD_COL(cs_rdemand, demand_tbps, CS_COL_F64),
                                           CS_RD_COL(cs_rdemand, demand_scaled_tbps, CS_COL_F64)};
    static const cs_rd_column pairs[] = {CS_RD_COL(cs_rpair, city, CS_COL_U32),
                                         CS_RD_COL(cs_rpair, city_id, CS_COL_STR),
                                         CS_RD_COL(cs_rpair, region, CS_COL_STR)};
    void *p[4] = {NULL, NULL, NULL, NULL};
    cs_status rc = cs_rd_read_table(r, "/topology/nodes", &in->n_nodes, &p[0], sizeof(cs_rnode),
                                    nodes, sizeof nodes / sizeof *nodes, err);
    if (!rc)
        rc = cs_rd_read_table(r, "/topology/edges", &in->n_edges, &p[1], sizeof(cs_redge), edges,
                              sizeof edges / sizeof *edges, err);
    if (!rc)
        rc = cs_rd_read_table(r, "/topology/demands", &in->n_demands, &p[2], sizeof(cs_rdemand),
                              demands, sizeof demands / sizeof *demands, err);
    if (!rc)
        rc = cs_rd_read_table(r, "/topology/pairs", &in->n_pairs, &p[3], sizeof(cs_rpair), pairs,
                              sizeof pairs / sizeof *pairs, err);
    in->nodes = p[0];
    in->edges = p[1];
    in->demands = p[2];
    in->pairs = p[3];
    return rc;
}

/* Node indices in the tables point at nodes; scaled demands are positive. */
cs_status cs_rd_check_topology(const cs_resultsio_t *r, cs_error *err)
{
    const cs_results_info *in = &r->info;
    for (size_t j = 0; j < in->n_edges; j++)
        if (in->edges[j].from >= in->n_nodes || in->edges[j].to >= in->n_nodes)
            return cs_errorf(err, CS_EINVAL,
                             "%s: dataset /topology/edges: row %zu (%s): expected node indices < "
                             "%zu, found %" PRIu32 " and %" PRIu32,
                             r->path, j, in->edges[j].id, in->n_nodes, in->edges[j].from,
                             in->edges[j].to);
    for (size_t k = 0; k < in->n_demands; k++) {
        const cs_rdemand *d = &in->demands[k];
        if (d->origin >= in->n_nodes || d->destination >= in->n_nodes)
            return cs_errorf(err, CS_EINVAL,
                             "%s: dataset /topology/demands: row %zu: expected node indices < "
                             "%zu, found %" PRIu32 " and %" PRIu32,
                             r->path, k, in->n_nodes, d->origin, d->destination);
        if (!(d->demand_scaled_tbps > 0) || !isfinite(d->demand_scaled_tbps))
            return cs_errorf(err, CS_EINVAL,
                             "%s: dataset /topology/demands: row %zu: expected "
                             "a finite demand_scaled_tbps > 0, found %g",
                             r->path, k, d->demand_scaled_tbps);
    }
    for (size_t p = 0; p < in->n_pairs; p++)
        if (in->pairs[p].city >= in->n_nodes)
            return cs_errorf(err, CS_EINVAL,
                             "%s: dataset /topology/pairs: row %zu: expected a node index < %zu, "
                             "found %" PRIu32,
                             r->path, p, in->n_nodes, in->pairs[p].city);
    return CS_OK;
}

/* Reads the 1-D float64 dataset d of /baseline of n values (optional: absent is no error) into
 * *out and checks its values (values.h). */
static cs_status read_base(cs_resultsio_t *r, cs_dataset_id d, size_t n, bool optional,
                           double **out, cs_error *err)
{
    const char *name = cs_results_dataset(d)->path;
    *out = NULL;
    if (optional) {
        const htri_t e = H5Lexists(r->file, name, H5P_DEFAULT);
        if (e < 0) return cs_h5_err(err, CS_EIO, r->path, "look for dataset", name);
        if (e == 0) return CS_OK;
    }
    const cs_status rc = cs_rd_read_vector(r, name, n, out, err);
    const cs_value_rule rule = cs_values_rule(d);
    size_t i = 0, k = 0; /* one row of n: the demands are the columns */
    if (rc || cs_values_ok(rule, *out, 1, n, r->demand_scaled, &i, &k)) return rc;
    return cs_values_error(err, r->path, name, rule, (*out)[k], k, k, 1, NULL, r->demand_scaled);
}

cs_status cs_rd_read_baseline(cs_resultsio_t *r, cs_error *err)
{
    cs_results_info *in = &r->info;
    r->demand_scaled = cs_rd_alloc(r, in->n_demands, sizeof(double));
    if (r->demand_scaled == NULL) return cs_rd_oom(r, err);
    for (size_t k = 0; k < in->n_demands; k++)
        r->demand_scaled[k] = in->demands[k].demand_scaled_tbps;
    double *served = NULL, *latency = NULL, *flow = NULL, *held = NULL;
    cs_status rc = read_base(r, CS_DS_BASE_SERVED, in->n_demands, false, &served, err);
    if (!rc) rc = read_base(r, CS_DS_BASE_LATENCY, in->n_demands, false, &latency, err);
    if (!rc) rc = read_base(r, CS_DS_BASE_EDGE_FLOW, in->n_edges, false, &flow, err);
    if (!rc) rc = read_base(r, CS_DS_BASE_HELD, in->n_edges, true, &held, err);
    in->base_served_tbps = served;
    in->base_latency_ms = latency;
    in->base_edge_flow = flow;
    if (rc) return rc;
    hid_t d;
    if ((rc = cs_rd_open_dataset(r, "/baseline/unserved_tbps", false, &d, err))) return rc;
    const hid_t s = H5Dget_space(d);
    if (s < 0 || H5Sget_simple_extent_type(s) != H5S_SCALAR)
        rc = cs_errorf(err, CS_EINVAL, "%s: dataset /baseline/unserved_tbps: expected a scalar",
                       r->path);
    else if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &in->base_unserved_tbps) <
             0)
        rc = cs_h5_err(err, CS_EIO, r->path, "read dataset", "/baseline/unserved_tbps");
    if (s >= 0) H5Sclose(s);
    H5Dclose(d);
    if (!rc)
        rc = cs_values_check(err, r->path, CS_DS_BASE_UNSERVED, "/baseline/unserved_tbps",
                             &in->base_unserved_tbps, 0, 1, 1, NULL);
    return rc;
}

/* ------------------------------------------------------------ recovery */

static cs_status recovery_attr(const cs_resultsio_t *r, const char *name, double *v, cs_error *err)
{
    const hid_t a = H5Aopen_by_name(r->file, "/recovery", name, H5P_DEFAULT, H5P_DEFAULT);
    cs_status rc = CS_OK;
    if (a < 0 || H5Aread(a, H5T_NATIVE_DOUBLE, v) < 0)
        rc = cs_errorf(err, CS_EINVAL, "%s: group /recovery: attribute %s missing or not a number",
                       r->path, name);
    if (a >= 0) H5Aclose(a);
    return rc;
}

/* Opens /timeseries and /recovery when the file has them (an optional part of the format). */
cs_status cs_rd_open_recovery(cs_resultsio_t *r, cs_error *err)
{
    cs_results_info *in = &r->info;
    const htri_t has = H5Lexists(r->file, "/recovery", H5P_DEFAULT);
    if (has <= 0) return CS_OK;
    static const cs_rd_column ships[] = {
        CS_RD_COL(cs_rship, name, CS_COL_STR),     CS_RD_COL(cs_rship, home, CS_COL_STR),
        CS_RD_COL(cs_rship, zone, CS_COL_STR),     CS_RD_COL(cs_rship, source, CS_COL_STR),
        CS_RD_COL(cs_rship, lon_deg, CS_COL_F64),  CS_RD_COL(cs_rship, lat_deg, CS_COL_F64),
        CS_RD_COL(cs_rship, speed_kn, CS_COL_F64), CS_RD_COL(cs_rship, availability, CS_COL_F64)};
    void *rows = NULL;
    cs_status rc = cs_rd_read_table(r, "/recovery/ships", &in->n_ships, &rows, sizeof(cs_rship),
                                    ships, sizeof ships / sizeof *ships, err);
    in->ships = rows;
    if (!rc) rc = recovery_attr(r, "horizon_days", &in->horizon_days, err);
    if (!rc) rc = recovery_attr(r, "step_hours", &in->step_hours, err);
    hid_t d = H5I_INVALID_HID;
    uint64_t dims[2] = {0, 0};
    if (!rc) rc = cs_rd_open_dataset(r, "/timeseries/time_days", false, &d, err);
    if (!rc) rc = cs_rd_check_shape(r, d, "/timeseries/time_days", H5T_FLOAT, 1, NULL, dims, err);
    if (d >= 0) H5Dclose(d);
    in->n_steps = (size_t)dims[0];
    double *t = NULL;
    if (!rc) rc = cs_rd_read_vector(r, "/timeseries/time_days", in->n_steps, &t, err);
    in->time_days = t;
    in->has_recovery = rc == CS_OK;
    return rc;
}

bool cs_rnode_is_japan(const cs_rnode *v)
{
    cs_node_kind kind = CS_NODE_CITY;
    (void)cs_node_kind_from_name(v->kind, &kind);
    return cs_node_fields_are_japan(kind, v->country, v->region);
}
