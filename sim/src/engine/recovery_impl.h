/*
 * recovery_impl.h: what the parts of the repair model share (recovery.c: building the model,
 * its queries and the queue; recovery_parse.c: the scenario's `recovery:` section and the fleet
 * files). Internal: not installed.
 */
#ifndef CS_RECOVERY_IMPL_H
#define CS_RECOVERY_IMPL_H

#include <stddef.h>

#include "cablesim/recovery.h"
#include "hazards/hazard_impl.h"

/* The repair model (recovery.h): parameters, fleet, the places and areas its queries use. */
struct cs_recovery {
    cs_recovery_params p;
    size_t n_ships;
    cs_ship *ships;
    char **strings; /* owned copies behind the ships' names */
    size_t n_strings, cap_strings;
    size_t n_japan;
    cs_lonlat *japan; /* positions of the Japanese nodes */
    cs_vec3 *japan_v; /* and their unit vectors (cs_recovery_waters) */
    size_t n_abroad;
    cs_lonlat *abroad; /* positions of the other states' landing stations and cities */
    cs_vec3 *abroad_v;
    size_t n_areas;
    cs_hz_area *areas; /* contested areas */
    size_t n_weather;
    cs_hz_area *weather_areas; /* weather_regions, first match wins */
    double (*weather)[CS_MONTHS];
    size_t n_hold;
    cs_hz_area *hold_areas; /* stand_down_areas */
    double *hold_days;
    size_t n_zones;
    const char **zone_names;          /* zones: name -> systems */
    const char *const **zone_systems; /* [n_zones] arrays of system names */
    size_t *zone_n;
    const char **ship_zone_where; /* [n_zone_where] for the k-th ship without `serves`, the
                                     error at its zone should it be misspelt (kept), else NULL */
    size_t n_zone_where;          /* ships parsed from YAML (the first ones), checked by zones */
    void **arrays;                /* owned arrays of string pointers (serves, zone systems) */
    size_t n_arrays, cap_arrays;
    const char **fleets; /* the fleet files read, resolved (in strings) */
    size_t n_fleets;
};

/* Building (recovery.c). */
/* A copy of s owned by r; NULL on OOM. */
const char *cs_rc_keep_string(cs_recovery_t *r, const char *s);
/* A copy of the n names (their strings kept), owned by r. NULL on OOM. */
const char *const *cs_rc_keep_names(cs_recovery_t *r, const char *const *names, size_t n);
/* Appends a copy of ship s (its strings kept by r). CS_ENOMEM. */
cs_status cs_rc_add_ship(cs_recovery_t *r, const cs_ship *s, cs_error *err);
/* The positions of t's Japanese nodes and of the other states' stations and cities (none
 * without t). CS_ENOMEM. */
cs_status cs_rc_set_japan(cs_recovery_t *r, const cs_topology_t *t, cs_error *err);

#endif /* CS_RECOVERY_IMPL_H */
