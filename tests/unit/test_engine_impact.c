/*
 * test_engine_impact.c: the impact figures of the engine (capacity lost, systems and stations
 * lost, served per region) checked by hand on the test network and recomputed from every trial,
 * and the restoration share. Split from test_engine.c.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cablesim/engine.h"
#include "cablesim/results.h"
#include "cs_engine_test.h"
#include "cs_test.h"

static cs_scenario *load_scenario(const char *text, const char *const *sets, size_t nsets)
{
    return cs_test_scenario(text, "engine-test.yaml", sets, nsets);
}

/*
 * Losing landing station jp-a in 2011 (lit capacity) takes down every edge at it: PAC-1 (8),
 * ASIA-1 (4), OLD-1 (2) and the Tokyo backhaul (100): 114 Tbps, of which 14 on segments
 * between Japan and abroad (29 in all: 8 + 10 + 4 + 5 + 2), 3 systems, 1 station. LA's 11.75
 * Tbps then share PAC-2's 10, Hong Kong's 5.25 ASIA-2's 5.
 */
static void test_impact_of_a_station(void **state)
{
    (void)state;
    static const char text[] = "name: station\n"
                               "topology: engine-topo.geojson\n"
                               "demand: engine-demand.csv\n"
                               "as_of: 2011\n"
                               "capacity: lit\n"
                               "trials: 4\n"
                               "routing: {restoration_share: 1}\n" /* no restoration limit */
                               "hazards:\n"
                               "  - type: station_attack\n"
                               "    stations: [jp-a]\n";
    cs_scenario *s = load_scenario(text, NULL, 0);
    cs_engine_t *e = cs_test_engine(s);
    cs_error err = CS_ERROR_INIT;
    cs_failures f;
    cs_routing_result r;
    cs_trial_impact m;
    unsigned char cut[16];
    cs_test_trial_buffers(e, &f, &r);
    assert_int_equal(cs_trial_impact_init(&m, e, &err), CS_OK);
    assert_int_equal(cs_engine_trial(e, 0, &f, &r, cut, &err), CS_OK);
    cs_engine_impact(e, &f, &r, &m);
    assert_int_equal(f.n_edges, 0); /* lost through the station only */
    assert_near(m.capacity_lost_tbps, 114.0, 1e-12);
    assert_near(m.intl_capacity_lost_tbps, 14.0, 1e-12);
    assert_near(cs_engine_intl_capacity(e), 29.0, 1e-12);
    /* Every system of this network lands in Japan: the same 14 of the same 29 Tbps. */
    assert_near(m.jsys_capacity_lost_tbps, 14.0, 1e-12);
    assert_near(cs_engine_japan_systems_capacity(e), 29.0, 1e-12);
    assert_int_equal(m.systems_lost, 3);
    assert_int_equal(m.stations_lost, 1);
    cs_run_summary sum;
    assert_int_equal(cs_run_summary_init(&sum, e, &err), CS_OK);
    const size_t us = cs_test_region_of(&sum, "US West Coast"),
                 hk = cs_test_region_of(&sum, "Hong Kong");
    assert_near(m.region_served_fraction[us], 10.0 / 11.75, 1e-12);
    assert_near(m.region_served_fraction[hk], 5.0 / 5.25, 1e-12);
    /* Headroom: intact, 20 Tbps of US cables carry 11.75 and 9 of Hong Kong's carry 5.25;
     * without jp-a the surviving PAC-2 and ASIA-2 are full. */
    double h[8];
    assert_int_equal(cs_engine_headroom(e, NULL, cs_engine_baseline(e), h, &err), CS_OK);
    assert_near(h[us], 20.0 - 11.75, 1e-9);
    assert_near(h[hk], 9.0 - 5.25, 1e-9);
    assert_int_equal(cs_engine_headroom(e, &f, &r, h, &err), CS_OK);
    assert_near(h[us], 0.0, 1e-9);
    assert_near(h[hk], 0.0, 1e-9);
    /* The same failures in every trial: one outcome, and the summary knows it. */
    assert_int_equal(cs_engine_run(e, NULL, NULL, &sum, &err), CS_OK);
    assert_false(cs_run_summary_varied(&sum));
    assert_int_equal(sum.loss_trials, 4);
    assert_near(sum.capacity_lost_sum, 4 * 114.0, 1e-9);
    assert_near(sum.capacity_lost_max, 114.0, 0.0);
    assert_near(sum.intl_capacity_lost_sum, 4 * 14.0, 1e-9);
    assert_near(sum.jsys_capacity_lost_sum, 4 * 14.0, 1e-9);
    assert_near(sum.systems_lost_sum, 12.0, 0.0);
    assert_near(sum.stations_lost_sum, 4.0, 0.0);
    assert_int_equal(sum.region_below90[us], 4); /* 0.851 */
    assert_int_equal(sum.region_below90[hk], 0); /* 0.952 */
    assert_near(sum.region_served_sum[us], 4 * 10.0 / 11.75, 1e-9);
    cs_run_summary_destroy(&sum);
    cs_trial_impact_destroy(&m);
    cs_routing_result_destroy(&r);
    cs_failures_destroy(&f);
    cs_engine_free(e);
    cs_scenario_free(s);
}

