/*
 * export.c: GraphML and DOT through igraph's writers, GeoJSON through jansson.
 *
 * Implementation notes. The graph formats are written from a fresh graph built
 * from the topology graph's edge list (same vertex and edge order), carrying
 * the attributes through igraph's C attribute handler; a fresh graph rather
 * than igraph_copy() because copying a graph created before the handler was
 * installed would dereference its missing attribute record. What igraph 0.10
 * writes decides the encodings: in GraphML a NaN number is left out (no
 * <data> element, the GraphML way of "no value") and key ids are prefixed
 * v_/e_ (prefixattr) so that vertex and edge attributes of the same name do
 * not share an id, which GraphML forbids; in DOT a NaN comes out as the bare
 * word NaN and a small number as 1e-07, which DOT does not read as a number,
 * so for DOT every number is set as text in plain decimal and a missing one
 * as "". GeoJSON is written one feature per line, each number with the
 * fewest significant digits (15 to 17) that read back as the same double.
 */
#include "cablesim/export.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <igraph.h>
#include <jansson.h>

#include "cablesim/paths.h"
#include "core/fileio.h"

bool cs_export_format_parse(const char *name, cs_export_format *out)
{
    static const char *const names[] = {"graphml", "dot", "geojson"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (name != NULL && strcmp(name, names[i]) == 0) {
            *out = (cs_export_format)i;
            return true;
        }
    return false;
}

const char *cs_export_format_name(cs_export_format format)
{
    switch (format) {
    case CS_EXPORT_GRAPHML:
        return "graphml";
    case CS_EXPORT_DOT:
        return "dot";
    case CS_EXPORT_GEOJSON:
        return "geojson";
    }
    return "?";
}

/* ---------------------------------------------------------------- numbers */

/* The fewest significant digits (15, 16 or 17) with which x reads back exactly. */
static int round_trip_digits(double x)
{
    char buf[40];
    for (int p = 15; p < 17; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, x);
        if (strtod(buf, NULL) == x) return p;
    }
    return 17;
}

/* x as a DOT numeral: plain decimal digits that read back exactly; "" for NaN. */
static void dot_number(double x, char *buf, size_t n)
{
    if (!isfinite(x)) {
        buf[0] = '\0';
        return;
    }
    snprintf(buf, n, "%.*g", round_trip_digits(x), x);
    const char *e = strchr(buf, 'e');
    if (e == NULL) return;
    /* %g chose an exponent ("3.75e-05"): print as many decimals as the
     * mantissa's significant digits reach, which reads back the same. */
    int digits = 0;
    for (const char *c = buf; c < e; c++)
        digits += *c >= '0' && *c <= '9';
    const long exponent = strtol(e + 1, NULL, 10);
    const long decimals = digits - 1 - exponent;
    snprintf(buf, n, "%.*f", decimals > 0 ? (int)decimals : 0, x);
}

/* ------------------------------------------------------- attributed graph */

static const char *or_empty(const char *s)
{
    return s != NULL ? s : "";
}

/* Sets numeric attribute name of vertex or edge i, as a number or as DOT text. */
static igraph_error_t set_num(igraph_t *g, bool edge, const char *name, igraph_integer_t i,
                              double x, bool as_text)
{
    if (!as_text) return edge ? SETEAN(g, name, i, x) : SETVAN(g, name, i, x);
    char buf[400]; /* room for the decimals of the smallest subnormal */
    dot_number(x, buf, sizeof buf);
    return edge ? SETEAS(g, name, i, buf) : SETVAS(g, name, i, buf);
}

