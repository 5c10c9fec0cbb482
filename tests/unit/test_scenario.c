/* test_scenario.c: scenario keys, defaults, ranges, overrides and path resolution. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cablesim/scenario.h"
#include "cs_cli_test.h"

/*
 * The fixture: a temporary tree
 *   <root>/data/topology/{japan.geojson, japan-demand.csv, alt.geojson}   (CABLESIM_DATADIR)
 *   <root>/scen/{local.geojson, local.csv, s.yaml}, <root>/scen/adir/
 * The scenario module only checks that files exist; their contents do not matter.
 */
static char root[64];
static char datadir[128], scendir[128];

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof root, "/tmp/cs-scenario-XXXXXX");
    if (mkdtemp(root) == NULL) return -1;
    char topo[160], adir[160];
    snprintf(datadir, sizeof datadir, "%s/data", root);
    snprintf(topo, sizeof topo, "%s/topology", datadir);
    snprintf(scendir, sizeof scendir, "%s/scen", root);
    snprintf(adir, sizeof adir, "%s/adir", scendir);
    if (mkdir(datadir, 0700) || mkdir(topo, 0700) || mkdir(scendir, 0700) || mkdir(adir, 0700))
        return -1;
    cs_write_in(topo, "japan.geojson", "{}");
    cs_write_in(topo, "japan-demand.csv", "a,b\n");
    cs_write_in(topo, "alt.geojson", "{}");
    cs_write_in(scendir, "local.geojson", "{}");
    cs_write_in(scendir, "local.csv", "a,b\n");
    cs_write_in(scendir, "s.yaml",
                "name: from a file\ntopology: local.geojson\n"
                "demand: topology/japan-demand.csv\n");
    return setenv("CABLESIM_DATADIR", datadir, 1);
}

static int teardown(void **state)
{
    (void)state;
    const char *files[] = {"data/topology/japan.geojson",
                           "data/topology/japan-demand.csv",
                           "data/topology/alt.geojson",
                           "scen/local.geojson",
                           "scen/local.csv",
                           "scen/s.yaml"};
    const char *dirs[] = {"data/topology", "data", "scen/adir", "scen", ""};
    char path[256];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", root, files[i]);
        unlink(path);
    }
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", root, dirs[i]);
        rmdir(path);
    }
    return 0;
}

/* Loads text as "s.yaml" in scendir with overrides; fails the test on error. */
static cs_scenario *load_ok(const char *text, const char *const *sets, size_t nsets)
{
    cs_error err = CS_ERROR_INIT;
    cs_scenario *s = NULL;
    const cs_status rc =
        cs_scenario_load_string(&s, text, "s.yaml", scendir, sets, nsets, 2024, &err);
    if (rc != CS_OK) fail_msg("unexpected error: %s", err.msg);
    assert_non_null(s);
    return s;
}

static void load_fails(const char *text, const char *const *sets, size_t nsets, cs_status code,
                       const char *msg)
{
    cs_error err = CS_ERROR_INIT;
    cs_scenario *s = (cs_scenario *)&err; /* must be reset to NULL */
    assert_int_equal(cs_scenario_load_string(&s, text, "s.yaml", scendir, sets, nsets, 2024, &err),
                     code);
    assert_null(s);
    assert_string_equal(err.msg, msg);
}

static void data_path(char *buf, size_t n, const char *rel)
{
    snprintf(buf, n, "%s/%s", datadir, rel);
}

/* ---------------------------------------------------------------- tests */

