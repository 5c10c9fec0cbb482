/*
 * hazard_quake.c: earthquake and sediment_flow (docs/model.md, "Earthquake"
 * and "Sediment flow").
 *
 * An earthquake draws an epicentre (fixed with optional jitter, uniform in an
 * area, or uniform along a fault line) and a magnitude (fixed, or truncated
 * Gutenberg-Richter), lays a rupture of the length that magnitude implies
 * (Wells and Coppersmith 1994) along the fault or the strike, breaks the
 * slope stretches and canyon crossings near the rupture (breaks: slope, the
 * default: line, or with dip_side the plane from it down-dip, Strasser et al.
 * 2010 width) within Keefer's (1984) landslide area, or, with breaks: rupture,
 * each segment with a probability that falls with its distance to the rupture
 * (a logistic fragility curve whose mid-point distance grows with magnitude),
 * may take landing stations near the epicentre down, and may trigger a
 * sediment flow. A sediment flow (turbidity current) runs a sampled distance
 * down a canyon path and cuts every segment within width_km of the part of the
 * path it covers.
 */
#include "hazards/hazard_impl.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "cablesim/cutsite.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#include <gsl/gsl_randist.h>

/* Defaults (docs/model.md gives the sources). */
#define LEN_A             (-2.44) /* Wells & Coppersmith (1994), subsurface rupture length, all slip types */
#define LEN_B             0.59
#define P_MAX             0.9 /* inside the record's interval (docs/model.md, "Where p_max comes from") */
#define D50_KM            10.0
#define D50_GROWTH        0.35
#define SPREAD            0.25
#define B_VALUE           1.0
#define STATION_LOSS_PROB 0.5
#define RUNOUT_MEDIAN_KM  150.0
#define RUNOUT_SIGMA      0.7
#define FLOW_WIDTH_KM     5.0
/* Below this a segment's break probability counts as zero (no draw). */
#define P_NEGLIGIBLE 1e-9
/* breaks: slope (docs/model.md, "Earthquake", "Breaks on the slope and in canyons"). */
#define KEEFER_A        3.46 /* Keefer (1984): log10 A(km^2) = M - 3.46, area with landslides */
#define REACH_SHARE     0.7  /* d50 = share x that area's half-width (calibrated, Tohoku 2011) */
#define SLOPE_SPREAD    0.1  /* logistic scale as a share of d50 (calibrated, Tohoku 2011) */
#define CANYON_WIDTH_KM 5.0  /* a canyon crossing: the route within this of the canyon's axis */
#define SLOPE_STEP_KM   2.0  /* spacing of the points that stand for a slope stretch */
/* A site whose lower bound on the distance to the rupture exceeds the reach by this much is
 * skipped before its exact distance is computed (the bound and the distance agree to ~1e-9 km). */
#define CULL_MARGIN_KM 1.0
/* Strasser et al. (2010), interface events: log10 W(km) = -0.882 + 0.351 Mw, rupture width. */
#define WIDTH_A (-0.882)
#define WIDTH_B 0.351

double cs_hz_keefer_halfwidth_km(double magnitude, double rupture_km, double keefer_a)
{
    return cs_hz_keefer_halfwidth_plane_km(magnitude, rupture_km, 0.0, keefer_a);
}

double cs_hz_keefer_halfwidth_plane_km(double magnitude, double rupture_km, double width_km,
                                       double keefer_a)
{
    /* The band of half-width R around an L x W rectangle (rounded corners) has area
     * L W + 2 (L + W) R + pi R^2; R solves pi R^2 + 2 (L + W) R - (A - L W) = 0, and is 0 when
     * the plane alone covers A. W = 0 is the band around a line (a stadium). */
    const double area = pow(10.0, magnitude - keefer_a);
    const double len = fmax(rupture_km, 0.0), wid = fmax(width_km, 0.0);
    const double rest = area - len * wid, half = len + wid;
    if (!(rest > 0.0)) return 0.0;
    return (sqrt(half * half + M_PI * rest) - half) / M_PI;
}

double cs_hz_rupture_width_km(double magnitude, double a, double b)
{
    return pow(10.0, a + b * magnitude);
}

double cs_hz_bearing_deg(cs_lonlat a, cs_lonlat b)
{
    const double d2r = M_PI / 180.0;
    const double p1 = a.lat * d2r, p2 = b.lat * d2r, dl = (b.lon - a.lon) * d2r;
    const double y = sin(dl) * cos(p2), x = cos(p1) * sin(p2) - sin(p1) * cos(p2) * cos(dl);
    return atan2(y, x) / d2r;
}

size_t cs_hz_rupture_plane(const cs_lonlat *rup, size_t m, double down_dip_deg, double width_km,
                           cs_lonlat *ring)
{
    for (size_t i = 0; i < m; i++) {
        ring[i] = rup[i];
        ring[2 * m - 1 - i] = cs_hz_destination(rup[i], down_dip_deg, width_km);
    }
    ring[2 * m] = rup[0];
    return 2 * m + 1;
}

double cs_hz_slope_p(double p_max, double d_km, double d50_km, double spread)
{
    return p_max / (1.0 + exp((d_km - d50_km) / (spread * d50_km)));
}

double cs_hz_rupture_length_km(double magnitude, double a, double b)
{
    return pow(10.0, a + b * magnitude);
}

double cs_hz_gr_sample(gsl_rng *rng, double m_min, double m_max, double b)
{
    const double u = gsl_rng_uniform(rng);
    const double span = 1.0 - pow(10.0, -b * (m_max - m_min));
    return m_min - log10(1.0 - u * span) / b;
}

double cs_hz_fragility_p(const cs_hz_fragility *fr, double d_km, double magnitude)
{
    const double d50 = fr->d50_km * pow(10.0, fr->growth * (magnitude - 7.0));
    return fr->p_max / (1.0 + exp((d_km - d50) / (fr->spread * d50)));
}

