/*
 * test_hazards_quake.c: the natural hazards: earthquakes (fragility curve, distances to the
 * rupture, Keefer's landslide half-width, slope breaks, Gutenberg-Richter magnitudes, faults)
 * and sediment flows (fixed and lognormal run-out, trigger), and the events they record.
 * Frequencies over many trials must fall within 4 binomial standard deviations of the formula
 * (docs/model.md); deterministic cases must match exactly.
 */
#include "cs_hazard_test.h"

/* ------------------------------------------------------------ earthquake */

/* Segments q0..q3 run up meridians east of the epicentre (160E, 0N) from lat
 * -1 to 1; the M7 rupture (strike 0) runs up the 160E meridian. */
static const double quake_d[4] = {3.1, 9.7, 14.2, 25.3}; /* km from the M7 rupture */

static double half_rupture_rad(double m)
{
    return cs_hz_rupture_length_km(m, -2.44, 0.59) / 2.0 / R;
}

static cs_topology_t *quake_topology(void)
{
    tnode n[11] = {{"c0", "city", 159.0, 0.0}, {"qs", "landing_station", 160.0, 0.27}};
    tedge e[5] = {LINK("lq", "c0", "qs")};
    static char ids[4][3][8];
    const double h = half_rupture_rad(7.0);
    for (size_t i = 0; i < 4; i++) {
        /* Nearest points are the rupture's ends at lat +-h: d = R asin(cos h sin dlon). */
        const double dlon = asin(sin(quake_d[i] / R) / cos(h)) / DEG;
        snprintf(ids[i][0], 8, "qa%zu", i);
        snprintf(ids[i][1], 8, "qb%zu", i);
        snprintf(ids[i][2], 8, "q%zu", i);
        n[2 + 2 * i] = (tnode){ids[i][0], "landing_station", 160 + dlon, -1};
        n[3 + 2 * i] = (tnode){ids[i][1], "landing_station", 160 + dlon, 1};
        e[1 + i] = (tedge)SEG(ids[i][2], ids[i][0], ids[i][1], "Q", 10);
    }
    return make_topology(n, 10, e, 5);
}

static void test_fragility_curve(void **state)
{
    (void)state;
    const cs_hz_fragility fr = {0.9, 10.0, 0.35, 0.25};
    /* At d50: half of p_max; d50 grows 10^0.35 per magnitude unit. */
    assert_float_equal(cs_hz_fragility_p(&fr, 10.0, 7.0), 0.45, 1e-12);
    assert_float_equal(cs_hz_fragility_p(&fr, 10.0 * pow(10, 0.7), 9.0), 0.45, 1e-12);
    assert_float_equal(cs_hz_fragility_p(&fr, 12.5, 7.0), 0.9 / (1 + exp(1.0)), 1e-12);
    double prev = 1.0;
    for (double d = 0; d < 200; d += 7.3) { /* falls with distance */
        const double p = cs_hz_fragility_p(&fr, d, 7.4);
        assert_true(p < prev);
        prev = p;
    }
    for (double m = 5.0; m < 9.5; m += 0.5) /* rises with magnitude */
        assert_true(cs_hz_fragility_p(&fr, 30.0, m + 0.5) > cs_hz_fragility_p(&fr, 30.0, m));
    /* Wells & Coppersmith: M7 ~ 49 km, M9 ~ 741 km. */
    assert_float_equal(cs_hz_rupture_length_km(7.0, -2.44, 0.59), pow(10, 1.69), 1e-9);
    assert_float_equal(cs_hz_rupture_length_km(9.0, -2.44, 0.59), pow(10, 2.87), 1e-9);
}

