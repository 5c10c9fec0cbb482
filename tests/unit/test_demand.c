/*
 * test_demand.c: reading the demand CSV against tests/data/topo-good.geojson,
 * whose cities are city-tokyo (node 0), city-osaka (4), city-la (9) and
 * city-sendai (10). Every error message must read "file:line:column: ...".
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cs_test.h"

#include "cablesim/demand.h"
#include "cablesim/topology.h"

#define TOPO CS_TEST_DATA "/topo-good.geojson"
/* `sha256sum tests/data/demand-good.csv`, taken when the fixture was written. */
#define GOOD_SHA256 "4f21afd680dae4a8c30d83c4c6a02db0e7ac9ab721454c7c69f24be2939bcd33"

static int setup(void **state)
{
    cs_error err = CS_ERROR_INIT;
    cs_topology_t *t = NULL;
    if (cs_topology_load(&t, TOPO, NULL, &err) != CS_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    cs_topology_free(*state);
    return 0;
}

typedef struct {
    size_t n;
    char lines[4][512];
} sink_log;

static void collect(void *ctx, const char *msg)
{
    sink_log *log = ctx;
    if (log->n < 4) snprintf(log->lines[log->n], sizeof log->lines[0], "%s", msg);
    log->n++;
}

/*
 * Loads tests/data/demand-<name>.csv, expecting failure with code and exactly
 * the messages msgs[0..n-1] (each after the path), in order.
 */
static void expect_errors(const cs_topology_t *t, const char *name, cs_status code,
                          const char *const *msgs, size_t n)
{
    char path[1024], expect[2048];
    snprintf(path, sizeof path, "%s/demand-%s.csv", CS_TEST_DATA, name);
    sink_log log = {0, {{0}}};
    cs_error err = CS_ERROR_INIT;
    err.sink = collect;
    err.sink_ctx = &log;
    cs_demand_t *d = NULL;
    const cs_status rc = cs_demand_load(&d, path, t, &err);
    if (rc != code) fail_msg("%s: status %d, expected %d (%s)", name, (int)rc, (int)code, err.msg);
    assert_null(d);
    if (log.n != n) fail_msg("%s: %zu messages, expected %zu; first: %s", name, log.n, n, err.msg);
    for (size_t i = 0; i < n; i++) {
        snprintf(expect, sizeof expect, "%s%s", path, msgs[i]);
        if (strcmp(log.lines[i], expect) != 0)
            fail_msg("%s: message %zu is\n  %s\nexpected\n  %s", name, i, log.lines[i], expect);
    }
    assert_string_equal(err.msg, log.lines[0]);
}

static void test_good(void **state)
{
    const cs_topology_t *t = *state;
    cs_error err = CS_ERROR_INIT;
    cs_demand_t *d = NULL;
    assert_int_equal(cs_demand_load(&d, CS_TEST_DATA "/demand-good.csv", t, &err), CS_OK);
    assert_non_null(d);
    assert_int_equal(cs_demand_count(d), 4);
    static const struct {
        size_t o, dst, line;
        double v;
    } rows[4] = {{0, 9, 5, 12.375}, {4, 9, 6, 3.5}, {0, 4, 8, 0.0625}, {10, 0, 10, 12.5}};
    for (size_t i = 0; i < 4; i++) {
        const cs_demand_entry *e = cs_demand_entry_at(d, i);
        assert_int_equal(e->origin, rows[i].o);
        assert_int_equal(e->destination, rows[i].dst);
        assert_int_equal(e->line, rows[i].line);
        assert_near(e->demand_tbps, rows[i].v, 1e-12);
    }
    assert_near(cs_demand_total(d), 28.4375, 1e-12);
    assert_string_equal(cs_demand_sha256(d), GOOD_SHA256);
    cs_demand_free(d);
    cs_demand_free(NULL);
}

static void test_load_string(void **state)
{
    const cs_topology_t *t = *state;
    cs_error err = CS_ERROR_INIT;
    cs_demand_t *d = NULL;
    /* CRLF line ends, no final newline. */
    assert_int_equal(cs_demand_load_string(&d,
                                           "origin,destination,demand_tbps\r\n"
                                           "city-la,city-sendai,7.25\r\n"
                                           "city-osaka,city-sendai,0.5",
                                           "inline.csv", t, &err),
                     CS_OK);
    assert_int_equal(cs_demand_count(d), 2);
    assert_int_equal(cs_demand_entry_at(d, 1)->line, 3);
    assert_near(cs_demand_total(d), 7.75, 1e-12);
    /* The digest is of the text given (python3 hashlib.sha256 of the same bytes). */
    assert_string_equal(cs_demand_sha256(d),
                        "dbe333f0f96bcbadbea5b1f88e4fa80dab42c7f8be529a9171f4c72341d5608b");
    cs_demand_free(d);
    assert_int_equal(cs_demand_load_string(&d, "", "empty.csv", t, &err), CS_EINVAL);
    assert_null(d);
    assert_string_equal(err.msg, "empty.csv:1:1: expected at least one demand, found none");
}

static void test_bad_header(void **state)
{
    static const char *const m[] = {":2:1: expected the header \"origin,destination,demand_tbps\""};
    expect_errors(*state, "bad-header", CS_EPARSE, m, 1);
}

static void test_bad_fields(void **state)
{
    /* Both lines are reported; the good third row does not hide them. */
    static const char *const m[] = {
        ":2:1: expected 3 fields (origin,destination,demand_tbps), found 2",
        ":3:1: expected 3 fields (origin,destination,demand_tbps), found 4"};
    expect_errors(*state, "bad-fields", CS_EPARSE, m, 2);
}

static void test_unknown_city(void **state)
{
    /* The column is where the field starts, after leading blanks. */
    static const char *const m[] = {":2:12: destination: expected a city id of " CS_TEST_DATA
                                    "/topo-good.geojson, found \"city-kyoto\"",
                                    ":3:3: origin: expected a city id of " CS_TEST_DATA
                                    "/topo-good.geojson, found \"city-nara\""};
    expect_errors(*state, "bad-unknown-city", CS_EINVAL, m, 2);
}

static void test_not_a_city(void **state)
{
    static const char *const m[] = {
        ":2:1: origin: expected a city, found landing_station \"ls-chikura\"",
        ":3:12: destination: expected a city, found branching_unit \"bu-pac1\""};
    expect_errors(*state, "bad-not-city", CS_EINVAL, m, 2);
}

static void test_bad_value(void **state)
{
    static const char *const m[] = {
        ":2:20: demand_tbps: expected a number in (0, 1000000], found \"0\"",
        ":3:23: demand_tbps: expected a number in (0, 1000000], found \"-1.5\"",
        ":4:20: demand_tbps: expected a number in (0, 1000000], found \"lots\"",
        ":5:21: demand_tbps: expected a number in (0, 1000000], found \"2.5x\""};
    expect_errors(*state, "bad-value", CS_EINVAL, m, 4);
}

static void test_same_city(void **state)
{
    static const char *const m[] = {
        ":2:12: destination: expected a city other than the origin, found \"city-osaka\""};
    expect_errors(*state, "bad-same", CS_EINVAL, m, 1);
}

static void test_duplicate_pair(void **state)
{
    /* Either direction is the same pair. */
    static const char *const m[] = {":3:1: pair city-la,city-tokyo is already listed on line 2",
                                    ":4:1: pair city-tokyo,city-la is already listed on line 2"};
    expect_errors(*state, "bad-duplicate", CS_EINVAL, m, 2);
}

static void test_no_rows(void **state)
{
    /* Three lines: a comment, the header and a blank one. */
    static const char *const m[] = {":3:1: expected at least one demand, found none"};
    expect_errors(*state, "bad-empty", CS_EINVAL, m, 1);
}

static void test_nul_byte(void **state)
{
    static const char *const m[] = {": expected a text file, found a NUL byte"};
    expect_errors(*state, "bad-nul", CS_EPARSE, m, 1);
}

static void test_io_errors(void **state)
{
    const cs_topology_t *t = *state;
    cs_error err = CS_ERROR_INIT;
    cs_demand_t *d = NULL;
    assert_int_equal(cs_demand_load(&d, CS_TEST_DATA "/no-such-demand.csv", t, &err), CS_EIO);
    assert_null(d);
    assert_string_equal(err.msg,
                        CS_TEST_DATA "/no-such-demand.csv: cannot open: No such file or directory");
    /* Only regular files are read: not a directory, a device or a FIFO (refused at once). */
    cs_error_clear(&err);
    assert_int_equal(cs_demand_load(&d, CS_TEST_DATA, t, &err), CS_EIO);
    assert_string_equal(err.msg, CS_TEST_DATA ": expected a regular file, found a directory");
    cs_error_clear(&err);
    assert_int_equal(cs_demand_load(&d, "/dev/zero", t, &err), CS_EIO);
    assert_string_equal(err.msg, "/dev/zero: expected a regular file, found a character device");
    char fifo[64];
    snprintf(fifo, sizeof fifo, "test_demand-%ld.fifo", (long)getpid());
    assert_int_equal(mkfifo(fifo, 0600), 0);
    cs_error_clear(&err);
    assert_int_equal(cs_demand_load(&d, fifo, t, &err), CS_EIO);
    assert_non_null(strstr(err.msg, ": expected a regular file, found a FIFO"));
    assert_int_equal(remove(fifo), 0);
}

/* The status is that of the first problem of this load, whatever err holds. */
static void test_status_without_err(void **state)
{
    const cs_topology_t *t = *state;
    cs_demand_t *d = NULL;
    assert_int_equal(cs_demand_load_string(&d, "origin,dest\n", "x.csv", t, NULL), CS_EPARSE);
    assert_int_equal(cs_demand_load_string(&d,
                                           "origin,destination,demand_tbps\n"
                                           "city-la,city-la,1\n",
                                           "x.csv", t, NULL),
                     CS_EINVAL);
    cs_error err = CS_ERROR_INIT;
    cs_errorf(&err, CS_EIO, "an earlier failure");
    assert_int_equal(
        cs_demand_load_string(&d, "origin,destination,demand_tbps\na,b\n", "x.csv", t, &err),
        CS_EPARSE);
    assert_string_equal(err.msg, "an earlier failure");
    assert_int_equal(err.count, 2);
    assert_null(d);
}

static size_t node(const cs_topology_t *t, const char *id)
{
    size_t i = SIZE_MAX;
    assert_true(cs_topology_find_node(t, id, &i));
    return i;
}

/*
 * The (Japanese city, foreign region) pairs, over netinfo-basic's cities
 * (Tokyo and Osaka of region Japan; LA, Singapore and Guam of three foreign
 * regions): first-appearance order, whichever end is Japanese; none for
 * domestic and foreign-foreign demands; a region shared by two pairs.
 */
static void test_pairs(void **state)
{
    (void)state;
    cs_error err = CS_ERROR_INIT;
    cs_topology_t *t = NULL;
    assert_int_equal(cs_topology_load(&t, CS_TEST_DATA "/netinfo-basic.geojson", NULL, &err),
                     CS_OK);
    cs_demand_t *d = NULL;
    assert_int_equal(cs_demand_load_string(&d,
                                           "origin,destination,demand_tbps\n"
                                           "c-la,c-tokyo,2.5\n"     /* pair 0 */
                                           "c-tokyo,c-osaka,1.5\n"  /* domestic */
                                           "c-osaka,c-sin,3.25\n"   /* pair 1 */
                                           "c-la,c-sin,0.75\n"      /* foreign-foreign */
                                           "c-sin,c-tokyo,1.125\n"  /* pair 2 */
                                           "c-osaka,c-guam,0.5\n"   /* pair 3 */
                                           "c-osaka,c-la,4.0625\n", /* pair 4 */
                                           "p.csv", t, &err),
                     CS_OK);
    const cs_demand_pairs *p = cs_demand_pairs_of(d);
    assert_int_equal(p->n_pairs, 5);
    assert_int_equal(p->n_regions, 3);
    const size_t tokyo = node(t, "c-tokyo"), osaka = node(t, "c-osaka");
    const size_t city[5] = {tokyo, osaka, tokyo, osaka, osaka};
    const size_t region_index[5] = {0, 1, 1, 2, 0};
    static const char *const regions[3] = {"US West Coast", "Southeast Asia", "Oceania"};
    for (size_t k = 0; k < 5; k++) {
        assert_int_equal(p->city[k], city[k]);
        assert_int_equal(p->region_index[k], region_index[k]);
        assert_string_equal(p->region[k], regions[region_index[k]]);
    }
    for (size_t g = 0; g < 3; g++)
        assert_string_equal(p->regions[g], regions[g]);
    const size_t of_demand[7] = {0, SIZE_MAX, 1, SIZE_MAX, 2, 3, 4};
    assert_int_equal(cs_demand_count(d), 7);
    for (size_t i = 0; i < 7; i++)
        assert_int_equal(p->pair_of_demand[i], of_demand[i]);
    cs_demand_free(d);
    /* Only domestic demand: no pairs, no regions. */
    assert_int_equal(cs_demand_load_string(&d,
                                           "origin,destination,demand_tbps\nc-tokyo,c-osaka,1\n",
                                           "q.csv", t, &err),
                     CS_OK);
    assert_int_equal(cs_demand_pairs_of(d)->n_pairs, 0);
    assert_int_equal(cs_demand_pairs_of(d)->n_regions, 0);
    assert_int_equal(cs_demand_pairs_of(d)->pair_of_demand[0], SIZE_MAX);
    cs_demand_free(d);
    cs_topology_free(t);
}

int main(void)
{
    cs_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good, setup, teardown),
        cmocka_unit_test(test_pairs),
        cmocka_unit_test_setup_teardown(test_load_string, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_city, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_city, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_city, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicate_pair, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nul_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(test_io_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_without_err, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
