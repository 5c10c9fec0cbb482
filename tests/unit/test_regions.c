/*
 * test_regions.c: the library of named regions.
 *
 * Points inside and outside each region are places whose coordinates are
 * public (the station pins are those of topology/japan.geojson); the checks
 * also cover lookup by name, the ring invariants and the name list.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "cablesim/regions.h"

static const cs_region *must_find(const char *name)
{
    const cs_region *r = cs_regions_find(name);
    if (r == NULL) fail_msg("region %s not found", name);
    return r;
}

static const cs_lonlat taipei = {121.5654, 25.0330};
static const cs_lonlat tokyo = {139.6917, 35.6895};

static void test_luzon_strait(void **state)
{
    (void)state;
    const cs_region *r = must_find("Luzon Strait");
    assert_true(cs_regions_contains(r, (cs_lonlat){121.0, 21.0}));   /* Bashi Channel */
    assert_true(cs_regions_contains(r, (cs_lonlat){121.5, 19.9}));   /* Balintang Channel */
    assert_true(cs_regions_contains(r, (cs_lonlat){120.56, 21.89})); /* 2006 Hengchun epicentre */
    assert_false(cs_regions_contains(r, taipei));
    assert_false(cs_regions_contains(r, (cs_lonlat){120.30, 22.62})); /* Kaohsiung */
    assert_false(cs_regions_contains(r, (cs_lonlat){120.98, 14.60})); /* Manila */
}

static void test_boso(void **state)
{
    (void)state;
    const cs_region *r = must_find("Boso");
    /* Station pins of topology/japan.geojson. */
    assert_true(cs_regions_contains(r, (cs_lonlat){139.95466, 34.97666})); /* Chikura */
    assert_true(cs_regions_contains(r, (cs_lonlat){139.97547, 35.00543})); /* Maruyama */
    assert_true(cs_regions_contains(r, (cs_lonlat){139.96098, 34.97408})); /* Minamiboso */
    assert_true(cs_regions_contains(r, (cs_lonlat){140.01677, 35.03585})); /* Wada */
    assert_true(cs_regions_contains(r, (cs_lonlat){140.06111, 35.06238})); /* Emi */
    assert_false(cs_regions_contains(r, tokyo));
    assert_false(cs_regions_contains(r, (cs_lonlat){139.62077, 35.14417})); /* Miura */
}

static void test_other_regions(void **state)
{
    (void)state;
    const cs_region *shima = must_find("Shima");
    assert_true(cs_regions_contains(shima, (cs_lonlat){136.87439, 34.33683}));
    assert_false(cs_regions_contains(shima, (cs_lonlat){137.39158, 34.76906})); /* Toyohashi */

    const cs_region *kita = must_find("Kitaibaraki");
    assert_true(cs_regions_contains(kita, (cs_lonlat){140.75095, 36.80178}));
    assert_true(cs_regions_contains(kita, (cs_lonlat){140.71827, 36.71308}));  /* Takahagi */
    assert_false(cs_regions_contains(kita, (cs_lonlat){140.61228, 36.38356})); /* Ajigaura */
    assert_true(cs_regions_contains(must_find("Ibaraki coast"), (cs_lonlat){140.61228, 36.38356}));

    /* 2011 Tohoku epicentre (USGS: 38.297N 142.373E) lies in the Japan Trench
     * forearc; the coast's landing stations do not. */
    const cs_region *jt = must_find("Japan Trench");
    assert_true(cs_regions_contains(jt, (cs_lonlat){142.373, 38.297}));
    assert_false(cs_regions_contains(jt, (cs_lonlat){140.75095, 36.80178}));
    assert_false(cs_regions_contains(jt, tokyo));

    /* Off Cape Muroto, between the coast and the trough axis. */
    const cs_region *nk = must_find("Nankai Trough");
    assert_true(cs_regions_contains(nk, (cs_lonlat){134.3, 32.9}));
    assert_false(cs_regions_contains(nk, (cs_lonlat){135.50, 34.69})); /* Osaka */

    const cs_region *ts = must_find("Taiwan Strait");
    assert_true(cs_regions_contains(ts, (cs_lonlat){119.57, 23.57})); /* Penghu */
    assert_false(cs_regions_contains(ts, taipei));

    const cs_region *tsu = must_find("Tsushima Strait");
    assert_true(cs_regions_contains(tsu, (cs_lonlat){129.73, 33.80})); /* Iki */
    assert_true(cs_regions_contains(tsu, (cs_lonlat){129.30, 34.40})); /* Tsushima */
    assert_false(cs_regions_contains(tsu, tokyo));

    const cs_region *ecs = must_find("East China Sea");
    assert_true(cs_regions_contains(ecs, (cs_lonlat){125.0, 29.0}));
    assert_false(cs_regions_contains(ecs, (cs_lonlat){121.47, 31.23})); /* Shanghai */
    assert_false(cs_regions_contains(ecs, taipei));
}

static void test_lookup(void **state)
{
    (void)state;
    assert_ptr_equal(cs_regions_find("luzon STRAIT"), cs_regions_find("Luzon Strait"));
    assert_null(cs_regions_find("Luzon"));
    assert_null(cs_regions_find("Luzon Strait "));
    assert_null(cs_regions_find(NULL));
    assert_null(cs_regions_get(cs_regions_count()));
    assert_true(cs_regions_count() >= 8);
}

/* Every ring has >= 3 valid vertices, a non-zero area, and a source URL;
 * names are unique ignoring case. */
static void test_invariants(void **state)
{
    (void)state;
    for (size_t i = 0; i < cs_regions_count(); i++) {
        const cs_region *r = cs_regions_get(i);
        assert_true(r->n >= 3);
        double area2 = 0.0;
        for (size_t k = 0, j = r->n - 1; k < r->n; j = k++) {
            assert_true(cs_geo_valid(r->ring[k]));
            area2 += r->ring[j].lon * r->ring[k].lat - r->ring[k].lon * r->ring[j].lat;
        }
        assert_true(fabs(area2) > 0.01);
        assert_true(strncmp(r->source, "https://", 8) == 0);
        assert_ptr_equal(cs_regions_find(r->name), r);
    }
}

static void test_list(void **state)
{
    (void)state;
    char buf[1000];
    cs_regions_list(buf, sizeof buf);
    assert_non_null(strstr(buf, "Luzon Strait, Taiwan Strait, "));
    assert_non_null(strstr(buf, "Japan Trench"));
    char small[20];
    cs_regions_list(small, sizeof small);
    assert_int_equal(strlen(small), 19);
    assert_string_equal(small + 16, "...");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_luzon_strait),  cmocka_unit_test(test_boso),
        cmocka_unit_test(test_other_regions), cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_invariants),    cmocka_unit_test(test_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
