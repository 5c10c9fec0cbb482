/*
 * network.c: a scenario's design alternatives (the `network:` section, docs/scenarios.md
 * "Design alternatives") applied to the topology's GeoJSON before the topology loader
 * validates it: systems added (new landing stations with their backhaul to cities; routes drawn
 * as great circles through optional waypoints, split at 180 degrees as the dataset's, or given
 * as coordinates), systems, segments or stations removed, capacities changed. The loader then
 * checks the result as it checks any file (ends within 25 km, lit <= design, ...), so the
 * effective network is what every later step (routing, the results file's /topology) sees.
 *
 * Every problem in the section is one line at its place in the scenario (file:line:column),
 * with the nearest ids of the topology when a name is unknown.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "cablesim/geo.h"
#include "cablesim/topology.h"
#include "model/network_impl.h"
#include "core/strmap.h"

/* Great-circle pieces of an added route are at most this long (km), so that the drawn line
 * follows the arc and its length is the arc's to well under 0.1%. */
#define PIECE_KM 100.0
/* The backhaul of a new landing station: as the dataset's terrestrial links (topology/README.md):
 * capacity deliberately large so that it rarely binds, length the straight line x 1.3. */
#define LINK_TBPS   1000.0
#define LINK_DETOUR 1.3
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

typedef struct {
    json_t *features; /* the FeatureCollection's array */
    const char *topo; /* the topology file, in messages */
    const cs_ydoc_t *d;
    int as_of;
    cs_error *err;
} net;

static const char *prop_str(const json_t *f, const char *key)
{
    return json_string_value(json_object_get(json_object_get(f, "properties"), key));
}

static const char *kind_of(const json_t *f)
{
    const char *k = prop_str(f, "kind");
    return k != NULL ? k : "";
}

static bool is_edge(const json_t *f)
{
    return strcmp(kind_of(f), "segment") == 0 || strcmp(kind_of(f), "link") == 0;
}

/* The feature with this id, or NULL. */
static json_t *find_id(const net *n, const char *id)
{
    for (size_t i = 0; i < json_array_size(n->features); i++) {
        json_t *f = json_array_get(n->features, i);
        const char *x = prop_str(f, "id");
        if (x != NULL && strcmp(x, id) == 0) return f;
    }
    return NULL;
}

/* The `cable` of some segment equal to name (ASCII case ignored), or NULL. */
static const char *find_cable(const net *n, const char *name)
{
    for (size_t i = 0; i < json_array_size(n->features); i++) {
        const char *c = prop_str(json_array_get(n->features, i), "cable");
        if (c != NULL && strcasecmp(c, name) == 0) return c;
    }
    return NULL;
}

/* What a name must be, with the three nearest ids of that sort ("a cable system of F (nearest:
 * \"JUPITER\")"). sort: "cable", "segment" or "station". */
static void expected_name(const net *n, const char *sort, const char *bad, char *buf, size_t len)
{
    cs_near3 near;
    cs_near3_init(&near);
    for (size_t i = 0; i < json_array_size(n->features); i++) {
        const json_t *f = json_array_get(n->features, i);
        const char *k = kind_of(f);
        const char *x = strcmp(sort, "cable") == 0 ? prop_str(f, "cable") : prop_str(f, "id");
        const bool want = strcmp(sort, "cable") == 0 ? x != NULL
                          : strcmp(sort, "segment") == 0
                              ? strcmp(k, "segment") == 0
                              : strcmp(k, "landing_station") == 0 ||
                                    strcmp(k, "branching_unit") == 0 || strcmp(k, "city") == 0;
        if (want && x != NULL) cs_near3_offer(&near, bad, x);
    }
    const char *what = strcmp(sort, "cable") == 0     ? "a cable system of"
                       : strcmp(sort, "segment") == 0 ? "a segment id of"
                                                      : "a node id of";
    char hint[300];
    cs_near3_format(&near, hint, sizeof hint);
    snprintf(buf, len, "%s %s%s", what, n->topo, hint);
}

/* The dotted path of node for messages ("network.add.0.cable"). */
static void key_of(const net *n, const cs_ynode *node, char *buf, size_t len)
{
    if (!cs_ydoc_path(n->d, node, buf, len)) snprintf(buf, len, "network");
}

static cs_status err_at(const net *n, const cs_ynode *at, const char *expected)
{
    char key[256];
    key_of(n, at, key, sizeof key);
    return cs_yerr(n->d, at, key, expected, n->err);
}

