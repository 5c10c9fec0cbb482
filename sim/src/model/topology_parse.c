/*
 * topology_parse.c: the passes of the topology loader over the GeoJSON features (topology.c
 * drives them): the feature envelope, the node and edge properties and their geometry, every
 * problem reported with the feature it is in, and the check that the cities are connected.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model/topology_impl.h"
/* ---------------------------------------------------------------- messages */

/* Renders a JSON value compactly for "found ..." (truncated). */
void cs_topo_describe(const json_t *v, char *buf, size_t n)
{
    if (v == NULL) {
        snprintf(buf, n, "nothing");
        return;
    }
    /* 15 significant digits print a coordinate such as 139.8705 as written
     * (jansson's default of 17 shows it as 139.87049999999999). */
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(15));
    if (s == NULL) {
        snprintf(buf, n, "an unprintable value");
        return;
    }
    if (strlen(s) > 60)
        snprintf(buf, n, "%.57s...", s);
    else
        snprintf(buf, n, "%s", s);
    free(s);
}

static void where(const cs_topo_loc *l, char *buf, size_t n)
{
    if (l->id != NULL)
        snprintf(buf, n, "%s: feature %zu (id \"%s\")", l->file, l->feature, l->id);
    else
        snprintf(buf, n, "%s: feature %zu", l->file, l->feature);
}

/* Reports "key: expected X, found Y". */
static void bad(cs_topo_loc *l, const char *key, const char *expected, const json_t *found)
{
    char w[300], f[80];
    where(l, w, sizeof w);
    cs_topo_describe(found, f, sizeof f);
    l->nerr++;
    cs_errorf(l->err, CS_EINVAL, "%s: key \"%s\": expected %s, found %s", w, key, expected, f);
}

/* Reports a free-form problem with the feature. */
static void badf(cs_topo_loc *l, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void badf(cs_topo_loc *l, const char *fmt, ...)
{
    char w[300], m[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    where(l, w, sizeof w);
    l->nerr++;
    cs_errorf(l->err, CS_EINVAL, "%s: %s", w, m);
}

/* ---------------------------------------------------------- property access */

char *cs_topo_dup_str(const char *s)
{
    if (s == NULL) return NULL;
    const size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL) memcpy(d, s, n);
    return d;
}

/* Marks the load as failed for want of memory (reported once). */
static void out_of_memory(cs_topo_loc *l)
{
    if (l->oom) return;
    l->oom = true;
    l->nerr++;
    cs_errorf(l->err, CS_ENOMEM, "%s: out of memory", l->file);
}

/* Copies s (NULL stays NULL); a failed allocation fails the load. */
static char *keep(cs_topo_loc *l, const char *s)
{
    char *d = cs_topo_dup_str(s);
    if (s != NULL && d == NULL) out_of_memory(l);
    return d;
}

/* A string property; NULL when absent (reported if required) or of the wrong type. */
static const char *get_str(cs_topo_loc *l, const json_t *props, const char *key, bool required)
{
    const json_t *v = json_object_get(props, key);
    if (v == NULL || json_is_null(v)) {
        if (required) bad(l, key, "a string", NULL);
        return NULL;
    }
    if (!json_is_string(v) || json_string_length(v) == 0) {
        bad(l, key, "a non-empty string", v);
        return NULL;
    }
    return json_string_value(v);
}

/* A number property in [lo, hi] (lo excluded when lo_open); returns dflt when absent. */
static double get_num(cs_topo_loc *l, const json_t *props, const char *key, bool required,
                      double lo, bool lo_open, double hi, double dflt, const char *expected)
{
    const json_t *v = json_object_get(props, key);
    if (v == NULL || json_is_null(v)) {
        if (required) bad(l, key, expected, v);
        return dflt;
    }
    if (!json_is_number(v)) {
        bad(l, key, expected, v);
        return dflt;
    }
    const double x = json_number_value(v);
    if (!isfinite(x) || x < lo || (lo_open && x == lo) || x > hi) {
        bad(l, key, expected, v);
        return dflt;
    }
    return x;
}

/* A year: an integer in [1850, 2100]; returns 0 when absent or invalid. */
static int get_year(cs_topo_loc *l, const json_t *props, const char *key, bool required)
{
    const json_t *v = json_object_get(props, key);
    const char *expected = "an integer year between 1850 and 2100";
    if (v == NULL || json_is_null(v)) {
        if (required) bad(l, key, expected, v);
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 1850 || json_integer_value(v) > 2100) {
        bad(l, key, expected, v);
        return 0;
    }
    return (int)json_integer_value(v);
}

static bool get_bool(cs_topo_loc *l, const json_t *props, const char *key, bool dflt)
{
    const json_t *v = json_object_get(props, key);
    if (v == NULL || json_is_null(v)) return dflt;
    if (!json_is_boolean(v)) {
        bad(l, key, "true or false", v);
        return dflt;
    }
    return json_is_true(v);
}

static bool valid_id(const char *s)
{
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && strchr("_.:-", *s) == NULL) return false;
    return true;
}

