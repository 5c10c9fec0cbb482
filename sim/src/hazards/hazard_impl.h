/*
 * hazard_impl.h (internal): what the hazard models share.
 *
 * hazard.c dispatches on `type` to one parse function per model (one file per
 * model family) and keeps the helpers every model needs: reading points,
 * polylines and areas from the document, resolving topology names with
 * "did you mean" hints, and the spherical geometry that decides which
 * segments a rupture, a flow or an anchor track touches.
 */
#ifndef CS_HAZARD_IMPL_H
#define CS_HAZARD_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "cablesim/geo.h"
#include "cablesim/hazard.h"
#include "cablesim/regions.h"

typedef cs_status (*cs_hz_sample_fn)(const void *cfg, void *ws, const cs_hazard_env *env,
                                     gsl_rng *rng, cs_failures *f, cs_error *err);
/* Sampling with the failure probabilities of the tiltable draws replaced by q (hazard.h,
 * cs_hazard_sample_tilted). */
typedef cs_status (*cs_hz_tilted_fn)(const void *cfg, const cs_hazard_env *env, gsl_rng *rng,
                                     const double *q, unsigned char *x, cs_failures *f,
                                     cs_error *err);

struct cs_hazard {
    const char *type; /* static string */
    void *cfg;        /* the model's configuration, owned, read-only while sampling */
    cs_hz_sample_fn sample;
    void (*free_cfg)(void *cfg);
    /* The model's scratch (NULL when it needs none): ws_alloc returns NULL on OOM. */
    void *(*ws_alloc)(const void *cfg);
    void (*ws_free)(void *ws);
    bool needs_routing;
    /* Importance sampling (NULL, 0 for models that offer none): n_tilt independent Bernoulli
     * draws whose probabilities tilt_probs gives and sample_tilted replaces. */
    size_t n_tilt;
    void (*tilt_probs)(const void *cfg, double horizon_days, double *p);
    cs_hz_tilted_fn sample_tilted;
};

/** What a model's parser reads: the document, its spec map, and the topology. */
typedef struct {
    const cs_ydoc_t *doc;
    const cs_ynode *spec;
    const cs_topology_t *t;
    const char *tname; /* the topology's file name without directories, for messages */
} cs_hz_ctx;

/* Model parsers: each checks spec's keys and values and fills h (cfg, sample,
 * free_cfg, needs_routing); on failure h->cfg is freed or NULL. */
cs_status cs_hz_random_parse(cs_hazard_t *h, const cs_hz_ctx *c, cs_error *err);
cs_status cs_hz_quake_parse(cs_hazard_t *h, const cs_hz_ctx *c, cs_error *err);
cs_status cs_hz_flow_parse(cs_hazard_t *h, const cs_hz_ctx *c, cs_error *err);
cs_status cs_hz_sabotage_parse(cs_hazard_t *h, const cs_hz_ctx *c, cs_error *err);
cs_status cs_hz_anchor_parse(cs_hazard_t *h, const cs_hz_ctx *c, cs_error *err);
cs_status cs_hz_station_parse(cs_hazard_t *h, const cs_hz_ctx *c, cs_error *err);
cs_status cs_hz_explicit_parse(cs_hazard_t *h, const cs_hz_ctx *c, cs_error *err);

/** A random_faults hazard's expected faults a year over all its eligible edges (sum of lambda). */
double cs_hz_random_faults_per_year(const cs_hazard_t *h);

/* ------------------------------------------------------------ document */

/** Whether map has key with a non-null value. */
bool cs_hz_present(const cs_ynode *map, const char *key);

/** Reports that key conflicts with other in map: "file:line:col: key: expected ..., found both". */
cs_status cs_hz_conflict(const cs_hz_ctx *c, const cs_ynode *map, const char *key,
                         const char *other, cs_error *err);

/** Reads node (a [lon, lat] list of two numbers in range) into *out; key names it in messages. */
cs_status cs_hz_point(const cs_hz_ctx *c, const cs_ynode *node, const char *key, cs_lonlat *out,
                      cs_error *err);

/**
 * Reads node, a list of at least min_pts [lon, lat] pairs, into a new array
 * *out (malloc'd, caller frees) of *n points.
 */
cs_status cs_hz_points(const cs_hz_ctx *c, const cs_ynode *node, const char *key, size_t min_pts,
                       const char *expected, cs_lonlat **out, size_t *n, cs_error *err);

/** An area: a region of the library or a polygon given in the scenario. */
typedef struct {
    const char *name; /* region name, or "polygon" */
    cs_lonlat *ring;  /* owned copy */
    size_t n;
    double lon0, lon1, lat0, lat1; /* bounding box */
} cs_hz_area;

/** Reads node: a region name (scalar) or a polygon (a list of >= 3 [lon, lat] pairs). */
cs_status cs_hz_area_parse(const cs_hz_ctx *c, const cs_ynode *node, const char *key,
                           cs_hz_area *out, cs_error *err);