/* A scalar string of map[key] (required), placed at the value; NULL after the message. */
static const char *get_name(const net *n, const cs_ynode *map, const char *key, bool required)
{
    const char *s = NULL;
    if (cs_yget_string(n->d, map, key, required, NULL, &s, n->err) != CS_OK) return NULL;
    if (s == NULL) return NULL;
    const cs_ynode *v = cs_ymap_get(map, key);
    if (v->kind != CS_YSCALAR || s[0] == '\0') {
        err_at(n, v, "a non-empty name");
        return NULL;
    }
    return s;
}

/* [lon, lat] at node into *p. */
static cs_status get_lonlat(const net *n, const cs_ynode *v, cs_lonlat *p)
{
    char *end = NULL;
    bool ok = v != NULL && v->kind == CS_YSEQ && v->n == 2;
    double x[2] = {NAN, NAN};
    for (size_t k = 0; ok && k < 2; k++) {
        const cs_ynode *c = v->items[k];
        ok = c->kind == CS_YSCALAR && c->plain && c->value[0] != '\0';
        if (ok) x[k] = strtod(c->value, &end);
        ok = ok && *end == '\0' && isfinite(x[k]) && strpbrk(c->value, "xX") == NULL;
    }
    p->lon = x[0];
    p->lat = x[1];
    if (!ok || !cs_geo_valid(*p))
        return err_at(n, v, "[lon, lat] with lon in [-180, 180] and lat in [-90, 90]");
    return CS_OK;
}

/* A node's position from its Point feature. */
static cs_lonlat node_pos(const json_t *f)
{
    const json_t *c = json_object_get(json_object_get(f, "geometry"), "coordinates");
    return (cs_lonlat){json_number_value(json_array_get(c, 0)),
                       json_number_value(json_array_get(c, 1))};
}

static json_t *jpoint(cs_lonlat p)
{
    return json_pack("[ff]", p.lon, p.lat);
}

/* ------------------------------------------------------------ routes */

/* Appends to parts the great circle from a to b in pieces of at most PIECE_KM, splitting it
 * where it crosses 180 degrees (one part ends at [+-180, lat], the next starts at [-+180, lat]). */
static bool arc_points(json_t *parts, cs_lonlat a, cs_lonlat b)
{
    const double dist = cs_geo_distance_km(a, b);
    const size_t k = dist > PIECE_KM ? (size_t)ceil(dist / PIECE_KM) : 1;
    const cs_vec3 va = cs_geo_vec(a), vb = cs_geo_vec(b);
    /* slerp along the arc (a and b are not antipodal: checked by the caller). */
    const double dot = va.x * vb.x + va.y * vb.y + va.z * vb.z;
    const double om = acos(fmax(-1.0, fmin(1.0, dot))), so = sin(om);
    cs_lonlat prev = a;
    for (size_t i = 1; i <= k; i++) {
        const double t = (double)i / (double)k;
        cs_lonlat p = b;
        if (i < k && so > 1e-12) {
            const double wa = sin((1 - t) * om) / so, wb = sin(t * om) / so;
            p = cs_geo_lonlat(
                (cs_vec3){wa * va.x + wb * vb.x, wa * va.y + wb * vb.y, wa * va.z + wb * vb.z});
        }
        json_t *cur = json_array_get(parts, json_array_size(parts) - 1);
        if (fabs(p.lon - prev.lon) > 180.0) { /* crosses the antimeridian between prev and p */
            const double east = prev.lon > 0 ? 180.0 : -180.0;
            const double dlon = (p.lon + (east > 0 ? 360.0 : -360.0)) - prev.lon;
            const double f = (east - prev.lon) / dlon;
            const double lat = prev.lat + f * (p.lat - prev.lat);
            json_t *next = json_array();
            if (json_array_append_new(cur, json_pack("[ff]", east, lat)) ||
                json_array_append_new(next, json_pack("[ff]", -east, lat)) ||
                json_array_append_new(parts, next))
                return false;
            cur = next;
        }
        if (json_array_append_new(cur, jpoint(p))) return false;
        prev = p;
    }
    return true;
}

/* The geometry of a route through pts[0..np): great circles between consecutive points. */
static json_t *route_geometry(const cs_lonlat *pts, size_t np)
{
    json_t *parts = json_array(), *first = json_array();
    if (parts == NULL || first == NULL || json_array_append_new(parts, first) ||
        json_array_append_new(first, jpoint(pts[0]))) {
        json_decref(parts);
        return NULL;
    }
    for (size_t i = 0; i + 1 < np; i++)
        if (!arc_points(parts, pts[i], pts[i + 1])) {
            json_decref(parts);
            return NULL;
        }
    if (json_array_size(parts) == 1) {
        json_t *line = json_incref(first);
        json_decref(parts);
        return json_pack("{s:s, s:o}", "type", "LineString", "coordinates", line);
    }
    return json_pack("{s:s, s:o}", "type", "MultiLineString", "coordinates", parts);
}