/* "owners": an array of strings or one string; joined with "; ". */
static char *get_owners(cs_topo_loc *l, const json_t *props)
{
    const json_t *v = json_object_get(props, "owners");
    if (v == NULL || json_is_null(v)) return NULL;
    if (json_is_string(v)) return keep(l, json_string_value(v));
    if (!json_is_array(v)) {
        bad(l, "owners", "an array of strings", v);
        return NULL;
    }
    size_t len = 1, i;
    const json_t *o;
    json_array_foreach(v, i, o)
    {
        if (!json_is_string(o)) {
            bad(l, "owners", "an array of strings", v);
            return NULL;
        }
        len += json_string_length(o) + 2;
    }
    char *s = malloc(len);
    if (s == NULL) {
        out_of_memory(l);
        return NULL;
    }
    s[0] = '\0';
    json_array_foreach(v, i, o)
    {
        if (i > 0) strcat(s, "; ");
        strcat(s, json_string_value(o));
    }
    return s;
}

/* --------------------------------------------------------------- geometry */

static bool parse_position(cs_topo_loc *l, const json_t *p, const char *key, cs_lonlat *out)
{
    if (!json_is_array(p) || json_array_size(p) < 2 || !json_is_number(json_array_get(p, 0)) ||
        !json_is_number(json_array_get(p, 1))) {
        bad(l, key, "a position [lon, lat]", p);
        return false;
    }
    out->lon = json_number_value(json_array_get(p, 0));
    out->lat = json_number_value(json_array_get(p, 1));
    if (!cs_geo_valid(*out)) {
        bad(l, key, "lon in [-180, 180] and lat in [-90, 90]", p);
        return false;
    }
    return true;
}

/* Parses a LineString or MultiLineString into e's points and part offsets. */
static bool parse_lines(cs_topo_loc *l, const json_t *geom, cs_edge *e)
{
    const char *type = json_string_value(json_object_get(geom, "type"));
    const json_t *coords = json_object_get(geom, "coordinates");
    const bool multi = type != NULL && strcmp(type, "MultiLineString") == 0;
    if (!json_is_array(coords) || json_array_size(coords) == 0) {
        bad(l, "geometry.coordinates", multi ? "an array of lines" : "an array of positions",
            coords);
        return false;
    }
    const size_t nparts = multi ? json_array_size(coords) : 1;
    size_t npts = 0;
    for (size_t k = 0; k < nparts; k++) {
        const json_t *part = multi ? json_array_get(coords, k) : coords;
        if (!json_is_array(part) || json_array_size(part) < 2) {
            bad(l, "geometry.coordinates", "lines of at least 2 positions", part);
            return false;
        }
        npts += json_array_size(part);
    }
    cs_lonlat *pts = malloc(npts * sizeof *pts);
    size_t *off = malloc((nparts + 1) * sizeof *off);
    if (pts == NULL || off == NULL) {
        free(pts);
        free(off);
        out_of_memory(l);
        return false;
    }
    size_t at = 0;
    bool ok = true;
    for (size_t k = 0; k < nparts && ok; k++) {
        const json_t *part = multi ? json_array_get(coords, k) : coords;
        off[k] = at;
        for (size_t i = 0; i < json_array_size(part) && ok; i++) {
            char key[96];
            if (multi)
                snprintf(key, sizeof key, "geometry.coordinates[%zu][%zu]", k, i);
            else
                snprintf(key, sizeof key, "geometry.coordinates[%zu]", i);
            ok = parse_position(l, json_array_get(part, i), key, &pts[at++]);
        }
    }
    off[nparts] = at;
    e->pts = pts;
    e->part_off = off;
    e->npts = npts;
    e->nparts = nparts;
    return ok;
}

