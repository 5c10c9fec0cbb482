/*
 * test_analysis.c: the results reader, the statistics of `cablesim analyze` and the paired
 * differences of `cablesim compare`, on results files written with the cs_results writer from
 * hand-made trials whose statistics are worked out by hand below (the network and the trials:
 * cs_analysis_test.h). Files the reader refuses and the CLI: test_analysis_cli.c.
 */
#include "cs_analysis_test.h"

static void test_wilson(void **state)
{
    (void)state;
    const cs_proportion p = cs_analysis_wilson(2, 8);
    assert_near(p.lo, 0.0715, 1e-4);
    assert_near(p.hi, 0.5907, 1e-4);
    const cs_proportion zero = cs_analysis_wilson(0, 500);
    assert_near(zero.lo, 0.0, 0.0);
    assert_near(cs_analysis_wilson(7, 7).hi, 1.0, 0.0);
    /* 0 of n: the upper bound is z^2 / (n + z^2). */
    assert_near(zero.hi, Z95 * Z95 / (500 + Z95 * Z95), 1e-12);
    const cs_proportion none = cs_analysis_wilson(0, 0);
    assert_true(isnan(none.p) && isnan(none.lo) && isnan(none.hi));
}

/* Exact intervals against scipy.stats.beta.ppf, and the honest statement of a loss. */
static void test_clopper_pearson_and_loss_statement(void **state)
{
    (void)state;
    const cs_proportion z = cs_analysis_clopper_pearson(0, 10);
    assert_near(z.lo, 0.0, 0.0);
    assert_near(z.hi, 0.30849710781876083, 1e-9); /* 1 - 0.025^(1/10) */
    const cs_proportion all = cs_analysis_clopper_pearson(10, 10);
    assert_near(all.lo, 0.6915028921812392, 1e-9);
    assert_near(all.hi, 1.0, 0.0);
    const cs_proportion one = cs_analysis_clopper_pearson(1, 500);
    assert_near(one.lo, 5.0634334007415215e-05, 1e-12);
    assert_near(one.hi, 0.011092476898968787, 1e-9);
    const cs_proportion three = cs_analysis_clopper_pearson(3, 20);
    assert_near(three.lo, 0.0320709371854637, 1e-9);
    assert_near(three.hi, 0.37892682654531396, 1e-9);
    /* Where GSL's beta quantile fails to converge (it returned NaN for 6 of 400, so the run
     * summary printed "x nan" and a bound equal to the whole demand): scipy's values. */
    const struct {
        uint64_t k, n;
        double lo, hi;
    } gsl_nan[] = {{6, 400, 0.005524109504580661, 0.032361294480775016},
                   {5, 385, 0.004229933100771594, 0.0300456343363498},
                   {9, 422, 0.009797345537311637, 0.0400980716382806},
                   {35, 533, 0.04616148133084256, 0.09014523045773933},
                   {15, 681, 0.012379192255938731, 0.036069343095674264}};
    for (size_t i = 0; i < sizeof gsl_nan / sizeof gsl_nan[0]; i++) {
        const cs_proportion c = cs_analysis_clopper_pearson(gsl_nan[i].k, gsl_nan[i].n);
        assert_near(c.lo, gsl_nan[i].lo, 1e-12);
        assert_near(c.hi, gsl_nan[i].hi, 1e-12);
    }
    /* Every (k, n) up to 1,000 trials and 40 losses gives finite, ordered bounds. */
    for (uint64_t n = 1; n <= 1000; n++)
        for (uint64_t k = 0; k <= n && k <= 40; k++) {
            const cs_proportion c = cs_analysis_clopper_pearson(k, n);
            assert_true(isfinite(c.lo) && isfinite(c.hi));
            assert_true(0.0 <= c.lo && c.lo <= c.p && c.p <= c.hi && c.hi <= 1.0);
        }
    /* The statement: one outcome; a bound under 30 trials with a loss; else clipped normal. */
    const cs_estimate u = {500, 0.02, 0.4, 0.0179, -0.015, 0.055};
    cs_loss_interval li = cs_analysis_loss_interval(false, 500, &u, 0.0, 10.0);
    assert_int_equal(li.kind, CS_LOSS_ONE_OUTCOME);
    assert_near(li.lo, 0.02, 0.0);
    assert_near(li.hi, 0.02, 0.0);
    li = cs_analysis_loss_interval(true, 1, &u, 0.5, 10.0);
    assert_int_equal(li.kind, CS_LOSS_BOUND);
    assert_near(li.p_hi, 0.011092476898968787, 1e-9);
    assert_near(li.hi, 0.5 + 10.0 * li.p_hi, 1e-9);
    li = cs_analysis_loss_interval(true, 30, &u, 0.0, 10.0);
    assert_int_equal(li.kind, CS_LOSS_NORMAL);
    assert_near(li.lo, 0.0, 0.0); /* clipped: no negative unserved */
    assert_near(li.hi, 0.055, 0.0);
    /* Per region or demand: as above, and one outcome when nothing can be lost or every trial
     * loses the same (a zero-width normal interval before). */
    li = cs_analysis_figure_interval(true, 30, &u, 0.0, 10.0);
    assert_int_equal(li.kind, CS_LOSS_NORMAL);
    li = cs_analysis_figure_interval(true, 1, &u, 0.5, 10.0);
    assert_int_equal(li.kind, CS_LOSS_BOUND);
    assert_near(li.hi, 0.5 + 10.0 * 0.011092476898968787, 1e-9);
    const cs_estimate same = {500, 0.3, 0.0, 0.0, 0.3, 0.3};
    li = cs_analysis_figure_interval(true, 500, &same, 0.0, 10.0);
    assert_int_equal(li.kind, CS_LOSS_ONE_OUTCOME);
    assert_true(li.lo == 0.3 && li.hi == 0.3 && isnan(li.p_hi));
    li = cs_analysis_figure_interval(true, 0, &same, 0.3, 0.0);
    assert_int_equal(li.kind, CS_LOSS_ONE_OUTCOME);
    /* The served fraction follows: at least intact served x (1 - p_hi) / demand for a bound. */
    const cs_estimate f = {500, 0.99, 0.1, 0.0045, 0.98, 1.002};
    li = cs_analysis_figure_interval(true, 1, &u, 0.5, 10.0);
    cs_loss_interval fs = cs_analysis_served_interval(&li, &f, 10.0, 10.5);
    assert_int_equal(fs.kind, CS_LOSS_BOUND);
    assert_near(fs.lo, 10.0 * (1.0 - 0.011092476898968787) / 10.5, 1e-9);
    assert_near(fs.hi, 0.99, 0.0);
    li = cs_analysis_figure_interval(true, 30, &u, 0.0, 10.0);
    fs = cs_analysis_served_interval(&li, &f, 10.0, 10.0);
    assert_int_equal(fs.kind, CS_LOSS_NORMAL);
    assert_near(fs.lo, 0.98, 0.0);
    assert_near(fs.hi, 1.0, 0.0); /* clipped: no served fraction above 1 */
    li = cs_analysis_figure_interval(false, 30, &u, 0.0, 10.0);
    fs = cs_analysis_served_interval(&li, &f, 10.0, 10.0);
    assert_int_equal(fs.kind, CS_LOSS_ONE_OUTCOME);
    assert_true(fs.lo == 0.99 && fs.hi == 0.99);
    assert_string_equal(cs_analysis_loss_kind_name(CS_LOSS_BOUND), "clopper_pearson_bound");
    assert_string_equal(cs_paired_verdict_name(CS_PAIRED_INCONCLUSIVE), "inconclusive");
}

