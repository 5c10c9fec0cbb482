/*
 * recovery.h: repair ships, the repair queue and recovery over time.
 *
 * A trial's cable faults (segment failures with a time and a place) wait for
 * a repair ship. The fleet (ships with a home port, a speed, an availability
 * and a maintenance zone) comes from a scenario's `recovery:` section and the
 * fleet files it names (scenarios/fleets/ *.yaml). A discrete-event
 * simulation hands each fault to a ship by a queue policy; a repair takes
 * mobilisation (when the ship leaves its home port), transit (sea distance
 * over speed), a permit that depends on the waters of the fault (domestic,
 * foreign, contested) and on-site work that grows with depth, stretched by
 * weather downtime. docs/model.md ("Recovery") gives every formula, default
 * and source. Pure computation: no HDF5, no printing; deterministic given the
 * random stream it is handed (the trial's CS_RNG_STREAM_RECOVERY sub-stream).
 */
#ifndef CS_RECOVERY_H
#define CS_RECOVERY_H

#include <stdbool.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "cablesim/error.h"
#include "cablesim/geo.h"
#include "cablesim/topology.h"
#include "cablesim/ydoc.h"

/** Where a fault lies, which decides how long the repair permit takes. */
typedef enum {
    CS_WATERS_DOMESTIC = 0,  /**< within domestic_nmi of a Japanese node (Japan's EEZ, roughly) */
    CS_WATERS_FOREIGN = 1,   /**< elsewhere: another state's EEZ or the high seas */
    CS_WATERS_CONTESTED = 2, /**< inside one of the scenario's contested areas */
    CS_WATERS_COUNT = 3
} cs_waters;

/** Which waiting fault a free ship takes next (docs/model.md, "Queue policies"). */
typedef enum {
    CS_QUEUE_FIFO = 0,             /**< earliest failure first */
    CS_QUEUE_CAPACITY = 1,         /**< largest lit capacity lost first */
    CS_QUEUE_RESTORED_PER_DAY = 2, /**< largest intact traffic per estimated repair day first */
} cs_queue_policy;

/** A repair ship. Strings are owned by the recovery model. */
typedef struct {
    const char *name;
    const char *home; /**< home port name */
    cs_lonlat home_pos;
    double speed_kn;           /**< transit speed, knots */
    double availability;       /**< probability that the ship can sail in a trial, in [0, 1] */
    const char *zone;          /**< maintenance zone or agreement ("Yokohama", "SEAIOCMA", ...) */
    const char *source;        /**< public source of its figures (URL), may be "" */
    const char *const *serves; /**< the cable systems (topology cable ids) it may repair */
    size_t n_serves;           /**< 0: the systems of its zone, else any system no one reserves */
    double ready_days;         /**< busy with earlier work until then: no dispatch before (days) */
} cs_ship;

/** Calendar months of the weather table. */
#define CS_MONTHS 12

/** Repair parameters. Initialise with CS_RECOVERY_PARAMS_INIT (the documented defaults). */
typedef struct {
    double horizon_days;      /**< how long a trial is followed */
    double step_hours;        /**< spacing of the recorded time grid */
    cs_queue_policy policy;   /**< queue policy */
    double mobilisation_days; /**< from the call to sailing, when the ship is in its home port */
    double detour_factor;     /**< sea distance / great-circle distance */
    double permit_days[CS_WATERS_COUNT]; /**< from the failure to the permit, by waters */
    double work_base_days;               /**< on-site working days at zero depth */
    double work_days_per_1000m;          /**< extra on-site working days per 1000 m of depth */
    /** Share of on-site time lost to weather in each calendar month (January first), in [0, 1),
     *  where no `weather_regions` area applies. */
    double weather_downtime[CS_MONTHS];
    int start_month;        /**< 1-12: calendar month of the trial's start; 0: sampled per trial */
    int start_day;          /**< day of start_month at the trial's start, 1-31 */
    double stand_down_days; /**< no on-site work anywhere before this (days since the start) */
    double default_depth_m; /**< depth of a segment whose depth is unknown */
    double domestic_nmi;    /**< radius of domestic waters around Japanese nodes */
    double station_restore_days; /**< landing station back after this long (no ship) */
    double link_restore_days;    /**< terrestrial link back after this long (no ship) */
    double spare_stock_km;       /**< spare cable in the depot at the start; +inf: unlimited */
    double spare_base_km;        /**< spare cable one repair uses at zero depth */
    double spare_km_per_1000m;   /**< extra spare cable per 1000 m of depth */
    double resupply_days;        /**< from a shortage to the delivery of new cable */
    double resupply_km;          /**< cable one delivery brings (0: none comes) */
    bool serial_cuts; /**< a segment's cuts are repaired one after another, not by two ships */
} cs_recovery_params;

