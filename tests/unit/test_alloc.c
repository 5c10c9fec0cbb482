/*
 * test_alloc.c: allocation-failure injection over the loaders (topology, demand,
 * scenario) and constructors (router, engine).
 *
 * This executable is linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc
 * (tests/CMakeLists.txt), so every allocation the cablesim library makes goes
 * through the counting wrappers below (allocations inside igraph, jansson,
 * libyaml and libc are not counted: the library cannot recover from those and
 * they are not its paths). For N = 0, 1, 2, ... the N-th allocation fails; each
 * call must then return CS_ENOMEM with its output NULL, until N passes the
 * number of allocations a successful call makes. Leaks on any of those paths
 * are found by LeakSanitizer at exit in the Debug+ASan build.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cablesim/demand.h"
#include "cablesim/engine.h"
#include "cablesim/routing.h"
#include "cablesim/scenario.h"
#include "cablesim/topology.h"

/* ------------------------------------------------------------ the hook */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static size_t n_allocs;           /* allocations seen since the last arm() */
static size_t fail_at = SIZE_MAX; /* the allocation that fails (0-based) */
static size_t n_failed;           /* failures injected since the last arm() */

static void arm(size_t n)
{
    n_allocs = 0;
    n_failed = 0;
    fail_at = n;
}

static bool fail_now(void)
{
    if (n_allocs++ != fail_at) return false;
    n_failed++;
    return true;
}

void *__wrap_malloc(size_t n)
{
    return fail_now() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    return fail_now() ? NULL : __real_realloc(p, n);
}

/* ------------------------------------------------------------ the sweep */

/* Runs the call under test with allocation n failing (arm(n) right before it). */
typedef cs_status (*load_fn)(void **out, size_t n, cs_error *err);

/*
 * Runs load with the N-th allocation failing for N = 0, 1, ...: every run
 * must fail with CS_ENOMEM and leave *out NULL, until a run makes fewer
 * than N + 1 allocations and succeeds. Returns how many allocations that
 * successful run made (at least min_allocs, so that the hook is known to
 * reach the code under test).
 */
static size_t sweep(const char *what, load_fn load, void (*release)(void *), size_t min_allocs)
{
    for (size_t n = 0;; n++) {
        void *out = (void *)&n; /* must be overwritten */
        cs_error err = CS_ERROR_INIT;
        const cs_status rc = load(&out, n, &err);
        const size_t made = n_allocs, failed = n_failed;
        arm(SIZE_MAX);
        if (failed == 0) {
            if (rc != CS_OK) fail_msg("%s: without a failure: %s", what, err.msg);
            assert_non_null(out);
            release(out);
            assert_true(made >= min_allocs);
            if (getenv("CS_ALLOC_VERBOSE")) fprintf(stderr, "%s: %zu allocations\n", what, made);
            return made;
        }
        if (rc != CS_ENOMEM)
            fail_msg("%s: allocation %zu of %zu failed: expected CS_ENOMEM, found %s (%s)", what, n,
                     made, cs_status_name(rc), err.msg);
        if (out != NULL) fail_msg("%s: allocation %zu failed, but *out is not NULL", what, n);
        assert_int_equal(err.code, CS_ENOMEM);
        assert_true(err.msg[0] != '\0');
    }
}

#define TOPO   CS_TEST_DATA "/engine-topo.geojson"
#define DEMAND CS_TEST_DATA "/engine-demand.csv"

static cs_topology_t *topo;     /* for the demand loader */
static char scenario_path[128]; /* written by setup() */

static cs_status load_topology(void **out, size_t n, cs_error *err)
{
    cs_topology_t *t = NULL;
    arm(n);
    const cs_status rc = cs_topology_load(&t, TOPO, NULL, err);
    *out = t;
    return rc;
}

static void free_topology(void *t)
{
    cs_topology_free(t);
}

static cs_status load_demand(void **out, size_t n, cs_error *err)
{
    cs_demand_t *d = NULL;
    arm(n);
    const cs_status rc = cs_demand_load(&d, DEMAND, topo, err);
    *out = d;
    return rc;
}

static void free_demand(void *d)
{
    cs_demand_free(d);
}

static cs_status load_scenario(void **out, size_t n, cs_error *err)
{
    cs_scenario *s = NULL;
    const char *const sets[] = {"trials=7"};
    arm(n);
    const cs_status rc = cs_scenario_load(&s, scenario_path, sets, 1, 2026, err);
    *out = s;
    return rc;
}

static void free_scenario(void *s)
{
    cs_scenario_free(s);
}

static cs_demand_t *demand; /* for the router */