/* The distance beyond which p < P_NEGLIGIBLE. */
static double fragility_reach_km(const cs_hz_fragility *fr, double magnitude)
{
    const double d50 = fr->d50_km * pow(10.0, fr->growth * (magnitude - 7.0));
    return d50 + fr->spread * d50 * log(fr->p_max / P_NEGLIGIBLE);
}

/* ------------------------------------------------------------ sediment flow */

typedef struct {
    cs_lonlat *path; /* canyon head first */
    size_t npath;
    double median_km, sigma, width_km, trigger_prob, min_magnitude;
    cs_hz_segs segs;
} flow_cfg;

/* Scratch for a line of up to n points: the points and their legs. */
typedef struct {
    cs_lonlat *buf;  /* [n + 2] (a cut polyline gains up to two points) */
    cs_geo_arc *leg; /* [n + 1] */
} line_ws;

static bool line_ws_init(line_ws *w, size_t n)
{
    w->buf = malloc((n + 2) * sizeof *w->buf);
    w->leg = malloc((n + 1) * sizeof *w->leg);
    return w->buf != NULL && w->leg != NULL;
}

static void line_ws_destroy(line_ws *w)
{
    free(w->buf);
    free(w->leg);
}

static void flow_destroy(flow_cfg *fc)
{
    if (fc == NULL) return;
    free(fc->path);
    cs_hz_segs_destroy(&fc->segs);
    free(fc);
}

/* Runs the flow (after its trigger draw): samples a run-out, cuts what it
 * meets where its axis crosses (or comes nearest to) each route. */
static cs_status flow_run(const flow_cfg *fc, line_ws *w, const cs_topology_t *t, gsl_rng *rng,
                          cs_failures *f, cs_error *err)
{
    if (fc->trigger_prob < 1.0 && !(gsl_rng_uniform(rng) < fc->trigger_prob)) return CS_OK;
    const double run =
        fc->sigma > 0.0 ? fc->median_km * exp(gsl_ran_gaussian(rng, fc->sigma)) : fc->median_km;
    const size_t m = cs_hz_polyline_cut(fc->path, fc->npath, 0.0, run, w->buf);
    cs_hz_line line = {.leg = w->leg};
    cs_hz_line_set(&line, w->buf, m);
    const size_t before = f->n_cuts;
    const cs_status rc = cs_hz_segs_cut_near(&fc->segs, &line, fc->width_km, INFINITY, t, f, err);
    if (rc != CS_OK) return rc;
    cs_hazard_event ev = cs_hazard_event_none();
    ev.a = fc->path[0];
    ev.b = w->buf[m - 1];
    ev.length_km = run;
    ev.cuts = f->n_cuts - before;
    return cs_failures_add_event(f, &ev, err);
}

/* Reads a flow's parameters from map (a hazard spec, or an earthquake's
 * `sediment_flow` map when nested). */
