/*
 * report_tables.c: the sections of the report that rank and tabulate the figures (report.c
 * writes the page around them): the regions, the cables and stations that matter and where the
 * traffic went, the maps, the recovery over time and the comparison of several files.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/html.h"
#include "report/map.h"
#include "report/report_impl.h"

/* Indices 0..n-1 ordered by key descending (NaN last), ties by index. */
typedef struct {
    size_t i;
    double key;
} ranked;

static int cmp_ranked(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    const bool na = isnan(a->key), nb = isnan(b->key);
    if (na != nb) return na ? 1 : -1;
    if (!na && a->key != b->key) return a->key < b->key ? 1 : -1;
    return (a->i > b->i) - (a->i < b->i);
}

/* listed (if not NULL): how many keys are not NaN (they come first). */
static ranked *rank(size_t n, double (*key)(const cs_analysis_t *, size_t), const cs_analysis_t *a,
                    size_t *listed)
{
    ranked *r = malloc((n + 1) * sizeof *r);
    if (r == NULL) return NULL;
    for (size_t i = 0; i < n; i++)
        r[i] = (ranked){i, key(a, i)};
    qsort(r, n, sizeof *r, cmp_ranked);
    if (listed != NULL)
        for (*listed = 0; *listed < n && !isnan(r[*listed].key);)
            ++*listed;
    return r;
}

static double region_key(const cs_analysis_t *a, size_t i)
{
    return a->regions[i].unserved_tbps.mean;
}

bool cs_rep_regions(cs_rep_page *R)
{
    const cs_analysis_t *a = R->in[0].a;
    cs_html *h = &R->h;
    ranked *r = rank(a->n_regions, region_key, a, NULL);
    if (r == NULL) return false;
    cs_html_raw(h, "<section id=\"regions\">\n<h2>Regions</h2>\n<p class=\"note\">Ordered by "
                   "expected unserved traffic. Served: share of the region's demand served (mean, "
                   "95% CI; where fewer than 30 trials lose traffic to the region, too few for a "
                   "normal interval, a 95% Clopper-Pearson bound: the region's intact unserved "
                   "plus intact served x the upper bound of P(its loss > 0); one outcome where "
                   "every trial leaves the same). Cut off: probability that no Japanese city "
                   "reaches the region.</p>\n"
                   "<table class=\"regions\"><tr><th>region</th><th>demand Tbps</th><th>served"
                   "</th><th>95% CI or bound</th><th>unserved Tbps</th><th>95% CI or "
                   "bound</th><th>cut off</th>"
                   "<th>latency added ms (mean, worst)</th></tr>\n");
    char k[128];
    size_t calm = 0;
    for (size_t i = 0; i < a->n_regions; i++) {
        const size_t g = r[i].i;
        const cs_analysis_region *x = &a->regions[g];
        cs_html_raw(h, "<tr><td>");
        cs_html_text(h, x->name);
        if (x->domestic) cs_html_raw(h, " <span class=\"note\">(domestic)</span>");
        cs_html_td_fig(h, x->demand_tbps, 2, 1.0, "", "regions.%zu.demand_tbps", g);
        cs_html_td_fig(h, x->served_frac.mean, 2, 100.0, "%", "regions.%zu.served_fraction.mean",
                       g);
        cs_html_raw(h, "</td><td>");
        snprintf(k, sizeof k, "regions.%zu.served_fraction", g);
        cs_rep_stated(h, k, &x->served_stated, 2, 100.0, "%", true);
        cs_html_td_fig(h, x->unserved_tbps.mean, 3, 1.0, "", "regions.%zu.unserved_tbps.mean", g);
        cs_html_raw(h, "</td><td>");
        snprintf(k, sizeof k, "regions.%zu.unserved_tbps", g);
        cs_rep_stated(h, k, &x->unserved_stated, 3, 1.0, "", false);
        if (x->all_cut.n > 0)
            cs_html_td_fig(h, x->all_cut.p, 2, 100.0, "%", "regions.%zu.cut_off_all.p", g);
        else
            cs_html_raw(h, "</td><td>–");
        cs_html_td_fig(h, x->latency_added_mean_ms, 2, 1.0, "", "regions.%zu.latency_added_ms.mean",
                       g);
        cs_html_raw(h, ", ");
        snprintf(k, sizeof k, "regions.%zu.latency_added_ms.worst", g);
        cs_html_fig(h, k, x->latency_added_worst_ms, 2, 1.0, "");
        cs_html_raw(h, "</td></tr>\n");
        calm += !(x->unserved_tbps.mean >
                  x->demand_tbps - x->base_served_tbps + CS_ANALYSIS_NOISE_TBPS);
    }
    cs_html_printf(h,
                   "</table>\n<p class=\"note\">%zu of %zu regions lose nothing beyond what the "
                   "intact network leaves unserved.</p>\n</section>\n",
                   calm, a->n_regions);
    free(r);
    return true;
}

