/*
 * report.c: the HTML report (report.h). The page is written top to bottom in one pass over
 * analyses made beforehand; html.c escapes text and tags figures, map.c draws the SVG.
 */
/* nftw and realpath (X/Open). */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cablesim/coast.h"
#include "cablesim/paths.h"
#include "cablesim/report.h"
#include "cablesim/ydoc.h"
#include "core/fileio.h"
#include "report/html.h"
#include "report/map.h"
#include "report/report_impl.h"

extern char **environ;

/* ------------------------------------------------------------------ the scenario in words */

static const cs_ynode *scen(const cs_rep_input *f, const char *key)
{
    return f->doc != NULL ? cs_ymap_get(cs_ydoc_root(f->doc), key) : NULL;
}

const char *cs_rep_scen_str(const cs_rep_input *f, const char *key, const char *dflt)
{
    const cs_ynode *n = scen(f, key);
    return n != NULL && n->kind == CS_YSCALAR && n->value != NULL ? n->value : dflt;
}

/* A YAML value in words: scalars as they are, lists joined by ", ", maps as "key value; ...". */
static void yaml_words(cs_html *h, const cs_ynode *n)
{
    if (n == NULL) return;
    if (n->kind == CS_YSCALAR) {
        cs_html_text(h, n->value);
        return;
    }
    for (size_t i = 0; i < n->n; i++) {
        if (i) cs_html_raw(h, n->kind == CS_YSEQ ? ", " : "; ");
        if (n->kind == CS_YMAP) {
            cs_html_text(h, n->keys[i]->value);
            cs_html_raw(h, " ");
        }
        const bool nested = n->items[i]->kind != CS_YSCALAR;
        if (nested) cs_html_raw(h, "(");
        yaml_words(h, n->items[i]);
        if (nested) cs_html_raw(h, ")");
    }
}

