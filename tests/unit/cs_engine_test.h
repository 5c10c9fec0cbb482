/*
 * cs_engine_test.h: fixtures of the tests that drive the engine in process (include after
 * <cmocka.h>): a scenario loaded from text with the fixtures of CS_TEST_DATA, its engine, and
 * the buffers of one trial. Each fails the test with the library's message on an error.
 */
#ifndef CS_ENGINE_TEST_H
#define CS_ENGINE_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cablesim/engine.h"
#include "cablesim/error.h"
#include "cablesim/failures.h"
#include "cablesim/results.h"
#include "cablesim/routing.h"
#include "cablesim/scenario.h"

/* Random faults frequent enough that most trials fail something: window of a
 * year at 0.05 faults per 1000 km-year gives p ~ 0.36 on a 9,000 km segment. */
#define CS_TEST_RANDOM_FAULTS                                                                      \
    "name: engine-test\n"                                                                          \
    "topology: engine-topo.geojson\n"                                                              \
    "demand: engine-demand.csv\n"                                                                  \
    "as_of: 2011\n"                                                                                \
    "trials: 300\n"                                                                                \
    "seed: 4242\n"                                                                                 \
    "capacity: lit\n"                                                                              \
    "output:\n"                                                                                    \
    "  batch_trials: 64\n"                                                                         \
    "hazards:\n"                                                                                   \
    "  - type: random_faults\n"                                                                    \
    "    window_days: 365\n"                                                                       \
    "    rate_deep: 0.05\n"                                                                        \
    "    rate_shallow: 0.05\n"

/*
 * The hand-checked recovery case of test_recovery and test_recovery_analysis, after its name
 * line: PAC-2 (lit 10 Tbps) cut at t = 0 on the 2011 test network; one ship at jp-b, 12 kn. The
 * repair parameters are pinned (the defaults before the calibration of docs/model.md) so that
 * the hand figures do not follow later calibrations, and so is routing without a restoration
 * limit (share 1).
 */
#define CS_TEST_RECOVERY_HAND                                                                      \
    "topology: engine-topo.geojson\n"                                                              \
    "demand: engine-demand.csv\n"                                                                  \
    "as_of: 2011\n"                                                                                \
    "trials: 3\n"                                                                                  \
    "capacity: lit\n"                                                                              \
    "routing: {restoration_share: 1}\n"                                                            \
    "hazards:\n"                                                                                   \
    "  - type: explicit\n"                                                                         \
    "    segments: [pac-2:1]\n"                                                                    \
    "    at: [-175.0, 45.0]\n"                                                                     \
    "recovery:\n"                                                                                  \
    "  horizon_days: 60\n"                                                                         \
    "  step_hours: 12\n"                                                                           \
    "  permit_days: {foreign: 3}\n"                                                                \
    "  mobilisation_days: 1\n"                                                                     \
    "  work_base_days: 4\n"                                                                        \
    "  work_days_per_1000m: 1\n"                                                                   \
    "  weather_downtime: 0.2\n"                                                                    \
    "  ships:\n"                                                                                   \
    "    - {name: S, home: B, home_lonlat: [136.87, 34.34], speed_kn: 12}\n"

/* The scenario of text (named file in messages; paths relative to CS_TEST_DATA; network year
 * 2026 when it has no as_of) with the nsets --set overrides sets. */
static inline cs_scenario *cs_test_scenario(const char *text, const char *file,
                                            const char *const *sets, size_t nsets)
{
    cs_error err = CS_ERROR_INIT;
    cs_scenario *s = NULL;
    if (cs_scenario_load_string(&s, text, file, CS_TEST_DATA, sets, nsets, 2026, &err) != CS_OK)
        fail_msg("scenario: %s", err.msg);
    return s;
}

/* The engine of scenario s. */
static inline cs_engine_t *cs_test_engine(const cs_scenario *s)
{
    cs_error err = CS_ERROR_INIT;
    cs_engine_t *e = NULL;
    if (cs_engine_alloc(&e, s, &err) != CS_OK) fail_msg("engine: %s", err.msg);
    return e;
}