/* The ranking key of a criticality: its share of the loss; NaN when never down (not listed);
 * shares that are not finite (no loss at all) after every finite one, by how often down. */
static double crit_key(const cs_criticality *x)
{
    return x->failed.k == 0 ? NAN : (isfinite(x->share) ? x->share : -1.0 + x->failed.p);
}

static double cable_share(const cs_analysis_t *a, size_t c)
{
    return crit_key(&a->cables[c].crit);
}

static double station_share(const cs_analysis_t *a, size_t s)
{
    return crit_key(&a->stations[s].crit);
}

static double cable_rise(const cs_analysis_t *a, size_t c)
{
    return a->cables[c].flow.rise;
}

/* The cells of element i of list ("cables", "stations"): down, loss when down, share. */
static void crit_cells(cs_html *h, const char *list, size_t i, const cs_criticality *c)
{
    cs_html_td_fig(h, c->failed.p, 2, 100.0, "%", "%s.%zu.criticality.failed.p", list, i);
    cs_html_td_fig(h, c->loss, 3, 1.0, "", "%s.%zu.criticality.loss_when_failed", list, i);
    cs_html_td_fig(h, c->share, 1, 100.0, "%", "%s.%zu.criticality.loss_share", list, i);
    cs_html_raw(h, "</td></tr>\n");
}

/* Writes the name of cable c; returns its criticality. */
static const cs_criticality *cable_name(cs_html *h, const cs_analysis_t *a, size_t c)
{
    cs_html_text(h, a->cables[c].full_name[0] ? a->cables[c].full_name : a->cables[c].name);
    cs_html_raw(h, " <span class=\"note\">");
    cs_html_text(h, a->cables[c].name);
    cs_html_raw(h, "</span>");
    return &a->cables[c].crit;
}

/* Writes the name of station s; returns its criticality. */
static const cs_criticality *station_name(cs_html *h, const cs_analysis_t *a, size_t s)
{
    cs_html_text(h, a->info->nodes[a->stations[s].node].name);
    return &a->stations[s].crit;
}

/* The first n of the ranking r of list ("cables", "stations") under head; nothing when n is 0. */
static void crit_table(cs_html *h, const cs_analysis_t *a, const ranked *r, size_t n,
                       const char *list, const char *head,
                       const cs_criticality *(*name)(cs_html *, const cs_analysis_t *, size_t))
{
    if (n == 0) return;
    cs_html_raw(h, head);
    for (size_t i = 0; i < n; i++) {
        cs_html_raw(h, "<tr><td>");
        crit_cells(h, list, r[i].i, name(h, a, r[i].i));
    }
    cs_html_raw(h, "</table>\n");
}