static const char *hazard_words(const char *type)
{
    static const char *const names[][2] = {
        {"random_faults", "Random faults at each segment's yearly fault rate (fishing, anchors, "
                          "equipment)"},
        {"earthquake", "Earthquake: ground motion and fragility of the cables near the rupture"},
        {"sediment_flow", "Sediment flow (turbidity current) down the slopes"},
        {"sabotage", "Sabotage: deliberate cuts"},
        {"anchor_drag", "Anchor drag along a ship's track"},
        {"station_attack", "Loss of landing stations (attack or common cause)"},
        {"explicit", "Cuts given explicitly"},
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (type != NULL && strcmp(type, names[i][0]) == 0) return names[i][1];
    return "Hazard";
}

static void hazards_in_words(cs_html *h, const cs_rep_input *f)
{
    const cs_ynode *hz = scen(f, "hazards");
    if (hz == NULL || hz->kind != CS_YSEQ || hz->n == 0) {
        cs_html_raw(h, "<p>No hazards: every trial is the intact network.</p>\n");
        return;
    }
    cs_html_raw(h, "<ul class=\"hazards\">\n");
    for (size_t i = 0; i < hz->n; i++) {
        const cs_ynode *item = hz->items[i];
        const cs_ynode *type = cs_ymap_get(item, "type");
        const char *t = type != NULL && type->kind == CS_YSCALAR ? type->value : NULL;
        cs_html_raw(h, "<li><b>");
        cs_html_text(h, hazard_words(t));
        cs_html_raw(h, "</b> <code>");
        cs_html_text(h, t != NULL ? t : "?");
        cs_html_raw(h, "</code>");
        bool first = true;
        for (size_t k = 0; item->kind == CS_YMAP && k < item->n; k++) {
            if (strcmp(item->keys[k]->value, "type") == 0) continue;
            cs_html_raw(h, first ? ": " : "; ");
            first = false;
            cs_html_text(h, item->keys[k]->value);
            cs_html_raw(h, " ");
            yaml_words(h, item->items[k]);
        }
        cs_html_raw(h, "</li>\n");
    }
    cs_html_raw(h, "</ul>\n");
}

/* ------------------------------------------------------------------------- sections */

static const char style[] =
    "<style>\n"
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',sans-serif;"
    "color:#1d2630;margin:0 auto;max-width:1100px;padding:18px 28px 60px;background:#fff}\n"
    "h1{font-size:24px;margin:6px 0 2px}h2{font-size:19px;margin:30px 0 8px;border-bottom:2px "
    "solid #d8e0e8;padding-bottom:3px}h3{font-size:15px;margin:18px 0 6px}\n"
    ".lede{font-size:16px;color:#3a4654;margin:2px 0 12px}\n"
    "nav{font-size:13px;color:#55626f}nav a{margin-right:10px}\n"
    "dl.q{display:grid;grid-template-columns:190px 1fr;gap:4px 14px;margin:0}dl.q dt{color:#55626f}"
    "dl.q dd{margin:0}\n"
    ".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:10px}\n"
    ".card{border:1px solid #d8e0e8;border-radius:6px;padding:10px 12px;background:#f8fafc}\n"
    ".card .v{font-size:22px;font-weight:600}.card .l{color:#55626f;font-size:12.5px}\n"
    "table{border-collapse:collapse;margin:6px 0 10px;font-size:13px}th,td{padding:3px 8px;"
    "border-bottom:1px solid #e3e8ee;text-align:right;vertical-align:top}th{background:#f1f4f7}"
    "td:first-child,th:first-child{text-align:left}\n"
    ".note{color:#55626f;font-size:12.5px}.legend span{display:inline-block;margin-right:14px}\n"
    ".sw{display:inline-block;width:22px;height:4px;vertical-align:middle;margin-right:5px}\n"
    "svg.map{display:block;margin:8px 0;border:1px solid #c8d0d8;max-width:100%;height:auto}\n"
    "pre{background:#f6f8fa;padding:8px;overflow-x:auto;font-size:12px}\n"
    "@media print{body{max-width:none;padding:0}h2{break-after:avoid}svg{break-inside:avoid}}\n"
    "</style>\n";

static void head(cs_rep_page *R)
{
    const cs_rep_input *f = &R->in[0];
    cs_html *h = &R->h;
    const char *const top[] = {
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"generator\" content=\"cablesim ",
        cs_version(), "\">\n<title>cablesim report: ", f->a->scenario_name, "</title>\n"};
    cs_html_mix(h, top, sizeof top / sizeof *top);
    cs_html_raw(h, style);
    const char *const header[] = {
        "</head>\n<body>\n<header>\n<h1>cablesim report: ", f->a->scenario_name,
        "</h1>\n<p class=\"lede\">", cs_rep_scen_str(f, "description", "")};
    cs_html_mix(h, header, sizeof header / sizeof *header);
    cs_html_raw(h, "</p>\n<nav><a href=\"#question\">Question</a><a href=\"#headline\">Headline "
                   "figures</a><a href=\"#regions\">Regions</a><a href=\"#cables\">Cables and "
                   "stations</a><a href=\"#map\">Map</a>");
    if (f->v != NULL) cs_html_raw(h, "<a href=\"#recovery\">Recovery</a>");
    if (R->n > 1) cs_html_raw(h, "<a href=\"#comparison\">Comparison</a>");
    cs_html_raw(h, "<a href=\"#assumptions\">Assumptions and sources</a><a "
                   "href=\"#versions\">Versions</a></nav>\n</header>\n");
}

static void question(cs_rep_page *R)
{
    const cs_rep_input *f = &R->in[0];
    const cs_analysis_t *a = f->a;
    const cs_results_info *in = a->info;
    cs_html *h = &R->h;
    cs_html_raw(h, "<section id=\"question\">\n<h2>The question</h2>\n<dl class=\"q\">\n");
    const char *const scenario[] = {"<dt>Scenario</dt><dd><b>",
                                    a->scenario_name,
                                    "</b> — ",
                                    cs_rep_scen_str(f, "description", "(no description)"),
                                    " <span class=\"note\">(results file <code>",
                                    in->path,
                                    "</code>)</span></dd>\n<dt>Network</dt><dd>the cables in "
                                    "service in "};
    cs_html_mix(h, scenario, sizeof scenario / sizeof *scenario);
    cs_html_printf(h, "%d", (int)in->as_of);
    cs_html_printf(h, ": %zu cable systems, %zu segments and links, %zu nodes</dd>\n", a->n_cables,
                   in->n_edges, in->n_nodes);
    cs_html_raw(h, "<dt>Demand</dt><dd>");
    cs_html_fig(h, "overall.demand_tbps", a->demand_tbps, 2, 1.0, " Tbps");
    cs_html_printf(h,
                   " of peak traffic in %zu flows between Japanese cities and %zu regions (the "
                   "demand file ",
                   in->n_demands, a->n_regions);
    cs_html_raw(h, "× ");
    cs_html_text(h, cs_rep_scen_str(f, "demand_scale", "1"));
    cs_html_raw(h, "); the intact network leaves ");
    cs_html_fig(h, "overall.intact_unserved_tbps", in->base_unserved_tbps, 3, 1.0, " Tbps");
    cs_html_raw(h, " unserved</dd>\n<dt>Routing</dt><dd>");
    cs_html_text(h, in->routing_policy);
    cs_html_raw(h, " over the ");
    cs_html_text(h, in->capacity_basis);
    cs_html_raw(h, " capacity that survives in each trial</dd>\n<dt>Trials</dt><dd>");
    cs_html_count(h, "source.trials", in->trials);
    cs_html_printf(h,
                   " Monte Carlo trials, seed %llu (trial <i>t</i> depends on the seed and "
                   "<i>t</i> only)</dd>\n",
                   (unsigned long long)in->seed);
    cs_html_raw(h, "<dt>Hazards</dt><dd>");
    hazards_in_words(h, f);
    cs_html_raw(h, "</dd>\n");
    if (in->has_recovery) {
        cs_html_printf(h,
                       "<dt>Recovery</dt><dd>%zu repair ships; failures repaired over a %.4g-day "
                       "horizon in %.4g-hour steps (",
                       in->n_ships, in->horizon_days, in->step_hours);
        yaml_words(h, scen(f, "recovery"));
        cs_html_raw(h, ")</dd>\n");
    }
    cs_html_raw(h, "</dl>\n</section>\n");
}

static void card_open(cs_html *h)
{
    cs_html_raw(h, "<div class=\"card\"><div class=\"v\">");
}

static void card_close(cs_html *h, const char *label)
{
    cs_html_raw(h, "</div><div class=\"l\">");
    cs_html_raw(h, label);
    cs_html_raw(h, "</div></div>\n");
}

/* The honest statement of the expected unserved demand (as analyze prints it). */
cs_loss_interval cs_rep_loss_interval(const cs_analysis_t *a)
{
    return a->unserved_stated;
}

void cs_rep_stated(cs_html *h, const char *key, const cs_loss_interval *s, int prec, double scale,
                   const char *suffix, bool served)
{
    char k[256];
    if (s->kind == CS_LOSS_NORMAL)
        cs_html_interval(h, key, s->lo, s->hi, prec, scale, suffix);
    else if (s->kind == CS_LOSS_BOUND) {
        snprintf(k, sizeof k, "%s.bound", key);
        cs_html_raw(h, served ? "at least " : "at most ");
        cs_html_fig(h, k, served ? s->lo : s->hi, prec, scale, suffix);
    } else
        cs_html_raw(h, "one outcome");
}

static void headline(cs_rep_page *R)
{
    const cs_analysis_t *a = R->in[0].a;
    cs_html *h = &R->h;
    const cs_loss_interval li = cs_rep_loss_interval(a);
    cs_html_raw(h, "<section id=\"headline\">\n<h2>Headline figures</h2>\n<div class=\"cards\">\n");
    card_open(h);
    cs_html_fig(h, "overall.unserved_statement.mean", li.mean, 3, 1.0, " Tbps");
    cs_html_raw(h, "</div><div class=\"l\">");
    if (li.kind == CS_LOSS_ONE_OUTCOME)
        cs_html_raw(h, "unserved demand, the same in every trial (one outcome, no interval)");
    else if (li.kind == CS_LOSS_BOUND) {
        cs_html_raw(h, "expected unserved demand; too few trials lose traffic for a normal "
                       "interval: at most ");
        cs_html_fig(h, "overall.unserved_statement.hi", li.hi, 3, 1.0, " Tbps");
        cs_html_raw(h, " (95% Clopper-Pearson bound)");
    } else {
        cs_html_raw(h, "expected unserved demand, 95% CI ");
        cs_html_interval(h, "overall.unserved_statement", li.lo, li.hi, 3, 1.0, "");
    }
    card_close(h, "");
    card_open(h);
    cs_html_fig(h, "overall.served_fraction.mean", a->served_frac.mean, 2, 100.0, "%");
    const cs_loss_interval fs = a->served_stated;
    cs_html_raw(h, "</div><div class=\"l\">of the demand served on average");
    if (fs.kind == CS_LOSS_NORMAL) cs_html_raw(h, ", 95% CI ");
    if (fs.kind == CS_LOSS_BOUND) cs_html_raw(h, " (95% Clopper-Pearson bound: ");
    if (fs.kind == CS_LOSS_ONE_OUTCOME) cs_html_raw(h, " (");
    cs_rep_stated(h, "overall.served_fraction", &fs, 2, 100.0, "%", true);
    if (fs.kind != CS_LOSS_NORMAL) cs_html_raw(h, ")");
    card_close(h, "");
    card_open(h);
    cs_html_fig(h, "overall.capacity_lost_tbps.mean", a->capacity_lost_tbps.mean, 1, 1.0, " Tbps");
    cs_html_raw(h, "</div><div class=\"l\">capacity down per trial (failed, or at a lost "
                   "station), 95% CI ");
    cs_html_interval(h, "overall.capacity_lost_tbps", a->capacity_lost_tbps.lo,
                     a->capacity_lost_tbps.hi, 1, 1.0, "");
    card_close(h, "");
    card_open(h);
    cs_html_count(h, "overall.disturbed_trials", a->n_disturbed);
    cs_html_raw(h, " of ");
    cs_html_count(h, "source.trials", a->n);
    cs_html_raw(h, "</div><div class=\"l\">trials with at least one failure; ");
    cs_html_count(h, "overall.loss_trials", a->n_loss);
    cs_html_raw(h, " lose traffic");
    card_close(h, "");
    if (a->all_cut.n > 0) {
        card_open(h);
        cs_html_fig(h, "overall.all_pairs_cut.p", a->all_cut.p, 2, 100.0, "%");
        cs_html_raw(h, "</div><div class=\"l\">probability that every tracked (city, region) "
                       "pair is cut at once, ");
        if (a->varied) {
            cs_html_raw(h, "95% Wilson ");
            cs_html_interval(h, "overall.all_pairs_cut", a->all_cut.lo, a->all_cut.hi, 2, 100.0,
                             "%");
        } else
            cs_html_raw(h, "one outcome");
        card_close(h, "");
    }
    if (isfinite(a->latency_inflation)) {
        card_open(h);
        cs_html_fig(h, "overall.latency_inflation", a->latency_inflation, 4, 1.0, "");
        card_close(h, "latency inflation: served-weighted latency over the intact network's");
    }
    cs_html_raw(h, "</div>\n<p class=\"note\">");
    if (!a->precision.defined)
        cs_html_raw(h, "No traffic is lost in any trial: the relative precision is undefined.");
    else {
        cs_html_raw(h, "Precision: the 95% CI half-width is ");
        cs_html_fig(h, "overall.precision.achieved", a->precision.achieved, 2, 100.0, "%");
        cs_html_printf(h, " of the mean (target %.0f%%: ", 100.0 * a->precision_target);
        if (a->precision.sufficient)
            cs_html_raw(h, "reached).");
        else {
            cs_html_count(h, "overall.precision.more_trials", a->precision.more);
            cs_html_raw(h, " more trials needed).");
        }
    }
    cs_html_raw(h, " Figures are means over the trials with 95% intervals: normal intervals from "
                   "the Monte Carlo standard error, Wilson intervals for probabilities.</p>\n"
                   "</section>\n");
}

/* --------------------------------------------------------------- assumptions, versions */

static void assumptions(cs_rep_page *R)
{
    const cs_rep_input *f = &R->in[0];
    const cs_results_info *in = f->a->info;
    cs_html *h = &R->h;
    cs_html_raw(h, "<section id=\"assumptions\">\n<h2>Assumptions and sources</h2>\n<ul>\n");
    cs_html_raw(h, "<li>Each trial draws the failures of every hazard from its own random stream "
                   "(seed, trial), independently of the others; the figures are averages over "
                   "the trials, not a forecast of one event.</li>\n");
    cs_html_raw(h, "<li>In each trial the demand is routed over the capacity that survives (");
    cs_html_text(h, in->routing_policy);
    cs_html_raw(h, ", ");
    cs_html_text(h, in->capacity_basis);
    cs_html_raw(h, " capacity); traffic that finds no path or no spare capacity is unserved. "
                   "Peak demand, not the daily average: the figures are for the busy hour.</li>\n");
    cs_html_raw(h, "<li>A lost landing station takes every segment landing there with it. Cable "
                   "and station capacities, routes and ready-for-service years are those of the "
                   "topology data set, each feature citing its public source.</li>\n");
    cs_html_raw(h,
                "<li>Intervals: 95%; normal intervals from the Monte Carlo standard error; "
                "where fewer than 30 trials lose traffic (overall, to a region or on a demand), a "
                "Clopper-Pearson bound instead; one outcome, no interval, where every trial "
                "has the same failures; "
                "Wilson intervals for probabilities. They measure sampling error only, not "
                "the uncertainty of the model's parameters.</li>\n");
    if (in->has_recovery)
        cs_html_raw(h,
                    "<li>Repairs: ships from the fleet file work through a queue (mobilisation, "
                    "transit at their speed, permits by waters, depth-dependent repair time); "
                    "docs/model.md, \"Recovery\", gives the parameters and their sources.</li>\n");
    cs_html_raw(h, "<li>The models, their formulas, parameters and sources: docs/model.md; their "
                   "checks against recorded events: docs/validation.md (in the source tree, or "
                   "share/doc/cablesim when installed).</li>\n</ul>\n<h3>Inputs</h3>\n<table "
                   "class=\"sources\"><tr><th>input</th><th>file</th><th>SHA-256</th></tr>\n");
    const char *const inputs[] = {"<tr><td>topology</td><td>",
                                  cs_rep_scen_str(f, "topology", "(bundled)"),
                                  "</td><td><code>",
                                  in->topology_sha256,
                                  "</code></td></tr>\n<tr><td>demand</td><td>",
                                  cs_rep_scen_str(f, "demand", "(bundled)"),
                                  "</td><td><code>",
                                  in->demand_sha256,
                                  "</code></td></tr>\n</table>\n"};
    cs_html_mix(h, inputs, sizeof inputs / sizeof *inputs);
    if (in->has_recovery && in->n_ships > 0) {
        cs_html_raw(h, "<h3>Fleet sources</h3>\n<ul class=\"note\">\n");
        for (size_t s = 0; s < in->n_ships; s++) {
            bool seen = false;
            for (size_t t = 0; t < s && !seen; t++)
                seen = strcmp(in->ships[t].source, in->ships[s].source) == 0;
            if (seen || !in->ships[s].source[0]) continue;
            cs_html_raw(h, "<li>");
            cs_html_text(h, in->ships[s].source);
            cs_html_raw(h, "</li>\n");
        }
        cs_html_raw(h, "</ul>\n");
    }
    cs_html_raw(h, "<details><summary>The scenario as run</summary>\n<pre>");
    cs_html_text(h, in->scenario_resolved[0] ? in->scenario_resolved : in->scenario);
    cs_html_raw(h, "</pre>\n</details>\n</section>\n");
}

static void versions(cs_rep_page *R)
{
    cs_html *h = &R->h;
    cs_build_info bi;
    cs_build_info_get(&bi);
    cs_html_raw(h, "<section id=\"versions\">\n<h2>Versions</h2>\n<table class=\"versions\">\n");
    for (size_t i = 0; i < R->n; i++) {
        const cs_results_info *in = R->in[i].a->info;
        const char *const file[] = {"<tr><td>results file <code>",
                                    in->path,
                                    "</code></td><td>written ",
                                    in->created,
                                    " by cablesim ",
                                    in->software_version};
        cs_html_mix(h, file, 6);
        cs_html_printf(h, " (results format %d)</td></tr>\n", (int)in->format_version);
    }
    const char *const software[] = {"<tr><td>this report</td><td>cablesim ",
                                    bi.version,
                                    " (commit ",
                                    bi.commit,
                                    ", ",
                                    bi.build_type,
                                    "); HDF5 ",
                                    bi.hdf5,
                                    ", igraph ",
                                    bi.igraph,
                                    ", GSL ",
                                    bi.gsl,
                                    ", ",
                                    bi.mpi,
                                    "</td></tr>\n"};
    cs_html_mix(h, software, sizeof software / sizeof *software);
    if (R->coast_wide != NULL) {
        cs_html_raw(h, "<tr><td>coastlines</td><td>GSHHG ");
        cs_html_text(h, R->coast_wide->version);
        cs_html_raw(h, "</td></tr>\n");
    }
    cs_html_raw(h, "</table>\n</section>\n</body>\n</html>\n");
}

/* ------------------------------------------------------------------------- entry */

static void inputs_free(cs_rep_input *in, size_t n)
{
    for (size_t i = 0; in != NULL && i < n; i++) {
        cs_recovery_analysis_free(in[i].v);
        cs_analysis_free(in[i].a);
        cs_resultsio_close(in[i].r);
        cs_ydoc_free(in[i].doc);
    }
    free(in);
}

static cs_status open_input(cs_rep_input *f, const char *path, const cs_report_options *o,
                            cs_error *err)
{
    f->path = path;
    cs_status rc = cs_resultsio_open(&f->r, path, err);
    /* An importance-sampled run's trials follow the tilted law: every figure of the page
     * (means, quantiles, regions, rankings, maps) would describe the tilted draws, not the model
     * (docs/rare-events.md); `cablesim analyze` gives its weighted estimates. */
    if (!rc && cs_resultsio_has(f->r, CS_DS_WEIGHT))
        rc = cs_errorf(err, CS_EINVAL,
                       "%s: dataset /trials/weight: expected a run of the model's own draws, "
                       "found an importance-sampled one (the report's figures would describe its "
                       "tilted draws; cablesim analyze gives the weighted estimates: "
                       "docs/rare-events.md)",
                       path);
    if (!rc) rc = cs_analysis_run(&f->a, f->r, &o->analysis, err);
    if (!rc && cs_resultsio_info(f->r)->has_recovery)
        rc = cs_analysis_recovery(&f->v, f->r, &o->analysis, err);
    if (rc) return rc;
    const cs_results_info *in = cs_resultsio_info(f->r);
    cs_error ignore = CS_ERROR_INIT; /* the file's own scenario: read it for words only */
    if (cs_ydoc_load_string(&f->doc,
                            in->scenario_resolved[0] ? in->scenario_resolved : in->scenario, path,
                            &ignore) == CS_ENOMEM)
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", path);
    return CS_OK;
}

cs_status cs_report_write(FILE *out, const char *const *files, size_t n_files,
                          const cs_report_options *o, const char *name, cs_error *err)
{
    const cs_report_options dflt = CS_REPORT_OPTIONS_INIT;
    if (o == NULL) o = &dflt;
    if (n_files == 0) return cs_errorf(err, CS_EINVAL, "%s: no results file to report on", name);
    if (o->top == 0) return cs_errorf(err, CS_EINVAL, "%s: top: expected at least 1", name);
    cs_rep_page R = {.h = {.out = out, .base = ""}, .o = o, .n = n_files};
    R.in = calloc(n_files, sizeof *R.in);
    cs_status rc = R.in == NULL ? cs_errorf(err, CS_ENOMEM, "%s: out of memory", name) : CS_OK;
    for (size_t i = 0; i < n_files && !rc; i++)
        rc = open_input(&R.in[i], files[i], o, err);
    if (!rc && o->coastline != NULL) {
        const cs_map_view w = cs_map_view_of(R.in[0].a->info, "", "", 1);
        rc = cs_coast_load(&R.coast_wide, o->coastline, w.west, w.east, w.south, w.north,
                           CS_COAST_LEVEL_LAND, err);
        if (!rc) rc = cs_coast_load(&R.coast_japan, o->coastline, 125, 149, 27, 48, 2, err);
    }
    if (!rc) {
        head(&R);
        question(&R);
        headline(&R);
        if (!cs_rep_regions(&R) || !cs_rep_cables(&R))
            rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", name);
    }
    if (!rc) {
        cs_rep_maps(&R);
        cs_rep_recovery(&R);
        cs_rep_comparison(&R);
        assumptions(&R);
        versions(&R);
        if (R.h.failed || fflush(out) != 0 || ferror(out))
            rc = cs_errorf(err, CS_EWRITE, "%s: cannot write: %s", name, strerror(errno));
    }
    cs_coast_free(R.coast_wide);
    cs_coast_free(R.coast_japan);
    inputs_free(R.in, n_files);
    return rc;
}

typedef struct {
    const char *const *files;
    size_t n_files;
    const cs_report_options *o;
    const char *path;
} report_job;

static cs_status report_to(FILE *f, void *ctx, cs_error *err)
{
    const report_job *j = ctx;
    return cs_report_write(f, j->files, j->n_files, j->o, j->path, err);
}

cs_status cs_report_file(const char *path, const char *const *files, size_t n_files,
                         const cs_report_options *o, cs_error *err)
{
    report_job j = {.files = files, .n_files = n_files, .o = o, .path = path};
    return cs_write_file(path, report_to, &j, err);
}

/* ------------------------------------------------------------------------- PDF */

static int remove_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(p);
}