/*
 * The mean's interval from Welford's accumulators, against numpy on the values
 * 2.385, 3.125, 7.5, 1.25 (mean 3.565, m2 22.42945, sd 2.73431588031327).
 */
static void test_estimate(void **state)
{
    (void)state;
    const cs_estimate e = cs_analysis_estimate(4, 3.565, 22.42945);
    assert_int_equal(e.n, 4);
    assert_near(e.mean, 3.565, 0.0);
    assert_near(e.sd, 2.7343158803132703, 1e-12);
    assert_near(e.se, 1.3671579401566352, 1e-12);
    assert_near(e.lo, 0.8854196761150286, 1e-12);
    assert_near(e.hi, 6.244580323884971, 1e-12);
    const cs_estimate one = cs_analysis_estimate(1, 2.385, 0.0);
    assert_near(one.sd, 0.0, 0.0);
    assert_near(one.lo, 2.385, 0.0);
    assert_near(one.hi, 2.385, 0.0);
    const cs_estimate none = cs_analysis_estimate(0, 0.0, 0.0);
    assert_true(isnan(none.mean) && isnan(none.sd) && isnan(none.lo) && isnan(none.hi));
}

/* ----------------------------------------------------------------- reader */

static void test_reader_tables(void **state)
{
    (void)state;
    const char *path = "test_analysis_reader.h5";
    const spec s = hand_spec();
    write_results(path, &s);
    cs_error err = CS_ERROR_INIT;
    cs_resultsio_t *r = NULL;
    assert_int_equal(cs_resultsio_open(&r, path, &err), CS_OK);
    const cs_results_info *in = cs_resultsio_info(r);
    assert_int_equal(in->format_version, 2);
    assert_int_equal(in->seed, 311);
    assert_int_equal(in->trials, NT);
    assert_string_equal(in->software_version, "0.0.0-test");
    assert_non_null(strstr(in->scenario, "capacity: lit"));
    assert_int_equal(in->n_nodes, NN);
    assert_int_equal(in->n_edges, NE);
    assert_int_equal(in->n_demands, ND);
    assert_int_equal(in->n_pairs, NP);
    assert_string_equal(in->nodes[3].id, "jp-b");
    assert_string_equal(in->nodes[3].kind, "landing_station");
    assert_string_equal(in->nodes[5].region, "US West Coast");
    assert_string_equal(in->nodes[2].region, "");
    assert_string_equal(in->edges[2].id, "asia:2");
    assert_string_equal(in->edges[2].cable, "ASIA");
    assert_string_equal(in->edges[0].cable_name, "Pacific, test");
    assert_string_equal(in->edges[3].cable, "");
    assert_int_equal(in->edges[2].from, 3);
    assert_int_equal(in->edges[2].to, 6);
    assert_near(in->edges[0].lit_tbps, 8.0, EPS);
    assert_near(in->edges[0].capacity_tbps, 10.0, EPS);
    assert_string_equal(in->demands[1].destination_id, "city-hk");
    assert_near(in->demands[0].demand_scaled_tbps, 4.0, EPS);
    assert_string_equal(in->pairs[1].region, "Hong Kong");
    assert_int_equal(in->pairs[1].city, 1);
    assert_near(in->base_latency_ms[1], 30.0, EPS);
    assert_near(in->base_edge_flow[4], 3.0, EPS);
    assert_true(in->has_latency && in->has_edge_flow);
    /* Slices of 3 rows: 3 + 3 + 2, CSR offsets relative to the slice. */
    cs_trial_slice sl;
    assert_int_equal(cs_trial_slice_init(&sl, r, 3, &err), CS_OK);
    assert_int_equal(cs_resultsio_read(r, 3, &sl, &err), CS_OK);
    assert_int_equal(sl.n, 3);
    assert_int_equal(sl.edge_off[0], 0);
    assert_int_equal(sl.edge_off[1], 1); /* t3: asia:2 */
    assert_int_equal(sl.edge_off[2], 1); /* t4: none */
    assert_int_equal(sl.edge_off[3], 3); /* t5: pac:1, asia:2 */
    assert_int_equal(sl.failed_edges[1], 0);
    assert_int_equal(sl.failed_edges[2], 2);
    assert_int_equal(sl.node_off[2] - sl.node_off[1], 1);
    assert_int_equal(sl.failed_nodes[sl.node_off[1]], 3);
    assert_near(sl.served_tbps[1 * ND + 1], 0.0, EPS);
    assert_near(sl.unserved_tbps[2], 4.5, EPS);
    assert_true(isnan(sl.latency_ms[1 * ND + 2]));
    assert_near(sl.edge_flow_tbps[0 * NE + 1], 1.5, EPS);
    assert_int_equal(sl.pair_cut[1 * NP + 1], 1);
    assert_int_equal(cs_resultsio_read(r, 6, &sl, &err), CS_OK);
    assert_int_equal(sl.n, 2);
    assert_int_equal(cs_resultsio_read(r, 8, &sl, &err), CS_OK);
    assert_int_equal(sl.n, 0);
    assert_int_equal(cs_resultsio_slice_rows(r, 1), 1);
    assert_int_equal(cs_resultsio_slice_rows(r, (size_t)1 << 30), NT);
    cs_trial_slice_destroy(&sl);
    assert_int_equal(cs_trial_slice_init(&sl, r, 0, &err), CS_EINVAL);
    cs_resultsio_close(r);
    cs_resultsio_close(NULL);
    remove(path);
}