bool cs_rep_cables(cs_rep_page *R)
{
    const cs_analysis_t *a = R->in[0].a;
    cs_html *h = &R->h;
    const size_t top = R->o->top;
    size_t m = 0;
    ranked *r = rank(a->n_cables, cable_share, a, &m);
    if (r == NULL) return false;
    cs_html_printf(h,
                   "<section id=\"cables\">\n<h2>Cables and stations that matter</h2>\n"
                   "<h3>Cable systems down in some trial: %zu; the %zu that carry most of the "
                   "loss</h3>\n",
                   m, m < top ? m : top);
    cs_html_raw(h, "<p class=\"note\">Down: the share of trials in which a segment of the cable "
                   "was down (cut, or at a lost station). Loss when down: the mean unserved "
                   "demand beyond the intact network's in those trials (Tbps). Share: the part "
                   "of all lost traffic that falls in those trials; failures co-occur, so shares "
                   "add up to more than 100%.</p>\n");
    char k[64];
    crit_table(h, a, r, m < top ? m : top, "cables",
               "<table class=\"cables\"><tr><th>cable</th><th>down</th><th>loss when down, "
               "Tbps</th><th>share of the loss</th></tr>\n",
               cable_name);
    free(r);
    r = rank(a->n_stations, station_share, a, &m);
    if (r == NULL) return false;
    cs_html_printf(h, "<h3>Landing stations lost in some trial: %zu</h3>\n", m);
    crit_table(h, a, r, m < top ? m : top, "stations",
               "<table class=\"stations\"><tr><th>station</th><th>lost</th><th>loss when lost, "
               "Tbps</th><th>share of the loss</th></tr>\n",
               station_name);
    free(r);
    cs_html_raw(h, "<h3>Where the traffic went</h3>\n");
    if (!a->has_flow) {
        cs_html_raw(h, "<p>Not recorded: the run kept no per-trial edge flows "
                       "(<code>output.edge_flow: false</code>).</p>\n</section>\n");
        return true;
    }
    r = rank(a->n_cables, cable_rise, a, NULL);
    if (r == NULL) return false;
    m = 0;
    while (m < a->n_cables && m < top && r[m].key > 0.0005)
        m++;
    cs_html_raw(h,
                "<p class=\"note\">Cables whose flow (on their busiest segment) rises most in "
                "the trials with a failure in which they are up: the traffic they absorb.</p>\n");
    if (m == 0)
        cs_html_raw(h, "<p>No cable carries more when others fail.</p>\n");
    else
        cs_html_raw(h, "<table class=\"absorbers\"><tr><th>cable</th><th>capacity Tbps</th>"
                       "<th>intact flow</th><th>rise</th><th>saturated</th></tr>\n");
    for (size_t i = 0; i < m; i++) {
        const size_t c = r[i].i;
        const cs_flow_stats *fl = &a->cables[c].flow;
        cs_html_raw(h, "<tr><td>");
        cs_html_text(h, a->cables[c].full_name[0] ? a->cables[c].full_name : a->cables[c].name);
        cs_html_td_fig(h, fl->capacity_tbps, 1, 1.0, "", "cables.%zu.flow.capacity_tbps", c);
        cs_html_td_fig(h, fl->base_flow_tbps, 2, 1.0, "", "cables.%zu.flow.intact_flow_tbps", c);
        cs_html_raw(h, "</td><td>+");
        snprintf(k, sizeof k, "cables.%zu.flow.rise_tbps", c);
        cs_html_fig(h, k, fl->rise, 2, 1.0, "");
        cs_html_td_fig(h, fl->saturated.p, 2, 100.0, "%", "cables.%zu.flow.saturated.p", c);
        cs_html_raw(h, "</td></tr>\n");
    }
    if (m > 0) cs_html_raw(h, "</table>\n");
    free(r);
    cs_html_raw(h, "</section>\n");
    return true;
}