static void test_quake_distances(void **state)
{
    (void)state;
    cs_topology_t *t = quake_topology();
    cs_hazard_t *h =
        parse_ok(t, "type: earthquake\nbreaks: rupture\nepicentre: [160, 0]\nmagnitude: 7.0\n"
                    "strike_deg: 0\nstation_radius_km: 50\nstation_loss_prob: 0.37\n");
    const cs_hz_fragility fr = {0.9, 10.0, 0.35, 0.25};
    counts c = run1(t, h, TRIALS);
    char id[8];
    for (size_t i = 0; i < 4; i++) {
        snprintf(id, sizeof id, "q%zu", i);
        assert_binomial(c.edge[edge_index(t, id)], TRIALS, cs_hz_fragility_p(&fr, quake_d[i], 7.0),
                        id);
    }
    /* Station qs is 30 km from the epicentre, the others ~111 km. */
    assert_binomial(c.node[node_index(t, "qs")], TRIALS, 0.37, "station qs");
    assert_int_equal(c.node[node_index(t, "qa0")] + c.node[node_index(t, "qb3")], 0);
    uncount(&c);
    cs_hazard_free(h);

    /* M7.6: a longer rupture (ends nearer the segments) and a larger d50. */
    h = parse_ok(t, "type: earthquake\nbreaks: rupture\nepicentre: [160, 0]\nmagnitude: 7.6\n"
                    "strike_deg: 180\n");
    c = run1(t, h, TRIALS);
    const double h7 = half_rupture_rad(7.0), h76 = half_rupture_rad(7.6);
    for (size_t i = 0; i < 4; i++) {
        const double dlon = asin(sin(quake_d[i] / R) / cos(h7));
        const double d = R * asin(cos(h76) * sin(dlon));
        snprintf(id, sizeof id, "q%zu", i);
        const double p = cs_hz_fragility_p(&fr, d, 7.6);
        assert_true(p > cs_hz_fragility_p(&fr, quake_d[i], 7.0));
        assert_binomial(c.edge[edge_index(t, id)], TRIALS, p, id);
    }
    assert_int_equal(c.node[node_index(t, "qs")], 0); /* station_radius_km defaults to 0 */
    uncount(&c);
    cs_hazard_free(h);
    cs_topology_free(t);
}

/*
 * breaks: slope. Keefer's area A = 10^(M - 3.46) km^2 as a band of half-width R around a
 * rupture of length L: pi R^2 + 2 L R = A.
 */
static void test_keefer_halfwidth(void **state)
{
    (void)state;
    const double a7 = pow(10.0, 7.0 - 3.46), a9 = pow(10.0, 9.0 - 3.46);
    assert_float_equal(cs_hz_keefer_halfwidth_km(7.0, 0.0, 3.46), sqrt(a7 / PI), 1e-9);
    assert_float_equal(sqrt(a7 / PI), 33.222, 1e-3);
    const double r7 = cs_hz_keefer_halfwidth_km(7.0, 49.0, 3.46);
    assert_float_equal(r7, 21.103, 1e-3);
    assert_float_equal(PI * r7 * r7 + 2 * 49.0 * r7, a7, 1e-6);
    const double r9 = cs_hz_keefer_halfwidth_km(9.0, 500.0, 3.46);
    assert_float_equal(r9, 209.22, 1e-2);
    assert_float_equal(PI * r9 * r9 + 1000.0 * r9, a9, 1e-4);
    /* Keefer's abstract: ~500,000 km^2 at M 9.2. */
    assert_true(fabs(pow(10.0, 9.2 - 3.46) / 5e5 - 1.0) < 0.1);
    assert_float_equal(cs_hz_slope_p(0.9, 20.0, 20.0, 0.1), 0.45, 1e-12);
    assert_float_equal(cs_hz_slope_p(0.9, 22.0, 20.0, 0.1), 0.9 / (1 + exp(1.0)), 1e-12);
    /* Around a plane L x W: L W + 2 (L + W) R + pi R^2 = A; W = 0 is the line; 0 when the
     * plane alone covers A. Strasser et al. (2010) interface width: 189 km at M 9, 38 at M 7. */
    const double w9 = cs_hz_rupture_width_km(9.0, -0.882, 0.351);
    assert_float_equal(w9, pow(10.0, 2.277), 1e-9);
    assert_float_equal(w9, 189.23, 1e-2);
    assert_float_equal(cs_hz_rupture_width_km(7.0, -0.882, 0.351), 37.58, 1e-2);
    const double p9 = cs_hz_keefer_halfwidth_plane_km(9.0, 500.0, w9, 3.46);
    assert_float_equal(500.0 * w9 + 2 * (500.0 + w9) * p9 + PI * p9 * p9, a9, 1e-4);
    assert_float_equal(p9, 138.92, 0.01);
    assert_float_equal(cs_hz_keefer_halfwidth_plane_km(9.0, 500.0, 0.0, 3.46), r9, 1e-12);
    assert_float_equal(cs_hz_keefer_halfwidth_plane_km(7.0, 100.0, 100.0, 3.46), 0.0, 0.0);
    /* Bearings: north 0, east 90 (on the equator), south-west about 225. */
    const cs_lonlat o = {0.0, 0.0}, n1 = {0.0, 1.0}, e1 = {1.0, 0.0}, sw = {-1.0, -1.0};
    assert_float_equal(cs_hz_bearing_deg(o, n1), 0.0, 1e-9);
    assert_float_equal(cs_hz_bearing_deg(o, e1), 90.0, 1e-9);
    assert_float_equal(cs_hz_bearing_deg(o, sw), -135.0, 0.01);
}

