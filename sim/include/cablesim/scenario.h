/*
 * scenario.h: a scenario file (YAML) interpreted into run settings.
 *
 * docs/scenarios.md documents every key with units and defaults. Paths to
 * the topology and the demand are relative to the scenario file, else looked
 * up in the bundled data. Hazards are kept as document nodes here and
 * configured against the topology by the hazard module.
 */
#ifndef CS_SCENARIO_H
#define CS_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cablesim/error.h"
#include "cablesim/routing.h"
#include "cablesim/ydoc.h"

typedef struct {
    bool edge_flow;       /**< write /trials/edge_flow_tbps (large runs may turn it off) */
    bool latency;         /**< write /trials/latency_ms */
    unsigned compression; /**< deflate level 0..9 */
    size_t batch_trials;  /**< trials buffered between writes */
    bool headroom;        /**< /trials/region_headroom_tbps (default false: 17 max flows a trial) */
    /** Results file layout: 2 (default: each distinct routed outcome once, /outcomes) or 1 (a
     * row per trial, as written before format 2; docs/hdf5-schema.md). */
    int format_version;
} cs_output_options;

typedef struct {
    const char *name;        /**< borrowed from doc */
    const char *description; /**< borrowed from doc, may be "" */
    char *topology_path;     /**< resolved path */
    char *demand_path;       /**< resolved path */
    int as_of;               /**< network year */
    bool as_of_default;      /**< the file (after overrides) gave no as_of: as_of is default_year */
    uint64_t trials;
    uint64_t seed;
    cs_routing_options
        routing; /**< mode, use_lit (from `capacity`), demand_scale, rounds, hop_ms */
    cs_output_options output;
    size_t n_hazards;
    const cs_ynode **hazards; /**< [n_hazards] specs, borrowed from doc */
    cs_ydoc_t *doc;           /**< owned */
    char *text;               /**< the scenario after overrides, as YAML (owned) */
    const cs_ynode *recovery; /**< the `recovery` map (repair ships, recovery.h), NULL if none */
    const cs_ynode *network;  /**< the `network` map (design alternatives, applied by
                                   cs_topology_load_design), NULL if none */
    char *dir;                /**< the scenario's directory for relative paths (owned), or NULL */
    /** The `estimator` map (docs/rare-events.md, estimator.h), NULL if none; weighted when its
     * method is importance_sampling (trials then carry /trials/weight). */
    const cs_ynode *estimator;
    bool weighted;
} cs_scenario;

/** The keys of the `estimator` map (NULL-terminated): checked when the scenario is loaded (a
 * misspelt `method` gets its did-you-mean hint) and by the estimator (estimator.h). */
extern const char *const cs_scenario_estimator_keys[];

/**
 * Loads the scenario at path, applies the overrides sets[0..nsets-1]
 * ("key=value", as for --set) and checks every top-level key (unknown keys,
 * types, ranges) with file:line:column messages. default_year is the as_of
 * used when the file gives none; s->as_of_default then says so, for the
 * caller to warn about (a scenario's network should not depend on the date). Checking goes on after
 * a problem, so that err->sink sees them all; err keeps the first. Hazard entries are checked only
 * for a string `type` here. \return CS_OK, CS_EIO (cannot read the file; bundled data not found),
 * CS_EPARSE (not valid YAML, or refused YAML constructs), CS_EINVAL, CS_ENOMEM.
 */
cs_status cs_scenario_load(cs_scenario **out, const char *path, const char *const *sets,
                           size_t nsets, int default_year, cs_error *err);
/** As cs_scenario_load(), from text; name stands for the file and dir for relative paths. */
cs_status cs_scenario_load_string(cs_scenario **out, const char *text, const char *name,
                                  const char *dir, const char *const *sets, size_t nsets,
                                  int default_year, cs_error *err);
void cs_scenario_free(cs_scenario *s);

/**
 * The scenario as run, resolved (docs/scenarios.md, "The recorded scenario"): the text as written
 * (after --set) with every default that has been applied to it filled in (cs_ydoc_emit_resolved):
 * the top-level keys, routing and output by cs_scenario_load*, each hazard's parameters by
 * cs_hazard_parse and the recovery section's by cs_recovery_parse once they have run on s->doc
 * (the results writer calls it after the engine is built). Paths stay as written (topology and
 * demand default to the bundled "topology/japan.geojson" and "topology/japan-demand.csv"); where
 * the run found them is recorded apart (results.h). Loaded again, the text needs no default.
 * *out is malloc'd. \return CS_OK, CS_ENOMEM.
 */
cs_status cs_scenario_resolved_text(const cs_scenario *s, char **out, cs_error *err);

/** What a results file says of its run without loading its scenario (cs_scenario_basics). */
typedef struct {
    char name[256];
    const char *capacity_basis; /**< "lit" or "design" (static strings) */
    const char *routing_policy; /**< "latency-first" or "maxflow" */
} cs_scenario_basics;

/**
 * Reads name, capacity and routing.policy from scenario text (file stands for the file in
 * messages) with the defaults of cs_scenario_load(), without resolving paths or checking the
 * rest: for results files written before the root attributes name, capacity_basis and
 * routing_policy. \return CS_OK, CS_EPARSE, CS_EINVAL, CS_ENOMEM.
 */
cs_status cs_scenario_basics_of(const char *text, const char *file, cs_scenario_basics *out,
                                cs_error *err);

/** A bundled scenario (`cablesim scenarios`; `cablesim run NAME`). */
typedef struct {
    char *name;        /**< relative to the scenarios directory, without .yaml: "nankai-m9",
                            "replays/tohoku-2011" */
    char *path;        /**< the file */
    char *description; /**< its `description` on one line; "" when it has none */
} cs_scenario_entry;

/** The bundled scenarios: the YAML files of the data directory's scenarios/ and of its
 * subdirectories (one level), but fleets (files with `ships`). */
typedef struct {
    char *dir; /**< the scenarios directory found (cs_data_path) */
    size_t n;
    cs_scenario_entry *entries; /**< [n], by name */
} cs_scenario_catalog;

/** Lists the bundled scenarios. \return CS_OK, CS_EIO (no data directory), CS_ENOMEM. */
cs_status cs_scenario_catalog_init(cs_scenario_catalog *c, cs_error *err);
void cs_scenario_catalog_destroy(cs_scenario_catalog *c);

/**
 * The file of bundled scenario name ("nankai-m9", with or without ".yaml") into buf[n].
 * \return CS_OK; CS_EIO when there is none (one line naming the directory, with a did-you-mean
 * among the bundled names); CS_ENOMEM.
 */
cs_status cs_scenario_find(const char *name, char *buf, size_t n, cs_error *err);

#endif /* CS_SCENARIO_H */
