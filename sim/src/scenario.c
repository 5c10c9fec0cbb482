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
    "name",     "description",  "topology", "demand", "as_of",    "trials",    "seed", "routing",
    "capacity", "demand_scale", "hazards",  "output", "recovery", "estimator", NULL};
static const char *const routing_keys[] = {"policy", "rounds", "hop_ms", "restoration_share", NULL};
static const char *const output_keys[] = {"edge_flow", "latency", "compression", "batch_trials",
                                          NULL};

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

/* `routing`: a map {policy, rounds, hop_ms, restoration_share}; absent or null keeps the
 * defaults. */
static cs_status get_routing(const cs_ydoc_t *d, const cs_ynode *root, cs_routing_options *r,
                             cs_error *err)
{
    const cs_ynode *m = cs_ymap_get(root, "routing");
    if (cs_ynode_is_null(m)) return CS_OK;
    cs_status rc = cs_ymap_check_keys(d, m, routing_keys, "routing", err);
    if (m->kind != CS_YMAP) return rc;
    int policy = CS_ROUTING_LATENCY_FIRST;
    long long rounds = 8;
    keep(&rc, cs_yget_enum(d, m, "policy", false, cs_routing_mode_names(), policy, &policy, err));
    keep(&rc, cs_yget_int(d, m, "rounds", false, 1, 1000, r->rounds, &rounds, err));
    keep(&rc, cs_yget_double(d, m, "hop_ms", false, 0.0, 100.0, r->hop_ms, &r->hop_ms, err));
    keep(&rc, cs_yget_double(d, m, "restoration_share", false, 0.0, 1.0, r->restoration_share,
                             &r->restoration_share, err));
    r->mode = (cs_routing_mode)policy; /* cs_routing_mode_names() is in enum order */
    r->rounds = (unsigned)rounds;
    return rc;
}

/* `demand_scale`: in (0, 1000]; the getter's ranges are closed, so 0 is refused here. */
static cs_status get_demand_scale(const cs_ydoc_t *d, const cs_ynode *root, double *out,
                                  cs_error *err)
{
    const char *expected = "a number in (0, 1000]";
    cs_error quiet = CS_ERROR_INIT;
    double x = 1.0;
    if (cs_yget_double(d, root, "demand_scale", false, 0.0, 1000.0, 1.0, &x, &quiet) != CS_OK ||
        !(x > 0.0))
        return cs_yerr(d, cs_ymap_get(root, "demand_scale"), "demand_scale", expected, err);
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
    const cs_ynode *m = cs_ymap_get(root, "output");
    if (cs_ynode_is_null(m)) return CS_OK;
    cs_status rc = cs_ymap_check_keys(d, m, output_keys, "output", err);
    if (m->kind != CS_YMAP) return rc;
    long long level = 2, batch = 1024;
    keep(&rc, cs_yget_bool(d, m, "edge_flow", false, true, &o->edge_flow, err));
    keep(&rc, cs_yget_bool(d, m, "latency", false, true, &o->latency, err));
    keep(&rc, cs_yget_int(d, m, "compression", false, 0, 9, 2, &level, err));
    keep(&rc, cs_yget_int(d, m, "batch_trials", false, 1, 1000000, 1024, &batch, err));
    o->compression = (unsigned)level;
    o->batch_trials = (size_t)batch;
    return rc;
}

