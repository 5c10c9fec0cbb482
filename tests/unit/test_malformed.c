/*
 * test_malformed.c: what the session-19 sweep of malformed inputs and options found (docs/
 * validation.md, "Malformed inputs swept"), each a case that failed before its fix: outputs that
 * are not files to replace (a FIFO, a directory, an input of the command, an empty name, a
 * missing directory) are refused with one line and exit status 2 before anything is computed,
 * by every command that writes a file, also with --force; and errors in a scenario's network
 * section name the scenario's line, not the topology's.
 */
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
#include <hdf5.h>

#include "cs_test.h"

/* A scratch directory with a small results file (a.h5), two parts of one run (p0.h5, p1.h5), a
 * scenario (s.yaml), a FIFO (fifo) and a directory (dir). */
typedef struct {
    char dir[64];
} fixture;

static const char scenario[] = "name: t\nas_of: 2026\ntrials: 2\nseed: 3\ntopology: " CS_TEST_DATA
                               "/engine-topo.geojson\ndemand: " CS_TEST_DATA
                               "/engine-demand.csv\nhazards: [{type: sabotage, k: 1}]\n";

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (fx == NULL) return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/cs-malformed-XXXXXX");
    if (mkdtemp(fx->dir) == NULL) return -1;
    char p[256], out[4096];
    snprintf(p, sizeof p, "%s/s.yaml", fx->dir);
    FILE *f = fopen(p, "w");
    if (f == NULL) return -1;
    fputs(scenario, f);
    fclose(f);
    snprintf(p, sizeof p, "%s/fifo", fx->dir);
    if (mkfifo(p, 0600) != 0) return -1;
    snprintf(p, sizeof p, "%s/dir", fx->dir);
    if (mkdir(p, 0700) != 0) return -1;
    if (cs_test_cli(fx->dir, "run s.yaml -o a.h5 --quiet", true, out, sizeof out) != 0 ||
        cs_test_cli(fx->dir, "run s.yaml --shard 0/2 -o p0.h5 --quiet", true, out, sizeof out) !=
            0 ||
        cs_test_cli(fx->dir, "run s.yaml --shard 1/2 -o p1.h5 --quiet", true, out, sizeof out) != 0)
        return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx->dir);
    if (system(cmd) != 0) return -1;
    free(fx);
    return 0;
}

static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Runs args in the fixture's directory: exit status 2 and exactly the one line expect. */
static void refused(const fixture *fx, const char *args, const char *expect)
{
    char out[4096];
    const int st = cs_test_cli(fx->dir, args, true, out, sizeof out);
    if (st != 2 || lines(out) != 1 || strstr(out, expect) == NULL)
        fail_msg("%s: exit %d, output\n%sexpected exit 2 and one line with\n%s", args, st, out,
                 expect);
}