/* --------------------------------------------------------------- analysis */

static void test_overall(void **state)
{
    (void)state;
    const char *path = "test_analysis_overall.h5";
    const spec s = hand_spec();
    write_results(path, &s);
    cs_resultsio_t *r = NULL;
    cs_analysis_t *a = NULL;
    analyse(path, NULL, &r, &a);
    assert_string_equal(a->scenario_name, "unit-analysis");
    assert_true(a->use_lit);
    assert_int_equal(a->n, NT);
    assert_int_equal(a->n_disturbed, 6);
    assert_near(a->demand_tbps, 7.0, EPS);
    const double sd = 5.0 / sqrt(7.0), se = sd / sqrt(8.0);
    assert_near(a->unserved_tbps.mean, 1.75, EPS);
    assert_near(a->unserved_tbps.sd, sd, 1e-12);
    assert_near(a->unserved_tbps.se, se, 1e-12);
    assert_near(a->unserved_tbps.lo, 1.75 - Z95 * se, 1e-12);
    assert_near(a->unserved_tbps.hi, 1.75 + Z95 * se, 1e-12);
    /* Served fraction = 1 - unserved / 7 in every trial. */
    assert_near(a->served_frac.mean, 0.75, EPS);
    assert_near(a->served_frac.se, se / 7.0, 1e-12);
    /* Sorted 0 0 0 0.5 2 3 4 4.5: x_(ceil(a 8)). */
    assert_true(a->tail.available);
    assert_near(a->tail.q[0], 0.5, EPS); /* p50: x_(4) */
    assert_near(a->tail.q[1], 4.5, EPS); /* p90: x_(8) */
    assert_near(a->tail.max, 4.5, EPS);
    assert_near(a->tail.var95, 4.5, EPS);
    assert_near(a->tail.cvar95, 4.5, EPS);
    /* No trial cuts both pairs at once. */
    assert_prop(&a->all_cut, 0, NT);
    /* Traffic-weighted latency: sum s l / sum s l0 = 1610 / 1565. */
    assert_near(a->latency_inflation, 1610.0 / 1565.0, 1e-12);
    /* n* = (z sd / (0.05 mean))^2. */
    const double need = pow(Z95 * sd / (0.05 * 1.75), 2);
    assert_true(a->precision.defined);
    assert_near(a->precision.needed, need, 1e-9);
    assert_false(a->precision.sufficient);
    assert_int_equal(a->precision.more, (uint64_t)ceil(need) - NT);
    assert_near(a->precision.achieved, Z95 * se / 1.75, 1e-12);
    cs_analysis_free(a);
    /* A looser target of 99% is met: n* = (z sd / (0.99 x 1.75))^2 = 4.57 < 8. */
    cs_analysis_options o = CS_ANALYSIS_OPTIONS_INIT;
    o.precision = 0.99;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_analysis_run(&a, r, &o, &err), CS_OK);
    assert_true(a->precision.sufficient);
    assert_int_equal(a->precision.more, 0);
    cs_analysis_free(a);
    o.precision = 0.0;
    assert_int_equal(cs_analysis_run(&a, r, &o, &err), CS_EINVAL);
    assert_null(a);
    assert_non_null(strstr(err.msg, "precision: expected a number in (0, 1), found 0"));
    cs_resultsio_close(r);
    remove(path);
}