/** The library region `name` as an area. \return CS_OK, CS_EINVAL (no such region), CS_ENOMEM. */
cs_status cs_hz_area_region(cs_hz_area *out, const char *name, cs_error *err);
void cs_hz_area_destroy(cs_hz_area *a);
bool cs_hz_area_contains(const cs_hz_area *a, cs_lonlat p);
/** Whether edge e's geometry has a vertex inside a or crosses its boundary (planar lon/lat). */
bool cs_hz_edge_meets_area(const cs_edge *e, const cs_hz_area *a);
/**
 * A point uniform in area over a's surface: rejection from the bounding box,
 * with latitude drawn uniform in sin(lat) so that equal areas are equally likely.
 */
cs_lonlat cs_hz_area_sample(const cs_hz_area *a, gsl_rng *rng);

/**
 * Resolves the items of node (a list of strings; a single string is taken as
 * a one-item list) as cable names (what 'c'), edge ids ('e') or node ids
 * ('n') of the topology into a new array *out of *n indices (duplicates kept
 * once, in list order). Unknown names are reported as "expected a cable of
 * <topology> (nearest: ...), found \"X\"".
 */
cs_status cs_hz_names(const cs_hz_ctx *c, const cs_ynode *node, const char *key, char what,
                      size_t **out, size_t *n, cs_error *err);

/* ------------------------------------------------------------ geometry */

/** The point dist_km from p on the great circle leaving p at bearing_deg (clockwise from north). */
cs_lonlat cs_hz_destination(cs_lonlat p, double bearing_deg, double dist_km);

/** Shortest distance between the great-circle arcs a1-b1 and a2-b2, km (0 when they cross). */
double cs_hz_arc_arc_km(cs_lonlat a1, cs_lonlat b1, cs_lonlat a2, cs_lonlat b2);

/** The point at arc length s_km along pts[0..n-1] (clamped to its ends). */
cs_lonlat cs_hz_polyline_at(const cs_lonlat *pts, size_t n, double s_km);

/** Arc length along pts[0..n-1] of the point of the polyline nearest to p, km. */
double cs_hz_polyline_locate(const cs_lonlat *pts, size_t n, cs_lonlat p);

/**
 * The part of pts[0..n-1] between arc lengths s0 <= s1 (clamped), written to
 * out (room for n + 2 points). \return the number of points written (>= 1).
 */
size_t cs_hz_polyline_cut(const cs_lonlat *pts, size_t n, double s0, double s1, cs_lonlat *out);

/* ------------------------------------------------------------ lines and segments */

/*
 * Which segments a rupture, a flow or an anchor track comes near is asked once
 * or more per trial of every segment, so both sides are kept as prepared arcs
 * (geo.h's vector form): the segments once at parse time, the line once per
 * trial. Balls of R^3 around each arc and around each whole segment or line
 * give lower bounds on the chord between them, which skip far pairs of arcs
 * without changing any distance that is within the limit asked.
 */

/** A polyline prepared for distance queries: its legs, and a ball holding them. */
typedef struct {
    size_t n;        /* legs in use: n_pts - 1, or 1 (a point arc) for a single point */
    cs_geo_arc *leg; /* caller's storage, room for max(1, n_pts - 1) legs */
    cs_vec3 centre;  /* every point of the line lies within radius (a chord) of centre */
    double radius;
} cs_hz_line;

/** Prepares pts[0..n-1] (n >= 1) in l, whose leg array the caller has sized. */
void cs_hz_line_set(cs_hz_line *l, const cs_lonlat *pts, size_t n);

/** The submarine segments of a topology, each as its legs and a ball holding them. */
typedef struct {
    size_t n;
    size_t *edge;    /* [n] edge indices of the segments, ascending */
    size_t *leg_off; /* [n + 1]: segment i's legs are leg[leg_off[i] .. leg_off[i + 1]) */
    cs_geo_arc *leg; /* one arc per leg of each part; a point arc for a part of one point */
    cs_vec3 *centre; /* [n] */
    double *radius;  /* [n] chord units */
} cs_hz_segs;

cs_status cs_hz_segs_init(cs_hz_segs *s, const cs_topology_t *t, cs_error *err);
void cs_hz_segs_destroy(cs_hz_segs *s);

/**
 * Shortest distance between segment i's geometry (all parts) and the line l,
 * km. Exact (to rounding) whenever it is at most limit_km; otherwise some
 * value above limit_km (HUGE_VAL when the bounds alone show it is).
 */
double cs_hz_segs_distance_km(const cs_hz_segs *s, size_t i, const cs_hz_line *l, double limit_km);

/**
 * As cs_hz_segs_distance_km, and, when the distance is found (at most
 * limit_km), writes to *at (unless NULL) the point of the segment's route
 * nearest to l: where they cross when they do (the first crossing in leg
 * order), else the nearest point.
 */
