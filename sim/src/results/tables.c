/*
 * tables.c: the static datasets of a results file (the /topology tables, /baseline, the
 * /timeseries grid, /recovery/ships) and the groups, with the units and description of the
 * schema (results_schema.h). Written once, when the file is created.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/h5util.h"
#include "results/writer.h"

static bool mul_overflows(size_t a, size_t b)
{
    return b != 0 && a > SIZE_MAX / b;
}

/* ------------------------------------------------------- compound tables */

typedef enum { COL_STR, COL_U32, COL_I32, COL_U8, COL_F64 } col_kind;

typedef struct {
    const char *name;
    col_kind kind;
    size_t size, offset;
} column;

#define MAX_COLUMNS 20

/* A packed record layout: columns at increasing offsets, no padding. */
typedef struct {
    column col[MAX_COLUMNS];
    size_t ncol, size;
} layout;

/* Appends a column; strsize is the fixed string length (COL_STR only, at least 1). */
static void add_col(layout *l, const char *name, col_kind kind, size_t strsize)
{
    static const size_t sizes[] = {0, 4, 4, 1, 8};
    column *c = &l->col[l->ncol++];
    c->name = name;
    c->kind = kind;
    c->size = kind == COL_STR ? (strsize > 0 ? strsize : 1) : sizes[kind];
    c->offset = l->size;
    l->size += c->size;
}

/* Fixed-length, null-padded UTF-8 strings: h5py reads them as numpy bytes ('S'). */
static hid_t fixed_string_type(size_t size)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0) return H5I_INVALID_HID;
    if (H5Tset_size(t, size) < 0 || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0 ||
        H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return H5I_INVALID_HID;
    }
    return t;
}

/* The compound type of l, for memory or for the file; H5I_INVALID_HID on failure. */
static hid_t layout_type(const layout *l, bool file)
{
    hid_t t = H5Tcreate(H5T_COMPOUND, l->size);
    for (size_t i = 0; t >= 0 && i < l->ncol; i++) {
        const column *c = &l->col[i];
        hid_t ct = H5I_INVALID_HID;
        bool owned = false;
        switch (c->kind) {
        case COL_STR:
            ct = fixed_string_type(c->size);
            owned = true;
            break;
        case COL_U32:
            ct = file ? H5T_STD_U32LE : H5T_NATIVE_UINT32;
            break;
        case COL_I32:
            ct = file ? H5T_STD_I32LE : H5T_NATIVE_INT32;
            break;
        case COL_U8:
            ct = file ? H5T_STD_U8LE : H5T_NATIVE_UINT8;
            break;
        case COL_F64:
            ct = file ? H5T_IEEE_F64LE : H5T_NATIVE_DOUBLE;
            break;
        }
        const herr_t st = ct >= 0 ? H5Tinsert(t, c->name, c->offset, ct) : -1;
        if (owned && ct >= 0) H5Tclose(ct);
        if (st < 0) {
            H5Tclose(t);
            t = H5I_INVALID_HID;
        }
    }
    return t;
}

static void put_str(unsigned char *rec, const column *c, const char *s)
{
    memset(rec + c->offset, 0, c->size);
    if (s != NULL) memcpy(rec + c->offset, s, strlen(s)); /* strlen(s) <= c->size by layout */
}

static void put_u32(unsigned char *rec, const column *c, uint32_t v)
{
    memcpy(rec + c->offset, &v, sizeof v);
}

static void put_i32(unsigned char *rec, const column *c, int32_t v)
{
    memcpy(rec + c->offset, &v, sizeof v);
}

static void put_u8(unsigned char *rec, const column *c, uint8_t v)
{
    rec[c->offset] = v;
}

static void put_f64(unsigned char *rec, const column *c, double v)
{
    memcpy(rec + c->offset, &v, sizeof v);
}

static size_t max_len(size_t cur, const char *s)
{
    const size_t n = s != NULL ? strlen(s) : 0;
    return n > cur ? n : cur;
}