void cs_rep_maps(cs_rep_page *R)
{
    const cs_analysis_t *a = R->in[0].a;
    cs_html *h = &R->h;
    cs_html_raw(h, "<section id=\"map\">\n<h2>Map of the network</h2>\n<p class=\"legend "
                   "note\"><span><i class=\"sw\" style=\"background:#8796a8\"></i>cable segment "
                   "(dashed: land link)</span><span><i class=\"sw\" style=\"background:#b4100a;"
                   "height:5px\"></i>down in some trial (darker and wider: more often)</span>");
    if (a->has_flow)
        cs_html_raw(h, "<span><i class=\"sw\" style=\"background:#1f6fd1;height:6px\"></i>carries "
                       "more when others fail (wider: larger rise)</span>");
    cs_html_raw(h, "<span><i class=\"sw\" style=\"background:#b0120a;height:10px;width:10px;"
                   "border-radius:5px\"></i>landing station lost</span></p>\n");
    const cs_map_view japan = {.id = "map-japan",
                               .title = "Japan: landing stations and cables near the coast",
                               .west = 127,
                               .east = 147,
                               .south = 29,
                               .north = 46,
                               .width = 760};
    cs_map_draw(h, &japan, a, R->coast_japan);
    const cs_map_view wide = cs_map_view_of(a->info, "map-network", "The whole network", 1040);
    cs_map_draw(h, &wide, a, R->coast_wide);
    cs_html_raw(h, "<p class=\"note\">Segments are drawn as great circles between their ends: the "
                   "results file keeps the network's nodes and edges, not the surveyed routes. ");
    if (R->coast_wide != NULL) {
        const char *const coast[] = {"Coastlines: GSHHG ",
                                     R->coast_wide->version,
                                     " (",
                                     R->coast_wide->title,
                                     "; ",
                                     R->coast_wide->source,
                                     "), low resolution, from <code>",
                                     R->o->coastline,
                                     "</code>."};
        cs_html_mix(h, coast, sizeof coast / sizeof *coast);
    } else
        cs_html_raw(h, "No coastline drawn (no coastline data given).");
    cs_html_raw(h, "</p>\n</section>\n");
}

void cs_rep_recovery(cs_rep_page *R)
{
    const cs_recovery_analysis_t *v = R->in[0].v;
    cs_html *h = &R->h;
    if (v == NULL) return;
    cs_html_raw(h, "<section id=\"recovery\">\n<h2>Recovery over time</h2>\n");
    cs_html_printf(h,
                   "<p class=\"note\">Served share = served / %.3f Tbps served by the intact "
                   "network, over the %llu trials, at the days of the table below.</p>\n",
                   v->intact_tbps, (unsigned long long)v->n);
    cs_chart_recovery(h, v);
    char k[96];
    cs_html_raw(h, "<table class=\"recovery\"><tr><th>day</th><th>p10</th><th>median</th><th>"
                   "p90</th><th>mean</th><th>ships' queue (mean)</th></tr>\n");
    for (size_t j = 0; j < v->n_points; j++) {
        const cs_recovery_point *p = &v->points[j];
        cs_html_raw(h, "<tr><td>");
        snprintf(k, sizeof k, "recovery.served_share.%zu.time_days", j);
        cs_html_fig(h, k, p->time_days, 2, 1.0, "");
        static const char *const cols[3] = {"share_p10", "share_median", "share_p90"};
        const double vals[3] = {p->q10, p->median, p->q90};
        for (int c = 0; c < 3; c++)
            cs_html_td_fig(h, vals[c], 2, 100.0, "%", "recovery.served_share.%zu.%s", j, cols[c]);
        cs_html_td_fig(h, p->share.mean, 2, 100.0, "%", "recovery.served_share.%zu.share_mean.mean",
                       j);
        cs_html_td_fig(h, p->queue_mean, 2, 1.0, "", "recovery.served_share.%zu.queue_mean", j);
        cs_html_raw(h, "</td></tr>\n");
    }
    cs_html_raw(h, "</table>\n<h3>Time to restore</h3>\n<table class=\"ttr\"><tr><th>restored "
                   "share</th><th>days (mean, capped at the horizon)</th><th>95% CI</th><th>not "
                   "restored within the horizon</th></tr>\n");
    static const char *const keys[3] = {"t50_days", "t90_days", "t100_days"};
    static const char *const labels[3] = {"50%", "90%", "100%"};
    for (size_t m = 0; m < 3; m++) {
        const cs_recovery_ttr *t = &v->ttr[m];
        cs_html_printf(h, "<tr><td>%s</td><td>", labels[m]);
        snprintf(k, sizeof k, "recovery.%s.mean_capped_at_horizon.mean", keys[m]);
        cs_html_fig(h, k, t->censored.mean, 2, 1.0, "");
        cs_html_td_interval(h, t->censored.lo, t->censored.hi, 2, 1.0, "",
                            "recovery.%s.mean_capped_at_horizon", keys[m]);
        cs_html_td_fig(h, t->not_restored.p, 2, 100.0, "%", "recovery.%s.not_restored.p", keys[m]);
        cs_html_raw(h, "</td></tr>\n");
    }
    cs_html_raw(h, "</table>\n<p>Unserved traffic over the horizon: ");
    cs_html_fig(h, "recovery.unserved_tbps_days.mean", v->unserved_tbps_days.est.mean, 2, 1.0,
                " Tbps-days");
    cs_html_raw(h, " per trial (95% CI ");
    cs_html_interval(h, "recovery.unserved_tbps_days", v->unserved_tbps_days.est.lo,
                     v->unserved_tbps_days.est.hi, 2, 1.0, "");
    cs_html_raw(h, "); capacity out of service ");
    cs_html_fig(h, "recovery.capacity_tbps_days.mean", v->capacity_tbps_days.est.mean, 1, 1.0,
                " Tbps-days");
    cs_html_raw(h, "; faults per trial ");
    cs_html_fig(h, "recovery.faults_per_trial.mean", v->faults.mean, 2, 1.0, "");
    cs_html_raw(h, ", of which ");
    cs_html_fig(h, "recovery.faults_repaired.p", v->repaired.p, 1, 100.0, "%");
    cs_html_raw(h, " repaired within the horizon; wait for a ship ");
    cs_html_fig(h, "recovery.wait_days.mean", v->wait_days.mean, 2, 1.0, " days");
    cs_html_raw(h, ".</p>\n<h3>Repair ships</h3>\n<table class=\"ships\"><tr><th>ship</th><th>"
                   "home</th><th>busy days (mean)</th><th>worked in</th></tr>\n");
    for (size_t s = 0; s < v->n_ships; s++) {
        const char *const cells[] = {"<tr><td>", v->ships[s].name, "</td><td>", v->ships[s].home};
        cs_html_mix(h, cells, 4);
        cs_html_td_fig(h, v->ships[s].busy_days.mean, 2, 1.0, "",
                       "recovery.ships.%zu.busy_days.mean", s);
        cs_html_td_fig(h, v->ships[s].worked.p, 1, 100.0, "%", "recovery.ships.%zu.worked.p", s);
        cs_html_raw(h, " of trials</td></tr>\n");
    }
    cs_html_raw(h, "</table>\n</section>\n");
}