static void test_regions_and_demands(void **state)
{
    (void)state;
    const char *path = "test_analysis_regions.h5";
    const spec s = hand_spec();
    write_results(path, &s);
    cs_resultsio_t *r = NULL;
    cs_analysis_t *a = NULL;
    analyse(path, NULL, &r, &a);
    assert_int_equal(a->n_regions, 3);
    const cs_analysis_region *us = &a->regions[0], *hk = &a->regions[1], *jp = &a->regions[2];
    assert_string_equal(us->name, "US West Coast");
    assert_string_equal(hk->name, "Hong Kong");
    /* Latency added: Hong Kong's demand is served in t0 t1 t2 t3 t5 t6, at 45 ms instead of 30
     * in t3 and t5: mean 15 x 2 / 6 = 5 ms, worst 15; Los Angeles never changes latency. */
    assert_near(hk->latency_added_mean_ms, 5.0, 1e-12);
    assert_near(hk->latency_added_worst_ms, 15.0, 1e-12);
    assert_near(us->latency_added_worst_ms, 0.0, 1e-12);
    assert_string_equal(jp->name, "Japan");
    assert_false(us->domestic);
    assert_true(jp->domestic);
    assert_int_equal(us->n_demands, 1);
    assert_near(us->demand_tbps, 4.0, EPS);
    /* US: Tokyo-LA loses 4 in t1 and t5; squared deviations 2 x 9 + 6 x 1 = 24. */
    assert_near(us->unserved_tbps.mean, 1.0, EPS);
    assert_near(us->unserved_tbps.sd, sqrt(24.0 / 7.0), 1e-12);
    assert_near(us->served_frac.mean, 0.75, EPS);
    assert_prop(&us->all_cut, 2, NT);
    assert_prop(&us->any_cut, 2, NT);
    assert_int_equal(us->n_pairs, 1);
    assert_near(us->latency_inflation, 1.0, EPS);
    /* 2 of 8 trials lose traffic to the US: no normal interval but the bound 4 x the
     * Clopper-Pearson upper bound of P(loss > 0) (scipy beta.ppf(0.975, 3, 6)). */
    assert_int_equal(us->n_loss, 2);
    assert_int_equal(us->unserved_stated.kind, CS_LOSS_BOUND);
    assert_near(us->unserved_stated.hi, 4.0 * 0.6508557944128242, 1e-9);
    assert_near(us->unserved_stated.lo, 1.0, EPS);
    assert_int_equal(us->served_stated.kind, CS_LOSS_BOUND);
    assert_near(us->served_stated.lo, 1.0 - 0.6508557944128242, 1e-9);
    assert_near(us->served_stated.hi, 0.75, EPS);
    /* Hong Kong: unserved 0 0 0 0.5 2 0.5 0 2 (mean 0.625); sorted 0 0 0 0 0.5 0.5 2 2. */
    assert_near(hk->unserved_tbps.mean, 0.625, EPS);
    assert_near(hk->served_frac.mean, 0.6875, EPS);
    assert_near(hk->tail.q[0], 0.0, EPS);
    assert_near(hk->tail.var95, 2.0, EPS);
    assert_near(hk->tail.cvar95, 2.0, EPS);
    assert_prop(&hk->all_cut, 2, NT);
    assert_near(hk->latency_inflation, 375.0 / 330.0, 1e-12);
    assert_int_equal(hk->n_loss, 4); /* t3, t4, t5, t7: beta.ppf(0.975, 5, 4) */
    assert_near(hk->unserved_stated.hi, 2.0 * 0.842987229512942, 1e-9);
    /* Japan (domestic): loses 1 in t4 only; no pairs. */
    assert_near(jp->unserved_tbps.mean, 0.125, EPS);
    assert_int_equal(jp->all_cut.n, 0);
    assert_true(isnan(jp->all_cut.p));
    /* Demands. */
    const cs_analysis_demand *d0 = &a->demands[0], *d1 = &a->demands[1], *d2 = &a->demands[2];
    assert_int_equal(d0->region, 0);
    assert_int_equal(d1->region, 1);
    assert_int_equal(d2->region, 2);
    assert_int_equal(d0->pair, 0);
    assert_int_equal(d1->pair, 1);
    assert_int_equal(d2->pair, SIZE_MAX);
    assert_prop(&d0->cut, 2, NT);
    assert_prop(&d1->cut, 2, NT);
    assert_int_equal(d2->cut.n, 0);
    assert_prop(&d0->loss, 2, NT);
    assert_prop(&d1->loss, 4, NT);
    assert_prop(&d2->loss, 1, NT);
    /* Path changes: d0 NaN in t1, t5; d1 45 in t3, t5, NaN in t4, t7; d2 NaN in t4. */
    assert_prop(&d0->path_change, 2, NT);
    assert_prop(&d1->path_change, 4, NT);
    assert_prop(&d2->path_change, 1, NT);
    assert_near(d1->latency_inflation, 375.0 / 330.0, 1e-12);
    assert_near(d1->served_frac.mean, 0.6875, EPS);
    assert_near(d1->unserved_tbps.mean, 0.625, EPS);
    assert_int_equal(d1->unserved_stated.kind, CS_LOSS_BOUND);
    assert_near(d1->unserved_stated.hi, 2.0 * 0.842987229512942, 1e-9);
    assert_near(d1->served_stated.lo, 1.0 - 0.842987229512942, 1e-9);
    assert_int_equal(d2->unserved_stated.kind, CS_LOSS_BOUND); /* t4: beta.ppf(0.975, 2, 7) */
    assert_near(d2->unserved_stated.hi, 0.5265096708752065, 1e-9);
    assert_near(d2->tail.max, 1.0, EPS);
    assert_near(d2->tail.q[0], 0.0, EPS);
    /* Where d1's traffic goes when its path changes (t3, t4, t5, t7): PAC is up in t3, t4, t7
     * and rises by 0, 0, 4 over its intact 4; ASIA is down in all four. Mean rise 4 / 4. */
    assert_int_equal(d1->absorber, 0);
    assert_string_equal(a->cables[d1->absorber].name, "PAC");
    assert_near(d1->absorber_rise, 1.0, EPS);
    /* d0 changes in t1 (ASIA up, no rise) and t5 (both down): no absorber. */
    assert_int_equal(d0->absorber, SIZE_MAX);
    assert_true(a->demand_tails && a->region_tails);
    cs_analysis_free(a);
    cs_resultsio_close(r);
    remove(path);
}