/*
 * Restoration: losing jp-a (2011, lit) displaces its traffic onto PAC-2 and ASIA-2. With share
 * rho, each surviving segment offers what it carried of the demand spread in proportion to
 * capacity (s_e) plus rho of its spare, so Los Angeles (11.75 Tbps asked, more than PAC-2's 10)
 * gets s + rho (10 - s) and Hong Kong (5.25 asked) s + rho (5 - s) of ASIA-2; rho = 1 is the
 * model without restoration. By hand, PAC-2's s: the US demands' maximum flows (20 Tbps each,
 * the cut PAC-1 8 + PAC-2 10 + OLD-1 2) all fill PAC-2, 11.75 / 20 x 10 = 5.875, and Osaka's
 * Hong Kong flow (9 Tbps: ASIA-2 5 from jp-b, then ASIA-1 4 from jp-a, reached in Dinic's second
 * phase first over PAC-2 and OLD-1, 2 Tbps, then over Tokyo) adds 1.75 / 9 x 2: a maximum flow
 * may take such detours off its minimum cut (docs/model.md, Restoration, Limits).
 * rho set by routing.restoration_share, or derived: restoration_at_event x min(1, (1 - u) / u x
 * D / C) with D = 17 Tbps of international demand (7.5 + 4.25 + 3.5 + 1.75; Tokyo-Osaka is
 * domestic) and C = 29 Tbps of segments between Japan and abroad: with the defaults (u = 0.25)
 * restoration_at_event x min(1, 3 x 17 / 29) = restoration_at_event.
 */