static cs_status oom(const net *n);

/* Given coordinates [[lon, lat], ...] (at least two): a LineString as written, into *out. */
static cs_status given_geometry(const net *n, const cs_ynode *v, json_t **out)
{
    *out = NULL;
    if (v->kind != CS_YSEQ || v->n < 2)
        return err_at(n, v, "a list of at least two [lon, lat] positions");
    json_t *c = json_array();
    if (c == NULL) return oom(n);
    for (size_t i = 0; i < v->n; i++) {
        cs_lonlat p;
        const cs_status rc = get_lonlat(n, v->items[i], &p);
        if (rc != CS_OK || json_array_append_new(c, jpoint(p))) {
            json_decref(c);
            return rc != CS_OK ? rc : oom(n);
        }
    }
    *out = json_pack("{s:s, s:o}", "type", "LineString", "coordinates", c);
    return *out != NULL ? CS_OK : oom(n);
}

/* ------------------------------------------------------------ edits */

static cs_status oom(const net *n)
{
    return cs_errorf(n->err, CS_ENOMEM, "%s: out of memory for the network section",
                     cs_ydoc_name(n->d));
}

/* Removes every feature for which drop(f, arg) holds; returns how many. */
static size_t remove_where(net *n, bool (*drop)(const json_t *, const char *), const char *arg)
{
    size_t removed = 0;
    for (size_t i = json_array_size(n->features); i-- > 0;)
        if (drop(json_array_get(n->features, i), arg)) {
            json_array_remove(n->features, i);
            removed++;
        }
    return removed;
}

static bool of_cable(const json_t *f, const char *cable)
{
    const char *c = prop_str(f, "cable");
    return c != NULL && strcmp(c, cable) == 0;
}

static bool has_id(const json_t *f, const char *id)
{
    const char *x = prop_str(f, "id");
    return x != NULL && strcmp(x, id) == 0 && is_edge(f);
}

/* The station and every edge that ends at it. */
static bool at_station(const json_t *f, const char *id)
{
    const char *x = prop_str(f, "id"), *a = prop_str(f, "from"), *b = prop_str(f, "to");
    return (x != NULL && strcmp(x, id) == 0) ||
           (is_edge(f) && ((a != NULL && strcmp(a, id) == 0) || (b != NULL && strcmp(b, id) == 0)));
}

/* `remove: [{cable: X} | {segment: ID} | {station: ID}, ...]` */
static cs_status do_remove(net *n, const cs_ynode *list)
{
    static const char *const keys[] = {"cable", "segment", "station", NULL};
    if (list->kind != CS_YSEQ) return err_at(n, list, "a list of {cable}, {segment} or {station}");
    for (size_t i = 0; i < list->n; i++) {
        const cs_ynode *m = list->items[i];
        cs_status rc = cs_ymap_check_keys(n->d, m, keys, "network.remove item", n->err);
        if (rc) return rc;
        if (m->n != 1)
            return err_at(n, m, "one of cable, segment or station (one removal per item)");
        const char *what = m->keys[0]->value;
        const char *name = get_name(n, m, what, true);
        if (name == NULL) return CS_EINVAL;
        char exp[512];
        if (strcmp(what, "cable") == 0) {
            const char *c = find_cable(n, name);
            if (c == NULL) {
                expected_name(n, "cable", name, exp, sizeof exp);
                return err_at(n, m->items[0], exp);
            }
            char *copy = strdup(c); /* c lives in a feature about to go */
            if (copy == NULL) return oom(n);
            remove_where(n, of_cable, copy);
            free(copy);
        } else if (strcmp(what, "segment") == 0) {
            if (remove_where(n, has_id, name) == 0) {
                expected_name(n, "segment", name, exp, sizeof exp);
                return err_at(n, m->items[0], exp);
            }
        } else {
            const json_t *f = find_id(n, name);
            if (f == NULL || is_edge(f) || strcmp(kind_of(f), "city") == 0) {
                expected_name(n, "station", name, exp, sizeof exp);
                return err_at(n, m->items[0],
                              f != NULL && strcmp(kind_of(f), "city") == 0
                                  ? "a landing station or branching unit (a city "
                                    "carries demand: it cannot be removed)"
                                  : exp);
            }
            remove_where(n, at_station, name);
        }
    }
    return CS_OK;
}

/* `upgrade: {cable: X | segment: ID, capacity_tbps: C, lit_tbps: L}` or a list of them: sets the
 * design and lit capacity of every segment of the system (the lit series is replaced by the one
 * figure). */