static void test_rerouting_and_criticality(void **state)
{
    (void)state;
    const char *path = "test_analysis_crit.h5";
    spec s = hand_spec();
    write_results(path, &s);
    cs_resultsio_t *r = NULL;
    cs_analysis_t *a = NULL;
    analyse(path, NULL, &r, &a);
    assert_true(a->has_flow);
    assert_int_equal(a->n_cables, 2);
    assert_string_equal(a->cables[0].name, "PAC");
    assert_string_equal(a->cables[1].name, "ASIA");
    assert_int_equal(a->cables[1].n_segments, 2);
    assert_int_equal(a->cable_of_edge[2], 1);
    assert_int_equal(a->cable_of_edge[3], SIZE_MAX);
    /* asia:1 is up in t0 t1 t3 t4 t5 t6 (flows 0 0 1.5 0 1.5 0); disturbed and up: t1 t3 t4 t5. */
    const cs_flow_stats *f1 = &a->edges[1].flow;
    assert_near(f1->capacity_tbps, 5.0, EPS);
    assert_near(f1->base_flow_tbps, 0.0, EPS);
    assert_int_equal(f1->flow_up.n, 6);
    assert_near(f1->flow_up.mean, 0.5, EPS);
    assert_int_equal(f1->flow_disturbed.n, 4);
    assert_near(f1->flow_disturbed.mean, 0.75, EPS);
    assert_near(f1->rise, 0.75, EPS);
    assert_prop(&f1->saturated, 0, NT);
    /* asia:2 is down in t3 t5 t7 (cut) and t4 (its station jp-b lost). */
    assert_int_equal(a->edges[2].flow.flow_up.n, 4);
    /* pac:1: up in t0 t2 t3 t4 t6 t7 (4 4 4 4 4 8); disturbed t2 t3 t4 t7: mean 5, rise 1; 8 of
     * lit 8 in t7 is saturated. */
    const cs_flow_stats *f0 = &a->edges[0].flow;
    assert_near(f0->flow_up.mean, 28.0 / 6.0, 1e-12);
    assert_near(f0->rise, 1.0, EPS);
    assert_prop(&f0->saturated, 1, NT);
    /* Cables: PAC as pac:1; ASIA up only when both segments are (t0 t1 t6), flow max = 2. */
    assert_near(a->cables[0].flow.rise, 1.0, EPS);
    assert_prop(&a->cables[0].flow.saturated, 1, NT);
    assert_int_equal(a->cables[1].flow.flow_up.n, 3);
    assert_near(a->cables[1].flow.base_flow_tbps, 2.0, EPS);
    assert_near(a->cables[1].flow.rise, 0.0, EPS);
    /* Criticality; loss = unserved (the intact network serves all), total 14. */
    const cs_criticality *pac = &a->edges[0].crit;
    assert_prop(&pac->failed, 2, NT);
    assert_near(pac->unserved.mean, 4.25, EPS);
    assert_near(pac->unserved.se, 0.25, 1e-12);
    assert_near(pac->loss, 4.25, EPS);
    assert_near(pac->share, 8.5 / 14.0, 1e-12);
    assert_near(a->edges[1].crit.unserved.mean, 1.0, EPS);
    assert_near(a->edges[1].crit.share, 2.0 / 14.0, 1e-12);
    /* asia:2 fails in t3 t5 t7 and goes down with jp-b in t4 (a lost station takes its
     * segments with it): unserved 0.5, 3, 4.5, 2. */
    assert_prop(&a->edges[2].crit.failed, 4, NT);
    assert_near(a->edges[2].crit.unserved.mean, 2.5, 1e-12);
    assert_near(a->edges[2].crit.share, 10.0 / 14.0, 1e-12);
    assert_prop(&a->edges[4].crit.failed, 1, NT); /* link:osaka-b, at jp-b */
    assert_int_equal(a->edges[3].crit.failed.k, 0);
    assert_true(isnan(a->edges[3].crit.loss));
    /* ASIA is down in t2 t3 t5 t7 and, through jp-b, t4; once in t7 although both
     * segments fail: unserved 0, 0.5, 3, 4.5, 2. */
    const cs_criticality *asia = &a->cables[1].crit;
    assert_prop(&asia->failed, 5, NT);
    assert_near(asia->unserved.mean, 2.0, EPS);
    assert_near(asia->share, 10.0 / 14.0, 1e-12);
    /* Capacity lost (lit): t1 pac 8; t2 asia:1 5; t3 asia:2 5; t4 jp-b's asia:2 5 and two
     * 100 Tbps links; t5 pac + asia:2 13; t7 asia:1 + asia:2 10: 246 over 8 trials. */
    assert_near(a->capacity_lost_tbps.mean, 246.0 / 8.0, 1e-12);
    assert_int_equal(a->n_loss, 5); /* t1 t3 t4 t5 t7 */
    assert_true(a->varied);
    assert_near(a->cables[0].crit.share, 8.5 / 14.0, 1e-12);
    /* Stations: the four landing stations in node order; jp-b lost in t4 (unserved 3). */
    assert_int_equal(a->n_stations, 4);
    assert_int_equal(a->stations[0].node, 2);
    assert_int_equal(a->stations[1].node, 3);
    assert_prop(&a->stations[1].crit.failed, 1, NT);
    assert_near(a->stations[1].crit.unserved.mean, 3.0, EPS);
    assert_near(a->stations[1].crit.share, 3.0 / 14.0, 1e-12);
    assert_int_equal(a->stations[0].crit.failed.k, 0);
    cs_analysis_free(a);
    cs_resultsio_close(r);
    remove(path);

    /* On design capacity PAC's 8 Tbps in t7 is below 0.999 x 10: never saturated. */
    s.design = true;
    write_results(path, &s);
    analyse(path, NULL, &r, &a);
    assert_false(a->use_lit);
    assert_near(a->edges[0].flow.capacity_tbps, 10.0, EPS);
    assert_prop(&a->edges[0].flow.saturated, 0, NT);
    cs_analysis_free(a);
    cs_resultsio_close(r);
    remove(path);
}