/* Vertex attributes, created in this order (the order of the GraphML keys). */
static igraph_error_t set_node_attrs(igraph_t *g, const cs_topology_t *t, bool as_text)
{
    igraph_error_t rc = IGRAPH_SUCCESS;
    for (size_t i = 0; i < cs_topology_node_count(t) && rc == IGRAPH_SUCCESS; i++) {
        const cs_node *n = cs_topology_node(t, i);
        const igraph_integer_t v = (igraph_integer_t)i;
        rc = SETVAS(g, "id", v, n->id);
        if (rc == IGRAPH_SUCCESS) rc = SETVAS(g, "name", v, or_empty(n->name));
        if (rc == IGRAPH_SUCCESS) rc = SETVAS(g, "kind", v, cs_node_kind_name(n->kind));
        if (rc == IGRAPH_SUCCESS) rc = SETVAS(g, "country", v, or_empty(n->country));
        if (rc == IGRAPH_SUCCESS) rc = SETVAS(g, "region", v, or_empty(n->region));
        if (rc == IGRAPH_SUCCESS) rc = set_num(g, false, "lon", v, n->pos.lon, as_text);
        if (rc == IGRAPH_SUCCESS) rc = set_num(g, false, "lat", v, n->pos.lat, as_text);
    }
    return rc;
}

static igraph_error_t set_edge_attrs(igraph_t *g, const cs_topology_t *t, bool as_text)
{
    igraph_error_t rc = IGRAPH_SUCCESS;
    for (size_t j = 0; j < cs_topology_edge_count(t) && rc == IGRAPH_SUCCESS; j++) {
        const cs_edge *e = cs_topology_edge(t, j);
        const igraph_integer_t k = (igraph_integer_t)j;
        rc = SETEAS(g, "id", k, e->id);
        if (rc == IGRAPH_SUCCESS) rc = SETEAS(g, "kind", k, cs_edge_kind_name(e->kind));
        if (rc == IGRAPH_SUCCESS) rc = SETEAS(g, "cable", k, or_empty(e->cable));
        if (rc == IGRAPH_SUCCESS)
            rc = set_num(g, true, "capacity_tbps", k, e->capacity_tbps, as_text);
        if (rc == IGRAPH_SUCCESS) rc = set_num(g, true, "lit_tbps", k, e->lit_tbps, as_text);
        if (rc == IGRAPH_SUCCESS) rc = set_num(g, true, "length_km", k, e->length_km, as_text);
        if (rc == IGRAPH_SUCCESS) rc = set_num(g, true, "rfs", k, e->rfs, as_text);
        if (rc == IGRAPH_SUCCESS)
            rc = set_num(g, true, "retired", k, e->retired != 0 ? e->retired : NAN, as_text);
        if (rc == IGRAPH_SUCCESS) rc = SETEAS(g, "owners", k, or_empty(e->owners));
    }
    return rc;
}

/* Builds in g the topology graph with its attributes (numbers as text for DOT). */
static cs_status attributed_graph(igraph_t *g, const cs_topology_t *t, bool as_text,
                                  const char *name, cs_error *err)
{
    if (!igraph_has_attribute_table())
        return cs_errorf(err, CS_EINVAL,
                         "%s: cannot write a graph: igraph has no attribute handler "
                         "(cs_library_init() was not called)",
                         name);
    const igraph_t *src = cs_topology_graph(t);
    igraph_vector_int_t ev;
    if (igraph_vector_int_init(&ev, 0) != IGRAPH_SUCCESS)
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", name);
    igraph_error_t rc = igraph_get_edgelist(src, &ev, false);
    if (rc == IGRAPH_SUCCESS) rc = igraph_create(g, &ev, igraph_vcount(src), IGRAPH_UNDIRECTED);
    igraph_vector_int_destroy(&ev);
    if (rc != IGRAPH_SUCCESS)
        return cs_errorf(err, CS_EIGRAPH, "%s: cannot copy the graph: %s", name,
                         cs_igraph_last_reason());
    rc = set_node_attrs(g, t, as_text);
    if (rc == IGRAPH_SUCCESS) rc = set_edge_attrs(g, t, as_text);
    if (rc != IGRAPH_SUCCESS) {
        igraph_destroy(g);
        return cs_errorf(err, rc == IGRAPH_ENOMEM ? CS_ENOMEM : CS_EIGRAPH,
                         "%s: cannot set the graph's attributes: %s", name,
                         cs_igraph_last_reason());
    }
    return CS_OK;
}