/* The topology of the slope tests: a landing station at (0, 0), a segment "s" east along the
 * equator to a branching unit at (5, 0); *es is the segment's edge index. */
static cs_topology_t *slope_topology(size_t *es)
{
    const tnode n[3] = {{"c0", "city", -0.5, 0.0},
                        {"la", "landing_station", 0.0, 0.0},
                        {"bu", "branching_unit", 5.0, 0.0}};
    const tedge e[2] = {LINK("l", "c0", "la"), SEG("s", "la", "bu", "S", 10)};
    cs_topology_t *t = make_topology(n, 3, e, 2);
    *es = edge_index(t, "s");
    return t;
}

/* Runs the earthquake of yaml over TRIALS trials on slope_topology and returns its cuts, each
 * checked to lie on segment es at x_km east of the station, with the profile's depth there
 * (the slope runs from 25 to 60.6 km, 200 to 3,682 m). */
static size_t slope_cuts(const cs_topology_t *t, const char *yaml, size_t es, double x_km)
{
    const double km = R * DEG; /* km per degree */
    cs_hazard_t *h = parse_ok(t, yaml);
    cs_failures f;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(
        cs_failures_init(&f, cs_topology_edge_count(t), cs_topology_node_count(t), &err), CS_OK);
    gsl_rng *rng = cs_rng_alloc();
    const cs_hazard_env env = {t, NULL, NULL, NULL, NULL};
    size_t hits = 0;
    for (size_t i = 0; i < TRIALS; i++) {
        cs_failures_clear(&f);
        cs_rng_seed_trial(rng, SEED, i);
        if (hz_sample(h, &env, rng, &f, &err) != CS_OK) fail_msg("%s", err.msg);
        hits += f.n_cuts;
        for (size_t k = 0; k < f.n_cuts; k++) {
            assert_int_equal(f.cuts[k].edge, es);
            assert_float_equal(f.cuts[k].at.lon, x_km / km, 1e-6);
            assert_float_equal(f.cuts[k].at.lat, 0.0, 1e-6);
            assert_float_equal(f.cuts[k].depth_m, 200.0 + 3482.0 * (x_km - 25.0) / 35.6, 0.5);
        }
    }
    gsl_rng_free(rng);
    cs_failures_destroy(&f);
    cs_hazard_free(h);
    return hits;
}

/*
 * A landing station at (0, 0) and a segment east along the equator to a branching unit at
 * (5, 0), shelf W = 25 km (the shore allowance), slope from 25 to 60.6 km, deep (3682 m)
 * beyond. An M7 quake with a 20 km rupture along strike 0:
 *  - centred 25 km north of the slope's 10th sample (x = 42.8 km, depth 200 + 3482 x 17.8 /
 *    35.6 = 1941 m): the rupture's south end is 15 km from it, p = slope_p(15, 0.7 R, 0.1),
 *    every cut there;
 *  - centred 25 km north of the deep route at x = 300 km: `breaks: rupture` cuts with the
 *    fragility of 15 km, `breaks: slope` never (the slope is ~240 km away) unless a canyon
 *    crosses the route there (its crossing is 15 km from the rupture).
 */
