/*
 * test_inputs.c: paths that travel (docs/scenarios.md, "Paths of a stored run"). A scenario
 * with relative topology, demand and fleet paths is run from its own directory; `run --resume`,
 * `status` and `merge` of its files then work from another directory, and after the inputs and
 * the results moved together; the results file records where the inputs were; when an input is
 * nowhere, the message lists what was tried and names CABLESIM_INPUT_DIR, which then finds it.
 * Scratch files go to inputs-scratch/ in the test's working (build) directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <hdf5.h>

#include "cablesim/error.h"
#include "cs_cli_test.h"

static char scratch[2048]; /* absolute path of the scratch directory */

/* Runs cablesim with args in scratch/dir (with env, shell assignments, before it); returns the
 * exit status, output in out. */
static int cli_in(const char *dir, const char *env, const char *args, char *out, size_t n)
{
    char where[4096], cmd[4096];
    snprintf(where, sizeof where, "%s/%s", scratch, dir);
    snprintf(cmd, sizeof cmd, "%s '%s' %s", env, CS_CLI, args);
    return cs_sh_in(where, cmd, out, n);
}

static void sh_ok(const char *cmd)
{
    char out[8192];
    if (cs_sh_in(scratch, cmd, out, sizeof out) != 0) fail_msg("%s: %s", cmd, out);
}

/* The string root attribute name of the results file scratch/file ("" when absent). */
static void str_attr(const char *file, const char *name, char *buf, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", scratch, file);
    cs_h5_str_attr(path, "/", name, buf, n);
}

/* Whether every /trials and /recovery dataset of scratch/a and scratch/b is the same. */
static void same_trials(const char *a, const char *b)
{
    char pa[4096], pb[4096];
    snprintf(pa, sizeof pa, "%s/%s", scratch, a);
    snprintf(pb, sizeof pb, "%s/%s", scratch, b);
    assert_true(cs_h5_same_group(pa, pb, "/trials") > 5);
    assert_true(cs_h5_same_group(pa, pb, "/recovery") > 5);
}

static const char scenario[] = "name: travel\n"
                               "topology: data/net.geojson\n"
                               "demand: data/dem.csv\n"
                               "as_of: 2011\n"
                               "trials: 12\n"
                               "seed: 5\n"
                               "output: {batch_trials: 2, edge_flow: false}\n"
                               "hazards:\n"
                               "  - type: explicit\n"
                               "    segments: [pac-2:1]\n"
                               "  - type: random_faults\n"
                               "recovery:\n"
                               "  fleet: fleets/two.yaml\n"
                               "  horizon_days: 30\n";

static int setup(void **state)
{
    (void)state;
    if (!cs_scratch_init(scratch, sizeof scratch, "inputs")) return -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/proj/scen.yaml", scratch);
    char out[8192];
    if (cs_sh_in(scratch,
                 "mkdir -p proj/data proj/fleets out other && cp engine-topo.geojson "
                 "proj/data/net.geojson && cp engine-demand.csv proj/data/dem.csv && cp "
                 "fleet-two.yaml proj/fleets/two.yaml",
                 out, sizeof out) != 0)
        return -1;
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(scenario, f) < 0 || fclose(f) != 0) return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cs_scratch_remove(scratch);
    return 0;
}

/* The reference: one uninterrupted run, and the paths it records. */
static void test_recorded(void **state)
{
    (void)state;
    char out[16384], v[4096], want[4096];
    assert_int_equal(cli_in("proj", "", "run scen.yaml -o ../out/full.h5 --quiet", out, sizeof out),
                     0);
    str_attr("out/full.h5", "topology_path_given", v, sizeof v);
    assert_string_equal(v, "data/net.geojson");
    str_attr("out/full.h5", "topology_path_rel", v, sizeof v);
    assert_string_equal(v, "../proj/data/net.geojson");
    str_attr("out/full.h5", "demand_path_rel", v, sizeof v);
    assert_string_equal(v, "../proj/data/dem.csv");
    str_attr("out/full.h5", "scenario_dir_rel", v, sizeof v);
    assert_string_equal(v, "../proj");
    str_attr("out/full.h5", "scenario_dir_given", v, sizeof v);
    assert_string_equal(v, ""); /* the scenario was named without a directory */
    str_attr("out/full.h5", "scenario_dir_abs", v, sizeof v);
    snprintf(want, sizeof want, "%s/proj", scratch);
    assert_string_equal(v, want);
    str_attr("out/full.h5", "topology_path_abs", v, sizeof v);
    snprintf(want, sizeof want, "%s/proj/data/net.geojson", scratch);
    assert_string_equal(v, want);
}

/* An interrupted run resumed (and checked by status) from another directory. */
static void test_resume_elsewhere(void **state)
{
    (void)state;
    char out[16384];
    assert_int_equal(cli_in("proj", "",
                            "run scen.yaml -o ../out/part.h5 --quiet --stop-after-batches 2", out,
                            sizeof out),
                     3);
    assert_int_equal(cli_in("other", "", "status ../out/part.h5", out, sizeof out), 3);
    assert_int_equal(cli_in("other", "", "run --resume ../out/part.h5 --quiet", out, sizeof out),
                     0);
    same_trials("out/part.h5", "out/full.h5");
}