static cs_status write_graph(FILE *out, const cs_topology_t *t, cs_export_format format,
                             const char *name, cs_error *err)
{
    igraph_t g;
    const cs_status st = attributed_graph(&g, t, format == CS_EXPORT_DOT, name, err);
    if (st != CS_OK) return st;
    errno = 0;
    const igraph_error_t rc = format == CS_EXPORT_GRAPHML
                                  ? igraph_write_graph_graphml(&g, out, /* prefixattr */ true)
                                  : igraph_write_graph_dot(&g, out);
    const int write_errno = errno;
    igraph_destroy(&g);
    const char *what = format == CS_EXPORT_GRAPHML ? "GraphML" : "DOT";
    switch (rc) {
    case IGRAPH_SUCCESS:
        return CS_OK;
    case IGRAPH_EFILE:
        return cs_errorf(err, CS_EWRITE, "%s: cannot write %s: %s", name, what,
                         write_errno ? strerror(write_errno) : cs_igraph_last_reason());
    case IGRAPH_EINVAL: /* e.g. a control character in a name, which XML cannot hold */
        return cs_errorf(err, CS_EINVAL, "%s: cannot write %s: %s", name, what,
                         cs_igraph_last_reason());
    case IGRAPH_ENOMEM:
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", name);
    default:
        return cs_errorf(err, CS_EIGRAPH, "%s: cannot write %s: %s", name, what,
                         cs_igraph_last_reason());
    }
}

/* ---------------------------------------------------------------- GeoJSON */

static json_t *str_or_null(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

static json_t *num_or_null(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}

/* The most significant digits any real in v needs to read back exactly. */
static int digits_needed(const json_t *v)
{
    int p = 15;
    if (json_is_real(v)) return round_trip_digits(json_real_value(v));
    if (json_is_array(v)) {
        size_t i;
        const json_t *x;
        json_array_foreach(v, i, x)
        {
            const int q = digits_needed(x);
            if (q > p) p = q;
        }
    } else if (json_is_object(v)) {
        const char *k;
        const json_t *x;
        json_object_foreach((json_t *)v, k, x)
        {
            const int q = digits_needed(x);
            if (q > p) p = q;
        }
    }
    return p;
}

/* Adds to obj; a NULL value (failed allocation) makes the result -1. */
static int put(json_t *obj, const char *key, json_t *value)
{
    return json_object_set_new(obj, key, value);
}

static json_t *position(cs_lonlat p)
{
    return json_pack("[ff]", p.lon, p.lat);
}

static json_t *positions(const cs_lonlat *pts, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < n; i++)
        if (json_array_append_new(a, position(pts[i])) != 0) {
            json_decref(a);
            a = NULL;
        }
    return a;
}

/* {"type": "Feature", "properties": props, "geometry": {type, coordinates}}; steals props, coords.
 */
static json_t *feature(json_t *props, const char *type, json_t *coords)
{
    json_t *geom = json_object(), *f = json_object();
    int bad = geom == NULL || f == NULL;
    if (geom != NULL) {
        bad |= put(geom, "type", json_string(type));
        bad |= put(geom, "coordinates", coords);
        coords = NULL;
    }
    if (f != NULL) {
        bad |= put(f, "type", json_string("Feature"));
        bad |= put(f, "properties", props);
        bad |= put(f, "geometry", geom);
        props = geom = NULL;
    }
    json_decref(props);
    json_decref(geom);
    json_decref(coords);
    if (bad) {
        json_decref(f);
        return NULL;
    }
    return f;
}