static void test_quake_slope_breaks(void **state)
{
    (void)state;
    const double km = R * DEG; /* km per degree */
    size_t es;
    cs_topology_t *t = slope_topology(&es);
    const double d50 = 0.7 * cs_hz_keefer_halfwidth_km(7.0, 20.0, 3.46);
    char yaml[512];
    /* On the slope. */
    snprintf(yaml, sizeof yaml,
             "type: earthquake\nbreaks: slope\nepicentre: [%.12f, %.12f]\nmagnitude: 7\n"
             "strike_deg: 0\nrupture_length_km: 20\n",
             42.8 / km, 25.0 / km);
    assert_binomial(slope_cuts(t, yaml, es, 42.8), TRIALS, cs_hz_slope_p(0.9, 15.0, d50, 0.1),
                    "slope site");
    cs_hazard_t *h;
    /* Over the deep route: the rupture model cuts, the slope model does not. */
    const char *modes[4] = {"breaks: rupture\n", "breaks: slope\n",
                            "breaks: slope\ncanyons: [[[2.698, -1], [2.698, 1]]]\n",
                            "" /* the default: slope */};
    for (int m = 0; m < 4; m++) {
        snprintf(yaml, sizeof yaml,
                 "type: earthquake\n%sepicentre: [%.12f, %.12f]\nmagnitude: 7\n"
                 "strike_deg: 0\nrupture_length_km: 20\n",
                 modes[m], 2.698, 25.0 / km);
        h = parse_ok(t, yaml);
        counts c = run1(t, h, TRIALS);
        const cs_hz_fragility fr = {0.9, 10.0, 0.35, 0.25};
        const double p = m == 0   ? cs_hz_fragility_p(&fr, 15.0, 7.0)
                         : m == 2 ? cs_hz_slope_p(0.9, 15.0, d50, 0.1)
                                  : 0.0;
        if (m == 1 || m == 3)
            assert_int_equal(c.edge[es], 0);
        else
            assert_binomial(c.edge[es], TRIALS, p, modes[m]);
        uncount(&c);
        cs_hazard_free(h);
    }
    /* Keys of the other mode are refused, with the key named. */
    parse_fails(t,
                "type: earthquake\nbreaks: rupture\nepicentre: [1, 0]\nmagnitude: 7\ncanyons: []\n",
                "canyons");
    /* breaks: slope is the default: the rupture model's keys need `breaks: rupture`. */
    parse_fails(t, "type: earthquake\nepicentre: [1, 0]\nmagnitude: 7\nd50_growth: 0.3\n",
                "no such key with `breaks: slope`, the default (its reach is Keefer's law; "
                "`breaks: rupture` takes it)");
    parse_fails(t, "type: earthquake\nbreaks: slope\nepicentre: [1, 0]\nmagnitude: 7\nd50_km: 3\n",
                "d50_km");
    parse_fails(t, "type: earthquake\nbreaks: slop\nepicentre: [1, 0]\nmagnitude: 7\n", "breaks");
    parse_fails(t,
                "type: earthquake\nbreaks: slope\nepicentre: [1, 0]\nmagnitude: 7\n"
                "canyons: [[[1, 2]]]\n",
                "at least 2");
    cs_topology_free(t);
}

/*
 * breaks: slope with a rupture plane. The segment of test_quake_slope_breaks (slope from 25 to
 * 60.6 km east of the station, 19 points 1.978 km apart); an M7 quake with a 20 km rupture
 * along strike 0 (north), centred 150 km east on the equator: the slope is 89.4 km from the
 * rupture line, far beyond Keefer's reach (line or plane). With `dip_side: left` and a 100 km
 * wide plane the rupture extends west to x = 50 km and covers the slope's points from x =
 * 50.71 km (the 14th, index 13) to its end (index 18): distance 0, p = slope_p(0, d50) with
 * d50 = 0.7 R(M7, 20, 100), every cut at the middle of the covered points (index 15). With
 * `dip_side: right` the plane extends east, away from the slope: no cut.
 */
static void test_quake_slope_plane(void **state)
{
    (void)state;
    const double km = R * DEG; /* km per degree */
    size_t es;
    cs_topology_t *t = slope_topology(&es);
    const double d50 = 0.7 * cs_hz_keefer_halfwidth_plane_km(7.0, 20.0, 100.0, 3.46);
    const char *sides[3] = {"", "dip_side: right\nrupture_width_km: 100\n",
                            "dip_side: left\nrupture_width_km: 100\n"};
    for (int m = 0; m < 3; m++) {
        char yaml[512];
        snprintf(yaml, sizeof yaml,
                 "type: earthquake\nbreaks: slope\nepicentre: [%.12f, 0]\nmagnitude: 7\n"
                 "strike_deg: 0\nrupture_length_km: 20\n%s",
                 150.0 / km, sides[m]);
        const size_t hits = slope_cuts(t, yaml, es, 25.0 + 15.0 * 35.6 / 18.0);
        if (m < 2)
            assert_int_equal(hits, 0);
        else
            assert_binomial(hits, TRIALS, cs_hz_slope_p(0.9, 0.0, d50, 0.1), "plane");
    }
    /* A plane of 20 x 200 km covers more than Keefer's area at M7 (3,467 km^2): R = 0, and
     * what lies under it breaks with p_max: the whole slope, cut at its middle point (x =
     * 42.8 km, index 9). */
    char yaml[512];
    snprintf(yaml, sizeof yaml,
             "type: earthquake\nbreaks: slope\nepicentre: [%.12f, 0]\nmagnitude: 7\n"
             "strike_deg: 0\nrupture_length_km: 20\ndip_side: left\nrupture_width_km: 200\n",
             150.0 / km);
    assert_binomial(slope_cuts(t, yaml, es, 25.0 + 9.0 * 35.6 / 18.0), TRIALS, 0.9,
                    "plane wider than Keefer's area");
    /* The plane's keys: only with `breaks: slope`, and its width only with `dip_side`. */
    parse_fails(t,
                "type: earthquake\nbreaks: rupture\nepicentre: [1, 0]\nmagnitude: 7\n"
                "dip_side: left\n",
                "dip_side");
    parse_fails(t,
                "type: earthquake\nbreaks: slope\nepicentre: [1, 0]\nmagnitude: 7\n"
                "rupture_width_km: 50\n",
                "rupture_width_km");
    parse_fails(t,
                "type: earthquake\nbreaks: slope\nepicentre: [1, 0]\nmagnitude: 7\n"
                "dip_side: down\n",
                "dip_side");
    cs_topology_free(t);
}