double cs_hz_segs_nearest_km(const cs_hz_segs *s, size_t i, const cs_hz_line *l, double limit_km,
                             cs_lonlat *at);

/**
 * What the depth of a cut along edge e depends on (cutsite.c), computed once by
 * cs_cutsite_geom_of() for a hazard that places many cuts on the same edges.
 */
typedef struct {
    double route_km;       /**< cs_cutsite_route_km() */
    double deep;           /**< deep water, m */
    double w_start, w_end; /**< the shelves at the route's ends (cs_cutsite_shelves()) */
    bool link, landed_start, landed_end;
} cs_cutsite_geom;

void cs_cutsite_geom_of(const cs_topology_t *t, size_t e, cs_cutsite_geom *g);
/** cs_cutsite_depth_m() of the edge of g at s_km: the same value. */
double cs_cutsite_geom_depth(const cs_cutsite_geom *g, double s_km);

/** Water depth at the point of edge e's route nearest to at (cutsite.h), m. */
double cs_hz_site_depth_m(const cs_topology_t *t, size_t e, cs_lonlat at);

/** Cuts edge e at `at` (a point of its route), with the depth there. */
cs_status cs_hz_cut_at(cs_failures *f, const cs_topology_t *t, size_t e, cs_lonlat at,
                       cs_error *err);

/**
 * Cuts every segment of s whose route comes within d_km of the line l, at its
 * point nearest to l (the crossing), when the water there is at most
 * max_depth_m deep (INFINITY: any depth).
 */
cs_status cs_hz_segs_cut_near(const cs_hz_segs *s, const cs_hz_line *l, double d_km,
                              double max_depth_m, const cs_topology_t *t, cs_failures *f,
                              cs_error *err);

/* ------------------------------------------------------------ earthquakes */

/**
 * breaks: slope. The half-width R (km) of the band around a rupture of length rupture_km whose
 * area is Keefer's (1984) area affected by landslides, A = 10^(M - keefer_a) km^2:
 * pi R^2 + 2 L R = A (docs/model.md, "Earthquake").
 */
double cs_hz_keefer_halfwidth_km(double magnitude, double rupture_km, double keefer_a);
/**
 * breaks: slope with a rupture plane. The half-width R (km) of the band around a rupture plane
 * of length rupture_km and width width_km whose area is Keefer's A = 10^(M - keefer_a) km^2:
 * L W + 2 (L + W) R + pi R^2 = A, and R = 0 when L W >= A (docs/model.md, "Earthquake").
 */
double cs_hz_keefer_halfwidth_plane_km(double magnitude, double rupture_km, double width_km,
                                       double keefer_a);
/** Magnitude-width scaling: rupture width in km = 10^(a + b M) (Strasser et al. 2010). */
double cs_hz_rupture_width_km(double magnitude, double a, double b);
/** The initial bearing (degrees clockwise from north) of the great circle from a to b. */
double cs_hz_bearing_deg(cs_lonlat a, cs_lonlat b);
/**
 * The outline of the rupture plane: the rupture line rup (m points) and its copy moved width_km
 * towards down_dip_deg, as a closed ring (first point repeated) of 2 m + 1 points in ring.
 */
size_t cs_hz_rupture_plane(const cs_lonlat *rup, size_t m, double down_dip_deg, double width_km,
                           cs_lonlat *ring);
/** breaks: slope. The break probability of a site at d_km from the rupture:
 *  p_max / (1 + exp((d - d50) / (spread d50))). */
double cs_hz_slope_p(double p_max, double d_km, double d50_km, double spread);

/** Magnitude-length scaling: rupture length in km = 10^(a + b M). */
double cs_hz_rupture_length_km(double magnitude, double a, double b);

/**
 * A magnitude from the Gutenberg-Richter law truncated to [m_min, m_max] with
 * slope b, by inverting its CDF F(m) = (1 - 10^(-b (m - m_min))) / (1 - 10^(-b (m_max - m_min))).
 * One uniform draw.
 */
double cs_hz_gr_sample(gsl_rng *rng, double m_min, double m_max, double b);

/** The fragility curve of a segment at distance d_km from a rupture of magnitude m. */
typedef struct {
    double p_max;  /* probability at the rupture, before the logistic's own factor */
    double d50_km; /* distance at which p = p_max / 2, for magnitude 7 */
    double growth; /* log10 growth of d50 per magnitude unit */
    double spread; /* logistic scale as a share of d50 */
} cs_hz_fragility;

/** p = p_max / (1 + exp((d - d50(m)) / (spread x d50(m)))), d50(m) = d50_km x 10^(growth (m - 7)).
 */
double cs_hz_fragility_p(const cs_hz_fragility *fr, double d_km, double magnitude);

#endif /* CS_HAZARD_IMPL_H */