/* Parts written from the scenario's directory, merged from another one. */
static void test_merge_elsewhere(void **state)
{
    (void)state;
    char out[16384], v[4096];
    assert_int_equal(
        cli_in("proj", "", "run scen.yaml --shard 0/2 -o ../out/p0.h5 --quiet", out, sizeof out),
        0);
    assert_int_equal(
        cli_in("proj", "", "run scen.yaml --shard 1/2 -o ../out/p1.h5 --quiet", out, sizeof out),
        0);
    sh_ok("mkdir -p other/merged");
    assert_int_equal(
        cli_in("other", "", "merge -o merged/all.h5 ../out/p1.h5 ../out/p0.h5", out, sizeof out),
        0);
    same_trials("other/merged/all.h5", "out/full.h5");
    /* Relative to the merged file, not to the parts. */
    str_attr("other/merged/all.h5", "topology_path_rel", v, sizeof v);
    assert_string_equal(v, "../../proj/data/net.geojson");
    str_attr("other/merged/all.h5", "scenario_dir_rel", v, sizeof v);
    assert_string_equal(v, "../../proj");
}

/* Inputs and results moved together: found through scenario_dir_rel; an input nowhere: the
 * message says what was tried; CABLESIM_INPUT_DIR points at it. */
static void test_moved(void **state)
{
    (void)state;
    char out[16384];
    assert_int_equal(cli_in("proj", "",
                            "run scen.yaml -o ../out/moving.h5 --quiet --stop-after-batches 1", out,
                            sizeof out),
                     3);
    sh_ok("mkdir -p moved && cp -r proj moved/proj && mkdir -p moved/out && mv out/moving.h5 "
          "moved/out/ && mv proj proj.away");
    assert_int_equal(cli_in("other", "", "status ../moved/out/moving.h5", out, sizeof out), 3);
    /* Nothing where it was, nothing from the file's place: the message lists the places. */
    sh_ok("mv moved/proj moved/proj.gone");
    assert_int_equal(
        cli_in("other", "", "run --resume ../moved/out/moving.h5 --quiet", out, sizeof out), 2);
    assert_non_null(strstr(out, "input \"data/net.geojson\" of the stored scenario not found"));
    assert_non_null(strstr(out, "(the scenario's directory when it ran)"));
    assert_non_null(strstr(out, "(the working directory)"));
    assert_non_null(strstr(out, "set CABLESIM_INPUT_DIR"));
    assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1); /* one line */
    assert_int_equal(cli_in("other", "CABLESIM_INPUT_DIR=../moved/proj.gone",
                            "run --resume ../moved/out/moving.h5 --quiet", out, sizeof out),
                     0);
    same_trials("moved/out/moving.h5", "out/full.h5");
    /* Back where it was, through scenario_dir_rel. */
    sh_ok("mv moved/proj.gone moved/proj && mv proj.away proj");
}

/* Moved together and found without help: scenario_dir_rel from the results file. */
static void test_moved_together(void **state)
{
    (void)state;
    char out[16384];
    assert_int_equal(cli_in("proj", "",
                            "run scen.yaml -o ../out/together.h5 --quiet --stop-after-batches 1",
                            out, sizeof out),
                     3);
    sh_ok("rm -rf box && mkdir -p box/out && cp -r proj box/proj && mv out/together.h5 box/out/ && "
          "mv proj proj.away");
    assert_int_equal(
        cli_in("other", "", "run --resume ../box/out/together.h5 --quiet", out, sizeof out), 0);
    same_trials("box/out/together.h5", "out/full.h5");
    sh_ok("mv proj.away proj");
}

/* scenario_resolved: every default filled in, no machine path, and run as a scenario from the
 * original's directory it gives the same results. */
static void test_resolved_reruns(void **state)
{
    (void)state;
    char text[65536], out[16384], path[4096];
    str_attr("out/full.h5", "scenario_resolved", text, sizeof text);
    assert_null(strstr(text, scratch)); /* portable: no absolute path of this machine */
    static const char *const filled[] = {"topology: data/net.geojson\n",
                                         "restoration_ramp_days: 10\n",
                                         "batch_trials: 2\n",
                                         "capacity: lit\n",
                                         "permit_days:\n",
                                         "  contested: 56\n",
                                         "weather_regions:\n",
                                         "policy: fifo\n",
                                         "step_hours: 6\n"};
    for (size_t i = 0; i < sizeof filled / sizeof *filled; i++)
        if (strstr(text, filled[i]) == NULL) fail_msg("no \"%s\" in:\n%s", filled[i], text);
    snprintf(path, sizeof path, "%s/proj/resolved.yaml", scratch);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(
        cli_in("proj", "", "run resolved.yaml -o ../out/again.h5 --quiet", out, sizeof out), 0);
    same_trials("out/again.h5", "out/full.h5");
    char pa[4096], pb[4096];
    snprintf(pa, sizeof pa, "%s/out/again.h5", scratch);
    snprintf(pb, sizeof pb, "%s/out/full.h5", scratch);
    assert_true(cs_h5_same_group(pa, pb, "/baseline") > 0);
    assert_true(cs_h5_same_group(pa, pb, "/topology") > 0);
    assert_true(cs_h5_same_group(pa, pb, "/timeseries") > 0);
    /* And it resolves to itself. */
    char again[65536];
    str_attr("out/again.h5", "scenario_resolved", again, sizeof again);
    assert_string_equal(again, text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recorded),        cmocka_unit_test(test_resume_elsewhere),
        cmocka_unit_test(test_merge_elsewhere), cmocka_unit_test(test_moved),
        cmocka_unit_test(test_moved_together),  cmocka_unit_test(test_resolved_reruns),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