/*
 * `breaks: slope` is the default: an earthquake without `breaks` makes, trial by trial, the cuts
 * `breaks: slope` makes (same edges, places and depths, and so the same draws: spread 0.1 and
 * Keefer's reach, not the rupture model's), with a rupture line (no `dip_side`) and with the
 * plane. The set-up of test_quake_slope_plane with a 60 km rupture 30 km east of the slope's end
 * (x = 90.6 km) reaches the slope as a line; `breaks: rupture` differs (it also cuts the deep
 * route under the rupture).
 */
static void test_quake_default_is_slope(void **state)
{
    (void)state;
    const double km = R * DEG; /* km per degree */
    size_t es;
    cs_topology_t *t = slope_topology(&es);
    const char *sides[2] = {"", "dip_side: left\nrupture_width_km: 40\n"};
    cs_failures a, b;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(
        cs_failures_init(&a, cs_topology_edge_count(t), cs_topology_node_count(t), &err), CS_OK);
    assert_int_equal(
        cs_failures_init(&b, cs_topology_edge_count(t), cs_topology_node_count(t), &err), CS_OK);
    for (int m = 0; m < 2; m++) {
        char yaml[3][512];
        const char *modes[3] = {"", "breaks: slope\n", "breaks: rupture\n"};
        cs_hazard_t *h[3];
        for (int k = 0; k < 3; k++) {
            if (k == 2 && m == 1) break; /* dip_side needs breaks: slope */
            snprintf(yaml[k], sizeof yaml[k],
                     "type: earthquake\n%sepicentre: [%.12f, 0]\nmagnitude: 7.5\n"
                     "strike_deg: 0\nrupture_length_km: 60\n%s",
                     modes[k], 90.6 / km, sides[m]);
            h[k] = parse_ok(t, yaml[k]);
        }
        size_t cut = 0, differ = 0;
        for (uint64_t trial = 0; trial < 400; trial++) {
            sample_trial(t, h[0], trial, &a);
            sample_trial(t, h[1], trial, &b);
            assert_int_equal(a.n_cuts, b.n_cuts);
            for (size_t k = 0; k < a.n_cuts; k++) {
                assert_int_equal(a.cuts[k].edge, b.cuts[k].edge);
                assert_float_equal(a.cuts[k].at.lon, b.cuts[k].at.lon, 0.0);
                assert_float_equal(a.cuts[k].at.lat, b.cuts[k].at.lat, 0.0);
                assert_float_equal(a.cuts[k].depth_m, b.cuts[k].depth_m, 0.0);
                /* Every cut of the slope model lies on the slope (200 to 3,682 m). */
                assert_true(a.cuts[k].depth_m >= 200.0 - 1e-9 && a.cuts[k].depth_m <= 3682.5);
            }
            cut += a.n_cuts > 0;
            if (m == 0) {
                sample_trial(t, h[2], trial, &b);
                differ += a.n_cuts != b.n_cuts ||
                          (a.n_cuts > 0 && a.cuts[0].depth_m != b.cuts[0].depth_m);
            }
        }
        /* Both set-ups reach the slope in some trials and miss it in others. */
        assert_true(cut > 0 && cut < 400);
        if (m == 0) assert_true(differ > 0);
        for (int k = 0; k < 3 && !(k == 2 && m == 1); k++)
            cs_hazard_free(h[k]);
    }
    cs_failures_destroy(&a);
    cs_failures_destroy(&b);
    cs_topology_free(t);
}