/* Initialises the failures f and routing r of one trial of engine e (sized for its network and
 * demands): cs_failures_destroy and cs_routing_result_destroy free them. */
static inline void cs_test_trial_buffers(const cs_engine_t *e, cs_failures *f, cs_routing_result *r)
{
    const cs_topology_t *t = cs_engine_topology(e);
    const size_t ne = cs_topology_edge_count(t), nd = cs_demand_count(cs_engine_demand(e));
    cs_error err = CS_ERROR_INIT;
    if (cs_failures_init(f, ne, cs_topology_node_count(t), &err) != CS_OK)
        fail_msg("failures: %s", err.msg);
    if (cs_routing_result_init(r, nd, ne, &err) != CS_OK) fail_msg("routing: %s", err.msg);
}

/* Asserts that routings a and b are bit-identical (served, latency with its NaNs, edge flow,
 * connected, unserved). */
static inline void cs_test_assert_same_routing(const cs_routing_result *a,
                                               const cs_routing_result *b)
{
    assert_int_equal(a->n_demands, b->n_demands);
    assert_int_equal(a->n_edges, b->n_edges);
    assert_memory_equal(a->served_tbps, b->served_tbps, a->n_demands * sizeof(double));
    assert_memory_equal(a->latency_ms, b->latency_ms, a->n_demands * sizeof(double));
    assert_memory_equal(a->edge_flow_tbps, b->edge_flow_tbps, a->n_edges * sizeof(double));
    assert_memory_equal(a->connected, b->connected, a->n_demands);
    assert_memory_equal(&a->unserved_tbps, &b->unserved_tbps, sizeof(double));
}

/* Whether failures f displace traffic of the intact routing base (the engine's rule for routing
 * over the restoration capacities): an edge down that carries flow, or a demand the intact
 * routing leaves connected but unserved that f cuts off (its connectivity by router, which
 * ignores capacities). Until session 19 any connected unserved demand counted, whatever f. */
static inline bool cs_test_displaces(cs_router_t *router, const cs_topology_t *t,
                                     const cs_routing_result *base, const cs_failures *f)
{
    unsigned char *down = calloc(base->n_edges + 1, 1), *conn = calloc(base->n_demands + 1, 1);
    assert_non_null(down);
    assert_non_null(conn);
    bool displaces = false;
    for (size_t j = 0; j < base->n_edges; j++) {
        down[j] = cs_failures_edge_down(f, t, j);
        displaces = displaces || (down[j] && base->edge_flow_tbps[j] > 0.0);
    }
    cs_router_connected(router, down, conn);
    for (size_t i = 0; i < base->n_demands && !displaces; i++)
        displaces = base->connected[i] && !(base->served_tbps[i] > 0.0) && !conn[i];
    free(down);
    free(conn);
    return displaces;
}

/* What the writer records of engine e, as version "test" at a fixed time; intact: outcome 0 of
 * the file (cs_engine_intact_batch, as cablesim run writes it), or NULL. */
static inline cs_results_meta cs_test_meta(const cs_engine_t *e, const cs_trial_batch *intact)
{
    return (cs_results_meta){.scenario = cs_engine_scenario(e),
                             .topology = cs_engine_topology(e),
                             .demand = cs_engine_demand(e),
                             .baseline = cs_engine_baseline(e),
                             .pairs = cs_engine_pairs(e),
                             .software_version = "test",
                             .created = "2026-01-01T00:00:00Z",
                             .recovery = cs_engine_recovery(e),
                             .regions = cs_engine_regions(e),
                             .held_tbps = cs_engine_held(e),
                             .intact = intact};
}

/* The column of region name in summary s (fails the test when there is none). */
static inline size_t cs_test_region_of(const cs_run_summary *s, const char *name)
{
    for (size_t g = 0; g < s->n_regions; g++)
        if (strcmp(s->regions[g], name) == 0) return g;
    fail_msg("no region %s", name);
    return SIZE_MAX;
}

#endif /* CS_ENGINE_TEST_H */
