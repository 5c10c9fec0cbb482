/*
 * fuzz_demand.c: the demand CSV loader (cs_demand_load_string), against the bundled Japan
 * topology and tests/data/topo-good.geojson. Seeds: topology/japan-demand.csv and
 * tests/data/ (CSV). Properties: the error contract; a loaded matrix has distinct cities
 * at both ends, positive finite demands within CS_DEMAND_MAX_TBPS, a total that is their sum, and
 * pairs and regions whose indices are in range.
 */
#include "fuzz_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cablesim/demand.h"

static cs_topology_t *good;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    cs_library_init();
    cs_error err = CS_ERROR_INIT;
    if (cs_topology_load(&good, cs_fuzz_source_path("tests/data/topo-good.geojson"), NULL, &err))
        cs_fuzz_fail(err.msg, __FILE__, __LINE__);
    (void)cs_fuzz_japan();
    return 0;
}

static void check_demand(const cs_demand_t *d, const cs_topology_t *t)
{
    const size_t n = cs_demand_count(d), nn = cs_topology_node_count(t);
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        const cs_demand_entry *e = cs_demand_entry_at(d, i);
        CS_FUZZ_CHECK(e->origin < nn && e->destination < nn && e->origin != e->destination);
        CS_FUZZ_CHECK(cs_topology_node(t, e->origin)->kind == CS_NODE_CITY);
        CS_FUZZ_CHECK(cs_topology_node(t, e->destination)->kind == CS_NODE_CITY);
        CS_FUZZ_CHECK(e->demand_tbps > 0 && e->demand_tbps <= CS_DEMAND_MAX_TBPS);
        total += e->demand_tbps;
    }
    CS_FUZZ_CHECK(isfinite(cs_demand_total(d)));
    CS_FUZZ_CHECK(fabs(cs_demand_total(d) - total) <= 1e-9 * (1 + total));
    const cs_demand_pairs *p = cs_demand_pairs_of(d);
    for (size_t k = 0; k < p->n_pairs; k++) {
        CS_FUZZ_CHECK(p->city[k] < nn && p->region_index[k] < p->n_regions);
        CS_FUZZ_CHECK(strcmp(p->region[k], p->regions[p->region_index[k]]) == 0);
    }
    for (size_t i = 0; i < n; i++)
        CS_FUZZ_CHECK(p->pair_of_demand[i] == SIZE_MAX || p->pair_of_demand[i] < p->n_pairs);
}

static void load_against(const char *text, const cs_topology_t *t)
{
    cs_demand_t *d = NULL;
    cs_error err = CS_ERROR_INIT;
    const cs_status rc = cs_demand_load_string(&d, text, "fuzz.csv", t, &err);
    cs_fuzz_check_status(rc, &err, d != NULL);
    if (rc == CS_OK) check_demand(d, t);
    cs_demand_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = cs_fuzz_cstr(data, size);
    load_against(text, good);
    load_against(text, cs_fuzz_japan());
    free(text);
    return 0;
}