static void test_gutenberg_richter(void **state)
{
    (void)state;
    const double m0 = 6.5, m1 = 9.1, b = 0.93, beta = b * log(10.0), span = m1 - m0;
    /* Mean of the truncated exponential: m0 + 1/beta - span e^(-beta span) / (1 - e^(-beta span)).
     */
    const double mean = m0 + 1.0 / beta - span * exp(-beta * span) / (1.0 - exp(-beta * span));
    gsl_rng *rng = cs_rng_alloc();
    const size_t n = 200000;
    double sum = 0.0, sum2 = 0.0;
    size_t above8 = 0;
    for (size_t i = 0; i < n; i++) {
        cs_rng_seed_trial(rng, SEED, i);
        const double m = cs_hz_gr_sample(rng, m0, m1, b);
        assert_true(m >= m0 && m <= m1);
        sum += m;
        sum2 += m * m;
        above8 += m > 8.0;
    }
    const double avg = sum / (double)n, sd = sqrt(sum2 / (double)n - avg * avg);
    assert_true(fabs(avg - mean) < 4.0 * sd / sqrt((double)n));
    /* P(M > 8) = (10^(-b 1.5) - 10^(-b 2.6)) / (1 - 10^(-b 2.6)). */
    const double p8 = (pow(10, -b * 1.5) - pow(10, -b * span)) / (1 - pow(10, -b * span));
    assert_binomial(above8, n, p8, "GR P(M > 8)");
    gsl_rng_free(rng);
}

/* A fault up the 170E meridian from 2S to 2N; segments cross it east-west. */
static cs_topology_t *fault_topology(void)
{
    static const tnode n[] = {
        {"c0", "city", 168, 0},
        {"fa1", "landing_station", 169.5, 0},
        {"fb1", "landing_station", 170.5, 0},
        {"fa2", "landing_station", 169.5, 1.9},
        {"fb2", "landing_station", 170.5, 1.9},
        {"fa3", "landing_station", 169.5, 0.5},
        {"fb3", "landing_station", 170.5, 0.5},
    };
    static const tedge e[] = {LINK("lf", "c0", "fa1"), SEG("f1", "fa1", "fb1", "F1", 10),
                              SEG("f2", "fa2", "fb2", "F2", 10), SEG("f3", "fa3", "fb3", "F3", 10)};
    return make_topology(n, 7, e, 4);
}

static void test_quake_fault(void **state)
{
    (void)state;
    cs_topology_t *t = fault_topology();
    /* A sharp curve: certain at the rupture, nothing 10 m away. */
    const char *curve = "breaks: rupture\nrupture_length_km: 100\np_max: 1\nd50_km: 0.001\n"
                        "spread: 0.01\n"
                        "fault: [[170, -2], [170, 0.5], [170, 2]]\n";
    char yaml[400];
    snprintf(yaml, sizeof yaml, "type: earthquake\nmagnitude: 8\n%s", curve);
    cs_hazard_t *h = parse_ok(t, yaml);
    counts c = run1(t, h, TRIALS);
    const double len = R * 4 * DEG;
    /* Epicentres uniform along the fault; the rupture [s-50, s+50] covers f1
     * (in the middle) for s within 50 km of it. */
    assert_binomial(c.edge[edge_index(t, "f1")], TRIALS, 100.0 / len, "f1");
    /* f2 is 11.1 km from the north end: ruptures shifted back onto the fault
     * cover it for every s >= its position - 50 km. */
    const double s2 = R * 3.9 * DEG;
    assert_binomial(c.edge[edge_index(t, "f2")], TRIALS, (len - (s2 - 50.0)) / len, "f2");
    uncount(&c);
    cs_hazard_free(h);

    /* A fixed epicentre off the fault: the rupture centres on its projection
     * (lat 0.5: f3), 50 km each way, so f1 (55.6 km south) and f2 stay. */
    snprintf(yaml, sizeof yaml, "type: earthquake\nmagnitude: 8\nepicentre: [170.4, 0.5]\n%s",
             curve);
    h = parse_ok(t, yaml);
    c = run1(t, h, 300);
    assert_int_equal(c.edge[edge_index(t, "f3")], 300);
    assert_int_equal(c.edge[edge_index(t, "f1")] + c.edge[edge_index(t, "f2")], 0);
    uncount(&c);
    cs_hazard_free(h);
    cs_topology_free(t);
}