static void test_defaults(void **state)
{
    (void)state;
    cs_scenario *s = load_ok("name: base\n", NULL, 0);
    char p[256];
    assert_string_equal(s->name, "base");
    assert_string_equal(s->description, "");
    data_path(p, sizeof p, "topology/japan.geojson");
    assert_string_equal(s->topology_path, p);
    data_path(p, sizeof p, "topology/japan-demand.csv");
    assert_string_equal(s->demand_path, p);
    assert_int_equal(s->as_of, 2024);
    assert_true(s->as_of_default); /* the caller warns: the network depends on the date */
    assert_true(s->trials == 10000);
    assert_true(s->seed == 1);
    assert_int_equal(s->routing.mode, CS_ROUTING_LATENCY_FIRST);
    assert_true(s->routing.use_lit);
    assert_float_equal(s->routing.demand_scale, 1.0, 0.0);
    assert_int_equal(s->routing.rounds, 8);
    assert_float_equal(s->routing.hop_ms, 0.05, 0.0);
    assert_true(s->output.edge_flow);
    assert_true(s->output.latency);
    assert_int_equal(s->output.compression, 2);
    assert_int_equal(s->output.batch_trials, 1024);
    assert_int_equal(s->n_hazards, 0);
    assert_string_equal(s->text, "name: base\n");
    cs_scenario_free(s);
    cs_scenario_free(NULL);
    /* Null values mean "the default" too. */
    s = load_ok("name: n\ndescription:\nrouting: ~\noutput:\nhazards:\ntrials: null\n", NULL, 0);
    assert_string_equal(s->description, "");
    assert_int_equal(s->routing.rounds, 8);
    assert_true(s->output.edge_flow);
    assert_int_equal(s->n_hazards, 0);
    assert_true(s->trials == 10000);
    cs_scenario_free(s);
}

static const char full[] = "name: Nankai M8.7\n"
                           "description: |\n"
                           "  Two lines\n"
                           "  of text.\n"
                           "topology: local.geojson\n"
                           "demand: local.csv\n"
                           "as_of: 2011\n"
                           "trials: 1e6\n"
                           "seed: 9223372036854775807\n"
                           "routing:\n"
                           "  policy: maxflow\n"
                           "  rounds: 17\n"
                           "  hop_ms: 0.375\n"
                           "capacity: design\n"
                           "demand_scale: 2.75\n"
                           "hazards:\n"
                           "  - type: earthquake\n"
                           "    magnitude: 8.7\n"
                           "  - {type: random_faults, years: 0.5}\n"
                           "output:\n"
                           "  edge_flow: false\n"
                           "  latency: false\n"
                           "  compression: 0\n"
                           "  batch_trials: 333\n";

static void test_every_key(void **state)
{
    (void)state;
    cs_scenario *s = load_ok(full, NULL, 0);
    char p[256];
    assert_string_equal(s->name, "Nankai M8.7");
    assert_string_equal(s->description, "Two lines\nof text.\n");
    snprintf(p, sizeof p, "%s/local.geojson", scendir);
    assert_string_equal(s->topology_path, p);
    snprintf(p, sizeof p, "%s/local.csv", scendir);
    assert_string_equal(s->demand_path, p);
    assert_int_equal(s->as_of, 2011);
    assert_false(s->as_of_default);
    assert_true(s->trials == 1000000);
    assert_true(s->seed == (uint64_t)LLONG_MAX);
    assert_int_equal(s->routing.mode, CS_ROUTING_MAXFLOW);
    assert_int_equal(s->routing.rounds, 17);
    assert_float_equal(s->routing.hop_ms, 0.375, 0.0);
    assert_false(s->routing.use_lit);
    assert_float_equal(s->routing.demand_scale, 2.75, 0.0);
    assert_false(s->output.edge_flow);
    assert_false(s->output.latency);
    assert_int_equal(s->output.compression, 0);
    assert_int_equal(s->output.batch_trials, 333);
    /* Hazards are the document's own nodes, in order, for the hazard module. */
    assert_int_equal(s->n_hazards, 2);
    const cs_ynode *list = cs_ymap_get(cs_ydoc_root(s->doc), "hazards");
    assert_ptr_equal(s->hazards[0], list->items[0]);
    assert_ptr_equal(s->hazards[1], list->items[1]);
    assert_string_equal(cs_ymap_get(s->hazards[1], "type")->value, "random_faults");
    assert_int_equal(s->hazards[1]->line, 19);
    assert_int_equal(s->hazards[1]->column, 5);
    /* The recorded text parses back to the same settings. */
    cs_scenario *again = load_ok(s->text, NULL, 0);
    assert_string_equal(again->text, s->text);
    assert_string_equal(again->description, s->description);
    assert_true(again->seed == s->seed);
    assert_int_equal(again->n_hazards, 2);
    cs_scenario_free(again);
    cs_scenario_free(s);
}

