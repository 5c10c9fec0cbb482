/*
 * recovery.c: the fleet, the waters of a fault, and the repair queue
 * (docs/model.md, "Recovery"); recovery_parse.c reads the scenario's `recovery:` section.
 *
 * Implementation notes. The queue is a discrete-event simulation with one
 * kind of decision: at the earliest time when some ship is free and some
 * fault has happened, the policy picks a waiting fault and the free ship that
 * would finish it first takes it. A ship's jobs follow each other (its next
 * dispatch is never before its last end), so no ship is in two places at
 * once. After a job a ship heads home; called before it gets there, it
 * sails from its last repair site without mobilising again.
 */
#include "cablesim/recovery.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hazards/hazard_impl.h"
#include "engine/recovery_impl.h"

/* ------------------------------------------------------------ building */

const char *cs_rc_keep_string(cs_recovery_t *r, const char *s)
{
    if (r->n_strings == r->cap_strings) {
        const size_t cap = r->cap_strings ? 2 * r->cap_strings : 16;
        char **v = realloc(r->strings, cap * sizeof *v);
        if (v == NULL) return NULL;
        r->strings = v;
        r->cap_strings = cap;
    }
    const size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d == NULL) return NULL;
    memcpy(d, s, n);
    r->strings[r->n_strings++] = d;
    return d;
}

/* A copy of the n names (their strings kept), owned by r. NULL on OOM. */
const char *const *cs_rc_keep_names(cs_recovery_t *r, const char *const *names, size_t n)
{
    if (r->n_arrays == r->cap_arrays) {
        const size_t cap = r->cap_arrays ? 2 * r->cap_arrays : 8;
        void **v = realloc(r->arrays, cap * sizeof *v);
        if (v == NULL) return NULL;
        r->arrays = v;
        r->cap_arrays = cap;
    }
    const char **a = malloc((n + 1) * sizeof *a);
    if (a == NULL) return NULL;
    r->arrays[r->n_arrays++] = (void *)a;
    for (size_t i = 0; i < n; i++)
        if ((a[i] = cs_rc_keep_string(r, names[i])) == NULL) return NULL;
    return a;
}