static cs_status do_upgrade(net *n, const cs_ynode *v)
{
    static const char *const keys[] = {"cable", "segment", "capacity_tbps", "lit_tbps", NULL};
    const bool one = v->kind == CS_YMAP;
    if (!one && v->kind != CS_YSEQ)
        return err_at(n, v, "a map {cable, capacity_tbps, lit_tbps} or a list of them");
    for (size_t i = 0; i < (one ? 1 : v->n); i++) {
        const cs_ynode *m = one ? v : v->items[i];
        cs_status rc = cs_ymap_check_keys(n->d, m, keys, "network.upgrade", n->err);
        if (rc) return rc;
        const bool by_cable = cs_ymap_get(m, "cable") != NULL;
        if (by_cable == (cs_ymap_get(m, "segment") != NULL))
            return err_at(n, m, "either cable or segment (what to upgrade)");
        const char *name = get_name(n, m, by_cable ? "cable" : "segment", true);
        if (name == NULL) return CS_EINVAL;
        double cap = NAN, lit = NAN;
        if ((rc = cs_yget_double(n->d, m, "capacity_tbps", false, 1e-9, 1e6, NAN, &cap, n->err)) ||
            (rc = cs_yget_double(n->d, m, "lit_tbps", false, 0.0, 1e6, NAN, &lit, n->err)))
            return rc;
        if (isnan(cap) && isnan(lit)) return err_at(n, m, "capacity_tbps or lit_tbps (or both)");
        const char *cable = by_cable ? find_cable(n, name) : NULL;
        size_t hit = 0;
        for (size_t j = 0; j < json_array_size(n->features); j++) {
            json_t *f = json_array_get(n->features, j), *p = json_object_get(f, "properties");
            if (strcmp(kind_of(f), "segment") != 0) continue;
            if (by_cable ? cable == NULL || !of_cable(f, cable) : !has_id(f, name)) continue;
            hit++;
            const double c =
                isnan(cap) ? json_number_value(json_object_get(p, "capacity_tbps")) : cap;
            if (!isnan(lit) && lit > c) {
                char exp[128];
                snprintf(exp, sizeof exp, "lit_tbps <= the design capacity (%g Tbps)", c);
                return err_at(n, cs_ymap_get(m, "lit_tbps"), exp);
            }
            if (!isnan(cap) && (json_object_set_new(p, "capacity_tbps", json_real(cap)) ||
                                json_object_set_new(p, "capacity_estimated", json_false())))
                return oom(n);
            if (!isnan(lit)) {
                if (json_object_set_new(p, "lit_tbps", json_real(lit)) ||
                    json_object_set_new(p, "lit_estimated", json_false()))
                    return oom(n);
                json_object_del(p, "lit_tbps_by_year");
            } else if (json_number_value(json_object_get(p, "lit_tbps")) > c) {
                /* a smaller design capacity caps what is lit */
                if (json_object_set_new(p, "lit_tbps", json_real(c))) return oom(n);
                json_object_del(p, "lit_tbps_by_year");
            }
        }
        if (hit == 0) {
            char exp[512];
            expected_name(n, by_cable ? "cable" : "segment", name, exp, sizeof exp);
            return err_at(n, cs_ymap_get(m, by_cable ? "cable" : "segment"), exp);
        }
    }
    return CS_OK;
}

static cs_status route_end(net *n, const cs_ynode *seg, const char *key, const char **id,
                           cs_lonlat *p);

/* Appends (at_end) or prepends to the geometry of f the great circle from its end at old to pos:
 * the segment now lands at pos, its route extended along the arc from where it landed. */
static bool extend_route(json_t *f, cs_lonlat old, cs_lonlat pos, bool at_end)
{
    json_t *g = json_object_get(f, "geometry"), *c = json_object_get(g, "coordinates");
    const bool multi =
        strcmp(json_string_value(json_object_get(g, "type")), "MultiLineString") == 0;
    json_t *line = multi ? json_array_get(c, at_end ? json_array_size(c) - 1 : 0) : c;
    json_t *parts = json_array(), *first = json_array();
    if (parts == NULL || first == NULL || json_array_append_new(parts, first) ||
        json_array_append_new(first, jpoint(at_end ? old : pos)) ||
        !arc_points(parts, at_end ? old : pos, at_end ? pos : old) || json_array_size(parts) != 1) {
        json_decref(parts); /* an extension across 180 degrees is not drawn: refused by caller */
        return false;
    }
    json_t *ext = json_array_get(parts, 0);
    bool ok = true;
    if (at_end) {
        for (size_t i = 1; ok && i < json_array_size(ext); i++)
            ok = json_array_append(line, json_array_get(ext, i)) == 0;
    } else {
        for (size_t i = json_array_size(ext) - 1; ok && i-- > 0;)
            ok = json_array_insert(line, 0, json_array_get(ext, i)) == 0;
    }
    json_decref(parts);
    return ok;
}