/* The name of dataset d within its group. */
static const char *base_name(cs_dataset_id d)
{
    const char *p = cs_results_dataset(d)->path;
    return strrchr(p, '/') + 1;
}

/*
 * Writes static dataset d under group (n elements of memory type mem, stored as ftype; a scalar
 * when the schema gives it no dimension) with its units and description. buf may be NULL when n
 * is 0.
 */
static cs_status write_fixed(const cs_results_t *w, hid_t group, cs_dataset_id id, hid_t ftype,
                             hid_t mem, size_t n, const void *buf, cs_error *err)
{
    const cs_dataset_schema *s = cs_results_dataset(id);
    const char *name = s->path;
    const hsize_t dims[1] = {n};
    /* A scalar: a 1-element dataset would read as an array in h5py. */
    const bool scalar = s->dim == CS_DIM_NONE;
    hid_t space = scalar ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, dims, NULL);
    hid_t dcpl = cs_h5_plain_dcpl(), d = H5I_INVALID_HID;
    cs_status rc = CS_OK;
    if (space < 0 || dcpl < 0) {
        rc = cs_h5_err(err, CS_EHDF5, w->path, "make the dataspace of", name);
        goto done;
    }
    d = H5Dcreate2(group, base_name(id), ftype, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    if (d < 0) {
        rc = cs_h5_err(err, CS_EHDF5, w->path, "create dataset", name);
        goto done;
    }
    if ((scalar || n > 0) && H5Dwrite(d, mem, H5S_ALL, H5S_ALL, w->dxpl, buf) < 0) {
        rc = cs_h5_err(err, CS_EHDF5, w->path, "write dataset", name);
        goto done;
    }
    rc = cs_h5_put_doc(w->path, d, name, s->units, s->description, err);
done:
    if (d >= 0 && H5Dclose(d) < 0 && rc == CS_OK)
        rc = cs_h5_err(err, CS_EHDF5, w->path, "close dataset", name);
    if (dcpl >= 0) H5Pclose(dcpl);
    if (space >= 0) H5Sclose(space);
    return rc;
}

/* Writes the compound table d: n records of layout l packed in buf. */
static cs_status write_table(const cs_results_t *w, hid_t group, cs_dataset_id d, const layout *l,
                             size_t n, const void *buf, cs_error *err)
{
    const cs_dataset_schema *s = cs_results_dataset(d);
    const hid_t ft = layout_type(l, true), mt = layout_type(l, false);
    cs_status rc;
    if (ft < 0 || mt < 0)
        rc = cs_h5_err(err, CS_EHDF5, w->path, "make the compound type of", s->path);
    else
        rc = write_fixed(w, group, d, ft, mt, n, buf, err);
    if (ft >= 0) H5Tclose(ft);
    if (mt >= 0) H5Tclose(mt);
    return rc;
}