static cs_status alloc_router(void **out, size_t n, cs_error *err)
{
    cs_router_t *r = NULL;
    const cs_routing_options o = CS_ROUTING_OPTIONS_INIT;
    arm(n);
    const cs_status rc = cs_router_alloc(&r, topo, demand, &o, err);
    *out = r;
    return rc;
}

static void free_router(void *r)
{
    cs_router_free(r);
}

static char rare_path[128]; /* written by setup(): a scenario with an estimator */

/* The engine's own allocations fail, not those of loading its scenario (at path). */
static cs_status engine_from(const char *path, void **out, size_t n, cs_error *err)
{
    cs_scenario *s = NULL;
    arm(SIZE_MAX);
    if (cs_scenario_load(&s, path, NULL, 0, 2026, err) != CS_OK) fail_msg("scenario: %s", err->msg);
    cs_engine_t *e = NULL;
    arm(n);
    const cs_status rc = cs_engine_alloc(&e, s, err);
    const size_t made = n_allocs, failed = n_failed;
    arm(SIZE_MAX);
    cs_engine_free(e);
    cs_scenario_free(s);
    n_allocs = made; /* what sweep() reads */
    n_failed = failed;
    *out = e != NULL ? (void *)s : NULL; /* only compared with NULL: both are freed */
    return rc;
}

static cs_status alloc_engine(void **out, size_t n, cs_error *err)
{
    return engine_from(scenario_path, out, n, err);
}

/* With an importance-sampling estimator: its pilot (a small one) included. */
static cs_status alloc_rare_engine(void **out, size_t n, cs_error *err)
{
    return engine_from(rare_path, out, n, err);
}

static void release_nothing(void *p)
{
    (void)p;
}

/* ------------------------------------------------------------ tests */

static int setup(void **state)
{
    (void)state;
    cs_error err = CS_ERROR_INIT;
    if (cs_topology_load(&topo, TOPO, NULL, &err) != CS_OK) return -1;
    if (cs_demand_load(&demand, DEMAND, topo, &err) != CS_OK) return -1;
    snprintf(scenario_path, sizeof scenario_path, "/tmp/cs-alloc-XXXXXX");
    const int fd = mkstemp(scenario_path);
    if (fd < 0) return -1;
    FILE *f = fdopen(fd, "w");
    if (f == NULL) return -1;
    fprintf(f,
            "name: alloc\ntopology: %s\ndemand: %s\ntrials: 5\nseed: 11\n"
            "hazards:\n"
            "  - type: random_faults\n    window_days: 365\n"
            "  - type: explicit\n    cables: [PAC-1]\n"
            "  - type: sabotage\n    k: 1\n    targets: greedy\n"
            "recovery:\n  fleet: %s/scenarios/fleets/yokohama-2025.yaml\n  horizon_days: 30\n",
            TOPO, DEMAND, CS_SOURCE_DIR);
    fclose(f);
    snprintf(rare_path, sizeof rare_path, "/tmp/cs-alloc-XXXXXX");
    const int fd2 = mkstemp(rare_path);
    if (fd2 < 0 || (f = fdopen(fd2, "w")) == NULL) return -1;
    fprintf(f,
            "name: alloc-rare\ntopology: %s\ndemand: %s\nas_of: 2015\ntrials: 5\nseed: 11\n"
            "hazards:\n  - type: random_faults\n    window_days: 365\n"
            "estimator:\n  method: importance_sampling\n  pilot_trials: 100\n  iterations: 2\n"
            "  target: {region: Hong Kong, cut_off: true}\n",
            TOPO, DEMAND);
    fclose(f);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cs_demand_free(demand);
    cs_topology_free(topo);
    remove(scenario_path);
    remove(rare_path);
    return 0;
}

static void test_topology(void **state)
{
    (void)state;
    sweep("cs_topology_load", load_topology, free_topology, 20);
}

static void test_demand(void **state)
{
    (void)state;
    sweep("cs_demand_load", load_demand, free_demand, 3);
}

static void test_scenario(void **state)
{
    (void)state;
    sweep("cs_scenario_load", load_scenario, free_scenario, 5);
}

static void test_router(void **state)
{
    (void)state;
    sweep("cs_router_alloc", alloc_router, free_router, 10);
}

static void test_engine(void **state)
{
    (void)state;
    sweep("cs_engine_alloc", alloc_engine, release_nothing, 30);
}

static void test_rare_engine(void **state)
{
    (void)state;
    sweep("cs_engine_alloc (estimator)", alloc_rare_engine, release_nothing, 30);
}

int main(void)
{
    cs_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_topology), cmocka_unit_test(test_demand),
        cmocka_unit_test(test_scenario), cmocka_unit_test(test_router),
        cmocka_unit_test(test_engine),   cmocka_unit_test(test_rare_engine),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
