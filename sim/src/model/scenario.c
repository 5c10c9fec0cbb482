/*
 * scenario.c: a scenario file (YAML) interpreted into run settings.
 *
 * Implementation notes. Overrides are applied to the document first, so that
 * a value given with --set is checked exactly like one in the file and the
 * recorded text is what actually ran. Every top-level key is then checked;
 * checking goes on after a problem so that err->sink sees each one (err
 * keeps the first). docs/scenarios.md documents the keys; keep them in step.
 */
#include "cablesim/scenario.h"

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cablesim/paths.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

#define DEFAULT_TOPOLOGY "topology/japan.geojson"
#define DEFAULT_DEMAND   "topology/japan-demand.csv"

static const char *const top_keys[] = {
    "name",     "description",  "topology", "demand", "as_of",    "trials",    "seed",    "routing",
    "capacity", "demand_scale", "hazards",  "output", "recovery", "estimator", "network", NULL};
const char *const cs_scenario_estimator_keys[] = {
    "method", "target", "pilot_trials", "iterations", "rho", "smoothing", NULL};
static const char *const routing_keys[] = {"policy",
                                           "rounds",
                                           "hop_ms",
                                           "restoration_share",
                                           "utilisation",
                                           "restoration_at_event",
                                           "restoration_ramp_days",
                                           NULL};
static const char *const output_keys[] = {
    "edge_flow", "latency", "compression", "batch_trials", "headroom", "format_version", NULL};

/* Keeps the first failure while checking goes on. */
static void keep(cs_status *rc, cs_status r)
{
    if (*rc == CS_OK) *rc = r;
}

static char *dup_str(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d != NULL) memcpy(d, s, n);
    return d;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/*
 * Resolves the path at key: absolute as is; else relative to dir (the
 * scenario's directory; the working directory when dir is NULL); else a
 * bundled data file. Absent: the bundled default.
 */
static cs_status resolve_path(const cs_ydoc_t *d, const cs_ynode *root, const char *key,
                              const char *dflt, const char *dir, char **out, cs_error *err)
{
    const char *rel = NULL;
    cs_status rc = cs_yget_string(d, root, key, false, NULL, &rel, err);
    if (rc != CS_OK) return rc;
    char buf[PATH_MAX];
    if (rel == NULL) {
        cs_ydoc_note_default(d, root, key, dflt); /* portable: resolved in the bundled data */
        if ((rc = cs_data_path(buf, sizeof buf, dflt, err)) != CS_OK) return rc;
        *out = dup_str(buf);
        return *out ? CS_OK : cs_errorf(err, CS_ENOMEM, "out of memory");
    }
    const cs_ynode *v = cs_ymap_get(root, key);
    if (rel[0] == '\0') return cs_yerr(d, v, key, "a file path", err);
    bool found = false;
    if (rel[0] == '/' || dir == NULL || dir[0] == '\0') {
        found = snprintf(buf, sizeof buf, "%s", rel) < (int)sizeof buf && is_file(buf);
    } else {
        found = snprintf(buf, sizeof buf, "%s/%s", dir, rel) < (int)sizeof buf && is_file(buf);
    }
    if (!found && rel[0] != '/') {
        cs_error quiet = CS_ERROR_INIT; /* not finding it there is no error of its own */
        found = cs_data_path(buf, sizeof buf, rel, &quiet) == CS_OK && is_file(buf);
    }
    if (!found) return cs_yerr(d, v, key, "an existing file", err);
    *out = dup_str(buf);
    return *out ? CS_OK : cs_errorf(err, CS_ENOMEM, "out of memory");
}

/* `routing`: a map {policy, rounds, hop_ms, and the restoration model's restoration_share,
 * utilisation, restoration_at_event, restoration_ramp_days}; absent or null keeps the defaults
 * (restoration_share's: derived, NAN). */