static void test_restoration_share(void **state)
{
    (void)state;
    const struct {
        const char *set;
        double rho, full;
    } cases[] = {
        {"routing.restoration_share=0", 0.0, 1.0},
        {"routing.restoration_share=0.4", 0.4, 1.0},
        {"routing.restoration_share=1", 1.0, 1.0},
        {NULL, CS_RESTORATION_AT_EVENT, 1.0},
        {"routing.utilisation=0.75", CS_RESTORATION_AT_EVENT * (0.25 / 0.75) * 17.0 / 29.0,
         (0.25 / 0.75) * 17.0 / 29.0},
        {"routing.restoration_at_event=0.25", 0.25, 1.0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char text[512];
        snprintf(text, sizeof text,
                 "name: restore\ntopology: engine-topo.geojson\ndemand: engine-demand.csv\n"
                 "as_of: 2011\ncapacity: lit\ntrials: 2\nhazards:\n"
                 "  - type: station_attack\n    stations: [jp-a]\n");
        const char *sets[1] = {cases[k].set};
        cs_scenario *s = load_scenario(text, sets, cases[k].set != NULL);
        cs_engine_t *e = cs_test_engine(s);
        cs_error err = CS_ERROR_INIT;
        const cs_topology_t *t = cs_engine_topology(e);
        size_t pac2 = 0, asia2 = 0;
        assert_true(cs_topology_find_edge(t, "pac-2:1", &pac2));
        assert_true(cs_topology_find_edge(t, "asia-2:1", &asia2));
        /* s_e from a router of its own (cs_router_spread_flow, tested on hand cases in
         * test_routing); PAC-2's by hand (above). */
        cs_router_t *own = NULL;
        double spread[16];
        assert_true(cs_topology_edge_count(t) <= 16);
        assert_int_equal(cs_router_alloc(&own, t, cs_engine_demand(e), &s->routing, &err), CS_OK);
        cs_router_spread_flow(own, spread);
        cs_router_free(own);
        assert_near(spread[pac2], 5.875 + 1.75 / 9.0 * 2.0, 1e-12);
        const double f_us = spread[pac2], f_hk = spread[asia2];
        const double rho = cases[k].rho;
        const cs_restoration *res = cs_engine_restoration(e);
        assert_near(res->demand_tbps, 17.0, 1e-12);
        assert_near(res->capacity_tbps, 29.0, 1e-12);
        assert_near(res->full, cases[k].full, 1e-12);
        assert_near(res->at_event, rho, 1e-12);
        assert_true(res->derived ==
                    (cases[k].set == NULL || strstr(cases[k].set, "share") == NULL));
        assert_near(res->ramp_days, 0.0, 0.0); /* not a recovery run */
        assert_near(cs_engine_restoration_share_at(e, 5.0), rho, 0.0);
        assert_true(f_us < 10.0 - 1e-9 || rho == 1.0);
        cs_failures f;
        cs_routing_result r;
        unsigned char cut[16];
        cs_test_trial_buffers(e, &f, &r);
        assert_int_equal(cs_engine_trial(e, 0, &f, &r, cut, &err), CS_OK);
        assert_near(r.served_tbps[0] + r.served_tbps[1], f_us + rho * (10.0 - f_us), 1e-9);
        assert_near(r.served_tbps[2] + r.served_tbps[3], f_hk + rho * (5.0 - f_hk), 1e-9);
        /* Headroom on the capacities the trial was routed on: Los Angeles took all that PAC-2
         * offers (f_us + rho (10 - f_us)), so none is left, whatever rho; on the cable's 10 Tbps
         * it would be (1 - rho) (10 - f_us). */
        cs_run_summary sum;
        double h[8];
        assert_int_equal(cs_run_summary_init(&sum, e, &err), CS_OK);
        assert_int_equal(cs_engine_headroom(e, &f, &r, h, &err), CS_OK);
        assert_near(h[cs_test_region_of(&sum, "US West Coast")], 0.0, 1e-9);
        assert_near(h[cs_test_region_of(&sum, "Hong Kong")], 0.0, 1e-9);
        cs_run_summary_destroy(&sum);
        cs_routing_result_destroy(&r);
        cs_failures_destroy(&f);
        cs_engine_free(e);
        cs_scenario_free(s);
    }
}

/* Whether cable system c has a segment with an end in Japan (recomputed from the topology). */
static bool lands_in_japan(const cs_topology_t *t, size_t c)
{
    for (size_t j = 0; j < cs_topology_edge_count(t); j++) {
        const cs_edge *ed = cs_topology_edge(t, j);
        if (ed->cable_index == c && (strcmp(cs_topology_node(t, ed->from)->country, "JP") == 0 ||
                                     strcmp(cs_topology_node(t, ed->to)->country, "JP") == 0))
            return true;
    }
    return false;
}

/*
 * Random faults: the impact of every trial recomputed by hand (edges down by
 * cs_failures_edge_down, their lit capacity, distinct cables, served per region) equals the
 * engine's, the summary's sums equal theirs, and summaries of parts merge into the whole.
 */
static void test_impact_matches_trials(void **state)
{
    (void)state;
    cs_scenario *s = load_scenario(CS_TEST_RANDOM_FAULTS, NULL, 0);
    cs_engine_t *e = cs_test_engine(s);
    cs_error err = CS_ERROR_INIT;
    cs_run_summary sum, part[2];
    assert_int_equal(cs_run_summary_init(&sum, e, &err), CS_OK);
    assert_int_equal(cs_engine_run(e, NULL, NULL, &sum, &err), CS_OK);
    const cs_topology_t *t = cs_engine_topology(e);
    const size_t ne = cs_topology_edge_count(t);
    cs_failures f;
    cs_routing_result r;
    cs_trial_impact m;
    unsigned char cut[16];
    cs_test_trial_buffers(e, &f, &r);
    assert_int_equal(cs_trial_impact_init(&m, e, &err), CS_OK);
    const size_t us = cs_test_region_of(&sum, "US West Coast");
    double cap_sum = 0.0, us_sum = 0.0, jcap_sum = 0.0;
    uint64_t losses = 0;
    for (uint64_t k = 0; k < s->trials; k++) {
        assert_int_equal(cs_engine_trial(e, k, &f, &r, cut, &err), CS_OK);
        cs_engine_impact(e, &f, &r, &m);
        double cap = 0.0, jcap = 0.0;
        unsigned char seen[64] = {0};
        uint32_t systems = 0;
        for (size_t j = 0; j < ne; j++) {
            if (!cs_failures_edge_down(&f, t, j)) continue;
            const cs_edge *ed = cs_topology_edge(t, j);
            cap += ed->lit_tbps;
            if (ed->cable_index != SIZE_MAX && !seen[ed->cable_index]++) systems++;
            if (ed->cable_index != SIZE_MAX && lands_in_japan(t, ed->cable_index))
                jcap += ed->lit_tbps;
        }
        assert_near(m.capacity_lost_tbps, cap, 1e-12);
        assert_near(m.jsys_capacity_lost_tbps, jcap, 1e-12);
        jcap_sum += jcap;
        assert_int_equal(m.systems_lost, systems);
        /* LA: demands 0 and 1 (7.5 + 4.25). */
        const double us_frac = (r.served_tbps[0] + r.served_tbps[1]) / 11.75;
        assert_near(m.region_served_fraction[us], us_frac, 1e-12);
        cap_sum += cap;
        us_sum += us_frac;
        losses += r.unserved_tbps > cs_engine_baseline(e)->unserved_tbps + 1e-9 * 18.5;
    }
    assert_true(cap_sum > 0.0);
    assert_near(sum.capacity_lost_sum, cap_sum, 1e-9 * cap_sum);
    assert_near(sum.jsys_capacity_lost_sum, jcap_sum, 1e-9 * jcap_sum);
    assert_near(sum.region_served_sum[us], us_sum, 1e-9 * us_sum);
    assert_int_equal(sum.loss_trials, losses);
    assert_true(cs_run_summary_varied(&sum));
    /* Parts merged equal the whole. */
    const uint64_t split[3] = {0, 123, 300};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(cs_run_summary_init(&part[k], e, &err), CS_OK);
        cs_engine_options o = CS_ENGINE_OPTIONS_INIT;
        o.first_trial = split[k];
        o.n_trials = split[k + 1] - split[k];
        assert_int_equal(cs_engine_run(e, NULL, &o, &part[k], &err), CS_OK);
    }
    assert_int_equal(cs_run_summary_merge(&part[1], &part[0], &err), CS_OK);
    assert_near(part[1].capacity_lost_sum, sum.capacity_lost_sum, 1e-9 * cap_sum);
    assert_near(part[1].capacity_lost_max, sum.capacity_lost_max, 0.0);
    assert_near(part[1].jsys_capacity_lost_sum, sum.jsys_capacity_lost_sum, 1e-9 * jcap_sum);
    assert_int_equal(part[1].loss_trials, sum.loss_trials);
    assert_true(cs_run_summary_varied(&part[1]));
    for (size_t g = 0; g < sum.n_regions; g++) {
        assert_int_equal(part[1].region_below90[g], sum.region_below90[g]);
        assert_int_equal(part[1].region_lat_n[g], sum.region_lat_n[g]);
        assert_near(part[1].region_lat_max[g], sum.region_lat_max[g], 0.0);
    }
    for (int k = 0; k < 2; k++)
        cs_run_summary_destroy(&part[k]);
    cs_run_summary_destroy(&sum);
    cs_trial_impact_destroy(&m);
    cs_routing_result_destroy(&r);
    cs_failures_destroy(&f);
    cs_engine_free(e);
    cs_scenario_free(s);
}

int main(void)
{
    cs_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_impact_of_a_station),
        cmocka_unit_test(test_restoration_share),
        cmocka_unit_test(test_impact_matches_trials),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