/* ------------------------------------------------------------ sediment flow */

/* The path runs along the equator from 165E to 168E; v1..v3 cross it at
 * 165.5, 166.5 and 167.5E; p1 runs parallel 7 km north of it near its head. */
static cs_topology_t *flow_topology(void)
{
    const double north = 7.0 / R / DEG;
    const tnode n[] = {
        {"c0", "city", 164, 0},
        {"va1", "landing_station", 165.5, -0.5},
        {"vb1", "landing_station", 165.5, 0.5},
        {"va2", "landing_station", 166.5, -0.5},
        {"vb2", "landing_station", 166.5, 0.5},
        {"va3", "landing_station", 167.5, -0.5},
        {"vb3", "landing_station", 167.5, 0.5},
        {"pa", "landing_station", 165.2, north},
        {"pb", "landing_station", 165.8, north},
    };
    const tedge e[] = {LINK("lv", "c0", "va1"), SEG("v1", "va1", "vb1", "V1", 10),
                       SEG("v2", "va2", "vb2", "V2", 10), SEG("v3", "va3", "vb3", "V3", 10),
                       SEG("p1", "pa", "pb", "P1", 10)};
    return make_topology(n, 9, e, 5);
}

#define FLOW_PATH "path: [[165, 0], [166, 0], [168, 0]]\n"

static void test_flow_fixed_runout(void **state)
{
    (void)state;
    cs_topology_t *t = flow_topology();
    /* 200 km reaches v1 (55.6 km) and v2 (166.8 km), not v3 (278 km). */
    cs_hazard_t *h = parse_ok(t, "type: sediment_flow\n" FLOW_PATH
                                 "runout_median_km: 200\nrunout_sigma: 0\nwidth_km: 5\n");
    counts c = run1(t, h, 50);
    assert_int_equal(c.edge[edge_index(t, "v1")], 50);
    assert_int_equal(c.edge[edge_index(t, "v2")], 50);
    assert_int_equal(c.edge[edge_index(t, "v3")], 0);
    assert_int_equal(c.edge[edge_index(t, "p1")], 0); /* 7 km > 5 km */
    uncount(&c);
    cs_hazard_free(h);
    h = parse_ok(t, "type: sediment_flow\n" FLOW_PATH
                    "runout_median_km: 200\nrunout_sigma: 0\nwidth_km: 7.1\n");
    c = run1(t, h, 50);
    assert_int_equal(c.edge[edge_index(t, "p1")], 50);
    assert_int_equal(c.edge[edge_index(t, "v3")], 0);
    uncount(&c);
    cs_hazard_free(h);
    /* Short of v2 by more than the width: 160 + 5 < 166.8. */
    h = parse_ok(t, "type: sediment_flow\n" FLOW_PATH
                    "runout_median_km: 160\nrunout_sigma: 0\nwidth_km: 5\n");
    c = run1(t, h, 50);
    assert_int_equal(c.edge[edge_index(t, "v1")], 50);
    assert_int_equal(c.edge[edge_index(t, "v2")], 0);
    uncount(&c);
    cs_hazard_free(h);
    cs_topology_free(t);
}

/* What the hazards sampled is recorded: an earthquake's magnitude, epicentre and rupture
 * length, a flow's head, end and run-out, with the cuts each made. */