/* `reland: [{segment: ID, from: OLD, to: NEW}, ...]`: the segment's end at station OLD lands at
 * station NEW instead (an existing station or one added in `add`), its route extended along the
 * great circle between them; its system, capacity and the rest are unchanged. */
static cs_status do_reland(net *n, const cs_ynode *list)
{
    static const char *const keys[] = {"segment", "from", "to", NULL};
    if (list->kind != CS_YSEQ) return err_at(n, list, "a list of {segment, from, to}");
    for (size_t i = 0; i < list->n; i++) {
        const cs_ynode *m = list->items[i];
        cs_status rc = cs_ymap_check_keys(n->d, m, keys, "network.reland item", n->err);
        if (rc) return rc;
        const char *id = get_name(n, m, "segment", true);
        if (id == NULL) return CS_EINVAL;
        json_t *f = find_id(n, id);
        char exp[512];
        if (f == NULL || strcmp(kind_of(f), "segment") != 0) {
            expected_name(n, "segment", id, exp, sizeof exp);
            return err_at(n, cs_ymap_get(m, "segment"), exp);
        }
        const char *old = get_name(n, m, "from", true), *to = NULL;
        if (old == NULL) return CS_EINVAL;
        const char *ends[2] = {prop_str(f, "from"), prop_str(f, "to")};
        const int k = ends[0] != NULL && strcmp(ends[0], old) == 0   ? 0
                      : ends[1] != NULL && strcmp(ends[1], old) == 0 ? 1
                                                                     : -1;
        if (k < 0) {
            snprintf(exp, sizeof exp, "an end of segment %s (%s or %s)", id, ends[0], ends[1]);
            return err_at(n, cs_ymap_get(m, "from"), exp);
        }
        cs_lonlat po, pn;
        if ((rc = route_end(n, m, "from", &old, &po)) || (rc = route_end(n, m, "to", &to, &pn)))
            return rc;
        if (strcmp(to, ends[1 - k]) == 0)
            return err_at(n, cs_ymap_get(m, "to"), "a station other than the segment's other end");
        /* The geometry's end nearest the old station is the one that moves. */
        const json_t *c = json_object_get(json_object_get(f, "geometry"), "coordinates");
        const bool multi = json_is_array(json_array_get(json_array_get(c, 0), 0));
        const json_t *fl = multi ? json_array_get(c, 0) : c;
        const json_t *ll = multi ? json_array_get(c, json_array_size(c) - 1) : c;
        const json_t *p0 = json_array_get(fl, 0), *p1 = json_array_get(ll, json_array_size(ll) - 1);
        const cs_lonlat g0 = {json_number_value(json_array_get(p0, 0)),
                              json_number_value(json_array_get(p0, 1))};
        const cs_lonlat g1 = {json_number_value(json_array_get(p1, 0)),
                              json_number_value(json_array_get(p1, 1))};
        const bool at_end = cs_geo_distance_km(g1, po) < cs_geo_distance_km(g0, po);
        if (!extend_route(f, at_end ? g1 : g0, pn, at_end))
            return err_at(n, cs_ymap_get(m, "to"),
                          "a station the route can reach without crossing 180 degrees");
        json_t *props = json_object_get(f, "properties");
        if (json_object_set_new(props, k == 0 ? "from" : "to", json_string(to))) return oom(n);
        json_object_del(props, "length_km"); /* the loader measures the new route */
    }
    return CS_OK;
}