/* clang-format off */
#define CS_RECOVERY_PARAMS_INIT                                                                    \
    {                                                                                              \
        .horizon_days = 90.0, .step_hours = 6.0, .policy = CS_QUEUE_FIFO,                          \
        .mobilisation_days = 2.0, .detour_factor = 1.2,                                            \
        .permit_days = {0.0, 7.0, 56.0},                                                           \
        .work_base_days = 3.0, .work_days_per_1000m = 2.2,                                         \
        .weather_downtime = {0.3, 0.3, 0.25, 0.2, 0.15, 0.15, 0.2, 0.25, 0.3, 0.25, 0.25, 0.3},    \
        .start_month = 0, .start_day = 1, .stand_down_days = 0.0,                                  \
        .default_depth_m = 3000.0, .domestic_nmi = 200.0,                                          \
        .station_restore_days = 14.0, .link_restore_days = 0.25,                                   \
        .spare_stock_km = HUGE_VAL, .spare_base_km = 2.0, .spare_km_per_1000m = 2.5,               \
        .resupply_days = 180.0, .resupply_km = 0.0, .serial_cuts = true,                           \
    }
/* clang-format on */

/** Knots to km per day: 1 nmi = 1.852 km, 24 h. */
#define CS_KN_TO_KM_PER_DAY (1.852 * 24.0)

/** One cable fault (one cut) waiting for repair. */
typedef struct {
    size_t edge;        /**< failed segment */
    double fail_days;   /**< failure time since the trial's start */
    cs_lonlat pos;      /**< where the repair happens */
    double depth_m;     /**< water depth there */
    cs_waters waters;   /**< decides the permit delay */
    double lit_tbps;    /**< capacity lost (for the capacity policy) */
    double flow_tbps;   /**< traffic the segment carries in the intact routing */
    const char *system; /**< the segment's cable system (borrowed), NULL when unknown */
    int weather;        /**< weather_regions area that holds pos, -1 for the default table */
    double hold_days;   /**< no on-site work before this (stand-down), days since the start */
    double spare_km;    /**< spare cable the repair uses */
} cs_fault;

/** The repair of one fault. Times are days since the trial's start. */
typedef struct {
    int32_t ship;         /**< ship index, -1 when no ship was dispatched within the horizon */
    double dispatch_days; /**< the ship is called (leaves its port or its last site) */
    double start_days;    /**< on-site work begins (ship there and permit granted) */
    double end_days;      /**< the segment is back; +inf when not within the horizon */
} cs_repair;

typedef struct cs_recovery cs_recovery_t;

/**
 * Configures the repair model from the `recovery` map of a scenario (spec, in doc), loading the
 * fleet files it names (relative to dir, the scenario's directory, or else bundled data) and
 * resolving contested areas. t gives the Japanese nodes that define domestic waters (borrowed).
 * \return CS_OK, CS_EIO (fleet file unreadable), CS_EPARSE, or CS_EINVAL with
 * "file:line:col: key: expected ..., found ..." (the fleet file's own position for its errors).
 */