static json_t *node_feature(const cs_node *n)
{
    json_t *p = json_object();
    if (p == NULL) return NULL;
    int bad = put(p, "id", json_string(n->id));
    bad |= put(p, "kind", json_string(cs_node_kind_name(n->kind)));
    bad |= put(p, "name", str_or_null(n->name));
    bad |= put(p, "country", str_or_null(n->country));
    bad |= put(p, "region", str_or_null(n->region));
    bad |= put(p, "source", str_or_null(n->source));
    if (bad) {
        json_decref(p);
        return NULL;
    }
    return feature(p, "Point", position(n->pos));
}

/* owners as the array the loader joined with "; " (joining it again gives the same string). */
static json_t *owners_array(const char *s)
{
    if (s == NULL) return json_null();
    json_t *a = json_array();
    for (const char *p = s; a != NULL;) {
        const char *q = strstr(p, "; ");
        const size_t len = q != NULL ? (size_t)(q - p) : strlen(p);
        if (json_array_append_new(a, json_stringn(p, len)) != 0) {
            json_decref(a);
            return NULL;
        }
        if (q == NULL) break;
        p = q + 2;
    }
    return a;
}

static json_t *edge_coordinates(const cs_edge *e)
{
    if (e->nparts == 1) return positions(e->pts, e->npts);
    json_t *parts = json_array();
    for (size_t k = 0; parts != NULL && k < e->nparts; k++) {
        const size_t from = e->part_off[k], to = e->part_off[k + 1];
        if (json_array_append_new(parts, positions(e->pts + from, to - from)) != 0) {
            json_decref(parts);
            parts = NULL;
        }
    }
    return parts;
}

/* {"2010": 4.8, ...}, or null without a series. */
static json_t *lit_series(const cs_edge *e)
{
    if (e->nlit_years == 0) return json_null();
    json_t *o = json_object();
    for (size_t k = 0; o != NULL && k < e->nlit_years; k++) {
        char year[16];
        snprintf(year, sizeof year, "%d", e->lit_years[k]);
        if (json_object_set_new(o, year, json_real(e->lit_by_year[k])) != 0) {
            json_decref(o);
            o = NULL;
        }
    }
    return o;
}

static json_t *edge_feature(const cs_topology_t *t, const cs_edge *e)
{
    json_t *p = json_object();
    if (p == NULL) return NULL;
    int bad = put(p, "id", json_string(e->id));
    bad |= put(p, "kind", json_string(cs_edge_kind_name(e->kind)));
    bad |= put(p, "from", json_string(cs_topology_node(t, e->from)->id));
    bad |= put(p, "to", json_string(cs_topology_node(t, e->to)->id));
    if (e->kind == CS_EDGE_SEGMENT) bad |= put(p, "cable", json_string(e->cable));
    bad |= put(p, "cable_name", str_or_null(e->cable_name));
    bad |= put(p, "capacity_tbps", json_real(e->capacity_tbps));
    bad |= put(p, "capacity_estimated", json_boolean(e->capacity_estimated));
    bad |= put(p, "lit_tbps", json_real(e->lit_tbps));
    bad |= put(p, "lit_estimated", json_boolean(e->lit_estimated));
    bad |= put(p, "length_km", json_real(e->length_km));
    bad |= put(p, "depth_m", num_or_null(e->depth_m));
    bad |= put(p, "shallow_share", num_or_null(e->shallow_share));
    bad |= put(p, "rfs", json_integer(e->rfs));
    bad |= put(p, "retired", e->retired != 0 ? json_integer(e->retired) : json_null());
    bad |= put(p, "owners", owners_array(e->owners));
    bad |= put(p, "source", str_or_null(e->source));
    bad |= put(p, "note", str_or_null(e->note));
    bad |= put(p, "lit_tbps_by_year", lit_series(e));
    bad |= put(p, "transit", json_boolean(e->transit));
    if (bad) {
        json_decref(p);
        return NULL;
    }
    return feature(p, e->nparts == 1 ? "LineString" : "MultiLineString", edge_coordinates(e));
}

static int dump_key(FILE *out, const char *key)
{
    json_t *k = json_string(key);
    const int rc = k != NULL ? json_dumpf(k, out, JSON_ENCODE_ANY) : -1;
    json_decref(k);
    return rc;
}

