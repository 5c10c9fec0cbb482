/*
 * recovery_parse.c: the scenario's `recovery:` section (docs/scenarios.md): the repair
 * parameters, fleet files and inline ships, zones, permits, weather and stand-down regions and
 * contested areas, each key checked. The model itself is recovery.c's.
 */
#include "cablesim/recovery.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cablesim/paths.h"
#include "hazards/hazard_impl.h"
#include "engine/recovery_impl.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

static const char *const recovery_keys[] = {"fleet",
                                            "ships",
                                            "horizon_days",
                                            "step_hours",
                                            "policy",
                                            "mobilisation_days",
                                            "detour_factor",
                                            "permit_days",
                                            "work_base_days",
                                            "work_days_per_1000m",
                                            "weather_downtime",
                                            "default_depth_m",
                                            "domestic_nmi",
                                            "contested",
                                            "station_restore_days",
                                            "link_restore_days",
                                            "start_month",
                                            "start_day",
                                            "stand_down_days",
                                            "stand_down_areas",
                                            "weather_regions",
                                            "zones",
                                            "spare_cable",
                                            "serial_cuts",
                                            NULL};
static const char *const ship_keys[] = {"name",         "home", "home_lonlat", "speed_kn",
                                        "availability", "zone", "source",      "serves",
                                        "ready_days",   NULL};
static const char *const fleet_keys[] = {"name", "description", "source", "ships", "zones", NULL};
static const char *const weather_keys[] = {"area", "downtime", "source", NULL};
static const char *const hold_keys[] = {"area", "days", "source", NULL};
static const char *const spare_keys[] = {"stock_km",      "base_km",     "km_per_1000m",
                                         "resupply_days", "resupply_km", NULL};
static const char *const permit_keys[] = {"domestic", "foreign", "contested", NULL};
static const char *const policies[] = {"fifo", "capacity", "restored_per_day", NULL};

/* Keeps the first failure while checking goes on. */
static void keep(cs_status *rc, cs_status r)
{
    if (*rc == CS_OK) *rc = r;
}

/*
 * map[key]: a list of cable systems (a single name is a one-item list) into a new array *out
 * (malloc'd, borrowed strings: the topology's names, or the document's when t is NULL) of *n.
 * With a topology, unknown names are errors with the nearest names.
 */