/*
 * The browser's directories are DIR/cablesim-pdf-HOST-PID-XXXXXX (DIR: $TMPDIR, else /tmp). One
 * left by a report that was killed (its PID no longer runs on this host; the directory is this
 * user's) is removed by the next report that prints, since the killed one could not. A PID
 * that runs again (reused) keeps its directory: nothing of a live process is removed.
 */
static void remove_stale(const char *dir, const char *host)
{
    DIR *d = opendir(dir);
    if (d == NULL) return;
    char prefix[300];
    const int np = snprintf(prefix, sizeof prefix, "cablesim-pdf-%s-", host);
    const struct dirent *e;
    while (np > 0 && (size_t)np < sizeof prefix && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, (size_t)np) != 0) continue;
        char *end = NULL;
        errno = 0;
        const long pid = strtol(e->d_name + np, &end, 10);
        if (errno != 0 || end == e->d_name + np || pid <= 0 || pid == (long)getpid() ||
            *end != '-' || strlen(end + 1) != 6)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; /* alive (or not ours to ask) */
        char path[PATH_MAX];
        struct stat st;
        if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < sizeof path &&
            lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid())
            nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
    closedir(d);
}

/* Whether the file at path is a whole PDF: "%PDF" first and "%%EOF" in its last 1 KiB (a PDF
 * cut short by a full disk or a file size limit has no end-of-file marker). *size its bytes. */
