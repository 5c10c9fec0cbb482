/*
 * fuzz_topology.c: the GeoJSON topology loader (cs_topology_load_string). Seeds: topology/ and
 * tests/data/ (GeoJSON). Properties: the error contract; a loaded topology keeps its ids unique
 * and its edges' ends in range; loading the same text for a year (as_of) keeps a subset.
 */
#include "fuzz_util.h"

#include <math.h>
#include <stdlib.h>

#include "cablesim/topology.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    cs_library_init();
    return 0;
}

static void check_topology(const cs_topology_t *t)
{
    const size_t nn = cs_topology_node_count(t), ne = cs_topology_edge_count(t);
    for (size_t i = 0; i < nn; i++) {
        size_t k = SIZE_MAX;
        CS_FUZZ_CHECK(cs_topology_find_node(t, cs_topology_node(t, i)->id, &k) && k == i);
    }
    for (size_t j = 0; j < ne; j++) {
        const cs_edge *e = cs_topology_edge(t, j);
        size_t k = SIZE_MAX;
        CS_FUZZ_CHECK(cs_topology_find_edge(t, e->id, &k) && k == j);
        CS_FUZZ_CHECK(e->from < nn && e->to < nn && e->from != e->to);
        CS_FUZZ_CHECK(e->capacity_tbps >= 0 && isfinite(e->capacity_tbps));
        CS_FUZZ_CHECK(e->lit_tbps >= 0 && e->lit_tbps <= e->capacity_tbps);
        CS_FUZZ_CHECK(isfinite(e->length_km) && e->length_km >= 0);
        CS_FUZZ_CHECK(e->nparts >= 1 && e->part_off[e->nparts] == e->npts);
        for (int y = 1990; y <= 2100; y += 11)
            CS_FUZZ_CHECK(cs_edge_lit_in_year(e, y) >= 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = cs_fuzz_cstr(data, size);
    cs_topology_t *t = NULL;
    cs_error err = CS_ERROR_INIT;
    cs_status rc = cs_topology_load_string(&t, text, "fuzz.geojson", NULL, &err);
    cs_fuzz_check_status(rc, &err, t != NULL);
    if (rc == CS_OK) {
        check_topology(t);
        const cs_topology_options opt = {.as_of = 2011};
        cs_topology_t *y = NULL;
        cs_error yerr = CS_ERROR_INIT;
        rc = cs_topology_load_string(&y, text, "fuzz.geojson", &opt, &yerr);
        cs_fuzz_check_status(rc, &yerr, y != NULL);
        if (rc == CS_OK) {
            check_topology(y);
            CS_FUZZ_CHECK(cs_topology_edge_count(y) <= cs_topology_edge_count(t));
            CS_FUZZ_CHECK(cs_topology_node_count(y) <= cs_topology_node_count(t));
        }
        cs_topology_free(y);
    }
    cs_topology_free(t);
    free(text);
    return 0;
}