cs_status cs_recovery_parse(cs_recovery_t **out, const cs_ydoc_t *doc, const cs_ynode *spec,
                            const char *dir, const cs_topology_t *t, cs_error *err);
/**
 * A model from parameters and ships given directly (copied); no contested areas, and domestic
 * waters around the Japanese nodes of t (NULL: no domestic waters). For tests and tools.
 * \return CS_OK, CS_EINVAL (a parameter out of range, named), CS_ENOMEM.
 */
cs_status cs_recovery_alloc(cs_recovery_t **out, const cs_recovery_params *p, const cs_ship *ships,
                            size_t n_ships, const cs_topology_t *t, cs_error *err);
/** Frees r. Accepts NULL. */
void cs_recovery_free(cs_recovery_t *r);

const cs_recovery_params *cs_recovery_get_params(const cs_recovery_t *r);
/**
 * Resolves the fleet file rel named by a scenario whose directory is dir (NULL: the working
 * directory) into buf: absolute as is, else relative to dir, else a bundled data file, as given
 * or under scenarios/. \return whether an existing file was found.
 */
bool cs_recovery_fleet_resolve(const char *rel, const char *dir, char *buf, size_t n);

/** The fleet files the scenario read (resolved paths), for the checks of outputs. */
size_t cs_recovery_fleet_count(const cs_recovery_t *r);
const char *cs_recovery_fleet_path(const cs_recovery_t *r, size_t i);

size_t cs_recovery_ship_count(const cs_recovery_t *r);
/** Ship i (i < count), borrowed. */
const cs_ship *cs_recovery_ship(const cs_recovery_t *r, size_t i);
/** Points of the recorded grid: floor(horizon x 24 / step_hours) + 1, at k x step_hours. */
size_t cs_recovery_steps(const cs_recovery_t *r);

/** The waters class of a point: contested areas first, then domestic, else foreign. O(nodes). */
cs_waters cs_recovery_waters(const cs_recovery_t *r, cs_lonlat p);
/** The name of a waters class ("domestic", "foreign", "contested"). */
const char *cs_waters_name(cs_waters w);

/**
 * Describes a cut of segment e of t at fail_days: its place (at, or when at is NULL the midpoint
 * of the segment's route by arc length), depth (depth_m, or when it is NaN the segment's depth,
 * else default_depth_m), waters, weather area and stand-down at that place, spare cable needed,
 * lit capacity, cable system, and flow_tbps as given.
 */
cs_fault cs_recovery_fault(const cs_recovery_t *r, const cs_topology_t *t, size_t e,
                           double fail_days, double flow_tbps, const cs_lonlat *at, double depth_m);

/** Working days on site at depth_m, before weather: base + per_1000m x depth / 1000. */
double cs_recovery_work_days(const cs_recovery_params *p, double depth_m);

/**
 * When on-site work of work_days working days that starts at start_days (days since the trial's
 * start) ends, losing the monthly share of weather downtime of f's weather area; year_day is the
 * day of the year (0-365, 365 / 12 days a month) at the trial's start. Exact for the
 * piecewise-constant monthly shares.
 */
double cs_recovery_work_end(const cs_recovery_t *r, const cs_fault *f, double year_day,
                            double start_days, double work_days);

/** Whether ship k may repair a fault of cable system `system` (NULL: unknown system). */
bool cs_recovery_may_repair(const cs_recovery_t *r, size_t k, const char *system);