static double edge_geometry_length(const cs_edge *e)
{
    double sum = 0.0;
    for (size_t k = 0; k < e->nparts; k++)
        sum +=
            cs_geo_polyline_length_km(e->pts + e->part_off[k], e->part_off[k + 1] - e->part_off[k]);
    return sum;
}

/* ------------------------------------------------------------- features */

void cs_topo_free_node(cs_node *n)
{
    free((char *)n->id);
    free((char *)n->name);
    free((char *)n->country);
    free((char *)n->region);
    free((char *)n->source);
}

void cs_topo_free_edge(cs_edge *e)
{
    free((char *)e->id);
    free((char *)e->cable);
    free((char *)e->cable_name);
    free((char *)e->owners);
    free((char *)e->source);
    free((char *)e->note);
    free((int *)e->lit_years);
    free((double *)e->lit_by_year);
    free((cs_lonlat *)e->pts);
    free((size_t *)e->part_off);
}

static bool parse_kind(const char *s, int *kind, bool *is_node)
{
    static const struct {
        const char *name;
        int kind;
        bool node;
    } kinds[] = {{"landing_station", CS_NODE_LANDING, true},
                 {"branching_unit", CS_NODE_BRANCHING_UNIT, true},
                 {"city", CS_NODE_CITY, true},
                 {"segment", CS_EDGE_SEGMENT, false},
                 {"link", CS_EDGE_LINK, false}};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (s != NULL && strcmp(s, kinds[i].name) == 0) {
            *kind = kinds[i].kind;
            *is_node = kinds[i].node;
            return true;
        }
    return false;
}

static void parse_node(cs_topo_loc *l, const json_t *props, const json_t *geom, cs_node_kind kind,
                       cs_node *n)
{
    const char *type = json_string_value(json_object_get(geom, "type"));
    if (type == NULL || strcmp(type, "Point") != 0) {
        bad(l, "geometry.type", "\"Point\" for a node", json_object_get(geom, "type"));
    } else {
        parse_position(l, json_object_get(geom, "coordinates"), "geometry.coordinates", &n->pos);
    }
    n->kind = kind;
    n->name = keep(l, get_str(l, props, "name", true));
    const char *country = get_str(l, props, "country", true);
    if (country != NULL) {
        const bool alpha2 = strlen(country) == 2 && isupper((unsigned char)country[0]) &&
                            isupper((unsigned char)country[1]);
        if (!alpha2)
            bad(l, "country", "an ISO 3166-1 alpha-2 code such as \"JP\"",
                json_object_get(props, "country"));
        else if (strcmp(country, "XX") == 0 && kind != CS_NODE_BRANCHING_UNIT)
            bad(l, "country", "a country code (\"XX\" is only for branching units)",
                json_object_get(props, "country"));
        n->country = keep(l, country);
    }
    n->region = keep(l, get_str(l, props, "region", kind == CS_NODE_CITY));
    n->source = keep(l, get_str(l, props, "source", false));
}

/*
 * "lit_tbps_by_year": {"2010": 4.8, "2016": 12}: years (integers written as
 * JSON object keys) from rfs to 2100 in increasing order, each mapped to the
 * lit Tbps from that year on, in [0, capacity_tbps]. Needs rfs and capacity.
 */