/* A new landing station {id, name, country, lonlat, link_to: [city ids]} and its backhaul. */
static cs_status add_station(net *n, const cs_ynode *m, const char *source)
{
    static const char *const keys[] = {"id", "name", "country", "lonlat", "link_to", NULL};
    cs_status rc = cs_ymap_check_keys(n->d, m, keys, "network.add station", n->err);
    if (rc) return rc;
    const char *id = get_name(n, m, "id", true);
    if (id == NULL) return CS_EINVAL;
    if (find_id(n, id) != NULL)
        return err_at(n, cs_ymap_get(m, "id"), "an id the topology does not have yet");
    const char *name = get_name(n, m, "name", false), *country = get_name(n, m, "country", true);
    if (country == NULL) return CS_EINVAL;
    /* As the topology's rule (topology_parse.c), checked here to name the scenario's line. */
    if (strlen(country) != 2 || !isupper((unsigned char)country[0]) ||
        !isupper((unsigned char)country[1]) || strcmp(country, "XX") == 0)
        return err_at(n, cs_ymap_get(m, "country"),
                      "an ISO 3166-1 alpha-2 code such as \"JP\" (\"XX\" is only for branching "
                      "units)");
    const cs_ynode *ll = cs_ymap_get(m, "lonlat");
    if (ll == NULL) return cs_yerr_missing(n->d, m, "lonlat", "[lon, lat]", n->err);
    cs_lonlat pos;
    if ((rc = get_lonlat(n, ll, &pos))) return rc;
    const cs_ynode *links = NULL;
    if ((rc = cs_yget_seq(n->d, m, "link_to", true, &links, n->err))) return rc;
    if (links->n == 0) return err_at(n, links, "at least one city id (the station's backhaul)");
    json_t *f = json_pack("{s:s, s:{s:s, s:o}, s:{s:s, s:s, s:s, s:s, s:s}}", "type", "Feature",
                          "geometry", "type", "Point", "coordinates", jpoint(pos), "properties",
                          "kind", "landing_station", "id", id, "name", name != NULL ? name : id,
                          "country", country, "source", source);
    if (f == NULL || json_array_append_new(n->features, f)) return oom(n);
    for (size_t i = 0; i < links->n; i++) {
        const cs_ynode *c = links->items[i];
        const json_t *city = c->kind == CS_YSCALAR ? find_id(n, c->value) : NULL;
        if (city == NULL || strcmp(kind_of(city), "city") != 0) {
            char exp[512];
            expected_name(n, "station", c->kind == CS_YSCALAR ? c->value : "", exp, sizeof exp);
            return err_at(n, c, strstr(exp, "nearest") != NULL ? exp : "a city id of the topology");
        }
        const cs_lonlat cp = node_pos(city);
        char lid[600];
        snprintf(lid, sizeof lid, "link:%s-%s", id, c->value);
        const double km = LINK_DETOUR * cs_geo_distance_km(pos, cp);
        json_t *l = json_pack(
            "{s:s, s:{s:s, s:[oo]}, s:{s:s, s:s, s:s, s:s, s:f, s:b, s:f, s:f, s:i, s:s, s:s}}",
            "type", "Feature", "geometry", "type", "LineString", "coordinates", jpoint(pos),
            jpoint(cp), "properties", "kind", "link", "id", lid, "from", id, "to", c->value,
            "capacity_tbps", LINK_TBPS, "capacity_estimated", 1, "lit_tbps", LINK_TBPS, "length_km",
            km > 0 ? km : 0.1, "rfs", 1990, "source",
            "cablesim estimate, as the dataset's backhaul links (topology/README.md): capacity "
            "deliberately large so it rarely binds; length = straight line x 1.3",
            "note", "landing station backhaul (scenario network section)");
        if (l == NULL || json_array_append_new(n->features, l)) return oom(n);
    }
    return CS_OK;
}

/* The position of node id for a route; NULL id (after the message) when there is none. */
static cs_status route_end(net *n, const cs_ynode *seg, const char *key, const char **id,
                           cs_lonlat *p)
{
    *id = get_name(n, seg, key, true);
    if (*id == NULL) return CS_EINVAL;
    const json_t *f = find_id(n, *id);
    if (f == NULL || is_edge(f) || strcmp(kind_of(f), "city") == 0) {
        char exp[512];
        expected_name(n, "station", *id, exp, sizeof exp);
        return err_at(n, cs_ymap_get(seg, key),
                      f != NULL && strcmp(kind_of(f), "city") == 0
                          ? "a landing station or branching unit (cables land at stations)"
                          : exp);
    }
    *p = node_pos(f);
    return CS_OK;
}