static cs_status parse_systems(const cs_ydoc_t *doc, const cs_ynode *map, const char *key,
                               const cs_topology_t *t, const char ***out, size_t *n, cs_error *err)
{
    *out = NULL;
    *n = 0;
    const cs_ynode *v = cs_ymap_get(map, key);
    if (cs_ynode_is_null(v)) return CS_OK;
    const size_t m = v->kind == CS_YSEQ ? v->n : 1;
    const char **names = malloc((m + 1) * sizeof *names);
    if (names == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for %s", key);
    if (t != NULL) {
        const cs_hz_ctx c = {doc, map, t, cs_topology_path(t)};
        size_t *idx = NULL, k = 0;
        const cs_status rc = cs_hz_names(&c, v, key, 'c', &idx, &k, err);
        if (rc != CS_OK) {
            free(names);
            return rc;
        }
        for (size_t i = 0; i < k; i++)
            names[i] = cs_topology_cable(t, idx[i]);
        free(idx);
        *n = k;
    } else {
        for (size_t i = 0; i < m; i++) {
            const cs_ynode *x = v->kind == CS_YSEQ ? v->items[i] : v;
            if (x->kind != CS_YSCALAR || x->value == NULL || x->value[0] == '\0') {
                free(names);
                return cs_yerr(doc, x, key, "a cable system name", err);
            }
            names[i] = x->value;
        }
        *n = m;
    }
    *out = names;
    return CS_OK;
}

/*
 * Where the last ship added names its zone, when it has no `serves` (its zone then decides what
 * it repairs): check_zones() needs the place once every `zones` map is read.
 */
static cs_status keep_zone_where(cs_recovery_t *r, const cs_ydoc_t *doc, const cs_ynode *m,
                                 cs_error *err)
{
    assert(r->n_ships > 0);
    const char **w = realloc(r->ship_zone_where, r->n_ships * sizeof *w);
    if (w == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for the fleet");
    r->ship_zone_where = w;
    r->n_zone_where = r->n_ships;
    const cs_ship *s = &r->ships[r->n_ships - 1];
    w[r->n_ships - 1] = NULL;
    const cs_ynode *z = cs_ymap_get(m, "zone");
    if (s->n_serves > 0 || s->zone[0] == '\0' || z == NULL) return CS_OK;
    cs_error where = CS_ERROR_INIT; /* the message, should the zone be misspelt */
    (void)cs_yerr(doc, z, "zone",
                  "a zone of the `zones` map (or a label far from them, or `serves`)", &where);
    if ((w[r->n_ships - 1] = cs_rc_keep_string(r, where.msg)) == NULL)
        return cs_errorf(err, CS_ENOMEM, "out of memory for the fleet");
    return CS_OK;
}

/* One ship map of a `ships` list in doc. */
static cs_status parse_ship(cs_recovery_t *r, const cs_ydoc_t *doc, const cs_ynode *m,
                            const cs_topology_t *t, cs_error *err)
{
    cs_status rc = cs_ymap_check_keys(doc, m, ship_keys, "ship", err);
    if (rc != CS_OK) return rc;
    cs_ship s = {0};
    keep(&rc, cs_yget_string(doc, m, "name", true, NULL, &s.name, err));
    keep(&rc, cs_yget_string(doc, m, "home", true, NULL, &s.home, err));
    keep(&rc, cs_yget_double(doc, m, "speed_kn", true, 1.0, 40.0, 0.0, &s.speed_kn, err));
    keep(&rc, cs_yget_double(doc, m, "availability", false, 0.0, 1.0, 1.0, &s.availability, err));
    keep(&rc, cs_yget_double(doc, m, "ready_days", false, 0.0, 3650.0, 0.0, &s.ready_days, err));
    keep(&rc, cs_yget_string(doc, m, "zone", false, "", &s.zone, err));
    keep(&rc, cs_yget_string(doc, m, "source", false, "", &s.source, err));
    const cs_ynode *at = cs_ymap_get(m, "home_lonlat");
    if (at == NULL) {
        keep(&rc, cs_yerr_missing(doc, m, "home_lonlat", "a [lon, lat] pair", err));
    } else {
        const cs_hz_ctx c = {doc, m, t, "the topology"};
        keep(&rc, cs_hz_point(&c, at, "home_lonlat", &s.home_pos, err));
    }
    const char **serves = NULL;
    if (rc == CS_OK) rc = parse_systems(doc, m, "serves", t, &serves, &s.n_serves, err);
    s.serves = serves;
    if (rc == CS_OK) rc = cs_rc_add_ship(r, &s, err);
    free(serves);
    if (rc == CS_OK) rc = keep_zone_where(r, doc, m, err);
    return rc;
}

static cs_status parse_ships(cs_recovery_t *r, const cs_ydoc_t *doc, const cs_ynode *map,
                             const cs_topology_t *t, cs_error *err)
{
    const cs_ynode *seq = NULL;
    cs_status rc = cs_yget_seq(doc, map, "ships", false, &seq, err);
    if (rc != CS_OK || seq == NULL) return rc;
    for (size_t i = 0; i < seq->n; i++) {
        const cs_status r1 = parse_ship(r, doc, seq->items[i], t, err);
        keep(&rc, r1);
        if (r1 == CS_ENOMEM) return r1;
    }
    return rc;
}

/* `zones`: a map from zone name to the cable systems the zone's ships may repair. */
static cs_status parse_zones(cs_recovery_t *r, const cs_ydoc_t *doc, const cs_ynode *map,
                             const cs_topology_t *t, cs_error *err)
{
    const cs_ynode *z = cs_ymap_get(map, "zones");
    if (cs_ynode_is_null(z)) return CS_OK;
    if (z->kind != CS_YMAP)
        return cs_yerr(doc, z, "zones", "a map from zone name to a list of cable systems", err);
    const size_t n = r->n_zones + z->n;
    const char **names = realloc(r->zone_names, (n + 1) * sizeof *names);
    if (names != NULL) r->zone_names = names;
    const char *const **sys = realloc(r->zone_systems, (n + 1) * sizeof *sys);
    if (sys != NULL) r->zone_systems = sys;
    size_t *zn = realloc(r->zone_n, (n + 1) * sizeof *zn);
    if (zn != NULL) r->zone_n = zn;
    if (names == NULL || sys == NULL || zn == NULL)
        return cs_errorf(err, CS_ENOMEM, "out of memory for zones");
    for (size_t i = 0; i < z->n; i++) {
        const char **list = NULL;
        size_t k = 0;
        cs_status rc = parse_systems(doc, z, z->keys[i]->value, t, &list, &k, err);
        if (rc != CS_OK) return rc;
        const size_t j = r->n_zones;
        r->zone_names[j] = cs_rc_keep_string(r, z->keys[i]->value);
        r->zone_systems[j] = cs_rc_keep_names(r, list, k);
        r->zone_n[j] = k;
        free(list);
        if (r->zone_names[j] == NULL || r->zone_systems[j] == NULL)
            return cs_errorf(err, CS_ENOMEM, "out of memory for zones");
        r->n_zones++;
    }
    return CS_OK;
}

/*
 * A ship without `serves` whose zone is not a key of the `zones` maps but near one (a likely
 * misspelling, by cs_nearest_name) is an error naming that key: the misspelt zone would
 * otherwise make it a ship that repairs any system no ship reserves. A zone far from every key
 * is a label, as documented (docs/model.md, "Who may repair what").
 */
static cs_status check_zones(const cs_recovery_t *r, cs_error *err)
{
    if (r->n_zones == 0) return CS_OK;
    for (size_t k = 0; k < r->n_zone_where; k++) {
        const cs_ship *s = &r->ships[k];
        if (r->ship_zone_where[k] == NULL) continue;
        bool known = false;
        for (size_t j = 0; j < r->n_zones && !known; j++)
            known = strcmp(s->zone, r->zone_names[j]) == 0;
        if (known) continue;
        const size_t near = cs_nearest_name(s->zone, r->zone_names, r->n_zones);
        if (near == SIZE_MAX) continue;
        return cs_errorf(err, CS_EINVAL, "%s (nearest: \"%s\")", r->ship_zone_where[k],
                         r->zone_names[near]);
    }
    return CS_OK;
}

/* Ships that name no systems of their own serve their zone's systems, when `zones` lists it. */
static void resolve_zones(cs_recovery_t *r)
{
    for (size_t k = 0; k < r->n_ships; k++) {
        cs_ship *s = &r->ships[k];
        for (size_t j = 0; s->n_serves == 0 && j < r->n_zones; j++)
            if (strcmp(s->zone, r->zone_names[j]) == 0) {
                s->serves = r->zone_systems[j];
                s->n_serves = r->zone_n[j];
            }
    }
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/*
 * A fleet path: absolute, else relative to dir, else a bundled data file, as given or under
 * scenarios/ (where the shipped fleets live), so that "fleets/yokohama-2025.yaml" also resolves
 * when the scenario is read back from a results file (resume, merge) away from scenarios/.
 */
bool cs_recovery_fleet_resolve(const char *rel, const char *dir, char *buf, size_t n)
{
    bool found;
    if (rel[0] == '/' || dir == NULL || dir[0] == '\0')
        found = snprintf(buf, n, "%s", rel) < (int)n && is_file(buf);
    else
        found = snprintf(buf, n, "%s/%s", dir, rel) < (int)n && is_file(buf);
    char under[PATH_MAX];
    if (!found && rel[0] != '/') {
        cs_error quiet = CS_ERROR_INIT;
        found = cs_data_path(buf, n, rel, &quiet) == CS_OK && is_file(buf);
        if (!found && snprintf(under, sizeof under, "scenarios/%s", rel) < (int)sizeof under)
            found = cs_data_path(buf, n, under, &quiet) == CS_OK && is_file(buf);
    }
    return found;
}

static cs_status load_fleet(cs_recovery_t *r, const cs_ydoc_t *doc, const cs_ynode *at,
                            const char *dir, const cs_topology_t *t, cs_error *err)
{
    char buf[PATH_MAX];
    if (at->kind != CS_YSCALAR || at->value == NULL || at->value[0] == '\0' ||
        !cs_recovery_fleet_resolve(at->value, dir, buf, sizeof buf))
        return cs_yerr(doc, at, "recovery.fleet", "an existing fleet file", err);
    const char *kept = cs_rc_keep_string(r, buf);
    const char **fleets = kept ? realloc(r->fleets, (r->n_fleets + 1) * sizeof *fleets) : NULL;
    if (fleets == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for the fleets");
    r->fleets = fleets;
    r->fleets[r->n_fleets++] = kept;
    cs_ydoc_t *fd = NULL;
    cs_status rc = cs_ydoc_load(&fd, buf, err);
    if (rc != CS_OK) return rc;
    const cs_ynode *root = cs_ydoc_root(fd);
    rc = cs_ymap_check_keys(fd, root, fleet_keys, "fleet", err);
    const cs_ynode *seq = NULL;
    if (rc == CS_OK) rc = cs_yget_seq(fd, root, "ships", true, &seq, err);
    if (rc == CS_OK) rc = parse_ships(r, fd, root, t, err);
    if (rc == CS_OK) rc = parse_zones(r, fd, root, t, err);
    if (rc == CS_OK) rc = cs_ydoc_defaults_check(fd, err); /* every allocation failure reported */
    cs_ydoc_free(fd);
    return rc;
}

/* `fleet`: one file name or a list of them. */
static cs_status parse_fleets(cs_recovery_t *r, const cs_ydoc_t *doc, const cs_ynode *spec,
                              const char *dir, const cs_topology_t *t, cs_error *err)
{
    const cs_ynode *v = cs_ymap_get(spec, "fleet");
    if (cs_ynode_is_null(v)) return CS_OK;
    if (v->kind != CS_YSEQ) return load_fleet(r, doc, v, dir, t, err);
    cs_status rc = CS_OK;
    for (size_t i = 0; i < v->n && rc == CS_OK; i++)
        rc = load_fleet(r, doc, v->items[i], dir, t, err);
    return rc;
}

static cs_status parse_permits(const cs_ydoc_t *doc, const cs_ynode *spec, cs_recovery_params *p,
                               cs_error *err)
{
    const cs_ynode *m = cs_ymap_get_or_default(doc, spec, "permit_days");
    if (m == NULL) return CS_OK; /* out of memory recording the defaults: still the defaults */
    cs_status rc = cs_ymap_check_keys(doc, m, permit_keys, "recovery.permit_days", err);
    if (rc != CS_OK) return rc;
    for (int w = 0; w < CS_WATERS_COUNT; w++)
        keep(&rc, cs_yget_double(doc, m, permit_keys[w], false, 0.0, 3650.0, p->permit_days[w],
                                 &p->permit_days[w], err));
    return rc;
}

/* "[a, b, ...]": n numbers in their shortest exact form, into buf (the YAML of a default). */
static void yaml_numbers(char *buf, size_t size, const double *x, size_t n)
{
    size_t o = (size_t)snprintf(buf, size, "[");
    for (size_t i = 0; i < n && o < size; i++) {
        char num[32];
        for (int p = 6; p <= 17; p++) {
            snprintf(num, sizeof num, "%.*g", p, x[i]);
            if (strtod(num, NULL) == x[i]) break;
        }
        o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", num);
    }
    if (o < size) snprintf(buf + o, size - o, "]");
}

/* A share of time lost to weather: one number for every month, or a list of 12 (January first). */
static cs_status parse_months(const cs_ydoc_t *d, const cs_ynode *v, const char *key,
                              double out[CS_MONTHS], cs_error *err)
{
    const char *expected = "a share in [0, 0.95] or a list of 12 of them (January first)";
    const size_t n = v->kind == CS_YSEQ ? v->n : 1;
    if (v->kind == CS_YMAP || (v->kind == CS_YSEQ && n != CS_MONTHS))
        return cs_yerr(d, v, key, expected, err);
    for (size_t m = 0; m < n; m++) {
        const cs_ynode *x = v->kind == CS_YSEQ ? v->items[m] : v;
        char *end = NULL;
        const double y = x->kind == CS_YSCALAR && x->value ? strtod(x->value, &end) : NAN;
        if (end == NULL || end == x->value || *end != '\0' || !(y >= 0.0 && y <= 0.95))
            return cs_yerr(d, x, key, expected, err);
        if (v->kind == CS_YSEQ)
            out[m] = y;
        else
            for (int k = 0; k < CS_MONTHS; k++)
                out[k] = y;
    }
    return CS_OK;
}

static cs_status parse_spare(const cs_ydoc_t *d, const cs_ynode *s, cs_recovery_params *p,
                             cs_error *err)
{
    const cs_ynode *m = cs_ymap_get(s, "spare_cable");
    if (cs_ynode_is_null(m)) return CS_OK;
    cs_status rc = cs_ymap_check_keys(d, m, spare_keys, "recovery.spare_cable", err);
    if (rc != CS_OK) return rc;
    keep(&rc, cs_yget_double(d, m, "stock_km", true, 0, 1e6, 0, &p->spare_stock_km, err));
    keep(&rc,
         cs_yget_double(d, m, "base_km", false, 0, 1000, p->spare_base_km, &p->spare_base_km, err));
    keep(&rc, cs_yget_double(d, m, "km_per_1000m", false, 0, 1000, p->spare_km_per_1000m,
                             &p->spare_km_per_1000m, err));
    keep(&rc, cs_yget_double(d, m, "resupply_days", false, 0, 3650, p->resupply_days,
                             &p->resupply_days, err));
    keep(&rc,
         cs_yget_double(d, m, "resupply_km", false, 0, 1e6, p->resupply_km, &p->resupply_km, err));
    return rc;
}

static cs_status parse_params(const cs_ydoc_t *d, const cs_ynode *s, cs_recovery_params *p,
                              cs_error *err)
{
    cs_status rc = CS_OK;
    int policy = (int)p->policy;
    keep(&rc, cs_yget_double(d, s, "horizon_days", false, 0.01, 3650, p->horizon_days,
                             &p->horizon_days, err));
    keep(&rc, cs_yget_double(d, s, "step_hours", false, 0.01, 87600, p->step_hours, &p->step_hours,
                             err));
    keep(&rc, cs_yget_enum(d, s, "policy", false, policies, policy, &policy, err));
    keep(&rc, cs_yget_double(d, s, "mobilisation_days", false, 0, 365, p->mobilisation_days,
                             &p->mobilisation_days, err));
    keep(&rc, cs_yget_double(d, s, "detour_factor", false, 1, 10, p->detour_factor,
                             &p->detour_factor, err));
    keep(&rc, cs_yget_double(d, s, "work_base_days", false, 0, 365, p->work_base_days,
                             &p->work_base_days, err));
    keep(&rc, cs_yget_double(d, s, "work_days_per_1000m", false, 0, 365, p->work_days_per_1000m,
                             &p->work_days_per_1000m, err));
    const cs_ynode *wd = cs_ymap_get(s, "weather_downtime");
    if (!cs_ynode_is_null(wd)) {
        keep(&rc, parse_months(d, wd, "recovery.weather_downtime", p->weather_downtime, err));
    } else {
        char text[512];
        yaml_numbers(text, sizeof text, p->weather_downtime, CS_MONTHS);
        cs_ydoc_note_default(d, s, "weather_downtime", text);
    }
    long long month = p->start_month, day = p->start_day;
    keep(&rc, cs_yget_int(d, s, "start_month", false, 0, 12, month, &month, err));
    keep(&rc, cs_yget_int(d, s, "start_day", false, 1, 31, day, &day, err));
    /* The model's year has 365 days: February has 28 (docs/model.md, "Repairs over time"). */
    static const int month_days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (rc == CS_OK && month >= 1 && day > month_days[month - 1]) {
        char what[96];
        snprintf(what, sizeof what, "a day of month %lld (1 to %d)", month, month_days[month - 1]);
        keep(&rc, cs_yerr(d, cs_ymap_get(s, "start_day"), "start_day", what, err));
    }
    p->start_month = (int)month;
    p->start_day = (int)day;
    keep(&rc, cs_yget_double(d, s, "stand_down_days", false, 0, 3650, p->stand_down_days,
                             &p->stand_down_days, err));
    keep(&rc, parse_spare(d, s, p, err));
    keep(&rc, cs_yget_double(d, s, "default_depth_m", false, 0, 11000, p->default_depth_m,
                             &p->default_depth_m, err));
    keep(&rc, cs_yget_double(d, s, "domestic_nmi", false, 0, 1000, p->domestic_nmi,
                             &p->domestic_nmi, err));
    keep(&rc, cs_yget_double(d, s, "station_restore_days", false, 0, 3650, p->station_restore_days,
                             &p->station_restore_days, err));
    keep(&rc, cs_yget_double(d, s, "link_restore_days", false, 0, 3650, p->link_restore_days,
                             &p->link_restore_days, err));
    keep(&rc, parse_permits(d, s, p, err));
    keep(&rc, cs_yget_bool(d, s, "serial_cuts", false, p->serial_cuts, &p->serial_cuts, err));
    p->policy = (cs_queue_policy)policy;
    if (rc == CS_OK && p->step_hours > p->horizon_days * 24.0)
        rc = cs_yerr(d, cs_ymap_get(s, "step_hours"), "recovery.step_hours",
                     "at most horizon_days x 24", err);
    return rc;
}

/* `contested`: a list of areas (region names or polygons). */
static cs_status parse_contested(cs_recovery_t *r, const cs_ydoc_t *doc, const cs_ynode *spec,
                                 const cs_topology_t *t, cs_error *err)
{
    const cs_ynode *seq = NULL;
    cs_status rc = cs_yget_seq(doc, spec, "contested", false, &seq, err);
    if (rc != CS_OK || seq == NULL) return rc;
    r->areas = calloc(seq->n + 1, sizeof *r->areas);
    if (r->areas == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for contested areas");
    const cs_hz_ctx c = {doc, spec, t, "the topology"};
    for (size_t i = 0; i < seq->n && rc == CS_OK; i++) {
        rc = cs_hz_area_parse(&c, seq->items[i], "recovery.contested", &r->areas[i], err);
        if (rc == CS_OK) r->n_areas++;
    }
    return rc;
}

/*
 * The weather tables of the NE-monsoon seas, used when a scenario gives no `weather_regions`
 * (docs/model.md, "Weather by month": shape from the sources there, level calibrated on the
 * Hengchun 2006 repairs).
 */
static const char *const monsoon_regions[] = {"Luzon Strait", "Taiwan Strait", "East China Sea"};
static const double monsoon_downtime[CS_MONTHS] = {0.5,  0.45, 0.35, 0.2,  0.15, 0.15,
                                                   0.25, 0.3,  0.3,  0.35, 0.45, 0.5};

static cs_status default_weather(cs_recovery_t *r, const cs_ydoc_t *doc, const cs_ynode *spec,
                                 cs_error *err)
{
    const size_t n = sizeof monsoon_regions / sizeof *monsoon_regions;
    /* The table as the scenario would give it, for the resolved scenario. */
    char text[2048], months[512];
    size_t o = (size_t)snprintf(text, sizeof text, "[");
    yaml_numbers(months, sizeof months, monsoon_downtime, CS_MONTHS);
    for (size_t i = 0; i < n && o < sizeof text; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "%s{area: \"%s\", downtime: %s}",
                              i ? ", " : "", monsoon_regions[i], months);
    if (o < sizeof text) {
        snprintf(text + o, sizeof text - o, "]");
        cs_ydoc_note_default(doc, spec, "weather_regions", text);
    }
    r->weather_areas = calloc(n, sizeof *r->weather_areas);
    r->weather = calloc(n, sizeof *r->weather);
    if (r->weather_areas == NULL || r->weather == NULL)
        return cs_errorf(err, CS_ENOMEM, "out of memory for weather regions");
    for (size_t i = 0; i < n; i++) {
        const cs_status rc = cs_hz_area_region(&r->weather_areas[i], monsoon_regions[i], err);
        if (rc != CS_OK) return rc;
        r->n_weather++;
        memcpy(r->weather[i], monsoon_downtime, sizeof monsoon_downtime);
    }
    return CS_OK;
}

/* `weather_regions` (area, downtime) and `stand_down_areas` (area, days): lists of maps. */
static cs_status parse_area_list(cs_recovery_t *r, const cs_ydoc_t *doc, const cs_ynode *spec,
                                 const cs_topology_t *t, bool weather, cs_error *err)
{
    const char *key = weather ? "weather_regions" : "stand_down_areas";
    if (weather && cs_ymap_get(spec, key) == NULL) return default_weather(r, doc, spec, err);
    const cs_ynode *seq = NULL;
    cs_status rc = cs_yget_seq(doc, spec, key, false, &seq, err);
    if (rc != CS_OK || seq == NULL) return rc;
    cs_hz_area *areas = calloc(seq->n + 1, sizeof *areas);
    if (weather) {
        r->weather_areas = areas;
        r->weather = calloc(seq->n + 1, sizeof *r->weather);
    } else {
        r->hold_areas = areas;
        r->hold_days = calloc(seq->n + 1, sizeof *r->hold_days);
    }
    if (areas == NULL || (weather ? (void *)r->weather : (void *)r->hold_days) == NULL)
        return cs_errorf(err, CS_ENOMEM, "out of memory for %s", key);
    char what[64];
    for (size_t i = 0; i < seq->n && rc == CS_OK; i++) {
        const cs_ynode *m = seq->items[i];
        snprintf(what, sizeof what, "recovery.%s.%zu", key, i);
        rc = cs_ymap_check_keys(doc, m, weather ? weather_keys : hold_keys, what, err);
        const cs_ynode *a = cs_ymap_get(m, "area");
        if (rc == CS_OK && a == NULL) rc = cs_yerr_missing(doc, m, "area", "an area", err);
        const cs_hz_ctx c = {doc, m, t, "the topology"};
        if (rc == CS_OK) rc = cs_hz_area_parse(&c, a, "area", &areas[i], err);
        if (rc != CS_OK) break;
        if (weather) {
            r->n_weather++;
            const cs_ynode *v = cs_ymap_get(m, "downtime");
            rc = v == NULL ? cs_yerr_missing(doc, m, "downtime", "monthly shares", err)
                           : parse_months(doc, v, "downtime", r->weather[i], err);
        } else {
            r->n_hold++;
            rc = cs_yget_double(doc, m, "days", true, 0, 3650, 0, &r->hold_days[i], err);
        }
    }
    return rc;
}

cs_status cs_recovery_parse(cs_recovery_t **out, const cs_ydoc_t *doc, const cs_ynode *spec,
                            const char *dir, const cs_topology_t *t, cs_error *err)
{
    *out = NULL;
    cs_status rc = cs_ymap_check_keys(doc, spec, recovery_keys, "recovery", err);
    if (rc != CS_OK) return rc;
    cs_recovery_t *r = calloc(1, sizeof *r);
    if (r == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for the recovery model");
    const cs_recovery_params dflt = CS_RECOVERY_PARAMS_INIT;
    r->p = dflt;
    rc = parse_params(doc, spec, &r->p, err);
    if (rc == CS_OK) rc = parse_fleets(r, doc, spec, dir, t, err);
    if (rc == CS_OK) rc = parse_ships(r, doc, spec, t, err);
    if (rc == CS_OK && r->n_ships == 0)
        rc =
            cs_yerr_missing(doc, spec, "ships", "at least one ship (from `fleet` or `ships`)", err);
    if (rc == CS_OK) rc = parse_zones(r, doc, spec, t, err);
    if (rc == CS_OK) rc = parse_contested(r, doc, spec, t, err);
    if (rc == CS_OK) rc = parse_area_list(r, doc, spec, t, true, err);
    if (rc == CS_OK) rc = parse_area_list(r, doc, spec, t, false, err);
    if (rc == CS_OK) rc = cs_rc_set_japan(r, t, err);
    if (rc == CS_OK) rc = check_zones(r, err);
    if (rc == CS_OK) resolve_zones(r);
    if (rc == CS_OK) rc = cs_ydoc_defaults_check(doc, err); /* the resolved scenario needs them */
    if (rc != CS_OK) {
        cs_recovery_free(r);
        return rc;
    }
    *out = r;
    return CS_OK;
}