static void parse_lit_series(cs_topo_loc *l, const json_t *props, cs_edge *e)
{
    static const char key[] = "lit_tbps_by_year";
    const json_t *v = json_object_get(props, key);
    if (v == NULL || json_is_null(v)) return;
    if (!json_is_object(v) || json_object_size(v) == 0) {
        bad(l, key, "an object of years and lit Tbps such as {\"2010\": 4.8}", v);
        return;
    }
    const size_t n = json_object_size(v);
    int *years = malloc(n * sizeof *years);
    double *lit = malloc(n * sizeof *lit);
    if (years == NULL || lit == NULL) {
        free(years);
        free(lit);
        out_of_memory(l);
        return;
    }
    size_t k = 0;
    bool ok = true;
    const char *y;
    const json_t *x;
    json_object_foreach((json_t *)v, y, x)
    {
        char path[96], exp[128];
        snprintf(path, sizeof path, "%s.%.40s", key, y);
        char *end = NULL;
        errno = 0;
        const long year = strtol(y, &end, 10);
        const int lo = e->rfs != 0 ? e->rfs : 1850;
        if (!isdigit((unsigned char)y[0]) || *end != '\0' || errno != 0 || year < lo ||
            year > 2100 || (k > 0 && year <= years[k - 1])) {
            json_t *found = json_string(y);
            if (k > 0 && year <= years[k - 1] && year >= lo && year <= 2100)
                snprintf(exp, sizeof exp, "a year after %d (years in increasing order)",
                         years[k - 1]);
            else
                snprintf(exp, sizeof exp, "a year from rfs (%d) to 2100 as the key", lo);
            bad(l, path, exp, found);
            json_decref(found);
            ok = false;
            continue;
        }
        const double cap = isfinite(e->capacity_tbps) ? e->capacity_tbps : 1e6;
        snprintf(exp, sizeof exp, "lit Tbps in [0, capacity_tbps (%g)]", cap);
        if (!json_is_number(x) || !isfinite(json_number_value(x)) || json_number_value(x) < 0 ||
            json_number_value(x) > cap) {
            bad(l, path, exp, x);
            ok = false;
            continue;
        }
        years[k] = (int)year;
        lit[k++] = json_number_value(x);
    }
    if (!ok) {
        free(years);
        free(lit);
        return;
    }
    e->nlit_years = k;
    e->lit_years = years;
    e->lit_by_year = lit;
}

static void parse_edge_props(cs_topo_loc *l, const json_t *props, cs_edge_kind kind, cs_edge *e)
{
    e->kind = kind;
    if (kind == CS_EDGE_SEGMENT) {
        e->cable = keep(l, get_str(l, props, "cable", true));
    } else {
        const json_t *cable = json_object_get(props, "cable");
        if (cable != NULL && !json_is_null(cable))
            bad(l, "cable", "no cable on a terrestrial link", cable);
    }
    e->cable_name = keep(l, get_str(l, props, "cable_name", false));
    e->capacity_tbps =
        get_num(l, props, "capacity_tbps", true, 0.0, true, 1e6, NAN, "a number of Tbps > 0");
    e->capacity_estimated = get_bool(l, props, "capacity_estimated", false);
    e->lit_tbps =
        get_num(l, props, "lit_tbps", false, 0.0, false, 1e6, NAN, "a number of Tbps >= 0");
    e->lit_estimated = get_bool(l, props, "lit_estimated", false);
    if (isfinite(e->lit_tbps) && isfinite(e->capacity_tbps) && e->lit_tbps > e->capacity_tbps) {
        char exp[96];
        snprintf(exp, sizeof exp, "lit capacity <= capacity_tbps (%g)", e->capacity_tbps);
        bad(l, "lit_tbps", exp, json_object_get(props, "lit_tbps"));
    }
    e->depth_m = get_num(l, props, "depth_m", false, 0.0, true, 12000.0, NAN,
                         "a depth in metres in (0, 12000] or null");
    e->shallow_share = get_num(l, props, "shallow_share", false, 0.0, false, 1.0, NAN,
                               "a share in [0, 1] or null");
    e->length_km = get_num(l, props, "length_km", false, 0.0, true, 50000.0, NAN,
                           "a length in km in (0, 50000]");
    e->rfs = get_year(l, props, "rfs", true);
    e->retired = get_year(l, props, "retired", false);
    if (e->retired != 0 && e->rfs != 0 && e->retired <= e->rfs) {
        char exp[64];
        snprintf(exp, sizeof exp, "a year after rfs (%d) or null", e->rfs);
        bad(l, "retired", exp, json_object_get(props, "retired"));
    }
    e->owners = get_owners(l, props);
    e->source = keep(l, get_str(l, props, "source", true));
    e->note = keep(l, get_str(l, props, "note", false));
    e->transit = get_bool(l, props, "transit", true);
    parse_lit_series(l, props, e);
    /* Without lit_tbps: the series' latest value, else the design capacity. */
    if (!isfinite(e->lit_tbps))
        e->lit_tbps = e->nlit_years > 0 ? e->lit_by_year[e->nlit_years - 1] : e->capacity_tbps;
}