cs_status cs_rc_add_ship(cs_recovery_t *r, const cs_ship *s, cs_error *err)
{
    cs_ship *v = realloc(r->ships, (r->n_ships + 1) * sizeof *v);
    if (v == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for the fleet");
    r->ships = v;
    cs_ship c = *s;
    if (!(c.name = cs_rc_keep_string(r, s->name)) || !(c.home = cs_rc_keep_string(r, s->home)) ||
        !(c.zone = cs_rc_keep_string(r, s->zone ? s->zone : "")) ||
        !(c.source = cs_rc_keep_string(r, s->source ? s->source : "")) ||
        !(c.serves = cs_rc_keep_names(r, s->serves, s->n_serves)))
        return cs_errorf(err, CS_ENOMEM, "out of memory for the fleet");
    r->ships[r->n_ships++] = c;
    return CS_OK;
}

cs_status cs_rc_set_japan(cs_recovery_t *r, const cs_topology_t *t, cs_error *err)
{
    if (t == NULL) return CS_OK;
    const size_t nn = cs_topology_node_count(t);
    r->japan = malloc((nn + 1) * sizeof *r->japan);
    r->abroad = malloc((nn + 1) * sizeof *r->abroad);
    r->japan_v = malloc((nn + 1) * sizeof *r->japan_v);
    r->abroad_v = malloc((nn + 1) * sizeof *r->abroad_v);
    if (r->japan == NULL || r->abroad == NULL || r->japan_v == NULL || r->abroad_v == NULL)
        return cs_errorf(err, CS_ENOMEM, "out of memory for the recovery model");
    for (size_t i = 0; i < nn; i++) {
        const cs_node *v = cs_topology_node(t, i);
        if (cs_node_is_japan(v)) {
            r->japan_v[r->n_japan] = cs_geo_vec(v->pos);
            r->japan[r->n_japan++] = v->pos;
        } else if (v->kind != CS_NODE_BRANCHING_UNIT && v->country != NULL &&
                   v->country[0] != '\0' && strcmp(v->country, "XX") != 0) {
            r->abroad_v[r->n_abroad] = cs_geo_vec(v->pos);
            r->abroad[r->n_abroad++] = v->pos;
        }
    }
    return CS_OK;
}

static cs_status check_params(const cs_recovery_params *p, cs_error *err)
{
    const char *bad = NULL;
    if (!(p->horizon_days > 0.0) || !(p->horizon_days <= 3650.0)) bad = "horizon_days";
    if (!(p->step_hours > 0.0) || p->step_hours > p->horizon_days * 24.0) bad = "step_hours";
    if (!(p->mobilisation_days >= 0.0)) bad = "mobilisation_days";
    if (!(p->detour_factor >= 1.0)) bad = "detour_factor";
    for (int w = 0; w < CS_WATERS_COUNT; w++)
        if (!(p->permit_days[w] >= 0.0)) bad = "permit_days";
    if (!(p->work_base_days >= 0.0) || !(p->work_days_per_1000m >= 0.0)) bad = "work days";
    for (int m = 0; m < CS_MONTHS; m++)
        if (!(p->weather_downtime[m] >= 0.0) || !(p->weather_downtime[m] <= 0.95))
            bad = "weather_downtime";
    if (p->start_month < 0 || p->start_month > 12) bad = "start_month";
    if (p->start_day < 1 || p->start_day > 31) bad = "start_day";
    if (!(p->stand_down_days >= 0.0)) bad = "stand_down_days";
    if (!(p->spare_stock_km >= 0.0) || !(p->spare_base_km >= 0.0) ||
        !(p->spare_km_per_1000m >= 0.0) || !(p->resupply_days >= 0.0) || !(p->resupply_km >= 0.0) ||
        isinf(p->resupply_km))
        bad = "spare cable";
    if (!(p->default_depth_m >= 0.0)) bad = "default_depth_m";
    if (!(p->domestic_nmi >= 0.0)) bad = "domestic_nmi";
    if (!(p->station_restore_days >= 0.0) || !(p->link_restore_days >= 0.0)) bad = "restore days";
    if (bad) return cs_errorf(err, CS_EINVAL, "recovery: %s out of range", bad);
    return CS_OK;
}

cs_status cs_recovery_alloc(cs_recovery_t **out, const cs_recovery_params *p, const cs_ship *ships,
                            size_t n_ships, const cs_topology_t *t, cs_error *err)
{
    *out = NULL;
    cs_status rc = check_params(p, err);
    if (rc != CS_OK) return rc;
    cs_recovery_t *r = calloc(1, sizeof *r);
    if (r == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for the recovery model");
    r->p = *p;
    for (size_t i = 0; i < n_ships && rc == CS_OK; i++) {
        const cs_ship *s = &ships[i];
        if (!(s->speed_kn > 0.0) || !(s->availability >= 0.0 && s->availability <= 1.0) ||
            !cs_geo_valid(s->home_pos) || !(s->ready_days >= 0.0))
            rc = cs_errorf(err, CS_EINVAL,
                           "recovery: ship %zu (%s): bad speed, availability, "
                           "home position or ready_days",
                           i, s->name);
        else
            rc = cs_rc_add_ship(r, s, err);
    }
    if (rc == CS_OK) rc = cs_rc_set_japan(r, t, err);
    if (rc != CS_OK) {
        cs_recovery_free(r);
        return rc;
    }
    *out = r;
    return CS_OK;
}

void cs_recovery_free(cs_recovery_t *r)
{
    if (r == NULL) return;
    for (size_t i = 0; i < r->n_strings; i++)
        free(r->strings[i]);
    free(r->strings);
    free(r->ships);
    free(r->japan);
    free(r->abroad);
    free(r->japan_v);
    free(r->abroad_v);
    for (size_t i = 0; i < r->n_areas; i++)
        cs_hz_area_destroy(&r->areas[i]);
    free(r->areas);
    for (size_t i = 0; i < r->n_weather; i++)
        cs_hz_area_destroy(&r->weather_areas[i]);
    free(r->weather_areas);
    free(r->weather);
    for (size_t i = 0; i < r->n_hold; i++)
        cs_hz_area_destroy(&r->hold_areas[i]);
    free(r->hold_areas);
    free(r->hold_days);
    free(r->zone_names);
    free(r->zone_systems);
    free(r->zone_n);
    free(r->ship_zone_where);
    for (size_t i = 0; i < r->n_arrays; i++)
        free(r->arrays[i]);
    free(r->arrays);
    free(r->fleets);
    free(r);
}

/* ------------------------------------------------------------ queries */

const cs_recovery_params *cs_recovery_get_params(const cs_recovery_t *r)
{
    return &r->p;
}

size_t cs_recovery_fleet_count(const cs_recovery_t *r)
{
    return r->n_fleets;
}

const char *cs_recovery_fleet_path(const cs_recovery_t *r, size_t i)
{
    return i < r->n_fleets ? r->fleets[i] : NULL;
}

size_t cs_recovery_ship_count(const cs_recovery_t *r)
{
    return r->n_ships;
}

const cs_ship *cs_recovery_ship(const cs_recovery_t *r, size_t i)
{
    return &r->ships[i];
}

size_t cs_recovery_steps(const cs_recovery_t *r)
{
    /* The small allowance keeps 90 days at 6 h from losing its last point to rounding. */
    return (size_t)floor(r->p.horizon_days * 24.0 / r->p.step_hours + 1e-9) + 1;
}

const char *cs_waters_name(cs_waters w)
{
    static const char *const names[] = {"domestic", "foreign", "contested"};
    return (unsigned)w < CS_WATERS_COUNT ? names[w] : "unknown";
}

/* Chords (unit sphere) closer than this to a decisive one are compared by their haversine
 * distances; farther ones are decided by the chord alone. A chord gap of 1e-9 is an angle gap
 * of at least 1e-9 rad (6.4 mm), far above the rounding of either the chords (~1e-15) or the
 * haversine distances (~1e-13 km), so the answers are exactly those of comparing haversine
 * distances to every node. */
#define WATERS_CHORD_TIE 1e-9
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

cs_waters cs_recovery_waters(const cs_recovery_t *r, cs_lonlat p)
{
    for (size_t i = 0; i < r->n_areas; i++)
        if (cs_hz_area_contains(&r->areas[i], p)) return CS_WATERS_CONTESTED;
    /* Japan's zone: within domestic_nmi of a Japanese node and, where another state's zone
     * overlaps it, on Japan's side of the median line (nearer a Japanese node than any other
     * state's landing station or city). Distances are haversine (cs_geo_distance_km); the
     * nodes are screened by their chords to p first, which order them as the distances do, and
     * only near-ties are measured (a cut is classified with 1 to 3 haversines instead of one
     * per node). */
    if (r->n_japan == 0) return CS_WATERS_FOREIGN;
    const cs_vec3 v = cs_geo_vec(p);
    double c2min = INFINITY; /* (a comparison, not fmin: a call to libm here) */
    for (size_t i = 0; i < r->n_japan; i++) {
        const double c2 = cs_geo_chord2(v, r->japan_v[i]);
        if (c2 < c2min) c2min = c2;
    }
    const double cmin = sqrt(c2min); /* the least chord: sqrt is monotonic */
    const double limit_km = r->p.domestic_nmi * 1.852;
    const double limit_chord = 2.0 * sin(fmin(limit_km / CS_EARTH_RADIUS_KM, M_PI) / 2.0);
    if (cmin > limit_chord + WATERS_CHORD_TIE) return CS_WATERS_FOREIGN;
    /* A squared chord above near2 has a chord (sqrt correctly rounded) above near: the nodes
     * that far are passed over without their square roots, with the same answers. */
    const double near = cmin + WATERS_CHORD_TIE, near2 = near * near * (1.0 + 1e-12);
    double jp = INFINITY; /* the least haversine distance: that of a node of chord near cmin */
    for (size_t i = 0; i < r->n_japan; i++) {
        const double c2 = cs_geo_chord2(v, r->japan_v[i]);
        if (c2 <= near2 && sqrt(c2) <= near) jp = fmin(jp, cs_geo_distance_km(p, r->japan[i]));
    }
    if (!(jp <= limit_km)) return CS_WATERS_FOREIGN;
    for (size_t i = 0; i < r->n_abroad; i++) {
        const double c2 = cs_geo_chord2(v, r->abroad_v[i]);
        if (c2 > near2) continue; /* c > near: neither test below holds */
        const double c = sqrt(c2);
        if (c < cmin - WATERS_CHORD_TIE) return CS_WATERS_FOREIGN;
        if (c <= cmin + WATERS_CHORD_TIE && cs_geo_distance_km(p, r->abroad[i]) < jp)
            return CS_WATERS_FOREIGN;
    }
    return CS_WATERS_DOMESTIC;
}

/* The point halfway along the edge's route by arc length, over all its parts. */
static cs_lonlat midpoint(const cs_edge *e)
{
    double total = 0.0;
    for (size_t k = 0; k < e->nparts; k++)
        total +=
            cs_geo_polyline_length_km(e->pts + e->part_off[k], e->part_off[k + 1] - e->part_off[k]);
    double left = total / 2.0;
    for (size_t k = 0; k < e->nparts; k++) {
        const cs_lonlat *pts = e->pts + e->part_off[k];
        const size_t n = e->part_off[k + 1] - e->part_off[k];
        const double len = cs_geo_polyline_length_km(pts, n);
        if (left <= len || k + 1 == e->nparts) return cs_hz_polyline_at(pts, n, left);
        left -= len;
    }
    return e->pts[0];
}

cs_fault cs_recovery_fault(const cs_recovery_t *r, const cs_topology_t *t, size_t e,
                           double fail_days, double flow_tbps, const cs_lonlat *at, double depth_m)
{
    const cs_edge *ed = cs_topology_edge(t, e);
    cs_fault f;
    f.edge = e;
    f.fail_days = fail_days;
    f.pos = at != NULL ? *at : midpoint(ed);
    f.depth_m = !isnan(depth_m)       ? depth_m
                : !isnan(ed->depth_m) ? ed->depth_m
                                      : r->p.default_depth_m;
    f.waters = cs_recovery_waters(r, f.pos);
    f.lit_tbps = ed->lit_tbps;
    f.flow_tbps = flow_tbps;
    f.system = ed->cable;
    f.weather = -1;
    for (size_t i = 0; f.weather < 0 && i < r->n_weather; i++)
        if (cs_hz_area_contains(&r->weather_areas[i], f.pos)) f.weather = (int)i;
    f.hold_days = r->p.stand_down_days;
    for (size_t i = 0; i < r->n_hold; i++)
        if (cs_hz_area_contains(&r->hold_areas[i], f.pos))
            f.hold_days = fmax(f.hold_days, r->hold_days[i]);
    f.spare_km = r->p.spare_base_km + r->p.spare_km_per_1000m * f.depth_m / 1000.0;
    return f;
}

double cs_recovery_work_days(const cs_recovery_params *p, double depth_m)
{
    return p->work_base_days + p->work_days_per_1000m * depth_m / 1000.0;
}

/* Days of a calendar month in the model's year of 12 equal months. */
#define MONTH_DAYS (365.0 / CS_MONTHS)

double cs_recovery_work_end(const cs_recovery_t *r, const cs_fault *f, double year_day,
                            double start_days, double work_days)
{
    const double *share = f->weather >= 0 && (size_t)f->weather < r->n_weather
                              ? r->weather[f->weather]
                              : r->p.weather_downtime;
    bool flat = true;
    for (int m = 1; m < CS_MONTHS; m++)
        flat = flat && share[m] == share[0];
    if (flat) return start_days + work_days / (1.0 - share[0]); /* exact, whatever the start */
    double t = start_days, left = work_days;
    /* Each pass ends a month (shares are at most 0.95, so work advances in every month). */
    for (int pass = 0; left > 0.0 && pass < 100000; pass++) {
        const double doy = fmod(year_day + t, 365.0);
        int m = (int)(doy / MONTH_DAYS);
        if (m >= CS_MONTHS) m = CS_MONTHS - 1;
        const double rate = 1.0 - share[m];
        const double span = fmax((m + 1) * MONTH_DAYS - doy, 1e-9);
        if (rate * span >= left) return t + left / rate;
        left -= rate * span;
        t += span;
    }
    return t;
}

bool cs_recovery_may_repair(const cs_recovery_t *r, size_t k, const char *system)
{
    const cs_ship *s = &r->ships[k];
    if (s->n_serves > 0) {
        for (size_t i = 0; system != NULL && i < s->n_serves; i++)
            if (strcmp(s->serves[i], system) == 0) return true;
        return false;
    }
    /* A ship of no agreement takes any system that no ship's agreement reserves. */
    for (size_t j = 0; system != NULL && j < r->n_ships; j++)
        for (size_t i = 0; i < r->ships[j].n_serves; i++)
            if (strcmp(r->ships[j].serves[i], system) == 0) return false;
    return true;
}

/* ------------------------------------------------------------ the queue */

cs_status cs_recovery_ws_init(cs_recovery_ws *w, const cs_recovery_t *r, size_t max_faults,
                              cs_error *err)
{
    memset(w, 0, sizeof *w);
    const size_t ns = r->n_ships;
    w->max_faults = max_faults;
    w->n_ships = ns;
    w->free_at = malloc((ns + 1) * sizeof *w->free_at);
    w->pos = malloc((ns + 1) * sizeof *w->pos);
    w->home_at = malloc((ns + 1) * sizeof *w->home_at);
    w->avail = malloc(ns + 1);
    w->done = malloc(max_faults + 1);
    w->elig = malloc((max_faults + 1) * (ns + 1));
    w->after = malloc((max_faults + 1) * sizeof *w->after);
    if (!w->free_at || !w->pos || !w->home_at || !w->avail || !w->done || !w->elig || !w->after) {
        cs_recovery_ws_destroy(w);
        return cs_errorf(err, CS_ENOMEM, "out of memory for the repair queue");
    }
    return CS_OK;
}

void cs_recovery_ws_destroy(cs_recovery_ws *w)
{
    free(w->free_at);
    free(w->pos);
    free(w->home_at);
    free(w->avail);
    free(w->done);
    free(w->elig);
    free(w->after);
    memset(w, 0, sizeof *w);
}

cs_status cs_recovery_ws_reserve(cs_recovery_ws *w, size_t n, cs_error *err)
{
    if (n <= w->max_faults) return CS_OK;
    const size_t cap = n > 2 * w->max_faults ? n : 2 * w->max_faults;
    unsigned char *done = realloc(w->done, cap + 1);
    if (done != NULL) w->done = done;
    unsigned char *elig = realloc(w->elig, (cap + 1) * (w->n_ships + 1));
    if (elig != NULL) w->elig = elig;
    double *after = realloc(w->after, (cap + 1) * sizeof *after);
    if (after != NULL) w->after = after;
    if (done == NULL || elig == NULL || after == NULL)
        return cs_errorf(err, CS_ENOMEM, "out of memory for the repair queue");
    w->max_faults = cap;
    return CS_OK;
}

static double sail_days(const cs_recovery_t *r, const cs_ship *s, cs_lonlat a, cs_lonlat b)
{
    return cs_geo_distance_km(a, b) * r->p.detour_factor / (s->speed_kn * CS_KN_TO_KM_PER_DAY);
}

/* When the depot can hand over c km of spare cable at `now` (INFINITY: never); with stock and
 * at non-NULL, the depot's stock and last delivery after taking it. */
static double spare_ready(const cs_recovery_t *r, const cs_recovery_ws *w, double c, double now,
                          double *stock, double *at)
{
    double s = w->stock_km, a = w->stock_at;
    if (s < c) {
        if (!(r->p.resupply_km > 0.0)) return INFINITY;
        s += ceil((c - s) / r->p.resupply_km) * r->p.resupply_km;
        a = fmax(a, now + r->p.resupply_days);
    }
    if (stock != NULL) {
        *stock = s - c;
        *at = a;
    }
    return fmax(now, a);
}

/* What ship k dispatched at `now` to fault f would do: arrival, start and end of work. */
static cs_repair plan(const cs_recovery_t *r, const cs_recovery_ws *w, size_t k, const cs_fault *f,
                      double now)
{
    const cs_ship *s = &r->ships[k];
    const bool in_port = now >= w->home_at[k];
    const cs_lonlat from = in_port ? s->home_pos : w->pos[k];
    const double arrive =
        now + (in_port ? r->p.mobilisation_days : 0.0) + sail_days(r, s, from, f->pos);
    const double permit = f->fail_days + r->p.permit_days[f->waters];
    const double cable = spare_ready(r, w, f->spare_km, now, NULL, NULL);
    cs_repair out;
    out.ship = (int32_t)k;
    out.dispatch_days = now;
    out.start_days = fmax(fmax(arrive, permit), fmax(f->hold_days, cable));
    out.end_days = isinf(out.start_days)
                       ? INFINITY
                       : cs_recovery_work_end(r, f, w->year_day, out.start_days,
                                              cs_recovery_work_days(&r->p, f->depth_m));
    return out;
}

/* The free ship (free_at <= now) allowed to repair fault i that would finish it first; lowest
 * index on ties; ship -1 when none. */
static cs_repair best_ship(const cs_recovery_t *r, const cs_recovery_ws *w, const cs_fault *fa,
                           size_t i, double now)
{
    cs_repair best = {-1, INFINITY, INFINITY, INFINITY};
    for (size_t k = 0; k < w->n_ships; k++) {
        if (!w->avail[k] || w->free_at[k] > now || !w->elig[i * w->n_ships + k]) continue;
        const cs_repair c = plan(r, w, k, &fa[i], now);
        if (best.ship < 0 || c.end_days < best.end_days) best = c;
    }
    return best;
}

/* Whether waiting fault i goes before fault j under the policy (ties: earlier, lower index). */
static bool before(const cs_recovery_t *r, const cs_recovery_ws *w, const cs_fault *fa, size_t i,
                   size_t j, double now)
{
    double si = 0.0, sj = 0.0;
    if (r->p.policy == CS_QUEUE_CAPACITY) {
        si = fa[i].lit_tbps;
        sj = fa[j].lit_tbps;
    } else if (r->p.policy == CS_QUEUE_RESTORED_PER_DAY) {
        const double di = best_ship(r, w, fa, i, now).end_days - now;
        const double dj = best_ship(r, w, fa, j, now).end_days - now;
        si = fa[i].flow_tbps / fmax(di, 1e-9);
        sj = fa[j].flow_tbps / fmax(dj, 1e-9);
    }
    if (si != sj) return si > sj;
    if (fa[i].fail_days != fa[j].fail_days) return fa[i].fail_days < fa[j].fail_days;
    return i < j;
}

/* When waiting fault i may be dispatched: after its failure, its stand-down and (serial_cuts)
 * the end of the repair under way on its segment. Ships wait in port rather than at a closed
 * site. */
static double release(const cs_recovery_ws *w, const cs_fault *fa, size_t i)
{
    return fmax(fmax(fa[i].fail_days, fa[i].hold_days), w->after[i]);
}

/* Whether some available ship free at `now` may repair fault i. */
static bool servable(const cs_recovery_ws *w, size_t i, double now)
{
    for (size_t k = 0; k < w->n_ships; k++)
        if (w->avail[k] && w->free_at[k] <= now && w->elig[i * w->n_ships + k]) return true;
    return false;
}

/*
 * The next decision time: the earliest t at which some waiting fault is released (see
 * release()) and a ship allowed to repair it is free; INFINITY if none.
 */
static double next_time(const cs_recovery_ws *w, const cs_fault *fa, size_t n)
{
    double best = INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (w->done[i]) continue;
        const double rel = release(w, fa, i);
        for (size_t k = 0; k < w->n_ships; k++)
            if (w->avail[k] && w->elig[i * w->n_ships + k])
                best = fmin(best, fmax(rel, w->free_at[k]));
    }
    return best;
}

static void reset(const cs_recovery_t *r, cs_recovery_ws *w, const cs_fault *fa, size_t n,
                  gsl_rng *rng, cs_repair *out, double *busy)
{
    for (size_t k = 0; k < w->n_ships; k++) {
        w->avail[k] = rng == NULL || gsl_rng_uniform(rng) < r->ships[k].availability;
        w->free_at[k] = r->ships[k].ready_days;
        w->home_at[k] = 0.0;
        w->pos[k] = r->ships[k].home_pos;
        busy[k] = 0.0;
    }
    /* The day of the year at the start: given, or drawn after the ships (same ship draws). */
    if (r->p.start_month > 0)
        w->year_day = fmod((r->p.start_month - 1) * MONTH_DAYS + (r->p.start_day - 1), 365.0);
    else
        w->year_day = rng != NULL ? 365.0 * gsl_rng_uniform(rng) : 0.0;
    w->stock_km = r->p.spare_stock_km;
    w->stock_at = 0.0;
    for (size_t i = 0; i < n; i++) {
        w->done[i] = 0;
        w->after[i] = 0.0;
        out[i] = (cs_repair){-1, INFINITY, INFINITY, INFINITY};
        for (size_t k = 0; k < w->n_ships; k++)
            w->elig[i * w->n_ships + k] = cs_recovery_may_repair(r, k, fa[i].system);
    }
}

cs_status cs_recovery_schedule(const cs_recovery_t *r, cs_recovery_ws *w, const cs_fault *faults,
                               size_t n, gsl_rng *rng, cs_repair *out, double *busy_days,
                               cs_error *err)
{
    if (n > w->max_faults || w->n_ships != r->n_ships)
        return cs_errorf(err, CS_EINVAL, "repair queue: %zu faults for a workspace of %zu", n,
                         w->max_faults);
    reset(r, w, faults, n, rng, out, busy_days);
    const double H = r->p.horizon_days;
    for (size_t left = n; left > 0; left--) {
        const double now = next_time(w, faults, n);
        if (!(now <= H)) break; /* no ship left, or nothing more starts within the horizon */
        size_t pick = SIZE_MAX;
        for (size_t i = 0; i < n; i++)
            if (!w->done[i] && release(w, faults, i) <= now && servable(w, i, now) &&
                (pick == SIZE_MAX || before(r, w, faults, i, pick, now)))
                pick = i;
        assert(pick != SIZE_MAX);
        const cs_repair job = best_ship(r, w, faults, pick, now);
        const size_t k = (size_t)job.ship;
        const cs_ship *s = &r->ships[k];
        w->done[pick] = 1;
        spare_ready(r, w, faults[pick].spare_km, now, &w->stock_km, &w->stock_at);
        w->free_at[k] = job.end_days;
        w->pos[k] = faults[pick].pos;
        w->home_at[k] = job.end_days + sail_days(r, s, faults[pick].pos, s->home_pos);
        busy_days[k] += fmin(job.end_days, H) - job.dispatch_days;
        out[pick] = job;
        /* serial_cuts: the segment's other cuts wait for this repair's end. */
        for (size_t i = 0; r->p.serial_cuts && i < n; i++)
            if (!w->done[i] && faults[i].edge == faults[pick].edge)
                w->after[i] = fmax(w->after[i], job.end_days);
        if (out[pick].start_days > H) out[pick].start_days = INFINITY;
        if (out[pick].end_days > H) out[pick].end_days = INFINITY;
    }
    return CS_OK;
}

/* ------------------------------------------------------------ outcomes */

cs_status cs_recovery_outcome_init(cs_recovery_outcome *o, const cs_recovery_t *r,
                                   size_t max_faults, cs_error *err)
{
    memset(o, 0, sizeof *o);
    o->n_steps = cs_recovery_steps(r);
    o->n_ships = r->n_ships;
    o->max_faults = max_faults;
    o->served_tbps = calloc(o->n_steps, sizeof *o->served_tbps);
    o->queue_length = calloc(o->n_steps, sizeof *o->queue_length);
    o->ship_busy_days = calloc(o->n_ships + 1, sizeof *o->ship_busy_days);
    o->faults = calloc(max_faults + 1, sizeof *o->faults);
    o->repairs = calloc(max_faults + 1, sizeof *o->repairs);
    if (!o->served_tbps || !o->queue_length || !o->ship_busy_days || !o->faults || !o->repairs) {
        cs_recovery_outcome_destroy(o);
        return cs_errorf(err, CS_ENOMEM, "out of memory for a recovery outcome");
    }
    return CS_OK;
}

void cs_recovery_outcome_destroy(cs_recovery_outcome *o)
{
    free(o->served_tbps);
    free(o->queue_length);
    free(o->ship_busy_days);
    free(o->faults);
    free(o->repairs);
    memset(o, 0, sizeof *o);
}

cs_status cs_recovery_outcome_reserve(cs_recovery_outcome *o, size_t n, cs_error *err)
{
    if (n <= o->max_faults) return CS_OK;
    const size_t cap = n > 2 * o->max_faults ? n : 2 * o->max_faults;
    cs_fault *f = realloc(o->faults, (cap + 1) * sizeof *f);
    if (f != NULL) o->faults = f;
    cs_repair *r = realloc(o->repairs, (cap + 1) * sizeof *r);
    if (r != NULL) o->repairs = r;
    if (f == NULL || r == NULL)
        return cs_errorf(err, CS_ENOMEM, "out of memory for a recovery outcome");
    o->max_faults = cap;
    return CS_OK;
}

double cs_recovery_restore_time(const double *at, const double *served, size_t n, double target)
{
    const double bar = target * (1.0 - 1e-9);
    if (served[n - 1] < bar) return INFINITY;
    size_t j = n - 1;
    while (j > 0 && served[j - 1] >= bar)
        j--;
    return j == 0 ? 0.0 : at[j];
}
