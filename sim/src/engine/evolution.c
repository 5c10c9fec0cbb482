/*
 * evolution.c: one scenario on the network in service in a given year
 * (cablesim/evolution.h; the columns are defined in docs/criticality.md,
 * "Evolution").
 */
#include "cablesim/evolution.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cablesim/engine.h"
#include "cablesim/scenario.h"

static bool is_japan_station(const cs_node *n)
{
    return n->kind == CS_NODE_LANDING && cs_node_is_japan(n);
}

/* Systems with a segment ending at a Japanese landing station, and those segments' capacity. */
static cs_status japan_capacity(const cs_topology_t *t, cs_evolution_row *row, cs_error *err)
{
    unsigned char *seen = calloc(cs_topology_cable_count(t) + 1, 1);
    if (seen == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for the cable list");
    for (size_t e = 0; e < cs_topology_edge_count(t); e++) {
        const cs_edge *ed = cs_topology_edge(t, e);
        if (ed->kind != CS_EDGE_SEGMENT) continue;
        if (!is_japan_station(cs_topology_node(t, ed->from)) &&
            !is_japan_station(cs_topology_node(t, ed->to)))
            continue;
        row->japan_design_tbps += ed->capacity_tbps;
        row->japan_systems += !seen[ed->cable_index];
        seen[ed->cable_index] = 1;
    }
    free(seen);
    return CS_OK;
}

/*
 * reached[g] = 1 when the intact network joins region g (of the summary's list)
 * to some Japanese city: some demand between them is connected.
 */
static void reached_regions(const cs_engine_t *e, const cs_run_summary *s, unsigned char *reached)
{
    const cs_topology_t *t = cs_engine_topology(e);
    const cs_demand_t *d = cs_engine_demand(e);
    const cs_routing_result *base = cs_engine_baseline(e);
    for (size_t i = 0; i < cs_demand_count(d); i++) {
        const cs_demand_entry *de = cs_demand_entry_at(d, i);
        const cs_node *a = cs_topology_node(t, de->origin),
                      *b = cs_topology_node(t, de->destination);
        const bool ja = cs_node_is_japan(a), jb = cs_node_is_japan(b);
        if (ja == jb || !base->connected[i]) continue;
        const char *region = ja ? b->region : a->region;
        for (size_t g = 0; g < s->n_regions; g++)
            if (strcmp(s->regions[g], region) == 0) reached[g] = 1;
    }
}

/*
 * Runs the trials one at a time: the run summary counts, per region, the
 * trials that cut it off, but whether any region was cut off in a trial needs
 * that trial's own flags, which the increments of the counts give.
 */
static cs_status run_trials(cs_engine_t *e, cs_run_summary *sum, const unsigned char *reached,
                            uint64_t *any, uint64_t *any_reached, cs_error *err)
{
    const uint64_t n = cs_engine_scenario(e)->trials;
    uint64_t *before = calloc(sum->n_regions + 1, sizeof *before);
    if (before == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for the region counts");
    cs_engine_options o = CS_ENGINE_OPTIONS_INIT;
    o.n_trials = 1;
    cs_status rc = CS_OK;
    for (uint64_t t = 0; t < n && rc == CS_OK; t++) {
        memcpy(before, sum->region_cut, sum->n_regions * sizeof *before);
        o.first_trial = t;
        rc = cs_engine_run(e, NULL, &o, sum, err);
        bool cut = false, cut_reached = false;
        for (size_t g = 0; g < sum->n_regions; g++)
            if (sum->region_cut[g] != before[g]) {
                cut = true;
                cut_reached = cut_reached || reached[g];
            }
        *any += cut;
        *any_reached += cut_reached;
    }
    free(before);
    return rc;
}

static void fill_row(const cs_engine_t *e, const cs_run_summary *s, const unsigned char *reached,
                     uint64_t any, uint64_t any_reached, cs_evolution_row *row)
{
    const cs_routing_result *base = cs_engine_baseline(e);
    const cs_estimate u = cs_analysis_estimate(s->trials, s->mean_unserved, s->m2_unserved);
    /* Stated as the run summary states it: no normal interval on few losses or one outcome. */
    const cs_loss_interval li =
        cs_analysis_loss_interval(cs_run_summary_varied(s), s->loss_trials, &u, base->unserved_tbps,
                                  base->demand_tbps - base->unserved_tbps);
    row->systems = cs_topology_cable_count(cs_engine_topology(e));
    row->trials = s->trials;
    row->demand_tbps = base->demand_tbps;
    row->baseline_unserved_tbps = base->unserved_tbps;
    row->mean = s->mean_unserved;
    row->ci_low = li.lo;
    row->ci_high = li.hi;
    row->unserved_kind = li.kind;
    row->loss_trials = s->loss_trials;
    row->p_loss_hi = li.p_hi;
    row->loss = s->mean_unserved - base->unserved_tbps;
    if (fabs(row->loss) <= CS_ROUTING_EPS_TBPS) row->loss = 0.0;
    row->share = base->demand_tbps > 0 ? s->mean_unserved / base->demand_tbps : 0.0;
    row->any_cut = cs_analysis_wilson(any, s->trials);
    row->any_reached_cut = cs_analysis_wilson(any_reached, s->trials);
    row->regions = s->n_regions;
    row->worst[0] = '\0';
    uint64_t most = 0;
    for (size_t g = 0; g < s->n_regions; g++) {
        row->unreached += !reached[g];
        if (reached[g] && s->region_cut[g] > most) {
            most = s->region_cut[g];
            snprintf(row->worst, sizeof row->worst, "%s", s->regions[g]);
        }
    }
    row->worst_p = s->trials > 0 ? (double)most / (double)s->trials : 0.0;
}

static cs_status run_engine(cs_engine_t *e, cs_evolution_row *row, cs_error *err)
{
    cs_run_summary sum;
    cs_status rc = cs_run_summary_init(&sum, e, err);
    if (rc != CS_OK) return rc;
    unsigned char *reached = calloc(sum.n_regions + 1, 1);
    uint64_t any = 0, any_reached = 0;
    if (reached == NULL) rc = cs_errorf(err, CS_ENOMEM, "out of memory for the regions");
    if (rc == CS_OK) {
        reached_regions(e, &sum, reached);
        rc = run_trials(e, &sum, reached, &any, &any_reached, err);
    }
    if (rc == CS_OK) rc = japan_capacity(cs_engine_topology(e), row, err);
    if (rc == CS_OK) fill_row(e, &sum, reached, any, any_reached, row);
    free(reached);
    cs_run_summary_destroy(&sum);
    return rc;
}

/* Whether s is an override of as_of ("as_of" or "as_of=..."): the year is the caller's. */
static bool sets_as_of(const char *s)
{
    return strncmp(s, "as_of", 5) == 0 && (s[5] == '\0' || s[5] == '=');
}

cs_status cs_evolution_year(cs_evolution_row *row, const char *scenario_path, int year,
                            const cs_evolution_options *opt, cs_error *err)
{
    const cs_evolution_options none = {.sets = NULL, .n_sets = 0, .growth = NAN};
    if (opt == NULL) opt = &none;
    memset(row, 0, sizeof *row);
    row->year = year;
    if (year < 1990 || year > 2100)
        return cs_errorf(err, CS_EINVAL, "evolution: year: expected 1990 to 2100, found %d", year);
    for (size_t i = 0; i < opt->n_sets; i++)
        if (sets_as_of(opt->sets[i]))
            return cs_errorf(err, CS_EINVAL,
                             "evolution: --set %s: the year is set by the evolution, not the "
                             "scenario",
                             opt->sets[i]);
    const char **sets = malloc((opt->n_sets + 1) * sizeof *sets);
    if (sets == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for the overrides");
    for (size_t i = 0; i < opt->n_sets; i++)
        sets[i] = opt->sets[i];
    char as_of[32];
    snprintf(as_of, sizeof as_of, "as_of=%d", year);
    sets[opt->n_sets] = as_of; /* last, so nothing overrides it */
    cs_scenario *sc = NULL;
    cs_engine_t *e = NULL;
    cs_status rc = cs_scenario_load(&sc, scenario_path, sets, opt->n_sets + 1, year, err);
    if (rc != CS_OK) goto fail;
    /* The table's figures are plain means and frequencies: of importance-sampled trials they
     * would describe the tilted draws, not the model (docs/rare-events.md). */
    if (sc->weighted) {
        rc = cs_yerr(sc->doc, cs_ymap_get(sc->estimator, "method"), "estimator.method",
                     "plain or no estimator (evolution tabulates plain statistics, which "
                     "importance-sampled trials do not give; run each year with cablesim run "
                     "--set as_of=YEAR and cablesim analyze: docs/rare-events.md)",
                     err);
        goto fail;
    }
    if (!isnan(opt->growth))
        sc->routing.demand_scale *=
            pow(1.0 + opt->growth, (double)(year - CS_EVOLUTION_DEMAND_YEAR));
    row->demand_scale = sc->routing.demand_scale;
    /* Nothing is written: one-trial batches without the large per-trial arrays. */
    sc->output.batch_trials = 1;
    sc->output.edge_flow = false;
    sc->output.latency = false;
    if ((rc = cs_engine_alloc(&e, sc, err)) != CS_OK) goto fail;
    rc = run_engine(e, row, err);
fail:
    cs_engine_free(e);
    cs_scenario_free(sc);
    free(sets);
    return rc;
}