/*
 * Writes v as json_dumpf() would, except that each member of an object gets
 * its own precision: a computed length needing 17 digits does not make a
 * capacity of 77.6 print as 77.599999999999994. Returns -1 on failure.
 */
static int dump_value(FILE *out, const json_t *v)
{
    if (!json_is_object(v))
        return json_dumpf(v, out, JSON_ENCODE_ANY | JSON_REAL_PRECISION(digits_needed(v)));
    const char *sep = "", *key;
    json_t *x;
    if (fputs("{", out) < 0) return -1;
    json_object_foreach((json_t *)v, key, x)
    {
        if (fputs(sep, out) < 0 || dump_key(out, key) != 0 || fputs(": ", out) < 0 ||
            dump_value(out, x) != 0)
            return -1;
        sep = ", ";
    }
    return fputs("}", out) < 0 ? -1 : 0;
}

/* Dumps one feature (stolen) on its own line; returns -1 on failure. */
static int dump_feature(FILE *out, json_t *f, bool first)
{
    if (f == NULL) return -1;
    int rc = fputs(first ? "\n" : ",\n", out) < 0 ? -1 : 0;
    if (rc == 0) rc = dump_value(out, f);
    json_decref(f);
    return rc;
}

static cs_status write_geojson(FILE *out, const cs_topology_t *t, const char *name, cs_error *err)
{
    char generator[64];
    snprintf(generator, sizeof generator, "cablesim %s", cs_version());
    json_t *meta = json_pack(
        "{ssssso}", "generator", generator, "source_sha256", cs_topology_sha256(t), "as_of",
        cs_topology_as_of(t) != 0 ? json_integer(cs_topology_as_of(t)) : json_null());
    if (meta == NULL) return cs_errorf(err, CS_ENOMEM, "%s: out of memory", name);
    int bad = fputs("{\"type\": \"FeatureCollection\",\n\"cablesim\": ", out) < 0;
    bad |= json_dumpf(meta, out, 0) != 0;
    json_decref(meta);
    bad |= fputs(",\n\"features\": [", out) < 0;
    const size_t nn = cs_topology_node_count(t), ne = cs_topology_edge_count(t);
    for (size_t i = 0; i < nn && !bad; i++)
        bad |= dump_feature(out, node_feature(cs_topology_node(t, i)), i == 0) != 0;
    for (size_t j = 0; j < ne && !bad; j++)
        bad |= dump_feature(out, edge_feature(t, cs_topology_edge(t, j)), nn + j == 0) != 0;
    bad |= fputs("\n]}\n", out) < 0;
    if (!bad) return CS_OK;
    if (ferror(out))
        return cs_errorf(err, CS_EWRITE, "%s: cannot write: %s", name, strerror(errno));
    return cs_errorf(err, CS_ENOMEM, "%s: out of memory", name);
}

/* ------------------------------------------------------------------ entry */

cs_status cs_export_write(FILE *out, const cs_topology_t *t, cs_export_format format,
                          const char *name, cs_error *err)
{
    cs_status rc = format == CS_EXPORT_GEOJSON ? write_geojson(out, t, name, err)
                                               : write_graph(out, t, format, name, err);
    if (rc == CS_OK && (fflush(out) != 0 || ferror(out)))
        rc = cs_errorf(err, CS_EWRITE, "%s: cannot write: %s", name, strerror(errno));
    return rc;
}

typedef struct {
    const cs_topology_t *t;
    cs_export_format format;
    const char *path;
} export_job;

static cs_status export_to(FILE *f, void *ctx, cs_error *err)
{
    const export_job *j = ctx;
    return cs_export_write(f, j->t, j->format, j->path, err);
}

cs_status cs_export_file(const char *path, const cs_topology_t *t, cs_export_format format,
                         cs_error *err)
{
    export_job j = {.t = t, .format = format, .path = path};
    return cs_write_file(path, export_to, &j, err);
}