/* One segment {from, to, via | coordinates, depth_m, shallow_share, length_km} of system sys. */
static cs_status add_segment(net *n, const cs_ynode *seg, json_t *proto, const char *cable,
                             size_t k)
{
    static const char *const keys[] = {
        "from", "to", "via", "coordinates", "depth_m", "shallow_share", "length_km", NULL};
    cs_status rc = cs_ymap_check_keys(n->d, seg, keys, "network.add segment", n->err);
    if (rc) return rc;
    const char *a, *b;
    cs_lonlat pa, pb;
    if ((rc = route_end(n, seg, "from", &a, &pa)) || (rc = route_end(n, seg, "to", &b, &pb)))
        return rc;
    const cs_ynode *via = cs_ymap_get(seg, "via"), *given = cs_ymap_get(seg, "coordinates");
    if (via != NULL && given != NULL)
        return err_at(n, given, "either via (waypoints of great circles) or coordinates, not both");
    json_t *geom = NULL;
    if (given != NULL) {
        if ((rc = given_geometry(n, given, &geom))) return rc;
        /* The loader's rule (CS_TOPOLOGY_ENDPOINT_TOL_KM), said here at the scenario's place. */
        const json_t *c = json_object_get(geom, "coordinates");
        const cs_lonlat first = {json_number_value(json_array_get(json_array_get(c, 0), 0)),
                                 json_number_value(json_array_get(json_array_get(c, 0), 1))};
        const json_t *lp = json_array_get(c, json_array_size(c) - 1);
        const cs_lonlat last = {json_number_value(json_array_get(lp, 0)),
                                json_number_value(json_array_get(lp, 1))};
        const double da = cs_geo_distance_km(first, pa), db = cs_geo_distance_km(last, pb);
        if (da > CS_TOPOLOGY_ENDPOINT_TOL_KM || db > CS_TOPOLOGY_ENDPOINT_TOL_KM) {
            char exp[600];
            snprintf(exp, sizeof exp,
                     "a route from %s to %s starting and ending within %.0f km of them (found "
                     "%.1f km and %.1f km away)",
                     a, b, CS_TOPOLOGY_ENDPOINT_TOL_KM, da, db);
            json_decref(geom);
            return err_at(n, given, exp);
        }
    } else {
        const size_t nv = via != NULL && via->kind == CS_YSEQ ? via->n : 0;
        if (via != NULL && via->kind != CS_YSEQ) return err_at(n, via, "a list of [lon, lat]");
        cs_lonlat *pts = malloc((nv + 2) * sizeof *pts);
        if (pts == NULL) return oom(n);
        pts[0] = pa;
        for (size_t i = 0; i < nv && rc == CS_OK; i++)
            rc = get_lonlat(n, via->items[i], &pts[i + 1]);
        pts[nv + 1] = pb;
        for (size_t i = 0; i + 1 < nv + 2 && rc == CS_OK; i++)
            if (cs_geo_distance_km(pts[i], pts[i + 1]) > 0.999 * M_PI * CS_EARTH_RADIUS_KM)
                rc = err_at(n, via != NULL ? via : seg,
                            "waypoints that are not antipodal (the great circle between "
                            "antipodes is not defined)");
        if (rc == CS_OK && (geom = route_geometry(pts, nv + 2)) == NULL) rc = oom(n);
        free(pts);
        if (rc) return rc;
    }
    char id[600];
    char low[256];
    snprintf(low, sizeof low, "%s", cable);
    for (char *c = low; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    snprintf(id, sizeof id, "%s:%zu", low, k);
    if (find_id(n, id) != NULL) {
        json_decref(geom);
        return err_at(n, seg, "a segment whose id (cable:k) the topology does not have yet");
    }
    json_t *p = json_deep_copy(proto);
    if (p == NULL || json_object_set_new(p, "id", json_string(id)) ||
        json_object_set_new(p, "from", json_string(a)) ||
        json_object_set_new(p, "to", json_string(b))) {
        json_decref(p);
        json_decref(geom);
        return oom(n);
    }
    static const char *const opt[3] = {"depth_m", "shallow_share", "length_km"};
    static const double lo[3] = {1e-9, 0.0, 1e-9}, hi[3] = {12000.0, 1.0, 50000.0};
    for (size_t i = 0; i < 3 && rc == CS_OK; i++) {
        double x = NAN;
        rc = cs_yget_double(n->d, seg, opt[i], false, lo[i], hi[i], NAN, &x, n->err);
        if (rc == CS_OK && !isnan(x) && json_object_set_new(p, opt[i], json_real(x))) rc = oom(n);
    }
    json_t *f =
        rc ? NULL
           : json_pack("{s:s, s:o, s:o}", "type", "Feature", "geometry", geom, "properties", p);
    if (rc) {
        json_decref(p);
        json_decref(geom);
        return rc;
    }
    if (f == NULL || json_array_append_new(n->features, f)) return oom(n);
    return CS_OK;
}

/* `add: [{cable, name, capacity_tbps, lit_tbps, rfs, source, stations, segments}, ...]` */
static cs_status do_add(net *n, const cs_ynode *list)
{
    static const char *const keys[] = {"cable",  "name",     "capacity_tbps", "lit_tbps", "rfs",
                                       "source", "stations", "segments",      NULL};
    if (list->kind != CS_YSEQ) return err_at(n, list, "a list of systems to add");
    for (size_t i = 0; i < list->n; i++) {
        const cs_ynode *m = list->items[i];
        cs_status rc = cs_ymap_check_keys(n->d, m, keys, "network.add item", n->err);
        if (rc) return rc;
        const char *cable = get_name(n, m, "cable", true);
        if (cable == NULL) return CS_EINVAL;
        if (find_cable(n, cable) != NULL)
            return err_at(n, cs_ymap_get(m, "cable"),
                          "a new cable system name (this one exists: upgrade or remove it)");
        double cap = NAN, lit = NAN;
        long long rfs = 0;
        const char *name = NULL, *source = NULL;
        if ((rc = cs_yget_double(n->d, m, "capacity_tbps", true, 1e-9, 1e6, NAN, &cap, n->err)) ||
            (rc = cs_yget_double(n->d, m, "lit_tbps", false, 0.0, cap, cap, &lit, n->err)) ||
            (rc = cs_yget_int(n->d, m, "rfs", false, 1850, n->as_of, n->as_of, &rfs, n->err)) ||
            (rc = cs_yget_string(n->d, m, "name", false, cable, &name, n->err)) ||
            (rc = cs_yget_string(n->d, m, "source", false, NULL, &source, n->err)))
            return rc;
        char src[1024];
        snprintf(src, sizeof src, "%s", source);
        if (source == NULL) {
            const cs_ynode *at = cs_ymap_get(m, "cable");
            snprintf(src, sizeof src, "design alternative: %s:%zu (scenario network section)",
                     cs_ydoc_name(n->d), at->line);
        }
        const cs_ynode *stations = NULL, *segs = NULL;
        if ((rc = cs_yget_seq(n->d, m, "stations", false, &stations, n->err)) ||
            (rc = cs_yget_seq(n->d, m, "segments", true, &segs, n->err)))
            return rc;
        if (segs->n == 0) return err_at(n, segs, "at least one segment {from, to}");
        for (size_t s = 0; stations != NULL && s < stations->n; s++)
            if ((rc = add_station(n, stations->items[s], src))) return rc;
        json_t *proto =
            json_pack("{s:s, s:s, s:s, s:f, s:b, s:f, s:b, s:n, s:n, s:i, s:n, s:[], s:s, s:s}",
                      "kind", "segment", "cable", cable, "cable_name", name, "capacity_tbps", cap,
                      "capacity_estimated", 0, "lit_tbps", lit, "lit_estimated", 0, "depth_m",
                      "shallow_share", "rfs", (int)rfs, "retired", "owners", "source", src, "note",
                      "design alternative (scenario network section)");
        if (proto == NULL) return oom(n);
        for (size_t s = 0; s < segs->n && rc == CS_OK; s++)
            rc = add_segment(n, segs->items[s], proto, cable, s + 1);
        json_decref(proto);
        if (rc) return rc;
    }
    return CS_OK;
}

cs_status cs_network_apply(json_t *root, const char *topo, int as_of, const cs_ydoc_t *d,
                           const cs_ynode *section, cs_error *err)
{
    static const char *const keys[] = {"remove", "upgrade", "stations", "add", "reland", NULL};
    net n = {json_object_get(root, "features"), topo, d, as_of > 0 ? as_of : 2100, err};
    if (!json_is_array(n.features)) return CS_OK; /* the loader says what is wrong */
    cs_status rc = cs_ymap_check_keys(d, section, keys, "network", err);
    /* In this order: what is removed cannot be upgraded, what is added may reuse a name, and
     * segments may reland at stations just added. */
    const cs_ynode *v;
    if (rc == CS_OK && (v = cs_ymap_get(section, "remove")) != NULL) rc = do_remove(&n, v);
    if (rc == CS_OK && (v = cs_ymap_get(section, "upgrade")) != NULL) rc = do_upgrade(&n, v);
    if (rc == CS_OK && (v = cs_ymap_get(section, "stations")) != NULL) {
        if (v->kind != CS_YSEQ)
            rc = err_at(&n, v, "a list of {id, name, country, lonlat, link_to}");
        char src[600];
        snprintf(src, sizeof src, "design alternative: %s:%zu (scenario network section)",
                 cs_ydoc_name(d), v->line);
        for (size_t i = 0; rc == CS_OK && i < v->n; i++)
            rc = add_station(&n, v->items[i], src);
    }
    if (rc == CS_OK && (v = cs_ymap_get(section, "add")) != NULL) rc = do_add(&n, v);
    if (rc == CS_OK && (v = cs_ymap_get(section, "reland")) != NULL) rc = do_reland(&n, v);
    return rc;
}