/* transit: false needs a terrestrial link whose two ends are in one country. */
static void check_transit(cs_topo_loc *l, const json_t *props, const cs_node *nodes,
                          const cs_edge *e)
{
    if (e->transit) return;
    const json_t *v = json_object_get(props, "transit");
    if (e->kind != CS_EDGE_LINK) {
        bad(l, "transit", "true or null on a segment (false is for terrestrial links)", v);
        return;
    }
    if (e->from == SIZE_MAX || e->to == SIZE_MAX) return;
    const char *a = nodes[e->from].country, *b = nodes[e->to].country;
    if (a != NULL && b != NULL && strcmp(a, b) != 0) {
        char exp[160];
        snprintf(exp, sizeof exp,
                 "true on a link between two countries (%s and %s; false needs both ends in one "
                 "country)",
                 a, b);
        bad(l, "transit", exp, v);
    }
}

/* Resolves "from"/"to" and checks that the geometry ends at those nodes. */
static void resolve_ends(cs_topo_loc *l, const json_t *props, const cs_strmap *node_ids,
                         const cs_node *nodes, cs_edge *e, bool geometry_ok)
{
    const char *ends[2] = {get_str(l, props, "from", true), get_str(l, props, "to", true)};
    const char *keys[2] = {"from", "to"};
    size_t idx[2] = {SIZE_MAX, SIZE_MAX};
    for (int k = 0; k < 2; k++) {
        if (ends[k] == NULL) continue;
        if (!cs_strmap_get(node_ids, ends[k], &idx[k]))
            bad(l, keys[k], "the id of a node (Point feature)", json_object_get(props, keys[k]));
    }
    e->from = idx[0];
    e->to = idx[1];
    if (idx[0] == SIZE_MAX || idx[1] == SIZE_MAX) return;
    if (idx[0] == idx[1]) {
        bad(l, "to", "a node other than \"from\" (self-loop)", json_object_get(props, "to"));
        return;
    }
    if (!geometry_ok) return;
    const cs_lonlat first = e->pts[0], last = e->pts[e->npts - 1];
    const cs_lonlat a = nodes[idx[0]].pos, b = nodes[idx[1]].pos;
    const double d_fa = cs_geo_distance_km(first, a), d_lb = cs_geo_distance_km(last, b);
    const double d_fb = cs_geo_distance_km(first, b), d_la = cs_geo_distance_km(last, a);
    const double tol = CS_TOPOLOGY_ENDPOINT_TOL_KM;
    if ((d_fa <= tol && d_lb <= tol) || (d_fb <= tol && d_la <= tol)) return;
    const bool fwd = d_fa + d_lb <= d_fb + d_la;
    badf(l,
         "key \"geometry\": expected a route from \"%s\" to \"%s\" with ends within %.0f km of "
         "them, found ends %.1f km and %.1f km away",
         nodes[idx[0]].id, nodes[idx[1]].id, tol, fwd ? d_fa : d_la, fwd ? d_lb : d_fb);
}