static cs_status table_buffer(unsigned char **out, const cs_results_t *w, const char *name,
                              size_t n, const layout *l, cs_error *err)
{
    *out = mul_overflows(n + 1, l->size) ? NULL : calloc(n + 1, l->size);
    if (*out == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory for %s", w->path, name);
    return CS_OK;
}

enum { N_ID, N_NAME, N_KIND, N_COUNTRY, N_REGION, N_LON, N_LAT };

static cs_status write_nodes(const cs_results_t *w, hid_t g, const cs_topology_t *t, cs_error *err)
{
    const size_t n = cs_topology_node_count(t);
    size_t len[5] = {0};
    for (size_t i = 0; i < n; i++) {
        const cs_node *v = cs_topology_node(t, i);
        len[0] = max_len(len[0], v->id);
        len[1] = max_len(len[1], v->name);
        len[2] = max_len(len[2], cs_node_kind_name(v->kind));
        len[3] = max_len(len[3], v->country);
        len[4] = max_len(len[4], v->region);
    }
    layout l = {0};
    add_col(&l, "id", COL_STR, len[0]);
    add_col(&l, "name", COL_STR, len[1]);
    add_col(&l, "kind", COL_STR, len[2]);
    add_col(&l, "country", COL_STR, len[3]);
    add_col(&l, "region", COL_STR, len[4]);
    add_col(&l, "lon_deg", COL_F64, 0);
    add_col(&l, "lat_deg", COL_F64, 0);
    unsigned char *buf;
    cs_status rc = table_buffer(&buf, w, "/topology/nodes", n, &l, err);
    if (rc) return rc;
    for (size_t i = 0; i < n; i++) {
        const cs_node *v = cs_topology_node(t, i);
        unsigned char *rec = buf + i * l.size;
        put_str(rec, &l.col[N_ID], v->id);
        put_str(rec, &l.col[N_NAME], v->name);
        put_str(rec, &l.col[N_KIND], cs_node_kind_name(v->kind));
        put_str(rec, &l.col[N_COUNTRY], v->country);
        put_str(rec, &l.col[N_REGION], v->region);
        put_f64(rec, &l.col[N_LON], v->pos.lon);
        put_f64(rec, &l.col[N_LAT], v->pos.lat);
    }
    rc = write_table(w, g, CS_DS_NODES, &l, n, buf, err);
    free(buf);
    return rc;
}

enum {
    E_ID,
    E_KIND,
    E_CABLE,
    E_CABLE_NAME,
    E_FROM,
    E_TO,
    E_CAPACITY,
    E_LIT,
    E_CAP_EST,
    E_LIT_EST,
    E_LENGTH,
    E_DEPTH,
    E_SHALLOW,
    E_RFS,
    E_RETIRED,
    E_OWNERS
};

static layout edge_layout(const cs_topology_t *t)
{
    size_t len[5] = {0};
    for (size_t j = 0; j < cs_topology_edge_count(t); j++) {
        const cs_edge *e = cs_topology_edge(t, j);
        len[0] = max_len(len[0], e->id);
        len[1] = max_len(len[1], cs_edge_kind_name(e->kind));
        len[2] = max_len(len[2], e->cable);
        len[3] = max_len(len[3], e->cable_name);
        len[4] = max_len(len[4], e->owners);
    }
    layout l = {0};
    add_col(&l, "id", COL_STR, len[0]);
    add_col(&l, "kind", COL_STR, len[1]);
    add_col(&l, "cable", COL_STR, len[2]);
    add_col(&l, "cable_name", COL_STR, len[3]);
    add_col(&l, "from", COL_U32, 0);
    add_col(&l, "to", COL_U32, 0);
    add_col(&l, "capacity_tbps", COL_F64, 0);
    add_col(&l, "lit_tbps", COL_F64, 0);
    add_col(&l, "capacity_estimated", COL_U8, 0);
    add_col(&l, "lit_estimated", COL_U8, 0);
    add_col(&l, "length_km", COL_F64, 0);
    add_col(&l, "depth_m", COL_F64, 0);
    add_col(&l, "shallow_share", COL_F64, 0);
    add_col(&l, "rfs", COL_I32, 0);
    add_col(&l, "retired", COL_I32, 0);
    add_col(&l, "owners", COL_STR, len[4]);
    return l;
}

static cs_status write_edges(const cs_results_t *w, hid_t g, const cs_topology_t *t, cs_error *err)
{
    const size_t n = cs_topology_edge_count(t);
    const layout l = edge_layout(t);
    unsigned char *buf;
    cs_status rc = table_buffer(&buf, w, "/topology/edges", n, &l, err);
    if (rc) return rc;
    for (size_t j = 0; j < n; j++) {
        const cs_edge *e = cs_topology_edge(t, j);
        unsigned char *rec = buf + j * l.size;
        put_str(rec, &l.col[E_ID], e->id);
        put_str(rec, &l.col[E_KIND], cs_edge_kind_name(e->kind));
        put_str(rec, &l.col[E_CABLE], e->cable);
        put_str(rec, &l.col[E_CABLE_NAME], e->cable_name);
        /* Node counts are <= UINT32_MAX (checked by cs_results_create). */
        put_u32(rec, &l.col[E_FROM], (uint32_t)e->from);
        put_u32(rec, &l.col[E_TO], (uint32_t)e->to);
        put_f64(rec, &l.col[E_CAPACITY], e->capacity_tbps);
        put_f64(rec, &l.col[E_LIT], e->lit_tbps);
        put_u8(rec, &l.col[E_CAP_EST], e->capacity_estimated);
        put_u8(rec, &l.col[E_LIT_EST], e->lit_estimated);
        put_f64(rec, &l.col[E_LENGTH], e->length_km);
        put_f64(rec, &l.col[E_DEPTH], e->depth_m);
        put_f64(rec, &l.col[E_SHALLOW], e->shallow_share);
        put_i32(rec, &l.col[E_RFS], e->rfs);
        put_i32(rec, &l.col[E_RETIRED], e->retired);
        put_str(rec, &l.col[E_OWNERS], e->owners);
    }
    rc = write_table(w, g, CS_DS_EDGES, &l, n, buf, err);
    free(buf);
    return rc;
}

enum { D_ORIGIN, D_DESTINATION, D_ORIGIN_ID, D_DESTINATION_ID, D_DEMAND, D_SCALED };

static cs_status write_demands(const cs_results_t *w, hid_t g, const cs_results_meta *m,
                               cs_error *err)
{
    const size_t n = cs_demand_count(m->demand);
    size_t len[2] = {0};
    for (size_t i = 0; i < n; i++) {
        const cs_demand_entry *d = cs_demand_entry_at(m->demand, i);
        len[0] = max_len(len[0], cs_topology_node(m->topology, d->origin)->id);
        len[1] = max_len(len[1], cs_topology_node(m->topology, d->destination)->id);
    }
    layout l = {0};
    add_col(&l, "origin", COL_U32, 0);
    add_col(&l, "destination", COL_U32, 0);
    add_col(&l, "origin_id", COL_STR, len[0]);
    add_col(&l, "destination_id", COL_STR, len[1]);
    add_col(&l, "demand_tbps", COL_F64, 0);
    add_col(&l, "demand_scaled_tbps", COL_F64, 0);
    unsigned char *buf;
    cs_status rc = table_buffer(&buf, w, "/topology/demands", n, &l, err);
    if (rc) return rc;
    const double scale = m->scenario->routing.demand_scale;
    for (size_t i = 0; i < n; i++) {
        const cs_demand_entry *d = cs_demand_entry_at(m->demand, i);
        unsigned char *rec = buf + i * l.size;
        put_u32(rec, &l.col[D_ORIGIN], (uint32_t)d->origin);
        put_u32(rec, &l.col[D_DESTINATION], (uint32_t)d->destination);
        put_str(rec, &l.col[D_ORIGIN_ID], cs_topology_node(m->topology, d->origin)->id);
        put_str(rec, &l.col[D_DESTINATION_ID], cs_topology_node(m->topology, d->destination)->id);
        put_f64(rec, &l.col[D_DEMAND], d->demand_tbps);
        put_f64(rec, &l.col[D_SCALED], d->demand_tbps * scale);
    }
    rc = write_table(w, g, CS_DS_DEMANDS, &l, n, buf, err);
    free(buf);
    return rc;
}

enum { P_CITY, P_CITY_ID, P_REGION };

static cs_status write_pairs(const cs_results_t *w, hid_t g, const cs_results_meta *m,
                             cs_error *err)
{
    const size_t n = w->run.dim[CS_DIM_PAIRS];
    size_t len[2] = {0};
    for (size_t i = 0; i < n; i++) {
        len[0] = max_len(len[0], cs_topology_node(m->topology, m->pairs->origin[i])->id);
        len[1] = max_len(len[1], m->pairs->region[i]);
    }
    layout l = {0};
    add_col(&l, "city", COL_U32, 0);
    add_col(&l, "city_id", COL_STR, len[0]);
    add_col(&l, "region", COL_STR, len[1]);
    unsigned char *buf;
    cs_status rc = table_buffer(&buf, w, "/topology/pairs", n, &l, err);
    if (rc) return rc;
    for (size_t i = 0; i < n; i++) {
        unsigned char *rec = buf + i * l.size;
        put_u32(rec, &l.col[P_CITY], (uint32_t)m->pairs->origin[i]);
        put_str(rec, &l.col[P_CITY_ID], cs_topology_node(m->topology, m->pairs->origin[i])->id);
        put_str(rec, &l.col[P_REGION], m->pairs->region[i]);
    }
    rc = write_table(w, g, CS_DS_PAIRS, &l, n, buf, err);
    free(buf);
    return rc;
}

enum { G_NAME, G_DEMAND, G_REACHABLE };

static cs_status write_regions(const cs_results_t *w, hid_t g, const cs_results_meta *m,
                               cs_error *err)
{
    const size_t n = w->run.dim[CS_DIM_REGIONS];
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len = max_len(len, m->regions->name[i]);
    layout l = {0};
    add_col(&l, "name", COL_STR, len);
    add_col(&l, "demand_tbps", COL_F64, 0);
    add_col(&l, "reachable", COL_U8, 0);
    unsigned char *buf;
    cs_status rc = table_buffer(&buf, w, "/topology/regions", n, &l, err);
    if (rc) return rc;
    for (size_t i = 0; i < n; i++) {
        unsigned char *rec = buf + i * l.size;
        put_str(rec, &l.col[G_NAME], m->regions->name[i]);
        put_f64(rec, &l.col[G_DEMAND], m->regions->demand_tbps[i]);
        put_u8(rec, &l.col[G_REACHABLE], m->regions->reachable[i]);
    }
    rc = write_table(w, g, CS_DS_REGIONS, &l, n, buf, err);
    free(buf);
    return rc;
}

enum { S_NAME, S_HOME, S_ZONE, S_LON, S_LAT, S_SPEED, S_AVAIL, S_SOURCE };

static cs_status write_ships(const cs_results_t *w, hid_t g, const cs_recovery_t *r, cs_error *err)
{
    const size_t n = cs_recovery_ship_count(r);
    size_t len[4] = {0};
    for (size_t i = 0; i < n; i++) {
        const cs_ship *s = cs_recovery_ship(r, i);
        len[0] = max_len(len[0], s->name);
        len[1] = max_len(len[1], s->home);
        len[2] = max_len(len[2], s->zone);
        len[3] = max_len(len[3], s->source);
    }
    layout l = {0};
    add_col(&l, "name", COL_STR, len[0]);
    add_col(&l, "home", COL_STR, len[1]);
    add_col(&l, "zone", COL_STR, len[2]);
    add_col(&l, "lon_deg", COL_F64, 0);
    add_col(&l, "lat_deg", COL_F64, 0);
    add_col(&l, "speed_kn", COL_F64, 0);
    add_col(&l, "availability", COL_F64, 0);
    add_col(&l, "source", COL_STR, len[3]);
    unsigned char *buf;
    cs_status rc = table_buffer(&buf, w, "/recovery/ships", n, &l, err);
    if (rc) return rc;
    for (size_t i = 0; i < n; i++) {
        const cs_ship *s = cs_recovery_ship(r, i);
        unsigned char *rec = buf + i * l.size;
        put_str(rec, &l.col[S_NAME], s->name);
        put_str(rec, &l.col[S_HOME], s->home);
        put_str(rec, &l.col[S_ZONE], s->zone);
        put_f64(rec, &l.col[S_LON], s->home_pos.lon);
        put_f64(rec, &l.col[S_LAT], s->home_pos.lat);
        put_f64(rec, &l.col[S_SPEED], s->speed_kn);
        put_f64(rec, &l.col[S_AVAIL], s->availability);
        put_str(rec, &l.col[S_SOURCE], s->source);
    }
    rc = write_table(w, g, CS_DS_SHIPS, &l, n, buf, err);
    free(buf);
    return rc;
}

/* /baseline/...: a vector (or scalar) of doubles of the intact network's routing. */
static cs_status write_doubles(const cs_results_t *w, hid_t g, cs_dataset_id d, size_t n,
                               const double *v, cs_error *err)
{
    return write_fixed(w, g, d, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n, v, err);
}

/* /timeseries/time_days: k x step_hours / 24 days. */
static cs_status write_grid(const cs_results_t *w, hid_t g, const cs_results_meta *m, cs_error *err)
{
    const cs_recovery_params *p = cs_recovery_get_params(m->recovery);
    const size_t n = w->run.dim[CS_DIM_STEPS];
    double *t = malloc((n + 1) * sizeof *t);
    if (t == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", w->path);
    for (size_t k = 0; k < n; k++)
        t[k] = (double)k * p->step_hours / 24.0;
    const cs_status rc = write_doubles(w, g, CS_DS_TIME_DAYS, n, t, err);
    free(t);
    return rc;
}

cs_status cs_rw_write_static(const cs_results_t *w, hid_t g, cs_dataset_id d,
                             const cs_results_meta *m, cs_error *err)
{
    const cs_routing_result *b = m->baseline;
    switch (d) {
    case CS_DS_NODES:
        return write_nodes(w, g, m->topology, err);
    case CS_DS_EDGES:
        return write_edges(w, g, m->topology, err);
    case CS_DS_DEMANDS:
        return write_demands(w, g, m, err);
    case CS_DS_PAIRS:
        return write_pairs(w, g, m, err);
    case CS_DS_REGIONS:
        return write_regions(w, g, m, err);
    case CS_DS_BASE_SERVED:
        return write_doubles(w, g, d, b->n_demands, b->served_tbps, err);
    case CS_DS_BASE_LATENCY:
        return write_doubles(w, g, d, b->n_demands, b->latency_ms, err);
    case CS_DS_BASE_EDGE_FLOW:
        return write_doubles(w, g, d, b->n_edges, b->edge_flow_tbps, err);
    case CS_DS_BASE_UNSERVED:
        return write_doubles(w, g, d, 1, &b->unserved_tbps, err);
    case CS_DS_BASE_HELD:
        if (m->held_tbps == NULL)
            return cs_errorf(err, CS_EINVAL, "%s: %s: no held capacities given", w->path,
                             cs_results_dataset(d)->path);
        return write_doubles(w, g, d, b->n_edges, m->held_tbps, err);
    case CS_DS_TIME_DAYS:
        return write_grid(w, g, m, err);
    case CS_DS_SHIPS:
        return write_ships(w, g, m->recovery, err);
    default:
        return cs_errorf(err, CS_EINVAL, "%s: %s: no writer for this static dataset", w->path,
                         cs_results_dataset(d)->path);
    }
}

cs_status cs_rw_make_group(hid_t *out, const cs_results_t *w, const char *name,
                           const char *description, cs_error *err)
{
    /* No time stamps, as for datasets (cs_h5_plain_dcpl). */
    const hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    *out = gcpl >= 0 && H5Pset_obj_track_times(gcpl, false) >= 0
               ? H5Gcreate2(w->file, name, H5P_DEFAULT, gcpl, H5P_DEFAULT)
               : H5I_INVALID_HID;
    const cs_status rc_create =
        *out < 0 ? cs_h5_err(err, CS_EHDF5, w->path, "create group", name) : CS_OK;
    if (gcpl >= 0) H5Pclose(gcpl);
    if (rc_create) return rc_create;
    const cs_status rc = cs_h5_put_str_attr(w->path, *out, name, "description", description, err);
    if (rc) {
        H5Gclose(*out);
        *out = H5I_INVALID_HID;
    }
    return rc;
}