static bool whole_pdf(const char *path, long *size)
{
    FILE *f = fopen(path, "rb");
    char head[5] = {0}, tail[1025] = {0};
    bool ok = f != NULL && fread(head, 1, 4, f) == 4 && memcmp(head, "%PDF", 4) == 0 &&
              fseek(f, 0, SEEK_END) == 0 && (*size = ftell(f)) > 8;
    if (ok) {
        const long k = *size < 1024 ? *size : 1024;
        ok = fseek(f, -k, SEEK_END) == 0 && fread(tail, 1, (size_t)k, f) == (size_t)k;
        for (long i = 0; ok && i < k; i++) /* the marker may be followed by NULs too */
            if (tail[i] == '\0') tail[i] = ' ';
        ok = ok && strstr(tail, "%%EOF") != NULL;
    }
    if (f != NULL) fclose(f);
    return ok;
}

/* Copies the printed PDF (from: in the browser's directory) into the output (to: its name). */
typedef struct {
    const char *from, *to;
} pdf_copy;

static cs_status copy_pdf(FILE *out, void *ctx, cs_error *err)
{
    const pdf_copy *c = ctx;
    FILE *in = fopen(c->from, "rb");
    if (in == NULL)
        return cs_errorf(err, CS_EWRITE, "%s: cannot open the printed %s: %s", c->to, c->from,
                         strerror(errno));
    char buf[65536];
    size_t k;
    cs_status rc = CS_OK;
    while (rc == CS_OK && (k = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, k, out) != k)
            rc = cs_errorf(err, CS_EWRITE, "%s: cannot write: %s", c->to, strerror(errno));
    if (rc == CS_OK && ferror(in))
        rc = cs_errorf(err, CS_EWRITE, "%s: cannot read the printed %s: %s", c->to, c->from,
                       strerror(errno));
    if (rc == CS_OK && fflush(out) != 0)
        rc = cs_errorf(err, CS_EWRITE, "%s: cannot write: %s", c->to, strerror(errno));
    fclose(in);
    return rc;
}