/* `hazards`: a list of maps, each with a string `type`; their other keys are the hazard's. */
static cs_status get_hazards(const cs_ydoc_t *d, const cs_ynode *root, cs_scenario *s,
                             cs_error *err)
{
    const cs_ynode *seq = NULL;
    cs_status rc = cs_yget_seq(d, root, "hazards", false, &seq, err);
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
    int method = 0;
    const cs_status rc = cs_yget_enum(d, m, "method", true, methods, 0, &method, err);
    if (rc != CS_OK) return rc;
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

/* Appends s as a YAML double-quoted scalar to buf (size n). false when it does not fit. */
static bool put_quoted(char *buf, size_t n, const char *s)
{
    size_t k = strlen(buf);
    if (k + 1 >= n) return false;
    buf[k++] = '"';
    for (; *s != '\0'; s++) {
        char esc[8] = "";
        const unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            snprintf(esc, sizeof esc, "\\%c", c);
        else if (c == '\n')
            snprintf(esc, sizeof esc, "\\n");
        else if (c < 0x20 || c == 0x7f)
            snprintf(esc, sizeof esc, "\\x%02x", c);
        else
            esc[0] = (char)c;
        const size_t e = strlen(esc);
        if (k + e + 2 >= n) return false;
        memcpy(buf + k, esc, e);
        k += e;
    }
    buf[k++] = '"';
    buf[k] = '\0';
    return true;
}

/* Sets key to the string value in doc (nothing for NULL). */
static cs_status set_string(cs_ydoc_t *doc, const char *key, const char *value, cs_error *err)
{
    if (value == NULL) return CS_OK; /* not known: left as written */
    const size_t n = strlen(key) + 4 * strlen(value) + 8;
    char *a = malloc(n);
    if (a == NULL) return cs_errorf(err, CS_ENOMEM, "out of memory");
    snprintf(a, n, "%s=", key);
    cs_status rc = put_quoted(a, n, value) ? cs_ydoc_set(doc, a, err)
                                           : cs_errorf(err, CS_ENOMEM, "out of memory");
    free(a);
    return rc;
}

/* Sets key to the plain scalar printed by fmt in doc. */
static cs_status set_plain(cs_ydoc_t *doc, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static cs_status set_plain(cs_ydoc_t *doc, const char *key, const char *fmt, ...)
{
    char a[256];
    int k = snprintf(a, sizeof a, "%s=", key);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a + k, sizeof a - (size_t)k, fmt, ap);
    va_end(ap);
    cs_error quiet = CS_ERROR_INIT;
    return cs_ydoc_set(doc, a, &quiet);
}

/* The shortest %g form of x that reads back as x (at most 17 digits), into buf. */
static const char *shortest(char buf[32], double x)
{
    for (int digits = 6; digits <= 17; digits++) {
        snprintf(buf, 32, "%.*g", digits, x);
        if (strtod(buf, NULL) == x) break;
    }
    return buf;
}

cs_status cs_scenario_resolved_text(const cs_scenario *s, char **out, cs_error *err)
{
    *out = NULL;
    cs_ydoc_t *doc = NULL;
    cs_status rc = cs_ydoc_load_string(&doc, s->text, "the scenario as run", err);
    if (rc) return rc;
    const cs_routing_options *r = &s->routing;
    const cs_output_options *o = &s->output;
    /* A null `routing:` or `output:` (the defaults) becomes a map to hold them. */
    static const char *const maps[] = {"routing", "output"};
    for (size_t i = 0; i < 2 && !rc; i++) {
        const cs_ynode *v = cs_ymap_get(cs_ydoc_root(doc), maps[i]);
        if (v != NULL && cs_ynode_is_null(v)) rc = set_plain(doc, maps[i], "{}");
    }
    if (!rc) rc = set_string(doc, "name", s->name, err);
    if (!rc) rc = set_string(doc, "description", s->description, err);
    if (!rc) rc = set_string(doc, "topology", s->topology_path, err);
    if (!rc) rc = set_string(doc, "demand", s->demand_path, err);
    if (!rc) rc = set_plain(doc, "as_of", "%d", s->as_of);
    if (!rc) rc = set_plain(doc, "trials", "%" PRIu64, s->trials);
    if (!rc) rc = set_plain(doc, "seed", "%" PRIu64, s->seed);
    if (!rc) rc = set_plain(doc, "routing.policy", "%s", cs_routing_mode_name(r->mode));
    if (!rc) rc = set_plain(doc, "routing.rounds", "%u", r->rounds);
    char num[32];
    if (!rc) rc = set_plain(doc, "routing.hop_ms", "%s", shortest(num, r->hop_ms));
    if (!rc) rc = set_plain(doc, "capacity", "%s", cs_routing_capacity_name(r->use_lit));
    if (!rc) rc = set_plain(doc, "demand_scale", "%s", shortest(num, r->demand_scale));
    if (!rc) rc = set_plain(doc, "output.edge_flow", "%s", o->edge_flow ? "true" : "false");
    if (!rc) rc = set_plain(doc, "output.latency", "%s", o->latency ? "true" : "false");
    if (!rc) rc = set_plain(doc, "output.compression", "%u", o->compression);
    if (!rc) rc = set_plain(doc, "output.batch_trials", "%zu", o->batch_trials);
    if (rc != CS_OK && rc != CS_ENOMEM)
        rc = cs_errorf(err, rc, "%s: cannot write the resolved scenario", s->name);
    if (!rc && (*out = cs_ydoc_emit(doc)) == NULL) rc = cs_errorf(err, CS_ENOMEM, "out of memory");
    cs_ydoc_free(doc);
    return rc;
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
    cs_ydoc_free(d);
    return rc;
}