/* One row per slice gives the same numbers as one slice for everything. */
static void test_slices_agree(void **state)
{
    (void)state;
    const char *path = "test_analysis_slices.h5";
    const spec s = hand_spec();
    write_results(path, &s);
    cs_resultsio_t *r = NULL;
    cs_analysis_t *a = NULL, *b = NULL;
    analyse(path, NULL, &r, &a);
    cs_analysis_options o = CS_ANALYSIS_OPTIONS_INIT;
    o.slice_bytes = 1;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_analysis_run(&b, r, &o, &err), CS_OK);
    assert_near(b->unserved_tbps.mean, a->unserved_tbps.mean, 0.0);
    assert_near(b->unserved_tbps.sd, a->unserved_tbps.sd, 0.0);
    assert_near(b->regions[1].tail.cvar95, a->regions[1].tail.cvar95, 0.0);
    assert_near(b->edges[1].flow.rise, a->edges[1].flow.rise, 0.0);
    assert_near(b->cables[1].crit.share, a->cables[1].crit.share, 0.0);
    assert_int_equal(b->demands[1].path_change.k, a->demands[1].path_change.k);
    cs_analysis_free(a);
    cs_analysis_free(b);
    cs_resultsio_close(r);
    remove(path);
}

/* 100 trials losing 0.00 .. 0.99 Tbps: quantiles, VaR and CVaR by hand; the memory cap. */
static void test_quantiles_and_cap(void **state)
{
    (void)state;
    const char *path = "test_analysis_quantiles.h5";
    spec s = hand_spec();
    s.set = QUANTILES;
    s.trials = 100;
    s.flows = false;
    s.latency = false;
    s.batch = 16;
    write_results(path, &s);
    cs_resultsio_t *r = NULL;
    cs_analysis_t *a = NULL;
    analyse(path, NULL, &r, &a);
    assert_false(cs_resultsio_info(r)->has_edge_flow);
    assert_false(cs_resultsio_info(r)->has_latency);
    assert_false(a->has_flow);
    assert_true(isnan(a->latency_inflation));
    assert_int_equal(a->demands[0].path_change.n, 0);
    assert_int_equal(a->n_disturbed, 0);
    /* Sorted values 0.00 .. 0.99: x_(k) = (k - 1) / 100. */
    const double q[CS_ANALYSIS_NQ] = {0.49, 0.89, 0.94, 0.98, 0.99};
    for (size_t i = 0; i < CS_ANALYSIS_NQ; i++) {
        assert_near(a->tail.q[i], q[i], 1e-12);
        assert_near(a->regions[0].tail.q[i], q[i], 1e-12);
        assert_near(a->demands[0].tail.q[i], q[i], 1e-12);
    }
    assert_near(a->tail.var95, 0.94, 1e-12);
    assert_near(a->tail.cvar95, (0.94 + 0.95 + 0.96 + 0.97 + 0.98 + 0.99) / 6, 1e-12);
    assert_near(a->tail.var99, 0.98, 1e-12);
    assert_near(a->tail.cvar99, 0.985, 1e-12);
    assert_near(a->unserved_tbps.mean, 0.495, 1e-12);
    /* Criticality shares need failures: none here. */
    assert_int_equal(a->cables[0].crit.failed.k, 0);
    cs_analysis_free(a);
    /* 99 values differ from the intact network in each of the total, the US region and the
     * Tokyo-LA demand: a cap of 150 gives up demands, then regions, never the total. */
    cs_analysis_options o = CS_ANALYSIS_OPTIONS_INIT;
    o.max_tail_values = 150;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(cs_analysis_run(&a, r, &o, &err), CS_OK);
    assert_false(a->demand_tails);
    assert_false(a->region_tails);
    assert_false(a->demands[0].tail.available);
    assert_true(isnan(a->demands[0].tail.var95));
    assert_false(a->regions[0].tail.available);
    assert_true(a->tail.available);
    assert_near(a->tail.cvar99, 0.985, 1e-12);
    cs_analysis_free(a);
    o.max_tail_values = 250; /* demands go, regions stay */
    assert_int_equal(cs_analysis_run(&a, r, &o, &err), CS_OK);
    assert_false(a->demand_tails);
    assert_true(a->region_tails);
    assert_near(a->regions[0].tail.var99, 0.98, 1e-12);
    cs_analysis_free(a);
    cs_resultsio_close(r);
    remove(path);
}

/* ---------------------------------------------------------------- compare */