/* The resolved text: every default written out, and it loads back to the same run. */
static void test_resolved(void **state)
{
    (void)state;
    cs_error err = CS_ERROR_INIT;
    char *text = NULL;
    /* Defaults only, null maps included. */
    cs_scenario *s = load_ok("name: base\nrouting:\noutput: ~\n", NULL, 0);
    assert_int_equal(cs_scenario_resolved_text(s, &text, &err), CS_OK);
    /* Null maps take their defaults in place; absent keys follow in the order they were read;
     * the paths stay portable (the bundled files, not where they were found). */
    assert_string_equal(
        text, "name: base\nrouting:\n  policy: latency-first\n  rounds: 8\n  hop_ms: 0.05\n"
              "  utilisation: 0.25\n  restoration_at_event: 0.68\n  restoration_ramp_days: 10\n"
              "output:\n  edge_flow: true\n  latency: true\n  headroom: false\n"
              "  compression: 2\n  batch_trials: 1024\n  format_version: 4\ndescription: ''\n"
              "topology: topology/japan.geojson\ndemand: topology/japan-demand.csv\n"
              "as_of: 2024\ntrials: 10000\nseed: 1\ncapacity: lit\ndemand_scale: 1\n"
              "hazards: []\n");
    assert_null(strstr(text, datadir));
    free(text);
    cs_scenario_free(s);
    /* Every key given, --set included: the resolved text loads to the same settings. */
    static const char *const sets[] = {"demand_scale=0.1", "routing.hop_ms=0.3"};
    s = load_ok(full, sets, 2);
    assert_int_equal(cs_scenario_resolved_text(s, &text, &err), CS_OK);
    cs_scenario *r = load_ok(text, NULL, 0);
    assert_string_equal(r->name, s->name);
    assert_string_equal(r->description, "Two lines\nof text.\n");
    assert_string_equal(r->topology_path, s->topology_path);
    assert_string_equal(r->demand_path, s->demand_path);
    assert_int_equal(r->as_of, 2011);
    assert_true(r->trials == s->trials && r->seed == s->seed);
    assert_int_equal(r->routing.mode, CS_ROUTING_MAXFLOW);
    assert_int_equal(r->routing.rounds, 17);
    assert_true(r->routing.hop_ms == 0.3 && r->routing.demand_scale == 0.1);
    assert_false(r->routing.use_lit);
    assert_false(r->output.edge_flow || r->output.latency);
    assert_int_equal(r->output.compression, 0);
    assert_int_equal(r->output.batch_trials, 333);
    assert_int_equal(r->n_hazards, 2);
    cs_scenario_free(r);
    free(text);
    cs_scenario_free(s);
}

/* Name, capacity basis and policy of a stored scenario text, by the loader's rules. */
static void test_basics(void **state)
{
    (void)state;
    cs_error err = CS_ERROR_INIT;
    cs_scenario_basics b;
    assert_int_equal(cs_scenario_basics_of(full, "f", &b, &err), CS_OK);
    assert_string_equal(b.name, "Nankai M8.7");
    assert_string_equal(b.capacity_basis, "design");
    assert_string_equal(b.routing_policy, "maxflow");
    assert_int_equal(cs_scenario_basics_of("name: x\n", "f", &b, &err), CS_OK);
    assert_string_equal(b.capacity_basis, "lit"); /* the loader's default */
    assert_string_equal(b.routing_policy, "latency-first");
    assert_int_equal(cs_scenario_basics_of("name: x\ncapacity: lits\n", "f", &b, &err), CS_EINVAL);
    assert_string_equal(err.msg, "f:2:11: capacity: expected \"design\" or \"lit\", found \"lits\" "
                                 "(did you mean \"lit\"?)");
}