static void test_hazard_events(void **state)
{
    (void)state;
    cs_topology_t *t = quake_topology();
    cs_hazard_t *h = parse_ok(t, "type: earthquake\nbreaks: rupture\nepicentre: [160, 0]\n"
                                 "jitter_km: 30\nm_min: 6.5\nm_max: 8.5\nstrike_deg: 0\n");
    cs_failures f;
    cs_error err = CS_ERROR_INIT;
    assert_int_equal(
        cs_failures_init(&f, cs_topology_edge_count(t), cs_topology_node_count(t), &err), CS_OK);
    size_t cut_trials = 0;
    for (uint64_t k = 0; k < 200; k++) {
        sample_trial(t, h, k, &f);
        assert_int_equal(f.n_events, 1);
        const cs_hazard_event *ev = &f.events[0];
        assert_int_equal(ev->hazard, 2);
        assert_true(ev->magnitude >= 6.5 && ev->magnitude <= 8.5);
        assert_true(cs_geo_distance_km(ev->a, (cs_lonlat){160, 0}) <= 30.0 + 1e-9);
        assert_float_equal(ev->length_km, cs_hz_rupture_length_km(ev->magnitude, -2.44, 0.59),
                           1e-9);
        assert_true(isnan(ev->b.lon));
        assert_int_equal(ev->target, -1);
        assert_int_equal(ev->cuts, f.n_cuts);
        cut_trials += f.n_cuts > 0;
    }
    assert_true(cut_trials > 0);
    cs_hazard_free(h);
    cs_topology_free(t);

    t = flow_topology();
    h = parse_ok(t, "type: sediment_flow\n" FLOW_PATH
                    "runout_median_km: 200\nrunout_sigma: 0\nwidth_km: 5\n");
    sample_trial(t, h, 0, &f);
    assert_int_equal(f.n_events, 1);
    assert_true(isnan(f.events[0].magnitude));
    assert_float_equal(f.events[0].length_km, 200.0, 0.0);
    assert_float_equal(f.events[0].a.lon, 165.0, 1e-9); /* the head of FLOW_PATH */
    assert_float_equal(cs_geo_distance_km(f.events[0].a, f.events[0].b), 200.0, 1e-6);
    assert_int_equal(f.events[0].cuts, 2); /* v1 and v2 */
    assert_int_equal(f.n_cuts, 2);
    cs_hazard_free(h);
    cs_topology_free(t);

    cs_failures_destroy(&f);
}

static void test_flow_lognormal_and_trigger(void **state)
{
    (void)state;
    cs_topology_t *t = flow_topology();
    cs_hazard_t *h = parse_ok(t, "type: sediment_flow\n" FLOW_PATH
                                 "runout_median_km: 150\nrunout_sigma: 0.7\nwidth_km: 5\n");
    counts c = run1(t, h, TRIALS);
    const double deg = R * DEG;
    const double at[3] = {0.5 * deg, 1.5 * deg, 2.5 * deg};
    const char *ids[3] = {"v1", "v2", "v3"};
    for (size_t i = 0; i < 3; i++) /* cut when run-out >= crossing - width */
        assert_binomial(c.edge[edge_index(t, ids[i])], TRIALS,
                        gsl_cdf_ugaussian_Q(log((at[i] - 5.0) / 150.0) / 0.7), ids[i]);
    uncount(&c);
    cs_hazard_free(h);

    h = parse_ok(t, "type: sediment_flow\n" FLOW_PATH
                    "runout_median_km: 200\nrunout_sigma: 0\ntrigger_prob: 0.3\n");
    c = run1(t, h, TRIALS);
    assert_binomial(c.edge[edge_index(t, "v1")], TRIALS, 0.3, "standalone trigger");
    assert_int_equal(c.edge[edge_index(t, "v1")], c.edge[edge_index(t, "v2")]);
    uncount(&c);
    cs_hazard_free(h);

    /* Triggered by a far earthquake (no shaking damage here). */
    h = parse_ok(t, "type: earthquake\nepicentre: [100, 40]\nmagnitude: 7\nsediment_flow:\n"
                    "  " FLOW_PATH "  runout_median_km: 200\n  runout_sigma: 0\n"
                    "  trigger_prob: 0.45\n  min_magnitude: 6.5\n");
    c = run1(t, h, TRIALS);
    assert_binomial(c.edge[edge_index(t, "v1")], TRIALS, 0.45, "quake trigger");
    assert_int_equal(c.edge[edge_index(t, "v3")], 0);
    uncount(&c);
    cs_hazard_free(h);
    h = parse_ok(t, "type: earthquake\nepicentre: [100, 40]\nmagnitude: 7\nsediment_flow:\n"
                    "  " FLOW_PATH "  runout_sigma: 0\n  min_magnitude: 7.5\n");
    c = run1(t, h, 200);
    assert_int_equal(c.edge[edge_index(t, "v1")], 0);
    uncount(&c);
    cs_hazard_free(h);
    cs_topology_free(t);
}

int main(void)
{
    cs_hazard_test_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fragility_curve),
        cmocka_unit_test(test_quake_distances),
        cmocka_unit_test(test_gutenberg_richter),
        cmocka_unit_test(test_quake_fault),
        cmocka_unit_test(test_flow_fixed_runout),
        cmocka_unit_test(test_hazard_events),
        cmocka_unit_test(test_flow_lognormal_and_trigger),
        cmocka_unit_test(test_keefer_halfwidth),
        cmocka_unit_test(test_quake_slope_breaks),
        cmocka_unit_test(test_quake_slope_plane),
        cmocka_unit_test(test_quake_default_is_slope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