static void test_compare(void **state)
{
    (void)state;
    const char *pa = "test_analysis_cmp_a.h5", *pb = "test_analysis_cmp_b.h5";
    spec s = hand_spec();
    write_results(pa, &s);
    s.shift = 0.25; /* B loses 0.25 Tbps more of the domestic demand in every trial */
    write_results(pb, &s);
    cs_error err = CS_ERROR_INIT;
    cs_resultsio_t *a = NULL, *b = NULL;
    assert_int_equal(cs_resultsio_open(&a, pa, &err), CS_OK);
    assert_int_equal(cs_resultsio_open(&b, pb, &err), CS_OK);
    cs_comparison_t *c = NULL;
    assert_int_equal(cs_analysis_compare(&c, a, b, NULL, &err), CS_OK);
    assert_int_equal(c->kind, CS_COMPARE_PAIRED);
    assert_string_equal(c->basis, "same seed 311 and 8 trials");
    assert_int_equal(c->n, NT);
    assert_int_equal(c->seed, 311);
    assert_near(c->unserved_tbps.df, NT - 1, EPS);
    assert_near(c->unserved_tbps.a_mean, 1.75, EPS);
    assert_near(c->unserved_tbps.b_mean, 2.0, EPS);
    assert_near(c->unserved_tbps.diff.mean, 0.25, 1e-12);
    assert_near(c->unserved_tbps.diff.sd, 0.0, 1e-12);
    assert_true(c->unserved_tbps.excludes_zero);
    assert_int_equal(c->unserved_tbps.n_pos, NT);
    assert_int_equal(c->unserved_tbps.n_neg, 0);
    assert_near(c->unserved_tbps.sign_p, 2.0 / 256.0, 1e-12);
    assert_int_equal(c->unserved_tbps.verdict, CS_PAIRED_SIGNIFICANT);
    /* Japan's served fraction falls by 0.25 in the 7 trials where it is served. */
    assert_int_equal(c->n_regions, 3);
    assert_string_equal(c->regions[2].name, "Japan");
    assert_near(c->regions[2].served_frac.diff.mean, -0.25 * 7.0 / 8.0, 1e-12);
    assert_int_equal(c->regions[2].served_frac.n_neg, 7);
    assert_false(c->regions[2].has_pairs);
    /* The other regions are the same in every trial: a zero difference, CI [0, 0]. */
    assert_near(c->regions[0].served_frac.diff.mean, 0.0, EPS);
    assert_false(c->regions[0].served_frac.excludes_zero);
    assert_near(c->regions[0].served_frac.sign_p, 1.0, EPS);
    assert_true(c->regions[0].served_frac.verdict != CS_PAIRED_SIGNIFICANT);
    assert_true(c->regions[0].has_pairs);
    assert_near(c->regions[0].all_cut.a_mean, 0.25, EPS);
    assert_near(c->regions[0].all_cut.diff.mean, 0.0, EPS);
    cs_comparison_free(c);
    /* B against A: a file compared with itself reversed gives the opposite difference. */
    assert_int_equal(cs_analysis_compare(&c, b, a, NULL, &err), CS_OK);
    assert_near(c->unserved_tbps.diff.mean, -0.25, 1e-12);
    assert_int_equal(c->unserved_tbps.n_neg, NT);
    cs_comparison_free(c);
    cs_resultsio_close(b);
    /* Rounding dust (1e-13 Tbps) is a tie for the sign test, though it moves the mean. */
    s.shift = 1e-13;
    write_results(pb, &s);
    assert_int_equal(cs_resultsio_open(&b, pb, &err), CS_OK);
    assert_int_equal(cs_analysis_compare(&c, a, b, NULL, &err), CS_OK);
    assert_near(c->unserved_tbps.diff.mean, 1e-13, 1e-15);
    assert_int_equal(c->unserved_tbps.n_pos, 0);
    assert_int_equal(c->unserved_tbps.n_neg, 0);
    assert_near(c->unserved_tbps.sign_p, 1.0, EPS);
    cs_comparison_free(c);
    /* The loss series count dust as the intact value: 5 + 7 regional + 7 per-demand values
     * are kept (not 8 + 14 + 14), so a cap of 12 gives up only the demands. */
    cs_analysis_options o = CS_ANALYSIS_OPTIONS_INIT;
    o.max_tail_values = 12;
    cs_analysis_t *an = NULL;
    assert_int_equal(cs_analysis_run(&an, b, &o, &err), CS_OK);
    assert_true(an->region_tails);
    assert_false(an->demand_tails);
    assert_near(an->tail.q[0], 0.5 + 1e-13, 1e-15);
    assert_near(an->regions[2].tail.max, 1.0, EPS); /* t4: nothing served */
    cs_analysis_free(an);
    cs_resultsio_close(a);
    cs_resultsio_close(b);
    remove(pa);
    remove(pb);
}

/* Opens both files and compares b with a. */
static cs_comparison_t *compare_files(const char *pa, const char *pb, cs_resultsio_t **a,
                                      cs_resultsio_t **b)
{
    cs_error err = CS_ERROR_INIT;
    cs_comparison_t *c = NULL;
    assert_int_equal(cs_resultsio_open(a, pa, &err), CS_OK);
    assert_int_equal(cs_resultsio_open(b, pb, &err), CS_OK);
    if (cs_analysis_compare(&c, *a, *b, NULL, &err) != CS_OK) fail_msg("%s", err.msg);
    return c;
}

/* Another seed, another trial count, another demand: compare still answers, unpaired (Welch)
 * when the trials cannot be paired, and says so. */