/* ------------------------------------------------------------------------ comparison */

static void paired_cells(cs_html *h, const cs_paired *p, int prec, double scale, const char *suffix)
{
    cs_html_printf(h, "<td>%+.*f%s</td><td>", prec, scale * p->diff.mean, suffix);
    if (p->verdict == CS_PAIRED_ONE_OUTCOME)
        cs_html_raw(h, "–");
    else
        cs_html_printf(h, "%+.*f to %+.*f", prec, scale * p->diff.lo, prec, scale * p->diff.hi);
    cs_html_raw(h, "</td><td>");
    cs_html_text(h, cs_paired_verdict_name(p->verdict));
    cs_html_raw(h, "</td>");
}

void cs_rep_comparison(cs_rep_page *R)
{
    if (R->n < 2) return;
    cs_html *h = &R->h;
    cs_html_raw(h, "<section id=\"comparison\">\n<h2>Comparison</h2>\n<p class=\"note\">Each "
                   "file's headline figures (mean, with the 95% interval under it). The sections "
                   "above describe the first file.</p>\n<table class=\"comparison\"><tr><th>"
                   "</th>");
    for (size_t i = 0; i < R->n; i++) {
        cs_html_printf(h, "<th>%c<br>", (char)('A' + (i < 26 ? i : 25)));
        cs_html_text(h, R->in[i].a->scenario_name);
        cs_html_raw(h, "<br><span class=\"note\">");
        cs_html_text(h, R->in[i].path);
        cs_html_raw(h, "</span></th>");
    }
    cs_html_raw(h, "</tr>\n");
    static const char *const rows[] = {
        "network year",           "demand scale", "trials, seed",       "demand Tbps",
        "expected unserved Tbps", "served",       "capacity down Tbps", "every pair cut"};
    for (size_t row = 0; row < sizeof rows / sizeof *rows; row++) {
        cs_html_printf(h, "<tr><td>%s</td>", rows[row]);
        for (size_t i = 0; i < R->n; i++) {
            const cs_analysis_t *a = R->in[i].a;
            h->file = (int)i;
            cs_html_raw(h, "<td>");
            switch (row) {
            case 0:
                cs_html_printf(h, "%d", (int)a->info->as_of);
                break;
            case 1:
                cs_html_text(h, cs_rep_scen_str(&R->in[i], "demand_scale", "1"));
                break;
            case 2:
                cs_html_printf(h, "%llu, %llu", (unsigned long long)a->n,
                               (unsigned long long)a->info->seed);
                break;
            case 3:
                cs_html_fig(h, "overall.demand_tbps", a->demand_tbps, 2, 1.0, "");
                break;
            case 4: {
                const cs_loss_interval li = cs_rep_loss_interval(a);
                cs_html_fig(h, "overall.unserved_statement.mean", li.mean, 3, 1.0, "");
                cs_html_raw(h, "<br><span class=\"note\">");
                if (li.kind == CS_LOSS_ONE_OUTCOME)
                    cs_html_raw(h, "one outcome");
                else if (li.kind == CS_LOSS_BOUND) {
                    cs_html_raw(h, "at most ");
                    cs_html_fig(h, "overall.unserved_statement.hi", li.hi, 3, 1.0, "");
                } else
                    cs_html_interval(h, "overall.unserved_statement", li.lo, li.hi, 3, 1.0, "");
                cs_html_raw(h, "</span>");
                break;
            }
            case 5:
                cs_html_fig(h, "overall.served_fraction.mean", a->served_frac.mean, 2, 100.0, "%");
                cs_html_raw(h, "<br><span class=\"note\">");
                cs_rep_stated(h, "overall.served_fraction", &a->served_stated, 2, 100.0, "%", true);
                cs_html_raw(h, "</span>");
                break;
            case 6:
                cs_html_fig(h, "overall.capacity_lost_tbps.mean", a->capacity_lost_tbps.mean, 1,
                            1.0, "");
                break;
            default:
                if (a->all_cut.n > 0)
                    cs_html_fig(h, "overall.all_pairs_cut.p", a->all_cut.p, 2, 100.0, "%");
                else
                    cs_html_raw(h, "–");
                break;
            }
            cs_html_raw(h, "</td>");
        }
        cs_html_raw(h, "</tr>\n");
    }
    h->file = 0;
    cs_html_raw(h, "</table>\n<h3>Differences from A</h3>\n<table class=\"differences\"><tr><th>"
                   "</th><th>how</th><th>unserved Tbps, B − A</th><th>95% CI</th><th>verdict</th>"
                   "<th>served, B − A</th><th>95% CI</th><th>verdict</th></tr>\n");
    for (size_t i = 1; i < R->n; i++) {
        cs_error e = CS_ERROR_INIT;
        cs_comparison_t *c = NULL;
        cs_html_printf(h, "<tr><td>%c − A</td>", (char)('A' + (i < 26 ? i : 25)));
        if (cs_analysis_compare(&c, R->in[0].r, R->in[i].r, &R->o->analysis, &e) == CS_OK) {
            cs_html_printf(h, "<td class=\"kind\">%s<br><span class=\"note\">",
                           cs_compare_kind_name(c->kind));
            cs_html_text(h, c->basis);
            cs_html_raw(h, "</span></td>");
            paired_cells(h, &c->unserved_tbps, 3, 1.0, "");
            paired_cells(h, &c->served_frac, 2, 100.0, "%");
        } else {
            cs_html_raw(h, "<td colspan=\"7\" class=\"note\">not compared: ");
            cs_html_text(h, e.msg);
            cs_html_raw(h, "</td>");
        }
        cs_comparison_free(c);
        cs_html_raw(h, "</tr>\n");
    }
    cs_html_raw(h, "</table>\n<p class=\"note\">The figures of <code>cablesim compare</code> "
                   "(docs/analysis-cli.md): paired when both files have the same seed and trials "
                   "(trial <i>t</i> against trial <i>t</i>), otherwise unpaired, two independent "
                   "samples with Welch intervals. Regions and cable systems are compared by "
                   "name where both files have them.</p>\n</section>\n");
}