/* ------------------------------------------------------ the passes over features */

void cs_topo_parsed_destroy(cs_topo_parsed *p)
{
    for (size_t i = 0; i < p->nn; i++)
        cs_topo_free_node(&p->nodes[i]);
    for (size_t i = 0; i < p->ne; i++)
        cs_topo_free_edge(&p->edges[i]);
    free(p->nodes);
    free(p->edges);
    cs_strmap_destroy(&p->ids);
    cs_strmap_destroy(&p->node_ids);
}

/* Parses one edge feature into p->edges[p->ne]. */
static void parse_edge(cs_topo_loc *l, const json_t *props, const json_t *geom, cs_edge_kind kind,
                       cs_topo_parsed *p)
{
    cs_edge *e = &p->edges[p->ne++];
    memset(e, 0, sizeof *e);
    e->feature = l->feature;
    e->cable_index = SIZE_MAX;
    e->from = e->to = SIZE_MAX;
    e->id = keep(l, l->id);
    const char *type = json_string_value(json_object_get(geom, "type"));
    bool geom_ok = false;
    if (type == NULL || (strcmp(type, "LineString") != 0 && strcmp(type, "MultiLineString") != 0))
        bad(l, "geometry.type", "\"LineString\" or \"MultiLineString\" for an edge",
            json_object_get(geom, "type"));
    else
        geom_ok = parse_lines(l, geom, e);
    parse_edge_props(l, props, kind, e);
    resolve_ends(l, props, &p->node_ids, p->nodes, e, geom_ok);
    check_transit(l, props, p->nodes, e);
    if (geom_ok && !isfinite(e->length_km)) e->length_km = edge_geometry_length(e);
}

/* Checks the Feature envelope; returns properties or NULL (reported when report). */
static const json_t *feature_props(cs_topo_loc *l, const json_t *f, const json_t **geom,
                                   bool report)
{
    const json_t *type = json_is_object(f) ? json_object_get(f, "type") : NULL;
    const json_t *props = json_is_object(f) ? json_object_get(f, "properties") : NULL;
    *geom = json_is_object(f) ? json_object_get(f, "geometry") : NULL;
    if (!json_is_object(f)) {
        if (report) bad(l, "feature", "a GeoJSON Feature object", f);
    } else if (!json_is_string(type) || strcmp(json_string_value(type), "Feature") != 0) {
        if (report) bad(l, "type", "\"Feature\"", type);
    } else if (!json_is_object(props)) {
        if (report) bad(l, "properties", "an object", props);
    } else if (!json_is_object(*geom)) {
        if (report) bad(l, "geometry", "a geometry object", *geom);
    } else {
        return props;
    }
    return NULL;
}

/*
 * The keys the loader reads, and the extra keys of the bundled file that it
 * ignores. Other keys are ignored too, except one within two edits of a key
 * listed here (and short enough relative to its length), which is taken for a
 * misspelling and reported with a "did you mean" hint.
 */
static const char *const known_keys[] = {"id",
                                         "kind",
                                         "name",
                                         "country",
                                         "region",
                                         "source",
                                         "from",
                                         "to",
                                         "cable",
                                         "cable_name",
                                         "owners",
                                         "note",
                                         "rfs",
                                         "retired",
                                         "capacity_tbps",
                                         "lit_tbps",
                                         "lit_tbps_by_year",
                                         "capacity_estimated",
                                         "lit_estimated",
                                         "length_km",
                                         "depth_m",
                                         "shallow_share",
                                         "transit",
                                         "fibre_pairs",
                                         "shallow_share_estimated",
                                         "lit_source"};

static void check_key_spelling(cs_topo_loc *l, const json_t *props)
{
    const size_t nk = sizeof known_keys / sizeof known_keys[0];
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)props, k, v)
    {
        size_t j = 0;
        while (j < nk && strcmp(known_keys[j], k) != 0)
            j++;
        const size_t bi = j < nk ? SIZE_MAX : cs_nearest_name(k, known_keys, nk);
        if (bi == SIZE_MAX) continue; /* a known key, or one too far to be a misspelling */
        badf(l, "key \"%.60s\": unknown key (did you mean \"%s\"?)", k, known_keys[bi]);
    }
}