static cs_status get_routing(const cs_ydoc_t *d, const cs_ynode *root, cs_routing_options *r,
                             cs_error *err)
{
    const cs_ynode *m = cs_ymap_get_or_default(d, root, "routing");
    if (m == NULL) return CS_OK; /* out of memory recording the defaults: still the defaults */
    cs_status rc = cs_ymap_check_keys(d, m, routing_keys, "routing", err);
    if (m->kind != CS_YMAP) return rc;
    int policy = CS_ROUTING_LATENCY_FIRST;
    long long rounds = 8;
    keep(&rc, cs_yget_enum(d, m, "policy", false, cs_routing_mode_names(), policy, &policy, err));
    keep(&rc, cs_yget_int(d, m, "rounds", false, 1, 1000, r->rounds, &rounds, err));
    keep(&rc, cs_yget_double(d, m, "hop_ms", false, 0.0, 100.0, r->hop_ms, &r->hop_ms, err));
    keep(&rc, cs_yget_double(d, m, "restoration_share", false, 0.0, 1.0, r->restoration_share,
                             &r->restoration_share, err));
    keep(&rc, cs_yget_double(d, m, "utilisation", false, 0.001, 1.0, r->utilisation,
                             &r->utilisation, err));
    keep(&rc, cs_yget_double(d, m, "restoration_at_event", false, 0.0, 1.0, r->restoration_at_event,
                             &r->restoration_at_event, err));
    keep(&rc, cs_yget_double(d, m, "restoration_ramp_days", false, 0.0, 3650.0,
                             r->restoration_ramp_days, &r->restoration_ramp_days, err));
    r->mode = (cs_routing_mode)policy; /* cs_routing_mode_names() is in enum order */
    r->rounds = (unsigned)rounds;
    return rc;
}

/* `demand_scale`: in (0, 1000]; the getter's ranges are closed, so 0 is refused here. */
static cs_status get_demand_scale(const cs_ydoc_t *d, const cs_ynode *root, double *out,
                                  cs_error *err)
{
    cs_error quiet = CS_ERROR_INIT;
    double x = 1.0;
    if (cs_yget_double(d, root, "demand_scale", false, 0.0, 1000.0, 1.0, &x, &quiet) != CS_OK ||
        !(x > 0.0))
        return cs_yerr(d, cs_ymap_get(root, "demand_scale"), "demand_scale",
                       strstr(quiet.msg, "written in decimal") != NULL
                           ? "a number in (0, 1000] written in decimal (not 0x, 0o or 0b)"
                           : "a number in (0, 1000]",
                       err);
    *out = x;
    return CS_OK;
}

static cs_status get_output(const cs_ydoc_t *d, const cs_ynode *root, cs_output_options *o,
                            cs_error *err)
{
    o->edge_flow = true;
    o->latency = true;
    o->compression = 2;
    o->batch_trials = 1024;
    o->headroom = false;
    o->format_version = 4;
    const cs_ynode *m = cs_ymap_get_or_default(d, root, "output");
    if (m == NULL) return CS_OK; /* out of memory recording the defaults: still the defaults */
    cs_status rc = cs_ymap_check_keys(d, m, output_keys, "output", err);
    if (m->kind != CS_YMAP) return rc;
    long long level = 2, batch = 1024, version = 3;
    keep(&rc, cs_yget_bool(d, m, "edge_flow", false, true, &o->edge_flow, err));
    keep(&rc, cs_yget_bool(d, m, "latency", false, true, &o->latency, err));
    keep(&rc, cs_yget_bool(d, m, "headroom", false, false, &o->headroom, err));
    keep(&rc, cs_yget_int(d, m, "compression", false, 0, 9, 2, &level, err));
    keep(&rc, cs_yget_int(d, m, "batch_trials", false, 1, 1000000, 1024, &batch, err));
    keep(&rc, cs_yget_int(d, m, "format_version", false, 1, 4, 4, &version, err));
    o->compression = (unsigned)level;
    o->format_version = (int)version;
    o->batch_trials = (size_t)batch;
    return rc;
}