cs_status cs_report_pdf(const char *html, const char *pdf, const char *browser, cs_error *err)
{
    if (browser == NULL) browser = "chromium";
    const char *const inputs[] = {html};
    if (cs_file_check_replace(pdf, inputs, 1, err) != CS_OK) return err->code;
    char abs[PATH_MAX];
    if (realpath(html, abs) == NULL)
        return cs_errorf(err, CS_EIO, "%s: cannot find it: %s", html, strerror(errno));
    const size_t n = PATH_MAX + 64;
    char *tmp = malloc(n), *url = malloc(n), *print = malloc(n), *profile = malloc(n);
    char *dir = malloc(n);
    cs_status rc = CS_OK;
    if (!tmp || !url || !print || !profile || !dir) {
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", pdf);
        goto done;
    }
    const char *tmpdir = getenv("TMPDIR");
    if (tmpdir == NULL || tmpdir[0] == '\0') tmpdir = "/tmp";
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0' || strchr(host, '/') != NULL)
        snprintf(host, sizeof host, "localhost");
    remove_stale(tmpdir, host);
    /* (short enough for the page's and the profile's paths below to fit in n) */
    if ((size_t)snprintf(dir, n, "%s/cablesim-pdf-%s-%ld-XXXXXX", tmpdir, host, (long)getpid()) >=
        (size_t)PATH_MAX - 32) {
        rc = cs_errorf(err, CS_EINVAL, "%s: TMPDIR too long: %s", pdf, tmpdir);
        goto done;
    }
    if (mkdtemp(dir) == NULL) {
        rc = cs_errorf(err, CS_EWRITE, "%s: cannot make a browser profile directory in %s: %s", pdf,
                       tmpdir, strerror(errno));
        goto done;
    }
    /* The browser prints into its own directory, and the PDF, once checked whole, is copied to
     * pdf as any output is (cs_write_file: pdf.tmp.PID renamed): Chromium, its disk full, left
     * a PDF cut short and exited 0 (session 20), and names no cause. */
    snprintf(tmp, n, "%s/page.pdf", dir);
    snprintf(url, n, "file://%s", abs);
    snprintf(print, n, "--print-to-pdf=%s", tmp);
    snprintf(profile, n, "--user-data-dir=%s/profile", dir);
    /* Chromium refuses to run as root with its sandbox. */
    char *argv[] = {(char *)browser,
                    "--headless",
                    "--disable-gpu",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-extensions",
                    "--no-pdf-header-footer",
                    profile,
                    print,
                    geteuid() == 0 ? "--no-sandbox" : url,
                    geteuid() == 0 ? url : NULL,
                    NULL};
    pid_t pid;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    const int e = posix_spawnp(&pid, browser, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    int status = 0;
    long size = 0;
    if (e != 0)
        rc = cs_errorf(err, CS_EIO, "%s: cannot run %s (Debian package chromium): %s", pdf, browser,
                       strerror(e));
    else if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        rc = cs_errorf(err, CS_EIO, "%s: %s failed to print %s (status %d)", pdf, browser, html,
                       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    else if (!whole_pdf(tmp, &size))
        rc = cs_errorf(err, CS_EWRITE, "%s: %s wrote no whole PDF (%ld bytes in %s: a full disk?)",
                       pdf, browser, size, dir);
    if (!rc) {
        pdf_copy c = {tmp, pdf};
        rc = cs_write_file(pdf, copy_pdf, &c, err);
        /* (a path that cannot be made, now that the page is written: the path's fault) */
        if (rc == CS_EIO) err->code = rc = CS_EINVAL;
    }
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
done:
    free(dir);
    free(tmp);
    free(url);
    free(print);
    free(profile);
    return rc;
}