/* The directory holds exactly the fixture's files: nothing left behind. */
static void nothing_left(const fixture *fx)
{
    char cmd[256], out[4096];
    snprintf(cmd, sizeof cmd, "ls -A '%s' | tr '\\n' ' '", fx->dir);
    cs_test_capture(cmd, out, sizeof out);
    assert_string_equal(out, "a.h5 dir fifo p0.h5 p1.h5 s.yaml ");
    struct stat st;
    snprintf(cmd, sizeof cmd, "%s/fifo", fx->dir);
    assert_int_equal(lstat(cmd, &st), 0);
    assert_true(S_ISFIFO(st.st_mode)); /* not replaced by a regular file */
    snprintf(cmd, sizeof cmd, "%s/dir", fx->dir);
    assert_int_equal(lstat(cmd, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
}

/* The commands that write a file under a temporary name and rename it, each with -o OUT. */
static const char *const writers[] = {
    "merge p0.h5 p1.h5 --quiet --force -o",
    "report a.h5 --coastline none --force -o",
    "report a.h5 --coastline none -o r.html --force --pdf",
    "evolution s.yaml --from 2020 --to 2021 --quiet --force -o",
    "topology export " CS_TEST_DATA "/engine-topo.geojson --format dot --force -o",
};

/* Before: merge, report and topology export with --force renamed a regular file over a FIFO or
 * a device (as root, `merge -o /dev/null --force` replaced /dev/null), exit 0. */
static void test_special_files_refused(void **state)
{
    const fixture *fx = *state;
    char args[512];
    for (size_t i = 0; i < sizeof writers / sizeof *writers; i++) {
        snprintf(args, sizeof args, "%s fifo", writers[i]);
        refused(fx, args,
                "cablesim: fifo: expected a new file or a regular file to replace, found a FIFO: "
                "not replaced");
        snprintf(args, sizeof args, "%s dir", writers[i]);
        refused(fx, args,
                "cablesim: dir: expected a new file or a regular file to replace, found a "
                "directory: not replaced");
        nothing_left(fx);
    }
}

/* Before: an empty -o made the temporary file ".tmp" (or ".tmp-PID"), failed to rename it to ""
 * and left it, with the message "cablesim: : cannot rename .tmp to it". */
static void test_empty_names_refused(void **state)
{
    const fixture *fx = *state;
    refused(fx, "run s.yaml -o '' --quiet", "cablesim: run: -o/--output needs a file name");
    refused(fx, "run s.yaml --output= --quiet", "cablesim: run: -o/--output needs a file name");
    refused(fx, "merge -o '' p0.h5 p1.h5", "cablesim: merge: -o/--output needs a file name");
    refused(fx, "report a.h5 -o '' --coastline none", "cablesim: report: -o: expected a value");
    refused(fx, "report a.h5 -o r.html --pdf '' --coastline none",
            "cablesim: report: --pdf: expected a value");
    refused(fx, "evolution s.yaml -o ''", "cablesim: evolution: -o/--output needs a file name");
    refused(fx, "analyze a.h5 --top ''", "analyze: --top");
    nothing_left(fx);
}

/* Before: a missing directory was found when the file was created, after the work (evolution ran
 * every year first; exit 1 for topology export and for report --pdf, which left the page). */
static void test_missing_directory(void **state)
{
    const fixture *fx = *state;
    char args[512];
    for (size_t i = 0; i < sizeof writers / sizeof *writers; i++) {
        snprintf(args, sizeof args, "%s nodir/x", writers[i]);
        refused(fx, args, "cablesim: nodir/x: cannot be created: no directory nodir");
        snprintf(args, sizeof args, "%s x/", writers[i]);
        refused(fx, args, "cablesim: x/: expected a file name, found a directory name");
    }
    nothing_left(fx);
}

/* Before: report -o A.h5 --force replaced its own input with the page, evolution -o SCENARIO
 * --force the scenario with the table, and --pdf naming the page printed the PDF over it. */
static void test_inputs_not_replaced(void **state)
{
    const fixture *fx = *state;
    refused(fx, "report a.h5 --coastline none --force -o a.h5",
            "cablesim: a.h5: expected a new file or one to replace, found an input of the "
            "command (a.h5): choose another output");
    refused(fx, "report a.h5 --coastline none --force -o r.html --pdf a.h5",
            "found an input of the command (a.h5)");
    refused(fx, "report a.h5 --coastline none -o r.html --pdf r.html",
            "cablesim: report: --pdf r.html: expected another file than the page (-o)");
    refused(fx, "evolution s.yaml --from 2020 --to 2021 --force -o s.yaml",
            "cablesim: s.yaml: expected a new file or one to replace, found an input of the "
            "command (s.yaml)");
    nothing_left(fx);
    char out[4096];
    assert_int_equal(cs_test_cli(fx->dir, "status a.h5", true, out, sizeof out), 0);
}

/* Before: a new station's bad country passed the network section and was reported by the
 * topology loader as "japan.geojson: feature 776 (id ...)", a feature the user never wrote. */
static void test_network_station_country(void **state)
{
    const fixture *fx = *state;
    char path[256];
    snprintf(path, sizeof path, "%s/n.yaml", fx->dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("name: n\nas_of: 2026\ntrials: 2\nnetwork:\n  stations:\n    - {id: jp-new, country: "
          "Japan, lonlat: [136.2, 34.07], link_to: [city-osaka]}\n",
          f);
    fclose(f);
    refused(fx, "run n.yaml --dry-run",
            "cablesim: n.yaml:6:29: network.stations.0.country: expected an ISO 3166-1 alpha-2 "
            "code such as \"JP\" (\"XX\" is only for branching units), found \"Japan\"");
    remove(path);
}

/* Before: merge allocated the whole --buffer-size at once (twice): the largest value it accepts,
 * 2^40, crashed with ASan's allocation-size-too-big and left m.h5.tmp-PID behind; 2 GiB took
 * over 60 s under ASan for a 250 KB merge. The buffer now grows to what the slices need. */
static void test_merge_huge_buffer(void **state)
{
    const fixture *fx = *state;
    char out[4096];
    assert_int_equal(cs_test_cli(fx->dir,
                                 "merge -o m.h5 p0.h5 p1.h5 --quiet --buffer-size 1099511627776",
                                 true, out, sizeof out),
                     0);
    assert_string_equal(out, "");
    assert_int_equal(cs_test_cli(fx->dir, "status m.h5", true, out, sizeof out), 0);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s/m.h5", fx->dir);
    assert_int_equal(remove(cmd), 0);
    nothing_left(fx);
}

/* Before: `status` of a file whose /outcomes/latency_ms/index was deleted said
 * "/outcomes/latency_ms has -1 rows, fewer than the 2 committed" (the length of a table it could
 * not read). */
static void test_status_missing_table_part(void **state)
{
    const fixture *fx = *state;
    char cmd[512], out[4096];
    snprintf(cmd, sizeof cmd, "cp '%s/a.h5' '%s/d.h5'", fx->dir, fx->dir);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "%s/d.h5", fx->dir);
    const hid_t f = H5Fopen(cmd, H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    assert_true(H5Ldelete(f, "/outcomes/latency_ms/index", H5P_DEFAULT) >= 0);
    assert_true(H5Fclose(f) >= 0);
    assert_int_equal(cs_test_cli(fx->dir, "status d.h5", true, out, sizeof out), 4);
    assert_string_equal(out, "d.h5: incomplete and not resumable: /outcomes/latency_ms cannot be "
                             "read as rows (a part of it is missing or of another shape)\n");
    assert_int_equal(remove(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_special_files_refused),
        cmocka_unit_test(test_empty_names_refused),
        cmocka_unit_test(test_missing_directory),
        cmocka_unit_test(test_inputs_not_replaced),
        cmocka_unit_test(test_network_station_country),
        cmocka_unit_test(test_merge_huge_buffer),
        cmocka_unit_test(test_status_missing_table_part),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