/* `hazards`: a list of maps, each with a string `type`; their other keys are the hazard's. */
static cs_status get_hazards(const cs_ydoc_t *d, const cs_ynode *root, cs_scenario *s,
                             cs_error *err)
{
    const cs_ynode *seq = NULL;
    cs_status rc = cs_yget_seq(d, root, "hazards", false, &seq, err);
    if (rc == CS_OK && seq == NULL) cs_ydoc_note_default(d, root, "hazards", "[]");
    if (rc != CS_OK || seq == NULL) return rc;
    s->hazards = calloc(seq->n + 1, sizeof *s->hazards);
    if (s->hazards == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory for hazards");
    for (size_t i = 0; i < seq->n; i++) {
        const cs_ynode *h = seq->items[i];
        if (h->kind != CS_YMAP) {
            char key[40];
            snprintf(key, sizeof key, "hazards.%zu", i);
            keep(&rc, cs_yerr(d, h, key, "a map with a type key", err));
            continue;
        }
        const char *type = NULL;
        const cs_status r = cs_yget_string(d, h, "type", true, NULL, &type, err);
        keep(&rc, r);
        if (r == CS_OK) s->hazards[s->n_hazards++] = h;
    }
    return rc;
}

/* `recovery`: a map checked in full by the recovery module once the topology is loaded. */
static cs_status get_recovery(const cs_ydoc_t *d, const cs_ynode *root, cs_scenario *s,
                              cs_error *err)
{
    const cs_ynode *m = cs_ymap_get(root, "recovery");
    if (cs_ynode_is_null(m)) return CS_OK;
    if (m->kind != CS_YMAP)
        return cs_yerr(d, m, "recovery", "a map (fleet, ships, horizon_days, ...)", err);
    s->recovery = m;
    return CS_OK;
}

/* `network`: design alternatives, a map applied and checked in full by the topology loader
 * (cs_topology_load_design, network.c), which knows the ids. */
static cs_status get_network(const cs_ydoc_t *d, const cs_ynode *root, cs_scenario *s,
                             cs_error *err)
{
    const cs_ynode *m = cs_ymap_get(root, "network");
    if (cs_ynode_is_null(m)) return CS_OK;
    if (m->kind != CS_YMAP) return cs_yerr(d, m, "network", "a map (add, remove, upgrade)", err);
    s->network = m;
    return CS_OK;
}

/* `estimator`: a map whose `method` is read here (the writer needs to know whether trials carry
 * weights); the rest is checked by the estimator module once the demand's regions are known. */
static cs_status get_estimator(const cs_ydoc_t *d, const cs_ynode *root, cs_scenario *s,
                               cs_error *err)
{
    static const char *const methods[] = {"importance_sampling", "plain", NULL};
    const cs_ynode *m = cs_ymap_get(root, "estimator");
    if (cs_ynode_is_null(m)) return CS_OK;
    if (m->kind != CS_YMAP)
        return cs_yerr(d, m, "estimator", "a map with `method` and `target`", err);
    /* the keys first: a misspelt `method` is named with its did-you-mean hint, not as missing */
    cs_status rc = cs_ymap_check_keys(d, m, cs_scenario_estimator_keys, "estimator", err);
    if (rc != CS_OK) return rc;
    int method = 0;
    if ((rc = cs_yget_enum(d, m, "method", true, methods, 0, &method, err)) != CS_OK) return rc;
    s->estimator = m;
    s->weighted = method == 0;
    return CS_OK;
}

static cs_status interpret(cs_scenario *s, const char *dir, int default_year, cs_error *err)
{
    const cs_ydoc_t *d = s->doc;
    const cs_ynode *root = cs_ydoc_root(d);
    cs_status rc = cs_ymap_check_keys(d, root, top_keys, "scenario", err);
    if (root->kind != CS_YMAP) return rc;
    const cs_status name_rc = cs_yget_string(d, root, "name", true, NULL, &s->name, err);
    keep(&rc, name_rc);
    if (name_rc == CS_OK && s->name[0] == '\0')
        keep(&rc, cs_yerr(d, cs_ymap_get(root, "name"), "name", "a non-empty string", err));
    keep(&rc, cs_yget_string(d, root, "description", false, "", &s->description, err));
    keep(&rc, resolve_path(d, root, "topology", DEFAULT_TOPOLOGY, dir, &s->topology_path, err));
    keep(&rc, resolve_path(d, root, "demand", DEFAULT_DEMAND, dir, &s->demand_path, err));
    long long year = 0, trials = 0, seed = 0;
    keep(&rc, cs_yget_int(d, root, "as_of", false, 1990, 2100, default_year, &year, err));
    keep(&rc, cs_yget_int(d, root, "trials", false, 1, 1000000000000LL, 10000, &trials, err));
    keep(&rc, cs_yget_int(d, root, "seed", false, 0, LLONG_MAX, 1, &seed, err));
    s->as_of = (int)year;
    s->as_of_default = cs_ynode_is_null(cs_ymap_get(root, "as_of"));
    s->trials = (uint64_t)trials;
    s->seed = (uint64_t)seed;
    const cs_routing_options ro = CS_ROUTING_OPTIONS_INIT;
    s->routing = ro;
    keep(&rc, get_routing(d, root, &s->routing, err));
    int cap = 1; /* lit: index 1 of cs_routing_capacity_names() */
    keep(&rc, cs_yget_enum(d, root, "capacity", false, cs_routing_capacity_names(), 1, &cap, err));
    s->routing.use_lit = cap == 1;
    keep(&rc, get_demand_scale(d, root, &s->routing.demand_scale, err));
    keep(&rc, get_hazards(d, root, s, err));
    keep(&rc, get_output(d, root, &s->output, err));
    keep(&rc, get_recovery(d, root, s, err));
    keep(&rc, get_estimator(d, root, s, err));
    keep(&rc, get_network(d, root, s, err));
    return rc;
}

/* Takes doc (freed on failure), applies the overrides, interprets, records the text. */
static cs_status finish(cs_scenario **out, cs_ydoc_t *doc, const char *dir, const char *const *sets,
                        size_t nsets, int default_year, cs_error *err)
{
    cs_scenario *s = calloc(1, sizeof *s);
    if (s == NULL) {
        const cs_status rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_ydoc_name(doc));
        cs_ydoc_free(doc);
        return rc;
    }
    s->doc = doc;
    cs_status rc = CS_OK;
    if (dir != NULL && (s->dir = dup_str(dir)) == NULL)
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory", cs_ydoc_name(doc));
    for (size_t i = 0; i < nsets && rc == CS_OK; i++)
        rc = cs_ydoc_set(doc, sets[i], err);
    if (rc == CS_OK) rc = interpret(s, dir, default_year, err);
    if (rc == CS_OK) rc = cs_ydoc_defaults_check(doc, err);
    if (rc == CS_OK && (s->text = cs_ydoc_emit(doc)) == NULL)
        rc = cs_errorf(err, CS_ENOMEM, "%s: out of memory writing the scenario text",
                       cs_ydoc_name(doc));
    if (rc != CS_OK) {
        cs_scenario_free(s);
        return rc;
    }
    *out = s;
    return CS_OK;
}