static cs_status flow_read(const cs_hz_ctx *c, const cs_ynode *map, bool nested, flow_cfg **out,
                           cs_error *err)
{
    static const char *const keys[] = {
        "type", "path", "runout_median_km", "runout_sigma", "width_km", "trigger_prob", NULL};
    static const char *const nested_keys[] = {"path",     "runout_median_km", "runout_sigma",
                                              "width_km", "trigger_prob",     "min_magnitude",
                                              NULL};
    *out = NULL;
    const cs_ydoc_t *d = c->doc;
    cs_status rc =
        cs_ymap_check_keys(d, map, nested ? nested_keys : keys,
                           nested ? "earthquake sediment_flow" : "hazard sediment_flow", err);
    if (rc != CS_OK) return rc;
    flow_cfg *fc = calloc(1, sizeof *fc);
    if (fc == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for sediment_flow");
    if ((rc = cs_yget_double(d, map, "runout_median_km", false, 0, 20000, RUNOUT_MEDIAN_KM,
                             &fc->median_km, err)) ||
        (rc = cs_yget_double(d, map, "runout_sigma", false, 0, 5, RUNOUT_SIGMA, &fc->sigma, err)) ||
        (rc = cs_yget_double(d, map, "width_km", false, 0, 1000, FLOW_WIDTH_KM, &fc->width_km,
                             err)) ||
        (rc = cs_yget_double(d, map, "trigger_prob", false, 0, 1, 1.0, &fc->trigger_prob, err)) ||
        /* Only an earthquake's flow has a magnitude threshold (0 otherwise). */
        (nested && (rc = cs_yget_double(d, map, "min_magnitude", false, 0, 10, 0.0,
                                        &fc->min_magnitude, err))))
        goto fail;
    if (!cs_hz_present(map, "path")) {
        rc = cs_yerr_missing(d, map, "path", "a list of at least 2 [lon, lat] pairs", err);
        goto fail;
    }
    if ((rc = cs_hz_points(c, cs_ymap_get(map, "path"), "path", 2,
                           "a list of at least 2 [lon, lat] pairs", &fc->path, &fc->npath, err)))
        goto fail;
    if ((rc = cs_hz_segs_init(&fc->segs, c->t, err)) != CS_OK) goto fail;
    *out = fc;
    return CS_OK;
fail:
    flow_destroy(fc);
    return rc;
}

static void flow_free(void *cfg)
{
    flow_destroy(cfg);
}

static void *flow_ws_alloc(const void *cfg)
{
    const flow_cfg *fc = cfg;
    line_ws *w = calloc(1, sizeof *w);
    if (w != NULL && !line_ws_init(w, fc->npath)) {
        line_ws_destroy(w);
        free(w);
        return NULL;
    }
    return w;
}

static void flow_ws_free(void *ws)
{
    line_ws_destroy(ws);
    free(ws);
}

static cs_status flow_sample(const void *cfg, void *ws, const cs_hazard_env *env, gsl_rng *rng,
                             cs_failures *f, cs_error *err)
{
    return flow_run(cfg, ws, env->topology, rng, f, err);
}

cs_status cs_hz_flow_parse(cs_hazard_t *h, const cs_hz_ctx *c, cs_error *err)
{
    flow_cfg *fc = NULL;
    const cs_status rc = flow_read(c, c->spec, false, &fc, err);
    if (rc != CS_OK) return rc;
    h->cfg = fc;
    h->sample = flow_sample;
    h->free_cfg = flow_free;
    h->ws_alloc = flow_ws_alloc;
    h->ws_free = flow_ws_free;
    return CS_OK;
}

/* ------------------------------------------------------------ earthquake */

typedef enum { EPI_FIXED, EPI_AREA, EPI_FAULT } epi_mode;

typedef struct {
    epi_mode mode;
    cs_lonlat epicentre;
    double jitter_km;
    cs_hz_area area;
    cs_lonlat *fault; /* NULL when the rupture follows the strike */
    size_t nfault;
    double fault_km;
    bool fixed_mag;
    double magnitude, m_min, m_max, b_value;
    double strike_deg; /* NAN: uniform in [0, 180) */
    double rupture_km; /* NAN: from the scaling law */
    double len_a, len_b;
    cs_hz_fragility fr;
    double station_radius_km, station_loss_prob;
    flow_cfg *flow; /* optional triggered flow */
    bool slope;     /* breaks: slope (else rupture) */
    double keefer_a, reach_share, canyon_width_km;
    /* breaks: slope with `dip_side`: the rupture is a plane extending width W from the rupture
     * line, square to its overall direction, to its right (+1) or left (-1); W =
     * rupture_width_km, NAN: 10^(width_a + width_b M). */
    bool plane;
    double dip_sign, width_km, width_a, width_b;
    /* Break sites (breaks: slope): site k belongs to segment site_seg[k] of segs and stands
     * as the points site_pts[site_off[k] .. site_off[k + 1]) (a slope stretch, or the one
     * point where a canyon crosses the route). */
    size_t n_sites;
    size_t *site_seg, *site_off;
    cs_lonlat *site_pts;
    /* Site k's ball and box, to skip far sites cheaply: every point of the site lies within
     * the chord site_rad[k] of site_mid[k]; site_box[4 k ..] = lon min, lon max, lat min, lat
     * max of its points. */
    cs_vec3 *site_mid;
    double *site_rad, *site_box;
    cs_vec3 *site_vec; /* the unit vectors of site_pts */
    cs_hz_segs segs;
    size_t n_stations;
    size_t *stations; /* landing stations */
} quake_cfg;

typedef struct {
    line_ws rupture;      /* room for nfault points (2 without a fault) */
    line_ws flow;         /* room for the triggered flow's path */
    cs_lonlat *ring;      /* the rupture plane's closed outline: 2 nfault + 1 points (plane only) */
    cs_geo_arc *ring_leg; /* its legs (plane only) */
} quake_ws;

static void quake_free(void *cfg)
{
    quake_cfg *q = cfg;
    cs_hz_area_destroy(&q->area);
    free(q->fault);
    flow_destroy(q->flow);
    cs_hz_segs_destroy(&q->segs);
    free(q->stations);
    free(q->site_seg);
    free(q->site_off);
    free(q->site_pts);
    free(q->site_mid);
    free(q->site_rad);
    free(q->site_box);
    free(q->site_vec);
    free(q);
}

static void quake_ws_free(void *ws)
{
    quake_ws *w = ws;
    line_ws_destroy(&w->rupture);
    line_ws_destroy(&w->flow);
    free(w->ring);
    free(w->ring_leg);
    free(w);
}

static void *quake_ws_alloc(const void *cfg)
{
    const quake_cfg *q = cfg;
    quake_ws *w = calloc(1, sizeof *w);
    if (w == NULL) return NULL;
    /* A rupture without a fault has 2 points; a cut fault at most nfault + 2. */
    const size_t npts = (q->nfault > 2 ? q->nfault : 2) + 2;
    if (q->plane && ((w->ring = malloc((2 * npts + 1) * sizeof *w->ring)) == NULL ||
                     (w->ring_leg = malloc(2 * npts * sizeof *w->ring_leg)) == NULL)) {
        quake_ws_free(w);
        return NULL;
    }
    if (!line_ws_init(&w->rupture, q->nfault) ||
        !line_ws_init(&w->flow, q->flow ? q->flow->npath : 0)) {
        quake_ws_free(w);
        return NULL;
    }
    return w;
}

/* Draws the epicentre; for EPI_FAULT also its arc length along the fault. */
static cs_lonlat draw_epicentre(const quake_cfg *q, gsl_rng *rng, double *along_km)
{
    if (q->mode == EPI_AREA) return cs_hz_area_sample(&q->area, rng);
    if (q->mode == EPI_FAULT) {
        *along_km = gsl_rng_uniform(rng) * q->fault_km;
        return cs_hz_polyline_at(q->fault, q->nfault, *along_km);
    }
    if (q->jitter_km <= 0.0) return q->epicentre;
    /* Uniform in a disc: radius J sqrt(u) (area grows with r^2), bearing uniform. */
    const double r = q->jitter_km * sqrt(gsl_rng_uniform(rng));
    return cs_hz_destination(q->epicentre, 360.0 * gsl_rng_uniform(rng), r);
}

/* Lays the rupture of length len around the epicentre; returns its points in buf. */
static size_t lay_rupture(const quake_cfg *q, cs_lonlat *buf, cs_lonlat epi, double along,
                          double len, gsl_rng *rng)
{
    if (q->fault != NULL) {
        if (q->mode != EPI_FAULT) along = cs_hz_polyline_locate(q->fault, q->nfault, epi);
        /* Centred on the epicentre, shifted to stay on the fault when it would
         * run off an end (a rupture then spreads one way from the epicentre). */
        double s0 = along - len / 2.0, s1 = along + len / 2.0;
        if (s0 < 0.0) {
            s1 -= s0;
            s0 = 0.0;
        }
        if (s1 > q->fault_km) {
            s0 = fmax(0.0, s0 - (s1 - q->fault_km));
            s1 = q->fault_km;
        }
        return cs_hz_polyline_cut(q->fault, q->nfault, s0, s1, buf);
    }
    const double strike = isnan(q->strike_deg) ? 180.0 * gsl_rng_uniform(rng) : q->strike_deg;
    buf[0] = cs_hz_destination(epi, strike + 180.0, len / 2.0);
    buf[1] = cs_hz_destination(epi, strike, len / 2.0);
    return 2;
}

/* breaks: rupture. Each segment breaks with the fragility of its distance to the rupture, at
 * its point nearest the rupture. */
static cs_status rupture_breaks(const quake_cfg *q, const cs_hz_line *rupture, double mag,
                                const cs_topology_t *t, gsl_rng *rng, cs_failures *f, cs_error *err)
{
    const double reach = fragility_reach_km(&q->fr, mag);
    for (size_t i = 0; i < q->segs.n; i++) {
        /* Beyond reach p < P_NEGLIGIBLE, so the distance need not be exact there. */
        cs_lonlat at;
        const double d = cs_hz_segs_nearest_km(&q->segs, i, rupture, reach, &at);
        if (d > reach) continue;
        const double p = cs_hz_fragility_p(&q->fr, d, mag);
        if (p < P_NEGLIGIBLE) continue;
        if (!(gsl_rng_uniform(rng) < p)) continue;
        const cs_status rc = cs_hz_cut_at(f, t, q->segs.edge[i], at, err);
        if (rc != CS_OK) return rc;
    }
    return CS_OK;
}

/* The distance (km) from p (pv its unit vector) to the rupture: to the line rup, or, with a
 * plane (ring of nr points, closed), 0 inside it and the distance to its outline outside;
 * outline holds the legs of the line (or of the ring). */
static double rupture_distance_km(cs_lonlat p, cs_vec3 pv, const cs_lonlat *rup,
                                  const cs_hz_line *outline, const cs_lonlat *ring, size_t nr)
{
    if (ring != NULL && cs_geo_point_in_polygon(p, ring, nr - 1)) return 0.0;
    /* cs_geo_point_polyline_distance_km over the outline's points o (the line, or the ring),
     * leg by leg, but skipping a leg whose ball lies farther than the least distance found so
     * far (by CULL_MARGIN_KM): the least is the same, from the same legs' exact distances. */
    const cs_lonlat *o = ring != NULL ? ring : rup;
    const size_t n = outline->n;
    assert(n >= 1);
    size_t first = 0;
    double first_lb = INFINITY;
    for (size_t i = 0; i < n; i++) {
        const double lb = sqrt(cs_geo_chord2(pv, outline->leg[i].mid)) - outline->leg[i].radius;
        if (lb < first_lb) {
            first_lb = lb;
            first = i;
        }
    }
    double best = cs_geo_point_arc_distance_km(p, o[first], o[first + 1]);
    double limit = 2.0 * sin(fmin(best + CULL_MARGIN_KM, M_PI * CS_EARTH_RADIUS_KM) /
                             (2.0 * CS_EARTH_RADIUS_KM));
    for (size_t i = 0; i < n; i++) {
        if (i == first ||
            sqrt(cs_geo_chord2(pv, outline->leg[i].mid)) - outline->leg[i].radius > limit)
            continue;
        const double d = cs_geo_point_arc_distance_km(p, o[i], o[i + 1]);
        if (d < best) {
            best = d;
            limit = 2.0 * sin(fmin(best + CULL_MARGIN_KM, M_PI * CS_EARTH_RADIUS_KM) /
                              (2.0 * CS_EARTH_RADIUS_KM));
        }
    }
    return best;
}

/* Whether site k lies certainly farther than reach_km from the rupture outline (its line, or
 * the plane's ring with box its lon/lat box): a lower bound on the distance, from the balls of
 * the site and the outline and the site's ball against each leg, exceeds reach_km by
 * CULL_MARGIN_KM. A site whose box meets the plane's box is never skipped (the plane's inside is
 * tested in the lon/lat plane). Skipping such a site changes nothing: its distance exceeds the
 * reach, so slope_breaks would draw nothing for it. */
static bool site_far(const quake_cfg *q, size_t k, const cs_hz_line *outline, const double *box,
                     double reach_km)
{
    const double *sb = q->site_box + 4 * k;
    if (box != NULL && !(sb[1] < box[0] || sb[0] > box[1] || sb[3] < box[2] || sb[2] > box[3]))
        return false;
    const double limit = reach_km + CULL_MARGIN_KM;
    const cs_vec3 mid = q->site_mid[k];
    const double balls =
        sqrt(cs_geo_chord2(mid, outline->centre)) - outline->radius - q->site_rad[k];
    if (balls > 0.0 && cs_geo_chord2_km(balls * balls) > limit) return true;
    double best = INFINITY;
    for (size_t i = 0; i < outline->n; i++)
        best = fmin(best, cs_geo_point_arc_chord2(mid, &outline->leg[i]));
    const double lb = sqrt(best) - q->site_rad[k];
    return lb > 0.0 && cs_geo_chord2_km(lb * lb) > limit;
}

/* breaks: slope. Each break site (a slope stretch or a canyon crossing) of each segment breaks
 * with cs_hz_slope_p of its distance to the rupture (line, or plane when ring is not NULL: of
 * width wid), at its point nearest the rupture; one uniform per site with p >= P_NEGLIGIBLE, in
 * site order. */
static cs_status slope_breaks(const quake_cfg *q, const cs_lonlat *rup, const cs_lonlat *ring,
                              size_t nr, const cs_hz_line *outline, double wid, double mag,
                              double len, const cs_topology_t *t, gsl_rng *rng, cs_failures *f,
                              cs_error *err)
{
    const double d50 =
        q->reach_share * cs_hz_keefer_halfwidth_plane_km(mag, len, ring ? wid : 0.0, q->keefer_a);
    const double reach = d50 + q->fr.spread * d50 * log(q->fr.p_max / P_NEGLIGIBLE);
    double box[4] = {INFINITY, -INFINITY, INFINITY, -INFINITY}; /* the plane's lon/lat box */
    for (size_t i = 0; ring != NULL && i < nr; i++) {
        box[0] = fmin(box[0], ring[i].lon);
        box[1] = fmax(box[1], ring[i].lon);
        box[2] = fmin(box[2], ring[i].lat);
        box[3] = fmax(box[3], ring[i].lat);
    }
    for (size_t k = 0; k < q->n_sites; k++) {
        if (site_far(q, k, outline, ring != NULL ? box : NULL, reach)) continue;
        const cs_lonlat *pts = q->site_pts + q->site_off[k];
        const size_t n = q->site_off[k + 1] - q->site_off[k];
        /* A stretch is at most CS_CUTSITE_SLOPE_KM long: its first point bounds the rest. */
        const cs_vec3 *pv = q->site_vec + q->site_off[k];
        if (rupture_distance_km(pts[0], pv[0], rup, outline, ring, nr) >
            reach + CS_CUTSITE_SLOPE_KM)
            continue;
        double d = INFINITY;
        cs_lonlat at = pts[0];
        size_t j0 = n, j1 = 0; /* the first and last points under the plane (distance 0) */
        for (size_t j = 0; j < n; j++) {
            const double dj = rupture_distance_km(pts[j], pv[j], rup, outline, ring, nr);
            if (dj < d) {
                d = dj;
                at = pts[j];
            }
            if (dj == 0.0) {
                j0 = j < j0 ? j : j0;
                j1 = j;
            }
        }
        /* Under the plane every point is as near: the middle of the stretch it covers. */
        if (d == 0.0) at = pts[(j0 + j1) / 2];
        /* A plane wider than Keefer's area (d50 = 0) breaks only what lies under it. */
        const double p = d50 > 0.0  ? cs_hz_slope_p(q->fr.p_max, d, d50, q->fr.spread)
                         : d == 0.0 ? q->fr.p_max
                                    : 0.0;
        if (!(d <= reach) || p < P_NEGLIGIBLE) continue;
        if (!(gsl_rng_uniform(rng) < p)) continue;
        const cs_status rc = cs_hz_cut_at(f, t, q->segs.edge[q->site_seg[k]], at, err);
        if (rc != CS_OK) return rc;
    }
    return CS_OK;
}

static cs_status quake_sample(const void *cfg, void *ws, const cs_hazard_env *env, gsl_rng *rng,
                              cs_failures *f, cs_error *err)
{
    const quake_cfg *q = cfg;
    quake_ws *w = ws;
    const cs_topology_t *t = env->topology;
    double along = 0.0;
    const cs_lonlat epi = draw_epicentre(q, rng, &along);
    const double mag =
        q->fixed_mag ? q->magnitude : cs_hz_gr_sample(rng, q->m_min, q->m_max, q->b_value);
    const double len =
        isnan(q->rupture_km) ? cs_hz_rupture_length_km(mag, q->len_a, q->len_b) : q->rupture_km;
    cs_hz_line rupture = {.leg = w->rupture.leg};
    const size_t m = lay_rupture(q, w->rupture.buf, epi, along, len, rng);
    cs_hz_line_set(&rupture, w->rupture.buf, m);

    const size_t before = f->n_cuts;
    /* The rupture as laid (a fault shorter than len holds a shorter one). */
    const double laid = cs_geo_polyline_length_km(w->rupture.buf, m);
    const double wid = !q->plane            ? 0.0
                       : isnan(q->width_km) ? cs_hz_rupture_width_km(mag, q->width_a, q->width_b)
                                            : q->width_km;
    const double dip =
        cs_hz_bearing_deg(w->rupture.buf[0], w->rupture.buf[m - 1]) + 90.0 * q->dip_sign;
    const size_t nr = q->plane ? cs_hz_rupture_plane(w->rupture.buf, m, dip, wid, w->ring) : 0;
    cs_hz_line ring = {.leg = w->ring_leg};
    if (q->plane) cs_hz_line_set(&ring, w->ring, nr);
    cs_status rc = q->slope
                       ? slope_breaks(q, w->rupture.buf, q->plane ? w->ring : NULL, nr,
                                      q->plane ? &ring : &rupture, wid, mag, laid, t, rng, f, err)
                       : rupture_breaks(q, &rupture, mag, t, rng, f, err);
    if (rc != CS_OK) return rc;
    for (size_t i = 0; i < q->n_stations && q->station_radius_km > 0.0; i++) {
        const size_t v = q->stations[i];
        if (cs_geo_distance_km(epi, cs_topology_node(t, v)->pos) > q->station_radius_km) continue;
        if (gsl_rng_uniform(rng) < q->station_loss_prob) cs_failures_fail_node(f, v);
    }
    cs_hazard_event ev = cs_hazard_event_none();
    ev.magnitude = mag;
    ev.a = epi;
    ev.length_km = len;
    ev.cuts = f->n_cuts - before;
    rc = cs_failures_add_event(f, &ev, err);
    if (rc != CS_OK) return rc;
    if (q->flow != NULL && mag >= q->flow->min_magnitude)
        return flow_run(q->flow, &w->flow, t, rng, f, err);
    return CS_OK;
}

/* Epicentre: `epicentre` (+ jitter_km) or `region`, else uniform along `fault`. */
static cs_status read_epicentre(const cs_hz_ctx *c, quake_cfg *q, cs_error *err)
{
    const cs_ynode *s = c->spec;
    const bool has_epi = cs_hz_present(s, "epicentre"), has_area = cs_hz_present(s, "region");
    const bool has_fault = cs_hz_present(s, "fault");
    cs_status rc;
    if (has_epi && has_area) return cs_hz_conflict(c, s, "region", "epicentre", err);
    if (!has_epi && !has_area && !has_fault)
        return cs_yerr_missing(c->doc, s, "epicentre",
                               "a [lon, lat] pair (or a `region` or a `fault` to sample it in)",
                               err);
    if ((rc = cs_yget_double(c->doc, s, "jitter_km", false, 0, 5000, 0.0, &q->jitter_km, err)))
        return rc;
    if (q->jitter_km > 0.0 && !has_epi)
        return cs_yerr_missing(c->doc, s, "epicentre", "a [lon, lat] pair to jitter", err);
    if (has_fault) {
        if ((rc =
                 cs_hz_points(c, cs_ymap_get(s, "fault"), "fault", 2,
                              "a list of at least 2 [lon, lat] pairs", &q->fault, &q->nfault, err)))
            return rc;
        q->fault_km = cs_geo_polyline_length_km(q->fault, q->nfault);
    }
    q->mode = has_epi ? EPI_FIXED : has_area ? EPI_AREA : EPI_FAULT;
    if (has_epi)
        return cs_hz_point(c, cs_ymap_get(s, "epicentre"), "epicentre", &q->epicentre, err);
    if (has_area) return cs_hz_area_parse(c, cs_ymap_get(s, "region"), "region", &q->area, err);
    return CS_OK;
}

/* Magnitude: fixed `magnitude`, or truncated Gutenberg-Richter (m_min, m_max, b_value). */
static cs_status read_magnitude(const cs_hz_ctx *c, quake_cfg *q, cs_error *err)
{
    const cs_ydoc_t *d = c->doc;
    const cs_ynode *s = c->spec;
    cs_status rc;
    q->fixed_mag = cs_hz_present(s, "magnitude");
    if (q->fixed_mag) {
        if (cs_hz_present(s, "m_min")) return cs_hz_conflict(c, s, "m_min", "magnitude", err);
        if (cs_hz_present(s, "m_max")) return cs_hz_conflict(c, s, "m_max", "magnitude", err);
        if (cs_hz_present(s, "b_value")) return cs_hz_conflict(c, s, "b_value", "magnitude", err);
        return cs_yget_double(d, s, "magnitude", true, 0, 10, 0, &q->magnitude, err);
    }
    if (!cs_hz_present(s, "m_min"))
        return cs_yerr_missing(d, s, "magnitude",
                               "a magnitude (or m_min and m_max for Gutenberg-Richter)", err);
    if ((rc = cs_yget_double(d, s, "m_min", true, 0, 10, 0, &q->m_min, err)) ||
        (rc = cs_yget_double(d, s, "m_max", true, q->m_min, 10, 0, &q->m_max, err)) ||
        (rc = cs_yget_double(d, s, "b_value", false, 0.1, 3, B_VALUE, &q->b_value, err)))
        return rc;
    if (!(q->m_max > q->m_min))
        return cs_yerr(d, cs_ymap_get(s, "m_max"), "m_max", "a magnitude above m_min", err);
    return CS_OK;
}

static cs_status read_quake(const cs_hz_ctx *c, quake_cfg *q, cs_error *err)
{
    const cs_ydoc_t *d = c->doc;
    const cs_ynode *s = c->spec;
    cs_status rc;
    q->strike_deg = q->rupture_km = NAN;
    /* breaks: slope is the default (docs/model.md, "Why `breaks: slope` is the default"). */
    static const char *const modes[] = {"rupture", "slope", NULL};
    int mode = 1;
    if ((rc = cs_yget_enum(d, s, "breaks", false, modes, 1, &mode, err))) return rc;
    q->slope = mode == 1;
    if ((rc = read_epicentre(c, q, err)) || (rc = read_magnitude(c, q, err))) return rc;
    if (cs_hz_present(s, "strike_deg") && q->fault != NULL)
        return cs_hz_conflict(c, s, "strike_deg", "fault", err);
    if ((cs_hz_present(s, "strike_deg") &&
         (rc = cs_yget_double(d, s, "strike_deg", true, 0, 360, 0, &q->strike_deg, err))) ||
        (cs_hz_present(s, "rupture_length_km") &&
         (rc = cs_yget_double(d, s, "rupture_length_km", true, 0, 5000, 0, &q->rupture_km, err))) ||
        (rc = cs_yget_double(d, s, "length_a", false, -10, 10, LEN_A, &q->len_a, err)) ||
        (rc = cs_yget_double(d, s, "length_b", false, 0, 2, LEN_B, &q->len_b, err)) ||
        (rc = cs_yget_double(d, s, "p_max", false, 0, 1, P_MAX, &q->fr.p_max, err)) ||
        (rc = cs_yget_double(d, s, "spread", false, 0.01, 10, q->slope ? SLOPE_SPREAD : SPREAD,
                             &q->fr.spread, err)) ||
        (rc = cs_yget_double(d, s, "station_radius_km", false, 0, 5000, 0.0, &q->station_radius_km,
                             err)) ||
        (rc = cs_yget_double(d, s, "station_loss_prob", false, 0, 1, STATION_LOSS_PROB,
                             &q->station_loss_prob, err)))
        return rc;
    /* Each mode reads only its own keys (the resolved scenario gets every default read, and the
     * other mode's keys are refused below). */
    q->fr.d50_km = D50_KM;
    q->fr.growth = D50_GROWTH;
    q->keefer_a = KEEFER_A;
    q->reach_share = REACH_SHARE;
    q->canyon_width_km = CANYON_WIDTH_KM;
    q->width_km = NAN;
    q->width_a = WIDTH_A;
    q->width_b = WIDTH_B;
    static const char *const sides[] = {"right", "left", NULL};
    int side = 0;
    q->plane = q->slope && cs_hz_present(s, "dip_side");
    if (q->plane &&
        ((rc = cs_yget_enum(d, s, "dip_side", true, sides, 0, &side, err)) ||
         (cs_hz_present(s, "rupture_width_km") &&
          (rc = cs_yget_double(d, s, "rupture_width_km", true, 0, 2000, 0, &q->width_km, err))) ||
         (rc = cs_yget_double(d, s, "width_a", false, -10, 10, WIDTH_A, &q->width_a, err)) ||
         (rc = cs_yget_double(d, s, "width_b", false, 0, 2, WIDTH_B, &q->width_b, err))))
        return rc;
    q->dip_sign = side == 0 ? 1.0 : -1.0;
    static const char *const plane_only[] = {"rupture_width_km", "width_a", "width_b"};
    for (size_t k = 0; !q->plane && k < sizeof plane_only / sizeof *plane_only; k++)
        if (cs_hz_present(s, plane_only[k]))
            return cs_yerr(d, cs_ymap_get(s, plane_only[k]), plane_only[k],
                           "no such key without `dip_side` (the rupture plane)", err);
    if ((!q->slope &&
         ((rc = cs_yget_double(d, s, "d50_km", false, 0.001, 5000, D50_KM, &q->fr.d50_km, err)) ||
          (rc =
               cs_yget_double(d, s, "d50_growth", false, 0, 2, D50_GROWTH, &q->fr.growth, err)))) ||
        (q->slope &&
         ((rc = cs_yget_double(d, s, "keefer_a", false, 0, 10, KEEFER_A, &q->keefer_a, err)) ||
          (rc = cs_yget_double(d, s, "reach_share", false, 0.01, 100, REACH_SHARE, &q->reach_share,
                               err)) ||
          (rc = cs_yget_double(d, s, "canyon_width_km", false, 0, 100, CANYON_WIDTH_KM,
                               &q->canyon_width_km, err)))))
        return rc;
    static const char *const slope_only[] = {"keefer_a", "reach_share", "canyons",
                                             "canyon_width_km", "dip_side"};
    static const char *const rupture_only[] = {"d50_km", "d50_growth"};
    for (size_t k = 0; !q->slope && k < sizeof slope_only / sizeof *slope_only; k++)
        if (cs_hz_present(s, slope_only[k]))
            return cs_yerr(d, cs_ymap_get(s, slope_only[k]), slope_only[k],
                           "no such key unless `breaks: slope`", err);
    for (size_t k = 0; q->slope && k < sizeof rupture_only / sizeof *rupture_only; k++)
        if (cs_hz_present(s, rupture_only[k]))
            return cs_yerr(d, cs_ymap_get(s, rupture_only[k]), rupture_only[k],
                           "no such key with `breaks: slope`, the default (its reach is Keefer's "
                           "law; `breaks: rupture` takes it)",
                           err);
    if (cs_hz_present(s, "sediment_flow")) {
        const cs_ynode *fm = cs_ymap_get(s, "sediment_flow");
        if (fm->kind != CS_YMAP)
            return cs_yerr(d, fm, "sediment_flow", "a map of sediment_flow parameters", err);
        if ((rc = flow_read(c, fm, true, &q->flow, err))) return rc;
    }
    return CS_OK;
}

/* ------------------------------------------------------------ break sites */

/* Appends a site of segment i with the n points pts (copied). */
static bool add_site(quake_cfg *q, size_t *cap, size_t *cap_pts, size_t i, const cs_lonlat *pts,
                     size_t n)
{
    if (q->n_sites + 1 >= *cap) {
        const size_t nc = *cap ? 2 * *cap : 64;
        size_t *seg = realloc(q->site_seg, nc * sizeof *seg);
        if (seg != NULL) q->site_seg = seg;
        size_t *off = realloc(q->site_off, (nc + 1) * sizeof *off);
        if (off != NULL) q->site_off = off;
        if (seg == NULL || off == NULL) return false;
        if (q->n_sites == 0) q->site_off[0] = 0;
        *cap = nc;
    }
    const size_t used = q->site_off[q->n_sites];
    if (used + n > *cap_pts) {
        const size_t nc = 2 * (used + n) + 256;
        cs_lonlat *p = realloc(q->site_pts, nc * sizeof *p);
        if (p == NULL) return false;
        q->site_pts = p;
        *cap_pts = nc;
    }
    for (size_t j = 0; j < n; j++)
        q->site_pts[used + j] = pts[j];
    q->site_seg[q->n_sites] = i;
    q->site_off[++q->n_sites] = used + n;
    return true;
}

/* The slope stretch of segment i from route position s0 to s1 (km), as points every
 * SLOPE_STEP_KM or less, both ends included; none when the stretch is empty. */
static bool add_slope(quake_cfg *q, size_t *cap, size_t *cap_pts, const cs_edge *ed, size_t i,
                      double s0, double s1)
{
    if (!(s1 > s0)) return true;
    const size_t n = (size_t)ceil((s1 - s0) / SLOPE_STEP_KM) + 1;
    cs_lonlat pts[64];
    assert(n <= sizeof pts / sizeof *pts);
    for (size_t j = 0; j < n; j++)
        pts[j] = cs_cutsite_point(ed, s0 + (s1 - s0) * (double)j / (double)(n - 1));
    return add_site(q, cap, cap_pts, i, pts, n);
}

/*
 * The break sites of breaks: slope: for each segment, the continental slope of each landed end
 * (from W to W + S along the route from that end: cutsite.h's depth profile, where the depth
 * goes from the shelf break to the deep water), and every crossing of a `canyons` line (the
 * route within canyon_width_km of the canyon's axis). A segment whose deep water is no deeper
 * than the shelf has no slope.
 */
static cs_status build_sites(const cs_hz_ctx *c, quake_cfg *q, cs_error *err)
{
    const cs_topology_t *t = c->t;
    size_t cap = 0, cap_pts = 0;
    for (size_t i = 0; i < q->segs.n; i++) {
        const size_t e = q->segs.edge[i];
        const cs_edge *ed = cs_topology_edge(t, e);
        const double deep = isnan(ed->depth_m) ? CS_CUTSITE_DEEP_M : ed->depth_m;
        if (!(deep > CS_CUTSITE_SHELF_M)) continue;
        double wa, wb;
        cs_cutsite_shelves(t, e, ed->shallow_share, CS_CUTSITE_SHORE_KM, &wa, &wb);
        const double L = cs_cutsite_route_km(ed);
        const double lo = wa, hi = L - wb; /* the slope lies between the shelves */
        if ((wa > 0.0 &&
             !add_slope(q, &cap, &cap_pts, ed, i, lo, fmin(hi, wa + CS_CUTSITE_SLOPE_KM))) ||
            (wb > 0.0 &&
             !add_slope(q, &cap, &cap_pts, ed, i, fmax(lo, L - wb - CS_CUTSITE_SLOPE_KM), hi)))
            return cs_errorf(err, CS_ENOMEM, "out of memory for earthquake break sites");
    }
    const cs_ynode *cv = cs_ymap_get(c->spec, "canyons");
    if (cs_ynode_is_null(cv)) return CS_OK;
    if (cv->kind != CS_YSEQ)
        return cs_yerr(c->doc, cv, "canyons", "a list of canyon axes (lists of [lon, lat])", err);
    for (size_t k = 0; k < cv->n; k++) {
        cs_lonlat *axis = NULL;
        size_t n = 0;
        cs_status rc =
            cs_hz_points(c, cv->items[k], "canyons", 2,
                         "a canyon axis: a list of at least 2 [lon, lat] pairs", &axis, &n, err);
        if (rc != CS_OK) return rc;
        cs_geo_arc *legs = malloc(n * sizeof *legs);
        if (legs == NULL) {
            free(axis);
            return cs_errorf(err, CS_ENOMEM, "out of memory for canyons");
        }
        cs_hz_line line = {.leg = legs};
        cs_hz_line_set(&line, axis, n);
        for (size_t i = 0; i < q->segs.n && rc == CS_OK; i++) {
            cs_lonlat at;
            if (cs_hz_segs_nearest_km(&q->segs, i, &line, q->canyon_width_km, &at) <=
                    q->canyon_width_km &&
                !add_site(q, &cap, &cap_pts, i, &at, 1))
                rc = cs_errorf(err, CS_ENOMEM, "out of memory for earthquake break sites");
        }
        free(legs);
        free(axis);
        if (rc != CS_OK) return rc;
    }
    return CS_OK;
}

/* Each site's ball and lon/lat box (site_far). */
static cs_status index_sites(quake_cfg *q, cs_error *err)
{
    const size_t n = q->n_sites;
    q->site_mid = malloc((n + 1) * sizeof *q->site_mid);
    q->site_rad = malloc((n + 1) * sizeof *q->site_rad);
    q->site_box = malloc((4 * n + 1) * sizeof *q->site_box);
    q->site_vec = malloc((q->site_off != NULL ? q->site_off[n] : 0) * sizeof *q->site_vec + 1);
    if (q->site_mid == NULL || q->site_rad == NULL || q->site_box == NULL || q->site_vec == NULL)
        return cs_errorf(err, CS_ENOMEM, "out of memory for earthquake break sites");
    for (size_t k = 0; k < n; k++) {
        const cs_lonlat *pts = q->site_pts + q->site_off[k];
        const size_t np = q->site_off[k + 1] - q->site_off[k];
        const cs_vec3 mid = cs_geo_vec(pts[np / 2]);
        double rad = 0.0, *box = q->site_box + 4 * k;
        box[0] = box[2] = INFINITY;
        box[1] = box[3] = -INFINITY;
        for (size_t j = 0; j < np; j++) {
            q->site_vec[q->site_off[k] + j] = cs_geo_vec(pts[j]);
            rad = fmax(rad, sqrt(cs_geo_chord2(mid, q->site_vec[q->site_off[k] + j])));
            box[0] = fmin(box[0], pts[j].lon);
            box[1] = fmax(box[1], pts[j].lon);
            box[2] = fmin(box[2], pts[j].lat);
            box[3] = fmax(box[3], pts[j].lat);
        }
        q->site_mid[k] = mid;
        q->site_rad[k] = rad;
    }
    return CS_OK;
}

cs_status cs_hz_quake_parse(cs_hazard_t *h, const cs_hz_ctx *c, cs_error *err)
{
    static const char *const keys[] = {"type",
                                       "epicentre",
                                       "jitter_km",
                                       "region",
                                       "fault",
                                       "magnitude",
                                       "m_min",
                                       "m_max",
                                       "b_value",
                                       "strike_deg",
                                       "rupture_length_km",
                                       "length_a",
                                       "length_b",
                                       "p_max",
                                       "d50_km",
                                       "d50_growth",
                                       "spread",
                                       "station_radius_km",
                                       "station_loss_prob",
                                       "sediment_flow",
                                       "breaks",
                                       "keefer_a",
                                       "reach_share",
                                       "canyons",
                                       "canyon_width_km",
                                       "dip_side",
                                       "rupture_width_km",
                                       "width_a",
                                       "width_b",
                                       NULL};
    cs_status rc = cs_ymap_check_keys(c->doc, c->spec, keys, "hazard earthquake", err);
    if (rc != CS_OK) return rc;
    quake_cfg *q = calloc(1, sizeof *q);
    if (q == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for earthquake");
    h->cfg = q;
    h->sample = quake_sample;
    h->free_cfg = quake_free;
    h->ws_alloc = quake_ws_alloc;
    h->ws_free = quake_ws_free;
    if ((rc = read_quake(c, q, err)) || (rc = cs_hz_segs_init(&q->segs, c->t, err))) return rc;
    if (q->slope && ((rc = build_sites(c, q, err)) != CS_OK || (rc = index_sites(q, err)) != CS_OK))
        return rc;
    const size_t nn = cs_topology_node_count(c->t);
    q->stations = malloc((nn + 1) * sizeof *q->stations);
    if (q->stations == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for earthquake");
    for (size_t v = 0; v < nn; v++)
        if (cs_topology_node(c->t, v)->kind == CS_NODE_LANDING) q->stations[q->n_stations++] = v;
    return CS_OK;
}