/** Scratch space for cs_recovery_schedule(), for up to max_faults faults. */
typedef struct {
    size_t max_faults, n_ships;
    double *free_at;      /* [ships] time the ship finishes its current job */
    cs_lonlat *pos;       /* [ships] where it is when free */
    double *home_at;      /* [ships] time it is back in port when left idle */
    unsigned char *avail; /* [ships] can sail in this trial */
    unsigned char *done;  /* [max_faults] assigned */
    unsigned char *elig;  /* [max_faults x ships] ship may repair the fault */
    double *after;        /* [max_faults] no dispatch before (the end of the segment's repair
                             under way, with serial_cuts) */
    double year_day;      /* day of the year at the trial's start */
    double stock_km;      /* spare cable in the depot (deliveries ordered included) */
    double stock_at;      /* when the last delivery ordered arrives */
} cs_recovery_ws;

cs_status cs_recovery_ws_init(cs_recovery_ws *w, const cs_recovery_t *r, size_t max_faults,
                              cs_error *err);
void cs_recovery_ws_destroy(cs_recovery_ws *w);
/** Makes room in w for at least n faults (keeps w as it is when it has room). */
cs_status cs_recovery_ws_reserve(cs_recovery_ws *w, size_t n, cs_error *err);

/**
 * Runs the repair queue for faults[0..n-1] (any order; n <= w->max_faults) and writes the repair
 * of fault i to out[i] and each ship's busy days (dispatch to end of repair, clipped to the
 * horizon) to busy_days[ships]. From rng (NULL: every ship available, the trial starts on
 * start_month/start_day or on 1 January when start_month is 0) it draws one uniform per ship in
 * fleet order (availability), then, when start_month is 0, one uniform for the day of the year
 * of the trial's start. Every fault gets one repair record; a fault is repaired at most once, by
 * a ship that may repair its system; a ship's jobs never overlap; no work starts before the
 * fault's hold_days, its permit, or the spare cable it needs. O(n^2 x ships).
 * \return CS_OK, or CS_EINVAL when n exceeds the workspace.
 */
cs_status cs_recovery_schedule(const cs_recovery_t *r, cs_recovery_ws *w, const cs_fault *faults,
                               size_t n, gsl_rng *rng, cs_repair *out, double *busy_days,
                               cs_error *err);

/**
 * What one trial's recovery looks like (filled by the engine, docs/model.md "Recovery
 * outputs"). Times are days since the trial's start; the grid is k x step_hours, k < n_steps.
 */
typedef struct {
    size_t n_steps, n_ships, max_faults;
    double *served_tbps;    /**< [n_steps] total served demand at each grid time */
    uint32_t *queue_length; /**< [n_steps] faults failed and not yet given a ship */
    double *ship_busy_days; /**< [n_ships] dispatch to end of repair, clipped to the horizon */
    double t50_days, t90_days, t100_days; /**< time to restore 50/90/100% (see model.md) */
    double capacity_tbps_days;            /**< sum over failed edges of lit Tbps x outage days */
    double unserved_tbps_days;            /**< integral of (intact served - served) */
    size_t n_faults;    /**< cable faults of the trial: the cuts of segments, in cut order */
    cs_fault *faults;   /**< [max_faults] */
    cs_repair *repairs; /**< [max_faults] repair of each fault */
} cs_recovery_outcome;

/** Prepares an outcome for r's grid and fleet and up to max_faults faults. */
cs_status cs_recovery_outcome_init(cs_recovery_outcome *o, const cs_recovery_t *r,
                                   size_t max_faults, cs_error *err);
void cs_recovery_outcome_destroy(cs_recovery_outcome *o);
/** Makes room in o for at least n faults (a trial may cut a segment several times). */
cs_status cs_recovery_outcome_reserve(cs_recovery_outcome *o, size_t n, cs_error *err);

/**
 * The first time from which a piecewise-constant served demand stays at or above target until
 * the horizon: served[k] holds on [at[k], at[k + 1]) (the last until the horizon), at[0] = 0,
 * at ascending, n >= 1. 0 when it never drops below; +inf when the last piece is below. A
 * relative slack of 1e-9 absorbs rounding. O(n).
 */
double cs_recovery_restore_time(const double *at, const double *served, size_t n, double target);

#endif /* CS_RECOVERY_H */