cs_status cs_scenario_load_string(cs_scenario **out, const char *text, const char *name,
                                  const char *dir, const char *const *sets, size_t nsets,
                                  int default_year, cs_error *err)
{
    *out = NULL;
    cs_ydoc_t *doc = NULL;
    const cs_status rc = cs_ydoc_load_string(&doc, text, name, err);
    if (rc != CS_OK) return rc;
    return finish(out, doc, dir, sets, nsets, default_year, err);
}

cs_status cs_scenario_load(cs_scenario **out, const char *path, const char *const *sets,
                           size_t nsets, int default_year, cs_error *err)
{
    *out = NULL;
    cs_ydoc_t *doc = NULL;
    cs_status rc = cs_ydoc_load(&doc, path, err);
    if (rc != CS_OK) return rc;
    /* Relative paths in the file are relative to its directory. */
    char *dir = dup_str(path);
    if (dir == NULL) {
        cs_ydoc_free(doc);
        return cs_errorf(err, CS_ENOMEM, "%s: out of memory", path);
    }
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else if (slash != NULL)
        *slash = '\0';
    rc = finish(out, doc, slash ? dir : NULL, sets, nsets, default_year, err);
    free(dir);
    return rc;
}

void cs_scenario_free(cs_scenario *s)
{
    if (s == NULL) return;
    free(s->topology_path);
    free(s->demand_path);
    free(s->hazards);
    free(s->text);
    free(s->dir);
    cs_ydoc_free(s->doc);
    free(s);
}

cs_status cs_scenario_resolved_text(const cs_scenario *s, char **out, cs_error *err)
{
    *out = NULL;
    cs_ydoc_t *own = NULL; /* a scenario made by hand (tests) has only its text */
    if (s->doc == NULL) {
        const cs_status rc = cs_ydoc_load_string(&own, s->text, "the scenario as run", err);
        if (rc != CS_OK) return rc;
    }
    *out = cs_ydoc_emit_resolved(s->doc != NULL ? s->doc : own);
    cs_ydoc_free(own);
    return *out != NULL ? CS_OK
                        : cs_errorf(err, CS_ENOMEM,
                                    "%s: out of memory writing the resolved scenario", s->name);
}

cs_status cs_scenario_basics_of(const char *text, const char *file, cs_scenario_basics *out,
                                cs_error *err)
{
    memset(out, 0, sizeof *out);
    cs_ydoc_t *d = NULL;
    cs_status rc = cs_ydoc_load_string(&d, text, file, err);
    if (rc) return rc;
    const cs_ynode *root = cs_ydoc_root(d);
    const char *name = "";
    int cap = 1;
    cs_routing_options ro = CS_ROUTING_OPTIONS_INIT;
    rc = cs_yget_string(d, root, "name", false, "", &name, err);
    if (!rc)
        rc = cs_yget_enum(d, root, "capacity", false, cs_routing_capacity_names(), 1, &cap, err);
    if (!rc) rc = get_routing(d, root, &ro, err);
    if (!rc) {
        snprintf(out->name, sizeof out->name, "%s", name);
        out->capacity_basis = cs_routing_capacity_name(cap == 1);
        out->routing_policy = cs_routing_mode_name(ro.mode);
    }
    if (!rc) rc = cs_ydoc_defaults_check(d, err);
    cs_ydoc_free(d);
    return rc;
}