/* One bad value per key: exact file:line:column, key, expected and found. */
static void test_range_errors(void **state)
{
    (void)state;
    const struct {
        const char *text, *msg;
    } cases[] = {
        {"trials: 5\n", "s.yaml:1:1: name: expected a string, found nothing"},
        {"name: [a]\n", "s.yaml:1:7: name: expected a string, found a list"},
        {"name: ''\n", "s.yaml:1:7: name: expected a non-empty string, found the string \"\""},
        {"name: n\ndescription: {a: 1}\n",
         "s.yaml:2:14: description: expected a string, found a map"},
        {"name: n\ntopology: nothere.geojson\n",
         "s.yaml:2:11: topology: expected an existing file, found \"nothere.geojson\""},
        {"name: n\ntopology: adir\n",
         "s.yaml:2:11: topology: expected an existing file, found \"adir\""},
        {"name: n\ndemand: ''\n",
         "s.yaml:2:9: demand: expected a file path, found the string \"\""},
        {"name: n\ndemand: [x]\n", "s.yaml:2:9: demand: expected a string, found a list"},
        {"name: n\nas_of: 1989\n",
         "s.yaml:2:8: as_of: expected an integer in [1990, 2100], found \"1989\""},
        {"name: n\nas_of: 2101\n",
         "s.yaml:2:8: as_of: expected an integer in [1990, 2100], found \"2101\""},
        {"name: n\nas_of: 2011.5\n",
         "s.yaml:2:8: as_of: expected an integer in [1990, 2100], found \"2011.5\""},
        {"name: n\ntrials: 0\n",
         "s.yaml:2:9: trials: expected an integer in [1, 1000000000000], found \"0\""},
        {"name: n\ntrials: 1.5e12\n",
         "s.yaml:2:9: trials: expected an integer in [1, 1000000000000], found \"1.5e12\""},
        {"name: n\ntrials: many\n",
         "s.yaml:2:9: trials: expected an integer in [1, 1000000000000], found \"many\""},
        {"name: n\nseed: -1\n", "s.yaml:2:7: seed: expected an integer >= 0, found \"-1\""},
        {"name: n\nseed: 9223372036854775808\n",
         "s.yaml:2:7: seed: expected an integer >= 0, found \"9223372036854775808\""},
        {"name: n\nrouting: maxflow\n",
         "s.yaml:2:10: routing: expected a map with keys policy, rounds, hop_ms, "
         "restoration_share, "
         "utilisation, restoration_at_event, restoration_ramp_days, found \"maxflow\""},
        {"name: n\nrouting:\n  policy: fastest\n",
         "s.yaml:3:11: routing.policy: expected \"latency-first\" or \"maxflow\", found "
         "\"fastest\""},
        {"name: n\nrouting: {rounds: 0}\n",
         "s.yaml:2:19: routing.rounds: expected an integer in [1, 1000], found \"0\""},
        {"name: n\nrouting: {rounds: 1001}\n",
         "s.yaml:2:19: routing.rounds: expected an integer in [1, 1000], found \"1001\""},
        {"name: n\nrouting: {hop_ms: -0.01}\n",
         "s.yaml:2:19: routing.hop_ms: expected a number in [0, 100], found \"-0.01\""},
        {"name: n\nrouting: {hop_ms: 100.5}\n",
         "s.yaml:2:19: routing.hop_ms: expected a number in [0, 100], found \"100.5\""},
        {"name: n\nrouting: {policy: maxflow, round: 3}\n",
         "s.yaml:2:28: routing: unknown key \"round\" (did you mean \"rounds\"?); allowed keys: "
         "policy, rounds, hop_ms, restoration_share, utilisation, restoration_at_event, "
         "restoration_ramp_days"},
        {"name: n\nrouting: {restoration_share: 1.5}\n",
         "s.yaml:2:30: routing.restoration_share: expected a number in [0, 1], found \"1.5\""},
        {"name: n\nrouting: {utilisation: 0}\n",
         "s.yaml:2:24: routing.utilisation: expected a number in [0.001, 1], found \"0\""},
        {"name: n\nrouting: {restoration_at_event: 2}\n",
         "s.yaml:2:33: routing.restoration_at_event: expected a number in [0, 1], found \"2\""},
        {"name: n\nrouting: {restoration_ramp_days: -1}\n",
         "s.yaml:2:34: routing.restoration_ramp_days: expected a number in [0, 3650], found "
         "\"-1\""},
        {"name: n\ncapacity: designed\n",
         "s.yaml:2:11: capacity: expected \"design\" or \"lit\", found \"designed\" "
         "(did you mean \"design\"?)"},
        {"name: n\ndemand_scale: 0\n",
         "s.yaml:2:15: demand_scale: expected a number in (0, 1000], found \"0\""},
        {"name: n\ndemand_scale: 1000.5\n",
         "s.yaml:2:15: demand_scale: expected a number in (0, 1000], found \"1000.5\""},
        {"name: n\ndemand_scale: \"2\"\n",
         "s.yaml:2:15: demand_scale: expected a number in (0, 1000], found the string \"2\""},
        {"name: n\nhazards: {type: earthquake}\n",
         "s.yaml:2:10: hazards: expected a list, found a map"},
        {"name: n\nhazards: [3]\n",
         "s.yaml:2:11: hazards.0: expected a map with a type key, found \"3\""},
        {"name: n\nhazards:\n  - type: explicit\n  - magnitude: 8\n",
         "s.yaml:4:5: hazards.1.type: expected a string, found nothing"},
        {"name: n\nhazards:\n  - type: [earthquake]\n",
         "s.yaml:3:11: hazards.0.type: expected a string, found a list"},
        {"name: n\noutput: 3\n",
         "s.yaml:2:9: output: expected a map with keys edge_flow, latency, compression, "
         "batch_trials, headroom, format_version, found \"3\""},
        {"name: n\noutput:\n  headroom: 2\n",
         "s.yaml:3:13: output.headroom: expected true or false, found \"2\""},
        {"name: n\noutput:\n  edge_flow: yes\n",
         "s.yaml:3:14: output.edge_flow: expected true or false, found \"yes\""},
        {"name: n\noutput:\n  latency: 1\n",
         "s.yaml:3:12: output.latency: expected true or false, found \"1\""},
        {"name: n\noutput:\n  compression: 10\n",
         "s.yaml:3:16: output.compression: expected an integer in [0, 9], found \"10\""},
        {"name: n\noutput:\n  batch_trials: 0\n",
         "s.yaml:3:17: output.batch_trials: expected an integer in [1, 1000000], found \"0\""},
        {"name: n\noutput:\n  batch_trials: 1000001\n",
         "s.yaml:3:17: output.batch_trials: expected an integer in [1, 1000000], found "
         "\"1000001\""},
        {"name: n\noutput:\n  chunk: 5\n", "s.yaml:3:3: output: unknown key \"chunk\"; allowed "
                                           "keys: edge_flow, latency, compression, "
                                           "batch_trials, headroom, format_version"},
        {"name: n\noutput:\n  format_version: 5\n",
         "s.yaml:3:19: output.format_version: expected an integer in [1, 4], found \"5\""},
        {"name: n\ntrails: 5\n",
         "s.yaml:2:1: scenario: unknown key \"trails\" (did you mean \"trials\"?); allowed keys: "
         "name, description, topology, demand, as_of, trials, seed, routing, capacity, "
         "demand_scale, hazards, output, recovery, estimator, network"},
        {"- name: n\n",
         "s.yaml:1:1: scenario: expected a map with keys name, description, topology, demand, "
         "as_of, trials, seed, routing, capacity, demand_scale, hazards, output, recovery, "
         "estimator, network, found a list"},
        {"name: n\nname: m\n", "s.yaml:2:1: duplicate key \"name\" (first at line 1)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const cs_status code = strstr(cases[i].msg, "duplicate") ? CS_EPARSE : CS_EINVAL;
        load_fails(cases[i].text, NULL, 0, code, cases[i].msg);
    }
}

static void collect(void *ctx, const char *msg)
{
    size_t *n = ctx;
    (void)msg;
    (*n)++;
}

/* Checking goes on after a problem: a validator sees every one through the sink. */
static void test_all_problems_reported(void **state)
{
    (void)state;
    size_t seen = 0;
    cs_error err = CS_ERROR_INIT;
    err.sink = collect;
    err.sink_ctx = &seen;
    cs_scenario *s = NULL;
    assert_int_equal(cs_scenario_load_string(&s,
                                             "name: n\ntrials: 0\nseed: -2\ncapacity: x\n"
                                             "output: {compression: 11}\n",
                                             "s.yaml", scendir, NULL, 0, 2024, &err),
                     CS_EINVAL);
    assert_null(s);
    assert_int_equal(err.count, 4);
    assert_int_equal(seen, 4);
    assert_string_equal(
        err.msg, "s.yaml:2:9: trials: expected an integer in [1, 1000000000000], found \"0\"");
}

static void test_overrides(void **state)
{
    (void)state;
    const char *sets[] = {"trials=1000",
                          "seed=7",
                          "routing.policy=latency-first",
                          "output.edge_flow=true",
                          "hazards.0.magnitude=9.1",
                          "hazards.1={type: sabotage, cuts: 3}",
                          "capacity=lit",
                          "description=from the command line"};
    cs_scenario *s = load_ok(full, sets, sizeof sets / sizeof sets[0]);
    assert_true(s->trials == 1000);
    assert_true(s->seed == 7);
    assert_int_equal(s->routing.mode, CS_ROUTING_LATENCY_FIRST);
    assert_int_equal(s->routing.rounds, 17);
    assert_true(s->output.edge_flow);
    assert_false(s->output.latency);
    assert_true(s->routing.use_lit);
    assert_string_equal(s->description, "from the command line");
    assert_string_equal(cs_ymap_get(s->hazards[0], "magnitude")->value, "9.1");
    assert_string_equal(cs_ymap_get(s->hazards[1], "type")->value, "sabotage");
    /* The recorded text is the scenario after the overrides. */
    assert_non_null(strstr(s->text, "trials: 1000\nseed: 7\n"));
    assert_non_null(strstr(s->text, "- type: sabotage\n  cuts: 3\n"));
    cs_scenario_free(s);

    /* An override adds a key; on an empty file it supplies everything. */
    const char *minimal[] = {"name=cli only", "as_of=2000"};
    s = load_ok("", minimal, 2);
    assert_string_equal(s->name, "cli only");
    assert_int_equal(s->as_of, 2000);
    assert_false(s->as_of_default); /* given by an override */
    assert_string_equal(s->text, "name: cli only\nas_of: 2000\n");
    cs_scenario_free(s);

    /* A key in a map the file does not have: the map is made. */
    const char *deep[] = {"output.edge_flow=false", "routing.policy=maxflow"};
    s = load_ok("name: n\n", deep, 2);
    assert_false(s->output.edge_flow);
    assert_true(s->output.latency);
    assert_int_equal(s->routing.mode, CS_ROUTING_MAXFLOW);
    assert_string_equal(s->text,
                        "name: n\noutput:\n  edge_flow: false\nrouting:\n  policy: maxflow\n");
    cs_scenario_free(s);

    /* Bad values given with --set are reported at the --set. */
    const char *mistyped[] = {"outptu.edge_flow=false"};
    load_fails("name: n\n", mistyped, 1, CS_EINVAL,
               "--set outptu.edge_flow=false: scenario: unknown key \"outptu\" (did you mean "
               "\"output\"?); allowed keys: name, description, topology, demand, as_of, trials, "
               "seed, routing, capacity, demand_scale, hazards, output, recovery, estimator, "
               "network");
    const char *zero[] = {"seed=3", "trials=0"};
    load_fails("name: n\n", zero, 2, CS_EINVAL,
               "--set trials=0: trials: expected an integer in [1, 1000000000000], found \"0\"");
    const char *typo[] = {"trails=5"};
    load_fails("name: n\n", typo, 1, CS_EINVAL,
               "--set trails=5: scenario: unknown key \"trails\" (did you mean \"trials\"?); "
               "allowed keys: name, description, topology, demand, as_of, trials, seed, routing, "
               "capacity, demand_scale, hazards, output, recovery, estimator, network");
    const char *nested[] = {"routing={rounds: 0}"};
    load_fails("name: n\n", nested, 1, CS_EINVAL,
               "--set routing={rounds: 0}: routing.rounds: expected an integer in [1, 1000], "
               "found \"0\"");
    const char *noeq[] = {"trials=5", "seed"};
    load_fails("name: n\n", noeq, 2, CS_EINVAL, "--set seed: expected key=value, found no '='");
    const char *range[] = {"hazards.2.magnitude=1"};
    load_fails(full, range, 1, CS_EINVAL,
               "--set hazards.2.magnitude=1: index 2 out of range (\"hazards\" has 2 items)");
}

static void test_paths(void **state)
{
    (void)state;
    char p[256], abs[256];
    /* Relative to the scenario's directory when the file is there... */
    cs_scenario *s = load_ok("name: n\ntopology: local.geojson\n", NULL, 0);
    snprintf(p, sizeof p, "%s/local.geojson", scendir);
    assert_string_equal(s->topology_path, p);
    cs_scenario_free(s);
    /* ...else the bundled data. */
    s = load_ok("name: n\ntopology: topology/alt.geojson\ndemand: topology/japan-demand.csv\n",
                NULL, 0);
    data_path(p, sizeof p, "topology/alt.geojson");
    assert_string_equal(s->topology_path, p);
    data_path(p, sizeof p, "topology/japan-demand.csv");
    assert_string_equal(s->demand_path, p);
    cs_scenario_free(s);
    /* Absolute paths are taken as they are. */
    snprintf(abs, sizeof abs, "name: n\ntopology: %s/local.geojson\n", scendir);
    s = load_ok(abs, NULL, 0);
    snprintf(p, sizeof p, "%s/local.geojson", scendir);
    assert_string_equal(s->topology_path, p);
    cs_scenario_free(s);
    snprintf(abs, sizeof abs, "name: n\ntopology: %s/gone.geojson\n", scendir);
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_scenario_load_string(&s, abs, "s.yaml", scendir, NULL, 0, 2024, &err),
                     CS_EINVAL);
    snprintf(p, sizeof p,
             "s.yaml:2:11: topology: expected an existing file, found \"%s/gone.geojson\"",
             scendir);
    assert_string_equal(err.msg, p);

    /* From a file: relative to that file's directory, whatever the working directory. */
    char path[256];
    snprintf(path, sizeof path, "%s/s.yaml", scendir);
    cs_error_clear(&err);
    assert_int_equal(cs_scenario_load(&s, path, NULL, 0, 2030, &err), CS_OK);
    assert_string_equal(s->name, "from a file");
    assert_int_equal(s->as_of, 2030);
    snprintf(p, sizeof p, "%s/local.geojson", scendir);
    assert_string_equal(s->topology_path, p);
    data_path(p, sizeof p, "topology/japan-demand.csv");
    assert_string_equal(s->demand_path, p);
    assert_string_equal(cs_ydoc_name(s->doc), path);
    cs_scenario_free(s);
    snprintf(path, sizeof path, "%s/none.yaml", scendir);
    s = (cs_scenario *)&err;
    assert_int_equal(cs_scenario_load(&s, path, NULL, 0, 2030, &err), CS_EIO);
    assert_null(s);
    assert_non_null(strstr(err.msg, "none.yaml: cannot open: No such file or directory"));
    /* An error in the file names the file as given. */
    snprintf(path, sizeof path, "%s/s.yaml", scendir);
    const char *bad[] = {"topology=missing.geojson"};
    cs_error_clear(&err);
    assert_int_equal(cs_scenario_load(&s, path, bad, 1, 2030, &err), CS_EINVAL);
    assert_string_equal(err.msg, "--set topology=missing.geojson: topology: expected an existing "
                                 "file, found \"missing.geojson\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),     cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_range_errors), cmocka_unit_test(test_all_problems_reported),
        cmocka_unit_test(test_overrides),    cmocka_unit_test(test_paths),
        cmocka_unit_test(test_resolved),     cmocka_unit_test(test_basics),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