static void test_compare_unpaired(void **state)
{
    (void)state;
    const char *pa = "test_analysis_unp_a.h5", *pb = "test_analysis_unp_b.h5";
    spec s = hand_spec();
    write_results(pa, &s);
    s.seed = 312;
    s.shift = 0.25;
    write_results(pb, &s);
    cs_resultsio_t *a = NULL, *b = NULL;
    cs_comparison_t *c = compare_files(pa, pb, &a, &b);
    assert_int_equal(c->kind, CS_COMPARE_UNPAIRED);
    assert_string_equal(c->basis, "the seeds differ (311 and 312)");
    assert_int_equal(c->a_seed, 311);
    assert_int_equal(c->b_seed, 312);
    assert_true(c->same_demands);
    assert_true(c->same_network);
    /* Both samples have variance 25/7 over 8 trials: se = sqrt(2 (25/7) / 8); equal sizes and
     * variances give the Welch df 2 (n - 1) = 14, t(0.975, 14) = 2.1447866879169273. */
    const cs_paired *u = &c->unserved_tbps;
    assert_near(u->a_mean, 1.75, EPS);
    assert_near(u->b_mean, 2.0, EPS);
    assert_near(u->diff.mean, 0.25, EPS);
    assert_near(u->diff.se, sqrt(25.0 / 28.0), EPS);
    assert_near(u->df, 14.0, 1e-9);
    assert_near(u->diff.hi - u->diff.mean, 2.1447866879169273 * sqrt(25.0 / 28.0), 1e-9);
    assert_true(isnan(u->diff.sd) && isnan(u->sign_p));
    assert_int_equal(u->n_pos, 0);
    assert_int_equal(u->diff.n, 16);
    assert_false(u->excludes_zero);
    assert_int_equal(u->verdict, CS_PAIRED_NOT_SIGNIFICANT);
    /* Cable systems by id: PAC failed in 2 of 8 trials in each file. */
    assert_int_equal(c->n_cables, 2);
    assert_string_equal(c->cables[0].name, "PAC");
    assert_true(c->cables[0].in_a && c->cables[0].in_b);
    assert_near(c->cables[0].failed.a_mean, 0.25, EPS);
    assert_near(c->cables[0].failed.diff.mean, 0.0, EPS);
    cs_comparison_free(c);
    cs_resultsio_close(a);
    cs_resultsio_close(b);
    /* 100 trials without failure against 8: a Welch df between the two. */
    s = hand_spec();
    s.set = QUANTILES;
    s.trials = 100;
    write_results(pb, &s);
    c = compare_files(pa, pb, &a, &b);
    assert_int_equal(c->kind, CS_COMPARE_UNPAIRED);
    assert_string_equal(c->basis, "the trial counts differ (8 and 100)");
    u = &c->unserved_tbps;
    const double va = 25.0 / 7.0 / 8.0, vb = 1e-4 * (100.0 * 100.0 - 1.0) / 12.0 * 100.0 / 99.0 /
                                             100.0; /* 0.00, 0.01 .. 0.99, each once */
    assert_near(u->b_mean, 0.495, 1e-12);
    assert_near(u->diff.se, sqrt(va + vb), 1e-12);
    assert_near(u->df, (va + vb) * (va + vb) / (va * va / 7.0 + vb * vb / 99.0), 1e-9);
    assert_near(c->cables[1].failed.a_mean, 0.5, EPS); /* ASIA: t2, t3, t5, t7 */
    assert_near(c->cables[1].failed.b_mean, 0.0, EPS);
    cs_comparison_free(c);
    cs_resultsio_close(a);
    cs_resultsio_close(b);
    /* Another demand, same seed and trials: paired; each region's served fraction is a share of
     * its own file's demand (Tokyo-LA 4 against 4.5: 4 served is 1 against 8/9). */
    s = hand_spec();
    s.demand = demand_other_csv;
    write_results(pb, &s);
    c = compare_files(pa, pb, &a, &b);
    assert_int_equal(c->kind, CS_COMPARE_PAIRED);
    assert_false(c->same_demands);
    assert_near(c->a_demand_tbps, 7.0, EPS);
    assert_near(c->b_demand_tbps, 7.5, EPS);
    assert_string_equal(c->regions[0].name, "US West Coast");
    assert_near(c->regions[0].b_demand_tbps, 4.5, EPS);
    assert_near(c->regions[0].served_frac.diff.mean, 6.0 / 8.0 * (8.0 / 9.0 - 1.0), 1e-12);
    assert_int_equal(c->regions[0].served_frac.n_neg, 6);
    cs_comparison_free(c);
    cs_resultsio_close(a);
    cs_resultsio_close(b);
    /* Welch from two estimates, and one outcome when neither varies. */
    const cs_estimate ea = cs_analysis_estimate(4, 1.0, 0.0),
                      eb = cs_analysis_estimate(9, 3.0, 0.0);
    const cs_paired w = cs_analysis_welch(&ea, &eb);
    assert_int_equal(w.verdict, CS_PAIRED_ONE_OUTCOME);
    assert_near(w.diff.mean, 2.0, EPS);
    remove(pa);
    remove(pb);
}

int main(void)
{
    cs_library_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wilson),
        cmocka_unit_test(test_clopper_pearson_and_loss_statement),
        cmocka_unit_test(test_estimate),
        cmocka_unit_test(test_reader_tables),
        cmocka_unit_test(test_overall),
        cmocka_unit_test(test_regions_and_demands),
        cmocka_unit_test(test_rerouting_and_criticality),
        cmocka_unit_test(test_slices_agree),
        cmocka_unit_test(test_quantiles_and_cap),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_compare_unpaired),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