/*
 * Pass 1 (edges == false) registers every id and parses the nodes; pass 2
 * parses the edges. Problems with the envelope, the kind or the id are
 * reported in pass 1 only.
 */
void cs_topo_parse_pass(cs_topo_loc *l, const json_t *features, cs_topo_parsed *p, bool edges)
{
    size_t i;
    const json_t *f;
    json_array_foreach(features, i, f)
    {
        l->feature = i;
        l->id = NULL;
        const json_t *geom = NULL;
        const json_t *props = feature_props(l, f, &geom, !edges);
        if (props == NULL) continue;
        const json_t *idv = json_object_get(props, "id");
        const char *id = json_string_value(idv);
        if (id != NULL && id[0] != '\0' && valid_id(id)) l->id = id;
        int kind = 0;
        bool is_node = false;
        const bool kind_ok =
            parse_kind(json_string_value(json_object_get(props, "kind")), &kind, &is_node);
        if (!edges) {
            if (!kind_ok)
                bad(l, "kind",
                    "\"landing_station\", \"branching_unit\", \"city\", \"segment\" or \"link\"",
                    json_object_get(props, "kind"));
            if (l->id == NULL)
                bad(l, "id", "a non-empty string of letters, digits, '_', '.', ':' or '-'", idv);
            size_t first = 0;
            if (l->id != NULL && !cs_strmap_insert(&p->ids, l->id, i, &first))
                badf(l,
                     "key \"id\": expected a unique id, found \"%s\" already used by feature %zu",
                     l->id, first);
            check_key_spelling(l, props);
        }
        if (!kind_ok || edges == is_node) continue;
        if (is_node) {
            cs_node *n = &p->nodes[p->nn];
            memset(n, 0, sizeof *n);
            n->feature = i;
            n->id = keep(l, l->id);
            parse_node(l, props, geom, (cs_node_kind)kind, n);
            if (n->id != NULL) cs_strmap_insert(&p->node_ids, n->id, p->nn, NULL);
            p->nn++;
        } else {
            parse_edge(l, props, geom, (cs_edge_kind)kind, p);
        }
    }
}

static size_t uf_find(size_t *parent, size_t x)
{
    while (parent[x] != x)
        x = parent[x] = parent[parent[x]];
    return x;
}

/* Pass 3: every city must be connected to the component holding most cities. */
cs_status cs_topo_check_cities_connected(cs_topo_loc *l, const cs_topo_parsed *p)
{
    size_t *parent = malloc((p->nn + 1) * sizeof *parent);
    size_t *cities = calloc(p->nn + 1, sizeof *cities);
    if (parent == NULL || cities == NULL) {
        free(parent);
        free(cities);
        return cs_errorf(l->err, CS_ENOMEM, "%s: out of memory", l->file);
    }
    for (size_t i = 0; i < p->nn; i++)
        parent[i] = i;
    for (size_t j = 0; j < p->ne; j++)
        if (p->edges[j].from < p->nn && p->edges[j].to < p->nn)
            parent[uf_find(parent, p->edges[j].from)] = uf_find(parent, p->edges[j].to);
    size_t best = SIZE_MAX, best_root = 0;
    for (size_t i = 0; i < p->nn; i++)
        if (p->nodes[i].kind == CS_NODE_CITY) {
            const size_t r = uf_find(parent, i);
            cities[r]++;
            if (best == SIZE_MAX || cities[r] > cities[best_root]) best = i, best_root = r;
        }
    for (size_t i = 0; i < p->nn; i++)
        if (p->nodes[i].kind == CS_NODE_CITY && uf_find(parent, i) != best_root) {
            l->feature = p->nodes[i].feature;
            l->id = p->nodes[i].id;
            badf(l, "city is disconnected: no path to city \"%s\"", p->nodes[best].id);
        }
    free(parent);
    free(cities);
    return CS_OK;
}